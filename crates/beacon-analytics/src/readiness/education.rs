//! Staff education: marking a learner's quiz, and how far each organisation's staff
//! have got through the modules.
//!
//! A learner passes a module when the share of quiz questions answered correctly is at
//! least the module's pass mark, compared exactly (`correct × 100 ≥ pass mark × total`),
//! so a pass mark of 67% is not met by 2 of 3 (66.67%).

use super::{Percent, percent};
use beacon_core::readiness::LearningModule;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// An answer naming an option the question does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionOutOfRange {
    /// The question.
    pub question_id: String,
    /// The option chosen (counting from 0).
    pub chosen: usize,
    /// How many options the question has.
    pub options: usize,
}

/// Why a quiz could not be marked, every problem listed.
///
/// Why: a submitted quiz is marked whole or not at all, and the learner's page can say
/// exactly which questions need an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuizError {
    /// Ids answered that are not questions in the module, in the order answered (each once).
    pub not_in_module: Vec<String>,
    /// Answers naming an option the question does not have.
    pub out_of_range: Vec<OptionOutOfRange>,
    /// Questions answered more than once, in the order first answered (each once).
    pub answered_twice: Vec<String>,
    /// Questions with no answer, in the module's order.
    pub unanswered: Vec<String>,
}

impl QuizError {
    /// True when there is nothing wrong.
    fn is_empty(&self) -> bool {
        self.not_in_module.is_empty()
            && self.out_of_range.is_empty()
            && self.answered_twice.is_empty()
            && self.unanswered.is_empty()
    }
}

impl fmt::Display for QuizError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.not_in_module.is_empty() {
            parts.push(format!(
                "answers to questions that are not in the module: {}",
                self.not_in_module.join(", ")
            ));
        }
        for wrong in &self.out_of_range {
            parts.push(format!(
                "question {} has {} options, so option {} does not exist",
                wrong.question_id,
                wrong.options,
                wrong.chosen + 1
            ));
        }
        if !self.answered_twice.is_empty() {
            parts.push(format!(
                "questions answered more than once: {}",
                self.answered_twice.join(", ")
            ));
        }
        if !self.unanswered.is_empty() {
            parts.push(format!(
                "questions with no answer: {}",
                self.unanswered.join(", ")
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for QuizError {}

/// One question, marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionResult {
    /// The question.
    pub question_id: String,
    /// The option chosen (counting from 0).
    pub chosen: usize,
    /// The correct option (counting from 0).
    pub correct_option: usize,
    /// Whether the choice was correct.
    pub is_correct: bool,
    /// Why that is the answer, shown after marking.
    pub explanation: String,
}

/// A marked quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuizResult {
    /// Questions answered correctly.
    pub correct: usize,
    /// Questions in the quiz.
    pub total: usize,
    /// `correct` as a whole percentage of `total`, half up (for showing; passing is
    /// decided exactly).
    pub percent: Percent,
    /// Whether the module's pass mark was met.
    pub passed: bool,
    /// Each question, in the module's order.
    pub results: Vec<QuestionResult>,
}

/// Marks a learner's answers (question id, option chosen counting from 0).
///
/// Every question must be answered once, with an option it has; otherwise nothing is
/// marked and the error lists every problem. (A module with no quiz, which
/// [`LearningModule::problems`] refuses, marks as 0 of 0: 100% and passed.)
pub fn mark_quiz(
    module: &LearningModule,
    answers: &[(String, usize)],
) -> Result<QuizResult, QuizError> {
    let mut error = QuizError {
        not_in_module: Vec::new(),
        out_of_range: Vec::new(),
        answered_twice: Vec::new(),
        unanswered: Vec::new(),
    };
    let mut chosen: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, option) in answers {
        let Some(question) = module.question(id) else {
            if !error.not_in_module.contains(id) {
                error.not_in_module.push(id.clone());
            }
            continue;
        };
        if chosen.insert(id.as_str(), *option).is_some() {
            if !error.answered_twice.contains(id) {
                error.answered_twice.push(id.clone());
            }
        } else if *option >= question.options.len() {
            error.out_of_range.push(OptionOutOfRange {
                question_id: id.clone(),
                chosen: *option,
                options: question.options.len(),
            });
        }
    }
    error.unanswered = module
        .quiz
        .iter()
        .filter(|question| !chosen.contains_key(question.id.as_str()))
        .map(|question| question.id.clone())
        .collect();
    if !error.is_empty() {
        return Err(error);
    }
    let results: Vec<QuestionResult> = module
        .quiz
        .iter()
        .filter_map(|question| {
            let chosen = *chosen.get(question.id.as_str())?;
            Some(QuestionResult {
                question_id: question.id.clone(),
                chosen,
                correct_option: question.correct,
                is_correct: chosen == question.correct,
                explanation: question.explanation.clone(),
            })
        })
        .collect();
    let correct = results.iter().filter(|result| result.is_correct).count();
    let total = results.len();
    let passed = correct as u64 * 100 >= u64::from(module.pass_mark_percent) * total as u64;
    Ok(QuizResult {
        correct,
        total,
        percent: percent(correct as u64, total as u64).unwrap_or(100),
        passed,
        results,
    })
}

