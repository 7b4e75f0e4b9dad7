//! The decision report (issue 5): one command from a scenario to a folder with an HTML page
//! (inline SVG and CSS, print stylesheet), the same as `report.pdf`, the figures as SVG and PNG,
//! the tables as CSV and XLSX, and `summary.json` with every figure.
//!
//! The folder is built in a temporary sibling and moved into place when complete; an existing
//! folder is replaced only when it was written by soem (it holds [`MARKER`]) or with `force`.
//! The scenario file is only read.

pub mod charts;
mod fs;
mod html;
mod pdf;

use std::path::{Path, PathBuf};

use fs::io;
pub use fs::{Lock, prepare, write};

use crate::analysis::decision::{Purpose, Summary};
use crate::error::ReportError;
use crate::present::format::Lang;
use crate::present::view;
use crate::scenario::Scenario;

/// The file that marks a folder as written by soem.
pub const MARKER: &str = ".soem-report";

/// Options of a report.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output folder.
    pub out: PathBuf,
    /// Purpose.
    pub purpose: Purpose,
    /// Language.
    pub lang: Lang,
    /// Monte Carlo draws.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Replace a folder not written by soem.
    pub force: bool,
    /// The amount of the risk profile's sentence (`None`: 0, the chance of a gain).
    pub at_least: Option<f64>,
}

/// The default folder: `reports/<scenario file stem>`.
pub fn default_dir(sc: &Scenario) -> PathBuf {
    let stem = sc
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    PathBuf::from("reports").join(stem)
}

/// Writes every file of the report into `dir`.
fn fill(sc: &Scenario, s: &Summary, opt: &Options, dir: &Path) -> Result<(), ReportError> {
    for sub in ["charts", "tables"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| io("creating", &d, e))?;
    }
    let put = |rel: &str, bytes: &[u8]| -> Result<(), ReportError> {
        let p = dir.join(rel);
        std::fs::write(&p, bytes).map_err(|e| io("writing", &p, e))
    };
    let figures = html::figures(s, opt.lang, &dir.join("charts"))?;
    for (name, svg) in &figures {
        put(&format!("charts/{name}.svg"), svg.as_bytes())?;
    }
    let t = view::decision::tables(s, opt.lang);
    for table in &t {
        put(
            &format!("tables/{}.csv", table.name),
            table.to_csv().as_bytes(),
        )?;
    }
    let xlsx = crate::present::table::xlsx(&t).map_err(|e| ReportError::Render {
        what: "writing tables.xlsx",
        message: e.to_string(),
    })?;
    put("tables.xlsx", &xlsx)?;
    let json = serde_json::to_string_pretty(s).map_err(|e| ReportError::Render {
        what: "writing summary.json",
        message: e.to_string(),
    })?;
    put("summary.json", (json + "\n").as_bytes())?;
    let page = html::page(sc, s, opt, &figures);
    put("index.html", page.as_bytes())?;
    let footer = format!("{} · {}", s.title, s.provenance.engine);
    put(
        "report.pdf",
        &pdf::from_html(&page, &dir.join("charts"), &footer)?,
    )?;
    put(
        MARKER,
        format!(
            "Written by {} from {}. This folder is replaced by the next `soem report` into it.\n",
            s.provenance.engine,
            sc.path.display()
        )
        .as_bytes(),
    )?;
    Ok(())
}
