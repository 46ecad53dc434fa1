//! abuse.ch feeds: URLhaus URL lists (CSV) and Feodo Tracker botnet C2 blocklists (JSON or
//! CSV).
//!
//! Both CSVs open with `#` comment lines; the column header is either the last comment
//! line before the data (`# id,dateadded,url,…`) or the first line that is not a comment.
//! Column names match case-insensitively, ignoring ` (UTC)` and spaces, so the full
//! URLhaus dump (`id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter`)
//! and the per-TLD feed (`Dateadded (UTC),URL,URL_status,Threat,Host,IPaddress,ASnumber,Country`)
//! read alike.
//!
//! **Invariants:** every column a row fills ends in a field or in `extra.<column>`; a URL
//! or address that does not parse rejects the row; the CSVs stream, the JSON document is
//! read whole (each array element is still its own record, with its own line).

use super::common::{
    CsvRow, CsvSource, cut, event_or_skip, head_lines, open_text, parse_asn, parse_country,
    parse_hostname, parse_port, parse_time, ragged, refuse, rejected, set_source_url, web_address,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::{Event, Tlp};
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};
use std::net::IpAddr;
use time::OffsetDateTime;

/// `feed.provider` of both feeds.
const PROVIDER: &str = "abuse.ch";

/// What a column (or JSON key) of an abuse.ch feed means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `time.source`.
    Time,
    /// A fallback for `time.source` (Feodo's `last_online`), also kept in `extra`.
    LaterTime,
    /// `source.url` (and its host).
    Url,
    /// `source.ip`.
    SourceIp,
    /// `source.port`.
    SourcePort,
    /// `source.asn`.
    Asn,
    /// `source.as_name`.
    AsName,
    /// `source.geolocation.cc`.
    Country,
    /// The URL's host again (URLhaus per-TLD feed): used when it matches, else `extra`.
    Host,
    /// URLhaus tags: kept in `extra.tags`; the first that names malware is `malware.name`.
    Tags,
    /// `malware.name`.
    Malware,
    /// `extra.<name>`.
    Extra,
}

/// A column name made comparable: lower case, without ` (UTC)`, spaces as `_`.
fn normalise(name: &str) -> String {
    let lower = name.trim().trim_start_matches('#').trim().to_lowercase();
    let lower = lower.strip_suffix("(utc)").unwrap_or(&lower).trim();
    lower.replace(' ', "_")
}

fn urlhaus_role(name: &str) -> Role {
    match name {
        "dateadded" | "date_added" => Role::Time,
        "url" => Role::Url,
        "ipaddress" | "ip_address" => Role::SourceIp,
        "asnumber" | "as_number" => Role::Asn,
        "country" => Role::Country,
        "host" => Role::Host,
        "tags" => Role::Tags,
        _ => Role::Extra,
    }
}

fn feodo_role(name: &str) -> Role {
    match name {
        "first_seen_utc" | "first_seen" | "firstseen" => Role::Time,
        "last_online" | "lastonline" => Role::LaterTime,
        "dst_ip" | "dstip" | "ip_address" => Role::SourceIp,
        "dst_port" | "dstport" | "port" => Role::SourcePort,
        "as_number" => Role::Asn,
        "as_name" => Role::AsName,
        "country" => Role::Country,
        "malware" => Role::Malware,
        _ => Role::Extra,
    }
}

/// The columns URLhaus writes in its full dump, for a file whose header is missing.
const URLHAUS_COLUMNS: &[&str] = &[
    "id",
    "dateadded",
    "url",
    "url_status",
    "last_online",
    "threat",
    "tags",
    "urlhaus_link",
    "reporter",
];

/// The columns of Feodo Tracker's CSV blocklist, for a file whose header is missing.
const FEODO_COLUMNS: &[&str] = &[
    "first_seen_utc",
    "dst_ip",
    "dst_port",
    "c2_status",
    "last_online",
    "malware",
];

fn is_urlhaus_header(columns: &[String]) -> bool {
    let has = |name: &str| columns.iter().any(|column| column == name);
    has("url") && (has("dateadded") || has("url_status") || has("urlhaus_link"))
}

