//! Victim care's cases on both backends: a triage on a fixed day queues the reports of
//! people; the officer's contact attempts, referral, hand-over and closing are kept in the
//! case's history across a fresh triage; the service-level timer follows a fake clock; bad
//! input is refused with why; and every read and change is audited exactly once.

use beacon_analytics::care::SlaStatus;
use beacon_app::care::{CareError, case_view, record, redact_closed, triage};
use beacon_core::{AgeBand, Pence, Report};
use beacon_store::{Backend, ReportBatch, Store};
use time::OffsetDateTime;
use time::macros::{date, datetime};

fn stores() -> Vec<(beacon_testing::TestDatabase, Box<dyn Store>)> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter_map(|backend| beacon_testing::TestDatabase::fresh(backend, "app_care"))
        .map(|database| {
            let store = database.open();
            (database, store)
        })
        .collect()
}

/// An 80-year-old's courier fraud, £12,000, judged vulnerable: level 4.
fn report(reference: &str, reported_on: time::Date) -> Report {
    Report {
        age_band: Some(AgeBand::EightyPlus),
        loss: Some(Pence(1_200_000)),
        vulnerable: Some(true),
        local_issues: vec!["courier_fraud".to_owned()],
        ..beacon_testing::blank_report(reference, reported_on)
    }
}

fn count(store: &mut dyn Store, action: &str) -> usize {
    store
        .audit_events(500)
        .expect("audit")
        .iter()
        .filter(|event| event.event.action == action)
        .count()
}

#[test]
fn a_cases_history_and_timer_are_kept_and_every_read_and_change_audited() {
    let weights = beacon_app::defaults::shipped_care_weights().expect("weights");
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        let run = store.begin_run("reports", "care.csv", 3600).expect("run");
        store
            .store_report_batch(
                run,
                &ReportBatch {
                    reports: vec![report("CARE-1", date!(2026 - 11 - 20))],
                    rejects: Vec::new(),
                },
            )
            .expect("stored");
        let at = datetime!(2026-11-20 09:00 UTC);
        triage(store, &weights, 90, date!(2026 - 11 - 20), "officer", at).expect("triaged");
        // Level 4 (80+, courier, £12,000, vulnerable, today): 48 hours from the report day.
        let due = datetime!(2026-11-22 00:00 UTC);
        let first = case_view(store, "officer", "CARE-1", at).expect("case");
        assert_eq!(first.entry.level, 4);
        assert_eq!(first.sla.due, due);
        assert_eq!(first.sla.status, SlaStatus::Pending);

        let step = |store: &mut dyn Store, event: (&str, &str, &str), at: OffsetDateTime| {
            record(store, "officer", "CARE-1", event, at).expect("recorded");
        };
        step(
            store,
            ("contact_attempt", "no_answer", ""),
            datetime!(2026-11-21 10:00 UTC),
        );
        assert_eq!(
            case_view(store, "officer", "CARE-1", datetime!(2026-11-22 00:01 UTC))
                .expect("case")
                .sla
                .status,
            SlaStatus::Overdue
        );
        step(
            store,
            (
                "contact_attempt",
                "reached",
                "Spoke to her daughter as well",
            ),
            datetime!(2026-11-22 11:00 UTC),
        );
        step(
            store,
            ("referral", "call_blocker", ""),
            datetime!(2026-11-22 11:05 UTC),
        );
        step(
            store,
            ("handover", "officer-two", "On leave from Monday"),
            datetime!(2026-11-22 11:10 UTC),
        );
        // A fresh triage replaces the queue; the history stays.
        triage(
            store,
            &weights,
            90,
            date!(2026 - 11 - 23),
            "officer-two",
            datetime!(2026-11-23 08:00 UTC),
        )
        .expect("triaged again");
        step(
            store,
            ("closed", "supported", ""),
            datetime!(2026-11-23 09:00 UTC),
        );
        let view = case_view(
            store,
            "officer-two",
            "CARE-1",
            datetime!(2026-11-24 00:00 UTC),
        )
        .expect("case");
        assert_eq!(view.sla.status, SlaStatus::MetLate);
        assert_eq!(
            view.sla.first_contact,
            Some(datetime!(2026-11-22 11:00 UTC))
        );
        assert_eq!(view.held_by.as_deref(), Some("officer-two"));
        assert_eq!(view.closed.as_deref(), Some("supported"));
        let history: Vec<&str> = view.history.iter().map(|line| line.what.as_str()).collect();
        assert_eq!(
            history,
            [
                "Contact attempt: No answer",
                "Contact attempt: Spoke to them",
                "Referral: Call blocker",
                "Handed over to officer-two",
                "Closed: Supported",
            ]
        );
        assert_eq!(view.history[1].note, "Spoke to her daughter as well");

        // Bad input is refused with why, and records nothing.
        for (event, why) in [
            (("contact_attempt", "maybe", ""), "how the contact went"),
            (("referral", "", ""), "Choose the referral"),
            (("gossip", "x", ""), "is not something recorded"),
            (("advice", "", ""), "Enter the advice given"),
            (
                ("advice", "no-such-advice", ""),
                "There is no advice item called no-such-advice",
            ),
        ] {
            match record(store, "officer", "CARE-1", event, at) {
                Err(CareError::Invalid(message)) => assert!(message.contains(why), "{message}"),
                other => panic!("{event:?} should be refused: {other:?}"),
            }
        }
        let long = "x".repeat(501);
        assert!(matches!(
            record(
                store,
                "officer",
                "CARE-1",
                ("advice", "courier-fraud-older-residents", &long),
                at
            ),
            Err(CareError::Invalid(_))
        ));
        assert!(matches!(
            record(store, "officer", "NO-SUCH", ("closed", "supported", ""), at),
            Err(CareError::NotFound(_))
        ));
        assert!(matches!(
            case_view(store, "officer", "NO-SUCH", at),
            Err(CareError::NotFound(_))
        ));
        // Every read and every change appears once: four reads (one of a case that is not
        // there, audited all the same), five changes; refused changes record nothing.
        assert_eq!(count(store, "view_care_case"), 4);
        assert_eq!(count(store, "update_care_case"), 5);
        assert_eq!(count(store, "triage_care_queue"), 2);

        // Retention: a year after closing, nothing is redacted a minute early, then the
        // notes and hand-over names go, once, and the audit says so.
        let closed_at = datetime!(2026-11-23 09:00 UTC);
        let year = time::Duration::days(365);
        assert_eq!(
            redact_closed(
                store,
                365,
                "beacon",
                closed_at + year - time::Duration::minutes(1)
            )
            .expect("none yet"),
            0
        );
        assert_eq!(
            redact_closed(
                store,
                365,
                "beacon",
                closed_at + year + time::Duration::minutes(1)
            )
            .expect("redacted"),
            1
        );
        assert_eq!(
            redact_closed(store, 365, "beacon", closed_at + year + year).expect("again"),
            0
        );
        assert_eq!(count(store, "redact_care_case"), 1);
        let redacted =
            case_view(store, "officer", "CARE-1", closed_at + year + year).expect("case");
        assert!(redacted.history.iter().all(|line| line.note.is_empty()));
        assert_eq!(
            redacted.history.last().map(|line| line.what.as_str()),
            Some(
                "Notes and hand-over names removed: the case was closed longer ago than its retention period"
            )
        );
        assert_eq!(redacted.held_by, None, "the hand-over's name is gone");
        assert!(
            redacted
                .history
                .iter()
                .any(|line| line.what == "Handed over (the name was removed with the notes)")
        );
    }
}
