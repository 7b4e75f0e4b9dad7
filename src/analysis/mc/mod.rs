//! Monte Carlo (SPEC §4.4–4.6): intervals, break-even-year ranges, comparison of interventions
//! with common random numbers, the portfolio (budget minimum), the success rate needed for a
//! chosen chance of breaking even, and split-incentive risk.

pub mod anova;
mod bounds;
pub mod copula;
pub mod engine;
pub mod plan;
mod result;
mod rng;
mod search;
mod simd;
pub mod stats;
mod summary;
pub mod voi;
pub mod years;

pub use anova::SobolIndex;
pub use result::*;
use summary::*;
pub use voi::{Evppi, Method, ValueOfInformation};

use crate::error::AnalysisError;
use crate::model::Keyed;
use crate::observer::Observer;
use crate::scenario::{Intervention, Scenario};
use engine::{Draws, NONE, Outputs};
use plan::{InterventionPlan, Plan};
use rayon::prelude::*;
use stats::{code_percentiles, percentiles};

/// The percentiles reported for PV (SPEC §4.4).
pub const PERCENTILES: [u32; 9] = [1, 5, 10, 25, 50, 75, 90, 95, 99];

/// Options of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Number of draws.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Central interval, e.g. 0.9.
    pub interval: f64,
    /// Chance of breaking even for the required success rate (e.g. 0.8); `None`: skip.
    pub confidence: Option<f64>,
    /// Per-year net percentiles (budget years).
    pub by_year: bool,
    /// An amount whose chance of being reached by the total PV is wanted (P(PV ≥ amount)).
    pub at_least: Option<f64>,
    /// What drives the uncertainty (Sobol indices per key) and what knowing more is worth
    /// (EVPI and EVPPI).
    pub sensitivity: bool,
    /// The key the decision is taken on for the value of information (`None`: the total).
    pub decision_key: Option<String>,
    /// How the uniforms are drawn (`None`: the file's `[monte_carlo] sampling`).
    pub sampling: Option<crate::scenario::Sampling>,
    /// Draw until the total's interval ends are this precise (`draws` is then the first round).
    pub auto: Option<crate::scenario::AutoDraws>,
}

/// The rounds of an automatic run: from the first round's standard error on the interval ends,
/// the draws that should reach the precision (se falls with √n), plus 10 %, in whole chunks, at
/// least one chunk more than before, at most the ceiling; again until it is reached. Every round
/// is a whole run from the same seed, so the result is reproducible (and its first draws are
/// the last round's first draws).
fn auto_rounds<T>(
    opt: &Options,
    mut go: impl FnMut(&Options) -> Result<T, AnalysisError>,
    worst_se: impl Fn(&T) -> f64,
    mut mark: impl FnMut(&mut T, AutoResult),
) -> Result<T, AnalysisError> {
    let Some(a) = opt.auto else {
        return go(opt);
    };
    let chunk = engine::CHUNK as u64;
    let mut o = opt.clone();
    o.draws = o.draws.div_ceil(chunk) * chunk;
    loop {
        let mut r = go(&o)?;
        let se = worst_se(&r);
        let reached = se <= a.precision;
        if reached || o.draws >= a.max {
            mark(
                &mut r,
                AutoResult {
                    precision: a.precision,
                    reached,
                    se,
                    max: a.max,
                },
            );
            return Ok(r);
        }
        let need = (o.draws as f64 * (se / a.precision).powi(2) * 1.1).ceil() as u64;
        o.draws = (need.div_ceil(chunk) * chunk)
            .max(o.draws + chunk)
            .min(a.max);
    }
}

/// The worst standard error of the ends of the total's interval among results.
fn worst_interval_se(results: &[McResult]) -> f64 {
    results
        .iter()
        .filter_map(|r| r.pv.get(crate::model::TOTAL))
        .flat_map(|p| p.precision.interval_se)
        .fold(0.0, f64::max)
}

