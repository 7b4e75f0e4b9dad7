//! Probability distributions for uncertain inputs (SPEC §4.4, §5): parsed from a scenario's
//! `{ dist = "…", … }` table and validated with messages that say what is allowed.

use std::sync::Arc;

use serde::Serialize;

pub mod beta;
mod normal;
pub mod table;

pub use normal::inverse_normal;

/// A validated distribution. Zero-width forms (min = max, sd = 0) are allowed and always give
/// their single value, so a Monte Carlo run with them reproduces the deterministic result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound (≥ min).
        max: f64,
    },
    /// Triangular with the given mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value, min ≤ mode ≤ max.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// PERT (a scaled beta with shape 4 around the mode).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal, optionally truncated to [min, max].
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
        /// Optional lower truncation.
        min: Option<f64>,
        /// Optional upper truncation.
        max: Option<f64>,
    },
    /// Lognormal given by the mean and sd of the variable itself (not of its logarithm).
    Lognormal {
        /// Mean of the variable (> 0).
        mean: f64,
        /// Standard deviation of the variable (≥ 0).
        sd: f64,
    },
    /// Beta(α, β) on [0, 1].
    Beta {
        /// Shape α > 0.
        alpha: f64,
        /// Shape β > 0.
        beta: f64,
    },
    /// A success rate from a pilot's own result: Beta(k + 1, n − k + 1), the posterior of the
    /// rate after k successes among n participants from a uniform prior, minus the share that
    /// would have succeeded anyway (`counterfactual`, 0 by default). Success rates only.
    Pilot {
        /// Successes k (a whole number, 0 ≤ k ≤ n).
        successes: f64,
        /// Participants n (a whole number ≥ 1).
        participants: f64,
        /// Subtracted from every draw (a share, 0 ≤ c < 1).
        counterfactual: f64,
    },
    /// A success rate from an effect size: d ~ Normal(mean, se) mapped through
    /// s = Φ(Φ⁻¹(p0) + d) − p0 (SPEC §3.2), p0 the baseline rate. Success rates only.
    #[serde(rename = "effect_size")]
    EffectSize {
        /// Mean of Cohen's d.
        mean: f64,
        /// Standard error of d (≥ 0).
        se: f64,
        /// Baseline rate p0, 0 < p0 < 1.
        baseline: f64,
    },
}

/// Distributions that describe a success rate only (not a factor).
pub const SUCCESS_ONLY: [&str; 2] = ["pilot", "effect_size"];

/// A distribution that cannot be used, in words: what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

/// The distribution names a scenario may use.
pub const DIST_NAMES: [&str; 9] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "pilot",
    "effect_size",
];

