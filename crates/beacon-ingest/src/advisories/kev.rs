//! CISA's Known Exploited Vulnerabilities catalogue (JSON): one advisory per entry.
//!
//! Every entry is exploited in the wild, so each is at least high priority, and urgent
//! when CISA knows it is used in ransomware campaigns. The catalogue names products only
//! by vendor and product, so each advisory has one loosely matched, vulnerable criterion.
//! An entry without a usable CVE id, vendor, product or dates is rejected with its record
//! number and raw JSON, never dropped.

use super::text::{collapse_space, parse_date};
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

/// The KEV catalogue format (`--format kev`).
pub struct Kev;

/// The longest raw text kept for a rejected entry.
const RAW_LIMIT: usize = 16 * 1024;

impl AdvisoryFormat for Kev {
    fn name(&self) -> &'static str {
        "kev"
    }

    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let head = head_text(head);
        head.starts_with('{')
            && head.contains("\"vulnerabilities\"")
            && (head.contains("\"catalogVersion\"") || head.contains("\"cveID\""))
    }

    fn parse(
        &self,
        bytes: &[u8],
        _context: &AdvisoryContext,
    ) -> Result<Vec<AdvisoryRecord>, AdvisoryError> {
        let root = parse_json("kev", bytes)?;
        let entries = root
            .get("vulnerabilities")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                AdvisoryError::new("kev", "the catalogue has no 'vulnerabilities' list")
            })?;
        let mut records = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let record = index as u64 + 1;
            let raw = serde_json::to_string(entry).unwrap_or_default();
            records.push(match read_entry(entry) {
                Ok(advisory) => AdvisoryRecord::Advisory {
                    advisory: Box::new(advisory),
                    record,
                    failures: Vec::new(),
                    raw_sha256: sha256_hex(raw.as_bytes()),
                },
                Err(reasons) => AdvisoryRecord::Rejected(RejectedRow {
                    line: record,
                    reason: reasons.join("; "),
                    raw: cut_raw(raw),
                }),
            });
        }
        if let Some(count) = root.get("count").and_then(Value::as_u64)
            && count != entries.len() as u64
        {
            records.push(AdvisoryRecord::Note(format!(
                "the catalogue says it holds {count} entries but lists {}",
                entries.len()
            )));
        }
        Ok(records)
    }
}

/// One catalogue entry as an advisory, or everything wrong with it.
fn read_entry(entry: &Value) -> Result<Advisory, Vec<String>> {
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .map(collapse_space)
            .unwrap_or_default()
    };
    let mut reasons = Vec::new();
    let raw_cve = text("cveID");
    let cve = parse_cve(&raw_cve);
    if cve.is_none() {
        reasons.push(if raw_cve.is_empty() {
            "the entry has no cveID".to_owned()
        } else {
            format!("cveID '{raw_cve}' is not a CVE id")
        });
    }
    let added = text("dateAdded");
    if parse_date(&added).is_none() {
        reasons.push(format!("dateAdded '{added}' is not a date (YYYY-MM-DD)"));
    }
    let due_text = text("dueDate");
    let due = parse_date(&due_text);
    if due.is_none() && !due_text.is_empty() {
        reasons.push(format!("dueDate '{due_text}' is not a date (YYYY-MM-DD)"));
    }
    let (vendor, product) = (text("vendorProject"), text("product"));
    if vendor.is_empty() || product.is_empty() {
        reasons.push("the entry needs both vendorProject and product".to_owned());
    }
    let Some(cve) = cve.filter(|_| reasons.is_empty()) else {
        return Err(reasons);
    };
    let ransomware = text("knownRansomwareCampaignUse").eq_ignore_ascii_case("known");
    let url = first_url(&text("notes"))
        .unwrap_or_else(|| format!("https://www.cve.org/CVERecord?id={cve}"));
    let label = format!("{vendor} {product}");
    Ok(Advisory {
        source: AdvisorySource::Kev,
        key: cve.clone(),
        revision: added,
        revised_at: None,
        published_at: None,
        title: text("vulnerabilityName"),
        summary: text("shortDescription"),
        action: text("requiredAction"),
        tlp: Tlp::Clear,
        priority: if ransomware {
            Priority::Urgent
        } else {
            Priority::High
        },
        cves: vec![cve.clone()],
        url: Some(url),
        due,
        ransomware,
        cvss_tenths: None,
        applicability: vec![Applicability {
            all_of: vec![vec![Criterion {
                pattern: ProductPattern::Named { vendor, product },
                versions: VersionBounds::default(),
                vulnerable: true,
                label,
            }]],
            cves: vec![cve],
        }],
        not_affected: Vec::new(),
    })
}

