//! Analysis drivers around the base calculator. Each takes the checked scenario and returns a
//! serde result struct; no printing, no paths.

pub mod decision;
pub mod grid;
pub mod mc;
pub mod require;
pub mod tornado;

/// Runs the calculator, the requirement analysis, the tornado and a 64-draw Monte Carlo (and
/// `compare` with two or more interventions) on a loaded scenario, ignoring their errors: what the
/// fuzz targets and their regression tests (`tests/fuzz_regressions.rs`) put every scenario
/// through. Returns the number of comparison pairs (0 with one intervention).
#[doc(hidden)]
pub fn exercise(sc: &crate::scenario::Scenario) -> usize {
    for iv in &sc.interventions {
        let _ = crate::model::calculate(sc, iv);
    }
    let _ = require::run(sc, &require::Target::BreakEven);
    let _ = tornado::run(sc, &Default::default());
    let opt = mc::Options {
        draws: 64,
        seed: 1,
        interval: sc.monte_carlo.interval,
        confidence: Some(0.8),
        by_year: true,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    };
    let _ = mc::run(sc, "fuzz", &opt, &crate::observer::Quiet);
    if sc.interventions.len() >= 2 {
        return mc::compare(sc, "fuzz", &opt, &crate::observer::Quiet).map_or(0, |c| c.pairs.len());
    }
    0
}
