//! The use cases the CLI and the web call, on SQLite and PostgreSQL: figures for a
//! period, the board update's data, organisations, address counts and exports.

use beacon_analytics::Dimension;
use beacon_analytics::register::AddressDimension;
use beacon_app::addresses::{AddressQuery, count_addresses};
use beacon_app::export::{ExportFormat, ExportQuery, ExportTarget, record_export, select};
use beacon_app::organisations::{OrganisationError, import_organisations};
use beacon_app::reference::ensure_reference_data;
use beacon_app::stats::{StatsError, compute};
use beacon_app::{FeedOptions, IngestOptions, Owners, ingest_feed, ingest_reports};
use beacon_core::{Period, Tlp};
use beacon_store::{Backend, Store};
use time::macros::{date, datetime};

const REPORTS: &str =
    "reference,reported_date,fraud_type,victim_type,loss_gbp,postcode,district_code,tags,summary
NFRC1,2017-01-05,NFIB5A,individual,8300,LE1 5WW,,courier,SYNTHETIC
NFRC2,2017-01-06,Dating scam,individual,11000,,E07000133,,
NFRC3,2017-02-07,NFIB52E,individual,0,,E06000016,,
";

const DIRECTORY: &str = "name,sector,district,contacts,networks,asns,domains
Example Council,local-government,E06000016,soc@example.org,192.0.2.0/28,,
";

const FEED: &str = "192.0.2.1\n192.0.2.2\n198.51.100.7\n";

/// A fresh store with reference data on each backend available.
fn stores() -> Vec<(beacon_testing::TestDatabase, Box<dyn Store>)> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter_map(|backend| beacon_testing::TestDatabase::fresh(backend, "app_use_cases"))
        .map(|database| {
            let mut store = database.open();
            ensure_reference_data(store.as_mut()).expect("reference data");
            (database, store)
        })
        .collect()
}

fn load(store: &mut dyn Store) {
    let options = IngestOptions::new(
        beacon_app::defaults::shipped_rules().expect("shipped rules"),
        date!(2026 - 11 - 29),
    );
    let outcome = ingest_reports(
        store,
        "reports.csv",
        Box::new(std::io::Cursor::new(REPORTS.as_bytes().to_vec())),
        &options,
        &mut |_| {},
    )
    .expect("reports load");
    assert_eq!(outcome.stored, 3);
    import_organisations(store, DIRECTORY.as_bytes(), "directory.csv", "test").expect("import");
    let owners = Owners::load(store).expect("owners");
    let feed = ingest_feed(
        store,
        "blocklist.txt",
        Box::new(std::io::Cursor::new(FEED.as_bytes().to_vec())),
        &owners,
        &FeedOptions::new(datetime!(2017-01-10 12:00 UTC)),
        &mut |_| {},
    )
    .expect("feed load");
    assert_eq!(feed.attributed, 2);
}

#[test]
fn figures_for_a_period_default_to_the_stored_reports_and_break_down() {
    for (_database, mut store) in stores() {
        let backend = store.backend();
        load(store.as_mut());
        let rules = beacon_app::defaults::shipped_rules().expect("rules");
        let stats = compute(
            store.as_mut(),
            None,
            None,
            &[Dimension::Month],
            &rules,
            date!(2026 - 11 - 29),
        )
        .expect("figures");
        assert_eq!(
            (stats.summary.fraud.reports, stats.summary.cyber.reports),
            (2, 1),
            "{backend:?}"
        );
        assert_eq!(stats.summary.from, "2017-01-05", "{backend:?}");
        assert_eq!(stats.groups.len(), 2, "one row a month: {backend:?}");
        let refused = compute(
            store.as_mut(),
            Some(date!(2017 - 02 - 01)),
            Some(date!(2017 - 01 - 01)),
            &[],
            &rules,
            date!(2026 - 11 - 29),
        );
        assert!(matches!(refused, Err(StatsError::Period(_))), "{backend:?}");
    }
}

