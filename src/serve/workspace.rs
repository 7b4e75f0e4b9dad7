//! The workbench's folder of scenario files: names checked, every path confined to the folder (no
//! `..`, no absolute paths, no symlinks), saves atomic and refused when the file changed since it
//! was read (the version is a hash of its bytes), deletes moved to `.trash/`, never erased.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::kb::{FNV_START, fnv1a};

/// Why a workspace operation failed; each maps to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum WsError {
    /// The name is not a plain scenario file name.
    #[error("{0}")]
    BadName(String),
    /// No such file.
    #[error("no scenario file named {0} in the workspace")]
    NotFound(String),
    /// The file changed since the version the edit started from (or exists when creating).
    #[error("{message}")]
    Conflict {
        /// What happened.
        message: String,
        /// The file's version now, if it exists.
        current: Option<String>,
    },
    /// Reading or writing failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// The folder the server works in.
#[derive(Debug)]
pub struct Workspace {
    dir: PathBuf,
    /// Serialises writes, so a check of the version and the rename belong together.
    write: Mutex<()>,
}

/// A scenario file's bytes and version.
#[derive(Debug, Clone)]
pub struct Read {
    /// The text (UTF-8; a file that is not is an error when parsed, not here).
    pub bytes: Vec<u8>,
    /// The version: FNV-1a of the bytes, hex.
    pub version: String,
    /// Last modified, seconds since 1970.
    pub modified: Option<u64>,
}

/// The version of a file's bytes (what `ETag` and `If-Match` carry).
pub fn version(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(FNV_START, bytes))
}

const MAX_NAME: usize = 120;

