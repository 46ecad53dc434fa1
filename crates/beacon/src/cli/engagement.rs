//! `beacon engagement`: the log of businesses the partnership reached (import a file,
//! record one), and the reach figures of a period: businesses reached, how, how often,
//! and how much of the reach is sustained, by district and by sector.

use super::config::{Settings, actor};
use super::output::{count, parse_cli_date, print_json, today};
use anyhow::Context;
use beacon_app::engagement::{EngagementError, import_file, reach_figures, record_one};
use beacon_core::engagement::how_label;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;

/// Engagement commands.
#[derive(Debug, Subcommand)]
pub enum EngagementCommand {
    /// Import an engagement log (CSV: business,sector,size,district,how,date,note): each
    /// row stored once or quarantined with its line and reason (docs/engagement.md).
    Import(ImportArgs),
    /// Record one engagement.
    Record(RecordArgs),
    /// The reach figures of a period.
    Reach(ReachArgs),
}

/// A file to import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

/// One engagement.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The business's name.
    #[arg(long)]
    business: String,
    /// Its sector, e.g. retail.
    #[arg(long)]
    sector: String,
    /// micro, small, medium or large.
    #[arg(long, default_value = "")]
    size: String,
    /// Its district (ONS code or name).
    #[arg(long)]
    district: String,
    /// event, visit, email or front_door_report.
    #[arg(long)]
    how: String,
    /// The day (default today).
    #[arg(long, value_parser = parse_cli_date)]
    on: Option<time::Date>,
    /// A short note.
    #[arg(long, default_value = "")]
    note: String,
}

/// The period of the reach figures.
#[derive(Debug, Args)]
pub struct ReachArgs {
    /// First day.
    #[arg(long, value_parser = parse_cli_date)]
    from: time::Date,
    /// Last day.
    #[arg(long, value_parser = parse_cli_date)]
    to: time::Date,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs an engagement command.
pub fn run(command: EngagementCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let store = store.as_mut();
    let now = OffsetDateTime::now_utc();
    match command {
        EngagementCommand::Import(args) => {
            let bytes = std::fs::read(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let source = args.file.display().to_string();
            let outcome = import_file(store, &bytes, &source, (&actor(), today(), now))?;
            if args.json {
                print_json(&outcome)?;
            } else {
                out!(
                    "{} rows read: {} engagements stored, {} already stored, {} quarantined (run {}).",
                    count(outcome.read),
                    count(outcome.stored),
                    count(outcome.duplicates),
                    count(outcome.quarantined.len() as u64),
                    outcome.run_id
                );
                for reject in &outcome.quarantined {
                    out!("  line {}: {}", reject.line, reject.reason);
                }
            }
        }
        EngagementCommand::Record(args) => {
            let on = args.on.unwrap_or_else(today).to_string();
            let row = [
                args.business.as_str(),
                &args.sector,
                &args.size,
                &args.district,
                &args.how,
                &on,
                &args.note,
            ];
            match record_one(store, row, (&actor(), today(), now)) {
                Ok(true) => out!("Recorded."),
                Ok(false) => out!("Already recorded: nothing changed."),
                Err(EngagementError::Invalid(why)) => {
                    eprintln!("error: {why}");
                    eprintln!("Nothing was recorded.");
                    return Ok(ExitCode::from(2));
                }
                Err(other) => return Err(other.into()),
            }
        }
        EngagementCommand::Reach(args) => {
            let period = beacon_core::Period::new(args.from, args.to)
                .context("--from must not be after --to")?;
            let figures = reach_figures(store, period)?;
            if args.json {
                print_json(&figures)?;
            } else {
                out!(
                    "{} businesses reached from {} to {} ({} engagements; {} more than once); {} reached in a sustained way{}.",
                    count(figures.businesses),
                    args.from,
                    args.to,
                    count(figures.engagements),
                    count(figures.more_than_once),
                    count(figures.sustained),
                    figures
                        .sustained_percent()
                        .map(|percent| format!(" ({percent}%)"))
                        .unwrap_or_default()
                );
                for (how, engagements) in &figures.by_how {
                    out!("  {}: {}", how_label(how), count(*engagements));
                }
                for (title, rows) in [
                    ("district", &figures.by_district),
                    ("sector", &figures.by_sector),
                ] {
                    out!("by {title}:");
                    for row in rows {
                        out!(
                            "  {}: {} reached, {} sustained",
                            row.key,
                            count(row.reached),
                            count(row.sustained)
                        );
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
