//! Plain lists, one entry a line: OpenPhish's phishing URLs, and generic lists of IP
//! addresses, networks, domain names or URLs.
//!
//! Blank lines and comment lines (starting `#`, `;` or `//`) are not records; a comment
//! after an entry (`192.0.2.1  # seen twice`) is kept as `extra.comment`. Each entry is
//! classified by what it is: an IP address → `source.ip`; a network → `source.network`; a
//! URL → `source.url` and its host (`source.ip` or `source.fqdn`); a domain name →
//! `source.fqdn`. Anything else is rejected.
//!
//! OpenPhish entries are `fraud/phishing`. Generic list entries are `other/blacklist`
//! until the CLI lets the user name a classification ([`GenericList::with_classification`]).
//!
//! **Invariants:** memory holds one line; every entry line is an event or a rejection.

use super::common::{
    Line, LineSource, UrlHost, cut, head_lines, open_text, parse_hostname, parse_url, rejected,
    set_source_url, web_address,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::event::taxonomy_of;
use beacon_core::{Cidr, Event, Tlp};
use std::io::Read;
use std::net::IpAddr;
use time::OffsetDateTime;

/// How many lines of a sniffed head [`FeedFormat::detect`] looks at.
const SNIFF_LINES: usize = 1_000;

/// What one list entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// An IP address.
    Ip(IpAddr),
    /// A network.
    Network(Cidr),
    /// A domain name (lower case, ASCII).
    Domain(String),
    /// A web address: the normalised URL, and its host's address or domain if valid.
    Url {
        /// The URL as the `url` crate normalises it.
        url: String,
        /// Its host, when it is an address.
        ip: Option<IpAddr>,
        /// Its host, when it is a valid domain name.
        domain: Option<String>,
    },
}

/// Classifies one entry (already trimmed of comments and white space).
pub fn classify(entry: &str) -> Option<Entry> {
    let entry = entry.trim();
    if entry.is_empty() || entry.contains(char::is_whitespace) {
        return None;
    }
    if entry.contains("://") {
        let address = parse_url(entry)?;
        let (ip, domain) = match address.host {
            UrlHost::Ip(ip) => (Some(ip), None),
            UrlHost::Domain(domain) => (None, Some(domain)),
            UrlHost::Other => (None, None),
        };
        return Some(Entry::Url {
            url: address.text,
            ip,
            domain,
        });
    }
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(Entry::Ip(ip));
    }
    if entry.contains('/') {
        return entry.parse::<Cidr>().ok().map(Entry::Network);
    }
    parse_hostname(entry).map(Entry::Domain)
}

/// Splits a line into its entry and any trailing comment; `None` for blank and comment
/// lines.
fn split_line(line: &str) -> Option<(&str, Option<&str>)> {
    let line = line.trim();
    if line.is_empty() || is_comment(line) {
        return None;
    }
    // A comment after an entry needs white space before it: `#` and `;` may appear inside
    // URLs, and `//` always does.
    let mut split = None;
    for (index, _) in line.match_indices(char::is_whitespace) {
        let rest = line[index..].trim_start();
        if is_comment(rest) {
            split = Some(index);
            break;
        }
    }
    Some(match split {
        Some(index) => {
            let comment = line[index..]
                .trim_start()
                .trim_start_matches(['#', ';', '/'])
                .trim();
            (
                line[..index].trim(),
                (!comment.is_empty()).then_some(comment),
            )
        }
        None => (line, None),
    })
}

fn is_comment(text: &str) -> bool {
    text.starts_with('#') || text.starts_with(';') || text.starts_with("//")
}

/// The entries (with their comments removed) among the complete lines of a sniffed head.
fn head_entries(head: &[u8]) -> Vec<String> {
    head_lines(head)
        .iter()
        .take(SNIFF_LINES)
        .filter_map(|line| split_line(line).map(|(entry, _)| entry.to_owned()))
        .collect()
}

/// OpenPhish's feed: one phishing URL a line.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenPhish;

impl FeedFormat for OpenPhish {
    fn name(&self) -> &'static str {
        "openphish"
    }

    /// Every entry line of the head is an `http` or `https` URL (at least one).
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let entries = head_entries(head);
        !entries.is_empty()
            && entries.iter().all(|entry| {
                let lower = entry.to_ascii_lowercase();
                (lower.starts_with("http://") || lower.starts_with("https://"))
                    && !entry.contains(char::is_whitespace)
            })
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        Ok(Box::new(Entries {
            lines: LineSource::new(open_text(input, "openphish")?),
            settings: Settings {
                urls_only: true,
                classification_type: "phishing",
                feed_name: "OpenPhish".to_owned(),
                provider: Some("OpenPhish"),
                observed_at: context.observed_at,
                tlp: context.default_tlp,
            },
        }))
    }
}

