//! The scenario library: the shipped scenarios, files imported by a coordinator, and the
//! exercise format written back out.

use super::{ReadinessError, ReadinessResult};
use beacon_core::readiness::Scenario;
use beacon_ingest::readiness::{exercise, library};
use beacon_store::Store;
use beacon_store::readiness::{ScenarioPut, StoredScenario};
use serde::Serialize;
use time::OffsetDateTime;

/// What loading scenarios did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LibraryOutcome {
    /// Scenarios new to the library.
    pub added: Vec<String>,
    /// Scenarios replaced by a new revision.
    pub updated: Vec<String>,
    /// Scenarios already there as given.
    pub unchanged: Vec<String>,
}

impl LibraryOutcome {
    fn note(&mut self, id: &str, put: ScenarioPut) {
        let list = match put {
            ScenarioPut::Added => &mut self.added,
            ScenarioPut::Updated => &mut self.updated,
            ScenarioPut::Unchanged => &mut self.unchanged,
        };
        list.push(id.to_owned());
    }
}

/// Puts the scenarios shipped with Beacon into the library (new ones and new revisions;
/// a scenario a coordinator changed under a shipped id is replaced only if the shipped one
/// is different from what is stored).
pub fn load_shipped(
    store: &mut dyn Store,
    by: &str,
    at: OffsetDateTime,
) -> ReadinessResult<LibraryOutcome> {
    let mut outcome = LibraryOutcome::default();
    for scenario in library::shipped_scenarios() {
        let put = store.put_scenario(&scenario, by, at)?;
        outcome.note(&scenario.id, put);
    }
    Ok(outcome)
}

/// Imports one exercise file (Beacon's format, or MISP's exercise format, recognised by
/// its content): checked whole, stored only if it has no problems.
pub fn import(
    store: &mut dyn Store,
    bytes: &[u8],
    by: &str,
    at: OffsetDateTime,
) -> ReadinessResult<(Scenario, ScenarioPut)> {
    let scenario = exercise::read_exercise_file("", bytes)
        .map_err(|error| ReadinessError::Invalid(error.problems.clone()))?;
    let put = store.put_scenario(&scenario, by, at)?;
    Ok((scenario, put))
}

/// The library, by title; the shipped scenarios are loaded first if the library is empty,
/// so a new Beacon has something to run.
pub fn scenarios(
    store: &mut dyn Store,
    by: &str,
    at: OffsetDateTime,
) -> ReadinessResult<Vec<StoredScenario>> {
    let mut stored = store.scenarios()?;
    if stored.is_empty() {
        load_shipped(store, by, at)?;
        stored = store.scenarios()?;
    }
    Ok(stored)
}

/// One scenario of the library, or a clear error naming what there is.
pub fn scenario(store: &mut dyn Store, id: &str) -> ReadinessResult<StoredScenario> {
    if let Some(found) = store.scenario(id)? {
        return Ok(found);
    }
    let known: Vec<String> = store.scenarios()?.into_iter().map(|s| s.id).collect();
    Err(ReadinessError::NotFound(if known.is_empty() {
        format!(
            "there is no scenario '{id}': the library is empty (run `beacon exercise list` to load the shipped ones)"
        )
    } else {
        format!(
            "there is no scenario '{id}': the library has {}",
            known.join(", ")
        )
    }))
}

/// A scenario in the exercise format, as a file to share.
pub fn export(store: &mut dyn Store, id: &str) -> ReadinessResult<String> {
    Ok(exercise::write_scenario(&scenario(store, id)?.scenario))
}