impl Dist {
    /// Parses `dist` and its parameters from `get(name)`; `extra` names keys the caller handles
    /// itself (e.g. `per`). Returns a message saying what is wrong and what is allowed.
    pub fn parse(
        dist: &str,
        get: &dyn Fn(&str) -> Option<f64>,
        keys: &[String],
        extra: &[&str],
    ) -> Result<Dist, DistError> {
        let allowed: &[&str] = match dist {
            "fixed" => &["value"],
            "uniform" => &["min", "max"],
            "triangular" | "pert" => &["min", "mode", "max"],
            "normal" => &["mean", "sd", "min", "max"],
            "lognormal" => &["mean", "sd"],
            "beta" => &["alpha", "beta", "mean", "sd"],
            "pilot" => &["successes", "participants", "counterfactual"],
            "effect_size" => &["mean", "se", "baseline"],
            other => {
                return Err(DistError(format!(
                    "unknown distribution \"{other}\"{}; allowed: {}",
                    crate::text::suggest(other, DIST_NAMES)
                        .map(|s| format!(" (did you mean \"{s}\"?)"))
                        .unwrap_or_default(),
                    DIST_NAMES.join(", ")
                )));
            }
        };
        for k in keys {
            if k != "dist"
                && k != "note"
                && k != "source"
                && !allowed.contains(&k.as_str())
                && !extra.contains(&k.as_str())
            {
                let mut all: Vec<&str> = allowed.to_vec();
                all.extend_from_slice(extra);
                return Err(DistError(format!(
                    "\"{k}\" is not a parameter of a {dist} distribution{}; it takes {}",
                    crate::text::suggest(k, all.iter().copied())
                        .map(|s| format!(" (did you mean \"{s}\"?)"))
                        .unwrap_or_default(),
                    allowed.join(", ")
                )));
            }
        }
        let need = |k: &str| -> Result<f64, DistError> {
            get(k).ok_or_else(|| {
                DistError(format!(
                    "a {dist} distribution needs `{k}` (it takes {})",
                    allowed.join(", ")
                ))
            })
        };
        let d = match dist {
            "fixed" => Dist::Fixed {
                value: need("value")?,
            },
            "uniform" => {
                let (min, max) = (need("min")?, need("max")?);
                if min > max {
                    return Err(DistError(format!(
                        "uniform needs min ≤ max, got min {min} > max {max}"
                    )));
                }
                Dist::Uniform { min, max }
            }
            "triangular" | "pert" => {
                let (min, mode, max) = (need("min")?, need("mode")?, need("max")?);
                if !(min <= mode && mode <= max) {
                    return Err(DistError(format!(
                        "{dist} needs min ≤ mode ≤ max, got min {min}, mode {mode}, max {max}"
                    )));
                }
                if dist == "pert" {
                    Dist::Pert { min, mode, max }
                } else {
                    Dist::Triangular { min, mode, max }
                }
            }
            "normal" => {
                let (mean, sd) = (need("mean")?, need("sd")?);
                if sd < 0.0 {
                    return Err(DistError(format!("normal needs sd ≥ 0, got {sd}")));
                }
                let (min, max) = (get("min"), get("max"));
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    return Err(DistError(format!(
                        "normal truncation needs min ≤ max, got min {a} > max {b}"
                    )));
                }
                if min.is_some_and(|a| a > mean + 8.0 * sd)
                    || max.is_some_and(|b| b < mean - 8.0 * sd)
                {
                    return Err(DistError(format!(
                        "the truncation [{}, {}] leaves no probability for a normal with mean {mean} and sd {sd}",
                        min.map_or("-inf".into(), |v| v.to_string()),
                        max.map_or("inf".into(), |v| v.to_string())
                    )));
                }
                Dist::Normal { mean, sd, min, max }
            }
            "lognormal" => {
                let (mean, sd) = (need("mean")?, need("sd")?);
                if mean <= 0.0 || sd < 0.0 {
                    return Err(DistError(format!(
                        "lognormal needs mean > 0 and sd ≥ 0 (of the variable itself), got mean {mean}, sd {sd}"
                    )));
                }
                Dist::Lognormal { mean, sd }
            }
            "beta" => match (get("alpha"), get("beta"), get("mean"), get("sd")) {
                (Some(alpha), Some(beta), None, None) => {
                    if alpha <= 0.0 || beta <= 0.0 {
                        return Err(DistError(format!(
                            "beta needs alpha > 0 and beta > 0, got {alpha}, {beta}"
                        )));
                    }
                    Dist::Beta { alpha, beta }
                }
                (None, None, Some(mean), Some(sd)) => {
                    if !(mean > 0.0 && mean < 1.0) {
                        return Err(DistError(format!(
                            "beta by mean and sd needs 0 < mean < 1, got {mean}"
                        )));
                    }
                    let max_sd = (mean * (1.0 - mean)).sqrt();
                    if !(sd > 0.0 && sd < max_sd) {
                        return Err(DistError(format!(
                            "a beta with mean {mean} needs 0 < sd < {max_sd:.4} (√(mean·(1−mean))), got {sd}"
                        )));
                    }
                    let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
                    Dist::Beta {
                        alpha: mean * k,
                        beta: (1.0 - mean) * k,
                    }
                }
                _ => {
                    return Err(DistError(
                        "beta takes either alpha and beta, or mean and sd".into(),
                    ));
                }
            },
            "pilot" => {
                let (k, n) = (need("successes")?, need("participants")?);
                let c = get("counterfactual").unwrap_or(0.0);
                if !(n >= 1.0 && n.fract() == 0.0) {
                    return Err(DistError(format!(
                        "a pilot needs a whole number of participants ≥ 1, got {n}"
                    )));
                }
                if !(k >= 0.0 && k <= n && k.fract() == 0.0) {
                    return Err(DistError(format!(
                        "a pilot's successes are a whole number from 0 to its participants ({n}), got {k}"
                    )));
                }
                if !(0.0..1.0).contains(&c) {
                    return Err(DistError(format!(
                        "a pilot's counterfactual is the share that would have succeeded anyway, from 0 up to 1 (0.05 for 5 %), got {c}"
                    )));
                }
                Dist::Pilot {
                    successes: k,
                    participants: n,
                    counterfactual: c,
                }
            }
            "effect_size" => {
                let (mean, se, p0) = (need("mean")?, need("se")?, need("baseline")?);
                if !(se >= 0.0 && se.is_finite() && mean.is_finite()) {
                    return Err(DistError(format!(
                        "an effect size needs a finite mean and se ≥ 0, got mean {mean}, se {se}"
                    )));
                }
                if !(p0 > 0.0 && p0 < 1.0) {
                    return Err(DistError(format!(
                        "an effect size needs the baseline rate as a share strictly between 0 and 1 (0.2 for 20 %), got {p0}"
                    )));
                }
                Dist::EffectSize {
                    mean,
                    se,
                    baseline: p0,
                }
            }
            _ => unreachable!("checked above"),
        };
        Ok(d)
    }

    /// The value a draw gives at its centre (the mode/mean), for display.
    pub fn centre(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => mode,
            Dist::Normal { mean, .. } | Dist::Lognormal { mean, .. } => mean,
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::Pilot {
                successes,
                participants,
                counterfactual,
            } => (successes + 1.0) / (participants + 2.0) - counterfactual,
            Dist::EffectSize { mean, baseline, .. } => effect_to_rate(mean, baseline),
        }
    }
}

