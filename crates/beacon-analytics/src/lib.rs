//! Beacon's analytics: what the board paper and the dashboard say, computed from facts.
//!
//! **Architecture invariant:** pure functions over [`beacon_core::FactSet`]; no I/O, no
//! store. The caller loads facts for the period *and the 12 months before it* (for
//! year-on-year change and spike baselines) and passes both.

pub mod advisories;
pub mod campaigns;
pub mod care;
pub mod engagement;
pub mod groups;
pub mod measures;
pub mod period_facts;
pub mod prevent;
pub mod protect;
pub mod readiness;
pub mod register;
pub mod spikes;
pub mod summary;

pub use groups::{Breakdown, Dimension, GroupRow, group_by, group_by_with_candidates};
pub use measures::Measures;
pub use measures::repeat_candidates;
pub use period_facts::PeriodFacts;
pub use spikes::{Spike, SpikeRule};
pub use summary::{StatsContext, Summary, summarise, summarise_with_candidates};

use time::{Date, Month};

/// The first day of the month twelve months before `date`'s month: where facts must
/// start for a summary of a period starting at `date`.
pub fn history_start(date: Date) -> Date {
    Date::from_calendar_date(date.year() - 1, date.month(), 1).unwrap_or(date)
}

/// `YYYY-MM` for a month.
pub fn month_label(year: i32, month: Month) -> String {
    format!("{year:04}-{:02}", u8::from(month))
}
