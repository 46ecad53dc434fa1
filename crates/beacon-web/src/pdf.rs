//! Printing standalone HTML documents to PDF: the board update and exercise debriefs. No
//! Rust crate lays out HTML with SVG charts into PDF faithfully, so headless Chromium
//! prints the standalone document, with the print marking every page carries
//! ([`print_html`]), and is stopped and reaped when it takes too long.
//!
//! **Bounds:** at most [`crate::WebSettings::pdf_renders`] Chromiums run at once, whatever
//! they print: a slot is taken before any work ([`take_slot`]) and the rest are refused at
//! once with a 503 and `Retry-After`; each is killed and reaped after
//! [`crate::WebSettings::pdf_timeout`] ([`PdfSlot::print`]).

use crate::chrome::error::{WebError, WebResult};
use crate::chrome::error_page::error_page_titled;
use crate::state::AppState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The marking printed at the top and bottom of every page of a PDF Beacon prints.
pub const MARKING: &str = "OFFICIAL-SENSITIVE";
/// What every page of a PDF of synthetic data says as well.
pub const SYNTHETIC_MARKING: &str = "SYNTHETIC DATA: NOT REAL REPORTS";

/// A standalone document (the board update, a debrief) with the print marking every page
/// carries:
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
    let page = work.path().join("document.html");
    let out = work.path().join("document.pdf");
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
                    "Chromium failed to print the document ({status})"
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

/// What one kind of PDF is called in what Beacon says when it cannot print one.
#[derive(Debug, Clone, Copy)]
pub struct PdfKind {
    /// Many of them, e.g. `board PDFs`.
    pub plural: &'static str,
    /// One of them, at the start of a sentence, e.g. `The board PDF`.
    pub one: &'static str,
    /// The page whose print command does the same, e.g. `the board update page`.
    pub page: &'static str,
    /// What to try first when one takes too long, ending in a verb for the print
    /// command, e.g. `Choose a shorter period, or use` (or plain `Use`).
    pub instead: &'static str,
}

/// A printing slot, held from before any work until Chromium has ended.
pub struct PdfSlot {
    permit: tokio::sync::OwnedSemaphorePermit,
    chromium: PathBuf,
    kind: PdfKind,
}

/// What a refused PDF says: GOV.UK's "service unavailable" pattern, with when to try
/// again.
fn busy(kind: PdfKind) -> Response {
    let mut response = error_page_titled(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("Too many {} are being made", kind.plural),
        &format!(
            "Too many {} are being made; try again in a minute. You can also use your browser's print command on {} and choose 'Save as PDF'.",
            kind.plural, kind.page
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// Takes one of the [`crate::WebSettings::pdf_renders`] printing slots, before any work,
/// so the limit counts browsers rather than requests. `Ok(Err(page))` is the "too many"
/// page to answer at once when every slot is busy (nothing is queued behind them).
///
/// # Errors
/// A bad request saying so when Chromium is not installed on this server.
pub fn take_slot(state: &AppState, kind: PdfKind) -> WebResult<Result<PdfSlot, Response>> {
    let Some(chromium) = state.settings().chromium.clone() else {
        return Err(WebError::BadRequest(format!(
            "PDFs need Chromium, which is not installed on this server. Use your browser's print command on {} and choose 'Save as PDF'.",
            kind.page
        )));
    };
    let Ok(permit) = std::sync::Arc::clone(&state.pdf_slots).try_acquire_owned() else {
        tracing::info!(
            kind = kind.plural,
            "a PDF was refused: every PDF slot is busy"
        );
        return Ok(Err(busy(kind)));
    };
    Ok(Ok(PdfSlot {
        permit,
        chromium,
        kind,
    }))
}

impl PdfSlot {
    /// Prints `html` (already marked by [`print_html`]) on the blocking pool, giving the
    /// slot back when Chromium has ended, even if the client went away. `Ok(Err(page))` is
    /// the page to answer when Chromium took longer than `timeout` and was stopped.
    ///
    /// # Errors
    /// [`WebError::Internal`] when Chromium failed.
    pub async fn print(
        self,
        html: String,
        timeout: Duration,
    ) -> WebResult<Result<Vec<u8>, Response>> {
        let PdfSlot {
            permit,
            chromium,
            kind,
        } = self;
        let printed = tokio::task::spawn_blocking(move || {
            let printed = print_pdf(&chromium, &html, timeout);
            drop(permit);
            printed
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
        match printed {
            Ok(pdf) => Ok(Ok(pdf)),
            Err(PdfError::TimedOut(limit)) => Ok(Err(error_page_titled(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("{} took too long to make", kind.one),
                &format!(
                    "{} was not ready within {} seconds, so it was stopped. {} your browser's print command on {} and choose 'Save as PDF'.",
                    kind.one,
                    limit.as_secs(),
                    kind.instead,
                    kind.page
                ),
            ))),
            Err(PdfError::Failed(message)) => Err(WebError::Internal(message)),
        }
    }
}

/// How many of the newest loads are looked at to tell a demo database.
const RUNS_CHECKED_FOR_SYNTHETIC: u32 = 200;

/// Whether the database holds synthetic data (the demo, `beacon demo`, and the
/// generator's files name their loads "… (synthetic)"), so its PDFs say so on every page.
///
/// # Errors
/// When the store cannot be read.
pub fn holds_synthetic_data(
    store: &mut dyn beacon_store::Store,
) -> beacon_store::StoreResult<bool> {
    Ok(store
        .runs(RUNS_CHECKED_FOR_SYNTHETIC)?
        .iter()
        .any(|run| run.source.to_lowercase().contains("(synthetic)")))
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
