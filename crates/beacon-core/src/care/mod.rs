//! Victim care: the triage of fraud victims for the Fraud Vulnerability Officer.
//!
//! The weights of the vulnerability score and the levels it leads to live in a shipped,
//! editable file (`data/care/triage.toml`), read into [`TriageWeights`]; the score itself
//! is computed in `beacon_analytics::care`, which gives every point a reason.

pub mod event;
pub mod level;
pub mod weights;

pub use event::{CLOSING_OUTCOMES, CONTACT_OUTCOMES, CaseEvent, REFERRALS};
pub use level::CareLevel;
pub use weights::{
    AgePoints, FraudPoints, LevelRule, LossBand, RecencyBand, RelativeLoss, RepeatPoints,
    TriageWeights, VulnerablePoints, WeightsProblem,
};
