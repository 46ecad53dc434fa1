//! `beacon learning …` and `beacon phishing …`: staff modules (invitation links,
//! completion per organisation) and consented phishing-awareness simulations (consent
//! lists, launching, reported emails, click and report rates).

use super::config::{Settings, actor};
use super::exercise::{moment, refused};
use super::inventory::organisation_id;
use super::output::print_json;
use anyhow::Context;
use beacon_app::readiness::{learning, phishing};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;

/// `beacon learning` subcommands.
#[derive(Debug, Subcommand)]
pub enum LearningCommand {
    /// The modules, with their quizzes' sizes and pass marks.
    Modules(JsonArgs),
    /// Make an invitation link for an organisation's staff (shown once).
    Invite(InviteArgs),
    /// Completion and scores per organisation.
    Progress(OrganisationArgs),
}

/// `beacon phishing` subcommands.
#[derive(Debug, Subcommand)]
pub enum PhishingCommand {
    /// Import the staff who opted in (CSV: organisation,email,consented_at,evidence),
    /// whole or not at all.
    Consent(FileArgs),
    /// Queue a simulation to an organisation's consenting staff.
    Launch(LaunchArgs),
    /// Read emails reported to the report-phishing mailbox (.eml files or folders of
    /// them) and record the simulations reported.
    Reports(ReportsArgs),
    /// Click and report rates per organisation and month (link scanners filtered out).
    Results(OrganisationArgs),
}

/// Arguments with only `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon learning invite`.
#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// Days the link works.
    #[arg(long, default_value_t = learning::INVITATION_DAYS)]
    pub days: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments with an optional organisation.
