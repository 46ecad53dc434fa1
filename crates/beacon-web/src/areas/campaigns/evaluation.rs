//! A trial's evaluation pages: the plan (written and locked on a form before launch,
//! then shown as locked, with its fingerprint) and the report (each arm's rate with its
//! Wilson interval as a chart and the same figures as a table, every comparison with the
//! control, the cluster analysis, the difference in differences, and the warnings).

use super::scope::{area_links, refused};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date_time;
use crate::chrome::forms::Fields;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::campaigns::CampaignError;
use beacon_app::campaigns::evaluation::{CampaignEvaluation, evaluate, lock_plan, locked_plan};
use beacon_app::campaigns::launch::{CONTROL_ARM, STRATA};
use beacon_core::Permission;
use beacon_evaluation::{
    ArmSpec, ArmSummary, BalanceTable, EvaluationPlan, Outcome, PlanChoices, PlanDesign,
};
use beacon_store::CampaignRecord;
use time::OffsetDateTime;

/// The outcomes a plan may name, as the form offers them.
const OUTCOMES: [Outcome; 3] = [
    Outcome::Click,
    Outcome::SelfReportedAction,
    Outcome::ReportRate,
];

/// The designs, as the form offers them.
const DESIGNS: [(PlanDesign, &str, &str); 3] = [
    (
        PlanDesign::Individual,
        "individual",
        "Each contact on their own",
    ),
    (
        PlanDesign::ClusterByWard,
        "ward",
        "Whole wards (when neighbours talk to each other)",
    ),
    (
        PlanDesign::ClusterByDistrict,
        "district",
        "Whole districts (needed for report rates)",
    ),
];

fn outcome_key(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Click => "click",
        Outcome::SelfReportedAction => "self_reported_action",
        Outcome::ReportRate => "report_rate",
    }
}

/// The plan form's fields (and what was typed, shown again when refused). Read from the
/// raw fields, since secondary outcomes and strata are checkboxes sharing a name.
#[derive(Debug, Clone, Default)]
pub struct PlanForm {
    csrf_token: String,
    outcome: String,
    secondary: Vec<String>,
    design: String,
    arms: String,
    strata: Vec<String>,
    seed: String,
    baseline: String,
    target: String,
    alpha: String,
    power: String,
    icc: String,
    cluster_size: String,
}

impl PlanForm {
    /// The form's fields from what the browser sent.
    fn from_fields(fields: &[(String, String)]) -> PlanForm {
        let fields = Fields(fields);
        let one = |name: &str| fields.one(name);
        let all = |name: &str| fields.all(name);
        PlanForm {
            csrf_token: one("csrf_token"),
            outcome: one("outcome"),
            secondary: all("secondary"),
            design: one("design"),
            arms: one("arms"),
            strata: all("strata"),
            seed: one("seed"),
            baseline: one("baseline"),
            target: one("target"),
            alpha: one("alpha"),
            power: one("power"),
            icc: one("icc"),
            cluster_size: one("cluster_size"),
        }
    }
}

/// A percentage typed on the form as a proportion, or why not.
fn percent(text: &str, what: &str, problems: &mut Vec<String>) -> f64 {
    match text.trim().trim_end_matches('%').trim().parse::<f64>() {
        Ok(value) if value > 0.0 && value < 100.0 => value / 100.0,
        _ => {
            problems.push(format!("Enter {what} as a percentage between 0 and 100"));
            0.0
        }
    }
}

impl PlanForm {
    /// The form a new plan starts from: the usual choices.
    fn suggested() -> PlanForm {
        PlanForm {
            outcome: "click".to_owned(),
            design: "individual".to_owned(),
            arms: "letter".to_owned(),
            strata: vec!["district".to_owned()],
            seed: (OffsetDateTime::now_utc().unix_timestamp() % 1_000_000).to_string(),
            alpha: "5".to_owned(),
            power: "80".to_owned(),
            ..PlanForm::default()
        }
    }

