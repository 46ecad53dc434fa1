//! The threat-address register's types, and the work both backends share before SQL:
//! each event's deduplication key, its observable, and per-address sums over a batch.
//!
//! An *address* is what an event names, in this order: `source.ip`, `source.network`,
//! `source.url`, `source.fqdn`. The register keeps each address once, with first and last
//! seen, sightings (events stored, duplicates not counted), owner and district; its feeds
//! and classifications are read from its events.

use beacon_core::{Cidr, DistrictCode, Event, Organisation, RejectedRow, StoredOrganisation, Tlp};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;

/// A feed event on its way into the register, with who owns what it names. Built with
/// [`RegisterEvent::new`], which also works out its deduplication key and stored form, so
/// that work happens on the thread that parses, not the one that writes.
#[derive(Debug, Clone)]
pub struct RegisterEvent {
    /// The harmonised event.
    pub event: Event,
    /// Line (or record number) in the feed file.
    pub line: u64,
    /// The owning organisation's register id, when attribution found one.
    pub organisation_id: Option<i64>,
    /// The district the address counts in (the owner's district), when known.
    pub district: Option<DistrictCode>,
    /// [`event_key`] of the event.
    key: [u8; 16],
    /// The event as stored: JSON without its raw text.
    detail: String,
}

impl RegisterEvent {
    /// An event ready for the register.
    pub fn new(
        event: Event,
        line: u64,
        organisation_id: Option<i64>,
        district: Option<DistrictCode>,
    ) -> RegisterEvent {
        let key = event_key(&event);
        let (detail, event) = event_detail(event);
        RegisterEvent {
            event,
            line,
            organisation_id,
            district,
            key,
            detail,
        }
    }
}

/// A batch of one feed file's records, written in one transaction.
#[derive(Default)]
pub struct FeedBatch {
    /// Events; those already stored (same key) count as duplicates.
    pub events: Vec<RegisterEvent>,
    /// Records that named nothing the register keeps, counted.
    pub skipped: u64,
    /// Malformed records for quarantine.
    pub rejects: Vec<RejectedRow>,
    /// The events' stored forms and raw text, compressed together (see [`FeedBatch::seal`]).
    block: Option<Vec<u8>>,
    /// The block being compressed as events are pushed (see [`FeedBatch::push`]).
    encoder: Option<zstd::stream::Encoder<'static, Vec<u8>>>,
}

impl std::fmt::Debug for FeedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedBatch")
            .field("events", &self.events.len())
            .field("skipped", &self.skipped)
            .field("rejects", &self.rejects.len())
            .field("sealed", &self.block.is_some())
            .finish()
    }
}

impl FeedBatch {
    /// A batch of events, skipped records and rejected rows.
    pub fn new(events: Vec<RegisterEvent>, skipped: u64, rejects: Vec<RejectedRow>) -> FeedBatch {
        FeedBatch {
            events,
            skipped,
            rejects,
            block: None,
            encoder: None,
        }
    }

    /// Adds an event, compressing its full form into the batch's block at once and
    /// keeping only what the store indexes: memory per batch stays small however large
    /// the events. Call [`FeedBatch::seal`] before storing the batch.
    pub fn push(&mut self, mut event: RegisterEvent) {
        if self.encoder.is_none() && self.block.is_none() {
            self.encoder = zstd::stream::Encoder::new(Vec::new(), BLOCK_LEVEL).ok();
            // Events added before (with `new`) go in first, in order.
            for earlier in &mut self.events {
                append_record(self.encoder.as_mut(), earlier);
            }
        }
        append_record(self.encoder.as_mut(), &mut event);
        self.events.push(event);
    }

