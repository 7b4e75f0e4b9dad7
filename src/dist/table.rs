//! A quantile function Q(u) tabled for one run: piecewise polynomials that give Q to about
//! 1e-14 relative at the cost of a short polynomial, where the exact Q needs an iterative
//! special function (the inverse incomplete beta of PERT and beta).
//!
//! The table is indexed by v = min(u, 1 − u) (exact for a double u: 1 − u is exact for u ≥ ½),
//! one side for u < ½ and one for u > ½. Each side covers v in [2⁻²⁰, ½) in octaves
//! [2ᵉ, 2ᵉ⁺¹), each cut into 16 equal pieces: an octave's width matches the distance to the end
//! of (0, 1) where Q has its singularity (Q ~ u^(1/α) near 0), so every piece is equally easy for
//! a polynomial, and the piece of a v is read from the bits of v (exponent and the top four
//! mantissa bits) without a search. On each piece Q is the degree-8 Chebyshev interpolant in the
//! piece's own coordinate t ∈ [−1, 1), stored as monomial coefficients (Horner).
//!
//! Every piece is checked against the exact Q between its nodes when it is built; a piece that
//! misses [`TOLERANCE`] (or a v below 2⁻²⁰, 2·10⁻⁶ of the draws) falls back to the exact Q.

/// Mantissa bits that pick the piece within an octave (16 pieces).
const SUB_BITS: u32 = 4;
const SUB: usize = 1 << SUB_BITS;
/// Octaves [2⁻²⁰, 2⁻¹⁹) … [2⁻², 2⁻¹).
const OCTAVES: usize = 19;
/// Coefficients per piece (degree 8).
const COEFS: usize = 9;
/// The smallest v the table covers.
pub const FROM: f64 = 1.0 / (1u64 << 20) as f64;
/// Largest relative difference from the exact Q at a piece's check points for the piece to be
/// used.
pub const TOLERANCE: f64 = 1e-13;
/// The biased exponent of v in [¼, ½).
const TOP_EXPONENT: u64 = 1021;
/// The bits of 1.0.
const ONE: u64 = 0x3FF0_0000_0000_0000;
/// Points between the Chebyshev nodes where a piece is checked.
const CHECKS: [f64; 5] = [-0.999, -0.6, -0.05, 0.45, 0.97];

/// The pieces of both sides, `[side × PIECES + octave × SUB + piece][COEFS]` (side 1: u > ½);
/// a NaN first coefficient marks a piece left to the exact Q.
#[derive(Debug, Clone)]
pub struct Table {
    pieces: Vec<[f64; COEFS]>,
}

/// Pieces per side.
const PIECES: usize = OCTAVES * SUB;

/// The piece of v (in [FROM, ½)) and its coordinate t ∈ [−1, 1).
#[inline(always)]
fn locate(v: f64) -> (usize, f64) {
    let bits = v.to_bits();
    let octave = TOP_EXPONENT.wrapping_sub(bits >> 52) as usize;
    let piece = ((bits >> (52 - SUB_BITS)) as usize) & (SUB - 1);
    let rest = bits & ((1u64 << (52 - SUB_BITS)) - 1);
    // 1.φ with φ the rest of the mantissa, exactly: t = 2φ − 1
    let y = f64::from_bits((rest << SUB_BITS) | ONE);
    (octave * SUB + piece, 2.0 * y - 3.0)
}

/// The v at coordinate t of piece `index`.
fn position(index: usize, t: f64) -> f64 {
    let (octave, piece) = (index / SUB, index % SUB);
    let base = 0.25 / (1u64 << octave) as f64;
    base * (1.0 + (piece as f64 + 0.5 * (t + 1.0)) / SUB as f64)
}

#[inline(always)]
fn horner(c: &[f64; COEFS], t: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, k| acc * t + k)
}

/// Monomial coefficients of Σ c_j T_j(t).
fn chebyshev_to_monomial(c: &[f64; COEFS]) -> [f64; COEFS] {
    let mut out = [0.0; COEFS];
    // T_{j−1} and T_j as monomial coefficients
    let (mut prev, mut cur) = ([0.0; COEFS], [0.0; COEFS]);
    prev[0] = 1.0;
    cur[1] = 1.0;
    for (j, cj) in c.iter().enumerate() {
        let t = match j {
            0 => prev,
            1 => cur,
            _ => {
                let mut next = [0.0; COEFS];
                for i in 0..COEFS {
                    next[i] = -prev[i] + if i > 0 { 2.0 * cur[i - 1] } else { 0.0 };
                }
                prev = cur;
                cur = next;
                next
            }
        };
        for i in 0..COEFS {
            out[i] += cj * t[i];
        }
    }
    out
}

