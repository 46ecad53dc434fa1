//! Exercise scenarios (in the style of NCSC's Exercise in a Box and MISP's Common Exercise
//! Format): phases, timed injects, questions per phase and the good-practice points a
//! facilitator looks for; and the words for running one.
//!
//! **Invariant:** a [`Scenario`] that passed [`Scenario::problems`] with no problems has at
//! least one phase, unique ids, every inject at or after the start of the exercise and of
//! its phase, and only safe advice links.

use super::AdviceLink;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The format tag every exercise file carries, so a file of another kind is refused early.
pub const EXERCISE_FORMAT: &str = "beacon-exercise/1";

/// A scenario: what happens, to whom, when, and what good looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Always [`EXERCISE_FORMAT`].
    pub format: String,
    /// Stable id, lower-case words joined by hyphens, e.g. `phishing-to-ransomware`.
    pub id: String,
    /// Title as the library lists it.
    pub title: String,
    /// One paragraph: the situation and what the exercise tests.
    pub summary: String,
    /// Who it suits (sectors, or `all`).
    #[serde(default)]
    pub audience: Vec<String>,
    /// Planned length in minutes (table-top sessions are usually 90–180).
    pub duration_minutes: u32,
    /// The phases, in order.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Advice for the whole scenario.
    #[serde(default)]
    pub advice: Vec<AdviceLink>,
}

/// One phase of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Id unique within the scenario, e.g. `detection`.
    pub id: String,
    /// Title, e.g. `Phase 1: Something is wrong`.
    pub title: String,
    /// What the players are told as the phase opens.
    pub narrative: String,
    /// Minutes after the exercise starts that the phase opens (live play).
    pub starts_at_minutes: u32,
    /// What happens during the phase.
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// What the facilitator asks.
    #[serde(default)]
    pub questions: Vec<PhaseQuestion>,
    /// What a well-prepared organisation would do.
    #[serde(default)]
    pub good_practice: Vec<GoodPractice>,
}

/// Something that happens to the players at a set time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Id unique within the scenario.
    pub id: String,
    /// Minutes after the exercise starts that it is sent. Signed in the file so an inject
    /// before the start can be refused with its own message rather than a parse error.
    pub at_minutes: i64,
    /// Who receives it.
    pub to: InjectAudience,
    /// Subject line.
    pub subject: String,
    /// What happens, in the words the players receive.
    pub body: String,
}

/// Who an inject goes to in each playing organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjectAudience {
    /// The organisation's IT manager (and deputy).
    ItManager,
    /// The senior responsible owner.
    SeniorResponsibleOwner,
    /// Every contact the organisation has.
    AllContacts,
}

impl InjectAudience {
    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            InjectAudience::ItManager => "IT manager",
            InjectAudience::SeniorResponsibleOwner => "Senior responsible owner",
            InjectAudience::AllContacts => "Everyone in the team",
        }
    }
}

/// A question the facilitator asks in a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseQuestion {
    /// Id unique within the scenario.
    pub id: String,
    /// The question.
    pub text: String,
}

/// A point of good practice a facilitator looks for, with the advice for a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodPractice {
    /// Id unique within the scenario.
    pub id: String,
    /// What good looks like, e.g. `The incident response plan names who can take systems offline`.
    pub text: String,
    /// Where to read how to get there.
    #[serde(default)]
    pub advice: Vec<AdviceLink>,
}

