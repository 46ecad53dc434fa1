//! Ingest runs: how they begin, end and fail, and their quarantined rows.

use super::*;

stories!(with_store =>
    quarantined_rows_come_back_in_line_order,
    quarantined_rows_come_back_a_page_at_a_time,
    a_runs_column_layout_is_kept_with_it,
    runs_are_listed_newest_first,
    a_stale_running_run_of_the_same_source_is_interrupted,
    finishing_a_run_records_how_it_ended,
    a_run_that_stopped_on_a_fault_ends_as_failed_with_its_message,
);

fn quarantined_rows_come_back_in_line_order(store: &mut dyn Store) {
    let run_id = begin(store, "reports", "messy.csv", 3600);
    let other = begin(store, "reports", "other.csv", 3600);
    let multi_line = "REF-9,2017-01-01,\"Caller said \"\"bank\"\"\nsecond line £5 – ok\"";
    store_batch(
        store,
        run_id,
        &batch(
            Vec::new(),
            vec![
                rejected(12, "victim age 130 is not between 0 and 120", "REF-12,130"),
                rejected(3, "reference is empty", ",2017-01-01"),
                rejected(
                    7,
                    "reported_date '31/02/2017' is not a real date",
                    multi_line,
                ),
            ],
        ),
    );
    store_batch(
        store,
        run_id,
        &batch(Vec::new(), vec![rejected(5, "bad flag", "REF-5,maybe")]),
    );
    store_batch(
        store,
        other,
        &batch(Vec::new(), vec![rejected(2, "elsewhere", "X")]),
    );
    let rows = store.quarantined(run_id).expect("quarantine");
    let lines: Vec<u64> = rows.iter().map(|row| row.row.line).collect();
    assert_eq!(lines, vec![3, 5, 7, 12]);
    assert!(rows.iter().all(|row| row.run_id == run_id));
    assert_eq!(
        rows[2].row,
        rejected(
            7,
            "reported_date '31/02/2017' is not a real date",
            multi_line
        )
    );
    assert_eq!(rows[0].row.reason, "reference is empty");
    assert_eq!(rows[0].row.raw, ",2017-01-01");
    assert_eq!(store.quarantined(other).expect("quarantine").len(), 1);
    assert!(store.quarantined(9_999).expect("quarantine").is_empty());
    assert_eq!(get_run(store, run_id).counts, counts(4, 0, 0, 4));
}

fn quarantined_rows_come_back_a_page_at_a_time(store: &mut dyn Store) {
    let run_id = begin(store, "reports", "bad.csv", 3600);
    let rows: Vec<_> = (0..25u64)
        .rev()
        .map(|n| rejected(n + 2, "reference is empty", &format!(",row {n}")))
        .collect();
    store_batch(store, run_id, &batch(Vec::new(), rows));
    let page = |store: &mut dyn Store, offset: u64, limit: u32| -> Vec<u64> {
        store
            .quarantined_page(run_id, offset, limit)
            .expect("a page of quarantine")
            .iter()
            .map(|row| row.row.line)
            .collect()
    };
    assert_eq!(page(store, 0, 10), (2..12).collect::<Vec<u64>>());
    assert_eq!(page(store, 10, 10), (12..22).collect::<Vec<u64>>());
    assert_eq!(page(store, 20, 10), (22..27).collect::<Vec<u64>>());
    assert!(page(store, 25, 10).is_empty());
    assert!(page(store, u64::MAX, 10).is_empty());
    let whole: Vec<u64> = store
        .quarantined(run_id)
        .expect("quarantine")
        .iter()
        .map(|row| row.row.line)
        .collect();
    assert_eq!(whole, (2..27).collect::<Vec<u64>>());
}

fn a_runs_column_layout_is_kept_with_it(store: &mut dyn Store) {
    let first = begin(store, "reports", "one.csv", 3600);
    let second = begin(store, "reports", "two.csv", 3600);
    store
        .record_run_columns(first, "reference,,postcode")
        .expect("a layout");
    assert_eq!(
        store.run_columns(first).expect("a layout").as_deref(),
        Some("reference,,postcode")
    );
    assert_eq!(store.run_columns(second).expect("no layout"), None);
}

fn runs_are_listed_newest_first(store: &mut dyn Store) {
    assert!(store.runs(10).expect("runs").is_empty());
    let first = begin(store, "reports", "one.csv", 3600);
    let second = begin(store, "postcodes", "onspd.csv", 3600);
    let third = begin(store, "reports", "two.csv", 3600);
    let runs = store.runs(10).expect("runs");
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    assert_eq!(ids, vec![third, second, first]);
    assert!(first < second && second < third);
    let newest: Vec<i64> = store
        .runs(2)
        .expect("runs")
        .iter()
        .map(|run| run.id)
        .collect();
    assert_eq!(newest, vec![third, second]);

    let one = get_run(store, second);
    assert_eq!(one, runs[1]);
    assert_eq!(one.kind, "postcodes");
    assert_eq!(one.source, "onspd.csv");
    assert_eq!(one.status, RunStatus::Running);
    assert_eq!(one.counts, RunCounts::default());
    assert_eq!(
        (one.sha256.as_deref(), one.message.as_deref()),
        (None, None)
    );
    assert_eq!(one.finished_at, None);
    assert_utc_text(&one.started_at);
    assert_eq!(one.started_at, one.updated_at);
    assert_eq!(store.run(third + 100).expect("run"), None);
}

