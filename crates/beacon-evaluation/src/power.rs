//! How big a campaign's arms must be: the sample size per arm to detect a change from a
//! baseline rate to a target rate, the same for designs that randomise whole groups
//! (clusters: organisations, wards, schools), and the smallest change a given size can
//! detect.
//!
//! The primary figure is the normal-approximation formula for two independent
//! proportions given by Fleiss, Levin and Paik (*Statistical Methods for Rates and
//! Proportions*, 3rd ed., 2003, section 4.2, without the continuity correction):
//!
//! ```text
//! n = ( z(1−α/2)·√(2·p̄·q̄) + z(1−β)·√(p₁q₁ + p₂q₂) )² / (p₁ − p₂)²
//! ```
//!
//! with `q = 1 − p` and `p̄ = (p₁ + p₂)/2`. A second figure uses Cohen's effect size `h`
//! on the arcsine scale, as statsmodels' `NormalIndPower` does; the two differ by a few
//! percent, and the partner's reviewers may know either. Every size is rounded up to a
//! whole participant (see [`round_up`]).

use crate::{EvaluationError, check_alpha, normal_cdf, z};
use serde::Serialize;

/// A randomised-by-group design: how many participants each cluster has and how alike
/// participants in one cluster are, which shrinks what each one tells us.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterDesign {
    /// Participants per cluster (`m`), at least 1.
    pub cluster_size: u64,
    /// The intracluster correlation coefficient (ICC), between 0 and 1.
    pub icc: f64,
}

/// A sample size inflated for clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterSampleSize {
    /// Participants per cluster (`m`).
    pub cluster_size: u64,
    /// The intracluster correlation coefficient.
    pub icc: f64,
    /// `1 + (m − 1)·ICC` (Donner and Klar 2000): how many clustered participants are worth
    /// one independent participant.
    pub design_effect: f64,
    /// Participants per arm once inflated: the individual size times the design effect,
    /// rounded up.
    pub n_per_arm: u64,
    /// Clusters per arm: the inflated size over `m`, rounded up.
    pub clusters_per_arm: u64,
}

/// The arcsine (Cohen's h) sample size, reported beside the primary figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ArcsineSize {
    /// Cohen's `h = 2·asin(√target) − 2·asin(√baseline)`.
    pub cohens_h: f64,
    /// The size per arm before rounding.
    pub n_exact: f64,
    /// The size per arm, rounded up.
    pub n_per_arm: u64,
}

/// Everything `beacon evaluation power` reports for one design.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Plan {
    /// The control arm's expected rate (`p₁`).
    pub baseline: f64,
    /// The rate the campaign hopes to reach (`p₂`).
    pub target: f64,
    /// The two-sided significance level.
    pub alpha: f64,
    /// The power, `1 − β`.
    pub power: f64,
    /// Fleiss's size per arm before rounding.
    pub n_exact: f64,
    /// Fleiss's size per arm, rounded up: the primary figure.
    pub n_per_arm: u64,
    /// The arcsine figure.
    pub arcsine: ArcsineSize,
    /// The clustered figures, when the design randomises clusters.
    pub cluster: Option<ClusterSampleSize>,
}

/// The size per arm from Fleiss's formula (see the module documentation), rounded up:
/// the number of participants each of two equal arms needs for a two-sided test at
/// `alpha` to detect a change from `baseline` to `target` with probability `power`.
///
/// # Errors
///
/// When a rate is not in (0, 1), the rates are equal, `alpha` is not in (0, 1) or `power`
/// is not in [0.5, 1).
pub fn sample_size(
    baseline: f64,
    target: f64,
    alpha: f64,
    power: f64,
) -> Result<u64, EvaluationError> {
    sample_size_exact(baseline, target, alpha, power).map(round_up)
}

/// Fleiss's size per arm before rounding, for reports that show the working and for
/// solving the formula the other way round.
///
/// # Errors
///
/// As [`sample_size`].
pub fn sample_size_exact(
    baseline: f64,
    target: f64,
    alpha: f64,
    power: f64,
) -> Result<f64, EvaluationError> {
    check_design(baseline, target, alpha, power)?;
    Ok(fleiss(baseline, target, z(1.0 - alpha / 2.0), z(power)))
}

