//! The SQLite connection: one file, WAL mode, for one area on one machine. Opening,
//! pragmas and migrating live here; each area's SQL lives in its `sqlite.rs`.

use crate::migrate::{Migration, SQLITE};
use crate::neutral::{Bound, fault_abort_after_rows, now_text, utc_text};
use crate::register::AddressIds;
use crate::reports::FactIds;
use crate::{StoreError, StoreResult};
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;

/// A store in one SQLite file.
pub struct SqliteStore {
    pub(crate) connection: Connection,
    /// Report and feed rows this process has written (for fault injection).
    pub(crate) rows_written: u64,
    /// `BEACON_FAULT_ABORT_AFTER_ROWS`, read once.
    pub(crate) abort_after_rows: Option<u64>,
    /// Committed fact dictionary ids, so ingest asks the database once per name.
    pub(crate) fact_ids: FactIds,
    /// Committed address ids, so feed ingest asks the database once per address.
    pub(crate) address_ids: AddressIds,
    /// Set once this connection has written feed events (and stopped mapping the file).
    pub(crate) bulk_feed_writes: bool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        set_wal_mode(&connection)?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.pragma_update(None, "cache_size", -65_536)?;
        // Checkpoint every 64 MiB of WAL rather than 4 MiB: bulk loads touch the same index
        // pages again and again, and each checkpoint writes every page changed since the
        // last one.
        connection.pragma_update(None, "wal_autocheckpoint", 16_384)?;
        // Reads map the file instead of copying pages through the page cache: statistics
        // scan the whole facts index, and this halves their time.
        connection.pragma_update(None, "mmap_size", 4_294_967_296_i64)?;
        // Ingest and the facts scan keep about a dozen statements cached between calls;
        // the default of 16 would have them evict each other.
        connection.set_prepared_statement_cache_capacity(64);
        connection.create_scalar_function(
            "beacon_merge_labels",
            2,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |context| {
                let stored: String = context.get(0)?;
                let added: String = context.get(1)?;
                Ok(crate::register::merge_labels(&stored, &added))
            },
        )?;
        let mut store = SqliteStore {
            connection,
            rows_written: 0,
            abort_after_rows: fault_abort_after_rows(),
            fact_ids: FactIds::default(),
            address_ids: AddressIds::default(),
            bulk_feed_writes: false,
        };
        store.migrate(SQLITE)?;
        Ok(store)
    }

    /// Applies the migrations not yet applied. Each runs in an IMMEDIATE transaction that
    /// first checks it is still needed: two processes opening a new file at once both see
    /// version 0, and the second must not apply it again.
    fn migrate(&mut self, migrations: &[Migration]) -> StoreResult<()> {
        self.connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = self.connection.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |row| row.get(0),
        )?;
        let known = migrations.last().map_or(0, |m| m.version);
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        for migration in migrations.iter().filter(|m| m.version > current) {
            let transaction = self
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let applied: bool = transaction.query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                params![migration.version],
                |row| row.get(0),
            )?;
            if !applied {
                transaction.execute_batch(migration.sql)?;
                if let Some(fill) = migration.fill {
                    fill(&transaction)?;
                }
                transaction.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    params![migration.version, now_text()],
                )?;
            }
            transaction.commit()?;
        }
        Ok(())
    }
}

/// Switches the file to WAL. Two connections switching a new file at once can each hold
/// the read lock the other needs; SQLite then refuses one at once instead of calling the
/// busy handler, so retry for as long as the busy timeout would have waited.
fn set_wal_mode(connection: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match connection.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            result => return result,
        }
    }
}

/// Bound values of built SQL as SQLite parameters (days as Julian day numbers, moments as
/// stored text).
pub(crate) fn bound_values(values: Vec<Bound>) -> Vec<Value> {
    values
        .into_iter()
        .map(|value| match value {
            Bound::Text(text) => Value::Text(text),
            Bound::Int(number) => Value::Integer(number),
            Bound::Day(day) => Value::Integer(i64::from(day.to_julian_day())),
            Bound::Moment(moment) => Value::Text(utc_text(moment)),
        })
        .collect()
}

/// Collects a query's rows through a mapping written for both backends.
pub(crate) fn collect<T>(
    mut rows: rusqlite::Rows<'_>,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}
