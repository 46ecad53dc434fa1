//! beacon-evaluation against answers computed independently with scipy and statsmodels
//! (`tests/fixtures/make_fixtures.py`, committed as `tests/fixtures/known_answers.json`):
//! every figure within 1e-6 (relative above 1, absolute below), sample sizes exactly. A
//! last test runs the script again, when a Python with both libraries is at hand, and
//! checks that the committed answers are still what it makes.

use beacon_evaluation::power::{ClusterDesign, sample_size_arcsine_exact, sample_size_exact};
use beacon_evaluation::{
    Arm, ClusterCount, DistrictMonth, GroupDifference, Interval, Ratio, Test, YearMonth,
    analyse_clusters, cohens_h, compare, difference_in_differences, fisher_exact,
    minimum_detectable_target, plan, wilson_interval, z_test,
};
use serde_json::Value;
use std::path::PathBuf;

const TOLERANCE: f64 = 1e-6;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixtures() -> Value {
    let path = fixtures_dir().join("known_answers.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{} cannot be read: {error}", path.display()));
    serde_json::from_str(&text).expect("the fixtures are JSON")
}

fn float(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number in {value}"))
}

fn integer(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is a whole number in {value}"))
}

#[track_caller]
fn close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= TOLERANCE * expected.abs().max(1.0),
        "{what}: Beacon gives {actual}, the fixtures {expected}"
    );
}

#[track_caller]
fn interval_close(actual: Interval, lower: f64, upper: f64, what: &str) {
    close(actual.lower, lower, &format!("{what} (lower)"));
    close(actual.upper, upper, &format!("{what} (upper)"));
}

#[track_caller]
fn ratio_close(actual: Option<Ratio>, expected: &Value, what: &str) {
    match (actual, expected.is_null()) {
        (None, true) => {}
        (Some(ratio), false) => {
            close(ratio.estimate, float(expected, "estimate"), what);
            interval_close(
                ratio.interval,
                float(expected, "lower"),
                float(expected, "upper"),
                what,
            );
            assert_eq!(
                Some(ratio.continuity_corrected),
                expected["continuity_corrected"].as_bool(),
                "{what}: continuity correction"
            );
        }
        (actual, _) => panic!("{what}: Beacon gives {actual:?}, the fixtures {expected}"),
    }
}

fn cases<'a>(fixtures: &'a Value, key: &str) -> &'a [Value] {
    let cases = fixtures[key]
        .as_array()
        .unwrap_or_else(|| panic!("the fixtures have {key}"));
    assert!(!cases.is_empty(), "the fixtures have {key} cases");
    cases
}

#[test]
fn wilson_intervals_match_statsmodels() {
    let fixtures = fixtures();
    for case in cases(&fixtures, "proportions") {
        let (events, n, alpha) = (
            integer(case, "events"),
            integer(case, "n"),
            float(case, "alpha"),
        );
        let interval = wilson_interval(events, n, alpha)
            .expect("valid")
            .expect("n > 0");
        interval_close(
            interval,
            float(case, "lower"),
            float(case, "upper"),
            &format!("Wilson {events}/{n} at alpha {alpha}"),
        );
    }
}

