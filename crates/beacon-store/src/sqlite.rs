//! The SQLite backend: one file, WAL mode, for one area on one machine.

use crate::migrate::{Migration, SQLITE};
use crate::{
    AuditEvent, Backend, QuarantinedRow, ReportBatch, RunEnd, Store, StoreError, StoreResult,
    fault_abort_after_rows, join_labels, now_text, utc_text,
};
use beacon_core::report::{AgeBand, Gender, VictimType};
use beacon_core::{
    District, DistrictCode, Districts, FactSet, FraudType, IngestRun, Period, Postcode,
    RejectedRow, RunCounts, RunStatus,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use time::Date;

mod packed;
mod register;
mod web;

pub(crate) use packed::fill_packed_facts;
use packed::{FactFields, FactIds, FactReader};

/// A store in one SQLite file.
pub struct SqliteStore {
    pub(crate) connection: Connection,
    rows_written: u64,
    abort_after_rows: Option<u64>,
    /// Committed fact dictionary ids, so ingest asks the database once per name.
    fact_ids: FactIds,
    /// Committed address ids, so feed ingest asks the database once per address.
    address_ids: crate::register::AddressIds,
    /// Set once this connection has written feed events (and stopped mapping the file).
    bulk_feed_writes: bool,
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
            address_ids: Default::default(),
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

    /// The work of [`Store::store_report_batch`]: the reports with their packed facts, the
    /// quarantined rows and the run's counters, in one transaction.
    fn write_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        // IMMEDIATE: new dictionary names are looked up, then added; another writer must
        // not get in between (nor could a deferred read upgrade to a write after one did).
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = RunCounts {
            read: batch.len() as u64,
            rejected: batch.rejects.len() as u64,
            ..RunCounts::default()
        };
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO reports (reference, run_id, reported_on, offence_on, fraud_type, category, victim_type,
                    victim_age, age_band, victim_gender, contact_method, org_sector, org_size, postcode, district_code,
                    loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags, local_issues, summary,
                    day, fact)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
                    ?24, ?25)",
            )?;
            for report in &batch.reports {
                if let Some(limit) = self.abort_after_rows
                    && self.rows_written >= limit
                {
                    // Fault injection for crash tests: die mid-transaction, as kill -9 would.
                    std::process::abort();
                }
                let local_issues = join_labels(&report.local_issues);
                let packed = FactFields {
                    reported_on: report.reported_on,
                    district: report.district.as_ref().map(DistrictCode::as_str),
                    fraud_type: &report.fraud_type,
                    category: report.category,
                    victim_type: report.victim_type,
                    age_band: report.age_band,
                    gender: report.victim_gender,
                    cyber_enabled: report.cyber_enabled,
                    repeat_victim: report.repeat_victim,
                    vulnerable: report.vulnerable,
                    loss_pence: report.loss.map(|loss| loss.0),
                    local_issues: &local_issues,
                    victim_key: report.victim_key.as_deref(),
                }
                .pack(&transaction, &mut self.fact_ids)?;
                let inserted = insert.execute(params![
                    report.reference,
                    run_id,
                    date_text(report.reported_on),
                    report.offence_on.map(date_text),
                    report.fraud_type,
                    report.category.as_str(),
                    report.victim_type.as_str(),
                    report.victim_age,
                    report.age_band.map(AgeBand::as_str),
                    report.victim_gender.map(Gender::as_str),
                    report.contact_method,
                    report.org_sector,
                    report.org_size.map(|size| size.as_str()),
                    report.postcode.as_ref().map(Postcode::as_str),
                    report.district.as_ref().map(DistrictCode::as_str),
                    report.loss.map(|loss| loss.0),
                    report.cyber_enabled,
                    report.vulnerable,
                    report.repeat_victim,
                    report.victim_key,
                    join_labels(&report.tags),
                    local_issues,
                    report.summary,
                    packed.day,
                    packed.fact,
                ])?;
                self.rows_written += 1;
                if inserted == 1 {
                    counts.stored += 1;
                } else {
                    counts.duplicates += 1;
                }
            }
            let mut quarantine = transaction.prepare_cached(
                "INSERT INTO quarantine (run_id, line, reason, raw) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for reject in &batch.rejects {
                quarantine.execute(params![
                    run_id,
                    reject.line as i64,
                    reject.reason,
                    reject.raw
                ])?;
            }
        }
        transaction.execute(
            "UPDATE ingest_runs SET rows_read = rows_read + ?2, rows_stored = rows_stored + ?3,
                rows_duplicate = rows_duplicate + ?4, rows_rejected = rows_rejected + ?5, updated_at = ?6 WHERE id = ?1",
            params![
                run_id,
                counts.read as i64,
                counts.stored as i64,
                counts.duplicates as i64,
                counts.rejected as i64,
                now_text()
            ],
        )?;
        transaction.commit()?;
        Ok(counts)
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

fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Reads a stored `YYYY-MM-DD` quickly (the scan reads a million of them).
fn parse_stored_date(text: &str) -> StoreResult<Date> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let mut value = 0u32;
        for &b in bytes.get(range)? {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        Some(value)
    };
    let parsed = (|| {
        let year = i32::try_from(number(0..4)?).ok()?;
        let month = time::Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        Date::from_calendar_date(year, month, day).ok()
    })();
    parsed.ok_or_else(|| StoreError::Corrupt(format!("'{text}' is not a stored date")))
}

/// A stable 64-bit hash (FNV-1a) of a victim key: analytics only compare them.
pub(crate) fn victim_hash(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

pub(crate) fn victim_type_from(text: &str) -> VictimType {
    if text == "organisation" {
        VictimType::Organisation
    } else {
        VictimType::Individual
    }
}

pub(crate) fn gender_from(text: Option<&str>) -> Option<Gender> {
    match text? {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "other" => Some(Gender::Other),
        _ => None,
    }
}

fn run_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<IngestRun> {
    let counts = |index: usize| -> rusqlite::Result<u64> {
        Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
    };
    Ok(IngestRun {
        id: row.get(0)?,
        kind: row.get(1)?,
        source: row.get(2)?,
        sha256: row.get(3)?,
        status: RunStatus::from_stored(&row.get::<_, String>(4)?),
        started_at: row.get(5)?,
        updated_at: row.get(6)?,
        finished_at: row.get(7)?,
        counts: RunCounts {
            read: counts(8)?,
            stored: counts(9)?,
            duplicates: counts(10)?,
            rejected: counts(11)?,
            skipped: counts(13)?,
        },
        message: row.get(12)?,
    })
}

const RUN_COLUMNS: &str = "id, kind, source, sha256, status, started_at, updated_at, finished_at, rows_read, rows_stored, rows_duplicate, rows_rejected, message, rows_skipped";

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn districts(&mut self) -> StoreResult<Districts> {
        let area_name = self.setting("area_name")?.unwrap_or_default();
        let mut statement = self.connection.prepare(
            "SELECT code, name, kind, population_2011, population_2021 FROM districts ORDER BY position",
        )?;
        let list = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, u32>(3)?,
                    row.get::<_, u32>(4)?,
                ))
            })?
            .map(|row| {
                let (code, name, kind, population_2011, population_2021) = row?;
                Ok(District {
                    code: code
                        .parse()
                        .map_err(|e: beacon_core::district::DistrictCodeError| {
                            StoreError::Corrupt(e.to_string())
                        })?,
                    name,
                    kind,
                    population_2011,
                    population_2021,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Districts { area_name, list })
    }

    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute("DELETE FROM districts", [])?;
        for (position, district) in districts.list.iter().enumerate() {
            transaction.execute(
                "INSERT INTO districts (code, name, kind, population_2011, population_2021, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    district.code.as_str(),
                    district.name,
                    district.kind,
                    district.population_2011,
                    district.population_2021,
                    position as i64
                ],
            )?;
        }
        transaction.execute(
            "INSERT INTO settings (key, value) VALUES ('area_name', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![districts.area_name],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>> {
        let mut statement = self.connection.prepare(
            "SELECT key, code, name, type_group, computer_misuse FROM fraud_types ORDER BY position, key",
        )?;
        let types = statement
            .query_map([], |row| {
                Ok(FraudType {
                    key: row.get(0)?,
                    code: row.get(1)?,
                    name: row.get(2)?,
                    group: row.get(3)?,
                    computer_misuse: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(types)
    }

    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()> {
        let transaction = self.connection.transaction()?;
        let start: i64 = transaction.query_row(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM fraud_types",
            [],
            |row| row.get(0),
        )?;
        for (offset, fraud_type) in types.iter().enumerate() {
            transaction.execute(
                "INSERT INTO fraud_types (key, code, name, type_group, computer_misuse, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(key) DO UPDATE SET code = excluded.code, name = excluded.name, type_group = excluded.type_group, computer_misuse = excluded.computer_misuse",
                params![
                    fraud_type.key,
                    fraud_type.code,
                    fraud_type.name,
                    fraud_type.group,
                    fraud_type.computer_misuse,
                    start + offset as i64
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO postcodes (postcode, district_code) VALUES (?1, ?2)
                 ON CONFLICT(postcode) DO UPDATE SET district_code = excluded.district_code",
            )?;
            for (postcode, district) in entries {
                insert.execute(params![postcode.as_str(), district.as_str()])?;
            }
        }
        transaction.commit()?;
        Ok(entries.len() as u64)
    }

    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64> {
        let transaction = self.connection.transaction()?;
        transaction.execute("DELETE FROM postcode_sectors", [])?;
        let written = transaction.execute(SECTOR_REBUILD_SQL, [])?;
        transaction.commit()?;
        Ok(written as u64)
    }

    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>> {
        let mut found: Option<String> = None;
        if let Postcode::Full(full) = postcode {
            found = self
                .connection
                .prepare_cached("SELECT district_code FROM postcodes WHERE postcode = ?1")?
                .query_row(params![full], |row| row.get(0))
                .optional()?;
        }
        if found.is_none() {
            found = self
                .connection
                .prepare_cached("SELECT district_code FROM postcode_sectors WHERE sector = ?1")?
                .query_row(params![postcode.sector()], |row| row.get(0))
                .optional()?;
        }
        Ok(found.and_then(|code| code.parse().ok()))
    }

    fn postcode_count(&mut self) -> StoreResult<u64> {
        let count: i64 =
            self.connection
                .query_row("SELECT COUNT(*) FROM postcodes", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    fn setting(&mut self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.connection.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

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
            "UPDATE ingest_runs SET status = 'interrupted', message = COALESCE(message || ' ', '') || 'Stopped before the end of the file; a later run completed it.'
             WHERE status = 'running' AND kind = ?1 AND source = ?2 AND updated_at < ?3",
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

    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        let written = self.write_report_batch(run_id, batch);
        if written.is_err() {
            // The transaction rolled back, taking any dictionary ids it gave with it.
            self.fact_ids = FactIds::default();
        }
        written
    }
    fn finish_run(&mut self, run_id: i64, end: &RunEnd) -> StoreResult<()> {
        let now = now_text();
        self.connection.execute(
            "UPDATE ingest_runs SET status = ?2, sha256 = ?3, message = ?4, finished_at = ?5, updated_at = ?5 WHERE id = ?1",
            params![run_id, end.status.as_str(), end.sha256, end.message, now],
        )?;
        Ok(())
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
        let mut statement = self.connection.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM ingest_runs ORDER BY id DESC LIMIT ?1"
        ))?;
        let runs = statement
            .query_map(params![limit], run_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(runs)
    }

    fn run(&mut self, run_id: i64) -> StoreResult<Option<IngestRun>> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM ingest_runs WHERE id = ?1"),
                params![run_id],
                run_from_row,
            )
            .optional()?)
    }

    fn quarantined(&mut self, run_id: i64) -> StoreResult<Vec<QuarantinedRow>> {
        let mut statement = self.connection.prepare(
            "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = ?1 ORDER BY line, id",
        )?;
        let rows = statement
            .query_map(params![run_id], quarantined_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn quarantined_page(
        &mut self,
        run_id: i64,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<QuarantinedRow>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = ?1 ORDER BY line, id LIMIT ?2 OFFSET ?3",
        )?;
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = statement
            .query_map(params![run_id, limit, offset], quarantined_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn report_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM reports", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet> {
        let (from, to) = match period {
            Some(period) => (period.from.to_julian_day(), period.to.to_julian_day()),
            None => (i32::MIN, i32::MAX),
        };
        let mut reader = FactReader::load(&self.connection)?;
        let mut statement = self.connection.prepare_cached(
            "SELECT day, fact FROM reports INDEXED BY reports_packed_facts WHERE day >= ?1 AND day <= ?2",
        )?;
        let mut rows = statement.query(params![from, to])?;
        let mut set = FactSet::default();
        while let Some(row) = rows.next()? {
            let day = row.get_ref(0)?.as_i64().map_err(rusqlite::Error::from)?;
            let fact = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            let fact = reader.fact(&mut set, day, fact)?;
            set.facts.push(fact);
        }
        reader.finish(&mut set);
        Ok(set)
    }

    fn report_date_range(&mut self) -> StoreResult<Option<(Date, Date)>> {
        // Two subqueries: SQLite answers a lone MIN or MAX from the index's ends, but
        // both in one SELECT would read the whole index.
        let range: (Option<i64>, Option<i64>) = self.connection.query_row(
            "SELECT (SELECT MIN(day) FROM reports), (SELECT MAX(day) FROM reports)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        match range {
            (Some(first), Some(last)) => Ok(Some((
                packed::date_of_day(first)?,
                packed::date_of_day(last)?,
            ))),
            _ => Ok(None),
        }
    }

    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()> {
        let origin = crate::AuditOrigin::current();
        self.connection.execute(
            "INSERT INTO audit_events (at, actor, action, subject, detail, address, user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_text(),
                event.actor,
                event.action,
                event.subject,
                event.detail,
                origin.address,
                origin.user_agent
            ],
        )?;
        Ok(())
    }

    crate::register::register_methods!();
}

/// Each sector takes the district holding most of its postcodes (ties: lowest code).
pub(crate) const SECTOR_REBUILD_SQL: &str = "INSERT INTO postcode_sectors (sector, district_code)
    SELECT sector, district_code FROM (
        SELECT sector, district_code,
               ROW_NUMBER() OVER (PARTITION BY sector ORDER BY postcodes DESC, district_code) AS rank
        FROM (
            SELECT substr(postcode, 1, length(postcode) - 2) AS sector, district_code, COUNT(*) AS postcodes
            FROM postcodes GROUP BY 1, 2
        ) AS counted
    ) AS ranked WHERE rank = 1";

/// One quarantined row as `SELECT run_id, line, reason, raw FROM quarantine` gives it.
fn quarantined_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<QuarantinedRow> {
    Ok(QuarantinedRow {
        run_id: row.get(0)?,
        row: RejectedRow {
            line: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
            reason: row.get(2)?,
            raw: row.get(3)?,
        },
    })
}
