//! The precomputed part of a Monte Carlo run: which random inputs ("slots") a draw needs, and
//! per intervention the rows that turn one draw's input vector x into PVs and cumulative values.
//!
//! Items whose factors come from the same slots are merged into one column. A draw's vector is
//! `x = [s·f_1 … s·f_C, f_d1 … f_dD, cost factor, 1, 0 …]` (padded to a multiple of 4; dot products run eight lanes, then four),
//! and every result is a dot product of x with a precomputed row: the PV of key k over the result
//! period, or the cumulative discounted net of key k up to horizon year t.

use crate::dist::Sampler;
use crate::error::AnalysisError;
use crate::model::Linear;
use crate::scenario::{FactorScope, Intervention, Scenario};

pub use super::bounds::*;

/// Row and vector length granularity (SIMD lanes of the dot product).
pub const LANES: usize = 8;

/// A random input: its slot (index of its uniform in a draw) and its distribution.
#[derive(Debug, Clone)]
pub struct Input {
    /// Index of the uniform this input is drawn from.
    pub slot: usize,
    /// Distribution (by inversion).
    pub sampler: Sampler,
    /// The distribution it was made from.
    pub dist: crate::dist::Dist,
    /// The input's name for the user (issue 17's names): `<id>.success_rate`, `<id>.costs`,
    /// `<id>.consequences.<item id | area:<name> | all>`, `<id>.prices` (one factor for all
    /// prices) or `<id>.prices.<item id | area:<name>>`.
    pub name: String,
    /// The item's or area's name for an input per item or area, else empty.
    pub label: String,
}

/// One column: items that share their consequence and price factor slots.
#[derive(Debug, Clone)]
pub struct Column {
    /// Consequence factor (none: 1).
    pub consequences: Option<Input>,
    /// Price factor (none: 1).
    pub prices: Option<Input>,
}

/// The plan for one intervention.
#[derive(Debug, Clone)]
pub struct InterventionPlan {
    /// Intervention id.
    pub id: String,
    /// Keys: `total`, then the actors.
    pub keys: Vec<String>,
    /// Start year.
    pub start_year: i32,
    /// Horizon length.
    pub horizon: usize,
    /// The deterministic success rate (used when it is not uncertain).
    pub success_rate: f64,
    /// The success rate's distribution.
    pub success: Option<Input>,
    /// The cost factor's distribution.
    pub costs: Option<Input>,
    /// Columns.
    pub columns: Vec<Column>,
    /// Columns with `during` money (their factor enters x a second time, unscaled by s).
    pub during_columns: Vec<usize>,
    /// Length of x and of every row.
    pub width: usize,
    /// PV rows, `[key][width]`.
    pub pv_rows: Vec<f64>,
    /// Cumulative discounted net rows, `[key][horizon year][width]`.
    pub cum_rows: Vec<f64>,
    /// Undiscounted net rows, `[key][horizon year][width]` (for budget years).
    pub net_rows: Vec<f64>,
    /// Per key: from this horizon index on every yearly flow is ≥ 0 for any draw, so the
    /// cumulative value is nondecreasing from the index before it (horizon when unknown).
    pub monotone_from: Vec<usize>,
    /// The deterministic PV per key (the centre the stored draws are kept relative to).
    pub centre: Vec<f64>,
    /// A row of zeros (padding when fewer than four keys are evaluated together).
    pub zero_row: Vec<f64>,
    /// When every column's factor is one uniform (or fixed) consequence or price input, drawn
    /// from consecutive slots: (first slot, min per column, width per column), so the factors
    /// are `min + u·width` in one vectorised loop.
    pub affine_columns: Option<(usize, Vec<f64>, Vec<f64>)>,
    /// Otherwise, when every column's factor is one input of one and the same distribution
    /// (a factor drawn per item), from consecutive slots: the first slot, so a draw's factors
    /// are that distribution's quantiles of a contiguous run of uniforms: the first slot and the
    /// distribution.
    pub shared_columns: Option<(usize, Sampler)>,
    /// Per key: the PV row equals the cumulative row of the last horizon year (the result
    /// period covers the horizon), so the PV is the last cumulative value.
    pub pv_is_last: Vec<bool>,
    /// Per key: the deterministic break-even index, the first guess of the search (horizon − 1
    /// when there is none).
    pub guess: Vec<usize>,
    /// Per key: a better first guess from the draw's own PV (see [`PvGuess`]); `None` when the
    /// PV does not depend on the success rate.
    pub pv_guess: Vec<Option<PvGuess>>,
    /// Signs of cumulative values known from a draw's PV and success rate alone (see
    /// [`SignBounds`]); `None` when an input is unbounded.
    pub cert: Option<SignBounds>,
}

