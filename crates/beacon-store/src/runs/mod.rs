//! Ingest runs: one row per file read, with its counters, how it ended, and the rows it
//! quarantined. A run's counters move in the same transaction as each batch it writes
//! (`count_batch` in the dialects), so they always add up.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::neutral::Columns;
use crate::reference::Reference;
use crate::{StoreError, StoreResult};
use beacon_core::{IngestRun, RejectedRow, RunCounts, RunStatus};

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunEnd {
    /// Completed or failed.
    pub status: RunStatus,
    /// SHA-256 of the file, when it was read to the end.
    pub sha256: Option<String>,
    /// Why it failed, or notes (ignored columns, unknown codes, encoding).
    pub message: Option<String>,
}

/// A quarantined row with its run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuarantinedRow {
    /// The run that read it.
    pub run_id: i64,
    /// Line, reason and raw text.
    #[serde(flatten)]
    pub row: RejectedRow,
}

/// Ingest runs and their quarantine, on either backend. A run's column layout is kept as
/// a setting, hence [`Reference`].
pub trait Runs: Reference {
    /// Records the start of a run, and marks stale running runs of the same source as
    /// interrupted (their process is gone: no progress for `stale_after_seconds`).
    fn begin_run(&mut self, kind: &str, source: &str, stale_after_seconds: i64)
    -> StoreResult<i64>;
    /// Records how a run ended; [`StoreError::NotFound`] when there is no such run.
    fn finish_run(&mut self, run_id: i64, end: &RunEnd) -> StoreResult<()>;
    /// Ends a run that stopped on a fault (a panic in a loading stage, say) as failed,
    /// with the message saying why, so it is never left `running`. Its counts and the
    /// batches it committed stay. Only a running run changes: returns false (and changes
    /// nothing) when the run had already ended or does not exist.
    fn fail_run(&mut self, run_id: i64, message: &str) -> StoreResult<bool>;
    /// Runs, newest first.
    fn runs(&mut self, limit: u32) -> StoreResult<Vec<IngestRun>>;
    /// One run.
    fn run(&mut self, run_id: i64) -> StoreResult<Option<IngestRun>>;
    /// A run's quarantined rows in line order.
    fn quarantined(&mut self, run_id: i64) -> StoreResult<Vec<QuarantinedRow>>;
    /// Up to `limit` of a run's quarantined rows in line order, after skipping `offset`:
    /// one page of a run page, or one chunk of a download, so that a run with a hundred
    /// thousand bad rows is never read whole.
    fn quarantined_page(
        &mut self,
        run_id: i64,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<QuarantinedRow>>;

    /// Records what each field of a report run's rows holds (see
    /// `ReportReader::column_layout`), so that its quarantined raw rows can be read field
    /// by field and victims' details hidden from roles that may not see them. Kept as a
    /// setting named after the run, which both backends already store.
    fn record_run_columns(&mut self, run_id: i64, layout: &str) -> StoreResult<()> {
        self.set_setting(&run_columns_key(run_id), layout)
    }
    /// The layout [`Runs::record_run_columns`] kept for a run, if any.
    fn run_columns(&mut self, run_id: i64) -> StoreResult<Option<String>> {
        self.setting(&run_columns_key(run_id))
    }
}

/// The setting that holds a run's column layout.
fn run_columns_key(run_id: i64) -> String {
    format!("ingest_run:{run_id}:columns")
}

/// Runs, newest first.
const RUNS_SQL: &str = "SELECT id, kind, source, sha256, status, started_at, updated_at, finished_at, rows_read, rows_stored, rows_duplicate, rows_rejected, message, rows_skipped
    FROM ingest_runs ORDER BY id DESC LIMIT ?1";

/// One run.
const RUN_SQL: &str = "SELECT id, kind, source, sha256, status, started_at, updated_at, finished_at, rows_read, rows_stored, rows_duplicate, rows_rejected, message, rows_skipped
    FROM ingest_runs WHERE id = ?1";

/// A run's quarantined rows.
const QUARANTINED_SQL: &str =
    "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = ?1 ORDER BY line, id";

/// One page of a run's quarantined rows.
const QUARANTINED_PAGE_SQL: &str = "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = ?1 ORDER BY line, id LIMIT ?2 OFFSET ?3";

/// Marks stale running runs of a source as interrupted; `?3` is the stale bound, a
/// stored time in SQLite and an interval expression in PostgreSQL.
const INTERRUPT_STALE_SET: &str = "UPDATE ingest_runs SET status = 'interrupted', message = COALESCE(message || ' ', '') || 'Stopped before the end of the file; a later run completed it.'
     WHERE status = 'running' AND kind = ?1 AND source = ?2";

/// One run as [`RUNS_SQL`] gives it.
fn run_from(row: &impl Columns) -> StoreResult<IngestRun> {
    Ok(IngestRun {
        id: row.get(0)?,
        kind: row.get(1)?,
        source: row.get(2)?,
        sha256: row.get(3)?,
        status: RunStatus::from_stored(&row.get::<String>(4)?),
        started_at: row.moment_text(5)?,
        updated_at: row.moment_text(6)?,
        finished_at: row.opt_moment_text(7)?,
        counts: RunCounts {
            read: row.count(8)?,
            stored: row.count(9)?,
            duplicates: row.count(10)?,
            rejected: row.count(11)?,
            skipped: row.count(13)?,
        },
        message: row.get(12)?,
    })
}

/// One quarantined row as `SELECT run_id, line, reason, raw FROM quarantine` gives it.
fn quarantined_from(row: &impl Columns) -> StoreResult<QuarantinedRow> {
    Ok(QuarantinedRow {
        run_id: row.get(0)?,
        row: RejectedRow {
            line: row.count(1)?,
            reason: row.get(2)?,
            raw: row.get(3)?,
        },
    })
}

/// `Ok` when an update of one run by id changed a row, [`StoreError::NotFound`] when the
/// id names no run.
fn found_run(run_id: i64, changed: u64) -> StoreResult<()> {
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "ingest run",
            id: run_id,
        });
    }
    Ok(())
}
