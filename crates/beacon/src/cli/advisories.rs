//! `beacon advisories …` and `beacon ingest advisories`: advisories in, validated,
//! matched to partners' inventories, chased to the fix, and measured.

use super::config::Settings;
use super::inventory::organisation_id;
use super::output::{count, one_decimal, print_json};
use anyhow::Context;
use beacon_analytics::advisories::{ChaseRules, Timings};
use beacon_app::advisories::chase::chase_notices;
use beacon_app::advisories::ingest::advisory_files;
use beacon_app::advisories::matching::rematch_everything;
use beacon_app::advisories::status::status;
use beacon_app::advisories::{AdvisoryOptions, ingest_advisory_file};
use beacon_core::{AdvisorySource, Tlp};
use beacon_store::advisories::{AdvisoryFilter, MatchFilter};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon advisories` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdvisoriesCommand {
    /// Check a CSAF 2.0 document against the mandatory tests of section 6.1 of the
    /// standard: prints `valid`, or `invalid` and each failed test with its JSON path.
    Validate(ValidateArgs),
    /// List stored advisories, newest first.
    List(ListArgs),
    /// Matches of advisories to partners' assets, with confidence and reason.
    Matches(MatchesArgs),
    /// Time to acknowledge and to fix, per partner, per sector and area-wide.
    Status(StatusArgs),
    /// Queue the reminders, escalations and daily digests that are due.
    Remind(JsonArgs),
    /// Match every advisory against every inventory again from scratch.
    Rematch(JsonArgs),
}

/// Arguments of `beacon ingest advisories`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Advisory files or folders (folders are walked for .json, .xml, .rss and .atom).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The format: auto, csaf, kev, nvd or rss (rss also reads Atom).
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// TLP for advisories whose document names none.
    #[arg(long, default_value = "CLEAR")]
    pub tlp: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advisories validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The CSAF document.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advisories list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this source: csaf, kev, nvd, rss or manual.
    #[arg(long)]
    pub source: Option<String>,
    /// Only advisories matched to this organisation (name or id).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Only advisories matched to any partner.
    #[arg(long)]
    pub matched: bool,
    /// How many to list.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advisories matches`.
#[derive(Debug, Args)]
pub struct MatchesArgs {
    /// Only this organisation's (name or id).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advisories status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments with only `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an advisories subcommand.
pub fn run(command: AdvisoriesCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        AdvisoriesCommand::Validate(args) => validate(args),
        AdvisoriesCommand::List(args) => list(args, settings),
        AdvisoriesCommand::Matches(args) => matches(args, settings),
        AdvisoriesCommand::Status(args) => show_status(args, settings),
        AdvisoriesCommand::Remind(args) => remind(args, settings),
        AdvisoriesCommand::Rematch(args) => rematch(args, settings),
    }
}

