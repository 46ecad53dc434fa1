//! The MISP reader: the PyMISP feed folder and IntelMQ's event as a conformance corpus,
//! and our own fixtures for every attribute type read, tags, objects and broken feeds.

use beacon_core::{Event, Tlp};
use beacon_ingest::feeds::misp::{self, NOT_FOR_DETECTION};
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

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn context(file_name: &str) -> FeedContext {
    FeedContext {
        file_name: file_name.to_owned(),
        observed_at: datetime!(2026-11-29 10:00 UTC),
        default_tlp: Tlp::Amber,
    }
}

/// Every record of a file read as MISP.
fn read(bytes: &[u8], file_name: &str) -> Vec<FeedRecord> {
    let format = feeds::by_name("misp").expect("MISP is registered");
    format
        .parse(
            Box::new(std::io::Cursor::new(bytes.to_vec())),
            &context(file_name),
        )
        .expect("a MISP document")
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

fn event_at(records: &[FeedRecord], wanted: u64) -> &Event {
    records
        .iter()
        .find_map(|record| match record {
            FeedRecord::Event(event, line) if *line == wanted => Some(event.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no event at record {wanted}: {records:#?}"))
}

fn line_of(record: &FeedRecord) -> u64 {
    match record {
        FeedRecord::Event(_, line) | FeedRecord::Skipped { line, .. } => *line,
        FeedRecord::Rejected(row) => row.line,
        FeedRecord::Note(_) => 0,
    }
}

const FEED_EVENT: &str = "misp_feed/57c4445b-c548-4654-af0b-4be3950d210f.json";

#[test]
fn the_pymisp_feed_folder_gives_the_expected_counts() {
    let records = misp::parse_feed_directory(&external("misp_feed"), &context("misp_feed"))
        .expect("a readable feed");
    // Nine attributes: four not for detection, five for detection but naming a file,
    // hashes or a registry key. The event has no address, domain or URL to register.
    assert_eq!(counts(&records), (0, 9, 0), "{records:#?}");
    assert_eq!(
        records.iter().map(line_of).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(
        records[0],
        FeedRecord::Skipped {
            line: 1,
            reason: NOT_FOR_DETECTION.to_owned()
        }
    );
    assert_eq!(
        records[5],
        FeedRecord::Skipped {
            line: 6,
            reason: "attribute type 'md5' names no address, network, domain or URL".to_owned()
        }
    );
    assert_eq!(
        records[8],
        FeedRecord::Skipped {
            line: 9,
            reason: "attribute type 'regkey|value' names no address, network, domain or URL"
                .to_owned()
        }
    );
}

#[test]
fn the_feed_event_file_alone_reads_the_same() {
    let bytes = std::fs::read(external(FEED_EVENT)).expect("event file");
    assert_eq!(
        feeds::detect("57c4445b-c548-4654-af0b-4be3950d210f.json", &bytes).map(|f| f.name()),
        Some("misp")
    );
    let alone = read(&bytes, "57c4445b-c548-4654-af0b-4be3950d210f.json");
    let folder =
        misp::parse_feed_directory(&external("misp_feed"), &context("misp_feed")).expect("feed");
    assert_eq!(alone, folder);
}

#[test]
fn the_intelmq_event_gives_the_expected_counts() {
    let bytes = std::fs::read(external("other/misp_event_intelmq.json")).expect("event");
    assert_eq!(
        feeds::detect("misp_event_intelmq.json", &bytes).map(|f| f.name()),
        Some("misp")
    );
    let records = read(&bytes, "misp_event_intelmq.json");
    // A bare event (no "Event" wrapper) whose two attributes have to_ids false.
    assert_eq!(counts(&records), (0, 2, 0));
    assert_eq!(
        records,
        vec![
            FeedRecord::Skipped {
                line: 1,
                reason: NOT_FOR_DETECTION.to_owned()
            },
            FeedRecord::Skipped {
                line: 2,
                reason: NOT_FOR_DETECTION.to_owned()
            },
        ]
    );
}

#[test]
fn a_manifest_alone_is_refused_with_a_pointer_to_the_folder() {
    let bytes = std::fs::read(external("misp_feed/manifest.json")).expect("manifest");
    assert!(feeds::detect("manifest.json", &bytes).is_none_or(|f| f.name() != "misp"));
    let format = feeds::by_name("misp").expect("registered");
    let error = format
        .parse(
            Box::new(std::io::Cursor::new(bytes)),
            &context("manifest.json"),
        )
        .err()
        .expect("refused");
    assert!(error.reason.contains("read the feed's folder"), "{error}");
}

fn mixed() -> Vec<FeedRecord> {
    read(
        &std::fs::read(fixture("misp_event_mixed.json")).expect("fixture"),
        "misp_event_mixed.json",
    )
}

#[test]
fn every_attribute_gives_one_record_numbered_across_the_event() {
    let records = mixed();
    assert_eq!(counts(&records), (7, 4, 1), "{records:#?}");
    assert_eq!(
        records.iter().map(line_of).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    let skipped: Vec<(u64, &str)> = records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Skipped { line, reason } => Some((*line, reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (
                7,
                "attribute type 'md5' names no address, network, domain or URL"
            ),
            (8, NOT_FOR_DETECTION),
            (
                10,
                "category 'Targeting data' names the target of an attack, not the attacker"
            ),
            (11, "the attribute is deleted"),
        ]
    );
    let FeedRecord::Rejected(row) = &records[8] else {
        panic!("record 9 is rejected: {:?}", records[8]);
    };
    assert_eq!(row.line, 9);
    assert_eq!(
        row.reason,
        "ip-dst 'not-an-address' is not an IP address or network"
    );
    assert!(row.raw.contains("not-an-address"));
}

#[test]
fn a_c2_destination_is_harmonised_exactly() {
    let records = mixed();
    let document: Value =
        serde_json::from_slice(&std::fs::read(fixture("misp_event_mixed.json")).expect("fixture"))
            .expect("JSON");
    let mut expected = Event::new(
        "c2-server",
        "MISP misp_event_mixed.json",
        datetime!(2026-11-29 10:00 UTC),
        Tlp::Green,
        document["Event"]["Attribute"][0].to_string(),
    );
    expected.source_ip = Some("198.51.100.23".parse().expect("ip"));
    expected.time_source = Some(datetime!(2023-11-14 22:13:21 UTC));
    expected.feed_provider = Some("Test CERT".to_owned());
    expected.malware_name = Some("emotet".to_owned());
    for (key, value) in [
        ("misp_event_uuid", "5f0c2a4e-0000-4000-8000-000000000001"),
        ("misp_event_info", "Test event: Emotet infrastructure"),
        (
            "misp_attribute_uuid",
            "a0000000-0000-4000-8000-000000000001",
        ),
        ("misp_type", "ip-dst"),
        ("misp_category", "Network activity"),
        ("misp_comment", "C2 seen in sandbox"),
        // "5" means "as the event", which is "1" (this community only).
        ("misp_distribution", "1"),
        ("misp_tags", "tlp:green, misp-galaxy:malpedia=\"Emotet\""),
    ] {
        expected.extra.insert(key.to_owned(), value.to_owned());
    }
    assert_eq!(records[0], FeedRecord::Event(Box::new(expected), 1));
}

#[test]
fn composite_types_fill_address_port_and_domain() {
    let records = mixed();
    let with_port = event_at(&records, 2);
    assert_eq!(with_port.source_ip, Some("192.0.2.10".parse().expect("ip")));
    assert_eq!(with_port.source_port, Some(8080));
    // A source address in network activity: the attacker, of no known kind.
    assert_eq!(with_port.classification_type, "undetermined");
    assert_eq!(
        with_port.extra.get("misp_distribution").map(String::as_str),
        Some("0")
    );

    let domain_ip = event_at(&records, 3);
    assert_eq!(domain_ip.source_fqdn.as_deref(), Some("evil.example"));
    assert_eq!(
        domain_ip.source_ip,
        Some("203.0.113.5".parse().expect("ip"))
    );
    assert_eq!(domain_ip.classification_type, "malware-distribution");

    let network = event_at(&records, 6);
    assert_eq!(
        network.source_network.map(|n| n.to_string()).as_deref(),
        Some("198.51.100.0/24")
    );
    assert_eq!(network.source_ip, None);
}

#[test]
fn attribute_tags_override_the_event_for_tlp_classification_and_malware() {
    let records = mixed();
    let url = event_at(&records, 4);
    assert_eq!(
        url.source_url.as_deref(),
        Some("http://malware.example.net/payload.exe")
    );
    assert_eq!(url.source_fqdn.as_deref(), Some("malware.example.net"));
    // tlp:red and tlp:amber on the attribute: the most restrictive, over the event's green.
    assert_eq!(url.tlp, Tlp::Red);
    assert_eq!(url.classification_type, "malware-distribution");
    assert_eq!(url.time_source, Some(datetime!(2023-11-14 22:13:24 UTC)));

    let phishing = event_at(&records, 5);
    assert_eq!(phishing.source_fqdn.as_deref(), Some("login.bank.example"));
    assert_eq!(phishing.classification_type, "phishing");
    assert_eq!(phishing.classification_taxonomy, "fraud");
    assert_eq!(phishing.malware_name.as_deref(), Some("dridex"));
    assert_eq!(phishing.tlp, Tlp::Green);
}

#[test]
fn object_attributes_follow_the_event_attributes() {
    let records = mixed();
    let from_object = event_at(&records, 12);
    assert_eq!(from_object.source_fqdn.as_deref(), Some("c2.example.org"));
    assert_eq!(from_object.classification_type, "c2-server");
    assert_eq!(
        from_object.extra.get("misp_object").map(String::as_str),
        Some("domain-ip")
    );
}

#[test]
fn a_broken_feed_folder_rejects_its_bad_files_and_reads_the_rest() {
    let records =
        misp::parse_feed_directory(&fixture("misp_feed_broken"), &context("misp_feed_broken"))
            .expect("the manifest is readable");
    assert_eq!(counts(&records), (1, 1, 4), "{records:#?}");
    let reasons: Vec<(u64, String)> = records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Rejected(row) => Some((row.line, row.reason.clone())),
            _ => None,
        })
        .collect();
    // The manifest's entries in UUID order: "../escape" sorts first.
    assert_eq!(
        reasons[0],
        (
            1,
            "manifest.json lists '../escape', which is not an event UUID".to_owned()
        )
    );
    assert_eq!(reasons[1].0, 4);
    assert!(
        reasons[1].1.starts_with(
            "event file 22222222-2222-4222-8222-222222222222.json listed in manifest.json could not be read"
        ),
        "{}",
        reasons[1].1
    );
    assert_eq!(reasons[2].0, 5);
    assert!(
        reasons[2].1.starts_with(
            "event file 33333333-3333-4333-8333-333333333333.json listed in manifest.json is not valid JSON"
        ),
        "{}",
        reasons[2].1
    );
    assert_eq!(reasons[3].0, 6);
    assert!(
        reasons[3].1.starts_with(
            "event file 44444444-4444-4444-8444-444444444444.json listed in manifest.json was refused: the JSON is not a MISP event"
        ),
        "{}",
        reasons[3].1
    );
    let event = event_at(&records, 2);
    assert_eq!(event.source_ip, Some("203.0.113.77".parse().expect("ip")));
    assert_eq!(event.tlp, Tlp::Clear, "tlp:white is TLP:CLEAR");
    assert_eq!(
        event.extra.get("misp_distribution").map(String::as_str),
        Some("3")
    );
    assert_eq!(event.feed_name, "MISP misp_feed_broken");
}

#[test]
fn a_folder_without_a_manifest_is_refused() {
    let error =
        misp::parse_feed_directory(&fixture("no_such_feed"), &context("x")).expect_err("refused");
    assert!(error.reason.contains("manifest.json"), "{error}");
}

#[test]
fn search_responses_and_lists_of_events_are_read() {
    let attribute = r#"{"type": "url", "category": "Network activity", "to_ids": true, "value": "phish.example.com/login", "timestamp": "1700000000"}"#;
    let event = format!(
        r#"{{"Event": {{"uuid": "e1", "Tag": [{{"name": "tlp:amber+strict"}}], "Attribute": [{attribute}, {attribute}]}}}}"#
    );
    let response = format!(r#"{{"response": [{event}, {event}]}}"#);
    let records = read(response.as_bytes(), "response.json");
    assert_eq!(counts(&records), (4, 0, 0));
    assert_eq!(
        records.iter().map(line_of).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    let first = event_at(&records, 1);
    // No scheme in MISP's value: read as a web address.
    assert_eq!(
        first.source_url.as_deref(),
        Some("http://phish.example.com/login")
    );
    assert_eq!(first.tlp, Tlp::AmberStrict);

    let list = format!("[{event}, 7]");
    let records = read(list.as_bytes(), "list.json");
    assert_eq!(counts(&records), (2, 0, 1));

    let attributes = format!(r#"{{"response": {{"Attribute": [{attribute}]}}}}"#);
    let records = read(attributes.as_bytes(), "attributes.json");
    assert_eq!(counts(&records), (1, 0, 0));
    assert_eq!(
        event_at(&records, 1).tlp,
        Tlp::Amber,
        "no tag: the default TLP"
    );
}

#[test]
fn bad_values_and_timestamps_are_rejected_with_reasons() {
    let cases = [
        (
            r#"{"type": "ip-dst|port", "to_ids": true, "value": "192.0.2.1|99999"}"#,
            "'99999' is not a port",
        ),
        (
            r#"{"type": "domain|ip", "to_ids": true, "value": "example.com"}"#,
            "is not domain|ip",
        ),
        (
            r#"{"type": "domain", "to_ids": true, "value": "not a domain"}"#,
            "is not a valid domain name",
        ),
        (
            r#"{"type": "url", "to_ids": true, "value": "javascript:alert(1)"}"#,
            "is not an http, https or ftp URL",
        ),
        (
            r#"{"type": "ip-src", "to_ids": true, "value": "192.0.2.1", "timestamp": "soon"}"#,
            "timestamp 'soon' is not a Unix time",
        ),
        (
            r#"{"to_ids": true, "value": "192.0.2.1"}"#,
            "has no \"type\"",
        ),
        (r#"{"type": "ip-src", "to_ids": true}"#, "has no \"value\""),
        (r#""just text""#, "not a JSON object"),
    ];
    for (attribute, words) in cases {
        let document = format!(r#"{{"Event": {{"Attribute": [{attribute}]}}}}"#);
        let records = read(document.as_bytes(), "bad.json");
        match records.as_slice() {
            [FeedRecord::Rejected(row)] => {
                assert!(row.reason.contains(words), "{attribute}: {}", row.reason)
            }
            other => panic!("{attribute}: {other:?}"),
        }
    }
    let missing = read(
        br#"{"Event": {"Attribute": [{"type": "ip-src", "value": "192.0.2.1"}]}}"#,
        "x.json",
    );
    assert_eq!(
        missing,
        vec![FeedRecord::Skipped {
            line: 1,
            reason: "not marked for detection (to_ids is missing)".to_owned()
        }]
    );
}

#[test]
fn detection_tells_misp_from_other_json() {
    let format = feeds::by_name("misp").expect("registered");
    assert!(format.detect("x.json", br#"  {"Event": {"Attribute": []}}"#));
    assert!(format.detect("x.json", br#"{"response": [{"Event": {}}]}"#));
    assert!(!format.detect("x.json", br#"{"type": "bundle", "objects": []}"#));
    assert!(!format.detect("x.csv", b"Event,Attribute\n1,2\n"));
    for other in [
        "stix/indicator-for-c2-ip-address.json",
        "abusech/abusech_feodotracker_ipblocklist.json",
        "misp_feed/hashes.csv",
    ] {
        let bytes = std::fs::read(external(other)).expect("corpus file");
        assert!(!format.detect(other, &bytes), "{other} is not MISP");
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_misp_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let format = feeds::by_name("misp").expect("registered");
        if let Ok(records) = format.parse(Box::new(std::io::Cursor::new(bytes)), &context("fuzz.json")) {
            // Records come in the document's order, numbered from 1 (an attribute or object
            // may give several).
            let numbers: Vec<u64> = records
                .filter(|record| !matches!(record, FeedRecord::Note(_)))
                .map(|record| line_of(&record))
                .collect();
            prop_assert!(numbers.windows(2).all(|pair| pair[0] <= pair[1]), "{:?}", numbers);
            prop_assert!(numbers.first().is_none_or(|&first| first >= 1), "{:?}", numbers);
        }
    }

    #[test]
    fn arbitrary_attributes_give_exactly_one_record_each(
        values in proptest::collection::vec(("[a-z|-]{0,12}", any::<bool>(), "[ -~]{0,24}"), 0..8)
    ) {
        let attributes: Vec<Value> = values
            .iter()
            .map(|(kind, to_ids, value)| serde_json::json!({"type": kind, "to_ids": to_ids, "value": value, "category": "Network activity"}))
            .collect();
        let document = serde_json::json!({"Event": {"Attribute": attributes}});
        let records = read(document.to_string().as_bytes(), "p.json");
        prop_assert_eq!(records.len(), values.len());
        let numbers: Vec<u64> = records.iter().map(line_of).collect();
        prop_assert_eq!(numbers, (1..=values.len() as u64).collect::<Vec<_>>());
    }
}
