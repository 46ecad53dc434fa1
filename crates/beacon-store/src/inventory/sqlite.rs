//! Inventories in SQLite: each replacement is one IMMEDIATE transaction.

use super::columns::{
    ASSETS_SQL, AssetWrite, CONTACTS_SQL, FORGET_CONTACTS_SQL, FORGET_PRODUCTS_SQL,
    INSERT_ASSET_SQL, INSERT_CONTACT_SQL, INSERT_PRODUCT_SQL, ORGANISATION_SQL, PRODUCTS_SQL,
    REMOVE_ASSET_SQL, UPDATE_ASSET_SQL, asset_from, by_name, contact_from, name_key,
    no_organisation, product_from, with_products, written_as,
};
use super::{Inventory, InventoryChange, InventoryRow, StoredAsset, StoredContact};
use crate::StoreResult;
use crate::neutral::now_text;
use crate::sqlite::{SqliteStore, collect};
use beacon_core::{Asset, PartnerContact};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::HashSet;

impl Inventory for SqliteStore {
    fn replace_inventory(
        &mut self,
        inventories: &[(i64, Vec<Asset>)],
    ) -> StoreResult<Vec<InventoryChange>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changes = Vec::with_capacity(inventories.len());
        for (organisation_id, assets) in inventories {
            require_organisation(&transaction, *organisation_id)?;
            let mut stored = by_name(read_assets(&transaction, Some(*organisation_id), None)?);
            let mut change = InventoryChange::default();
            let mut written = HashSet::new();
            for asset in assets {
                let key = name_key(&asset.name);
                let (id, write) =
                    write_asset(&transaction, *organisation_id, asset, stored.get(&key))?;
                write.count(&mut change);
                stored.insert(key.clone(), written_as(id, *organisation_id, asset));
                written.insert(key);
            }
            for (_, gone) in stored.iter().filter(|(key, _)| !written.contains(*key)) {
                transaction.execute(REMOVE_ASSET_SQL, params![gone.id, organisation_id])?;
                change.removed += 1;
            }
            changes.push(change);
        }
        transaction.commit()?;
        Ok(changes)
    }

    fn put_asset(&mut self, organisation_id: i64, asset: &Asset) -> StoreResult<(i64, bool)> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_organisation(&transaction, organisation_id)?;
        let stored = by_name(read_assets(&transaction, Some(organisation_id), None)?);
        let (id, write) = write_asset(
            &transaction,
            organisation_id,
            asset,
            stored.get(&name_key(&asset.name)),
        )?;
        transaction.commit()?;
        Ok((id, !matches!(write, AssetWrite::Keep(_))))
    }

    fn remove_asset(&mut self, organisation_id: i64, asset_id: i64) -> StoreResult<bool> {
        let removed = self
            .connection
            .execute(REMOVE_ASSET_SQL, params![asset_id, organisation_id])?;
        Ok(removed > 0)
    }

    fn assets(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredAsset>> {
        read_assets(&self.connection, organisation_id, None)
    }

    fn asset(
        &mut self,
        asset_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<StoredAsset>> {
        Ok(read_assets(&self.connection, organisation_id, Some(asset_id))?.pop())
    }

    fn inventory_rows(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InventoryRow>> {
        read_products(&self.connection, organisation_id, None)
    }

    fn replace_contacts(&mut self, contacts: &[(i64, Vec<PartnerContact>)]) -> StoreResult<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (organisation_id, people) in contacts {
            require_organisation(&transaction, *organisation_id)?;
            transaction.execute(FORGET_CONTACTS_SQL, [organisation_id])?;
            let mut insert = transaction.prepare_cached(INSERT_CONTACT_SQL)?;
            for person in people {
                insert.execute(params![
                    organisation_id,
                    person.name,
                    person.email,
                    person.role.as_str(),
                    person.delivery.as_str()
                ])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn contacts(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredContact>> {
        let mut statement = self.connection.prepare_cached(CONTACTS_SQL)?;
        collect(statement.query([organisation_id])?, |row| contact_from(row))
    }
}

/// [`crate::StoreError::NotFound`] unless the organisation exists.
fn require_organisation(connection: &Connection, organisation_id: i64) -> StoreResult<()> {
    connection
        .query_row(ORGANISATION_SQL, [organisation_id], |row| {
            row.get::<_, i64>(0)
        })
        .optional()?
        .map(|_| ())
        .ok_or_else(|| no_organisation(organisation_id))
}

/// Assets with their products, filtered as [`ASSETS_SQL`] says.
fn read_assets(
    connection: &Connection,
    organisation_id: Option<i64>,
    asset_id: Option<i64>,
) -> StoreResult<Vec<StoredAsset>> {
    let assets = {
        let mut statement = connection.prepare_cached(ASSETS_SQL)?;
        collect(
            statement.query(params![organisation_id, asset_id])?,
            |row| asset_from(row),
        )?
    };
    Ok(with_products(
        assets,
        read_products(connection, organisation_id, asset_id)?,
    ))
}

/// Products, filtered as [`PRODUCTS_SQL`] says.
fn read_products(
    connection: &Connection,
    organisation_id: Option<i64>,
    asset_id: Option<i64>,
) -> StoreResult<Vec<InventoryRow>> {
    let mut statement = connection.prepare_cached(PRODUCTS_SQL)?;
    collect(
        statement.query(params![organisation_id, asset_id])?,
        |row| product_from(row),
    )
}

/// Writes one asset over the stored one of its name (if any), inside the caller's
/// transaction; returns its id and what was done.
fn write_asset(
    connection: &Connection,
    organisation_id: i64,
    asset: &Asset,
    stored: Option<&StoredAsset>,
) -> StoreResult<(i64, AssetWrite)> {
    let write = AssetWrite::of(asset, stored);
    let network = asset.network.map(|network| network.to_string());
    let now = now_text();
    let id = match write {
        AssetWrite::Keep(id) => return Ok((id, write)),
        AssetWrite::Add => connection.query_row(
            INSERT_ASSET_SQL,
            params![
                organisation_id,
                asset.name,
                name_key(&asset.name),
                asset.kind,
                asset.owner,
                asset.hostname,
                network,
                now
            ],
            |row| row.get(0),
        )?,
        AssetWrite::Change(id) => {
            connection.execute(
                UPDATE_ASSET_SQL,
                params![
                    id,
                    organisation_id,
                    asset.name,
                    asset.kind,
                    asset.owner,
                    asset.hostname,
                    network,
                    now
                ],
            )?;
            connection.execute(FORGET_PRODUCTS_SQL, [id])?;
            id
        }
    };
    let mut insert = connection.prepare_cached(INSERT_PRODUCT_SQL)?;
    for (position, product) in asset.products.iter().enumerate() {
        insert.execute(params![
            id,
            position as i64,
            product.cpe,
            product.purl,
            product.vendor,
            product.product,
            product.version,
            product.derived_cpe
        ])?;
    }
    Ok((id, write))
}
