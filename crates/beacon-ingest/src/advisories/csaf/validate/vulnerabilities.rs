//! Remediations and flags: 6.1.29 and 6.1.32 (each names products or groups) and 6.1.33
//! (a product has at most one VEX justification per vulnerability, groups included).

use super::tree::Tree;
use super::{Failures, indexed, string, strings};
use serde_json::Value;
use std::collections::HashMap;

/// The VEX justification codes of CSAF 2.0 section 3.2.3.5.
const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "inline_mitigations_already_exist",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_not_present",
];

/// Runs 6.1.29, 6.1.32 and 6.1.33.
pub(super) fn check(document: &Value, tree: &Tree<'_>, failures: &mut Failures) {
    for (v, vulnerability) in indexed(document, "vulnerabilities") {
        let names_products =
            |item: &Value| item.get("product_ids").is_some() || item.get("group_ids").is_some();
        for (r, remediation) in indexed(vulnerability, "remediations") {
            if !names_products(remediation) {
                failures.add(
                    "6.1.29",
                    format!("/vulnerabilities/{v}/remediations/{r}"),
                    "the remediation names no products (product_ids or group_ids)",
                );
            }
        }
        let mut justified: HashMap<&str, usize> = HashMap::new();
        for (f, flag) in indexed(vulnerability, "flags") {
            if !names_products(flag) {
                failures.add(
                    "6.1.32",
                    format!("/vulnerabilities/{v}/flags/{f}"),
                    "the flag names no products (product_ids or group_ids)",
                );
            }
            if !string(flag, "label").is_some_and(|label| JUSTIFICATIONS.contains(&label)) {
                continue;
            }
            let mut products: Vec<&str> = strings(flag, "product_ids").map(|(_, id)| id).collect();
            for (_, group) in strings(flag, "group_ids") {
                products.extend(tree.members(group));
            }
            products.sort_unstable();
            products.dedup();
            for product in products {
                if let Some(first) = justified.insert(product, f) {
                    failures.add(
                        "6.1.33",
                        format!("/vulnerabilities/{v}/flags/{f}"),
                        format!("the product '{product}' already has a VEX justification in flag {first}"),
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
    fn test_6_1_29_remediation_without_products() {
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] =
            json!([{"remediations": [{"category": "no_fix_planned", "details": "EOL"}]}]);
        assert_eq!(failed(&bad), ["6.1.29"]);
        bad["vulnerabilities"][0]["remediations"][0]["product_ids"] = json!(["A"]);
        assert!(failed(&bad).is_empty());
    }

    #[test]
    fn test_6_1_32_flag_without_products() {
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] = json!([{"flags": [{"label": "component_not_present"}]}]);
        assert_eq!(failed(&bad), ["6.1.32"]);
        bad["vulnerabilities"][0]["flags"][0]["group_ids"] = json!(["G"]);
        assert!(failed(&bad).is_empty());
    }

    #[test]
    fn test_6_1_33_multiple_justifications_per_product() {
        let mut bad = document(json!({}), tree());
        bad["vulnerabilities"] = json!([{"flags": [
            {"label": "component_not_present", "group_ids": ["G"]},
            {"label": "vulnerable_code_cannot_be_controlled_by_adversary", "product_ids": ["A"]}]}]);
        assert_eq!(failed(&bad), ["6.1.33"]);
        bad["vulnerabilities"][0]["flags"][1]["product_ids"] = json!(["C"]);
        assert!(failed(&bad).is_empty());
    }
}
