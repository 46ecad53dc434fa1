//! What partners run and who hears about advisories: CSV imports (all or nothing, every
//! problem listed by line), listings, and the re-match an inventory change sets off.

use super::matching;
use super::notices::{self, NoticeOutcome};
use crate::notify::NotifySettings;
use beacon_core::{Asset, PartnerContact, StoredOrganisation};
use beacon_ingest::inventory::{LineProblem, parse_contacts_csv, parse_inventory_csv};
use beacon_store::inventory::{InventoryChange, StoredAsset, StoredContact};
use beacon_store::{Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// The file has problems; nothing was stored. Every problem is listed.
    #[error("{} problem(s); nothing was imported:\n{}", .0.len(), lines(.0))]
    Problems(Vec<LineProblem>),
    /// The store failed; nothing was stored.
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

/// The problems, one per line.
fn lines(problems: &[LineProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an inventory import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedInventory {
    /// Data rows read.
    pub rows: u64,
    /// Assets in the file.
    pub assets: u64,
    /// Products in the file.
    pub products: u64,
    /// Each organisation's change, by name.
    pub organisations: BTreeMap<String, InventoryChange>,
    /// Matches now held for the organisations that changed.
    pub matches: u64,
    /// Notices opened or updated because of the change.
    pub notices: NoticeOutcome,
}

/// What a contacts import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedContacts {
    /// Contacts stored.
    pub contacts: u64,
    /// Organisations whose contacts were replaced.
    pub organisations: Vec<String>,
}

/// Finds each named organisation, or lists the lines naming one not registered.
fn resolve<'a>(
    registered: &'a [StoredOrganisation],
    named: impl Iterator<Item = (u64, &'a str)>,
) -> Result<BTreeMap<String, &'a StoredOrganisation>, Vec<LineProblem>> {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for (line, name) in named {
        let key = name.trim().to_lowercase();
        match registered
            .iter()
            .find(|o| o.organisation.name.to_lowercase() == key)
        {
            Some(organisation) => {
                found.insert(key, organisation);
            }
            None => problems.push(LineProblem {
                line,
                column: Some("organisation".to_owned()),
                reason: format!(
                    "'{}' is not a registered organisation (add it with `beacon org add` first)",
                    name.trim()
                ),
            }),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The line of each organisation's first row, for problems about the organisation.
fn organisation_lines(bytes: &[u8]) -> Vec<(u64, String)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let column = reader.headers().ok().and_then(|headers| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case("organisation"))
    });
    let Some(column) = column else {
        return Vec::new();
    };
    let mut seen = BTreeMap::new();
    for record in reader.records().flatten() {
        let line = record.position().map_or(0, |p| p.line());
        if let Some(name) = record.get(column) {
            seen.entry(name.trim().to_lowercase())
                .or_insert((line, name.trim().to_owned()));
        }
    }
    let mut found: Vec<(u64, String)> = seen.into_values().collect();
    found.sort();
    found
}

