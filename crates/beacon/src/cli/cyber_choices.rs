//! `beacon cyber-choices`: the cyber prevent programme's referrals: open one from its
//! anonymised summary, record its stages, list them with the contact measure, show one.

use super::config::{Settings, actor};
use super::output::{parse_cli_date, print_json, today};
use beacon_app::prevent::{
    Opening, PreventError, ReferralList, ReferralView, StepEntry, list, open_referral, record_step,
    shipped_calendar, show,
};
use beacon_core::prevent::ReferralDetails;
use clap::{Args, Subcommand};
use std::process::ExitCode;
use time::OffsetDateTime;

/// Cyber Choices commands.
#[derive(Debug, Subcommand)]
pub enum CyberChoicesCommand {
    /// Open a referral from its anonymised summary (no names are kept); prints its
    /// reference.
    Open(OpenArgs),
    /// Record a referral's next stage: suitability (--result suitable|not_suitable),
    /// full_referral, contact, meeting, diversion_plan or outcome (--result completed|
    /// disengaged|referred_elsewhere|escalated).
    Record(RecordArgs),
    /// Every referral with its stage and the contact-within-5-working-days measure.
    List(ListArgs),
    /// One referral with its stages and what may be recorded next.
    Show(ShowArgs),
}

/// A referral to open.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Who referred: school, college_or_university, parent_or_carer, police,
    /// youth_justice, social_care or other.
    #[arg(long)]
    referrer: String,
    /// The person's age: under_13, 13_15, 16_17, 18_24 or 25_plus.
    #[arg(long)]
    age_band: String,
    /// The district's ONS code.
    #[arg(long)]
    district: String,
    /// The concern: account_access, ddos, malware, game_cheats, data_theft or other.
    #[arg(long)]
    concern: String,
    /// The day the summary was received (default today).
    #[arg(long, value_parser = parse_cli_date)]
    summary_on: Option<time::Date>,
    /// A short note (500 characters at most).
    #[arg(long, default_value = "")]
    note: String,
}

/// A stage to record.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The referral's reference (CC00012).
    reference: String,
    /// The stage.
    #[arg(long)]
    stage: String,
    /// The day it happened (default today).
    #[arg(long, value_parser = parse_cli_date)]
    on: Option<time::Date>,
    /// The result, for the suitability check and the outcome.
    #[arg(long, default_value = "")]
    result: String,
    /// A short note (500 characters at most).
    #[arg(long, default_value = "")]
    note: String,
}

/// The list.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The day the measure is judged as of (default today).
    #[arg(long, value_parser = parse_cli_date)]
    as_of: Option<time::Date>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// One referral.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The referral's reference (CC00012).
    reference: String,
    /// The day the measure is judged as of (default today).
    #[arg(long, value_parser = parse_cli_date)]
    as_of: Option<time::Date>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs a Cyber Choices command.
pub fn run(command: CyberChoicesCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let store = store.as_mut();
    let now = OffsetDateTime::now_utc();
    let calendar = shipped_calendar();
    let refused = |error: PreventError| -> anyhow::Result<ExitCode> {
        match error {
            PreventError::Invalid(problems) => {
                for (_, problem) in problems {
                    eprintln!("error: {problem}");
                }
                eprintln!("Nothing was recorded.");
                Ok(ExitCode::from(2))
            }
            other => Err(other.into()),
        }
    };
    match command {
        CyberChoicesCommand::Open(args) => {
            let opening = Opening {
                details: ReferralDetails {
                    referrer: args.referrer,
                    age_band: args.age_band,
                    district: args.district,
                    concern: args.concern,
                },
                summary_on: Some(args.summary_on.unwrap_or_else(today)),
                note: args.note,
            };
            match open_referral(store, &actor(), &opening, today(), now) {
                Ok(reference) => out!("Opened Cyber Choices referral {reference}."),
                Err(error) => return refused(error),
            }
        }
        CyberChoicesCommand::Record(args) => {
            let entry = StepEntry {
                step: args.stage,
                on: Some(args.on.unwrap_or_else(today)),
                result: args.result,
                note: args.note,
            };
            match record_step(store, &actor(), &args.reference, &entry, today(), now) {
                Ok(()) => out!("Recorded on {}.", args.reference.to_ascii_uppercase()),
                Err(error) => return refused(error),
            }
        }
        CyberChoicesCommand::List(args) => {
            let listed = list(store, &actor(), &calendar, args.as_of.unwrap_or_else(today))?;
            if args.json {
                print_json(&listed)?;
            } else {
                print_list(&listed);
            }
        }
        CyberChoicesCommand::Show(args) => {
            let view = show(
                store,
                &actor(),
                &args.reference,
                &calendar,
                args.as_of.unwrap_or_else(today),
            )?;
            if args.json {
                print_json(&view)?;
            } else {
                print_view(&view);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn contact_words(measure: &Option<beacon_analytics::prevent::ContactMeasure>) -> String {
    match measure {
        None => String::new(),
        Some(measure) => format!(
            "  {} (due {}{})",
            measure.status.label(),
            measure.due,
            measure
                .working_days
                .map(|days| format!(", after {days} working days"))
                .unwrap_or_default()
        ),
    }
}

fn print_list(listed: &ReferralList) {
    if listed.entries.is_empty() {
        out!("No Cyber Choices referrals yet.");
        return;
    }
    let open: Vec<String> = listed
        .open_by_stage
        .iter()
        .filter(|count| count.open > 0)
        .map(|count| format!("{} {}", count.stage.to_lowercase(), count.open))
        .collect();
    out!(
        "{} referrals: {} open ({}), {} closed.",
        listed.entries.len(),
        listed.entries.len() as u64 - listed.closed,
        open.join(", "),
        listed.closed
    );
    if let Some(percent) = listed.contact.met_percent() {
        out!(
            "Contacted within 5 working days of the full referral: {} of {} ({percent}%).",
            listed.contact.met,
            listed.contact.full_referrals - listed.contact.pending
        );
    }
    for entry in &listed.entries {
        out!(
            "{}  {}  {}, {}, {}: {}{}{}",
            entry.reference,
            entry
                .summary_on
                .map(|day| day.to_string())
                .unwrap_or_default(),
            entry.concern,
            entry.age_band,
            entry.district,
            entry.stage,
            entry
                .outcome
                .as_ref()
                .map(|outcome| format!(" ({outcome})"))
                .unwrap_or_default(),
            contact_words(&entry.contact)
        );
    }
}

fn print_view(view: &ReferralView) {
    let summary = &view.summary;
    out!("Cyber Choices referral {}", summary.reference);
    out!(
        "  {}; {}; {}; referred by {}",
        summary.concern,
        summary.age_band,
        summary.district,
        summary.referrer
    );
    for step in &view.steps {
        let result = if step.result.is_empty() {
            String::new()
        } else {
            format!(": {}", step.result)
        };
        out!(
            "  {}  {}{}  (recorded by {})",
            step.on,
            step.stage,
            result,
            step.by
        );
        if !step.note.is_empty() {
            out!("      {}", step.note);
        }
    }
    let contact = contact_words(&summary.contact);
    if !contact.is_empty() {
        out!("  Contact:{contact}");
    }
    if view.next.is_empty() {
        out!("  Closed: nothing more can be recorded.");
    } else {
        let next: Vec<&str> = view.next.iter().map(|step| step.key).collect();
        out!("  Next: {}", next.join(", "));
    }
}