/// Something wrong with a scenario file, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioProblem {
    /// The format tag is not [`EXERCISE_FORMAT`].
    #[error("the file says it is '{0}', not {EXERCISE_FORMAT}")]
    WrongFormat(String),
    /// A required text is empty.
    #[error("{0} is empty")]
    Empty(String),
    /// No phases at all.
    #[error("the scenario has no phases: an exercise needs at least one")]
    NoPhases,
    /// Two things share an id.
    #[error("the id '{0}' is used more than once")]
    DuplicateId(String),
    /// An id is not lower-case words joined by hyphens.
    #[error("the id '{0}' should be lower-case letters, digits and hyphens")]
    BadId(String),
    /// An inject before the exercise starts.
    #[error("inject '{inject}' is scheduled {minutes} minutes before the exercise starts")]
    InjectBeforeStart {
        /// The inject.
        inject: String,
        /// How many minutes early.
        minutes: i64,
    },
    /// An inject before its own phase opens.
    #[error("inject '{inject}' is at minute {at} but its phase '{phase}' opens at minute {opens}")]
    InjectBeforePhase {
        /// The inject.
        inject: String,
        /// Its phase.
        phase: String,
        /// Its minute.
        at: i64,
        /// The phase's opening minute.
        opens: u32,
    },
    /// Phases not in time order.
    #[error("phase '{0}' opens before the phase listed before it")]
    PhasesOutOfOrder(String),
    /// A link Beacon will not put in a page or a letter.
    #[error("the advice link '{0}' must start with https:// or /")]
    UnsafeLink(String),
}

impl Scenario {
    /// Everything wrong with the scenario (empty when it may be stored and run).
    pub fn problems(&self) -> Vec<ScenarioProblem> {
        let mut problems = Vec::new();
        if self.format != EXERCISE_FORMAT {
            problems.push(ScenarioProblem::WrongFormat(self.format.clone()));
        }
        let mut ids = BTreeSet::new();
        let mut id_check = |id: &str, what: &str, problems: &mut Vec<ScenarioProblem>| {
            if id.is_empty() {
                problems.push(ScenarioProblem::Empty(format!("the id of {what}")));
            } else if !is_id(id) {
                problems.push(ScenarioProblem::BadId(id.to_owned()));
            } else if !ids.insert(id.to_owned()) {
                problems.push(ScenarioProblem::DuplicateId(id.to_owned()));
            }
        };
        id_check(&self.id, "the scenario", &mut problems);
        for (what, text) in [("the title", &self.title), ("the summary", &self.summary)] {
            if text.trim().is_empty() {
                problems.push(ScenarioProblem::Empty(what.to_owned()));
            }
        }
        if self.phases.is_empty() {
            problems.push(ScenarioProblem::NoPhases);
        }
        let mut opened = 0;
        let mut links: Vec<&AdviceLink> = self.advice.iter().collect();
        for phase in &self.phases {
            id_check(&phase.id, "a phase", &mut problems);
            if phase.title.trim().is_empty() {
                problems.push(ScenarioProblem::Empty(format!(
                    "the title of phase '{}'",
                    phase.id
                )));
            }
            if phase.starts_at_minutes < opened {
                problems.push(ScenarioProblem::PhasesOutOfOrder(phase.id.clone()));
            }
            opened = phase.starts_at_minutes;
            for inject in &phase.injects {
                id_check(&inject.id, "an inject", &mut problems);
                if inject.at_minutes < 0 {
                    problems.push(ScenarioProblem::InjectBeforeStart {
                        inject: inject.id.clone(),
                        minutes: -inject.at_minutes,
                    });
                } else if inject.at_minutes < i64::from(phase.starts_at_minutes) {
                    problems.push(ScenarioProblem::InjectBeforePhase {
                        inject: inject.id.clone(),
                        phase: phase.id.clone(),
                        at: inject.at_minutes,
                        opens: phase.starts_at_minutes,
                    });
                }
                if inject.subject.trim().is_empty() || inject.body.trim().is_empty() {
                    problems.push(ScenarioProblem::Empty(format!(
                        "the subject or body of inject '{}'",
                        inject.id
                    )));
                }
            }
            for question in &phase.questions {
                id_check(&question.id, "a question", &mut problems);
            }
            for point in &phase.good_practice {
                id_check(&point.id, "a good-practice point", &mut problems);
                links.extend(&point.advice);
            }
        }
        for link in links {
            if !link.is_safe() {
                problems.push(ScenarioProblem::UnsafeLink(link.url.clone()));
            }
        }
        problems
    }