/// Checks the options against the scenario's limits.
pub fn check(sc: &Scenario, opt: &Options) -> Result<(), AnalysisError> {
    if opt.draws < 2 {
        return Err(AnalysisError::Invalid(format!(
            "draws must be at least 2 (got {})",
            opt.draws
        )));
    }
    sc.limits.check(&crate::limits::DRAWS, opt.draws)?;
    if !(opt.interval > 0.0 && opt.interval < 1.0) {
        return Err(AnalysisError::Invalid(format!(
            "the interval must be a share between 0 and 1 such as 0.9, got {}",
            opt.interval
        )));
    }
    if let Some(c) = opt.confidence
        && !(c > 0.0 && c < 1.0)
    {
        return Err(AnalysisError::Invalid(format!(
            "the confidence must be a share between 0 and 1 such as 0.8, got {c}"
        )));
    }
    if let Some(key) = &opt.decision_key
        && key != crate::model::TOTAL
        && !sc.settings.actors.contains(key)
    {
        return Err(AnalysisError::Invalid(format!(
            "the decision key must be `total` or one of the actors ({}), got `{key}`",
            sc.settings.actors.join(", ")
        )));
    }
    Ok(())
}

/// Refuses, before any work, a run whose stored draws would need more than the memory limit
/// (`limit_gb`): 5 bytes per draw and key, plus the per-year values kept for `extras`
/// ([`years::bytes`]).
pub fn check_memory(
    plan: &Plan,
    draws: u64,
    extras: Outputs,
    limit_gb: f64,
) -> Result<(), AnalysisError> {
    let keys: usize = plan.ivs.iter().map(|p| p.keys.len()).sum();
    let cols = years::columns(plan, extras);
    let n = usize::try_from(draws).unwrap_or(usize::MAX);
    let bytes = 5.0 * keys as f64 * draws as f64 + years::bytes(n, cols);
    let need_gb = bytes / f64::from(1u32 << 30);
    if need_gb > limit_gb {
        let per_draw = bytes / draws.max(1) as f64;
        return Err(AnalysisError::Memory {
            draws,
            need_gb,
            limit_gb,
            most: (limit_gb * f64::from(1u32 << 30) / per_draw).floor() as u64,
            hint: if extras.by_year {
                " (or leave out the per-year ranges)"
            } else {
                ""
            },
        });
    }
    Ok(())
}

/// The provenance stamp of a run.
pub fn provenance(sc: &Scenario, kb_hash: &str, opt: &Options) -> Provenance {
    Provenance {
        seed: opt.seed,
        draws: opt.draws,
        engine: format!("soem {}", crate::VERSION),
        knowledge_base: kb_hash.to_string(),
        scenario: sc.hash.clone(),
    }
}

fn slot_used(p: &plan::InterventionPlan, plan: &Plan, name: &str) -> bool {
    let Some(i) = plan.slots.iter().position(|s| s == name) else {
        return false;
    };
    let uses = |x: &Option<plan::Input>| x.as_ref().is_some_and(|x| x.slot == i);
    uses(&p.success)
        || uses(&p.costs)
        || p.columns
            .iter()
            .any(|c| uses(&c.consequences) || uses(&c.prices))
}

/// Runs Monte Carlo for every intervention of the scenario, each on its own (as `soem mc`).
/// Interventions are run jointly, so their draws are paired as in [`compare`].
pub fn run(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    observer: &dyn Observer,
) -> Result<Vec<McResult>, AnalysisError> {
    auto_rounds(
        opt,
        |o| run_once(sc, kb_hash, o, observer),
        |r| worst_interval_se(r),
        |r, a| r.iter_mut().for_each(|x| x.auto = Some(a)),
    )
}

