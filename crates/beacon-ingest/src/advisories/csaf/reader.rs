//! A lenient CSAF reader: walks the document as JSON values, so a document missing
//! optional parts (or failing mandatory tests) is still read into one advisory.
//!
//! Product status maps to applicability per vulnerability: `known_affected`,
//! `first_affected`, `last_affected` and `under_investigation` products each give an
//! [`Applicability`] (their groups, for the vulnerability's CVE); `fixed`, `first_fixed`
//! and `known_not_affected` products give `not_affected` criteria (for a relationship
//! product, its component's criteria). Both are deduplicated, and applicabilities with
//! the same groups are merged with their CVEs joined.

use super::super::text::{collapse_space, parse_time};
use super::super::{AdvisoryContext, AdvisoryRecord, sha256_hex};
use super::products::Products;
use super::validate::validate;
use beacon_core::advisory::parse_cve;
use beacon_core::{Advisory, AdvisorySource, Applicability, Criterion, Priority, RejectedRow, Tlp};
use serde_json::Value;

/// Statuses that make a product a match target.
const AFFECTED: [&str; 4] = [
    "known_affected",
    "first_affected",
    "last_affected",
    "under_investigation",
];

/// Statuses that say a product is fine.
const NOT_AFFECTED: [&str; 3] = ["fixed", "first_fixed", "known_not_affected"];

/// Reads a parsed CSAF document (its `document` is an object) into its one record.
pub(crate) fn read(document: &Value, bytes: &[u8], context: &AdvisoryContext) -> AdvisoryRecord {
    let text = |pointer: &str| {
        document
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(collapse_space)
            .unwrap_or_default()
    };
    let key = text("/document/tracking/id");
    if key.is_empty() {
        return AdvisoryRecord::Rejected(RejectedRow {
            line: 1,
            reason: "the CSAF document has no /document/tracking/id, so it cannot be told apart from others".to_owned(),
            raw: String::from_utf8_lossy(&bytes[..bytes.len().min(16 * 1024)]).into_owned(),
        });
    }
    let vulnerabilities: Vec<&Value> = items(document, "/vulnerabilities").collect();
    let products = Products::of(document);
    let mut cves = Vec::new();
    let mut applicability: Vec<Applicability> = Vec::new();
    let mut not_affected: Vec<Criterion> = Vec::new();
    let mut actions: Vec<String> = Vec::new();
    let mut cvss: Option<u8> = None;
    for vulnerability in &vulnerabilities {
        let cve = vulnerability
            .get("cve")
            .and_then(Value::as_str)
            .and_then(parse_cve);
        if let Some(cve) = &cve
            && !cves.contains(cve)
        {
            cves.push(cve.clone());
        }
        for status in AFFECTED {
            for id in ids(vulnerability, status) {
                if let Some(groups) = products.groups(id) {
                    add_applicability(&mut applicability, groups.clone(), cve.clone());
                }
            }
        }
        for status in NOT_AFFECTED {
            for id in ids(vulnerability, status) {
                let component = products.groups(id).and_then(|groups| groups.first());
                for criterion in component.into_iter().flatten() {
                    if !not_affected.contains(criterion) {
                        not_affected.push(criterion.clone());
                    }
                }
            }
        }
        for remediation in items(vulnerability, "/remediations") {
            if let Some(details) = remediation.get("details").and_then(Value::as_str) {
                let details = collapse_space(details);
                if !details.is_empty() && !actions.contains(&details) {
                    actions.push(details);
                }
            }
        }
        for score in items(vulnerability, "/scores") {
            if let Some(base) = score.pointer("/cvss_v3/baseScore").and_then(Value::as_f64)
                && (0.0..=10.0).contains(&base)
            {
                let tenths = (base * 10.0).round() as u8;
                cvss = Some(cvss.map_or(tenths, |best| best.max(tenths)));
            }
        }
    }
    let priority = match cvss {
        Some(score) if score >= 90 => Priority::Urgent,
        Some(score) if score >= 70 => Priority::High,
        _ if vulnerabilities.is_empty() => Priority::Routine,
        _ => Priority::Normal,
    };
    let tlp = document
        .pointer("/document/distribution/tlp/label")
        .and_then(Value::as_str)
        .and_then(|label| label.parse::<Tlp>().ok())
        .unwrap_or(context.default_tlp);
    let url = items(document, "/document/references")
        .find(|reference| reference.get("category").and_then(Value::as_str) == Some("self"))
        .and_then(|reference| reference.get("url").and_then(Value::as_str))
        .map(str::to_owned);
    let advisory = Advisory {
        source: AdvisorySource::Csaf,
        key,
        revision: text("/document/tracking/version"),
        revised_at: parse_time(&text("/document/tracking/current_release_date")),
        published_at: parse_time(&text("/document/tracking/initial_release_date")),
        title: text("/document/title"),
        summary: summary(document, &vulnerabilities),
        action: actions.join("\n"),
        tlp,
        priority,
        cves,
        url,
        due: None,
        ransomware: false,
        cvss_tenths: cvss,
        applicability,
        not_affected,
    };
    AdvisoryRecord::Advisory {
        advisory: Box::new(advisory),
        record: 1,
        failures: validate(document),
        raw_sha256: sha256_hex(bytes),
    }
}

/// Adds a product's groups for a CVE, merging with an applicability of the same groups.
fn add_applicability(
    applicability: &mut Vec<Applicability>,
    all_of: Vec<Vec<Criterion>>,
    cve: Option<String>,
) {
    if let Some(existing) = applicability.iter_mut().find(|a| a.all_of == all_of) {
        if let Some(cve) = cve
            && !existing.cves.contains(&cve)
        {
            existing.cves.push(cve);
        }
        return;
    }
    applicability.push(Applicability {
        all_of,
        cves: cve.into_iter().collect(),
    });
}

/// The document's summary notes, else its description notes, else the first
/// vulnerability's; plain text with white space collapsed.
fn summary(document: &Value, vulnerabilities: &[&Value]) -> String {
    let notes_of = |notes: Vec<&Value>, category: &str| {
        notes
            .into_iter()
            .filter(|note| note.get("category").and_then(Value::as_str) == Some(category))
            .filter_map(|note| note.get("text").and_then(Value::as_str))
            .map(collapse_space)
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut sources = vec![items(document, "/document/notes").collect::<Vec<_>>()];
    sources.extend(
        vulnerabilities
            .iter()
            .map(|vulnerability| items(vulnerability, "/notes").collect::<Vec<_>>()),
    );
    for notes in sources {
        for category in ["summary", "description"] {
            let text = notes_of(notes.clone(), category);
            if !text.is_empty() {
                return text;
            }
        }
    }
    String::new()
}

/// The product ids in `product_status/<status>`.
fn ids<'a>(vulnerability: &'a Value, status: &str) -> impl Iterator<Item = &'a str> {
    vulnerability
        .get("product_status")
        .and_then(|s| s.get(status))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The items of the array at a JSON pointer (none when absent).
fn items<'a>(value: &'a Value, pointer: &str) -> impl Iterator<Item = &'a Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}
