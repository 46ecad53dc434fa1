//! Ingest runs: every load with its counts, and a run's quarantined rows with reasons
//! (raw rows may hold victims' details, so reading them is audited, and roles without
//! victim-level access see those details hidden).
//!
//! **Bounds:** a run page reads and shows one page of [`REJECTS_PER_PAGE`] quarantined
//! rows, each echoed field cut to [`quarantine::ECHO_CHARS`] characters, so a run with a
//! hundred thousand bad rows is as quick to open as one with ten. The CSV download keeps
//! every row in full, read and sent [`CSV_CHUNK`] rows at a time.

use super::quarantine::{self, ECHO_CHARS, Layout, shorten};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::{IngestRun, Permission, RejectedRow, RunStatus};
use beacon_store::{AuditEvent, QuarantinedRow};

/// Quarantined rows shown on one run page.
pub const REJECTS_PER_PAGE: u32 = 50;
/// Quarantined rows read from the store at a time for the CSV download.
pub const CSV_CHUNK: u32 = 1_000;
/// Loads listed on the data loading page.
pub const RUNS_LISTED: u32 = 100;
/// The most characters of a run's file name shown.
const SOURCE_CHARS: usize = 200;

/// A load as the list shows it.
pub struct RunLine {
    /// Run number.
    pub id: i64,
    /// What was loaded.
    pub kind: String,
    /// The file, cut to a sensible length.
    pub source: String,
    /// The status tag's colour class: green only when everything read was stored or
    /// already held.
    pub tag: &'static str,
    /// Status in words.
    pub status_words: String,
    /// Rows read.
    pub read: String,
    /// Stored.
    pub stored: String,
    /// Duplicates.
    pub duplicates: String,
    /// Quarantined.
    pub rejected: String,
    /// When it started.
    pub started: String,
}

fn run_line(run: &IngestRun) -> RunLine {
    let count = beacon_report::wording::count;
    RunLine {
        id: run.id,
        kind: crate::chrome::format::words(&run.kind),
        source: shorten(&run.source, SOURCE_CHARS),
        tag: match run.status {
            RunStatus::Completed if outcome(run).success => "govuk-tag--green",
            RunStatus::Completed => "govuk-tag--yellow",
            RunStatus::Running => "govuk-tag--blue",
            RunStatus::Failed | RunStatus::Interrupted => "govuk-tag--red",
        },
        status_words: status_words(run.status),
        read: count(run.counts.read),
        stored: count(run.counts.stored),
        duplicates: count(run.counts.duplicates),
        rejected: count(run.counts.rejected),
        started: crate::chrome::format::date_time_text(&run.started_at),
    }
}

fn status_words(status: RunStatus) -> String {
    match status {
        RunStatus::Running => "Running".to_owned(),
        other => crate::chrome::format::words(other.as_str()),
    }
}

#[derive(Template)]
#[template(path = "reports/templates/runs.html")]
struct RunsPage {
    chrome: Chrome,
    runs: Vec<RunLine>,
}

/// Every recent load.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let runs = state.blocking(|store| store.runs(RUNS_LISTED)).await??;
    Ok(render(
        StatusCode::OK,
        &RunsPage {
            chrome: viewer.chrome("Data loading", "/runs"),
            runs: runs.iter().map(run_line).collect(),
        },
    ))
}

/// What the panel at the top of a run page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Green "Loaded" only when every row read was stored or already held and something
    /// was read; otherwise the blue "Important" banner.
    pub success: bool,
    /// The banner's title.
    pub title: &'static str,
    /// Its heading: what happened, in one sentence.
    pub heading: String,
    /// What became of every row: `10 rows read: 4 stored, 1 duplicates, 5 quarantined.`
    pub counts: String,
    /// What to do next, if anything.
    pub advice: Option<String>,
}

