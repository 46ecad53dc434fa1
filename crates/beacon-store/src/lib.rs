//! Beacon's store: one [`Store`] trait, with SQLite (embedded default) and PostgreSQL
//! (multi-user) behind it.
//!
//! **Architecture invariants:** all SQL lives in this crate; callers never see a dialect.
//! Migrations are numbered files under `migrations/{sqlite,postgres}/`, applied in order
//! on open and never edited once landed. A report batch, its quarantined rows and its
//! run's counters are written in one transaction, so a crash at any point leaves every
//! run's counts adding up.

pub mod accounts;
pub mod audit;
pub mod explore;
mod migrate;
pub mod outbox;
pub mod postgres;
pub mod register;
pub mod sqlite;

pub use accounts::{
    Accounts, ApiTokenRecord, AuditFilter, NameLock, NewSession, NewUser, SessionRecord,
    TokenHolder, User, UserChange,
};
pub use audit::AuditOrigin;
pub use explore::{Explore, LOSS_BANDS, ReportFilter, ReportGroup, ReportRow, ReportSort};
pub use outbox::{
    Channel, DigestDetail, Message, MessageContent, MessageDetail, MessageKind, NewDigest,
    NewMessage, Outbox, OutboxEntry, OutboxStatus,
};
pub use register::{
    AddressFilter, AddressKind, AddressRecord, FeedBatch, RegisterEvent, RegisterTotals,
    SightingFact,
};

use beacon_core::{
    DistrictCode, Districts, Event, FactSet, FraudType, IngestRun, Organisation, Period, Postcode,
    RejectedRow, Report, RunCounts, RunStatus, StoredOrganisation,
};
use time::OffsetDateTime;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL said no.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The database location could not be understood.
    #[error("cannot open the database '{0}': use a file path, a sqlite: URL or a postgres:// URL")]
    BadLocation(String),
    /// Stored data did not read back as expected.
    #[error("stored data is not as expected: {0}")]
    Corrupt(String),
    /// The database was written by a newer Beacon.
    #[error(
        "the database has migration {found} but this Beacon knows only up to {known}; upgrade Beacon"
    )]
    TooNew {
        /// Highest migration in the database.
        found: i64,
        /// Highest migration this build has.
        known: i64,
    },
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

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

/// Something worth a line in the audit log: a read of victim-level data, a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEvent {
    /// Who did it (user name, or the operating-system user for the CLI).
    pub actor: String,
    /// What, e.g. `read_quarantine`.
    pub action: String,
    /// On what, e.g. `ingest_run:12`.
    pub subject: String,
    /// Anything else worth knowing (no victim data).
    pub detail: String,
}

/// A recorded audit event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// The client behind it (empty for the command line and events from before origins
    /// were kept).
    #[serde(flatten)]
    pub origin: AuditOrigin,
}

/// Everything Beacon keeps. Callers are written against this trait and never know the
/// backend; the same story test runs on both.
pub trait Store: Accounts + Explore + Outbox + Send {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// The area's districts (empty list until reference data is loaded).
    fn districts(&mut self) -> StoreResult<Districts>;
    /// Replaces the districts and the area name.
    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()>;
    /// The fraud-type taxonomy in reference order.
    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>>;
    /// Adds or updates fraud types by key.
    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()>;
    /// Adds or replaces postcodes; returns how many were written.
    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64>;
    /// Recomputes the sector lookup from the postcodes (majority district per sector).
    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64>;
    /// The district of a full postcode or sector, if known.
    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>>;
    /// How many postcodes are loaded.
    fn postcode_count(&mut self) -> StoreResult<u64>;
    /// A setting's value.
    fn setting(&mut self, key: &str) -> StoreResult<Option<String>>;
    /// Sets a setting.
    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()>;

    /// Records the start of a run, and marks stale running runs of the same source as
    /// interrupted (their process is gone: no progress for `stale_after_seconds`).
    fn begin_run(&mut self, kind: &str, source: &str, stale_after_seconds: i64)
    -> StoreResult<i64>;
    /// Writes a batch, its quarantined rows and the run's counters in one transaction.
    /// Returns the counts for this batch.
    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts>;
    /// Records how a run ended.
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
    /// The layout [`Store::record_run_columns`] kept for a run, if any.
    fn run_columns(&mut self, run_id: i64) -> StoreResult<Option<String>> {
        self.setting(&run_columns_key(run_id))
    }

    /// Reports stored.
    fn report_count(&mut self) -> StoreResult<u64>;
    /// The analytics form of every report in the period (all reports if `None`).
    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet>;
    /// First and last report dates, if any reports are stored.
    fn report_date_range(&mut self) -> StoreResult<Option<(time::Date, time::Date)>>;

