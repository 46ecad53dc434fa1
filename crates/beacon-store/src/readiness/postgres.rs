//! Readiness in PostgreSQL, with the semantics of the SQLite backend: every write is one
//! transaction, and a run made twice at once under one key is stored once.

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
use crate::neutral::dollar;
use crate::outbox::NewMessage;
use crate::outbox::postgres::{insert_messages, messages_by_id};
use crate::postgres::{PostgresStore, big, pg_opt_text, pg_text};
use beacon_core::readiness::{Observation, Scenario};
use postgres::GenericClient;
use std::collections::HashMap;
use time::OffsetDateTime;

impl Readiness for PostgresStore {
    fn put_scenario(
        &mut self,
        scenario: &Scenario,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<ScenarioPut> {
        let revision = scenario_revision(scenario);
        let json = scenario_json(scenario)?;
        let id = pg_text(&scenario.id);
        let mut transaction = self.client.transaction()?;
        let stored: Option<String> = transaction
            .query_opt(&*dollar(SCENARIO_REVISION_SQL), &[&id])?
            .map(|row| row.try_get(0))
            .transpose()?;
        let put = scenario_put(stored.as_deref(), &revision);
        if put != ScenarioPut::Unchanged {
            transaction.execute(
                &*dollar(PUT_SCENARIO_SQL),
                &[
                    &id,
                    &pg_text(&scenario.title),
                    &revision,
                    &pg_text(&json),
                    &pg_text(by),
                    &at,
                ],
            )?;
        }
        transaction.commit()?;
        Ok(put)
    }

    fn scenarios(&mut self) -> StoreResult<Vec<StoredScenario>> {
        read_scenarios(&mut self.client, None)
    }

    fn scenario(&mut self, id: &str) -> StoreResult<Option<StoredScenario>> {
        Ok(read_scenarios(&mut self.client, Some(id))?.pop())
    }

    fn create_exercise_run(
        &mut self,
        run: &NewExerciseRun,
        injects: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)> {
        let key = pg_text(&run.key);
        let mut transaction = self.client.transaction()?;
        if let Some(id) = run_by_key(&mut transaction, &key)? {
            return Ok((id, false));
        }
        for organisation_id in &run.organisation_ids {
            require_organisation(&mut transaction, *organisation_id)?;
        }
        check_injects(run, injects)?;
        let inserted = transaction.query_opt(
            &*dollar(INSERT_RUN_SQL),
            &[
                &key,
                &pg_text(&run.scenario.id),
                &pg_text(&scenario_json(&run.scenario)?),
                &pg_text(&run.title),
                &run.mode.as_str(),
                &run.starts_at,
                &pg_text(&run.facilitator),
                &run.created_at,
            ],
        )?;
        let Some(inserted) = inserted else {
            // Another writer made a run under this key and committed while this one
            // waited on it: that run is the one.
            return made_first(run_by_key(&mut transaction, &key)?, &run.key);
        };
        let id: i64 = inserted.try_get(0)?;
        let player = transaction.prepare(&dollar(INSERT_PLAYER_SQL))?;
        for organisation_id in &run.organisation_ids {
            transaction.execute(&player, &[&id, organisation_id])?;
        }
        let link = transaction.prepare(&dollar(INSERT_INJECT_SQL))?;
        for (organisation_id, inject_id, queued) in injects {
            let message_ids = insert_messages(
                &mut transaction,
                std::slice::from_ref(queued),
                message_domain,
            )?;
            for message_id in message_ids {
                transaction.execute(
                    &link,
                    &[&id, &message_id, organisation_id, &pg_text(inject_id)],
                )?;
            }
        }
        transaction.commit()?;
        Ok((id, true))
    }

    fn exercise_runs(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ExerciseRunRecord>> {
        read_runs(&mut self.client, organisation_id, None)
    }

    fn exercise_run(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<ExerciseRunRecord>> {
        Ok(read_runs(&mut self.client, organisation_id, Some(id))?.pop())
    }

    fn set_exercise_phase(
        &mut self,
        id: i64,
        phase_id: Option<&str>,
        state: RunState,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self.client.execute(
            &*dollar(SET_PHASE_SQL),
            &[&id, &state.as_str(), &pg_opt_text(phase_id), &at],
        )?;
        Ok(changed > 0)
    }

    fn exercise_injects(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<InjectMessage>> {
        let injects = self
            .client
            .query(&*dollar(INJECTS_SQL), &[&run_id, &organisation_id])?
            .iter()
            .map(inject_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let ids: Vec<i64> = injects.iter().map(|(_, _, id)| *id).collect();
        let mut messages: HashMap<i64, _> = messages_by_id(&mut self.client, &ids)?
            .into_iter()
            .map(|message| (message.id, message))
            .collect();
        Ok(injects
            .into_iter()
            .filter_map(|(organisation_id, inject_id, message_id)| {
                messages.remove(&message_id).map(|message| InjectMessage {
                    organisation_id,
                    inject_id,
                    message,
                })
            })
            .collect())
    }

    fn record_response(&mut self, response: &NewResponse) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        require_player(&mut transaction, response.run_id, response.organisation_id)?;
        let id: i64 = transaction
            .query_one(
                &*dollar(INSERT_RESPONSE_SQL),
                &[
                    &response.run_id,
                    &response.organisation_id,
                    &pg_text(&response.phase_id),
                    &pg_opt_text(response.inject_id.as_deref()),
                    &response.kind.as_str(),
                    &pg_text(&response.text),
                    &response.at,
                    &pg_text(&response.recorded_by),
                ],
            )?
            .try_get(0)?;
        transaction.commit()?;
        Ok(id)
    }

    fn exercise_responses(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ResponseRecord>> {
        self.client
            .query(&*dollar(RESPONSES_SQL), &[&run_id, &organisation_id])?
            .iter()
            .map(response_from)
            .collect()
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
        let mut transaction = self.client.transaction()?;
        require_player(&mut transaction, run_id, organisation_id)?;
        transaction.execute(
            &*dollar(PUT_OBSERVATION_SQL),
            &[
                &run_id,
                &organisation_id,
                &pg_text(point_id),
                &observation.as_str(),
                &pg_text(note),
                &pg_text(by),
                &at,
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
        self.client
            .query(&*dollar(OBSERVATIONS_SQL), &[&run_id, &organisation_id])?
            .iter()
            .map(observation_from)
            .collect()
    }

    fn submit_assessment(&mut self, assessment: &NewAssessment) -> StoreResult<i64> {
        let mut transaction = self.client.transaction()?;
        require_organisation(&mut transaction, assessment.organisation_id)?;
        let id: i64 = transaction
            .query_one(
                &*dollar(INSERT_ASSESSMENT_SQL),
                &[
                    &assessment.organisation_id,
                    &pg_text(&assessment.bank_version),
                    &pg_text(&assessment.submitted_by),
                    &assessment.submitted_at,
                ],
            )?
            .try_get(0)?;
        let insert = transaction.prepare(&dollar(INSERT_ANSWER_SQL))?;
        for (position, (question_id, given)) in assessment.answers.iter().enumerate() {
            transaction.execute(
                &insert,
                &[
                    &id,
                    &pg_text(question_id),
                    &big(position as u64)?,
                    &given.as_str(),
                ],
            )?;
        }
        transaction.commit()?;
        Ok(id)
    }

    fn assessments(
        &mut self,
        organisation_id: Option<i64>,
        latest_only: bool,
    ) -> StoreResult<Vec<AssessmentRecord>> {
        let latest_only = i64::from(latest_only);
        let assessments = self
            .client
            .query(&*dollar(ASSESSMENTS_SQL), &[&organisation_id, &latest_only])?
            .iter()
            .map(assessment_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let answers = self
            .client
            .query(&*dollar(ANSWERS_SQL), &[&organisation_id, &latest_only])?
            .iter()
            .map(answer_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(with_answers(assessments, answers))
    }
}

/// The library's scenarios, one id's when given, by title.
fn read_scenarios(
    client: &mut impl GenericClient,
    id: Option<&str>,
) -> StoreResult<Vec<StoredScenario>> {
    client
        .query(&*dollar(SCENARIOS_SQL), &[&pg_opt_text(id)])?
        .iter()
        .map(scenario_from)
        .collect()
}

/// Runs with their players, filtered as [`RUNS_SQL`] says.
fn read_runs(
    client: &mut impl GenericClient,
    organisation_id: Option<i64>,
    run_id: Option<i64>,
) -> StoreResult<Vec<ExerciseRunRecord>> {
    let runs = client
        .query(&*dollar(RUNS_SQL), &[&organisation_id, &run_id])?
        .iter()
        .map(run_from)
        .collect::<StoreResult<Vec<_>>>()?;
    let players = client
        .query(&*dollar(PLAYERS_SQL), &[&organisation_id, &run_id])?
        .iter()
        .map(player_from)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(with_players(runs, players))
}

/// The run made under a key, if any.
fn run_by_key(client: &mut impl GenericClient, key: &str) -> StoreResult<Option<i64>> {
    Ok(client
        .query_opt(&*dollar(RUN_BY_KEY_SQL), &[&key])?
        .map(|row| row.try_get(0))
        .transpose()?)
}

/// [`crate::StoreError::NotFound`] unless the organisation exists.
fn require_organisation(client: &mut impl GenericClient, organisation_id: i64) -> StoreResult<()> {
    client
        .query_opt(&*dollar(ORGANISATION_SQL), &[&organisation_id])?
        .map(|_| ())
        .ok_or_else(|| no_organisation(organisation_id))
}

/// [`crate::StoreError::NotFound`] unless the run exists and the organisation plays in it.
fn require_player(
    client: &mut impl GenericClient,
    run_id: i64,
    organisation_id: i64,
) -> StoreResult<()> {
    client
        .query_opt(&*dollar(RUN_EXISTS_SQL), &[&run_id])?
        .ok_or_else(|| no_run(run_id))?;
    client
        .query_opt(&*dollar(PLAYS_SQL), &[&run_id, &organisation_id])?
        .map(|_| ())
        .ok_or_else(|| not_playing(organisation_id))
}
