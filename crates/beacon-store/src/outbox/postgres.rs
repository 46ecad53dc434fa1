//! The outbox in PostgreSQL.

use super::columns::{content_columns, content_from, known};
use super::{
    Channel, Claim, DigestDetail, Message, MessageDetail, MessageKind, NewDigest, NewMessage,
    Outbox, OutboxEntry, OutboxStatus, message_id_of,
};
use crate::StoreResult;
use crate::neutral::{tlp_from_rank, tlp_rank};
use crate::postgres::PostgresStore;
use crate::postgres::{big, pg_opt_text, pg_text, unsigned};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

const MESSAGE_COLUMNS: &str = "m.id, m.kind, m.channel, m.organisation_id, g.name, m.recipient,
    m.recipient_kind, m.subject, m.text_body, m.html_body, m.template, m.template_data, m.tlp,
    m.dedupe_key, m.message_id, m.ack_wanted, m.status, m.attempts, m.next_attempt_at,
    m.last_error, m.created_at, m.sent_at, m.acknowledged_at, m.acknowledged_by,
    d.findings, d.withheld, d.period_start, d.period_end";

const MESSAGE_FROM: &str = "FROM outbox_messages m
    LEFT JOIN organisations g ON g.id = m.organisation_id
    LEFT JOIN outbox_digests d ON d.id = m.id";

impl Outbox for PostgresStore {
    fn enqueue(&mut self, messages: &[NewMessage], message_domain: &str) -> StoreResult<Vec<i64>> {
        let mut transaction = self.client.transaction()?;
        let ids = insert_messages(&mut transaction, messages, message_domain)?;
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
            &mut self.client,
            Claim::Channels(channels),
            now,
            lease,
            limit,
        )
    }

    fn message(&mut self, id: i64) -> StoreResult<Option<Message>> {
        Ok(messages_by_id(&mut self.client, &[id])?.pop())
    }

    fn messages(&mut self, kind: Option<MessageKind>, limit: u32) -> StoreResult<Vec<Message>> {
        let ids: Vec<i64> = self
            .client
            .query(
                "SELECT id FROM outbox_messages WHERE $2::TEXT IS NULL OR kind = $2
                 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit), &kind.map(MessageKind::as_str)],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut found = messages_by_id(&mut self.client, &ids)?;
        found.sort_by_key(|message| std::cmp::Reverse(message.id));
        Ok(found)
    }

    fn acknowledge(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let wanted = self
            .client
            .query_opt(
                "SELECT 1 FROM outbox_messages WHERE id = $1 AND ack_wanted",
                &[&id],
            )?
            .is_some();
        if wanted {
            self.client.execute(
                "UPDATE outbox_messages SET acknowledged_at = $2, acknowledged_by = $3
                 WHERE id = $1 AND acknowledged_at IS NULL",
                &[&id, &at, &pg_text(by)],
            )?;
        }
        Ok(wanted)
    }

    fn last_digest_at(&mut self, organisation_id: i64) -> StoreResult<Option<OffsetDateTime>> {
        let row = self.client.query_opt(
            "SELECT last_digest_at FROM organisations WHERE id = $1",
            &[&organisation_id],
        )?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => None,
        })
    }

    fn enqueue_digests(
        &mut self,
        organisation_id: i64,
        digests: &[NewDigest],
        period_end: OffsetDateTime,
        message_domain: &str,
    ) -> StoreResult<Vec<i64>> {
        let mut transaction = self.client.transaction()?;
        let period_start: Option<OffsetDateTime> = transaction
            .query_one(
                "SELECT last_digest_at FROM organisations WHERE id = $1 FOR UPDATE",
                &[&organisation_id],
            )?
            .try_get(0)?;
        let messages: Vec<NewMessage> = digests
            .iter()
            .map(|digest| digest.message(period_start, period_end))
            .collect();
        let ids = insert_messages(&mut transaction, &messages, message_domain)?;
        transaction.execute(
            "UPDATE organisations SET last_digest_at = $2 WHERE id = $1",
            &[&organisation_id, &period_end],
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
        let claimed = claim(&mut self.client, Claim::Digests, now, lease, limit)?;
        Ok(claimed
            .into_iter()
            .filter_map(Message::into_digest)
            .collect())
    }

    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.client.execute(
            "UPDATE outbox_messages SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL
             WHERE id = $1",
            &[&id, &at],
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
        self.client.execute(
            "UPDATE outbox_messages SET status = $2, last_error = $3,
                next_attempt_at = COALESCE($4, next_attempt_at), claimed_until = NULL
             WHERE id = $1 AND status <> 'sent'",
            &[&id, &status.as_str(), &pg_text(error), &retry_at],
        )?;
        Ok(())
    }

    fn outbox(
        &mut self,
        organisation_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        let ids: Vec<i64> = self
            .client
            .query(
                "SELECT id FROM outbox_messages
                 WHERE kind = 'digest' AND ($2::BIGINT IS NULL OR organisation_id = $2)
                 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit), &organisation_id],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut entries: Vec<OutboxEntry> = messages_by_id(&mut self.client, &ids)?
            .into_iter()
            .filter_map(Message::into_digest)
            .collect();
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.id));
        Ok(entries)
    }
}

