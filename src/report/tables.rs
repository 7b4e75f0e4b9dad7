//! The report's tables, as CSV (`tables/*.csv`) and as one workbook (`tables.xlsx`, a sheet per
//! table, numbers as numbers with a thousands format, frozen header row).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::Summary;
use crate::cli::table::actor_label;
use crate::text::Lang;

/// A table cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// An amount in kroner.
    Num(f64),
    /// A share (shown as a percentage in the workbook).
    Share(f64),
    /// A year or other plain number.
    Plain(f64),
    /// Text.
    Text(String),
    /// Nothing.
    Empty,
}

/// One table.
#[derive(Debug, Clone)]
pub struct Table {
    /// File and sheet name.
    pub name: String,
    /// Header.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The rows as text (numbers in full, `.` as decimal mark) for CSV.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Num(x) | Cell::Share(x) | Cell::Plain(x) => x.to_string(),
                        Cell::Text(s) => s.clone(),
                        Cell::Empty => String::new(),
                    })
                    .collect()
            })
            .collect()
    }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn year(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Plain)
}

fn share(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Share)
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

/// Every table of the report.
pub fn all(s: &Summary, lang: Lang) -> Vec<Table> {
    let mut out = Vec::new();
    let keys: Vec<String> = s
        .calc
        .first()
        .map(|c| c.pv.keys().map(String::from).collect())
        .unwrap_or_default();
    let labels: Vec<String> = keys.iter().map(|k| actor_label(k, lang)).collect();
    // net per year
    let mut header = vec![
        lang.t("Indsats", "Intervention").to_string(),
        lang.t("År", "Year").to_string(),
    ];
    header.extend(labels.iter().cloned());
    let mut rows = Vec::new();
    for c in &s.calc {
        for (t_i, y) in c.years.iter().enumerate() {
            let mut r = vec![t(&c.id), Cell::Plain(f64::from(*y))];
            r.extend(c.net.0.iter().map(|(_, v)| Cell::Num(v[t_i])));
            rows.push(r);
        }
    }
    out.push(Table {
        name: "net_per_year".into(),
        header,
        rows,
    });
    // present value and break-even
    let mut rows = Vec::new();
    for c in &s.calc {
        for (k, v) in &c.pv.0 {
            rows.push(vec![
                t(&c.id),
                t(&actor_label(k, lang)),
                Cell::Num(*v),
                year(c.break_even_year.get(k).copied().flatten().map(f64::from)),
            ]);
        }
    }
    out.push(Table {
        name: "present_value".into(),
        header: vec![
            lang.t("Indsats", "Intervention").into(),
            lang.t("Aktør", "Actor").into(),
            lang.t("Nutidsværdi (kr.)", "Present value (kr.)").into(),
            lang.t("Break-even år", "Break-even year").into(),
        ],
        rows,
    });
    // requirement
    let mut rows = Vec::new();
    for r in &s.require {
        for (k, v) in &r.success_rate.0 {
            rows.push(vec![
                t(&r.id),
                t(&actor_label(k, lang)),
                share(*v),
                Cell::Share(r.assumed_success_rate),
            ]);
        }
    }
    out.push(Table {
        name: "requirement".into(),
        header: vec![
            lang.t("Indsats", "Intervention").into(),
            lang.t("Aktør", "Actor").into(),
            lang.t("Krævet succesrate", "Required success rate").into(),
            lang.t("Antaget succesrate", "Assumed success rate").into(),
        ],
        rows,
    });
    // tornado
    let mut rows = Vec::new();
    for tor in &s.tornado {
        for b in &tor.bars {
            rows.push(vec![
                t(&tor.id),
                t(&crate::cli::tornado::label(b, lang)),
                Cell::Num(b.low),
                Cell::Num(b.high),
                Cell::Num(b.swing),
            ]);
        }
    }
    out.push(Table {
        name: "tornado".into(),
        header: vec![
            lang.t("Indsats", "Intervention").into(),
            lang.t("Input", "Input").into(),
            lang.t("Lav (kr.)", "Low (kr.)").into(),
            lang.t("Høj (kr.)", "High (kr.)").into(),
            lang.t("Udsving (kr.)", "Swing (kr.)").into(),
        ],
        rows,
    });
    // monte carlo
    let mut rows = Vec::new();
    for m in &s.mc {
        for ((k, p), (_, b)) in m.pv.0.iter().zip(&m.break_even_year.0) {
            rows.push(vec![
                t(&m.id),
                t(&actor_label(k, lang)),
                Cell::Num(p.deterministic),
                Cell::Num(p.mean),
                Cell::Num(p.sd),
                Cell::Num(p.interval[0]),
                Cell::Num(p.p50),
                Cell::Num(p.interval[1]),
                Cell::Share(p.p_positive),
                year(b.p10),
                year(b.p50),
                year(b.p90),
                Cell::Share(b.share_none),
            ]);
        }
    }
    out.push(Table {
        name: "monte_carlo".into(),
        header: [
            lang.t("Indsats", "Intervention"),
            lang.t("Aktør", "Actor"),
            lang.t("Bedste bud (kr.)", "Best estimate (kr.)"),
            lang.t("Middel (kr.)", "Mean (kr.)"),
            lang.t("Spredning (kr.)", "SD (kr.)"),
            lang.t("Interval, lav (kr.)", "Interval, low (kr.)"),
            lang.t("Median (kr.)", "Median (kr.)"),
            lang.t("Interval, høj (kr.)", "Interval, high (kr.)"),
            lang.t("P(gevinst)", "P(gain)"),
            lang.t("Break-even p10", "Break-even p10"),
            lang.t("Break-even p50", "Break-even p50"),
            lang.t("Break-even p90", "Break-even p90"),
            lang.t("Andel uden break-even", "Share without break-even"),
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    // budget years: the portfolio, or the single intervention
    let years = match &s.comparison {
        Some(c) => Some(&c.portfolio.by_year),
        None => s.mc.first().and_then(|m| m.by_year.as_ref()),
    };
    if let Some(years) = years {
        let mut header = vec![lang.t("År", "Year").to_string()];
        header.extend(labels.iter().map(|l| format!("{l}: minimum")));
        let rows = years
            .iter()
            .map(|y| {
                let mut r = vec![Cell::Plain(f64::from(y.year))];
                r.extend(y.net.0.iter().map(|(_, v)| Cell::Num(v.low)));
                r
            })
            .collect();
        out.push(Table {
            name: "budget_years".into(),
            header,
            rows,
        });
    }
    if let Some(c) = &s.comparison {
        let rows = c
            .pairs
            .iter()
            .map(|p| {
                vec![
                    t(&p.a),
                    t(&p.b),
                    Cell::Share(p.p_a_better),
                    opt(p.interval_overlap.map(|o| o[0])),
                    opt(p.interval_overlap.map(|o| o[1])),
                    Cell::Share(p.overlap_share),
                    Cell::Share(p.wrong_choice_risk),
                ]
            })
            .collect();
        out.push(Table {
            name: "comparison".into(),
            header: [
                "A",
                "B",
                "P(A > B)",
                lang.t("Overlap, lav (kr.)", "Overlap, low (kr.)"),
                lang.t("Overlap, høj (kr.)", "Overlap, high (kr.)"),
                lang.t("Overlap-andel", "Overlap share"),
                lang.t("Risiko for forkert valg", "Risk of the wrong choice"),
            ]
            .map(String::from)
            .to_vec(),
            rows,
        });
    }
    out.push(Table {
        name: "logbook".into(),
        header: vec![
            lang.t("Input", "Input").into(),
            lang.t("Note", "Note").into(),
            lang.t("Kilde", "Source").into(),
        ],
        rows: s
            .logbook
            .iter()
            .map(|l| {
                vec![
                    t(&l.input),
                    l.note.as_deref().map_or(Cell::Empty, t),
                    l.source.as_deref().map_or(Cell::Empty, t),
                ]
            })
            .collect(),
    });
    out
}

/// The tables as one workbook.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, String> {
    let e = |e: rust_xlsxwriter::XlsxError| format!("writing tables.xlsx: {e}");
    let mut wb = Workbook::new();
    // a fixed creation date: identical inputs give an identical file (no timestamps in data)
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(e)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    for table in tables {
        let ws = wb.add_worksheet();
        ws.set_name(table.name.chars().take(31).collect::<String>())
            .map_err(e)?;
        for (c, h) in table.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(e)?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 + 2.0).max(12.0))
                .map_err(e)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Share(x) => {
                        ws.write_number_with_format(r, c, *x, &share).map_err(e)?;
                    }
                    Cell::Plain(x) => {
                        ws.write_number(r, c, *x).map_err(e)?;
                    }
                    Cell::Num(x) => {
                        ws.write_number_with_format(r, c, *x, &whole).map_err(e)?;
                    }
                    Cell::Text(s) => {
                        // a text cell is never a formula in the file; the `'` keeps it so when a
                        // user edits the cell in Excel too
                        ws.write_string(r, c, crate::text::cell_safe(s))
                            .map_err(e)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The uncompressed bytes of `name` in a zip archive, found through its central directory.
    fn unzip(zip: &[u8], name: &str) -> Option<Vec<u8>> {
        let u16_at = |k: usize| usize::from(u16::from_le_bytes([zip[k], zip[k + 1]]));
        let u32_at =
            |k: usize| u32::from_le_bytes([zip[k], zip[k + 1], zip[k + 2], zip[k + 3]]) as usize;
        let end = (0..zip.len() - 21)
            .rev()
            .find(|&k| zip[k..k + 4] == [0x50, 0x4b, 5, 6])?;
        let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
        for _ in 0..count {
            let (method, size) = (u16_at(at + 10), u32_at(at + 20));
            let (name_len, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
            let local = u32_at(at + 42);
            if &zip[at + 46..at + 46 + name_len] == name.as_bytes() {
                let start = local + 30 + u16_at(local + 26) + u16_at(local + 28);
                let data = &zip[start..start + size];
                return match method {
                    0 => Some(data.to_vec()),
                    _ => miniz_oxide::inflate::decompress_to_vec(data).ok(),
                };
            }
            at += 46 + name_len + extra + comment;
        }
        None
    }

    #[test]
    fn user_text_cannot_become_a_formula_in_csv_or_xlsx() {
        let table = Table {
            name: "t".into(),
            header: vec!["name".into(), "pv".into()],
            rows: vec![vec![t("=HYPERLINK(\"http://x\")"), Cell::Num(-5.0)]],
        };
        let csv = crate::cli::table::csv(&table.header, &table.text_rows());
        assert_eq!(csv, "name,pv\n\"'=HYPERLINK(\"\"http://x\"\")\",-5\n");
        let xlsx = xlsx(&[table]).expect("xlsx");
        let strings = unzip(&xlsx, "xl/sharedStrings.xml").expect("shared strings");
        let strings = String::from_utf8(strings).expect("UTF-8");
        assert!(strings.contains("'=HYPERLINK("), "{strings}");
        let sheet = unzip(&xlsx, "xl/worksheets/sheet1.xml").expect("sheet");
        let sheet = String::from_utf8(sheet).expect("UTF-8");
        assert!(!sheet.contains("<f>"), "no formulas: {sheet}");
        // the number stays a number
        assert!(sheet.contains("<v>-5</v>"), "{sheet}");
    }
}
