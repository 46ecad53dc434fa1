//! `beacon evaluation …`: the two calculators a protect campaign's evaluation needs —
//! how many participants (or clusters) each arm must have before it starts, and what the
//! arms' counts show once it ends. Neither touches the database.

use super::output::{count, print_json};
use anyhow::Context;
use beacon_evaluation::power::{ClusterDesign, Plan, minimum_detectable_target, plan};
use beacon_evaluation::{
    Arm, ArmSpec, BalanceTable, Design, DistrictMonth, Evaluation, EvaluationPlan, Outcome,
    PlanChoices, PlanDesign, Ratio, Unit, YearMonth, balance_table, compare,
    difference_in_differences, randomise,
};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::process::ExitCode;

/// `beacon evaluation` subcommands.
#[derive(Debug, Subcommand)]
pub enum EvaluationCommand {
    /// Participants per arm to detect a change from a baseline rate to a target rate
    /// (Fleiss's formula, and Cohen's arcsine figure beside it), inflated for cluster
    /// randomisation with --cluster-size and --icc; or, with --per-arm, the smallest
    /// change arms of that size can detect.
    Power(PowerArgs),
    /// Compare arms' counts: each arm's rate with its Wilson interval, and each arm after
    /// the first against the first (the control): the difference with Newcombe's
    /// interval, the relative risk and odds ratio, and a p-value (z test, or Fisher's
    /// exact test when an expected count is under 5).
    Compare(CompareArgs),
    /// Randomise a list of participants (CSV with a header) into arms: seeded and
    /// reproducible, stratified by the columns named, individually or by cluster; writes
    /// each participant's arm and prints the balance table.
    Randomise(RandomiseArgs),
    /// Write a campaign's evaluation plan: outcome, design, arms, strata and seed, the
    /// size per arm computed from the baseline and target, the analysis in words, and
    /// the plan's fingerprint (SHA-256 of its canonical JSON).
    Plan(PlanArgs),
    /// Difference in differences of district monthly report rates for an area campaign,
    /// from a CSV of district,month,reports,population,treated,start, with the
    /// pre-period trend check.
    Did(DidArgs),
}

/// Arguments of `beacon evaluation plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The control arm's expected rate of the primary outcome, as a proportion.
    #[arg(long)]
    pub baseline: f64,
    /// The rate the campaign aims for (the minimum detectable effect), as a proportion.
    #[arg(long)]
    pub target: f64,
    /// The primary outcome: click, self_reported_action or report_rate.
    #[arg(long, default_value = "click", value_parser = parse_outcome)]
    pub outcome: Outcome,
    /// Secondary outcomes, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_outcome)]
    pub secondary: Vec<Outcome>,
    /// Randomise whole wards or districts instead of individuals; needs --cluster-size
    /// and --icc.
    #[arg(long, value_parser = ["ward", "district"], requires_all = ["cluster_size", "icc"])]
    pub cluster: Option<String>,
    /// The mean number of contacts per cluster.
    #[arg(long, requires = "cluster")]
    pub cluster_size: Option<u64>,
    /// The intracluster correlation assumed, between 0 and 1.
    #[arg(long, requires = "cluster")]
    pub icc: Option<f64>,
    /// The arms, comma-separated, the control first; NAME or NAME:WEIGHT.
    #[arg(long, value_delimiter = ',', default_value = "control,letter", value_parser = parse_plan_arm)]
    pub arms: Vec<ArmSpec>,
    /// Attributes the randomisation is stratified on, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub strata: Vec<String>,
    /// The randomisation seed, recorded in the plan.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The two-sided significance level.
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_ALPHA)]
    pub alpha: f64,
    /// The power.
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_POWER)]
    pub power: f64,
    /// Print the plan and its fingerprint as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon evaluation did`.