#[test]
fn the_board_update_counts_reports_and_register_addresses_of_its_period() {
    for (_database, mut store) in stores() {
        let backend = store.backend();
        load(store.as_mut());
        let rules = beacon_app::defaults::shipped_rules().expect("rules");
        let period = Period::new(date!(2017 - 01 - 01), date!(2017 - 01 - 31)).expect("period");
        let board = beacon_app::board::board_figures(store.as_mut(), period, &rules)
            .expect("board figures");
        assert_eq!(board.summary.fraud.reports, 2, "{backend:?}");
        assert_eq!(board.register.distinct_addresses, 3, "{backend:?}");
        assert_eq!(board.register.attributed_addresses, 2, "{backend:?}");
        let later = Period::new(date!(2017 - 02 - 01), date!(2017 - 02 - 28)).expect("period");
        assert!(
            beacon_app::board::register_figures(store.as_mut(), later)
                .expect("register figures")
                .is_empty(),
            "{backend:?}"
        );
    }
}

#[test]
fn a_directory_with_a_bad_row_imports_nothing() {
    for (_database, mut store) in stores() {
        let backend = store.backend();
        let bad = format!("{DIRECTORY}Broken Ltd,business,E06000016,,not-a-network,,\n");
        let refused = import_organisations(store.as_mut(), bad.as_bytes(), "bad.csv", "test");
        assert!(
            matches!(refused, Err(OrganisationError::Directory(_))),
            "{backend:?}"
        );
        assert!(
            store.organisations().expect("list").is_empty(),
            "{backend:?}"
        );
        let imported = import_organisations(store.as_mut(), DIRECTORY.as_bytes(), "d.csv", "test")
            .expect("import");
        assert_eq!(
            (imported.ids.len(), imported.networks),
            (1, 1),
            "{backend:?}"
        );
        let audit = store.audit_events(1).expect("audit");
        assert_eq!(audit[0].event.action, "import_organisations", "{backend:?}");
    }
}

#[test]
fn address_counts_compare_with_the_period_before() {
    for (_database, mut store) in stores() {
        let backend = store.backend();
        load(store.as_mut());
        let counted = count_addresses(
            store.as_mut(),
            &AddressQuery {
                from: Some(date!(2017 - 01 - 01)),
                to: date!(2017 - 01 - 31),
                by: vec![AddressDimension::Organisation],
            },
        )
        .expect("counts");
        let figures = &counted.figures;
        assert_eq!(figures.distinct_addresses, 3, "{backend:?}");
        assert_eq!(figures.attributed_addresses, 2, "{backend:?}");
        let previous = figures.previous_period.as_ref().expect("a period before");
        assert_eq!(previous.distinct_addresses, 0, "{backend:?}");
        assert_eq!(previous.change_percent, None, "{backend:?}");
        assert!(
            figures
                .groups
                .iter()
                .any(|g| g.key["organisation"] == "Example Council" && g.addresses == 2),
            "organisations are named: {backend:?} {:?}",
            figures.groups
        );
        assert_eq!(counted.facts.len(), 3, "{backend:?}");
    }
}

#[test]
fn an_export_holds_back_events_above_its_ceiling_and_is_audited() {
    for (_database, mut store) in stores() {
        let backend = store.backend();
        load(store.as_mut());
        let query = |ceiling, organisation: Option<&str>| ExportQuery {
            ceiling,
            from: None,
            to: None,
            organisation: organisation.map(str::to_owned),
        };
        let mut written = Vec::new();
        let exported = select(store.as_mut(), &query(Tlp::Green, None))
            .expect("select")
            .write(ExportTarget::Csv(Box::new(&mut written)))
            .expect("write");
        assert_eq!(
            (exported.exported, exported.withheld),
            (0, 3),
            "{backend:?}"
        );
        let mut written = Vec::new();
        let exported = select(store.as_mut(), &query(Tlp::Amber, Some("example council")))
            .expect("select")
            .write(ExportTarget::Csv(Box::new(&mut written)))
            .expect("write");
        assert_eq!(exported.format, ExportFormat::Csv);
        assert_eq!(
            (exported.exported, exported.withheld),
            (2, 0),
            "{backend:?}"
        );
        assert_eq!(
            written.iter().filter(|&&b| b == b'\n').count(),
            3,
            "header and two rows"
        );
        record_export(store.as_mut(), "test", "-", &exported).expect("audit");
        let audit = store.audit_events(1).expect("audit");
        assert_eq!(
            audit[0].event.detail, "Csv, ceiling TLP:AMBER, 2 events exported, 0 withheld",
            "{backend:?}"
        );
        assert!(matches!(
            select(store.as_mut(), &query(Tlp::Amber, Some("Nobody"))),
            Err(beacon_app::export::ExportError::UnknownOrganisation(_))
        ));
    }
}
