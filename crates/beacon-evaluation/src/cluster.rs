//! The cluster-level analysis of a campaign that randomised whole wards or districts:
//! each cluster's rate, how alike people in one cluster are (the ICC), what that costs
//! (the design effect and the effective sample size), and the arms compared on their
//! clusters' rates — the unit that was randomised — rather than on people as if each had
//! been randomised alone.
//!
//! - **ICC**: the one-way analysis of variance estimator for a binary outcome with
//!   clusters nested in arms (Donner 1986; Ridout, Demétrio and Firth 1999), with
//!   unequal cluster sizes allowed through `n₀`:
//!
//!   ```text
//!   MSB = Σ_arms Σ_clusters (y_i²/n_i) − Σ_arms (Y_a²/N_a)   over (k − a)
//!   MSW = (Σ y_i − Σ y_i²/n_i)                               over (N − k)
//!   n₀  = (N − Σ_arms Σ_clusters n_i²/N_a) / (k − a)
//!   ICC = (MSB − MSW) / (MSB + (n₀ − 1)·MSW)
//!   ```
//!
//!   with `k` clusters, `a` arms, `N` people, `y_i` events of `n_i` in cluster `i` and
//!   `Y_a` of `N_a` in arm `a`. Removing the arms' means first keeps a campaign that
//!   works from looking like clustering. The estimate can be negative; it is reported
//!   as it is, and taken as 0 for the design effect.
//! - **Design effect** `1 + (m̄ − 1)·max(ICC, 0)` with `m̄ = N/k`, and the **effective
//!   sample size** `N / DE`.
//! - **Comparison**: each treatment arm against the control by Welch's t test on the
//!   cluster proportions (each cluster one observation, unweighted), with the
//!   Welch–Satterthwaite degrees of freedom, the two-sided p-value from Student's t and
//!   the interval `difference ± t(1 − α/2, df)·se`.

use crate::{EvaluationError, check_alpha};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// One cluster's counts as observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterCount {
    /// The ward or district.
    pub cluster: String,
    /// The arm the cluster was randomised to.
    pub arm: String,
    /// People in the cluster.
    pub n: u64,
    /// People with the outcome.
    pub events: u64,
}

/// One cluster's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterRate {
    /// The ward or district.
    pub cluster: String,
    /// Its arm.
    pub arm: String,
    /// People.
    pub n: u64,
    /// People with the outcome.
    pub events: u64,
    /// `events / n`.
    pub rate: f64,
}

/// One treatment arm against the control on cluster rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterComparison {
    /// The control arm.
    pub control: String,
    /// The treatment arm.
    pub treatment: String,
    /// Clusters in the control arm.
    pub control_clusters: usize,
    /// Clusters in the treatment arm.
    pub treatment_clusters: usize,
    /// The mean of the control clusters' rates.
    pub control_mean: f64,
    /// The mean of the treatment clusters' rates.
    pub treatment_mean: f64,
    /// Treatment mean minus control mean.
    pub difference: f64,
    /// Welch's standard error of the difference; `None` when both arms' clusters all
    /// have one rate (nothing varies).
    pub standard_error: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom.
    pub degrees_of_freedom: Option<f64>,
    /// The t statistic.
    pub t: Option<f64>,
    /// The two-sided p-value.
    pub p_value: Option<f64>,
    /// The interval for the difference at the analysis level.
    pub interval: Option<crate::Interval>,
}

/// The cluster-level analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterAnalysis {
    /// The significance level of the intervals.
    pub alpha: f64,
    /// Every cluster, in the order given.
    pub clusters: Vec<ClusterRate>,
    /// The ANOVA estimate of the ICC; `None` when it is undefined (no variation at all,
    /// or every cluster of one person, or one cluster per arm).
    pub icc: Option<f64>,
    /// `n₀`, the cluster size the ANOVA estimator uses for unequal clusters.
    pub n0: Option<f64>,
    /// People per cluster, `N / k`.
    pub mean_cluster_size: f64,
    /// `1 + (m̄ − 1)·max(ICC, 0)` (1 when the ICC is undefined).
    pub design_effect: f64,
    /// People over the design effect: how many independent people the trial is worth.
    pub effective_sample_size: f64,
    /// Each treatment arm against the control (the first arm), in order.
    pub comparisons: Vec<ClusterComparison>,
}

/// Why a cluster analysis was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClusterError {
    /// A bad α.
    #[error(transparent)]
    Statistics(#[from] EvaluationError),
    /// A cluster of no people.
    #[error("cluster {0:?} has no people")]
    EmptyCluster(String),
    /// More events than people.
    #[error("cluster {cluster:?} has {events} events out of {n}")]
    TooManyEvents {
        /// The cluster.
        cluster: String,
        /// People.
        n: u64,
        /// Events.
        events: u64,
    },
    /// A cluster given twice.
    #[error("cluster {0:?} is given more than once")]
    RepeatedCluster(String),
    /// A cluster of an arm not in the list.
    #[error("cluster {cluster:?} is in arm {arm:?}, which is not one of the arms")]
    UnknownArm {
        /// The cluster.
        cluster: String,
        /// Its arm.
        arm: String,
    },
    /// An arm with fewer than two clusters, whose spread cannot be estimated.
    #[error("arm {0:?} has fewer than two clusters: a cluster-level comparison needs two at least")]
    TooFewClusters(String),
    /// Fewer than two arms.
    #[error("a cluster analysis needs at least two arms (the control first), not {0}")]
    TooFewArms(usize),
}

