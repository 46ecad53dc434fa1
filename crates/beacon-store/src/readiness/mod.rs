//! Readiness: the library of exercise scenarios, exercise runs with the organisations that
//! play them, the injects queued for them in the outbox, what they answered and what the
//! facilitator saw; and partners' self-assessments.
//!
//! A run keeps its own snapshot of its scenario, so a scenario revised in the library
//! later never changes a run already made (nor its debrief). Assessment answers are kept
//! one row per question, so they can be counted in SQL.
//!
//! **Invariants:** a run, its players and its injects are written in one transaction, and
//! creating a run again under the same key stores nothing; every read that takes an
//! organisation filters by it in SQL, and a partner never learns which other
//! organisations played in a run.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use crate::outbox::{Message, NewMessage};
use beacon_core::readiness::{Answer, ExerciseMode, Observation, ResponseKind, Scenario};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use time::OffsetDateTime;

/// The revision of a scenario: hex SHA-256 of the scenario as JSON, so importing the same
/// scenario again is seen to change nothing.
pub fn scenario_revision(scenario: &Scenario) -> String {
    // A scenario is plain strings, numbers and lists: it always serialises.
    let bytes = serde_json::to_vec(scenario).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// What keeping a scenario in the library did, so an import can say what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioPut {
    /// No scenario had its id before.
    Added,
    /// A different revision replaced the stored one.
    Updated,
    /// The same revision was already stored: nothing changed.
    Unchanged,
}

/// A scenario of the library as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredScenario {
    /// The scenario's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Hex SHA-256 of the scenario as JSON ([`scenario_revision`]).
    pub revision: String,
    /// The scenario.
    pub scenario: Scenario,
    /// Who imported the stored revision.
    pub imported_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
}

/// Where an exercise run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Made, not begun.
    Planned,
    /// Being played.
    Running,
    /// Over: ready for its debrief.
    Finished,
}

impl RunState {
    /// Every state, in the order a run moves through them.
    pub const ALL: [RunState; 3] = [RunState::Planned, RunState::Running, RunState::Finished];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Planned => "planned",
            RunState::Running => "running",
            RunState::Finished => "finished",
        }
    }

    /// Reads the stored spelling; `None` for one this Beacon does not know.
    pub fn from_stored(text: &str) -> Option<RunState> {
        RunState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// An organisation playing in a run, as the register names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Player {
    /// The organisation's id.
    pub organisation_id: i64,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: String,
    /// Its district code, if known.
    pub district: Option<String>,
}

/// An exercise run to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExerciseRun {
    /// Unique: making a run under a key already stored stores nothing and returns the
    /// first run's id.
    pub key: String,
    /// The scenario as it is now: the run keeps this snapshot.
    pub scenario: Scenario,
    /// The run's title.
    pub title: String,
    /// How it is played.
    pub mode: ExerciseMode,
    /// When play begins (inject times count from here).
    pub starts_at: OffsetDateTime,
    /// The organisations that play.
    pub organisation_ids: Vec<i64>,
    /// Who runs it.
    pub facilitator: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
}

/// An exercise run as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseRunRecord {
    /// Its id.
    pub id: i64,
    /// The key it was made under.
    pub key: String,
    /// The id of the scenario it plays.
    pub scenario_id: String,
    /// The scenario as it was when the run was made.
    pub scenario: Scenario,
    /// The run's title.
    pub title: String,
    /// How it is played.
    pub mode: ExerciseMode,
    /// Where it stands.
    pub state: RunState,
    /// When play begins.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    /// The phase open now (table-top play), if any.
    pub current_phase: Option<String>,
    /// When that phase was opened.
    #[serde(with = "time::serde::rfc3339::option")]
    pub phase_opened_at: Option<OffsetDateTime>,
    /// When the run finished.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Who runs it.
    pub facilitator: String,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The organisations that play, by name (only the reader's own when read for one
    /// organisation).
    pub players: Vec<Player>,
}

/// One inject of a run as queued in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectMessage {
    /// The organisation it goes to.
    pub organisation_id: i64,
    /// The inject's id in the run's scenario.
    pub inject_id: String,
    /// The message, with where its sending stands.
    pub message: Message,
}

/// A response to record: what an organisation answered, escalated or decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    /// The run.
    pub run_id: i64,
    /// The organisation that responded (it must play in the run).
    pub organisation_id: i64,
    /// The phase it belongs to.
    pub phase_id: String,
    /// The inject it answers, if any.
    pub inject_id: Option<String>,
    /// What it was.
    pub kind: ResponseKind,
    /// What was said or done.
    pub text: String,
    /// When (the debrief's timings are read from this).
    pub at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A response as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseRecord {
    /// Its id.
    pub id: i64,
    /// The run.
    pub run_id: i64,
    /// The organisation that responded.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// The phase it belongs to.
    pub phase_id: String,
    /// The inject it answers, if any.
    pub inject_id: Option<String>,
    /// What it was.
    pub kind: ResponseKind,
    /// What was said or done.
    pub text: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: String,
}

