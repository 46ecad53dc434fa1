//! CVSS objects in scores: 6.1.8 (valid against the FIRST schema for v2.0, v3.0 and
//! v3.1), 6.1.9 (scores and severities computed as the CVSS specifications say) and
//! 6.1.10 (the properties agree with the vector).
//!
//! The formulas are those of the CVSS v2 guide (section 3.2) and the v3.0 and v3.1
//! specifications (section 7), including their different round-up functions.

use super::{Failures, indexed, string};
use serde_json::Value;
use std::collections::HashMap;

/// A metric: its JSON property, its key in the vector, and its values (vector code,
/// property value, weight).
struct Metric {
    property: &'static str,
    key: &'static str,
    values: &'static [(&'static str, &'static str, f64)],
    /// Base metrics must be in the vector; the others default to "not defined".
    base: bool,
}

const fn metric(
    property: &'static str,
    key: &'static str,
    base: bool,
    values: &'static [(&'static str, &'static str, f64)],
) -> Metric {
    Metric {
        property,
        key,
        values,
        base,
    }
}

/// Weights of v3 metrics. Privileges required are for an unchanged scope; a changed
/// scope raises low and high (see [`privileges`]). Modified metrics use the base weights.
const V3_CIA: &[(&str, &str, f64)] = &[("H", "HIGH", 0.56), ("L", "LOW", 0.22), ("N", "NONE", 0.0)];
const V3_MCIA: &[(&str, &str, f64)] = &[
    ("X", "NOT_DEFINED", -1.0),
    ("H", "HIGH", 0.56),
    ("L", "LOW", 0.22),
    ("N", "NONE", 0.0),
];
const V3_REQ: &[(&str, &str, f64)] = &[
    ("X", "NOT_DEFINED", 1.0),
    ("H", "HIGH", 1.5),
    ("M", "MEDIUM", 1.0),
    ("L", "LOW", 0.5),
];
const V3: &[Metric] = &[
    metric(
        "attackVector",
        "AV",
        true,
        &[
            ("N", "NETWORK", 0.85),
            ("A", "ADJACENT_NETWORK", 0.62),
            ("L", "LOCAL", 0.55),
            ("P", "PHYSICAL", 0.2),
        ],
    ),
    metric(
        "attackComplexity",
        "AC",
        true,
        &[("L", "LOW", 0.77), ("H", "HIGH", 0.44)],
    ),
    metric(
        "privilegesRequired",
        "PR",
        true,
        &[("N", "NONE", 0.85), ("L", "LOW", 0.62), ("H", "HIGH", 0.27)],
    ),
    metric(
        "userInteraction",
        "UI",
        true,
        &[("N", "NONE", 0.85), ("R", "REQUIRED", 0.62)],
    ),
    metric(
        "scope",
        "S",
        true,
        &[("U", "UNCHANGED", 0.0), ("C", "CHANGED", 1.0)],
    ),
    metric("confidentialityImpact", "C", true, V3_CIA),
    metric("integrityImpact", "I", true, V3_CIA),
    metric("availabilityImpact", "A", true, V3_CIA),
    metric(
        "exploitCodeMaturity",
        "E",
        false,
        &[
            ("X", "NOT_DEFINED", 1.0),
            ("H", "HIGH", 1.0),
            ("F", "FUNCTIONAL", 0.97),
            ("P", "PROOF_OF_CONCEPT", 0.94),
            ("U", "UNPROVEN", 0.91),
        ],
    ),
    metric(
        "remediationLevel",
        "RL",
        false,
        &[
            ("X", "NOT_DEFINED", 1.0),
            ("U", "UNAVAILABLE", 1.0),
            ("W", "WORKAROUND", 0.97),
            ("T", "TEMPORARY_FIX", 0.96),
            ("O", "OFFICIAL_FIX", 0.95),
        ],
    ),
    metric(
        "reportConfidence",
        "RC",
        false,
        &[
            ("X", "NOT_DEFINED", 1.0),
            ("C", "CONFIRMED", 1.0),
            ("R", "REASONABLE", 0.96),
            ("U", "UNKNOWN", 0.92),
        ],
    ),
    metric("confidentialityRequirement", "CR", false, V3_REQ),
    metric("integrityRequirement", "IR", false, V3_REQ),
    metric("availabilityRequirement", "AR", false, V3_REQ),
    metric(
        "modifiedAttackVector",
        "MAV",
        false,
        &[
            ("X", "NOT_DEFINED", -1.0),
            ("N", "NETWORK", 0.85),
            ("A", "ADJACENT_NETWORK", 0.62),
            ("L", "LOCAL", 0.55),
            ("P", "PHYSICAL", 0.2),
        ],
    ),
    metric(
        "modifiedAttackComplexity",
        "MAC",
        false,
        &[
            ("X", "NOT_DEFINED", -1.0),
            ("L", "LOW", 0.77),
            ("H", "HIGH", 0.44),
        ],
    ),
    metric(
        "modifiedPrivilegesRequired",
        "MPR",
        false,
        &[
            ("X", "NOT_DEFINED", -1.0),
            ("N", "NONE", 0.85),
            ("L", "LOW", 0.62),
            ("H", "HIGH", 0.27),
        ],
    ),
    metric(
        "modifiedUserInteraction",
        "MUI",
        false,
        &[
            ("X", "NOT_DEFINED", -1.0),
            ("N", "NONE", 0.85),
            ("R", "REQUIRED", 0.62),
        ],
    ),
    metric(
        "modifiedScope",
        "MS",
        false,
        &[
            ("X", "NOT_DEFINED", -1.0),
            ("U", "UNCHANGED", 0.0),
            ("C", "CHANGED", 1.0),
        ],
    ),
    metric("modifiedConfidentialityImpact", "MC", false, V3_MCIA),
    metric("modifiedIntegrityImpact", "MI", false, V3_MCIA),
    metric("modifiedAvailabilityImpact", "MA", false, V3_MCIA),
];

