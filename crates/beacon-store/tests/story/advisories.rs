//! Advisories: batches whose counts add up, revisions that replace only when newer,
//! matches per advisory and per partner, and notices tracked to the fix, each partner
//! reaching only its own.

use super::inventory::{asset, product, two_partners};
use super::*;
use beacon_core::{
    Advisory, AdvisorySource, AssetStatus, Confidence, Priority, Tlp, ValidationFailure,
};
use beacon_store::{
    AdvisoryBatch, AdvisoryFilter, AdvisoryItem, AdvisoryWrite, MatchFilter, MatchRecord,
    MessageContent, MessageDetail, MessageKind, NewMessage, NewNotice, NoticeFilter, NoticeMessage,
    NoticeWrite, StatusChange,
};
use time::OffsetDateTime;
use time::macros::datetime;

stories!(with_store =>
    an_advisory_batch_adds_up_and_running_it_again_stores_nothing,
    a_newer_revision_replaces_and_an_older_one_changes_nothing,
    failed_validation_is_kept_and_flags_the_advisory,
    advisories_filter_by_cve_source_and_partner,
    matches_are_replaced_per_advisory_and_per_partner,
    a_notice_opens_once_and_changes_with_the_partners_picture,
    a_notice_is_acknowledged_once_and_only_by_its_partner,
    asset_statuses_are_scoped_and_close_and_reopen_the_notice,
    messages_about_a_notice_move_its_reminder_and_escalation_times,
    a_message_names_the_notice_it_was_about,
);

fn advisory(key: &str, revision: &str, cves: &[&str]) -> Advisory {
    Advisory {
        source: AdvisorySource::Csaf,
        key: key.to_owned(),
        revision: revision.to_owned(),
        revised_at: None,
        published_at: Some(datetime!(2026-03-01 09:00 UTC)),
        title: format!("{key} gateway flaw"),
        summary: "A flaw in the gateway lets anyone in.".to_owned(),
        action: "Upgrade to 1.1.".to_owned(),
        tlp: Tlp::Green,
        priority: Priority::High,
        cves: cves.iter().map(|cve| (*cve).to_owned()).collect(),
        url: Some("https://vendor.example/advisories/1".to_owned()),
        due: Some(date!(2026 - 03 - 15)),
        ransomware: false,
        cvss_tenths: Some(98),
        applicability: Vec::new(),
        not_affected: Vec::new(),
    }
}

fn item(advisory: Advisory) -> AdvisoryItem {
    AdvisoryItem {
        sha256: format!("{:0>64}", advisory.revision),
        advisory,
        failures: Vec::new(),
    }
}

fn put(store: &mut dyn Store, advisory: Advisory) -> i64 {
    store.put_advisory(&item(advisory)).expect("stored").id()
}

/// Two partners with one asset each (one product), and an advisory: (council, harbour,
/// council's asset and product, harbour's asset and product, advisory).
struct World {
    council: i64,
    harbour: i64,
    council_asset: (i64, i64),
    harbour_asset: (i64, i64),
    advisory: i64,
}

fn world(store: &mut dyn Store) -> World {
    let (council, harbour) = two_partners(store);
    let mut placed = |organisation: i64, name: &str| {
        let (id, _) = store
            .put_asset(
                organisation,
                &asset(name, vec![product("Acme", "Gateway", "1.0")]),
            )
            .expect("put");
        let stored = store.asset(id, None).expect("read").expect("there");
        (id, stored.product_ids[0])
    };
    let council_asset = placed(council, "Gateway");
    let harbour_asset = placed(harbour, "Gateway");
    let advisory = put(store, advisory("ACME-2026-001", "1", &["CVE-2026-0001"]));
    World {
        council,
        harbour,
        council_asset,
        harbour_asset,
        advisory,
    }
}