fn is_feodo_header(columns: &[String]) -> bool {
    let has = |name: &str| columns.iter().any(|column| column == name);
    (has("dst_ip") || has("dstip")) && has("malware")
}

/// The normalised columns of a header line, with or without its leading `#`.
fn header_columns(line: &str) -> Vec<String> {
    let line = line.trim_start().trim_start_matches('#');
    super::common::split_header(line, b',')
        .iter()
        .map(|name| normalise(name))
        .collect()
}

/// True when a comment line of the head says `banner`, or a line of the head is a header
/// `is_header` accepts.
fn head_shows(head: &[u8], banner: &str, is_header: fn(&[String]) -> bool) -> bool {
    head_lines(head).iter().take(200).any(|line| {
        let trimmed = line.trim_start();
        (trimmed.starts_with('#') && trimmed.to_lowercase().contains(banner))
            || (trimmed.contains(',') && is_header(&header_columns(trimmed)))
    })
}

/// Which abuse.ch feed a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feed {
    Urlhaus,
    Feodo,
}

impl Feed {
    fn role(self, name: &str) -> Role {
        match self {
            Feed::Urlhaus => urlhaus_role(name),
            Feed::Feodo => feodo_role(name),
        }
    }

    fn is_header(self, columns: &[String]) -> bool {
        match self {
            Feed::Urlhaus => is_urlhaus_header(columns),
            Feed::Feodo => is_feodo_header(columns),
        }
    }

    fn default_columns(self) -> &'static [&'static str] {
        match self {
            Feed::Urlhaus => URLHAUS_COLUMNS,
            Feed::Feodo => FEODO_COLUMNS,
        }
    }

    fn feed_name(self) -> &'static str {
        match self {
            Feed::Urlhaus => "URLhaus",
            Feed::Feodo => "Feodo Tracker",
        }
    }

    fn classification_type(self) -> &'static str {
        match self {
            Feed::Urlhaus => "malware-distribution",
            Feed::Feodo => "c2-server",
        }
    }
}

/// One column of a resolved header.
struct Column {
    name: String,
    role: Role,
}

/// Builds one event from (column, role, value) triples, collecting problems.
struct Builder {
    event: Event,
    problems: Vec<String>,
    later_time: Option<OffsetDateTime>,
    url_seen: bool,
}

impl Builder {
    fn new(feed: Feed, observed_at: OffsetDateTime, tlp: Tlp) -> Builder {
        let mut event = Event::new(
            feed.classification_type(),
            feed.feed_name(),
            observed_at,
            tlp,
            String::new(),
        );
        event.feed_provider = Some(PROVIDER.to_owned());
        Builder {
            event,
            problems: Vec::new(),
            later_time: None,
            url_seen: false,
        }
    }

    fn add(&mut self, name: &str, role: Role, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let event = &mut self.event;
        let mut keep = false;
        match role {
            Role::Time => match parse_time(value) {
                Some(time) => event.time_source = Some(time),
                None => self.problems.push(format!(
                    "{name} '{value}' is not a date and time such as 2024-01-31 13:45:00"
                )),
            },
            Role::LaterTime => {
                keep = true;
                match parse_time(value) {
                    Some(time) => self.later_time = Some(time),
                    None => self
                        .problems
                        .push(format!("{name} '{value}' is not a date such as 2024-01-31")),
                }
            }
            Role::Url => {
                self.url_seen = true;
                match web_address(value) {
                    Ok(address) => set_source_url(event, address),
                    Err(why) => self.problems.push(format!("{name} '{value}' {why}")),
                }
            }
            Role::SourceIp => match value.parse::<IpAddr>() {
                Ok(address) => {
                    if event.source_ip.is_some_and(|known| known != address) {
                        keep = true;
                    } else {
                        event.source_ip = Some(address);
                    }
                }
                Err(_) => self
                    .problems
                    .push(format!("{name} '{value}' is not an IP address")),
            },
            Role::SourcePort => match parse_port(value) {
                Some(port) => event.source_port = Some(port),
                None => self.problems.push(format!(
                    "{name} '{value}' is not a port number (0 to 65535)"
                )),
            },
            Role::Asn => match parse_asn(value) {
                Ok(Some(asn)) => event.source_asn = Some(asn),
                Ok(None) => keep = true,
                Err(()) => self
                    .problems
                    .push(format!("{name} '{value}' is not an AS number")),
            },
            Role::AsName => event.source_as_name = Some(value.to_owned()),
            Role::Country => match parse_country(value) {
                Some(country) => event.source_country = Some(country),
                None => keep = true,
            },
            Role::Host => {
                let same = parse_hostname(value).is_some_and(|host| {
                    event
                        .source_fqdn
                        .as_deref()
                        .is_none_or(|known| known == host)
                }) || value
                    .parse::<IpAddr>()
                    .is_ok_and(|address| event.source_ip.is_none_or(|known| known == address));
                keep = !same;
                if !keep && event.source_fqdn.is_none() {
                    event.source_fqdn = parse_hostname(value);
                }
            }
            Role::Tags => {
                keep = true;
                if event.malware_name.is_none() {
                    event.malware_name = malware_tag(value);
                }
            }
            Role::Malware => event.malware_name = Some(value.to_lowercase()),
            Role::Extra => keep = true,
        }
        if keep {
            event.extra.insert(name.to_owned(), value.to_owned());
        }
    }

