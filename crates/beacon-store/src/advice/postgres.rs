//! The advice library in PostgreSQL, with the semantics of the SQLite backend: every put is
//! one transaction, and the item's row is locked while its next version is numbered, so two
//! loads at once cannot both write the same version.

use super::{
    AdviceFilter, AdviceLibrary, AdviceVersion, BUMP_SQL, ENSURE_ITEM_SQL, HASH_SQL,
    INSERT_VERSION_SQL, LATEST_VERSION_SQL, PutOutcome, SET_PUBLISHED_SQL, StoredAdvice,
    VERSIONS_SQL, advice_list_sql, advice_sql, advice_version_sql, content_hash, filter_patterns,
    item_from, outcome_of, stored_forms,
};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, pg_text};
use beacon_core::protect::AdviceItem;
use time::OffsetDateTime;

impl PostgresStore {
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
        let slug = pg_text(&item.slug);
        let by = pg_text(by);
        let mut transaction = self.client.transaction()?;
        transaction.execute(&*dollar(ENSURE_ITEM_SQL), &[&slug, &by, &at])?;
        let latest: i64 = transaction
            .query_one(
                &format!("{} FOR UPDATE", dollar(LATEST_VERSION_SQL)),
                &[&slug],
            )?
            .try_get(0)?;
        if new_only && latest != 0 {
            return Err(crate::StoreError::Duplicate {
                what: "advice item",
                name: item.slug.clone(),
            });
        }
        let stored = if latest == 0 {
            None
        } else {
            let hash: String = transaction
                .query_one(&*dollar(HASH_SQL), &[&slug, &latest])?
                .try_get(0)?;
            Some((latest, hash))
        };
        let outcome = outcome_of(stored, &hash);
        if let PutOutcome::Added { version } | PutOutcome::Revised { version } = outcome {
            transaction.execute(
                &*dollar(INSERT_VERSION_SQL),
                &[
                    &slug,
                    &version,
                    &hash,
                    &pg_text(&item.title),
                    &threats,
                    &audiences,
                    &pg_text(&json),
                    &by,
                    &at,
                ],
            )?;
            transaction.execute(&*dollar(BUMP_SQL), &[&slug, &version, &by, &at])?;
        }
        transaction.commit()?;
        Ok(outcome)
    }
}

impl AdviceLibrary for PostgresStore {
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
        let rows = self
            .client
            .query(&*dollar(&advice_sql()), &[&pg_text(slug)])?;
        rows.iter().map(stored_from).next().transpose()
    }

    fn advice_version(&mut self, slug: &str, version: i64) -> StoreResult<Option<StoredAdvice>> {
        let rows = self
            .client
            .query(&*dollar(&advice_version_sql()), &[&pg_text(slug), &version])?;
        rows.iter().map(stored_from).next().transpose()
    }

    fn advice_versions(&mut self, slug: &str) -> StoreResult<Vec<AdviceVersion>> {
        let rows = self
            .client
            .query(&*dollar(VERSIONS_SQL), &[&pg_text(slug)])?;
        rows.iter()
            .map(|row| {
                Ok(AdviceVersion {
                    version: row.try_get(0)?,
                    title: row.try_get(1)?,
                    content_hash: row.try_get(2)?,
                    written_by: row.try_get(3)?,
                    written_at: row.try_get(4)?,
                })
            })
            .collect()
    }

    fn advice_list(&mut self, filter: &AdviceFilter) -> StoreResult<Vec<StoredAdvice>> {
        let (threat, audience) = filter_patterns(filter);
        let rows = self.client.query(
            &*dollar(&advice_list_sql()),
            &[&threat, &audience, &filter.published],
        )?;
        rows.iter().map(stored_from).collect()
    }

    fn set_published(&mut self, slug: &str, published: bool) -> StoreResult<bool> {
        let changed = self
            .client
            .execute(&*dollar(SET_PUBLISHED_SQL), &[&pg_text(slug), &published])?;
        Ok(changed > 0)
    }
}

fn stored_from(row: &postgres::Row) -> StoreResult<StoredAdvice> {
    Ok(StoredAdvice {
        item: item_from(&row.try_get::<_, String>(0)?)?,
        version: row.try_get(1)?,
        published: row.try_get(2)?,
        updated_at: row.try_get(3)?,
        updated_by: row.try_get(4)?,
    })
}
