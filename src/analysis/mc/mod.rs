//! Monte Carlo (SPEC §4.4–4.6): intervals, break-even-year ranges, comparison of interventions
//! with common random numbers, the portfolio (budget minimum), the success rate needed for a
//! chosen chance of breaking even, and split-incentive risk.

pub mod engine;
pub mod plan;
mod rng;
pub mod stats;

use serde::Serialize;

use crate::model::Keyed;
use crate::scenario::{Intervention, Scenario};
use engine::{Draws, Extras, NONE};
use plan::{IvPlan, Plan};
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
}

/// Where a result comes from (printed on every result).
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// Seed.
    pub seed: u64,
    /// Draws.
    pub draws: u64,
    /// Engine version.
    pub engine: String,
    /// Knowledge-base hash.
    pub knowledge_base: String,
    /// Scenario hash.
    pub scenario: String,
}

/// PV statistics of one key (SPEC §7).
#[derive(Debug, Clone, Serialize)]
pub struct PvStats {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1).
    pub sd: f64,
    /// Percentiles.
    pub p1: f64,
    #[allow(missing_docs)]
    pub p5: f64,
    #[allow(missing_docs)]
    pub p10: f64,
    #[allow(missing_docs)]
    pub p25: f64,
    #[allow(missing_docs)]
    pub p50: f64,
    #[allow(missing_docs)]
    pub p75: f64,
    #[allow(missing_docs)]
    pub p90: f64,
    #[allow(missing_docs)]
    pub p95: f64,
    #[allow(missing_docs)]
    pub p99: f64,
    /// The central interval.
    pub interval: [f64; 2],
    /// P(PV > 0).
    pub p_positive: f64,
    /// The deterministic PV (the scenario's inputs), for reference.
    pub deterministic: f64,
}

/// Break-even year statistics of one key (SPEC §7), over the draws that break even.
#[derive(Debug, Clone, Serialize)]
pub struct BeStats {
    /// 10th percentile (calendar year, interpolated).
    pub p10: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Share of draws with no break-even in the horizon.
    pub share_none: f64,
    /// Last year of the horizon.
    pub horizon_end: i32,
}

/// One combination of actors that gain and lose, with its probability.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// Keys with PV > 0.
    pub gains: Vec<String>,
    /// Keys with PV ≤ 0.
    pub loses: Vec<String>,
    /// Share of draws.
    pub share: f64,
}

/// Split-incentive risk: an actor loses while the public sector as a whole gains.
#[derive(Debug, Clone, Serialize)]
pub struct SplitIncentive {
    /// Per actor: P(actor PV ≤ 0 and total PV > 0).
    pub loses_while_total_gains: Keyed<f64>,
    /// Every combination that occurs, most likely first.
    pub patterns: Vec<Pattern>,
}

/// The success rate needed for a chosen chance of breaking even.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredAtConfidence {
    /// The chance, e.g. 0.8.
    pub confidence: f64,
    /// Per key; `null` when no success rate in any range gives that chance.
    pub success_rate: Keyed<Option<f64>>,
}

/// A histogram of the total PV (for the report's chart): equal bins between the 0.5th and
/// 99.5th percentiles; draws outside go to the end bins.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    /// Bin edges (bins + 1).
    pub edges: Vec<f64>,
    /// Draws per bin.
    pub counts: Vec<u64>,
}

/// Low end, median and high end of one year's net (undiscounted kroner).
#[derive(Debug, Clone, Serialize)]
pub struct YearRange {
    /// Low end of the interval (the budget minimum).
    pub low: f64,
    /// Median.
    pub p50: f64,
    /// High end.
    pub high: f64,
}

impl YearRange {
    /// The central `interval` and median of `n` values.
    fn of(n: usize, get: impl Fn(usize) -> f32, interval: f64) -> YearRange {
        let tail = 0.5 * (1.0 - interval);
        let q = percentiles(n, get, &[tail, 0.5, 1.0 - tail]);
        YearRange {
            low: q[0],
            p50: q[1],
            high: q[2],
        }
    }
}

