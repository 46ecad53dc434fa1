//! The register in PostgreSQL, with the semantics of the SQLite backend. A feed batch
//! costs a handful of `UNNEST` statements.

use super::batch::{AddressDeltas, prepare};
use super::block::read_events;
use super::claims::{add_claim, claims_of, stored_organisation};
use super::{
    AddressFilter, AddressRecord, BLOCK_SQL, CLAIMS_SQL, DROP_BLOCK_SQL, EXPIRY_DAYS,
    FORGET_CLAIMS_SQL, FeedBatch, ORGANISATIONS_SQL, Register, RegisterTotals, SightingFact,
    address_from, addresses_sql, forget_addresses, sighting_from,
};
use crate::neutral::dollar;
use crate::neutral::tlp_rank;
use crate::postgres::{PostgresStore, big, bound_values, pg_opt_text, pg_text, refs, unsigned};
use crate::runs::postgres::{count_batch, quarantine};
use crate::{StoreError, StoreResult};
use beacon_core::{Event, Organisation, RunCounts, StoredOrganisation};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::OffsetDateTime;

impl PostgresStore {
    /// The work of [`Register::upsert_organisations`].
    fn write_organisations(&mut self, organisations: &[Organisation]) -> StoreResult<Vec<i64>> {
        let mut transaction = self.client.transaction()?;
        let mut ids = Vec::with_capacity(organisations.len());
        for organisation in organisations {
            let id: i64 = transaction
                .query_one(
                    "INSERT INTO organisations (name, name_key, sector, district_code, contacts, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, now(), now())
                     ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, sector = excluded.sector,
                        district_code = excluded.district_code, contacts = excluded.contacts, updated_at = now()
                     RETURNING id",
                    &[
                        &pg_text(&organisation.name),
                        &pg_text(&organisation.name.to_lowercase()),
                        &pg_text(&organisation.sector),
                        &organisation.district.as_ref().map(|d| d.as_str()),
                        &organisation.contacts.join(";"),
                    ],
                )?
                .try_get(0)?;
            transaction.execute(&*dollar(FORGET_CLAIMS_SQL), &[&id])?;
            let claims = claims_of(organisation);
            let kinds: Vec<&str> = claims.iter().map(|(kind, _)| *kind).collect();
            let values: Vec<&str> = claims.iter().map(|(_, value)| value.as_str()).collect();
            transaction.execute(
                "INSERT INTO organisation_claims (organisation_id, kind, value)
                 SELECT $1, kind, value FROM UNNEST($2::text[], $3::text[]) AS c(kind, value)
                 ON CONFLICT DO NOTHING",
                &[&id, &kinds, &values],
            )?;
            ids.push(id);
        }
        transaction.commit()?;
        Ok(ids)
    }

    /// The work of [`Register::organisations`].
    fn read_organisations(&mut self) -> StoreResult<Vec<StoredOrganisation>> {
        let mut claims: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
        for row in self.client.query(CLAIMS_SQL, &[])? {
            add_claim(&mut claims, &row)?;
        }
        self.client
            .query(ORGANISATIONS_SQL, &[])?
            .iter()
            .map(|row| stored_organisation(&mut claims, row))
            .collect()
    }

    /// The work of [`Register::store_feed_batch`].
    fn write_feed_batch(&mut self, run_id: i64, batch: &FeedBatch) -> StoreResult<RunCounts> {
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
        let abort = self
            .abort_after_rows
            .is_some_and(|limit| self.rows_written + events.len() as u64 > limit);
        let mut transaction = self.client.transaction()?;

        // Address ids: those not cached are added (with no sightings yet) and read back.
        let mut ids: HashMap<String, i64> = HashMap::new();
        let mut missing: Vec<(&str, &str, OffsetDateTime)> = Vec::new();
        let mut asked: HashSet<&str> = HashSet::new();
        for prepared in &events {
            match self.address_ids.get(&prepared.observable) {
                Some(id) => {
                    ids.insert(prepared.observable.clone(), id);
                }
                None => {
                    if asked.insert(prepared.observable.as_str()) {
                        missing.push((
                            prepared.observable.as_str(),
                            prepared.kind.as_str(),
                            prepared.seen_at,
                        ));
                    }
                }
            }
        }
        if !missing.is_empty() {
            let observables: Vec<Cow<'_, str>> =
                missing.iter().map(|(o, _, _)| pg_text(o)).collect();
            let kinds: Vec<&str> = missing.iter().map(|(_, k, _)| *k).collect();
            let seen: Vec<OffsetDateTime> = missing.iter().map(|(_, _, s)| *s).collect();
            transaction.execute(
                "INSERT INTO addresses (observable, kind, first_seen, last_seen, active_since, sightings, tlp)
                 SELECT o, k, s, s, s, 0, 0 FROM UNNEST($1::text[], $2::text[], $3::timestamptz[]) AS t(o, k, s)
                 ON CONFLICT (observable) DO NOTHING",
                &[&observables, &kinds, &seen],
            )?;
            for row in transaction.query(
                "SELECT observable, id FROM addresses WHERE observable = ANY($1)",
                &[&observables],
            )? {
                ids.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        let address_of = |observable: &str| -> StoreResult<i64> {
            ids.get(observable)
                .or_else(|| ids.get(&*pg_text(observable)))
                .copied()
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("address '{observable}' was not registered"))
                })
        };

