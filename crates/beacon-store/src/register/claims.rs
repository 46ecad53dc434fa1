//! An organisation's claims (networks, ASNs, domains) as stored, and the organisation
//! rebuilt from its row and claims.

use crate::neutral::Columns;
use crate::{StoreError, StoreResult};
use beacon_core::{Cidr, Organisation, StoredOrganisation};
use std::collections::BTreeMap;

/// The claims of an organisation as stored `(kind, value)` pairs.
pub(super) fn claims_of(organisation: &Organisation) -> Vec<(&'static str, String)> {
    let mut claims = Vec::new();
    claims.extend(
        organisation
            .networks
            .iter()
            .map(|network| ("network", network.to_string())),
    );
    claims.extend(organisation.asns.iter().map(|asn| ("asn", asn.to_string())));
    claims.extend(
        organisation
            .domains
            .iter()
            .map(|domain| ("domain", domain.clone())),
    );
    claims
}

/// Rebuilds an organisation from its stored row and claims.
pub(super) fn organisation_from(
    id: i64,
    name: String,
    sector: String,
    district: Option<String>,
    contacts: &str,
    claims: Vec<(String, String)>,
) -> StoreResult<StoredOrganisation> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("organisation {id}: {what}"));
    let mut organisation = Organisation {
        name,
        sector,
        district: district
            .map(|code| code.parse())
            .transpose()
            .map_err(|_| corrupt("district code"))?,
        contacts: contacts
            .split(';')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        ..Organisation::default()
    };
    for (kind, value) in claims {
        match kind.as_str() {
            "network" => organisation
                .networks
                .push(value.parse::<Cidr>().map_err(|_| corrupt("network"))?),
            "asn" => organisation
                .asns
                .push(value.parse().map_err(|_| corrupt("ASN"))?),
            _ => organisation.domains.push(value),
        }
    }
    organisation.networks.sort();
    organisation.asns.sort_unstable();
    Ok(StoredOrganisation { id, organisation })
}

/// One claim row of [`super::CLAIMS_SQL`], into the claims by organisation.
pub(super) fn add_claim(
    claims: &mut BTreeMap<i64, Vec<(String, String)>>,
    row: &impl Columns,
) -> StoreResult<()> {
    claims
        .entry(row.get(0)?)
        .or_default()
        .push((row.get(1)?, row.get(2)?));
    Ok(())
}

/// One organisation row of [`super::ORGANISATIONS_SQL`] with its claims.
pub(super) fn stored_organisation(
    claims: &mut BTreeMap<i64, Vec<(String, String)>>,
    row: &impl Columns,
) -> StoreResult<StoredOrganisation> {
    let id: i64 = row.get(0)?;
    organisation_from(
        id,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        &row.get::<String>(4)?,
        claims.remove(&id).unwrap_or_default(),
    )
}
