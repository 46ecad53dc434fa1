//! The register's story: organisations, and feed events into addresses, on both backends.

use super::*;
use beacon_core::{Event, Organisation, Tlp};
use beacon_store::{AddressFilter, FeedBatch, RegisterEvent};
use time::OffsetDateTime;
use time::macros::datetime;

stories!(with_store =>
    organisations_upsert_by_name_and_replace_their_claims,
    a_feed_batch_counts_events_duplicates_skips_and_rejects,
    addresses_keep_first_and_last_seen_and_sightings,
    stored_events_read_back_whole_and_count_by_month,
    an_address_back_after_expiry_is_active_again,
);

pub(super) fn organisation(name: &str, network: &str) -> Organisation {
    Organisation {
        name: name.to_owned(),
        sector: "business".to_owned(),
        district: Some(code("E06000016")),
        contacts: vec![format!(
            "soc@{}.example",
            name.to_lowercase().replace(' ', "-")
        )],
        networks: vec![network.parse().expect("network")],
        asns: vec![64500],
        domains: vec![format!("{}.example", name.to_lowercase().replace(' ', "-"))],
    }
}

pub(super) fn sighting(ip: &str, at: OffsetDateTime, kind: &str) -> Event {
    let mut event = Event::new(
        kind,
        "Test feed",
        datetime!(2026-11-29 12:00 UTC),
        Tlp::Green,
        format!("{ip},{at}"),
    );
    event.source_ip = Some(ip.parse().expect("ip"));
    event.time_source = Some(at);
    event.malware_name = Some("andromeda".into());
    event.source_port = Some(8080);
    event.extra.insert("user_agent".into(), "Mozilla".into());
    event
}

pub(super) fn register_event(event: Event, line: u64, owner: Option<i64>) -> RegisterEvent {
    RegisterEvent::new(event, line, owner, owner.map(|_| code("E06000016")))
}

pub(super) fn store_feed(store: &mut dyn Store, batch: &FeedBatch) -> (i64, RunCounts) {
    let run_id = begin(store, "feed", "test.csv", 3600);
    let counts = store
        .store_feed_batch(run_id, batch)
        .expect("the batch is stored");
    assert!(counts.adds_up(), "{counts:?}");
    (run_id, counts)
}

fn organisations_upsert_by_name_and_replace_their_claims(store: &mut dyn Store) {
    let ids = store
        .upsert_organisations(&[
            organisation("City Council", "192.0.2.0/24"),
            organisation("Small Shop", "198.51.100.0/28"),
        ])
        .expect("stored");
    assert_eq!(ids.len(), 2);
    let mut changed = organisation("CITY COUNCIL", "203.0.113.0/24");
    changed.asns.clear();
    changed.contacts = vec!["new@council.example".into(), "it@council.example".into()];
    let again = store.upsert_organisations(&[changed]).expect("updated");
    assert_eq!(
        again,
        vec![ids[0]],
        "the same organisation, whatever the case of its name"
    );
    let listed = store.organisations().expect("listed");
    assert_eq!(listed.len(), 2);
    let council = listed.iter().find(|o| o.id == ids[0]).expect("council");
    assert_eq!(council.organisation.name, "CITY COUNCIL");
    assert_eq!(
        council.organisation.networks,
        vec!["203.0.113.0/24".parse().expect("network")]
    );
    assert!(council.organisation.asns.is_empty());
    assert_eq!(council.organisation.contacts.len(), 2);
    assert_eq!(
        council.organisation.domains,
        vec!["city-council.example".to_owned()]
    );
}

fn a_feed_batch_counts_events_duplicates_skips_and_rejects(store: &mut dyn Store) {
    let first = sighting(
        "192.0.2.1",
        datetime!(2026-11-01 10:00 UTC),
        "infected-system",
    );
    let batch = FeedBatch::new(
        vec![
            register_event(first.clone(), 2, None),
            register_event(first.clone(), 3, None),
            register_event(
                sighting("192.0.2.2", datetime!(2026-11-01 11:00 UTC), "c2-server"),
                4,
                None,
            ),
        ],
        2,
        vec![rejected(5, "bad address", "x,y")],
    );
    let (run_id, counts) = store_feed(store, &batch);
    assert_eq!(
        counts,
        RunCounts {
            read: 6,
            stored: 2,
            duplicates: 1,
            rejected: 1,
            skipped: 2,
        }
    );
    let run = get_run(store, run_id);
    assert_eq!(run.counts, counts);
    assert_eq!(store.quarantined(run_id).expect("quarantine").len(), 1);
    // The same file again: nothing new.
    let (_, again) = store_feed(store, &batch);
    assert_eq!((again.stored, again.duplicates), (0, 3));
    let totals = store.register_totals().expect("totals");
    assert_eq!((totals.addresses, totals.events), (2, 2));
}

