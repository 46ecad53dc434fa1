//! Unit tests of the register's shared work: keys, labels, observables, blocks.

use super::block::Block;
use super::event_key::{event_detail, event_from_stored, event_key, observable_of};
use super::labels::{MAX_LABELS, merge_labels, ports_of};
use super::{AddressKind, FeedBatch, RegisterEvent};
use beacon_core::{Event, Tlp};
use time::macros::datetime;

fn event() -> Event {
    let mut event = Event::new(
        "infected-system",
        "Shadowserver event4_sinkhole_http",
        datetime!(2026-11-29 10:00 UTC),
        Tlp::Amber,
        "raw line".into(),
    );
    event.source_ip = Some("192.0.2.7".parse().expect("ip"));
    event.time_source = Some(datetime!(2026-11-28 23:00 UTC));
    event.extra.insert("user_agent".into(), "x".into());
    event
}

#[test]
fn key_ignores_read_time_and_raw_only() {
    let first = event();
    let mut again = event();
    again.time_observation = datetime!(2026-12-01 10:00 UTC);
    again.raw = "other raw".into();
    assert_eq!(event_key(&first), event_key(&again));
    let mut other = event();
    other.extra.insert("user_agent".into(), "y".into());
    assert_ne!(event_key(&first), event_key(&other));
    let mut moved = event();
    moved.time_source = Some(datetime!(2026-11-28 23:00:01 UTC));
    assert_ne!(event_key(&first), event_key(&moved));
}

#[test]
fn labels_merge_as_sorted_sets() {
    assert_eq!(merge_labels("", "b;a"), "a;b");
    assert_eq!(merge_labels("a;c", "b;a"), "a;b;c");
    assert_eq!(merge_labels("a", ""), "a");
    assert_eq!(ports_of("443;80;8080"), vec![80, 443, 8080]);
    let many: Vec<String> = (0..40).map(|n| format!("{n:02}")).collect();
    assert_eq!(
        merge_labels("", &many.join(";")).split(';').count(),
        MAX_LABELS
    );
}

#[test]
fn observable_prefers_the_address() {
    let mut event = event();
    event.source_url = Some("http://bad.example/x".into());
    assert_eq!(
        observable_of(&event),
        Some(("192.0.2.7".to_owned(), AddressKind::Ip))
    );
    event.source_ip = None;
    assert_eq!(
        observable_of(&event),
        Some(("http://bad.example/x".to_owned(), AddressKind::Url))
    );
}

#[test]
fn stored_detail_reads_back_with_raw() {
    let (detail, original) = event_detail(event());
    assert!(!detail.contains("raw line"));
    assert!(detail.contains("\"extra.user_agent\""));
    let back = event_from_stored(&detail, "raw line").expect("reads back");
    assert_eq!(back, original);
    let mut batch = FeedBatch {
        events: vec![
            RegisterEvent::new(original.clone(), 2, None, None),
            RegisterEvent::new(event(), 3, Some(1), None),
        ],
        ..FeedBatch::default()
    };
    batch.seal();
    assert!(
        batch.events[0].event.raw.is_empty(),
        "sealing frees the text"
    );
    let block = Block::decode(&batch.block().expect("sealed")).expect("decodes");
    assert_eq!(block.event(0), Some(original.clone()));
    assert_eq!(block.event(2), None);
    let mut pushed = FeedBatch::default();
    pushed.push(RegisterEvent::new(event(), 2, None, None));
    pushed.push(RegisterEvent::new(original.clone(), 3, None, None));
    assert!(pushed.block().is_none(), "not sealed yet");
    pushed.seal();
    let block = Block::decode(&pushed.block().expect("sealed")).expect("decodes");
    assert_eq!(block.event(1), Some(original));
}
