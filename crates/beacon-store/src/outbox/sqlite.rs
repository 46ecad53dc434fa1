//! The outbox in SQLite.

use super::columns::{
    ACKNOWLEDGE_SQL, DUE_SQL, EXISTING_SQL, INSERT_DIGEST_SQL, LAST_DIGEST_AT_SQL, MESSAGE_COLUMNS,
    MESSAGE_FROM, MOVE_WATERMARK_SQL, NAME_MESSAGE_SQL, NEWEST_DIGESTS_SQL, NEWEST_SQL,
    RECORD_FAILURE_SQL, RECORD_SENT_SQL, content_columns, message_from,
};
use super::{
    Channel, Claim, Message, MessageDetail, MessageKind, NewDigest, NewMessage, Outbox,
    OutboxEntry, OutboxStatus, message_id_of,
};
use crate::StoreResult;
use crate::neutral::{parse_utc_text, tlp_rank, utc_text};
use crate::sqlite::SqliteStore;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

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
            let mut statement = self.connection.prepare_cached(NEWEST_SQL)?;
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
            self.connection
                .execute(ACKNOWLEDGE_SQL, params![id, utc_text(at), by])?;
        }
        Ok(wanted)
    }

    fn last_digest_at(&mut self, organisation_id: i64) -> StoreResult<Option<OffsetDateTime>> {
        let text: Option<Option<String>> = self
            .connection
            .query_row(LAST_DIGEST_AT_SQL, [organisation_id], |row| row.get(0))
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
        let period_start: Option<String> =
            transaction.query_row(LAST_DIGEST_AT_SQL, [organisation_id], |row| row.get(0))?;
        let period_start = period_start.map(|text| parse_utc_text(&text)).transpose()?;
        let messages: Vec<NewMessage> = digests
            .iter()
            .map(|digest| digest.message(period_start, period_end))
            .collect();
        let ids = insert_messages(&transaction, &messages, message_domain)?;
        transaction.execute(
            MOVE_WATERMARK_SQL,
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
        self.connection
            .execute(RECORD_SENT_SQL, params![id, utc_text(at)])?;
        Ok(())
    }

    fn outbox_record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let at = utc_text(at);
        let transaction = self.connection.transaction()?;
        {
            let mut statement = transaction.prepare_cached(RECORD_SENT_SQL)?;
            for id in ids {
                statement.execute(params![id, at])?;
            }
        }
        transaction.commit()?;
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
            RECORD_FAILURE_SQL,
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
            let mut statement = self.connection.prepare_cached(NEWEST_DIGESTS_SQL)?;
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
pub(crate) fn insert_messages(
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
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '', ?13, 'pending', 0, ?15, ?14)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )?;
    let mut existing = connection.prepare_cached(EXISTING_SQL)?;
    let mut name_it = connection.prepare_cached(NAME_MESSAGE_SQL)?;
    let mut digest = connection.prepare_cached(INSERT_DIGEST_SQL)?;
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
            message
                .not_before
                .map_or_else(|| now_text.clone(), utc_text),
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

/// [`DUE_SQL`] split by status (`?1` now), so each part can use an index in id order.
const DUE_BY_STATUS: [&str; 3] = [
    "status = 'pending' AND (next_attempt_at <= ?1 OR next_attempt_at <= created_at)",
    "status = 'retrying' AND next_attempt_at <= ?1",
    "status = 'sending' AND claimed_until <= ?1",
];

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
    let ids: Vec<i64> = match which {
        Claim::Digests => {
            let mut due = transaction.prepare_cached(&format!(
                "SELECT id FROM outbox_messages WHERE {filter} AND {DUE_SQL} ORDER BY id LIMIT ?2"
            ))?;
            due.query_map(params![now_text, limit], |row| row.get(0))?
                .collect::<Result<_, _>>()?
        }
        Claim::Channels(channels) => {
            // One query per channel and status, each walking the `outbox_messages_claim`
            // index (channel, status, id) in id order and stopping after `limit`; the
            // first `limit` ids of them all are the same as one `ORDER BY id` over the
            // whole due condition, without reading and sorting every row of the channel.
            let mut ids = Vec::new();
            for channel in channels.iter() {
                for due in DUE_BY_STATUS {
                    let mut statement = transaction.prepare_cached(&format!(
                        "SELECT id FROM outbox_messages WHERE channel = ?3 AND {due}
                         ORDER BY id LIMIT ?2"
                    ))?;
                    let found = statement
                        .query_map(params![now_text, limit, channel.as_str()], |row| {
                            row.get::<_, i64>(0)
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    ids.extend(found);
                }
            }
            ids.sort_unstable();
            ids.dedup();
            ids.truncate(limit as usize);
            ids
        }
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

/// One message by id.
pub(crate) fn message(connection: &Connection, id: i64) -> StoreResult<Option<Message>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} {MESSAGE_FROM} WHERE m.id = ?1"
    ))?;
    let mut rows = statement.query([id])?;
    match rows.next()? {
        Some(row) => Ok(Some(message_from(row)?)),
        None => Ok(None),
    }
}
