//! The beta quantile (PERT and beta inputs): exact by a safeguarded Newton iteration on statrs'
//! regularized incomplete beta (not statrs' inverse, which panics for some small shapes), and
//! tabled per parameter pair for the inner loop ([`super::table`]).

use std::sync::Arc;

use statrs::function::beta::{beta_reg, ln_beta};

use super::table::{self, Table};

/// Q(v) of Beta(a, b) where it is at most ½ (v ≤ I_½(a, b)), to about 1e-15
/// relative: from the small-x approximation, Newton steps in y = ln x on ln I_x(a, b) = ln v
/// (near 0, I_x ≈ K·xᵃ is linear in y, so even a tiny α converges at once), kept inside a
/// bracket in y (bisection there, geometric in x, when a step leaves it).
pub fn lower_quantile(a: f64, b: f64, v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let ln_b = ln_beta(a, b);
    // ln of the smallest positive double, and of 1
    let (mut lo, mut hi) = (-745.0f64, 0.0f64);
    // the start: near 0, I_x ≈ xᵃ / (a·B(a, b)), so ln x ≈ (ln v + ln a + ln B) / a
    let y0 = (v.ln() + a.ln() + ln_b) / a;
    let mut y = if y0.is_finite() {
        y0.clamp(-740.0, -1e-3)
    } else {
        -1.0
    };
    for _ in 0..200 {
        let x = y.exp();
        let i = beta_reg(a, b, x.min(1.0));
        if i == v {
            break;
        }
        if i < v {
            lo = y;
        } else {
            hi = y;
        }
        // d ln I / dy = x·pdf(x) / I; ln I − ln v = ln(1 + (I − v)/v), exact near the root
        let x_pdf = (a * y + (b - 1.0) * (-x).ln_1p() - ln_b).exp();
        let step = ((i - v) / v).ln_1p() * i / x_pdf;
        let mut next = y - step;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - y).abs() <= 1e-16 || hi - lo <= 1e-16;
        y = next;
        if done {
            break;
        }
    }
    y.exp()
}

/// The exact quantile of Beta(a, b) at u in (0, 1): where the quantile is at most ½ (u up to
/// I_½(a, b)) directly, above as 1 − Q of Beta(b, a) at 1 − u — so neither a tiny quantile
/// (a skewed beta's whole upper half can lie below 10⁻¹⁵) nor one next to 1 loses its digits.
pub fn quantile(a: f64, b: f64, u: f64) -> f64 {
    if u > 0.5 {
        // 1 − u is exact here
        upper_quantile(a, b, 1.0 - u)
    } else if u <= beta_reg(a, b, 0.5) {
        lower_quantile(a, b, u)
    } else {
        1.0 - lower_quantile(b, a, 1.0 - u)
    }
}

/// Q(1 − v) of Beta(a, b) for v ≤ ½, from v itself (1 − v would round away a small v's digits).
pub fn upper_quantile(a: f64, b: f64, v: f64) -> f64 {
    if 1.0 - v > beta_reg(a, b, 0.5) {
        1.0 - lower_quantile(b, a, v)
    } else {
        lower_quantile(a, b, 1.0 - v)
    }
}

