//! The outbox in SQLite.

use super::{NewDigest, Outbox, OutboxEntry, OutboxStatus};
use crate::StoreResult;
use crate::neutral::{message_id, now_text, parse_utc_text, tlp_from_rank, tlp_rank, utc_text};
use crate::sqlite::SqliteStore;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

impl Outbox for SqliteStore {
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
        let mut ids = Vec::new();
        {
            let period_start: Option<String> = transaction.query_row(
                "SELECT last_digest_at FROM organisations WHERE id = ?1",
                [organisation_id],
                |row| row.get(0),
            )?;
            let now = now_text();
            let mut insert = transaction.prepare_cached(
                "INSERT INTO outbox (organisation_id, recipient, recipient_kind, subject, text_body, html_body, message_id,
                    tlp, findings, withheld, period_start, period_end, status, attempts, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8, ?9, ?10, ?11, 'pending', 0, ?12, ?12)",
            )?;
            let mut name_it =
                transaction.prepare_cached("UPDATE outbox SET message_id = ?2 WHERE id = ?1")?;
            for digest in digests {
                insert.execute(params![
                    organisation_id,
                    digest.recipient,
                    digest.recipient_kind,
                    digest.subject,
                    digest.text,
                    digest.html,
                    tlp_rank(digest.tlp),
                    digest.findings as i64,
                    digest.withheld as i64,
                    period_start,
                    utc_text(period_end),
                    now,
                ])?;
                let id = transaction.last_insert_rowid();
                name_it.execute(params![id, message_id(id, period_end, message_domain)])?;
                ids.push(id);
            }
            transaction.execute(
                "UPDATE organisations SET last_digest_at = ?2 WHERE id = ?1",
                params![organisation_id, utc_text(period_end)],
            )?;
        }
        transaction.commit()?;
        Ok(ids)
    }

    fn outbox_claim_due(
        &mut self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_text = utc_text(now);
        let ids: Vec<i64> = {
            let mut due = transaction.prepare_cached(
                "SELECT id FROM outbox
                 WHERE status = 'pending'
                    OR (status = 'retrying' AND next_attempt_at <= ?1)
                    OR (status = 'sending' AND claimed_until <= ?1)
                 ORDER BY id LIMIT ?2",
            )?;
            due.query_map(params![now_text, limit], |row| row.get(0))?
                .collect::<Result<_, _>>()?
        };
        {
            let mut claim = transaction.prepare_cached(
                "UPDATE outbox SET status = 'sending', claimed_until = ?2, attempts = attempts + 1 WHERE id = ?1",
            )?;
            for id in &ids {
                claim.execute(params![id, utc_text(now + lease)])?;
            }
        }
        let entries = ids
            .iter()
            .map(|id| outbox_entry(&transaction, *id))
            .collect::<StoreResult<Vec<_>>>()?;
        transaction.commit()?;
        Ok(entries.into_iter().flatten().collect())
    }

    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.connection.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?2, claimed_until = NULL, last_error = NULL WHERE id = ?1",
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
            "UPDATE outbox SET status = ?2, last_error = ?3, next_attempt_at = COALESCE(?4, next_attempt_at),
                claimed_until = NULL WHERE id = ?1 AND status <> 'sent'",
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
                "SELECT id FROM outbox WHERE ?2 IS NULL OR organisation_id = ?2 ORDER BY id DESC LIMIT ?1",
            )?;
            statement
                .query_map(params![limit, organisation_id], |row| row.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut entries = Vec::new();
        for id in ids {
            entries.extend(outbox_entry(&self.connection, id)?);
        }
        Ok(entries)
    }

    fn acknowledge_digest(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let exists: bool = self.connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?1)",
            [id],
            |row| row.get(0),
        )?;
        if exists {
            self.connection.execute(
                "UPDATE outbox SET acknowledged_at = ?2, acknowledged_by = ?3 WHERE id = ?1 AND acknowledged_at IS NULL",
                params![id, utc_text(at), by],
            )?;
        }
        Ok(exists)
    }
}

fn outbox_entry(connection: &rusqlite::Connection, id: i64) -> StoreResult<Option<OutboxEntry>> {
    let mut statement = connection.prepare_cached(
        "SELECT o.id, o.organisation_id, g.name, o.recipient, o.recipient_kind, o.subject, o.text_body, o.html_body,
            o.message_id, o.tlp, o.findings, o.withheld, o.status, o.attempts, o.next_attempt_at, o.last_error,
            o.created_at, o.sent_at, o.acknowledged_at, o.acknowledged_by
         FROM outbox o JOIN organisations g ON g.id = o.organisation_id WHERE o.id = ?1",
    )?;
    let mut rows = statement.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let time_at = |index: usize| -> StoreResult<Option<OffsetDateTime>> {
        row.get::<_, Option<String>>(index)?
            .map(|t| parse_utc_text(&t))
            .transpose()
    };
    Ok(Some(OutboxEntry {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        organisation: row.get(2)?,
        recipient: row.get(3)?,
        recipient_kind: row.get(4)?,
        subject: row.get(5)?,
        text: row.get(6)?,
        html: row.get(7)?,
        message_id: row.get(8)?,
        tlp: tlp_from_rank(row.get(9)?),
        findings: row.get::<_, i64>(10)?.max(0) as u64,
        withheld: row.get::<_, i64>(11)?.max(0) as u64,
        status: OutboxStatus::from_stored(&row.get::<_, String>(12)?),
        attempts: row.get::<_, i64>(13)?.clamp(0, i64::from(u32::MAX)) as u32,
        next_attempt_at: parse_utc_text(&row.get::<_, String>(14)?)?,
        last_error: row.get(15)?,
        created_at: parse_utc_text(&row.get::<_, String>(16)?)?,
        sent_at: time_at(17)?,
        acknowledged_at: time_at(18)?,
        acknowledged_by: row.get(19)?,
    }))
}
