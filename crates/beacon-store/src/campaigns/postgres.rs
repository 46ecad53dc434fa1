//! Campaigns in PostgreSQL: a launch is one transaction holding the campaign's row lock,
//! so two launches of the same draft never both write recipients.

use super::columns::{
    FINISH_SQL, INSERT_CAMPAIGN_SQL, INSERT_EVENT_SQL, INSERT_RECIPIENT_SQL, LAUNCH_CHECK_SQL,
    LOCK_PLAN_SQL, MARK_LAUNCHED_SQL, MESSAGE_QUEUED_SQL, RECIPIENT_EXISTS_SQL,
    STRATUM_FIGURES_SQL, SURVEYED_SQL, TOKEN_TAKEN_SQL, UPDATE_CAMPAIGN_SQL, arm_figures_sql,
    arm_status_from, campaign_from, campaign_sql, campaign_texts, campaigns_sql, check_recipients,
    cluster_figures_sql, cluster_from, fold_arms, kept_detail, launch_refusal,
    recipient_by_message_id_sql, recipient_by_token_sql, recipient_from, stratum_from,
};
use super::{
    AdviceVersions, ArmFigures, CampaignEventKind, CampaignRecipientRecord, CampaignRecord,
    Campaigns, ClusterFigures, LaunchOutcome, LockedPlanRecord, NewCampaign, NewCampaignEvent,
    NewCampaignRecipient, StratumFigures,
};
use crate::neutral::dollar;
use crate::outbox::NewMessage;
use crate::outbox::postgres::insert_messages;
use crate::postgres::{PostgresStore, pg_opt_text, pg_text};
use crate::{StoreError, StoreResult};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

impl Campaigns for PostgresStore {
    fn create_campaign(&mut self, campaign: &NewCampaign) -> StoreResult<i64> {
        let [name, slug, channel, basis, segment] = campaign_texts(campaign);
        Ok(self
            .client
            .query_one(
                &*dollar(INSERT_CAMPAIGN_SQL),
                &[
                    &pg_text(&name),
                    &pg_text(&slug),
                    &channel,
                    &basis,
                    &pg_text(&segment),
                    &campaign.starts_at,
                    &campaign.evaluated,
                    &pg_text(&campaign.created_by),
                    &campaign.created_at,
                    &campaign.control_advice_slug,
                ],
            )?
            .try_get(0)?)
    }

    fn update_campaign(&mut self, id: i64, campaign: &NewCampaign) -> StoreResult<bool> {
        let [name, slug, channel, basis, segment] = campaign_texts(campaign);
        let changed = self.client.execute(
            &*dollar(UPDATE_CAMPAIGN_SQL),
            &[
                &pg_text(&name),
                &pg_text(&slug),
                &channel,
                &basis,
                &pg_text(&segment),
                &campaign.starts_at,
                &campaign.evaluated,
                &id,
                &campaign.control_advice_slug,
            ],
        )?;
        Ok(changed > 0)
    }

    fn campaign(&mut self, id: i64) -> StoreResult<Option<CampaignRecord>> {
        campaign_in(&mut self.client, id)
    }

    fn campaigns(&mut self) -> StoreResult<Vec<CampaignRecord>> {
        self.client
            .query(&*dollar(&campaigns_sql()), &[])?
            .iter()
            .map(campaign_from)
            .collect()
    }

    fn lock_plan(&mut self, id: i64, plan: &LockedPlanRecord) -> StoreResult<bool> {
        let locked = self.client.execute(
            &*dollar(LOCK_PLAN_SQL),
            &[
                &id,
                &pg_text(&plan.json),
                &pg_text(&plan.fingerprint),
                &pg_text(&plan.locked_by),
                &plan.locked_at,
            ],
        )?;
        Ok(locked > 0)
    }

