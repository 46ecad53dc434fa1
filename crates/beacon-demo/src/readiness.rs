//! The demo's readiness and staff education: the shipped scenario library, three
//! exercises (a table-top and, three months later, a live-play run of the same ransomware
//! scenario, so progress shows; and a table-top on invoice fraud), self-assessments of
//! most partners (Leicester City Council twice, so its history shows), staff learners
//! with quiz attempts and certificates, and one consented phishing simulation with
//! scanner fetches, clicks and reports.
//!
//! Everything goes through `beacon-app`'s use cases on a fixed demo clock, as a
//! facilitator, a partner and the CLI would. The live exercise's injects and the
//! simulation's emails are recorded as delivered at their times: the demo sends nothing.
//!
//! **Invariants:** nothing is random: the same figures every time; every organisation is
//! one of [`crate::register::organisations`]; every person is synthetic and every email
//! address ends in `.example`.

use beacon_analytics::readiness::phishing::classify;
use beacon_app::notify::NotifySettings;
use beacon_app::readiness::exercises::{self, ObservationInput, ResponseInput, StartRun};
use beacon_app::readiness::{ReadinessError, assessment, learning, library, phishing};
use beacon_core::readiness::{
    Answer, ClickEvidence, ExerciseMode, Observation, ResponseKind, Scenario,
};
use beacon_store::education::{NewSimulationEvent, SimulationEventKind};
use beacon_store::{MessageKind, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// The first (table-top) run of the ransomware scenario.
pub const EXERCISE_EARLIER: OffsetDateTime = datetime!(2024-02-20 10:00 UTC);
/// The live-play run of the same scenario, three months on.
pub const EXERCISE_LIVE: OffsetDateTime = datetime!(2024-05-14 10:00 UTC);
/// The table-top on invoice fraud.
pub const EXERCISE_INVOICE: OffsetDateTime = datetime!(2024-06-11 14:00 UTC);
/// When the phishing simulation is sent.
pub const SIMULATION_AT: OffsetDateTime = datetime!(2024-05-21 09:00 UTC);

/// Who plays each exercise (the register's names).
const EARLIER_PLAYERS: [&str; 3] = [
    "Leicester City Council (synthetic)",
    "Rutland County Council (synthetic)",
    "University Hospitals of Leicester NHS Trust (synthetic)",
];
const LIVE_PLAYERS: [&str; 4] = [
    "Leicester City Council (synthetic)",
    "Rutland County Council (synthetic)",
    "University Hospitals of Leicester NHS Trust (synthetic)",
    "Loughborough University (synthetic)",
];
const INVOICE_PLAYERS: [&str; 3] = [
    "Charnwood Borough Council (synthetic)",
    "Soar Valley Logistics Ltd (synthetic)",
    "Wigston Bakery Ltd (synthetic)",
];
/// Organisations whose staff take modules, and how many learners each has.
const LEARNING: [(&str, usize); 6] = [
    ("Leicester City Council (synthetic)", 8),
    ("Rutland County Council (synthetic)", 4),
    ("University Hospitals of Leicester NHS Trust (synthetic)", 6),
    ("De Montfort University (synthetic)", 5),
    ("Soar Valley Logistics Ltd (synthetic)", 3),
    ("Wigston Bakery Ltd (synthetic)", 2),
];
/// Organisations whose consenting staff get the phishing simulation.
const SIMULATED: [(&str, &str, usize); 3] = [
    (
        "Leicester City Council (synthetic)",
        "leicester.gov.example",
        10,
    ),
    ("De Montfort University (synthetic)", "dmu.ac.example", 8),
    (
        "Soar Valley Logistics Ltd (synthetic)",
        "soarvalley.example",
        5,
    ),
];
/// Organisations that do not self-assess in the demo.
const NOT_ASSESSED: [&str; 4] = [
    "Melton Borough Council (synthetic)",
    "Oadby and Wigston Borough Council (synthetic)",
    "Hinckley Knitwear Company Ltd (synthetic)",
    "Oakham Rural Supplies Ltd (synthetic)",
];

/// Why the demo's readiness data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoReadinessError {
    /// A readiness use case refused or failed.
    #[error(transparent)]
    Readiness(#[from] ReadinessError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something the script relies on is missing.
    #[error("the demo readiness data needs {0}")]
    Missing(String),
}

/// What loading the demo's readiness data did, for `beacon demo` to print.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoReadinessOutcome {
    /// Scenarios in the library.
    pub scenarios: usize,
    /// Exercises run (all finished).
    pub exercises: usize,
    /// Inject messages of the live exercise.
    pub injects: usize,
    /// Responses recorded.
    pub responses: usize,
    /// Observations recorded.
    pub observations: usize,
    /// Self-assessments submitted.
    pub assessments: usize,
    /// Organisations assessed.
    pub organisations_assessed: usize,
    /// Learners who joined.
    pub learners: usize,
    /// Quiz attempts.
    pub attempts: usize,
    /// Certificates earned.
    pub certificates: usize,
    /// Staff who consented to simulations.
    pub consented: usize,
    /// Simulated emails sent.
    pub simulations_sent: usize,
    /// Person clicks.
    pub clicks: usize,
    /// Scanner fetches filtered out.
    pub scanner_fetches: usize,
    /// Reports to the report-phishing address.
    pub reported: usize,
}

