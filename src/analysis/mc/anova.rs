//! What drives the uncertainty (issue 18 item 1): the exact variance decomposition of a key's PV
//! over an intervention's uncertain inputs.
//!
//! A draw's PV is a dot product of the plan's row with `x = [s·f_1 … s·f_C, f_d1 …, cost factor,
//! 1]`, where each column's factor f_c is the product of its consequence factor and its price
//! factor. So the PV is **multilinear** in the inputs — a sum of terms coef · Π X_i over sets of
//! distinct inputs (success rate × consequence factor × price factor, consequence × price, cost
//! factor alone, a constant). With independent inputs, writing X_i = μ_i + σ_i·Z_i gives
//!
//! PV = Σ_T β_T · Π_{i∈T} σ_i Z_i,   β_T = Σ_{M ⊇ T} coef_M · Π_{i ∈ M∖T} μ_i,
//!
//! whose products of standardised inputs are orthogonal: this *is* the ANOVA (Sobol–Hoeffding)
//! decomposition, with the variance of part T equal to V_T = β_T² Π σ_i². The first-order index
//! of input i is V_{i}/V and its total index Σ_{T∋i} V_T / V, with V = Σ V_T — exact, from the
//! inputs' means and variances, no sampling error. (A drawn success rate is clamped to [0, 1],
//! so its moments are those of the clamped draw.) Tests check the indices against a sampling
//! estimator (Saltelli's first order, Jansen's total) and the variance against the draws'.

use std::collections::BTreeMap;

use serde::Serialize;

use super::plan::{Input, InterventionPlan};
use crate::dist::Sampler;

/// Points of the midpoint rule on an input's quantile function (moments of a clamped success
/// rate; the value of knowing one input, [`super::voi`]).
pub const GRID: usize = 1 << 15;

/// One uncertain input of an intervention's PV.
#[derive(Debug, Clone)]
pub struct Factor {
    /// The slot of its uniform in a draw.
    pub slot: usize,
    /// Its name (`<id>.success_rate`, …; [`Input::name`]).
    pub name: String,
    /// Item or area name, or empty.
    pub label: String,
    /// What is drawn.
    pub sampler: Sampler,
    /// The distribution it was made from.
    pub dist: crate::dist::Dist,
    /// Drawn values are clamped to [0, 1] (the success rate).
    pub clamp: bool,
    /// Mean of a draw.
    pub mean: f64,
    /// Variance of a draw.
    pub var: f64,
}

impl Factor {
    fn new(input: &Input, clamp: bool) -> Factor {
        let s = &input.sampler;
        let clamped = clamp && (s.lower_bound() < 0.0 || s.upper_bound() > 1.0);
        let mut f = Factor {
            slot: input.slot,
            name: input.name.clone(),
            label: input.label.clone(),
            sampler: s.clone(),
            dist: input.dist.clone(),
            clamp,
            mean: 0.0,
            var: 0.0,
        };
        (f.mean, f.var) = if clamped {
            let m = f.expect(|x| x);
            (m, f.expect(|x| (x - m) * (x - m)).max(0.0))
        } else {
            s.moments()
        };
        f
    }

    /// The draw for the uniform `u` (clamped where the engine clamps).
    pub fn value(&self, u: f64) -> f64 {
        let q = self.sampler.quantile(u);
        if self.clamp { q.clamp(0.0, 1.0) } else { q }
    }

    /// The draws at the [`GRID`] midpoints of (0, 1), in order.
    pub fn grid(&self) -> Vec<f64> {
        let u: Vec<f64> = (0..GRID).map(|i| (i as f64 + 0.5) / GRID as f64).collect();
        let mut q = vec![0.0; GRID];
        self.sampler.quantiles::<false>(&u, &mut q);
        if self.clamp {
            q.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
        }
        q
    }

    /// E[g(X)] by the midpoint rule on the quantile function.
    pub fn expect(&self, g: impl Fn(f64) -> f64) -> f64 {
        self.grid().into_iter().map(g).sum::<f64>() / GRID as f64
    }
}

/// The uncertain inputs of a plan, once each, in the order the plan meets them: the success
/// rate, the cost factor, then the columns' consequence and price factors.
pub fn factors(p: &InterventionPlan) -> Vec<Factor> {
    let mut out: Vec<Factor> = Vec::new();
    let mut add = |i: &Option<Input>, clamp: bool| {
        if let Some(i) = i
            && !out.iter().any(|f| f.slot == i.slot)
        {
            out.push(Factor::new(i, clamp));
        }
    };
    add(&p.success, true);
    add(&p.costs, false);
    for c in &p.columns {
        add(&c.consequences, false);
        add(&c.prices, false);
    }
    out
}

