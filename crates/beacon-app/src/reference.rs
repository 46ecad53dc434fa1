//! Loading reference data into the store: the shipped LLR files on first use, or a
//! user's own districts, fraud types and postcode directory.

use beacon_core::{DistrictCode, Postcode};
use beacon_ingest::reference::{
    PostcodeDirectory, PostcodeRow, ReferenceError, SHIPPED_AREA_NAME, SHIPPED_DISTRICTS,
    SHIPPED_FRAUD_TYPES, SHIPPED_POSTCODES, parse_districts, parse_fraud_types,
};
use beacon_store::{Store, StoreError};
use serde::Serialize;
use std::io::Read;

/// Why reference data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file was refused.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads the shipped districts, fraud types and postcodes into an empty store.
///
/// Does nothing when districts are already there, so a user's own reference data is
/// never overwritten.
pub fn ensure_reference_data(store: &mut dyn Store) -> Result<(), LoadError> {
    if !store.districts()?.list.is_empty() {
        return Ok(());
    }
    store.replace_districts(&parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME)?)?;
    store.upsert_fraud_types(&parse_fraud_types(SHIPPED_FRAUD_TYPES)?)?;
    load_postcodes(
        store,
        Box::new(std::io::Cursor::new(SHIPPED_POSTCODES.as_bytes())),
        &mut |_| {},
    )?;
    Ok(())
}

/// What a postcode directory load did. `read = stored + skipped + rejected`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PostcodeLoad {
    /// Rows read.
    pub read: u64,
    /// Postcodes written (new or updated).
    pub stored: u64,
    /// Rows without a district (non-geographic postcodes).
    pub skipped: u64,
    /// Bad rows, with line and reason (the first 100 kept).
    pub rejected: u64,
    /// The first rejected rows.
    pub examples: Vec<beacon_core::RejectedRow>,
    /// Sectors in the derived sector lookup.
    pub sectors: u64,
}

/// Loads a postcode directory (NSPL / ONSPD CSV), in batches, then rebuilds sectors.
pub fn load_postcodes(
    store: &mut dyn Store,
    input: Box<dyn Read + Send>,
    progress: &mut dyn FnMut(u64),
) -> Result<PostcodeLoad, LoadError> {
    let mut directory = PostcodeDirectory::open(input)?;
    let mut summary = PostcodeLoad::default();
    let mut batch: Vec<(Postcode, DistrictCode)> = Vec::with_capacity(20_000);
    while let Some(row) = directory.next_row() {
        summary.read += 1;
        match row {
            PostcodeRow::Entry(postcode, district) => batch.push((postcode, district)),
            PostcodeRow::NoDistrict => summary.skipped += 1,
            PostcodeRow::Rejected(error) => {
                summary.rejected += 1;
                if summary.examples.len() < 100 {
                    summary.examples.push(error);
                }
            }
        }
        if batch.len() == batch.capacity() {
            summary.stored += store.upsert_postcodes(&batch)?;
            batch.clear();
            progress(summary.read);
        }
    }
    summary.stored += store.upsert_postcodes(&batch)?;
    summary.sectors = store.rebuild_postcode_sectors()?;
    progress(summary.read);
    Ok(summary)
}

/// Replaces the districts from a file (same columns as `data/reference/llr_districts.csv`).
pub fn load_districts(
    store: &mut dyn Store,
    text: &str,
    area_name: &str,
) -> Result<usize, LoadError> {
    let districts = parse_districts(text, area_name)?;
    store.replace_districts(&districts)?;
    Ok(districts.list.len())
}

/// Adds or updates fraud types from a file (same columns as `data/reference/fraud_types.csv`).
pub fn load_fraud_types(store: &mut dyn Store, text: &str) -> Result<usize, LoadError> {
    let types = parse_fraud_types(text)?;
    store.upsert_fraud_types(&types)?;
    Ok(types.len())
}
