//! Readiness and staff education: the scenario library and exercises with timed injects
//! ([`library`], [`exercises`]), self-assessment with area-wide gaps ([`assessment`]),
//! staff modules with quizzes and certificates ([`learning`]), consented phishing-awareness
//! simulations ([`phishing`]), and the board update's readiness figures ([`board`]).
//!
//! ```text
//! scenario file ─▶ beacon-ingest::readiness (checked) ─▶ store (library)
//! run ─▶ store (run, players) + outbox (injects at their times) ─▶ beacon-notify (email)
//! responses, observations ─▶ store ─▶ beacon-analytics::readiness::debrief ─▶ report
//! ```

pub mod assessment;
pub mod board;
pub mod debrief;
pub mod exercises;
pub mod learning;
pub mod library;
pub mod phishing;

use beacon_store::StoreError;

/// Why a readiness use case refused or failed, in words for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum ReadinessError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What was given is not right; every problem is listed, and nothing was stored.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// The thing asked about does not exist (or is not the asker's to see).
    #[error("{0}")]
    NotFound(String),
}

impl ReadinessError {
    /// One problem as an error.
    pub(crate) fn invalid(problem: impl Into<String>) -> ReadinessError {
        ReadinessError::Invalid(vec![problem.into()])
    }
}

/// A result of a readiness use case.
pub type ReadinessResult<T> = Result<T, ReadinessError>;