fn matched(
    advisory_id: i64,
    organisation_id: i64,
    (asset_id, product_id): (i64, i64),
) -> MatchRecord {
    MatchRecord {
        advisory_id,
        organisation_id,
        asset_id,
        product_id,
        confidence: Confidence::Certain,
        reason: "Acme Gateway 1.0 is before 1.1".to_owned(),
        criterion: "cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:*".to_owned(),
        cves: vec!["CVE-2026-0001".to_owned()],
    }
}

fn notice(advisory_id: i64, organisation_id: i64, fingerprint: &str) -> NewNotice {
    NewNotice {
        advisory_id,
        organisation_id,
        due: Some(date!(2026 - 03 - 15)),
        fingerprint: fingerprint.to_owned(),
        changes: String::new(),
    }
}

fn status(notice_id: i64, asset_id: i64, status: AssetStatus, at: OffsetDateTime) -> StatusChange {
    StatusChange {
        notice_id,
        asset_id,
        status,
        by: "priya".to_owned(),
        note: format!("{} at {at}", status.as_str()),
        at,
    }
}

fn an_advisory_batch_adds_up_and_running_it_again_stores_nothing(store: &mut dyn Store) {
    let batch = AdvisoryBatch {
        items: vec![
            item(advisory("ACME-2026-001", "1", &["CVE-2026-0001"])),
            item(advisory("ACME-2026-002", "1", &[])),
            item(advisory("ACME-2026-001", "1", &["CVE-2026-0001"])),
        ],
        rejected: vec![rejected(4, "not a CSAF document", "{\"document\": 1}")],
        skipped: 2,
    };
    let run_id = begin(store, "advisories", "csaf-provider", 3600);
    let (counts, writes) = store.store_advisories(run_id, &batch).expect("stored");
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
    assert!(counts.adds_up());
    assert!(matches!(writes[0], AdvisoryWrite::New { .. }));
    assert!(matches!(writes[1], AdvisoryWrite::New { .. }));
    assert_eq!(
        writes[2],
        AdvisoryWrite::Unchanged { id: writes[0].id() },
        "the same key twice in a batch is a duplicate"
    );
    assert_eq!(
        get_run(store, run_id).counts,
        counts,
        "counters moved with the batch"
    );
    let quarantined = store.quarantined(run_id).expect("quarantine");
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].row, batch.rejected[0]);

    let again = begin(store, "advisories", "csaf-provider", 3600);
    let (counts, writes) = store.store_advisories(again, &batch).expect("stored");
    assert_eq!(counts.stored, 0, "running the batch again stores nothing");
    assert_eq!(counts.duplicates, 3);
    assert!(counts.adds_up());
    assert!(
        writes
            .iter()
            .all(|w| matches!(w, AdvisoryWrite::Unchanged { .. }))
    );
    let stored = store
        .advisory(writes[0].id())
        .expect("read")
        .expect("there");
    assert_eq!(
        stored.run_id,
        Some(run_id),
        "kept from the run that stored it"
    );
    assert_eq!(stored.revisions, 1);
    assert!(matches!(
        store.store_advisories(999_999, &batch),
        Err(StoreError::NotFound { .. })
    ));
}

