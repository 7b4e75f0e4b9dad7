//! The one table model every front end shows: a title, typed columns and rows of values, with
//! one renderer per medium — terminal text, CSV (always formula-safe), the XLSX workbook and
//! HTML. A view builds a [`Table`] once; the terminal, the report and the workbench render it.

use comfy_table::{CellAlignment, ContentArrangement, presets};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::format::{Lang, dec, kr, pct, tkr};

/// What a column holds, which says how a number is shown to people and stored in a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, left-aligned.
    Text,
    /// Text that lines up like numbers (intervals, ranges): right-aligned.
    Figure,
    /// An amount in kroner: `-1.234 kr.`; `#,##0` in the workbook.
    Kroner,
    /// An amount shown in whole thousands (`-1.234`, the title says "tusinde kr."); the workbook
    /// keeps kroner.
    Thousands,
    /// A share shown as a percentage with this many decimals; `0.0%` in the workbook.
    Share(usize),
    /// A year or a count: the number as it is.
    Year,
    /// A plain number with this many decimals.
    Number(usize),
}

impl Kind {
    fn right(self) -> bool {
        self != Kind::Text
    }
}

/// One column: its heading and kind.
#[derive(Debug, Clone)]
pub struct Column {
    /// The heading.
    pub label: String,
    /// What it holds.
    pub kind: Kind,
}

impl Column {
    /// A column.
    pub fn new(label: impl Into<String>, kind: Kind) -> Column {
        Column {
            label: label.into(),
            kind,
        }
    }
}

/// One value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number, shown as its column's kind says.
    Num(f64),
    /// Text as it is.
    Text(String),
    /// No value: shown to people as this word (e.g. "ingen"), empty in CSV and workbooks.
    Missing(String),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number, or empty.
    pub fn opt(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }

    /// A number, or the word for none.
    pub fn or(v: Option<f64>, none: &str) -> Cell {
        v.map_or_else(|| Cell::Missing(none.to_string()), Cell::Num)
    }

    /// The cell as people read it, in a column of `kind`.
    pub fn show(&self, kind: Kind, lang: Lang) -> String {
        match self {
            Cell::Num(x) => match kind {
                Kind::Kroner => kr(*x, lang),
                Kind::Thousands => tkr(*x, lang),
                Kind::Share(d) => pct(*x, d, lang),
                Kind::Number(d) => dec(*x, d, lang),
                Kind::Year | Kind::Text | Kind::Figure => x.to_string(),
            },
            Cell::Text(s) | Cell::Missing(s) => s.clone(),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as stored in a CSV file: numbers in full with `.` as the decimal mark, text made
    /// formula-safe, nothing for a missing value.
    pub fn raw(&self) -> String {
        match self {
            Cell::Num(x) => x.to_string(),
            Cell::Text(s) => cell_safe(s),
            Cell::Missing(_) | Cell::Empty => String::new(),
        }
    }
}

/// A table: a file and sheet name, an optional title, columns and rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file and sheet name (`present_value`), or empty for a table only shown.
    pub name: String,
    /// The title above the table, if any.
    pub title: Option<String>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with a cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            name: name.into(),
            title: None,
            columns,
            rows: Vec::new(),
        }
    }

    /// The same table with a title.
    pub fn titled(mut self, title: impl Into<String>) -> Table {
        self.title = Some(title.into());
        self
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The headings.
    pub fn header(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.label.clone()).collect()
    }

    /// The rows as people read them.
    pub fn shown(&self, lang: Lang) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&self.columns)
                    .map(|(c, col)| c.show(col.kind, lang))
                    .collect()
            })
            .collect()
    }

    /// The table for a terminal (the title is not part of it): text columns left-aligned,
    /// numbers and figures right-aligned.
    pub fn to_text(&self, lang: Lang) -> String {
        let right: Vec<bool> = self.columns.iter().map(|c| c.kind.right()).collect();
        text_grid(self.header(), self.shown(lang), &right)
    }

    /// The table as CSV: the headings, then every row (see [`Cell::raw`]).
    pub fn to_csv(&self) -> String {
        let mut out = csv_line(self.columns.iter().map(|c| cell_safe(&c.label)));
        for r in &self.rows {
            out += &csv_line(r.iter().map(Cell::raw));
        }
        out
    }

    /// The table as an HTML `<table>` (user text escaped); text columns carry `class="l"`
    /// (left-aligned; the rest are right-aligned like numbers).
    pub fn to_html(&self, lang: Lang) -> String {
        let class = |c: &Column| if c.kind.right() { "" } else { " class=\"l\"" };
        let mut s = String::from("<table><thead><tr>");
        for c in &self.columns {
            s += &format!("<th{}>{}</th>", class(c), esc(&c.label));
        }
        s += "</tr></thead><tbody>";
        for r in self.shown(lang) {
            s += "<tr>";
            for (c, col) in r.iter().zip(&self.columns) {
                s += &format!("<td{}>{}</td>", class(col), esc(c));
            }
            s += "</tr>";
        }
        s + "</tbody></table>\n"
    }

    /// [`Table::to_html`] with the table's title as a caption line above it (the report and the
    /// workbench show titled tables alike).
    pub fn to_titled_html(&self, lang: Lang) -> String {
        let title = self
            .title
            .as_deref()
            .map_or(String::new(), |x| format!("<p><b>{}</b></p>\n", esc(x)));
        title + &self.to_html(lang)
    }
}

