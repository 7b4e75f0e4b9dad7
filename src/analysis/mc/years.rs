//! Per-year ranges (the budget years of `--by-year`, and a portfolio's) without keeping every
//! year of every draw.
//!
//! A per-year *column* is one key's undiscounted net in one year, over the draws: an
//! intervention's (`--by-year`) or the portfolio's (summed over the interventions). Its range
//! is three exact percentiles (the interval's ends and the median, numpy's linear rule, as
//! [`super::stats::percentiles`]). Keeping every column of every draw costs 4 bytes × draws × keys ×
//! years (387 MiB for mc40 at 1,000,000 draws), so the engine keeps, per column, only the values
//! inside a few *brackets* and counts the ones below each:
//!
//! 1. A pilot: the run's first draws (the same draws: they depend on the seed and chunk only),
//!    every value kept. Around each wanted percentile, the pilot's order statistics give a
//!    bracket wide enough (4.5 standard errors of the sample quantile, and more) that the full
//!    run's order statistic lies inside it all but about once in a hundred thousand.
//! 2. The run: per column and bracket, the count of values below it and the values inside.
//!    The wanted order statistic of rank r is the (r − below)-th smallest kept value when
//!    below ≤ r < below + kept — known for certain after the run, so the answer is exact.
//! 3. The rare column whose bracket missed is run again keeping all of its values.
//!
//! When all values fit in [`KEEP_ALL_BYTES`] (every run of up to about 10,000 draws, e.g.) the
//! run keeps everything, in draw order, and there is no pilot.

use rayon::prelude::*;

use super::engine::{self, Draws, Isa, Outputs};
use super::plan::Plan;
use super::result::YearRange;
use super::stats::{interpolate, key, percentiles};
use crate::observer::Observer;

/// Above this many bytes of per-year values the run keeps brackets instead of every value.
pub const KEEP_ALL_BYTES: usize = 64 << 20;
/// The pilot's draws: at most this many …
const PILOT_MAX: usize = 16 * engine::CHUNK;
/// … and its values at most this many bytes.
const PILOT_BYTES: usize = 32 << 20;
/// A bracket's half-width in standard errors of the pilot's sample quantile.
const SPREAD: f64 = 4.5;

/// Which values of each column to keep: per column, key intervals `[lo, hi]` (of
/// the order-preserving `f32` key of the percentiles); values below an interval are counted for it.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    /// Per column, its intervals.
    pub intervals: Vec<Vec<(u32, u32)>>,
    /// Per column and interval, about how many values it will keep (room made at the start).
    pub expect: Vec<Vec<usize>>,
}

impl Keep {
    /// Every value of `columns` columns of `n` draws.
    pub fn all(columns: usize, n: usize) -> Keep {
        Keep {
            intervals: vec![vec![(0, u32::MAX)]; columns],
            expect: vec![vec![n]; columns],
        }
    }
}

/// What a run kept: per column and interval the count of values below it and the values in it
/// (in draw order within a chunk, chunks in order).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Per column and interval: values below.
    pub below: Vec<Vec<u64>>,
    /// Per column and interval: the values in it.
    pub kept: Vec<Vec<Vec<f32>>>,
}

impl Tally {
    /// Nothing yet, for `keep`'s columns.
    pub fn empty(keep: &Keep) -> Tally {
        Tally {
            below: keep.intervals.iter().map(|i| vec![0; i.len()]).collect(),
            kept: keep
                .intervals
                .iter()
                .map(|i| vec![Vec::new(); i.len()])
                .collect(),
        }
    }

    /// Nothing yet, with room for what `keep` expects.
    pub fn reserved(keep: &Keep) -> Tally {
        let mut t = Tally::empty(keep);
        for (kept, expect) in t.kept.iter_mut().zip(&keep.expect) {
            for (v, e) in kept.iter_mut().zip(expect) {
                v.reserve_exact(*e);
            }
        }
        t
    }

    /// Counts or keeps value `v` of column `c`.
    #[inline(always)]
    pub fn add(&mut self, keep: &Keep, c: usize, v: f32) {
        let k = key(v);
        for (i, &(lo, hi)) in keep.intervals[c].iter().enumerate() {
            self.below[c][i] += u64::from(k < lo);
            if k >= lo && k <= hi {
                self.kept[c][i].push(v);
            }
        }
    }

    /// Adds `other` (another chunk's) to this one.
    pub fn append(&mut self, other: Tally) {
        for (a, b) in self.below.iter_mut().zip(other.below) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.kept.iter_mut().zip(other.kept) {
            for (x, y) in a.iter_mut().zip(b) {
                if x.is_empty() && x.capacity() < y.len() {
                    *x = y;
                } else {
                    x.extend_from_slice(&y);
                }
            }
        }
    }
}

