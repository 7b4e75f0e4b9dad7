//! Presentation: the one place that turns finished results into words and tables. The terminal
//! ([`crate::cli`]), the decision report ([`crate::report`]) and the workbench all show results
//! through it, so a sentence, a threshold's wording or a table's layout is written once.
//!
//! - [`format`](mod@format): numbers as people read them (kroner, percent, years) and the [`format::Lang`].
//! - [`words`]: labels and the course's sentences, in Danish and English.
//! - [`table`]: the [`table::Table`] model and its renderers (terminal text, CSV, XLSX, HTML).
//! - [`view`]: one module per result, building its tables and sentences.
//!
//! Presentation depends on the results it shows, never on a front end.

pub mod format;
pub mod table;
pub mod view;
pub mod words;
