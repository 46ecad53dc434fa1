//! Partners' inventories: the assets each organisation runs, the products on them, and the
//! contacts who hear about advisories. Matching reads the products from here; partner IT
//! managers edit their own organisation's part, so every write names the organisation and
//! touches nothing outside it.
//!
//! Assets are known by name within their organisation: writing an asset with a name
//! already there replaces its details and products but keeps its id, so the statuses a
//! partner recorded against it survive an import.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use beacon_core::{Asset, PartnerContact, ProductEntry};

/// An asset as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredAsset {
    /// Its id (kept when the asset is written again under the same name).
    pub id: i64,
    /// The organisation that runs it.
    pub organisation_id: i64,
    /// The asset, its products in the order written.
    #[serde(flatten)]
    pub asset: Asset,
    /// The ids of its products, in the same order as `asset.products`.
    pub product_ids: Vec<i64>,
}

/// One product of one asset, as the matching engine indexes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    /// The organisation that runs it.
    pub organisation_id: i64,
    /// The asset it is on.
    pub asset_id: i64,
    /// The product's id.
    pub product_id: i64,
    /// The product as written (with any derived CPE).
    pub entry: ProductEntry,
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredContact {
    /// Its id.
    pub id: i64,
    /// The organisation it speaks for.
    pub organisation_id: i64,
    /// Name, address, role and delivery preference.
    #[serde(flatten)]
    pub contact: PartnerContact,
}

/// What writing one organisation's inventory changed, so that only changed
/// organisations are matched again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct InventoryChange {
    /// Assets that were not there before.
    pub added: u64,
    /// Assets whose details or products changed.
    pub changed: u64,
    /// Assets written exactly as they were.
    pub unchanged: u64,
    /// Assets removed (only by [`Inventory::replace_inventory`]).
    pub removed: u64,
}

impl InventoryChange {
    /// True when anything matching depends on changed.
    pub fn is_change(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

/// Partners' inventories and contacts, on either backend.
pub trait Inventory {
    /// Replaces the whole inventory of each organisation named, in one transaction (all
    /// or nothing): assets written keep their ids by name, assets not written are removed
    /// with their products and statuses. Organisations not named are untouched. Returns
    /// each organisation's change, in the order given. [`crate::StoreError::NotFound`]
    /// for an organisation id that does not exist.
    fn replace_inventory(
        &mut self,
        inventories: &[(i64, Vec<Asset>)],
    ) -> StoreResult<Vec<InventoryChange>>;
    /// Adds one asset to an organisation, or replaces the asset of the same name there.
    /// Returns its id and whether it changed; [`crate::StoreError::NotFound`] for an
    /// organisation id that does not exist.
    fn put_asset(&mut self, organisation_id: i64, asset: &Asset) -> StoreResult<(i64, bool)>;
    /// Removes one asset, only if it belongs to `organisation_id`: false (and nothing
    /// changed) when it does not, so one partner can never remove another's asset.
    fn remove_asset(&mut self, organisation_id: i64, asset_id: i64) -> StoreResult<bool>;
    /// Assets by organisation name then asset name; only one organisation's when given.
    fn assets(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredAsset>>;
    /// One asset, only if it belongs to `organisation_id` (when given).
    fn asset(
        &mut self,
        asset_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<StoredAsset>>;
    /// Every product of every asset (one organisation's when given), for matching.
    fn inventory_rows(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InventoryRow>>;
    /// Replaces the contacts of each organisation named, in one transaction (all or
    /// nothing); [`crate::StoreError::NotFound`] for an organisation id that does not
    /// exist.
    fn replace_contacts(&mut self, contacts: &[(i64, Vec<PartnerContact>)]) -> StoreResult<()>;
    /// Contacts by organisation then role then name; one organisation's when given.
    fn contacts(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<StoredContact>>;
}
