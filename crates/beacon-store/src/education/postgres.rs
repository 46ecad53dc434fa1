//! Learning and simulations in PostgreSQL, with the semantics of the SQLite backend. A
//! simulation locks the recipients it targets until it commits, so a withdrawal made
//! meanwhile waits and then gives up the messages just queued.

use super::columns::{
    CERTIFICATE_TAKEN_SQL, CONSENTING_RECIPIENT_SQL, GIVE_UP_WITHDRAWN_SQL, INSERT_ATTEMPT_SQL,
    INSERT_EVENT_SQL, INSERT_INVITATION_SQL, INSERT_RECIPIENT_SQL, INSERT_SIMULATION_SQL,
    INSERT_TARGET_SQL, JOIN_LEARNER_SQL, LEARNER_EXISTS_SQL, MESSAGE_QUEUED_SQL, ORGANISATION_SQL,
    RECIPIENTS_SQL, REFRESH_RECIPIENT_SQL, RESULTS_SQL, REVOKE_INVITATION_SQL,
    SIMULATION_BY_KEY_SQL, SIMULATIONS_SQL, TARGET_BY_TOKEN_SQL, TARGET_EXISTS_SQL, WITHDRAW_SQL,
    answers_text, attempt_from, attempts_sql, certificate_sql, certificate_taken, check_recipient,
    check_targets, email_key, invitation_by_token_sql, invitation_from, invitations_sql,
    kept_user_agent, learner_by_token_sql, learner_from, learner_sql, not_found, queued,
    recipient_from, result_from, simulation_from, target_from, verdict_columns,
};
use super::{
    AttemptRecord, Education, InvitationRecord, LearnerRecord, NewAttempt, NewInvitation,
    NewSimulation, NewSimulationEvent, NewSimulationRecipient, SimulationRecipientRecord,
    SimulationRecord, SimulationTarget, TargetResult,
};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::outbox::NewMessage;
use crate::outbox::postgres::insert_messages;
use crate::postgres::{PostgresStore, pg_opt_text, pg_text};
use postgres::GenericClient;
use postgres::types::ToSql;
use time::OffsetDateTime;

impl Education for PostgresStore {
    fn create_invitation(&mut self, invitation: &NewInvitation) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        require(
            &mut transaction,
            ORGANISATION_SQL,
            "organisation",
            invitation.organisation_id,
        )?;
        let id = transaction
            .query_one(
                &*dollar(INSERT_INVITATION_SQL),
                &[
                    &invitation.organisation_id,
                    &pg_text(&invitation.token_hash),
                    &pg_text(&invitation.created_by),
                    &invitation.created_at,
                    &invitation.expires_at,
                ],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(id)
    }

    fn invitations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InvitationRecord>> {
        self.client
            .query(&*dollar(&invitations_sql()), &[&organisation_id])?
            .iter()
            .map(invitation_from)
            .collect()
    }

    fn invitation_by_token(&mut self, token_hash: &str) -> StoreResult<Option<InvitationRecord>> {
        self.client
            .query_opt(
                &*dollar(&invitation_by_token_sql()),
                &[&pg_text(token_hash)],
            )?
            .as_ref()
            .map(invitation_from)
            .transpose()
    }

    fn revoke_invitation(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let revoked = self.client.execute(
            &*dollar(REVOKE_INVITATION_SQL),
            &[&id, &organisation_id, &at],
        )?;
        Ok(revoked > 0)
    }

