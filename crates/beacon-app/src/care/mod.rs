//! Victim care for the Fraud Vulnerability Officer: the triage that scores every recent
//! report of a person into the queue, and the queue as the officer reads it.
//!
//! Who may do what is the caller's check (`Permission::WorkVictimCare`). Every read of
//! the queue writes an audit event first: it is victim-level data.

pub mod board;

use beacon_analytics::care::{CaseFacts, Reason, TriageWeights, queue};
use beacon_core::{AgeBand, VictimType};
use beacon_store::{AuditEvent, CareCaseRecord, NewCareCase, Store, StoreError, TriageInput};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// How many days of reports the queue holds by default.
pub const QUEUE_DAYS: u32 = 90;

/// How long after closing a case its notes are kept, by default.
pub const REDACT_CLOSED_AFTER_DAYS: u32 = 365;

/// What can go wrong in victim care.
#[derive(Debug, thiserror::Error)]
pub enum CareError {
    /// No case in the queue has this reference.
    #[error("there is no case {0} in the triage queue")]
    NotFound(String),
    /// What was recorded is not valid, in words.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A care use case's result.
pub type CareResult<T> = Result<T, CareError>;

/// The weights in force, with the fingerprint of the text they were read from (kept with
/// every case, so the officer can tell which weights scored it).
#[derive(Debug, Clone)]
pub struct Weights {
    /// The weights.
    pub weights: TriageWeights,
    /// Hex SHA-256 of the file's text.
    pub fingerprint: String,
}

impl Weights {
    /// Weights read from `text` (already parsed and checked into `weights`).
    pub fn new(weights: TriageWeights, text: &str) -> Weights {
        Weights {
            weights,
            fingerprint: hex::encode(Sha256::digest(text.as_bytes())),
        }
    }
}

/// What a triage run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TriageOutcome {
    /// Reports read (the queue's days and the repeat look-back before them).
    pub reports_read: u64,
    /// Cases in the queue after.
    pub queued: u64,
    /// Of those, at each level 1 to 4.
    pub by_level: [u64; 4],
}

/// The facts the score reads from a stored report; `None` for a report whose victim
/// type is not one Beacon stores (never written so).
fn facts_of(input: &TriageInput, names: &HashMap<String, (String, String)>) -> Option<CaseFacts> {
    let (name, group) = names.get(&input.fraud_type).cloned().unwrap_or_default();
    Some(CaseFacts {
        reference: input.reference.clone(),
        reported_on: input.reported_on,
        victim_type: VictimType::parse(&input.victim_type).ok()?,
        age_band: input.age_band.as_deref().and_then(AgeBand::from_label),
        fraud_type: input.fraud_type.clone(),
        fraud_type_name: name,
        fraud_group: group,
        local_issues: input
            .local_issues
            .split(';')
            .filter(|issue| !issue.is_empty())
            .map(str::to_owned)
            .collect(),
        loss_pence: input.loss_pence,
        vulnerable: input.vulnerable,
        repeat_victim: input.repeat_victim,
        victim_key: input.victim_key.clone(),
    })
}

/// Scores every report of a person made in the `queue_days` up to `today` into the
/// queue, replacing it whole in one transaction. Earlier reports back to the repeat
/// look-back are read too, to link repeat victims; all reports read set the usual
/// losses. Audited.
///
/// # Errors
/// When the store fails.
pub fn triage(
    store: &mut dyn Store,
    weights: &Weights,
    queue_days: u32,
    today: Date,
    by: &str,
    at: OffsetDateTime,
) -> CareResult<TriageOutcome> {
    let queue_from = today - Duration::days(i64::from(queue_days));
    let read_from = queue_from - Duration::days(i64::from(weights.weights.repeat.look_back_days));
    let inputs = store.triage_inputs(read_from)?;
    let names: HashMap<String, (String, String)> = store
        .fraud_types()?
        .into_iter()
        .map(|kind| (kind.key, (kind.name, kind.group)))
        .collect();
    let mut ids = HashMap::new();
    let facts: Vec<CaseFacts> = inputs
        .iter()
        .filter_map(|input| {
            ids.insert(input.reference.clone(), input.report_id);
            facts_of(input, &names)
        })
        .collect();
    let scored = queue(&facts, &weights.weights, today);
    let mut by_level = [0u64; 4];
    let cases: Vec<NewCareCase> = scored
        .into_iter()
        .filter(|entry| entry.reported_on >= queue_from && entry.reported_on <= today)
        .filter_map(|entry| {
            let report_id = *ids.get(&entry.reference)?;
            by_level[usize::from(entry.level.number() - 1)] += 1;
            Some(NewCareCase {
                report_id,
                reference: entry.reference,
                reported_on: entry.reported_on,
                score: entry.score,
                level: entry.level.number(),
                contact_due: entry.contact_due.assume_offset(UtcOffset::UTC),
                reasons_json: serde_json::to_string(&entry.reasons).unwrap_or_default(),
            })
        })
        .collect();
    let queued = store.replace_care_queue(&cases, &weights.fingerprint, at)?;
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "triage_care_queue".into(),
        subject: "care_queue".into(),
        detail: format!(
            "{queued} cases from {} reports; weights {}",
            inputs.len(),
            &weights.fingerprint[..12.min(weights.fingerprint.len())]
        ),
    })?;
    Ok(TriageOutcome {
        reports_read: inputs.len() as u64,
        queued,
        by_level,
    })
}

