//! Arms of a campaign side by side: each arm's rate with its Wilson interval, and each
//! treatment arm against the control (the first arm) — the difference in rates with
//! Newcombe's interval, the relative risk and odds ratio with log-scale intervals, and a
//! two-sided p-value.
//!
//! Which test gives the p-value: the pooled two-proportion z test when every expected
//! count of the 2×2 table (under "no difference") is at least 5, and Fisher's exact test
//! when any is under 5, where the normal approximation is no longer trustworthy
//! (Cochran's rule). [`Comparison::test`] says which was used.

use crate::proportion::{Interval, wilson};
use crate::{EvaluationError, check_alpha, normal_sf, z};
use serde::Serialize;
use statrs::function::factorial::ln_binomial;

/// One arm of a campaign as counted: its participants and how many had the outcome
/// (reported the simulated phishing email, were defrauded, completed the course).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arm {
    /// The arm's name ("control", "letter", "workshop").
    pub name: String,
    /// Participants.
    pub n: u64,
    /// Participants with the outcome.
    pub events: u64,
}

impl Arm {
    /// An arm, checked: a name, at least one participant, and no more events than
    /// participants.
    ///
    /// # Errors
    ///
    /// When the name is blank, `n` is 0 or `events` exceeds `n`.
    pub fn new(name: impl Into<String>, n: u64, events: u64) -> Result<Arm, EvaluationError> {
        let arm = Arm {
            name: name.into(),
            n,
            events,
        };
        arm.check()?;
        Ok(arm)
    }

    fn check(&self) -> Result<(), EvaluationError> {
        if self.name.trim().is_empty() {
            return Err(EvaluationError::UnnamedArm);
        }
        if self.n == 0 {
            return Err(EvaluationError::EmptyArm(self.name.clone()));
        }
        if self.events > self.n {
            return Err(EvaluationError::TooManyEvents {
                name: self.name.clone(),
                n: self.n,
                events: self.events,
            });
        }
        Ok(())
    }

    fn rate(&self) -> f64 {
        self.events as f64 / self.n as f64
    }
}

/// One arm's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmSummary {
    /// The arm's name.
    pub name: String,
    /// Participants.
    pub n: u64,
    /// Participants with the outcome.
    pub events: u64,
    /// `events / n`.
    pub rate: f64,
    /// The Wilson score interval of the rate.
    pub interval: Interval,
}

/// Which test gave a comparison's p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    /// The two-proportion z test with the pooled rate in the standard error: every
    /// expected count was at least 5.
    ZTest,
    /// Fisher's exact test, two-sided: some expected count was under 5.
    FisherExact,
}

impl Test {
    /// The test's name in words, for printed tables.
    pub fn describe(self) -> &'static str {
        match self {
            Test::ZTest => "two-proportion z test (pooled)",
            Test::FisherExact => "Fisher's exact test (two-sided)",
        }
    }
}

/// A ratio (relative risk or odds ratio) with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// The ratio, treatment over control.
    pub estimate: f64,
    /// Its interval, from the normal approximation on the log scale.
    pub interval: Interval,
    /// Whether 0.5 was added to every cell of the 2×2 table because one was zero; the
    /// estimate is then the corrected one too.
    pub continuity_corrected: bool,
}

/// One treatment arm against the control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The control arm's name (the first arm).
    pub control: String,
    /// The treatment arm's name.
    pub treatment: String,
    /// Treatment rate minus control rate.
    pub difference: f64,
    /// Newcombe's hybrid score interval for the difference.
    pub difference_interval: Interval,
    /// Treatment rate over control rate; `None` when neither arm had an event.
    pub relative_risk: Option<Ratio>,
    /// Treatment odds over control odds; `None` when neither arm had an event, or every
    /// participant in both had one.
    pub odds_ratio: Option<Ratio>,
    /// The test that gave [`Comparison::p_value`].
    pub test: Test,
    /// The two-sided p-value for "the rates are equal".
    pub p_value: f64,
    /// The z statistic (treatment minus control over the pooled standard error), when the
    /// z test was used.
    pub z: Option<f64>,
    /// The smallest expected count of the 2×2 table, which chose the test.
    pub smallest_expected: f64,
}

/// Every arm's figures and every comparison with the control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The significance level of every interval (0.05 for 95% intervals).
    pub alpha: f64,
    /// The arms, in the order given.
    pub arms: Vec<ArmSummary>,
    /// Each arm after the first against the first, in order.
    pub comparisons: Vec<Comparison>,
}

