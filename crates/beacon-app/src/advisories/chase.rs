//! Chasing open notices: a reminder to the IT manager before the due date (or a week
//! after an unacknowledged notice with none), an escalation to the senior responsible
//! owner once it is overdue, and the daily digest for contacts who prefer one message a
//! day. Run from `beacon advisories remind` or the web server's background jobs; running
//! it twice in a window queues nothing twice.

use super::matching;
use super::notices::{LetterRequest, queue_letter};
use crate::notify::NotifySettings;
use beacon_analytics::advisories::{Chase, ChaseRules, NoticeTiming, chase};
use beacon_core::{ContactRole, Delivery, StoredOrganisation};
use beacon_notify::{DigestLine, LetterPurpose, compose_digest};
use beacon_store::advisories::{NoticeFilter, NoticeMessage, NoticeRecord, StoredAdvisory};
use beacon_store::{
    Channel, MessageContent, MessageDetail, MessageKind, NewMessage, Store, StoreError,
};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// What a round of chasing queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChaseOutcome {
    /// Notices reminded.
    pub reminded: u64,
    /// Notices escalated.
    pub escalated: u64,
    /// Daily digests queued.
    pub digests: u64,
    /// Letters queued in all.
    pub letters: u64,
}

/// A notice as the measures and the chase rules read it.
pub fn timing_of(notice: &NoticeRecord) -> NoticeTiming {
    NoticeTiming {
        advisory_id: notice.advisory_id,
        organisation: notice.organisation.clone(),
        sector: notice.sector.clone(),
        opened_at: notice.opened_at,
        acknowledged_at: notice.acknowledged_at,
        closed_at: notice.closed_at,
        due: notice.due,
        reminded_at: notice.reminded_at,
        escalated_at: notice.escalated_at,
    }
}

/// Queues the reminders, escalations and daily digests due at `now`.
pub fn chase_notices(
    store: &mut dyn Store,
    now: OffsetDateTime,
    rules: &ChaseRules,
    settings: &NotifySettings,
) -> Result<ChaseOutcome, StoreError> {
    let organisations: BTreeMap<i64, StoredOrganisation> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut outcome = ChaseOutcome::default();
    let open = store.notices(&NoticeFilter {
        open_only: true,
        ..NoticeFilter::default()
    })?;
    for notice in &open {
        let Some(due) = chase(&timing_of(notice), now, rules) else {
            continue;
        };
        let (Some(organisation), Some(advisory)) = (
            organisations.get(&notice.organisation_id),
            store.advisory(notice.advisory_id)?,
        ) else {
            continue;
        };
        let related = matching::related_to(store, &advisory)?;
        let related: Vec<&StoredAdvisory> = related.iter().collect();
        let effective = matching::join_by_cve(&advisory, &related);
        let (purpose, kind) = match due {
            Chase::Remind => (LetterPurpose::Reminder, NoticeMessage::Reminder),
            Chase::Escalate => (LetterPurpose::Escalation, NoticeMessage::Escalation),
        };
        let letters = queue_letter(
            store,
            &LetterRequest {
                notice_id: notice.id,
                advisory: &advisory,
                effective: &effective,
                organisation,
                due: notice.due,
                purpose,
                kind,
            },
            now,
            settings,
        )?;
        if letters == 0 {
            // Nobody to send to: record the attempt so the notice is not retried every
            // round (the coordinator's overdue view still shows it).
            store.record_notice_message(notice.id, kind, None, now)?;
        }
        outcome.letters += letters;
        match due {
            Chase::Remind => outcome.reminded += 1,
            Chase::Escalate => outcome.escalated += 1,
        }
    }
    let digests = queue_daily_digests(store, &organisations, now, settings)?;
    outcome.digests += digests;
    outcome.letters += digests;
    Ok(outcome)
}

/// The store setting holding when a contact's last daily digest was composed.
fn digest_setting(contact_id: i64) -> String {
    format!("advisory_digest:{contact_id}")
}

/// Queues, for each contact who prefers one message a day and has not had one today,
/// a digest of the notices opened or changed for their organisation since their last.
fn queue_daily_digests(
    store: &mut dyn Store,
    organisations: &BTreeMap<i64, StoredOrganisation>,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<u64, StoreError> {
    let contacts: Vec<_> = store
        .contacts(None)?
        .into_iter()
        .filter(|c| {
            c.contact.delivery == Delivery::DailyDigest
                && matches!(c.contact.role, ContactRole::ItManager | ContactRole::Deputy)
        })
        .collect();
    let mut queued = 0;
    for contact in contacts {
        let key = digest_setting(contact.id);
        let last = store.setting(&key)?.and_then(|text| {
            OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).ok()
        });
        if last.is_some_and(|last| last.date() >= now.date()) {
            continue;
        }
        let Some(organisation) = organisations.get(&contact.organisation_id) else {
            continue;
        };
        let notices: Vec<NoticeRecord> = store
            .notices(&NoticeFilter {
                organisation_id: Some(contact.organisation_id),
                open_only: true,
                advisory_id: None,
            })?
            .into_iter()
            .filter(|n| last.is_none_or(|last| n.changed_at > last))
            .collect();
        let mut lines = Vec::new();
        for notice in &notices {
            let Some(advisory) = store.advisory(notice.advisory_id)? else {
                continue;
            };
            let assets = store.asset_statuses(notice.id)?.len();
            let what = if notice.changed_at > notice.opened_at {
                "updated"
            } else {
                "new"
            };
            lines.push(DigestLine {
                title: advisory.advisory.title.clone(),
                tlp: advisory.advisory.tlp,
                what: format!(
                    "{what}, {assets} asset{}",
                    if assets == 1 { "" } else { "s" }
                ),
                due: notice.due,
            });
        }
        let stamp = now
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        if !lines.is_empty() {
            let beacon_url = settings
                .base_url
                .as_ref()
                .map(|base| format!("{}/advisories", base.trim_end_matches('/')));
            let composed = compose_digest(
                &organisation.organisation.name,
                &lines,
                now,
                beacon_url.as_deref(),
            );
            queued += store
                .enqueue(
                    &[NewMessage {
                        kind: MessageKind::Notice,
                        channel: Channel::Email,
                        organisation_id: Some(contact.organisation_id),
                        recipient: contact.contact.email.clone(),
                        recipient_kind: contact.contact.role.as_str().to_owned(),
                        content: MessageContent::Written {
                            subject: composed.subject,
                            text: composed.text,
                            html: composed.html,
                        },
                        tlp: composed.tlp,
                        dedupe_key: format!("advisory-digest:{}:{}", contact.id, now.date()),
                        ack_wanted: false,
                        detail: MessageDetail::None,
                        not_before: None,
                    }],
                    &settings.message_domain,
                )?
                .len() as u64;
        }
        store.set_setting(&key, &stamp)?;
    }
    Ok(queued)
}
