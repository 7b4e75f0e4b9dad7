//! Reading one knowledge-base CSV table with polars into checked string cells.
//!
//! Every cell is read as text (no type inference), so a non-numeric value in a numeric column is
//! reported by *our* validation with the file, line and column — not by a polars parse error.
//!
//! Tables exported from a Danish Excel load as they are, detected automatically: a UTF-8
//! byte-order mark is dropped; text that is not UTF-8 is read as Windows-1252 (æ, ø, å); CRLF line
//! ends are accepted; a header with more `;` than `,` makes `;` the separator, and then numbers
//! may use a decimal comma and `.` as thousands separator (`2.211,50`, `0,264`, `1.234`).

use std::io::Cursor;
use std::path::PathBuf;

use polars::prelude::*;

use super::KbError;

/// One CSV table as text cells, with enough position information for error messages.
pub struct Table {
    /// The file the table came from.
    pub path: PathBuf,
    /// What was detected about the file, e.g. "UTF-8, comma" or "Windows-1252, semicolon,
    /// decimal comma, CRLF".
    pub format: String,
    decimal_comma: bool,
    columns: Vec<String>,
    /// Every non-blank cell's trimmed text, one after the other.
    text: String,
    /// Where each cell's text lies in `text`, `[column][row]`; blank cells are empty ranges.
    cells: Vec<Vec<std::ops::Range<usize>>>,
    rows: usize,
}

