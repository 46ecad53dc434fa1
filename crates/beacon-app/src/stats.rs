//! Figures for a period: the summary of the stored reports and, when asked for, their
//! breakdown by any combination of dimensions. `beacon stats` and `beacon report board`
//! compute through here.

use crate::period::load_period_facts;
use beacon_analytics::{Breakdown, Dimension, GroupRow, Summary, group_by_with_candidates};
use beacon_core::period::PeriodError;
use beacon_core::{LocalIssueRules, Period};
use beacon_store::{Store, StoreError};
use time::Date;

/// Why figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// The period's first day is after its last.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A period's summary and its breakdown (empty when no dimension was asked for).
#[derive(Debug, Clone)]
pub struct PeriodStats {
    /// The area's summary.
    pub summary: Summary,
    /// One row per combination of the dimensions asked for.
    pub groups: Vec<GroupRow>,
}

/// The period from `from` to `to`, each defaulting to the first (or last) stored report's
/// date, or `today` when there are none.
///
/// # Errors
/// When the first day is after the last, or the store fails.
pub fn choose_period(
    store: &mut dyn Store,
    from: Option<Date>,
    to: Option<Date>,
    today: Date,
) -> Result<Period, StatsError> {
    let range = store.report_date_range()?;
    let from = from.or(range.map(|r| r.0)).unwrap_or(today);
    let to = to.or(range.map(|r| r.1)).unwrap_or(today);
    Ok(Period::new(from, to)?)
}

/// The summary of a period (and its breakdown by `by`), loaded from a store. A missing
/// end of the period defaults as [`choose_period`] says.
///
/// # Errors
/// When the first day is after the last, or the store fails.
pub fn compute(
    store: &mut dyn Store,
    from: Option<Date>,
    to: Option<Date>,
    by: &[Dimension],
    rules: &LocalIssueRules,
    today: Date,
) -> Result<PeriodStats, StatsError> {
    let period = choose_period(store, from, to, today)?;
    Ok(period_stats(store, period, by, rules)?)
}

/// The summary of a given period (and its breakdown by `by`), loaded from a store.
///
/// # Errors
/// When the store fails.
pub fn period_stats(
    store: &mut dyn Store,
    period: Period,
    by: &[Dimension],
    rules: &LocalIssueRules,
) -> Result<PeriodStats, StoreError> {
    let loaded = load_period_facts(store, period)?;
    let summary = loaded.summary(rules);
    let groups = if by.is_empty() {
        Vec::new()
    } else {
        let districts = &loaded.districts;
        let year = period.midpoint_year();
        let population = |code: &str| -> Option<u64> {
            districts
                .list
                .iter()
                .find(|d| d.code.as_str() == code)
                .map(|d| u64::from(d.population_in(year)))
        };
        group_by_with_candidates(
            &loaded.facts,
            &loaded.may_repeat,
            Breakdown {
                period,
                dimensions: by,
                taxonomy: &loaded.taxonomy,
                district_population: &population,
                area_population: summary.population,
            },
        )
    };
    Ok(PeriodStats { summary, groups })
}
