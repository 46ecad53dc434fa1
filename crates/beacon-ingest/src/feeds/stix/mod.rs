//! STIX 2.1 (and 2.0) JSON: a bundle, a single object or a plain list of objects. Each
//! `indicator` whose pattern is STIX patterning becomes one [`Event`] per IPv4 or IPv6
//! address or network, domain name or URL its pattern names; see
//! `docs/feeds/stix-and-misp.md` for what is read and how it is classified.
//!
//! **Invariants:** the record number of everything from one object is that object's
//! 1-based position in the bundle; an indicator that names nothing the register holds is
//! [`FeedRecord::Skipped`] with the reason, and a malformed one is
//! [`FeedRecord::Rejected`] with the pattern parser's message. Objects other than
//! indicators (malware, relationships, identities, markings) give no record of their own:
//! they only inform the indicators' events.

pub mod pattern;

use self::pattern::{Literal, Operator, Pattern};
use super::common::{self, parse_hostname, parse_time, refuse, rejected};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::{Cidr, Event, Tlp};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;

/// The name used with `--format`.
const NAME: &str = "stix";

/// Largest document read. JSON is read whole, and a parsed document takes several times
/// its size in memory.
pub const MAX_DOCUMENT_BYTES: u64 = super::common::MAX_JSON_BYTES;

/// The STIX 2.1 format, for the [registry](super::registry).
pub struct Stix;

impl FeedFormat for Stix {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A JSON document with `"type": "bundle"`, or with an indicator and a pattern.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let text = json_head(head);
        text.is_some_and(|text| {
            has_member(&text, "type", Some("bundle"))
                || (has_member(&text, "type", Some("indicator"))
                    && has_member(&text, "pattern", None))
        })
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let document = read_json(input, NAME)?;
        Ok(Box::new(parse_document(&document, context)?.into_iter()))
    }
}

/// Reads a parsed STIX document (bundle, object or list of objects) into records.
pub fn parse_document(
    document: &Value,
    context: &FeedContext,
) -> Result<Vec<FeedRecord>, FeedError> {
    let objects = objects_of(document)?;
    let bundle = Bundle::index(&objects);
    let mut records = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        let line = index as u64 + 1;
        let Some(fields) = object.as_object() else {
            records.push(rejected(
                line,
                "this item of the bundle is not a JSON object",
                object.to_string(),
            ));
            continue;
        };
        match fields.get("type").and_then(Value::as_str) {
            Some("indicator") => records.extend(bundle.indicator(fields, line, context)),
            Some(_) => {}
            None => records.push(rejected(
                line,
                "the object has no \"type\", so it is not a STIX object",
                object.to_string(),
            )),
        }
    }
    Ok(records)
}

/// Reads the bundle, naming the file in any refusal.
fn read_json(input: Box<dyn Read + Send + '_>, format: &'static str) -> Result<Value, FeedError> {
    super::common::read_json(input, format).map_err(|error| FeedError {
        reason: format!("the file {}", error.reason),
        ..error
    })
}

/// The objects of a bundle, the one object, or the list.
fn objects_of(document: &Value) -> Result<Vec<&Value>, FeedError> {
    match document {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(fields) => match fields.get("type").and_then(Value::as_str) {
            Some("bundle") => match fields.get("objects") {
                Some(Value::Array(items)) => Ok(items.iter().collect()),
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(_) => Err(refuse(NAME, "the bundle's \"objects\" is not a list")),
            },
            Some(_) => Ok(vec![document]),
            None => Err(refuse(
                NAME,
                "the JSON is not a STIX bundle, object or list of objects (it has no \"type\")",
            )),
        },
        _ => Err(refuse(
            NAME,
            "the JSON is not a STIX bundle, object or list of objects",
        )),
    }
}

/// The standard TLP marking definitions: STIX 2.1's TLP 1.0 set (section 7.2.1.4) and the
/// OASIS TLP 2.0 set (stix-common-objects), which a bundle may reference without
/// carrying them.
pub const TLP_MARKINGS: &[(&str, Tlp)] = &[
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
    (
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Clear,
    ),
    (
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Green,
    ),
    (
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::Amber,
    ),
    (
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::AmberStrict,
    ),
    (
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        Tlp::Red,
    ),
];

