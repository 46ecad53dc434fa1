//! Small text helpers the advisory formats share: HTML to plain words, CVE ids mentioned
//! in prose, titles cut short, and the time stamps advisories write.

use beacon_core::advisory::parse_cve;
use html2text::render::TrivialDecorator;
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Plain text of an HTML fragment: tags dropped, entities decoded, white space collapsed.
/// Text without markup passes through with its white space collapsed.
pub(crate) fn html_to_plain(html: &str) -> String {
    // Rendered wide so html2text never wraps lines; line breaks are collapsed anyway.
    let rendered = html2text::config::with_decorator(TrivialDecorator::new())
        .string_from_read(html.as_bytes(), 100_000)
        .unwrap_or_else(|_| html.to_owned());
    collapse_space(&rendered)
}

/// Runs of white space become one space; ends are trimmed.
pub(crate) fn collapse_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every CVE id mentioned in the text, normalised, in order of first mention.
pub(crate) fn find_cves(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CVE-") {
        let start = from + at;
        let mut end = start + 4;
        let mut dashes = 0;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit() || (bytes[end] == b'-' && dashes == 0))
        {
            if bytes[end] == b'-' {
                dashes += 1;
            }
            end += 1;
        }
        let preceded_by_word = start > 0 && bytes[start - 1].is_ascii_alphanumeric();
        if !preceded_by_word
            && let Some(cve) = parse_cve(&upper[start..end])
            && !found.contains(&cve)
        {
            found.push(cve);
        }
        from = start + 4;
    }
    found
}

/// The text cut to at most `limit` characters at a word boundary, with an ellipsis when
/// anything was cut.
pub(crate) fn cut_short(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    let at_word_end = text[cut.len()..].starts_with(' ');
    let cut = match cut.rfind(' ') {
        Some(space) if !at_word_end && space > 0 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}

/// A time stamp as advisories write it: RFC 3339, RFC 2822 (RSS), or an ISO date and
/// time without offset (NVD), which is read as UTC.
pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time);
    }
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc2822) {
        return Some(time);
    }
    let formats: [&[time::format_description::FormatItem<'_>]; 2] = [
        time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"
        ),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ];
    formats
        .iter()
        .find_map(|format| PrimitiveDateTime::parse(text, format).ok())
        .map(PrimitiveDateTime::assume_utc)
}

/// A calendar date written `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// A time in RFC 3339, for revisions.
pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_words() {
        assert_eq!(
            html_to_plain("<p>Patch <b>now</b> &amp; check&nbsp;logs.</p><ul><li>one</li></ul>"),
            "Patch now & check logs. one"
        );
        assert_eq!(html_to_plain("plain  text\n here"), "plain text here");
    }

    #[test]
    fn cves_are_found_once_in_order() {
        assert_eq!(
            find_cves(
                "Fixes cve-2024-3400 and CVE-2023-28771, again CVE-2024-3400; not XCVE-2020-1234 or CVE-20-1"
            ),
            ["CVE-2024-3400", "CVE-2023-28771"]
        );
    }

    #[test]
    fn titles_are_cut_at_words() {
        assert_eq!(cut_short("short", 10), "short");
        assert_eq!(cut_short("a remote attacker may run code", 16), "a remote…");
    }

    #[test]
    fn times_in_three_spellings() {
        let nvd = parse_time("2023-04-25T02:15:08.743").expect("nvd");
        assert_eq!(nvd.offset(), time::UtcOffset::UTC);
        assert!(parse_time("Tue, 10 Jun 2025 09:00:00 GMT").is_some());
        assert!(parse_time("2021-07-21T10:00:00.000Z").is_some());
        assert!(parse_time("yesterday").is_none());
        assert!(parse_date("2025-02-30").is_none());
    }
}