/// One budget year.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetYear {
    /// Calendar year.
    pub year: i32,
    /// Per key.
    pub net: Keyed<YearRange>,
}

/// The Monte Carlo result of one intervention (SPEC §7 `soem mc`, plus more).
#[derive(Debug, Clone, Serialize)]
pub struct McResult {
    /// Intervention id.
    pub id: String,
    /// Draws.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Central interval.
    pub interval: f64,
    /// PV statistics per key.
    pub pv: Keyed<PvStats>,
    /// Break-even year statistics per key.
    pub break_even_year: Keyed<BeStats>,
    /// Split-incentive risk (when the scenario has at most 9 actors).
    pub split_incentive: Option<SplitIncentive>,
    /// The required success rate at a confidence (when asked for).
    pub required_success_rate: Option<RequiredAtConfidence>,
    /// Per-year net ranges (when asked for).
    pub by_year: Option<Vec<BudgetYear>>,
    /// Histogram of the total PV.
    pub histogram: Histogram,
    /// Share of draws breaking even in each horizon year (total), `[year, share]`.
    pub break_even_distribution: Vec<(i32, f64)>,
    /// The uncertain inputs drawn.
    pub inputs: Vec<String>,
    /// Items with illustrative numbers.
    pub illustrative: Vec<String>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
}

/// Checks the options.
pub fn check(opt: &Options) -> Result<(), String> {
    if opt.draws < 2 {
        return Err(format!("draws must be at least 2 (got {})", opt.draws));
    }
    crate::limits::DRAWS.check(opt.draws)?;
    if !(opt.interval > 0.0 && opt.interval < 1.0) {
        return Err(format!(
            "the interval must be a share between 0 and 1 such as 0.9, got {}",
            opt.interval
        ));
    }
    if let Some(c) = opt.confidence
        && !(c > 0.0 && c < 1.0)
    {
        return Err(format!(
            "the confidence must be a share between 0 and 1 such as 0.8, got {c}"
        ));
    }
    Ok(())
}

/// The memory a run may use for its stored draws, in GiB, unless `SOEM_MAX_MEMORY_GB` says
/// otherwise.
pub const MAX_MEMORY_GB: f64 = 8.0;

