//! MISP events: one event in API form (`{"Event": {…}}`), a search response
//! (`{"response": [{"Event": …}]}` or `{"response": {"Attribute": […]}}`), a list of
//! events, a bare event object, and a whole MISP feed folder (`manifest.json` plus one
//! `<uuid>.json` per event) through [`parse_feed_directory`]. Each attribute marked for
//! detection that names an address, network, domain or URL becomes one [`Event`]; see
//! `docs/feeds/stix-and-misp.md` for the type, classification and TLP tables.
//!
//! **Invariants:** every attribute gives exactly one record, numbered from 1 across the
//! input in order (the event's own attributes, then those of its objects); for a
//! one-event file that is the attribute's index across the event. In a feed folder a
//! missing or corrupt event file is one rejected record naming the file, never an abort.

use super::common::{self, parse_hostname, parse_port, refuse, rejected};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::event::CLASSIFICATIONS;
use beacon_core::{Cidr, Event, Tlp};
use serde_json::{Map, Value};
use std::fs::File;
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use time::OffsetDateTime;

/// The name used with `--format`.
const NAME: &str = "misp";

/// Largest JSON document read (an event file or a manifest); see the STIX reader's limit.
pub const MAX_DOCUMENT_BYTES: u64 = super::common::MAX_JSON_BYTES;

/// The reason given for attributes not marked for detection.
pub const NOT_FOR_DETECTION: &str = "not marked for detection (to_ids is false)";

/// The MISP format, for the [registry](super::registry).
pub struct Misp;

impl FeedFormat for Misp {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A JSON document with an `"Event"` or `"Attribute"` member.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
        let text = String::from_utf8_lossy(head);
        text.trim_start().starts_with(['{', '['])
            && (has_member(&text, "Event") || has_member(&text, "Attribute"))
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let document = super::common::read_json(input, NAME)?;
        Ok(Box::new(parse_document(&document, context)?.into_iter()))
    }
}

/// Reads a parsed MISP document (any of the forms the module accepts) into records.
pub fn parse_document(
    document: &Value,
    context: &FeedContext,
) -> Result<Vec<FeedRecord>, FeedError> {
    let mut reader = Reader::new(context);
    reader.document(document)?;
    Ok(reader.records)
}

/// Reads a MISP feed folder: the events `manifest.json` lists, each from `<uuid>.json`,
/// in the manifest's (UUID) order. Only an unreadable manifest refuses the folder.
pub fn parse_feed_directory(
    dir: &Path,
    context: &FeedContext,
) -> Result<Vec<FeedRecord>, FeedError> {
    let manifest_path = dir.join("manifest.json");
    // `read_json`'s reasons start with a verb ("is not valid JSON: …").
    let manifest = File::open(&manifest_path)
        .map_err(|error| format!("could not be opened: {error}"))
        .and_then(|file| {
            super::common::read_json(Box::new(file), NAME).map_err(|error| error.reason)
        })
        .map_err(|reason| {
            refuse(
                NAME,
                format!("the feed's {} {reason}", manifest_path.display()),
            )
        })?;
    let Some(entries) = manifest.as_object() else {
        return Err(refuse(
            NAME,
            "manifest.json is not a JSON object of events by UUID",
        ));
    };
    let mut reader = Reader::new(context);
    for (uuid, summary) in entries {
        if !is_uuid(uuid) {
            // Also keeps names such as "../x" from reaching the file system.
            let line = reader.next_line();
            reader.records.push(rejected(
                line,
                format!("manifest.json lists '{uuid}', which is not an event UUID"),
                summary.to_string(),
            ));
            continue;
        }
        let file_name = format!("{uuid}.json");
        let document = File::open(dir.join(&file_name))
            .map_err(|error| format!("could not be read: {error}"))
            .and_then(|file| {
                super::common::read_json(Box::new(file), NAME).map_err(|error| error.reason)
            });
        let outcome = document.and_then(|document| {
            // Parse into a scratch reader so a refused file leaves no partial records.
            let mut event_reader = Reader {
                context,
                next: reader.next,
                records: Vec::new(),
            };
            event_reader
                .document(&document)
                .map(|()| event_reader)
                .map_err(|error| format!("was refused: {}", error.reason))
        });
        match outcome {
            Ok(event_reader) => {
                reader.next = event_reader.next;
                reader.records.extend(event_reader.records);
            }
            Err(reason) => {
                let line = reader.next_line();
                reader.records.push(rejected(
                    line,
                    format!("event file {file_name} listed in manifest.json {reason}"),
                    summary.to_string(),
                ));
            }
        }
    }
    Ok(reader.records)
}

