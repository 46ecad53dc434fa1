//! An exercise's debrief: on screen, as a standalone HTML file and as PDF (printed by
//! headless Chromium through [`crate::pdf`], exactly as the board update is, with the same
//! marking on every page). Coordinators and analysts see every player; a partner only its
//! own organisation's part, and "not found" for a run it does not play in.

use super::scope::{Scope, area_links, refused};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::layout::{Chrome, render};
use crate::pdf::{PdfKind, holds_synthetic_data, print_html, take_slot};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use beacon_app::readiness::debrief;
use beacon_app::readiness::exercises::{self, DebriefReport};

/// How a debrief PDF is named when it cannot be printed.
const DEBRIEF_PDF: PdfKind = PdfKind {
    plural: "debrief PDFs",
    one: "The debrief PDF",
    page: "the debrief page",
    instead: "Use",
};

#[derive(Template)]
#[template(path = "readiness/templates/debrief.html")]
struct DebriefPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: i64,
    heading: String,
    staff: bool,
    pdf_available: bool,
    body: String,
}

/// Reads a run's debrief as the viewer may see it, or "not found".
async fn load(state: &AppState, scope: Scope, id: i64) -> WebResult<DebriefReport> {
    state
        .blocking(move |store| exercises::debrief_report(store, id, scope.organisation()))
        .await?
        .map_err(refused)
}

/// The debrief page: the application layer's fragment, with the downloads.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    // Every player's part needs ViewReadiness; a partner's own ViewOwnOrganisation.
    let scope = Scope::of(&viewer)?;
    let report = load(&state, scope, id).await?;
    Ok(render(
        StatusCode::OK,
        &DebriefPage {
            chrome: viewer.chrome(format!("Debrief: {}", report.run.title), "/exercises"),
            links: area_links(&viewer),
            id,
            heading: format!("Debrief: {}", report.run.title),
            staff: scope.is_staff(),
            pdf_available: state.settings().chromium.is_some(),
            body: debrief::fragment(&report),
        },
    ))
}

/// A response the browser saves as `name`.
fn attachment(content_type: &str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The debrief as a standalone HTML document, to keep or share.
pub async fn html(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    // As the page: ViewReadiness, or a partner's own with ViewOwnOrganisation.
    let scope = Scope::of(&viewer)?;
    let report = load(&state, scope, id).await?;
    Ok(attachment(
        "text/html; charset=utf-8",
        &format!("debrief-{id}.html"),
        debrief::html(&report).into_bytes(),
    ))
}

/// The debrief as PDF, printed by headless Chromium with the marking every page of a
/// Beacon PDF carries. At most [`crate::WebSettings::pdf_renders`] PDFs of any kind are
/// printed at once; the rest are refused at once with a 503 and `Retry-After`.
pub async fn pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    // As the page: ViewReadiness, or a partner's own with ViewOwnOrganisation.
    let scope = Scope::of(&viewer)?;
    // Taken before any work, and held until Chromium has ended.
    let slot = match take_slot(&state, DEBRIEF_PDF)? {
        Ok(slot) => slot,
        Err(busy) => return Ok(busy),
    };
    let report = load(&state, scope, id).await?;
    let synthetic = state.blocking(holds_synthetic_data).await??;
    let html = print_html(&debrief::html(&report), synthetic);
    let pdf = match slot.print(html, state.settings().pdf_timeout).await? {
        Ok(pdf) => pdf,
        Err(stopped) => return Ok(stopped),
    };
    Ok(attachment(
        "application/pdf",
        &format!("debrief-{id}.pdf"),
        pdf,
    ))
}
