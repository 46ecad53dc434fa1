//! Notices: one per partner per advisory, opened when the advisory first matches the
//! partner's assets and brought up to date when a revision (or an inventory change)
//! changes what it means for them. A letter goes to the partner's IT manager and deputy
//! through the message outbox only when something changed for the partner: the
//! fingerprint of its matched assets, due date and priority decides.

use super::matching::{self, Rematched};
use crate::notify::{ACK_LINK_PLACEHOLDER, NotifySettings};
use beacon_core::{Advisory, AssetStatus, ContactRole, Delivery, Priority, StoredOrganisation};
use beacon_notify::{AdvisoryLetter, LetterAsset, LetterPurpose, compose_letter};
use beacon_store::advisories::{
    NewNotice, NoticeMessage, NoticeWrite, StoredAdvisory, StoredMatch,
};
use beacon_store::{
    Channel, MessageContent, MessageDetail, MessageKind, NewMessage, Store, StoreError,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration, OffsetDateTime};

/// What updating notices did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoticeOutcome {
    /// Notices opened (partners told for the first time).
    pub opened: u64,
    /// Notices whose partner's picture changed (an update was sent).
    pub changed: u64,
    /// Notices where nothing changed for the partner (nobody was alerted again).
    pub unchanged: u64,
    /// Letters queued in the outbox.
    pub letters: u64,
}

/// The due date a notice takes: the advisory's own (CISA KEV's `dueDate`), else a
/// number of days after the partner was told that depends on the priority (14 for
/// urgent, 30 for high, 90 otherwise; none for news with nothing to fix).
pub fn due_date(advisory: &Advisory, opened: OffsetDateTime) -> Option<Date> {
    if let Some(due) = advisory.due {
        return Some(due);
    }
    let days = match advisory.priority {
        Priority::Urgent => 14,
        Priority::High => 30,
        Priority::Normal => 90,
        Priority::Routine => return None,
    };
    Some((opened + Duration::days(days)).date())
}

/// The fingerprint of what an advisory means for one partner: its matched assets and
/// products with their confidence, the due date and the priority. A revision that
/// changes none of these alerts nobody.
pub fn fingerprint(matches: &[&StoredMatch], due: Option<Date>, priority: Priority) -> String {
    let mut lines: Vec<String> = matches
        .iter()
        .map(|m| {
            format!(
                "{}:{}:{}",
                m.record.asset_id,
                m.record.product_id,
                m.record.confidence.as_str()
            )
        })
        .collect();
    lines.sort();
    lines.dedup();
    let mut hash = Sha256::new();
    for line in &lines {
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }
    hash.update(format!("due={due:?};priority={}", priority.as_str()).as_bytes());
    hex::encode(hash.finalize())
}

