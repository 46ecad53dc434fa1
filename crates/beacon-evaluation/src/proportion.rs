//! A rate — events out of participants — and its Wilson score interval.
//!
//! The Wilson interval (Wilson 1927) is the set of true proportions `p` that a z test
//! would not reject at level `α` given the observed rate. Unlike the textbook
//! "p ± z·√(p(1−p)/n)" interval it stays inside [0, 1], is not zero-width at 0 or n
//! events, and keeps close to its nominal coverage for the small counts a local campaign
//! produces, which is why Beacon reports it for every arm.

use crate::{EvaluationError, check_alpha, z};
use serde::Serialize;

/// A two-sided confidence interval, lower end first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The lower end.
    pub lower: f64,
    /// The upper end.
    pub upper: f64,
}

impl Interval {
    /// Whether `value` lies inside the interval (ends included), for "is 0 (or 1) in the
    /// interval" readings of a difference (or a ratio).
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

/// The Wilson score interval for `events` out of `n` at level `alpha` (0.05 gives the
/// 95% interval):
///
/// ```text
/// centre = (p̂ + z²/2n) / (1 + z²/n)
/// half   = z·√(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)
/// ```
///
/// with `p̂ = events/n` and `z = z(1 − α/2)`; the ends are clamped to [0, 1] against
/// rounding, and are exactly 0 at no events and 1 at all. `None` when `n` is 0: there is no rate to bound.
///
/// # Errors
///
/// When `alpha` is not in (0, 1), or `events` exceeds `n`.
pub fn wilson_interval(
    events: u64,
    n: u64,
    alpha: f64,
) -> Result<Option<Interval>, EvaluationError> {
    check_alpha(alpha)?;
    if events > n {
        return Err(EvaluationError::TooManyEvents {
            name: "the proportion".to_owned(),
            n,
            events,
        });
    }
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(wilson(events, n, z(1.0 - alpha / 2.0))))
}

/// The Wilson interval for checked inputs (`n > 0`, `events ≤ n`) and critical value `z`.
pub(crate) fn wilson(events: u64, n: u64, z: f64) -> Interval {
    let n = n as f64;
    let rate = events as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (rate + z2 / (2.0 * n)) / denominator;
    let half = z * (rate * (1.0 - rate) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At 0 events the lower end is exactly 0, at n events the upper end exactly 1;
    // computed, they can miss by a rounding error.
    Interval {
        lower: if events == 0 {
            0.0
        } else {
            (centre - half).clamp(0.0, 1.0)
        },
        upper: if events as f64 == n {
            1.0
        } else {
            (centre + half).clamp(0.0, 1.0)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_participants_give_no_interval_and_bad_inputs_are_refused() {
        assert_eq!(wilson_interval(0, 0, 0.05), Ok(None));
        assert!(matches!(
            wilson_interval(3, 2, 0.05),
            Err(EvaluationError::TooManyEvents { .. })
        ));
        assert_eq!(wilson_interval(1, 2, 0.0), Err(EvaluationError::Alpha(0.0)));
        assert!(wilson_interval(1, 2, f64::NAN).is_err());
    }

    #[test]
    fn the_interval_stays_inside_zero_and_one_and_contains_the_rate() {
        for n in 1..60_u64 {
            for events in 0..=n {
                let interval = wilson_interval(events, n, 0.05)
                    .expect("valid")
                    .expect("n > 0");
                let rate = events as f64 / n as f64;
                assert!(0.0 <= interval.lower && interval.upper <= 1.0);
                assert!(interval.contains(rate), "{events}/{n}: {interval:?}");
                assert!(interval.upper > interval.lower);
            }
        }
        let zero = wilson_interval(0, 10, 0.05).expect("valid").expect("n > 0");
        assert_eq!(zero.lower, 0.0);
    }

    #[test]
    fn a_wider_confidence_gives_a_wider_interval() {
        let ninety = wilson_interval(30, 100, 0.10).expect("valid").expect("n");
        let ninety_nine = wilson_interval(30, 100, 0.01).expect("valid").expect("n");
        assert!(ninety_nine.lower < ninety.lower && ninety.upper < ninety_nine.upper);
    }
}
