//! The demo's victim-care work and Cyber Choices referrals, so a new user sees both in
//! every state: cases reached in time and late, tried and not reached, given advice and
//! referred for a call blocker or the banking protocol, handed over, closed, and one
//! closed so long ago that its notes were redacted; referrals at every stage, on time and
//! late against the contact measure, closed each way.
//!
//! Everything goes through the application's own use cases (audited as `demo`), dated
//! in the demo's last weeks (its reports end on 31 December 2019); SYNTHETIC throughout.

use beacon_app::care::{CareError, record, redact_closed};
use beacon_app::prevent::{Opening, PreventError, StepEntry, open_referral, record_step};
use beacon_core::prevent::ReferralDetails;
use beacon_store::{CareQueueFilter, Store};
use time::macros::date;
use time::{Date, Duration, OffsetDateTime, Time};

/// The day the demo's care work is recorded as of.
pub const CARE_DAY: Date = date!(2019 - 12 - 31);

/// What the demo recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareWork {
    /// Cases something was recorded on.
    pub cases_worked: u64,
    /// Of those, closed.
    pub closed: u64,
    /// Of those, redacted after the retention period.
    pub redacted: u64,
    /// Cyber Choices referrals opened.
    pub referrals: u64,
    /// Of those, closed.
    pub referrals_closed: u64,
}

