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
    /// PV − deterministic PV, one column per row entry: `[row][draw]` (a summary of one key
    /// reads one contiguous column).
    pub residual: Vec<f32>,
    /// Break-even index in the horizon or [`NONE`], `[row][draw]`.
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
    let s = s_override.unwrap_or_else(|| success_rate(p, u));
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

/// The success rate of a draw with slot uniforms `u`: its distribution's quantile clamped to
/// [0, 1], or the scenario's rate.
#[inline(always)]
fn success_rate(p: &IvPlan, u: &[f64]) -> f64 {
    match &p.success {
        Some(i) => i.sampler.quantile(u[i.slot]).clamp(0.0, 1.0),
        None => p.success_rate,
    }
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

/// Where the break-even search of one draw and key stands: the horizon index it looks at next
/// ([`Search::probe`]) and where the sign of the cumulative value there leads
/// ([`Search::advance`]). `m` is the index from which the cumulative value is nondecreasing.
#[derive(Clone, Copy)]
enum Search {
    /// Answer known.
    Done(u8),
    /// Look at the first guess g (nondecreasing on [g − 1, h − 1]).
    Guess(usize),
    /// cum(g) ≥ 0: look at g − 1.
    Down(usize),
    /// cum(g) < 0 ≤ cum(h − 1): look at g + 1.
    Up(usize),
    /// cum(g) < 0, cum(h − 1) unknown: look at h − 1.
    Last(usize),
    /// cum(lo) < 0 ≤ cum(hi), nondecreasing in between.
    Bisect(usize, usize),
    /// cum ≥ 0 from t + 1 on: look at t next, going backwards.
    Scan(usize),
    /// cum ≥ 0 at hi, nondecreasing on [m, hi]: look at m next.
    Below(usize, usize),
    /// Not monotone: look at the last year h − 1 first.
    Tail,
    /// The count c of negative cumulative values on the nondecreasing stretch [m, h − 1] lies
    /// in [lo, hi]: look at m + (lo + hi)/2 (cum there ≥ 0 exactly when c ≤ (lo + hi)/2).
    Count(u8, u8),
}

/// The fixed facts of one key's search.
#[derive(Clone, Copy)]
struct Key {
    /// Horizon length.
    h: usize,
    /// cum is nondecreasing on [m, h − 1].
    m: usize,
    /// cum(h − 1) is the PV (known before the search).
    last_known: bool,
}

/// Settles a search whose cumulative value is known to be nondecreasing on [lo, hi] with
/// cum(lo) < 0 ≤ cum(hi).
fn bisect(lo: usize, hi: usize) -> Search {
    if hi - lo <= 1 {
        Search::Done(hi as u8)
    } else {
        Search::Bisect(lo, hi)
    }
}

/// cum ≥ 0 from t on: scan backwards from t − 1.
fn scan_below(t: usize) -> Search {
    if t == 0 {
        Search::Done(0)
    } else {
        Search::Scan(t - 1)
    }
}

impl Search {
    /// The horizon index whose sign the search needs next (`None` when done).
    #[inline(always)]
    fn probe(self, key: Key) -> Option<usize> {
        match self {
            Search::Done(_) => None,
            Search::Guess(g) => Some(g),
            Search::Down(g) => Some(g - 1),
            Search::Up(g) => Some(g + 1),
            Search::Last(_) | Search::Tail => Some(key.h - 1),
            Search::Bisect(lo, hi) => Some((lo + hi) / 2),
            Search::Scan(t) => Some(t),
            Search::Below(m, _) => Some(m),
            Search::Count(lo, hi) => Some(key.m + (usize::from(lo) + usize::from(hi)) / 2),
        }
    }

    /// The next state, given whether the cumulative value at [`Search::probe`] is ≥ 0.
    #[inline(always)]
    fn advance(self, key: Key, ge: bool) -> Search {
        let Key { h, m, last_known } = key;
        match self {
            Search::Done(_) => self,
            // cum(g) ≥ 0 implies cum ≥ 0 to the end; then cum(g − 1) < 0 settles it
            Search::Guess(g) if ge => Search::Down(g),
            Search::Guess(g) if g == h - 1 => Search::Done(NONE),
            // cum(h − 1) = PV ≥ 0 (a negative PV was settled before the search)
            Search::Guess(g) if last_known && g + 1 == h - 1 => Search::Done((h - 1) as u8),
            Search::Guess(g) if last_known => Search::Up(g),
            Search::Guess(g) => Search::Last(g),
            Search::Down(g) if !ge => Search::Done(g as u8),
            Search::Down(g) if g - 1 == m => scan_below(m),
            Search::Down(g) => Search::Below(m, g - 1),
            Search::Up(g) if ge => Search::Done((g + 1) as u8),
            Search::Up(g) => bisect(g + 1, h - 1),
            Search::Last(g) if ge => bisect(g, h - 1),
            Search::Last(_) => Search::Done(NONE),
            Search::Bisect(lo, hi) => {
                let mid = (lo + hi) / 2;
                if ge { bisect(lo, mid) } else { bisect(mid, hi) }
            }
            Search::Below(m, _) if ge => scan_below(m),
            Search::Below(m, hi) => bisect(m, hi),
            Search::Scan(t) if ge => scan_below(t),
            Search::Scan(t) => Search::Done((t + 1) as u8),
            Search::Tail if ge => scan_below(h - 1),
            Search::Tail => Search::Done(NONE),
            Search::Count(lo, hi) => {
                let mid = (lo + hi) / 2;
                if ge {
                    count(key, lo, mid)
                } else {
                    count(key, mid + 1, hi)
                }
            }
        }
    }
}

/// The break-even index when exactly `count` cumulative values of the nondecreasing stretch
/// [m, h − 1] are negative: [`NONE`] when all are, else m + count (with a count of 0 this is m,
/// and years before m may still be ≥ 0: see [`count`]).
#[inline(always)]
fn index_after(key: Key, count: usize) -> u8 {
    if count == key.h - key.m {
        NONE
    } else {
        (key.m + count) as u8
    }
}

/// The search once the count of negative cumulative values on the nondecreasing stretch
/// [m, h − 1] is known to lie in [lo, hi]: settled when lo = hi (all negative: no break-even;
/// none negative: cum(m) ≥ 0, scan below m).
#[inline(always)]
fn count(key: Key, lo: u8, hi: u8) -> Search {
    if lo < hi {
        Search::Count(lo, hi)
    } else if lo > 0 || key.m == 0 {
        Search::Done(index_after(key, usize::from(lo)))
    } else {
        scan_below(key.m)
    }
}

/// Four dot products for a group of up to four (draw, horizon year) pairs: each draw's x vector
/// (from `xb`) with key k's cumulative row of that year; padding lanes use the zero row.
#[inline(always)]
fn cum4<const AVX: bool>(p: &IvPlan, k: usize, xb: &[f64], group: &[(usize, usize)]) -> [f64; 4] {
    let (h, w) = (p.horizon, p.width);
    let x = |q: usize| {
        let i = group.get(q).map_or(group[0].0, |g| g.0);
        &xb[i * w..(i + 1) * w]
    };
    let r = |q: usize| {
        group.get(q).map_or(&p.zero_row[..], |&(_, t)| {
            &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w]
        })
    };
    dot4::<AVX>([x(0), x(1), x(2), x(3)], [r(0), r(1), r(2), r(3)])
}

