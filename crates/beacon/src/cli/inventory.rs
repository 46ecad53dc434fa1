//! `beacon inventory …`: what each partner runs and who hears about advisories.

use super::config::Settings;
use super::output::{count, print_json};
use anyhow::Context;
use beacon_app::advisories::InventoryError;
use beacon_app::advisories::inventory::{import_contacts, import_inventory, list_inventory};
use beacon_store::Store;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon inventory` subcommands.
#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Import assets and the products they run from CSV (organisation, asset, cpe, purl,
    /// vendor, product, version; optional kind, owner, hostname, network). The file is the
    /// whole inventory of each organisation it names; it is imported whole or not at all.
    Import(ImportArgs),
    /// Import advisory contacts from CSV (organisation, name, email, role, delivery),
    /// replacing the contacts of each organisation it names; whole or not at all.
    Contacts(ImportArgs),
    /// List inventories and contacts.
    List(ListArgs),
}

/// Arguments of `beacon inventory import` and `beacon inventory contacts`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon inventory list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this organisation (name or register id).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an inventory subcommand.
pub fn run(command: InventoryCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        InventoryCommand::Import(args) => import(args, settings),
        InventoryCommand::Contacts(args) => contacts(args, settings),
        InventoryCommand::List(args) => list(args, settings),
    }
}

/// Finds an organisation by register id or name (any case).
pub fn organisation_id(store: &mut dyn Store, named: &str) -> anyhow::Result<i64> {
    let organisations = store.organisations()?;
    let wanted = named.trim();
    organisations
        .iter()
        .find(|o| o.id.to_string() == wanted || o.organisation.name.eq_ignore_ascii_case(wanted))
        .map(|o| o.id)
        .with_context(|| {
            format!("there is no organisation called '{wanted}' (see `beacon org list`)")
        })
}

/// Prints an import's problems and returns the failure code, or passes other errors on.
fn problems(source: &str, error: InventoryError) -> anyhow::Result<ExitCode> {
    match error {
        InventoryError::Problems(problems) => {
            eprintln!(
                "{source}: {} problem(s); nothing was imported.",
                count(problems.len() as u64)
            );
            for problem in &problems {
                eprintln!("  {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
        InventoryError::Store(error) => Err(error.into()),
    }
}

fn import(args: ImportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("while reading {}", args.file.display()))?;
    let source = args.file.display().to_string();
    let mut store = settings.open_store()?;
    let now = time::OffsetDateTime::now_utc();
    let imported = match import_inventory(store.as_mut(), &bytes, now, &settings.notify) {
        Ok(imported) => imported,
        Err(error) => return problems(&source, error),
    };
    if args.json {
        print_json(&imported)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "Imported {} assets with {} products for {} organisations from {source}.",
        count(imported.assets),
        count(imported.products),
        count(imported.organisations.len() as u64)
    );
    for (name, change) in &imported.organisations {
        out!(
            "  {name}: {} added, {} changed, {} unchanged, {} removed",
            change.added,
            change.changed,
            change.unchanged,
            change.removed
        );
    }
    out!(
        "Matched again: {} matches; notices {} opened, {} updated, {} unchanged; {} letters queued.",
        count(imported.matches),
        imported.notices.opened,
        imported.notices.changed,
        imported.notices.unchanged,
        imported.notices.letters
    );
    Ok(ExitCode::SUCCESS)
}

fn contacts(args: ImportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("while reading {}", args.file.display()))?;
    let source = args.file.display().to_string();
    let mut store = settings.open_store()?;
    let imported = match import_contacts(store.as_mut(), &bytes) {
        Ok(imported) => imported,
        Err(error) => return problems(&source, error),
    };
    if args.json {
        print_json(&imported)?;
    } else {
        out!(
            "Imported {} contacts for {} organisations from {source}.",
            count(imported.contacts),
            count(imported.organisations.len() as u64)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(args: ListArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisation = match &args.organisation {
        Some(named) => Some(organisation_id(store.as_mut(), named)?),
        None => None,
    };
    let inventories = list_inventory(store.as_mut(), organisation)?;
    if args.json {
        print_json(&inventories)?;
        return Ok(ExitCode::SUCCESS);
    }
    if inventories.is_empty() {
        out!("No inventories yet: import one with `beacon inventory import FILE`.");
    }
    for inventory in &inventories {
        out!(
            "{} ({} assets, {} contacts)",
            inventory.organisation,
            inventory.assets.len(),
            inventory.contacts.len()
        );
        for contact in &inventory.contacts {
            out!(
                "  contact: {} <{}>, {}, {}",
                contact.contact.name,
                contact.contact.email,
                contact.contact.role.label(),
                contact.contact.delivery.as_str()
            );
        }
        for asset in &inventory.assets {
            let kind = if asset.asset.kind.is_empty() {
                String::new()
            } else {
                format!(" [{}]", asset.asset.kind)
            };
            out!("  {}{kind}", asset.asset.name);
            for product in &asset.asset.products {
                let derived = product
                    .derived_cpe
                    .as_ref()
                    .map(|cpe| format!(" (as {cpe})"))
                    .unwrap_or_default();
                out!("    {}{derived}", product.describe());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
