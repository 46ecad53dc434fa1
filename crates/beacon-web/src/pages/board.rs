//! The board update for a period: on screen (and printable with the print stylesheet),
//! as Markdown, and as PDF.
//!
//! No Rust crate lays out HTML with SVG charts into PDF faithfully, so the PDF is printed
//! by headless Chromium from the same standalone HTML document `beacon report board`
//! writes, with the print marking every page carries ([`print_html`]); where Chromium is
//! not installed the page says so and offers printing.
//!
//! **Bounds:** at most `pdf_renders` Chromiums run at once (the rest are refused at once
//! with a 503 and `Retry-After`), and each is killed and reaped after `pdf_timeout`.

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
        .blocking(move |store| beacon_app::board::register_figures(store, period))
        .await??)
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
                chrome: Chrome::for_viewer(&viewer, "Error: Board update", "/board"),
                form: super::dashboard::invalid_form(&query),
                action: "/board",
                body: String::new(),
                pdf_available: false,
            },
        ));
    }
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

/// What a refused or failed PDF says: GOV.UK's "service unavailable" pattern, with
/// when to try again.
fn busy() -> Response {
    let mut response = super::error_page_titled(
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
    let synthetic = state.blocking(holds_synthetic_data).await??;
    let summary = &summary.summary;
    let html = print_html(
        &beacon_report::html_with_register(summary, &register, Some(&state.settings().boundaries)),
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
            return Ok(super::error_page_titled(
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

/// The marking printed at the top and bottom of every page of a board PDF.
pub const MARKING: &str = "OFFICIAL-SENSITIVE";
/// What every page of a PDF of synthetic data says as well.
pub const SYNTHETIC_MARKING: &str = "SYNTHETIC DATA: NOT REAL REPORTS";

/// The board update's standalone document with the print marking every page carries:
/// OFFICIAL-SENSITIVE at the top and bottom, "Page 3 of 6", and SYNTHETIC when the data
/// is synthetic. CSS page-margin boxes print them on every page Chromium lays out.
pub fn print_html(document: &str, synthetic: bool) -> String {
    let box_style =
        "font-family: Arial, sans-serif; font-size: 10pt; font-weight: 700; color: #0b0c0c;";
    let synthetic_boxes = if synthetic {
        format!(
            "@top-left {{ content: \"{SYNTHETIC_MARKING}\"; {box_style} }} @bottom-left {{ content: \"{SYNTHETIC_MARKING}\"; {box_style} }}"
        )
    } else {
        String::new()
    };
    let style = format!(
        "<style>@page {{ size: A4; margin: 20mm 15mm; @top-center {{ content: \"{MARKING}\"; {box_style} }} @bottom-center {{ content: \"{MARKING}\"; {box_style} }} @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); {box_style} font-weight: 400; }} {synthetic_boxes} }}</style>\n"
    );
    match document.find("</head>") {
        Some(at) => format!("{}{style}{}", &document[..at], &document[at..]),
        None => format!("{style}{document}"),
    }
}

/// Why Chromium gave no PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// It was still printing after this long, so it was stopped (and reaped).
    TimedOut(Duration),
    /// It could not start, failed, or wrote no PDF.
    Failed(String),
}

/// A child process that is killed and waited for (so it leaves no defunct entry)
/// whenever it is dropped unfinished: on a timeout, an error or a panic.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Prints a standalone HTML document to PDF with headless Chromium, in a fresh profile,
/// with no network access beyond the file itself; stopped and reaped after `timeout`.
///
/// # Errors
/// [`PdfError::TimedOut`] when Chromium takes longer than `timeout`;
/// [`PdfError::Failed`] when it cannot start, fails or writes something else.
pub fn print_pdf(chromium: &Path, html: &str, timeout: Duration) -> Result<Vec<u8>, PdfError> {
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    let work = tempfile::tempdir().map_err(failed)?;
    let page = work.path().join("board.html");
    let out = work.path().join("board.pdf");
    std::fs::write(&page, html).map_err(failed)?;
    let child = Command::new(chromium)
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
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| PdfError::Failed(format!("cannot start Chromium: {e}")))?;
    let mut child = Reaped(child);
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(status) = child.0.try_wait().map_err(failed)? {
            if !status.success() {
                return Err(PdfError::Failed(format!(
                    "Chromium failed to print the board update ({status})"
                )));
            }
            break;
        }
        if std::time::Instant::now() >= deadline {
            tracing::warn!(
                seconds = timeout.as_secs(),
                "Chromium was stopped: too slow"
            );
            drop(child);
            return Err(PdfError::TimedOut(timeout));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let pdf =
        std::fs::read(&out).map_err(|e| PdfError::Failed(format!("Chromium wrote no PDF: {e}")))?;
    if !pdf.starts_with(b"%PDF") {
        return Err(PdfError::Failed("Chromium's output is not a PDF".into()));
    }
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::{print_html, print_pdf};
    use std::path::Path;

    #[test]
    fn chromium_prints_a_board_update_to_pdf() {
        let chromium = Path::new("/usr/bin/chromium");
        if !chromium.exists() {
            beacon_testing::skip(
                "board PDFs printed by Chromium",
                "/usr/bin/chromium is not installed (apt-get install chromium)",
            );
            return;
        }
        let html = "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Board update</title></head><body><h1>Board update</h1><p>There were 4,726 reports of fraud.</p></body></html>";
        let pdf = print_pdf(chromium, html, std::time::Duration::from_secs(60)).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.len() > 1_000, "{} bytes", pdf.len());
    }

    #[test]
    fn the_print_marking_is_on_every_page_and_says_synthetic_for_synthetic_data() {
        let document = "<!DOCTYPE html><html><head><title>t</title></head><body>x</body></html>";
        let real = print_html(document, false);
        let style_at = real.find("<style>@page").expect("the page style");
        assert!(style_at < real.find("</head>").expect("the head"));
        for part in [
            "@top-center { content: \"OFFICIAL-SENSITIVE\"",
            "@bottom-center { content: \"OFFICIAL-SENSITIVE\"",
            "content: \"Page \" counter(page) \" of \" counter(pages)",
        ] {
            assert!(real.contains(part), "{part}: {real}");
        }
        assert!(!real.contains("SYNTHETIC"));
        let synthetic = print_html(document, true);
        assert!(synthetic.contains("@top-left { content: \"SYNTHETIC DATA: NOT REAL REPORTS\""));
        assert!(synthetic.contains("@bottom-left { content: \"SYNTHETIC DATA: NOT REAL REPORTS\""));
    }
}
