//! Running an exercise for chosen partners: table-top (the facilitator opens each phase
//! and records what players say) or live play (every inject queued in the outbox for its
//! time, to the right people in each playing organisation); responses and the
//! facilitator's observations recorded with their times; the debrief read from them.

use super::{ReadinessError, ReadinessResult, library};
use crate::notify::NotifySettings;
use beacon_analytics::readiness::exercise::{
    Debrief, ObservationFact, PlayerDebrief, ProgressPoint, ResponseFact, debrief, progress,
};
use beacon_core::readiness::{ExerciseMode, InjectAudience, Observation, ResponseKind, Scenario};
use beacon_core::{ContactRole, StoredOrganisation, Tlp};
use beacon_notify::{InjectLetter, compose_inject};
use beacon_store::readiness::{
    ExerciseRunRecord, InjectMessage, NewExerciseRun, NewResponse, ResponseRecord, RunState,
};
use beacon_store::{Channel, MessageContent, MessageDetail, MessageKind, NewMessage, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::{Duration, OffsetDateTime};

/// What a facilitator asks for when starting an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartRun {
    /// The scenario's id in the library.
    pub scenario_id: String,
    /// Table-top or live play.
    pub mode: ExerciseMode,
    /// When the exercise starts (inject times count from here).
    pub starts_at: OffsetDateTime,
    /// The playing organisations (register ids).
    pub organisation_ids: Vec<i64>,
    /// Who runs it.
    pub facilitator: String,
    /// A title of its own, if not the scenario's.
    pub title: Option<String>,
}

/// What starting an exercise did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunStarted {
    /// The run's id.
    pub id: i64,
    /// False when the same run had already been started (nothing new was stored).
    pub created: bool,
    /// Inject messages queued (live play).
    pub injects_queued: usize,
    /// Playing organisations with nobody to send injects to (live play), by name.
    pub unreachable: Vec<String>,
}

/// Starts an exercise. The same scenario, mode, start and players again is the same run:
/// nothing is stored twice and no inject is queued twice.
pub fn start(
    store: &mut dyn Store,
    request: &StartRun,
    settings: &NotifySettings,
    now: OffsetDateTime,
) -> ReadinessResult<RunStarted> {
    let scenario = library::scenario(store, &request.scenario_id)?.scenario;
    let mut players: Vec<i64> = request.organisation_ids.clone();
    players.sort_unstable();
    players.dedup();
    if players.is_empty() {
        return Err(ReadinessError::invalid(
            "choose at least one organisation to play",
        ));
    }
    let organisations: BTreeMap<i64, StoredOrganisation> = store
        .organisations()?
        .into_iter()
        .map(|organisation| (organisation.id, organisation))
        .collect();
    let missing: Vec<String> = players
        .iter()
        .filter(|id| !organisations.contains_key(id))
        .map(|id| format!("there is no organisation {id} in the register"))
        .collect();
    if !missing.is_empty() {
        return Err(ReadinessError::Invalid(missing));
    }
    let key = run_key(&scenario, request.mode, request.starts_at, &players);
    let title = request
        .title
        .clone()
        .filter(|title| !title.trim().is_empty())
        .unwrap_or_else(|| scenario.title.clone());
    let mut injects = Vec::new();
    let mut unreachable = Vec::new();
    if request.mode == ExerciseMode::LivePlay {
        for id in &players {
            let organisation = &organisations[id];
            let recipients = recipients(store, organisation)?;
            if recipients.is_empty() {
                unreachable.push(organisation.organisation.name.clone());
                continue;
            }
            for (phase, inject) in scenario.timeline() {
                let letter = compose_inject(&InjectLetter {
                    organisation: organisation.organisation.name.clone(),
                    exercise: title.clone(),
                    phase: phase.title.clone(),
                    subject: inject.subject.clone(),
                    body: inject.body.clone(),
                    respond_url: settings
                        .base_url
                        .as_ref()
                        .map(|base| format!("{}/exercises", base.trim_end_matches('/'))),
                    tlp: Tlp::Amber,
                });
                let at = request.starts_at + Duration::minutes(inject.at_minutes);
                for (email, role) in recipients.for_audience(inject.to) {
                    injects.push((
                        *id,
                        inject.id.clone(),
                        NewMessage {
                            kind: MessageKind::Inject,
                            channel: Channel::Email,
                            organisation_id: Some(*id),
                            recipient: email.clone(),
                            recipient_kind: role.to_owned(),
                            content: MessageContent::Written {
                                subject: letter.subject.clone(),
                                text: letter.text.clone(),
                                html: letter.html.clone(),
                            },
                            tlp: letter.tlp,
                            dedupe_key: format!(
                                "inject:{key}:{}:{id}:{}",
                                inject.id,
                                email.to_lowercase()
                            ),
                            ack_wanted: false,
                            detail: MessageDetail::None,
                            not_before: Some(at),
                        },
                    ));
                }
            }
        }
    }
    let run = NewExerciseRun {
        key,
        scenario,
        title,
        mode: request.mode,
        starts_at: request.starts_at,
        organisation_ids: players,
        facilitator: request.facilitator.clone(),
        created_at: now,
    };
    let (id, created) = store.create_exercise_run(&run, &injects, &settings.message_domain)?;
    Ok(RunStarted {
        id,
        created,
        injects_queued: if created { injects.len() } else { 0 },
        unreachable,
    })
}

