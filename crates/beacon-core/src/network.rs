//! IP networks (CIDR ranges), the unit in which organisations own addresses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An IPv4 or IPv6 network such as `192.0.2.0/24`, with host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cidr {
    address: IpAddr,
    prefix: u8,
}

/// Why a network was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an IP network (such as 192.0.2.0/24 or 2001:db8::/32) or address")]
pub struct CidrError(pub String);

impl Cidr {
    /// The network containing `address` with `prefix` bits; host bits are cleared.
    pub fn new(address: IpAddr, prefix: u8) -> Option<Cidr> {
        let address = match address {
            IpAddr::V4(v4) if prefix <= 32 => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                IpAddr::V4((u32::from(v4) & mask).into())
            }
            IpAddr::V6(v6) if prefix <= 128 => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - prefix)
                };
                IpAddr::V6((u128::from(v6) & mask).into())
            }
            _ => return None,
        };
        Some(Cidr { address, prefix })
    }

    /// The first address.
    pub fn address(&self) -> IpAddr {
        self.address
    }

    /// Prefix length in bits.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// True when `address` lies in this network.
    pub fn contains(&self, address: IpAddr) -> bool {
        Cidr::new(address, self.prefix).is_some_and(|network| network.address == self.address)
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// Reads `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128).
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let text = raw.trim();
        let refuse = || CidrError(text.to_owned());
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (
                address.parse::<IpAddr>().map_err(|_| refuse())?,
                prefix.parse::<u8>().map_err(|_| refuse())?,
            ),
            None => {
                let address = text.parse::<IpAddr>().map_err(|_| refuse())?;
                (address, if address.is_ipv4() { 32 } else { 128 })
            }
        };
        Cidr::new(address, prefix).ok_or_else(refuse)
    }
}

impl TryFrom<String> for Cidr {
    type Error = CidrError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Cidr> for String {
    fn from(value: Cidr) -> Self {
        value.to_string()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_networks_and_clears_host_bits() {
        let network: Cidr = "192.0.2.77/24".parse().expect("valid");
        assert_eq!(network.to_string(), "192.0.2.0/24");
        assert!(network.contains("192.0.2.1".parse().expect("ip")));
        assert!(!network.contains("192.0.3.1".parse().expect("ip")));
        assert_eq!(
            "2001:db8::1/32".parse::<Cidr>().map(|c| c.to_string()),
            Ok("2001:db8::/32".into())
        );
        assert_eq!("10.0.0.1".parse::<Cidr>().map(|c| c.prefix()), Ok(32));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("example.org".parse::<Cidr>().is_err());
    }
}
