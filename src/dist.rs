//! Probability distributions for uncertain inputs (SPEC §4.4, §5): parsed from a scenario's
//! `{ dist = "…", … }` table and validated with messages that say what is allowed.

use serde::Serialize;

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
}

/// A distribution that cannot be used, in words: what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

/// The distribution names a scenario may use.
pub const DIST_NAMES: [&str; 7] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
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
    /// min + (max − min)·B⁻¹(u) for a beta (PERT and beta).
    Beta(f64, f64, statrs::distribution::Beta),
    /// mean + sd·Φ⁻¹(F(a) + u·(F(b) − F(a))): a normal truncated to [a, b].
    Normal(f64, f64, f64, f64),
    /// exp(μ + σ·Φ⁻¹(u)).
    Lognormal(f64, f64),
}

fn std_normal() -> statrs::distribution::Normal {
    // mean 0, sd 1 is always a valid normal
    statrs::distribution::Normal::standard()
}

/// Horner's rule for the coefficients `c[0] + c[1]·r + … + c[7]·r⁷`.
#[inline(always)]
fn poly8(c: &[f64; 8], r: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, k| acc * r + k)
}

/// Φ⁻¹(p), the standard normal quantile, by Wichura's algorithm AS 241 (PPND16, Applied
/// Statistics 37(3), 1988, 477–484): rational approximations accurate to about 1 part in 10¹⁶
/// (tested against 40-digit reference values from the far tails to the centre). About as cheap
/// as a square root in the centre (|p − ½| ≤ 0.425, 85 % of draws), a logarithm and a square root
/// in the tails. `p` must lie in (0, 1).
#[inline(always)]
// the constants as the algorithm publishes them (more digits than a double holds)
#[allow(clippy::excessive_precision)]
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly8(&A, r) / poly8(&B, r);
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly8(&C, r) / poly8(&D, r)
    } else {
        let r = r - 5.0;
        poly8(&E, r) / poly8(&F, r)
    };
    if q < 0.0 { -x } else { x }
}

impl Sampler {
    /// Prepares `d` for drawing.
    pub fn new(d: &Dist) -> Sampler {
        use statrs::distribution::{Beta, ContinuousCDF};
        let beta = |a: f64, b: f64| Beta::new(a, b).ok();
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
                match beta(a, b) {
                    Some(bd) => Sampler::Beta(min, max - min, bd),
                    None => Sampler::Fixed(mode),
                }
            }
            Dist::Beta { alpha, beta: b } => match beta(alpha, b) {
                Some(bd) => Sampler::Beta(0.0, 1.0, bd),
                None => Sampler::Fixed(alpha / (alpha + b)),
            },
            Dist::Normal { mean, sd, min, max } => {
                if sd == 0.0 {
                    let v = min.map_or(mean, |a| mean.max(a));
                    return Sampler::Fixed(max.map_or(v, |b| v.min(b)));
                }
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
                Sampler::Lognormal(mean.ln() - 0.5 * s2, s2.sqrt())
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
                mean + sd
                    * inverse_normal(
                        (fa + u * w).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0),
                    )
            }
            Sampler::Lognormal(mu, sigma) => (mu
                + sigma * inverse_normal(u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)))
            .exp(),
            Sampler::Beta(..) => self.quantile_slow(u),
        }
    }

    /// The distributions that need a special function (kept out of the inner loop).
    #[inline(never)]
    fn quantile_slow(&self, u: f64) -> f64 {
        use statrs::distribution::ContinuousCDF;
        match self {
            Sampler::Beta(min, width, b) => min + width * b.inverse_cdf(u.clamp(0.0, 1.0)),
            _ => self.quantile(u),
        }
    }

    /// The smallest value a draw can take (−∞ when unbounded).
    pub fn lower_bound(&self) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(min, _) | Sampler::Triangular(min, ..) | Sampler::Beta(min, ..) => {
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
        }
    }

    /// The largest value a draw can take (+∞ when unbounded).
    pub fn upper_bound(&self) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(min, width) | Sampler::Beta(min, width, _) => min + width,
            Sampler::Triangular(_, _, max, _) => *max,
            Sampler::Normal(mean, sd, fa, w) => {
                if fa + w < 1.0 {
                    mean + sd * inverse_normal(fa + w)
                } else {
                    f64::INFINITY
                }
            }
            Sampler::Lognormal(..) => f64::INFINITY,
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
    #[allow(clippy::excessive_precision)] // reference values with all their digits
    fn the_inverse_normal_is_exact_to_double_precision_from_tail_to_tail() {
        // (p, Φ⁻¹(p)) for the exact double p, computed with mpmath at 80 digits
        let reference = [
            (1e-300, -37.04709629936119923655),
            (1e-100, -21.27345356096532429418),
            (1e-20, -9.262340089798407579572),
            (1e-10, -6.3613409024040561991),
            (1e-05, -4.264890793922824610234),
            (0.001, -3.090232306167813535358),
            (0.02425, -1.972961051311884837603),
            (0.1, -1.281551565544600435335),
            (0.3, -0.5244005127080408159695),
            (0.425, -0.1891184262727925184449),
            (0.5, 0.0),
            (0.6, 0.2533471031357997413247),
            (0.925, 1.439531470938456229063),
            (0.97575, 1.972961051311884959401),
            (0.999, 3.090232306167813277758),
            (0.99999, 4.264890793923840769948),
            (0.9999999999, 6.361340889697421864155),
            (0.9999999999999998, 8.125890664701906858508),
        ];
        for (p, x) in reference {
            let got = inverse_normal(p);
            let err = if x == 0.0 {
                got.abs()
            } else {
                ((got - x) / x).abs()
            };
            assert!(
                err < 1e-15,
                "p = {p:e}: {got} against {x} (relative error {err:e})"
            );
        }
        // symmetric, and increasing across the branch points 0.075 / 0.925 and r = 5
        for p in [1e-12, 1e-7, 0.01, 0.2, 0.45] {
            // 1 − p is rounded, so the two ends agree to the precision of 1 − p
            let (lo, hi) = (inverse_normal(p), inverse_normal(1.0 - p));
            assert!((lo + hi).abs() < 1e-4 * lo.abs(), "{p}: {lo} {hi}");
        }
        let mut last = f64::NEG_INFINITY;
        for k in 1..100_000 {
            let x = inverse_normal(k as f64 / 100_000.0);
            assert!(x > last, "increasing at {k}");
            last = x;
        }
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
}
