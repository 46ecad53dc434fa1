//! `beacon advice …`: the protect advice library: load it (the shipped library by
//! default, or a directory of advice files), list and show items, and check files
//! (every rule and the reading level of each item, non-zero exit on any problem).

use super::config::{Settings, actor};
use super::output::{emit_text, print_json};
use anyhow::{Context, bail};
use beacon_app::advice::{check_item, load_advice, shipped_library};
use beacon_core::protect::{Audience, Threat};
use beacon_ingest::advice::{AdviceLibraryRead, read_advice_path};
use beacon_store::AdviceFilter;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;

/// `beacon advice` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdviceCommand {
    /// Load advice files into the database (the shipped library when no directory is
    /// given): a new version for each changed item; new items are published.
    Load(LoadArgs),
    /// The items in the database, latest versions, by title.
    List(ListArgs),
    /// One item (its latest version, or `--version N`).
    Show(ShowArgs),
    /// Check advice files (the shipped library when no directory is given): every rule
    /// and the reading level of each item. Exits non-zero on any problem.
    Check(CheckArgs),
}

/// Arguments of `beacon advice load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// A directory of advice files (`*.md`) or one file.
    pub dir: Option<PathBuf>,
    /// Keep new items off the public pages.
    #[arg(long)]
    pub unpublished: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advice list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only items about this threat (e.g. courier_fraud).
    #[arg(long)]
    pub threat: Option<String>,
    /// Only items for this audience (e.g. older_residents).
    #[arg(long)]
    pub audience: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advice show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The item's slug.
    pub slug: String,
    /// This version rather than the latest.
    #[arg(long)]
    pub version: Option<i64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon advice check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A directory of advice files (`*.md`) or one file.
    pub dir: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `beacon advice` subcommand.
pub fn run(command: AdviceCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        AdviceCommand::Load(args) => load(args, settings),
        AdviceCommand::List(args) => list(args, settings),
        AdviceCommand::Show(args) => show(args, settings),
        AdviceCommand::Check(args) => check(args),
    }
}

fn read(dir: Option<&PathBuf>) -> AdviceLibraryRead {
    match dir {
        Some(dir) => read_advice_path(dir),
        None => shipped_library(),
    }
}

fn load(args: LoadArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let read = read(args.dir.as_ref());
    let mut store = settings.open_store()?;
    let outcome = load_advice(
        store.as_mut(),
        &read,
        !args.unpublished,
        &actor(),
        OffsetDateTime::now_utc(),
    )
    .context("while loading the advice library")?;
    if args.json {
        print_json(&outcome)?;
    } else {
        let mut text = format!(
            "Advice: {} added, {} revised, {} unchanged, {} file{} refused\n",
            outcome.added.len(),
            outcome.revised.len(),
            outcome.unchanged,
            outcome.refused.len(),
            if outcome.refused.len() == 1 { "" } else { "s" }
        );
        for refusal in &outcome.refused {
            text.push_str(refusal);
            text.push('\n');
        }
        emit_text(&text);
    }
    Ok(if outcome.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn list(args: ListArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let threat = match args.threat.as_deref() {
        Some(name) => Some(Threat::from_slug(name).with_context(|| {
            format!(
                "'{name}' is not a threat; use one of {}",
                Threat::ALL.map(Threat::slug).join(", ")
            )
        })?),
        None => None,
    };
    let audience = match args.audience.as_deref() {
        Some(name) => Some(Audience::from_slug(name).with_context(|| {
            format!(
                "'{name}' is not an audience; use one of {}",
                Audience::ALL.map(Audience::slug).join(", ")
            )
        })?),
        None => None,
    };
    let mut store = settings.open_store()?;
    let items = store.advice_list(&AdviceFilter {
        threat,
        audience,
        published: None,
    })?;
    if args.json {
        print_json(&items)?;
    } else {
        let mut text = String::new();
        for stored in &items {
            text.push_str(&format!(
                "{:<40} v{:<3} {:<13} {}\n",
                stored.item.slug,
                stored.version,
                if stored.published {
                    "published"
                } else {
                    "not published"
                },
                stored.item.title
            ));
        }
        text.push_str(&format!(
            "{} item{}\n",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ));
        emit_text(&text);
    }
    Ok(ExitCode::SUCCESS)
}

fn show(args: ShowArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let stored = match args.version {
        Some(version) => store.advice_version(&args.slug, version)?,
        None => store.advice(&args.slug)?,
    };
    let Some(stored) = stored else {
        match args.version {
            Some(version) => bail!("there is no version {version} of advice {}", args.slug),
            None => bail!("there is no advice item {}", args.slug),
        }
    };
    if args.json {
        print_json(&stored)?;
        return Ok(ExitCode::SUCCESS);
    }
    let item = &stored.item;
    let mut text = format!(
        "{}\n{}\nVersion {} ({}), written {} by {}; last reviewed {}\n",
        item.title,
        item.summary,
        stored.version,
        if stored.published {
            "published"
        } else {
            "not published"
        },
        stored.updated_at.date(),
        stored.updated_by,
        item.reviewed_on
    );
    text.push_str(&format!(
        "Threats: {}\nAudiences: {}\n",
        item.threats
            .iter()
            .map(|t| t.slug())
            .collect::<Vec<_>>()
            .join(", "),
        item.audiences
            .iter()
            .map(|a| a.slug())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if !item.sectors.is_empty() {
        text.push_str(&format!(
            "Sectors: {}\n",
            item.sectors.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    text.push_str(&format!(
        "\nShort form ({} characters):\n{}\n\n",
        item.short_form.chars().count(),
        item.short_form
    ));
    text.push_str(&beacon_notify::markdown::to_text(&item.body_markdown));
    text.push_str("\nWhere to report:\n");
    for route in &item.report_to {
        text.push_str(&format!("- {}\n", route.instruction()));
    }
    if let Some(source) = &item.source {
        text.push_str(&format!(
            "\nAdapted from {} ({}), under the Open Government Licence v3.0 ({}).\n",
            source.title, source.url, source.licence
        ));
    }
    emit_text(&text);
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let read = read(args.dir.as_ref());
    let checks: Vec<_> = read.items.iter().map(check_item).collect();
    let refused: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    let failed = !refused.is_empty() || checks.iter().any(|check| !check.problems.is_empty());
    if args.json {
        print_json(&serde_json::json!({ "items": checks, "refused": refused }))?;
    } else {
        let mut text = String::new();
        for check in &checks {
            text.push_str(&format!(
                "{:<40} grade {:>4.1} (target {:.0}), ease {:>5.1}, short form {:>3} characters{}\n",
                check.slug,
                check.grade,
                check.grade_target,
                check.reading_ease,
                check.short_form_characters,
                if check.problems.is_empty() { "" } else { "  PROBLEMS" }
            ));
            for problem in &check.problems {
                text.push_str(&format!("    {problem}\n"));
            }
        }
        for refusal in &refused {
            text.push_str(refusal);
            text.push('\n');
        }
        text.push_str(&format!(
            "{} item{} read, {} file{} refused: {}\n",
            checks.len(),
            if checks.len() == 1 { "" } else { "s" },
            refused.len(),
            if refused.len() == 1 { "" } else { "s" },
            if failed { "problems found" } else { "all good" }
        ));
        emit_text(&text);
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