/// A grid of text for a terminal (comfy-table, borders only); `right[i]` says whether column i
/// is right-aligned.
pub fn text_grid(header: Vec<String>, rows: Vec<Vec<String>>, right: &[bool]) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for r in rows {
        t.add_row(r);
    }
    for (i, col) in t.column_iter_mut().enumerate() {
        if right.get(i).copied().unwrap_or(false) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("{t}\n")
}

/// One CSV line: each field quoted where it must be.
fn csv_line(fields: impl Iterator<Item = String>) -> String {
    let quoted: Vec<String> = fields
        .map(|s| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

/// A text cell for CSV/XLSX that a spreadsheet cannot take for a formula: a leading `=`, `+`,
/// `-` or `@` (unless the whole cell is a number) gets a `'` in front.
pub fn cell_safe(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@']);
    if risky && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// HTML-escapes user text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Tables as one workbook: a sheet per table (named by [`Table::name`]), numbers as numbers
/// (`#,##0` kroner, `0.0%` shares), a bold frozen header row, and a fixed creation date so that
/// the same tables give the same file.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    for table in tables {
        let ws = wb.add_worksheet();
        ws.set_name(table.name.chars().take(31).collect::<String>())?;
        for (c, col) in table.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, &col.label, &bold)?;
            ws.set_column_width(c as u16, (col.label.chars().count() as f64 + 2.0).max(12.0))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for ((c, cell), col) in row.iter().enumerate().zip(&table.columns) {
                let (r, c) = (r as u32 + 1, c as u16);
                match (cell, col.kind) {
                    (Cell::Num(x), Kind::Share(_)) => {
                        ws.write_number_with_format(r, c, *x, &share)?;
                    }
                    (Cell::Num(x), Kind::Kroner | Kind::Thousands) => {
                        ws.write_number_with_format(r, c, *x, &whole)?;
                    }
                    (Cell::Num(x), _) => {
                        ws.write_number(r, c, *x)?;
                    }
                    // a text cell is never a formula in the file; the `'` keeps it so when a
                    // user edits the cell in Excel too
                    (Cell::Text(s), _) => {
                        ws.write_string(r, c, cell_safe(s))?;
                    }
                    (Cell::Missing(_) | Cell::Empty, _) => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    wb.save_to_buffer()
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
    fn cells_for_people_and_for_files() {
        let mut t = Table::new(
            "pv",
            vec![
                Column::new("Aktør", Kind::Text),
                Column::new("Nutidsværdi", Kind::Kroner),
                Column::new("Andel", Kind::Share(1)),
                Column::new("Break-even", Kind::Year),
            ],
        );
        t.push(vec![
            Cell::text("Kommune"),
            Cell::Num(-1_234_567.4),
            Cell::Num(0.214),
            Cell::or(None, "ingen"),
        ]);
        assert_eq!(
            t.shown(Lang::Da),
            vec![vec!["Kommune", "-1.234.567 kr.", "21,4 %", "ingen"]]
        );
        assert_eq!(
            t.to_csv(),
            "Aktør,Nutidsværdi,Andel,Break-even\nKommune,-1234567.4,0.214,\n"
        );
        let text = t.to_text(Lang::En);
        assert!(
            text.contains("-1,234,567 kr.") && text.contains("21.4%"),
            "{text}"
        );
        let html = t.to_html(Lang::Da);
        assert!(
            html.starts_with("<table><thead><tr><th class=\"l\">Aktør</th><th>"),
            "{html}"
        );
        assert!(html.contains("<td>-1.234.567 kr.</td>"), "{html}");
        assert_eq!(
            csv_line(["a,b".to_string(), "c\"d".to_string()].into_iter()),
            "\"a,b\",\"c\"\"d\"\n"
        );
    }

    #[test]
    fn user_text_cannot_become_a_formula_in_csv_or_xlsx() {
        let mut table = Table::new(
            "t",
            vec![
                Column::new("name", Kind::Text),
                Column::new("pv", Kind::Kroner),
            ],
        );
        table.push(vec![
            Cell::text("=HYPERLINK(\"http://x\")"),
            Cell::Num(-5.0),
        ]);
        let csv = table.to_csv();
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
