//! How quickly partners act on advisories: time to acknowledge and time to fix, per
//! partner, per sector and area-wide, what is overdue, and which reminders and
//! escalations are due. The board update's advisories section ("n advisories affected
//! partners this quarter; median time to fix x days; y overdue") comes from here.
//!
//! Pure: the caller passes the notices and the moment to judge them at.

use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime, Time};

/// One notice as the measures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTiming {
    /// The advisory.
    pub advisory_id: i64,
    /// The partner's name.
    pub organisation: String,
    /// The partner's sector.
    pub sector: String,
    /// When the partner was first told.
    pub opened_at: OffsetDateTime,
    /// When it acknowledged.
    pub acknowledged_at: Option<OffsetDateTime>,
    /// When its last affected asset was fixed or found not affected.
    pub closed_at: Option<OffsetDateTime>,
    /// By when it should have been fixed.
    pub due: Option<Date>,
    /// When the last reminder was queued.
    pub reminded_at: Option<OffsetDateTime>,
    /// When it was escalated.
    pub escalated_at: Option<OffsetDateTime>,
}

impl NoticeTiming {
    /// The end of the due day (UTC): a notice is overdue after it.
    pub fn due_end(&self) -> Option<OffsetDateTime> {
        self.due
            .map(|due| due.with_time(Time::MIDNIGHT).assume_utc() + Duration::days(1))
    }

    /// True when the due day has passed with the notice still open.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.closed_at.is_none() && self.due_end().is_some_and(|end| now >= end)
    }
}

/// Time to acknowledge and to fix over a set of notices.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Notices.
    pub notices: u64,
    /// Distinct advisories among them.
    pub advisories: u64,
    /// Acknowledged.
    pub acknowledged: u64,
    /// Closed (every affected asset fixed or not affected).
    pub closed: u64,
    /// Open past their due date.
    pub overdue: u64,
    /// Median hours from notice to acknowledgement, over those acknowledged.
    pub median_hours_to_acknowledge: Option<f64>,
    /// Median days from notice to closing, over those closed.
    pub median_days_to_fix: Option<f64>,
    /// Closed on or before their due date, as a share of those closed with a due date.
    pub fixed_on_time_share: Option<f64>,
}

/// Timings area-wide, per sector and per partner.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AdvisoryStatus {
    /// Every notice.
    pub area: Timings,
    /// By sector.
    pub by_sector: BTreeMap<String, Timings>,
    /// By partner.
    pub by_partner: BTreeMap<String, Timings>,
}

/// Computes the timings of `notices` judged at `now` (for what is overdue).
pub fn advisory_status(notices: &[NoticeTiming], now: OffsetDateTime) -> AdvisoryStatus {
    let mut by_sector: BTreeMap<String, Vec<&NoticeTiming>> = BTreeMap::new();
    let mut by_partner: BTreeMap<String, Vec<&NoticeTiming>> = BTreeMap::new();
    for notice in notices {
        by_sector
            .entry(notice.sector.clone())
            .or_default()
            .push(notice);
        by_partner
            .entry(notice.organisation.clone())
            .or_default()
            .push(notice);
    }
    let all: Vec<&NoticeTiming> = notices.iter().collect();
    AdvisoryStatus {
        area: timings(&all, now),
        by_sector: by_sector
            .into_iter()
            .map(|(sector, group)| (sector, timings(&group, now)))
            .collect(),
        by_partner: by_partner
            .into_iter()
            .map(|(partner, group)| (partner, timings(&group, now)))
            .collect(),
    }
}

