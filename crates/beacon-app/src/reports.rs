//! Report ingest: a CSV file into the store, every row accounted for.

use crate::fault::{FaultHook, Stage, panic_text, record_fault, recorded_words, store_failed};
use beacon_core::RunStatus;
use beacon_core::{DistrictCode, LocalIssueRules, Postcode, Report, Taxonomy};
use beacon_ingest::reports::{ReportRules, RowOutcome};
use beacon_ingest::{HeaderError, ReportReader};
use beacon_store::{ReportBatch, RunEnd, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use time::Date;

/// How to run an ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Rows per transaction. Larger is faster; memory grows with it.
    pub batch_size: usize,
    /// Local-issue rules used to tag reports.
    pub rules: LocalIssueRules,
    /// Today's date: reports dated later are refused.
    pub today: Date,
    /// A running run of the same file with no progress for this long is taken to have
    /// been interrupted.
    pub stale_after_seconds: i64,
}

impl IngestOptions {
    /// Sensible defaults: 20,000-row batches, runs stale after ten minutes.
    pub fn new(rules: LocalIssueRules, today: Date) -> IngestOptions {
        IngestOptions {
            batch_size: 20_000,
            rules,
            today,
            stale_after_seconds: 600,
        }
    }
}

/// Progress so far, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Bytes of the file read.
    pub bytes: u64,
    /// Rows read.
    pub rows: u64,
}

/// What an ingest did. `read = stored + duplicates + rejected`.
#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    /// The run's number (see `beacon ingest runs`).
    pub run_id: i64,
    /// The file.
    pub source: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Encoding the file was read with.
    pub encoding: String,
    /// Rows read.
    pub read: u64,
    /// New reports stored.
    pub stored: u64,
    /// Rows whose reference was already stored.
    pub duplicates: u64,
    /// Rows quarantined (see `beacon ingest rejects RUN`).
    pub rejected: u64,
    /// Valid rows (stored or duplicate) whose district is unknown or outside the area.
    pub district_unknown: u64,
    /// NFIB codes not in the taxonomy, with how many valid rows used each (kept, not rejected).
    pub unknown_fraud_types: BTreeMap<String, u64>,
    /// Header columns Beacon does not read.
    pub ignored_columns: Vec<String>,
    /// Valid rows (stored or duplicate) tagged with each local issue.
    pub local_issues: BTreeMap<String, u64>,
}

impl IngestOutcome {
    /// Nothing read yet.
    fn new(run_id: i64, source_name: &str) -> IngestOutcome {
        IngestOutcome {
            run_id,
            source: source_name.to_owned(),
            sha256: String::new(),
            encoding: String::new(),
            read: 0,
            stored: 0,
            duplicates: 0,
            rejected: 0,
            district_unknown: 0,
            unknown_fraud_types: BTreeMap::new(),
            ignored_columns: Vec::new(),
            local_issues: BTreeMap::new(),
        }
    }
}

/// Why an ingest could not run at all. Row problems are never errors: they are quarantined.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file was refused as a whole; the run is recorded as failed.
    #[error("{source_name}: {reason} (run {run_id} recorded as failed)")]
    Refused {
        /// The run.
        run_id: i64,
        /// The file.
        source_name: String,
        /// Why.
        reason: HeaderError,
    },
    /// Loading stopped on an internal fault (a panic in the parsing or storing stage);
    /// the run is recorded as failed with the same message, and its committed batches
    /// stay.
    #[error("{source_name}: {message} (run {run_id} {})", recorded_words(.recorded))]
    Failed {
        /// The run.
        run_id: i64,
        /// The file.
        source_name: String,
        /// What stopped, how far it got, and the fault's own text.
        message: String,
        /// Whether the store took the failure (it may itself be what failed).
        recorded: bool,
    },
    /// The store failed; committed batches stay, and re-running completes the file.
    #[error("the store failed during the ingest: {0}")]
    Store(#[from] StoreError),
}

