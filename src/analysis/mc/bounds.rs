//! Bounds that settle the sign of a cumulative value without its dot product ([`SignBounds`]): each
//! cumulative row split along the PV row, and the known interval of every entry of a draw's
//! input vector.

/// Bounds that settle the sign of a cumulative value without its dot product.
///
/// Every cumulative row c (key k, horizon year t) is split along the PV row p: c = λ·p + r, so
/// cum = λ·PV + r·x, and PV is known (computed first). Each entry of x lies in a known interval:
/// s·[f_lo, f_hi] for the columns scaled by the success rate s ∈ [0, 1] (the factor's bounds
/// are the product of its distributions' bounds) and [x_lo, x_hi] for the others (cost factor,
/// `during` columns, the constant 1). So
/// `λ·PV + s·L + M ≤ cum ≤ λ·PV + s·U + N` with L, M, U, N sums over the columns. λ is chosen to
/// make the interval narrowest: the weighted median of c_i/p_i, weighted by |p_i|·width_i.
/// The bounds are widened by 10⁻⁸ of the sum of the absolute terms — far beyond the rounding of
/// the dot products (about 10⁻¹⁴ of it) — so a settled sign is always the sign the dot product
/// would give, and the search's answer is unchanged (tested against a full scan). For the
/// benchmark workload (mc40) the bounds settle the break-even year of about 80 % of the draws
/// and keys without any dot product; about 0.2 dot products per draw and key remain besides
/// the PV (the search before took 2.3).
#[derive(Debug, Clone)]
pub struct SignBounds {
    /// Per key and horizon year (`[k·h + t]`): λ.
    pub(super) lam: Vec<f64>,
    /// The lower bound's terms in s and constant.
    pub(super) lo_s: Vec<f64>,
    pub(super) lo_0: Vec<f64>,
    /// The upper bound's terms in s and constant.
    pub(super) hi_s: Vec<f64>,
    pub(super) hi_0: Vec<f64>,
    /// The same terms for each key's nondecreasing stretch, four years per block (padded with
    /// years that are surely ≥ 0), for [`SignBounds::negatives`].
    pub(super) stretch: Vec<[[f64; 4]; 5]>,
    /// Per key: its blocks in `stretch`.
    pub(super) stretch_blocks: Vec<(usize, usize)>,
}

/// What the bounds settle for four draws over four consecutive years ([`SignBounds::window`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Window {
    /// Per draw: years settled as < 0.
    pub surely: [usize; 4],
    /// Per draw: years not settled as ≥ 0.
    pub maybe: [usize; 4],
    /// Bit q: the first year is settled as < 0 for draw q.
    pub first_surely: u32,
    /// Bit q: the last year is not settled as ≥ 0 for draw q.
    pub last_maybe: u32,
}

/// The widening of the bounds, relative to the sum of the absolute terms.
const CERT_MARGIN: f64 = 1e-8;

impl SignBounds {
    /// `Some(cum ≥ 0)` for row `at` (= k·h + t) of a draw with PV `pv` and success rate `s`,
    /// when the bounds settle it.
    #[inline(always)]
    pub fn sign(&self, at: usize, pv: f64, s: f64) -> Option<bool> {
        let a = self.lam[at] * pv;
        if a + s * self.lo_s[at] + self.lo_0[at] >= 0.0 {
            Some(true)
        } else if a + s * self.hi_s[at] + self.hi_0[at] < 0.0 {
            Some(false)
        } else {
            None
        }
    }

    /// The bounds' terms of the four rows `at..at + 4` (four consecutive years of one key):
    /// λ, then the lower bound's terms in s and constant, then the upper bound's.
    #[inline(always)]
    pub fn window_rows(&self, at: usize) -> [[f64; 4]; 5] {
        let four = |v: &[f64]| -> [f64; 4] {
            let mut a = [0.0; 4];
            a.copy_from_slice(&v[at..at + 4]);
            a
        };
        [
            four(&self.lam),
            four(&self.lo_s),
            four(&self.lo_0),
            four(&self.hi_s),
            four(&self.hi_0),
        ]
    }