const V2_CIA: &[(&str, &str, f64)] = &[
    ("N", "NONE", 0.0),
    ("P", "PARTIAL", 0.275),
    ("C", "COMPLETE", 0.660),
];
const V2_REQ: &[(&str, &str, f64)] = &[
    ("L", "LOW", 0.5),
    ("M", "MEDIUM", 1.0),
    ("H", "HIGH", 1.51),
    ("ND", "NOT_DEFINED", 1.0),
];
const V2: &[Metric] = &[
    metric(
        "accessVector",
        "AV",
        true,
        &[
            ("L", "LOCAL", 0.395),
            ("A", "ADJACENT_NETWORK", 0.646),
            ("N", "NETWORK", 1.0),
        ],
    ),
    metric(
        "accessComplexity",
        "AC",
        true,
        &[
            ("H", "HIGH", 0.35),
            ("M", "MEDIUM", 0.61),
            ("L", "LOW", 0.71),
        ],
    ),
    metric(
        "authentication",
        "Au",
        true,
        &[
            ("M", "MULTIPLE", 0.45),
            ("S", "SINGLE", 0.56),
            ("N", "NONE", 0.704),
        ],
    ),
    metric("confidentialityImpact", "C", true, V2_CIA),
    metric("integrityImpact", "I", true, V2_CIA),
    metric("availabilityImpact", "A", true, V2_CIA),
    metric(
        "exploitability",
        "E",
        false,
        &[
            ("U", "UNPROVEN", 0.85),
            ("POC", "PROOF_OF_CONCEPT", 0.9),
            ("F", "FUNCTIONAL", 0.95),
            ("H", "HIGH", 1.0),
            ("ND", "NOT_DEFINED", 1.0),
        ],
    ),
    metric(
        "remediationLevel",
        "RL",
        false,
        &[
            ("OF", "OFFICIAL_FIX", 0.87),
            ("TF", "TEMPORARY_FIX", 0.9),
            ("W", "WORKAROUND", 0.95),
            ("U", "UNAVAILABLE", 1.0),
            ("ND", "NOT_DEFINED", 1.0),
        ],
    ),
    metric(
        "reportConfidence",
        "RC",
        false,
        &[
            ("UC", "UNCONFIRMED", 0.9),
            ("UR", "UNCORROBORATED", 0.95),
            ("C", "CONFIRMED", 1.0),
            ("ND", "NOT_DEFINED", 1.0),
        ],
    ),
    metric(
        "collateralDamagePotential",
        "CDP",
        false,
        &[
            ("N", "NONE", 0.0),
            ("L", "LOW", 0.1),
            ("LM", "LOW_MEDIUM", 0.3),
            ("MH", "MEDIUM_HIGH", 0.4),
            ("H", "HIGH", 0.5),
            ("ND", "NOT_DEFINED", 0.0),
        ],
    ),
    metric(
        "targetDistribution",
        "TD",
        false,
        &[
            ("N", "NONE", 0.0),
            ("L", "LOW", 0.25),
            ("M", "MEDIUM", 0.75),
            ("H", "HIGH", 1.0),
            ("ND", "NOT_DEFINED", 1.0),
        ],
    ),
    metric("confidentialityRequirement", "CR", false, V2_REQ),
    metric("integrityRequirement", "IR", false, V2_REQ),
    metric("availabilityRequirement", "AR", false, V2_REQ),
];