/// Places reports in districts by postcode, remembering answers (files repeat postcodes).
struct DistrictFinder {
    cache: HashMap<Postcode, Option<DistrictCode>>,
}

impl DistrictFinder {
    /// A known postcode decides the district; otherwise the file's own `district_code`
    /// (if it is one of the area's districts) stands; otherwise the district is unknown.
    fn place(&mut self, store: &mut dyn Store, report: &mut Report) -> Result<(), StoreError> {
        let Some(postcode) = &report.postcode else {
            return Ok(());
        };
        let found = match self.cache.get(postcode) {
            Some(found) => found.clone(),
            None => {
                let found = store.postcode_district(postcode)?;
                if self.cache.len() < 500_000 {
                    self.cache.insert(postcode.clone(), found.clone());
                }
                found
            }
        };
        if let Some(district) = found {
            report.district = Some(district);
        }
        Ok(())
    }
}

/// What the parsing thread sends to the storing thread.
enum Parsed {
    /// The header was accepted.
    Opened {
        encoding: &'static str,
        ignored_columns: Vec<String>,
        column_layout: String,
    },
    /// The file was refused before any row.
    Refused(HeaderError),
    /// A batch of parsed rows, with unknown NFIB codes seen and bytes read so far.
    Batch {
        batch: ReportBatch,
        unknown_types: BTreeMap<String, u64>,
        bytes_read: u64,
    },
    /// Every row was read.
    Finished { sha256: String },
}

/// Reads a report CSV into the store. Row problems go to quarantine; only a refused file,
/// a store failure or an internal fault is an error.
///
/// Two stages run side by side: one thread parses, validates and tags rows; the calling
/// thread places them in districts and writes batches. The channel between them holds
/// at most two batches, so memory stays flat whatever the file size. A panic in either
/// stage ends the run as failed with a message saying so ([`IngestError::Failed`]),
/// never leaving it `running`.
pub fn ingest_reports(
    store: &mut dyn Store,
    source_name: &str,
    input: Box<dyn Read + Send>,
    options: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestOutcome, IngestError> {
    let span = tracing::info_span!("ingest_reports", source = source_name);
    let _entered = span.enter();
    let run_id = store.begin_run("reports", source_name, options.stale_after_seconds)?;
    let districts = store.districts()?;
    let taxonomy = Taxonomy::new(store.fraud_types()?);
    let batch_size = options.batch_size.max(1);
    let hook = FaultHook::from_env();
    let mut outcome = IngestOutcome::new(run_id, source_name);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Parsed>(2);
    let (stored, parsed) = std::thread::scope(|scope| {
        let parser = scope.spawn(|| {
            parse_rows(
                input, &taxonomy, &districts, options, batch_size, hook, &sender,
            );
            drop(sender);
        });
        // A panic while storing is caught so the run can be recorded as failed. After
        // one the store is only asked to record that: a batch's open transaction rolled
        // back as the panic unwound through it, so what the run counted is what it holds.
        let stored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store_rows(&mut *store, run_id, &receiver, &mut outcome, hook, progress)
        }));
        // Dropping the receiver ends the parser if storing stopped early.
        drop(receiver);
        (stored, parser.join())
    });
    let (stage, fault) = match (stored, parsed) {
        (Ok(Ok(true)), Ok(())) => return finish_reports(store, outcome),
        (Ok(Err(error)), _) => {
            // A refused file is already recorded, so this changes nothing for it.
            store_failed(store, run_id, &error);
            return Err(error);
        }
        (Err(payload), _) => (Stage::Storing, panic_text(payload.as_ref())),
        (Ok(Ok(_)), Err(payload)) => (Stage::Parsing, panic_text(payload.as_ref())),
        (Ok(Ok(false)), Ok(())) => (
            Stage::Parsing,
            "the parsing stage ended before the end of the file".to_owned(),
        ),
    };
    let (message, recorded) = record_fault(store, run_id, stage, outcome.read, &fault);
    Err(IngestError::Failed {
        run_id,
        source_name: source_name.to_owned(),
        message,
        recorded,
    })
}