fn a_newer_revision_replaces_and_an_older_one_changes_nothing(store: &mut dyn Store) {
    let id = put(store, advisory("ACME-2026-001", "1.9", &["CVE-2026-0001"]));
    let first = store.advisory(id).expect("read").expect("there");
    assert_eq!(first.revisions, 1);
    assert_eq!(first.first_stored_at, first.stored_at);

    let mut newer = advisory("ACME-2026-001", "1.10", &["CVE-2026-0002"]);
    newer.title = "Acme gateway flaw, now exploited".to_owned();
    assert_eq!(
        store.put_advisory(&item(newer.clone())).expect("stored"),
        AdvisoryWrite::Revised {
            id,
            previous_revision: "1.9".to_owned()
        },
        "1.10 is newer than 1.9"
    );
    let revised = store
        .advisory_by_key(AdvisorySource::Csaf, "ACME-2026-001")
        .expect("read")
        .expect("there");
    assert_eq!(revised.id, id);
    assert_eq!(revised.revisions, 2);
    assert_eq!(revised.advisory, newer);
    assert_eq!(revised.first_stored_at, first.first_stored_at);
    assert!(revised.stored_at >= first.stored_at);
    let by_cve = |store: &mut dyn Store, cve: &str| {
        store
            .advisories(&AdvisoryFilter {
                cve: Some(cve.to_owned()),
                ..AdvisoryFilter::default()
            })
            .expect("listed")
            .len()
    };
    assert_eq!(by_cve(store, "CVE-2026-0002"), 1, "the revision's CVEs");
    assert_eq!(
        by_cve(store, "CVE-2026-0001"),
        0,
        "the old revision's are gone"
    );

    let older = advisory("ACME-2026-001", "1.2", &[]);
    assert_eq!(
        store.put_advisory(&item(older)).expect("stored"),
        AdvisoryWrite::Unchanged { id }
    );
    let mut dated_older = advisory("ACME-2026-001", "7", &[]);
    dated_older.revised_at = Some(datetime!(2026-01-01 00:00 UTC));
    let mut dated = newer.clone();
    dated.revision = "2".to_owned();
    dated.revised_at = Some(datetime!(2026-02-01 00:00 UTC));
    assert!(matches!(
        store.put_advisory(&item(dated)).expect("stored"),
        AdvisoryWrite::Revised { .. }
    ));
    assert_eq!(
        store.put_advisory(&item(dated_older)).expect("stored"),
        AdvisoryWrite::Unchanged { id },
        "an earlier revision time loses, whatever its number"
    );
    let kept = store.advisory(id).expect("read").expect("there");
    assert_eq!(kept.advisory.revision, "2");
    assert_eq!(kept.revisions, 3);
    assert_eq!(kept.run_id, None, "written by hand");
}

fn failed_validation_is_kept_and_flags_the_advisory(store: &mut dyn Store) {
    let failures = vec![ValidationFailure {
        test: "6.1.1".to_owned(),
        path: "/product_tree/branches/0".to_owned(),
        reason: "a product id is not defined".to_owned(),
    }];
    let id = store
        .put_advisory(&AdvisoryItem {
            failures: failures.clone(),
            ..item(advisory("ACME-2026-009", "1", &[]))
        })
        .expect("stored")
        .id();
    let flagged = store.advisory(id).expect("read").expect("there");
    assert_eq!(flagged.failures, failures);
    assert!(!flagged.is_usable());
    let valid = put(store, advisory("ACME-2026-010", "1", &[]));
    assert!(
        store
            .advisory(valid)
            .expect("read")
            .expect("there")
            .is_usable()
    );
    assert_eq!(store.advisory(999_999).expect("read"), None);
}

