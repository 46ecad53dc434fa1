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

fn valid_outward(outward: &str) -> bool {
    let bytes = outward.as_bytes();
    (2..=4).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().any(u8::is_ascii_digit)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

impl Postcode {
    /// Reads a full postcode (spaces optional) or a sector (with its space).
    pub fn parse(raw: &str) -> Result<Postcode, PostcodeError> {
        let upper = raw.trim().to_ascii_uppercase();
        let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
        let refuse = || PostcodeError(raw.trim().to_owned());
        if compact.len() >= 5 {
            let (outward, inward) = compact.split_at(compact.len() - 3);
            let inward_bytes = inward.as_bytes();
            if valid_outward(outward)
                && inward_bytes[0].is_ascii_digit()
                && inward_bytes[1].is_ascii_alphabetic()
                && inward_bytes[2].is_ascii_alphabetic()
            {
                return Ok(Postcode::Full(format!("{outward} {inward}")));
            }
        }
        let mut parts = upper.split_whitespace();
        if let (Some(outward), Some(sector), None) = (parts.next(), parts.next(), parts.next())
            && valid_outward(outward)
            && sector.len() == 1
            && sector.as_bytes()[0].is_ascii_digit()
        {
            return Ok(Postcode::Sector(format!("{outward} {sector}")));
        }
        Err(refuse())
    }

    /// The sector this postcode lies in (`LE1 5WW` → `LE1 5`).
    pub fn sector(&self) -> String {
        match self {
            Postcode::Full(full) => full[..full.len() - 2].to_owned(),
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
    fn refuses_other_text() {
        for bad in ["", "hello", "12345", "LE1", "LE1 55", "L 5WW"] {
            assert!(Postcode::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
