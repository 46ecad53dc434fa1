//! Readiness in SQLite: every write is one IMMEDIATE transaction.

use super::columns::{
    ANSWERS_SQL, ASSESSMENTS_SQL, INJECTS_SQL, INSERT_ANSWER_SQL, INSERT_ASSESSMENT_SQL,
    INSERT_INJECT_SQL, INSERT_PLAYER_SQL, INSERT_RESPONSE_SQL, INSERT_RUN_SQL, OBSERVATIONS_SQL,
    ORGANISATION_SQL, PLAYERS_SQL, PLAYS_SQL, PUT_OBSERVATION_SQL, PUT_SCENARIO_SQL, RESPONSES_SQL,
    RUN_BY_KEY_SQL, RUN_EXISTS_SQL, RUNS_SQL, SCENARIO_REVISION_SQL, SCENARIOS_SQL, SET_PHASE_SQL,
    answer_from, assessment_from, check_injects, inject_from, made_first, no_organisation, no_run,
    not_playing, observation_from, player_from, response_from, run_from, scenario_from,
    scenario_json, scenario_put, with_answers, with_players,
};
use super::{
    AssessmentRecord, ExerciseRunRecord, InjectMessage, NewAssessment, NewExerciseRun, NewResponse,
    ObservationRecord, Readiness, ResponseRecord, RunState, ScenarioPut, StoredScenario,
    scenario_revision,
};
use crate::StoreResult;
use crate::neutral::utc_text;
use crate::outbox::NewMessage;
use crate::outbox::sqlite::{insert_messages, message};
use crate::sqlite::{SqliteStore, collect};
use beacon_core::readiness::{Observation, Scenario};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

