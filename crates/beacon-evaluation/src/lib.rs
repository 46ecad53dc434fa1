//! Evaluation statistics for the partnership's protect campaigns, to the standard an
//! academic partner can sign off: what a campaign's arms achieved and whether the
//! difference between them is more than chance.
//!
//! - [`proportion`]: a rate (events out of n) with its Wilson score interval;
//! - [`power`]: how many participants (or clusters of them) each arm needs to detect a
//!   given change, and the smallest change a given size can detect;
//! - [`compare`](mod@compare): arms side by side: rates, the difference with Newcombe's interval, the
//!   relative risk and odds ratio, and a p-value from the z test or Fisher's exact test;
//! - [`randomise`](mod@randomise): seeded, reproducible allocation of contacts (or whole
//!   wards and districts) to arms, stratified, in permuted blocks;
//! - [`balance`]: the balance table of an allocation, arm by arm;
//! - [`plan`](mod@plan): the evaluation plan locked before a campaign, with its computed
//!   size, its analysis in words and its fingerprint;
//! - [`cluster`](mod@cluster): the cluster-level analysis of a ward or district design
//!   (cluster rates, the ANOVA ICC, the design effect, Welch's t on cluster rates);
//! - [`did`](mod@did): difference in differences on district monthly report rates;
//! - [`report`](mod@report): the evaluation report of a locked plan, with its warnings
//!   and a sentence for the board.
//!
//! The formulas, the rule for choosing a test and the rounding are written out in
//! `docs/evaluation.md`; the known answers in `tests/fixtures/known_answers.json` come
//! from scipy and statsmodels, not from this crate.
//!
//! **Architecture invariant:** pure — no I/O, no clock, no database; randomness comes
//! only from the seed a caller gives. Callers read the
//! counts from wherever they keep them and print or store the results.

pub mod balance;
pub mod cluster;
pub mod compare;
pub mod did;
pub mod plan;
pub mod power;
pub mod proportion;
pub mod randomise;
pub mod report;

pub use balance::{BalanceRow, BalanceTable, balance_from_counts, balance_table};

pub use cluster::{
    ClusterAnalysis, ClusterComparison, ClusterCount, ClusterError, ClusterRate, analyse_clusters,
};
pub use compare::{
    Arm, ArmSummary, Comparison, Evaluation, Ratio, Test, compare, fisher_exact, z_test,
};
pub use did::{
    DidError, DidEstimate, DistrictChange, DistrictMonth, GroupDifference, YearMonth,
    difference_in_differences,
};
pub use plan::{EvaluationPlan, Outcome, PlanChoices, PlanDesign, PlanError};
pub use power::{
    ArcsineSize, ClusterDesign, ClusterSampleSize, Plan, cluster_sample_size, cohens_h,
    design_effect, minimum_detectable_target, plan, round_up, sample_size, sample_size_arcsine,
    sample_size_arcsine_exact, sample_size_exact,
};
pub use proportion::{Interval, wilson_interval};
pub use randomise::{Allocation, ArmSpec, Design, MAX_BLOCK, StratumCounts, Unit, randomise};
pub use report::{
    EvaluationReport, Observed, OutcomeCounts, ReportError, SecondaryResult, Warning,
};

use statrs::distribution::{ContinuousCDF, Normal};

/// The significance level used when none is given: 5%, two-sided, so intervals are 95%.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// The power used when none is given: 80%, the conventional minimum for a trial.
pub const DEFAULT_POWER: f64 = 0.8;