impl Table {
    /// Tables `q(upper, v)` (Q(v) when `upper` is false, Q(1 − v) when true) for v in
    /// [[`FROM`], ½).
    pub fn new(q: &(dyn Fn(bool, f64) -> f64 + Sync)) -> Table {
        use rayon::prelude::*;
        Table {
            pieces: (0..2 * PIECES)
                .into_par_iter()
                .map(|i| piece(q, i >= PIECES, i % PIECES))
                .collect(),
        }
    }

    /// Q(u) from the table, or `None` where the table leaves it to the exact Q.
    #[inline(always)]
    pub fn get(&self, u: f64) -> Option<f64> {
        let x = self.eval(u);
        (!x.is_nan()).then_some(x)
    }

    /// Q(u) from the table, NaN where the table leaves it (outside [FROM, ½) of v, or a piece
    /// marked NaN), without branches.
    #[inline(always)]
    fn eval(&self, u: f64) -> f64 {
        let upper = u > 0.5;
        let v = if upper { 1.0 - u } else { u };
        let inside = (FROM..0.5).contains(&v);
        let (index, t) = locate(if inside { v } else { 0.25 });
        let x = horner(&self.pieces[usize::from(upper) * PIECES + index], t);
        if inside { x } else { f64::NAN }
    }

    /// [`Table::get`] of every u into `out` (as long as `u`), where the table has it, else NaN;
    /// returns whether it had all (else the caller fills the NaNs). With AVX2 when `AVX` (only
    /// ever true on paths entered after detecting AVX2), four at a time with gathers, bit for
    /// bit as the scalar form.
    #[inline(always)]
    pub fn get_into<const AVX: bool>(&self, u: &[f64], out: &mut [f64]) -> bool {
        #[cfg(target_arch = "x86_64")]
        if AVX {
            // SAFETY: AVX is true only on paths entered after detecting AVX2
            return unsafe { self.get_into_avx2(u, out) };
        }
        self.get_into_scalar(u, out)
    }

    #[inline(always)]
    fn get_into_scalar(&self, u: &[f64], out: &mut [f64]) -> bool {
        let mut all = true;
        for (o, &u) in out.iter_mut().zip(u) {
            *o = self.eval(u);
            all &= !o.is_nan();
        }
        all
    }

    /// [`Table::get_into`] with AVX2: eight at a time, two independent chains of four, so that
    /// the polynomials' multiply–add chains overlap.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn get_into_avx2(&self, u: &[f64], out: &mut [f64]) -> bool {
        use std::arch::x86_64::*;
        let n = u.len().min(out.len());
        let full = n / 8 * 8;
        let base = self.pieces.as_ptr() as *const f64;
        let mut bad = 0;
        // SAFETY: AVX2 is present (the caller's promise); loads and stores stay within the
        // first `full` entries of `u` and `out`; every gathered index is a piece of the table
        // (see `four`).
        unsafe {
            for i in (0..full).step_by(8) {
                let (a, b) = (
                    _mm256_loadu_pd(u.as_ptr().add(i)),
                    _mm256_loadu_pd(u.as_ptr().add(i + 4)),
                );
                let (xa, xb) = four_pair(base, a, b);
                bad |= _mm256_movemask_pd(_mm256_cmp_pd(xa, xa, _CMP_UNORD_Q));
                bad |= _mm256_movemask_pd(_mm256_cmp_pd(xb, xb, _CMP_UNORD_Q));
                _mm256_storeu_pd(out.as_mut_ptr().add(i), xa);
                _mm256_storeu_pd(out.as_mut_ptr().add(i + 4), xb);
            }
        }
        let rest = self.get_into_scalar(&u[full..n], &mut out[full..n]);
        bad == 0 && rest
    }

    /// The share of pieces left to the exact Q (0 for a well-behaved distribution).
    pub fn share_exact(&self) -> f64 {
        let bad = self.pieces.iter().filter(|c| c[0].is_nan()).count();
        bad as f64 / self.pieces.len() as f64
    }
}