/// True for `8-4-4-4-12` hex digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.bytes().all(|byte| byte.is_ascii_hexdigit())
        })
}

/// True when the text has `"key":`.
fn has_member(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .any(|(at, _)| text[at + quoted.len()..].trim_start().starts_with(':'))
}

/// Collects the records of one input, numbering them.
struct Reader<'c> {
    context: &'c FeedContext,
    /// Number of the next record.
    next: u64,
    records: Vec<FeedRecord>,
}

impl<'c> Reader<'c> {
    fn new(context: &'c FeedContext) -> Self {
        Reader {
            context,
            next: 1,
            records: Vec::new(),
        }
    }

    fn next_line(&mut self) -> u64 {
        let line = self.next;
        self.next += 1;
        line
    }

    /// Any accepted form of document.
    fn document(&mut self, document: &Value) -> Result<(), FeedError> {
        match document {
            Value::Array(items) => {
                for item in items {
                    self.item(item);
                }
                Ok(())
            }
            Value::Object(fields) => {
                if let Some(event) = fields.get("Event") {
                    self.item_event(event, document);
                    Ok(())
                } else if let Some(response) = fields.get("response") {
                    match response {
                        Value::Array(items) => {
                            for item in items {
                                self.item(item);
                            }
                            Ok(())
                        }
                        Value::Object(inner) if inner.contains_key("Attribute") => {
                            // An attribute search: attributes without their events.
                            self.event(inner);
                            Ok(())
                        }
                        _ => Err(refuse(
                            NAME,
                            "the \"response\" holds neither events nor attributes",
                        )),
                    }
                } else if fields.contains_key("Attribute") || fields.contains_key("Object") {
                    self.event(fields);
                    Ok(())
                } else if is_manifest(fields) {
                    Err(refuse(
                        NAME,
                        "this is a MISP feed's manifest.json, which lists events but holds none: \
                         read the feed's folder instead",
                    ))
                } else {
                    Err(refuse(
                        NAME,
                        "the JSON is not a MISP event: it has no \"Event\", \"response\" or \"Attribute\"",
                    ))
                }
            }
            _ => Err(refuse(
                NAME,
                "the JSON is not a MISP event or list of events",
            )),
        }
    }

    /// One item of a list: `{"Event": …}` or a bare event.
    fn item(&mut self, item: &Value) {
        match item.get("Event") {
            Some(event) => self.item_event(event, item),
            None => match item.as_object() {
                Some(fields)
                    if fields.contains_key("Attribute") || fields.contains_key("Object") =>
                {
                    self.event(fields)
                }
                _ => {
                    let line = self.next_line();
                    self.records.push(rejected(
                        line,
                        "this item of the list is not a MISP event",
                        item.to_string(),
                    ));
                }
            },
        }
    }

    fn item_event(&mut self, event: &Value, item: &Value) {
        match event.as_object() {
            Some(fields) => self.event(fields),
            None => {
                let line = self.next_line();
                self.records.push(rejected(
                    line,
                    "\"Event\" is not a JSON object",
                    item.to_string(),
                ));
            }
        }
    }

    /// The records of one event's attributes: its own, then its objects'.
    fn event(&mut self, fields: &Map<String, Value>) {
        let event = EventFacts::of(fields);
        for attribute in list(fields.get("Attribute")) {
            let line = self.next_line();
            let record = event.attribute(attribute, None, line, self.context);
            self.records.push(record);
        }
        for object in list(fields.get("Object")) {
            let name = object.get("name").and_then(Value::as_str);
            for attribute in list(object.get("Attribute")) {
                let line = self.next_line();
                let record = event.attribute(attribute, name, line, self.context);
                self.records.push(record);
            }
        }
    }
}