    /// Every inject with its phase, in the order they are sent (by minute, then as listed).
    pub fn timeline(&self) -> Vec<(&Phase, &Inject)> {
        let mut all: Vec<(&Phase, &Inject)> = self
            .phases
            .iter()
            .flat_map(|phase| phase.injects.iter().map(move |inject| (phase, inject)))
            .collect();
        all.sort_by_key(|(_, inject)| inject.at_minutes);
        all
    }

    /// The phase with this id.
    pub fn phase(&self, id: &str) -> Option<&Phase> {
        self.phases.iter().find(|phase| phase.id == id)
    }

    /// Every good-practice point with its phase.
    pub fn good_practice(&self) -> impl Iterator<Item = (&Phase, &GoodPractice)> {
        self.phases
            .iter()
            .flat_map(|phase| phase.good_practice.iter().map(move |point| (phase, point)))
    }
}

fn is_id(id: &str) -> bool {
    id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// How an exercise is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseMode {
    /// In a room: the facilitator opens each phase and records what players say.
    TableTop,
    /// For real: injects are sent at their times through the outbox and players respond.
    LivePlay,
}

impl ExerciseMode {
    /// The stored and typed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseMode::TableTop => "table_top",
            ExerciseMode::LivePlay => "live_play",
        }
    }

    /// Reads the stored or typed spelling (`table-top` and `live-play` too).
    pub fn parse(text: &str) -> Option<ExerciseMode> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "table_top" | "tabletop" => Some(ExerciseMode::TableTop),
            "live_play" | "live" => Some(ExerciseMode::LivePlay),
            _ => None,
        }
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            ExerciseMode::TableTop => "Table-top",
            ExerciseMode::LivePlay => "Live play",
        }
    }
}

/// What a recorded response was: the timings of the debrief are read from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// The organisation answered or acted.
    Response,
    /// It escalated to senior management, the partnership or the police.
    Escalation,
    /// It took a decision (isolate, pay or not, tell the ICO, ...).
    Decision,
}

impl ResponseKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [ResponseKind; 3] = [
        ResponseKind::Response,
        ResponseKind::Escalation,
        ResponseKind::Decision,
    ];

    /// The stored and typed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseKind::Response => "response",
            ResponseKind::Escalation => "escalation",
            ResponseKind::Decision => "decision",
        }
    }

    /// Reads the stored or typed spelling.
    pub fn parse(text: &str) -> Option<ResponseKind> {
        let text = text.trim().to_ascii_lowercase();
        ResponseKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            ResponseKind::Response => "Response",
            ResponseKind::Escalation => "Escalation",
            ResponseKind::Decision => "Decision",
        }
    }
}

impl fmt::Display for ResponseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the facilitator saw of a good-practice point in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observation {
    /// Done well: goes under "what went well".
    Met,
    /// Partly done: a gap, with its advice.
    Partly,
    /// Not done: a gap, with its advice.
    NotMet,
}

impl Observation {
    /// Every observation, best first.
    pub const ALL: [Observation; 3] = [Observation::Met, Observation::Partly, Observation::NotMet];

    /// The stored and typed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Observation::Met => "met",
            Observation::Partly => "partly",
            Observation::NotMet => "not_met",
        }
    }

    /// Reads the stored or typed spelling (`not-met` too).
    pub fn parse(text: &str) -> Option<Observation> {
        let text = text.trim().to_ascii_lowercase().replace('-', "_");
        Observation::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Observation::Met => "Met",
            Observation::Partly => "Partly met",
            Observation::NotMet => "Not met",
        }
    }

    /// Whether it counts as a gap.
    pub fn is_gap(self) -> bool {
        self != Observation::Met
    }
}