/// Inserts messages inside the caller's transaction; a message whose dedupe key is
/// already stored gives the stored id instead.
fn insert_messages(
    client: &mut impl GenericClient,
    messages: &[NewMessage],
    message_domain: &str,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(messages.len());
    for message in messages {
        let (subject, text, html, template, data) = content_columns(&message.content)?;
        let dedupe_key = pg_text(&message.dedupe_key);
        let inserted = client.query_opt(
            "INSERT INTO outbox_messages (kind, channel, organisation_id, recipient, recipient_kind,
                subject, text_body, html_body, template, template_data, tlp, dedupe_key, message_id,
                ack_wanted, status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13, 'pending', 0, now(), now())
             ON CONFLICT (dedupe_key) DO NOTHING
             RETURNING id, created_at",
            &[
                &message.kind.as_str(),
                &message.channel.as_str(),
                &message.organisation_id,
                &pg_text(&message.recipient),
                &pg_text(&message.recipient_kind),
                &pg_text(subject),
                &pg_text(text),
                &pg_text(html),
                &pg_opt_text(template),
                &pg_opt_text(data.as_deref()),
                &tlp_rank(message.tlp),
                &dedupe_key,
                &message.ack_wanted,
            ],
        )?;
        let Some(inserted) = inserted else {
            let existing: i64 = client
                .query_one(
                    "SELECT id FROM outbox_messages WHERE dedupe_key = $1",
                    &[&dedupe_key],
                )?
                .try_get(0)?;
            ids.push(existing);
            continue;
        };
        let id: i64 = inserted.try_get(0)?;
        let created: OffsetDateTime = inserted.try_get(1)?;
        client.execute(
            "UPDATE outbox_messages SET message_id = $2 WHERE id = $1",
            &[&id, &message_id_of(id, message, created, message_domain)],
        )?;
        if let MessageDetail::Digest(detail) = message.detail {
            client.execute(
                "INSERT INTO outbox_digests (id, findings, withheld, period_start, period_end)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &id,
                    &big(detail.findings)?,
                    &big(detail.withheld)?,
                    &detail.period_start,
                    &detail.period_end,
                ],
            )?;
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Claims due messages in one transaction; SKIP LOCKED lets two senders running at once
/// claim different messages.
fn claim(
    client: &mut postgres::Client,
    which: Claim<'_>,
    now: OffsetDateTime,
    lease: time::Duration,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let limit = i64::from(limit);
    let channels: Vec<&str> = match which {
        Claim::Digests => Vec::new(),
        Claim::Channels([]) => return Ok(Vec::new()),
        Claim::Channels(channels) => channels.iter().map(|channel| channel.as_str()).collect(),
    };
    let (filter, parameters): (&str, Vec<&(dyn ToSql + Sync)>) = match which {
        Claim::Digests => ("kind = 'digest'", vec![&now, &limit]),
        Claim::Channels(_) => ("channel = ANY($3)", vec![&now, &limit, &channels]),
    };
    let mut transaction = client.transaction()?;
    let ids: Vec<i64> = transaction
        .query(
            &format!(
                "SELECT id FROM outbox_messages
                 WHERE {filter} AND (status = 'pending'
                    OR (status = 'retrying' AND next_attempt_at <= $1)
                    OR (status = 'sending' AND claimed_until <= $1))
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"
            ),
            &parameters,
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    transaction.execute(
        "UPDATE outbox_messages SET status = 'sending', claimed_until = $2, attempts = attempts + 1
         WHERE id = ANY($1)",
        &[&ids, &(now + lease)],
    )?;
    let claimed = messages_by_id(&mut transaction, &ids)?;
    transaction.commit()?;
    Ok(claimed)
}

/// The messages with these ids, by id.
fn messages_by_id(client: &mut impl GenericClient, ids: &[i64]) -> StoreResult<Vec<Message>> {
    let rows = client.query(
        &format!("SELECT {MESSAGE_COLUMNS} {MESSAGE_FROM} WHERE m.id = ANY($1) ORDER BY m.id"),
        &[&ids],
    )?;
    rows.iter()
        .map(|row| {
            let kind: &str = row.try_get(1)?;
            let channel: &str = row.try_get(2)?;
            let period_end: Option<OffsetDateTime> = row.try_get(27)?;
            let detail = match period_end {
                Some(period_end) => MessageDetail::Digest(DigestDetail {
                    findings: unsigned(row.try_get(24)?),
                    withheld: unsigned(row.try_get(25)?),
                    period_start: row.try_get(26)?,
                    period_end,
                }),
                None => MessageDetail::None,
            };
            Ok(Message {
                id: row.try_get(0)?,
                kind: known(MessageKind::from_stored(kind), "message kind", kind)?,
                channel: known(Channel::from_stored(channel), "channel", channel)?,
                organisation_id: row.try_get(3)?,
                organisation: row.try_get(4)?,
                recipient: row.try_get(5)?,
                recipient_kind: row.try_get(6)?,
                content: content_from(
                    row.try_get(7)?,
                    row.try_get(8)?,
                    row.try_get(9)?,
                    row.try_get(10)?,
                    row.try_get(11)?,
                )?,
                tlp: tlp_from_rank(row.try_get(12)?),
                dedupe_key: row.try_get(13)?,
                message_id: row.try_get(14)?,
                ack_wanted: row.try_get(15)?,
                status: OutboxStatus::from_stored(row.try_get(16)?),
                attempts: u32::try_from(row.try_get::<_, i64>(17)?).unwrap_or(0),
                next_attempt_at: row.try_get(18)?,
                last_error: row.try_get(19)?,
                created_at: row.try_get(20)?,
                sent_at: row.try_get(21)?,
                acknowledged_at: row.try_get(22)?,
                acknowledged_by: row.try_get(23)?,
                detail,
            })
        })
        .collect()
}
