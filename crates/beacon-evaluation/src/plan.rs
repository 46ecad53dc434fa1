//! The evaluation plan a campaign locks before it starts: what is measured, how people
//! (or wards, or districts) are randomised, how big the arms must be, and the analysis
//! in words — so that the result cannot later be read by whichever test looks best.
//!
//! The planned size is computed from the baseline, target, α, power and (for cluster
//! designs) the ICC and mean cluster size by [`power::plan`](crate::power::plan); it is
//! never typed in. The analysis text is generated from the choices. Both are checked
//! again by [`EvaluationPlan::validate`], so a plan read back from storage that was
//! edited by hand is refused.
//!
//! [`EvaluationPlan::fingerprint`] is the hex SHA-256 of the plan's canonical JSON (the
//! fields in declaration order, floats in their shortest round-trip form): the same plan
//! always gives the same fingerprint and a change to any field changes it. A report
//! quotes it, so a reader can check the plan it was judged against.

use crate::power::{ClusterDesign, plan as power_plan};
use crate::randomise::{ArmSpec, Design, check_arms};
use crate::{EvaluationError, check_alpha};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a campaign's arms are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The recipient followed the campaign's tracked link (link scanners left out).
    Click,
    /// The recipient said in the one-question survey that they took the advised action.
    SelfReportedAction,
    /// Reports to Action Fraud per 100,000 residents of the area (area campaigns).
    ReportRate,
}

impl Outcome {
    /// The outcome in words, for plans, reports and the analysis text.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Click => "the share of recipients who followed the tracked link",
            Outcome::SelfReportedAction => {
                "the share of recipients who said in the survey that they took the advised action"
            }
            Outcome::ReportRate => "reports per 100,000 residents",
        }
    }

    /// A short name for tables ("clicks").
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Click => "clicks",
            Outcome::SelfReportedAction => "self-reported action",
            Outcome::ReportRate => "report rate",
        }
    }

    /// Reads `click`, `self_reported_action` (or `action`) and `report_rate`.
    pub fn parse(text: &str) -> Option<Outcome> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "click" | "clicks" => Some(Outcome::Click),
            "self_reported_action" | "action" | "survey" => Some(Outcome::SelfReportedAction),
            "report_rate" | "reports" => Some(Outcome::ReportRate),
            _ => None,
        }
    }
}

/// What a plan randomises: contacts one by one, or whole wards or districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanDesign {
    /// Each contact on its own, within its stratum.
    Individual,
    /// Whole wards.
    ClusterByWard,
    /// Whole districts.
    ClusterByDistrict,
}

impl PlanDesign {
    /// The randomisation design that carries the plan out.
    pub fn randomisation(self) -> Design {
        match self {
            PlanDesign::Individual => Design::Individual,
            PlanDesign::ClusterByWard | PlanDesign::ClusterByDistrict => Design::Cluster,
        }
    }

    /// Whether whole clusters are randomised.
    pub fn is_cluster(self) -> bool {
        !matches!(self, PlanDesign::Individual)
    }

    /// The cluster in words ("ward"), `None` for an individual design.
    pub fn cluster_name(self) -> Option<&'static str> {
        match self {
            PlanDesign::Individual => None,
            PlanDesign::ClusterByWard => Some("ward"),
            PlanDesign::ClusterByDistrict => Some("district"),
        }
    }
}

/// What a person chooses for a plan; [`EvaluationPlan::new`] adds the computed size and
/// the analysis text.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChoices {
    /// The outcome the decision rests on.
    pub primary_outcome: Outcome,
    /// Outcomes reported beside it, not used for the decision.
    pub secondary_outcomes: Vec<Outcome>,
    /// What is randomised.
    pub design: PlanDesign,
    /// The arms, the control first.
    pub arms: Vec<ArmSpec>,
    /// Attribute names the randomisation is stratified on ("district", "age_band").
    pub strata: Vec<String>,
    /// The randomisation seed.
    pub seed: u64,
    /// The control arm's expected rate.
    pub baseline: f64,
    /// The rate the campaign aims for: the minimum detectable effect as a rate.
    pub target: f64,
    /// The two-sided significance level.
    pub alpha: f64,
    /// The power.
    pub power: f64,
    /// For cluster designs: the intracluster correlation assumed.
    pub icc: Option<f64>,
    /// For cluster designs: the mean number of contacts per cluster.
    pub mean_cluster_size: Option<u64>,
}