/// The truth about a run, in words: nothing stored, not everything stored, failed or
/// still running is never shown as "Loaded".
pub fn outcome(run: &IngestRun) -> Outcome {
    let count = beacon_report::wording::count;
    let counts = run.counts;
    let rows = |n: u64| {
        if n == 1 {
            "1 row".to_owned()
        } else {
            format!("{} rows", count(n))
        }
    };
    let tally = format!(
        "{} read: {} stored, {} duplicates, {} quarantined.",
        rows(counts.read),
        count(counts.stored),
        count(counts.duplicates),
        count(counts.rejected)
    );
    let important = |heading: String, advice: Option<String>| Outcome {
        success: false,
        title: "Important",
        heading,
        counts: tally.clone(),
        advice,
    };
    let fix = Some(
        "Fix the quarantined rows in the source file and upload it again: rows already stored count as duplicates, so nothing is stored twice.".to_owned(),
    );
    match run.status {
        RunStatus::Failed => important(
            "This load failed: nothing more will be stored from it.".to_owned(),
            Some(match &run.message {
                Some(reason) => format!("Reason: {}", shorten(reason, ECHO_CHARS)),
                None => "No reason was recorded.".to_owned(),
            }),
        ),
        RunStatus::Interrupted => important(
            format!(
                "This load stopped before the end of its file: {} of the rows read were stored.",
                rows(counts.stored)
            ),
            Some(
                "Upload the file again to load the rest: rows already stored count as duplicates."
                    .to_owned(),
            ),
        ),
        RunStatus::Running => important(
            format!(
                "This load is still running: {} read so far.",
                rows(counts.read)
            ),
            None,
        ),
        RunStatus::Completed if counts.read == 0 => important(
            "Nothing was loaded: the file has a header but no rows.".to_owned(),
            Some("Check that you uploaded the right file.".to_owned()),
        ),
        RunStatus::Completed if counts.stored + counts.duplicates == 0 => important(
            format!(
                "Nothing was stored: all {} read were quarantined.",
                rows(counts.read)
            ),
            fix,
        ),
        RunStatus::Completed if counts.rejected > 0 => important(
            format!(
                "Not everything was stored: {} of the {} read {} quarantined.",
                count(counts.rejected),
                rows(counts.read),
                if counts.rejected == 1 { "was" } else { "were" }
            ),
            fix,
        ),
        RunStatus::Completed if counts.stored == 0 => Outcome {
            success: true,
            title: "Loaded",
            heading: format!(
                "Nothing new: all {} read are reports already held.",
                rows(counts.read)
            ),
            counts: tally,
            advice: None,
        },
        RunStatus::Completed => Outcome {
            success: true,
            title: "Loaded",
            heading: "Every row was stored or is a report already held.".to_owned(),
            counts: tally,
            advice: None,
        },
    }
}

/// A quarantined row as the page shows it.
pub struct RejectLine {
    /// Line in the file.
    pub line: String,
    /// Why it was refused (cut).
    pub reason: String,
    /// The row as read (cut).
    pub raw: String,
}

#[derive(Template)]
#[template(path = "reports/templates/run.html")]
struct RunPage {
    chrome: Chrome,
    run: IngestRun,
    source: String,
    status_words: String,
    started: String,
    finished: String,
    message: Option<String>,
    adds_up: bool,
    outcome: Outcome,
    rejects: Vec<RejectLine>,
    /// "Rows 51 to 100 of 100,000".
    showing: String,
    masked: bool,
    pagination: crate::chrome::format::Pagination,
}

impl RunPage {
    /// A count as pages write numbers (`12,345`).
    fn count(&self, value: &u64) -> String {
        beacon_report::wording::count(*value)
    }
}

/// The query of a run page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RunQuery {
    /// Page of quarantined rows, from 1.
    page: Option<String>,
}

/// Whether `viewer` sees victims' details in raw quarantined rows.
fn sees_victims(viewer: &Viewer) -> bool {
    viewer.may(Permission::ViewVictimDetails)
}

/// The run, and one page of its quarantined rows (masked unless the viewer may see
/// victims' details), the read audited before the rows are read.
async fn run_and_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    page: u64,
) -> WebResult<(IngestRun, Vec<RejectedRow>, bool)> {
    let actor = viewer.user.username.clone();
    let full = sees_victims(viewer);
    state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let Some(run) = store.run(id)? else {
                return Ok(None);
            };
            if run.counts.rejected == 0 {
                return Ok(Some((run, Vec::new(), !full)));
            }
            let pages = crate::chrome::format::Pagination::page_count(
                run.counts.rejected,
                u64::from(REJECTS_PER_PAGE),
            );
            let page = page.min(pages);
            let offset = (page - 1).saturating_mul(u64::from(REJECTS_PER_PAGE));
            store.audit(&AuditEvent {
                actor,
                action: "read_quarantine".into(),
                subject: format!("ingest_run:{id}"),
                detail: format!(
                    "page {page} of {pages} of {} quarantined rows; victims' details {}",
                    beacon_report::wording::count(run.counts.rejected),
                    if full { "shown" } else { "hidden" }
                ),
            })?;
            let layout = masking_layout(store, &run, full)?;
            let rows = store
                .quarantined_page(id, offset, REJECTS_PER_PAGE)?
                .into_iter()
                .map(|row| shown(row, &layout))
                .collect();
            Ok(Some((run, rows, !full)))
        })
        .await??
        .ok_or(WebError::NotFound)
}

/// How rows of `run` are masked: `None` inside when no layout was kept.
type Masking = Option<Option<Layout>>;

