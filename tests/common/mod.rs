//! Helpers shared by the command-line test files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `soem` binary, run from the repository root.
pub fn soem() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_soem"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs `soem ARGS --format json`, asserts success and parses the output.
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = soem()
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The shipped scenario files, sorted.
pub fn scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .expect("scenarios/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
    v.sort();
    v
}