impl Readiness for SqliteStore {
    fn put_scenario(
        &mut self,
        scenario: &Scenario,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<ScenarioPut> {
        let revision = scenario_revision(scenario);
        let json = scenario_json(scenario)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<String> = transaction
            .query_row(SCENARIO_REVISION_SQL, [&scenario.id], |row| row.get(0))
            .optional()?;
        let put = scenario_put(stored.as_deref(), &revision);
        if put != ScenarioPut::Unchanged {
            transaction.execute(
                PUT_SCENARIO_SQL,
                params![
                    scenario.id,
                    scenario.title,
                    revision,
                    json,
                    by,
                    utc_text(at)
                ],
            )?;
        }
        transaction.commit()?;
        Ok(put)
    }

    fn scenarios(&mut self) -> StoreResult<Vec<StoredScenario>> {
        read_scenarios(&self.connection, None)
    }

    fn scenario(&mut self, id: &str) -> StoreResult<Option<StoredScenario>> {
        Ok(read_scenarios(&self.connection, Some(id))?.pop())
    }

    fn create_exercise_run(
        &mut self,
        run: &NewExerciseRun,
        injects: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(id) = run_by_key(&transaction, &run.key)? {
            return Ok((id, false));
        }
        for organisation_id in &run.organisation_ids {
            require_organisation(&transaction, *organisation_id)?;
        }
        check_injects(run, injects)?;
        let inserted: Option<i64> = transaction
            .query_row(
                INSERT_RUN_SQL,
                params![
                    run.key,
                    run.scenario.id,
                    scenario_json(&run.scenario)?,
                    run.title,
                    run.mode.as_str(),
                    utc_text(run.starts_at),
                    run.facilitator,
                    utc_text(run.created_at)
                ],
                |row| row.get(0),
            )
            .optional()?;
        let Some(id) = inserted else {
            return made_first(run_by_key(&transaction, &run.key)?, &run.key);
        };
        {
            let mut player = transaction.prepare_cached(INSERT_PLAYER_SQL)?;
            for organisation_id in &run.organisation_ids {
                player.execute(params![id, organisation_id])?;
            }
        }
        for (organisation_id, inject_id, queued) in injects {
            let message_ids =
                insert_messages(&transaction, std::slice::from_ref(queued), message_domain)?;
            let mut link = transaction.prepare_cached(INSERT_INJECT_SQL)?;
            for message_id in message_ids {
                link.execute(params![id, message_id, organisation_id, inject_id])?;
            }
        }
        transaction.commit()?;
        Ok((id, true))
    }

    fn exercise_runs(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ExerciseRunRecord>> {
        read_runs(&self.connection, organisation_id, None)
    }

    fn exercise_run(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<ExerciseRunRecord>> {
        Ok(read_runs(&self.connection, organisation_id, Some(id))?.pop())
    }

    fn set_exercise_phase(
        &mut self,
        id: i64,
        phase_id: Option<&str>,
        state: RunState,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self.connection.execute(
            SET_PHASE_SQL,
            params![id, state.as_str(), phase_id, utc_text(at)],
        )?;
        Ok(changed > 0)
    }

    fn exercise_injects(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<InjectMessage>> {
        let injects = {
            let mut statement = self.connection.prepare_cached(INJECTS_SQL)?;
            collect(statement.query(params![run_id, organisation_id])?, |row| {
                inject_from(row)
            })?
        };
        let mut found = Vec::with_capacity(injects.len());
        for (organisation_id, inject_id, message_id) in injects {
            if let Some(message) = message(&self.connection, message_id)? {
                found.push(InjectMessage {
                    organisation_id,
                    inject_id,
                    message,
                });
            }
        }
        Ok(found)
    }

    fn record_response(&mut self, response: &NewResponse) -> StoreResult<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_player(&transaction, response.run_id, response.organisation_id)?;
        let id = transaction.query_row(
            INSERT_RESPONSE_SQL,
            params![
                response.run_id,
                response.organisation_id,
                response.phase_id,
                response.inject_id,
                response.kind.as_str(),
                response.text,
                utc_text(response.at),
                response.recorded_by
            ],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(id)
    }

    fn exercise_responses(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ResponseRecord>> {
        let mut statement = self.connection.prepare_cached(RESPONSES_SQL)?;
        collect(statement.query(params![run_id, organisation_id])?, |row| {
            response_from(row)
        })
    }

    fn record_observation(
        &mut self,
        run_id: i64,
        organisation_id: i64,
        point_id: &str,
        observation: Observation,
        note: &str,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_player(&transaction, run_id, organisation_id)?;
        transaction.execute(
            PUT_OBSERVATION_SQL,
            params![
                run_id,
                organisation_id,
                point_id,
                observation.as_str(),
                note,
                by,
                utc_text(at)
            ],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn exercise_observations(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ObservationRecord>> {
        let mut statement = self.connection.prepare_cached(OBSERVATIONS_SQL)?;
        collect(statement.query(params![run_id, organisation_id])?, |row| {
            observation_from(row)
        })
    }

    fn submit_assessment(&mut self, assessment: &NewAssessment) -> StoreResult<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_organisation(&transaction, assessment.organisation_id)?;
        let id: i64 = transaction.query_row(
            INSERT_ASSESSMENT_SQL,
            params![
                assessment.organisation_id,
                assessment.bank_version,
                assessment.submitted_by,
                utc_text(assessment.submitted_at)
            ],
            |row| row.get(0),
        )?;
        {
            let mut answer = transaction.prepare_cached(INSERT_ANSWER_SQL)?;
            for (position, (question_id, given)) in assessment.answers.iter().enumerate() {
                answer.execute(params![id, question_id, position as i64, given.as_str()])?;
            }
        }
        transaction.commit()?;
        Ok(id)
    }

    fn assessments(
        &mut self,
        organisation_id: Option<i64>,
        latest_only: bool,
    ) -> StoreResult<Vec<AssessmentRecord>> {
        let filter = params![organisation_id, i64::from(latest_only)];
        let assessments = {
            let mut statement = self.connection.prepare_cached(ASSESSMENTS_SQL)?;
            collect(statement.query(filter)?, |row| assessment_from(row))?
        };
        let answers = {
            let mut statement = self.connection.prepare_cached(ANSWERS_SQL)?;
            collect(statement.query(filter)?, |row| answer_from(row))?
        };
        Ok(with_answers(assessments, answers))
    }
}

/// The library's scenarios, one id's when given, by title.
fn read_scenarios(connection: &Connection, id: Option<&str>) -> StoreResult<Vec<StoredScenario>> {
    let mut statement = connection.prepare_cached(SCENARIOS_SQL)?;
    collect(statement.query([id])?, |row| scenario_from(row))
}

/// Runs with their players, filtered as [`RUNS_SQL`] says.
fn read_runs(
    connection: &Connection,
    organisation_id: Option<i64>,
    run_id: Option<i64>,
) -> StoreResult<Vec<ExerciseRunRecord>> {
    let runs = {
        let mut statement = connection.prepare_cached(RUNS_SQL)?;
        collect(statement.query(params![organisation_id, run_id])?, |row| {
            run_from(row)
        })?
    };
    let players = {
        let mut statement = connection.prepare_cached(PLAYERS_SQL)?;
        collect(statement.query(params![organisation_id, run_id])?, |row| {
            player_from(row)
        })?
    };
    Ok(with_players(runs, players))
}

/// The run made under a key, if any.
fn run_by_key(connection: &Connection, key: &str) -> StoreResult<Option<i64>> {
    Ok(connection
        .query_row(RUN_BY_KEY_SQL, [key], |row| row.get(0))
        .optional()?)
}

/// [`crate::StoreError::NotFound`] unless the organisation exists.
fn require_organisation(connection: &Connection, organisation_id: i64) -> StoreResult<()> {
    connection
        .query_row(ORGANISATION_SQL, [organisation_id], |row| {
            row.get::<_, i64>(0)
        })
        .optional()?
        .map(|_| ())
        .ok_or_else(|| no_organisation(organisation_id))
}

/// [`crate::StoreError::NotFound`] unless the run exists and the organisation plays in it.
fn require_player(connection: &Connection, run_id: i64, organisation_id: i64) -> StoreResult<()> {
    connection
        .query_row(RUN_EXISTS_SQL, [run_id], |row| row.get::<_, i64>(0))
        .optional()?
        .ok_or_else(|| no_run(run_id))?;
    connection
        .query_row(PLAYS_SQL, [run_id, organisation_id], |row| {
            row.get::<_, i64>(0)
        })
        .optional()?
        .map(|_| ())
        .ok_or_else(|| not_playing(organisation_id))
}
