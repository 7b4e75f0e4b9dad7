//! `soem grid`: renders scenario grids as a terminal table or matrix, JSON, CSV, or writes CSV /
//! Parquet files (polars).

use std::path::Path;

use anyhow::{Result, anyhow};
use polars::prelude::*;
use serde::Serialize;

use super::Format;
use super::table::actor_label;
use crate::analysis::grid::{GridResult, run as analyse};
use crate::kb::KnowledgeBase;
use crate::scenario::Scenario;
use crate::scenario::vary::{Dimension, Value};
use crate::text::{Lang, int, kr};

/// Rows shown in the terminal before the table is cut (the file outputs hold every row).
const TEXT_ROWS: usize = 400;

/// Runs the grid(s) and renders or writes them.
pub fn run(
    sc: &Scenario,
    kb: &KnowledgeBase,
    dims: Vec<Dimension>,
    out: Option<&Path>,
    force: bool,
    format: Format,
    lang: Lang,
) -> Result<String> {
    let grids: Vec<(String, Vec<Dimension>)> = if dims.is_empty() {
        if sc.grids.is_empty() {
            anyhow::bail!(
                "no grid to run: give --vary NAME=SPEC (e.g. --vary success_rate=0.05:0.30:0.01) or declare [[grid]] with vary = [...] in {}",
                sc.path.display()
            );
        }
        sc.grids
            .iter()
            .map(|g| (g.name.clone(), g.vary.clone()))
            .collect()
    } else {
        vec![("grid".to_string(), dims)]
    };
    let mut results: Vec<(String, Vec<GridResult>)> = Vec::new();
    for (name, dims) in grids {
        let r = analyse(sc, kb, &dims).map_err(|e| anyhow!(e))?;
        results.push((name, r));
    }
    if let Some(path) = out {
        let all: Vec<GridResult> = results.iter().flat_map(|(_, r)| r.clone()).collect();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let mut df = frame(&all)?;
        let mut buf = Vec::new();
        match ext.as_str() {
            "parquet" => {
                ParquetWriter::new(&mut buf).finish(&mut df)?;
            }
            "csv" => {
                CsvWriter::new(&mut buf)
                    .include_header(true)
                    .finish(&mut df)?;
            }
            "json" => buf = (serde_json::to_string_pretty(&json(&results))? + "\n").into_bytes(),
            _ => anyhow::bail!(
                "--out {}: the file name must end in .csv, .parquet or .json",
                path.display()
            ),
        }
        super::write_new_file(path, &buf, force)?;
        let points: usize = all.iter().map(|r| r.points).sum();
        return Ok(format!(
            "{} {} {} {}\n",
            lang.t("Skrev", "Wrote"),
            int(points as f64, lang),
            lang.t("punkter til", "points to"),
            path.display()
        ));
    }
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&json(&results))? + "\n"),
        Format::Csv => {
            let all: Vec<GridResult> = results.iter().flat_map(|(_, r)| r.clone()).collect();
            let mut df = frame(&all)?;
            let mut buf = Vec::new();
            CsvWriter::new(&mut buf)
                .include_header(true)
                .finish(&mut df)?;
            Ok(String::from_utf8(buf)?)
        }
        Format::Text => Ok(results
            .iter()
            .flat_map(|(name, rs)| rs.iter().map(move |r| text(name, r, lang)))
            .collect()),
    }
}

/// One wide table: intervention, one column per dimension, PV per key, break-even year.
pub fn frame(results: &[GridResult]) -> Result<DataFrame> {
    let mut cols: Vec<Column> = Vec::new();
    let n: usize = results.iter().map(|r| r.points).sum();
    let mut ids = Vec::with_capacity(n);
    for r in results {
        ids.extend(std::iter::repeat_n(r.id.clone(), r.points));
    }
    cols.push(Column::new("intervention".into(), ids));
    let mut names: Vec<String> = Vec::new();
    for r in results {
        for d in &r.dimensions {
            if !names.contains(&d.name) {
                names.push(d.name.clone());
            }
        }
    }
    for name in &names {
        let textual = results
            .iter()
            .flat_map(|r| &r.dimensions)
            .any(|d| &d.name == name && matches!(d.values.first(), Some(Value::Text(_))));
        let mut nums: Vec<Option<f64>> = Vec::with_capacity(n);
        let mut texts: Vec<Option<String>> = Vec::with_capacity(n);
        for r in results {
            let at = r.dimensions.iter().position(|d| &d.name == name);
            for i in 0..r.points {
                let v = at.map(|a| r.coordinates(i)[a].clone());
                nums.push(v.as_ref().map(Value::num));
                texts.push(v.map(|v| v.to_string()));
            }
        }
        cols.push(if textual {
            Column::new(name.as_str().into(), texts)
        } else {
            Column::new(name.as_str().into(), nums)
        });
    }
    let keys = results.first().map(|r| r.keys.clone()).unwrap_or_default();
    for (k, key) in keys.iter().enumerate() {
        let mut v = Vec::with_capacity(n);
        for r in results {
            v.extend((0..r.points).map(|i| r.pv[i * r.keys.len() + k]));
        }
        cols.push(Column::new(format!("pv_{key}").into(), v));
    }
    let be: Vec<Option<i32>> = results
        .iter()
        .flat_map(|r| r.break_even.iter().copied())
        .collect();
    cols.push(Column::new("break_even_year".into(), be));
    Ok(DataFrame::new_infer_height(cols)?)
}

