//! A trial's evaluation: its plan written and locked before launch (kept with its
//! fingerprint, checked again every time it is read, so a plan changed in the database is
//! refused rather than reported on), and its report from what recipients did, arm by arm,
//! with the cluster analysis for cluster designs and a difference in differences on
//! monthly district report rates for area campaigns.
//!
//! Counts are by intention to treat: every recipient allocated to an arm is counted in
//! it, reached or not, so what the channel failed to deliver cannot bias the comparison.

use super::launch::{Allocating, CONTROL_ARM, ClusterBy, STRATA};
use super::{CampaignError, CampaignResult, campaign_or_not_found};
use beacon_core::Channel;
use beacon_evaluation::did::{DistrictMonth, YearMonth, difference_in_differences};
use beacon_evaluation::plan::{EvaluationPlan, Outcome, PlanChoices, PlanDesign};
use beacon_evaluation::report::{EvaluationReport, Observed, OutcomeCounts};
use beacon_evaluation::{Arm, BalanceTable, ClusterCount, DidEstimate};
use beacon_store::{
    ArmFigures, CampaignRecord, CampaignState, ClusterFigures, LockedPlanRecord, Store,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Month, OffsetDateTime};

/// Months before the launch month a difference in differences compares with.
pub const DID_PRE_MONTHS: u8 = 6;
/// Months from the launch month on that it looks at, at most.
pub const DID_POST_MONTHS: u8 = 6;

/// Checks a plan's choices against the campaign and locks it: the plan can never change
/// after, and the campaign cannot launch before.
///
/// # Errors
///
/// [`CampaignError::Invalid`] listing what is wrong (the campaign is not an evaluated
/// draft, its plan is already locked, the control arm is not first, a stratum Beacon
/// does not hold, an outcome the design cannot measure, or values the statistics
/// refuse); [`CampaignError::NotFound`] for an unknown campaign.
pub fn lock_plan(
    store: &mut dyn Store,
    id: i64,
    choices: PlanChoices,
    by: &str,
    at: OffsetDateTime,
) -> CampaignResult<EvaluationPlan> {
    let campaign = campaign_or_not_found(store, id)?;
    let mut problems = Vec::new();
    if !campaign.evaluated {
        problems.push("This campaign is not an evaluated trial, so it has no plan".to_owned());
    }
    if campaign.state != CampaignState::Draft {
        problems.push("The plan must be locked before the campaign is launched".to_owned());
    }
    if campaign.plan.is_some() {
        problems.push("The plan is already locked and cannot change".to_owned());
    }
    problems.extend(choice_problems(&campaign, &choices));
    if !problems.is_empty() {
        return Err(CampaignError::Invalid(problems));
    }
    let plan = EvaluationPlan::new(choices)
        .map_err(|error| CampaignError::invalid(format!("The plan was refused: {error}")))?;
    let record = LockedPlanRecord {
        json: plan.canonical_json(),
        fingerprint: plan.fingerprint(),
        locked_by: by.to_owned(),
        locked_at: at,
    };
    if !store.lock_plan(id, &record)? {
        return Err(CampaignError::invalid(
            "The plan could not be locked: the campaign changed meanwhile",
        ));
    }
    store.audit(&beacon_store::AuditEvent {
        actor: by.to_owned(),
        action: "campaign.plan.lock".to_owned(),
        subject: format!("campaign:{id}"),
        detail: format!("fingerprint {}", record.fingerprint),
    })?;
    Ok(plan)
}

