//! How fast partners act on advisories, for `beacon advisories status`, the coordinator's
//! page and the board update.

use super::chase::timing_of;
use beacon_analytics::advisories::{AdvisoryStatus, NoticeTiming, Timings, advisory_status};
use beacon_store::advisories::NoticeFilter;
use beacon_store::{Store, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

/// Time to acknowledge and fix, per partner, per sector and area-wide, over the notices
/// opened in `[from, to)` (all when open-ended), judged at `now`.
pub fn status(
    store: &mut dyn Store,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<AdvisoryStatus, StoreError> {
    Ok(advisory_status(&timings(store, from, to)?, now))
}

/// The notices opened in `[from, to)` as the measures read them.
pub fn timings(
    store: &mut dyn Store,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
) -> Result<Vec<NoticeTiming>, StoreError> {
    Ok(store
        .notices(&NoticeFilter::default())?
        .iter()
        .filter(|n| from.is_none_or(|from| n.opened_at >= from))
        .filter(|n| to.is_none_or(|to| n.opened_at < to))
        .map(timing_of)
        .collect())
}

/// What the board update says about advisories in a period: "n advisories affected
/// partners this quarter; median time to fix x days; y overdue".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryFigures {
    /// Advisories that affected at least one partner in the period.
    pub advisories: u64,
    /// Partners affected.
    pub partners: u64,
    /// The timings over the period's notices.
    pub timings: Timings,
    /// Notices overdue now (from any period).
    pub overdue_now: u64,
}

impl AdvisoryFigures {
    /// The sentence the board update prints.
    pub fn sentence(&self) -> String {
        let fix = self.timings.median_days_to_fix.map_or_else(
            || "no affected asset has been fixed yet".to_owned(),
            |days| format!("median time to fix {days:.1} days"),
        );
        format!(
            "{} advisor{} affected {} partner{} in the period; {fix}; {} overdue.",
            self.advisories,
            if self.advisories == 1 { "y" } else { "ies" },
            self.partners,
            if self.partners == 1 { "" } else { "s" },
            self.overdue_now
        )
    }
}

/// The board update's advisory figures for `[from, to)`, judged at `now`.
pub fn figures(
    store: &mut dyn Store,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<AdvisoryFigures, StoreError> {
    let period = timings(store, Some(from), Some(to))?;
    let all = timings(store, None, None)?;
    let status = advisory_status(&period, now);
    let mut partners: Vec<&str> = period.iter().map(|n| n.organisation.as_str()).collect();
    partners.sort_unstable();
    partners.dedup();
    Ok(AdvisoryFigures {
        advisories: status.area.advisories,
        partners: partners.len() as u64,
        timings: status.area,
        overdue_now: all.iter().filter(|n| n.is_overdue(now)).count() as u64,
    })
}
