//! The crate's errors: one [`Error`] made of the errors of each part (knowledge base, scenario,
//! analyses, report), each naming what was wrong and how to mend it.

use std::path::PathBuf;

/// An error of an analysis driver: a request over a limit, a stop that was asked for, or an
/// option or combination that cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A request larger than a limit (see [`crate::limits::Limits`]).
    #[error(
        "{got} {what} is more than the limit of {max}; if the machine has the memory and the \
         time, raise it with the environment variable {variable}={got}"
    )]
    Limit {
        /// What is counted.
        what: &'static str,
        /// The amount asked for.
        got: u64,
        /// The limit.
        max: u64,
        /// The environment variable that raises it (read by the command line).
        variable: &'static str,
    },
    /// The stored draws would need more memory than allowed.
    #[error(
        "{draws} draws would keep {need_gb:.1} GiB of results, more than the limit of \
         {limit_gb} GiB; use at most {most} draws{hint}, or raise the limit with the environment \
         variable SOEM_MAX_MEMORY_GB"
    )]
    Memory {
        /// Draws asked for.
        draws: u64,
        /// GiB they need.
        need_gb: f64,
        /// The limit in GiB.
        limit_gb: f64,
        /// The most draws that fit.
        most: u64,
        /// A way to need less, or nothing.
        hint: &'static str,
    },
    /// A stop was asked for (Ctrl-C); nothing was written.
    #[error("interrupted (Ctrl-C): stopped before writing anything")]
    Interrupted,
    /// An option or input the analysis cannot use, in words.
    #[error("{0}")]
    Invalid(String),
}

/// An error while writing the decision report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or folder could not be read, written, moved or locked.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done ("writing", "moving aside" …).
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The output folder may not be written (not a folder, not ours, locked by another run).
    #[error("{0}")]
    Refused(String),
    /// A figure, the workbook or the PDF could not be made.
    #[error("{what}: {message}")]
    Render {
        /// Which file.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// The analyses behind the report failed.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

/// Every error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The knowledge base.
    #[error(transparent)]
    Knowledge(#[from] crate::kb::KbError),
    /// A scenario file.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// An analysis.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// The report.
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// The library's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
