//! The outbox in PostgreSQL.

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
use crate::neutral::{dollar, tlp_rank};
use crate::postgres::PostgresStore;
use crate::postgres::{big, pg_opt_text, pg_text};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

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
                &*dollar(NEWEST_SQL),
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
            self.client
                .execute(&*dollar(ACKNOWLEDGE_SQL), &[&id, &at, &pg_text(by)])?;
        }
        Ok(wanted)
    }

    fn last_digest_at(&mut self, organisation_id: i64) -> StoreResult<Option<OffsetDateTime>> {
        let row = self
            .client
            .query_opt(&*dollar(LAST_DIGEST_AT_SQL), &[&organisation_id])?;
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
            &*dollar(MOVE_WATERMARK_SQL),
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
        self.client
            .execute(&*dollar(RECORD_SENT_SQL), &[&id, &at])?;
        Ok(())
    }

    fn outbox_record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut transaction = self.client.transaction()?;
        let statement = transaction.prepare(&dollar(RECORD_SENT_SQL))?;
        for id in ids {
            transaction.execute(&statement, &[id, &at])?;
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
        self.client.execute(
            &*dollar(RECORD_FAILURE_SQL),
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
                &*dollar(NEWEST_DIGESTS_SQL),
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
pub(crate) fn insert_messages(
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13, 'pending', 0,
                COALESCE($14, now()), now())
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
                &message.not_before,
            ],
        )?;
        let Some(inserted) = inserted else {
            let existing: i64 = client
                .query_one(&*dollar(EXISTING_SQL), &[&dedupe_key])?
                .try_get(0)?;
            ids.push(existing);
            continue;
        };
        let id: i64 = inserted.try_get(0)?;
        let created: OffsetDateTime = inserted.try_get(1)?;
        client.execute(
            &*dollar(NAME_MESSAGE_SQL),
            &[&id, &message_id_of(id, message, created, message_domain)],
        )?;
        if let MessageDetail::Digest(detail) = message.detail {
            client.execute(
                &*dollar(INSERT_DIGEST_SQL),
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
                "SELECT id FROM outbox_messages WHERE {filter} AND {due}
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
                due = dollar(DUE_SQL)
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
pub(crate) fn messages_by_id(
    client: &mut impl GenericClient,
    ids: &[i64],
) -> StoreResult<Vec<Message>> {
    let rows = client.query(
        &format!("SELECT {MESSAGE_COLUMNS} {MESSAGE_FROM} WHERE m.id = ANY($1) ORDER BY m.id"),
        &[&ids],
    )?;
    rows.iter().map(message_from).collect()
}
