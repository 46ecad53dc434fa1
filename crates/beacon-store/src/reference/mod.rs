//! Reference data: the area's districts, the fraud-type taxonomy, postcodes with their
//! sector lookup, and settings. Loaded by `beacon reference` and read by every ingest.
//!
//! The SQL here is written once with `?N` placeholders; PostgreSQL runs it through
//! `neutral::dollar`.

mod postgres;
mod sqlite;

use crate::StoreResult;
use crate::neutral::Columns;
use beacon_core::{District, DistrictCode, Districts, FraudType, Postcode};

/// Reference data, on either backend.
pub trait Reference {
    /// The area's districts (empty list until reference data is loaded).
    fn districts(&mut self) -> StoreResult<Districts>;
    /// Replaces the districts and the area name.
    fn replace_districts(&mut self, districts: &Districts) -> StoreResult<()>;
    /// The fraud-type taxonomy in reference order.
    fn fraud_types(&mut self) -> StoreResult<Vec<FraudType>>;
    /// Adds or updates fraud types by key.
    fn upsert_fraud_types(&mut self, types: &[FraudType]) -> StoreResult<()>;
    /// Adds or replaces postcodes; returns how many were written.
    fn upsert_postcodes(&mut self, entries: &[(Postcode, DistrictCode)]) -> StoreResult<u64>;
    /// Recomputes the sector lookup from the postcodes (majority district per sector).
    fn rebuild_postcode_sectors(&mut self) -> StoreResult<u64>;
    /// The district of a full postcode or sector, if known.
    fn postcode_district(&mut self, postcode: &Postcode) -> StoreResult<Option<DistrictCode>>;
    /// How many postcodes are loaded.
    fn postcode_count(&mut self) -> StoreResult<u64>;
    /// A setting's value.
    fn setting(&mut self, key: &str) -> StoreResult<Option<String>>;
    /// Sets a setting.
    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()>;
}

/// The districts in their order.
const DISTRICTS_SQL: &str =
    "SELECT code, name, kind, population_2011, population_2021 FROM districts ORDER BY position";

/// Adds one district at its position.
const INSERT_DISTRICT_SQL: &str = "INSERT INTO districts (code, name, kind, population_2011, population_2021, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Sets the area name kept beside the districts.
const SET_AREA_NAME_SQL: &str = "INSERT INTO settings (key, value) VALUES ('area_name', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// The position after the last fraud type.
const NEXT_FRAUD_TYPE_POSITION_SQL: &str =
    "SELECT COALESCE(MAX(position), -1) + 1 FROM fraud_types";

/// Adds or updates one fraud type by key (a new one goes last).
const UPSERT_FRAUD_TYPE_SQL: &str = "INSERT INTO fraud_types (key, code, name, type_group, computer_misuse, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (key) DO UPDATE SET code = excluded.code, name = excluded.name, type_group = excluded.type_group, computer_misuse = excluded.computer_misuse";

/// The district of a full postcode.
const POSTCODE_SQL: &str = "SELECT district_code FROM postcodes WHERE postcode = ?1";

/// The district of a sector.
const SECTOR_SQL: &str = "SELECT district_code FROM postcode_sectors WHERE sector = ?1";

/// Postcodes loaded.
const POSTCODE_COUNT_SQL: &str = "SELECT COUNT(*) FROM postcodes";

/// One setting.
const SETTING_SQL: &str = "SELECT value FROM settings WHERE key = ?1";

/// Sets one setting.
const SET_SETTING_SQL: &str = "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// Empties the sector lookup before [`SECTOR_REBUILD_SQL`].
const CLEAR_SECTORS_SQL: &str = "DELETE FROM postcode_sectors";

/// Each sector takes the district holding most of its postcodes (ties: lowest code).
const SECTOR_REBUILD_SQL: &str = "INSERT INTO postcode_sectors (sector, district_code)
    SELECT sector, district_code FROM (
        SELECT sector, district_code,
               ROW_NUMBER() OVER (PARTITION BY sector ORDER BY postcodes DESC, district_code) AS rank
        FROM (
            SELECT substr(postcode, 1, length(postcode) - 2) AS sector, district_code, COUNT(*) AS postcodes
            FROM postcodes GROUP BY 1, 2
        ) AS counted
    ) AS ranked WHERE rank = 1";

/// One district as [`DISTRICTS_SQL`] gives it.
fn district_from(row: &impl Columns) -> StoreResult<District> {
    let population = |index: usize| -> StoreResult<u32> {
        let value: i64 = row.get(index)?;
        u32::try_from(value)
            .map_err(|_| crate::StoreError::Corrupt(format!("population {value} is out of range")))
    };
    Ok(District {
        code: row.get::<String>(0)?.parse().map_err(
            |e: beacon_core::district::DistrictCodeError| crate::StoreError::Corrupt(e.to_string()),
        )?,
        name: row.get(1)?,
        kind: row.get(2)?,
        population_2011: population(3)?,
        population_2021: population(4)?,
    })
}

/// One fraud type as `SELECT key, code, name, type_group, computer_misuse` gives it.
fn fraud_type_from(row: &impl Columns) -> StoreResult<FraudType> {
    Ok(FraudType {
        key: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        group: row.get(3)?,
        computer_misuse: row.get(4)?,
    })
}
