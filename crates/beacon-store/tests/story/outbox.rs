//! The outbox's story: digests queued with their watermark, sent once, retried, given up,
//! and claimed again when a sender dies.

use super::register::organisation;
use super::*;
use beacon_core::Tlp;
use beacon_store::{NewDigest, OutboxStatus};
use time::macros::datetime;

stories!(with_store =>
    digests_queue_with_their_watermark_and_are_sent_once,
    failed_sends_retry_then_give_up,
    a_dead_senders_lease_runs_out_and_the_message_is_claimed_again,
    a_batch_of_sends_is_recorded_at_once,
);

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

fn a_batch_of_sends_is_recorded_at_once(store: &mut dyn Store) {
    let owner = store
        .upsert_organisations(&[organisation("City Council", "192.0.2.0/24")])
        .expect("stored")[0];
    let ids = store
        .enqueue_digests(
            owner,
            &[
                digest(owner, "a@council.example"),
                digest(owner, "b@council.example"),
                digest(owner, "c@council.example"),
            ],
            datetime!(2026-11-29 06:00 UTC),
            "beacon.test",
        )
        .expect("queued");
    let now = datetime!(2026-11-29 06:01 UTC);
    let lease = time::Duration::minutes(5);
    assert_eq!(
        store
            .outbox_claim_due(now, lease, 10)
            .expect("claimed")
            .len(),
        3
    );
    store
        .outbox_record_sent_many(&[], now)
        .expect("nothing to record");
    let at = now + time::Duration::seconds(2);
    store
        .outbox_record_sent_many(&[ids[0], ids[2], 999_999], at)
        .expect("recorded; an unknown id is skipped");
    let outbox = store.outbox(None, 10).expect("outbox");
    let status = |id: i64| {
        let entry = outbox.iter().find(|m| m.id == id).expect("listed");
        (entry.status, entry.sent_at)
    };
    assert_eq!(status(ids[0]), (OutboxStatus::Sent, Some(at)));
    assert_eq!(status(ids[2]), (OutboxStatus::Sent, Some(at)));
    assert_eq!(status(ids[1]), (OutboxStatus::Sending, None));
    // Only the one not recorded comes back when the lease lapses.
    let again = store
        .outbox_claim_due(now + lease, lease, 10)
        .expect("lapsed");
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), vec![ids[1]]);
}
