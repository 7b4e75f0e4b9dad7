//! Every AVX2 form of the Monte Carlo inner loops, in one place: the four-draw dot product, the
//! sign-bound counts and window tests, and the break-even window step. Each does the same
//! arithmetic as its scalar form (separate multiplies and adds, the same order), so the two paths
//! give the same bits (tested on every shipped scenario and the benchmark workloads). They are
//! only called on the AVX2 path, which `Isa::detect` chooses once per run.

#![allow(clippy::missing_safety_doc)] // each function's `# Safety` section is in its docs

use std::arch::x86_64::*;

use crate::analysis::mc::engine::{BLOCK, NONE};
use crate::analysis::mc::plan::LANES;
use crate::analysis::mc::rng::{ONE, SHIFT};
use crate::analysis::mc::search::WindowStep;

/// [`dot4_scalar`] with AVX2: eight independent accumulator vectors keep both add pipes busy.
/// Same lanes, same order, separate multiplies and adds: bit-identical with the scalar form.
///
/// # Safety
/// The CPU must support AVX2, and every row must be at least as long as `x`, whose length is a
/// multiple of 4.
#[inline(always)]
pub(in crate::analysis::mc) unsafe fn dot4(x: [&[f64]; 4], r: [&[f64]; 4]) -> [f64; 4] {
    let w = x[0].len();
    // SAFETY: the caller guarantees AVX2 and row lengths ≥ w; every load reads c..c+8 < w.
    unsafe {
        let mut lo = [_mm256_setzero_pd(); 4];
        let mut hi = [_mm256_setzero_pd(); 4];
        let mut c = 0;
        while c + LANES <= w {
            for j in 0..4 {
                let xl = _mm256_loadu_pd(x[j].as_ptr().add(c));
                let xh = _mm256_loadu_pd(x[j].as_ptr().add(c + 4));
                let rl = _mm256_loadu_pd(r[j].as_ptr().add(c));
                let rh = _mm256_loadu_pd(r[j].as_ptr().add(c + 4));
                lo[j] = _mm256_add_pd(lo[j], _mm256_mul_pd(xl, rl));
                hi[j] = _mm256_add_pd(hi[j], _mm256_mul_pd(xh, rh));
            }
            c += LANES;
        }
        if c + 4 <= w {
            for j in 0..4 {
                let xl = _mm256_loadu_pd(x[j].as_ptr().add(c));
                let rl = _mm256_loadu_pd(r[j].as_ptr().add(c));
                lo[j] = _mm256_add_pd(lo[j], _mm256_mul_pd(xl, rl));
            }
        }
        let mut out = [0.0; 4];
        for j in 0..4 {
            let mut a = [0.0f64; 4];
            _mm256_storeu_pd(a.as_mut_ptr(), _mm256_add_pd(lo[j], hi[j]));
            out[j] = (a[0] + a[1]) + (a[2] + a[3]);
        }
        out
    }
}

/// [`Window`] as AVX2 registers: the counts as four `i64` lanes, the first and last years'
/// tests as lane masks ([`window_masks`]).
#[derive(Clone, Copy)]
pub(in crate::analysis::mc) struct WindowMasks {
    /// Per draw: years settled as < 0.
    pub(in crate::analysis::mc) surely: std::arch::x86_64::__m256i,
    /// Per draw: years not settled as ≥ 0.
    pub(in crate::analysis::mc) maybe: std::arch::x86_64::__m256i,
    /// All ones where the first year is settled as < 0.
    pub(in crate::analysis::mc) first_surely: std::arch::x86_64::__m256d,
    /// All ones where the last year is not settled as ≥ 0.
    pub(in crate::analysis::mc) last_maybe: std::arch::x86_64::__m256d,
}

/// [`SignBounds::negatives`] with AVX2: the same arithmetic (separate multiplies and adds, in the
/// same order), four years per instruction, the counts kept as lane masks subtracted.
///
/// # Safety
/// The CPU must support AVX2.
#[inline(always)]
pub(in crate::analysis::mc) unsafe fn negatives(
    blocks: &[[[f64; 4]; 5]],
    pv: f64,
    s: f64,
) -> (usize, usize) {
    // SAFETY: the caller guarantees AVX2; each load reads a whole `[f64; 4]`.
    unsafe {
        let (vpv, vs, zero) = (_mm256_set1_pd(pv), _mm256_set1_pd(s), _mm256_setzero_pd());
        let (mut surely, mut maybe) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        for [lam, ls, l0, us, u0] in blocks {
            let x = _mm256_mul_pd(_mm256_loadu_pd(lam.as_ptr()), vpv);
            let lo = _mm256_add_pd(
                _mm256_add_pd(x, _mm256_mul_pd(vs, _mm256_loadu_pd(ls.as_ptr()))),
                _mm256_loadu_pd(l0.as_ptr()),
            );
            let hi = _mm256_add_pd(
                _mm256_add_pd(x, _mm256_mul_pd(vs, _mm256_loadu_pd(us.as_ptr()))),
                _mm256_loadu_pd(u0.as_ptr()),
            );
            // a true lane is all ones (−1): subtracting counts it
            let lo = _mm256_cmp_pd::<_CMP_LT_OQ>(lo, zero);
            let hi = _mm256_cmp_pd::<_CMP_LT_OQ>(hi, zero);
            maybe = _mm256_sub_epi64(maybe, _mm256_castpd_si256(lo));
            surely = _mm256_sub_epi64(surely, _mm256_castpd_si256(hi));
        }
        let mut out = [[0i64; 4]; 2];
        _mm256_storeu_si256(out[0].as_mut_ptr().cast(), surely);
        _mm256_storeu_si256(out[1].as_mut_ptr().cast(), maybe);
        let sum = |v: [i64; 4]| (v[0] + v[1] + v[2] + v[3]) as usize;
        (sum(out[0]), sum(out[1]))
    }
}

