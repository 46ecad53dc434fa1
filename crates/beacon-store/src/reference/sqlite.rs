//! Reference data in SQLite.

use super::{
    CLEAR_SECTORS_SQL, DISTRICTS_SQL, INSERT_DISTRICT_SQL, NEXT_FRAUD_TYPE_POSITION_SQL,
    POSTCODE_COUNT_SQL, POSTCODE_SQL, Reference, SECTOR_REBUILD_SQL, SECTOR_SQL, SET_AREA_NAME_SQL,
    SET_SETTING_SQL, SETTING_SQL, UPSERT_FRAUD_TYPE_SQL, district_from, fraud_type_from,
};
use crate::StoreResult;
use crate::sqlite::{SqliteStore, collect};
use beacon_core::{DistrictCode, Districts, FraudType, Postcode};
use rusqlite::{OptionalExtension, params};

impl Reference for SqliteStore {
    fn districts(&mut self) -> StoreResult<Districts> {
        let area_name = self.setting("area_name")?.unwrap_or_default();
        let mut statement = self.connection.prepare(DISTRICTS_SQL)?;
        let list = collect(statement.query([])?, |row| district_from(row))?;
        Ok(Districts { area_name, list })
    }

    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute("DELETE FROM districts", [])?;
        for (position, district) in districts.list.iter().enumerate() {
            transaction.execute(
                INSERT_DISTRICT_SQL,
                params![
                    district.code.as_str(),
                    district.name,
                    district.kind,
                    district.population_2011,
                    district.population_2021,
                    position as i64
                ],
            )?;
        }
        transaction.execute(SET_AREA_NAME_SQL, params![districts.area_name])?;
        transaction.commit()?;
        Ok(())
    }

    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>> {
        let mut statement = self.connection.prepare(
            "SELECT key, code, name, type_group, computer_misuse FROM fraud_types ORDER BY position, key",
        )?;
        collect(statement.query([])?, |row| fraud_type_from(row))
    }

    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()> {
        let transaction = self.connection.transaction()?;
        let start: i64 =
            transaction.query_row(NEXT_FRAUD_TYPE_POSITION_SQL, [], |row| row.get(0))?;
        for (offset, fraud_type) in types.iter().enumerate() {
            transaction.execute(
                UPSERT_FRAUD_TYPE_SQL,
                params![
                    fraud_type.key,
                    fraud_type.code,
                    fraud_type.name,
                    fraud_type.group,
                    fraud_type.computer_misuse,
                    start + offset as i64
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO postcodes (postcode, district_code) VALUES (?1, ?2)
                 ON CONFLICT(postcode) DO UPDATE SET district_code = excluded.district_code",
            )?;
            for (postcode, district) in entries {
                insert.execute(params![postcode.as_str(), district.as_str()])?;
            }
        }
        transaction.commit()?;
        Ok(entries.len() as u64)
    }

    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64> {
        let transaction = self.connection.transaction()?;
        transaction.execute(CLEAR_SECTORS_SQL, [])?;
        let written = transaction.execute(SECTOR_REBUILD_SQL, [])?;
        transaction.commit()?;
        Ok(written as u64)
    }

    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>> {
        let mut found: Option<String> = None;
        if let Postcode::Full(full) = postcode {
            found = self
                .connection
                .prepare_cached(POSTCODE_SQL)?
                .query_row(params![full], |row| row.get(0))
                .optional()?;
        }
        if found.is_none() {
            found = self
                .connection
                .prepare_cached(SECTOR_SQL)?
                .query_row(params![postcode.sector()], |row| row.get(0))
                .optional()?;
        }
        Ok(found.and_then(|code| code.parse().ok()))
    }

    fn postcode_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self
            .connection
            .query_row(POSTCODE_COUNT_SQL, [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    fn setting(&mut self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .connection
            .query_row(SETTING_SQL, params![key], |row| row.get(0))
            .optional()?)
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.connection
            .execute(SET_SETTING_SQL, params![key, value])?;
        Ok(())
    }
}
