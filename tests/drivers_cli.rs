//! Command-line tests of the drivers: tornado, grid, mc and compare on every shipped scenario,
//! JSON shapes of SPEC §7, reproducibility across thread counts, bad arguments.

use std::path::Path;

mod common;

use common::{json, scenarios, soem};
use predicates::prelude::*;

#[test]
fn every_driver_runs_on_every_shipped_scenario_in_both_languages() {
    for p in scenarios() {
        let p = p.to_string_lossy().into_owned();
        for lang in ["da", "en"] {
            for args in [
                vec!["tornado", &p],
                vec!["require", &p],
                vec!["mc", &p, "--draws", "2000"],
                vec![
                    "grid",
                    &p,
                    "--vary",
                    "success_rate=0.1:0.3:0.1",
                    "--vary",
                    "period=5,10",
                ],
            ] {
                soem().args(&args).args(["--lang", lang]).assert().success();
            }
        }
        // SPEC §7 shapes
        let t = json(&["tornado", &p]);
        let first = &t[0];
        assert!(first["id"].is_string() && first["base"].is_number(), "{p}");
        let bars = first["bars"].as_array().expect("bars");
        for w in bars.windows(2) {
            assert!(w[0]["swing"].as_f64() >= w[1]["swing"].as_f64());
        }
        for b in bars {
            for k in ["name", "low", "high", "swing"] {
                assert!(!b[k].is_null(), "{p}: bar without {k}");
            }
        }
        let m = json(&["mc", &p, "--draws", "2000", "--seed", "3"]);
        let m = &m[0];
        assert_eq!(m["draws"], 2000);
        assert_eq!(m["seed"], 3);
        for k in [
            "mean",
            "sd",
            "p1",
            "p5",
            "p10",
            "p25",
            "p50",
            "p75",
            "p90",
            "p95",
            "p99",
            "p_positive",
        ] {
            assert!(m["pv"]["total"][k].is_number(), "{p}: pv.total.{k}");
        }
        assert_eq!(
            m["pv"]["total"]["interval"].as_array().map(Vec::len),
            Some(2)
        );
        for k in ["p10", "p50", "p90", "share_none"] {
            assert!(m["break_even_year"]["total"].get(k).is_some(), "{p}: {k}");
        }
        assert!(m["provenance"]["scenario"].is_string());
    }
}

#[test]
fn every_driver_says_when_it_used_illustrative_numbers() {
    // cti uses illustrative knowledge-base numbers
    for args in [
        vec!["tornado", "scenarios/cti.toml"],
        vec!["require", "scenarios/cti.toml"],
        vec!["mc", "scenarios/cti.toml", "--draws", "1000"],
        vec!["grid", "scenarios/cti.toml", "--vary", "period=5,10"],
    ] {
        soem().args(&args).assert().success().stdout(
            predicate::str::contains("OBS: illustrative tal")
                .and(predicate::str::contains("herberg")),
        );
        let v = json(&args);
        assert!(
            v[0]["illustrative"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{args:?}"
        );
    }
}

#[test]
fn compare_has_the_spec_shape_and_states_the_risk() {
    let c = json(&["compare", "scenarios/sammenligning.toml", "--draws", "5000"]);
    let pair = &c["pairs"][0];
    for k in ["a", "b", "p_a_better", "interval_overlap", "overlap_share"] {
        assert!(pair.get(k).is_some(), "pairs[0].{k}");
    }
    assert!(c["portfolio"]["low"].is_number() && c["portfolio"]["sum_of_lows"].is_number());
    soem()
        .args(["compare", "scenarios/sammenligning.toml", "--draws", "5000"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "risiko for at vælge den forkerte indsats",
        ))
        .stdout(
            predicate::str::contains("Minimumstal").or(predicate::str::contains("minimumstal")),
        );
    // one intervention cannot be compared
    soem()
        .args(["compare", "scenarios/cti.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("two or more"));
}

#[test]
fn mc_is_identical_on_one_and_two_threads_and_quiet_when_piped() {
    let run = |threads: &str| {
        soem()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "mc",
                "scenarios/sammenligning.toml",
                "--draws",
                "20000",
                "--format",
                "json",
            ])
            .output()
            .expect("runs")
    };
    let (a, b) = (run("1"), run("2"));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert!(
        a.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
}

#[test]
fn grid_writes_csv_and_parquet_files_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["g.csv", "g.parquet"] {
        let out = dir.path().join(name);
        let out_s = out.to_string_lossy().into_owned();
        let args = [
            "grid",
            "scenarios/cti.toml",
            "--vary",
            "success_rate=0.1:0.2:0.05",
            "--vary",
            "cost_factor=0.8,1.2",
            "--out",
            &out_s,
        ];
        soem()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("6"));
        let bytes = std::fs::read(&out).expect("written");
        if name.ends_with(".csv") {
            let text = String::from_utf8(bytes).expect("utf-8");
            assert!(text.starts_with("intervention,success_rate,cost_factor,pv_total"));
            assert_eq!(text.lines().count(), 7);
        } else {
            assert_eq!(&bytes[..4], b"PAR1");
        }
        soem()
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--force"));
    }
}

