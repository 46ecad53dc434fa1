//! Partner advisories end to end, on SQLite and PostgreSQL: inventories and contacts
//! imported, the CISA KEV slice and an NVD record ingested, matched to the right assets,
//! notices opened with letters queued for the right people, nothing sent twice, a fix
//! closing a notice, and reminders, escalations and digests chased once.

use beacon_analytics::advisories::ChaseRules;
use beacon_app::advisories::chase::chase_notices;
use beacon_app::advisories::inventory::{import_contacts, import_inventory, list_inventory};
use beacon_app::advisories::status::status;
use beacon_app::advisories::tracking::set_status;
use beacon_app::advisories::{AdvisoryOptions, InventoryError, ingest_advisory_file};
use beacon_app::notify::NotifySettings;
use beacon_app::organisations::import_organisations;
use beacon_app::reference::ensure_reference_data;
use beacon_core::{AdvisorySource, AssetStatus, Confidence};
use beacon_store::advisories::{MatchFilter, NoticeFilter, StatusChange};
use beacon_store::{Backend, MessageKind, Store};
use time::macros::datetime;

const KEV_SLICE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/advisories/kev/kev-slice-small.json"
);
const NVD_AND: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/advisories/nvd/CVE-2023-28771.excerpt.json"
);

const DIRECTORY: &str = "name,sector,district,contacts,networks,asns,domains
Charnwood Borough Council,local-government,E07000130,soc@charnwood.example,,,
Royal Infirmary Trust,health,E06000016,soc@trust.example,,,
";

const CONTACTS: &str = "organisation,name,email,role,delivery
Charnwood Borough Council,Priya Shah,it@charnwood.example,it_manager,immediate
Charnwood Borough Council,Sam Patel,sro@charnwood.example,senior_responsible_owner,immediate
Royal Infirmary Trust,Alex Green,it@trust.example,it_manager,daily_digest
";

const INVENTORY: &str = "organisation,asset,kind,cpe,purl,vendor,product,version
Charnwood Borough Council,Perimeter firewall,firewall,cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*,,,,
Charnwood Borough Council,Perimeter firewall,firewall,cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*,,,,
Charnwood Borough Council,Intranet,service,,,Microsoft,SharePoint,2019
Royal Infirmary Trust,Edge firewall,firewall,cpe:2.3:o:zyxel:atp100_firmware:5.36:*:*:*:*:*:*:*,,,,
Royal Infirmary Trust,Edge firewall,firewall,cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*,,,,
Royal Infirmary Trust,Staff portal,service,,,Citrix,NetScaler ADC and Gateway,13.1
";

const NOW: time::OffsetDateTime = datetime!(2026-12-01 09:00 UTC);

fn stores() -> Vec<(beacon_testing::TestDatabase, Box<dyn Store>)> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter_map(|backend| beacon_testing::TestDatabase::fresh(backend, "app_advisories"))
        .map(|database| {
            let mut store = database.open();
            ensure_reference_data(store.as_mut()).expect("reference data");
            import_organisations(store.as_mut(), DIRECTORY.as_bytes(), "dir.csv", "test")
                .expect("directory");
            (database, store)
        })
        .collect()
}

fn organisation(store: &mut dyn Store, name: &str) -> i64 {
    store
        .organisations()
        .expect("organisations")
        .into_iter()
        .find(|o| o.organisation.name == name)
        .expect("organisation")
        .id
}

fn ingest(store: &mut dyn Store, path: &str) -> beacon_app::advisories::AdvisoryOutcome {
    let bytes = std::fs::read(path).expect("shared advisory file");
    ingest_advisory_file(
        store,
        path,
        &bytes,
        &AdvisoryOptions::default(),
        NOW,
        &NotifySettings::default(),
    )
    .expect("ingest")
}

fn letters_to(store: &mut dyn Store, recipient: &str) -> usize {
    let mut all = store
        .messages(Some(MessageKind::Notice), 1000)
        .expect("notices");
    all.extend(
        store
            .messages(Some(MessageKind::Escalation), 1000)
            .expect("escalations"),
    );
    all.iter().filter(|m| m.recipient == recipient).count()
}

#[test]
fn a_bad_inventory_imports_nothing_and_lists_every_problem() {
    for (_database, mut store) in stores() {
        let bad = "organisation,asset,cpe
Charnwood Borough Council,Firewall,cpe:2.3:o:zyxel
Nowhere Council,Server,cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*
";
        let settings = NotifySettings::default();
        match import_inventory(store.as_mut(), bad.as_bytes(), NOW, &settings) {
            Err(InventoryError::Problems(problems)) => {
                assert!(
                    problems.iter().any(|p| p.line == 2),
                    "the bad CPE's line: {problems:?}"
                );
            }
            other => panic!("expected problems, got {other:?}"),
        }
        let unknown = "organisation,asset,cpe
Nowhere Council,Server,cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*
";
        match import_inventory(store.as_mut(), unknown.as_bytes(), NOW, &settings) {
            Err(InventoryError::Problems(problems)) => {
                assert_eq!(problems.len(), 1);
                assert_eq!(problems[0].line, 2);
                assert!(problems[0].reason.contains("Nowhere Council"));
            }
            other => panic!("expected problems, got {other:?}"),
        }
        assert!(
            list_inventory(store.as_mut(), None)
                .expect("list")
                .is_empty()
        );
    }
}

