//! Visible skips: a test that cannot run here (no PostgreSQL, no SMTP sink, no browser, no
//! Python validator) says so where a person sees it, and under CI it fails instead.
//!
//! The test runner captures what `println!` and `eprintln!` write from a test and throws it
//! away when the test passes, so a skipped test would look like a pass. These notes are
//! written straight to the process's standard error, which the runner does not capture, and
//! appended to the skip log (`BEACON_TEST_SKIP_LOG`, default `target/test-skips.log` under
//! the workspace; one line per skip: test binary, test, what, why, separated by tabs) so
//! that the run can end with a count of what was skipped and why (`.ci/test-summary` prints
//! it; `scripts/test` clears the log, runs the tests and prints the summary).

use std::io::Write;
use std::path::PathBuf;

/// The variable naming the skip log.
pub const SKIP_LOG_VARIABLE: &str = "BEACON_TEST_SKIP_LOG";

/// Whether the tests run under CI, where nothing may be skipped. Any non-empty value of
/// `CI` other than `false` or `0` counts.
pub fn under_ci() -> bool {
    match std::env::var("CI") {
        Ok(value) => !matches!(value.trim(), "" | "0" | "false"),
        Err(_) => false,
    }
}

/// Where skip notes are appended: `BEACON_TEST_SKIP_LOG`, or `target/test-skips.log` in the
/// workspace.
pub fn skip_log() -> PathBuf {
    match std::env::var_os(SKIP_LOG_VARIABLE) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-skips.log"),
    }
}

/// Skips the rest of a test, visibly: `what` names what is not run ("the PostgreSQL side
/// of the story tests"), `why` says what is missing and how to provide it.
///
/// Outside CI this writes `SKIPPED: {what}: {why} ({test binary}: {test})` to standard
/// error (uncaptured), appends the same four fields as one tab-separated line to the skip
/// log, and returns so the caller can `return`. Under CI it panics, because CI must never
/// pass by skipping.
///
/// # Panics
///
/// Under CI (see [`under_ci`]).
#[track_caller]
pub fn skip(what: &str, why: &str) {
    assert!(!under_ci(), "CI is set, so {what} must run, but {why}");
    let test = std::thread::current()
        .name()
        .filter(|name| *name != "main")
        .unwrap_or("a test")
        .to_owned();
    let binary = test_binary();
    let note = format!("SKIPPED: {what}: {why} ({binary}: {test})\n");
    let mut stderr = std::io::stderr().lock();
    // Best effort: a note that cannot be written must not fail the test.
    let _ = stderr.write_all(note.as_bytes());
    let _ = stderr.flush();
    let path = skip_log();
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(mut log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        // One write per line, so that lines from tests running at once never interleave.
        let line = format!(
            "{}\t{}\t{}\t{}\n",
            one_field(&binary),
            one_field(&test),
            one_field(what),
            one_field(why)
        );
        let _ = log.write_all(line.as_bytes());
    }
}

/// The test binary's name without cargo's hash (`smtp`, `beacon_web`), for the skip log.
fn test_binary() -> String {
    let name = std::env::current_exe()
        .ok()
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "tests".to_owned());
    match name.rsplit_once('-') {
        Some((stem, hash))
            if hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) =>
        {
            stem.to_owned()
        }
        _ => name,
    }
}

/// `text` as one field of a tab-separated line: tabs and line breaks become spaces.
fn one_field(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The variable naming the Python interpreter that has the independent checkers installed
/// (`stix2`, `stix2-validator`, `stix2-patterns`, `pymisp`, `openapi-spec-validator`,
/// `schemathesis`, `aiosmtpd`, `scipy`, `statsmodels`); `.ci/run` makes it as a virtual environment outside the
/// repository.
pub const PYTHON_VARIABLE: &str = "BEACON_TEST_PYTHON";

/// The Python interpreter named by `BEACON_TEST_PYTHON`, when it can import every module in
/// `modules`; otherwise the test is skipped with a note (or fails under CI) and this
/// returns `None`.
///
/// `what` names what would be checked, for the note ("the STIX export against the stix2
/// validator").
#[track_caller]
pub fn python_with(what: &str, modules: &[&str]) -> Option<PathBuf> {
    let Some(python) = std::env::var_os(PYTHON_VARIABLE).filter(|value| !value.is_empty()) else {
        skip(
            what,
            &format!(
                "set {PYTHON_VARIABLE} to a Python with {} installed (see .ci/run)",
                modules.join(", ")
            ),
        );
        return None;
    };
    let python = PathBuf::from(python);
    let imports = modules
        .iter()
        .map(|module| format!("import {module}"))
        .collect::<Vec<_>>()
        .join("; ");
    let status = std::process::Command::new(&python)
        .args(["-c", &imports])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Some(python),
        Ok(_) => {
            skip(
                what,
                &format!(
                    "{} cannot import {} (see .ci/run)",
                    python.display(),
                    modules.join(", ")
                ),
            );
            None
        }
        Err(error) => {
            skip(
                what,
                &format!("{} cannot be run: {error}", python.display()),
            );
            None
        }
    }
}
