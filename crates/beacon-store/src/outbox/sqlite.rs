//! The outbox in SQLite.

use super::columns::{content_columns, content_from, known};
use super::{
    Channel, Claim, DigestDetail, Message, MessageDetail, MessageKind, NewDigest, NewMessage,
    Outbox, OutboxEntry, OutboxStatus, message_id_of,
};
use crate::StoreResult;
use crate::neutral::{parse_utc_text, tlp_from_rank, tlp_rank, utc_text};
use crate::sqlite::SqliteStore;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

const MESSAGE_COLUMNS: &str = "m.id, m.kind, m.channel, m.organisation_id, g.name, m.recipient,
    m.recipient_kind, m.subject, m.text_body, m.html_body, m.template, m.template_data, m.tlp,
    m.dedupe_key, m.message_id, m.ack_wanted, m.status, m.attempts, m.next_attempt_at,
    m.last_error, m.created_at, m.sent_at, m.acknowledged_at, m.acknowledged_by,
    d.findings, d.withheld, d.period_start, d.period_end";

const MESSAGE_FROM: &str = "FROM outbox_messages m
    LEFT JOIN organisations g ON g.id = m.organisation_id
    LEFT JOIN outbox_digests d ON d.id = m.id";

impl Outbox for SqliteStore {
    fn enqueue(&mut self, messages: &[NewMessage], message_domain: &str) -> StoreResult<Vec<i64>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids = insert_messages(&transaction, messages, message_domain)?;
        transaction.commit()?;
        Ok(ids)
    }

    fn claim_due(
        &mut self,
        channels: &[Channel],
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        claim(
            &mut self.connection,
            Claim::Channels(channels),
            now,
            lease,
            limit,
        )
    }

    fn message(&mut self, id: i64) -> StoreResult<Option<Message>> {
        message(&self.connection, id)
    }

    fn messages(&mut self, kind: Option<MessageKind>, limit: u32) -> StoreResult<Vec<Message>> {
        let ids: Vec<i64> = {
            let mut statement = self.connection.prepare_cached(
                "SELECT id FROM outbox_messages WHERE ?2 IS NULL OR kind = ?2 ORDER BY id DESC LIMIT ?1",
            )?;
            statement
                .query_map(params![limit, kind.map(MessageKind::as_str)], |row| {
                    row.get(0)
                })?
                .collect::<Result<_, _>>()?
        };
        let mut found = Vec::new();
        for id in ids {
            found.extend(message(&self.connection, id)?);
        }
        Ok(found)
    }

    fn acknowledge(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let wanted: bool = self.connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE id = ?1 AND ack_wanted)",
            [id],
            |row| row.get(0),
        )?;
        if wanted {
            self.connection.execute(
                "UPDATE outbox_messages SET acknowledged_at = ?2, acknowledged_by = ?3
                 WHERE id = ?1 AND acknowledged_at IS NULL",
                params![id, utc_text(at), by],
            )?;
        }
        Ok(wanted)
    }

    fn last_digest_at(&mut self, organisation_id: i64) -> StoreResult<Option<OffsetDateTime>> {
        let text: Option<Option<String>> = self
            .connection
            .query_row(
                "SELECT last_digest_at FROM organisations WHERE id = ?1",
                [organisation_id],
                |row| row.get(0),
            )
            .optional()?;
        text.flatten().map(|t| parse_utc_text(&t)).transpose()
    }

    fn enqueue_digests(
        &mut self,
        organisation_id: i64,
        digests: &[NewDigest],
        period_end: OffsetDateTime,
        message_domain: &str,
    ) -> StoreResult<Vec<i64>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let period_start: Option<String> = transaction.query_row(
            "SELECT last_digest_at FROM organisations WHERE id = ?1",
            [organisation_id],
            |row| row.get(0),
        )?;
        let period_start = period_start.map(|text| parse_utc_text(&text)).transpose()?;
        let messages: Vec<NewMessage> = digests
            .iter()
            .map(|digest| digest.message(period_start, period_end))
            .collect();
        let ids = insert_messages(&transaction, &messages, message_domain)?;
        transaction.execute(
            "UPDATE organisations SET last_digest_at = ?2 WHERE id = ?1",
            params![organisation_id, utc_text(period_end)],
        )?;
        transaction.commit()?;
        Ok(ids)
    }

    fn outbox_claim_due(
        &mut self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        let claimed = claim(&mut self.connection, Claim::Digests, now, lease, limit)?;
        Ok(claimed
            .into_iter()
            .filter_map(Message::into_digest)
            .collect())
    }

    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.connection.execute(
            "UPDATE outbox_messages SET status = 'sent', sent_at = ?2, claimed_until = NULL, last_error = NULL
             WHERE id = ?1",
            params![id, utc_text(at)],
        )?;
        Ok(())
    }

    fn outbox_record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        let status = if retry_at.is_some() {
            OutboxStatus::Retrying
        } else {
            OutboxStatus::GivenUp
        };
        self.connection.execute(
            "UPDATE outbox_messages SET status = ?2, last_error = ?3,
                next_attempt_at = COALESCE(?4, next_attempt_at), claimed_until = NULL
             WHERE id = ?1 AND status <> 'sent'",
            params![id, status.as_str(), error, retry_at.map(utc_text)],
        )?;
        Ok(())
    }

    fn outbox(
        &mut self,
        organisation_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        let ids: Vec<i64> = {
            let mut statement = self.connection.prepare_cached(
                "SELECT id FROM outbox_messages
                 WHERE kind = 'digest' AND (?2 IS NULL OR organisation_id = ?2)
                 ORDER BY id DESC LIMIT ?1",
            )?;
            statement
                .query_map(params![limit, organisation_id], |row| row.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut entries = Vec::new();
        for id in ids {
            entries.extend(message(&self.connection, id)?.and_then(Message::into_digest));
        }
        Ok(entries)
    }
}

/// Inserts messages inside the caller's transaction; a message whose dedupe key is
/// already stored gives the stored id instead.
fn insert_messages(
    connection: &Connection,
    messages: &[NewMessage],
    message_domain: &str,
) -> StoreResult<Vec<i64>> {
    let now = OffsetDateTime::now_utc();
    let now_text = utc_text(now);
    let mut insert = connection.prepare_cached(
        "INSERT INTO outbox_messages (kind, channel, organisation_id, recipient, recipient_kind, subject,
            text_body, html_body, template, template_data, tlp, dedupe_key, message_id, ack_wanted,
            status, attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '', ?13, 'pending', 0, ?14, ?14)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )?;
    let mut existing =
        connection.prepare_cached("SELECT id FROM outbox_messages WHERE dedupe_key = ?1")?;
    let mut name_it =
        connection.prepare_cached("UPDATE outbox_messages SET message_id = ?2 WHERE id = ?1")?;
    let mut digest = connection.prepare_cached(
        "INSERT INTO outbox_digests (id, findings, withheld, period_start, period_end)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut ids = Vec::with_capacity(messages.len());
    for message in messages {
        let (subject, text, html, template, data) = content_columns(&message.content)?;
        let inserted = insert.execute(params![
            message.kind.as_str(),
            message.channel.as_str(),
            message.organisation_id,
            message.recipient,
            message.recipient_kind,
            subject,
            text,
            html,
            template,
            data,
            tlp_rank(message.tlp),
            message.dedupe_key,
            message.ack_wanted,
            now_text,
        ])?;
        if inserted == 0 {
            ids.push(existing.query_row([&message.dedupe_key], |row| row.get(0))?);
            continue;
        }
        let id = connection.last_insert_rowid();
        name_it.execute(params![id, message_id_of(id, message, now, message_domain)])?;
        if let MessageDetail::Digest(detail) = message.detail {
            digest.execute(params![
                id,
                detail.findings as i64,
                detail.withheld as i64,
                detail.period_start.map(utc_text),
                utc_text(detail.period_end),
            ])?;
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Claims due messages in one IMMEDIATE transaction, so two senders never claim the same
/// one.
fn claim(
    connection: &mut Connection,
    which: Claim<'_>,
    now: OffsetDateTime,
    lease: time::Duration,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let filter = match which {
        Claim::Digests => "kind = 'digest'".to_owned(),
        Claim::Channels(channels) => {
            if channels.is_empty() {
                return Ok(Vec::new());
            }
            // The stored spellings are fixed words, so they go into the SQL as they are.
            let listed: Vec<String> = channels
                .iter()
                .map(|channel| format!("'{}'", channel.as_str()))
                .collect();
            format!("channel IN ({})", listed.join(", "))
        }
    };
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now_text = utc_text(now);
    let ids: Vec<i64> = {
        let mut due = transaction.prepare_cached(&format!(
            "SELECT id FROM outbox_messages
             WHERE {filter} AND (status = 'pending'
                OR (status = 'retrying' AND next_attempt_at <= ?1)
                OR (status = 'sending' AND claimed_until <= ?1))
             ORDER BY id LIMIT ?2"
        ))?;
        due.query_map(params![now_text, limit], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    {
        let mut claim = transaction.prepare_cached(
            "UPDATE outbox_messages SET status = 'sending', claimed_until = ?2, attempts = attempts + 1
             WHERE id = ?1",
        )?;
        for id in &ids {
            claim.execute(params![id, utc_text(now + lease)])?;
        }
    }
    let claimed = ids
        .iter()
        .map(|id| message(&transaction, *id))
        .collect::<StoreResult<Vec<_>>>()?;
    transaction.commit()?;
    Ok(claimed.into_iter().flatten().collect())
}

fn message(connection: &Connection, id: i64) -> StoreResult<Option<Message>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} {MESSAGE_FROM} WHERE m.id = ?1"
    ))?;
    let mut rows = statement.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let time_at = |index: usize| -> StoreResult<Option<OffsetDateTime>> {
        row.get::<_, Option<String>>(index)?
            .map(|t| parse_utc_text(&t))
            .transpose()
    };
    let kind: String = row.get(1)?;
    let channel: String = row.get(2)?;
    let detail = match row.get::<_, Option<String>>(27)? {
        Some(period_end) => MessageDetail::Digest(DigestDetail {
            findings: row.get::<_, i64>(24)?.max(0) as u64,
            withheld: row.get::<_, i64>(25)?.max(0) as u64,
            period_start: time_at(26)?,
            period_end: parse_utc_text(&period_end)?,
        }),
        None => MessageDetail::None,
    };
    Ok(Some(Message {
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
        status: OutboxStatus::from_stored(&row.get::<_, String>(16)?),
        attempts: row.get::<_, i64>(17)?.clamp(0, i64::from(u32::MAX)) as u32,
        next_attempt_at: parse_utc_text(&row.get::<_, String>(18)?)?,
        last_error: row.get(19)?,
        created_at: parse_utc_text(&row.get::<_, String>(20)?)?,
        sent_at: time_at(21)?,
        acknowledged_at: time_at(22)?,
        acknowledged_by: row.get(23)?,
        detail,
    }))
}
