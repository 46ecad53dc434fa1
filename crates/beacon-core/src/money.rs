//! Money as integer pence, so sums are exact and never drift.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in pence. Never negative when it comes from a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pence(pub i64);

/// Why a money value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The value had a minus sign or was in brackets.
    #[error("a loss cannot be negative (got '{0}')")]
    Negative(String),
    /// The value was not a number of pounds.
    #[error("'{0}' is not an amount of money in pounds, such as 1234.50 or £1,234.50")]
    NotANumber(String),
    /// More than two decimal places.
    #[error("'{0}' has more than two decimal places; give pounds and pence")]
    TooPrecise(String),
    /// Too large to be a plausible loss.
    #[error("'{0}' is too large to be a loss (more than £1 trillion)")]
    TooLarge(String),
}

/// The largest loss Beacon accepts: £1 trillion. Anything larger is a data error.
const MAX_PENCE: i64 = 100_000_000_000_000;

impl Pence {
    /// Reads pounds as people write them: `1234.5`, `£1,234.50`, `GBP 12`, ` 12 `.
    ///
    /// Returns `Ok(None)` for an empty value: an unknown loss is not a zero loss.
    pub fn parse_pounds(raw: &str) -> Result<Option<Pence>, MoneyError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let mut text = trimmed;
        if text.starts_with('-') || (text.starts_with('(') && text.ends_with(')')) {
            return Err(MoneyError::Negative(trimmed.to_owned()));
        }
        for prefix in ["GBP", "gbp", "£"] {
            if let Some(rest) = text.strip_prefix(prefix) {
                text = rest.trim_start();
            }
        }
        if text.starts_with('-') {
            return Err(MoneyError::Negative(trimmed.to_owned()));
        }
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits: String = whole.chars().filter(|c| *c != ',').collect();
        let commas_ok = whole.is_empty() || !whole.contains(',') || commas_group_thousands(whole);
        if (digits.is_empty() && fraction.is_empty())
            || !commas_ok
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::NotANumber(trimmed.to_owned()));
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooPrecise(trimmed.to_owned()));
        }
        if digits.len() > 13 {
            return Err(MoneyError::TooLarge(trimmed.to_owned()));
        }
        let pounds: i64 = if digits.is_empty() {
            0
        } else {
            digits
                .parse()
                .map_err(|_| MoneyError::NotANumber(trimmed.to_owned()))?
        };
        let pence_part: i64 = match fraction.len() {
            0 => 0,
            1 => i64::from(fraction.as_bytes()[0] - b'0') * 10,
            _ => fraction
                .parse()
                .map_err(|_| MoneyError::NotANumber(trimmed.to_owned()))?,
        };
        let total = pounds * 100 + pence_part;
        if total > MAX_PENCE {
            return Err(MoneyError::TooLarge(trimmed.to_owned()));
        }
        Ok(Some(Pence(total)))
    }

    /// The amount in whole pounds as a float, for charts and rates only.
    pub fn as_pounds_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// True when every comma separates a group of exactly three digits.
fn commas_group_thousands(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3)
}

impl fmt::Display for Pence {
    /// Exact pounds and pence with thousands separators, e.g. `£1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}£{}.{:02}", group_thousands(abs / 100), abs % 100)
    }
}

/// Writes a whole number with commas between thousands: `4726` → `4,726`.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Option<Pence>, MoneyError> {
        Pence::parse_pounds(raw)
    }

    #[test]
    fn reads_pounds_as_people_write_them() {
        assert_eq!(parse("1234.5"), Ok(Some(Pence(123_450))));
        assert_eq!(parse("£1,234.50"), Ok(Some(Pence(123_450))));
        assert_eq!(parse(" 12 "), Ok(Some(Pence(1_200))));
        assert_eq!(parse("GBP 0.07"), Ok(Some(Pence(7))));
        assert_eq!(parse(".5"), Ok(Some(Pence(50))));
        assert_eq!(parse("0"), Ok(Some(Pence(0))));
    }

    #[test]
    fn empty_is_unknown_not_zero() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("   "), Ok(None));
    }

    #[test]
    fn refuses_negative_and_non_numeric() {
        assert!(matches!(parse("-5"), Err(MoneyError::Negative(_))));
        assert!(matches!(parse("£-5"), Err(MoneyError::Negative(_))));
        assert!(matches!(parse("(5.00)"), Err(MoneyError::Negative(_))));
        assert!(matches!(parse("lots"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(parse("1,23"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(parse("£"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(parse("1.234"), Err(MoneyError::TooPrecise(_))));
        assert!(matches!(
            parse("99999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn displays_exact_pounds() {
        assert_eq!(Pence(360_012_345).to_string(), "£3,600,123.45");
        assert_eq!(Pence(5).to_string(), "£0.05");
        assert_eq!(group_thousands(4726), "4,726");
        assert_eq!(group_thousands(100), "100");
    }

    proptest::proptest! {
        #[test]
        fn display_then_parse_is_identity(pence in 0i64..MAX_PENCE) {
            let shown = Pence(pence).to_string();
            proptest::prop_assert_eq!(parse(&shown), Ok(Some(Pence(pence))));
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".*") {
            let _ = parse(&text);
        }
    }
}
