//! The stored form of readiness, shared by both dialects: the statements that are the same
//! on both backends (written with `?N` placeholders; PostgreSQL's dialect rewrites them
//! with `neutral::dollar`), the mapping from result rows, and the checks made before
//! anything is written.
//!
//! **Invariant:** every statement that reads for one organisation names the organisation
//! in its `WHERE` clause; none filters after reading.

use super::{
    AssessmentRecord, ExerciseRunRecord, NewExerciseRun, ObservationRecord, Player, ResponseRecord,
    RunState, ScenarioPut, StoredScenario,
};
use crate::neutral::Columns;
use crate::outbox::NewMessage;
use crate::{StoreError, StoreResult};
use beacon_core::readiness::{Answer, ExerciseMode, Observation, ResponseKind, Scenario};
use std::collections::HashMap;

/// Whether an organisation exists (`?1` its id).
pub(super) const ORGANISATION_SQL: &str = "SELECT id FROM organisations WHERE id = ?1";

/// The revision stored for a scenario id (`?1`).
pub(super) const SCENARIO_REVISION_SQL: &str =
    "SELECT revision FROM exercise_scenarios WHERE id = ?1";

/// Keeps a scenario (`?1` id, `?2` title, `?3` revision, `?4` JSON, `?5` by, `?6` at),
/// over the stored one of its id when the revision differs.
pub(super) const PUT_SCENARIO_SQL: &str = "INSERT INTO exercise_scenarios
        (id, title, revision, scenario, imported_by, imported_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, revision = excluded.revision,
        scenario = excluded.scenario, imported_by = excluded.imported_by,
        imported_at = excluded.imported_at
     WHERE exercise_scenarios.revision <> excluded.revision";

/// Scenarios of the library, one id's (`?1`) when given, by title; read by
/// [`scenario_from`].
pub(super) const SCENARIOS_SQL: &str =
    "SELECT id, title, revision, scenario, imported_by, imported_at FROM exercise_scenarios
     WHERE CAST(?1 AS TEXT) IS NULL OR id = ?1
     ORDER BY title, id";

/// The run made under a key (`?1`).
pub(super) const RUN_BY_KEY_SQL: &str = "SELECT id FROM exercise_runs WHERE key = ?1";

/// Makes a run (`?1` key, `?2` scenario id, `?3` scenario JSON, `?4` title, `?5` mode,
/// `?6` starts at, `?7` facilitator, `?8` made at); no row back when the key is taken.
pub(super) const INSERT_RUN_SQL: &str = "INSERT INTO exercise_runs
        (key, scenario_id, scenario, title, mode, state, starts_at, facilitator, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?8)
     ON CONFLICT (key) DO NOTHING
     RETURNING id";

/// Adds a player (`?1` run, `?2` organisation); a second time changes nothing.
pub(super) const INSERT_PLAYER_SQL: &str =
    "INSERT INTO exercise_players (run_id, organisation_id) VALUES (?1, ?2)
     ON CONFLICT (run_id, organisation_id) DO NOTHING";

/// Ties a queued message to its run (`?1` run, `?2` outbox id, `?3` organisation, `?4`
/// inject id).
pub(super) const INSERT_INJECT_SQL: &str =
    "INSERT INTO exercise_injects (run_id, message_id, organisation_id, inject_id)
     VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (run_id, message_id) DO NOTHING";

/// Runs, only those one organisation (`?1`) plays in when given, one id (`?2`) when
/// given, latest starting first; read by [`run_from`] (players from [`PLAYERS_SQL`]).
pub(super) const RUNS_SQL: &str =
    "SELECT r.id, r.key, r.scenario_id, r.scenario, r.title, r.mode, r.state, r.starts_at,
        r.current_phase, r.phase_opened_at, r.finished_at, r.facilitator, r.created_at
     FROM exercise_runs r
     WHERE (CAST(?1 AS BIGINT) IS NULL OR EXISTS (
            SELECT 1 FROM exercise_players p WHERE p.run_id = r.id AND p.organisation_id = ?1))
       AND (CAST(?2 AS BIGINT) IS NULL OR r.id = ?2)
     ORDER BY r.starts_at DESC, r.id DESC";

/// Players, with the same filters as [`RUNS_SQL`] (so for one organisation, only that
/// one), by run then organisation name; read by [`player_from`].
pub(super) const PLAYERS_SQL: &str =
    "SELECT p.run_id, p.organisation_id, g.name, g.sector, g.district_code
     FROM exercise_players p JOIN organisations g ON g.id = p.organisation_id
     WHERE (CAST(?1 AS BIGINT) IS NULL OR p.organisation_id = ?1)
       AND (CAST(?2 AS BIGINT) IS NULL OR p.run_id = ?2)
     ORDER BY p.run_id, g.name_key, g.id";

/// Moves a run on (`?1` id, `?2` state, `?3` phase or NULL, `?4` at): opening another
/// phase stamps it, naming the open one keeps its time; finishing stamps `finished_at`
/// once, any other state clears it. Every column on the right is its value before.
pub(super) const SET_PHASE_SQL: &str = "UPDATE exercise_runs SET state = ?2,
        phase_opened_at = CASE WHEN CAST(?3 AS TEXT) IS NULL THEN NULL
            WHEN current_phase = ?3 THEN phase_opened_at ELSE ?4 END,
        current_phase = ?3,
        finished_at = CASE WHEN ?2 = 'finished' THEN COALESCE(finished_at, ?4) ELSE NULL END
     WHERE id = ?1";

/// A run's injects (`?1` run), of one organisation (`?2`) when given, by when they are
/// next due then outbox id: organisation, inject id and outbox id.
pub(super) const INJECTS_SQL: &str = "SELECT i.organisation_id, i.inject_id, i.message_id
     FROM exercise_injects i JOIN outbox_messages m ON m.id = i.message_id
     WHERE i.run_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR i.organisation_id = ?2)
     ORDER BY m.next_attempt_at, m.id";

