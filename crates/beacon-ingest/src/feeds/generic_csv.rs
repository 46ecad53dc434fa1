//! Any CSV with a header, read through a column mapping the user writes in TOML:
//!
//! ```toml
//! feed_name = "Partner blocklist"
//! feed_provider = "Partner CERT"              # optional
//! classification_type = "infected-system"     # an IntelMQ type
//! classification_identifier = "partner-bots"  # optional
//! time_format = "[day]/[month]/[year] [hour]:[minute]"  # optional, see below
//! delimiter = ";"                             # optional, default ","
//! tlp = "amber"                               # optional, default: the run's
//!
//! [columns]
//! "source.ip" = "IP Address"
//! "time.source" = "Seen"
//! ```
//!
//! `[columns]` maps harmonised fields to header names (matched ignoring case and
//! surrounding space): `time.source`, `source.ip`, `source.network`, `source.fqdn`,
//! `source.url`, `source.port`, `source.asn`, `source.as_name`, `source.geolocation.cc`,
//! `destination.ip`, `destination.fqdn`, `destination.url`, `destination.port`,
//! `destination.asn`, `classification.identifier`, `malware.name`. `time_format` is
//! `auto` (the default: `YYYY-MM-DD[ HH:MM[:SS]]` with an optional zone, UTC if none),
//! `rfc3339`, `unix` (seconds since 1970), or a format description in the `time`
//! crate's syntax (UTC unless it has an offset).
//!
//! Columns the mapping does not name go to `extra.<column>`. This format is not in the
//! automatic registry: it needs its mapping ([`GenericCsv::with_mapping`]).
//!
//! **Invariants:** a mapping is checked when loaded, a file's header when opened; a value
//! that does not fit its field rejects the row; nothing is dropped silently.

use super::common::{
    CsvRow, CsvSource, cut, event_or_skip, first_line, open_text, parse_asn, parse_country,
    parse_hostname, parse_port, parse_time, ragged, refuse, rejected, set_source_url, split_header,
    web_address,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::event::{CLASSIFICATIONS, taxonomy_of};
use beacon_core::{Cidr, Event, Tlp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use time::format_description::OwnedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// The format name used with `--format`.
const NAME: &str = "csv";

/// Why a column mapping was refused.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The mapping file could not be read.
    #[error("could not read the column mapping {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not valid TOML, or an unknown or missing setting.
    #[error("the column mapping is not valid: {0}")]
    Toml(String),
    /// A setting has a value it cannot have.
    #[error("the column mapping is not valid: {0}")]
    Invalid(String),
}

/// A column mapping as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    feed_name: String,
    feed_provider: Option<String>,
    classification_type: String,
    classification_identifier: Option<String>,
    time_format: Option<String>,
    delimiter: Option<String>,
    tlp: Option<String>,
    columns: BTreeMap<String, String>,
}

/// A harmonised field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Time,
    SourceIp,
    SourceNetwork,
    SourceFqdn,
    SourceUrl,
    SourcePort,
    SourceAsn,
    SourceAsName,
    SourceCountry,
    DestinationIp,
    DestinationFqdn,
    DestinationUrl,
    DestinationPort,
    DestinationAsn,
    Identifier,
    Malware,
}

impl Field {
    /// Field names as the mapping writes them.
    const ALL: [(&'static str, Field); 16] = [
        ("time.source", Field::Time),
        ("source.ip", Field::SourceIp),
        ("source.network", Field::SourceNetwork),
        ("source.fqdn", Field::SourceFqdn),
        ("source.url", Field::SourceUrl),
        ("source.port", Field::SourcePort),
        ("source.asn", Field::SourceAsn),
        ("source.as_name", Field::SourceAsName),
        ("source.geolocation.cc", Field::SourceCountry),
        ("destination.ip", Field::DestinationIp),
        ("destination.fqdn", Field::DestinationFqdn),
        ("destination.url", Field::DestinationUrl),
        ("destination.port", Field::DestinationPort),
        ("destination.asn", Field::DestinationAsn),
        ("classification.identifier", Field::Identifier),
        ("malware.name", Field::Malware),
    ];

    fn named(name: &str) -> Option<Field> {
        Field::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, field)| *field)
    }
}

/// How times are written.
#[derive(Debug, Clone)]
enum TimeFormat {
    /// [`parse_time`]'s forms.
    Auto,
    /// RFC 3339.
    Rfc3339,
    /// Seconds since 1970-01-01 UTC.
    Unix,
    /// A `time` crate format description.
    Description(OwnedFormatItem),
}

