//! Small helpers for query strings and form fields, and the checks every filter goes
//! through. The pages show a failed check as a GOV.UK error summary on the same form;
//! the JSON API answers the same messages as JSON, so both say the same thing.

use time::Date;

/// Percent-encodes text for a query string value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A posted form's fields as the browser sent them, in order, a name possibly repeated
/// (ticked checkboxes send one field each).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a [(String, String)]);

impl Fields<'_> {
    /// The first field called `name`, trimmed; empty when there is none.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// Every field called `name`, trimmed, leaving out empty ones.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
            .collect()
    }
}

/// A form field that may be left empty: empty means "not given".
pub fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Parses a date field (`YYYY-MM-DD` or `DD/MM/YYYY`), naming the field in the error.
///
/// # Errors
/// A message for the error summary.
pub fn date_field(value: &Option<String>, label: &str) -> Result<Option<Date>, String> {
    match given(value) {
        None => Ok(None),
        Some(text) => match beacon_report::wording::parse_date(&text) {
            Some(date) if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) => Ok(Some(date)),
            Some(_) => Err(format!(
                "{label} must have a year between {MIN_YEAR} and {MAX_YEAR}"
            )),
            None => Err(format!("{label} must be a real date, like 2017-03-31")),
        },
    }
}

/// The earliest year a period may start in.
pub const MIN_YEAR: i32 = 1900;
/// The latest year a period may end in.
pub const MAX_YEAR: i32 = 2100;

/// One thing wrong with a form, tied to the field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The id of the field the error summary links to (e.g. `from-day`).
    pub field: String,
    /// What to fix, in plain words.
    pub message: String,
}

impl Problem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The problems as one message (the JSON API and plain error pages).
pub fn problems_message(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A date as the period form entered it: either one `YYYY-MM-DD` value (links, the API)
/// or GOV.UK's separate day, month and year fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateEntry {
    /// Day as typed.
    pub day: String,
    /// Month as typed.
    pub month: String,
    /// Year as typed.
    pub year: String,
    /// The field is wrong (shown with GOV.UK's error styling).
    pub error: Option<String>,
}

impl DateEntry {
    /// What the user sent: the whole date in `whole`, or its parts.
    pub fn from_query(
        whole: &Option<String>,
        day: &Option<String>,
        month: &Option<String>,
        year: &Option<String>,
    ) -> DateEntry {
        if let Some(text) = given(whole) {
            if let Some(date) = beacon_report::wording::parse_date(&text) {
                return DateEntry::of(date);
            }
            // Keep what was sent, in the parts it can be split into.
            let mut parts = text.rsplitn(3, '-');
            let day = parts.next().unwrap_or_default().to_owned();
            let month = parts.next().unwrap_or_default().to_owned();
            let year = parts.next().unwrap_or_default().to_owned();
            return DateEntry {
                day,
                month,
                year,
                error: None,
            };
        }
        DateEntry {
            day: given(day).unwrap_or_default(),
            month: given(month).unwrap_or_default(),
            year: given(year).unwrap_or_default(),
            error: None,
        }
    }

    /// A date's fields.
    pub fn of(date: Date) -> DateEntry {
        DateEntry {
            day: date.day().to_string(),
            month: u8::from(date.month()).to_string(),
            year: date.year().to_string(),
            error: None,
        }
    }

    /// The three fields for a template: name suffix, label, value and GOV.UK width.
    pub fn parts(&self) -> [(&'static str, &'static str, &str, &'static str); 3] {
        [
            ("day", "Day", &self.day, "2"),
            ("month", "Month", &self.month, "2"),
            ("year", "Year", &self.year, "4"),
        ]
    }

    /// Nothing entered.
    pub fn is_empty(&self) -> bool {
        self.day.is_empty() && self.month.is_empty() && self.year.is_empty()
    }

    /// The date entered: `Ok(None)` when nothing was, else a real date with a year in
    /// [`MIN_YEAR`]`..=`[`MAX_YEAR`].
    ///
    /// # Errors
    /// A message for the error summary naming `label` ("The start date").
    pub fn date(&self, label: &str) -> Result<Option<Date>, String> {
        if self.is_empty() {
            return Ok(None);
        }
        let missing: Vec<&str> = [
            ("a day", &self.day),
            ("a month", &self.month),
            ("a year", &self.year),
        ]
        .into_iter()
        .filter(|(_, value)| value.is_empty())
        .map(|(name, _)| name)
        .collect();
        if !missing.is_empty() {
            return Err(format!("{label} must include {}", missing.join(" and ")));
        }
        let number = |text: &str| text.trim().parse::<i64>().ok();
        let (Some(day), Some(month), Some(year)) =
            (number(&self.day), number(&self.month), number(&self.year))
        else {
            return Err(format!(
                "{label} must be a real date, with numbers for the day, month and year"
            ));
        };
        if !(i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&year) {
            return Err(format!(
                "{label} must have a year between {MIN_YEAR} and {MAX_YEAR}"
            ));
        }
        let date = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .zip(u8::try_from(day).ok())
            .and_then(|(month, day)| {
                Date::from_calendar_date(i32::try_from(year).ok()?, month, day).ok()
            });
        date.map(Some)
            .ok_or_else(|| format!("{label} must be a real date, like 31 3 2017"))
    }
}

/// A period as a form or query gave it, checked: a preset, or both custom dates in
/// order, every year in range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodRequest {
    /// A preset's key.
    pub preset: Option<String>,
    /// Custom first day.
    pub from: Option<Date>,
    /// Custom last day.
    pub to: Option<Date>,
}