/// The table of Beta(a, b)'s quantile, built once per parameter pair.
pub fn table(a: f64, b: f64) -> Arc<Table> {
    table::cached([0, a.to_bits(), b.to_bits()], || {
        Table::new(&|upper, v| {
            if upper {
                upper_quantile(a, b, v)
            } else {
                quantile(a, b, v)
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (α, β, u, Q(u)) for the exact double u, computed with mpmath at 60 digits (bisection on
    /// the regularized incomplete beta, on its complement for u > ½).
    #[allow(clippy::excessive_precision)]
    const REFERENCE: &[(f64, f64, f64, f64)] = &include!("beta_reference.in");

    #[test]
    fn the_exact_and_the_tabled_quantile_match_60_digit_references_from_tail_to_tail() {
        let mut worst: (f64, f64) = (0.0, 0.0);
        for &(a, b, u, want) in REFERENCE {
            let exact = quantile(a, b, u);
            let tabled = table(a, b).get(u).unwrap_or(exact);
            for (what, got) in [("exact", exact), ("tabled", tabled)] {
                let err = ((got - want) / want).abs();
                assert!(
                    err < 1e-12,
                    "{what} Beta({a}, {b}) at u = {u:e}: {got:e} against {want:e} ({err:e})"
                );
                let w = if what == "exact" {
                    &mut worst.0
                } else {
                    &mut worst.1
                };
                *w = w.max(err);
            }
        }
        // inside the 1e-12 asked for: 1.4e-13 at worst, for Beta(0.8, 12), where statrs' ln Γ
        // (in the incomplete beta's prefactor) is off by about 1e-13; 1e-14 for the others
        assert!(worst.0 < 2e-13 && worst.1 < 2e-13, "{worst:?}");
    }

    #[test]
    fn tables_agree_with_the_exact_quantile_everywhere_they_are_used() {
        // PERT(0.8, 1, 1.3) = Beta(2.6, 3.4); PERT(0.1, 0.25, 0.4) = Beta(3, 3); PERT with the
        // mode at the minimum (Beta(1, 5)); a U-shaped and a skewed beta
        for (a, b) in [(2.6, 3.4), (3.0, 3.0), (1.0, 5.0), (0.5, 0.5), (0.8, 12.0)] {
            let t = table(a, b);
            assert_eq!(t.share_exact(), 0.0, "Beta({a}, {b})");
            let mut worst = 0.0f64;
            for k in 1..50_000 {
                // uniform in the middle, and points running into both tails
                let u = f64::from(k) / 50_000.0;
                for u in [u, u.powi(8), 1.0 - u.powi(8)] {
                    if let Some(got) = t.get(u) {
                        let want = quantile(a, b, u);
                        worst = worst.max(((got - want) / want).abs());
                    }
                }
            }
            assert!(worst < 5e-13, "Beta({a}, {b}): {worst:e}");
        }
    }

    /// Shapes far from PERT's (a tiny or a huge α or β): the table builds, leaves to the exact
    /// quantile what it cannot follow, and every draw is in [0, 1] and nondecreasing in u.
    /// (The lower half's Newton iteration works in ln x: for α = 0.05 the quantile at u = 10⁻⁴
    /// is about 10⁻⁷⁴, which bisection in x from ½ would not reach.)
    #[test]
    fn extreme_shapes_give_draws_in_range_and_in_order() {
        for (a, b) in [
            (0.05, 0.05),
            (0.02, 3.0),
            (500.0, 500.0),
            (1e4, 2.0),
            (5.0, 1.0),
        ] {
            let s = super::super::Sampler::new(&super::super::Dist::Beta { alpha: a, beta: b });
            let mut last = 0.0f64;
            for k in 1..20_000 {
                let u = f64::from(k) / 20_000.0;
                let x = s.quantile(u);
                assert!((0.0..=1.0).contains(&x), "Beta({a}, {b}) at {u}: {x}");
                // within the tables' tolerance of nondecreasing
                assert!(
                    x >= last * (1.0 - 1e-12),
                    "Beta({a}, {b}) at {u}: {x} < {last}"
                );
                last = x;
            }
            for u in [1e-300, 1e-30, 1e-10, 1.0 - 1e-10, 1.0 - 1e-16] {
                let x = quantile(a, b, u);
                assert!((0.0..=1.0).contains(&x), "Beta({a}, {b}) at {u:e}: {x}");
            }
        }
    }

    #[test]
    fn the_same_parameters_share_one_table() {
        assert!(Arc::ptr_eq(&table(2.5, 4.5), &table(2.5, 4.5)));
    }
}
