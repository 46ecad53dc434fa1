//! One exercise's page. Coordinators and analysts see where it stands, the phase open now
//! (its narrative, questions and good-practice points), every inject and where its
//! delivery stands, the responses so far and what the facilitator has observed; a
//! coordinator also moves it on (the next phase, or finish) and records responses and
//! observations. A partner sees only the injects its organisation has received so far and
//! its own responses, and records its own response, always for its own organisation.
//!
//! A refused form is shown again on the same page with a GOV.UK error summary, and
//! nothing is stored.

use super::exercises::state_words;
use super::scope::{
    NOT_LINKED, Scope, area_links, audit, capitalised, clock_text, local_moment, local_parts,
    parse_clock, refused,
};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::{date_time, words};
use crate::chrome::forms::{DateEntry, Problem, truncate};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::ReadinessError;
use beacon_app::readiness::exercises::{
    self, DebriefReport, MAX_NOTE_CHARS, MAX_RESPONSE_CHARS, ObservationInput, ResponseInput,
};
use beacon_core::Permission;
use beacon_core::readiness::{AdviceLink, ExerciseMode, Observation, Phase, ResponseKind};
use beacon_store::readiness::{ExerciseRunRecord, RunState};
use time::{Duration, OffsetDateTime};

/// The phases opened so far: every one once the run has finished; those up to the one a
/// facilitator opened; and in live play those whose time has come.
pub fn opened_phases(run: &ExerciseRunRecord, now: OffsetDateTime) -> Vec<&Phase> {
    let phases = &run.scenario.phases;
    if run.state == RunState::Finished {
        return phases.iter().collect();
    }
    let opened_by_hand = run
        .current_phase
        .as_ref()
        .and_then(|open| phases.iter().position(|phase| &phase.id == open))
        .map_or(0, |index| index + 1);
    let opened_by_time = if run.mode == ExerciseMode::LivePlay {
        phases
            .iter()
            .take_while(|phase| {
                run.starts_at + Duration::minutes(i64::from(phase.starts_at_minutes)) <= now
            })
            .count()
    } else {
        0
    };
    phases
        .iter()
        .take(opened_by_hand.max(opened_by_time))
        .collect()
}

/// A phase as the page shows it.
pub struct PhaseView {
    /// Its title.
    pub title: String,
    /// What the players are told.
    pub narrative: String,
    /// What the facilitator asks.
    pub questions: Vec<String>,
    /// What good looks like, with advice (staff only).
    pub points: Vec<(String, Vec<AdviceLink>)>,
}