/// True for a feed manifest: an object of UUIDs whose values describe events.
fn is_manifest(fields: &Map<String, Value>) -> bool {
    !fields.is_empty()
        && fields
            .iter()
            .all(|(key, value)| is_uuid(key) && value.get("info").is_some())
}

/// The items of a JSON list, or nothing.
fn list(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// Text of a string or number (MISP writes numbers both ways).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A MISP boolean: `true`, `1`, `"1"` or `"true"` (and their opposites).
fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => number.as_i64().map(|number| number != 0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The names of a `Tag` list (objects with a `name`, or plain strings).
fn tag_names(value: Option<&Value>) -> Vec<&str> {
    list(value)
        .iter()
        .filter_map(|tag| tag.as_str().or_else(|| tag.get("name")?.as_str()))
        .collect()
}

/// The most restrictive TLP among tags, if any is a TLP tag.
fn tags_tlp(tags: &[&str]) -> Option<Tlp> {
    tags.iter()
        .filter(|tag| {
            tag.get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("tlp:"))
        })
        .filter_map(|tag| tag.parse::<Tlp>().ok())
        .max()
}

/// A classification type named by an `rsit:` (Reference Security Incident Taxonomy) or
/// `ecsirt:` tag, such as `rsit:malicious-code="c2-server"`.
fn tag_classification(tag: &str) -> Option<&'static str> {
    let (namespace, rest) = tag.split_once(':')?;
    if !matches!(
        namespace.trim().to_ascii_lowercase().as_str(),
        "rsit" | "ecsirt"
    ) {
        return None;
    }
    let value = rest
        .split_once('=')?
        .1
        .trim()
        .trim_matches('"')
        .to_ascii_lowercase();
    match value.as_str() {
        // eCSIRT's older names for IntelMQ's types.
        "c&c" | "c2" => Some("c2-server"),
        "botnet-drone" => Some("infected-system"),
        other => CLASSIFICATIONS
            .iter()
            .flat_map(|(_, types)| types.iter())
            .find(|kind| **kind == other)
            .copied(),
    }
}

/// The IntelMQ classification type an attribute comment states as Beacon's MISP export
/// writes it (`<taxonomy> / <type>`, then optionally `; malware: …`). The exact type
/// travels there because RSIT tags cannot say every IntelMQ type (`blacklist`,
/// `unauthorized-use-of-resources`).
fn comment_classification(comment: &str) -> Option<&'static str> {
    let stated = comment.split(';').next()?;
    let (taxonomy, kind) = stated.split_once(" / ")?;
    CLASSIFICATIONS
        .iter()
        .find(|(name, _)| *name == taxonomy.trim())?
        .1
        .iter()
        .find(|known| **known == kind.trim())
        .copied()
}

/// Galaxies whose clusters are malware families (`misp-galaxy:<galaxy>="<family>"`).
pub const MALWARE_GALAXIES: &[&str] = &[
    "malpedia",
    "ransomware",
    "banker",
    "botnet",
    "rat",
    "android",
    "backdoor",
    "stealer",
    "exploit-kit",
];

/// A malware family named by a galaxy tag.
fn tag_malware(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix("misp-galaxy:")?;
    let (galaxy, value) = rest.split_once('=')?;
    MALWARE_GALAXIES
        .contains(&galaxy.trim())
        .then(|| family_name(value.trim().trim_matches('"')))
        .filter(|name| !name.is_empty())
}

/// A galaxy cluster's name as a `malware.name`: lower case, without the platform malpedia
/// adds to tell families of one name apart (`Mirai (ELF)` is `mirai`).
fn family_name(cluster: &str) -> String {
    let lower = cluster.trim().to_lowercase();
    for platform in [" (elf)", " (windows)", " (android)", " (macos)", " (ios)"] {
        if let Some(name) = lower.strip_suffix(platform) {
            return name.trim().to_owned();
        }
    }
    lower
}

