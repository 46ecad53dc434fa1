//! Victim care: a triage reads the reports from a day on with what the score needs, and
//! a triage run replaces the queue whole, which reads back in the queue's order.

use super::*;
use beacon_store::{CareQueueFilter, NewCareCase, NewCaseEvent, StoreError};

/// Every open case.
const ALL: CareQueueFilter = CareQueueFilter {
    level: None,
    overdue_at: None,
};
use time::macros::datetime;

stories!(with_store =>
    a_triage_reads_the_reports_and_replaces_the_queue_whole,
    a_cases_events_outlive_the_queue_being_replaced,
);

fn a_triage_reads_the_reports_and_replaces_the_queue_whole(store: &mut dyn Store) {
    let run_id = begin(store, "reports", "care.csv", 3600);
    let older = Report {
        age_band: Some(AgeBand::EightyPlus),
        vulnerable: Some(true),
        repeat_victim: Some(false),
        victim_key: Some("victim-1".to_owned()),
        local_issues: vec!["courier_fraud".to_owned()],
        ..report_with_loss("CARE-1", date!(2026 - 11 - 20), 1_200_000)
    };
    let business = Report {
        victim_type: VictimType::Organisation,
        ..report("CARE-2", date!(2026 - 11 - 25))
    };
    let too_old = report("CARE-0", date!(2025 - 01 - 01));
    store_batch(
        store,
        run_id,
        &batch(vec![older, business, too_old], Vec::new()),
    );
    let inputs = store.triage_inputs(date!(2026 - 01 - 01)).expect("inputs");
    let seen: Vec<(&str, &str)> = inputs
        .iter()
        .map(|input| (input.reference.as_str(), input.victim_type.as_str()))
        .collect();
    assert_eq!(seen, [("CARE-1", "individual"), ("CARE-2", "organisation")]);
    let first = &inputs[0];
    assert_eq!(first.reported_on, date!(2026 - 11 - 20));
    assert_eq!(first.age_band.as_deref(), Some("80+"));
    assert_eq!(first.loss_pence, Some(1_200_000));
    assert_eq!(
        (first.vulnerable, first.repeat_victim),
        (Some(true), Some(false))
    );
    assert_eq!(first.victim_key.as_deref(), Some("victim-1"));
    assert_eq!(first.local_issues, "courier_fraud");
    assert_eq!(inputs[1].loss_pence, None);

    let case = |report_id: i64, reference: &str, score: u32, level: u8| NewCareCase {
        report_id,
        reference: reference.to_owned(),
        reported_on: date!(2026 - 11 - 20),
        score,
        level,
        contact_due: datetime!(2026-11-22 00:00 UTC),
        reasons_json: format!("[{{\"text\":\"because\",\"points\":{score}}}]"),
    };
    let at = datetime!(2026-11-30 09:00 UTC);
    let written = store
        .replace_care_queue(
            &[
                case(first.report_id, "CARE-1", 40, 2),
                case(inputs[1].report_id, "CARE-2", 90, 4),
            ],
            "weights-a",
            at,
        )
        .expect("written");
    assert_eq!(written, 2);
    let page = store.care_queue(&ALL, 0, 10).expect("queue");
    assert_eq!(page.total, 2);
    let order: Vec<(&str, u32, u8)> = page
        .cases
        .iter()
        .map(|c| (c.reference.as_str(), c.score, c.level))
        .collect();
    assert_eq!(order, [("CARE-2", 90, 4), ("CARE-1", 40, 2)]);
    assert_eq!(page.cases[1].contact_due, datetime!(2026-11-22 00:00 UTC));
    assert_eq!(page.cases[1].weights, "weights-a");
    assert_eq!(page.cases[1].triaged_at, at);
    assert_eq!(
        page.cases[1].reasons_json,
        "[{\"text\":\"because\",\"points\":40}]"
    );
    // Filtered by level, and by first contact overdue at a moment (both due on the 22nd).
    let level_4 = CareQueueFilter {
        level: Some(4),
        overdue_at: None,
    };
    let page = store.care_queue(&level_4, 0, 10).expect("level 4");
    assert_eq!(
        (page.total, page.cases[0].reference.as_str()),
        (1, "CARE-2")
    );
    let overdue = |at| CareQueueFilter {
        level: None,
        overdue_at: Some(at),
    };
    assert_eq!(
        store
            .care_queue(&overdue(datetime!(2026-11-21 23:59 UTC)), 0, 10)
            .expect("not yet")
            .total,
        0
    );
    assert_eq!(
        store
            .care_queue(&overdue(datetime!(2026-11-22 00:01 UTC)), 0, 10)
            .expect("overdue")
            .total,
        2
    );
    // A page further on; then a run that scores only one case leaves only it.
    assert_eq!(
        store.care_queue(&ALL, 1, 10).expect("page 2").cases.len(),
        1
    );
    let written = store
        .replace_care_queue(&[case(first.report_id, "CARE-1", 45, 2)], "weights-b", at)
        .expect("replaced");
    assert_eq!(written, 1);
    let page = store.care_queue(&ALL, 0, 10).expect("queue");
    assert_eq!(page.total, 1);
    assert_eq!(
        (page.cases[0].score, page.cases[0].weights.as_str()),
        (45, "weights-b")
    );
}

