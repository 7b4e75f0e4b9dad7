//! Exact percentiles (numpy's default linear interpolation) without sorting: a histogram over
//! the top 16 bits of an order-preserving key finds the buckets that hold the wanted ranks, and
//! only those buckets are sorted.

/// An order-preserving `u32` key of an `f32` (NaN sorts last).
#[inline]
fn key(x: f32) -> u32 {
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
    if n <= SMALL {
        // a few values: sorting them is cheaper than the 65,536-bucket histogram
        let mut v: Vec<f32> = (0..n).map(get).collect();
        v.sort_unstable_by(|a, b| a.total_cmp(b));
        return interpolate(n, probs, |r| f64::from(v[r]));
    }
    let mut counts = vec![0u32; 1 << 16];
    for i in 0..n {
        counts[(key(get(i)) >> 16) as usize] += 1;
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
    let mut slot = vec![usize::MAX; 1 << 16];
    for (i, b) in wanted.iter().enumerate() {
        slot[*b] = i;
    }
    let mut values: Vec<Vec<f32>> = wanted
        .iter()
        .map(|b| Vec::with_capacity(counts[*b] as usize))
        .collect();
    for i in 0..n {
        let v = get(i);
        let s = slot[(key(v) >> 16) as usize];
        if s != usize::MAX {
            values[s].push(v);
        }
    }
    for v in &mut values {
        v.sort_unstable_by(|a, b| a.total_cmp(b));
    }
    let at = |r: usize| -> f64 {
        let b = bucket_of(r);
        f64::from(values[slot[b]][r - start[b]])
    };
    interpolate(n, probs, at)
}

/// Up to this many values, percentiles sort a copy instead of building the histogram.
const SMALL: usize = 16_384;

/// numpy's linear rule from the order statistics `at(rank)`.
fn interpolate(n: usize, probs: &[f64], at: impl Fn(usize) -> f64) -> Vec<f64> {
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
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        f64::from(v[lo]) + (h - lo as f64) * (f64::from(v[hi]) - f64::from(v[lo]))
    }

    #[test]
    fn equal_to_sorting() {
        // a spread of magnitudes and signs, with ties; below and above SMALL (sorting and
        // histogram)
        for n in [10_001, 3 * SMALL + 1] {
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
