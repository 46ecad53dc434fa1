//! `beacon admin …`: reference data and the audit log.

use super::config::Settings;
use super::output::{print_json, progress_bar};
use anyhow::Context;
use beacon_pipeline::reference::{load_districts, load_fraud_types, load_postcodes};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Load an ONS postcode directory (NSPL or ONSPD CSV) for placing reports in districts.
    LoadPostcodes(FileArgs),
    /// Replace the districts (columns as data/reference/llr_districts.csv).
    LoadDistricts(DistrictArgs),
    /// Add or update fraud types (columns as data/reference/fraud_types.csv).
    LoadFraudTypes(FileArgs),
    /// Show the audit log, newest first.
    Audit(AuditArgs),
}

/// A file to load.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon admin load-districts`.
#[derive(Debug, Args)]
pub struct DistrictArgs {
    /// The districts file.
    pub file: PathBuf,
    /// How board papers name the area these districts make up.
    #[arg(long)]
    pub area_name: String,
}

/// Arguments of `beacon admin audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// How many events.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an admin subcommand.
pub fn run(command: AdminCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    match command {
        AdminCommand::LoadPostcodes(args) => {
            let file = std::fs::File::open(&args.file)
                .with_context(|| format!("while opening {}", args.file.display()))?;
            let bar = progress_bar(0, args.json);
            bar.set_message("postcodes");
            let summary = load_postcodes(
                store.as_mut(),
                Box::new(std::io::BufReader::new(file)),
                &mut |rows| bar.set_position(rows),
            )
            .with_context(|| format!("while loading {}", args.file.display()))?;
            bar.finish_and_clear();
            if args.json {
                print_json(&summary)?;
            } else {
                out!(
                    "Read {} rows: {} postcodes stored, {} without a district skipped, {} rejected; {} sectors.",
                    summary.read,
                    summary.stored,
                    summary.skipped,
                    summary.rejected,
                    summary.sectors
                );
                for example in &summary.examples {
                    out!("  line {}: {}", example.line, example.reason);
                }
            }
        }
        AdminCommand::LoadDistricts(args) => {
            let text = std::fs::read_to_string(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let count = load_districts(store.as_mut(), &text, &args.area_name)?;
            out!("Loaded {count} districts for {}.", args.area_name);
        }
        AdminCommand::LoadFraudTypes(args) => {
            let text = std::fs::read_to_string(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let count = load_fraud_types(store.as_mut(), &text)?;
            if args.json {
                print_json(&serde_json::json!({ "fraud_types": count }))?;
            } else {
                out!("Loaded {count} fraud types.");
            }
        }
        AdminCommand::Audit(args) => {
            let events = store.audit_events(args.limit)?;
            if args.json {
                print_json(&events)?;
            } else {
                for event in events {
                    out!(
                        "{}  {:<16} {:<20} {:<20} {}",
                        event.at,
                        event.event.actor,
                        event.event.action,
                        event.event.subject,
                        event.event.detail
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
