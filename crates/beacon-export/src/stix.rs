//! STIX 2.1 bundles: one `indicator` per observable (and classification), with TLP 2.0
//! marking definitions, and a `malware` object with an `indicates` relationship where
//! the events name a malware family.
//!
//! **Invariants:** every object carries `object_marking_refs` with the TLP 2.0 marking of
//! the most restrictive event behind it, and every marking referenced is in the bundle;
//! every object Beacon creates has `created_by_ref` to the producer `identity` in the
//! bundle (the TLP markings are OASIS's, copied as published); objects are in a fixed
//! order (markings, the producer, malware, indicators, relationships, each sorted by id) and JSON keys are sorted, so output is byte-identical for the same
//! events.

use crate::{ExportError, Group, Kind, Observable, groups, ids, stix_time};
use beacon_core::{Event, Tlp};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// The OASIS TLP 2.0 marking definitions (stix-common-objects). The same ids are in
/// `beacon_ingest::feeds::stix::TLP_MARKINGS`; they are repeated here so the exporter
/// does not depend on the ingest crate.
pub const TLP_2_MARKINGS: [(Tlp, &str); 5] = [
    (
        Tlp::Clear,
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    ),
    (
        Tlp::Green,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ),
    (
        Tlp::Amber,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    ),
    (
        Tlp::AmberStrict,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    ),
    (
        Tlp::Red,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    ),
];

/// The id of the OASIS TLP 2.0 extension definition that marking definitions carry.
const TLP_2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// When OASIS created the TLP 2.0 marking definitions.
const TLP_2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The producer's name: the `identity` every object Beacon writes is `created_by_ref`.
pub const PRODUCER_NAME: &str = "Beacon";

/// When the producer identity was first written: a fixed time, so the identity is the
/// same object (same id, same version) in every export.
const PRODUCER_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// The id of the producer identity (`identity--` and a name-based UUID of its name).
pub fn producer_id() -> String {
    format!("identity--{}", ids::id("identity", PRODUCER_NAME))
}

/// The producer `identity` object: the system that wrote the bundle.
pub fn producer_identity() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": producer_id(),
        "created_by_ref": producer_id(),
        "created": PRODUCER_CREATED,
        "modified": PRODUCER_CREATED,
        "name": PRODUCER_NAME,
        "description": "Beacon, the threat-address register that exported this bundle.",
        "identity_class": "system",
    })
}

/// The id of the TLP 2.0 marking definition for `tlp`.
pub fn marking_id(tlp: Tlp) -> &'static str {
    TLP_2_MARKINGS
        .iter()
        .find(|(label, _)| *label == tlp)
        .map_or(TLP_2_MARKINGS[4].1, |(_, id)| id)
}

/// The TLP 2.0 marking-definition object for `tlp`.
pub fn marking_definition(tlp: Tlp) -> Value {
    let short = tlp.as_str().trim_start_matches("TLP:").to_ascii_lowercase();
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id(tlp),
        "created": TLP_2_CREATED,
        "name": tlp.as_str(),
        "extensions": {
            TLP_2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": short,
            }
        }
    })
}

/// A value as a STIX pattern string literal: quoted, with `\` and `'` escaped (the only
/// escapes the patterning grammar has; every other character, newlines included, stands
/// for itself).
pub fn quote(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('\'');
    for character in value.chars() {
        if matches!(character, '\\' | '\'') {
            literal.push('\\');
        }
        literal.push(character);
    }
    literal.push('\'');
    literal
}

/// The pattern of one observable, e.g. `[ipv4-addr:value = '192.0.2.1']`; networks are
/// CIDR values of `ipv4-addr` / `ipv6-addr`.
pub fn pattern(observable: &Observable) -> String {
    format!(
        "[{} = {}]",
        observable.kind.stix_path(),
        quote(&observable.value)
    )
}

/// STIX `indicator_types` for an IntelMQ classification (see `docs/feeds/exports.md`):
/// compromise and infection are `compromised`, vulnerability `anomalous-activity`, the
/// `other` and `test` taxonomies `unknown`, and everything else `malicious-activity`.
pub fn indicator_types(event: &Event) -> &'static str {
    match (
        event.classification_taxonomy.as_str(),
        event.classification_type.as_str(),
    ) {
        (_, "infected-system") | ("intrusions", _) => "compromised",
        ("vulnerable", _) => "anomalous-activity",
        ("other" | "test", _) => "unknown",
        _ => "malicious-activity",
    }
}

