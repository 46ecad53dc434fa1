//! Stored text forms: times, dates, label lists, and the victim hash.

use crate::{StoreError, StoreResult};
use time::{Date, OffsetDateTime};

/// Now, as RFC 3339 UTC text (the stored form of times).
pub(crate) fn now_text() -> String {
    utc_text(OffsetDateTime::now_utc())
}

/// A moment as fixed-width RFC 3339 UTC text with microseconds, e.g.
/// `2026-11-29T03:04:05.123456Z`. The width never varies, so the text sorts in time order
/// (SQLite compares stored times as text); both backends return this shape.
pub(crate) fn utc_text(moment: OffsetDateTime) -> String {
    // Written by hand rather than with a format description: feed ingest formats a time
    // for every event, and this is several times faster.
    let utc = moment.to_offset(time::UtcOffset::UTC);
    let mut text = String::with_capacity(27);
    let mut digits = |value: u32, width: usize, after: char| {
        let mut buffer = [b'0'; 6];
        let mut rest = value;
        for slot in buffer[..width].iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        text.extend(buffer[..width].iter().map(|&b| char::from(b)));
        text.push(after);
    };
    digits(u32::try_from(utc.year()).unwrap_or(0), 4, '-');
    digits(u32::from(u8::from(utc.month())), 2, '-');
    digits(u32::from(utc.day()), 2, 'T');
    digits(u32::from(utc.hour()), 2, ':');
    digits(u32::from(utc.minute()), 2, ':');
    digits(u32::from(utc.second()), 2, '.');
    digits(utc.microsecond(), 6, 'Z');
    text
}

/// Reads a stored RFC 3339 time.
pub(crate) fn parse_utc_text(text: &str) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a stored time")))
}

/// A date as stored in text columns: `YYYY-MM-DD`.
pub(crate) fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Reads a stored `YYYY-MM-DD` quickly (the scan reads a million of them).
pub(crate) fn parse_stored_date(text: &str) -> StoreResult<Date> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let mut value = 0u32;
        for &b in bytes.get(range)? {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        Some(value)
    };
    let parsed = (|| {
        let year = i32::try_from(number(0..4)?).ok()?;
        let month = time::Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        Date::from_calendar_date(year, month, day).ok()
    })();
    parsed.ok_or_else(|| StoreError::Corrupt(format!("'{text}' is not a stored date")))
}

/// Joins labels as stored (`a;b`).
pub(crate) fn join_labels(labels: &[String]) -> String {
    labels.join(";")
}

/// A stable 64-bit hash (FNV-1a) of a victim key: analytics only compare them.
pub(crate) fn victim_hash(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_fixed_width_utc_text() {
        assert_eq!(
            utc_text(datetime!(2026-11-29 03:04:05.123456789 +01:00)),
            "2026-11-29T02:04:05.123456Z"
        );
        assert_eq!(
            utc_text(datetime!(0999-01-02 00:00 UTC)),
            "0999-01-02T00:00:00.000000Z"
        );
        let text = utc_text(datetime!(2026-01-01 23:59:59.5 UTC));
        assert_eq!(
            parse_utc_text(&text).ok(),
            Some(datetime!(2026-01-01 23:59:59.5 UTC))
        );
    }
}
