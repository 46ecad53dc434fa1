//! What each partner runs and who looks after it: assets, the products on them, and the
//! contacts who receive advisories. Advisory matching works from this.
//!
//! **Invariant:** a product is kept as the partner wrote it; the CPE Beacon derives from
//! vendor, product and version is kept beside it, never instead of it.

use crate::network::Cidr;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a partner contact does for advisories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Receives notices and reminders, acknowledges, records fixes.
    ItManager,
    /// Receives notices when the IT manager does, to cover absence.
    Deputy,
    /// Receives escalations when an affected asset is overdue.
    SeniorResponsibleOwner,
}

impl ContactRole {
    /// Every role, in the order pages list them.
    pub const ALL: [ContactRole; 3] = [
        ContactRole::ItManager,
        ContactRole::Deputy,
        ContactRole::SeniorResponsibleOwner,
    ];

    /// The stored and typed spelling, e.g. `it_manager`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::ItManager => "it_manager",
            ContactRole::Deputy => "deputy",
            ContactRole::SeniorResponsibleOwner => "senior_responsible_owner",
        }
    }

    /// How pages name the role.
    pub fn label(self) -> &'static str {
        match self {
            ContactRole::ItManager => "IT manager",
            ContactRole::Deputy => "Deputy",
            ContactRole::SeniorResponsibleOwner => "Senior responsible owner",
        }
    }
}

impl fmt::Display for ContactRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A contact role that is not one of Beacon's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a contact role: use it_manager, deputy or senior_responsible_owner")]
pub struct UnknownContactRole(pub String);

impl FromStr for ContactRole {
    type Err = UnknownContactRole;

    /// Reads `it_manager`, `IT manager`, `deputy`, `sro`, `senior responsible owner`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match key.as_str() {
            "sro" => Ok(ContactRole::SeniorResponsibleOwner),
            "it" | "itm" => Ok(ContactRole::ItManager),
            _ => ContactRole::ALL
                .into_iter()
                .find(|role| role.as_str() == key)
                .ok_or_else(|| UnknownContactRole(text.to_owned())),
        }
    }
}

/// How a contact wants advisory notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// One message per advisory, as soon as it matches.
    #[default]
    Immediate,
    /// One message a day listing the day's advisories.
    DailyDigest,
}

impl Delivery {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediate => "immediate",
            Delivery::DailyDigest => "daily_digest",
        }
    }

    /// Reads `immediate`, `daily_digest`, `digest` or `daily`.
    pub fn parse(text: &str) -> Option<Delivery> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "" | "immediate" | "each" => Some(Delivery::Immediate),
            "daily_digest" | "digest" | "daily" => Some(Delivery::DailyDigest),
            _ => None,
        }
    }
}

/// A person at a partner organisation who hears about advisories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerContact {
    /// Their name, e.g. `Priya Shah`.
    pub name: String,
    /// Their email address (checked with [`crate::organisation::parse_contact`]).
    pub email: String,
    /// What they do for advisories.
    pub role: ContactRole,
    /// How they want notices.
    #[serde(default)]
    pub delivery: Delivery,
}

/// How a partner named a product it runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProductEntry {
    /// A CPE 2.3 formatted string as written, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    /// A package URL as written, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Vendor, product and version as written, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The product's name as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The version as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The CPE Beacon derived from vendor, product and version when no CPE was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_cpe: Option<String>,
}

