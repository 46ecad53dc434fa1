//! Victim care in SQLite: a triage run replaces the queue in one IMMEDIATE transaction.

use super::columns::{
    CLEAR_SQL, INSERT_SQL, PAGE_SQL, TOTAL_SQL, case_from, input_from, inputs_sql,
};
use super::{Care, CareQueuePage, NewCareCase, TriageInput};
use crate::StoreResult;
use crate::neutral::{date_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use rusqlite::{TransactionBehavior, params};
use time::{Date, OffsetDateTime};

impl Care for SqliteStore {
    fn triage_inputs(&mut self, from: Date) -> StoreResult<Vec<TriageInput>> {
        let mut statement = self.connection.prepare_cached(&inputs_sql("reported_on"))?;
        collect(statement.query([date_text(from)])?, |row| input_from(row))
    }

    fn replace_care_queue(
        &mut self,
        cases: &[NewCareCase],
        weights: &str,
        at: OffsetDateTime,
    ) -> StoreResult<u64> {
        let at = utc_text(at);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(CLEAR_SQL, [])?;
        {
            let mut insert = transaction.prepare_cached(INSERT_SQL)?;
            for case in cases {
                insert.execute(params![
                    case.report_id,
                    case.reference,
                    date_text(case.reported_on),
                    i64::from(case.score),
                    i64::from(case.level),
                    utc_text(case.contact_due),
                    case.reasons_json,
                    weights,
                    at,
                ])?;
            }
        }
        let total: i64 = transaction.query_row(TOTAL_SQL, [], |row| row.get(0))?;
        transaction.commit()?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    fn care_queue(&mut self, offset: u64, limit: u32) -> StoreResult<CareQueuePage> {
        let total: i64 = self.connection.query_row(TOTAL_SQL, [], |row| row.get(0))?;
        let mut statement = self.connection.prepare_cached(PAGE_SQL)?;
        let cases = collect(
            statement.query(params![
                i64::from(limit),
                i64::try_from(offset).unwrap_or(i64::MAX)
            ])?,
            |row| case_from(row),
        )?;
        Ok(CareQueuePage {
            total: u64::try_from(total).unwrap_or(0),
            cases,
        })
    }
}
