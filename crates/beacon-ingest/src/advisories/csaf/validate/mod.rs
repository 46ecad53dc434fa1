//! The mandatory tests of CSAF 2.0 (section 6.1): each failure names its test, the JSON
//! pointer of the offending value and the reason in plain words.
//!
//! Every test of 6.1.1 to 6.1.33 (with the profile tests 6.1.27.1 to 6.1.27.11) is
//! implemented; two are approximated because they need registries Beacon does not ship:
//! 6.1.11 (CWE) checks the id's form and knows the names of only a short list of common
//! CWEs, and 6.1.12 (language) checks the BCP 47 structure and that a two-letter primary
//! language is an ISO 639-1 code, without the full IANA subtag registry. The JSON schema
//! itself is not checked here; tests read what they need leniently and skip what is
//! missing, as the schema would report it.

mod cvss;
mod document;
mod ids;
mod language;
mod products;
mod profiles;
mod revisions;
mod tree;
mod vulnerabilities;

use beacon_core::ValidationFailure;
use serde_json::Value;

/// Runs every mandatory test of CSAF 2.0 section 6.1 on a document, returning the
/// failures in test order (empty for a document that passes them all), so a reader can
/// keep a flawed advisory and say what is wrong with it.
pub fn validate(document: &Value) -> Vec<ValidationFailure> {
    let mut failures = Failures::default();
    let tree = tree::Tree::of(document);
    ids::check(document, &tree, &mut failures);
    cvss::check(document, &mut failures);
    document::check(document, &mut failures);
    language::check(document, &mut failures);
    products::check(&tree, &mut failures);
    revisions::check(document, &mut failures);
    profiles::check(document, &tree, &mut failures);
    vulnerabilities::check(document, &tree, &mut failures);
    let mut found = failures.0;
    found.sort_by_key(|failure| test_order(&failure.test));
    found
}

/// The failures found so far.
#[derive(Debug, Default)]
pub(super) struct Failures(Vec<ValidationFailure>);

impl Failures {
    /// Records a failure of `test` at `path`.
    pub(super) fn add(&mut self, test: &str, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(ValidationFailure {
            test: test.to_owned(),
            path: path.into(),
            reason: reason.into(),
        });
    }
}

/// A test number's parts, for sorting `6.1.9` before `6.1.10`.
fn test_order(test: &str) -> Vec<u32> {
    test.split('.')
        .map(|part| part.parse().unwrap_or(u32::MAX))
        .collect()
}

/// The items of the array at `key`, with their indexes (none when absent).
pub(super) fn indexed<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// The string items of the array at `key`, with their indexes.
pub(super) fn strings<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a str)> {
    indexed(value, key).filter_map(|(index, item)| item.as_str().map(|s| (index, s)))
}

/// The string at `key`, if any.
pub(super) fn string<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

#[cfg(test)]
pub(super) mod testing {
    //! Helpers for the per-test unit tests: a minimal document around a fragment.

    use serde_json::{Value, json};

    /// A minimal valid `csaf_base` document with `extra` merged in at the top level and
    /// `document_extra` merged into `/document`.
    pub(crate) fn document(document_extra: Value, extra: Value) -> Value {
        let mut document = json!({
            "document": {
                "category": "csaf_base",
                "csaf_version": "2.0",
                "publisher": {"category": "other", "name": "Test", "namespace": "https://example.org"},
                "title": "Test document",
                "tracking": {
                    "current_release_date": "2024-01-02T00:00:00Z",
                    "id": "TEST-1",
                    "initial_release_date": "2024-01-01T00:00:00Z",
                    "revision_history": [{"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "Initial"}],
                    "status": "final",
                    "version": "1"
                }
            }
        });
        merge(&mut document["document"], document_extra);
        merge(&mut document, extra);
        document
    }

    fn merge(target: &mut Value, extra: Value) {
        if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
            for (key, value) in extra {
                match (target.get_mut(&key), value) {
                    (Some(existing @ Value::Object(_)), value @ Value::Object(_)) => {
                        merge(existing, value)
                    }
                    (_, value) => {
                        target.insert(key, value);
                    }
                }
            }
        }
    }

    /// The tests a document fails, in order, without repeats.
    pub(crate) fn failed(document: &Value) -> Vec<String> {
        let mut tests: Vec<String> = super::validate(document)
            .into_iter()
            .map(|f| f.test)
            .collect();
        tests.dedup();
        tests
    }

    /// Products A, B and C in full product names, with group G of A and B.
    pub(crate) fn tree() -> Value {
        json!({"product_tree": {
            "full_product_names": [
                {"name": "Product A", "product_id": "A"},
                {"name": "Product B", "product_id": "B"},
                {"name": "Product C", "product_id": "C"}
            ],
            "product_groups": [{"group_id": "G", "product_ids": ["A", "B"]}]
        }})
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{document, failed};
    use serde_json::json;

    #[test]
    fn the_minimal_document_passes_and_failures_come_in_test_order() {
        assert!(failed(&document(json!({}), json!({}))).is_empty());
        let bad = document(
            json!({"lang": "EZ", "tracking": {"version": "2"}}),
            json!({"vulnerabilities": [{"cve": "CVE-2024-0001", "remediations": [{"category": "workaround", "details": "x"}]},
                                        {"cve": "CVE-2024-0001"}]}),
        );
        assert_eq!(failed(&bad), ["6.1.12", "6.1.16", "6.1.23", "6.1.29"]);
    }
}
