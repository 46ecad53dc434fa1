//! `beacon assessment …`: the self-assessment question bank, an organisation's answers and
//! scores, and the area-wide summary of gaps per theme.

use super::config::{Settings, actor};
use super::exercise::{moment, refused};
use super::inventory::organisation_id;
use super::output::print_json;
use anyhow::Context;
use beacon_app::readiness::assessment;
use beacon_core::readiness::{Answer, Theme};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon assessment` subcommands.
#[derive(Debug, Subcommand)]
pub enum AssessmentCommand {
    /// Area-wide scores and gaps per theme (the five Cyber Essentials controls first),
    /// from each organisation's latest submission, by sector and district too.
    Summary(SummaryArgs),
    /// The questions, with the themes each counts towards.
    Questions(SummaryArgs),
    /// Submit an organisation's answers from a CSV file (`question,answer`; answers yes,
    /// partly, no, dont_know or not_applicable). Answers to questions the bank does not
    /// have are refused and nothing is stored.
    Submit(SubmitArgs),
    /// An organisation's latest score per theme, what to do next, and its history.
    Show(ShowArgs),
}

/// Arguments of `beacon assessment summary` and `questions`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon assessment submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// The answers file.
    pub file: PathBuf,
    /// When it was answered (RFC 3339); default now.
    #[arg(long)]
    pub at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon assessment show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an assessment subcommand.
pub fn run(command: AssessmentCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    refused(match command {
        AssessmentCommand::Summary(args) => summary(args, settings),
        AssessmentCommand::Questions(args) => questions(args),
        AssessmentCommand::Submit(args) => submit(args, settings),
        AssessmentCommand::Show(args) => show(args, settings),
    })
}

fn percent(value: Option<u32>) -> String {
    value.map_or("–".to_owned(), |p| format!("{p}%"))
}

fn summary(args: SummaryArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let picture = assessment::area(store.as_mut())?;
    if args.json {
        print_json(&picture)?;
        return Ok(ExitCode::SUCCESS);
    }
    let summary = &picture.summary;
    out!(
        "Self-assessment: {} organisation(s) assessed (latest submission each; question bank {}).",
        summary.organisations_assessed,
        picture.bank_version
    );
    let mut framework = "";
    for theme in &summary.themes {
        if theme.theme.framework() != framework {
            framework = theme.theme.framework();
            out!("{framework}:");
            out!(
                "  {:<40} {:>9} {:>7} {:>9}",
                "theme",
                "assessed",
                "score",
                "with gap"
            );
        }
        out!(
            "  {:<40} {:>9} {:>7} {:>9}",
            theme.theme.label(),
            theme.organisations,
            percent(theme.mean_percent),
            theme.organisations_with_gap
        );
    }
    for (heading, groups) in [
        ("By sector", &summary.by_sector),
        ("By district", &summary.by_district),
    ] {
        if groups.is_empty() {
            continue;
        }
        out!("{heading} (Cyber Essentials controls):");
        for group in groups {
            let controls: Vec<String> = group
                .themes
                .iter()
                .filter(|t| matches!(t.theme, Theme::CyberEssentials(_)))
                .map(|t| format!("{} {}", t.theme.label(), percent(t.mean_percent)))
                .collect();
            out!(
                "  {} ({}): {}",
                group.name,
                group.organisations,
                controls.join("; ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn questions(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    let bank = assessment::bank();
    if args.json {
        print_json(bank)?;
        return Ok(ExitCode::SUCCESS);
    }
    for question in &bank.questions {
        let themes: Vec<String> = question.themes().iter().map(ToString::to_string).collect();
        out!("{}: {}", question.id, question.text);
        out!("    {}", themes.join("; "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `question,answer` lines (a header line is allowed).
fn read_answers(text: &str) -> Result<Vec<(String, Answer)>, Vec<String>> {
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.is_empty()
            || (line_number == 1 && line.to_ascii_lowercase().starts_with("question,"))
        {
            continue;
        }
        let Some((question, answer)) = line.split_once(',') else {
            problems.push(format!("line {line_number}: expected question,answer"));
            continue;
        };
        match Answer::parse(answer.trim().trim_matches('"')) {
            Some(answer) => answers.push((question.trim().trim_matches('"').to_owned(), answer)),
            None => problems.push(format!(
                "line {line_number}: '{}' is not an answer: use yes, partly, no, dont_know or not_applicable",
                answer.trim()
            )),
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

fn submit(args: SubmitArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let source = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("while reading {source}"))?;
    let answers = match read_answers(&text) {
        Ok(answers) => answers,
        Err(problems) => {
            return Err(beacon_app::readiness::ReadinessError::Invalid(problems).into());
        }
    };
    let at = moment(args.at.as_deref())?;
    let mut store = settings.open_store()?;
    let organisation = organisation_id(store.as_mut(), &args.organisation)?;
    let submitted = assessment::submit(store.as_mut(), organisation, &answers, &actor(), at)?;
    if args.json {
        print_json(&submitted)?;
    } else {
        out!(
            "Assessment {} stored: {} answers, overall {}, {} gap(s).",
            submitted.id,
            submitted.score.answered,
            percent(submitted.score.overall),
            submitted.score.gaps.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn show(args: ShowArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisation = organisation_id(store.as_mut(), &args.organisation)?;
    let history = assessment::history(store.as_mut(), organisation)?;
    if args.json {
        print_json(&history)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some((latest, score)) = history.latest() else {
        out!("No self-assessment yet.");
        return Ok(ExitCode::SUCCESS);
    };
    out!(
        "{}: latest assessment {} ({}), overall {}.",
        latest.organisation,
        latest.id,
        latest.submitted_at.date(),
        percent(score.overall)
    );
    for theme in &score.themes {
        out!(
            "  {:<60} {:>5}",
            theme.theme.to_string(),
            percent(theme.percent)
        );
    }
    if !score.gaps.is_empty() {
        out!("What to do next:");
        for gap in &score.gaps {
            out!("  - {}", gap.next_step);
        }
    }
    if history.submissions.len() > 1 {
        out!("History:");
        for (record, score) in &history.submissions {
            out!(
                "  {} {}: overall {}",
                record.id,
                record.submitted_at.date(),
                percent(score.overall)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
