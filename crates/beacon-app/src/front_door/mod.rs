//! The public front door as use cases: a resident or business reports an incident one
//! question at a time ([`answers`]), is shown advice that suits what they said
//! ([`advice`](mod@advice)) and an Action Fraud-ready summary
//! ([`summary`](mod@summary)), and, only when they consent, leaves a local report
//! ([`submit`]) that the district picture counts as its own source ([`counts`],
//! [`list`]).
//!
//! **Invariants:** nothing is stored without consent, and what is stored is the fixed
//! answers only: never the description, a name, contact details or the client's
//! address. One consented form stores one report, however often it is sent.

pub mod advice;
pub mod answers;
pub mod summary;

pub use advice::advice_for;
pub use answers::{Answers, Context, Loss, Page, Place, Problem, Report};
pub use summary::summary;

use beacon_core::front_door::reference_from;
use beacon_store::{
    Audit, AuditEvent, FrontDoor, FrontDoorCounts, FrontDoorPage, NewFrontDoorReport, Reference,
    StoreError, StoreResult,
};
use time::{Date, OffsetDateTime};

/// What the questions need from the store: today and the area's districts.
pub fn context(store: &mut dyn Reference, today: Date) -> StoreResult<Context> {
    let districts = store.districts()?;
    Ok(Context {
        today,
        area_name: if districts.area_name.is_empty() {
            "Leicester, Leicestershire and Rutland".to_owned()
        } else {
            districts.area_name.clone()
        },
        districts: districts
            .list
            .iter()
            .map(|district| (district.code.as_str().to_owned(), district.name.clone()))
            .collect(),
    })
}

/// The store's form of a consented report: the fixed answers only.
fn stored_form(
    report: &Report,
    reference: String,
    submission_key: &str,
    at: OffsetDateTime,
) -> NewFrontDoorReport {
    NewFrontDoorReport {
        reference,
        submission_key: submission_key.to_owned(),
        submitted_at: at,
        reporter: report.reporter.key().to_owned(),
        what_happened: report.what.key().to_owned(),
        occurred_on: report.occurred_on,
        loss_pence: match report.loss {
            Loss::Amount(pence) => Some(pence.0),
            Loss::Nothing => Some(0),
            Loss::NotSure => None,
        },
        contact_method: report.contact.key().to_owned(),
        business_size: report.size.map(|size| size.as_str().to_owned()),
        business_sector: report.sector.map(|sector| sector.key().to_owned()),
        place: report.place.key().to_owned(),
    }
}

/// Stores a consented report in one transaction and answers its reference. The form's
/// token (`form_token`) is kept only as a SHA-256 submission key, so the same form sent
/// again answers the first reference and stores nothing new. A reference drawn twice is
/// drawn again.
pub fn submit(
    store: &mut dyn FrontDoor,
    report: &Report,
    form_token: &str,
    at: OffsetDateTime,
) -> StoreResult<String> {
    let submission_key = crate::credentials::token_hash(form_token);
    let mut attempts = 0;
    loop {
        let reference = reference_from(std::iter::repeat_with(rand::random::<u32>));
        match store.add_front_door_report(&stored_form(report, reference, &submission_key, at)) {
            Err(StoreError::Duplicate { .. }) if attempts < 5 => attempts += 1,
            other => return other,
        }
    }
}

/// A page of the front door's reports submitted from `from` to `to`, for an analyst;
/// the read is audited (`front_door_listed`).
pub fn list(
    store: &mut (impl FrontDoor + Audit + ?Sized),
    actor: &str,
    from: Date,
    to: Date,
    offset: u64,
    limit: u32,
) -> StoreResult<FrontDoorPage> {
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "front_door_listed".to_owned(),
        subject: "front_door".to_owned(),
        detail: format!("{from} to {to}"),
    })?;
    store.front_door_reports(from, to, offset, limit)
}

/// The front door's counts by district and sector for the days from `from` to `to`.
pub fn counts(store: &mut dyn FrontDoor, from: Date, to: Date) -> StoreResult<FrontDoorCounts> {
    store.front_door_counts(from, to)
}