fn advisories_filter_by_cve_source_and_partner(store: &mut dyn Store) {
    let world = world(store);
    let mut kev = advisory("CVE-2026-0003", "2026-03-02", &["cve-2026-0003"]);
    kev.source = AdvisorySource::Kev;
    let kev = put(store, kev);
    store
        .replace_advisory_matches(
            &[world.advisory],
            &[matched(world.advisory, world.council, world.council_asset)],
        )
        .expect("matched");
    let list = |store: &mut dyn Store, filter: AdvisoryFilter| -> Vec<i64> {
        store
            .advisories(&filter)
            .expect("listed")
            .iter()
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(
        list(store, AdvisoryFilter::default()),
        vec![kev, world.advisory],
        "newest first"
    );
    let filter = AdvisoryFilter::default;
    assert_eq!(
        list(
            store,
            AdvisoryFilter {
                cve: Some("CVE-2026-0003".to_owned()),
                ..filter()
            }
        ),
        vec![kev],
        "CVE ids are found whatever their case"
    );
    assert_eq!(
        list(
            store,
            AdvisoryFilter {
                source: Some(AdvisorySource::Csaf),
                ..filter()
            }
        ),
        vec![world.advisory]
    );
    assert_eq!(
        list(
            store,
            AdvisoryFilter {
                organisation_id: Some(world.council),
                ..filter()
            }
        ),
        vec![world.advisory]
    );
    assert!(
        list(
            store,
            AdvisoryFilter {
                organisation_id: Some(world.harbour),
                ..filter()
            }
        )
        .is_empty()
    );
    assert_eq!(
        list(
            store,
            AdvisoryFilter {
                matched_only: true,
                ..filter()
            }
        ),
        vec![world.advisory]
    );
    assert_eq!(
        list(
            store,
            AdvisoryFilter {
                limit: Some(1),
                ..filter()
            }
        ),
        vec![kev]
    );
}

fn matches_are_replaced_per_advisory_and_per_partner(store: &mut dyn Store) {
    let world = world(store);
    let second = put(store, advisory("ACME-2026-002", "1", &[]));
    store
        .replace_advisory_matches(
            &[world.advisory, second],
            &[
                matched(world.advisory, world.council, world.council_asset),
                matched(world.advisory, world.harbour, world.harbour_asset),
                matched(second, world.council, world.council_asset),
                // Names the council but points at the harbour's asset: never written.
                matched(second, world.council, world.harbour_asset),
            ],
        )
        .expect("matched");
    let all = store.matches(&MatchFilter::default()).expect("matches");
    assert_eq!(
        all.len(),
        3,
        "a match to another partner's asset is refused"
    );
    assert_eq!(all[0].record.advisory_id, second, "newest advisory first");
    assert_eq!(all[1].organisation, "City Council");
    assert_eq!(all[2].organisation, "Harbour Trust");
    assert_eq!(all[1].asset, "Gateway");
    assert_eq!(all[1].advisory_key, "ACME-2026-001");
    assert_eq!(all[1].source, AdvisorySource::Csaf);
    assert_eq!(all[1].record.cves, vec!["CVE-2026-0001".to_owned()]);
    let harbour = store
        .matches(&MatchFilter {
            organisation_id: Some(world.harbour),
            ..MatchFilter::default()
        })
        .expect("matches");
    assert_eq!(harbour.len(), 1);
    assert!(
        harbour
            .iter()
            .all(|m| m.record.organisation_id == world.harbour)
    );

    store
        .replace_advisory_matches(&[world.advisory], &[])
        .expect("replaced");
    let left = store.matches(&MatchFilter::default()).expect("matches");
    assert_eq!(left.len(), 1, "only the named advisory's matches went");
    assert_eq!(left[0].record.advisory_id, second);

    store
        .replace_organisation_matches(
            &[world.harbour],
            &[matched(second, world.harbour, world.harbour_asset)],
        )
        .expect("replaced");
    let by_advisory = store
        .matches(&MatchFilter {
            advisory_id: Some(second),
            ..MatchFilter::default()
        })
        .expect("matches");
    assert_eq!(by_advisory.len(), 2);
    store
        .replace_organisation_matches(&[world.council], &[])
        .expect("replaced");
    let left = store.matches(&MatchFilter::default()).expect("matches");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].record.organisation_id, world.harbour);

    assert!(
        store
            .remove_asset(world.harbour, world.harbour_asset.0)
            .expect("removed")
    );
    assert!(
        store
            .matches(&MatchFilter::default())
            .expect("matches")
            .is_empty(),
        "a removed asset's matches go with it"
    );
}