    /// Writes an audit event.
    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()>;
    /// Audit events, newest first (the audit search with no filter).
    fn audit_events(&mut self, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        self.audit_search(&AuditFilter {
            limit,
            ..AuditFilter::default()
        })
    }

    /// Adds organisations, or replaces the details and claims of those already registered
    /// under the same name (any case), in one transaction. Returns their ids in order.
    fn upsert_organisations(&mut self, organisations: &[Organisation]) -> StoreResult<Vec<i64>>;
    /// Every registered organisation with its claims, by name.
    fn organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>>;

    /// Writes a batch of feed events (new events, addresses' first/last seen and
    /// sightings), its quarantined rows and the run's counters in one transaction.
    /// Returns the counts for this batch.
    fn store_feed_batch(&mut self, run_id: i64, batch: &FeedBatch) -> StoreResult<RunCounts>;
    /// Addresses, most recently seen first.
    fn addresses(&mut self, filter: &AddressFilter) -> StoreResult<Vec<AddressRecord>>;
    /// Distinct (address, month, type, feed, owner, district) sightings in a period
    /// (half-open: `from` inclusive, `to` exclusive; either may be open).
    fn sighting_facts(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<SightingFact>>;
    /// Events seen in a period (half-open), oldest first, for export.
    fn feed_events(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<Event>>;
    /// Register totals.
    fn register_totals(&mut self) -> StoreResult<RegisterTotals>;
}

/// The setting that holds a run's column layout.
fn run_columns_key(run_id: i64) -> String {
    format!("ingest_run:{run_id}:columns")
}

/// Opens a store from a location: a file path or `sqlite:` URL (SQLite), or a
/// `postgres://` / `postgresql://` URL. Applies migrations.
pub fn open(location: &str) -> StoreResult<Box<dyn Store>> {
    let location = location.trim();
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(postgres::PostgresStore::connect(location)?));
    }
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadLocation(location.to_owned()));
    }
    Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(
        path,
    ))?))
}

/// Now, as RFC 3339 UTC text (the stored form of times).
pub(crate) fn now_text() -> String {
    utc_text(time::OffsetDateTime::now_utc())
}

/// A moment as fixed-width RFC 3339 UTC text with microseconds, e.g.
/// `2026-11-29T03:04:05.123456Z`. The width never varies, so the text sorts in time order
/// (SQLite compares stored times as text); both backends return this shape.
pub(crate) fn utc_text(moment: time::OffsetDateTime) -> String {
    // Written by hand rather than with a format description: feed ingest formats a time
    // for every event, and this is several times faster.
    let utc = moment.to_offset(time::UtcOffset::UTC);
    let mut text = String::with_capacity(27);
    let mut digits = |value: u32, width: usize, after: char| {
        let mut buffer = [b'0'; 6];
        let mut rest = value;
        for slot in buffer[..width].iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        text.extend(buffer[..width].iter().map(|&b| char::from(b)));
        text.push(after);
    };
    digits(u32::try_from(utc.year()).unwrap_or(0), 4, '-');
    digits(u32::from(u8::from(utc.month())), 2, '-');
    digits(u32::from(utc.day()), 2, 'T');
    digits(u32::from(utc.hour()), 2, ':');
    digits(u32::from(utc.minute()), 2, ':');
    digits(u32::from(utc.second()), 2, '.');
    digits(utc.microsecond(), 6, 'Z');
    text
}

/// Reads a stored RFC 3339 time.
pub(crate) fn parse_utc_text(text: &str) -> StoreResult<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a stored time")))
}

/// Joins labels as stored (`a;b`).
pub(crate) fn join_labels(labels: &[String]) -> String {
    labels.join(";")
}

/// Test-only fault injection: when `BEACON_FAULT_ABORT_AFTER_ROWS=N` is set, the process
/// aborts (as a `kill -9` would end it) inside the transaction that writes row N+1 of
/// this process. Used by the crash tests; unset in normal use.
pub(crate) fn fault_abort_after_rows() -> Option<u64> {
    std::env::var("BEACON_FAULT_ABORT_AFTER_ROWS")
        .ok()
        .and_then(|value| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_fixed_width_utc_text() {
        assert_eq!(
            utc_text(datetime!(2026-11-29 03:04:05.123456789 +01:00)),
            "2026-11-29T02:04:05.123456Z"
        );
        assert_eq!(
            utc_text(datetime!(0999-01-02 00:00 UTC)),
            "0999-01-02T00:00:00.000000Z"
        );
        let text = utc_text(datetime!(2026-01-01 23:59:59.5 UTC));
        assert_eq!(
            parse_utc_text(&text).ok(),
            Some(datetime!(2026-01-01 23:59:59.5 UTC))
        );
    }
}
