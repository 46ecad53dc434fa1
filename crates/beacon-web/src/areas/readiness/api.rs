//! Readiness in the JSON API: the exercises the viewer may see (a partner's token only the
//! runs its organisation plays in), one run's debrief (a partner only its own part), and
//! the area's self-assessment summary. `openapi.json` describes them.

use super::scope::{Scope, refused};
use crate::api::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::auth::Viewer;
use crate::chrome::error::WebError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use beacon_analytics::readiness::assessment::{GroupSummary, ThemeSummary};
use beacon_analytics::readiness::exercise::{GapRef, PointRef};
use beacon_app::readiness::assessment;
use beacon_app::readiness::exercises::{self, DebriefReport};
use beacon_core::Permission;
use beacon_core::readiness::{AdviceLink, ExerciseMode, Observation, ResponseKind};
use beacon_store::readiness::{ExerciseRunRecord, Player, RunState};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The area's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exercises", get(runs))
        .route("/exercises/{id}/debrief", get(debrief))
        .route("/assessment/summary", get(summary))
}

fn moment(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn seconds(duration: Option<Duration>) -> Option<i64> {
    duration.map(|d| d.whole_seconds())
}

/// A run as the API gives it.
#[derive(Debug, Serialize)]
struct RunJson {
    id: i64,
    title: String,
    scenario_id: String,
    scenario_title: String,
    mode: ExerciseMode,
    state: RunState,
    starts_at: String,
    current_phase: Option<String>,
    phase_opened_at: Option<String>,
    finished_at: Option<String>,
    /// Who runs it (staff only).
    facilitator: Option<String>,
    players: Vec<Player>,
}

fn run_json(run: &ExerciseRunRecord, scope: Scope) -> RunJson {
    RunJson {
        id: run.id,
        title: run.title.clone(),
        scenario_id: run.scenario_id.clone(),
        scenario_title: run.scenario.title.clone(),
        mode: run.mode,
        state: run.state,
        starts_at: moment(run.starts_at),
        current_phase: run.current_phase.clone(),
        phase_opened_at: run.phase_opened_at.map(moment),
        finished_at: run.finished_at.map(moment),
        facilitator: scope.is_staff().then(|| run.facilitator.clone()),
        players: run.players.clone(),
    }
}

/// The query of `GET /exercises`.
#[derive(serde::Deserialize)]
struct RunsQuery {
    limit: Option<u32>,
}

async fn runs(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiQuery(query): ApiQuery<RunsQuery>,
) -> ApiResult {
    // Every run needs ViewReadiness; a partner's own runs ViewOwnOrganisation.
    let scope = Scope::of(&viewer?)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError(WebError::BadRequest(format!(
            "limit must be a whole number from 1 to 1000 ({limit} is not)"
        ))));
    }
    let found = state
        .blocking(move |store| exercises::runs(store, scope.organisation()))
        .await?
        .map_err(refused)?;
    let lines: Vec<RunJson> = found
        .iter()
        .take(limit as usize)
        .map(|run| run_json(run, scope))
        .collect();
    Ok(Json(lines).into_response())
}

/// A good-practice point that fell short.
#[derive(Debug, Serialize)]
struct GapJson {
    phase_id: String,
    point_id: String,
    text: String,
    observation: Observation,
    advice: Vec<AdviceLink>,
}

impl From<&GapRef> for GapJson {
    fn from(gap: &GapRef) -> GapJson {
        GapJson {
            phase_id: gap.phase_id.clone(),
            point_id: gap.point_id.clone(),
            text: gap.text.clone(),
            observation: gap.observation,
            advice: gap.advice.clone(),
        }
    }
}

/// A point met, or not observed.
#[derive(Debug, Serialize)]
struct PointJson {
    phase_id: String,
    point_id: String,
    text: String,
}

impl From<&PointRef> for PointJson {
    fn from(point: &PointRef) -> PointJson {
        PointJson {
            phase_id: point.phase_id.clone(),
            point_id: point.point_id.clone(),
            text: point.text.clone(),
        }
    }
}

/// One run in a player's history of the scenario.
#[derive(Debug, Serialize)]
struct ProgressJson {
    run_id: i64,
    starts_at: String,
    first_response_seconds: Option<i64>,
    met: usize,
    gaps: usize,
}

/// One player's debrief.
#[derive(Debug, Serialize)]
struct PlayerJson {
    organisation_id: i64,
    name: String,
    first_response_seconds: Option<i64>,
    first_escalation_seconds: Option<i64>,
    first_decision_seconds: Option<i64>,
    responses: usize,
    went_well: Vec<PointJson>,
    gaps: Vec<GapJson>,
    not_observed: Vec<PointJson>,
    progress: Vec<ProgressJson>,
}

/// A recorded response.
#[derive(Debug, Serialize)]
struct ResponseJson {
    id: i64,
    organisation_id: i64,
    organisation: String,
    phase_id: String,
    inject_id: Option<String>,
    kind: ResponseKind,
    text: String,
    at: String,
    recorded_by: String,
}