/// What the other objects of a bundle say about its indicators.
#[derive(Default)]
struct Bundle {
    /// TLP of each marking definition in the bundle.
    markings: HashMap<String, Tlp>,
    /// Names of identities (for `created_by_ref`).
    identities: HashMap<String, String>,
    /// Names of malware objects.
    malware: HashMap<String, String>,
    /// Targets of `indicates` relationships, by indicator id, in bundle order.
    indicates: HashMap<String, Vec<String>>,
}

impl Bundle {
    fn index(objects: &[&Value]) -> Bundle {
        let mut bundle = Bundle::default();
        for object in objects {
            let Some(fields) = object.as_object() else {
                continue;
            };
            let text = |key: &str| fields.get(key).and_then(Value::as_str);
            let (Some(kind), Some(id)) = (text("type"), text("id")) else {
                continue;
            };
            match kind {
                "marking-definition" => {
                    if let Some(tlp) = marking_tlp(id, fields) {
                        bundle.markings.insert(id.to_owned(), tlp);
                    }
                }
                "identity" => {
                    if let Some(name) = text("name") {
                        bundle.identities.insert(id.to_owned(), name.to_owned());
                    }
                }
                "malware" => {
                    if let Some(name) = text("name") {
                        bundle.malware.insert(id.to_owned(), name.to_owned());
                    }
                }
                "relationship" if text("relationship_type") == Some("indicates") => {
                    if let (Some(source), Some(target)) = (text("source_ref"), text("target_ref")) {
                        bundle
                            .indicates
                            .entry(source.to_owned())
                            .or_default()
                            .push(target.to_owned());
                    }
                }
                _ => {}
            }
        }
        bundle
    }

    /// The records of one indicator.
    fn indicator(
        &self,
        fields: &Map<String, Value>,
        line: u64,
        context: &FeedContext,
    ) -> Vec<FeedRecord> {
        let raw = || common::cut(serde_json::to_string(fields).unwrap_or_default());
        let text = |key: &str| fields.get(key).and_then(Value::as_str);
        let skipped = |reason: String| vec![FeedRecord::Skipped { line, reason }];
        if let Some(kind) = text("pattern_type")
            && kind != "stix"
        {
            return skipped(format!(
                "the pattern is {kind}, not STIX patterning, so it names no address Beacon can read"
            ));
        }
        let Some(pattern_text) = text("pattern") else {
            return vec![rejected(line, "the indicator has no \"pattern\"", raw())];
        };
        // Every pattern is validated in full, even one then skipped: an invalid pattern is
        // a rejection with its reason, never a skip.
        let pattern = match pattern::parse(pattern_text) {
            Ok(pattern) => pattern,
            Err(error) => return vec![rejected(line, error.to_string(), raw())],
        };
        if fields.get("revoked") == Some(&Value::Bool(true)) {
            return skipped("the indicator is revoked".to_owned());
        }
        let types = strings(fields.get("indicator_types"));
        let labels = strings(fields.get("labels"));
        if is_benign(&types, &labels) {
            return skipped(
                "the indicator is marked benign (not malicious), so it does not belong in the register"
                    .to_owned(),
            );
        }
        let observables = observables(&pattern);
        if observables.is_empty() {
            return skipped(format!(
                "the pattern names no IPv4 or IPv6 address, domain name or URL (it tests {})",
                tested_paths(&pattern)
            ));
        }
        let time_source = match text("valid_from").or_else(|| text("created")) {
            None => None,
            Some(stamp) => match parse_time(stamp) {
                Some(time) => Some(time),
                None => {
                    return vec![rejected(
                        line,
                        format!("valid_from '{stamp}' is not an RFC 3339 timestamp"),
                        raw(),
                    )];
                }
            },
        };
        let malware = self.malware_of(text("id"));
        let classification = classify(&types, &labels, text("name"), malware.is_some());
        let mut template = Event::new(
            classification,
            &format!("STIX {}", context.file_name),
            context.observed_at,
            self.tlp_of(fields, context.default_tlp),
            raw(),
        );
        template.time_source = time_source;
        template.malware_name = malware.map(str::to_lowercase);
        template.feed_provider = text("created_by_ref")
            .and_then(|identity| self.identities.get(identity))
            .cloned();
        let extra = &mut template.extra;
        for (key, name) in [
            ("id", "stix_id"),
            ("name", "stix_name"),
            ("description", "stix_description"),
            ("valid_until", "stix_valid_until"),
        ] {
            if let Some(value) = text(key).filter(|value| !value.trim().is_empty()) {
                extra.insert(name.to_owned(), value.to_owned());
            }
        }
        if !types.is_empty() {
            extra.insert("stix_indicator_types".to_owned(), types.join(","));
        }
        if !labels.is_empty() {
            extra.insert("stix_labels".to_owned(), labels.join(","));
        }
        if let Some(confidence) = fields.get("confidence").and_then(Value::as_i64) {
            extra.insert("stix_confidence".to_owned(), confidence.to_string());
        }
        extra.insert(
            "stix_pattern".to_owned(),
            common::cut(pattern_text.to_owned()),
        );
        observables
            .into_iter()
            .map(|observable| {
                let mut event = template.clone();
                event.extra.insert(
                    "stix_observable".to_owned(),
                    observable.kind.path().to_owned(),
                );
                match observable.fill(&mut event) {
                    Ok(()) => FeedRecord::Event(Box::new(event), line),
                    Err(reason) => rejected(line, reason, raw()),
                }
            })
            .collect()
    }

