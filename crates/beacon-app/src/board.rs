//! The board update's data: the period's report summary, the register's figures, the
//! partner advisories', readiness, protect campaigns', victim-care and Cyber Choices
//! figures, read from the store in one place so `beacon report board` and the web board
//! page say the same.
//!
//! The advisories section is judged as things stood at the end of the period's last day
//! when the period is over (a board update for April to June says what was fixed and
//! what was overdue on 30 June, however late it is written: a fix recorded in July does
//! not count), and at the current time when the period has not ended yet.

use crate::advisories::status::{AdvisoryFigures as Headline, timings};
use crate::stats::period_stats;
use beacon_analytics::Summary;
use beacon_analytics::advisories::{NoticeTiming, advisory_status};
use beacon_analytics::register::RegisterFigures;
use beacon_core::{LocalIssueRules, Period};
use beacon_report::AdvisoryFigures;
use beacon_store::advisories::NoticeFilter;
use beacon_store::{Store, StoreError, StoreResult};
use time::{Duration, OffsetDateTime, Time};

/// Why the board update's data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// The reports' summary could not be read.
    #[error(transparent)]
    Summary(StoreError),
    /// The register's sightings could not be read.
    #[error(transparent)]
    Register(StoreError),
    /// The partner advisories' notices could not be read.
    #[error(transparent)]
    Advisories(StoreError),
    /// The readiness data could not be read.
    #[error(transparent)]
    Readiness(crate::readiness::ReadinessError),
    /// The protect campaigns could not be read.
    #[error(transparent)]
    Protect(StoreError),
    /// The victim-care cases or Cyber Choices referrals could not be read.
    #[error(transparent)]
    Care(StoreError),
    /// The business engagement or front-door reports could not be read.
    #[error(transparent)]
    Business(StoreError),
}

/// What the board update says, before it is worded.
#[derive(Debug, Clone)]
pub struct BoardFigures {
    /// The reports' summary for the period.
    pub summary: Summary,
    /// The register's addresses seen in the period.
    pub register: RegisterFigures,
    /// How partners acted on advisories in the period; `None` when the store tracks no
    /// advisory notices at all (the section is left out).
    pub advisories: Option<AdvisoryFigures>,
    /// Exercises, self-assessments, staff education and phishing simulations; `None`
    /// when Beacon holds no readiness data at all (the section is left out).
    pub readiness: Option<beacon_analytics::readiness::ReadinessFigures>,
    /// Protect campaigns run in the period, their reach and measured effects; `None`
    /// when the store holds no campaigns at all (the section is left out).
    pub protect: Option<beacon_analytics::campaigns::ProtectFigures>,
    /// Victim care for the period's reports; `None` when none of them is in the triage
    /// queue (the section is left out).
    pub care: Option<beacon_analytics::care::CareFigures>,
    /// Cyber Choices referrals in the period; `None` when Beacon holds no referrals at
    /// all (the section is left out).
    pub prevent: Option<beacon_analytics::prevent::PreventFigures>,
    /// The reach to businesses and the reporting gap; `None` when there is neither an
    /// engagement nor a business's front-door report in the period.
    pub business: Option<beacon_analytics::engagement::BusinessFigures>,
}

impl BoardFigures {
    /// The sections beyond the reports, for `beacon_report`'s `*_with` renderers.
    pub fn extras(&self) -> beacon_report::BoardExtras<'_> {
        beacon_report::BoardExtras {
            register: Some(&self.register),
            advisories: self.advisories.as_ref(),
            readiness: self.readiness.as_ref(),
            protect: self.protect.as_ref(),
            care: self.care.as_ref(),
            prevent: self.prevent.as_ref(),
            business: self.business.as_ref(),
        }
    }
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

/// A notice as it stood at `at`: what happened later (acknowledged, closed, chased) had
/// not happened yet.
fn as_at(mut notice: NoticeTiming, at: OffsetDateTime) -> NoticeTiming {
    let before = |moment: Option<OffsetDateTime>| moment.filter(|moment| *moment <= at);
    notice.acknowledged_at = before(notice.acknowledged_at);
    notice.closed_at = before(notice.closed_at);
    notice.reminded_at = before(notice.reminded_at);
    notice.escalated_at = before(notice.escalated_at);
    notice
}

