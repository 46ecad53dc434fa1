//! Cyber Choices for those who run it: open a referral from its anonymised summary,
//! record its stages in order, read the referrals with where each stands against the
//! contact-within-5-working-days measure, and the figures the board update states.
//!
//! Who may do what is the caller's check (`Permission::WorkCyberChoices`). Every read of
//! a referral or the list and every change writes an audit event; a referral holds no
//! names.

mod view;

pub use view::{NextStep, ReferralList, ReferralSummary, ReferralView, StageCount, StepLine};

use beacon_analytics::prevent::{PreventFigures, prevent_figures};
use beacon_core::prevent::{RecordedStep, ReferralDetails, Step, WorkingCalendar, check_step};
use beacon_core::{DistrictCode, Districts};
use beacon_store::{
    AuditEvent, NewReferral, NewReferralStep, ReferralStepRecord, Store, StoreError,
};
use time::{Date, OffsetDateTime};

/// A note's longest length: a referral keeps what is needed, not a transcript.
pub const NOTE_LIMIT: usize = 500;

/// What can go wrong in Cyber Choices.
#[derive(Debug, thiserror::Error)]
pub enum PreventError {
    /// No referral has this reference.
    #[error("there is no Cyber Choices referral {0}")]
    NotFound(String),
    /// What was given is not valid: each problem with the form field it is about.
    #[error("{}", .0.iter().map(|(_, message)| message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(&'static str, String)>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A Cyber Choices use case's result.
pub type PreventResult<T> = Result<T, PreventError>;

/// The working calendar as shipped (`data/prevent/bank_holidays.csv`).
///
/// # Panics
/// Never for the file as shipped (its test reads it).
pub fn shipped_calendar() -> WorkingCalendar {
    WorkingCalendar::from_csv(beacon_ingest::reference::SHIPPED_BANK_HOLIDAYS)
        .expect("the shipped bank holidays read")
}

/// A referral's reference: `CC` and its id in five digits (`CC00012`).
pub fn reference_of(id: i64) -> String {
    format!("CC{id:05}")
}

/// The id a reference names, in any case (`cc00012` → 12).
pub fn id_of(reference: &str) -> Option<i64> {
    let reference = reference.trim();
    let digits = reference
        .get(..2)
        .filter(|prefix| prefix.eq_ignore_ascii_case("CC"))
        .map(|_| &reference[2..])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|id| *id > 0)
}

fn checked_note(note: &str, field: &'static str) -> PreventResult<String> {
    let note = note.trim();
    if note.chars().count() > NOTE_LIMIT {
        return Err(PreventError::Invalid(vec![(
            field,
            format!("The note must be {NOTE_LIMIT} characters or fewer"),
        )]));
    }
    Ok(note.to_owned())
}

/// A referral to open: its details, the day the anonymised summary arrived and a note.
#[derive(Debug, Clone)]
pub struct Opening {
    /// Who referred, the age band, the district and the concern.
    pub details: ReferralDetails,
    /// The day the anonymised summary was received.
    pub summary_on: Option<Date>,
    /// A short note.
    pub note: String,
}

/// Opens a referral from its anonymised summary, after checking every answer; its
/// reference. Audited.
///
/// # Errors
/// [`PreventError::Invalid`] with every problem; the store's failure.
pub fn open_referral(
    store: &mut dyn Store,
    by: &str,
    opening: &Opening,
    today: Date,
    at: OffsetDateTime,
) -> PreventResult<String> {
    let districts = store.districts()?;
    let mut problems = opening.details.problems();
    if !opening.details.district.trim().is_empty()
        && district_name(&districts, &opening.details.district).is_none()
    {
        problems.push(("district", "Select one of the area's districts".into()));
    }
    match opening.summary_on {
        None => problems.push((
            "summary_on",
            "Enter the day the summary was received".into(),
        )),
        Some(day) if day > today => problems.push((
            "summary_on",
            "The day the summary was received must be today or in the past".into(),
        )),
        Some(_) => {}
    }
    let note = match checked_note(&opening.note, "note") {
        Ok(note) => note,
        Err(PreventError::Invalid(mut more)) => {
            problems.append(&mut more);
            String::new()
        }
        Err(other) => return Err(other),
    };
    let Some(summary_on) = opening.summary_on.filter(|_| problems.is_empty()) else {
        return Err(PreventError::Invalid(problems));
    };
    let details = &opening.details;
    let id = store.add_referral(&NewReferral {
        referrer: details.referrer.clone(),
        age_band: details.age_band.clone(),
        district_code: details.district.trim().to_ascii_uppercase(),
        concern: details.concern.clone(),
        summary_on,
        note,
        by: by.to_owned(),
        at,
    })?;
    let reference = reference_of(id);
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "open_cyber_choices_referral".into(),
        subject: format!("cyber_choices:{reference}"),
        detail: format!(
            "concern {}, referred by {}",
            details.concern, details.referrer
        ),
    })?;
    Ok(reference)
}

