//! Round trips through Beacon's own parsers: what the exporters write, the ingest crate's
//! STIX and MISP readers (and the csv crate) read back to the same observables,
//! classifications and TLPs.

use beacon_core::{Event, Tlp};
use beacon_export::{Observable, csv, misp, observables, shareable, stix};
use beacon_ingest::feeds::stix::pattern::{self, Literal, Operator};
use beacon_ingest::feeds::{FeedContext, FeedFormat, FeedRecord};
use std::collections::BTreeSet;
use time::OffsetDateTime;
use time::macros::datetime;

const OBSERVED: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

fn event(classification: &str, tlp: Tlp, fill: impl FnOnce(&mut Event)) -> Event {
    let mut event = Event::new(classification, "Test feed", OBSERVED, tlp, "raw".into());
    event.time_source = Some(datetime!(2026-11-28 08:30:15 UTC));
    fill(&mut event);
    event
}

/// IPv4, IPv6, a network, a domain, a URL (with its host, as parsers fill it) and an
/// infected system, under every TLP but RED; and one RED event.
fn sample() -> Vec<Event> {
    vec![
        event("c2-server", Tlp::Green, |e| {
            e.source_ip = Some("192.0.2.1".parse().expect("test address"));
            e.malware_name = Some("emotet".into());
        }),
        event("scanner", Tlp::Clear, |e| {
            e.source_ip = Some("2001:db8::1".parse().expect("test address"));
        }),
        event("spam", Tlp::Amber, |e| {
            e.source_network = Some("198.51.100.0/24".parse().expect("test network"));
        }),
        event("phishing", Tlp::AmberStrict, |e| {
            e.source_fqdn = Some("login-bank.example".into());
        }),
        event("malware-distribution", Tlp::Green, |e| {
            e.source_url = Some("http://evil.example/it's/payload.exe?x=1".into());
            e.source_fqdn = Some("evil.example".into());
        }),
        event("brute-force", Tlp::Clear, |e| {
            e.source_network = Some("2001:db8:1::/48".parse().expect("test network"));
        }),
        event("infected-system", Tlp::Green, |e| {
            e.source_ip = Some("203.0.113.7".parse().expect("test address"));
        }),
        event("brute-force", Tlp::Red, |e| {
            e.source_ip = Some("203.0.113.66".parse().expect("test address"));
        }),
    ]
}

fn context(name: &str) -> FeedContext {
    FeedContext {
        file_name: name.into(),
        observed_at: datetime!(2026-12-01 00:00 UTC),
        // A missing marking would show up as RED.
        default_tlp: Tlp::Red,
    }
}

fn events_of(records: Vec<FeedRecord>) -> Vec<Event> {
    records
        .into_iter()
        .map(|record| match record {
            FeedRecord::Event(event, _) => *event,
            other => panic!("expected only events, got {other:?}"),
        })
        .collect()
}

/// (observables, classification type, TLP, malware) of each event, as a set.
type Summary = BTreeSet<(Vec<Observable>, String, Tlp, Option<String>)>;

fn summary<'a>(events: impl IntoIterator<Item = &'a Event>) -> Summary {
    events
        .into_iter()
        .map(|event| {
            (
                observables(event),
                event.classification_type.clone(),
                event.tlp,
                event.malware_name.clone(),
            )
        })
        .collect()
}

fn stix_text(events: &[&Event]) -> Vec<u8> {
    let mut out = Vec::new();
    stix::write_bundle(events, &mut out).expect("writing to memory works");
    out
}

fn parse_stix(bytes: Vec<u8>) -> Vec<Event> {
    let format: &dyn FeedFormat = &beacon_ingest::feeds::stix::Stix;
    assert!(format.detect("export.json", &bytes));
    let records = format
        .parse(
            Box::new(std::io::Cursor::new(bytes)),
            &context("export.json"),
        )
        .expect("the bundle is STIX");
    events_of(records.collect())
}

#[test]
fn stix_bundles_read_back_to_the_same_events() {
    let events = sample();
    let (kept, withheld) = shareable(&events, Tlp::AmberStrict);
    assert_eq!(withheld, 1);
    let parsed = parse_stix(stix_text(&kept));
    assert_eq!(parsed.len(), kept.len());
    // Every classification but infected-system survives (see docs/feeds/exports.md).
    let mut expected = summary(kept.iter().copied());
    let infected = expected
        .iter()
        .find(|entry| entry.1 == "infected-system")
        .cloned()
        .expect("the sample has an infected system");
    expected.remove(&infected);
    expected.insert((infected.0, "system-compromise".into(), infected.2, None));
    assert_eq!(summary(&parsed), expected);
    for event in &parsed {
        assert_eq!(event.time_source, Some(datetime!(2026-11-28 08:30:15 UTC)));
        assert!(event.tlp != Tlp::Red);
    }
}