/// One attempt at a module's quiz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptFact {
    /// The learner's organisation.
    pub organisation_id: i64,
    /// The learner.
    pub learner_id: i64,
    /// The module.
    pub module_id: String,
    /// The attempt's score.
    pub percent: Percent,
    /// Whether it passed.
    pub passed: bool,
}

/// How far one organisation's staff have got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgCompletion {
    /// The organisation.
    pub organisation_id: i64,
    /// Its learners with at least one attempt at one of the modules.
    pub learners: usize,
    /// Distinct learner-and-module pairs with a passing attempt.
    pub modules_completed: usize,
    /// Learners × modules: every module done by every learner.
    pub possible: usize,
    /// `modules_completed` as a whole percentage of `possible`, half up.
    pub completion_percent: Option<Percent>,
    /// The mean over learner-and-module pairs attempted of the best score, half up.
    pub mean_best_score: Option<Percent>,
}

/// The same across every organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaCompletion {
    /// Organisations with at least one learner.
    pub organisations: usize,
    /// Learners across them.
    pub learners: usize,
    /// Learner-and-module pairs passed.
    pub modules_completed: usize,
    /// Learners × modules.
    pub possible: usize,
    /// `modules_completed` as a whole percentage of `possible`, half up.
    pub completion_percent: Option<Percent>,
    /// The mean over every learner-and-module pair attempted of the best score, half up.
    pub mean_best_score: Option<Percent>,
}

/// Completion per organisation (in id order) and across the area.
///
/// Why: partners and the board see how much of the education staff have finished, not
/// just how many attempts there were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// Each organisation with a learner.
    pub organisations: Vec<OrgCompletion>,
    /// Every organisation together.
    pub area: AreaCompletion,
}

/// What the figures need of one group of learner-and-module pairs.
#[derive(Default)]
struct Tally {
    /// Learners (by organisation and learner id).
    learners: BTreeSet<(i64, i64)>,
    /// Pairs passed.
    completed: usize,
    /// Sum of best scores over pairs attempted.
    best_total: u64,
    /// Pairs attempted.
    attempted: u64,
}

impl Tally {
    /// Adds one learner's best and passed on one module.
    fn add(&mut self, learner: (i64, i64), best: Percent, passed: bool) {
        self.learners.insert(learner);
        self.completed += usize::from(passed);
        self.best_total += u64::from(best);
        self.attempted += 1;
    }

