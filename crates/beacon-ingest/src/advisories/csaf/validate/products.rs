//! Tests on full product names and branches: 6.1.13 (purls are valid), 6.1.25 (one hash
//! of each algorithm per file) and 6.1.31 (no version ranges in `product_version`).

use super::super::purl;
use super::tree::Tree;
use super::{Failures, indexed, string};
use std::collections::HashSet;

/// Words that make a `product_version` branch name a range, per 6.1.31.
const RANGE_WORDS: [&str; 11] = [
    "<", "<=", ">", ">=", "after", "all", "before", "earlier", "later", "prior", "versions",
];

/// Runs 6.1.13, 6.1.25 and 6.1.31.
pub(super) fn check(tree: &Tree<'_>, failures: &mut Failures) {
    for product in &tree.products {
        let Some(helper) = product.value.get("product_identification_helper") else {
            continue;
        };
        let helper_path = format!("{}/product_identification_helper", product.path);
        if let Some(value) = string(helper, "purl")
            && let Err(reason) = purl::check(value)
        {
            failures.add(
                "6.1.13",
                format!("{helper_path}/purl"),
                format!("'{value}' is not a valid purl: {reason}"),
            );
        }
        for (h, hash) in indexed(helper, "hashes") {
            let mut seen = HashSet::new();
            for (f, file_hash) in indexed(hash, "file_hashes") {
                if let Some(algorithm) = string(file_hash, "algorithm")
                    && !seen.insert(algorithm.to_ascii_lowercase())
                {
                    failures.add(
                        "6.1.25",
                        format!("{helper_path}/hashes/{h}/file_hashes/{f}"),
                        format!(
                            "the hash algorithm '{algorithm}' is used more than once for one file"
                        ),
                    );
                }
            }
        }
    }
    for branch in &tree.branches {
        if string(branch.value, "category") != Some("product_version") {
            continue;
        }
        let name = string(branch.value, "name").unwrap_or("");
        let lower = name.to_lowercase();
        if let Some(word) = RANGE_WORDS.iter().find(|word| lower.contains(*word)) {
            failures.add(
                "6.1.31",
                format!("{}/name", branch.path),
                format!("the product version '{name}' reads as a range ('{word}'); use product_version_range"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed};
    use serde_json::json;

    fn with_product(helper: serde_json::Value) -> serde_json::Value {
        document(
            json!({}),
            json!({"product_tree": {"full_product_names": [
            {"name": "Product A", "product_id": "A", "product_identification_helper": helper}]}}),
        )
    }

    #[test]
    fn test_6_1_13_purl() {
        assert_eq!(
            failed(&with_product(json!({"purl": "pkg:maven/@1.3.4"}))),
            ["6.1.13"]
        );
        assert!(
            failed(&with_product(
                json!({"purl": "pkg:maven/org.example/a@1.3.4"})
            ))
            .is_empty()
        );
    }

    #[test]
    fn test_6_1_25_multiple_use_of_a_hash_algorithm() {
        let hashes = |second: &str| {
            json!({"hashes": [{"filename": "a.so", "file_hashes": [
            {"algorithm": "sha256", "value": "026a37919b182ef7c63791e82c9645e2f897a3f0b73c7a6028c7febf62e93838"},
            {"algorithm": second, "value": "0a853ce2337f0608489ac596a308dc5b7b19d35a52b10bf31261586ac368b175"}]}]})
        };
        assert_eq!(failed(&with_product(hashes("sha256"))), ["6.1.25"]);
        assert!(failed(&with_product(hashes("sha512"))).is_empty());
    }

    #[test]
    fn test_6_1_31_version_range_in_product_version() {
        let branch = |name: &str| {
            document(
                json!({}),
                json!({"product_tree": {"branches": [
            {"category": "vendor", "name": "V", "branches": [{"category": "product_name", "name": "P", "branches": [
                {"category": "product_version", "name": name, "product": {"name": "V P", "product_id": "A"}}]}]}]}}),
            )
        };
        assert_eq!(failed(&branch("prior to 4.2")), ["6.1.31"]);
        assert!(failed(&branch("4.2")).is_empty());
    }
}