    /// The most restrictive TLP among the object's markings, or the default.
    fn tlp_of(&self, fields: &Map<String, Value>, default: Tlp) -> Tlp {
        strings(fields.get("object_marking_refs"))
            .iter()
            .filter_map(|reference| {
                standard_marking(reference).or_else(|| self.markings.get(*reference).copied())
            })
            .max()
            .unwrap_or(default)
    }

    /// The name of the first malware the indicator `indicates`.
    fn malware_of(&self, indicator: Option<&str>) -> Option<&str> {
        self.indicates
            .get(indicator?)?
            .iter()
            .find_map(|target| self.malware.get(target))
            .map(String::as_str)
    }
}

/// The TLP of a standard marking definition id.
fn standard_marking(id: &str) -> Option<Tlp> {
    TLP_MARKINGS
        .iter()
        .find(|(standard, _)| *standard == id)
        .map(|(_, tlp)| *tlp)
}

/// The TLP a marking-definition object states: a standard id, TLP 1.0's
/// `definition.tlp`, the TLP 2.0 extension's `tlp_2_0`, or a `TLP:` name.
fn marking_tlp(id: &str, fields: &Map<String, Value>) -> Option<Tlp> {
    if let Some(tlp) = standard_marking(id) {
        return Some(tlp);
    }
    let definition_type = fields.get("definition_type").and_then(Value::as_str);
    if definition_type == Some("tlp")
        && let Some(tlp) = fields
            .get("definition")
            .and_then(|definition| definition.get("tlp"))
            .and_then(Value::as_str)
            .and_then(|label| label.parse().ok())
    {
        return Some(tlp);
    }
    if let Some(Value::Object(extensions)) = fields.get("extensions")
        && let Some(tlp) = extensions.values().find_map(|extension| {
            extension
                .get("tlp_2_0")
                .and_then(Value::as_str)
                .and_then(|label| label.parse().ok())
        })
    {
        return Some(tlp);
    }
    if matches!(definition_type, None | Some("tlp")) {
        return fields
            .get("name")
            .and_then(Value::as_str)
            .filter(|name| name.trim().to_ascii_uppercase().starts_with("TLP:"))
            .and_then(|name| name.parse().ok());
    }
    None
}

