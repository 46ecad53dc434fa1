//! `beacon campaigns …`: protect campaigns from the command line: which campaign the
//! reports say to run next, building a draft, locking a trial's plan, launching,
//! finishing, and reading a campaign's figures and its evaluation report.

use super::config::Settings;
use super::output::{parse_cli_date, print_json, today};
use beacon_analytics::protect::Targets;
use beacon_app::campaigns::CampaignError;
use beacon_app::campaigns::build::{CampaignDraft, save_draft};
use beacon_app::campaigns::evaluation::{evaluate, lock_plan};
use beacon_app::campaigns::launch::LaunchSettings;
use beacon_app::campaigns::overview::{channel_label, overview};
use beacon_core::protect::{ContactKind, LawfulBasis, SegmentRule};
use beacon_core::{AgeBand, Channel, DistrictCode, OrgSize};
use beacon_evaluation::BalanceTable;
use clap::{Args, Subcommand};
use std::process::ExitCode;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// `beacon campaigns` subcommands.
#[derive(Debug, Subcommand)]
pub enum CampaignsCommand {
    /// Rank audience and threat pairs from the stored reports (rate per 100,000, losses,
    /// the last quarter against the one before, repeat victims), each with its reasons
    /// and a proposed campaign.
    Targets(TargetsArgs),
    /// Build a draft campaign: an advice item to a segment on a channel from a time.
    New(NewArgs),
    /// Every campaign, newest first.
    List(JsonArgs),
    /// One campaign with its figures arm by arm.
    Show(IdArgs),
    /// Lock an evaluated trial's plan (it never changes after; launch needs it).
    Plan(PlanCampaignArgs),
    /// Launch a draft: recipients drawn, allocated and their messages queued.
    Launch(IdArgs),
    /// Finish a launched campaign.
    Finish(IdArgs),
    /// A trial's evaluation report against its locked plan.
    Report(IdArgs),
}

/// Just `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// A campaign's number, and `--json`.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// The campaign's number.
    pub id: i64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon campaigns plan`.
#[derive(Debug, Args)]
pub struct PlanCampaignArgs {
    /// The campaign's number.
    pub id: i64,
    /// The plan's choices, as `beacon evaluation plan` takes them.
    #[command(flatten)]
    pub plan: super::evaluation::PlanArgs,
}

/// Arguments of `beacon campaigns new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Its name.
    #[arg(long)]
    pub name: String,
    /// The advice item's slug (`beacon advice list`).
    #[arg(long)]
    pub advice: String,
    /// A trial's control arm gets this item instead (default: held back).
    #[arg(long)]
    pub control_advice: Option<String>,
    /// email, sms or social.
    #[arg(long, default_value = "email", value_parser = parse_channel)]
    pub channel: Channel,
    /// public_task or consent.
    #[arg(long, default_value = "public_task", value_parser = parse_basis)]
    pub basis: LawfulBasis,
    /// Kinds of contact (resident, business, staff); repeat or comma-separate.
    #[arg(long = "kind", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// District codes.
    #[arg(long = "district", value_delimiter = ',')]
    pub districts: Vec<String>,
    /// Age bands (e.g. 70-79, 80+).
    #[arg(long = "age-band", value_delimiter = ',')]
    pub age_bands: Vec<String>,
    /// Business sectors.
    #[arg(long = "sector", value_delimiter = ',')]
    pub sectors: Vec<String>,
    /// Business sizes (micro, small, medium, large).
    #[arg(long = "size", value_delimiter = ',')]
    pub sizes: Vec<String>,
    /// Only sole traders (yes) or none (no).
    #[arg(long, value_parser = ["yes", "no"])]
    pub sole_trader: Option<String>,
    /// When messages may start, RFC 3339 (default: now).
    #[arg(long)]
    pub starts: Option<String>,
    /// An evaluated trial (lock its plan before launch).
    #[arg(long)]
    pub evaluated: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    beacon_app::campaigns::build::CAMPAIGN_CHANNELS
        .into_iter()
        .find(|channel| channel.as_str() == text)
        .ok_or_else(|| format!("'{text}' is not a campaign channel: give email, sms or social"))
}