/// A generic list of IP addresses, networks, domain names or URLs.
#[derive(Debug, Clone, Copy)]
pub struct GenericList {
    classification_type: &'static str,
}

impl Default for GenericList {
    fn default() -> Self {
        GenericList::BLACKLIST
    }
}

impl GenericList {
    /// Entries classified `other/blacklist`: the list in the automatic registry.
    pub const BLACKLIST: GenericList = GenericList {
        classification_type: "blacklist",
    };

    /// A list whose entries get this IntelMQ classification type (e.g. `c2-server`), or
    /// `None` when it is not one.
    pub fn with_classification(classification_type: &str) -> Option<GenericList> {
        let taxonomy = taxonomy_of(classification_type)?;
        let (_, types) = beacon_core::event::CLASSIFICATIONS
            .iter()
            .find(|(name, _)| *name == taxonomy)?;
        let classification_type = types.iter().find(|name| **name == classification_type)?;
        Some(GenericList {
            classification_type,
        })
    }
}

impl FeedFormat for GenericList {
    fn name(&self) -> &'static str {
        "list"
    }

    /// At least one entry line, and at least nine in ten entry lines of the head are an
    /// address, network, domain name or URL (the rest will be rejected).
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let entries = head_entries(head);
        let good = entries
            .iter()
            .filter(|entry| classify(entry).is_some())
            .count();
        good > 0 && good * 10 >= entries.len() * 9
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let name = context
            .file_name
            .rsplit(['/', '\\'])
            .next()
            .filter(|name| !name.is_empty() && *name != "-")
            .unwrap_or("standard input");
        Ok(Box::new(Entries {
            lines: LineSource::new(open_text(input, "list")?),
            settings: Settings {
                urls_only: false,
                classification_type: self.classification_type,
                feed_name: format!("List {name}"),
                provider: None,
                observed_at: context.observed_at,
                tlp: context.default_tlp,
            },
        }))
    }
}

/// The entries of one list file.
struct Entries<'a> {
    lines: LineSource<'a>,
    settings: Settings,
}

/// What every entry of a file shares.
struct Settings {
    /// OpenPhish: only URLs are entries.
    urls_only: bool,
    classification_type: &'static str,
    feed_name: String,
    provider: Option<&'static str>,
    observed_at: OffsetDateTime,
    tlp: Tlp,
}

impl Settings {
    /// The record for one line, or `None` for a blank or comment line.
    fn record(&self, number: u64, text: &str) -> Option<FeedRecord> {
        let (entry, comment) = split_line(text)?;
        let entry = match classify(entry) {
            Some(found @ Entry::Url { .. }) => found,
            Some(_) if self.urls_only => {
                return Some(rejected(
                    number,
                    format!("'{entry}' is not a web address (http:// or https://)"),
                    text.to_owned(),
                ));
            }
            Some(found) => found,
            None => {
                return Some(rejected(
                    number,
                    if let Err(why) = entry
                        .contains("://")
                        .then(|| web_address(entry))
                        .transpose()
                    {
                        format!("'{entry}' {why}")
                    } else if self.urls_only {
                        format!("'{entry}' is not a web address (http:// or https://)")
                    } else {
                        format!("'{entry}' is not an IP address, network, domain name or URL")
                    },
                    text.to_owned(),
                ));
            }
        };
        let mut event = Event::new(
            self.classification_type,
            &self.feed_name,
            self.observed_at,
            self.tlp,
            cut(text.to_owned()),
        );
        event.feed_provider = self.provider.map(str::to_owned);
        match entry {
            Entry::Ip(ip) => event.source_ip = Some(ip),
            Entry::Network(network) => event.source_network = Some(network),
            Entry::Domain(domain) => event.source_fqdn = Some(domain),
            Entry::Url { url, ip, domain } => {
                let host = match (ip, domain) {
                    (Some(ip), _) => UrlHost::Ip(ip),
                    (None, Some(domain)) => UrlHost::Domain(domain),
                    (None, None) => UrlHost::Other,
                };
                set_source_url(&mut event, super::common::WebAddress { text: url, host });
            }
        }
        if let Some(comment) = comment {
            event.extra.insert("comment".to_owned(), comment.to_owned());
        }
        Some(FeedRecord::Event(Box::new(event), number))
    }
}