    /// The choices the form makes, or every problem with it.
    fn choices(&self) -> Result<PlanChoices, Vec<String>> {
        let mut problems = Vec::new();
        let outcome = OUTCOMES
            .into_iter()
            .find(|outcome| outcome_key(*outcome) == self.outcome);
        if outcome.is_none() {
            problems.push("Choose the primary outcome".to_owned());
        }
        let secondary: Vec<Outcome> = OUTCOMES
            .into_iter()
            .filter(|o| self.secondary.iter().any(|s| s == outcome_key(*o)) && Some(*o) != outcome)
            .collect();
        let design = DESIGNS
            .iter()
            .find(|(_, key, _)| *key == self.design)
            .map(|(design, _, _)| *design);
        if design.is_none() {
            problems.push("Choose what is randomised".to_owned());
        }
        let mut arms = vec![ArmSpec::new(CONTROL_ARM, 1)];
        for name in self
            .arms
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            arms.push(ArmSpec::new(name.to_lowercase(), 1));
        }
        if arms.len() < 2 {
            problems.push("Name at least one arm besides the control".to_owned());
        }
        let seed = self.seed.trim().parse::<u64>().unwrap_or_else(|_| {
            problems.push("Enter the seed as a whole number".to_owned());
            0
        });
        let baseline = percent(
            &self.baseline,
            "the control arm's expected rate",
            &mut problems,
        );
        let target = percent(
            &self.target,
            "the rate the campaign aims for",
            &mut problems,
        );
        let alpha = percent(&self.alpha, "the significance level", &mut problems);
        let power = percent(&self.power, "the power", &mut problems);
        let clustered = design.is_some_and(PlanDesign::is_cluster);
        let (icc, mean_cluster_size) = if clustered {
            let icc = self
                .icc
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=1.0).contains(v));
            if icc.is_none() {
                problems
                    .push("Enter the intracluster correlation (ICC), between 0 and 1".to_owned());
            }
            let size = self
                .cluster_size
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|v| *v >= 1);
            if size.is_none() {
                problems.push("Enter the mean number of contacts per cluster".to_owned());
            }
            (icc, size)
        } else {
            (None, None)
        };
        match (outcome, design) {
            (Some(primary_outcome), Some(design)) if problems.is_empty() => Ok(PlanChoices {
                primary_outcome,
                secondary_outcomes: secondary,
                design,
                arms,
                strata: STRATA
                    .iter()
                    .filter(|s| self.strata.iter().any(|chosen| chosen == *s))
                    .map(|s| (*s).to_owned())
                    .collect(),
                seed,
                baseline,
                target,
                alpha,
                power,
                icc,
                mean_cluster_size,
            }),
            _ => Err(problems),
        }
    }
}

/// A choice on the form: its value, label and whether it is chosen.
pub struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

