//! `beacon exercise …`: the scenario library (list, import, export), running an exercise
//! (table-top or live play), recording responses and observations, and the debrief.

use super::config::{Settings, actor};
use super::inventory::organisation_id;
use super::output::print_json;
use anyhow::Context;
use beacon_app::readiness::exercises::{self, ResponseInput, StartRun};
use beacon_app::readiness::{ReadinessError, library};
use beacon_core::readiness::{ExerciseMode, Observation, ResponseKind};
use beacon_store::readiness::ScenarioPut;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `beacon exercise` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExerciseCommand {
    /// The scenario library and the exercises run (the shipped scenarios are loaded the
    /// first time).
    List(JsonArgs),
    /// Import exercise files (JSON, format beacon-exercise/1): each is checked whole and
    /// stored only if it has no problems.
    Import(ImportArgs),
    /// Write a scenario of the library as an exercise file.
    Export(ExportArgs),
    /// Start an exercise for chosen partners: table-top, or live play with every inject
    /// queued in the outbox for its time (`beacon notify run` sends what is due).
    Run(RunArgs),
    /// Table-top: open the next phase (or finish after the last).
    Advance(RunIdArgs),
    /// Finish an exercise.
    Finish(RunIdArgs),
    /// Record what a playing organisation said or did, and when.
    Respond(RespondArgs),
    /// Record what the facilitator saw of a good-practice point.
    Observe(ObserveArgs),
    /// The debrief: timings, what went well, gaps with advice, progress over earlier runs.
    Debrief(DebriefArgs),
}

/// Arguments with only `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon exercise import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Exercise files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon exercise export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The scenario's id.
    pub scenario: String,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `beacon exercise run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario's id.
    pub scenario: String,
    /// A playing organisation (name or register id); repeat for each.
    #[arg(long = "organisation", alias = "org", required = true)]
    pub organisations: Vec<String>,
    /// table-top or live-play.
    #[arg(long, default_value = "table-top")]
    pub mode: String,
    /// When it starts (RFC 3339, e.g. 2026-12-07T10:00:00Z); default now.
    #[arg(long)]
    pub start: Option<String>,
    /// A title of its own.
    #[arg(long)]
    pub title: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments naming one exercise run.
#[derive(Debug, Args)]
pub struct RunIdArgs {
    /// The exercise's number.
    pub run: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon exercise respond`.
#[derive(Debug, Args)]
pub struct RespondArgs {
    /// The exercise's number.
    pub run: i64,
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// The phase's id.
    #[arg(long)]
    pub phase: String,
    /// The inject answered, if one.
    #[arg(long)]
    pub inject: Option<String>,
    /// response, escalation or decision.
    #[arg(long, default_value = "response")]
    pub kind: String,
    /// What they said or did.
    #[arg(long)]
    pub text: String,
    /// When (RFC 3339); default now.
    #[arg(long)]
    pub at: Option<String>,
}

/// Arguments of `beacon exercise observe`.
#[derive(Debug, Args)]
pub struct ObserveArgs {
    /// The exercise's number.
    pub run: i64,
    /// The organisation (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: String,
    /// The good-practice point's id.
    #[arg(long)]
    pub point: String,
    /// met, partly or not-met.
    #[arg(long)]
    pub observation: String,
    /// A note.
    #[arg(long, default_value = "")]
    pub note: String,
}

