//! NVD CVE records in the CVE API 2.0 form: one CVE object (`{"id": "CVE-…", …}`), one
//! wrapped (`{"cve": {…}}`), or an API response (`{"vulnerabilities": [{"cve": {…}}]}`).
//!
//! Configurations become applicability as follows:
//! - a configuration with `operator: "AND"` is **one** [`Applicability`] whose groups are
//!   its nodes' groups (vulnerable firmware AND the hardware it runs on);
//! - a configuration with `operator: "OR"` or without an operator has its nodes ORed, so
//!   each node is an [`Applicability`] of its own;
//! - a node with `operator: "OR"` (or none) is one group of its `cpeMatch` entries; a node
//!   with `operator: "AND"` needs every entry, so each entry is a group of its own;
//! - each `cpeMatch` is a [`Criterion`] with a CPE pattern, the version bounds from
//!   `versionStartIncluding` … `versionEndExcluding`, and its `vulnerable` flag.
//!
//! A node with `negate: true` ("not running on …") cannot be said in Beacon's model, so
//! its whole configuration is left out and a [`AdvisoryRecord::Note`] says so; matching
//! it without the negation would alert the very partners it excludes.

use super::text::{collapse_space, cut_short, parse_date, parse_time};
use super::{
    AdvisoryContext, AdvisoryError, AdvisoryFormat, AdvisoryRecord, head_text, parse_json,
    sha256_hex,
};
use beacon_core::advisory::parse_cve;
use beacon_core::{
    Advisory, AdvisorySource, Applicability, Criterion, Priority, ProductPattern, RejectedRow, Tlp,
    VersionBounds,
};
use serde_json::Value;

/// The NVD CVE API 2.0 format (`--format nvd`).
pub struct Nvd;

/// How long a title made from a description may be.
const TITLE_CHARACTERS: usize = 120;

impl AdvisoryFormat for Nvd {
    fn name(&self) -> &'static str {
        "nvd"
    }

    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let head = head_text(head);
        if !head.starts_with('{') || head.contains("\"csaf_version\"") || head.contains("\"cveID\"")
        {
            return false;
        }
        head.contains("\"NVD_CVE\"")
            || (head.contains("\"vulnerabilities\"") && head.contains("\"cve\""))
            || (head.contains("\"id\"")
                && head.contains("\"CVE-")
                && (head.contains("\"configurations\"")
                    || head.contains("\"sourceIdentifier\"")
                    || head.contains("\"descriptions\"")
                    || head.contains("\"vulnStatus\"")))
    }

    fn parse(
        &self,
        bytes: &[u8],
        _context: &AdvisoryContext,
    ) -> Result<Vec<AdvisoryRecord>, AdvisoryError> {
        let root = parse_json("nvd", bytes)?;
        let cves: Vec<&Value> = if let Some(list) = root.get("vulnerabilities") {
            list.as_array()
                .ok_or_else(|| AdvisoryError::new("nvd", "'vulnerabilities' is not a list"))?
                .iter()
                .map(|item| item.get("cve").unwrap_or(item))
                .collect()
        } else if let Some(cve) = root.get("cve") {
            vec![cve]
        } else if root.get("id").is_some() {
            vec![&root]
        } else {
            return Err(AdvisoryError::new(
                "nvd",
                "this is neither a CVE record nor an NVD API response",
            ));
        };
        let mut records = Vec::new();
        for (index, cve) in cves.into_iter().enumerate() {
            let record = index as u64 + 1;
            let raw = serde_json::to_string(cve).unwrap_or_default();
            let status = cve.get("vulnStatus").and_then(Value::as_str).unwrap_or("");
            if status.eq_ignore_ascii_case("rejected") {
                records.push(AdvisoryRecord::Skipped {
                    record,
                    reason: "the CVE record is rejected".to_owned(),
                });
                continue;
            }
            match read_cve(cve) {
                Ok((advisory, notes)) => {
                    records.push(AdvisoryRecord::Advisory {
                        advisory: Box::new(advisory),
                        record,
                        failures: Vec::new(),
                        raw_sha256: sha256_hex(raw.as_bytes()),
                    });
                    records.extend(notes.into_iter().map(AdvisoryRecord::Note));
                }
                Err(reason) => records.push(AdvisoryRecord::Rejected(RejectedRow {
                    line: record,
                    reason,
                    raw: raw.chars().take(16 * 1024).collect(),
                })),
            }
        }
        Ok(records)
    }
}

