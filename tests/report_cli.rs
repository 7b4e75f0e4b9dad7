//! `soem report`: the folder it writes, safety of existing folders and user text.

mod common;

use std::path::Path;

use common::soem;
use predicates::prelude::*;

/// `soem report SCENARIO --draws N --out OUT`, not yet run.
fn report(scenario: &str, draws: &str, out: &Path) -> assert_cmd::Command {
    let mut c = soem();
    c.args([
        "report",
        scenario,
        "--draws",
        draws,
        "--out",
        &out.to_string_lossy(),
    ]);
    c
}

#[test]
fn report_writes_a_complete_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("cti");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml");
    let before = std::fs::read(&scenario).expect("scenario");
    report("scenarios/cti.toml", "2000", &out)
        .assert()
        .success()
        .stdout(predicate::str::contains("index.html"));
    assert_eq!(
        std::fs::read(&scenario).expect("scenario"),
        before,
        "the scenario is never written"
    );
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(
        html.contains("<svg")
            && html.contains("Forudsætninger")
            && html.contains("Modellens grænser")
    );
    assert!(html.contains("bedste bud") && html.contains("OBS: illustrative tal"));
    assert!(
        !html.contains("http://") || html.contains("xmlns"),
        "no network references"
    );
    // the risk profile, what drives the uncertainty and what knowing more is worth (issue 18)
    assert!(html.contains("Sandsynlighed for mindst") && html.contains("P(nettogevinst ≥ 0 kr.)"));
    assert!(html.contains("Hvad driver usikkerheden") && html.contains("Beslutningen i dag"));
    for chart in ["risk_cti", "drivers_cti"] {
        assert!(out.join(format!("charts/{chart}.png")).is_file(), "{chart}");
    }
    let sens = std::fs::read_to_string(out.join("tables/sensitivity.csv")).expect("csv");
    assert!(sens.contains("cti.success_rate"), "{sens}");
    assert!(out.join("tables/value_of_information.csv").is_file());
    let risk = std::fs::read_to_string(out.join("tables/risk_profile.csv")).expect("csv");
    assert_eq!(
        risk.lines().count(),
        1 + 101,
        "a header and the profile's 101 points"
    );
    let png = std::fs::read(out.join("charts/tornado_cti.png")).expect("png");
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        std::fs::read_to_string(out.join("charts/tornado_cti.svg"))
            .expect("svg")
            .contains("<svg")
    );
    let pdf = std::fs::read(out.join("report.pdf")).expect("report.pdf");
    assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
    assert!(
        pdf.windows(9).any(|w| w == b"FontFile2"),
        "the font is embedded"
    );
    let xlsx = std::fs::read(out.join("tables.xlsx")).expect("xlsx");
    assert_eq!(&xlsx[..2], b"PK");
    let csv = std::fs::read_to_string(out.join("tables/present_value.csv")).expect("csv");
    assert!(csv.lines().count() >= 5);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json"))
            .expect("valid json");
    assert!(summary["mc"][0]["pv"]["total"]["p50"].is_number());
    assert!(summary["provenance"]["scenario"].is_string());
    assert!(out.join(".soem-report").is_file());
    // a second run replaces the folder it wrote
    report("scenarios/cti.toml", "2000", &out)
        .args(["--lang", "en", "--for", "budget"])
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(html.contains("Minimum figure for the budget") && html.contains("Assumptions"));
    // no temporary folders are left behind
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn an_interrupted_runs_leftovers_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    // a dead process's temporary folder (pid 4194304 is above Linux's pid_max)
    let stale = dir.path().join(".r.tmp4194304");
    std::fs::create_dir(&stale).expect("mkdir");
    std::fs::write(stale.join("index.html"), "half").expect("write");
    let out = dir.path().join("r");
    report("scenarios/cti.toml", "1000", &out)
        .assert()
        .success();
    if cfg!(target_os = "linux") {
        assert!(!stale.exists());
    }
    assert!(out.join("index.html").is_file());
}

#[test]
fn report_never_replaces_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    report("scenarios/cti.toml", "1000", &out)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("not written by soem")
                .and(predicate::str::contains("--force")),
        );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "keep me"
    );
}

#[test]
fn user_text_is_escaped_in_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml"))
            .expect("cti")
            .replacen(
                "title = \"CTI til forsorgsbrugere\"",
                "title = \"<script>alert(1)</script> & co\"",
                1,
            );
    let f = dir.path().join("x.toml");
    std::fs::write(&f, text).expect("write");
    let out = dir.path().join("r");
    report(&f.to_string_lossy(), "1000", &out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
}

