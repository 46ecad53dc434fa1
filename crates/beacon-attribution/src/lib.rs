//! Attribution: which registered organisation owns an address, network, domain or ASN
//! seen in a threat feed.
//!
//! An [`Attributor`] is built once from every organisation's [`Claim`]s and then answers
//! lookups without allocating on the address path:
//! - networks: longest-prefix match decides the owner (the most specific range wins),
//!   IPv4 and IPv6 in separate tries;
//! - domains: suffix match on whole labels, case-insensitive, trailing dot ignored, the
//!   longest suffix wins;
//! - ASNs: exact match.
//!
//! Two owners claiming exactly the same network, domain or ASN is an administrative
//! error: the lowest [`OwnerId`] wins (so answers never depend on load order) and
//! [`Attributor::conflicts`] lists every such overlap so it can be fixed.
//!
//! **Architecture invariant:** pure — no I/O, no database, no clock.

mod domain;
mod network;

use beacon_core::{Cidr, Event};
use domain::DomainTable;
use network::NetworkTable;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;

/// A registered organisation, by the small id the register gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnerId(pub u32);

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "owner {}", self.0)
    }
}

/// Something an organisation says it owns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Claim {
    /// An IPv4 or IPv6 range.
    Network(Cidr),
    /// An autonomous system number.
    Asn(u32),
    /// A domain and every name below it (`example.org` covers `mail.example.org`).
    Domain(String),
}

/// How an observable was attributed, with the claim that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedBy {
    /// An address (or network) inside this owned range.
    Network(Cidr),
    /// A name under this owned domain suffix (normalised: lower case, no trailing dot).
    Domain(String),
    /// This autonomous system number.
    Asn(u32),
}

/// The same claim made by more than one owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The claim, normalised (a domain in lower case without the trailing dot).
    pub claim: Claim,
    /// Every owner that made it, ascending; the first is the one attribution chooses.
    pub owners: Vec<OwnerId>,
}

/// Answers "who owns this?" for addresses, networks, domains, ASNs and whole events.
#[derive(Debug, Clone, Default)]
pub struct Attributor {
    networks: NetworkTable,
    domains: DomainTable,
    asns: HashMap<u32, OwnerId>,
    conflicts: Vec<Conflict>,
}

impl Attributor {
    /// Builds the tables from every owner's claims, in any order. A domain claim with no
    /// labels left after normalising (`""`, `"."`) matches nothing and is dropped.
    pub fn new(claims: impl IntoIterator<Item = (OwnerId, Claim)>) -> Attributor {
        let mut attributor = Attributor::default();
        // Only claims held by two owners get an entry, so this stays small.
        let mut conflicts: BTreeMap<Claim, BTreeSet<OwnerId>> = BTreeMap::new();
        let mut record = |claim: Claim, previous: Option<OwnerId>, owner: OwnerId| {
            if let Some(previous) = previous {
                conflicts
                    .entry(claim)
                    .or_default()
                    .extend([previous, owner]);
            }
        };
        for (owner, claim) in claims {
            match claim {
                Claim::Network(network) => {
                    let previous = attributor.networks.insert(network, owner);
                    record(Claim::Network(network), previous, owner);
                }
                Claim::Asn(asn) => {
                    let previous = match attributor.asns.insert(asn, owner) {
                        Some(previous) if previous == owner => None,
                        Some(previous) => {
                            if previous < owner {
                                attributor.asns.insert(asn, previous);
                            }
                            Some(previous)
                        }
                        None => None,
                    };
                    record(Claim::Asn(asn), previous, owner);
                }
                Claim::Domain(raw) => {
                    let Some(suffix) = domain::normalise_claim(&raw) else {
                        continue;
                    };
                    let previous = attributor.domains.insert(suffix.clone(), owner);
                    record(Claim::Domain(suffix), previous, owner);
                }
            }
        }
        attributor.conflicts = conflicts
            .into_iter()
            .map(|(claim, owners)| Conflict {
                claim,
                owners: owners.into_iter().collect(),
            })
            .collect();
        attributor
    }

    /// The owner of the most specific owned network containing `ip` (IPv4-mapped IPv6
    /// addresses count as IPv4).
    #[inline]
    pub fn owner_of_ip(&self, ip: IpAddr) -> Option<OwnerId> {
        self.networks.owner_of(ip)
    }

