//! `beacon ingest …`: load report files, list runs, show quarantined rows.

use super::config::{Settings, actor};
use super::output::{count, print_csv, print_json, progress_bar, today};
use anyhow::Context;
use beacon_app::{IngestError, IngestOptions, IngestOutcome, ingest_reports};
use beacon_store::AuditEvent;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon ingest` subcommands.
#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Load Action Fraud / NFIB report CSV files (see docs/report-schema.md).
    Reports(ReportsArgs),
    /// Load threat-feed files or MISP feed folders into the address register
    /// (see docs/feeds/formats.md).
    Feed(super::feed::FeedArgs),
    /// Load security advisories: CSAF 2.0 documents, the CISA KEV catalogue, NVD CVE
    /// records, NCSC RSS/Atom feeds (files or folders).
    Advisories(super::advisories::IngestArgs),
    /// List ingest runs, newest first.
    Runs(RunsArgs),
    /// Show a run's quarantined rows (victim-level data: the read is audited).
    Rejects(RejectsArgs),
}

/// Arguments of `beacon ingest reports`.
#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// CSV files to load (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Local-issue rules file (default: the config's, or the shipped rules).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Rows per transaction.
    #[arg(long, default_value_t = 20_000)]
    pub batch_size: usize,
    /// Do not score the victim triage queue again afterwards (`beacon care triage` does
    /// it later).
    #[arg(long)]
    pub no_triage: bool,
}

/// Arguments of `beacon ingest runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// How many runs to list.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon ingest rejects`.
#[derive(Debug, Args)]
pub struct RejectsArgs {
    /// The run number (from `beacon ingest runs`).
    pub run: i64,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (line, reason, raw).
    #[arg(long)]
    pub csv: bool,
}

/// Runs an ingest subcommand.
pub fn run(command: IngestCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        IngestCommand::Reports(args) => reports(args, settings),
        IngestCommand::Feed(args) => super::feed::run(args, settings),
        IngestCommand::Advisories(args) => super::advisories::ingest(args, settings),
        IngestCommand::Runs(args) => runs(args, settings),
        IngestCommand::Rejects(args) => rejects(args, settings),
    }
}

/// Totals over several files.
#[derive(Serialize)]
struct Totals<'a> {
    read: u64,
    stored: u64,
    duplicates: u64,
    rejected: u64,
    run_id: Option<i64>,
    runs: &'a [IngestOutcome],
    refused: &'a [String],
}

