//! The stored form of inventories, shared by both dialects: the statements that are the
//! same on both backends (written with `?N` placeholders; PostgreSQL's dialect rewrites
//! them with `neutral::dollar`), the mapping from result rows, and what writing an asset
//! over the stored one amounts to.
//!
//! **Invariant:** every statement that reads or writes one organisation's rows names the
//! organisation in its `WHERE` clause.

use super::{InventoryChange, InventoryRow, StoredAsset, StoredContact};
use crate::neutral::Columns;
use crate::{StoreError, StoreResult};
use beacon_core::{Asset, ContactRole, Delivery, PartnerContact, ProductEntry};
use std::collections::HashMap;

/// Whether an organisation exists (`?1` its id).
pub(super) const ORGANISATION_SQL: &str = "SELECT id FROM organisations WHERE id = ?1";

/// Assets, of one organisation (`?1`) and one id (`?2`) when given, by organisation name
/// then asset name; read by [`asset_from`] (products come from [`PRODUCTS_SQL`]).
pub(super) const ASSETS_SQL: &str =
    "SELECT a.id, a.organisation_id, a.name, a.kind, a.owner, a.hostname, a.network
     FROM partner_assets a JOIN organisations g ON g.id = a.organisation_id
     WHERE (CAST(?1 AS BIGINT) IS NULL OR a.organisation_id = ?1)
       AND (CAST(?2 AS BIGINT) IS NULL OR a.id = ?2)
     ORDER BY g.name_key, a.name_key, a.id";

/// Products, with the same filters as [`ASSETS_SQL`], in each asset's order; read by
/// [`product_from`].
pub(super) const PRODUCTS_SQL: &str =
    "SELECT a.organisation_id, p.asset_id, p.id, p.cpe, p.purl, p.vendor, p.product, p.version,
        p.derived_cpe
     FROM partner_products p JOIN partner_assets a ON a.id = p.asset_id
     WHERE (CAST(?1 AS BIGINT) IS NULL OR a.organisation_id = ?1)
       AND (CAST(?2 AS BIGINT) IS NULL OR a.id = ?2)
     ORDER BY a.organisation_id, p.asset_id, p.position, p.id";

/// Adds an asset (`?1` organisation, `?2` name, `?3` name key, `?4` kind, `?5` owner,
/// `?6` host name, `?7` network, `?8` now).
pub(super) const INSERT_ASSET_SQL: &str = "INSERT INTO partner_assets
        (organisation_id, name, name_key, kind, owner, hostname, network, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";

/// Rewrites an asset's details (`?1` id, `?2` organisation, then as [`INSERT_ASSET_SQL`]
/// from the name on, without the key).
pub(super) const UPDATE_ASSET_SQL: &str = "UPDATE partner_assets
     SET name = ?3, kind = ?4, owner = ?5, hostname = ?6, network = ?7, updated_at = ?8
     WHERE id = ?1 AND organisation_id = ?2";

/// Forgets an asset's products (`?1` asset), before writing them again.
pub(super) const FORGET_PRODUCTS_SQL: &str = "DELETE FROM partner_products WHERE asset_id = ?1";

/// Adds a product (`?1` asset, `?2` position, `?3` CPE, `?4` purl, `?5` vendor, `?6`
/// product, `?7` version, `?8` derived CPE).
pub(super) const INSERT_PRODUCT_SQL: &str = "INSERT INTO partner_products
        (asset_id, position, cpe, purl, vendor, product, version, derived_cpe)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Removes an asset, only if it is the organisation's (`?1` asset, `?2` organisation);
/// its products, matches and statuses go with it (foreign keys cascade).
pub(super) const REMOVE_ASSET_SQL: &str =
    "DELETE FROM partner_assets WHERE id = ?1 AND organisation_id = ?2";

/// Forgets an organisation's contacts (`?1`), before writing them again.
pub(super) const FORGET_CONTACTS_SQL: &str =
    "DELETE FROM partner_contacts WHERE organisation_id = ?1";

/// Adds a contact (`?1` organisation, `?2` name, `?3` email, `?4` role, `?5` delivery).
pub(super) const INSERT_CONTACT_SQL: &str =
    "INSERT INTO partner_contacts (organisation_id, name, email, role, delivery)
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// Contacts, of one organisation (`?1`) when given, by organisation name, role (in
/// [`ContactRole::ALL`]'s order) and name; read by [`contact_from`].
pub(super) const CONTACTS_SQL: &str =
    "SELECT c.id, c.organisation_id, c.name, c.email, c.role, c.delivery
     FROM partner_contacts c JOIN organisations g ON g.id = c.organisation_id
     WHERE CAST(?1 AS BIGINT) IS NULL OR c.organisation_id = ?1
     ORDER BY g.name_key,
        CASE c.role WHEN 'it_manager' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, c.name, c.id";

/// The key an asset is known by within its organisation: names are unique in any case.
pub(super) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// An asset (without its products yet) from a row of [`ASSETS_SQL`].
pub(super) fn asset_from(row: &impl Columns) -> StoreResult<StoredAsset> {
    let network: Option<String> = row.get(6)?;
    Ok(StoredAsset {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        asset: Asset {
            name: row.get(2)?,
            kind: row.get(3)?,
            owner: row.get(4)?,
            hostname: row.get(5)?,
            network: network
                .map(|text| {
                    text.parse()
                        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a network")))
                })
                .transpose()?,
            products: Vec::new(),
        },
        product_ids: Vec::new(),
    })
}

/// A product from a row of [`PRODUCTS_SQL`].
pub(super) fn product_from(row: &impl Columns) -> StoreResult<InventoryRow> {
    Ok(InventoryRow {
        organisation_id: row.get(0)?,
        asset_id: row.get(1)?,
        product_id: row.get(2)?,
        entry: ProductEntry {
            cpe: row.get(3)?,
            purl: row.get(4)?,
            vendor: row.get(5)?,
            product: row.get(6)?,
            version: row.get(7)?,
            derived_cpe: row.get(8)?,
        },
    })
}

/// A contact from a row of [`CONTACTS_SQL`].
pub(super) fn contact_from(row: &impl Columns) -> StoreResult<StoredContact> {
    let role: String = row.get(4)?;
    let delivery: String = row.get(5)?;
    Ok(StoredContact {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        contact: PartnerContact {
            name: row.get(2)?,
            email: row.get(3)?,
            role: role
                .parse::<ContactRole>()
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            delivery: Delivery::parse(&delivery).ok_or_else(|| {
                StoreError::Corrupt(format!("'{delivery}' is not a delivery preference"))
            })?,
        },
    })
}

/// Gives each asset its products, in order (both lists as the statements above give them).
pub(super) fn with_products(
    mut assets: Vec<StoredAsset>,
    products: Vec<InventoryRow>,
) -> Vec<StoredAsset> {
    let mut by_asset: HashMap<i64, Vec<InventoryRow>> = HashMap::new();
    for product in products {
        by_asset.entry(product.asset_id).or_default().push(product);
    }
    for stored in &mut assets {
        for product in by_asset.remove(&stored.id).unwrap_or_default() {
            stored.product_ids.push(product.product_id);
            stored.asset.products.push(product.entry);
        }
    }
    assets
}

/// What writing one asset does to the stored one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AssetWrite {
    /// No asset of that name: insert it.
    Add,
    /// The stored asset (this id) differs: rewrite its details and products.
    Change(i64),
    /// The stored asset (this id) is exactly as written: leave it, and its products' ids
    /// (which matches point at), alone.
    Keep(i64),
}

