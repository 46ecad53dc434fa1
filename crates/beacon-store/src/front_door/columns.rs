//! The front door's SQL and row mapping, shared by both dialects.

use super::{FrontDoorCount, FrontDoorRecord};
use crate::StoreResult;
use crate::neutral::{Columns, parse_stored_date};

/// Whether reference `?1` is taken.
pub(super) const REFERENCE_TAKEN_SQL: &str =
    "SELECT COUNT(*) FROM front_door_reports WHERE reference = ?1";

/// Stores a report unless its submission key is stored already: `?1` reference, `?2`
/// submission key, `?3` day, `?4` moment, `?5` reporter, `?6` what happened, `?7` day it
/// happened, `?8` loss, `?9` contact method, `?10` size, `?11` sector, `?12` place.
pub(super) const INSERT_SQL: &str = "INSERT INTO front_door_reports
     (reference, submission_key, submitted_on, submitted_at, reporter, what_happened,
      occurred_on, loss_pence, contact_method, business_size, business_sector, place)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
     ON CONFLICT (submission_key) DO NOTHING";

/// PostgreSQL: a submission in one statement (one round trip and one commit): stores the
/// report as [`INSERT_SQL`] does and answers the reference kept for its submission key,
/// the new one or the one stored before. Nothing when the key's row is not yet visible
/// (stored by a transaction that ended while this one waited); a taken reference fails
/// on the reference's unique constraint.
pub(super) const SUBMIT_SQL: &str = "WITH fresh AS (
         INSERT INTO front_door_reports
         (reference, submission_key, submitted_on, submitted_at, reporter, what_happened,
          occurred_on, loss_pence, contact_method, business_size, business_sector, place)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (submission_key) DO NOTHING
         RETURNING reference)
     SELECT reference FROM fresh
     UNION ALL
     SELECT reference FROM front_door_reports WHERE submission_key = ?2
     LIMIT 1";

/// PostgreSQL's name for the unique constraint on the reference.
pub(super) const REFERENCE_CONSTRAINT: &str = "front_door_reports_reference_key";

/// The reference stored for submission key `?1`.
pub(super) const REFERENCE_OF_SQL: &str =
    "SELECT reference FROM front_door_reports WHERE submission_key = ?1";

/// How many reports were submitted from `?1` to `?2`.
pub(super) const TOTAL_SQL: &str =
    "SELECT COUNT(*) FROM front_door_reports WHERE submitted_on BETWEEN ?1 AND ?2";

/// A page of the reports submitted from `?1` to `?2`, newest first: `?3` limit, `?4`
/// offset.
pub(super) const PAGE_SQL: &str = "SELECT id, reference, submitted_on, submitted_at, reporter,
            what_happened, occurred_on, loss_pence, contact_method, business_size,
            business_sector, place
     FROM front_door_reports
     WHERE submitted_on BETWEEN ?1 AND ?2
     ORDER BY submitted_on DESC, id DESC
     LIMIT ?3 OFFSET ?4";

/// A report from a row of [`PAGE_SQL`].
pub(super) fn record_from(row: &impl Columns) -> StoreResult<FrontDoorRecord> {
    let submitted_on: String = row.get(2)?;
    let occurred_on: Option<String> = row.get(6)?;
    Ok(FrontDoorRecord {
        id: row.get(0)?,
        reference: row.get(1)?,
        submitted_on: parse_stored_date(&submitted_on)?,
        submitted_at: row.moment(3)?,
        reporter: row.get(4)?,
        what_happened: row.get(5)?,
        occurred_on: occurred_on.as_deref().map(parse_stored_date).transpose()?,
        loss_pence: row.get(7)?,
        contact_method: row.get(8)?,
        business_size: row.get(9)?,
        business_sector: row.get(10)?,
        place: row.get(11)?,
    })
}

/// Counts of the reports submitted from `?1` to `?2`, grouped by `{column}` (rows where
/// it is NULL left out), summed as BIGINT on both backends.
fn counts_sql(column: &str) -> String {
    format!(
        "SELECT {column}, COUNT(*),
                CAST(COALESCE(SUM(CASE WHEN reporter = 'business' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(loss_pence), 0) AS BIGINT)
         FROM front_door_reports
         WHERE submitted_on BETWEEN ?1 AND ?2 AND {column} IS NOT NULL
         GROUP BY {column}
         ORDER BY {column}"
    )
}

/// Counts by place (see [`counts_sql`]).
pub(super) fn by_place_sql() -> String {
    counts_sql("place")
}

/// Businesses' counts by sector (see [`counts_sql`]).
pub(super) fn by_sector_sql() -> String {
    counts_sql("business_sector")
}

/// A count from a row of [`by_place_sql`] or [`by_sector_sql`].
pub(super) fn count_from(row: &impl Columns) -> StoreResult<FrontDoorCount> {
    Ok(FrontDoorCount {
        key: row.get(0)?,
        reports: row.count(1)?,
        from_businesses: row.count(2)?,
        loss_pence: row.get(3)?,
    })
}
