//! The report folder on disk: a lock so that two runs never write one folder at once, and the
//! swap that puts a completely written folder in place of the old one (or leaves the old one as
//! it was).

use std::path::{Path, PathBuf};

use super::{MARKER, Options};
use crate::analysis::decision::Summary;
use crate::error::ReportError;
use crate::observer::Observer;
use crate::scenario::Scenario;

pub(super) fn io(what: &'static str, path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
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
pub fn prepare(opt: &Options) -> Result<Lock, ReportError> {
    let out = &opt.out;
    if out.exists() {
        if !out.is_dir() {
            return Err(ReportError::Refused(format!(
                "{} exists and is not a folder; choose another --out",
                out.display()
            )));
        }
        if !out.join(MARKER).is_file() && !opt.force {
            return Err(ReportError::Refused(format!(
                "{} exists and was not written by soem; choose another --out or add --force to replace it",
                out.display()
            )));
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
                return Err(ReportError::Refused(format!(
                    "another soem report{} is writing {} right now; wait for it to finish, or \
                     choose another --out",
                    match holder.trim() {
                        "" => String::new(),
                        pid => format!(" (process {pid})"),
                    },
                    out.display()
                )));
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
pub fn write(
    sc: &Scenario,
    s: &Summary,
    opt: &Options,
    lock: &Lock,
    observer: &dyn Observer,
) -> Result<PathBuf, ReportError> {
    let out = &opt.out;
    let (parent, name) = (lock.parent.as_path(), lock.name.clone());
    remove_stale(parent, &name);
    let tmp = parent.join(format!(".{name}.tmp{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io("removing", &tmp, e))?;
    }
    let result =
        super::fill(sc, s, opt, &tmp).and_then(|_| observer.check().map_err(ReportError::from));
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
