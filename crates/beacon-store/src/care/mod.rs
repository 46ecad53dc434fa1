//! Victim care in the store: the reports a triage reads (people and organisations, for
//! the usual losses), and the triage queue it writes, one case per report of a person
//! with its score, level, contact-due time and every reason.
//!
//! The queue is kept, not computed on each read: a triage run replaces the cases it
//! scored in one transaction, and the queue page reads them in order by an index of the
//! open cases. Each case says whether it is closed (set as it is written, and when a
//! closing is recorded), and the open cases are counted by level as the queue is written
//! and cases are closed, so a page counts its cases without reading them all.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// One report as a triage reads it (no names, postcodes or summaries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageInput {
    /// The report's row id.
    pub report_id: i64,
    /// Its reference.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// `individual` or `organisation`, as stored.
    pub victim_type: String,
    /// Age band as stored (`80+`), where known.
    pub age_band: Option<String>,
    /// Fraud-type key.
    pub fraud_type: String,
    /// Local issues, `;`-separated.
    pub local_issues: String,
    /// Loss in pence, where known.
    pub loss_pence: Option<i64>,
    /// Judged vulnerable, where known.
    pub vulnerable: Option<bool>,
    /// Says they were a victim before, where known.
    pub repeat_victim: Option<bool>,
    /// The pseudonymous victim key, where given.
    pub victim_key: Option<String>,
}

/// A case as a triage writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCareCase {
    /// The report.
    pub report_id: i64,
    /// Its reference.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// The score.
    pub score: u32,
    /// The level, 1 to 4.
    pub level: u8,
    /// When first contact is due.
    pub contact_due: OffsetDateTime,
    /// Every reason with its points, as JSON (`[{"text": …, "points": …}]`).
    pub reasons_json: String,
}

/// A case in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareCaseRecord {
    /// The report.
    pub report_id: i64,
    /// Its reference.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// The score.
    pub score: u32,
    /// The level, 1 to 4.
    pub level: u8,
    /// When first contact is due.
    #[serde(with = "time::serde::rfc3339")]
    pub contact_due: OffsetDateTime,
    /// Every reason with its points, as stored JSON.
    pub reasons_json: String,
    /// The fingerprint of the weights it was scored with.
    pub weights: String,
    /// When it was scored.
    #[serde(with = "time::serde::rfc3339")]
    pub triaged_at: OffsetDateTime,
    /// When the victim was first reached (the first contact attempt that reached them).
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_contact: Option<OffsetDateTime>,
}

/// A page of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareQueuePage {
    /// Open cases in the queue in all (a closed case leaves the queue; it still opens by
    /// its reference).
    pub total: u64,
    /// This page's, highest level first, then highest score, earliest reported, reference.
    pub cases: Vec<CareCaseRecord>,
}

/// Something the officer did on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCaseEvent {
    /// The report the case is of.
    pub report_id: i64,
    /// `contact_attempt`, `advice`, `referral`, `handover` or `closed`.
    pub kind: String,
    /// The outcome, advice slug, referral, officer or closing outcome.
    pub detail: String,
    /// A short note (kept to what is needed).
    pub note: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: OffsetDateTime,
}

/// A case's event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEventRecord {
    /// Its id.
    pub id: i64,
    /// The kind.
    pub kind: String,
    /// The outcome, advice slug, referral, officer or closing outcome.
    pub detail: String,
    /// The note.
    pub note: String,
    /// Who.
    pub by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A queued case as the board update counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareBoardCase {
    /// The report.
    pub report_id: i64,
    /// Day reported.
    pub reported_on: Date,
    /// The level, 1 to 4.
    pub level: u8,
    /// When first contact was due.
    pub contact_due: OffsetDateTime,
    /// When the victim was first reached, if they were.
    pub first_reached: Option<OffsetDateTime>,
    /// Safeguarding referrals made on it.
    pub referrals: u64,
}

/// Which of the queue's open cases a page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CareQueueFilter {
    /// Only this level (1 to 4).
    pub level: Option<u8>,
    /// Only the cases whose first contact is overdue at this moment.
    pub overdue_at: Option<OffsetDateTime>,
}

/// Victim care, on either backend.
pub trait Care {
    /// Every report made on or after `from`, oldest first.
    fn triage_inputs(&mut self, from: Date) -> StoreResult<Vec<TriageInput>>;
    /// Replaces the queue with `cases` in one transaction: the cases of reports not
    /// among them leave the queue, the others are written with the weights' fingerprint
    /// and `at`. How many are in the queue after.
    fn replace_care_queue(
        &mut self,
        cases: &[NewCareCase],
        weights: &str,
        at: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// A page of the queue's open cases in its order.
    fn care_queue(
        &mut self,
        filter: &CareQueueFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<CareQueuePage>;
    /// The queued cases of the reports made from `from` to `to` (both days in), open or
    /// closed, with their first contact and referrals, for the board update.
    fn care_board_cases(&mut self, from: Date, to: Date) -> StoreResult<Vec<CareBoardCase>>;
    /// The queued case of the report with this reference.
    fn care_case(&mut self, reference: &str) -> StoreResult<Option<CareCaseRecord>>;
    /// Records what the officer did; its id. [`crate::StoreError::NotFound`] when the
    /// report is not stored.
    fn add_case_event(&mut self, event: &NewCaseEvent) -> StoreResult<i64>;
    /// A case's events, oldest first.
    fn case_events(&mut self, report_id: i64) -> StoreResult<Vec<CaseEventRecord>>;
    /// Redacts the cases closed before `closed_before` and not yet redacted, in one
    /// transaction: their notes and hand-over names are removed and a `redacted` event
    /// (by `by`, at `at`) says so. The references of the cases redacted.
    fn redact_closed_cases(
        &mut self,
        closed_before: OffsetDateTime,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<Vec<String>>;
}
