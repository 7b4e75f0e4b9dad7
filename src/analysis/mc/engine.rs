//! The Monte Carlo inner loop.
//!
//! Draws are split into fixed chunks of [`CHUNK`] draws; chunk c has its own generators (four
//! Xoshiro256++ side by side, `rng`) seeded from (seed, c), so a run is bit-identical
//! whatever the number of threads. Within a draw every slot gets one uniform, in slot order; the
//! uniforms of a block of `BLOCK` draws are made in one pass. Results are written into
//! preallocated arrays (no allocation per draw): per draw and key the PV relative to the
//! deterministic PV as `f32` (exact to about 7 digits of the spread, not of the amount) and the
//! break-even index as `u8`. Sums for the mean and sd and the counts for P(PV > 0) and the sign
//! patterns are kept in `f64`/`u64` per chunk and combined in chunk order.

use rayon::prelude::*;

use super::plan::{Input, InterventionPlan, LANES, Plan};
use super::rng;
use super::search::*;
pub use super::simd::Isa;
use super::years::{Keep, Tally};

/// Draws per chunk (the unit of seeding and of parallel work).
pub const CHUNK: usize = 2048;
/// Draws whose x vectors are built before their results are searched (the rows of one key and
/// these vectors fit the L1 cache together).
pub(super) const BLOCK: usize = 16;
/// Break-even code for "no break-even in the horizon".
pub const NONE: u8 = u8::MAX;
/// Sign patterns are counted when an intervention has at most this many keys.
pub const MAX_PATTERN_KEYS: usize = 10;

/// What to compute besides PV and break-even year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outputs {
    /// Undiscounted net per key and horizon year (budget years), per intervention.
    pub by_year: bool,
    /// The same summed over the interventions, per key and calendar year, for the years
    /// `(first, count)`: a portfolio's budget years without keeping every intervention's.
    pub portfolio_years: Option<(i32, usize)>,
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
    /// PV − deterministic PV, one column per row entry: `[row][draw]` (a summary of one key
    /// reads one contiguous column).
    pub residual: Vec<f32>,
    /// Break-even index in the horizon or [`NONE`], `[row][draw]`.
    pub break_even: Vec<u8>,
    /// Per-year columns of the interventions (`by_year`): their number …
    pub year_row: usize,
    /// … and the first of each intervention's `[key][year]` block; the portfolio's `[key][year]`
    /// columns follow from `year_row` on.
    pub year_offsets: Vec<usize>,
    /// The first calendar year and the number of years of the portfolio's columns.
    pub portfolio_years: (i32, usize),
    /// The per-year values kept ([`super::years`]): an intervention's undiscounted net per key
    /// and year; the portfolio's, per key and calendar year, summed over the interventions (in
    /// `f64`, in intervention order, of each one's `f32` value).
    pub years: Tally,
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
    years: Tally,
}

