//! Dates in the GOV.UK style readers expect: "29 November 2026", always in UTC.

use time::OffsetDateTime;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The UTC calendar date of an instant, e.g. "29 November 2026".
pub(crate) fn long(at: OffsetDateTime) -> String {
    let date = at.to_offset(time::UtcOffset::UTC).date();
    let month = MONTHS[usize::from(u8::from(date.month())) - 1];
    format!("{} {} {}", date.day(), month, date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_day_month_year_in_utc() {
        assert_eq!(long(datetime!(2026-11-29 23:59 UTC)), "29 November 2026");
        assert_eq!(long(datetime!(2026-11-30 00:30 +01:00)), "29 November 2026");
        assert_eq!(long(datetime!(2027-01-01 0:00 UTC)), "1 January 2027");
    }
}
