//! The `beacon` command end to end, on SQLite and on PostgreSQL: a generated year is
//! ingested, an ingest is killed mid-way and re-run, the file is re-ingested, and the
//! figures are checked against the generator's own expected totals.

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn beacon(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("BEACON_FAULT_ABORT_AFTER_ROWS")
        .env_remove("BEACON_CONFIG")
        .output()
        .expect("beacon runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "beacon failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// Generates one synthetic year with malformed and repeated rows; returns the file and
/// the generator's expected figures.
fn generated_year(dir: &Path) -> (PathBuf, Value) {
    let file = dir.join("2017.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args([
            "demo",
            "generate",
            "--seed",
            "11",
            "--first-year",
            "2017",
            "--last-year",
            "2017",
        ])
        .args([
            "--bad-rows",
            "40",
            "--duplicate-rows",
            "60",
            "--json",
            "--out",
        ])
        .arg(&file)
        .output()
        .expect("generate");
    (file, json(&output))
}

fn number(value: &Value, path: &str) -> u64 {
    path.split('.')
        .fold(value, |v, key| &v[key])
        .as_u64()
        .unwrap_or_else(|| panic!("{path} is not a number in {value}"))
}

fn crash_reingest_and_check(database: &str, dir: &Path) {
    let (file, expected) = generated_year(dir);
    let file_arg = file.to_str().expect("utf-8 path");
    let good = number(&expected, "good_rows");
    let bad = number(&expected, "bad_rows");
    let repeated = number(&expected, "duplicate_rows");
    let written = number(&expected, "rows_written");
    assert_eq!(written, good + bad + repeated);

    // 1. An ingest that dies mid-transaction (as kill -9 would end it).
    let crashed = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args([
            "--database",
            database,
            "ingest",
            "reports",
            file_arg,
            "--json",
            "--batch-size",
            "1000",
        ])
        .env("BEACON_FAULT_ABORT_AFTER_ROWS", "2500")
        .output()
        .expect("beacon runs");
    assert!(!crashed.status.success(), "the ingest should have died");
    let runs = json(&beacon(database, &["ingest", "runs", "--json"]));
    let first = &runs[0];
    assert_eq!(first["status"], "running", "a killed run is left running");
    let read = number(first, "counts.read");
    let stored_before = number(first, "counts.stored");
    assert_eq!(
        read,
        number(first, "counts.stored")
            + number(first, "counts.duplicates")
            + number(first, "counts.rejected")
    );
    assert_eq!(read % 1000, 0, "only whole batches are committed");
    assert!(read > 0 && read < written);
    let stats = json(&beacon(
        database,
        &[
            "stats",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--json",
        ],
    ));
    assert_eq!(
        number(&stats, "all.reports"),
        stored_before,
        "the store holds exactly the committed rows"
    );

    // 2. Re-running completes the file exactly once.
    let rerun = json(&beacon(
        database,
        &["ingest", "reports", file_arg, "--json"],
    ));
    assert_eq!(number(&rerun, "read"), written);
    assert_eq!(number(&rerun, "stored") + stored_before, good);
    assert_eq!(number(&rerun, "rejected"), bad);
    assert_eq!(number(&rerun, "duplicates"), repeated + stored_before);

    // 3. Re-ingesting stores nothing new.
    let again = json(&beacon(
        database,
        &["ingest", "reports", file_arg, "--json"],
    ));
    assert_eq!(number(&again, "stored"), 0);
    assert_eq!(number(&again, "duplicates"), good + repeated);

    // 4. Figures match the generator's own totals.
    let stats = json(&beacon(
        database,
        &[
            "stats",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--json",
        ],
    ));
    let year = &expected["by_year"]["2017"];
    for family in ["fraud", "cyber"] {
        assert_eq!(
            number(&stats, &format!("{family}.reports")),
            number(year, &format!("{family}.reports"))
        );
        assert_eq!(
            number(&stats, &format!("{family}.loss_pence")),
            number(year, &format!("{family}.loss_pence"))
        );
        assert_eq!(
            number(&stats, &format!("{family}.cyber_enabled")),
            number(year, &format!("{family}.cyber_enabled"))
        );
    }
    let district_total: u64 = stats["by_district"]
        .as_array()
        .expect("by_district list")
        .iter()
        .map(|row| {
            assert!(row.get("district_code").is_some() && row.get("loss_pence").is_some());
            number(row, "reports")
        })
        .sum();
    assert_eq!(district_total, good);

    // 5. The board paper's figures for the calibrated windows.
    let first_half = json(&beacon(
        database,
        &[
            "stats",
            "--from",
            "2017-01-01",
            "--to",
            "2017-06-30",
            "--json",
        ],
    ));
    assert_eq!(number(&first_half, "fraud.reports"), 4_726);
    let board = beacon(
        database,
        &[
            "report",
            "board",
            "--from",
            "2017-01-01",
            "--to",
            "2017-06-30",
        ],
    );
    assert!(board.status.success());
    let text = String::from_utf8_lossy(&board.stdout);
    assert!(
        text.contains("There were 4,726 reports of fraud in Leicester, Leicestershire and Rutland between 1 January and 30 June 2017 with a total loss of £3.6 million. In 59% of these a digital device enabled the fraud to take place."),
        "{text}"
    );
    let cyber = beacon(
        database,
        &[
            "report",
            "board",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
        ],
    );
    let text = String::from_utf8_lossy(&cyber.stdout);
    assert!(text.contains("146 reports of cyber crime"), "{text}");
    assert!(text.contains("£110k"), "{text}");

    // 6. Reading quarantined rows is audited.
    let rejects = json(&beacon(
        database,
        &[
            "ingest",
            "rejects",
            &number(&rerun, "run_id").to_string(),
            "--json",
        ],
    ));
    assert_eq!(rejects.as_array().map(Vec::len), Some(bad as usize));
    let audit = json(&beacon(database, &["admin", "audit", "--json"]));
    assert_eq!(audit[0]["action"], "read_quarantine");
}

#[test]
fn a_generated_year_survives_a_crash_and_reingest_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    crash_reingest_and_check(database.to_str().expect("utf-8 path"), dir.path());
}