/// Break-even indices (into `be`) of key k for the `nb` draws of a block: x vectors `xb`
/// (`[draw][width]`), their PVs `pvs` and success rates `ss`. The break-even index is the first
/// horizon year from which the cumulative discounted net stays ≥ 0: where the cumulative value
/// is known to be nondecreasing, from a first guess (from the draw's PV) and then by bisection,
/// elsewhere by a backward scan. Each step needs the sign of one cumulative value: the bounds
/// ([`super::plan::Cert`]) settle most of them; the others are queued and their dot products
/// run four at a time (on the same key's rows, which stay in the L1 cache). Same answer as
/// scanning every year.
#[inline(always)]
fn search<const AVX: bool>(
    p: &IvPlan,
    k: usize,
    xb: &[f64],
    ss: &[f64; BLOCK],
    pvs: &[f64; BLOCK],
    be: &mut [u8; BLOCK],
) {
    const NB: usize = BLOCK;
    let h = p.horizon;
    let last_known = p.pv_is_last[k];
    let key = Key {
        h,
        m: p.monotone_from[k].max(1) - 1,
        last_known,
    };
    let mut state = [Search::Done(NONE); BLOCK];
    // the draws whose search is still open
    let (mut open, mut n_open) = ([0usize; BLOCK], 0);
    match &p.cert {
        Some(c) if key.m < h - 1 => {
            // cum is nondecreasing on [m, h − 1]: the bounds of every year of the stretch at
            // once usually settle the count of negative years (no branches: the break-even
            // index is written, and the draw is kept open only when the count is not settled or
            // is 0 with years before m to scan)
            let all = h - key.m;
            // first, four years around the deterministic break-even year g, four draws at a
            // time: settled when the bounds settle all four years, the first is < 0 (so is
            // every year before it) or the stretch's first, and the last is ≥ 0 (so is every
            // year after it) or the horizon's last
            // per draw: the count of negative years lies in [lo, hi]
            let (mut lo, mut hi) = ([0usize; BLOCK], [0usize; BLOCK]);
            // the draws whose window says nothing (all when the stretch is shorter)
            let (mut rest, mut n_rest) = ([0usize; BLOCK], 0);
            let a = if all >= 4 {
                p.guess[k].saturating_sub(2).clamp(key.m, h - 4)
            } else {
                key.m
            };
            let (first, last) = (a == key.m, a + 4 == h);
            #[cfg(target_arch = "x86_64")]
            let vectorised = AVX && all >= 4;
            #[cfg(not(target_arch = "x86_64"))]
            let vectorised = false;
            if vectorised {
                #[cfg(target_arch = "x86_64")]
                {
                    let w = WindowStep {
                        rows: c.window_rows(k * h + a),
                        base: a - key.m,
                        m: key.m,
                        all,
                        first,
                        last,
                    };
                    // SAFETY: AVX is true only inside `run_chunk_avx2`, entered after detecting
                    // AVX2.
                    (n_open, n_rest) = unsafe {
                        window_step_avx2(&w, pvs, ss, (&mut lo, &mut hi, be), &mut open, &mut rest)
                    };
                }
            } else if all >= 4 {
                for i0 in (0..NB).step_by(4) {
                    let (mut pv4, mut s4) = ([0.0; 4], [0.0; 4]);
                    pv4.copy_from_slice(&pvs[i0..i0 + 4]);
                    s4.copy_from_slice(&ss[i0..i0 + 4]);
                    let win = c.window(k * h + a, pv4, s4);
                    // `&`, not `&&`, and indices bumped by conditions: no branches on
                    // unpredictable conditions
                    for q in 0..4 {
                        let i = i0 + q;
                        (lo[i], hi[i]) = (a - key.m + win.surely[q], a - key.m + win.maybe[q]);
                        be[i] = index_after(key, lo[i]);
                        // every year before the window < 0, every year after it ≥ 0
                        let edges = (win.first_surely >> q & 1 == 1 || first)
                            & (win.last_maybe >> q & 1 == 0 || last);
                        let settled = edges & (lo[i] == hi[i]) & (lo[i] > 0 || key.m == 0);
                        open[n_open] = i;
                        n_open += usize::from(edges & !settled);
                        rest[n_rest] = i;
                        n_rest += usize::from(!edges);
                    }
                }
            } else {
                for (i, r) in rest.iter_mut().enumerate() {
                    *r = i;
                }
                n_rest = NB;
            }
            // else the bounds of every year of the stretch
            for &i in &rest[..n_rest] {
                (lo[i], hi[i]) = c.negatives::<AVX>(k, pvs[i], ss[i]);
                be[i] = index_after(key, lo[i]);
                open[n_open] = i;
                n_open += usize::from(lo[i] != hi[i] || (lo[i] == 0 && key.m > 0));
            }
            // the count not settled, or 0 with years before m to scan. Most often the count is
            // one of two, lo or lo + 1, and one dot product settles it: cum(m + lo) ≥ 0 exactly
            // when the count is lo. Those draws take it here, four at a time and without the
            // search's state machine (whose steps the processor cannot predict); the others
            // (and a count of 0 with years before m) go on below.
            // (draw, the year that decides it)
            let (mut one, mut n_one) = ([(0usize, 0usize); BLOCK], 0);
            let mut n_rest_open = 0;
            for q in 0..n_open {
                let i = open[q];
                let single = (hi[i] == lo[i] + 1) & (lo[i] > 0 || key.m == 0);
                one[n_one] = (i, key.m + lo[i]);
                n_one += usize::from(single);
                open[n_rest_open] = i;
                n_rest_open += usize::from(!single);
            }
            n_open = n_rest_open;
            for group in one[..n_one].chunks(4) {
                let v = cum4::<AVX>(p, k, xb, group);
                for (q, &(i, _)) in group.iter().enumerate() {
                    be[i] = index_after(key, lo[i] + usize::from(v[q] < 0.0));
                }
            }
            for &i in &open[..n_open] {
                state[i] = count(key, lo[i] as u8, hi[i] as u8);
            }
        }
        _ => {
            // start each draw at its guess (from its PV, else the deterministic break-even
            // index), clamped into the stretch; the last year's value is the PV when the result
            // period covers the horizon
            for i in 0..NB {
                let pv = pvs[i];
                state[i] = if key.m < h - 1 {
                    let g = p.pv_guess[k]
                        .as_ref()
                        .map_or(p.guess[k], |t| t.get(pv))
                        .clamp(key.m + 1, h - 1);
                    match (last_known, pv >= 0.0) {
                        (true, false) => Search::Done(NONE),
                        (true, true) if g == h - 1 => Search::Down(g),
                        _ => Search::Guess(g),
                    }
                } else if last_known {
                    Search::Tail.advance(key, pv >= 0.0)
                } else {
                    Search::Tail
                };
                open[n_open] = i;
                n_open += 1;
            }
        }
    }
    let open = &open[..n_open];
    let mut queue = [(0usize, 0usize); BLOCK];
    loop {
        // settle what the bounds can, queue the rest
        let mut queued = 0;
        for &i in open {
            while let Some(t) = state[i].probe(key) {
                let sign = match &p.cert {
                    Some(c) => c.sign(k * h + t, pvs[i], ss[i]),
                    None => None,
                };
                match sign {
                    Some(ge) => state[i] = state[i].advance(key, ge),
                    None => {
                        queue[queued] = (i, t);
                        queued += 1;
                        break;
                    }
                }
            }
        }
        if queued == 0 {
            break;
        }
        for group in queue[..queued].chunks(4) {
            let v = cum4::<AVX>(p, k, xb, group);
            for (q, (i, _)) in group.iter().enumerate() {
                state[*i] = state[*i].advance(key, v[q] >= 0.0);
            }
        }
    }
    for &i in open {
        be[i] = match state[i] {
            Search::Done(b) => b,
            _ => NONE,
        };
    }
}