fn masking_layout(
    store: &mut dyn beacon_store::Store,
    run: &IngestRun,
    full: bool,
) -> beacon_store::StoreResult<Masking> {
    if full || run.kind != "reports" {
        // Feed rows describe threat addresses, not victims.
        return Ok(None);
    }
    Ok(Some(
        store.run_columns(run.id)?.map(|text| Layout::parse(&text)),
    ))
}

fn shown(row: QuarantinedRow, masking: &Masking) -> RejectedRow {
    match masking {
        None => row.row,
        Some(layout) => quarantine::mask(&row.row, layout.as_ref()),
    }
}

fn page_number(query: &RunQuery) -> WebResult<u64> {
    match query.page.as_deref().map(str::trim) {
        None | Some("") => Ok(1),
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|page| *page >= 1)
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "The page number must be a whole number from 1, not '{}'",
                    shorten(text, 40)
                ))
            }),
    }
}

/// One run: what became of its rows, and a page of its quarantined rows.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<RunQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let asked = page_number(&query)?;
    let (run, rows, masked) = run_and_page(&state, &viewer, id, asked).await?;
    let size = u64::from(REJECTS_PER_PAGE);
    let total = run.counts.rejected;
    let page = asked.min(crate::chrome::format::Pagination::page_count(total, size));
    let first = (page - 1) * size + 1;
    let last = (first + rows.len() as u64).saturating_sub(1);
    let count = beacon_report::wording::count;
    let showing = if total <= size {
        String::new()
    } else {
        format!(
            "Rows {} to {} of {}, in line order.",
            count(first),
            count(last),
            count(total)
        )
    };
    let pagination = crate::chrome::format::Pagination::numbered(
        "Pages of quarantined rows",
        total,
        size,
        page,
        |n| format!("/runs/{id}?page={n}#quarantine"),
    );
    let chrome = viewer.chrome(format!("Load {id}"), "/runs");
    Ok(render(
        StatusCode::OK,
        &RunPage {
            chrome,
            source: shorten(&run.source, SOURCE_CHARS),
            status_words: status_words(run.status),
            started: crate::chrome::format::date_time_text(&run.started_at),
            finished: run
                .finished_at
                .as_deref()
                .map(crate::chrome::format::date_time_text)
                .unwrap_or_default(),
            message: run.message.as_deref().map(|m| shorten(m, ECHO_CHARS)),
            adds_up: run.counts.adds_up(),
            outcome: outcome(&run),
            rejects: rows
                .into_iter()
                .map(|row| RejectLine {
                    line: count(row.line),
                    reason: shorten(&row.reason, ECHO_CHARS),
                    raw: shorten(&row.raw, ECHO_CHARS),
                })
                .collect(),
            showing,
            masked,
            pagination,
            run,
        },
    ))
}

/// A run's quarantined rows as CSV (line, reason, raw): every row, in full (victims'
/// details hidden for roles without victim-level access), read and sent a chunk at a
/// time so that memory stays flat whatever the run's size.
pub async fn rejects_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::LoadData)?;
    let actor = viewer.user.username.clone();
    let full = sees_victims(&viewer);
    let (run, masking) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let Some(run) = store.run(id)? else {
                return Ok(None);
            };
            store.audit(&AuditEvent {
                actor,
                action: "download_quarantine".into(),
                subject: format!("ingest_run:{id}"),
                detail: format!(
                    "all {} quarantined rows as CSV; victims' details {}",
                    beacon_report::wording::count(run.counts.rejected),
                    if full { "shown" } else { "hidden" }
                ),
            })?;
            let masking = masking_layout(store, &run, full)?;
            Ok(Some((run, masking)))
        })
        .await??
        .ok_or(WebError::NotFound)?;
    let chunks = run.counts.rejected.div_ceil(u64::from(CSV_CHUNK)).max(1);
    let reader_state = state.clone();
    let masking = std::sync::Arc::new(masking);
    let body = super::download::csv_stream(&["line", "reason", "raw"], move |chunk| {
        let state = reader_state.clone();
        let masking = std::sync::Arc::clone(&masking);
        async move {
            if chunk >= chunks {
                return Ok(None);
            }
            let rows = state
                .blocking(move |store| {
                    store.quarantined_page(
                        id,
                        chunk.saturating_mul(u64::from(CSV_CHUNK)),
                        CSV_CHUNK,
                    )
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            if rows.is_empty() {
                return Ok(None);
            }
            Ok(Some(
                rows.into_iter()
                    .map(|row| {
                        let row = shown(row, &masking);
                        vec![row.line.to_string(), row.reason, row.raw]
                    })
                    .collect(),
            ))
        }
    });
    Ok(super::download::streamed_attachment(
        "text/csv; charset=utf-8",
        &format!("beacon-run-{id}-quarantine.csv"),
        body,
    ))
}