/// Imports an inventory CSV (`organisation,asset,cpe,purl,vendor,product,version` and
/// optional `kind,owner,hostname,network`): the file is the whole inventory of every
/// organisation it names. All or nothing: any problem (including an organisation not
/// registered) stores nothing and lists every problem by line. Organisations whose
/// inventory changed are matched again against every advisory, and notices are opened or
/// updated for them.
pub fn import_inventory(
    store: &mut dyn Store,
    bytes: &[u8],
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<ImportedInventory, InventoryError> {
    let import = parse_inventory_csv(bytes).map_err(InventoryError::Problems)?;
    let registered = store.organisations()?;
    let lines = organisation_lines(bytes);
    let found = resolve(
        &registered,
        lines.iter().map(|(line, name)| (*line, name.as_str())),
    )
    .map_err(InventoryError::Problems)?;
    let mut by_organisation: BTreeMap<i64, (String, Vec<Asset>)> = BTreeMap::new();
    for (name, asset) in &import.assets {
        let organisation = found
            .get(&name.trim().to_lowercase())
            .ok_or_else(|| StoreError::Corrupt(format!("organisation {name} vanished")))?;
        let mut asset = asset.clone();
        matching::derive_cpes(&mut asset);
        by_organisation
            .entry(organisation.id)
            .or_insert_with(|| (organisation.organisation.name.clone(), Vec::new()))
            .1
            .push(asset);
    }
    let writes: Vec<(i64, Vec<Asset>)> = by_organisation
        .iter()
        .map(|(id, (_, assets))| (*id, assets.clone()))
        .collect();
    let changes = store.replace_inventory(&writes)?;
    let mut organisations = BTreeMap::new();
    let mut changed = Vec::new();
    for ((id, (name, _)), change) in by_organisation.iter().zip(changes) {
        if change.is_change() {
            changed.push(*id);
        }
        organisations.insert(name.clone(), change);
    }
    let (matches, notices) = rematch_and_notify(store, &changed, now, settings)?;
    Ok(ImportedInventory {
        rows: import.rows,
        assets: import.assets.len() as u64,
        products: import
            .assets
            .iter()
            .map(|(_, asset)| asset.products.len() as u64)
            .sum(),
        organisations,
        matches,
        notices,
    })
}

/// Matches the organisations again after their inventories changed, and opens or
/// updates their notices. Returns the matches now held for them and what the notices did.
pub fn rematch_and_notify(
    store: &mut dyn Store,
    organisation_ids: &[i64],
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<(u64, NoticeOutcome), StoreError> {
    if organisation_ids.is_empty() {
        return Ok((0, NoticeOutcome::default()));
    }
    let rematched = matching::rematch_organisations(store, organisation_ids)?;
    let matches = rematched.iter().map(|r| r.after.len() as u64).sum();
    let notices = notices::update_notices(store, &rematched, now, settings)?;
    Ok((matches, notices))
}

/// Adds or replaces one asset of an organisation (from the partner's inventory editor),
/// then matches the organisation again.
pub fn put_asset(
    store: &mut dyn Store,
    organisation_id: i64,
    asset: &Asset,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<i64, StoreError> {
    let mut asset = asset.clone();
    matching::derive_cpes(&mut asset);
    let (id, changed) = store.put_asset(organisation_id, &asset)?;
    if changed {
        rematch_and_notify(store, &[organisation_id], now, settings)?;
    }
    Ok(id)
}

/// Removes one of an organisation's assets (false when it is not the organisation's),
/// then matches the organisation again.
pub fn remove_asset(
    store: &mut dyn Store,
    organisation_id: i64,
    asset_id: i64,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<bool, StoreError> {
    let removed = store.remove_asset(organisation_id, asset_id)?;
    if removed {
        rematch_and_notify(store, &[organisation_id], now, settings)?;
    }
    Ok(removed)
}

/// Imports a contacts CSV (`organisation,name,email,role[,delivery]`): the file holds the
/// whole contact list of every organisation it names. All or nothing.
pub fn import_contacts(
    store: &mut dyn Store,
    bytes: &[u8],
) -> Result<ImportedContacts, InventoryError> {
    let contacts = parse_contacts_csv(bytes).map_err(InventoryError::Problems)?;
    let registered = store.organisations()?;
    let lines = organisation_lines(bytes);
    let found = resolve(
        &registered,
        lines.iter().map(|(line, name)| (*line, name.as_str())),
    )
    .map_err(InventoryError::Problems)?;
    let mut by_organisation: BTreeMap<i64, (String, Vec<PartnerContact>)> = BTreeMap::new();
    for (name, contact) in &contacts {
        let organisation = found
            .get(&name.trim().to_lowercase())
            .ok_or_else(|| StoreError::Corrupt(format!("organisation {name} vanished")))?;
        by_organisation
            .entry(organisation.id)
            .or_insert_with(|| (organisation.organisation.name.clone(), Vec::new()))
            .1
            .push(contact.clone());
    }
    let writes: Vec<(i64, Vec<PartnerContact>)> = by_organisation
        .iter()
        .map(|(id, (_, contacts))| (*id, contacts.clone()))
        .collect();
    store.replace_contacts(&writes)?;
    Ok(ImportedContacts {
        contacts: contacts.len() as u64,
        organisations: by_organisation
            .into_values()
            .map(|(name, _)| name)
            .collect(),
    })
}

/// One organisation's inventory and contacts, for listings.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationInventory {
    /// The organisation's register id.
    pub organisation_id: i64,
    /// Its name.
    pub organisation: String,
    /// Its assets with their products.
    pub assets: Vec<StoredAsset>,
    /// Its advisory contacts.
    pub contacts: Vec<StoredContact>,
}

/// The inventories of every organisation (or one), by name.
pub fn list_inventory(
    store: &mut dyn Store,
    organisation_id: Option<i64>,
) -> Result<Vec<OrganisationInventory>, StoreError> {
    let organisations = store.organisations()?;
    let assets = store.assets(organisation_id)?;
    let contacts = store.contacts(organisation_id)?;
    Ok(organisations
        .into_iter()
        .filter(|o| organisation_id.is_none_or(|id| id == o.id))
        .map(|o| OrganisationInventory {
            organisation_id: o.id,
            assets: assets
                .iter()
                .filter(|a| a.organisation_id == o.id)
                .cloned()
                .collect(),
            contacts: contacts
                .iter()
                .filter(|c| c.organisation_id == o.id)
                .cloned()
                .collect(),
            organisation: o.organisation.name,
        })
        .filter(|o| organisation_id.is_some() || !o.assets.is_empty() || !o.contacts.is_empty())
        .collect())
}