/// Severity names in CVSS v3.
const SEVERITIES: [&str; 5] = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// Which CVSS object is being checked.
#[derive(Clone, Copy, PartialEq)]
enum Version {
    V2,
    V30,
    V31,
}

/// Runs 6.1.8 to 6.1.10 on every score.
pub(super) fn check(document: &Value, failures: &mut Failures) {
    for (v, vulnerability) in indexed(document, "vulnerabilities") {
        for (s, score) in indexed(vulnerability, "scores") {
            if let Some(cvss) = score.get("cvss_v3") {
                let path = format!("/vulnerabilities/{v}/scores/{s}/cvss_v3");
                check_one(cvss, &path, true, failures);
            }
            if let Some(cvss) = score.get("cvss_v2") {
                let path = format!("/vulnerabilities/{v}/scores/{s}/cvss_v2");
                check_one(cvss, &path, false, failures);
            }
        }
    }
}

/// Checks one CVSS object; `v3` says which property it sits under.
fn check_one(cvss: &Value, path: &str, v3: bool, failures: &mut Failures) {
    let Some(object) = cvss.as_object() else {
        failures.add("6.1.8", path, "the CVSS value is not an object");
        return;
    };
    let declared = string(cvss, "version");
    let version = match (v3, declared) {
        (true, Some("3.1")) => Version::V31,
        (true, Some("3.0")) => Version::V30,
        (false, Some("2.0")) => Version::V2,
        (_, other) => {
            failures.add(
                "6.1.8",
                format!("{path}/version"),
                match other {
                    Some(other) => format!("'{other}' is not a CVSS version this property takes"),
                    None => "the required element 'version' is missing".to_owned(),
                },
            );
            return;
        }
    };
    let metrics = if version == Version::V2 { V2 } else { V3 };
    let mut required = vec!["vectorString", "baseScore"];
    if version != Version::V2 {
        required.push("baseSeverity");
    }
    let mut valid = true;
    for key in required {
        if !object.contains_key(key) {
            failures.add(
                "6.1.8",
                path,
                format!("the required element '{key}' is missing"),
            );
            valid = false;
        }
    }
    for metric in metrics {
        if let Some(value) = object.get(metric.property)
            && !metric
                .values
                .iter()
                .any(|(_, name, _)| value.as_str() == Some(name))
        {
            failures.add(
                "6.1.8",
                format!("{path}/{}", metric.property),
                format!("{value} is not a value of {}", metric.property),
            );
            valid = false;
        }
    }
    for key in ["baseScore", "temporalScore", "environmentalScore"] {
        if let Some(value) = object.get(key)
            && !value
                .as_f64()
                .is_some_and(|score| (0.0..=10.0).contains(&score))
        {
            failures.add(
                "6.1.8",
                format!("{path}/{key}"),
                format!("{value} is not a score from 0 to 10"),
            );
            valid = false;
        }
    }
    if version != Version::V2 {
        for key in ["baseSeverity", "temporalSeverity", "environmentalSeverity"] {
            if let Some(value) = object.get(key)
                && !SEVERITIES.iter().any(|name| value.as_str() == Some(name))
            {
                failures.add(
                    "6.1.8",
                    format!("{path}/{key}"),
                    format!("{value} is not a CVSS severity"),
                );
                valid = false;
            }
        }
    }
    let Some(vector_text) = string(cvss, "vectorString") else {
        return;
    };
    let vector = match parse_vector(vector_text, version, metrics) {
        Ok(vector) => vector,
        Err(reason) => {
            failures.add("6.1.8", format!("{path}/vectorString"), reason);
            return;
        }
    };
    inconsistent(cvss, &vector, metrics, path, failures);
    if valid {
        computed(cvss, &vector, version, path, failures);
    }
}

