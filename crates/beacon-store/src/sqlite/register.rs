//! SQLite: organisations, the threat-address register and the digest outbox.

use super::SqliteStore;
use crate::register::{
    AddressDeltas, AddressFilter, AddressKind, AddressRecord, FeedBatch, RegisterTotals,
    SightingFact, claims_of, organisation_from, ports_of, prepare, read_events, split_labels,
    taxonomies_of, tlp_from_rank, tlp_rank,
};
use crate::{StoreResult, now_text, parse_utc_text, utc_text};
use beacon_core::{Event, Organisation, RunCounts, StoredOrganisation};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How long an address may go unseen before it counts as gone (and as new again if it
/// comes back), unless the caller says otherwise.
const DEFAULT_EXPIRY: time::Duration = time::Duration::days(30);

impl SqliteStore {
    pub(super) fn write_organisations(
        &mut self,
        organisations: &[Organisation],
    ) -> StoreResult<Vec<i64>> {
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
            let mut forget = transaction
                .prepare_cached("DELETE FROM organisation_claims WHERE organisation_id = ?1")?;
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

    pub(super) fn read_organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>> {
        let mut claims: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
        {
            let mut statement = self.connection.prepare(
                "SELECT organisation_id, kind, value FROM organisation_claims ORDER BY organisation_id, kind, value",
            )?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                claims
                    .entry(row.get(0)?)
                    .or_default()
                    .push((row.get(1)?, row.get(2)?));
            }
        }
        let mut statement = self.connection.prepare(
            "SELECT id, name, sector, district_code, contacts FROM organisations ORDER BY name_key",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut organisations = Vec::new();
        for row in rows {
            let (id, name, sector, district, contacts) = row?;
            organisations.push(organisation_from(
                id,
                name,
                sector,
                district,
                &contacts,
                claims.remove(&id).unwrap_or_default(),
            )?);
        }
        Ok(organisations)
    }

    pub(super) fn write_feed_batch(
        &mut self,
        run_id: i64,
        batch: &FeedBatch,
    ) -> StoreResult<RunCounts> {
        if !self.bulk_feed_writes {
            // Writing feed events never reads through the map, and a mapped file of
            // gigabytes shows as resident memory: stop mapping it on this connection.
            self.connection.pragma_update(None, "mmap_size", 0)?;
            self.bulk_feed_writes = true;
        }
        let block = batch.block().ok_or_else(|| {
            crate::StoreError::Corrupt("a feed batch was stored before it was sealed".into())
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
                if let Some(limit) = self.abort_after_rows
                    && self.rows_written >= limit
                {
                    // Fault injection for crash tests: die mid-transaction, as kill -9 would.
                    std::process::abort();
                }
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
                    utc_text(delta.first_seen - DEFAULT_EXPIRY),
                    delta.tlp_rank,
                    feeds,
                    types,
                    malware,
                    ports,
                ])?;
            }
            let mut quarantine = transaction.prepare_cached(
                "INSERT INTO quarantine (run_id, line, reason, raw) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for reject in &batch.rejects {
                quarantine.execute(params![
                    run_id,
                    reject.line as i64,
                    reject.reason,
                    reject.raw
                ])?;
            }
            new_ids.extend(pending.into_iter().map(|(k, v)| (k.to_owned(), v)));
            if counts.stored == 0 && block_id != 0 {
                // Nothing new (a file read again): keep no block for it.
                transaction.execute("DELETE FROM feed_event_blocks WHERE id = ?1", [block_id])?;
            }
        }
        transaction.execute(
            "UPDATE ingest_runs SET rows_read = rows_read + ?2, rows_stored = rows_stored + ?3,
                rows_duplicate = rows_duplicate + ?4, rows_rejected = rows_rejected + ?5,
                rows_skipped = rows_skipped + ?6, updated_at = ?7 WHERE id = ?1",
            params![
                run_id,
                counts.read as i64,
                counts.stored as i64,
                counts.duplicates as i64,
                counts.rejected as i64,
                counts.skipped as i64,
                now_text()
            ],
        )?;
        transaction.commit()?;
        self.address_ids.extend(new_ids);
        Ok(counts)
    }

    pub(super) fn read_addresses(
        &mut self,
        filter: &AddressFilter,
    ) -> StoreResult<Vec<AddressRecord>> {
        let mut sql = String::from(
            "SELECT id, observable, kind, organisation_id, district_code, first_seen, last_seen, active_since, sightings, tlp,
                feeds, types, malware, ports
             FROM addresses WHERE sightings > 0",
        );
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(owner) = filter.organisation_id {
            values.push(owner.into());
            sql.push_str(&format!(" AND organisation_id = ?{}", values.len()));
        }
        if let Some(since) = filter.seen_since {
            values.push(utc_text(since).into());
            sql.push_str(&format!(" AND last_seen >= ?{}", values.len()));
        }
        sql.push_str(" ORDER BY last_seen DESC, id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut records = Vec::new();
        let mut statement = self.connection.prepare(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(values))?;
        while let Some(row) = rows.next()? {
            let types = split_labels(&row.get::<_, String>(11)?);
            records.push(AddressRecord {
                id: row.get(0)?,
                observable: row.get(1)?,
                kind: AddressKind::from_stored(&row.get::<_, String>(2)?),
                organisation_id: row.get(3)?,
                district: row.get(4)?,
                first_seen: parse_utc_text(&row.get::<_, String>(5)?)?,
                last_seen: parse_utc_text(&row.get::<_, String>(6)?)?,
                active_since: parse_utc_text(&row.get::<_, String>(7)?)?,
                sightings: row.get::<_, i64>(8)?.max(0) as u64,
                tlp: tlp_from_rank(row.get(9)?),
                feeds: split_labels(&row.get::<_, String>(10)?),
                taxonomies: taxonomies_of(&types),
                types,
                malware: split_labels(&row.get::<_, String>(12)?),
                ports: ports_of(&row.get::<_, String>(13)?),
            });
        }
        Ok(records)
    }

    pub(super) fn read_sighting_facts(
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
        let rows = statement.query_map(params![from, to], |row| {
            Ok(SightingFact {
                address_id: row.get(0)?,
                month: row.get(1)?,
                classification_type: row.get(2)?,
                feed: row.get(3)?,
                organisation_id: row.get(4)?,
                district: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(super) fn read_feed_events(
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
        let mut block_data = self
            .connection
            .prepare_cached("SELECT data FROM feed_event_blocks WHERE id = ?1")?;
        read_events(&places, |id| {
            Ok(block_data.query_row([id], |row| row.get::<_, Vec<u8>>(0))?)
        })
    }

    pub(super) fn read_register_totals(&mut self) -> StoreResult<RegisterTotals> {
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
