//! Command-line tests: each command, JSON shape, exit codes, and bad inputs that must give exit 1
//! with a message naming the problem — never a panic.

use std::path::Path;

mod common;

use common::{json, scenarios, soem};
use predicates::prelude::*;

#[test]
fn every_shipped_scenario_loads_and_runs_in_all_formats_and_languages() {
    let all = scenarios();
    assert!(all.len() >= 7);
    for p in all {
        let p = p.to_string_lossy().into_owned();
        for lang in ["da", "en"] {
            soem().args(["calc", &p, "--lang", lang]).assert().success();
        }
        soem()
            .args(["calc", &p, "--format", "csv"])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(
                "intervention,table,key,year,value",
            ));
        let v = json(&["calc", &p]);
        assert!(v.as_array().is_some_and(|a| !a.is_empty()), "{p}");
    }
}

#[test]
fn calc_json_has_the_spec_shape() {
    let v = json(&["calc", "scenarios/cti.toml"]);
    let r = &v[0];
    assert_eq!(r["id"], "cti");
    assert_eq!(r["price_year"], 2024);
    assert_eq!(r["discount_rate"], 0.04);
    assert_eq!(r["result_period"], serde_json::json!([2024, 2029]));
    let years = r["years"].as_array().expect("years");
    assert_eq!(years[0], 2024);
    for key in ["total", "kommune", "region", "stat"] {
        assert_eq!(r["net"][key].as_array().expect("net").len(), years.len());
        assert!(r["pv"][key].is_number());
        assert!(r["break_even_year"][key].is_number() || r["break_even_year"][key].is_null());
    }
    // the cost falls in 2024 on the municipality
    assert_eq!(r["net"]["kommune"][0], -8393750.0);
    // total = sum of actors, every year
    for t in 0..years.len() {
        let sum: f64 = ["kommune", "region", "stat"]
            .iter()
            .map(|k| r["net"][k][t].as_f64().expect("n"))
            .sum();
        assert!((sum - r["net"]["total"][t].as_f64().expect("n")).abs() < 1e-6);
    }
    assert!(!r["illustrative"].as_array().expect("list").is_empty());
}

#[test]
fn departments_are_actors_in_the_output() {
    let v = json(&["calc", "scenarios/afdelinger.toml"]);
    let pv = v[0]["pv"]["beskaeftigelsesforvaltning"]
        .as_f64()
        .expect("dept PV");
    assert!(pv > 0.0);
}

#[test]
fn housing_benefit_is_tax_free_in_the_shipped_departments_case() {
    // boligstøtte is tax-free: an expenditure, so no tax on transfers is booked for it (SPEC §5)
    let v = json(&["calc", "scenarios/afdelinger.toml"]);
    let items = v[0]["items"].as_array().expect("items");
    let b = items
        .iter()
        .find(|i| i["id"] == "boligstoette")
        .expect("boligstøtte");
    assert_eq!(b["kind"], "expenditure");
}