/// The number of per-year columns of a run: each intervention's keys × horizon with
/// `by_year`, then the portfolio's keys × years.
pub fn columns(plan: &Plan, extras: Outputs) -> usize {
    let own: usize = if extras.by_year {
        plan.ivs.iter().map(|p| p.keys.len() * p.horizon).sum()
    } else {
        0
    };
    own + extras
        .portfolio_years
        .map_or(0, |(_, years)| plan.ivs[0].keys.len() * years)
}

/// About the bytes the per-year values of `cols` columns over `n` draws take: all of them up
/// to [`KEEP_ALL_BYTES`], else the pilot's and the brackets' (a tenth of the values at most for
/// runs of 30,000 draws and more).
pub fn bytes(n: usize, cols: usize) -> f64 {
    let all = n as f64 * cols as f64 * 4.0;
    if all <= KEEP_ALL_BYTES as f64 {
        all
    } else {
        PILOT_BYTES as f64 + 0.12 * all
    }
}

/// The probabilities of a year's range: the central `interval`'s ends and the median.
fn probs(interval: f64) -> [f64; 3] {
    let tail = 0.5 * (1.0 - interval);
    [tail, 0.5, 1.0 - tail]
}

/// Runs the engine (as [`engine::run`]) and the per-year ranges of every column
/// ([`columns`]), exact, keeping at most a pilot's and the brackets' values.
pub fn run(
    plan: &Plan,
    n: usize,
    seed: u64,
    extras: Outputs,
    interval: f64,
    observer: &dyn Observer,
    isa: Isa,
) -> (Draws, Vec<YearRange>) {
    run_with(
        plan,
        (n, seed, extras, interval),
        observer,
        isa,
        (KEEP_ALL_BYTES, SPREAD),
    )
}

/// [`run`] with the threshold for keeping everything and the brackets' spread given (tests
/// narrow them to reach every path).
pub(super) fn run_with(
    plan: &Plan,
    (n, seed, extras, interval): (usize, u64, Outputs, f64),
    observer: &dyn Observer,
    isa: Isa,
    (keep_all_bytes, spread): (usize, f64),
) -> (Draws, Vec<YearRange>) {
    let cols = columns(plan, extras);
    if cols == 0 {
        let d = engine::run(plan, n, seed, extras, &Keep::default(), observer, isa);
        return (d, Vec::new());
    }
    let probs = probs(interval);
    let keep = if n.saturating_mul(cols).saturating_mul(4) <= keep_all_bytes {
        Keep::all(cols, n)
    } else {
        let m = pilot_draws(cols, n);
        let pilot = engine::run(
            plan,
            m,
            seed,
            extras,
            &Keep::all(cols, m),
            &crate::observer::Quiet,
            isa,
        );
        brackets(&pilot.years, (m, n), &probs, spread)
    };
    let mut d = engine::run(plan, n, seed, extras, &keep, observer, isa);
    let mut tally = std::mem::take(&mut d.years);
    let mut ranges: Vec<Option<YearRange>> = tally
        .kept
        .par_iter_mut()
        .zip(&tally.below)
        .map(|(kept, below)| resolve(kept, below, n, &probs))
        .collect();
    let missed: Vec<usize> = (0..cols).filter(|c| ranges[*c].is_none()).collect();
    if !missed.is_empty() && !observer.cancelled() {
        // the rare bracket that missed: those columns again, every value kept
        let mut again = Keep {
            intervals: vec![Vec::new(); cols],
            expect: vec![Vec::new(); cols],
        };
        for &c in &missed {
            again.intervals[c] = vec![(0, u32::MAX)];
            again.expect[c] = vec![n];
        }
        let mut e = engine::run(plan, n, seed, extras, &again, &crate::observer::Quiet, isa);
        for &c in &missed {
            ranges[c] = resolve(&mut e.years.kept[c], &e.years.below[c], n, &probs);
        }
    }
    let nan = YearRange {
        low: f64::NAN,
        p50: f64::NAN,
        high: f64::NAN,
    };
    (
        d,
        ranges
            .into_iter()
            .map(|r| r.unwrap_or_else(|| nan.clone()))
            .collect(),
    )
}

/// The pilot's draws for `cols` columns and a run of `n`: whole chunks, within
/// [`PILOT_BYTES`] and a sixteenth of the run.
fn pilot_draws(cols: usize, n: usize) -> usize {
    let fit = (PILOT_BYTES / (4 * cols)).min(n / 16) / engine::CHUNK * engine::CHUNK;
    fit.clamp(engine::CHUNK, PILOT_MAX).min(n)
}