impl TimeFormat {
    fn parse(&self, text: &str) -> Option<OffsetDateTime> {
        match self {
            TimeFormat::Auto => parse_time(text),
            TimeFormat::Rfc3339 => OffsetDateTime::parse(text, &Rfc3339).ok(),
            TimeFormat::Unix => text
                .parse::<i64>()
                .ok()
                .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok()),
            TimeFormat::Description(format) => OffsetDateTime::parse(text, format)
                .ok()
                .or_else(|| {
                    PrimitiveDateTime::parse(text, format)
                        .ok()
                        .map(PrimitiveDateTime::assume_utc)
                })
                .or_else(|| {
                    Date::parse(text, format)
                        .ok()
                        .map(|date| date.midnight().assume_utc())
                }),
        }
    }
}

/// A checked column mapping: which header column fills which field, and what every event
/// of the feed shares.
#[derive(Debug, Clone)]
pub struct ColumnMapping {
    feed_name: String,
    feed_provider: Option<String>,
    classification_type: &'static str,
    classification_identifier: Option<String>,
    time_format: TimeFormat,
    delimiter: u8,
    tlp: Option<Tlp>,
    /// (field, header name folded to lower case).
    columns: Vec<(Field, String)>,
}

impl ColumnMapping {
    /// Reads and checks a mapping written in TOML.
    pub fn from_toml(text: &str) -> Result<ColumnMapping, MappingError> {
        let file: MappingFile =
            toml::from_str(text).map_err(|error| MappingError::Toml(error.to_string()))?;
        let invalid = |reason: String| MappingError::Invalid(reason);
        let classification_type = taxonomy_of(&file.classification_type)
            .and_then(|taxonomy| {
                CLASSIFICATIONS
                    .iter()
                    .filter(|(name, _)| *name == taxonomy)
                    .flat_map(|(_, types)| types.iter())
                    .find(|name| **name == file.classification_type)
                    .copied()
            })
            .ok_or_else(|| {
                invalid(format!(
                    "classification_type '{}' is not an IntelMQ classification type",
                    file.classification_type
                ))
            })?;
        let time_format = match file.time_format.as_deref().map(str::trim) {
            None | Some("auto") => TimeFormat::Auto,
            Some("rfc3339") => TimeFormat::Rfc3339,
            Some("unix") => TimeFormat::Unix,
            Some(description) => TimeFormat::Description(
                time::format_description::parse_owned::<2>(description).map_err(|error| {
                    invalid(format!(
                        "time_format '{description}' is not a time format: {error}"
                    ))
                })?,
            ),
        };
        let delimiter = match file.delimiter.as_deref() {
            None => b',',
            Some("\\t" | "tab") => b'\t',
            Some(text) if text.len() == 1 && text.is_ascii() => text.as_bytes()[0],
            Some(text) => {
                return Err(invalid(format!(
                    "delimiter '{text}' must be one character such as , or ;"
                )));
            }
        };
        let tlp = file
            .tlp
            .as_deref()
            .map(str::parse::<Tlp>)
            .transpose()
            .map_err(|error| invalid(error.to_string()))?;
        let mut columns = Vec::new();
        for (field_name, column) in &file.columns {
            let field = Field::named(field_name).ok_or_else(|| {
                invalid(format!(
                    "'{field_name}' is not a field Beacon fills; use one of {}",
                    Field::ALL.map(|(name, _)| name).join(", ")
                ))
            })?;
            let column = column.trim().to_lowercase();
            if column.is_empty() {
                return Err(invalid(format!("the column for {field_name} is empty")));
            }
            columns.push((field, column));
        }
        if columns.is_empty() {
            return Err(invalid("[columns] maps no column".to_owned()));
        }
        if file.feed_name.trim().is_empty() {
            return Err(invalid("feed_name is empty".to_owned()));
        }
        Ok(ColumnMapping {
            feed_name: file.feed_name.trim().to_owned(),
            feed_provider: file.feed_provider,
            classification_type,
            classification_identifier: file.classification_identifier,
            time_format,
            delimiter,
            tlp,
            columns,
        })
    }

    /// Reads and checks a mapping file.
    pub fn load(path: &Path) -> Result<ColumnMapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.display().to_string(),
            source,
        })?;
        ColumnMapping::from_toml(&text)
    }

    /// The feed name every event gets.
    pub fn feed_name(&self) -> &str {
        &self.feed_name
    }
}

/// A CSV read through a [`ColumnMapping`].
#[derive(Debug, Clone)]
pub struct GenericCsv {
    mapping: ColumnMapping,
}

impl GenericCsv {
    /// A reader for files the mapping describes.
    pub fn new(mapping: ColumnMapping) -> GenericCsv {
        GenericCsv { mapping }
    }