#[test]
fn sample_sizes_match_the_fleiss_formula_and_statsmodels_arcsine_power() {
    let fixtures = fixtures();
    for case in cases(&fixtures, "power") {
        let (baseline, target) = (float(case, "baseline"), float(case, "target"));
        let (alpha, power) = (float(case, "alpha"), float(case, "power"));
        let what = format!("{baseline} → {target} at alpha {alpha}, power {power}");
        let cluster = case["cluster"].as_object().map(|_| ClusterDesign {
            cluster_size: integer(&case["cluster"], "cluster_size"),
            icc: float(&case["cluster"], "icc"),
        });
        let plan = plan(baseline, target, alpha, power, cluster).expect("valid");
        close(plan.n_exact, float(case, "n_exact"), &what);
        assert_eq!(plan.n_per_arm, integer(case, "n_per_arm"), "{what}");
        close(
            sample_size_exact(baseline, target, alpha, power).expect("valid"),
            float(case, "n_exact"),
            &what,
        );
        close(cohens_h(baseline, target), float(case, "cohens_h"), &what);
        close(plan.arcsine.cohens_h, float(case, "cohens_h"), &what);
        close(
            plan.arcsine.n_exact,
            float(case, "arcsine_n_exact"),
            &format!("arcsine {what}"),
        );
        close(
            sample_size_arcsine_exact(baseline, target, alpha, power).expect("valid"),
            float(case, "arcsine_n_exact"),
            &format!("arcsine {what}"),
        );
        assert_eq!(
            plan.arcsine.n_per_arm,
            integer(case, "arcsine_n_per_arm"),
            "arcsine {what}"
        );
        match (plan.cluster, case["cluster"].is_null()) {
            (None, true) => {}
            (Some(clustered), false) => {
                let expected = &case["cluster"];
                close(
                    clustered.design_effect,
                    float(expected, "design_effect"),
                    &format!("design effect {what}"),
                );
                assert_eq!(
                    clustered.n_per_arm,
                    integer(expected, "n_per_arm"),
                    "clustered {what}"
                );
                assert_eq!(
                    clustered.clusters_per_arm,
                    integer(expected, "clusters_per_arm"),
                    "clusters {what}"
                );
            }
            (actual, _) => panic!("{what}: Beacon gives {actual:?}, the fixtures {case}"),
        }
    }
}

#[test]
fn minimum_detectable_targets_match_a_root_finder() {
    let fixtures = fixtures();
    for case in cases(&fixtures, "minimum_detectable") {
        let (baseline, n) = (float(case, "baseline"), integer(case, "n_per_arm"));
        let (alpha, power) = (float(case, "alpha"), float(case, "power"));
        let what = format!("{baseline} with {n} per arm at alpha {alpha}, power {power}");
        let target = minimum_detectable_target(baseline, n, alpha, power).expect("valid");
        match (target, case["target"].as_f64()) {
            (None, None) => {}
            (Some(actual), Some(expected)) => close(actual, expected, &what),
            (actual, expected) => {
                panic!("{what}: Beacon gives {actual:?}, the fixtures {expected:?}")
            }
        }
    }
}

