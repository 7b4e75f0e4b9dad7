//! Snapshots of what every command prints on every shipped scenario (terminal text in Danish and
//! English, CSV and JSON), of the knowledge-base listings, and of the report's `summary.json` and
//! table CSVs. They pin every word and number a front end shows, so that moving rendering code
//! (issue 13: one presentation layer) changes nothing by accident; an intended change is reviewed
//! with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test snapshots`) and named in
//! its commit.

mod common;

use common::{scenarios, soem};

/// Monte Carlo draws for the snapshots: small enough for a debug build, large enough that every
/// statistic (percentiles, break-even shares, histogram) has something to show.
const DRAWS: &str = "2000";

/// Runs `soem ARGS` from the repository root and returns standard output (or, for a command that
/// fails, the exit code and standard error: an error message is output too).
fn run(args: &[&str]) -> String {
    let out = soem().args(args).output().expect("runs");
    if out.status.success() {
        String::from_utf8(out.stdout).expect("UTF-8 output")
    } else {
        format!(
            "exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

/// The four views of one command: text in Danish and English, CSV, JSON.
fn four_views(name: &str, args: &[&str]) {
    for (view, extra) in [
        ("text_da", ["--lang", "da", "--format", "text"]),
        ("text_en", ["--lang", "en", "--format", "text"]),
        ("csv", ["--lang", "da", "--format", "csv"]),
        ("json", ["--lang", "da", "--format", "json"]),
    ] {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(extra);
        insta::assert_snapshot!(format!("{name}__{view}"), run(&all));
    }
}

fn stem(p: &std::path::Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn deterministic_commands_on_every_scenario() {
    for path in scenarios() {
        let (s, file) = (stem(&path), format!("scenarios/{}.toml", stem(&path)));
        four_views(&format!("calc__{s}"), &["calc", &file]);
        four_views(&format!("require__{s}"), &["require", &file]);
        four_views(&format!("tornado__{s}"), &["tornado", &file]);
        four_views(
            &format!("tornado_kommune__{s}"),
            &["tornado", &file, "--actor", "kommune"],
        );
        four_views(&format!("grid__{s}"), &["grid", &file]);
    }
}

#[test]
fn monte_carlo_commands_on_every_scenario() {
    for path in scenarios() {
        let (s, file) = (stem(&path), format!("scenarios/{}.toml", stem(&path)));
        four_views(
            &format!("mc__{s}"),
            &["mc", &file, "--draws", DRAWS, "--confidence", "0.8"],
        );
        four_views(
            &format!("mc_by_year__{s}"),
            &["mc", &file, "--draws", DRAWS, "--by-year"],
        );
        four_views(
            &format!("compare__{s}"),
            &["compare", &file, "--draws", DRAWS],
        );
        // what drives the uncertainty and what knowing more is worth (issue 18)
        four_views(
            &format!("mc_sensitivity__{s}"),
            &[
                "mc",
                &file,
                "--draws",
                DRAWS,
                "--sensitivity",
                "--at-least",
                "0",
            ],
        );
        four_views(
            &format!("compare_sensitivity__{s}"),
            &["compare", &file, "--draws", DRAWS, "--sensitivity"],
        );
    }
}

#[test]
fn knowledge_base_listings() {
    for what in ["tables", "groups", "items", "prices", "studies", "settings"] {
        four_views(&format!("knowledge__{what}"), &["knowledge", what]);
    }
    four_views(
        "knowledge__prices_hjemloese",
        &["knowledge", "prices", "--group", "hjemloese"],
    );
    let groups = run(&["knowledge", "groups", "--format", "json"]);
    let groups: serde_json::Value = serde_json::from_str(&groups).expect("JSON");
    for g in groups.as_array().expect("a list of groups") {
        let id = g["group"]["id"].as_str().expect("an id");
        four_views(&format!("knowledge__show_{id}"), &["knowledge", "show", id]);
    }
    insta::assert_snapshot!(
        "new__hjemloese",
        run(&["new", "--target-group", "hjemloese"])
    );
}

/// The report's data: `summary.json` and every table CSV, in Danish and English.
#[test]
fn report_summary_and_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    for path in scenarios() {
        let s = stem(&path);
        for lang in ["da", "en"] {
            let out = dir.path().join(format!("{s}-{lang}"));
            let printed = run(&[
                "report",
                &format!("scenarios/{s}.toml"),
                "--draws",
                DRAWS,
                "--lang",
                lang,
                "--out",
                &out.to_string_lossy(),
            ]);
            assert!(printed.contains("index.html"), "{printed}");
            let mut files: Vec<_> = std::fs::read_dir(out.join("tables"))
                .expect("tables/")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            let mut tables = String::new();
            for f in files {
                tables += &format!("== {}\n", stem(&f));
                tables += &std::fs::read_to_string(&f).expect("CSV");
            }
            insta::assert_snapshot!(format!("report__{s}__{lang}__tables"), tables);
            if lang == "da" {
                let summary =
                    std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
                insta::assert_snapshot!(format!("report__{s}__summary"), summary);
            }
        }
    }
}
