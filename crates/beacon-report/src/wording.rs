//! The rounding and phrasing rules of the board update, as pure functions.
//!
//! Every figure a board member reads goes through one of these functions, so the same
//! number is always written the same way. Money is integer pence and every rounding is
//! done in integer arithmetic, half up (a half rounds away from zero), so there are no
//! floating-point surprises at the boundaries. `docs/board-update.md` states the rules.

use time::{Date, Month};

/// The dash shown where a figure does not apply (an en dash).
pub const NOT_APPLICABLE: &str = "–";

/// What a change column says when there is nothing to compare with.
pub const NO_EARLIER_DATA: &str = "no earlier data";

/// The minus sign used in signed figures (U+2212, not a hyphen).
pub const MINUS: char = '−';

/// `numerator / denominator` rounded half up. `denominator` must not be zero.
fn round_half_up(numerator: u128, denominator: u128) -> u128 {
    (2 * numerator + denominator) / (2 * denominator)
}

/// Digits with a comma between each group of three: `4726` → `4,726`.
fn group_thousands(value: u128) -> String {
    match u64::try_from(value) {
        Ok(small) => beacon_core::money::group_thousands(small),
        // Beyond u64 only in theory (sums of pence); shown without separators.
        Err(_) => value.to_string(),
    }
}

/// A count as a whole number with thousands separators: `4,726`.
pub fn count(value: u64) -> String {
    group_thousands(u128::from(value))
}

/// A number of reports in words: "no reports", "1 report", "4,726 reports".
pub fn reports(value: u64) -> String {
    match value {
        0 => "no reports".to_owned(),
        1 => "1 report".to_owned(),
        _ => format!("{} reports", count(value)),
    }
}

/// The sign to put before a money amount, and its size in pence.
fn sign_and_size(pence: i64) -> (&'static str, u128) {
    let sign = if pence < 0 { "−" } else { "" };
    (sign, u128::from(pence.unsigned_abs()))
}

/// Money as a sentence writes it.
///
/// - Under £999.50 (it would not round to £1,000): whole pounds, "£950".
/// - From £999.50 to under £999,500: the nearest thousand, "£1k" to "£999k".
/// - From £999,500: millions to one decimal place, "£1.0 million", "£3.6 million".
///
/// Each figure is rounded half up straight from pence, never from an already
/// rounded figure.
pub fn money(pence: i64) -> String {
    let (sign, size) = sign_and_size(pence);
    let pounds = round_half_up(size, 100);
    if pounds < 1_000 {
        return format!("{sign}£{pounds}");
    }
    let thousands = round_half_up(size, 100_000);
    if thousands < 1_000 {
        return format!("{sign}£{thousands}k");
    }
    let tenths_of_million = round_half_up(size, 10_000_000);
    format!(
        "{sign}£{}.{} million",
        group_thousands(tenths_of_million / 10),
        tenths_of_million % 10
    )
}

/// Money as a table writes it: whole pounds (half up) with separators, "£3,600,123".
pub fn money_table(pence: i64) -> String {
    let (sign, size) = sign_and_size(pence);
    format!("{sign}£{}", group_thousands(round_half_up(size, 100)))
}

/// `part` as a whole percentage of `whole`, rounded half up: "59%".
///
/// A positive share that would round to 0% is "less than 1%"; a share short of the
/// whole that would round to 100% is "more than 99%". `None` when `whole` is zero.
pub fn share(part: u64, whole: u64) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let percent = round_half_up(u128::from(part) * 100, u128::from(whole));
    Some(if part > 0 && percent == 0 {
        "less than 1%".to_owned()
    } else if part < whole && percent == 100 {
        "more than 99%".to_owned()
    } else {
        format!("{}%", group_thousands(percent))
    })
}

/// Reports per 100,000 residents to one decimal place (half up), "123.4"; the dash
/// "–" when there is no population to divide by.
pub fn rate_per_100k(reports: u64, population: Option<u64>) -> String {
    rate_tenths(reports, population).map_or_else(|| NOT_APPLICABLE.to_owned(), tenths)
}