/// A malware family named by a `Galaxy` list (MISP's expanded form of galaxy tags).
fn galaxy_malware(value: Option<&Value>) -> Option<String> {
    list(value).iter().find_map(|galaxy| {
        let kind = galaxy.get("type").and_then(Value::as_str)?;
        if !MALWARE_GALAXIES.contains(&kind) {
            return None;
        }
        list(galaxy.get("GalaxyCluster"))
            .iter()
            .find_map(|cluster| cluster.get("value")?.as_str())
            .map(str::to_lowercase)
    })
}

/// The classification of an attribute by its category (see the documentation's table):
/// payload categories distribute malware; in network activity, URLs distribute malware
/// and destinations (`ip-dst`, domains) are the malware's controllers; the rest is
/// undetermined.
fn category_classification(category: &str, kind: &str) -> &'static str {
    match category {
        "Payload delivery" | "Payload installation" => "malware-distribution",
        "Network activity" => match kind {
            "url" => "malware-distribution",
            "ip-src" | "ip-src|port" => "undetermined",
            _ => "c2-server",
        },
        _ => "undetermined",
    }
}

/// Attribute types read, and what each fills.
pub const READ_TYPES: &[&str] = &[
    "ip-src",
    "ip-dst",
    "ip-src|port",
    "ip-dst|port",
    "domain",
    "hostname",
    "hostname|port",
    "domain|ip",
    "url",
];

/// What an event says about all its attributes.
struct EventFacts<'e> {
    uuid: Option<&'e str>,
    info: Option<&'e str>,
    distribution: Option<String>,
    tags: Vec<&'e str>,
    provider: Option<&'e str>,
    /// Malware named by the event's tags, galaxies or "Payload type" attributes.
    malware: Option<String>,
}

impl<'e> EventFacts<'e> {
    fn of(fields: &'e Map<String, Value>) -> Self {
        let tags = tag_names(fields.get("Tag"));
        let malware = tags
            .iter()
            .find_map(|tag| tag_malware(tag))
            .or_else(|| galaxy_malware(fields.get("Galaxy")))
            .or_else(|| {
                // IntelMQ's MISP parser reads the family from "Payload type" attributes.
                list(fields.get("Attribute"))
                    .iter()
                    .filter(|attribute| {
                        attribute.get("category").and_then(Value::as_str) == Some("Payload type")
                    })
                    .find_map(|attribute| attribute.get("value")?.as_str())
                    .map(|name| name.trim().to_lowercase())
                    .filter(|name| !name.is_empty())
            });
        EventFacts {
            uuid: fields.get("uuid").and_then(Value::as_str),
            info: fields.get("info").and_then(Value::as_str),
            distribution: text(fields.get("distribution")),
            tags,
            provider: ["Orgc", "Org"]
                .iter()
                .find_map(|key| fields.get(*key)?.get("name")?.as_str()),
            malware,
        }
    }

