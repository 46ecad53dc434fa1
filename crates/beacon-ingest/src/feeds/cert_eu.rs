//! CERT-EU's CSV feed (`feed code,source ip,source time,…,type,…`), one event a row.
//!
//! The classification comes from the row's `type`: an IntelMQ type as it is; CERT-EU's own
//! words through the table IntelMQ's CERT-EU parser uses (`malware url` →
//! `malware-distribution`, `botnet drone` → `infected-system`, …); anything else
//! `other/undetermined`. The original is always kept as `extra.type`. The row's `tlp`
//! overrides the run's default.
//!
//! **Invariants:** every non-empty column ends in a field or in `extra.<column>` (column
//! names with spaces as `_`); a malformed address, port, AS number or time rejects the
//! row, as does a row with the wrong number of fields.

use super::common::{
    CsvRow, CsvSource, cut, event_or_skip, first_line, open_text, parse_asn, parse_country,
    parse_hostname, parse_port, parse_time, parse_url, ragged, refuse, rejected, set_source_url,
    split_header,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::event::taxonomy_of;
use beacon_core::{Event, Tlp};
use std::io::Read;
use std::net::IpAddr;
use time::OffsetDateTime;

/// The format name used with `--format`.
const NAME: &str = "cert-eu";

/// CERT-EU's type words and the IntelMQ types they mean (from IntelMQ's CERT-EU parser).
pub const CERT_EU_TYPES: &[(&str, &str)] = &[
    ("backdoor", "system-compromise"),
    ("blacklist", "blacklist"),
    ("botnet drone", "infected-system"),
    ("brute-force", "brute-force"),
    ("c2server", "c2-server"),
    ("compromised server", "system-compromise"),
    ("ddos infrastructure", "ddos"),
    ("ddos target", "ddos"),
    ("defacement", "unauthorised-information-modification"),
    ("dropzone", "other"),
    ("exploit url", "exploit"),
    ("ids alert", "ids-alert"),
    ("malware-configuration", "malware-configuration"),
    ("malware url", "malware-distribution"),
    ("phishing", "phishing"),
    ("ransomware", "infected-system"),
    ("scanner", "scanner"),
    ("spam infrastructure", "spam"),
    ("test", "test"),
    ("vulnerable service", "vulnerable-system"),
];

/// The IntelMQ classification type for a CERT-EU `type` value.
pub fn classification_of(cert_eu_type: &str) -> &'static str {
    let wanted = cert_eu_type.trim().to_lowercase();
    if let Some(taxonomy) = taxonomy_of(&wanted) {
        // Return the 'static spelling from the core table.
        if let Some(found) = beacon_core::event::CLASSIFICATIONS
            .iter()
            .filter(|(name, _)| *name == taxonomy)
            .flat_map(|(_, types)| types.iter())
            .find(|name| **name == wanted)
        {
            return found;
        }
    }
    CERT_EU_TYPES
        .iter()
        .find(|(word, _)| *word == wanted)
        .map_or("undetermined", |(_, intelmq)| intelmq)
}

/// What a CERT-EU column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    SourceIp,
    SourceTime,
    SourceAsn,
    SourceAsName,
    SourceCountry,
    SourcePort,
    DestinationPort,
    Domain,
    Url,
    Tlp,
    Extra,
}

fn role(column: &str) -> Role {
    match column {
        "source ip" => Role::SourceIp,
        "source time" => Role::SourceTime,
        "source asn" => Role::SourceAsn,
        "source as name" => Role::SourceAsName,
        "source cc" => Role::SourceCountry,
        "source port" => Role::SourcePort,
        "destination port" => Role::DestinationPort,
        "domain name" => Role::Domain,
        "url" => Role::Url,
        "tlp" => Role::Tlp,
        // Kept as extra.type (and read for the classification); the BGP prefix is routing
        // context, not the thing reported, so it is not `source.network`.
        _ => Role::Extra,
    }
}

/// CERT-EU's CSV feed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CertEu;

impl FeedFormat for CertEu {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A header with `feed code`, `source ip` and `source time`.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let columns = split_header(&first_line(head), b',');
        let has = |name: &str| columns.iter().any(|column| column == name);
        has("feed code") && has("source ip") && has("source time")
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let mut source = CsvSource::new(open_text(input, NAME)?, b',', 0);
        let header = source.read_header(NAME, "a CERT-EU feed")?;
        let columns: Vec<Column> = header
            .iter()
            .map(|name| {
                let lower = name.to_lowercase();
                Column {
                    role: role(&lower),
                    extra: lower.replace(' ', "_"),
                    name: name.clone(),
                }
            })
            .collect();
        let type_index = columns.iter().position(|column| column.extra == "type");
        if !columns.iter().any(|column| column.role == Role::SourceIp) {
            return Err(refuse(NAME, "the header has no 'source ip' column"));
        }
        Ok(Box::new(Rows {
            source,
            columns,
            type_index,
            observed_at: context.observed_at,
            tlp: context.default_tlp,
        }))
    }
}

/// One header column.
struct Column {
    /// As written, for messages.
    name: String,
    /// The `extra.*` key: lower case, spaces as `_`.
    extra: String,
    role: Role,
}

/// The rows of one file.
struct Rows<'a> {
    source: CsvSource<'a>,
    columns: Vec<Column>,
    type_index: Option<usize>,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