fn a_notice_opens_once_and_changes_with_the_partners_picture(store: &mut dyn Store) {
    let world = world(store);
    let opened_at = datetime!(2026-03-01 10:00 UTC);
    let opened = store
        .open_notice(&notice(world.advisory, world.council, "a1"), opened_at)
        .expect("opened");
    let NoticeWrite::Opened(id) = opened else {
        panic!("expected Opened, got {opened:?}");
    };
    let later = datetime!(2026-03-02 10:00 UTC);
    assert_eq!(
        store
            .open_notice(&notice(world.advisory, world.council, "a1"), later)
            .expect("again"),
        NoticeWrite::Unchanged(id)
    );
    let record = store.notice(id, None).expect("read").expect("there");
    assert_eq!(record.opened_at, opened_at);
    assert_eq!(record.changed_at, opened_at, "nothing changed");
    assert_eq!(record.organisation, "City Council");
    assert_eq!(record.sector, "business");
    assert_eq!(record.due, Some(date!(2026 - 03 - 15)));

    let changed = NewNotice {
        due: Some(date!(2026 - 03 - 10)),
        changes: "A second gateway is affected.".to_owned(),
        ..notice(world.advisory, world.council, "b2")
    };
    assert_eq!(
        store.open_notice(&changed, later).expect("changed"),
        NoticeWrite::Changed(id)
    );
    let record = store.notice(id, None).expect("read").expect("there");
    assert_eq!(record.changed_at, later);
    assert_eq!(record.opened_at, opened_at);
    assert_eq!(record.fingerprint, "b2");
    assert_eq!(record.changes, "A second gateway is affected.");
    assert_eq!(record.due, Some(date!(2026 - 03 - 10)));

    let other = store
        .open_notice(
            &NewNotice {
                due: None,
                ..notice(world.advisory, world.harbour, "c3")
            },
            later,
        )
        .expect("opened");
    assert!(matches!(other, NoticeWrite::Opened(other_id) if other_id != id));
    let all = store.notices(&NoticeFilter::default()).expect("notices");
    assert_eq!(
        all.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![id, other.id()],
        "by due date, none last"
    );
    let harbour = store
        .notices(&NoticeFilter {
            organisation_id: Some(world.harbour),
            ..NoticeFilter::default()
        })
        .expect("notices");
    assert_eq!(harbour.len(), 1);
    assert_eq!(harbour[0].organisation_id, world.harbour);
    assert_eq!(
        store.notice(id, Some(world.harbour)).expect("read"),
        None,
        "another partner cannot read it"
    );
}

fn a_notice_is_acknowledged_once_and_only_by_its_partner(store: &mut dyn Store) {
    let world = world(store);
    let id = store
        .open_notice(
            &notice(world.advisory, world.council, "a1"),
            datetime!(2026-03-01 10:00 UTC),
        )
        .expect("opened")
        .id();
    let at = datetime!(2026-03-01 11:00 UTC);
    assert!(
        !store
            .acknowledge_notice(id, Some(world.harbour), "jo", at)
            .expect("refused"),
        "another partner cannot acknowledge it"
    );
    assert!(
        store
            .acknowledge_notice(id, Some(world.council), "priya", at)
            .expect("acknowledged")
    );
    assert!(
        !store
            .acknowledge_notice(id, None, "ade", at + time::Duration::hours(1))
            .expect("refused"),
        "only once"
    );
    let record = store
        .notice(id, Some(world.council))
        .expect("read")
        .expect("there");
    assert_eq!(record.acknowledged_at, Some(at));
    assert_eq!(record.acknowledged_by.as_deref(), Some("priya"));
    assert!(
        !store
            .acknowledge_notice(999_999, None, "x", at)
            .expect("none")
    );
}