/// What can go wrong: a use case refused the demo's own data (a bug) or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum CareDemoError {
    /// Victim care refused.
    #[error(transparent)]
    Care(#[from] CareError),
    /// Cyber Choices refused.
    #[error(transparent)]
    Prevent(#[from] PreventError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] beacon_store::StoreError),
}

/// A moment on `day`.
fn at(day: Date, hour: u8) -> OffsetDateTime {
    day.with_time(Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc()
}

/// Works the queue's first six open cases (the triage must have run) and redacts what is
/// past `redact_after_days`; `now` closes one case today so a closed, unredacted case
/// shows too.
///
/// # Errors
/// When a use case refuses or the store fails.
pub fn work_cases(
    store: &mut dyn Store,
    redact_after_days: u32,
    now: OffsetDateTime,
) -> Result<CareWork, CareDemoError> {
    let page = store.care_queue(&CareQueueFilter::default(), 0, 6)?;
    let mut work = CareWork::default();
    for (index, case) in page.cases.iter().enumerate() {
        let reported = case.reported_on;
        let next_day = reported + Duration::days(1);
        let late = case.contact_due.date() + Duration::days(2);
        let steps: Vec<(&str, &str, &str, OffsetDateTime)> = match index {
            // Reached in time, advised and referred for a call blocker.
            0 => vec![
                (
                    "contact_attempt",
                    "reached",
                    "Spoke to her daughter too.",
                    at(next_day, 10),
                ),
                (
                    "advice",
                    "courier-fraud-older-residents",
                    "",
                    at(next_day, 10),
                ),
                ("referral", "call_blocker", "", at(next_day, 11)),
            ],
            // Tried twice, not reached: overdue.
            1 => vec![
                ("contact_attempt", "no_answer", "", at(next_day, 9)),
                (
                    "contact_attempt",
                    "left_message",
                    "Asked them to call back.",
                    at(next_day, 15),
                ),
            ],
            // Reached late, banking protocol, handed over.
            2 => vec![
                ("contact_attempt", "no_answer", "", at(next_day, 9)),
                ("contact_attempt", "reached", "", at(late, 14)),
                (
                    "referral",
                    "banking_protocol",
                    "Bank's fraud team told.",
                    at(late, 15),
                ),
                ("handover", "demo-officer", "", at(late, 16)),
            ],
            // Reached, advised, closed today.
            3 => vec![
                ("contact_attempt", "reached", "", at(next_day, 11)),
                (
                    "advice",
                    "romance-fraud-older-residents",
                    "",
                    at(next_day, 11),
                ),
                ("closed", "supported", "", now),
            ],
            // Closed in 2019: past its retention period, so its notes are redacted.
            4 => vec![
                (
                    "contact_attempt",
                    "reached",
                    "Did not want further contact.",
                    at(next_day, 12),
                ),
                ("closed", "declined_support", "", at(next_day, 12)),
            ],
            _ => Vec::new(),
        };
        if steps.is_empty() {
            continue;
        }
        for (kind, detail, note, when) in &steps {
            record(store, "demo", &case.reference, (kind, detail, note), *when)?;
            if *kind == "closed" {
                work.closed += 1;
            }
        }
        work.cases_worked += 1;
    }
    work.redacted = redact_closed(store, redact_after_days, "demo", now)?;
    Ok(work)
}

/// One demo referral: its details and its stages after the summary.
struct Referral {
    referrer: &'static str,
    age_band: &'static str,
    district: &'static str,
    concern: &'static str,
    summary_on: Date,
    note: &'static str,
    stages: &'static [(&'static str, Date, &'static str)],
}

const REFERRALS: [Referral; 9] = [
    Referral {
        referrer: "college_or_university",
        age_band: "18_24",
        district: "E06000016",
        concern: "malware",
        summary_on: date!(2019 - 09 - 02),
        note: "Selling remote-access tools on a forum.",
        stages: &[
            ("suitability", date!(2019 - 09 - 04), "suitable"),
            ("full_referral", date!(2019 - 09 - 09), ""),
            ("contact", date!(2019 - 09 - 11), ""),
            ("meeting", date!(2019 - 09 - 18), ""),
            ("diversion_plan", date!(2019 - 09 - 25), ""),
            ("outcome", date!(2019 - 12 - 06), "completed"),
        ],
    },
    Referral {
        referrer: "school",
        age_band: "13_15",
        district: "E07000130",
        concern: "ddos",
        summary_on: date!(2019 - 10 - 07),
        note: "Bought a booter service to knock a rival off a game.",
        stages: &[
            ("suitability", date!(2019 - 10 - 08), "suitable"),
            ("full_referral", date!(2019 - 10 - 11), ""),
            ("contact", date!(2019 - 10 - 21), ""),
            ("meeting", date!(2019 - 10 - 28), ""),
            ("diversion_plan", date!(2019 - 11 - 04), ""),
        ],
    },
    Referral {
        referrer: "parent_or_carer",
        age_band: "16_17",
        district: "E07000135",
        concern: "account_access",
        summary_on: date!(2019 - 11 - 04),
        note: "Logged into classmates' social media accounts.",
        stages: &[
            ("suitability", date!(2019 - 11 - 05), "suitable"),
            ("full_referral", date!(2019 - 11 - 08), ""),
            ("contact", date!(2019 - 11 - 12), ""),
            ("meeting", date!(2019 - 11 - 19), ""),
        ],
    },
    Referral {
        referrer: "police",
        age_band: "18_24",
        district: "E07000131",
        concern: "data_theft",
        summary_on: date!(2019 - 11 - 11),
        note: "Offered a customer list for sale.",
        stages: &[
            ("suitability", date!(2019 - 11 - 12), "suitable"),
            ("full_referral", date!(2019 - 11 - 15), ""),
            ("outcome", date!(2019 - 12 - 13), "escalated"),
        ],
    },
    Referral {
        referrer: "youth_justice",
        age_band: "16_17",
        district: "E06000016",
        concern: "game_cheats",
        summary_on: date!(2019 - 11 - 25),
        note: "Writing and selling cheat software.",
        stages: &[
            ("suitability", date!(2019 - 11 - 26), "suitable"),
            ("full_referral", date!(2019 - 11 - 29), ""),
            ("outcome", date!(2019 - 12 - 20), "disengaged"),
        ],
    },
    Referral {
        referrer: "school",
        age_band: "under_13",
        district: "E07000129",
        concern: "other",
        summary_on: date!(2019 - 12 - 02),
        note: "Worry about online behaviour; no computer misuse found.",
        stages: &[("suitability", date!(2019 - 12 - 04), "not_suitable")],
    },
    Referral {
        referrer: "social_care",
        age_band: "13_15",
        district: "E07000134",
        concern: "ddos",
        summary_on: date!(2019 - 12 - 16),
        note: "Threatened to take a school website down.",
        stages: &[
            ("suitability", date!(2019 - 12 - 17), "suitable"),
            ("full_referral", date!(2019 - 12 - 20), ""),
        ],
    },
    Referral {
        referrer: "parent_or_carer",
        age_band: "13_15",
        district: "E06000017",
        concern: "account_access",
        summary_on: date!(2019 - 12 - 23),
        note: "Guessing passwords of family members' accounts.",
        stages: &[("suitability", date!(2019 - 12 - 27), "suitable")],
    },
    Referral {
        referrer: "school",
        age_band: "16_17",
        district: "E07000132",
        concern: "malware",
        summary_on: date!(2019 - 12 - 30),
        note: "Sharing a keylogger with friends.",
        stages: &[],
    },
];

/// Opens the demo's Cyber Choices referrals and records their stages.
///
/// # Errors
/// When a use case refuses or the store fails.
pub fn open_referrals(store: &mut dyn Store, work: &mut CareWork) -> Result<(), CareDemoError> {
    for referral in &REFERRALS {
        let reference = open_referral(
            store,
            "demo",
            &Opening {
                details: ReferralDetails {
                    referrer: referral.referrer.into(),
                    age_band: referral.age_band.into(),
                    district: referral.district.into(),
                    concern: referral.concern.into(),
                },
                summary_on: Some(referral.summary_on),
                note: referral.note.into(),
            },
            CARE_DAY,
            at(referral.summary_on, 10),
        )?;
        for (step, on, result) in referral.stages {
            let entry = StepEntry {
                step: (*step).into(),
                on: Some(*on),
                result: (*result).into(),
                note: String::new(),
            };
            record_step(store, "demo", &reference, &entry, CARE_DAY, at(*on, 16))?;
            if *step == "outcome" || *result == "not_suitable" {
                work.referrals_closed += 1;
            }
        }
        work.referrals += 1;
    }
    Ok(())
}