/// Refuses, before any work, a run whose stored draws would need more than the memory limit:
/// 5 bytes per draw and key, plus 4 per draw, key and year with per-year ranges.
pub fn check_memory(plan: &Plan, draws: u64, by_year: bool) -> Result<(), String> {
    let per_draw: f64 = plan
        .ivs
        .iter()
        .map(|p| {
            let k = p.keys.len() as f64;
            5.0 * k
                + if by_year {
                    4.0 * k * p.horizon as f64
                } else {
                    0.0
                }
        })
        .sum();
    let limit = std::env::var("SOEM_MAX_MEMORY_GB")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0)
        .unwrap_or(MAX_MEMORY_GB);
    let need = per_draw * draws as f64 / f64::from(1u32 << 30);
    if need > limit {
        let most = (limit * f64::from(1u32 << 30) / per_draw).floor();
        return Err(format!(
            "{draws} draws would keep {need:.1} GiB of results, more than the limit of {limit} GiB; \
             use at most {most:.0} draws{}, or raise the limit with the environment variable \
             SOEM_MAX_MEMORY_GB",
            if by_year {
                " (or leave out the per-year ranges)"
            } else {
                ""
            }
        ));
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

fn probs(interval: f64) -> Vec<f64> {
    let tail = 0.5 * (1.0 - interval);
    let mut p: Vec<f64> = PERCENTILES.iter().map(|p| f64::from(*p) / 100.0).collect();
    p.extend([tail, 1.0 - tail]);
    p
}

/// The percentiles between which the histogram's bins lie.
const HISTOGRAM_RANGE: [f64; 2] = [0.005, 0.995];

/// The percentiles of entry `at`'s residuals: [`probs`], then for `with_range` the
/// [`HISTOGRAM_RANGE`] (one pass over the draws serves the statistics and the histogram).
fn residual_percentiles(d: &Draws, at: usize, interval: f64, with_range: bool) -> Vec<f64> {
    let r = d.residuals(at);
    let mut p = probs(interval);
    if with_range {
        p.extend(HISTOGRAM_RANGE);
    }
    percentiles(d.n, |i| r[i], &p)
}

/// PV statistics of entry `at` of the draws, from its [`residual_percentiles`] `q`.
fn pv_stats(d: &Draws, at: usize, q: &[f64], centre: f64) -> PvStats {
    let n = d.n as f64;
    let mean_r = d.sum[at] / n;
    let var = ((d.sum_sq[at] - d.sum[at] * mean_r) / (n - 1.0)).max(0.0);
    let c = |i: usize| centre + q[i];
    PvStats {
        mean: centre + mean_r,
        sd: var.sqrt(),
        p1: c(0),
        p5: c(1),
        p10: c(2),
        p25: c(3),
        p50: c(4),
        p75: c(5),
        p90: c(6),
        p95: c(7),
        p99: c(8),
        interval: [c(9), c(10)],
        p_positive: d.positive[at] as f64 / n,
        deterministic: centre,
    }
}

/// How many draws of entry `at` have each break-even code (index in the horizon or [`NONE`]).
fn be_counts(d: &Draws, at: usize) -> [u64; 256] {
    // four interleaved tables: most draws share a few codes, and one table would make every
    // increment wait for the previous one to the same counter
    let mut part = [[0u32; 256]; 4];
    let codes = d.break_evens(at);
    let mut quads = codes.chunks_exact(4);
    for q in &mut quads {
        for (t, b) in part.iter_mut().zip(q) {
            t[*b as usize] += 1;
        }
    }
    for b in quads.remainder() {
        part[0][*b as usize] += 1;
    }
    std::array::from_fn(|c| part.iter().map(|t| u64::from(t[c])).sum())
}

/// Break-even-year statistics from an entry's [`be_counts`].
fn be_stats(d: &Draws, counts: &[u64; 256], start: i32, horizon: usize) -> BeStats {
    let mut counts = *counts;
    let none = counts[NONE as usize];
    counts[NONE as usize] = 0;
    let q = code_percentiles(&counts, &[0.1, 0.5, 0.9]);
    let year = |v: Option<f64>| v.map(|v| f64::from(start) + v);
    BeStats {
        p10: year(q[0]),
        p50: year(q[1]),
        p90: year(q[2]),
        share_none: none as f64 / d.n as f64,
        horizon_end: start + horizon as i32 - 1,
    }
}

fn split(keys: &[String], counts: &[u64], n: usize) -> Option<SplitIncentive> {
    if counts.is_empty() {
        return None;
    }
    let n = n as f64;
    let mut lose = Vec::new();
    for (k, key) in keys.iter().enumerate().skip(1) {
        let c: u64 = counts
            .iter()
            .enumerate()
            .filter(|(m, _)| m & 1 == 1 && m & (1 << k) == 0)
            .map(|(_, c)| c)
            .sum();
        lose.push((key.clone(), c as f64 / n));
    }
    let mut patterns: Vec<Pattern> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(m, c)| Pattern {
            gains: (0..keys.len())
                .filter(|k| m & (1 << k) != 0)
                .map(|k| keys[k].clone())
                .collect(),
            loses: (0..keys.len())
                .filter(|k| m & (1 << k) == 0)
                .map(|k| keys[k].clone())
                .collect(),
            share: *c as f64 / n,
        })
        .collect();
    patterns.sort_by(|a, b| b.share.total_cmp(&a.share));
    Some(SplitIncentive {
        loses_while_total_gains: Keyed(lose),
        patterns,
    })
}