/// What the facilitator saw of one good-practice point in one organisation, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationRecord {
    /// The run.
    pub run_id: i64,
    /// The organisation observed.
    pub organisation_id: i64,
    /// The good-practice point of the run's scenario.
    pub point_id: String,
    /// What was seen.
    pub observation: Observation,
    /// The facilitator's note.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was last recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A self-assessment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    /// The organisation assessed.
    pub organisation_id: i64,
    /// The version of the question bank answered.
    pub bank_version: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: OffsetDateTime,
    /// Question id and answer, in the order answered (a question answered twice keeps
    /// its later answer, at its first place).
    pub answers: Vec<(String, Answer)>,
}

/// A self-assessment as stored, with its organisation as the register names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRecord {
    /// Its id.
    pub id: i64,
    /// The organisation assessed.
    pub organisation_id: i64,
    /// Its name.
    pub organisation: String,
    /// Its sector.
    pub sector: String,
    /// Its district code, if known.
    pub district: Option<String>,
    /// The version of the question bank answered.
    pub bank_version: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// Question id and answer, in the order answered.
    pub answers: Vec<(String, Answer)>,
}

/// Exercises and self-assessments, on either backend.
pub trait Readiness {
    /// Keeps a scenario of the library by id; a new revision replaces the old (runs keep
    /// their own snapshot).
    fn put_scenario(
        &mut self,
        scenario: &Scenario,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<ScenarioPut>;
    /// The library, by title.
    fn scenarios(&mut self) -> StoreResult<Vec<StoredScenario>>;
    /// One scenario of the library.
    fn scenario(&mut self, id: &str) -> StoreResult<Option<StoredScenario>>;
    /// Makes a run, its players and its injects queued in the outbox (each with its
    /// organisation and inject id), in one transaction; returns the run's id and whether
    /// it was made now. The injects are messages the caller composed (kind inject, with
    /// their scheduled time as `not_before`); each must go to an organisation that plays.
    /// Under a key already stored nothing is written and the first run's id comes back
    /// with `false`. [`crate::StoreError::NotFound`] (`organisation`) for an organisation
    /// id that does not exist, (`exercise player`) for an inject to an organisation that
    /// does not play: nothing is stored then.
    fn create_exercise_run(
        &mut self,
        run: &NewExerciseRun,
        injects: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)>;
    /// Runs, latest starting first (then newest made first). For one organisation: only
    /// the runs it plays in, each listing only that organisation among its players.
    fn exercise_runs(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ExerciseRunRecord>>;
    /// One run; `None` when there is none or the organisation given does not play in it
    /// (whose players then list only that organisation).
    fn exercise_run(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<ExerciseRunRecord>>;
    /// Moves a run on: the phase open now (a table-top facilitator opens one; opening a
    /// different phase stamps `at`, naming the open one again keeps its time) and the
    /// state (finishing stamps `finished_at` once; any other state clears it). False when
    /// there is no such run.
    fn set_exercise_phase(
        &mut self,
        id: i64,
        phase_id: Option<&str>,
        state: RunState,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// A run's injects as queued, of one organisation when given, by when they are next
    /// due (their scheduled time until tried) then outbox id.
    fn exercise_injects(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<InjectMessage>>;
    /// Records a response and returns its id. [`crate::StoreError::NotFound`] when the run
    /// does not exist (`exercise run`) or the organisation does not play in it
    /// (`exercise player`).
    fn record_response(&mut self, response: &NewResponse) -> StoreResult<i64>;
    /// A run's responses, of one organisation when given, by time then id.
    fn exercise_responses(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ResponseRecord>>;
    /// Records what the facilitator saw of a good-practice point in one organisation;
    /// the latest recording per run, organisation and point is kept.
    /// [`crate::StoreError::NotFound`] as for [`Readiness::record_response`].
    #[allow(clippy::too_many_arguments)]
    fn record_observation(
        &mut self,
        run_id: i64,
        organisation_id: i64,
        point_id: &str,
        observation: Observation,
        note: &str,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// A run's observations, of one organisation when given, by organisation name then
    /// point id.
    fn exercise_observations(
        &mut self,
        run_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<ObservationRecord>>;
    /// Stores a self-assessment and all its answers in one transaction and returns its
    /// id; [`crate::StoreError::NotFound`] (`organisation`) for an unknown organisation.
    fn submit_assessment(&mut self, assessment: &NewAssessment) -> StoreResult<i64>;
    /// Self-assessments, newest submitted first: one organisation's when given, and only
    /// each organisation's newest when `latest_only`.
    fn assessments(
        &mut self,
        organisation_id: Option<i64>,
        latest_only: bool,
    ) -> StoreResult<Vec<AssessmentRecord>>;
}