    /// Compresses the events' stored forms and raw text into one block, and frees them
    /// (and the events' `extra` fields, which only the block needs).
    ///
    /// Events are stored as narrow rows (key, address, time, classification, owner) that
    /// point into a zstd-compressed block per batch holding each event's full harmonised
    /// form and raw record: a block compresses about ten times better than rows one by
    /// one, and the bytes written — not the rows — are what limit a bulk load. Sealing is
    /// done where the batch is built (the parsing thread), so the storing thread only
    /// writes. A batch not sealed is sealed by the store.
    pub fn seal(&mut self) {
        if self.block.is_some() {
            return;
        }
        if let Some(encoder) = self.encoder.take() {
            self.block = Some(encoder.finish().unwrap_or_default());
            return;
        }
        self.block = Some(encode_block(&self.events));
        for event in &mut self.events {
            strip(event);
        }
    }

    /// The compressed block of this batch's events; `None` when events were pushed but
    /// the batch was not sealed.
    pub(crate) fn block(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match (&self.block, &self.encoder) {
            (Some(block), _) => Some(std::borrow::Cow::Borrowed(block)),
            (None, None) => Some(std::borrow::Cow::Owned(encode_block(&self.events))),
            (None, Some(_)) => None,
        }
    }

    /// Records in the batch.
    pub fn len(&self) -> usize {
        self.events.len() + self.rejects.len() + self.skipped as usize
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What kind of thing an address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// An IPv4 or IPv6 address.
    Ip,
    /// A CIDR range.
    Network,
    /// A URL.
    Url,
    /// A domain name.
    Domain,
}

impl AddressKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressKind::Ip => "ip",
            AddressKind::Network => "network",
            AddressKind::Url => "url",
            AddressKind::Domain => "domain",
        }
    }

    /// Reads the stored spelling.
    pub fn from_stored(text: &str) -> AddressKind {
        match text {
            "network" => AddressKind::Network,
            "url" => AddressKind::Url,
            "domain" => AddressKind::Domain,
            _ => AddressKind::Ip,
        }
    }
}

/// One address as the register holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressRecord {
    /// Register id.
    pub id: i64,
    /// The address, network, URL or domain.
    pub observable: String,
    /// What it is.
    pub kind: AddressKind,
    /// Owning organisation's id.
    pub organisation_id: Option<i64>,
    /// District it counts in.
    pub district: Option<String>,
    /// First sighting (`time.source`, or when read if the feed gave no time).
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// Latest sighting.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    /// Since when it has been continuously active (reset when it comes back after
    /// expiring).
    #[serde(with = "time::serde::rfc3339")]
    pub active_since: OffsetDateTime,
    /// Events stored for it.
    pub sightings: u64,
    /// The most restrictive TLP of its events.
    pub tlp: Tlp,
    /// Feeds that reported it.
    pub feeds: Vec<String>,
    /// Classification types it was reported under (IntelMQ types).
    pub types: Vec<String>,
    /// Taxonomies of those types.
    pub taxonomies: Vec<String>,
    /// Malware families named.
    pub malware: Vec<String>,
    /// Ports named.
    pub ports: Vec<u16>,
}

/// Which addresses to list.
#[derive(Debug, Clone, Default)]
pub struct AddressFilter {
    /// Only this organisation's.
    pub organisation_id: Option<i64>,
    /// Only addresses last seen at or after this time.
    pub seen_since: Option<OffsetDateTime>,
    /// At most this many, most recently seen first (`None`: all).
    pub limit: Option<u32>,
}

/// Sightings in the narrow form the register's statistics count (a domain fact).
pub use beacon_core::register::SightingFact;

/// Tallies of the register as a whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RegisterTotals {
    /// Distinct addresses ever seen.
    pub addresses: u64,
    /// Events stored.
    pub events: u64,
    /// Addresses with an owner.
    pub attributed_addresses: u64,
}