#[derive(Debug, Args)]
pub struct DidArgs {
    /// The CSV: district,month,reports,population,treated,start (month and start as
    /// YYYY-MM; treated true or false; start given on the treated districts' rows).
    #[arg(long)]
    pub file: std::path::PathBuf,
    /// The significance level of the interval.
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_ALPHA)]
    pub alpha: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::parse(text).ok_or_else(|| {
        format!("'{text}' is not an outcome: give click, self_reported_action or report_rate")
    })
}

/// Reads `NAME` (weight 1) or `NAME:WEIGHT`.
fn parse_plan_arm(text: &str) -> Result<ArmSpec, String> {
    if text.contains(':') {
        parse_arm_spec(text)
    } else {
        Ok(ArmSpec::new(text.trim(), 1))
    }
}

/// Arguments of `beacon evaluation randomise`.
#[derive(Debug, Args)]
pub struct RandomiseArgs {
    /// The participants: a CSV file with a header row.
    pub file: std::path::PathBuf,
    /// The column holding each participant's id (a whole number, unique).
    #[arg(long, default_value = "id")]
    pub id: String,
    /// Columns to stratify by, comma-separated (e.g. district,age_band).
    #[arg(long, value_delimiter = ',')]
    pub stratify: Vec<String>,
    /// Randomise whole clusters named by this column (e.g. ward) instead of individuals.
    #[arg(long)]
    pub cluster: Option<String>,
    /// An arm as NAME:WEIGHT (e.g. control:1); the first is the control. Repeat for each.
    #[arg(long = "arm", required = true, value_parser = parse_arm_spec)]
    pub arms: Vec<ArmSpec>,
    /// The seed: record it, since the same file and seed always give the same allocation.
    #[arg(long)]
    pub seed: u64,
    /// Write `id,arm` here (CSV) instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Print the counts and balance table as JSON (the allocation still goes to --out).
    #[arg(long)]
    pub json: bool,
}

/// Reads `NAME:WEIGHT`.
fn parse_arm_spec(text: &str) -> Result<ArmSpec, String> {
    let (name, weight) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("'{text}' is not NAME:WEIGHT (e.g. control:1)"))?;
    let weight: u32 = weight
        .trim()
        .parse()
        .map_err(|_| format!("'{weight}' is not a whole-number weight"))?;
    Ok(ArmSpec::new(name.trim(), weight))
}

/// Arguments of `beacon evaluation power`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("size").required(true).args(["target", "per_arm"])))]
pub struct PowerArgs {
    /// The control arm's expected rate, as a proportion (0.12 for 12%).
    #[arg(long)]
    pub baseline: f64,
    /// The rate the campaign aims for in the treatment arm, as a proportion.
    #[arg(long)]
    pub target: Option<f64>,
    /// Participants per arm already fixed: print the smallest detectable rise and fall
    /// from the baseline instead of a sample size.
    #[arg(long, conflicts_with_all = ["cluster_size", "icc"])]
    pub per_arm: Option<u64>,
    /// The two-sided significance level.
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_ALPHA)]
    pub alpha: f64,
    /// The probability of detecting the change if it is real (1 − β).
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_POWER)]
    pub power: f64,
    /// Participants per cluster when whole clusters (organisations, wards) are
    /// randomised; needs --icc.
    #[arg(long, requires = "icc")]
    pub cluster_size: Option<u64>,
    /// The intracluster correlation coefficient, between 0 and 1; needs --cluster-size.
    #[arg(long, requires = "cluster_size")]
    pub icc: Option<f64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon evaluation compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// An arm as NAME:N:EVENTS (participants, and how many had the outcome); the first is
    /// the control. Give at least two.
    #[arg(long = "arm", value_name = "NAME:N:EVENTS", required = true, value_parser = parse_arm)]
    pub arms: Vec<Arm>,
    /// The significance level of the intervals (0.05 gives 95% intervals).
    #[arg(long, default_value_t = beacon_evaluation::DEFAULT_ALPHA)]
    pub alpha: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Reads `NAME:N:EVENTS`; the name may itself contain colons.