    /// The record of one attribute.
    fn attribute(
        &self,
        attribute: &Value,
        object_name: Option<&str>,
        line: u64,
        context: &FeedContext,
    ) -> FeedRecord {
        let raw = || common::cut(attribute.to_string());
        let skipped = |reason: String| FeedRecord::Skipped { line, reason };
        let Some(fields) = attribute.as_object() else {
            return rejected(line, "the attribute is not a JSON object", raw());
        };
        let field = |key: &str| fields.get(key).and_then(Value::as_str).map(str::trim);
        if flag(fields.get("deleted")) == Some(true) {
            return skipped("the attribute is deleted".to_owned());
        }
        match flag(fields.get("to_ids")) {
            Some(true) => {}
            Some(false) => return skipped(NOT_FOR_DETECTION.to_owned()),
            None => {
                return skipped("not marked for detection (to_ids is missing)".to_owned());
            }
        }
        let Some(kind) = field("type") else {
            return rejected(line, "the attribute has no \"type\"", raw());
        };
        if !READ_TYPES.contains(&kind) {
            return skipped(format!(
                "attribute type '{kind}' names no address, network, domain or URL"
            ));
        }
        let category = field("category").unwrap_or_default();
        if category == "Targeting data" {
            return skipped(
                "category 'Targeting data' names the target of an attack, not the attacker"
                    .to_owned(),
            );
        }
        let Some(value) = field("value") else {
            return rejected(line, "the attribute has no \"value\"", raw());
        };
        let time_source = match text(fields.get("timestamp")) {
            None => None,
            Some(stamp) => match stamp
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
            {
                Some(time) => Some(time),
                None => {
                    return rejected(
                        line,
                        format!("timestamp '{stamp}' is not a Unix time in seconds"),
                        raw(),
                    );
                }
            },
        };
        let attribute_tags = tag_names(fields.get("Tag"));
        let tlp = tags_tlp(&attribute_tags)
            .or_else(|| tags_tlp(&self.tags))
            .unwrap_or(context.default_tlp);
        let classification = fields
            .get("comment")
            .and_then(Value::as_str)
            .and_then(comment_classification)
            .or_else(|| {
                attribute_tags
                    .iter()
                    .chain(&self.tags)
                    .find_map(|tag| tag_classification(tag))
            })
            .unwrap_or_else(|| category_classification(category, kind));
        let mut event = Event::new(
            classification,
            &format!("MISP {}", context.file_name),
            context.observed_at,
            tlp,
            raw(),
        );
        if let Err(reason) = fill(&mut event, kind, value) {
            return rejected(line, reason, raw());
        }
        event.time_source = time_source;
        event.feed_provider = self.provider.map(str::to_owned);
        event.malware_name = attribute_tags
            .iter()
            .find_map(|tag| tag_malware(tag))
            .or_else(|| galaxy_malware(fields.get("Galaxy")))
            .or_else(|| self.malware.clone());
        let distribution = text(fields.get("distribution"))
            .filter(|distribution| distribution != "5")
            .or_else(|| self.distribution.clone());
        let mut tags: Vec<&str> = Vec::new();
        for tag in attribute_tags.iter().chain(&self.tags) {
            if !tags.contains(tag) {
                tags.push(tag);
            }
        }
        let extra = &mut event.extra;
        let mut put = |key: &str, value: Option<&str>| {
            if let Some(value) = value.filter(|value| !value.trim().is_empty()) {
                extra.insert(key.to_owned(), value.to_owned());
            }
        };
        put("misp_event_uuid", self.uuid);
        put("misp_event_info", self.info);
        put("misp_attribute_uuid", field("uuid"));
        put("misp_type", Some(kind));
        put("misp_category", Some(category));
        put("misp_comment", field("comment"));
        put("misp_object", object_name);
        put("misp_distribution", distribution.as_deref());
        put("misp_tags", Some(&tags.join(", ")));
        FeedRecord::Event(Box::new(event), line)
    }
}

