//! Business engagement in PostgreSQL: an import in one transaction.

use super::columns::{
    BY_SECTOR_SQL, COUNT_SQL, FACTS_SQL, INSERT_ENGAGEMENT_SQL, LOG_SQL, UPSERT_BUSINESS_SQL,
    fact_from, record_from,
};
use super::{EngagementFact, EngagementRecord, EngagementWrite, Engagements, NewEngagement};
use crate::neutral::{date_text, dollar};
use crate::postgres::{PostgresStore, big, pg_opt_text, pg_text};
use crate::{StoreError, StoreResult};
use beacon_core::RejectedRow;
use time::{Date, OffsetDateTime};

impl Engagements for PostgresStore {
    fn record_engagements(
        &mut self,
        run_id: Option<i64>,
        engagements: &[NewEngagement],
        rejects: &[RejectedRow],
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<EngagementWrite> {
        let mut transaction = self.client.transaction()?;
        let business = transaction.prepare(&dollar(UPSERT_BUSINESS_SQL))?;
        let insert = transaction.prepare(&dollar(INSERT_ENGAGEMENT_SQL))?;
        let mut write = EngagementWrite::default();
        for engagement in engagements {
            let id: i64 = transaction
                .query_one(
                    &business,
                    &[
                        &pg_text(&engagement.business),
                        &pg_text(&engagement.business_key),
                        &pg_text(&engagement.sector),
                        &pg_opt_text(engagement.size.as_deref()),
                        &pg_text(&engagement.district_code),
                    ],
                )?
                .try_get(0)?;
            let written = transaction.execute(
                &insert,
                &[
                    &id,
                    &pg_text(&engagement.how),
                    &date_text(engagement.on),
                    &pg_text(&engagement.note),
                    &run_id,
                    &pg_text(by),
                    &at,
                ],
            )?;
            if written == 1 {
                write.stored += 1;
            } else {
                write.duplicates += 1;
            }
        }
        if let Some(run_id) = run_id {
            for reject in rejects {
                transaction.execute(
                    "INSERT INTO quarantine (run_id, line, reason, raw) VALUES ($1, $2, $3, $4)",
                    &[
                        &run_id,
                        &big(reject.line)?,
                        &pg_text(&reject.reason),
                        &pg_text(&reject.raw),
                    ],
                )?;
            }
            let changed = transaction.execute(
                "UPDATE ingest_runs SET rows_read = rows_read + $2, rows_stored = rows_stored + $3,
                     rows_duplicate = rows_duplicate + $4, rows_rejected = rows_rejected + $5,
                     updated_at = now()
                 WHERE id = $1",
                &[
                    &run_id,
                    &big(engagements.len() as u64 + rejects.len() as u64)?,
                    &big(write.stored)?,
                    &big(write.duplicates)?,
                    &big(rejects.len() as u64)?,
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound {
                    what: "ingest run",
                    id: run_id,
                });
            }
        }
        transaction.commit()?;
        Ok(write)
    }

    fn engagement_facts(&mut self, from: Date, to: Date) -> StoreResult<Vec<EngagementFact>> {
        self.client
            .query(&*dollar(FACTS_SQL), &[&date_text(from), &date_text(to)])?
            .iter()
            .map(fact_from)
            .collect()
    }

    fn organisation_reports_by_sector(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<(String, u64)>> {
        self.client
            .query(&*dollar(BY_SECTOR_SQL), &[&from, &to])?
            .iter()
            .map(|row| {
                let count: i64 = row.try_get(1)?;
                Ok((row.try_get(0)?, u64::try_from(count).unwrap_or(0)))
            })
            .collect()
    }

    fn engagement_log(
        &mut self,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(u64, Vec<EngagementRecord>)> {
        let total: i64 = self.client.query_one(COUNT_SQL, &[])?.try_get(0)?;
        let records = self
            .client
            .query(&*dollar(LOG_SQL), &[&i64::from(limit), &big(offset)?])?
            .iter()
            .map(record_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((u64::try_from(total).unwrap_or(0), records))
    }
}