    fn finish(mut self, feed: Feed, line: u64, raw: String) -> FeedRecord {
        if feed == Feed::Urlhaus && !self.url_seen && self.problems.is_empty() {
            self.problems.push("the row has no URL".to_owned());
        }
        if feed == Feed::Feodo && self.event.source_ip.is_none() && self.problems.is_empty() {
            self.problems.push("the row has no IP address".to_owned());
        }
        if !self.problems.is_empty() {
            return rejected(line, self.problems.join("; "), raw);
        }
        if self.event.time_source.is_none() {
            self.event.time_source = self.later_time;
        }
        self.event.raw = cut(raw);
        event_or_skip(self.event, line, "the row")
    }
}

/// Tags URLhaus uses for file types, architectures, campaigns and hosting rather than
/// malware families.
const NOT_MALWARE_TAGS: &[&str] = &[
    "32-bit",
    "64-bit",
    "7z",
    "apk",
    "arm",
    "arm4",
    "arm5",
    "arm6",
    "arm7",
    "ascii",
    "bat",
    "bin",
    "botnetdomain",
    "c2",
    "cdn",
    "compromised",
    "dll",
    "doc",
    "docm",
    "docx",
    "elf",
    "encrypted",
    "exe",
    "geofenced",
    "github",
    "gz",
    "hta",
    "html",
    "img",
    "iso",
    "jar",
    "js",
    "lnk",
    "m68k",
    "macro",
    "maldoc",
    "malware_download",
    "mips",
    "mipsel",
    "mpsl",
    "msi",
    "opendir",
    "payload",
    "pdf",
    "phishing",
    "powershell",
    "ppc",
    "ps1",
    "rar",
    "rtf",
    "script",
    "sh",
    "sh4",
    "sparc",
    "spam",
    "tar",
    "txt",
    "unknown",
    "vbs",
    "x86",
    "x86_64",
    "xls",
    "xlsm",
    "xlsx",
    "zip",
];

/// The first URLhaus tag that names malware: not a file type, architecture, campaign
/// (`epoch5`), delivery note (`dropped-by-…`) or country code. Lower case.
fn malware_tag(tags: &str) -> Option<String> {
    tags.split([',', ' '])
        .map(|tag| tag.trim().to_lowercase())
        .find(|tag| {
            tag.len() > 2
                && !NOT_MALWARE_TAGS.contains(&tag.as_str())
                && !tag.starts_with("epoch")
                && !tag.starts_with("dropped-by")
                && tag.bytes().any(|byte| byte.is_ascii_alphabetic())
        })
}

/// Rows of an abuse.ch CSV with `#` comments and a header that may be one of them.
struct CommentedCsv<'a> {
    feed: Feed,
    source: CsvSource<'a>,
    columns: Option<Vec<Column>>,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

