//! Feed ingest: a threat-feed file (or MISP feed folder) into the register — parse,
//! attribute to an owner and district, deduplicate and store — every record accounted
//! for as an event, a duplicate, a skipped record or a quarantined row.

use crate::fault::{FaultHook, Stage, panic_text, record_fault, recorded_words, store_failed};
use beacon_attribution::{Attributor, Claim, OwnerId};
use beacon_core::{DistrictCode, RunStatus, StoredOrganisation, Tlp};
use beacon_ingest::feeds::{self, FeedContext, FeedFormat, FeedRecord};
use beacon_ingest::text_input::count_and_hash;
use beacon_store::{FeedBatch, RegisterEvent, RunEnd, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::atomic::Ordering;
use time::OffsetDateTime;

/// How many bytes `--format auto` looks at.
const DETECT_BYTES: usize = 8 * 1024;

/// How to run a feed ingest.
#[derive(Debug, Clone)]
pub struct FeedOptions {
    /// The format by name (`shadowserver`, `stix`, …), or `None` to recognise it.
    pub format: Option<String>,
    /// TLP for events whose feed names none.
    pub default_tlp: Tlp,
    /// Records per transaction.
    pub batch_size: usize,
    /// A running run of the same source with no progress for this long is taken to have
    /// been interrupted.
    pub stale_after_seconds: i64,
    /// When the feed is read (`time.observation`).
    pub observed_at: OffsetDateTime,
}

impl FeedOptions {
    /// Defaults: recognise the format, TLP:AMBER when the feed says none (the safe
    /// reading of an unlabelled feed), 50,000-record batches (memory stays flat: each event's
    /// full form is compressed into its batch's block as it is added). Large batches matter:
    /// a commit writes every index page its batch touched.
    pub fn new(observed_at: OffsetDateTime) -> FeedOptions {
        FeedOptions {
            format: None,
            default_tlp: Tlp::Amber,
            batch_size: 50_000,
            stale_after_seconds: 600,
            observed_at,
        }
    }
}

/// Who owns what: the attributor over every organisation's claims, and each owner's
/// register id and district.
pub struct Owners {
    attributor: Attributor,
    by_owner: HashMap<OwnerId, (i64, Option<DistrictCode>)>,
}

impl Owners {
    /// Builds the attributor from the registered organisations.
    pub fn new(organisations: &[StoredOrganisation]) -> Owners {
        let mut claims = Vec::new();
        let mut by_owner = HashMap::new();
        for stored in organisations {
            let Ok(small) = u32::try_from(stored.id) else {
                continue;
            };
            let owner = OwnerId(small);
            by_owner.insert(owner, (stored.id, stored.organisation.district.clone()));
            let organisation = &stored.organisation;
            claims.extend(
                organisation
                    .networks
                    .iter()
                    .map(|n| (owner, Claim::Network(*n))),
            );
            claims.extend(organisation.asns.iter().map(|a| (owner, Claim::Asn(*a))));
            claims.extend(
                organisation
                    .domains
                    .iter()
                    .map(|d| (owner, Claim::Domain(d.clone()))),
            );
        }
        Owners {
            attributor: Attributor::new(claims),
            by_owner,
        }
    }

    /// Reads the organisations from the store.
    pub fn load(store: &mut dyn Store) -> Result<Owners, StoreError> {
        Ok(Owners::new(&store.organisations()?))
    }

    /// The owner's register id and district for an event, if anyone owns what it names.
    pub fn owner_of(&self, event: &beacon_core::Event) -> Option<&(i64, Option<DistrictCode>)> {
        let (owner, _) = self.attributor.attribute(event)?;
        self.by_owner.get(&owner)
    }

    /// Claims made by more than one organisation, for an administrator to fix.
    pub fn conflicts(&self) -> &[beacon_attribution::Conflict] {
        self.attributor.conflicts()
    }
}

/// Progress so far, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct FeedProgress {
    /// Bytes read.
    pub bytes: u64,
    /// Records read.
    pub records: u64,
}