#[derive(Serialize)]
struct JsonRow<'a> {
    values: Vec<&'a Value>,
    pv: crate::model::Keyed<f64>,
    break_even_year: Option<i32>,
}

#[derive(Serialize)]
struct JsonMatrix<'a> {
    rows: &'a str,
    columns: &'a str,
    row_values: &'a [Value],
    column_values: &'a [Value],
    key: &'a str,
    pv: Vec<Vec<f64>>,
}

#[derive(Serialize)]
struct JsonGrid<'a> {
    name: &'a str,
    id: &'a str,
    dimensions: &'a [Dimension],
    rows: Vec<JsonRow<'a>>,
    matrix: Option<JsonMatrix<'a>>,
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
                matrix: matrix(r),
                illustrative: &r.illustrative,
            });
        }
    }
    out
}

/// For two dimensions: the total PV as a matrix (rows: first dimension), ready for a heat map.
fn matrix(r: &GridResult) -> Option<JsonMatrix<'_>> {
    let [a, b] = r.dimensions.as_slice() else {
        return None;
    };
    let k_n = r.keys.len();
    Some(JsonMatrix {
        rows: &a.name,
        columns: &b.name,
        row_values: &a.values,
        column_values: &b.values,
        key: "total",
        pv: (0..a.values.len())
            .map(|i| {
                (0..b.values.len())
                    .map(|j| r.pv[(i * b.values.len() + j) * k_n])
                    .collect()
            })
            .collect(),
    })
}

fn text(name: &str, r: &GridResult, lang: Lang) -> String {
    let mut out = format!(
        "{} \"{name}\" — {} ({} {})\n",
        lang.t("Scenariegitter", "Scenario grid"),
        r.id,
        int(r.points as f64, lang),
        lang.t("punkter", "points")
    );
    out += &super::illustrative_note(&r.illustrative, lang);
    if let Some(m) = matrix(r) {
        out += &format!(
            "{} ({}): {} ↓, {} →\n",
            lang.t("Nutidsværdi i alt", "Total present value"),
            lang.t("tusinde kr.", "thousand kr."),
            m.rows,
            m.columns
        );
        let mut header = vec![String::new()];
        header.extend(m.column_values.iter().map(|v| v.to_string()));
        let rows = m
            .row_values
            .iter()
            .zip(&m.pv)
            .take(TEXT_ROWS)
            .map(|(v, row)| {
                let mut cells = vec![v.to_string()];
                cells.extend(row.iter().map(|x| int(x / 1000.0, lang)));
                cells
            })
            .collect();
        out += &super::table::new(header, rows, 1);
        out += "\n";
        return out;
    }
    let mut header: Vec<String> = r.dimensions.iter().map(|d| d.name.clone()).collect();
    header.extend(r.keys.iter().map(|k| actor_label(k, lang)));
    header.push(lang.t("Break-even", "Break-even").into());
    let left = r.dimensions.len();
    let rows = (0..r.points.min(TEXT_ROWS))
        .map(|i| {
            let mut row: Vec<String> = r.coordinates(i).iter().map(|v| v.to_string()).collect();
            row.extend((0..r.keys.len()).map(|k| kr(r.pv[i * r.keys.len() + k], lang)));
            row.push(r.break_even[i].map_or("–".into(), |y| y.to_string()));
            row
        })
        .collect();
    out += &super::table::new(header, rows, left);
    if r.points > TEXT_ROWS {
        out += &format!(
            "… {} {} (--format csv, --out FIL.parquet)\n",
            int((r.points - TEXT_ROWS) as f64, lang),
            lang.t("rækker mere", "more rows")
        );
    }
    out += "\n";
    out
}