    /// For four draws (PVs `pv`, success rates `s`) and the four rows `at..at + 4` (four
    /// consecutive years of one key): see [`Window`]. The same arithmetic as [`SignBounds::sign`];
    /// no branches. (The engine's AVX2 path uses `simd::avx2::window_masks` instead.)
    #[inline(always)]
    pub fn window(&self, at: usize, pv: [f64; 4], s: [f64; 4]) -> Window {
        let [lam, ls, l0, us, u0] = self.window_rows(at);
        let mut w = Window::default();
        for q in 0..4 {
            for y in 0..4 {
                let x = lam[y] * pv[q];
                let maybe = x + s[q] * ls[y] + l0[y] < 0.0;
                let surely = x + s[q] * us[y] + u0[y] < 0.0;
                w.maybe[q] += usize::from(maybe);
                w.surely[q] += usize::from(surely);
                if y == 0 {
                    w.first_surely |= u32::from(surely) << q;
                }
                if y == 3 {
                    w.last_maybe |= u32::from(maybe) << q;
                }
            }
        }
        w
    }

    /// For key k over its nondecreasing stretch ([m, h − 1], m = `monotone_from[k]` − 1): how many cumulative values the bounds settle as < 0, and how many they do not
    /// settle as ≥ 0 — the count of negative years lies between the two. One pass over four
    /// years at a time, without branches.
    #[inline(always)]
    pub fn negatives<const AVX: bool>(&self, k: usize, pv: f64, s: f64) -> (usize, usize) {
        let (a, b) = self.stretch_blocks[k];
        let blocks = &self.stretch[a..b];
        #[cfg(target_arch = "x86_64")]
        if AVX {
            // SAFETY: AVX is true only inside the engine's AVX2 path, entered after detecting
            // AVX2; every load reads one whole `[f64; 4]`.
            return unsafe { super::simd::avx2::negatives(blocks, pv, s) };
        }
        let (mut surely, mut maybe) = (0, 0);
        for [lam, ls, l0, us, u0] in blocks {
            for l in 0..4 {
                let x = lam[l] * pv;
                maybe += usize::from(x + s * ls[l] + l0[l] < 0.0);
                surely += usize::from(x + s * us[l] + u0[l] < 0.0);
            }
        }
        (surely, maybe)
    }

    /// The bounds for rows `pv` (one key's PV row) and `cum` (its cumulative rows, `[t][width]`),
    /// where entry i of x lies in `s·[lo_i, hi_i]` when `scaled[i]`, else in `[lo_i, hi_i]`;
    /// `s_ref` weighs the two kinds when λ is chosen. `None` when a bound is not finite.
    pub(super) fn rows(
        pv: &[f64],
        cum: &[f64],
        scaled: &[bool],
        lo: &[f64],
        hi: &[f64],
        s_ref: f64,
    ) -> Option<Vec<[f64; 5]>> {
        if lo.iter().chain(hi).any(|v| !v.is_finite()) {
            return None;
        }
        let w = pv.len();
        let weight = |i: usize| {
            let width = (hi[i] - lo[i]) * if scaled[i] { s_ref } else { 1.0 };
            pv[i].abs() * width
        };
        let rows = cum
            .chunks_exact(w)
            .map(|c| {
                // λ: weighted median of c_i / p_i
                let mut ratios: Vec<(f64, f64)> = (0..w)
                    .filter(|&i| pv[i] != 0.0 && weight(i) > 0.0)
                    .map(|i| (c[i] / pv[i], weight(i)))
                    .collect();
                ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
                let half = ratios.iter().map(|r| r.1).sum::<f64>() / 2.0;
                let mut acc = 0.0;
                let lam = ratios
                    .iter()
                    .find(|r| {
                        acc += r.1;
                        acc >= half
                    })
                    .map_or(0.0, |r| r.0);
                // [λ, lower·s, lower·1, upper·s, upper·1] and the absolute sums for the margin
                let mut b = [lam, 0.0, 0.0, 0.0, 0.0];
                let (mut abs_s, mut abs_0) = (0.0, 0.0);
                for i in 0..w {
                    let r = c[i] - lam * pv[i];
                    let (a, z) = (r * lo[i], r * hi[i]);
                    let size = (c[i].abs() + (lam * pv[i]).abs()) * lo[i].abs().max(hi[i].abs());
                    if scaled[i] {
                        b[1] += a.min(z);
                        b[3] += a.max(z);
                        abs_s += size;
                    } else {
                        b[2] += a.min(z);
                        b[4] += a.max(z);
                        abs_0 += size;
                    }
                }
                b[1] -= CERT_MARGIN * abs_s;
                b[2] -= CERT_MARGIN * abs_0;
                b[3] += CERT_MARGIN * abs_s;
                b[4] += CERT_MARGIN * abs_0;
                b
            })
            .collect();
        Some(rows)
    }
}
