//! The board update's data: the period's report summary and the register's figures,
//! read from the store in one place so `beacon report board` and the web board page
//! say the same.

use crate::stats::period_stats;
use beacon_analytics::Summary;
use beacon_analytics::register::RegisterFigures;
use beacon_core::{LocalIssueRules, Period};
use beacon_store::{Store, StoreError, StoreResult};

/// Why the board update's data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// The reports' summary could not be read.
    #[error(transparent)]
    Summary(StoreError),
    /// The register's sightings could not be read.
    #[error(transparent)]
    Register(StoreError),
}

/// What the board update says, before it is worded.
#[derive(Debug, Clone)]
pub struct BoardFigures {
    /// The reports' summary for the period.
    pub summary: Summary,
    /// The register's addresses seen in the period.
    pub register: RegisterFigures,
}

/// Reads and counts the register's sightings from the first day of `period` to the end of
/// its last day (UTC), named from the area's districts.
///
/// # Errors
/// When the store fails.
pub fn register_figures(store: &mut dyn Store, period: Period) -> StoreResult<RegisterFigures> {
    let (from, to) = RegisterFigures::window(period);
    let facts = store.sighting_facts(Some(from), Some(to))?;
    let districts = store.districts()?;
    Ok(RegisterFigures::from_sightings(&facts, &districts))
}

/// The board update's figures for a period.
///
/// # Errors
/// When the store fails, saying which half failed.
pub fn board_figures(
    store: &mut dyn Store,
    period: Period,
    rules: &LocalIssueRules,
) -> Result<BoardFigures, BoardError> {
    let summary = period_stats(store, period, &[], rules)
        .map_err(BoardError::Summary)?
        .summary;
    let register = register_figures(store, period).map_err(BoardError::Register)?;
    Ok(BoardFigures { summary, register })
}
