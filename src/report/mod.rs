//! The decision report (issue 5): one command from a scenario to a folder with an HTML page
//! (inline SVG and CSS, print stylesheet), the same as `report.pdf`, the figures as SVG and PNG,
//! the tables as CSV and XLSX, and `summary.json` with every figure.
//!
//! The folder is built in a temporary sibling and moved into place when complete; an existing
//! folder is replaced only when it was written by soem (it holds [`MARKER`]) or with `force`.
//! The scenario file is only read.

mod charts;
mod html;
mod pdf;
mod tables;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::grid::GridResult;
use crate::analysis::mc::{Comparison, McResult, Provenance};
use crate::analysis::require::{RequireResult, Target};
use crate::analysis::tornado::Tornado;
use crate::kb::KnowledgeBase;
use crate::model::{Calculation, calculate};
use crate::scenario::Scenario;
use crate::text::Lang;

/// The file that marks a folder as written by soem.
pub const MARKER: &str = ".soem-report";

/// What the report is for (the course's four presentations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Single evaluation: best estimate and interval.
    Evaluation,
    /// Investment: best estimate, interval, break-even year range.
    Investment,
    /// Prioritisation between interventions: interval overlap.
    Prioritisation,
    /// Budget: minimum figures.
    Budget,
    /// All four.
    All,
}

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
}

/// Everything the report shows (also written as `summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario title.
    pub title: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Base calculations.
    pub calc: Vec<Calculation>,
    /// Requirement analyses (break-even).
    pub require: Vec<RequireResult>,
    /// Tornados of the total.
    pub tornado: Vec<Tornado>,
    /// Monte Carlo per intervention (joint draws).
    pub mc: Vec<McResult>,
    /// Comparison and portfolio, with two or more interventions.
    pub comparison: Option<Comparison>,
    /// Grids declared in the scenario.
    pub grids: Vec<(String, Vec<GridResult>)>,
    /// Every input's note and source.
    pub logbook: Vec<crate::scenario::LogEntry>,
    /// Items with illustrative numbers.
    pub illustrative: Vec<crate::scenario::Illustrative>,
    /// Scenario warnings.
    pub warnings: Vec<String>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
    /// Where each knowledge-base table came from (the user's folder or the shipped base).
    pub knowledge: Vec<crate::kb::TableSource>,
}

