//! Reference data in PostgreSQL: the shared SQL, and postcodes written as `UNNEST` chunks.

use super::{
    CLEAR_SECTORS_SQL, DISTRICTS_SQL, INSERT_DISTRICT_SQL, NEXT_FRAUD_TYPE_POSITION_SQL,
    POSTCODE_COUNT_SQL, POSTCODE_SQL, Reference, SECTOR_REBUILD_SQL, SECTOR_SQL, SET_AREA_NAME_SQL,
    SET_SETTING_SQL, SETTING_SQL, UPSERT_FRAUD_TYPE_SQL, district_from, fraud_type_from,
};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, big, pg_opt_text, pg_text, unsigned};
use beacon_core::{DistrictCode, Districts, FraudType, Postcode};
use std::borrow::Cow;

/// Postcodes written per `UNNEST` statement (about 0.5 MB of parameters).
const POSTCODE_CHUNK: usize = 20_000;

/// Adds or replaces postcodes; of repeats within one statement the last wins, as when
/// SQLite writes them one by one (`ON CONFLICT DO UPDATE` may touch a row only once).
const UPSERT_POSTCODES_SQL: &str = "INSERT INTO postcodes (postcode, district_code)
    SELECT DISTINCT ON (postcode) postcode, district_code
    FROM UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS given(postcode, district_code, position)
    ORDER BY postcode, position DESC
    ON CONFLICT (postcode) DO UPDATE SET district_code = excluded.district_code";

impl Reference for PostgresStore {
    fn districts(&mut self) -> StoreResult<Districts> {
        let area_name = self.setting("area_name")?.unwrap_or_default();
        let list = self
            .client
            .query(DISTRICTS_SQL, &[])?
            .iter()
            .map(district_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Districts { area_name, list })
    }

    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        transaction.execute("DELETE FROM districts", &[])?;
        let insert = transaction.prepare(&dollar(INSERT_DISTRICT_SQL))?;
        for (position, district) in districts.list.iter().enumerate() {
            transaction.execute(
                &insert,
                &[
                    &district.code.as_str(),
                    &pg_text(&district.name),
                    &pg_text(&district.kind),
                    &i64::from(district.population_2011),
                    &i64::from(district.population_2021),
                    &big(position as u64)?,
                ],
            )?;
        }
        transaction.execute(
            &*dollar(SET_AREA_NAME_SQL),
            &[&pg_text(&districts.area_name)],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>> {
        // Keys in byte order, as SQLite orders text.
        self.client
            .query(
                "SELECT key, code, name, type_group, computer_misuse FROM fraud_types ORDER BY position, key COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(fraud_type_from)
            .collect()
    }

    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        let start: i64 = transaction
            .query_one(NEXT_FRAUD_TYPE_POSITION_SQL, &[])?
            .try_get(0)?;
        let upsert = transaction.prepare(&dollar(UPSERT_FRAUD_TYPE_SQL))?;
        for (offset, fraud_type) in types.iter().enumerate() {
            transaction.execute(
                &upsert,
                &[
                    &pg_text(&fraud_type.key),
                    &pg_opt_text(fraud_type.code.as_deref()),
                    &pg_text(&fraud_type.name),
                    &pg_text(&fraud_type.group),
                    &fraud_type.computer_misuse,
                    &(start + big(offset as u64)?),
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        let upsert = transaction.prepare(UPSERT_POSTCODES_SQL)?;
        for chunk in entries.chunks(POSTCODE_CHUNK) {
            let postcodes: Vec<Cow<'_, str>> = chunk
                .iter()
                .map(|(postcode, _)| pg_text(postcode.as_str()))
                .collect();
            let districts: Vec<&str> = chunk
                .iter()
                .map(|(_, district)| district.as_str())
                .collect();
            transaction.execute(&upsert, &[&postcodes, &districts])?;
        }
        transaction.commit()?;
        Ok(entries.len() as u64)
    }

    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        transaction.execute(CLEAR_SECTORS_SQL, &[])?;
        let written = transaction.execute(SECTOR_REBUILD_SQL, &[])?;
        transaction.commit()?;
        Ok(written)
    }

    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>> {
        let mut found: Option<String> = None;
        if let Postcode::Full(full) = postcode {
            found = self
                .client
                .query_opt(&*dollar(POSTCODE_SQL), &[&pg_text(full)])?
                .map(|row| row.try_get(0))
                .transpose()?;
        }
        if found.is_none() {
            found = self
                .client
                .query_opt(&*dollar(SECTOR_SQL), &[&pg_text(&postcode.sector())])?
                .map(|row| row.try_get(0))
                .transpose()?;
        }
        Ok(found.and_then(|code| code.parse().ok()))
    }

    fn postcode_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self.client.query_one(POSTCODE_COUNT_SQL, &[])?.try_get(0)?;
        Ok(unsigned(count))
    }

    fn setting(&mut self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .client
            .query_opt(&*dollar(SETTING_SQL), &[&pg_text(key)])?
            .map(|row| row.try_get(0))
            .transpose()?)
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.client
            .execute(&*dollar(SET_SETTING_SQL), &[&pg_text(key), &pg_text(value)])?;
        Ok(())
    }
}
