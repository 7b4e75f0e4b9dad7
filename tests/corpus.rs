//! The bad-input corpus (`tests/corpus/cases.toml`, issue 6): every malformed scenario,
//! knowledge-base folder and command line there is fed to the commands that read it. Each run must
//! exit with the case's code (1 = bad data, 2 = bad usage), say what the case expects (file,
//! line, field and the fix), never panic, print nothing on standard output and write no file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::soem;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: Option<String>,
    scenario: Option<String>,
    knowledge: Option<String>,
    args: Option<Vec<String>>,
    exit: i32,
    expect: Vec<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).expect("cases.toml");
    toml::from_str(&text).expect("cases.toml parses")
}

impl Case {
    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.scenario.clone())
            .or_else(|| self.knowledge.clone())
            .unwrap_or_default()
    }

    /// The command lines the case runs; `out` is a path that must not exist afterwards.
    fn runs(&self, out: &Path) -> Vec<Vec<String>> {
        let out_s = out.to_string_lossy().into_owned();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        if let Some(f) = &self.scenario {
            let f = corpus().join(f).to_string_lossy().into_owned();
            vec![
                s(&["calc", &f]),
                s(&["calc", &f, "--format", "json"]),
                s(&["require", &f]),
                s(&["tornado", &f]),
                s(&["grid", &f, "--vary", "success_rate=0.1,0.2"]),
                s(&["mc", &f, "--draws", "100", "--format", "json"]),
                s(&["compare", &f, "--draws", "100"]),
                s(&["report", &f, "--out", &out_s, "--draws", "100"]),
            ]
        } else if let Some(d) = &self.knowledge {
            let d = corpus().join(d).to_string_lossy().into_owned();
            vec![
                s(&["calc", "scenarios/cti.toml", "--knowledge", &d]),
                s(&["knowledge", "groups", "--knowledge", &d]),
                s(&[
                    "report",
                    "scenarios/cti.toml",
                    "--knowledge",
                    &d,
                    "--out",
                    &out_s,
                    "--draws",
                    "100",
                ]),
            ]
        } else {
            let args = self.args.as_ref().expect("scenario, knowledge or args");
            vec![args.iter().map(|a| a.replace("{out}", &out_s)).collect()]
        }
    }

    /// Every problem with one run, as text (empty when it passed).
    fn check(&self, args: &[String], out: &Output, written: &Path) -> Vec<String> {
        let err = String::from_utf8_lossy(&out.stderr);
        let at = format!("{} — soem {}", self.label(), args.join(" "));
        let mut problems = Vec::new();
        if out.status.code() != Some(self.exit) {
            problems.push(format!(
                "{at}: exit {:?}, expected {}",
                out.status.code(),
                self.exit
            ));
        }
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            problems.push(format!("{at}: panicked"));
        }
        if !out.stdout.is_empty() {
            problems.push(format!("{at}: wrote to standard output"));
        }
        let mut expect = self.expect.clone();
        if let Some(f) = &self.scenario {
            expect.push(f.clone());
        }
        if let Some(d) = &self.knowledge {
            expect.push(d.clone());
        }
        for e in &expect {
            if !err.contains(e.as_str()) {
                problems.push(format!("{at}: expected {e:?} in:\n{err}"));
            }
        }
        if std::fs::symlink_metadata(written).is_ok() {
            problems.push(format!("{at}: left {} behind", written.display()));
        }
        problems
    }
}

#[test]
fn every_bad_input_gives_exit_1_or_2_with_a_clear_message_no_panic_and_no_output() {
    let m = manifest();
    assert!(m.case.len() >= 60, "the corpus has {} cases", m.case.len());
    let tmp = tempfile::tempdir().expect("tmp");
    let cases: Vec<(usize, &Case)> = m.case.iter().enumerate().collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let (runs, problems): (usize, Vec<String>) = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(threads))
            .map(|chunk| {
                let tmp = tmp.path();
                scope.spawn(move || {
                    let (mut runs, mut problems) = (0, Vec::new());
                    for (i, case) in chunk {
                        assert!(
                            [1, 2].contains(&case.exit),
                            "{}: exit must be 1 or 2",
                            case.label()
                        );
                        let out = tmp.join(format!("out-{i}"));
                        for args in case.runs(&out) {
                            let o = soem().args(&args).output().expect("runs");
                            problems.extend(case.check(&args, &o, &out));
                            runs += 1;
                        }
                    }
                    (runs, problems)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).fold(
            (0, Vec::new()),
            |(n, mut p), (m, q)| {
                p.extend(q);
                (n + m, p)
            },
        )
    });
    // the figure docs/RELIABILITY.md quotes (`cargo test --test corpus -- --nocapture`)
    println!(
        "corpus: {} cases, {runs} runs, {} passed",
        m.case.len(),
        runs - problems.len().min(runs)
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_corpus_file_is_listed_in_the_manifest() {
    let m = manifest();
    for (dir, listed) in [
        (
            "scenarios",
            m.case
                .iter()
                .filter_map(|c| c.scenario.clone())
                .collect::<Vec<_>>(),
        ),
        (
            "knowledge",
            m.case.iter().filter_map(|c| c.knowledge.clone()).collect(),
        ),
    ] {
        // scenarios sit in one folder per part of the validation (scenario/validate/); a
        // folder named *.toml is itself a case (a directory given as a scenario)
        let mut names = Vec::new();
        for e in std::fs::read_dir(corpus().join(dir)).expect("dir") {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            let is_area = dir == "scenarios" && e.path().is_dir() && !name.ends_with(".toml");
            if !is_area {
                names.push(format!("{dir}/{name}"));
                continue;
            }
            for f in std::fs::read_dir(e.path()).expect("area") {
                let f = f.expect("entry").file_name().to_string_lossy().into_owned();
                names.push(format!("{dir}/{name}/{f}"));
            }
        }
        for name in names {
            assert!(listed.contains(&name), "{name} is not in cases.toml");
        }
    }
}

/// A file the user cannot read (permissions; skipped when running as root, who can read it).
#[cfg(unix)]
#[test]
fn an_unreadable_scenario_exits_1_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("secret.toml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml"),
        &p,
    )
    .expect("copy");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&p).is_ok() {
        eprintln!("running as root: permissions do not stop reading; skipped");
        return;
    }
    let o = soem()
        .args(["calc", &p.to_string_lossy()])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("secret.toml") && err.contains("ermission"),
        "{err}"
    );
}
