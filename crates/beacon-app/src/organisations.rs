//! Registering partner organisations: one added or replaced by hand, or a directory file
//! imported whole or not at all. Each change is audited in the same call.

use beacon_core::Organisation;
use beacon_ingest::organisations::{DirectoryError, build, parse_organisations};
use beacon_store::{AuditEvent, Store, StoreError};

/// Why organisations were not registered.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationError {
    /// The details given are wrong, one reason per line.
    #[error("{}", .0.join("\n"))]
    Refused(Vec<String>),
    /// The directory file was refused; nothing was imported.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An organisation's details as a person types them; lists are as given, one item each.
#[derive(Debug, Clone, Default)]
pub struct OrganisationDetails {
    /// Name (unique, any case).
    pub name: String,
    /// Sector.
    pub sector: String,
    /// District: an ONS code or a district name.
    pub district: String,
    /// Security contacts' email addresses.
    pub contacts: Vec<String>,
    /// IPv4 or IPv6 ranges it owns.
    pub networks: Vec<String>,
    /// Autonomous system numbers it operates.
    pub asns: Vec<String>,
    /// Domains it owns.
    pub domains: Vec<String>,
}

/// Adds an organisation, or replaces the details of the one with its name, and audits it
/// as done by `actor`. Returns its register id and the organisation as stored.
///
/// # Errors
/// When a detail is wrong (every reason is given) or the store fails.
pub fn add_organisation(
    store: &mut dyn Store,
    details: &OrganisationDetails,
    actor: &str,
) -> Result<(i64, Organisation), OrganisationError> {
    let districts = store.districts()?;
    let organisation = build(
        details.name.trim(),
        details.sector.trim(),
        details.district.trim(),
        [
            &details.contacts.join(";"),
            &details.networks.join(";"),
            &details.asns.join(";"),
            &details.domains.join(";"),
        ],
        &districts,
    )
    .map_err(OrganisationError::Refused)?;
    let id = store.upsert_organisations(std::slice::from_ref(&organisation))?[0];
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "change_organisation".into(),
        subject: format!("organisation:{id}"),
        detail: organisation.name.clone(),
    })?;
    Ok((id, organisation))
}

/// What an import registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOrganisations {
    /// Register ids of the organisations added or updated, in file order.
    pub ids: Vec<i64>,
    /// Network ranges they own, in all.
    pub networks: usize,
}

/// Imports a directory file (name, sector, district, contacts, networks, asns, domains)
/// whole or not at all, and audits it as done by `actor` from `source` (the file's name).
///
/// # Errors
/// When the file is refused (every wrong row is given) or the store fails.
pub fn import_organisations(
    store: &mut dyn Store,
    bytes: &[u8],
    source: &str,
    actor: &str,
) -> Result<ImportedOrganisations, OrganisationError> {
    let districts = store.districts()?;
    let organisations = parse_organisations(bytes, &districts)?;
    let ids = store.upsert_organisations(&organisations)?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "import_organisations".into(),
        subject: source.to_owned(),
        detail: format!("{} organisations", ids.len()),
    })?;
    let networks = organisations.iter().map(|o| o.networks.len()).sum();
    Ok(ImportedOrganisations { ids, networks })
}
