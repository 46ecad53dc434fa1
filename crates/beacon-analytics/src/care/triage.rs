//! The vulnerability score of one case and the ordered queue of many.

use beacon_core::AgeBand;
use beacon_core::VictimType;
use beacon_core::care::{CareLevel, TriageWeights};
use beacon_core::money::group_thousands;
use beacon_core::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, Duration};

/// What the score reads from one report (and its victim's earlier reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// The report's reference: the case's name.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// Person or organisation.
    pub victim_type: VictimType,
    /// Age band, where known.
    pub age_band: Option<AgeBand>,
    /// Fraud-type key.
    pub fraud_type: String,
    /// Fraud-type name, as the taxonomy gives it (empty when unknown).
    pub fraud_type_name: String,
    /// The type's ONS group (empty when unknown).
    pub fraud_group: String,
    /// Local issues the report has (`courier_fraud`).
    pub local_issues: Vec<String>,
    /// Loss in pence, where known.
    pub loss_pence: Option<i64>,
    /// The reporting officer judged the victim vulnerable.
    pub vulnerable: Option<bool>,
    /// The victim says they were a victim before.
    pub repeat_victim: Option<bool>,
    /// The pseudonymous victim key, where given.
    pub victim_key: Option<String>,
}

/// What scoring one case needs from the others: the median loss of each kind of victim
/// and each victim key's report days.
#[derive(Debug, Clone, Default)]
pub struct TriageContext {
    /// Median known loss, in pence, of reports by people and by organisations.
    pub median_loss: HashMap<VictimType, i64>,
    /// The days each victim key reported on, in order.
    pub reports_by_victim: HashMap<String, Vec<Date>>,
}

impl TriageContext {
    /// The context of a set of reports.
    pub fn of(cases: &[CaseFacts]) -> TriageContext {
        let mut losses: HashMap<VictimType, Vec<i64>> = HashMap::new();
        let mut reports_by_victim: HashMap<String, Vec<Date>> = HashMap::new();
        for case in cases {
            if let Some(loss) = case.loss_pence.filter(|loss| *loss > 0) {
                losses.entry(case.victim_type).or_default().push(loss);
            }
            if let Some(key) = &case.victim_key {
                reports_by_victim
                    .entry(key.clone())
                    .or_default()
                    .push(case.reported_on);
            }
        }
        for days in reports_by_victim.values_mut() {
            days.sort_unstable();
        }
        let median_loss = losses
            .into_iter()
            .map(|(kind, mut values)| {
                values.sort_unstable();
                let middle = values.len() / 2;
                let median = if values.len() % 2 == 0 {
                    (values[middle - 1] + values[middle]) / 2
                } else {
                    values[middle]
                };
                (kind, median)
            })
            .collect();
        TriageContext {
            median_loss,
            reports_by_victim,
        }
    }
}

/// One reason for a case's score, with the points it adds (0 for something the officer
/// should know that adds nothing, such as an age not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The reason, in words.
    pub text: String,
    /// The points it adds.
    pub points: u32,
}

/// A case as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Triage {
    /// The report's reference.
    pub reference: String,
    /// Day reported.
    pub reported_on: Date,
    /// The sum of the reasons' points.
    pub score: u32,
    /// The level of care.
    pub level: CareLevel,
    /// The level's name.
    pub level_label: &'static str,
    /// When first contact is due: the report's day plus the level's service-level time.
    pub contact_due: time::PrimitiveDateTime,
    /// Every reason, in the order the weights list them.
    pub reasons: Vec<Reason>,
}

/// "£12,000" from pence, whole pounds.
fn pounds(pence: i64) -> String {
    format!("£{}", group_thousands(pence.unsigned_abs() / 100))
}

