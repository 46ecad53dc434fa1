//! The register in SQLite: one IMMEDIATE transaction per feed batch, with the address ids
//! it finds kept for the next batch once committed.

use super::batch::{AddressDeltas, prepare};
use super::block::read_events;
use super::claims::{add_claim, claims_of, stored_organisation};
use super::{
    AddressFilter, AddressRecord, BLOCK_SQL, CLAIMS_SQL, DROP_BLOCK_SQL, EXPIRY_DAYS,
    FORGET_CLAIMS_SQL, FeedBatch, ORGANISATIONS_SQL, Register, RegisterTotals, SightingFact,
    address_from, addresses_sql, forget_addresses, sighting_from,
};
use crate::neutral::{abort_if_past, now_text, tlp_rank, utc_text};
use crate::runs::sqlite::{count_batch, quarantine};
use crate::sqlite::{SqliteStore, bound_values, collect};
use crate::{StoreError, StoreResult};
use beacon_core::{Event, Organisation, RunCounts, StoredOrganisation};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How long an address may go unseen before it counts as gone.
const EXPIRY: time::Duration = time::Duration::days(EXPIRY_DAYS);

impl SqliteStore {
    /// The work of [`Register::upsert_organisations`].
    fn write_organisations(&mut self, organisations: &[Organisation]) -> StoreResult<Vec<i64>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(organisations.len());
        {
            let now = now_text();
            let mut upsert = transaction.prepare_cached(
                "INSERT INTO organisations (name, name_key, sector, district_code, contacts, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, sector = excluded.sector,
                    district_code = excluded.district_code, contacts = excluded.contacts, updated_at = excluded.updated_at
                 RETURNING id",
            )?;
            let mut forget = transaction.prepare_cached(FORGET_CLAIMS_SQL)?;
            let mut claim = transaction.prepare_cached(
                "INSERT OR IGNORE INTO organisation_claims (organisation_id, kind, value) VALUES (?1, ?2, ?3)",
            )?;
            for organisation in organisations {
                let id: i64 = upsert.query_row(
                    params![
                        organisation.name,
                        organisation.name.to_lowercase(),
                        organisation.sector,
                        organisation.district.as_ref().map(|d| d.as_str()),
                        organisation.contacts.join(";"),
                        now,
                    ],
                    |row| row.get(0),
                )?;
                forget.execute([id])?;
                for (kind, value) in claims_of(organisation) {
                    claim.execute(params![id, kind, value])?;
                }
                ids.push(id);
            }
        }
        transaction.commit()?;
        Ok(ids)
    }

    /// The work of [`Register::organisations`].
    fn read_organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>> {
        let mut claims: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
        {
            let mut statement = self.connection.prepare(CLAIMS_SQL)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                add_claim(&mut claims, row)?;
            }
        }
        let mut statement = self.connection.prepare(ORGANISATIONS_SQL)?;
        collect(statement.query([])?, |row| {
            stored_organisation(&mut claims, row)
        })
    }

    /// The work of [`Register::store_feed_batch`].
    fn write_feed_batch(&mut self, run_id: i64, batch: &FeedBatch) -> StoreResult<RunCounts> {
        if !self.bulk_feed_writes {
            // Writing feed events never reads through the map, and a mapped file of
            // gigabytes shows as resident memory: stop mapping it on this connection.
            self.connection.pragma_update(None, "mmap_size", 0)?;
            self.bulk_feed_writes = true;
        }
        let block = batch.block().ok_or_else(|| {
            StoreError::Corrupt("a feed batch was stored before it was sealed".into())
        })?;
        let (events, guard_skipped) = prepare(batch);
        let mut counts = RunCounts {
            read: batch.len() as u64,
            rejected: batch.rejects.len() as u64,
            skipped: batch.skipped + guard_skipped,
            ..RunCounts::default()
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut new_ids: Vec<(String, i64)> = Vec::new();
        {
            let mut find =
                transaction.prepare_cached("SELECT id FROM addresses WHERE observable = ?1")?;
            let mut add = transaction.prepare_cached(
                "INSERT INTO addresses (observable, kind, first_seen, last_seen, active_since, sightings, tlp)
                 VALUES (?1, ?2, ?3, ?3, ?3, 0, 0)",
            )?;
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO feed_events (event_key, run_id, line, address_id, seen_at, feed, taxonomy, type,
                    malware, port, organisation_id, district_code, tlp, block_id, block_index)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            let block_id = if events.is_empty() {
                0
            } else {
                transaction.execute(
                    "INSERT INTO feed_event_blocks (run_id, events, data) VALUES (?1, ?2, ?3)",
                    params![run_id, batch.events.len() as i64, &block[..]],
                )?;
                transaction.last_insert_rowid()
            };
            let mut pending: std::collections::HashMap<&str, i64> = Default::default();
            let mut deltas = AddressDeltas::default();
            for prepared in &events {
                // Fault injection for crash tests: die mid-transaction, as kill -9 would.
                abort_if_past(self.abort_after_rows, self.rows_written);
                let seen = utc_text(prepared.seen_at);
                let address_id = match self
                    .address_ids
                    .get(&prepared.observable)
                    .or_else(|| pending.get(prepared.observable.as_str()).copied())
                {
                    Some(id) => id,
                    None => {
                        let found: Option<i64> = find
                            .query_row([&prepared.observable], |row| row.get(0))
                            .optional()?;
                        let id = match found {
                            Some(id) => id,
                            None => {
                                add.execute(params![
                                    prepared.observable,
                                    prepared.kind.as_str(),
                                    seen
                                ])?;
                                transaction.last_insert_rowid()
                            }
                        };
                        pending.insert(prepared.observable.as_str(), id);
                        id
                    }
                };
                let event = &prepared.source.event;
                let inserted = insert.execute(params![
                    &prepared.key[..],
                    run_id,
                    prepared.source.line as i64,
                    address_id,
                    seen,
                    event.feed_name,
                    event.classification_taxonomy,
                    event.classification_type,
                    event.malware_name,
                    event.source_port,
                    prepared.source.organisation_id,
                    prepared.source.district.as_ref().map(|d| d.as_str()),
                    tlp_rank(event.tlp),
                    block_id,
                    prepared.block_index,
                ])?;
                self.rows_written += 1;
                if inserted == 1 {
                    counts.stored += 1;
                    deltas.add(address_id, prepared);
                } else {
                    counts.duplicates += 1;
                }
            }
            let mut update = transaction.prepare_cached(
                "UPDATE addresses SET
                    active_since = CASE WHEN sightings = 0 OR last_seen < ?7 THEN ?2 ELSE active_since END,
                    first_seen = CASE WHEN sightings = 0 OR ?2 < first_seen THEN ?2 ELSE first_seen END,
                    organisation_id = CASE WHEN sightings = 0 OR ?3 >= last_seen THEN ?5 ELSE organisation_id END,
                    district_code = CASE WHEN sightings = 0 OR ?3 >= last_seen THEN ?6 ELSE district_code END,
                    last_seen = CASE WHEN sightings = 0 OR ?3 > last_seen THEN ?3 ELSE last_seen END,
                    sightings = sightings + ?4,
                    tlp = max(tlp, ?8),
                    feeds = CASE WHEN instr(';' || feeds || ';', ';' || ?9 || ';') > 0 THEN feeds ELSE beacon_merge_labels(feeds, ?9) END,
                    types = CASE WHEN instr(';' || types || ';', ';' || ?10 || ';') > 0 THEN types ELSE beacon_merge_labels(types, ?10) END,
                    malware = CASE WHEN instr(';' || malware || ';', ';' || ?11 || ';') > 0 THEN malware ELSE beacon_merge_labels(malware, ?11) END,
                    ports = CASE WHEN instr(';' || ports || ';', ';' || ?12 || ';') > 0 THEN ports ELSE beacon_merge_labels(ports, ?12) END
                 WHERE id = ?1",
            )?;
            for (address_id, delta) in deltas.iter() {
                let [feeds, types, malware, ports] = delta.labels.joined();
                update.execute(params![
                    address_id,
                    utc_text(delta.first_seen),
                    utc_text(delta.last_seen),
                    delta.sightings,
                    delta.organisation_id,
                    delta.district,
                    utc_text(delta.first_seen - EXPIRY),
                    delta.tlp_rank,
                    feeds,
                    types,
                    malware,
                    ports,
                ])?;
            }
            quarantine(&transaction, run_id, &batch.rejects)?;
            new_ids.extend(pending.into_iter().map(|(k, v)| (k.to_owned(), v)));
            if counts.stored == 0 && block_id != 0 {
                // Nothing new (a file read again): keep no block for it.
                transaction.execute(DROP_BLOCK_SQL, [block_id])?;
            }
        }
        count_batch(&transaction, run_id, &counts)?;
        transaction.commit()?;
        self.address_ids.extend(new_ids);
        Ok(counts)
    }
}

