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

mod admin;
mod config;
mod demo;
mod ingest;
mod output;
mod report;
mod stats;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use config::Settings;

/// Beacon — fraud and cyber crime intelligence for a local partnership.
#[derive(Debug, Parser)]
#[command(name = "beacon", version, about, long_about = None)]
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
    /// Load data files (fraud and cyber crime reports) and inspect past runs.
    #[command(subcommand)]
    Ingest(ingest::IngestCommand),
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
        Command::Stats(args) => stats::run(args, &settings),
        Command::Report(command) => report::run(command, &settings),
        Command::Demo(args) => demo::run(args, &settings),
        Command::Admin(command) => admin::run(command, &settings),
    }
}