/// Puts an attribute's value in the event's fields, or says why it does not fit its type.
fn fill(event: &mut Event, kind: &str, value: &str) -> Result<(), String> {
    match kind {
        "ip-src" | "ip-dst" => set_address(event, kind, value),
        "ip-src|port" | "ip-dst|port" => {
            let (address, port) = value
                .rsplit_once('|')
                .ok_or_else(|| format!("{kind} '{value}' is not address|port"))?;
            set_address(event, kind, address)?;
            event.source_port = Some(
                parse_port(port)
                    .ok_or_else(|| format!("{kind} '{value}': '{port}' is not a port"))?,
            );
            Ok(())
        }
        "domain" | "hostname" => {
            event.source_fqdn = Some(
                parse_hostname(value)
                    .ok_or_else(|| format!("{kind} '{value}' is not a valid domain name"))?,
            );
            Ok(())
        }
        "hostname|port" => {
            let (host, port) = value
                .rsplit_once('|')
                .ok_or_else(|| format!("{kind} '{value}' is not hostname|port"))?;
            event.source_fqdn =
                Some(parse_hostname(host).ok_or_else(|| {
                    format!("{kind} '{value}': '{host}' is not a valid domain name")
                })?);
            event.source_port = Some(
                parse_port(port)
                    .ok_or_else(|| format!("{kind} '{value}': '{port}' is not a port"))?,
            );
            Ok(())
        }
        "domain|ip" => {
            let (domain, address) = value
                .split_once('|')
                .ok_or_else(|| format!("{kind} '{value}' is not domain|ip"))?;
            event.source_fqdn = Some(parse_hostname(domain).ok_or_else(|| {
                format!("{kind} '{value}': '{domain}' is not a valid domain name")
            })?);
            event.source_ip = Some(
                address
                    .trim()
                    .parse::<IpAddr>()
                    .map_err(|_| format!("{kind} '{value}': '{address}' is not an IP address"))?,
            );
            Ok(())
        }
        "url" => {
            // MISP users often leave out the scheme; such URLs are web addresses.
            let with_scheme = if value.contains("://") {
                value.to_owned()
            } else {
                format!("http://{value}")
            };
            let address =
                common::web_address(&with_scheme).map_err(|why| format!("url '{value}' {why}"))?;
            common::set_source_url(event, address);
            Ok(())
        }
        _ => Err(format!("attribute type '{kind}' is not read")),
    }
}

/// An address, or a network wider than one address.
fn set_address(event: &mut Event, kind: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    let refuse = || format!("{kind} '{value}' is not an IP address or network");
    if value.contains('/') {
        let network: Cidr = value.parse().map_err(|_| refuse())?;
        let single = if network.address().is_ipv4() { 32 } else { 128 };
        if network.prefix() == single {
            event.source_ip = Some(network.address());
        } else {
            event.source_network = Some(network);
        }
    } else {
        event.source_ip = Some(value.parse().map_err(|_| refuse())?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsit_and_ecsirt_tags_name_types() {
        assert_eq!(
            tag_classification("rsit:malicious-code=\"c2-server\""),
            Some("c2-server")
        );
        assert_eq!(
            tag_classification("ecsirt:malicious-code=\"c&c\""),
            Some("c2-server")
        );
        assert_eq!(
            tag_classification("ecsirt:fraud=\"phishing\""),
            Some("phishing")
        );
        assert_eq!(
            tag_classification("ecsirt:malicious-code=\"ransomware\""),
            None
        );
        assert_eq!(tag_classification("tlp:amber"), None);
    }

    #[test]
    fn tlp_tags_take_the_most_restrictive() {
        assert_eq!(
            tags_tlp(&["tlp:green", "TLP:AMBER", "other"]),
            Some(Tlp::Amber)
        );
        assert_eq!(tags_tlp(&["tlp:ex:chr", "circl:x"]), None);
        assert_eq!(tags_tlp(&[]), None);
    }

    #[test]
    fn galaxy_tags_name_malware() {
        assert_eq!(
            tag_malware("misp-galaxy:malpedia=\"Emotet\""),
            Some("emotet".into())
        );
        assert_eq!(tag_malware("misp-galaxy:threat-actor=\"APT 28\""), None);
        assert_eq!(
            tag_malware("misp-galaxy:malpedia=\"Mirai (ELF)\"").as_deref(),
            Some("mirai")
        );
    }

    #[test]
    fn flags_read_all_spellings() {
        for (value, expected) in [
            (serde_json::json!(true), Some(true)),
            (serde_json::json!("1"), Some(true)),
            (serde_json::json!(0), Some(false)),
            (serde_json::json!("false"), Some(false)),
            (serde_json::json!("maybe"), None),
        ] {
            assert_eq!(flag(Some(&value)), expected, "{value}");
        }
    }

    #[test]
    fn uuids_are_checked() {
        assert!(is_uuid("57c4445b-c548-4654-af0b-4be3950d210f"));
        assert!(!is_uuid("../../etc/passwd"));
        assert!(!is_uuid("57c4445b-c548-4654-af0b-4be3950d210"));
    }
}