impl Register for SqliteStore {
    fn upsert_organisations(&mut self, organisations: &[Organisation]) -> StoreResult<Vec<i64>> {
        let written = self.write_organisations(organisations);
        forget_addresses(&mut self.address_ids, written, true)
    }

    fn organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>> {
        self.read_organisations()
    }

    fn store_feed_batch(&mut self, run_id: i64, batch: &FeedBatch) -> StoreResult<RunCounts> {
        let written = self.write_feed_batch(run_id, batch);
        forget_addresses(&mut self.address_ids, written, false)
    }

    fn addresses(&mut self, filter: &AddressFilter) -> StoreResult<Vec<AddressRecord>> {
        let (sql, values) = addresses_sql(filter);
        let mut statement = self.connection.prepare(&sql)?;
        collect(
            statement.query(rusqlite::params_from_iter(bound_values(values)))?,
            |row| address_from(row),
        )
    }

    fn sighting_facts(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<SightingFact>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT address_id, substr(seen_at, 1, 7), type, feed, organisation_id, district_code
             FROM feed_events WHERE seen_at >= ?1 AND seen_at < ?2
             GROUP BY 1, 2, 3, 4, 5, 6",
        )?;
        let from = from.map_or_else(|| "0".to_owned(), utc_text);
        let to = to.map_or_else(|| "9".to_owned(), utc_text);
        collect(statement.query(params![from, to])?, |row| {
            sighting_from(row)
        })
    }

    fn feed_events(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<Event>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT block_id, block_index FROM feed_events
             WHERE seen_at >= ?1 AND seen_at < ?2 AND (?3 IS NULL OR organisation_id = ?3)
             ORDER BY seen_at, id",
        )?;
        let from = from.map_or_else(|| "0".to_owned(), utc_text);
        let to = to.map_or_else(|| "9".to_owned(), utc_text);
        let places: Vec<(i64, i64)> = statement
            .query_map(params![from, to, organisation_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut block_data = self.connection.prepare_cached(BLOCK_SQL)?;
        read_events(&places, |id| {
            Ok(block_data.query_row([id], |row| row.get::<_, Vec<u8>>(0))?)
        })
    }

    fn register_totals(&mut self) -> StoreResult<RegisterTotals> {
        let (addresses, attributed): (i64, i64) = self.connection.query_row(
            "SELECT count(*), count(organisation_id) FROM addresses WHERE sightings > 0",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let events: i64 =
            self.connection
                .query_row("SELECT count(*) FROM feed_events", [], |row| row.get(0))?;
        Ok(RegisterTotals {
            addresses: addresses.max(0) as u64,
            events: events.max(0) as u64,
            attributed_addresses: attributed.max(0) as u64,
        })
    }
}
