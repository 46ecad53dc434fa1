//! The threat-address register: organisations and their claims, feed events written in
//! batches, and the addresses they name with first and last seen, sightings, owner and
//! district.
//!
//! An *address* is what an event names, in this order: `source.ip`, `source.network`,
//! `source.url`, `source.fqdn`. The register keeps each address once, with first and last
//! seen, sightings (events stored, duplicates not counted), owner and district; its feeds
//! and classifications are kept on it as labels. Events are stored as narrow rows that
//! point into a compressed block per batch ([`FeedBatch::seal`]).
//!
//! Modules: `types` (the public types), `event_key` (deduplication key and stored form),
//! `block` (the block codec), `labels`, `batch` (per-batch work before SQL), `id_cache`
//! (address ids kept between batches), `claims` (organisations as stored), and the two
//! dialects.

mod batch;
mod block;
mod claims;
mod event_key;
mod id_cache;
mod labels;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;
mod types;

pub use event_key::{event_key, observable_of, seen_at};
pub(crate) use id_cache::AddressIds;
pub use labels::{MAX_LABELS, merge_labels};
pub use types::{
    AddressFilter, AddressKind, AddressRecord, FeedBatch, RegisterEvent, RegisterTotals,
    SightingFact,
};

use crate::StoreResult;
use crate::neutral::{Bound, Columns, tlp_from_rank};
use beacon_core::{Event, Organisation, RunCounts, StoredOrganisation};
use labels::{ports_of, split_labels, taxonomies_of};
use time::OffsetDateTime;

/// The register, on either backend.
pub trait Register {
    /// Adds organisations, or replaces the details and claims of those already registered
    /// under the same name (any case), in one transaction. Returns their ids in order.
    fn upsert_organisations(&mut self, organisations: &[Organisation]) -> StoreResult<Vec<i64>>;
    /// Every registered organisation with its claims, by name.
    fn organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>>;
    /// Writes a batch of feed events (new events, addresses' first/last seen and
    /// sightings), its quarantined rows and the run's counters in one transaction.
    /// Returns the counts for this batch.
    fn store_feed_batch(&mut self, run_id: i64, batch: &FeedBatch) -> StoreResult<RunCounts>;
    /// Addresses, most recently seen first.
    fn addresses(&mut self, filter: &AddressFilter) -> StoreResult<Vec<AddressRecord>>;
    /// Distinct (address, month, type, feed, owner, district) sightings in a period
    /// (half-open: `from` inclusive, `to` exclusive; either may be open).
    fn sighting_facts(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<SightingFact>>;
    /// Events seen in a period (half-open), oldest first, for export.
    fn feed_events(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<Event>>;
    /// Register totals.
    fn register_totals(&mut self) -> StoreResult<RegisterTotals>;
}

/// Empties the connection's address-id cache where it may now be wrong: after a failed
/// write (its transaction rolled back, taking the ids it gave with it) and, when
/// `owners_changed`, after any write of organisations (addresses are attributed afresh).
fn forget_addresses<T>(
    ids: &mut AddressIds,
    written: StoreResult<T>,
    owners_changed: bool,
) -> StoreResult<T> {
    if owners_changed || written.is_err() {
        ids.clear();
    }
    written
}

/// How long an address may go unseen before it counts as gone (and as new again if it
/// comes back).
const EXPIRY_DAYS: i64 = 30;

/// Claims of every organisation, in the order [`claims::organisation_from`] expects.
const CLAIMS_SQL: &str = "SELECT organisation_id, kind, value FROM organisation_claims ORDER BY organisation_id, kind, value";

/// Every organisation by name.
const ORGANISATIONS_SQL: &str =
    "SELECT id, name, sector, district_code, contacts FROM organisations ORDER BY name_key";

/// The address listing for a filter: SQL with `?N` placeholders, and its values.
fn addresses_sql(filter: &AddressFilter) -> (String, Vec<Bound>) {
    let mut sql = String::from(
        "SELECT id, observable, kind, organisation_id, district_code, first_seen, last_seen, active_since, sightings, tlp,
            feeds, types, malware, ports
         FROM addresses WHERE sightings > 0",
    );
    let mut values = Vec::new();
    if let Some(owner) = filter.organisation_id {
        values.push(Bound::Int(owner));
        sql.push_str(&format!(" AND organisation_id = ?{}", values.len()));
    }
    if let Some(since) = filter.seen_since {
        values.push(Bound::Moment(since));
        sql.push_str(&format!(" AND last_seen >= ?{}", values.len()));
    }
    sql.push_str(" ORDER BY last_seen DESC, id");
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    (sql, values)
}

/// Forgets an organisation's claims before they are written again.
const FORGET_CLAIMS_SQL: &str = "DELETE FROM organisation_claims WHERE organisation_id = ?1";

/// Drops a block none of whose events were new.
const DROP_BLOCK_SQL: &str = "DELETE FROM feed_event_blocks WHERE id = ?1";

/// One block's compressed events.
const BLOCK_SQL: &str = "SELECT data FROM feed_event_blocks WHERE id = ?1";

/// One address as both dialects select it: id, observable, kind, owner, district, first
/// and last seen, active since, sightings, TLP rank, then the four label lists.
fn address_from(row: &impl Columns) -> StoreResult<AddressRecord> {
    let types = split_labels(&row.get::<String>(11)?);
    Ok(AddressRecord {
        id: row.get(0)?,
        observable: row.get(1)?,
        kind: AddressKind::from_stored(&row.get::<String>(2)?),
        organisation_id: row.get(3)?,
        district: row.get(4)?,
        first_seen: row.moment(5)?,
        last_seen: row.moment(6)?,
        active_since: row.moment(7)?,
        sightings: row.count(8)?,
        tlp: tlp_from_rank(row.get(9)?),
        feeds: split_labels(&row.get::<String>(10)?),
        taxonomies: taxonomies_of(&types),
        types,
        malware: split_labels(&row.get::<String>(12)?),
        ports: ports_of(&row.get::<String>(13)?),
    })
}

/// One sighting fact as both dialects select it.
fn sighting_from(row: &impl Columns) -> StoreResult<SightingFact> {
    Ok(SightingFact {
        address_id: row.get(0)?,
        month: row.get(1)?,
        classification_type: row.get(2)?,
        feed: row.get(3)?,
        organisation_id: row.get(4)?,
        district: row.get(5)?,
    })
}