        // Events: the first of each key in batch order is kept, as SQLite keeps it.
        let mut stored_keys: HashSet<Vec<u8>> = HashSet::new();
        let block_id: i64 = if events.is_empty() {
            0
        } else {
            transaction
                .query_one(
                    "INSERT INTO feed_event_blocks (run_id, events, data) VALUES ($1, $2, $3) RETURNING id",
                    &[&run_id, &(batch.events.len() as i32), &&block[..]],
                )?
                .try_get(0)?
        };
        if !events.is_empty() {
            let keys: Vec<&[u8]> = events.iter().map(|e| &e.key[..]).collect();
            let lines = events
                .iter()
                .map(|e| big(e.source.line))
                .collect::<StoreResult<Vec<i64>>>()?;
            let address_ids = events
                .iter()
                .map(|e| address_of(&e.observable))
                .collect::<StoreResult<Vec<i64>>>()?;
            let seen: Vec<OffsetDateTime> = events.iter().map(|e| e.seen_at).collect();
            let feeds: Vec<Cow<'_, str>> = events
                .iter()
                .map(|e| pg_text(&e.source.event.feed_name))
                .collect();
            let taxonomies: Vec<Cow<'_, str>> = events
                .iter()
                .map(|e| pg_text(&e.source.event.classification_taxonomy))
                .collect();
            let types: Vec<Cow<'_, str>> = events
                .iter()
                .map(|e| pg_text(&e.source.event.classification_type))
                .collect();
            let malware: Vec<Option<Cow<'_, str>>> = events
                .iter()
                .map(|e| pg_opt_text(e.source.event.malware_name.as_deref()))
                .collect();
            let ports: Vec<Option<i32>> = events
                .iter()
                .map(|e| e.source.event.source_port.map(i32::from))
                .collect();
            let owners: Vec<Option<i64>> =
                events.iter().map(|e| e.source.organisation_id).collect();
            let districts: Vec<Option<&str>> = events
                .iter()
                .map(|e| e.source.district.as_ref().map(|d| d.as_str()))
                .collect();
            let tlps: Vec<i64> = events
                .iter()
                .map(|e| tlp_rank(e.source.event.tlp))
                .collect();
            let block_indexes: Vec<i32> = events
                .iter()
                .map(|e| i32::try_from(e.block_index).unwrap_or(i32::MAX))
                .collect();
            for row in transaction.query(
                "INSERT INTO feed_events (event_key, run_id, line, address_id, seen_at, feed, taxonomy, type, malware,
                    port, organisation_id, district_code, tlp, block_id, block_index)
                 SELECT k, $1, l, a, s, f, tx, ty, m, p, o, d, t, $14, bi
                 FROM UNNEST($2::bytea[], $3::int8[], $4::int8[], $5::timestamptz[], $6::text[], $7::text[],
                    $8::text[], $9::text[], $10::int4[], $11::int8[], $12::text[], $13::int8[], $15::int4[])
                    WITH ORDINALITY AS b(k, l, a, s, f, tx, ty, m, p, o, d, t, bi, position)
                 ORDER BY position
                 ON CONFLICT (event_key) DO NOTHING
                 RETURNING event_key",
                &[
                    &run_id,
                    &keys,
                    &lines,
                    &address_ids,
                    &seen,
                    &feeds,
                    &taxonomies,
                    &types,
                    &malware,
                    &ports,
                    &owners,
                    &districts,
                    &tlps,
                    &block_id,
                    &block_indexes,
                ],
            )? {
                stored_keys.insert(row.try_get(0)?);
            }
        }
        self.rows_written += events.len() as u64;
        if abort {
            // Fault injection for crash tests: die mid-transaction, as kill -9 would.
            std::process::abort();
        }
        if stored_keys.is_empty() && block_id != 0 {
            // Nothing new (a file read again): keep no block for it.
            transaction.execute(&*dollar(DROP_BLOCK_SQL), &[&block_id])?;
        }
        let mut deltas = AddressDeltas::default();
        for prepared in &events {
            if stored_keys.remove(&prepared.key[..]) {
                counts.stored += 1;
                deltas.add(address_of(&prepared.observable)?, prepared);
            } else {
                counts.duplicates += 1;
            }
        }
        let mut delta_ids = Vec::new();
        let mut firsts = Vec::new();
        let mut lasts = Vec::new();
        let mut sightings = Vec::new();
        let mut owners = Vec::new();
        let mut districts = Vec::new();
        let mut tlps = Vec::new();
        let mut labels: [Vec<String>; 4] = Default::default();
        for (id, delta) in deltas.iter() {
            for (list, joined) in labels.iter_mut().zip(delta.labels.joined()) {
                list.push(pg_text(&joined).into_owned());
            }
            delta_ids.push(id);
            firsts.push(delta.first_seen);
            lasts.push(delta.last_seen);
            sightings.push(delta.sightings);
            owners.push(delta.organisation_id);
            districts.push(delta.district.clone());
            tlps.push(delta.tlp_rank);
        }
        if !delta_ids.is_empty() {
            transaction.execute(
                "UPDATE addresses a SET
                    active_since = CASE WHEN a.sightings = 0 OR a.last_seen < d.f - make_interval(days => $8::int4)
                        THEN d.f ELSE a.active_since END,
                    first_seen = CASE WHEN a.sightings = 0 OR d.f < a.first_seen THEN d.f ELSE a.first_seen END,
                    organisation_id = CASE WHEN a.sightings = 0 OR d.l >= a.last_seen THEN d.o ELSE a.organisation_id END,
                    district_code = CASE WHEN a.sightings = 0 OR d.l >= a.last_seen THEN d.d ELSE a.district_code END,
                    last_seen = CASE WHEN a.sightings = 0 OR d.l > a.last_seen THEN d.l ELSE a.last_seen END,
                    sightings = a.sightings + d.n,
                    tlp = GREATEST(a.tlp, d.t),
                    feeds = beacon_merge_labels(a.feeds, d.fe),
                    types = beacon_merge_labels(a.types, d.ty),
                    malware = beacon_merge_labels(a.malware, d.ma),
                    ports = beacon_merge_labels(a.ports, d.po)
                 FROM UNNEST($1::int8[], $2::timestamptz[], $3::timestamptz[], $4::int8[], $5::int8[], $6::text[],
                    $7::int8[], $9::text[], $10::text[], $11::text[], $12::text[])
                    AS d(id, f, l, n, o, d, t, fe, ty, ma, po)
                 WHERE a.id = d.id",
                &[
                    &delta_ids,
                    &firsts,
                    &lasts,
                    &sightings,
                    &owners,
                    &districts,
                    &tlps,
                    &(EXPIRY_DAYS as i32),
                    &labels[0],
                    &labels[1],
                    &labels[2],
                    &labels[3],
                ],
            )?;
        }
        quarantine(&mut transaction, &self.prepared, run_id, &batch.rejects)?;
        count_batch(&mut transaction, &self.prepared, run_id, &counts)?;
        transaction.commit()?;
        self.address_ids.extend(ids);
        Ok(counts)
    }
}

