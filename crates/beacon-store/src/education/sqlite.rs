//! Learning and simulations in SQLite: every write of more than one row is one IMMEDIATE
//! transaction.

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
use crate::neutral::utc_text;
use crate::outbox::NewMessage;
use crate::outbox::sqlite::insert_messages;
use crate::sqlite::{SqliteStore, collect};
use rusqlite::{Connection, OptionalExtension, Params, TransactionBehavior, params};
use time::OffsetDateTime;

impl Education for SqliteStore {
    fn create_invitation(&mut self, invitation: &NewInvitation) -> StoreResult<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require(
            &transaction,
            ORGANISATION_SQL,
            "organisation",
            invitation.organisation_id,
        )?;
        let id = transaction.query_row(
            INSERT_INVITATION_SQL,
            params![
                invitation.organisation_id,
                invitation.token_hash,
                invitation.created_by,
                utc_text(invitation.created_at),
                utc_text(invitation.expires_at),
            ],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn invitations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InvitationRecord>> {
        let mut statement = self.connection.prepare_cached(&invitations_sql())?;
        collect(statement.query([organisation_id])?, |row| {
            invitation_from(row)
        })
    }

    fn invitation_by_token(&mut self, token_hash: &str) -> StoreResult<Option<InvitationRecord>> {
        let mut statement = self.connection.prepare_cached(&invitation_by_token_sql())?;
        Ok(collect(statement.query([token_hash])?, |row| invitation_from(row))?.pop())
    }

    fn revoke_invitation(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let revoked = self.connection.execute(
            REVOKE_INVITATION_SQL,
            params![id, organisation_id, utc_text(at)],
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
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: i64 = transaction
            .query_row(
                JOIN_LEARNER_SQL,
                params![
                    invitation_id,
                    display_name,
                    learner_token_hash,
                    utc_text(at)
                ],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found("open invitation", invitation_id))?;
        let learner = {
            let mut statement = transaction.prepare_cached(&learner_sql())?;
            collect(statement.query([id])?, |row| learner_from(row))?
                .pop()
                .ok_or_else(|| not_found("learner", id))?
        };
        transaction.commit()?;
        Ok(learner)
    }

    fn learner_by_token(&mut self, token_hash: &str) -> StoreResult<Option<LearnerRecord>> {
        let mut statement = self.connection.prepare_cached(&learner_by_token_sql())?;
        Ok(collect(statement.query([token_hash])?, |row| learner_from(row))?.pop())
    }

    fn record_attempt(&mut self, attempt: &NewAttempt) -> StoreResult<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require(
            &transaction,
            LEARNER_EXISTS_SQL,
            "learner",
            attempt.learner_id,
        )?;
        if let Some(code) = &attempt.certificate_code
            && exists(&transaction, CERTIFICATE_TAKEN_SQL, [code])?
        {
            return Err(certificate_taken(code));
        }
        let id = transaction.query_row(
            INSERT_ATTEMPT_SQL,
            params![
                attempt.learner_id,
                attempt.module_id,
                attempt.score,
                attempt.total,
                attempt.passed,
                answers_text(&attempt.answers)?,
                utc_text(attempt.at),
                attempt.certificate_code,
            ],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn attempts(
        &mut self,
        organisation_id: Option<i64>,
        learner_id: Option<i64>,
    ) -> StoreResult<Vec<AttemptRecord>> {
        let mut statement = self.connection.prepare_cached(&attempts_sql())?;
        collect(
            statement.query(params![organisation_id, learner_id])?,
            |row| attempt_from(row),
        )
    }

    fn certificate(&mut self, code: &str) -> StoreResult<Option<AttemptRecord>> {
        let mut statement = self.connection.prepare_cached(&certificate_sql())?;
        Ok(collect(statement.query([code])?, |row| attempt_from(row))?.pop())
    }

    fn add_simulation_recipients(
        &mut self,
        organisation_id: i64,
        recipients: &[NewSimulationRecipient],
    ) -> StoreResult<u32> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require(
            &transaction,
            ORGANISATION_SQL,
            "organisation",
            organisation_id,
        )?;
        let mut added = 0;
        for recipient in recipients {
            let parameters = params![
                organisation_id,
                recipient.email.trim(),
                email_key(&recipient.email),
                utc_text(recipient.consented_at),
                recipient.consent_evidence,
            ];
            if transaction.execute(INSERT_RECIPIENT_SQL, parameters)? > 0 {
                added += 1;
            } else {
                transaction.execute(REFRESH_RECIPIENT_SQL, parameters)?;
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
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key = email_key(email);
        let withdrawn =
            transaction.execute(WITHDRAW_SQL, params![organisation_id, key, utc_text(at)])?;
        transaction.execute(GIVE_UP_WITHDRAWN_SQL, params![organisation_id, key])?;
        transaction.commit()?;
        Ok(withdrawn > 0)
    }

    fn simulation_recipients(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<SimulationRecipientRecord>> {
        let mut statement = self.connection.prepare_cached(RECIPIENTS_SQL)?;
        collect(statement.query([organisation_id])?, |row| {
            recipient_from(row)
        })
    }

    fn create_simulation(
        &mut self,
        simulation: &NewSimulation,
        targets: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)> {
        check_targets(simulation, targets)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require(
            &transaction,
            ORGANISATION_SQL,
            "organisation",
            simulation.organisation_id,
        )?;
        let inserted: Option<i64> = transaction
            .query_row(
                INSERT_SIMULATION_SQL,
                params![
                    simulation.key,
                    simulation.organisation_id,
                    simulation.template_id,
                    utc_text(simulation.send_at),
                    simulation.created_by,
                    utc_text(simulation.created_at),
                ],
                |row| row.get(0),
            )
            .optional()?;
        let Some(id) = inserted else {
            let first = transaction
                .query_row(SIMULATION_BY_KEY_SQL, [&simulation.key], |row| row.get(0))?;
            return Ok((first, false));
        };
        for (recipient_id, _, message) in targets {
            let stored_key: Option<String> = transaction
                .query_row(
                    CONSENTING_RECIPIENT_SQL,
                    params![recipient_id, simulation.organisation_id],
                    |row| row.get(0),
                )
                .optional()?;
            check_recipient(*recipient_id, stored_key, message)?;
            if exists(&transaction, MESSAGE_QUEUED_SQL, [&message.dedupe_key])? {
                return Err(queued(&message.dedupe_key));
            }
        }
        let messages: Vec<NewMessage> = targets
            .iter()
            .map(|(_, _, message)| message.clone())
            .collect();
        let message_ids = insert_messages(&transaction, &messages, message_domain)?;
        {
            let mut insert = transaction.prepare_cached(INSERT_TARGET_SQL)?;
            for ((recipient_id, token_hash, _), message_id) in targets.iter().zip(message_ids) {
                insert.execute(params![id, recipient_id, token_hash, message_id])?;
            }
        }
        transaction.commit()?;
        Ok((id, true))
    }

    fn simulations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<SimulationRecord>> {
        let mut statement = self.connection.prepare_cached(SIMULATIONS_SQL)?;
        collect(statement.query([organisation_id])?, |row| {
            simulation_from(row)
        })
    }

    fn simulation_target(&mut self, token_hash: &str) -> StoreResult<Option<SimulationTarget>> {
        let mut statement = self.connection.prepare_cached(TARGET_BY_TOKEN_SQL)?;
        Ok(collect(statement.query([token_hash])?, |row| target_from(row))?.pop())
    }

    fn record_simulation_event(&mut self, event: &NewSimulationEvent) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require(
            &transaction,
            TARGET_EXISTS_SQL,
            "simulation target",
            event.target_id,
        )?;
        let (verdict, reason) = verdict_columns(event.verdict.as_ref());
        transaction.execute(
            INSERT_EVENT_SQL,
            params![
                event.target_id,
                event.kind.as_str(),
                utc_text(event.at),
                verdict,
                reason,
                kept_user_agent(event.user_agent.as_deref()),
            ],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn simulation_results(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<TargetResult>> {
        let mut statement = self.connection.prepare_cached(RESULTS_SQL)?;
        collect(statement.query([organisation_id])?, |row| result_from(row))
    }
}

/// Whether a statement returns a row.
fn exists(connection: &Connection, sql: &str, parameters: impl Params) -> StoreResult<bool> {
    Ok(connection
        .query_row(sql, parameters, |_| Ok(()))
        .optional()?
        .is_some())
}

/// [`crate::StoreError::NotFound`] unless `sql` finds the thing with this id.
fn require(connection: &Connection, sql: &str, what: &'static str, id: i64) -> StoreResult<()> {
    if exists(connection, sql, [id])? {
        Ok(())
    } else {
        Err(not_found(what, id))
    }
}