/// Reports per 100,000 residents in tenths, rounded half up: 1234 means 123.4.
/// `None` when there is no population (or it is zero).
pub fn rate_tenths(reports: u64, population: Option<u64>) -> Option<u64> {
    let population = population.filter(|p| *p > 0)?;
    let value = round_half_up(u128::from(reports) * 1_000_000, u128::from(population));
    u64::try_from(value).ok()
}

/// A number of tenths written with one decimal place: 1234 → "123.4".
pub fn tenths(value: u64) -> String {
    format!("{}.{}", count(value / 10), value % 10)
}

/// A non-negative decimal to one decimal place, half up: 12.25 → "12.3".
/// Used for spike baselines, which are means and not counts.
pub fn one_decimal(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return NOT_APPLICABLE.to_owned();
    }
    // A tiny nudge keeps a mean such as 12.25 (stored as 12.2499…) rounding up.
    tenths((value * 10.0 + 1e-9).round() as u64)
}

/// A change from a year earlier, rounded to a whole percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing a year earlier to compare with.
    NoEarlierData,
    /// The change rounds to 0%: within 1% either way.
    AboutTheSame,
    /// More than a year earlier, by this many percent (at least 1).
    More(u64),
    /// Fewer than a year earlier, by this many percent (at least 1).
    Fewer(u64),
}

/// The change from `earlier` to `now`, whole percent, half away from zero
/// (+0.5% → 1% more, −0.5% → 1% fewer). No earlier data when `earlier` is zero.
pub fn change(now: u64, earlier: u64) -> Change {
    if earlier == 0 {
        return Change::NoEarlierData;
    }
    let difference = u128::from(now.abs_diff(earlier));
    let percent = round_half_up(difference * 100, u128::from(earlier));
    let percent = u64::try_from(percent).unwrap_or(u64::MAX);
    match (percent, now > earlier) {
        (0, _) => Change::AboutTheSame,
        (p, true) => Change::More(p),
        (p, false) => Change::Fewer(p),
    }
}

/// A change as a table writes it: "+12%", "−5%" (a real minus sign), "0%", or
/// "no earlier data".
pub fn change_signed(now: u64, earlier: u64) -> String {
    match change(now, earlier) {
        Change::NoEarlierData => NO_EARLIER_DATA.to_owned(),
        Change::AboutTheSame => "0%".to_owned(),
        Change::More(p) => format!("+{}%", count(p)),
        Change::Fewer(p) => format!("{MINUS}{}%", count(p)),
    }
}

/// A change as a sentence writes it: "12% more", "5% fewer", "about the same (within
/// 1%)", or "no earlier data".
pub fn change_words(now: u64, earlier: u64) -> String {
    match change(now, earlier) {
        Change::NoEarlierData => NO_EARLIER_DATA.to_owned(),
        Change::AboutTheSame => "about the same (within 1%)".to_owned(),
        Change::More(p) => format!("{}% more", count(p)),
        Change::Fewer(p) => format!("{}% fewer", count(p)),
    }
}

/// The comparison with a year earlier, without a subject: "12% more than in the same
/// period a year earlier (4,220)". `None` when there is no earlier data.
pub fn compared_with_year_earlier(now: u64, earlier: u64) -> Option<String> {
    let earlier_count = count(earlier);
    match change(now, earlier) {
        Change::NoEarlierData => None,
        _ if now == 0 => Some(format!(
            "against {earlier_count} in the same period a year earlier"
        )),
        Change::AboutTheSame => Some(format!(
            "about the same (within 1%) as in the same period a year earlier ({earlier_count})"
        )),
        Change::More(_) | Change::Fewer(_) => Some(format!(
            "{} than in the same period a year earlier ({earlier_count})",
            change_words(now, earlier)
        )),
    }
}

/// The year-on-year sentence after a headline: "This is 12% more than in the same
/// period a year earlier (4,220)." When there are no reports now it says how many
/// there were; `None` when there is no earlier data.
pub fn year_on_year(now: u64, earlier: u64) -> Option<String> {
    if now == 0 {
        return match earlier {
            0 => None,
            1 => Some("There was 1 in the same period a year earlier.".to_owned()),
            _ => Some(format!(
                "There were {} in the same period a year earlier.",
                count(earlier)
            )),
        };
    }
    compared_with_year_earlier(now, earlier).map(|comparison| format!("This is {comparison}."))
}