    /// A reader from a mapping written in TOML.
    pub fn with_mapping(toml_text: &str) -> Result<GenericCsv, MappingError> {
        ColumnMapping::from_toml(toml_text).map(GenericCsv::new)
    }

    /// A reader from a mapping file.
    pub fn with_mapping_file(path: &Path) -> Result<GenericCsv, MappingError> {
        ColumnMapping::load(path).map(GenericCsv::new)
    }
}

impl FeedFormat for GenericCsv {
    fn name(&self) -> &'static str {
        NAME
    }

    /// The first line is a header naming every mapped column.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let header = split_header(&first_line(head), self.mapping.delimiter);
        self.mapping
            .columns
            .iter()
            .all(|(_, column)| header.contains(column))
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let mapping = &self.mapping;
        let mut source = CsvSource::new(open_text(input, NAME)?, mapping.delimiter, 0);
        let header = source.read_header(NAME, "a mapped CSV file")?;
        let lower: Vec<String> = header.iter().map(|name| name.to_lowercase()).collect();
        let mut fields: Vec<Option<Field>> = vec![None; header.len()];
        let mut missing = Vec::new();
        for (field, column) in &mapping.columns {
            match lower.iter().position(|name| name == column) {
                Some(index) => fields[index] = Some(*field),
                None => missing.push(column.as_str()),
            }
        }
        if !missing.is_empty() {
            return Err(refuse(
                NAME,
                format!(
                    "the header has no column named {} (the mapping names it)",
                    missing.join(", ")
                ),
            ));
        }
        Ok(Box::new(Rows {
            source,
            columns: header.into_iter().zip(fields).collect(),
            mapping: mapping.clone(),
            observed_at: context.observed_at,
            tlp: mapping.tlp.unwrap_or(context.default_tlp),
        }))
    }
}

/// The rows of one file.
struct Rows<'a> {
    source: CsvSource<'a>,
    /// Header name (for `extra` and messages) and the field it fills.
    columns: Vec<(String, Option<Field>)>,
    mapping: ColumnMapping,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

impl Rows<'_> {
    fn row(&self, line: u64, raw: String) -> FeedRecord {
        let width = self.columns.len();
        if let Some(reason) = ragged(self.source.width(width), width) {
            return rejected(line, reason, raw);
        }
        let mapping = &self.mapping;
        let mut event = Event::new(
            mapping.classification_type,
            &mapping.feed_name,
            self.observed_at,
            self.tlp,
            String::new(),
        );
        event.feed_provider.clone_from(&mapping.feed_provider);
        event
            .classification_identifier
            .clone_from(&mapping.classification_identifier);
        let mut problems = Vec::new();
        let mut source_url = None;
        for (index, (name, field)) in self.columns.iter().enumerate() {
            let Ok(value) = self.source.field(index) else {
                problems.push(format!(
                    "{name} is not valid UTF-8 text; save the file as UTF-8"
                ));
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let Some(field) = field else {
                event.extra.insert(name.clone(), value.to_owned());
                continue;
            };
            let bad = |what: &str| format!("{name} '{value}' is not {what}");
            let outcome: Result<(), String> = match field {
                Field::Time => mapping
                    .time_format
                    .parse(value)
                    .map(|time| event.time_source = Some(time))
                    .ok_or_else(|| bad("a date and time in the mapping's time_format")),
                Field::SourceIp => value
                    .parse::<IpAddr>()
                    .map(|ip| event.source_ip = Some(ip))
                    .map_err(|_| bad("an IP address")),
                Field::DestinationIp => value
                    .parse::<IpAddr>()
                    .map(|ip| event.destination_ip = Some(ip))
                    .map_err(|_| bad("an IP address")),
                Field::SourceNetwork => value
                    .parse::<Cidr>()
                    .map(|network| event.source_network = Some(network))
                    .map_err(|_| bad("an IP network")),
                Field::SourceFqdn => parse_hostname(value)
                    .map(|domain| event.source_fqdn = Some(domain))
                    .ok_or_else(|| bad("a domain name")),
                Field::DestinationFqdn => parse_hostname(value)
                    .map(|domain| event.destination_fqdn = Some(domain))
                    .ok_or_else(|| bad("a domain name")),
                Field::SourceUrl => web_address(value)
                    .map(|address| source_url = Some(address))
                    .map_err(|why| format!("{name} '{value}' {why}")),
                Field::DestinationUrl => web_address(value)
                    .map(|address| event.destination_url = Some(address.text))
                    .map_err(|why| format!("{name} '{value}' {why}")),
                Field::SourcePort => parse_port(value)
                    .map(|port| event.source_port = Some(port))
                    .ok_or_else(|| bad("a port number (0 to 65535)")),
                Field::DestinationPort => parse_port(value)
                    .map(|port| event.destination_port = Some(port))
                    .ok_or_else(|| bad("a port number (0 to 65535)")),
                Field::SourceAsn | Field::DestinationAsn => match parse_asn(value) {
                    Ok(Some(asn)) if *field == Field::SourceAsn => {
                        event.source_asn = Some(asn);
                        Ok(())
                    }
                    Ok(Some(asn)) => {
                        event.destination_asn = Some(asn);
                        Ok(())
                    }
                    // AS 0 means "unknown": kept as written rather than dropped.
                    Ok(None) => {
                        event.extra.insert(name.clone(), value.to_owned());
                        Ok(())
                    }
                    Err(()) => Err(bad("an AS number")),
                },
                Field::SourceAsName => {
                    event.source_as_name = Some(value.to_owned());
                    Ok(())
                }
                Field::SourceCountry => parse_country(value)
                    .map(|country| event.source_country = Some(country))
                    .ok_or_else(|| bad("a two-letter country code")),
                Field::Identifier => {
                    event.classification_identifier = Some(value.to_owned());
                    Ok(())
                }
                Field::Malware => {
                    event.malware_name = Some(value.to_lowercase());
                    Ok(())
                }
            };
            if let Err(problem) = outcome {
                problems.push(problem);
            }
        }
        if !problems.is_empty() {
            return rejected(line, problems.join("; "), raw);
        }
        if let Some(address) = source_url {
            set_source_url(&mut event, address);
        }
        event.raw = cut(raw);
        event_or_skip(event, line, "the row")
    }
}