#[test]
fn stix_bundles_hold_the_tlp_2_markings_they_reference() {
    let events = sample();
    let (kept, _) = shareable(&events, Tlp::Red);
    let bundle = stix::bundle(&kept);
    let objects = bundle["objects"].as_array().expect("a bundle has objects");
    let defined: BTreeSet<&str> = objects
        .iter()
        .filter(|object| object["type"] == "marking-definition")
        .filter_map(|object| object["id"].as_str())
        .collect();
    assert_eq!(defined.len(), 5, "every TLP is used once");
    for object in objects
        .iter()
        .filter(|object| object["type"] != "marking-definition")
    {
        let refs = object["object_marking_refs"]
            .as_array()
            .expect("every object is marked");
        assert_eq!(refs.len(), 1);
        assert!(defined.contains(refs[0].as_str().expect("an id")));
    }
    let indicators: Vec<&serde_json::Value> = objects
        .iter()
        .filter(|object| object["type"] == "indicator")
        .collect();
    assert_eq!(indicators.len(), 8);
    for indicator in &indicators {
        assert_eq!(indicator["pattern_type"], "stix");
        assert_eq!(indicator["spec_version"], "2.1");
        assert!(
            indicator["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("indicator--") && id.len() == 47)
        );
    }
    let c2 = indicators
        .iter()
        .find(|indicator| indicator["pattern"] == "[ipv4-addr:value = '192.0.2.1']")
        .expect("the C2 address is exported");
    assert_eq!(
        c2["indicator_types"],
        serde_json::json!(["malicious-activity"])
    );
    assert_eq!(c2["labels"], serde_json::json!(["c2-server"]));
    assert_eq!(c2["valid_from"], "2026-11-28T08:30:15.000Z");
    assert!(
        indicators
            .iter()
            .any(|indicator| indicator["pattern"] == "[ipv6-addr:value = '2001:db8:1::/48']")
    );
}

#[test]
fn misp_feeds_read_back_to_the_same_events() {
    let events = sample();
    let (kept, _) = shareable(&events, Tlp::AmberStrict);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let event_path = misp::write_feed(&kept, &misp::FeedInfo::default(), dir.path())
        .expect("the feed is written");
    assert!(dir.path().join("manifest.json").is_file());
    let hashes = std::fs::read_to_string(dir.path().join("hashes.csv")).expect("hashes.csv");
    assert_eq!(hashes.lines().count(), kept.len());
    let uuid = event_path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("the event file is <uuid>.json");
    assert!(
        hashes
            .lines()
            .all(|line| line.ends_with(&format!(",{uuid}")))
    );

    let records = beacon_ingest::feeds::misp::parse_feed_directory(dir.path(), &context("export"))
        .expect("the feed folder is MISP");
    let parsed = events_of(records);
    // The rsit: tags carry every IntelMQ type, so all classifications survive.
    assert_eq!(summary(&parsed), summary(kept.iter().copied()));
    for event in &parsed {
        assert_eq!(event.time_source, Some(datetime!(2026-11-28 08:30:15 UTC)));
        assert_eq!(event.feed_provider.as_deref(), Some("Beacon"));
    }
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&event_path).expect("the event file")).expect("JSON");
    assert_eq!(
        document["Event"]["Tag"][0]["name"], "tlp:amber+strict",
        "the event carries the most restrictive TLP"
    );
}

#[test]
fn csv_reads_back_with_intelmq_columns() {
    let events = sample();
    let (kept, _) = shareable(&events, Tlp::Amber);
    let mut out = Vec::new();
    csv::write_csv(&kept, &mut out).expect("writing to memory works");
    let mut reader = ::csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, csv::COLUMNS);
    let rows: Vec<::csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), kept.len());
    for (row, event) in rows.iter().zip(&kept) {
        let cell = |name: &str| {
            let index = csv::COLUMNS
                .iter()
                .position(|column| *column == name)
                .expect("a known column");
            row.get(index).expect("a full row").to_owned()
        };
        assert_eq!(cell("tlp"), event.tlp.as_str());
        assert_eq!(cell("classification.type"), event.classification_type);
        assert_eq!(
            cell("source.ip"),
            event.source_ip.map(|ip| ip.to_string()).unwrap_or_default()
        );
        assert_eq!(
            cell("source.network"),
            event
                .source_network
                .map(|network| network.to_string())
                .unwrap_or_default()
        );
        assert_eq!(
            cell("source.url"),
            event.source_url.clone().unwrap_or_default()
        );
        assert_eq!(cell("time.source"), "2026-11-28T08:30:15Z");
        assert_eq!(cell("time.observation"), "2026-11-29T10:00:00Z");
    }
    assert!(
        rows.iter()
            .all(|row| !row.iter().any(|cell| cell == "TLP:RED"))
    );
}