fn asset_statuses_are_scoped_and_close_and_reopen_the_notice(store: &mut dyn Store) {
    let world = world(store);
    let (second_asset, _) = store
        .put_asset(
            world.council,
            &asset("Backup gateway", vec![product("Acme", "Gateway", "1.0")]),
        )
        .expect("put");
    let second_product = store
        .asset(second_asset, None)
        .expect("read")
        .expect("there")
        .product_ids[0];
    store
        .replace_advisory_matches(
            &[world.advisory],
            &[
                matched(world.advisory, world.council, world.council_asset),
                matched(
                    world.advisory,
                    world.council,
                    (second_asset, second_product),
                ),
                matched(world.advisory, world.harbour, world.harbour_asset),
            ],
        )
        .expect("matched");
    let id = store
        .open_notice(
            &notice(world.advisory, world.council, "a1"),
            datetime!(2026-03-01 10:00 UTC),
        )
        .expect("opened")
        .id();
    let statuses = store.asset_statuses(id).expect("statuses");
    assert_eq!(
        statuses.iter().map(|s| s.asset_id).collect::<Vec<_>>(),
        vec![second_asset, world.council_asset.0],
        "every matched asset of the partner, by name"
    );
    assert!(
        statuses
            .iter()
            .all(|s| s.status == AssetStatus::Unreviewed && s.set_by.is_none())
    );

    let t = |hour: u8| datetime!(2026-03-02 00:00 UTC) + time::Duration::hours(i64::from(hour));
    let gateway = world.council_asset.0;
    assert!(
        !store
            .set_asset_status(
                &status(id, gateway, AssetStatus::Fixed, t(1)),
                Some(world.harbour)
            )
            .expect("refused"),
        "another partner cannot set it"
    );
    assert!(
        !store
            .set_asset_status(
                &status(id, world.harbour_asset.0, AssetStatus::Fixed, t(1)),
                None
            )
            .expect("refused"),
        "an asset of another partner cannot be set against this notice"
    );
    assert!(store.asset_status_history(id).expect("history").is_empty());

    assert!(
        store
            .set_asset_status(
                &status(id, gateway, AssetStatus::Fixed, t(2)),
                Some(world.council)
            )
            .expect("set")
    );
    let open = |store: &mut dyn Store| {
        store
            .notice(id, None)
            .expect("read")
            .expect("there")
            .closed_at
    };
    assert_eq!(open(store), None, "one matched asset is still unreviewed");
    assert!(
        store
            .set_asset_status(
                &status(id, second_asset, AssetStatus::NotAffected, t(3)),
                Some(world.council)
            )
            .expect("set")
    );
    assert_eq!(
        open(store),
        Some(t(3)),
        "every matched asset closed: the notice closes"
    );
    let open_only = NoticeFilter {
        open_only: true,
        ..NoticeFilter::default()
    };
    assert!(store.notices(&open_only).expect("notices").is_empty());

    assert!(
        store
            .set_asset_status(&status(id, gateway, AssetStatus::InProgress, t(4)), None)
            .expect("set")
    );
    assert_eq!(open(store), None, "a reopened asset reopens the notice");
    assert_eq!(store.notices(&open_only).expect("notices").len(), 1);

    let statuses = store.asset_statuses(id).expect("statuses");
    let of = |asset_id: i64| {
        statuses
            .iter()
            .find(|s| s.asset_id == asset_id)
            .expect("listed")
            .clone()
    };
    assert_eq!(of(gateway).status, AssetStatus::InProgress);
    assert_eq!(of(gateway).set_at, Some(t(4)));
    assert_eq!(of(gateway).set_by.as_deref(), Some("priya"));
    assert_eq!(of(second_asset).status, AssetStatus::NotAffected);
    let history: Vec<(i64, AssetStatus)> = store
        .asset_status_history(id)
        .expect("history")
        .iter()
        .map(|s| (s.asset_id, s.status))
        .collect();
    assert_eq!(
        history,
        vec![
            (gateway, AssetStatus::Fixed),
            (second_asset, AssetStatus::NotAffected),
            (gateway, AssetStatus::InProgress),
        ],
        "oldest first"
    );
}

