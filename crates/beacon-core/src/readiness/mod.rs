//! Readiness and staff education: the partnership rehearses (exercises with timed
//! injects), assesses (self-assessment against Cyber Essentials, the NCSC 10 Steps and the
//! Small Business Guide), teaches (short modules with quizzes) and tests awareness
//! (consented phishing simulations).
//!
//! These are the shapes of the shipped library files and of what partners do with them.
//! Scoring, timings and rates are `beacon_analytics::readiness`'s job; reading the files is
//! `beacon_ingest::readiness`'s.

pub mod assessment;
pub mod education;
pub mod exercise;
pub mod phishing;

use serde::{Deserialize, Serialize};

pub use assessment::{
    Answer, AssessmentAudience, AssessmentQuestion, CeControl, QuestionBank, SbgTopic, TenStep,
    Theme,
};
pub use education::{LearningModule, ModuleSection, QuizQuestion};
pub use exercise::{
    ExerciseMode, GoodPractice, Inject, InjectAudience, Observation, Phase, PhaseQuestion,
    ResponseKind, Scenario, ScenarioProblem,
};
pub use phishing::{ClickEvidence, ClickVerdict, SimulationTemplate};

/// A link to advice a partner can act on: a Beacon advice page or a public NCSC page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceLink {
    /// What the page is, e.g. `NCSC: Mitigating malware and ransomware attacks`.
    pub title: String,
    /// Where it is (an absolute `https://` URL or a Beacon path starting with `/`).
    pub url: String,
}

impl AdviceLink {
    /// Whether the URL is one Beacon will link to: `https://…` or a site path `/…`
    /// (never `javascript:`, `data:` or plain `http:`).
    pub fn is_safe(&self) -> bool {
        let url = self.url.trim();
        (url.starts_with("https://") && url.len() > "https://".len())
            || (url.starts_with('/') && !url.starts_with("//"))
    }
}