/// The first web address in KEV's notes, which list vendor advisories separated by ` ; `.
fn first_url(notes: &str) -> Option<String> {
    let start = notes.find("https://").or_else(|| notes.find("http://"))?;
    let url: String = notes[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ';')
        .collect();
    let url = url.trim_end_matches(['.', ',', ')']);
    (url.len() > "https://".len()).then(|| url.to_owned())
}

/// The raw entry, cut at 16 KiB on a character boundary.
fn cut_raw(mut raw: String) -> String {
    if raw.len() > RAW_LIMIT {
        let mut end = RAW_LIMIT;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        raw.truncate(end);
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn context() -> AdvisoryContext {
        AdvisoryContext {
            file_name: "kev.json".into(),
            default_tlp: Tlp::Amber,
            observed_at: datetime!(2025-08-26 09:00 UTC),
        }
    }

    #[test]
    fn entries_become_advisories_and_bad_ones_are_rejected() {
        let catalogue = br#"{"catalogVersion": "1", "count": 3, "vulnerabilities": [
          {"cveID": "CVE-2024-3400", "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
           "vulnerabilityName": "PAN-OS Command Injection", "dateAdded": "2024-04-12",
           "shortDescription": "A  command injection.", "requiredAction": "Apply updates.",
           "dueDate": "2024-04-19", "knownRansomwareCampaignUse": "Known",
           "notes": "See https://security.paloaltonetworks.com/CVE-2024-3400 ; https://nvd.nist.gov/x"},
          {"vendorProject": "X", "product": "Y", "dateAdded": "2024-13-01", "dueDate": "2024-04-19"},
          {"cveID": "CVE-2023-1234", "vendorProject": "Acme", "product": "Router",
           "vulnerabilityName": "Acme flaw", "dateAdded": "2023-01-02", "dueDate": "2023-01-23",
           "knownRansomwareCampaignUse": "Unknown", "notes": ""}
        ]}"#;
        let records = Kev.parse(catalogue, &context()).expect("parses");
        assert_eq!(records.len(), 3);
        let AdvisoryRecord::Advisory {
            advisory, record, ..
        } = &records[0]
        else {
            panic!("first is an advisory: {records:?}");
        };
        assert_eq!(*record, 1);
        assert_eq!(advisory.key, "CVE-2024-3400");
        assert_eq!(advisory.revision, "2024-04-12");
        assert_eq!(advisory.summary, "A command injection.");
        assert_eq!(advisory.priority, Priority::Urgent);
        assert!(advisory.ransomware);
        assert_eq!(advisory.due, Some(date!(2024 - 04 - 19)));
        assert_eq!(advisory.tlp, Tlp::Clear);
        assert_eq!(
            advisory.url.as_deref(),
            Some("https://security.paloaltonetworks.com/CVE-2024-3400")
        );
        assert_eq!(
            advisory.applicability[0].all_of[0][0].pattern,
            ProductPattern::Named {
                vendor: "Palo Alto Networks".into(),
                product: "PAN-OS".into()
            }
        );
        let AdvisoryRecord::Rejected(rejected) = &records[1] else {
            panic!("second is rejected: {records:?}");
        };
        assert_eq!(rejected.line, 2);
        assert_eq!(
            rejected.reason,
            "the entry has no cveID; dateAdded '2024-13-01' is not a date (YYYY-MM-DD)"
        );
        assert!(rejected.raw.contains("\"vendorProject\":\"X\""));
        let AdvisoryRecord::Advisory { advisory, .. } = &records[2] else {
            panic!("third is an advisory");
        };
        assert_eq!(advisory.priority, Priority::High);
        assert_eq!(
            advisory.url.as_deref(),
            Some("https://www.cve.org/CVERecord?id=CVE-2023-1234")
        );
    }

    #[test]
    fn a_file_without_the_list_is_refused() {
        assert!(Kev.parse(b"{\"title\": 1}", &context()).is_err());
        assert!(Kev.parse(b"not json", &context()).is_err());
    }
}
