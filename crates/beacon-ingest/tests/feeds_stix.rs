//! The STIX 2.1 reader: the patterning grammar against the specification's examples and a
//! list of malformed patterns, the OASIS example bundles as a conformance corpus, and
//! small bundles of our own for markings, sets, networks and bad input.

use beacon_core::{Event, Tlp};
use beacon_ingest::feeds::stix::pattern::{self, Pattern};
use beacon_ingest::feeds::{self, FeedContext, FeedRecord};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use time::macros::datetime;

/// The shared conformance corpus (read-only; CI has it at the same place).
fn external(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external/feeds")
        .join(path)
}

fn context(file_name: &str) -> FeedContext {
    FeedContext {
        file_name: file_name.to_owned(),
        observed_at: datetime!(2026-11-29 10:00 UTC),
        default_tlp: Tlp::Amber,
    }
}

/// Every record of a document read as STIX.
fn read(bytes: &[u8], file_name: &str) -> Vec<FeedRecord> {
    let stix = feeds::by_name("stix").expect("STIX is registered");
    stix.parse(
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        &context(file_name),
    )
    .expect("a STIX document")
    .collect()
}

/// (events, skipped, rejected)
fn counts(records: &[FeedRecord]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for record in records {
        match record {
            FeedRecord::Event(..) => counts.0 += 1,
            FeedRecord::Skipped { .. } => counts.1 += 1,
            FeedRecord::Rejected(_) => counts.2 += 1,
            FeedRecord::Note(_) => {}
        }
    }
    counts
}

fn events(records: &[FeedRecord]) -> Vec<(&Event, u64)> {
    records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Event(event, line) => Some((event.as_ref(), *line)),
            _ => None,
        })
        .collect()
}

