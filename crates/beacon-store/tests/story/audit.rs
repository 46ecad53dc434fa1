//! The audit log: events listed newest first, searched by actor, action and time, with
//! the origin of the scope they were written in.

use super::*;
use beacon_store::{AuditFilter, AuditOrigin};
use time::{Duration, OffsetDateTime};

stories!(with_store =>
    audit_events_are_listed_newest_first,
    audit_events_filter_by_actor_and_action,
    audit_events_keep_the_origin_of_their_scope,
);

fn audit_events_are_listed_newest_first(store: &mut dyn Store) {
    assert!(store.audit_events(10).expect("events").is_empty());
    let event = |action: &str, subject: &str| AuditEvent {
        actor: "analyst".to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail: format!("{action} of {subject}"),
    };
    let events = [
        event("read_quarantine", "ingest_run:1"),
        event("export_report", "period:2017-02"),
        event("read_quarantine", "ingest_run:2"),
    ];
    for each in &events {
        store.audit(each).expect("audit");
    }
    let records = store.audit_events(10).expect("events");
    let recorded: Vec<&AuditEvent> = records.iter().map(|record| &record.event).collect();
    assert_eq!(recorded, vec![&events[2], &events[1], &events[0]]);
    for record in &records {
        assert_utc_text(&record.at);
    }
    assert!(records[0].at >= records[2].at);
    let newest = store.audit_events(2).expect("events");
    assert_eq!(newest.len(), 2);
    assert_eq!(newest[0].event, events[2]);
}

fn audit_events_filter_by_actor_and_action(store: &mut dyn Store) {
    for (actor, action) in [
        ("ann", "view_reports"),
        ("bob", "view_reports"),
        ("ann", "sign_in"),
    ] {
        store
            .audit(&AuditEvent {
                actor: actor.into(),
                action: action.into(),
                subject: "reports".into(),
                detail: String::new(),
            })
            .expect("audit");
    }
    let filter = |actor: Option<&str>, action: Option<&str>| AuditFilter {
        actor: actor.map(str::to_owned),
        action: action.map(str::to_owned),
        limit: 50,
        ..AuditFilter::default()
    };
    assert_eq!(
        store.audit_search(&filter(None, None)).expect("all").len(),
        3
    );
    let ann = store.audit_search(&filter(Some("ann"), None)).expect("ann");
    assert_eq!(
        ann.iter()
            .map(|e| e.event.action.as_str())
            .collect::<Vec<_>>(),
        ["sign_in", "view_reports"]
    );
    assert_eq!(
        store
            .audit_search(&filter(None, Some("view_reports")))
            .expect("views")
            .len(),
        2
    );
    let future = AuditFilter {
        from: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
        limit: 50,
        ..AuditFilter::default()
    };
    assert!(store.audit_search(&future).expect("none").is_empty());
}

fn audit_events_keep_the_origin_of_their_scope(store: &mut dyn Store) {
    let event = |action: &str| AuditEvent {
        actor: "ann".into(),
        action: action.into(),
        subject: "reports".into(),
        detail: String::new(),
    };
    store.audit(&event("from_the_command_line")).expect("audit");
    let origin = AuditOrigin::new(Some("192.0.2.7".into()), Some("Mozilla/5.0 (test)"));
    origin
        .clone()
        .scope(|| store.audit(&event("from_the_web")))
        .expect("audit");
    let events = store.audit_events(10).expect("events");
    assert_eq!(events[0].event.action, "from_the_web");
    assert_eq!(events[0].origin, origin);
    assert_eq!(events[1].origin, AuditOrigin::default());
}