fn parse_arm(text: &str) -> Result<Arm, String> {
    let mut parts = text.rsplitn(3, ':');
    let (Some(events), Some(n), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("an arm is NAME:N:EVENTS, for example control:400:52".to_owned());
    };
    let whole = |what: &str, value: &str| {
        value
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{what} must be a whole number, not {value:?} (NAME:N:EVENTS)"))
    };
    let n = whole("N (participants)", n)?;
    let events = whole("EVENTS", events)?;
    Arm::new(name.trim(), n, events).map_err(|error| error.to_string())
}

/// Runs an evaluation subcommand.
pub fn run(command: EvaluationCommand) -> anyhow::Result<ExitCode> {
    match command {
        EvaluationCommand::Power(args) => power(args),
        EvaluationCommand::Compare(args) => compare_arms(args),
        EvaluationCommand::Randomise(args) => randomise_file(args),
        EvaluationCommand::Plan(args) => write_plan(args),
        EvaluationCommand::Did(args) => did_file(args),
    }
}

/// The plan with its fingerprint, for `--json`.
#[derive(Serialize)]
struct PlanOutput<'a> {
    plan: &'a EvaluationPlan,
    fingerprint: String,
}

/// The plan choices the arguments make (also `beacon campaigns plan`'s).
pub(super) fn plan_choices(args: &PlanArgs) -> PlanChoices {
    let design = match args.cluster.as_deref() {
        Some("ward") => PlanDesign::ClusterByWard,
        Some(_) => PlanDesign::ClusterByDistrict,
        None => PlanDesign::Individual,
    };
    PlanChoices {
        primary_outcome: args.outcome,
        secondary_outcomes: args.secondary.clone(),
        design,
        arms: args.arms.clone(),
        strata: args.strata.clone(),
        seed: args.seed,
        baseline: args.baseline,
        target: args.target,
        alpha: args.alpha,
        power: args.power,
        icc: args.icc,
        mean_cluster_size: args.cluster_size,
    }
}

