//! The board update for a period: on screen (and printable with the print stylesheet),
//! as Markdown, and as PDF.
//!
//! No Rust crate lays out HTML with SVG charts into PDF faithfully, so the PDF is printed
//! by headless Chromium from the same standalone HTML document `beacon report board`
//! writes; where Chromium is not installed the page says so and offers printing.

use super::dashboard::{PeriodForm, PeriodQuery, area_view};
use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{WebError, WebResult};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::Permission;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[derive(Template)]
#[template(path = "board.html")]
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
        .blocking(move |store| beacon_analytics::register::RegisterFigures::load(store, period))
        .await??)
}

/// The board update page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewBoard)?;
    let (chosen, form, summary) = area_view(&state, &query).await?;
    let register = register_figures(&state, chosen.period).await?;
    let summary = &summary.summary;
    let body = beacon_report::html_fragment_with_register(
        summary,
        &register,
        Some(&state.settings().boundaries),
    );
    Ok(render(
        StatusCode::OK,
        &BoardPage {
            chrome: Chrome::for_viewer(&viewer, "Board update", "/board"),
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
    let summary = &summary.summary;
    Ok(super::download::attachment(
        "text/markdown; charset=utf-8",
        &format!(
            "board-update-{}-to-{}.md",
            chosen.period.from, chosen.period.to
        ),
        beacon_report::markdown_with_register(summary, &register).into_bytes(),
    ))
}

/// The board update as PDF, printed by headless Chromium.
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
    let (chosen, _, summary) = area_view(&state, &query).await?;
    let register = register_figures(&state, chosen.period).await?;
    let summary = &summary.summary;
    let html =
        beacon_report::html_with_register(summary, &register, Some(&state.settings().boundaries));
    let pdf = tokio::task::spawn_blocking(move || print_pdf(&chromium, &html))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(WebError::Internal)?;
    Ok(super::download::attachment(
        "application/pdf",
        &format!(
            "board-update-{}-to-{}.pdf",
            chosen.period.from, chosen.period.to
        ),
        pdf,
    ))
}

/// Prints a standalone HTML document to PDF with headless Chromium, in a fresh profile,
/// with no network access beyond the file itself.
///
/// # Errors
/// A message when Chromium fails or takes more than a minute.
pub fn print_pdf(chromium: &Path, html: &str) -> Result<Vec<u8>, String> {
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let page = work.path().join("board.html");
    let out = work.path().join("board.pdf");
    std::fs::write(&page, html).map_err(|e| e.to_string())?;
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start Chromium: {e}"))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            if !status.success() {
                return Err(format!(
                    "Chromium failed to print the board update ({status})"
                ));
            }
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err("Chromium took more than a minute to print the board update".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let pdf = std::fs::read(&out).map_err(|e| format!("Chromium wrote no PDF: {e}"))?;
    if !pdf.starts_with(b"%PDF") {
        return Err("Chromium's output is not a PDF".into());
    }
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::print_pdf;
    use std::path::Path;

    #[test]
    fn chromium_prints_a_board_update_to_pdf() {
        let chromium = Path::new("/usr/bin/chromium");
        if !chromium.exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI needs Chromium for board PDFs: apt-get install chromium"
            );
            eprintln!("note: /usr/bin/chromium is not installed; board PDFs are not tested");
            return;
        }
        let html = "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Board update</title></head><body><h1>Board update</h1><p>There were 4,726 reports of fraud.</p></body></html>";
        let pdf = print_pdf(chromium, html).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.len() > 1_000, "{} bytes", pdf.len());
    }
}
