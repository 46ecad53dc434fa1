//! The PostgreSQL backend: one database shared by several users and processes.
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

mod register;
mod web;

use crate::migrate::{Migration, POSTGRES};
use crate::sqlite::{SECTOR_REBUILD_SQL, gender_from, victim_hash, victim_type_from};
use crate::{
    AuditEvent, Backend, QuarantinedRow, ReportBatch, RunEnd, Store, StoreError, StoreResult,
    fault_abort_after_rows, join_labels, utc_text,
};
use beacon_core::report::{AgeBand, Gender};
use beacon_core::{
    Category, District, DistrictCode, Districts, Fact, FactSet, FraudType, IngestRun, Period,
    Postcode, RejectedRow, Report, RunCounts, RunStatus,
};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, NoTls, Row, Statement};
use std::borrow::Cow;
use time::{Date, OffsetDateTime};

/// Advisory-lock key held while migrating ("BEACONMG" in ASCII).
const MIGRATION_LOCK: i64 = 0x4245_4143_4f4e_4d47;

/// Postcodes written per `UNNEST` statement (about 0.5 MB of parameters).
const POSTCODE_CHUNK: usize = 20_000;

/// Writes a batch of reports; `$1` is the run, `$2…$23` one array per column. Rows go in
/// batch order, so of two rows with one reference the first is kept (as SQLite's
/// `INSERT OR IGNORE` keeps it); `ON CONFLICT DO NOTHING` skips the second within the
/// same statement as it skips references stored before.
const INSERT_REPORTS_SQL: &str = "INSERT INTO reports (reference, run_id, reported_on, offence_on, fraud_type,
        category, victim_type, victim_age, age_band, victim_gender, contact_method, org_sector, org_size,
        postcode, district_code, loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags,
        local_issues, summary)
    SELECT reference, $1, reported_on, offence_on, fraud_type, category, victim_type, victim_age, age_band,
        victim_gender, contact_method, org_sector, org_size, postcode, district_code, loss_pence,
        cyber_enabled, vulnerable, repeat_victim, victim_key, tags, local_issues, summary
    FROM UNNEST($2::text[], $3::date[], $4::date[], $5::text[], $6::text[], $7::text[], $8::int2[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::int8[], $17::bool[], $18::bool[], $19::bool[], $20::text[], $21::text[], $22::text[],
        $23::text[])
        WITH ORDINALITY AS batch(reference, reported_on, offence_on, fraud_type, category, victim_type,
            victim_age, age_band, victim_gender, contact_method, org_sector, org_size, postcode,
            district_code, loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags,
            local_issues, summary, position)
    ORDER BY position
    ON CONFLICT (reference) DO NOTHING";

/// Writes a batch's quarantined rows in batch order.
const INSERT_QUARANTINE_SQL: &str = "INSERT INTO quarantine (run_id, line, reason, raw)
    SELECT $1, line, reason, raw
    FROM UNNEST($2::int8[], $3::text[], $4::text[]) WITH ORDINALITY AS batch(line, reason, raw, position)
    ORDER BY position";

/// Adds a batch's counts to its run.
const COUNT_BATCH_SQL: &str =
    "UPDATE ingest_runs SET rows_read = rows_read + $2, rows_stored = rows_stored + $3,
        rows_duplicate = rows_duplicate + $4, rows_rejected = rows_rejected + $5, updated_at = now()
    WHERE id = $1";

/// Adds or replaces postcodes; of repeats within one statement the last wins, as when
/// SQLite writes them one by one (`ON CONFLICT DO UPDATE` may touch a row only once).
const UPSERT_POSTCODES_SQL: &str = "INSERT INTO postcodes (postcode, district_code)
    SELECT DISTINCT ON (postcode) postcode, district_code
    FROM UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS given(postcode, district_code, position)
    ORDER BY postcode, position DESC
    ON CONFLICT (postcode) DO UPDATE SET district_code = excluded.district_code";

const RUN_COLUMNS: &str = "id, kind, source, sha256, status, started_at, updated_at, finished_at, rows_read, rows_stored, rows_duplicate, rows_rejected, message, rows_skipped";

const FACT_COLUMNS: &str = "SELECT reported_on, district_code, fraud_type, category, victim_type, age_band,
        victim_gender, cyber_enabled, loss_pence, local_issues, victim_key, repeat_victim, vulnerable
    FROM reports";

/// Statements used per batch, prepared once per connection.
struct Prepared {
    insert_reports: Statement,
    insert_quarantine: Statement,
    count_batch: Statement,
}

/// A store in a PostgreSQL database.
pub struct PostgresStore {
    pub(crate) client: Client,
    prepared: Prepared,
    rows_written: u64,
    abort_after_rows: Option<u64>,
    /// Committed address ids, so feed ingest asks the database once per address.
    address_ids: crate::register::AddressIds,
}

impl PostgresStore {
    /// Connects to a `postgres://` or `postgresql://` URL and applies migrations.
    pub fn connect(url: &str) -> StoreResult<PostgresStore> {
        let mut client = Client::connect(url, NoTls)?;
        migrate(&mut client, POSTGRES)?;
        let prepared = Prepared {
            insert_reports: client.prepare(INSERT_REPORTS_SQL)?,
            insert_quarantine: client.prepare(INSERT_QUARANTINE_SQL)?,
            count_batch: client.prepare(COUNT_BATCH_SQL)?,
        };
        Ok(PostgresStore {
            client,
            prepared,
            rows_written: 0,
            abort_after_rows: fault_abort_after_rows(),
            address_ids: Default::default(),
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

pub(crate) fn pg_opt_text(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(pg_text)
}

/// One optional text column of a report batch, as an array parameter.
pub(crate) fn text_column<'a>(
    reports: &'a [Report],
    field: impl Fn(&'a Report) -> Option<&'a str>,
) -> Vec<Option<Cow<'a, str>>> {
    reports
        .iter()
        .map(|report| field(report).map(pg_text))
        .collect()
}

/// A count or position as PostgreSQL's BIGINT.
pub(crate) fn big(value: u64) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} is too large to store")))
}

pub(crate) fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn run_from_row(row: &Row) -> StoreResult<IngestRun> {
    Ok(IngestRun {
        id: row.try_get(0)?,
        kind: row.try_get(1)?,
        source: row.try_get(2)?,
        sha256: row.try_get(3)?,
        status: RunStatus::from_stored(row.try_get(4)?),
        started_at: utc_text(row.try_get::<_, OffsetDateTime>(5)?),
        updated_at: utc_text(row.try_get::<_, OffsetDateTime>(6)?),
        finished_at: row.try_get::<_, Option<OffsetDateTime>>(7)?.map(utc_text),
        counts: RunCounts {
            read: unsigned(row.try_get(8)?),
            stored: unsigned(row.try_get(9)?),
            duplicates: unsigned(row.try_get(10)?),
            rejected: unsigned(row.try_get(11)?),
            skipped: unsigned(row.try_get(13)?),
        },
        message: row.try_get(12)?,
    })
}

/// Writes reports with the prepared `UNNEST` statement; returns how many were new.
fn insert_reports(
    client: &mut impl GenericClient,
    statement: &Statement,
    run_id: i64,
    reports: &[Report],
) -> StoreResult<u64> {
    let references: Vec<Cow<'_, str>> = reports.iter().map(|r| pg_text(&r.reference)).collect();
    let reported_on: Vec<Date> = reports.iter().map(|r| r.reported_on).collect();
    let offence_on: Vec<Option<Date>> = reports.iter().map(|r| r.offence_on).collect();
    let fraud_types: Vec<Cow<'_, str>> = reports.iter().map(|r| pg_text(&r.fraud_type)).collect();
    let categories: Vec<&str> = reports.iter().map(|r| r.category.as_str()).collect();
    let victim_types: Vec<&str> = reports.iter().map(|r| r.victim_type.as_str()).collect();
    let victim_ages: Vec<Option<i16>> = reports
        .iter()
        .map(|r| r.victim_age.map(i16::from))
        .collect();
    let age_bands: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.age_band.map(AgeBand::as_str))
        .collect();
    let genders: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.victim_gender.map(Gender::as_str))
        .collect();
    let contact_methods = text_column(reports, |r| r.contact_method.as_deref());
    let org_sectors = text_column(reports, |r| r.org_sector.as_deref());
    let org_sizes: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.org_size.map(|size| size.as_str()))
        .collect();
    let postcodes = text_column(reports, |r| r.postcode.as_ref().map(Postcode::as_str));
    let districts = text_column(reports, |r| r.district.as_ref().map(DistrictCode::as_str));
    let losses: Vec<Option<i64>> = reports.iter().map(|r| r.loss.map(|loss| loss.0)).collect();
    let cyber_enabled: Vec<Option<bool>> = reports.iter().map(|r| r.cyber_enabled).collect();
    let vulnerable: Vec<Option<bool>> = reports.iter().map(|r| r.vulnerable).collect();
    let repeat_victim: Vec<Option<bool>> = reports.iter().map(|r| r.repeat_victim).collect();
    let victim_keys = text_column(reports, |r| r.victim_key.as_deref());
    let tags: Vec<String> = reports
        .iter()
        .map(|r| pg_text(&join_labels(&r.tags)).into_owned())
        .collect();
    let local_issues: Vec<String> = reports
        .iter()
        .map(|r| pg_text(&join_labels(&r.local_issues)).into_owned())
        .collect();
    let summaries = text_column(reports, |r| r.summary.as_deref());
    let stored = client.execute(
        statement,
        &[
            &run_id,
            &references,
            &reported_on,
            &offence_on,
            &fraud_types,
            &categories,
            &victim_types,
            &victim_ages,
            &age_bands,
            &genders,
            &contact_methods,
            &org_sectors,
            &org_sizes,
            &postcodes,
            &districts,
            &losses,
            &cyber_enabled,
            &vulnerable,
            &repeat_victim,
            &victim_keys,
            &tags,
            &local_issues,
            &summaries,
        ],
    )?;
    Ok(stored)
}

impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn districts(&mut self) -> StoreResult<Districts> {
        let area_name = self.setting("area_name")?.unwrap_or_default();
        let rows = self.client.query(
            "SELECT code, name, kind, population_2011, population_2021 FROM districts ORDER BY position",
            &[],
        )?;
        let population = |value: i64| {
            u32::try_from(value)
                .map_err(|_| StoreError::Corrupt(format!("population {value} is out of range")))
        };
        let list = rows
            .iter()
            .map(|row| {
                Ok(District {
                    code: row.try_get::<_, &str>(0)?.parse().map_err(
                        |e: beacon_core::district::DistrictCodeError| {
                            StoreError::Corrupt(e.to_string())
                        },
                    )?,
                    name: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    population_2011: population(row.try_get(3)?)?,
                    population_2021: population(row.try_get(4)?)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Districts { area_name, list })
    }

    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        transaction.execute("DELETE FROM districts", &[])?;
        let insert = transaction.prepare(
            "INSERT INTO districts (code, name, kind, population_2011, population_2021, position) VALUES ($1, $2, $3, $4, $5, $6)",
        )?;
        for (position, district) in districts.list.iter().enumerate() {
            transaction.execute(
                &insert,
                &[
                    &district.code.as_str(),
                    &pg_text(&district.name),
                    &pg_text(&district.kind),
                    &i64::from(district.population_2011),
                    &i64::from(district.population_2021),
                    &big(position as u64)?,
                ],
            )?;
        }
        transaction.execute(
            "INSERT INTO settings (key, value) VALUES ('area_name', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&pg_text(&districts.area_name)],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>> {
        let rows = self.client.query(
            "SELECT key, code, name, type_group, computer_misuse FROM fraud_types ORDER BY position, key COLLATE \"C\"",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                Ok(FraudType {
                    key: row.try_get(0)?,
                    code: row.try_get(1)?,
                    name: row.try_get(2)?,
                    group: row.try_get(3)?,
                    computer_misuse: row.try_get(4)?,
                })
            })
            .collect()
    }

    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        let start: i64 = transaction
            .query_one(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM fraud_types",
                &[],
            )?
            .try_get(0)?;
        let upsert = transaction.prepare(
            "INSERT INTO fraud_types (key, code, name, type_group, computer_misuse, position) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (key) DO UPDATE SET code = excluded.code, name = excluded.name, type_group = excluded.type_group, computer_misuse = excluded.computer_misuse",
        )?;
        for (offset, fraud_type) in types.iter().enumerate() {
            transaction.execute(
                &upsert,
                &[
                    &pg_text(&fraud_type.key),
                    &pg_opt_text(fraud_type.code.as_deref()),
                    &pg_text(&fraud_type.name),
                    &pg_text(&fraud_type.group),
                    &fraud_type.computer_misuse,
                    &(start + big(offset as u64)?),
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        let upsert = transaction.prepare(UPSERT_POSTCODES_SQL)?;
        for chunk in entries.chunks(POSTCODE_CHUNK) {
            let postcodes: Vec<Cow<'_, str>> = chunk
                .iter()
                .map(|(postcode, _)| pg_text(postcode.as_str()))
                .collect();
            let districts: Vec<&str> = chunk
                .iter()
                .map(|(_, district)| district.as_str())
                .collect();
            transaction.execute(&upsert, &[&postcodes, &districts])?;
        }
        transaction.commit()?;
        Ok(entries.len() as u64)
    }

    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        transaction.execute("DELETE FROM postcode_sectors", &[])?;
        let written = transaction.execute(SECTOR_REBUILD_SQL, &[])?;
        transaction.commit()?;
        Ok(written)
    }

    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>> {
        let mut found: Option<String> = None;
        if let Postcode::Full(full) = postcode {
            found = self
                .client
                .query_opt(
                    "SELECT district_code FROM postcodes WHERE postcode = $1",
                    &[&pg_text(full)],
                )?
                .map(|row| row.try_get(0))
                .transpose()?;
        }
        if found.is_none() {
            found = self
                .client
                .query_opt(
                    "SELECT district_code FROM postcode_sectors WHERE sector = $1",
                    &[&pg_text(&postcode.sector())],
                )?
                .map(|row| row.try_get(0))
                .transpose()?;
        }
        Ok(found.and_then(|code| code.parse().ok()))
    }

    fn postcode_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self
            .client
            .query_one("SELECT COUNT(*) FROM postcodes", &[])?
            .try_get(0)?;
        Ok(unsigned(count))
    }

    fn setting(&mut self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .client
            .query_opt(
                "SELECT value FROM settings WHERE key = $1",
                &[&pg_text(key)],
            )?
            .map(|row| row.try_get(0))
            .transpose()?)
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.client.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&pg_text(key), &pg_text(value)],
        )?;
        Ok(())
    }

    fn begin_run(
        &mut self,
        kind: &str,
        source: &str,
        stale_after_seconds: i64,
    ) -> StoreResult<i64> {
        let (kind, source) = (pg_text(kind), pg_text(source));
        let mut transaction = self.client.transaction()?;
        transaction.execute(
            "UPDATE ingest_runs SET status = 'interrupted', message = COALESCE(message || ' ', '') || 'Stopped before the end of the file; a later run completed it.'
             WHERE status = 'running' AND kind = $1 AND source = $2
               AND updated_at < now() - make_interval(secs => $3::float8)",
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

    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        let mut counts = RunCounts {
            read: batch.len() as u64,
            rejected: batch.rejects.len() as u64,
            ..RunCounts::default()
        };
        let mut transaction = self.client.transaction()?;
        // Fault injection for crash tests: write the rows before the limit, then die
        // mid-transaction, as kill -9 would (SQLite dies before writing the row past it).
        let (writable, abort) = match self.abort_after_rows {
            Some(limit) => {
                let room = limit.saturating_sub(self.rows_written);
                match usize::try_from(room) {
                    Ok(room) if room < batch.reports.len() => (room, true),
                    _ => (batch.reports.len(), false),
                }
            }
            None => (batch.reports.len(), false),
        };
        let reports = &batch.reports[..writable];
        if !reports.is_empty() {
            counts.stored = insert_reports(
                &mut transaction,
                &self.prepared.insert_reports,
                run_id,
                reports,
            )?;
        }
        self.rows_written += reports.len() as u64;
        if abort {
            std::process::abort();
        }
        counts.duplicates = reports.len() as u64 - counts.stored;
        if !batch.rejects.is_empty() {
            let lines = batch
                .rejects
                .iter()
                .map(|reject| big(reject.line))
                .collect::<StoreResult<Vec<i64>>>()?;
            let reasons: Vec<Cow<'_, str>> = batch
                .rejects
                .iter()
                .map(|reject| pg_text(&reject.reason))
                .collect();
            let raws: Vec<Cow<'_, str>> = batch
                .rejects
                .iter()
                .map(|reject| pg_text(&reject.raw))
                .collect();
            transaction.execute(
                &self.prepared.insert_quarantine,
                &[&run_id, &lines, &reasons, &raws],
            )?;
        }
        transaction.execute(
            &self.prepared.count_batch,
            &[
                &run_id,
                &big(counts.read)?,
                &big(counts.stored)?,
                &big(counts.duplicates)?,
                &big(counts.rejected)?,
            ],
        )?;
        transaction.commit()?;
        Ok(counts)
    }

    fn finish_run(&mut self, run_id: i64, end: &RunEnd) -> StoreResult<()> {
        self.client.execute(
            "UPDATE ingest_runs SET status = $2, sha256 = $3, message = $4, finished_at = now(), updated_at = now() WHERE id = $1",
            &[
                &run_id,
                &end.status.as_str(),
                &pg_opt_text(end.sha256.as_deref()),
                &pg_opt_text(end.message.as_deref()),
            ],
        )?;
        Ok(())
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
            .query(
                &format!("SELECT {RUN_COLUMNS} FROM ingest_runs ORDER BY id DESC LIMIT $1"),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(run_from_row)
            .collect()
    }

    fn run(&mut self, run_id: i64) -> StoreResult<Option<IngestRun>> {
        self.client
            .query_opt(
                &format!("SELECT {RUN_COLUMNS} FROM ingest_runs WHERE id = $1"),
                &[&run_id],
            )?
            .as_ref()
            .map(run_from_row)
            .transpose()
    }

    fn quarantined(&mut self, run_id: i64) -> StoreResult<Vec<QuarantinedRow>> {
        self.client
            .query(
                "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = $1 ORDER BY line, id",
                &[&run_id],
            )?
            .iter()
            .map(quarantined_row)
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
                "SELECT run_id, line, reason, raw FROM quarantine WHERE run_id = $1 ORDER BY line, id LIMIT $2 OFFSET $3",
                &[&run_id, &i64::from(limit), &offset],
            )?
            .iter()
            .map(quarantined_row)
            .collect()
    }

    fn report_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self
            .client
            .query_one("SELECT COUNT(*) FROM reports", &[])?
            .try_get(0)?;
        Ok(unsigned(count))
    }

    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet> {
        // Streamed row by row: a million facts never sit in memory as rows.
        let mut rows = match period {
            Some(period) => self.client.query_raw(
                &format!("{FACT_COLUMNS} WHERE reported_on >= $1 AND reported_on <= $2"),
                [period.from, period.to],
            )?,
            None => self
                .client
                .query_raw(FACT_COLUMNS, std::iter::empty::<Date>())?,
        };
        let mut set = FactSet::default();
        // Remember the last text seen per column: runs of equal values are common, and
        // this skips the dictionary search for them.
        let mut last_district: Option<(String, Option<u16>)> = None;
        let mut last_type: Option<(String, u16)> = None;
        while let Some(row) = rows.next()? {
            let reported_on: Date = row.try_get(0)?;
            let district = match row.try_get::<_, Option<&str>>(1)? {
                None => None,
                Some(code) => match &last_district {
                    Some((text, index)) if text == code => *index,
                    _ => {
                        let index = set.district_index(code);
                        last_district = Some((code.to_owned(), index));
                        index
                    }
                },
            };
            let type_key: &str = row.try_get(2)?;
            let fraud_type = match &last_type {
                Some((text, index)) if text == type_key => *index,
                _ => {
                    let index = set.fraud_type_index(type_key);
                    last_type = Some((type_key.to_owned(), index));
                    index
                }
            };
            let category = Category::from_stored(row.try_get(3)?)
                .ok_or_else(|| StoreError::Corrupt("unknown category".into()))?;
            let victim_type = victim_type_from(row.try_get(4)?);
            let age_band = row
                .try_get::<_, Option<&str>>(5)?
                .and_then(AgeBand::from_label);
            let gender = gender_from(row.try_get(6)?);
            let cyber_enabled: Option<bool> = row.try_get(7)?;
            let loss_pence: Option<i64> = row.try_get(8)?;
            let issues_text: &str = row.try_get(9)?;
            let issues = if issues_text.is_empty() {
                0
            } else {
                set.issue_mask(issues_text)
            };
            let victim = row.try_get::<_, Option<&str>>(10)?.map(victim_hash);
            let repeat_victim: Option<bool> = row.try_get(11)?;
            let vulnerable: Option<bool> = row.try_get(12)?;
            set.facts.push(Fact {
                reported_on,
                district,
                fraud_type,
                category,
                victim_type,
                age_band,
                gender,
                cyber_enabled,
                loss_pence,
                issues,
                victim,
                repeat_victim,
                vulnerable,
            });
        }
        Ok(set)
    }

    fn report_date_range(&mut self) -> StoreResult<Option<(Date, Date)>> {
        let row = self.client.query_one(
            "SELECT MIN(reported_on), MAX(reported_on) FROM reports",
            &[],
        )?;
        let first: Option<Date> = row.try_get(0)?;
        let last: Option<Date> = row.try_get(1)?;
        Ok(first.zip(last))
    }

    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()> {
        let origin = crate::AuditOrigin::current();
        self.client.execute(
            "INSERT INTO audit_events (at, actor, action, subject, detail, address, user_agent) VALUES (now(), $1, $2, $3, $4, $5, $6)",
            &[
                &pg_text(&event.actor),
                &pg_text(&event.action),
                &pg_text(&event.subject),
                &pg_text(&event.detail),
                &origin.address.as_deref().map(pg_text),
                &origin.user_agent.as_deref().map(pg_text),
            ],
        )?;
        Ok(())
    }

    crate::register::register_methods!();
}

/// One quarantined row as `SELECT run_id, line, reason, raw FROM quarantine` gives it.
fn quarantined_row(row: &postgres::Row) -> StoreResult<QuarantinedRow> {
    Ok(QuarantinedRow {
        run_id: row.try_get(0)?,
        row: RejectedRow {
            line: unsigned(row.try_get(1)?),
            reason: row.try_get(2)?,
            raw: row.try_get(3)?,
        },
    })
}
