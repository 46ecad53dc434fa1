//! Advisories, matches and notices in PostgreSQL, with the semantics of the SQLite
//! backend; advisories are stamped by the server's clock.

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
use crate::neutral::{dollar, join_labels, tlp_rank};
use crate::postgres::{PostgresStore, pg_text};
use crate::runs::postgres::{count_batch, quarantine};
use crate::{StoreError, StoreResult};
use beacon_core::{AdvisorySource, RunCounts};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

impl Advisories for PostgresStore {
    fn store_advisories(
        &mut self,
        run_id: i64,
        batch: &AdvisoryBatch,
    ) -> StoreResult<(RunCounts, Vec<AdvisoryWrite>)> {
        let mut transaction = self.client.transaction()?;
        transaction
            .query_opt(&*dollar(RUN_EXISTS_SQL), &[&run_id])?
            .ok_or_else(|| no_run(run_id))?;
        let now = server_now(&mut transaction)?;
        let writes = batch
            .items
            .iter()
            .map(|item| write_advisory(&mut transaction, item, Some(run_id), now))
            .collect::<StoreResult<Vec<_>>>()?;
        quarantine(&mut transaction, &self.prepared, run_id, &batch.rejected)?;
        let counts = counts_of(batch, &writes);
        count_batch(&mut transaction, &self.prepared, run_id, &counts)?;
        transaction.commit()?;
        Ok((counts, writes))
    }

    fn put_advisory(&mut self, item: &AdvisoryItem) -> StoreResult<AdvisoryWrite> {
        let mut transaction = self.client.transaction()?;
        let now = server_now(&mut transaction)?;
        let write = write_advisory(&mut transaction, item, None, now)?;
        transaction.commit()?;
        Ok(write)
    }

    fn advisory(&mut self, id: i64) -> StoreResult<Option<StoredAdvisory>> {
        self.client
            .query_opt(&*dollar(&advisory_sql()), &[&id])?
            .as_ref()
            .map(advisory_from)
            .transpose()
    }

    fn advisory_by_key(
        &mut self,
        source: AdvisorySource,
        key: &str,
    ) -> StoreResult<Option<StoredAdvisory>> {
        self.client
            .query_opt(
                &*dollar(&advisory_by_key_sql()),
                &[&source.as_str(), &pg_text(key)],
            )?
            .as_ref()
            .map(advisory_from)
            .transpose()
    }

    fn advisories(&mut self, filter: &AdvisoryFilter) -> StoreResult<Vec<StoredAdvisory>> {
        let cve = filter.cve.as_deref().map(cve_key);
        self.client
            .query(
                &*dollar(&advisories_sql()),
                &[
                    &filter.source.map(AdvisorySource::as_str),
                    &filter.organisation_id,
                    &i64::from(filter.matched_only),
                    &cve,
                    &limit_of(filter.limit),
                ],
            )?
            .iter()
            .map(advisory_from)
            .collect()
    }

    fn replace_advisory_matches(
        &mut self,
        advisory_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        for id in advisory_ids {
            transaction.execute(&*dollar(FORGET_ADVISORY_MATCHES_SQL), &[id])?;
        }
        let named = matches
            .iter()
            .filter(|record| advisory_ids.contains(&record.advisory_id));
        insert_matches(&mut transaction, named)?;
        transaction.commit()?;
        Ok(())
    }

    fn replace_organisation_matches(
        &mut self,
        organisation_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        for id in organisation_ids {
            transaction.execute(&*dollar(FORGET_ORGANISATION_MATCHES_SQL), &[id])?;
        }
        let named = matches
            .iter()
            .filter(|record| organisation_ids.contains(&record.organisation_id));
        insert_matches(&mut transaction, named)?;
        transaction.commit()?;
        Ok(())
    }

    fn matches(&mut self, filter: &MatchFilter) -> StoreResult<Vec<StoredMatch>> {
        self.client
            .query(
                &*dollar(MATCHES_SQL),
                &[&filter.organisation_id, &filter.advisory_id],
            )?
            .iter()
            .map(match_from)
            .collect()
    }