/// The day the queue is scored as of: `today`, or the last day reports were made on when
/// that is earlier (a store loaded with older reports shows the queue of its last days,
/// not an empty one). `today` when there are no reports.
///
/// # Errors
/// When the store fails.
pub fn queue_end(store: &mut dyn Store, today: Date) -> CareResult<Date> {
    Ok(store
        .report_date_range()?
        .map_or(today, |(_, last)| last.min(today)))
}

/// Scores the queue again after reports were loaded, as of the last day reports were
/// made on (or today, when that is earlier): the queue always holds what the store holds.
/// Audited like any triage.
///
/// # Errors
/// When the store fails.
pub fn triage_after_ingest(
    store: &mut dyn Store,
    weights: &Weights,
    by: &str,
    now: OffsetDateTime,
) -> CareResult<TriageOutcome> {
    let end = queue_end(store, now.date())?;
    triage(store, weights, QUEUE_DAYS, end, by, now)
}

/// A case as the officer reads it: the stored case with its reasons read back.
#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    /// The report's reference.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// The score.
    pub score: u32,
    /// The level, 1 to 4.
    pub level: u8,
    /// The level's name.
    pub level_label: &'static str,
    /// When first contact is due.
    #[serde(with = "time::serde::rfc3339")]
    pub contact_due: OffsetDateTime,
    /// Where the case stands against its service level at the moment of reading.
    pub sla: beacon_analytics::care::Sla,
    /// Whether first contact is overdue: not reached, and the time has passed.
    pub overdue: bool,
    /// Every reason with its points.
    pub reasons: Vec<Reason>,
    /// The fingerprint of the weights that scored it.
    pub weights: String,
}

/// A page of the queue as the officer reads it.
#[derive(Debug, Clone, Serialize)]
pub struct QueueView {
    /// Cases in the queue in all.
    pub total: u64,
    /// The first case's place (0-based).
    pub offset: u64,
    /// This page's cases, in the queue's order.
    pub entries: Vec<QueueEntry>,
}

fn entry_of(case: CareCaseRecord, now: OffsetDateTime) -> QueueEntry {
    let reached: Vec<OffsetDateTime> = case.first_contact.into_iter().collect();
    let sla = beacon_analytics::care::sla(case.contact_due, &reached, now);
    let level = beacon_core::care::CareLevel::from_number(case.level)
        .unwrap_or(beacon_core::care::CareLevel::AutomatedAdvice);
    QueueEntry {
        reasons: serde_json::from_str(&case.reasons_json).unwrap_or_default(),
        reference: case.reference,
        reported_on: case.reported_on,
        score: case.score,
        level: case.level,
        level_label: level.label(),
        sla,
        overdue: sla.status == beacon_analytics::care::SlaStatus::Overdue,
        contact_due: case.contact_due,
        weights: case.weights,
    }
}

/// Which cases a page of the queue shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueChoice {
    /// Only this level of care (1 to 4).
    pub level: Option<u8>,
    /// Only the cases whose first contact is overdue now.
    pub overdue_only: bool,
}

/// A page of the queue, audited (who read which page) before it is read.
///
/// # Errors
/// When the store fails.
pub fn queue_page(
    store: &mut dyn Store,
    by: &str,
    (choice, offset, limit): (QueueChoice, u64, u32),
    now: OffsetDateTime,
) -> CareResult<QueueView> {
    let mut detail = format!("cases {} to {}", offset + 1, offset + u64::from(limit));
    if let Some(level) = choice.level {
        detail.push_str(&format!(" of level {level}"));
    }
    if choice.overdue_only {
        detail.push_str(", overdue only");
    }
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "view_care_queue".into(),
        subject: "care_queue".into(),
        detail,
    })?;
    let filter = beacon_store::CareQueueFilter {
        level: choice.level,
        overdue_at: choice.overdue_only.then_some(now),
    };
    let page = store.care_queue(&filter, offset, limit)?;
    Ok(QueueView {
        total: page.total,
        offset,
        entries: page
            .cases
            .into_iter()
            .map(|case| entry_of(case, now))
            .collect(),
    })
}

/// A note's longest length: a case keeps what is needed, not a transcript.
pub const NOTE_LIMIT: usize = 500;

/// One thing done on a case, as its history shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseHistoryLine {
    /// What was done, in words.
    pub what: String,
    /// The note.
    pub note: String,
    /// Who.
    pub by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A case as the officer reads it: the queue entry, its service level, who holds it,