/// What is wrong with a plan's choices for this campaign (the statistics' own checks
/// come after, from the plan).
pub fn choice_problems(campaign: &CampaignRecord, choices: &PlanChoices) -> Vec<String> {
    let mut problems = Vec::new();
    if choices.arms.first().map(|arm| arm.name.as_str()) != Some(CONTROL_ARM) {
        problems.push(format!(
            "The first arm must be the control arm, named {CONTROL_ARM:?}"
        ));
    }
    if choices.arms.len() < 2 {
        problems.push("A trial needs the control arm and at least one other".to_owned());
    }
    for arm in &choices.arms {
        let name = arm.name.trim();
        if name.is_empty()
            || name.len() > 40
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            problems.push(format!(
                "Arm name {:?} must be 1 to 40 lower-case letters, digits, - or _",
                arm.name
            ));
        }
    }
    for stratum in &choices.strata {
        if !STRATA.contains(&stratum.as_str()) {
            problems.push(format!(
                "Beacon cannot stratify by {stratum:?}: choose from {}",
                STRATA.join(", ")
            ));
        }
    }
    let measured_per_person = matches!(
        choices.primary_outcome,
        Outcome::Click | Outcome::SelfReportedAction
    );
    if measured_per_person && campaign.control_advice_slug.is_none() {
        problems.push(format!(
            "{} is measured through the message's own links, so a held-back control arm would have none: \
             give the control arm the usual advice, or choose the report rate as the primary outcome",
            choices.primary_outcome.label()
        ));
    }
    if choices.primary_outcome == Outcome::ReportRate
        && choices.design != PlanDesign::ClusterByDistrict
    {
        problems.push(
            "Report rates are known by district, so a report-rate trial randomises whole districts: choose clusters by district"
                .to_owned(),
        );
    }
    if campaign.channel == Channel::Social {
        problems.push("A social post cannot be randomised".to_owned());
    }
    problems
}

/// A campaign's locked plan, checked: its fingerprint recomputed and its figures
/// validated. `None` when it has no plan.
///
/// # Errors
///
/// [`CampaignError::Invalid`] when the stored plan does not read back, or its
/// fingerprint or figures do not match what was locked.
pub fn locked_plan(campaign: &CampaignRecord) -> CampaignResult<Option<EvaluationPlan>> {
    let Some(record) = &campaign.plan else {
        return Ok(None);
    };
    let plan: EvaluationPlan = serde_json::from_str(&record.json).map_err(|error| {
        CampaignError::invalid(format!("The locked plan does not read back: {error}"))
    })?;
    if plan.fingerprint() != record.fingerprint {
        return Err(CampaignError::invalid(
            "The locked plan's fingerprint does not match: it was changed after it was locked",
        ));
    }
    plan.validate().map_err(|error| {
        CampaignError::invalid(format!("The locked plan is not valid: {error}"))
    })?;
    Ok(Some(plan))
}

/// How the launch allocates from a locked plan.
pub fn allocating(plan: &EvaluationPlan) -> Allocating {
    Allocating {
        arms: plan.arms.clone(),
        cluster_by: match plan.design {
            PlanDesign::Individual => None,
            PlanDesign::ClusterByWard => Some(ClusterBy::Ward),
            PlanDesign::ClusterByDistrict => Some(ClusterBy::District),
        },
        strata: plan.strata.clone(),
        seed: plan.seed,
    }
}

/// A trial's report with what it was built from.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignEvaluation {
    /// The campaign.
    pub campaign: CampaignRecord,
    /// Its locked plan.
    pub plan: EvaluationPlan,
    /// The report; `None` with `unavailable` saying why (no recipients yet, say).
    pub report: Option<EvaluationReport>,
    /// Why there is no report yet.
    pub unavailable: Option<String>,
    /// The counts per arm it was built from.
    pub arms: Vec<ArmFigures>,
    /// How the recipients fell across the arms by stratum and district (`None` before
    /// launch).
    pub balance: Option<BalanceTable>,
}

/// The evaluation report of a trial as things stand at `now`.
///
/// # Errors
///
/// [`CampaignError::NotFound`] for an unknown campaign; [`CampaignError::Invalid`] for
/// a campaign that is not a trial or whose plan is not locked (or fails its check).
pub fn evaluate(
    store: &mut dyn Store,
    id: i64,
    now: OffsetDateTime,
) -> CampaignResult<CampaignEvaluation> {
    let campaign = campaign_or_not_found(store, id)?;
    let Some(plan) = locked_plan(&campaign)? else {
        return Err(CampaignError::invalid(if campaign.evaluated {
            "The trial's plan is not locked yet, so there is nothing to evaluate against"
        } else {
            "This campaign is not an evaluated trial"
        }));
    };
    let arms = store.campaign_arm_figures(id)?;
    if campaign.state == CampaignState::Draft {
        return Ok(CampaignEvaluation {
            campaign,
            plan,
            report: None,
            unavailable: Some("The trial has not been launched yet".to_owned()),
            arms,
            balance: None,
        });
    }
    let clusters = if plan.design.is_cluster() {
        Some(store.campaign_cluster_figures(id)?)
    } else {
        None
    };
    let did = if plan.primary_outcome == Outcome::ReportRate {
        report_rate_did(
            store,
            &campaign,
            clusters.as_deref().unwrap_or(&[]),
            &plan,
            now,
        )?
        .map(Some)
    } else {
        Ok(None)
    };
    let observed = did.and_then(|did| observed(&campaign, &plan, &arms, clusters.as_deref(), did));
    let (report, unavailable) = match observed.and_then(|observed| {
        EvaluationReport::build(&plan, observed).map_err(|error| error.to_string())
    }) {
        Ok(report) => (Some(report), None),
        Err(why) => (None, Some(why)),
    };
    let balance = super::balance::balance(
        &plan,
        &store.campaign_stratum_figures(id)?,
        &store.districts()?,
    );
    Ok(CampaignEvaluation {
        campaign,
        plan,
        report,
        unavailable,
        arms,
        balance,
    })
}

