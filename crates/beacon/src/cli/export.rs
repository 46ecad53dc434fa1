//! `beacon export`: the register's events (or one organisation's) as a STIX 2.1 bundle,
//! a MISP feed folder or CSV, for partners — never above the TLP ceiling asked for.

use super::config::{Settings, actor};
use super::output::parse_cli_date;
use anyhow::Context;
use beacon_app::export::{self, ExportError, ExportQuery, ExportTarget};
use beacon_core::Tlp;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use time::Date;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A STIX 2.1 bundle (JSON), one indicator per address.
    Stix,
    /// A MISP feed folder (manifest.json, the event, hashes.csv).
    Misp,
    /// CSV with IntelMQ's column names.
    Csv,
}

/// Arguments of `beacon export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write: a file (STIX, CSV; `-` or absent for standard output) or a folder
    /// (MISP, required).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The most restricted TLP that may be exported (CLEAR, GREEN, AMBER, AMBER+STRICT,
    /// RED). Events above it are held back and counted.
    #[arg(long, default_value = "GREEN")]
    pub tlp: Tlp,
    /// First day seen (YYYY-MM-DD).
    #[arg(long, value_parser = parse_cli_date)]
    pub from: Option<Date>,
    /// Last day seen (inclusive).
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Option<Date>,
    /// Only this organisation's addresses (its name, any case).
    #[arg(long)]
    pub organisation: Option<String>,
}

/// Runs `beacon export`.
pub fn run(args: ExportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let query = ExportQuery {
        ceiling: args.tlp,
        from: args.from,
        to: args.to,
        organisation: args.organisation.clone(),
    };
    let selection = export::select(store.as_mut(), &query).map_err(|error| match error {
        ExportError::UnknownOrganisation(name) => {
            anyhow::anyhow!("there is no organisation called '{name}' (see beacon org list)")
        }
        error => error.into(),
    })?;
    let to_stdout = args.out.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let exported = match args.format {
        ExportFormat::Stix | ExportFormat::Csv => {
            let writer: Box<dyn std::io::Write> = if to_stdout {
                Box::new(std::io::stdout().lock())
            } else {
                let path = args.out.as_ref().context("an output path")?;
                Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("while creating {}", path.display()))?,
                ))
            };
            selection.write(if args.format == ExportFormat::Stix {
                ExportTarget::Stix(writer)
            } else {
                ExportTarget::Csv(writer)
            })?
        }
        ExportFormat::Misp => {
            let folder = args
                .out
                .as_ref()
                .filter(|_| !to_stdout)
                .context("a MISP feed is a folder: name it with --out FOLDER")?;
            std::fs::create_dir_all(folder)
                .with_context(|| format!("while creating {}", folder.display()))?;
            selection.write(ExportTarget::Misp(folder))?
        }
    };
    let destination = args
        .out
        .as_ref()
        .map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    export::record_export(store.as_mut(), &actor(), &destination, &exported)?;
    eprintln!(
        "Exported {} events; {} held back as above {}.",
        super::output::count(exported.exported as u64),
        super::output::count(exported.withheld as u64),
        args.tlp.as_str()
    );
    Ok(ExitCode::SUCCESS)
}
