//! The stored form of advisories, matches and notices, shared by both dialects: the
//! statements that are the same on both backends (written with `?N` placeholders;
//! PostgreSQL's dialect rewrites them with `neutral::dollar`), the mapping from result
//! rows, and the stored JSON.
//!
//! **Invariant:** every statement a partner can reach names the organisation in its
//! `WHERE` clause, or joins through the notice's organisation.

use super::{
    AssetStatusRecord, MatchRecord, NoticeRecord, StoredAdvisory, StoredMatch,
    revision::StoredRevision,
};
use crate::neutral::{Columns, parse_stored_date};
use crate::{StoreError, StoreResult};
use beacon_core::{Advisory, AdvisorySource, AssetStatus, Confidence, ValidationFailure};
use time::Date;

/// Whether an ingest run exists (`?1`), checked before a batch writes anything under it.
pub(super) const RUN_EXISTS_SQL: &str = "SELECT id FROM ingest_runs WHERE id = ?1";

/// [`StoreError::NotFound`] for a run id that names none.
pub(super) fn no_run(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "ingest run",
        id,
    }
}

/// The revision stored under a source and key (`?1` source, `?2` key); read by
/// [`revision_from`].
pub(super) const REVISION_SQL: &str =
    "SELECT id, revision, revised_at FROM advisories WHERE source = ?1 AND key = ?2";

/// Stores a new key (`?1` source, `?2` key, `?3` revision, `?4` revised at, `?5` title,
/// `?6` TLP rank, `?7` priority, `?8` due, `?9` document, `?10` failures, `?11` SHA-256,
/// `?12` run, `?13` now).
pub(super) const INSERT_ADVISORY_SQL: &str = "INSERT INTO advisories (source, key, revision,
        revised_at, title, tlp, priority, due, document, failures, sha256, run_id,
        first_stored_at, stored_at, revisions)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 1) RETURNING id";

/// Replaces the stored revision (`?1` id, `?2` its key, then `?3`–`?13` as
/// [`INSERT_ADVISORY_SQL`]; source and key stay).
pub(super) const REVISE_ADVISORY_SQL: &str = "UPDATE advisories SET revision = ?3,
        revised_at = ?4, title = ?5, tlp = ?6, priority = ?7, due = ?8, document = ?9,
        failures = ?10, sha256 = ?11, run_id = ?12, stored_at = ?13, revisions = revisions + 1
     WHERE id = ?1 AND key = ?2";

/// Forgets an advisory's CVEs (`?1`), before writing the current revision's.
pub(super) const FORGET_CVES_SQL: &str = "DELETE FROM advisory_cves WHERE advisory_id = ?1";

/// Records one CVE of an advisory (`?1` advisory, `?2` CVE).
pub(super) const INSERT_CVE_SQL: &str =
    "INSERT INTO advisory_cves (advisory_id, cve) VALUES (?1, ?2) ON CONFLICT DO NOTHING";

/// The columns [`advisory_from`] reads, in its order.
const ADVISORY_COLUMNS: &str = "SELECT a.id, a.document, a.failures, a.sha256, a.run_id,
        a.first_stored_at, a.stored_at, a.revisions FROM advisories a";

/// One advisory by id (`?1`).
pub(super) fn advisory_sql() -> String {
    format!("{ADVISORY_COLUMNS} WHERE a.id = ?1")
}

/// One advisory by source and key (`?1`, `?2`).
pub(super) fn advisory_by_key_sql() -> String {
    format!("{ADVISORY_COLUMNS} WHERE a.source = ?1 AND a.key = ?2")
}

/// Advisories, newest stored first: of one source (`?1`), matched to one organisation
/// (`?2`), matched to anyone (`?3` not 0), naming one CVE (`?4`), at most `?5`. The casts
/// give PostgreSQL the parameters' types and change nothing in SQLite.
pub(super) fn advisories_sql() -> String {
    format!(
        "{ADVISORY_COLUMNS}
         WHERE (CAST(?1 AS TEXT) IS NULL OR a.source = ?1)
           AND (CAST(?2 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM advisory_matches m
                WHERE m.advisory_id = a.id AND m.organisation_id = ?2))
           AND (CAST(?3 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM advisory_matches m
                WHERE m.advisory_id = a.id))
           AND (CAST(?4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM advisory_cves c
                WHERE c.advisory_id = a.id AND c.cve = ?4))
         ORDER BY a.stored_at DESC, a.id DESC LIMIT ?5"
    )
}

