//! Business engagement in the store: the businesses reached (one row each, matched by
//! the folded name, its sector, size and district as last recorded) and every time one
//! was reached. An import's engagements, its quarantined rows and its run's counts are
//! written in one transaction; an engagement already stored (same business, way and day)
//! is counted as a duplicate, never written twice.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// An engagement to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEngagement {
    /// The business's name as given.
    pub business: String,
    /// The name folded (letters and digits, lower case): how rows of one business match.
    pub business_key: String,
    /// Its sector, lower case.
    pub sector: String,
    /// Its size (`micro` … `large`), where known.
    pub size: Option<String>,
    /// Its district's code.
    pub district_code: String,
    /// How it was reached.
    pub how: String,
    /// The day.
    pub on: Date,
    /// A short note.
    pub note: String,
}

/// What storing engagements did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EngagementWrite {
    /// Engagements written.
    pub stored: u64,
    /// Engagements already stored (same business, way and day), not written again.
    pub duplicates: u64,
}

/// An engagement as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementFact {
    /// The business's id.
    pub business_id: i64,
    /// Its sector.
    pub sector: String,
    /// Its district's code.
    pub district_code: String,
    /// How it was reached.
    pub how: String,
    /// The day.
    pub on: Date,
}

/// An engagement as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngagementRecord {
    /// The business's name.
    pub business: String,
    /// Its sector.
    pub sector: String,
    /// Its size, where known.
    pub size: Option<String>,
    /// Its district's code.
    pub district_code: String,
    /// How it was reached.
    pub how: String,
    /// The day.
    pub on: Date,
    /// The note.
    pub note: String,
    /// Who recorded it.
    pub by: String,
}

/// Business engagement, on either backend.
pub trait Engagements {
    /// Stores engagements (and, for an import's `run_id`, its quarantined rows and its
    /// counts) in one transaction.
    fn record_engagements(
        &mut self,
        run_id: Option<i64>,
        engagements: &[NewEngagement],
        rejects: &[beacon_core::RejectedRow],
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<EngagementWrite>;
    /// Every engagement from `from` to `to` (both days in), oldest first.
    fn engagement_facts(&mut self, from: Date, to: Date) -> StoreResult<Vec<EngagementFact>>;
    /// Reports of organisations made from `from` to `to` (both days in), counted by the
    /// sector as stored (reports without a sector are left out): the Action Fraud side
    /// of the reporting gap.
    fn organisation_reports_by_sector(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<(String, u64)>>;
    /// A page of the log, newest first, and how many engagements there are in all.
    fn engagement_log(
        &mut self,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(u64, Vec<EngagementRecord>)>;
}
