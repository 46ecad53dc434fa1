//! The demo's advisories loaded into a fresh store (SQLite, and PostgreSQL where one is
//! configured) through the application layer: the figures are known in advance,
//! counted by hand from the demo's inventory and script (never read back through the
//! code under test), and the deliberately fixed or incomplete assets are never matched.

use beacon_app::notify::NotifySettings;
use beacon_demo::advisories::{CHASE_AT, load_advisories};
use beacon_store::advisories::{MatchFilter, NoticeFilter};
use beacon_store::{Backend, MessageKind, Store};
use beacon_testing::TestDatabase;
use std::collections::{BTreeMap, BTreeSet};

/// A fresh store with reference data and the demo's organisations, as `beacon demo`
/// has it when the advisories are loaded.
fn store(backend: Backend) -> Option<(TestDatabase, Box<dyn Store>)> {
    let database = TestDatabase::fresh(backend, "demo_advisories")?;
    let mut store = database.open();
    beacon_app::reference::ensure_reference_data(store.as_mut()).expect("reference data");
    store
        .upsert_organisations(&beacon_demo::register::organisations())
        .expect("the demo organisations");
    Some((database, store))
}

/// Notices per partner, counted from the inventory: one per KEV entry matching any of
/// its assets, plus the partnership's own log4j advisory beside the KEV entry.
fn expected_notices() -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("Leicester City Council (synthetic)", 5),
        ("Leicestershire County Council (synthetic)", 3),
        ("Rutland County Council (synthetic)", 2),
        ("Blaby District Council (synthetic)", 1),
        ("Charnwood Borough Council (synthetic)", 1),
        ("Harborough District Council (synthetic)", 1),
        ("Hinckley and Bosworth Borough Council (synthetic)", 1),
        ("North West Leicestershire District Council (synthetic)", 2),
        ("University Hospitals of Leicester NHS Trust (synthetic)", 4),
        ("Leicestershire Partnership NHS Trust (synthetic)", 3),
        ("Leicestershire Fire and Rescue Service (synthetic)", 1),
        ("University of Leicester (synthetic)", 4),
        ("De Montfort University (synthetic)", 2),
        ("Loughborough University (synthetic)", 3),
        ("Soar Valley Logistics Ltd (synthetic)", 3),
        ("Wreake Valley Engineering Ltd (synthetic)", 1),
        ("Lutterworth Precision Components Ltd (synthetic)", 1),
    ])
}

