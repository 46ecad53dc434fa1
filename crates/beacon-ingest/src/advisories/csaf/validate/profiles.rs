//! The profile tests 6.1.27.1 to 6.1.27.11: what the informational advisory, security
//! incident response, security advisory and VEX profiles require. Each applies only to
//! the document categories the standard names for it.

use super::tree::Tree;
use super::{Failures, indexed, string, strings};
use serde_json::Value;
use std::collections::HashSet;

/// Runs the profile tests that apply to the document's category.
pub(super) fn check(document: &Value, tree: &Tree<'_>, failures: &mut Failures) {
    let category = document
        .pointer("/document/category")
        .and_then(Value::as_str)
        .unwrap_or("");
    let informational = category == "csaf_informational_advisory";
    let incident = category == "csaf_security_incident_response";
    let advisory = category == "csaf_security_advisory";
    let vex = category == "csaf_vex";
    let vulnerabilities = document.get("vulnerabilities");
    if informational || incident {
        let meta = document.get("document").unwrap_or(&Value::Null);
        let has_note = indexed(meta, "notes").any(|(_, note)| {
            matches!(
                string(note, "category"),
                Some("description" | "details" | "general" | "summary")
            )
        });
        if !has_note {
            failures.add(
                "6.1.27.1",
                "/document/notes",
                "the document notes need one of category description, details, general or summary",
            );
        }
        let has_external =
            indexed(meta, "references").any(|(_, r)| string(r, "category") == Some("external"));
        if !has_external {
            failures.add(
                "6.1.27.2",
                "/document/references",
                "the document references need one with category external",
            );
        }
    }
    if informational && vulnerabilities.is_some() {
        failures.add(
            "6.1.27.3",
            "/vulnerabilities",
            "an informational advisory has no vulnerabilities element",
        );
    }
    if advisory || vex {
        if document.get("product_tree").is_none() {
            failures.add("6.1.27.4", "/product_tree", "the product tree is missing");
        }
        if vulnerabilities.is_none() {
            failures.add(
                "6.1.27.11",
                "/vulnerabilities",
                "the vulnerabilities element is missing",
            );
        }
        for (v, vulnerability) in indexed(document, "vulnerabilities") {
            if vulnerability.get("notes").is_none() {
                failures.add(
                    "6.1.27.5",
                    format!("/vulnerabilities/{v}"),
                    "the vulnerability has no notes",
                );
            }
        }
    }
    if advisory {
        for (v, vulnerability) in indexed(document, "vulnerabilities") {
            if vulnerability.get("product_status").is_none() {
                failures.add(
                    "6.1.27.6",
                    format!("/vulnerabilities/{v}"),
                    "the vulnerability has no product status",
                );
            }
        }
    }
    if vex {
        for (v, vulnerability) in indexed(document, "vulnerabilities") {
            vex_checks(vulnerability, v, tree, failures);
        }
    }
}

