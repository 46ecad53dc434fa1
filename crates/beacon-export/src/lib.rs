//! Beacon's exporters: a selection of harmonised [`Event`]s written out as a STIX 2.1
//! bundle ([`stix`]), a MISP feed folder ([`misp`]) or IntelMQ-named CSV ([`csv`]).
//! See `docs/feeds/exports.md` for the formats, the TLP policy and the ids.
//!
//! **TLP policy:** [`shareable`] is the one place that decides what may leave; exporters
//! take its output and mark every object they write with the TLP of the events behind it.
//! TLP:RED is the most restrictive label, so RED events pass only when the ceiling is
//! explicitly [`Tlp::Red`].
//!
//! **Invariants:** no clock, no randomness: the same events give byte-identical output,
//! and every id is a name-based UUID (version 5) derived from what the object says.

pub mod csv;
pub mod ids;
pub mod misp;
pub mod stix;

use beacon_core::{Cidr, Event, Tlp};
use std::net::IpAddr;
use time::OffsetDateTime;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed.
    #[error("could not write the export: {0}")]
    Io(#[from] std::io::Error),
    /// JSON could not be written.
    #[error("could not write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV could not be written.
    #[error("could not write CSV: {0}")]
    Csv(#[from] ::csv::Error),
}

/// The events that may be shared under `ceiling` (TLP at or below it, in input order),
/// and how many were withheld. TLP:RED events are kept only when `ceiling` is
/// [`Tlp::Red`].
pub fn shareable(events: &[Event], ceiling: Tlp) -> (Vec<&Event>, usize) {
    let kept: Vec<&Event> = events.iter().filter(|event| event.tlp <= ceiling).collect();
    let withheld = events.len() - kept.len();
    (kept, withheld)
}

/// The kinds of value an export names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An IPv4 address or network.
    Ipv4,
    /// An IPv6 address or network.
    Ipv6,
    /// A domain name.
    Domain,
    /// A URL.
    Url,
}

impl Kind {
    /// The STIX object path, e.g. `ipv4-addr:value`.
    pub fn stix_path(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4-addr:value",
            Kind::Ipv6 => "ipv6-addr:value",
            Kind::Domain => "domain-name:value",
            Kind::Url => "url:value",
        }
    }

    /// The MISP attribute type: `ip-dst`, `domain` or `url`.
    pub fn misp_type(self) -> &'static str {
        match self {
            Kind::Ipv4 | Kind::Ipv6 => "ip-dst",
            Kind::Domain => "domain",
            Kind::Url => "url",
        }
    }
}

/// One value an event names: an address, a network (CIDR text), a domain or a URL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Observable {
    /// Its kind.
    pub kind: Kind,
    /// Its value as written out.
    pub value: String,
}

/// The observables of an event, in a fixed order: the URL, the address, the network,
/// the domain. A URL's host is part of the URL, so `source.ip` or `source.fqdn` equal to
/// the URL's host (which Beacon's parsers fill from the URL) are not given again.
pub fn observables(event: &Event) -> Vec<Observable> {
    let mut found = Vec::new();
    let host = event
        .source_url
        .as_deref()
        .and_then(|text| url::Url::parse(text).ok())
        .and_then(|address| address.host().map(|host| host.to_owned()));
    if let Some(address) = &event.source_url {
        found.push(Observable {
            kind: Kind::Url,
            value: address.clone(),
        });
    }
    if let Some(address) = event.source_ip {
        let is_host = match &host {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(*v4) == address,
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(*v6) == address,
            _ => false,
        };
        if !is_host {
            found.push(address_observable(address, address.to_string()));
        }
    }
    if let Some(network) = event.source_network {
        found.push(network_observable(network));
    }
    if let Some(domain) = &event.source_fqdn {
        let is_host =
            matches!(&host, Some(url::Host::Domain(name)) if name.eq_ignore_ascii_case(domain));
        if !is_host {
            found.push(Observable {
                kind: Kind::Domain,
                value: domain.clone(),
            });
        }
    }
    found
}

fn address_observable(address: IpAddr, value: String) -> Observable {
    Observable {
        kind: if address.is_ipv4() {
            Kind::Ipv4
        } else {
            Kind::Ipv6
        },
        value,
    }
}

