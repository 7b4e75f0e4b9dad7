//! What knowing more is worth (issue 18 item 2): the expected value of perfect information (EVPI)
//! and of partial information about an input or a group of inputs (EVPPI), in kroner, for the
//! decision taken on one key — for `soem mc` "fund the intervention or not", for `soem compare`
//! "fund the one with the highest expected PV, or none".
//!
//! With options j (their PVs V_j, and "none" = 0):
//! `EVPI = E[max(0, max_j V_j)] − max(0, max_j E[V_j])` and, for a group G of inputs,
//! `EVPPI(G) = E_G[max(0, max_j E[V_j | X_G])] − max(0, max_j E[V_j])`.
//!
//! **The inner expectation is exact.** The PV is multilinear in independent inputs
//! ([`super::anova`]), so E[V_j | X_G] is the PV with every input outside G at its mean: no
//! regression (such as Strong–Oakley's) is needed.
//! - For **one input** E[V_j | X_i = x] = a_j + b_j·x, and the outer expectation is taken by the
//!   midpoint rule on the input's quantile function ([`super::anova::GRID`] points): exact up to
//!   quadrature, no sampling error.
//! - For **a group** the outer expectation is the mean over the run's own draws of the group's
//!   inputs (the same uniforms as the run), with its standard error; EVPI is the mean over the
//!   run's draws of the PVs. When a group has one uncertain input only, the exact value is used.
//!
//! The sample versions are never negative (the mean of a maximum is at least the maximum of the
//! means). In the population a group is worth at least each of its parts and EVPI at least every
//! group; a sampled value below an exact part (a matter of sampling error) is reported as that
//! part's value.

use rayon::prelude::*;
use serde::Serialize;

use super::anova::{Factor, GRID, Multilinear, factors};
use super::engine::{BLOCK, CHUNK, Draws, fill_block, pv};
use super::plan::{Input, InterventionPlan, Plan};
use super::rng;
use crate::dist::Sampler;

/// How a value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// From the inputs' distributions (quadrature), no sampling error.
    Exact,
    /// The mean over the run's draws, with a standard error.
    Draws,
}

/// The value of knowing an input (or a group of inputs) exactly before deciding.
#[derive(Debug, Clone, Serialize)]
pub struct Evppi {
    /// The input (`cti.success_rate`) or the group (`cti.consequences`: all its consequence
    /// factors; in a comparison `cti`: all of that intervention's inputs, `*.success_rate`: every
    /// intervention's success rate, …).
    pub input: String,
    /// The item's or area's name for an input per item or area (else empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The inputs it covers (a shared input has one name per intervention).
    pub inputs: Vec<String>,
    /// Kroner (present value).
    pub value: f64,
    /// How it was computed.
    pub method: Method,
    /// Standard error (for values from the draws).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
}

/// The value of information for one decision.
#[derive(Debug, Clone, Serialize)]
pub struct ValueOfInformation {
    /// The key the decision is taken on (`total` or an actor).
    pub key: String,
    /// The interventions decided among (doing none is always an option).
    pub options: Vec<String>,
    /// The choice on expected PV today: an intervention's id, or `none`.
    pub choice: String,
    /// Expected PV of the choice today (0 for none).
    pub expected: f64,
    /// The expected value of perfect information (kroner).
    pub evpi: f64,
    /// How EVPI was computed.
    pub evpi_method: Method,
    /// Its standard error (from the draws).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evpi_se: Option<f64>,
    /// Per input and group, most valuable first.
    pub evppi: Vec<Evppi>,
}

/// A group of inputs to value: its name and slots.
#[derive(Debug, Clone)]
pub struct Group {
    /// Name in the output.
    pub name: String,
    /// The slots it covers.
    pub slots: Vec<usize>,
}

/// The groups `soem mc` values for intervention `j` besides its single inputs: all its
/// consequence factors and all its price factors, where there are two or more.
pub fn mc_groups(p: &InterventionPlan) -> Vec<Group> {
    let mut cons: Vec<usize> = Vec::new();
    let mut prices: Vec<usize> = Vec::new();
    for c in &p.columns {
        for (i, to) in [(&c.consequences, &mut cons), (&c.prices, &mut prices)] {
            if let Some(i) = i
                && !to.contains(&i.slot)
            {
                to.push(i.slot);
            }
        }
    }
    [("consequences", cons), ("prices", prices)]
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(what, slots)| Group {
            name: format!("{}.{what}", p.id),
            slots,
        })
        .collect()
}

