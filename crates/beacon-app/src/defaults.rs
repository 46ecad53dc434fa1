//! What Beacon ships with, for callers that must not parse files themselves: the area's
//! district boundaries, the local-issue rules (parsed), and the report file's columns.

use beacon_core::LocalIssueRules;
use beacon_ingest::reference::ReferenceError;

/// The shipped district boundaries (GeoJSON) the board update's map draws.
pub use beacon_ingest::reference::SHIPPED_BOUNDARIES;

/// The report file's columns, so pages can say which a quarantined row's values are.
pub use beacon_ingest::reports::Column;

/// The shipped local-issue rules, parsed.
///
/// # Errors
/// Never for the file as shipped (its test parses it); the error is kept for callers that
/// prefer not to panic.
pub fn shipped_rules() -> Result<LocalIssueRules, ReferenceError> {
    beacon_ingest::reference::parse_rules(beacon_ingest::reference::SHIPPED_RULES)
}

/// The shipped victim triage weights (`data/care/triage.toml`), parsed and checked.
///
/// # Errors
/// Never for the file as shipped (its test parses it).
pub fn shipped_care_weights() -> Result<crate::care::Weights, ReferenceError> {
    let text = beacon_ingest::reference::SHIPPED_TRIAGE_WEIGHTS;
    let weights = beacon_ingest::reference::parse_triage_weights(text)?;
    Ok(crate::care::Weights::new(weights, text))
}
