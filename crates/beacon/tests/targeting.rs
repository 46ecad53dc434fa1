//! `beacon campaigns targets` end to end on SQLite and PostgreSQL: reports loaded with
//! `beacon ingest reports` come back ranked into audience and threat pairs with their
//! reasons, in words and as JSON.

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use serde_json::Value;
use std::process::{Command, Output};

const REPORTS: &str =
    "reference,reported_date,fraud_type,victim_type,victim_age,loss_gbp,district_code,tags,summary
T1,2026-10-05,NFIB90,individual,80+,12000,E07000130,courier,SYNTHETIC
T2,2026-11-06,NFIB90,individual,70-79,8000,E07000130,courier,SYNTHETIC
T3,2026-07-07,NFIB90,individual,80+,3000,E06000016,courier,SYNTHETIC
T4,2026-11-08,Mandate fraud,business,,45000,E06000016,,SYNTHETIC
T5,2026-11-09,Dating scam,individual,40-49,5000,E06000016,,SYNTHETIC
";

fn beacon(database: &str, folder: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("--database")
        .arg(database)
        .args(args)
        .current_dir(folder)
        .env_remove("BEACON_CONFIG")
        .output()
        .expect("beacon runs")
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "beacon failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

#[test]
fn targets_rank_the_stored_reports_with_reasons() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(database) = TestDatabase::fresh(backend, "cli_targeting") else {
            continue;
        };
        let folder = tempfile::tempdir().expect("a temporary folder");
        let file = folder.path().join("reports.csv");
        std::fs::write(&file, REPORTS).expect("written");
        let url = database.location();
        succeeded(&beacon(
            url,
            folder.path(),
            &["ingest", "reports", file.to_str().expect("UTF-8")],
        ));
        let json: Value = serde_json::from_str(&succeeded(&beacon(
            url,
            folder.path(),
            &["campaigns", "targets", "--json"],
        )))
        .expect("one JSON object");
        assert_eq!(json["window"]["from"], "2025-12-01", "{backend:?}");
        assert_eq!(json["window"]["to"], "2026-11-09", "{backend:?}");
        assert_eq!(json["ranked"][0]["audience"], "older_residents");
        assert_eq!(json["ranked"][0]["threat"], "courier_fraud");
        assert_eq!(json["ranked"][0]["reports"], 3);
        assert_eq!(json["ranked"][1]["threat"], "invoice_mandate_fraud");
        assert_eq!(json["unranked_reports"], 1);
        let printed = succeeded(&beacon(url, folder.path(), &["campaigns", "targets"]));
        assert!(
            printed.contains("1. Older residents — Courier fraud"),
            "{printed}"
        );
        assert!(
            printed.contains(
                "- Courier fraud against people aged 70 and over: 3 reports in the last 12 months"
            ),
            "{printed}"
        );
        assert!(
            printed.contains("proposal: Courier fraud advice for older residents in Charnwood"),
            "{printed}"
        );
    }
}