/// What a feed ingest did. `read = stored + duplicates + skipped + rejected`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedOutcome {
    /// The run's number (see `beacon ingest runs`).
    pub run_id: i64,
    /// The file or folder.
    pub source: String,
    /// The format it was read as.
    pub format: String,
    /// SHA-256 of the file (of `manifest.json` for a MISP folder).
    pub sha256: String,
    /// Records read.
    pub read: u64,
    /// Events parsed (stored + duplicates).
    pub events: u64,
    /// New events stored.
    pub stored: u64,
    /// Events already stored (from this file or before).
    pub duplicates: u64,
    /// Records naming nothing the register keeps, with why.
    pub skipped: u64,
    /// Records quarantined (see `beacon ingest rejects RUN`).
    pub rejected: u64,
    /// Events whose address belongs to a registered organisation.
    pub attributed: u64,
    /// Events by IntelMQ classification type.
    pub by_type: BTreeMap<String, u64>,
    /// Why records were skipped, with how many each.
    pub skipped_reasons: BTreeMap<String, u64>,
    /// The parser's remarks about the file as a whole (e.g. rows read short).
    pub notes: Vec<String>,
}

/// Why a feed ingest could not run at all. Record problems are never errors.
#[derive(Debug, thiserror::Error)]
pub enum FeedIngestError {
    /// `--format` named no format Beacon reads.
    #[error("'{0}' is not a feed format Beacon reads; formats: {1}")]
    UnknownFormat(String, String),
    /// No format recognised the file.
    #[error("{0}: Beacon does not recognise this feed's format; name it with --format ({1})")]
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
    /// Reading the file failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// Loading stopped on an internal fault (a panic in the parsing or storing stage);
    /// the run is recorded as failed with the same message, and its committed batches
    /// stay.
    #[error("{source_name}: {message} (run {run_id} {})", recorded_words(.recorded))]
    Failed {
        /// The run.
        run_id: i64,
        /// The file or folder.
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

/// Names of every format, for messages.
pub fn format_names() -> String {
    feeds::registry()
        .iter()
        .map(|format| format.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a feed file (or standard input, named `-`) into the register.
///
/// One thread reads, parses and attributes records; the calling thread writes batches.
/// The channel between them holds at most two batches, so memory stays flat. A panic in
/// either stage ends the run as failed with a message saying so
/// ([`FeedIngestError::Failed`]), never leaving it `running` or passing it as complete.
pub fn ingest_feed(
    store: &mut dyn Store,
    source_name: &str,
    input: Box<dyn Read + Send>,
    owners: &Owners,
    options: &FeedOptions,
    progress: &mut dyn FnMut(FeedProgress),
) -> Result<FeedOutcome, FeedIngestError> {
    let (mut input, hash, bytes_read) = count_and_hash(input);
    let mut head = Vec::with_capacity(DETECT_BYTES);
    (&mut input)
        .take(DETECT_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|error| FeedIngestError::Io(source_name.to_owned(), error))?;
    let format = choose_format(source_name, &head, options)?;
    let input: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(input));
    let file_name = Path::new(source_name).file_name().map_or_else(
        || source_name.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let context = FeedContext {
        file_name,
        observed_at: options.observed_at,
        default_tlp: options.default_tlp,
    };
    let run_id = store.begin_run("feed", source_name, options.stale_after_seconds)?;
    let mut outcome = FeedOutcome::new(run_id, source_name, format.name());
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        format.parse(input, &context)
    }));
    let mut records = match opened {
        Ok(Ok(records)) => records,
        Ok(Err(error)) => return Err(refuse(store, run_id, source_name, error.to_string())),
        Err(payload) => {
            return Err(fault(store, &outcome, Stage::Parsing, payload.as_ref()));
        }
    };
    let hook = FaultHook::from_env();
    let batch_size = options.batch_size.max(1);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<FeedBatch>(2);
    // Written batches go back to the parsing thread to be freed there: freeing a batch of
    // events costs about a tenth of the storing thread's time, which is the busier one.
    let (spent_sender, spent_receiver) = std::sync::mpsc::channel::<FeedBatch>();
    let (stored, parsed) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let mut batch = FeedBatch::default();
            let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
            let mut notes = Vec::new();
            let mut read = 0u64;
            loop {
                FaultHook::check(hook, Stage::Parsing, read);
                let Some(record) = records.next() else {
                    break;
                };
                read += 1;
                add_record(&mut batch, &mut reasons, &mut notes, record, owners);
                if batch.len() >= batch_size {
                    batch.seal();
                    if sender.send(std::mem::take(&mut batch)).is_err() {
                        return (reasons, notes);
                    }
                    while let Ok(spent) = spent_receiver.try_recv() {
                        drop(spent);
                    }
                }
            }
            if !batch.is_empty() {
                batch.seal();
                let _ = sender.send(batch);
            }
            (reasons, notes)
        });
        // A panic while storing is caught so the run can be recorded as failed; the
        // batch's open transaction rolled back as it unwound, so the run's counts are
        // what it holds.
        let stored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store_batches(
                &mut *store,
                run_id,
                &receiver,
                &spent_sender,
                &mut outcome,
                hook,
                &mut |records| {
                    progress(FeedProgress {
                        bytes: bytes_read.load(Ordering::Relaxed),
                        records,
                    })
                },
            )
        }));
        drop(receiver);
        (stored, parser.join())
    });
    (outcome.skipped_reasons, outcome.notes) = match (stored, parsed) {
        (Ok(Ok(())), Ok(parsed)) => parsed,
        (Ok(Err(error)), _) => {
            store_failed(store, run_id, &error);
            return Err(error);
        }
        (Err(payload), _) => {
            return Err(fault(store, &outcome, Stage::Storing, payload.as_ref()));
        }
        // The storing stage ends cleanly when the parser's channel closes, also when the
        // parser panicked: only the join tells them apart.
        (Ok(Ok(())), Err(payload)) => {
            return Err(fault(store, &outcome, Stage::Parsing, payload.as_ref()));
        }
    };
    outcome.sha256 = hash.hex();
    finish(store, &outcome)?;
    Ok(outcome)
}

