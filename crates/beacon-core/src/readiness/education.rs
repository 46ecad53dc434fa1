//! Staff education: short modules in Beacon's own words, each ending in a quiz.
//!
//! **Invariant:** a [`LearningModule`] with no [`LearningModule::problems`] has at least
//! one section and one quiz question, and every quiz question has a correct option.

use super::AdviceLink;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The format tag of a module file.
pub const MODULE_FORMAT: &str = "beacon-module/1";

/// One module: a few short sections and a quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningModule {
    /// Always [`MODULE_FORMAT`].
    pub format: String,
    /// Stable id, e.g. `passwords-and-2fa`.
    pub id: String,
    /// Title.
    pub title: String,
    /// One sentence: what a learner will be able to do.
    pub summary: String,
    /// About how long it takes.
    pub minutes: u32,
    /// The teaching, in order.
    pub sections: Vec<ModuleSection>,
    /// The quiz.
    pub quiz: Vec<QuizQuestion>,
    /// Percentage of correct answers needed to complete the module.
    pub pass_mark_percent: u32,
    /// Where to read more.
    #[serde(default)]
    pub advice: Vec<AdviceLink>,
}

/// A titled part of a module: paragraphs of plain text (blank lines between them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleSection {
    /// Heading.
    pub heading: String,
    /// Paragraphs, each plain text; lines starting `- ` form a list.
    pub paragraphs: Vec<String>,
}

/// One multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizQuestion {
    /// Id unique within the module.
    pub id: String,
    /// The question.
    pub text: String,
    /// The options, in order.
    pub options: Vec<String>,
    /// Index of the correct option.
    pub correct: usize,
    /// Shown after answering: why that is the answer.
    pub explanation: String,
}

impl LearningModule {
    /// Everything wrong with the module, in words (empty when it may be used).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.format != MODULE_FORMAT {
            problems.push(format!(
                "the file says it is '{}', not {MODULE_FORMAT}",
                self.format
            ));
        }
        if self.id.trim().is_empty() || self.title.trim().is_empty() {
            problems.push("the module needs an id and a title".to_owned());
        }
        if self.sections.is_empty() {
            problems.push(format!("module '{}' has no sections", self.id));
        }
        if self.quiz.is_empty() {
            problems.push(format!("module '{}' has no quiz questions", self.id));
        }
        if self.pass_mark_percent == 0 || self.pass_mark_percent > 100 {
            problems.push(format!(
                "module '{}' has a pass mark of {}%: use 1 to 100",
                self.id, self.pass_mark_percent
            ));
        }
        let mut ids = BTreeSet::new();
        for question in &self.quiz {
            if !ids.insert(question.id.as_str()) {
                problems.push(format!(
                    "quiz question id '{}' is used more than once",
                    question.id
                ));
            }
            if question.options.len() < 2 {
                problems.push(format!(
                    "quiz question '{}' needs at least two options",
                    question.id
                ));
            }
            if question.correct >= question.options.len() {
                problems.push(format!(
                    "quiz question '{}' says option {} is correct but has {} options",
                    question.id,
                    question.correct,
                    question.options.len()
                ));
            }
        }
        for link in &self.advice {
            if !link.is_safe() {
                problems.push(format!(
                    "the advice link '{}' must start with https:// or /",
                    link.url
                ));
            }
        }
        problems
    }

    /// The quiz question with this id.
    pub fn question(&self, id: &str) -> Option<&QuizQuestion> {
        self.quiz.iter().find(|question| question.id == id)
    }
}
