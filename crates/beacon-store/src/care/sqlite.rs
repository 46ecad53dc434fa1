//! Victim care in SQLite: a triage run replaces the queue in one IMMEDIATE transaction.

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
use crate::neutral::{date_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use crate::{StoreError, StoreResult};
use rusqlite::OptionalExtension;
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
        transaction.execute(CLEAR_LEVELS_SQL, [])?;
        transaction.execute(COUNT_LEVELS_SQL, [])?;
        let total: i64 = transaction.query_row(TOTAL_SQL, [], |row| row.get(0))?;
        transaction.commit()?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    fn care_queue(
        &mut self,
        filter: &CareQueueFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<CareQueuePage> {
        let level = filter.level.map(i64::from);
        let at = filter.overdue_at.map(utc_text);
        // The counts kept by level, unless the count depends on the moment (overdue).
        let total: i64 = match &at {
            None => self
                .connection
                .prepare_cached(OPEN_LEVELS_TOTAL_SQL)?
                .query_row(params![level], |row| row.get(0))?,
            Some(_) => {
                self.connection
                    .query_row(&open_total_sql("TEXT"), params![level, at], |row| {
                        row.get(0)
                    })?
            }
        };
        let mut statement = self.connection.prepare_cached(&page_sql("TEXT"))?;
        let cases = collect(
            statement.query(params![
                i64::from(limit),
                i64::try_from(offset).unwrap_or(i64::MAX),
                level,
                at
            ])?,
            |row| case_from(row),
        )?;
        Ok(CareQueuePage {
            total: u64::try_from(total).unwrap_or(0),
            cases,
        })
    }

    fn care_board_cases(&mut self, from: Date, to: Date) -> StoreResult<Vec<CareBoardCase>> {
        let mut statement = self.connection.prepare_cached(BOARD_SQL)?;
        collect(
            statement.query(params![date_text(from), date_text(to)])?,
            |row| board_case_from(row),
        )
    }

    fn care_case(&mut self, reference: &str) -> StoreResult<Option<CareCaseRecord>> {
        let mut statement = self.connection.prepare_cached(CASE_SQL)?;
        Ok(collect(statement.query([reference])?, |row| case_from(row))?.pop())
    }

    fn add_case_event(&mut self, event: &NewCaseEvent) -> StoreResult<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known = transaction
            .query_row(REPORT_EXISTS_SQL, [event.report_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !known {
            return Err(StoreError::NotFound {
                what: "report",
                id: event.report_id,
            });
        }
        if event.kind == "closed" {
            transaction.execute(UNCOUNT_CLOSED_SQL, [event.report_id])?;
            transaction.execute(MARK_CLOSED_SQL, [event.report_id])?;
        }
        let id: i64 = transaction.query_row(
            INSERT_EVENT_SQL,
            params![
                event.report_id,
                event.kind,
                event.detail,
                event.note,
                event.by,
                utc_text(event.at)
            ],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn case_events(&mut self, report_id: i64) -> StoreResult<Vec<CaseEventRecord>> {
        let mut statement = self.connection.prepare_cached(EVENTS_SQL)?;
        collect(statement.query([report_id])?, |row| event_from(row))
    }

    fn redact_closed_cases(
        &mut self,
        closed_before: OffsetDateTime,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<Vec<String>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due: Vec<(i64, String)> = {
            let mut statement = transaction.prepare_cached(TO_REDACT_SQL)?;
            collect(statement.query([utc_text(closed_before)])?, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
        };
        for (report_id, _) in &due {
            transaction.execute(REDACT_SQL, [report_id])?;
            transaction.query_row(
                INSERT_EVENT_SQL,
                params![report_id, "redacted", "", "", by, utc_text(at)],
                |row| row.get::<_, i64>(0),
            )?;
        }
        transaction.commit()?;
        Ok(due.into_iter().map(|(_, reference)| reference).collect())
    }
}
