//! The beta quantile (PERT and beta inputs): exact by a safeguarded Newton iteration on the
//! regularized incomplete beta, and tabled per parameter pair for the inner loop
//! ([`super::table`]).

use std::sync::Arc;

use statrs::function::beta::{beta_reg, inv_beta_reg, ln_beta};

use super::table::{self, Table};

/// Q(v) of Beta(a, b) for v ≤ ½ (the lower half: x at or below the median), to about 1e-15
/// relative: statrs' inverse as the start, then Newton steps on I_x(a, b) − v kept inside a
/// bracket (bisection when a step leaves it).
pub fn lower_quantile(a: f64, b: f64, v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x = inv_beta_reg(a, b, v);
    if !(x > 0.0 && x < 1.0) {
        x = 0.5;
    }
    for _ in 0..100 {
        let i = beta_reg(a, b, x);
        if i == v {
            break;
        }
        if i < v {
            lo = x;
        } else {
            hi = x;
        }
        let pdf = ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b).exp();
        let mut next = x - (i - v) / pdf;
        if !(next > lo && next < hi) {
            next = if lo == 0.0 {
                0.5 * hi.min(x)
            } else {
                0.5 * (lo + hi)
            };
        }
        let done = (next - x).abs() <= 2e-16 * x;
        x = next;
        if done || hi - lo <= 1e-17 * x {
            break;
        }
    }
    x
}

/// The exact quantile of Beta(a, b) at u in (0, 1): the lower half directly, the upper half as
/// 1 − Q of Beta(b, a) at 1 − u (so the upper tail keeps its precision too).
pub fn quantile(a: f64, b: f64, u: f64) -> f64 {
    if u > 0.5 {
        1.0 - lower_quantile(b, a, 1.0 - u)
    } else {
        lower_quantile(a, b, u)
    }
}

/// The table of Beta(a, b)'s quantile, built once per parameter pair.
pub fn table(a: f64, b: f64) -> Arc<Table> {
    table::cached([0, a.to_bits(), b.to_bits()], || {
        Table::new(&|upper, v| {
            if upper {
                1.0 - lower_quantile(b, a, v)
            } else {
                lower_quantile(a, b, v)
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

    #[test]
    fn the_same_parameters_share_one_table() {
        assert!(Arc::ptr_eq(&table(2.5, 4.5), &table(2.5, 4.5)));
    }
}
