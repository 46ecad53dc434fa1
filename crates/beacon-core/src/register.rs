//! The threat-address register's domain facts that analytics counts over: the narrow
//! form of a sighting, free of any storage detail, so counting needs no database.

/// One address's sightings in one month under one classification and feed: the narrow
/// form the register's statistics count distinct addresses over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SightingFact {
    /// Address id.
    pub address_id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// IntelMQ classification type.
    pub classification_type: String,
    /// Feed name.
    pub feed: String,
    /// Owning organisation's id at the time.
    pub organisation_id: Option<i64>,
    /// District.
    pub district: Option<String>,
}