/// Rank of a TLP label for "most restrictive" sums (CLEAR 0 … RED 4).
pub(crate) fn tlp_rank(tlp: Tlp) -> i64 {
    match tlp {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

/// The TLP label of a stored rank.
pub(crate) fn tlp_from_rank(rank: i64) -> Tlp {
    match rank {
        0 => Tlp::Clear,
        1 => Tlp::Green,
        2 => Tlp::Amber,
        3 => Tlp::AmberStrict,
        _ => Tlp::Red,
    }
}

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

/// An event prepared for SQL: its key, address, time and stored detail.
pub(crate) struct PreparedEvent<'a> {
    pub key: [u8; 16],
    pub observable: String,
    pub kind: AddressKind,
    pub seen_at: OffsetDateTime,
    pub source: &'a RegisterEvent,
    /// Where the event's full form is in the batch's block.
    pub block_index: i64,
}

/// Prepares a batch's events; events naming no address are counted as skipped (the
/// parsers already skip them, so this is a guard).
pub(crate) fn prepare(batch: &FeedBatch) -> (Vec<PreparedEvent<'_>>, u64) {
    let mut prepared = Vec::with_capacity(batch.events.len());
    let mut skipped = 0;
    for (index, source) in batch.events.iter().enumerate() {
        let Some((observable, kind)) = observable_of(&source.event) else {
            skipped += 1;
            continue;
        };
        prepared.push(PreparedEvent {
            key: source.key,
            observable,
            kind,
            seen_at: seen_at(&source.event),
            block_index: index as i64,
            source,
        });
    }
    (prepared, skipped)
}

/// The event as stored: JSON with IntelMQ's field names, the raw text left out (an empty
/// `raw` is not written). Takes the event and gives it back unchanged, to avoid a copy.
fn event_detail(mut event: Event) -> (String, Event) {
    let raw = std::mem::take(&mut event.raw);
    let detail = serde_json::to_string(&event).unwrap_or_default();
    event.raw = raw;
    (detail, event)
}

/// Reads a stored event back: its JSON detail plus its raw text.
pub(crate) fn event_from_stored(detail: &str, raw: &str) -> Option<Event> {
    let mut event: Event = serde_json::from_str(detail).ok()?;
    event.raw = raw.to_owned();
    Some(event)
}

/// Events at the given (block, index) places, in that order, decoding each block once
/// (the most recent block is kept, as events of one batch are read together).
pub(crate) fn read_events(
    places: &[(i64, i64)],
    mut block_data: impl FnMut(i64) -> crate::StoreResult<Vec<u8>>,
) -> crate::StoreResult<Vec<Event>> {
    let corrupt = |what: String| crate::StoreError::Corrupt(what);
    let mut cache: HashMap<i64, Block> = HashMap::new();
    let mut events = Vec::with_capacity(places.len());
    for &(block_id, index) in places {
        if !cache.contains_key(&block_id) {
            if cache.len() >= 64 {
                cache.clear();
            }
            let block = Block::decode(&block_data(block_id)?)
                .ok_or_else(|| corrupt(format!("feed event block {block_id} does not decode")))?;
            cache.insert(block_id, block);
        }
        let event = cache
            .get(&block_id)
            .and_then(|block| block.event(usize::try_from(index).ok()?))
            .ok_or_else(|| {
                corrupt(format!(
                    "event {index} of block {block_id} does not read back"
                ))
            })?;
        events.push(event);
    }
    Ok(events)
}

/// zstd level: the fastest, which still compresses a block of feed events about tenfold.
const BLOCK_LEVEL: i32 = 1;

/// Frees what only the block needs: the stored JSON, the raw text and `extra`.
fn strip(event: &mut RegisterEvent) {
    event.detail = String::new();
    event.event.raw = String::new();
    event.event.extra = BTreeMap::new();
}

/// Writes one event's record into a block being compressed, then strips the event.
fn append_record(
    encoder: Option<&mut zstd::stream::Encoder<'static, Vec<u8>>>,
    event: &mut RegisterEvent,
) {
    use std::io::Write;
    if let Some(encoder) = encoder {
        for part in [event.detail.as_bytes(), event.event.raw.as_bytes()] {
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&(part.len() as u32).to_le_bytes());
            let _ = encoder.write_all(part);
        }
    }
    strip(event);
}