/// A locked plan as the page shows it.
pub struct PlanView {
    rows: Vec<(&'static str, String)>,
    analysis: String,
    fingerprint: String,
    locked: String,
}

fn plan_view(plan: &EvaluationPlan, campaign: &CampaignRecord) -> PlanView {
    let design = DESIGNS
        .iter()
        .find(|(design, _, _)| *design == plan.design)
        .map_or("", |(_, _, label)| label);
    let mut rows = vec![
        (
            "Primary outcome",
            plan.primary_outcome.describe().to_owned(),
        ),
        (
            "Secondary outcomes",
            if plan.secondary_outcomes.is_empty() {
                "None".to_owned()
            } else {
                plan.secondary_outcomes
                    .iter()
                    .map(|o| o.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        ("What is randomised", design.to_owned()),
        (
            "Arms",
            plan.arms
                .iter()
                .map(|arm| arm.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Stratified by",
            if plan.strata.is_empty() {
                "Nothing".to_owned()
            } else {
                plan.strata.join(", ")
            },
        ),
        ("Seed", plan.seed.to_string()),
        (
            "Expected rate without the campaign",
            format!("{:.1}%", plan.baseline * 100.0),
        ),
        (
            "Smallest effect worth detecting",
            format!("{:.1}%", plan.target * 100.0),
        ),
        (
            "Significance and power",
            format!(
                "{:.0}% two-sided, {:.0}% power",
                plan.alpha * 100.0,
                plan.power * 100.0
            ),
        ),
        ("Planned per arm", plan.planned_n_per_arm.to_string()),
    ];
    if let Some(clusters) = plan.planned_clusters_per_arm {
        rows.push(("Planned clusters per arm", clusters.to_string()));
    }
    let locked = campaign.plan.as_ref().map_or_else(String::new, |record| {
        format!("{} by {}", date_time(record.locked_at), record.locked_by)
    });
    PlanView {
        rows,
        analysis: plan.analysis.clone(),
        fingerprint: plan.fingerprint(),
        locked,
    }
}

#[derive(Template)]
#[template(path = "campaigns/templates/plan.html")]
struct PlanPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    id: i64,
    name: String,
    plan: Option<PlanView>,
    may_lock: bool,
    form: PlanForm,
    outcomes: Vec<Choice>,
    secondaries: Vec<Choice>,
    designs: Vec<Choice>,
    strata: Vec<Choice>,
}

fn plan_page(
    viewer: &Viewer,
    campaign: &CampaignRecord,
    plan: Option<&EvaluationPlan>,
    form: PlanForm,
    problems: Vec<String>,
    status: StatusCode,
) -> Response {
    let title = format!(
        "{}Evaluation plan: {}",
        if problems.is_empty() { "" } else { "Error: " },
        campaign.name
    );
    render(
        status,
        &PlanPage {
            chrome: viewer.chrome(&title, "/campaigns"),
            links: area_links(viewer),
            problems,
            id: campaign.id,
            name: campaign.name.clone(),
            plan: plan.map(|plan| plan_view(plan, campaign)),
            may_lock: viewer.may(Permission::ManageCampaigns)
                && campaign.plan.is_none()
                && campaign.evaluated,
            outcomes: OUTCOMES
                .iter()
                .map(|o| Choice {
                    value: outcome_key(*o),
                    label: o.describe(),
                    chosen: form.outcome == outcome_key(*o),
                })
                .collect(),
            secondaries: OUTCOMES
                .iter()
                .map(|o| Choice {
                    value: outcome_key(*o),
                    label: o.label(),
                    chosen: form.secondary.iter().any(|s| s == outcome_key(*o)),
                })
                .collect(),
            designs: DESIGNS
                .iter()
                .map(|(_, key, label)| Choice {
                    value: key,
                    label,
                    chosen: form.design == *key,
                })
                .collect(),
            strata: STRATA
                .iter()
                .map(|s| Choice {
                    value: s,
                    label: s,
                    chosen: form.strata.iter().any(|chosen| chosen == s),
                })
                .collect(),
            form,
        },
    )
}

async fn campaign_of(state: &AppState, id: i64) -> WebResult<CampaignRecord> {
    state
        .blocking(move |store| beacon_app::campaigns::campaign_or_not_found(store, id))
        .await?
        .map_err(refused)
}

/// The trial's plan: locked (shown), or the form to write and lock it.
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let campaign = campaign_of(&state, id).await?;
    if !campaign.evaluated {
        return Err(WebError::NotFound);
    }
    let plan = locked_plan(&campaign).map_err(refused)?;
    Ok(plan_page(
        &viewer,
        &campaign,
        plan.as_ref(),
        PlanForm::suggested(),
        Vec::new(),
        StatusCode::OK,
    ))
}

/// Locks the plan written on the form, or shows the form again with every problem.
pub async fn lock(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let form = PlanForm::from_fields(&fields);
    viewer.check_csrf(&form.csrf_token)?;
    let campaign = campaign_of(&state, id).await?;
    let problems = match form.choices() {
        Ok(choices) => {
            let actor = viewer.user.username.clone();
            let locked = state
                .blocking(move |store| {
                    lock_plan(store, id, choices, &actor, OffsetDateTime::now_utc())
                })
                .await?;
            match locked {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/campaigns/{id}/plan")).into_response());
                }
                Err(CampaignError::Invalid(problems)) => problems,
                Err(error) => return Err(refused(error)),
            }
        }
        Err(problems) => problems,
    };
    let plan = locked_plan(&campaign).map_err(refused)?;
    Ok(plan_page(
        &viewer,
        &campaign,
        plan.as_ref(),
        form,
        problems,
        StatusCode::BAD_REQUEST,
    ))
}

/// One row of an arm table.
pub struct ArmRow {
    name: String,
    n: u64,
    events: u64,
    rate: String,
    interval: String,
}

fn pct(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

fn arm_rows(arms: &[ArmSummary]) -> Vec<ArmRow> {
    arms.iter()
        .map(|arm| ArmRow {
            name: arm.name.clone(),
            n: arm.n,
            events: arm.events,
            rate: pct(arm.rate),
            interval: format!("{} to {}", pct(arm.interval.lower), pct(arm.interval.upper)),
        })
        .collect()
}

/// The arms' rates with their intervals as an SVG chart, described for screen readers
/// (the table beside it holds the same figures). Drawn by the page's template, which
/// escapes the arms' names.
pub struct RateChart {
    width: f64,
    height: f64,
    left: f64,
    label: String,
    bars: Vec<ChartBar>,
}

/// One arm's bar: its rate as a bar, its interval as a whiskered line.
pub struct ChartBar {
    name: String,
    rate: String,
    y: f64,
    bar: String,
    low: String,
    high: String,
    fill: &'static str,
}

impl ChartBar {
    /// Where the arm's name ends and its rate's text sits, in the chart's units.
    fn text_y(&self) -> f64 {
        self.y + 15.0
    }
    /// The middle of the bar, where the interval's line runs.
    fn mid(&self) -> f64 {
        self.y + 10.0
    }
    /// The interval whiskers' ends.
    fn whisker(&self) -> (f64, f64) {
        (self.y + 4.0, self.y + 16.0)
    }
}

fn rate_chart(title: &str, arms: &[ArmSummary]) -> RateChart {
    const WIDTH: f64 = 600.0;
    const LEFT: f64 = 140.0;
    const ROW: f64 = 36.0;
    let top = arms
        .iter()
        .map(|arm| arm.interval.upper)
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let scale = (WIDTH - LEFT - 60.0) / top;
    let label = arms
        .iter()
        .map(|arm| format!("{} {}", arm.name, pct(arm.rate)))
        .collect::<Vec<_>>()
        .join(", ");
    RateChart {
        width: WIDTH,
        height: ROW * arms.len() as f64 + 30.0,
        left: LEFT,
        label: format!("{title}: {label}"),
        bars: arms
            .iter()
            .enumerate()
            .map(|(index, arm)| ChartBar {
                name: arm.name.clone(),
                rate: pct(arm.rate),
                y: ROW * index as f64 + 10.0,
                bar: format!("{:.1}", arm.rate * scale),
                low: format!("{:.1}", LEFT + arm.interval.lower * scale),
                high: format!("{:.1}", LEFT + arm.interval.upper * scale),
                fill: if index == 0 { "#b1b4b6" } else { "#1d70b8" },
            })
            .collect(),
    }
}

/// One comparison as a table row.
pub struct ComparisonRow {
    treatment: String,
    difference: String,
    relative_risk: String,
    p_value: String,
    test: &'static str,
}

fn comparison_rows(evaluation: &beacon_evaluation::Evaluation) -> Vec<ComparisonRow> {
    evaluation
        .comparisons
        .iter()
        .map(|c| ComparisonRow {
            treatment: c.treatment.clone(),
            difference: format!(
                "{:+.1} points ({:+.1} to {:+.1})",
                c.difference * 100.0,
                c.difference_interval.lower * 100.0,
                c.difference_interval.upper * 100.0
            ),
            relative_risk: c.relative_risk.map_or_else(
                || "Not defined (no events)".to_owned(),
                |rr| {
                    format!(
                        "{:.2} ({:.2} to {:.2})",
                        rr.estimate, rr.interval.lower, rr.interval.upper
                    )
                },
            ),
            p_value: if c.p_value < 0.001 {
                "< 0.001".to_owned()
            } else {
                format!("{:.3}", c.p_value)
            },
            test: c.test.describe(),
        })
        .collect()
}

/// One outcome's section of the report.
pub struct OutcomeSection {
    heading: String,
    chart: RateChart,
    arms: Vec<ArmRow>,
    comparisons: Vec<ComparisonRow>,
}

fn section(heading: String, evaluation: &beacon_evaluation::Evaluation) -> OutcomeSection {
    OutcomeSection {
        chart: rate_chart(&heading, &evaluation.arms),
        arms: arm_rows(&evaluation.arms),
        comparisons: comparison_rows(evaluation),
        heading,
    }
}

/// The balance table as the page shows it: one table per attribute, each arm's count and
/// share of every value.
pub struct BalanceView {
    arms: Vec<(String, u64)>,
    groups: Vec<BalanceGroup>,
    largest: String,
}

/// One attribute's values.
pub struct BalanceGroup {
    attribute: String,
    rows: Vec<BalanceLine>,
}

/// One value's line of the balance table.
pub struct BalanceLine {
    value: String,
    cells: Vec<String>,
    difference: String,
    standardised: String,
    flagged: bool,
}

/// Standardised differences above this are commonly flagged in trial reports.
const FLAG_STANDARDISED: f64 = 0.1;

fn balance_view(balance: &BalanceTable) -> BalanceView {
    let mut groups: Vec<BalanceGroup> = Vec::new();
    for row in &balance.rows {
        let line = BalanceLine {
            value: row.value.clone(),
            cells: row
                .counts
                .iter()
                .zip(&row.shares)
                .map(|(count, share)| format!("{count} ({})", pct(*share)))
                .collect(),
            difference: format!("{:.1} points", row.max_difference * 100.0),
            standardised: format!("{:.2}", row.max_standardised_difference),
            flagged: row.max_standardised_difference > FLAG_STANDARDISED,
        };
        let attribute = capitalised(&row.attribute);
        match groups.last_mut() {
            Some(group) if group.attribute == attribute => group.rows.push(line),
            _ => groups.push(BalanceGroup {
                attribute,
                rows: vec![line],
            }),
        }
    }
    BalanceView {
        arms: balance
            .arms
            .iter()
            .cloned()
            .zip(balance.totals.iter().copied())
            .collect(),
        groups,
        largest: format!("{:.1} points", balance.max_difference() * 100.0),
    }
}

/// `text` with its first letter in capitals ("age band" → "Age band").
fn capitalised(text: &str) -> String {
    let mut letters = text.chars();
    letters.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + letters.as_str()
    })
}

#[derive(Template)]
#[template(path = "campaigns/templates/evaluation.html")]
struct ReportPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: i64,
    name: String,
    fingerprint: String,
    unavailable: Option<String>,
    summary: Option<String>,
    warnings: Vec<String>,
    sections: Vec<OutcomeSection>,
    opens: Vec<ArmRow>,
    clusters: Vec<(String, String, u64, u64, String)>,
    icc: Option<String>,
    design_effect: Option<String>,
    did: Option<(String, String, String)>,
    did_districts: Vec<(String, &'static str, String, String, String)>,
    balance: Option<BalanceView>,
}

fn report_page(viewer: &Viewer, found: &CampaignEvaluation) -> ReportPage {
    let report = found.report.as_ref();
    let mut sections = Vec::new();
    if let Some(report) = report {
        if let Some(primary) = &report.primary {
            sections.push(section(
                format!("Primary outcome: {}", report.primary_outcome.label()),
                primary,
            ));
        }
        for secondary in &report.secondary {
            sections.push(section(
                format!("Secondary outcome: {}", secondary.outcome.label()),
                &secondary.evaluation,
            ));
        }
    }
    let cluster = report.and_then(|report| report.cluster.as_ref());
    let did = report.and_then(|report| report.did.as_ref());
    ReportPage {
        chrome: viewer.chrome(format!("Evaluation: {}", found.campaign.name), "/campaigns"),
        links: area_links(viewer),
        id: found.campaign.id,
        name: found.campaign.name.clone(),
        fingerprint: found.plan.fingerprint(),
        unavailable: found.unavailable.clone(),
        summary: report.map(|report| report.summary_sentence()),
        warnings: report.map_or_else(Vec::new, |report| {
            report.warnings.iter().map(|w| w.message()).collect()
        }),
        sections,
        opens: report
            .and_then(|report| report.opens.as_deref())
            .map(arm_rows)
            .unwrap_or_default(),
        clusters: cluster.map_or_else(Vec::new, |cluster| {
            cluster
                .clusters
                .iter()
                .map(|c| (c.cluster.clone(), c.arm.clone(), c.n, c.events, pct(c.rate)))
                .collect()
        }),
        icc: cluster.and_then(|c| c.icc).map(|icc| format!("{icc:.4}")),
        design_effect: cluster.map(|c| {
            format!(
                "{:.2} (mean cluster size {:.1}; effective sample size {:.0})",
                c.design_effect, c.mean_cluster_size, c.effective_sample_size
            )
        }),
        did: did.map(|did| {
            (
                format!("{:+.2} reports per 100,000 a month", did.did.estimate),
                did.did.interval.map_or_else(
                    || "not defined".to_owned(),
                    |i| format!("{:+.2} to {:+.2}", i.lower, i.upper),
                ),
                did.did
                    .p_value
                    .map_or_else(|| "not defined".to_owned(), |p| format!("{p:.3}")),
            )
        }),
        balance: found.balance.as_ref().map(balance_view),
        did_districts: did.map_or_else(Vec::new, |did| {
            did.districts
                .iter()
                .map(|d| {
                    (
                        d.district.clone(),
                        if d.treated { "Campaign" } else { "Comparison" },
                        format!("{:.2}", d.pre_rate),
                        format!("{:.2}", d.post_rate),
                        format!("{:+.2}", d.change),
                    )
                })
                .collect()
        }),
    }
}

/// The trial's evaluation report as things stand now.
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let found = state
        .blocking(move |store| evaluate(store, id, OffsetDateTime::now_utc()))
        .await?;
    let found = match found {
        Ok(found) => found,
        Err(CampaignError::Invalid(_)) => return Err(WebError::NotFound),
        Err(error) => return Err(refused(error)),
    };
    Ok(render(StatusCode::OK, &report_page(&viewer, &found)))
}