/// The break-even index the deterministic intervention would have at the success rate that
/// gives it a draw's PV: along the deterministic inputs the PV is affine in the success rate,
/// PV = a + b·s, so s = (PV − a)/b, and a table over s holds the break-even index. A draw's
/// other inputs move its PV and its cumulative values together, so this is usually the draw's
/// own break-even year or next to it — a first guess only: the search checks it.
#[derive(Debug, Clone)]
pub struct PvGuess {
    a: f64,
    inv_b: f64,
    inv_step: f64,
    table: Vec<u8>,
    fallback: usize,
}

/// The success rates the guess table covers (draws' PVs map beyond [0, 1] when other inputs
/// move them), and its cells.
const GUESS_FROM: f64 = -1.0;
const GUESS_TO: f64 = 2.0;
const GUESS_CELLS: usize = 768;

impl PvGuess {
    /// The guessed horizon index for a draw with PV `pv` (the fallback when out of range).
    #[inline(always)]
    pub fn get(&self, pv: f64) -> usize {
        let cell = ((pv - self.a) * self.inv_b - GUESS_FROM) * self.inv_step;
        // NaN and out-of-range cells fall back (`as i64` saturates; the range check is exact)
        let i = cell as i64;
        if cell >= 0.0 && (i as usize) < self.table.len() {
            usize::from(self.table[i as usize])
        } else {
            self.fallback
        }
    }
}

/// The joint plan of one run over one or more interventions.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Names of the random inputs, one uniform per draw each.
    pub slots: Vec<String>,
    /// Per intervention.
    pub ivs: Vec<InterventionPlan>,
    /// Overlaps between planned interventions, `(b, a, share)`: share of b's participants also
    /// take a, so in a portfolio b counts at s_b · (1 − share · s_a) (crate::model::sum).
    pub overlaps: Vec<(usize, usize, f64)>,
    /// Rank correlations between the inputs (`[[correlation]]`), as a copula on the uniforms.
    pub copula: Option<super::copula::Copula>,
    /// Latin hypercube sampling: each input's uniforms stratified within every chunk.
    pub lhs: bool,
}

fn slot(slots: &mut Vec<String>, name: String) -> usize {
    match slots.iter().position(|s| *s == name) {
        Some(i) => i,
        None => {
            slots.push(name);
            slots.len() - 1
        }
    }
}

impl Plan {
    /// Builds the plan for `ivs` of `sc`, with common random numbers: an uncertain input that
    /// is the same in two interventions gets the same draw in both — an item's factor (by item
    /// id), an area's factor (by area), the all-items factor, and the success rate and cost
    /// factor of interventions for the same target group and goal with the same distribution.
    /// An intervention marked `independent` draws everything on its own; an item marked
    /// `independent` draws its factors on its own.
    pub fn new(sc: &Scenario, ivs: &[&Intervention]) -> Result<Plan, AnalysisError> {
        let mut slots = Vec::new();
        let mut out = Vec::new();
        for iv in ivs {
            out.push(InterventionPlan::new(sc, iv, &mut slots)?);
        }
        let at = |id: &str| ivs.iter().position(|x| x.id == id);
        let overlaps = ivs
            .iter()
            .filter_map(|iv| {
                let o = iv.overlaps.as_ref()?;
                Some((at(&iv.id)?, at(&o.with)?, o.share))
            })
            .collect();
        let copula = match &sc.correlation {
            Some(c) => copula(c, &out)?,
            None => None,
        };
        Ok(Plan {
            slots,
            ivs: out,
            overlaps,
            copula,
            lhs: sc.monte_carlo.sampling == crate::scenario::Sampling::Lhs,
        })
    }
}

