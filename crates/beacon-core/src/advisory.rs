//! Security advisories as Beacon keeps them, whatever format they came in (CSAF 2.0, CISA
//! KEV, NVD CVE records, RSS/Atom, or written by hand), and the product criteria that say
//! which partners' assets they concern.
//!
//! **Invariant:** an advisory is identified by its source and key (a CSAF `tracking/id`,
//! a CVE id, a feed item's id); a newer revision of the same key replaces the older one.

use crate::tlp::Tlp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, OffsetDateTime};

/// Where an advisory came from, which also says how much product data to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdvisorySource {
    /// A CSAF 2.0 document (vendor or national CSIRT advisory, VEX).
    Csaf,
    /// One entry of CISA's Known Exploited Vulnerabilities catalogue.
    Kev,
    /// An NVD CVE record (API 2.0 form) with its affected-product configurations.
    Nvd,
    /// An item of an RSS or Atom feed (NCSC advisories and news): no product data.
    Rss,
    /// Written by a coordinator in the web application.
    Manual,
}

impl AdvisorySource {
    /// Every source, in the order pages list them.
    pub const ALL: [AdvisorySource; 5] = [
        AdvisorySource::Csaf,
        AdvisorySource::Kev,
        AdvisorySource::Nvd,
        AdvisorySource::Rss,
        AdvisorySource::Manual,
    ];

    /// The stored and typed spelling, e.g. `kev`.
    pub fn as_str(self) -> &'static str {
        match self {
            AdvisorySource::Csaf => "csaf",
            AdvisorySource::Kev => "kev",
            AdvisorySource::Nvd => "nvd",
            AdvisorySource::Rss => "rss",
            AdvisorySource::Manual => "manual",
        }
    }

    /// How pages name the source.
    pub fn label(self) -> &'static str {
        match self {
            AdvisorySource::Csaf => "CSAF advisory",
            AdvisorySource::Kev => "CISA Known Exploited Vulnerability",
            AdvisorySource::Nvd => "NVD CVE record",
            AdvisorySource::Rss => "News feed item",
            AdvisorySource::Manual => "Written by the partnership",
        }
    }
}

impl fmt::Display for AdvisorySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source name that is not one of Beacon's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an advisory source: use csaf, kev, nvd, rss or manual")]
pub struct UnknownSource(pub String);

impl FromStr for AdvisorySource {
    type Err = UnknownSource;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key = text.trim().to_ascii_lowercase();
        AdvisorySource::ALL
            .into_iter()
            .find(|source| source.as_str() == key)
            .ok_or_else(|| UnknownSource(text.to_owned()))
    }
}

/// How urgently partners should act, from the advisory's own scores and flags.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// News or guidance with nothing to patch.
    #[default]
    Routine,
    /// A vulnerability to fix in the normal cycle.
    Normal,
    /// High severity (CVSS 7.0 or more) or known to be exploited.
    High,
    /// Known to be exploited and used in ransomware campaigns, or CVSS 9.0 or more.
    Urgent,
}

impl Priority {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Routine => "routine",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Reads the stored spelling (unknown text reads as routine).
    pub fn from_stored(text: &str) -> Priority {
        match text {
            "normal" => Priority::Normal,
            "high" => Priority::High,
            "urgent" => Priority::Urgent,
            _ => Priority::Routine,
        }
    }
}

/// What names the product a criterion speaks of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProductPattern {
    /// A CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:version:…`), possibly with
    /// `*` (ANY) and `-` (NA) in its attributes.
    Cpe {
        /// The CPE as written.
        cpe: String,
    },
    /// A package URL (`pkg:npm/lodash@4.17.20`), with or without a version.
    Purl {
        /// The purl as written.
        purl: String,
    },
    /// A vendor and product as people write them (CISA KEV's `vendorProject` and
    /// `product`, a CSAF product tree's branch names), matched loosely.
    Named {
        /// The vendor, e.g. `Microsoft`.
        vendor: String,
        /// The product, e.g. `Exchange Server`.
        product: String,
    },
}

/// Which versions of the product a criterion covers. Empty means every version the
/// pattern itself allows (a CPE's version attribute, a purl's version).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct VersionBounds {
    /// Versions from this one on (NVD `versionStartIncluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_including: Option<String>,
    /// Versions after this one (NVD `versionStartExcluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_excluding: Option<String>,
    /// Versions up to and including this one (NVD `versionEndIncluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_including: Option<String>,
    /// Versions before this one (NVD `versionEndExcluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_excluding: Option<String>,
    /// A `vers` range (`vers:generic/>=2.0|<2.4.1`), as CSAF product versions give them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vers: Option<String>,
    /// One exact version (a CSAF `product_version` branch, a KEV-less named product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
}