/// Loads the demo's readiness data into a store that holds the demo's organisations and
/// advisory contacts ([`crate::advisories::load_advisories`] first).
pub fn load_readiness(
    store: &mut dyn Store,
    settings: &NotifySettings,
) -> Result<DemoReadinessOutcome, DemoReadinessError> {
    let mut outcome = DemoReadinessOutcome::default();
    let ids: BTreeMap<String, i64> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.organisation.name, o.id))
        .collect();
    let id_of = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| DemoReadinessError::Missing(format!("the organisation {name}")))
    };
    library::load_shipped(store, "demo", EXERCISE_EARLIER - Duration::days(7))?;
    outcome.scenarios = store.scenarios()?.len();

    let runs = [
        (
            "phishing-to-ransomware",
            ExerciseMode::TableTop,
            EXERCISE_EARLIER,
            &EARLIER_PLAYERS[..],
            0,
        ),
        (
            "phishing-to-ransomware",
            ExerciseMode::LivePlay,
            EXERCISE_LIVE,
            &LIVE_PLAYERS[..],
            1,
        ),
        (
            "invoice-fraud",
            ExerciseMode::TableTop,
            EXERCISE_INVOICE,
            &INVOICE_PLAYERS[..],
            0,
        ),
    ];
    for (scenario_id, mode, starts_at, players, maturity) in runs {
        let player_ids = players
            .iter()
            .map(|name| id_of(name))
            .collect::<Result<Vec<i64>, _>>()?;
        let started = exercises::start(
            store,
            &StartRun {
                scenario_id: scenario_id.to_owned(),
                mode,
                starts_at,
                organisation_ids: player_ids.clone(),
                facilitator: "demo-coordinator".to_owned(),
                title: None,
            },
            settings,
            starts_at - Duration::days(2),
        )?;
        let scenario = library::scenario(store, scenario_id)?.scenario;
        play(
            store,
            started.id,
            &scenario,
            starts_at,
            &player_ids,
            maturity,
            mode,
            &mut outcome,
        )?;
        outcome.exercises += 1;
    }

    assess(store, &ids, &mut outcome)?;
    learn(store, &ids, &mut outcome)?;
    simulate(store, &ids, settings, &mut outcome)?;
    Ok(outcome)
}

/// Plays one exercise: phases opened at their times (table-top) or injects delivered at
/// theirs (live play), each player's responses, the facilitator's observations, then the
/// end. `maturity` makes a later run of the same scenario a little better.
#[allow(clippy::too_many_arguments)]
fn play(
    store: &mut dyn Store,
    run_id: i64,
    scenario: &Scenario,
    starts_at: OffsetDateTime,
    players: &[i64],
    maturity: i64,
    mode: ExerciseMode,
    outcome: &mut DemoReadinessOutcome,
) -> Result<(), DemoReadinessError> {
    if mode == ExerciseMode::TableTop {
        for phase in &scenario.phases {
            let opens = starts_at + Duration::minutes(i64::from(phase.starts_at_minutes));
            exercises::advance(store, run_id, opens)?;
        }
    } else {
        for inject in store.exercise_injects(run_id, None)? {
            let at = inject.message.next_attempt_at;
            store.outbox_record_sent(inject.message.id, at)?;
            outcome.injects += 1;
        }
    }
    for (index, organisation_id) in players.iter().enumerate() {
        let index = index as i64;
        // Slower organisations respond later; a second run of the scenario is quicker.
        let first = 6 + 5 * index - 3 * maturity;
        let plan = [
            (
                0,
                first,
                ResponseKind::Response,
                "Service desk logged the calls and told the IT manager.",
            ),
            (
                1,
                8 + 6 * index - 4 * maturity,
                ResponseKind::Escalation,
                "Escalated to the senior responsible owner and the partnership's cyber lead.",
            ),
            (
                2,
                10 + 9 * index - 5 * maturity,
                ResponseKind::Decision,
                "Decided to isolate the affected network segment and restore from backup.",
            ),
        ];
        for (phase_index, minutes, kind, text) in plan {
            let Some(phase) = scenario.phases.get(phase_index) else {
                continue;
            };
            let at =
                starts_at + Duration::minutes(i64::from(phase.starts_at_minutes) + minutes.max(1));
            exercises::respond(
                store,
                run_id,
                &ResponseInput {
                    organisation_id: *organisation_id,
                    phase_id: phase.id.clone(),
                    inject_id: phase.injects.first().map(|i| i.id.clone()),
                    kind,
                    text: text.to_owned(),
                    at,
                },
                "demo-coordinator",
            )?;
            outcome.responses += 1;
        }
        for (point_index, (_, point)) in scenario.good_practice().enumerate() {
            let grade = (point_index as i64 + index + 2 * maturity) % 4;
            let observation = match grade {
                0 => Observation::NotMet,
                1 => Observation::Partly,
                _ => Observation::Met,
            };
            exercises::observe(
                store,
                &ObservationInput {
                    run_id,
                    organisation_id: *organisation_id,
                    point_id: point.id.clone(),
                    observation,
                    note: String::new(),
                },
                "demo-coordinator",
                starts_at + Duration::minutes(i64::from(scenario.duration_minutes)),
            )?;
            outcome.observations += 1;
        }
    }
    let end = starts_at + Duration::minutes(i64::from(scenario.duration_minutes));
    let run = exercises::run(store, run_id, None)?;
    if run.state != beacon_store::readiness::RunState::Finished {
        exercises::finish(store, run_id, end)?;
    }
    Ok(())
}

