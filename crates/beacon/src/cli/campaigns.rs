//! `beacon campaigns …`: protect campaigns from the command line. For now, which
//! campaign the reports say to run next.

use super::config::Settings;
use super::output::{parse_cli_date, print_json, today};
use beacon_analytics::protect::Targets;
use clap::{Args, Subcommand};
use std::process::ExitCode;
use time::Date;

/// `beacon campaigns` subcommands.
#[derive(Debug, Subcommand)]
pub enum CampaignsCommand {
    /// Rank audience and threat pairs from the stored reports (rate per 100,000, losses,
    /// the last quarter against the one before, repeat victims), each with its reasons
    /// and a proposed campaign.
    Targets(TargetsArgs),
}

/// Arguments of `beacon campaigns targets`.
#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Calendar months counted, ending with the month of --to.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: u32,
    /// The last day counted (YYYY-MM-DD or DD/MM/YYYY). Default: the last stored report.
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Option<Date>,
    /// How many ranked pairs to print (all with --json).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs a campaigns subcommand.
pub fn run(command: CampaignsCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        CampaignsCommand::Targets(args) => targets(args, settings),
    }
}

fn targets(args: TargetsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let targets =
        beacon_app::campaigns::targeting::targets(store.as_mut(), args.months, args.to, today())?;
    if args.json {
        print_json(&targets)?;
    } else {
        print_targets(&targets, args.top);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_targets(targets: &Targets, top: usize) {
    out!(
        "campaign targets from {} to {} ({} months)",
        targets.window.from,
        targets.window.to,
        targets.months
    );
    if targets.ranked.is_empty() {
        out!("no reports of a threat Beacon has advice for, against an audience it campaigns to");
    }
    for target in targets.ranked.iter().take(top) {
        out!();
        out!(
            "{}. {} — {} (score {:.2})",
            target.rank,
            target.audience.label(),
            target.threat.label(),
            target.score
        );
        for reason in &target.reasons {
            out!("   - {reason}");
        }
        out!("   proposal: {}", target.proposal.summary);
        out!("   channel: {}", target.proposal.channel_reason);
    }
    if targets.ranked.len() > top {
        out!();
        out!(
            "{} more pairs (--top {} or --json for all)",
            targets.ranked.len() - top,
            targets.ranked.len()
        );
    }
    if targets.unranked_reports > 0 {
        out!();
        out!(
            "{} reports in the window have no campaign audience or threat and are not ranked",
            targets.unranked_reports
        );
    }
}
