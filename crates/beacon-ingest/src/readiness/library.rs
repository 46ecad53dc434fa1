//! The readiness library Beacon ships (embedded from `data/readiness/`), and the readers
//! for question banks, learning modules and phishing-simulation templates that an area
//! may load alongside or instead of it.
//!
//! The shipped files are checked by the tests; a broken one is a bug in Beacon, so the
//! `shipped_*` functions panic on it rather than hand callers an error they cannot fix.

use super::exercise::read_scenario;
use super::{ReadinessFileError, is_id, read_tagged};
use beacon_core::readiness::assessment::QUESTION_BANK_FORMAT;
use beacon_core::readiness::education::MODULE_FORMAT;
use beacon_core::readiness::phishing::SIMULATION_FORMAT;
use beacon_core::readiness::{LearningModule, QuestionBank, Scenario, SimulationTemplate};

/// The shipped exercise scenarios, by id: (id, file text).
pub const SHIPPED_SCENARIO_FILES: [(&str, &str); 5] = [
    (
        "phishing-to-ransomware",
        include_str!("../../../../data/readiness/scenarios/phishing-to-ransomware.json"),
    ),
    (
        "supplier-compromise",
        include_str!("../../../../data/readiness/scenarios/supplier-compromise.json"),
    ),
    (
        "invoice-fraud",
        include_str!("../../../../data/readiness/scenarios/invoice-fraud.json"),
    ),
    (
        "it-service-loss",
        include_str!("../../../../data/readiness/scenarios/it-service-loss.json"),
    ),
    (
        "partner-data-breach",
        include_str!("../../../../data/readiness/scenarios/partner-data-breach.json"),
    ),
];

/// The shipped self-assessment question bank.
pub const SHIPPED_ASSESSMENT_FILE: &str =
    include_str!("../../../../data/readiness/assessment.json");

/// The shipped learning modules, by id: (id, file text).
pub const SHIPPED_MODULE_FILES: [(&str, &str); 7] = [
    (
        "passwords-and-2fa",
        include_str!("../../../../data/readiness/modules/passwords-and-2fa.json"),
    ),
    (
        "phishing",
        include_str!("../../../../data/readiness/modules/phishing.json"),
    ),
    (
        "updates",
        include_str!("../../../../data/readiness/modules/updates.json"),
    ),
    (
        "backups",
        include_str!("../../../../data/readiness/modules/backups.json"),
    ),
    (
        "social-engineering",
        include_str!("../../../../data/readiness/modules/social-engineering.json"),
    ),
    (
        "personal-devices",
        include_str!("../../../../data/readiness/modules/personal-devices.json"),
    ),
    (
        "fraud-at-work",
        include_str!("../../../../data/readiness/modules/fraud-at-work.json"),
    ),
];

/// The shipped phishing-simulation templates, by id: (id, file text).
pub const SHIPPED_SIMULATION_FILES: [(&str, &str); 3] = [
    (
        "parcel-redelivery",
        include_str!("../../../../data/readiness/simulations/parcel-redelivery.json"),
    ),
    (
        "shared-document",
        include_str!("../../../../data/readiness/simulations/shared-document.json"),
    ),
    (
        "password-expiry",
        include_str!("../../../../data/readiness/simulations/password-expiry.json"),
    ),
];

/// Reads a shipped file, panicking with its name if it is broken or misnamed.
fn shipped<T>(
    kind: &str,
    (name, text): (&str, &str),
    read: impl Fn(&[u8]) -> Result<T, ReadinessFileError>,
    id: impl Fn(&T) -> &str,
) -> T {
    let value = read(text.as_bytes())
        .unwrap_or_else(|error| panic!("the shipped {kind} '{name}' is broken:\n{error}"));
    assert_eq!(
        id(&value),
        name,
        "the shipped {kind} '{name}' has another id"
    );
    value
}

/// The shipped exercise scenarios, each checked, in library order.
pub fn shipped_scenarios() -> Vec<Scenario> {
    SHIPPED_SCENARIO_FILES
        .into_iter()
        .map(|file| shipped("scenario", file, read_scenario, |s: &Scenario| &s.id))
        .collect()
}

