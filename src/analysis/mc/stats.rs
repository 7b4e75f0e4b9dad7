//! Exact percentiles (numpy's default linear interpolation) without sorting: a histogram over
//! the top 16 bits of an order-preserving key finds the buckets that hold the wanted ranks, and
//! only those buckets are sorted.

/// An order-preserving `u32` key of an `f32` (NaN sorts last).
#[inline]
pub(super) fn key(x: f32) -> u32 {
    let b = x.to_bits();
    if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// Percentiles `probs` (in [0, 1]) of the `n` values `get(0..n)`, interpolated linearly between
/// order statistics as numpy's `percentile` does by default. `n` must be ≥ 1.
pub fn percentiles(n: usize, get: impl Fn(usize) -> f32, probs: &[f64]) -> Vec<f64> {
    if n <= SMALL || probs.len() >= MAX_PROBS {
        // a few values: sorting them is cheaper than the 65,536-bucket histogram (and a long list
        // of percentiles would overflow the byte per wanted bucket below)
        let mut v: Vec<f32> = (0..n).map(get).collect();
        v.sort_unstable_by(|a, b| a.total_cmp(b));
        return interpolate(n, probs, |r| f64::from(v[r]));
    }
    let mut counts = vec![0u32; 1 << 16];
    let mut counts2 = vec![0u32; 1 << 16];
    // two tables, alternating: consecutive draws often fall in the same bucket, and one table
    // would make each increment wait for the previous one
    for i in (0..n - 1).step_by(2) {
        counts[(key(get(i)) >> 16) as usize] += 1;
        counts2[(key(get(i + 1)) >> 16) as usize] += 1;
    }
    if n % 2 == 1 {
        counts[(key(get(n - 1)) >> 16) as usize] += 1;
    }
    for (a, b) in counts.iter_mut().zip(&counts2) {
        *a += b;
    }
    // ranks needed: floor and ceil of (n − 1)·p
    let mut ranks: Vec<usize> = Vec::new();
    for p in probs {
        let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
        let lo = h.floor() as usize;
        ranks.push(lo.min(n - 1));
        ranks.push((lo + 1).min(n - 1));
    }
    // bucket of each rank
    let mut start = vec![0usize; 1 << 16];
    let mut acc = 0usize;
    for (b, c) in counts.iter().enumerate() {
        start[b] = acc;
        acc += *c as usize;
    }
    let bucket_of = |r: usize| -> usize {
        // the last bucket whose start ≤ r and that is non-empty
        let mut b = start.partition_point(|s| *s <= r) - 1;
        while counts[b] == 0 {
            b -= 1;
        }
        b
    };
    let mut wanted: Vec<usize> = ranks.iter().map(|r| bucket_of(*r)).collect();
    wanted.sort_unstable();
    wanted.dedup();
    // a byte per bucket (at most 2 × probs < 255 wanted buckets): the table stays in the
    // first-level cache during the pass
    let mut slot = vec![u8::MAX; 1 << 16];
    for (i, b) in wanted.iter().enumerate() {
        slot[*b] = i as u8;
    }
    let mut values: Vec<Vec<f32>> = wanted
        .iter()
        .map(|b| Vec::with_capacity(counts[*b] as usize))
        .collect();
    for i in 0..n {
        let v = get(i);
        let s = slot[(key(v) >> 16) as usize];
        if s != u8::MAX {
            values[s as usize].push(v);
        }
    }
    for v in &mut values {
        v.sort_unstable_by(|a, b| a.total_cmp(b));
    }
    let at = |r: usize| -> f64 {
        let b = bucket_of(r);
        f64::from(values[slot[b] as usize][r - start[b]])
    };
    interpolate(n, probs, at)
}

/// Up to this many values, percentiles sort a copy instead of building the histogram.
const SMALL: usize = 16_384;

/// From this many percentiles on, they sort a copy (the histogram path marks each wanted bucket
/// with a byte).
const MAX_PROBS: usize = 127;

/// numpy's linear rule from the order statistics `at(rank)`.
pub(super) fn interpolate(n: usize, probs: &[f64], mut at: impl FnMut(usize) -> f64) -> Vec<f64> {
    probs
        .iter()
        .map(|p| {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let (a, b) = (at(lo.min(n - 1)), at((lo + 1).min(n - 1)));
            a + (h - lo as f64) * (b - a)
        })
        .collect()
}

/// Percentiles of small integer codes 0..=254 given as counts per code (numpy linear
/// interpolation); `None` when there are no values.
pub fn code_percentiles(counts: &[u64], probs: &[f64]) -> Vec<Option<f64>> {
    let n: u64 = counts.iter().sum();
    let at = |r: u64| -> f64 {
        let mut acc = 0;
        for (code, c) in counts.iter().enumerate() {
            acc += c;
            if r < acc {
                return code as f64;
            }
        }
        (counts.len() - 1) as f64
    };
    probs
        .iter()
        .map(|p| {
            (n > 0).then(|| {
                let h = (n - 1) as f64 * p;
                let lo = h.floor() as u64;
                let (a, b) = (at(lo), at((lo + 1).min(n - 1)));
                a + (h - lo as f64) * (b - a)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numpy(mut v: Vec<f32>, p: f64) -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        numpy_sorted(&v, p)
    }

    fn numpy_sorted(v: &[f32], p: f64) -> f64 {
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        f64::from(v[lo]) + (h - lo as f64) * (f64::from(v[hi]) - f64::from(v[lo]))
    }

    #[test]
    fn equal_to_sorting() {
        // a spread of magnitudes and signs, with ties; below and above SMALL (sorting and
        // histogram)
        // (an odd and an even count on the histogram path: its first pass takes draws in pairs)
        for n in [10_001, 3 * SMALL + 1, 3 * SMALL + 2] {
            let v: Vec<f32> = (0..n)
                .map(|i| {
                    let x = ((i * 7919) % 10_007) as f32;
                    if i % 3 == 0 { -x * 1e3 } else { x * 0.01 }
                })
                .chain([0.0, 0.0, -0.0, 5.0, 5.0])
                .collect();
            let probs = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0];
            let got = percentiles(v.len(), |i| v[i], &probs);
            for (p, g) in probs.iter().zip(got) {
                assert_eq!(g, numpy(v.clone(), *p), "n = {n}, p = {p}");
            }
        }
        assert_eq!(percentiles(1, |_| 3.5, &[0.1, 0.9]), vec![3.5, 3.5]);
    }

    #[test]
    fn many_percentiles_equal_to_sorting() {
        // up to 2 × 126 wanted buckets on the histogram path, and beyond it the sorting path
        let v: Vec<f32> = (0..3 * SMALL)
            .map(|i| ((i * 7919) % 30_011) as f32 * 0.37 - 4000.0)
            .collect();
        let mut sorted = v.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        for count in [MAX_PROBS - 1, MAX_PROBS, 300] {
            let probs: Vec<f64> = (0..count).map(|i| i as f64 / (count - 1) as f64).collect();
            let got = percentiles(v.len(), |i| v[i], &probs);
            for (p, g) in probs.iter().zip(got) {
                assert_eq!(g, numpy_sorted(&sorted, *p), "{count} percentiles, p = {p}");
            }
        }
    }

    #[test]
    fn code_percentiles_by_hand() {
        // values 2, 2, 3, 7: p50 at h = 1.5 → 2 + 0.5·(3 − 2) = 2.5
        let mut c = vec![0u64; 10];
        c[2] = 2;
        c[3] = 1;
        c[7] = 1;
        assert_eq!(code_percentiles(&c, &[0.5]), vec![Some(2.5)]);
        assert_eq!(code_percentiles(&[0, 0], &[0.5]), vec![None]);
    }
}
