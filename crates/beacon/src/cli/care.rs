//! `beacon care`: the Fraud Vulnerability Officer's triage queue, scored from the stored
//! reports by the weights file, each case with its score, level and reasons.

use super::config::{Settings, actor};
use super::output::{parse_cli_date, print_json, today};
use beacon_analytics::care::SlaStatus;
use beacon_app::care::{QUEUE_DAYS, QueueView, redact_closed, triage};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;

/// Victim care commands.
#[derive(Debug, Subcommand)]
pub enum CareCommand {
    /// Score the recent reports of people into the triage queue (run it after loading
    /// reports, or from a timer); replaces the queue whole. Cases closed longer ago than
    /// `care_redact_after_days` (365) are redacted first.
    Triage(TriageArgs),
    /// The triage queue, scored afresh: each case with its score, level, when first
    /// contact is due and every reason. Every read is audited.
    Queue(QueueArgs),
}

/// Which reports and weights a triage uses.
#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The weights file (default: the `care_weights` setting, else the shipped
    /// data/care/triage.toml).
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Days of reports the queue holds, up to --to.
    #[arg(long, default_value_t = QUEUE_DAYS)]
    days: u32,
    /// The queue's last day (default today, or the last day reports were made on when
    /// that is earlier): scores and recency are as of this day.
    #[arg(long, value_parser = parse_cli_date)]
    to: Option<time::Date>,
    /// Print what the triage did as JSON.
    #[arg(long)]
    json: bool,
}

/// Which page of the queue.
#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(flatten)]
    triage: TriageArgs,
    /// Cases to show.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Cases to skip first.
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Only cases of this level of care (1 to 4).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    level: Option<u8>,
    /// Only cases whose first contact is overdue.
    #[arg(long)]
    overdue: bool,
}

/// Runs a care command.
pub fn run(command: CareCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    match command {
        CareCommand::Triage(args) => {
            let weights = settings.care_weights(args.weights.as_deref())?;
            let end = end_of(store.as_mut(), args.to)?;
            let redacted = redact_closed(
                store.as_mut(),
                settings.care_redact_after_days,
                &actor(),
                OffsetDateTime::now_utc(),
            )?;
            let outcome = triage(
                store.as_mut(),
                &weights,
                args.days,
                end,
                &actor(),
                OffsetDateTime::now_utc(),
            )?;
            if args.json {
                print_json(&serde_json::json!({ "triage": outcome, "redacted": redacted }))?;
            } else {
                if redacted > 0 {
                    out!(
                        "{redacted} closed cases redacted (closed more than {} days ago).",
                        settings.care_redact_after_days
                    );
                }
                out!(
                    "{} cases in the queue from {} reports read: level 4 {}, level 3 {}, level 2 {}, level 1 {}.",
                    outcome.queued,
                    outcome.reports_read,
                    outcome.by_level[3],
                    outcome.by_level[2],
                    outcome.by_level[1],
                    outcome.by_level[0]
                );
            }
        }
        CareCommand::Queue(args) => {
            let weights = settings.care_weights(args.triage.weights.as_deref())?;
            // Overdue as of the end of --to when it is given, so a past queue reads as it
            // stood then.
            let now = args
                .triage
                .to
                .and_then(|day| day.next_day())
                .map_or_else(OffsetDateTime::now_utc, |day| day.midnight().assume_utc())
                .min(OffsetDateTime::now_utc());
            let end = end_of(store.as_mut(), args.triage.to)?;
            redact_closed(
                store.as_mut(),
                settings.care_redact_after_days,
                &actor(),
                OffsetDateTime::now_utc(),
            )?;
            triage(
                store.as_mut(),
                &weights,
                args.triage.days,
                end,
                &actor(),
                now,
            )?;
            let choice = beacon_app::care::QueueChoice {
                level: args.level,
                overdue_only: args.overdue,
            };
            let view = beacon_app::care::queue_page(
                store.as_mut(),
                &actor(),
                (choice, args.offset, args.limit),
                now,
            )?;
            if args.triage.json {
                print_json(&view)?;
            } else {
                print_queue(&view);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The queue's last day: the one asked for, else today or the last reported day.
fn end_of(
    store: &mut dyn beacon_store::Store,
    asked: Option<time::Date>,
) -> anyhow::Result<time::Date> {
    Ok(match asked {
        Some(day) => day,
        None => beacon_app::care::queue_end(store, today())?,
    })
}

fn print_queue(view: &QueueView) {
    if view.total == 0 {
        out!("The triage queue is empty: no reports of people in its days.");
        return;
    }
    out!(
        "triage queue: cases {} to {} of {}",
        view.offset + 1,
        view.offset + view.entries.len() as u64,
        view.total
    );
    for entry in &view.entries {
        out!(
            "{}  reported {}  score {}  level {}: {}  contact due {}{}",
            entry.reference,
            entry.reported_on,
            entry.score,
            entry.level,
            entry.level_label,
            entry.contact_due.date(),
            match entry.sla.status {
                SlaStatus::Pending => "",
                SlaStatus::Overdue => " (overdue)",
                SlaStatus::Met => " (reached in time)",
                SlaStatus::MetLate => " (reached late)",
            }
        );
        for reason in &entry.reasons {
            out!("    {:>+4}  {}", reason.points, reason.text);
        }
    }
}
