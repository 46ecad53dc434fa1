//! Cyber Choices in the store: referrals (no names) and their stages.
//!
//! A stage is recorded in one transaction that first locks the referral and hands its
//! stages so far to the caller's rule, so two people recording at once cannot break the
//! order (the rule is `beacon_core::prevent::check_step`).

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// A new referral, opened with its anonymised summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    /// Who referred (one of `beacon_core::prevent::REFERRERS`).
    pub referrer: String,
    /// The person's age band.
    pub age_band: String,
    /// The district's code.
    pub district_code: String,
    /// What the concern is.
    pub concern: String,
    /// The day the anonymised summary was received.
    pub summary_on: Date,
    /// A short note on the summary.
    pub note: String,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: OffsetDateTime,
}

/// A stage to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferralStep {
    /// The referral.
    pub referral_id: i64,
    /// The stage's stored form.
    pub step: String,
    /// The day it happened.
    pub on: Date,
    /// Its result, where it takes one.
    pub result: String,
    /// A short note.
    pub note: String,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: OffsetDateTime,
}

/// A stage as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralStepRecord {
    /// Its id.
    pub id: i64,
    /// The stage's stored form.
    pub step: String,
    /// The day it happened.
    pub on: Date,
    /// Its result.
    pub result: String,
    /// The note.
    pub note: String,
    /// Who recorded it.
    pub by: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A referral as stored, with its stages in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRecord {
    /// Its id (the reference is `CC` and the id, five digits).
    pub id: i64,
    /// Who referred.
    pub referrer: String,
    /// The age band.
    pub age_band: String,
    /// The district's code.
    pub district_code: String,
    /// The concern.
    pub concern: String,
    /// Who opened it.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Its stages, by day and then as recorded.
    pub steps: Vec<ReferralStepRecord>,
}

/// The rule a new stage must pass, given the referral's stages so far: why not, in
/// words.
pub type StepRule<'a> = &'a dyn Fn(&[ReferralStepRecord]) -> Result<(), String>;

/// Cyber Choices, on either backend.
pub trait CyberChoices {
    /// Opens a referral with its summary stage, in one transaction; its id.
    fn add_referral(&mut self, referral: &NewReferral) -> StoreResult<i64>;
    /// Records a stage when `rule` allows it after the referral's stages so far, in one
    /// transaction holding the referral: `Ok(Err(why))` when the rule refuses (nothing
    /// written), the new stage's id otherwise. [`crate::StoreError::NotFound`] when there
    /// is no such referral.
    fn add_referral_step(
        &mut self,
        step: &NewReferralStep,
        rule: StepRule<'_>,
    ) -> StoreResult<Result<i64, String>>;
    /// Every referral, newest first, with its stages.
    fn referrals(&mut self) -> StoreResult<Vec<ReferralRecord>>;
    /// One referral with its stages.
    fn referral(&mut self, id: i64) -> StoreResult<Option<ReferralRecord>>;
}
