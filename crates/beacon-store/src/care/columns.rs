//! The care area's SQL and row mapping, shared by both dialects.

use super::{CareBoardCase, CareCaseRecord, CaseEventRecord, TriageInput};
use crate::StoreResult;
use crate::neutral::{Columns, parse_stored_date};

/// The reports of `?1` on, oldest first; `{day}` is the dialect's `reported_on` as
/// `YYYY-MM-DD` text.
pub(super) fn inputs_sql(day: &str) -> String {
    format!(
        "SELECT id, reference, {day}, victim_type, age_band, fraud_type, local_issues,
                loss_pence, vulnerable, repeat_victim, victim_key
         FROM reports
         WHERE reported_on >= ?1
         ORDER BY reported_on, id"
    )
}

/// A report from a row of [`inputs_sql`].
pub(super) fn input_from(row: &impl Columns) -> StoreResult<TriageInput> {
    let day: String = row.get(2)?;
    Ok(TriageInput {
        report_id: row.get(0)?,
        reference: row.get(1)?,
        reported_on: parse_stored_date(&day)?,
        victim_type: row.get(3)?,
        age_band: row.get(4)?,
        fraud_type: row.get(5)?,
        local_issues: row.get(6)?,
        loss_pence: row.get(7)?,
        vulnerable: row.get(8)?,
        repeat_victim: row.get(9)?,
        victim_key: row.get(10)?,
    })
}

/// Empties the queue (a triage run writes it whole).
pub(super) const CLEAR_SQL: &str = "DELETE FROM care_cases";

/// Writes one case: `?1` report, `?2` reference, `?3` day, `?4` score, `?5` level, `?6`
/// due, `?7` reasons, `?8` weights, `?9` when; closed when its report's history has a
/// `closed` event (the history outlives the queue).
pub(super) const INSERT_SQL: &str = "INSERT INTO care_cases
     (report_id, reference, reported_on, score, level, contact_due, reasons, weights, triaged_at,
      closed)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
             CASE WHEN EXISTS (SELECT 1 FROM care_case_events e
                               WHERE e.report_id = ?1 AND e.kind = 'closed')
                  THEN 1 ELSE 0 END)";

/// Empties the open cases' counts by level (a triage run writes them again).
pub(super) const CLEAR_LEVELS_SQL: &str = "DELETE FROM care_queue_levels";

/// Counts the queue's open cases by level, after a triage run wrote it.
pub(super) const COUNT_LEVELS_SQL: &str = "INSERT INTO care_queue_levels (level, open)
     SELECT level, COUNT(*) FROM care_cases WHERE closed = 0 GROUP BY level";

/// Closing report `?1`'s case, first: one open case fewer at its level (none when it is
/// not queued or already closed).
pub(super) const UNCOUNT_CLOSED_SQL: &str = "UPDATE care_queue_levels SET open = open - 1
     WHERE level = (SELECT level FROM care_cases WHERE report_id = ?1 AND closed = 0)";

/// Closing report `?1`'s case, then: marks it closed.
pub(super) const MARK_CLOSED_SQL: &str = "UPDATE care_cases SET closed = 1 WHERE report_id = ?1";

/// How many open cases of level `?1` (any when NULL) the queue shows, from the counts
/// kept by level (the unfiltered and level-filtered pages; the overdue filter depends on
/// the moment and counts with [`open_total_sql`]).
pub(super) const OPEN_LEVELS_TOTAL_SQL: &str = "SELECT CAST(COALESCE(SUM(open), 0) AS BIGINT)
     FROM care_queue_levels
     WHERE CAST(?1 AS BIGINT) IS NULL OR level = CAST(?1 AS BIGINT)";

/// How many cases are queued (all, closed or not: what a triage run wrote).
pub(super) const TOTAL_SQL: &str = "SELECT COUNT(*) FROM care_cases";

/// Open cases (not `closed`: no `closed` event, kept on the case so the queue's pages
/// read the open cases' index) of level `{level}` (any when NULL) and, when `{at}` is a
/// moment, only those whose first contact is overdue then: due before it, and not
/// reached by it. The parameters are cast (`moment` is the dialect's type of a stored
/// time), since PostgreSQL cannot tell a parameter's type from `IS NULL` alone.
fn open_cases(level: &str, at: &str, moment: &str) -> String {
    let level = format!("CAST({level} AS BIGINT)");
    let at = format!("CAST({at} AS {moment})");
    format!(
        "c.closed = 0
         AND ({level} IS NULL OR c.level = {level})
         AND ({at} IS NULL OR (c.contact_due < {at}
              AND NOT EXISTS (SELECT 1 FROM care_case_events e
                              WHERE e.report_id = c.report_id AND e.kind = 'contact_attempt'
                                AND e.detail = 'reached' AND e.at <= {at})))"
    )
}

/// How many open cases the queue shows: `?1` level, `?2` overdue at (see
/// [`open_cases`]).
pub(super) fn open_total_sql(moment: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM care_cases c WHERE {}",
        open_cases("?1", "?2", moment)
    )
}

