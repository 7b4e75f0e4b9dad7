//! Rank correlation between uncertain inputs (issue 17 item 1) through a Gaussian copula on the
//! draws' uniforms: each correlated input's uniform u becomes z = Φ⁻¹(u), the vector z is
//! multiplied by the Cholesky factor L of the normal correlation matrix R, and Φ(L·z) replaces
//! the uniforms. Every input stays the inverse CDF of its own (now correlated) uniform, so its
//! distribution is exactly as given. For normal scores, Spearman's ρ and the normal correlation r
//! are tied by ρ = (6/π)·asin(r/2), so asking for ρ means using r = 2·sin(π·ρ/6).
//!
//! The transform is applied to each block of uniforms as it is made (the engine's `rng::block`), per
//! draw, so every pass over the draws sees the same correlated uniforms, on any number of
//! threads.

use serde::Serialize;

use crate::dist::inverse_normal;

/// Below this a Cholesky pivot counts as zero (a semi-definite matrix: an input fully determined
/// by others).
const PIVOT_EPS: f64 = 1e-10;

/// The normal correlations r = 2·sin(π·ρ/6) of rank correlations ρ.
pub fn normal_of(rank: &[Vec<f64>]) -> Vec<Vec<f64>> {
    rank.iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, p)| {
                    if i == j {
                        1.0
                    } else {
                        2.0 * (std::f64::consts::PI * p / 6.0).sin()
                    }
                })
                .collect()
        })
        .collect()
}

/// The lower Cholesky factor of `r` (row-major, m × m), allowing a semi-definite matrix; `Err(k)`
/// when the matrix is not positive semi-definite, k the first row where that shows.
pub fn cholesky(r: &[Vec<f64>]) -> Result<Vec<f64>, usize> {
    let m = r.len();
    let mut l = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * m + k] * l[j * m + k]).sum();
            if i == j {
                let d = r[i][i] - s;
                if d < -PIVOT_EPS {
                    return Err(i);
                }
                l[i * m + i] = d.max(0.0).sqrt();
            } else if l[j * m + j] > PIVOT_EPS.sqrt() {
                l[i * m + j] = (r[i][j] - s) / l[j * m + j];
            } else if (r[i][j] - s).abs() > 1e-8 {
                // a zero pivot whose column is not zero: no factor exists
                return Err(i);
            }
        }
    }
    Ok(l)
}

/// The copula of one run: the correlated slots and the Cholesky factor.
#[derive(Debug, Clone)]
pub struct Copula {
    /// Slots of the correlated inputs, in the order of the matrix.
    pub slots: Vec<usize>,
    /// Lower Cholesky factor of the normal correlations, row-major.
    l: Vec<f64>,
    /// The inputs' names.
    pub names: Vec<String>,
    /// The rank correlations asked for.
    pub requested: Vec<Vec<f64>>,
}

impl Copula {
    /// The copula for inputs at `slots` with rank correlations `rank` (checked at load: a valid
    /// matrix); `None` if it is not one after all.
    pub fn new(slots: Vec<usize>, names: Vec<String>, rank: Vec<Vec<f64>>) -> Option<Copula> {
        let l = cholesky(&normal_of(&rank)).ok()?;
        Some(Copula {
            slots,
            l,
            names,
            requested: rank,
        })
    }

    /// Correlates the uniforms of `draws` draws (`ub`, `[draw][slots]`) in place.
    #[inline]
    pub fn apply(&self, ub: &mut [f64], slots: usize, draws: usize) {
        let m = self.slots.len();
        let mut z = vec![0.0; m];
        for d in 0..draws {
            let row = &mut ub[d * slots..(d + 1) * slots];
            for (z, s) in z.iter_mut().zip(&self.slots) {
                *z = inverse_normal(row[*s]);
            }
            for (i, s) in self.slots.iter().enumerate() {
                let x: f64 = (0..=i).map(|k| self.l[i * m + k] * z[k]).sum();
                // Φ(x), kept strictly inside (0, 1) where every quantile is finite
                row[*s] = phi(x).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
            }
        }
    }
}

