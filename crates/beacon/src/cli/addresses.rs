//! `beacon addresses`: how many distinct addresses the feeds saw in the area, by district,
//! type, organisation, feed or month, with the trend against the period before.

use super::config::Settings;
use super::output::{count, parse_cli_date, print_csv, print_json};
use beacon_analytics::register::{
    AddressDimension, AddressGroup, attributed_addresses, distinct_addresses, group_addresses,
};
use beacon_store::Store;
use clap::Args;
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;
use time::{Date, Duration, OffsetDateTime, Time};

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

/// Distinct addresses in one district.
#[derive(Serialize)]
struct DistrictCount {
    district: String,
    name: String,
    addresses: u64,
}

/// The figure for the period before, of the same length.
#[derive(Serialize)]
struct Previous {
    from: String,
    to: String,
    distinct_addresses: u64,
    /// Percentage change, when the period before had any.
    change_percent: Option<f64>,
}

/// The JSON form.
#[derive(Serialize)]
struct AddressesOutput {
    from: Option<String>,
    to: String,
    distinct_addresses: u64,
    attributed_addresses: u64,
    by_district: Vec<DistrictCount>,
    by_month: Vec<AddressGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_period: Option<Previous>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<AddressGroup>,
}

fn start_of(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_utc()
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
    let end = start_of(to) + Duration::days(1);
    let facts = store.sighting_facts(args.from.map(start_of), Some(end))?;
    let previous = match args.from {
        Some(from) => {
            let days = (to - from).whole_days() + 1;
            let before_to = from - Duration::days(1);
            let before_from = from - Duration::days(days);
            let earlier =
                store.sighting_facts(Some(start_of(before_from)), Some(start_of(from)))?;
            Some((before_from, before_to, distinct_addresses(&earlier)))
        }
        None => None,
    };
    let output = summarise(store.as_mut(), &facts, args.from, to, previous, &args.by)?;
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

fn summarise(
    store: &mut dyn Store,
    facts: &[beacon_store::SightingFact],
    from: Option<Date>,
    to: Date,
    previous: Option<(Date, Date, u64)>,
    by: &[AddressDimension],
) -> anyhow::Result<AddressesOutput> {
    let districts = store.districts()?;
    let names: HashMap<String, String> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id.to_string(), o.organisation.name))
        .collect();
    let distinct = distinct_addresses(facts);
    let mut by_district: Vec<DistrictCount> = Vec::new();
    let counted: HashMap<String, u64> = group_addresses(facts, &[AddressDimension::District])
        .into_iter()
        .map(|g| (g.key["district"].clone(), g.addresses))
        .collect();
    for district in &districts.list {
        by_district.push(DistrictCount {
            district: district.code.to_string(),
            name: district.name.clone(),
            addresses: counted.get(district.code.as_str()).copied().unwrap_or(0),
        });
    }
    if let Some(unknown) = counted.get("unknown") {
        by_district.push(DistrictCount {
            district: "unknown".into(),
            name: "Not attributed to a district".into(),
            addresses: *unknown,
        });
    }
    let mut groups = if by.is_empty() {
        Vec::new()
    } else {
        group_addresses(facts, by)
    };
    for group in &mut groups {
        if let Some(owner) = group.key.get_mut("organisation")
            && let Some(name) = names.get(owner.as_str())
        {
            *owner = name.clone();
        }
    }
    Ok(AddressesOutput {
        from: from.map(|d| d.to_string()),
        to: to.to_string(),
        distinct_addresses: distinct,
        attributed_addresses: attributed_addresses(facts),
        by_district,
        by_month: group_addresses(facts, &[AddressDimension::Month]),
        previous_period: previous.map(|(from, to, before)| Previous {
            from: from.to_string(),
            to: to.to_string(),
            distinct_addresses: before,
            change_percent: (before > 0).then(|| {
                ((distinct as f64 - before as f64) / before as f64 * 1000.0).round() / 10.0
            }),
        }),
        groups,
    })
}

fn print_text(output: &AddressesOutput) {
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