/// One CVE object as an advisory, with notes about configurations left out.
fn read_cve(cve: &Value) -> Result<(Advisory, Vec<String>), String> {
    let text = |key: &str| cve.get(key).and_then(Value::as_str).unwrap_or("").trim();
    let id = parse_cve(text("id")).ok_or_else(|| format!("'{}' is not a CVE id", text("id")))?;
    let last_modified = text("lastModified");
    let revised_at = parse_time(last_modified);
    if !last_modified.is_empty() && revised_at.is_none() {
        return Err(format!("lastModified '{last_modified}' is not a time"));
    }
    let summary = cve
        .get("descriptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|d| {
            d.get("lang")
                .and_then(Value::as_str)
                .is_some_and(|lang| lang.to_ascii_lowercase().starts_with("en"))
        })
        .and_then(|d| d.get("value"))
        .and_then(Value::as_str)
        .map(collapse_space)
        .unwrap_or_default();
    let title = match text("cisaVulnerabilityName") {
        "" if summary.is_empty() => id.clone(),
        "" => cut_short(&summary, TITLE_CHARACTERS),
        name => collapse_space(name),
    };
    let cvss_tenths = highest_cvss(cve);
    let exploited = !text("cisaExploitAdd").is_empty();
    let priority = match cvss_tenths {
        Some(score) if score >= 90 => Priority::Urgent,
        Some(score) if score >= 70 => Priority::High,
        _ if exploited => Priority::High,
        _ => Priority::Normal,
    };
    let mut notes = Vec::new();
    let mut applicability = Vec::new();
    for (index, configuration) in cve
        .get("configurations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        match read_configuration(configuration, &id) {
            Some(found) => applicability.extend(found),
            None => notes.push(format!(
                "{id}: configuration {} has a negated node ('not running on'), which Beacon \
                 cannot match; it was left out",
                index + 1
            )),
        }
    }
    applicability.dedup();
    let advisory = Advisory {
        source: AdvisorySource::Nvd,
        key: id.clone(),
        revision: last_modified.to_owned(),
        revised_at,
        published_at: parse_time(text("published")),
        title,
        summary,
        action: collapse_space(text("cisaRequiredAction")),
        tlp: Tlp::Clear,
        priority,
        cves: vec![id.clone()],
        url: Some(format!("https://nvd.nist.gov/vuln/detail/{id}")),
        due: parse_date(text("cisaActionDue")),
        ransomware: false,
        cvss_tenths,
        applicability,
        not_affected: Vec::new(),
    };
    Ok((advisory, notes))
}

/// The highest CVSS v3.x base score, in tenths.
fn highest_cvss(cve: &Value) -> Option<u8> {
    let metrics = cve.get("metrics")?;
    ["cvssMetricV31", "cvssMetricV30"]
        .iter()
        .filter_map(|key| metrics.get(key).and_then(Value::as_array))
        .flatten()
        .filter_map(|metric| {
            metric
                .pointer("/cvssData/baseScore")
                .and_then(Value::as_f64)
        })
        .filter(|score| (0.0..=10.0).contains(score))
        .map(|score| (score * 10.0).round() as u8)
        .max()
}

/// One configuration as applicability (see the module's documentation), or `None` when
/// a node is negated.
fn read_configuration(configuration: &Value, cve: &str) -> Option<Vec<Applicability>> {
    let nodes: Vec<&Value> = configuration
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if nodes
        .iter()
        .any(|node| node.get("negate").and_then(Value::as_bool) == Some(true))
    {
        return None;
    }
    let and = configuration.get("operator").and_then(Value::as_str) == Some("AND");
    let node_groups: Vec<Vec<Vec<Criterion>>> =
        nodes.iter().map(|node| node_groups(node)).collect();
    let cves = vec![cve.to_owned()];
    let found: Vec<Applicability> = if and {
        let all_of: Vec<Vec<Criterion>> = node_groups.into_iter().flatten().collect();
        vec![Applicability { all_of, cves }]
    } else {
        node_groups
            .into_iter()
            .map(|all_of| Applicability {
                all_of,
                cves: cves.clone(),
            })
            .collect()
    };
    Some(
        found
            .into_iter()
            .filter(|applicability| {
                !applicability.all_of.is_empty()
                    && applicability.all_of.iter().all(|group| !group.is_empty())
            })
            .collect(),
    )
}