impl Table {
    /// Parses CSV bytes (header line first; encoding, separator and decimal mark detected).
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>, required: &[&str]) -> Result<Table, KbError> {
        if let Some(message) = not_text(&bytes) {
            return Err(KbError::Format { path, message });
        }
        let mut format = Vec::new();
        let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            Some(rest) => {
                format.push("UTF-8 with BOM");
                rest.to_vec()
            }
            None => bytes,
        };
        let bytes = if std::str::from_utf8(&bytes).is_ok() {
            if format.is_empty() {
                format.push("UTF-8");
            }
            bytes
        } else {
            format.push("Windows-1252");
            bytes
                .iter()
                .map(|b| crate::text::cp1252_char(*b))
                .collect::<String>()
                .into_bytes()
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(KbError::Format {
                path,
                message: format!(
                    "the file is empty; expected a header line with the columns {}",
                    required.join(", ")
                ),
            });
        }
        let separator = separator(&bytes);
        let decimal_comma = separator == b';';
        format.push(if decimal_comma {
            "semicolon, decimal comma"
        } else {
            "comma"
        });
        if bytes.windows(2).any(|w| w == b"\r\n") {
            format.push("CRLF");
        }
        if let Some((line, got, want)) = ragged_line(&bytes, separator) {
            return Err(KbError::Format {
                path,
                message: if decimal_comma {
                    format!(
                        "line {line} has {got} fields but the header has {want}; a value with a \
                         semicolon must be in quotes"
                    )
                } else {
                    format!(
                        "line {line} has {got} fields but the header has {want}; a value with a \
                         comma must be in quotes (\"2,5\"), and numbers use a decimal point (2211.5)"
                    )
                },
            });
        }
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_parse_options(CsvParseOptions::default().with_separator(separator))
            .into_reader_with_file_handle(Cursor::new(bytes))
            .finish()
            .map_err(|e| KbError::Format {
                path: path.clone(),
                message: format!("not a readable CSV table: {e}"),
            })?;
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.as_str().trim().to_string())
            .collect();
        for want in required {
            if !columns.iter().any(|c| c == want) {
                return Err(KbError::MissingColumn {
                    path,
                    column: (*want).to_string(),
                    found: columns.join(", "),
                });
            }
        }
        let rows = df.height();
        let mut cells = Vec::with_capacity(columns.len());
        let mut text = String::new();
        for col in df.columns() {
            let as_text = col.cast(&DataType::String).map_err(|e| KbError::Format {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let ca = as_text.str().map_err(|e| KbError::Format {
                path: path.clone(),
                message: e.to_string(),
            })?;
            // one buffer for the table instead of a string per cell
            cells.push(
                ca.iter()
                    .map(|v| {
                        let start = text.len();
                        text.push_str(v.map_or("", str::trim));
                        start..text.len()
                    })
                    .collect(),
            );
        }
        Ok(Table {
            path,
            format: format.join(", "),
            decimal_comma,
            columns,
            text,
            cells,
            rows,
        })
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The column names in file order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The 1-based line in the file of data row `row` (the header is line 1).
    pub fn line(&self, row: usize) -> usize {
        row + 2
    }

    fn index(&self, column: &str) -> usize {
        // `read` checked the required columns; optional ones are looked up with `opt_*`.
        self.columns
            .iter()
            .position(|c| c == column)
            .unwrap_or(usize::MAX)
    }

    /// The text of a cell, if the column exists and the cell is not blank.
    pub fn opt_str(&self, row: usize, column: &str) -> Option<&str> {
        let i = self.index(column);
        let at = self.cells.get(i)?.get(row)?;
        (!at.is_empty()).then(|| &self.text[at.clone()])
    }

    fn cell_error(&self, row: usize, column: &str, value: &str, expected: &str) -> KbError {
        KbError::Cell {
            path: self.path.clone(),
            line: self.line(row),
            column: column.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    /// A required text cell.
    pub fn str(&self, row: usize, column: &str) -> Result<&str, KbError> {
        self.opt_str(row, column)
            .ok_or_else(|| self.cell_error(row, column, "", "a value (the cell is empty)"))
    }

    /// A required id cell: a lowercase ASCII slug (`a-z`, `0-9`, `-`, `_`).
    pub fn id(&self, row: usize, column: &str) -> Result<&str, KbError> {
        let v = self.str(row, column)?;
        if is_slug(v) {
            Ok(v)
        } else {
            Err(self.cell_error(
                row,
                column,
                v,
                "an id of lowercase ASCII letters, digits, '-' or '_' (e.g. \"hjemloese\")",
            ))
        }
    }

    /// A required finite number.
    pub fn f64(&self, row: usize, column: &str) -> Result<f64, KbError> {
        let v = self.str(row, column)?;
        self.number(v).ok_or_else(|| {
            self.cell_error(
                row,
                column,
                v,
                if self.decimal_comma {
                    "a number (e.g. 2.211,50 or 0,264)"
                } else {
                    "a number (e.g. 2211 or 0.264)"
                },
            )
        })
    }

    /// An optional finite number (blank cell or missing column: `None`).
    pub fn opt_f64(&self, row: usize, column: &str) -> Result<Option<f64>, KbError> {
        match self.opt_str(row, column) {
            None => Ok(None),
            Some(v) => self
                .number(v)
                .map(Some)
                .ok_or_else(|| self.cell_error(row, column, v, "a number or an empty cell")),
        }
    }

    /// A number in this table's notation.
    fn number(&self, v: &str) -> Option<f64> {
        if self.decimal_comma {
            parse_danish_number(v)
        } else {
            parse_number(v)
        }
    }

    /// A required whole number in `range`.
    pub fn int(&self, row: usize, column: &str, range: (i64, i64)) -> Result<i64, KbError> {
        let v = self.str(row, column)?;
        match v.parse::<i64>() {
            Ok(n) if n >= range.0 && n <= range.1 => Ok(n),
            _ => Err(self.cell_error(
                row,
                column,
                v,
                &format!("a whole number from {} to {}", range.0, range.1),
            )),
        }
    }

    /// A required cell that must be one of `allowed`.
    pub fn one_of<'a>(
        &'a self,
        row: usize,
        column: &str,
        allowed: &[&str],
    ) -> Result<&'a str, KbError> {
        let v = self.str(row, column)?;
        if allowed.contains(&v) {
            Ok(v)
        } else {
            Err(self.cell_error(row, column, v, &format!("one of {}", allowed.join(", "))))
        }
    }

    /// An error about a cell that parsed but refers to something unknown.
    pub fn unknown(
        &self,
        row: usize,
        column: &str,
        value: &str,
        what: &str,
        known: &[&str],
    ) -> KbError {
        KbError::Unknown {
            path: self.path.clone(),
            line: self.line(row),
            column: column.to_string(),
            value: value.to_string(),
            what: what.to_string(),
            suggestion: crate::text::suggest(value, known.iter().copied()),
        }
    }

    /// An error for a row whose key repeats an earlier row.
    pub fn duplicate(&self, row: usize, key: &str, first_row: usize) -> KbError {
        KbError::Duplicate {
            path: self.path.clone(),
            line: self.line(row),
            key: key.to_string(),
            first_line: self.line(first_row),
        }
    }
}

/// Why bytes are not a text table, for files that are something else: UTF-16 (Excel's "Unicode
/// text"), an Excel workbook, or other binary data (NUL or other control bytes).
fn not_text(bytes: &[u8]) -> Option<String> {
    use crate::text::NotText;
    const SAVE: &str = "in Excel use Save as → \"CSV UTF-8\" or \"CSV (semikolonsepareret)\"";
    Some(match crate::text::not_text(bytes)? {
        NotText::Utf16 => {
            format!("the file is UTF-16 text (Excel's \"Unicode text\"), not a CSV table; {SAVE}")
        }
        NotText::Workbook => format!("the file is an Excel workbook, not a CSV table; {SAVE}"),
        NotText::Binary => format!("the file is not text (it holds control bytes); {SAVE}"),
    })
}

/// The first record whose number of fields differs from the header's: (line, fields, header
/// fields). Quote-aware (a quoted field may hold commas and line breaks); blank lines are skipped.
pub fn ragged_line(bytes: &[u8], separator: u8) -> Option<(usize, usize, usize)> {
    let mut want = None;
    let (mut fields, mut in_quotes, mut line, mut start_line, mut empty) = (1, false, 1, 1, true);
    let mut finish =
        |fields: usize, empty: bool, start_line: usize| -> Option<(usize, usize, usize)> {
            if empty {
                return None;
            }
            match want {
                None => {
                    want = Some(fields);
                    None
                }
                Some(w) if w != fields => Some((start_line, fields, w)),
                _ => None,
            }
        };
    for &b in bytes {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                empty = false;
            }
            b if b == separator && !in_quotes => {
                fields += 1;
                empty = false;
            }
            b'\n' => {
                line += 1;
                if !in_quotes {
                    if let Some(bad) = finish(fields, empty, start_line) {
                        return Some(bad);
                    }
                    fields = 1;
                    empty = true;
                    start_line = line;
                }
            }
            b'\r' => {}
            _ => empty = false,
        }
    }
    finish(fields, empty, start_line)
}

