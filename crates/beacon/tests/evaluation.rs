//! `beacon evaluation` end to end: the power calculator and the arm comparison print the
//! figures that scipy and statsmodels give (the known answers committed with
//! beacon-evaluation), choose Fisher's exact test for small counts, and refuse bad input
//! with a message and a non-zero exit (2 for a malformed argument, as clap exits; 1 for
//! values the statistics refuse).

use serde_json::Value;
use std::process::{Command, Output};

const KNOWN_ANSWERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../beacon-evaluation/tests/fixtures/known_answers.json"
);

/// Runs `beacon evaluation ARGS` in an empty folder, so that no beacon.toml is read.
fn evaluation(args: &[&str]) -> Output {
    let folder = tempfile::tempdir().expect("a temporary folder");
    Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("evaluation")
        .args(args)
        .current_dir(folder.path())
        .env_remove("BEACON_CONFIG")
        .env_remove("BEACON_DATABASE")
        .output()
        .expect("beacon runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "beacon failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "beacon failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn known_answers() -> Value {
    serde_json::from_str(&std::fs::read_to_string(KNOWN_ANSWERS).expect("the known answers"))
        .expect("JSON")
}

/// The known-answer case in `section` for which `matches` holds.
fn case(section: &str, matches: impl Fn(&Value) -> bool) -> Value {
    known_answers()[section]
        .as_array()
        .expect("a section of cases")
        .iter()
        .find(|case| matches(case))
        .unwrap_or_else(|| panic!("the known answers have the {section} case"))
        .clone()
}

#[track_caller]
fn close(actual: &Value, expected: &Value) {
    let (actual, expected) = (
        actual
            .as_f64()
            .unwrap_or_else(|| panic!("{actual} is a number")),
        expected
            .as_f64()
            .unwrap_or_else(|| panic!("{expected} is a number")),
    );
    assert!(
        (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0),
        "beacon prints {actual}, the known answer is {expected}"
    );
}

#[track_caller]
fn fails(output: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit code; stderr: {stderr}"
    );
    assert!(
        stderr.contains(message),
        "the error says {message:?}; it says: {stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing on standard output");
}

#[test]
fn power_without_clusters_prints_the_known_sample_sizes() {
    let expected = case("power", |case| {
        case["baseline"] == 0.12 && case["target"] == 0.09 && case["cluster"].is_null()
    });
    let plan = json(&evaluation(&[
        "power",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
        "--json",
    ]));
    assert_eq!(plan["n_per_arm"], expected["n_per_arm"]);
    close(&plan["n_exact"], &expected["n_exact"]);
    assert_eq!(plan["arcsine"]["n_per_arm"], expected["arcsine_n_per_arm"]);
    close(&plan["arcsine"]["cohens_h"], &expected["cohens_h"]);
    assert!(plan["cluster"].is_null());
    assert_eq!(
        (plan["alpha"].as_f64(), plan["power"].as_f64()),
        (Some(0.05), Some(0.8))
    );

    let printed = text(&evaluation(&[
        "power",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
    ]));
    let lines: Vec<&str> = printed.lines().collect();
    assert!(lines[0].starts_with("n per arm: 1,638 "), "{printed}");
    assert!(
        lines[1].starts_with("n per arm, arcsine: 1,632 "),
        "{printed}"
    );
    assert_eq!(expected["n_per_arm"], 1638);
    assert_eq!(expected["arcsine_n_per_arm"], 1632);
}

