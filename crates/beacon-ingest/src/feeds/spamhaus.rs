//! Spamhaus DROP lists: DROP (and EDROP) networks and ASN-DROP autonomous systems.
//!
//! Read as the sample files show them — one entry a line, `;` starting a comment:
//! `1.4.0.0/17 ; SBL256893` and `AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US` — and as
//! Spamhaus's newer JSON-lines files (`{"cidr":"1.10.16.0/20","sblid":"SBL256894",…}`,
//! `{"asn":6939,"cc":"US","asname":"…",…}`, with a closing `{"type":"metadata",…}` line
//! that is not a record). A `; Last-Modified:` comment in the banner becomes every
//! entry's `time.source`.
//!
//! **Invariants:** comment, metadata and blank lines are not records; every other line is
//! an event or a rejection; memory holds one line.

use super::common::{
    Line, LineSource, cut, head_lines, open_text, parse_asn, parse_country, rejected,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::{Cidr, Event, Tlp};
use serde_json::{Map, Value};
use std::io::Read;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

/// `feed.provider` of both lists.
const PROVIDER: &str = "Spamhaus";

/// Which list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    /// DROP or EDROP: networks.
    Drop {
        /// True for EDROP (known from the file name).
        extended: bool,
    },
    /// ASN-DROP: autonomous systems.
    AsnDrop,
}

impl List {
    fn feed_name(self) -> &'static str {
        match self {
            List::Drop { extended: false } => "Spamhaus DROP",
            List::Drop { extended: true } => "Spamhaus EDROP",
            List::AsnDrop => "Spamhaus ASN-DROP",
        }
    }

    fn identifier(self) -> &'static str {
        match self {
            List::Drop { extended: false } => "spamhaus-drop",
            List::Drop { extended: true } => "spamhaus-edrop",
            List::AsnDrop => "spamhaus-asndrop",
        }
    }
}

/// The first entry line of a sniffed head (not blank, not a `;` comment).
fn first_entry(head: &[u8]) -> Option<String> {
    head_lines(head)
        .into_iter()
        .map(|line| line.trim().to_owned())
        .find(|line| !line.is_empty() && !line.starts_with(';') && !line.starts_with('#'))
}

/// Spamhaus DROP and EDROP (networks).
#[derive(Debug, Clone, Copy, Default)]
pub struct SpamhausDrop;

impl FeedFormat for SpamhausDrop {
    fn name(&self) -> &'static str {
        "spamhaus-drop"
    }

    /// The first entry is `<network> ; SBL…` (or a JSON line with `cidr`).
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        first_entry(head).is_some_and(|line| {
            if line.starts_with('{') {
                return line.contains("\"cidr\"");
            }
            line.split_once(';').is_some_and(|(network, reference)| {
                network.trim().contains('/')
                    && network.trim().parse::<Cidr>().is_ok()
                    && reference.trim().to_ascii_uppercase().starts_with("SBL")
            })
        })
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let extended = context.file_name.to_ascii_lowercase().contains("edrop");
        entries(input, context, List::Drop { extended }, "spamhaus-drop")
    }
}

/// Spamhaus ASN-DROP (autonomous systems).
#[derive(Debug, Clone, Copy, Default)]
pub struct SpamhausAsnDrop;

impl FeedFormat for SpamhausAsnDrop {
    fn name(&self) -> &'static str {
        "spamhaus-asndrop"
    }

    /// The first entry is `AS<number> ; …` (or a JSON line with `asn`).
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        first_entry(head).is_some_and(|line| {
            if line.starts_with('{') {
                return line.contains("\"asn\"");
            }
            line.split_once(';').is_some_and(|(asn, _)| {
                let asn = asn.trim();
                // Byte-wise, so text that is not ASCII cannot split a character.
                let bytes = asn.as_bytes();
                bytes.len() > 2
                    && bytes[..2].eq_ignore_ascii_case(b"AS")
                    && bytes[2..].iter().all(u8::is_ascii_digit)
            })
        })
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        entries(input, context, List::AsnDrop, "spamhaus-asndrop")
    }
}

fn entries<'a>(
    input: Box<dyn Read + Send + 'a>,
    context: &FeedContext,
    list: List,
    format: &'static str,
) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
    Ok(Box::new(Entries {
        lines: LineSource::new(open_text(input, format)?),
        settings: Settings {
            list,
            last_modified: None,
            observed_at: context.observed_at,
            tlp: context.default_tlp,
        },
    }))
}

/// The entries of one list file.
struct Entries<'a> {
    lines: LineSource<'a>,
    settings: Settings,
}