#[test]
fn grid_declared_in_the_file_runs_without_vary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml"),
    )
    .expect("cti")
        + "\n[[grid]]\nname = \"rate and period\"\nvary = [\"success_rate=0.1,0.2\", \"period=5,10\"]\n";
    let f = dir.path().join("g.toml");
    std::fs::write(&f, text).expect("write");
    let v = json(&["grid", &f.to_string_lossy()]);
    assert_eq!(v[0]["name"], "rate and period");
    assert_eq!(v[0]["rows"].as_array().map(Vec::len), Some(4));
    assert_eq!(v[0]["matrix"]["pv"].as_array().map(Vec::len), Some(2));
    // a bad declared grid names the file, line and field
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&f)
            .expect("read")
            .replace("period=5,10", "perod=5"),
    )
    .expect("write");
    soem()
        .args(["grid", &bad.to_string_lossy()])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("grid[1].vary")
                .and(predicate::str::contains("did you mean \"period\"")),
        );
}

#[test]
fn bad_driver_arguments_are_usage_errors_or_clear_data_errors() {
    for (vary, fragment) in [
        ("success_rate", "NAME=FROM:TO:STEP"),
        ("success_rate=0.3:0.1:0.1", "FROM ≤ TO"),
        ("period=2.5", "whole number"),
        ("cost_factor=x", "not a number"),
        ("sucess_rate=0.1", "did you mean \"success_rate\""),
    ] {
        soem()
            .args(["grid", "scenarios/cti.toml", "--vary", vary])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(fragment));
    }
    soem()
        .args(["tornado", "scenarios/cti.toml", "--actor", "kommunen"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("kommune"));
    soem()
        .args(["tornado", "scenarios/cti.toml", "--discount", "0.02"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two rates"));
    soem()
        .args(["mc", "scenarios/cti.toml", "--draws", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("draws"));
    soem()
        .args(["mc", "scenarios/cti.toml", "--interval", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("interval"));
    // a run beyond the memory limit is refused before any work, saying how to go on
    soem()
        .env("SOEM_MAX_MEMORY_GB", "0.001")
        .args([
            "compare",
            "scenarios/sammenligning.toml",
            "--draws",
            "100000",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("SOEM_MAX_MEMORY_GB").and(predicate::str::contains("at most")),
        );
    for cmd in ["tornado", "grid", "mc", "compare"] {
        soem()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn the_state_s_declining_discount_rate_reaches_every_driver() {
    // the CTI case with Finansministeriet's schedule: every year of its horizon (2024–2043) is in
    // the first band (3.5 %), so each driver must agree with a flat 3.5 %
    let dir = tempfile::tempdir().expect("tmp");
    let cti =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml"))
            .expect("cti");
    let with = |rate: &str| {
        let text = cti.replacen(
            "[settings]",
            &format!("[settings]\ndiscount_rate = {rate}"),
            1,
        );
        assert_ne!(text, cti, "the file has a [settings] table");
        let p = dir
            .path()
            .join(format!("cti-{}.toml", rate.replace('"', "")));
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    };
    let (sched, flat) = (with("\"finansministeriet-2021\""), with("0.035"));
    let pv = |v: &serde_json::Value, k: &str| v[0]["pv"]["total"][k].as_f64().expect("pv");
    let calc = |p: &str| json(&["calc", p])[0]["pv"]["total"].as_f64().expect("pv");
    assert!((calc(&sched) - calc(&flat)).abs() < 1e-6);
    assert_eq!(
        json(&["calc", &sched])[0]["discount_schedule"],
        "finansministeriet-2021"
    );
    // by hand: the 2025 net discounted one year at 3.5 %
    let c = json(&["calc", &sched]);
    let flat4 = json(&["calc", "scenarios/cti.toml"]);
    let n2025 = c[0]["net"]["total"][1].as_f64().expect("net");
    assert!((n2025 - flat4[0]["net"]["total"][1].as_f64().expect("net")).abs() < 1e-9);
    let m = |p: &str| json(&["mc", p, "--draws", "2000"]);
    assert!((pv(&m(&sched), "mean") - pv(&m(&flat), "mean")).abs() < 1e-6);
    let r = |p: &str| {
        json(&["require", p])[0]["success_rate"]["total"]
            .as_f64()
            .expect("s")
    };
    assert!((r(&sched) - r(&flat)).abs() < 1e-12);
    let t = |p: &str| json(&["tornado", p])[0]["base"].as_f64().expect("base");
    assert!((t(&sched) - t(&flat)).abs() < 1e-6);
    // and it differs from SØM's flat 4 %
    assert!((calc(&sched) - calc("scenarios/cti.toml")).abs() > 1000.0);
}

#[test]
fn mc_says_the_chance_of_at_least_an_amount() {
    let args = [
        "mc",
        "scenarios/hjemloese-icm.toml",
        "--at-least",
        "0",
        "--draws",
        "2000",
    ];
    let out = soem().args(args).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("P(nettogevinst ≥ 0 kr.) = "), "{text}");
    let v = json(&args);
    // P(PV ≥ 0) is P(PV > 0) when no draw is exactly 0
    assert_eq!(v[0]["at_least"]["p"], v[0]["pv"]["total"]["p_positive"]);
    soem()
        .args(["mc", "scenarios/hjemloese-icm.toml", "--at-least", "mange"])
        .assert()
        .code(2);
}