/// One key's PV as Σ coef · Π X_i over sets of distinct inputs (indices into the factors).
#[derive(Debug, Clone)]
pub struct Multilinear {
    /// Terms: coefficient and the sorted inputs multiplied.
    pub terms: Vec<(f64, Vec<usize>)>,
}

impl Multilinear {
    /// Key `k`'s PV of plan `p` over its `factors` ([`factors`]).
    pub fn new(p: &InterventionPlan, factors: &[Factor], k: usize) -> Multilinear {
        let row = &p.pv_rows[k * p.width..(k + 1) * p.width];
        let at = |i: &Option<Input>| -> Option<usize> {
            let i = i.as_ref()?;
            factors.iter().position(|f| f.slot == i.slot)
        };
        let mut terms: BTreeMap<Vec<usize>, f64> = BTreeMap::new();
        let mut add = |coef: f64, mut set: Vec<usize>| {
            set.sort_unstable();
            *terms.entry(set).or_insert(0.0) += coef;
        };
        let (n, s) = (p.columns.len(), at(&p.success));
        let fixed_s = if s.is_some() { 1.0 } else { p.success_rate };
        for (c, col) in p.columns.iter().enumerate() {
            let own: Vec<usize> = [at(&col.consequences), at(&col.prices)]
                .into_iter()
                .flatten()
                .collect();
            add(row[c] * fixed_s, s.into_iter().chain(own.clone()).collect());
            if let Some(j) = p.during_columns.iter().position(|d| *d == c) {
                add(row[n + j], own);
            }
        }
        let cost_at = n + p.during_columns.len();
        add(row[cost_at], at(&p.costs).into_iter().collect());
        add(row[cost_at + 1], Vec::new());
        Multilinear {
            terms: terms
                .into_iter()
                .filter(|(_, c)| *c != 0.0)
                .map(|(s, c)| (c, s))
                .collect(),
        }
    }

    /// The PV at the inputs' values `x` (one per factor).
    pub fn eval(&self, x: &[f64]) -> f64 {
        self.terms
            .iter()
            .map(|(c, set)| c * set.iter().map(|i| x[*i]).product::<f64>())
            .sum()
    }

    /// E[PV | X_i = x] = a + b·x for independent inputs: (a, b).
    pub fn affine_in(&self, i: usize, factors: &[Factor]) -> (f64, f64) {
        let (mut a, mut b) = (0.0, 0.0);
        for (c, set) in &self.terms {
            let rest: f64 = set
                .iter()
                .filter(|j| **j != i)
                .map(|j| factors[*j].mean)
                .product();
            if set.contains(&i) {
                b += c * rest;
            } else {
                a += c * rest;
            }
        }
        (a, b)
    }

    /// The variance of every part T of the ANOVA decomposition (nonempty sets of inputs).
    pub fn parts(&self, factors: &[Factor]) -> Vec<(Vec<usize>, f64)> {
        let mut beta: BTreeMap<Vec<usize>, f64> = BTreeMap::new();
        for (c, set) in &self.terms {
            // every nonempty subset T of the term's inputs
            for mask in 1u32..(1 << set.len()) {
                let (mut t, mut coef) = (Vec::new(), *c);
                for (b, i) in set.iter().enumerate() {
                    if mask & (1 << b) != 0 {
                        t.push(*i);
                    } else {
                        coef *= factors[*i].mean;
                    }
                }
                *beta.entry(t).or_insert(0.0) += coef;
            }
        }
        beta.into_iter()
            .map(|(t, b)| {
                let v = b * b * t.iter().map(|i| factors[*i].var).product::<f64>();
                (t, v)
            })
            .collect()
    }
}

/// One input's share of the variance of a key's PV.
#[derive(Debug, Clone, Serialize)]
pub struct SobolIndex {
    /// The input (`<id>.success_rate`, …).
    pub input: String,
    /// The item's or area's name for an input per item or area (else empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The share of the variance it causes alone.
    pub first_order: f64,
    /// The share it causes alone and through its interactions with the others.
    pub total: f64,
}

/// The first-order and total Sobol indices of key `k`'s PV over every uncertain input, sorted by
/// the total index (largest first, then by name); inputs of zero width have zero indices, and a
/// PV without variance gives zero for every input.
pub fn sobol(p: &InterventionPlan, k: usize) -> Vec<SobolIndex> {
    let factors = factors(p);
    let parts = Multilinear::new(p, &factors, k).parts(&factors);
    let v: f64 = parts.iter().map(|(_, v)| v).sum();
    let mut out: Vec<SobolIndex> = factors
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let share = |sel: &dyn Fn(&Vec<usize>) -> bool| -> f64 {
                if v > 0.0 {
                    parts
                        .iter()
                        .filter(|(t, _)| sel(t))
                        .map(|(_, x)| x)
                        .sum::<f64>()
                        / v
                } else {
                    0.0
                }
            };
            SobolIndex {
                input: f.name.clone(),
                label: f.label.clone(),
                first_order: share(&|t| t.len() == 1 && t[0] == i),
                total: share(&|t| t.contains(&i)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| a.input.cmp(&b.input))
    });
    out
}