/// The window's tests for four draws (PVs `vpv`, success rates `vs`) over the four years of
/// `rows` ([`SignBounds::window_rows`]), the arithmetic of [`SignBounds::sign`].
///
/// # Safety
/// The CPU must support AVX2.
#[inline(always)]
pub(in crate::analysis::mc) unsafe fn window_masks(
    rows: &[[f64; 4]; 5],
    vpv: std::arch::x86_64::__m256d,
    vs: std::arch::x86_64::__m256d,
) -> WindowMasks {
    // SAFETY: the caller guarantees AVX2; only register arithmetic.
    unsafe {
        let zero = _mm256_setzero_pd();
        let [lam, ls, l0, us, u0] = rows;
        let (mut surely, mut maybe) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        let (mut first_surely, mut last_maybe) = (zero, zero);
        for y in 0..4 {
            let x = _mm256_mul_pd(_mm256_set1_pd(lam[y]), vpv);
            let lo = _mm256_add_pd(
                _mm256_add_pd(x, _mm256_mul_pd(vs, _mm256_set1_pd(ls[y]))),
                _mm256_set1_pd(l0[y]),
            );
            let hi = _mm256_add_pd(
                _mm256_add_pd(x, _mm256_mul_pd(vs, _mm256_set1_pd(us[y]))),
                _mm256_set1_pd(u0[y]),
            );
            let lo = _mm256_cmp_pd::<_CMP_LT_OQ>(lo, zero);
            let hi = _mm256_cmp_pd::<_CMP_LT_OQ>(hi, zero);
            if y == 0 {
                first_surely = hi;
            }
            if y == 3 {
                last_maybe = lo;
            }
            // a true lane is all ones (−1): subtracting counts it
            maybe = _mm256_sub_epi64(maybe, _mm256_castpd_si256(lo));
            surely = _mm256_sub_epi64(surely, _mm256_castpd_si256(hi));
        }
        WindowMasks {
            surely,
            maybe,
            first_surely,
            last_maybe,
        }
    }
}

/// For each 4-bit mask: the positions of its set bits, in order (then zeros).
pub(in crate::analysis::mc) const SET_BITS: [[u64; 4]; 16] = {
    let mut t = [[0u64; 4]; 16];
    let mut m = 0;
    while m < 16 {
        let (mut q, mut n) = (0, 0);
        while q < 4 {
            if m >> q & 1 == 1 {
                t[m][n] = q as u64;
                n += 1;
            }
            q += 1;
        }
        m += 1;
    }
    t
};