/// The metric codes of a vector (key → code), refusing what the schema's pattern and the
/// CVSS specification refuse: a wrong prefix, unknown metrics or values, repeats, and
/// missing base metrics.
fn parse_vector<'a>(
    vector: &'a str,
    version: Version,
    metrics: &[Metric],
) -> Result<HashMap<&'a str, &'a str>, String> {
    let body = match version {
        Version::V31 => vector.strip_prefix("CVSS:3.1/"),
        Version::V30 => vector.strip_prefix("CVSS:3.0/"),
        Version::V2 => Some(vector),
    }
    .ok_or_else(|| {
        format!(
            "the vector '{vector}' does not start as a CVSS {} vector must",
            match version {
                Version::V31 => "3.1",
                Version::V30 => "3.0",
                Version::V2 => "2.0",
            }
        )
    })?;
    let mut codes = HashMap::new();
    for part in body.split('/') {
        let (key, code) = part
            .split_once(':')
            .ok_or_else(|| format!("'{part}' in the vector is not a metric"))?;
        let metric = metrics
            .iter()
            .find(|metric| metric.key == key)
            .ok_or_else(|| format!("'{key}' is not a CVSS metric"))?;
        if !metric.values.iter().any(|(value, _, _)| *value == code) {
            return Err(format!("'{code}' is not a value of the metric {key}"));
        }
        if codes.insert(key, code).is_some() {
            return Err(format!("the metric {key} is given twice in the vector"));
        }
    }
    let missing: Vec<&str> = metrics
        .iter()
        .filter(|metric| metric.base && !codes.contains_key(metric.key))
        .map(|metric| metric.key)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the vector lacks the base metric(s) {}",
            missing.join(", ")
        ));
    }
    Ok(codes)
}

/// 6.1.10: every property given agrees with the vector (a metric missing from the
/// vector is "not defined").
fn inconsistent(
    cvss: &Value,
    vector: &HashMap<&str, &str>,
    metrics: &[Metric],
    path: &str,
    failures: &mut Failures,
) {
    for metric in metrics {
        let Some(given) = string(cvss, metric.property) else {
            continue;
        };
        let expected = match vector.get(metric.key) {
            Some(code) => metric
                .values
                .iter()
                .find(|(value, _, _)| value == code)
                .map(|(_, name, _)| *name),
            None => Some("NOT_DEFINED"),
        };
        if expected.is_some_and(|expected| expected != given) {
            failures.add(
                "6.1.10",
                format!("{path}/{}", metric.property),
                format!(
                    "{} is {given} but the vector says {}",
                    metric.property,
                    expected.unwrap_or("")
                ),
            );
        }
    }
}

/// 6.1.9: the scores and severities given are the ones the vector computes to.
fn computed(
    cvss: &Value,
    vector: &HashMap<&str, &str>,
    version: Version,
    path: &str,
    failures: &mut Failures,
) {
    let scores = match version {
        Version::V2 => v2_scores(vector),
        _ => v3_scores(vector, version == Version::V31),
    };
    for (key, expected) in [
        ("baseScore", scores[0]),
        ("temporalScore", scores[1]),
        ("environmentalScore", scores[2]),
    ] {
        if let Some(given) = cvss.get(key).and_then(Value::as_f64)
            && tenths(given) != tenths(expected)
        {
            failures.add(
                "6.1.9",
                format!("{path}/{key}"),
                format!("{key} is {given} but the vector computes to {expected:.1}"),
            );
        }
    }
    if version == Version::V2 {
        return;
    }
    for (key, score) in [
        ("baseSeverity", scores[0]),
        ("temporalSeverity", scores[1]),
        ("environmentalSeverity", scores[2]),
    ] {
        let expected = severity(score);
        if let Some(given) = string(cvss, key)
            && given != expected
        {
            failures.add(
                "6.1.9",
                format!("{path}/{key}"),
                format!("{key} is {given} but a score of {score:.1} is {expected}"),
            );
        }
    }
}

/// A score in tenths, for comparing without floating-point noise.
fn tenths(score: f64) -> i64 {
    (score * 10.0).round() as i64
}

/// The v3 severity of a score.
fn severity(score: f64) -> &'static str {
    match tenths(score) {
        0 => "NONE",
        1..=39 => "LOW",
        40..=69 => "MEDIUM",
        70..=89 => "HIGH",
        _ => "CRITICAL",
    }
}

/// The weight of a metric's code in the vector (`None` when absent).
fn weight(vector: &HashMap<&str, &str>, metrics: &[Metric], key: &str) -> Option<f64> {
    let code = vector.get(key)?;
    let metric = metrics.iter().find(|metric| metric.key == key)?;
    metric
        .values
        .iter()
        .find(|(value, _, _)| value == code)
        .map(|(_, _, weight)| *weight)
}