/// A node's groups: one of all its entries (OR), or one per entry (AND).
fn node_groups(node: &Value) -> Vec<Vec<Criterion>> {
    let criteria: Vec<Criterion> = node
        .get("cpeMatch")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(criterion)
        .collect();
    if node.get("operator").and_then(Value::as_str) == Some("AND") {
        criteria.into_iter().map(|c| vec![c]).collect()
    } else if criteria.is_empty() {
        Vec::new()
    } else {
        vec![criteria]
    }
}

/// One `cpeMatch` entry as a criterion.
fn criterion(entry: &Value) -> Option<Criterion> {
    let cpe = entry.get("criteria").and_then(Value::as_str)?.trim();
    if cpe.is_empty() {
        return None;
    }
    let bound = |key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Some(Criterion {
        pattern: ProductPattern::Cpe {
            cpe: cpe.to_owned(),
        },
        versions: VersionBounds {
            start_including: bound("versionStartIncluding"),
            start_excluding: bound("versionStartExcluding"),
            end_including: bound("versionEndIncluding"),
            end_excluding: bound("versionEndExcluding"),
            vers: None,
            exact: None,
        },
        vulnerable: entry
            .get("vulnerable")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        label: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn parse(json: &str) -> Vec<AdvisoryRecord> {
        let context = AdvisoryContext {
            file_name: "nvd.json".into(),
            default_tlp: Tlp::Clear,
            observed_at: datetime!(2025-01-01 00:00 UTC),
        };
        Nvd.parse(json.as_bytes(), &context).expect("parses")
    }

    fn first(records: &[AdvisoryRecord]) -> &Advisory {
        match records.first() {
            Some(AdvisoryRecord::Advisory { advisory, .. }) => advisory,
            other => panic!("not an advisory: {other:?}"),
        }
    }

    #[test]
    fn an_api_response_with_or_nodes_and_scores() {
        let records = parse(
            r#"{"format": "NVD_CVE", "vulnerabilities": [{"cve": {
              "id": "CVE-2021-44228", "lastModified": "2024-01-01T00:00:00.000",
              "descriptions": [{"lang": "es", "value": "No"}, {"lang": "en", "value": "Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints."}],
              "metrics": {"cvssMetricV31": [{"cvssData": {"baseScore": 10.0}}], "cvssMetricV2": [{"cvssData": {"baseScore": 9.3}}]},
              "configurations": [{"nodes": [
                 {"operator": "OR", "cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.0.1", "versionEndExcluding": "2.12.2"}]},
                 {"operator": "AND", "cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"}, {"vulnerable": false, "criteria": "cpe:2.3:o:x:z:-:*:*:*:*:*:*:*"}]}
              ]}]}}, {"cve": {"id": "CVE-2020-1", "vulnStatus": "Analyzed"}}, {"cve": {"id": "CVE-2019-0001", "vulnStatus": "Rejected"}}]}"#,
        );
        let advisory = first(&records);
        assert_eq!(advisory.cvss_tenths, Some(100));
        assert_eq!(advisory.priority, Priority::Urgent);
        assert!(advisory.title.starts_with("Apache Log4j2 JNDI features"));
        assert_eq!(
            advisory.applicability.len(),
            2,
            "OR configuration: one per node"
        );
        assert_eq!(advisory.applicability[0].all_of.len(), 1);
        assert_eq!(
            advisory.applicability[1].all_of.len(),
            2,
            "AND node: one group per entry"
        );
        assert!(matches!(&records[1], AdvisoryRecord::Rejected(row) if row.line == 2));
        assert!(matches!(
            &records[2],
            AdvisoryRecord::Skipped { record: 3, .. }
        ));
    }

    #[test]
    fn a_negated_node_leaves_its_configuration_out_with_a_note() {
        let records = parse(
            r#"{"cve": {"id": "CVE-2022-0001", "configurations": [
              {"operator": "AND", "nodes": [{"cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:a:b:*:*:*:*:*:*:*:*"}]},
                                           {"negate": true, "cpeMatch": [{"vulnerable": false, "criteria": "cpe:2.3:o:c:d:*:*:*:*:*:*:*:*"}]}]},
              {"nodes": [{"cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:a:e:f:1.0:*:*:*:*:*:*:*"}]}]}]}}"#,
        );
        let advisory = first(&records);
        assert_eq!(advisory.applicability.len(), 1);
        assert!(
            matches!(&records[1], AdvisoryRecord::Note(note) if note.contains("configuration 1"))
        );
        assert_eq!(advisory.priority, Priority::Normal);
        assert_eq!(advisory.title, "CVE-2022-0001");
    }
}