/// A block: for each event in batch order, its stored JSON and raw text, each as a
/// little-endian u32 length and the bytes; zstd-compressed as a whole.
fn encode_block(events: &[RegisterEvent]) -> Vec<u8> {
    let mut plain = Vec::with_capacity(events.len() * 1_500);
    for event in events {
        for part in [event.detail.as_bytes(), event.event.raw.as_bytes()] {
            plain.extend_from_slice(&(part.len() as u32).to_le_bytes());
            plain.extend_from_slice(part);
        }
    }
    zstd::bulk::compress(&plain, BLOCK_LEVEL).unwrap_or_default()
}

/// A decoded block: the events' (stored JSON, raw text) in batch order.
pub(crate) struct Block {
    plain: Vec<u8>,
    /// Byte ranges of each event's two parts.
    parts: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl Block {
    /// Decompresses and indexes a stored block.
    pub fn decode(data: &[u8]) -> Option<Block> {
        let plain = zstd::stream::decode_all(data).ok()?;
        let mut parts = Vec::new();
        let mut at = 0;
        let next = |at: &mut usize| -> Option<std::ops::Range<usize>> {
            let length = u32::from_le_bytes(plain.get(*at..*at + 4)?.try_into().ok()?) as usize;
            let range = *at + 4..*at + 4 + length;
            plain.get(range.clone())?;
            *at = range.end;
            Some(range)
        };
        while at < plain.len() {
            let detail = next(&mut at)?;
            let raw = next(&mut at)?;
            parts.push((detail, raw));
        }
        Some(Block { plain, parts })
    }

    /// The event at `index`.
    pub fn event(&self, index: usize) -> Option<Event> {
        let (detail, raw) = self.parts.get(index)?;
        let text =
            |range: &std::ops::Range<usize>| std::str::from_utf8(&self.plain[range.clone()]).ok();
        event_from_stored(text(detail)?, text(raw)?)
    }
}

/// What one batch adds to one address: sums over the events stored (not duplicates).
#[derive(Debug, Clone)]
pub(crate) struct AddressDelta {
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    pub sightings: i64,
    pub organisation_id: Option<i64>,
    pub district: Option<String>,
    pub tlp_rank: i64,
    /// Labels this batch adds, each `;`-joined and sorted (see [`merge_labels`]).
    pub labels: Labels,
}

/// What an address's events said, kept on the address so reading it needs no scan of
/// its events: feeds, classification types, malware families and ports.
#[derive(Debug, Clone, Default)]
pub(crate) struct Labels {
    pub feeds: std::collections::BTreeSet<String>,
    pub types: std::collections::BTreeSet<String>,
    pub malware: std::collections::BTreeSet<String>,
    pub ports: std::collections::BTreeSet<u16>,
}

impl Labels {
    fn add(&mut self, event: &Event) {
        if !self.feeds.contains(&event.feed_name) {
            self.feeds.insert(event.feed_name.clone());
        }
        if !self.types.contains(&event.classification_type) {
            self.types.insert(event.classification_type.clone());
        }
        if let Some(malware) = &event.malware_name
            && !self.malware.contains(malware)
        {
            self.malware.insert(malware.clone());
        }
        if let Some(port) = event.source_port {
            self.ports.insert(port);
        }
    }