/// A date as "1 January 2017": no leading zero, full month name.
pub fn date(day: Date) -> String {
    format!("{} {} {}", day.day(), day.month(), day.year())
}

/// Reads `YYYY-MM-DD`, the form a summary carries.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// True when `from` and `to` are the first and last days of one calendar month.
fn is_whole_month(from: Date, to: Date) -> bool {
    from.day() == 1
        && (from.year(), from.month()) == (to.year(), to.month())
        && to.day() == time::util::days_in_month(to.month(), to.year())
}

/// A period as a sentence ends: "between 1 January and 30 June 2017", "between
/// 1 November 2016 and 31 January 2017", "in March 2017" for a whole calendar month,
/// "on 5 March 2017" for one day.
pub fn period(from: Date, to: Date) -> String {
    if from == to {
        return format!("on {}", date(from));
    }
    if is_whole_month(from, to) {
        return format!("in {} {}", from.month(), from.year());
    }
    if from.year() == to.year() {
        return format!("between {} {} and {}", from.day(), from.month(), date(to));
    }
    format!("between {} and {}", date(from), date(to))
}

/// A period as a heading writes it: "1 January to 30 June 2017", "1 November 2016 to
/// 31 January 2017", "March 2017" for a whole calendar month, "5 March 2017" for a day.
pub fn date_range(from: Date, to: Date) -> String {
    if from == to {
        return date(from);
    }
    if is_whole_month(from, to) {
        return format!("{} {}", from.month(), from.year());
    }
    if from.year() == to.year() {
        return format!("{} {} to {}", from.day(), from.month(), date(to));
    }
    format!("{} to {}", date(from), date(to))
}

/// Reads a `YYYY-MM` month label.
pub fn parse_month(label: &str) -> Option<(i32, Month)> {
    let (year, month) = label.trim().split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    Some((year, Month::try_from(month).ok()?))
}

/// A `YYYY-MM` month label in words: "2017-03" → "March 2017" (unchanged when it is
/// not such a label).
pub fn month(label: &str) -> String {
    parse_month(label).map_or_else(|| label.to_owned(), |(y, m)| format!("{m} {y}"))
}

/// The first three letters of a month's name, for chart axes: "Mar".
pub fn month_short(month: Month) -> String {
    month.to_string().chars().take(3).collect()
}

