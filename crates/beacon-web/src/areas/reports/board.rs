//! The board update for a period: on screen (and printable with the print stylesheet),
//! as Markdown, and as PDF.
//!
//! The PDF is printed by headless Chromium (`pdf`) from the same standalone HTML
//! document `beacon report board` writes; where Chromium is not installed the page says
//! so and offers printing.
//!
//! **Bounds:** at most `pdf_renders` Chromiums run at once (the rest are refused at once
//! with a 503 and `Retry-After`), and each is killed and reaped after `pdf_timeout`.

use super::pdf::{PdfError, print_html, print_pdf};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::period::{PeriodForm, PeriodQuery, area_view};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::Permission;

#[derive(Template)]
#[template(path = "reports/templates/board.html")]
struct BoardPage {
    chrome: Chrome,
    form: PeriodForm,
    action: &'static str,
    body: String,
    pdf_available: bool,
}

/// The register's figures for the board update's period: its register section.
async fn register_figures(
    state: &AppState,
    period: beacon_core::Period,
) -> WebResult<beacon_analytics::register::RegisterFigures> {
    Ok(state
        .blocking(move |store| beacon_app::board::register_figures(store, period))
        .await??)
}

/// The partner advisories' figures for the board update's period (none when the
/// store tracks no advisories), with "overdue" judged at the period's end or now.
async fn advisory_figures(
    state: &AppState,
    period: beacon_core::Period,
) -> WebResult<Option<beacon_report::AdvisoryFigures>> {
    let now = time::OffsetDateTime::now_utc();
    Ok(state
        .blocking(move |store| beacon_app::board::advisory_figures(store, period, now))
        .await??)
}

/// The readiness figures for the board update's period (none when Beacon holds no
/// readiness data).
async fn readiness_figures(
    state: &AppState,
    period: beacon_core::Period,
) -> WebResult<Option<beacon_analytics::readiness::ReadinessFigures>> {
    state
        .blocking(move |store| beacon_app::readiness::board::readiness_figures(store, period))
        .await?
        .map_err(|error| crate::chrome::error::WebError::Internal(error.to_string()))
}

/// The board update's sections beyond the reports: the advisories' and the readiness
/// figures, read together.
type Sections = (
    Option<beacon_report::AdvisoryFigures>,
    Option<beacon_analytics::readiness::ReadinessFigures>,
);

/// Reads the sections beyond the reports for a period.
async fn sections(state: &AppState, period: beacon_core::Period) -> WebResult<Sections> {
    Ok((
        advisory_figures(state, period).await?,
        readiness_figures(state, period).await?,
    ))
}

/// The board update's sections beyond the reports.
fn extras<'a>(
    register: &'a beacon_analytics::register::RegisterFigures,
    sections: &'a Sections,
) -> beacon_report::BoardExtras<'a> {
    beacon_report::BoardExtras {
        register: Some(register),
        advisories: sections.0.as_ref(),
        readiness: sections.1.as_ref(),
    }
}

/// The board update page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewBoard)?;
    if query.check().2.is_err() {
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &BoardPage {
                chrome: viewer.chrome("Error: Board update", "/board"),
                form: crate::period::invalid_form(&query),
                action: "/board",
                body: String::new(),
                pdf_available: false,
            },
        ));
    }
    let (chosen, form, summary) = area_view(&state, &query).await?;
    let register = register_figures(&state, chosen.period).await?;
    let advisories = sections(&state, chosen.period).await?;
    let summary = &summary.summary;
    let body = beacon_report::html_fragment_with(
        summary,
        &extras(&register, &advisories),
        Some(&state.settings().boundaries),
    );
    Ok(render(
        StatusCode::OK,
        &BoardPage {
            chrome: viewer.chrome("Board update", "/board"),
            form,
            action: "/board",
            body,
            pdf_available: state.settings().chromium.is_some(),
        },
    ))
}