/// Arguments of `beacon exercise debrief`.
#[derive(Debug, Args)]
pub struct DebriefArgs {
    /// The exercise's number.
    pub run: i64,
    /// Only this organisation's part (name or register id).
    #[arg(long = "organisation", alias = "org")]
    pub organisation: Option<String>,
    /// text, json, html or markdown.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs an exercise subcommand.
pub fn run(command: ExerciseCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let outcome = match command {
        ExerciseCommand::List(args) => list(args, settings),
        ExerciseCommand::Import(args) => import(args, settings),
        ExerciseCommand::Export(args) => export(args, settings),
        ExerciseCommand::Run(args) => start(args, settings),
        ExerciseCommand::Advance(args) => advance(args, settings, false),
        ExerciseCommand::Finish(args) => advance(args, settings, true),
        ExerciseCommand::Respond(args) => respond(args, settings),
        ExerciseCommand::Observe(args) => observe(args, settings),
        ExerciseCommand::Debrief(args) => debrief(args, settings),
    };
    refused(outcome)
}

/// Prints a refusal's problems and returns the failure code, or passes other errors on.
pub fn refused(outcome: anyhow::Result<ExitCode>) -> anyhow::Result<ExitCode> {
    match outcome {
        Err(error) => match error.downcast::<ReadinessError>() {
            Ok(ReadinessError::Invalid(problems)) => {
                eprintln!("{} problem(s); nothing was stored.", problems.len());
                for problem in problems {
                    eprintln!("  {problem}");
                }
                Ok(ExitCode::FAILURE)
            }
            Ok(ReadinessError::NotFound(what)) => {
                eprintln!("{what}");
                Ok(ExitCode::FAILURE)
            }
            Ok(other) => Err(other.into()),
            Err(other) => Err(other),
        },
        ok => ok,
    }
}

/// Reads an RFC 3339 moment, or now.
pub fn moment(text: Option<&str>) -> anyhow::Result<OffsetDateTime> {
    match text {
        None => Ok(OffsetDateTime::now_utc()),
        Some(text) => OffsetDateTime::parse(text.trim(), &Rfc3339).with_context(|| {
            format!("'{text}' is not a date and time: use RFC 3339, e.g. 2026-12-07T10:00:00Z")
        }),
    }
}

fn list(args: JsonArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let scenarios = library::scenarios(store.as_mut(), &actor(), OffsetDateTime::now_utc())?;
    let runs = exercises::runs(store.as_mut(), None)?;
    if args.json {
        let scenarios: Vec<_> = scenarios
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "title": s.title, "revision": s.revision,
                    "phases": s.scenario.phases.len(),
                    "injects": s.scenario.timeline().len(),
                    "duration_minutes": s.scenario.duration_minutes,
                })
            })
            .collect();
        let runs: Vec<_> = runs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "scenario": r.scenario_id, "title": r.title,
                    "mode": r.mode.as_str(), "state": r.state.as_str(),
                    "starts_at": r.starts_at.format(&Rfc3339).unwrap_or_default(),
                    "players": r.players.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&serde_json::json!({ "scenarios": scenarios, "runs": runs }))?;
        return Ok(ExitCode::SUCCESS);
    }
    out!("Scenarios ({}):", scenarios.len());
    for s in &scenarios {
        out!(
            "  {:<24} {} ({} phases, {} injects, {} minutes)",
            s.id,
            s.title,
            s.scenario.phases.len(),
            s.scenario.timeline().len(),
            s.scenario.duration_minutes
        );
    }
    out!("Exercises ({}):", runs.len());
    for r in &runs {
        out!(
            "  {:>4}  {}  {}  {}  {}  {} player(s)",
            r.id,
            r.starts_at.format(&Rfc3339).unwrap_or_default(),
            r.mode.label(),
            r.state.as_str(),
            r.title,
            r.players.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn import(args: ImportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let mut failed = false;
    let mut results = Vec::new();
    for file in &args.files {
        let source = file.display().to_string();
        let bytes = std::fs::read(file).with_context(|| format!("while reading {source}"))?;
        match library::import(store.as_mut(), &bytes, &actor(), OffsetDateTime::now_utc()) {
            Ok((scenario, put)) => {
                let what = match put {
                    ScenarioPut::Added => "added",
                    ScenarioPut::Updated => "updated",
                    ScenarioPut::Unchanged => "unchanged",
                };
                if !args.json {
                    out!("{source}: {} ({}) {what}", scenario.id, scenario.title);
                }
                results
                    .push(serde_json::json!({"file": source, "id": scenario.id, "result": what}));
            }
            Err(ReadinessError::Invalid(problems)) => {
                failed = true;
                eprintln!(
                    "{source}: {} problem(s); nothing was imported.",
                    problems.len()
                );
                for problem in &problems {
                    eprintln!("  {problem}");
                }
                results.push(serde_json::json!({"file": source, "problems": problems}));
            }
            Err(other) => return Err(other.into()),
        }
    }
    if args.json {
        print_json(&serde_json::json!({ "files": results }))?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn export(args: ExportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    library::scenarios(store.as_mut(), &actor(), OffsetDateTime::now_utc())?;
    let text = library::export(store.as_mut(), &args.scenario)?;
    write_out(args.out.as_ref(), &text)
}

fn write_out(out: Option<&PathBuf>, text: &str) -> anyhow::Result<ExitCode> {
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("while writing {}", path.display()))?,
        None => super::output::emit_text(text),
    }
    Ok(ExitCode::SUCCESS)
}

fn start(args: RunArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mode = ExerciseMode::parse(&args.mode)
        .with_context(|| format!("'{}' is not a mode: use table-top or live-play", args.mode))?;
    let starts_at = moment(args.start.as_deref())?;
    let mut store = settings.open_store()?;
    library::scenarios(store.as_mut(), &actor(), OffsetDateTime::now_utc())?;
    let organisation_ids = args
        .organisations
        .iter()
        .map(|named| organisation_id(store.as_mut(), named))
        .collect::<anyhow::Result<Vec<i64>>>()?;
    let started = exercises::start(
        store.as_mut(),
        &StartRun {
            scenario_id: args.scenario.clone(),
            mode,
            starts_at,
            organisation_ids,
            facilitator: actor(),
            title: args.title.clone(),
        },
        &settings.notify,
        OffsetDateTime::now_utc(),
    )?;
    if args.json {
        print_json(&started)?;
    } else {
        out!(
            "Exercise {}{}: {} ({}), {} inject message(s) queued.",
            started.id,
            if started.created {
                ""
            } else {
                " (already started)"
            },
            args.scenario,
            mode.label(),
            started.injects_queued
        );
        for name in &started.unreachable {
            out!(
                "  {name} has no contacts to send injects to: add them with `beacon inventory contacts`."
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn advance(args: RunIdArgs, settings: &Settings, finish: bool) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let now = OffsetDateTime::now_utc();
    let run = if finish {
        exercises::finish(store.as_mut(), args.run, now)?
    } else {
        exercises::advance(store.as_mut(), args.run, now)?
    };
    if args.json {
        print_json(&run)?;
    } else {
        let phase = run
            .current_phase
            .as_deref()
            .and_then(|id| run.scenario.phase(id))
            .map_or("no phase open".to_owned(), |p| p.title.clone());
        out!("Exercise {}: {} ({}).", run.id, run.state.as_str(), phase);
    }
    Ok(ExitCode::SUCCESS)
}

fn respond(args: RespondArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let kind = ResponseKind::parse(&args.kind).with_context(|| {
        format!(
            "'{}' is not a kind: use response, escalation or decision",
            args.kind
        )
    })?;
    let at = moment(args.at.as_deref())?;
    let mut store = settings.open_store()?;
    let organisation_id = organisation_id(store.as_mut(), &args.organisation)?;
    let id = exercises::respond(
        store.as_mut(),
        args.run,
        &ResponseInput {
            organisation_id,
            phase_id: args.phase.clone(),
            inject_id: args.inject.clone(),
            kind,
            text: args.text.clone(),
            at,
        },
        &actor(),
    )?;
    out!("Response {id} recorded.");
    Ok(ExitCode::SUCCESS)
}

fn observe(args: ObserveArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let observation = Observation::parse(&args.observation).with_context(|| {
        format!(
            "'{}' is not an observation: use met, partly or not-met",
            args.observation
        )
    })?;
    let mut store = settings.open_store()?;
    let organisation_id = organisation_id(store.as_mut(), &args.organisation)?;
    exercises::observe(
        store.as_mut(),
        &exercises::ObservationInput {
            run_id: args.run,
            organisation_id,
            point_id: args.point.clone(),
            observation,
            note: args.note.clone(),
        },
        &actor(),
        OffsetDateTime::now_utc(),
    )?;
    out!("Observation recorded.");
    Ok(ExitCode::SUCCESS)
}

fn debrief(args: DebriefArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisation = args
        .organisation
        .as_deref()
        .map(|named| organisation_id(store.as_mut(), named))
        .transpose()?;
    let report = exercises::debrief_report(store.as_mut(), args.run, organisation)?;
    let text = match args.format.as_str() {
        "json" => format!("{}\n", serde_json::to_string_pretty(&report)?),
        "html" => beacon_app::readiness::debrief::html(&report),
        "markdown" | "md" => beacon_app::readiness::debrief::markdown(&report),
        "text" => beacon_app::readiness::debrief::markdown(&report),
        other => anyhow::bail!("'{other}' is not a format: use text, json, html or markdown"),
    };
    write_out(args.out.as_ref(), &text)
}