fn a_cases_events_outlive_the_queue_being_replaced(store: &mut dyn Store) {
    let run_id = begin(store, "reports", "care-events.csv", 3600);
    store_batch(
        store,
        run_id,
        &batch(vec![report("CASE-1", date!(2026 - 11 - 20))], Vec::new()),
    );
    let input = store
        .triage_inputs(date!(2026 - 01 - 01))
        .expect("inputs")
        .remove(0);
    let at = datetime!(2026-11-21 10:00 UTC);
    let case = NewCareCase {
        report_id: input.report_id,
        reference: "CASE-1".to_owned(),
        reported_on: input.reported_on,
        score: 60,
        level: 3,
        contact_due: datetime!(2026-11-21 00:00 UTC),
        reasons_json: "[]".to_owned(),
    };
    store
        .replace_care_queue(std::slice::from_ref(&case), "w", at)
        .expect("queued");
    assert_eq!(
        store.care_case("CASE-1").expect("read").map(|c| c.level),
        Some(3)
    );
    assert_eq!(store.care_case("NO-SUCH").expect("read"), None);
    let event = |kind: &str, detail: &str, minutes: i64| NewCaseEvent {
        report_id: input.report_id,
        kind: kind.to_owned(),
        detail: detail.to_owned(),
        note: String::new(),
        by: "officer".to_owned(),
        at: at + time::Duration::minutes(minutes),
    };
    store
        .add_case_event(&event("contact_attempt", "no_answer", 0))
        .expect("added");
    store
        .add_case_event(&event("contact_attempt", "reached", 30))
        .expect("added");
    store
        .add_case_event(&event("referral", "call_blocker", 31))
        .expect("added");
    // The queue is scored again: the case's history stays.
    store
        .replace_care_queue(std::slice::from_ref(&case), "w2", at)
        .expect("queued again");
    let events = store.case_events(input.report_id).expect("events");
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.kind.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("contact_attempt", "no_answer"),
            ("contact_attempt", "reached"),
            ("referral", "call_blocker")
        ]
    );
    assert_eq!(events[1].at, datetime!(2026-11-21 10:30 UTC));
    // The first contact that reached the victim is read with the case.
    assert_eq!(
        store
            .care_case("CASE-1")
            .expect("read")
            .and_then(|c| c.first_contact),
        Some(datetime!(2026-11-21 10:30 UTC))
    );
    assert_eq!(
        store.care_queue(&ALL, 0, 10).expect("queue").cases[0].first_contact,
        Some(datetime!(2026-11-21 10:30 UTC))
    );
    // The board reads the period's cases with their first contact and referrals.
    let board = store
        .care_board_cases(date!(2026 - 11 - 01), date!(2026 - 11 - 30))
        .expect("board cases");
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].level, 3);
    assert_eq!(
        board[0].first_reached,
        Some(datetime!(2026-11-21 10:30 UTC))
    );
    assert_eq!(board[0].referrals, 1);
    assert!(
        store
            .care_board_cases(date!(2026 - 11 - 21), date!(2026 - 11 - 30))
            .expect("board cases")
            .is_empty()
    );
    // Reached at 10:30 on the 21st, before it was due: never overdue.
    let after_due = CareQueueFilter {
        level: None,
        overdue_at: Some(datetime!(2026-11-22 00:01 UTC)),
    };
    assert_eq!(store.care_queue(&after_due, 0, 10).expect("queue").total, 0);
    // Closing the case takes it out of the queue's pages (and its level's count); it
    // still opens by reference.
    let level_three = CareQueueFilter {
        level: Some(3),
        overdue_at: None,
    };
    assert_eq!(store.care_queue(&ALL, 0, 10).expect("queue").total, 1);
    assert_eq!(
        store.care_queue(&level_three, 0, 10).expect("queue").total,
        1
    );
    store
        .add_case_event(&event("closed", "supported", 60))
        .expect("closed");
    let page = store.care_queue(&ALL, 0, 10).expect("queue");
    assert_eq!((page.total, page.cases.len()), (0, 0));
    assert!(store.care_case("CASE-1").expect("read").is_some());
    // Closed twice, it is still one case fewer, at its level too; scored again, it stays
    // out of the pages (its history says it was closed).
    assert_eq!(
        store.care_queue(&level_three, 0, 10).expect("queue").total,
        0
    );
    store
        .add_case_event(&event("closed", "supported", 60))
        .expect("closed again");
    store
        .replace_care_queue(std::slice::from_ref(&case), "w3", at)
        .expect("queued again");
    let page = store.care_queue(&ALL, 0, 10).expect("queue");
    assert_eq!((page.total, page.cases.len()), (0, 0));
    assert_eq!(
        store.care_queue(&level_three, 0, 10).expect("queue").total,
        0
    );
    // Retention: a case closed before the cut-off has its notes and hand-over names
    // removed, once, with a `redacted` event saying so; an open case keeps everything.
    store
        .add_case_event(&NewCaseEvent {
            note: "Lives alone; daughter helps".to_owned(),
            ..event("handover", "officer-two", 45)
        })
        .expect("handed over");
    let cut_off = at + time::Duration::minutes(61);
    assert_eq!(
        store
            .redact_closed_cases(at, "beacon", cut_off)
            .expect("none yet"),
        Vec::<String>::new(),
        "closed after the cut-off: kept"
    );
    let redacted = store
        .redact_closed_cases(cut_off, "beacon", cut_off)
        .expect("redacted");
    assert_eq!(redacted, ["CASE-1"]);
    let events = store.case_events(input.report_id).expect("events");
    assert!(events.iter().all(|e| e.note.is_empty()), "{events:?}");
    let handover = events.iter().find(|e| e.kind == "handover").expect("kept");
    assert_eq!(handover.detail, "");
    assert_eq!(events.last().map(|e| e.kind.as_str()), Some("redacted"));
    assert_eq!(
        store
            .redact_closed_cases(cut_off, "beacon", cut_off)
            .expect("again"),
        Vec::<String>::new()
    );
    assert_eq!(events[1].by, "officer");
    let unknown = NewCaseEvent {
        report_id: input.report_id + 1000,
        ..event("advice", "courier-fraud-older-residents", 40)
    };
    assert!(matches!(
        store.add_case_event(&unknown),
        Err(StoreError::NotFound { what: "report", .. })
    ));
}
