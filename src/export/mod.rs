//! Writing a finished result out: one [`Exporter`] per format (terminal text, JSON, CSV, XLSX,
//! Parquet), chosen once from the `--format` flag or a file's extension, and one function that
//! writes a file completely or not at all ([`write_new_file`]). A result says what it is in each
//! form by implementing [`Export`]; the tables come from [`crate::present`].

use std::path::Path;

use crate::observer::Observer;
use crate::present::format::Lang;
use crate::present::table::{Cell, Table, xlsx};

/// The output format of a command (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Readable tables for a terminal (default).
    #[default]
    Text,
    /// JSON as SPEC §7 (for machines).
    Json,
    /// CSV in long format (one value per row), for spreadsheets.
    Csv,
}

/// A result that can be written in every format.
pub trait Export {
    /// The result as JSON (SPEC §7).
    fn json(&self) -> serde_json::Result<String>;
    /// The result in long form (one value per row), for CSV, XLSX and Parquet.
    fn table(&self) -> Table;
    /// The result for people.
    fn text(&self, lang: Lang) -> String;
}

/// A finished result with its two presentations: JSON is the result serialised (SPEC §7),
/// `table` its long form, `text` what the terminal shows.
pub struct Results<'a, T> {
    value: T,
    table: fn(&T) -> Table,
    text: TextOf<'a, T>,
}

/// How a result reads on the terminal.
type TextOf<'a, T> = Box<dyn Fn(&T, Lang) -> String + 'a>;

impl<'a, T: serde::Serialize> Results<'a, T> {
    /// A result with its long table and its terminal text.
    pub fn new(value: T, table: fn(&T) -> Table, text: impl Fn(&T, Lang) -> String + 'a) -> Self {
        Results {
            value,
            table,
            text: Box::new(text),
        }
    }
}

impl<T: serde::Serialize> Export for Results<'_, T> {
    fn json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&self.value)? + "\n")
    }

    fn table(&self) -> Table {
        (self.table)(&self.value)
    }

    fn text(&self, lang: Lang) -> String {
        (self.text)(&self.value, lang)
    }
}

/// An error while writing a result.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file is there already.
    #[error("{} exists already; choose another --out or add --force to replace it", path.display())]
    Exists {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The folder to write into does not exist.
    #[error("cannot write {}: the folder {} does not exist", path.display(), dir.display())]
    NoFolder {
        /// The file.
        path: std::path::PathBuf,
        /// Its folder.
        dir: std::path::PathBuf,
    },
    /// Writing or moving the file failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The result could not be put in this format.
    #[error("writing {format}: {message}")]
    Encode {
        /// The format.
        format: &'static str,
        /// Why.
        message: String,
    },
    /// A stop was asked for before the file was in place.
    #[error(transparent)]
    Interrupted(#[from] crate::error::AnalysisError),
}

/// Puts a result into one format.
pub trait Exporter {
    /// The bytes of `x` in this format.
    fn export(&self, x: &dyn Export, lang: Lang) -> Result<Vec<u8>, ExportError>;
}

/// Terminal text.
pub struct TextExporter;
/// JSON (SPEC §7).
pub struct JsonExporter;
/// CSV in long form, formula-safe.
pub struct CsvExporter;
/// An XLSX workbook with the long table as its sheet.
pub struct XlsxExporter;
/// A Parquet file of the long table (numbers as 64-bit floats, text as strings).
pub struct ParquetExporter;

impl Exporter for TextExporter {
    fn export(&self, x: &dyn Export, lang: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(x.text(lang).into_bytes())
    }
}

impl Exporter for JsonExporter {
    fn export(&self, x: &dyn Export, _: Lang) -> Result<Vec<u8>, ExportError> {
        x.json()
            .map(String::into_bytes)
            .map_err(|e| ExportError::Encode {
                format: "JSON",
                message: e.to_string(),
            })
    }
}

impl Exporter for CsvExporter {
    fn export(&self, x: &dyn Export, _: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(x.table().to_csv().into_bytes())
    }
}

impl Exporter for XlsxExporter {
    fn export(&self, x: &dyn Export, _: Lang) -> Result<Vec<u8>, ExportError> {
        xlsx(&[x.table()]).map_err(|e| ExportError::Encode {
            format: "XLSX",
            message: e.to_string(),
        })
    }
}

impl Exporter for ParquetExporter {
    fn export(&self, x: &dyn Export, _: Lang) -> Result<Vec<u8>, ExportError> {
        parquet(&x.table()).map_err(|e| ExportError::Encode {
            format: "Parquet",
            message: e.to_string(),
        })
    }
}

/// The exporter of a `--format`.
pub fn exporter(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Text => &TextExporter,
        Format::Json => &JsonExporter,
        Format::Csv => &CsvExporter,
    }
}