    fn open_notice(&mut self, notice: &NewNotice, now: OffsetDateTime) -> StoreResult<NoticeWrite> {
        let mut transaction = self.client.transaction()?;
        let fingerprint = pg_text(&notice.fingerprint);
        let changes = pg_text(&notice.changes);
        let opened = transaction.query_opt(
            &*dollar(OPEN_NOTICE_SQL),
            &[
                &notice.advisory_id,
                &notice.organisation_id,
                &now,
                &notice.due,
                &fingerprint,
                &changes,
            ],
        )?;
        let write = match opened {
            Some(row) => NoticeWrite::Opened(row.try_get(0)?),
            None => {
                let row = transaction.query_one(
                    &*dollar(NOTICE_FINGERPRINT_SQL),
                    &[&notice.advisory_id, &notice.organisation_id],
                )?;
                let id: i64 = row.try_get(0)?;
                let stored: String = row.try_get(1)?;
                if stored == fingerprint {
                    NoticeWrite::Unchanged(id)
                } else {
                    transaction.execute(
                        &*dollar(CHANGE_NOTICE_SQL),
                        &[&id, &fingerprint, &changes, &notice.due, &now],
                    )?;
                    NoticeWrite::Changed(id)
                }
            }
        };
        transaction.commit()?;
        Ok(write)
    }

    fn notices(&mut self, filter: &NoticeFilter) -> StoreResult<Vec<NoticeRecord>> {
        self.client
            .query(
                &*dollar(&notices_sql()),
                &[
                    &filter.organisation_id,
                    &filter.advisory_id,
                    &i64::from(filter.open_only),
                ],
            )?
            .iter()
            .map(notice_from)
            .collect()
    }

    fn notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<NoticeRecord>> {
        self.client
            .query_opt(&*dollar(&notice_sql()), &[&notice_id, &organisation_id])?
            .as_ref()
            .map(notice_from)
            .transpose()
    }

