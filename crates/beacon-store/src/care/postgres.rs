//! Victim care in PostgreSQL: a triage run replaces the queue in one transaction.

use super::columns::{
    CLEAR_SQL, INSERT_SQL, PAGE_SQL, TOTAL_SQL, case_from, input_from, inputs_sql,
};
use super::{Care, CareQueuePage, NewCareCase, TriageInput};
use crate::StoreResult;
use crate::neutral::{date_text, dollar};
use crate::postgres::{PostgresStore, big, pg_text};
use time::{Date, OffsetDateTime};

impl Care for PostgresStore {
    fn triage_inputs(&mut self, from: Date) -> StoreResult<Vec<TriageInput>> {
        self.client
            .query(
                &*dollar(&inputs_sql("to_char(reported_on, 'YYYY-MM-DD')")),
                &[&from],
            )?
            .iter()
            .map(input_from)
            .collect()
    }

    fn replace_care_queue(
        &mut self,
        cases: &[NewCareCase],
        weights: &str,
        at: OffsetDateTime,
    ) -> StoreResult<u64> {
        let mut transaction = self.client.transaction()?;
        transaction.execute(CLEAR_SQL, &[])?;
        let insert = transaction.prepare(&dollar(INSERT_SQL))?;
        for case in cases {
            transaction.execute(
                &insert,
                &[
                    &case.report_id,
                    &pg_text(&case.reference),
                    &date_text(case.reported_on),
                    &i64::from(case.score),
                    &i64::from(case.level),
                    &case.contact_due,
                    &pg_text(&case.reasons_json),
                    &pg_text(weights),
                    &at,
                ],
            )?;
        }
        let total: i64 = transaction.query_one(TOTAL_SQL, &[])?.try_get(0)?;
        transaction.commit()?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    fn care_queue(&mut self, offset: u64, limit: u32) -> StoreResult<CareQueuePage> {
        let total: i64 = self.client.query_one(TOTAL_SQL, &[])?.try_get(0)?;
        let cases = self
            .client
            .query(&*dollar(PAGE_SQL), &[&i64::from(limit), &big(offset)?])?
            .iter()
            .map(case_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(CareQueuePage {
            total: u64::try_from(total).unwrap_or(0),
            cases,
        })
    }
}