/// The parsing stage: rows into batches of reports and rejections.
fn parse_rows(
    input: Box<dyn Read + Send>,
    taxonomy: &Taxonomy,
    districts: &beacon_core::Districts,
    options: &IngestOptions,
    batch_size: usize,
    hook: Option<FaultHook>,
    sender: &std::sync::mpsc::SyncSender<Parsed>,
) {
    let mut reader = match ReportReader::open(input) {
        Ok(reader) => reader,
        Err(reason) => {
            let _ = sender.send(Parsed::Refused(reason));
            return;
        }
    };
    let opened = Parsed::Opened {
        encoding: reader.encoding().as_str(),
        ignored_columns: reader.ignored_columns().to_vec(),
        column_layout: reader.column_layout(),
    };
    if sender.send(opened).is_err() {
        return;
    }
    let rules = ReportRules {
        taxonomy,
        districts,
        today: options.today,
    };
    let issues = options.rules.matcher();
    let mut batch = ReportBatch::default();
    let mut unknown_types: BTreeMap<String, u64> = BTreeMap::new();
    let mut rows_read = 0u64;
    loop {
        FaultHook::check(hook, Stage::Parsing, rows_read);
        let row = reader.next_row(&rules);
        rows_read += 1;
        let finished = row.is_none();
        match row {
            Some(RowOutcome::Report(mut report, _line)) => {
                report.local_issues =
                    issues.classify(&report.fraud_type, &report.tags, report.summary.as_deref());
                if taxonomy.get(&report.fraud_type).is_none() {
                    *unknown_types.entry(report.fraud_type.clone()).or_default() += 1;
                }
                batch.reports.push(*report);
            }
            Some(RowOutcome::Rejected(error)) => batch.rejects.push(error),
            None => {}
        }
        if batch.len() >= batch_size || (finished && !batch.is_empty()) {
            let full = Parsed::Batch {
                batch: std::mem::take(&mut batch),
                unknown_types: std::mem::take(&mut unknown_types),
                bytes_read: reader.bytes_read(),
            };
            if sender.send(full).is_err() {
                return;
            }
        }
        if finished {
            let _ = sender.send(Parsed::Finished {
                sha256: reader.sha256(),
            });
            return;
        }
    }
}

/// The storing stage: districts placed, batches written. Returns true when the parser
/// sent every row (the run is then finished by the caller), false when it stopped early.
fn store_rows(
    store: &mut dyn Store,
    run_id: i64,
    receiver: &std::sync::mpsc::Receiver<Parsed>,
    outcome: &mut IngestOutcome,
    hook: Option<FaultHook>,
    progress: &mut dyn FnMut(Progress),
) -> Result<bool, IngestError> {
    let mut finder = DistrictFinder {
        cache: HashMap::new(),
    };
    let mut finished = false;
    while let Ok(message) = receiver.recv() {
        match message {
            Parsed::Opened {
                encoding,
                ignored_columns,
                column_layout,
            } => {
                outcome.encoding = encoding.to_owned();
                outcome.ignored_columns = ignored_columns;
                store.record_run_columns(run_id, &column_layout)?;
            }
            Parsed::Refused(reason) => {
                store.finish_run(
                    run_id,
                    &RunEnd {
                        status: RunStatus::Failed,
                        sha256: None,
                        message: Some(reason.to_string()),
                    },
                )?;
                return Err(IngestError::Refused {
                    run_id,
                    source_name: outcome.source.clone(),
                    reason,
                });
            }
            Parsed::Batch {
                mut batch,
                unknown_types,
                bytes_read,
            } => {
                FaultHook::check(hook, Stage::Storing, outcome.read);
                for report in &mut batch.reports {
                    finder.place(store, report)?;
                }
                let counts = store.store_report_batch(run_id, &batch)?;
                outcome.read += counts.read;
                outcome.stored += counts.stored;
                outcome.duplicates += counts.duplicates;
                outcome.rejected += counts.rejected;
                for report in &batch.reports {
                    if report.district.is_none() {
                        outcome.district_unknown += 1;
                    }
                    for issue in &report.local_issues {
                        *outcome.local_issues.entry(issue.clone()).or_default() += 1;
                    }
                }
                for (code, count) in unknown_types {
                    *outcome.unknown_fraud_types.entry(code).or_default() += count;
                }
                progress(Progress {
                    bytes: bytes_read,
                    rows: outcome.read,
                });
            }
            Parsed::Finished { sha256 } => {
                outcome.sha256 = sha256;
                finished = true;
            }
        }
    }
    Ok(finished)
}