impl ProductEntry {
    /// The product in words for pages: the CPE, purl or `vendor product version`.
    pub fn describe(&self) -> String {
        if let Some(cpe) = &self.cpe {
            return cpe.clone();
        }
        if let Some(purl) = &self.purl {
            return purl.clone();
        }
        [&self.vendor, &self.product, &self.version]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Something a partner runs: a server, a service, a fleet of laptops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Its name, unique within the organisation, e.g. `Payroll server`.
    pub name: String,
    /// What kind of thing it is, e.g. `server`, `firewall`, `laptop fleet`, `service`.
    #[serde(default)]
    pub kind: String,
    /// Who owns it (an email address), if not the IT manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Its host name, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Its network range, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Cidr>,
    /// The products it runs.
    pub products: Vec<ProductEntry>,
}

/// Where a matched asset stands against one advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// Matched, not yet looked at by the partner.
    #[default]
    Unreviewed,
    /// The partner checked: this asset is not affected.
    NotAffected,
    /// The partner confirmed it is affected.
    Affected,
    /// A fix or mitigation is under way.
    InProgress,
    /// Fixed (patched, mitigated or removed).
    Fixed,
}

impl AssetStatus {
    /// Every status, in the order a partner moves through them.
    pub const ALL: [AssetStatus; 5] = [
        AssetStatus::Unreviewed,
        AssetStatus::NotAffected,
        AssetStatus::Affected,
        AssetStatus::InProgress,
        AssetStatus::Fixed,
    ];

    /// The stored and typed spelling, e.g. `in_progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Unreviewed => "unreviewed",
            AssetStatus::NotAffected => "not_affected",
            AssetStatus::Affected => "affected",
            AssetStatus::InProgress => "in_progress",
            AssetStatus::Fixed => "fixed",
        }
    }

    /// How pages name the status.
    pub fn label(self) -> &'static str {
        match self {
            AssetStatus::Unreviewed => "Not yet reviewed",
            AssetStatus::NotAffected => "Not affected",
            AssetStatus::Affected => "Affected",
            AssetStatus::InProgress => "Fix in progress",
            AssetStatus::Fixed => "Fixed",
        }
    }

    /// True when nothing more is owed on the asset (fixed, or not affected after all).
    pub fn is_closed(self) -> bool {
        matches!(self, AssetStatus::NotAffected | AssetStatus::Fixed)
    }
}

/// A status name that is not one of Beacon's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an asset status: use not_affected, affected, in_progress or fixed")]
pub struct UnknownAssetStatus(pub String);

impl FromStr for AssetStatus {
    type Err = UnknownAssetStatus;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        AssetStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == key)
            .ok_or_else(|| UnknownAssetStatus(text.to_owned()))
    }
}

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The product names may be the same, or the version could not be compared: the
    /// partner is asked to check.
    Possible,
    /// Product and version are known and inside the affected range.
    Certain,
}

impl Confidence {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Certain => "certain",
        }
    }

    /// Reads the stored spelling (unknown text reads as possible).
    pub fn from_stored(text: &str) -> Confidence {
        if text == "certain" {
            Confidence::Certain
        } else {
            Confidence::Possible
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_roles_read_as_people_write_them() {
        assert_eq!("IT manager".parse(), Ok(ContactRole::ItManager));
        assert_eq!("SRO".parse(), Ok(ContactRole::SeniorResponsibleOwner));
        assert_eq!(
            "senior-responsible-owner".parse(),
            Ok(ContactRole::SeniorResponsibleOwner)
        );
        assert!("ceo".parse::<ContactRole>().is_err());
    }

    #[test]
    fn statuses_read_back_and_close() {
        for status in AssetStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!(AssetStatus::Fixed.is_closed() && AssetStatus::NotAffected.is_closed());
        assert!(!AssetStatus::InProgress.is_closed());
    }

    #[test]
    fn products_describe_themselves() {
        let named = ProductEntry {
            cpe: None,
            purl: None,
            vendor: Some("Fortinet".into()),
            product: Some("FortiOS".into()),
            version: Some("7.2.4".into()),
            derived_cpe: None,
        };
        assert_eq!(named.describe(), "Fortinet FortiOS 7.2.4");
        assert_eq!(Delivery::parse("Daily digest"), Some(Delivery::DailyDigest));
        assert_eq!(Delivery::parse("weekly"), None);
    }
}