/// Checks a period: each date real and in [`MIN_YEAR`]`..=`[`MAX_YEAR`], both or neither
/// given, the start not after the end, and the preset one of `presets`. The entries come
/// back marked with their errors, so the form can show them beside the fields.
///
/// # Errors
/// The problems, each tied to its field (`from-day`, `to-day`, `period`).
pub fn check_period(
    preset: &Option<String>,
    from: &mut DateEntry,
    to: &mut DateEntry,
    presets: &[&str],
) -> Result<PeriodRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut check = |entry: &mut DateEntry, label: &str, field: &str| match entry.date(label) {
        Ok(date) => date,
        Err(message) => {
            entry.error = Some(message.clone());
            problems.push(Problem::new(field, message));
            None
        }
    };
    let from_date = check(from, "The start date", "from-day");
    let to_date = check(to, "The end date", "to-day");
    let preset = given(preset);
    if let Some(key) = &preset
        && !presets.contains(&key.as_str())
    {
        problems.push(Problem::new(
            "period",
            format!(
                "Choose a period from the list ('{}' is not one)",
                truncate(key, 40)
            ),
        ));
    }
    if problems.is_empty() {
        match (from_date, to_date) {
            (Some(start), Some(end)) if start > end => {
                let message = "The start date must be on or before the end date".to_owned();
                from.error = Some(message.clone());
                problems.push(Problem::new("from-day", message));
            }
            (Some(_), None) => {
                let message = "Enter an end date as well, or clear the start date".to_owned();
                to.error = Some(message.clone());
                problems.push(Problem::new("to-day", message));
            }
            (None, Some(_)) => {
                let message = "Enter a start date as well, or clear the end date".to_owned();
                from.error = Some(message.clone());
                problems.push(Problem::new("from-day", message));
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(PeriodRequest {
            preset,
            from: from_date,
            to: to_date,
        })
    } else {
        Err(problems)
    }
}

/// At most `limit` characters of text a user sent, for echoing it back.
pub fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Checks a filter's value against the allowed ones: `Ok(None)` when not given.
///
/// # Errors
/// A problem on `field` naming what was sent and what `label` the filter has.
pub fn check_choice<'a>(
    value: &Option<String>,
    allowed: impl IntoIterator<Item = &'a str>,
    field: &str,
    label: &str,
) -> Result<Option<String>, Problem> {
    let Some(value) = given(value) else {
        return Ok(None);
    };
    if allowed.into_iter().any(|a| a == value) {
        Ok(Some(value))
    } else {
        Err(Problem::new(
            field,
            format!(
                "Choose a {label} from the list ('{}' is not one)",
                truncate(&value, 40)
            ),
        ))
    }
}

/// Checks a page number: a whole number from 1; `Ok(1)` when not given.
///
/// # Errors
/// A problem on `field`.
pub fn check_page(value: &Option<String>, field: &str) -> Result<u64, Problem> {
    match given(value) {
        None => Ok(1),
        Some(text) => text.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            Problem::new(
                field,
                format!(
                    "The page must be a whole number from 1 ('{}' is not)",
                    truncate(&text, 20)
                ),
            )
        }),
    }
}

/// Only a local path may be a place to go back to after signing in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/dashboard?from=2017-01-01")),
            "/dashboard?from=2017-01-01"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(url_encode("/explore?x=a b&c"), "/explore%3Fx%3Da%20b%26c");
    }
}