/// A deterministic answer for organisation `org` to question `question`: most partners
/// have the basics, fewer have the rest; a later round (`lift` 1) has closed two gaps in
/// three, so the organisation's history shows progress.
fn answer_for(org: usize, question: usize, lift: usize) -> Answer {
    let first = match (org * 7 + question * 3) % 11 {
        0..=5 => Answer::Yes,
        6 | 7 => Answer::Partly,
        8 => Answer::No,
        9 => Answer::DontKnow,
        _ => Answer::NotApplicable,
    };
    if lift > 0 && first.is_gap() && !question.is_multiple_of(3) {
        Answer::Yes
    } else {
        first
    }
}

fn assess(
    store: &mut dyn Store,
    ids: &BTreeMap<String, i64>,
    outcome: &mut DemoReadinessOutcome,
) -> Result<(), DemoReadinessError> {
    let bank = assessment::bank();
    for (index, organisation) in crate::register::organisations().iter().enumerate() {
        if NOT_ASSESSED.contains(&organisation.name.as_str()) {
            continue;
        }
        let Some(&id) = ids.get(&organisation.name) else {
            continue;
        };
        let business = organisation.sector == "business";
        let audience = if business {
            beacon_core::readiness::AssessmentAudience::SmallBusiness
        } else {
            beacon_core::readiness::AssessmentAudience::Partner
        };
        let rounds: &[(usize, OffsetDateTime)] = if index == 0 {
            &[
                (0, datetime!(2024-03-05 11:00 UTC)),
                (1, datetime!(2024-06-04 11:00 UTC)),
            ]
        } else {
            &[(0, datetime!(2024-04-02 10:00 UTC))]
        };
        for (lift, at) in rounds {
            let answers: Vec<(String, Answer)> = bank
                .for_audience(audience)
                .iter()
                .enumerate()
                .map(|(q, question)| (question.id.clone(), answer_for(index, q, *lift)))
                .collect();
            assessment::submit(
                store,
                id,
                &answers,
                "demo-partner",
                *at + Duration::minutes(index as i64),
            )?;
            outcome.assessments += 1;
        }
        outcome.organisations_assessed += 1;
    }
    Ok(())
}