    fn join_learner(
        &mut self,
        invitation_id: i64,
        display_name: &str,
        learner_token_hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<LearnerRecord> {
        let mut transaction = self.client.transaction()?;
        let id: i64 = transaction
            .query_opt(
                &*dollar(JOIN_LEARNER_SQL),
                &[
                    &invitation_id,
                    &pg_text(display_name),
                    &pg_text(learner_token_hash),
                    &at,
                ],
            )?
            .ok_or_else(|| not_found("open invitation", invitation_id))?
            .try_get(0)?;
        let learner = transaction
            .query_opt(&*dollar(&learner_sql()), &[&id])?
            .as_ref()
            .map(learner_from)
            .transpose()?
            .ok_or_else(|| not_found("learner", id))?;
        transaction.commit()?;
        Ok(learner)
    }

    fn learner_by_token(&mut self, token_hash: &str) -> StoreResult<Option<LearnerRecord>> {
        self.client
            .query_opt(&*dollar(&learner_by_token_sql()), &[&pg_text(token_hash)])?
            .as_ref()
            .map(learner_from)
            .transpose()
    }

    fn record_attempt(&mut self, attempt: &NewAttempt) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        require(
            &mut transaction,
            LEARNER_EXISTS_SQL,
            "learner",
            attempt.learner_id,
        )?;
        let code = pg_opt_text(attempt.certificate_code.as_deref());
        if let Some(code) = &code
            && exists(&mut transaction, CERTIFICATE_TAKEN_SQL, &[code])?
        {
            return Err(certificate_taken(code));
        }
        let id = transaction
            .query_one(
                &*dollar(INSERT_ATTEMPT_SQL),
                &[
                    &attempt.learner_id,
                    &pg_text(&attempt.module_id),
                    &i64::from(attempt.score),
                    &i64::from(attempt.total),
                    &attempt.passed,
                    &pg_text(&answers_text(&attempt.answers)?),
                    &attempt.at,
                    &code,
                ],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(id)
    }

    fn attempts(
        &mut self,
        organisation_id: Option<i64>,
        learner_id: Option<i64>,
    ) -> StoreResult<Vec<AttemptRecord>> {
        self.client
            .query(&*dollar(&attempts_sql()), &[&organisation_id, &learner_id])?
            .iter()
            .map(attempt_from)
            .collect()
    }

    fn certificate(&mut self, code: &str) -> StoreResult<Option<AttemptRecord>> {
        self.client
            .query_opt(&*dollar(&certificate_sql()), &[&pg_text(code)])?
            .as_ref()
            .map(attempt_from)
            .transpose()
    }

    fn add_simulation_recipients(
        &mut self,
        organisation_id: i64,
        recipients: &[NewSimulationRecipient],
    ) -> StoreResult<u32> {
        let mut transaction = self.client.transaction()?;
        require(
            &mut transaction,
            ORGANISATION_SQL,
            "organisation",
            organisation_id,
        )?;
        let insert = transaction.prepare(&dollar(INSERT_RECIPIENT_SQL))?;
        let refresh = transaction.prepare(&dollar(REFRESH_RECIPIENT_SQL))?;
        let mut added = 0;
        for recipient in recipients {
            let email = pg_text(recipient.email.trim());
            let key = email_key(&email);
            let evidence = pg_text(&recipient.consent_evidence);
            let parameters: [&(dyn ToSql + Sync); 5] = [
                &organisation_id,
                &email,
                &key,
                &recipient.consented_at,
                &evidence,
            ];
            if transaction.execute(&insert, &parameters)? > 0 {
                added += 1;
            } else {
                transaction.execute(&refresh, &parameters)?;
            }
        }
        transaction.commit()?;
        Ok(added)
    }

    fn withdraw_simulation_consent(
        &mut self,
        organisation_id: i64,
        email: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        let key = email_key(&pg_text(email));
        let withdrawn =
            transaction.execute(&*dollar(WITHDRAW_SQL), &[&organisation_id, &key, &at])?;
        transaction.execute(&*dollar(GIVE_UP_WITHDRAWN_SQL), &[&organisation_id, &key])?;
        transaction.commit()?;
        Ok(withdrawn > 0)
    }

    fn simulation_recipients(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<SimulationRecipientRecord>> {
        self.client
            .query(&*dollar(RECIPIENTS_SQL), &[&organisation_id])?
            .iter()
            .map(recipient_from)
            .collect()
    }

    fn create_simulation(
        &mut self,
        simulation: &NewSimulation,
        targets: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)> {
        check_targets(simulation, targets)?;
        let mut transaction = self.client.transaction()?;
        require(
            &mut transaction,
            ORGANISATION_SQL,
            "organisation",
            simulation.organisation_id,
        )?;
        let key = pg_text(&simulation.key);
        let inserted = transaction.query_opt(
            &*dollar(INSERT_SIMULATION_SQL),
            &[
                &key,
                &simulation.organisation_id,
                &pg_text(&simulation.template_id),
                &simulation.send_at,
                &pg_text(&simulation.created_by),
                &simulation.created_at,
            ],
        )?;
        let Some(inserted) = inserted else {
            let first = transaction
                .query_one(&*dollar(SIMULATION_BY_KEY_SQL), &[&key])?
                .try_get(0)?;
            return Ok((first, false));
        };
        let id: i64 = inserted.try_get(0)?;
        let consenting = format!("{} FOR UPDATE", dollar(CONSENTING_RECIPIENT_SQL));
        for (recipient_id, _, message) in targets {
            let stored_key: Option<String> = transaction
                .query_opt(&consenting, &[recipient_id, &simulation.organisation_id])?
                .map(|row| row.try_get(0))
                .transpose()?;
            check_recipient(*recipient_id, stored_key, message)?;
            if exists(
                &mut transaction,
                MESSAGE_QUEUED_SQL,
                &[&pg_text(&message.dedupe_key)],
            )? {
                return Err(queued(&message.dedupe_key));
            }
        }
        let messages: Vec<NewMessage> = targets
            .iter()
            .map(|(_, _, message)| message.clone())
            .collect();
        let message_ids = insert_messages(&mut transaction, &messages, message_domain)?;
        let insert = transaction.prepare(&dollar(INSERT_TARGET_SQL))?;
        for ((recipient_id, token_hash, _), message_id) in targets.iter().zip(message_ids) {
            transaction.execute(
                &insert,
                &[&id, recipient_id, &pg_text(token_hash), &message_id],
            )?;
        }
        transaction.commit()?;
        Ok((id, true))
    }

    fn simulations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<SimulationRecord>> {
        self.client
            .query(&*dollar(SIMULATIONS_SQL), &[&organisation_id])?
            .iter()
            .map(simulation_from)
            .collect()
    }

    fn simulation_target(&mut self, token_hash: &str) -> StoreResult<Option<SimulationTarget>> {
        self.client
            .query_opt(&*dollar(TARGET_BY_TOKEN_SQL), &[&pg_text(token_hash)])?
            .as_ref()
            .map(target_from)
            .transpose()
    }

    fn record_simulation_event(&mut self, event: &NewSimulationEvent) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        require(
            &mut transaction,
            TARGET_EXISTS_SQL,
            "simulation target",
            event.target_id,
        )?;
        let (verdict, reason) = verdict_columns(event.verdict.as_ref());
        let user_agent = kept_user_agent(event.user_agent.as_deref());
        transaction.execute(
            &*dollar(INSERT_EVENT_SQL),
            &[
                &event.target_id,
                &event.kind.as_str(),
                &event.at,
                &verdict,
                &pg_opt_text(reason),
                &pg_opt_text(user_agent.as_deref()),
            ],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn simulation_results(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<TargetResult>> {
        self.client
            .query(&*dollar(RESULTS_SQL), &[&organisation_id])?
            .iter()
            .map(result_from)
            .collect()
    }
}

/// Whether a statement (written with `?N` placeholders) returns a row.
fn exists(
    client: &mut impl GenericClient,
    sql: &str,
    parameters: &[&(dyn ToSql + Sync)],
) -> StoreResult<bool> {
    Ok(client.query_opt(&*dollar(sql), parameters)?.is_some())
}

/// [`crate::StoreError::NotFound`] unless `sql` finds the thing with this id.
fn require(
    client: &mut impl GenericClient,
    sql: &str,
    what: &'static str,
    id: i64,
) -> StoreResult<()> {
    if exists(client, sql, &[&id])? {
        Ok(())
    } else {
        Err(not_found(what, id))
    }
}