/// Checks a scenario file name: one path component ending in `.toml`, letters (æøå too), digits,
/// space, `-`, `_` and `.`, not starting with a dot.
pub fn check_name(name: &str) -> Result<(), WsError> {
    let bad = |why: &str| {
        Err(WsError::BadName(format!(
            "the file name {name:?} is not allowed: {why} (a name such as mit-forslag.toml)"
        )))
    };
    if name.len() > MAX_NAME {
        return bad("it is too long");
    }
    if !name.ends_with(".toml") || name.len() <= ".toml".len() {
        return bad("it must end in .toml");
    }
    if name.starts_with('.') || name.contains("..") {
        return bad("it may not start with a dot or contain ..");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
    {
        return bad("use letters, digits, space, - and _ only (no / or \\)");
    }
    Ok(())
}

fn modified(p: &Path) -> Option<u64> {
    std::fs::metadata(p)
        .ok()?
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

impl Workspace {
    /// The workspace at `dir` (created if missing).
    pub fn open(dir: &Path) -> Result<Workspace, WsError> {
        std::fs::create_dir_all(dir).map_err(|source| WsError::Io {
            what: "creating the workspace",
            path: dir.display().to_string(),
            source,
        })?;
        let dir = dir.canonicalize().map_err(|source| WsError::Io {
            what: "opening the workspace",
            path: dir.display().to_string(),
            source,
        })?;
        Ok(Workspace {
            dir,
            write: Mutex::new(()),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `name`, checked: a plain name, and not a symlink (which could point out of
    /// the folder).
    pub fn path(&self, name: &str) -> Result<PathBuf, WsError> {
        check_name(name)?;
        let p = self.dir.join(name);
        if let Ok(m) = std::fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(WsError::BadName(format!(
                    "{name} is a symbolic link; the workbench only opens files in its folder"
                )));
            }
            if !m.is_file() {
                return Err(WsError::BadName(format!("{name} is not a file")));
            }
        }
        Ok(p)
    }

    /// The scenario files, sorted by name (symlinks and other entries left out).
    pub fn list(&self) -> Result<Vec<String>, WsError> {
        let rd = std::fs::read_dir(&self.dir).map_err(|source| WsError::Io {
            what: "listing",
            path: self.dir.display().to_string(),
            source,
        })?;
        let mut names: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| check_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Reads `name`.
    pub fn read(&self, name: &str) -> Result<Read, WsError> {
        let p = self.path(name)?;
        let bytes = match std::fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(WsError::NotFound(name.into()));
            }
            Err(source) => {
                return Err(WsError::Io {
                    what: "reading",
                    path: name.into(),
                    source,
                });
            }
        };
        Ok(Read {
            version: version(&bytes),
            modified: modified(&p),
            bytes,
        })
    }

    /// Writes `bytes` to `name` atomically (a temporary file in the folder, then a rename).
    /// `expect`: `Some(v)` — the file must still be at version `v`; `None` — the file must not
    /// exist yet. Returns the new version.
    pub fn write(&self, name: &str, bytes: &[u8], expect: Option<&str>) -> Result<String, WsError> {
        let p = self.path(name)?;
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let now = match std::fs::read(&p) {
            Ok(b) => Some(version(&b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(WsError::Io {
                    what: "reading",
                    path: name.into(),
                    source,
                });
            }
        };
        match (expect, &now) {
            (Some(want), Some(have)) if want == have => {}
            (None, None) => {}
            (Some(_), None) => {
                return Err(WsError::Conflict {
                    message: format!("{name} was deleted or renamed since it was opened"),
                    current: None,
                });
            }
            (Some(_), Some(_)) => {
                return Err(WsError::Conflict {
                    message: format!(
                        "{name} changed on disk since it was opened (edited elsewhere or saved \
                         from another tab); reload it or save under another name"
                    ),
                    current: now.clone(),
                });
            }
            (None, Some(_)) => {
                return Err(WsError::Conflict {
                    message: format!("{name} already exists; choose another name"),
                    current: now.clone(),
                });
            }
        }
        let tmp = self.dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let io = |what, source| WsError::Io {
            what,
            path: name.into(),
            source,
        };
        let result = (|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(|e| io("writing", e))?;
            f.write_all(bytes).map_err(|e| io("writing", e))?;
            f.sync_all().map_err(|e| io("writing", e))?;
            std::fs::rename(&tmp, &p).map_err(|e| io("saving", e))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        Ok(version(bytes))
    }

    /// Moves `name` into `.trash/` (a timestamp is added when the trash has one of that name).
    /// Returns the name in the trash.
    pub fn trash(&self, name: &str) -> Result<String, WsError> {
        let p = self.path(name)?;
        if !p.is_file() {
            return Err(WsError::NotFound(name.into()));
        }
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let trash = self.dir.join(".trash");
        std::fs::create_dir_all(&trash).map_err(|source| WsError::Io {
            what: "creating",
            path: ".trash".into(),
            source,
        })?;
        let mut to = name.to_string();
        if trash.join(&to).exists() {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let stem = name.trim_end_matches(".toml");
            to = format!("{stem}.{secs}.toml");
            let mut n = 1;
            while trash.join(&to).exists() {
                n += 1;
                to = format!("{stem}.{secs}-{n}.toml");
            }
        }
        std::fs::rename(&p, trash.join(&to)).map_err(|source| WsError::Io {
            what: "moving to .trash",
            path: name.into(),
            source,
        })?;
        Ok(format!(".trash/{to}"))
    }

    /// A name not yet used: `stem.toml`, else `stem-2.toml`, `stem-3.toml`, …
    pub fn free_name(&self, stem: &str) -> String {
        let clean: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let clean = clean.trim_matches('-');
        let clean = if clean.is_empty() { "beregning" } else { clean };
        let mut name = format!("{clean}.toml");
        let mut n = 1;
        while self.dir.join(&name).exists() {
            n += 1;
            name = format!("{clean}-{n}.toml");
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_toml_file_names() {
        for ok in ["cti.toml", "Mit forslag 2.toml", "børn_angst-v2.toml"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "../x.toml",
            "/etc/x.toml",
            "a/b.toml",
            "a\\b.toml",
            ".hidden.toml",
            "x.txt",
            ".toml",
            "a..b.toml",
            "x.toml\0",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn saves_check_the_version_and_deletes_go_to_the_trash() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::open(d.path()).unwrap();
        let v1 = ws.write("a.toml", b"x = 1\n", None).unwrap();
        assert!(matches!(
            ws.write("a.toml", b"x = 2\n", None),
            Err(WsError::Conflict { .. })
        ));
        let v2 = ws.write("a.toml", b"x = 2\n", Some(&v1)).unwrap();
        // a stale version is refused and the file is left as it was
        let e = ws.write("a.toml", b"x = 3\n", Some(&v1)).unwrap_err();
        assert!(matches!(e, WsError::Conflict { current: Some(ref c), .. } if *c == v2));
        assert_eq!(std::fs::read(d.path().join("a.toml")).unwrap(), b"x = 2\n");
        assert_eq!(ws.list().unwrap(), vec!["a.toml"]);
        assert_eq!(ws.trash("a.toml").unwrap(), ".trash/a.toml");
        assert!(ws.list().unwrap().is_empty());
        assert_eq!(
            std::fs::read(d.path().join(".trash/a.toml")).unwrap(),
            b"x = 2\n"
        );
        ws.write("a.toml", b"y\n", None).unwrap();
        assert!(ws.trash("a.toml").unwrap().starts_with(".trash/a."));
        assert_eq!(ws.free_name("cti"), "cti.toml");
        ws.write("cti.toml", b"", None).unwrap();
        assert_eq!(ws.free_name("cti"), "cti-2.toml");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("secret.toml"), "s = 1").unwrap();
        std::os::unix::fs::symlink(out.path().join("secret.toml"), d.path().join("link.toml"))
            .unwrap();
        let ws = Workspace::open(d.path()).unwrap();
        assert!(matches!(ws.read("link.toml"), Err(WsError::BadName(_))));
        assert!(matches!(
            ws.write("link.toml", b"", None),
            Err(WsError::BadName(_))
        ));
        assert!(ws.list().unwrap().is_empty());
    }
}
