//! The evaluation report of a campaign: the locked plan's outcome measured in each arm
//! and compared with the control, the cluster-level analysis when wards or districts
//! were randomised, the difference in differences when given, and the warnings a reader
//! must see before believing any of it — all serialisable, with one sentence for the
//! board.
//!
//! Warnings (`docs/evaluation.md`, "Report warnings"):
//! - the result is viewed before the planned sample is reached (an arm has fewer than
//!   the plan's `planned_n_per_arm`);
//! - opens are unreliable (image blocking and privacy proxies), whenever they are shown;
//! - Fisher's exact test replaced the z test because an expected count was under 5;
//! - the plan randomised clusters but no cluster counts were given, so the individual
//!   p-values overstate the precision;
//! - the difference in differences' pre-trend caution.

use crate::cluster::{ClusterAnalysis, ClusterCount, ClusterError, analyse_clusters};
use crate::compare::{Arm, ArmSummary, Evaluation, Test, compare};
use crate::did::DidEstimate;
use crate::plan::{EvaluationPlan, Outcome, PlanDesign, PlanError};
use crate::{EvaluationError, Interval};
use serde::Serialize;

/// What was counted for one outcome, arm by arm, in the plan's arm order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// The outcome counted.
    pub outcome: Outcome,
    /// Each arm's people and events.
    pub arms: Vec<Arm>,
}

/// Everything observed, for [`EvaluationReport::build`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// The primary outcome per arm; may be empty only when the primary outcome is the
    /// report rate and a difference in differences is given.
    pub primary: Vec<Arm>,
    /// Secondary outcomes per arm; each must be one of the plan's secondary outcomes.
    pub secondary: Vec<OutcomeCounts>,
    /// Email opens per arm, shown with the warning that they are unreliable.
    pub opens: Option<Vec<Arm>>,
    /// The primary outcome per cluster, for cluster designs.
    pub clusters: Option<Vec<ClusterCount>>,
    /// The difference in differences of area report rates, when computed.
    pub did: Option<DidEstimate>,
}

/// Something a reader must know before believing the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// An arm has fewer people than the plan needs: an interim look.
    BeforePlannedSample {
        /// The arm.
        arm: String,
        /// People counted.
        observed: u64,
        /// People the plan needs per arm.
        planned: u64,
    },
    /// Opens are shown; they are unreliable.
    OpensUnreliable,
    /// Fisher's exact test gave a p-value because an expected count was under 5.
    FisherUsed {
        /// The outcome.
        outcome: Outcome,
        /// The treatment arm compared with the control.
        treatment: String,
        /// The smallest expected count.
        smallest_expected: f64,
    },
    /// A cluster design analysed without cluster counts.
    ClusterCountsMissing,
    /// The difference in differences' pre-trend caution.
    PreTrend {
        /// The caution in words.
        caution: String,
    },
}

impl Warning {
    /// The warning in plain words.
    pub fn message(&self) -> String {
        match self {
            Warning::BeforePlannedSample {
                arm,
                observed,
                planned,
            } => format!(
                "viewed before the planned sample is reached: {arm} has {observed} of the {planned} planned"
            ),
            Warning::OpensUnreliable => {
                "opens are unreliable (image blocking and privacy proxies): they are shown, never compared"
                    .to_owned()
            }
            Warning::FisherUsed {
                outcome,
                treatment,
                smallest_expected,
            } => format!(
                "Fisher's exact test was used for {treatment} ({}) because an expected count was {smallest_expected:.1}, under 5",
                outcome.label()
            ),
            Warning::ClusterCountsMissing => {
                "the plan randomised clusters but no cluster counts were given: the p-values treat people as randomised one by one and overstate the precision"
                    .to_owned()
            }
            Warning::PreTrend { caution } => format!("pre-trend: {caution}"),
        }
    }
}

/// One secondary outcome's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondaryResult {
    /// The outcome.
    pub outcome: Outcome,
    /// Its arms and comparisons.
    pub evaluation: Evaluation,
}