fn run_once(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    observer: &dyn Observer,
) -> Result<Vec<McResult>, AnalysisError> {
    check(sc, opt)?;
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    let plan = plan_of(sc, &ivs, opt)?;
    let extras = Outputs {
        by_year: opt.by_year,
        portfolio_years: None,
    };
    let (d, _, mut results) = run_plan(sc, kb_hash, &plan, opt, extras, observer)?;
    let correlation = engine::achieved_correlation(&plan, d.n, opt.seed);
    for r in &mut results {
        r.correlation = correlation.clone();
    }
    if opt.sensitivity {
        // each intervention's own decision: fund it or not
        let key = opt.decision_key.as_deref().unwrap_or(crate::model::TOTAL);
        for (j, r) in results.iter_mut().enumerate() {
            let p = &plan.ivs[j];
            let k = p.keys.iter().position(|x| x == key).unwrap_or(0);
            r.value_of_information = Some(voi::value_of_information(
                &plan,
                &d,
                opt.seed,
                &[j],
                k,
                key,
                &voi::mc_groups(p),
            ));
        }
    }
    observer.check()?;
    Ok(results)
}

/// The plan of a run: the file's, with the sampling the options ask for.
fn plan_of(sc: &Scenario, ivs: &[&Intervention], opt: &Options) -> Result<Plan, AnalysisError> {
    let mut plan = Plan::new(sc, ivs)?;
    if let Some(s) = opt.sampling {
        plan.lhs = s == crate::scenario::Sampling::Lhs;
    }
    Ok(plan)
}

/// The run of `run` and `compare` on a plan: the memory check, the draws and their per-year
/// ranges, and each intervention's summary.
fn run_plan(
    sc: &Scenario,
    kb_hash: &str,
    plan: &Plan,
    opt: &Options,
    extras: Outputs,
    observer: &dyn Observer,
) -> Result<(Draws, Vec<YearRange>, Vec<McResult>), AnalysisError> {
    check_memory(plan, opt.draws, extras, sc.limits.memory_gb)?;
    let (d, ranges) = years::run(
        plan,
        opt.draws as usize,
        opt.seed,
        extras,
        opt.interval,
        observer,
        engine::Isa::detect(),
    );
    observer.check()?;
    let stamp = provenance(sc, kb_hash, opt);
    let results = (0..plan.ivs.len())
        .map(|j| summarise(sc, plan, &d, &ranges, j, opt, &stamp))
        .collect();
    Ok((d, ranges, results))
}

/// Compares two or more interventions with paired draws, and sums them as a portfolio.
pub fn compare(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    observer: &dyn Observer,
) -> Result<Comparison, AnalysisError> {
    auto_rounds(
        opt,
        |o| compare_once(sc, kb_hash, o, observer),
        |c| worst_interval_se(&c.interventions),
        |c, a| c.interventions.iter_mut().for_each(|x| x.auto = Some(a)),
    )
}

