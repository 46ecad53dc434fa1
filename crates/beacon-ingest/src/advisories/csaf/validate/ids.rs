//! References between products and groups: 6.1.1 to 6.1.5 (missing, multiple and
//! circular definitions of product and group ids), 6.1.6 (contradicting product status)
//! and 6.1.7 (several scores of one CVSS version for a product).

use super::tree::Tree;
use super::{Failures, indexed, string, strings};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Product status lists, in the order the standard lists them.
const STATUSES: [&str; 8] = [
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
];

/// Runs 6.1.1 to 6.1.7.
pub(super) fn check(document: &Value, tree: &Tree<'_>, failures: &mut Failures) {
    missing_products(document, tree, failures);
    multiple_products(tree, failures);
    circular_products(document, failures);
    missing_groups(document, tree, failures);
    multiple_groups(tree, failures);
    for (index, vulnerability) in indexed(document, "vulnerabilities") {
        contradicting_status(vulnerability, index, failures);
        multiple_scores(vulnerability, index, failures);
    }
}

/// 6.1.1: every product id referenced outside a full product name is defined.
fn missing_products(document: &Value, tree: &Tree<'_>, failures: &mut Failures) {
    let mut references: Vec<(String, &str)> = Vec::new();
    if let Some(product_tree) = document.get("product_tree") {
        for (path, _, members) in &tree.groups {
            for (index, id) in members.iter().enumerate() {
                references.push((format!("{path}/product_ids/{index}"), id));
            }
        }
        for (index, relationship) in indexed(product_tree, "relationships") {
            for key in ["product_reference", "relates_to_product_reference"] {
                if let Some(id) = string(relationship, key) {
                    references.push((format!("/product_tree/relationships/{index}/{key}"), id));
                }
            }
        }
    }
    for (v, vulnerability) in indexed(document, "vulnerabilities") {
        if let Some(status) = vulnerability.get("product_status") {
            for list in STATUSES {
                for (i, id) in strings(status, list) {
                    references.push((
                        format!("/vulnerabilities/{v}/product_status/{list}/{i}"),
                        id,
                    ));
                }
            }
        }
        for (key, field) in [
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
        ] {
            for (r, item) in indexed(vulnerability, key) {
                for (i, id) in strings(item, field) {
                    references.push((format!("/vulnerabilities/{v}/{key}/{r}/{field}/{i}"), id));
                }
            }
        }
    }
    for (path, id) in references {
        if !tree.defines(id) {
            failures.add(
                "6.1.1",
                path,
                format!("the product id '{id}' is not defined in the product tree"),
            );
        }
    }
}

/// 6.1.2: no product id is defined twice.
fn multiple_products(tree: &Tree<'_>, failures: &mut Failures) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for product in &tree.products {
        if let Some(id) = string(product.value, "product_id") {
            if let Some(first) = seen.get(id) {
                failures.add(
                    "6.1.2",
                    format!("{}/product_id", product.path),
                    format!("the product id '{id}' is already defined at {first}"),
                );
            } else {
                seen.insert(id, &product.path);
            }
        }
    }
}

/// 6.1.3: a product defined by a relationship does not, through the products it refers
/// to, end up referring to itself.
fn circular_products(document: &Value, failures: &mut Failures) {
    let Some(product_tree) = document.get("product_tree") else {
        return;
    };
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut defined: Vec<(usize, &str)> = Vec::new();
    for (index, relationship) in indexed(product_tree, "relationships") {
        let Some(id) = relationship
            .pointer("/full_product_name/product_id")
            .and_then(Value::as_str)
        else {
            continue;
        };
        defined.push((index, id));
        let targets = edges.entry(id).or_default();
        for key in ["product_reference", "relates_to_product_reference"] {
            if let Some(target) = string(relationship, key) {
                targets.push(target);
            }
        }
    }
    for (index, id) in defined {
        let mut stack: Vec<&str> = edges.get(id).cloned().unwrap_or_default();
        let mut visited: HashSet<&str> = HashSet::new();
        while let Some(next) = stack.pop() {
            if next == id {
                failures.add(
                    "6.1.3",
                    format!("/product_tree/relationships/{index}/full_product_name/product_id"),
                    format!(
                        "the product id '{id}' is defined through itself (a circular definition)"
                    ),
                );
                break;
            }
            if visited.insert(next) {
                stack.extend(edges.get(next).into_iter().flatten().copied());
            }
        }
    }
}