fn a_stale_running_run_of_the_same_source_is_interrupted(store: &mut dyn Store) {
    let old = begin(store, "reports", "a.csv", 3600);
    let other_source = begin(store, "reports", "b.csv", 3600);
    let other_kind = begin(store, "postcodes", "a.csv", 3600);
    let done = begin(store, "reports", "a.csv", 3600);
    store
        .finish_run(
            done,
            &RunEnd {
                status: RunStatus::Completed,
                sha256: None,
                message: None,
            },
        )
        .expect("finish");

    // Fresh runs are not stale yet.
    let recent = begin(store, "reports", "a.csv", 3600);
    assert_eq!(get_run(store, old).status, RunStatus::Running);

    // Anything not updated since a second from now is stale: both running a.csv runs.
    let latest = begin(store, "reports", "a.csv", -1);
    for stopped in [old, recent] {
        let run = get_run(store, stopped);
        assert_eq!(run.status, RunStatus::Interrupted);
        assert_eq!(
            run.message.as_deref(),
            Some("Stopped before the end of the file; a later run completed it.")
        );
    }
    assert_eq!(get_run(store, latest).status, RunStatus::Running);
    assert_eq!(get_run(store, other_source).status, RunStatus::Running);
    assert_eq!(get_run(store, other_kind).status, RunStatus::Running);
    assert_eq!(get_run(store, done).status, RunStatus::Completed);
}

fn finishing_a_run_records_how_it_ended(store: &mut dyn Store) {
    let completed = begin(store, "reports", "good.csv", 3600);
    store_batch(
        store,
        completed,
        &batch(vec![report("F-1", date!(2017 - 05 - 01))], Vec::new()),
    );
    let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    store
        .finish_run(
            completed,
            &RunEnd {
                status: RunStatus::Completed,
                sha256: Some(sha.to_owned()),
                message: Some("ignored columns: notes".to_owned()),
            },
        )
        .expect("finish");
    let run = get_run(store, completed);
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.sha256.as_deref(), Some(sha));
    assert_eq!(run.message.as_deref(), Some("ignored columns: notes"));
    assert_eq!(run.counts, counts(1, 1, 0, 0));
    let finished_at = run.finished_at.expect("a finish time");
    assert_utc_text(&finished_at);
    assert_eq!(run.updated_at, finished_at);
    assert!(
        run.started_at <= finished_at,
        "fixed-width times sort as text"
    );

    let failed = begin(store, "reports", "binary.xlsx", 3600);
    store
        .finish_run(
            failed,
            &RunEnd {
                status: RunStatus::Failed,
                sha256: None,
                message: Some("this is not a text file".to_owned()),
            },
        )
        .expect("finish");
    let run = get_run(store, failed);
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.sha256, None);
    assert_eq!(run.message.as_deref(), Some("this is not a text file"));
    assert!(run.finished_at.is_some());
}

fn a_run_that_stopped_on_a_fault_ends_as_failed_with_its_message(store: &mut dyn Store) {
    let run_id = begin(store, "reports", "fault.csv", 3600);
    store_batch(
        store,
        run_id,
        &batch(
            vec![report("FAULT-1", date!(2017 - 05 - 01))],
            vec![RejectedRow {
                line: 3,
                reason: "bad".into(),
                raw: "x".into(),
            }],
        ),
    );
    let message = "loading stopped on an internal fault in the parsing stage: \u{2022} \0 kept";
    assert!(store.fail_run(run_id, message).expect("the run is failed"));
    let run = get_run(store, run_id);
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.message.as_deref().is_some_and(|stored| stored
            .starts_with("loading stopped on an internal fault")
            && stored.ends_with("kept")),
        "{:?}",
        run.message
    );
    assert_eq!(run.counts, counts(2, 1, 0, 1), "committed batches stay");
    assert_eq!(store.report_count().expect("count"), 1);
    let finished_at = run.finished_at.expect("a finish time");
    assert_utc_text(&finished_at);
    // An ended run is not changed, and a run that does not exist is not invented.
    assert!(!store.fail_run(run_id, "again").expect("no change"));
    assert_eq!(get_run(store, run_id).message, run.message);
    let completed = begin(store, "reports", "done.csv", 3600);
    store
        .finish_run(
            completed,
            &RunEnd {
                status: RunStatus::Completed,
                sha256: None,
                message: None,
            },
        )
        .expect("finish");
    assert!(!store.fail_run(completed, "late").expect("no change"));
    assert_eq!(get_run(store, completed).status, RunStatus::Completed);
    assert!(
        !store
            .fail_run(run_id + 1_000, "nothing")
            .expect("no change")
    );
}
