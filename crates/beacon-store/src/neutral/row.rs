//! One way to read a result row on either backend, so that turning a row into a struct is
//! written once: the mapping functions of the areas take any [`Columns`].
//!
//! The one real difference is times: SQLite stores them as fixed-width RFC 3339 text,
//! PostgreSQL as `TIMESTAMPTZ`; [`Columns::moment`] and [`Columns::moment_text`] read
//! either into the same value.

use crate::StoreResult;
use crate::neutral::{parse_utc_text, utc_text};
use time::OffsetDateTime;

/// A value both drivers can read from a column.
pub(crate) trait Value:
    rusqlite::types::FromSql + for<'a> ::postgres::types::FromSql<'a>
{
}

impl<T> Value for T where T: rusqlite::types::FromSql + for<'a> ::postgres::types::FromSql<'a> {}

/// A result row of either backend, read by column index.
pub(crate) trait Columns {
    /// The value of a column.
    fn get<T: Value>(&self, index: usize) -> StoreResult<T>;
    /// A time column, or `None` when NULL.
    fn opt_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>>;
    /// A time column that SQLite reads leniently: text that is not a stored time reads as
    /// `None` there (as it always has), where PostgreSQL's typed column cannot hold any.
    fn lenient_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>>;

    /// A time column that is never NULL.
    fn moment(&self, index: usize) -> StoreResult<OffsetDateTime> {
        self.opt_moment(index)?
            .ok_or_else(|| crate::StoreError::Corrupt(format!("column {index} holds no time")))
    }
    /// A time column as stored text (fixed-width RFC 3339 UTC), or `None` when NULL.
    fn opt_moment_text(&self, index: usize) -> StoreResult<Option<String>>;
    /// A time column as stored text, never NULL.
    fn moment_text(&self, index: usize) -> StoreResult<String> {
        self.opt_moment_text(index)?
            .ok_or_else(|| crate::StoreError::Corrupt(format!("column {index} holds no time")))
    }
    /// A count column (negative counts read as 0).
    fn count(&self, index: usize) -> StoreResult<u64> {
        Ok(u64::try_from(self.get::<i64>(index)?).unwrap_or(0))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn get<T: Value>(&self, index: usize) -> StoreResult<T> {
        Ok(rusqlite::Row::get(self, index)?)
    }

    fn opt_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        let text: Option<String> = rusqlite::Row::get(self, index)?;
        text.as_deref().map(parse_utc_text).transpose()
    }

    fn lenient_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        let text: Option<String> = rusqlite::Row::get(self, index)?;
        Ok(text.and_then(|text| parse_utc_text(&text).ok()))
    }

    fn opt_moment_text(&self, index: usize) -> StoreResult<Option<String>> {
        Ok(rusqlite::Row::get(self, index)?)
    }
}

impl Columns for ::postgres::Row {
    fn get<T: Value>(&self, index: usize) -> StoreResult<T> {
        Ok(self.try_get(index)?)
    }

    fn opt_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        Ok(self.try_get(index)?)
    }

    fn lenient_moment(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        self.opt_moment(index)
    }

    fn opt_moment_text(&self, index: usize) -> StoreResult<Option<String>> {
        Ok(self
            .try_get::<_, Option<OffsetDateTime>>(index)?
            .map(utc_text))
    }
}
