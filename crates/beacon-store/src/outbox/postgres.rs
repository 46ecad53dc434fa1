//! The outbox in PostgreSQL.

use super::{NewDigest, Outbox, OutboxEntry, OutboxStatus};
use crate::StoreResult;
use crate::neutral::{message_id, tlp_from_rank, tlp_rank};
use crate::postgres::PostgresStore;
use crate::postgres::{big, pg_text, unsigned};
use postgres::GenericClient;
use time::OffsetDateTime;

const OUTBOX_COLUMNS: &str =
    "o.id, o.organisation_id, g.name, o.recipient, o.recipient_kind, o.subject,
    o.text_body, o.html_body, o.message_id, o.tlp, o.findings, o.withheld, o.status, o.attempts,
    o.next_attempt_at, o.last_error, o.created_at, o.sent_at, o.acknowledged_at, o.acknowledged_by";

impl Outbox for PostgresStore {
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
        let mut ids = Vec::new();
        for digest in digests {
            let id: i64 = transaction
                .query_one(
                    "INSERT INTO outbox (organisation_id, recipient, recipient_kind, subject, text_body, html_body,
                        message_id, tlp, findings, withheld, period_start, period_end, status, attempts,
                        next_attempt_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11, 'pending', 0, now(), now())
                     RETURNING id",
                    &[
                        &organisation_id,
                        &pg_text(&digest.recipient),
                        &digest.recipient_kind,
                        &pg_text(&digest.subject),
                        &pg_text(&digest.text),
                        &pg_text(&digest.html),
                        &tlp_rank(digest.tlp),
                        &big(digest.findings)?,
                        &big(digest.withheld)?,
                        &period_start,
                        &period_end,
                    ],
                )?
                .try_get(0)?;
            transaction.execute(
                "UPDATE outbox SET message_id = $2 WHERE id = $1",
                &[&id, &message_id(id, period_end, message_domain)],
            )?;
            ids.push(id);
        }
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
        let mut transaction = self.client.transaction()?;
        // SKIP LOCKED: two senders running at once claim different messages.
        let ids: Vec<i64> = transaction
            .query(
                "SELECT id FROM outbox
                 WHERE status = 'pending'
                    OR (status = 'retrying' AND next_attempt_at <= $1)
                    OR (status = 'sending' AND claimed_until <= $1)
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
                &[&now, &i64::from(limit)],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        transaction.execute(
            "UPDATE outbox SET status = 'sending', claimed_until = $2, attempts = attempts + 1 WHERE id = ANY($1)",
            &[&ids, &(now + lease)],
        )?;
        let entries = outbox_entries(&mut transaction, &ids)?;
        transaction.commit()?;
        Ok(entries)
    }

    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.client.execute(
            "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1",
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
            "UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = COALESCE($4, next_attempt_at),
                claimed_until = NULL WHERE id = $1 AND status <> 'sent'",
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
                "SELECT id FROM outbox WHERE $2::BIGINT IS NULL OR organisation_id = $2 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit), &organisation_id],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut entries = outbox_entries(&mut self.client, &ids)?;
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.id));
        Ok(entries)
    }

    fn acknowledge_digest(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let exists = self
            .client
            .query_opt("SELECT 1 FROM outbox WHERE id = $1", &[&id])?
            .is_some();
        if exists {
            self.client.execute(
                "UPDATE outbox SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1 AND acknowledged_at IS NULL",
                &[&id, &at, &pg_text(by)],
            )?;
        }
        Ok(exists)
    }
}

fn outbox_entries(client: &mut impl GenericClient, ids: &[i64]) -> StoreResult<Vec<OutboxEntry>> {
    let rows = client.query(
        &format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox o JOIN organisations g ON g.id = o.organisation_id
             WHERE o.id = ANY($1) ORDER BY o.id"
        ),
        &[&ids],
    )?;
    rows.iter()
        .map(|row| {
            Ok(OutboxEntry {
                id: row.try_get(0)?,
                organisation_id: row.try_get(1)?,
                organisation: row.try_get(2)?,
                recipient: row.try_get(3)?,
                recipient_kind: row.try_get(4)?,
                subject: row.try_get(5)?,
                text: row.try_get(6)?,
                html: row.try_get(7)?,
                message_id: row.try_get(8)?,
                tlp: tlp_from_rank(row.try_get(9)?),
                findings: unsigned(row.try_get(10)?),
                withheld: unsigned(row.try_get(11)?),
                status: OutboxStatus::from_stored(row.try_get(12)?),
                attempts: u32::try_from(row.try_get::<_, i64>(13)?).unwrap_or(0),
                next_attempt_at: row.try_get(14)?,
                last_error: row.try_get(15)?,
                created_at: row.try_get(16)?,
                sent_at: row.try_get(17)?,
                acknowledged_at: row.try_get(18)?,
                acknowledged_by: row.try_get(19)?,
            })
        })
        .collect()
}