/// A campaign's evaluation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationReport {
    /// The fingerprint of the plan the report was judged against.
    pub plan_fingerprint: String,
    /// The primary outcome.
    pub primary_outcome: Outcome,
    /// The plan's design.
    pub design: PlanDesign,
    /// People each arm needed.
    pub planned_n_per_arm: u64,
    /// The plan's significance level.
    pub alpha: f64,
    /// The primary outcome's arms and comparisons, when counted per arm.
    pub primary: Option<Evaluation>,
    /// Secondary outcomes, in the order given.
    pub secondary: Vec<SecondaryResult>,
    /// Opens per arm, never compared.
    pub opens: Option<Vec<ArmSummary>>,
    /// The cluster-level analysis, for cluster designs.
    pub cluster: Option<ClusterAnalysis>,
    /// The difference in differences, when given.
    pub did: Option<DidEstimate>,
    /// What a reader must know first.
    pub warnings: Vec<Warning>,
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// The plan itself is not valid.
    #[error("the plan is not valid: {0}")]
    Plan(#[from] PlanError),
    /// Counts the statistics refuse.
    #[error(transparent)]
    Statistics(#[from] EvaluationError),
    /// Cluster counts the cluster analysis refuses.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// Arms that are not the plan's arms in the plan's order.
    #[error("the {what} counts are for arms {given:?}, but the plan's arms are {planned:?}")]
    Arms {
        /// Which counts.
        what: &'static str,
        /// The arms given.
        given: Vec<String>,
        /// The plan's arms.
        planned: Vec<String>,
    },
    /// An outcome the plan did not name as secondary.
    #[error(
        "{0} is not one of the plan's secondary outcomes: outcomes are chosen before the campaign"
    )]
    UnplannedOutcome(&'static str),
    /// No primary counts and no difference in differences.
    #[error("the primary outcome ({0}) has no counts")]
    NoPrimary(&'static str),
}

impl EvaluationReport {
    /// The report of `observed` against the locked `plan`.
    ///
    /// # Errors
    ///
    /// An invalid plan, counts for other arms than the plan's (or in another order), an
    /// unplanned secondary outcome, no primary counts (unless the primary outcome is the
    /// report rate and a difference in differences is given), or counts the statistics
    /// refuse.
    pub fn build(
        plan: &EvaluationPlan,
        observed: Observed,
    ) -> Result<EvaluationReport, ReportError> {
        plan.validate()?;
        let planned_arms: Vec<String> = plan.arms.iter().map(|arm| arm.name.clone()).collect();
        let check_arms = |what: &'static str, arms: &[Arm]| -> Result<(), ReportError> {
            let given: Vec<String> = arms.iter().map(|arm| arm.name.clone()).collect();
            if given == planned_arms {
                Ok(())
            } else {
                Err(ReportError::Arms {
                    what,
                    given,
                    planned: planned_arms.clone(),
                })
            }
        };
        let mut warnings = Vec::new();
        let primary = if observed.primary.is_empty() {
            if plan.primary_outcome != Outcome::ReportRate || observed.did.is_none() {
                return Err(ReportError::NoPrimary(plan.primary_outcome.label()));
            }
            None
        } else {
            check_arms("primary", &observed.primary)?;
            for arm in &observed.primary {
                if arm.n < plan.planned_n_per_arm {
                    warnings.push(Warning::BeforePlannedSample {
                        arm: arm.name.clone(),
                        observed: arm.n,
                        planned: plan.planned_n_per_arm,
                    });
                }
            }
            let evaluation = compare(&observed.primary, plan.alpha)?;
            fisher_warnings(plan.primary_outcome, &evaluation, &mut warnings);
            Some(evaluation)
        };
        let mut secondary = Vec::with_capacity(observed.secondary.len());
        for counts in &observed.secondary {
            if !plan.secondary_outcomes.contains(&counts.outcome) {
                return Err(ReportError::UnplannedOutcome(counts.outcome.label()));
            }
            check_arms(counts.outcome.label(), &counts.arms)?;
            let evaluation = compare(&counts.arms, plan.alpha)?;
            fisher_warnings(counts.outcome, &evaluation, &mut warnings);
            secondary.push(SecondaryResult {
                outcome: counts.outcome,
                evaluation,
            });
        }
        let opens = match &observed.opens {
            None => None,
            Some(arms) => {
                check_arms("opens", arms)?;
                warnings.push(Warning::OpensUnreliable);
                Some(compare(arms, plan.alpha)?.arms)
            }
        };
        let cluster = match &observed.clusters {
            Some(clusters) => Some(analyse_clusters(&planned_arms, clusters, plan.alpha)?),
            None => {
                if plan.design.is_cluster() && primary.is_some() {
                    warnings.push(Warning::ClusterCountsMissing);
                }
                None
            }
        };
        if let Some(caution) = observed
            .did
            .as_ref()
            .and_then(|did| did.pre_trend_caution.clone())
        {
            warnings.push(Warning::PreTrend { caution });
        }
        Ok(EvaluationReport {
            plan_fingerprint: plan.fingerprint(),
            primary_outcome: plan.primary_outcome,
            design: plan.design,
            planned_n_per_arm: plan.planned_n_per_arm,
            alpha: plan.alpha,
            primary,
            secondary,
            opens,
            cluster,
            did: observed.did,
            warnings,
        })
    }

    /// The result in one or two plain sentences for the board: the primary outcome's
    /// difference for each treatment arm with its interval and p-value (from the
    /// cluster-level analysis when there is one, as the plan says), or the difference in
    /// differences; prefixed "Interim:" when the planned sample is not reached.
    pub fn summary_sentence(&self) -> String {
        let level = format!("{}%", round_level(100.0 * (1.0 - self.alpha)));
        let mut sentences = Vec::new();
        if let Some(cluster) = &self.cluster {
            for comparison in &cluster.comparisons {
                sentences.push(difference_sentence(
                    self.primary_outcome,
                    &comparison.treatment,
                    comparison.difference,
                    comparison.interval,
                    comparison.p_value,
                    &level,
                    " (cluster-level analysis)",
                ));
            }
        } else if let Some(primary) = &self.primary {
            for comparison in &primary.comparisons {
                sentences.push(difference_sentence(
                    self.primary_outcome,
                    &comparison.treatment,
                    comparison.difference,
                    Some(comparison.difference_interval),
                    Some(comparison.p_value),
                    &level,
                    "",
                ));
            }
        }
        if let Some(did) = &self.did {
            let estimate = &did.did;
            let direction = if estimate.estimate >= 0.0 {
                "rose"
            } else {
                "fell"
            };
            let mut sentence = format!(
                "In the districts that had the campaign, reports {direction} by {:.1} per 100,000 a month {} than in the others",
                estimate.estimate.abs(),
                if estimate.estimate >= 0.0 {
                    "more"
                } else {
                    "less"
                }
            );
            sentence.push_str(&bracket(
                estimate.interval.map(|i| (i.lower, i.upper)),
                estimate.p_value,
                &level,
                |value| format!("{value:.1}"),
            ));
            if did.pre_trend_caution.is_some() {
                sentence.push_str(
                    "; the districts' earlier trends differed, so read this with caution",
                );
            }
            sentence.push('.');
            sentences.push(sentence);
        }
        let text = if sentences.is_empty() {
            "No comparison could be made.".to_owned()
        } else {
            sentences.join(" ")
        };
        if self
            .warnings
            .iter()
            .any(|warning| matches!(warning, Warning::BeforePlannedSample { .. }))
        {
            format!("Interim: {text}")
        } else {
            text
        }
    }
}

