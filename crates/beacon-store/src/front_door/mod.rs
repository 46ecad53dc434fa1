//! The public front door in the store: the local reports residents and businesses chose
//! to leave with the partnership, answers from fixed lists only, and their counts for the
//! district picture.
//!
//! **Invariants:** a submission is one short transaction; the same form submitted twice
//! (its submission key) stores one report and answers the first one's reference; nothing
//! here holds a name, contact detail, address, IP address or free text.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// A front-door report as the application hands it over, every answer a key from
/// `beacon_core::front_door`'s lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFrontDoorReport {
    /// The reference given to the reporter (`LR-` and 8 characters), unique.
    pub reference: String,
    /// SHA-256 of the form's token: a form sent again stores nothing new.
    pub submission_key: String,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
    /// `resident` or `business`.
    pub reporter: String,
    /// What happened (a `WhatHappened` key).
    pub what_happened: String,
    /// The day it happened; `None` when they were not sure.
    pub occurred_on: Option<Date>,
    /// Money lost, in pence; `None` when none was given.
    pub loss_pence: Option<i64>,
    /// How they were contacted (a `ContactMethod` key).
    pub contact_method: String,
    /// A business's size (`micro` .. `large`).
    pub business_size: Option<String>,
    /// A business's sector (a `BusinessSector` key).
    pub business_sector: Option<String>,
    /// A district code, `outside` or `not_sure`.
    pub place: String,
}

/// A stored front-door report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontDoorRecord {
    /// Its row id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// The day it was submitted (UTC).
    pub submitted_on: Date,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// `resident` or `business`.
    pub reporter: String,
    /// What happened.
    pub what_happened: String,
    /// The day it happened, when known.
    pub occurred_on: Option<Date>,
    /// Money lost, in pence, when given.
    pub loss_pence: Option<i64>,
    /// How they were contacted.
    pub contact_method: String,
    /// A business's size.
    pub business_size: Option<String>,
    /// A business's sector.
    pub business_sector: Option<String>,
    /// A district code, `outside` or `not_sure`.
    pub place: String,
}

/// A page of front-door reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontDoorPage {
    /// Reports submitted in the days asked for, in all.
    pub total: u64,
    /// This page's, newest first.
    pub reports: Vec<FrontDoorRecord>,
}

/// One count of front-door reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontDoorCount {
    /// The district code (`outside`, `not_sure`), or the business sector.
    pub key: String,
    /// Reports.
    pub reports: u64,
    /// Of them, from businesses.
    pub from_businesses: u64,
    /// Money lost, in pence, over those that gave it.
    pub loss_pence: i64,
}

/// The front door's counts over some days, summed in SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrontDoorCounts {
    /// Reports in all.
    pub total: u64,
    /// Of them, from businesses.
    pub from_businesses: u64,
    /// By place (district code, `outside`, `not_sure`), by code.
    pub by_place: Vec<FrontDoorCount>,
    /// Businesses' reports by sector, by sector key.
    pub by_sector: Vec<FrontDoorCount>,
}

/// The front door's reports, on either backend.
pub trait FrontDoor {
    /// Stores a report in one transaction and answers its reference; when a report with
    /// the same submission key is stored already, stores nothing and answers that one's.
    /// [`crate::StoreError::Duplicate`] when the reference is taken (make another).
    fn add_front_door_report(&mut self, report: &NewFrontDoorReport) -> StoreResult<String>;
    /// The reports submitted from `from` to `to` (days, inclusive), newest first.
    fn front_door_reports(
        &mut self,
        from: Date,
        to: Date,
        offset: u64,
        limit: u32,
    ) -> StoreResult<FrontDoorPage>;
    /// The counts of the reports submitted from `from` to `to` (inclusive).
    fn front_door_counts(&mut self, from: Date, to: Date) -> StoreResult<FrontDoorCounts>;
}

impl FrontDoorCounts {
    /// The counts from their groups: the totals are the places' sums (every report has
    /// one place).
    fn from_groups(by_place: Vec<FrontDoorCount>, by_sector: Vec<FrontDoorCount>) -> Self {
        FrontDoorCounts {
            total: by_place.iter().map(|count| count.reports).sum(),
            from_businesses: by_place.iter().map(|count| count.from_businesses).sum(),
            by_place,
            by_sector,
        }
    }
}