/// The timings of one group of notices.
fn timings(notices: &[&NoticeTiming], now: OffsetDateTime) -> Timings {
    let mut advisories: Vec<i64> = notices.iter().map(|n| n.advisory_id).collect();
    advisories.sort_unstable();
    advisories.dedup();
    let hours_to_ack: Vec<f64> = notices
        .iter()
        .filter_map(|n| n.acknowledged_at.map(|at| hours(at - n.opened_at)))
        .collect();
    let days_to_fix: Vec<f64> = notices
        .iter()
        .filter_map(|n| n.closed_at.map(|at| hours(at - n.opened_at) / 24.0))
        .collect();
    let closed_with_due: Vec<bool> = notices
        .iter()
        .filter_map(|n| Some(n.closed_at? <= n.due_end()?))
        .collect();
    Timings {
        notices: notices.len() as u64,
        advisories: advisories.len() as u64,
        acknowledged: hours_to_ack.len() as u64,
        closed: days_to_fix.len() as u64,
        overdue: notices.iter().filter(|n| n.is_overdue(now)).count() as u64,
        median_hours_to_acknowledge: median(hours_to_ack),
        median_days_to_fix: median(days_to_fix),
        fixed_on_time_share: (!closed_with_due.is_empty()).then(|| {
            closed_with_due.iter().filter(|on_time| **on_time).count() as f64
                / closed_with_due.len() as f64
        }),
    }
}

/// A duration in hours (never negative: a clock step backwards counts as zero).
fn hours(duration: Duration) -> f64 {
    (duration.whole_seconds().max(0) as f64) / 3600.0
}

/// The median (mean of the middle two for an even count), or none for no values.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

/// When reminders and escalations fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChaseRules {
    /// Remind this many days before the due date (and again on the day it falls due).
    pub remind_days_before: i64,
    /// Remind an unacknowledged notice with no due date after this many days.
    pub remind_unacknowledged_after_days: i64,
    /// Escalate to the senior responsible owner once overdue by this many days.
    pub escalate_days_after_due: i64,
}

impl Default for ChaseRules {
    /// Three days before the due date; a week without acknowledgement; the day after the
    /// due date has passed.
    fn default() -> Self {
        ChaseRules {
            remind_days_before: 3,
            remind_unacknowledged_after_days: 7,
            escalate_days_after_due: 0,
        }
    }
}

/// What is owed on a notice now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chase {
    /// Remind the IT manager.
    Remind,
    /// Tell the senior responsible owner it is overdue.
    Escalate,
}