/// Up to this many interventions `soem compare` also values each intervention's inputs
/// together; with more (a portfolio) each such group would take a pass over every intervention
/// that shares an input with it, and the single inputs and the groups across interventions
/// answer what to find out first.
pub const OWN_GROUPS_UP_TO: usize = 6;

/// The groups `soem compare` values besides the single inputs: each intervention's inputs
/// together (`<id>`, up to [`OWN_GROUPS_UP_TO`] interventions), and across interventions every
/// success rate, cost factor, consequence factor and price factor (`*.success_rate`, …), where a
/// group has two or more inputs.
pub fn compare_groups(plan: &Plan) -> Vec<Group> {
    let mut out = Vec::new();
    let mut across: [(&str, Vec<usize>); 4] = [
        ("success_rate", Vec::new()),
        ("costs", Vec::new()),
        ("consequences", Vec::new()),
        ("prices", Vec::new()),
    ];
    for p in &plan.ivs {
        let mut own: Vec<usize> = Vec::new();
        let mut put = |i: &Option<Input>, kind: usize, own: &mut Vec<usize>| {
            if let Some(i) = i {
                if !own.contains(&i.slot) {
                    own.push(i.slot);
                }
                if !across[kind].1.contains(&i.slot) {
                    across[kind].1.push(i.slot);
                }
            }
        };
        put(&p.success, 0, &mut own);
        put(&p.costs, 1, &mut own);
        for c in &p.columns {
            put(&c.consequences, 2, &mut own);
            put(&c.prices, 3, &mut own);
        }
        if own.len() > 1 && plan.ivs.len() <= OWN_GROUPS_UP_TO {
            out.push(Group {
                name: p.id.clone(),
                slots: own,
            });
        }
    }
    out.extend(
        across
            .into_iter()
            .filter(|(_, s)| s.len() > 1)
            .map(|(what, slots)| Group {
                name: format!("*.{what}"),
                slots,
            }),
    );
    out
}

/// One option of the decision: its plan, its key's PV as a multilinear function, its factors.
struct Opt<'a> {
    j: usize,
    p: &'a InterventionPlan,
    factors: Vec<Factor>,
    ml: Multilinear,
    mean: f64,
}

impl Opt<'_> {
    fn uses(&self, slot: usize) -> Option<usize> {
        self.factors
            .iter()
            .position(|f| f.slot == slot && f.var > 0.0)
    }

    /// The plan with every input outside `slots` fixed at its mean. The columns' fast paths
    /// (precomputed from their distributions) stay when no column input is fixed.
    fn masked(&self, slots: &[usize]) -> InterventionPlan {
        let mut p = self.p.clone();
        let fix = |i: &mut Option<Input>| -> bool {
            if let Some(i) = i
                && !slots.contains(&i.slot)
                && let Some(f) = self.factors.iter().find(|f| f.slot == i.slot)
            {
                i.sampler = Sampler::Fixed(f.mean);
                return true;
            }
            false
        };
        fix(&mut p.success);
        fix(&mut p.costs);
        let mut columns_fixed = false;
        for c in &mut p.columns {
            columns_fixed |= fix(&mut c.consequences);
            columns_fixed |= fix(&mut c.prices);
        }
        if columns_fixed {
            p.affine_columns = None;
            p.shared_columns = None;
        }
        p
    }
}

/// Sums of one group's pass: Σ v, Σ v² (v = the draw's best value) and per affected option Σ V.
#[derive(Clone)]
struct Acc {
    v: f64,
    v2: f64,
    per: Vec<f64>,
}

