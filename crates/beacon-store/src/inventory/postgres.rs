//! Inventories in PostgreSQL, with the semantics of the SQLite backend; times from the
//! server's clock.

use super::columns::{
    ASSETS_SQL, AssetWrite, CONTACTS_SQL, FORGET_CONTACTS_SQL, FORGET_PRODUCTS_SQL,
    INSERT_ASSET_SQL, INSERT_CONTACT_SQL, INSERT_PRODUCT_SQL, ORGANISATION_SQL, PRODUCTS_SQL,
    REMOVE_ASSET_SQL, UPDATE_ASSET_SQL, asset_from, by_name, contact_from, name_key,
    no_organisation, product_from, with_products, written_as,
};
use super::{Inventory, InventoryChange, InventoryRow, StoredAsset, StoredContact};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, big, pg_opt_text, pg_text};
use beacon_core::{Asset, PartnerContact};
use postgres::GenericClient;
use std::collections::HashSet;
use time::OffsetDateTime;

impl Inventory for PostgresStore {
    fn replace_inventory(
        &mut self,
        inventories: &[(i64, Vec<Asset>)],
    ) -> StoreResult<Vec<InventoryChange>> {
        let mut transaction = self.client.transaction()?;
        let now = server_now(&mut transaction)?;
        let mut changes = Vec::with_capacity(inventories.len());
        for (organisation_id, assets) in inventories {
            require_organisation(&mut transaction, *organisation_id)?;
            let mut stored = by_name(read_assets(&mut transaction, Some(*organisation_id), None)?);
            let mut change = InventoryChange::default();
            let mut written = HashSet::new();
            for asset in assets {
                let key = name_key(&asset.name);
                let (id, write) = write_asset(
                    &mut transaction,
                    *organisation_id,
                    asset,
                    stored.get(&key),
                    now,
                )?;
                write.count(&mut change);
                stored.insert(key.clone(), written_as(id, *organisation_id, asset));
                written.insert(key);
            }
            for (_, gone) in stored.iter().filter(|(key, _)| !written.contains(*key)) {
                transaction.execute(&*dollar(REMOVE_ASSET_SQL), &[&gone.id, organisation_id])?;
                change.removed += 1;
            }
            changes.push(change);
        }
        transaction.commit()?;
        Ok(changes)
    }

    fn put_asset(&mut self, organisation_id: i64, asset: &Asset) -> StoreResult<(i64, bool)> {
        let mut transaction = self.client.transaction()?;
        let now = server_now(&mut transaction)?;
        require_organisation(&mut transaction, organisation_id)?;
        let stored = by_name(read_assets(&mut transaction, Some(organisation_id), None)?);
        let (id, write) = write_asset(
            &mut transaction,
            organisation_id,
            asset,
            stored.get(&name_key(&asset.name)),
            now,
        )?;
        transaction.commit()?;
        Ok((id, !matches!(write, AssetWrite::Keep(_))))
    }

    fn remove_asset(&mut self, organisation_id: i64, asset_id: i64) -> StoreResult<bool> {
        let removed = self
            .client
            .execute(&*dollar(REMOVE_ASSET_SQL), &[&asset_id, &organisation_id])?;
        Ok(removed > 0)
    }

