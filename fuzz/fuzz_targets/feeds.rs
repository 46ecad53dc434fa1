//! Fuzz target: arbitrary bytes through every registered feed format (and the generic CSV
//! with a mapping) never panic; every record comes back as an event, a skip or a
//! rejection with a line inside the file, and the formats that read rows give one record
//! per row in file order (so none is counted twice).
#![no_main]

use beacon_core::Tlp;
use beacon_ingest::feeds::generic_csv::GenericCsv;
use beacon_ingest::feeds::{self, FeedContext, FeedFormat, FeedRecord};
use libfuzzer_sys::fuzz_target;

/// The first input byte picks a file name, since some formats read the report type or
/// list kind from it.
const FILE_NAMES: &[&str] = &[
    "scan_smb.csv",
    "event4_sinkhole_http.csv",
    "event4_sinkhole_http_referer.csv",
    "compromised_website.csv",
    "blocklist.csv",
    "scan_exchange.csv",
    "edrop.txt",
    "feed.txt",
];

/// Starts of real files, so mutated bytes reach the row parsers.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"timestamp,src_ip,src_port,dst_ip,dst_port,infection,tag,http_url,http_host,application\n",
    b"# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n",
    b"[\n{\"ip_address\": ",
    b"feed code,source ip,source time,tlp,type,url,domain name\n",
];

const MAPPING: &str = r#"
feed_name = "Fuzz"
classification_type = "blacklist"
time_format = "[year]-[month]-[day]"
[columns]
"source.ip" = "ip"
"time.source" = "seen"
"source.url" = "url"
"#;

/// Formats that give at most one record per line or CSV row (the others read JSON, where
/// one line may hold many records).
const ONE_RECORD_PER_ROW: &[&str] = &[
    "shadowserver",
    "csv",
    "cert-eu",
    "list",
    "openphish",
    "spamhaus-drop",
    "spamhaus-asndrop",
];

fn run(format: &dyn FeedFormat, file_name: &str, bytes: &[u8]) {
    let lines = bytes.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
    // CSV lines are counted at line feeds, so rows ended by bare carriage returns share a
    // line number: only their range is checked.
    let bare_carriage_return = bytes
        .iter()
        .enumerate()
        .any(|(at, &byte)| byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
    let one_per_row = ONE_RECORD_PER_ROW.contains(&format.name()) && !bare_carriage_return;
    let _ = format.detect(file_name, bytes);
    let context = FeedContext {
        file_name: file_name.to_owned(),
        observed_at: time::macros::datetime!(2026-01-01 00:00 UTC),
        default_tlp: Tlp::Amber,
    };
    if let Ok(records) = format.parse(Box::new(std::io::Cursor::new(bytes.to_vec())), &context) {
        let mut previous = 0;
        for record in records {
            let line = match &record {
                FeedRecord::Event(_, line) | FeedRecord::Skipped { line, .. } => *line,
                FeedRecord::Rejected(row) => row.line,
                FeedRecord::Note(_) => continue,
            };
            assert!(
                (1..=lines).contains(&line),
                "{}: line {line} of {lines}",
                format.name()
            );
            assert!(
                !one_per_row || line > previous,
                "{}: a record at line {line} after one at line {previous}",
                format.name()
            );
            previous = line;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let file_name = FILE_NAMES[usize::from(selector) % FILE_NAMES.len()];
    let prefix = PREFIXES[usize::from(selector / 16) % PREFIXES.len()];
    let mut input = prefix.to_vec();
    input.extend_from_slice(rest);
    let generic = GenericCsv::with_mapping(MAPPING).expect("the fuzz mapping is valid");
    for format in feeds::registry() {
        run(format, file_name, &input);
    }
    run(&generic, file_name, &input);
});