/// The spec examples, one pattern a line.
fn spec_examples() -> Vec<String> {
    let text = std::fs::read_to_string(external("stix/patterns/spec_examples_v21.txt"))
        .expect("the spec examples are in the shared corpus");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_specification_example_parses_and_prints_back_to_the_same_tree() {
    let examples = spec_examples();
    assert_eq!(examples.len(), 23, "the corpus changed; review this test");
    for example in &examples {
        let parsed: Pattern = example
            .parse()
            .unwrap_or_else(|error| panic!("{example}\n{error}"));
        let printed = parsed.to_string();
        let again = pattern::parse(&printed).unwrap_or_else(|error| panic!("{printed}\n{error}"));
        assert_eq!(again, parsed, "{example}\nprinted as {printed}");
        assert_eq!(again.to_string(), printed, "printing is not canonical");
    }
}

#[test]
fn canonical_printing_normalises_spelling_but_keeps_meaning() {
    let cases = [
        (
            "[file:hashes.'MD5'=='d41d8cd98f00b204e9800998ecf8427e'  AND  file:size<>5]",
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e' AND file:size != 5]",
        ),
        (
            "[a:b = 1 OR a:b = 2] AND ([c:d = 3] OR [e:f = 4]) WITHIN +5 SECONDS",
            "[a:b = 1 OR a:b = 2] AND ([c:d = 3] OR [e:f = 4]) WITHIN 5 SECONDS",
        ),
        (
            "([a:b = 1] AND [c:d = 2]) AND [e:f = 3]",
            "([a:b = 1] AND [c:d = 2]) AND [e:f = 3]",
        ),
        ("(([a:b = 1]))", "[a:b = 1]"),
        (
            "[a:b[+1].'c d'[*] = h'FF00' AND NOT EXISTS a:x]",
            "[a:b[1].'c d'[*] = h'ff00' AND NOT EXISTS a:x]",
        ),
        // A keyword used as a property name must stay quoted.
        ("[a:'AND' NOT IN ('x')]", "[a:'AND' NOT IN ('x')]"),
        // Two quotes in a row are two strings, not an escaped quote.
        ("[a:b = 'it''s']", ""),
        (
            "[a:b IN (1, -2, .5, -0.25, true, 'x\\'y', b'AQID', t'2016-02-29T23:59:60.5Z')]",
            "[a:b IN (1, -2, 0.5, -0.25, true, 'x\\'y', b'AQID', t'2016-02-29T23:59:60.5Z')]",
        ),
        (
            "[a:b > 7.0] START t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z' REPEATS 2 TIMES",
            "[a:b > 7.0] START t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z' REPEATS 2 TIMES",
        ),
        ("/* lead */ [a:b = 1] // tail", "[a:b = 1]"),
    ];
    for (input, canonical) in cases {
        match pattern::parse(input) {
            Ok(parsed) => assert_eq!(parsed.to_string(), canonical, "{input}"),
            Err(error) => assert!(canonical.is_empty(), "{input}: {error}"),
        }
    }
}

#[test]
fn malformed_patterns_are_refused_with_what_and_where() {
    // (pattern, column in the message, words the message must hold)
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "the pattern is empty"),
        ("  /* only a comment */  ", 1, "the pattern is empty"),
        // Unbalanced brackets.
        ("[ipv4-addr:value = '192.0.2.1'", 1, "'[' is never closed"),
        ("[ipv4-addr:value = '192.0.2.1']]", 32, "']' closes nothing"),
        ("([ipv4-addr:value = '192.0.2.1']", 1, "'(' is never closed"),
        (
            "[ipv4-addr:value = '192.0.2.1')",
            31,
            "')' does not close the '['",
        ),
        // Missing operator or operand.
        (
            "[ipv4-addr:value '192.0.2.1']",
            18,
            "expected a comparison operator",
        ),
        ("[ipv4-addr:value = ]", 20, "expected a value"),
        ("[ipv4-addr:value = ", 20, "expected a value"),
        (
            "[ipv4-addr:value = '192.0.2.1'] [url:value = 'x']",
            33,
            "expected",
        ),
        (
            "[ipv4-addr:value = '192.0.2.1'] AND",
            36,
            "expected an observation",
        ),
        (
            "[ipv4-addr:value = '192.0.2.1' AND]",
            35,
            "expected EXISTS, an object path",
        ),
        ("[ipv4-addr = '192.0.2.1']", 12, "expected ':'"),
        // Bad timestamps.
        (
            "[file:created = t'2014-13-01T00:00:00Z']",
            17,
            "is not a timestamp",
        ),
        (
            "[file:created = t'2014-02-30T00:00:00Z']",
            17,
            "not a date that exists",
        ),
        (
            "[file:created = t'2014-01-01 00:00:00']",
            17,
            "is not a timestamp",
        ),
        // Unterminated strings and bad escapes.
        (
            "[url:value = 'http://example.com/]",
            14,
            "never closed with a quote",
        ),
        (
            "[url:value = 'a'] AND [url:value = 'b]",
            36,
            "never closed with a quote",
        ),
        ("[file:name = 'C:\\Windows']", 17, "'\\W' is not an escape"),
        // Bad qualifiers.
        (
            "[a:b = 1] WITHIN -5 SECONDS",
            18,
            "expected a number of seconds",
        ),
        (
            "[a:b = 1] REPEATS -1 TIMES",
            19,
            "expected a whole number (0 or more)",
        ),
        ("[a:b = 1] WITHIN 5", 19, "expected SECONDS"),
        ("[a:b = 1] REPEATS 1.5 TIMES", 20, "expected TIMES"),
        (
            "[a:b = 1] START t'2016-01-01T00:00:00Z'",
            40,
            "expected STOP",
        ),
        ("[a:b = 1] WITHIN 300 MINUTES", 22, "expected SECONDS"),
        // Other grammar rules.
        ("[a:b < true]", 8, "value that can be ordered"),
        ("[a:b LIKE 5]", 11, "a string in quotes"),
        ("[a:b = 01]", 8, "expected a value"),
        ("[a:b = h'abc']", 8, "is not hex"),
        ("[a:b = b'AAA']", 8, "is not base64"),
        ("[a:b-c = 1]", 4, "expected a property name"),
        ("[AND:b = 1]", 2, "keyword"),
        ("[a:b = 99999999999999999999]", 8, "out of range"),
        ("[a:b = 1] and [c:d = 2]", 11, "expected"),
        ("[a:b = 1]\n  AND [c d]", 10, "expected ':'"),
        ("[a:b = 1] /* never closed", 11, "comment is never closed"),
    ];
    for (text, column, words) in cases {
        let error = pattern::parse(text).expect_err(text);
        let message = error.to_string();
        assert_eq!(error.column, *column, "{text:?}: {message}");
        assert!(message.contains(words), "{text:?}: {message}");
        assert!(
            message.contains(&format!("column {column}")),
            "{text:?}: the message must say where: {message}"
        );
    }
    let error = pattern::parse("[a:b = 1]\n  AND [c d]").expect_err("two lines");
    assert_eq!((error.line, error.column), (2, 10));
    assert!(error.to_string().contains("line 2, column 10"), "{error}");
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_not_overflowed() {
    let deep = format!(
        "{}[a:b = 1]{}",
        "(".repeat(pattern::MAX_NESTING + 1),
        ")".repeat(pattern::MAX_NESTING + 1)
    );
    let error = pattern::parse(&deep).expect_err("too deep");
    assert!(error.message.contains("nested more than"), "{error}");
    let fine = format!("{}[a:b = 1]{}", "(".repeat(50), ")".repeat(50));
    assert!(pattern::parse(&fine).is_ok());
    let huge = format!("{}[a:b = 1", "(".repeat(100_000));
    assert!(pattern::parse(&huge).is_err());
}

