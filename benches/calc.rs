//! The base calculator: one full `calculate` (with per-item and per-area breakdowns) and the
//! prepared fast path used by the drivers; and loading the knowledge base and a scenario, the
//! fixed cost every command pays.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use soem::kb::KnowledgeBase;
use soem::model::{Prepared, calculate};

fn calc(c: &mut Criterion) {
    let kb = KnowledgeBase::load(Path::new("knowledge")).expect("kb");
    let sc = soem::scenario::load(Path::new("scenarios/cti.toml"), &kb).expect("cti");
    let iv = &sc.interventions[0];
    let mut g = c.benchmark_group("calc");
    g.bench_function("load_knowledge_base", |b| {
        b.iter(|| black_box(KnowledgeBase::shipped().expect("kb")))
    });
    g.bench_function("load_scenario_cti", |b| {
        b.iter(|| {
            black_box(soem::scenario::load(Path::new("scenarios/cti.toml"), &kb).expect("cti"))
        })
    });
    g.bench_function("calculate_cti", |b| {
        b.iter(|| black_box(calculate(&sc, iv)))
    });
    let p = Prepared::new(&sc.settings, iv);
    g.bench_function("prepared_net_cti", |b| {
        b.iter(|| black_box(p.net(black_box(0.14))))
    });
    let big = soem::scenario::load(Path::new("benches/data/mc40.toml"), &kb);
    if let Ok(big) = big {
        g.bench_function("calculate_mc40", |b| {
            b.iter(|| black_box(calculate(&big, &big.interventions[0])))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // no HTML charts: with plotters' `ab_glyph` feature (which soem's PNG charts switch on for
    // every crate in the build) criterion's chart text finds no registered font and panics
    config = Criterion::default().without_plots();
    targets = calc
}
criterion_main!(benches);
