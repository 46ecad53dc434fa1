//! The front door: a consented report is stored once whatever happens to its form, reads
//! back newest first within its days, and is counted by place and by sector in SQL.

use super::*;
use beacon_store::NewFrontDoorReport;
use time::macros::datetime;

stories!(with_store =>
    a_front_door_report_is_stored_once_and_read_back,
    front_door_reports_are_counted_by_place_and_sector,
);

fn resident(reference: &str, key: &str, at: time::OffsetDateTime) -> NewFrontDoorReport {
    NewFrontDoorReport {
        reference: reference.to_owned(),
        submission_key: key.to_owned(),
        submitted_at: at,
        reporter: "resident".to_owned(),
        what_happened: "impersonation".to_owned(),
        occurred_on: Some(date!(2019 - 11 - 30)),
        loss_pence: Some(125_000),
        contact_method: "phone_call".to_owned(),
        business_size: None,
        business_sector: None,
        place: "E06000016".to_owned(),
    }
}

fn business(reference: &str, key: &str, at: time::OffsetDateTime) -> NewFrontDoorReport {
    NewFrontDoorReport {
        reporter: "business".to_owned(),
        what_happened: "invoice_fraud".to_owned(),
        occurred_on: None,
        loss_pence: None,
        contact_method: "email".to_owned(),
        business_size: Some("micro".to_owned()),
        business_sector: Some("retail".to_owned()),
        place: "E07000129".to_owned(),
        ..resident(reference, key, at)
    }
}

fn a_front_door_report_is_stored_once_and_read_back(store: &mut dyn Store) {
    let at = datetime!(2019-12-01 10:30 UTC);
    let first = store
        .add_front_door_report(&resident("LR-AAAA3333", "key-1", at))
        .expect("stored");
    assert_eq!(first, "LR-AAAA3333");
    // The same form sent again (another reference drawn) stores nothing new.
    let again = store
        .add_front_door_report(&resident("LR-BBBB4444", "key-1", at))
        .expect("answered");
    assert_eq!(again, "LR-AAAA3333");
    // A reference already given is refused, so the caller draws another.
    let taken = store.add_front_door_report(&business("LR-AAAA3333", "key-2", at));
    assert!(
        matches!(taken, Err(StoreError::Duplicate { .. })),
        "{taken:?}"
    );
    store
        .add_front_door_report(&business(
            "LR-CCCC6666",
            "key-3",
            datetime!(2019-12-02 08:00 UTC),
        ))
        .expect("stored");
    store
        .add_front_door_report(&resident(
            "LR-DDDD7777",
            "key-4",
            datetime!(2020-01-01 00:00 UTC),
        ))
        .expect("stored");

    let page = store
        .front_door_reports(date!(2019 - 12 - 01), date!(2019 - 12 - 31), 0, 10)
        .expect("listed");
    assert_eq!(page.total, 2);
    let references: Vec<&str> = page.reports.iter().map(|r| r.reference.as_str()).collect();
    assert_eq!(references, ["LR-CCCC6666", "LR-AAAA3333"]);
    let older = &page.reports[1];
    assert_eq!(older.submitted_on, date!(2019 - 12 - 01));
    assert_eq!(older.submitted_at, at);
    assert_eq!(older.occurred_on, Some(date!(2019 - 11 - 30)));
    assert_eq!(older.loss_pence, Some(125_000));
    assert_eq!(
        (older.what_happened.as_str(), older.contact_method.as_str()),
        ("impersonation", "phone_call")
    );
    let newer = &page.reports[0];
    assert_eq!(newer.occurred_on, None);
    assert_eq!(newer.business_sector.as_deref(), Some("retail"));
    assert_eq!(newer.business_size.as_deref(), Some("micro"));
    let second = store
        .front_door_reports(date!(2019 - 12 - 01), date!(2019 - 12 - 31), 1, 10)
        .expect("paged");
    assert_eq!(second.total, 2);
    assert_eq!(second.reports.len(), 1);
    assert_eq!(second.reports[0].reference, "LR-AAAA3333");
}

fn front_door_reports_are_counted_by_place_and_sector(store: &mut dyn Store) {
    let at = datetime!(2019-06-10 12:00 UTC);
    let reports = [
        resident("LR-3333AAAA", "k1", at),
        resident("LR-3333AAAB", "k2", at),
        business("LR-3333AAAC", "k3", at),
        NewFrontDoorReport {
            business_sector: Some("charity".to_owned()),
            loss_pence: Some(5_000),
            ..business("LR-3333AAAD", "k4", at)
        },
        NewFrontDoorReport {
            place: "outside".to_owned(),
            ..resident("LR-3333AAAE", "k5", at)
        },
        // Outside the days counted.
        resident("LR-3333AAAF", "k6", datetime!(2019-07-01 00:00 UTC)),
    ];
    for report in &reports {
        store.add_front_door_report(report).expect("stored");
    }
    let counts = store
        .front_door_counts(date!(2019 - 06 - 01), date!(2019 - 06 - 30))
        .expect("counted");
    assert_eq!((counts.total, counts.from_businesses), (5, 2));
    let places: Vec<(&str, u64, u64, i64)> = counts
        .by_place
        .iter()
        .map(|c| (c.key.as_str(), c.reports, c.from_businesses, c.loss_pence))
        .collect();
    assert_eq!(
        places,
        [
            ("E06000016", 2, 0, 250_000),
            ("E07000129", 2, 2, 5_000),
            ("outside", 1, 0, 125_000),
        ]
    );
    let sectors: Vec<(&str, u64)> = counts
        .by_sector
        .iter()
        .map(|c| (c.key.as_str(), c.reports))
        .collect();
    assert_eq!(sectors, [("charity", 1), ("retail", 1)]);
    let none = store
        .front_door_counts(date!(2018 - 01 - 01), date!(2018 - 12 - 31))
        .expect("counted");
    assert_eq!(none, beacon_store::FrontDoorCounts::default());
}