impl CommentedCsv<'_> {
    fn set_columns(&mut self, names: Vec<String>) {
        let feed = self.feed;
        self.columns = Some(
            names
                .into_iter()
                .map(|name| Column {
                    role: feed.role(&name),
                    name,
                })
                .collect(),
        );
    }

    fn row(&self, columns: &[Column], line: u64, raw: String) -> FeedRecord {
        if let Some(reason) = ragged(self.source.width(columns.len()), columns.len()) {
            return rejected(line, reason, raw);
        }
        let mut builder = Builder::new(self.feed, self.observed_at, self.tlp);
        for (index, column) in columns.iter().enumerate() {
            match self.source.field(index) {
                Ok(value) => builder.add(&column.name, column.role, value),
                Err(()) => builder.problems.push(format!(
                    "{} is not valid UTF-8 text; save the file as UTF-8",
                    column.name
                )),
            }
        }
        builder.finish(self.feed, line, raw)
    }
}

impl Iterator for CommentedCsv<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        loop {
            let (line, raw) = match self.source.next_record()? {
                CsvRow::Unreadable(record) => return Some(record),
                CsvRow::Record { line, raw } => (line, raw),
            };
            let first = self.source.record.get(0).unwrap_or_default();
            if first.trim_ascii_start().starts_with(b"#") {
                // A comment. The last one that reads as a header names the columns.
                let names: Vec<String> = self
                    .source
                    .fields_lossy()
                    .iter()
                    .map(|name| normalise(name))
                    .collect();
                if self.feed.is_header(&names) {
                    self.set_columns(names);
                }
                continue;
            }
            if self.columns.is_none() {
                let names: Vec<String> = self
                    .source
                    .fields_lossy()
                    .iter()
                    .map(|name| normalise(name))
                    .collect();
                if self.feed.is_header(&names) {
                    self.set_columns(names);
                    continue;
                }
                let defaults = self.feed.default_columns();
                self.set_columns(defaults.iter().map(|name| (*name).to_owned()).collect());
            }
            let columns = self.columns.take()?;
            let record = self.row(&columns, line, raw);
            self.columns = Some(columns);
            return Some(record);
        }
    }
}

/// URLhaus URL lists (CSV).
#[derive(Debug, Clone, Copy, Default)]
pub struct Urlhaus;

impl FeedFormat for Urlhaus {
    fn name(&self) -> &'static str {
        "urlhaus"
    }

    /// A `# … URLhaus …` banner, or a header with `url` and `dateadded`, `url_status` or
    /// `urlhaus_link`.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        head_shows(head, "urlhaus", is_urlhaus_header)
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let source = CsvSource::new(open_text(input, "urlhaus")?, b',', 0);
        Ok(Box::new(CommentedCsv {
            feed: Feed::Urlhaus,
            source,
            columns: None,
            observed_at: context.observed_at,
            tlp: context.default_tlp,
        }))
    }
}

/// Feodo Tracker botnet C2 IP blocklists: the JSON array (`ip_address`, `port`,
/// `malware`, …) or the CSV (`first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Feodo;

impl FeedFormat for Feodo {
    fn name(&self) -> &'static str {
        "feodo"
    }

    /// A JSON array whose entries have `ip_address` and `malware`, a `# … Feodo Tracker …`
    /// banner, or a header with `dst_ip` and `malware`.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let trimmed = head
            .strip_prefix(&[0xEF, 0xBB, 0xBF])
            .unwrap_or(head)
            .trim_ascii_start();
        if trimmed.starts_with(b"[") {
            let contains = |needle: &[u8]| trimmed.windows(needle.len()).any(|w| w == needle);
            return contains(b"\"ip_address\"") && contains(b"\"malware\"");
        }
        head_shows(head, "feodo tracker", is_feodo_header)
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let mut text = BufReader::new(open_text(input, "feodo")?);
        // Decide JSON or CSV by the first character that is not white space.
        let mut leading_lines = 0;
        let json = loop {
            let available = text
                .fill_buf()
                .map_err(|error| refuse("feodo", format!("could not read the file: {error}")))?;
            if available.is_empty() {
                break false;
            }
            match available
                .iter()
                .position(|byte| !byte.is_ascii_whitespace())
            {
                Some(position) => break available[position] == b'[',
                None => {
                    leading_lines += available.iter().filter(|&&byte| byte == b'\n').count();
                    let used = available.len();
                    text.consume(used);
                }
            }
        };
        if json {
            let mut bytes = Vec::new();
            text.read_to_end(&mut bytes)
                .map_err(|error| refuse("feodo", format!("could not read the file: {error}")))?;
            let spans = array_elements(&bytes)
                .ok_or_else(|| refuse("feodo", "expected a JSON array of Feodo Tracker entries"))?;
            return Ok(Box::new(JsonEntries {
                bytes,
                spans: spans.into_iter(),
                line: 1 + leading_lines as u64,
                counted_to: 0,
                observed_at: context.observed_at,
                tlp: context.default_tlp,
            }));
        }
        let source = CsvSource::new(Box::new(text), b',', leading_lines as u64);
        Ok(Box::new(CommentedCsv {
            feed: Feed::Feodo,
            source,
            columns: None,
            observed_at: context.observed_at,
            tlp: context.default_tlp,
        }))
    }
}