/// The smallest expected count below which Fisher's exact test replaces the z test.
pub const SMALLEST_EXPECTED_FOR_Z: f64 = 5.0;

/// The relative tolerance within which another table counts as exactly as likely as the
/// observed one in Fisher's two-sided p-value, as R's `fisher.test` allows: tables that
/// are equally likely in exact arithmetic must not drop out through rounding.
pub const FISHER_RELATIVE_TOLERANCE: f64 = 1e-7;

/// Compares arms: the first is the control, each later one a treatment compared with it.
/// Intervals are at level `alpha` (0.05 for 95%).
///
/// # Errors
///
/// When there are fewer than two arms, an arm is invalid (see [`Arm::new`]), two arms
/// share a name, or `alpha` is not in (0, 1).
pub fn compare(arms: &[Arm], alpha: f64) -> Result<Evaluation, EvaluationError> {
    check_alpha(alpha)?;
    if arms.len() < 2 {
        return Err(EvaluationError::TooFewArms(arms.len()));
    }
    for (index, arm) in arms.iter().enumerate() {
        arm.check()?;
        if arms[..index].iter().any(|earlier| earlier.name == arm.name) {
            return Err(EvaluationError::DuplicateArm(arm.name.clone()));
        }
    }
    let critical = z(1.0 - alpha / 2.0);
    let summaries = arms
        .iter()
        .map(|arm| ArmSummary {
            name: arm.name.clone(),
            n: arm.n,
            events: arm.events,
            rate: arm.rate(),
            interval: wilson(arm.events, arm.n, critical),
        })
        .collect();
    let control = &arms[0];
    let comparisons = arms[1..]
        .iter()
        .map(|treatment| compare_two(control, treatment, critical))
        .collect();
    Ok(Evaluation {
        alpha,
        arms: summaries,
        comparisons,
    })
}

/// One treatment against the control, for checked arms.
fn compare_two(control: &Arm, treatment: &Arm, critical: f64) -> Comparison {
    let (control_rate, treatment_rate) = (control.rate(), treatment.rate());
    let control_interval = wilson(control.events, control.n, critical);
    let treatment_interval = wilson(treatment.events, treatment.n, critical);
    // Newcombe (1998), method 10: each end combines the distances from each rate to the
    // Wilson limit on the side that moves the difference that way.
    let difference = treatment_rate - control_rate;
    let difference_interval = Interval {
        lower: difference
            - ((treatment_rate - treatment_interval.lower).powi(2)
                + (control_interval.upper - control_rate).powi(2))
            .sqrt(),
        upper: difference
            + ((treatment_interval.upper - treatment_rate).powi(2)
                + (control_rate - control_interval.lower).powi(2))
            .sqrt(),
    };
    let smallest_expected = smallest_expected(control, treatment);
    let (test, p_value, z) = if smallest_expected < SMALLEST_EXPECTED_FOR_Z {
        (
            Test::FisherExact,
            fisher_exact(
                control.events,
                control.n - control.events,
                treatment.events,
                treatment.n - treatment.events,
            ),
            None,
        )
    } else {
        // Every expected count is at least 5, so the pooled rate is strictly between 0
        // and 1 and the standard error is positive.
        match z_test(control, treatment) {
            Some((statistic, p_value)) => (Test::ZTest, p_value, Some(statistic)),
            None => (
                Test::FisherExact,
                fisher_exact(
                    control.events,
                    control.n - control.events,
                    treatment.events,
                    treatment.n - treatment.events,
                ),
                None,
            ),
        }
    };
    Comparison {
        control: control.name.clone(),
        treatment: treatment.name.clone(),
        difference,
        difference_interval,
        relative_risk: relative_risk(control, treatment, critical),
        odds_ratio: odds_ratio(control, treatment, critical),
        test,
        p_value,
        z,
        smallest_expected,
    }
}

/// The smallest of the four counts expected if both arms shared the pooled rate.
fn smallest_expected(control: &Arm, treatment: &Arm) -> f64 {
    let total = (control.n + treatment.n) as f64;
    let events = (control.events + treatment.events) as f64;
    let smaller_arm = control.n.min(treatment.n) as f64;
    smaller_arm * events.min(total - events) / total
}

