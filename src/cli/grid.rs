//! `soem grid`: scenario grids as a terminal table or matrix, JSON or CSV, or every point
//! written to a CSV, Parquet, JSON or XLSX file.

use serde::Serialize;

use crate::analysis::grid::{GridResult, run as analyse};
use crate::error::AnalysisError;
use crate::export::Export;
use crate::kb::KnowledgeBase;
use crate::observer::Observer;
use crate::present::format::Lang;
use crate::present::table::Table;
use crate::present::view::grid as view;
use crate::present::words;
use crate::scenario::Scenario;
use crate::scenario::vary::{Dimension, Value};

/// Rows shown in the terminal before the table is cut (the file outputs hold every row).
const TEXT_ROWS: usize = 400;

/// The grids run: each with its name and a result per intervention.
pub struct Grids(Vec<(String, Vec<GridResult>)>);

impl Grids {
    /// The number of points of every grid together.
    pub fn points(&self) -> usize {
        self.0.iter().flat_map(|(_, r)| r).map(|r| r.points).sum()
    }
}

/// Runs the grid given by `dims`, or without dimensions the `[[grid]]`s declared in the file.
pub fn run(
    sc: &Scenario,
    kb: &KnowledgeBase,
    dims: Vec<Dimension>,
    observer: &dyn Observer,
) -> Result<Grids, AnalysisError> {
    let grids: Vec<(String, Vec<Dimension>)> = if dims.is_empty() {
        if sc.grids.is_empty() {
            return Err(AnalysisError::Invalid(format!(
                "no grid to run: give --vary NAME=SPEC (e.g. --vary success_rate=0.05:0.30:0.01) or declare [[grid]] with vary = [...] in {}",
                sc.path.display()
            )));
        }
        sc.grids
            .iter()
            .map(|g| (g.name.clone(), g.vary.clone()))
            .collect()
    } else {
        vec![("grid".to_string(), dims)]
    };
    let mut results = Vec::new();
    for (name, dims) in grids {
        let r = analyse(sc, kb, &dims, observer)?;
        results.push((name, r));
    }
    Ok(Grids(results))
}

impl Export for Grids {
    fn json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&json(&self.0))? + "\n")
    }

    fn table(&self) -> Table {
        let all: Vec<GridResult> = self.0.iter().flat_map(|(_, r)| r.clone()).collect();
        view::long(&all)
    }

    fn text(&self, lang: Lang) -> String {
        self.0
            .iter()
            .flat_map(|(name, rs)| rs.iter().map(move |r| text(name, r, lang)))
            .collect()
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    values: Vec<&'a Value>,
    pv: crate::model::Keyed<f64>,
    break_even_year: Option<i32>,
}

#[derive(Serialize)]
struct JsonGrid<'a> {
    name: &'a str,
    id: &'a str,
    dimensions: &'a [Dimension],
    rows: Vec<JsonRow<'a>>,
    matrix: Option<view::Matrix<'a>>,
    illustrative: &'a [String],
}

fn json(results: &[(String, Vec<GridResult>)]) -> Vec<JsonGrid<'_>> {
    let mut out = Vec::new();
    for (name, rs) in results {
        for r in rs {
            let rows = (0..r.points)
                .map(|i| JsonRow {
                    values: r.coordinates(i),
                    pv: crate::model::Keyed(
                        r.keys
                            .iter()
                            .enumerate()
                            .map(|(k, key)| (key.clone(), r.pv[i * r.keys.len() + k]))
                            .collect(),
                    ),
                    break_even_year: r.break_even[i],
                })
                .collect();
            out.push(JsonGrid {
                name,
                id: &r.id,
                dimensions: &r.dimensions,
                rows,
                matrix: view::matrix(r),
                illustrative: &r.illustrative,
            });
        }
    }
    out
}

fn text(name: &str, r: &GridResult, lang: Lang) -> String {
    let mut out = format!("{}\n", view::heading(name, r, lang));
    out += &words::illustrative_line(&r.illustrative, lang);
    if let Some(m) = view::matrix(r) {
        out += &super::titled_text(&view::matrix_table(&m, lang, TEXT_ROWS), lang);
        out += "\n";
        return out;
    }
    out += &view::points(r, lang, TEXT_ROWS).to_text(lang);
    if let Some(line) = view::more_rows(r.points, TEXT_ROWS, lang) {
        out += &format!("{line}\n");
    }
    out += "\n";
    out
}