/// The cluster-level analysis of `clusters` whose arms are `arms` (the control first),
/// with intervals at level `alpha`.
///
/// # Errors
///
/// Fewer than two arms, an arm with fewer than two clusters, a cluster with no people,
/// more events than people, a repeated cluster, a cluster of an unknown arm, or a bad α.
pub fn analyse_clusters(
    arms: &[String],
    clusters: &[ClusterCount],
    alpha: f64,
) -> Result<ClusterAnalysis, ClusterError> {
    check_alpha(alpha)?;
    if arms.len() < 2 {
        return Err(ClusterError::TooFewArms(arms.len()));
    }
    let mut arm_of = Vec::with_capacity(clusters.len());
    for (index, cluster) in clusters.iter().enumerate() {
        if cluster.n == 0 {
            return Err(ClusterError::EmptyCluster(cluster.cluster.clone()));
        }
        if cluster.events > cluster.n {
            return Err(ClusterError::TooManyEvents {
                cluster: cluster.cluster.clone(),
                n: cluster.n,
                events: cluster.events,
            });
        }
        if clusters[..index]
            .iter()
            .any(|other| other.cluster == cluster.cluster)
        {
            return Err(ClusterError::RepeatedCluster(cluster.cluster.clone()));
        }
        let arm = arms
            .iter()
            .position(|arm| *arm == cluster.arm)
            .ok_or_else(|| ClusterError::UnknownArm {
                cluster: cluster.cluster.clone(),
                arm: cluster.arm.clone(),
            })?;
        arm_of.push(arm);
    }
    let rates_of = |arm: usize| -> Vec<f64> {
        clusters
            .iter()
            .zip(&arm_of)
            .filter(|(_, of)| **of == arm)
            .map(|(cluster, _)| cluster.events as f64 / cluster.n as f64)
            .collect()
    };
    for (index, name) in arms.iter().enumerate() {
        if rates_of(index).len() < 2 {
            return Err(ClusterError::TooFewClusters(name.clone()));
        }
    }

    let (icc, n0) = anova_icc(clusters, &arm_of, arms.len());
    let people: u64 = clusters.iter().map(|cluster| cluster.n).sum();
    let mean_cluster_size = people as f64 / clusters.len() as f64;
    let design_effect = 1.0 + (mean_cluster_size - 1.0) * icc.unwrap_or(0.0).max(0.0);
    let control = rates_of(0);
    let comparisons = (1..arms.len())
        .map(|arm| welch(&arms[0], &control, &arms[arm], &rates_of(arm), alpha))
        .collect();
    Ok(ClusterAnalysis {
        alpha,
        clusters: clusters
            .iter()
            .map(|cluster| ClusterRate {
                cluster: cluster.cluster.clone(),
                arm: cluster.arm.clone(),
                n: cluster.n,
                events: cluster.events,
                rate: cluster.events as f64 / cluster.n as f64,
            })
            .collect(),
        icc,
        n0,
        mean_cluster_size,
        design_effect,
        effective_sample_size: people as f64 / design_effect,
        comparisons,
    })
}

/// The ANOVA ICC with clusters nested in arms (see the module documentation) and its
/// `n₀`; `None` for either when its denominator is zero.
fn anova_icc(
    clusters: &[ClusterCount],
    arm_of: &[usize],
    arms: usize,
) -> (Option<f64>, Option<f64>) {
    let k = clusters.len() as f64;
    let a = arms as f64;
    let total_n: f64 = clusters.iter().map(|c| c.n as f64).sum();
    let total_events: f64 = clusters.iter().map(|c| c.events as f64).sum();
    let within_cluster: f64 = clusters
        .iter()
        .map(|c| (c.events as f64).powi(2) / c.n as f64)
        .sum();
    let mut within_arm = 0.0;
    let mut squares_over_arm = 0.0;
    for arm in 0..arms {
        let members = clusters.iter().zip(arm_of).filter(|(_, of)| **of == arm);
        let (n, events, squares) = members.fold((0.0, 0.0, 0.0), |(n, e, s), (c, _)| {
            (
                n + c.n as f64,
                e + c.events as f64,
                s + (c.n as f64).powi(2),
            )
        });
        within_arm += events * events / n;
        squares_over_arm += squares / n;
    }
    let between_df = k - a;
    let within_df = total_n - k;
    let n0 = (between_df > 0.0).then(|| (total_n - squares_over_arm) / between_df);
    if between_df <= 0.0 || within_df <= 0.0 {
        return (None, n0);
    }
    let msb = (within_cluster - within_arm) / between_df;
    let msw = (total_events - within_cluster) / within_df;
    let Some(n0_value) = n0 else {
        return (None, None);
    };
    let denominator = msb + (n0_value - 1.0) * msw;
    if denominator.abs() < 1e-15 {
        return (None, n0);
    }
    (Some((msb - msw) / denominator), n0)
}

