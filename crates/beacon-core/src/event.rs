//! Threat-feed events in one harmonised model, with field names after IntelMQ's
//! harmonisation (`source.ip`, `classification.type`, …) so analysts recognise them.
//!
//! Every feed format is parsed into [`Event`]; fields a format has but the model does not
//! name go to `extra.*`, and the raw record is kept.

use crate::network::Cidr;
use crate::tlp::Tlp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;
use time::OffsetDateTime;

/// IntelMQ's classification taxonomy and the types that belong to each.
pub const CLASSIFICATIONS: &[(&str, &[&str])] = &[
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
    ("availability", &["ddos", "dos", "outage", "sabotage"]),
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
            "unauthorized-use-of-resources",
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
    ("other", &["other", "undetermined", "blacklist"]),
    ("test", &["test"]),
];

/// The taxonomy a classification type belongs to, if it is one of IntelMQ's types.
pub fn taxonomy_of(classification_type: &str) -> Option<&'static str> {
    CLASSIFICATIONS
        .iter()
        .find(|(_, types)| types.contains(&classification_type))
        .map(|(taxonomy, _)| *taxonomy)
}

/// One sighting of an address, domain or URL in a threat feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The address seen.
    #[serde(rename = "source.ip", skip_serializing_if = "Option::is_none", default)]
    pub source_ip: Option<IpAddr>,
    /// A network named instead of (or as well as) an address.
    #[serde(
        rename = "source.network",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_network: Option<Cidr>,
    /// Domain name, lower case.
    #[serde(
        rename = "source.fqdn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_fqdn: Option<String>,
    /// URL.
    #[serde(
        rename = "source.url",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_url: Option<String>,
    /// Port.
    #[serde(
        rename = "source.port",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_port: Option<u16>,
    /// Autonomous system number.
    #[serde(
        rename = "source.asn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_asn: Option<u32>,
    /// Autonomous system name.
    #[serde(
        rename = "source.as_name",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_as_name: Option<String>,
    /// Country code (ISO 3166-1 alpha-2).
    #[serde(
        rename = "source.geolocation.cc",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub source_country: Option<String>,
    /// Destination address, where the feed gives one.
    #[serde(
        rename = "destination.ip",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub destination_ip: Option<IpAddr>,
    /// Destination domain.
    #[serde(
        rename = "destination.fqdn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub destination_fqdn: Option<String>,
    /// Destination port.
    #[serde(
        rename = "destination.port",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub destination_port: Option<u16>,
    /// Destination URL.
    #[serde(
        rename = "destination.url",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub destination_url: Option<String>,
    /// Destination autonomous system number.
    #[serde(
        rename = "destination.asn",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub destination_asn: Option<u32>,
    /// IntelMQ taxonomy, e.g. `malicious-code`.
    #[serde(rename = "classification.taxonomy")]
    pub classification_taxonomy: String,
    /// IntelMQ type, e.g. `infected-system`.
    #[serde(rename = "classification.type")]
    pub classification_type: String,
    /// Feed-specific identifier, e.g. the malware family or scan name.
    #[serde(
        rename = "classification.identifier",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub classification_identifier: Option<String>,
    /// Malware family, lower case.
    #[serde(
        rename = "malware.name",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub malware_name: Option<String>,
    /// Feed name, e.g. `Shadowserver event4_sinkhole_http`.
    #[serde(rename = "feed.name")]
    pub feed_name: String,
    /// Feed provider, e.g. `Shadowserver`.
    #[serde(
        rename = "feed.provider",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub feed_provider: Option<String>,
    /// When the source saw it.
    #[serde(
        rename = "time.source",
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub time_source: Option<OffsetDateTime>,
    /// When Beacon read it.
    #[serde(rename = "time.observation", with = "time::serde::rfc3339")]
    pub time_observation: OffsetDateTime,
    /// Sharing restriction.
    pub tlp: Tlp,
    /// Everything else the feed said, by its own field names (`extra.<name>`).
    #[serde(flatten, with = "extra_prefix")]
    pub extra: BTreeMap<String, String>,
    /// The record as it appeared in the feed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raw: String,
}