#[test]
fn power_with_clusters_prints_the_design_effect_and_clusters() {
    let expected = case("power", |case| case["cluster"]["cluster_size"] == 100);
    let plan = json(&evaluation(&[
        "power",
        "--baseline",
        "0.3",
        "--target",
        "0.2",
        "--cluster-size",
        "100",
        "--icc",
        "0.05",
        "--json",
    ]));
    assert_eq!(plan["n_per_arm"], expected["n_per_arm"]);
    let (cluster, known) = (&plan["cluster"], &expected["cluster"]);
    close(&cluster["design_effect"], &known["design_effect"]);
    assert_eq!(cluster["n_per_arm"], known["n_per_arm"]);
    assert_eq!(cluster["clusters_per_arm"], known["clusters_per_arm"]);

    let printed = text(&evaluation(&[
        "power",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
        "--cluster-size",
        "25",
        "--icc",
        "0.02",
    ]));
    for line in [
        "n per arm: 1,638 ",
        "n per arm, arcsine: 1,632 ",
        "design effect: 1.48 (clusters of 25, ICC 0.02)",
        "n per arm with clustering: 2,425",
        "clusters per arm: 97",
    ] {
        assert!(
            printed.lines().any(|printed| printed.starts_with(line)),
            "{line:?} in:\n{printed}"
        );
    }
}

#[test]
fn a_fixed_size_prints_the_smallest_detectable_change() {
    let expected = case("minimum_detectable", |case| {
        case["baseline"] == 0.12 && case["n_per_arm"] == 500
    });
    let found = json(&evaluation(&[
        "power",
        "--baseline",
        "0.12",
        "--per-arm",
        "500",
        "--json",
    ]));
    close(&found["rise_to"], &expected["target"]);
    let fall = found["fall_to"].as_f64().expect("a detectable fall");
    assert!(fall < 0.12 && fall > 0.0);
    let printed = text(&evaluation(&[
        "power",
        "--baseline",
        "0.12",
        "--per-arm",
        "500",
    ]));
    assert!(
        printed.contains("smallest detectable rise: to 18.35%"),
        "{printed}"
    );
}

#[test]
fn two_arms_are_compared_as_the_known_answers_say() {
    let expected = case("comparisons", |case| {
        case["alpha"] == 0.05 && case["arms"][0]["n"] == 1000 && case["arms"][0]["events"] == 120
    });
    let evaluation_json = json(&evaluation(&[
        "compare",
        "--arm",
        "control:1000:120",
        "--arm",
        "letter:1000:90",
        "--json",
    ]));
    assert_eq!(evaluation_json["alpha"], 0.05);
    for (arm, known) in evaluation_json["arms"]
        .as_array()
        .expect("arms")
        .iter()
        .zip(expected["arms"].as_array().expect("arms"))
    {
        assert_eq!(arm["name"], known["name"]);
        assert_eq!((&arm["n"], &arm["events"]), (&known["n"], &known["events"]));
        close(&arm["rate"], &known["rate"]);
        close(&arm["interval"]["lower"], &known["interval"]["lower"]);
        close(&arm["interval"]["upper"], &known["interval"]["upper"]);
    }
    let comparisons = evaluation_json["comparisons"]
        .as_array()
        .expect("comparisons");
    assert_eq!(comparisons.len(), 1);
    let (comparison, known) = (&comparisons[0], &expected["comparisons"][0]);
    assert_eq!(comparison["control"], "control");
    assert_eq!(comparison["treatment"], "letter");
    close(&comparison["difference"], &known["difference"]);
    close(
        &comparison["difference_interval"]["lower"],
        &known["difference_lower"],
    );
    close(
        &comparison["difference_interval"]["upper"],
        &known["difference_upper"],
    );
    close(
        &comparison["relative_risk"]["estimate"],
        &known["relative_risk"]["estimate"],
    );
    close(
        &comparison["relative_risk"]["interval"]["lower"],
        &known["relative_risk"]["lower"],
    );
    close(
        &comparison["relative_risk"]["interval"]["upper"],
        &known["relative_risk"]["upper"],
    );
    assert_eq!(comparison["relative_risk"]["continuity_corrected"], false);
    close(
        &comparison["odds_ratio"]["estimate"],
        &known["odds_ratio"]["estimate"],
    );
    assert_eq!(comparison["test"], "z-test");
    close(&comparison["p_value"], &known["p_value"]);
    close(&comparison["z"], &known["z"]);

    let printed = text(&evaluation(&[
        "compare",
        "--arm",
        "control:1000:120",
        "--arm",
        "letter:1000:90",
    ]));
    for line in [
        "control      1,000        120    12.00%  10.13% to 14.16%",
        "letter against control:",
        "  difference     -3.00 points (95% CI -5.70 to -0.31; Newcombe)",
        "  relative risk  0.750 (95% CI 0.579 to 0.972)",
        "  p-value        0.0287 (two-proportion z test (pooled)",
    ] {
        assert!(printed.contains(line), "{line:?} in:\n{printed}");
    }
}

