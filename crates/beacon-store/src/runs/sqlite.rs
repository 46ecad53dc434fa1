//! Ingest runs in SQLite, and the quarantine and counter writes every batch shares.

use super::{
    INTERRUPT_STALE_SET, QUARANTINED_PAGE_SQL, QUARANTINED_SQL, QuarantinedRow, RUN_SQL, RUNS_SQL,
    RunEnd, Runs, found_run, quarantined_from, run_from,
};
use crate::StoreResult;
use crate::neutral::{now_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use beacon_core::{IngestRun, RejectedRow, RunCounts};
use rusqlite::{Transaction, params};

/// Writes a batch's quarantined rows.
pub(crate) fn quarantine(
    transaction: &Transaction<'_>,
    run_id: i64,
    rejects: &[RejectedRow],
) -> StoreResult<()> {
    let mut insert = transaction.prepare_cached(
        "INSERT INTO quarantine (run_id, line, reason, raw) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for reject in rejects {
        insert.execute(params![
            run_id,
            reject.line as i64,
            reject.reason,
            reject.raw
        ])?;
    }
    Ok(())
}

/// Adds a batch's counts to its run; [`crate::StoreError::NotFound`] when there is no such
/// run (the transaction then rolls back).
pub(crate) fn count_batch(
    transaction: &Transaction<'_>,
    run_id: i64,
    counts: &RunCounts,
) -> StoreResult<()> {
    let changed = transaction.execute(
        "UPDATE ingest_runs SET rows_read = rows_read + ?2, rows_stored = rows_stored + ?3,
            rows_duplicate = rows_duplicate + ?4, rows_rejected = rows_rejected + ?5,
            rows_skipped = rows_skipped + ?6, updated_at = ?7 WHERE id = ?1",
        params![
            run_id,
            counts.read as i64,
            counts.stored as i64,
            counts.duplicates as i64,
            counts.rejected as i64,
            counts.skipped as i64,
            now_text()
        ],
    )?;
    found_run(run_id, changed as u64)
}

impl Runs for SqliteStore {
    fn begin_run(
        &mut self,
        kind: &str,
        source: &str,
        stale_after_seconds: i64,
    ) -> StoreResult<i64> {
        let now = now_text();
        let stale_before = utc_text(
            time::OffsetDateTime::now_utc() - time::Duration::seconds(stale_after_seconds),
        );
        let transaction = self.connection.transaction()?;
        transaction.execute(
            &format!("{INTERRUPT_STALE_SET} AND updated_at < ?3"),
            params![kind, source, stale_before],
        )?;
        transaction.execute(
            "INSERT INTO ingest_runs (kind, source, status, started_at, updated_at) VALUES (?1, ?2, 'running', ?3, ?3)",
            params![kind, source, now],
        )?;
        let id = transaction.last_insert_rowid();
        transaction.commit()?;
        Ok(id)
    }

    fn finish_run(&mut self, run_id: i64, end: &RunEnd) -> StoreResult<()> {
        let now = now_text();
        let changed = self.connection.execute(
            "UPDATE ingest_runs SET status = ?2, sha256 = ?3, message = ?4, finished_at = ?5, updated_at = ?5 WHERE id = ?1",
            params![run_id, end.status.as_str(), end.sha256, end.message, now],
        )?;
        found_run(run_id, changed as u64)
    }

    fn fail_run(&mut self, run_id: i64, message: &str) -> StoreResult<bool> {
        let now = now_text();
        let changed = self.connection.execute(
            "UPDATE ingest_runs SET status = 'failed', message = ?2, finished_at = ?3, updated_at = ?3 WHERE id = ?1 AND status = 'running'",
            params![run_id, message, now],
        )?;
        Ok(changed > 0)
    }

    fn runs(&mut self, limit: u32) -> StoreResult<Vec<IngestRun>> {
        let mut statement = self.connection.prepare(RUNS_SQL)?;
        collect(statement.query(params![limit])?, |row| run_from(row))
    }

    fn run(&mut self, run_id: i64) -> StoreResult<Option<IngestRun>> {
        let mut statement = self.connection.prepare(RUN_SQL)?;
        let mut rows = statement.query(params![run_id])?;
        rows.next()?.map(run_from).transpose()
    }

    fn quarantined(&mut self, run_id: i64) -> StoreResult<Vec<QuarantinedRow>> {
        let mut statement = self.connection.prepare(QUARANTINED_SQL)?;
        collect(statement.query(params![run_id])?, |row| {
            quarantined_from(row)
        })
    }

    fn quarantined_page(
        &mut self,
        run_id: i64,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<QuarantinedRow>> {
        let mut statement = self.connection.prepare_cached(QUARANTINED_PAGE_SQL)?;
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        collect(statement.query(params![run_id, limit, offset])?, |row| {
            quarantined_from(row)
        })
    }
}
