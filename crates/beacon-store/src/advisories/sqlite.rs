//! Advisories, matches and notices in SQLite: every write is one IMMEDIATE transaction.

use super::columns::{
    ACKNOWLEDGE_NOTICE_SQL, ASSET_STATUSES_SQL, CHANGE_NOTICE_SQL, CLOSE_NOTICE_SQL, ESCALATED_SQL,
    FORGET_ADVISORY_MATCHES_SQL, FORGET_CVES_SQL, FORGET_ORGANISATION_MATCHES_SQL,
    INSERT_ADVISORY_SQL, INSERT_CVE_SQL, INSERT_MATCH_SQL, INSERT_NOTICE_MESSAGE_SQL,
    MATCHED_STATUSES_SQL, MATCHES_SQL, NOTICE_EXISTS_SQL, NOTICE_FINGERPRINT_SQL,
    NOTICE_OF_MESSAGE_SQL, OPEN_NOTICE_SQL, REMINDED_SQL, REOPEN_NOTICE_SQL, REVISE_ADVISORY_SQL,
    REVISION_SQL, RUN_EXISTS_SQL, SET_STATUS_SQL, STATUS_HISTORY_OF_SQL, STATUS_HISTORY_SQL,
    STATUS_TARGET_SQL, advisories_sql, advisory_by_key_sql, advisory_from, advisory_sql,
    all_closed, cve_key, cves_of, documents, limit_of, match_from, no_run, notice_from, notice_sql,
    notices_sql, revision_from, status_from,
};
use super::revision::{Decision, counts_of};
use super::{
    Advisories, AdvisoryBatch, AdvisoryFilter, AdvisoryItem, AdvisoryWrite, AssetStatusRecord,
    MatchFilter, MatchRecord, NewNotice, NoticeFilter, NoticeMessage, NoticeRecord, NoticeWrite,
    StatusChange, StoredAdvisory, StoredMatch,
};
use crate::neutral::{date_text, join_labels, now_text, tlp_rank, utc_text};
use crate::runs::sqlite::{count_batch, quarantine};
use crate::sqlite::{SqliteStore, collect};
use crate::{StoreError, StoreResult};
use beacon_core::{AdvisorySource, RunCounts};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