impl Event {
    /// An event with the required fields and nothing else.
    pub fn new(
        classification_type: &str,
        feed_name: &str,
        time_observation: OffsetDateTime,
        tlp: Tlp,
        raw: String,
    ) -> Event {
        Event {
            source_ip: None,
            source_network: None,
            source_fqdn: None,
            source_url: None,
            source_port: None,
            source_asn: None,
            source_as_name: None,
            source_country: None,
            destination_ip: None,
            destination_fqdn: None,
            destination_port: None,
            destination_url: None,
            destination_asn: None,
            classification_taxonomy: taxonomy_of(classification_type)
                .unwrap_or("other")
                .to_owned(),
            classification_type: classification_type.to_owned(),
            classification_identifier: None,
            malware_name: None,
            feed_name: feed_name.to_owned(),
            feed_provider: None,
            time_source: None,
            time_observation,
            tlp,
            extra: BTreeMap::new(),
            raw,
        }
    }

    /// True when the event names something the register can hold: an address, a
    /// network, a domain or a URL.
    pub fn has_observable(&self) -> bool {
        self.source_ip.is_some()
            || self.source_network.is_some()
            || self.source_fqdn.is_some()
            || self.source_url.is_some()
    }
}

/// Serialises `extra` as `extra.<name>` keys beside the named fields.
mod extra_prefix {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(
        extra: &BTreeMap<String, String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(extra.iter().map(|(key, value)| (Prefixed(key), value)))
    }

    /// A key written as `extra.<key>` without building the string: feed ingest writes
    /// every event's extra fields.
    struct Prefixed<'a>(&'a str);

    impl Serialize for Prefixed<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(&format_args!("extra.{}", self.0))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, String>, D::Error> {
        let all: BTreeMap<String, serde_json_like::Value> = BTreeMap::deserialize(deserializer)?;
        Ok(all
            .into_iter()
            .filter_map(|(key, value)| Some((key.strip_prefix("extra.")?.to_owned(), value.0)))
            .collect())
    }

    /// Accepts any scalar for an `extra.*` value, keeping it as text.
    mod serde_json_like {
        use serde::de::{self, Deserializer, Visitor};

        pub struct Value(pub String);

        impl<'de> serde::Deserialize<'de> for Value {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Any;
                impl<'de> Visitor<'de> for Any {
                    type Value = Value;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a scalar")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                        Ok(Value(v.to_owned()))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                        Ok(Value(v.to_string()))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                        Ok(Value(v.to_string()))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                        Ok(Value(v.to_string()))
                    }
                    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                        Ok(Value(v.to_string()))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                        Ok(Value(String::new()))
                    }
                    fn visit_map<A: de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Value, A::Error> {
                        while map
                            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                            .is_some()
                        {}
                        Ok(Value(String::new()))
                    }
                    fn visit_seq<A: de::SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Value, A::Error> {
                        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                        Ok(Value(String::new()))
                    }
                }
                deserializer.deserialize_any(Any)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_belong_to_intelmq_taxonomies() {
        assert_eq!(taxonomy_of("infected-system"), Some("malicious-code"));
        assert_eq!(taxonomy_of("phishing"), Some("fraud"));
        assert_eq!(taxonomy_of("vulnerable-system"), Some("vulnerable"));
        assert_eq!(taxonomy_of("made-up"), None);
    }

    #[test]
    fn events_serialise_with_intelmq_field_names() {
        let mut event = Event::new(
            "c2-server",
            "Test feed",
            time::macros::datetime!(2026-11-29 10:00 UTC),
            Tlp::Green,
            "raw".into(),
        );
        event.source_ip = Some("192.0.2.1".parse().expect("ip"));
        event.extra.insert("tag".into(), "x".into());
        let text = format!("{event:?}");
        assert!(text.contains("192.0.2.1"));
        assert_eq!(event.classification_taxonomy, "malicious-code");
        assert!(event.has_observable());
    }
}