#[test]
fn small_counts_are_tested_with_fishers_exact_test() {
    let expected = case("comparisons", |case| {
        case["arms"][0]["n"] == 15
            && case["arms"][0]["events"] == 0
            && case["arms"][1]["events"] == 4
    });
    let found = json(&evaluation(&[
        "compare",
        "--arm",
        "control:15:0",
        "--arm",
        "letter:15:4",
        "--json",
    ]));
    let (comparison, known) = (&found["comparisons"][0], &expected["comparisons"][0]);
    assert_eq!(known["test"], "fisher-exact");
    assert_eq!(comparison["test"], "fisher-exact");
    close(&comparison["p_value"], &known["fisher_p_value"]);
    assert!(comparison["z"].is_null());
    assert_eq!(comparison["relative_risk"]["continuity_corrected"], true);
    close(
        &comparison["relative_risk"]["estimate"],
        &known["relative_risk"]["estimate"],
    );

    let printed = text(&evaluation(&[
        "compare",
        "--arm",
        "control:15:0",
        "--arm",
        "letter:15:4",
    ]));
    assert!(
        printed.contains("Fisher's exact test (two-sided)"),
        "{printed}"
    );
    assert!(printed.contains("0.5 added to every cell"), "{printed}");

    // Neither arm had an event: no ratio, and Fisher's p is 1.
    let none = json(&evaluation(&[
        "compare",
        "--arm",
        "control:15:0",
        "--arm",
        "letter:15:0",
        "--json",
    ]));
    assert!(none["comparisons"][0]["relative_risk"].is_null());
    assert_eq!(none["comparisons"][0]["p_value"], 1.0);
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    // Malformed arguments: clap's usage error, exit 2.
    fails(
        &evaluation(&["compare", "--arm", "x:10", "--arm", "y:10:1"]),
        2,
        "an arm is NAME:N:EVENTS",
    );
    fails(
        &evaluation(&["compare", "--arm", "x:ten:1", "--arm", "y:10:1"]),
        2,
        "N (participants) must be a whole number",
    );
    fails(
        &evaluation(&["compare", "--arm", "x:10:11", "--arm", "y:10:1"]),
        2,
        "x has 11 events out of 10: events cannot exceed participants",
    );
    fails(
        &evaluation(&["compare", "--arm", "x:0:0", "--arm", "y:10:1"]),
        2,
        "x must have at least one participant",
    );
    fails(
        &evaluation(&[
            "power",
            "--baseline",
            "0.1",
            "--target",
            "0.2",
            "--icc",
            "0.1",
        ]),
        2,
        "--cluster-size",
    );
    fails(&evaluation(&["power", "--baseline", "0.1"]), 2, "--target");
    // Values the statistics refuse: exit 1 with the reason.
    fails(
        &evaluation(&["power", "--baseline", "1.2", "--target", "0.1"]),
        1,
        "baseline must be a proportion strictly between 0 and 1, not 1.2",
    );
    fails(
        &evaluation(&["power", "--baseline", "0.1", "--target", "0.1"]),
        1,
        "the target rate must differ from the baseline",
    );
    fails(
        &evaluation(&[
            "power",
            "--baseline",
            "0.1",
            "--target",
            "0.2",
            "--cluster-size",
            "20",
            "--icc",
            "1.5",
        ]),
        1,
        "intracluster correlation (ICC) must be between 0 and 1",
    );
    fails(
        &evaluation(&["compare", "--arm", "control:10:1"]),
        1,
        "a comparison needs at least two arms",
    );
    fails(
        &evaluation(&["compare", "--arm", "a:10:1", "--arm", "a:12:3"]),
        1,
        "two arms are named \"a\"",
    );
}