/// The value of information of the decision among `options` (plan indices) on key `k` (named
/// `key`), from the run's draws `d` (seed `seed`), for every single input and `groups`.
pub fn value_of_information(
    plan: &Plan,
    d: &Draws,
    seed: u64,
    options: &[usize],
    k: usize,
    key: &str,
    groups: &[Group],
) -> ValueOfInformation {
    let opts: Vec<Opt> = options
        .iter()
        .map(|&j| {
            let p = &plan.ivs[j];
            let factors = factors(p);
            let ml = Multilinear::new(p, &factors, k);
            let means: Vec<f64> = factors.iter().map(|f| f.mean).collect();
            let mean = ml.eval(&means);
            Opt {
                j,
                p,
                factors,
                ml,
                mean,
            }
        })
        .collect();
    let best_mean = opts.iter().map(|o| o.mean).fold(0.0f64, f64::max);
    let choice = opts
        .iter()
        .filter(|o| o.mean > 0.0 && o.mean == best_mean)
        .map(|o| o.p.id.clone())
        .next()
        .unwrap_or_else(|| "none".to_string());
    // every input's slot, in the order the options meet them (one of zero width is worth 0)
    let mut slots: Vec<usize> = Vec::new();
    for o in &opts {
        for f in &o.factors {
            if !slots.contains(&f.slot) {
                slots.push(f.slot);
            }
        }
    }
    let uncertain: Vec<usize> = slots
        .iter()
        .copied()
        .filter(|s| opts.iter().any(|o| o.uses(*s).is_some()))
        .collect();
    let names = |slot: usize| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for o in &opts {
            if let Some(f) = o.factors.iter().find(|f| f.slot == slot)
                && !v.contains(&f.name)
            {
                v.push(f.name.clone());
            }
        }
        v
    };
    // with correlated inputs E[V | some inputs] is no longer the PV at the others' means: only
    // EVPI (over the draws, whose inputs carry the correlations) is given
    let correlated = plan.copula.is_some();
    if correlated {
        slots.clear();
    }
    let groups: &[Group] = if correlated { &[] } else { groups };
    // single inputs, exactly
    let singles: Vec<(usize, f64)> = slots
        .par_iter()
        .map(|&slot| (slot, exact_single(&opts, slot)))
        .collect();
    let single = |slot: usize| singles.iter().find(|s| s.0 == slot).map_or(0.0, |s| s.1);
    let mut out: Vec<Evppi> = singles
        .iter()
        .map(|&(slot, value)| {
            let names = names(slot);
            let label = opts
                .iter()
                .find_map(|o| o.factors.iter().find(|f| f.slot == slot))
                .map(|f| f.label.clone())
                .unwrap_or_default();
            Evppi {
                input: names[0].clone(),
                label,
                inputs: names,
                value,
                method: Method::Exact,
                se: None,
            }
        })
        .collect();
    // groups: exact when one input in them is uncertain, else from the draws in one pass
    let mut sampled: Vec<(usize, Vec<usize>)> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let varying: Vec<usize> = group
            .slots
            .iter()
            .copied()
            .filter(|s| uncertain.contains(s))
            .collect();
        let inputs: Vec<String> = varying.iter().flat_map(|s| names(*s)).collect();
        let ev = |value, method, se| Evppi {
            input: group.name.clone(),
            label: String::new(),
            inputs: inputs.clone(),
            value,
            method,
            se,
        };
        match varying.len() {
            0 => out.push(ev(0.0, Method::Exact, None)),
            1 => out.push(ev(single(varying[0]), Method::Exact, None)),
            _ if keeps_its_sign(&opts, &varying) => out.push(ev(0.0, Method::Exact, None)),
            _ => {
                sampled.push((g, varying));
                out.push(ev(f64::NAN, Method::Draws, None));
            }
        }
    }
    if !sampled.is_empty() {
        let values = grouped(plan, &opts, &sampled, (d.n, seed, k));
        let at = singles.len();
        let mut it = values.into_iter();
        for (i, e) in out[at..].iter_mut().enumerate() {
            if e.value.is_nan()
                && let Some((v, se)) = it.next()
            {
                // a group is worth at least each of its inputs
                let parts = sampled.iter().find(|(g, _)| *g == i).map_or(0.0, |(_, s)| {
                    s.iter().map(|s| single(*s)).fold(0.0, f64::max)
                });
                e.value = v.max(parts);
                e.se = Some(se);
            }
        }
    }
    // EVPI: exact with one uncertain input, else over the run's draws
    let (evpi, evpi_method, evpi_se) = if correlated && !uncertain.is_empty() {
        let (v, se) = evpi_draws(d, &opts, k);
        (v, Method::Draws, Some(se))
    } else if let [only] = uncertain[..] {
        (single(only), Method::Exact, None)
    } else if uncertain.is_empty() {
        (0.0, Method::Exact, None)
    } else {
        let (v, se) = evpi_draws(d, &opts, k);
        (v, Method::Draws, Some(se))
    };
    let evpi = out.iter().map(|e| e.value).fold(evpi, f64::max);
    out.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.input.cmp(&b.input))
    });
    ValueOfInformation {
        key: key.to_string(),
        options: opts.iter().map(|o| o.p.id.clone()).collect(),
        choice,
        expected: best_mean,
        evpi,
        evpi_method,
        evpi_se,
        evppi: out,
    }
}

