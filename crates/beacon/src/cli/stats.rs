//! `beacon stats`: figures for a period, with optional breakdowns.

use super::config::Settings;
use super::output::{count, one_decimal, parse_cli_date, pounds, print_csv, print_json};
use beacon_analytics::{Dimension, GroupRow, Summary};
use beacon_app::stats::{PeriodStats, StatsError};
use beacon_store::Store;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;
use time::Date;

/// Arguments of `beacon stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// First day (YYYY-MM-DD or DD/MM/YYYY). Default: the first stored report.
    #[arg(long, value_parser = parse_cli_date)]
    pub from: Option<Date>,
    /// Last day. Default: the last stored report.
    #[arg(long, value_parser = parse_cli_date)]
    pub to: Option<Date>,
    /// Break down by these dimensions, comma-separated: district, fraud_type,
    /// type_group, category, month, victim_type, age_band, local_issue, cyber_enabled.
    #[arg(long, value_delimiter = ',')]
    pub by: Vec<Dimension>,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (the breakdown if --by is given, else the district table).
    #[arg(long)]
    pub csv: bool,
}

/// The JSON form: the summary, plus the breakdown when asked for.
#[derive(Serialize)]
struct StatsOutput<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<&'a [GroupRow]>,
}

/// The summary of a period (and its breakdown), from the application layer, with its
/// errors in the command line's words.
pub fn compute(
    store: &mut dyn Store,
    from: Option<Date>,
    to: Option<Date>,
    by: &[Dimension],
    rules: &beacon_core::LocalIssueRules,
) -> anyhow::Result<PeriodStats> {
    beacon_app::stats::compute(store, from, to, by, rules, super::output::today()).map_err(
        |error| match error {
            StatsError::Period(error) => {
                anyhow::Error::new(error).context("--from must not be after --to")
            }
            StatsError::Store(error) => error.into(),
        },
    )
}

/// Runs `beacon stats`.
pub fn run(args: StatsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let rules = settings.rules(None)?;
    let PeriodStats { summary, groups } =
        compute(store.as_mut(), args.from, args.to, &args.by, &rules)?;
    if args.json {
        print_json(&StatsOutput {
            summary: &summary,
            groups: (!args.by.is_empty()).then_some(groups.as_slice()),
        })?;
    } else if args.csv {
        if args.by.is_empty() {
            print_csv(
                &[
                    "district_code",
                    "name",
                    "reports",
                    "loss_pence",
                    "reports_per_100k",
                    "year_earlier_reports",
                ],
                summary.by_district.iter().map(|row| {
                    vec![
                        row.district_code
                            .clone()
                            .unwrap_or_else(|| "unknown".into()),
                        row.name.clone(),
                        row.reports.to_string(),
                        row.loss_pence.to_string(),
                        row.reports_per_100k
                            .map(|r| format!("{r:.1}"))
                            .unwrap_or_default(),
                        row.year_earlier_reports.to_string(),
                    ]
                }),
            )?;
        } else {
            let mut headers: Vec<&str> = args.by.iter().map(|d| d.name()).collect();
            headers.extend([
                "reports",
                "loss_pence",
                "median_loss_pence",
                "cyber_enabled",
                "reports_per_100k",
                "repeat_victims",
            ]);
            print_csv(
                &headers,
                groups.iter().map(|group| {
                    let mut row: Vec<String> = args
                        .by
                        .iter()
                        .map(|d| group.keys.get(d.name()).cloned().unwrap_or_default())
                        .collect();
                    let m = &group.measures;
                    row.extend([
                        m.reports.to_string(),
                        m.loss_pence.to_string(),
                        m.median_loss_pence
                            .map(|v| v.to_string())
                            .unwrap_or_default(),
                        m.cyber_enabled.to_string(),
                        m.reports_per_100k
                            .map(|r| format!("{r:.1}"))
                            .unwrap_or_default(),
                        m.repeat_victims.to_string(),
                    ]);
                    row
                }),
            )?;
        }
    } else {
        print_text(&summary, &args.by, &groups);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(summary: &Summary, by: &[Dimension], groups: &[GroupRow]) {
    out!("{} — {} to {}", summary.area, summary.from, summary.to);
    for (label, measures) in [("Fraud", &summary.fraud), ("Cyber crime", &summary.cyber)] {
        out!(
            "{label}: {} reports, loss {}, cyber-enabled {}%, {} per 100,000 residents",
            count(measures.reports),
            pounds(measures.loss_pence),
            measures
                .cyber_enabled_share
                .map_or("–".into(), |s| format!("{s:.0}")),
            one_decimal(measures.reports_per_100k.unwrap_or(0.0))
        );
    }
    out!();
    out!(
        "{:<32} {:>8} {:>16} {:>10}",
        "district",
        "reports",
        "loss",
        "per 100k"
    );
    for row in &summary.by_district {
        out!(
            "{:<32} {:>8} {:>16} {:>10}",
            row.name,
            count(row.reports),
            pounds(row.loss_pence),
            row.reports_per_100k.map_or("–".into(), one_decimal)
        );
    }
    if !summary.spikes.is_empty() {
        out!();
        out!("Spikes ({})", summary.spike_rule);
        for spike in &summary.spikes {
            out!(
                "  {} {}: {} reports against a baseline of {:.1} (p = {:.2e})",
                spike.month,
                spike.label,
                count(spike.observed),
                spike.expected,
                spike.p_value
            );
        }
    }
    if !by.is_empty() {
        out!();
        let names: Vec<&str> = by.iter().map(|d| d.name()).collect();
        out!("{:<40} {:>8} {:>16}", names.join(" / "), "reports", "loss");
        for group in groups {
            let keys: Vec<&str> = by
                .iter()
                .map(|d| group.keys.get(d.name()).map_or("", String::as_str))
                .collect();
            out!(
                "{:<40} {:>8} {:>16}",
                keys.join(" / "),
                count(group.measures.reports),
                pounds(group.measures.loss_pence)
            );
        }
    }
}
