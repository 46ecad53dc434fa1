//! Advisory files into the store: CSAF 2.0 documents, the CISA KEV catalogue, NVD CVE
//! records and RSS/Atom feeds, one run per file with the same discipline as every other
//! ingest (every record stored, counted as a duplicate, skipped or quarantined; the
//! run's counters written with its records; re-running stores nothing new). New
//! advisories and new revisions are matched at once and their notices opened.

use super::matching;
use super::notices::{self, NoticeOutcome};
use crate::notify::NotifySettings;
use beacon_core::{RunStatus, Tlp};
use beacon_ingest::advisories::{self, AdvisoryContext, AdvisoryFormat, AdvisoryRecord};
use beacon_store::advisories::{AdvisoryBatch, AdvisoryItem, AdvisoryWrite};
use beacon_store::{RunEnd, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// How many bytes `--format auto` looks at.
const DETECT_BYTES: usize = 8 * 1024;

/// The ingest run kind of advisory files (see `beacon ingest runs`).
pub const RUN_KIND: &str = "advisories";

/// How to run an advisory ingest.
#[derive(Debug, Clone)]
pub struct AdvisoryOptions {
    /// The format by name (`csaf`, `kev`, `nvd`, `rss`), or `None` to recognise it.
    pub format: Option<String>,
    /// TLP for advisories whose document names none.
    pub default_tlp: Tlp,
    /// A running run of the same source with no progress for this long is taken to have
    /// been interrupted.
    pub stale_after_seconds: i64,
}

impl Default for AdvisoryOptions {
    /// Recognise the format; TLP:CLEAR when a document names none (advisories are
    /// published; a restricted one carries its label); ten minutes to go stale.
    fn default() -> Self {
        AdvisoryOptions {
            format: None,
            default_tlp: Tlp::Clear,
            stale_after_seconds: 600,
        }
    }
}

/// What one advisory file's ingest did. `read = stored + duplicates + skipped +
/// rejected`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AdvisoryOutcome {
    /// The run's number.
    pub run_id: i64,
    /// The file.
    pub source: String,
    /// The format it was read as.
    pub format: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Records read.
    pub read: u64,
    /// Advisories stored: new keys and newer revisions.
    pub stored: u64,
    /// Of those, new keys.
    pub new: u64,
    /// Of those, newer revisions replacing older ones.
    pub revised: u64,
    /// Advisories already stored at this revision (or a newer one).
    pub duplicates: u64,
    /// Records that were not advisories.
    pub skipped: u64,
    /// Records quarantined (see `beacon ingest rejects RUN`).
    pub rejected: u64,
    /// Advisories stored but flagged: they failed a CSAF mandatory test, and are not
    /// matched or sent until a valid revision replaces them.
    pub flagged: u64,
    /// Matches now held for the advisories stored.
    pub matches: u64,
    /// What the notices did.
    pub notices: NoticeOutcome,
    /// The parser's remarks about the file as a whole.
    pub notes: Vec<String>,
}