fn write_plan(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let plan = EvaluationPlan::new(plan_choices(&args))?;
    if args.json {
        print_json(&PlanOutput {
            plan: &plan,
            fingerprint: plan.fingerprint(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let arms: Vec<String> = plan
        .arms
        .iter()
        .map(|arm| format!("{} ({})", arm.name, arm.weight))
        .collect();
    out!("primary outcome: {}", plan.primary_outcome.label());
    if !plan.secondary_outcomes.is_empty() {
        let secondary: Vec<&str> = plan.secondary_outcomes.iter().map(|o| o.label()).collect();
        out!("secondary outcomes: {}", secondary.join(", "));
    }
    out!(
        "design: {}",
        match plan.design.cluster_name() {
            Some(cluster) => format!("whole {cluster}s randomised"),
            None => "individual randomisation".to_owned(),
        }
    );
    out!("arms (weight): {}", arms.join(", "));
    if !plan.strata.is_empty() {
        out!("strata: {}", plan.strata.join(", "));
    }
    out!("seed: {}", plan.seed);
    out!(
        "planned n per arm: {}{}",
        count(plan.planned_n_per_arm),
        plan.planned_clusters_per_arm
            .map(|clusters| format!(" ({} clusters per arm)", count(clusters)))
            .unwrap_or_default()
    );
    out!(
        "for {} → {}, two-sided alpha {}, power {}",
        percent(plan.baseline),
        percent(plan.target),
        plan.alpha,
        plan.power
    );
    out!();
    out!("{}", plan.analysis);
    out!();
    out!("fingerprint: {}", plan.fingerprint());
    Ok(ExitCode::SUCCESS)
}

/// Reads the DiD file: every bad line is named, and nothing is estimated unless the
/// whole file is good.
fn read_did(
    path: &std::path::Path,
) -> anyhow::Result<(Vec<DistrictMonth>, Vec<String>, YearMonth)> {
    let source = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("while reading {source}"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{source}: cannot read the header row"))?
        .clone();
    let position = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
            .with_context(|| format!("{source}: there is no column '{name}' in the header"))
    };
    let columns = [
        position("district")?,
        position("month")?,
        position("reports")?,
        position("population")?,
        position("treated")?,
        position("start")?,
    ];
    let mut rows = Vec::new();
    let mut treated: Vec<String> = Vec::new();
    let mut start: Option<YearMonth> = None;
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("line {line}: {error}"));
                continue;
            }
        };
        let field = |column: usize| record.get(columns[column]).unwrap_or("").to_owned();
        let district = field(0);
        if district.is_empty() {
            problems.push(format!("line {line}: the district is empty"));
            continue;
        }
        let Some(month) = YearMonth::parse(&field(1)) else {
            problems.push(format!("line {line}: month '{}' is not YYYY-MM", field(1)));
            continue;
        };
        let (Ok(reports), Ok(population)) = (field(2).parse::<u64>(), field(3).parse::<u64>())
        else {
            problems.push(format!(
                "line {line}: reports and population must be whole numbers, not '{}' and '{}'",
                field(2),
                field(3)
            ));
            continue;
        };
        let is_treated = match field(4).to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" => true,
            "false" | "no" | "0" | "n" | "" => false,
            other => {
                problems.push(format!(
                    "line {line}: treated '{other}' is not true or false"
                ));
                continue;
            }
        };
        let start_text = field(5);
        if !start_text.is_empty() {
            match YearMonth::parse(&start_text) {
                None => {
                    problems.push(format!("line {line}: start '{start_text}' is not YYYY-MM"));
                    continue;
                }
                Some(given) if start.is_some_and(|known| known != given) => {
                    problems.push(format!(
                        "line {line}: start {given} differs from the {} given before: one campaign starts once",
                        start.map(|s| s.to_string()).unwrap_or_default()
                    ));
                    continue;
                }
                Some(given) => start = Some(given),
            }
        }
        if is_treated && !treated.contains(&district) {
            treated.push(district.clone());
        }
        rows.push(DistrictMonth {
            district,
            month,
            reports,
            population,
        });
    }
    if !problems.is_empty() {
        anyhow::bail!("{source}: nothing was estimated:\n{}", problems.join("\n"));
    }
    let start = start.with_context(|| {
        format!(
            "{source}: no row gives the start month (the start column of the treated districts)"
        )
    })?;
    Ok((rows, treated, start))
}

