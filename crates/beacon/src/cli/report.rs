//! `beacon report board`: the board update for a period.

use super::config::Settings;
use super::output::parse_cli_date;
use anyhow::Context;
use beacon_app::board::{BoardError, board_figures};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use time::Date;

/// `beacon report` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The board update for a period, from the reports and the threat-address register.
    Board(BoardArgs),
}

/// Output formats of the board update.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BoardFormat {
    /// Markdown, ready to paste.
    Md,
    /// A standalone HTML page with SVG charts and tables.
    Html,
}

/// Arguments of `beacon report board`.
#[derive(Debug, Args)]
pub struct BoardArgs {
    /// First day of the period.
    #[arg(long, value_parser = parse_cli_date)]
    pub from: Date,
    /// Last day of the period.
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Date,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: BoardFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs a report subcommand.
pub fn run(command: ReportCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let ReportCommand::Board(args) = command;
    let mut store = settings.open_store()?;
    let rules = settings.rules(None)?;
    let period =
        beacon_core::Period::new(args.from, args.to).context("--from must not be after --to")?;
    let figures = board_figures(store.as_mut(), period, &rules).map_err(|error| match error {
        BoardError::Summary(error) => anyhow::Error::new(error),
        BoardError::Register(error) => {
            anyhow::Error::new(error).context("while counting the register's addresses")
        }
        BoardError::Advisories(error) => {
            anyhow::Error::new(error).context("while reading the partner advisories' notices")
        }
        BoardError::Readiness(error) => {
            anyhow::Error::new(error).context("while reading the readiness figures")
        }
        BoardError::Protect(error) => {
            anyhow::Error::new(error).context("while reading the protect campaigns")
        }
        BoardError::Care(error) => anyhow::Error::new(error)
            .context("while reading the victim-care cases and Cyber Choices referrals"),
        BoardError::Business(error) => anyhow::Error::new(error)
            .context("while reading the business engagement and front-door reports"),
    })?;
    let text = match args.format {
        BoardFormat::Md => beacon_report::markdown_with(&figures.summary, &figures.extras()),
        BoardFormat::Html => beacon_report::html_with(
            &figures.summary,
            &figures.extras(),
            Some(beacon_app::defaults::SHIPPED_BOUNDARIES),
        ),
    };
    match args.out {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| format!("while writing {}", path.display()))?,
        None => super::output::emit_text(&text),
    }
    Ok(ExitCode::SUCCESS)
}
