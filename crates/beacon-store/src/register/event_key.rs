//! What identifies a feed event: the address it names, when it was seen, its
//! deduplication key, and its stored JSON form.

use super::AddressKind;
use beacon_core::Event;
use time::OffsetDateTime;

/// The address an event names, and its kind; `None` when it names none.
pub fn observable_of(event: &Event) -> Option<(String, AddressKind)> {
    if let Some(ip) = event.source_ip {
        return Some((ip.to_string(), AddressKind::Ip));
    }
    if let Some(network) = &event.source_network {
        return Some((network.to_string(), AddressKind::Network));
    }
    if let Some(url) = &event.source_url {
        return Some((url.clone(), AddressKind::Url));
    }
    event
        .source_fqdn
        .as_ref()
        .map(|fqdn| (fqdn.clone(), AddressKind::Domain))
}

/// When an event's address was seen: the feed's own time, else when Beacon read it.
pub fn seen_at(event: &Event) -> OffsetDateTime {
    event.time_source.unwrap_or(event.time_observation)
}

/// The deduplication key of an event: a 128-bit XXH3 hash of every field except when
/// Beacon read it and the raw text (as IntelMQ's deduplicator ignores `time.observation`
/// and `raw`), so the same report read twice — from one file or two — is stored once.
/// XXH3 rather than SHA-256 because it is hashed for every event on the ingest path and
/// needs no resistance to forgery: at 128 bits accidental collisions are not a concern.
pub fn event_key(event: &Event) -> [u8; 16] {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |value: &[u8]| {
        hasher.update(&(value.len() as u64).to_le_bytes());
        hasher.update(value);
    };
    let text = |value: &Option<String>| value.as_deref().unwrap_or("\u{0}").to_owned();
    field(
        event
            .source_ip
            .map(|ip| ip.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(
        event
            .source_network
            .map(|network| network.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(text(&event.source_fqdn).as_bytes());
    field(text(&event.source_url).as_bytes());
    field(&event.source_port.map_or(-1, i32::from).to_le_bytes());
    field(&event.source_asn.map_or(-1, i64::from).to_le_bytes());
    field(text(&event.source_as_name).as_bytes());
    field(text(&event.source_country).as_bytes());
    field(
        event
            .destination_ip
            .map(|ip| ip.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(text(&event.destination_fqdn).as_bytes());
    field(&event.destination_port.map_or(-1, i32::from).to_le_bytes());
    field(text(&event.destination_url).as_bytes());
    field(&event.destination_asn.map_or(-1, i64::from).to_le_bytes());
    field(event.classification_taxonomy.as_bytes());
    field(event.classification_type.as_bytes());
    field(text(&event.classification_identifier).as_bytes());
    field(text(&event.malware_name).as_bytes());
    field(event.feed_name.as_bytes());
    field(text(&event.feed_provider).as_bytes());
    field(
        &event
            .time_source
            .map_or(i128::MIN, OffsetDateTime::unix_timestamp_nanos)
            .to_le_bytes(),
    );
    field(event.tlp.as_str().as_bytes());
    for (key, value) in &event.extra {
        field(key.as_bytes());
        field(value.as_bytes());
    }
    hasher.digest128().to_le_bytes()
}

/// The event as stored: JSON with IntelMQ's field names, the raw text left out (an empty
/// `raw` is not written). Takes the event and gives it back unchanged, to avoid a copy.
pub(super) fn event_detail(mut event: Event) -> (String, Event) {
    let raw = std::mem::take(&mut event.raw);
    let detail = serde_json::to_string(&event).unwrap_or_default();
    event.raw = raw;
    (detail, event)
}

/// Reads a stored event back: its JSON detail plus its raw text.
pub(super) fn event_from_stored(detail: &str, raw: &str) -> Option<Event> {
    let mut event: Event = serde_json::from_str(detail).ok()?;
    event.raw = raw.to_owned();
    Some(event)
}