fn phase_view(phase: &Phase, staff: bool) -> PhaseView {
    PhaseView {
        title: phase.title.clone(),
        narrative: phase.narrative.clone(),
        questions: phase.questions.iter().map(|q| q.text.clone()).collect(),
        points: if staff {
            phase
                .good_practice
                .iter()
                .map(|p| {
                    (
                        p.text.clone(),
                        p.advice.iter().filter(|a| a.is_safe()).cloned().collect(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// An inject as the page lists it, with where its delivery stands.
pub struct InjectLine {
    /// The organisation it went to (live play), if the list names one.
    pub organisation: Option<String>,
    /// Minutes after the start.
    pub minute: i64,
    /// Its phase's title.
    pub phase: String,
    /// Who receives it.
    pub to: String,
    /// Its subject.
    pub subject: String,
    /// What it says.
    pub body: String,
    /// Where it stands, in words.
    pub status: String,
    /// The status's tag colour.
    pub tag: &'static str,
    /// When it was (or is to be) delivered, in words.
    pub when: String,
    /// Received by the players already.
    pub received: bool,
}

/// The injects and where each stands: the outbox's messages in live play, the
/// scenario's injects given out as their phases open in table-top play.
fn inject_lines(report: &DebriefReport, now: OffsetDateTime) -> Vec<InjectLine> {
    let run = &report.run;
    let opened: Vec<&str> = opened_phases(run, now)
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    if run.mode == ExerciseMode::LivePlay {
        return report
            .injects
            .iter()
            .map(|queued| {
                let found = run
                    .scenario
                    .timeline()
                    .into_iter()
                    .find(|(_, inject)| inject.id == queued.inject_id);
                let message = &queued.message;
                let received = message.sent_at.is_some();
                let status = message.status.as_str();
                InjectLine {
                    organisation: Some(report.name_of(queued.organisation_id).to_owned()),
                    minute: found.map_or(0, |(_, inject)| inject.at_minutes),
                    phase: found.map_or_else(String::new, |(phase, _)| phase.title.clone()),
                    to: message.recipient.clone(),
                    subject: found.map_or_else(
                        || queued.inject_id.clone(),
                        |(_, inject)| inject.subject.clone(),
                    ),
                    body: found.map_or_else(String::new, |(_, inject)| inject.body.clone()),
                    status: words(status),
                    tag: match status {
                        "sent" => "govuk-tag--green",
                        "given_up" => "govuk-tag--red",
                        "retrying" => "govuk-tag--yellow",
                        _ => "govuk-tag--grey",
                    },
                    when: match message.sent_at {
                        Some(at) => format!("Sent {}", date_time(at)),
                        None => format!("Due {}", date_time(message.next_attempt_at)),
                    },
                    received,
                }
            })
            .collect();
    }
    run.scenario
        .timeline()
        .into_iter()
        .map(|(phase, inject)| {
            let received = opened.contains(&phase.id.as_str());
            InjectLine {
                organisation: None,
                minute: inject.at_minutes,
                phase: phase.title.clone(),
                to: inject.to.label().to_owned(),
                subject: inject.subject.clone(),
                body: inject.body.clone(),
                status: if received {
                    "Given to the players".to_owned()
                } else {
                    "Not yet".to_owned()
                },
                tag: if received {
                    "govuk-tag--green"
                } else {
                    "govuk-tag--grey"
                },
                when: format!(
                    "{} (minute {})",
                    date_time(run.starts_at + Duration::minutes(inject.at_minutes)),
                    inject.at_minutes
                ),
                received,
            }
        })
        .collect()
}

/// A recorded response as the page lists it.
pub struct ResponseLine {
    /// When, in UK local time.
    pub when: String,
    /// Minutes after the start.
    pub minute: i64,
    /// The organisation.
    pub organisation: String,
    /// The phase's title.
    pub phase: String,
    /// The inject answered, if one.
    pub inject: Option<String>,
    /// Response, escalation or decision.
    pub kind: &'static str,
    /// What was said or done.
    pub text: String,
    /// Who recorded it.
    pub by: String,
}

/// One good-practice point with what was observed of it in each player.
pub struct ObservationRow {
    /// The phase's title.
    pub phase: String,
    /// What good looks like.
    pub point: String,
    /// Per player (in the players' order): the words and tag colour.
    pub cells: Vec<(&'static str, &'static str)>,
}

fn observation_rows(report: &DebriefReport) -> Vec<ObservationRow> {
    report
        .run
        .scenario
        .good_practice()
        .map(|(phase, point)| ObservationRow {
            phase: phase.title.clone(),
            point: point.text.clone(),
            cells: report
                .debrief
                .players
                .iter()
                .map(|player| {
                    if player.went_well.iter().any(|p| p.point_id == point.id) {
                        ("Met", "govuk-tag--green")
                    } else if let Some(gap) = player.gaps.iter().find(|g| g.point_id == point.id) {
                        match gap.observation {
                            Observation::NotMet => ("Not met", "govuk-tag--red"),
                            _ => (gap.observation.label(), "govuk-tag--yellow"),
                        }
                    } else {
                        ("Not observed", "govuk-tag--grey")
                    }
                })
                .collect(),
        })
        .collect()
}

/// What the response form holds (what was sent, when it is shown again).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ResponseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    phase: String,
    #[serde(default)]
    inject: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default, rename = "at-day")]
    day: String,
    #[serde(default, rename = "at-month")]
    month: String,
    #[serde(default, rename = "at-year")]
    year: String,
    #[serde(default, rename = "at-time")]
    time: String,
}

/// What an observation form holds.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ObservationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    point: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    observation: String,
    #[serde(default)]
    note: String,
}

/// One good-practice point's observation form.
pub struct PointForm {
    /// The point's id (the form's fields are named after it).
    pub id: String,
    /// Its phase's title.
    pub phase: String,
    /// What good looks like.
    pub text: String,
    /// The organisation chosen (when shown again).
    pub organisation: String,
    /// The observation chosen.
    pub observation: String,
    /// The note.
    pub note: String,
    /// Why the organisation, the observation or the note was refused.
    pub errors: [Option<String>; 3],
}

/// The page's forms as they are shown: fresh, or one of them refused.
struct Forms {
    response: ResponseForm,
    observation: Option<ObservationForm>,
    problems: Vec<Problem>,
}

impl Forms {
    /// Empty forms, the response's time filled in with now.
    fn fresh(report: &DebriefReport, now: OffsetDateTime) -> Forms {
        let (day, hour, minute) = local_parts(now);
        let phase = opened_phases(&report.run, now)
            .last()
            .map(|p| p.id.clone())
            .or_else(|| report.run.scenario.phases.first().map(|p| p.id.clone()))
            .unwrap_or_default();
        Forms {
            response: ResponseForm {
                phase,
                kind: ResponseKind::Response.as_str().to_owned(),
                day: day.day().to_string(),
                month: u8::from(day.month()).to_string(),
                year: day.year().to_string(),
                time: clock_text(hour, minute),
                ..ResponseForm::default()
            },
            observation: None,
            problems: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "readiness/templates/exercise.html")]
struct RunPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: i64,
    heading: String,
    staff: bool,
    may_manage: bool,
    scenario_id: String,
    scenario: String,
    mode: &'static str,
    live: bool,
    state: &'static str,
    tag: &'static str,
    finished: bool,
    starts: String,
    finished_at: Option<String>,
    facilitator: String,
    players: Vec<(i64, String)>,
    phase: Option<PhaseView>,
    phase_opened: Option<String>,
    /// What the "open the next phase" button says (none after the last phase).
    next: Option<String>,
    injects: Vec<InjectLine>,
    responses: Vec<ResponseLine>,
    observations: Vec<ObservationRow>,
    phases: Vec<(String, String)>,
    inject_choices: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    response: ResponseForm,
    points: Vec<PointForm>,
    problems: Vec<Problem>,
    done: Option<String>,
    warning: Option<String>,
    max_response: usize,
    max_note: usize,
}

impl RunPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// The response time's date parts: name suffix, label, value and width.
    fn date_parts(&self) -> [(&'static str, &'static str, &str, &'static str); 3] {
        [
            ("day", "Day", &self.response.day, "2"),
            ("month", "Month", &self.response.month, "2"),
            ("year", "Year", &self.response.year, "4"),
        ]
    }
}

/// The page for a run as the viewer may see it, with its forms.
fn page_of(
    viewer: &Viewer,
    scope: Scope,
    report: &DebriefReport,
    forms: Forms,
    now: OffsetDateTime,
    done: Option<String>,
    warning: Option<String>,
) -> RunPage {
    let run = &report.run;
    let staff = scope.is_staff();
    let (state, tag) = state_words(run.state);
    let opened = opened_phases(run, now);
    let current = run
        .current_phase
        .as_deref()
        .and_then(|id| run.scenario.phase(id))
        .or_else(|| opened.last().copied());
    let next = match (&run.state, &run.current_phase) {
        (RunState::Finished, _) => None,
        (_, None) => run
            .scenario
            .phases
            .first()
            .map(|p| format!("Open the first phase: {}", p.title)),
        (_, Some(open)) => {
            let at = run.scenario.phases.iter().position(|p| &p.id == open);
            at.and_then(|i| run.scenario.phases.get(i + 1))
                .map(|p| format!("Open the next phase: {}", p.title))
        }
    };
    let mut injects = inject_lines(report, now);
    if !staff {
        injects.retain(|line| line.received);
    }
    let phase_title = |id: &str| {
        run.scenario
            .phase(id)
            .map_or_else(|| id.to_owned(), |p| p.title.clone())
    };
    let responses = report
        .responses
        .iter()
        .map(|r| ResponseLine {
            when: date_time(r.at),
            minute: (r.at - run.starts_at).whole_minutes(),
            organisation: r.organisation.clone(),
            phase: phase_title(&r.phase_id),
            inject: r.inject_id.as_ref().map(|id| {
                run.scenario
                    .timeline()
                    .into_iter()
                    .find(|(_, inject)| &inject.id == id)
                    .map_or_else(|| id.clone(), |(_, inject)| inject.subject.clone())
            }),
            kind: r.kind.label(),
            text: r.text.clone(),
            by: r.recorded_by.clone(),
        })
        .collect();
    let phases: Vec<(String, String)> = if staff {
        run.scenario
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.title.clone()))
            .collect()
    } else {
        opened
            .iter()
            .map(|p| (p.id.clone(), p.title.clone()))
            .collect()
    };
    let points = run
        .scenario
        .good_practice()
        .map(|(phase, point)| {
            let refused = forms
                .observation
                .as_ref()
                .filter(|form| form.point == point.id);
            let error = |name: &str| {
                let field = format!("observation-{}-{name}", point.id);
                forms
                    .problems
                    .iter()
                    .find(|p| p.field == field)
                    .map(|p| p.message.clone())
            };
            PointForm {
                errors: [error("organisation"), error("observation"), error("note")],
                id: point.id.clone(),
                phase: phase.title.clone(),
                text: point.text.clone(),
                organisation: refused.map(|f| f.organisation.clone()).unwrap_or_default(),
                observation: refused.map(|f| f.observation.clone()).unwrap_or_default(),
                note: refused.map(|f| f.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let title = if forms.problems.is_empty() {
        run.title.clone()
    } else {
        format!("Error: {}", run.title)
    };
    RunPage {
        chrome: viewer.chrome(title, "/exercises"),
        links: area_links(viewer),
        id: run.id,
        heading: run.title.clone(),
        staff,
        may_manage: staff && viewer.may(Permission::ManageReadiness),
        scenario_id: run.scenario_id.clone(),
        scenario: run.scenario.title.clone(),
        mode: run.mode.label(),
        live: run.mode == ExerciseMode::LivePlay,
        state,
        tag,
        finished: run.state == RunState::Finished,
        starts: date_time(run.starts_at),
        finished_at: run.finished_at.map(date_time),
        facilitator: run.facilitator.clone(),
        players: run
            .players
            .iter()
            .map(|p| (p.organisation_id, p.name.clone()))
            .collect(),
        phase: current.map(|p| phase_view(p, staff)),
        phase_opened: run.phase_opened_at.map(date_time),
        next,
        injects,
        responses,
        observations: if staff {
            observation_rows(report)
        } else {
            Vec::new()
        },
        phases,
        inject_choices: run
            .scenario
            .timeline()
            .into_iter()
            .map(|(_, inject)| {
                (
                    inject.id.clone(),
                    format!("Minute {}: {}", inject.at_minutes, inject.subject),
                )
            })
            .collect(),
        kinds: ResponseKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        outcomes: Observation::ALL
            .into_iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        response: forms.response,
        points,
        problems: forms.problems,
        done,
        warning,
        max_response: MAX_RESPONSE_CHARS,
        max_note: MAX_NOTE_CHARS,
    }
}

/// Reads a run as the viewer may see it (a partner only one it plays in), or "not found".
async fn load(state: &AppState, scope: Scope, id: i64) -> WebResult<DebriefReport> {
    state
        .blocking(move |store| exercises::debrief_report(store, id, scope.organisation()))
        .await?
        .map_err(refused)
}

/// Shows the page again with a refused form's problems.
async fn refused_page(
    state: &AppState,
    viewer: &Viewer,
    scope: Scope,
    id: i64,
    mut forms: Forms,
    problems: Vec<Problem>,
) -> WebResult<Response> {
    let report = load(state, scope, id).await?;
    forms.problems = problems;
    Ok(render(
        StatusCode::BAD_REQUEST,
        &page_of(
            viewer,
            scope,
            &report,
            forms,
            OffsetDateTime::now_utc(),
            None,
            None,
        ),
    ))
}

/// The page's query: what was just done, for the success banner.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RunQuery {
    started: Option<String>,
    unreachable: Option<String>,
    again: Option<String>,
    done: Option<String>,
}

/// An exercise's page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    PageQuery(query): PageQuery<RunQuery>,
) -> WebResult<Response> {
    // Every player's part needs ViewReadiness; a partner's own ViewOwnOrganisation.
    let scope = Scope::of(&viewer)?;
    let report = load(&state, scope, id).await?;
    let now = OffsetDateTime::now_utc();
    let done = match (&query.started, &query.again, query.done.as_deref()) {
        (Some(queued), _, _) => Some(match queued.parse::<usize>() {
            Ok(0) | Err(_) => "The exercise is set up".to_owned(),
            Ok(1) => "The exercise is set up: 1 inject message is queued".to_owned(),
            Ok(n) => format!("The exercise is set up: {n} inject messages are queued"),
        }),
        (None, Some(_), _) => Some(
            "This exercise had already been started with the same scenario, start and players"
                .to_owned(),
        ),
        (None, None, Some("phase")) => Some("The next phase is open".to_owned()),
        (None, None, Some("finished")) => Some("The exercise has finished".to_owned()),
        (None, None, Some("response")) => Some("The response is recorded".to_owned()),
        (None, None, Some("observation")) => Some("The observation is recorded".to_owned()),
        _ => None,
    };
    let warning = query
        .unreachable
        .as_deref()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map(|n| {
            format!(
                "{n} playing organisation{} no contact to send injects to; add their contacts to the register",
                if n == 1 { " has" } else { "s have" }
            )
        });
    let forms = Forms::fresh(&report, now);
    Ok(render(
        StatusCode::OK,
        &page_of(&viewer, scope, &report, forms, now, done, warning),
    ))
}

/// What the advance and finish buttons send.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ButtonForm {
    #[serde(default)]
    csrf_token: String,
}

/// Moves a run on: opens the next phase (the first, if none is open), or finishes it
/// after the last.
pub async fn advance(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ButtonForm>,
) -> WebResult<Response> {
    move_on(state, viewer, id, form, false).await
}

/// Finishes a run now.
pub async fn finish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ButtonForm>,
) -> WebResult<Response> {
    move_on(state, viewer, id, form, true).await
}

async fn move_on(
    state: AppState,
    viewer: Viewer,
    id: i64,
    form: ButtonForm,
    finish: bool,
) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    viewer.check_csrf(&form.csrf_token)?;
    let actor = viewer.user.username.clone();
    let moved = state
        .blocking(move |store| -> Result<ExerciseRunRecord, ReadinessError> {
            let now = OffsetDateTime::now_utc();
            let run = if finish {
                exercises::finish(store, id, now)?
            } else {
                exercises::advance(store, id, now)?
            };
            let detail = match (&run.state, &run.current_phase) {
                (RunState::Finished, _) => "finished".to_owned(),
                (_, Some(phase)) => format!("opened phase {phase}"),
                (_, None) => "moved on".to_owned(),
            };
            audit(
                store,
                &actor,
                "move_exercise",
                format!("exercise_run:{id}"),
                detail,
            )?;
            Ok(run)
        })
        .await?;
    match moved {
        Ok(run) => {
            let done = if run.state == RunState::Finished {
                "finished"
            } else {
                "phase"
            };
            Ok(Redirect::to(&format!("/exercises/{id}?done={done}")).into_response())
        }
        Err(ReadinessError::Invalid(messages)) => {
            let report = load(&state, Scope::All, id).await?;
            let problems = messages
                .into_iter()
                .map(|m| Problem::new("move-on", capitalised(&m)))
                .collect();
            let now = OffsetDateTime::now_utc();
            let mut forms = Forms::fresh(&report, now);
            forms.problems = problems;
            Ok(render(
                StatusCode::BAD_REQUEST,
                &page_of(&viewer, Scope::All, &report, forms, now, None, None),
            ))
        }
        Err(other) => Err(refused(other)),
    }
}