impl Register for PostgresStore {
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
        let params = bound_values(values);
        let rows = self.client.query(&*dollar(&sql), &refs(&params))?;
        rows.iter().map(address_from).collect()
    }

    fn sighting_facts(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<SightingFact>> {
        let rows = self.client.query(
            "SELECT address_id, to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM'), type, feed, organisation_id, district_code
             FROM feed_events
             WHERE ($1::timestamptz IS NULL OR seen_at >= $1) AND ($2::timestamptz IS NULL OR seen_at < $2)
             GROUP BY 1, 2, 3, 4, 5, 6",
            &[&from, &to],
        )?;
        rows.iter().map(sighting_from).collect()
    }

    fn feed_events(
        &mut self,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<Event>> {
        let places: Vec<(i64, i64)> = self
            .client
            .query(
                "SELECT block_id, block_index::int8 FROM feed_events
                 WHERE ($1::timestamptz IS NULL OR seen_at >= $1) AND ($2::timestamptz IS NULL OR seen_at < $2)
                   AND ($3::int8 IS NULL OR organisation_id = $3)
                 ORDER BY seen_at, id",
                &[&from, &to, &organisation_id],
            )?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<StoreResult<_>>()?;
        let client = &mut self.client;
        read_events(&places, |id| {
            Ok(client.query_one(&*dollar(BLOCK_SQL), &[&id])?.try_get(0)?)
        })
    }

    fn register_totals(&mut self) -> StoreResult<RegisterTotals> {
        let row = self.client.query_one(
            "SELECT (SELECT count(*) FROM addresses WHERE sightings > 0),
                    (SELECT count(organisation_id) FROM addresses WHERE sightings > 0),
                    (SELECT count(*) FROM feed_events)",
            &[],
        )?;
        Ok(RegisterTotals {
            addresses: unsigned(row.try_get(0)?),
            attributed_addresses: unsigned(row.try_get(1)?),
            events: unsigned(row.try_get(2)?),
        })
    }
}
