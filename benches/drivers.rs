//! The drivers on their performance workloads:
//! - `grid_100x100x10`: 100,000 points (success rate × cost factor × period length) on CTI;
//! - `tornado_40_items`: every bar of the 40-item `mc40` intervention;
//! - `mc40_1m`: the Monte Carlo workload of `benches/data/mc40.toml` (1,000,000 draws, 41 random inputs,
//!   4 keys, break-even years), copied to `benches/data/mc40.toml`.
//!
//! Run: `cargo bench --bench drivers` (release build; the grid's goal is < 0.1 s, mc40's ≤ 0.15 s).

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
    };
    g.bench_function("mc40_1m", |b| {
        b.iter(|| black_box(mc::run(&mc40, "kb", &o, &soem::observer::Quiet).expect("mc")))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // no HTML charts: with plotters' `ab_glyph` feature (which soem's PNG charts switch on for
    // every crate in the build) criterion's chart text finds no registered font and panics
    config = Criterion::default().without_plots();
    targets = drivers
}
criterion_main!(benches);
