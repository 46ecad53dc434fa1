//! Test support only, never shipped: a fresh, empty database for one integration test, on
//! SQLite or on PostgreSQL, removed when the test ends, whether it passes or fails.
//!
//! It lives in one crate so that every crate's tests find, name and clean up their
//! databases the same way:
//!
//! - SQLite: a `beacon.db` file in a new temporary directory.
//! - PostgreSQL: a new database on the server named by `BEACON_TEST_POSTGRES` (default
//!   `postgres://postgres@127.0.0.1:5432/postgres`), connected to as an account that may
//!   create databases, and dropped afterwards. When `BEACON_TEST_POSTGRES` is set and the
//!   server it names cannot be used (a typo, an authentication failure, a server that is
//!   down) the test fails. Only when the variable is unset and no local server answers is
//!   the test skipped, visibly (see [`skip`]), and under CI even that fails: CI must never
//!   pass by skipping the PostgreSQL half.
//!
//! ```no_run
//! use beacon_store::Backend;
//! use beacon_testing::TestDatabase;
//!
//! let Some(database) = TestDatabase::fresh(Backend::Postgres, "example") else {
//!     return; // PostgreSQL is unreachable outside CI: skip.
//! };
//! let store = database.open();
//! assert_eq!(store.backend(), Backend::Postgres);
//! ```

use beacon_store::{Backend, Store};
use std::sync::atomic::{AtomicU64, Ordering};

mod reports;
mod skip;
pub use reports::blank_report;
pub use skip::{PYTHON_VARIABLE, SKIP_LOG_VARIABLE, python_with, skip, skip_log, under_ci};

/// The variable naming the PostgreSQL server on which tests create their databases.
const ADMIN_URL_VARIABLE: &str = "BEACON_TEST_POSTGRES";

/// The server used when `BEACON_TEST_POSTGRES` is unset: the local one, as `.ci/run` starts
/// it.
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The longest label: the database name must stay within PostgreSQL's 63 bytes, or the
/// server would cut off the random part that keeps it unique.
const LONGEST_LABEL: usize = 16;

/// Databases made so far by this process, so that two tests running at once never share
/// a name.
static DATABASES: AtomicU64 = AtomicU64::new(0);

/// What to remove when a test is done.
#[derive(Debug)]
enum Cleanup {
    /// The SQLite file's directory, deleted when dropped.
    Directory { _directory: tempfile::TempDir },
    /// A PostgreSQL database created for the test, dropped through the admin URL.
    Database { admin_url: String, name: String },
}

/// A fresh, empty database for one test, removed when dropped (also when the test fails,
/// as the value is dropped while the panic unwinds).
#[derive(Debug)]
pub struct TestDatabase {
    backend: Backend,
    location: String,
    cleanup: Cleanup,
}

impl TestDatabase {
    /// A fresh database on `backend`, so that no test sees another's data.
    ///
    /// `label` names the tests' suite (`"story"`, `"web"`, …) in the temporary directory
    /// and in the PostgreSQL database's name, so that a database left behind by a killed
    /// run says where it came from. It must be 1 to 16 lowercase ASCII letters, digits or
    /// underscores, as it goes into SQL unquoted.
    ///
    /// Returns `None`, after a visible skip note, when `BEACON_TEST_POSTGRES` is unset and
    /// no local PostgreSQL answers, so that a developer without a server can still run the
    /// SQLite half. With `CI` set it panics instead.
    ///
    /// # Panics
    ///
    /// When the label is not as above; when `BEACON_TEST_POSTGRES` is set and its server
    /// cannot be used; when PostgreSQL is unreachable and `CI` is set; or when the temporary
    /// directory or the database cannot be created.
    #[track_caller]
    pub fn fresh(backend: Backend, label: &str) -> Option<TestDatabase> {
        assert!(
            !label.is_empty()
                && label.len() <= LONGEST_LABEL
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_'),
            "a test database label is 1 to {LONGEST_LABEL} of a-z, 0-9 and _, not {label:?}"
        );
        match backend {
            Backend::Sqlite => Some(TestDatabase::fresh_sqlite(label)),
            Backend::Postgres => TestDatabase::fresh_postgres(label),
        }
    }

    #[track_caller]
    fn fresh_sqlite(label: &str) -> TestDatabase {
        let directory = tempfile::Builder::new()
            .prefix(&format!("beacon-{label}-"))
            .tempdir()
            .expect("a temporary directory");
        let location = directory
            .path()
            .join("beacon.db")
            .to_str()
            .expect("the temporary path is UTF-8")
            .to_owned();
        TestDatabase {
            backend: Backend::Sqlite,
            location,
            cleanup: Cleanup::Directory {
                _directory: directory,
            },
        }
    }