/// A participants file: `rows` of id, district, age band and ward, in the order given.
fn participants(dir: &std::path::Path, name: &str, ids: &[u64]) -> String {
    let mut csv = String::from("id,district,age_band,ward\n");
    for id in ids {
        let district = ["Blaby", "Charnwood", "Melton"][(id % 3) as usize];
        let age = ["18-34", "35-69", "70+"][((id / 3) % 3) as usize];
        csv.push_str(&format!("{id},{district},{age},W{}\n", id % 17));
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).expect("written");
    path.to_str().expect("UTF-8").to_owned()
}

/// The allocation file as id → arm.
fn allocation(path: &std::path::Path) -> std::collections::BTreeMap<u64, String> {
    std::fs::read_to_string(path)
        .expect("allocation written")
        .lines()
        .skip(1)
        .map(|line| {
            let (id, arm) = line.split_once(',').expect("id,arm");
            (id.parse().expect("an id"), arm.to_owned())
        })
        .collect()
}

#[test]
fn randomising_a_file_is_reproducible_balanced_and_independent_of_row_order() {
    let dir = tempfile::tempdir().expect("dir");
    let ids: Vec<u64> = (1..=600).collect();
    let mut shuffled = ids.clone();
    shuffled.reverse();
    let forward = participants(dir.path(), "forward.csv", &ids);
    let backward = participants(dir.path(), "backward.csv", &shuffled);
    let run = |file: &str, out: &str, seed: &str| {
        let out = dir.path().join(out);
        let output = evaluation(&[
            "randomise",
            file,
            "--stratify",
            "district,age_band",
            "--arm",
            "control:1",
            "--arm",
            "letter:1",
            "--seed",
            seed,
            "--out",
            out.to_str().expect("UTF-8"),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        allocation(&out)
    };
    let first = run(&forward, "a.csv", "42");
    assert_eq!(first.len(), 600);
    assert_eq!(
        run(&forward, "b.csv", "42"),
        first,
        "the same seed gives the same allocation"
    );
    assert_eq!(
        run(&backward, "c.csv", "42"),
        first,
        "row order does not matter"
    );
    assert_ne!(
        run(&forward, "d.csv", "43"),
        first,
        "another seed gives another allocation"
    );
    // 9 strata of 66 or 67 participants: arms within one of each other in every stratum.
    let control = first.values().filter(|arm| *arm == "control").count();
    assert!((295..=305).contains(&control), "{control} in control");
    let report = json(&evaluation(&[
        "randomise",
        &forward,
        "--stratify",
        "district",
        "--cluster",
        "ward",
        "--arm",
        "control:1",
        "--arm",
        "letter:1",
        "--seed",
        "7",
        "--json",
    ]));
    let clusters: u64 = report["cluster_counts"]
        .as_array()
        .expect("cluster counts")
        .iter()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(clusters, 17);
    assert_eq!(report["design"], "cluster");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,district\n1,Blaby\nseven,Melton\n").expect("written");
    let output = evaluation(&[
        "randomise",
        bad.to_str().expect("UTF-8"),
        "--stratify",
        "district",
        "--arm",
        "a:1",
        "--arm",
        "b:1",
        "--seed",
        "1",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 3: column id") && stderr.contains("nothing was allocated"),
        "{stderr}"
    );
    let missing = evaluation(&[
        "randomise",
        &forward,
        "--stratify",
        "postcode",
        "--arm",
        "a:1",
        "--arm",
        "b:1",
        "--seed",
        "1",
    ]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no column 'postcode'"));
}

#[test]
fn a_plan_prints_its_computed_size_and_a_stable_fingerprint() {
    let args = [
        "plan",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
        "--strata",
        "district,age_band",
        "--seed",
        "42",
        "--json",
    ];
    let first = json(&evaluation(&args));
    let again = json(&evaluation(&args));
    // The size is Fleiss's known answer, computed, not typed.
    let known = case("power", |c| {
        c["baseline"] == 0.12 && c["target"] == 0.09 && c["cluster"].is_null()
    });
    assert_eq!(first["plan"]["planned_n_per_arm"], known["n_per_arm"]);
    assert_eq!(first["plan"]["arms"][0]["name"], "control");
    let fingerprint = first["fingerprint"].as_str().expect("a fingerprint");
    assert_eq!(fingerprint.len(), 64);
    assert_eq!(first["fingerprint"], again["fingerprint"]);
    let other = json(&evaluation(&[
        "plan",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
        "--strata",
        "district,age_band",
        "--seed",
        "43",
        "--json",
    ]));
    assert_ne!(other["fingerprint"], first["fingerprint"]);

    let clustered = json(&evaluation(&[
        "plan",
        "--baseline",
        "0.3",
        "--target",
        "0.2",
        "--cluster",
        "ward",
        "--cluster-size",
        "100",
        "--icc",
        "0.05",
        "--json",
    ]));
    assert_eq!(clustered["plan"]["design"], "cluster_by_ward");
    assert_eq!(clustered["plan"]["planned_n_per_arm"], 1750);
    assert_eq!(clustered["plan"]["planned_clusters_per_arm"], 18);

    let printed = text(&evaluation(&[
        "plan",
        "--baseline",
        "0.12",
        "--target",
        "0.09",
    ]));
    assert!(printed.contains("planned n per arm: 1,638"), "{printed}");
    assert!(printed.contains("fingerprint: "), "{printed}");

    fails(
        &evaluation(&["plan", "--baseline", "0.3", "--target", "0.3"]),
        1,
        "the target rate must differ from the baseline",
    );
    fails(
        &evaluation(&[
            "plan",
            "--baseline",
            "0.3",
            "--target",
            "0.2",
            "--icc",
            "0.1",
        ]),
        2,
        "--cluster",
    );
}

#[test]
fn a_did_file_gives_the_statsmodels_estimate() {
    let known = &known_answers()["did"][0];
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("districts.csv");
    let mut csv = String::from("district,month,reports,population,treated,start\n");
    for row in known["rows"].as_array().expect("rows") {
        let treated = row["treated"].as_bool() == Some(true);
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            row["district"].as_str().expect("district"),
            row["month"].as_str().expect("month"),
            row["reports"],
            row["population"],
            treated,
            if treated {
                known["start"].as_str().expect("start")
            } else {
                ""
            }
        ));
    }
    std::fs::write(&path, csv).expect("written");
    let file = path.to_str().expect("a UTF-8 path");
    let estimate = json(&evaluation(&["did", "--file", file, "--json"]));
    for key in ["estimate", "standard_error", "t", "p_value"] {
        close(&estimate["did"][key], &known["did"][key]);
    }
    close(
        &estimate["did"]["interval"]["lower"],
        &known["did"]["lower"],
    );
    close(
        &estimate["did"]["interval"]["upper"],
        &known["did"]["upper"],
    );
    close(
        &estimate["pre_trend"]["estimate"],
        &known["pre_trend"]["estimate"],
    );
    assert!(estimate["pre_trend_caution"].is_null());
    let printed = text(&evaluation(&["did", "--file", file]));
    assert!(
        printed.contains("difference in differences: +7.79 per 100,000 a month"),
        "{printed}"
    );

    let bad = folder.path().join("bad.csv");
    std::fs::write(
        &bad,
        "district,month,reports,population,treated,start\nA,2026-01,x,5,true,2026-03\nB,2026-13,1,5,false,\n",
    )
    .expect("written");
    let output = evaluation(&["did", "--file", bad.to_str().expect("UTF-8")]);
    fails(
        &output,
        1,
        "line 2: reports and population must be whole numbers",
    );
    fails(&output, 1, "line 3: month '2026-13' is not YYYY-MM");
}
