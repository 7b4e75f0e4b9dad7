//! Uniforms for the Monte Carlo inner loop: four Xoshiro256++ generators side by side, so that
//! one AVX2 step makes four numbers (a single Xoshiro256++ is bound by the latency of its own
//! state updates). The lanes are seeded from one Xoshiro256++ (rand) seeded with the chunk seed.
//! Output `4n + l` is lane l's n-th number, on the AVX2 and the scalar path alike (tested
//! bit-identical).
//!
//! A number's top 52 bits m become the uniform (m + ½)·2⁻⁵², strictly inside (0, 1): computed
//! as the double with those mantissa bits in [1, 2) minus (1 − 2⁻⁵³), which is exact.

use rand::{Rng, SeedableRng, rngs::Xoshiro256PlusPlus};

/// The bits of 1.0: exponent for [1, 2).
pub(super) const ONE: u64 = 0x3FF0_0000_0000_0000;
/// 1 − 2⁻⁵³: subtracted from 1.m to give (m + ½)·2⁻⁵².
pub(super) const SHIFT: f64 = 1.0 - 1.0 / (1u64 << 53) as f64;

/// Four Xoshiro256++ states, `s[word][lane]`.
#[derive(Clone)]
pub(super) struct Rng4 {
    s: [[u64; 4]; 4],
}

/// The uniform of one 64-bit output: (top 52 bits + ½)·2⁻⁵².
#[inline(always)]
pub(super) fn to_uniform(bits: u64) -> f64 {
    f64::from_bits((bits >> 12) | ONE) - SHIFT
}

impl Rng4 {
    /// Four generators from one seed.
    pub(super) fn new(seed: u64) -> Rng4 {
        let mut g = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut s = [[0u64; 4]; 4];
        for lane in 0..4 {
            for word in s.iter_mut() {
                word[lane] = g.next_u64();
            }
        }
        Rng4 { s }
    }

    /// Fills `out` (length a multiple of 4) with uniforms, scalar arithmetic.
    #[inline(always)]
    pub(super) fn fill_scalar(&mut self, out: &mut [f64]) {
        let s = &mut self.s;
        for quad in out.chunks_exact_mut(4) {
            for (l, v) in quad.iter_mut().enumerate() {
                let r = s[0][l]
                    .wrapping_add(s[3][l])
                    .rotate_left(23)
                    .wrapping_add(s[0][l]);
                let t = s[1][l] << 17;
                s[2][l] ^= s[0][l];
                s[3][l] ^= s[1][l];
                s[1][l] ^= s[2][l];
                s[0][l] ^= s[3][l];
                s[2][l] ^= t;
                s[3][l] = s[3][l].rotate_left(45);
                *v = to_uniform(r);
            }
        }
    }

    /// [`Rng4::fill_scalar`] with AVX2 ([`super::simd::avx2::xoshiro4_fill`]).
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(super) unsafe fn fill_avx2(&mut self, out: &mut [f64]) {
        // SAFETY: the caller guarantees AVX2.
        unsafe { super::simd::avx2::xoshiro4_fill(&mut self.s, out) }
    }

    /// Fills `out` (length a multiple of 4), with AVX2 when `AVX` (detected by the caller).
    #[inline(always)]
    pub(super) fn fill<const AVX: bool>(&mut self, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if AVX {
            // SAFETY: AVX is true only on paths entered after detecting AVX2.
            return unsafe { self.fill_avx2(out) };
        }
        self.fill_scalar(out)
    }
}

/// Salt of the Latin hypercube's permutations (a stream apart from the draws' own).
const STRATA_SALT: u64 = 0x4C48_535F_5354_5241;

/// A chunk's uniforms, block after block, as every pass over the draws makes them: the chunk's
/// generator; with Latin hypercube sampling each input's uniforms stratified over the chunk
/// (draw d gets (π(d) + v)/n for a permutation π of the chunk's n strata, one per input, and its
/// own uniform v); then correlated by the plan's copula. The permutations come from the run seed
/// and the chunk's index only, so every pass and any number of threads sees the same draws.
pub(super) struct Uniforms<'p> {
    rng: Rng4,
    buf: Vec<f64>,
    slots: usize,
    copula: Option<&'p super::copula::Copula>,
    /// `[slot][draw]`: the stratum of each draw (Latin hypercube), or empty.
    strata: Vec<u32>,
    draws: usize,
    at: usize,
}