/// The key that makes starting the same exercise twice store it once.
fn run_key(
    scenario: &Scenario,
    mode: ExerciseMode,
    starts_at: OffsetDateTime,
    players: &[i64],
) -> String {
    let players: Vec<String> = players.iter().map(i64::to_string).collect();
    format!(
        "{}:{}:{}:{}",
        scenario.id,
        mode.as_str(),
        starts_at.unix_timestamp(),
        players.join(",")
    )
}

/// Who in one organisation receives injects, by what they do.
struct Recipients {
    it: Vec<String>,
    senior: Vec<String>,
    everyone: Vec<String>,
}

impl Recipients {
    fn is_empty(&self) -> bool {
        self.everyone.is_empty()
    }

    /// The addresses an inject for this audience goes to, with how each came to get it.
    /// With no senior responsible owner on record, the IT manager receives what was meant
    /// for one (and the reverse), so no inject is lost.
    fn for_audience(&self, audience: InjectAudience) -> Vec<(&String, &'static str)> {
        let (list, kind) = match audience {
            InjectAudience::ItManager if !self.it.is_empty() => (&self.it, "it_manager"),
            InjectAudience::ItManager | InjectAudience::SeniorResponsibleOwner
                if !self.senior.is_empty() =>
            {
                (&self.senior, "senior_responsible_owner")
            }
            InjectAudience::SeniorResponsibleOwner if !self.it.is_empty() => {
                (&self.it, "it_manager")
            }
            _ => (&self.everyone, "all_contacts"),
        };
        list.iter().map(|email| (email, kind)).collect()
    }
}

/// An organisation's advisory contacts (IT manager and deputy; senior responsible owner),
/// falling back on its register contacts.
fn recipients(
    store: &mut dyn Store,
    organisation: &StoredOrganisation,
) -> ReadinessResult<Recipients> {
    let contacts = store.contacts(Some(organisation.id))?;
    let mut it = BTreeSet::new();
    let mut senior = BTreeSet::new();
    let mut everyone = BTreeSet::new();
    for contact in contacts {
        let email = contact.contact.email.to_lowercase();
        match contact.contact.role {
            ContactRole::ItManager | ContactRole::Deputy => it.insert(email.clone()),
            ContactRole::SeniorResponsibleOwner => senior.insert(email.clone()),
        };
        everyone.insert(email);
    }
    for email in &organisation.organisation.contacts {
        if it.is_empty() {
            it.insert(email.to_lowercase());
        }
        everyone.insert(email.to_lowercase());
    }
    Ok(Recipients {
        it: it.into_iter().collect(),
        senior: senior.into_iter().collect(),
        everyone: everyone.into_iter().collect(),
    })
}

/// One run as its viewer may see it: every player for staff, only its own organisation
/// for a partner.
pub fn run(
    store: &mut dyn Store,
    id: i64,
    organisation: Option<i64>,
) -> ReadinessResult<ExerciseRunRecord> {
    store
        .exercise_run(id, organisation)?
        .ok_or_else(|| ReadinessError::NotFound(format!("there is no exercise {id}")))
}

