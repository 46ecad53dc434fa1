//! The measures every table shows, and the accumulator that computes them in one pass.

use beacon_core::Fact;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Counts and money for a set of reports. Money is integer pence.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measures {
    /// Reports.
    pub reports: u64,
    /// Total loss of reports with a known loss.
    pub loss_pence: i64,
    /// Reports whose loss is known (an empty loss is unknown, not zero).
    pub loss_known: u64,
    /// Median of known losses (mean of the middle two, rounded half up, when even).
    pub median_loss_pence: Option<i64>,
    /// Reports where a digital device enabled the offence.
    pub cyber_enabled: u64,
    /// `cyber_enabled` as a percentage of all reports.
    pub cyber_enabled_share: Option<f64>,
    /// Reports per 100,000 residents, where a population applies.
    pub reports_per_100k: Option<f64>,
    /// Loss per 100,000 residents, in pence, where a population applies.
    pub loss_per_100k_pence: Option<i64>,
    /// Distinct victims (by pseudonymous key) with two or more reports in the set.
    pub repeat_victims: u64,
    /// Reports flagged vulnerable.
    pub vulnerable: u64,
}

/// Collects facts, then turns into [`Measures`].
#[derive(Debug, Default, Clone)]
pub struct Accumulator {
    reports: u64,
    loss_pence: i64,
    losses: Vec<i64>,
    cyber_enabled: u64,
    vulnerable: u64,
    victims: FxHashMap<u64, u32>,
}

impl Accumulator {
    /// Adds one report. `may_repeat` says whether its victim has another report in the
    /// whole set (see [`repeat_candidates`]); only those victims are tracked.
    pub fn add(&mut self, fact: &Fact, may_repeat: bool) {
        self.reports += 1;
        if let Some(loss) = fact.loss_pence {
            self.loss_pence += loss;
            self.losses.push(loss);
        }
        if fact.cyber_enabled == Some(true) {
            self.cyber_enabled += 1;
        }
        if fact.vulnerable == Some(true) {
            self.vulnerable += 1;
        }
        if may_repeat && let Some(victim) = fact.victim {
            *self.victims.entry(victim).or_default() += 1;
        }
    }

    /// Reports added so far.
    pub fn reports(&self) -> u64 {
        self.reports
    }

    /// The measures, with rates for a population (`None` where no population applies).
    pub fn finish(mut self, population: Option<u64>) -> Measures {
        let median_loss_pence = median(&mut self.losses);
        let per_100k = |value: f64| {
            population
                .filter(|p| *p > 0)
                .map(|p| value * 100_000.0 / p as f64)
        };
        Measures {
            reports: self.reports,
            loss_pence: self.loss_pence,
            loss_known: self.losses.len() as u64,
            median_loss_pence,
            cyber_enabled: self.cyber_enabled,
            cyber_enabled_share: percent(self.cyber_enabled, self.reports),
            reports_per_100k: per_100k(self.reports as f64),
            loss_per_100k_pence: per_100k(self.loss_pence as f64).map(|v| v.round() as i64),
            repeat_victims: self.victims.values().filter(|&&n| n > 1).count() as u64,
            vulnerable: self.vulnerable,
        }
    }
}

/// For each fact, whether its victim has two or more reports in the whole set.
///
/// A victim with one report in the set cannot be a repeat victim in any part of it, so
/// accumulators track only the others: most victims report once, and this keeps
/// summaries of a million reports fast.
pub fn repeat_candidates(facts: &[Fact]) -> Vec<bool> {
    let mut victims: Vec<u64> = facts.iter().filter_map(|fact| fact.victim).collect();
    victims.sort_unstable();
    let repeated: FxHashSet<u64> = victims
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    facts
        .iter()
        .map(|fact| fact.victim.is_some_and(|victim| repeated.contains(&victim)))
        .collect()
}

/// `part` as a percentage of `whole`, or `None` when `whole` is zero.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Percentage change from `earlier` to `now`, or `None` when `earlier` is zero.
pub fn change_percent(now: u64, earlier: u64) -> Option<f64> {
    (earlier > 0).then(|| (now as f64 - earlier as f64) * 100.0 / earlier as f64)
}

/// Median of values (reorders them). Even counts take the mean of the middle two,
/// rounded half up to the penny.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let middle = values.len() / 2;
    let (_, upper, _) = values.select_nth_unstable(middle);
    let upper = *upper;
    if values.len() % 2 == 1 {
        return Some(upper);
    }
    let lower = values[..middle].iter().copied().max().unwrap_or(upper);
    Some((lower + upper + 1).div_euclid(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 2, 3]), Some(3)); // (2 + 3) / 2 = 2.5 → 3
        assert_eq!(median(&mut [10, 20]), Some(15));
    }

    #[test]
    fn percentages_and_changes() {
        assert_eq!(percent(59, 100), Some(59.0));
        assert_eq!(percent(1, 0), None);
        assert_eq!(change_percent(110, 100), Some(10.0));
        assert_eq!(change_percent(5, 0), None);
    }

    proptest::proptest! {
        #[test]
        fn median_lies_between_min_and_max(mut values in proptest::collection::vec(0i64..1_000_000, 1..200)) {
            let low = *values.iter().min().expect("non-empty");
            let high = *values.iter().max().expect("non-empty");
            let middle = median(&mut values).expect("non-empty");
            proptest::prop_assert!(low <= middle && middle <= high);
        }
    }
}
