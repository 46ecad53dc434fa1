//! How referrals read: labels in place of stored keys, each one's stage and its place
//! against the contact measure, and the list's counts.

use super::{recorded, reference_of};
use beacon_analytics::prevent::{ContactMeasure, ContactSummary, contact_measure};
use beacon_core::Districts;
use beacon_core::prevent::{
    AGE_BANDS, CONCERNS, REFERRERS, Step, WorkingCalendar, check_step, label_of, stage_of,
};
use beacon_store::ReferralRecord;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// A referral in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralSummary {
    /// Its reference (`CC00012`).
    pub reference: String,
    /// The day the anonymised summary arrived.
    pub summary_on: Option<Date>,
    /// Who referred, in words.
    pub referrer: String,
    /// The age band, in words.
    pub age_band: String,
    /// The district's name (its code when it is not one of the area's).
    pub district: String,
    /// The concern, in words.
    pub concern: String,
    /// The furthest stage recorded, in words.
    pub stage: String,
    /// Whether it is closed.
    pub closed: bool,
    /// How it ended, in words, when it has.
    pub outcome: Option<String>,
    /// Where it stands against the contact measure (from the full referral on).
    pub contact: Option<ContactMeasure>,
}

/// Open referrals at one stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageCount {
    /// The stage, in words.
    pub stage: &'static str,
    /// How many open referrals have it as their furthest.
    pub open: u64,
}

/// Every referral, newest first, with the counts the list page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralList {
    /// The referrals.
    pub entries: Vec<ReferralSummary>,
    /// The open referrals by their furthest stage, in the programme's order.
    pub open_by_stage: Vec<StageCount>,
    /// Referrals closed.
    pub closed: u64,
    /// The contact measure over every full referral.
    pub contact: ContactSummary,
}

/// A stage as the referral's page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StepLine {
    /// The stage, in words.
    pub stage: &'static str,
    /// The day it happened.
    pub on: Date,
    /// Its result, in words (empty when it takes none).
    pub result: String,
    /// The note.
    pub note: String,
    /// Who recorded it.
    pub by: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A stage that may be recorded next, with the results it takes.
#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    /// The stored form.
    pub key: &'static str,
    /// In words.
    pub label: &'static str,
    /// Its results (stored form and words); empty when it takes none.
    pub results: &'static [(&'static str, &'static str)],
}

/// One referral as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralView {
    /// What the list shows of it.
    pub summary: ReferralSummary,
    /// Who opened it.
    pub opened_by: String,
    /// Its stages in the order they happened.
    pub steps: Vec<StepLine>,
    /// The stages that may be recorded now, in the programme's order.
    pub next: Vec<NextStep>,
}

fn summary_of(
    referral: &ReferralRecord,
    districts: &Districts,
    calendar: &WorkingCalendar,
    today: Date,
) -> ReferralSummary {
    let steps = recorded(&referral.steps);
    let (furthest, closed) = stage_of(&steps).unwrap_or((Step::Summary, false));
    let outcome = steps
        .iter()
        .filter(|step| step.step == Step::Outcome || step.result == "not_suitable")
        .map(|step| label_of(step.step.results(), &step.result).to_owned())
        .next();
    ReferralSummary {
        reference: reference_of(referral.id),
        summary_on: steps
            .iter()
            .find(|step| step.step == Step::Summary)
            .map(|step| step.on),
        referrer: label_of(&REFERRERS, &referral.referrer).to_owned(),
        age_band: label_of(&AGE_BANDS, &referral.age_band).to_owned(),
        district: super::district_name(districts, &referral.district_code)
            .unwrap_or(&referral.district_code)
            .to_owned(),
        concern: label_of(&CONCERNS, &referral.concern).to_owned(),
        stage: furthest.label().to_owned(),
        closed,
        outcome,
        contact: contact_measure(&steps, calendar, today),
    }
}

/// The list of `referrals` as of `today`.
pub(super) fn list_of(
    referrals: &[ReferralRecord],
    districts: &Districts,
    calendar: &WorkingCalendar,
    today: Date,
) -> ReferralList {
    let mut open_by_stage: Vec<StageCount> = Step::ALL
        .iter()
        .filter(|step| **step != Step::Outcome)
        .map(|step| StageCount {
            stage: step.label(),
            open: 0,
        })
        .collect();
    let mut closed = 0;
    let mut contact = ContactSummary::default();
    let entries: Vec<ReferralSummary> = referrals
        .iter()
        .map(|referral| {
            let summary = summary_of(referral, districts, calendar, today);
            if summary.closed {
                closed += 1;
            } else if let Some(count) = open_by_stage
                .iter_mut()
                .find(|count| count.stage == summary.stage)
            {
                count.open += 1;
            }
            if let Some(measure) = &summary.contact {
                contact.add(measure);
            }
            summary
        })
        .collect();
    ReferralList {
        entries,
        open_by_stage,
        closed,
        contact,
    }
}

/// One referral's page as of `today`.
pub(super) fn view_of(
    referral: ReferralRecord,
    districts: &Districts,
    calendar: &WorkingCalendar,
    today: Date,
) -> ReferralView {
    let summary = summary_of(&referral, districts, calendar, today);
    let steps = recorded(&referral.steps);
    let next = Step::ALL
        .into_iter()
        .filter(|step| {
            let result = step.results().first().map_or("", |(key, _)| *key);
            check_step(&steps, *step, today, result, today).is_ok()
        })
        .map(|step| NextStep {
            key: step.as_str(),
            label: step.label(),
            results: step.results(),
        })
        .collect();
    ReferralView {
        summary,
        opened_by: referral.created_by.clone(),
        steps: referral
            .steps
            .iter()
            .filter_map(|stored| {
                let step = Step::parse(&stored.step)?;
                Some(StepLine {
                    stage: step.label(),
                    on: stored.on,
                    result: if stored.result.is_empty() {
                        String::new()
                    } else {
                        label_of(step.results(), &stored.result).to_owned()
                    },
                    note: stored.note.clone(),
                    by: stored.by.clone(),
                    at: stored.at,
                })
            })
            .collect(),
        next,
    }
}
