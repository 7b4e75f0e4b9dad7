//! The Monte Carlo inner loop.
//!
//! Draws are split into fixed chunks of [`CHUNK`] draws; chunk c has its own generators (four
//! Xoshiro256++ side by side, [`super::rng`]) seeded from (seed, c), so a run is bit-identical
//! whatever the number of threads. Within a draw every slot gets one uniform, in slot order; the
//! uniforms of a block of [`BLOCK`] draws are made in one pass. Results are written into
//! preallocated arrays (no allocation per draw): per draw and key the PV relative to the
//! deterministic PV as `f32` (exact to about 7 digits of the spread, not of the amount) and the
//! break-even index as `u8`. Sums for the mean and sd and the counts for P(PV > 0) and the sign
//! patterns are kept in `f64`/`u64` per chunk and combined in chunk order.

use rayon::prelude::*;

use super::plan::{IvPlan, LANES, Plan};
use super::rng::{self, Rng4};

/// Draws per chunk (the unit of seeding and of parallel work).
pub const CHUNK: usize = 2048;
/// Draws whose x vectors are built before their results are searched (the rows of one key and
/// these vectors fit the L1 cache together).
const BLOCK: usize = 16;
/// Break-even code for "no break-even in the horizon".
pub const NONE: u8 = u8::MAX;
/// Sign patterns are counted when an intervention has at most this many keys.
pub const MAX_PATTERN_KEYS: usize = 10;

/// What to compute besides PV and break-even year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// Undiscounted net per key and horizon year (budget years).
    pub by_year: bool,
}

/// The raw draws of a run.
#[derive(Debug, Clone)]
pub struct Draws {
    /// Number of draws.
    pub n: usize,
    /// Values per draw in `residual`/`break_even`: all keys of all interventions.
    pub row: usize,
    /// Offset of each intervention's keys in a row.
    pub offsets: Vec<usize>,
    /// PV − deterministic PV, `[draw][row]`.
    pub residual: Vec<f32>,
    /// Break-even index in the horizon or [`NONE`], `[draw][row]`.
    pub break_even: Vec<u8>,
    /// Values per draw in `by_year`.
    pub year_row: usize,
    /// Offset of each intervention's `[key][year]` block in a `by_year` row.
    pub year_offsets: Vec<usize>,
    /// Undiscounted net per key and year, `[draw][year_row]` (empty unless asked for).
    pub by_year: Vec<f32>,
    /// Σ residual per row entry.
    pub sum: Vec<f64>,
    /// Σ residual² per row entry.
    pub sum_sq: Vec<f64>,
    /// Draws with PV > 0 per row entry.
    pub positive: Vec<u64>,
    /// Per intervention: counts of sign patterns (bit k: key k has PV > 0); empty when the
    /// intervention has more than [`MAX_PATTERN_KEYS`] keys.
    pub patterns: Vec<Vec<u64>>,
}

#[derive(Default)]
struct ChunkStats {
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
    positive: Vec<u64>,
    patterns: Vec<Vec<u64>>,
}

impl ChunkStats {
    /// Zero sums and counts for `row` values per draw.
    fn empty(plan: &Plan, row: usize) -> ChunkStats {
        ChunkStats {
            sum: vec![0.0; row],
            sum_sq: vec![0.0; row],
            positive: vec![0; row],
            patterns: empty_patterns(plan),
        }
    }
}