/// Why a calculation was refused: each names the value and the range it must be in, so
/// that a person at the command line can correct it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    /// A proportion (baseline or target rate) outside the open interval (0, 1).
    #[error("{name} must be a proportion strictly between 0 and 1, not {value}")]
    Proportion {
        /// Which input ("baseline", "target").
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The baseline and target are equal, so there is no difference to detect.
    #[error("the target rate must differ from the baseline ({value} both)")]
    NoDifference {
        /// The rate given for both.
        value: f64,
    },
    /// A significance level outside (0, 1).
    #[error("alpha must be strictly between 0 and 1, not {0}")]
    Alpha(f64),
    /// A power outside [0.5, 1): below one half the sample size formulas stop meaning
    /// anything (the test would miss the effect more often than find it).
    #[error("power must be at least 0.5 and below 1, not {0}")]
    Power(f64),
    /// A cluster with no members.
    #[error("the cluster size must be at least 1")]
    ClusterSize,
    /// An intracluster correlation outside [0, 1].
    #[error("the intracluster correlation (ICC) must be between 0 and 1, not {0}")]
    Icc(f64),
    /// A per-arm size of zero where one participant at least is needed.
    #[error("{0} must have at least one participant")]
    EmptyArm(String),
    /// More events than participants.
    #[error("{name} has {events} events out of {n}: events cannot exceed participants")]
    TooManyEvents {
        /// The arm's name.
        name: String,
        /// The participants.
        n: u64,
        /// The events given.
        events: u64,
    },
    /// An arm without a name, which the output could not label.
    #[error("every arm needs a name")]
    UnnamedArm,
    /// Two arms with the same name, which the output could not tell apart.
    #[error("two arms are named {0:?}: arm names must differ")]
    DuplicateArm(String),
    /// Fewer than two arms: there is nothing to compare.
    #[error("a comparison needs at least two arms (a control first), not {0}")]
    TooFewArms(usize),
    /// An arm weighted 0, which would get no units.
    #[error("arm {0:?} has weight 0: every arm's weight must be at least 1")]
    ArmWeight(String),
    /// Arm weights adding up to more than one permuted block can hold.
    #[error("the arm weights add up to {0}, more than the {max} a block holds", max = crate::randomise::MAX_BLOCK)]
    BlockTooLarge(u64),
    /// Two units with one id: each contact is randomised once.
    #[error("unit {0} appears more than once: each contact is randomised once")]
    RepeatedUnit(u64),
    /// A unit without a cluster in a cluster design.
    #[error("unit {0} has no cluster, which a cluster design needs")]
    NoCluster(u64),
    /// More units than an allocation can index.
    #[error("{0} units are more than can be randomised at once (at most 4,294,967,295)")]
    TooManyUnits(usize),
    /// An allocation made from a different number of units than given with it.
    #[error("the allocation is of {allocated} units but {units} units were given")]
    AllocationLength {
        /// Units given.
        units: usize,
        /// Units the allocation has.
        allocated: usize,
    },
    /// An attribute without exactly one value per unit.
    #[error("attribute {name:?} has {values} values for {units} units: it needs one per unit")]
    AttributeLength {
        /// The attribute's name.
        name: String,
        /// Units given.
        units: usize,
        /// Values given.
        values: usize,
    },
    /// Counts of a value that are not one per arm.
    #[error(
        "value {value:?} of {name:?} has {counts} counts for {arms} arms: it needs one per arm"
    )]
    ArmCounts {
        /// The attribute's name.
        name: String,
        /// The value.
        value: String,
        /// Arms given.
        arms: usize,
        /// Counts given.
        counts: usize,
    },
}

/// The standard normal quantile `z` with `P(Z ≤ z) = probability`, for critical values
/// (`z(1 − α/2)`) and power (`z(1 − β)`). `probability` must be in (0, 1); callers check.
pub(crate) fn z(probability: f64) -> f64 {
    Normal::standard().inverse_cdf(probability)
}

/// `P(Z ≤ x)` for the standard normal.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    Normal::standard().cdf(x)
}

/// `P(Z > x)` for the standard normal, accurate far into the upper tail (small p-values).
pub(crate) fn normal_sf(x: f64) -> f64 {
    Normal::standard().sf(x)
}

/// Checks a significance level.
pub(crate) fn check_alpha(alpha: f64) -> Result<(), EvaluationError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(EvaluationError::Alpha(alpha))
    }
}