    fn launch_campaign(
        &mut self,
        id: i64,
        versions: AdviceVersions,
        recipients: &[NewCampaignRecipient],
        at: OffsetDateTime,
        message_domain: &str,
    ) -> StoreResult<LaunchOutcome> {
        let mut transaction = self.client.transaction()?;
        let check =
            transaction.query_opt(&format!("{} FOR UPDATE", dollar(LAUNCH_CHECK_SQL)), &[&id])?;
        let Some(check) = check else {
            return Err(StoreError::NotFound {
                what: "campaign",
                id,
            });
        };
        let state: String = check.try_get(0)?;
        if let Some(refusal) = launch_refusal(&state, check.try_get(1)?, check.try_get(2)?)? {
            return Ok(refusal);
        }
        let campaign = campaign_in(&mut transaction, id)?.ok_or(StoreError::NotFound {
            what: "campaign",
            id,
        })?;
        check_recipients(campaign.channel, recipients)?;
        for recipient in recipients {
            if exists(
                &mut transaction,
                TOKEN_TAKEN_SQL,
                &[&pg_text(&recipient.token_hash)],
            )? {
                return Err(StoreError::Corrupt(
                    "a campaign recipient's link token is already used".to_owned(),
                ));
            }
            if let Some(message) = &recipient.message
                && exists(
                    &mut transaction,
                    MESSAGE_QUEUED_SQL,
                    &[&pg_text(&message.dedupe_key)],
                )?
            {
                return Err(StoreError::Corrupt(format!(
                    "a campaign message with dedupe key {} is already queued",
                    message.dedupe_key
                )));
            }
        }
        let messages: Vec<NewMessage> = recipients
            .iter()
            .filter_map(|recipient| recipient.message.clone())
            .collect();
        let mut message_ids =
            insert_messages(&mut transaction, &messages, message_domain)?.into_iter();
        let insert = transaction.prepare(&dollar(INSERT_RECIPIENT_SQL))?;
        for recipient in recipients {
            let message_id: Option<i64> = match recipient.message {
                Some(_) => message_ids.next(),
                None => None,
            };
            transaction.execute(
                &insert,
                &[
                    &id,
                    &recipient.contact_id,
                    &pg_text(&recipient.arm),
                    &pg_text(&recipient.stratum),
                    &pg_opt_text(recipient.cluster.as_deref()),
                    &pg_opt_text(recipient.district.as_deref()),
                    &pg_text(&recipient.token_hash),
                    &message_id,
                ],
            )?;
        }
        transaction.execute(
            &*dollar(MARK_LAUNCHED_SQL),
            &[&id, &versions.advice, &at, &versions.control],
        )?;
        transaction.commit()?;
        Ok(LaunchOutcome::Launched {
            recipients: recipients.len() as u64,
            queued: messages.len() as u64,
        })
    }

    fn finish_campaign(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<bool> {
        Ok(self.client.execute(&*dollar(FINISH_SQL), &[&id, &at])? > 0)
    }

    fn campaign_recipient_by_token(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>> {
        self.client
            .query_opt(&*dollar(&recipient_by_token_sql()), &[&pg_text(token_hash)])?
            .as_ref()
            .map(recipient_from)
            .transpose()
    }

    fn campaign_recipient_by_message_id(
        &mut self,
        message_id: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>> {
        self.client
            .query_opt(
                &*dollar(&recipient_by_message_id_sql()),
                &[&pg_text(message_id)],
            )?
            .as_ref()
            .map(recipient_from)
            .transpose()
    }

    fn record_campaign_event(&mut self, event: &NewCampaignEvent) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        // The recipient's row lock makes "answer the survey once" hold under concurrency.
        let locked = transaction.query_opt(
            &format!("{} FOR UPDATE", dollar(RECIPIENT_EXISTS_SQL)),
            &[&event.recipient_id],
        )?;
        if locked.is_none() {
            return Err(StoreError::NotFound {
                what: "campaign recipient",
                id: event.recipient_id,
            });
        }
        if event.kind == CampaignEventKind::Survey
            && exists(&mut transaction, SURVEYED_SQL, &[&event.recipient_id])?
        {
            return Ok(false);
        }
        let detail = kept_detail(event.detail.as_deref());
        transaction.execute(
            &*dollar(INSERT_EVENT_SQL),
            &[
                &event.recipient_id,
                &event.kind.as_str(),
                &event.at,
                &pg_opt_text(detail.as_deref()),
            ],
        )?;
        transaction.commit()?;
        Ok(true)
    }

    fn campaign_arm_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ArmFigures>> {
        let rows = self
            .client
            .query(&*dollar(&arm_figures_sql()), &[&campaign_id])?
            .iter()
            .map(arm_status_from)
            .collect::<StoreResult<Vec<_>>>()?;
        fold_arms(rows)
    }

    fn campaign_cluster_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ClusterFigures>> {
        self.client
            .query(&*dollar(&cluster_figures_sql()), &[&campaign_id])?
            .iter()
            .map(cluster_from)
            .collect()
    }
    fn campaign_stratum_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<StratumFigures>> {
        self.client
            .query(&*dollar(STRATUM_FIGURES_SQL), &[&campaign_id])?
            .iter()
            .map(stratum_from)
            .collect()
    }
}

fn campaign_in(client: &mut impl GenericClient, id: i64) -> StoreResult<Option<CampaignRecord>> {
    client
        .query_opt(&*dollar(&campaign_sql()), &[&id])?
        .as_ref()
        .map(campaign_from)
        .transpose()
}

/// Whether a statement (written with `?N` placeholders) returns a row.
fn exists(
    client: &mut impl GenericClient,
    sql: &str,
    parameters: &[&(dyn ToSql + Sync)],
) -> StoreResult<bool> {
    Ok(client.query_opt(&*dollar(sql), parameters)?.is_some())
}