/// The seed of chunk `c`: SplitMix64 of the run seed and the chunk index.
pub fn chunk_seed(seed: u64, c: u64) -> u64 {
    let mut z = seed ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Dot product with eight independent lanes, summed in a fixed order (deterministic, and
/// vectorised by the compiler).
#[inline(always)]
fn dot(x: &[f64], row: &[f64]) -> f64 {
    let mut acc = [0.0f64; LANES];
    let full = x.len() / LANES * LANES;
    for (xc, rc) in x[..full]
        .chunks_exact(LANES)
        .zip(row[..full].chunks_exact(LANES))
    {
        for l in 0..LANES {
            acc[l] += xc[l] * rc[l];
        }
    }
    // a width of 4 mod 8: the last four go to the first four lanes
    for (l, (a, b)) in x[full..].iter().zip(&row[full..]).enumerate() {
        acc[l] += a * b;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

/// Fills a draw's input vector x from the slot uniforms `u` (see [`super::plan`]); returns the
/// success rate used. `s_override` replaces the success rate (requirement analysis).
#[inline(always)]
pub(super) fn fill_x(p: &IvPlan, u: &[f64], x: &mut [f64], s_override: Option<f64>) -> f64 {
    let s = match (s_override, &p.success) {
        (Some(s), _) => s,
        (None, Some(i)) => i.sampler.quantile(u[i.slot]).clamp(0.0, 1.0),
        (None, None) => p.success_rate,
    };
    let n = p.columns.len();
    // without `during` columns (which need the factor before × s) the success rate is applied in
    // the affine pass: the same two roundings, one loop (× 1 is exact when it is applied later)
    let fused = p.during_columns.is_empty() && p.affine_columns.is_some();
    if let Some((first, min, width)) = &p.affine_columns {
        // the same arithmetic as the general loop (1·q = q), vectorised
        let cols = x[..n]
            .iter_mut()
            .zip(&u[*first..*first + n])
            .zip(min)
            .zip(width);
        if fused {
            cols.for_each(|(((xc, uc), a), b)| *xc = (a + uc * b) * s);
        } else {
            cols.for_each(|(((xc, uc), a), b)| *xc = a + uc * b);
        }
    } else {
        for (c, col) in p.columns.iter().enumerate() {
            let mut f = 1.0;
            if let Some(i) = &col.consequences {
                f *= i.sampler.quantile(u[i.slot]);
            }
            if let Some(i) = &col.prices {
                f *= i.sampler.quantile(u[i.slot]);
            }
            x[c] = f;
        }
    }
    for (j, c) in p.during_columns.iter().enumerate() {
        x[n + j] = x[*c];
    }
    if !fused {
        for v in &mut x[..n] {
            *v *= s;
        }
    }
    let at = n + p.during_columns.len();
    x[at] = p
        .costs
        .as_ref()
        .map_or(1.0, |i| i.sampler.quantile(u[i.slot]));
    x[at + 1] = 1.0;
    s
}

/// PV of key k for the draw in x.
#[inline(always)]
pub(super) fn pv(p: &IvPlan, x: &[f64], k: usize) -> f64 {
    dot(x, &p.pv_rows[k * p.width..(k + 1) * p.width])
}

/// Four dot products of four x vectors with four rows, with the arithmetic of [`dot`]
/// (bit-identical).
#[inline(always)]
fn dot4_scalar(x: [&[f64]; 4], r: [&[f64]; 4]) -> [f64; 4] {
    [
        dot(x[0], r[0]),
        dot(x[1], r[1]),
        dot(x[2], r[2]),
        dot(x[3], r[3]),
    ]
}

/// [`dot4_scalar`] with AVX2: eight independent accumulator vectors keep both add pipes busy.
/// Same lanes, same order, separate multiplies and adds: bit-identical with the scalar form.
///
/// # Safety
/// The CPU must support AVX2, and every row must be at least as long as `x`, whose length is a
/// multiple of 4.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn dot4_avx2(x: [&[f64]; 4], r: [&[f64]; 4]) -> [f64; 4] {
    use std::arch::x86_64::*;
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

/// Four dot products, with AVX2 when `AVX`.
#[inline(always)]
fn dot4<const AVX: bool>(x: [&[f64]; 4], r: [&[f64]; 4]) -> [f64; 4] {
    #[cfg(target_arch = "x86_64")]
    if AVX {
        let w = x[0].len();
        assert!(
            w.is_multiple_of(4) && r.iter().chain(&x).all(|v| v.len() >= w),
            "dot4: rows shorter than x"
        );
        // SAFETY: AVX is true only inside `run_chunk_avx2`, entered after detecting AVX2; the
        // lengths are checked just above.
        return unsafe { dot4_avx2(x, r) };
    }
    dot4_scalar(x, r)
}

/// Where the break-even search of one key stands.
#[derive(Clone, Copy)]
enum Search {
    /// Answer known.
    Done(u8),
    /// cum(lo) < 0 ≤ cum(hi), nondecreasing in between.
    Bisect(usize, usize),
    /// cum ≥ 0 from t + 1 on: look at t next, going backwards.
    Scan(usize),
    /// cum ≥ 0 at hi, nondecreasing on [m, hi]: look at m next.
    Below(usize, usize),
}

/// PVs (into `pv`) and break-even indices (into `be`) of key k for four draws (`x`; `live[j]`
/// false for padding). The break-even index is the first horizon year from which the
/// cumulative discounted net stays ≥ 0: where the cumulative value is known to be
/// nondecreasing, from a first guess (the deterministic break-even year) and then by bisection,
/// elsewhere by a backward scan. The four draws step together so their dot products run side by
/// side on the same key's rows (which stay in the L1 cache). Same answer as scanning every year.
#[inline(always)]
fn draws4<const AVX: bool>(
    p: &IvPlan,
    x: [&[f64]; 4],
    live: [bool; 4],
    k: usize,
    pv: &mut [f64; 4],
    be: &mut [u8; 4],
) {
    let (h, w) = (p.horizon, p.width);
    let zero = &p.zero_row[..];
    let cum = |t: usize| &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w];
    let m = p.monotone_from[k].max(1) - 1;
    fn or_zero<'a>(live: bool, row: &'a [f64], zero: &'a [f64]) -> &'a [f64] {
        if live { row } else { zero }
    }
    let rows = |row| {
        [
            or_zero(live[0], row, zero),
            or_zero(live[1], row, zero),
            or_zero(live[2], row, zero),
            or_zero(live[3], row, zero),
        ]
    };
    *pv = dot4::<AVX>(x, rows(&p.pv_rows[k * w..(k + 1) * w]));
    // cum is nondecreasing on [m, h − 1]; when that stretch is longer than one year, start each
    // draw at its guess g (from its PV, else the deterministic break-even index; clamped into
    // the stretch). cum(g) ≥ 0 implies cum ≥ 0 to the end; then cum(g − 1) < 0 settles it.
    // cum(g) < 0 needs cum ≥ 0 in the last year (the PV when the result period covers the
    // horizon: no dot product), then cum(g + 1) ≥ 0 settles it.
    let monotone = m < h - 1;
    let mut state = [Search::Done(NONE); 4];
    if monotone {
        // plain loops, not closures: these run for every draw and key and must inline
        let mut g = [p.guess[k]; 4];
        if let Some(t) = &p.pv_guess[k] {
            for j in 0..4 {
                g[j] = t.get(pv[j]);
            }
        }
        for gj in &mut g {
            *gj = (*gj).clamp(m + 1, h - 1);
        }
        let mut r = [zero; 4];
        for j in 0..4 {
            if live[j] {
                r[j] = cum(g[j]);
            }
        }
        let at_g = dot4::<AVX>(x, r);
        // the last year's value where it is known without a dot product
        let last_known = p.pv_is_last[k];
        let mut second = [None; 4];
        for j in 0..4 {
            if !live[j] {
                continue;
            }
            if at_g[j] >= 0.0 {
                second[j] = Some(g[j] - 1);
            } else if last_known {
                if pv[j] < 0.0 {
                    state[j] = Search::Done(NONE);
                } else if g[j] + 1 == h - 1 {
                    state[j] = Search::Done((h - 1) as u8);
                } else {
                    second[j] = Some(g[j] + 1);
                }
            } else {
                second[j] = Some(h - 1);
            }
        }
        if second.iter().any(Option::is_some) {
            let mut r = [zero; 4];
            for j in 0..4 {
                if let Some(t) = second[j] {
                    r[j] = cum(t);
                }
            }
            let at2 = dot4::<AVX>(x, r);
            for j in 0..4 {
                let Some(t) = second[j] else { continue };
                let g = g[j];
                state[j] = if at_g[j] >= 0.0 {
                    if at2[j] < 0.0 {
                        Search::Done(g as u8)
                    } else {
                        Search::Below(m, g - 1)
                    }
                } else if t == g + 1 && last_known {
                    // cum(g) < 0 ≤ cum(h − 1)
                    if at2[j] >= 0.0 {
                        Search::Done(t as u8)
                    } else {
                        Search::Bisect(t, h - 1)
                    }
                } else if at2[j] < 0.0 {
                    Search::Done(NONE)
                } else if h - 1 - g <= 1 {
                    Search::Done((h - 1) as u8)
                } else {
                    Search::Bisect(g, h - 1)
                };
            }
        }
    } else {
        let last = if p.pv_is_last[k] {
            *pv
        } else {
            dot4::<AVX>(x, rows(cum(h - 1)))
        };
        for j in 0..4 {
            if live[j] && last[j] >= 0.0 {
                state[j] = if h == 1 {
                    Search::Done(0)
                } else {
                    Search::Scan(h - 2)
                };
            }
        }
    }
    loop {
        let mut any = false;
        let next = |s: Search| match s {
            Search::Done(_) => None,
            Search::Bisect(lo, hi) => Some((lo + hi) / 2),
            Search::Scan(t) => Some(t),
            Search::Below(m, _) => Some(m),
        };
        let ts = [
            next(state[0]),
            next(state[1]),
            next(state[2]),
            next(state[3]),
        ];
        for t in ts {
            any |= t.is_some();
        }
        if !any {
            break;
        }
        let row = |j: usize| match ts[j] {
            Some(t) => cum(t),
            None => zero,
        };
        let v = dot4::<AVX>(x, [row(0), row(1), row(2), row(3)]);
        for j in 0..4 {
            state[j] = match (state[j], ts[j]) {
                (Search::Bisect(lo, hi), Some(mid)) => {
                    let (lo, hi) = if v[j] >= 0.0 { (lo, mid) } else { (mid, hi) };
                    if hi - lo <= 1 {
                        Search::Done(hi as u8)
                    } else {
                        Search::Bisect(lo, hi)
                    }
                }
                (Search::Below(m, hi), Some(_)) => {
                    if v[j] < 0.0 {
                        if hi - m <= 1 {
                            Search::Done(hi as u8)
                        } else {
                            Search::Bisect(m, hi)
                        }
                    } else if m == 0 {
                        Search::Done(0)
                    } else {
                        Search::Scan(m - 1)
                    }
                }
                (Search::Scan(t), Some(_)) => {
                    if v[j] < 0.0 {
                        Search::Done((t + 1) as u8)
                    } else if t == 0 {
                        Search::Done(0)
                    } else {
                        Search::Scan(t - 1)
                    }
                }
                (s, _) => s,
            };
        }
    }
    for (b, s) in be.iter_mut().zip(state) {
        *b = match s {
            Search::Done(b) => b,
            _ => NONE,
        };
    }
}

/// Zero counts of sign patterns per intervention (none when it has too many keys).
fn empty_patterns(plan: &Plan) -> Vec<Vec<u64>> {
    plan.ivs
        .iter()
        .map(|p| {
            if p.keys.len() <= MAX_PATTERN_KEYS {
                vec![0; 1 << p.keys.len()]
            } else {
                Vec::new()
            }
        })
        .collect()
}

struct Job<'a> {
    chunk: usize,
    draws: usize,
    residual: &'a mut [f32],
    break_even: &'a mut [u8],
    by_year: &'a mut [f32],
}

#[inline(always)]
fn run_chunk_generic<const AVX: bool>(
    plan: &Plan,
    seed: u64,
    d: &Draws,
    job: Job<'_>,
) -> ChunkStats {
    let mut rng = Rng4::new(chunk_seed(seed, job.chunk as u64));
    let slots = plan.slots.len();
    let mut ubuf = Vec::new();
    // x vectors of a block of draws, per intervention
    let mut xs: Vec<Vec<f64>> = plan
        .ivs
        .iter()
        .map(|p| vec![0.0; BLOCK * p.width])
        .collect();
    let mut patterns = [0usize; BLOCK];
    let mut st = ChunkStats::empty(plan, d.row);
    let (mut pv4, mut be4) = ([0.0; 4], [0u8; 4]);
    for b0 in (0..job.draws).step_by(BLOCK) {
        let nb = BLOCK.min(job.draws - b0);
        let ub = rng::block::<AVX>(&mut rng, nb, slots, &mut ubuf);
        for i in 0..nb {
            let u = &ub[i * slots..(i + 1) * slots];
            for (j, p) in plan.ivs.iter().enumerate() {
                fill_x(p, u, &mut xs[j][i * p.width..(i + 1) * p.width], None);
            }
        }
        for (j, p) in plan.ivs.iter().enumerate() {
            let w = p.width;
            let xb = &xs[j];
            patterns[..nb].fill(0);
            for k in 0..p.keys.len() {
                let at = d.offsets[j] + k;
                // this block's sums in registers, added to the chunk's once per block
                let (mut sum, mut sum_sq, mut positive) = (0.0, 0.0, 0);
                for i0 in (0..nb).step_by(4) {
                    let live = [0, 1, 2, 3].map(|q| i0 + q < nb);
                    let x = |q: usize| {
                        let i = if live[q] { i0 + q } else { i0 };
                        &xb[i * w..(i + 1) * w]
                    };
                    draws4::<AVX>(p, [x(0), x(1), x(2), x(3)], live, k, &mut pv4, &mut be4);
                    for q in 0..4 {
                        if !live[q] {
                            break;
                        }
                        let i = i0 + q;
                        let v = pv4[q];
                        let r = v - p.centre[k];
                        sum += r;
                        sum_sq += r * r;
                        if v > 0.0 {
                            positive += 1;
                            patterns[i] |= 1 << k.min(63);
                        }
                        let row = (b0 + i) * d.row + at;
                        job.residual[row] = r as f32;
                        job.break_even[row] = be4[q];
                    }
                }
                st.sum[at] += sum;
                st.sum_sq[at] += sum_sq;
                st.positive[at] += positive;
            }
            for pattern in &patterns[..nb] {
                if let Some(c) = st.patterns[j].get_mut(*pattern) {
                    *c += 1;
                }
            }
            if d.year_row > 0 {
                for i in 0..nb {
                    let base = (b0 + i) * d.year_row + d.year_offsets[j];
                    let x = &xb[i * w..(i + 1) * w];
                    for r in 0..p.keys.len() * p.horizon {
                        job.by_year[base + r] = dot(x, &p.net_rows[r * w..(r + 1) * w]) as f32;
                    }
                }
            }
        }
    }
    st
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_chunk_avx2(plan: &Plan, seed: u64, d: &Draws, job: Job<'_>) -> ChunkStats {
    run_chunk_generic::<true>(plan, seed, d, job)
}

fn run_chunk(plan: &Plan, seed: u64, d: &Draws, job: Job<'_>) -> ChunkStats {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above. Only the instruction set differs;
        // the arithmetic (separate multiplies and adds, fixed summation order) is the same, so
        // results are bit-identical with the generic path.
        return unsafe { run_chunk_avx2(plan, seed, d, job) };
    }
    run_chunk_generic::<false>(plan, seed, d, job)
}

/// Runs `n` draws of the plan. `progress` is called with the number of draws finished so far
/// (from worker threads, in no particular order).
pub fn run(
    plan: &Plan,
    n: usize,
    seed: u64,
    extras: Extras,
    progress: &(dyn Fn(u64) + Sync),
) -> Draws {
    let mut offsets = Vec::new();
    let mut year_offsets = Vec::new();
    let (mut row, mut year_row) = (0, 0);
    for p in &plan.ivs {
        offsets.push(row);
        row += p.keys.len();
        year_offsets.push(year_row);
        if extras.by_year {
            year_row += p.keys.len() * p.horizon;
        }
    }
    let mut d = Draws {
        n,
        row,
        offsets,
        residual: Vec::new(),
        break_even: Vec::new(),
        year_row,
        year_offsets,
        by_year: Vec::new(),
        sum: vec![0.0; row],
        sum_sq: vec![0.0; row],
        positive: vec![0; row],
        patterns: Vec::new(),
    };
    let mut residual = vec![0.0f32; n * row];
    let mut break_even = vec![0u8; n * row];
    let mut by_year = vec![0.0f32; n * year_row];
    let stats: Vec<ChunkStats> = {
        let mut jobs = Vec::with_capacity(n.div_ceil(CHUNK));
        let (mut r, mut b, mut y) = (&mut residual[..], &mut break_even[..], &mut by_year[..]);
        for chunk in 0..n.div_ceil(CHUNK) {
            let m = CHUNK.min(n - chunk * CHUNK);
            let (r1, r2) = std::mem::take(&mut r).split_at_mut(m * row);
            let (b1, b2) = std::mem::take(&mut b).split_at_mut(m * row);
            let (y1, y2) = std::mem::take(&mut y).split_at_mut(m * year_row);
            (r, b, y) = (r2, b2, y2);
            jobs.push(Job {
                chunk,
                draws: m,
                residual: r1,
                break_even: b1,
                by_year: y1,
            });
        }
        let shared = &d;
        jobs.into_par_iter()
            .map(|job| {
                let m = job.draws as u64;
                if crate::interrupt::requested() {
                    // Ctrl-C: skip the rest; the caller reports the interruption
                    return ChunkStats::empty(plan, shared.row);
                }
                let s = run_chunk(plan, seed, shared, job);
                progress(m);
                s
            })
            .collect()
    };
    d.patterns = empty_patterns(plan);
    for s in &stats {
        for i in 0..row {
            d.sum[i] += s.sum[i];
            d.sum_sq[i] += s.sum_sq[i];
            d.positive[i] += s.positive[i];
        }
        for (a, b) in d.patterns.iter_mut().zip(&s.patterns) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
    d.residual = residual;
    d.break_even = break_even;
    d.by_year = by_year;
    d
}

/// Per draw and key of intervention `j`: the PV at success rate 0 and the PV gained per unit of
/// success rate, from the same draws of every other input as [`run`] (same seed, same slots).
pub fn affine_draws(plan: &Plan, j: usize, n: usize, seed: u64) -> Vec<(f64, f64)> {
    let p = &plan.ivs[j];
    let k_n = p.keys.len();
    let mut out = vec![(0.0, 0.0); n * k_n];
    out.par_chunks_mut(CHUNK * k_n)
        .enumerate()
        .for_each(|(chunk, dst)| {
            // the same uniforms as `run`: same chunk seed, same blocks
            let mut rng = Rng4::new(chunk_seed(seed, chunk as u64));
            let slots = plan.slots.len();
            let mut ubuf = Vec::new();
            let (mut x0, mut x1) = (vec![0.0; p.width], vec![0.0; p.width]);
            let draws = dst.len() / k_n;
            for b0 in (0..draws).step_by(BLOCK) {
                let nb = BLOCK.min(draws - b0);
                let ub = rng::block::<false>(&mut rng, nb, slots, &mut ubuf);
                for i in 0..nb {
                    let u = &ub[i * slots..(i + 1) * slots];
                    fill_x(p, u, &mut x0, Some(0.0));
                    fill_x(p, u, &mut x1, Some(1.0));
                    for k in 0..k_n {
                        let a = pv(p, &x0, k);
                        dst[(b0 + i) * k_n + k] = (a, pv(p, &x1, k) - a);
                    }
                }
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_seeds_differ() {
        assert_ne!(chunk_seed(1, 0), chunk_seed(1, 1));
        assert_ne!(chunk_seed(1, 0), chunk_seed(2, 0));
    }

    /// The guessed, bisecting and scanning search gives the same break-even index as scanning
    /// every year, for monotone and non-monotone keys, on the scalar and the AVX2 path.
    #[test]
    fn the_break_even_search_equals_a_full_scan() {
        for name in ["cti", "psykisk-misbrug", "hjemloese-icm", "afdelinger"] {
            let mut sc = crate::testing::shipped(name);
            // wide factors that can go negative make some keys non-monotone
            for wide in [false, true] {
                if wide {
                    sc.interventions[0].uncertainty.consequences =
                        Some(crate::scenario::ScopedDist {
                            dist: crate::dist::Dist::Normal {
                                mean: 1.0,
                                sd: 1.0,
                                min: None,
                                max: None,
                            },
                            per: crate::scenario::FactorScope::Item,
                        });
                }
                let ivs: Vec<&crate::scenario::Intervention> = sc.interventions.iter().collect();
                let plan = Plan::new(&sc, &ivs).unwrap();
                let p = &plan.ivs[0];
                let mut rng = Rng4::new(5);
                let u0: Vec<f64> = (0..plan.slots.len()).map(|_| 0.5).collect();
                let mut xs = vec![vec![0.0; p.width]; 4];
                for round in 0..300 {
                    for x in xs.iter_mut() {
                        let u: Vec<f64> = if round == 0 {
                            u0.clone()
                        } else {
                            let mut u = vec![0.0; plan.slots.len().div_ceil(4) * 4];
                            rng.fill_scalar(&mut u);
                            u.truncate(plan.slots.len());
                            u
                        };
                        fill_x(p, &u, x, None);
                    }
                    for k in 0..p.keys.len() {
                        let h = p.horizon;
                        let w = p.width;
                        let x4 = [&xs[0][..], &xs[1][..], &xs[2][..], &xs[3][..]];
                        let (mut pv, mut be) = ([0.0; 4], [0u8; 4]);
                        let (mut pv2, mut be2) = ([0.0; 4], [0u8; 4]);
                        draws4::<false>(p, x4, [true; 4], k, &mut pv, &mut be);
                        #[cfg(target_arch = "x86_64")]
                        if std::arch::is_x86_feature_detected!("avx2") {
                            draws4::<true>(p, x4, [true; 4], k, &mut pv2, &mut be2);
                            assert_eq!((pv, be), (pv2, be2));
                        }
                        for q in 0..4 {
                            let series: Vec<f64> = (0..h)
                                .map(|t| {
                                    dot(x4[q], &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w])
                                })
                                .collect();
                            // the full scan on cumulative values
                            let mut first_ok = None;
                            for (t, c) in series.iter().enumerate() {
                                if *c >= 0.0 {
                                    first_ok.get_or_insert(t);
                                } else {
                                    first_ok = None;
                                }
                            }
                            let want = first_ok.map_or(NONE, |t| t as u8);
                            assert_eq!(be[q], want, "{name} wide={wide} key {k} round {round}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dot_sums_every_lane() {
        let x: Vec<f64> = (1..=16).map(f64::from).collect();
        let r = vec![1.0; 16];
        assert_eq!(dot(&x, &r), 136.0);
    }
}