/// EVPPI of one slot: the options that use it are affine in it, the others stay at their means.
fn exact_single(opts: &[Opt], slot: usize) -> f64 {
    let mut fixed = 0.0f64;
    // per distribution of the shared uniform (usually one): its grid and the options' lines
    let mut by_dist: Vec<(&Factor, Vec<(f64, f64)>)> = Vec::new();
    for o in opts {
        match o.uses(slot) {
            Some(fi) => {
                let f = &o.factors[fi];
                let line = o.ml.affine_in(fi, &o.factors);
                match by_dist
                    .iter_mut()
                    .find(|(g, _)| g.dist == f.dist && g.clamp == f.clamp)
                {
                    Some((_, lines)) => lines.push(line),
                    None => by_dist.push((f, vec![line])),
                }
            }
            None => fixed = fixed.max(o.mean),
        }
    }
    let baseline = opts.iter().map(|o| o.mean).fold(0.0f64, f64::max);
    // each distribution's grid beside its lines
    let grids: Vec<Vec<f64>> = by_dist.iter().map(|(f, _)| f.grid()).collect();
    let sum: f64 = (0..GRID)
        .map(|i| {
            grids
                .iter()
                .zip(&by_dist)
                .flat_map(|(q, (_, lines))| lines.iter().map(move |(a, b)| a + b * q[i]))
                .fold(fixed, f64::max)
        })
        .sum();
    (sum / GRID as f64 - baseline).max(0.0)
}

/// For a decision on one intervention: whether E[PV | the group's inputs] keeps one sign over
/// every value the inputs can take, so knowing them cannot change the decision (EVPPI = 0
/// exactly). Checked where that conditional PV is linear in the group's inputs (no term holds
/// two of them) and the inputs are bounded: its range is then the sum of each input's.
fn keeps_its_sign(opts: &[Opt], slots: &[usize]) -> bool {
    let [o] = opts else {
        return false;
    };
    let in_group = |i: usize| slots.contains(&o.factors[i].slot);
    let (mut a, mut b) = (0.0, vec![0.0; o.factors.len()]);
    for (c, set) in &o.ml.terms {
        let mut coef = *c;
        let mut member = None;
        for &i in set {
            if in_group(i) {
                if member.is_some() {
                    return false;
                }
                member = Some(i);
            } else {
                coef *= o.factors[i].mean;
            }
        }
        match member {
            Some(i) => b[i] += coef,
            None => a += coef,
        }
    }
    let (mut lo, mut hi) = (a, a);
    for (f, b) in o.factors.iter().zip(&b) {
        if *b == 0.0 {
            continue;
        }
        let (mut x0, mut x1) = (f.sampler.lower_bound(), f.sampler.upper_bound());
        if f.clamp {
            (x0, x1) = (x0.clamp(0.0, 1.0), x1.clamp(0.0, 1.0));
        }
        let (p, q) = (b * x0, b * x1);
        lo += p.min(q);
        hi += p.max(q);
    }
    lo.is_finite() && hi.is_finite() && (lo >= 0.0 || hi <= 0.0)
}