/// Runs every analysis the scenario needs.
pub fn analyse(sc: &Scenario, kb: &KnowledgeBase, opt: &Options) -> Result<Summary, String> {
    let mc_opt = crate::analysis::mc::Options {
        draws: opt.draws,
        seed: opt.seed,
        interval: sc.monte_carlo.interval,
        confidence: Some(0.8),
        by_year: true,
    };
    let (mc, comparison) = if sc.interventions.len() >= 2 {
        let c = crate::analysis::mc::compare(sc, &kb.hash, &mc_opt, &|_| {})?;
        (c.interventions.clone(), Some(c))
    } else {
        (
            crate::analysis::mc::run(sc, &kb.hash, &mc_opt, &|_| {})?,
            None,
        )
    };
    let mut grids = Vec::new();
    for g in &sc.grids {
        grids.push((g.name.clone(), crate::analysis::grid::run(sc, kb, &g.vary)?));
    }
    Ok(Summary {
        title: sc.title.clone(),
        purpose: opt.purpose,
        calc: sc
            .interventions
            .iter()
            .map(|iv| calculate(sc, iv))
            .collect(),
        require: crate::analysis::require::run(sc, &Target::BreakEven)?,
        tornado: crate::analysis::tornado::run(sc, &Default::default())?,
        mc,
        comparison,
        grids,
        logbook: sc.logbook.clone(),
        illustrative: sc.illustrative.clone(),
        warnings: sc.warnings.clone(),
        provenance: crate::analysis::mc::provenance(sc, &kb.hash, &mc_opt),
        knowledge: kb.tables.clone(),
    })
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

fn io(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("{what} {}: {e}", path.display())
}

/// The right to write one report folder: an exclusive lock on `.<name>.lock` beside it, held
/// until dropped (the operating system releases it if the process dies; the file is removed on
/// drop), so two `soem report`
/// runs into the same folder never interleave: the second stops at once and says why.
pub struct Lock {
    _file: std::fs::File,
    path: PathBuf,
    parent: PathBuf,
    name: String,
}

/// Checks that the report folder may be written (before any work) and locks it.
pub fn prepare(opt: &Options) -> Result<Lock, String> {
    let out = &opt.out;
    if out.exists() {
        if !out.is_dir() {
            return Err(format!(
                "{} exists and is not a folder; choose another --out",
                out.display()
            ));
        }
        if !out.join(MARKER).is_file() && !opt.force {
            return Err(format!(
                "{} exists and was not written by soem; choose another --out or add --force to replace it",
                out.display()
            ));
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| io("creating", &parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let path = parent.join(format!(".{name}.lock"));
    let mut file = loop {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io("opening the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                return Err(format!(
                    "another soem report{} is writing {} right now; wait for it to finish, or \
                     choose another --out",
                    match holder.trim() {
                        "" => String::new(),
                        pid => format!(" (process {pid})"),
                    },
                    out.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io("locking", &path, e)),
        }
        // the run before us removes its lock file when it ends: make sure we locked the file that
        // is at the path now, not one that was just removed
        if same_file(&file, &path) {
            break file;
        }
    };
    use std::io::{Seek, Write};
    let _ = file
        .set_len(0)
        .and_then(|_| file.seek(std::io::SeekFrom::Start(0)))
        .and_then(|_| write!(file, "{}", std::process::id()));
    Ok(Lock {
        _file: file,
        path,
        parent,
        name,
    })
}

impl Drop for Lock {
    fn drop(&mut self) {
        // removed while still locked (the file is closed after this), so no lock file is left
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Writes the report folder (locked by [`prepare`]); returns the path of `index.html`.
pub fn write(sc: &Scenario, s: &Summary, opt: &Options, lock: &Lock) -> Result<PathBuf, String> {
    let out = &opt.out;
    let (parent, name) = (lock.parent.as_path(), lock.name.clone());
    remove_stale(parent, &name);
    let tmp = parent.join(format!(".{name}.tmp{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io("removing", &tmp, e))?;
    }
    let result = fill(sc, s, opt, &tmp).and_then(|_| crate::interrupt::check());
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // move into place: the old folder (ours, or forced) goes aside first, then is removed
    let old = parent.join(format!(".{name}.old{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| io("moving aside", out, e))?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(io("moving the new report into place at", out, e));
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(out.join("index.html"))
}

/// Removes the temporary folders (`.<name>.tmp<pid>`, `.<name>.old<pid>`) that an interrupted
/// run left beside the report folder: those whose process no longer runs (Linux; elsewhere
/// nothing is removed).
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".tmp", ".old"].iter().find_map(|kind| {
            file.strip_prefix(&format!(".{name}{kind}"))
                .and_then(|p| p.parse::<u32>().ok())
        });
        let Some(pid) = pid else { continue };
        let alive = if cfg!(target_os = "linux") {
            Path::new(&format!("/proc/{pid}")).exists()
        } else {
            true
        };
        if !alive && pid != std::process::id() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn fill(sc: &Scenario, s: &Summary, opt: &Options, dir: &Path) -> Result<(), String> {
    for sub in ["charts", "tables"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| io("creating", &d, e))?;
    }
    let put = |rel: &str, bytes: &[u8]| -> Result<(), String> {
        let p = dir.join(rel);
        std::fs::write(&p, bytes).map_err(|e| io("writing", &p, e))
    };
    let figures = html::figures(s, opt.lang, &dir.join("charts"))?;
    for (name, svg) in &figures {
        put(&format!("charts/{name}.svg"), svg.as_bytes())?;
    }
    let t = tables::all(s, opt.lang);
    for table in &t {
        put(
            &format!("tables/{}.csv", table.name),
            crate::cli::table::csv(&table.header, &table.text_rows()).as_bytes(),
        )?;
    }
    put("tables.xlsx", &tables::xlsx(&t)?)?;
    let json = serde_json::to_string_pretty(s).map_err(|e| e.to_string())?;
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
