//! The advice library in SQLite: every put is one IMMEDIATE transaction, so two loads at
//! once number their versions one after the other.

use super::{
    AdviceFilter, AdviceLibrary, AdviceVersion, BUMP_SQL, ENSURE_ITEM_SQL, HASH_SQL,
    INSERT_VERSION_SQL, LATEST_VERSION_SQL, PutOutcome, SET_PUBLISHED_SQL, StoredAdvice,
    VERSIONS_SQL, advice_list_sql, advice_sql, advice_version_sql, content_hash, filter_patterns,
    item_from, outcome_of, stored_forms,
};
use crate::StoreResult;
use crate::neutral::{parse_utc_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use beacon_core::protect::AdviceItem;
use rusqlite::{TransactionBehavior, params};
use time::OffsetDateTime;

impl SqliteStore {
    /// [`AdviceLibrary::put_advice`], or with `new_only` [`AdviceLibrary::add_advice`].
    fn put_advice_as(
        &mut self,
        item: &AdviceItem,
        by: &str,
        at: OffsetDateTime,
        new_only: bool,
    ) -> StoreResult<PutOutcome> {
        let hash = content_hash(item);
        let (json, threats, audiences) = stored_forms(item)?;
        let at = utc_text(at);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(ENSURE_ITEM_SQL, params![item.slug, by, at])?;
        let latest: i64 =
            transaction.query_row(LATEST_VERSION_SQL, [&item.slug], |row| row.get(0))?;
        if new_only && latest != 0 {
            return Err(crate::StoreError::Duplicate {
                what: "advice item",
                name: item.slug.clone(),
            });
        }
        let stored = if latest == 0 {
            None
        } else {
            let hash: String =
                transaction.query_row(HASH_SQL, params![item.slug, latest], |row| row.get(0))?;
            Some((latest, hash))
        };
        let outcome = outcome_of(stored, &hash);
        if let PutOutcome::Added { version } | PutOutcome::Revised { version } = outcome {
            transaction.execute(
                INSERT_VERSION_SQL,
                params![
                    item.slug, version, hash, item.title, threats, audiences, json, by, at
                ],
            )?;
            transaction.execute(BUMP_SQL, params![item.slug, version, by, at])?;
        }
        transaction.commit()?;
        Ok(outcome)
    }
}

impl AdviceLibrary for SqliteStore {
    fn put_advice(
        &mut self,
        item: &AdviceItem,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<PutOutcome> {
        self.put_advice_as(item, by, at, false)
    }

    fn add_advice(
        &mut self,
        item: &AdviceItem,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<PutOutcome> {
        self.put_advice_as(item, by, at, true)
    }

    fn advice(&mut self, slug: &str) -> StoreResult<Option<StoredAdvice>> {
        let mut statement = self.connection.prepare_cached(&advice_sql())?;
        Ok(collect(statement.query([slug])?, stored_from)?.pop())
    }

    fn advice_version(&mut self, slug: &str, version: i64) -> StoreResult<Option<StoredAdvice>> {
        let mut statement = self.connection.prepare_cached(&advice_version_sql())?;
        Ok(collect(statement.query(params![slug, version])?, stored_from)?.pop())
    }

    fn advice_versions(&mut self, slug: &str) -> StoreResult<Vec<AdviceVersion>> {
        let mut statement = self.connection.prepare_cached(VERSIONS_SQL)?;
        collect(statement.query([slug])?, |row| {
            Ok(AdviceVersion {
                version: row.get(0)?,
                title: row.get(1)?,
                content_hash: row.get(2)?,
                written_by: row.get(3)?,
                written_at: parse_utc_text(&row.get::<_, String>(4)?)?,
            })
        })
    }

    fn advice_list(&mut self, filter: &AdviceFilter) -> StoreResult<Vec<StoredAdvice>> {
        let (threat, audience) = filter_patterns(filter);
        let mut statement = self.connection.prepare_cached(&advice_list_sql())?;
        collect(
            statement.query(params![threat, audience, filter.published])?,
            stored_from,
        )
    }

    fn set_published(&mut self, slug: &str, published: bool) -> StoreResult<bool> {
        let changed = self
            .connection
            .execute(SET_PUBLISHED_SQL, params![slug, published])?;
        Ok(changed > 0)
    }
}

fn stored_from(row: &rusqlite::Row<'_>) -> StoreResult<StoredAdvice> {
    Ok(StoredAdvice {
        item: item_from(&row.get::<_, String>(0)?)?,
        version: row.get(1)?,
        published: row.get(2)?,
        updated_at: parse_utc_text(&row.get::<_, String>(3)?)?,
        updated_by: row.get(4)?,
    })
}