/// The strings of a JSON list (anything else in it is ignored).
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True when the indicator says it is benign and nothing else.
fn is_benign(types: &[&str], labels: &[&str]) -> bool {
    let kinds: Vec<&str> = if types.is_empty() {
        // STIX 2.0 put the indicator type in `labels`.
        labels.to_vec()
    } else {
        types.to_vec()
    };
    !kinds.is_empty() && kinds.iter().all(|kind| kind.eq_ignore_ascii_case("benign"))
}

/// Words that decide the classification, in order: the first whose word appears in the
/// indicator's types, labels or name wins. `*` ends a prefix; spaces separate words of a
/// phrase (punctuation other than `&` counts as a space).
pub const CLASSIFICATION_WORDS: &[(&str, &[&str])] = &[
    ("phishing", &["phish*"]),
    (
        "c2-server",
        &[
            "c2",
            "c&c",
            "cnc",
            "command and control",
            "botnet controller",
        ],
    ),
    ("scanner", &["scanner*", "scanning"]),
    (
        "brute-force",
        &["brute force", "bruteforce*", "brute forcing"],
    ),
    ("spam", &["spam*"]),
    ("ddos", &["ddos"]),
    (
        "malware-distribution",
        &[
            "malware",
            "downloader",
            "dropper",
            "ransomware",
            "trojan",
            "backdoor",
            "loader",
            "payload",
            "exploit kit",
        ],
    ),
];

/// The IntelMQ classification type of an indicator (see the module's documentation).
fn classify(
    types: &[&str],
    labels: &[&str],
    name: Option<&str>,
    indicates_malware: bool,
) -> &'static str {
    let mut text = String::from(" ");
    for part in types.iter().chain(labels).chain(name.as_slice()) {
        for character in part.chars().flat_map(char::to_lowercase) {
            text.push(if character.is_alphanumeric() || character == '&' {
                character
            } else {
                ' '
            });
        }
        text.push(' ');
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = format!(" {} ", words.join(" "));
    let matches = |pattern: &str| match pattern.strip_suffix('*') {
        Some(prefix) => words.iter().any(|word| word.starts_with(prefix)),
        None => joined.contains(&format!(" {pattern} ")),
    };
    if let Some((kind, _)) = CLASSIFICATION_WORDS
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|pattern| matches(pattern)))
    {
        return kind;
    }
    if types
        .iter()
        .chain(labels)
        .any(|kind| kind.eq_ignore_ascii_case("compromised"))
    {
        "system-compromise"
    } else if indicates_malware {
        "malware-distribution"
    } else {
        "undetermined"
    }
}

/// The kinds of value the register holds, by the object path that names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ipv4,
    Ipv6,
    Domain,
    Url,
}

impl Kind {
    fn of(object_type: &str) -> Option<Kind> {
        match object_type {
            "ipv4-addr" => Some(Kind::Ipv4),
            "ipv6-addr" => Some(Kind::Ipv6),
            "domain-name" => Some(Kind::Domain),
            "url" => Some(Kind::Url),
            _ => None,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4-addr:value",
            Kind::Ipv6 => "ipv6-addr:value",
            Kind::Domain => "domain-name:value",
            Kind::Url => "url:value",
        }
    }
}

/// One value a pattern names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observable {
    kind: Kind,
    value: String,
}

impl Observable {
    /// Puts the value in its field, or says why it is not a value of its kind.
    fn fill(&self, event: &mut Event) -> Result<(), String> {
        let value = self.value.trim();
        let path = self.kind.path();
        match self.kind {
            Kind::Ipv4 | Kind::Ipv6 => {
                let (address, network) = address_or_network(value)
                    .filter(|(address, _)| address.is_ipv4() == (self.kind == Kind::Ipv4))
                    .ok_or_else(|| {
                        let family = if self.kind == Kind::Ipv4 {
                            "IPv4"
                        } else {
                            "IPv6"
                        };
                        format!("{path} '{value}' is not an {family} address or network")
                    })?;
                match network {
                    Some(network) => event.source_network = Some(network),
                    None => event.source_ip = Some(address),
                }
            }
            Kind::Domain => {
                event.source_fqdn = Some(
                    parse_hostname(value)
                        .ok_or_else(|| format!("{path} '{value}' is not a valid domain name"))?,
                );
            }
            Kind::Url => {
                let address =
                    common::web_address(value).map_err(|why| format!("{path} '{value}' {why}"))?;
                common::set_source_url(event, address);
            }
        }
        Ok(())
    }
}

