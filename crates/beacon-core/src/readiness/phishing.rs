//! Consented phishing-awareness exercises: the simulated emails, and the evidence by which a
//! click on a simulated link is told apart from a link scanner fetching it.
//!
//! **Invariant:** a simulation never asks for credentials: its landing page teaches, and
//! has no field to type into.

use serde::{Deserialize, Serialize};

/// The format tag of a simulation template file.
pub const SIMULATION_FORMAT: &str = "beacon-simulation/1";

/// A simulated phishing email, written for Beacon, with what its landing page teaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationTemplate {
    /// Always [`SIMULATION_FORMAT`].
    pub format: String,
    /// Stable id, e.g. `parcel-redelivery`.
    pub id: String,
    /// The name the email appears to come from.
    pub from_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body; `{link}` is replaced by the learner's own tracked link.
    pub body: String,
    /// The signs a careful reader would have spotted, shown on the landing page.
    pub tells: Vec<String>,
}

/// What Beacon knows about one fetch of a simulated link, to decide whether a person
/// clicked it or a mail filter's link scanner did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClickEvidence {
    /// The HTTP method (scanners often use `HEAD`).
    pub method: String,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// Seconds between the message being sent and the fetch (negative if the clocks
    /// disagree).
    pub seconds_after_sent: i64,
    /// Whether the request carried the headers a browser sends when a person follows a
    /// link (`Accept` with `text/html` and an `Accept-Language`).
    pub browser_headers: bool,
    /// How many fetches of the same link came in within the same few seconds (scanners
    /// detonate a link from several places at once).
    pub burst: u32,
}

/// Whether a fetch counts as a click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum ClickVerdict {
    /// A person clicked: it counts.
    Person,
    /// A link scanner, for this reason: it does not count.
    Scanner(String),
}
