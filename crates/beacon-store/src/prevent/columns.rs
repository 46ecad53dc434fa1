//! Cyber Choices' SQL and row mapping, shared by both dialects.

use super::{ReferralRecord, ReferralStepRecord};
use crate::StoreResult;
use crate::neutral::{Columns, parse_stored_date};

/// Opens a referral: `?1` referrer, `?2` age band, `?3` district, `?4` concern, `?5` by,
/// `?6` at.
pub(super) const INSERT_REFERRAL_SQL: &str = "INSERT INTO cyber_choices_referrals
     (referrer, age_band, district_code, concern, created_by, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";

/// Records a stage: `?1` referral, `?2` step, `?3` day, `?4` result, `?5` note, `?6` by,
/// `?7` at.
pub(super) const INSERT_STEP_SQL: &str = "INSERT INTO cyber_choices_steps
     (referral_id, step, on_day, result, note, by_user, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";

/// The referrals' columns, newest first (`{filter}` narrows them).
pub(super) fn referrals_sql(filter: &str) -> String {
    format!(
        "SELECT id, referrer, age_band, district_code, concern, created_by, created_at
         FROM cyber_choices_referrals {filter} ORDER BY id DESC"
    )
}

/// The stages of the referrals `{filter}` names, by referral, day and id.
pub(super) fn steps_sql(filter: &str) -> String {
    format!(
        "SELECT referral_id, id, step, on_day, result, note, by_user, at
         FROM cyber_choices_steps {filter} ORDER BY referral_id, on_day, id"
    )
}

/// A referral (without its stages) from a row of [`referrals_sql`].
pub(super) fn referral_from(row: &impl Columns) -> StoreResult<ReferralRecord> {
    Ok(ReferralRecord {
        id: row.get(0)?,
        referrer: row.get(1)?,
        age_band: row.get(2)?,
        district_code: row.get(3)?,
        concern: row.get(4)?,
        created_by: row.get(5)?,
        created_at: row.moment(6)?,
        steps: Vec::new(),
    })
}

/// A stage and its referral's id from a row of [`steps_sql`].
pub(super) fn step_from(row: &impl Columns) -> StoreResult<(i64, ReferralStepRecord)> {
    let day: String = row.get(3)?;
    Ok((
        row.get(0)?,
        ReferralStepRecord {
            id: row.get(1)?,
            step: row.get(2)?,
            on: parse_stored_date(&day)?,
            result: row.get(4)?,
            note: row.get(5)?,
            by: row.get(6)?,
            at: row.moment(7)?,
        },
    ))
}

/// Gives each referral its stages (both lists as the queries above order them).
pub(super) fn with_steps(
    mut referrals: Vec<ReferralRecord>,
    steps: Vec<(i64, ReferralStepRecord)>,
) -> Vec<ReferralRecord> {
    let mut by_referral: std::collections::HashMap<i64, Vec<ReferralStepRecord>> =
        std::collections::HashMap::new();
    for (referral_id, step) in steps {
        by_referral.entry(referral_id).or_default().push(step);
    }
    for referral in &mut referrals {
        referral.steps = by_referral.remove(&referral.id).unwrap_or_default();
    }
    referrals
}