impl VersionBounds {
    /// True when nothing narrows the versions.
    pub fn is_empty(&self) -> bool {
        self == &VersionBounds::default()
    }
}

/// One product (and version range) an advisory speaks of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Criterion {
    /// The product.
    pub pattern: ProductPattern,
    /// Which of its versions.
    #[serde(default, skip_serializing_if = "VersionBounds::is_empty")]
    pub versions: VersionBounds,
    /// True when this product is the vulnerable one; false for a platform it must run on
    /// (NVD's AND configurations: vulnerable firmware on a named, non-vulnerable device).
    pub vulnerable: bool,
    /// How the advisory names the product, for people (a CSAF full product name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

/// When an asset is affected: it runs, for every group, a product matching one of the
/// group's criteria (groups are ANDed, criteria within a group ORed), and at least one
/// of the matched criteria is vulnerable. A CSAF product or a plain NVD configuration is
/// one group; an NVD AND configuration (firmware on hardware) is two.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Applicability {
    /// The groups, all of which must hold.
    pub all_of: Vec<Vec<Criterion>>,
    /// The CVEs this applicability is for (empty: the whole advisory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cves: Vec<String>,
}

/// An advisory as parsed, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// Where it came from.
    pub source: AdvisorySource,
    /// Its identity within the source: CSAF `tracking/id`, a CVE id, a feed item's id.
    pub key: String,
    /// Which revision this is (CSAF `tracking/version`, KEV `dateAdded`, NVD
    /// `lastModified`, feed item update time); a newer one of the same key replaces it.
    pub revision: String,
    /// When the revision was current (CSAF `current_release_date`, NVD `lastModified`),
    /// which orders revisions.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub revised_at: Option<OffsetDateTime>,
    /// When it was first published.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub published_at: Option<OffsetDateTime>,
    /// Its title.
    pub title: String,
    /// What it means, in plain words (CSAF summary note, KEV short description, feed
    /// item summary); never HTML.
    pub summary: String,
    /// What to do (KEV `requiredAction`, CSAF remediations), in plain words.
    #[serde(default)]
    pub action: String,
    /// Who may see it.
    pub tlp: Tlp,
    /// How urgently partners should act.
    pub priority: Priority,
    /// The CVE ids it covers.
    #[serde(default)]
    pub cves: Vec<String>,
    /// Where to read the whole advisory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// By when affected partners should have fixed it (KEV `dueDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Known to be used in ransomware campaigns (KEV `knownRansomwareCampaignUse`).
    #[serde(default)]
    pub ransomware: bool,
    /// The highest CVSS base score it gives, in tenths (9.8 is 98).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_tenths: Option<u8>,
    /// Which assets it concerns; empty for news without product data.
    #[serde(default)]
    pub applicability: Vec<Applicability>,
    /// Products the advisory says are fixed or not affected, for the asset statuses a
    /// partner sees (matched like affected products, never alerted on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_affected: Vec<Criterion>,
}

/// A failed mandatory test of a CSAF document (section 6.1 of CSAF 2.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationFailure {
    /// The test's number, e.g. `6.1.6`; `schema` for the JSON schema.
    pub test: String,
    /// The JSON path of the offending value, e.g. `/vulnerabilities/0/product_status`.
    pub path: String,
    /// What is wrong, in plain words.
    pub reason: String,
}

/// Normalises a CVE id (`cve-2024-3400` → `CVE-2024-3400`), or refuses text that is not
/// one.
pub fn parse_cve(raw: &str) -> Option<String> {
    let upper = raw.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("CVE-")?;
    let (year, number) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (year.len() == 4 && digits(year) && number.len() >= 4 && digits(number)).then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_are_normalised() {
        assert_eq!(parse_cve(" cve-2024-3400"), Some("CVE-2024-3400".into()));
        assert_eq!(parse_cve("CVE-2021-44228"), Some("CVE-2021-44228".into()));
        assert_eq!(parse_cve("CVE-21-44228"), None);
        assert_eq!(parse_cve("CVE-2021-442"), None);
        assert_eq!(parse_cve("2021-44228"), None);
    }

    #[test]
    fn sources_read_back() {
        for source in AdvisorySource::ALL {
            assert_eq!(source.as_str().parse(), Ok(source));
        }
        assert!("stix".parse::<AdvisorySource>().is_err());
    }

    #[test]
    fn priorities_are_ordered_and_stored() {
        assert!(Priority::Urgent > Priority::High && Priority::Normal > Priority::Routine);
        for p in [
            Priority::Routine,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ] {
            assert_eq!(Priority::from_stored(p.as_str()), p);
        }
    }
}
