//! Partner organisations as the threat-address register knows them: who they are, where,
//! who to tell, and what they own on the internet (networks, autonomous systems, domains).

use crate::district::DistrictCode;
use crate::network::Cidr;
use serde::{Deserialize, Serialize};

/// An organisation and what it claims to own. Names are unique: adding an organisation
/// with a name already registered replaces that organisation's details and claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Organisation {
    /// Name as partners know it, e.g. `Leicester City Council`.
    pub name: String,
    /// Sector, e.g. `local-government`, `health`, `education`, `business`.
    pub sector: String,
    /// The district it sits in (its addresses count there), if known.
    pub district: Option<DistrictCode>,
    /// Email addresses of its own security contacts, who receive its digests.
    pub contacts: Vec<String>,
    /// IPv4 and IPv6 ranges it owns.
    pub networks: Vec<Cidr>,
    /// Autonomous system numbers it operates.
    pub asns: Vec<u32>,
    /// Domains it owns; names below them are its too.
    pub domains: Vec<String>,
}

/// An organisation as stored, with the id the register gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOrganisation {
    /// Register id (stable: kept when the organisation is updated).
    pub id: i64,
    /// The organisation.
    #[serde(flatten)]
    pub organisation: Organisation,
}

/// Why a contact address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an email address (it needs one @ with a name before and a domain after)")]
pub struct ContactError(pub String);

/// Checks the shape of a contact email address: one `@`, something before it, a dotted
/// domain after it, and no spaces, angle brackets or line breaks (which could smuggle
/// extra mail headers). Delivery is what proves an address; this only stops typing slips.
pub fn parse_contact(raw: &str) -> Result<String, ContactError> {
    let address = raw.trim();
    let refused = || ContactError(address.to_owned());
    if address
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    {
        return Err(refused());
    }
    let (local, domain) = address.split_once('@').ok_or_else(refused)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(refused());
    }
    Ok(address.to_owned())
}

/// Normalises a claimed domain: lower case, no trailing dot, no leading `*.`.
pub fn normalise_domain(raw: &str) -> Option<String> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.strip_prefix("*.").unwrap_or(&domain).to_owned();
    let valid = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    valid.then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_need_a_plain_address() {
        assert_eq!(
            parse_contact(" soc@leicester.gov.uk "),
            Ok("soc@leicester.gov.uk".to_owned())
        );
        for bad in [
            "",
            "soc",
            "@example.org",
            "soc@localhost",
            "a@b@example.org",
            "soc@example.org\r\nBcc: x@evil.example",
            "Soc <soc@example.org>",
        ] {
            assert!(parse_contact(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn domains_are_normalised() {
        assert_eq!(
            normalise_domain("*.Example.ORG."),
            Some("example.org".to_owned())
        );
        assert_eq!(normalise_domain("bad domain.org"), None);
        assert_eq!(normalise_domain(""), None);
    }
}
