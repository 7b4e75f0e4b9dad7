//! Inputs found by fuzzing (`fuzz/`, docs/RELIABILITY.md §3), kept as regression tests: each file
//! under `tests/fuzz_regressions/<target>/` goes through what its fuzz target runs, which must
//! return (an error or a result), never panic.
//!
//! - `scenario/slow-101-interventions.toml`: 101 interventions; `compare` with 64 draws took 4 s
//!   because every percentile built a 65,536-bucket histogram (now small samples are sorted).

use std::path::{Path, PathBuf};

use soem::kb::{FILES, KnowledgeBase, Table};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn scenario_inputs_load_or_fail_cleanly_and_run() {
    let kb = KnowledgeBase::shipped().expect("shipped");
    for path in inputs("scenario") {
        let bytes = std::fs::read(&path).expect("read");
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let Ok(sc) = soem::scenario::parse(&path, text, &kb) else {
            continue;
        };
        let n = sc.interventions.len();
        // compare ran to the end: every pair is there
        assert_eq!(
            soem::analysis::exercise(&sc),
            n * n.saturating_sub(1) / 2,
            "{}",
            path.display()
        );
    }
}

#[test]
fn knowledge_and_table_inputs_fail_cleanly() {
    for path in inputs("knowledge") {
        let bytes = std::fs::read(&path).expect("read");
        if let Some((first, rest)) = bytes.split_first() {
            let file = FILES[usize::from(*first) % FILES.len()];
            let _ = KnowledgeBase::from_tables(Path::new("fuzz"), &[(file, rest.to_vec())]);
        }
    }
    for path in inputs("table") {
        let bytes = std::fs::read(&path).expect("read");
        if let Ok(t) = Table::from_bytes(path.clone(), bytes, &[]) {
            for r in 0..t.rows().min(200) {
                for c in t.columns().to_vec() {
                    let _ = t.f64(r, &c);
                    let _ = t.int(r, &c, (1900, 2200));
                    let _ = t.id(r, &c);
                }
            }
        }
    }
}