#[test]
fn advisories_reach_the_right_people_once_and_are_tracked_to_the_fix() {
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        let settings = NotifySettings::default();
        import_contacts(store, CONTACTS.as_bytes()).expect("contacts");
        let imported =
            import_inventory(store, INVENTORY.as_bytes(), NOW, &settings).expect("inventory");
        assert_eq!(imported.assets, 4);
        assert_eq!(imported.products, 6);
        let charnwood = organisation(store, "Charnwood Borough Council");
        let trust = organisation(store, "Royal Infirmary Trust");

        // The KEV slice: every entry stored, SharePoint and NetScaler matched by name.
        let kev = ingest(store, KEV_SLICE);
        assert_eq!((kev.read, kev.stored, kev.rejected), (74, 74, 0));
        let matches = store.matches(&MatchFilter::default()).expect("matches");
        assert!(matches.iter().all(|m| m.source == AdvisorySource::Kev));
        let sharepoint: Vec<_> = matches
            .iter()
            .filter(|m| m.record.organisation_id == charnwood)
            .collect();
        assert_eq!(sharepoint.len(), 3, "three SharePoint CVEs: {sharepoint:?}");
        assert!(
            sharepoint
                .iter()
                .all(|m| m.asset == "Intranet" && m.record.confidence == Confidence::Possible)
        );
        let netscaler = matches
            .iter()
            .filter(|m| m.record.organisation_id == trust)
            .count();
        assert_eq!(netscaler, 2, "two NetScaler ADC and Gateway CVEs");
        assert_eq!(kev.notices.opened, 5);
        // Charnwood's IT manager hears at once; the Trust's prefers the daily digest.
        assert_eq!(letters_to(store, "it@charnwood.example"), 3);
        assert_eq!(letters_to(store, "it@trust.example"), 0);
        assert_eq!(letters_to(store, "sro@charnwood.example"), 0);

        // Again: nothing new, nobody alerted again.
        let again = ingest(store, KEV_SLICE);
        assert_eq!((again.stored, again.duplicates), (0, 74));
        assert_eq!(again.notices.opened + again.notices.changed, 0);
        assert_eq!(letters_to(store, "it@charnwood.example"), 3);

        // The NVD record's AND configuration: firmware 5.10 on an ATP100 is affected;
        // 5.36 (the excluded end) is not.
        let nvd = ingest(store, NVD_AND);
        assert_eq!(nvd.stored, 1);
        let firewall: Vec<_> = store
            .matches(&MatchFilter {
                advisory_id: None,
                organisation_id: None,
            })
            .expect("matches")
            .into_iter()
            .filter(|m| m.source == AdvisorySource::Nvd)
            .collect();
        assert_eq!(firewall.len(), 1, "{firewall:?}");
        assert_eq!(firewall[0].record.organisation_id, charnwood);
        assert_eq!(firewall[0].asset, "Perimeter firewall");
        assert_eq!(firewall[0].record.confidence, Confidence::Certain);
        let nvd_notice = store
            .notices(&NoticeFilter {
                organisation_id: Some(charnwood),
                advisory_id: Some(firewall[0].record.advisory_id),
                open_only: false,
            })
            .expect("notices")
            .pop()
            .expect("a notice for the NVD record");
        assert_eq!(
            nvd_notice.due,
            Some(time::macros::date!(2023 - 06 - 21)),
            "the CISA due date"
        );
        assert_eq!(letters_to(store, "it@charnwood.example"), 4);

        // A partner cannot touch another's notice; fixing the asset closes it.
        let asset = firewall[0].record.asset_id;
        let change = StatusChange {
            notice_id: nvd_notice.id,
            asset_id: asset,
            status: AssetStatus::Fixed,
            by: "priya".into(),
            note: "Firmware 5.37 installed".into(),
            at: NOW + time::Duration::days(2),
        };
        assert!(!set_status(store, &change, Some(trust)).expect("refused"));
        assert!(set_status(store, &change, Some(charnwood)).expect("fixed"));
        let closed = store
            .notice(nvd_notice.id, Some(charnwood))
            .expect("notice")
            .expect("found");
        assert_eq!(closed.closed_at, Some(NOW + time::Duration::days(2)));
        assert!(closed.acknowledged_at.is_some());

        let figures = status(store, None, None, NOW + time::Duration::days(3)).expect("status");
        assert_eq!(figures.area.notices, 6);
        assert_eq!(figures.area.closed, 1);
        assert_eq!(figures.area.median_days_to_fix, Some(2.0));
        assert_eq!(figures.area.overdue, 5, "the KEV due dates are in 2025");

        // Chasing: overdue KEV notices escalate (Charnwood to its SRO, the Trust, with
        // none named, to its IT manager); the Trust's IT manager gets a digest; a second
        // round the same day queues nothing.
        let later = NOW + time::Duration::days(3);
        let chased = chase_notices(store, later, &ChaseRules::default(), &settings).expect("chase");
        assert_eq!(chased.escalated, 5);
        assert_eq!(chased.digests, 1);
        assert_eq!(letters_to(store, "sro@charnwood.example"), 3);
        assert_eq!(
            letters_to(store, "it@trust.example"),
            3,
            "2 escalations + 1 digest"
        );
        let twice = chase_notices(store, later, &ChaseRules::default(), &settings).expect("chase");
        assert_eq!(twice.letters, 0);
    }
}

