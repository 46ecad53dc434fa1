//! The one set of display helpers every page uses: dates in the GOV.UK style
//! ("1 December 2026"), moments in UK local time ("1 December 2026 at 8:15pm",
//! Europe/London, so BST and GMT are both right), durations, words for stored codes
//! (`completed` → "Completed") and GOV.UK pagination.
//!
//! Templates call these by path, e.g. `{{ crate::format::words(run.status.as_str()) }}`.
//! **Invariant:** times are stored in UTC; only these helpers turn them into local time,
//! so every page agrees.

use std::sync::LazyLock;
use time::{Date, OffsetDateTime};

/// Europe/London from the time-zone database bundled into the binary (`jiff` with its
/// `tzdb-bundle-always` feature): `jiff` is well kept, and the bundle means the same
/// answers on any machine, with or without `/usr/share/zoneinfo` (containers often have
/// none). Should the lookup ever fail, times are shown in UTC and say so.
static LONDON: LazyLock<Option<jiff::tz::TimeZone>> =
    LazyLock::new(|| jiff::tz::db().get("Europe/London").ok());

/// A date as GOV.UK writes it: "1 December 2026" (no leading zero, full month).
pub fn date(day: Date) -> String {
    beacon_report::wording::date(day)
}

/// A stored `YYYY-MM-DD` date in words; text that is not such a date is shown as it is.
pub fn date_text(text: &str) -> String {
    beacon_report::wording::parse_date(text).map_or_else(|| text.to_owned(), date)
}

/// A time of day as GOV.UK writes it: "8am", "8:15pm", "midday", "midnight".
fn clock(hour: u8, minute: u8) -> String {
    match (hour, minute) {
        (0, 0) => "midnight".to_owned(),
        (12, 0) => "midday".to_owned(),
        _ => {
            let suffix = if hour < 12 { "am" } else { "pm" };
            let twelve = match hour % 12 {
                0 => 12,
                other => other,
            };
            if minute == 0 {
                format!("{twelve}{suffix}")
            } else {
                format!("{twelve}:{minute:02}{suffix}")
            }
        }
    }
}

/// The local (Europe/London) calendar date and clock of a moment, or `None` when the
/// time zone is unavailable.
fn london_parts(moment: OffsetDateTime) -> Option<(Date, u8, u8)> {
    let zone = LONDON.as_ref()?;
    let timestamp = jiff::Timestamp::new(
        moment.unix_timestamp(),
        i32::try_from(moment.nanosecond()).ok()?,
    )
    .ok()?;
    let local = timestamp.to_zoned(zone.clone());
    let month = time::Month::try_from(u8::try_from(local.month()).ok()?).ok()?;
    let day = Date::from_calendar_date(
        i32::from(local.year()),
        month,
        u8::try_from(local.day()).ok()?,
    )
    .ok()?;
    Some((
        day,
        u8::try_from(local.hour()).ok()?,
        u8::try_from(local.minute()).ok()?,
    ))
}

/// A moment in UK local time: "1 December 2026 at 8:15pm" (GMT in winter, BST in
/// summer). Falls back to UTC, marked as such, if the time zone is unavailable.
pub fn date_time(moment: OffsetDateTime) -> String {
    match london_parts(moment) {
        Some((day, hour, minute)) => format!("{} at {}", date(day), clock(hour, minute)),
        None => {
            let utc = moment.to_offset(time::UtcOffset::UTC);
            format!(
                "{} at {} UTC",
                date(utc.date()),
                clock(utc.hour(), utc.minute())
            )
        }
    }
}

/// The local date alone of a moment: "1 December 2026".
pub fn local_date(moment: OffsetDateTime) -> String {
    london_parts(moment).map_or_else(|| date(moment.date()), |(day, _, _)| date(day))
}

