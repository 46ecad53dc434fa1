//! The storage story: every behaviour Beacon relies on from its store, told once and run
//! against both backends (`<area>::<story>::sqlite` and `<area>::<story>::postgres`).
//!
//! This file is the harness (fresh databases, the runners, shared builders); the stories
//! live one file per store area under `story/`, as the store's own modules do.
//!
//! Each test gets a fresh database from `beacon_testing::TestDatabase`: on PostgreSQL, one
//! created on the server named by `BEACON_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards. When the server
//! cannot be reached the PostgreSQL tests are skipped with a note, unless `CI` is set, in
//! which case they fail.

use beacon_core::{
    AgeBand, Category, District, DistrictCode, Districts, FactSet, FraudType, Gender, IngestRun,
    Pence, Period, Postcode, RejectedRow, Report, RunCounts, RunStatus, VictimType,
};
use beacon_store::{AuditEvent, Backend, ReportBatch, RunEnd, Store, StoreError};
use beacon_testing::TestDatabase;
use time::Date;
use time::macros::date;

// ---------------------------------------------------------------------------------------
// Where the stories run: a fresh database per test (`beacon_testing::TestDatabase`).
// ---------------------------------------------------------------------------------------

/// Raw SQL behind the store's back, for stories about what is on disk.
trait Raw {
    /// Runs raw SQL that returns one integer.
    fn raw_number(&self, sql: &str) -> i64;
    /// Runs raw SQL.
    fn raw_execute(&self, sql: &str);
}

impl Raw for TestDatabase {
    fn raw_number(&self, sql: &str) -> i64 {
        match self.backend() {
            Backend::Sqlite => rusqlite::Connection::open(self.location())
                .expect("open the SQLite file")
                .query_row(sql, [], |row| row.get(0))
                .expect("raw SQLite query"),
            Backend::Postgres => postgres::Client::connect(self.location(), postgres::NoTls)
                .expect("connect to the test database")
                .query_one(sql, &[])
                .expect("raw PostgreSQL query")
                .get(0),
        }
    }

    fn raw_execute(&self, sql: &str) {
        match self.backend() {
            Backend::Sqlite => {
                rusqlite::Connection::open(self.location())
                    .expect("open the SQLite file")
                    .execute_batch(sql)
                    .expect("raw SQLite statement");
            }
            Backend::Postgres => {
                postgres::Client::connect(self.location(), postgres::NoTls)
                    .expect("connect to the test database")
                    .batch_execute(sql)
                    .expect("raw PostgreSQL statement");
            }
        }
    }
}

/// A fresh database for one story.
fn fresh(backend: Backend) -> Option<TestDatabase> {
    TestDatabase::fresh(backend, "story")
}

/// Runs a story that needs only a store.
fn with_store(backend: Backend, story: fn(&mut dyn Store)) {
    let Some(place) = fresh(backend) else {
        return;
    };
    let mut store = place.open();
    assert_eq!(store.backend(), backend);
    story(store.as_mut());
    drop(store);
}

/// Runs a story that opens the database itself (migrations, crashes).
fn with_place(backend: Backend, story: fn(&TestDatabase)) {
    if let Some(place) = fresh(backend) {
        story(&place);
    }
}

/// One test module per story, with a test per backend: `<story>::sqlite`, `<story>::postgres`.
macro_rules! stories {
    ($runner:ident => $($story:ident),+ $(,)?) => {
        $(
            mod $story {
                #[test]
                fn sqlite() {
                    super::$runner(super::Backend::Sqlite, super::$story);
                }

                #[test]
                fn postgres() {
                    super::$runner(super::Backend::Postgres, super::$story);
                }
            }
        )+
    };
}

