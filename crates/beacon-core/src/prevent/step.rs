//! A referral's stages, in the order the programme works through them, and the rule of
//! what may be recorded next.

use serde::Serialize;
use time::Date;

/// The suitability check's results.
pub const SUITABILITY: [(&str, &str); 2] = [
    ("suitable", "Suitable for Cyber Choices"),
    ("not_suitable", "Not suitable"),
];

/// How a referral ends.
pub const OUTCOMES: [(&str, &str); 4] = [
    ("completed", "Completed the diversion plan"),
    ("disengaged", "Stopped taking part"),
    ("referred_elsewhere", "Referred to another service"),
    ("escalated", "Passed to the police for investigation"),
];

/// A stage of a referral. First contact is recorded between the full referral and the
/// meeting: the programme's measure counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The referrer's anonymised summary: the referral is opened with it.
    Summary,
    /// Whether Cyber Choices is right for the person (a result of [`SUITABILITY`]).
    Suitability,
    /// The full referral, with the person's details, received.
    FullReferral,
    /// The person (or their family) first contacted.
    Contact,
    /// The first meeting.
    Meeting,
    /// A diversion plan agreed.
    DiversionPlan,
    /// How it ended (a result of [`OUTCOMES`]).
    Outcome,
}

impl Step {
    /// Every stage, in order.
    pub const ALL: [Step; 7] = [
        Step::Summary,
        Step::Suitability,
        Step::FullReferral,
        Step::Contact,
        Step::Meeting,
        Step::DiversionPlan,
        Step::Outcome,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Summary => "summary",
            Step::Suitability => "suitability",
            Step::FullReferral => "full_referral",
            Step::Contact => "contact",
            Step::Meeting => "meeting",
            Step::DiversionPlan => "diversion_plan",
            Step::Outcome => "outcome",
        }
    }

    /// The stage from its stored form.
    pub fn parse(text: &str) -> Option<Step> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Step::ALL.into_iter().find(|step| step.as_str() == key)
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Step::Summary => "Anonymised summary received",
            Step::Suitability => "Suitability check",
            Step::FullReferral => "Full referral received",
            Step::Contact => "First contact made",
            Step::Meeting => "First meeting",
            Step::DiversionPlan => "Diversion plan agreed",
            Step::Outcome => "Outcome",
        }
    }

    /// The results this stage takes (empty when it takes none).
    pub fn results(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Step::Suitability => &SUITABILITY,
            Step::Outcome => &OUTCOMES,
            _ => &[],
        }
    }

    /// The stage that must be recorded before this one (`None` for the summary).
    pub fn follows(self) -> Option<Step> {
        match self {
            Step::Summary => None,
            Step::Suitability => Some(Step::Summary),
            Step::FullReferral => Some(Step::Suitability),
            Step::Contact | Step::Meeting | Step::Outcome => Some(Step::FullReferral),
            Step::DiversionPlan => Some(Step::Meeting),
        }
    }
}

/// A stage as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedStep {
    /// The stage.
    pub step: Step,
    /// The day it happened.
    pub on: Date,
    /// Its result, for the suitability check and the outcome; empty otherwise.
    pub result: String,
}

/// Where a referral stands: its furthest stage recorded, and whether it is closed (an
/// outcome, or found not suitable). `None` for no stages.
pub fn stage_of(recorded: &[RecordedStep]) -> Option<(Step, bool)> {
    let furthest = recorded.iter().map(|step| step.step).max()?;
    let closed = recorded.iter().any(|step| {
        step.step == Step::Outcome
            || (step.step == Step::Suitability && step.result == "not_suitable")
    });
    Some((furthest, closed))
}