/// CVSS v3.1's round-up, which avoids floating-point surprises; v3.0 rounds up plainly.
fn round_up(value: f64, v31: bool) -> f64 {
    if v31 {
        let integer = (value * 100_000.0).round() as i64;
        if integer % 10_000 == 0 {
            integer as f64 / 100_000.0
        } else {
            ((integer / 10_000) as f64 + 1.0) / 10.0
        }
    } else {
        (value * 10.0).ceil() / 10.0
    }
}

/// Privileges required's weight, raised when the scope changes.
fn privileges(code: Option<&str>, changed: bool) -> f64 {
    match (code, changed) {
        (Some("L"), true) => 0.68,
        (Some("H"), true) => 0.5,
        (Some("L"), false) => 0.62,
        (Some("H"), false) => 0.27,
        _ => 0.85,
    }
}

/// Base, temporal and environmental scores of a v3 vector.
fn v3_scores(vector: &HashMap<&str, &str>, v31: bool) -> [f64; 3] {
    let w = |key: &str| weight(vector, V3, key).unwrap_or(1.0);
    // A modified metric that is absent or "X" takes its base metric's value.
    let modified = |key: &str, base: &str| match weight(vector, V3, key) {
        Some(value) if value >= 0.0 => value,
        _ => w(base),
    };
    let changed = vector.get("S") == Some(&"C");
    let iss = 1.0 - (1.0 - w("C")) * (1.0 - w("I")) * (1.0 - w("A"));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability =
        8.22 * w("AV") * w("AC") * privileges(vector.get("PR").copied(), changed) * w("UI");
    let base = if impact <= 0.0 {
        0.0
    } else if changed {
        round_up((1.08 * (impact + exploitability)).min(10.0), v31)
    } else {
        round_up((impact + exploitability).min(10.0), v31)
    };
    let temporal_factor = w("E") * w("RL") * w("RC");
    let temporal = round_up(base * temporal_factor, v31);

    let modified_scope = match vector.get("MS") {
        Some(&"C") => true,
        Some(&"U") => false,
        _ => changed,
    };
    let modified_privileges = match vector.get("MPR") {
        Some(code) if *code != "X" => Some(*code),
        _ => vector.get("PR").copied(),
    };
    let miss = (1.0
        - (1.0 - w("CR") * modified("MC", "C"))
            * (1.0 - w("IR") * modified("MI", "I"))
            * (1.0 - w("AR") * modified("MA", "A")))
    .min(0.915);
    let modified_impact = if !modified_scope {
        6.42 * miss
    } else if v31 {
        7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
    } else {
        7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15)
    };
    let modified_exploitability = 8.22
        * modified("MAV", "AV")
        * modified("MAC", "AC")
        * privileges(modified_privileges, modified_scope)
        * modified("MUI", "UI");
    let environmental = if modified_impact <= 0.0 {
        0.0
    } else if modified_scope {
        round_up(
            round_up(
                (1.08 * (modified_impact + modified_exploitability)).min(10.0),
                v31,
            ) * temporal_factor,
            v31,
        )
    } else {
        round_up(
            round_up((modified_impact + modified_exploitability).min(10.0), v31) * temporal_factor,
            v31,
        )
    };
    [base, temporal, environmental]
}

