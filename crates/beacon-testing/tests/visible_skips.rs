//! The skip rules, checked the only way they can be: by running a test in a child process
//! (this same test binary, asked to run one test with a variable saying which case) and
//! reading its exit status, its standard error and the skip log, as a person or CI would.
//!
//! - A skip note reaches standard error although the test runner captures output, and
//!   lands in the skip log.
//! - Under CI a skip fails the test.
//! - A `BEACON_TEST_POSTGRES` that is set but wrong fails the test; it is not a skip.

use std::path::Path;
use std::process::{Command, Output};

/// Set in the child to the case it must act out; unset in the parent.
const CHILD_CASE: &str = "BEACON_TESTING_CHILD_CASE";

/// Runs `test` alone in a child copy of this binary, acting out `case`, with the skip log
/// at `log`, `CI` unset unless `ci`, and the extra environment given.
fn child(test: &str, case: &str, log: &Path, ci: bool, environment: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command
        .args([test, "--exact", "--test-threads=1"])
        .env(CHILD_CASE, case)
        .env(beacon_testing::SKIP_LOG_VARIABLE, log)
        .env_remove("CI")
        .env_remove("BEACON_TEST_POSTGRES");
    if ci {
        command.env("CI", "true");
    }
    for (name, value) in environment {
        command.env(name, value);
    }
    command.output().expect("the test binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn log_text(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

#[test]
fn a_skip_note_is_seen_and_logged_even_when_the_test_passes() {
    if std::env::var_os(CHILD_CASE).is_some() {
        beacon_testing::skip("the example check", "the example tool is not installed");
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let log = folder.path().join("skips.log");
    let output = child(
        "a_skip_note_is_seen_and_logged_even_when_the_test_passes",
        "skip",
        &log,
        false,
        &[],
    );
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "the skipping test passes:\n{stderr}"
    );
    assert!(
        stderr.contains(
            "SKIPPED: the example check: the example tool is not installed (visible_skips: \
             a_skip_note_is_seen_and_logged_even_when_the_test_passes)"
        ),
        "the note reaches standard error past the runner's capture:\n{stderr}"
    );
    assert_eq!(
        log_text(&log),
        "visible_skips\ta_skip_note_is_seen_and_logged_even_when_the_test_passes\t\
         the example check\tthe example tool is not installed\n"
    );
}

#[test]
fn a_skip_under_ci_fails_the_test() {
    if std::env::var_os(CHILD_CASE).is_some() {
        beacon_testing::skip("the example check", "the example tool is not installed");
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let log = folder.path().join("skips.log");
    let output = child("a_skip_under_ci_fails_the_test", "skip", &log, true, &[]);
    let stdout = text(&output.stdout);
    assert!(!output.status.success(), "under CI a skip fails:\n{stdout}");
    assert!(
        stdout.contains(
            "CI is set, so the example check must run, but the example tool is not installed"
        ),
        "the failure says what did not run and why:\n{stdout}"
    );
    assert_eq!(log_text(&log), "", "a failure is not logged as a skip");
}

#[test]
fn a_wrong_beacon_test_postgres_fails_instead_of_skipping() {
    if std::env::var_os(CHILD_CASE).is_some() {
        let database =
            beacon_testing::TestDatabase::fresh(beacon_store::Backend::Postgres, "child");
        assert!(database.is_none(), "the child's server must not be usable");
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let wrong = [
        // Nothing listens on port 1 of the loopback address.
        ("unreachable", "postgres://postgres@127.0.0.1:1/postgres"),
        (
            "a typo in the scheme",
            "postgress://postgres@127.0.0.1:5432/postgres",
        ),
        (
            "an unknown port number",
            "postgres://postgres@127.0.0.1:54x2/postgres",
        ),
        // Refused by a running server (or unreachable when none runs): a failure either way.
        (
            "an unknown account",
            "postgres://no_such_beacon_role@127.0.0.1:5432/postgres",
        ),
    ];
    for (what, url) in wrong {
        let log = folder
            .path()
            .join(format!("{}.log", what.replace(' ', "-")));
        let output = child(
            "a_wrong_beacon_test_postgres_fails_instead_of_skipping",
            "postgres",
            &log,
            false,
            &[("BEACON_TEST_POSTGRES", url)],
        );
        let stdout = text(&output.stdout);
        assert!(
            !output.status.success(),
            "{what}: a set but wrong BEACON_TEST_POSTGRES fails the test:\n{stdout}{}",
            text(&output.stderr)
        );
        assert!(
            stdout.contains(&format!("BEACON_TEST_POSTGRES is set to {url}")),
            "{what}: the failure names the variable and its value:\n{stdout}"
        );
        assert_eq!(log_text(&log), "", "{what}: nothing is logged as skipped");
    }
}
