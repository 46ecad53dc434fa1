//! The board update for a period: on screen (and printable with the print stylesheet),
//! as Markdown, and as PDF.
//!
//! The PDF is printed by headless Chromium ([`crate::pdf`]) from the same standalone HTML
//! document `beacon report board` writes; where Chromium is not installed the page says
//! so and offers printing.
//!
//! **Bounds:** at most `pdf_renders` Chromiums run at once (the rest are refused at once
//! with a 503 and `Retry-After`), and each is killed and reaped after `pdf_timeout`.

use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::layout::{Chrome, render};
use crate::pdf::{PdfKind, holds_synthetic_data, print_html, take_slot};
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

/// The protect campaigns' figures for a period (`None` when the store holds no
/// campaigns at all).
async fn protect_figures(
    state: &AppState,
    period: beacon_core::Period,
) -> WebResult<Option<beacon_analytics::campaigns::ProtectFigures>> {
    Ok(state
        .blocking(move |store| beacon_app::campaigns::board::protect_figures(store, period))
        .await??)
}

/// Victim care's and Cyber Choices' figures for a period (each `None` when there is
/// nothing to say: no queued case of the period's reports, no referrals at all).
async fn care_figures(
    state: &AppState,
    period: beacon_core::Period,
) -> WebResult<(
    Option<beacon_analytics::care::CareFigures>,
    Option<beacon_analytics::prevent::PreventFigures>,
)> {
    Ok(state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            Ok((
                beacon_app::care::board::care_board(store, period)?,
                beacon_app::care::board::prevent_board(store, period)?,
            ))
        })
        .await??)
}

/// The board update's sections beyond the reports: the advisories', the readiness, the
/// protect campaigns', victim care's and Cyber Choices' figures, read together.
struct Sections {
    advisories: Option<beacon_report::AdvisoryFigures>,
    readiness: Option<beacon_analytics::readiness::ReadinessFigures>,
    protect: Option<beacon_analytics::campaigns::ProtectFigures>,
    care: Option<beacon_analytics::care::CareFigures>,
    prevent: Option<beacon_analytics::prevent::PreventFigures>,
    business: Option<beacon_analytics::engagement::BusinessFigures>,
}

/// Reads the sections beyond the reports for a period.
async fn sections(state: &AppState, period: beacon_core::Period) -> WebResult<Sections> {
    let (care, prevent) = care_figures(state, period).await?;
    let business = state
        .blocking(move |store| beacon_app::engagement::business_board(store, period))
        .await??;
    Ok(Sections {
        advisories: advisory_figures(state, period).await?,
        readiness: readiness_figures(state, period).await?,
        protect: protect_figures(state, period).await?,
        care,
        prevent,
        business,
    })
}

/// The board update's sections beyond the reports.
fn extras<'a>(
    register: &'a beacon_analytics::register::RegisterFigures,
    sections: &'a Sections,
) -> beacon_report::BoardExtras<'a> {
    beacon_report::BoardExtras {
        register: Some(register),
        advisories: sections.advisories.as_ref(),
        readiness: sections.readiness.as_ref(),
        protect: sections.protect.as_ref(),
        care: sections.care.as_ref(),
        prevent: sections.prevent.as_ref(),
        business: sections.business.as_ref(),
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

/// How the board PDF is named when it cannot be printed.
const BOARD_PDF: PdfKind = PdfKind {
    plural: "board PDFs",
    one: "The board PDF",
    page: "the board update page",
    instead: "Choose a shorter period, or use",
};

/// The board update as PDF, printed by headless Chromium. At most
/// [`crate::WebSettings::pdf_renders`] are printed at once (each is a browser); the rest
/// are refused at once with a 503 and `Retry-After`, rather than queued behind them.
pub async fn pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewBoard)?;
    // Taken before any work, and held until Chromium has ended (even if the client
    // goes away), so the limit counts browsers, not requests.
    let slot = match take_slot(&state, BOARD_PDF)? {
        Ok(slot) => slot,
        Err(busy) => return Ok(busy),
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
    let pdf = match slot.print(html, state.settings().pdf_timeout).await? {
        Ok(pdf) => pdf,
        Err(stopped) => return Ok(stopped),
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