/// An inject message (live play) and where its delivery stands.
#[derive(Debug, Serialize)]
struct InjectJson {
    organisation_id: i64,
    inject_id: String,
    recipient: String,
    status: &'static str,
    due_at: String,
    sent_at: Option<String>,
}

/// A run's debrief.
#[derive(Debug, Serialize)]
struct DebriefJson {
    run: RunJson,
    median_first_response_seconds: Option<i64>,
    responded: usize,
    players: Vec<PlayerJson>,
    responses: Vec<ResponseJson>,
    injects: Vec<InjectJson>,
}

fn debrief_json(report: &DebriefReport, scope: Scope) -> DebriefJson {
    DebriefJson {
        run: run_json(&report.run, scope),
        median_first_response_seconds: seconds(report.debrief.median_first_response),
        responded: report.debrief.responded,
        players: report
            .debrief
            .players
            .iter()
            .map(|player| PlayerJson {
                organisation_id: player.organisation_id,
                name: report.name_of(player.organisation_id).to_owned(),
                first_response_seconds: seconds(player.first_response),
                first_escalation_seconds: seconds(player.first_escalation),
                first_decision_seconds: seconds(player.first_decision),
                responses: player.responses,
                went_well: player.went_well.iter().map(PointJson::from).collect(),
                gaps: player.gaps.iter().map(GapJson::from).collect(),
                not_observed: player.not_observed.iter().map(PointJson::from).collect(),
                progress: report
                    .progress
                    .get(&player.organisation_id)
                    .map(|points| {
                        points
                            .iter()
                            .map(|point| ProgressJson {
                                run_id: point.run_id,
                                starts_at: moment(point.starts_at),
                                first_response_seconds: seconds(point.first_response),
                                met: point.met,
                                gaps: point.gaps,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        responses: report
            .responses
            .iter()
            .map(|r| ResponseJson {
                id: r.id,
                organisation_id: r.organisation_id,
                organisation: r.organisation.clone(),
                phase_id: r.phase_id.clone(),
                inject_id: r.inject_id.clone(),
                kind: r.kind,
                text: r.text.clone(),
                at: moment(r.at),
                recorded_by: r.recorded_by.clone(),
            })
            .collect(),
        injects: report
            .injects
            .iter()
            .map(|i| InjectJson {
                organisation_id: i.organisation_id,
                inject_id: i.inject_id.clone(),
                recipient: i.message.recipient.clone(),
                status: i.message.status.as_str(),
                due_at: moment(i.message.next_attempt_at),
                sent_at: i.message.sent_at.map(moment),
            })
            .collect(),
    }
}

async fn debrief(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    // Every player's part needs ViewReadiness; a partner's own ViewOwnOrganisation.
    let scope = Scope::of(&viewer?)?;
    let report = state
        .blocking(move |store| exercises::debrief_report(store, id, scope.organisation()))
        .await?
        .map_err(refused)?;
    Ok(Json(debrief_json(&report, scope)).into_response())
}

/// One theme across a group of organisations.
#[derive(Debug, Serialize)]
struct ThemeJson {
    key: String,
    framework: &'static str,
    theme: &'static str,
    organisations: usize,
    mean_percent: Option<u32>,
    organisations_with_gap: usize,
}

fn theme_json(summary: &ThemeSummary) -> ThemeJson {
    ThemeJson {
        key: summary.theme.key(),
        framework: summary.theme.framework(),
        theme: summary.theme.label(),
        organisations: summary.organisations,
        mean_percent: summary.mean_percent,
        organisations_with_gap: summary.organisations_with_gap,
    }
}

/// A sector's or district's picture.
#[derive(Debug, Serialize)]
struct GroupJson {
    name: String,
    organisations: usize,
    themes: Vec<ThemeJson>,
}

fn group_json(group: &GroupSummary) -> GroupJson {
    GroupJson {
        name: group.name.clone(),
        organisations: group.organisations,
        themes: group.themes.iter().map(theme_json).collect(),
    }
}

/// The area's self-assessment picture.
#[derive(Debug, Serialize)]
struct SummaryJson {
    bank_version: String,
    organisations_assessed: usize,
    answers_left_out: usize,
    themes: Vec<ThemeJson>,
    by_sector: Vec<GroupJson>,
    by_district: Vec<GroupJson>,
}

async fn summary(State(state): State<AppState>, viewer: Result<Viewer, WebError>) -> ApiResult {
    viewer?.require(Permission::ViewReadiness)?;
    let picture = state.blocking(assessment::area).await?.map_err(refused)?;
    let summary = &picture.summary;
    Ok(Json(SummaryJson {
        bank_version: picture.bank_version.clone(),
        organisations_assessed: summary.organisations_assessed,
        answers_left_out: summary.answers_left_out,
        themes: summary.themes.iter().map(theme_json).collect(),
        by_sector: summary.by_sector.iter().map(group_json).collect(),
        by_district: summary.by_district.iter().map(group_json).collect(),
    })
    .into_response())
}
