//! The exercises list (every run for coordinators and analysts, the runs its organisation
//! plays in for a partner) and starting an exercise: the form (scenario, table-top or live
//! play, when it starts in UK local time, the playing organisations, a title of its own)
//! and its checks, shown as a GOV.UK error summary on the same form.

use super::scope::{
    LIST_LIMIT, Scope, area_links, audit, clock_text, local_moment, local_parts, parse_clock,
    refused,
};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::date_time;
use crate::chrome::forms::{DateEntry, Fields, Problem, truncate};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::exercises::{self, StartRun};
use beacon_app::readiness::{ReadinessError, library};
use beacon_core::Permission;
use beacon_core::readiness::ExerciseMode;
use beacon_store::readiness::{ExerciseRunRecord, RunState};
use time::OffsetDateTime;

/// The longest title of its own an exercise may have.
const TITLE_LIMIT: usize = 200;

/// The words and GOV.UK tag colour for where a run stands.
pub fn state_words(state: RunState) -> (&'static str, &'static str) {
    match state {
        RunState::Planned => ("Planned", "govuk-tag--grey"),
        RunState::Running => ("Running", "govuk-tag--blue"),
        RunState::Finished => ("Finished", "govuk-tag--green"),
    }
}

/// A run as the list shows it.
pub struct RunLine {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The scenario's title.
    pub scenario: String,
    /// Table-top or live play.
    pub mode: &'static str,
    /// Where it stands, in words.
    pub state: &'static str,
    /// The state's tag colour.
    pub tag: &'static str,
    /// When it starts, in UK local time.
    pub starts: String,
    /// The players the viewer may see, by name.
    pub players: Vec<String>,
}

impl RunLine {
    /// The line for a run.
    pub fn of(run: &ExerciseRunRecord) -> RunLine {
        let (state, tag) = state_words(run.state);
        RunLine {
            id: run.id,
            title: run.title.clone(),
            scenario: run.scenario.title.clone(),
            mode: run.mode.label(),
            state,
            tag,
            starts: date_time(run.starts_at),
            players: run.players.iter().map(|p| p.name.clone()).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "readiness/templates/exercises.html")]
struct ListPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    staff: bool,
    may_start: bool,
    runs: Vec<RunLine>,
    capped: bool,
}

/// The exercises the viewer may see, latest starting first.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    // Every run needs ViewReadiness; a partner's own runs ViewOwnOrganisation.
    let scope = Scope::of(&viewer)?;
    let runs = state
        .blocking(move |store| exercises::runs(store, scope.organisation()))
        .await?
        .map_err(refused)?;
    let title = if scope.is_staff() {
        "Exercises"
    } else {
        "Your organisation's exercises"
    };
    Ok(render(
        StatusCode::OK,
        &ListPage {
            chrome: viewer.chrome(title, "/exercises"),
            links: area_links(&viewer),
            staff: scope.is_staff(),
            may_start: viewer.may(Permission::ManageReadiness),
            capped: runs.len() > LIST_LIMIT,
            runs: runs.iter().take(LIST_LIMIT).map(RunLine::of).collect(),
        },
    ))
}

/// What the start form sends (and shows again when refused). Read from the raw fields,
/// since the organisations are checkboxes sharing one name.
#[derive(Debug, Clone, Default)]
pub struct StartForm {
    csrf_token: String,
    scenario: String,
    mode: String,
    day: String,
    month: String,
    year: String,
    time: String,
    organisations: Vec<String>,
    title: String,
}

impl StartForm {
    /// The form's fields from what the browser sent.
    fn from_fields(fields: &[(String, String)]) -> StartForm {
        let fields = Fields(fields);
        let one = |name: &str| fields.one(name);
        StartForm {
            csrf_token: one("csrf_token"),
            scenario: one("scenario"),
            mode: one("mode"),
            day: one("start-day"),
            month: one("start-month"),
            year: one("start-year"),
            time: one("start-time"),
            organisations: fields.all("organisations"),
            title: one("title"),
        }
    }

