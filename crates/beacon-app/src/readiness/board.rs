//! The board update's readiness figures for a period: the exercises started in it and
//! their times to first response, the self-assessment picture as it stood at the period's
//! end, staff completion by then, and the phishing simulations sent in it.

use super::assessment::org_answers;
use super::exercises::debrief_of;
use super::learning::attempt_fact;
use super::{ReadinessResult, assessment, learning};
use beacon_analytics::readiness::ReadinessFigures;
use beacon_analytics::readiness::assessment::{OrgAnswers, area_summary};
use beacon_analytics::readiness::education::{AttemptFact, completion};
use beacon_analytics::readiness::phishing::{TargetFact, rates};
use beacon_core::Period;
use beacon_store::Store;
use std::collections::BTreeMap;

/// The readiness figures for `period`; `None` when Beacon holds no exercise,
/// self-assessment, learner or simulation at all (the section is left out, so boards of
/// partnerships that do not use readiness are unchanged).
pub fn readiness_figures(
    store: &mut dyn Store,
    period: Period,
) -> ReadinessResult<Option<ReadinessFigures>> {
    let runs = store.exercise_runs(None)?;
    let all_assessments = store.assessments(None, false)?;
    let attempts = store.attempts(None, None)?;
    let simulations = store.simulation_results(None)?;
    if runs.is_empty()
        && all_assessments.is_empty()
        && attempts.is_empty()
        && simulations.is_empty()
    {
        return Ok(None);
    }
    let end = period
        .to
        .next_day()
        .unwrap_or(period.to)
        .midnight()
        .assume_utc();
    let mut debriefs = Vec::new();
    for run in runs
        .iter()
        .filter(|run| period.contains(run.starts_at.date()))
    {
        debriefs.push(debrief_of(store, run, None)?.0);
    }
    // Each organisation's latest submission made by the end of the period (the store
    // lists them newest first, so the oldest is read first and newer ones replace it).
    let districts = store.districts()?;
    let latest: BTreeMap<i64, OrgAnswers> = all_assessments
        .iter()
        .rev()
        .filter(|record| record.submitted_at < end)
        .map(|record| (record.organisation_id, org_answers(record, &districts)))
        .collect();
    let latest: Vec<OrgAnswers> = latest.into_values().collect();
    let summary = area_summary(assessment::bank(), &latest);
    let facts: Vec<AttemptFact> = attempts
        .iter()
        .filter(|attempt| attempt.at < end)
        .map(attempt_fact)
        .collect();
    let education = completion(learning::modules(), &facts);
    let targets: Vec<TargetFact> = simulations
        .iter()
        .filter(|target| {
            target
                .sent_at
                .is_some_and(|sent| period.contains(sent.date()))
        })
        .map(|target| TargetFact {
            organisation_id: target.organisation_id,
            sent_at: target.sent_at,
            first_click_at: target.first_click_at,
            reported_at: target.reported_at,
        })
        .collect();
    Ok(Some(ReadinessFigures::from_parts(
        &debriefs,
        &summary,
        &education,
        &rates(&targets),
    )))
}
