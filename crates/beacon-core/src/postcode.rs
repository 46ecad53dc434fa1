//! UK postcodes, full or sector, in one canonical spelling.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A postcode as given on a report: a full unit (`LE1 5WW`) or a sector (`LE1 5`).
///
/// Held in canonical form: upper case, one space between outward and inward parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Postcode {
    /// A full postcode such as `LE1 5WW`.
    Full(String),
    /// A postcode sector such as `LE1 5`.
    Sector(String),
}

/// Why a postcode was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a UK postcode or postcode sector (such as LE1 5WW or LE1 5)")]
pub struct PostcodeError(pub String);

/// Longest refused text echoed back in full, in characters; a longer value is cut so a
/// quarantine reason stays readable.
const MAX_SHOWN_CHARS: usize = 40;

/// The refused text as an error shows it: whole when short, else cut with an ellipsis.
fn shown(text: &str) -> String {
    let mut characters = text.chars();
    let mut shown: String = characters.by_ref().take(MAX_SHOWN_CHARS).collect();
    if characters.next().is_some() {
        shown.push('…');
    }
    shown
}

fn valid_outward(outward: &str) -> bool {
    let bytes = outward.as_bytes();
    (2..=4).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().any(u8::is_ascii_digit)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

impl Postcode {
    /// Reads a full postcode (spaces optional) or a sector (with its space).
    ///
    /// Every UK postcode is ASCII, so text holding any other character (a bullet pasted
    /// from a document, a full-width digit) is refused before the outward and inward
    /// parts are split by position.
    pub fn parse(raw: &str) -> Result<Postcode, PostcodeError> {
        let trimmed = raw.trim();
        let refuse = || PostcodeError(shown(trimmed));
        if !trimmed.is_ascii() {
            return Err(refuse());
        }
        let upper = trimmed.to_ascii_uppercase();
        let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some((outward, inward)) = compact
            .len()
            .checked_sub(3)
            .filter(|_| compact.len() >= 5)
            .and_then(|at| compact.split_at_checked(at))
            && valid_outward(outward)
            && let [digit, first, second] = inward.as_bytes()
            && digit.is_ascii_digit()
            && first.is_ascii_alphabetic()
            && second.is_ascii_alphabetic()
        {
            return Ok(Postcode::Full(format!("{outward} {inward}")));
        }
        let mut parts = upper.split_whitespace();
        if let (Some(outward), Some(sector), None) = (parts.next(), parts.next(), parts.next())
            && valid_outward(outward)
            && let [digit] = sector.as_bytes()
            && digit.is_ascii_digit()
        {
            return Ok(Postcode::Sector(format!("{outward} {sector}")));
        }
        Err(refuse())
    }

    /// The sector this postcode lies in (`LE1 5WW` → `LE1 5`).
    pub fn sector(&self) -> String {
        match self {
            Postcode::Full(full) => {
                // The unit is the last two characters; popping characters (not cutting
                // at a byte offset) keeps this safe for any text a `Postcode` may hold.
                let mut sector = full.clone();
                sector.pop();
                sector.pop();
                sector
            }
            Postcode::Sector(sector) => sector.clone(),
        }
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        match self {
            Postcode::Full(text) | Postcode::Sector(text) => text,
        }
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_full_postcodes_with_or_without_space() {
        assert_eq!(
            Postcode::parse("le1 5ww"),
            Ok(Postcode::Full("LE1 5WW".into()))
        );
        assert_eq!(
            Postcode::parse("LE115WW"),
            Ok(Postcode::Full("LE11 5WW".into()))
        );
        assert_eq!(
            Postcode::parse("CV10 0RY"),
            Ok(Postcode::Full("CV10 0RY".into()))
        );
    }

    #[test]
    fn reads_sectors_with_their_space() {
        assert_eq!(
            Postcode::parse("LE1 5"),
            Ok(Postcode::Sector("LE1 5".into()))
        );
        assert_eq!(
            Postcode::parse("LE11 5WW").map(|p| p.sector()),
            Ok("LE11 5".to_owned())
        );
    }

    #[test]
    fn refuses_non_ascii_text_without_panicking() {
        // Found by the `report_rows` fuzz target: a byte-index split landed inside '•'.
        for bad in [
            "LE1 1A•X",
            "LE11A•X",
            "LE1 1•AX",
            "•LE1 1AX",
            "LE1 ５AX",
            "ÉE1 1AX",
            "LE1 1AÉ",
            "LE1 •",
            "£E1 5",
            "ＬＥ１ ５ＷＷ",
        ] {
            let refused = Postcode::parse(bad).expect_err("not a postcode");
            assert!(refused.to_string().contains(bad.trim()), "{refused}");
        }
    }

    #[test]
    fn sectors_of_parsed_postcodes_are_their_first_part() {
        let full = Postcode::parse("LE1 5WW").expect("a postcode");
        assert_eq!(full.sector(), "LE1 5");
        assert_eq!(Postcode::Full("É1".into()).sector(), "");
    }

    proptest::proptest! {
        /// Whatever the text, parsing ends in a postcode or a refusal, and a postcode's
        /// canonical text is ASCII and reads back as itself.
        #[test]
        fn any_text_is_a_postcode_or_a_refusal(text in "([A-Za-z0-9 ]|\\PC){0,10}") {
            if let Ok(postcode) = Postcode::parse(&text) {
                proptest::prop_assert!(postcode.as_str().is_ascii());
                proptest::prop_assert_eq!(Postcode::parse(postcode.as_str()), Ok(postcode.clone()));
                let sector = postcode.sector();
                proptest::prop_assert!(postcode.as_str().starts_with(&sector));
            }
        }
    }

    #[test]
    fn long_refused_text_is_cut_in_the_reason() {
        let long = "é".repeat(5_000);
        let reason = Postcode::parse(&long)
            .expect_err("not a postcode")
            .to_string();
        assert!(reason.chars().count() < 120, "{reason}");
        assert!(reason.contains(&format!("{}…", "é".repeat(40))), "{reason}");
    }

    #[test]
    fn refuses_other_text() {
        for bad in ["", "hello", "12345", "LE1", "LE1 55", "L 5WW"] {
            assert!(Postcode::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
