//! The register's public types: events on their way in, feed batches, and what the
//! register gives back (addresses, sightings, totals).

use super::block::{BLOCK_LEVEL, append_record, encode_block, strip};
use super::event_key::{event_detail, event_key};
use beacon_core::{DistrictCode, Event, RejectedRow, Tlp};
use serde::Serialize;
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
    /// [`event_key`](super::event_key) of the event.
    pub(super) key: [u8; 16],
    /// The event as stored: JSON without its raw text.
    pub(super) detail: String,
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
    pub(super) block: Option<Vec<u8>>,
    /// The block being compressed as events are pushed (see [`FeedBatch::push`]).
    pub(super) encoder: Option<zstd::stream::Encoder<'static, Vec<u8>>>,
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
