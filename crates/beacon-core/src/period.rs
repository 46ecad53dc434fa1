//! Periods of whole days, as the board paper states them ("between 1 January and 30 June 2017").

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day included.
    pub from: Date,
    /// Last day included.
    pub to: Date,
}

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the period ends ({to}) before it starts ({from})")]
pub struct PeriodError {
    /// Start given.
    pub from: Date,
    /// End given.
    pub to: Date,
}

impl Period {
    /// A period from `from` to `to`, both included.
    pub fn new(from: Date, to: Date) -> Result<Self, PeriodError> {
        if to < from {
            return Err(PeriodError { from, to });
        }
        Ok(Period { from, to })
    }

    /// The same days one year earlier, for year-on-year change (29 February becomes 28).
    pub fn year_earlier(&self) -> Period {
        Period {
            from: shift_years(self.from, -1),
            to: shift_years(self.to, -1),
        }
    }

    /// True when the date falls inside the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// Months touched by the period, as `(year, month)` in order.
    pub fn months(&self) -> Vec<(i32, Month)> {
        let mut months = Vec::new();
        let (mut year, mut month) = (self.from.year(), self.from.month());
        loop {
            months.push((year, month));
            if (year, month as u8) >= (self.to.year(), self.to.month() as u8) {
                break;
            }
            month = month.next();
            if month == Month::January {
                year += 1;
            }
        }
        months
    }

    /// The year of the period's midpoint, used to pick a population.
    pub fn midpoint_year(&self) -> i32 {
        let days = (self.to - self.from).whole_days();
        (self.from + time::Duration::days(days / 2)).year()
    }
}

/// Moves a date by whole years, clamping 29 February to the 28th.
pub fn shift_years(date: Date, years: i32) -> Date {
    let year = date.year() + years;
    let day = date
        .day()
        .min(time::util::days_in_month(date.month(), year));
    Date::from_calendar_date(year, date.month(), day).unwrap_or(date)
}

/// A month as the number `year * 100 + month` (e.g. 201701), the form the store keeps.
pub fn month_key(date: Date) -> i32 {
    date.year() * 100 + i32::from(date.month() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn year_earlier_keeps_the_days() {
        let period = Period::new(date!(2017 - 01 - 01), date!(2017 - 06 - 30)).expect("ordered");
        let earlier = period.year_earlier();
        assert_eq!(earlier.from, date!(2016 - 01 - 01));
        assert_eq!(earlier.to, date!(2016 - 06 - 30));
        assert_eq!(
            shift_years(date!(2016 - 02 - 29), -1),
            date!(2015 - 02 - 28)
        );
    }

    #[test]
    fn months_span_year_ends() {
        let period = Period::new(date!(2016 - 11 - 15), date!(2017 - 02 - 01)).expect("ordered");
        assert_eq!(period.months().len(), 4);
        assert_eq!(month_key(date!(2017 - 02 - 01)), 201702);
    }

    #[test]
    fn refuses_backwards_periods() {
        assert!(Period::new(date!(2017 - 02 - 01), date!(2017 - 01 - 01)).is_err());
    }
}
