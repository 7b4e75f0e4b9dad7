//! Scenario grids as tables: a matrix of the total present value for two dimensions, otherwise
//! one row per point; and every point in long form for CSV and Parquet.

use crate::analysis::grid::GridResult;
use crate::model::TOTAL;
use crate::present::format::{Lang, int};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;
use crate::scenario::vary::Value;

/// The heading: the grid's name, the intervention and the number of points.
pub fn heading(name: &str, r: &GridResult, lang: Lang) -> String {
    format!(
        "{} \"{name}\" — {} ({} {})",
        lang.t("Scenariegitter", "Scenario grid"),
        r.id,
        int(r.points as f64, lang),
        lang.t("punkter", "points")
    )
}

/// For two dimensions: the total PV as a matrix (rows: the first dimension's values, columns:
/// the second's); serialised as the grid JSON's `matrix`.
#[derive(Debug, serde::Serialize)]
pub struct Matrix<'a> {
    /// The first dimension's name.
    pub rows: &'a str,
    /// The second dimension's name.
    pub columns: &'a str,
    /// The first dimension's values.
    pub row_values: &'a [Value],
    /// The second dimension's values.
    pub column_values: &'a [Value],
    /// The key shown ([`TOTAL`]).
    pub key: &'a str,
    /// PV at (row, column).
    pub pv: Vec<Vec<f64>>,
}

/// The matrix of a two-dimensional grid, `None` for other grids.
pub fn matrix(r: &GridResult) -> Option<Matrix<'_>> {
    let [a, b] = r.dimensions.as_slice() else {
        return None;
    };
    let k_n = r.keys.len();
    Some(Matrix {
        rows: &a.name,
        columns: &b.name,
        row_values: &a.values,
        column_values: &b.values,
        key: TOTAL,
        pv: (0..a.values.len())
            .map(|i| {
                (0..b.values.len())
                    .map(|j| r.pv[(i * b.values.len() + j) * k_n])
                    .collect()
            })
            .collect(),
    })
}

/// The matrix as a table (thousands of kroner), at most `limit` rows.
pub fn matrix_table(m: &Matrix, lang: Lang, limit: usize) -> Table {
    let mut cols = vec![Column::new("", Kind::Text)];
    cols.extend(
        m.column_values
            .iter()
            .map(|v| Column::new(v.to_string(), Kind::Thousands)),
    );
    let mut t = Table::new("grid_matrix", cols).titled(format!(
        "{} ({}): {} ↓, {} →",
        lang.t("Nutidsværdi i alt", "Total present value"),
        lang.t("tusinde kr.", "thousand kr."),
        m.rows,
        m.columns
    ));
    for (v, row) in m.row_values.iter().zip(&m.pv).take(limit) {
        let mut cells = vec![Cell::Text(v.to_string())];
        cells.extend(row.iter().map(|x| Cell::Num(*x)));
        t.push(cells);
    }
    t
}

/// One row per point (at most `limit`): the dimensions' values, PV per key and the break-even
/// year.
pub fn points(r: &GridResult, lang: Lang, limit: usize) -> Table {
    let mut cols: Vec<Column> = r
        .dimensions
        .iter()
        .map(|d| Column::new(d.name.clone(), Kind::Text))
        .collect();
    cols.extend(
        r.keys
            .iter()
            .map(|k| Column::new(words::actor(k, lang), Kind::Kroner)),
    );
    cols.push(Column::new(lang.t("Break-even", "Break-even"), Kind::Year));
    let mut t = Table::new("grid", cols);
    for i in 0..r.points.min(limit) {
        let mut row: Vec<Cell> = r
            .coordinates(i)
            .iter()
            .map(|v| Cell::Text(v.to_string()))
            .collect();
        row.extend((0..r.keys.len()).map(|k| Cell::Num(r.pv[i * r.keys.len() + k])));
        row.push(Cell::or(r.break_even[i].map(f64::from), "–"));
        t.push(row);
    }
    t
}

/// The line after a table cut at `limit` rows (nothing when it was not cut).
pub fn more_rows(points: usize, limit: usize, lang: Lang) -> Option<String> {
    (points > limit).then(|| {
        format!(
            "… {} {} (--format csv, --out FIL.parquet)",
            int((points - limit) as f64, lang),
            lang.t("rækker mere", "more rows")
        )
    })
}

/// Every point of the grids in long form: intervention, one column per dimension (of all the
/// grids), PV per key (`pv_<key>`), the break-even year of the total.
pub fn long(results: &[GridResult]) -> Table {
    let mut names: Vec<&str> = Vec::new();
    for r in results {
        for d in &r.dimensions {
            if !names.contains(&d.name.as_str()) {
                names.push(&d.name);
            }
        }
    }
    let keys = results.first().map(|r| r.keys.clone()).unwrap_or_default();
    let mut cols = vec![Column::new("intervention", Kind::Text)];
    cols.extend(names.iter().map(|n| Column::new(*n, Kind::Number(0))));
    cols.extend(
        keys.iter()
            .map(|k| Column::new(format!("pv_{k}"), Kind::Number(0))),
    );
    cols.push(Column::new("break_even_year", Kind::Year));
    let mut t = Table::new("grid", cols);
    for r in results {
        for i in 0..r.points {
            let coords = r.coordinates(i);
            let mut row = vec![Cell::text(&r.id)];
            for n in &names {
                row.push(match r.dimensions.iter().position(|d| d.name == *n) {
                    None => Cell::Empty,
                    Some(a) => match coords[a] {
                        Value::Num(x) => Cell::Num(*x),
                        Value::Text(s) => Cell::text(s),
                    },
                });
            }
            row.extend((0..r.keys.len()).map(|k| Cell::Num(r.pv[i * r.keys.len() + k])));
            row.push(Cell::opt(r.break_even[i].map(f64::from)));
            t.push(row);
        }
    }
    t
}