/// A campaign's evaluation plan, as locked before the campaign starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationPlan {
    /// The outcome the decision rests on.
    pub primary_outcome: Outcome,
    /// Outcomes reported beside it.
    pub secondary_outcomes: Vec<Outcome>,
    /// What is randomised.
    pub design: PlanDesign,
    /// The arms, the control first.
    pub arms: Vec<ArmSpec>,
    /// Attribute names the randomisation is stratified on.
    pub strata: Vec<String>,
    /// The randomisation seed.
    pub seed: u64,
    /// The control arm's expected rate.
    pub baseline: f64,
    /// The minimum detectable effect, as the rate the treatment arm would reach.
    pub target: f64,
    /// The two-sided significance level.
    pub alpha: f64,
    /// The power.
    pub power: f64,
    /// The ICC assumed, for cluster designs.
    pub icc: Option<f64>,
    /// The mean cluster size assumed, for cluster designs.
    pub mean_cluster_size: Option<u64>,
    /// Participants each arm needs (Fleiss, inflated by the design effect for clusters).
    pub planned_n_per_arm: u64,
    /// Clusters each arm needs, for cluster designs.
    pub planned_clusters_per_arm: Option<u64>,
    /// The pre-registered analysis, in words, generated from the choices.
    pub analysis: String,
}

