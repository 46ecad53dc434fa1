//! MISP feeds, as MISP's feed generator writes them: a folder with `manifest.json`, one
//! `<uuid>.json` event file and `hashes.csv`. The event holds one attribute per
//! observable (and classification): `ip-dst`, `domain` or `url`, category
//! `Network activity`, `to_ids` true.
//!
//! **Invariants:** the event carries a `tlp:` tag for the most restrictive TLP of its
//! attributes, and every attribute a `tlp:` tag of its own; the attribute's IntelMQ
//! classification travels as an `rsit:` tag and its malware family as a
//! `misp-galaxy:malpedia` tag. Ids are name-based, keys sorted, attributes in a fixed
//! order, so the same events give byte-identical files.

use crate::{ExportError, Group, groups, ids};
use beacon_core::{Event, Tlp};
use serde_json::{Value, json};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who the feed says made it, and what the event is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedInfo {
    /// The event's `info` (its title).
    pub info: String,
    /// The creating organisation's name (`Orgc.name`); its UUID derives from it.
    pub org_name: String,
}

impl Default for FeedInfo {
    fn default() -> Self {
        FeedInfo {
            info: "Beacon threat register export".to_owned(),
            org_name: "Beacon".to_owned(),
        }
    }
}

/// The MISP tag for a TLP: `tlp:clear`, `tlp:green`, `tlp:amber`, `tlp:amber+strict`,
/// `tlp:red`.
pub fn tlp_tag(tlp: Tlp) -> String {
    tlp.as_str().to_ascii_lowercase()
}

/// The colour MISP's TLP taxonomy gives each label.
fn tlp_colour(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "#ffffff",
        Tlp::Green => "#339900",
        Tlp::Amber => "#ffc000",
        Tlp::AmberStrict => "#ffc000",
        Tlp::Red => "#cc0033",
    }
}

fn tag(name: String, colour: &str) -> Value {
    json!({
        "name": name,
        "colour": colour,
        "exportable": true,
    })
}

/// The attribute of one group.
fn attribute(group: &Group<'_>) -> Value {
    let event = group.first();
    let mut tags = vec![
        tag(tlp_tag(group.tlp()), tlp_colour(group.tlp())),
        tag(
            format!(
                "rsit:{}=\"{}\"",
                event.classification_taxonomy, event.classification_type
            ),
            "#0088cc",
        ),
    ];
    if let Some(malware) = &event.malware_name {
        tags.push(tag(
            format!("misp-galaxy:malpedia=\"{malware}\""),
            "#0088cc",
        ));
    }
    json!({
        "uuid": ids::id("misp-attribute", &group.name()),
        "type": group.observable.kind.misp_type(),
        "category": "Network activity",
        "to_ids": true,
        "value": group.observable.value,
        "comment": "",
        "timestamp": group.first_seen().unix_timestamp().to_string(),
        "Tag": tags,
    })
}

/// The event document (`{"Event": {…}}`) for already-filtered events, and its UUID.
pub fn event(events: &[&Event], feed: &FeedInfo) -> (String, Value) {
    let groups = groups(events);
    let attributes: Vec<Value> = groups.iter().map(attribute).collect();
    let attribute_ids: Vec<&str> = attributes
        .iter()
        .filter_map(|attribute| attribute["uuid"].as_str())
        .collect();
    let uuid = ids::id("misp-event", &attribute_ids.join(","));
    let tlp = groups.iter().map(Group::tlp).max().unwrap_or(Tlp::Clear);
    let last = groups.iter().map(Group::last_observed).max();
    let timestamp = last.map_or(0, |time| time.unix_timestamp()).to_string();
    let date = last.map_or_else(
        || "1970-01-01".to_owned(),
        |time| {
            let utc = time.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02}",
                utc.year(),
                u8::from(utc.month()),
                utc.day()
            )
        },
    );
    let document = json!({
        "Event": {
            "uuid": uuid,
            "info": feed.info,
            "date": date,
            "timestamp": timestamp,
            "publish_timestamp": timestamp,
            "published": true,
            "analysis": "2",
            "threat_level_id": "2",
            "Orgc": org(feed),
            "Tag": [tag(tlp_tag(tlp), tlp_colour(tlp))],
            "Attribute": attributes,
        }
    });
    (uuid, document)
}

fn org(feed: &FeedInfo) -> Value {
    json!({
        "name": feed.org_name,
        "uuid": ids::id("misp-org", &feed.org_name),
    })
}

/// The manifest entry MISP's feed generator writes for an event.
fn manifest(uuid: &str, document: &Value) -> Value {
    let event = &document["Event"];
    let mut entry = serde_json::Map::new();
    for key in [
        "Orgc",
        "Tag",
        "info",
        "date",
        "analysis",
        "threat_level_id",
        "timestamp",
    ] {
        entry.insert(key.to_owned(), event[key].clone());
    }
    json!({ uuid: entry })
}

/// `hashes.csv`: the MD5 of each attribute value and the event UUID, one line each.
fn hashes(uuid: &str, document: &Value) -> String {
    let mut text = String::new();
    if let Some(attributes) = document["Event"]["Attribute"].as_array() {
        for attribute in attributes {
            let value = attribute["value"].as_str().unwrap_or_default();
            text.push_str(&format!("{},{uuid}\n", ids::md5_hex(value)));
        }
    }
    text
}

/// Writes the feed into `dir` (created if missing): `manifest.json`, `<uuid>.json` and
/// `hashes.csv`. Returns the event file's path. Files of an earlier export with the same
/// names are replaced; other files are left alone.
pub fn write_feed(events: &[&Event], feed: &FeedInfo, dir: &Path) -> Result<PathBuf, ExportError> {
    fs::create_dir_all(dir)?;
    let (uuid, document) = event(events, feed);
    let event_path = dir.join(format!("{uuid}.json"));
    write_json(&event_path, &document)?;
    write_json(&dir.join("manifest.json"), &manifest(&uuid, &document))?;
    fs::write(dir.join("hashes.csv"), hashes(&uuid, &document))?;
    Ok(event_path)
}

fn write_json(path: &Path, value: &Value) -> Result<(), ExportError> {
    let mut file = fs::File::create(path)?;
    serde_json::to_writer(&mut file, value)?;
    file.write_all(b"\n")?;
    Ok(())
}