/// The events of an outcome in an arm's figures.
fn events(figures: &ArmFigures, outcome: Outcome) -> Option<u64> {
    match outcome {
        Outcome::Click => Some(figures.clicked),
        Outcome::SelfReportedAction => Some(figures.acted),
        Outcome::ReportRate => None,
    }
}

/// The plan's arms' counts of one outcome, in the plan's order.
fn arm_counts(
    plan: &EvaluationPlan,
    arms: &[ArmFigures],
    count: &dyn Fn(&ArmFigures) -> u64,
) -> Result<Vec<Arm>, String> {
    plan.arms
        .iter()
        .map(|spec| {
            let figures = arms.iter().find(|figures| figures.arm == spec.name);
            let n = figures.map_or(0, |figures| figures.recipients);
            let events = figures.map_or(0, count);
            Arm::new(spec.name.clone(), n, events).map_err(|error| {
                format!(
                    "Arm {:?} cannot be compared yet ({error}): it has {n} recipients",
                    spec.name
                )
            })
        })
        .collect()
}

/// What was observed, in the report's terms, or why it cannot be reported on yet.
fn observed(
    campaign: &CampaignRecord,
    plan: &EvaluationPlan,
    arms: &[ArmFigures],
    clusters: Option<&[ClusterFigures]>,
    did: Option<DidEstimate>,
) -> Result<Observed, String> {
    let primary = match plan.primary_outcome {
        Outcome::ReportRate => Vec::new(),
        outcome => arm_counts(plan, arms, &|figures| events(figures, outcome).unwrap_or(0))?,
    };
    let mut secondary = Vec::new();
    for &outcome in &plan.secondary_outcomes {
        if outcome == Outcome::ReportRate {
            continue;
        }
        secondary.push(OutcomeCounts {
            outcome,
            arms: arm_counts(plan, arms, &|figures| events(figures, outcome).unwrap_or(0))?,
        });
    }
    let opens = (campaign.channel == Channel::Email)
        .then(|| arm_counts(plan, arms, &|figures| figures.opened))
        .transpose()?;
    let clusters = clusters.and_then(|clusters| {
        (plan.primary_outcome != Outcome::ReportRate).then(|| {
            clusters
                .iter()
                .map(|figures| ClusterCount {
                    cluster: figures.cluster.clone(),
                    arm: figures.arm.clone(),
                    n: figures.recipients,
                    events: match plan.primary_outcome {
                        Outcome::Click => figures.clicked,
                        _ => figures.acted,
                    },
                })
                .collect()
        })
    });
    Ok(Observed {
        primary,
        secondary,
        opens,
        clusters,
        did,
    })
}

/// The first day of the month `offset` months from `month`'s.
fn month_start(day: Date, offset: i32) -> Option<Date> {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + offset;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    Date::from_calendar_date(index.div_euclid(12), month, 1).ok()
}