/// The exporter for a file name's extension (`.csv`, `.json`, `.parquet`, `.xlsx`), if any.
pub fn for_file(path: &Path) -> Option<&'static dyn Exporter> {
    let ext = path.extension()?.to_str()?.to_lowercase();
    Some(match ext.as_str() {
        "csv" => &CsvExporter,
        "json" => &JsonExporter,
        "parquet" => &ParquetExporter,
        "xlsx" => &XlsxExporter,
        _ => return None,
    })
}

/// `x` in `format`, as text for standard output.
pub fn render(x: &dyn Export, format: Format, lang: Lang) -> Result<String, ExportError> {
    let bytes = exporter(format).export(x, lang)?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode {
        format: "text",
        message: e.to_string(),
    })
}

/// A table as a Parquet file: a column of numbers (and blanks) becomes `f64`, any other a string
/// column (numbers in their CSV form).
fn parquet(t: &Table) -> polars::prelude::PolarsResult<Vec<u8>> {
    use polars::prelude::*;
    let mut cols: Vec<Column> = Vec::new();
    for (c, col) in t.columns.iter().enumerate() {
        let cells = t.rows.iter().map(|r| r.get(c).unwrap_or(&Cell::Empty));
        let numeric = t
            .rows
            .iter()
            .all(|r| !matches!(r.get(c), Some(Cell::Text(_))));
        cols.push(if numeric {
            let v: Vec<Option<f64>> = cells
                .map(|x| match x {
                    Cell::Num(v) => Some(*v),
                    _ => None,
                })
                .collect();
            Column::new(col.label.as_str().into(), v)
        } else {
            let v: Vec<Option<String>> = cells
                .map(|x| match x {
                    Cell::Empty | Cell::Missing(_) => None,
                    other => Some(other.raw()),
                })
                .collect();
            Column::new(col.label.as_str().into(), v)
        });
    }
    let mut df = DataFrame::new_infer_height(cols)?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    Ok(buf)
}

/// Writes a file completely or not at all (a temporary file beside it, then a rename); refuses
/// to replace an existing file unless `force`, and leaves nothing behind when the observer asks
/// to stop before the rename.
pub fn write_new_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    observer: &dyn Observer,
) -> Result<(), ExportError> {
    if path.exists() && !force {
        return Err(ExportError::Exists {
            path: path.to_path_buf(),
        });
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(ExportError::NoFolder {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(|source| ExportError::Io {
        what: "writing",
        path: tmp.clone(),
        source,
    })?;
    if let Err(e) = observer.check() {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, path).map_err(|source| ExportError::Io {
        what: "moving the new file into place at",
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::table::{Column, Kind};

    struct Two;

    impl Export for Two {
        fn json(&self) -> serde_json::Result<String> {
            Ok("{\"a\": 1}\n".into())
        }
        fn table(&self) -> Table {
            let mut t = Table::new(
                "two",
                vec![
                    Column::new("id", Kind::Text),
                    Column::new("pv", Kind::Kroner),
                ],
            );
            t.push(vec![Cell::text("=cmd"), Cell::Num(-1.5)]);
            t.push(vec![Cell::text("b"), Cell::Empty]);
            t
        }
        fn text(&self, lang: Lang) -> String {
            lang.t("to", "two").into()
        }
    }

    #[test]
    fn one_exporter_per_format() {
        assert_eq!(render(&Two, Format::Text, Lang::Da).expect("text"), "to");
        assert_eq!(
            render(&Two, Format::Json, Lang::Da).expect("json"),
            "{\"a\": 1}\n"
        );
        assert_eq!(
            render(&Two, Format::Csv, Lang::Da).expect("csv"),
            "id,pv\n'=cmd,-1.5\nb,\n"
        );
        let p = for_file(Path::new("out.PARQUET")).expect("parquet");
        let bytes = p.export(&Two, Lang::Da).expect("parquet bytes");
        assert_eq!(&bytes[..4], b"PAR1");
        let x = for_file(Path::new("t.xlsx")).expect("xlsx");
        assert_eq!(&x.export(&Two, Lang::Da).expect("xlsx bytes")[..2], b"PK");
        assert!(for_file(Path::new("t.txt")).is_none());
    }

    #[test]
    fn files_are_written_whole_and_never_over_another_without_force() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.csv");
        write_new_file(&p, b"one", false, &crate::Quiet).expect("first");
        let e = write_new_file(&p, b"two", false, &crate::Quiet).expect_err("exists");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(&p).expect("read"), b"one");
        write_new_file(&p, b"two", true, &crate::Quiet).expect("forced");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        struct Stop;
        impl Observer for Stop {
            fn cancelled(&self) -> bool {
                true
            }
        }
        let q = dir.path().join("b.csv");
        assert!(write_new_file(&q, b"x", false, &Stop).is_err());
        assert!(!q.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        let e = write_new_file(
            &dir.path().join("no/such/c.csv"),
            b"x",
            false,
            &crate::Quiet,
        )
        .expect_err("no folder");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