    /// The run the form asks for, or every problem with it. `scenarios` and
    /// `organisations` are the ids there are to choose from.
    fn check(
        &self,
        scenarios: &[String],
        organisations: &[i64],
        facilitator: &str,
    ) -> Result<StartRun, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.scenario.is_empty() {
            problems.push(Problem::new("scenario", "Choose a scenario"));
        } else if !scenarios.contains(&self.scenario) {
            problems.push(Problem::new(
                "scenario",
                format!(
                    "Choose a scenario from the library ('{}' is not one)",
                    truncate(&self.scenario, 60)
                ),
            ));
        }
        let mode = ExerciseMode::parse(&self.mode);
        if mode.is_none() {
            problems.push(Problem::new(
                "mode",
                "Choose how it is played: table-top or live play",
            ));
        }
        let day = DateEntry {
            day: self.day.clone(),
            month: self.month.clone(),
            year: self.year.clone(),
            error: None,
        }
        .date("The start date");
        let day = match day {
            Ok(Some(day)) => Some(day),
            Ok(None) => {
                problems.push(Problem::new("start-day", "Enter the date it starts"));
                None
            }
            Err(message) => {
                problems.push(Problem::new("start-day", message));
                None
            }
        };
        let clock = if self.time.is_empty() {
            problems.push(Problem::new("start-time", "Enter the time it starts"));
            None
        } else {
            let clock = parse_clock(&self.time);
            if clock.is_none() {
                problems.push(Problem::new(
                    "start-time",
                    "The start time must be a time on the 24-hour clock, like 09:30",
                ));
            }
            clock
        };
        let mut chosen = Vec::new();
        for text in &self.organisations {
            match text.parse::<i64>() {
                Ok(id) if organisations.contains(&id) => chosen.push(id),
                _ => problems.push(Problem::new(
                    "organisations",
                    format!(
                        "Choose organisations from the register ('{}' is not one)",
                        truncate(text, 40)
                    ),
                )),
            }
        }
        if self.organisations.is_empty() {
            problems.push(Problem::new(
                "organisations",
                "Choose at least one organisation to play",
            ));
        }
        if self.title.chars().count() > TITLE_LIMIT {
            problems.push(Problem::new(
                "title",
                format!("The title must be {TITLE_LIMIT} characters or fewer"),
            ));
        }
        let starts_at = match (day, clock) {
            (Some(day), Some((hour, minute))) => {
                let moment = local_moment(day, hour, minute);
                if moment.is_none() {
                    problems.push(Problem::new(
                        "start-time",
                        "The start must be a real date and time",
                    ));
                }
                moment
            }
            _ => None,
        };
        match (mode, starts_at) {
            (Some(mode), Some(starts_at)) if problems.is_empty() => Ok(StartRun {
                scenario_id: self.scenario.clone(),
                mode,
                starts_at,
                organisation_ids: chosen,
                facilitator: facilitator.to_owned(),
                title: (!self.title.is_empty()).then(|| self.title.clone()),
            }),
            _ => Err(problems),
        }
    }
}

/// A scenario the form offers.
pub struct ScenarioChoice {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Its planned length, in minutes.
    pub minutes: u32,
}

/// An organisation the form offers.
pub struct OrganisationChoice {
    /// Its register id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: String,
    /// Ticked.
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "readiness/templates/exercise_new.html")]
struct NewPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    form: StartForm,
    problems: Vec<Problem>,
    scenarios: Vec<ScenarioChoice>,
    organisations: Vec<OrganisationChoice>,
    modes: Vec<(&'static str, &'static str, &'static str)>,
}

impl NewPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// The start date's parts: name suffix, label, value and width.
    fn date_parts(&self) -> [(&'static str, &'static str, &str, &'static str); 3] {
        [
            ("day", "Day", &self.form.day, "2"),
            ("month", "Month", &self.form.month, "2"),
            ("year", "Year", &self.form.year, "4"),
        ]
    }
}

/// What there is to choose from: the library (loaded with the shipped scenarios when
/// empty) and the register's organisations.
type Choices = (Vec<ScenarioChoice>, Vec<(i64, String, String)>);

async fn choices(state: &AppState, viewer: &Viewer) -> WebResult<Choices> {
    let by = viewer.user.username.clone();
    let (scenarios, organisations) = state
        .blocking(move |store| -> Result<_, ReadinessError> {
            let scenarios = library::scenarios(store, &by, OffsetDateTime::now_utc())?;
            let organisations = store.organisations()?;
            Ok((scenarios, organisations))
        })
        .await?
        .map_err(refused)?;
    Ok((
        scenarios
            .into_iter()
            .map(|s| ScenarioChoice {
                id: s.id,
                title: s.title,
                summary: s.scenario.summary,
                minutes: s.scenario.duration_minutes,
            })
            .collect(),
        organisations
            .into_iter()
            .map(|o| (o.id, o.organisation.name, o.organisation.sector))
            .collect(),
    ))
}