/// The piece index (× COEFS) and coordinate t of four u, and which lie inside the table (as
/// [`locate`] and [`Table::get`]).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn locate4(
    u: std::arch::x86_64::__m256d,
) -> (
    std::arch::x86_64::__m256i,
    std::arch::x86_64::__m256d,
    std::arch::x86_64::__m256d,
) {
    use std::arch::x86_64::*;
    // SAFETY: AVX2 is present (the caller's promise); register arithmetic only
    unsafe {
        let (half, one) = (_mm256_set1_pd(0.5), _mm256_set1_pd(1.0));
        let upper = _mm256_cmp_pd(u, half, _CMP_GT_OQ);
        let v = _mm256_blendv_pd(u, _mm256_sub_pd(one, u), upper);
        let inside = _mm256_and_pd(
            _mm256_cmp_pd(v, _mm256_set1_pd(FROM), _CMP_GE_OQ),
            _mm256_cmp_pd(v, half, _CMP_LT_OQ),
        );
        let v = _mm256_blendv_pd(_mm256_set1_pd(0.25), v, inside);
        let bits = _mm256_castpd_si256(v);
        let octave = _mm256_sub_epi64(
            _mm256_set1_epi64x(TOP_EXPONENT as i64),
            _mm256_srli_epi64::<52>(bits),
        );
        let piece = _mm256_and_si256(
            _mm256_srli_epi64::<{ 52 - SUB_BITS as i32 }>(bits),
            _mm256_set1_epi64x(SUB as i64 - 1),
        );
        let index = _mm256_add_epi64(
            _mm256_add_epi64(_mm256_slli_epi64::<{ SUB_BITS as i32 }>(octave), piece),
            _mm256_and_si256(
                _mm256_castpd_si256(upper),
                _mm256_set1_epi64x(PIECES as i64),
            ),
        );
        let rest = _mm256_and_si256(
            bits,
            _mm256_set1_epi64x(((1u64 << (52 - SUB_BITS)) - 1) as i64),
        );
        let y = _mm256_castsi256_pd(_mm256_or_si256(
            _mm256_slli_epi64::<{ SUB_BITS as i32 }>(rest),
            _mm256_set1_epi64x(ONE as i64),
        ));
        let t = _mm256_sub_pd(_mm256_mul_pd(_mm256_set1_pd(2.0), y), _mm256_set1_pd(3.0));
        // × COEFS = 9
        let at = _mm256_add_epi64(_mm256_slli_epi64::<3>(index), index);
        (at, t, inside)
    }
}

/// Q of two sets of four u from the table at `base`, NaN outside it, Horner's rule as
/// [`horner`] (separate multiplies and adds), the two chains interleaved.
///
/// # Safety
/// The CPU must support AVX2, and `base` must be a table's pieces: every index [`locate4`] gives
/// is a piece of it (octave 0..OCTAVES − 1 for v in [FROM, ½), which `inside` guarantees, else
/// v = ¼), times COEFS, plus 0..COEFS − 1.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn four_pair(
    base: *const f64,
    a: std::arch::x86_64::__m256d,
    b: std::arch::x86_64::__m256d,
) -> (std::arch::x86_64::__m256d, std::arch::x86_64::__m256d) {
    use std::arch::x86_64::*;
    // SAFETY: the caller's promises above
    unsafe {
        let (at_a, t_a, in_a) = locate4(a);
        let (at_b, t_b, in_b) = locate4(b);
        let mut acc_a = _mm256_i64gather_pd::<8>(base.add(COEFS - 1), at_a);
        let mut acc_b = _mm256_i64gather_pd::<8>(base.add(COEFS - 1), at_b);
        for j in (0..COEFS - 1).rev() {
            let ca = _mm256_i64gather_pd::<8>(base.add(j), at_a);
            let cb = _mm256_i64gather_pd::<8>(base.add(j), at_b);
            acc_a = _mm256_add_pd(_mm256_mul_pd(acc_a, t_a), ca);
            acc_b = _mm256_add_pd(_mm256_mul_pd(acc_b, t_b), cb);
        }
        let nan = _mm256_set1_pd(f64::NAN);
        (
            _mm256_blendv_pd(nan, acc_a, in_a),
            _mm256_blendv_pd(nan, acc_b, in_b),
        )
    }
}

/// One piece's coefficients, or NaN when it misses the tolerance.
fn piece(q: &(dyn Fn(bool, f64) -> f64 + Sync), upper: bool, index: usize) -> [f64; COEFS] {
    use std::f64::consts::PI;
    let n = COEFS as f64;
    let nodes: [f64; COEFS] = std::array::from_fn(|k| (PI * (k as f64 + 0.5) / n).cos());
    let values: [f64; COEFS] = std::array::from_fn(|k| q(upper, position(index, nodes[k])));
    let cheb: [f64; COEFS] = std::array::from_fn(|j| {
        let s: f64 = (0..COEFS)
            .map(|k| values[k] * (PI * j as f64 * (k as f64 + 0.5) / n).cos())
            .sum();
        s * 2.0 / n * if j == 0 { 0.5 } else { 1.0 }
    });
    let c = chebyshev_to_monomial(&cheb);
    let good = values.iter().all(|v| v.is_finite())
        && CHECKS.iter().all(|&t| {
            // the t a draw at this v is evaluated at (v rounded, as a draw's is)
            let v = position(index, t);
            let (i, t) = locate(v);
            let want = q(upper, v);
            i == index
                && want.is_finite()
                && (horner(&c, t) - want).abs() <= TOLERANCE * want.abs().max(f64::MIN_POSITIVE)
        });
    if good {
        c
    } else {
        let mut bad = c;
        bad[0] = f64::NAN;
        bad
    }
}

