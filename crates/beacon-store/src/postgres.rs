//! The PostgreSQL connection: one database shared by several users and processes.
//! Connecting, migrating, prepared statements and the dialect's helpers live here; each
//! area's SQL lives in its `postgres.rs`.
//!
//! It keeps exactly the semantics of [`crate::sqlite`]; the story tests run the same
//! behaviours against both. The differences are in how, not what:
//!
//! * Migrations run under a transaction-scoped advisory lock, so two processes starting
//!   at once do not both migrate.
//! * Times are `TIMESTAMPTZ` from the server's clock (every client agrees on what is
//!   stale), returned as the same fixed-width RFC 3339 UTC text SQLite stores.
//! * A report batch goes in as one multi-row `INSERT … SELECT FROM UNNEST(…)` statement,
//!   its quarantined rows as another, so a batch costs a few round trips, not one per row.
//! * PostgreSQL text cannot hold NUL, which a CSV row past the sniffed head of a file can
//!   carry; NUL is written as U+FFFD rather than failing the whole batch.

use crate::migrate::{Migration, POSTGRES};
use crate::neutral::{Bound, fault_abort_after_rows};
use crate::register::AddressIds;
use crate::{StoreError, StoreResult, reports, runs};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};
use std::borrow::Cow;

/// Advisory-lock key held while migrating ("BEACONMG" in ASCII).
const MIGRATION_LOCK: i64 = 0x4245_4143_4f4e_4d47;

/// Statements used per batch, prepared once per connection.
pub(crate) struct Prepared {
    /// [`reports::postgres::INSERT_REPORTS_SQL`].
    pub insert_reports: Statement,
    /// [`runs::postgres::INSERT_QUARANTINE_SQL`].
    pub insert_quarantine: Statement,
    /// [`runs::postgres::COUNT_BATCH_SQL`].
    pub count_batch: Statement,
}

/// A store in a PostgreSQL database.
pub struct PostgresStore {
    pub(crate) client: Client,
    pub(crate) prepared: Prepared,
    /// Report and feed rows this process has written (for fault injection).
    pub(crate) rows_written: u64,
    /// `BEACON_FAULT_ABORT_AFTER_ROWS`, read once.
    pub(crate) abort_after_rows: Option<u64>,
    /// Committed address ids, so feed ingest asks the database once per address.
    pub(crate) address_ids: AddressIds,
}

impl PostgresStore {
    /// Connects to a `postgres://` or `postgresql://` URL and applies migrations.
    pub fn connect(url: &str) -> StoreResult<PostgresStore> {
        let mut client = Client::connect(url, NoTls)?;
        migrate(&mut client, POSTGRES)?;
        let prepared = Prepared {
            insert_reports: client.prepare(reports::postgres::INSERT_REPORTS_SQL)?,
            insert_quarantine: client.prepare(runs::postgres::INSERT_QUARANTINE_SQL)?,
            count_batch: client.prepare(runs::postgres::COUNT_BATCH_SQL)?,
        };
        Ok(PostgresStore {
            client,
            prepared,
            rows_written: 0,
            abort_after_rows: fault_abort_after_rows(),
            address_ids: AddressIds::default(),
        })
    }
}

/// Applies the migrations not yet in the database, each in its own transaction, all under
/// the advisory lock (a second process waits, then finds nothing left to do).
fn migrate(client: &mut Client, migrations: &[Migration]) -> StoreResult<()> {
    let known = migrations.last().map_or(0, |m| m.version);
    loop {
        let mut transaction = client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        transaction.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
        )?;
        let current: i64 = transaction
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )?
            .try_get(0)?;
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        let Some(next) = migrations.iter().find(|m| m.version > current) else {
            transaction.commit()?;
            return Ok(());
        };
        transaction.batch_execute(next.sql)?;
        transaction.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())",
            &[&next.version],
        )?;
        transaction.commit()?;
    }
}

/// Text as PostgreSQL can hold it: NUL becomes U+FFFD (borrowed when there is none).
pub(crate) fn pg_text(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Optional text as PostgreSQL can hold it (see [`pg_text`]).
pub(crate) fn pg_opt_text(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(pg_text)
}

/// A count or position as PostgreSQL's BIGINT.
pub(crate) fn big(value: u64) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} is too large to store")))
}

/// A stored BIGINT count as unsigned (negative counts read as 0).
pub(crate) fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Owned parameters of SQL built at run time.
pub(crate) type Params = Vec<Box<dyn ToSql + Sync>>;

/// Bound values of built SQL as PostgreSQL parameters.
pub(crate) fn bound_values(values: Vec<Bound>) -> Params {
    values
        .into_iter()
        .map(|value| -> Box<dyn ToSql + Sync> {
            match value {
                Bound::Text(text) => Box::new(text),
                Bound::Int(number) => Box::new(number),
                Bound::Day(day) => Box::new(day),
                Bound::Moment(moment) => Box::new(moment),
            }
        })
        .collect()
}

/// Parameters as the client takes them.
pub(crate) fn refs(params: &Params) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}
