//! Business engagement: a business is kept once however its name is written, each
//! engagement once per business, way and day (a re-import stores nothing twice and
//! counts the duplicates), an import's quarantined rows and counts go with it, and the
//! figures and the log read back in their orders.

use super::*;
use beacon_core::RejectedRow;
use beacon_store::NewEngagement;
use time::macros::datetime;

stories!(with_store =>
    engagements_are_kept_once_and_read_back_in_order,
);

fn engagement(name: &str, how: &str, on: Date) -> NewEngagement {
    NewEngagement {
        business: name.to_owned(),
        business_key: beacon_core::text::fold(name),
        sector: "retail".to_owned(),
        size: Some("micro".to_owned()),
        district_code: "E06000016".to_owned(),
        how: how.to_owned(),
        on,
        note: String::new(),
    }
}

fn engagements_are_kept_once_and_read_back_in_order(store: &mut dyn Store) {
    let run_id = begin(store, "engagement", "engagement.csv", 3600);
    let at = datetime!(2019-12-31 12:00 UTC);
    let file = vec![
        engagement("Corner Shop Ltd", "visit", date!(2019 - 11 - 04)),
        engagement("corner shop ltd.", "email", date!(2019 - 12 - 02)),
        engagement("Bakery", "event", date!(2019 - 10 - 10)),
    ];
    let rejects = vec![RejectedRow {
        line: 5,
        reason: "the business has no name".to_owned(),
        raw: ",retail".to_owned(),
    }];
    let first = store
        .record_engagements(Some(run_id), &file, &rejects, "coordinator", at)
        .expect("stored");
    assert_eq!((first.stored, first.duplicates), (3, 0));
    // The same file again: nothing new.
    let again = store
        .record_engagements(None, &file, &[], "coordinator", at)
        .expect("stored");
    assert_eq!((again.stored, again.duplicates), (0, 3));
    let run = store.run(run_id).expect("read").expect("the run");
    assert_eq!(
        (run.counts.read, run.counts.stored, run.counts.rejected),
        (4, 3, 1)
    );
    assert_eq!(store.quarantined(run_id).expect("read").len(), 1);

    let facts = store
        .engagement_facts(date!(2019 - 10 - 01), date!(2019 - 11 - 30))
        .expect("facts");
    let seen: Vec<(&str, Date)> = facts.iter().map(|f| (f.how.as_str(), f.on)).collect();
    assert_eq!(
        seen,
        [
            ("event", date!(2019 - 10 - 10)),
            ("visit", date!(2019 - 11 - 04))
        ]
    );
    let (total, log) = store.engagement_log(0, 2).expect("log");
    assert_eq!(total, 3);
    // One business, written two ways: kept once, with the latest name.
    assert_eq!(log[0].business, "corner shop ltd.");
    assert_eq!(log[0].on, date!(2019 - 12 - 02));
    assert_eq!(log[1].business, "corner shop ltd.");
    assert_eq!(log[1].how, "visit");
    let all = store
        .engagement_facts(date!(2019 - 01 - 01), date!(2019 - 12 - 31))
        .expect("facts");
    let businesses: std::collections::BTreeSet<i64> = all.iter().map(|f| f.business_id).collect();
    assert_eq!(businesses.len(), 2);

    // The Action Fraud side of the reporting gap: organisations' reports by sector.
    let reports_run = begin(store, "reports", "sectors.csv", 3600);
    let organisation = |reference: &str, sector: Option<&str>, on: Date| Report {
        victim_type: VictimType::Organisation,
        org_sector: sector.map(str::to_owned),
        ..report(reference, on)
    };
    store_batch(
        store,
        reports_run,
        &batch(
            vec![
                organisation("ORG-1", Some("retail"), date!(2019 - 11 - 01)),
                organisation("ORG-2", Some("retail"), date!(2019 - 11 - 02)),
                organisation("ORG-3", Some("charity"), date!(2019 - 11 - 03)),
                organisation("ORG-4", None, date!(2019 - 11 - 03)),
                organisation("ORG-5", Some("retail"), date!(2018 - 11 - 03)),
                report("PERSON-1", date!(2019 - 11 - 03)),
            ],
            Vec::new(),
        ),
    );
    assert_eq!(
        store
            .organisation_reports_by_sector(date!(2019 - 01 - 01), date!(2019 - 12 - 31))
            .expect("counts"),
        [("charity".to_owned(), 1), ("retail".to_owned(), 2)]
    );
}
