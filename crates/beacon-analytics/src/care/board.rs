//! What the board update says of victim care in a period: how many victims were triaged
//! and at which level, how many were reached, how soon (the median time from the report
//! day to first contact) and how many within their level's service time, the
//! safeguarding referrals made, and how many of the people triaged were repeat victims.
//!
//! Pure: the caller passes the queued cases of the period's reports with their first
//! contact, and the repeat count.

use serde::Serialize;
use time::{Date, OffsetDateTime, Time};

/// One queued case as the board counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CareCaseFact {
    /// Day reported.
    pub reported_on: Date,
    /// Level of care, 1 to 4.
    pub level: u8,
    /// When first contact was due.
    pub contact_due: OffsetDateTime,
    /// When the victim was first reached, if they were.
    pub first_reached: Option<OffsetDateTime>,
    /// Safeguarding referrals made on the case.
    pub referrals: u64,
    /// Whether the report was of a repeat victim (said so, or their victim key has an
    /// earlier report within the triage's look-back).
    pub repeat: bool,
}

/// The section's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CareFigures {
    /// Victims triaged (the queue's cases of reports made in the period).
    pub triaged: u64,
    /// Of those, at levels 1 to 4.
    pub by_level: [u64; 4],
    /// Reached by a contact attempt, at any level.
    pub contacted: u64,
    /// Of the contacted, reached by their level's service time.
    pub reached_in_time: u64,
    /// Of the cases whose first contact was due (levels 2 to 4: level 1 is automated
    /// advice), how many.
    pub due_contact: u64,
    /// The median hours from the start of the report day to first contact, over the
    /// contacted; `None` when nobody was.
    pub median_hours_to_contact: Option<u64>,
    /// Safeguarding referrals made.
    pub referrals: u64,
    /// Repeat victims among those triaged.
    pub repeat: u64,
}

impl CareFigures {
    /// The repeat-victimisation rate in whole per cent; `None` when nobody was triaged.
    pub fn repeat_percent(&self) -> Option<u64> {
        (self.triaged > 0).then(|| (self.repeat * 100 + self.triaged / 2) / self.triaged)
    }
}

/// The median of whole hours (the lower middle's and upper middle's mean, rounded down).
fn median(mut hours: Vec<u64>) -> Option<u64> {
    hours.sort_unstable();
    let n = hours.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(hours[n / 2]),
        _ => Some((hours[n / 2 - 1] + hours[n / 2]) / 2),
    }
}

/// The figures over `cases`.
pub fn care_figures(cases: &[CareCaseFact]) -> CareFigures {
    let mut figures = CareFigures::default();
    let mut hours = Vec::new();
    for case in cases {
        figures.triaged += 1;
        if let Some(slot) = figures
            .by_level
            .get_mut(usize::from(case.level.saturating_sub(1)))
        {
            *slot += 1;
        }
        if case.level > 1 {
            figures.due_contact += 1;
        }
        figures.referrals += case.referrals;
        figures.repeat += u64::from(case.repeat);
        if let Some(reached) = case.first_reached {
            figures.contacted += 1;
            if reached <= case.contact_due {
                figures.reached_in_time += 1;
            }
            let start = case.reported_on.with_time(Time::MIDNIGHT).assume_utc();
            hours.push(u64::try_from((reached - start).whole_hours()).unwrap_or(0));
        }
    }
    figures.median_hours_to_contact = median(hours);
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn case(level: u8, reached: Option<OffsetDateTime>, repeat: bool) -> CareCaseFact {
        CareCaseFact {
            reported_on: date!(2019 - 12 - 02),
            level,
            contact_due: datetime!(2019-12-04 00:00 UTC),
            first_reached: reached,
            referrals: u64::from(level == 4),
            repeat,
        }
    }

    #[test]
    fn contact_is_timed_from_the_report_day() {
        let figures = care_figures(&[
            case(4, Some(datetime!(2019-12-03 10:00 UTC)), true),
            case(4, Some(datetime!(2019-12-05 08:00 UTC)), false),
            case(3, Some(datetime!(2019-12-02 12:00 UTC)), false),
            case(1, None, true),
        ]);
        assert_eq!(figures.triaged, 4);
        assert_eq!(figures.by_level, [1, 0, 1, 2]);
        assert_eq!(figures.contacted, 3);
        assert_eq!(figures.reached_in_time, 2);
        assert_eq!(figures.due_contact, 3);
        // 34, 80 and 12 hours: the median is 34.
        assert_eq!(figures.median_hours_to_contact, Some(34));
        assert_eq!(figures.referrals, 2);
        assert_eq!(figures.repeat_percent(), Some(50));
        // An even count takes the middle two's mean.
        assert_eq!(median(vec![12, 34, 80, 100]), Some(57));
        assert_eq!(care_figures(&[]).median_hours_to_contact, None);
        assert_eq!(care_figures(&[]).repeat_percent(), None);
    }
}
