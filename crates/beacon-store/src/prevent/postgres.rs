//! Cyber Choices in PostgreSQL: a stage is checked and written in one transaction that
//! holds the referral's row (`FOR UPDATE`), so stages recorded at once take turns.

use super::columns::{
    INSERT_REFERRAL_SQL, INSERT_STEP_SQL, referral_from, referrals_sql, step_from, steps_sql,
    with_steps,
};
use super::{CyberChoices, NewReferral, NewReferralStep, ReferralRecord, StepRule};
use crate::neutral::{date_text, dollar};
use crate::postgres::{PostgresStore, pg_text};
use crate::{StoreError, StoreResult};

impl CyberChoices for PostgresStore {
    fn add_referral(&mut self, referral: &NewReferral) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        let id: i64 = transaction
            .query_one(
                &*dollar(INSERT_REFERRAL_SQL),
                &[
                    &pg_text(&referral.referrer),
                    &pg_text(&referral.age_band),
                    &pg_text(&referral.district_code),
                    &pg_text(&referral.concern),
                    &pg_text(&referral.by),
                    &referral.at,
                ],
            )?
            .try_get(0)?;
        transaction.query_one(
            &*dollar(INSERT_STEP_SQL),
            &[
                &id,
                &"summary",
                &date_text(referral.summary_on),
                &"",
                &pg_text(&referral.note),
                &pg_text(&referral.by),
                &referral.at,
            ],
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn add_referral_step(
        &mut self,
        step: &NewReferralStep,
        rule: StepRule<'_>,
    ) -> StoreResult<Result<i64, String>> {
        let mut transaction = self.client.transaction()?;
        if transaction
            .query_opt(
                "SELECT 1 FROM cyber_choices_referrals WHERE id = $1 FOR UPDATE",
                &[&step.referral_id],
            )?
            .is_none()
        {
            return Err(StoreError::NotFound {
                what: "Cyber Choices referral",
                id: step.referral_id,
            });
        }
        let so_far = transaction
            .query(
                &*dollar(&steps_sql("WHERE referral_id = ?1")),
                &[&step.referral_id],
            )?
            .iter()
            .map(|row| step_from(row).map(|(_, step)| step))
            .collect::<StoreResult<Vec<_>>>()?;
        if let Err(why) = rule(&so_far) {
            return Ok(Err(why));
        }
        let id: i64 = transaction
            .query_one(
                &*dollar(INSERT_STEP_SQL),
                &[
                    &step.referral_id,
                    &pg_text(&step.step),
                    &date_text(step.on),
                    &pg_text(&step.result),
                    &pg_text(&step.note),
                    &pg_text(&step.by),
                    &step.at,
                ],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(Ok(id))
    }

    fn referrals(&mut self) -> StoreResult<Vec<ReferralRecord>> {
        let referrals = self
            .client
            .query(&*referrals_sql(""), &[])?
            .iter()
            .map(referral_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let steps = self
            .client
            .query(&*steps_sql(""), &[])?
            .iter()
            .map(step_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(with_steps(referrals, steps))
    }

    fn referral(&mut self, id: i64) -> StoreResult<Option<ReferralRecord>> {
        let referrals = self
            .client
            .query(&*dollar(&referrals_sql("WHERE id = ?1")), &[&id])?
            .iter()
            .map(referral_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let steps = self
            .client
            .query(&*dollar(&steps_sql("WHERE referral_id = ?1")), &[&id])?
            .iter()
            .map(step_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(with_steps(referrals, steps).pop())
    }
}