#[test]
fn a_generated_year_survives_a_crash_and_reingest_on_postgres() {
    let Some(database) = TestDatabase::fresh(Backend::Postgres, "cli") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    crash_reingest_and_check(database.location(), dir.path());
}

#[test]
fn stats_breakdowns_and_csv_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8 path");
    let (file, _) = generated_year(dir.path());
    json(&beacon(
        database,
        &["ingest", "reports", file.to_str().expect("utf-8"), "--json"],
    ));
    let stats = json(&beacon(
        database,
        &[
            "stats",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--by",
            "district,month",
            "--json",
        ],
    ));
    let groups = stats["groups"].as_array().expect("groups");
    let total: u64 = groups.iter().map(|g| number(g, "reports")).sum();
    assert_eq!(total, number(&stats, "all.reports"));
    assert!(
        groups
            .iter()
            .all(|g| g["month"].as_str().is_some_and(|m| m.starts_with("2017-")))
    );
    let csv = beacon(
        database,
        &[
            "stats",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--by",
            "local_issue",
            "--csv",
        ],
    );
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.starts_with("local_issue,reports,loss_pence"), "{text}");
    for issue in ["courier_fraud", "romance_fraud", "sextortion", "ransomware"] {
        assert!(text.contains(issue), "{issue} missing from {text}");
    }
    let refused = beacon(database, &["stats", "--by", "colour"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a dimension"));
}

#[test]
fn a_refused_file_says_why_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").expect("write");
    let output = beacon(
        database.to_str().expect("utf-8"),
        &["ingest", "reports", empty.to_str().expect("utf-8")],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("the file is empty"));
}

