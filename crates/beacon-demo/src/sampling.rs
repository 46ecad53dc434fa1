//! Small, deterministic sampling helpers: weighted choice, normal draws, fair
//! apportionment of whole counts, and the per-purpose random streams.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// The random stream that plans monthly volumes.
pub(crate) const STREAM_PLAN: u64 = 1;
/// The random stream that places bad and duplicate rows (so good rows never depend on them).
pub(crate) const STREAM_NOISE: u64 = 2;
/// The random stream used while calibrating a window.
pub(crate) const STREAM_CALIBRATION: u64 = 3;
/// Month streams start here: `STREAM_MONTHS + year * 12 + month0`.
const STREAM_MONTHS: u64 = 1 << 32;

/// A ChaCha8 generator for one purpose, derived from the user's seed.
pub(crate) fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The generator for one calendar month's rows.
pub(crate) fn month_stream(seed: u64, year: i32, month0: u8) -> ChaCha8Rng {
    let ordinal = u64::try_from(year).unwrap_or(0) * 12 + u64::from(month0);
    stream(seed, STREAM_MONTHS + ordinal)
}

/// A fixed list of choices with weights, sampled by one uniform draw.
#[derive(Debug, Clone)]
pub(crate) struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T: Copy> Weighted<T> {
    /// Builds the table; weights need not sum to one. Zero weights are never chosen.
    pub(crate) fn new(pairs: impl IntoIterator<Item = (T, f64)>) -> Weighted<T> {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (item, weight) in pairs {
            if weight > 0.0 {
                total += weight;
                items.push(item);
                cumulative.push(total);
            }
        }
        assert!(
            !items.is_empty(),
            "a weighted table needs at least one positive weight"
        );
        Weighted { items, cumulative }
    }

    /// Draws one item.
    pub(crate) fn sample<R: Rng>(&self, rng: &mut R) -> T {
        let total = self.cumulative[self.cumulative.len() - 1];
        let point = rng.random::<f64>() * total;
        let index = self.cumulative.partition_point(|&edge| edge <= point);
        self.items[index.min(self.items.len() - 1)]
    }
}

/// A standard normal draw.
pub(crate) fn normal<R: Rng>(rng: &mut R) -> f64 {
    rng.sample::<f64, _>(StandardNormal)
}

/// A count with mean `mean` and Poisson-like spread (normal approximation, never negative).
pub(crate) fn noisy_count<R: Rng>(rng: &mut R, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    let value = (mean + mean.sqrt() * normal(rng)).round();
    if value <= 0.0 { 0 } else { value as u64 }
}

/// Splits `total` into whole parts proportional to `weights` (largest remainder; ties go
/// to the earlier index). All-zero weights share equally.
pub(crate) fn apportion(weights: &[f64], total: u64) -> Vec<u64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    let shares: Vec<f64> = if sum > 0.0 {
        weights.iter().map(|w| w.max(0.0) / sum).collect()
    } else {
        vec![1.0 / weights.len() as f64; weights.len()]
    };
    let mut parts: Vec<u64> = shares
        .iter()
        .map(|share| (share * total as f64).floor() as u64)
        .collect();
    let assigned: u64 = parts.iter().sum();
    // Float rounding can leave the floors a little above the total on huge inputs.
    let mut excess = assigned.saturating_sub(total);
    let mut index = parts.len();
    while excess > 0 && index > 0 {
        index -= 1;
        let take = parts[index].min(excess);
        parts[index] -= take;
        excess -= take;
    }
    let remaining = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let fraction = |i: usize| shares[i] * total as f64 - parts[i] as f64;
        fraction(b).total_cmp(&fraction(a)).then(a.cmp(&b))
    });
    for &index in order
        .iter()
        .cycle()
        .take(usize::try_from(remaining).unwrap_or(usize::MAX))
    {
        parts[index] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_hits_the_total_exactly() {
        assert_eq!(apportion(&[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        assert_eq!(apportion(&[0.0, 0.0], 3), vec![2, 1]);
        assert_eq!(apportion(&[5.0, 0.0, 5.0], 7), vec![4, 0, 3]);
        let weights: Vec<f64> = (1..=60).map(f64::from).collect();
        assert_eq!(
            apportion(&weights, 1_000_000).iter().sum::<u64>(),
            1_000_000
        );
        assert!(apportion(&[], 5).is_empty());
    }

    #[test]
    fn weighted_choice_respects_weights() {
        let table = Weighted::new([('a', 1.0), ('b', 0.0), ('c', 3.0)]);
        let mut rng = stream(7, 0);
        let draws: Vec<char> = (0..4000).map(|_| table.sample(&mut rng)).collect();
        let a = draws.iter().filter(|&&c| c == 'a').count();
        assert!(!draws.contains(&'b'));
        assert!((800..1200).contains(&a), "{a}");
    }
}
