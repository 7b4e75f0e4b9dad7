//! From stored draws to statistics: percentiles, mean and sd, P(PV > 0), break-even counts and
//! their percentiles, the split incentive, the required rate at a confidence, per-year ranges and
//! the histogram — each key's summary in parallel.

use super::*;

fn probs(interval: f64) -> Vec<f64> {
    let tail = 0.5 * (1.0 - interval);
    let mut p: Vec<f64> = PERCENTILES.iter().map(|p| f64::from(*p) / 100.0).collect();
    p.extend([tail, 1.0 - tail]);
    p
}

/// The percentiles between which the histogram's bins lie.
const HISTOGRAM_RANGE: [f64; 2] = [0.005, 0.995];

/// Points of the risk profile (the cumulative distribution of a key's PV): 101 probabilities
/// evenly from 0.5 % to 99.5 %, each with the PV at that percentile.
pub const CDF_POINTS: usize = 101;

fn cdf_probs() -> impl Iterator<Item = f64> {
    let [lo, hi] = HISTOGRAM_RANGE;
    (0..CDF_POINTS).map(move |i| lo + (hi - lo) * i as f64 / (CDF_POINTS - 1) as f64)
}

/// The percentiles of entry `at`'s residuals: [`probs`], the [`CDF_POINTS`] of the risk profile,
/// then for `with_range` the [`HISTOGRAM_RANGE`] (one pass over the draws serves the statistics,
/// the risk profile and the histogram).
fn residual_percentiles(d: &Draws, at: usize, interval: f64, with_range: bool) -> Vec<f64> {
    let r = d.residuals(at);
    let mut p = probs(interval);
    p.extend(cdf_probs());
    p.extend(precision_probs(interval, d.n));
    if with_range {
        p.extend(HISTOGRAM_RANGE);
    }
    percentiles(d.n, |i| r[i], &p)
}

/// The probabilities q ± δ around each interval end q, δ = √(q(1 − q)/n) ([`Precision`]).
fn precision_probs(interval: f64, n: usize) -> [f64; 4] {
    let tail = 0.5 * (1.0 - interval);
    let delta = (tail * (1.0 - tail) / n.max(1) as f64).sqrt();
    [
        tail - delta,
        tail + delta,
        1.0 - tail - delta,
        1.0 - tail + delta,
    ]
}

/// The precision of entry `at`'s estimates under Latin hypercube sampling, whose draws are not
/// independent: every whole chunk is an independent Latin hypercube of 2,048 draws, so the
/// standard errors come from the spread of the chunks' own mean, share of gains and interval
/// ends (batch means: sd over the k chunks / √k). With fewer than two whole chunks the random
/// sampling formulas stand (Latin hypercube is rarely less precise).
fn replicate_precision(
    d: &Draws,
    at: usize,
    (interval, centre): (f64, f64),
    random: Precision,
) -> Precision {
    let k = d.n / engine::CHUNK;
    if k < 2 {
        return random;
    }
    let tail = 0.5 * (1.0 - interval);
    let r = d.residuals(at);
    let per: Vec<[f64; 4]> = (0..k)
        .into_par_iter()
        .map(|c| {
            let part = &r[c * engine::CHUNK..(c + 1) * engine::CHUNK];
            let n = part.len() as f64;
            let mean = part.iter().map(|x| f64::from(*x)).sum::<f64>() / n;
            let gains = part
                .iter()
                .filter(|x| centre + f64::from(**x) > 0.0)
                .count();
            // the two interval ends by selection (numpy's linear rule), not a full sort
            let mut v = part.to_vec();
            let mut at = |p: f64| -> f64 {
                let h = (part.len() - 1) as f64 * p;
                let lo = h.floor() as usize;
                let a = f64::from(*v.select_nth_unstable_by(lo, f32::total_cmp).1);
                let b = if lo + 1 < part.len() {
                    f64::from(*v.select_nth_unstable_by(lo + 1, f32::total_cmp).1)
                } else {
                    a
                };
                a + (h - lo as f64) * (b - a)
            };
            let (q0, q1) = (at(tail), at(1.0 - tail));
            [mean, gains as f64 / n, q0, q1]
        })
        .collect();
    let se = |i: usize| -> f64 {
        let m = per.iter().map(|v| v[i]).sum::<f64>() / k as f64;
        let var = per.iter().map(|v| (v[i] - m).powi(2)).sum::<f64>() / (k - 1) as f64;
        (var / k as f64).sqrt()
    };
    Precision {
        mean_se: se(0),
        p_positive_se: se(1),
        interval_se: [se(2), se(3)],
    }
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
        cdf: cdf_probs()
            .enumerate()
            .map(|(i, prob)| [c(11 + i), prob])
            .collect(),
        precision: {
            let e = 11 + CDF_POINTS;
            let p = d.positive[at] as f64 / n;
            Precision {
                mean_se: (var / n).sqrt(),
                p_positive_se: (p * (1.0 - p) / n).sqrt(),
                interval_se: [0.5 * (q[e + 1] - q[e]), 0.5 * (q[e + 3] - q[e + 2])],
            }
        },
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

fn by_year(d: &Draws, ranges: &[YearRange], plan: &Plan, j: usize) -> Vec<BudgetYear> {
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
                        (key.clone(), ranges[at].clone())
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// A 40-bin histogram of the total PV between `range`, its residuals' 0.5 % and 99.5 %
/// percentiles; draws outside go to the end bins.
fn histogram(d: &Draws, p: &InterventionPlan, off: usize, range: [f64; 2]) -> Histogram {
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
fn break_even_distribution(
    d: &Draws,
    p: &InterventionPlan,
    counts: &[u64; 256],
) -> Vec<(i32, f64)> {
    counts[..p.horizon.min(NONE as usize)]
        .iter()
        .enumerate()
        .map(|(t, c)| (p.start_year + t as i32, *c as f64 / d.n as f64))
        .collect()
}

/// The result of intervention j from a run's draws.
pub(super) fn summarise(
    sc: &Scenario,
    plan: &Plan,
    d: &Draws,
    ranges: &[YearRange],
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
            .map(|(k, q)| {
                let mut s = pv_stats(d, off + k, q, p.centre[k]);
                if plan.lhs {
                    let at = (opt.interval, p.centre[k]);
                    s.precision = replicate_precision(d, off + k, at, s.precision);
                }
                s
            })
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
        by_year: (d.year_row > 0).then(|| by_year(d, ranges, plan, j)),
        histogram,
        correlation: None,
        auto: None,
        rank_sensitivity: (opt.sensitivity && plan.copula.is_some()).then(|| {
            keyed(
                &p.keys,
                super::anova::rank_sensitivity(plan, d, j, opt.seed),
            )
        }),
        // Sobol indices need independent inputs: with correlations they are not defined
        sensitivity: (opt.sensitivity && plan.copula.is_none())
            .then(|| keyed(&p.keys, per_key(&p.keys, |k| super::anova::sobol(p, k)))),
        // set by `run` (a comparison's decision is the comparison's)
        value_of_information: None,
        at_least: opt.at_least.map(|amount| {
            // the draws with total PV ≥ amount: residual ≥ amount − deterministic PV
            let t = amount - p.centre[0];
            let k: usize = d
                .residuals(off)
                .par_chunks(1 << 16)
                .map(|part| part.iter().filter(|r| f64::from(**r) >= t).count())
                .sum();
            AtLeast {
                amount,
                p: k as f64 / d.n as f64,
            }
        }),
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
