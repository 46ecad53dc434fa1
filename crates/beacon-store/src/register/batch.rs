//! The work both backends share before a feed batch's SQL: each event's address and
//! time, and per-address sums over the events stored.

use super::event_key::{observable_of, seen_at};
use super::labels::Labels;
use super::{AddressKind, FeedBatch, RegisterEvent};
use crate::neutral::tlp_rank;
use std::collections::HashMap;
use time::OffsetDateTime;

/// An event prepared for SQL: its key, address, time and stored detail.
pub(super) struct PreparedEvent<'a> {
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
pub(super) fn prepare(batch: &FeedBatch) -> (Vec<PreparedEvent<'_>>, u64) {
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

/// What one batch adds to one address: sums over the events stored (not duplicates).
#[derive(Debug, Clone)]
pub(super) struct AddressDelta {
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    pub sightings: i64,
    pub organisation_id: Option<i64>,
    pub district: Option<String>,
    pub tlp_rank: i64,
    /// Labels this batch adds, each `;`-joined and sorted (see [`merge_labels`]).
    pub labels: Labels,
}

/// Per-address sums of a batch's stored events, in first-seen order of the batch.
#[derive(Default)]
pub(super) struct AddressDeltas {
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
