//! The report explorer: filtered groups and pages of victim-level rows.

use super::*;
use beacon_store::{ReportFilter, ReportSort};

stories!(with_store =>
    the_explorer_filters_groups_and_pages_reports,
);

fn the_explorer_filters_groups_and_pages_reports(store: &mut dyn Store) {
    let before = store.data_version().expect("version");
    let run = begin(store, "reports", "explore.csv", 600);
    let mut reports = Vec::new();
    for index in 0..30 {
        let mut report = report_with_loss(
            &format!("NFRC{index:04}"),
            date!(2017 - 01 - 01) + time::Duration::days(index),
            (index + 1) * 50_000,
        );
        if index % 3 == 0 {
            report.local_issues = vec!["courier_fraud".into()];
        } else {
            report.district = Some(code("E06000016"));
        }
        reports.push(report);
    }
    store_batch(store, run, &batch(reports, Vec::new()));
    assert_ne!(store.data_version().expect("version"), before);

    let everything = ReportFilter::default();
    let groups = store.report_groups(&everything).expect("groups");
    assert_eq!(groups.iter().map(|g| g.reports).sum::<u64>(), 30);

    let unknown = ReportFilter {
        district: Some("unknown".into()),
        ..ReportFilter::default()
    };
    let (total, rows) = store
        .report_rows(&unknown, ReportSort::LargestLoss, 4, 0)
        .expect("rows");
    assert_eq!((total, rows.len()), (10, 4));
    assert_eq!(rows[0].loss_pence, Some(28 * 50_000));
    assert!(
        rows.iter()
            .all(|r| r.district_code.is_none() && r.local_issues == "courier_fraud")
    );
    let (_, next) = store
        .report_rows(&unknown, ReportSort::LargestLoss, 4, 8)
        .expect("page 3");
    assert_eq!(next.len(), 2);
    // £10,000 (the 20th report) starts the next band.
    let ten_k = ReportFilter {
        loss_band: Some("10k_100k".into()),
        ..ReportFilter::default()
    };
    let (_, rows) = store
        .report_rows(&ten_k, ReportSort::SmallestLoss, 1, 0)
        .expect("rows");
    assert_eq!(rows[0].loss_pence, Some(1_000_000));

    let courier = ReportFilter {
        local_issue: Some("courier_fraud".into()),
        ..ReportFilter::default()
    };
    assert_eq!(
        store
            .report_rows(&courier, ReportSort::NewestFirst, 100, 0)
            .expect("rows")
            .0,
        10
    );
    let january = ReportFilter {
        from: Some(date!(2017 - 01 - 10)),
        to: Some(date!(2017 - 01 - 19)),
        loss_band: Some("1k_10k".into()),
        ..ReportFilter::default()
    };
    // 10 to 19 January carry £5,000 to £9,500, all in the band.
    let (total, rows) = store
        .report_rows(&january, ReportSort::OldestFirst, 100, 0)
        .expect("rows");
    assert_eq!(total, 10);
    assert_eq!(rows[0].reported_on, "2017-01-10");
}