/// A distribution ready to draw by inversion: every draw is `quantile(u)` of one uniform u in
/// (0, 1), so two interventions that share an input share u (common random numbers) even when
/// their distributions differ.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// A single value.
    Fixed(f64),
    /// min + u·(max − min).
    Uniform(f64, f64),
    /// Triangular: min, mode, max, F(mode).
    Triangular(f64, f64, f64, f64),
    /// min + width·Q(u) for Beta(α, β) (PERT and beta): Q from the parameters' table, exact
    /// where the table leaves it (the far tails).
    Beta {
        /// The lower end.
        min: f64,
        /// max − min.
        width: f64,
        /// Shape α.
        alpha: f64,
        /// Shape β.
        beta: f64,
        /// Q(u) tabled for these shapes.
        table: Arc<table::Table>,
    },
    /// mean + sd·Φ⁻¹(F(a) + u·(F(b) − F(a))): a normal truncated to [a, b].
    Normal(f64, f64, f64, f64),
    /// exp(μ + σ·Φ⁻¹(u)): μ, σ, and the quantile tabled for them (exact where the table leaves
    /// it, the far tails).
    Lognormal(f64, f64, Arc<table::Table>),
    /// Φ(z0 + mean + se·Φ⁻¹(u)) − p0: an effect size's draw as a success rate (z0 = Φ⁻¹(p0)).
    EffectSize {
        /// Mean of d.
        mean: f64,
        /// Standard error of d.
        se: f64,
        /// Φ⁻¹(p0).
        z0: f64,
        /// The baseline rate p0.
        p0: f64,
    },
}

/// The success rate of effect size d over the baseline rate p0: Φ(Φ⁻¹(p0) + d) − p0 (SPEC §3.2,
/// as [`crate::scenario::SuccessRateInput`] resolves it).
pub fn effect_to_rate(d: f64, p0: f64) -> f64 {
    use statrs::distribution::ContinuousCDF;
    let n = std_normal();
    n.cdf(n.inverse_cdf(p0) + d) - p0
}

fn std_normal() -> statrs::distribution::Normal {
    // mean 0, sd 1 is always a valid normal
    statrs::distribution::Normal::standard()
}

