//! Ingest runs in PostgreSQL (times from the server's clock), and the quarantine and
//! counter writes every batch shares.

use super::{
    INTERRUPT_STALE_SET, QUARANTINED_PAGE_SQL, QUARANTINED_SQL, QuarantinedRow, RUN_SQL, RUNS_SQL,
    RunEnd, Runs, found_run, quarantined_from, run_from,
};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, Prepared, big, pg_opt_text, pg_text};
use beacon_core::{IngestRun, RejectedRow, RunCounts};
use postgres::GenericClient;
use std::borrow::Cow;

/// Writes a batch's quarantined rows in batch order.
pub(crate) const INSERT_QUARANTINE_SQL: &str = "INSERT INTO quarantine (run_id, line, reason, raw)
    SELECT $1, line, reason, raw
    FROM UNNEST($2::int8[], $3::text[], $4::text[]) WITH ORDINALITY AS batch(line, reason, raw, position)
    ORDER BY position";

/// Adds a batch's counts to its run.
pub(crate) const COUNT_BATCH_SQL: &str =
    "UPDATE ingest_runs SET rows_read = rows_read + $2, rows_stored = rows_stored + $3,
        rows_duplicate = rows_duplicate + $4, rows_rejected = rows_rejected + $5,
        rows_skipped = rows_skipped + $6, updated_at = now()
    WHERE id = $1";

/// Writes a batch's quarantined rows with the prepared `UNNEST` statement.
pub(crate) fn quarantine(
    client: &mut impl GenericClient,
    prepared: &Prepared,
    run_id: i64,
    rejects: &[RejectedRow],
) -> StoreResult<()> {
    if rejects.is_empty() {
        return Ok(());
    }
    let lines = rejects
        .iter()
        .map(|reject| big(reject.line))
        .collect::<StoreResult<Vec<i64>>>()?;
    let reasons: Vec<Cow<'_, str>> = rejects.iter().map(|r| pg_text(&r.reason)).collect();
    let raws: Vec<Cow<'_, str>> = rejects.iter().map(|r| pg_text(&r.raw)).collect();
    client.execute(
        &prepared.insert_quarantine,
        &[&run_id, &lines, &reasons, &raws],
    )?;
    Ok(())
}

/// Adds a batch's counts to its run with the prepared statement;
/// [`crate::StoreError::NotFound`] when there is no such run (the transaction then rolls
/// back).
pub(crate) fn count_batch(
    client: &mut impl GenericClient,
    prepared: &Prepared,
    run_id: i64,
    counts: &RunCounts,
) -> StoreResult<()> {
    let changed = client.execute(
        &prepared.count_batch,
        &[
            &run_id,
            &big(counts.read)?,
            &big(counts.stored)?,
            &big(counts.duplicates)?,
            &big(counts.rejected)?,
            &big(counts.skipped)?,
        ],
    )?;
    found_run(run_id, changed)
}

impl Runs for PostgresStore {
    fn begin_run(
        &mut self,
        kind: &str,
        source: &str,
        stale_after_seconds: i64,
    ) -> StoreResult<i64> {
        let (kind, source) = (pg_text(kind), pg_text(source));
        let mut transaction = self.client.transaction()?;
        transaction.execute(
            &*dollar(&format!(
                "{INTERRUPT_STALE_SET} AND updated_at < now() - make_interval(secs => ?3::float8)"
            )),
            &[&kind, &source, &(stale_after_seconds as f64)],
        )?;
        let id: i64 = transaction
            .query_one(
                "INSERT INTO ingest_runs (kind, source, status, started_at, updated_at) VALUES ($1, $2, 'running', now(), now()) RETURNING id",
                &[&kind, &source],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(id)
    }

    fn finish_run(&mut self, run_id: i64, end: &RunEnd) -> StoreResult<()> {
        let changed = self.client.execute(
            "UPDATE ingest_runs SET status = $2, sha256 = $3, message = $4, finished_at = now(), updated_at = now() WHERE id = $1",
            &[
                &run_id,
                &end.status.as_str(),
                &pg_opt_text(end.sha256.as_deref()),
                &pg_opt_text(end.message.as_deref()),
            ],
        )?;
        found_run(run_id, changed)
    }

    fn fail_run(&mut self, run_id: i64, message: &str) -> StoreResult<bool> {
        let changed = self.client.execute(
            "UPDATE ingest_runs SET status = 'failed', message = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND status = 'running'",
            &[&run_id, &pg_text(message)],
        )?;
        Ok(changed > 0)
    }

    fn runs(&mut self, limit: u32) -> StoreResult<Vec<IngestRun>> {
        self.client
            .query(&*dollar(RUNS_SQL), &[&i64::from(limit)])?
            .iter()
            .map(run_from)
            .collect()
    }

    fn run(&mut self, run_id: i64) -> StoreResult<Option<IngestRun>> {
        self.client
            .query_opt(&*dollar(RUN_SQL), &[&run_id])?
            .as_ref()
            .map(run_from)
            .transpose()
    }

    fn quarantined(&mut self, run_id: i64) -> StoreResult<Vec<QuarantinedRow>> {
        self.client
            .query(&*dollar(QUARANTINED_SQL), &[&run_id])?
            .iter()
            .map(quarantined_from)
            .collect()
    }

    fn quarantined_page(
        &mut self,
        run_id: i64,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<QuarantinedRow>> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.client
            .query(
                &*dollar(QUARANTINED_PAGE_SQL),
                &[&run_id, &i64::from(limit), &offset],
            )?
            .iter()
            .map(quarantined_from)
            .collect()
    }
}
