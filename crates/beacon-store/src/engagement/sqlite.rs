//! Business engagement in SQLite: an import in one IMMEDIATE transaction.

use super::columns::{
    BY_SECTOR_SQL, COUNT_SQL, FACTS_SQL, INSERT_ENGAGEMENT_SQL, LOG_SQL, UPSERT_BUSINESS_SQL,
    fact_from, record_from,
};
use super::{EngagementFact, EngagementRecord, EngagementWrite, Engagements, NewEngagement};
use crate::StoreResult;
use crate::neutral::{date_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use beacon_core::{RejectedRow, RunCounts};
use rusqlite::{TransactionBehavior, params};
use time::{Date, OffsetDateTime};

impl Engagements for SqliteStore {
    fn record_engagements(
        &mut self,
        run_id: Option<i64>,
        engagements: &[NewEngagement],
        rejects: &[RejectedRow],
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<EngagementWrite> {
        let at = utc_text(at);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut write = EngagementWrite::default();
        {
            let mut business = transaction.prepare_cached(UPSERT_BUSINESS_SQL)?;
            let mut insert = transaction.prepare_cached(INSERT_ENGAGEMENT_SQL)?;
            for engagement in engagements {
                let id: i64 = business.query_row(
                    params![
                        engagement.business,
                        engagement.business_key,
                        engagement.sector,
                        engagement.size,
                        engagement.district_code
                    ],
                    |row| row.get(0),
                )?;
                let written = insert.execute(params![
                    id,
                    engagement.how,
                    date_text(engagement.on),
                    engagement.note,
                    run_id,
                    by,
                    at
                ])?;
                if written == 1 {
                    write.stored += 1;
                } else {
                    write.duplicates += 1;
                }
            }
        }
        if let Some(run_id) = run_id {
            crate::runs::sqlite::quarantine(&transaction, run_id, rejects)?;
            crate::runs::sqlite::count_batch(
                &transaction,
                run_id,
                &RunCounts {
                    read: engagements.len() as u64 + rejects.len() as u64,
                    stored: write.stored,
                    duplicates: write.duplicates,
                    rejected: rejects.len() as u64,
                    skipped: 0,
                },
            )?;
        }
        transaction.commit()?;
        Ok(write)
    }

    fn engagement_facts(&mut self, from: Date, to: Date) -> StoreResult<Vec<EngagementFact>> {
        let mut statement = self.connection.prepare_cached(FACTS_SQL)?;
        collect(
            statement.query(params![date_text(from), date_text(to)])?,
            |row| fact_from(row),
        )
    }

    fn organisation_reports_by_sector(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<(String, u64)>> {
        let mut statement = self.connection.prepare_cached(BY_SECTOR_SQL)?;
        collect(
            statement.query(params![date_text(from), date_text(to)])?,
            |row| {
                let count: i64 = row.get(1)?;
                Ok((row.get(0)?, u64::try_from(count).unwrap_or(0)))
            },
        )
    }

    fn engagement_log(
        &mut self,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(u64, Vec<EngagementRecord>)> {
        let total: i64 = self.connection.query_row(COUNT_SQL, [], |row| row.get(0))?;
        let mut statement = self.connection.prepare_cached(LOG_SQL)?;
        let records = collect(
            statement.query(params![
                i64::from(limit),
                i64::try_from(offset).unwrap_or(i64::MAX)
            ])?,
            |row| record_from(row),
        )?;
        Ok((u64::try_from(total).unwrap_or(0), records))
    }
}
