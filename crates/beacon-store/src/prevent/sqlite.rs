//! Cyber Choices in SQLite: a stage is checked and written in one IMMEDIATE transaction.

use super::columns::{
    INSERT_REFERRAL_SQL, INSERT_STEP_SQL, referral_from, referrals_sql, step_from, steps_sql,
    with_steps,
};
use super::{CyberChoices, NewReferral, NewReferralStep, ReferralRecord, StepRule};
use crate::neutral::{date_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use crate::{StoreError, StoreResult};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

impl CyberChoices for SqliteStore {
    fn add_referral(&mut self, referral: &NewReferral) -> StoreResult<i64> {
        let at = utc_text(referral.at);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: i64 = transaction.query_row(
            INSERT_REFERRAL_SQL,
            params![
                referral.referrer,
                referral.age_band,
                referral.district_code,
                referral.concern,
                referral.by,
                at
            ],
            |row| row.get(0),
        )?;
        transaction.query_row(
            INSERT_STEP_SQL,
            params![
                id,
                "summary",
                date_text(referral.summary_on),
                "",
                referral.note,
                referral.by,
                at
            ],
            |row| row.get::<_, i64>(0),
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn add_referral_step(
        &mut self,
        step: &NewReferralStep,
        rule: StepRule<'_>,
    ) -> StoreResult<Result<i64, String>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known = transaction
            .query_row(
                "SELECT 1 FROM cyber_choices_referrals WHERE id = ?1",
                [step.referral_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !known {
            return Err(StoreError::NotFound {
                what: "Cyber Choices referral",
                id: step.referral_id,
            });
        }
        let so_far = {
            let mut statement = transaction.prepare_cached(&steps_sql("WHERE referral_id = ?1"))?;
            collect(statement.query([step.referral_id])?, |row| step_from(row))?
        };
        let so_far: Vec<_> = so_far.into_iter().map(|(_, step)| step).collect();
        if let Err(why) = rule(&so_far) {
            return Ok(Err(why));
        }
        let id: i64 = transaction.query_row(
            INSERT_STEP_SQL,
            params![
                step.referral_id,
                step.step,
                date_text(step.on),
                step.result,
                step.note,
                step.by,
                utc_text(step.at)
            ],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(Ok(id))
    }

    fn referrals(&mut self) -> StoreResult<Vec<ReferralRecord>> {
        let referrals = {
            let mut statement = self.connection.prepare_cached(&referrals_sql(""))?;
            collect(statement.query([])?, |row| referral_from(row))?
        };
        let mut statement = self.connection.prepare_cached(&steps_sql(""))?;
        let steps = collect(statement.query([])?, |row| step_from(row))?;
        Ok(with_steps(referrals, steps))
    }

    fn referral(&mut self, id: i64) -> StoreResult<Option<ReferralRecord>> {
        let referrals = {
            let mut statement = self
                .connection
                .prepare_cached(&referrals_sql("WHERE id = ?1"))?;
            collect(statement.query([id])?, |row| referral_from(row))?
        };
        let mut statement = self
            .connection
            .prepare_cached(&steps_sql("WHERE referral_id = ?1"))?;
        let steps = collect(statement.query([id])?, |row| step_from(row))?;
        Ok(with_steps(referrals, steps).pop())
    }
}
