//! Loading a period's report facts from the store: the one place the CLI and the web
//! application read what a summary needs, so their figures cannot differ.

use beacon_analytics::PeriodFacts;
use beacon_core::{Period, Taxonomy};
use beacon_store::{Store, StoreResult};

/// Loads a period's facts (reaching back 12 months, see [`PeriodFacts::history`]) with the
/// districts, fraud types and first report date that name and bound them.
///
/// # Errors
/// When the store fails.
pub fn load_period_facts(store: &mut dyn Store, period: Period) -> StoreResult<PeriodFacts> {
    let first_report = store.report_date_range()?.map(|range| range.0);
    let districts = store.districts()?;
    let taxonomy = Taxonomy::new(store.fraud_types()?);
    let facts = store.report_facts(Some(PeriodFacts::history(period)))?;
    Ok(PeriodFacts::new(
        period,
        facts,
        districts,
        taxonomy,
        first_report,
    ))
}
