//! The feed parsers against the conformance corpus in `shared/data/external/feeds`: real
//! files from Shadowserver (via IntelMQ's tests), abuse.ch, Spamhaus, OpenPhish and CERT-EU.
//!
//! For every file: `--format auto` detection picks the right format, and the counts of
//! events, skipped and rejected records are exactly as listed. For a chosen few, the first
//! event's harmonised fields are checked in full.

use beacon_core::Tlp;
use beacon_ingest::feeds::{self, FeedContext, FeedRecord, shadowserver};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::macros::datetime;

/// Where the shared corpus lives (the repository is `main/`, beside `shared/`).
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/feeds"
);

/// How many bytes of a file `--format auto` looks at.
const HEAD_BYTES: usize = 8 * 1024;

/// file (under the corpus) → (format, events, skipped, rejected).
const EXPECTED: &[(&str, &str, usize, usize, usize)] = &[
    ("shadowserver/blocklist.csv", "shadowserver", 3, 0, 0),
    (
        "shadowserver/compromised_website.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    (
        "shadowserver/event4_ddos_participant.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    (
        "shadowserver/event4_honeypot_brute_force.csv",
        "shadowserver",
        6,
        0,
        0,
    ),
    // Every row has 59 fields under a 60-column header: read with the last one empty.
    (
        "shadowserver/event4_honeypot_ddos.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    // Row 6: src_ip '37.120.178.9.10'.
    (
        "shadowserver/event4_honeypot_ddos_amp.csv",
        "shadowserver",
        4,
        0,
        1,
    ),
    (
        "shadowserver/event4_honeypot_http_scan.csv",
        "shadowserver",
        2,
        0,
        0,
    ),
    (
        "shadowserver/event4_ip_spoofer.csv",
        "shadowserver",
        6,
        0,
        0,
    ),
    (
        "shadowserver/event4_microsoft_sinkhole_http.csv",
        "shadowserver",
        5,
        0,
        0,
    ),
    // Row 4: dst_ip '148.81.111.11.12'.
    ("shadowserver/event4_sinkhole.csv", "shadowserver", 2, 0, 1),
    (
        "shadowserver/event4_sinkhole_http.csv",
        "shadowserver",
        5,
        0,
        0,
    ),
    (
        "shadowserver/event4_sinkhole_http_referer.csv",
        "shadowserver",
        5,
        0,
        0,
    ),
    ("shadowserver/malware_url.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/phish_url.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/sandbox_conn.csv", "shadowserver", 3, 0, 0),
    // Sandbox DNS lookups name no address, network, domain or URL field.
    ("shadowserver/sandbox_dns.csv", "shadowserver", 0, 3, 0),
    ("shadowserver/scan_adb.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_afp.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_ard.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_chargen.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_coap.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_couchdb.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_db2.csv", "shadowserver", 2, 0, 0),
    (
        "shadowserver/scan_ddos_middlebox.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    ("shadowserver/scan_docker.csv", "shadowserver", 3, 0, 0),
    (
        "shadowserver/scan_dvr_dhcpdiscover.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    ("shadowserver/scan_exchange.csv", "shadowserver", 7, 0, 0),
    ("shadowserver/scan_ftp.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_http.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_http_proxy.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ics.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ipmi.csv", "shadowserver", 95, 0, 0),
    ("shadowserver/scan_isakmp.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_kubernetes.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ldap_udp.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_mdns.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_mongodb.csv", "shadowserver", 10, 0, 0),
    ("shadowserver/scan_mqtt.csv", "shadowserver", 1, 0, 0),
    ("shadowserver/scan_mssql.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_mysql.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_netbios.csv", "shadowserver", 3, 0, 0),
    (
        "shadowserver/scan_netis_router.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    ("shadowserver/scan_ntpmonitor.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_portmapper.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_qotd.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_quic.csv", "shadowserver", 3, 0, 0),
    // Every row has 31 fields under a 32-column header: read with the last one empty.
    ("shadowserver/scan_rdp.csv", "shadowserver", 2, 0, 0),
    ("shadowserver/scan_rdpeudp.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_rsync.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_sip.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_smb.csv", "shadowserver", 3, 0, 0),
    (
        "shadowserver/scan_smtp_vulnerable.csv",
        "shadowserver",
        2,
        0,
        0,
    ),
    ("shadowserver/scan_socks.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ssdp.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ssl.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ssl_freak.csv", "shadowserver", 45, 0, 0),
    ("shadowserver/scan_stun.csv", "shadowserver", 3, 0, 0),
    // Row 4 has 18 fields under a 19-column header: read with the last one empty.
    ("shadowserver/scan_synfulknock.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_tftp.csv", "shadowserver", 3, 0, 0),
    ("shadowserver/scan_ubiquiti.csv", "shadowserver", 3, 0, 0),
    (
        "shadowserver/scan_ws_discovery.csv",
        "shadowserver",
        3,
        0,
        0,
    ),
    ("shadowserver/scan_xdmcp.csv", "shadowserver", 3, 0, 0),
    // No report type in the name: known as scan_smb from its header.
    ("shadowserver/test_smb.csv", "shadowserver", 3, 0, 0),
    (
        "abusech/abusech_feodotracker_ipblocklist.json",
        "feodo",
        4,
        0,
        0,
    ),
    ("abusech/abusech_urlhaus_tld_ch.csv", "urlhaus", 2, 0, 0),
    ("other/spamhaus_drop.txt", "spamhaus-drop", 2, 0, 0),
    ("other/spamhaus_asndrop.txt", "spamhaus-asndrop", 2, 0, 0),
    // Both URLs have an empty label in their host (`www..example.com`).
    ("other/openphish_feed.txt", "openphish", 0, 0, 2),
    ("other/cert_eu_example.csv", "cert-eu", 2, 0, 0),
];

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{path}"))
        .unwrap_or_else(|error| panic!("the corpus file {path} should be readable: {error}"))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn context(file_name: &str) -> FeedContext {
    FeedContext {
        file_name: file_name.to_owned(),
        observed_at: datetime!(2026-01-01 00:00 UTC),
        default_tlp: Tlp::Amber,
    }
}

/// Detects the format as `--format auto` would and parses the whole file.
fn parse_auto(path: &str) -> (&'static str, Vec<FeedRecord>) {
    parse_named(path, file_name(path))
}

fn parse_named(path: &str, name: &str) -> (&'static str, Vec<FeedRecord>) {
    let bytes = read(path);
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    let format = feeds::detect(name, head)
        .unwrap_or_else(|| panic!("no format recognises {path} (named {name})"));
    let records = format
        .parse(
            Box::new(std::io::Cursor::new(bytes.clone())),
            &context(name),
        )
        .unwrap_or_else(|error| panic!("{path} should parse: {error}"))
        .collect();
    (format.name(), records)
}

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

#[test]
fn every_corpus_file_is_detected_and_counted_exactly() {
    let mut failures = Vec::new();
    for &(path, format, events, skipped, rejected) in EXPECTED {
        let (found, records) = parse_auto(path);
        let got = counts(&records);
        if found != format || got != (events, skipped, rejected) {
            failures.push(format!(
                "{path}: expected {format} {:?}, got {found} {got:?}",
                (events, skipped, rejected)
            ));
        }
        for record in &records {
            let line = match record {
                FeedRecord::Event(_, line) | FeedRecord::Skipped { line, .. } => *line,
                FeedRecord::Rejected(row) => row.line,
                FeedRecord::Note(_) => continue,
            };
            assert!(line >= 1, "{path}: line numbers are 1-based");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_covers_every_shadowserver_and_abusech_file() {
    for folder in ["shadowserver", "abusech"] {
        let entries = std::fs::read_dir(format!("{CORPUS}/{folder}"))
            .expect("the corpus folder should be readable");
        for entry in entries {
            let name = entry.expect("a folder entry").file_name();
            let path = format!("{folder}/{}", name.to_string_lossy());
            assert!(
                EXPECTED.iter().any(|(known, ..)| *known == path),
                "{path} is not in the expected-counts table"
            );
        }
    }
    let shadowserver = EXPECTED
        .iter()
        .filter(|(path, ..)| path.starts_with("shadowserver/"))
        .count();
    assert_eq!(shadowserver, 63, "62 report types and test_smb.csv");
}

#[test]
fn every_shadowserver_report_type_in_the_corpus_is_mapped() {
    for (path, ..) in EXPECTED
        .iter()
        .filter(|(path, ..)| path.starts_with("shadowserver/"))
    {
        let name = file_name(path);
        if name == "test_smb.csv" {
            continue;
        }
        let report = shadowserver::report_type_from_file_name(name)
            .unwrap_or_else(|| panic!("{name} names no known report type"));
        assert_eq!(format!("{}.csv", report.name), name);
    }
}

/// Report types the header alone cannot tell (the generic scan header, or a header
/// identical to another type's), with what it reads as instead.
const HEADER_AMBIGUOUS: &[(&str, Option<&str>)] = &[
    (
        "event4_microsoft_sinkhole_http",
        Some("event4_sinkhole_http"),
    ),
    ("event4_honeypot_ddos", Some("event4_ddos_participant")),
    ("scan_socks", None),
    ("scan_smtp_vulnerable", None),
];

#[test]
fn shadowserver_headers_tell_the_report_type_when_the_name_does_not() {
    for (path, ..) in EXPECTED
        .iter()
        .filter(|(path, ..)| path.starts_with("shadowserver/"))
    {
        let bytes = read(path);
        let first = bytes
            .split(|&byte| byte == b'\n')
            .next()
            .unwrap_or_default();
        let columns: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(first)
            .records()
            .next()
            .expect("a header")
            .expect("a readable header")
            .iter()
            .map(str::to_lowercase)
            .collect();
        let stem = file_name(path).trim_end_matches(".csv");
        let expected = match HEADER_AMBIGUOUS.iter().find(|(name, _)| *name == stem) {
            Some((_, instead)) => *instead,
            None if stem == "test_smb" => Some("scan_smb"),
            None => Some(stem),
        };
        assert_eq!(
            shadowserver::report_type_from_header(&columns).map(|report| report.name),
            expected,
            "{path}"
        );
    }
}

/// The first event of a file as JSON, without `raw`.
fn first_event(path: &str) -> (u64, Value, String) {
    let (_, records) = parse_auto(path);
    let (event, line) = records
        .iter()
        .find_map(|record| match record {
            FeedRecord::Event(event, line) => Some((event, *line)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{path} should give an event"));
    let mut value = serde_json::to_value(&**event).expect("an event serialises");
    let raw = value
        .as_object_mut()
        .and_then(|object| object.remove("raw"))
        .and_then(|raw| raw.as_str().map(str::to_owned))
        .expect("an event has raw text");
    (line, value, raw)
}

/// Fields every corpus event shares (observed at the test's time, the default TLP).
fn with_common(feed_name: &str, mut fields: BTreeMap<&str, Value>) -> Value {
    fields.insert("feed.name", json!(feed_name));
    fields.insert("time.observation", json!("2026-01-01T00:00:00Z"));
    fields.entry("tlp").or_insert(json!("TLP:AMBER"));
    serde_json::to_value(fields).expect("a map serialises")
}

macro_rules! fields {
    ($($key:literal : $value:expr),* $(,)?) => {{
        let mut map = BTreeMap::new();
        $(map.insert($key, json!($value));)*
        map
    }};
}

#[test]
fn event4_sinkhole_http_first_event() {
    let (line, event, raw) = first_event("shadowserver/event4_sinkhole_http.csv");
    assert_eq!(line, 2);
    assert!(raw.starts_with("\"2021-03-04 00:00:00\",\"tcp\",\"103.196.1.2\",60902,"));
    let expected = with_common(
        "Shadowserver event4_sinkhole_http",
        fields! {
            "feed.provider": "Shadowserver",
            "classification.taxonomy": "malicious-code",
            "classification.type": "infected-system",
            // The infection column is empty in this (older) file: the tag names it.
            "classification.identifier": "avalanche-andromeda",
            "malware.name": "andromeda",
            "time.source": "2021-03-04T00:00:00Z",
            "source.ip": "103.196.1.2",
            "source.port": 60902,
            "source.asn": 134707,
            "source.geolocation.cc": "PH",
            "destination.ip": "184.105.1.2",
            "destination.port": 80,
            "destination.asn": 6939,
            "destination.fqdn": "differentia.ru",
            "extra.protocol": "tcp",
            "extra.src_region": "NUEVA ECIJA",
            "extra.src_city": "DEL PILAR",
            "extra.dst_geo": "US",
            "extra.dst_region": "CALIFORNIA",
            "extra.dst_city": "FREMONT",
            "extra.dst_naics": "518210",
            "extra.dst_sector": "Communications, Service Provider, and Hosting Service",
            "extra.family": "andromeda",
            "extra.tag": "avalanche-andromeda",
        },
    );
    assert_eq!(event, expected);
}

#[test]
fn scan_smb_first_event() {
    let (line, event, raw) = first_event("shadowserver/scan_smb.csv");
    assert_eq!(line, 2);
    assert_eq!(
        raw,
        "\"2010-02-10 00:00:00\",192.168.0.1,445,node01.example.com,smb,64512,ZZ,Region,City,0,0,N,,,N,2,1,0,\"SMB 2.1\""
    );
    let expected = with_common(
        "Shadowserver scan_smb",
        fields! {
            "feed.provider": "Shadowserver",
            "classification.taxonomy": "vulnerable",
            "classification.type": "vulnerable-system",
            "classification.identifier": "open-smb",
            "time.source": "2010-02-10T00:00:00Z",
            "source.ip": "192.168.0.1",
            "source.port": 445,
            "source.asn": 64512,
            "source.geolocation.cc": "ZZ",
            // Reverse DNS, not a reported domain: kept in extra, as the schema says.
            "extra.hostname": "node01.example.com",
            "extra.tag": "smb",
            "extra.region": "Region",
            "extra.city": "City",
            "extra.naics": "0",
            "extra.sic": "0",
            "extra.smb_implant": "N",
            "extra.smbv1_support": "N",
            "extra.smb_major_number": "2",
            "extra.smb_minor_number": "1",
            "extra.smb_revision": "0",
            "extra.smb_version_string": "SMB 2.1",
        },
    );
    assert_eq!(event, expected);
}

#[test]
fn blocklist_first_event_and_its_network_entry() {
    let (line, event, _) = first_event("shadowserver/blocklist.csv");
    assert_eq!(line, 2);
    let expected = with_common(
        "Shadowserver blocklist",
        fields! {
            "feed.provider": "Shadowserver",
            "classification.taxonomy": "other",
            "classification.type": "blacklist",
            "classification.identifier": "blacklisted-ip",
            "time.source": "2019-09-04T07:00:19Z",
            "source.ip": "198.123.245.134",
            "source.asn": 5678,
            "source.geolocation.cc": "XX",
            "extra.hostname": "host.local",
            "extra.source": "Alien Vault",
            "extra.reason": "Malicious Host AA",
            "extra.region": "LOCATION",
            "extra.city": "LOCATION",
            "extra.naics": "517311",
            "extra.sic": "0",
            "extra.sector": "0",
        },
    );
    assert_eq!(event, expected);
    let (_, records) = parse_auto("shadowserver/blocklist.csv");
    let FeedRecord::Event(third, 4) = &records[2] else {
        panic!(
            "the third row should be an event on line 4: {:?}",
            records[2]
        );
    };
    assert_eq!(
        third.source_network.map(|network| network.to_string()),
        Some("198.123.245.0/24".to_owned())
    );
    assert_eq!(third.source_ip, None);
}

#[test]
fn urlhaus_first_event() {
    let (line, event, raw) = first_event("abusech/abusech_urlhaus_tld_ch.csv");
    assert_eq!(line, 12);
    assert_eq!(
        raw,
        "2019-02-13 00:34:42,http://marconuenlist.ch/verif.accounts.docs.net/,offline,malware_download,marconuenlist.ch,62.241.37.242,29083,DE"
    );
    let expected = with_common(
        "URLhaus",
        fields! {
            "feed.provider": "abuse.ch",
            "classification.taxonomy": "malicious-code",
            "classification.type": "malware-distribution",
            "time.source": "2019-02-13T00:34:42Z",
            "source.url": "http://marconuenlist.ch/verif.accounts.docs.net/",
            "source.fqdn": "marconuenlist.ch",
            "source.ip": "62.241.37.242",
            "source.asn": 29083,
            "source.geolocation.cc": "DE",
            "extra.url_status": "offline",
            "extra.threat": "malware_download",
        },
    );
    assert_eq!(event, expected);
}

#[test]
fn feodo_first_event() {
    let (line, event, raw) = first_event("abusech/abusech_feodotracker_ipblocklist.json");
    assert_eq!(line, 2);
    assert!(raw.starts_with('{') && raw.ends_with('}') && raw.contains("51.178.161.32"));
    let expected = with_common(
        "Feodo Tracker",
        fields! {
            "feed.provider": "abuse.ch",
            "classification.taxonomy": "malicious-code",
            "classification.type": "c2-server",
            "malware.name": "dridex",
            "time.source": "2021-01-17T07:44:46Z",
            "source.ip": "51.178.161.32",
            "source.port": 4643,
            "source.asn": 16276,
            "source.as_name": "OVH",
            "source.geolocation.cc": "FR",
            "extra.status": "online",
            "extra.hostname": "srv-web.ffconsulting.com",
            "extra.last_online": "2022-11-15",
        },
    );
    assert_eq!(event, expected);
    // The last entry has no first_seen: its last_online date stands in.
    let (_, records) = parse_auto("abusech/abusech_feodotracker_ipblocklist.json");
    let FeedRecord::Event(last, 38) = &records[3] else {
        panic!(
            "the last entry should be an event on line 38: {:?}",
            records[3]
        );
    };
    assert_eq!(last.time_source, Some(datetime!(2022-11-15 00:00 UTC)));
}

#[test]
fn spamhaus_drop_first_event() {
    let (line, event, raw) = first_event("other/spamhaus_drop.txt");
    assert_eq!(line, 5);
    assert_eq!(raw, "1.4.0.0/17 ; SBL256893");
    let expected = with_common(
        "Spamhaus DROP",
        fields! {
            "feed.provider": "Spamhaus",
            "classification.taxonomy": "other",
            "classification.type": "blacklist",
            "classification.identifier": "spamhaus-drop",
            // The banner's Last-Modified date.
            "time.source": "2015-09-14T04:39:22Z",
            "source.network": "1.4.0.0/17",
            "extra.sbl": "SBL256893",
        },
    );
    assert_eq!(event, expected);
}

#[test]
fn spamhaus_asn_drop_first_event() {
    let (line, event, raw) = first_event("other/spamhaus_asndrop.txt");
    assert_eq!(line, 5);
    assert_eq!(raw, "AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US");
    let expected = with_common(
        "Spamhaus ASN-DROP",
        fields! {
            "feed.provider": "Spamhaus",
            "classification.taxonomy": "other",
            "classification.type": "blacklist",
            "classification.identifier": "spamhaus-asndrop",
            "time.source": "2015-09-14T04:39:22Z",
            "source.asn": 260,
            "source.as_name": "XCONNECT24 - Xconnect24 Inc., US",
            "source.geolocation.cc": "AE",
        },
    );
    assert_eq!(event, expected);
}

#[test]
fn openphish_urls_with_an_empty_host_label_are_rejected_with_a_plain_reason() {
    let (_, records) = parse_auto("other/openphish_feed.txt");
    let rejected: Vec<(u64, &str)> = records
        .iter()
        .map(|record| match record {
            FeedRecord::Rejected(row) => (row.line, row.reason.as_str()),
            other => panic!("expected rejections only, got {other:?}"),
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (
                1,
                "'http://www..example.com/phishing' has an empty label in its host \
                 'www..example.com' (dots with nothing between them), so it names no real host"
            ),
            (
                2,
                "'http://www..example.invalid/phishing' has an empty label in its host \
                 'www..example.invalid' (dots with nothing between them), so it names no real \
                 host"
            ),
        ]
    );
}

#[test]
fn cert_eu_first_event() {
    let (line, event, _) = first_event("other/cert_eu_example.csv");
    assert_eq!(line, 2);
    let expected = with_common(
        "CERT-EU",
        fields! {
            "feed.provider": "CERT-EU",
            // The row's own TLP wins over the run's default.
            "tlp": "TLP:AMBER",
            // CERT-EU's "malware url", through IntelMQ's CERT-EU table.
            "classification.taxonomy": "malicious-code",
            "classification.type": "malware-distribution",
            "time.source": "2019-04-01T03:13:20Z",
            "source.ip": "109.125.93.10",
            "source.port": 80,
            "source.asn": 65536,
            "source.as_name": "EXAMPLE, AT",
            "source.geolocation.cc": "AT",
            "source.url": "http://example.com/",
            "source.fqdn": "example.com",
            "extra.feed_code": "RI",
            "extra.observation_time": "2019-04-01 10:13:23Z",
            "extra.description": "A URL is the most common resource with reference to malware binary distribution.",
            "extra.type": "malware url",
            "extra.first_seen": "2019-04-01 03:13:20Z",
            "extra.last_seen": "2019-04-01 03:13:20Z",
            "extra.source_country": "Austria",
            "extra.source_city": "Linz",
            "extra.source_longitude": "14.28611",
            "extra.source_latitude": "48.306389",
            "extra.source_location": "48.306389,14.28611",
            "extra.source_geohash": "u2d4v1fv47xd",
            "extra.confidence_level": "51",
            "extra.reported_asn": "65536",
            "extra.version": "1.5",
            "extra.expiration_date": "2019-05-01 09:27:55Z",
        },
    );
    assert_eq!(event, expected);
    let (_, records) = parse_auto("other/cert_eu_example.csv");
    let FeedRecord::Event(second, 3) = &records[1] else {
        panic!("the second row should be an event on line 3");
    };
    assert_eq!(second.tlp, Tlp::Green);
    assert_eq!(second.classification_type, "phishing");
}

#[test]
fn shadowserver_rejections_say_what_and_where() {
    let (_, records) = parse_auto("shadowserver/event4_sinkhole.csv");
    let rejected: Vec<_> = records
        .iter()
        .filter_map(|record| match record {
            FeedRecord::Rejected(row) => Some(row),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 4);
    assert_eq!(
        rejected[0].reason,
        "dst_ip '148.81.111.11.12' is not an IP address"
    );
    assert!(rejected[0].raw.contains("148.81.111.11.12"));
}

#[test]
fn a_dated_shadowserver_file_name_still_names_its_type() {
    let (format, records) = parse_named(
        "shadowserver/scan_smb.csv",
        "2024-01-01-scan_smb-country-geo.csv",
    );
    assert_eq!(format, "shadowserver");
    assert_eq!(counts(&records), (3, 0, 0));
}

#[test]
fn the_formats_document_lists_every_shadowserver_report_type() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/feeds/formats.md");
    let text = std::fs::read_to_string(path).expect("docs/feeds/formats.md should exist");
    for report in shadowserver::REPORT_TYPES {
        let taxonomy = beacon_core::event::taxonomy_of(report.classification_type)
            .expect("a valid classification");
        let row = format!(
            "| `{}` | {taxonomy} | {} |",
            report.name, report.classification_type
        );
        assert!(
            text.contains(&row),
            "docs/feeds/formats.md has no row starting {row}"
        );
    }
}

/// Shadowserver files whose rows stop before the header does, with how many rows do
/// (counted by hand with Python's `csv` module).
const SHORT_ROWS: &[(&str, usize)] = &[
    ("shadowserver/event4_honeypot_ddos.csv", 3),
    ("shadowserver/scan_rdp.csv", 2),
    ("shadowserver/scan_synfulknock.csv", 1),
];

#[test]
fn rows_short_of_trailing_fields_are_read_as_empty_and_counted_in_one_note() {
    for &(path, ..) in EXPECTED {
        let (_, records) = parse_auto(path);
        let notes: Vec<&String> = records
            .iter()
            .filter_map(|record| match record {
                FeedRecord::Note(note) => Some(note),
                _ => None,
            })
            .collect();
        let expected = match SHORT_ROWS.iter().find(|(short, _)| *short == path) {
            Some((_, 1)) => vec!["1 row was short of trailing fields; read as empty".to_owned()],
            Some((_, count)) => {
                vec![format!(
                    "{count} rows were short of trailing fields; read as empty"
                )]
            }
            None => Vec::new(),
        };
        assert_eq!(notes, expected.iter().collect::<Vec<_>>(), "{path}");
        if !expected.is_empty() {
            assert!(
                matches!(records.last(), Some(FeedRecord::Note(_))),
                "{path}: the note comes after the records it speaks of"
            );
        }
    }
}

#[test]
fn a_short_scan_rdp_row_keeps_every_field_it_has() {
    let (line, event, _) = first_event("shadowserver/scan_rdp.csv");
    assert_eq!(line, 2);
    assert_eq!(event["source.ip"], json!("198.123.245.178"));
    assert_eq!(event["source.port"], json!(5678));
    assert_eq!(event["classification.identifier"], json!("open-rdp"));
    // The 31st column is the last the row has; the 32nd (jarm) is read as empty.
    assert_eq!(event["extra.bluekeep_vulnerable"], json!("N"));
    assert_eq!(event["extra.cve20190708_vulnerable"], json!("N"));
    assert!(event.get("extra.jarm").is_none(), "{event:#}");
}

/// The malware each Shadowserver corpus file names (every other file names none): the
/// sinkholes' `infection` (or `family`) and the DDoS honeypot's `family`.
const MALWARE: &[(&str, &[&str])] = &[
    ("shadowserver/event4_honeypot_ddos.csv", &["mirai"]),
    (
        "shadowserver/event4_microsoft_sinkhole_http.csv",
        &["caphaw", "necurs"],
    ),
    (
        "shadowserver/event4_sinkhole.csv",
        &["victorygate.b", "virut"],
    ),
    ("shadowserver/event4_sinkhole_http.csv", &["andromeda"]),
    (
        "shadowserver/event4_sinkhole_http_referer.csv",
        &["kovter", "sunburst"],
    ),
];

#[test]
fn malware_is_named_only_where_the_report_names_malware() {
    for &(path, ..) in EXPECTED
        .iter()
        .filter(|(path, ..)| path.starts_with("shadowserver/"))
    {
        let (_, records) = parse_auto(path);
        let named: std::collections::BTreeSet<&str> = records
            .iter()
            .filter_map(|record| match record {
                FeedRecord::Event(event, _) => event.malware_name.as_deref(),
                _ => None,
            })
            .collect();
        let expected: std::collections::BTreeSet<&str> = MALWARE
            .iter()
            .find(|(file, _)| *file == path)
            .map(|(_, names)| names.iter().copied().collect())
            .unwrap_or_default();
        assert_eq!(named, expected, "{path}");
    }
}

#[test]
fn honeypot_activity_labels_stay_in_extra_not_malware() {
    for (path, label) in [
        ("shadowserver/event4_ip_spoofer.csv", "ip-spoofer"),
        (
            "shadowserver/event4_honeypot_ddos_amp.csv",
            "ddos-amplification",
        ),
        ("shadowserver/event4_honeypot_http_scan.csv", "http-scan"),
        (
            "shadowserver/event4_honeypot_brute_force.csv",
            "ssh-brute-force",
        ),
        (
            "shadowserver/event4_ddos_participant.csv",
            "ddos-participant",
        ),
    ] {
        let (_, records) = parse_auto(path);
        let labelled = records
            .iter()
            .filter_map(|record| match record {
                FeedRecord::Event(event, _) => Some(event),
                _ => None,
            })
            .filter(|event| event.extra.get("infection").map(String::as_str) == Some(label))
            .inspect(|event| assert_eq!(event.malware_name, None, "{path}"))
            .count();
        assert!(
            labelled > 0,
            "{path}: some event keeps extra.infection {label}"
        );
    }
}
