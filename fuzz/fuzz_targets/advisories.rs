//! Fuzz target: arbitrary bytes through every registered advisory format, and through the
//! CSAF mandatory tests when they are JSON, never panic; every record's number is at
//! least 1, and every failed test names a JSON pointer and a reason.
#![no_main]

use beacon_core::Tlp;
use beacon_ingest::advisories::{self, AdvisoryContext, AdvisoryRecord};
use libfuzzer_sys::fuzz_target;

/// Starts of real documents, so mutated bytes reach the readers' inner parts.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2.0\",\"tracking\":{\"id\":\"X\",\"version\":\"1\",\"revision_history\":[",
    b"{\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"V\",\"branches\":[",
    b"{\"title\":\"CISA Catalog\",\"vulnerabilities\":[{\"cveID\":\"CVE-2024-0001\",",
    b"{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2023-1\",\"configurations\":[{\"operator\":\"AND\",\"nodes\":[",
    b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut input = PREFIXES[usize::from(selector) % PREFIXES.len()].to_vec();
    input.extend_from_slice(rest);
    let context = AdvisoryContext {
        file_name: "fuzz.json".to_owned(),
        default_tlp: Tlp::Clear,
        observed_at: time::macros::datetime!(2026-01-01 00:00 UTC),
    };
    for format in advisories::registry() {
        let _ = format.detect("fuzz.json", &input);
        if let Ok(records) = format.parse(&input, &context) {
            for record in records {
                let number = match &record {
                    AdvisoryRecord::Advisory { record, .. }
                    | AdvisoryRecord::Skipped { record, .. } => *record,
                    AdvisoryRecord::Rejected(row) => row.line,
                    AdvisoryRecord::Note(_) => continue,
                };
                assert!(number >= 1, "{}: record {number}", format.name());
            }
        }
    }
    if let Ok(document) = serde_json::from_slice::<serde_json::Value>(&input) {
        for failure in advisories::csaf::validate(&document) {
            assert!(failure.test.starts_with("6.1."), "{failure:?}");
            assert!(
                failure.path.is_empty() || failure.path.starts_with('/'),
                "{failure:?}"
            );
            assert!(!failure.reason.is_empty(), "{failure:?}");
        }
    }
});