/// Reads a MISP feed folder (`manifest.json` and one file per event) into the register.
pub fn ingest_misp_folder(
    store: &mut dyn Store,
    folder: &Path,
    owners: &Owners,
    options: &FeedOptions,
) -> Result<FeedOutcome, FeedIngestError> {
    let source_name = folder.display().to_string();
    let context = FeedContext {
        file_name: "manifest.json".to_owned(),
        observed_at: options.observed_at,
        default_tlp: options.default_tlp,
    };
    let manifest = std::fs::read(folder.join("manifest.json"))
        .map_err(|error| FeedIngestError::Io(format!("{source_name}/manifest.json"), error))?;
    let run_id = store.begin_run("feed", &source_name, options.stale_after_seconds)?;
    let records = match feeds::misp::parse_feed_directory(folder, &context) {
        Ok(records) => records,
        Err(error) => return Err(refuse(store, run_id, &source_name, error.to_string())),
    };
    let mut outcome = FeedOutcome::new(run_id, &source_name, "misp");
    let hook = FaultHook::from_env();
    // Parsing and storing take turns on this thread; `stage` says which a panic hit.
    let mut stage = Stage::Parsing;
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut reasons = BTreeMap::new();
        let mut batch = FeedBatch::default();
        let mut records = records.into_iter();
        let mut read = 0u64;
        loop {
            stage = Stage::Parsing;
            FaultHook::check(hook, stage, read);
            let record = records.next();
            let finished = record.is_none();
            if let Some(record) = record {
                read += 1;
                add_record(&mut batch, &mut reasons, &mut outcome.notes, record, owners);
            }
            if batch.len() >= options.batch_size.max(1) || (finished && !batch.is_empty()) {
                batch.seal();
                stage = Stage::Storing;
                FaultHook::check(hook, stage, outcome.read);
                outcome.add(store.store_feed_batch(run_id, &batch)?, &batch);
                batch = FeedBatch::default();
            }
            if finished {
                return Ok::<_, FeedIngestError>(reasons);
            }
        }
    }));
    outcome.skipped_reasons = match loaded {
        Ok(Ok(reasons)) => reasons,
        Ok(Err(error)) => {
            store_failed(store, run_id, &error);
            return Err(error);
        }
        Err(payload) => return Err(fault(store, &outcome, stage, payload.as_ref())),
    };
    outcome.sha256 = sha256_hex(&manifest);
    finish(store, &outcome)?;
    Ok(outcome)
}

fn choose_format(
    source_name: &str,
    head: &[u8],
    options: &FeedOptions,
) -> Result<&'static dyn FeedFormat, FeedIngestError> {
    match options.format.as_deref() {
        Some(name) if name != "auto" => feeds::by_name(name)
            .ok_or_else(|| FeedIngestError::UnknownFormat(name.to_owned(), format_names())),
        _ => feeds::detect(source_name, head)
            .ok_or_else(|| FeedIngestError::NotRecognised(source_name.to_owned(), format_names())),
    }
}