    /// Each kind as stored: `;`-joined (labels holding `;` have it replaced by `,`).
    pub fn joined(&self) -> [String; 4] {
        let join = |set: &std::collections::BTreeSet<String>| {
            set.iter()
                .map(|label| label.replace(';', ","))
                .collect::<Vec<_>>()
                .join(";")
        };
        [
            join(&self.feeds),
            join(&self.types),
            join(&self.malware),
            self.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(";"),
        ]
    }
}

/// Most labels of one kind an address keeps (a sinkhole sees a new client port on every
/// connection; the first few say enough).
pub const MAX_LABELS: usize = 16;

/// The union of two `;`-joined label lists, sorted bytewise, without empty labels, at
/// most [`MAX_LABELS`]: how an address's stored labels take in a batch's (SQLite calls it
/// as `beacon_merge_labels`; PostgreSQL has the same function in SQL).
pub fn merge_labels(stored: &str, added: &str) -> String {
    let mut labels: Vec<&str> = stored
        .split(';')
        .chain(added.split(';'))
        .filter(|label| !label.is_empty())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels.truncate(MAX_LABELS);
    labels.join(";")
}

/// Splits a stored label list.
pub(crate) fn split_labels(stored: &str) -> Vec<String> {
    stored
        .split(';')
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Taxonomies of stored types, and ports as numbers in order.
pub(crate) fn taxonomies_of(types: &[String]) -> Vec<String> {
    let mut taxonomies: Vec<String> = types
        .iter()
        .map(|t| {
            beacon_core::event::taxonomy_of(t)
                .unwrap_or("other")
                .to_owned()
        })
        .collect();
    taxonomies.sort();
    taxonomies.dedup();
    taxonomies
}

/// Ports from a stored list, in numeric order.
pub(crate) fn ports_of(stored: &str) -> Vec<u16> {
    let mut ports: Vec<u16> = stored.split(';').filter_map(|p| p.parse().ok()).collect();
    ports.sort_unstable();
    ports
}

/// Per-address sums of a batch's stored events, in first-seen order of the batch.
#[derive(Default)]
pub(crate) struct AddressDeltas {
    order: Vec<i64>,
    by_id: HashMap<i64, AddressDelta>,
}

impl AddressDeltas {
    /// Adds one stored event of an address.
    pub fn add(&mut self, address_id: i64, event: &PreparedEvent<'_>) {
        let rank = tlp_rank(event.source.event.tlp);
        match self.by_id.get_mut(&address_id) {
            Some(delta) => {
                delta.first_seen = delta.first_seen.min(event.seen_at);
                if event.seen_at >= delta.last_seen {
                    delta.last_seen = event.seen_at;
                    delta.organisation_id = event.source.organisation_id;
                    delta.district = event.source.district.as_ref().map(|d| d.to_string());
                }
                delta.sightings += 1;
                delta.tlp_rank = delta.tlp_rank.max(rank);
                delta.labels.add(&event.source.event);
            }
            None => {
                self.order.push(address_id);
                let mut labels = Labels::default();
                labels.add(&event.source.event);
                self.by_id.insert(
                    address_id,
                    AddressDelta {
                        first_seen: event.seen_at,
                        last_seen: event.seen_at,
                        sightings: 1,
                        organisation_id: event.source.organisation_id,
                        district: event.source.district.as_ref().map(|d| d.to_string()),
                        tlp_rank: rank,
                        labels,
                    },
                );
            }
        }
    }

    /// The sums, one per address.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &AddressDelta)> {
        self.order
            .iter()
            .filter_map(|id| Some((*id, self.by_id.get(id)?)))
    }
}

/// A bounded map from observable to address id, kept between batches so most events
/// need no lookup. Only committed ids go in; it is emptied when full, so memory stays
/// flat however many addresses a feed names.
#[derive(Default)]
pub(crate) struct AddressIds {
    ids: HashMap<String, i64>,
}

impl AddressIds {
    /// Most ids kept.
    const CAPACITY: usize = 1 << 20;

    /// The committed id of an observable, if cached.
    pub fn get(&self, observable: &str) -> Option<i64> {
        self.ids.get(observable).copied()
    }

    /// Remembers ids that are now committed.
    pub fn extend(&mut self, committed: impl IntoIterator<Item = (String, i64)>) {
        for (observable, id) in committed {
            if self.ids.len() >= Self::CAPACITY {
                self.ids.clear();
            }
            self.ids.insert(observable, id);
        }
    }