/// What every entry of a file shares.
struct Settings {
    list: List,
    /// The banner's `Last-Modified` date, once seen.
    last_modified: Option<OffsetDateTime>,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

/// What one line is.
enum Parsed {
    /// Not a record (comment, blank, metadata), perhaps with the list's date.
    Nothing(Option<OffsetDateTime>),
    /// An entry.
    Entry(Box<Event>),
    /// A malformed entry, with the reason.
    Bad(String),
}

impl Settings {
    fn parse_line(&self, text: &str) -> Parsed {
        let line = text.trim();
        if line.is_empty() {
            return Parsed::Nothing(None);
        }
        if let Some(comment) = line.strip_prefix(';').or_else(|| line.strip_prefix('#')) {
            let date = comment
                .trim()
                .strip_prefix("Last-Modified:")
                .and_then(|date| OffsetDateTime::parse(date.trim(), &Rfc2822).ok());
            return Parsed::Nothing(date);
        }
        let mut event = Event::new(
            "blacklist",
            self.list.feed_name(),
            self.observed_at,
            self.tlp,
            String::new(),
        );
        event.classification_identifier = Some(self.list.identifier().to_owned());
        event.feed_provider = Some(PROVIDER.to_owned());
        event.time_source = self.last_modified;
        let outcome = if line.starts_with('{') {
            match serde_json::from_str::<Map<String, Value>>(line) {
                Ok(object) if object.get("type").and_then(Value::as_str) == Some("metadata") => {
                    return Parsed::Nothing(None);
                }
                Ok(object) => self.json_entry(&object, &mut event),
                Err(error) => Err(format!("the line is not a JSON object: {error}")),
            }
        } else {
            self.text_entry(line, &mut event)
        };
        match outcome {
            Ok(()) => Parsed::Entry(Box::new(event)),
            Err(reason) => Parsed::Bad(reason),
        }
    }

    /// `1.4.0.0/17 ; SBL256893` or `AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US`.
    fn text_entry(&self, line: &str, event: &mut Event) -> Result<(), String> {
        let (key, rest) = match line.split_once(';') {
            Some((key, rest)) => (key.trim(), rest.trim()),
            None => (line, ""),
        };
        match self.list {
            List::Drop { .. } => {
                let network = key.parse::<Cidr>().map_err(|_| {
                    format!("'{key}' is not a network such as 192.0.2.0/24 followed by ; and an SBL reference")
                })?;
                event.source_network = Some(network);
                if !rest.is_empty() {
                    event.extra.insert("sbl".to_owned(), rest.to_owned());
                }
            }
            List::AsnDrop => {
                let asn = key
                    .get(..2)
                    .filter(|prefix| prefix.eq_ignore_ascii_case("AS"))
                    .and_then(|_| parse_asn(key).ok().flatten())
                    .ok_or_else(|| {
                        format!("'{key}' is not an AS number such as AS64512 followed by ; country | name")
                    })?;
                event.source_asn = Some(asn);
                let (country, name) = match rest.split_once('|') {
                    Some((country, name)) => (country.trim(), name.trim()),
                    None => ("", rest),
                };
                match parse_country(country) {
                    Some(code) => event.source_country = Some(code),
                    None if !country.is_empty() => {
                        event.extra.insert("cc".to_owned(), country.to_owned());
                    }
                    None => {}
                }
                if !name.is_empty() {
                    event.source_as_name = Some(name.to_owned());
                }
            }
        }
        Ok(())
    }

