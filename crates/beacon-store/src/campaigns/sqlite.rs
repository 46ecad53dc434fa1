//! Campaigns in SQLite: a launch is one IMMEDIATE transaction.

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
use crate::neutral::utc_text;
use crate::outbox::NewMessage;
use crate::outbox::sqlite::insert_messages;
use crate::sqlite::{SqliteStore, collect};
use crate::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, Params, TransactionBehavior, params};
use time::OffsetDateTime;

impl Campaigns for SqliteStore {
    fn create_campaign(&mut self, campaign: &NewCampaign) -> StoreResult<i64> {
        let [name, slug, channel, basis, segment] = campaign_texts(campaign);
        Ok(self.connection.query_row(
            INSERT_CAMPAIGN_SQL,
            params![
                name,
                slug,
                channel,
                basis,
                segment,
                utc_text(campaign.starts_at),
                campaign.evaluated,
                campaign.created_by,
                utc_text(campaign.created_at),
                campaign.control_advice_slug,
            ],
            |row| row.get(0),
        )?)
    }

    fn update_campaign(&mut self, id: i64, campaign: &NewCampaign) -> StoreResult<bool> {
        let [name, slug, channel, basis, segment] = campaign_texts(campaign);
        let changed = self.connection.execute(
            UPDATE_CAMPAIGN_SQL,
            params![
                name,
                slug,
                channel,
                basis,
                segment,
                utc_text(campaign.starts_at),
                campaign.evaluated,
                id,
                campaign.control_advice_slug,
            ],
        )?;
        Ok(changed > 0)
    }

    fn campaign(&mut self, id: i64) -> StoreResult<Option<CampaignRecord>> {
        let mut statement = self.connection.prepare_cached(&campaign_sql())?;
        Ok(collect(statement.query([id])?, |row| campaign_from(row))?.pop())
    }

    fn campaigns(&mut self) -> StoreResult<Vec<CampaignRecord>> {
        let mut statement = self.connection.prepare_cached(&campaigns_sql())?;
        collect(statement.query([])?, |row| campaign_from(row))
    }

    fn lock_plan(&mut self, id: i64, plan: &LockedPlanRecord) -> StoreResult<bool> {
        let locked = self.connection.execute(
            LOCK_PLAN_SQL,
            params![
                id,
                plan.json,
                plan.fingerprint,
                plan.locked_by,
                utc_text(plan.locked_at)
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
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let check: Option<(String, bool, bool)> = transaction
            .query_row(LAUNCH_CHECK_SQL, [id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        let Some((state, evaluated, locked)) = check else {
            return Err(StoreError::NotFound {
                what: "campaign",
                id,
            });
        };
        if let Some(refusal) = launch_refusal(&state, evaluated, locked)? {
            return Ok(refusal);
        }
        let campaign = campaign_in(&transaction, id)?;
        check_recipients(campaign.channel, recipients)?;
        for recipient in recipients {
            if exists(&transaction, TOKEN_TAKEN_SQL, [&recipient.token_hash])? {
                return Err(StoreError::Corrupt(
                    "a campaign recipient's link token is already used".to_owned(),
                ));
            }
            if let Some(message) = &recipient.message
                && exists(&transaction, MESSAGE_QUEUED_SQL, [&message.dedupe_key])?
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
        let mut message_ids = insert_messages(&transaction, &messages, message_domain)?.into_iter();
        {
            let mut insert = transaction.prepare_cached(INSERT_RECIPIENT_SQL)?;
            for recipient in recipients {
                let message_id = match recipient.message {
                    Some(_) => message_ids.next(),
                    None => None,
                };
                insert.execute(params![
                    id,
                    recipient.contact_id,
                    recipient.arm,
                    recipient.stratum,
                    recipient.cluster,
                    recipient.district,
                    recipient.token_hash,
                    message_id,
                ])?;
            }
        }
        transaction.execute(
            MARK_LAUNCHED_SQL,
            params![id, versions.advice, utc_text(at), versions.control],
        )?;
        transaction.commit()?;
        Ok(LaunchOutcome::Launched {
            recipients: recipients.len() as u64,
            queued: messages.len() as u64,
        })
    }

    fn finish_campaign(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<bool> {
        Ok(self
            .connection
            .execute(FINISH_SQL, params![id, utc_text(at)])?
            > 0)
    }

    fn campaign_recipient_by_token(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>> {
        let mut statement = self.connection.prepare_cached(&recipient_by_token_sql())?;
        Ok(collect(statement.query([token_hash])?, |row| recipient_from(row))?.pop())
    }

    fn campaign_recipient_by_message_id(
        &mut self,
        message_id: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>> {
        let mut statement = self
            .connection
            .prepare_cached(&recipient_by_message_id_sql())?;
        Ok(collect(statement.query([message_id])?, |row| recipient_from(row))?.pop())
    }

    fn record_campaign_event(&mut self, event: &NewCampaignEvent) -> StoreResult<bool> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !exists(&transaction, RECIPIENT_EXISTS_SQL, [event.recipient_id])? {
            return Err(StoreError::NotFound {
                what: "campaign recipient",
                id: event.recipient_id,
            });
        }
        if event.kind == CampaignEventKind::Survey
            && exists(&transaction, SURVEYED_SQL, [event.recipient_id])?
        {
            return Ok(false);
        }
        transaction.execute(
            INSERT_EVENT_SQL,
            params![
                event.recipient_id,
                event.kind.as_str(),
                utc_text(event.at),
                kept_detail(event.detail.as_deref()),
            ],
        )?;
        transaction.commit()?;
        Ok(true)
    }

    fn campaign_arm_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ArmFigures>> {
        let mut statement = self.connection.prepare_cached(&arm_figures_sql())?;
        fold_arms(collect(statement.query([campaign_id])?, |row| {
            arm_status_from(row)
        })?)
    }

    fn campaign_cluster_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ClusterFigures>> {
        let mut statement = self.connection.prepare_cached(&cluster_figures_sql())?;
        collect(statement.query([campaign_id])?, |row| cluster_from(row))
    }
    fn campaign_stratum_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<StratumFigures>> {
        let mut statement = self.connection.prepare_cached(STRATUM_FIGURES_SQL)?;
        collect(statement.query([campaign_id])?, |row| stratum_from(row))
    }
}

fn campaign_in(connection: &Connection, id: i64) -> StoreResult<CampaignRecord> {
    let mut statement = connection.prepare_cached(&campaign_sql())?;
    collect(statement.query([id])?, |row| campaign_from(row))?
        .pop()
        .ok_or(StoreError::NotFound {
            what: "campaign",
            id,
        })
}

fn exists(connection: &Connection, sql: &str, parameters: impl Params) -> StoreResult<bool> {
    Ok(connection
        .query_row(sql, parameters, |_| Ok(()))
        .optional()?
        .is_some())
}