#[test]
fn output_is_deterministic() {
    let events = sample();
    let (kept, _) = shareable(&events, Tlp::Red);
    let mut reversed = kept.clone();
    reversed.reverse();
    assert_eq!(stix_text(&kept), stix_text(&kept));
    assert_eq!(
        stix_text(&kept),
        stix_text(&reversed),
        "order does not matter"
    );

    let write_csv = |events: &[&Event]| {
        let mut out = Vec::new();
        csv::write_csv(events, &mut out).expect("writing to memory works");
        out
    };
    assert_eq!(write_csv(&kept), write_csv(&kept));

    let feed = |events: &[&Event]| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        misp::write_feed(events, &misp::FeedInfo::default(), dir.path()).expect("written");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
            .expect("the folder")
            .map(|entry| {
                let entry = entry.expect("an entry");
                (
                    entry.file_name().to_string_lossy().into_owned(),
                    std::fs::read(entry.path()).expect("a file"),
                )
            })
            .collect();
        files.sort();
        files
    };
    let first = feed(&kept);
    assert_eq!(first.len(), 3);
    assert_eq!(first, feed(&kept));
    assert_eq!(first, feed(&reversed));
}

#[test]
fn the_same_observable_twice_is_one_indicator_at_the_stricter_tlp() {
    let events = vec![
        event("c2-server", Tlp::Clear, |e| {
            e.source_ip = Some("192.0.2.1".parse().expect("test address"));
        }),
        event("c2-server", Tlp::Amber, |e| {
            e.source_ip = Some("192.0.2.1".parse().expect("test address"));
            e.time_source = Some(datetime!(2026-11-01 00:00 UTC));
        }),
    ];
    let (kept, _) = shareable(&events, Tlp::Amber);
    let parsed = parse_stix(stix_text(&kept));
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].tlp, Tlp::Amber);
    assert_eq!(parsed[0].time_source, Some(datetime!(2026-11-01 00:00 UTC)));
}

#[test]
fn hostile_values_survive_the_stix_pattern() {
    for value in [
        "http://evil.example/it's",
        "http://evil.example/a\\b",
        "http://evil.example/a\nb",
        "http://evil.example/\\'; ] OR [url:value = 'x",
        "'",
        "\\",
        "\\\\''",
    ] {
        let observable = Observable {
            kind: beacon_export::Kind::Url,
            value: value.to_owned(),
        };
        let text = stix::pattern(&observable);
        let parsed = pattern::parse(&text).expect("the exported pattern parses");
        let comparisons = parsed.comparisons();
        assert_eq!(comparisons.len(), 1, "{text}");
        assert_eq!(
            comparisons[0].operator,
            Operator::Equal(Literal::String(value.to_owned())),
            "{text}"
        );
    }
    // Through the whole reader: the value is read back (the URL parser then normalises
    // it, dropping the newline as browsers do), and nothing is rejected.
    let events = vec![event("phishing", Tlp::Green, |e| {
        e.source_url = Some("http://evil.example/a'b\nc\\d".into());
    })];
    let (kept, _) = shareable(&events, Tlp::Green);
    let parsed = parse_stix(stix_text(&kept));
    assert_eq!(parsed.len(), 1);
    assert_eq!(
        parsed[0].source_url.as_deref(),
        Some("http://evil.example/a'bc/d")
    );
    assert_eq!(parsed[0].classification_type, "phishing");
}

#[test]
fn nothing_shareable_gives_an_empty_bundle_and_a_header() {
    let events = sample();
    let (kept, withheld) = shareable(&events[7..], Tlp::AmberStrict);
    assert_eq!((kept.len(), withheld), (0, 1), "RED needs a RED ceiling");
    let bundle = stix::bundle(&kept);
    assert!(bundle.get("objects").is_none());
    assert!(parse_stix(stix_text(&kept)).is_empty());
    let mut out = Vec::new();
    csv::write_csv(&kept, &mut out).expect("writing to memory works");
    assert_eq!(String::from_utf8_lossy(&out).lines().count(), 1);
}