/// A stage to record on a referral.
#[derive(Debug, Clone)]
pub struct StepEntry {
    /// The stage's stored form.
    pub step: String,
    /// The day it happened.
    pub on: Option<Date>,
    /// Its result, for the suitability check and the outcome.
    pub result: String,
    /// A short note.
    pub note: String,
}

/// The stages as the rule reads them (a stored stage Beacon does not know is left out).
fn recorded(steps: &[ReferralStepRecord]) -> Vec<RecordedStep> {
    steps
        .iter()
        .filter_map(|stored| {
            Some(RecordedStep {
                step: Step::parse(&stored.step)?,
                on: stored.on,
                result: stored.result.clone(),
            })
        })
        .collect()
}

/// Records a stage on a referral when it may come next (checked in the same transaction
/// as the write), audited with the stage (not the note).
///
/// # Errors
/// [`PreventError::Invalid`] for a stage that may not be recorded, with why;
/// [`PreventError::NotFound`] for an unknown reference; the store's failure.
pub fn record_step(
    store: &mut dyn Store,
    by: &str,
    reference: &str,
    entry: &StepEntry,
    today: Date,
    at: OffsetDateTime,
) -> PreventResult<()> {
    let id = id_of(reference).ok_or_else(|| PreventError::NotFound(reference.to_owned()))?;
    let Some(step) = Step::parse(&entry.step) else {
        return Err(PreventError::Invalid(vec![(
            "step",
            "Select the stage to record".into(),
        )]));
    };
    let Some(on) = entry.on else {
        return Err(PreventError::Invalid(vec![(
            "on",
            "Enter the day it happened".into(),
        )]));
    };
    let note = checked_note(&entry.note, "note")?;
    let result = entry.result.trim().to_owned();
    let rule =
        |so_far: &[ReferralStepRecord]| check_step(&recorded(so_far), step, on, &result, today);
    let written = store.add_referral_step(
        &NewReferralStep {
            referral_id: id,
            step: step.as_str().to_owned(),
            on,
            result: result.clone(),
            note,
            by: by.to_owned(),
            at,
        },
        &rule,
    );
    match written {
        Ok(Ok(_)) => {}
        Ok(Err(why)) => {
            let field = if why.contains("date") {
                "on"
            } else if why.contains("result") {
                "result"
            } else {
                "step"
            };
            return Err(PreventError::Invalid(vec![(field, why)]));
        }
        Err(StoreError::NotFound { .. }) => {
            return Err(PreventError::NotFound(reference.to_owned()));
        }
        Err(other) => return Err(other.into()),
    }
    let mut detail = step.label().to_owned();
    if !result.is_empty() {
        detail.push_str(": ");
        detail.push_str(beacon_core::prevent::label_of(step.results(), &result));
    }
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "update_cyber_choices_referral".into(),
        subject: format!("cyber_choices:{}", reference_of(id)),
        detail,
    })?;
    Ok(())
}

fn district_name<'a>(districts: &'a Districts, code: &str) -> Option<&'a str> {
    let code: DistrictCode = code.trim().parse().ok()?;
    districts.get(&code).map(|district| district.name.as_str())
}

/// Every referral with where it stands, the open ones counted by stage and the contact
/// measure over all, as of `today`. Audited.
///
/// # Errors
/// When the store fails.
pub fn list(
    store: &mut dyn Store,
    by: &str,
    calendar: &WorkingCalendar,
    today: Date,
) -> PreventResult<ReferralList> {
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "view_cyber_choices".into(),
        subject: "cyber_choices".into(),
        detail: String::new(),
    })?;
    let districts = store.districts()?;
    let referrals = store.referrals()?;
    Ok(view::list_of(&referrals, &districts, calendar, today))
}

/// One referral with its stages, the measure and the stages that may be recorded next,
/// as of `today`. Audited before it is read.
///
/// # Errors
/// [`PreventError::NotFound`] for an unknown reference; the store's failure.
pub fn show(
    store: &mut dyn Store,
    by: &str,
    reference: &str,
    calendar: &WorkingCalendar,
    today: Date,
) -> PreventResult<ReferralView> {
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "view_cyber_choices_referral".into(),
        subject: format!("cyber_choices:{}", reference.trim().to_ascii_uppercase()),
        detail: String::new(),
    })?;
    let id = id_of(reference).ok_or_else(|| PreventError::NotFound(reference.to_owned()))?;
    let referral = store
        .referral(id)?
        .ok_or_else(|| PreventError::NotFound(reference.to_owned()))?;
    let districts = store.districts()?;
    Ok(view::view_of(referral, &districts, calendar, today))
}

/// The period's Cyber Choices figures (no personal data: not audited).
///
/// # Errors
/// When the store fails.
pub fn figures(
    store: &mut dyn Store,
    calendar: &WorkingCalendar,
    period: (Date, Date),
) -> PreventResult<PreventFigures> {
    let referrals: Vec<Vec<RecordedStep>> = store
        .referrals()?
        .iter()
        .map(|referral| recorded(&referral.steps))
        .collect();
    Ok(prevent_figures(&referrals, calendar, period))
}
