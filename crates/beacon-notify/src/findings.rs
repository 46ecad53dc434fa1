//! What a digest reports about one address in the threat-address register.
//!
//! The store builds these from the register; this crate only reads them. Every text field
//! came from a threat feed and is attacker-controlled: render it only through the escaping
//! in `escape`.

use beacon_core::Tlp;
use time::OffsetDateTime;

/// Whether an address is new since the organisation's last digest or was already reported,
/// so the digest can lead with what the reader has not seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingStatus {
    /// First seen since the last digest (or there was no earlier digest).
    New,
    /// Reported before and seen again since the last digest.
    StillActive,
}

/// One address (IP, network, domain or URL) owned by the organisation, as the register
/// holds it, with the IntelMQ classification that says why a feed reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The address as reported: `192.0.2.1`, `192.0.2.0/24`, `bad.example`, a URL.
    pub observable: String,
    /// IntelMQ `classification.taxonomy`, e.g. `malicious-code`.
    pub classification_taxonomy: String,
    /// IntelMQ `classification.type`, e.g. `infected-system`, `phishing`.
    pub classification_type: String,
    /// IntelMQ `classification.identifier`, e.g. `open-rdp`, when the feed gave one.
    pub identifier: Option<String>,
    /// Malware family name, when the feed gave one.
    pub malware: Option<String>,
    /// The port the finding concerns, when the feed gave one.
    pub port: Option<u16>,
    /// Names of the feeds that reported the address.
    pub feeds: Vec<String>,
    /// When any feed first reported the address.
    pub first_seen: OffsetDateTime,
    /// When any feed last reported the address.
    pub last_seen: OffsetDateTime,
    /// How many times feeds have reported the address.
    pub sightings: u64,
    /// The most restrictive TLP of the reports behind this finding.
    pub tlp: Tlp,
    /// New since the last digest, or still active.
    pub status: FindingStatus,
}
