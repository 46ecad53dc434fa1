//! The scenario library: every scenario (the shipped ones are loaded into an empty
//! library), each scenario's phases with their narrative, injects, questions and
//! good-practice points, a scenario as an exercise file to download, and importing one
//! (checked whole: a file with problems is refused with every problem listed, and nothing
//! is stored).

use super::scope::{area_links, audit, capitalised, refused};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date_time;
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::{ReadinessError, library};
use beacon_core::Permission;
use beacon_core::readiness::{AdviceLink, Scenario};
use beacon_store::readiness::{ScenarioPut, StoredScenario};
use time::OffsetDateTime;

/// The largest exercise file accepted (the shipped ones are a few tens of kilobytes).
const FILE_LIMIT: usize = 1 << 20;

/// A scenario as the library lists it.
pub struct ScenarioLine {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Who it suits.
    pub audience: String,
    /// Its phases.
    pub phases: usize,
    /// Its injects.
    pub injects: usize,
    /// Planned length, in minutes.
    pub minutes: u32,
    /// Who imported it, and when, in words.
    pub imported: String,
}

fn line(stored: &StoredScenario) -> ScenarioLine {
    let scenario = &stored.scenario;
    ScenarioLine {
        id: stored.id.clone(),
        title: stored.title.clone(),
        summary: scenario.summary.clone(),
        audience: if scenario.audience.is_empty() {
            "All".to_owned()
        } else {
            scenario.audience.join(", ")
        },
        phases: scenario.phases.len(),
        injects: scenario.timeline().len(),
        minutes: scenario.duration_minutes,
        imported: format!(
            "{} by {}",
            date_time(stored.imported_at),
            stored.imported_by
        ),
    }
}

#[derive(Template)]
#[template(path = "readiness/templates/library.html")]
struct LibraryPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    scenarios: Vec<ScenarioLine>,
    may_import: bool,
    problems: Vec<String>,
}

async fn scenarios(state: &AppState, viewer: &Viewer) -> WebResult<Vec<StoredScenario>> {
    let by = viewer.user.username.clone();
    state
        .blocking(move |store| library::scenarios(store, &by, OffsetDateTime::now_utc()))
        .await?
        .map_err(refused)
}

fn library_page(
    viewer: &Viewer,
    status: StatusCode,
    scenarios: &[StoredScenario],
    problems: Vec<String>,
) -> Response {
    let title = if problems.is_empty() {
        "Scenario library"
    } else {
        "Error: Scenario library"
    };
    render(
        status,
        &LibraryPage {
            chrome: viewer.chrome(title, "/exercises"),
            links: area_links(viewer),
            scenarios: scenarios.iter().map(line).collect(),
            may_import: viewer.may(Permission::ManageReadiness),
            problems,
        },
    )
}

/// The library, by title.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewReadiness)?;
    let stored = scenarios(&state, &viewer).await?;
    Ok(library_page(&viewer, StatusCode::OK, &stored, Vec::new()))
}

/// The library again, with why the file was refused.
async fn refuse(state: &AppState, viewer: &Viewer, problems: Vec<String>) -> WebResult<Response> {
    let stored = scenarios(state, viewer).await?;
    Ok(library_page(
        viewer,
        StatusCode::BAD_REQUEST,
        &stored,
        problems,
    ))
}

