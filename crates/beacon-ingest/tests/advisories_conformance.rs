//! The advisory parsers against the shared corpus in `shared/data/external/advisories`
//! (OASIS CSAF test cases and examples, CISA's KEV catalogue, an NVD record) and against
//! this crate's own small RSS and Atom fixtures.

use beacon_core::{Advisory, Priority, ProductPattern, Tlp, ValidationFailure};
use beacon_ingest::advisories::{self, AdvisoryContext, AdvisoryRecord, csaf};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use time::macros::datetime;

/// Where the shared corpus lives (the repository is beside `shared/`).
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/advisories"
);

/// This crate's own fixtures.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/advisories");

fn context(file_name: &str) -> AdvisoryContext {
    AdvisoryContext {
        file_name: file_name.to_owned(),
        default_tlp: Tlp::Clear,
        observed_at: datetime!(2025-08-26 09:00 UTC),
    }
}

/// Detects the file's format as `--format auto` would, checks it is `expected`, parses.
fn parse(path: &Path, expected: &str) -> Vec<AdvisoryRecord> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let format = advisories::detect_format(name, &bytes[..bytes.len().min(8 * 1024)])
        .unwrap_or_else(|| panic!("{name}: no format recognised it"));
    assert_eq!(format.name(), expected, "{name}");
    format.parse(&bytes, &context(name)).expect("parses")
}

fn advisories_of(records: &[AdvisoryRecord]) -> Vec<(&Advisory, &[ValidationFailure])> {
    records
        .iter()
        .filter_map(|record| match record {
            AdvisoryRecord::Advisory {
                advisory, failures, ..
            } => Some((&**advisory, failures.as_slice())),
            _ => None,
        })
        .collect()
}