impl Rows<'_> {
    fn row(&self, line: u64, raw: String) -> FeedRecord {
        let width = self.columns.len();
        if let Some(reason) = ragged(self.source.width(width), width) {
            return rejected(line, reason, raw);
        }
        let cert_eu_type = self
            .type_index
            .and_then(|index| self.source.field(index).ok())
            .unwrap_or("");
        let mut event = Event::new(
            classification_of(cert_eu_type),
            "CERT-EU",
            self.observed_at,
            self.tlp,
            String::new(),
        );
        event.feed_provider = Some("CERT-EU".to_owned());
        let mut problems = Vec::new();
        let mut url = None;
        for (index, column) in self.columns.iter().enumerate() {
            let Ok(value) = self.source.field(index) else {
                problems.push(format!(
                    "{} is not valid UTF-8 text; save the file as UTF-8",
                    column.name
                ));
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let name = &column.name;
            let mut keep = false;
            match column.role {
                Role::SourceIp => match value.parse::<IpAddr>() {
                    Ok(address) => event.source_ip = Some(address),
                    Err(_) => problems.push(format!("{name} '{value}' is not an IP address")),
                },
                Role::SourceTime => match parse_time(value) {
                    Some(time) => event.time_source = Some(time),
                    None => problems.push(format!(
                        "{name} '{value}' is not a date and time such as 2019-04-01 03:13:20Z"
                    )),
                },
                Role::SourceAsn => match parse_asn(value) {
                    Ok(Some(asn)) => event.source_asn = Some(asn),
                    Ok(None) => keep = true,
                    Err(()) => problems.push(format!("{name} '{value}' is not an AS number")),
                },
                Role::SourceAsName => event.source_as_name = Some(value.to_owned()),
                Role::SourceCountry => match parse_country(value) {
                    Some(country) => event.source_country = Some(country),
                    None => keep = true,
                },
                Role::SourcePort | Role::DestinationPort => match parse_port(value) {
                    Some(port) if column.role == Role::SourcePort => {
                        event.source_port = Some(port);
                    }
                    Some(port) => event.destination_port = Some(port),
                    None => problems.push(format!(
                        "{name} '{value}' is not a port number (0 to 65535)"
                    )),
                },
                Role::Domain => match parse_hostname(value) {
                    Some(domain) => event.source_fqdn = Some(domain),
                    None => keep = true,
                },
                Role::Url => match parse_url(value) {
                    // Set after the loop, so the domain column wins over the URL's host.
                    Some(address) => url = Some(address),
                    None => keep = true,
                },
                Role::Tlp => match value.parse::<Tlp>() {
                    Ok(tlp) => event.tlp = tlp,
                    Err(_) => keep = true,
                },
                Role::Extra => keep = true,
            }
            if keep {
                event.extra.insert(column.extra.clone(), value.to_owned());
            }
        }
        if !problems.is_empty() {
            return rejected(line, problems.join("; "), raw);
        }
        if let Some(address) = url {
            set_source_url(&mut event, address);
        }
        event.raw = cut(raw);
        event_or_skip(event, line, "the row")
    }
}

impl Iterator for Rows<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        loop {
            match self.source.next_record()? {
                CsvRow::Unreadable(record) => return Some(record),
                CsvRow::Record { line, raw } => {
                    let first = self.source.record.get(0).unwrap_or_default();
                    if first.trim_ascii_start().starts_with(b"#") {
                        // IntelMQ's CERT-EU parser skips `#` lines too.
                        continue;
                    }
                    return Some(self.row(line, raw));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use time::macros::datetime;

    #[test]
    fn types_map_to_intelmq_or_to_undetermined() {
        assert_eq!(classification_of("phishing"), "phishing");
        assert_eq!(classification_of("Malware URL"), "malware-distribution");
        assert_eq!(classification_of("c2-server"), "c2-server");
        assert_eq!(classification_of("something new"), "undetermined");
        for (_, intelmq) in CERT_EU_TYPES {
            assert!(taxonomy_of(intelmq).is_some(), "{intelmq}");
        }
    }

    #[test]
    fn a_row_maps_source_fields_and_its_own_tlp() {
        let text = "feed code,source ip,source time,tlp,type,source asn,source cc,url,domain name,source bgp prefix\n\
                    RI,192.0.2.1,2019-04-01 03:13:20Z,red,malware url,64500,at,http://bad.example.com/x,,192.0.2.0/24\n\
                    RI,192.0.2.999,2019-04-01 03:13:20Z,red,phishing,,,,,\n";
        assert!(CertEu.detect("x.csv", text.as_bytes()));
        let context = FeedContext {
            file_name: "x.csv".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Amber,
        };
        let records: Vec<FeedRecord> = CertEu
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("parses")
            .collect();
        let FeedRecord::Event(event, 2) = &records[0] else {
            panic!("an event on line 2: {records:?}");
        };
        assert_eq!(event.tlp, Tlp::Red);
        assert_eq!(event.classification_type, "malware-distribution");
        assert_eq!(
            event.extra.get("type").map(String::as_str),
            Some("malware url")
        );
        assert_eq!(
            event.extra.get("source_bgp_prefix").map(String::as_str),
            Some("192.0.2.0/24")
        );
        assert_eq!(event.source_fqdn.as_deref(), Some("bad.example.com"));
        assert_eq!(event.source_country.as_deref(), Some("AT"));
        assert_eq!(event.time_source, Some(datetime!(2019-04-01 03:13:20 UTC)));
        assert!(matches!(&records[1], FeedRecord::Rejected(row) if row.line == 3));
    }
}