/// Adds one parsed record to a batch, attributing events to their owner.
fn add_record(
    batch: &mut FeedBatch,
    reasons: &mut BTreeMap<String, u64>,
    notes: &mut Vec<String>,
    record: FeedRecord,
    owners: &Owners,
) {
    match record {
        FeedRecord::Event(event, line) => {
            let owner = owners.owner_of(&event);
            batch.push(RegisterEvent::new(
                *event,
                line,
                owner.map(|(id, _)| *id),
                owner.and_then(|(_, district)| district.clone()),
            ));
        }
        FeedRecord::Skipped { reason, .. } => {
            batch.skipped += 1;
            *reasons.entry(reason).or_default() += 1;
        }
        FeedRecord::Rejected(row) => batch.rejects.push(row),
        FeedRecord::Note(note) => notes.push(note),
    }
}

/// The storing stage: batches written as they arrive.
fn store_batches(
    store: &mut dyn Store,
    run_id: i64,
    receiver: &std::sync::mpsc::Receiver<FeedBatch>,
    spent: &std::sync::mpsc::Sender<FeedBatch>,
    outcome: &mut FeedOutcome,
    hook: Option<FaultHook>,
    progress: &mut dyn FnMut(u64),
) -> Result<(), FeedIngestError> {
    while let Ok(batch) = receiver.recv() {
        FaultHook::check(hook, Stage::Storing, outcome.read);
        let counts = store.store_feed_batch(run_id, &batch)?;
        outcome.add(counts, &batch);
        progress(outcome.read);
        // If the parser has finished, the batch is simply freed here.
        let _ = spent.send(batch);
    }
    Ok(())
}

/// Records a run a panic ended as failed, and the error that says so.
fn fault(
    store: &mut dyn Store,
    outcome: &FeedOutcome,
    stage: Stage,
    payload: &(dyn std::any::Any + Send),
) -> FeedIngestError {
    let (message, recorded) = record_fault(
        store,
        outcome.run_id,
        stage,
        outcome.read,
        &panic_text(payload),
    );
    FeedIngestError::Failed {
        run_id: outcome.run_id,
        source_name: outcome.source.clone(),
        message,
        recorded,
    }
}

fn refuse(
    store: &mut dyn Store,
    run_id: i64,
    source_name: &str,
    reason: String,
) -> FeedIngestError {
    let recorded = store.finish_run(
        run_id,
        &RunEnd {
            status: RunStatus::Failed,
            sha256: None,
            message: Some(reason.clone()),
        },
    );
    match recorded {
        Ok(()) => FeedIngestError::Refused {
            run_id,
            source_name: source_name.to_owned(),
            reason,
        },
        Err(error) => FeedIngestError::Store(error),
    }
}

fn finish(store: &mut dyn Store, outcome: &FeedOutcome) -> Result<(), StoreError> {
    let mut notes = vec![format!("read as {}", outcome.format)];
    for (reason, count) in &outcome.skipped_reasons {
        notes.push(format!("{count} skipped: {reason}"));
    }
    notes.extend(outcome.notes.iter().cloned());
    store.finish_run(
        outcome.run_id,
        &RunEnd {
            status: RunStatus::Completed,
            sha256: Some(outcome.sha256.clone()),
            message: Some(notes.join("; ")),
        },
    )?;
    tracing::info!(
        run_id = outcome.run_id,
        read = outcome.read,
        stored = outcome.stored,
        duplicates = outcome.duplicates,
        skipped = outcome.skipped,
        rejected = outcome.rejected,
        "feed ingest finished"
    );
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

impl FeedOutcome {
    fn new(run_id: i64, source: &str, format: &str) -> FeedOutcome {
        FeedOutcome {
            run_id,
            source: source.to_owned(),
            format: format.to_owned(),
            sha256: String::new(),
            read: 0,
            events: 0,
            stored: 0,
            duplicates: 0,
            skipped: 0,
            rejected: 0,
            attributed: 0,
            by_type: BTreeMap::new(),
            skipped_reasons: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a stored batch's counts and what its events were.
    fn add(&mut self, counts: beacon_core::RunCounts, batch: &FeedBatch) {
        self.read += counts.read;
        self.stored += counts.stored;
        self.duplicates += counts.duplicates;
        self.skipped += counts.skipped;
        self.rejected += counts.rejected;
        self.events = self.stored + self.duplicates;
        for event in &batch.events {
            if event.organisation_id.is_some() {
                self.attributed += 1;
            }
            *self
                .by_type
                .entry(event.event.classification_type.clone())
                .or_default() += 1;
        }
    }
}
