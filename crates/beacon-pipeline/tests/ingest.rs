//! The report pipeline end to end on SQLite: counts add up, re-ingest is idempotent,
//! districts come from postcodes, local issues are tagged.

use beacon_ingest::reference::{SHIPPED_RULES, parse_rules};
use beacon_pipeline::reference::ensure_reference_data;
use beacon_pipeline::{IngestError, IngestOptions, ingest_reports};
use beacon_store::Store;
use time::macros::date;

fn store() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut store = beacon_store::open(dir.path().join("beacon.db").to_str().expect("utf-8 path"))
        .expect("open store");
    ensure_reference_data(store.as_mut()).expect("reference data");
    (dir, store)
}

fn options() -> IngestOptions {
    let mut options = IngestOptions::new(
        parse_rules(SHIPPED_RULES).expect("rules"),
        date!(2026 - 11 - 29),
    );
    options.batch_size = 3;
    options
}

const FILE: &str =
    "reference,reported_date,fraud_type,victim_type,loss_gbp,postcode,district_code,tags,summary
NFRC1,2017-01-05,NFIB5A,individual,8300,LE1 5WW,,courier,SYNTHETIC: a courier collected the card
NFRC2,2017-01-06,Dating scam,individual,11000,,E07000133,,
NFRC3,2017-01-07,NFIB52E,individual,0,ZZ9 9ZZ,,,SYNTHETIC: threatened to share intimate images
NFRC1,2017-01-05,NFIB5A,individual,8300,LE1 5WW,,courier,duplicate of the first row
NFRC5,31/02/2017,NFIB5A,individual,1,,,,
NFRC6,2017-02-01,NFIB50A,organisation,5000,LE11 3,,ransomware,
NFRC7,2017-02-02,NFIB77X,individual,,,,,
";

fn run(store: &mut dyn Store, text: &str) -> beacon_pipeline::IngestOutcome {
    ingest_reports(
        store,
        "file.csv",
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        &options(),
        &mut |_| {},
    )
    .expect("ingest")
}

#[test]
fn every_row_is_stored_duplicate_or_rejected() {
    let (_dir, mut store) = store();
    let outcome = run(store.as_mut(), FILE);
    assert_eq!(
        (
            outcome.read,
            outcome.stored,
            outcome.duplicates,
            outcome.rejected
        ),
        (7, 5, 1, 1)
    );
    let run = store
        .run(outcome.run_id)
        .expect("query")
        .expect("run recorded");
    assert!(run.counts.adds_up());
    assert_eq!(run.counts.stored, 5);
    assert_eq!(run.status, beacon_core::RunStatus::Completed);
    assert_eq!(run.sha256.as_deref(), Some(outcome.sha256.as_str()));
    let quarantined = store.quarantined(outcome.run_id).expect("quarantine");
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].row.line, 6);
    assert!(quarantined[0].row.reason.contains("not a real date"));
    assert_eq!(outcome.unknown_fraud_types.get("NFIB77X"), Some(&1));
    assert!(run.message.unwrap_or_default().contains("NFIB77X"));
}

#[test]
fn reingesting_a_file_stores_nothing_new() {
    let (_dir, mut store) = store();
    run(store.as_mut(), FILE);
    let again = run(store.as_mut(), FILE);
    assert_eq!(
        (again.read, again.stored, again.duplicates, again.rejected),
        (7, 0, 6, 1)
    );
    assert_eq!(store.report_count().expect("count"), 5);
}

#[test]
fn districts_come_from_postcodes_then_district_codes() {
    let (_dir, mut store) = store();
    let outcome = run(store.as_mut(), FILE);
    assert_eq!(
        outcome.district_unknown, 2,
        "ZZ9 9ZZ and the row with no location"
    );
    let facts = store.report_facts(None).expect("facts");
    let district_of = |index: usize| {
        facts.facts[index]
            .district
            .map(|d| facts.districts[usize::from(d)].to_string())
    };
    let mut placed: Vec<Option<String>> = (0..facts.facts.len()).map(district_of).collect();
    placed.sort();
    assert_eq!(
        placed,
        vec![
            None,
            None,
            Some("E06000016".to_owned()), // LE1 5WW is in Leicester
            Some("E07000130".to_owned()), // sector LE11 3 is in Charnwood
            Some("E07000133".to_owned()), // district_code given
        ]
    );
}

#[test]
fn local_issues_are_tagged_by_the_rules() {
    let (_dir, mut store) = store();
    let outcome = run(store.as_mut(), FILE);
    let issues: Vec<(&str, u64)> = outcome
        .local_issues
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        issues,
        vec![
            ("courier_fraud", 2),
            ("ransomware", 1),
            ("romance_fraud", 1),
            ("sextortion", 1)
        ]
    );
    let facts = store.report_facts(None).expect("facts");
    let tagged = facts.facts.iter().filter(|f| f.issues != 0).count();
    assert_eq!(tagged, 4);
}

#[test]
fn a_refused_file_is_recorded_as_a_failed_run() {
    let (_dir, mut store) = store();
    let error = ingest_reports(
        store.as_mut(),
        "empty.csv",
        Box::new(std::io::Cursor::new(Vec::new())),
        &options(),
        &mut |_| {},
    )
    .expect_err("refused");
    let IngestError::Refused { run_id, .. } = error else {
        panic!("expected a refusal, got {error}");
    };
    let run = store.run(run_id).expect("query").expect("recorded");
    assert_eq!(run.status, beacon_core::RunStatus::Failed);
    assert!(run.message.unwrap_or_default().contains("empty"));
}