/// The success rate that gives a chance `conf` of PV ≥ 0, per key, from per-draw (PV at s = 0,
/// slope) pairs. A draw with slope > 0 breaks even from s = −PV₀/slope on; with slope ≤ 0 it
/// counts as breaking even at every rate if PV₀ ≥ 0 and slope = 0, else at none. The answer is
/// the order statistic of those thresholds, unclamped (above 1: unattainable).
fn required(pairs: &[(f64, f64)], keys: &[String], conf: f64) -> Keyed<Option<f64>> {
    let k_n = keys.len();
    let n = pairs.len() / k_n;
    let need = ((conf * n as f64).ceil() as usize).clamp(1, n);
    Keyed(
        keys.iter()
            .enumerate()
            .map(|(k, key)| {
                let mut th: Vec<f64> = (0..n)
                    .map(|i| {
                        let (pv0, g) = pairs[i * k_n + k];
                        if g > 0.0 {
                            -pv0 / g
                        } else if g == 0.0 && pv0 >= 0.0 {
                            f64::NEG_INFINITY
                        } else {
                            f64::INFINITY
                        }
                    })
                    .collect();
                th.sort_unstable_by(|a, b| a.total_cmp(b));
                let v = th[need - 1];
                (key.clone(), v.is_finite().then_some(v))
            })
            .collect(),
    )
}