    /// Like [`owner_of_ip`](Self::owner_of_ip), also naming the range that matched.
    pub fn match_ip(&self, ip: IpAddr) -> Option<(OwnerId, Cidr)> {
        self.networks
            .lookup_ip(ip)
            .map(|(network, owner)| (owner, network))
    }

    /// The owner of the most specific owned range that contains the whole of `network`
    /// (a range straddling two owners goes to the owner of the range around both), with
    /// that range.
    pub fn match_network(&self, network: Cidr) -> Option<(OwnerId, Cidr)> {
        self.networks
            .lookup(network)
            .map(|(range, owner)| (owner, range))
    }

    /// The owner of autonomous system `asn`.
    pub fn owner_of_asn(&self, asn: u32) -> Option<OwnerId> {
        self.asns.get(&asn).copied()
    }

    /// The owner of the longest owned suffix of `fqdn`, on whole labels, ignoring case
    /// and a trailing dot.
    pub fn owner_of_domain(&self, fqdn: &str) -> Option<OwnerId> {
        self.domains.lookup(fqdn).map(|(_, owner)| owner)
    }

    /// Like [`owner_of_domain`](Self::owner_of_domain), also naming the suffix that matched.
    pub fn match_domain(&self, fqdn: &str) -> Option<(OwnerId, &str)> {
        self.domains
            .lookup(fqdn)
            .map(|(suffix, owner)| (owner, suffix))
    }

    /// Who owns what `event` is about, and by what. First match wins, most precise
    /// evidence first: `source.ip`; then `source.network` if it lies wholly inside an
    /// owned range; then the host of `source.url` (by domain, or by network when the host
    /// is an address literal); then `source.fqdn`; then `source.asn`.
    pub fn attribute(&self, event: &Event) -> Option<(OwnerId, MatchedBy)> {
        let by_network = |(owner, network): (OwnerId, Cidr)| (owner, MatchedBy::Network(network));
        let by_domain =
            |(owner, suffix): (OwnerId, &str)| (owner, MatchedBy::Domain(suffix.into()));
        if let Some(found) = event.source_ip.and_then(|ip| self.match_ip(ip)) {
            return Some(by_network(found));
        }
        if let Some(found) = event.source_network.and_then(|net| self.match_network(net)) {
            return Some(by_network(found));
        }
        if let Some(host) = event.source_url.as_deref().and_then(url_host) {
            let found = match host {
                Host::Name(name) => self.match_domain(&name).map(by_domain),
                Host::Address(ip) => self.match_ip(ip).map(by_network),
            };
            if found.is_some() {
                return found;
            }
        }
        if let Some(found) = event
            .source_fqdn
            .as_deref()
            .and_then(|name| self.match_domain(name))
        {
            return Some(by_domain(found));
        }
        event
            .source_asn
            .and_then(|asn| Some((self.owner_of_asn(asn)?, MatchedBy::Asn(asn))))
    }

    /// Every claim made by more than one owner, sorted by claim (networks, then ASNs,
    /// then domains); empty when the register is consistent.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }
}

impl FromIterator<(OwnerId, Claim)> for Attributor {
    fn from_iter<I: IntoIterator<Item = (OwnerId, Claim)>>(claims: I) -> Self {
        Attributor::new(claims)
    }
}

/// The host part of a URL.
enum Host {
    Name(String),
    Address(IpAddr),
}

/// The host of a feed URL. Feeds often omit the scheme (`evil.example/x.exe`), so a URL
/// that does not parse on its own is retried as `http://…`.
fn url_host(raw: &str) -> Option<Host> {
    let raw = raw.trim();
    let parsed = url::Url::parse(raw)
        .ok()
        .filter(|url| url.has_host())
        .or_else(|| url::Url::parse(&format!("http://{raw}")).ok())?;
    match parsed.host()? {
        url::Host::Domain(name) => Some(Host::Name(name.to_owned())),
        url::Host::Ipv4(v4) => Some(Host::Address(IpAddr::V4(v4))),
        url::Host::Ipv6(v6) => Some(Host::Address(IpAddr::V6(v6))),
    }
}

#[cfg(test)]
mod tests;