    /// A line of Spamhaus's JSON-lines files.
    fn json_entry(&self, object: &Map<String, Value>, event: &mut Event) -> Result<(), String> {
        let text = |value: &Value| match value {
            Value::String(text) => text.trim().to_owned(),
            other => other.to_string(),
        };
        let key = match self.list {
            List::Drop { .. } => "cidr",
            List::AsnDrop => "asn",
        };
        for (name, value) in object {
            if value.is_null() {
                continue;
            }
            let value = text(value);
            match (self.list, name.as_str()) {
                (List::Drop { .. }, "cidr") => {
                    event.source_network = Some(
                        value
                            .parse::<Cidr>()
                            .map_err(|_| format!("cidr '{value}' is not an IP network"))?,
                    );
                }
                (List::AsnDrop, "asn") => {
                    event.source_asn = Some(
                        parse_asn(&value)
                            .ok()
                            .flatten()
                            .ok_or_else(|| format!("asn '{value}' is not an AS number"))?,
                    );
                }
                (List::AsnDrop, "cc") if parse_country(&value).is_some() => {
                    event.source_country = parse_country(&value);
                }
                (List::AsnDrop, "asname") if !value.is_empty() => {
                    event.source_as_name = Some(value);
                }
                _ if !value.is_empty() => {
                    event.extra.insert(name.clone(), value);
                }
                _ => {}
            }
        }
        if event.source_network.is_none() && event.source_asn.is_none() {
            return Err(format!("the entry has no {key}"));
        }
        Ok(())
    }
}

impl Iterator for Entries<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        loop {
            let (number, parsed, raw) = match self.lines.next_line()? {
                Line::Bad(record) => return Some(record),
                Line::Text(number, text) => {
                    (number, self.settings.parse_line(text), text.to_owned())
                }
            };
            match parsed {
                Parsed::Nothing(date) => {
                    if date.is_some() {
                        self.settings.last_modified = date;
                    }
                }
                Parsed::Entry(mut event) => {
                    event.raw = cut(raw);
                    // ASN-DROP entries name an AS, not an address: still events, for
                    // the register to match addresses against.
                    return Some(FeedRecord::Event(event, number));
                }
                Parsed::Bad(reason) => return Some(rejected(number, reason, raw)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use time::macros::datetime;

    fn parse(format: &dyn FeedFormat, file_name: &str, text: &str) -> Vec<FeedRecord> {
        let context = FeedContext {
            file_name: file_name.into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Clear,
        };
        format
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("parses")
            .collect()
    }

    #[test]
    fn drop_lines_are_networks_dated_by_the_banner() {
        let text = "; Spamhaus DROP List\n; Last-Modified: Mon, 14 Sep 2015 04:39:22 GMT\n192.0.2.0/24 ; SBL1\n\nnonsense ; SBL2\n2001:db8::/32 ; SBL3\n";
        assert!(SpamhausDrop.detect("drop.txt", text.as_bytes()));
        assert!(!SpamhausAsnDrop.detect("drop.txt", text.as_bytes()));
        let records = parse(&SpamhausDrop, "drop.txt", text);
        assert_eq!(records.len(), 3);
        let FeedRecord::Event(event, 3) = &records[0] else {
            panic!("expected an event on line 3: {records:?}");
        };
        assert_eq!(
            event.source_network.map(|n| n.to_string()).as_deref(),
            Some("192.0.2.0/24")
        );
        assert_eq!(event.extra.get("sbl").map(String::as_str), Some("SBL1"));
        assert_eq!(event.time_source, Some(datetime!(2015-09-14 04:39:22 UTC)));
        assert_eq!(
            event.classification_identifier.as_deref(),
            Some("spamhaus-drop")
        );
        assert!(matches!(&records[1], FeedRecord::Rejected(row) if row.line == 5));
    }

    #[test]
    fn asn_drop_lines_give_number_country_and_name() {
        let text = "; ASN-DROP\nAS64512 ; GB | EXAMPLE - Example Ltd, GB\nAS64513 ; | Nameless\n";
        assert!(SpamhausAsnDrop.detect("asndrop.txt", text.as_bytes()));
        assert!(!SpamhausDrop.detect("asndrop.txt", text.as_bytes()));
        let records = parse(&SpamhausAsnDrop, "asndrop.txt", text);
        let FeedRecord::Event(event, 2) = &records[0] else {
            panic!("expected an event on line 2: {records:?}");
        };
        assert_eq!(event.source_asn, Some(64512));
        assert_eq!(event.source_country.as_deref(), Some("GB"));
        assert_eq!(
            event.source_as_name.as_deref(),
            Some("EXAMPLE - Example Ltd, GB")
        );
        let FeedRecord::Event(second, 3) = &records[1] else {
            panic!("expected an event on line 3: {records:?}");
        };
        assert_eq!(second.source_country, None);
    }

    #[test]
    fn detection_survives_text_that_is_not_ascii() {
        // Found by the property test: slicing "Éx" at byte 2 splits a character.
        assert!(!SpamhausAsnDrop.detect("x", "Éx ; y\n".as_bytes()));
        assert!(!SpamhausDrop.detect("x", "Éx ; y\n".as_bytes()));
    }

    #[test]
    fn json_lines_are_read_and_metadata_is_not_a_record() {
        let text = "{\"cidr\":\"192.0.2.0/24\",\"sblid\":\"SBL1\",\"rir\":\"ripencc\"}\n{\"type\":\"metadata\",\"timestamp\":1,\"records\":1}\n";
        assert!(SpamhausDrop.detect("drop_v4.json", text.as_bytes()));
        let records = parse(&SpamhausDrop, "drop_v4.json", text);
        assert_eq!(records.len(), 1);
        let asn = parse(
            &SpamhausAsnDrop,
            "asndrop.json",
            "{\"asn\":64512,\"rir\":\"arin\",\"domain\":\"example.net\",\"cc\":\"US\",\"asname\":\"EXAMPLE\"}\n",
        );
        let FeedRecord::Event(event, 1) = &asn[0] else {
            panic!("expected an event: {asn:?}");
        };
        assert_eq!(event.source_asn, Some(64512));
        assert_eq!(
            event.extra.get("domain").map(String::as_str),
            Some("example.net")
        );
    }
}