#[test]
fn comparisons_match_scipy_and_statsmodels() {
    let fixtures = fixtures();
    for case in cases(&fixtures, "comparisons") {
        let alpha = float(case, "alpha");
        let arms: Vec<Arm> = case["arms"]
            .as_array()
            .expect("arms")
            .iter()
            .map(|arm| {
                Arm::new(
                    arm["name"].as_str().expect("a name"),
                    integer(arm, "n"),
                    integer(arm, "events"),
                )
                .expect("valid arm")
            })
            .collect();
        let evaluation = compare(&arms, alpha).expect("valid");
        let label = arms
            .iter()
            .map(|arm| format!("{}/{}", arm.events, arm.n))
            .collect::<Vec<_>>()
            .join(" vs ");
        for (summary, expected) in evaluation
            .arms
            .iter()
            .zip(case["arms"].as_array().expect("arms"))
        {
            let what = format!("{label}: arm {}", summary.name);
            close(summary.rate, float(expected, "rate"), &what);
            interval_close(
                summary.interval,
                float(&expected["interval"], "lower"),
                float(&expected["interval"], "upper"),
                &what,
            );
        }
        let expected_comparisons = case["comparisons"].as_array().expect("comparisons");
        assert_eq!(evaluation.comparisons.len(), expected_comparisons.len());
        for (comparison, expected) in evaluation.comparisons.iter().zip(expected_comparisons) {
            let what = format!(
                "{label} at alpha {alpha}: {} against {}",
                comparison.treatment, comparison.control
            );
            assert_eq!(
                Some(comparison.control.as_str()),
                expected["control"].as_str()
            );
            assert_eq!(
                Some(comparison.treatment.as_str()),
                expected["treatment"].as_str()
            );
            close(comparison.difference, float(expected, "difference"), &what);
            interval_close(
                comparison.difference_interval,
                float(expected, "difference_lower"),
                float(expected, "difference_upper"),
                &format!("{what}: Newcombe difference"),
            );
            ratio_close(
                comparison.relative_risk,
                &expected["relative_risk"],
                &format!("{what}: relative risk"),
            );
            ratio_close(
                comparison.odds_ratio,
                &expected["odds_ratio"],
                &format!("{what}: odds ratio"),
            );
            close(
                comparison.smallest_expected,
                float(expected, "smallest_expected"),
                &format!("{what}: smallest expected count"),
            );
            let test = match expected["test"].as_str() {
                Some("z-test") => Test::ZTest,
                Some("fisher-exact") => Test::FisherExact,
                other => panic!("unknown test {other:?}"),
            };
            assert_eq!(comparison.test, test, "{what}: the test chosen");
            close(
                comparison.p_value,
                float(expected, "p_value"),
                &format!("{what}: p"),
            );
            match (comparison.z, expected["z"].as_f64()) {
                (None, None) => {}
                (Some(actual), Some(z)) => close(actual, z, &format!("{what}: z")),
                (actual, z) => panic!("{what}: z is {actual:?}, the fixtures {z:?}"),
            }
            // Both tests, whichever was chosen.
            let (control, treatment) = (
                &arms[0],
                arms.iter()
                    .find(|arm| arm.name == comparison.treatment)
                    .expect("the treatment arm"),
            );
            close(
                fisher_exact(
                    control.events,
                    control.n - control.events,
                    treatment.events,
                    treatment.n - treatment.events,
                ),
                float(expected, "fisher_p_value"),
                &format!("{what}: Fisher's p"),
            );
            match (
                z_test(control, treatment),
                expected["z_test_p_value"].as_f64(),
            ) {
                (None, None) => {}
                (Some((z, p)), Some(expected_p)) => {
                    close(z, float(expected, "z_test_z"), &format!("{what}: z"));
                    close(p, expected_p, &format!("{what}: the z test's p"));
                }
                (actual, p) => panic!("{what}: z test {actual:?}, the fixtures {p:?}"),
            }
        }
    }
}

fn optional_close(actual: Option<f64>, expected: &Value, what: &str) {
    match (actual, expected.as_f64()) {
        (None, None) => {}
        (Some(actual), Some(expected)) => close(actual, expected, what),
        (actual, expected) => panic!("{what}: Beacon gives {actual:?}, the fixtures {expected:?}"),
    }
}

fn text(value: &Value, key: &str) -> String {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is text in {value}"))
        .to_owned()
}