/// At most this many tables are kept; the oldest goes first.
const KEEP: usize = 32;

type Cache = std::sync::Mutex<Vec<([u64; 3], std::sync::Arc<Table>)>>;

static CACHE: Cache = std::sync::Mutex::new(Vec::new());

/// The table for `key` (a distribution's kind and parameters), built by `build` the first time
/// and kept for the process: a run's many inputs of one distribution, or a workbench's many
/// runs, share it.
pub fn cached(key: [u64; 3], build: impl FnOnce() -> Table) -> std::sync::Arc<Table> {
    // a poisoned cache only lost an entry being added; its contents stay valid
    let found = CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| t.clone());
    if let Some(t) = found {
        return t;
    }
    let t = std::sync::Arc::new(build());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= KEEP {
        cache.remove(0);
    }
    cache.push((key, t.clone()));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_avx2_form_is_bit_for_bit_the_scalar_form() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let q = |upper: bool, v: f64| if upper { 2.0 - v.sqrt() } else { v.cbrt() };
            let table = Table::new(&q);
            let u: Vec<f64> = (0..4003)
                .map(|k| (f64::from(k) + 0.5) / 4003.0)
                .chain([1e-9, 1.0 - 1e-9, 0.5, FROM, 1.0 - FROM])
                .collect();
            let (mut a, mut b) = (vec![0.0; u.len()], vec![0.0; u.len()]);
            let all_a = table.get_into_scalar(&u, &mut a);
            // SAFETY: AVX2 is present, checked just above
            let all_b = unsafe { table.get_into_avx2(&u, &mut b) };
            assert_eq!(all_a, all_b);
            assert!(!all_a, "the ends are left to the exact quantile");
            for (k, (x, y)) in a.iter().zip(&b).enumerate() {
                assert_eq!(x.to_bits(), y.to_bits(), "u = {}", u[k]);
            }
        }
    }

    #[test]
    fn pieces_are_found_from_the_bits() {
        // v = 0.3 is in [¼, ½): octave 0, piece ⌊(0.3/0.25 − 1)·16⌋ = 3, φ = 0.2·16 − 3 = 0.2
        let (i, t) = locate(0.3);
        assert_eq!(i, 3);
        assert!((t - (2.0 * 0.2 - 1.0)).abs() < 1e-12, "{t}");
        // the first piece of the second octave starts at ⅛
        assert_eq!(locate(0.125), (SUB, -1.0));
        assert_eq!(locate(FROM).0, (OCTAVES - 1) * SUB);
        for index in [0, 7, SUB + 5, OCTAVES * SUB - 1] {
            for t in [-1.0, -0.3, 0.0, 0.8] {
                let (i, back) = locate(position(index, t));
                assert_eq!(i, index);
                assert!((back - t).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn a_smooth_quantile_is_tabled_to_its_tolerance_and_the_ends_left_out() {
        // Q(u) = u^(1/3) on the lower side, 2 − (1 − u)^(1/2) on the upper
        let q = |upper: bool, v: f64| if upper { 2.0 - v.sqrt() } else { v.cbrt() };
        let table = Table::new(&q);
        assert_eq!(table.share_exact(), 0.0);
        for k in (1..20_000).filter(|k| *k != 10_000) {
            let u = f64::from(k) / 20_000.0;
            let want = if u > 0.5 {
                2.0 - (1.0 - u).sqrt()
            } else {
                u.cbrt()
            };
            let got = table.get(u).expect("in range");
            assert!((got - want).abs() <= 1e-13 * want, "{u}: {got} {want}");
        }
        assert_eq!(table.get(1e-7), None);
        assert_eq!(table.get(1.0 - 1e-7), None);
        assert_eq!(table.get(0.5), None);
    }

    #[test]
    fn a_piece_that_misses_the_tolerance_is_left_to_the_exact_quantile() {
        // a jump inside [0.3, 0.3125) no polynomial follows
        let q = |_: bool, v: f64| if v < 0.305 { 1.0 } else { 2.0 };
        let table = Table::new(&q);
        assert_eq!(table.get(0.306), None);
        assert!((table.get(0.2).expect("a smooth piece") - 1.0).abs() < 1e-15);
        assert!(table.share_exact() > 0.0);
    }
}