fn network_observable(network: Cidr) -> Observable {
    address_observable(network.address(), network.to_string())
}

/// What several events say about one observable with one classification: exports write
/// one object per such group.
#[derive(Debug, Clone)]
pub(crate) struct Group<'e> {
    pub observable: Observable,
    /// The events naming it, in input order.
    pub events: Vec<&'e Event>,
}

impl Group<'_> {
    /// The most restrictive TLP of the group's events.
    pub fn tlp(&self) -> Tlp {
        self.events
            .iter()
            .map(|event| event.tlp)
            .max()
            .unwrap_or(Tlp::Red)
    }

    /// The first event (which gives classification and malware name).
    pub fn first(&self) -> &Event {
        self.events[0]
    }

    /// The earliest time the source saw it (`time.source`, else `time.observation`).
    pub fn first_seen(&self) -> OffsetDateTime {
        self.events
            .iter()
            .map(|event| event.time_source.unwrap_or(event.time_observation))
            .min()
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The latest `time.observation`.
    pub fn last_observed(&self) -> OffsetDateTime {
        self.events
            .iter()
            .map(|event| event.time_observation)
            .max()
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The name the group's ids derive from: `<object path>=<value>|<classification type>`.
    pub fn name(&self) -> String {
        format!(
            "{}={}|{}",
            self.observable.kind.stix_path(),
            self.observable.value,
            self.first().classification_type
        )
    }
}

/// Groups events by (observable, classification type), sorted by that key so output does
/// not depend on how the events were ordered.
pub(crate) fn groups<'e>(events: &[&'e Event]) -> Vec<Group<'e>> {
    let mut by_key: std::collections::BTreeMap<(Observable, String), Vec<&'e Event>> =
        std::collections::BTreeMap::new();
    for event in events {
        for observable in observables(event) {
            by_key
                .entry((observable, event.classification_type.clone()))
                .or_default()
                .push(event);
        }
    }
    by_key
        .into_iter()
        .map(|((observable, _), events)| Group { observable, events })
        .collect()
}

/// A UTC timestamp in STIX's form, with milliseconds: `2026-11-29T10:00:00.000Z`.
pub(crate) fn stix_time(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.millisecond()
    )
}

/// An RFC 3339 timestamp for CSV.
pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| stix_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(tlp: Tlp) -> Event {
        Event::new(
            "c2-server",
            "test",
            time::macros::datetime!(2026-11-29 10:00 UTC),
            tlp,
            String::new(),
        )
    }

    #[test]
    fn the_ceiling_keeps_at_or_below_and_red_needs_red() {
        let events: Vec<Event> = [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ]
        .into_iter()
        .map(event)
        .collect();
        let (kept, withheld) = shareable(&events, Tlp::Amber);
        assert_eq!(kept.len(), 3);
        assert_eq!(withheld, 2);
        let (kept, withheld) = shareable(&events, Tlp::AmberStrict);
        assert_eq!((kept.len(), withheld), (4, 1));
        assert!(kept.iter().all(|event| event.tlp != Tlp::Red));
        let (kept, withheld) = shareable(&events, Tlp::Red);
        assert_eq!((kept.len(), withheld), (5, 0));
        let (kept, withheld) = shareable(&events, Tlp::Clear);
        assert_eq!((kept.len(), withheld), (1, 4));
    }

    #[test]
    fn a_urls_host_is_not_repeated() {
        let mut url_event = event(Tlp::Green);
        url_event.source_url = Some("http://bad.example/x".into());
        url_event.source_fqdn = Some("bad.example".into());
        assert_eq!(observables(&url_event).len(), 1);
        url_event.source_fqdn = Some("other.example".into());
        url_event.source_ip = Some("192.0.2.1".parse().expect("ip"));
        let kinds: Vec<Kind> = observables(&url_event).iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [Kind::Url, Kind::Ipv4, Kind::Domain]);
    }

    #[test]
    fn times_are_utc_with_milliseconds() {
        assert_eq!(
            stix_time(time::macros::datetime!(2026-11-29 10:00:01.5 +01:00)),
            "2026-11-29T09:00:01.500Z"
        );
    }
}
