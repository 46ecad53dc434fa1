//! `beacon addresses`: how many distinct addresses the feeds saw in the area, by district,
//! type, organisation, feed or month, with the trend against the period before.

use super::config::Settings;
use super::output::{count, parse_cli_date, print_csv, print_json};
use beacon_analytics::register::{AddressDimension, group_addresses};
use beacon_app::addresses::{AddressFigures, AddressQuery, CountedAddresses, count_addresses};
use clap::Args;
use std::process::ExitCode;
use time::Date;

/// Arguments of `beacon addresses`.
#[derive(Debug, Args)]
pub struct AddressesArgs {
    /// First day (YYYY-MM-DD or DD/MM/YYYY). Default: the whole register.
    #[arg(long, value_parser = parse_cli_date)]
    pub from: Option<Date>,
    /// Last day (inclusive). Default: today.
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Option<Date>,
    /// Break down by these, comma-separated: district, type, organisation, feed, month.
    #[arg(long, value_delimiter = ',')]
    pub by: Vec<AddressDimension>,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the breakdown as CSV.
    #[arg(long)]
    pub csv: bool,
}

/// Runs `beacon addresses`.
pub fn run(args: AddressesArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let to = args.to.unwrap_or_else(super::output::today);
    if let Some(from) = args.from
        && from > to
    {
        anyhow::bail!("--from must not be after --to");
    }
    let CountedAddresses {
        figures: output,
        facts,
    } = count_addresses(
        store.as_mut(),
        &AddressQuery {
            from: args.from,
            to,
            by: args.by.clone(),
        },
    )?;
    if args.json {
        print_json(&output)?;
    } else if args.csv {
        let by = if args.by.is_empty() {
            vec![AddressDimension::District]
        } else {
            args.by.clone()
        };
        let mut headers: Vec<&str> = by.iter().map(|d| d.as_str()).collect();
        headers.push("addresses");
        let rows = group_addresses(&facts, &by);
        print_csv(
            &headers,
            rows.into_iter().map(|row| {
                let mut values: Vec<String> = row.key.into_values().collect();
                values.push(row.addresses.to_string());
                values
            }),
        )?;
    } else {
        print_text(&output);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(output: &AddressFigures) {
    let period = match &output.from {
        Some(from) => format!("between {from} and {}", output.to),
        None => format!("up to {}", output.to),
    };
    out!(
        "{} distinct addresses were seen in threat feeds {period}; {} belong to a registered organisation.",
        count(output.distinct_addresses),
        count(output.attributed_addresses)
    );
    if let Some(previous) = &output.previous_period {
        match previous.change_percent {
            Some(change) => out!(
                "The period before ({} to {}) had {} ({change:+}%).",
                previous.from,
                previous.to,
                count(previous.distinct_addresses)
            ),
            None => out!(
                "The period before ({} to {}) had none.",
                previous.from,
                previous.to
            ),
        }
    }
    out!();
    out!("{:<40} {:>10}", "district", "addresses");
    for row in &output.by_district {
        out!("{:<40} {:>10}", row.name, count(row.addresses));
    }
    if !output.by_month.is_empty() {
        out!();
        out!("{:<40} {:>10}", "month", "addresses");
        for row in &output.by_month {
            out!("{:<40} {:>10}", row.key["month"], count(row.addresses));
        }
    }
    if !output.groups.is_empty() {
        out!();
        let names: Vec<&str> = output.groups[0].key.keys().copied().collect();
        out!("{:<60} {:>10}", names.join(" / "), "addresses");
        for row in &output.groups {
            let values: Vec<&str> = row.key.values().map(String::as_str).collect();
            out!("{:<60} {:>10}", values.join(" / "), count(row.addresses));
        }
    }
}