/// What Beacon's STIX reader makes of each IntelMQ type (the table in
/// `docs/feeds/exports.md`); MISP keeps every type through its `rsit:` tag.
fn stix_reads_back_as(classification: &str) -> &str {
    match classification {
        "phishing"
        | "c2-server"
        | "scanner"
        | "brute-force"
        | "spam"
        | "ddos"
        | "malware-distribution"
        | "system-compromise" => classification,
        "malware-configuration" => "malware-distribution",
        "ddos-amplifier" => "ddos",
        "infected-system"
        | "privileged-account-compromise"
        | "unprivileged-account-compromise"
        | "application-compromise"
        | "burglary" => "system-compromise",
        _ => "undetermined",
    }
}

#[test]
fn every_intelmq_type_reads_back_as_documented() {
    let mut events = Vec::new();
    for (index, (_, types)) in beacon_core::event::CLASSIFICATIONS.iter().enumerate() {
        for (number, kind) in types.iter().enumerate() {
            events.push(event(kind, Tlp::Green, |e| {
                e.source_ip = Some(
                    format!("192.0.2.{}", index * 10 + number)
                        .parse()
                        .expect("test address"),
                );
            }));
        }
    }
    let (kept, _) = shareable(&events, Tlp::Green);
    let parsed = parse_stix(stix_text(&kept));
    let expected: BTreeSet<(Vec<Observable>, String)> = kept
        .iter()
        .map(|e| {
            (
                observables(e),
                stix_reads_back_as(&e.classification_type).to_owned(),
            )
        })
        .collect();
    let read: BTreeSet<(Vec<Observable>, String)> = parsed
        .iter()
        .map(|e| (observables(e), e.classification_type.clone()))
        .collect();
    assert_eq!(read, expected);

    let dir = tempfile::tempdir().expect("a temporary folder");
    misp::write_feed(&kept, &misp::FeedInfo::default(), dir.path()).expect("written");
    let records = beacon_ingest::feeds::misp::parse_feed_directory(dir.path(), &context("x"))
        .expect("the feed folder is MISP");
    let read: BTreeSet<(Vec<Observable>, String)> = events_of(records)
        .iter()
        .map(|e| (observables(e), e.classification_type.clone()))
        .collect();
    let all: BTreeSet<(Vec<Observable>, String)> = kept
        .iter()
        .map(|e| (observables(e), e.classification_type.clone()))
        .collect();
    assert_eq!(read, all);
}

#[test]
fn every_stix_object_names_its_producer_and_indicators_say_what_they_are() {
    let events = sample();
    let (kept, _) = shareable(&events, Tlp::AmberStrict);
    let bundle = stix::bundle(&kept);
    let objects = bundle["objects"].as_array().expect("objects");
    let producers: Vec<&serde_json::Value> = objects
        .iter()
        .filter(|object| object["type"] == "identity")
        .collect();
    assert_eq!(producers.len(), 1, "one producer identity");
    let producer = producers[0];
    assert_eq!(producer["name"], "Beacon");
    assert_eq!(producer["identity_class"], "system");
    assert_eq!(producer["id"], stix::producer_id().as_str());
    for object in objects {
        if object["type"] == "marking-definition" {
            continue;
        }
        assert_eq!(
            object["created_by_ref"], producer["id"],
            "{object:#}: created by the producer"
        );
    }
    let indicators: Vec<&serde_json::Value> = objects
        .iter()
        .filter(|object| object["type"] == "indicator")
        .collect();
    assert!(!indicators.is_empty());
    for indicator in indicators {
        assert!(
            indicator["name"]
                .as_str()
                .is_some_and(|name| !name.is_empty())
        );
        assert!(
            indicator["description"]
                .as_str()
                .is_some_and(|text| text.contains("reported as")),
            "{indicator:#}"
        );
    }
    let emotet = objects
        .iter()
        .find(|object| {
            object["type"] == "indicator" && object["pattern"] == "[ipv4-addr:value = '192.0.2.1']"
        })
        .expect("the C2 indicator");
    assert_eq!(
        emotet["description"],
        "An IPv4 reported as c2-server (malicious-code, malware emotet) in 1 event, first \
         seen 2026-11-28, last observed 2026-11-29."
    );
}