impl<'p> Uniforms<'p> {
    /// The uniforms of chunk `chunk` (of `draws` draws) of a run of `plan` with `seed`.
    pub(super) fn new(plan: &'p super::plan::Plan, seed: u64, chunk: usize, draws: usize) -> Self {
        let slots = plan.slots.len();
        let chunk_seed = super::engine::chunk_seed(seed, chunk as u64);
        let mut strata = Vec::new();
        if plan.lhs {
            let mut g = Xoshiro256PlusPlus::seed_from_u64(chunk_seed ^ STRATA_SALT);
            strata.reserve(slots * draws);
            for _ in 0..slots {
                let from = strata.len();
                strata.extend(0..draws as u32);
                // Fisher–Yates, an index from each half of a 64-bit number by multiply-shift
                // (Lemire; its bias below 2⁻²⁰ for a chunk of 2,048 is immaterial here)
                let perm = &mut strata[from..];
                let mut bits = 0u64;
                for (t, i) in (1..draws).rev().enumerate() {
                    if t % 2 == 0 {
                        bits = g.next_u64();
                    }
                    let half = if t % 2 == 0 {
                        bits >> 32
                    } else {
                        bits & 0xFFFF_FFFF
                    };
                    let j = ((half * (i as u64 + 1)) >> 32) as usize;
                    perm.swap(i, j);
                }
            }
        }
        Uniforms {
            rng: Rng4::new(chunk_seed),
            buf: Vec::new(),
            slots,
            copula: plan.copula.as_ref(),
            strata,
            draws,
            at: 0,
        }
    }

    /// The next `nb` draws' uniforms, `[draw][slot]`.
    #[inline(always)]
    pub(super) fn next<const AVX: bool>(&mut self, nb: usize) -> &[f64] {
        let slots = self.slots;
        let n = (nb * slots).div_ceil(4) * 4;
        if self.buf.len() < n {
            self.buf.resize(n, 0.0);
        }
        self.rng.fill::<AVX>(&mut self.buf[..n]);
        let ub = &mut self.buf[..nb * slots];
        if !self.strata.is_empty() {
            let inv = 1.0 / self.draws as f64;
            for d in 0..nb {
                for s in 0..slots {
                    let k = self.strata[s * self.draws + self.at + d];
                    let u = &mut ub[d * slots + s];
                    *u = (f64::from(k) + *u) * inv;
                }
            }
        }
        if let Some(c) = self.copula {
            c.apply(ub, slots, nb);
        }
        self.at += nb;
        &self.buf[..nb * slots]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Xoshiro256++ as published (Blackman & Vigna), one lane.
    fn reference(s: &mut [u64; 4]) -> u64 {
        let r = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        r
    }

    #[test]
    fn lanes_are_xoshiro256plusplus_and_uniforms_are_exact() {
        let mut g = Rng4::new(42);
        let mut lanes: Vec<[u64; 4]> = (0..4)
            .map(|l| [g.s[0][l], g.s[1][l], g.s[2][l], g.s[3][l]])
            .collect();
        let mut out = vec![0.0; 400];
        g.fill_scalar(&mut out);
        for (i, u) in out.iter().enumerate() {
            let bits = reference(&mut lanes[i % 4]);
            let want = ((bits >> 12) as f64 + 0.5) / (1u64 << 52) as f64;
            assert_eq!(*u, want, "number {i}");
            assert!(*u > 0.0 && *u < 1.0);
        }
        assert_eq!(to_uniform(0), 0.5 / (1u64 << 52) as f64);
        assert!(to_uniform(u64::MAX) < 1.0);
    }

    #[test]
    fn avx2_and_scalar_give_the_same_numbers() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let (mut a, mut b) = (Rng4::new(7), Rng4::new(7));
            let (mut x, mut y) = (vec![0.0; 1024], vec![0.0; 1024]);
            for _ in 0..3 {
                a.fill_scalar(&mut x);
                // SAFETY: AVX2 was detected just above.
                unsafe { b.fill_avx2(&mut y) };
                assert_eq!(x, y);
            }
        }
    }

    #[test]
    fn different_seeds_give_different_streams() {
        let (mut a, mut b) = (Rng4::new(1), Rng4::new(2));
        let (mut x, mut y) = (vec![0.0; 8], vec![0.0; 8]);
        a.fill_scalar(&mut x);
        b.fill_scalar(&mut y);
        assert_ne!(x, y);
    }
}