/// Forgets the matches of one advisory (`?1`).
pub(super) const FORGET_ADVISORY_MATCHES_SQL: &str =
    "DELETE FROM advisory_matches WHERE advisory_id = ?1";

/// Forgets the matches of one organisation (`?1`).
pub(super) const FORGET_ORGANISATION_MATCHES_SQL: &str =
    "DELETE FROM advisory_matches WHERE organisation_id = ?1";

/// Records a match (`?1` advisory, `?2` organisation, `?3` asset, `?4` product, `?5`
/// confidence, `?6` reason, `?7` criterion, `?8` CVEs), only when the product is on that
/// asset and the asset is that organisation's: a match can never point one partner at
/// another's asset, nor at a product replaced since matching read it.
pub(super) const INSERT_MATCH_SQL: &str = "INSERT INTO advisory_matches (advisory_id,
        organisation_id, asset_id, product_id, confidence, reason, criterion, cves)
     SELECT CAST(?1 AS BIGINT), a.organisation_id, a.id, p.id, CAST(?5 AS TEXT),
        CAST(?6 AS TEXT), CAST(?7 AS TEXT), CAST(?8 AS TEXT)
     FROM partner_products p JOIN partner_assets a ON a.id = p.asset_id
     WHERE p.id = ?4 AND a.id = ?3 AND a.organisation_id = ?2";

/// Matches of one organisation (`?1`) and one advisory (`?2`) when given, by advisory
/// (newest first), organisation name, asset name; read by [`match_from`].
pub(super) const MATCHES_SQL: &str = "SELECT m.advisory_id, m.organisation_id, m.asset_id,
        m.product_id, m.confidence, m.reason, m.criterion, m.cves, g.name, pa.name, a.source,
        a.key, a.title
     FROM advisory_matches m
     JOIN advisories a ON a.id = m.advisory_id
     JOIN organisations g ON g.id = m.organisation_id
     JOIN partner_assets pa ON pa.id = m.asset_id AND pa.organisation_id = m.organisation_id
     WHERE (CAST(?1 AS BIGINT) IS NULL OR m.organisation_id = ?1)
       AND (CAST(?2 AS BIGINT) IS NULL OR m.advisory_id = ?2)
     ORDER BY a.stored_at DESC, a.id DESC, g.name_key, pa.name_key, m.asset_id, m.id";

/// Opens a notice unless the partner has one for the advisory (`?1` advisory, `?2`
/// organisation, `?3` now, `?4` due, `?5` fingerprint, `?6` changes): returns its id when
/// it was opened, no row when there was one.
pub(super) const OPEN_NOTICE_SQL: &str = "INSERT INTO advisory_notices (advisory_id,
        organisation_id, opened_at, changed_at, due, fingerprint, changes)
     VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)
     ON CONFLICT (advisory_id, organisation_id) DO NOTHING RETURNING id";

/// The partner's notice about an advisory and its fingerprint (`?1` advisory, `?2`
/// organisation).
pub(super) const NOTICE_FINGERPRINT_SQL: &str =
    "SELECT id, fingerprint FROM advisory_notices WHERE advisory_id = ?1 AND organisation_id = ?2";

/// Records a change of the partner's picture (`?1` notice, `?2` fingerprint, `?3`
/// changes, `?4` due, `?5` now), which reopens a closed notice.
pub(super) const CHANGE_NOTICE_SQL: &str = "UPDATE advisory_notices SET fingerprint = ?2,
        changes = ?3, due = ?4, changed_at = ?5, closed_at = NULL
     WHERE id = ?1";

/// The columns [`notice_from`] reads, in its order.
const NOTICE_COLUMNS: &str = "SELECT n.id, n.advisory_id, n.organisation_id, g.name, g.sector,
        n.opened_at, n.changed_at, n.due, n.acknowledged_at, n.acknowledged_by, n.closed_at,
        n.reminded_at, n.escalated_at, n.fingerprint, n.changes
     FROM advisory_notices n JOIN organisations g ON g.id = n.organisation_id";

