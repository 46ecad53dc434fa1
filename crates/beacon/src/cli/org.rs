//! `beacon org …`: the partner organisations the register attributes addresses to.

use super::config::{Settings, actor};
use super::output::{print_csv, print_json};
use anyhow::Context;
use beacon_app::feeds::Owners;
use beacon_app::organisations::{
    ImportedOrganisations, OrganisationDetails, OrganisationError, add_organisation,
    import_organisations,
};
use beacon_ingest::organisations::{DirectoryError, ORGANISATION_COLUMNS};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon org` subcommands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation, or replace the details of the one with this name.
    Add(AddArgs),
    /// Add or update organisations from a CSV file (name, sector, district, contacts,
    /// networks, asns, domains); the file is imported whole or not at all.
    Import(ImportArgs),
    /// List organisations and what they own.
    List(ListArgs),
}

/// Arguments of `beacon org add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The organisation's name (unique, any case).
    pub name: String,
    /// Sector, e.g. local-government, health, education, business.
    #[arg(long, default_value = "")]
    pub sector: String,
    /// District: an ONS code or a district name.
    #[arg(long, default_value = "")]
    pub district: String,
    /// A security contact's email address (repeat for more).
    #[arg(long = "contact")]
    pub contacts: Vec<String>,
    /// An IPv4 or IPv6 range it owns, e.g. 192.0.2.0/24 (repeat for more).
    #[arg(long = "network")]
    pub networks: Vec<String>,
    /// An autonomous system number it operates (repeat for more).
    #[arg(long = "asn")]
    pub asns: Vec<String>,
    /// A domain it owns; names below it are its too (repeat for more).
    #[arg(long = "domain")]
    pub domains: Vec<String>,
}

/// Arguments of `beacon org import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon org list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV in the import file's layout.
    #[arg(long)]
    pub csv: bool,
}

/// Runs an org subcommand.
pub fn run(command: OrgCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        OrgCommand::Add(args) => add(args, settings),
        OrgCommand::Import(args) => import(args, settings),
        OrgCommand::List(args) => list(args, settings),
    }
}

fn add(args: AddArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let details = OrganisationDetails {
        name: args.name,
        sector: args.sector,
        district: args.district,
        contacts: args.contacts,
        networks: args.networks,
        asns: args.asns,
        domains: args.domains,
    };
    let (id, organisation) = add_organisation(store.as_mut(), &details, &actor())?;
    out!("{} is organisation {id}.", organisation.name);
    warn_conflicts(store.as_mut())?;
    Ok(ExitCode::SUCCESS)
}

fn import(args: ImportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("while reading {}", args.file.display()))?;
    let mut store = settings.open_store()?;
    let source = args.file.display().to_string();
    let imported = match import_organisations(store.as_mut(), &bytes, &source, &actor()) {
        Ok(imported) => imported,
        Err(OrganisationError::Directory(DirectoryError::Rows(rows))) => {
            eprintln!(
                "{source}: {} row(s) need fixing; nothing was imported.",
                super::output::count(rows.len() as u64)
            );
            for row in &rows {
                eprintln!("  line {}: {}", row.line, row.reason);
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(OrganisationError::Directory(error)) => anyhow::bail!("{source}: {error}"),
        Err(error) => return Err(error.into()),
    };
    let ImportedOrganisations { ids, networks } = imported;
    if args.json {
        print_json(&serde_json::json!({
            "organisations": ids.len(),
            "networks": networks,
            "ids": ids,
        }))?;
    } else {
        out!(
            "Imported {} organisations with {} network ranges from {source}.",
            super::output::count(ids.len() as u64),
            super::output::count(networks as u64),
        );
    }
    warn_conflicts(store.as_mut())?;
    Ok(ExitCode::SUCCESS)
}

fn list(args: ListArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let organisations = store.organisations()?;
    if args.json {
        print_json(&organisations)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.csv {
        print_csv(
            &ORGANISATION_COLUMNS,
            organisations.iter().map(|stored| {
                let o = &stored.organisation;
                vec![
                    o.name.clone(),
                    o.sector.clone(),
                    o.district
                        .as_ref()
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    o.contacts.join(";"),
                    join(&o.networks),
                    join(&o.asns),
                    o.domains.join(";"),
                ]
            }),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if organisations.is_empty() {
        out!(
            "No organisations yet. Add one with: beacon org add NAME --network CIDR --contact EMAIL"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let districts = store.districts()?;
    for stored in &organisations {
        let o = &stored.organisation;
        let district = o
            .district
            .as_ref()
            .map(|code| {
                districts
                    .get(code)
                    .map_or_else(|| code.to_string(), |d| d.name.clone())
            })
            .unwrap_or_else(|| "district not set".into());
        out!(
            "{:>4}  {} ({}, {district})",
            stored.id,
            o.name,
            if o.sector.is_empty() {
                "no sector"
            } else {
                &o.sector
            }
        );
        if !o.contacts.is_empty() {
            out!("      contacts: {}", o.contacts.join(", "));
        }
        if !o.networks.is_empty() {
            out!("      networks: {}", join(&o.networks));
        }
        if !o.asns.is_empty() {
            out!("      ASNs: {}", join(&o.asns));
        }
        if !o.domains.is_empty() {
            out!("      domains: {}", o.domains.join(", "));
        }
    }
    warn_conflicts(store.as_mut())?;
    Ok(ExitCode::SUCCESS)
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(";")
}

/// Tells the administrator about claims two organisations both make.
fn warn_conflicts(store: &mut dyn beacon_store::Store) -> anyhow::Result<()> {
    let owners = Owners::load(store)?;
    for conflict in owners.conflicts() {
        let ids: Vec<String> = conflict.owners.iter().map(|o| o.0.to_string()).collect();
        eprintln!(
            "Warning: {:?} is claimed by organisations {}; the first is used until this is fixed.",
            conflict.claim,
            ids.join(", ")
        );
    }
    Ok(())
}