fn mean_and_variance(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance)
}

fn welch(
    control_name: &str,
    control: &[f64],
    treatment_name: &str,
    treatment: &[f64],
    alpha: f64,
) -> ClusterComparison {
    let (control_mean, control_variance) = mean_and_variance(control);
    let (treatment_mean, treatment_variance) = mean_and_variance(treatment);
    let (k_c, k_t) = (control.len() as f64, treatment.len() as f64);
    let (part_c, part_t) = (control_variance / k_c, treatment_variance / k_t);
    let variance = part_c + part_t;
    let difference = treatment_mean - control_mean;
    let mut comparison = ClusterComparison {
        control: control_name.to_owned(),
        treatment: treatment_name.to_owned(),
        control_clusters: control.len(),
        treatment_clusters: treatment.len(),
        control_mean,
        treatment_mean,
        difference,
        standard_error: None,
        degrees_of_freedom: None,
        t: None,
        p_value: None,
        interval: None,
    };
    if variance <= 0.0 || variance.is_nan() {
        return comparison;
    }
    let standard_error = variance.sqrt();
    let df = variance * variance / (part_c * part_c / (k_c - 1.0) + part_t * part_t / (k_t - 1.0));
    let t = difference / standard_error;
    let Ok(student) = StudentsT::new(0.0, 1.0, df) else {
        return comparison;
    };
    let critical = student.inverse_cdf(1.0 - alpha / 2.0);
    comparison.standard_error = Some(standard_error);
    comparison.degrees_of_freedom = Some(df);
    comparison.t = Some(t);
    comparison.p_value = Some((2.0 * student.sf(t.abs())).min(1.0));
    comparison.interval = Some(crate::Interval {
        lower: difference - critical * standard_error,
        upper: difference + critical * standard_error,
    });
    comparison
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(name: &str, arm: &str, n: u64, events: u64) -> ClusterCount {
        ClusterCount {
            cluster: name.to_owned(),
            arm: arm.to_owned(),
            n,
            events,
        }
    }

    fn arms() -> Vec<String> {
        vec!["control".to_owned(), "letter".to_owned()]
    }

    #[test]
    fn identical_clusters_have_no_clustering() {
        let clusters = [
            cluster("a", "control", 10, 2),
            cluster("b", "control", 10, 2),
            cluster("c", "letter", 10, 5),
            cluster("d", "letter", 10, 5),
        ];
        let analysis = analyse_clusters(&arms(), &clusters, 0.05).expect("valid");
        // Within each arm the clusters are alike: MSB is 0, so the ICC is
        // −MSW / ((n₀ − 1)·MSW) = −1/(n₀ − 1) = −1/9.
        let icc = analysis.icc.expect("defined");
        assert!((icc - (-1.0 / 9.0)).abs() < 1e-12, "{icc}");
        assert_eq!(analysis.n0, Some(10.0));
        assert_eq!(analysis.design_effect, 1.0);
        assert_eq!(analysis.effective_sample_size, 40.0);
        // No spread in either arm: no test.
        assert_eq!(analysis.comparisons[0].p_value, None);
        assert!((analysis.comparisons[0].difference - 0.3).abs() < 1e-12);
    }

    #[test]
    fn clusters_that_differ_raise_the_design_effect() {
        let clusters = [
            cluster("a", "control", 20, 0),
            cluster("b", "control", 20, 10),
            cluster("c", "letter", 20, 2),
            cluster("d", "letter", 20, 14),
        ];
        let analysis = analyse_clusters(&arms(), &clusters, 0.05).expect("valid");
        let icc = analysis.icc.expect("defined");
        assert!(icc > 0.2, "{icc}");
        assert!(analysis.design_effect > 5.0);
        assert!(analysis.effective_sample_size < 16.0);
        assert!(analysis.comparisons[0].p_value.expect("defined") > 0.5);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            analyse_clusters(&arms(), &[cluster("a", "control", 0, 0)], 0.05),
            Err(ClusterError::EmptyCluster("a".to_owned()))
        );
        assert!(matches!(
            analyse_clusters(&arms(), &[cluster("a", "control", 3, 4)], 0.05),
            Err(ClusterError::TooManyEvents { .. })
        ));
        assert!(matches!(
            analyse_clusters(&arms(), &[cluster("a", "poster", 3, 1)], 0.05),
            Err(ClusterError::UnknownArm { .. })
        ));
        assert_eq!(
            analyse_clusters(
                &arms(),
                &[cluster("a", "control", 3, 1), cluster("a", "letter", 3, 1)],
                0.05
            ),
            Err(ClusterError::RepeatedCluster("a".to_owned()))
        );
        assert_eq!(
            analyse_clusters(
                &arms(),
                &[
                    cluster("a", "control", 3, 1),
                    cluster("b", "control", 3, 1),
                    cluster("c", "letter", 3, 1)
                ],
                0.05
            ),
            Err(ClusterError::TooFewClusters("letter".to_owned()))
        );
    }
}