/// Whether `step` on `on` with `result` may be recorded after `recorded`, as of `today`;
/// why not, in words.
///
/// # Errors
/// A date in the future or before the stage it follows, a closed referral, a stage
/// already recorded, one whose prerequisite is missing (a full referral needs the
/// person found suitable), or a result that is not one of the stage's.
pub fn check_step(
    recorded: &[RecordedStep],
    step: Step,
    on: Date,
    result: &str,
    today: Date,
) -> Result<(), String> {
    if on > today {
        return Err("The date must be today or in the past".into());
    }
    if let Some((_, true)) = stage_of(recorded) {
        return Err("This referral is closed: nothing more can be recorded".into());
    }
    if let Some(done) = recorded.iter().find(|done| done.step == step) {
        return Err(format!(
            "{} is already recorded, on {}",
            step.label(),
            done.on
        ));
    }
    if let Some(before) = step.follows() {
        let Some(earlier) = recorded.iter().find(|done| done.step == before) else {
            return Err(format!(
                "Record the {} first",
                before.label().to_lowercase()
            ));
        };
        if before == Step::Suitability && earlier.result != "suitable" {
            return Err("The person was not found suitable".into());
        }
        if on < earlier.on {
            return Err(format!(
                "The date must be on or after {} ({})",
                earlier.on,
                before.label()
            ));
        }
    }
    let results = step.results();
    if results.is_empty() {
        if !result.trim().is_empty() {
            return Err(format!("{} takes no result", step.label()));
        }
    } else if !results.iter().any(|(key, _)| *key == result) {
        return Err(format!(
            "Select the {}'s result",
            step.label().to_lowercase()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn at(step: Step, on: Date, result: &str) -> RecordedStep {
        RecordedStep {
            step,
            on,
            result: result.into(),
        }
    }

    #[test]
    fn stages_go_in_order() {
        let today = date!(2019 - 12 - 31);
        let mut recorded = vec![at(Step::Summary, date!(2019 - 12 - 01), "")];
        assert_eq!(
            check_step(&recorded, Step::FullReferral, today, "", today),
            Err("Record the suitability check first".into())
        );
        assert_eq!(
            check_step(
                &recorded,
                Step::Suitability,
                date!(2019 - 11 - 30),
                "suitable",
                today
            ),
            Err("The date must be on or after 2019-12-01 (Anonymised summary received)".into())
        );
        assert_eq!(
            check_step(
                &recorded,
                Step::Suitability,
                date!(2019 - 12 - 02),
                "maybe",
                today
            ),
            Err("Select the suitability check's result".into())
        );
        assert!(
            check_step(
                &recorded,
                Step::Suitability,
                date!(2019 - 12 - 02),
                "suitable",
                today
            )
            .is_ok()
        );
        recorded.push(at(Step::Suitability, date!(2019 - 12 - 02), "suitable"));
        assert_eq!(
            check_step(
                &recorded,
                Step::Suitability,
                date!(2019 - 12 - 03),
                "suitable",
                today
            ),
            Err("Suitability check is already recorded, on 2019-12-02".into())
        );
        recorded.push(at(Step::FullReferral, date!(2019 - 12 - 05), ""));
        assert_eq!(
            check_step(&recorded, Step::Meeting, date!(2020 - 01 - 02), "", today),
            Err("The date must be today or in the past".into())
        );
        assert_eq!(
            check_step(&recorded, Step::DiversionPlan, today, "", today),
            Err("Record the first meeting first".into())
        );
        assert_eq!(
            check_step(&recorded, Step::Contact, today, "completed", today),
            Err("First contact made takes no result".into())
        );
        assert_eq!(stage_of(&recorded), Some((Step::FullReferral, false)));
        recorded.push(at(Step::Outcome, today, "disengaged"));
        assert_eq!(stage_of(&recorded), Some((Step::Outcome, true)));
        assert_eq!(
            check_step(&recorded, Step::Contact, today, "", today),
            Err("This referral is closed: nothing more can be recorded".into())
        );
    }

    #[test]
    fn not_suitable_closes_the_referral() {
        let recorded = vec![
            at(Step::Summary, date!(2019 - 12 - 01), ""),
            at(Step::Suitability, date!(2019 - 12 - 02), "not_suitable"),
        ];
        assert_eq!(stage_of(&recorded), Some((Step::Suitability, true)));
        assert_eq!(stage_of(&[]), None);
        for step in Step::ALL {
            assert_eq!(Step::parse(step.as_str()), Some(step));
        }
        assert_eq!(Step::parse("Full referral"), Some(Step::FullReferral));
    }
}