impl Sampler {
    /// Prepares `d` for drawing.
    pub fn new(d: &Dist) -> Sampler {
        // shapes that are not finite (never from a validated scenario) give the mean instead
        let beta = |min: f64, width: f64, alpha: f64, b: f64| {
            if alpha.is_finite() && b.is_finite() && alpha > 0.0 && b > 0.0 {
                Sampler::Beta {
                    min,
                    width,
                    alpha,
                    beta: b,
                    table: beta::table(alpha, b),
                }
            } else {
                Sampler::Fixed(min + width * alpha / (alpha + b))
            }
        };
        match *d {
            Dist::Fixed { value } => Sampler::Fixed(value),
            Dist::Uniform { min, max } if min == max => Sampler::Fixed(min),
            Dist::Uniform { min, max } => Sampler::Uniform(min, max - min),
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } if min == max => {
                Sampler::Fixed(min)
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(min, mode, max, (mode - min) / (max - min))
            }
            Dist::Pert { min, mode, max } => {
                let a = 1.0 + 4.0 * (mode - min) / (max - min);
                let b = 1.0 + 4.0 * (max - mode) / (max - min);
                beta(min, max - min, a, b)
            }
            Dist::Beta { alpha, beta: b } => beta(0.0, 1.0, alpha, b),
            Dist::Pilot {
                successes,
                participants,
                counterfactual,
            } => beta(
                -counterfactual,
                1.0,
                successes + 1.0,
                participants - successes + 1.0,
            ),
            Dist::EffectSize { mean, se, baseline } => {
                if se == 0.0 {
                    return Sampler::Fixed(effect_to_rate(mean, baseline));
                }
                use statrs::distribution::ContinuousCDF;
                Sampler::EffectSize {
                    mean,
                    se,
                    z0: std_normal().inverse_cdf(baseline),
                    p0: baseline,
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                if sd == 0.0 {
                    let v = min.map_or(mean, |a| mean.max(a));
                    return Sampler::Fixed(max.map_or(v, |b| v.min(b)));
                }
                use statrs::distribution::ContinuousCDF;
                let n = std_normal();
                let fa = min.map_or(0.0, |a| n.cdf((a - mean) / sd));
                let fb = max.map_or(1.0, |b| n.cdf((b - mean) / sd));
                Sampler::Normal(mean, sd, fa, fb - fa)
            }
            Dist::Lognormal { mean, sd } => {
                if sd == 0.0 {
                    return Sampler::Fixed(mean);
                }
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                let (mu, sigma) = (mean.ln() - 0.5 * s2, s2.sqrt());
                let table = table::cached([1, mu.to_bits(), sigma.to_bits()], || {
                    table::Table::new(&|upper, v| {
                        let z = inverse_normal(v);
                        (mu + sigma * if upper { -z } else { z }).exp()
                    })
                });
                Sampler::Lognormal(mu, sigma, table)
            }
        }
    }

    /// The draw for the uniform `u` in (0, 1).
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(min, width) => min + u * width,
            Sampler::Triangular(min, mode, max, fc) => {
                if u < *fc {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Sampler::Normal(mean, sd, fa, w) => {
                mean + sd * normal::draw(normal::truncated(u, *fa, *w))
            }
            Sampler::Lognormal(_, _, table) => table.get(u).unwrap_or_else(|| self.exact(u)),
            Sampler::Beta {
                min, width, table, ..
            } => {
                // a table's polynomial may round a hair outside [0, 1]
                let x = table.get(u).unwrap_or_else(|| self.exact(u));
                min + width * x.clamp(0.0, 1.0)
            }
            Sampler::EffectSize { mean, se, z0, p0 } => {
                use statrs::distribution::ContinuousCDF;
                let d = mean + se * inverse_normal(normal::truncated(u, 0.0, 1.0));
                std_normal().cdf(z0 + d) - p0
            }
        }
    }

    /// The exact quantile of a tabled distribution where its table leaves it (the far tails;
    /// kept out of the inner loop): of the beta itself (before min + width·x), of the lognormal.
    #[inline(never)]
    fn exact(&self, u: f64) -> f64 {
        match self {
            Sampler::Beta { alpha, beta, .. } => beta::quantile(*alpha, *beta, u.clamp(0.0, 1.0)),
            Sampler::Lognormal(mu, sigma, _) => {
                (mu + sigma * inverse_normal(normal::truncated(u, 0.0, 1.0))).exp()
            }
            _ => f64::NAN,
        }
    }

    /// `table`'s values for the uniforms `u` into `out`, the exact ones where it leaves them.
    #[inline(always)]
    fn tabled_into<const AVX: bool>(&self, table: &table::Table, u: &[f64], out: &mut [f64]) {
        if !table.get_into::<AVX>(u, out) {
            for (o, u) in out.iter_mut().zip(u) {
                if o.is_nan() {
                    *o = self.exact(*u);
                }
            }
        }
    }

