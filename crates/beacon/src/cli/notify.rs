//! `beacon notify …`: owners' digests of their addresses in the register — queue and send,
//! see where each stands, and record acknowledgements.

use super::config::{Settings, actor};
use super::output::{count, print_json};
use beacon_app::notify::{Transports, ack_signer, acknowledge_link, deliver, queue_digests};
use beacon_store::AuditEvent;
use clap::{Args, Subcommand};
use std::process::ExitCode;
use time::OffsetDateTime;

/// `beacon notify` subcommands.
#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Queue each organisation's digest of new and still-active addresses since its last
    /// one and the advisory reminders, escalations and daily digests that are due, then
    /// send everything due on each configured channel: email through the `[smtp]` server,
    /// SMS through the `[notify.sms]` gateway, social posts to the `[notify.social]`
    /// export (run it from cron).
    Run(RunArgs),
    /// Show the outbox: what was queued, sent, retried, given up and acknowledged.
    Status(StatusArgs),
    /// Record that an organisation has acknowledged a digest (by its number, or the token
    /// from its acknowledgement link).
    Ack(AckArgs),
}

/// Arguments of `beacon notify run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Queue digests but send nothing.
    #[arg(long)]
    pub queue_only: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon notify status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// How many messages to list, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon notify ack`.
#[derive(Debug, Args)]
pub struct AckArgs {
    /// The digest's number (from `beacon notify status`).
    #[arg(required_unless_present = "token", conflicts_with = "token")]
    pub digest: Option<i64>,
    /// The token from an acknowledgement link (the part after `/ack/`).
    #[arg(long)]
    pub token: Option<String>,
}

/// Runs a notify subcommand.
pub fn run(command: NotifyCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        NotifyCommand::Run(args) => run_digests(args, settings),
        NotifyCommand::Status(args) => status(args, settings),
        NotifyCommand::Ack(args) => ack(args, settings),
    }
}

fn run_digests(args: RunArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let now = OffsetDateTime::now_utc();
    // Retention is enforced by the same scheduled run that sends: contacts past their
    // retention are deleted before anything is queued or sent.
    let purged = beacon_app::contacts::purge(store.as_mut(), "beacon notify run", now)?;
    let queued = queue_digests(store.as_mut(), now, &settings.notify)?;
    let chased = beacon_app::advisories::chase::chase_notices(
        store.as_mut(),
        now,
        &beacon_analytics::advisories::ChaseRules::default(),
        &settings.notify,
    )?;
    let report = if args.queue_only {
        None
    } else {
        let transports = Transports::configured(settings.smtp.clone(), &settings.notify)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        if transports.list().is_empty() {
            anyhow::bail!(
                "no channel is configured: add an [smtp] table (host, port, tls, from), a \
                 [notify.sms] table (base_url, api_key) or a [notify.social] table (directory) \
                 to beacon.toml, or queue only with --queue-only"
            );
        }
        let links = match &settings.notify.base_url {
            Some(base) => Some((ack_signer(store.as_mut())?, base.clone())),
            None => None,
        };
        Some(deliver(
            store.as_mut(),
            &transports.list(),
            links,
            now,
            &settings.notify,
        )?)
    };
    if args.json {
        print_json(&serde_json::json!({
            "queued": queued,
            "advisories": chased,
            "sent": report.as_ref().map(|r| r.sent),
            "retrying": report.as_ref().map(|r| r.retrying),
            "given_up": report.as_ref().map(|r| r.given_up),
            "suppressed": report.as_ref().map(|r| r.suppressed),
            "purged_contacts": purged,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if purged > 0 {
        out!("{} contacts past retention deleted.", count(purged));
    }
    if queued.is_empty() {
        out!("No organisation has new or still-active addresses since its last digest.");
    }
    for digest in &queued {
        out!(
            "Queued {}'s digest: {} new, {} still active, to {} recipient(s).",
            digest.organisation,
            count(digest.new as u64),
            count(digest.still_active as u64),
            count(digest.outbox_ids.len() as u64)
        );
    }
    if chased.letters > 0 {
        out!(
            "Advisories: {} reminded, {} escalated, {} daily digests queued.",
            chased.reminded,
            chased.escalated,
            chased.digests
        );
    }
    if let Some(report) = report {
        out!(
            "Sent {}; {} will be retried; {} given up.",
            count(report.sent as u64),
            count(report.retrying as u64),
            count(report.given_up as u64)
        );
        if report.suppressed > 0 {
            out!(
                "Not sent to {}: the address is on the suppression list.",
                count(report.suppressed as u64)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status(args: StatusArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let entries = store.outbox(None, args.limit)?;
    if args.json {
        print_json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        out!("The outbox is empty. Queue digests with: beacon notify run");
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "{:>5}  {:<9}  {:>8}  {:<17}  {:<17}  {:<30}  organisation",
        "id",
        "status",
        "attempts",
        "sent (UTC)",
        "acknowledged",
        "to"
    );
    let short = |at: Option<OffsetDateTime>| {
        at.map(|t| {
            format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_else(|| "-".into())
    };
    for entry in entries {
        out!(
            "{:>5}  {:<9}  {:>8}  {:<17}  {:<17}  {:<30}  {}",
            entry.id,
            entry.status.as_str(),
            entry.attempts,
            short(entry.sent_at),
            short(entry.acknowledged_at),
            entry.recipient,
            entry.organisation
        );
        if let Some(error) = entry.last_error {
            out!("       last error: {error}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ack(args: AckArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let now = OffsetDateTime::now_utc();
    let id = match (&args.token, args.digest) {
        (Some(token), _) => {
            let signer = ack_signer(store.as_mut())?;
            acknowledge_link(store.as_mut(), &signer, token, now)?
        }
        (None, Some(id)) => {
            if !store.acknowledge_digest(id, &actor(), now)? {
                anyhow::bail!("there is no digest {id} (see beacon notify status)");
            }
            id
        }
        (None, None) => anyhow::bail!("name a digest number or give --token"),
    };
    store.audit(&AuditEvent {
        actor: actor(),
        action: "acknowledge_digest".into(),
        subject: format!("outbox:{id}"),
        detail: String::new(),
    })?;
    out!("Digest {id} is acknowledged.");
    Ok(ExitCode::SUCCESS)
}