/// The OASIS example bundles: (file, events, skipped, rejected).
const BUNDLES: &[(&str, usize, usize, usize)] = &[
    ("indicator-for-c2-ip-address.json", 1, 0, 0),
    ("indicator-for-malicious-url.json", 1, 0, 0),
    ("indicators-for-C2-with-COA.json", 1, 1, 0),
];

#[test]
fn every_example_bundle_gives_the_expected_counts() {
    let mut listed: Vec<String> = std::fs::read_dir(external("stix"))
        .expect("the STIX corpus folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    listed.sort();
    let mut expected: Vec<String> = BUNDLES
        .iter()
        .map(|(name, ..)| (*name).to_owned())
        .collect();
    expected.sort();
    assert_eq!(
        listed, expected,
        "a bundle was added to the corpus; add its counts"
    );
    for (name, events, skipped, rejected) in BUNDLES {
        let bytes = std::fs::read(external(&format!("stix/{name}"))).expect("bundle");
        assert_eq!(
            feeds::detect(name, &bytes).map(|format| format.name()),
            Some("stix"),
            "{name} is detected as STIX"
        );
        let records = read(&bytes, name);
        assert_eq!(
            counts(&records),
            (*events, *skipped, *rejected),
            "{name}: {records:#?}"
        );
    }
}

/// The indicator at `index` (0-based) of a corpus bundle, as the raw text Beacon keeps.
fn raw_object(name: &str, index: usize) -> String {
    let bytes = std::fs::read(external(&format!("stix/{name}"))).expect("bundle");
    let bundle: Value = serde_json::from_slice(&bytes).expect("JSON");
    bundle["objects"][index].to_string()
}

#[test]
fn the_c2_address_indicator_is_harmonised_exactly() {
    let name = "indicator-for-c2-ip-address.json";
    let records = read(
        &std::fs::read(external(&format!("stix/{name}"))).expect("bundle"),
        name,
    );
    let mut expected = Event::new(
        "c2-server",
        "STIX indicator-for-c2-ip-address.json",
        datetime!(2026-11-29 10:00 UTC),
        Tlp::Amber,
        raw_object(name, 0),
    );
    expected.source_ip = Some("10.0.0.0".parse().expect("ip"));
    expected.time_source = Some(datetime!(2014-05-08 09:00 UTC));
    for (key, value) in [
        ("stix_id", "indicator--33fe3b22-0201-47cf-85d0-97c02164528d"),
        ("stix_name", "IP Address for known C2 channel"),
        ("stix_description", "Test description C2 channel."),
        ("stix_indicator_types", "malicious-activity"),
        ("stix_pattern", "[ipv4-addr:value = '10.0.0.0']"),
        ("stix_observable", "ipv4-addr:value"),
    ] {
        expected.extra.insert(key.to_owned(), value.to_owned());
    }
    assert_eq!(records, vec![FeedRecord::Event(Box::new(expected), 1)]);
}

#[test]
fn the_malicious_url_indicator_names_its_malware() {
    let name = "indicator-for-malicious-url.json";
    let records = read(
        &std::fs::read(external(&format!("stix/{name}"))).expect("bundle"),
        name,
    );
    let found = events(&records);
    let (event, line) = found[0];
    assert_eq!(line, 1);
    assert_eq!(event.source_url.as_deref(), Some("http://x4z9arb.cn/4712/"));
    assert_eq!(event.source_fqdn.as_deref(), Some("x4z9arb.cn"));
    assert_eq!(event.source_ip, None);
    assert_eq!(event.classification_type, "malware-distribution");
    assert_eq!(event.classification_taxonomy, "malicious-code");
    assert_eq!(event.malware_name.as_deref(), Some("x4z9arb backdoor"));
    assert_eq!(
        event.time_source,
        Some(datetime!(2014-06-29 13:49:37.079 UTC))
    );
    assert_eq!(event.tlp, Tlp::Amber);
    assert_eq!(event.raw, raw_object(name, 0));
}

#[test]
fn the_c2_bundle_with_a_course_of_action_skips_the_file_hash() {
    let name = "indicators-for-C2-with-COA.json";
    let records = read(
        &std::fs::read(external(&format!("stix/{name}"))).expect("bundle"),
        name,
    );
    let found = events(&records);
    let (event, line) = found[0];
    assert_eq!(line, 3, "the indicator is the bundle's third object");
    assert_eq!(event.source_ip, Some("10.0.0.0".parse().expect("ip")));
    assert_eq!(event.classification_type, "c2-server");
    assert_eq!(event.malware_name.as_deref(), Some("poison ivy"));
    assert_eq!(
        event.feed_provider.as_deref(),
        Some("The MITRE Corporation - DHS Support Team")
    );
    assert!(records.contains(&FeedRecord::Skipped {
        line: 4,
        reason: "the pattern names no IPv4 or IPv6 address, domain name or URL (it tests file:hashes.'SHA-256')".to_owned(),
    }), "{records:#?}");
}

/// A bundle of our own exercising markings, sets, networks and bad indicators.
const OWN_BUNDLE: &str = r#"{
  "type": "bundle",
  "id": "bundle--00000000-0000-4000-8000-000000000000",
  "objects": [
    {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--11111111-1111-4111-8111-111111111111",
     "created": "2022-10-01T00:00:00.000Z", "name": "TLP:AMBER+STRICT",
     "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}}},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000002",
     "name": "Phishing kit hosts", "indicator_types": ["malicious-activity"], "pattern_type": "stix",
     "pattern": "[ipv4-addr:value IN ('192.0.2.1', '198.51.100.0/24', '192.0.2.1')] OR [ipv6-addr:value = '2001:db8::1/128']",
     "valid_from": "2024-03-01T12:00:00Z", "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000003",
     "indicator_types": ["compromised"], "labels": ["internal"],
     "pattern": "[domain-name:value = 'Shop.Example.COM' AND domain-name:resolves_to_refs[*].value = '203.0.113.9']",
     "valid_from": "2024-03-02T00:00:00Z",
     "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "marking-definition--11111111-1111-4111-8111-111111111111"]},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000004",
     "pattern": "[ipv4-addr:value = '192.0.2.1' AND url:value = ", "valid_from": "2024-03-02T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000005",
     "pattern_type": "sigma", "pattern": "title: x", "valid_from": "2024-03-02T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000006",
     "indicator_types": ["benign"], "pattern": "[domain-name:value = 'example.org']", "valid_from": "2024-03-02T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000007",
     "pattern": "[ipv4-addr:value = '2001:db8::1' OR ipv4-addr:value = '192.0.2.55']", "valid_from": "2024-03-02T00:00:00Z",
     "object_marking_refs": ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000008",
     "revoked": true, "pattern": "[domain-name:value = 'old.example.net']", "valid_from": "2024-03-02T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000009",
     "pattern": "[url:value = 'http://192.0.2.80/gate.php'] FOLLOWEDBY [ipv4-addr:value NOT = '192.0.2.81']",
     "created": "2024-03-05T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1"},
    42,
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000012",
     "pattern": "[domain-name:value = 'late.example.com']", "valid_from": "yesterday"}
  ]
}"#;