    fn assets(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredAsset>> {
        read_assets(&mut self.client, organisation_id, None)
    }

    fn asset(
        &mut self,
        asset_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<StoredAsset>> {
        Ok(read_assets(&mut self.client, organisation_id, Some(asset_id))?.pop())
    }

    fn inventory_rows(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InventoryRow>> {
        read_products(&mut self.client, organisation_id, None)
    }

    fn replace_contacts(&mut self, contacts: &[(i64, Vec<PartnerContact>)]) -> StoreResult<()> {
        let mut transaction = self.client.transaction()?;
        let insert = transaction.prepare(&dollar(INSERT_CONTACT_SQL))?;
        for (organisation_id, people) in contacts {
            require_organisation(&mut transaction, *organisation_id)?;
            transaction.execute(&*dollar(FORGET_CONTACTS_SQL), &[organisation_id])?;
            for person in people {
                transaction.execute(
                    &insert,
                    &[
                        organisation_id,
                        &pg_text(&person.name),
                        &pg_text(&person.email),
                        &person.role.as_str(),
                        &person.delivery.as_str(),
                    ],
                )?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn contacts(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredContact>> {
        self.client
            .query(&*dollar(CONTACTS_SQL), &[&organisation_id])?
            .iter()
            .map(contact_from)
            .collect()
    }
}

/// The server's time, so that every client stamps rows by one clock.
fn server_now(client: &mut impl GenericClient) -> StoreResult<OffsetDateTime> {
    Ok(client.query_one("SELECT now()", &[])?.try_get(0)?)
}

/// [`crate::StoreError::NotFound`] unless the organisation exists.
fn require_organisation(client: &mut impl GenericClient, organisation_id: i64) -> StoreResult<()> {
    client
        .query_opt(&*dollar(ORGANISATION_SQL), &[&organisation_id])?
        .map(|_| ())
        .ok_or_else(|| no_organisation(organisation_id))
}

/// Assets with their products, filtered as [`ASSETS_SQL`] says.
fn read_assets(
    client: &mut impl GenericClient,
    organisation_id: Option<i64>,
    asset_id: Option<i64>,
) -> StoreResult<Vec<StoredAsset>> {
    let assets = client
        .query(&*dollar(ASSETS_SQL), &[&organisation_id, &asset_id])?
        .iter()
        .map(asset_from)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(with_products(
        assets,
        read_products(client, organisation_id, asset_id)?,
    ))
}

/// Products, filtered as [`PRODUCTS_SQL`] says.
fn read_products(
    client: &mut impl GenericClient,
    organisation_id: Option<i64>,
    asset_id: Option<i64>,
) -> StoreResult<Vec<InventoryRow>> {
    client
        .query(&*dollar(PRODUCTS_SQL), &[&organisation_id, &asset_id])?
        .iter()
        .map(product_from)
        .collect()
}

/// Writes one asset over the stored one of its name (if any), inside the caller's
/// transaction; returns its id and what was done.
fn write_asset(
    client: &mut impl GenericClient,
    organisation_id: i64,
    asset: &Asset,
    stored: Option<&StoredAsset>,
    now: OffsetDateTime,
) -> StoreResult<(i64, AssetWrite)> {
    let write = AssetWrite::of(asset, stored);
    let network = asset.network.map(|network| network.to_string());
    let name = pg_text(&asset.name);
    let kind = pg_text(&asset.kind);
    let owner = pg_opt_text(asset.owner.as_deref());
    let hostname = pg_opt_text(asset.hostname.as_deref());
    let id = match write {
        AssetWrite::Keep(id) => return Ok((id, write)),
        AssetWrite::Add => client
            .query_one(
                &*dollar(INSERT_ASSET_SQL),
                &[
                    &organisation_id,
                    &name,
                    &pg_text(&name_key(&asset.name)),
                    &kind,
                    &owner,
                    &hostname,
                    &network,
                    &now,
                ],
            )?
            .try_get(0)?,
        AssetWrite::Change(id) => {
            client.execute(
                &*dollar(UPDATE_ASSET_SQL),
                &[
                    &id,
                    &organisation_id,
                    &name,
                    &kind,
                    &owner,
                    &hostname,
                    &network,
                    &now,
                ],
            )?;
            client.execute(&*dollar(FORGET_PRODUCTS_SQL), &[&id])?;
            id
        }
    };
    let insert = client.prepare(&dollar(INSERT_PRODUCT_SQL))?;
    for (position, product) in asset.products.iter().enumerate() {
        client.execute(
            &insert,
            &[
                &id,
                &big(position as u64)?,
                &pg_opt_text(product.cpe.as_deref()),
                &pg_opt_text(product.purl.as_deref()),
                &pg_opt_text(product.vendor.as_deref()),
                &pg_opt_text(product.product.as_deref()),
                &pg_opt_text(product.version.as_deref()),
                &pg_opt_text(product.derived_cpe.as_deref()),
            ],
        )?;
    }
    Ok((id, write))
}
