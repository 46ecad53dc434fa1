//! The protect advice library: every version of every item, whether the public may read
//! it, and who wrote each version when.
//!
//! **Invariants:** a version is never changed once written; a new version is written only
//! when the item's content changes (compared by [`content_hash`]), so loading the same
//! library twice writes nothing; versions of a slug are numbered 1, 2, … with no gaps.
//! Being published belongs to the slug, not to a version: the public always sees the
//! latest version of a published item.

mod postgres;
mod sqlite;

use crate::{StoreError, StoreResult};
use beacon_core::protect::{AdviceItem, Audience, Threat};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use time::OffsetDateTime;

/// The content hash of an item: hex SHA-256 of the item as JSON. Two items with the same
/// hash say the same thing.
pub fn content_hash(item: &AdviceItem) -> String {
    // An item is plain strings, sets and a date: it always serialises.
    let bytes = serde_json::to_vec(item).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// What keeping an item did, so a load or an edit can say what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum PutOutcome {
    /// No item had its slug before: this is its version 1 (not yet published).
    Added {
        /// Always 1.
        version: i64,
    },
    /// Its content changed: this is its new latest version.
    Revised {
        /// The new version's number.
        version: i64,
    },
    /// Its content is the same as its latest version's: nothing was written.
    Unchanged,
}

/// One version of an item as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAdvice {
    /// The item as this version has it.
    pub item: AdviceItem,
    /// This version's number (1, 2, …).
    pub version: i64,
    /// Whether the item is on the public pages now (a property of the slug).
    pub published: bool,
    /// When this version was written.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Who wrote this version.
    pub updated_by: String,
}

/// One line of an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceVersion {
    /// The version's number.
    pub version: i64,
    /// The title it had.
    pub title: String,
    /// Its content hash ([`content_hash`]).
    pub content_hash: String,
    /// Who wrote it.
    pub written_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
}

/// Which items a list shows; every field left `None` shows all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdviceFilter {
    /// Only items tagged with this threat.
    pub threat: Option<Threat>,
    /// Only items for this audience.
    pub audience: Option<Audience>,
    /// Only published (`Some(true)`) or unpublished (`Some(false)`) items.
    pub published: Option<bool>,
}