/// [`search`]'s window step for the draws of a block with AVX2, four draws per register and
/// the bookkeeping in registers too: the same results as the scalar loop in [`search`] (the
/// count interval `lo`/`hi` and a first break-even index for every draw; the open draws, then
/// the draws the window says nothing about, listed in order). Returns how many of each.
///
/// # Safety
/// The CPU must support AVX2.
#[inline(always)]
pub(in crate::analysis::mc) unsafe fn window_step(
    w: &WindowStep,
    pvs: &[f64; BLOCK],
    ss: &[f64; BLOCK],
    (lo, hi, be_index): (&mut [usize; BLOCK], &mut [usize; BLOCK], &mut [u8; BLOCK]),
    open: &mut [usize; BLOCK],
    rest: &mut [usize; BLOCK],
) -> (usize, usize) {
    let (mut n_open, mut n_rest) = (0, 0);
    // SAFETY: the caller guarantees AVX2; every load and store reads or writes four whole
    // elements inside the arrays: i0 + 4 ≤ BLOCK, and n_open, n_rest ≤ i0 (at most one entry
    // per earlier draw), so the four indices stored at n_open or n_rest end by i0 + 4 (those
    // past the mask's count are overwritten later or ignored); usize is u64 here.
    unsafe {
        let ones = _mm256_set1_epi64x(-1);
        let base = _mm256_set1_epi64x(w.base as i64);
        let all = _mm256_set1_epi64x(w.all as i64);
        let m = _mm256_set1_epi64x(w.m as i64);
        let none = _mm256_set1_epi64x(i64::from(NONE));
        // low byte of each 64-bit lane, after the lanes' low halves are gathered
        let low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        let low_bytes = _mm_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        for i0 in (0..BLOCK).step_by(4) {
            let vpv = _mm256_loadu_pd(pvs.as_ptr().add(i0));
            let vs = _mm256_loadu_pd(ss.as_ptr().add(i0));
            let win = window_masks(&w.rows, vpv, vs);
            let vlo = _mm256_add_epi64(base, win.surely);
            let vhi = _mm256_add_epi64(base, win.maybe);
            _mm256_storeu_si256(lo.as_mut_ptr().add(i0).cast(), vlo);
            _mm256_storeu_si256(hi.as_mut_ptr().add(i0).cast(), vhi);
            // NONE when every year of the stretch is negative, else m + lo
            let b =
                _mm256_blendv_epi8(_mm256_add_epi64(m, vlo), none, _mm256_cmpeq_epi64(vlo, all));
            let b = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, low_halves));
            let b = _mm_cvtsi128_si32(_mm_shuffle_epi8(b, low_bytes)) as u32;
            be_index[i0..i0 + 4].copy_from_slice(&b.to_le_bytes());
            // every year before the window < 0, every year after it ≥ 0
            let first_ok = if w.first {
                ones
            } else {
                _mm256_castpd_si256(win.first_surely)
            };
            let last_ok = if w.last {
                ones
            } else {
                _mm256_andnot_si256(_mm256_castpd_si256(win.last_maybe), ones)
            };
            let edges = _mm256_and_si256(first_ok, last_ok);
            let positive = if w.m == 0 {
                ones
            } else {
                _mm256_cmpgt_epi64(vlo, _mm256_setzero_si256())
            };
            let settled = _mm256_and_si256(
                edges,
                _mm256_and_si256(_mm256_cmpeq_epi64(vlo, vhi), positive),
            );
            let to_open =
                _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_andnot_si256(settled, edges)))
                    as usize;
            let to_rest = !(_mm256_movemask_pd(_mm256_castsi256_pd(edges)) as usize) & 0xF;
            let at = _mm256_set1_epi64x(i0 as i64);
            let list = |mask: usize| {
                _mm256_add_epi64(at, _mm256_loadu_si256(SET_BITS[mask].as_ptr().cast()))
            };
            _mm256_storeu_si256(open.as_mut_ptr().add(n_open).cast(), list(to_open));
            n_open += to_open.count_ones() as usize;
            _mm256_storeu_si256(rest.as_mut_ptr().add(n_rest).cast(), list(to_rest));
            n_rest += to_rest.count_ones() as usize;
        }
    }
    (n_open, n_rest)
}

/// Four Xoshiro256++ generators (`s[word][lane]`) in one register each word: uniforms `1.m − shift`
/// for `out` (a multiple of 4 long), the same bits as `Rng4::fill_scalar`.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::analysis::mc) unsafe fn xoshiro4_fill(s: &mut [[u64; 4]; 4], out: &mut [f64]) {
    // SAFETY: AVX2 is guaranteed by the caller; loads and stores are unaligned and stay
    // inside `s` (4 × 4 u64) and each 4-element `quad` of `out`.
    unsafe {
        let load = |w: &[u64; 4]| _mm256_loadu_si256(w.as_ptr().cast());
        let (mut s0, mut s1, mut s2, mut s3) = (load(&s[0]), load(&s[1]), load(&s[2]), load(&s[3]));
        let one = _mm256_set1_epi64x(ONE as i64);
        let shift = _mm256_set1_pd(SHIFT);
        for quad in out.chunks_exact_mut(4) {
            let sum = _mm256_add_epi64(s0, s3);
            let rot = _mm256_or_si256(_mm256_slli_epi64(sum, 23), _mm256_srli_epi64(sum, 41));
            let r = _mm256_add_epi64(rot, s0);
            let t = _mm256_slli_epi64(s1, 17);
            s2 = _mm256_xor_si256(s2, s0);
            s3 = _mm256_xor_si256(s3, s1);
            s1 = _mm256_xor_si256(s1, s2);
            s0 = _mm256_xor_si256(s0, s3);
            s2 = _mm256_xor_si256(s2, t);
            s3 = _mm256_or_si256(_mm256_slli_epi64(s3, 45), _mm256_srli_epi64(s3, 19));
            let m = _mm256_or_si256(_mm256_srli_epi64(r, 12), one);
            let u = _mm256_sub_pd(_mm256_castsi256_pd(m), shift);
            _mm256_storeu_pd(quad.as_mut_ptr(), u);
        }
        let store = |w: &mut [u64; 4], v| _mm256_storeu_si256(w.as_mut_ptr().cast(), v);
        store(&mut s[0], s0);
        store(&mut s[1], s1);
        store(&mut s[2], s2);
        store(&mut s[3], s3);
    }
}