/// The board update as Markdown.
pub async fn markdown(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewBoard)?;
    let (chosen, _, summary) = area_view(&state, &query).await?;
    let register = register_figures(&state, chosen.period).await?;
    let advisories = sections(&state, chosen.period).await?;
    let summary = &summary.summary;
    Ok(super::download::attachment(
        "text/markdown; charset=utf-8",
        &format!(
            "board-update-{}-to-{}.md",
            chosen.period.from, chosen.period.to
        ),
        beacon_report::markdown_with(summary, &extras(&register, &advisories)).into_bytes(),
    ))
}

/// What a refused or failed PDF says: GOV.UK's "service unavailable" pattern, with
/// when to try again.
fn busy() -> Response {
    let mut response = crate::chrome::error_page::error_page_titled(
        StatusCode::SERVICE_UNAVAILABLE,
        "Too many board PDFs are being made",
        "Too many board PDFs are being made; try again in a minute. You can also use your browser's print command on the board update page and choose 'Save as PDF'.",
    );
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("60"),
    );
    response
}

/// The board update as PDF, printed by headless Chromium. At most
/// [`crate::WebSettings::pdf_renders`] are printed at once (each is a browser); the rest
/// are refused at once with a 503 and `Retry-After`, rather than queued behind them.
pub async fn pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewBoard)?;
    let Some(chromium) = state.settings().chromium.clone() else {
        return Err(WebError::BadRequest(
            "PDFs need Chromium, which is not installed on this server. Use your browser's print command on the board update page and choose 'Save as PDF'.".into(),
        ));
    };
    // Taken before any work, and held until Chromium has ended (even if the client
    // goes away), so the limit counts browsers, not requests.
    let Ok(slot) = std::sync::Arc::clone(&state.pdf_slots).try_acquire_owned() else {
        tracing::info!("a board PDF was refused: every PDF slot is busy");
        return Ok(busy());
    };
    let (chosen, _, summary) = area_view(&state, &query).await?;
    let register = register_figures(&state, chosen.period).await?;
    let advisories = sections(&state, chosen.period).await?;
    let synthetic = state.blocking(holds_synthetic_data).await??;
    let summary = &summary.summary;
    let html = print_html(
        &beacon_report::html_with(
            summary,
            &extras(&register, &advisories),
            Some(&state.settings().boundaries),
        ),
        synthetic,
    );
    let timeout = state.settings().pdf_timeout;
    let printed = tokio::task::spawn_blocking(move || {
        let printed = print_pdf(&chromium, &html, timeout);
        drop(slot);
        printed
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let pdf = match printed {
        Ok(pdf) => pdf,
        Err(PdfError::TimedOut(limit)) => {
            return Ok(crate::chrome::error_page::error_page_titled(
                StatusCode::SERVICE_UNAVAILABLE,
                "The board PDF took too long to make",
                &format!(
                    "The board PDF was not ready within {} seconds, so it was stopped. Choose a shorter period, or use your browser's print command on the board update page and choose 'Save as PDF'.",
                    limit.as_secs()
                ),
            ));
        }
        Err(PdfError::Failed(message)) => return Err(WebError::Internal(message)),
    };
    Ok(super::download::attachment(
        "application/pdf",
        &format!(
            "board-update-{}-to-{}.pdf",
            chosen.period.from, chosen.period.to
        ),
        pdf,
    ))
}

/// How many of the newest loads are looked at to tell a demo database.
const RUNS_CHECKED_FOR_SYNTHETIC: u32 = 200;

/// Whether the database holds synthetic data: the demo (`beacon demo`) and the
/// generator's files name their loads "… (synthetic)".
fn holds_synthetic_data(store: &mut dyn beacon_store::Store) -> beacon_store::StoreResult<bool> {
    Ok(store
        .runs(RUNS_CHECKED_FOR_SYNTHETIC)?
        .iter()
        .any(|run| run.source.to_lowercase().contains("(synthetic)")))
}