/// The shipped self-assessment question bank, checked.
pub fn shipped_question_bank() -> QuestionBank {
    read_question_bank(SHIPPED_ASSESSMENT_FILE.as_bytes())
        .unwrap_or_else(|error| panic!("the shipped question bank is broken:\n{error}"))
}

/// The shipped learning modules, each checked, in the order staff are offered them.
pub fn shipped_modules() -> Vec<LearningModule> {
    SHIPPED_MODULE_FILES
        .into_iter()
        .map(|file| shipped("module", file, read_module, |m: &LearningModule| &m.id))
        .collect()
}

/// The shipped phishing-simulation templates, each checked.
pub fn shipped_simulations() -> Vec<SimulationTemplate> {
    SHIPPED_SIMULATION_FILES
        .into_iter()
        .map(|file| {
            shipped(
                "simulation",
                file,
                read_simulation,
                |t: &SimulationTemplate| &t.id,
            )
        })
        .collect()
}

/// Reads a question bank file (`"format": "beacon-assessment/1"`) and checks it with
/// [`QuestionBank::problems`].
pub fn read_question_bank(bytes: &[u8]) -> Result<QuestionBank, ReadinessFileError> {
    const FILE: &str = "question bank";
    let bank: QuestionBank = read_tagged(FILE, QUESTION_BANK_FORMAT, bytes)?;
    let problems = bank.problems();
    if problems.is_empty() {
        Ok(bank)
    } else {
        Err(ReadinessFileError::new(FILE, problems))
    }
}

/// Reads a learning module file (`"format": "beacon-module/1"`) and checks it with
/// [`LearningModule::problems`].
pub fn read_module(bytes: &[u8]) -> Result<LearningModule, ReadinessFileError> {
    const FILE: &str = "module file";
    let module: LearningModule = read_tagged(FILE, MODULE_FORMAT, bytes)?;
    let problems = module.problems();
    if problems.is_empty() {
        Ok(module)
    } else {
        Err(ReadinessFileError::new(FILE, problems))
    }
}

/// Reads a phishing-simulation template (`"format": "beacon-simulation/1"`) and checks it
/// with [`simulation_problems`].
pub fn read_simulation(bytes: &[u8]) -> Result<SimulationTemplate, ReadinessFileError> {
    const FILE: &str = "simulation template";
    let template: SimulationTemplate = read_tagged(FILE, SIMULATION_FORMAT, bytes)?;
    let problems = simulation_problems(&template);
    if problems.is_empty() {
        Ok(template)
    } else {
        Err(ReadinessFileError::new(FILE, problems))
    }
}

/// Everything wrong with a simulation template, in words (empty when it may be sent).
///
/// A simulation links only through its `{link}` placeholder, exactly once, so every
/// click is the learner's own tracked link to a teaching page; any other web address in
/// the body is refused. It must list at least one tell for the landing page to teach.
pub fn simulation_problems(template: &SimulationTemplate) -> Vec<String> {
    let mut problems = Vec::new();
    if template.format != SIMULATION_FORMAT {
        problems.push(format!(
            "the file says it is '{}', not {SIMULATION_FORMAT}",
            template.format
        ));
    }
    if !is_id(&template.id) {
        problems.push(format!(
            "the id '{}' should be lower-case letters, digits and hyphens",
            template.id
        ));
    }
    for (what, text) in [
        ("the sender name", &template.from_name),
        ("the subject", &template.subject),
        ("the body", &template.body),
    ] {
        if text.trim().is_empty() {
            problems.push(format!("{what} is empty"));
        }
    }
    let links = template.body.matches("{link}").count();
    if links != 1 {
        problems.push(format!(
            "the body must contain {{link}} exactly once, where the learner's own link goes (it has {links})"
        ));
    }
    let lower = template.body.to_ascii_lowercase();
    if ["http://", "https://", "www."]
        .iter()
        .any(|address| lower.contains(address))
    {
        problems.push(
            "the body holds a web address: a simulation links only through {link}".to_owned(),
        );
    }
    if template.tells.iter().all(|tell| tell.trim().is_empty()) {
        problems.push(
            "the template lists no tells: the landing page needs at least one sign to teach"
                .to_owned(),
        );
    }
    problems
}