/// Whether a run exists (`?1` its id).
pub(super) const RUN_EXISTS_SQL: &str = "SELECT id FROM exercise_runs WHERE id = ?1";

/// Whether an organisation (`?2`) plays in a run (`?1`).
pub(super) const PLAYS_SQL: &str =
    "SELECT run_id FROM exercise_players WHERE run_id = ?1 AND organisation_id = ?2";

/// Records a response (`?1` run, `?2` organisation, `?3` phase, `?4` inject or NULL,
/// `?5` kind, `?6` text, `?7` at, `?8` recorded by).
pub(super) const INSERT_RESPONSE_SQL: &str = "INSERT INTO exercise_responses
        (run_id, organisation_id, phase_id, inject_id, kind, text, at, recorded_by)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";

/// A run's responses (`?1` run), of one organisation (`?2`) when given, by time then id;
/// read by [`response_from`].
pub(super) const RESPONSES_SQL: &str =
    "SELECT r.id, r.run_id, r.organisation_id, g.name, r.phase_id, r.inject_id, r.kind, r.text,
        r.at, r.recorded_by
     FROM exercise_responses r JOIN organisations g ON g.id = r.organisation_id
     WHERE r.run_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR r.organisation_id = ?2)
     ORDER BY r.at, r.id";

/// Records an observation (`?1` run, `?2` organisation, `?3` point, `?4` observation,
/// `?5` note, `?6` by, `?7` at) over the one stored for the same point.
pub(super) const PUT_OBSERVATION_SQL: &str = "INSERT INTO exercise_observations
        (run_id, organisation_id, point_id, observation, note, recorded_by, recorded_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (run_id, organisation_id, point_id) DO UPDATE SET
        observation = excluded.observation, note = excluded.note,
        recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at";

/// A run's observations (`?1` run), of one organisation (`?2`) when given, by
/// organisation name then point; read by [`observation_from`].
pub(super) const OBSERVATIONS_SQL: &str =
    "SELECT o.run_id, o.organisation_id, o.point_id, o.observation, o.note, o.recorded_by,
        o.recorded_at
     FROM exercise_observations o JOIN organisations g ON g.id = o.organisation_id
     WHERE o.run_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR o.organisation_id = ?2)
     ORDER BY g.name_key, o.organisation_id, o.point_id";

/// Stores a self-assessment (`?1` organisation, `?2` bank version, `?3` by, `?4` at).
pub(super) const INSERT_ASSESSMENT_SQL: &str = "INSERT INTO assessments
        (organisation_id, bank_version, submitted_by, submitted_at)
     VALUES (?1, ?2, ?3, ?4) RETURNING id";

/// Stores one answer (`?1` assessment, `?2` question, `?3` position, `?4` answer); a
/// question answered again keeps the later answer at its first position.
pub(super) const INSERT_ANSWER_SQL: &str =
    "INSERT INTO assessment_answers (assessment_id, question_id, position, answer)
     VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (assessment_id, question_id) DO UPDATE SET answer = excluded.answer";

/// Which assessments `a` are read: one organisation's (`?1`) when given, and only each
/// organisation's newest (by submission time, then id) when `?2` is not 0.
macro_rules! assessment_filter {
    () => {
        "(CAST(?1 AS BIGINT) IS NULL OR a.organisation_id = ?1)
       AND (CAST(?2 AS BIGINT) = 0 OR NOT EXISTS (
            SELECT 1 FROM assessments n
            WHERE n.organisation_id = a.organisation_id
              AND (n.submitted_at > a.submitted_at
                OR (n.submitted_at = a.submitted_at AND n.id > a.id))))"
    };
}