/// The difference in differences on monthly district report rates for a report-rate
/// trial: the districts of the arms other than control are treated, the control arm's
/// districts compared with, over the months before the launch month and from it on.
fn report_rate_did(
    store: &mut dyn Store,
    campaign: &CampaignRecord,
    clusters: &[ClusterFigures],
    plan: &EvaluationPlan,
    now: OffsetDateTime,
) -> CampaignResult<Result<DidEstimate, String>> {
    let Some(launched) = campaign.launched_at else {
        return Ok(Err("The trial has not been launched yet".to_owned()));
    };
    let launch_day = campaign.starts_at.max(launched).date();
    let (Some(from), Some(post_end)) = (
        month_start(launch_day, -i32::from(DID_PRE_MONTHS)),
        month_start(launch_day, i32::from(DID_POST_MONTHS)),
    ) else {
        return Ok(Err("The launch date is out of range".to_owned()));
    };
    let to = post_end.min(now.date()).previous_day().unwrap_or(post_end);
    let treated: BTreeSet<String> = clusters
        .iter()
        .filter(|figures| figures.arm != CONTROL_ARM)
        .map(|figures| figures.cluster.clone())
        .collect();
    let compared: BTreeSet<String> = clusters
        .iter()
        .map(|figures| figures.cluster.clone())
        .collect();
    let facts = store.report_facts(Some(beacon_core::Period { from, to }))?;
    let districts = store.districts()?;
    let mut counts: BTreeMap<(String, YearMonth), u64> = BTreeMap::new();
    let mut month = from;
    while month <= to {
        let key = YearMonth::new(month.year(), u8::from(month.month())).unwrap_or(YearMonth {
            year: month.year(),
            month: 1,
        });
        for district in &compared {
            counts.insert((district.clone(), key), 0);
        }
        match month_start(month, 1) {
            Some(next) => month = next,
            None => break,
        }
    }
    for fact in &facts.facts {
        let Some(code) = fact
            .district
            .and_then(|index| facts.districts.get(usize::from(index)))
        else {
            continue;
        };
        let Some(key) = YearMonth::new(fact.reported_on.year(), u8::from(fact.reported_on.month()))
        else {
            continue;
        };
        if let Some(count) = counts.get_mut(&(code.as_str().to_owned(), key)) {
            *count += 1;
        }
    }
    let rows: Vec<DistrictMonth> = counts
        .into_iter()
        .filter_map(|((district, month), reports)| {
            let code: beacon_core::DistrictCode = district.parse().ok()?;
            let population = u64::from(districts.get(&code)?.population_in(month.year));
            Some(DistrictMonth {
                district,
                month,
                reports,
                population,
            })
        })
        .collect();
    let start = YearMonth::new(launch_day.year(), u8::from(launch_day.month()))
        .ok_or_else(|| CampaignError::invalid("The launch month is not a month"))?;
    let treated: Vec<String> = treated.into_iter().collect();
    Ok(
        difference_in_differences(&rows, &treated, start, plan.alpha)
            .map_err(|error| format!("The report rates cannot be compared yet: {error}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::launch::{Reachable, allocate, recipients};
    use beacon_core::protect::{ContactAttributes, ContactKind, LawfulBasis, SegmentRule};
    use beacon_evaluation::ArmSpec;
    use beacon_store::{AdviceVersions, Backend, CampaignEventKind, NewCampaign, NewCampaignEvent};
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2025-03-03 09:00 UTC);

    fn choices(outcome: Outcome) -> PlanChoices {
        PlanChoices {
            primary_outcome: outcome,
            secondary_outcomes: Vec::new(),
            design: PlanDesign::Individual,
            arms: vec![ArmSpec::new(CONTROL_ARM, 1), ArmSpec::new("letter", 1)],
            strata: vec!["district".to_owned()],
            seed: 42,
            baseline: 0.05,
            target: 0.10,
            alpha: 0.05,
            power: 0.8,
            icc: None,
            mean_cluster_size: None,
        }
    }

    fn draft(control: Option<&str>) -> NewCampaign {
        NewCampaign {
            name: "Courier fraud trial".to_owned(),
            advice_slug: "courier-fraud".to_owned(),
            channel: Channel::Email,
            basis: LawfulBasis::PublicTask,
            segment: SegmentRule::default(),
            starts_at: AT,
            evaluated: true,
            control_advice_slug: control.map(str::to_owned),
            created_by: "coordinator".to_owned(),
            created_at: AT,
        }
    }

    #[test]
    fn a_locked_trial_is_reported_on_by_intention_to_treat_and_a_changed_plan_is_refused() {
        let Some(database) = beacon_testing::TestDatabase::fresh(Backend::Sqlite, "app_eval")
        else {
            return;
        };
        let mut store = database.open();
        let store = store.as_mut();
        let held_back = store.create_campaign(&draft(None)).expect("created");
        let refused = lock_plan(store, held_back, choices(Outcome::Click), "c", AT);
        assert!(
            matches!(&refused, Err(CampaignError::Invalid(p)) if p[0].contains("held-back control")),
            "{refused:?}"
        );

        let id = store
            .create_campaign(&draft(Some("scam-basics")))
            .expect("created");
        let plan = lock_plan(store, id, choices(Outcome::Click), "c", AT).expect("locked");
        assert!(lock_plan(store, id, choices(Outcome::Click), "c", AT).is_err());
        let campaign = store.campaign(id).expect("read").expect("found");
        assert_eq!(locked_plan(&campaign).expect("checks").expect("plan"), plan);

        let members: Vec<Reachable> = (1..=400)
            .map(|contact_id| Reachable {
                contact_id,
                attributes: ContactAttributes {
                    kind: Some(ContactKind::Resident),
                    district: Some(
                        if contact_id % 2 == 0 {
                            "E07000129"
                        } else {
                            "E07000130"
                        }
                        .parse()
                        .expect("code"),
                    ),
                    ..ContactAttributes::default()
                },
                address: format!("c{contact_id}@example.org"),
            })
            .collect();
        let allocated = allocate(&members, Some(&allocating(&plan))).expect("allocated");
        let mut n = 0;
        let mut token = || {
            n += 1;
            format!("tok{n}")
        };
        let list = recipients(&campaign, &members, allocated, &mut token);
        let versions = AdviceVersions {
            advice: 1,
            control: Some(1),
        };
        store
            .launch_campaign(id, versions, &list, AT, "beacon.test")
            .expect("launched");
        // 10 of the control arm and 30 of the letter arm click.
        let (mut control, mut letter) = (0, 0);
        for (position, recipient) in list.iter().enumerate() {
            let wanted = if recipient.arm == CONTROL_ARM {
                &mut control
            } else {
                &mut letter
            };
            let limit = if recipient.arm == CONTROL_ARM { 10 } else { 30 };
            if *wanted < limit {
                *wanted += 1;
                let found = store
                    .campaign_recipient_by_token(&crate::credentials::token_hash(&format!(
                        "tok{}",
                        position + 1
                    )))
                    .expect("read")
                    .expect("found");
                store
                    .record_campaign_event(&NewCampaignEvent {
                        recipient_id: found.id,
                        kind: CampaignEventKind::Click,
                        at: AT,
                        detail: None,
                    })
                    .expect("click");
            }
        }
        let evaluation = evaluate(store, id, AT).expect("evaluated");
        let report = evaluation.report.expect("a report");
        let primary = report.primary.expect("primary");
        let json = serde_json::to_value(&primary).expect("json");
        let arms = json["arms"].as_array().expect("arms");
        assert_eq!(arms[0]["name"], "control");
        assert_eq!(arms[0]["n"], 200);
        assert_eq!(arms[0]["events"], 10);
        assert_eq!(arms[1]["events"], 30);
        assert_eq!(report.plan_fingerprint, plan.fingerprint());
        // Stratified by district, 1:1: each district's 200 split 100 and 100.
        let balance = evaluation.balance.expect("a balance table once launched");
        assert_eq!(balance.arms, ["control", "letter"]);
        assert_eq!(balance.totals, [200, 200]);
        let rows: Vec<(&str, &str, &[u64])> = balance
            .rows
            .iter()
            .map(|row| (row.attribute.as_str(), row.value.as_str(), &row.counts[..]))
            .collect();
        assert_eq!(
            rows,
            [
                ("district", "E07000129", &[100, 100][..]),
                ("district", "E07000130", &[100, 100][..]),
            ]
        );
        assert_eq!(balance.max_difference(), 0.0);

        // The stored plan is changed behind Beacon's back: it is refused.
        let mut tampered = campaign.clone();
        if let Some(record) = tampered.plan.as_mut() {
            record.json = record.json.replace("\"seed\":42", "\"seed\":43");
        }
        assert!(locked_plan(&tampered).is_err());
    }
}
