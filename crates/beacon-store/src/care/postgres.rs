//! Victim care in PostgreSQL: a triage run replaces the queue in one transaction.

use super::columns::{
    BOARD_SQL, CASE_SQL, CLEAR_LEVELS_SQL, CLEAR_SQL, COUNT_LEVELS_SQL, EVENTS_SQL,
    INSERT_EVENT_SQL, INSERT_SQL, MARK_CLOSED_SQL, OPEN_LEVELS_TOTAL_SQL, REDACT_SQL,
    REPORT_EXISTS_SQL, TO_REDACT_SQL, TOTAL_SQL, UNCOUNT_CLOSED_SQL, board_case_from, case_from,
    event_from, input_from, inputs_sql, open_total_sql, page_sql,
};
use super::{
    Care, CareBoardCase, CareCaseRecord, CareQueueFilter, CareQueuePage, CaseEventRecord,
    NewCareCase, NewCaseEvent, TriageInput,
};
use crate::neutral::{date_text, dollar};
use crate::postgres::{PostgresStore, big, pg_text};
use crate::{StoreError, StoreResult};
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
        transaction.execute(CLEAR_LEVELS_SQL, &[])?;
        transaction.execute(COUNT_LEVELS_SQL, &[])?;
        let total: i64 = transaction.query_one(TOTAL_SQL, &[])?.try_get(0)?;
        transaction.commit()?;
        // The queue was written whole: its statistics and visibility map are made new, so
        // the pages plan on the rows there are now and find a page's cases from the open
        // cases' index alone (autovacuum would get there later, in its own time).
        self.client.batch_execute("VACUUM (ANALYZE) care_cases")?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    fn care_queue(
        &mut self,
        filter: &CareQueueFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<CareQueuePage> {
        let level = filter.level.map(i64::from);
        let at = filter.overdue_at;
        // The counts kept by level, unless the count depends on the moment (overdue).
        let total: i64 = match at {
            None => self
                .client
                .query_one(&*dollar(OPEN_LEVELS_TOTAL_SQL), &[&level])?
                .try_get(0)?,
            Some(_) => self
                .client
                .query_one(&*dollar(&open_total_sql("TIMESTAMPTZ")), &[&level, &at])?
                .try_get(0)?,
        };
        let cases = self
            .client
            .query(
                &*dollar(&page_sql("TIMESTAMPTZ")),
                &[&i64::from(limit), &big(offset)?, &level, &at],
            )?
            .iter()
            .map(case_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(CareQueuePage {
            total: u64::try_from(total).unwrap_or(0),
            cases,
        })
    }

    fn care_board_cases(&mut self, from: Date, to: Date) -> StoreResult<Vec<CareBoardCase>> {
        self.client
            .query(&*dollar(BOARD_SQL), &[&date_text(from), &date_text(to)])?
            .iter()
            .map(board_case_from)
            .collect()
    }

    fn care_case(&mut self, reference: &str) -> StoreResult<Option<CareCaseRecord>> {
        self.client
            .query_opt(&*dollar(CASE_SQL), &[&pg_text(reference)])?
            .as_ref()
            .map(case_from)
            .transpose()
    }

    fn add_case_event(&mut self, event: &NewCaseEvent) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        if transaction
            .query_opt(&*dollar(REPORT_EXISTS_SQL), &[&event.report_id])?
            .is_none()
        {
            return Err(StoreError::NotFound {
                what: "report",
                id: event.report_id,
            });
        }
        if event.kind == "closed" {
            transaction.execute(&*dollar(UNCOUNT_CLOSED_SQL), &[&event.report_id])?;
            transaction.execute(&*dollar(MARK_CLOSED_SQL), &[&event.report_id])?;
        }
        let id: i64 = transaction
            .query_one(
                &*dollar(INSERT_EVENT_SQL),
                &[
                    &event.report_id,
                    &pg_text(&event.kind),
                    &pg_text(&event.detail),
                    &pg_text(&event.note),
                    &pg_text(&event.by),
                    &event.at,
                ],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(id)
    }

    fn case_events(&mut self, report_id: i64) -> StoreResult<Vec<CaseEventRecord>> {
        self.client
            .query(&*dollar(EVENTS_SQL), &[&report_id])?
            .iter()
            .map(event_from)
            .collect()
    }

    fn redact_closed_cases(
        &mut self,
        closed_before: OffsetDateTime,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<Vec<String>> {
        let mut transaction = self.client.transaction()?;
        let due: Vec<(i64, String)> = transaction
            .query(&*dollar(TO_REDACT_SQL), &[&closed_before])?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<StoreResult<_>>()?;
        for (report_id, _) in &due {
            transaction.execute(&*dollar(REDACT_SQL), &[report_id])?;
            transaction.query_one(
                &*dollar(INSERT_EVENT_SQL),
                &[report_id, &"redacted", &"", &"", &pg_text(by), &at],
            )?;
        }
        transaction.commit()?;
        Ok(due.into_iter().map(|(_, reference)| reference).collect())
    }
}