/// Byte ranges of the elements of a top-level JSON array, or `None` when the text is not
/// an array. Elements are split at top-level commas without being parsed, so one broken
/// element costs only itself; an array cut short ends with its partial last element.
fn array_elements(text: &[u8]) -> Option<Vec<(usize, usize)>> {
    let skip_space = |mut index: usize| {
        while text.get(index).is_some_and(u8::is_ascii_whitespace) {
            index += 1;
        }
        index
    };
    let mut index = skip_space(0);
    if text.get(index) != Some(&b'[') {
        return None;
    }
    index += 1;
    let mut elements = Vec::new();
    loop {
        index = skip_space(index);
        match text.get(index) {
            None | Some(b']') => break,
            Some(b',') => {
                index += 1;
                continue;
            }
            Some(_) => {}
        }
        let start = index;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        while let Some(&byte) = text.get(index) {
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
            } else {
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b']' if depth == 0 => break,
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
            index += 1;
        }
        let mut end = index;
        while end > start && text[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        elements.push((start, end));
        if text.get(index) == Some(&b',') {
            index += 1;
        } else {
            break;
        }
    }
    Some(elements)
}

/// The entries of a Feodo Tracker JSON blocklist.
struct JsonEntries {
    bytes: Vec<u8>,
    spans: std::vec::IntoIter<(usize, usize)>,
    /// Line of byte `counted_to`.
    line: u64,
    counted_to: usize,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

impl Iterator for JsonEntries {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        let (start, end) = self.spans.next()?;
        self.line += self.bytes[self.counted_to..start]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64;
        self.counted_to = start;
        let text = &self.bytes[start..end];
        let raw = String::from_utf8_lossy(text).into_owned();
        let entry: Map<String, Value> = match serde_json::from_slice(text) {
            Ok(entry) => entry,
            Err(error) => {
                return Some(rejected(
                    self.line,
                    format!("the entry is not a JSON object: {error}"),
                    raw,
                ));
            }
        };
        let mut builder = Builder::new(Feed::Feodo, self.observed_at, self.tlp);
        for (key, value) in &entry {
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                other => other.to_string(),
            };
            let name = normalise(key);
            builder.add(&name, feodo_role(&name), &text);
        }
        Some(builder.finish(Feed::Feodo, self.line, raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use time::macros::datetime;

    fn parse(format: &dyn FeedFormat, text: &str) -> Vec<FeedRecord> {
        let context = FeedContext {
            file_name: "feed".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Clear,
        };
        format
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("parses")
            .collect()
    }

    fn event(record: &FeedRecord) -> &Event {
        match record {
            FeedRecord::Event(event, _) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    const URLHAUS: &str = "################\n# abuse.ch URLhaus Database Dump (CSV - recent URLs)\n#\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n\"1\",\"2024-03-06 10:27:03\",\"http://Bad.Example.net/x.sh\",\"online\",\"2024-03-06 10:27:03\",\"malware_download\",\"32-bit,elf,mips,Mozi\",\"https://urlhaus.abuse.ch/url/1/\",\"someone\"\n\"2\",\"2024-03-06 10:27:04\",\"not a url\",\"online\",\"\",\"malware_download\",\"\",\"\",\"\"\n";

    #[test]
    fn urlhaus_rows_give_the_url_its_host_and_the_malware_tag() {
        assert!(Urlhaus.detect("urlhaus.csv", URLHAUS.as_bytes()));
        assert!(!Feodo.detect("urlhaus.csv", URLHAUS.as_bytes()));
        let records = parse(&Urlhaus, URLHAUS);
        let first = event(&records[0]);
        assert_eq!(
            first.source_url.as_deref(),
            Some("http://bad.example.net/x.sh")
        );
        assert_eq!(first.source_fqdn.as_deref(), Some("bad.example.net"));
        assert_eq!(first.malware_name.as_deref(), Some("mozi"));
        assert_eq!(first.time_source, Some(datetime!(2024-03-06 10:27:03 UTC)));
        assert_eq!(
            first.extra.get("threat").map(String::as_str),
            Some("malware_download")
        );
        assert_eq!(
            first.extra.get("tags").map(String::as_str),
            Some("32-bit,elf,mips,Mozi")
        );
        assert_eq!(first.classification_type, "malware-distribution");
        assert!(matches!(&records[1], FeedRecord::Rejected(row) if row.line == 6));
        assert_eq!(records.len(), 2);
    }

    #[test]
    fn feodo_csv_and_json_read_alike() {
        let csv = "# Feodo Tracker Botnet C2 IP Blocklist (CSV)\n\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n\"2021-01-17 07:44:46\",\"192.0.2.5\",\"443\",\"online\",\"2023-03-06\",\"Dridex\"\n# Number of entries: 1\n";
        let json = "[\n  {\"ip_address\": \"192.0.2.5\", \"port\": 443, \"status\": \"online\", \"hostname\": null,\n   \"first_seen\": \"2021-01-17 07:44:46\", \"last_online\": \"2023-03-06\", \"malware\": \"Dridex\"},\n  {\"ip_address\": \"192.0.2.500\", \"port\": 1},\n  \"junk\"\n]";
        assert!(Feodo.detect("x", csv.as_bytes()));
        assert!(Feodo.detect("x", json.as_bytes()));
        let from_csv = parse(&Feodo, csv);
        let from_json = parse(&Feodo, json);
        for records in [&from_csv, &from_json] {
            let event = event(&records[0]);
            assert_eq!(event.source_ip, Some("192.0.2.5".parse().expect("ip")));
            assert_eq!(event.source_port, Some(443));
            assert_eq!(event.malware_name.as_deref(), Some("dridex"));
            assert_eq!(event.classification_type, "c2-server");
            assert_eq!(event.time_source, Some(datetime!(2021-01-17 07:44:46 UTC)));
        }
        assert_eq!(from_csv.len(), 1);
        assert!(matches!(&from_csv[0], FeedRecord::Event(_, 3)));
        assert!(matches!(&from_json[0], FeedRecord::Event(_, 2)));
        assert!(matches!(&from_json[1], FeedRecord::Rejected(row) if row.line == 4));
        assert!(matches!(&from_json[2], FeedRecord::Rejected(row) if row.line == 5));
        assert_eq!(from_json.len(), 3);
    }

    #[test]
    fn json_arrays_split_at_top_level_commas_only() {
        let text = br#" [ {"a": "x,]}", "b": [1, 2]}, 3 ,{"c": {"d": 1}} ] "#;
        let spans = array_elements(text).expect("array");
        let parts: Vec<&[u8]> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            [
                &br#"{"a": "x,]}", "b": [1, 2]}"#[..],
                b"3",
                br#"{"c": {"d": 1}}"#
            ]
        );
        assert_eq!(array_elements(b"{}"), None);
        assert_eq!(array_elements(b"[").map(|spans| spans.len()), Some(0));
    }

    #[test]
    fn malware_tags_skip_file_types_and_campaigns() {
        assert_eq!(
            malware_tag("doc,emotet,epoch5,heodo"),
            Some("emotet".into())
        );
        assert_eq!(malware_tag("exe,AgentTesla"), Some("agenttesla".into()));
        assert_eq!(malware_tag("elf,32-bit,ua"), None);
    }
}