#[derive(Debug, Args)]
pub struct OrganisationArgs {
    /// Only this organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments naming one file.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon phishing launch`.
#[derive(Debug, Args)]
pub struct LaunchArgs {
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// The simulation template's id.
    #[arg(long)]
    pub template: String,
    /// When to send (RFC 3339); default now.
    #[arg(long)]
    pub at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon phishing reports`.
#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// .eml files, or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a learning subcommand.
pub fn run_learning(command: LearningCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    refused(match command {
        LearningCommand::Modules(args) => modules(args),
        LearningCommand::Invite(args) => invite(args, settings),
        LearningCommand::Progress(args) => progress(args, settings),
    })
}

/// Runs a phishing subcommand.
pub fn run_phishing(command: PhishingCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    refused(match command {
        PhishingCommand::Consent(args) => consent(args, settings),
        PhishingCommand::Launch(args) => launch(args, settings),
        PhishingCommand::Reports(args) => reports(args, settings),
        PhishingCommand::Results(args) => results(args, settings),
    })
}

fn modules(args: JsonArgs) -> anyhow::Result<ExitCode> {
    let modules = learning::modules();
    if args.json {
        print_json(&modules)?;
        return Ok(ExitCode::SUCCESS);
    }
    for module in modules {
        out!(
            "{:<20} {} ({} minutes, {} questions, pass mark {}%)",
            module.id,
            module.title,
            module.minutes,
            module.quiz.len(),
            module.pass_mark_percent
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn invite(args: InviteArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisation = organisation_id(store.as_mut(), &args.organisation)?;
    let link = learning::invite(
        store.as_mut(),
        organisation,
        &actor(),
        OffsetDateTime::now_utc(),
        args.days,
    )?;
    let url = match &settings.notify.base_url {
        Some(base) => format!("{}{}", base.trim_end_matches('/'), link.path),
        None => link.path.clone(),
    };
    if args.json {
        print_json(
            &serde_json::json!({"id": link.id, "url": url, "expires_at": link.expires_at.date().to_string()}),
        )?;
    } else {
        out!(
            "Invitation {} (works until {}): {url}",
            link.id,
            link.expires_at.date()
        );
        out!("The link is shown only now; Beacon keeps only its hash.");
    }
    Ok(ExitCode::SUCCESS)
}

fn named(
    settings: &Settings,
    organisation: Option<&str>,
) -> anyhow::Result<(Box<dyn beacon_store::Store>, Option<i64>)> {
    let mut store = settings.open_store()?;
    let id = organisation
        .map(|named| organisation_id(store.as_mut(), named))
        .transpose()?;
    Ok((store, id))
}

fn progress(args: OrganisationArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (mut store, organisation) = named(settings, args.organisation.as_deref())?;
    let progress = learning::progress(store.as_mut(), organisation)?;
    if args.json {
        print_json(&progress)?;
        return Ok(ExitCode::SUCCESS);
    }
    let names: std::collections::BTreeMap<i64, String> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o.organisation.name))
        .collect();
    for row in &progress.organisations {
        out!(
            "{}: {} learner(s), {} of {} module completions ({}), mean best score {}",
            names.get(&row.organisation_id).map_or("?", String::as_str),
            row.learners,
            row.modules_completed,
            row.possible,
            row.completion_percent
                .map_or("–".to_owned(), |p| format!("{p}%")),
            row.mean_best_score
                .map_or("–".to_owned(), |p| format!("{p}%"))
        );
    }
    let area = &progress.area;
    out!(
        "Area: {} learner(s) in {} organisation(s), {} of {} module completions ({})",
        area.learners,
        area.organisations,
        area.modules_completed,
        area.possible,
        area.completion_percent
            .map_or("–".to_owned(), |p| format!("{p}%"))
    );
    Ok(ExitCode::SUCCESS)
}

fn consent(args: FileArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let source = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("while reading {source}"))?;
    let mut store = settings.open_store()?;
    let imported = phishing::import_consent(store.as_mut(), &bytes)?;
    if args.json {
        print_json(&imported)?;
    } else {
        out!(
            "{source}: {} read, {} new, {} refreshed.",
            imported.read,
            imported.added,
            imported.refreshed
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn launch(args: LaunchArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let send_at = moment(args.at.as_deref())?;
    let mut store = settings.open_store()?;
    let organisation = organisation_id(store.as_mut(), &args.organisation)?;
    let launched = phishing::launch(
        store.as_mut(),
        organisation,
        &args.template,
        send_at,
        &actor(),
        OffsetDateTime::now_utc(),
        &settings.notify,
    )?;
    if args.json {
        print_json(&launched)?;
    } else {
        out!(
            "Simulation {}{}: {} email(s) queued for {send_at}.",
            launched.id,
            if launched.created {
                ""
            } else {
                " (already launched)"
            },
            launched.queued
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn reports(args: ReportsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("while reading {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("eml")))
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    let emails = files
        .iter()
        .map(|file| {
            std::fs::read(file).with_context(|| format!("while reading {}", file.display()))
        })
        .collect::<anyhow::Result<Vec<Vec<u8>>>>()?;
    let mut store = settings.open_store()?;
    let read = phishing::record_reports(store.as_mut(), &emails, OffsetDateTime::now_utc())?;
    if args.json {
        print_json(&read)?;
    } else {
        out!(
            "{} email(s) read: {} simulation report(s) recorded; {} not a simulation (pass those to the security team).",
            read.emails,
            read.recorded,
            read.not_simulations
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn results(args: OrganisationArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (mut store, organisation) = named(settings, args.organisation.as_deref())?;
    let rates = phishing::results(store.as_mut(), organisation)?;
    if args.json {
        print_json(&rates)?;
        return Ok(ExitCode::SUCCESS);
    }
    let names: std::collections::BTreeMap<i64, String> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o.organisation.name))
        .collect();
    for row in &rates {
        out!(
            "{} {}: {} sent, {} clicked ({}), {} reported ({})",
            names.get(&row.organisation_id).map_or("?", String::as_str),
            format_args!("{} {}", row.month.month(), row.month.year()),
            row.sent,
            row.clicked,
            row.click_percent
                .map_or("–".to_owned(), |p| format!("{p}%")),
            row.reported,
            row.report_percent
                .map_or("–".to_owned(), |p| format!("{p}%"))
        );
    }
    Ok(ExitCode::SUCCESS)
}