/// Why an advisory ingest could not run at all. Record problems are never errors.
#[derive(Debug, thiserror::Error)]
pub enum AdvisoryIngestError {
    /// `--format` named no format Beacon reads.
    #[error("'{0}' is not an advisory format Beacon reads; formats: {1}")]
    UnknownFormat(String, String),
    /// No format recognised the file.
    #[error("{0}: Beacon does not recognise this advisory's format; name it with --format ({1})")]
    NotRecognised(String, String),
    /// The file was refused as a whole; the run is recorded as failed.
    #[error("{source_name}: {reason} (run {run_id} recorded as failed)")]
    Refused {
        /// The run.
        run_id: i64,
        /// The file.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// Reading a file or folder failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The store failed; nothing of the batch was written.
    #[error("the store failed during the ingest: {0}")]
    Store(#[from] StoreError),
}

/// Names of every advisory format, for messages.
pub fn format_names() -> String {
    advisories::registry()
        .iter()
        .map(|format| format.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The files to read for the paths given: files as they are, folders walked for
/// `.json`, `.xml`, `.rss` and `.atom` files, in name order.
pub fn advisory_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AdvisoryIngestError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Adds a folder's advisory files, depth first in name order.
fn walk(folder: &Path, files: &mut Vec<PathBuf>) -> Result<(), AdvisoryIngestError> {
    let io = |error| AdvisoryIngestError::Io(folder.display().to_string(), error);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if entry.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["json", "xml", "rss", "atom"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            files.push(entry);
        }
    }
    Ok(())
}

/// The format to read a file as.
fn choose_format(
    source_name: &str,
    bytes: &[u8],
    options: &AdvisoryOptions,
) -> Result<&'static dyn AdvisoryFormat, AdvisoryIngestError> {
    let registry = advisories::registry();
    match &options.format {
        Some(name) if name != "auto" => registry
            .iter()
            .copied()
            .find(|format| format.name() == name.as_str())
            .ok_or_else(|| AdvisoryIngestError::UnknownFormat(name.clone(), format_names())),
        _ => {
            let head = &bytes[..bytes.len().min(DETECT_BYTES)];
            advisories::detect_format(file_name(source_name).as_str(), head).ok_or_else(|| {
                AdvisoryIngestError::NotRecognised(source_name.to_owned(), format_names())
            })
        }
    }
}

/// The last part of a path.
fn file_name(source_name: &str) -> String {
    Path::new(source_name).file_name().map_or_else(
        || source_name.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads one advisory file (already in memory: advisory documents are read whole) into
/// the store, matches what is new and opens notices.
pub fn ingest_advisory_file(
    store: &mut dyn Store,
    source_name: &str,
    bytes: &[u8],
    options: &AdvisoryOptions,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<AdvisoryOutcome, AdvisoryIngestError> {
    let format = choose_format(source_name, bytes, options)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let run_id = store.begin_run(RUN_KIND, source_name, options.stale_after_seconds)?;
    let context = AdvisoryContext {
        file_name: file_name(source_name),
        default_tlp: options.default_tlp,
        observed_at: now,
    };
    let records = match format.parse(bytes, &context) {
        Ok(records) => records,
        Err(error) => {
            let reason = error.to_string();
            store.finish_run(
                run_id,
                &RunEnd {
                    status: RunStatus::Failed,
                    sha256: Some(sha256),
                    message: Some(reason.clone()),
                },
            )?;
            return Err(AdvisoryIngestError::Refused {
                run_id,
                source_name: source_name.to_owned(),
                reason,
            });
        }
    };
    let mut outcome = AdvisoryOutcome {
        run_id,
        source: source_name.to_owned(),
        format: format.name().to_owned(),
        sha256: sha256.clone(),
        ..AdvisoryOutcome::default()
    };
    let mut batch = AdvisoryBatch::default();
    for record in records {
        match record {
            AdvisoryRecord::Advisory {
                advisory,
                failures,
                raw_sha256,
                ..
            } => batch.items.push(AdvisoryItem {
                advisory: *advisory,
                failures,
                sha256: raw_sha256,
            }),
            AdvisoryRecord::Skipped { .. } => batch.skipped += 1,
            AdvisoryRecord::Rejected(row) => batch.rejected.push(row),
            AdvisoryRecord::Note(note) => outcome.notes.push(note),
        }
    }
    let (counts, writes) = match store.store_advisories(run_id, &batch) {
        Ok(done) => done,
        Err(error) => {
            let _ = store.finish_run(
                run_id,
                &RunEnd {
                    status: RunStatus::Failed,
                    sha256: Some(sha256),
                    message: Some(format!("the store failed: {error}")),
                },
            );
            return Err(error.into());
        }
    };
    outcome.read = counts.read;
    outcome.stored = counts.stored;
    outcome.duplicates = counts.duplicates;
    outcome.skipped = counts.skipped;
    outcome.rejected = counts.rejected;
    let mut changed = Vec::new();
    for (write, item) in writes.iter().zip(&batch.items) {
        match write {
            AdvisoryWrite::New { id } => {
                outcome.new += 1;
                changed.push(*id);
            }
            AdvisoryWrite::Revised { id, .. } => {
                outcome.revised += 1;
                changed.push(*id);
            }
            AdvisoryWrite::Unchanged { .. } => continue,
        }
        if !item.failures.is_empty() {
            outcome.flagged += 1;
        }
    }
    let message = run_message(&outcome);
    store.finish_run(
        run_id,
        &RunEnd {
            status: RunStatus::Completed,
            sha256: Some(sha256),
            message,
        },
    )?;
    let rematched = matching::rematch_advisories(store, &changed)?;
    outcome.matches = rematched
        .iter()
        .filter(|r| changed.contains(&r.stored.id))
        .map(|r| r.after.len() as u64)
        .sum();
    outcome.notices = notices::update_notices(store, &rematched, now, settings)?;
    Ok(outcome)
}

/// The run's notes: flagged documents and the parser's remarks.
fn run_message(outcome: &AdvisoryOutcome) -> Option<String> {
    let mut parts = Vec::new();
    if outcome.flagged > 0 {
        parts.push(format!(
            "{} advisor{} failed CSAF mandatory tests: stored and flagged, not matched (see `beacon advisories validate`)",
            outcome.flagged,
            if outcome.flagged == 1 { "y" } else { "ies" }
        ));
    }
    parts.extend(outcome.notes.iter().cloned());
    (!parts.is_empty()).then(|| parts.join("; "))
}