/// Table-top: opens the next phase (the first, if none is open), or finishes the run after
/// the last. Returns the run as it now stands.
pub fn advance(
    store: &mut dyn Store,
    id: i64,
    at: OffsetDateTime,
) -> ReadinessResult<ExerciseRunRecord> {
    let current = run(store, id, None)?;
    if current.state == RunState::Finished {
        return Err(ReadinessError::invalid(format!(
            "exercise {id} has already finished"
        )));
    }
    let phases = &current.scenario.phases;
    let next = match &current.current_phase {
        None => phases.first(),
        Some(open) => phases
            .iter()
            .position(|phase| &phase.id == open)
            .and_then(|index| phases.get(index + 1)),
    };
    match next {
        Some(phase) => store.set_exercise_phase(id, Some(&phase.id), RunState::Running, at)?,
        None => store.set_exercise_phase(
            id,
            current.current_phase.as_deref(),
            RunState::Finished,
            at,
        )?,
    };
    run(store, id, None)
}

/// Finishes a run now (live play ends when the facilitator says so).
pub fn finish(
    store: &mut dyn Store,
    id: i64,
    at: OffsetDateTime,
) -> ReadinessResult<ExerciseRunRecord> {
    let current = run(store, id, None)?;
    store.set_exercise_phase(id, current.current_phase.as_deref(), RunState::Finished, at)?;
    run(store, id, None)
}

/// A response to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseInput {
    /// The playing organisation.
    pub organisation_id: i64,
    /// The phase it belongs to.
    pub phase_id: String,
    /// The inject it answers, if one.
    pub inject_id: Option<String>,
    /// Response, escalation or decision.
    pub kind: ResponseKind,
    /// What they said or did.
    pub text: String,
    /// When.
    pub at: OffsetDateTime,
}

/// The most a response's text may hold.
pub const MAX_RESPONSE_CHARS: usize = 4_000;

/// Records a response with its time, checked against the run's own scenario.
pub fn respond(
    store: &mut dyn Store,
    run_id: i64,
    response: &ResponseInput,
    by: &str,
) -> ReadinessResult<i64> {
    let current = run(store, run_id, Some(response.organisation_id))?;
    let mut problems = Vec::new();
    match current.scenario.phase(&response.phase_id) {
        None => problems.push(format!("the exercise has no phase '{}'", response.phase_id)),
        Some(phase) => {
            if let Some(inject) = &response.inject_id
                && !phase.injects.iter().any(|i| &i.id == inject)
            {
                problems.push(format!(
                    "phase '{}' has no inject '{inject}'",
                    response.phase_id
                ));
            }
        }
    }
    let text = response.text.trim();
    if text.is_empty() {
        problems.push("say what the organisation did or said".to_owned());
    }
    if text.chars().count() > MAX_RESPONSE_CHARS {
        problems.push(format!(
            "a response can be at most {MAX_RESPONSE_CHARS} characters"
        ));
    }
    if response.at < current.starts_at {
        problems.push("a response cannot be before the exercise started".to_owned());
    }
    if !problems.is_empty() {
        return Err(ReadinessError::Invalid(problems));
    }
    Ok(store.record_response(&NewResponse {
        run_id,
        organisation_id: response.organisation_id,
        phase_id: response.phase_id.clone(),
        inject_id: response.inject_id.clone(),
        kind: response.kind,
        text: text.to_owned(),
        at: response.at,
        recorded_by: by.to_owned(),
    })?)
}

/// What a facilitator saw of one good-practice point in one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationInput {
    /// The exercise.
    pub run_id: i64,
    /// The playing organisation.
    pub organisation_id: i64,
    /// The good-practice point's id.
    pub point_id: String,
    /// Met, partly met or not met.
    pub observation: Observation,
    /// A note for the debrief.
    pub note: String,
}

/// The most an observation's note may hold.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Records an observation, checked against the run's own scenario (the latest for a
/// point replaces an earlier one).
pub fn observe(
    store: &mut dyn Store,
    input: &ObservationInput,
    by: &str,
    at: OffsetDateTime,
) -> ReadinessResult<()> {
    let current = run(store, input.run_id, Some(input.organisation_id))?;
    if !current
        .scenario
        .good_practice()
        .any(|(_, point)| point.id == input.point_id)
    {
        return Err(ReadinessError::invalid(format!(
            "the exercise has no good-practice point '{}'",
            input.point_id
        )));
    }
    if input.note.chars().count() > MAX_NOTE_CHARS {
        return Err(ReadinessError::invalid(format!(
            "a note can be at most {MAX_NOTE_CHARS} characters"
        )));
    }
    store.record_observation(
        input.run_id,
        input.organisation_id,
        &input.point_id,
        input.observation,
        input.note.trim(),
        by,
        at,
    )?;
    Ok(())
}