/// The pooled two-proportion z test: `z = (p_t − p_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c))`
/// with `p̄` the pooled rate, and the two-sided p-value `2·P(Z > |z|)`. `None` when the
/// pooled rate is 0 or 1 (no events, or all): the standard error is then zero.
pub fn z_test(control: &Arm, treatment: &Arm) -> Option<(f64, f64)> {
    let pooled = (control.events + treatment.events) as f64 / (control.n + treatment.n) as f64;
    let error =
        (pooled * (1.0 - pooled) * (1.0 / control.n as f64 + 1.0 / treatment.n as f64)).sqrt();
    if error.is_nan() || error <= 0.0 {
        return None;
    }
    let statistic = (treatment.rate() - control.rate()) / error;
    Some((statistic, (2.0 * normal_sf(statistic.abs())).min(1.0)))
}

/// Fisher's exact test, two-sided, for the table `[[a, b], [c, d]]` (rows the arms,
/// columns events and non-events): with the margins fixed, the first cell is
/// hypergeometric, and the p-value is the total probability of every table no more
/// likely than the one observed (within [`FISHER_RELATIVE_TOLERANCE`]). A table whose
/// margins allow only itself (no events, or all) gives 1.
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let first_row = a + b;
    let second_row = c + d;
    let events = a + c;
    let total = first_row + second_row;
    if events == 0 || events == total || first_row == 0 || second_row == 0 {
        return 1.0;
    }
    let log_total = ln_binomial(total, events);
    let log_probability =
        |x: u64| ln_binomial(first_row, x) + ln_binomial(second_row, events - x) - log_total;
    let observed = log_probability(a);
    let threshold = observed + FISHER_RELATIVE_TOLERANCE.ln_1p();
    let lowest = events.saturating_sub(second_row);
    let highest = first_row.min(events);
    let p_value: f64 = (lowest..=highest)
        .map(log_probability)
        .filter(|&log| log <= threshold)
        .map(f64::exp)
        .sum();
    p_value.min(1.0)
}

/// The 2×2 table treatment events, treatment non-events, control events, control
/// non-events, with 0.5 added to every cell when one is zero (Haldane's correction), and
/// whether it was.
fn table(control: &Arm, treatment: &Arm) -> ([f64; 4], bool) {
    let cells = [
        treatment.events,
        treatment.n - treatment.events,
        control.events,
        control.n - control.events,
    ];
    let corrected = cells.contains(&0);
    let shift = if corrected { 0.5 } else { 0.0 };
    (cells.map(|cell| cell as f64 + shift), corrected)
}

/// A ratio and its interval `exp(ln ratio ± z·se)`.
fn log_ratio(estimate: f64, standard_error: f64, critical: f64, corrected: bool) -> Ratio {
    Ratio {
        estimate,
        interval: Interval {
            lower: (estimate.ln() - critical * standard_error).exp(),
            upper: (estimate.ln() + critical * standard_error).exp(),
        },
        continuity_corrected: corrected,
    }
}

/// The relative risk, treatment over control, with the log-method interval:
/// `se(ln RR) = √(1/a − 1/(a+b) + 1/c − 1/(c+d))` (Katz et al. 1978), after the 0.5
/// correction when a cell is zero. `None` when neither arm had an event (0/0).
fn relative_risk(control: &Arm, treatment: &Arm, critical: f64) -> Option<Ratio> {
    if control.events == 0 && treatment.events == 0 {
        return None;
    }
    let ([a, b, c, d], corrected) = table(control, treatment);
    let estimate = (a / (a + b)) / (c / (c + d));
    let error = (1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d)).sqrt();
    Some(log_ratio(estimate, error, critical, corrected))
}