/// The field a problem the application layer found with a response belongs to.
fn response_field(message: &str) -> &'static str {
    if message.contains("inject") {
        "response-inject"
    } else if message.contains("phase") {
        "response-phase"
    } else if message.contains("before the exercise started") {
        "response-day"
    } else {
        "response-text"
    }
}

/// Records a response. A coordinator names the organisation and the time; a partner's
/// response is always its own organisation's, recorded now, whatever the form says.
pub async fn respond(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ResponseForm>,
) -> WebResult<Response> {
    // A facilitator needs ManageReadiness; a partner records its own with
    // ViewOwnOrganisation.
    let partner = if viewer.may(Permission::ManageReadiness) {
        None
    } else if viewer.may(Permission::ViewOwnOrganisation) {
        Some(
            viewer
                .user
                .organisation_id
                .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()))?,
        )
    } else {
        viewer.require(Permission::ManageReadiness)?;
        return Err(WebError::Forbidden);
    };
    viewer.check_csrf(&form.csrf_token)?;
    let scope = partner.map_or(Scope::All, Scope::Own);
    let report = load(&state, scope, id).await?;
    let now = OffsetDateTime::now_utc();
    let mut problems = Vec::new();
    let organisation = match partner {
        Some(own) => Some(own),
        None => {
            let chosen = form
                .organisation
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|org| report.run.players.iter().any(|p| p.organisation_id == *org));
            if chosen.is_none() {
                problems.push(Problem::new(
                    "response-organisation",
                    "Choose the organisation that responded",
                ));
            }
            chosen
        }
    };
    if form.phase.trim().is_empty() {
        problems.push(Problem::new(
            "response-phase",
            "Choose the phase the response belongs to",
        ));
    } else if partner.is_some()
        && !opened_phases(&report.run, now)
            .iter()
            .any(|phase| phase.id == form.phase.trim())
    {
        // A player answers only what it has been told so far.
        problems.push(Problem::new(
            "response-phase",
            "Choose a phase of the exercise that has begun",
        ));
    }
    let kind = ResponseKind::parse(&form.kind);
    if kind.is_none() {
        problems.push(Problem::new(
            "response-kind",
            "Choose whether it was a response, an escalation or a decision",
        ));
    }
    if form.text.trim().is_empty() {
        problems.push(Problem::new(
            "response-text",
            "Say what the organisation did or said",
        ));
    }
    let at = match partner {
        Some(_) => Some(now),
        None => response_time(&form, &mut problems),
    };
    let inject = match partner {
        Some(_) => None,
        None => Some(form.inject.trim().to_owned()).filter(|i| !i.is_empty()),
    };
    let input = match (organisation, kind, at) {
        (Some(organisation_id), Some(kind), Some(at)) if problems.is_empty() => ResponseInput {
            organisation_id,
            phase_id: form.phase.trim().to_owned(),
            inject_id: inject,
            kind,
            text: form.text.clone(),
            at,
        },
        _ => {
            let forms = Forms {
                response: form,
                observation: None,
                problems: Vec::new(),
            };
            return refused_page(&state, &viewer, scope, id, forms, problems).await;
        }
    };
    let actor = viewer.user.username.clone();
    let recorded = state
        .blocking(move |store| -> Result<i64, ReadinessError> {
            let response = exercises::respond(store, id, &input, &actor)?;
            audit(
                store,
                &actor,
                "record_exercise_response",
                format!("exercise_run:{id}"),
                format!(
                    "{} from organisation {} in phase {}",
                    input.kind.as_str(),
                    input.organisation_id,
                    input.phase_id
                ),
            )?;
            Ok(response)
        })
        .await?;
    match recorded {
        Ok(_) => {
            Ok(Redirect::to(&format!("/exercises/{id}?done=response#responses")).into_response())
        }
        Err(ReadinessError::Invalid(messages)) => {
            let problems = messages
                .into_iter()
                .map(|m| Problem::new(response_field(&m), capitalised(&m)))
                .collect();
            let forms = Forms {
                response: form,
                observation: None,
                problems: Vec::new(),
            };
            refused_page(&state, &viewer, scope, id, forms, problems).await
        }
        Err(other) => Err(refused(other)),
    }
}