#[test]
fn our_bundle_reads_markings_sets_networks_and_refuses_bad_indicators() {
    let records = read(OWN_BUNDLE.as_bytes(), "own.json");
    assert_eq!(counts(&records), (6, 3, 5), "{records:#?}");
    let found = events(&records);
    // Without valid_from, the time is when the indicator was created.
    assert_eq!(
        found[5].0.time_source,
        Some(datetime!(2024-03-05 00:00 UTC))
    );
    let summary: Vec<(u64, String, &str, Tlp)> = found
        .iter()
        .map(|(event, line)| {
            let what = event
                .source_ip
                .map(|ip| ip.to_string())
                .or(event.source_network.map(|network| network.to_string()))
                .or(event.source_fqdn.clone())
                .unwrap_or_default();
            (*line, what, event.classification_type.as_str(), event.tlp)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, "192.0.2.1".to_owned(), "phishing", Tlp::Green),
            (2, "198.51.100.0/24".to_owned(), "phishing", Tlp::Green),
            (2, "2001:db8::1".to_owned(), "phishing", Tlp::Green),
            // The most restrictive of a TLP 2.0 id and a marking defined in the bundle.
            (
                3,
                "shop.example.com".to_owned(),
                "system-compromise",
                Tlp::AmberStrict
            ),
            (7, "192.0.2.55".to_owned(), "undetermined", Tlp::Red),
            // No marking: the context's default. (A URL's host address fills source.ip.)
            (9, "192.0.2.80".to_owned(), "undetermined", Tlp::Amber),
        ]
    );
    let rejected: Vec<(u64, &str)> = records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Rejected(row) => Some((row.line, row.reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 5);
    assert_eq!(rejected[0].0, 4);
    assert!(
        rejected[0]
            .1
            .starts_with("invalid STIX pattern at column 48: expected a value"),
        "{}",
        rejected[0].1
    );
    assert_eq!(
        rejected[1],
        (
            7,
            "ipv4-addr:value '2001:db8::1' is not an IPv4 address or network"
        )
    );
    assert_eq!(rejected[2], (10, "the indicator has no \"pattern\""));
    assert_eq!(
        rejected[3],
        (11, "this item of the bundle is not a JSON object")
    );
    assert_eq!(
        rejected[4],
        (12, "valid_from 'yesterday' is not an RFC 3339 timestamp")
    );
    let skipped: Vec<u64> = records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Skipped { line, .. } => Some(*line),
            _ => None,
        })
        .collect();
    assert_eq!(skipped, [5, 6, 8]);
}

