//! Property test: `owner_of_ip` agrees with a brute-force linear scan over every claimed
//! network (longest prefix wins; on an exact duplicate, the lowest owner).

use beacon_attribution::{Attributor, Claim, OwnerId};
use beacon_core::Cidr;
use proptest::prelude::*;
use std::net::IpAddr;

/// The answer by definition: of all networks containing `ip`, the longest; ties to the
/// lowest owner.
fn brute_force(claims: &[(OwnerId, Cidr)], ip: IpAddr) -> Option<OwnerId> {
    let ip = ip.to_canonical();
    claims
        .iter()
        .filter(|(_, network)| network.contains(ip))
        .max_by_key(|(owner, network)| (network.prefix(), std::cmp::Reverse(*owner)))
        .map(|(owner, _)| *owner)
}

/// A network of either family. Few owners and short IPv6 prefixes make overlaps and exact
/// duplicates common, which is where the interesting cases are.
fn network() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        (any::<u32>(), 0u8..=32).prop_map(|(bits, len)| Cidr::new(IpAddr::V4(bits.into()), len)),
        (any::<u128>(), 0u8..=128).prop_map(|(bits, len)| Cidr::new(IpAddr::V6(bits.into()), len)),
    ]
    .prop_filter_map("prefix lengths are in range", |network| network)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn owner_of_ip_matches_a_linear_scan(
        claims in prop::collection::vec((0u32..6, network()), 0..40),
        random in prop::collection::vec(any::<IpAddr>(), 0..20),
        near in prop::collection::vec((any::<prop::sample::Index>(), any::<u128>()), 0..40),
    ) {
        let claims: Vec<(OwnerId, Cidr)> =
            claims.into_iter().map(|(owner, network)| (OwnerId(owner), network)).collect();
        let attributor = Attributor::new(
            claims.iter().map(|(owner, network)| (*owner, Claim::Network(*network))),
        );
        // Random addresses mostly miss, so also probe inside claimed networks (keep the
        // prefix, randomise the host bits) and just around them (keep one bit fewer).
        let mut probes = random;
        if !claims.is_empty() {
            for (index, host) in near {
                let (_, network) = claims[index.index(claims.len())];
                let kept = u32::from(network.prefix()).saturating_sub((host & 1) as u32);
                let probe = match network.address() {
                    IpAddr::V4(base) => {
                        let host_bits = u32::MAX.checked_shr(kept).unwrap_or(0);
                        IpAddr::V4((u32::from(base) | (host as u32 & host_bits)).into())
                    }
                    IpAddr::V6(base) => {
                        let host_bits = u128::MAX.checked_shr(kept).unwrap_or(0);
                        IpAddr::V6((u128::from(base) | (host & host_bits)).into())
                    }
                };
                probes.push(probe);
            }
        }
        for ip in probes {
            prop_assert_eq!(attributor.owner_of_ip(ip), brute_force(&claims, ip), "address {}", ip);
            if let Some((owner, network)) = attributor.match_ip(ip) {
                prop_assert!(network.contains(ip.to_canonical()));
                prop_assert_eq!(Some(owner), brute_force(&claims, ip));
            }
        }
    }
}

/// A name from a tiny alphabet of labels, so suffixes, near-misses (`ab.b` against
/// `b.b`) and case differences are frequent.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "A", "bA"]), 1..5)
        .prop_map(|labels| labels.join("."))
}

/// The answer by definition: of the claimed suffixes equal to the name or ending it after
/// a dot, the longest; ties to the lowest owner.
fn brute_force_domain(claims: &[(OwnerId, String)], fqdn: &str) -> Option<OwnerId> {
    let fqdn = fqdn.to_lowercase();
    claims
        .iter()
        .map(|(owner, suffix)| (*owner, suffix.to_lowercase()))
        .filter(|(_, suffix)| fqdn == *suffix || fqdn.ends_with(&format!(".{suffix}")))
        .max_by_key(|(owner, suffix)| (suffix.len(), std::cmp::Reverse(*owner)))
        .map(|(owner, _)| owner)
}

proptest! {
    #[test]
    fn owner_of_domain_matches_a_linear_scan(
        claims in prop::collection::vec((0u32..4, name()), 0..12),
        names in prop::collection::vec((name(), any::<bool>()), 0..20),
    ) {
        let claims: Vec<(OwnerId, String)> =
            claims.into_iter().map(|(owner, suffix)| (OwnerId(owner), suffix)).collect();
        let attributor = Attributor::new(
            claims.iter().map(|(owner, suffix)| (*owner, Claim::Domain(suffix.clone()))),
        );
        for (fqdn, rooted) in names {
            // A trailing root dot must make no difference.
            let asked = if rooted { format!("{fqdn}.") } else { fqdn.clone() };
            prop_assert_eq!(
                attributor.owner_of_domain(&asked),
                brute_force_domain(&claims, &fqdn),
                "name {}", asked
            );
        }
    }
}