/// A probability as odds in words: 0.0002 → "1 in 5,000"; below one in a million,
/// "less than 1 in a million".
pub fn chance(p_value: f64) -> String {
    if p_value.is_nan() || p_value >= 1.0 {
        return "1 in 1".to_owned();
    }
    if p_value <= 0.000_001 {
        return "less than 1 in a million".to_owned();
    }
    format!("1 in {}", count((1.0 / p_value).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(4_726), "4,726");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn reports_are_singular_plural_or_none() {
        assert_eq!(reports(0), "no reports");
        assert_eq!(reports(1), "1 report");
        assert_eq!(reports(2), "2 reports");
        assert_eq!(reports(4_726), "4,726 reports");
    }

    #[test]
    fn money_under_a_thousand_is_whole_pounds() {
        assert_eq!(money(0), "£0");
        assert_eq!(money(49), "£0");
        assert_eq!(money(50), "£1");
        assert_eq!(money(95_000), "£950");
        assert_eq!(money(99_949), "£999");
    }

    #[test]
    fn money_from_a_thousand_is_nearest_thousand() {
        assert_eq!(money(99_950), "£1k"); // £999.50 rounds to £1,000
        assert_eq!(money(100_000), "£1k");
        assert_eq!(money(149_999), "£1k");
        assert_eq!(money(150_000), "£2k"); // £1,500 half up
        assert_eq!(money(11_000_000), "£110k");
        assert_eq!(money(99_949_999), "£999k"); // £999,499.99
    }

    #[test]
    fn money_from_999_500_is_millions_to_one_decimal() {
        assert_eq!(money(99_950_000), "£1.0 million"); // £999,500
        assert_eq!(money(354_999_999), "£3.5 million"); // £3,549,999.99
        assert_eq!(money(355_000_000), "£3.6 million"); // £3,550,000 half up
        assert_eq!(money(360_012_345), "£3.6 million");
        assert_eq!(money(123_456_000_000), "£1,234.6 million");
    }

    #[test]
    fn negative_money_has_a_minus_sign() {
        assert_eq!(money(-95_000), "−£950");
        assert_eq!(money_table(-95_050), "−£951");
        assert_eq!(money(i64::MIN).chars().next(), Some('−'));
    }

    #[test]
    fn money_in_tables_is_whole_pounds() {
        assert_eq!(money_table(0), "£0");
        assert_eq!(money_table(49), "£0");
        assert_eq!(money_table(50), "£1");
        assert_eq!(money_table(360_012_345), "£3,600,123");
        assert_eq!(money_table(360_012_350), "£3,600,124");
        assert_eq!(money_table(11_000_000), "£110,000");
    }

    #[test]
    fn shares_are_whole_percent_half_up() {
        assert_eq!(share(2_788, 4_726).as_deref(), Some("59%"));
        assert_eq!(share(585, 1_000).as_deref(), Some("59%")); // 58.5% → 59%
        assert_eq!(share(584, 1_000).as_deref(), Some("58%"));
        assert_eq!(share(0, 10).as_deref(), Some("0%"));
        assert_eq!(share(10, 10).as_deref(), Some("100%"));
        assert_eq!(share(1, 0), None);
    }

    #[test]
    fn tiny_and_nearly_whole_shares_are_not_rounded_away() {
        assert_eq!(share(4, 1_000).as_deref(), Some("less than 1%")); // 0.4%
        assert_eq!(share(5, 1_000).as_deref(), Some("1%")); // 0.5% → 1%
        assert_eq!(share(995, 1_000).as_deref(), Some("more than 99%")); // 99.5%
        assert_eq!(share(994, 1_000).as_deref(), Some("99%"));
    }

    #[test]
    fn rates_are_per_100k_to_one_decimal() {
        assert_eq!(rate_per_100k(367, Some(367_500)), "99.9"); // 99.863…
        assert_eq!(rate_per_100k(1, Some(200_000)), "0.5");
        assert_eq!(rate_per_100k(1, Some(2_000_000)), "0.1"); // 0.05 half up
        assert_eq!(rate_per_100k(1, Some(2_000_001)), "0.0");
        assert_eq!(rate_per_100k(5_000, Some(100_000)), "5,000.0");
        assert_eq!(rate_per_100k(5, None), "–");
        assert_eq!(rate_per_100k(5, Some(0)), "–");
        assert_eq!(rate_tenths(1_234, Some(100_000)), Some(12_340));
    }

    #[test]
    fn one_decimal_rounds_half_up() {
        assert_eq!(one_decimal(12.25), "12.3");
        assert_eq!(one_decimal(12.24), "12.2");
        assert_eq!(one_decimal(0.5), "0.5");
        assert_eq!(one_decimal(f64::NAN), "–");
    }

    #[test]
    fn changes_round_half_away_from_zero() {
        assert_eq!(change(4_726, 4_220), Change::More(12));
        assert_eq!(change(95, 100), Change::Fewer(5));
        assert_eq!(change(1_005, 1_000), Change::More(1)); // +0.5%
        assert_eq!(change(1_004, 1_000), Change::AboutTheSame); // +0.4%
        assert_eq!(change(995, 1_000), Change::Fewer(1)); // −0.5%
        assert_eq!(change(996, 1_000), Change::AboutTheSame);
        assert_eq!(change(7, 0), Change::NoEarlierData);
        assert_eq!(change(0, 7), Change::Fewer(100));
    }

    #[test]
    fn changes_in_tables_are_signed() {
        assert_eq!(change_signed(4_726, 4_220), "+12%");
        assert_eq!(change_signed(95, 100), "−5%");
        assert_eq!(change_signed(100, 100), "0%");
        assert_eq!(change_signed(1_004, 1_000), "0%");
        assert_eq!(change_signed(100, 1), "+9,900%");
        assert_eq!(change_signed(3, 0), "no earlier data");
    }

    #[test]
    fn changes_in_sentences_are_words() {
        assert_eq!(change_words(4_726, 4_220), "12% more");
        assert_eq!(change_words(95, 100), "5% fewer");
        assert_eq!(change_words(1_000, 1_000), "about the same (within 1%)");
        assert_eq!(change_words(3, 0), "no earlier data");
    }

    #[test]
    fn comparisons_with_a_year_earlier() {
        assert_eq!(
            compared_with_year_earlier(23, 25).as_deref(),
            Some("8% fewer than in the same period a year earlier (25)")
        );
        assert_eq!(
            compared_with_year_earlier(0, 3).as_deref(),
            Some("against 3 in the same period a year earlier")
        );
        assert_eq!(compared_with_year_earlier(3, 0), None);
    }

    #[test]
    fn tenths_have_one_decimal_and_separators() {
        assert_eq!(tenths(0), "0.0");
        assert_eq!(tenths(5), "0.5");
        assert_eq!(tenths(12_345), "1,234.5");
    }

    #[test]
    fn year_on_year_sentences() {
        assert_eq!(
            year_on_year(4_726, 4_220).as_deref(),
            Some("This is 12% more than in the same period a year earlier (4,220).")
        );
        assert_eq!(
            year_on_year(95, 100).as_deref(),
            Some("This is 5% fewer than in the same period a year earlier (100).")
        );
        assert_eq!(
            year_on_year(1_003, 1_000).as_deref(),
            Some(
                "This is about the same (within 1%) as in the same period a year earlier (1,000)."
            )
        );
        assert_eq!(year_on_year(146, 0), None);
        assert_eq!(year_on_year(0, 0), None);
        assert_eq!(
            year_on_year(0, 12).as_deref(),
            Some("There were 12 in the same period a year earlier.")
        );
        assert_eq!(
            year_on_year(0, 1).as_deref(),
            Some("There was 1 in the same period a year earlier.")
        );
    }

    #[test]
    fn dates_have_no_leading_zero_and_full_month() {
        assert_eq!(date(date!(2017 - 01 - 01)), "1 January 2017");
        assert_eq!(date(date!(2017 - 09 - 30)), "30 September 2017");
        assert_eq!(parse_date("2017-06-30"), Some(date!(2017 - 06 - 30)));
        assert_eq!(parse_date("30/06/2017"), None);
    }

    #[test]
    fn periods_in_sentences() {
        assert_eq!(
            period(date!(2017 - 01 - 01), date!(2017 - 06 - 30)),
            "between 1 January and 30 June 2017"
        );
        assert_eq!(
            period(date!(2016 - 11 - 01), date!(2017 - 01 - 31)),
            "between 1 November 2016 and 31 January 2017"
        );
        assert_eq!(
            period(date!(2017 - 03 - 01), date!(2017 - 03 - 31)),
            "in March 2017"
        );
        assert_eq!(
            period(date!(2016 - 02 - 01), date!(2016 - 02 - 29)),
            "in February 2016"
        );
        assert_eq!(
            period(date!(2017 - 03 - 01), date!(2017 - 03 - 30)),
            "between 1 March and 30 March 2017"
        );
        assert_eq!(
            period(date!(2017 - 03 - 05), date!(2017 - 03 - 05)),
            "on 5 March 2017"
        );
    }

    #[test]
    fn periods_in_headings() {
        assert_eq!(
            date_range(date!(2017 - 01 - 01), date!(2017 - 06 - 30)),
            "1 January to 30 June 2017"
        );
        assert_eq!(
            date_range(date!(2016 - 11 - 01), date!(2017 - 01 - 31)),
            "1 November 2016 to 31 January 2017"
        );
        assert_eq!(
            date_range(date!(2017 - 03 - 01), date!(2017 - 03 - 31)),
            "March 2017"
        );
        assert_eq!(
            date_range(date!(2017 - 03 - 05), date!(2017 - 03 - 05)),
            "5 March 2017"
        );
    }

    #[test]
    fn months_in_words() {
        assert_eq!(month("2017-03"), "March 2017");
        assert_eq!(month("2016-12"), "December 2016");
        assert_eq!(month("not a month"), "not a month");
        assert_eq!(month_short(Month::September), "Sep");
        assert_eq!(parse_month("2017-13"), None);
    }

    #[test]
    fn chances_in_words() {
        assert_eq!(chance(0.0002), "1 in 5,000");
        assert_eq!(chance(0.000_999), "1 in 1,001");
        assert_eq!(chance(1e-9), "less than 1 in a million");
        assert_eq!(chance(0.0), "less than 1 in a million");
    }
}