impl Iterator for Rows<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        match self.source.next_record()? {
            CsvRow::Unreadable(record) => Some(record),
            CsvRow::Record { line, raw } => Some(self.row(line, raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use time::macros::datetime;

    const MAPPING: &str = r#"
feed_name = "Partner blocklist"
feed_provider = "Partner CERT"
classification_type = "infected-system"
time_format = "[day]/[month]/[year] [hour]:[minute]"
delimiter = ";"

[columns]
"source.ip" = "IP Address"
"time.source" = " Seen "
"malware.name" = "Family"
"#;

    fn parse(format: &GenericCsv, text: &str) -> Vec<FeedRecord> {
        let context = FeedContext {
            file_name: "partner.csv".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Amber,
        };
        format
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("parses")
            .collect()
    }

    #[test]
    fn mapped_columns_fill_fields_and_the_rest_go_to_extra() {
        let format = GenericCsv::with_mapping(MAPPING).expect("a valid mapping");
        let text = "IP Address;Seen;Family;Note\n192.0.2.1;31/01/2024 13:45;Emotet;first\n192.0.2.x;31/01/2024 13:45;;\n";
        assert!(format.detect("partner.csv", text.as_bytes()));
        let records = parse(&format, text);
        let FeedRecord::Event(event, 2) = &records[0] else {
            panic!("an event on line 2: {records:?}");
        };
        assert_eq!(event.source_ip, Some("192.0.2.1".parse().expect("ip")));
        assert_eq!(event.time_source, Some(datetime!(2024-01-31 13:45 UTC)));
        assert_eq!(event.malware_name.as_deref(), Some("emotet"));
        assert_eq!(event.extra.get("Note").map(String::as_str), Some("first"));
        assert_eq!(event.classification_taxonomy, "malicious-code");
        assert_eq!(event.feed_name, "Partner blocklist");
        assert!(
            matches!(&records[1], FeedRecord::Rejected(row) if row.line == 3 && row.reason.contains("'192.0.2.x'"))
        );
    }

    #[test]
    fn bad_mappings_and_headers_are_refused() {
        let wrong_type = MAPPING.replace("infected-system", "naughty");
        assert!(matches!(
            GenericCsv::with_mapping(&wrong_type),
            Err(MappingError::Invalid(_))
        ));
        let wrong_field = MAPPING.replace("source.ip", "source.colour");
        assert!(GenericCsv::with_mapping(&wrong_field).is_err());
        assert!(GenericCsv::with_mapping("feed_name = 1").is_err());
        let format = GenericCsv::with_mapping(MAPPING).expect("a valid mapping");
        let context = FeedContext {
            file_name: "partner.csv".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Amber,
        };
        assert!(
            format
                .parse(
                    Box::new(Cursor::new(b"Address;Seen;Family\n".to_vec())),
                    &context
                )
                .is_err()
        );
    }
}
