//! `beacon front-door`: for analysts, the reports residents and businesses left through
//! the public front door (`/report`) with their consent, and their counts by district
//! and sector. A source of its own: never added to Action Fraud's reports.

use super::config::{Settings, actor};
use super::output::{count, parse_cli_date, pounds, print_json, today};
use beacon_app::front_door::{counts, list};
use beacon_core::front_door::{
    BusinessSector, ContactMethod, OUTSIDE_AREA, PLACE_NOT_SURE, WhatHappened,
};
use clap::{Args, Subcommand};
use std::collections::HashMap;
use std::process::ExitCode;
use time::Date;
use time::macros::date;

/// Front-door commands.
#[derive(Debug, Subcommand)]
pub enum FrontDoorCommand {
    /// The stored front-door reports, newest first (the read is audited).
    List(ListArgs),
    /// How many front-door reports there were by district and by business sector.
    Counts(DaysArgs),
}

/// Which days.
#[derive(Debug, Args)]
pub struct DaysArgs {
    /// First day of submissions (default: the first there is).
    #[arg(long, value_parser = parse_cli_date)]
    from: Option<Date>,
    /// Last day of submissions (default: today).
    #[arg(long, value_parser = parse_cli_date)]
    to: Option<Date>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Which reports to list.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    days: DaysArgs,
    /// Reports to show.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Reports to skip first.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

impl DaysArgs {
    fn days(&self) -> (Date, Date) {
        (
            self.from.unwrap_or(date!(1990 - 01 - 01)),
            self.to.unwrap_or_else(today),
        )
    }
}

/// Runs a front-door command.
pub fn run(command: FrontDoorCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let districts = store.districts()?;
    let place_name = |key: &str| -> String {
        match key {
            OUTSIDE_AREA => format!("Outside {}", districts.area_name),
            PLACE_NOT_SURE => "Not sure".to_owned(),
            code => districts
                .list
                .iter()
                .find(|district| district.code.as_str() == code)
                .map_or_else(|| code.to_owned(), |district| district.name.clone()),
        }
    };
    match command {
        FrontDoorCommand::List(args) => {
            let (from, to) = args.days.days();
            let page = list(store.as_mut(), &actor(), from, to, args.offset, args.limit)?;
            if args.days.json {
                print_json(&page)?;
                return Ok(ExitCode::SUCCESS);
            }
            out!(
                "{} front-door reports from {from} to {to}; showing {}.",
                count(page.total),
                count(u64::try_from(page.reports.len()).unwrap_or(0))
            );
            for report in &page.reports {
                let what = WhatHappened::from_key(&report.what_happened)
                    .map_or(report.what_happened.as_str(), |what| what.label());
                let contact = ContactMethod::from_key(&report.contact_method)
                    .map_or(report.contact_method.as_str(), |method| method.label());
                let loss = report
                    .loss_pence
                    .map_or_else(|| "loss not known".to_owned(), pounds);
                let business = match (&report.business_size, &report.business_sector) {
                    (Some(size), Some(sector)) => format!(
                        "; business ({size}, {})",
                        BusinessSector::from_key(sector)
                            .map_or(sector.as_str(), |sector| sector.label())
                    ),
                    _ => String::new(),
                };
                out!(
                    "{}  {}  {}: {what}; {contact}; {loss}; {}{business}",
                    report.reference,
                    report.submitted_on,
                    report.reporter,
                    place_name(&report.place)
                );
            }
        }
        FrontDoorCommand::Counts(args) => {
            let (from, to) = args.days();
            let figures = counts(store.as_mut(), from, to)?;
            if args.json {
                print_json(&figures)?;
                return Ok(ExitCode::SUCCESS);
            }
            out!(
                "Front door: {} local reports from {from} to {to} ({} from businesses).",
                count(figures.total),
                count(figures.from_businesses)
            );
            let order: HashMap<&str, usize> = districts
                .list
                .iter()
                .enumerate()
                .map(|(index, district)| (district.code.as_str(), index))
                .collect();
            let mut places = figures.by_place.clone();
            places.sort_by_key(|place| {
                // The districts in reference order, then outside the area, then not sure.
                order
                    .get(place.key.as_str())
                    .copied()
                    .unwrap_or(match place.key.as_str() {
                        OUTSIDE_AREA => usize::MAX - 1,
                        PLACE_NOT_SURE => usize::MAX,
                        _ => usize::MAX - 2,
                    })
            });
            out!("By district:");
            for place in &places {
                out!(
                    "  {}: {} ({} from businesses)",
                    place_name(&place.key),
                    count(place.reports),
                    count(place.from_businesses)
                );
            }
            if !figures.by_sector.is_empty() {
                out!("Businesses by sector:");
                for sector in &figures.by_sector {
                    out!(
                        "  {}: {}",
                        BusinessSector::from_key(&sector.key)
                            .map_or(sector.key.as_str(), |sector| sector.label()),
                        count(sector.reports)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
