//! Protect campaigns: building a campaign (an advice item to a segment on a channel from a
//! scheduled time), locking an evaluated trial's plan, launching it (its recipients drawn
//! from the segment, randomised to arms, and their messages queued in the one outbox),
//! rendering each message as it is sent, what recipients do with it (the tracked link,
//! the survey, unsubscribing), the channel's receipts, and the evaluation report.

pub mod balance;
pub mod board;
pub mod build;
pub mod evaluation;
pub mod launch;
pub mod links;
pub mod overview;
pub mod receipts;
pub mod render;
pub mod targeting;

use beacon_store::{CampaignRecord, Store, StoreError};

/// Why a campaign use case refused or failed, in words for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What was given is not right; every problem is listed, and nothing was stored.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// The thing asked about does not exist.
    #[error("{0}")]
    NotFound(String),
}

impl CampaignError {
    /// One problem as an error.
    pub(crate) fn invalid(problem: impl Into<String>) -> CampaignError {
        CampaignError::Invalid(vec![problem.into()])
    }
}

/// A result of a campaign use case.
pub type CampaignResult<T> = Result<T, CampaignError>;

/// One campaign, or [`CampaignError::NotFound`].
pub fn campaign_or_not_found(store: &mut dyn Store, id: i64) -> CampaignResult<CampaignRecord> {
    store
        .campaign(id)?
        .ok_or_else(|| CampaignError::NotFound(format!("There is no campaign {id}")))
}