/// The fixed facts of [`search`]'s window step for one key: the window's rows
/// ([`super::plan::Cert::window_rows`]), its first year − m, the stretch's start m and length,
/// and whether the window starts the stretch or ends the horizon.
#[cfg(target_arch = "x86_64")]
struct WindowStep {
    rows: [[f64; 4]; 5],
    base: usize,
    m: usize,
    all: usize,
    first: bool,
    last: bool,
}

/// For each 4-bit mask: the positions of its set bits, in order (then zeros).
#[cfg(target_arch = "x86_64")]
const SET_BITS: [[u64; 4]; 16] = {
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
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn window_step_avx2(
    w: &WindowStep,
    pvs: &[f64; BLOCK],
    ss: &[f64; BLOCK],
    (lo, hi, be): (&mut [usize; BLOCK], &mut [usize; BLOCK], &mut [u8; BLOCK]),
    open: &mut [usize; BLOCK],
    rest: &mut [usize; BLOCK],
) -> (usize, usize) {
    use std::arch::x86_64::*;
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
            let win = super::plan::window_masks_avx2(&w.rows, vpv, vs);
            let vlo = _mm256_add_epi64(base, win.surely);
            let vhi = _mm256_add_epi64(base, win.maybe);
            _mm256_storeu_si256(lo.as_mut_ptr().add(i0).cast(), vlo);
            _mm256_storeu_si256(hi.as_mut_ptr().add(i0).cast(), vhi);
            // NONE when every year of the stretch is negative, else m + lo
            let b =
                _mm256_blendv_epi8(_mm256_add_epi64(m, vlo), none, _mm256_cmpeq_epi64(vlo, all));
            let b = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, low_halves));
            let b = _mm_cvtsi128_si32(_mm_shuffle_epi8(b, low_bytes)) as u32;
            be[i0..i0 + 4].copy_from_slice(&b.to_le_bytes());
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