/// A debrief as pages and files show it.
#[derive(Debug, Clone, Serialize)]
pub struct DebriefReport {
    /// The run (players as the viewer may see them).
    pub run: ExerciseRunRecord,
    /// Timings, what went well and gaps per player.
    pub debrief: Debrief,
    /// Every response, by time.
    pub responses: Vec<ResponseRecord>,
    /// The injects sent (live play) and where each stands.
    pub injects: Vec<InjectMessage>,
    /// Per player: this scenario's earlier and later runs it played in, by time.
    pub progress: BTreeMap<i64, Vec<ProgressPoint>>,
}

impl DebriefReport {
    /// A player's name.
    pub fn name_of(&self, organisation_id: i64) -> &str {
        self.run
            .players
            .iter()
            .find(|player| player.organisation_id == organisation_id)
            .map_or("", |player| player.name.as_str())
    }
}

/// The debrief of one run: for staff every player, for a partner only its own.
pub fn debrief_report(
    store: &mut dyn Store,
    run_id: i64,
    organisation: Option<i64>,
) -> ReadinessResult<DebriefReport> {
    let current = run(store, run_id, organisation)?;
    let (debrief, responses) = debrief_of(store, &current, organisation)?;
    let injects = store.exercise_injects(run_id, organisation)?;
    let mut progress_by_player = BTreeMap::new();
    let others: Vec<ExerciseRunRecord> = store
        .exercise_runs(organisation)?
        .into_iter()
        .filter(|other| other.scenario_id == current.scenario_id)
        .collect();
    for player in &debrief.players {
        let mut points: Vec<(i64, OffsetDateTime, PlayerDebrief)> = Vec::new();
        for other in &others {
            if !other
                .players
                .iter()
                .any(|p| p.organisation_id == player.organisation_id)
            {
                continue;
            }
            let theirs = if other.id == current.id {
                Some(player.clone())
            } else {
                debrief_of(store, other, Some(player.organisation_id))?
                    .0
                    .players
                    .into_iter()
                    .find(|p| p.organisation_id == player.organisation_id)
            };
            if let Some(theirs) = theirs {
                points.push((other.id, other.starts_at, theirs));
            }
        }
        progress_by_player.insert(player.organisation_id, progress(&points));
    }
    Ok(DebriefReport {
        run: current,
        debrief,
        responses,
        injects,
        progress: progress_by_player,
    })
}

/// A run's measures and responses (no progress across runs: the board needs only these).
pub(crate) fn debrief_of(
    store: &mut dyn Store,
    run: &ExerciseRunRecord,
    organisation: Option<i64>,
) -> ReadinessResult<(Debrief, Vec<ResponseRecord>)> {
    let responses = store.exercise_responses(run.id, organisation)?;
    let observations = store.exercise_observations(run.id, organisation)?;
    let players: Vec<i64> = run.players.iter().map(|p| p.organisation_id).collect();
    let facts: Vec<ResponseFact> = responses
        .iter()
        .map(|r| ResponseFact {
            organisation_id: r.organisation_id,
            phase_id: r.phase_id.clone(),
            kind: r.kind,
            at: r.at,
        })
        .collect();
    let seen: Vec<ObservationFact> = observations
        .iter()
        .map(|o| ObservationFact {
            organisation_id: o.organisation_id,
            point_id: o.point_id.clone(),
            observation: o.observation,
        })
        .collect();
    Ok((
        debrief(&run.scenario, run.starts_at, &players, &facts, &seen),
        responses,
    ))
}

/// Runs newest first: every run for staff, the runs it plays in for a partner.
pub fn runs(
    store: &mut dyn Store,
    organisation: Option<i64>,
) -> ReadinessResult<Vec<ExerciseRunRecord>> {
    Ok(store.exercise_runs(organisation)?)
}
