//! The front door in SQLite: a submission is one IMMEDIATE transaction.

use super::columns::{
    INSERT_SQL, PAGE_SQL, REFERENCE_OF_SQL, REFERENCE_TAKEN_SQL, TOTAL_SQL, by_place_sql,
    by_sector_sql, count_from, record_from,
};
use super::{FrontDoor, FrontDoorCounts, FrontDoorPage, NewFrontDoorReport};
use crate::neutral::{date_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use crate::{StoreError, StoreResult};
use rusqlite::{TransactionBehavior, params};
use time::Date;

impl FrontDoor for SqliteStore {
    fn add_front_door_report(&mut self, report: &NewFrontDoorReport) -> StoreResult<String> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: i64 =
            transaction.query_row(REFERENCE_TAKEN_SQL, [&report.reference], |row| row.get(0))?;
        if taken > 0 {
            return Err(StoreError::Duplicate {
                what: "front-door report",
                name: report.reference.clone(),
            });
        }
        transaction.execute(
            INSERT_SQL,
            params![
                report.reference,
                report.submission_key,
                date_text(report.submitted_at.date()),
                utc_text(report.submitted_at),
                report.reporter,
                report.what_happened,
                report.occurred_on.map(date_text),
                report.loss_pence,
                report.contact_method,
                report.business_size,
                report.business_sector,
                report.place,
            ],
        )?;
        let reference: String =
            transaction.query_row(REFERENCE_OF_SQL, [&report.submission_key], |row| row.get(0))?;
        transaction.commit()?;
        Ok(reference)
    }

    fn front_door_reports(
        &mut self,
        from: Date,
        to: Date,
        offset: u64,
        limit: u32,
    ) -> StoreResult<FrontDoorPage> {
        let (from, to) = (date_text(from), date_text(to));
        let total: i64 = self
            .connection
            .query_row(TOTAL_SQL, params![from, to], |row| row.get(0))?;
        let mut statement = self.connection.prepare_cached(PAGE_SQL)?;
        let reports = collect(
            statement.query(params![
                from,
                to,
                i64::from(limit),
                i64::try_from(offset).unwrap_or(i64::MAX)
            ])?,
            |row| record_from(row),
        )?;
        Ok(FrontDoorPage {
            total: u64::try_from(total).unwrap_or(0),
            reports,
        })
    }

    fn front_door_counts(&mut self, from: Date, to: Date) -> StoreResult<FrontDoorCounts> {
        let (from, to) = (date_text(from), date_text(to));
        let by_place = {
            let mut statement = self.connection.prepare_cached(&by_place_sql())?;
            collect(statement.query(params![from, to])?, |row| count_from(row))?
        };
        let by_sector = {
            let mut statement = self.connection.prepare_cached(&by_sector_sql())?;
            collect(statement.query(params![from, to])?, |row| count_from(row))?
        };
        Ok(FrontDoorCounts::from_groups(by_place, by_sector))
    }
}