impl Advisories for SqliteStore {
    fn store_advisories(
        &mut self,
        run_id: i64,
        batch: &AdvisoryBatch,
    ) -> StoreResult<(RunCounts, Vec<AdvisoryWrite>)> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction
            .query_row(RUN_EXISTS_SQL, [run_id], |row| row.get::<_, i64>(0))
            .optional()?
            .ok_or_else(|| no_run(run_id))?;
        let now = now_text();
        let writes = batch
            .items
            .iter()
            .map(|item| write_advisory(&transaction, item, Some(run_id), &now))
            .collect::<StoreResult<Vec<_>>>()?;
        quarantine(&transaction, run_id, &batch.rejected)?;
        let counts = counts_of(batch, &writes);
        count_batch(&transaction, run_id, &counts)?;
        transaction.commit()?;
        Ok((counts, writes))
    }

    fn put_advisory(&mut self, item: &AdvisoryItem) -> StoreResult<AdvisoryWrite> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let write = write_advisory(&transaction, item, None, &now_text())?;
        transaction.commit()?;
        Ok(write)
    }

    fn advisory(&mut self, id: i64) -> StoreResult<Option<StoredAdvisory>> {
        let mut statement = self.connection.prepare_cached(&advisory_sql())?;
        Ok(collect(statement.query([id])?, |row| advisory_from(row))?.pop())
    }

    fn advisory_by_key(
        &mut self,
        source: AdvisorySource,
        key: &str,
    ) -> StoreResult<Option<StoredAdvisory>> {
        let mut statement = self.connection.prepare_cached(&advisory_by_key_sql())?;
        Ok(
            collect(statement.query(params![source.as_str(), key])?, |row| {
                advisory_from(row)
            })?
            .pop(),
        )
    }

    fn advisories(&mut self, filter: &AdvisoryFilter) -> StoreResult<Vec<StoredAdvisory>> {
        let mut statement = self.connection.prepare_cached(&advisories_sql())?;
        collect(
            statement.query(params![
                filter.source.map(AdvisorySource::as_str),
                filter.organisation_id,
                i64::from(filter.matched_only),
                filter.cve.as_deref().map(cve_key),
                limit_of(filter.limit),
            ])?,
            |row| advisory_from(row),
        )
    }

    fn replace_advisory_matches(
        &mut self,
        advisory_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for id in advisory_ids {
            transaction.execute(FORGET_ADVISORY_MATCHES_SQL, [id])?;
        }
        let named = matches
            .iter()
            .filter(|record| advisory_ids.contains(&record.advisory_id));
        insert_matches(&transaction, named)?;
        transaction.commit()?;
        Ok(())
    }

    fn replace_organisation_matches(
        &mut self,
        organisation_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for id in organisation_ids {
            transaction.execute(FORGET_ORGANISATION_MATCHES_SQL, [id])?;
        }
        let named = matches
            .iter()
            .filter(|record| organisation_ids.contains(&record.organisation_id));
        insert_matches(&transaction, named)?;
        transaction.commit()?;
        Ok(())
    }

    fn matches(&mut self, filter: &MatchFilter) -> StoreResult<Vec<StoredMatch>> {
        let mut statement = self.connection.prepare_cached(MATCHES_SQL)?;
        collect(
            statement.query(params![filter.organisation_id, filter.advisory_id])?,
            |row| match_from(row),
        )
    }

    fn open_notice(&mut self, notice: &NewNotice, now: OffsetDateTime) -> StoreResult<NoticeWrite> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = utc_text(now);
        let due = notice.due.map(date_text);
        let opened: Option<i64> = transaction
            .query_row(
                OPEN_NOTICE_SQL,
                params![
                    notice.advisory_id,
                    notice.organisation_id,
                    now,
                    due,
                    notice.fingerprint,
                    notice.changes
                ],
                |row| row.get(0),
            )
            .optional()?;
        let write = match opened {
            Some(id) => NoticeWrite::Opened(id),
            None => {
                let (id, fingerprint): (i64, String) = transaction.query_row(
                    NOTICE_FINGERPRINT_SQL,
                    params![notice.advisory_id, notice.organisation_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                if fingerprint == notice.fingerprint {
                    NoticeWrite::Unchanged(id)
                } else {
                    transaction.execute(
                        CHANGE_NOTICE_SQL,
                        params![id, notice.fingerprint, notice.changes, due, now],
                    )?;
                    NoticeWrite::Changed(id)
                }
            }
        };
        transaction.commit()?;
        Ok(write)
    }

    fn notices(&mut self, filter: &NoticeFilter) -> StoreResult<Vec<NoticeRecord>> {
        let mut statement = self.connection.prepare_cached(&notices_sql())?;
        collect(
            statement.query(params![
                filter.organisation_id,
                filter.advisory_id,
                i64::from(filter.open_only)
            ])?,
            |row| notice_from(row),
        )
    }

    fn notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<NoticeRecord>> {
        let mut statement = self.connection.prepare_cached(&notice_sql())?;
        Ok(collect(
            statement.query(params![notice_id, organisation_id])?,
            |row| notice_from(row),
        )?
        .pop())
    }

    fn acknowledge_notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self.connection.execute(
            ACKNOWLEDGE_NOTICE_SQL,
            params![notice_id, organisation_id, utc_text(at), by],
        )?;
        Ok(changed > 0)
    }

    fn record_notice_message(
        &mut self,
        notice_id: i64,
        kind: NoticeMessage,
        message_id: Option<i64>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<i64> = transaction
            .query_row(NOTICE_EXISTS_SQL, [notice_id], |row| row.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                what: "advisory notice",
                id: notice_id,
            });
        }
        let at = utc_text(at);
        transaction.execute(
            INSERT_NOTICE_MESSAGE_SQL,
            params![notice_id, kind.as_str(), message_id, at],
        )?;
        match kind {
            NoticeMessage::Notice => {}
            NoticeMessage::Reminder => {
                transaction.execute(REMINDED_SQL, params![notice_id, at])?;
            }
            NoticeMessage::Escalation => {
                transaction.execute(ESCALATED_SQL, params![notice_id, at])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn notice_of_message(&mut self, message_id: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .connection
            .query_row(NOTICE_OF_MESSAGE_SQL, [message_id], |row| row.get(0))
            .optional()?)
    }

    fn set_asset_status(
        &mut self,
        change: &StatusChange,
        organisation_id: Option<i64>,
    ) -> StoreResult<bool> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let target: Option<(i64, i64)> = transaction
            .query_row(
                STATUS_TARGET_SQL,
                params![change.notice_id, change.asset_id, organisation_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((advisory_id, notice_organisation)) = target else {
            return Ok(false);
        };
        let at = utc_text(change.at);
        for sql in [SET_STATUS_SQL, STATUS_HISTORY_SQL] {
            transaction.execute(
                sql,
                params![
                    change.notice_id,
                    change.asset_id,
                    change.status.as_str(),
                    change.by,
                    at,
                    change.note
                ],
            )?;
        }
        let statuses: Vec<Option<String>> = {
            let mut statement = transaction.prepare_cached(MATCHED_STATUSES_SQL)?;
            statement
                .query_map(
                    params![change.notice_id, advisory_id, notice_organisation],
                    |row| row.get(1),
                )?
                .collect::<Result<_, _>>()?
        };
        if all_closed(&statuses)? {
            transaction.execute(CLOSE_NOTICE_SQL, params![change.notice_id, at])?;
        } else {
            transaction.execute(REOPEN_NOTICE_SQL, [change.notice_id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn asset_statuses(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>> {
        let mut statement = self.connection.prepare_cached(ASSET_STATUSES_SQL)?;
        collect(statement.query([notice_id])?, |row| status_from(row))
    }

    fn asset_status_history(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>> {
        let mut statement = self.connection.prepare_cached(STATUS_HISTORY_OF_SQL)?;
        collect(statement.query([notice_id])?, |row| status_from(row))
    }
}

/// Stores one advisory inside the caller's transaction: a new key, a newer revision over
/// the stored one, or nothing.
fn write_advisory(
    connection: &Connection,
    item: &AdvisoryItem,
    run_id: Option<i64>,
    now: &str,
) -> StoreResult<AdvisoryWrite> {
    let advisory = &item.advisory;
    let stored = {
        let mut statement = connection.prepare_cached(REVISION_SQL)?;
        collect(
            statement.query(params![advisory.source.as_str(), advisory.key])?,
            |row| revision_from(row),
        )?
        .pop()
    };
    let decision = Decision::of(advisory, stored);
    if let Decision::Keep { id } = decision {
        return Ok(AdvisoryWrite::Unchanged { id });
    }
    let (document, failures) = documents(advisory, &item.failures)?;
    let columns = params![
        advisory.revision,
        advisory.revised_at.map(utc_text),
        advisory.title,
        tlp_rank(advisory.tlp),
        advisory.priority.as_str(),
        advisory.due.map(date_text),
        document,
        failures,
        item.sha256,
        run_id,
        now,
    ];
    let (id, write) = match decision {
        Decision::Keep { id } => return Ok(AdvisoryWrite::Unchanged { id }),
        Decision::Insert => {
            let source = advisory.source.as_str();
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&source, &advisory.key];
            values.extend_from_slice(columns);
            let id: i64 =
                connection.query_row(INSERT_ADVISORY_SQL, values.as_slice(), |row| row.get(0))?;
            (id, AdvisoryWrite::New { id })
        }
        Decision::Replace {
            id,
            previous_revision,
        } => {
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&id, &advisory.key];
            values.extend_from_slice(columns);
            connection.execute(REVISE_ADVISORY_SQL, values.as_slice())?;
            connection.execute(FORGET_CVES_SQL, [id])?;
            (
                id,
                AdvisoryWrite::Revised {
                    id,
                    previous_revision,
                },
            )
        }
    };
    let mut insert = connection.prepare_cached(INSERT_CVE_SQL)?;
    for cve in cves_of(advisory) {
        insert.execute(params![id, cve])?;
    }
    Ok(write)
}

/// Records matches inside the caller's transaction.
fn insert_matches<'a>(
    connection: &Connection,
    matches: impl Iterator<Item = &'a MatchRecord>,
) -> StoreResult<()> {
    let mut insert = connection.prepare_cached(INSERT_MATCH_SQL)?;
    for record in matches {
        insert.execute(params![
            record.advisory_id,
            record.organisation_id,
            record.asset_id,
            record.product_id,
            record.confidence.as_str(),
            record.reason,
            record.criterion,
            join_labels(&record.cves),
        ])?;
    }
    Ok(())
}
