//! Command-line interface: argument definitions and dispatch.

/// Prints a line to standard output; a closed pipe (`beacon … | head`) ends quietly.
macro_rules! out {
    () => {
        $crate::cli::output::emit_text("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::emit_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod addresses;
mod admin;
mod advice;
mod advisories;
mod assessment;
mod campaigns;
mod care;
mod config;
mod contacts;
mod cyber_choices;
mod demo;
mod engagement;
mod evaluation;
mod exercise;
mod export;
mod feed;
mod front_door;
mod ingest;
mod inventory;
mod learning;
mod notify;
mod org;
mod output;
mod report;
mod serve;
mod stats;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use config::Settings;

/// Beacon — fraud and cyber crime intelligence for a local partnership: load reports and
/// threat feeds, see the figures, tell the owners of affected networks, and serve the web
/// application.
#[derive(Debug, Parser)]
#[command(name = "beacon", version, long_about = None)]
pub struct Cli {
    /// Database: a file path or sqlite: URL (embedded SQLite), or a postgres:// URL.
    /// Defaults to the config file's `database`, then ./beacon.db.
    #[arg(long, global = true, env = "BEACON_DATABASE")]
    pub database: Option<String>,

    /// Configuration file (TOML). Defaults to ./beacon.toml when it exists.
    #[arg(long, global = true, env = "BEACON_CONFIG")]
    pub config: Option<std::path::PathBuf>,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load data files (fraud and cyber crime reports, threat feeds) and inspect past runs.
    #[command(subcommand)]
    Ingest(ingest::IngestCommand),
    /// Distinct addresses the threat feeds saw, by district, type, organisation, feed or month.
    Addresses(addresses::AddressesArgs),
    /// Partner organisations and the networks, ASNs and domains they own.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// What partners run (assets and products) and who hears about advisories.
    #[command(subcommand)]
    Inventory(inventory::InventoryCommand),
    /// Security advisories: validate CSAF, list, matches to partners' assets, time to
    /// fix, reminders and escalations.
    #[command(subcommand)]
    Advisories(advisories::AdvisoriesCommand),
    /// Readiness exercises: the scenario library, running one (table-top or live play
    /// with timed injects), responses, observations and the debrief.
    #[command(subcommand)]
    Exercise(exercise::ExerciseCommand),
    /// Self-assessment: questions, submissions, scores and the area-wide gaps per theme.
    #[command(subcommand)]
    Assessment(assessment::AssessmentCommand),
    /// Staff education: modules, invitation links, completion per organisation.
    #[command(subcommand)]
    Learning(learning::LearningCommand),
    /// Consented phishing-awareness simulations: consent, launch, reports, rates.
    #[command(subcommand)]
    Phishing(learning::PhishingCommand),
    /// Protect campaigns' evaluation: participants (or clusters) per arm before a
    /// campaign, and its arms compared afterwards, with intervals and p-values. Reads
    /// no database.
    #[command(subcommand)]
    Evaluation(evaluation::EvaluationCommand),
    /// Victim care: the Fraud Vulnerability Officer's triage queue, each case with its
    /// score, level and reasons.
    #[command(subcommand)]
    Care(care::CareCommand),
    /// Cyber Choices, the cyber prevent programme: referrals (no names) through their
    /// stages, with the contact-within-5-working-days measure.
    #[command(subcommand)]
    CyberChoices(cyber_choices::CyberChoicesCommand),
    /// Business engagement: the businesses the partnership reached, how and how often,
    /// and the sustained reach by district and sector.
    #[command(subcommand)]
    Engagement(engagement::EngagementCommand),
    /// The public front door's consented local reports: list them, or count them by
    /// district and sector (a source of its own, never added to Action Fraud's).
    #[command(subcommand)]
    FrontDoor(front_door::FrontDoorCommand),
    /// Protect campaigns: which audience and threat the reports say to address next.
    #[command(subcommand)]
    Campaigns(campaigns::CampaignsCommand),
    /// Protect campaigns' contacts: import, the coarse list, subject access export,
    /// erasure, retention purge and suppression.
    #[command(subcommand)]
    Contacts(contacts::ContactsCommand),
    /// Segments of the contacts: how many a rule picks and can be reached.
    #[command(subcommand)]
    Segments(contacts::SegmentsCommand),
    /// The protect advice library: load (the shipped library by default), list, show,
    /// and check files for every rule and their reading level.
    #[command(subcommand)]
    Advice(advice::AdviceCommand),
    /// Owners' digests of their addresses: queue and send, status, acknowledgements.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// Export the register as STIX 2.1, a MISP feed or CSV, within a TLP ceiling.
    Export(export::ExportArgs),
    /// Run the web application: dashboard, districts, report explorer, uploads, board
    /// update, register, users, audit log, JSON API and digest acknowledgement links.
    Serve(serve::ServeArgs),
    /// Figures for a period: counts, losses, rates, breakdowns.
    Stats(stats::StatsArgs),
    /// Reports written from the data (the board update).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Synthetic demo data: generate a file, or build a demo database.
    Demo(demo::DemoArgs),
    /// Reference data and administration.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(cli.database.clone(), cli.config.as_deref())?;
    match cli.command {
        Command::Ingest(command) => ingest::run(command, &settings),
        Command::Addresses(args) => addresses::run(args, &settings),
        Command::Org(command) => org::run(command, &settings),
        Command::Inventory(command) => inventory::run(command, &settings),
        Command::Advisories(command) => advisories::run(command, &settings),
        Command::Exercise(command) => exercise::run(command, &settings),
        Command::Assessment(command) => assessment::run(command, &settings),
        Command::Learning(command) => learning::run_learning(command, &settings),
        Command::Phishing(command) => learning::run_phishing(command, &settings),
        Command::Evaluation(command) => evaluation::run(command),
        Command::Campaigns(command) => campaigns::run(command, &settings),
        Command::Care(command) => care::run(command, &settings),
        Command::CyberChoices(command) => cyber_choices::run(command, &settings),
        Command::Engagement(command) => engagement::run(command, &settings),
        Command::FrontDoor(command) => front_door::run(command, &settings),
        Command::Contacts(command) => contacts::run(command, &settings),
        Command::Segments(command) => contacts::run_segments(command, &settings),
        Command::Advice(command) => advice::run(command, &settings),
        Command::Notify(command) => notify::run(command, &settings),
        Command::Export(args) => export::run(args, &settings),
        Command::Serve(args) => serve::run(args, &settings),
        Command::Stats(args) => stats::run(args, &settings),
        Command::Report(command) => report::run(command, &settings),
        Command::Demo(args) => demo::run(args, &settings),
        Command::Admin(command) => admin::run(command, &settings),
    }
}