impl Iterator for Entries<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        loop {
            match self.lines.next_line()? {
                Line::Bad(record) => return Some(record),
                Line::Text(number, text) => {
                    if let Some(record) = self.settings.record(number, text) {
                        return Some(record);
                    }
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

    fn parse(format: &dyn FeedFormat, text: &str) -> Vec<FeedRecord> {
        let context = FeedContext {
            file_name: "/tmp/bad-things.txt".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Green,
        };
        format
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("parses")
            .collect()
    }

    #[test]
    fn entries_are_classified_by_what_they_are() {
        assert_eq!(
            classify("192.0.2.1"),
            Some(Entry::Ip("192.0.2.1".parse().expect("ip")))
        );
        assert_eq!(
            classify("192.0.2.0/24").map(|e| format!("{e:?}")),
            Some("Network(Cidr { address: 192.0.2.0, prefix: 24 })".into())
        );
        assert_eq!(
            classify("Evil.Example.COM"),
            Some(Entry::Domain("evil.example.com".into()))
        );
        assert_eq!(
            classify("https://192.0.2.1/x"),
            Some(Entry::Url {
                url: "https://192.0.2.1/x".into(),
                ip: Some("192.0.2.1".parse().expect("ip")),
                domain: None
            })
        );
        for bad in [
            "hello",
            "192.0.2.1/33",
            "two words",
            "mailto:a@example.com",
            "999.1.1.1",
        ] {
            assert_eq!(classify(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_generic_list_skips_comments_and_rejects_junk() {
        let text = "# my list\n\n192.0.2.1  # seen twice\n; old style\n// new style\n198.51.100.0/24\nexample.org\nhttp://bad.example.net/a#frag\nnot an entry\n";
        // One junk entry in five is too many to guess the format…
        assert!(!GenericList::default().detect("x", text.as_bytes()));
        // …but without it the file reads as a list, and not as OpenPhish's.
        let clean = text.replace("not an entry\n", "");
        assert!(GenericList::default().detect("x", clean.as_bytes()));
        assert!(!OpenPhish.detect("x", clean.as_bytes()));
        let records = parse(&GenericList::default(), text);
        let lines: Vec<(u64, bool)> = records
            .iter()
            .map(|record| match record {
                FeedRecord::Event(_, line) => (*line, true),
                FeedRecord::Rejected(row) => (row.line, false),
                FeedRecord::Skipped { line, .. } => (*line, false),
                FeedRecord::Note(note) => panic!("a list gives no notes: {note}"),
            })
            .collect();
        assert_eq!(
            lines,
            [(3, true), (6, true), (7, true), (8, true), (9, false)]
        );
        let FeedRecord::Event(first, _) = &records[0] else {
            panic!("an event");
        };
        assert_eq!(
            first.extra.get("comment").map(String::as_str),
            Some("seen twice")
        );
        assert_eq!(first.classification_type, "blacklist");
        assert_eq!(first.feed_name, "List bad-things.txt");
        let FeedRecord::Event(url, _) = &records[3] else {
            panic!("an event");
        };
        assert_eq!(
            url.source_url.as_deref(),
            Some("http://bad.example.net/a#frag")
        );
        assert_eq!(url.source_fqdn.as_deref(), Some("bad.example.net"));
    }

    #[test]
    fn openphish_entries_are_phishing_urls() {
        let text = "https://phish.example.com/login\nhttp://www..example.com/phishing\n";
        assert!(OpenPhish.detect("feed.txt", text.as_bytes()));
        let records = parse(&OpenPhish, text);
        let FeedRecord::Event(event, 1) = &records[0] else {
            panic!("an event on line 1");
        };
        assert_eq!(event.classification_type, "phishing");
        assert_eq!(event.classification_taxonomy, "fraud");
        assert_eq!(event.source_fqdn.as_deref(), Some("phish.example.com"));
        let FeedRecord::Rejected(odd) = &records[1] else {
            panic!("a rejection on line 2: {:?}", records[1]);
        };
        assert_eq!(odd.line, 2);
        assert_eq!(
            odd.reason,
            "'http://www..example.com/phishing' has an empty label in its host \
             'www..example.com' (dots with nothing between them), so it names no real host"
        );
        assert!(matches!(
            &parse(&OpenPhish, "example.com\n")[0],
            FeedRecord::Rejected(_)
        ));
    }

    #[test]
    fn the_list_classification_can_be_chosen() {
        assert_eq!(
            GenericList::with_classification("c2-server").map(|l| l.classification_type),
            Some("c2-server")
        );
        assert!(GenericList::with_classification("made-up").is_none());
    }
}
