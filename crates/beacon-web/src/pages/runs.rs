//! Ingest runs: every load with its counts, and a run's quarantined rows with reasons
//! (raw rows may hold victims' details, so reading them is audited).

use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{WebError, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::{IngestRun, Permission};
use beacon_store::{AuditEvent, QuarantinedRow};

#[derive(Template)]
#[template(path = "runs.html")]
struct RunsPage {
    chrome: Chrome,
    runs: Vec<IngestRun>,
}

/// Every recent load.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let runs = state.blocking(|store| store.runs(100)).await??;
    Ok(render(
        StatusCode::OK,
        &RunsPage {
            chrome: Chrome::for_viewer(&viewer, "Data loading", "/runs"),
            runs,
        },
    ))
}

impl RunsPage {
    /// A count as pages write numbers (`12,345`).
    fn count(&self, value: &u64) -> String {
        beacon_report::wording::count(*value)
    }
}

impl RunPage {
    /// A count as pages write numbers (`12,345`).
    fn count(&self, value: &u64) -> String {
        beacon_report::wording::count(*value)
    }
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage {
    chrome: Chrome,
    run: IngestRun,
    adds_up: bool,
    rejects: Vec<QuarantinedRow>,
}

async fn run_and_rejects(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    action: &str,
) -> WebResult<(IngestRun, Vec<QuarantinedRow>)> {
    let actor = viewer.user.username.clone();
    let action = action.to_owned();
    state
        .blocking(
            move |store| -> beacon_store::StoreResult<Option<(IngestRun, Vec<QuarantinedRow>)>> {
                let Some(run) = store.run(id)? else {
                    return Ok(None);
                };
                let rejects = if run.counts.rejected > 0 {
                    store.audit(&AuditEvent {
                        actor,
                        action,
                        subject: format!("ingest_run:{id}"),
                        detail: format!("{} rows", run.counts.rejected),
                    })?;
                    store.quarantined(id)?
                } else {
                    Vec::new()
                };
                Ok(Some((run, rejects)))
            },
        )
        .await??
        .ok_or(WebError::NotFound)
}

/// One run: counts, and its quarantined rows.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let (run, rejects) = run_and_rejects(&state, &viewer, id, "read_quarantine").await?;
    let chrome = Chrome::for_viewer(&viewer, format!("Load {id}"), "/runs");
    Ok(render(
        StatusCode::OK,
        &RunPage {
            chrome,
            adds_up: run.counts.adds_up(),
            run,
            rejects,
        },
    ))
}

/// A run's quarantined rows as CSV (line, reason, raw).
pub async fn rejects_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let (_, rejects) = run_and_rejects(&state, &viewer, id, "download_quarantine").await?;
    super::download::csv(
        &format!("beacon-run-{id}-quarantine.csv"),
        &["line", "reason", "raw"],
        rejects
            .into_iter()
            .map(|row| vec![row.row.line.to_string(), row.row.reason, row.row.raw]),
    )
}
