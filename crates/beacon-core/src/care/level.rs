//! The levels of care, after the national economic crime victim-care model: from advice
//! sent automatically to a visit by the local force.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a victim is to be looked after, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CareLevel {
    /// Level 1: protect advice sent to them, no call.
    #[serde(rename = "1")]
    AutomatedAdvice,
    /// Level 2: a call from the victim-care team.
    #[serde(rename = "2")]
    PhoneContact,
    /// Level 3: vulnerable; a call with enhanced support and safeguarding.
    #[serde(rename = "3")]
    VulnerablePhoneContact,
    /// Level 4: a face-to-face visit by the local force.
    #[serde(rename = "4")]
    FaceToFace,
}

impl CareLevel {
    /// Every level, least care first.
    pub const ALL: [CareLevel; 4] = [
        CareLevel::AutomatedAdvice,
        CareLevel::PhoneContact,
        CareLevel::VulnerablePhoneContact,
        CareLevel::FaceToFace,
    ];

    /// The level's number, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            CareLevel::AutomatedAdvice => 1,
            CareLevel::PhoneContact => 2,
            CareLevel::VulnerablePhoneContact => 3,
            CareLevel::FaceToFace => 4,
        }
    }

    /// The level with this number.
    pub fn from_number(number: u8) -> Option<CareLevel> {
        CareLevel::ALL
            .into_iter()
            .find(|level| level.number() == number)
    }

    /// What the level means, in words.
    pub fn label(self) -> &'static str {
        match self {
            CareLevel::AutomatedAdvice => "Automated advice",
            CareLevel::PhoneContact => "Contact by phone",
            CareLevel::VulnerablePhoneContact => "Vulnerable: contact by phone",
            CareLevel::FaceToFace => "Face-to-face by the local force",
        }
    }
}

impl fmt::Display for CareLevel {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "level {}: {}", self.number(), self.label())
    }
}