/// Records a run that read its whole file as completed, with its notes.
fn finish_reports(
    store: &mut dyn Store,
    outcome: IngestOutcome,
) -> Result<IngestOutcome, IngestError> {
    let run_id = outcome.run_id;
    store.finish_run(
        run_id,
        &RunEnd {
            status: RunStatus::Completed,
            sha256: Some(outcome.sha256.clone()),
            message: run_notes(&outcome),
        },
    )?;
    tracing::info!(
        run_id,
        read = outcome.read,
        stored = outcome.stored,
        duplicates = outcome.duplicates,
        rejected = outcome.rejected,
        "ingest finished"
    );
    Ok(outcome)
}

/// The most names (ignored columns, unknown codes) a run's notes list.
const NOTED_NAMES: usize = 20;
/// The most characters of one name the notes keep.
const NOTED_NAME_CHARS: usize = 100;

/// Names from the file as the notes list them: at most [`NOTED_NAMES`], each cut to
/// [`NOTED_NAME_CHARS`] characters, with how many more there were. A header can hold a
/// column name megabytes long, or thousands of them; the notes are shown on every run
/// page and sent by the API, so they stay small.
fn noted(names: &[String]) -> String {
    let mut listed: Vec<String> = names
        .iter()
        .take(NOTED_NAMES)
        .map(|name| match name.char_indices().nth(NOTED_NAME_CHARS) {
            None => name.clone(),
            Some((end, _)) => format!(
                "{}…({} more characters)",
                &name[..end],
                name[end..].chars().count()
            ),
        })
        .collect();
    if names.len() > NOTED_NAMES {
        listed.push(format!("and {} more", names.len() - NOTED_NAMES));
    }
    listed.join(", ")
}

/// Notes worth keeping with the run: columns ignored, unknown codes, encoding.
fn run_notes(outcome: &IngestOutcome) -> Option<String> {
    let mut notes = Vec::new();
    if outcome.encoding != "UTF-8" {
        notes.push(format!("read as {}", outcome.encoding));
    }
    if !outcome.ignored_columns.is_empty() {
        notes.push(format!(
            "ignored columns: {}",
            noted(&outcome.ignored_columns)
        ));
    }
    if !outcome.unknown_fraud_types.is_empty() {
        let codes: Vec<String> = outcome
            .unknown_fraud_types
            .iter()
            .map(|(code, count)| format!("{code} ({count})"))
            .collect();
        notes.push(format!("NFIB codes not in the taxonomy: {}", noted(&codes)));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

#[cfg(test)]
mod notes_tests {
    use super::noted;

    #[test]
    fn notes_list_a_few_names_each_cut_short() {
        let huge = "x".repeat(5_000_000);
        let noted_huge = noted(&[huge, "victim name".to_owned()]);
        assert_eq!(
            noted_huge,
            format!("{}…(4999900 more characters), victim name", "x".repeat(100))
        );
        let many: Vec<String> = (0..1_000).map(|n| format!("column {n}")).collect();
        let listed = noted(&many);
        assert!(listed.starts_with("column 0, column 1, "), "{listed}");
        assert!(listed.ends_with("column 19, and 980 more"), "{listed}");
    }
}
