//! Traffic Light Protocol 2.0 labels, which decide where shared information may go.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A TLP 2.0 label. Ordered from least to most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0's WHITE): may be shared freely.
    #[serde(rename = "TLP:CLEAR")]
    Clear,
    /// TLP:GREEN: within the community.
    #[serde(rename = "TLP:GREEN")]
    Green,
    /// TLP:AMBER: within the recipient's organisation and its clients.
    #[serde(rename = "TLP:AMBER")]
    Amber,
    /// TLP:AMBER+STRICT: within the recipient's organisation only.
    #[serde(rename = "TLP:AMBER+STRICT")]
    AmberStrict,
    /// TLP:RED: for the named recipients only.
    #[serde(rename = "TLP:RED")]
    Red,
}

/// Why a TLP label was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a TLP label (CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT or RED)")]
pub struct TlpError(pub String);

impl FromStr for Tlp {
    type Err = TlpError;

    /// Reads `TLP:AMBER`, `amber`, `tlp:white` (TLP 1.0's WHITE is CLEAR), and MISP tags
    /// such as `tlp:amber+strict`.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let upper = raw.trim().to_ascii_uppercase();
        let label = upper.strip_prefix("TLP:").unwrap_or(&upper).trim();
        match label {
            "CLEAR" | "WHITE" => Ok(Tlp::Clear),
            "GREEN" => Ok(Tlp::Green),
            "AMBER" => Ok(Tlp::Amber),
            "AMBER+STRICT" | "AMBER-STRICT" | "AMBER STRICT" => Ok(Tlp::AmberStrict),
            "RED" => Ok(Tlp::Red),
            _ => Err(TlpError(raw.trim().to_owned())),
        }
    }
}

impl Tlp {
    /// The label as written in TLP 2.0, e.g. `TLP:AMBER+STRICT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tlp_1_and_2_labels() {
        assert_eq!("TLP:WHITE".parse(), Ok(Tlp::Clear));
        assert_eq!("tlp:amber+strict".parse(), Ok(Tlp::AmberStrict));
        assert_eq!("red".parse(), Ok(Tlp::Red));
        assert!("TLP:PURPLE".parse::<Tlp>().is_err());
        assert!(Tlp::Red > Tlp::Amber && Tlp::Amber > Tlp::Clear);
    }
}