#[test]
fn every_shipped_scenario_gets_a_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    for p in common::scenarios() {
        let out = dir.path().join(p.file_stem().expect("stem"));
        report(&p.to_string_lossy(), "1000", &out)
            .assert()
            .success();
        assert!(out.join("index.html").is_file());
    }
}

#[test]
fn identical_inputs_and_seed_give_identical_data_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |name: &str| {
        let out = dir.path().join(name);
        report("scenarios/sammenligning.toml", "2000", &out)
            .assert()
            .success();
        out
    };
    let (a, b) = (run("a"), run("b"));
    let mut files = vec!["summary.json".to_string(), "tables.xlsx".to_string()];
    for sub in ["tables", "charts"] {
        for e in std::fs::read_dir(a.join(sub)).expect("dir") {
            files.push(format!(
                "{sub}/{}",
                e.expect("entry").file_name().to_string_lossy()
            ));
        }
    }
    assert!(files.len() > 20);
    for f in files {
        assert_eq!(
            std::fs::read(a.join(&f)).expect("a"),
            std::fs::read(b.join(&f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn a_partial_knowledge_folder_is_named_in_knowledge_tables_and_in_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kb = dir.path().join("my-kb");
    std::fs::create_dir(&kb).expect("mkdir");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let params = std::fs::read_to_string(shipped.join("parameters.csv"))
        .expect("parameters")
        .replace("discount_rate,0.04", "discount_rate,0.03");
    std::fs::write(kb.join("parameters.csv"), params).expect("write");
    let kb_s = kb.to_string_lossy().into_owned();

    let v = common::json(&["knowledge", "tables", "--knowledge", &kb_s]);
    let tables = v["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 8);
    for t in tables {
        let own = t["file"] == "parameters.csv";
        assert_eq!(t["shipped"], !own, "{t}");
    }
    // the 3 % rate is used: CTI's PV differs from the shipped base's
    let pv = |args: &[&str]| common::json(args)[0]["pv"]["total"].as_f64().expect("pv");
    let own = pv(&["calc", "scenarios/cti.toml", "--knowledge", &kb_s]);
    let base = pv(&["calc", "scenarios/cti.toml"]);
    assert!((own - base).abs() > 1.0, "{own} vs {base}");

    let out = dir.path().join("r");
    let mut c = report("scenarios/cti.toml", "500", &out);
    c.args(["--knowledge", &kb_s]).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("html");
    assert!(
        html.contains("Vidensdatabasen er en blanding"),
        "mixed note"
    );
    assert!(
        html.contains(&format!("{kb_s}/parameters.csv")),
        "own table named"
    );
    assert!(html.contains("medfølgende"), "shipped tables named");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    let from: Vec<bool> = summary["knowledge"]
        .as_array()
        .expect("knowledge")
        .iter()
        .map(|t| t["shipped"].as_bool().expect("bool"))
        .collect();
    assert_eq!(from.iter().filter(|s| !**s).count(), 1);
}

/// Starts `soem ARGS` in the background from the repository root.
fn spawn(args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_soem"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns")
}

fn interrupt(child: &std::process::Child) {
    // SAFETY: kill with a valid pid and signal number has no memory effects.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0, "kill");
}

/// Hidden temporary folders (`.<name>.tmp<pid>`) beside a report folder.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp") || n.contains(".old"))
        .collect()
}

/// A report with a million draws and per-year ranges, started 1.5 s ago: it takes tens of seconds
/// in a debug build, so it is still running.
fn long_report(out: &str) -> std::process::Child {
    let child = spawn(&[
        "report",
        "scenarios/cti.toml",
        "--draws",
        "1000000",
        "--out",
        out,
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child
}

#[test]
fn ctrl_c_during_a_report_leaves_no_folder_and_exits_130() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    let out_s = out.to_string_lossy().into_owned();
    let child = long_report(&out_s);
    interrupt(&child);
    let o = child.wait_with_output().expect("waits");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted (Ctrl-C)"), "{err}");
    assert!(o.stdout.is_empty());
    assert!(!out.exists(), "no report folder");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn ctrl_c_during_monte_carlo_prints_nothing_and_exits_130() {
    let child = spawn(&[
        "mc",
        "scenarios/cti.toml",
        "--draws",
        "20000000",
        "--format",
        "json",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    interrupt(&child);
    let o = child.wait_with_output().expect("waits");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(o.stdout.is_empty(), "no partial JSON");
}

#[test]
fn a_second_report_into_the_same_folder_waits_its_turn_by_refusing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    let out_s = out.to_string_lossy().into_owned();
    let first = long_report(&out_s);
    let o = report("scenarios/cti.toml", "500", &out)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "another soem report (process {}) is writing",
            first.id()
        )),
        "{err}"
    );
    interrupt(&first);
    let _ = first.wait_with_output();
    // once the first has ended, the folder is free again
    report("scenarios/cti.toml", "500", &out).assert().success();
    assert!(out.join("index.html").is_file());
}

/// With more than six interventions the prioritisation is the ranking: the page names the best
/// ranked and shows the ranking table, not the table of every pair, which stays in the CSV.
#[test]
fn many_interventions_are_ranked_and_their_pairs_go_to_the_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("[settings]\nprice_year = 2024\n");
    for i in 0..8 {
        text += &format!(
            "\n[[intervention]]\nid = \"iv{i}\"\nstart_year = 2024\nyears = 1\nparticipants = [10]\n\
             success_rate = 0.2\ncosts = {{ kommune = [{}] }}\nresult_period = [2024, 2030]\n\n\
             [[intervention.consequence]]\nitem = \"egen\"\nname = \"Egen\"\narea = \"brugerdefineret\"\n\
             unit = \"dage\"\nkind = \"expenditure\"\nvalues = [-10, -10]\nfade = false\n\
             prices = {{ kommune = 1000 }}\n\n[intervention.uncertainty]\n\
             success_rate = {{ dist = \"uniform\", min = 0.1, max = 0.3 }}\n",
            10_000 + 1_000 * i
        );
    }
    let file = dir.path().join("many.toml");
    std::fs::write(&file, text).expect("scenario");
    let out = dir.path().join("many");
    report(&file.to_string_lossy(), "500", &out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(
        html.contains("Rangordning (i alt, tusinde kr.)"),
        "the ranking"
    );
    assert!(
        html.contains("Bedst rangeret: <b>iv0</b>"),
        "iv0 costs least"
    );
    assert!(!html.contains("iv0 mod iv1"), "no sentence per pair");
    assert!(
        html.contains("Minimumstal til budgettet for porteføljen (8 indsatser, fælles træk)"),
        "the answer is the portfolio's"
    );
    assert!(
        !html.contains("<b>iv3</b> (2024"),
        "not every intervention's best estimate"
    );
    assert!(
        html.contains("tables/comparison.csv"),
        "the pairs are in the tables"
    );
    assert!(
        !html.contains("data-png=\"net_iv0\""),
        "no figures per intervention"
    );
    assert!(
        html.contains("data-png=\"overlap\""),
        "the portfolio's figure stays"
    );
    assert!(!out.join("charts/net_iv0.png").exists());
    let pairs = std::fs::read_to_string(out.join("tables/comparison.csv")).expect("pairs");
    assert_eq!(pairs.lines().count(), 1 + 8 * 7 / 2);
    let ranking = std::fs::read_to_string(out.join("tables/ranking.csv")).expect("ranking");
    assert!(
        ranking
            .lines()
            .nth(1)
            .expect("a row")
            .starts_with("I alt,iv0,"),
        "{ranking}"
    );
}

#[test]
fn the_report_states_every_setting_and_the_sum_the_flags_the_effect_size_and_the_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    // the comparison: settings, each intervention's assumptions, the sum with its caution
    let out = dir.path().join("s");
    report("scenarios/sammenligning.toml", "500", &out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    for want in [
        "Indstillinger og indsatsernes forudsætninger",
        "Kommune 26,4 %, Region 0,0 %, Stat 12,1 %",
        "Prisår",
        "Deltagere pr. år (startende)",
        "14,0 % (angivet direkte)",
        "Resultatperiode",
        "Horisont (sidste år med beløb)",
        "Alle indsatser i alt: nettogevinst pr. år",
        "dobbelttælling",
        "OBS: sociale serviceydelser står for",
    ] {
        assert!(html.contains(want), "index.html lacks {want:?}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["settings"]["price_year"], 2024);
    assert_eq!(summary["settings"]["tax_on_transfers"][0], 0.264);
    assert_eq!(summary["assumptions"][0]["participants"][0], 25.0);
    assert_eq!(summary["assumptions"][0]["success_rate"]["form"], "rate");
    assert_eq!(summary["assumptions"][0]["horizon"][0], 2024);
    assert!(summary["comparison"]["portfolio"]["sum"]["pv"]["total"].is_number());
    assert!(out.join("tables/settings.csv").is_file());
    assert!(out.join("tables/sum_net_per_year.csv").is_file());
    // a published case and the requirement as an effect size
    let out = dir.path().join("k");
    report("scenarios/erfaringer/keep.toml", "500", &out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(html.contains("Erfaringsdatabasen: den publicerede beregning ved siden af vores"));
    assert!(html.contains("nettoresultat ca. 430.000 kr. over 9 år"));
    let out = dir.path().join("b");
    report("scenarios/boern-angst.toml", "500", &out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(
        html.contains("Kravet svarer til en effektstørrelse på d ≈"),
        "effect size"
    );
}
