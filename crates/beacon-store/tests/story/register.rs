//! The register's story: organisations, feed events into addresses, and the outbox, on
//! both backends.

use super::*;
use beacon_core::{Event, Organisation, Tlp};
use beacon_store::{AddressFilter, FeedBatch, NewDigest, OutboxStatus, RegisterEvent};
use time::OffsetDateTime;
use time::macros::datetime;

stories!(with_store =>
    organisations_upsert_by_name_and_replace_their_claims,
    a_feed_batch_counts_events_duplicates_skips_and_rejects,
    addresses_keep_first_and_last_seen_and_sightings,
    stored_events_read_back_whole_and_count_by_month,
    an_address_back_after_expiry_is_active_again,
    digests_queue_with_their_watermark_and_are_sent_once,
    failed_sends_retry_then_give_up,
    a_dead_senders_lease_runs_out_and_the_message_is_claimed_again,
);

fn organisation(name: &str, network: &str) -> Organisation {
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

fn sighting(ip: &str, at: OffsetDateTime, kind: &str) -> Event {
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

fn register_event(event: Event, line: u64, owner: Option<i64>) -> RegisterEvent {
    RegisterEvent::new(event, line, owner, owner.map(|_| code("E06000016")))
}

fn store_feed(store: &mut dyn Store, batch: &FeedBatch) -> (i64, RunCounts) {
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

fn digest(owner: i64, recipient: &str) -> NewDigest {
    NewDigest {
        organisation_id: owner,
        recipient: recipient.to_owned(),
        recipient_kind: "own".to_owned(),
        subject: "Beacon: 1 new address".to_owned(),
        text: "text".to_owned(),
        html: "<p>html</p>".to_owned(),
        tlp: Tlp::Amber,
        findings: 1,
        withheld: 0,
    }
}

fn digests_queue_with_their_watermark_and_are_sent_once(store: &mut dyn Store) {
    let owner = store
        .upsert_organisations(&[organisation("City Council", "192.0.2.0/24")])
        .expect("stored")[0];
    assert_eq!(store.last_digest_at(owner).expect("watermark"), None);
    let end = datetime!(2026-11-29 06:00 UTC);
    let ids = store
        .enqueue_digests(
            owner,
            &[
                digest(owner, "a@council.example"),
                digest(owner, "b@council.example"),
            ],
            end,
            "beacon.test",
        )
        .expect("queued");
    assert_eq!(ids.len(), 2);
    assert_eq!(store.last_digest_at(owner).expect("watermark"), Some(end));
    let now = datetime!(2026-11-29 06:01 UTC);
    let claimed = store
        .outbox_claim_due(now, time::Duration::minutes(5), 10)
        .expect("claimed");
    assert_eq!(claimed.len(), 2);
    assert!(
        claimed
            .iter()
            .all(|m| m.status == OutboxStatus::Sending && m.attempts == 1)
    );
    assert_eq!(claimed[0].organisation, "City Council");
    assert!(claimed[0].message_id.ends_with("@beacon.test"));
    assert_ne!(claimed[0].message_id, claimed[1].message_id);
    assert!(
        store
            .outbox_claim_due(now, time::Duration::minutes(5), 10)
            .expect("none")
            .is_empty(),
        "a claimed message is not claimed twice"
    );
    store.outbox_record_sent(ids[0], now).expect("sent");
    store.outbox_record_sent(ids[1], now).expect("sent");
    let later = now + time::Duration::hours(1);
    assert!(
        store
            .outbox_claim_due(later, time::Duration::minutes(5), 10)
            .expect("none")
            .is_empty()
    );
    assert!(
        store
            .acknowledge_digest(ids[0], "link", later)
            .expect("acked")
    );
    assert!(
        store
            .acknowledge_digest(ids[0], "someone else", later + time::Duration::hours(1))
            .expect("acked")
    );
    assert!(
        !store
            .acknowledge_digest(9_999, "link", later)
            .expect("no such")
    );
    let outbox = store.outbox(None, 10).expect("outbox");
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[0].id, ids[1], "newest first");
    let owner = outbox[0].organisation_id;
    let own = store.outbox(Some(owner), 10).expect("one organisation's");
    assert!(own.iter().all(|m| m.organisation_id == owner) && !own.is_empty());
    assert!(
        store
            .outbox(Some(owner + 1_000), 10)
            .expect("none")
            .is_empty()
    );
    let acked = outbox.iter().find(|m| m.id == ids[0]).expect("acked one");
    assert_eq!(
        acked.acknowledged_by.as_deref(),
        Some("link"),
        "the first acknowledgement is kept"
    );
    assert_eq!(acked.acknowledged_at, Some(later));
    assert_eq!(acked.sent_at, Some(now));
    assert_eq!(acked.text, "text");
}

fn failed_sends_retry_then_give_up(store: &mut dyn Store) {
    let owner = store
        .upsert_organisations(&[organisation("City Council", "192.0.2.0/24")])
        .expect("stored")[0];
    let id = store
        .enqueue_digests(
            owner,
            &[digest(owner, "a@council.example")],
            datetime!(2026-11-29 06:00 UTC),
            "beacon.test",
        )
        .expect("queued")[0];
    let now = datetime!(2026-11-29 06:01 UTC);
    let lease = time::Duration::minutes(5);
    assert_eq!(
        store
            .outbox_claim_due(now, lease, 10)
            .expect("claimed")
            .len(),
        1
    );
    let retry_at = now + time::Duration::minutes(1);
    store
        .outbox_record_failure(id, "421 try later", Some(retry_at))
        .expect("failure");
    assert!(
        store
            .outbox_claim_due(now, lease, 10)
            .expect("not yet")
            .is_empty()
    );
    let again = store
        .outbox_claim_due(retry_at, lease, 10)
        .expect("due again");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("421 try later"));
    store
        .outbox_record_failure(id, "550 no such user", None)
        .expect("given up");
    assert!(
        store
            .outbox_claim_due(retry_at + time::Duration::days(1), lease, 10)
            .expect("never")
            .is_empty()
    );
    assert_eq!(
        store.outbox(None, 1).expect("outbox")[0].status,
        OutboxStatus::GivenUp
    );
}

fn a_dead_senders_lease_runs_out_and_the_message_is_claimed_again(store: &mut dyn Store) {
    let owner = store
        .upsert_organisations(&[organisation("City Council", "192.0.2.0/24")])
        .expect("stored")[0];
    store
        .enqueue_digests(
            owner,
            &[digest(owner, "a@council.example")],
            datetime!(2026-11-29 06:00 UTC),
            "beacon.test",
        )
        .expect("queued");
    let now = datetime!(2026-11-29 06:01 UTC);
    let lease = time::Duration::minutes(5);
    let first = store.outbox_claim_due(now, lease, 10).expect("claimed");
    assert_eq!(first.len(), 1);
    // The sender dies without recording anything.
    assert!(
        store
            .outbox_claim_due(now + time::Duration::minutes(4), lease, 10)
            .expect("held")
            .is_empty()
    );
    let again = store
        .outbox_claim_due(now + lease, lease, 10)
        .expect("lease ran out");
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].message_id, first[0].message_id,
        "the same Message-ID on every attempt"
    );
}