/// A CSAF document at a revision, naming the Example Gateway versions it affects.
fn gateway_advisory(version: u32, affected: &[&str]) -> String {
    let history: Vec<String> = (1..=version)
        .map(|n| {
            format!(
                r#"{{"date": "2026-11-{:02}T09:00:00.000Z", "number": "{n}", "summary": "Revision {n}."}}"#,
                n
            )
        })
        .collect();
    let products: Vec<String> = affected
        .iter()
        .map(|v| {
            format!(
                r#"{{"name": "Example Gateway {v}", "product_id": "GW-{v}", "product_identification_helper": {{"cpe": "cpe:2.3:a:example:gateway:{v}:*:*:*:*:*:*:*"}}}}"#
            )
        })
        .collect();
    let ids: Vec<String> = affected.iter().map(|v| format!("\"GW-{v}\"")).collect();
    format!(
        r#"{{
  "document": {{
    "category": "csaf_base",
    "csaf_version": "2.0",
    "distribution": {{"tlp": {{"label": "WHITE"}}}},
    "lang": "en-GB",
    "publisher": {{"category": "vendor", "name": "Example", "namespace": "https://example.com"}},
    "title": "Example Gateway remote code execution",
    "tracking": {{
      "current_release_date": "2026-11-{version:02}T09:00:00.000Z",
      "id": "EXAMPLE-2026-7",
      "initial_release_date": "2026-11-01T09:00:00.000Z",
      "revision_history": [{}],
      "status": "final",
      "version": "{version}"
    }}
  }},
  "product_tree": {{"full_product_names": [{}]}},
  "vulnerabilities": [{{"cve": "CVE-2026-10001", "product_status": {{"known_affected": [{}]}}}}]
}}"#,
        history.join(", "),
        products.join(", "),
        ids.join(", ")
    )
}

#[test]
fn a_newer_revision_alerts_only_the_partners_it_changes_things_for() {
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        let settings = NotifySettings::default();
        import_contacts(store, CONTACTS.as_bytes()).expect("contacts");
        let inventory = "organisation,asset,cpe
Charnwood Borough Council,Old gateway,cpe:2.3:a:example:gateway:1.0:*:*:*:*:*:*:*
Charnwood Borough Council,New gateway,cpe:2.3:a:example:gateway:1.1:*:*:*:*:*:*:*
Royal Infirmary Trust,Gateway,cpe:2.3:a:example:gateway:1.0:*:*:*:*:*:*:*
";
        import_inventory(store, inventory.as_bytes(), NOW, &settings).expect("inventory");
        let charnwood = organisation(store, "Charnwood Borough Council");
        let ingest_text = |store: &mut dyn Store, text: &str| {
            ingest_advisory_file(
                store,
                "gateway.json",
                text.as_bytes(),
                &AdvisoryOptions::default(),
                NOW,
                &settings,
            )
            .expect("ingest")
        };
        let first = ingest_text(store, &gateway_advisory(1, &["1.0"]));
        assert_eq!((first.new, first.flagged), (1, 0));
        assert_eq!(first.notices.opened, 2);
        let letters_before = letters_to(store, "it@charnwood.example");

        // Revision 2 adds 1.1: Charnwood's New gateway is newly matched; the Trust's
        // picture is the same, so it hears nothing.
        let second = ingest_text(store, &gateway_advisory(2, &["1.0", "1.1"]));
        assert_eq!(second.revised, 1);
        assert_eq!(
            (
                second.notices.opened,
                second.notices.changed,
                second.notices.unchanged
            ),
            (0, 1, 1)
        );
        assert_eq!(
            letters_to(store, "it@charnwood.example"),
            letters_before + 1
        );
        let notice = store
            .notices(&NoticeFilter {
                organisation_id: Some(charnwood),
                advisory_id: None,
                open_only: false,
            })
            .expect("notices")
            .pop()
            .expect("Charnwood's notice");
        assert_eq!(notice.changes, "Newly matched: New gateway.");

        // The same revision again, and an older one: nothing stored, nobody alerted.
        let again = ingest_text(store, &gateway_advisory(2, &["1.0", "1.1"]));
        let older = ingest_text(store, &gateway_advisory(1, &["1.0"]));
        assert_eq!((again.duplicates, older.duplicates), (1, 1));
        assert_eq!(again.notices.changed + older.notices.changed, 0);
        assert_eq!(
            letters_to(store, "it@charnwood.example"),
            letters_before + 1
        );
    }
}