/// The time a facilitator gave a response (UK local), with problems noted.
fn response_time(form: &ResponseForm, problems: &mut Vec<Problem>) -> Option<OffsetDateTime> {
    let day = DateEntry {
        day: form.day.trim().to_owned(),
        month: form.month.trim().to_owned(),
        year: form.year.trim().to_owned(),
        error: None,
    }
    .date("The date of the response");
    let day = match day {
        Ok(Some(day)) => Some(day),
        Ok(None) => {
            problems.push(Problem::new(
                "response-day",
                "Enter the date of the response",
            ));
            None
        }
        Err(message) => {
            problems.push(Problem::new("response-day", message));
            None
        }
    };
    let clock = parse_clock(&form.time);
    if clock.is_none() {
        problems.push(Problem::new(
            "response-time",
            "The time of the response must be a time on the 24-hour clock, like 10:07",
        ));
    }
    let (day, (hour, minute)) = (day?, clock?);
    let at = local_moment(day, hour, minute);
    if at.is_none() {
        problems.push(Problem::new(
            "response-time",
            "The time of the response must be a real date and time",
        ));
    }
    at
}

/// Records what the facilitator saw of one good-practice point in one organisation (the
/// latest for a point replaces an earlier one).
pub async fn observe(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ObservationForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    viewer.check_csrf(&form.csrf_token)?;
    let report = load(&state, Scope::All, id).await?;
    let point = form.point.trim().to_owned();
    let field = |name: &str| format!("observation-{point}-{name}");
    let mut problems = Vec::new();
    if !report
        .run
        .scenario
        .good_practice()
        .any(|(_, p)| p.id == point)
    {
        return Err(WebError::BadRequest(format!(
            "This exercise has no good-practice point '{}'; go back and use the forms on its page",
            truncate(&point, 60)
        )));
    }
    let organisation = form
        .organisation
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|org| report.run.players.iter().any(|p| p.organisation_id == *org));
    if organisation.is_none() {
        problems.push(Problem::new(
            field("organisation"),
            "Choose the organisation you observed",
        ));
    }
    let observation = Observation::parse(&form.observation);
    if observation.is_none() {
        problems.push(Problem::new(
            field("observation"),
            "Choose whether the point was met, partly met or not met",
        ));
    }
    if form.note.chars().count() > MAX_NOTE_CHARS {
        problems.push(Problem::new(
            field("note"),
            format!("The note must be {MAX_NOTE_CHARS} characters or fewer"),
        ));
    }
    let now = OffsetDateTime::now_utc();
    let (Some(organisation_id), Some(observation), true) =
        (organisation, observation, problems.is_empty())
    else {
        let mut forms = Forms::fresh(&report, now);
        forms.observation = Some(form);
        forms.problems = problems;
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &page_of(&viewer, Scope::All, &report, forms, now, None, None),
        ));
    };
    let input = ObservationInput {
        run_id: id,
        organisation_id,
        point_id: point.clone(),
        observation,
        note: form.note.clone(),
    };
    let actor = viewer.user.username.clone();
    let recorded = state
        .blocking(move |store| -> Result<(), ReadinessError> {
            exercises::observe(store, &input, &actor, now)?;
            audit(
                store,
                &actor,
                "record_exercise_observation",
                format!("exercise_run:{id}"),
                format!(
                    "{}: {} in organisation {}",
                    input.point_id,
                    input.observation.as_str(),
                    input.organisation_id
                ),
            )?;
            Ok(())
        })
        .await?;
    match recorded {
        Ok(()) => Ok(
            Redirect::to(&format!("/exercises/{id}?done=observation#observations")).into_response(),
        ),
        Err(ReadinessError::Invalid(messages)) => {
            let mut forms = Forms::fresh(&report, now);
            forms.problems = messages
                .into_iter()
                .map(|m| Problem::new(field("observation"), capitalised(&m)))
                .collect();
            forms.observation = Some(form);
            Ok(render(
                StatusCode::BAD_REQUEST,
                &page_of(&viewer, Scope::All, &report, forms, now, None, None),
            ))
        }
        Err(other) => Err(refused(other)),
    }
}