/// The advice library in the store.
pub trait AdviceLibrary {
    /// Keeps an item: a new version when its content differs from its latest version's
    /// (or it is new), nothing otherwise. A new item starts unpublished.
    fn put_advice(
        &mut self,
        item: &AdviceItem,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<PutOutcome>;

    /// Keeps a new item as its version 1, in the same transaction that checks no item
    /// has its slug: [`crate::StoreError::Duplicate`] when one has (nothing written).
    fn add_advice(
        &mut self,
        item: &AdviceItem,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<PutOutcome>;

    /// The latest version of an item, published or not.
    fn advice(&mut self, slug: &str) -> StoreResult<Option<StoredAdvice>>;

    /// One version of an item.
    fn advice_version(&mut self, slug: &str, version: i64) -> StoreResult<Option<StoredAdvice>>;

    /// Every version of an item, oldest first (empty for a slug never stored).
    fn advice_versions(&mut self, slug: &str) -> StoreResult<Vec<AdviceVersion>>;

    /// The latest version of every item the filter lets through, by title.
    fn advice_list(&mut self, filter: &AdviceFilter) -> StoreResult<Vec<StoredAdvice>>;

    /// Puts an item on the public pages or takes it off; `false` when there is no item of
    /// that slug.
    fn set_published(&mut self, slug: &str, published: bool) -> StoreResult<bool>;
}

/// Makes the item's row if it has none (`?1` slug, `?2` by, `?3` at).
pub(crate) const ENSURE_ITEM_SQL: &str =
    "INSERT INTO advice_items (slug, latest_version, published, updated_by, updated_at)
     VALUES (?1, 0, FALSE, ?2, ?3)
     ON CONFLICT (slug) DO NOTHING";

/// The latest version number of a slug (`?1`).
pub(crate) const LATEST_VERSION_SQL: &str =
    "SELECT latest_version FROM advice_items WHERE slug = ?1";

/// The content hash of one version (`?1` slug, `?2` version).
pub(crate) const HASH_SQL: &str =
    "SELECT content_hash FROM advice_versions WHERE slug = ?1 AND version = ?2";

/// Writes a version (`?1` slug, `?2` version, `?3` hash, `?4` title, `?5` threats,
/// `?6` audiences, `?7` item JSON, `?8` by, `?9` at).
pub(crate) const INSERT_VERSION_SQL: &str = "INSERT INTO advice_versions
        (slug, version, content_hash, title, threats, audiences, item, written_by, written_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Makes a version the latest (`?1` slug, `?2` version, `?3` by, `?4` at).
pub(crate) const BUMP_SQL: &str = "UPDATE advice_items
     SET latest_version = ?2, updated_by = ?3, updated_at = ?4 WHERE slug = ?1";

/// The columns every stored-advice read returns, in the order the row readers expect.
const STORED_COLUMNS: &str = "SELECT v.item, v.version, i.published, v.written_at, v.written_by
     FROM advice_items i JOIN advice_versions v ON v.slug = i.slug";

/// The latest version of a slug (`?1`).
pub(crate) fn advice_sql() -> String {
    format!("{STORED_COLUMNS} AND v.version = i.latest_version WHERE i.slug = ?1")
}

/// One version (`?1` slug, `?2` version).
pub(crate) fn advice_version_sql() -> String {
    format!("{STORED_COLUMNS} WHERE i.slug = ?1 AND v.version = ?2")
}

/// Latest versions, filtered (`?1` threat pattern, `?2` audience pattern, `?3` published;
/// each `NULL` for any), by title.
pub(crate) fn advice_list_sql() -> String {
    format!(
        "{STORED_COLUMNS} AND v.version = i.latest_version
         WHERE (CAST(?1 AS TEXT) IS NULL OR v.threats LIKE ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR v.audiences LIKE ?2)
           AND (CAST(?3 AS BOOLEAN) IS NULL OR i.published = ?3)
         ORDER BY v.title, i.slug"
    )
}

/// A slug's history (`?1`), oldest first.
pub(crate) const VERSIONS_SQL: &str =
    "SELECT version, title, content_hash, written_by, written_at FROM advice_versions
     WHERE slug = ?1 ORDER BY version";

/// Publishes or unpublishes (`?1` slug, `?2` published).
pub(crate) const SET_PUBLISHED_SQL: &str = "UPDATE advice_items SET published = ?2 WHERE slug = ?1";

/// Tags as stored for `LIKE`: each slug between spaces.
pub(crate) fn tag_text<'a>(slugs: impl Iterator<Item = &'a str>) -> String {
    let mut text = String::from(" ");
    for slug in slugs {
        text.push_str(slug);
        text.push(' ');
    }
    text
}

/// The `LIKE` patterns of a filter: (threat, audience).
pub(crate) fn filter_patterns(filter: &AdviceFilter) -> (Option<String>, Option<String>) {
    (
        filter.threat.map(|threat| format!("% {} %", threat.slug())),
        filter
            .audience
            .map(|audience| format!("% {} %", audience.slug())),
    )
}

/// The stored forms of an item: (JSON, threats, audiences).
pub(crate) fn stored_forms(item: &AdviceItem) -> StoreResult<(String, String, String)> {
    let json = serde_json::to_string(item)
        .map_err(|error| StoreError::Corrupt(format!("advice {} as JSON: {error}", item.slug)))?;
    let threats = tag_text(item.threats.iter().map(|threat| threat.slug()));
    let audiences = tag_text(item.audiences.iter().map(|audience| audience.slug()));
    Ok((json, threats, audiences))
}

/// An item read back from its JSON.
pub(crate) fn item_from(json: &str) -> StoreResult<AdviceItem> {
    serde_json::from_str(json)
        .map_err(|error| StoreError::Corrupt(format!("stored advice is not an item: {error}")))
}

/// What a put does, given the latest stored version and its hash.
pub(crate) fn outcome_of(latest: Option<(i64, String)>, hash: &str) -> PutOutcome {
    match latest {
        None => PutOutcome::Added { version: 1 },
        Some((_, stored)) if stored == hash => PutOutcome::Unchanged,
        Some((version, _)) => PutOutcome::Revised {
            version: version + 1,
        },
    }
}