    #[track_caller]
    fn fresh_postgres(label: &str) -> Option<TestDatabase> {
        let named = std::env::var(ADMIN_URL_VARIABLE)
            .ok()
            .filter(|value| !value.trim().is_empty());
        let admin_url = named
            .clone()
            .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned());
        let mut admin = match postgres::Client::connect(&admin_url, postgres::NoTls) {
            Ok(client) => client,
            Err(error) => {
                let problem = describe(&error);
                match unreachable_outcome(named.as_deref()) {
                    Unreachable::Fail => panic!(
                        "{ADMIN_URL_VARIABLE} is set to {admin_url}, but PostgreSQL there cannot \
                         be used ({problem}): correct the URL (or start that server), or unset \
                         {ADMIN_URL_VARIABLE} to use the local server"
                    ),
                    Unreachable::Skip => {
                        skip(
                            &format!("the PostgreSQL side of the {label} tests"),
                            &format!(
                                "no PostgreSQL server at {admin_url} ({problem}); start one or \
                                 set {ADMIN_URL_VARIABLE}"
                            ),
                        );
                        return None;
                    }
                }
            }
        };
        let name = format!(
            "beacon_test_{label}_{}_{}_{:016x}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed),
            random_number()
        );
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("the test user may create databases");
        Some(TestDatabase {
            backend: Backend::Postgres,
            location: database_url(&admin_url, &name),
            cleanup: Cleanup::Database { admin_url, name },
        })
    }

    /// Which backend the database is on, for tests whose expectations or raw SQL differ
    /// between the two.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the database is, as `beacon_store::open` and `beacon --database` take it (a
    /// file path or a `postgres://` URL), for tests that open it themselves or hand it to
    /// a child process.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Opens the store through the public entry point, as the CLI and `beacon serve` do,
    /// so that the tests exercise the same path as the product.
    ///
    /// # Panics
    ///
    /// When the store cannot be opened; the message names the backend and the location.
    #[track_caller]
    pub fn open(&self) -> Box<dyn Store> {
        match beacon_store::open(&self.location) {
            Ok(store) => store,
            Err(error) => panic!("opening {:?} at {}: {error}", self.backend, self.location),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Database { admin_url, name } = &self.cleanup {
            let dropped =
                postgres::Client::connect(admin_url, postgres::NoTls).and_then(|mut admin| {
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                });
            if let Err(error) = dropped {
                eprintln!("warning: could not drop test database {name}: {error}");
            }
        }
    }
}

/// What an unreachable PostgreSQL server means for a test.
#[derive(Debug, PartialEq, Eq)]
enum Unreachable {
    /// The test fails: the server was asked for and is not there.
    Fail,
    /// The test is skipped visibly (under CI, [`skip`] fails it too).
    Skip,
}

/// A server named in `BEACON_TEST_POSTGRES` was asked for, so failing to reach it (a typo,
/// an authentication failure, a server that is down) is a failure, never a skip; only the
/// default local server may be absent. `named` is the variable's value, if set and not
/// blank.
fn unreachable_outcome(named: Option<&str>) -> Unreachable {
    match named {
        Some(_) => Unreachable::Fail,
        None => Unreachable::Skip,
    }
}

/// A PostgreSQL error with its cause ("error connecting to server: Connection refused").
fn describe(error: &postgres::Error) -> String {
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}

/// The admin URL with its database replaced by `name` (query parameters kept).
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |index| index + 3);
    let root = match base[authority_start..].find('/') {
        Some(index) => &base[..authority_start + index],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// A number that differs between runs, so that a database left behind by a killed run
/// with the same process id never collides with a new one.
fn random_number() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::{Unreachable, database_url, unreachable_outcome};

    #[test]
    fn a_named_server_that_cannot_be_used_fails_and_only_the_default_may_skip() {
        assert_eq!(
            unreachable_outcome(Some("postgres://postgres@127.0.0.1:5433/postgres")),
            Unreachable::Fail
        );
        assert_eq!(unreachable_outcome(None), Unreachable::Skip);
    }

    #[test]
    fn the_database_url_replaces_only_the_database() {
        assert_eq!(
            database_url(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "beacon_test_x"
            ),
            "postgres://postgres@127.0.0.1:5432/beacon_test_x"
        );
        assert_eq!(
            database_url("postgres://u:p@host/db?sslmode=disable", "t"),
            "postgres://u:p@host/t?sslmode=disable"
        );
        assert_eq!(database_url("postgres://host", "t"), "postgres://host/t");
    }
}