/// Notices of one organisation (`?1`) and one advisory (`?2`) when given, only open ones
/// when `?3` is not 0; by due date (none last), then opened time.
pub(super) fn notices_sql() -> String {
    format!(
        "{NOTICE_COLUMNS}
         WHERE (CAST(?1 AS BIGINT) IS NULL OR n.organisation_id = ?1)
           AND (CAST(?2 AS BIGINT) IS NULL OR n.advisory_id = ?2)
           AND (CAST(?3 AS BIGINT) = 0 OR n.closed_at IS NULL)
         ORDER BY (n.due IS NULL), n.due, n.opened_at, n.id"
    )
}

/// One notice (`?1`), only if it is the organisation's (`?2`) when given.
pub(super) fn notice_sql() -> String {
    format!(
        "{NOTICE_COLUMNS} WHERE n.id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR n.organisation_id = ?2)"
    )
}

/// Records the first acknowledgement (`?1` notice, `?2` organisation or NULL, `?3` when,
/// `?4` by whom).
pub(super) const ACKNOWLEDGE_NOTICE_SQL: &str =
    "UPDATE advisory_notices SET acknowledged_at = ?3, acknowledged_by = ?4
     WHERE id = ?1 AND acknowledged_at IS NULL
       AND (CAST(?2 AS BIGINT) IS NULL OR organisation_id = ?2)";

/// Whether a notice exists (`?1`).
pub(super) const NOTICE_EXISTS_SQL: &str = "SELECT id FROM advisory_notices WHERE id = ?1";

/// The notice an outbox message was queued about (`?1` outbox id); the first recorded, in
/// case one message was ever recorded twice.
pub(super) const NOTICE_OF_MESSAGE_SQL: &str = "SELECT notice_id FROM advisory_notice_messages
     WHERE message_id = ?1 ORDER BY id LIMIT 1";

/// Records a message queued about a notice (`?1` notice, `?2` kind, `?3` outbox id, `?4`
/// when).
pub(super) const INSERT_NOTICE_MESSAGE_SQL: &str =
    "INSERT INTO advisory_notice_messages (notice_id, kind, message_id, at)
     VALUES (?1, ?2, ?3, ?4)";

/// Moves a notice's reminder time (`?1` notice, `?2` when).
pub(super) const REMINDED_SQL: &str = "UPDATE advisory_notices SET reminded_at = ?2 WHERE id = ?1";

/// Moves a notice's escalation time (`?1` notice, `?2` when).
pub(super) const ESCALATED_SQL: &str =
    "UPDATE advisory_notices SET escalated_at = ?2 WHERE id = ?1";

/// The advisory and organisation of a notice (`?1`), when the asset (`?2`) is the
/// notice's organisation's and the notice is the organisation's (`?3`) when given.
pub(super) const STATUS_TARGET_SQL: &str = "SELECT n.advisory_id, n.organisation_id
     FROM advisory_notices n JOIN partner_assets a ON a.organisation_id = n.organisation_id
     WHERE n.id = ?1 AND a.id = ?2 AND (CAST(?3 AS BIGINT) IS NULL OR n.organisation_id = ?3)";

/// Sets an asset's current status against a notice (`?1` notice, `?2` asset, `?3`
/// status, `?4` by, `?5` when, `?6` note).
pub(super) const SET_STATUS_SQL: &str =
    "INSERT INTO asset_statuses (notice_id, asset_id, status, set_by, set_at, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (notice_id, asset_id) DO UPDATE SET status = excluded.status,
        set_by = excluded.set_by, set_at = excluded.set_at, note = excluded.note";

/// Appends a status to the history (parameters as [`SET_STATUS_SQL`]).
pub(super) const STATUS_HISTORY_SQL: &str =
    "INSERT INTO asset_status_history (notice_id, asset_id, status, set_by, set_at, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// The current status (NULL: never set) of every asset matched for a notice (`?1` notice,
/// `?2` its advisory, `?3` its organisation).
pub(super) const MATCHED_STATUSES_SQL: &str = "SELECT DISTINCT m.asset_id, s.status
     FROM advisory_matches m
     LEFT JOIN asset_statuses s ON s.notice_id = ?1 AND s.asset_id = m.asset_id
     WHERE m.advisory_id = ?2 AND m.organisation_id = ?3";