    /// The draws for the uniforms `u`, into `out` (as long as `u`): bit for bit
    /// [`Sampler::quantile`] of each, computed a block at a time so that the compiler can
    /// vectorise the arithmetic (a block shares one distribution); tables are read with AVX2
    /// gathers when `AVX` (only ever true on paths entered after detecting AVX2).
    #[inline(always)]
    pub fn quantiles<const AVX: bool>(&self, u: &[f64], out: &mut [f64]) {
        let out = &mut out[..u.len()];
        match self {
            Sampler::Fixed(v) => out.fill(*v),
            Sampler::Uniform(min, width) => {
                for (o, u) in out.iter_mut().zip(u) {
                    *o = min + u * width;
                }
            }
            Sampler::Triangular(min, mode, max, fc) => {
                // both branches for every draw, then the one that applies: no jumps
                for (o, &u) in out.iter_mut().zip(u) {
                    let below = min + (u * (max - min) * (mode - min)).sqrt();
                    let above = max - ((1.0 - u) * (max - min) * (max - mode)).sqrt();
                    *o = if u < *fc { below } else { above };
                }
            }
            Sampler::Normal(mean, sd, fa, w) => {
                normal::draws_into::<AVX>(u, out, (*fa, *w), (*mean, *sd));
            }
            Sampler::Lognormal(_, _, table) => self.tabled_into::<AVX>(table, u, out),
            Sampler::Beta {
                min, width, table, ..
            } => {
                self.tabled_into::<AVX>(table, u, out);
                for o in out.iter_mut() {
                    *o = min + width * o.clamp(0.0, 1.0);
                }
            }
            Sampler::EffectSize { .. } => {
                for (o, u) in out.iter_mut().zip(u) {
                    *o = self.quantile(*u);
                }
            }
        }
    }