/// A page of the open cases: `?1` limit, `?2` offset, `?3` level, `?4` overdue at, in
/// the queue's order. The page's cases are found first, by the open cases' index alone
/// (it holds the report), and only they are read and looked up in the history: a deep
/// page skips the cases before it without reading them (PostgreSQL would otherwise work
/// out every skipped row's columns, first contact included).
pub(super) fn page_sql(moment: &str) -> String {
    format!(
        "SELECT report_id, reference, reported_on, score, level,
                contact_due, reasons, weights, triaged_at,
                (SELECT MIN(e.at) FROM care_case_events e
                 WHERE e.report_id = c.report_id AND e.kind = 'contact_attempt'
                   AND e.detail = 'reached')
         FROM care_cases c
         WHERE c.report_id IN (SELECT c.report_id FROM care_cases c
                               WHERE {}
                               ORDER BY level DESC, score DESC, reported_on, reference
                               LIMIT ?1 OFFSET ?2)
         ORDER BY level DESC, score DESC, reported_on, reference",
        open_cases("?3", "?4", moment)
    )
}

/// A case from a row of [`page_sql`] or [`CASE_SQL`].
pub(super) fn case_from(row: &impl Columns) -> StoreResult<CareCaseRecord> {
    let day: String = row.get(2)?;
    Ok(CareCaseRecord {
        report_id: row.get(0)?,
        reference: row.get(1)?,
        reported_on: parse_stored_date(&day)?,
        score: u32::try_from(row.get::<i64>(3)?).unwrap_or(0),
        level: u8::try_from(row.get::<i64>(4)?).unwrap_or(0),
        contact_due: row.moment(5)?,
        reasons_json: row.get(6)?,
        weights: row.get(7)?,
        triaged_at: row.moment(8)?,
        first_contact: row.opt_moment(9)?,
    })
}

/// The queued case of reference `?1`.
pub(super) const CASE_SQL: &str = "SELECT report_id, reference, reported_on, score, level,
            contact_due, reasons, weights, triaged_at,
            (SELECT MIN(e.at) FROM care_case_events e
             WHERE e.report_id = c.report_id AND e.kind = 'contact_attempt'
               AND e.detail = 'reached')
     FROM care_cases c WHERE reference = ?1";

/// Whether report `?1` is stored.
pub(super) const REPORT_EXISTS_SQL: &str = "SELECT 1 FROM reports WHERE id = ?1";

/// Records an event: `?1` report, `?2` kind, `?3` detail, `?4` note, `?5` by, `?6` at.
pub(super) const INSERT_EVENT_SQL: &str = "INSERT INTO care_case_events
     (report_id, kind, detail, note, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     RETURNING id";

/// Report `?1`'s events, oldest first.
pub(super) const EVENTS_SQL: &str = "SELECT id, kind, detail, note, by_user, at
     FROM care_case_events WHERE report_id = ?1 ORDER BY at, id";

/// An event from a row of [`EVENTS_SQL`].
pub(super) fn event_from(row: &impl Columns) -> StoreResult<CaseEventRecord> {
    Ok(CaseEventRecord {
        id: row.get(0)?,
        kind: row.get(1)?,
        detail: row.get(2)?,
        note: row.get(3)?,
        by: row.get(4)?,
        at: row.moment(5)?,
    })
}

/// The cases closed before `?1` and not yet redacted: report id and reference.
pub(super) const TO_REDACT_SQL: &str = "SELECT r.id, r.reference FROM reports r
     WHERE EXISTS (SELECT 1 FROM care_case_events e
                   WHERE e.report_id = r.id AND e.kind = 'closed' AND e.at < ?1)
       AND NOT EXISTS (SELECT 1 FROM care_case_events e
                       WHERE e.report_id = r.id AND e.kind = 'redacted')
     ORDER BY r.id";

/// Removes report `?1`'s notes and hand-over names.
pub(super) const REDACT_SQL: &str = "UPDATE care_case_events
     SET note = '', detail = CASE WHEN kind = 'handover' THEN '' ELSE detail END
     WHERE report_id = ?1";

/// The queued cases of reports made from `?1` to `?2` (`YYYY-MM-DD`), with their first
/// contact and referral count.
pub(super) const BOARD_SQL: &str = "SELECT report_id, reported_on, level, contact_due,
            (SELECT MIN(e.at) FROM care_case_events e
             WHERE e.report_id = c.report_id AND e.kind = 'contact_attempt'
               AND e.detail = 'reached'),
            (SELECT COUNT(*) FROM care_case_events e
             WHERE e.report_id = c.report_id AND e.kind = 'referral')
     FROM care_cases c
     WHERE reported_on >= ?1 AND reported_on <= ?2
     ORDER BY report_id";

/// A case from a row of [`BOARD_SQL`].
pub(super) fn board_case_from(row: &impl Columns) -> StoreResult<CareBoardCase> {
    let day: String = row.get(1)?;
    Ok(CareBoardCase {
        report_id: row.get(0)?,
        reported_on: parse_stored_date(&day)?,
        level: u8::try_from(row.get::<i64>(2)?).unwrap_or(0),
        contact_due: row.moment(3)?,
        first_reached: row.opt_moment(4)?,
        referrals: u64::try_from(row.get::<i64>(5)?).unwrap_or(0),
    })
}