/// PVs (into `pvs`) of key k for the draws of a block (`xb`, `[draw][width]`), four at a time.
#[inline(always)]
fn pvs<const AVX: bool>(p: &IvPlan, k: usize, xb: &[f64], pvs: &mut [f64; BLOCK]) {
    let w = p.width;
    let row = &p.pv_rows[k * w..(k + 1) * w];
    for i0 in (0..BLOCK).step_by(4) {
        let x = |q: usize| &xb[(i0 + q) * w..(i0 + q + 1) * w];
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
    by_year: &'a mut [f32],
}

#[inline(always)]
fn run_chunk_generic<const AVX: bool>(
    plan: &Plan,
    seed: u64,
    d: &Draws,
    mut job: Job<'_>,
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
    // success rates per intervention and draw of a block; one key's PVs and break-evens
    let mut ss = vec![[0.0; BLOCK]; plan.ivs.len()];
    let (mut pv, mut be) = ([0.0; BLOCK], [0u8; BLOCK]);
    for b0 in (0..job.draws).step_by(BLOCK) {
        let nb = BLOCK.min(job.draws - b0);
        let ub = rng::block::<AVX>(&mut rng, nb, slots, &mut ubuf);
        // the block's success rates first: the square root of a triangular quantile is slow,
        // and the draws' x vectors need not wait for it one after the other
        for (j, p) in plan.ivs.iter().enumerate() {
            for (i, s) in ss[j][..nb].iter_mut().enumerate() {
                *s = success_rate(p, &ub[i * slots..(i + 1) * slots]);
            }
        }
        for i in 0..nb {
            let u = &ub[i * slots..(i + 1) * slots];
            for (j, p) in plan.ivs.iter().enumerate() {
                let x = &mut xs[j][i * p.width..(i + 1) * p.width];
                fill_x(p, u, x, Some(ss[j][i]));
            }
        }
        for (j, p) in plan.ivs.iter().enumerate() {
            let w = p.width;
            let xb = &xs[j];
            patterns[..nb].fill(0);
            for k in 0..p.keys.len() {
                let at = d.offsets[j] + k;
                // whole blocks (a last partial block's extra rows hold earlier draws, whose
                // results are not kept)
                pvs::<AVX>(p, k, xb, &mut pv);
                search::<AVX>(p, k, xb, &ss[j], &pv, &mut be);
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
                break_even.copy_from_slice(&be[..nb]);
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
    advise_huge_pages(&residual);
    advise_huge_pages(&break_even);
    advise_huge_pages(&by_year);
    let stats: Vec<ChunkStats> = {
        let mut jobs = Vec::with_capacity(n.div_ceil(CHUNK));
        let mut y = &mut by_year[..];
        for chunk in 0..n.div_ceil(CHUNK) {
            let m = CHUNK.min(n - chunk * CHUNK);
            let (y1, y2) = std::mem::take(&mut y).split_at_mut(m * year_row);
            y = y2;
            jobs.push(Job {
                chunk,
                draws: m,
                residual: Vec::with_capacity(row),
                break_even: Vec::with_capacity(row),
                by_year: y1,
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
        let mut rng = Rng4::new(seed);
        let slots = plan.slots.len();
        let (mut xs, mut ss) = (vec![0.0; n * p.width], vec![0.0; n]);
        for i in 0..n {
            let mut u = vec![0.5; slots.div_ceil(4) * 4];
            if i > 0 {
                rng.fill_scalar(&mut u);
            }
            ss[i] = fill_x(
                p,
                &u[..slots],
                &mut xs[i * p.width..(i + 1) * p.width],
                None,
            );
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
                    let (mut pv, mut be) = ([0.0; BLOCK], [0u8; BLOCK]);
                    pvs::<false>(p, k, &xs, &mut pv);
                    search::<false>(p, k, &xs, &ss, &pv, &mut be);
                    #[cfg(target_arch = "x86_64")]
                    if std::arch::is_x86_feature_detected!("avx2") {
                        let (mut pv2, mut be2) = ([0.0; BLOCK], [0u8; BLOCK]);
                        // SAFETY: AVX2 is present, checked just above
                        unsafe { search_avx2(p, k, &xs, &ss, &mut pv2, &mut be2) };
                        assert_eq!((&pv, &be), (&pv2, &be2), "{name}: AVX2 differs");
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
                        assert_eq!(be[q], want, "{name} key {k} round {round} draw {q}");
                    }
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn search_avx2(
        p: &IvPlan,
        k: usize,
        xs: &[f64],
        ss: &[f64; BLOCK],
        pv: &mut [f64; BLOCK],
        be: &mut [u8; BLOCK],
    ) {
        pvs::<true>(p, k, xs, pv);
        search::<true>(p, k, xs, ss, pv, be);
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