fn by_year(d: &Draws, plan: &Plan, j: usize, interval: f64) -> Vec<BudgetYear> {
    let p = &plan.ivs[j];
    (0..p.horizon)
        .map(|t| BudgetYear {
            year: p.start_year + t as i32,
            net: Keyed(
                p.keys
                    .iter()
                    .enumerate()
                    .map(|(k, key)| {
                        let at = d.year_offsets[j] + k * p.horizon + t;
                        let r = YearRange::of(d.n, |i| d.by_year[i * d.year_row + at], interval);
                        (key.clone(), r)
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// A 40-bin histogram of the total PV between `range`, its residuals' 0.5 % and 99.5 %
/// percentiles; draws outside go to the end bins.
fn histogram(d: &Draws, p: &IvPlan, off: usize, range: [f64; 2]) -> Histogram {
    const BINS: usize = 40;
    let [lo, hi] = range;
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let width = (hi - lo) / BINS as f64;
    // integer counts: the parts add up to the same whatever the split
    let counts = d
        .residuals(off)
        .par_chunks(1 << 16)
        .map(|part| {
            let mut counts = [0u64; BINS];
            for r in part {
                // truncation after clamping at 0 is floor for the bins (NaN → 0 either way),
                // without a call to `floor` per draw
                let b = ((((f64::from(*r) - lo) / width).max(0.0)) as usize).min(BINS - 1);
                counts[b] += 1;
            }
            counts
        })
        .reduce(
            || [0u64; BINS],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    Histogram {
        edges: (0..=BINS)
            .map(|b| p.centre[0] + lo + b as f64 * width)
            .collect(),
        counts: counts.to_vec(),
    }
}

/// The share of draws breaking even in each horizon year, from the total's [`be_counts`].
fn break_even_distribution(d: &Draws, p: &IvPlan, counts: &[u64; 256]) -> Vec<(i32, f64)> {
    counts[..p.horizon.min(NONE as usize)]
        .iter()
        .enumerate()
        .map(|(t, c)| (p.start_year + t as i32, *c as f64 / d.n as f64))
        .collect()
}

/// The result of intervention j from a run's draws.
fn summarise(
    sc: &Scenario,
    plan: &Plan,
    d: &Draws,
    j: usize,
    opt: &Options,
    stamp: &Provenance,
) -> McResult {
    let p = &plan.ivs[j];
    let off = d.offsets[j];
    // each key's percentiles and break-even counts are independent passes over the stored
    // draws: run them in parallel (each is deterministic); the rest is built from them
    fn per_key<T: Send>(keys: &[String], f: impl Fn(usize) -> T + Sync) -> Vec<T> {
        (0..keys.len()).into_par_iter().map(&f).collect()
    }
    fn keyed<T>(keys: &[String], v: Vec<T>) -> Keyed<T> {
        Keyed(keys.iter().cloned().zip(v).collect())
    }
    let (q, be) = rayon::join(
        || {
            per_key(&p.keys, |k| {
                residual_percentiles(d, off + k, opt.interval, k == 0)
            })
        },
        || per_key(&p.keys, |k| be_counts(d, off + k)),
    );
    let break_even_distribution = break_even_distribution(d, p, &be[0]);
    let be = be
        .iter()
        .map(|c| be_stats(d, c, p.start_year, p.horizon))
        .collect();
    let pv = keyed(
        &p.keys,
        q.iter()
            .enumerate()
            .map(|(k, q)| pv_stats(d, off + k, q, p.centre[k]))
            .collect(),
    );
    let total = &q[0];
    let histogram = histogram(d, p, off, [total[total.len() - 2], total[total.len() - 1]]);
    let required_success_rate = opt.confidence.map(|conf| RequiredAtConfidence {
        confidence: conf,
        success_rate: required(&engine::affine_draws(plan, j, d.n, opt.seed), &p.keys, conf),
    });
    McResult {
        id: p.id.clone(),
        draws: opt.draws,
        seed: opt.seed,
        interval: opt.interval,
        pv,
        break_even_year: keyed(&p.keys, be),
        split_incentive: split(&p.keys, &d.patterns[j], d.n),
        required_success_rate,
        by_year: (d.year_row > 0).then(|| by_year(d, plan, j, opt.interval)),
        histogram,
        break_even_distribution,
        inputs: plan
            .slots
            .iter()
            .filter(|s| slot_used(p, plan, s))
            .cloned()
            .collect(),
        illustrative: sc.illustrative_items(&p.id),
        provenance: stamp.clone(),
    }
}

fn slot_used(p: &plan::IvPlan, plan: &Plan, name: &str) -> bool {
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
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<McResult>, String> {
    check(opt)?;
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    let plan = Plan::new(sc, &ivs)?;
    check_memory(&plan, opt.draws, opt.by_year)?;
    let extras = Extras {
        by_year: opt.by_year,
    };
    let d = engine::run(&plan, opt.draws as usize, opt.seed, extras, progress);
    crate::interrupt::check()?;
    let stamp = provenance(sc, kb_hash, opt);
    let results = (0..plan.ivs.len())
        .map(|j| summarise(sc, &plan, &d, j, opt, &stamp))
        .collect();
    crate::interrupt::check()?;
    Ok(results)
}

/// One pair of interventions compared on the total PV.
#[derive(Debug, Clone, Serialize)]
pub struct PairResult {
    /// First intervention.
    pub a: String,
    /// Second intervention.
    pub b: String,
    /// P(PV_a > PV_b), ties counted half.
    pub p_a_better: f64,
    /// The intersection of the two intervals, or `null`.
    pub interval_overlap: Option<[f64; 2]>,
    /// Length of the intersection ÷ length of the union of the two intervals (0 when disjoint,
    /// 1 when identical).
    pub overlap_share: f64,
    /// The intervention with the higher best estimate (deterministic PV).
    pub best_estimate: String,
    /// P(choosing the wrong one when picking `best_estimate`).
    pub wrong_choice_risk: f64,
}

/// The budget minimum of several interventions together.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// Interventions summed.
    pub interventions: Vec<String>,
    /// Low end of the interval of the summed total PV (joint draws).
    pub low: f64,
    /// High end.
    pub high: f64,
    /// Sum of the individual low ends (too conservative).
    pub sum_of_lows: f64,
    /// Per key: low end of the summed PV.
    pub low_by_key: Keyed<f64>,
    /// Per calendar year and key: the range of the summed undiscounted net.
    pub by_year: Vec<BudgetYear>,
    /// Warnings (overlapping target groups).
    pub warnings: Vec<String>,
}

/// `soem compare`: pairs, portfolio and every intervention's own result.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Every pair (a before b in file order).
    pub pairs: Vec<PairResult>,
    /// The portfolio.
    pub portfolio: Portfolio,
    /// Each intervention's Monte Carlo result (from the same joint draws).
    pub interventions: Vec<McResult>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
}

/// Compares two or more interventions with paired draws, and sums them as a portfolio.
pub fn compare(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, String> {
    check(opt)?;
    if sc.interventions.len() < 2 {
        return Err(format!(
            "compare needs two or more [[intervention]] tables in the file; {} has {}",
            sc.path.display(),
            sc.interventions.len()
        ));
    }
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    let plan = Plan::new(sc, &ivs)?;
    check_memory(&plan, opt.draws, true)?;
    let d = engine::run(
        &plan,
        opt.draws as usize,
        opt.seed,
        Extras { by_year: true },
        progress,
    );
    crate::interrupt::check()?;
    let stamp = provenance(sc, kb_hash, opt);
    let results: Vec<McResult> = (0..plan.ivs.len())
        .map(|j| summarise(sc, &plan, &d, j, opt, &stamp))
        .collect();
    let n = d.n;
    let total_of = |j: usize, i: usize| -> f64 {
        plan.ivs[j].centre[0] + f64::from(d.residuals(d.offsets[j])[i])
    };
    let mut pairs = Vec::new();
    for a in 0..plan.ivs.len() {
        for b in a + 1..plan.ivs.len() {
            let mut better = 0.0;
            for i in 0..n {
                let (x, y) = (total_of(a, i), total_of(b, i));
                if x > y {
                    better += 1.0;
                } else if x == y {
                    better += 0.5;
                }
            }
            let p = better / n as f64;
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
    // portfolio
    let keys = &plan.ivs[0].keys;
    let tail = 0.5 * (1.0 - opt.interval);
    let sum_pv = |k: usize| -> Vec<f32> {
        (0..n)
            .map(|i| {
                plan.ivs
                    .iter()
                    .enumerate()
                    .map(|(j, p)| p.centre[k] + f64::from(d.residuals(d.offsets[j] + k)[i]))
                    .sum::<f64>() as f32
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
    let first = plan.ivs.iter().map(|p| p.start_year).min().unwrap_or(0);
    let last = plan
        .ivs
        .iter()
        .map(|p| p.start_year + p.horizon as i32 - 1)
        .max()
        .unwrap_or(first);
    let by_year = (first..=last)
        .map(|year| BudgetYear {
            year,
            net: Keyed(
                keys.iter()
                    .enumerate()
                    .map(|(k, key)| {
                        let v: Vec<f32> = (0..n)
                            .map(|i| {
                                let mut s = 0.0f64;
                                for (j, p) in plan.ivs.iter().enumerate() {
                                    let t = year - p.start_year;
                                    if t >= 0 && (t as usize) < p.horizon {
                                        let at = d.year_offsets[j] + k * p.horizon + t as usize;
                                        s += f64::from(d.by_year[i * d.year_row + at]);
                                    }
                                }
                                s as f32
                            })
                            .collect();
                        (key.clone(), YearRange::of(n, |i| v[i], opt.interval))
                    })
                    .collect(),
            ),
        })
        .collect();
    let mut warnings = Vec::new();
    for (a, x) in sc.interventions.iter().enumerate() {
        for y in &sc.interventions[a + 1..] {
            if let (Some(g), Some(h)) = (&x.target_group, &y.target_group)
                && g == h
            {
                warnings.push(format!(
                    "{} and {} have the same target group ({g}): if they reach the same citizens, \
                     the portfolio counts the same gains twice",
                    x.id, y.id
                ));
            }
        }
    }
    let portfolio = Portfolio {
        interventions: plan.ivs.iter().map(|p| p.id.clone()).collect(),
        low: low_by_key[0].1,
        high: low_by_key[0].2,
        sum_of_lows: results.iter().map(|r| r.pv.0[0].1.interval[0]).sum(),
        low_by_key: Keyed(low_by_key.iter().map(|(k, l, _)| (k.clone(), *l)).collect()),
        by_year,
        warnings,
    };
    Ok(Comparison {
        pairs,
        portfolio,
        interventions: results,
        provenance: stamp,
    })
}

#[cfg(test)]
mod tests;