#[test]
fn an_indicator_with_an_invalid_value_keeps_its_valid_values() {
    let records = read(OWN_BUNDLE.as_bytes(), "own.json");
    let line_7: Vec<&FeedRecord> = records
        .iter()
        .filter(|record| match record {
            FeedRecord::Event(_, line) => *line == 7,
            FeedRecord::Rejected(row) => row.line == 7,
            FeedRecord::Skipped { line, .. } => *line == 7,
            FeedRecord::Note(_) => false,
        })
        .collect();
    assert_eq!(line_7.len(), 2, "one rejected value and one event");
}

#[test]
fn a_single_object_and_a_plain_list_are_read_too() {
    let single = r#"{"type": "indicator", "spec_version": "2.1", "id": "indicator--1",
        "pattern": "[url:value = 'https://phish.example.com/login']", "valid_from": "2024-01-01T00:00:00Z"}"#;
    let records = read(single.as_bytes(), "one.json");
    assert_eq!(counts(&records), (1, 0, 0));
    let list = format!("[{single}, {single}]");
    let records = read(list.as_bytes(), "list.json");
    assert_eq!(counts(&records), (2, 0, 0));
    assert_eq!(
        events(&records)
            .iter()
            .map(|(_, line)| *line)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    // STIX 2.0 has no pattern_type and puts indicator types in labels.
    let old = r#"{"type": "bundle", "spec_version": "2.0", "objects": [{"type": "indicator",
        "labels": ["malicious-activity", "c2"], "pattern": "[ipv4-addr:value = '192.0.2.9']",
        "valid_from": "2017-01-01T00:00:00Z"}]}"#;
    let records = read(old.as_bytes(), "old.json");
    assert_eq!(events(&records)[0].0.classification_type, "c2-server");
}

#[test]
fn documents_that_are_not_stix_are_refused_whole() {
    let stix = feeds::by_name("stix").expect("registered");
    for bad in [
        "not json",
        "{\"hello\": 1}",
        "42",
        "{\"type\": \"bundle\", \"objects\": 1}",
    ] {
        let result = stix.parse(
            Box::new(std::io::Cursor::new(bad.as_bytes().to_vec())),
            &context("x"),
        );
        assert!(result.is_err(), "{bad}");
    }
}

