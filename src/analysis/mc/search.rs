//! The break-even search of a block of draws: per draw and key a small state machine
//! ([`Search`]) fed by signs the bounds settle ([`super::plan::SignBounds`]) or by dot products queued
//! four at a time, and on the nondecreasing stretch a four-year window checked for four draws at
//! once (AVX2, `simd::avx2::window_step`).

use super::engine::*;
use super::plan::InterventionPlan;

/// Where the break-even search of one draw and key stands: the horizon index it looks at next
/// ([`Search::probe`]) and where the sign of the cumulative value there leads
/// ([`Search::advance`]). `m` is the index from which the cumulative value is nondecreasing.
#[derive(Clone, Copy)]
pub(super) enum Search {
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
pub(super) struct Key {
    /// Horizon length.
    h: usize,
    /// cum is nondecreasing on [m, h − 1].
    m: usize,
    /// cum(h − 1) is the PV (known before the search).
    last_known: bool,
}

/// Settles a search whose cumulative value is known to be nondecreasing on [lo, hi] with
/// cum(lo) < 0 ≤ cum(hi).
pub(super) fn bisect(lo: usize, hi: usize) -> Search {
    if hi - lo <= 1 {
        Search::Done(hi as u8)
    } else {
        Search::Bisect(lo, hi)
    }
}

/// cum ≥ 0 from t on: scan backwards from t − 1.
pub(super) fn scan_below(t: usize) -> Search {
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
pub(super) fn index_after(key: Key, count: usize) -> u8 {
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
pub(super) fn count(key: Key, lo: u8, hi: u8) -> Search {
    if lo < hi {
        Search::Count(lo, hi)
    } else if lo > 0 || key.m == 0 {
        Search::Done(index_after(key, usize::from(lo)))
    } else {
        scan_below(key.m)
    }
}

/// Four dot products for a group of up to four (draw, horizon year) pairs: each draw's x vector
/// (from `x_block`) with key k's cumulative row of that year; padding lanes use the zero row.
#[inline(always)]
pub(super) fn cumulative_dot4<const AVX: bool>(
    p: &InterventionPlan,
    k: usize,
    x_block: &[f64],
    group: &[(usize, usize)],
) -> [f64; 4] {
    let (h, w) = (p.horizon, p.width);
    let x = |q: usize| {
        let i = group.get(q).map_or(group[0].0, |g| g.0);
        &x_block[i * w..(i + 1) * w]
    };
    let r = |q: usize| {
        group.get(q).map_or(&p.zero_row[..], |&(_, t)| {
            &p.cum_rows[(k * h + t) * w..(k * h + t + 1) * w]
        })
    };
    dot4::<AVX>([x(0), x(1), x(2), x(3)], [r(0), r(1), r(2), r(3)])
}

/// Break-even indices (into `be_index`) of key k for the `nb` draws of a block: x vectors `x_block`
/// (`[draw][width]`), their PVs `pvs` and success rates `ss`. The break-even index is the first
/// horizon year from which the cumulative discounted net stays ≥ 0: where the cumulative value
/// is known to be nondecreasing, from a first guess (from the draw's PV) and then by bisection,
/// elsewhere by a backward scan. Each step needs the sign of one cumulative value: the bounds
/// ([`super::plan::SignBounds`]) settle most of them; the others are queued and their dot products
/// run four at a time (on the same key's rows, which stay in the L1 cache). Same answer as
/// scanning every year.
#[inline(always)]
pub(super) fn search<const AVX: bool>(
    p: &InterventionPlan,
    k: usize,
    x_block: &[f64],
    ss: &[f64; BLOCK],
    pvs: &[f64; BLOCK],
    be_index: &mut [u8; BLOCK],
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
                        super::simd::avx2::window_step(
                            &w,
                            pvs,
                            ss,
                            (&mut lo, &mut hi, be_index),
                            &mut open,
                            &mut rest,
                        )
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
                        be_index[i] = index_after(key, lo[i]);
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
                be_index[i] = index_after(key, lo[i]);
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
                let v = cumulative_dot4::<AVX>(p, k, x_block, group);
                for (q, &(i, _)) in group.iter().enumerate() {
                    be_index[i] = index_after(key, lo[i] + usize::from(v[q] < 0.0));
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
            let v = cumulative_dot4::<AVX>(p, k, x_block, group);
            for (q, (i, _)) in group.iter().enumerate() {
                state[*i] = state[*i].advance(key, v[q] >= 0.0);
            }
        }
    }
    for &i in open {
        be_index[i] = match state[i] {
            Search::Done(b) => b,
            _ => NONE,
        };
    }
}

/// The fixed facts of [`search`]'s window step for one key: the window's rows
/// ([`super::plan::SignBounds::window_rows`]), its first year − m, the stretch's start m and length,
/// and whether the window starts the stretch or ends the horizon.
#[cfg(target_arch = "x86_64")]
pub(super) struct WindowStep {
    pub(super) rows: [[f64; 4]; 5],
    pub(super) base: usize,
    pub(super) m: usize,
    pub(super) all: usize,
    pub(super) first: bool,
    pub(super) last: bool,
}