/// `beacon ingest advisories`: one run per file.
pub fn ingest(args: IngestArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let default_tlp: Tlp = args.tlp.parse()?;
    let options = AdvisoryOptions {
        format: Some(args.format.clone()),
        default_tlp,
        ..AdvisoryOptions::default()
    };
    let files = advisory_files(&args.paths)?;
    if files.is_empty() {
        anyhow::bail!("no advisory files (.json, .xml, .rss, .atom) in the paths given");
    }
    let mut store = settings.open_store()?;
    let mut outcomes = Vec::new();
    for file in &files {
        let source = file.display().to_string();
        let bytes = std::fs::read(file).with_context(|| format!("while reading {source}"))?;
        let outcome = ingest_advisory_file(
            store.as_mut(),
            &source,
            &bytes,
            &options,
            time::OffsetDateTime::now_utc(),
            &settings.notify,
        )?;
        if !args.json {
            out!(
                "{source} ({}): run {}: {} read, {} stored ({} new, {} revised), {} duplicates, {} skipped, {} quarantined{}",
                outcome.format,
                outcome.run_id,
                count(outcome.read),
                count(outcome.stored),
                count(outcome.new),
                count(outcome.revised),
                count(outcome.duplicates),
                count(outcome.skipped),
                count(outcome.rejected),
                if outcome.flagged > 0 {
                    format!(
                        "; {} flagged (failed CSAF mandatory tests)",
                        outcome.flagged
                    )
                } else {
                    String::new()
                }
            );
            out!(
                "  {} matches; notices {} opened, {} updated, {} unchanged; {} letters queued",
                count(outcome.matches),
                outcome.notices.opened,
                outcome.notices.changed,
                outcome.notices.unchanged,
                outcome.notices.letters
            );
            for note in &outcome.notes {
                out!("  note: {note}");
            }
        }
        outcomes.push(outcome);
    }
    if args.json {
        print_json(&serde_json::json!({ "files": outcomes }))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The validator's verdict.
#[derive(Serialize)]
struct Verdict {
    file: String,
    valid: bool,
    failures: Vec<beacon_core::ValidationFailure>,
}

fn validate(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let source = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("while reading {source}"))?;
    let document: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{source} is not JSON, so not a CSAF document"))?;
    let failures = beacon_ingest::advisories::csaf::validate(&document);
    let verdict = Verdict {
        file: source,
        valid: failures.is_empty(),
        failures,
    };
    if args.json {
        print_json(&verdict)?;
    } else if verdict.valid {
        out!("valid");
    } else {
        out!("invalid");
        for failure in &verdict.failures {
            out!("{} {}: {}", failure.test, failure.path, failure.reason);
        }
    }
    Ok(if verdict.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn list(args: ListArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let source: Option<AdvisorySource> = args.source.as_deref().map(str::parse).transpose()?;
    let organisation_id = match &args.organisation {
        Some(named) => Some(organisation_id(store.as_mut(), named)?),
        None => None,
    };
    let advisories = store.advisories(&AdvisoryFilter {
        source,
        organisation_id,
        matched_only: args.matched,
        cve: None,
        limit: Some(args.limit.clamp(1, 100_000)),
    })?;
    if args.json {
        print_json(&advisories)?;
        return Ok(ExitCode::SUCCESS);
    }
    if advisories.is_empty() {
        out!("No advisories: load some with `beacon ingest advisories FILE`.");
    }
    for stored in &advisories {
        let advisory = &stored.advisory;
        out!(
            "{:>5}  {:<6} {:<8} {:<16} {}{}",
            stored.id,
            advisory.source.as_str(),
            advisory.priority.as_str(),
            advisory.tlp.as_str(),
            advisory.title,
            if stored.is_usable() {
                ""
            } else {
                "  [failed CSAF mandatory tests]"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn matches(args: MatchesArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisation_id = match &args.organisation {
        Some(named) => Some(organisation_id(store.as_mut(), named)?),
        None => None,
    };
    let found = store.matches(&MatchFilter {
        organisation_id,
        advisory_id: None,
    })?;
    if args.json {
        print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        out!("No matches.");
    }
    for m in &found {
        out!(
            "{} — {}: {} ({}): {}",
            m.organisation,
            m.asset,
            m.advisory_title,
            m.record.confidence.as_str(),
            m.record.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of timings.
fn timing_line(name: &str, timings: &Timings) -> String {
    format!(
        "{name}: {} notices, {} acknowledged (median {} h), {} closed (median {} days to fix), {} overdue",
        timings.notices,
        timings.acknowledged,
        timings
            .median_hours_to_acknowledge
            .map_or_else(|| "–".to_owned(), one_decimal),
        timings.closed,
        timings
            .median_days_to_fix
            .map_or_else(|| "–".to_owned(), one_decimal),
        timings.overdue
    )
}

fn show_status(args: StatusArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let figures = status(store.as_mut(), None, None, time::OffsetDateTime::now_utc())?;
    if args.json {
        print_json(&figures)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!("{}", timing_line("Area", &figures.area));
    out!("By sector:");
    for (sector, timings) in &figures.by_sector {
        let name = if sector.is_empty() {
            "(no sector)"
        } else {
            sector
        };
        out!("  {}", timing_line(name, timings));
    }
    out!("By partner:");
    for (partner, timings) in &figures.by_partner {
        out!("  {}", timing_line(partner, timings));
    }
    Ok(ExitCode::SUCCESS)
}

fn remind(args: JsonArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let outcome = chase_notices(
        store.as_mut(),
        time::OffsetDateTime::now_utc(),
        &ChaseRules::default(),
        &settings.notify,
    )?;
    if args.json {
        print_json(&outcome)?;
    } else {
        out!(
            "{} reminded, {} escalated, {} daily digests; {} letters queued (send them with `beacon notify run`).",
            outcome.reminded,
            outcome.escalated,
            outcome.digests,
            outcome.letters
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn rematch(args: JsonArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let started = std::time::Instant::now();
    let matches = rematch_everything(store.as_mut())?;
    if args.json {
        print_json(&serde_json::json!({ "matches": matches }))?;
    } else {
        out!(
            "{} matches stored in {} ms.",
            count(matches),
            started.elapsed().as_millis()
        );
    }
    Ok(ExitCode::SUCCESS)
}