#[test]
fn detection_tells_stix_from_other_json() {
    let stix = feeds::by_name("stix").expect("registered");
    assert!(stix.detect("x.json", OWN_BUNDLE.as_bytes()));
    assert!(stix.detect(
        "x.json",
        br#"[{"type": "indicator", "pattern": "[a:b = 1]"}]"#
    ));
    assert!(!stix.detect("x.json", br#"{"Event": {"info": "pattern"}}"#));
    for other in [
        "other/misp_event_intelmq.json",
        "misp_feed/57c4445b-c548-4654-af0b-4be3950d210f.json",
        "misp_feed/manifest.json",
        "abusech/abusech_feodotracker_ipblocklist.json",
        "other/openphish_feed.txt",
    ] {
        let bytes = std::fs::read(external(other)).expect("corpus file");
        assert!(!stix.detect(other, &bytes), "{other} is not STIX");
    }
}

/// Text close to patterns, so generated cases get past the first token.
fn pattern_like() -> impl Strategy<Value = String> {
    let examples = spec_examples();
    prop_oneof![
        "[\\[\\]()a-z:'= .0-9A-Z_*,!<>/\\\\-]{0,80}",
        (
            0..examples.len(),
            any::<usize>(),
            "[\\[\\]()' =ANDORt.:0-9-]{0,3}"
        )
            .prop_map(move |(which, at, insert)| {
                let example = &examples[which];
                let mut cut = at % (example.len() + 1);
                while !example.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}{insert}{}", &example[..cut], &example[cut..])
            }),
    ]
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic_the_pattern_parser(text in any::<String>()) {
        // A refusal points inside the text (or just past its end).
        if let Err(error) = pattern::parse(&text) {
            let lines: Vec<&str> = text.split('\n').collect();
            prop_assert!((1..=lines.len()).contains(&error.line), "{:?}", error);
            let width = lines[error.line - 1].chars().count();
            prop_assert!((1..=width + 1).contains(&error.column), "{:?}", error);
        }
    }

    #[test]
    fn what_parses_prints_back_to_the_same_tree(text in pattern_like()) {
        if let Ok(parsed) = pattern::parse(&text) {
            let printed = parsed.to_string();
            prop_assert_eq!(pattern::parse(&printed).ok(), Some(parsed), "{}", printed);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_bundle_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let stix = feeds::by_name("stix").expect("registered");
        if let Ok(records) = stix.parse(Box::new(std::io::Cursor::new(bytes)), &context("fuzz.json")) {
            // Records come in the document's order, numbered from 1 (an object may give
            // several).
            let numbers: Vec<u64> = records
                .filter_map(|record| match record {
                    FeedRecord::Event(_, line) | FeedRecord::Skipped { line, .. } => Some(line),
                    FeedRecord::Rejected(row) => Some(row.line),
                    FeedRecord::Note(_) => None,
                })
                .collect();
            prop_assert!(numbers.windows(2).all(|pair| pair[0] <= pair[1]), "{:?}", numbers);
            prop_assert!(numbers.first().is_none_or(|&first| first >= 1), "{:?}", numbers);
        }
    }

    #[test]
    fn any_pattern_in_an_indicator_gives_records_not_panics(text in pattern_like()) {
        let bundle = serde_json::json!({"type": "bundle", "objects": [
            {"type": "indicator", "pattern": text, "valid_from": "2024-01-01T00:00:00Z"}
        ]});
        let records = read(bundle.to_string().as_bytes(), "p.json");
        prop_assert!(!records.is_empty());
    }
}

/// Patterns Beacon must refuse where the reference validator does, with words its reason
/// must hold: repeated qualifiers, hash values of the wrong form (alone and beside an
/// address), a qualifier missing its value.
const INVALID_BEYOND_THE_GRAMMAR: &[(&str, &str)] = &[
    (
        "[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
        "second WITHIN qualifier",
    ),
    (
        "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES REPEATS 3 TIMES",
        "second REPEATS qualifier",
    ),
    (
        "[ipv4-addr:value = '198.51.100.1'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
        "second START … STOP qualifier",
    ),
    (
        "[file:hashes.'SHA-256' = 'f00']",
        "'f00' is not a valid SHA-256 hash",
    ),
    (
        "[ipv4-addr:value = '198.51.100.1' AND file:hashes.'SHA-256' = 'f00']",
        "'f00' is not a valid SHA-256 hash",
    ),
    (
        "[ipv4-addr:value = '198.51.100.1' OR file:hashes.'SHA-1' = 'xyz']",
        "not a valid SHA-1 hash",
    ),
    ("[file:hashes.MD5 != 'f00']", "not a valid MD5 hash"),
    (
        "[ipv4-addr:value = '198.51.100.1'] WITHIN ]",
        "expected a number of seconds",
    ),
];

/// Patterns the reference validator accepts that the checks above must not catch.
const VALID_NEAR_MISSES: &[&str] = &[
    "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES WITHIN 5 SECONDS",
    "([ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
    "[file:hashes.TLSH = 'f00']",
    "[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND ipv4-addr:value = '198.51.100.1']",
];

#[test]
fn patterns_are_checked_beyond_the_grammar_as_the_reference_validator_does() {
    for (text, reason) in INVALID_BEYOND_THE_GRAMMAR {
        let error = pattern::parse(text).expect_err(text).to_string();
        assert!(error.contains(reason), "{text}: {error}");
        assert!(!error.contains("closes nothing"), "{text}: {error}");
    }
    for text in VALID_NEAR_MISSES {
        pattern::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    }
}

#[test]
fn an_invalid_pattern_is_a_rejection_even_where_a_valid_one_would_be_skipped() {
    let bundle = |pattern: &str, revoked: bool| {
        serde_json::json!({
            "type": "bundle",
            "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982",
            "objects": [{
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "pattern": pattern,
                "pattern_type": "stix",
                "valid_from": "2026-11-01T00:00:00Z",
                "revoked": revoked,
            }]
        })
        .to_string()
    };
    for (pattern, revoked) in [
        // Names no address: a valid one is skipped.
        ("[file:hashes.'SHA-256' = 'f00']", false),
        // Revoked: a valid one is skipped.
        (
            "[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
            true,
        ),
        // Beside an address: a valid one is an event.
        (
            "[ipv4-addr:value = '198.51.100.1' AND file:hashes.'SHA-256' = 'f00']",
            false,
        ),
    ] {
        let records = read(bundle(pattern, revoked).as_bytes(), "bundle.json");
        assert_eq!(counts(&records), (0, 0, 1), "{pattern}: {records:?}");
    }
    let valid = read(
        bundle(
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
            false,
        )
        .as_bytes(),
        "bundle.json",
    );
    assert_eq!(counts(&valid), (0, 1, 0), "a valid hash pattern is skipped");
}

/// Runs each pattern through `stix2-patterns`' validator; true for each it accepts.
fn reference_verdicts(python: &Path, patterns: &[String]) -> Vec<bool> {
    let script = "import json, sys\n\
        from stix2patterns.validator import run_validator\n\
        patterns = json.load(sys.stdin)\n\
        print(json.dumps([not run_validator(p, stix_version='2.1') for p in patterns]))\n";
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the Python interpreter starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("a pipe to the checker");
        stdin
            .write_all(
                serde_json::to_string(patterns)
                    .expect("strings serialise")
                    .as_bytes(),
            )
            .expect("the patterns are written");
    }
    let output = child.wait_with_output().expect("the checker finishes");
    assert!(
        output.status.success(),
        "stix2-patterns failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the checker prints a JSON list")
}

#[test]
fn beacon_and_stix2_patterns_agree_on_the_spec_examples_and_the_invalid_cases() {
    let Some(python) = beacon_testing::python_with(
        "Beacon's STIX pattern checks against the stix2-patterns validator",
        &["stix2patterns"],
    ) else {
        return;
    };
    let mut patterns = spec_examples();
    patterns.extend(
        INVALID_BEYOND_THE_GRAMMAR
            .iter()
            .map(|(text, _)| (*text).to_owned()),
    );
    patterns.extend(VALID_NEAR_MISSES.iter().map(|text| (*text).to_owned()));
    let reference = reference_verdicts(&python, &patterns);
    assert_eq!(reference.len(), patterns.len());
    let disagreements: Vec<String> = patterns
        .iter()
        .zip(&reference)
        .filter(|(text, accepted)| pattern::parse(text).is_ok() != **accepted)
        .map(|(text, accepted)| {
            format!(
                "{text}: stix2-patterns {}, Beacon {}",
                if *accepted { "accepts" } else { "refuses" },
                if *accepted { "refuses" } else { "accepts" }
            )
        })
        .collect();
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