fn reports(args: ReportsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let mut options = IngestOptions::new(settings.rules(args.rules.as_deref())?, today());
    options.batch_size = args.batch_size;
    let mut outcomes = Vec::new();
    let mut refused = Vec::new();
    for path in &args.files {
        let (name, input, length): (String, Box<dyn std::io::Read + Send>, u64) =
            if path.as_os_str() == "-" {
                ("-".to_owned(), Box::new(std::io::stdin()), 0)
            } else {
                let file = std::fs::File::open(path)
                    .with_context(|| format!("while opening {}", path.display()))?;
                let length = file.metadata().map(|m| m.len()).unwrap_or(0);
                (
                    path.display().to_string(),
                    Box::new(std::io::BufReader::with_capacity(256 * 1024, file)),
                    length,
                )
            };
        let bar = progress_bar(length, args.json);
        bar.set_message(name.clone());
        let result = ingest_reports(store.as_mut(), &name, input, &options, &mut |progress| {
            bar.set_position(progress.bytes);
        });
        bar.finish_and_clear();
        match result {
            Ok(outcome) => {
                if !args.json {
                    print_outcome(&outcome);
                }
                outcomes.push(outcome);
            }
            Err(error @ IngestError::Refused { .. }) => {
                eprintln!("Refused: {error}");
                refused.push(error.to_string());
            }
            Err(error) => return Err(error).context(format!("while loading {name}")),
        }
    }
    if !args.no_triage && outcomes.iter().any(|outcome| outcome.stored > 0) {
        let weights = settings.care_weights(None)?;
        let scored = beacon_app::care::triage_after_ingest(
            store.as_mut(),
            &weights,
            &super::config::actor(),
            time::OffsetDateTime::now_utc(),
        )
        .context("while scoring the victim triage queue")?;
        if !args.json {
            out!(
                "Victim care: the triage queue was scored again ({} cases).",
                count(scored.queued)
            );
        }
    }
    if args.json {
        if outcomes.len() == 1 && refused.is_empty() {
            print_json(&outcomes[0])?;
        } else {
            print_json(&Totals {
                read: outcomes.iter().map(|o| o.read).sum(),
                stored: outcomes.iter().map(|o| o.stored).sum(),
                duplicates: outcomes.iter().map(|o| o.duplicates).sum(),
                rejected: outcomes.iter().map(|o| o.rejected).sum(),
                run_id: outcomes.last().map(|o| o.run_id),
                runs: &outcomes,
                refused: &refused,
            })?;
        }
    }
    Ok(if refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_outcome(outcome: &IngestOutcome) {
    out!("{} — run {}", outcome.source, outcome.run_id);
    out!(
        "  read {}: stored {}, duplicates {}, rejected {}",
        count(outcome.read),
        count(outcome.stored),
        count(outcome.duplicates),
        count(outcome.rejected)
    );
    if outcome.encoding != "UTF-8" {
        out!("  read as {}", outcome.encoding);
    }
    if outcome.district_unknown > 0 {
        out!(
            "  {} rows have no known district in the area (kept, counted as unknown)",
            count(outcome.district_unknown)
        );
    }
    if !outcome.unknown_fraud_types.is_empty() {
        let codes: Vec<String> = outcome
            .unknown_fraud_types
            .iter()
            .map(|(code, n)| format!("{code} ×{}", count(*n)))
            .collect();
        out!(
            "  NFIB codes not in the taxonomy (kept): {}",
            codes.join(", ")
        );
    }
    if !outcome.ignored_columns.is_empty() {
        out!("  columns not read: {}", outcome.ignored_columns.join(", "));
    }
    if !outcome.local_issues.is_empty() {
        let issues: Vec<String> = outcome
            .local_issues
            .iter()
            .map(|(issue, n)| format!("{issue} {}", count(*n)))
            .collect();
        out!("  local issues tagged: {}", issues.join(", "));
    }
    if outcome.rejected > 0 {
        out!(
            "  see the rejected rows with: beacon ingest rejects {}",
            outcome.run_id
        );
    }
}

fn runs(args: RunsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let runs = store.runs(args.limit)?;
    if args.json {
        print_json(&runs)?;
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        out!("No ingest runs yet. Load a file with: beacon ingest reports FILE");
    }
    out!(
        "{:>5}  {:<11}  {:<20}  {:>9}  {:>9}  {:>9}  {:>9}  source",
        "run",
        "status",
        "started (UTC)",
        "read",
        "stored",
        "duplicate",
        "rejected"
    );
    for run in runs {
        out!(
            "{:>5}  {:<11}  {:<20}  {:>9}  {:>9}  {:>9}  {:>9}  {}",
            run.id,
            run.status.as_str(),
            run.started_at
                .get(..19)
                .unwrap_or(&run.started_at)
                .replace('T', " "),
            count(run.counts.read),
            count(run.counts.stored),
            count(run.counts.duplicates),
            count(run.counts.rejected),
            run.source
        );
        if run.counts.skipped > 0 {
            out!(
                "       {} skipped (named nothing the register keeps)",
                count(run.counts.skipped)
            );
        }
        if let Some(message) = run.message {
            out!("       {message}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rejects(args: RejectsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let run = store
        .run(args.run)?
        .with_context(|| format!("there is no ingest run {}", args.run))?;
    let rows = store.quarantined(args.run)?;
    // Quarantined rows hold raw victim-level text: every read is audited.
    store.audit(&AuditEvent {
        actor: actor(),
        action: "read_quarantine".into(),
        subject: format!("ingest_run:{}", args.run),
        detail: format!("{} rows", rows.len()),
    })?;
    if args.json {
        print_json(&rows)?;
    } else if args.csv {
        print_csv(
            &["line", "reason", "raw"],
            rows.iter().map(|r| {
                vec![
                    r.row.line.to_string(),
                    r.row.reason.clone(),
                    r.row.raw.clone(),
                ]
            }),
        )?;
    } else {
        out!(
            "Run {} ({}): {} rejected rows",
            run.id,
            run.source,
            count(rows.len() as u64)
        );
        for row in rows {
            out!("line {}: {}", row.row.line, row.row.reason);
            out!("    {}", row.row.raw.replace('\n', "\n    "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