/// Self-assessments filtered as `assessment_filter!` says, newest first; read by
/// [`assessment_from`] (answers from [`ANSWERS_SQL`]).
pub(super) const ASSESSMENTS_SQL: &str = concat!(
    "SELECT a.id, a.organisation_id, g.name, g.sector, g.district_code, a.bank_version,
        a.submitted_by, a.submitted_at
     FROM assessments a JOIN organisations g ON g.id = a.organisation_id
     WHERE ",
    assessment_filter!(),
    "
     ORDER BY a.submitted_at DESC, a.id DESC"
);

/// The answers of the assessments [`ASSESSMENTS_SQL`] reads, in each one's order; read by
/// [`answer_from`].
pub(super) const ANSWERS_SQL: &str = concat!(
    "SELECT w.assessment_id, w.question_id, w.answer
     FROM assessment_answers w JOIN assessments a ON a.id = w.assessment_id
     WHERE ",
    assessment_filter!(),
    "
     ORDER BY w.assessment_id, w.position"
);

/// What keeping a scenario does given the revision stored under its id, if any.
pub(super) fn scenario_put(stored: Option<&str>, revision: &str) -> ScenarioPut {
    match stored {
        None => ScenarioPut::Added,
        Some(stored) if stored == revision => ScenarioPut::Unchanged,
        Some(_) => ScenarioPut::Updated,
    }
}

/// A scenario as stored (JSON text).
pub(super) fn scenario_json(scenario: &Scenario) -> StoreResult<String> {
    serde_json::to_string(scenario)
        .map_err(|error| StoreError::Corrupt(format!("scenario '{}': {error}", scenario.id)))
}

/// Reads a stored scenario.
fn scenario_of(text: &str) -> StoreResult<Scenario> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Corrupt(format!("stored scenario: {error}")))
}

/// A scenario of the library from a row of [`SCENARIOS_SQL`].
pub(super) fn scenario_from(row: &impl Columns) -> StoreResult<StoredScenario> {
    Ok(StoredScenario {
        id: row.get(0)?,
        title: row.get(1)?,
        revision: row.get(2)?,
        scenario: scenario_of(&row.get::<String>(3)?)?,
        imported_by: row.get(4)?,
        imported_at: row.moment(5)?,
    })
}

/// A run (without its players yet) from a row of [`RUNS_SQL`].
pub(super) fn run_from(row: &impl Columns) -> StoreResult<ExerciseRunRecord> {
    let mode: String = row.get(5)?;
    let state: String = row.get(6)?;
    Ok(ExerciseRunRecord {
        id: row.get(0)?,
        key: row.get(1)?,
        scenario_id: row.get(2)?,
        scenario: scenario_of(&row.get::<String>(3)?)?,
        title: row.get(4)?,
        mode: known(ExerciseMode::parse(&mode), "exercise mode", &mode)?,
        state: known(RunState::from_stored(&state), "run state", &state)?,
        starts_at: row.moment(7)?,
        current_phase: row.get(8)?,
        phase_opened_at: row.opt_moment(9)?,
        finished_at: row.opt_moment(10)?,
        facilitator: row.get(11)?,
        created_at: row.moment(12)?,
        players: Vec::new(),
    })
}

/// A player and its run from a row of [`PLAYERS_SQL`].
pub(super) fn player_from(row: &impl Columns) -> StoreResult<(i64, Player)> {
    Ok((
        row.get(0)?,
        Player {
            organisation_id: row.get(1)?,
            name: row.get(2)?,
            sector: row.get(3)?,
            district: row.get(4)?,
        },
    ))
}

/// Gives each run its players, in order (both lists as the statements above give them).
pub(super) fn with_players(
    mut runs: Vec<ExerciseRunRecord>,
    players: Vec<(i64, Player)>,
) -> Vec<ExerciseRunRecord> {
    let mut by_run: HashMap<i64, Vec<Player>> = HashMap::new();
    for (run_id, player) in players {
        by_run.entry(run_id).or_default().push(player);
    }
    for run in &mut runs {
        run.players = by_run.remove(&run.id).unwrap_or_default();
    }
    runs
}