    fn acknowledge_notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self.client.execute(
            &*dollar(ACKNOWLEDGE_NOTICE_SQL),
            &[&notice_id, &organisation_id, &at, &pg_text(by)],
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
        let mut transaction = self.client.transaction()?;
        if transaction
            .query_opt(&*dollar(NOTICE_EXISTS_SQL), &[&notice_id])?
            .is_none()
        {
            return Err(StoreError::NotFound {
                what: "advisory notice",
                id: notice_id,
            });
        }
        transaction.execute(
            &*dollar(INSERT_NOTICE_MESSAGE_SQL),
            &[&notice_id, &kind.as_str(), &message_id, &at],
        )?;
        match kind {
            NoticeMessage::Notice => {}
            NoticeMessage::Reminder => {
                transaction.execute(&*dollar(REMINDED_SQL), &[&notice_id, &at])?;
            }
            NoticeMessage::Escalation => {
                transaction.execute(&*dollar(ESCALATED_SQL), &[&notice_id, &at])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn notice_of_message(&mut self, message_id: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .client
            .query_opt(&*dollar(NOTICE_OF_MESSAGE_SQL), &[&message_id])?
            .map(|row| row.try_get(0))
            .transpose()?)
    }

    fn set_asset_status(
        &mut self,
        change: &StatusChange,
        organisation_id: Option<i64>,
    ) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        // Locks the notice, so two partners' users setting statuses at once both see the
        // other's before deciding whether it closes.
        let target = transaction.query_opt(
            &format!("{} FOR UPDATE OF n", dollar(STATUS_TARGET_SQL)),
            &[&change.notice_id, &change.asset_id, &organisation_id],
        )?;
        let Some(target) = target else {
            return Ok(false);
        };
        let advisory_id: i64 = target.try_get(0)?;
        let notice_organisation: i64 = target.try_get(1)?;
        let (by, note) = (pg_text(&change.by), pg_text(&change.note));
        for sql in [SET_STATUS_SQL, STATUS_HISTORY_SQL] {
            transaction.execute(
                &*dollar(sql),
                &[
                    &change.notice_id,
                    &change.asset_id,
                    &change.status.as_str(),
                    &by,
                    &change.at,
                    &note,
                ],
            )?;
        }
        let statuses = transaction
            .query(
                &*dollar(MATCHED_STATUSES_SQL),
                &[&change.notice_id, &advisory_id, &notice_organisation],
            )?
            .iter()
            .map(|row| row.try_get(1))
            .collect::<Result<Vec<Option<String>>, _>>()?;
        if all_closed(&statuses)? {
            transaction.execute(&*dollar(CLOSE_NOTICE_SQL), &[&change.notice_id, &change.at])?;
        } else {
            transaction.execute(&*dollar(REOPEN_NOTICE_SQL), &[&change.notice_id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn asset_statuses(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>> {
        self.client
            .query(&*dollar(ASSET_STATUSES_SQL), &[&notice_id])?
            .iter()
            .map(status_from)
            .collect()
    }

    fn asset_status_history(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>> {
        self.client
            .query(&*dollar(STATUS_HISTORY_OF_SQL), &[&notice_id])?
            .iter()
            .map(status_from)
            .collect()
    }
}

/// The server's time, so that every client stamps advisories by one clock.
fn server_now(client: &mut impl GenericClient) -> StoreResult<OffsetDateTime> {
    Ok(client.query_one("SELECT now()", &[])?.try_get(0)?)
}

/// Stores one advisory inside the caller's transaction: a new key, a newer revision over
/// the stored one, or nothing.
fn write_advisory(
    client: &mut impl GenericClient,
    item: &AdvisoryItem,
    run_id: Option<i64>,
    now: OffsetDateTime,
) -> StoreResult<AdvisoryWrite> {
    let advisory = &item.advisory;
    let source = advisory.source.as_str();
    let key = pg_text(&advisory.key);
    let stored = client
        .query_opt(&*dollar(REVISION_SQL), &[&source, &key])?
        .as_ref()
        .map(revision_from)
        .transpose()?;
    let decision = Decision::of(advisory, stored);
    if let Decision::Keep { id } = decision {
        return Ok(AdvisoryWrite::Unchanged { id });
    }
    let (document, failures) = documents(advisory, &item.failures)?;
    let (revision, title, sha256) = (
        pg_text(&advisory.revision),
        pg_text(&advisory.title),
        pg_text(&item.sha256),
    );
    let (document, failures) = (pg_text(&document), pg_text(&failures));
    let columns: [&(dyn ToSql + Sync); 11] = [
        &revision,
        &advisory.revised_at,
        &title,
        &tlp_rank(advisory.tlp),
        &advisory.priority.as_str(),
        &advisory.due,
        &document,
        &failures,
        &sha256,
        &run_id,
        &now,
    ];
    let (id, write) = match decision {
        Decision::Keep { id } => return Ok(AdvisoryWrite::Unchanged { id }),
        Decision::Insert => {
            let mut values: Vec<&(dyn ToSql + Sync)> = vec![&source, &key];
            values.extend_from_slice(&columns);
            let id: i64 = client
                .query_one(&*dollar(INSERT_ADVISORY_SQL), &values)?
                .try_get(0)?;
            (id, AdvisoryWrite::New { id })
        }
        Decision::Replace {
            id,
            previous_revision,
        } => {
            let mut values: Vec<&(dyn ToSql + Sync)> = vec![&id, &key];
            values.extend_from_slice(&columns);
            client.execute(&*dollar(REVISE_ADVISORY_SQL), &values)?;
            client.execute(&*dollar(FORGET_CVES_SQL), &[&id])?;
            (
                id,
                AdvisoryWrite::Revised {
                    id,
                    previous_revision,
                },
            )
        }
    };
    let insert = client.prepare(&dollar(INSERT_CVE_SQL))?;
    for cve in cves_of(advisory) {
        client.execute(&insert, &[&id, &pg_text(&cve)])?;
    }
    Ok(write)
}

/// Records matches inside the caller's transaction.
fn insert_matches<'a>(
    client: &mut impl GenericClient,
    matches: impl Iterator<Item = &'a MatchRecord>,
) -> StoreResult<()> {
    let insert = client.prepare(&dollar(INSERT_MATCH_SQL))?;
    for record in matches {
        client.execute(
            &insert,
            &[
                &record.advisory_id,
                &record.organisation_id,
                &record.asset_id,
                &record.product_id,
                &record.confidence.as_str(),
                &pg_text(&record.reason),
                &pg_text(&record.criterion),
                &join_labels(&record.cves),
            ],
        )?;
    }
    Ok(())
}