/// One input's rank correlation with a key's PV: the measure of what drives the uncertainty
/// when inputs are correlated (Sobol indices assume independent inputs).
#[derive(Debug, Clone, Serialize)]
pub struct RankIndex {
    /// The input (`<id>.success_rate`, …).
    pub input: String,
    /// The item's or area's name for an input per item or area (else empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Spearman's rank correlation of the input's draws with the PV.
    pub rank_correlation: f64,
    /// Its square: the share of the PV's rank variance the input alone would explain (correlated
    /// inputs share credit, so these do not add up to 1).
    pub squared: f64,
}

/// Per key of intervention `j`, every uncertain input's rank correlation with the PV over the
/// first 100,000 draws of the run (its uniforms, which rank like its draws, against the ranks
/// of the stored PVs), by |ρ| largest first.
pub fn rank_sensitivity(
    plan: &super::plan::Plan,
    d: &super::engine::Draws,
    j: usize,
    seed: u64,
) -> Vec<Vec<RankIndex>> {
    let p = &plan.ivs[j];
    let fs: Vec<Factor> = factors(p).into_iter().filter(|f| f.var > 0.0).collect();
    let n = d.n.min(100_000);
    let slots: Vec<usize> = fs.iter().map(|f| f.slot).collect();
    let series = super::engine::uniforms_of(plan, &slots, n, seed);
    (0..p.keys.len())
        .map(|k| {
            let r = &d.residuals(d.offsets[j] + k)[..n];
            // the PV's ranks (ties in draw order), scaled like uniforms
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|a, b| r[*a].total_cmp(&r[*b]).then(a.cmp(b)));
            let mut rank = vec![0.0; n];
            for (pos, i) in order.iter().enumerate() {
                rank[*i] = pos as f64;
            }
            let mut out: Vec<RankIndex> = fs
                .iter()
                .zip(&series)
                .map(|(f, u)| {
                    let rho = super::copula::pearson(u, &rank);
                    let rho = if rho.is_finite() { rho } else { 0.0 };
                    RankIndex {
                        input: f.name.clone(),
                        label: f.label.clone(),
                        rank_correlation: rho,
                        squared: rho * rho,
                    }
                })
                .collect();
            out.sort_by(|a, b| {
                b.squared
                    .total_cmp(&a.squared)
                    .then_with(|| a.input.cmp(&b.input))
            });
            out
        })
        .collect()
}

/// The variance of key `k`'s PV from the inputs' moments.
pub fn variance(p: &InterventionPlan, k: usize) -> f64 {
    let factors = factors(p);
    Multilinear::new(p, &factors, k)
        .parts(&factors)
        .iter()
        .map(|(_, v)| v)
        .sum()
}

/// Sampling estimates of the first-order and total indices of `f` (both Jansen's, 1999)
/// over independent `factors`, from `n` pairs of draws: the check of [`sobol`].
#[cfg(test)]
pub fn sampled(
    f: &dyn Fn(&[f64]) -> f64,
    factors: &[Factor],
    n: usize,
    seed: u64,
) -> Vec<[f64; 2]> {
    use rand::{RngExt, SeedableRng};
    let mut g = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let d = factors.len();
    let mut draw = || -> Vec<f64> {
        factors
            .iter()
            .map(|f| f.value(g.random_range(1e-12..1.0)))
            .collect()
    };
    let (a, b): (Vec<Vec<f64>>, Vec<Vec<f64>>) = (0..n).map(|_| (draw(), draw())).unzip();
    let fa: Vec<f64> = a.iter().map(|x| f(x)).collect();
    let fb: Vec<f64> = b.iter().map(|x| f(x)).collect();
    let all: Vec<f64> = fa.iter().chain(&fb).copied().collect();
    let m = all.iter().sum::<f64>() / all.len() as f64;
    let v = all.iter().map(|x| (x - m).powi(2)).sum::<f64>() / all.len() as f64;
    (0..d)
        .map(|i| {
            let (mut first, mut total) = (0.0, 0.0);
            for r in 0..n {
                let mut x = a[r].clone();
                x[i] = b[r][i];
                let fab = f(&x);
                // f(B) and f(AB_i) share only X_i: E[(f(B) − f(AB_i))²]/2 = V − V_i;
                // f(A) and f(AB_i) share all but X_i: E[(f(A) − f(AB_i))²]/2 = V·S_Ti
                first += (fb[r] - fab).powi(2);
                total += (fa[r] - fab).powi(2);
            }
            let half = 2.0 * n as f64 * v;
            [1.0 - first / half, total / half]
        })
        .collect()
}