fn show(
    viewer: &Viewer,
    status: StatusCode,
    form: StartForm,
    problems: Vec<Problem>,
    (scenarios, organisations): Choices,
) -> Response {
    let organisations = organisations
        .into_iter()
        .map(|(id, name, sector)| OrganisationChoice {
            chosen: form.organisations.contains(&id.to_string()),
            id,
            name,
            sector,
        })
        .collect();
    let title = if problems.is_empty() {
        "Start an exercise"
    } else {
        "Error: Start an exercise"
    };
    render(
        status,
        &NewPage {
            chrome: viewer.chrome(title, "/exercises"),
            links: area_links(viewer),
            form,
            problems,
            scenarios,
            organisations,
            modes: [ExerciseMode::TableTop, ExerciseMode::LivePlay]
                .into_iter()
                .map(|mode| {
                    (
                        mode.as_str(),
                        mode.label(),
                        match mode {
                            ExerciseMode::TableTop => {
                                "In a room: you open each phase and record what the players say and do."
                            }
                            ExerciseMode::LivePlay => {
                                "For real: each inject is emailed to the playing organisations at its time, and they respond."
                            }
                        },
                    )
                })
                .collect(),
        },
    )
}

/// The form to start an exercise, the start filled in with the next whole hour.
pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    let choices = choices(&state, &viewer).await?;
    let (day, hour, _) = local_parts(OffsetDateTime::now_utc() + time::Duration::hours(1));
    let form = StartForm {
        mode: ExerciseMode::TableTop.as_str().to_owned(),
        day: day.day().to_string(),
        month: u8::from(day.month()).to_string(),
        year: day.year().to_string(),
        time: clock_text(hour, 0),
        ..StartForm::default()
    };
    Ok(show(&viewer, StatusCode::OK, form, Vec::new(), choices))
}

/// Starts the exercise the form describes (live play queues its injects), then its page.
pub async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    let form = StartForm::from_fields(&fields);
    viewer.check_csrf(&form.csrf_token)?;
    let choices = choices(&state, &viewer).await?;
    let scenario_ids: Vec<String> = choices.0.iter().map(|s| s.id.clone()).collect();
    let organisation_ids: Vec<i64> = choices.1.iter().map(|o| o.0).collect();
    let request = match form.check(&scenario_ids, &organisation_ids, &viewer.user.username) {
        Ok(request) => request,
        Err(problems) => {
            return Ok(show(
                &viewer,
                StatusCode::BAD_REQUEST,
                form,
                problems,
                choices,
            ));
        }
    };
    let settings = state.settings().notify.clone();
    let actor = viewer.user.username.clone();
    let started = state
        .blocking(move |store| -> Result<_, ReadinessError> {
            let started = exercises::start(store, &request, &settings, OffsetDateTime::now_utc())?;
            if started.created {
                audit(
                    store,
                    &actor,
                    "start_exercise",
                    format!("exercise_run:{}", started.id),
                    format!(
                        "{} ({}), {} player(s), {} inject message(s) queued",
                        request.scenario_id,
                        request.mode.as_str(),
                        request.organisation_ids.len(),
                        started.injects_queued
                    ),
                )?;
            }
            Ok(started)
        })
        .await?;
    let started = match started {
        Ok(started) => started,
        Err(ReadinessError::Invalid(messages)) => {
            let problems = messages
                .into_iter()
                .map(|m| Problem::new("scenario", super::scope::capitalised(&m)))
                .collect();
            return Ok(show(
                &viewer,
                StatusCode::BAD_REQUEST,
                form,
                problems,
                choices,
            ));
        }
        Err(ReadinessError::NotFound(_)) => {
            return Ok(show(
                &viewer,
                StatusCode::BAD_REQUEST,
                form,
                vec![Problem::new(
                    "scenario",
                    "Choose a scenario from the library",
                )],
                choices,
            ));
        }
        Err(other) => return Err(refused(other)),
    };
    let mut target = format!(
        "/exercises/{}?started={}",
        started.id, started.injects_queued
    );
    if !started.unreachable.is_empty() {
        target.push_str(&format!("&unreachable={}", started.unreachable.len()));
    }
    if !started.created {
        target = format!("/exercises/{}?again=yes", started.id);
    }
    Ok(Redirect::to(&target).into_response())
}