/// EVPI over the run's stored draws, with its standard error.
fn evpi_draws(d: &Draws, opts: &[Opt], k: usize) -> (f64, f64) {
    let cols: Vec<(f64, &[f32])> = opts
        .iter()
        .map(|o| (o.p.centre[k], d.residuals(d.offsets[o.j] + k)))
        .collect();
    let parts: Vec<Acc> = (0..d.n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut acc = Acc {
                v: 0.0,
                v2: 0.0,
                per: vec![0.0; cols.len()],
            };
            for i in c * CHUNK..((c + 1) * CHUNK).min(d.n) {
                let mut v = 0.0f64;
                for (a, (centre, r)) in cols.iter().enumerate() {
                    let x = centre + f64::from(r[i]);
                    acc.per[a] += x;
                    v = v.max(x);
                }
                acc.v += v;
                acc.v2 += v * v;
            }
            acc
        })
        .collect();
    finish(&parts, d.n, 0.0)
}

/// Value and standard error from the chunks' sums (added in chunk order: the same on any number
/// of threads); `fixed` is the best expected PV of the options outside the pass (and 0).
fn finish(parts: &[Acc], n: usize, fixed: f64) -> (f64, f64) {
    let m = parts.first().map_or(0, |p| p.per.len());
    let (mut v, mut v2, mut per) = (0.0, 0.0, vec![0.0; m]);
    for p in parts {
        v += p.v;
        v2 += p.v2;
        per.iter_mut().zip(&p.per).for_each(|(a, b)| *a += b);
    }
    let n = n as f64;
    let mean = v / n;
    let base = per.iter().map(|s| s / n).fold(fixed, f64::max);
    let var = ((v2 - v * mean) / (n - 1.0)).max(0.0);
    ((mean - base).max(0.0), (var / n).sqrt())
}

/// EVPPI of each sampled group, over the run's draws of its inputs (the others at their means):
/// one pass that makes each block's uniforms once, as the run does.
fn grouped(
    plan: &Plan,
    opts: &[Opt],
    groups: &[(usize, Vec<usize>)],
    (n, seed, k): (usize, u64, usize),
) -> Vec<(f64, f64)> {
    // per group: the affected options' masked plans, and the best mean of the others
    let setup: Vec<(Vec<InterventionPlan>, f64)> = groups
        .iter()
        .map(|(_, slots)| {
            let mut fixed = 0.0f64;
            let mut masked = Vec::new();
            for o in opts {
                if slots.iter().any(|s| o.uses(*s).is_some()) {
                    masked.push(o.masked(slots));
                } else {
                    fixed = fixed.max(o.mean);
                }
            }
            (masked, fixed)
        })
        .collect();
    let n_slots = plan.slots.len();
    let parts: Vec<Vec<Acc>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let draws = CHUNK.min(n - c * CHUNK);
            let mut uni = rng::Uniforms::new(plan, seed, c, draws);
            let mut acc: Vec<Acc> = setup
                .iter()
                .map(|(m, _)| Acc {
                    v: 0.0,
                    v2: 0.0,
                    per: vec![0.0; m.len()],
                })
                .collect();
            let width = setup
                .iter()
                .flat_map(|(m, _)| m.iter().map(|p| p.width))
                .max()
                .unwrap_or(0);
            let mut x = vec![0.0; BLOCK * width];
            let mut s = [0.0; BLOCK];
            let mut best = [0.0f64; BLOCK];
            for b0 in (0..draws).step_by(BLOCK) {
                let nb = BLOCK.min(draws - b0);
                let ub = uni.next::<false>(nb);
                for ((masked, fixed), acc) in setup.iter().zip(&mut acc) {
                    best[..nb].fill(*fixed);
                    for (a, p) in masked.iter().enumerate() {
                        fill_block::<false>(p, ub, n_slots, nb, &mut x, &mut s, None);
                        for (i, b) in best[..nb].iter_mut().enumerate() {
                            let v = pv(p, &x[i * p.width..(i + 1) * p.width], k);
                            acc.per[a] += v;
                            *b = b.max(v);
                        }
                    }
                    for b in &best[..nb] {
                        acc.v += b;
                        acc.v2 += b * b;
                    }
                }
            }
            acc
        })
        .collect();
    (0..groups.len())
        .map(|g| {
            let chunks: Vec<Acc> = parts.iter().map(|p| p[g].clone()).collect();
            finish(&chunks, n, setup[g].1)
        })
        .collect()
}