/// Closes a notice (`?1`) at `?2`, keeping the time it first closed.
pub(super) const CLOSE_NOTICE_SQL: &str =
    "UPDATE advisory_notices SET closed_at = COALESCE(closed_at, ?2) WHERE id = ?1";

/// Reopens a notice (`?1`).
pub(super) const REOPEN_NOTICE_SQL: &str =
    "UPDATE advisory_notices SET closed_at = NULL WHERE id = ?1";

/// Every asset matched for a notice (`?1`) with its current status, by asset name; read
/// by [`status_from`].
pub(super) const ASSET_STATUSES_SQL: &str =
    "SELECT n.id, pa.id, s.status, s.set_by, s.set_at, s.note
     FROM advisory_notices n
     JOIN partner_assets pa ON pa.organisation_id = n.organisation_id
     LEFT JOIN asset_statuses s ON s.notice_id = n.id AND s.asset_id = pa.id
     WHERE n.id = ?1 AND EXISTS (SELECT 1 FROM advisory_matches m
        WHERE m.advisory_id = n.advisory_id AND m.organisation_id = n.organisation_id
          AND m.asset_id = pa.id)
     ORDER BY pa.name_key, pa.id";

/// Every status set against a notice (`?1`), oldest first; read by [`status_from`].
pub(super) const STATUS_HISTORY_OF_SQL: &str =
    "SELECT notice_id, asset_id, status, set_by, set_at, note FROM asset_status_history
     WHERE notice_id = ?1 ORDER BY set_at, id";

/// A date column on either backend: SQLite keeps `YYYY-MM-DD` text (as reports do),
/// PostgreSQL a `DATE`.
pub(super) trait Days {
    /// A date column, or `None` when NULL.
    fn opt_day(&self, index: usize) -> StoreResult<Option<Date>>;
}

impl Days for rusqlite::Row<'_> {
    fn opt_day(&self, index: usize) -> StoreResult<Option<Date>> {
        let text: Option<String> = self.get(index)?;
        text.as_deref().map(parse_stored_date).transpose()
    }
}

impl Days for ::postgres::Row {
    fn opt_day(&self, index: usize) -> StoreResult<Option<Date>> {
        Ok(self.try_get(index)?)
    }
}

/// The stored revision from a row of [`REVISION_SQL`].
pub(super) fn revision_from(row: &impl Columns) -> StoreResult<StoredRevision> {
    Ok(StoredRevision {
        id: row.get(0)?,
        revision: row.get(1)?,
        revised_at: row.opt_moment(2)?,
    })
}

/// An advisory from a row of [`ADVISORY_COLUMNS`].
pub(super) fn advisory_from(row: &impl Columns) -> StoreResult<StoredAdvisory> {
    let document: String = row.get(1)?;
    let failures: String = row.get(2)?;
    Ok(StoredAdvisory {
        id: row.get(0)?,
        advisory: serde_json::from_str(&document)
            .map_err(|error| StoreError::Corrupt(format!("advisory document: {error}")))?,
        failures: serde_json::from_str(&failures)
            .map_err(|error| StoreError::Corrupt(format!("advisory failures: {error}")))?,
        sha256: row.get(3)?,
        run_id: row.get(4)?,
        first_stored_at: row.moment(5)?,
        stored_at: row.moment(6)?,
        revisions: u32::try_from(row.count(7)?).unwrap_or(u32::MAX),
    })
}

/// The stored JSON of an advisory and of its failures.
pub(super) fn documents(
    advisory: &Advisory,
    failures: &[ValidationFailure],
) -> StoreResult<(String, String)> {
    let document = serde_json::to_string(advisory)
        .map_err(|error| StoreError::Corrupt(format!("advisory document: {error}")))?;
    let failures = serde_json::to_string(failures)
        .map_err(|error| StoreError::Corrupt(format!("advisory failures: {error}")))?;
    Ok((document, failures))
}

