//! Spikes: months whose count is far above what the previous twelve months predict.
//!
//! The rule (stated in every output): for each whole month in the period, the baseline
//! is the mean monthly count of the 12 months before it (at least 0.5, so a first case
//! is not a spike on its own). The month is a spike when its count is at least
//! `min_count` and the chance of a count that high or higher under a Poisson
//! distribution with the baseline mean is below `p_threshold` (one-sided). Months whose
//! baseline reaches back before the first stored report are not judged.

use serde::Serialize;

/// The spike rule's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpikeRule {
    /// One-sided Poisson p-value below which a month is a spike.
    pub p_threshold: f64,
    /// Fewest reports a spike month may have.
    pub min_count: u64,
    /// Months in the baseline.
    pub baseline_months: usize,
}

impl Default for SpikeRule {
    fn default() -> Self {
        SpikeRule {
            p_threshold: 0.001,
            min_count: 5,
            baseline_months: 12,
        }
    }
}

impl SpikeRule {
    /// The rule in plain words, for reports.
    pub fn describe(&self) -> String {
        format!(
            "A month is flagged as a spike when it has at least {} reports and a count that high would happen by chance less than once in {} months like the {} before it (one-sided Poisson test against their mean, p < {}).",
            self.min_count,
            beacon_core::money::group_thousands((1.0 / self.p_threshold).round() as u64),
            self.baseline_months,
            self.p_threshold
        )
    }

    /// Judges one month: `history` holds the counts of the months before it, oldest
    /// first (at least `baseline_months` of them, or the month is not judged).
    pub fn judge(&self, history: &[u64], observed: u64) -> Option<(f64, f64)> {
        if history.len() < self.baseline_months {
            return None;
        }
        let window = &history[history.len() - self.baseline_months..];
        let expected = (window.iter().sum::<u64>() as f64 / window.len() as f64).max(0.5);
        if observed < self.min_count {
            return None;
        }
        let p_value = poisson_upper_tail(expected, observed);
        (p_value < self.p_threshold).then_some((expected, p_value))
    }
}

/// A month flagged as a spike.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spike {
    /// What was counted, e.g. `district:E06000016` or `issue:courier_fraud`.
    pub series: String,
    /// Plain-words name of the series, e.g. "Leicester".
    pub label: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Reports that month.
    pub observed: u64,
    /// Baseline mean.
    pub expected: f64,
    /// Chance of a count this high or higher under the baseline.
    pub p_value: f64,
}

/// P(X ≥ k) for X ~ Poisson(λ): the first term in log space (so large counts stay
/// accurate), the rest by the recurrence pmf(n + 1) = pmf(n) · λ / (n + 1).
pub fn poisson_upper_tail(lambda: f64, k: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let mut term = (k as f64 * lambda.ln() - lambda - ln_factorial(k)).exp();
    let mut total = 0.0;
    let mut n = k;
    loop {
        total += term;
        n += 1;
        term *= lambda / n as f64;
        if (n as f64 > lambda && term < total * 1e-12) || term == 0.0 || n > k + 1_000_000 {
            break;
        }
    }
    total.min(1.0)
}

/// ln(n!) by summing logarithms (exact enough for the counts we see).
fn ln_factorial(n: u64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    if n > 1_000 {
        // Stirling's series, accurate to well under 1e-10 at this size.
        let x = n as f64;
        return x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x);
    }
    (2..=n).map(|i| (i as f64).ln()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_known_values() {
        // P(X >= 1 | λ = 1) = 1 - e^-1
        assert!((poisson_upper_tail(1.0, 1) - 0.632_120_558_8).abs() < 1e-9);
        // P(X >= 10 | λ = 3) ≈ 0.001102488
        assert!((poisson_upper_tail(3.0, 10) - 0.001_102_488).abs() < 1e-8);
        assert_eq!(poisson_upper_tail(5.0, 0), 1.0);
    }

    #[test]
    fn flags_a_month_far_above_its_baseline() {
        let rule = SpikeRule::default();
        let steady = vec![10; 12];
        assert!(rule.judge(&steady, 12).is_none());
        let (expected, p_value) = rule.judge(&steady, 30).expect("a spike");
        assert_eq!(expected, 10.0);
        assert!(p_value < 0.001);
    }

    #[test]
    fn needs_a_full_baseline_and_a_minimum_count() {
        let rule = SpikeRule::default();
        assert!(rule.judge(&[1; 6], 40).is_none());
        assert!(rule.judge(&[0; 12], 4).is_none());
        assert!(rule.judge(&[0; 12], 5).is_some());
    }
}