#[test]
fn cluster_analyses_match_numpy_anova_statsmodels_and_scipy_welch() {
    let fixtures = fixtures();
    for (index, case) in cases(&fixtures, "clusters").iter().enumerate() {
        let arms: Vec<String> = case["arms"]
            .as_array()
            .expect("arms")
            .iter()
            .map(|arm| arm.as_str().expect("arm name").to_owned())
            .collect();
        let clusters: Vec<ClusterCount> = case["clusters"]
            .as_array()
            .expect("clusters")
            .iter()
            .map(|cluster| ClusterCount {
                cluster: text(cluster, "cluster"),
                arm: text(cluster, "arm"),
                n: integer(cluster, "n"),
                events: integer(cluster, "events"),
            })
            .collect();
        let alpha = float(case, "alpha");
        let what = format!("cluster case {index}");
        let analysis = analyse_clusters(&arms, &clusters, alpha).expect("valid");
        close(
            analysis.icc.expect("defined"),
            float(case, "icc"),
            &format!("{what}: ICC"),
        );
        close(
            analysis.n0.expect("defined"),
            float(case, "n0"),
            &format!("{what}: n0"),
        );
        close(
            analysis.mean_cluster_size,
            float(case, "mean_cluster_size"),
            &what,
        );
        close(
            analysis.design_effect,
            float(case, "design_effect"),
            &format!("{what}: DE"),
        );
        close(
            analysis.effective_sample_size,
            float(case, "effective_sample_size"),
            &format!("{what}: effective size"),
        );
        let expected = case["comparisons"].as_array().expect("comparisons");
        assert_eq!(analysis.comparisons.len(), expected.len(), "{what}");
        for (comparison, expected) in analysis.comparisons.iter().zip(expected) {
            let what = format!("{what}: {}", comparison.treatment);
            assert_eq!(comparison.treatment, text(expected, "treatment"));
            close(
                comparison.control_mean,
                float(expected, "control_mean"),
                &what,
            );
            close(
                comparison.treatment_mean,
                float(expected, "treatment_mean"),
                &what,
            );
            close(comparison.difference, float(expected, "difference"), &what);
            optional_close(
                comparison.standard_error,
                &expected["standard_error"],
                &format!("{what}: se"),
            );
            optional_close(
                comparison.degrees_of_freedom,
                &expected["degrees_of_freedom"],
                &format!("{what}: df"),
            );
            optional_close(comparison.t, &expected["t"], &format!("{what}: t"));
            optional_close(
                comparison.p_value,
                &expected["p_value"],
                &format!("{what}: p"),
            );
            optional_close(
                comparison.interval.map(|i| i.lower),
                &expected["lower"],
                &format!("{what}: lower"),
            );
            optional_close(
                comparison.interval.map(|i| i.upper),
                &expected["upper"],
                &format!("{what}: upper"),
            );
        }
    }
}

#[track_caller]
fn group_close(actual: Option<&GroupDifference>, expected: &Value, what: &str) {
    let Some(actual) = actual else {
        assert!(
            expected.is_null(),
            "{what}: Beacon gives none, the fixtures {expected}"
        );
        return;
    };
    close(actual.estimate, float(expected, "estimate"), what);
    optional_close(
        actual.standard_error,
        &expected["standard_error"],
        &format!("{what}: se"),
    );
    close(
        actual.degrees_of_freedom,
        float(expected, "degrees_of_freedom"),
        &format!("{what}: df"),
    );
    optional_close(actual.t, &expected["t"], &format!("{what}: t"));
    optional_close(actual.p_value, &expected["p_value"], &format!("{what}: p"));
    optional_close(
        actual.interval.map(|i| i.lower),
        &expected["lower"],
        &format!("{what}: lower"),
    );
    optional_close(
        actual.interval.map(|i| i.upper),
        &expected["upper"],
        &format!("{what}: upper"),
    );
}

