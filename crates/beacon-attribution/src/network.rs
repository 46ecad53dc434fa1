//! Longest-prefix match over owned networks: one trie per address family.
//!
//! Backed by `prefix-trie`'s `PrefixMap` keyed by `(bits, prefix length)` tuples, so no
//! third IP-network type (ipnet, cidr…) enters the workspace beside `beacon_core::Cidr`.
//! It was the fastest longest-prefix matcher measured on this machine kind (see
//! `/work/shared/bench-notes/measured-here.md`).

use crate::OwnerId;
use beacon_core::Cidr;
use prefix_trie::PrefixMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every owned network, IPv4 and IPv6, each mapped to the owner that wins it.
#[derive(Debug, Clone, Default)]
pub(crate) struct NetworkTable {
    v4: PrefixMap<(u32, u8), OwnerId>,
    v6: PrefixMap<(u128, u8), OwnerId>,
}

impl NetworkTable {
    /// Records `owner` for `network`. When another owner already holds exactly this
    /// network, the lower id keeps it (so the result does not depend on claim order) and
    /// the previous holder is returned so the caller can report the conflict.
    pub(crate) fn insert(&mut self, network: Cidr, owner: OwnerId) -> Option<OwnerId> {
        match network.address() {
            IpAddr::V4(address) => {
                insert_lowest(&mut self.v4, (u32::from(address), network.prefix()), owner)
            }
            IpAddr::V6(address) => {
                insert_lowest(&mut self.v6, (u128::from(address), network.prefix()), owner)
            }
        }
    }

    /// The owner of the most specific network containing `ip`, without building the
    /// matched `Cidr` (the hot path of bulk attribution).
    #[inline]
    pub(crate) fn owner_of(&self, ip: IpAddr) -> Option<OwnerId> {
        // Feeds sometimes write IPv4 addresses in IPv4-mapped IPv6 form (`::ffff:a.b.c.d`);
        // those are IPv4 addresses and must find IPv4 owners.
        match ip.to_canonical() {
            IpAddr::V4(v4) => self
                .v4
                .get_lpm(&(u32::from(v4), 32))
                .map(|(_, owner)| *owner),
            IpAddr::V6(v6) => self
                .v6
                .get_lpm(&(u128::from(v6), 128))
                .map(|(_, owner)| *owner),
        }
    }

    /// The most specific owned network containing the whole of `network` (an address is
    /// a /32 or /128), with its owner.
    pub(crate) fn lookup(&self, network: Cidr) -> Option<(Cidr, OwnerId)> {
        match network.address() {
            IpAddr::V4(address) => {
                let ((bits, len), owner) =
                    self.v4.get_lpm(&(u32::from(address), network.prefix()))?;
                Some((Cidr::new(IpAddr::V4(Ipv4Addr::from(bits)), len)?, *owner))
            }
            IpAddr::V6(address) => {
                let ((bits, len), owner) =
                    self.v6.get_lpm(&(u128::from(address), network.prefix()))?;
                Some((Cidr::new(IpAddr::V6(Ipv6Addr::from(bits)), len)?, *owner))
            }
        }
    }

    /// The most specific owned network containing `ip`, with its owner.
    pub(crate) fn lookup_ip(&self, ip: IpAddr) -> Option<(Cidr, OwnerId)> {
        let ip = ip.to_canonical();
        let full = if ip.is_ipv4() { 32 } else { 128 };
        self.lookup(Cidr::new(ip, full)?)
    }
}

/// Inserts into one trie, keeping the lowest owner on an exact duplicate; returns the
/// other owner when two different owners claimed the same network.
fn insert_lowest<R>(
    trie: &mut PrefixMap<(R, u8), OwnerId>,
    key: (R, u8),
    owner: OwnerId,
) -> Option<OwnerId>
where
    (R, u8): prefix_trie::Prefix,
    R: Copy,
{
    // One traversal in the common case (no previous holder); a second only on a conflict.
    match trie.insert(key, owner) {
        Some(previous) if previous == owner => None,
        Some(previous) => {
            if previous < owner {
                trie.insert(key, previous);
            }
            Some(previous)
        }
        None => None,
    }
}