fn compare_once(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    observer: &dyn Observer,
) -> Result<Comparison, AnalysisError> {
    check(sc, opt)?;
    if sc.interventions.len() < 2 {
        return Err(AnalysisError::Invalid(format!(
            "compare needs two or more [[intervention]] tables in the file; {} has {}",
            sc.path.display(),
            sc.interventions.len()
        )));
    }
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    let plan = plan_of(sc, &ivs, opt)?;
    // the portfolio's budget years, summed in the engine: every calendar year of any horizon
    let first = plan.ivs.iter().map(|p| p.start_year).min().unwrap_or(0);
    let last = plan
        .ivs
        .iter()
        .map(|p| p.start_year + p.horizon as i32 - 1)
        .max()
        .unwrap_or(first);
    let years = (last - first + 1).max(0) as usize;
    let extras = Outputs {
        by_year: opt.by_year,
        portfolio_years: Some((first, years)),
    };
    let (d, ranges, results) = run_plan(sc, kb_hash, &plan, opt, extras, observer)?;
    let stamp = provenance(sc, kb_hash, opt);
    let n = d.n;
    // each intervention's total PV per draw, once
    let totals: Vec<Vec<f64>> = (0..plan.ivs.len())
        .into_par_iter()
        .map(|j| {
            let c = plan.ivs[j].centre[0];
            d.residuals(d.offsets[j])
                .iter()
                .map(|r| c + f64::from(*r))
                .collect()
        })
        .collect();
    let index: Vec<(usize, usize)> = (0..plan.ivs.len())
        .flat_map(|a| (a + 1..plan.ivs.len()).map(move |b| (a, b)))
        .collect();
    // P(a > b), ties counted half: whole draws counted twice so the sum stays an integer
    let better: Vec<u64> = index
        .par_iter()
        .map(|&(a, b)| {
            totals[a]
                .iter()
                .zip(&totals[b])
                .map(|(x, y)| u64::from(x > y) * 2 + u64::from(x == y))
                .sum()
        })
        .collect();
    let mut pairs = Vec::new();
    for (&(a, b), twice) in index.iter().zip(&better) {
        {
            let p = *twice as f64 / 2.0 / n as f64;
            let (ia, ib) = (results[a].pv.0[0].1.interval, results[b].pv.0[0].1.interval);
            let lo = ia[0].max(ib[0]);
            let hi = ia[1].min(ib[1]);
            let union = ia[1].max(ib[1]) - ia[0].min(ib[0]);
            let overlap = (lo <= hi).then_some([lo, hi]);
            let share = match overlap {
                None => 0.0,
                Some(_) if union <= 0.0 => 1.0,
                Some([lo, hi]) => (hi - lo) / union,
            };
            let a_best = plan.ivs[a].centre[0] >= plan.ivs[b].centre[0];
            pairs.push(PairResult {
                a: plan.ivs[a].id.clone(),
                b: plan.ivs[b].id.clone(),
                p_a_better: p,
                interval_overlap: overlap,
                overlap_share: share,
                best_estimate: plan.ivs[if a_best { a } else { b }].id.clone(),
                wrong_choice_risk: if a_best { 1.0 - p } else { p },
            });
        }
    }
    let ranking = rank(&plan, &d, &results);
    // portfolio
    let keys = &plan.ivs[0].keys;
    let tail = 0.5 * (1.0 - opt.interval);
    // overlaps: for the shared participants the later intervention counts s₂(1 − share·s₁)
    // (crate::model::sum::success_in_sum), so each draw's sum moves by −share·s₁·s₂·slope₂
    // per key and draw, the change of the sum (the plan's overlaps, as the engine's budget years)
    let mut shift = vec![Vec::new(); keys.len()];
    for &(b, a, share) in &plan.overlaps {
        let sa = engine::success_draws(&plan, a, n, opt.seed);
        let sb = engine::success_draws(&plan, b, n, opt.seed);
        let aff = engine::affine_draws(&plan, b, n, opt.seed);
        let kn = plan.ivs[b].keys.len();
        for (k, row) in shift.iter_mut().enumerate() {
            row.resize(n, 0.0);
            for i in 0..n {
                row[i] -= share * sa[i] * sb[i] * aff[i * kn + k].1;
            }
        }
    }
    let sum_pv = |k: usize| -> Vec<f32> {
        (0..n)
            .map(|i| {
                let base = plan
                    .ivs
                    .iter()
                    .enumerate()
                    .map(|(j, p)| p.centre[k] + f64::from(d.residuals(d.offsets[j] + k)[i]))
                    .sum::<f64>();
                (base + shift[k].get(i).copied().unwrap_or(0.0)) as f32
            })
            .collect()
    };
    let low_by_key: Vec<(String, f64, f64)> = keys
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let v = sum_pv(k);
            let q = percentiles(n, |i| v[i], &[tail, 1.0 - tail]);
            (key.clone(), q[0], q[1])
        })
        .collect();
    let by_year = (0..years)
        .map(|t| BudgetYear {
            year: first + t as i32,
            net: Keyed(
                keys.iter()
                    .enumerate()
                    .map(|(k, key)| (key.clone(), ranges[d.year_row + k * years + t].clone()))
                    .collect(),
            ),
        })
        .collect();
    let mut warnings = Vec::new();
    for (group, ids) in crate::model::sum::shared_target_groups(sc) {
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                warnings.push(crate::scenario::Warning::SharedTargetGroup {
                    a: a.clone(),
                    b: b.clone(),
                    group: group.clone(),
                });
            }
        }
    }
    let calcs: Vec<_> = sc
        .interventions
        .iter()
        .map(|iv| crate::model::calculate(sc, iv))
        .collect();
    let portfolio = Portfolio {
        interventions: plan.ivs.iter().map(|p| p.id.clone()).collect(),
        low: low_by_key[0].1,
        high: low_by_key[0].2,
        sum_of_lows: results.iter().map(|r| r.pv.0[0].1.interval[0]).sum(),
        low_by_key: Keyed(low_by_key.iter().map(|(k, l, _)| (k.clone(), *l)).collect()),
        by_year,
        warnings,
        sum: crate::model::sum::sum(sc, &calcs),
    };
    let value_of_information = opt.sensitivity.then(|| {
        let key = opt.decision_key.as_deref().unwrap_or(crate::model::TOTAL);
        let k = keys.iter().position(|x| x == key).unwrap_or(0);
        let all: Vec<usize> = (0..plan.ivs.len()).collect();
        voi::value_of_information(
            &plan,
            &d,
            opt.seed,
            &all,
            k,
            key,
            &voi::compare_groups(&plan),
        )
    });
    Ok(Comparison {
        correlation: engine::achieved_correlation(&plan, n, opt.seed),
        pairs,
        ranking,
        portfolio,
        interventions: results,
        value_of_information,
        provenance: stamp,
    })
}

