//! Fuzzes the scenario loader and validation (SPEC §5) against the shipped knowledge base, and
//! runs the calculator, requirement analysis, tornado and a small Monte Carlo on every scenario that loads: any panic
//! is a bug (bad input must give an error).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soem::kb::KnowledgeBase;

static KB: OnceLock<KnowledgeBase> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let kb = KB.get_or_init(|| KnowledgeBase::shipped().expect("shipped knowledge base"));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sc) = soem::scenario::parse(Path::new("fuzz.toml"), text, kb) {
        for iv in &sc.interventions {
            let _ = soem::model::calculate(&sc, iv);
        }
        let _ = soem::analysis::require::run(&sc, &soem::analysis::require::Target::BreakEven);
        let _ = soem::analysis::tornado::run(&sc, &Default::default());
        let opt = soem::analysis::mc::Options {
            draws: 64,
            seed: 1,
            interval: sc.monte_carlo.interval,
            confidence: Some(0.8),
            by_year: true,
        };
        let _ = soem::analysis::mc::run(&sc, "fuzz", &opt, &|_| {});
        if sc.interventions.len() >= 2 {
            let _ = soem::analysis::mc::compare(&sc, "fuzz", &opt, &|_| {});
        }
    }
});