/// The copula of the file's correlations over the planned interventions' inputs (names of
/// interventions outside the plan are left out: the workbench plans one intervention alone).
/// Two names that are one draw already (common random numbers) cannot be correlated again.
fn copula(
    c: &crate::scenario::Correlation,
    ivs: &[InterventionPlan],
) -> Result<Option<super::copula::Copula>, AnalysisError> {
    let slot_of = |name: &str| -> Option<usize> {
        ivs.iter().find_map(|p| {
            let inputs = [&p.success, &p.costs]
                .into_iter()
                .chain(p.columns.iter().flat_map(|c| [&c.consequences, &c.prices]));
            inputs.flatten().find(|i| i.name == name).map(|i| i.slot)
        })
    };
    let keep: Vec<(usize, usize)> = c
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, n)| slot_of(n).map(|s| (i, s)))
        .collect();
    for (a, (i, s)) in keep.iter().enumerate() {
        if let Some((j, _)) = keep[..a].iter().find(|(_, t)| t == s) {
            return Err(AnalysisError::Invalid(format!(
                "{} and {} are already one and the same draw (common random numbers: the same \
                 target group and goal with the same distribution, or the same item); mark one \
                 intervention `independent = true` to correlate them instead",
                c.inputs[*j], c.inputs[*i]
            )));
        }
    }
    if keep.len() < 2 {
        return Ok(None);
    }
    let rank: Vec<Vec<f64>> = keep
        .iter()
        .map(|(i, _)| keep.iter().map(|(j, _)| c.rank[*i][*j]).collect())
        .collect();
    Ok(super::copula::Copula::new(
        keep.iter().map(|(_, s)| *s).collect(),
        keep.iter().map(|(i, _)| c.inputs[*i].clone()).collect(),
        rank,
    ))
}