/// Fleiss's formula for checked inputs and critical values `z_alpha = z(1−α/2)`,
/// `z_beta = z(1−β)`. Also defined at `target = 1`, where the minimum detectable effect
/// search needs it.
fn fleiss(baseline: f64, target: f64, z_alpha: f64, z_beta: f64) -> f64 {
    let mean = (baseline + target) / 2.0;
    let pooled = (2.0 * mean * (1.0 - mean)).sqrt();
    let separate = (baseline * (1.0 - baseline) + target * (1.0 - target)).sqrt();
    let numerator = z_alpha * pooled + z_beta * separate;
    numerator * numerator / ((baseline - target) * (baseline - target))
}

/// Cohen's effect size for two proportions on the arcsine scale,
/// `h = 2·asin(√target) − 2·asin(√baseline)`: the transformed rates have variance close
/// to `1/n` whatever the rate, which is why the scale is used for power.
pub fn cohens_h(baseline: f64, target: f64) -> f64 {
    2.0 * target.sqrt().asin() - 2.0 * baseline.sqrt().asin()
}

/// The size per arm on the arcsine scale, rounded up: the `n` at which the two-sided z
/// test of `h` (variance `2/n` for two arms of `n`) has the requested power, counting
/// both rejection tails exactly as statsmodels'
/// `NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1)` does.
/// Ignoring the far tail gives the closed form `2·((z(1−α/2) + z(1−β))/h)²`, a fraction
/// of a participant more.
///
/// # Errors
///
/// As [`sample_size`].
pub fn sample_size_arcsine(
    baseline: f64,
    target: f64,
    alpha: f64,
    power: f64,
) -> Result<u64, EvaluationError> {
    sample_size_arcsine_exact(baseline, target, alpha, power).map(round_up)
}