    /// Forgets everything (after a rollback, or when organisations change).
    pub fn clear(&mut self) {
        self.ids.clear();
    }
}

/// The Message-ID of an outbox message: the same on every attempt, unique per message.
pub(crate) fn message_id(id: i64, period_end: OffsetDateTime, domain: &str) -> String {
    format!(
        "beacon-digest-{id}-{}@{domain}",
        period_end.unix_timestamp()
    )
}

/// The claims of an organisation as stored `(kind, value)` pairs.
pub(crate) fn claims_of(organisation: &Organisation) -> Vec<(&'static str, String)> {
    let mut claims = Vec::new();
    claims.extend(
        organisation
            .networks
            .iter()
            .map(|network| ("network", network.to_string())),
    );
    claims.extend(organisation.asns.iter().map(|asn| ("asn", asn.to_string())));
    claims.extend(
        organisation
            .domains
            .iter()
            .map(|domain| ("domain", domain.clone())),
    );
    claims
}

/// Rebuilds an organisation from its stored row and claims.
pub(crate) fn organisation_from(
    id: i64,
    name: String,
    sector: String,
    district: Option<String>,
    contacts: &str,
    claims: Vec<(String, String)>,
) -> crate::StoreResult<StoredOrganisation> {
    let corrupt = |what: &str| crate::StoreError::Corrupt(format!("organisation {id}: {what}"));
    let mut organisation = Organisation {
        name,
        sector,
        district: district
            .map(|code| code.parse())
            .transpose()
            .map_err(|_| corrupt("district code"))?,
        contacts: contacts
            .split(';')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        ..Organisation::default()
    };
    for (kind, value) in claims {
        match kind.as_str() {
            "network" => organisation
                .networks
                .push(value.parse::<Cidr>().map_err(|_| corrupt("network"))?),
            "asn" => organisation
                .asns
                .push(value.parse().map_err(|_| corrupt("ASN"))?),
            _ => organisation.domains.push(value),
        }
    }
    organisation.networks.sort();
    organisation.asns.sort_unstable();
    Ok(StoredOrganisation { id, organisation })
}

/// The register's `Store` methods, the same in both backends: each calls the backend's
/// inherent method of the same job (`write_organisations`, `write_feed_batch`, …), which
/// holds its SQL.
macro_rules! register_methods {
    () => {
        fn upsert_organisations(
            &mut self,
            organisations: &[::beacon_core::Organisation],
        ) -> $crate::StoreResult<Vec<i64>> {
            let ids = self.write_organisations(organisations)?;
            self.address_ids.clear();
            Ok(ids)
        }

        fn organisations(&mut self) -> $crate::StoreResult<Vec<::beacon_core::StoredOrganisation>> {
            self.read_organisations()
        }

        fn store_feed_batch(
            &mut self,
            run_id: i64,
            batch: &$crate::FeedBatch,
        ) -> $crate::StoreResult<::beacon_core::RunCounts> {
            let result = self.write_feed_batch(run_id, batch);
            if result.is_err() {
                self.address_ids.clear();
            }
            result
        }

        fn addresses(
            &mut self,
            filter: &$crate::AddressFilter,
        ) -> $crate::StoreResult<Vec<$crate::AddressRecord>> {
            self.read_addresses(filter)
        }

        fn sighting_facts(
            &mut self,
            from: Option<::time::OffsetDateTime>,
            to: Option<::time::OffsetDateTime>,
        ) -> $crate::StoreResult<Vec<$crate::SightingFact>> {
            self.read_sighting_facts(from, to)
        }

        fn feed_events(
            &mut self,
            from: Option<::time::OffsetDateTime>,
            to: Option<::time::OffsetDateTime>,
            organisation_id: Option<i64>,
        ) -> $crate::StoreResult<Vec<::beacon_core::Event>> {
            self.read_feed_events(from, to, organisation_id)
        }

        fn register_totals(&mut self) -> $crate::StoreResult<$crate::RegisterTotals> {
            self.read_register_totals()
        }
    };
}
pub(crate) use register_methods;

#[cfg(test)]
mod tests {
    use super::*;
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
}