impl InterventionPlan {
    fn new(
        sc: &Scenario,
        iv: &Intervention,
        slots: &mut Vec<String>,
    ) -> Result<InterventionPlan, AnalysisError> {
        let lin = Linear::new(&sc.settings, iv);
        let h = lin.horizon;
        if h > 254 {
            return Err(AnalysisError::Invalid(format!(
                "intervention {}: Monte Carlo handles horizons up to 254 years, this one has {h}",
                iv.id
            )));
        }
        let unc = &iv.uncertainty;
        let own = |name: &str| format!("{name}@{}", iv.id);
        let input = |slots: &mut Vec<String>,
                     slot_name: String,
                     d: &crate::dist::Dist,
                     (name, label): (String, String)| Input {
            slot: slot(slots, slot_name),
            sampler: Sampler::new(d),
            dist: d.clone(),
            name,
            label,
        };
        // success rate and costs are the same input in two interventions for the same target
        // group and goal with the same distribution (the same evidence), else their own
        let evidence = |what: &str, d: &crate::dist::Dist| -> String {
            if iv.independent {
                own(what)
            } else {
                format!(
                    "{what}:{}/{}:{d:?}",
                    iv.target_group.as_deref().unwrap_or("-"),
                    iv.success_goal.as_deref().unwrap_or("-")
                )
            }
        };
        let success = unc.success_rate.as_ref().map(|d| {
            let name = crate::scenario::input_name(&iv.id, "success_rate", FactorScope::All, None);
            input(slots, evidence("success_rate", d), d, name)
        });
        let costs = unc.costs.as_ref().map(|d| {
            let name = crate::scenario::input_name(&iv.id, "costs", FactorScope::All, None);
            input(slots, evidence("costs", d), d, name)
        });
        // columns: items grouped by their (consequence slot, price slot)
        let mut keys_of_columns: Vec<(Option<usize>, Option<usize>)> = Vec::new();
        let mut columns: Vec<Column> = Vec::new();
        let mut item_column = Vec::new();
        for item in &iv.items {
            let shared = !iv.independent && !item.independent;
            let scoped = |what: &str, per: FactorScope| -> String {
                match per {
                    FactorScope::Item if shared => format!("{what}:item:{}", item.id),
                    FactorScope::Item => own(&format!("{what}:item:{}", item.id)),
                    FactorScope::Area if shared => format!("{what}:area:{}", item.area),
                    FactorScope::Area => own(&format!("{what}:area:{}", item.area)),
                    FactorScope::All if !iv.independent => format!("{what}:all"),
                    FactorScope::All => own(&format!("{what}:all")),
                }
            };
            // the user's name of an input (one rule: crate::scenario::input_name)
            let named = |what: &str, per: FactorScope| {
                crate::scenario::input_name(&iv.id, what, per, Some(item))
            };
            let c = unc.consequences.as_ref().map(|sd| {
                let name = named("consequences", sd.per);
                input(slots, scoped("consequences", sd.per), &sd.dist, name)
            });
            let p = unc.prices.as_ref().map(|sd| {
                let name = named("prices", sd.per);
                input(slots, scoped("prices", sd.per), &sd.dist, name)
            });
            let key = (c.as_ref().map(|i| i.slot), p.as_ref().map(|i| i.slot));
            let col = match keys_of_columns.iter().position(|k| *k == key) {
                Some(j) => j,
                None => {
                    keys_of_columns.push(key);
                    columns.push(Column {
                        consequences: c,
                        prices: p,
                    });
                    columns.len() - 1
                }
            };
            item_column.push(col);
        }
        let n_keys = lin.keys.len();
        let n_cols = columns.len();
        let has_during: Vec<bool> = (0..n_cols)
            .map(|c| {
                (0..lin.items()).any(|i| {
                    item_column[i] == c && lin.during[i].iter().flatten().any(|x| *x != 0.0)
                })
            })
            .collect();
        let during_columns: Vec<usize> = (0..n_cols).filter(|c| has_during[*c]).collect();
        let used = n_cols + during_columns.len() + 2;
        let width = used.div_ceil(4) * 4;
        let cost_at = n_cols + during_columns.len();
        // per key, per year (all years): the discounted coefficient row
        let mut year_rows = vec![vec![0.0; width]; n_keys * lin.len];
        let mut undiscounted = vec![vec![0.0; width]; n_keys * lin.len];
        for k in 0..n_keys {
            for t in 0..lin.len {
                let r = &mut year_rows[k * lin.len + t];
                for (i, &c) in item_column.iter().enumerate() {
                    r[c] += lin.success[i][k][t];
                    if let Some(j) = during_columns.iter().position(|d| *d == c) {
                        r[n_cols + j] += lin.during[i][k][t];
                    }
                }
                r[cost_at] = -lin.costs[k][t];
                r[cost_at + 1] = lin.saved[k][t];
                let d = lin.discount[t];
                undiscounted[k * lin.len + t] = r.iter().map(|x| x / d).collect();
            }
        }
        let mut pv_rows = vec![0.0; n_keys * width];
        let mut cum_rows = vec![0.0; n_keys * h * width];
        let mut net_rows = vec![0.0; n_keys * h * width];
        for k in 0..n_keys {
            for t in 0..lin.len {
                let r = &year_rows[k * lin.len + t];
                if lin.in_period[t] {
                    for (a, b) in pv_rows[k * width..(k + 1) * width].iter_mut().zip(r) {
                        *a += b;
                    }
                }
            }
            let mut acc = vec![0.0; width];
            for t in 0..h {
                for (a, b) in acc.iter_mut().zip(&year_rows[k * lin.len + t]) {
                    *a += b;
                }
                let at = (k * h + t) * width;
                cum_rows[at..at + width].copy_from_slice(&acc);
                net_rows[at..at + width].copy_from_slice(&undiscounted[k * lin.len + t]);
            }
        }
        // monotonicity: every x entry is ≥ 0 when factors cannot go negative
        let nonneg = |i: &Option<Input>| i.as_ref().is_none_or(|i| i.sampler.lower_bound() >= 0.0);
        let x_nonneg = columns
            .iter()
            .all(|c| nonneg(&c.consequences) && nonneg(&c.prices))
            && nonneg(&costs)
            && (success.is_some() || iv.success_rate >= 0.0);
        let monotone_from: Vec<usize> = (0..n_keys)
            .map(|k| {
                if !x_nonneg {
                    return h;
                }
                let mut from = h;
                for t in (1..h).rev() {
                    if year_rows[k * lin.len + t].iter().all(|x| *x >= 0.0) {
                        from = t;
                    } else {
                        break;
                    }
                }
                from
            })
            .collect();
        let ones = vec![1.0; lin.items()];
        let guess: Vec<usize> = lin
            .break_even(iv.success_rate, &ones, 1.0)
            .iter()
            .map(|y| y.map_or(h - 1, |y| ((y - lin.start_year).max(0) as usize).min(h - 1)))
            .collect();
        let pv_guess = {
            let (pv0, pv1) = (lin.pv(0.0, &ones, 1.0), lin.pv(1.0, &ones, 1.0));
            let step = (GUESS_TO - GUESS_FROM) / GUESS_CELLS as f64;
            // the discounted series are affine in the success rate too: two evaluations
            let (d0, d1) = (
                lin.discounted(0.0, &ones, 1.0),
                lin.discounted(1.0, &ones, 1.0),
            );
            let mut row = vec![0.0; lin.horizon];
            let table: Vec<Vec<Option<i32>>> = (0..GUESS_CELLS)
                .map(|i| {
                    let s = GUESS_FROM + (i as f64 + 0.5) * step;
                    (0..n_keys)
                        .map(|k| {
                            for (t, r) in row.iter_mut().enumerate() {
                                *r = d0[k][t] + s * (d1[k][t] - d0[k][t]);
                            }
                            crate::model::break_even_index(&row).map(|t| lin.start_year + t as i32)
                        })
                        .collect()
                })
                .collect();
            (0..n_keys)
                .map(|k| {
                    let b = pv1[k] - pv0[k];
                    (b.abs() > 1e-9 * (1.0 + pv0[k].abs()) && b.is_finite()).then(|| PvGuess {
                        a: pv0[k],
                        inv_b: 1.0 / b,
                        inv_step: 1.0 / step,
                        table: table
                            .iter()
                            .map(|be| {
                                be[k].map_or(h - 1, |y| {
                                    ((y - lin.start_year).max(0) as usize).min(h - 1)
                                }) as u8
                            })
                            .collect(),
                        fallback: guess[k],
                    })
                })
                .collect()
        };
        let affine_columns = {
            let one = |c: &Column| -> Option<(usize, f64, f64)> {
                let i = match (&c.consequences, &c.prices) {
                    (Some(i), None) | (None, Some(i)) => i,
                    _ => return None,
                };
                match i.sampler {
                    Sampler::Uniform(min, width) => Some((i.slot, min, width)),
                    Sampler::Fixed(v) => Some((i.slot, v, 0.0)),
                    _ => None,
                }
            };
            let cols: Option<Vec<(usize, f64, f64)>> = columns.iter().map(one).collect();
            cols.filter(|v| {
                !v.is_empty()
                    && v.iter()
                        .enumerate()
                        .all(|(c, (slot, ..))| *slot == v[0].0 + c)
            })
            .map(|v| {
                (
                    v[0].0,
                    v.iter().map(|x| x.1).collect(),
                    v.iter().map(|x| x.2).collect(),
                )
            })
        };
        let shared_columns = {
            fn one(c: &Column) -> Option<&Input> {
                match (&c.consequences, &c.prices) {
                    (Some(i), None) | (None, Some(i)) => Some(i),
                    _ => None,
                }
            }
            let inputs: Option<Vec<&Input>> = columns.iter().map(one).collect();
            inputs
                .filter(|v| {
                    affine_columns.is_none()
                        && !v.is_empty()
                        && v.iter()
                            .enumerate()
                            .all(|(c, i)| i.slot == v[0].slot + c && i.dist == v[0].dist)
                })
                .map(|v| (v[0].slot, v[0].sampler.clone()))
        };
        // the interval of each x entry (scaled by s or not), for the sign bounds
        let cert = {
            let range = |i: &Option<Input>| {
                i.as_ref().map_or((1.0, 1.0), |i| {
                    (i.sampler.lower_bound(), i.sampler.upper_bound())
                })
            };
            let product = |(a, b): (f64, f64), (c, d): (f64, f64)| {
                let v = [a * c, a * d, b * c, b * d];
                (
                    v.iter().copied().fold(f64::INFINITY, f64::min),
                    v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            };
            let factor: Vec<(f64, f64)> = columns
                .iter()
                .map(|c| product(range(&c.consequences), range(&c.prices)))
                .collect();
            let mut scaled = vec![false; width];
            let mut bounds = vec![(0.0, 0.0); width];
            for (c, f) in factor.iter().enumerate() {
                scaled[c] = true;
                bounds[c] = *f;
            }
            for (j, c) in during_columns.iter().enumerate() {
                bounds[n_cols + j] = factor[*c];
            }
            bounds[cost_at] = range(&costs);
            bounds[cost_at + 1] = (1.0, 1.0);
            let (lo, hi): (Vec<f64>, Vec<f64>) = bounds.into_iter().unzip();
            // s ≥ 0: drawn rates are clamped to [0, 1]
            let s_ok = success.is_some() || (0.0..=1.0).contains(&iv.success_rate);
            let per_key: Option<Vec<Vec<[f64; 5]>>> = (0..n_keys)
                .map(|k| {
                    SignBounds::rows(
                        &pv_rows[k * width..(k + 1) * width],
                        &cum_rows[k * h * width..(k + 1) * h * width],
                        &scaled,
                        &lo,
                        &hi,
                        iv.success_rate.clamp(0.0, 1.0),
                    )
                })
                .collect();
            per_key.filter(|_| s_ok).map(|per_key| {
                let (mut stretch, mut stretch_blocks) = (Vec::new(), Vec::new());
                for (rows, from) in per_key.iter().zip(&monotone_from) {
                    let start = stretch.len();
                    // the stretch [m, h) with m as the search takes it
                    for years in rows[(*from).max(1) - 1..].chunks(4) {
                        // padding: λ = 0, bounds 1 (surely ≥ 0)
                        let mut b = [[0.0; 4], [0.0; 4], [1.0; 4], [0.0; 4], [1.0; 4]];
                        for (l, r) in years.iter().enumerate() {
                            for (i, v) in r.iter().enumerate() {
                                b[i][l] = *v;
                            }
                        }
                        stretch.push(b);
                    }
                    stretch_blocks.push((start, stretch.len()));
                }
                let rows = per_key.concat();
                let col = |i: usize| rows.iter().map(|r| r[i]).collect();
                SignBounds {
                    lam: col(0),
                    lo_s: col(1),
                    lo_0: col(2),
                    hi_s: col(3),
                    hi_0: col(4),
                    stretch,
                    stretch_blocks,
                }
            })
        };
        let pv_is_last = (0..n_keys)
            .map(|k| {
                pv_rows[k * width..(k + 1) * width]
                    == cum_rows[(k * h + h - 1) * width..(k * h + h) * width]
            })
            .collect();
        Ok(InterventionPlan {
            id: iv.id.clone(),
            keys: lin.keys.clone(),
            start_year: lin.start_year,
            horizon: h,
            success_rate: iv.success_rate,
            success,
            costs,
            columns,
            during_columns,
            width,
            pv_rows,
            cum_rows,
            net_rows,
            monotone_from,
            centre: lin.pv(iv.success_rate, &ones, 1.0),
            zero_row: vec![0.0; width],
            guess,
            pv_guess,
            pv_is_last,
            affine_columns,
            shared_columns,
            cert,
        })
    }
}