/// The partner advisories' figures over the notices sent from the first day of
/// `period` to the end of its last day (UTC), as they stood at the end of the period or
/// at `now`, whichever is earlier (see the module's documentation). `None`
/// when the store holds no advisory notices at all, so boards of partnerships that do
/// not track advisories are unchanged.
///
/// # Errors
/// When the store fails.
pub fn advisory_figures(
    store: &mut dyn Store,
    period: Period,
    now: OffsetDateTime,
) -> StoreResult<Option<AdvisoryFigures>> {
    if store.notices(&NoticeFilter::default())?.is_empty() {
        return Ok(None);
    }
    let from = period.from.with_time(Time::MIDNIGHT).assume_utc();
    let end = period.to.with_time(Time::MIDNIGHT).assume_utc() + Duration::days(1);
    let (judged, judged_at_period_end) = if end <= now {
        (end, true)
    } else {
        (now, false)
    };
    let stood = |notices: Vec<NoticeTiming>| -> Vec<NoticeTiming> {
        notices
            .into_iter()
            .filter(|n| n.opened_at <= judged)
            .map(|n| as_at(n, judged))
            .collect()
    };
    let in_period = stood(timings(store, Some(from), Some(end))?);
    let everything = stood(timings(store, None, None)?);
    let status = advisory_status(&in_period, judged);
    let mut partners: Vec<&str> = in_period.iter().map(|n| n.organisation.as_str()).collect();
    partners.sort_unstable();
    partners.dedup();
    let headline = Headline {
        advisories: status.area.advisories,
        partners: partners.len() as u64,
        timings: status.area.clone(),
        overdue_now: everything.iter().filter(|n| n.is_overdue(judged)).count() as u64,
    };
    Ok(Some(AdvisoryFigures {
        sentence: headline.sentence(),
        area: status.area,
        by_sector: status.by_sector,
        judged_on: if judged_at_period_end {
            period.to
        } else {
            now.date()
        },
        judged_at_period_end,
    }))
}

/// The board update's figures for a period, with advisories judged at the current time
/// (see [`board_figures_at`]).
///
/// # Errors
/// When the store fails, saying which part failed.
pub fn board_figures(
    store: &mut dyn Store,
    period: Period,
    rules: &LocalIssueRules,
) -> Result<BoardFigures, BoardError> {
    board_figures_at(store, period, rules, OffsetDateTime::now_utc())
}

/// The board update's figures for a period, as they stand at `now`.
///
/// # Errors
/// When the store fails, saying which part failed.
pub fn board_figures_at(
    store: &mut dyn Store,
    period: Period,
    rules: &LocalIssueRules,
    now: OffsetDateTime,
) -> Result<BoardFigures, BoardError> {
    let summary = period_stats(store, period, &[], rules)
        .map_err(BoardError::Summary)?
        .summary;
    let register = register_figures(store, period).map_err(BoardError::Register)?;
    let advisories = advisory_figures(store, period, now).map_err(BoardError::Advisories)?;
    let readiness =
        crate::readiness::board::readiness_figures(store, period).map_err(BoardError::Readiness)?;
    let protect =
        crate::campaigns::board::protect_figures(store, period).map_err(BoardError::Protect)?;
    let care = crate::care::board::care_board(store, period).map_err(BoardError::Care)?;
    let prevent = crate::care::board::prevent_board(store, period).map_err(BoardError::Care)?;
    let business =
        crate::engagement::business_board(store, period).map_err(BoardError::Business)?;
    Ok(BoardFigures {
        business,
        summary,
        register,
        advisories,
        readiness,
        protect,
        care,
        prevent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_store_without_advisory_notices_has_no_advisories_section() {
        let Some(database) =
            beacon_testing::TestDatabase::fresh(beacon_store::Backend::Sqlite, "board_none")
        else {
            return;
        };
        let mut store = database.open();
        let period = Period::new(date!(2024 - 04 - 01), date!(2024 - 06 - 30)).expect("a period");
        let figures = advisory_figures(store.as_mut(), period, datetime!(2025-01-01 00:00 UTC))
            .expect("the store answers");
        assert!(figures.is_none());
    }

    #[test]
    fn later_events_are_hidden_from_a_past_period() {
        let notice = NoticeTiming {
            advisory_id: 1,
            organisation: "Partner".into(),
            sector: "health".into(),
            opened_at: datetime!(2024-04-15 09:00 UTC),
            acknowledged_at: Some(datetime!(2024-04-15 10:00 UTC)),
            closed_at: Some(datetime!(2024-07-02 09:00 UTC)),
            due: Some(date!(2024 - 04 - 19)),
            reminded_at: None,
            escalated_at: Some(datetime!(2024-07-01 09:00 UTC)),
        };
        let stood = as_at(notice, datetime!(2024-07-01 00:00 UTC));
        assert_eq!(stood.acknowledged_at, Some(datetime!(2024-04-15 10:00 UTC)));
        assert_eq!(stood.closed_at, None);
        assert_eq!(stood.escalated_at, None);
        assert!(stood.is_overdue(datetime!(2024-07-01 00:00 UTC)));
    }
}
