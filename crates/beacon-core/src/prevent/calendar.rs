//! Working days: Monday to Friday, less the bank holidays of England and Wales (shipped
//! in `data/prevent/bank_holidays.csv`).

use std::collections::BTreeSet;
use time::{Date, Duration, Weekday};

/// The working days the contact measure counts in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<Date>,
}

/// A line of a bank-holidays file that is not a date and a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CalendarProblem {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong, in words.
    pub reason: String,
}

impl WorkingCalendar {
    /// A calendar with these bank holidays.
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> WorkingCalendar {
        WorkingCalendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// A calendar read from a `date,name` CSV with a header line (`YYYY-MM-DD` dates).
    ///
    /// # Errors
    /// The first line that is not a date and a name, or a file with no header.
    pub fn from_csv(text: &str) -> Result<WorkingCalendar, CalendarProblem> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim().eq_ignore_ascii_case("date,name") => {}
            _ => {
                return Err(CalendarProblem {
                    line: 1,
                    reason: "the first line must be the header date,name".into(),
                });
            }
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut holidays = BTreeSet::new();
        for (index, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let problem = |reason: String| CalendarProblem {
                line: index + 1,
                reason,
            };
            let (day, name) = line
                .split_once(',')
                .ok_or_else(|| problem("expected a date, a comma and a name".into()))?;
            if name.trim().is_empty() {
                return Err(problem("the holiday has no name".into()));
            }
            let day = Date::parse(day.trim(), format)
                .map_err(|_| problem(format!("'{}' is not a date like 2026-12-25", day.trim())))?;
            holidays.insert(day);
        }
        Ok(WorkingCalendar { holidays })
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: Date) -> bool {
        !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&day)
    }

    /// The `count`th working day after `day` (`day` itself never counts): 5 working days
    /// after Friday 20 December 2019 is Monday 30 December.
    pub fn add_working_days(&self, day: Date, count: u32) -> Date {
        let mut at = day;
        let mut left = count;
        while left > 0 {
            at += Duration::days(1);
            if self.is_working_day(at) {
                left -= 1;
            }
        }
        at
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut at = from;
        while at < to {
            at += Duration::days(1);
            if self.is_working_day(at) {
                count += 1;
            }
        }
        count
    }

    /// How many bank holidays the calendar knows.
    pub fn holidays(&self) -> usize {
        self.holidays.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn christmas() -> WorkingCalendar {
        WorkingCalendar::from_csv(
            "date,name\n2019-12-25,Christmas Day\n2019-12-26,Boxing Day\n2020-01-01,New Year's Day\n",
        )
        .expect("a calendar")
    }

    #[test]
    fn weekends_and_bank_holidays_are_skipped() {
        let calendar = christmas();
        // Friday 20 December: Mon 23, Tue 24, (25, 26 off), Fri 27, Mon 30, Tue 31.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 12 - 20), 5),
            date!(2019 - 12 - 31)
        );
        // Monday 2 December: a plain week.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 12 - 02), 5),
            date!(2019 - 12 - 09)
        );
        assert_eq!(
            calendar.working_days_between(date!(2019 - 12 - 20), date!(2019 - 12 - 31)),
            5
        );
        assert_eq!(
            calendar.working_days_between(date!(2019 - 12 - 31), date!(2019 - 12 - 20)),
            0
        );
        assert!(!calendar.is_working_day(date!(2020 - 01 - 01)));
        assert!(calendar.is_working_day(date!(2020 - 01 - 02)));
    }

    #[test]
    fn a_bad_line_is_named() {
        let problem = WorkingCalendar::from_csv("date,name\n2019-12-25,Christmas\n25/12/2019,x\n")
            .expect_err("a bad date");
        assert_eq!(problem.line, 3);
        assert!(problem.reason.contains("25/12/2019"), "{problem}");
        assert!(WorkingCalendar::from_csv("2019-12-25,Christmas\n").is_err());
        assert!(WorkingCalendar::from_csv("date,name\n2019-12-25,\n").is_err());
    }
}
