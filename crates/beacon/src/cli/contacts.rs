//! `beacon contacts …` and `beacon segments …`: protect campaigns' contacts (import, the
//! coarse list, subject access export, erasure, retention purge, suppression) and segment
//! counts.

use super::config::{Settings, actor};
use super::output::{count, print_json};
use anyhow::Context;
use beacon_app::contacts::{self, ContactError};
use beacon_core::protect::{ContactKind, LawfulBasis, SegmentRule};
use beacon_core::{AgeBand, Channel, OrgSize};
use beacon_ingest::organisations::resolve_district;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use time::OffsetDateTime;

/// `beacon contacts` subcommands.
#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Add or update contacts from a CSV file (see docs/contacts.md for its columns); bad
    /// rows are quarantined with their line and reason, the rest stored.
    Import(ImportArgs),
    /// List contacts, coarse: kind, district, age band, sector, size, which addresses.
    List(ListArgs),
    /// Everything held about one contact, as JSON (a subject access request).
    Export(IdArgs),
    /// Erase a contact and its consent evidence now (its suppressions stay).
    Erase(IdArgs),
    /// Delete the contacts past retention.
    Purge(JsonArgs),
    /// Put an address on a channel's suppression list.
    Suppress(SuppressArgs),
}

/// `beacon segments` subcommands.
#[derive(Debug, Subcommand)]
pub enum SegmentsCommand {
    /// How many contacts a rule picks, and how many of them can be reached on a channel
    /// under a lawful basis (and why the rest cannot).
    Count(CountArgs),
}

/// Arguments of `beacon contacts import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon contacts list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Contacts to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Contacts to list (at most 1000).
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// A contact's id.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// The contact's id (see `beacon contacts list`).
    pub id: i64,
}

/// Just `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon contacts suppress`.
#[derive(Debug, Args)]
pub struct SuppressArgs {
    /// The channel: email or sms.
    #[arg(long, value_parser = parse_channel)]
    pub channel: Channel,
    /// The address (normalised before it is hashed; only the hash is kept).
    pub address: String,
}

/// Arguments of `beacon segments count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// Kind of contact: resident, business or staff (repeat for more).
    #[arg(long = "kind", value_parser = parse_kind)]
    pub kinds: Vec<ContactKind>,
    /// District: ONS code or name (repeat for more).
    #[arg(long = "district")]
    pub districts: Vec<String>,
    /// Age band, e.g. 70-79 or 80+ (repeat for more).
    #[arg(long = "age-band", value_parser = parse_band)]
    pub age_bands: Vec<AgeBand>,
    /// Business sector, e.g. retail (repeat for more).
    #[arg(long = "sector")]
    pub sectors: Vec<String>,
    /// Business size: micro, small, medium or large (repeat for more).
    #[arg(long = "size", value_parser = parse_size)]
    pub sizes: Vec<OrgSize>,
    /// Only sole traders (yes) or only others (no).
    #[arg(long, value_parser = parse_yes_no)]
    pub sole_trader: Option<bool>,
    /// The channel: email or sms.
    #[arg(long, default_value = "email", value_parser = parse_channel)]
    pub channel: Channel,
    /// The lawful basis: public_task or consent.
    #[arg(long, default_value = "public_task", value_parser = parse_basis)]
    pub basis: LawfulBasis,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    match Channel::from_stored(&text.trim().to_ascii_lowercase()) {
        Some(channel @ (Channel::Email | Channel::Sms | Channel::Social)) => Ok(channel),
        _ => Err(format!("'{text}' is not email, sms or social")),
    }
}

fn parse_kind(text: &str) -> Result<ContactKind, String> {
    ContactKind::from_stored(text)
        .ok_or_else(|| format!("'{text}' is not resident, business or staff"))
}

fn parse_band(text: &str) -> Result<AgeBand, String> {
    AgeBand::from_label(text.trim())
        .ok_or_else(|| format!("'{text}' is not an age band such as 0-19, 70-79 or 80+"))
}

fn parse_size(text: &str) -> Result<OrgSize, String> {
    OrgSize::parse(text)?.ok_or_else(|| format!("'{text}' is not micro, small, medium or large"))
}

fn parse_basis(text: &str) -> Result<LawfulBasis, String> {
    LawfulBasis::from_stored(text).ok_or_else(|| format!("'{text}' is not public_task or consent"))
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    beacon_core::report::parse_flag("--sole-trader", text)?
        .ok_or_else(|| "--sole-trader needs yes or no".to_owned())
}