fn messages_about_a_notice_move_its_reminder_and_escalation_times(store: &mut dyn Store) {
    let world = world(store);
    let id = store
        .open_notice(
            &notice(world.advisory, world.council, "a1"),
            datetime!(2026-03-01 10:00 UTC),
        )
        .expect("opened")
        .id();
    let queue = |store: &mut dyn Store, kind: MessageKind, key: &str| {
        store
            .enqueue(
                &[NewMessage {
                    kind,
                    channel: beacon_core::Channel::Email,
                    organisation_id: Some(world.council),
                    recipient: "priya@council.example".to_owned(),
                    recipient_kind: String::new(),
                    content: MessageContent::Written {
                        subject: "Acme gateway".to_owned(),
                        text: "text".to_owned(),
                        html: "<p>html</p>".to_owned(),
                    },
                    tlp: Tlp::Green,
                    dedupe_key: key.to_owned(),
                    ack_wanted: true,
                    detail: MessageDetail::None,
                    not_before: None,
                }],
                "beacon.test",
            )
            .expect("queued")[0]
    };
    let first = queue(store, MessageKind::Notice, "notice:1");
    store
        .record_notice_message(
            id,
            NoticeMessage::Notice,
            Some(first),
            datetime!(2026-03-01 10:01 UTC),
        )
        .expect("recorded");
    let record = store.notice(id, None).expect("read").expect("there");
    assert_eq!((record.reminded_at, record.escalated_at), (None, None));

    let reminder = queue(store, MessageKind::Notice, "reminder:1");
    let reminded = datetime!(2026-03-08 09:00 UTC);
    store
        .record_notice_message(id, NoticeMessage::Reminder, Some(reminder), reminded)
        .expect("recorded");
    let escalation = queue(store, MessageKind::Escalation, "escalation:1");
    let escalated = datetime!(2026-03-16 09:00 UTC);
    store
        .record_notice_message(id, NoticeMessage::Escalation, None, escalated)
        .expect("recorded");
    let record = store.notice(id, None).expect("read").expect("there");
    assert_eq!(record.reminded_at, Some(reminded));
    assert_eq!(record.escalated_at, Some(escalated));
    assert_eq!(
        store
            .message(escalation)
            .expect("read")
            .map(|message| message.kind),
        Some(MessageKind::Escalation)
    );
    assert!(matches!(
        store.record_notice_message(999_999, NoticeMessage::Reminder, Some(reminder), reminded),
        Err(StoreError::NotFound { .. })
    ));
}

fn a_message_names_the_notice_it_was_about(store: &mut dyn Store) {
    let world = world(store);
    let opened = datetime!(2026-03-01 10:00 UTC);
    let council = store
        .open_notice(&notice(world.advisory, world.council, "c1"), opened)
        .expect("opened")
        .id();
    let harbour = store
        .open_notice(&notice(world.advisory, world.harbour, "h1"), opened)
        .expect("opened")
        .id();
    let ids = store
        .enqueue(
            &[
                ("notice:council", world.council),
                ("notice:harbour", world.harbour),
                ("digest:council", world.council),
            ]
            .map(|(key, organisation)| NewMessage {
                kind: MessageKind::Notice,
                channel: beacon_core::Channel::Email,
                organisation_id: Some(organisation),
                recipient: "it@partner.example".to_owned(),
                recipient_kind: String::new(),
                content: MessageContent::Written {
                    subject: "Acme gateway".to_owned(),
                    text: "text".to_owned(),
                    html: "<p>html</p>".to_owned(),
                },
                tlp: Tlp::Green,
                dedupe_key: key.to_owned(),
                ack_wanted: true,
                detail: MessageDetail::None,
                not_before: None,
            }),
            "beacon.test",
        )
        .expect("queued");
    store
        .record_notice_message(council, NoticeMessage::Notice, Some(ids[0]), opened)
        .expect("recorded");
    store
        .record_notice_message(harbour, NoticeMessage::Reminder, Some(ids[1]), opened)
        .expect("recorded");
    // A message recorded for nobody to send to names no message at all.
    store
        .record_notice_message(council, NoticeMessage::Escalation, None, opened)
        .expect("recorded");
    assert_eq!(
        store.notice_of_message(ids[0]).expect("read"),
        Some(council)
    );
    assert_eq!(
        store.notice_of_message(ids[1]).expect("read"),
        Some(harbour)
    );
    assert_eq!(store.notice_of_message(ids[2]).expect("read"), None);
    assert_eq!(store.notice_of_message(999_999).expect("read"), None);
}