/// An address (`192.0.2.1`, or a one-address network such as `192.0.2.1/32`) or a wider
/// network: the address, and the network when it is wider than one address.
fn address_or_network(value: &str) -> Option<(IpAddr, Option<Cidr>)> {
    if value.contains('/') {
        let network: Cidr = value.parse().ok()?;
        let single = if network.address().is_ipv4() { 32 } else { 128 };
        Some((
            network.address(),
            (network.prefix() != single).then_some(network),
        ))
    } else {
        Some((value.parse().ok()?, None))
    }
}

/// The values a pattern names for the register: the string operands of `=` and `IN`
/// (and, for addresses, `ISSUBSET`, which names a network) on `ipv4-addr:value`,
/// `ipv6-addr:value`, `domain-name:value` and `url:value`, wherever they appear — in
/// any comparison or observation, however joined. A `NOT` comparison names what is *not*
/// meant, so it gives nothing. Each value is given once, in the order written.
fn observables(pattern: &Pattern) -> Vec<Observable> {
    let mut found: Vec<Observable> = Vec::new();
    for comparison in pattern.comparisons() {
        let path = &comparison.path;
        let Some(kind) = Kind::of(&path.object_type) else {
            continue;
        };
        if comparison.negated || path.property != "value" || !path.steps.is_empty() {
            continue;
        }
        let values: Vec<&str> = match &comparison.operator {
            Operator::Equal(Literal::String(value)) => vec![value],
            Operator::In(values) => values
                .iter()
                .filter_map(|value| match value {
                    Literal::String(value) => Some(value.as_str()),
                    _ => None,
                })
                .collect(),
            Operator::IsSubset(network) if matches!(kind, Kind::Ipv4 | Kind::Ipv6) => {
                vec![network]
            }
            _ => Vec::new(),
        };
        for value in values {
            let observable = Observable {
                kind,
                value: value.to_owned(),
            };
            if !found.contains(&observable) {
                found.push(observable);
            }
        }
    }
    found
}