/// The separator of a CSV text: `;` when its header line (outside quotes) has more semicolons
/// than commas, else `,`.
fn separator(bytes: &[u8]) -> u8 {
    let header = bytes
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(&[]);
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas { b';' } else { b',' }
}

/// Parses a number in Danish notation: decimal comma, `.` as thousands separator
/// (`-2.211,50`, `0,264`, `1.234` = 1234); a plain `2.5` (no comma, not in groups of three) is
/// read with a decimal point.
pub fn parse_danish_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let grouped = {
        let mut parts = digits.split('.');
        let first = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        !rest.is_empty()
            && (1..=3).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && rest
                .iter()
                .all(|p| p.len() == 3 || p.split(',').next().is_some_and(|q| q.len() == 3))
    };
    if t.contains(',') || grouped {
        parse_number(&t.replace('.', "").replace(',', "."))
    } else {
        parse_number(t)
    }
}

/// True for a lowercase ASCII slug.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Parses a finite number written with a decimal point.
pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_lines_are_found_with_quotes_respected() {
        assert_eq!(ragged_line(b"a,b\n1,2\n3,4,5\n", b','), Some((3, 3, 2)));
        assert_eq!(ragged_line(b"a,b\n\"1,5\",2\n\n3,4\n", b','), None);
        assert_eq!(
            ragged_line(b"a,b\r\n\"x\ny\",2\r\n3\r\n", b','),
            Some((4, 1, 2))
        );
        assert_eq!(ragged_line(b"a;b\n1,5;2\n", b';'), None);
    }

    #[test]
    fn cells_are_checked_with_line_and_column() {
        let t = Table::from_bytes(
            "t.csv".into(),
            b"id,value\nabc,1.5\nAB C,x\n".to_vec(),
            &["id", "value"],
        )
        .expect("table");
        assert_eq!(t.f64(0, "value").expect("number"), 1.5);
        let e = t.f64(1, "value").expect_err("not a number").to_string();
        assert!(
            e.contains("t.csv: line 3, column `value`: got \"x\""),
            "{e}"
        );
        let e = t.id(1, "id").expect_err("not a slug").to_string();
        assert!(e.contains("line 3") && e.contains("lowercase"), "{e}");
    }

    #[test]
    fn danish_numbers() {
        assert_eq!(parse_danish_number("2.211,50"), Some(2211.5));
        assert_eq!(parse_danish_number("-2.211,50"), Some(-2211.5));
        assert_eq!(parse_danish_number("0,264"), Some(0.264));
        assert_eq!(parse_danish_number("1.234"), Some(1234.0));
        assert_eq!(parse_danish_number("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_danish_number("2.5"), Some(2.5));
        assert_eq!(parse_danish_number("2211"), Some(2211.0));
        assert_eq!(parse_danish_number("x"), None);
    }

    /// The same table as a Danish Excel export in every variant loads to the same numbers.
    #[test]
    fn excel_exports_are_detected() {
        let plain = b"id,name,value\nherberg,Herberg og forsorg,2211.5\n".to_vec();
        let semicolon = "id;name;value\nherberg;Herberg og forsorg;2.211,50\n"
            .as_bytes()
            .to_vec();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(&semicolon);
        let crlf = "id;name;value\r\nherberg;Herberg og forsorg;2.211,50\r\n"
            .as_bytes()
            .to_vec();
        // "Børn" in Windows-1252: ø = 0xF8
        let cp1252 = b"id;name;value\r\nherberg;B\xf8rn og \xe6ble \x96 \xe5;2.211,50\r\n".to_vec();
        for (bytes, format) in [
            (plain, "UTF-8, comma"),
            (semicolon, "UTF-8, semicolon, decimal comma"),
            (bom, "UTF-8 with BOM, semicolon, decimal comma"),
            (crlf, "UTF-8, semicolon, decimal comma, CRLF"),
            (cp1252, "Windows-1252, semicolon, decimal comma, CRLF"),
        ] {
            let t =
                Table::from_bytes("t.csv".into(), bytes, &["id", "name", "value"]).expect("loads");
            assert_eq!(t.format, format);
            assert_eq!(t.f64(0, "value").expect("number"), 2211.5, "{format}");
            assert_eq!(t.id(0, "id").expect("id"), "herberg");
            if format.starts_with("Windows") {
                assert_eq!(t.str(0, "name").expect("name"), "Børn og æble – å");
            }
        }
        // a bad number in a Danish table says what is expected in that notation
        let t = Table::from_bytes(
            "t.csv".into(),
            b"id;value\nx;abc\n".to_vec(),
            &["id", "value"],
        )
        .expect("loads");
        assert!(
            t.f64(0, "value")
                .expect_err("bad")
                .to_string()
                .contains("2.211,50")
        );
    }
}