/// The arcsine size per arm before rounding.
///
/// # Errors
///
/// As [`sample_size`].
pub fn sample_size_arcsine_exact(
    baseline: f64,
    target: f64,
    alpha: f64,
    power: f64,
) -> Result<f64, EvaluationError> {
    check_design(baseline, target, alpha, power)?;
    let h = cohens_h(baseline, target).abs();
    let z_alpha = z(1.0 - alpha / 2.0);
    let power_at = |n: f64| {
        let shift = h * (n / 2.0).sqrt();
        normal_cdf(shift - z_alpha) + normal_cdf(-shift - z_alpha)
    };
    // The closed form's n has at least the requested power (the far tail only adds), and
    // power rises with n from α at n = 0, so the answer lies between the two.
    let closed = 2.0 * ((z_alpha + z(power)) / h).powi(2);
    let (mut low, mut high) = (0.0_f64, closed);
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if middle <= low || middle >= high {
            break;
        }
        if power_at(middle) < power {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(high)
}

/// The design effect of cluster randomisation, `1 + (m − 1)·ICC` (Donner and Klar,
/// *Design and Analysis of Cluster Randomization Trials in Health Research*, 2000): the
/// factor by which a clustered design must exceed an individually randomised one.
///
/// # Errors
///
/// When `cluster_size` is 0 or `icc` is not in [0, 1].
pub fn design_effect(cluster_size: u64, icc: f64) -> Result<f64, EvaluationError> {
    check_cluster(ClusterDesign { cluster_size, icc })?;
    Ok(1.0 + (cluster_size - 1) as f64 * icc)
}

/// Inflates an individually randomised size per arm (already rounded up) for clusters:
/// `n × DE` rounded up, and `⌈that / m⌉` clusters per arm. The last cluster may be
/// partly filled; recruiting whole clusters means up to `m − 1` more participants.
///
/// # Errors
///
/// As [`design_effect`].
pub fn cluster_sample_size(
    n_per_arm: u64,
    design: ClusterDesign,
) -> Result<ClusterSampleSize, EvaluationError> {
    let design_effect = design_effect(design.cluster_size, design.icc)?;
    let inflated = round_up(n_per_arm as f64 * design_effect);
    Ok(ClusterSampleSize {
        cluster_size: design.cluster_size,
        icc: design.icc,
        design_effect,
        n_per_arm: inflated,
        clusters_per_arm: inflated.div_ceil(design.cluster_size),
    })
}

/// The smallest target rate above `baseline` that arms of `n_per_arm` can detect with
/// `power` at `alpha`: the `p₂ > p₁` at which Fleiss's formula (unrounded) equals
/// `n_per_arm`, found by bisection. `None` when even a target of 100% would need more
/// participants. For a fall below the baseline, use `1 − minimum_detectable_target(1 −
/// baseline, …)`: the formula is unchanged when every rate is replaced by one minus it.
///
/// # Errors
///
/// When `baseline` is not in (0, 1), `n_per_arm` is 0, or `alpha` or `power` are out of
/// range (as for [`sample_size`]).
pub fn minimum_detectable_target(
    baseline: f64,
    n_per_arm: u64,
    alpha: f64,
    power: f64,
) -> Result<Option<f64>, EvaluationError> {
    check_proportion("baseline", baseline)?;
    check_alpha(alpha)?;
    check_power(power)?;
    if n_per_arm == 0 {
        return Err(EvaluationError::EmptyArm("each arm".to_owned()));
    }
    let (z_alpha, z_beta) = (z(1.0 - alpha / 2.0), z(power));
    let n = n_per_arm as f64;
    // The required size falls as the target moves away from the baseline; at a target
    // of 1 it is as small as it gets.
    if fleiss(baseline, 1.0, z_alpha, z_beta) > n {
        return Ok(None);
    }
    let (mut low, mut high) = (baseline, 1.0_f64);
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if middle <= low || middle >= high {
            break;
        }
        if fleiss(baseline, middle, z_alpha, z_beta) > n {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(Some(high))
}

/// Every figure for one design: Fleiss's size (primary), the arcsine size, and the
/// clustered sizes when `cluster` is given.
///
/// # Errors
///
/// As [`sample_size`] and [`design_effect`].
pub fn plan(
    baseline: f64,
    target: f64,
    alpha: f64,
    power: f64,
    cluster: Option<ClusterDesign>,
) -> Result<Plan, EvaluationError> {
    if let Some(design) = cluster {
        check_cluster(design)?;
    }
    let n_exact = sample_size_exact(baseline, target, alpha, power)?;
    let n_per_arm = round_up(n_exact);
    let arcsine_exact = sample_size_arcsine_exact(baseline, target, alpha, power)?;
    Ok(Plan {
        baseline,
        target,
        alpha,
        power,
        n_exact,
        n_per_arm,
        arcsine: ArcsineSize {
            cohens_h: cohens_h(baseline, target),
            n_exact: arcsine_exact,
            n_per_arm: round_up(arcsine_exact),
        },
        cluster: cluster
            .map(|design| cluster_sample_size(n_per_arm, design))
            .transpose()?,
    })
}

/// Rounds a size up to a whole participant (at least one). A value within a billionth
/// (relative) of a whole number counts as that number, so that floating-point noise in
/// `148 × 1.0` or `100 × 1.48` never adds a participant nobody needs.
pub fn round_up(size: f64) -> u64 {
    let nearest = size.round();
    let rounded = if (size - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest
    } else {
        size.ceil()
    };
    // Sizes are finite and positive here; the cast saturates otherwise.
    (rounded as u64).max(1)
}

/// Checks the inputs every sample size shares.
fn check_design(baseline: f64, target: f64, alpha: f64, power: f64) -> Result<(), EvaluationError> {
    check_proportion("baseline", baseline)?;
    check_proportion("target", target)?;
    if baseline == target {
        return Err(EvaluationError::NoDifference { value: baseline });
    }
    check_alpha(alpha)?;
    check_power(power)
}

fn check_proportion(name: &'static str, value: f64) -> Result<(), EvaluationError> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(EvaluationError::Proportion { name, value })
    }
}

fn check_power(power: f64) -> Result<(), EvaluationError> {
    if (0.5..1.0).contains(&power) {
        Ok(())
    } else {
        Err(EvaluationError::Power(power))
    }
}

fn check_cluster(design: ClusterDesign) -> Result<(), EvaluationError> {
    if design.cluster_size == 0 {
        return Err(EvaluationError::ClusterSize);
    }
    if (0.0..=1.0).contains(&design.icc) {
        Ok(())
    } else {
        Err(EvaluationError::Icc(design.icc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohens_textbook_case_needs_about_392_per_arm() {
        // Cohen (1988), table 6.4.1: h = 0.2 at α = 0.05 two-sided, power 0.8 → 392.
        // Find rates with h = 0.2 around one half.
        let baseline = 0.5_f64;
        let target = ((0.2 + 2.0 * baseline.sqrt().asin()) / 2.0).sin().powi(2);
        assert!((cohens_h(baseline, target) - 0.2).abs() < 1e-12);
        let exact = sample_size_arcsine_exact(baseline, target, 0.05, 0.8).expect("valid");
        assert!((exact - 392.44).abs() < 0.01, "{exact}");
        assert_eq!(sample_size_arcsine(baseline, target, 0.05, 0.8), Ok(393));
    }

    #[test]
    fn the_formula_is_symmetric_in_the_rates_and_in_one_minus_them() {
        let forward = sample_size_exact(0.12, 0.09, 0.05, 0.8).expect("valid");
        let backward = sample_size_exact(0.09, 0.12, 0.05, 0.8).expect("valid");
        let mirrored = sample_size_exact(0.88, 0.91, 0.05, 0.8).expect("valid");
        assert!((forward - backward).abs() < 1e-9 * forward);
        assert!((forward - mirrored).abs() < 1e-9 * forward);
    }

    #[test]
    fn inputs_out_of_range_are_refused_by_name() {
        assert_eq!(
            sample_size(1.2, 0.1, 0.05, 0.8),
            Err(EvaluationError::Proportion {
                name: "baseline",
                value: 1.2
            })
        );
        assert!(matches!(
            sample_size(0.1, 0.0, 0.05, 0.8),
            Err(EvaluationError::Proportion { name: "target", .. })
        ));
        assert_eq!(
            sample_size(0.1, 0.1, 0.05, 0.8),
            Err(EvaluationError::NoDifference { value: 0.1 })
        );
        assert_eq!(
            sample_size(0.1, 0.2, 1.0, 0.8),
            Err(EvaluationError::Alpha(1.0))
        );
        assert_eq!(
            sample_size(0.1, 0.2, 0.05, 1.0),
            Err(EvaluationError::Power(1.0))
        );
        assert_eq!(
            sample_size(0.1, 0.2, 0.05, 0.3),
            Err(EvaluationError::Power(0.3))
        );
        assert!(sample_size(f64::NAN, 0.2, 0.05, 0.8).is_err());
        assert_eq!(design_effect(0, 0.1), Err(EvaluationError::ClusterSize));
        assert_eq!(design_effect(10, 1.5), Err(EvaluationError::Icc(1.5)));
        assert_eq!(design_effect(10, -0.1), Err(EvaluationError::Icc(-0.1)));
        assert!(minimum_detectable_target(0.1, 0, 0.05, 0.8).is_err());
    }

    #[test]
    fn clusters_inflate_by_the_design_effect_without_spurious_participants() {
        // 100 × 1.48 is 148.00000000000003 in floating point: still 148.
        let sized = cluster_sample_size(
            100,
            ClusterDesign {
                cluster_size: 25,
                icc: 0.02,
            },
        )
        .expect("valid");
        assert_eq!(sized.n_per_arm, 148);
        assert_eq!(sized.clusters_per_arm, 6);
        let one = cluster_sample_size(
            77,
            ClusterDesign {
                cluster_size: 1,
                icc: 0.3,
            },
        )
        .expect("valid");
        assert_eq!(
            (one.design_effect, one.n_per_arm, one.clusters_per_arm),
            (1.0, 77, 77)
        );
    }

    #[test]
    fn the_minimum_detectable_target_undoes_the_sample_size() {
        for (baseline, target) in [(0.1, 0.15), (0.3, 0.5), (0.02, 0.04), (0.5, 0.9)] {
            let n = sample_size(baseline, target, 0.05, 0.8).expect("valid");
            let detectable = minimum_detectable_target(baseline, n, 0.05, 0.8)
                .expect("valid")
                .expect("detectable");
            // n was rounded up, so a target a little closer than planned is detectable.
            assert!(
                detectable <= target && detectable > baseline,
                "{detectable}"
            );
            let needed = sample_size_exact(baseline, detectable, 0.05, 0.8).expect("valid");
            assert!((needed - n as f64).abs() < 1e-6 * n as f64);
        }
        assert_eq!(minimum_detectable_target(0.5, 2, 0.05, 0.8), Ok(None));
    }

    #[test]
    fn the_required_size_falls_as_the_target_moves_away() {
        // The bisection in minimum_detectable_target relies on this.
        for baseline in [0.01, 0.1, 0.3, 0.5, 0.8, 0.97] {
            let mut previous = f64::INFINITY;
            let mut target = baseline + 1e-4;
            while target < 1.0 {
                let n = fleiss(baseline, target, z(0.975), z(0.8));
                assert!(n < previous, "baseline {baseline}, target {target}");
                previous = n;
                target += 1e-3;
            }
        }
    }

    #[test]
    fn round_up_ignores_floating_point_noise_only() {
        assert_eq!(round_up(148.000_000_000_000_03), 148);
        assert_eq!(round_up(148.001), 149);
        assert_eq!(round_up(147.2), 148);
        assert_eq!(round_up(0.2), 1);
    }
}