#[path = "story/accounts.rs"]
mod accounts;
#[path = "story/advice.rs"]
mod advice;
#[path = "story/advisories.rs"]
mod advisories;
#[path = "story/audit.rs"]
mod audit;
#[path = "story/campaigns.rs"]
mod campaigns;
#[path = "story/care.rs"]
mod care;
#[path = "story/contacts.rs"]
mod contacts;
#[path = "story/education.rs"]
mod education;
#[path = "story/engagement.rs"]
mod engagement;
#[path = "story/explore.rs"]
mod explore;
#[path = "story/front_door.rs"]
mod front_door;
#[path = "story/inventory.rs"]
mod inventory;
#[path = "story/opening.rs"]
mod opening;
#[path = "story/outbox.rs"]
mod outbox;
#[path = "story/prevent.rs"]
mod prevent;
#[path = "story/readiness.rs"]
mod readiness;
#[path = "story/reference.rs"]
mod reference;
#[path = "story/register.rs"]
mod register;
#[path = "story/reports.rs"]
mod reports;
#[path = "story/runs.rs"]
mod runs;

// ---------------------------------------------------------------------------------------
// Helpers the areas share.
// ---------------------------------------------------------------------------------------

fn code(text: &str) -> DistrictCode {
    text.parse().expect("a valid district code")
}

fn full(text: &str) -> Postcode {
    Postcode::Full(text.to_owned())
}

/// A plain report: everything optional left unknown.
fn report(reference: &str, reported_on: Date) -> Report {
    beacon_testing::blank_report(reference, reported_on)
}

/// A report identified by its loss, so facts can be told apart.
fn report_with_loss(reference: &str, reported_on: Date, pence: i64) -> Report {
    Report {
        loss: Some(Pence(pence)),
        ..report(reference, reported_on)
    }
}

fn rejected(line: u64, reason: &str, raw: &str) -> RejectedRow {
    RejectedRow {
        line,
        reason: reason.to_owned(),
        raw: raw.to_owned(),
    }
}

fn batch(reports: Vec<Report>, rejects: Vec<RejectedRow>) -> ReportBatch {
    ReportBatch { reports, rejects }
}

fn store_batch(store: &mut dyn Store, run_id: i64, batch: &ReportBatch) -> RunCounts {
    store
        .store_report_batch(run_id, batch)
        .expect("the batch is stored")
}

fn begin(store: &mut dyn Store, kind: &str, source: &str, stale_after_seconds: i64) -> i64 {
    store
        .begin_run(kind, source, stale_after_seconds)
        .expect("a run begins")
}

fn get_run(store: &mut dyn Store, run_id: i64) -> IngestRun {
    store
        .run(run_id)
        .expect("the run is read")
        .expect("the run exists")
}

fn counts(read: u64, stored: u64, duplicates: u64, rejected: u64) -> RunCounts {
    RunCounts {
        read,
        stored,
        duplicates,
        rejected,
        ..RunCounts::default()
    }
}

/// Times come back as fixed-width RFC 3339 UTC text, e.g. `2026-11-29T03:04:05.123456Z`.
fn assert_utc_text(text: &str) {
    assert_eq!(text.len(), 27, "'{text}' is not fixed-width RFC 3339 UTC");
    assert!(
        text.ends_with('Z') && text.as_bytes()[19] == b'.',
        "'{text}'"
    );
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|error| panic!("'{text}' is not RFC 3339: {error}"));
}

fn districts_list(area_name: &str, codes: &[(&str, &str, u32)]) -> Districts {
    Districts {
        area_name: area_name.to_owned(),
        list: codes
            .iter()
            .map(|(code_text, name, population)| District {
                code: code(code_text),
                name: (*name).to_owned(),
                kind: "non-metropolitan district".to_owned(),
                population_2011: *population,
                population_2021: population + 1_234,
            })
            .collect(),
    }
}

/// How many migrations are recorded, and the highest.
fn migrations_recorded(place: &TestDatabase) -> (i64, i64) {
    (
        place.raw_number("SELECT COUNT(*) FROM schema_migrations"),
        place.raw_number("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"),
    )
}

/// How many migration files this build ships for the backend, and the highest number:
/// numbers may have a gap while one is reserved for a change not yet merged.
fn migrations_shipped(backend: Backend) -> (i64, i64) {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let numbers: Vec<i64> = std::fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(folder),
    )
    .expect("the migrations folder")
    .filter_map(|entry| {
        let name = entry.ok()?.file_name().into_string().ok()?;
        name.strip_suffix(".sql")?.split('_').next()?.parse().ok()
    })
    .collect();
    (
        i64::try_from(numbers.len()).expect("a few migrations"),
        numbers.into_iter().max().unwrap_or(0),
    )
}