/// What changed for a partner, in plain words: assets newly matched, no longer matched.
fn describe_changes(before: &[&StoredMatch], after: &[&StoredMatch]) -> String {
    let names = |matches: &[&StoredMatch]| -> BTreeSet<String> {
        matches.iter().map(|m| m.asset.clone()).collect()
    };
    let (was, now) = (names(before), names(after));
    let added: Vec<&String> = now.difference(&was).collect();
    let removed: Vec<&String> = was.difference(&now).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!(
            "newly matched: {}",
            added
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !removed.is_empty() {
        parts.push(format!(
            "no longer matched: {}",
            removed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if parts.is_empty() {
        "the due date, priority or match confidence changed".to_owned()
    } else {
        let mut text = parts.join("; ");
        text.push('.');
        let mut chars = text.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    }
}

/// Opens or brings up to date the notices for what matching found, and queues a letter
/// for each notice that is new or changed. Advisories that failed CSAF's mandatory tests
/// open nothing, and an NVD record whose CVEs are all in CISA KEV leaves the notice to
/// the KEV entry.
pub fn update_notices(
    store: &mut dyn Store,
    rematched: &[Rematched],
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<NoticeOutcome, StoreError> {
    let organisations: BTreeMap<i64, StoredOrganisation> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut outcome = NoticeOutcome::default();
    for item in rematched {
        if !item.stored.is_usable() || (item.after.is_empty() && item.before.is_empty()) {
            continue;
        }
        let related = matching::related_to(store, &item.stored)?;
        let related: Vec<&StoredAdvisory> = related.iter().collect();
        if matching::covered_by_kev(&item.stored, &related) {
            continue;
        }
        let mut partners: BTreeSet<i64> = item
            .after
            .iter()
            .map(|m| m.record.organisation_id)
            .collect();
        // A partner no longer matched at all hears so only if it was told before.
        for gone in item.before.iter().map(|m| m.record.organisation_id) {
            if !partners.contains(&gone)
                && !store
                    .notices(&beacon_store::advisories::NoticeFilter {
                        organisation_id: Some(gone),
                        advisory_id: Some(item.stored.id),
                        open_only: false,
                    })?
                    .is_empty()
            {
                partners.insert(gone);
            }
        }
        for organisation_id in partners {
            let before: Vec<&StoredMatch> = item
                .before
                .iter()
                .filter(|m| m.record.organisation_id == organisation_id)
                .collect();
            let after: Vec<&StoredMatch> = item
                .after
                .iter()
                .filter(|m| m.record.organisation_id == organisation_id)
                .collect();
            let existing = store.notices(&beacon_store::advisories::NoticeFilter {
                organisation_id: Some(organisation_id),
                advisory_id: Some(item.stored.id),
                open_only: false,
            })?;
            let opened_at = existing.first().map_or(now, |n| n.opened_at);
            let due = due_date(&item.effective, opened_at);
            let write = store.open_notice(
                &NewNotice {
                    advisory_id: item.stored.id,
                    organisation_id,
                    due,
                    fingerprint: fingerprint(&after, due, item.effective.priority),
                    changes: if existing.is_empty() {
                        String::new()
                    } else {
                        describe_changes(&before, &after)
                    },
                },
                now,
            )?;
            let purpose = match write {
                NoticeWrite::Opened(_) => {
                    outcome.opened += 1;
                    LetterPurpose::Notice
                }
                NoticeWrite::Changed(_) => {
                    outcome.changed += 1;
                    LetterPurpose::Update {
                        changes: describe_changes(&before, &after),
                    }
                }
                NoticeWrite::Unchanged(_) => {
                    outcome.unchanged += 1;
                    continue;
                }
            };
            let Some(organisation) = organisations.get(&organisation_id) else {
                continue;
            };
            outcome.letters += queue_letter(
                store,
                &LetterRequest {
                    notice_id: write.id(),
                    advisory: &item.stored,
                    effective: &item.effective,
                    organisation,
                    due,
                    purpose,
                    kind: NoticeMessage::Notice,
                },
                now,
                settings,
            )?;
        }
    }
    Ok(outcome)
}

/// Everything one letter about one notice needs.
pub struct LetterRequest<'a> {
    /// The notice.
    pub notice_id: i64,
    /// The advisory as stored.
    pub advisory: &'a StoredAdvisory,
    /// The advisory as matched (joined by CVE).
    pub effective: &'a Advisory,
    /// The partner.
    pub organisation: &'a StoredOrganisation,
    /// The notice's due date.
    pub due: Option<Date>,
    /// Why it is sent.
    pub purpose: LetterPurpose,
    /// Which of the notice's clocks it moves.
    pub kind: NoticeMessage,
}

/// Who a letter goes to: IT managers and deputies who want each notice (for notices,
/// updates and reminders), or senior responsible owners (for escalations). A partner with
/// no advisory contacts falls back to its register security contacts, so nobody is left
/// untold.
pub fn recipients(
    store: &mut dyn Store,
    organisation: &StoredOrganisation,
    kind: NoticeMessage,
) -> Result<Vec<(String, &'static str)>, StoreError> {
    let contacts = store.contacts(Some(organisation.id))?;
    let wanted: Vec<(String, &'static str)> = contacts
        .iter()
        .filter(|c| match kind {
            NoticeMessage::Escalation => c.contact.role == ContactRole::SeniorResponsibleOwner,
            _ => {
                matches!(c.contact.role, ContactRole::ItManager | ContactRole::Deputy)
                    && c.contact.delivery == Delivery::Immediate
            }
        })
        .map(|c| (c.contact.email.clone(), c.contact.role.as_str()))
        .collect();
    if !wanted.is_empty() {
        return Ok(wanted);
    }
    let any_for_role = contacts.iter().any(|c| match kind {
        NoticeMessage::Escalation => c.contact.role == ContactRole::SeniorResponsibleOwner,
        _ => matches!(c.contact.role, ContactRole::ItManager | ContactRole::Deputy),
    });
    if any_for_role {
        // Everyone for the role prefers the daily digest.
        return Ok(Vec::new());
    }
    if kind == NoticeMessage::Escalation {
        // No senior responsible owner named: the escalation goes to the IT managers.
        return Ok(contacts
            .iter()
            .filter(|c| c.contact.role == ContactRole::ItManager)
            .map(|c| (c.contact.email.clone(), c.contact.role.as_str()))
            .collect());
    }
    Ok(organisation
        .organisation
        .contacts
        .iter()
        .map(|email| (email.clone(), "security_contact"))
        .collect())
}

/// The matched assets of one notice as a letter lists them.
pub fn letter_assets(
    store: &mut dyn Store,
    notice_id: i64,
    advisory_id: i64,
    organisation_id: i64,
) -> Result<Vec<LetterAsset>, StoreError> {
    let statuses: BTreeMap<i64, AssetStatus> = store
        .asset_statuses(notice_id)?
        .into_iter()
        .map(|s| (s.asset_id, s.status))
        .collect();
    let products: BTreeMap<i64, String> = store
        .assets(Some(organisation_id))?
        .into_iter()
        .flat_map(|a| {
            a.product_ids
                .into_iter()
                .zip(a.asset.products)
                .map(|(id, p)| (id, p.describe()))
        })
        .collect();
    let matches = store.matches(&beacon_store::advisories::MatchFilter {
        organisation_id: Some(organisation_id),
        advisory_id: Some(advisory_id),
    })?;
    Ok(matches
        .into_iter()
        .map(|m| LetterAsset {
            product: products
                .get(&m.record.product_id)
                .cloned()
                .unwrap_or_default(),
            confidence: m.record.confidence.as_str().to_owned(),
            reason: m.record.reason,
            status: statuses
                .get(&m.record.asset_id)
                .copied()
                .unwrap_or_default()
                .label()
                .to_owned(),
            name: m.asset,
        })
        .collect())
}

/// Queues one letter about a notice to each of its recipients and records it against
/// the notice. Returns how many were queued (a letter already queued for the same notice,
/// picture and recipient is not queued twice).
pub fn queue_letter(
    store: &mut dyn Store,
    request: &LetterRequest<'_>,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<u64, StoreError> {
    let recipients = recipients(store, request.organisation, request.kind)?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let notice = store
        .notice(request.notice_id, None)?
        .ok_or(StoreError::NotFound {
            what: "notice",
            id: request.notice_id,
        })?;
    let assets = letter_assets(
        store,
        request.notice_id,
        request.advisory.id,
        request.organisation.id,
    )?;
    let advisory = request.effective;
    let letter = AdvisoryLetter {
        purpose: request.purpose.clone(),
        organisation: request.organisation.organisation.name.clone(),
        title: advisory.title.clone(),
        summary: advisory.summary.clone(),
        action: advisory.action.clone(),
        cves: advisory.cves.clone(),
        priority: advisory.priority.as_str().to_owned(),
        ransomware: advisory.ransomware,
        due: request.due,
        tlp: advisory.tlp,
        assets,
        beacon_url: settings.base_url.as_ref().map(|base| {
            format!(
                "{}/advisories/{}",
                base.trim_end_matches('/'),
                request.advisory.id
            )
        }),
        source_url: advisory.url.clone(),
        ack_url: Some(ACK_LINK_PLACEHOLDER.to_owned()),
    };
    let composed = compose_letter(&letter);
    let (kind, window) = match request.kind {
        NoticeMessage::Notice => (
            MessageKind::Notice,
            notice.fingerprint[..16.min(notice.fingerprint.len())].to_owned(),
        ),
        NoticeMessage::Reminder => (MessageKind::Notice, format!("reminder-{}", now.date())),
        NoticeMessage::Escalation => (MessageKind::Escalation, "escalation".to_owned()),
    };
    let messages: Vec<NewMessage> = recipients
        .iter()
        .map(|(email, role)| NewMessage {
            kind,
            channel: Channel::Email,
            organisation_id: Some(request.organisation.id),
            recipient: email.clone(),
            recipient_kind: (*role).to_owned(),
            content: MessageContent::Written {
                subject: composed.subject.clone(),
                text: composed.text.clone(),
                html: composed.html.clone(),
            },
            tlp: composed.tlp,
            dedupe_key: format!(
                "advisory-notice:{}:{}:{}",
                request.notice_id,
                window,
                email.to_lowercase()
            ),
            ack_wanted: request.kind != NoticeMessage::Escalation,
            detail: MessageDetail::None,
            not_before: None,
        })
        .collect();
    let ids = store.enqueue(&messages, &settings.message_domain)?;
    // Every recipient's message is recorded, so any of their acknowledgement links finds
    // the notice.
    for id in &ids {
        store.record_notice_message(request.notice_id, request.kind, Some(*id), now)?;
    }
    Ok(ids.len() as u64)
}