fn the_demo_advisories_give_known_figures(backend: Backend) {
    let Some((_database, mut store)) = store(backend) else {
        return;
    };
    let store = store.as_mut();
    let outcome =
        load_advisories(store, &NotifySettings::default()).expect("the demo advisories load");

    assert_eq!(
        outcome.advisories, 17,
        "7 KEV + 6 NVD + 1 CSAF + 3 news items"
    );
    assert_eq!(
        outcome.contacts, 43,
        "20 IT managers, 5 deputies, 18 owners"
    );
    assert_eq!(outcome.assets, 57);
    assert_eq!(
        outcome.matches, 64,
        "32 affected assets, each matched twice"
    );
    assert_eq!(outcome.notices, 38);
    assert_eq!(outcome.partners_affected, 17);
    assert_eq!(outcome.advisories_affecting_partners, 8);
    assert_eq!(
        outcome.letters, 53,
        "IT managers and deputies who want each notice"
    );
    assert_eq!(outcome.closed, 23);
    assert_eq!(outcome.median_days_to_fix, Some(3.0));
    assert_eq!(
        outcome.overdue, 15,
        "every open notice is past its KEV due date"
    );
    assert_eq!(outcome.chase.escalated, 15);
    assert_eq!(outcome.chase.reminded, 0);
    assert_eq!(
        outcome.chase.digests, 2,
        "Rutland's and North West Leicestershire's"
    );
    assert_eq!(outcome.chase.letters, 17);

    // Notices per partner.
    let notices = store.notices(&NoticeFilter::default()).expect("notices");
    let mut per_partner: BTreeMap<String, usize> = BTreeMap::new();
    for notice in &notices {
        *per_partner.entry(notice.organisation.clone()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = expected_notices()
        .into_iter()
        .map(|(name, count)| (name.to_owned(), count))
        .collect();
    assert_eq!(per_partner, expected);

    // The demo partner account's council: a mix of fixed and open.
    let council: Vec<_> = notices
        .iter()
        .filter(|n| n.organisation == beacon_demo::register::PARTNER_ORGANISATION)
        .collect();
    let closed = council.iter().filter(|n| n.closed_at.is_some()).count();
    assert_eq!((closed, council.len() - closed), (2, 3));

    // Which assets are matched, by organisation and asset name.
    let matches = store.matches(&MatchFilter::default()).expect("matches");
    let matched: BTreeSet<(String, String)> = matches
        .iter()
        .map(|m| (m.organisation.clone(), m.asset.clone()))
        .collect();
    assert_eq!(matched.len(), 32);
    let inventory =
        beacon_app::advisories::inventory::list_inventory(store, None).expect("the inventory");
    let mut never = Vec::new();
    for organisation in &inventory {
        for asset in &organisation.assets {
            let key = (organisation.organisation.clone(), asset.asset.name.clone());
            if !matched.contains(&key) {
                let first = asset.asset.products.first().expect("a product");
                never.push(
                    first
                        .cpe
                        .clone()
                        .or_else(|| first.purl.clone())
                        .or_else(|| first.product.clone())
                        .unwrap_or_default(),
                );
            }
        }
    }
    for fixed in [
        "cpe:2.3:o:fortinet:fortios:7.4.3:*:*:*:*:*:*:*",
        "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.15:*:*:*:*:*:*:*",
        "cpe:2.3:o:zyxel:atp100_firmware:5.36:*:*:*:*:*:*:*",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
        "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*",
        "cpe:2.3:a:connectwise:screenconnect:23.9.8:*:*:*:*:*:*:*",
        "MOVEit Transfer",
        "Exchange Server",
        "SharePoint Server",
    ] {
        assert!(
            never.iter().any(|n| n == fixed),
            "{fixed} is in the inventory and never matched: {never:?}"
        );
    }
    assert_eq!(never.len(), 57 - 32);
    // The AND configuration matches only firmware recorded with ATP100 hardware.
    let zyxel: BTreeSet<(String, String)> = matches
        .iter()
        .filter(|m| m.record.criterion.contains("atp100_firmware"))
        .map(|m| (m.organisation.clone(), m.asset.clone()))
        .collect();
    let on_hardware: BTreeSet<(String, String)> = [
        ("Rutland County Council (synthetic)", "Office firewall"),
        (
            "Charnwood Borough Council (synthetic)",
            "Perimeter firewall",
        ),
        ("Soar Valley Logistics Ltd (synthetic)", "Office firewall"),
    ]
    .into_iter()
    .map(|(o, a)| (o.to_owned(), a.to_owned()))
    .collect();
    assert_eq!(zyxel, on_hardware);

    // The chase's escalations reached senior responsible owners in the outbox.
    let escalations = store
        .messages(Some(MessageKind::Escalation), 1000)
        .expect("escalations");
    assert_eq!(escalations.len(), 15);
    assert!(
        escalations
            .iter()
            .all(|m| m.recipient_kind == "senior_responsible_owner")
    );

    // Running the chase again the same day queues nothing more.
    let again = beacon_app::advisories::chase::chase_notices(
        store,
        CHASE_AT,
        &beacon_analytics::advisories::ChaseRules::default(),
        &NotifySettings::default(),
    )
    .expect("chase");
    assert_eq!(again.letters, 0);

    the_board_update_reads_the_demo_advisories(store);
}

/// The board update's advisories figures over the demo, counted by hand from the
/// script: a past period is judged at its end, one that has not ended at `now`.
fn the_board_update_reads_the_demo_advisories(store: &mut dyn Store) {
    use beacon_app::board::advisory_figures;
    use beacon_core::Period;
    use time::macros::{date, datetime};
    let quarter = Period::new(date!(2024 - 04 - 01), date!(2024 - 06 - 30)).expect("Q2");

    // Written long after: judged on 30 June, every fix of the script counts.
    let past = advisory_figures(store, quarter, datetime!(2025-01-10 12:00 UTC))
        .expect("figures")
        .expect("the store tracks advisories");
    assert!(past.judged_at_period_end);
    assert_eq!(past.judged_on, date!(2024 - 06 - 30));
    assert_eq!(
        past.sentence,
        "8 advisories affected 17 partners in the period; median time to fix 3.0 days; 15 overdue."
    );
    assert_eq!((past.area.notices, past.area.closed), (38, 23));
    let sectors: BTreeMap<&str, (u64, Option<f64>, u64)> = past
        .by_sector
        .iter()
        .map(|(sector, t)| {
            (
                sector.as_str(),
                (t.notices, t.median_days_to_fix, t.overdue),
            )
        })
        .collect();
    assert_eq!(
        sectors,
        BTreeMap::from([
            ("business", (5, Some(3.0), 3)),
            ("education", (9, Some(3.0), 4)),
            ("fire-and-rescue", (1, Some(1.0), 0)),
            ("health", (7, Some(1.625), 1)),
            ("local-government", (16, Some(4.0), 7)),
        ])
    );

    // The period is still running on 20 April at noon: only the fixes made by then.
    let running = advisory_figures(store, quarter, datetime!(2024-04-20 12:00 UTC))
        .expect("figures")
        .expect("the store tracks advisories");
    assert!(!running.judged_at_period_end);
    assert_eq!(running.judged_on, date!(2024 - 04 - 20));
    assert_eq!(running.area.closed, 16);
    assert_eq!(running.area.median_days_to_fix, Some(2.0));
    assert_eq!(running.area.overdue, 22, "PAN-OS was due on 19 April");

    // One past day, the day the notices went out: only the not-affected check at 15:00
    // had closed one; PAN-OS's four open notices were not yet due.
    let first_day = Period::new(date!(2024 - 04 - 15), date!(2024 - 04 - 15)).expect("a day");
    let day = advisory_figures(store, first_day, datetime!(2025-01-10 12:00 UTC))
        .expect("figures")
        .expect("the store tracks advisories");
    assert_eq!((day.area.notices, day.area.closed), (38, 1));
    assert_eq!(day.area.overdue, 33);

    // A quarter before any notice: the section says nothing was tracked.
    let before = Period::new(date!(2024 - 01 - 01), date!(2024 - 03 - 31)).expect("Q1");
    let empty = advisory_figures(store, before, datetime!(2025-01-10 12:00 UTC))
        .expect("figures")
        .expect("the store tracks advisories");
    assert_eq!(empty.area.notices, 0);
}

#[test]
fn the_demo_advisories_give_known_figures_on_sqlite() {
    the_demo_advisories_give_known_figures(Backend::Sqlite);
}

#[test]
fn the_demo_advisories_give_known_figures_on_postgres() {
    the_demo_advisories_give_known_figures(Backend::Postgres);
}