impl AssetWrite {
    /// What to do with `asset` given the stored asset of the same name, if any.
    pub(super) fn of(asset: &Asset, stored: Option<&StoredAsset>) -> AssetWrite {
        match stored {
            None => AssetWrite::Add,
            Some(stored) if stored.asset == *asset => AssetWrite::Keep(stored.id),
            Some(stored) => AssetWrite::Change(stored.id),
        }
    }

    /// Counts this write in an organisation's change.
    pub(super) fn count(self, change: &mut InventoryChange) {
        match self {
            AssetWrite::Add => change.added += 1,
            AssetWrite::Change(_) => change.changed += 1,
            AssetWrite::Keep(_) => change.unchanged += 1,
        }
    }
}

/// An organisation's stored assets by name key, for writing over.
pub(super) fn by_name(assets: Vec<StoredAsset>) -> HashMap<String, StoredAsset> {
    assets
        .into_iter()
        .map(|stored| (name_key(&stored.asset.name), stored))
        .collect()
}

/// The asset as just written, so that a second asset of the same name later in one
/// replacement is written over it (the later one wins).
pub(super) fn written_as(id: i64, organisation_id: i64, asset: &Asset) -> StoredAsset {
    StoredAsset {
        id,
        organisation_id,
        asset: asset.clone(),
        product_ids: Vec::new(),
    }
}

/// [`StoreError::NotFound`] for an organisation id that names none.
pub(super) fn no_organisation(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "organisation",
        id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(name: &str, version: &str) -> Asset {
        Asset {
            name: name.to_owned(),
            kind: "server".to_owned(),
            owner: None,
            hostname: None,
            network: None,
            products: vec![ProductEntry {
                cpe: None,
                purl: None,
                vendor: Some("Acme".to_owned()),
                product: Some("Gateway".to_owned()),
                version: Some(version.to_owned()),
                derived_cpe: None,
            }],
        }
    }

    #[test]
    fn an_asset_written_as_stored_is_kept_and_any_difference_changes_it() {
        let stored = StoredAsset {
            id: 7,
            organisation_id: 1,
            asset: asset("Gateway", "1.0"),
            product_ids: vec![70],
        };
        assert_eq!(
            AssetWrite::of(&asset("Gateway", "1.0"), Some(&stored)),
            AssetWrite::Keep(7)
        );
        assert_eq!(
            AssetWrite::of(&asset("Gateway", "1.1"), Some(&stored)),
            AssetWrite::Change(7)
        );
        assert_eq!(
            AssetWrite::of(&asset("GATEWAY", "1.0"), Some(&stored)),
            AssetWrite::Change(7),
            "a new spelling of the name is a change"
        );
        assert_eq!(
            AssetWrite::of(&asset("Gateway", "1.0"), None),
            AssetWrite::Add
        );
    }
}
