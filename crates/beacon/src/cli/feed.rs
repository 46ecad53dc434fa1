//! `beacon ingest feed`: threat-feed files and MISP feed folders into the register.

use super::config::Settings;
use super::output::{count, print_json, progress_bar};
use anyhow::Context;
use beacon_app::feeds::{FeedIngestError, FeedOptions, FeedOutcome, Owners, format_names};
use beacon_app::{ingest_feed, ingest_misp_folder};
use beacon_core::Tlp;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `beacon ingest feed`.
#[derive(Debug, Args)]
pub struct FeedArgs {
    /// Feed files (`-` for standard input) or MISP feed folders (holding manifest.json).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The format: auto (recognise it), shadowserver, urlhaus, feodo, cert-eu,
    /// spamhaus-drop, spamhaus-asndrop, openphish, stix, misp or list.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// TLP for events whose feed says none (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).
    #[arg(long, default_value = "AMBER")]
    pub tlp: Tlp,
    /// Records per transaction.
    #[arg(long, default_value_t = 50_000)]
    pub batch_size: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Totals over several files.
#[derive(Serialize)]
struct Totals<'a> {
    read: u64,
    events: u64,
    stored: u64,
    duplicates: u64,
    skipped: u64,
    rejected: u64,
    attributed: u64,
    run_id: Option<i64>,
    runs: &'a [FeedOutcome],
    refused: &'a [String],
}

/// Runs `beacon ingest feed`.
pub fn run(args: FeedArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let owners = Owners::load(store.as_mut())?;
    let mut options = FeedOptions::new(time::OffsetDateTime::now_utc());
    options.format = Some(args.format.clone());
    options.default_tlp = args.tlp;
    options.batch_size = args.batch_size;
    let mut outcomes = Vec::new();
    let mut refused = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let result = if path.is_dir() {
            if (args.format != "auto" && args.format != "misp")
                || !path.join("manifest.json").is_file()
            {
                let reason = format!(
                    "{name} is a folder: only MISP feed folders (holding manifest.json) can be read"
                );
                eprintln!("Refused: {reason}");
                refused.push(reason);
                continue;
            }
            ingest_misp_folder(store.as_mut(), path, &owners, &options)
        } else {
            let (input, length): (Box<dyn std::io::Read + Send>, u64) = if name == "-" {
                (Box::new(std::io::stdin()), 0)
            } else {
                let file =
                    std::fs::File::open(path).with_context(|| format!("while opening {name}"))?;
                let length = file.metadata().map(|m| m.len()).unwrap_or(0);
                (
                    Box::new(std::io::BufReader::with_capacity(256 * 1024, file)),
                    length,
                )
            };
            let bar = progress_bar(length, args.json);
            bar.set_message(name.clone());
            let result = ingest_feed(store.as_mut(), &name, input, &owners, &options, &mut |p| {
                bar.set_position(p.bytes);
            });
            bar.finish_and_clear();
            result
        };
        match result {
            Ok(outcome) => {
                if !args.json {
                    print_outcome(&outcome);
                }
                outcomes.push(outcome);
            }
            Err(
                error @ (FeedIngestError::Refused { .. }
                | FeedIngestError::NotRecognised(..)
                | FeedIngestError::UnknownFormat(..)),
            ) => {
                eprintln!("Refused: {error}");
                refused.push(error.to_string());
            }
            Err(error) => return Err(error).context(format!("while loading {name}")),
        }
    }
    if args.json {
        if outcomes.len() == 1 && refused.is_empty() {
            print_json(&outcomes[0])?;
        } else {
            let sum = |field: fn(&FeedOutcome) -> u64| outcomes.iter().map(field).sum();
            print_json(&Totals {
                read: sum(|o| o.read),
                events: sum(|o| o.events),
                stored: sum(|o| o.stored),
                duplicates: sum(|o| o.duplicates),
                skipped: sum(|o| o.skipped),
                rejected: sum(|o| o.rejected),
                attributed: sum(|o| o.attributed),
                run_id: outcomes.last().map(|o| o.run_id),
                runs: &outcomes,
                refused: &refused,
            })?;
        }
    }
    if !refused.is_empty() && !args.json && args.format == "auto" {
        eprintln!("Formats Beacon reads: {}", format_names());
    }
    Ok(if refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_outcome(outcome: &FeedOutcome) {
    out!(
        "{} — run {} (read as {})",
        outcome.source,
        outcome.run_id,
        outcome.format
    );
    out!(
        "  read {}: stored {}, duplicates {}, skipped {}, rejected {}",
        count(outcome.read),
        count(outcome.stored),
        count(outcome.duplicates),
        count(outcome.skipped),
        count(outcome.rejected)
    );
    out!(
        "  {} of {} events belong to a registered organisation",
        count(outcome.attributed),
        count(outcome.events)
    );
    for (reason, skipped) in &outcome.skipped_reasons {
        out!("  skipped {}: {reason}", count(*skipped));
    }
    if !outcome.by_type.is_empty() {
        let types: Vec<String> = outcome
            .by_type
            .iter()
            .map(|(kind, n)| format!("{kind} {}", count(*n)))
            .collect();
        out!("  by type: {}", types.join(", "));
    }
    if outcome.rejected > 0 {
        out!(
            "  see the rejected records with: beacon ingest rejects {}",
            outcome.run_id
        );
    }
}