/// 6.1.27.7 to 6.1.27.10 for one vulnerability of a VEX document.
fn vex_checks<'a>(vulnerability: &'a Value, v: usize, tree: &Tree<'a>, failures: &mut Failures) {
    let status = vulnerability.get("product_status").unwrap_or(&Value::Null);
    if ![
        "fixed",
        "known_affected",
        "known_not_affected",
        "under_investigation",
    ]
    .iter()
    .any(|key| status.get(key).is_some())
    {
        failures.add("6.1.27.7", format!("/vulnerabilities/{v}/product_status"), "the product status needs one of fixed, known_affected, known_not_affected or under_investigation");
    }
    if vulnerability.get("cve").is_none() && vulnerability.get("ids").is_none() {
        failures.add(
            "6.1.27.8",
            format!("/vulnerabilities/{v}"),
            "the vulnerability needs a cve or ids",
        );
    }
    let covered = |items: Vec<&'a Value>| {
        let mut products: HashSet<&'a str> = HashSet::new();
        for item in items {
            products.extend(strings(item, "product_ids").map(|(_, id)| id));
            for (_, group) in strings(item, "group_ids") {
                products.extend(tree.members(group));
            }
        }
        products
    };
    let impact: Vec<&Value> = indexed(vulnerability, "flags")
        .map(|(_, flag)| flag)
        .chain(
            indexed(vulnerability, "threats")
                .map(|(_, t)| t)
                .filter(|t| string(t, "category") == Some("impact")),
        )
        .collect();
    let with_impact = covered(impact);
    for (i, id) in strings(status, "known_not_affected") {
        if !with_impact.contains(id) {
            failures.add(
                "6.1.27.9",
                format!("/vulnerabilities/{v}/product_status/known_not_affected/{i}"),
                format!("there is no impact statement for the not affected product '{id}'"),
            );
        }
    }
    let with_action = covered(
        indexed(vulnerability, "remediations")
            .map(|(_, r)| r)
            .collect(),
    );
    for (i, id) in strings(status, "known_affected") {
        if !with_action.contains(id) {
            failures.add(
                "6.1.27.10",
                format!("/vulnerabilities/{v}/product_status/known_affected/{i}"),
                format!("there is no action statement for the affected product '{id}'"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed, tree};
    use serde_json::{Value, json};

    fn profile(category: &str, notes: Value, references: Value, extra: Value) -> Value {
        document(
            json!({"category": category, "notes": notes, "references": references}),
            extra,
        )
    }

    fn good_notes() -> Value {
        json!([{"category": "summary", "text": "x"}])
    }

    fn external() -> Value {
        json!([{"category": "external", "summary": "x", "url": "https://example.org"}])
    }

    #[test]
    fn test_6_1_27_1_and_2_document_notes_and_references() {
        let bad = profile(
            "csaf_informational_advisory",
            json!([{"category": "legal_disclaimer", "text": "x"}]),
            json!([{"category": "self", "summary": "x", "url": "https://example.org"}]),
            json!({}),
        );
        assert_eq!(failed(&bad), ["6.1.27.1", "6.1.27.2"]);
        assert!(
            failed(&profile(
                "csaf_security_incident_response",
                good_notes(),
                external(),
                json!({})
            ))
            .is_empty()
        );
    }

    #[test]
    fn test_6_1_27_3_informational_advisories_have_no_vulnerabilities() {
        let bad = profile(
            "csaf_informational_advisory",
            good_notes(),
            external(),
            json!({"vulnerabilities": [{"title": "x"}]}),
        );
        assert_eq!(failed(&bad), ["6.1.27.3"]);
    }

    #[test]
    fn test_6_1_27_4_5_6_11_security_advisories() {
        let bad = document(
            json!({"category": "csaf_security_advisory"}),
            json!({"vulnerabilities": [{"title": "x"}]}),
        );
        assert_eq!(failed(&bad), ["6.1.27.4", "6.1.27.5", "6.1.27.6"]);
        let empty = document(json!({"category": "csaf_security_advisory"}), tree());
        assert_eq!(failed(&empty), ["6.1.27.11"]);
        let mut good = document(json!({"category": "csaf_security_advisory"}), tree());
        good["vulnerabilities"] = json!([{"notes": [{"category": "description", "text": "x"}], "product_status": {"known_affected": ["A"]}}]);
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_27_7_to_10_vex() {
        let mut bad = document(json!({"category": "csaf_vex"}), tree());
        bad["vulnerabilities"] = json!([{"notes": [{"category": "description", "text": "x"}], "product_status": {"first_fixed": ["A"]}}]);
        assert_eq!(failed(&bad), ["6.1.27.7", "6.1.27.8"]);
        let mut statements = document(json!({"category": "csaf_vex"}), tree());
        statements["vulnerabilities"] = json!([{"cve": "CVE-2024-0001", "notes": [{"category": "description", "text": "x"}],
            "product_status": {"known_not_affected": ["A", "B", "C"]},
            "threats": [{"category": "impact", "details": "Not present.", "group_ids": ["G"]}]}]);
        assert_eq!(failed(&statements), ["6.1.27.9"]);
        statements["vulnerabilities"][0]["product_status"] =
            json!({"known_affected": ["A", "B", "C"]});
        statements["vulnerabilities"][0]["remediations"] =
            json!([{"category": "no_fix_planned", "details": "EOL", "group_ids": ["G"]}]);
        assert_eq!(failed(&statements), ["6.1.27.10"]);
        statements["vulnerabilities"][0]["remediations"][0]["product_ids"] = json!(["C"]);
        assert!(failed(&statements).is_empty());
    }
}