#[test]
fn differences_in_differences_match_statsmodels_ols() {
    let fixtures = fixtures();
    for (index, case) in cases(&fixtures, "did").iter().enumerate() {
        let rows: Vec<DistrictMonth> = case["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| DistrictMonth {
                district: text(row, "district"),
                month: YearMonth::parse(&text(row, "month")).expect("a month"),
                reports: integer(row, "reports"),
                population: integer(row, "population"),
            })
            .collect();
        let mut treated: Vec<String> = case["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|row| row["treated"].as_bool() == Some(true))
            .map(|row| text(row, "district"))
            .collect();
        treated.dedup();
        let start = YearMonth::parse(&text(case, "start")).expect("a month");
        let what = format!("DiD case {index}");
        let estimate =
            difference_in_differences(&rows, &treated, start, float(case, "alpha")).expect("valid");
        for expected in case["districts"].as_array().expect("districts") {
            let name = text(expected, "district");
            let district = estimate
                .districts
                .iter()
                .find(|d| d.district == name)
                .expect("the district");
            close(
                district.pre_rate,
                float(expected, "pre_rate"),
                &format!("{what}: {name} pre"),
            );
            close(
                district.post_rate,
                float(expected, "post_rate"),
                &format!("{what}: {name} post"),
            );
            optional_close(
                district.pre_slope,
                &expected["pre_slope"],
                &format!("{what}: {name} slope"),
            );
        }
        group_close(
            Some(&estimate.did),
            &case["did"],
            &format!("{what}: estimate"),
        );
        group_close(
            estimate.pre_trend.as_ref(),
            &case["pre_trend"],
            &format!("{what}: pre-trend"),
        );
        let caution_expected = case["pre_trend"]["p_value"]
            .as_f64()
            .is_none_or(|p| p < 0.10);
        assert_eq!(
            estimate.pre_trend_caution.is_some(),
            caution_expected,
            "{what}: caution"
        );
    }
}

/// Whether two fixture files agree: the same keys, arrays and strings, whole numbers
/// equal, other numbers within a billionth (a newer scipy may differ in the last
/// digits). `made_with` (library versions) is not compared.
fn same(made: &Value, committed: &Value, path: &str) -> Result<(), String> {
    match (made, committed) {
        (Value::Object(made), Value::Object(committed)) => {
            let keys = |object: &serde_json::Map<String, Value>| {
                object
                    .keys()
                    .filter(|key| *key != "made_with")
                    .cloned()
                    .collect::<Vec<_>>()
            };
            if keys(made) != keys(committed) {
                return Err(format!(
                    "{path}: keys {:?} against committed {:?}",
                    keys(made),
                    keys(committed)
                ));
            }
            for key in keys(made) {
                same(&made[&key], &committed[&key], &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(made), Value::Array(committed)) => {
            if made.len() != committed.len() {
                return Err(format!(
                    "{path}: {} entries against {} committed",
                    made.len(),
                    committed.len()
                ));
            }
            for (index, (made, committed)) in made.iter().zip(committed).enumerate() {
                same(made, committed, &format!("{path}[{index}]"))?;
            }
            Ok(())
        }
        (Value::Number(made_number), Value::Number(committed_number)) => {
            let agree = match (made_number.as_u64(), committed_number.as_u64()) {
                (Some(made), Some(committed)) => made == committed,
                _ => {
                    let (made, committed) = (
                        made_number.as_f64().unwrap_or(f64::NAN),
                        committed_number.as_f64().unwrap_or(f64::NAN),
                    );
                    (made - committed).abs() <= 1e-9 * committed.abs().max(1e-300)
                }
            };
            if agree {
                Ok(())
            } else {
                Err(format!(
                    "{path}: the script makes {made}, committed {committed}"
                ))
            }
        }
        _ if made == committed => Ok(()),
        _ => Err(format!(
            "{path}: the script makes {made}, committed {committed}"
        )),
    }
}

#[test]
fn the_fixtures_are_what_the_script_makes() {
    let Some(python) = beacon_testing::python_with(
        "the evaluation fixtures against scipy and statsmodels",
        &["scipy", "statsmodels"],
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let made_path = dir.path().join("known_answers.json");
    let output = std::process::Command::new(&python)
        .arg(fixtures_dir().join("make_fixtures.py"))
        .arg(&made_path)
        .output()
        .expect("the fixture script runs");
    assert!(
        output.status.success(),
        "make_fixtures.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let made: Value = serde_json::from_str(
        &std::fs::read_to_string(&made_path).expect("the script wrote its output"),
    )
    .expect("the script writes JSON");
    if let Err(difference) = same(&made, &fixtures(), "known_answers") {
        panic!(
            "tests/fixtures/known_answers.json is not what make_fixtures.py makes ({difference}); \
             run the script and commit its output"
        );
    }
}