/// A report file whose second row's postcode holds a bullet (`LE1 1A•X`, in UTF-8 and as
/// the Windows-1252 byte 0x95): once the load stopped there, leaving the run `running`.
#[test]
fn a_bullet_in_a_postcode_quarantines_its_row_and_the_rest_loads() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8");
    for (name, bullet) in [("UTF8", "•".as_bytes()), ("CP1252", &[0x95][..])] {
        let file = dir.path().join(format!("{name}.csv"));
        let mut bytes = format!(
            "reference,reported_date,fraud_type,victim_type,postcode\n{name}-1,2017-01-01,NFIB5A,individual,LE1 5WW\n{name}-2,2017-01-02,NFIB5A,individual,LE1 1A"
        )
        .into_bytes();
        bytes.extend_from_slice(bullet);
        bytes.extend_from_slice(
            format!("X\n{name}-3,2017-01-03,NFIB5A,individual,LE1 5WW\n").as_bytes(),
        );
        std::fs::write(&file, bytes).expect("write");
        let outcome = json(&beacon(
            database,
            &["ingest", "reports", file.to_str().expect("utf-8"), "--json"],
        ));
        assert_eq!(
            (
                number(&outcome, "read"),
                number(&outcome, "stored"),
                number(&outcome, "rejected")
            ),
            (3, 2, 1),
            "{name}: {outcome}"
        );
        let runs = json(&beacon(database, &["ingest", "runs", "--json"]));
        assert_eq!(runs[0]["status"], "completed", "{name}: {runs}");
    }
}

/// A panic while loading (injected with `BEACON_FAULT_PANIC`) ends the run as failed with
/// its message, and the command exits non-zero saying so.
#[test]
fn a_fault_while_loading_fails_the_run_and_exits_non_zero_with_its_message() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8");
    let file = dir.path().join("reports.csv");
    std::fs::write(
        &file,
        "reference,reported_date,fraud_type,victim_type\nF1,2017-01-01,NFIB5A,individual\nF2,2017-01-02,NFIB5A,individual\nF3,2017-01-03,NFIB5A,individual\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args(["--database", database, "ingest", "reports"])
        .arg(&file)
        .args(["--batch-size", "2"])
        .env_remove("BEACON_CONFIG")
        .env("BEACON_FAULT_PANIC", "parsing:2")
        .output()
        .expect("beacon runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("loading stopped on an internal fault in the parsing stage, after 2 rows")
            && stderr.contains("recorded as failed"),
        "{stderr}"
    );
    let runs = json(&beacon(database, &["ingest", "runs", "--json"]));
    let run = &runs[0];
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["message"]
            .as_str()
            .is_some_and(|message| message.contains("fault injected by BEACON_FAULT_PANIC")),
        "{run}"
    );
    assert_eq!(number(run, "counts.read"), 2, "{run}");
    assert_eq!(number(run, "counts.stored"), 2, "{run}");
}

#[test]
fn load_postcodes_reads_an_nspl_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let nspl = dir.path().join("nspl.csv");
    std::fs::write(
        &nspl,
        "pcd,pcd2,pcds,dointr,doterm,laua\nSW1A1AA,SW1A 1AA,SW1A 1AA,198001,,E09000033\nGY1 1AA,GY1  1AA,GY1 1AA,198001,,L99999999\nbad,bad,bad,,,E09000033\n",
    )
    .expect("write");
    let output = json(&beacon(
        database.to_str().expect("utf-8"),
        &[
            "admin",
            "load-postcodes",
            nspl.to_str().expect("utf-8"),
            "--json",
        ],
    ));
    assert_eq!(
        (
            number(&output, "read"),
            number(&output, "stored"),
            number(&output, "skipped"),
            number(&output, "rejected")
        ),
        (3, 1, 1, 1)
    );
}
