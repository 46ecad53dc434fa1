//! Victim care's and Cyber Choices' figures for the board update: the queued cases of the
//! period's reports with their first contact and referrals, each marked a repeat victim
//! when the report says so or the victim key has an earlier report in the 12 months
//! before; and the period's Cyber Choices referrals.

use beacon_analytics::care::{CareCaseFact, CareFigures, care_figures};
use beacon_analytics::prevent::PreventFigures;
use beacon_core::Period;
use beacon_store::{Store, StoreResult, TriageInput};
use std::collections::{HashMap, HashSet};
use time::Duration;

/// How far back an earlier report makes a victim a repeat victim.
pub const REPEAT_LOOK_BACK_DAYS: i64 = 365;

/// The reports (by id) whose victim is a repeat victim: said so, or their victim key has
/// an earlier report (an earlier day, or the same day stored before) within the look-back.
fn repeat_reports(inputs: &[TriageInput]) -> HashSet<i64> {
    let mut seen: HashMap<&str, Vec<(time::Date, i64)>> = HashMap::new();
    let mut repeats = HashSet::new();
    // `triage_inputs` reads oldest first (by day, then id).
    for input in inputs {
        let mut repeat = input.repeat_victim == Some(true);
        if let Some(key) = input.victim_key.as_deref().filter(|key| !key.is_empty()) {
            let earlier = seen.entry(key).or_default();
            let since = input.reported_on - Duration::days(REPEAT_LOOK_BACK_DAYS);
            repeat |= earlier.iter().any(|(day, _)| *day >= since);
            earlier.push((input.reported_on, input.report_id));
        }
        if repeat {
            repeats.insert(input.report_id);
        }
    }
    repeats
}

/// The period's victim-care figures; `None` when no case of the period's reports is in
/// the triage queue (the section is left out).
///
/// # Errors
/// When the store fails.
pub fn care_board(store: &mut dyn Store, period: Period) -> StoreResult<Option<CareFigures>> {
    let cases = store.care_board_cases(period.from, period.to)?;
    if cases.is_empty() {
        return Ok(None);
    }
    let inputs = store.triage_inputs(period.from - Duration::days(REPEAT_LOOK_BACK_DAYS))?;
    let repeats = repeat_reports(&inputs);
    let facts: Vec<CareCaseFact> = cases
        .iter()
        .map(|case| CareCaseFact {
            reported_on: case.reported_on,
            level: case.level,
            contact_due: case.contact_due,
            first_reached: case.first_reached,
            referrals: case.referrals,
            repeat: repeats.contains(&case.report_id),
        })
        .collect();
    Ok(Some(care_figures(&facts)))
}

/// The period's Cyber Choices figures; `None` when Beacon holds no referrals at all.
///
/// # Errors
/// When the store fails.
pub fn prevent_board(store: &mut dyn Store, period: Period) -> StoreResult<Option<PreventFigures>> {
    if store.referrals()?.is_empty() {
        return Ok(None);
    }
    match crate::prevent::figures(
        store,
        &crate::prevent::shipped_calendar(),
        (period.from, period.to),
    ) {
        Ok(figures) => Ok(Some(figures)),
        Err(crate::prevent::PreventError::Store(error)) => Err(error),
        Err(other) => Err(beacon_store::StoreError::Corrupt(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input(id: i64, day: time::Date, key: Option<&str>, said: Option<bool>) -> TriageInput {
        TriageInput {
            report_id: id,
            reference: format!("R{id}"),
            reported_on: day,
            victim_type: "individual".into(),
            age_band: None,
            fraud_type: "x".into(),
            local_issues: String::new(),
            loss_pence: None,
            vulnerable: None,
            repeat_victim: said,
            victim_key: key.map(str::to_owned),
        }
    }

    #[test]
    fn a_repeat_victim_said_so_or_reported_in_the_year_before() {
        let repeats = repeat_reports(&[
            input(1, date!(2018 - 11 - 01), Some("a"), None),
            input(2, date!(2019 - 10 - 15), Some("a"), None),
            input(3, date!(2017 - 01 - 01), Some("b"), None),
            input(4, date!(2019 - 10 - 20), Some("b"), None),
            input(5, date!(2019 - 10 - 21), None, Some(true)),
            input(6, date!(2019 - 10 - 21), Some(""), None),
            input(7, date!(2019 - 10 - 21), Some(""), None),
        ]);
        let mut found: Vec<i64> = repeats.into_iter().collect();
        found.sort_unstable();
        // 2: "a" reported within the year before; 4: "b"'s earlier report is too old;
        // 5 said so; an empty key links nobody.
        assert_eq!(found, [2, 5]);
    }
}