/// The bundle for already-filtered events (see [`crate::shareable`]).
pub fn bundle(events: &[&Event]) -> Value {
    let groups = groups(events);
    let mut markings: BTreeMap<Tlp, Value> = BTreeMap::new();
    let mut malware: BTreeMap<String, (Tlp, String)> = BTreeMap::new();
    let mut indicators: BTreeMap<String, Value> = BTreeMap::new();
    let mut relationships: BTreeMap<String, Value> = BTreeMap::new();
    for group in &groups {
        let tlp = group.tlp();
        markings.insert(tlp, marking_definition(tlp));
        let indicator = indicator(group);
        let id = indicator["id"].as_str().unwrap_or_default().to_owned();
        if let Some(name) = &group.first().malware_name {
            let entry = malware
                .entry(name.clone())
                .or_insert((tlp, stix_time(group.last_observed())));
            entry.0 = entry.0.max(tlp);
            entry.1 = entry.1.clone().max(stix_time(group.last_observed()));
            let malware_id = format!("malware--{}", ids::id("malware", name));
            let relationship_id = format!(
                "relationship--{}",
                ids::id("relationship", &format!("{id} indicates {malware_id}"))
            );
            relationships.insert(
                relationship_id.clone(),
                json!({
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": relationship_id,
                    "created": indicator["created"],
                    "modified": indicator["modified"],
                    "relationship_type": "indicates",
                    "created_by_ref": producer_id(),
                    "source_ref": id,
                    "target_ref": malware_id,
                    "object_marking_refs": [marking_id(tlp)],
                }),
            );
        }
        indicators.insert(id, indicator);
    }
    // The producer carries the least restrictive marking in the bundle: it says who wrote
    // the bundle, which anyone allowed to read any of it may know.
    let least = markings.keys().next().copied();
    let mut objects: Vec<Value> = markings.into_values().collect();
    if let Some(tlp) = least {
        let mut producer = producer_identity();
        producer["object_marking_refs"] = json!([marking_id(tlp)]);
        objects.push(producer);
    }
    let mut malware_objects: BTreeMap<String, Value> = BTreeMap::new();
    // A malware object's TLP is one of its indicators', so its marking is already here.
    for (name, (tlp, time)) in malware {
        let id = format!("malware--{}", ids::id("malware", &name));
        malware_objects.insert(
            id.clone(),
            json!({
                "type": "malware",
                "spec_version": "2.1",
                "id": id,
                "created": time,
                "modified": time,
                "name": name,
                "is_family": true,
                "created_by_ref": producer_id(),
                "object_marking_refs": [marking_id(tlp)],
            }),
        );
    }
    objects.extend(malware_objects.into_values());
    let ids: Vec<&str> = indicators
        .keys()
        .chain(relationships.keys())
        .map(String::as_str)
        .collect();
    let bundle_id = format!("bundle--{}", ids::id("bundle", &ids.join(",")));
    objects.extend(indicators.into_values());
    objects.extend(relationships.into_values());
    let mut bundle = json!({
        "type": "bundle",
        "id": bundle_id,
    });
    // STIX 2.1 allows no empty `objects` list: an empty bundle has none.
    if !objects.is_empty() {
        bundle["objects"] = Value::Array(objects);
    }
    bundle
}

/// The indicator of one group.
fn indicator(group: &Group<'_>) -> Value {
    let event = group.first();
    let id = format!("indicator--{}", ids::id("indicator", &group.name()));
    let modified = stix_time(group.last_observed());
    let mut fields = Map::new();
    let mut put = |key: &str, value: Value| {
        fields.insert(key.to_owned(), value);
    };
    put("type", json!("indicator"));
    put("spec_version", json!("2.1"));
    put("id", json!(id));
    put("created", json!(modified));
    put("modified", json!(modified));
    put(
        "name",
        json!(format!(
            "{} {}",
            event.classification_type,
            kind_word(group.observable.kind)
        )),
    );
    put("description", json!(description(group)));
    put("created_by_ref", json!(producer_id()));
    put("indicator_types", json!([indicator_types(event)]));
    put("labels", json!([event.classification_type]));
    put("pattern", json!(pattern(&group.observable)));
    put("pattern_type", json!("stix"));
    put("valid_from", json!(stix_time(group.first_seen())));
    put("object_marking_refs", json!([marking_id(group.tlp())]));
    Value::Object(fields)
}

/// An indicator's description in plain words: what the value was reported for, by how
/// many events, over which dates.
fn description(group: &Group<'_>) -> String {
    let event = group.first();
    let mut text = format!(
        "{} {} reported as {} ({}",
        kind_article(group.observable.kind),
        kind_word(group.observable.kind),
        event.classification_type,
        event.classification_taxonomy
    );
    if let Some(malware) = &event.malware_name {
        text.push_str(&format!(", malware {malware}"));
    }
    let first = stix_time(group.first_seen());
    let last = stix_time(group.last_observed());
    text.push_str(&format!(
        ") in {} event{}, first seen {}, last observed {}.",
        group.events.len(),
        if group.events.len() == 1 { "" } else { "s" },
        first.get(..10).unwrap_or(&first),
        last.get(..10).unwrap_or(&last),
    ));
    text
}

/// "An" or "A", for the kind word that follows.
fn kind_article(kind: Kind) -> &'static str {
    match kind {
        Kind::Ipv4 | Kind::Ipv6 => "An",
        Kind::Domain => "A",
        Kind::Url => "A",
    }
}

/// A plain word for the kind, for indicator names.
fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Ipv4 => "IPv4",
        Kind::Ipv6 => "IPv6",
        Kind::Domain => "domain",
        Kind::Url => "URL",
    }
}

/// Writes the bundle as pretty JSON with a final newline.
pub fn write_bundle<W: Write>(events: &[&Event], mut writer: W) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(&mut writer, &bundle(events))?;
    writer.write_all(b"\n")?;
    Ok(())
}