/// Brackets from a pilot of `m` draws (every value kept, `tally`) for a run of `n` draws: per
/// column one key interval per wanted percentile, merged where they overlap.
fn brackets(pilot: &Tally, (m, n): (usize, usize), probs: &[f64], spread: f64) -> Keep {
    let (intervals, expect): (Vec<_>, Vec<_>) = pilot
        .kept
        .par_iter()
        .map(|kept| {
            let mut v: Vec<u32> = kept[0].iter().map(|x| key(*x)).collect();
            v.sort_unstable();
            let at = |q: f64| v[((q.clamp(0.0, 1.0) * (m - 1) as f64) as usize).min(m - 1)];
            let mut out: Vec<(u32, u32)> = probs
                .iter()
                .map(|&p| {
                    // the sample quantile's standard error, plus the ranks' rounding in both runs
                    let d = if spread > 0.0 {
                        spread * (p * (1.0 - p) / m as f64).sqrt() + 2.0 / m as f64 + 1.0 / n as f64
                    } else {
                        0.0
                    };
                    let lo = if p - d <= 0.0 { 0 } else { at(p - d) };
                    let hi = if p + d >= 1.0 { u32::MAX } else { at(p + d) };
                    (lo, hi)
                })
                .collect();
            out.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (lo, hi) in out {
                match merged.last_mut() {
                    Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                    _ => merged.push((lo, hi)),
                }
            }
            // room for the share of the pilot's values each interval holds, and some
            let expect = merged
                .iter()
                .map(|&(lo, hi)| {
                    let inside = v.partition_point(|k| *k <= hi) - v.partition_point(|k| *k < lo);
                    (inside as f64 / m as f64 * n as f64 * 1.05) as usize + 64
                })
                .collect();
            (merged, expect)
        })
        .unzip();
    Keep { intervals, expect }
}

/// A column's range from what the run kept of it (`kept` per interval, sorted here, and the
/// values `below` each), or `None` when a wanted order statistic is not in a kept interval.
fn resolve(kept: &mut [Vec<f32>], below: &[u64], n: usize, probs: &[f64]) -> Option<YearRange> {
    let q = if kept.len() == 1 && below[0] == 0 && kept[0].len() == n {
        // every value: the histogram method, as for any column of stored draws
        percentiles(n, |i| kept[0][i], probs)
    } else {
        // the order statistics each percentile needs, from the interval that holds them
        for v in kept.iter_mut() {
            v.sort_unstable_by_key(|x| key(*x));
        }
        let mut ok = true;
        let q = interpolate(n, probs, |r| {
            let found = below
                .iter()
                .zip(kept.iter())
                .find(|(b, v)| **b as usize <= r && r < **b as usize + v.len());
            match found {
                Some((b, v)) => f64::from(v[r - *b as usize]),
                None => {
                    ok = false;
                    f64::NAN
                }
            }
        });
        if !ok {
            return None;
        }
        q
    };
    Some(YearRange {
        low: q[0],
        p50: q[1],
        high: q[2],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranges from brackets, and from the run again where brackets of zero width miss, equal
    /// the ranges of every value kept, bit for bit.
    #[test]
    fn brackets_and_their_fallback_give_the_ranges_of_every_value() {
        let sc = crate::testing::shipped("sammenligning");
        let ivs: Vec<&crate::scenario::Intervention> = sc.interventions.iter().collect();
        let plan = Plan::new(&sc, &ivs).expect("plan");
        let extras = Outputs {
            by_year: true,
            portfolio_years: Some((2024, 30)),
        };
        let isa = Isa::detect();
        let quiet = &crate::observer::Quiet;
        let ranges = |how| run_with(&plan, (40_000, 3, extras, 0.9), quiet, isa, how).1;
        let bits = |r: &[YearRange]| -> Vec<[u64; 3]> {
            r.iter()
                .map(|y| [y.low.to_bits(), y.p50.to_bits(), y.high.to_bits()])
                .collect()
        };
        let all = bits(&ranges((usize::MAX, SPREAD)));
        assert_eq!(all.len(), columns(&plan, extras));
        assert!(all.iter().flatten().all(|b| f64::from_bits(*b).is_finite()));
        assert_eq!(bits(&ranges((0, SPREAD))), all, "brackets");
        assert_eq!(bits(&ranges((0, 0.0))), all, "every bracket missed");
    }

    #[test]
    fn the_pilot_is_whole_chunks_within_its_budget_and_a_sixteenth_of_the_run() {
        let c = engine::CHUNK;
        assert_eq!(pilot_draws(100, 1_000_000), PILOT_MAX);
        assert_eq!(pilot_draws(100, 100 * c), 6 * c);
        assert_eq!(pilot_draws(100_000, 1_000_000), c);
        assert_eq!(pilot_draws(10, c / 2), c / 2);
    }
}