/// The UK (Europe/London) calendar day of a moment: what "today" means to someone
/// answering a question about a date (UTC's day if the time zone is unavailable).
pub fn uk_day(moment: OffsetDateTime) -> Date {
    london_parts(moment).map_or_else(|| moment.date(), |(day, _, _)| day)
}

/// Reads a stored RFC 3339 moment.
pub fn parse_moment(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// A stored RFC 3339 moment (`2026-12-01T20:15:50.621491Z`) in UK local time; text that
/// is not such a moment is shown as it is.
pub fn date_time_text(text: &str) -> String {
    parse_moment(text).map_or_else(|| text.to_owned(), date_time)
}

/// A stored RFC 3339 moment as an HTML `datetime` attribute (UTC, to the second), for
/// `<time>` elements; the text itself when it cannot be read.
pub fn machine_time(text: &str) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    parse_moment(text)
        .and_then(|moment| moment.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| text.to_owned())
}

fn unit(value: u64, singular: &str) -> String {
    if value == 1 {
        format!("1 {singular}")
    } else {
        format!("{} {singular}s", beacon_report::wording::count(value))
    }
}

/// A duration in words, to its two largest units: "less than a second", "45 seconds",
/// "2 minutes 5 seconds", "1 hour 3 minutes", "3 days 4 hours".
pub fn duration(elapsed: std::time::Duration) -> String {
    let seconds = elapsed.as_secs();
    if seconds == 0 {
        return "less than a second".to_owned();
    }
    let parts = [
        (seconds / 86_400, "day"),
        (seconds / 3_600 % 24, "hour"),
        (seconds / 60 % 60, "minute"),
        (seconds % 60, "second"),
    ];
    let first = parts.iter().position(|(value, _)| *value > 0).unwrap_or(3);
    parts[first..]
        .iter()
        .take(2)
        .filter(|(value, _)| *value > 0)
        .map(|(value, name)| unit(*value, name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The time between two stored RFC 3339 moments in words, if both can be read and the
/// second is not before the first.
pub fn duration_between(start: &str, end: &str) -> Option<String> {
    let elapsed = parse_moment(end)? - parse_moment(start)?;
    std::time::Duration::try_from(elapsed).ok().map(duration)
}

/// Words for a stored code, as pages show it: run statuses and kinds, victim types,
/// categories, roles, outbox statuses, address kinds. A code not listed here is shown
/// with underscores as spaces and a capital first letter (`given_up` → "Given up").
pub fn words(code: &str) -> String {
    let known = match code {
        "running" => "Loading",
        "completed" => "Completed",
        "failed" => "Failed",
        "interrupted" => "Interrupted",
        "reports" => "Reports",
        "feed" => "Threat feed",
        "individual" => "Individual",
        "organisation" => "Organisation",
        "fraud" => "Fraud",
        "cyber" => "Cyber crime",
        "coordinator" => "Coordinator",
        "analyst" => "Analyst",
        "vulnerability_officer" => "Vulnerability officer",
        "cyber_choices_officer" => "Cyber Choices officer",
        "partner_it_manager" => "Partner IT manager",
        "business_user" => "Business user",
        "pending" => "Waiting to be sent",
        "sending" => "Sending",
        "retrying" => "Waiting to retry",
        "sent" => "Sent",
        "given_up" => "Given up",
        "ip" => "IP address",
        "network" => "Network",
        "url" => "URL",
        "domain" => "Domain",
        "female" => "Female",
        "male" => "Male",
        "other" => "Other",
        "micro" => "Micro (fewer than 10 staff)",
        "small" => "Small (10 to 49 staff)",
        "medium" => "Medium (50 to 249 staff)",
        "large" => "Large (250 staff or more)",
        "" => return String::new(),
        _ => {
            let spaced = code.replace('_', " ");
            let mut letters = spaced.chars();
            return match letters.next() {
                Some(first) => first.to_uppercase().chain(letters).collect(),
                None => String::new(),
            };
        }
    };
    known.to_owned()
}

/// One entry in a GOV.UK pagination list: a page link, or an ellipsis standing for
/// pages left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageItem {
    /// Page number (0 for an ellipsis).
    pub number: u64,
    /// Its address (empty for an ellipsis).
    pub href: String,
    /// The page being shown.
    pub current: bool,
    /// An ellipsis, not a link.
    pub ellipsis: bool,
}

/// GOV.UK pagination for `templates/pagination.html`: Previous and Next links, and page
/// numbers with ellipses (first, last, and the pages either side of the current one),
/// so a list of any length has a short, usable navigation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pagination {
    /// What the navigation is of, for its `aria-label` ("Pages of reports").
    pub label: String,
    /// The previous page's address.
    pub previous: Option<String>,
    /// The next page's address.
    pub next: Option<String>,
    /// Page numbers and ellipses (empty when the number of pages is not known).
    pub items: Vec<PageItem>,
}

impl Pagination {
    /// How many pages `total` items make at `size` a page (at least one).
    pub fn page_count(total: u64, size: u64) -> u64 {
        total.div_ceil(size.max(1)).max(1)
    }

    /// Numbered pagination over `total` items, `size` a page, showing page `current`;
    /// `href(n)` is page n's address. Empty when everything fits on one page.
    pub fn numbered(
        label: impl Into<String>,
        total: u64,
        size: u64,
        current: u64,
        href: impl Fn(u64) -> String,
    ) -> Pagination {
        let count = Pagination::page_count(total, size);
        let current = current.clamp(1, count);
        if count <= 1 {
            return Pagination {
                label: label.into(),
                ..Pagination::default()
            };
        }
        let mut items = Vec::new();
        let mut last_shown = 0;
        for number in 1..=count {
            let shown = number == 1 || number == count || number.abs_diff(current) <= 1;
            if !shown {
                continue;
            }
            if number > last_shown + 1 {
                items.push(PageItem {
                    number: 0,
                    href: String::new(),
                    current: false,
                    ellipsis: true,
                });
            }
            items.push(PageItem {
                number,
                href: href(number),
                current: number == current,
                ellipsis: false,
            });
            last_shown = number;
        }
        Pagination {
            label: label.into(),
            previous: (current > 1).then(|| href(current - 1)),
            next: (current < count).then(|| href(current + 1)),
            items,
        }
    }

    /// Previous and Next only, for lists whose length is not counted (the audit log):
    /// `has_more` says whether a page follows `current`.
    pub fn open_ended(
        label: impl Into<String>,
        current: u64,
        has_more: bool,
        href: impl Fn(u64) -> String,
    ) -> Pagination {
        Pagination {
            label: label.into(),
            previous: (current > 1).then(|| href(current - 1)),
            next: has_more.then(|| href(current + 1)),
            items: Vec::new(),
        }
    }

    /// Nothing to show: one page only.
    pub fn is_empty(&self) -> bool {
        self.previous.is_none() && self.next.is_none() && self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_are_written_the_govuk_way() {
        assert_eq!(date(date!(2026 - 12 - 01)), "1 December 2026");
        assert_eq!(date_text("2017-03-31"), "31 March 2017");
        assert_eq!(date_text("not a date"), "not a date");
    }

    #[test]
    fn moments_are_in_uk_local_time_across_summer_time() {
        // Winter: GMT, the same as UTC.
        assert_eq!(
            date_time(datetime!(2026-12-01 20:15:50.621491 UTC)),
            "1 December 2026 at 8:15pm"
        );
        // Summer: BST, an hour ahead, which can move the date.
        assert_eq!(
            date_time(datetime!(2026-07-01 23:30 UTC)),
            "2 July 2026 at 12:30am"
        );
        // The clocks went forward at 1am UTC on 29 March 2026.
        assert_eq!(
            date_time(datetime!(2026-03-29 00:59 UTC)),
            "29 March 2026 at 12:59am"
        );
        assert_eq!(
            date_time(datetime!(2026-03-29 01:00 UTC)),
            "29 March 2026 at 2am"
        );
        // And back at 1am UTC on 25 October 2026.
        assert_eq!(
            date_time(datetime!(2026-10-25 00:30 UTC)),
            "25 October 2026 at 1:30am"
        );
        assert_eq!(
            date_time(datetime!(2026-10-25 01:30 UTC)),
            "25 October 2026 at 1:30am"
        );
        assert_eq!(
            date_time_text("2026-06-01T11:00:00Z"),
            "1 June 2026 at midday"
        );
        assert_eq!(
            date_time_text("2026-01-01T00:00:00+00:00"),
            "1 January 2026 at midnight"
        );
        assert_eq!(local_date(datetime!(2026-07-01 23:30 UTC)), "2 July 2026");
        assert_eq!(date_time_text("garbled"), "garbled");
        assert_eq!(
            machine_time("2026-12-01T20:15:50.621491Z"),
            "2026-12-01T20:15:50Z"
        );
    }

    #[test]
    fn durations_are_in_words() {
        use std::time::Duration;
        assert_eq!(duration(Duration::from_millis(300)), "less than a second");
        assert_eq!(duration(Duration::from_secs(1)), "1 second");
        assert_eq!(duration(Duration::from_secs(125)), "2 minutes 5 seconds");
        assert_eq!(duration(Duration::from_secs(3_780)), "1 hour 3 minutes");
        assert_eq!(duration(Duration::from_secs(7_200)), "2 hours");
        assert_eq!(duration(Duration::from_secs(273_600)), "3 days 4 hours");
        assert_eq!(
            duration_between("2026-12-01T20:15:00Z", "2026-12-01T20:16:30Z").as_deref(),
            Some("1 minute 30 seconds")
        );
        assert_eq!(
            duration_between("2026-12-01T20:15:00Z", "2026-12-01T20:14:00Z"),
            None
        );
    }

    #[test]
    fn codes_become_words() {
        assert_eq!(words("completed"), "Completed");
        assert_eq!(words("individual"), "Individual");
        assert_eq!(words("vulnerability_officer"), "Vulnerability officer");
        assert_eq!(words("given_up"), "Given up");
        assert_eq!(words("something_new"), "Something new");
        assert_eq!(words(""), "");
    }

    #[test]
    fn pagination_has_previous_next_and_ellipses() {
        let pages = Pagination::numbered("Pages", 250, 25, 5, |n| format!("?page={n}"));
        let shown: Vec<String> = pages
            .items
            .iter()
            .map(|item| {
                if item.ellipsis {
                    "…".to_owned()
                } else if item.current {
                    format!("[{}]", item.number)
                } else {
                    item.number.to_string()
                }
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "[5]", "6", "…", "10"]);
        assert_eq!(pages.previous.as_deref(), Some("?page=4"));
        assert_eq!(pages.next.as_deref(), Some("?page=6"));

        let first = Pagination::numbered("Pages", 60, 25, 1, |n| n.to_string());
        assert_eq!(first.previous, None);
        assert_eq!(first.next.as_deref(), Some("2"));
        assert_eq!(first.items.len(), 3);
        assert!(!first.items.iter().any(|item| item.ellipsis));

        assert!(Pagination::numbered("Pages", 25, 25, 1, |n| n.to_string()).is_empty());
        // A page past the end is shown as the last.
        let beyond = Pagination::numbered("Pages", 60, 25, 99, |n| n.to_string());
        assert_eq!(beyond.next, None);
        assert!(beyond.items.last().is_some_and(|item| item.current));

        let open = Pagination::open_ended("Pages", 2, true, |n| n.to_string());
        assert_eq!(
            (open.previous.as_deref(), open.next.as_deref()),
            (Some("1"), Some("3"))
        );
    }
}