fn did_file(args: DidArgs) -> anyhow::Result<ExitCode> {
    let (rows, treated, start) = read_did(&args.file)?;
    let estimate = difference_in_differences(&rows, &treated, start, args.alpha)?;
    if args.json {
        print_json(&estimate)?;
        return Ok(ExitCode::SUCCESS);
    }
    let level = confidence(args.alpha);
    out!("campaign start: {}", estimate.start);
    out!(
        "{:<12}  {:>7}  {:>10}  {:>10}  {:>9}",
        "district",
        "treated",
        "pre rate",
        "post rate",
        "change"
    );
    for district in &estimate.districts {
        out!(
            "{:<12}  {:>7}  {:>10.2}  {:>10.2}  {:>+9.2}",
            district.district,
            if district.treated { "yes" } else { "no" },
            district.pre_rate,
            district.post_rate,
            district.change
        );
    }
    out!("(rates per 100,000 residents a month)");
    out!();
    let did = &estimate.did;
    out!(
        "difference in differences: {:+.2} per 100,000 a month (treated {:+.2}, control {:+.2})",
        did.estimate,
        did.treated_mean,
        did.control_mean
    );
    match (did.interval, did.p_value, did.standard_error) {
        (Some(interval), Some(p), Some(se)) => out!(
            "  standard error {se:.3}; {level} CI {:+.2} to {:+.2}; p-value {} (t on {} df, district changes)",
            interval.lower,
            interval.upper,
            p_value(p),
            did.degrees_of_freedom
        ),
        _ => out!("  no test: the districts' changes do not vary within the groups"),
    }
    if let Some(trend) = &estimate.pre_trend {
        out!(
            "pre-period slope difference: {:+.3} per 100,000 a month per month{}",
            trend.estimate,
            trend
                .p_value
                .map(|p| format!(" (p-value {})", p_value(p)))
                .unwrap_or_default()
        );
    }
    if let Some(caution) = &estimate.pre_trend_caution {
        out!("caution: {caution}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The participants as read: units for the allocation and, per stratifying column, each
/// participant's value (for the balance table).
struct Participants {
    units: Vec<Unit>,
    attributes: Vec<(String, Vec<String>)>,
}

/// Reads the participants file: every problem is reported with its line, and nothing is
/// allocated unless the whole file is good. A plain CSV read of the user's own columns,
/// so the `csv` crate does the parsing.
fn read_participants(args: &RandomiseArgs) -> anyhow::Result<Participants> {
    let source = args.file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&args.file)
        .with_context(|| format!("while reading {source}"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{source}: cannot read the header row"))?
        .clone();
    let position = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
            .with_context(|| format!("{source}: there is no column '{name}' in the header"))
    };
    let id_column = position(&args.id)?;
    let strata: Vec<usize> = args
        .stratify
        .iter()
        .map(|name| position(name))
        .collect::<anyhow::Result<_>>()?;
    let cluster = args.cluster.as_deref().map(position).transpose()?;
    let mut units = Vec::new();
    let mut values: Vec<Vec<String>> = vec![Vec::new(); strata.len()];
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("line {line}: {error}"));
                continue;
            }
        };
        let field = |column: usize| record.get(column).unwrap_or("").to_owned();
        let Ok(id) = field(id_column).parse::<u64>() else {
            problems.push(format!(
                "line {line}: column {}: '{}' is not a whole-number id",
                args.id,
                field(id_column)
            ));
            continue;
        };
        let cluster_name = cluster.map(field);
        if cluster_name.as_deref() == Some("") {
            problems.push(format!(
                "line {line}: column {}: empty, but every participant needs a cluster",
                args.cluster.as_deref().unwrap_or_default()
            ));
            continue;
        }
        let stratum_values: Vec<String> = strata.iter().map(|&column| field(column)).collect();
        for (list, value) in values.iter_mut().zip(&stratum_values) {
            list.push(value.clone());
        }
        units.push(Unit {
            id,
            stratum: stratum_values.join("|"),
            cluster: cluster_name,
        });
    }
    if !problems.is_empty() {
        anyhow::bail!(
            "{source}: {} problem(s); nothing was allocated:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(Participants {
        units,
        attributes: args.stratify.iter().cloned().zip(values).collect(),
    })
}

/// What `randomise --json` prints.
#[derive(Serialize)]
struct RandomiseReport<'a> {
    seed: u64,
    design: Design,
    arms: &'a [String],
    counts: &'a [u64],
    cluster_counts: Option<&'a [u64]>,
    balance: &'a BalanceTable,
}