/// Imports an exercise file in Beacon's format: stored only
/// if it has no problems; otherwise every problem is listed and nothing is stored.
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    let mut csrf = None;
    let mut file: Option<Vec<u8>> = None;
    let mut too_big = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| WebError::BadRequest(e.to_string()))?,
                );
            }
            Some("file") => {
                // The token comes first in the form, so nothing is read for a forged post.
                viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    WebError::BadRequest(format!("The upload stopped part way: {e}"))
                })? {
                    if bytes.len() + chunk.len() > FILE_LIMIT {
                        too_big = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
    if too_big {
        return refuse(
            &state,
            &viewer,
            vec![format!(
                "The file is too big: an exercise file can be at most {} KB",
                FILE_LIMIT / 1024
            )],
        )
        .await;
    }
    let Some(bytes) = file.filter(|bytes| !bytes.is_empty()) else {
        return refuse(
            &state,
            &viewer,
            vec!["Select an exercise file to import".to_owned()],
        )
        .await;
    };
    let actor = viewer.user.username.clone();
    let imported = state
        .blocking(
            move |store| -> Result<(Scenario, ScenarioPut), ReadinessError> {
                let (scenario, put) =
                    library::import(store, &bytes, &actor, OffsetDateTime::now_utc())?;
                if put != ScenarioPut::Unchanged {
                    audit(
                        store,
                        &actor,
                        "import_scenario",
                        format!("scenario:{}", scenario.id),
                        format!(
                            "{} ({})",
                            scenario.title,
                            match put {
                                ScenarioPut::Added => "added",
                                _ => "updated",
                            }
                        ),
                    )?;
                }
                Ok((scenario, put))
            },
        )
        .await?;
    match imported {
        Ok((scenario, put)) => {
            let done = match put {
                ScenarioPut::Added => "added",
                ScenarioPut::Updated => "updated",
                ScenarioPut::Unchanged => "unchanged",
            };
            Ok(Redirect::to(&format!(
                "/exercises/library/{}?imported={done}",
                scenario.id
            ))
            .into_response())
        }
        Err(ReadinessError::Invalid(problems)) => {
            refuse(
                &state,
                &viewer,
                problems.iter().map(|p| capitalised(p)).collect(),
            )
            .await
        }
        Err(other) => Err(refused(other)),
    }
}

/// An inject as the scenario page lists it.
pub struct InjectView {
    /// Minutes after the start.
    pub minute: i64,
    /// Who receives it.
    pub to: &'static str,
    /// Its subject.
    pub subject: String,
    /// What it says.
    pub body: String,
}

/// A phase as the scenario page shows it.
pub struct PhaseView {
    /// Its title.
    pub title: String,
    /// The minute it opens.
    pub opens: u32,
    /// What the players are told.
    pub narrative: String,
    /// Its injects.
    pub injects: Vec<InjectView>,
    /// What the facilitator asks.
    pub questions: Vec<String>,
    /// What good looks like, with where to read how.
    pub points: Vec<(String, Vec<AdviceLink>)>,
}

#[derive(Template)]
#[template(path = "readiness/templates/scenario.html")]
struct ScenarioPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: String,
    summary: String,
    audience: String,
    minutes: u32,
    revision: String,
    imported: String,
    phases: Vec<PhaseView>,
    advice: Vec<AdviceLink>,
    may_download: bool,
    done: Option<&'static str>,
}

/// The scenario page's query: what an import just did.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ScenarioQuery {
    imported: Option<String>,
}

fn safe(links: &[AdviceLink]) -> Vec<AdviceLink> {
    links
        .iter()
        .filter(|link| link.is_safe())
        .cloned()
        .collect()
}

/// A scenario's page, or (for `{id}.json`) the scenario as an exercise file.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<ScenarioQuery>,
) -> WebResult<Response> {
    if let Some(scenario_id) = id.strip_suffix(".json") {
        return download(state, viewer, scenario_id.to_owned()).await;
    }
    viewer.require(Permission::ViewReadiness)?;
    let stored = state
        .blocking(move |store| library::scenario(store, &id))
        .await?
        .map_err(refused)?;
    let line = line(&stored);
    let scenario = stored.scenario;
    Ok(render(
        StatusCode::OK,
        &ScenarioPage {
            chrome: viewer.chrome(scenario.title.clone(), "/exercises"),
            links: area_links(&viewer),
            id: stored.id,
            summary: scenario.summary.clone(),
            audience: line.audience,
            minutes: scenario.duration_minutes,
            revision: stored.revision.chars().take(12).collect(),
            imported: line.imported,
            phases: scenario
                .phases
                .iter()
                .map(|phase| PhaseView {
                    title: phase.title.clone(),
                    opens: phase.starts_at_minutes,
                    narrative: phase.narrative.clone(),
                    injects: phase
                        .injects
                        .iter()
                        .map(|inject| InjectView {
                            minute: inject.at_minutes,
                            to: inject.to.label(),
                            subject: inject.subject.clone(),
                            body: inject.body.clone(),
                        })
                        .collect(),
                    questions: phase.questions.iter().map(|q| q.text.clone()).collect(),
                    points: phase
                        .good_practice
                        .iter()
                        .map(|point| (point.text.clone(), safe(&point.advice)))
                        .collect(),
                })
                .collect(),
            advice: safe(&scenario.advice),
            may_download: viewer.may(Permission::ManageReadiness),
            done: match query.imported.as_deref() {
                Some("added") => Some("The scenario is added to the library"),
                Some("updated") => {
                    Some("The scenario is updated: exercises already run keep the version they ran")
                }
                Some("unchanged") => {
                    Some("The library already held this scenario as it is: nothing changed")
                }
                _ => None,
            },
        },
    ))
}

/// A scenario as an exercise file, to share or edit and import again.
async fn download(state: AppState, viewer: Viewer, id: String) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    let name = format!("{id}.json");
    let file = state
        .blocking(move |store| library::export(store, &id))
        .await?
        .map_err(refused)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        file,
    )
        .into_response())
}
