//! MISP feeds, as MISP's feed generator writes them: a folder with `manifest.json`, one
//! `<uuid>.json` event file and `hashes.csv`. The event holds one attribute per
//! observable (and classification): `ip-dst`, `domain` or `url`, category
//! `Network activity`, `to_ids` true.
//!
//! **Invariants:** the event carries a `tlp:` tag for the most restrictive TLP of its
//! attributes, and every attribute a `tlp:` tag of its own; the attribute's IntelMQ
//! classification travels as an `rsit:` tag (one the RSIT taxonomy has) and its malware
//! family as a `misp-galaxy:malpedia` tag in the galaxy's own spelling. Ids are name-based, keys sorted, attributes in a fixed
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

/// The values of the RSIT taxonomy (MISP's `rsit` machine tags), by predicate. IntelMQ's
/// classification follows RSIT, but a few IntelMQ types (`blacklist`, `unknown`, …) are
/// not RSIT values; see [`rsit_tag`].
const RSIT: &[(&str, &[&str])] = &[
    ("abusive-content", &["spam", "harmful-speech", "violence"]),
    (
        "malicious-code",
        &[
            "infected-system",
            "c2-server",
            "malware-distribution",
            "malware-configuration",
        ],
    ),
    (
        "information-gathering",
        &["scanner", "sniffing", "social-engineering"],
    ),
    (
        "intrusion-attempts",
        &["ids-alert", "brute-force", "exploit"],
    ),
    (
        "intrusions",
        &[
            "privileged-account-compromise",
            "unprivileged-account-compromise",
            "application-compromise",
            "system-compromise",
            "burglary",
        ],
    ),
    (
        "availability",
        &["dos", "ddos", "misconfiguration", "sabotage", "outage"],
    ),
    (
        "information-content-security",
        &[
            "unauthorised-information-access",
            "unauthorised-information-modification",
            "data-loss",
            "data-leak",
        ],
    ),
    (
        "fraud",
        &[
            "unauthorised-use-of-resources",
            "copyright",
            "masquerade",
            "phishing",
        ],
    ),
    (
        "vulnerable",
        &[
            "weak-crypto",
            "ddos-amplifier",
            "potentially-unwanted-accessible",
            "information-disclosure",
            "vulnerable-system",
        ],
    ),
    ("other", &["other", "undetermined"]),
    ("test", &["test"]),
];

/// The RSIT machine tag for an IntelMQ classification, e.g.
/// `rsit:malicious-code="c2-server"`. A type RSIT does not have (IntelMQ's `blacklist`,
/// say) is tagged `rsit:other="other"`, so every tag is one MISP's taxonomy knows; the
/// exact type still travels in the attribute's comment.
pub fn rsit_tag(taxonomy: &str, classification_type: &str) -> String {
    let known = RSIT
        .iter()
        .any(|(predicate, values)| *predicate == taxonomy && values.contains(&classification_type));
    if known {
        format!("rsit:{taxonomy}=\"{classification_type}\"")
    } else if classification_type == "unauthorized-use-of-resources" {
        // IntelMQ spells it the American way; RSIT the British.
        "rsit:fraud=\"unauthorised-use-of-resources\"".to_owned()
    } else {
        "rsit:other=\"other\"".to_owned()
    }
}

/// Malware families as MISP's malpedia galaxy names its clusters, by the lower-case names
/// and synonyms feeds use (IntelMQ lower-cases `malware.name`). A galaxy tag attaches only
/// when its value is a cluster's exact name, so the proper case comes from here.
const MALPEDIA: &[(&str, &str)] = &[
    ("agenttesla", "Agent Tesla"),
    ("amadey", "Amadey"),
    ("andromeda", "Andromeda"),
    ("asyncrat", "AsyncRAT"),
    ("avemaria", "Ave Maria"),
    ("bashlite", "Bashlite"),
    ("bazarbackdoor", "BazarBackdoor"),
    ("bazarloader", "BazarBackdoor"),
    ("bumblebee", "BumbleBee"),
    ("caphaw", "Shylock"),
    ("cobalt strike", "Cobalt Strike"),
    ("cobaltstrike", "Cobalt Strike"),
    ("conficker", "Conficker"),
    ("cutwail", "Cutwail"),
    ("darkgate", "DarkGate"),
    ("dcrat", "DCRat"),
    ("dridex", "Dridex"),
    ("emotet", "Emotet"),
    ("formbook", "Formbook"),
    ("gafgyt", "Bashlite"),
    ("gamarue", "Andromeda"),
    ("gootkit", "GootKit"),
    ("gozi", "Gozi"),
    ("hancitor", "Hancitor"),
    ("havoc", "Havoc"),
    ("heodo", "Emotet"),
    ("icedid", "IcedID"),
    ("isfb", "ISFB"),
    ("kovter", "Kovter"),
    ("locky", "Locky"),
    ("lokibot", "LokiBot"),
    ("matsnu", "Matsnu"),
    ("mirai", "Mirai (ELF)"),
    ("mozi", "Mozi"),
    ("nanocore", "Nanocore RAT"),
    ("necurs", "Necurs"),
    ("njrat", "NjRAT"),
    ("nymaim", "Nymaim"),
    ("pikabot", "Pikabot"),
    ("plugx", "PlugX"),
    ("pushdo", "Pushdo"),
    ("qakbot", "QakBot"),
    ("qbot", "QakBot"),
    ("quasarrat", "Quasar RAT"),
    ("raccoon", "Raccoon"),
    ("ramnit", "Ramnit"),
    ("remcos", "Remcos"),
    ("sality", "Sality"),
    ("shylock", "Shylock"),
    ("sliver", "Sliver"),
    ("smokeloader", "SmokeLoader"),
    ("socgholish", "FAKEUPDATES"),
    ("sunburst", "SUNBURST"),
    ("tinba", "Tinba"),
    ("tofsee", "Tofsee"),
    ("trickbot", "TrickBot"),
    ("ursnif", "Gozi"),
    ("victorygate", "VictoryGate"),
    ("victorygate.b", "VictoryGate"),
    ("vidar", "Vidar"),
    ("virut", "Virut"),
    ("wannacry", "WannaCryptor"),
    ("xworm", "XWorm"),
    ("zeus", "Zeus"),
    ("zloader", "Zloader"),
];

