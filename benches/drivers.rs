//! The drivers on their performance workloads:
//! - `grid_100x100x10`: 100,000 points (success rate × cost factor × period length) on CTI;
//! - `tornado_40_items`: every bar of the 40-item `mc40` intervention;
//! - `mc40_1m`: the Monte Carlo workload of `benches/data/mc40.toml` (1,000,000 draws, 41 random
//!   inputs, 4 keys, break-even years);
//! - `workloads/…`: what users run beside it (issue 14): mc40 with each family of distributions
//!   (`mc40-pert`, `mc40-normal`, `mc40-lognormal`, `mc40-beta`) at 100,000 draws so one run of
//!   the group stays short, `mc40 --by-year` at 1,000,000 (where the per-year values no longer
//!   fit and the brackets of `analysis::mc::years` are used), `compare` of the two
//!   interventions of `scenarios/sammenligning.toml` and of the 60 interventions of
//!   `benches/data/portfolio60.toml` at 100,000, and the decision report of those 60 at 10,000
//!   (analysis, tables, charts, page and PDF into a temporary folder).
//!
//! Run: `cargo bench --bench drivers` (release build; the grid's goal is < 0.1 s, mc40's ≤ 0.15 s);
//! `cargo bench --bench drivers -- workloads` for the second group alone.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use soem::analysis::{grid, mc, tornado};
use soem::kb::KnowledgeBase;
use soem::scenario::vary::parse;

fn drivers(c: &mut Criterion) {
    let kb = KnowledgeBase::load(Path::new("knowledge")).expect("kb");
    let cti = soem::scenario::load(Path::new("scenarios/cti.toml"), &kb).expect("cti");
    let mc40 = soem::scenario::load(Path::new("benches/data/mc40.toml"), &kb).expect("mc40");
    let mut g = c.benchmark_group("drivers");
    g.sample_size(10);
    let dims: Vec<_> = [
        "success_rate=0:0.99:0.01",
        "cost_factor=0.5:1.49:0.01",
        "period=1:10:1",
    ]
    .iter()
    .map(|s| parse(s).expect("dimension"))
    .collect();
    g.bench_function("grid_100x100x10", |b| {
        b.iter(|| black_box(grid::run(&cti, &kb, &dims, &soem::observer::Quiet).expect("grid")))
    });
    let opt = tornado::Options::default();
    g.bench_function("tornado_40_items", |b| {
        b.iter(|| black_box(tornado::run(&mc40, &opt).expect("tornado")))
    });
    let o = mc::Options {
        draws: 1_000_000,
        seed: 1,
        interval: 0.9,
        confidence: None,
        by_year: false,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    };
    g.bench_function("mc40_1m", |b| {
        b.iter(|| black_box(mc::run(&mc40, "kb", &o, &soem::observer::Quiet).expect("mc")))
    });
    g.finish();
}

fn workloads(c: &mut Criterion) {
    let kb = KnowledgeBase::load(Path::new("knowledge")).expect("kb");
    let load = |f: &str| soem::scenario::load(Path::new(f), &kb).expect("a workload loads");
    let options = |draws: u64, by_year: bool| mc::Options {
        draws,
        seed: 1,
        interval: 0.9,
        confidence: None,
        by_year,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    };
    let mut g = c.benchmark_group("workloads");
    g.sample_size(10);
    for name in [
        "mc40",
        "mc40-pert",
        "mc40-normal",
        "mc40-lognormal",
        "mc40-beta",
    ] {
        let sc = load(&format!("benches/data/{name}.toml"));
        let o = options(100_000, false);
        g.bench_function(format!("{name}_100k"), |b| {
            b.iter(|| black_box(mc::run(&sc, "kb", &o, &soem::observer::Quiet).expect("mc")))
        });
    }
    let mc40 = load("benches/data/mc40.toml");
    let o = options(1_000_000, true);
    g.bench_function("mc40_by_year_1m", |b| {
        b.iter(|| black_box(mc::run(&mc40, "kb", &o, &soem::observer::Quiet).expect("mc")))
    });
    for (name, file) in [
        ("compare_2_100k", "scenarios/sammenligning.toml"),
        ("compare_60_100k", "benches/data/portfolio60.toml"),
    ] {
        let sc = load(file);
        let o = options(100_000, false);
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(mc::compare(&sc, "kb", &o, &soem::observer::Quiet).expect("compare"))
            })
        });
    }
    let p60 = load("benches/data/portfolio60.toml");
    g.bench_function("report_60_10k", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let opt = soem::report::Options {
                out: dir.path().join("report"),
                purpose: soem::analysis::decision::Purpose::Prioritisation,
                lang: soem::present::format::Lang::Da,
                draws: 10_000,
                seed: 1,
                force: false,
                at_least: None,
            };
            let quiet = &soem::observer::Quiet;
            let lock = soem::report::prepare(&opt).expect("the folder");
            let summary = soem::analysis::decision::analyse(
                &p60,
                &kb,
                opt.purpose,
                opt.draws,
                opt.seed,
                None,
                quiet,
            )
            .expect("analysis");
            black_box(soem::report::write(&p60, &summary, &opt, &lock, quiet).expect("report"))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // no HTML charts: with plotters' `ab_glyph` feature (which soem's PNG charts switch on for
    // every crate in the build) criterion's chart text finds no registered font and panics
    config = Criterion::default().without_plots();
    targets = drivers, workloads
}
criterion_main!(benches);
