//! Tests on the document and vulnerability metadata: 6.1.11 (CWE), 6.1.15 (translator),
//! 6.1.23 (one CVE per vulnerability item), 6.1.24 (involvements), 6.1.26 (prohibited
//! category names) and 6.1.28 (translation into the same language).
//!
//! 6.1.11 is approximated: the CWE list is a registry of about a thousand entries that
//! Beacon does not ship. The id's form (`CWE-` and a number, as the schema requires) is
//! checked for every CWE, and the name only for the short list of common weaknesses below
//! (names as in CWE 4.x); other ids are taken on trust.

use super::super::super::text::parse_time;
use super::{Failures, indexed, string};
use serde_json::Value;
use std::collections::HashMap;

/// Names of common CWEs (the CWE Top 25 and a few more), for 6.1.11.
const KNOWN_CWES: &[(&str, &str)] = &[
    ("CWE-20", "Improper Input Validation"),
    (
        "CWE-22",
        "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    ),
    (
        "CWE-77",
        "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
    ),
    (
        "CWE-78",
        "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    ),
    (
        "CWE-79",
        "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    ),
    (
        "CWE-89",
        "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    ),
    (
        "CWE-94",
        "Improper Control of Generation of Code ('Code Injection')",
    ),
    (
        "CWE-119",
        "Improper Restriction of Operations within the Bounds of a Memory Buffer",
    ),
    ("CWE-125", "Out-of-bounds Read"),
    ("CWE-190", "Integer Overflow or Wraparound"),
    ("CWE-287", "Improper Authentication"),
    ("CWE-306", "Missing Authentication for Critical Function"),
    ("CWE-352", "Cross-Site Request Forgery (CSRF)"),
    ("CWE-416", "Use After Free"),
    ("CWE-434", "Unrestricted Upload of File with Dangerous Type"),
    ("CWE-476", "NULL Pointer Dereference"),
    ("CWE-502", "Deserialization of Untrusted Data"),
    (
        "CWE-611",
        "Improper Restriction of XML External Entity Reference",
    ),
    ("CWE-787", "Out-of-bounds Write"),
    ("CWE-798", "Use of Hard-coded Credentials"),
    ("CWE-862", "Missing Authorization"),
    ("CWE-918", "Server-Side Request Forgery (SSRF)"),
];

/// Profile categories other than CSAF Base, for 6.1.26.
const OTHER_PROFILES: [(&str, &str); 4] = [
    (
        "csaf_security_incident_response",
        "Security incident response",
    ),
    ("csaf_informational_advisory", "Informational Advisory"),
    ("csaf_security_advisory", "Security Advisory"),
    ("csaf_vex", "VEX"),
];

/// Runs 6.1.11, 6.1.15, 6.1.23, 6.1.24, 6.1.26 and 6.1.28.
pub(super) fn check(document: &Value, failures: &mut Failures) {
    let meta = document.get("document").cloned().unwrap_or(Value::Null);
    if meta.pointer("/publisher/category").and_then(Value::as_str) == Some("translator")
        && string(&meta, "source_lang").is_none_or(str::is_empty)
    {
        failures.add(
            "6.1.15",
            "/document/source_lang",
            "the publisher is a translator but the source language is missing",
        );
    }
    if let (Some(lang), Some(source)) = (string(&meta, "lang"), string(&meta, "source_lang"))
        && lang.eq_ignore_ascii_case(source)
    {
        failures.add(
            "6.1.28",
            "/document/source_lang",
            format!("the document and its source have the same language '{lang}'"),
        );
    }
    if let Some(category) = string(&meta, "category") {
        prohibited_category(category, failures);
    }
    let mut cves: HashMap<&str, usize> = HashMap::new();
    for (v, vulnerability) in indexed(document, "vulnerabilities") {
        if let Some(cwe) = vulnerability.get("cwe") {
            check_cwe(cwe, v, failures);
        }
        if let Some(cve) = string(vulnerability, "cve") {
            if let Some(first) = cves.get(cve) {
                failures.add(
                    "6.1.23",
                    format!("/vulnerabilities/{v}/cve"),
                    format!("{cve} is also used by vulnerability {first}"),
                );
            } else {
                cves.insert(cve, v);
            }
        }
        let mut seen: Vec<(&str, Option<i128>, &str)> = Vec::new();
        for (i, involvement) in indexed(vulnerability, "involvements") {
            let (Some(party), Some(date)) =
                (string(involvement, "party"), string(involvement, "date"))
            else {
                continue;
            };
            let instant = parse_time(date).map(|t| t.unix_timestamp_nanos());
            let same = |(p, t, d): &&(&str, Option<i128>, &str)| {
                *p == party
                    && match (t, instant) {
                        (Some(a), Some(b)) => *a == b,
                        _ => *d == date,
                    }
            };
            if seen.iter().any(|entry| same(&entry)) {
                failures.add(
                    "6.1.24",
                    format!("/vulnerabilities/{v}/involvements/{i}"),
                    format!("the party '{party}' has more than one involvement at {date}"),
                );
            } else {
                seen.push((party, instant, date));
            }
        }
    }
}

/// 6.1.11 (approximated, see the module's documentation).
fn check_cwe(cwe: &Value, v: usize, failures: &mut Failures) {
    let id = string(cwe, "id").unwrap_or("");
    let digits = id.strip_prefix("CWE-").unwrap_or("");
    if digits.is_empty()
        || digits.len() > 6
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        failures.add(
            "6.1.11",
            format!("/vulnerabilities/{v}/cwe/id"),
            format!("'{id}' is not a CWE id"),
        );
        return;
    }
    let name = string(cwe, "name").unwrap_or("");
    if let Some((_, known)) = KNOWN_CWES.iter().find(|(known, _)| *known == id)
        && *known != name
    {
        failures.add(
            "6.1.11",
            format!("/vulnerabilities/{v}/cwe/name"),
            format!("{id} is named '{known}', not '{name}'"),
        );
    }
}

/// 6.1.26: a CSAF Base document's category is not another profile's name or value, and
/// does not take the reserved `csaf_` prefix.
fn prohibited_category(category: &str, failures: &mut Failures) {
    if category == "csaf_base" || OTHER_PROFILES.iter().any(|(value, _)| *value == category) {
        return;
    }
    let squash = |text: &str| {
        text.chars()
            .filter(|c| !matches!(c, '-' | '_') && !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let squashed = squash(category);
    if category.to_ascii_lowercase().starts_with("csaf_") {
        failures.add(
            "6.1.26",
            "/document/category",
            format!("'{category}' starts with the prefix 'csaf_', which is reserved"),
        );
        return;
    }
    for (value, name) in OTHER_PROFILES {
        let bare = value.trim_start_matches("csaf_");
        if squashed == squash(bare) || squashed == squash(value) || squashed == squash(name) {
            failures.add(
                "6.1.26",
                "/document/category",
                format!("'{category}' is the name of the profile '{name}'"),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed};
    use serde_json::json;

    #[test]
    fn test_6_1_11_cwe() {
        let bad = document(
            json!({}),
            json!({"vulnerabilities": [{"cwe": {"id": "CWE-79", "name": "Improper Input Validation"}}]}),
        );
        assert_eq!(failed(&bad), ["6.1.11"]);
        let good = document(
            json!({}),
            json!({"vulnerabilities": [{"cwe": {"id": "CWE-20", "name": "Improper Input Validation"}}]}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_15_translator() {
        let bad = document(json!({"publisher": {"category": "translator"}}), json!({}));
        assert_eq!(failed(&bad), ["6.1.15"]);
        let good = document(
            json!({"publisher": {"category": "translator"}, "lang": "de", "source_lang": "en"}),
            json!({}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_23_multiple_use_of_a_cve() {
        let bad = document(
            json!({}),
            json!({"vulnerabilities": [{"cve": "CVE-2017-0145"}, {"cve": "CVE-2017-0145"}]}),
        );
        assert_eq!(failed(&bad), ["6.1.23"]);
        let good = document(
            json!({}),
            json!({"vulnerabilities": [{"cve": "CVE-2017-0145"}, {"cve": "CVE-2017-0146"}]}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_24_multiple_involvements() {
        let bad = document(
            json!({}),
            json!({"vulnerabilities": [{"involvements": [
            {"date": "2021-04-23T10:00:00.000Z", "party": "vendor", "status": "completed"},
            {"date": "2021-04-23T12:00:00+02:00", "party": "vendor", "status": "in_progress"}]}]}),
        );
        assert_eq!(failed(&bad), ["6.1.24"]);
        let good = document(
            json!({}),
            json!({"vulnerabilities": [{"involvements": [
            {"date": "2021-04-23T10:00:00.000Z", "party": "vendor", "status": "completed"},
            {"date": "2021-04-23T10:00:00.000Z", "party": "coordinator", "status": "completed"}]}]}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_26_prohibited_category() {
        for category in [
            "Csaf_a",
            "Informational Advisory",
            "security-incident-response",
            "Security      Advisory",
            "veX",
            "V_eX",
        ] {
            assert_eq!(
                failed(&document(json!({"category": category}), json!({}))),
                ["6.1.26"],
                "{category}"
            );
        }
        assert!(failed(&document(json!({"category": "generic_csaf"}), json!({}))).is_empty());
    }

    #[test]
    fn test_6_1_28_translation() {
        let bad = document(json!({"lang": "en-US", "source_lang": "en-US"}), json!({}));
        assert_eq!(failed(&bad), ["6.1.28"]);
        let good = document(json!({"lang": "en-GB", "source_lang": "en-US"}), json!({}));
        assert!(failed(&good).is_empty());
    }
}