/// The malpedia galaxy cluster a malware name (any case) belongs to, in the galaxy's own
/// spelling, if Beacon knows it.
pub fn malpedia_cluster(malware: &str) -> Option<&'static str> {
    let lower = malware.trim().to_lowercase();
    MALPEDIA
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, cluster)| *cluster)
}

/// Every malpedia cluster name Beacon may write, for checks against the galaxy.
pub fn malpedia_clusters() -> impl Iterator<Item = &'static str> {
    MALPEDIA.iter().map(|(_, cluster)| *cluster)
}

/// The attribute's comment: the exact classification and the malware family in plain
/// text, so neither is lost where a tag cannot say it (a type RSIT lacks, a family the
/// galaxy does not know).
fn comment(event: &Event) -> String {
    let mut comment = format!(
        "{} / {}",
        event.classification_taxonomy, event.classification_type
    );
    if let Some(malware) = &event.malware_name {
        comment.push_str(&format!("; malware: {malware}"));
    }
    comment
}

/// The attribute of one group.
fn attribute(group: &Group<'_>) -> Value {
    let event = group.first();
    let mut tags = vec![
        tag(tlp_tag(group.tlp()), tlp_colour(group.tlp())),
        tag(
            rsit_tag(&event.classification_taxonomy, &event.classification_type),
            "#0088cc",
        ),
    ];
    if let Some(cluster) = event.malware_name.as_deref().and_then(malpedia_cluster) {
        tags.push(tag(
            format!("misp-galaxy:malpedia=\"{cluster}\""),
            "#0088cc",
        ));
    }
    json!({
        "uuid": ids::id("misp-attribute", &group.name()),
        "type": group.observable.kind.misp_type(),
        "category": "Network activity",
        "to_ids": true,
        "value": group.observable.value,
        "comment": comment(event),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intelmq_classification_gets_a_tag_the_rsit_taxonomy_has() {
        let in_rsit = |tag: &str| {
            RSIT.iter().any(|(predicate, values)| {
                values
                    .iter()
                    .any(|value| tag == format!("rsit:{predicate}=\"{value}\""))
            })
        };
        for (taxonomy, types) in beacon_core::event::CLASSIFICATIONS {
            for kind in *types {
                let tag = rsit_tag(taxonomy, kind);
                assert!(in_rsit(&tag), "{taxonomy}/{kind} gave {tag}");
            }
        }
        assert_eq!(rsit_tag("other", "blacklist"), "rsit:other=\"other\"");
        assert_eq!(
            rsit_tag("malicious-code", "c2-server"),
            "rsit:malicious-code=\"c2-server\""
        );
    }

    #[test]
    fn malware_galaxy_tags_use_the_clusters_own_spelling() {
        assert_eq!(malpedia_cluster("emotet"), Some("Emotet"));
        assert_eq!(malpedia_cluster("Heodo"), Some("Emotet"));
        assert_eq!(malpedia_cluster("sunburst"), Some("SUNBURST"));
        assert_eq!(malpedia_cluster("mirai"), Some("Mirai (ELF)"));
        assert_eq!(malpedia_cluster("ip-spoofer"), None);
        let mut event = Event::new(
            "c2-server",
            "Test",
            time::macros::datetime!(2026-01-01 00:00 UTC),
            Tlp::Green,
            String::new(),
        );
        event.source_ip = Some("192.0.2.1".parse().expect("address"));
        event.malware_name = Some("qakbot".into());
        let (_, document) = super::event(&[&event], &FeedInfo::default());
        let tags: Vec<&str> = document["Event"]["Attribute"][0]["Tag"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|tag| tag["name"].as_str())
            .collect();
        assert_eq!(
            tags,
            [
                "tlp:green",
                "rsit:malicious-code=\"c2-server\"",
                "misp-galaxy:malpedia=\"QakBot\""
            ]
        );
        assert_eq!(
            document["Event"]["Attribute"][0]["comment"],
            "malicious-code / c2-server; malware: qakbot"
        );
    }
}