fn randomise_file(args: RandomiseArgs) -> anyhow::Result<ExitCode> {
    let participants = read_participants(&args)?;
    let design = if args.cluster.is_some() {
        Design::Cluster
    } else {
        Design::Individual
    };
    let allocation = randomise(&participants.units, &args.arms, args.seed, design)?;
    let balance = balance_table(&participants.units, &allocation, &participants.attributes)?;
    let mut allocated = String::from("id,arm\n");
    for (position, unit) in participants.units.iter().enumerate() {
        allocated.push_str(&format!(
            "{},{}\n",
            unit.id,
            allocation.arm_of(position).unwrap_or_default()
        ));
    }
    match &args.out {
        Some(path) => std::fs::write(path, &allocated)
            .with_context(|| format!("while writing {}", path.display()))?,
        None if !args.json => super::output::emit_text(&allocated),
        None => {}
    }
    if args.json {
        print_json(&RandomiseReport {
            seed: args.seed,
            design,
            arms: &allocation.arms,
            counts: &allocation.counts,
            cluster_counts: allocation.cluster_counts.as_deref(),
            balance: &balance,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let summary: Vec<String> = allocation
        .arms
        .iter()
        .zip(&allocation.counts)
        .map(|(arm, n)| format!("{arm} {}", count(*n)))
        .collect();
    let report = |line: String| {
        if args.out.is_some() {
            out!("{line}");
        } else {
            eprintln!("{line}");
        }
    };
    report(format!(
        "{} participants randomised with seed {} ({}): {}",
        count(participants.units.len() as u64),
        args.seed,
        match design {
            Design::Individual => "individually",
            Design::Cluster => "by cluster",
        },
        summary.join(", ")
    ));
    for row in &balance.rows {
        let shares: Vec<String> = row.shares.iter().map(|share| percent(*share)).collect();
        report(format!(
            "  {} = {}: {} (largest difference {} points)",
            row.attribute,
            row.value,
            shares.join(" / "),
            trimmed(row.max_difference * 100.0, 1)
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The smallest detectable changes for arms of a fixed size, as `--per-arm --json`
/// prints them.
#[derive(Serialize)]
struct Detectable {
    baseline: f64,
    n_per_arm: u64,
    alpha: f64,
    power: f64,
    /// The lowest target above the baseline that is detectable, if any.
    rise_to: Option<f64>,
    /// The highest target below the baseline that is detectable, if any.
    fall_to: Option<f64>,
}

fn power(args: PowerArgs) -> anyhow::Result<ExitCode> {
    let Some(target) = args.target else {
        let n = args.per_arm.unwrap_or_default();
        return detectable(args.baseline, n, args.alpha, args.power, args.json);
    };
    let cluster = match (args.cluster_size, args.icc) {
        (Some(cluster_size), Some(icc)) => Some(ClusterDesign { cluster_size, icc }),
        _ => None,
    };
    let plan = plan(args.baseline, target, args.alpha, args.power, cluster)?;
    if args.json {
        print_json(&plan)?;
    } else {
        print_plan(&plan);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &Plan) {
    out!(
        "n per arm: {} (Fleiss, normal approximation; {:.2} before rounding up)",
        count(plan.n_per_arm),
        plan.n_exact
    );
    out!(
        "n per arm, arcsine: {} (Cohen's h {:.4}; as statsmodels' NormalIndPower)",
        count(plan.arcsine.n_per_arm),
        plan.arcsine.cohens_h
    );
    if let Some(cluster) = &plan.cluster {
        out!(
            "design effect: {} (clusters of {}, ICC {})",
            trimmed(cluster.design_effect, 4),
            count(cluster.cluster_size),
            cluster.icc
        );
        out!("n per arm with clustering: {}", count(cluster.n_per_arm));
        out!("clusters per arm: {}", count(cluster.clusters_per_arm));
    }
    out!(
        "for {} → {}, two-sided alpha {}, power {}",
        percent(plan.baseline),
        percent(plan.target),
        plan.alpha,
        plan.power
    );
}

fn detectable(
    baseline: f64,
    n: u64,
    alpha: f64,
    power: f64,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let rise_to = minimum_detectable_target(baseline, n, alpha, power)?;
    // Fleiss's formula is unchanged when every rate becomes one minus itself, so the
    // largest detectable fall is the mirror of the rise from 1 − baseline.
    let fall_to =
        minimum_detectable_target(1.0 - baseline, n, alpha, power)?.map(|rise| 1.0 - rise);
    let found = Detectable {
        baseline,
        n_per_arm: n,
        alpha,
        power,
        rise_to,
        fall_to,
    };
    if json {
        print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    let describe = |to: Option<f64>| match to {
        Some(to) => format!(
            "to {} ({} points)",
            percent(to),
            signed_points(to - baseline)
        ),
        None => "none (the arms are too small)".to_owned(),
    };
    out!("smallest detectable rise: {}", describe(rise_to));
    out!("smallest detectable fall: {}", describe(fall_to));
    out!(
        "for {} per arm from {}, two-sided alpha {alpha}, power {power}",
        count(n),
        percent(baseline)
    );
    Ok(ExitCode::SUCCESS)
}

fn compare_arms(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let evaluation = compare(&args.arms, args.alpha)?;
    if args.json {
        print_json(&evaluation)?;
    } else {
        print_evaluation(&evaluation);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_evaluation(evaluation: &Evaluation) {
    let level = confidence(evaluation.alpha);
    let width = evaluation
        .arms
        .iter()
        .map(|arm| arm.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(3);
    out!(
        "{:<width$}  {:>9}  {:>9}  {:>8}  {level} CI",
        "arm",
        "n",
        "events",
        "rate"
    );
    for arm in &evaluation.arms {
        out!(
            "{:<width$}  {:>9}  {:>9}  {:>8}  {} to {}",
            arm.name,
            count(arm.n),
            count(arm.events),
            percent(arm.rate),
            percent(arm.interval.lower),
            percent(arm.interval.upper)
        );
    }
    for comparison in &evaluation.comparisons {
        out!();
        out!("{} against {}:", comparison.treatment, comparison.control);
        out!(
            "  difference     {} points ({level} CI {} to {}; Newcombe)",
            signed_points(comparison.difference),
            signed_points(comparison.difference_interval.lower),
            signed_points(comparison.difference_interval.upper)
        );
        out!(
            "  relative risk  {}",
            ratio(comparison.relative_risk.as_ref(), &level)
        );
        out!(
            "  odds ratio     {}",
            ratio(comparison.odds_ratio.as_ref(), &level)
        );
        out!(
            "  p-value        {} ({}; smallest expected count {:.1})",
            p_value(comparison.p_value),
            comparison.test.describe(),
            comparison.smallest_expected
        );
    }
}

fn ratio(ratio: Option<&Ratio>, level: &str) -> String {
    match ratio {
        Some(ratio) => format!(
            "{:.3} ({level} CI {:.3} to {:.3}{})",
            ratio.estimate,
            ratio.interval.lower,
            ratio.interval.upper,
            if ratio.continuity_corrected {
                "; 0.5 added to every cell, as one is zero"
            } else {
                ""
            }
        ),
        None => "not defined (no events in either arm, or all events in both)".to_owned(),
    }
}

/// A proportion as a percentage with two decimals: `0.1234` → `12.34%`.
fn percent(value: f64) -> String {
    format!("{:.2}%", value * 100.0)
}

/// A difference of proportions in percentage points, signed: `-0.03` → `-3.00`.
fn signed_points(value: f64) -> String {
    let points = value * 100.0;
    if points.abs() < 0.005 {
        "0.00".to_owned()
    } else {
        format!("{points:+.2}")
    }
}

/// A p-value to four decimals, or in scientific form below 0.001.
fn p_value(value: f64) -> String {
    if value >= 0.001 {
        format!("{value:.4}")
    } else {
        format!("{value:.3e}")
    }
}

/// The confidence level of `alpha` as a percentage: 0.05 → `95%`, 0.025 → `97.5%`.
fn confidence(alpha: f64) -> String {
    format!("{}%", trimmed((1.0 - alpha) * 100.0, 4))
}

/// A number with at most `decimals` decimals and no trailing zeros: `1.4800` → `1.48`.
fn trimmed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}