fn parse_basis(text: &str) -> Result<LawfulBasis, String> {
    LawfulBasis::from_stored(text)
        .ok_or_else(|| format!("'{text}' is not a lawful basis: give public_task or consent"))
}

/// Arguments of `beacon campaigns targets`.
#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Calendar months counted, ending with the month of --to.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: u32,
    /// The last day counted (YYYY-MM-DD or DD/MM/YYYY). Default: the last stored report.
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Option<Date>,
    /// How many ranked pairs to print (all with --json).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs a campaigns subcommand.
pub fn run(command: CampaignsCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        CampaignsCommand::Targets(args) => targets(args, settings),
        CampaignsCommand::New(args) => new_campaign(args, settings),
        CampaignsCommand::List(args) => list(args, settings),
        CampaignsCommand::Show(args) => show(args, settings),
        CampaignsCommand::Plan(args) => plan(args, settings),
        CampaignsCommand::Launch(args) => launch(args, settings),
        CampaignsCommand::Finish(args) => finish(args, settings),
        CampaignsCommand::Report(args) => report(args, settings),
    }
}

/// A campaign use case's refusal as the command's error.
fn refused(error: CampaignError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

fn segment_of(args: &NewArgs) -> anyhow::Result<SegmentRule> {
    let mut rule = SegmentRule {
        sole_trader: args.sole_trader.as_deref().map(|answer| answer == "yes"),
        ..SegmentRule::default()
    };
    for kind in &args.kinds {
        rule.kinds
            .insert(ContactKind::from_stored(kind.trim()).ok_or_else(|| {
                anyhow::anyhow!("'{kind}' is not a kind: resident, business or staff")
            })?);
    }
    for code in &args.districts {
        rule.districts.insert(
            code.trim()
                .parse::<DistrictCode>()
                .map_err(|_| anyhow::anyhow!("'{code}' is not a district code"))?,
        );
    }
    for band in &args.age_bands {
        rule.age_bands.insert(
            AgeBand::ALL
                .into_iter()
                .find(|b| b.as_str() == band.trim())
                .ok_or_else(|| anyhow::anyhow!("'{band}' is not an age band (e.g. 70-79, 80+)"))?,
        );
    }
    for size in &args.sizes {
        rule.sizes
            .insert(OrgSize::parse(size).ok().flatten().ok_or_else(|| {
                anyhow::anyhow!("'{size}' is not a size: micro, small, medium, large")
            })?);
    }
    rule.sectors = args
        .sectors
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    Ok(rule)
}

fn new_campaign(args: NewArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let now = OffsetDateTime::now_utc();
    let starts_at = match &args.starts {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| anyhow::anyhow!("--starts must be RFC 3339, e.g. 2025-04-01T09:00:00Z"))?,
        None => now,
    };
    let draft = CampaignDraft {
        name: args.name.clone(),
        advice_slug: args.advice.clone(),
        control_advice_slug: args.control_advice.clone(),
        channel: args.channel,
        basis: args.basis,
        segment: segment_of(&args)?,
        starts_at,
        evaluated: args.evaluated,
    };
    let mut store = settings.open_store()?;
    let id =
        save_draft(store.as_mut(), None, &draft, &super::config::actor(), now).map_err(refused)?;
    if args.json {
        print_json(&serde_json::json!({ "id": id }))?;
    } else {
        out!("campaign {id} saved as a draft: {}", draft.name.trim());
    }
    Ok(ExitCode::SUCCESS)
}