fn learn(
    store: &mut dyn Store,
    ids: &BTreeMap<String, i64>,
    outcome: &mut DemoReadinessOutcome,
) -> Result<(), DemoReadinessError> {
    let modules = learning::modules();
    let mut person = 0usize;
    for (org_index, (name, learners)) in LEARNING.iter().enumerate() {
        let id = *ids
            .get(*name)
            .ok_or_else(|| DemoReadinessError::Missing(format!("the organisation {name}")))?;
        let invited_at = datetime!(2024-04-08 09:00 UTC) + Duration::days(org_index as i64);
        let link = learning::invite(store, id, "demo-coordinator", invited_at, 60)?;
        let token = link.path.trim_start_matches("/learn/join/").to_owned();
        for learner_index in 0..*learners {
            person += 1;
            let joined = invited_at + Duration::hours(2 + learner_index as i64);
            let (learner, _) = learning::join(
                store,
                &token,
                &format!("Learner {person} (synthetic)"),
                joined,
            )?;
            outcome.learners += 1;
            // Each learner takes some modules; every fifth answer is wrong for some.
            let taken = 2 + (person * 3) % (modules.len() - 1);
            for (module_index, module) in modules.iter().take(taken).enumerate() {
                let slips = (person + module_index) % 5;
                let answers: Vec<(String, usize)> = module
                    .quiz
                    .iter()
                    .enumerate()
                    .map(|(q, question)| {
                        let wrong = q < slips.saturating_sub(2);
                        let choice = if wrong {
                            (question.correct + 1) % question.options.len()
                        } else {
                            question.correct
                        };
                        (question.id.clone(), choice)
                    })
                    .collect();
                let at = joined + Duration::days(1 + module_index as i64);
                let taken = learning::take_quiz(store, &learner, &module.id, &answers, at)?;
                outcome.attempts += 1;
                outcome.certificates += usize::from(taken.certificate_code.is_some());
            }
        }
    }
    Ok(())
}

fn simulate(
    store: &mut dyn Store,
    ids: &BTreeMap<String, i64>,
    settings: &NotifySettings,
    outcome: &mut DemoReadinessOutcome,
) -> Result<(), DemoReadinessError> {
    let mut consent = String::from("organisation,email,consented_at,evidence\n");
    for (name, domain, staff) in SIMULATED {
        for person in 1..=staff {
            consent.push_str(&format!(
                "{name},staff{person}@{domain},2024-05-01,Opted in on the partnership's awareness sign-up form (synthetic)\n"
            ));
        }
    }
    outcome.consented = phishing::import_consent(store, consent.as_bytes())?.read;
    let mut with_site = settings.clone();
    if with_site.base_url.is_none() {
        with_site.base_url = Some("https://beacon.example".to_owned());
    }
    let template = phishing::templates()
        .first()
        .ok_or_else(|| DemoReadinessError::Missing("a simulation template".to_owned()))?;
    for (name, _, _) in SIMULATED {
        let id = *ids
            .get(name)
            .ok_or_else(|| DemoReadinessError::Missing(format!("the organisation {name}")))?;
        phishing::launch(
            store,
            id,
            &template.id,
            SIMULATION_AT,
            "demo-coordinator",
            SIMULATION_AT - Duration::days(1),
            &with_site,
        )?;
    }
    // The demo sends nothing: each simulated email is recorded as delivered at its time.
    for message in store.messages(Some(MessageKind::Simulation), 10_000)? {
        if message.sent_at.is_none() {
            store.outbox_record_sent(message.id, SIMULATION_AT)?;
        }
    }
    let targets = store.simulation_results(None)?;
    for (index, target) in targets.iter().enumerate() {
        outcome.simulations_sent += 1;
        // Every third link is fetched by the partner's link scanner seconds after delivery.
        if index % 3 == 0 {
            let evidence = ClickEvidence {
                method: "HEAD".to_owned(),
                user_agent: Some("Mozilla/5.0 (compatible; SafeLinks scanner)".to_owned()),
                seconds_after_sent: 2,
                browser_headers: false,
                burst: 3,
            };
            event(
                store,
                target.target_id,
                SIMULATION_AT + Duration::seconds(2),
                Some(&evidence),
            )?;
            outcome.scanner_fetches += 1;
        }
        // About one in four people click; about one in three report it.
        if index % 4 == 1 {
            let evidence = ClickEvidence {
                method: "GET".to_owned(),
                user_agent: Some(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36".to_owned(),
                ),
                seconds_after_sent: 1_800 + index as i64 * 60,
                browser_headers: true,
                burst: 0,
            };
            let at = SIMULATION_AT + Duration::seconds(evidence.seconds_after_sent);
            event(store, target.target_id, at, Some(&evidence))?;
            outcome.clicks += 1;
        }
        if index % 3 == 2 {
            event(
                store,
                target.target_id,
                SIMULATION_AT + Duration::minutes(40 + index as i64),
                None,
            )?;
            outcome.reported += 1;
        }
    }
    Ok(())
}

/// Records a fetch (judged by the scanner rules) or, without evidence, a report.
fn event(
    store: &mut dyn Store,
    target_id: i64,
    at: OffsetDateTime,
    evidence: Option<&ClickEvidence>,
) -> Result<(), DemoReadinessError> {
    store.record_simulation_event(&NewSimulationEvent {
        target_id,
        kind: if evidence.is_some() {
            SimulationEventKind::Fetch
        } else {
            SimulationEventKind::Reported
        },
        at,
        verdict: evidence.map(classify),
        user_agent: evidence.and_then(|e| e.user_agent.clone()),
    })?;
    Ok(())
}