/// Φ(x), the standard normal distribution function, by Hart's double-precision rational
/// approximation (1968) as given by West ("Better approximations to cumulative normal
/// functions", 2005): about 1e-15 absolute (tested against statrs' erfc), several times cheaper
/// than erfc.
#[inline]
pub fn phi(x: f64) -> f64 {
    let a = x.abs();
    let c = if a > 37.0 {
        0.0
    } else {
        let e = (-0.5 * a * a).exp();
        if a < 7.071_067_811_865_47 {
            let mut n = 3.526_249_659_989_11e-2 * a + 0.700_383_064_443_688;
            n = n * a + 6.373_962_203_531_65;
            n = n * a + 33.912_866_078_383;
            n = n * a + 112.079_291_497_871;
            n = n * a + 221.213_596_169_931;
            n = n * a + 220.206_867_912_376;
            let mut d = 8.838_834_764_831_84e-2 * a + 1.755_667_163_182_64;
            d = d * a + 16.064_177_579_207;
            d = d * a + 86.780_732_202_946_1;
            d = d * a + 296.564_248_779_674;
            d = d * a + 637.333_633_378_831;
            d = d * a + 793.826_512_519_948;
            d = d * a + 440.413_735_824_752;
            e * n / d
        } else {
            let mut b = a + 0.65;
            b = a + 4.0 / b;
            b = a + 3.0 / b;
            b = a + 2.0 / b;
            b = a + 1.0 / b;
            e / b / 2.506_628_274_631
        }
    };
    if x > 0.0 { 1.0 - c } else { c }
}

/// The correlations of a run: what was asked and what the draws have.
#[derive(Debug, Clone, Serialize)]
pub struct CorrelationResult {
    /// Input names.
    pub inputs: Vec<String>,
    /// Rank correlations asked for.
    pub requested: Vec<Vec<f64>>,
    /// Rank correlations of the draws: the correlation of the inputs' (correlated) uniforms —
    /// each input is an increasing function of its uniform, and the uniforms are their own
    /// ranks' scale, so this estimates the inputs' Spearman correlation.
    pub achieved: Vec<Vec<f64>>,
}

/// The Pearson correlation of two equally long series.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_that_cannot_be_a_correlation_is_found_at_its_row() {
        // a with b 0.9, a with c 0.9, b with c −0.9: impossible together
        let r = normal_of(&[
            vec![1.0, 0.9, 0.9],
            vec![0.9, 1.0, -0.9],
            vec![0.9, -0.9, 1.0],
        ]);
        assert_eq!(cholesky(&r), Err(2));
        // a valid one, and a semi-definite one (two inputs fully correlated)
        assert!(cholesky(&normal_of(&[vec![1.0, 0.6], vec![0.6, 1.0]])).is_ok());
        assert!(cholesky(&normal_of(&[vec![1.0, 1.0], vec![1.0, 1.0]])).is_ok());
        // ρ = 0.5 → r = 2·sin(π/12) = 0.5176
        assert!(
            (normal_of(&[vec![1.0, 0.5], vec![0.5, 1.0]])[0][1] - 0.517_638_090_205_041_5).abs()
                < 1e-12
        );
    }

    #[test]
    fn phi_against_reference_values() {
        // mpmath.ncdf (50 digits), rounded to doubles; statrs' erfc is only good to about 1e-11
        for (x, want) in [
            (-9.0, 1.1285884059538405e-19),
            (-7.0, 1.279812543885835e-12),
            (-5.0, 2.866515718791939e-07),
            (-3.0, 0.0013498980316300946),
            (-1.5, 0.06680720126885807),
            (-0.3, 0.3820885778110474),
            (0.0, 0.5),
            (0.7, 0.758036347776927),
            (1.0, 0.8413447460685429),
            (2.5, 0.9937903346742238),
            (4.0, 0.9999683287581669),
            (6.0, 0.9999999990134123),
        ] {
            let got = phi(x);
            assert!(
                (got / want - 1.0).abs() < 1e-13 || (got - want).abs() < 2e-16,
                "Φ({x}) = {got}, want {want}"
            );
        }
        // and Φ⁻¹(Φ(x)) returns x (above 5, 1 − Φ(x) is below the doubles' spacing near 1)
        for i in -600..=500 {
            let x = f64::from(i) / 100.0;
            assert!((inverse_normal(phi(x)) - x).abs() < 1e-9, "{x}");
        }
    }

    #[test]
    fn the_copula_gives_the_rank_correlation_asked_for() {
        use rand::{RngExt, SeedableRng};
        let mut g = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        for rho in [0.6, -0.3, 0.95] {
            let c = Copula::new(
                vec![0, 2],
                vec!["a".into(), "b".into()],
                vec![vec![1.0, rho], vec![rho, 1.0]],
            )
            .unwrap();
            let n = 200_000;
            let mut ub: Vec<f64> = (0..n * 3).map(|_| g.random_range(1e-12..1.0)).collect();
            c.apply(&mut ub, 3, n);
            let (a, b): (Vec<f64>, Vec<f64>) = (0..n).map(|d| (ub[d * 3], ub[d * 3 + 2])).unzip();
            let got = pearson(&a, &b);
            assert!((got - rho).abs() < 0.01, "{rho}: {got}");
            // the untouched slot stays as drawn, and the marginals stay uniform
            let mean: f64 = (0..n).map(|d| ub[d * 3 + 2]).sum::<f64>() / n as f64;
            assert!((mean - 0.5).abs() < 0.005);
        }
    }
}
