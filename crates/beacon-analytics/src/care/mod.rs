//! Victim triage: each report of a person becomes a case in the Fraud Vulnerability
//! Officer's queue with a vulnerability score, the level of care it leads to, the time by
//! which the victim should first be contacted, and every reason behind the score.
//!
//! **No black box:** the score is the sum of the points of its reasons, each shown with
//! its points; the weights are the shipped, editable [`TriageWeights`]
//! (`data/care/triage.toml`). Pure: the caller passes the reports and today's date.

pub mod board;
pub mod sla;
pub mod triage;

pub use beacon_core::care::{CareLevel, TriageWeights};
pub use board::{CareCaseFact, CareFigures, care_figures};
pub use sla::{Sla, SlaStatus, sla};
pub use triage::{CaseFacts, Reason, Triage, TriageContext, queue, triage};