    /// The mean and variance of a draw, in closed form: the uniform's, the triangle's, the
    /// scaled beta's (PERT), the truncated normal's (with α, β the standardised truncation
    /// points, Z = Φ(β) − Φ(α): mean μ + σ(φ(α) − φ(β))/Z, variance σ²(1 + (αφ(α) − βφ(β))/Z −
    /// ((φ(α) − φ(β))/Z)²)) and the lognormal's.
    pub fn moments(&self) -> (f64, f64) {
        match self {
            Sampler::Fixed(v) => (*v, 0.0),
            Sampler::Uniform(min, w) => (min + 0.5 * w, w * w / 12.0),
            Sampler::Triangular(a, c, b, _) => (
                (a + b + c) / 3.0,
                ((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0).max(0.0),
            ),
            Sampler::Beta {
                min,
                width,
                alpha,
                beta,
                ..
            } => {
                let s = alpha + beta;
                (
                    min + width * alpha / s,
                    width * width * alpha * beta / (s * s * (s + 1.0)),
                )
            }
            Sampler::Normal(mean, sd, fa, w) => {
                use statrs::distribution::Continuous;
                let n = std_normal();
                // φ(z) and z·φ(z) vanish at ±∞
                let end = |f: f64| -> (f64, f64) {
                    if f <= 0.0 || f >= 1.0 {
                        (0.0, 0.0)
                    } else {
                        let z = inverse_normal(f);
                        (n.pdf(z), z * n.pdf(z))
                    }
                };
                let ((pa, za), (pb, zb)) = (end(*fa), end(fa + w));
                let m = (pa - pb) / w;
                (
                    mean + sd * m,
                    (sd * sd * (1.0 + (za - zb) / w - m * m)).max(0.0),
                )
            }
            Sampler::Lognormal(mu, sigma, _) => {
                let s2 = sigma * sigma;
                (
                    (mu + 0.5 * s2).exp(),
                    (s2.exp() - 1.0) * (2.0 * mu + s2).exp(),
                )
            }
            Sampler::EffectSize { .. } => {
                // no closed form: the midpoint rule on the quantile function (a bounded draw)
                let n = 1 << 16;
                let q: Vec<f64> = (0..n)
                    .map(|i| self.quantile((i as f64 + 0.5) / n as f64))
                    .collect();
                let m = q.iter().sum::<f64>() / n as f64;
                (
                    m,
                    q.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64,
                )
            }
        }
    }

    /// The smallest value a draw can take (−∞ when unbounded).
    pub fn lower_bound(&self) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(min, _) | Sampler::Triangular(min, ..) | Sampler::Beta { min, .. } => {
                *min
            }
            Sampler::Normal(mean, sd, fa, _) => {
                if *fa > 0.0 {
                    mean + sd * inverse_normal(*fa)
                } else {
                    f64::NEG_INFINITY
                }
            }
            Sampler::Lognormal(..) => 0.0,
            Sampler::EffectSize { p0, .. } => -p0,
        }
    }

    /// The largest value a draw can take (+∞ when unbounded).
    pub fn upper_bound(&self) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(min, width) | Sampler::Beta { min, width, .. } => min + width,
            Sampler::Triangular(_, _, max, _) => *max,
            Sampler::Normal(mean, sd, fa, w) => {
                if fa + w < 1.0 {
                    mean + sd * inverse_normal(fa + w)
                } else {
                    f64::INFINITY
                }
            }
            Sampler::Lognormal(..) => f64::INFINITY,
            Sampler::EffectSize { p0, .. } => 1.0 - p0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(dist: &str, kv: &[(&str, f64)]) -> Result<Dist, DistError> {
        let keys: Vec<String> = kv.iter().map(|(k, _)| k.to_string()).collect();
        let get = |k: &str| kv.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        Dist::parse(dist, &get, &keys, &[])
    }

    #[test]
    fn beta_by_mean_and_sd() {
        // mean 0.2, sd 0.1: k = 0.16/0.01 - 1 = 15, alpha = 3, beta = 12
        let d = parse("beta", &[("mean", 0.2), ("sd", 0.1)]).unwrap();
        match d {
            Dist::Beta { alpha, beta } => {
                assert!((alpha - 3.0).abs() < 1e-12 && (beta - 12.0).abs() < 1e-12)
            }
            _ => panic!("not a beta"),
        }
    }

    #[test]
    fn impossible_parameters_are_refused_with_reasons() {
        assert!(
            parse("beta", &[("mean", 0.2), ("sd", 0.5)])
                .unwrap_err()
                .0
                .contains("sd <")
        );
        assert!(
            parse("uniform", &[("min", 2.0), ("max", 1.0)])
                .unwrap_err()
                .0
                .contains("min ≤ max")
        );
        assert!(parse("triangular", &[("min", 0.0), ("mode", 2.0), ("max", 1.0)]).is_err());
        assert!(
            parse("unifrom", &[])
                .unwrap_err()
                .0
                .contains("did you mean \"uniform\"")
        );
        assert!(
            parse("uniform", &[("min", 0.0), ("mx", 1.0)])
                .unwrap_err()
                .0
                .contains("did you mean \"max\"")
        );
        assert!(parse("normal", &[("mean", 0.0), ("sd", -1.0)]).is_err());
    }

    fn q(dist: &str, kv: &[(&str, f64)], u: f64) -> f64 {
        Sampler::new(&parse(dist, kv).unwrap()).quantile(u)
    }

    #[test]
    fn quantiles_by_hand() {
        // uniform(0.8, 1.2) at u = 0.25: 0.9
        assert!((q("uniform", &[("min", 0.8), ("max", 1.2)], 0.25) - 0.9).abs() < 1e-15);
        // triangular(0, 1, 2): F(1) = 0.5; at u = 0.125, x = sqrt(0.125·2·1) = 0.5
        let t = [("min", 0.0), ("mode", 1.0), ("max", 2.0)];
        assert!((q("triangular", &t, 0.125) - 0.5).abs() < 1e-15);
        assert!((q("triangular", &t, 0.875) - 1.5).abs() < 1e-15);
        // normal(1, 0.1) median 1; truncated to [1, ∞): median 1 + 0.1·Φ⁻¹(0.75) = 1.0674490
        assert!((q("normal", &[("mean", 1.0), ("sd", 0.1)], 0.5) - 1.0).abs() < 1e-12);
        let tn = q("normal", &[("mean", 1.0), ("sd", 0.1), ("min", 1.0)], 0.5);
        assert!((tn - 1.067_448_975).abs() < 1e-8, "{tn}");
        // PERT(0, 0.5, 1) is beta(3, 3): symmetric, median 0.5
        let pert = q("pert", &[("min", 0.0), ("mode", 0.5), ("max", 1.0)], 0.5);
        assert!((pert - 0.5).abs() < 1e-9);
        // lognormal mean 1, sd 0.5: median = exp(μ) = 1/sqrt(1.25)
        let ln = q("lognormal", &[("mean", 1.0), ("sd", 0.5)], 0.5);
        assert!((ln - 1.0 / 1.25f64.sqrt()).abs() < 1e-9);
        // zero width gives the value itself
        assert_eq!(q("uniform", &[("min", 0.3), ("max", 0.3)], 0.9), 0.3);
        assert_eq!(q("normal", &[("mean", 0.3), ("sd", 0.0)], 0.9), 0.3);
    }

    #[test]
    fn bounds_by_hand_and_every_draw_within_them() {
        type Case<'a> = (&'a str, &'a [(&'a str, f64)], f64, f64);
        let cases: [Case; 7] = [
            ("uniform", &[("min", 0.8), ("max", 1.2)], 0.8, 1.2),
            (
                "triangular",
                &[("min", 0.1), ("mode", 0.25), ("max", 0.4)],
                0.1,
                0.4,
            ),
            (
                "pert",
                &[("min", 0.5), ("mode", 1.0), ("max", 2.0)],
                0.5,
                2.0,
            ),
            ("beta", &[("alpha", 2.0), ("beta", 5.0)], 0.0, 1.0),
            // normal(1, 0.1) truncated to [0.9, 1.1]
            (
                "normal",
                &[("mean", 1.0), ("sd", 0.1), ("min", 0.9), ("max", 1.1)],
                0.9,
                1.1,
            ),
            (
                "normal",
                &[("mean", 1.0), ("sd", 0.1)],
                f64::NEG_INFINITY,
                f64::INFINITY,
            ),
            (
                "lognormal",
                &[("mean", 1.0), ("sd", 0.5)],
                0.0,
                f64::INFINITY,
            ),
        ];
        for (dist, kv, lo, hi) in cases {
            let s = Sampler::new(&parse(dist, kv).unwrap());
            let (a, b) = (s.lower_bound(), s.upper_bound());
            assert!(
                (a - lo).abs() < 1e-9 || a == lo,
                "{dist}: lower {a}, want {lo}"
            );
            assert!(
                (b - hi).abs() < 1e-9 || b == hi,
                "{dist}: upper {b}, want {hi}"
            );
            for i in 0..=1000 {
                let v = s.quantile(f64::from(i) / 1000.0 * (1.0 - 1e-12));
                assert!(
                    v >= a - 1e-12 && v <= b + 1e-12,
                    "{dist}: {v} outside [{a}, {b}]"
                );
            }
        }
    }

    #[test]
    fn moments_in_closed_form_equal_the_quantile_functions_integral() {
        // hand values: U(2, 5): mean 3.5, var 9/12; T(0, 1, 4): mean 5/3, var (0+16+1-0-0-4)/18
        assert_eq!(Sampler::Uniform(2.0, 3.0).moments(), (3.5, 0.75));
        let (m, v) = Sampler::Triangular(0.0, 1.0, 4.0, 0.25).moments();
        assert!((m - 5.0 / 3.0).abs() < 1e-15 && (v - 13.0 / 18.0).abs() < 1e-15);
        // every form against the midpoint rule on its quantile function
        let forms = [
            Dist::Pert {
                min: 0.8,
                mode: 0.9,
                max: 1.3,
            },
            Dist::Beta {
                alpha: 3.0,
                beta: 12.0,
            },
            Dist::Normal {
                mean: 1.0,
                sd: 0.2,
                min: None,
                max: None,
            },
            Dist::Normal {
                mean: 0.15,
                sd: 0.1,
                min: Some(0.0),
                max: Some(0.3),
            },
            Dist::Normal {
                mean: 1.0,
                sd: 0.3,
                min: Some(0.9),
                max: None,
            },
            Dist::Lognormal {
                mean: 1.0,
                sd: 0.25,
            },
        ];
        let n = 1 << 20;
        for d in forms {
            let s = Sampler::new(&d);
            let (m, v) = s.moments();
            let q: Vec<f64> = (0..n)
                .map(|i| s.quantile((i as f64 + 0.5) / n as f64))
                .collect();
            let qm = q.iter().sum::<f64>() / n as f64;
            let qv = q.iter().map(|x| (x - qm).powi(2)).sum::<f64>() / n as f64;
            assert!(
                (m - qm).abs() < 1e-6 * (1.0 + m.abs()),
                "{d:?}: mean {m} vs {qm}"
            );
            assert!((v - qv).abs() < 1e-4 * v, "{d:?}: var {v} vs {qv}");
        }
    }

    #[test]
    fn a_pilot_and_an_effect_size_against_independent_quantiles() {
        // k = 4 of n = 25: Beta(5, 22); scipy.stats.beta.ppf(q, 5, 22)
        let pilot = parse("pilot", &[("successes", 4.0), ("participants", 25.0)]).unwrap();
        let s = Sampler::new(&pilot);
        for (q, want) in [
            (0.05, 0.07898571028519465),
            (0.5, 0.17735077396280782),
            (0.95, 0.31824178925036417),
        ] {
            assert!(
                (s.quantile(q) - want).abs() < 1e-9,
                "{q}: {}",
                s.quantile(q)
            );
        }
        assert!((pilot.centre() - 5.0 / 27.0).abs() < 1e-15);
        // the counterfactual is subtracted from every draw
        let with = parse(
            "pilot",
            &[
                ("successes", 4.0),
                ("participants", 25.0),
                ("counterfactual", 0.05),
            ],
        )
        .unwrap();
        let t = Sampler::new(&with);
        assert!((t.quantile(0.5) - (0.17735077396280782 - 0.05)).abs() < 1e-9);
        assert!((t.lower_bound() + 0.05).abs() < 1e-15);
        // d ~ N(0.3, 0.12), p0 = 0.2: Φ(Φ⁻¹(0.2) + d) − 0.2 with Python's statistics.NormalDist
        let e = parse(
            "effect_size",
            &[("mean", 0.3), ("se", 0.12), ("baseline", 0.2)],
        )
        .unwrap();
        let s = Sampler::new(&e);
        for (q, want) in [
            (0.05, 0.029952384781013197),
            (0.5, 0.094039730574699),
            (0.95, 0.16533335320762937),
        ] {
            assert!(
                (s.quantile(q) - want).abs() < 1e-7,
                "{q}: {}",
                s.quantile(q)
            );
        }
        let mut out = [0.0; 3];
        s.quantiles::<false>(&[0.05, 0.5, 0.95], &mut out);
        assert_eq!(out[1], s.quantile(0.5));
        // its moments by quadrature agree with sampling the quantile function more finely
        let (m, v) = s.moments();
        let n = 1 << 20;
        let q: Vec<f64> = (0..n)
            .map(|i| s.quantile((i as f64 + 0.5) / n as f64))
            .collect();
        let qm = q.iter().sum::<f64>() / n as f64;
        assert!((m - qm).abs() < 1e-6 && v > 0.0, "{m} vs {qm}");
        // zero se: the deterministic conversion
        let fixed = parse(
            "effect_size",
            &[("mean", 0.3), ("se", 0.0), ("baseline", 0.2)],
        )
        .unwrap();
        assert!(
            matches!(Sampler::new(&fixed), Sampler::Fixed(x) if (x - 0.094039730574699).abs() < 1e-12)
        );
    }

    #[test]
    fn impossible_pilots_and_effect_sizes_are_refused_with_reasons() {
        let err = |d: &str, kv: &[(&str, f64)]| parse(d, kv).unwrap_err().0;
        assert!(err("pilot", &[("successes", 30.0), ("participants", 25.0)]).contains("from 0 to"));
        assert!(err("pilot", &[("successes", 2.5), ("participants", 25.0)]).contains("whole"));
        assert!(err("pilot", &[("successes", 2.0), ("participants", 0.0)]).contains("≥ 1"));
        assert!(
            err(
                "pilot",
                &[
                    ("successes", 2.0),
                    ("participants", 9.0),
                    ("counterfactual", 5.0)
                ]
            )
            .contains("0.05 for 5 %")
        );
        assert!(err("pilot", &[("participants", 9.0)]).contains("needs `successes`"));
        assert!(
            err(
                "effect_size",
                &[("mean", 0.3), ("se", -1.0), ("baseline", 0.2)]
            )
            .contains("se ≥ 0")
        );
        assert!(
            err(
                "effect_size",
                &[("mean", 0.3), ("se", 0.1), ("baseline", 20.0)]
            )
            .contains("0.2 for 20 %")
        );
    }
}