fn list(args: JsonArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let campaigns = store.campaigns()?;
    if args.json {
        print_json(&campaigns)?;
        return Ok(ExitCode::SUCCESS);
    }
    if campaigns.is_empty() {
        out!("no campaigns");
    }
    for campaign in &campaigns {
        out!(
            "{:>4}  {:<8}  {:<12}  {}{}",
            campaign.id,
            campaign.state.as_str(),
            channel_label(campaign.channel),
            campaign.name,
            if campaign.evaluated { "  (trial)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn show(args: IdArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let found = overview(store.as_mut(), args.id).map_err(refused)?;
    if args.json {
        print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    let campaign = &found.campaign;
    out!("campaign {}: {}", campaign.id, campaign.name);
    out!("state: {}", campaign.state.as_str());
    out!(
        "advice: {}{}",
        campaign.advice_slug,
        campaign
            .advice_version
            .map_or_else(String::new, |v| format!(" (version {v})"))
    );
    out!("channel: {}", channel_label(campaign.channel));
    out!("who: {}", found.segment);
    out!("lawful basis: {}", campaign.basis.label());
    out!("starts: {}", campaign.starts_at);
    if let Some(plan) = &campaign.plan {
        out!(
            "plan locked {} by {}: {}",
            plan.locked_at,
            plan.locked_by,
            plan.fingerprint
        );
    }
    for arm in &found.arms {
        out!(
            "arm {}: {} recipients, {} held back, {} queued, {} reached, {} not reached, {} opted out, {} followed the link ({} scanner fetches left out), {} of {} answering said they acted, {} opens (unreliable)",
            arm.arm,
            arm.recipients,
            arm.held_back,
            arm.queued,
            arm.reached,
            arm.not_reached,
            arm.opted_out,
            arm.clicked,
            arm.scanner_clicks,
            arm.acted,
            arm.surveyed,
            arm.opened
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn plan(args: PlanCampaignArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let choices = super::evaluation::plan_choices(&args.plan);
    let plan = lock_plan(
        store.as_mut(),
        args.id,
        choices,
        &super::config::actor(),
        OffsetDateTime::now_utc(),
    )
    .map_err(refused)?;
    if args.plan.json {
        print_json(&serde_json::json!({ "plan": plan, "fingerprint": plan.fingerprint() }))?;
    } else {
        out!(
            "plan of campaign {} locked: {} per arm planned; fingerprint {}",
            args.id,
            plan.planned_n_per_arm,
            plan.fingerprint()
        );
        out!("{}", plan.analysis);
    }
    Ok(ExitCode::SUCCESS)
}

fn launch(args: IdArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let launch_settings = LaunchSettings {
        message_domain: settings.notify.message_domain.clone(),
        social_accounts: Vec::new(),
    };
    let launched = beacon_app::campaigns::launch::launch(
        store.as_mut(),
        args.id,
        &launch_settings,
        &super::config::actor(),
        OffsetDateTime::now_utc(),
    )
    .map_err(refused)?;
    if args.json {
        print_json(&launched)?;
    } else {
        let arms: Vec<String> = launched
            .arms
            .iter()
            .map(|(arm, n)| format!("{arm} {n}"))
            .collect();
        out!(
            "campaign {} launched: {} recipients ({}), {} messages queued; advice version {}",
            args.id,
            launched.recipients,
            arms.join(", "),
            launched.queued,
            launched.advice_version
        );
        out!("send them with: beacon notify run");
    }
    Ok(ExitCode::SUCCESS)
}

fn finish(args: IdArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    beacon_app::campaigns::campaign_or_not_found(store.as_mut(), args.id).map_err(refused)?;
    let done = store.finish_campaign(args.id, OffsetDateTime::now_utc())?;
    if !done {
        anyhow::bail!(
            "campaign {} is not launched, so it cannot be finished",
            args.id
        );
    }
    if args.json {
        print_json(&serde_json::json!({ "id": args.id, "finished": true }))?;
    } else {
        out!("campaign {} finished", args.id);
    }
    Ok(ExitCode::SUCCESS)
}

fn report(args: IdArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let found = evaluate(store.as_mut(), args.id, OffsetDateTime::now_utc()).map_err(refused)?;
    if args.json {
        print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "evaluation of campaign {}: {}",
        args.id,
        found.campaign.name
    );
    out!("plan fingerprint: {}", found.plan.fingerprint());
    if let Some(balance) = &found.balance {
        print_balance(balance);
    }
    let Some(report) = &found.report else {
        out!(
            "no report yet: {}",
            found.unavailable.as_deref().unwrap_or("nothing to report")
        );
        return Ok(ExitCode::SUCCESS);
    };
    for warning in &report.warnings {
        out!("warning: {}", warning.message());
    }
    out!("{}", report.summary_sentence());
    if let Some(primary) = &report.primary {
        for arm in &primary.arms {
            out!(
                "  {}: {} of {} ({:.1}%, 95% CI {:.1}% to {:.1}%)",
                arm.name,
                arm.events,
                arm.n,
                arm.rate * 100.0,
                arm.interval.lower * 100.0,
                arm.interval.upper * 100.0
            );
        }
        for c in &primary.comparisons {
            out!(
                "  {} vs {}: {:+.1} points (95% CI {:+.1} to {:+.1}); p = {:.4} ({})",
                c.treatment,
                c.control,
                c.difference * 100.0,
                c.difference_interval.lower * 100.0,
                c.difference_interval.upper * 100.0,
                c.p_value,
                c.test.describe()
            );
        }
    }
    if let Some(cluster) = &report.cluster {
        out!(
            "  clusters: ICC {}, design effect {:.2}",
            cluster
                .icc
                .map_or_else(|| "not defined".to_owned(), |icc| format!("{icc:.4}")),
            cluster.design_effect
        );
    }
    if let Some(did) = &report.did {
        out!(
            "  difference in differences: {:+.2} reports per 100,000 a month",
            did.did.estimate
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The balance table: each arm's share of every value, and the largest difference.
fn print_balance(balance: &BalanceTable) {
    let arms: Vec<String> = balance
        .arms
        .iter()
        .zip(&balance.totals)
        .map(|(arm, total)| format!("{arm} {total}"))
        .collect();
    out!("balance ({}):", arms.join(", "));
    for row in &balance.rows {
        let shares: Vec<String> = row
            .counts
            .iter()
            .zip(&row.shares)
            .map(|(count, share)| format!("{count} ({:.1}%)", share * 100.0))
            .collect();
        out!(
            "  {} = {}: {} (largest difference {:.1} points, standardised {:.2})",
            row.attribute,
            row.value,
            shares.join(" / "),
            row.max_difference * 100.0,
            row.max_standardised_difference
        );
    }
}

fn targets(args: TargetsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let targets =
        beacon_app::campaigns::targeting::targets(store.as_mut(), args.months, args.to, today())?;
    if args.json {
        print_json(&targets)?;
    } else {
        print_targets(&targets, args.top);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_targets(targets: &Targets, top: usize) {
    out!(
        "campaign targets from {} to {} ({} months)",
        targets.window.from,
        targets.window.to,
        targets.months
    );
    if targets.ranked.is_empty() {
        out!("no reports of a threat Beacon has advice for, against an audience it campaigns to");
    }
    for target in targets.ranked.iter().take(top) {
        out!();
        out!(
            "{}. {} — {} (score {:.2})",
            target.rank,
            target.audience.label(),
            target.threat.label(),
            target.score
        );
        for reason in &target.reasons {
            out!("   - {reason}");
        }
        out!("   proposal: {}", target.proposal.summary);
        out!("   channel: {}", target.proposal.channel_reason);
    }
    if targets.ranked.len() > top {
        out!();
        out!(
            "{} more pairs (--top {} or --json for all)",
            targets.ranked.len() - top,
            targets.ranked.len()
        );
    }
    if targets.unranked_reports > 0 {
        out!();
        out!(
            "{} reports in the window have no campaign audience or threat and are not ranked",
            targets.unranked_reports
        );
    }
}