/// An advisory's CVEs as the filter finds them: upper case, each once.
pub(super) fn cves_of(advisory: &Advisory) -> std::collections::BTreeSet<String> {
    advisory.cves.iter().map(|cve| cve_key(cve)).collect()
}

/// A CVE id as stored and looked up (`cve-2024-3400` finds `CVE-2024-3400`).
pub(super) fn cve_key(cve: &str) -> String {
    cve.trim().to_ascii_uppercase()
}

/// A match from a row of [`MATCHES_SQL`].
pub(super) fn match_from(row: &impl Columns) -> StoreResult<StoredMatch> {
    let cves: String = row.get(7)?;
    let source: String = row.get(10)?;
    Ok(StoredMatch {
        record: MatchRecord {
            advisory_id: row.get(0)?,
            organisation_id: row.get(1)?,
            asset_id: row.get(2)?,
            product_id: row.get(3)?,
            confidence: Confidence::from_stored(&row.get::<String>(4)?),
            reason: row.get(5)?,
            criterion: row.get(6)?,
            cves: cves
                .split(';')
                .filter(|cve| !cve.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        organisation: row.get(8)?,
        asset: row.get(9)?,
        source: source
            .parse::<AdvisorySource>()
            .map_err(|error| StoreError::Corrupt(error.to_string()))?,
        advisory_key: row.get(11)?,
        advisory_title: row.get(12)?,
    })
}

/// A notice from a row of [`NOTICE_COLUMNS`].
pub(super) fn notice_from(row: &(impl Columns + Days)) -> StoreResult<NoticeRecord> {
    Ok(NoticeRecord {
        id: row.get(0)?,
        advisory_id: row.get(1)?,
        organisation_id: row.get(2)?,
        organisation: row.get(3)?,
        sector: row.get(4)?,
        opened_at: row.moment(5)?,
        changed_at: row.moment(6)?,
        due: row.opt_day(7)?,
        acknowledged_at: row.opt_moment(8)?,
        acknowledged_by: row.get(9)?,
        closed_at: row.opt_moment(10)?,
        reminded_at: row.opt_moment(11)?,
        escalated_at: row.opt_moment(12)?,
        fingerprint: row.get(13)?,
        changes: row.get(14)?,
    })
}

/// A status from a row of [`ASSET_STATUSES_SQL`] or [`STATUS_HISTORY_OF_SQL`] (no status
/// reads as unreviewed).
pub(super) fn status_from(row: &impl Columns) -> StoreResult<AssetStatusRecord> {
    let status: Option<String> = row.get(2)?;
    let note: Option<String> = row.get(5)?;
    Ok(AssetStatusRecord {
        notice_id: row.get(0)?,
        asset_id: row.get(1)?,
        status: status
            .as_deref()
            .map(stored_status)
            .transpose()?
            .unwrap_or_default(),
        set_by: row.get(3)?,
        set_at: row.opt_moment(4)?,
        note: note.unwrap_or_default(),
    })
}

/// Reads a stored status.
pub(super) fn stored_status(text: &str) -> StoreResult<AssetStatus> {
    text.parse::<AssetStatus>()
        .map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// True when the notice should be closed: some asset is matched for it, and every one
/// has a closed status (fixed, or not affected after all). Statuses as
/// [`MATCHED_STATUSES_SQL`] gives them (none: never set).
pub(super) fn all_closed(statuses: &[Option<String>]) -> StoreResult<bool> {
    if statuses.is_empty() {
        return Ok(false);
    }
    for status in statuses {
        let status = status.as_deref().map(stored_status).transpose()?;
        if !status.unwrap_or_default().is_closed() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The limit of a listing (none: every row).
pub(super) fn limit_of(limit: Option<u32>) -> i64 {
    limit.map_or(i64::MAX, i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_closes_only_when_every_matched_asset_is_closed() {
        let text = |status: &str| Some(status.to_owned());
        assert!(all_closed(&[text("fixed"), text("not_affected")]).expect("known"));
        assert!(!all_closed(&[text("fixed"), None]).expect("known"));
        assert!(!all_closed(&[text("fixed"), text("in_progress")]).expect("known"));
        assert!(
            !all_closed(&[]).expect("known"),
            "nothing matched: nothing to close"
        );
        assert!(all_closed(&[text("broken")]).is_err());
    }
}
