//! Districts (local authority districts by ONS code) and their populations.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ONS local authority district code such as `E06000016` (Leicester).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode(String);

/// Why a district code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not an ONS district code (a letter E, W, S or N and eight digits, such as E06000016)"
)]
pub struct DistrictCodeError(pub String);

impl FromStr for DistrictCode {
    type Err = DistrictCodeError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let code = raw.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let valid = bytes.len() == 9
            && matches!(bytes[0], b'E' | b'W' | b'S' | b'N')
            && bytes[1..].iter().all(u8::is_ascii_digit);
        if valid {
            Ok(DistrictCode(code))
        } else {
            Err(DistrictCodeError(raw.trim().to_owned()))
        }
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = DistrictCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<DistrictCode> for String {
    fn from(value: DistrictCode) -> Self {
        value.0
    }
}

impl DistrictCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A district of the area, with the census populations used for rates per 100,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// ONS code.
    pub code: DistrictCode,
    /// Name as ONS publishes it.
    pub name: String,
    /// Kind of authority, e.g. `unitary`.
    pub kind: String,
    /// Usual residents at Census 2011.
    pub population_2011: u32,
    /// Usual residents at Census 2021.
    pub population_2021: u32,
}

impl District {
    /// Residents in a given year, for rates per 100,000.
    ///
    /// Linear interpolation between the 2011 and 2021 censuses, held at the nearer
    /// census outside those years. Documented in `docs/report-schema.md`.
    pub fn population_in(&self, year: i32) -> u32 {
        let clamped = year.clamp(2011, 2021);
        let from = i64::from(self.population_2011);
        let to = i64::from(self.population_2021);
        let value = from + (to - from) * i64::from(clamped - 2011) / 10;
        u32::try_from(value).unwrap_or(self.population_2021)
    }
}

/// The districts of the area Beacon serves, and the area's name for report wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Districts {
    /// How the board paper names the area, e.g. "Leicester, Leicestershire and Rutland".
    pub area_name: String,
    /// The districts, in reference-file order.
    pub list: Vec<District>,
}

impl Districts {
    /// Finds a district by code.
    pub fn get(&self, code: &DistrictCode) -> Option<&District> {
        self.list.iter().find(|district| &district.code == code)
    }

    /// True when the code is one of the area's districts.
    pub fn contains(&self, code: &DistrictCode) -> bool {
        self.get(code).is_some()
    }

    /// The area's total residents in a given year.
    pub fn population_in(&self, year: i32) -> u64 {
        self.list
            .iter()
            .map(|district| u64::from(district.population_in(year)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ons_codes_in_any_case() {
        assert_eq!(
            "e06000016".parse::<DistrictCode>().map(|c| c.to_string()),
            Ok("E06000016".to_owned())
        );
        assert!("E0600001".parse::<DistrictCode>().is_err());
        assert!("X06000016".parse::<DistrictCode>().is_err());
        assert!("Leicester".parse::<DistrictCode>().is_err());
    }

    #[test]
    fn population_is_interpolated_between_censuses() {
        let district = District {
            code: "E06000016".parse().expect("valid code"),
            name: "Leicester".into(),
            kind: "unitary".into(),
            population_2011: 100_000,
            population_2021: 110_000,
        };
        assert_eq!(district.population_in(2005), 100_000);
        assert_eq!(district.population_in(2016), 105_000);
        assert_eq!(district.population_in(2030), 110_000);
    }
}