/// The score, level and reasons of one case on `today`.
pub fn triage(
    case: &CaseFacts,
    weights: &TriageWeights,
    context: &TriageContext,
    today: Date,
) -> Triage {
    let mut reasons = Vec::new();
    let mut add = |text: String, points: u32| reasons.push(Reason { text, points });

    match case.age_band {
        Some(AgeBand::EightyPlus) => add("Aged 80 or over".to_owned(), weights.age.eighty_plus),
        Some(AgeBand::Seventies) => add("Aged 70 to 79".to_owned(), weights.age.seventies),
        Some(_) => {}
        None => add("Age not given".to_owned(), 0),
    }

    let earlier = case.victim_key.as_ref().map_or(0, |key| {
        let since = case.reported_on - Duration::days(i64::from(weights.repeat.look_back_days));
        context.reports_by_victim.get(key).map_or(0, |days| {
            days.iter()
                .filter(|day| **day < case.reported_on && **day >= since)
                .count()
        })
    });
    if earlier > 0 {
        let points = (weights
            .repeat
            .per_earlier_report
            .saturating_mul(earlier as u32))
        .min(weights.repeat.most);
        add(
            format!(
                "Reported {earlier} time{} before in the {} days before this report",
                if earlier == 1 { "" } else { "s" },
                weights.repeat.look_back_days
            ),
            points,
        );
    } else if case.repeat_victim == Some(true) {
        add(
            "Says they were a victim before (no earlier report linked)".to_owned(),
            weights.repeat.said_so,
        );
    }

    let fraud_type = fold(&case.fraud_type);
    let fraud_type_name = fold(&case.fraud_type_name);
    let fraud_group = fold(&case.fraud_group);
    if let Some(kind) = weights.frauds.iter().find(|kind| {
        kind.local_issues
            .iter()
            .any(|issue| case.local_issues.iter().any(|given| given == issue))
            || kind.fraud_types.iter().any(|wanted| {
                let wanted = fold(wanted);
                wanted == fraud_type || (!fraud_type_name.is_empty() && wanted == fraud_type_name)
            })
            || kind
                .fraud_groups
                .iter()
                .any(|group| !fraud_group.is_empty() && fold(group) == fraud_group)
    }) {
        add(kind.label.clone(), kind.points);
    }

    match case.loss_pence {
        Some(loss) if loss > 0 => {
            let loss_pounds = loss.unsigned_abs() / 100;
            if let Some(band) = weights
                .loss_bands
                .iter()
                .rev()
                .find(|band| loss_pounds >= band.from_pounds)
            {
                add(
                    format!(
                        "Lost {} (at least £{})",
                        pounds(loss),
                        group_thousands(band.from_pounds)
                    ),
                    band.points,
                );
            }
            if let Some(median) = context
                .median_loss
                .get(&case.victim_type)
                .filter(|m| **m > 0)
            {
                let ratio = loss as f64 / *median as f64;
                if ratio >= weights.relative_loss.times {
                    add(
                        format!(
                            "Lost {ratio:.0} times the usual loss of a {} victim ({})",
                            match case.victim_type {
                                VictimType::Individual => "person",
                                VictimType::Organisation => "business or organisation",
                            },
                            pounds(*median)
                        ),
                        weights.relative_loss.points,
                    );
                }
            }
        }
        Some(_) => {}
        None => add("Loss not given".to_owned(), 0),
    }

    let judged_vulnerable = case.vulnerable == Some(true);
    if judged_vulnerable {
        add(
            "Judged vulnerable by the reporting officer".to_owned(),
            weights.vulnerable.points,
        );
    }

    let age_days = (today - case.reported_on).whole_days();
    if let Some(band) = weights
        .recency
        .iter()
        .find(|band| (0..=i64::from(band.within_days)).contains(&age_days))
    {
        add(
            format!("Reported in the last {} days", band.within_days),
            band.points,
        );
    }

    let score: u32 = reasons.iter().map(|reason| reason.points).sum();
    let mut level = weights.level_for(score);
    if judged_vulnerable {
        let floor = CareLevel::from_number(weights.vulnerable.at_least_level)
            .unwrap_or(CareLevel::AutomatedAdvice);
        if floor > level {
            reasons.push(Reason {
                text: format!("Judged vulnerable, so at least {floor}"),
                points: 0,
            });
            level = floor;
        }
    }
    let sla_hours = weights.rule(level).map_or(0, |rule| rule.sla_hours);
    Triage {
        reference: case.reference.clone(),
        reported_on: case.reported_on,
        score,
        level,
        level_label: level.label(),
        contact_due: case.reported_on.midnight() + Duration::hours(i64::from(sla_hours)),
        reasons,
    }
}

/// The queue: every case of a person scored, highest level first, then highest score,
/// then the earliest reported (who has waited longest), then by reference, so that ties
/// always come out in the same order. Organisations are not in the officer's queue.
pub fn queue(cases: &[CaseFacts], weights: &TriageWeights, today: Date) -> Vec<Triage> {
    let context = TriageContext::of(cases);
    let mut entries: Vec<Triage> = cases
        .iter()
        .filter(|case| case.victim_type == VictimType::Individual)
        .map(|case| triage(case, weights, &context, today))
        .collect();
    entries.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.score.cmp(&a.score))
            .then(a.reported_on.cmp(&b.reported_on))
            .then(a.reference.cmp(&b.reference))
    });
    entries
}