    /// Learners × modules, the completion percentage and the mean best score.
    fn figures(&self, modules: usize) -> (usize, Option<Percent>, Option<Percent>) {
        let possible = self.learners.len() * modules;
        (
            possible,
            percent(self.completed as u64, possible as u64),
            percent(self.best_total, self.attempted * 100),
        )
    }
}

/// Staff completion of `modules` from the quiz attempts. Attempts at modules not among
/// `modules` are left out; a learner counts in their organisation once they have an
/// attempt at one of the modules.
pub fn completion(modules: &[LearningModule], attempts: &[AttemptFact]) -> Completion {
    let offered: BTreeSet<&str> = modules.iter().map(|module| module.id.as_str()).collect();
    // Best score and whether passed, per (organisation, learner, module).
    let mut pairs: BTreeMap<(i64, i64, &str), (Percent, bool)> = BTreeMap::new();
    for attempt in attempts {
        if !offered.contains(attempt.module_id.as_str()) {
            continue;
        }
        let key = (
            attempt.organisation_id,
            attempt.learner_id,
            attempt.module_id.as_str(),
        );
        let entry = pairs.entry(key).or_insert((0, false));
        entry.0 = entry.0.max(attempt.percent);
        entry.1 |= attempt.passed;
    }
    let mut by_org: BTreeMap<i64, Tally> = BTreeMap::new();
    let mut area = Tally::default();
    for ((organisation, learner, _), (best, passed)) in pairs {
        by_org
            .entry(organisation)
            .or_default()
            .add((organisation, learner), best, passed);
        area.add((organisation, learner), best, passed);
    }
    let count = offered.len();
    let organisations: Vec<OrgCompletion> = by_org
        .iter()
        .map(|(organisation_id, tally)| {
            let (possible, completion_percent, mean_best_score) = tally.figures(count);
            OrgCompletion {
                organisation_id: *organisation_id,
                learners: tally.learners.len(),
                modules_completed: tally.completed,
                possible,
                completion_percent,
                mean_best_score,
            }
        })
        .collect();
    let (possible, completion_percent, mean_best_score) = area.figures(count);
    Completion {
        area: AreaCompletion {
            organisations: organisations.len(),
            learners: area.learners.len(),
            modules_completed: area.completed,
            possible,
            completion_percent,
            mean_best_score,
        },
        organisations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::readiness::education::MODULE_FORMAT;
    use beacon_core::readiness::{ModuleSection, QuizQuestion};

    fn module(id: &str, pass_mark: u32, questions: usize) -> LearningModule {
        LearningModule {
            format: MODULE_FORMAT.into(),
            id: id.into(),
            title: format!("Module {id}"),
            summary: "Learn.".into(),
            minutes: 10,
            sections: vec![ModuleSection {
                heading: "Start".into(),
                paragraphs: vec!["Text.".into()],
            }],
            quiz: (1..=questions)
                .map(|n| QuizQuestion {
                    id: format!("q{n}"),
                    text: format!("Question {n}?"),
                    options: vec!["a".into(), "b".into(), "c".into()],
                    correct: 1,
                    explanation: format!("Because {n}."),
                })
                .collect(),
            pass_mark_percent: pass_mark,
            advice: Vec::new(),
        }
    }

    fn answers(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        list.iter().map(|(id, o)| ((*id).to_owned(), *o)).collect()
    }

    #[test]
    fn marks_each_question_and_the_whole() {
        let result = mark_quiz(
            &module("m", 75, 4),
            &answers(&[("q4", 1), ("q1", 1), ("q2", 0), ("q3", 1)]),
        )
        .expect("marked");
        assert_eq!((result.correct, result.total, result.percent), (3, 4, 75));
        assert!(result.passed); // exactly the pass mark
        let ids: Vec<&str> = result
            .results
            .iter()
            .map(|r| r.question_id.as_str())
            .collect();
        assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
        let second = &result.results[1];
        assert_eq!(
            (second.chosen, second.correct_option, second.is_correct),
            (0, 1, false)
        );
        assert_eq!(second.explanation, "Because 2.");
    }

    #[test]
    fn the_pass_mark_is_compared_exactly() {
        // 2 of 3 is 66.67%: it shows as 67% but does not meet a 67% pass mark.
        let two_of_three = answers(&[("q1", 1), ("q2", 1), ("q3", 2)]);
        let result = mark_quiz(&module("m", 67, 3), &two_of_three).expect("marked");
        assert_eq!(result.percent, 67);
        assert!(!result.passed);
        let result = mark_quiz(&module("m", 66, 3), &two_of_three).expect("marked");
        assert!(result.passed);
    }

    #[test]
    fn every_problem_is_listed() {
        let error = mark_quiz(
            &module("m", 50, 4),
            &answers(&[
                ("q1", 1),
                ("q9", 0),
                ("q2", 3),
                ("q1", 0),
                ("q8", 0),
                ("q9", 1),
            ]),
        )
        .expect_err("refused");
        assert_eq!(error.not_in_module, ["q9", "q8"]);
        assert_eq!(
            error.out_of_range,
            [OptionOutOfRange {
                question_id: "q2".into(),
                chosen: 3,
                options: 3
            }]
        );
        assert_eq!(error.answered_twice, ["q1"]);
        assert_eq!(error.unanswered, ["q3", "q4"]);
        assert_eq!(
            error.to_string(),
            "answers to questions that are not in the module: q9, q8; question q2 has 3 options, so option 4 does not exist; questions answered more than once: q1; questions with no answer: q3, q4"
        );
    }

    fn attempt(org: i64, learner: i64, module: &str, percent: u32, passed: bool) -> AttemptFact {
        AttemptFact {
            organisation_id: org,
            learner_id: learner,
            module_id: module.into(),
            percent,
            passed,
        }
    }

    #[test]
    fn completion_counts_distinct_passes_and_best_scores() {
        let modules = [module("passwords", 80, 5), module("phishing", 80, 5)];
        let attempts = [
            // Organisation 1, learner 10: failed then passed passwords; passed phishing.
            attempt(1, 10, "passwords", 60, false),
            attempt(1, 10, "passwords", 100, true),
            attempt(1, 10, "phishing", 80, true),
            // Passing again does not count twice.
            attempt(1, 10, "phishing", 80, true),
            // Learner 11: failed phishing only.
            attempt(1, 11, "phishing", 40, false),
            // Organisation 2, learner 20: passed passwords; a retired module is left out.
            attempt(2, 20, "passwords", 90, true),
            attempt(2, 20, "retired", 10, false),
            // A learner with only a retired module is not counted.
            attempt(2, 21, "retired", 100, true),
        ];
        let completion = completion(&modules, &attempts);
        assert_eq!(
            completion.organisations,
            [
                OrgCompletion {
                    organisation_id: 1,
                    learners: 2,
                    modules_completed: 2,
                    possible: 4,
                    completion_percent: Some(50),
                    // Best scores 100, 80, 40: mean 73.3.
                    mean_best_score: Some(73),
                },
                OrgCompletion {
                    organisation_id: 2,
                    learners: 1,
                    modules_completed: 1,
                    possible: 2,
                    completion_percent: Some(50),
                    mean_best_score: Some(90),
                },
            ]
        );
        assert_eq!(
            completion.area,
            AreaCompletion {
                organisations: 2,
                learners: 3,
                modules_completed: 3,
                possible: 6,
                completion_percent: Some(50),
                // 100, 80, 40, 90: mean 77.5, half up.
                mean_best_score: Some(78),
            }
        );
    }

    #[test]
    fn no_attempts_no_figures() {
        let completion = completion(&[module("m", 50, 2)], &[]);
        assert!(completion.organisations.is_empty());
        assert_eq!(completion.area.learners, 0);
        assert_eq!(completion.area.completion_percent, None);
        assert_eq!(completion.area.mean_best_score, None);
    }
}