#[test]
fn danish_text_output_by_default_english_on_request() {
    soem()
        .args(["calc", "scenarios/cti.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("-8.393.750 kr."))
        .stdout(predicate::str::contains("Nutidsværdi"))
        .stdout(predicate::str::contains("illustrative tal"));
    soem()
        .args(["calc", "scenarios/cti.toml", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("-8,393,750 kr."))
        .stdout(predicate::str::contains("Present value"));
}

#[test]
fn knowledge_commands() {
    soem()
        .args(["knowledge", "groups"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hjemloese"));
    soem()
        .args(["knowledge", "items"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kontanthjaelp"));
    soem()
        .args(["knowledge", "prices", "--group", "hjemloese"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2.211"));
    soem()
        .args(["knowledge", "studies"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Cohen").not());
    soem()
        .args(["knowledge", "show", "hjemloese"])
        .assert()
        .success()
        .stdout(predicate::str::contains("-2,90 -2,30 -1,70"));
    let v = json(&["knowledge", "studies", "--group", "hjemloese"]);
    assert!(v.as_array().expect("list").len() >= 2);
    soem()
        .args(["knowledge", "show", "hjemlose"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean \"hjemloese\""));
}

#[test]
fn new_writes_a_scenario_that_loads_and_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("ny.toml");
    let o = out.to_string_lossy().into_owned();
    soem()
        .args([
            "new",
            "--target-group",
            "boern-angst-depression-6-13",
            "--out",
            &o,
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("target_group = \"boern-angst-depression-6-13\""));
    assert!(text.contains("# item = \"psykiatrisk-ambulant\""));
    soem().args(["calc", &o]).assert().success();
    // a second run refuses to replace the file
    std::fs::write(&out, "# mine").expect("write");
    soem()
        .args(["new", "--target-group", "hjemloese", "--out", &o])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "# mine");
    // every group with consequences gives a runnable scenario
    for g in [
        "hjemloese",
        "adhd-voksne",
        "kriminalitetstruede-12-17",
        "eftervaern",
    ] {
        let p = dir.path().join(format!("{g}.toml"));
        let ps = p.to_string_lossy().into_owned();
        soem()
            .args(["new", "--target-group", g, "--out", &ps])
            .assert()
            .success();
        soem().args(["calc", &ps]).assert().success();
    }
    soem()
        .args(["new", "--target-group", "stammer"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("own items"));
}

#[test]
fn help_teaches_with_examples() {
    soem()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    for cmd in ["calc", "require", "knowledge", "new"] {
        soem()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn usage_errors_exit_2() {
    // more in the bad-input corpus (tests/corpus.rs)
    soem().arg("frobnicate").assert().code(2);
    soem().arg("calc").assert().code(2);
    soem()
        .args(["calc", "scenarios/cti.toml", "--format", "yaml"])
        .assert()
        .code(2);
    soem()
        .args(["calc", "scenarios/cti.toml", "--lang", "de"])
        .assert()
        .code(2);
}

const BASE: &str = r#"
[[intervention]]
id = "t"
target_group = "hjemloese"
start_year = 2024
years = 1
participants = [10]
success_rate = 0.2
costs = { kommune = [100000] }
"#;

#[test]
fn a_knowledge_base_item_outside_the_group_takes_its_price_from_the_star_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("ok.toml");
    std::fs::write(&p, format!("{BASE}\n[[intervention.consequence]]\nitem = \"specialskole\"\nvalues = [-0.1]\nfade = false\n")).expect("write");
    let v = json(&["calc", &p.to_string_lossy()]);
    // 10 × 0.2 × 0.1 pupil-years less × 350,000 (2020) × 1.11·(1.11/1.08) / 1.04 (2024 prices)
    let want = 0.2 * 350_000.0 * (1.11 * 1.11 / 1.08) / 1.04;
    let items = v[0]["items"].as_array().expect("items");
    let line = items
        .iter()
        .find(|i| i["id"] == "specialskole")
        .expect("item line");
    assert!(
        (line["net"][1].as_f64().expect("n") - want).abs() < 1e-6,
        "{line}"
    );
}

fn copy_kb(to: &Path) {
    for f in soem::kb::FILES {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("knowledge")
                .join(f),
            to.join(f),
        )
        .expect("copy");
    }
}

#[test]
fn another_knowledge_directory_is_used_with_knowledge() {
    let dir = tempfile::tempdir().expect("tmp");
    copy_kb(dir.path());
    let p = dir.path().join("parameters.csv");
    let text = std::fs::read_to_string(&p)
        .expect("read")
        .replace("discount_rate,0.04", "discount_rate,0.03");
    std::fs::write(&p, text).expect("write");
    let v = json(&[
        "calc",
        "scenarios/boern-angst.toml",
        "--knowledge",
        &dir.path().to_string_lossy(),
    ]);
    assert_eq!(v[0]["discount_rate"], 0.03);
}

#[test]
fn require_break_even_target_and_match() {
    let v = json(&["require", "scenarios/cti.toml"]);
    let r = &v[0];
    assert_eq!(r["id"], "cti");
    assert_eq!(r["target"], 0.0);
    // total: s* reported unclamped and flagged; the calculator at s* gives PV 0
    let s = r["success_rate"]["total"].as_f64().expect("rate");
    assert!(s > 1.0 && r["details"]["total"]["unattainable"] == true);
    assert!(
        r["details"]["total"]["check_pv"]
            .as_f64()
            .expect("check")
            .abs()
            < 1.0
    );
    assert_eq!(r["by_period"].as_array().expect("table").len(), 20);
    let v = json(&["require", "scenarios/cti.toml", "--target", "-8000000"]);
    assert!(
        v[0]["details"]["kommune"]["check_pv"]
            .as_f64()
            .expect("check")
            + 8_000_000.0
            < 1.0
    );
    let v = json(&["require", "scenarios/sammenligning.toml", "--match", "cti"]);
    let s = v[1]["success_rate"]["total"].as_f64().expect("rate");
    assert!(
        v[1]["details"]["total"]["check_pv"].as_f64().expect("pv")
            - v[1]["target"].as_f64().expect("t")
            < 1.0
    );
    // the cheaper housing support beats CTI's PV even with no success at all
    assert!(s < 0.0 && v[1]["details"]["total"]["met_without_success"] == true);
    soem()
        .args(["require", "scenarios/cti.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Uopnåeligt: kræver"))
        .stdout(predicate::str::contains("Nås selv uden succes"));
    soem()
        .args(["require", "scenarios/sammenligning.toml", "--match", "ctii"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no intervention with that id"));
    soem()
        .args(["require", "scenarios/cti.toml", "--target", "abc"])
        .assert()
        .code(2);
    soem()
        .args([
            "require",
            "scenarios/cti.toml",
            "--target",
            "1",
            "--match",
            "cti",
        ])
        .assert()
        .code(2);
    for p in scenarios() {
        soem()
            .args(["require", &p.to_string_lossy()])
            .assert()
            .success();
    }
}

/// Converts a comma CSV to a Danish Excel export: `;` separators, decimal commas, Windows-1252,
/// CRLF line ends (quoted fields kept as they are).
fn danish_excel(text: &str) -> Vec<u8> {
    let mut out = String::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let (mut cur, mut quoted) = (String::new(), false);
        for ch in line.chars() {
            match ch {
                '"' => {
                    quoted = !quoted;
                    cur.push(ch);
                }
                ',' if !quoted => fields.push(std::mem::take(&mut cur)),
                _ => cur.push(ch),
            }
        }
        fields.push(cur);
        let fields: Vec<String> = fields
            .into_iter()
            .map(|f| {
                if f.parse::<f64>().is_ok() {
                    f.replace('.', ",")
                } else if f.contains(';') && !f.starts_with('"') {
                    format!("\"{f}\"") // as Excel quotes a field with the separator
                } else {
                    f
                }
            })
            .collect();
        out += &fields.join(";");
        out += "\r\n";
    }
    out.chars()
        .map(|c| match c {
            '–' => 0x96,
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

#[test]
fn a_knowledge_base_exported_from_danish_excel_gives_the_same_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_kb(dir.path());
    for f in ["prices.csv", "parameters.csv", "price_index.csv"] {
        let text = std::fs::read_to_string(dir.path().join(f)).expect("read");
        std::fs::write(dir.path().join(f), danish_excel(&text)).expect("write");
    }
    let k = dir.path().to_string_lossy().into_owned();
    let shipped = json(&["calc", "scenarios/cti.toml"]);
    let excel = json(&["calc", "scenarios/cti.toml", "--knowledge", &k]);
    assert_eq!(shipped[0]["pv"], excel[0]["pv"]);
}

#[test]
fn calc_and_compare_add_the_interventions_up() {
    // the course's "Hvad er nettogevinsten i alt for begge indsatser i 2025?" (seed 000)
    let calc = json(&["calc", "scenarios/sammenligning.toml"]);
    let cmp = json(&["compare", "scenarios/sammenligning.toml", "--draws", "200"]);
    let sum = &cmp["portfolio"]["sum"];
    let years = sum["years"].as_array().expect("years");
    let y2025 = years.iter().position(|y| y == 2025).expect("2025");
    let mut want = 0.0;
    let mut pv = 0.0;
    for iv in calc.as_array().expect("list") {
        let i = iv["years"]
            .as_array()
            .expect("years")
            .iter()
            .position(|y| y == 2025)
            .expect("2025");
        want += iv["net"]["total"][i].as_f64().expect("n");
        pv += iv["pv"]["total"].as_f64().expect("pv");
    }
    let got = sum["net"]["total"][y2025].as_f64().expect("sum");
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    assert!((sum["pv"]["total"].as_f64().expect("pv") - pv).abs() < 1e-6);
    assert!(sum["break_even_year"].get("kommune").is_some());
    assert_eq!(sum["cautions"][0]["kind"], "same_target_group");
    soem()
        .args(["calc", "scenarios/sammenligning.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Alle indsatser i alt: nettogevinst pr. år",
        ))
        .stdout(predicate::str::contains("dobbelttælling"));
    // one intervention: no sum
    soem()
        .args(["calc", "scenarios/cti.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Alle indsatser i alt").not());
}

#[test]
fn new_writes_danish_comments_and_a_wider_range_where_social_services_carry_the_gains() {
    let da = soem()
        .args(["new", "--target-group", "hjemloese"])
        .output()
        .expect("runs");
    let da = String::from_utf8(da.stdout).expect("utf-8");
    assert!(da.starts_with("# Startscenarie for"), "{da}");
    assert!(da.contains("# RET: antal, der starter pr. år"));
    assert!(!da.contains("CHANGE"));
    // hjemløse: social services carry over a third of the gains → the wider, downward range
    assert!(da.contains(
        "consequences = { dist = \"triangular\", min = 0.5, mode = 0.9, max = 1.2, per = \"area\" }"
    ));
    let en = soem()
        .args([
            "new",
            "--target-group",
            "boern-angst-depression-6-13",
            "--lang",
            "en",
        ])
        .output()
        .expect("runs");
    let en = String::from_utf8(en.stdout).expect("utf-8");
    assert!(en.starts_with("# Starting scenario for"), "{en}");
    assert!(en.contains("# CHANGE: starters per year"));
    assert!(
        en.contains("consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"area\" }")
    );
    // both run as written, Monte Carlo included
    let dir = tempfile::tempdir().expect("tmp");
    for (name, text) in [("da.toml", &da), ("en.toml", &en)] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        soem()
            .args(["mc", p.to_str().expect("path"), "--draws", "200"])
            .assert()
            .success();
    }
}

#[test]
fn calc_flags_social_services_that_carry_the_gains() {
    soem()
        .args(["calc", "scenarios/cti.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "OBS: sociale serviceydelser står for 62 % af gevinsterne",
        ))
        .stdout(predicate::str::contains("„Område: sociale serviceydelser“"));
    let v = json(&["calc", "scenarios/cti.toml"]);
    assert_eq!(v[0]["flags"][0]["kind"], "social_services");
    let v = json(&["calc", "scenarios/adhd-rr2.toml"]);
    assert_eq!(v[0]["flags"].as_array().map(Vec::len), Some(0));
}

#[test]
fn the_erfaringsdatabase_cases_are_listed_and_set_the_published_result_beside_ours() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(root.join("scenarios/erfaringer"))
        .expect("folder")
        .filter_map(|e| e.ok())
        .map(|e| format!("scenarios/erfaringer/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let v = json(&["knowledge", "cases"]);
    let mut listed: Vec<String> = v
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["file"].as_str().expect("file").to_string())
        .collect();
    listed.sort();
    assert_eq!(
        listed, on_disk,
        "every case file is listed (src/cli/knowledge.rs CASES)"
    );
    let cool = v
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["file"] == "scenarios/erfaringer/cool-kids.toml")
        .expect("Cool Kids");
    assert_eq!(cool["case"]["net"], 4_400_000.0);
    assert_eq!(cool["case"]["years"], 9);
    // every case runs: calc, and the Monte Carlo of its uncertainty
    for f in &on_disk {
        soem().args(["calc", f]).assert().success();
        soem().args(["mc", f, "--draws", "200"]).assert().success();
    }
    soem()
        .args(["calc", "scenarios/erfaringer/keep.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Publiceret: nettoresultat ca. 430.000 kr. over 9 år; 8.000 kr. pr. deltager",
        ))
        .stdout(predicate::str::contains("Hvorfor de kan afvige"));
    // several problems at once: the overlap is applied to the sum and said
    soem()
        .args(["calc", "scenarios/erfaringer/flere-problemer.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "60 % af deltagerne i behandling får også bostoette",
        ));
}