/// The object paths a pattern tests, for a skip reason ("file:hashes.'SHA-256'").
fn tested_paths(pattern: &Pattern) -> String {
    let mut paths: Vec<String> = Vec::new();
    for comparison in pattern.comparisons() {
        let path = comparison.path.to_string();
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    if paths.len() > 5 {
        let more = paths.len() - 5;
        paths.truncate(5);
        paths.push(format!("{more} more"));
    }
    paths.join(", ")
}

/// The start of a JSON document as text, if it starts like one.
fn json_head(head: &[u8]) -> Option<String> {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.trim_start()
        .starts_with(['{', '['])
        .then(|| text.into_owned())
}

/// True when the text has `"key":` (followed by the string `"value"`, if given).
fn has_member(text: &str, key: &str, value: Option<&str>) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted).any(|(at, _)| {
        let rest = text[at + quoted.len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            return false;
        };
        match value {
            None => true,
            Some(value) => rest
                .trim_start()
                .strip_prefix('"')
                .and_then(|rest| rest.strip_prefix(value))
                .is_some_and(|rest| rest.starts_with('"')),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Pattern {
        pattern::parse(text).expect("a valid test pattern")
    }

    fn values(text: &str) -> Vec<(Kind, String)> {
        observables(&pattern(text))
            .into_iter()
            .map(|observable| (observable.kind, observable.value))
            .collect()
    }

    #[test]
    fn equality_and_sets_name_values_across_or_and_observations() {
        assert_eq!(
            values(
                "[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value IN ('192.0.2.2', '192.0.2.1')] \
                 OR [domain-name:value = 'example.com'] FOLLOWEDBY [url:value = 'http://example.com/x'] WITHIN 60 SECONDS"
            ),
            [
                (Kind::Ipv4, "192.0.2.1".to_owned()),
                (Kind::Ipv4, "192.0.2.2".to_owned()),
                (Kind::Domain, "example.com".to_owned()),
                (Kind::Url, "http://example.com/x".to_owned()),
            ]
        );
    }

    #[test]
    fn negated_and_indirect_comparisons_name_nothing() {
        assert!(values("[ipv4-addr:value NOT = '192.0.2.1']").is_empty());
        assert!(values("[ipv4-addr:value != '192.0.2.1']").is_empty());
        assert!(values("[network-traffic:dst_ref.value = '192.0.2.1']").is_empty());
        assert!(values("[domain-name:resolves_to_refs[*].value = '192.0.2.1']").is_empty());
        assert!(values("[url:value MATCHES '^http://']").is_empty());
        assert_eq!(
            values("[ipv6-addr:value ISSUBSET '2001:db8::/32']"),
            [(Kind::Ipv6, "2001:db8::/32".to_owned())]
        );
    }

    #[test]
    fn single_address_networks_are_addresses() {
        let one = address_or_network("203.0.113.33/32").expect("valid");
        assert_eq!(one, ("203.0.113.33".parse().expect("ip"), None));
        let wide = address_or_network("198.51.100.7/24").expect("valid");
        assert_eq!(
            wide.1.map(|network| network.to_string()),
            Some("198.51.100.0/24".into())
        );
        assert!(address_or_network("example.com").is_none());
    }

    #[test]
    fn classification_follows_the_first_matching_word() {
        assert_eq!(
            classify(
                &["malicious-activity"],
                &[],
                Some("IP Address for known C2 channel"),
                true
            ),
            "c2-server"
        );
        assert_eq!(
            classify(
                &["malicious-activity"],
                &[],
                Some("Malicious site hosting downloader"),
                false
            ),
            "malware-distribution"
        );
        assert_eq!(classify(&[], &["phishing-site"], None, false), "phishing");
        assert_eq!(
            classify(&["compromised"], &[], None, false),
            "system-compromise"
        );
        assert_eq!(
            classify(&["malicious-activity"], &[], Some("Bad host"), true),
            "malware-distribution"
        );
        assert_eq!(
            classify(&["anomalous-activity"], &[], None, false),
            "undetermined"
        );
        // "c2" must be a word: "c2c" or "abc2" are not.
        assert_eq!(classify(&[], &[], Some("abc2 c2c"), false), "undetermined");
        for (kind, _) in CLASSIFICATION_WORDS {
            assert!(beacon_core::event::taxonomy_of(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn markings_give_the_tlp() {
        let tlp = |object: Value| {
            let fields = object.as_object().cloned().unwrap_or_default();
            marking_tlp(
                "marking-definition--00000000-0000-4000-8000-000000000000",
                &fields,
            )
        };
        assert_eq!(
            tlp(serde_json::json!({"definition_type": "tlp", "definition": {"tlp": "amber"}})),
            Some(Tlp::Amber)
        );
        assert_eq!(
            tlp(
                serde_json::json!({"name": "TLP:AMBER+STRICT", "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}}})
            ),
            Some(Tlp::AmberStrict)
        );
        assert_eq!(
            tlp(
                serde_json::json!({"definition_type": "statement", "name": "TLP:RED", "definition": {"statement": "Copyright"}})
            ),
            None
        );
        assert_eq!(
            standard_marking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Some(Tlp::Clear)
        );
    }

    #[test]
    fn members_are_found_in_a_document_head() {
        assert!(has_member(
            "{ \"type\" : \"bundle\" }",
            "type",
            Some("bundle")
        ));
        assert!(!has_member(
            "{ \"type\": \"bundles\" }",
            "type",
            Some("bundle")
        ));
        assert!(!has_member("{ \"kind\": \"type\" }", "type", None));
        assert!(has_member("[{\"pattern\":1}]", "pattern", None));
    }
}