/// Why a plan was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// A value the statistics refuse (a rate, α, power, ICC or an arm).
    #[error(transparent)]
    Statistics(#[from] EvaluationError),
    /// A cluster design without its ICC or mean cluster size.
    #[error("a design clustered by {0} needs the ICC and the mean cluster size")]
    ClusterAssumptions(&'static str),
    /// An individual design given an ICC or cluster size.
    #[error("an individual design takes no ICC or cluster size")]
    UnexpectedCluster,
    /// A blank or repeated stratum name.
    #[error("stratum names must be non-blank and different; {0:?} is not")]
    Stratum(String),
    /// A secondary outcome that is the primary or is listed twice.
    #[error("secondary outcome {0:?} repeats the primary outcome or another secondary")]
    Secondary(&'static str),
    /// A stored plan whose planned size is not what its figures give.
    #[error("the planned size {stored} per arm is not the {computed} the plan's figures give")]
    PlannedSize {
        /// The size in the plan.
        stored: u64,
        /// The size computed from the plan's figures.
        computed: u64,
    },
    /// A stored plan whose clusters per arm are not what its figures give.
    #[error("the planned clusters per arm do not match the plan's figures")]
    PlannedClusters,
    /// A stored plan whose analysis text is not the one its choices generate.
    #[error("the analysis text is not the one the plan's choices generate")]
    Analysis,
}

impl EvaluationPlan {
    /// A plan from the choices: checked, with its size computed and its analysis
    /// written.
    ///
    /// # Errors
    ///
    /// As [`EvaluationPlan::validate`].
    pub fn new(choices: PlanChoices) -> Result<EvaluationPlan, PlanError> {
        check_choices(&choices)?;
        let (planned_n_per_arm, planned_clusters_per_arm) = planned_size(&choices)?;
        let analysis = analysis_text(&choices, planned_n_per_arm, planned_clusters_per_arm);
        Ok(EvaluationPlan {
            primary_outcome: choices.primary_outcome,
            secondary_outcomes: choices.secondary_outcomes,
            design: choices.design,
            arms: choices.arms,
            strata: choices.strata,
            seed: choices.seed,
            baseline: choices.baseline,
            target: choices.target,
            alpha: choices.alpha,
            power: choices.power,
            icc: choices.icc,
            mean_cluster_size: choices.mean_cluster_size,
            planned_n_per_arm,
            planned_clusters_per_arm,
            analysis,
        })
    }

    /// The choices the plan was made from.
    pub fn choices(&self) -> PlanChoices {
        PlanChoices {
            primary_outcome: self.primary_outcome,
            secondary_outcomes: self.secondary_outcomes.clone(),
            design: self.design,
            arms: self.arms.clone(),
            strata: self.strata.clone(),
            seed: self.seed,
            baseline: self.baseline,
            target: self.target,
            alpha: self.alpha,
            power: self.power,
            icc: self.icc,
            mean_cluster_size: self.mean_cluster_size,
        }
    }

    /// Checks the plan: at least two arms with distinct names and weights at least 1;
    /// strata named and distinct; secondary outcomes distinct from the primary and each
    /// other; rates, α and power in range; cluster designs with their ICC and cluster
    /// size and individual designs without; and the planned size and analysis text
    /// exactly what the choices give.
    ///
    /// # Errors
    ///
    /// The first problem found, as a [`PlanError`].
    pub fn validate(&self) -> Result<(), PlanError> {
        let choices = self.choices();
        check_choices(&choices)?;
        let (n, clusters) = planned_size(&choices)?;
        if n != self.planned_n_per_arm {
            return Err(PlanError::PlannedSize {
                stored: self.planned_n_per_arm,
                computed: n,
            });
        }
        if clusters != self.planned_clusters_per_arm {
            return Err(PlanError::PlannedClusters);
        }
        if analysis_text(&choices, n, clusters) != self.analysis {
            return Err(PlanError::Analysis);
        }
        Ok(())
    }

    /// The canonical JSON: fields in declaration order, no whitespace, floats in their
    /// shortest round-trip form. What [`EvaluationPlan::fingerprint`] hashes.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("a plan has only strings, numbers and lists")
    }

    /// The hex SHA-256 of [`EvaluationPlan::canonical_json`]: 64 lower-case hex digits
    /// that a report quotes so a reader can check which plan it was judged against.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.canonical_json().as_bytes());
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// The control arm's name (the first arm).
    pub fn control(&self) -> &str {
        self.arms.first().map_or("", |arm| arm.name.as_str())
    }
}

fn check_choices(choices: &PlanChoices) -> Result<(), PlanError> {
    check_arms(&choices.arms)?;
    check_alpha(choices.alpha)?;
    for (index, stratum) in choices.strata.iter().enumerate() {
        if stratum.trim().is_empty() || choices.strata[..index].contains(stratum) {
            return Err(PlanError::Stratum(stratum.clone()));
        }
    }
    for (index, outcome) in choices.secondary_outcomes.iter().enumerate() {
        if *outcome == choices.primary_outcome
            || choices.secondary_outcomes[..index].contains(outcome)
        {
            return Err(PlanError::Secondary(outcome.label()));
        }
    }
    match (
        choices.design.cluster_name(),
        choices.icc,
        choices.mean_cluster_size,
    ) {
        (None, None, None) | (Some(_), Some(_), Some(_)) => Ok(()),
        (None, _, _) => Err(PlanError::UnexpectedCluster),
        (Some(name), _, _) => Err(PlanError::ClusterAssumptions(name)),
    }
}

fn planned_size(choices: &PlanChoices) -> Result<(u64, Option<u64>), PlanError> {
    let cluster = match (choices.icc, choices.mean_cluster_size) {
        (Some(icc), Some(cluster_size)) => Some(ClusterDesign { cluster_size, icc }),
        _ => None,
    };
    let sized = power_plan(
        choices.baseline,
        choices.target,
        choices.alpha,
        choices.power,
        cluster,
    )?;
    Ok(match sized.cluster {
        Some(clustered) => (clustered.n_per_arm, Some(clustered.clusters_per_arm)),
        None => (sized.n_per_arm, None),
    })
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The pre-registered analysis in words. Changing this text changes the fingerprint of
/// every new plan, and makes stored plans fail [`EvaluationPlan::validate`]; so it
/// changes only with a version of the method.
fn analysis_text(choices: &PlanChoices, n_per_arm: u64, clusters_per_arm: Option<u64>) -> String {
    let level = format!("{}%", 100.0 * (1.0 - choices.alpha));
    let control = &choices.arms[0].name;
    let treatments: Vec<String> = choices.arms[1..]
        .iter()
        .map(|arm| format!("{:?}", arm.name))
        .collect();
    let arms: Vec<String> = choices
        .arms
        .iter()
        .map(|arm| format!("{:?} (weight {})", arm.name, arm.weight))
        .collect();
    let mut text = format!(
        "Primary outcome: {}. Arms: {}; the control is {control:?}. ",
        choices.primary_outcome.describe(),
        join_words(&arms),
    );
    let strata = if choices.strata.is_empty() {
        "without strata".to_owned()
    } else {
        format!("stratified by {}", join_words(&choices.strata))
    };
    match choices.design.cluster_name() {
        None => text.push_str(&format!(
            "Each contact is randomised on its own, {strata}, in permuted blocks with seed {}. ",
            choices.seed
        )),
        Some(cluster) => text.push_str(&format!(
            "Whole {cluster}s are randomised, {strata}, in permuted blocks with seed {}; every contact gets their {cluster}'s arm. ",
            choices.seed
        )),
    }
    text.push_str(&format!(
        "Planned size: {n_per_arm} per arm, to detect a change from {} to {} with power {} at two-sided alpha {} (Fleiss, normal approximation",
        percent(choices.baseline),
        percent(choices.target),
        choices.power,
        choices.alpha,
    ));
    if let (Some(icc), Some(size), Some(clusters)) =
        (choices.icc, choices.mean_cluster_size, clusters_per_arm)
    {
        text.push_str(&format!(
            ", inflated by the design effect 1 + (m - 1) x ICC for a mean of {size} per cluster and an ICC of {icc}: {clusters} clusters per arm"
        ));
    }
    text.push_str("). ");
    text.push_str(&format!(
        "Analysis: {} against {control:?}, each on the primary outcome: the difference in rates with Newcombe's {level} interval, the relative risk and odds ratio, and a two-sided p-value from the pooled two-proportion z test, or Fisher's exact test when an expected count is under 5. ",
        join_words(&treatments),
    ));
    if let Some(cluster) = choices.design.cluster_name() {
        text.push_str(&format!(
            "Because {cluster}s are randomised, the decision rests on the cluster-level analysis: each {cluster}'s rate, arms compared by Welch's t test on the {cluster} rates, with the ICC estimated by one-way analysis of variance and the design effect and effective sample size reported. "
        ));
    }
    if choices.primary_outcome == Outcome::ReportRate {
        text.push_str("Area report rates are compared by difference in differences on district monthly rates per 100,000, with the pre-period trends shown. ");
    }
    if choices.secondary_outcomes.is_empty() {
        text.push_str("No secondary outcomes. ");
    } else {
        let secondary: Vec<String> = choices
            .secondary_outcomes
            .iter()
            .map(|outcome| outcome.label().to_owned())
            .collect();
        text.push_str(&format!(
            "Secondary outcomes, reported by the same method but not used for the decision: {}. ",
            join_words(&secondary)
        ));
    }
    text.push_str("Email opens are not an outcome: image blocking and privacy proxies make them unreliable. The result is read only once the planned size is reached.");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> PlanChoices {
        PlanChoices {
            primary_outcome: Outcome::Click,
            secondary_outcomes: vec![Outcome::SelfReportedAction],
            design: PlanDesign::Individual,
            arms: vec![ArmSpec::new("control", 1), ArmSpec::new("letter", 1)],
            strata: vec!["district".to_owned(), "age_band".to_owned()],
            seed: 42,
            baseline: 0.12,
            target: 0.09,
            alpha: 0.05,
            power: 0.8,
            icc: None,
            mean_cluster_size: None,
        }
    }

    #[test]
    fn the_planned_size_is_computed_not_typed() {
        let plan = EvaluationPlan::new(choices()).expect("valid");
        // Fleiss for 12% → 9%, α 0.05, power 0.8 (the known-answer fixtures): 1,638.
        assert_eq!(plan.planned_n_per_arm, 1638);
        assert_eq!(plan.planned_clusters_per_arm, None);
        assert!(plan.analysis.contains("1638 per arm"), "{}", plan.analysis);
        assert!(
            plan.analysis
                .contains("stratified by district and age_band")
        );
        plan.validate().expect("a new plan is valid");
    }

    #[test]
    fn cluster_plans_inflate_by_the_design_effect() {
        let plan = EvaluationPlan::new(PlanChoices {
            design: PlanDesign::ClusterByWard,
            icc: Some(0.02),
            mean_cluster_size: Some(25),
            ..choices()
        })
        .expect("valid");
        // 1,638 × 1.48 = 2,424.24 → 2,425; over 25 → 97 wards.
        assert_eq!(plan.planned_n_per_arm, 2425);
        assert_eq!(plan.planned_clusters_per_arm, Some(97));
        assert!(plan.analysis.contains("Welch's t test on the ward rates"));
    }

    #[test]
    fn the_same_plan_gives_the_same_fingerprint_and_any_change_another() {
        let plan = EvaluationPlan::new(choices()).expect("valid");
        let again = EvaluationPlan::new(choices()).expect("valid");
        assert_eq!(plan.fingerprint(), again.fingerprint());
        assert_eq!(plan.fingerprint().len(), 64);
        assert!(plan.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
        let round_trip: EvaluationPlan =
            serde_json::from_str(&plan.canonical_json()).expect("the JSON reads back");
        assert_eq!(round_trip.fingerprint(), plan.fingerprint());

        let mut changed = Vec::new();
        let mut edit = |change: &dyn Fn(&mut EvaluationPlan)| {
            let mut other = plan.clone();
            change(&mut other);
            changed.push(other.fingerprint());
        };
        edit(&|p| p.primary_outcome = Outcome::SelfReportedAction);
        edit(&|p| p.secondary_outcomes.clear());
        edit(&|p| p.design = PlanDesign::ClusterByDistrict);
        edit(&|p| p.arms[1].name = "leaflet".to_owned());
        edit(&|p| p.arms[1].weight = 2);
        edit(&|p| {
            p.strata.pop();
        });
        edit(&|p| p.seed = 43);
        edit(&|p| p.baseline = 0.120_000_1);
        edit(&|p| p.target = 0.1);
        edit(&|p| p.alpha = 0.01);
        edit(&|p| p.power = 0.9);
        edit(&|p| p.icc = Some(0.0));
        edit(&|p| p.mean_cluster_size = Some(1));
        edit(&|p| p.planned_n_per_arm += 1);
        edit(&|p| p.planned_clusters_per_arm = Some(1));
        edit(&|p| p.analysis.push(' '));
        for (index, fingerprint) in changed.iter().enumerate() {
            assert_ne!(fingerprint, &plan.fingerprint(), "change {index}");
        }
    }

    #[test]
    fn a_stored_plan_edited_by_hand_is_refused() {
        let plan = EvaluationPlan::new(choices()).expect("valid");
        let mut edited = plan.clone();
        edited.planned_n_per_arm = 500;
        assert_eq!(
            edited.validate(),
            Err(PlanError::PlannedSize {
                stored: 500,
                computed: 1638
            })
        );
        let mut edited = plan.clone();
        edited.target = 0.06;
        assert!(matches!(
            edited.validate(),
            Err(PlanError::PlannedSize { .. })
        ));
        let mut edited = plan;
        edited.analysis = "Whatever looks best.".to_owned();
        assert_eq!(edited.validate(), Err(PlanError::Analysis));
    }

    #[test]
    fn bad_choices_are_refused_with_the_reason() {
        let cases: Vec<(PlanChoices, PlanError)> = vec![
            (
                PlanChoices {
                    arms: vec![ArmSpec::new("control", 1)],
                    ..choices()
                },
                PlanError::Statistics(EvaluationError::TooFewArms(1)),
            ),
            (
                PlanChoices {
                    design: PlanDesign::ClusterByDistrict,
                    ..choices()
                },
                PlanError::ClusterAssumptions("district"),
            ),
            (
                PlanChoices {
                    icc: Some(0.1),
                    ..choices()
                },
                PlanError::UnexpectedCluster,
            ),
            (
                PlanChoices {
                    strata: vec!["district".to_owned(), "district".to_owned()],
                    ..choices()
                },
                PlanError::Stratum("district".to_owned()),
            ),
            (
                PlanChoices {
                    secondary_outcomes: vec![Outcome::Click],
                    ..choices()
                },
                PlanError::Secondary("clicks"),
            ),
            (
                PlanChoices {
                    target: 0.12,
                    ..choices()
                },
                PlanError::Statistics(EvaluationError::NoDifference { value: 0.12 }),
            ),
            (
                PlanChoices {
                    design: PlanDesign::ClusterByWard,
                    icc: Some(1.5),
                    mean_cluster_size: Some(20),
                    ..choices()
                },
                PlanError::Statistics(EvaluationError::Icc(1.5)),
            ),
        ];
        for (choices, error) in cases {
            assert_eq!(EvaluationPlan::new(choices), Err(error));
        }
    }

    #[test]
    fn outcomes_read_their_names() {
        assert_eq!(Outcome::parse("click"), Some(Outcome::Click));
        assert_eq!(
            Outcome::parse("Self-reported action"),
            Some(Outcome::SelfReportedAction)
        );
        assert_eq!(Outcome::parse("report_rate"), Some(Outcome::ReportRate));
        assert_eq!(Outcome::parse("opens"), None);
    }
}