/// 6.1.4: every group id referenced by remediations and threats is defined.
fn missing_groups(document: &Value, tree: &Tree<'_>, failures: &mut Failures) {
    for (v, vulnerability) in indexed(document, "vulnerabilities") {
        for key in ["remediations", "threats"] {
            for (r, item) in indexed(vulnerability, key) {
                for (i, id) in strings(item, "group_ids") {
                    if !tree.defines_group(id) {
                        failures.add(
                            "6.1.4",
                            format!("/vulnerabilities/{v}/{key}/{r}/group_ids/{i}"),
                            format!(
                                "the product group id '{id}' is not defined in the product tree"
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// 6.1.5: no group id is defined twice.
fn multiple_groups(tree: &Tree<'_>, failures: &mut Failures) {
    let mut seen: HashSet<&str> = HashSet::new();
    for (path, id, _) in &tree.groups {
        if !seen.insert(id) {
            failures.add(
                "6.1.5",
                format!("{path}/group_id"),
                format!("the product group id '{id}' is defined more than once"),
            );
        }
    }
}

/// 6.1.6: a product is in at most one of the groups affected, not affected, fixed and
/// under investigation (`recommended` may overlap any).
fn contradicting_status(vulnerability: &Value, index: usize, failures: &mut Failures) {
    let Some(status) = vulnerability.get("product_status") else {
        return;
    };
    let groups: [(&str, &[&str]); 4] = [
        (
            "affected",
            &["first_affected", "known_affected", "last_affected"],
        ),
        ("not affected", &["known_not_affected"]),
        ("fixed", &["first_fixed", "fixed"]),
        ("under investigation", &["under_investigation"]),
    ];
    let mut member_of: HashMap<&str, &str> = HashMap::new();
    for (group, lists) in groups {
        let mut in_this_group: HashSet<&str> = HashSet::new();
        for list in lists {
            for (i, id) in strings(status, list) {
                if !in_this_group.insert(id) {
                    continue;
                }
                match member_of.get(id) {
                    Some(other) => failures.add(
                        "6.1.6",
                        format!("/vulnerabilities/{index}/product_status/{list}/{i}"),
                        format!("the product '{id}' is both {other} and {group}"),
                    ),
                    None => {
                        member_of.insert(id, group);
                    }
                }
            }
        }
    }
}

/// 6.1.7: a product has at most one score of each CVSS version in a vulnerability.
fn multiple_scores(vulnerability: &Value, index: usize, failures: &mut Failures) {
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    for (s, score) in indexed(vulnerability, "scores") {
        let mut versions = Vec::new();
        if let Some(v3) = score.get("cvss_v3") {
            versions.push(string(v3, "version").unwrap_or("3").to_owned());
        }
        if let Some(v2) = score.get("cvss_v2") {
            versions.push(string(v2, "version").unwrap_or("2.0").to_owned());
        }
        for (p, product) in strings(score, "products") {
            for version in &versions {
                if !seen.insert((product, version.clone())) {
                    failures.add(
                        "6.1.7",
                        format!("/vulnerabilities/{index}/scores/{s}/products/{p}"),
                        format!("the product '{product}' has more than one CVSS {version} score"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed, tree};
    use serde_json::json;

    #[test]
    fn test_6_1_1_missing_product_definition() {
        let bad = document(
            json!({}),
            json!({"product_tree": {"product_groups": [{"group_id": "G", "product_ids": ["X", "Y"]}]}}),
        );
        assert_eq!(failed(&bad), ["6.1.1"]);
        let good = document(
            json!({}),
            json!({"product_tree": {"full_product_names": [{"name": "X", "product_id": "X"}, {"name": "Y", "product_id": "Y"}], "product_groups": [{"group_id": "G", "product_ids": ["X", "Y"]}]}}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_2_multiple_product_definition() {
        let bad = document(
            json!({}),
            json!({"product_tree": {"full_product_names": [{"name": "A", "product_id": "A"}, {"name": "B", "product_id": "A"}]}}),
        );
        assert_eq!(failed(&bad), ["6.1.2"]);
        assert!(failed(&document(json!({}), tree())).is_empty());
    }

    #[test]
    fn test_6_1_3_circular_product_definition() {
        let bad = document(
            json!({}),
            json!({"product_tree": {
            "full_product_names": [{"name": "A", "product_id": "A"}],
            "relationships": [{"category": "installed_on", "product_reference": "A", "relates_to_product_reference": "R",
                               "full_product_name": {"name": "R", "product_id": "R"}}]}}),
        );
        assert_eq!(failed(&bad), ["6.1.3"]);
        let good = document(
            json!({}),
            json!({"product_tree": {
            "full_product_names": [{"name": "A", "product_id": "A"}, {"name": "B", "product_id": "B"}],
            "relationships": [{"category": "installed_on", "product_reference": "A", "relates_to_product_reference": "B",
                               "full_product_name": {"name": "A on B", "product_id": "R"}}]}}),
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_4_missing_group_definition() {
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] = json!([{"threats": [{"category": "exploit_status", "details": "x", "group_ids": ["NOPE"]}]}]);
        assert_eq!(failed(&bad), ["6.1.4"]);
        bad["vulnerabilities"][0]["threats"][0]["group_ids"] = json!(["G"]);
        assert!(failed(&bad).is_empty());
    }

    #[test]
    fn test_6_1_5_multiple_group_definition() {
        let mut bad = document(json!({}), tree());
        bad["product_tree"]["product_groups"] = json!([{"group_id": "G", "product_ids": ["A", "B"]}, {"group_id": "G", "product_ids": ["A", "C"]}]);
        assert_eq!(failed(&bad), ["6.1.5"]);
        bad["product_tree"]["product_groups"][1]["group_id"] = json!("H");
        assert!(failed(&bad).is_empty());
    }

    #[test]
    fn test_6_1_6_contradicting_product_status() {
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] =
            json!([{"product_status": {"known_affected": ["A"], "known_not_affected": ["A"]}}]);
        assert_eq!(failed(&bad), ["6.1.6"]);
        bad["vulnerabilities"] = json!([{"product_status": {"known_affected": ["A"], "last_affected": ["A"], "known_not_affected": ["B"], "recommended": ["A"]}}]);
        assert!(failed(&bad).is_empty());
    }

    #[test]
    fn test_6_1_7_multiple_scores_of_one_version() {
        let score = |vector: &str, base: f64, severity: &str| json!({"products": ["A"], "cvss_v3": {"version": "3.1", "vectorString": vector, "baseScore": base, "baseSeverity": severity}});
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] = json!([{"scores": [
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "CRITICAL"),
            score("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", 6.5, "MEDIUM")]}]);
        assert_eq!(failed(&bad), ["6.1.7"]);
        bad["vulnerabilities"][0]["scores"][1]["products"] = json!(["B"]);
        assert!(failed(&bad).is_empty());
    }
}
