//! Readiness measures: self-assessment scores and area summaries, exercise debriefs and
//! timings, quiz marking and staff completion, phishing-simulation click verdicts and
//! rates, and the board update's readiness figures built from them.
//!
//! **Invariant:** pure, like the rest of the crate: the caller loads the facts (and any
//! moment to measure from) and passes them in; nothing here reads a clock or a store.
//! Every percentage is a whole number rounded half up in integer arithmetic, so the
//! same figures always give the same percent.

pub mod assessment;
pub mod board;
pub mod education;
pub mod exercise;
pub mod phishing;

pub use assessment::{
    AnswerError, AreaSummary, AssessmentScore, Gap, GroupSummary, OrgAnswers, ThemeScore,
    ThemeSummary, area_summary, score,
};
pub use board::ReadinessFigures;
pub use education::{
    AreaCompletion, AttemptFact, Completion, OptionOutOfRange, OrgCompletion, QuestionResult,
    QuizError, QuizResult, completion, mark_quiz,
};
pub use exercise::{
    Debrief, GapRef, ObservationFact, PlayerDebrief, PointRef, ProgressPoint, ResponseFact,
    debrief, progress,
};
pub use phishing::{OrgRates, PhishingTotals, TargetFact, classify, rates, totals};

use time::Duration;

/// A whole percentage, rounded half up (0 to 100 for a share of a whole).
pub type Percent = u32;

/// `part` as a whole percentage of `whole`, rounded half up; `None` when `whole` is zero.
///
/// Why: every readiness percentage is rounded the one way the board update rounds, in
/// integer arithmetic, so 2 of 8 is always 25% and 1 of 8 always 13%.
pub fn percent(part: u64, whole: u64) -> Option<Percent> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let rounded = (2 * part * 100 + whole) / (2 * whole);
    Some(u32::try_from(rounded).unwrap_or(u32::MAX))
}

/// The mean of whole percentages, rounded half up; `None` for no values.
pub(crate) fn mean_percent(values: &[Percent]) -> Option<Percent> {
    let total: u64 = values.iter().map(|value| u64::from(*value)).sum();
    if values.is_empty() {
        return None;
    }
    let count = values.len() as u64;
    // A mean of percents is itself a percent of `count` hundreds.
    percent(total, count * 100)
}

/// The median of durations (the mean of the middle two for an even count), or `None`
/// for none.
///
/// Why: the board update reports the median time to first response, which one slow
/// partner cannot drag out the way it would a mean.
pub fn median_duration(mut values: Vec<Duration>) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        let sum = values[middle - 1].whole_nanoseconds() + values[middle].whole_nanoseconds();
        nanoseconds(sum / 2)
    } else {
        values[middle]
    })
}

/// A duration of this many nanoseconds (saturating far beyond any exercise's length).
fn nanoseconds(total: i128) -> Duration {
    const PER_SECOND: i128 = 1_000_000_000;
    let seconds = i64::try_from(total.div_euclid(PER_SECOND)).unwrap_or(i64::MAX);
    let rest = i32::try_from(total.rem_euclid(PER_SECOND)).unwrap_or(0);
    Duration::new(seconds, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(1, 8), Some(13)); // 12.5
        assert_eq!(percent(2, 8), Some(25));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 5), Some(0));
        assert_eq!(percent(5, 5), Some(100));
        assert_eq!(percent(1, 0), None);
    }

    #[test]
    fn means_of_percentages_round_half_up() {
        assert_eq!(mean_percent(&[50, 75]), Some(63)); // 62.5
        assert_eq!(mean_percent(&[33, 33, 34]), Some(33)); // 33.33
        assert_eq!(mean_percent(&[100]), Some(100));
        assert_eq!(mean_percent(&[]), None);
    }

    #[test]
    fn medians_of_durations() {
        let minutes = |m: &[i64]| m.iter().map(|m| Duration::minutes(*m)).collect();
        assert_eq!(
            median_duration(minutes(&[40, 7, 12])),
            Some(Duration::minutes(12))
        );
        assert_eq!(
            median_duration(minutes(&[40, 7, 12, 20])),
            Some(Duration::minutes(16))
        );
        assert_eq!(
            median_duration(minutes(&[7, 12])),
            Some(Duration::seconds(9 * 60 + 30))
        );
        assert_eq!(median_duration(Vec::new()), None);
    }
}
