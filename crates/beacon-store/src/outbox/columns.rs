//! The stored form of a message, shared by both dialects: its content columns, the one
//! mapping from a result row, and the statements that are the same on both backends
//! (written with `?N` placeholders; PostgreSQL's dialect rewrites them with
//! `neutral::dollar`).

use super::{
    Channel, DigestDetail, Message, MessageContent, MessageDetail, MessageKind, OutboxStatus,
};
use crate::neutral::{Columns, tlp_from_rank};
use crate::{StoreError, StoreResult};
use std::collections::BTreeMap;

/// The columns [`message_from`] reads, in its order.
pub(super) const MESSAGE_COLUMNS: &str =
    "m.id, m.kind, m.channel, m.organisation_id, g.name, m.recipient,
    m.recipient_kind, m.subject, m.text_body, m.html_body, m.template, m.template_data, m.tlp,
    m.dedupe_key, m.message_id, m.ack_wanted, m.status, m.attempts, m.next_attempt_at,
    m.last_error, m.created_at, m.sent_at, m.acknowledged_at, m.acknowledged_by,
    d.findings, d.withheld, d.period_start, d.period_end";

/// The tables behind [`MESSAGE_COLUMNS`].
pub(super) const MESSAGE_FROM: &str = "FROM outbox_messages m
    LEFT JOIN organisations g ON g.id = m.organisation_id
    LEFT JOIN outbox_digests d ON d.id = m.id";

/// Ids of the newest messages, of one kind or all (`?1` limit, `?2` kind or NULL; the
/// casts give PostgreSQL the parameter's type and change nothing in SQLite).
pub(super) const NEWEST_SQL: &str =
    "SELECT id FROM outbox_messages WHERE CAST(?2 AS TEXT) IS NULL OR kind = ?2
     ORDER BY id DESC LIMIT ?1";
/// Ids of the newest digests, of one organisation or all (`?1` limit, `?2` organisation or NULL).
pub(super) const NEWEST_DIGESTS_SQL: &str = "SELECT id FROM outbox_messages
     WHERE kind = 'digest' AND (CAST(?2 AS BIGINT) IS NULL OR organisation_id = ?2)
     ORDER BY id DESC LIMIT ?1";
/// Records the first acknowledgement (`?1` id, `?2` when, `?3` by whom).
pub(super) const ACKNOWLEDGE_SQL: &str =
    "UPDATE outbox_messages SET acknowledged_at = ?2, acknowledged_by = ?3
     WHERE id = ?1 AND acknowledged_at IS NULL";
/// The end of the period an organisation's last digest covered (`?1` organisation).
pub(super) const LAST_DIGEST_AT_SQL: &str =
    "SELECT last_digest_at FROM organisations WHERE id = ?1";
/// Moves an organisation's digest watermark (`?1` organisation, `?2` period end).
pub(super) const MOVE_WATERMARK_SQL: &str =
    "UPDATE organisations SET last_digest_at = ?2 WHERE id = ?1";
/// Records that a message was accepted (`?1` id, `?2` when).
pub(super) const RECORD_SENT_SQL: &str =
    "UPDATE outbox_messages SET status = 'sent', sent_at = ?2, claimed_until = NULL, last_error = NULL
     WHERE id = ?1";
/// Records a failed attempt (`?1` id, `?2` status, `?3` error, `?4` retry time or NULL).
pub(super) const RECORD_FAILURE_SQL: &str =
    "UPDATE outbox_messages SET status = ?2, last_error = ?3,
        next_attempt_at = COALESCE(?4, next_attempt_at), claimed_until = NULL
     WHERE id = ?1 AND status <> 'sent'";
/// The id of the message already queued under a dedupe key (`?1`).
pub(super) const EXISTING_SQL: &str = "SELECT id FROM outbox_messages WHERE dedupe_key = ?1";
/// Gives a new message its Message-ID (`?1` id, `?2` Message-ID).
pub(super) const NAME_MESSAGE_SQL: &str =
    "UPDATE outbox_messages SET message_id = ?2 WHERE id = ?1";