/// Rounds to one decimal, as the CVSS v2 guide does.
fn round_v2(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Base, temporal and environmental scores of a v2 vector.
fn v2_scores(vector: &HashMap<&str, &str>) -> [f64; 3] {
    let w = |key: &str| weight(vector, V2, key);
    let base_metric = |key: &str| w(key).unwrap_or(0.0);
    let factor = |key: &str| w(key).unwrap_or(1.0);
    let exploitability = 20.0 * base_metric("AV") * base_metric("AC") * base_metric("Au");
    let base_of = |impact: f64| {
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        round_v2(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f)
    };
    let (c, i, a) = (base_metric("C"), base_metric("I"), base_metric("A"));
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let base = base_of(impact);
    let temporal_factor = factor("E") * factor("RL") * factor("RC");
    let temporal = round_v2(base * temporal_factor);
    let adjusted_impact = (10.41
        * (1.0 - (1.0 - c * factor("CR")) * (1.0 - i * factor("IR")) * (1.0 - a * factor("AR"))))
    .min(10.0);
    let adjusted_temporal = round_v2(base_of(adjusted_impact) * temporal_factor);
    let collateral = w("CDP").unwrap_or(0.0);
    let environmental =
        round_v2((adjusted_temporal + (10.0 - adjusted_temporal) * collateral) * factor("TD"));
    [base, temporal, environmental]
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed, tree};
    use super::*;
    use serde_json::json;

    fn with_score(cvss: Value, key: &str) -> Value {
        let mut document = document(json!({}), tree());
        document["vulnerabilities"] = json!([{"scores": [{"products": ["A"], key: cvss}]}]);
        document
    }

    fn v3(vector: &str, v31: bool) -> [f64; 3] {
        let body = vector
            .split_once('/')
            .map(|(_, rest)| rest)
            .unwrap_or(vector);
        let codes: HashMap<&str, &str> =
            body.split('/').filter_map(|p| p.split_once(':')).collect();
        v3_scores(&codes, v31)
    }

    #[test]
    fn v3_scores_match_the_specification_examples() {
        assert_eq!(
            v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", true)[0],
            9.8
        );
        assert_eq!(
            v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", true)[0],
            10.0
        );
        assert_eq!(
            v3("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", true)[0],
            6.5
        );
        assert_eq!(
            v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", true)[0],
            6.1
        );
        assert_eq!(
            v3(
                "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C",
                true
            )[..2],
            [6.1, 5.7]
        );
        assert_eq!(
            v3("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", false)[0],
            6.4
        );
        // Modifying the attack vector to local scores as the local base vector does.
        let env = v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L", true);
        assert_eq!(env, [9.8, 9.8, 8.4]);
        assert_eq!(
            v3("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", true)[0],
            8.4
        );
    }

    #[test]
    fn v2_scores_match_the_guide() {
        let codes: HashMap<&str, &str> = "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C"
            .split('/')
            .filter_map(|p| p.split_once(':'))
            .collect();
        assert_eq!(v2_scores(&codes)[..2], [7.8, 6.4]);
        let codes: HashMap<&str, &str> = "AV:N/AC:L/Au:N/C:C/I:C/A:C"
            .split('/')
            .filter_map(|p| p.split_once(':'))
            .collect();
        assert_eq!(v2_scores(&codes)[0], 10.0);
    }

    #[test]
    fn test_6_1_8_invalid_cvss() {
        let bad = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", "baseScore": 6.5}),
            "cvss_v3",
        );
        assert_eq!(failed(&bad), ["6.1.8"]);
        let bad_vector = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", "baseScore": 6.5, "baseSeverity": "MEDIUM"}),
            "cvss_v3",
        );
        assert_eq!(failed(&bad_vector), ["6.1.8"]);
        let good = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", "baseScore": 6.5, "baseSeverity": "MEDIUM"}),
            "cvss_v3",
        );
        assert!(failed(&good).is_empty());
        let v2 = with_score(
            json!({"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C", "baseScore": 10.0}),
            "cvss_v2",
        );
        assert!(failed(&v2).is_empty());
    }

    #[test]
    fn test_6_1_9_invalid_cvss_computation() {
        let bad = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", "baseScore": 10.0, "baseSeverity": "LOW"}),
            "cvss_v3",
        );
        let failures = validate_all(&bad);
        assert_eq!(failures, ["6.1.9", "6.1.9"]);
        let v2 = with_score(
            json!({"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C", "baseScore": 9.0}),
            "cvss_v2",
        );
        assert_eq!(failed(&v2), ["6.1.9"]);
    }

    #[test]
    fn test_6_1_10_inconsistent_cvss() {
        let bad = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL",
            "attackVector": "LOCAL", "attackComplexity": "LOW", "privilegesRequired": "NONE", "userInteraction": "NONE", "scope": "CHANGED",
            "confidentialityImpact": "HIGH", "integrityImpact": "HIGH", "availabilityImpact": "LOW"}),
            "cvss_v3",
        );
        assert_eq!(validate_all(&bad), ["6.1.10", "6.1.10", "6.1.10"]);
        let good = with_score(
            json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL",
            "attackVector": "NETWORK", "scope": "UNCHANGED", "exploitCodeMaturity": "NOT_DEFINED"}),
            "cvss_v3",
        );
        assert!(failed(&good).is_empty());
    }

    fn validate_all(document: &Value) -> Vec<String> {
        super::super::validate(document)
            .into_iter()
            .map(|f| f.test)
            .collect()
    }
}
