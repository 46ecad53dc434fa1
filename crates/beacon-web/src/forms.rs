//! Small helpers for query strings and form fields.

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
        Some(text) => beacon_report::wording::parse_date(&text)
            .map(Some)
            .ok_or_else(|| format!("{label} must be a real date, like 2017-03-31")),
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