/// Whether a reminder or escalation is due on `notice` at `now`, given when the last ones
/// were queued. Each is queued at most once per window: one reminder in the days before
/// the due date (or one a week for an unacknowledged notice with none), one escalation.
/// Closed notices are never chased.
pub fn chase(notice: &NoticeTiming, now: OffsetDateTime, rules: &ChaseRules) -> Option<Chase> {
    if notice.closed_at.is_some() {
        return None;
    }
    if let Some(due_end) = notice.due_end() {
        if now >= due_end + Duration::days(rules.escalate_days_after_due) {
            return notice.escalated_at.is_none().then_some(Chase::Escalate);
        }
        let window = due_end - Duration::days(rules.remind_days_before + 1);
        let reminded_in_window = notice.reminded_at.is_some_and(|at| at >= window);
        return (now >= window && !reminded_in_window).then_some(Chase::Remind);
    }
    if notice.acknowledged_at.is_some() {
        return None;
    }
    let every = Duration::days(rules.remind_unacknowledged_after_days);
    let last = notice.reminded_at.unwrap_or(notice.opened_at);
    (now >= last + every).then_some(Chase::Remind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn notice(organisation: &str, sector: &str) -> NoticeTiming {
        NoticeTiming {
            advisory_id: 1,
            organisation: organisation.into(),
            sector: sector.into(),
            opened_at: datetime!(2026-11-02 09:00 UTC),
            acknowledged_at: None,
            closed_at: None,
            due: None,
            reminded_at: None,
            escalated_at: None,
        }
    }

    #[test]
    fn medians_of_acknowledgement_and_fix_times() {
        let mut a = notice("Council", "local-government");
        a.acknowledged_at = Some(datetime!(2026-11-02 11:00 UTC)); // 2 h
        a.closed_at = Some(datetime!(2026-11-05 09:00 UTC)); // 3 days
        a.due = Some(date!(2026 - 11 - 10));
        let mut b = notice("Hospital", "health");
        b.advisory_id = 2;
        b.acknowledged_at = Some(datetime!(2026-11-02 15:00 UTC)); // 6 h
        b.closed_at = Some(datetime!(2026-11-12 09:00 UTC)); // 10 days, late
        b.due = Some(date!(2026 - 11 - 10));
        let mut c = notice("Hospital", "health");
        c.due = Some(date!(2026 - 11 - 20)); // open, overdue at now
        let now = datetime!(2026-11-25 12:00 UTC);
        let status = advisory_status(&[a, b, c], now);
        assert_eq!(status.area.notices, 3);
        assert_eq!(status.area.advisories, 2);
        assert_eq!(status.area.acknowledged, 2);
        assert_eq!(status.area.median_hours_to_acknowledge, Some(4.0));
        assert_eq!(status.area.median_days_to_fix, Some(6.5));
        assert_eq!(status.area.overdue, 1);
        assert_eq!(status.area.fixed_on_time_share, Some(0.5));
        assert_eq!(status.by_sector["health"].notices, 2);
        assert_eq!(status.by_partner["Council"].median_days_to_fix, Some(3.0));
        assert_eq!(status.by_partner["Hospital"].overdue, 1);
    }

    #[test]
    fn empty_sets_have_no_medians() {
        let status = advisory_status(&[], datetime!(2026-11-25 12:00 UTC));
        assert_eq!(status.area.notices, 0);
        assert_eq!(status.area.median_days_to_fix, None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn overdue_starts_after_the_due_day() {
        let mut n = notice("Council", "local-government");
        n.due = Some(date!(2026 - 11 - 10));
        assert!(!n.is_overdue(datetime!(2026-11-10 23:59 UTC)));
        assert!(n.is_overdue(datetime!(2026-11-11 00:00 UTC)));
        n.closed_at = Some(datetime!(2026-11-12 00:00 UTC));
        assert!(!n.is_overdue(datetime!(2026-11-13 00:00 UTC)));
    }

    #[test]
    fn reminders_come_before_the_due_date_and_escalation_after() {
        let rules = ChaseRules::default();
        let mut n = notice("Council", "local-government");
        n.due = Some(date!(2026 - 11 - 10));
        // More than three days before: nothing.
        assert_eq!(chase(&n, datetime!(2026-11-06 12:00 UTC), &rules), None);
        // Three days before the end of the due day: remind, once.
        assert_eq!(
            chase(&n, datetime!(2026-11-07 00:00 UTC), &rules),
            Some(Chase::Remind)
        );
        n.reminded_at = Some(datetime!(2026-11-07 00:00 UTC));
        assert_eq!(chase(&n, datetime!(2026-11-09 00:00 UTC), &rules), None);
        // The due day passed: escalate, once.
        assert_eq!(
            chase(&n, datetime!(2026-11-11 00:00 UTC), &rules),
            Some(Chase::Escalate)
        );
        n.escalated_at = Some(datetime!(2026-11-11 00:00 UTC));
        assert_eq!(chase(&n, datetime!(2026-11-12 00:00 UTC), &rules), None);
        // Closed notices are never chased.
        n.escalated_at = None;
        n.closed_at = Some(datetime!(2026-11-11 00:00 UTC));
        assert_eq!(chase(&n, datetime!(2026-11-12 00:00 UTC), &rules), None);
    }

    #[test]
    fn unacknowledged_notices_without_due_dates_are_reminded_weekly() {
        let rules = ChaseRules::default();
        let mut n = notice("Council", "local-government");
        assert_eq!(chase(&n, datetime!(2026-11-09 08:59 UTC), &rules), None);
        assert_eq!(
            chase(&n, datetime!(2026-11-09 09:00 UTC), &rules),
            Some(Chase::Remind)
        );
        n.reminded_at = Some(datetime!(2026-11-09 09:00 UTC));
        assert_eq!(chase(&n, datetime!(2026-11-15 09:00 UTC), &rules), None);
        n.acknowledged_at = Some(datetime!(2026-11-10 09:00 UTC));
        assert_eq!(chase(&n, datetime!(2026-11-30 09:00 UTC), &rules), None);
    }
}