/// Runs a contacts subcommand.
pub fn run(command: ContactsCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let store = store.as_mut();
    let now = OffsetDateTime::now_utc();
    match command {
        ContactsCommand::Import(args) => {
            let bytes = std::fs::read(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let source = args.file.display().to_string();
            let imported = match contacts::import_file(store, &bytes, &source, &actor(), now) {
                Ok(imported) => imported,
                Err(ContactError::File(refused)) => {
                    anyhow::bail!("{source}: {refused}; nothing was imported")
                }
                Err(error) => return Err(error.into()),
            };
            if args.json {
                print_json(&imported)?;
            } else {
                out!(
                    "{source}: {} read, {} added, {} updated, {} unchanged, {} quarantined (run {}).",
                    count(imported.read),
                    count(imported.added),
                    count(imported.updated),
                    count(imported.unchanged),
                    count(imported.quarantined.len() as u64),
                    imported.run_id
                );
                for row in &imported.quarantined {
                    out!("  line {}: {}", row.line, row.reason);
                }
            }
        }
        ContactsCommand::List(args) => {
            let page = contacts::list(store, args.offset, args.limit, &actor())?;
            if args.json {
                print_json(&page)?;
            } else {
                out!("{} contacts.", count(page.total));
                for contact in &page.contacts {
                    let attributes = &contact.attributes;
                    out!(
                        "{:>6}  {:<12} {:<9} {:<10} {:<6} {:<16} {:<7} {}{}",
                        contact.id,
                        contact.reference,
                        attributes.kind.map_or("", ContactKind::as_str),
                        attributes.district.as_ref().map_or("", |d| d.as_str()),
                        attributes.age_band.map_or("", AgeBand::as_str),
                        attributes.sector.as_deref().unwrap_or(""),
                        attributes.size.map_or("", OrgSize::as_str),
                        if contact.has_email { "email " } else { "" },
                        if contact.has_mobile { "sms" } else { "" },
                    );
                }
            }
        }
        ContactsCommand::Export(args) => {
            print_json(&contacts::export(store, args.id, &actor())?)?;
        }
        ContactsCommand::Erase(args) => {
            contacts::erase(store, args.id, &actor())?;
            out!("Contact {} erased; its suppressions stay.", args.id);
        }
        ContactsCommand::Purge(args) => {
            let purged = contacts::purge(store, &actor(), now)?;
            if args.json {
                print_json(&serde_json::json!({ "purged": purged }))?;
            } else {
                out!("{} contacts past retention deleted.", count(purged));
            }
        }
        ContactsCommand::Suppress(args) => {
            let added = contacts::suppress(store, args.channel, &args.address, &actor(), now)?;
            out!(
                "{}",
                if added {
                    "Suppressed."
                } else {
                    "Already suppressed."
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a segments subcommand.
pub fn run_segments(command: SegmentsCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let SegmentsCommand::Count(args) = command;
    let mut store = settings.open_store()?;
    let store = store.as_mut();
    let districts = store.districts()?;
    let mut rule = SegmentRule {
        kinds: args.kinds.into_iter().collect(),
        sole_trader: args.sole_trader,
        age_bands: args.age_bands.into_iter().collect(),
        sectors: args
            .sectors
            .iter()
            .map(|sector| sector.trim().to_lowercase())
            .collect(),
        sizes: args.sizes.into_iter().collect(),
        ..SegmentRule::default()
    };
    for district in &args.districts {
        let code = resolve_district(district, &districts).with_context(|| {
            format!("'{district}' is not a district of {}", districts.area_name)
        })?;
        rule.districts.insert(code);
    }
    let counted = contacts::segment_count(
        store,
        &rule,
        args.channel,
        args.basis,
        OffsetDateTime::now_utc(),
    )?;
    if args.json {
        print_json(&serde_json::json!({
            "rule": rule,
            "channel": args.channel.as_str(),
            "basis": args.basis.as_str(),
            "count": counted,
        }))?;
    } else {
        out!(
            "{} contacts match; {} can be reached by {} under {}.",
            count(counted.matching),
            count(counted.reachable),
            args.channel.as_str(),
            args.basis.label().to_lowercase()
        );
        out!("  no address:  {}", count(counted.no_address));
        out!("  suppressed:  {}", count(counted.suppressed));
        out!("  no consent:  {}", count(counted.no_consent));
    }
    Ok(ExitCode::SUCCESS)
}
