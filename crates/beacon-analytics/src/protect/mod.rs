//! Analytics for protect campaigns: which audiences and threats the reports say a
//! campaign should address first.
//!
//! **Invariant:** pure, like the rest of the crate — report facts in, rankings out.

pub mod targeting;

pub use targeting::{
    CampaignProposal, DistrictRate, RankedTarget, TargetingOptions, Targets, audience_of,
    rank_targets, threat_of_fraud_type,
};