fn files_in(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(CORPUS).join(folder))
        .expect("corpus folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// (test id, expected to fail) for a test-case file name, from `testcases.json`.
fn test_case(cases: &Value, file_name: &str) -> Option<(String, bool)> {
    for test in cases["tests"].as_array()? {
        for (key, fails) in [("failures", true), ("valid", false)] {
            for case in test[key].as_array().into_iter().flatten() {
                if case["name"].as_str() == Some(&format!("mandatory/{file_name}")) {
                    return Some((test["id"].as_str()?.to_owned(), fails));
                }
            }
        }
    }
    None
}

#[test]
fn csaf_test_cases_fail_exactly_their_test_and_valid_documents_pass_all() {
    let cases: Value = serde_json::from_slice(
        &std::fs::read(Path::new(CORPUS).join("csaf/testcases.json")).expect("testcases"),
    )
    .expect("json");
    let mut checked = 0;
    for path in files_in("csaf/invalid") {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let (test, fails) =
            test_case(&cases, &name).unwrap_or_else(|| panic!("{name} is not a listed test case"));
        assert!(fails, "{name} is listed as valid but kept as invalid");
        let document: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let failures = csaf::validate(&document);
        let tests: BTreeSet<&str> = failures.iter().map(|f| f.test.as_str()).collect();
        assert_eq!(
            tests,
            BTreeSet::from([test.as_str()]),
            "{name}: {failures:#?}"
        );
        // The reader keeps the document with its failures.
        let records = parse(&path, "csaf");
        assert_eq!(advisories_of(&records)[0].1, failures.as_slice());
        checked += 1;
    }
    for path in files_in("csaf/valid") {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if let Some((test, fails)) = test_case(&cases, &name) {
            assert!(
                !fails,
                "{name} is listed as failing {test} but kept as valid"
            );
        }
        let document: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        assert_eq!(
            csaf::validate(&document),
            Vec::<ValidationFailure>::new(),
            "{name}"
        );
        let records = parse(&path, "csaf");
        assert_eq!(advisories_of(&records).len(), 1, "{name}");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} files were checked");
}

#[test]
fn a_csaf_security_advisory_reads_into_one_advisory() {
    let records = parse(
        &Path::new(CORPUS).join("csaf/valid/oasis-bsi-2022-0001.json"),
        "csaf",
    );
    let [(advisory, failures)] = advisories_of(&records)[..] else {
        panic!("one advisory: {records:?}");
    };
    assert!(failures.is_empty());
    assert_eq!(advisory.key, "BSI-2022-0001");
    assert_eq!(advisory.revision, "1");
    assert_eq!(advisory.cves, ["CVE-2022-27193"]);
    assert_eq!(advisory.cvss_tenths, Some(61));
    assert_eq!(advisory.priority, Priority::Normal);
    assert_eq!(advisory.tlp, Tlp::Clear, "WHITE reads as CLEAR");
    assert!(advisory.action.starts_with("Update to the latest version"));
    assert!(advisory.summary.contains("XML External Entities"));
    assert_eq!(advisory.applicability.len(), 5, "five affected versions");
    let first = &advisory.applicability[0];
    assert_eq!(first.cves, ["CVE-2022-27193"]);
    assert_eq!(
        first.all_of[0][0].pattern,
        ProductPattern::Cpe {
            cpe: "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha".into()
        }
    );
    assert_eq!(
        advisory.not_affected.len(),
        1,
        "1.0.0-rc2 is fixed (listed twice, kept once)"
    );
    assert!(advisory.revised_at.is_some() && advisory.published_at.is_some());
}

#[test]
fn a_vex_with_relationships_needs_component_and_platform() {
    let records = parse(
        &Path::new(CORPUS).join("csaf/valid/redhat-vex-CVE-2024-34502.json"),
        "csaf",
    );
    let [(advisory, _)] = advisories_of(&records)[..] else {
        panic!("one advisory");
    };
    assert_eq!(advisory.cves, ["CVE-2024-34502"]);
    assert!(!advisory.applicability.is_empty());
    for applicability in &advisory.applicability {
        assert_eq!(
            applicability.all_of.len(),
            2,
            "component AND platform: {applicability:?}"
        );
        assert!(applicability.all_of[0].iter().all(|c| c.vulnerable));
        assert!(applicability.all_of[1].iter().all(|c| !c.vulnerable));
    }
}

#[test]
fn the_whole_kev_catalogue_is_read() {
    let path = Path::new(CORPUS).join("kev/known_exploited_vulnerabilities.json");
    let records = parse(&path, "kev");
    let catalogue: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    let entries = catalogue["vulnerabilities"].as_array().expect("list");
    let stored = advisories_of(&records).len();
    let rejected = records
        .iter()
        .filter(|r| matches!(r, AdvisoryRecord::Rejected(_)))
        .count();
    assert_eq!(entries.len(), stored + rejected, "read = stored + rejected");
    assert_eq!(stored, 1404);
    let known = entries
        .iter()
        .filter(|e| e["knownRansomwareCampaignUse"] == "Known")
        .count();
    let ransomware = advisories_of(&records)
        .iter()
        .filter(|(a, _)| a.ransomware)
        .count();
    assert_eq!(ransomware, known);
    let urgent = advisories_of(&records)
        .iter()
        .filter(|(a, _)| a.priority == Priority::Urgent)
        .count();
    assert_eq!(urgent, known);
    let (first, _) = advisories_of(&records)[0];
    assert_eq!(first.key, "CVE-2025-48384");
    assert_eq!(
        first.url.as_deref(),
        Some("https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9")
    );
}

#[test]
fn the_nvd_excerpt_gives_firmware_on_hardware() {
    let records = parse(
        &Path::new(CORPUS).join("nvd/CVE-2023-28771.excerpt.json"),
        "nvd",
    );
    let [(advisory, _)] = advisories_of(&records)[..] else {
        panic!("one advisory");
    };
    assert_eq!(advisory.key, "CVE-2023-28771");
    assert_eq!(
        advisory.title,
        "Zyxel Multiple Firewalls OS Command Injection Vulnerability"
    );
    assert_eq!(advisory.due, Some(time::macros::date!(2023 - 06 - 21)));
    assert_eq!(advisory.applicability.len(), 2, "two AND configurations");
    let groups = &advisory.applicability[0].all_of;
    assert_eq!(groups.len(), 2);
    let firmware = &groups[0][0];
    assert!(firmware.vulnerable);
    assert_eq!(firmware.versions.start_including.as_deref(), Some("4.60"));
    assert_eq!(firmware.versions.end_excluding.as_deref(), Some("5.36"));
    let hardware = &groups[1][0];
    assert!(!hardware.vulnerable);
    assert_eq!(
        hardware.pattern,
        ProductPattern::Cpe {
            cpe: "cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*".into()
        }
    );
}

#[test]
fn rss_and_atom_items_become_plain_routine_advisories() {
    let rss = parse(&Path::new(FIXTURES).join("reports-news.rss.xml"), "rss");
    let items = advisories_of(&rss);
    assert_eq!(items.len(), 3);
    let (first, _) = items[0];
    assert_eq!(
        first.key,
        "https://cyber.example.org/news/example-gateway-patch?id=101"
    );
    assert_eq!(
        first.summary,
        "Organisations running Example Gateway should update to 4.2.1 & check their logs."
    );
    assert_eq!(first.cves, ["CVE-2025-10001"]);
    assert_eq!(first.revision, "2025-06-02T09:30:00Z");
    assert_eq!(first.priority, Priority::Routine);
    assert!(first.applicability.is_empty());
    assert_eq!(
        items[1].0.summary,
        "Keep at least one backup offline. Test restores. Protect the backup accounts."
    );
    assert_eq!(
        items[2].0.key, "https://cyber.example.org/news/example-mail",
        "no guid: the link"
    );
    assert_eq!(items[2].0.cves, ["CVE-2025-10002", "CVE-2025-10003"]);
    assert!(
        items
            .iter()
            .all(|(a, _)| !a.summary.contains('<') && !a.summary.contains("&amp;"))
    );

    let atom = parse(&Path::new(FIXTURES).join("alerts.atom.xml"), "rss");
    let entries = advisories_of(&atom);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].0.key, "tag:cyber.example.org,2025:alert-201");
    assert_eq!(
        entries[0].0.url.as_deref(),
        Some("https://cyber.example.org/alerts/example-vpn")
    );
    assert_eq!(
        entries[0].0.summary,
        "Attackers are using CVE-2025-20001 against Example VPN."
    );
    assert_eq!(entries[0].0.revision, "2025-06-05T08:15:00Z");
    assert_eq!(
        entries[1].0.summary,
        "Emails claiming to come from an exam board ask staff to sign in."
    );
    assert_eq!(entries[2].0.cves, ["CVE-2025-20002"]);
}