fn addresses_keep_first_and_last_seen_and_sightings(store: &mut dyn Store) {
    let owner = store
        .upsert_organisations(&[organisation("City Council", "192.0.2.0/24")])
        .expect("stored")[0];
    let batch = FeedBatch::new(
        vec![
            register_event(
                sighting(
                    "192.0.2.1",
                    datetime!(2026-11-02 10:00 UTC),
                    "infected-system",
                ),
                2,
                Some(owner),
            ),
            register_event(
                sighting("192.0.2.1", datetime!(2026-11-01 09:00 UTC), "c2-server"),
                3,
                Some(owner),
            ),
            register_event(
                sighting(
                    "198.51.100.9",
                    datetime!(2026-11-03 10:00 UTC),
                    "infected-system",
                ),
                4,
                None,
            ),
        ],
        0,
        Vec::new(),
    );
    store_feed(store, &batch);
    let later = FeedBatch::new(
        vec![register_event(
            sighting(
                "192.0.2.1",
                datetime!(2026-11-05 08:00 UTC),
                "infected-system",
            ),
            2,
            Some(owner),
        )],
        0,
        Vec::new(),
    );
    store_feed(store, &later);
    let owned = store
        .addresses(&AddressFilter {
            organisation_id: Some(owner),
            ..AddressFilter::default()
        })
        .expect("addresses");
    assert_eq!(owned.len(), 1);
    let address = &owned[0];
    assert_eq!(address.observable, "192.0.2.1");
    assert_eq!(address.first_seen, datetime!(2026-11-01 09:00 UTC));
    assert_eq!(address.last_seen, datetime!(2026-11-05 08:00 UTC));
    assert_eq!(address.active_since, datetime!(2026-11-01 09:00 UTC));
    assert_eq!(address.sightings, 3);
    assert_eq!(address.district.as_deref(), Some("E06000016"));
    assert_eq!(
        address.types,
        vec!["c2-server".to_owned(), "infected-system".to_owned()]
    );
    assert_eq!(address.feeds, vec!["Test feed".to_owned()]);
    assert_eq!(address.malware, vec!["andromeda".to_owned()]);
    assert_eq!(address.ports, vec![8080]);
    assert_eq!(address.tlp, Tlp::Green);
    let all = store.addresses(&AddressFilter::default()).expect("all");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].observable, "192.0.2.1", "most recently seen first");
    assert_eq!(
        all[1].organisation_id, None,
        "unattributed addresses are kept"
    );
    let recent = store
        .addresses(&AddressFilter {
            seen_since: Some(datetime!(2026-11-04 00:00 UTC)),
            ..AddressFilter::default()
        })
        .expect("recent");
    assert_eq!(recent.len(), 1);
}

fn stored_events_read_back_whole_and_count_by_month(store: &mut dyn Store) {
    let events = vec![
        sighting(
            "192.0.2.1",
            datetime!(2026-10-31 23:59 UTC),
            "infected-system",
        ),
        sighting(
            "192.0.2.1",
            datetime!(2026-11-01 00:00 UTC),
            "infected-system",
        ),
        sighting("192.0.2.2", datetime!(2026-11-15 00:00 UTC), "phishing"),
    ];
    let batch = FeedBatch::new(
        events
            .iter()
            .enumerate()
            .map(|(i, e)| register_event(e.clone(), i as u64 + 2, None))
            .collect(),
        0,
        Vec::new(),
    );
    store_feed(store, &batch);
    let back = store.feed_events(None, None, None).expect("events");
    assert_eq!(
        back, events,
        "every field, extra and raw included, in time order"
    );
    let november = store
        .sighting_facts(
            Some(datetime!(2026-11-01 00:00 UTC)),
            Some(datetime!(2026-12-01 00:00 UTC)),
        )
        .expect("facts");
    assert_eq!(november.len(), 2);
    assert!(november.iter().all(|fact| fact.month == "2026-11"));
    let all = store.sighting_facts(None, None).expect("facts");
    assert_eq!(all.len(), 3);
}

fn an_address_back_after_expiry_is_active_again(store: &mut dyn Store) {
    let first = FeedBatch::new(
        vec![register_event(
            sighting("192.0.2.1", datetime!(2026-01-01 00:00 UTC), "scanner"),
            2,
            None,
        )],
        0,
        Vec::new(),
    );
    store_feed(store, &first);
    let back = FeedBatch::new(
        vec![register_event(
            sighting("192.0.2.1", datetime!(2026-06-01 00:00 UTC), "scanner"),
            2,
            None,
        )],
        0,
        Vec::new(),
    );
    store_feed(store, &back);
    let address = &store
        .addresses(&AddressFilter::default())
        .expect("addresses")[0];
    assert_eq!(address.first_seen, datetime!(2026-01-01 00:00 UTC));
    assert_eq!(address.active_since, datetime!(2026-06-01 00:00 UTC));
}