/// An inject's organisation, inject id and outbox id from a row of [`INJECTS_SQL`].
pub(super) fn inject_from(row: &impl Columns) -> StoreResult<(i64, String, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

/// A response from a row of [`RESPONSES_SQL`].
pub(super) fn response_from(row: &impl Columns) -> StoreResult<ResponseRecord> {
    let kind: String = row.get(6)?;
    Ok(ResponseRecord {
        id: row.get(0)?,
        run_id: row.get(1)?,
        organisation_id: row.get(2)?,
        organisation: row.get(3)?,
        phase_id: row.get(4)?,
        inject_id: row.get(5)?,
        kind: known(ResponseKind::parse(&kind), "response kind", &kind)?,
        text: row.get(7)?,
        at: row.moment(8)?,
        recorded_by: row.get(9)?,
    })
}

/// An observation from a row of [`OBSERVATIONS_SQL`].
pub(super) fn observation_from(row: &impl Columns) -> StoreResult<ObservationRecord> {
    let observation: String = row.get(3)?;
    Ok(ObservationRecord {
        run_id: row.get(0)?,
        organisation_id: row.get(1)?,
        point_id: row.get(2)?,
        observation: known(
            Observation::parse(&observation),
            "observation",
            &observation,
        )?,
        note: row.get(4)?,
        recorded_by: row.get(5)?,
        recorded_at: row.moment(6)?,
    })
}

/// A self-assessment (without its answers yet) from a row of [`ASSESSMENTS_SQL`].
pub(super) fn assessment_from(row: &impl Columns) -> StoreResult<AssessmentRecord> {
    Ok(AssessmentRecord {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        organisation: row.get(2)?,
        sector: row.get(3)?,
        district: row.get(4)?,
        bank_version: row.get(5)?,
        submitted_by: row.get(6)?,
        submitted_at: row.moment(7)?,
        answers: Vec::new(),
    })
}

/// An answer and its assessment from a row of [`ANSWERS_SQL`].
pub(super) fn answer_from(row: &impl Columns) -> StoreResult<(i64, String, Answer)> {
    let answer: String = row.get(2)?;
    Ok((
        row.get(0)?,
        row.get(1)?,
        known(Answer::parse(&answer), "answer", &answer)?,
    ))
}

/// Gives each assessment its answers, in order.
pub(super) fn with_answers(
    mut assessments: Vec<AssessmentRecord>,
    answers: Vec<(i64, String, Answer)>,
) -> Vec<AssessmentRecord> {
    let mut by_assessment: HashMap<i64, Vec<(String, Answer)>> = HashMap::new();
    for (assessment_id, question, answer) in answers {
        by_assessment
            .entry(assessment_id)
            .or_default()
            .push((question, answer));
    }
    for assessment in &mut assessments {
        assessment.answers = by_assessment.remove(&assessment.id).unwrap_or_default();
    }
    assessments
}

/// [`StoreError::NotFound`] unless every inject goes to an organisation that plays.
pub(super) fn check_injects(
    run: &NewExerciseRun,
    injects: &[(i64, String, NewMessage)],
) -> StoreResult<()> {
    match injects
        .iter()
        .find(|(organisation_id, _, _)| !run.organisation_ids.contains(organisation_id))
    {
        Some((organisation_id, _, _)) => Err(not_playing(*organisation_id)),
        None => Ok(()),
    }
}

/// The run another writer made under the same key a moment before (`found`, read after
/// the insert stored nothing), as [`super::Readiness::create_exercise_run`] returns it.
pub(super) fn made_first(found: Option<i64>, key: &str) -> StoreResult<(i64, bool)> {
    found.map(|id| (id, false)).ok_or_else(|| {
        StoreError::Corrupt(format!("the exercise run key '{key}' is taken by no run"))
    })
}

/// [`StoreError::NotFound`] for an organisation id that names none.
pub(super) fn no_organisation(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "organisation",
        id,
    }
}

/// [`StoreError::NotFound`] for a run id that names none.
pub(super) fn no_run(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "exercise run",
        id,
    }
}

/// [`StoreError::NotFound`] for an organisation that does not play in the run.
pub(super) fn not_playing(organisation_id: i64) -> StoreError {
    StoreError::NotFound {
        what: "exercise player",
        id: organisation_id,
    }
}

/// Reads a stored spelling, or says the row is not as expected.
fn known<T>(value: Option<T>, what: &str, text: &str) -> StoreResult<T> {
    value.ok_or_else(|| StoreError::Corrupt(format!("'{text}' is not a known {what}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_revision_changes_nothing_and_another_replaces_it() {
        assert_eq!(scenario_put(None, "ab"), ScenarioPut::Added);
        assert_eq!(scenario_put(Some("ab"), "ab"), ScenarioPut::Unchanged);
        assert_eq!(scenario_put(Some("ab"), "cd"), ScenarioPut::Updated);
    }

    #[test]
    fn run_states_read_back_as_stored() {
        for state in RunState::ALL {
            assert_eq!(RunState::from_stored(state.as_str()), Some(state));
        }
        assert_eq!(RunState::from_stored("paused"), None);
    }
}
