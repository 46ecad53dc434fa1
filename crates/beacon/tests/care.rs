//! `beacon care` end to end on SQLite and PostgreSQL: reports loaded with `beacon ingest
//! reports` come back as the triage queue in its order, each case with its score, level,
//! contact-due time and reasons, in words and as JSON; organisations are not in it; a
//! weights file of the area's own changes the scores, and a bad one is refused with why.

mod common;

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use common::{beacon, json};
use std::process::Output;

const REPORTS: &str = "reference,reported_date,fraud_type,victim_type,victim_age,loss_gbp,district_code,tags,vulnerable,repeat_victim,victim_key,summary
C1,2026-11-27,NFIB90,individual,84,12000,E07000130,courier,yes,,vk-1,SYNTHETIC
C2,2026-11-10,Dating scam,individual,72,800,E06000016,,no,,vk-2,SYNTHETIC
C3,2026-08-22,Mandate fraud,individual,,,E06000016,,,,vk-2,SYNTHETIC
C4,2026-11-28,Mandate fraud,business,,100000,E06000016,,,,,SYNTHETIC
C5,2026-11-20,NFIB90,individual,25,,E07000131,,yes,,,SYNTHETIC
C6,2026-10-01,Mandate fraud,individual,45,500,E07000131,,,,,SYNTHETIC
C7,2026-09-30,Mandate fraud,individual,,900,E07000131,,,,,SYNTHETIC
";

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "beacon failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn the_queue_comes_from_the_reports_with_every_reason(backend: Backend) {
    let Some(database) = TestDatabase::fresh(backend, "care_cli") else {
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("reports.csv");
    std::fs::write(&file, REPORTS).expect("written");
    let location = database.location();
    let file_text = file.to_str().expect("a path");
    let loaded = text(&beacon(
        location,
        None,
        &["ingest", "reports", file_text],
        &[],
    ));
    // Loading reports scores the queue again, so new victims are in it at once.
    assert!(
        loaded.contains("Victim care: the triage queue was scored again"),
        "{loaded}"
    );
    let queue = json(&beacon(
        location,
        None,
        &["care", "queue", "--to", "2026-11-30", "--json"],
        &[],
    ));
    let entries = queue["entries"].as_array().expect("entries");
    let order: Vec<(&str, u64, u64)> = entries
        .iter()
        .map(|entry| {
            (
                entry["reference"].as_str().expect("reference"),
                entry["score"].as_u64().expect("score"),
                entry["level"].as_u64().expect("level"),
            )
        })
        .collect();
    // People's known losses £500, £800, £900, £12,000: median £850. C1: 80+ 30, courier
    // 25, £12,000 15, 14 times the median 10, vulnerable 30, 3 days ago 10 = 120. C2:
    // 70-79 20, one earlier report by vk-2 (C3) 15, dating scam 25, 20 days ago 5 = 65.
    // C5: vulnerable 30, 10 days ago 5 = 35, raised to level 3. C7 and C6: nothing scores,
    // the earlier reported first. C3 (100 days ago) is outside the 90 days but links C2;
    // C4 is a business.
    assert_eq!(
        order,
        [
            ("C1", 120, 4),
            ("C2", 65, 3),
            ("C5", 35, 3),
            ("C7", 0, 1),
            ("C6", 0, 1)
        ],
        "{queue}"
    );
    assert_eq!(queue["total"], 5);
    let reasons: Vec<&str> = entries[1]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|reason| reason["text"].as_str().expect("text"))
        .collect();
    assert_eq!(
        reasons,
        [
            "Aged 70 to 79",
            "Reported 1 time before in the 365 days before this report",
            "Romance fraud",
            "Reported in the last 28 days",
        ]
    );
    assert_eq!(entries[0]["contact_due"], "2026-11-29T00:00:00Z");
    let level_3 = json(&beacon(
        location,
        None,
        &[
            "care",
            "queue",
            "--to",
            "2026-11-30",
            "--level",
            "3",
            "--json",
        ],
        &[],
    ));
    assert_eq!(level_3["total"], 2, "{level_3}");
    assert_eq!(level_3["entries"][0]["reference"], "C2");
    assert_eq!(entries[0]["level_label"], "Face-to-face by the local force");
    // In words: each case with its reasons and points.
    let words = text(&beacon(
        location,
        None,
        &["care", "queue", "--to", "2026-11-30", "--limit", "1"],
        &[],
    ));
    assert!(words.contains("triage queue: cases 1 to 1 of 5"), "{words}");
    assert!(
        words.contains("C1  reported 2026-11-27  score 120  level 4"),
        "{words}"
    );
    assert!(
        words.contains(" +30  Judged vulnerable by the reporting officer"),
        "{words}"
    );
    // The area's own weights: courier fraud worth nothing moves C1 down by 25.
    let own = folder.path().join("triage.toml");
    std::fs::write(
        &own,
        beacon_ingest::reference::SHIPPED_TRIAGE_WEIGHTS.replace(
            "label = \"Courier fraud\"\npoints = 25",
            "label = \"Courier fraud\"\npoints = 0",
        ),
    )
    .expect("written");
    let own_text = own.to_str().expect("a path");
    let changed = json(&beacon(
        location,
        None,
        &[
            "care",
            "queue",
            "--to",
            "2026-11-30",
            "--weights",
            own_text,
            "--json",
        ],
        &[],
    ));
    assert_eq!(changed["entries"][0]["score"], 95, "{changed}");
    // A weights file that cannot work is refused, saying why; the queue stays as it was.
    std::fs::write(&own, "[age]\nseventies = 1\n").expect("written");
    let refused = beacon(
        location,
        None,
        &["care", "triage", "--weights", own_text],
        &[],
    );
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("triage weights file") && why.contains("eighty_plus"),
        "{why}"
    );
}

#[test]
fn the_queue_comes_from_the_reports_with_every_reason_on_sqlite() {
    the_queue_comes_from_the_reports_with_every_reason(Backend::Sqlite);
}

#[test]
fn the_queue_comes_from_the_reports_with_every_reason_on_postgres() {
    the_queue_comes_from_the_reports_with_every_reason(Backend::Postgres);
}
