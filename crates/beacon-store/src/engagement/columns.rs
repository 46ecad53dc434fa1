//! Business engagement's SQL and row mapping, shared by both dialects.

use super::{EngagementFact, EngagementRecord};
use crate::StoreResult;
use crate::neutral::{Columns, parse_stored_date};

/// Writes a business or brings its sector, size and district up to date: `?1` name,
/// `?2` key, `?3` sector, `?4` size, `?5` district; its id.
pub(super) const UPSERT_BUSINESS_SQL: &str = "INSERT INTO businesses
     (name, name_key, sector, size, district_code) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, sector = excluded.sector,
         size = COALESCE(excluded.size, businesses.size), district_code = excluded.district_code
     RETURNING id";

/// Writes an engagement unless it is stored already: `?1` business, `?2` how, `?3` day,
/// `?4` note, `?5` run, `?6` by, `?7` at.
pub(super) const INSERT_ENGAGEMENT_SQL: &str = "INSERT INTO business_engagements
     (business_id, how, on_day, note, run_id, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (business_id, how, on_day) DO NOTHING";

/// The engagements from `?1` to `?2`, oldest first.
pub(super) const FACTS_SQL: &str =
    "SELECT e.business_id, b.sector, b.district_code, e.how, e.on_day
     FROM business_engagements e JOIN businesses b ON b.id = e.business_id
     WHERE e.on_day >= ?1 AND e.on_day <= ?2
     ORDER BY e.on_day, e.id";

/// An engagement from a row of [`FACTS_SQL`].
pub(super) fn fact_from(row: &impl Columns) -> StoreResult<EngagementFact> {
    let day: String = row.get(4)?;
    Ok(EngagementFact {
        business_id: row.get(0)?,
        sector: row.get(1)?,
        district_code: row.get(2)?,
        how: row.get(3)?,
        on: parse_stored_date(&day)?,
    })
}

/// How many engagements there are.
pub(super) const COUNT_SQL: &str = "SELECT COUNT(*) FROM business_engagements";

/// A page of the log, newest first: `?1` limit, `?2` offset.
pub(super) const LOG_SQL: &str = "SELECT b.name, b.sector, b.size, b.district_code, e.how,
            e.on_day, e.note, e.by_user
     FROM business_engagements e JOIN businesses b ON b.id = e.business_id
     ORDER BY e.on_day DESC, e.id DESC LIMIT ?1 OFFSET ?2";

/// An engagement from a row of [`LOG_SQL`].
pub(super) fn record_from(row: &impl Columns) -> StoreResult<EngagementRecord> {
    let day: String = row.get(5)?;
    Ok(EngagementRecord {
        business: row.get(0)?,
        sector: row.get(1)?,
        size: row.get(2)?,
        district_code: row.get(3)?,
        how: row.get(4)?,
        on: parse_stored_date(&day)?,
        note: row.get(6)?,
        by: row.get(7)?,
    })
}

/// Organisations' reports from `?1` to `?2` by stored sector.
pub(super) const BY_SECTOR_SQL: &str = "SELECT org_sector, COUNT(*) FROM reports
     WHERE victim_type = 'organisation' AND org_sector IS NOT NULL AND org_sector <> ''
       AND reported_on >= ?1 AND reported_on <= ?2
     GROUP BY org_sector ORDER BY org_sector";