/// Per key, the interventions by expected rank: in every draw they are placed by PV (ties share
/// their places and, at the top, the win), one pass over the stored draws per key.
fn rank(plan: &Plan, d: &Draws, results: &[McResult]) -> Keyed<Vec<Ranked>> {
    let m = plan.ivs.len();
    let keys = &plan.ivs[0].keys;
    let per_key: Vec<(String, Vec<Ranked>)> = keys
        .par_iter()
        .enumerate()
        .map(|(k, key)| {
            let (mut wins, mut ranks) = (vec![0.0f64; m], vec![0.0f64; m]);
            let mut v: Vec<(f64, usize)> = vec![(0.0, 0); m];
            let cols: Vec<(f64, &[f32])> = (0..m)
                .map(|j| (plan.ivs[j].centre[k], d.residuals(d.offsets[j] + k)))
                .collect();
            for i in 0..d.n {
                for (j, (slot, (c, col))) in v.iter_mut().zip(&cols).enumerate() {
                    *slot = (c + f64::from(col[i]), j);
                }
                v.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
                // groups of equal PVs take the mean of their places
                let mut at = 0;
                while at < m {
                    let mut end = at + 1;
                    while end < m && v[end].0 == v[at].0 {
                        end += 1;
                    }
                    let place = (at + 1 + end) as f64 / 2.0;
                    for &(_, j) in &v[at..end] {
                        ranks[j] += place;
                        if at == 0 {
                            wins[j] += 1.0 / (end - at) as f64;
                        }
                    }
                    at = end;
                }
            }
            let n = d.n.max(1) as f64;
            let mut list: Vec<Ranked> = (0..m)
                .map(|j| {
                    let s = &results[j].pv.0[k].1;
                    Ranked {
                        id: plan.ivs[j].id.clone(),
                        p_best: wins[j] / n,
                        expected_rank: ranks[j] / n,
                        mean: s.mean,
                        interval: s.interval,
                    }
                })
                .collect();
            list.sort_by(|a, b| a.expected_rank.total_cmp(&b.expected_rank));
            (key.clone(), list)
        })
        .collect();
    Keyed(per_key)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod value_tests;
