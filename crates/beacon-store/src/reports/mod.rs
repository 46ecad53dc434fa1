//! Reports: batches of parsed Action Fraud rows written with their quarantined rows and
//! run counters in one transaction, and the analytics form of every report (its facts).
//!
//! SQLite keeps each report's facts packed beside its text columns (see `packed`, the
//! codec); PostgreSQL reads them from the columns. Both return the same [`FactSet`].

mod packed;
pub(crate) mod postgres;
mod sqlite;

pub(crate) use packed::{FactIds, fill_packed_facts};

use crate::StoreResult;
use beacon_core::{FactSet, Period, RejectedRow, Report, RunCounts};

/// A batch of parsed rows to write in one transaction.
#[derive(Debug, Default)]
pub struct ReportBatch {
    /// Valid reports; those whose reference is already stored count as duplicates.
    pub reports: Vec<Report>,
    /// Rows for quarantine.
    pub rejects: Vec<RejectedRow>,
}

impl ReportBatch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.reports.len() + self.rejects.len()
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empties the batch, keeping its capacity.
    pub fn clear(&mut self) {
        self.reports.clear();
        self.rejects.clear();
    }
}

/// Reports and their facts, on either backend.
pub trait Reports {
    /// Writes a batch, its quarantined rows and the run's counters in one transaction.
    /// Returns the counts for this batch; [`crate::StoreError::NotFound`] (and nothing
    /// written) when the run does not exist.
    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts>;
    /// Reports stored.
    fn report_count(&mut self) -> StoreResult<u64>;
    /// The analytics form of every report in the period (all reports if `None`).
    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet>;
    /// First and last report dates, if any reports are stored.
    fn report_date_range(&mut self) -> StoreResult<Option<(time::Date, time::Date)>>;
}

/// Reports stored.
const REPORT_COUNT_SQL: &str = "SELECT COUNT(*) FROM reports";

/// The counts of a batch before it is written: every row read, the rejects rejected.
fn batch_counts(batch: &ReportBatch) -> RunCounts {
    RunCounts {
        read: batch.len() as u64,
        rejected: batch.rejects.len() as u64,
        ..RunCounts::default()
    }
}