fn fisher_warnings(outcome: Outcome, evaluation: &Evaluation, warnings: &mut Vec<Warning>) {
    for comparison in &evaluation.comparisons {
        if comparison.test == Test::FisherExact {
            warnings.push(Warning::FisherUsed {
                outcome,
                treatment: comparison.treatment.clone(),
                smallest_expected: comparison.smallest_expected,
            });
        }
    }
}

fn round_level(level: f64) -> String {
    let rounded = (level * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// `p = 0.008`, or `p < 0.001`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {p:.3}")
    }
}

fn bracket(
    interval: Option<(f64, f64)>,
    p: Option<f64>,
    level: &str,
    show: impl Fn(f64) -> String,
) -> String {
    match (interval, p) {
        (Some((lower, upper)), Some(p)) => format!(
            " ({level} CI {} to {}; {})",
            show(lower),
            show(upper),
            p_text(p)
        ),
        (None, Some(p)) => format!(" ({})", p_text(p)),
        _ => " (no test: nothing varied)".to_owned(),
    }
}

fn difference_sentence(
    outcome: Outcome,
    treatment: &str,
    difference: f64,
    interval: Option<Interval>,
    p: Option<f64>,
    level: &str,
    note: &str,
) -> String {
    let verb = match outcome {
        Outcome::Click => "clicked",
        Outcome::SelfReportedAction => "acted",
        Outcome::ReportRate => "reported",
    };
    let points = |value: f64| format!("{:.1}", value * 100.0);
    let body = if difference == 0.0 {
        format!("Recipients of {treatment} {verb} as often as the control")
    } else {
        format!(
            "Recipients of {treatment} {verb} {} points {} often than the control",
            points(difference.abs()),
            if difference > 0.0 { "more" } else { "less" }
        )
    };
    format!(
        "{body}{}{note}.",
        bracket(interval.map(|i| (i.lower, i.upper)), p, level, points)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanChoices;
    use crate::randomise::ArmSpec;

    fn plan(design: PlanDesign) -> EvaluationPlan {
        let cluster = design.is_cluster();
        EvaluationPlan::new(PlanChoices {
            primary_outcome: Outcome::SelfReportedAction,
            secondary_outcomes: vec![Outcome::Click],
            design,
            arms: vec![ArmSpec::new("control", 1), ArmSpec::new("letter", 1)],
            strata: vec!["district".to_owned()],
            seed: 7,
            baseline: 0.3,
            target: 0.2,
            alpha: 0.05,
            power: 0.8,
            icc: cluster.then_some(0.05),
            mean_cluster_size: cluster.then_some(100),
        })
        .expect("valid plan")
    }

    fn arm(name: &str, n: u64, events: u64) -> Arm {
        Arm::new(name, n, events).expect("valid arm")
    }

    #[test]
    fn a_full_sample_reports_without_interim_warnings() {
        let plan = plan(PlanDesign::Individual);
        assert_eq!(plan.planned_n_per_arm, 294);
        let report = EvaluationReport::build(
            &plan,
            Observed {
                primary: vec![arm("control", 1000, 300), arm("letter", 1000, 342)],
                ..Observed::default()
            },
        )
        .expect("valid");
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!(report.plan_fingerprint, plan.fingerprint());
        let sentence = report.summary_sentence();
        assert!(
            sentence.starts_with(
                "Recipients of letter acted 4.2 points more often than the control (95% CI 0."
            ),
            "{sentence}"
        );
        assert!(sentence.contains("; p = 0.04"), "{sentence}");
    }

    #[test]
    fn small_and_early_counts_are_flagged() {
        let plan = plan(PlanDesign::Individual);
        let report = EvaluationReport::build(
            &plan,
            Observed {
                primary: vec![arm("control", 15, 0), arm("letter", 15, 4)],
                secondary: vec![OutcomeCounts {
                    outcome: Outcome::Click,
                    arms: vec![arm("control", 15, 5), arm("letter", 15, 8)],
                }],
                opens: Some(vec![arm("control", 15, 9), arm("letter", 15, 11)]),
                ..Observed::default()
            },
        )
        .expect("valid");
        let kinds: Vec<String> = report.warnings.iter().map(Warning::message).collect();
        assert_eq!(report.warnings.len(), 4, "{kinds:?}");
        assert!(kinds[0].starts_with("viewed before the planned sample is reached"));
        assert!(kinds.iter().any(|k| {
            k.starts_with("Fisher's exact test was used for letter (self-reported action)")
        }));
        assert!(kinds.iter().any(|k| k.starts_with("opens are unreliable")));
        assert!(
            report
                .summary_sentence()
                .starts_with("Interim: Recipients of letter acted 26.7 points more often")
        );
        assert_eq!(report.opens.as_ref().map(Vec::len), Some(2));
        let json = serde_json::to_value(&report).expect("serialisable");
        assert_eq!(json["warnings"][0]["kind"], "before_planned_sample");
    }

    #[test]
    fn cluster_designs_report_the_cluster_analysis_or_warn() {
        let plan = plan(PlanDesign::ClusterByWard);
        let primary = vec![arm("control", 2000, 600), arm("letter", 2000, 700)];
        let report = EvaluationReport::build(
            &plan,
            Observed {
                primary: primary.clone(),
                ..Observed::default()
            },
        )
        .expect("valid");
        assert!(report.warnings.contains(&Warning::ClusterCountsMissing));
        let clusters = ["a", "b", "c", "d"]
            .iter()
            .zip([
                ("control", 280),
                ("control", 320),
                ("letter", 330),
                ("letter", 370),
            ])
            .map(|(name, (arm, events))| ClusterCount {
                cluster: (*name).to_owned(),
                arm: arm.to_owned(),
                n: 1000,
                events,
            })
            .collect::<Vec<_>>();
        let report = EvaluationReport::build(
            &plan,
            Observed {
                primary,
                clusters: Some(clusters),
                ..Observed::default()
            },
        )
        .expect("valid");
        assert!(report.cluster.is_some());
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert!(
            report
                .summary_sentence()
                .contains("(cluster-level analysis)")
        );
    }

    #[test]
    fn counts_that_do_not_fit_the_plan_are_refused() {
        let plan = plan(PlanDesign::Individual);
        assert!(matches!(
            EvaluationReport::build(
                &plan,
                Observed {
                    primary: vec![arm("letter", 10, 1), arm("control", 10, 1)],
                    ..Observed::default()
                }
            ),
            Err(ReportError::Arms { .. })
        ));
        assert_eq!(
            EvaluationReport::build(
                &plan,
                Observed {
                    primary: vec![arm("control", 10, 1), arm("letter", 10, 1)],
                    secondary: vec![OutcomeCounts {
                        outcome: Outcome::ReportRate,
                        arms: vec![arm("control", 10, 1), arm("letter", 10, 1)],
                    }],
                    ..Observed::default()
                }
            ),
            Err(ReportError::UnplannedOutcome("report rate"))
        );
        assert_eq!(
            EvaluationReport::build(&plan, Observed::default()),
            Err(ReportError::NoPrimary("self-reported action"))
        );
        let mut edited = plan;
        edited.planned_n_per_arm = 10;
        assert!(matches!(
            EvaluationReport::build(&edited, Observed::default()),
            Err(ReportError::Plan(_))
        ));
    }
}