impl ChunkStats {
    /// Zero sums and counts for `row` values per draw.
    fn empty(plan: &Plan, row: usize, keep: &Keep) -> ChunkStats {
        ChunkStats {
            sum: vec![0.0; row],
            sum_sq: vec![0.0; row],
            positive: vec![0; row],
            patterns: empty_patterns(plan),
            years: Tally::empty(keep),
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

/// The draws of `input` for a block's uniforms `ub` (`[draw][slots]`, `nb` draws), into `out`:
/// one distribution over the block, so its quantiles are computed together.
#[inline(always)]
fn draw<const AVX: bool>(
    input: &Input,
    ub: &[f64],
    slots: usize,
    nb: usize,
    out: &mut [f64; BLOCK],
) {
    let mut u = [0.5; BLOCK];
    for (i, u) in u[..nb].iter_mut().enumerate() {
        *u = ub[i * slots + input.slot];
    }
    input.sampler.quantiles::<AVX>(&u[..nb], &mut out[..nb]);
}

/// Fills the input vectors x of a block of `nb` draws (`x_block`, `[draw][width]`) from their
/// slot uniforms `ub` (`[draw][slots]`, see [`super::plan`]), and their success rates `s`;
/// `s_override` replaces the success rate (requirement analysis). Each input's quantiles are
/// computed for the whole block at once.
#[inline(always)]
pub(super) fn fill_block<const AVX: bool>(
    p: &InterventionPlan,
    ub: &[f64],
    slots: usize,
    nb: usize,
    x_block: &mut [f64],
    s: &mut [f64; BLOCK],
    s_override: Option<f64>,
) {
    let (w, n) = (p.width, p.columns.len());
    match (s_override, &p.success) {
        (Some(v), _) => s[..nb].fill(v),
        (None, Some(input)) => {
            draw::<AVX>(input, ub, slots, nb, s);
            for v in &mut s[..nb] {
                *v = v.clamp(0.0, 1.0);
            }
        }
        (None, None) => s[..nb].fill(p.success_rate),
    }
    // without `during` columns (which need the factor before × s) the success rate is applied in
    // the affine pass: the same two roundings, one loop (× 1 is exact when it is applied later)
    let fused = p.during_columns.is_empty() && p.affine_columns.is_some();
    if let Some((first, min, width)) = &p.affine_columns {
        for i in 0..nb {
            // the same arithmetic as the general loop (1·q = q), vectorised over the columns
            let cols = x_block[i * w..i * w + n]
                .iter_mut()
                .zip(&ub[i * slots + first..i * slots + first + n])
                .zip(min)
                .zip(width);
            if fused {
                let s = s[i];
                cols.for_each(|(((xc, uc), a), b)| *xc = (a + uc * b) * s);
            } else {
                cols.for_each(|(((xc, uc), a), b)| *xc = a + uc * b);
            }
        }
    } else if let Some((first, sampler)) = &p.shared_columns {
        // one distribution for every column: its quantiles of each draw's run of uniforms
        for i in 0..nb {
            let u = &ub[i * slots + first..i * slots + first + n];
            sampler.quantiles::<AVX>(u, &mut x_block[i * w..i * w + n]);
        }
    } else {
        let mut q = [0.0; BLOCK];
        for (c, col) in p.columns.iter().enumerate() {
            let mut f = [1.0; BLOCK];
            for input in [&col.consequences, &col.prices].into_iter().flatten() {
                draw::<AVX>(input, ub, slots, nb, &mut q);
                for (f, q) in f[..nb].iter_mut().zip(&q) {
                    *f *= q;
                }
            }
            for (i, f) in f[..nb].iter().enumerate() {
                x_block[i * w + c] = *f;
            }
        }
    }
    let mut costs = [1.0; BLOCK];
    if let Some(input) = &p.costs {
        draw::<AVX>(input, ub, slots, nb, &mut costs);
    }
    let at = n + p.during_columns.len();
    for i in 0..nb {
        let x = &mut x_block[i * w..(i + 1) * w];
        for (j, c) in p.during_columns.iter().enumerate() {
            x[n + j] = x[*c];
        }
        if !fused {
            for v in &mut x[..n] {
                *v *= s[i];
            }
        }
        x[at] = costs[i];
        x[at + 1] = 1.0;
    }
}

/// PV of key k for the draw in x.
#[inline(always)]
pub(super) fn pv(p: &InterventionPlan, x: &[f64], k: usize) -> f64 {
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

/// Four dot products, with AVX2 when `AVX`.
#[inline(always)]
pub(super) fn dot4<const AVX: bool>(x: [&[f64]; 4], r: [&[f64]; 4]) -> [f64; 4] {
    #[cfg(target_arch = "x86_64")]
    if AVX {
        let w = x[0].len();
        assert!(
            w.is_multiple_of(4) && r.iter().chain(&x).all(|v| v.len() >= w),
            "dot4: rows shorter than x"
        );
        // SAFETY: AVX is true only inside `run_chunk_avx2`, entered after detecting AVX2; the
        // lengths are checked just above.
        return unsafe { super::simd::avx2::dot4(x, r) };
    }
    dot4_scalar(x, r)
}

/// PVs (into `pvs`) of key k for the draws of a block (`x_block`, `[draw][width]`), four at a time.
#[inline(always)]
fn pvs<const AVX: bool>(p: &InterventionPlan, k: usize, x_block: &[f64], pvs: &mut [f64; BLOCK]) {
    let w = p.width;
    let row = &p.pv_rows[k * w..(k + 1) * w];
    for i0 in (0..BLOCK).step_by(4) {
        let x = |q: usize| &x_block[(i0 + q) * w..(i0 + q + 1) * w];
        let v = dot4::<AVX>([x(0), x(1), x(2), x(3)], [row; 4]);
        pvs[i0..i0 + 4].copy_from_slice(&v);
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
    /// This chunk's part of each row entry's column.
    residual: Vec<&'a mut [f32]>,
    break_even: Vec<&'a mut [u8]>,
}

#[inline(always)]
fn run_chunk_generic<const AVX: bool>(
    plan: &Plan,
    seed: u64,
    d: &Draws,
    keep: &Keep,
    mut job: Job<'_>,
) -> ChunkStats {
    let mut uni = rng::Uniforms::new(plan, seed, job.chunk, job.draws);
    let slots = plan.slots.len();
    // x vectors of a block of draws, per intervention
    let mut xs: Vec<Vec<f64>> = plan
        .ivs
        .iter()
        .map(|p| vec![0.0; BLOCK * p.width])
        .collect();
    let mut patterns = [0usize; BLOCK];
    let mut st = ChunkStats::empty(plan, d.row, keep);
    let (first_year, years) = d.portfolio_years;
    let portfolio_row = plan.ivs[0].keys.len() * years;
    let mut sums = vec![0.0f64; BLOCK * portfolio_row];
    // success rates per intervention and draw of a block; one key's PVs and break-evens
    let mut ss = vec![[0.0; BLOCK]; plan.ivs.len()];
    let (mut pv, mut be_index) = ([0.0; BLOCK], [0u8; BLOCK]);
    // scratch for overlaps (only used when the plan has some)
    let (mut over_x0, mut over_x1, mut over_s) = (Vec::new(), Vec::new(), [0.0; BLOCK]);
    for b0 in (0..job.draws).step_by(BLOCK) {
        let nb = BLOCK.min(job.draws - b0);
        let ub = uni.next::<AVX>(nb);
        for (j, p) in plan.ivs.iter().enumerate() {
            fill_block::<AVX>(p, ub, slots, nb, &mut xs[j], &mut ss[j], None);
        }
        for (j, p) in plan.ivs.iter().enumerate() {
            let w = p.width;
            let x_block = &xs[j];
            patterns[..nb].fill(0);
            for k in 0..p.keys.len() {
                let at = d.offsets[j] + k;
                // whole blocks (a last partial block's extra rows hold earlier draws, whose
                // results are not kept)
                pvs::<AVX>(p, k, x_block, &mut pv);
                search::<AVX>(p, k, x_block, &ss[j], &pv, &mut be_index);
                // this block's sums in registers, added to the chunk's once per block
                let (mut sum, mut sum_sq, mut positive) = (0.0, 0.0, 0);
                let centre = p.centre[k];
                let bit = 1 << k.min(63);
                let residual = &mut job.residual[at][b0..b0 + nb];
                let break_even = &mut job.break_even[at][b0..b0 + nb];
                for i in 0..nb {
                    let v = pv[i];
                    let r = v - centre;
                    sum += r;
                    sum_sq += r * r;
                    // no branch: the sign of a PV is a coin toss for some keys
                    let gain = usize::from(v > 0.0);
                    positive += gain as u64;
                    patterns[i] |= bit * gain;
                    residual[i] = r as f32;
                }
                break_even.copy_from_slice(&be_index[..nb]);
                st.sum[at] += sum;
                st.sum_sq[at] += sum_sq;
                st.positive[at] += positive;
            }
            for pattern in &patterns[..nb] {
                if let Some(c) = st.patterns[j].get_mut(*pattern) {
                    *c += 1;
                }
            }
            if d.year_row > 0 || portfolio_row > 0 {
                let shift = (p.start_year - first_year) as usize;
                // four draws at a time (`dot4`: the same sums as `dot`, bit for bit); a block
                // always holds BLOCK x vectors, the ones past `nb` are not kept
                for i0 in (0..nb).step_by(4) {
                    let x = |q: usize| &x_block[(i0 + q) * w..(i0 + q + 1) * w];
                    for r in 0..p.keys.len() * p.horizon {
                        let row = &p.net_rows[r * w..(r + 1) * w];
                        let v4 = dot4::<AVX>([x(0), x(1), x(2), x(3)], [row; 4]);
                        // this row's place in a portfolio row: key r / horizon, year r % horizon
                        let at = (r / p.horizon) * years + shift + r % p.horizon;
                        for (q, v) in v4.iter().enumerate().take(nb - i0) {
                            let (i, v) = (i0 + q, *v as f32);
                            if d.year_row > 0 {
                                st.years.add(keep, d.year_offsets[j] + r, v);
                            }
                            if portfolio_row > 0 {
                                sums[i * portfolio_row + at] += f64::from(v);
                            }
                        }
                    }
                }
            }
        }
        if portfolio_row > 0 {
            // overlaps: b counts at s_b(1 − share·s_a) in the portfolio, so each year's sum moves
            // by −share·s_a·s_b times b's net per unit of success rate (x at s = 1 minus s = 0)
            for &(b, a, share) in &plan.overlaps {
                let p = &plan.ivs[b];
                let w = p.width;
                let shift = (p.start_year - first_year) as usize;
                over_x0.resize(BLOCK * w, 0.0);
                over_x1.resize(BLOCK * w, 0.0);
                fill_block::<AVX>(p, ub, slots, nb, &mut over_x0, &mut over_s, Some(0.0));
                fill_block::<AVX>(p, ub, slots, nb, &mut over_x1, &mut over_s, Some(1.0));
                for i in 0..nb {
                    let (x0, x1) = (&over_x0[i * w..(i + 1) * w], &over_x1[i * w..(i + 1) * w]);
                    let m = -share * ss[a][i] * ss[b][i];
                    for r in 0..p.keys.len() * p.horizon {
                        let row = &p.net_rows[r * w..(r + 1) * w];
                        let at = (r / p.horizon) * years + shift + r % p.horizon;
                        sums[i * portfolio_row + at] += m * (dot(x1, row) - dot(x0, row));
                    }
                }
            }
            for i in 0..nb {
                let row = &mut sums[i * portfolio_row..(i + 1) * portfolio_row];
                for (c, s) in row.iter_mut().enumerate() {
                    st.years.add(keep, d.year_row + c, *s as f32);
                    *s = 0.0;
                }
            }
        }
    }
    st
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_chunk_avx2(plan: &Plan, seed: u64, d: &Draws, keep: &Keep, job: Job<'_>) -> ChunkStats {
    run_chunk_generic::<true>(plan, seed, d, keep, job)
}

fn run_chunk(plan: &Plan, seed: u64, d: &Draws, keep: &Keep, job: Job<'_>, isa: Isa) -> ChunkStats {
    #[cfg(target_arch = "x86_64")]
    if isa.avx2() {
        // SAFETY: an `Isa` with `avx2` is only made by `Isa::detect`, after the CPU reported
        // AVX2.
        return unsafe { run_chunk_avx2(plan, seed, d, keep, job) };
    }
    run_chunk_generic::<false>(plan, seed, d, keep, job)
}

/// Runs `n` draws of the plan, keeping of the per-year values (`extras`) what `keep` says
/// (see [`super::years`], which runs this for the per-year ranges). The observer hears of every
/// finished chunk's draws (from worker threads, in no particular order); once it says stop,
/// the remaining chunks are skipped (the caller reports the interruption).
pub fn run(
    plan: &Plan,
    n: usize,
    seed: u64,
    extras: Outputs,
    keep: &Keep,
    observer: &dyn crate::observer::Observer,
    isa: Isa,
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
        portfolio_years: extras.portfolio_years.unwrap_or((0, 0)),
        years: Tally::default(),
        sum: vec![0.0; row],
        sum_sq: vec![0.0; row],
        positive: vec![0; row],
        patterns: Vec::new(),
    };
    let mut residual = vec![0.0f32; n * row];
    let mut break_even = vec![0u8; n * row];
    advise_huge_pages(&residual);
    advise_huge_pages(&break_even);
    let years = std::sync::Mutex::new(Tally::reserved(keep));
    let stats: Vec<ChunkStats> = {
        let mut jobs = Vec::with_capacity(n.div_ceil(CHUNK));
        for chunk in 0..n.div_ceil(CHUNK) {
            let m = CHUNK.min(n - chunk * CHUNK);
            jobs.push(Job {
                chunk,
                draws: m,
                residual: Vec::with_capacity(row),
                break_even: Vec::with_capacity(row),
            });
        }
        // each column in chunk-sized parts, one per job
        for column in residual.chunks_mut(n.max(1)) {
            for (job, part) in jobs.iter_mut().zip(column.chunks_mut(CHUNK)) {
                job.residual.push(part);
            }
        }
        for column in break_even.chunks_mut(n.max(1)) {
            for (job, part) in jobs.iter_mut().zip(column.chunks_mut(CHUNK)) {
                job.break_even.push(part);
            }
        }
        let shared = &d;
        let years = &years;
        jobs.into_par_iter()
            .map(|job| {
                let m = job.draws as u64;
                if observer.cancelled() {
                    return ChunkStats::empty(plan, shared.row, keep);
                }
                let mut s = run_chunk(plan, seed, shared, keep, job, isa);
                // this chunk's per-year values into the run's at once, so they are held once
                // (their order does not matter: the ranges are order statistics)
                years
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .append(std::mem::take(&mut s.years));
                observer.progress(m);
                s
            })
            .collect()
    };
    d.patterns = empty_patterns(plan);
    d.years = years.into_inner().unwrap_or_else(|e| e.into_inner());
    for s in stats {
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
    d
}

/// Asks the kernel to back a large, not yet written buffer with 2 MiB pages: the workers then
/// take a few hundred times fewer page faults when they store the draws (numpy does the same
/// for its large arrays). Advice only: where it is not supported nothing changes.
fn advise_huge_pages<T>(buf: &[T]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const HUGE: usize = 2 << 20;
        let start = buf.as_ptr() as usize;
        let end = start + std::mem::size_of_val(buf);
        let from = start.next_multiple_of(PAGE);
        if end >= from + 2 * HUGE {
            // SAFETY: madvise with MADV_HUGEPAGE changes only how the kernel backs whole pages
            // inside this live allocation, never their contents; a failure leaves them as they
            // were (the result is deliberately ignored)
            unsafe {
                libc::madvise(
                    from as *mut libc::c_void,
                    (end - from) / PAGE * PAGE,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
}

impl Draws {
    /// The stored PV − deterministic PV of row entry `at` (an intervention's offset + key),
    /// one per draw.
    pub fn residuals(&self, at: usize) -> &[f32] {
        &self.residual[at * self.n..(at + 1) * self.n]
    }

    /// The break-even indices of row entry `at`, one per draw.
    pub fn break_evens(&self, at: usize) -> &[u8] {
        &self.break_even[at * self.n..(at + 1) * self.n]
    }
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
            // the same uniforms as `run`: same chunk, same blocks
            let draws = dst.len() / k_n;
            let mut uni = rng::Uniforms::new(plan, seed, chunk, draws);
            let slots = plan.slots.len();
            let (mut x0, mut x1) = (vec![0.0; BLOCK * p.width], vec![0.0; BLOCK * p.width]);
            let mut s = [0.0; BLOCK];
            let w = p.width;
            for b0 in (0..draws).step_by(BLOCK) {
                let nb = BLOCK.min(draws - b0);
                let ub = uni.next::<false>(nb);
                fill_block::<false>(p, ub, slots, nb, &mut x0, &mut s, Some(0.0));
                fill_block::<false>(p, ub, slots, nb, &mut x1, &mut s, Some(1.0));
                for i in 0..nb {
                    let (x0, x1) = (&x0[i * w..(i + 1) * w], &x1[i * w..(i + 1) * w]);
                    for k in 0..k_n {
                        let a = pv(p, x0, k);
                        dst[(b0 + i) * k_n + k] = (a, pv(p, x1, k) - a);
                    }
                }
            }
        });
    out
}

/// Per draw, the success rate of intervention `j`, from the same draws as [`run`] (same seed,
/// same slots): what a portfolio needs to apply an overlap between two interventions.
pub fn success_draws(plan: &Plan, j: usize, n: usize, seed: u64) -> Vec<f64> {
    let p = &plan.ivs[j];
    let mut out = vec![0.0; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(chunk, dst)| {
            let mut uni = rng::Uniforms::new(plan, seed, chunk, dst.len());
            let slots = plan.slots.len();
            let mut x = vec![0.0; BLOCK * p.width];
            let mut s = [0.0; BLOCK];
            for b0 in (0..dst.len()).step_by(BLOCK) {
                let nb = BLOCK.min(dst.len() - b0);
                let ub = uni.next::<false>(nb);
                fill_block::<false>(p, ub, slots, nb, &mut x, &mut s, None);
                dst[b0..b0 + nb].copy_from_slice(&s[..nb]);
            }
        });
    out
}

/// The uniforms of `slots` over the run's first `n` draws, `[slot][draw]`, from the same
/// blocks as [`run`] (stratified and correlated as the run's).
pub fn uniforms_of(plan: &Plan, slots: &[usize], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let width = plan.slots.len();
    let parts: Vec<Vec<f64>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| {
            let draws = CHUNK.min(n - chunk * CHUNK);
            let mut uni = rng::Uniforms::new(plan, seed, chunk, draws);
            let mut out = vec![0.0; slots.len() * draws];
            for b0 in (0..draws).step_by(BLOCK) {
                let nb = BLOCK.min(draws - b0);
                let ub = uni.next::<false>(nb);
                for d in 0..nb {
                    for (i, s) in slots.iter().enumerate() {
                        out[i * draws + b0 + d] = ub[d * width + s];
                    }
                }
            }
            out
        })
        .collect();
    (0..slots.len())
        .map(|i| {
            parts
                .iter()
                .flat_map(|p| {
                    let draws = p.len() / slots.len();
                    p[i * draws..(i + 1) * draws].iter().copied()
                })
                .collect()
        })
        .collect()
}

/// The rank correlations of the run's correlated inputs over its draws: the correlations of
/// their (correlated) uniforms (the first 100,000 draws at most: a sampling error of about
/// 0.003); `None` without correlations.
pub fn achieved_correlation(
    plan: &Plan,
    n: usize,
    seed: u64,
) -> Option<super::copula::CorrelationResult> {
    let c = plan.copula.as_ref()?;
    let series = uniforms_of(plan, &c.slots, n.min(100_000), seed);
    let m = c.slots.len();
    let achieved = (0..m)
        .map(|i| {
            (0..m)
                .map(|j| {
                    if i == j {
                        1.0
                    } else {
                        super::copula::pearson(&series[i], &series[j])
                    }
                })
                .collect()
        })
        .collect();
    Some(super::copula::CorrelationResult {
        inputs: c.names.clone(),
        requested: c.requested.clone(),
        achieved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_seeds_differ() {
        assert_ne!(chunk_seed(1, 0), chunk_seed(1, 1));
        assert_ne!(chunk_seed(1, 0), chunk_seed(2, 0));
    }

    /// Plans of four shipped scenarios, with their own uncertainty and with wide factors: a
    /// normal (unbounded, can go negative: some keys are not monotone, no bounds) and a wide
    /// uniform (bounded: the bounds settle signs).
    fn test_plans() -> Vec<(String, Plan)> {
        use crate::dist::Dist;
        let mut out = Vec::new();
        for name in ["cti", "psykisk-misbrug", "hjemloese-icm", "afdelinger"] {
            let base = crate::testing::shipped(name);
            for (label, wide) in [
                ("own", None),
                (
                    "normal",
                    Some(Dist::Normal {
                        mean: 1.0,
                        sd: 1.0,
                        min: None,
                        max: None,
                    }),
                ),
                ("uniform", Some(Dist::Uniform { min: 0.2, max: 1.8 })),
            ] {
                let mut sc = base.clone();
                if let Some(dist) = wide {
                    sc.interventions[0].uncertainty.consequences =
                        Some(crate::scenario::ScopedDist {
                            dist,
                            per: crate::scenario::FactorScope::Item,
                        });
                }
                let ivs: Vec<&crate::scenario::Intervention> = sc.interventions.iter().collect();
                out.push((format!("{name} {label}"), Plan::new(&sc, &ivs).unwrap()));
            }
        }
        out
    }

    /// `n` draws of the first intervention: x vectors (`[draw][width]`) and success rates; the
    /// first draw has every uniform at 0.5.
    fn test_draws(plan: &Plan, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let p = &plan.ivs[0];
        let mut rng = rng::Rng4::new(seed);
        let slots = plan.slots.len();
        let w = p.width;
        let (mut xs, mut ss) = (vec![0.0; n * w], vec![0.0; n]);
        let mut r = vec![0.0; ((n - 1) * slots).div_ceil(4) * 4];
        rng.fill_scalar(&mut r);
        let u: Vec<f64> = [0.5].repeat(slots).into_iter().chain(r).collect();
        let mut s = [0.0; BLOCK];
        for b0 in (0..n).step_by(BLOCK) {
            let nb = BLOCK.min(n - b0);
            fill_block::<false>(
                p,
                &u[b0 * slots..],
                slots,
                nb,
                &mut xs[b0 * w..],
                &mut s,
                None,
            );
            ss[b0..b0 + nb].copy_from_slice(&s[..nb]);
        }
        (xs, ss)
    }

    /// The guessed, bisecting and scanning search, with signs settled by bounds where they can,
    /// gives the same break-even index as scanning every year, for monotone and non-monotone
    /// keys, on the scalar and the AVX2 path.
    #[test]
    fn the_break_even_search_equals_a_full_scan() {
        for (name, plan) in test_plans() {
            let p = &plan.ivs[0];
            let (h, w) = (p.horizon, p.width);
            for round in 0..100u64 {
                let (xs, ss) = test_draws(&plan, BLOCK, round);
                let ss: [f64; BLOCK] = ss.try_into().unwrap();
                for k in 0..p.keys.len() {
                    let (mut pv, mut be_index) = ([0.0; BLOCK], [0u8; BLOCK]);
                    pvs::<false>(p, k, &xs, &mut pv);
                    search::<false>(p, k, &xs, &ss, &pv, &mut be_index);
                    #[cfg(target_arch = "x86_64")]
                    if std::arch::is_x86_feature_detected!("avx2") {
                        let (mut pv2, mut be2) = ([0.0; BLOCK], [0u8; BLOCK]);
                        // SAFETY: AVX2 is present, checked just above
                        unsafe { search_avx2(p, k, &xs, &ss, &mut pv2, &mut be2) };
                        assert_eq!((&pv, &be_index), (&pv2, &be2), "{name}: AVX2 differs");
                    }
                    for q in 0..BLOCK {
                        let x = &xs[q * w..(q + 1) * w];
                        assert_eq!(pv[q], dot(x, &p.pv_rows[k * w..(k + 1) * w]));
                        // the full scan on cumulative values
                        let mut first_ok = None;
                        for t in 0..h {
                            if dot(x, &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w]) >= 0.0 {
                                first_ok.get_or_insert(t);
                            } else {
                                first_ok = None;
                            }
                        }
                        let want = first_ok.map_or(NONE, |t| t as u8);
                        assert_eq!(be_index[q], want, "{name} key {k} round {round} draw {q}");
                    }
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn search_avx2(
        p: &InterventionPlan,
        k: usize,
        xs: &[f64],
        ss: &[f64; BLOCK],
        pv: &mut [f64; BLOCK],
        be_index: &mut [u8; BLOCK],
    ) {
        pvs::<true>(p, k, xs, pv);
        search::<true>(p, k, xs, ss, pv, be_index);
    }

    /// Every sign the bounds settle is the sign of the dot product, for every key and horizon
    /// year; the bounds exist exactly when every input is bounded, and settle many signs.
    #[test]
    fn bounds_never_contradict_the_dot_product() {
        for (name, plan) in test_plans() {
            let p = &plan.ivs[0];
            let (h, w) = (p.horizon, p.width);
            let Some(cert) = &p.cert else {
                assert!(name.ends_with("normal"), "{name}: no bounds");
                continue;
            };
            assert!(
                !name.ends_with("normal"),
                "{name}: bounds for an unbounded input"
            );
            let (mut settled, mut all) = (0, 0);
            let (xs, ss) = test_draws(&plan, 2000, 9);
            for (x, s) in xs.chunks_exact(w).zip(&ss) {
                for k in 0..p.keys.len() {
                    let pv = dot(x, &p.pv_rows[k * w..(k + 1) * w]);
                    for t in 0..h {
                        let v = dot(x, &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w]);
                        all += 1;
                        if let Some(ge) = cert.sign(k * h + t, pv, *s) {
                            settled += 1;
                            assert_eq!(ge, v >= 0.0, "{name} key {k} year {t}: {v}");
                        }
                    }
                }
            }
            assert!(
                settled * 2 > all,
                "{name}: bounds settle {settled} of {all}"
            );
        }
    }

    #[test]
    fn dot_sums_every_lane() {
        let x: Vec<f64> = (1..=16).map(f64::from).collect();
        let r = vec![1.0; 16];
        assert_eq!(dot(&x, &r), 136.0);
    }
}
