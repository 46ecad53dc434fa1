//! Uploading a report CSV: the file is streamed to a temporary file, then loaded on its
//! own thread and connection with the same pipeline (and semantics) as
//! `beacon ingest reports`, while the browser follows its progress.

use crate::auth::{Viewer, new_token};
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::jobs::{Job, JobState};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::{IngestOptions, ingest_reports};
use beacon_core::Permission;
use beacon_store::AuditEvent;
use std::io::Write;

#[derive(Template)]
#[template(path = "reports/templates/upload.html")]
struct UploadPage {
    chrome: Chrome,
    error: Option<String>,
}

/// The upload form.
pub async fn form(viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    Ok(render(
        StatusCode::OK,
        &UploadPage {
            chrome: viewer.chrome("Upload reports", "/runs"),
            error: None,
        },
    ))
}

fn refuse(viewer: &Viewer, message: &str) -> Response {
    crate::refusals::refuse(crate::refusals::Refusal {
        action: "upload_refused",
        detail: format!("refused: {message}"),
        actor: None,
    });
    render(
        StatusCode::BAD_REQUEST,
        &UploadPage {
            chrome: viewer.chrome("Upload reports", "/runs"),
            error: Some(message.to_owned()),
        },
    )
}

/// Only the last path part of a browser-given name, without control characters.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "upload.csv".into()
    } else {
        cleaned
    }
}

/// Receives the file and starts loading it.
pub async fn receive(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let mut csrf = None;
    let mut upload: Option<(String, tempfile::NamedTempFile, u64)> = None;
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
                // The token comes first in the form, so nothing is written for a forged post.
                viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
                let name = clean_name(field.file_name().unwrap_or("upload.csv"));
                let mut file = tempfile::NamedTempFile::new()
                    .map_err(|e| WebError::Internal(format!("no temporary file: {e}")))?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    WebError::BadRequest(format!("The upload stopped part way: {e}"))
                })? {
                    size += chunk.len() as u64;
                    file.write_all(&chunk)
                        .map_err(|e| WebError::Internal(format!("cannot keep the upload: {e}")))?;
                }
                upload = Some((name, file, size));
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
    let Some((name, file, size)) = upload.filter(|(_, _, size)| *size > 0) else {
        return Ok(refuse(&viewer, "Select a CSV file to upload"));
    };
    let job_id = new_token();
    state.jobs.start(
        &job_id,
        Job {
            owner: viewer.user.id,
            file_name: name.clone(),
            total_bytes: size,
            state: JobState::Loading { bytes: 0, rows: 0 },
        },
    );
    let worker_state = state.clone();
    let worker_job = job_id.clone();
    let actor = viewer.user.username.clone();
    // A panic while loading marks the upload failed instead of leaving it "Loading".
    state.jobs.spawn_loader(&job_id, move || {
        load(&worker_state, &worker_job, &actor, &name, file);
    });
    Ok(Redirect::to(&format!("/upload/{job_id}")).into_response())
}

/// Loads an uploaded file (on its own thread).
fn load(state: &AppState, job: &str, actor: &str, name: &str, file: tempfile::NamedTempFile) {
    let jobs = &state.jobs;
    let options = IngestOptions::new(
        state.settings().rules.clone(),
        time::OffsetDateTime::now_utc().date(),
    );
    let source = format!("{name} (uploaded by {actor})");
    let care_weights = state.settings().care_weights.clone();
    let result = state.pool.with_dedicated(|store| {
        let input = std::fs::File::open(file.path()).map_err(|e| e.to_string())?;
        let outcome = ingest_reports(
            store,
            &source,
            Box::new(std::io::BufReader::new(input)),
            &options,
            &mut |progress| {
                jobs.update(
                    job,
                    JobState::Loading {
                        bytes: progress.bytes,
                        rows: progress.rows,
                    },
                );
            },
        )
        .map_err(|e| e.to_string())?;
        // New reports reach the victim triage queue at once.
        if outcome.stored > 0
            && let Some(weights) = &care_weights
        {
            beacon_app::care::triage_after_ingest(
                store,
                weights,
                actor,
                time::OffsetDateTime::now_utc(),
            )
            .map_err(|e| e.to_string())?;
        }
        store
            .audit(&AuditEvent {
                actor: actor.to_owned(),
                action: "upload_reports".into(),
                subject: format!("ingest_run:{}", outcome.run_id),
                detail: format!(
                    "{name}: {} read, {} stored, {} duplicates, {} rejected",
                    outcome.read, outcome.stored, outcome.duplicates, outcome.rejected
                ),
            })
            .map_err(|e| e.to_string())?;
        Ok::<i64, String>(outcome.run_id)
    });
    let state_now = match result {
        Ok(Ok(run_id)) => JobState::Finished { run_id },
        Ok(Err(message)) => JobState::Failed(message),
        Err(error) => JobState::Failed(error.to_string()),
    };
    jobs.update(job, state_now);
}

#[derive(Template)]
#[template(path = "reports/templates/upload_progress.html")]
struct ProgressPage {
    chrome: Chrome,
    job: String,
    file_name: String,
    percent: u64,
    rows: String,
    failed: Option<String>,
}

/// An upload's progress: reloads itself until the load ends, then goes to the run.
pub async fn progress(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(job): Path<String>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let found = state
        .jobs
        .get(&job)
        .filter(|j| j.owner == viewer.user.id)
        .ok_or(WebError::NotFound)?;
    let (percent, rows, failed) = match &found.state {
        JobState::Finished { run_id } => {
            return Ok(Redirect::to(&format!("/runs/{run_id}")).into_response());
        }
        JobState::Loading { bytes, rows } => (
            bytes.saturating_mul(100) / found.total_bytes.max(1),
            beacon_report::wording::count(*rows),
            None,
        ),
        JobState::Failed(message) => (
            0,
            String::new(),
            Some(super::quarantine::shorten(
                message,
                super::quarantine::ECHO_CHARS,
            )),
        ),
    };
    let title = if failed.is_some() {
        "Upload failed"
    } else {
        "Loading reports"
    };
    let mut chrome = viewer.chrome(title, "/runs");
    if failed.is_none() {
        chrome.scripts.push("/assets/progress.js");
    }
    Ok(render(
        StatusCode::OK,
        &ProgressPage {
            chrome,
            job,
            file_name: found.file_name,
            percent: percent.min(100),
            rows,
            failed,
        },
    ))
}

/// An upload's progress as JSON, for the progress page's script.
pub async fn status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(job): Path<String>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let found = state
        .jobs
        .get(&job)
        .filter(|j| j.owner == viewer.user.id)
        .ok_or(WebError::NotFound)?;
    let body = match found.state {
        JobState::Loading { bytes, rows } => serde_json::json!({
            "state": "loading",
            "percent": (bytes.saturating_mul(100) / found.total_bytes.max(1)).min(100),
            "rows": rows,
        }),
        JobState::Finished { run_id } => {
            serde_json::json!({ "state": "finished", "run_id": run_id })
        }
        JobState::Failed(message) => serde_json::json!({ "state": "failed", "error": message }),
    };
    Ok(axum::Json(body).into_response())
}