/// A digest's own detail (`?1` id, `?2` findings, `?3` withheld, `?4` start, `?5` end).
pub(super) const INSERT_DIGEST_SQL: &str =
    "INSERT INTO outbox_digests (id, findings, withheld, period_start, period_end)
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// What makes a message due (`?1` now): never tried and not scheduled for later (a
/// message queued without `not_before` is due from the moment it was queued), a retry
/// whose time has come, or a send whose lease ran out (its sender died).
pub(super) const DUE_SQL: &str = "((status = 'pending'
        AND (next_attempt_at <= ?1 OR next_attempt_at <= created_at))
    OR (status = 'retrying' AND next_attempt_at <= ?1)
    OR (status = 'sending' AND claimed_until <= ?1))";

/// A message from a row of [`MESSAGE_COLUMNS`], on either backend.
pub(super) fn message_from(row: &impl Columns) -> StoreResult<Message> {
    let kind: String = row.get(1)?;
    let channel: String = row.get(2)?;
    let detail = match row.opt_moment(27)? {
        Some(period_end) => MessageDetail::Digest(DigestDetail {
            findings: row.count(24)?,
            withheld: row.count(25)?,
            period_start: row.opt_moment(26)?,
            period_end,
        }),
        None => MessageDetail::None,
    };
    Ok(Message {
        id: row.get(0)?,
        kind: known(MessageKind::from_stored(&kind), "message kind", &kind)?,
        channel: known(Channel::from_stored(&channel), "channel", &channel)?,
        organisation_id: row.get(3)?,
        organisation: row.get(4)?,
        recipient: row.get(5)?,
        recipient_kind: row.get(6)?,
        content: content_from(
            row.get(7)?,
            row.get(8)?,
            row.get(9)?,
            row.get(10)?,
            row.get(11)?,
        )?,
        tlp: tlp_from_rank(row.get(12)?),
        dedupe_key: row.get(13)?,
        message_id: row.get(14)?,
        ack_wanted: row.get(15)?,
        status: OutboxStatus::from_stored(&row.get::<String>(16)?),
        attempts: u32::try_from(row.get::<i64>(17)?.clamp(0, i64::from(u32::MAX))).unwrap_or(0),
        next_attempt_at: row.moment(18)?,
        last_error: row.get(19)?,
        created_at: row.moment(20)?,
        sent_at: row.opt_moment(21)?,
        acknowledged_at: row.opt_moment(22)?,
        acknowledged_by: row.get(23)?,
        detail,
    })
}

/// Personalisation data as stored (a JSON object).
pub(super) fn template_data_text(data: &BTreeMap<String, String>) -> StoreResult<String> {
    serde_json::to_string(data)
        .map_err(|error| StoreError::Corrupt(format!("template data: {error}")))
}

/// Reads stored content: a template when one is named, else the written subject and bodies.
pub(super) fn content_from(
    subject: String,
    text: String,
    html: String,
    template: Option<String>,
    data: Option<String>,
) -> StoreResult<MessageContent> {
    Ok(match template {
        None => MessageContent::Written {
            subject,
            text,
            html,
        },
        Some(name) => MessageContent::Template {
            name,
            data: match data {
                Some(data) => serde_json::from_str(&data)
                    .map_err(|error| StoreError::Corrupt(format!("template data: {error}")))?,
                None => BTreeMap::new(),
            },
        },
    })
}

/// The stored columns of content: subject, text, html, template, template data.
pub(super) type ContentColumns<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<String>);

/// The stored columns of a message's content.
pub(super) fn content_columns(content: &MessageContent) -> StoreResult<ContentColumns<'_>> {
    Ok(match content {
        MessageContent::Written {
            subject,
            text,
            html,
        } => (subject, text, html, None, None),
        MessageContent::Template { name, data } => (
            "",
            "",
            "",
            Some(name.as_str()),
            Some(template_data_text(data)?),
        ),
    })
}

/// Reads a stored kind or channel, or says the row is not as expected.
pub(super) fn known<T>(value: Option<T>, what: &str, text: &str) -> StoreResult<T> {
    value.ok_or_else(|| StoreError::Corrupt(format!("'{text}' is not a known {what}")))
}
