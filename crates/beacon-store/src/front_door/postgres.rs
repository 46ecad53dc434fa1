//! The front door in PostgreSQL: a submission is one statement (its own transaction).

use super::columns::{
    PAGE_SQL, REFERENCE_CONSTRAINT, REFERENCE_OF_SQL, SUBMIT_SQL, TOTAL_SQL, by_place_sql,
    by_sector_sql, count_from, record_from,
};
use super::{FrontDoor, FrontDoorCounts, FrontDoorPage, NewFrontDoorReport};
use crate::neutral::{date_text, dollar};
use crate::postgres::{PostgresStore, big};
use crate::{StoreError, StoreResult};
use time::Date;

impl FrontDoor for PostgresStore {
    fn add_front_door_report(&mut self, report: &NewFrontDoorReport) -> StoreResult<String> {
        // One statement, so one round trip and one commit: a submission waits on the
        // commit's flush, and every round trip more is time the reporter waits too.
        let stored = self.client.query(
            &*dollar(SUBMIT_SQL),
            &[
                &report.reference,
                &report.submission_key,
                &date_text(report.submitted_at.date()),
                &report.submitted_at,
                &report.reporter,
                &report.what_happened,
                &report.occurred_on.map(date_text),
                &report.loss_pence,
                &report.contact_method,
                &report.business_size,
                &report.business_sector,
                &report.place,
            ],
        );
        let rows = match stored {
            Ok(rows) => rows,
            Err(error)
                if error
                    .as_db_error()
                    .and_then(|db| db.constraint())
                    .is_some_and(|name| name == REFERENCE_CONSTRAINT) =>
            {
                return Err(StoreError::Duplicate {
                    what: "front-door report",
                    name: report.reference.clone(),
                });
            }
            Err(error) => return Err(error.into()),
        };
        match rows.first() {
            Some(row) => Ok(row.try_get(0)?),
            // The same form, stored by another request while this one waited on it.
            None => Ok(self
                .client
                .query_one(&*dollar(REFERENCE_OF_SQL), &[&report.submission_key])?
                .try_get(0)?),
        }
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
            .client
            .query_one(&*dollar(TOTAL_SQL), &[&from, &to])?
            .try_get(0)?;
        let reports = self
            .client
            .query(
                &*dollar(PAGE_SQL),
                &[&from, &to, &i64::from(limit), &big(offset)?],
            )?
            .iter()
            .map(record_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(FrontDoorPage {
            total: u64::try_from(total).unwrap_or(0),
            reports,
        })
    }

    fn front_door_counts(&mut self, from: Date, to: Date) -> StoreResult<FrontDoorCounts> {
        let (from, to) = (date_text(from), date_text(to));
        let by_place = self
            .client
            .query(&*dollar(&by_place_sql()), &[&from, &to])?
            .iter()
            .map(count_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let by_sector = self
            .client
            .query(&*dollar(&by_sector_sql()), &[&from, &to])?
            .iter()
            .map(count_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(FrontDoorCounts::from_groups(by_place, by_sector))
    }
}