/// The odds ratio, treatment over control, with Woolf's interval:
/// `se(ln OR) = √(1/a + 1/b + 1/c + 1/d)`, after the 0.5 correction when a cell is zero.
/// `None` when neither arm had an event, or neither had a non-event (0/0).
fn odds_ratio(control: &Arm, treatment: &Arm, critical: f64) -> Option<Ratio> {
    if (control.events == 0 && treatment.events == 0)
        || (control.events == control.n && treatment.events == treatment.n)
    {
        return None;
    }
    let ([a, b, c, d], corrected) = table(control, treatment);
    let estimate = (a * d) / (b * c);
    let error = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    Some(log_ratio(estimate, error, critical, corrected))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(name: &str, n: u64, events: u64) -> Arm {
        Arm::new(name, n, events).expect("valid arm")
    }

    #[test]
    fn bad_arms_are_refused_with_their_names() {
        assert_eq!(
            Arm::new("letter", 0, 0),
            Err(EvaluationError::EmptyArm("letter".to_owned()))
        );
        assert!(matches!(
            Arm::new("letter", 10, 11),
            Err(EvaluationError::TooManyEvents {
                n: 10,
                events: 11,
                ..
            })
        ));
        assert_eq!(Arm::new(" ", 10, 1), Err(EvaluationError::UnnamedArm));
        let one = [arm("control", 10, 1)];
        assert_eq!(compare(&one, 0.05), Err(EvaluationError::TooFewArms(1)));
        let twins = [arm("a", 10, 1), arm("a", 10, 2)];
        assert_eq!(
            compare(&twins, 0.05),
            Err(EvaluationError::DuplicateArm("a".to_owned()))
        );
        // Arms built without `Arm::new` are checked too.
        let unchecked = [
            arm("control", 10, 1),
            Arm {
                name: "letter".to_owned(),
                n: 5,
                events: 6,
            },
        ];
        assert!(compare(&unchecked, 0.05).is_err());
    }

    #[test]
    fn small_counts_use_fisher_and_large_ones_the_z_test() {
        let small = compare(&[arm("control", 15, 0), arm("letter", 15, 4)], 0.05).expect("valid");
        assert_eq!(small.comparisons[0].test, Test::FisherExact);
        assert_eq!(small.comparisons[0].z, None);
        assert!((small.comparisons[0].smallest_expected - 2.0).abs() < 1e-12);
        // 3/20 against 9/20 is small, but every expected count is at least 6.
        let borderline =
            compare(&[arm("control", 20, 3), arm("letter", 20, 9)], 0.05).expect("valid");
        assert_eq!(borderline.comparisons[0].test, Test::ZTest);
        let large =
            compare(&[arm("control", 1000, 120), arm("letter", 1000, 90)], 0.05).expect("valid");
        assert_eq!(large.comparisons[0].test, Test::ZTest);
        assert!(large.comparisons[0].z.expect("z") < 0.0);
    }

    #[test]
    fn identical_arms_differ_by_nothing_with_p_one() {
        let same = compare(&[arm("control", 10, 1), arm("letter", 10, 1)], 0.05).expect("valid");
        let comparison = &same.comparisons[0];
        assert_eq!(comparison.difference, 0.0);
        assert!(comparison.difference_interval.contains(0.0));
        assert!((comparison.p_value - 1.0).abs() < 1e-12);
        let ratio = comparison.relative_risk.expect("defined");
        assert!((ratio.estimate - 1.0).abs() < 1e-12 && !ratio.continuity_corrected);
    }

    #[test]
    fn no_events_anywhere_leave_the_ratios_undefined() {
        let none = compare(&[arm("control", 15, 0), arm("letter", 15, 0)], 0.05).expect("valid");
        let comparison = &none.comparisons[0];
        assert_eq!(comparison.relative_risk, None);
        assert_eq!(comparison.odds_ratio, None);
        assert_eq!(comparison.p_value, 1.0);
        let all = compare(&[arm("control", 15, 15), arm("letter", 15, 15)], 0.05).expect("valid");
        assert!(all.comparisons[0].relative_risk.is_some());
        assert_eq!(all.comparisons[0].odds_ratio, None);
    }

    #[test]
    fn a_zero_cell_brings_the_continuity_correction() {
        let zero = compare(&[arm("control", 15, 0), arm("letter", 15, 4)], 0.05).expect("valid");
        let ratio = zero.comparisons[0].relative_risk.expect("defined");
        assert!(ratio.continuity_corrected);
        assert!((ratio.estimate - 9.0).abs() < 1e-12, "{ratio:?}");
    }

    #[test]
    fn every_later_arm_is_compared_with_the_first() {
        let three = compare(
            &[
                arm("control", 200, 40),
                arm("letter", 200, 30),
                arm("workshop", 200, 20),
            ],
            0.05,
        )
        .expect("valid");
        let pairs: Vec<_> = three
            .comparisons
            .iter()
            .map(|c| (c.control.as_str(), c.treatment.as_str()))
            .collect();
        assert_eq!(pairs, [("control", "letter"), ("control", "workshop")]);
    }

    #[test]
    fn fisher_sums_to_one_over_the_whole_range_and_is_symmetric() {
        // The observed table at the mode: every table is no more likely, so p = 1.
        assert!((fisher_exact(5, 5, 5, 5) - 1.0).abs() < 1e-12);
        for (a, b, c, d) in [(3, 17, 9, 11), (0, 15, 4, 11), (1, 9, 6, 4), (2, 40, 7, 3)] {
            let p = fisher_exact(a, b, c, d);
            assert!((p - fisher_exact(c, d, a, b)).abs() < 1e-12);
            assert!((p - fisher_exact(b, a, d, c)).abs() < 1e-12);
            assert!(p > 0.0 && p <= 1.0);
        }
    }
}