/// whether it is closed, and its history.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// The queue entry (score, level, reasons).
    pub entry: QueueEntry,
    /// The service-level timer as it stands.
    pub sla: beacon_analytics::care::Sla,
    /// The officer it was last handed to, if any.
    pub held_by: Option<String>,
    /// How it was closed, if it was.
    pub closed: Option<String>,
    /// Everything done on it, oldest first.
    pub history: Vec<CaseHistoryLine>,
}

/// A case with its history and service level at `now`, audited before it is read.
///
/// # Errors
/// [`CareError::NotFound`] for a reference not in the queue; the store's failure.
pub fn case_view(
    store: &mut dyn Store,
    by: &str,
    reference: &str,
    now: OffsetDateTime,
) -> CareResult<CaseView> {
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "view_care_case".into(),
        subject: format!("care_case:{reference}"),
        detail: String::new(),
    })?;
    let case = store
        .care_case(reference)?
        .ok_or_else(|| CareError::NotFound(reference.to_owned()))?;
    let events = store.case_events(case.report_id)?;
    let mut reached = Vec::new();
    let mut held_by = None;
    let mut closed = None;
    let mut history = Vec::new();
    for record in events {
        if record.kind == "redacted" {
            history.push(CaseHistoryLine {
                what: "Notes and hand-over names removed: the case was closed longer ago than \
                       its retention period"
                    .to_owned(),
                note: String::new(),
                by: record.by,
                at: record.at,
            });
            continue;
        }
        let event = beacon_core::care::CaseEvent::from_parts(&record.kind, &record.detail);
        let what = match &event {
            Ok(event) => event.describe(),
            Err(_) if record.kind == "handover" => {
                "Handed over (the name was removed with the notes)".to_owned()
            }
            Err(_) => format!("{}: {}", record.kind, record.detail),
        };
        match event {
            Ok(beacon_core::care::CaseEvent::ContactAttempt(outcome)) if outcome == "reached" => {
                reached.push(record.at);
            }
            Ok(beacon_core::care::CaseEvent::Handover(to)) => held_by = Some(to),
            Ok(beacon_core::care::CaseEvent::Closed(outcome)) => closed = Some(outcome),
            _ => {}
        }
        history.push(CaseHistoryLine {
            what,
            note: record.note,
            by: record.by,
            at: record.at,
        });
    }
    let entry = entry_of(case, now);
    Ok(CaseView {
        sla: beacon_analytics::care::sla(entry.contact_due, &reached, now),
        entry,
        held_by,
        closed,
        history,
    })
}

/// Records something done on a case (checked first), audited with what it was (the note
/// itself is not copied into the audit).
///
/// # Errors
/// [`CareError::Invalid`] for an event or note that is not valid; [`CareError::NotFound`]
/// for a reference not in the queue; the store's failure.
pub fn record(
    store: &mut dyn Store,
    by: &str,
    reference: &str,
    (kind, detail, note): (&str, &str, &str),
    at: OffsetDateTime,
) -> CareResult<()> {
    let event =
        beacon_core::care::CaseEvent::from_parts(kind, detail).map_err(CareError::Invalid)?;
    let note = note.trim();
    if note.chars().count() > NOTE_LIMIT {
        return Err(CareError::Invalid(format!(
            "The note must be {NOTE_LIMIT} characters or fewer"
        )));
    }
    let case = store
        .care_case(reference)?
        .ok_or_else(|| CareError::NotFound(reference.to_owned()))?;
    // Advice given is an item of the library, so the case says what the victim was told.
    if let beacon_core::care::CaseEvent::Advice(slug) = &event
        && store.advice(slug)?.is_none()
    {
        return Err(CareError::Invalid(format!(
            "There is no advice item called {slug} in the advice library"
        )));
    }
    store.add_case_event(&beacon_store::NewCaseEvent {
        report_id: case.report_id,
        kind: event.kind().to_owned(),
        detail: event.detail().to_owned(),
        note: note.to_owned(),
        by: by.to_owned(),
        at,
    })?;
    store.audit(&AuditEvent {
        actor: by.to_owned(),
        action: "update_care_case".into(),
        subject: format!("care_case:{reference}"),
        detail: event.describe(),
    })?;
    Ok(())
}

/// Redacts the cases closed more than `after_days` before `now` (their notes and
/// hand-over names removed), auditing each; how many. Run with every triage.
///
/// # Errors
/// When the store fails.
pub fn redact_closed(
    store: &mut dyn Store,
    after_days: u32,
    by: &str,
    now: OffsetDateTime,
) -> CareResult<u64> {
    let before = now - Duration::days(i64::from(after_days));
    let redacted = store.redact_closed_cases(before, by, now)?;
    for reference in &redacted {
        store.audit(&AuditEvent {
            actor: by.to_owned(),
            action: "redact_care_case".into(),
            subject: format!("care_case:{reference}"),
            detail: format!(
                "closed more than {after_days} days ago: notes and hand-over names removed"
            ),
        })?;
    }
    Ok(redacted.len() as u64)
}
