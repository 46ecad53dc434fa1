//! A module's page (its teaching, then its quiz as a form) and marking a submitted quiz:
//! unanswered questions are named in the error summary and nothing is recorded; a marked
//! quiz shows each answer with why, and the certificate when passed.

use super::scope::{learner_form_holds, learner_form_token, learner_token, missing, trouble};
use crate::chrome::error::WebError;
use crate::chrome::forms::Problem;
use crate::chrome::layout::{Chrome, render};
use crate::refusals::{Refusal, refuse};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::ReadinessError;
use beacon_app::readiness::learning::{self, QuizOutcome};
use beacon_core::readiness::{AdviceLink, LearningModule};
use beacon_store::education::LearnerRecord;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The prefix of a quiz answer's field name (`answer-<question id>`).
const ANSWER: &str = "answer-";

/// Part of a section: a paragraph, or a list (lines starting `- `).
pub enum Block {
    /// Plain text.
    Text(String),
    /// The items of a bulleted list.
    List(Vec<String>),
}

/// A section as the page shows it.
pub struct SectionView {
    /// Its heading.
    pub heading: String,
    /// Its paragraphs and lists, in order.
    pub blocks: Vec<Block>,
}

/// A section's paragraphs as blocks: within a paragraph, runs of lines starting `- ` are
/// a list and other lines are text.
fn blocks(paragraphs: &[String]) -> Vec<Block> {
    let mut out = Vec::new();
    for paragraph in paragraphs {
        let mut text: Vec<&str> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        for line in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(item) = line.strip_prefix("- ") {
                if !text.is_empty() {
                    out.push(Block::Text(text.join(" ")));
                    text.clear();
                }
                items.push(item.trim().to_owned());
            } else {
                if !items.is_empty() {
                    out.push(Block::List(std::mem::take(&mut items)));
                }
                text.push(line);
            }
        }
        if !text.is_empty() {
            out.push(Block::Text(text.join(" ")));
        }
        if !items.is_empty() {
            out.push(Block::List(items));
        }
    }
    out
}

/// A quiz question as the form shows it.
pub struct QuestionView {
    /// Its number in the quiz, from 1.
    pub number: usize,
    /// Its field's name (and its first option's id): `answer-<id>`.
    pub field: String,
    /// The question.
    pub text: String,
    /// The options: index, words, and whether it was chosen (the form shown again).
    pub options: Vec<(usize, String, bool)>,
    /// Why it was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "learning/templates/module.html")]
struct ModulePage {
    chrome: Chrome,
    module_id: String,
    summary: String,
    minutes: u32,
    pass_mark: u32,
    sections: Vec<SectionView>,
    questions: Vec<QuestionView>,
    advice: Vec<AdviceLink>,
    csrf: String,
    problems: Vec<Problem>,
}

/// The module page, its quiz filled in with `chosen` and marked with `problems`.
fn module_page(
    status: StatusCode,
    module: &LearningModule,
    csrf: String,
    chosen: &BTreeMap<String, usize>,
    problems: Vec<Problem>,
) -> Response {
    let questions = module
        .quiz
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let field = format!("{ANSWER}{}", question.id);
            QuestionView {
                number: index + 1,
                error: problems
                    .iter()
                    .find(|p| p.field == field)
                    .map(|p| p.message.clone()),
                field,
                text: question.text.clone(),
                options: question
                    .options
                    .iter()
                    .enumerate()
                    .map(|(index, words)| {
                        let checked = chosen.get(&question.id) == Some(&index);
                        (index, words.clone(), checked)
                    })
                    .collect(),
            }
        })
        .collect();
    render(
        status,
        &ModulePage {
            chrome: Chrome::anonymous(module.title.clone()),
            module_id: module.id.clone(),
            summary: module.summary.clone(),
            minutes: module.minutes,
            pass_mark: module.pass_mark_percent,
            sections: module
                .sections
                .iter()
                .map(|section| SectionView {
                    heading: section.heading.clone(),
                    blocks: blocks(&section.paragraphs),
                })
                .collect(),
            questions,
            advice: module
                .advice
                .iter()
                .filter(|link| link.is_safe())
                .cloned()
                .collect(),
            csrf,
            problems,
        },
    )
}

/// The learners' page for a module that does not exist.
fn no_module() -> Response {
    missing(
        "Module not found",
        "There is no module at this address. Your modules are listed on your staff learning page.",
    )
}

/// The request's learner, by their cookie.
enum Found {
    /// The learner, with their token.
    Learner(String, LearnerRecord),
    /// No cookie, or one no learner has: the answer sends them to `/learn`.
    Nobody,
    /// The store failed.
    Trouble,
}

impl Found {
    /// The answer for a request without a learner.
    fn answer(self) -> Response {
        match self {
            Found::Trouble => trouble(),
            _ => Redirect::to("/learn").into_response(),
        }
    }
}

/// The learner whose cookie the request carries.
async fn signed_learner(state: &AppState, headers: &HeaderMap) -> Found {
    let Some(token) = learner_token(headers) else {
        return Found::Nobody;
    };
    let lookup = token.clone();
    match state
        .blocking(move |store| learning::learner(store, &lookup))
        .await
    {
        Ok(Ok(Some(learner))) => Found::Learner(token, learner),
        Ok(Ok(None)) => Found::Nobody,
        Ok(Err(error)) => {
            tracing::error!(%error, "a learner could not be found");
            Found::Trouble
        }
        Err(_) => Found::Trouble,
    }
}

/// A module's teaching and its quiz, for a learner (others are sent to `/learn`).
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(module) = learning::module(&id) else {
        return no_module();
    };
    match signed_learner(&state, &headers).await {
        Found::Learner(token, _) => module_page(
            StatusCode::OK,
            module,
            learner_form_token(&token),
            &BTreeMap::new(),
            Vec::new(),
        ),
        other => other.answer(),
    }
}

/// One marked question as the results show it.
pub struct MarkedView {
    /// Its number, from 1.
    pub number: usize,
    /// The question.
    pub text: String,
    /// The answer given.
    pub chosen: String,
    /// The right answer.
    pub correct: String,
    /// Whether the answer was right.
    pub is_correct: bool,
    /// Why that is the answer.
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "learning/templates/results.html")]
struct ResultsPage {
    chrome: Chrome,
    module_id: String,
    correct: usize,
    total: usize,
    percent: u32,
    passed: bool,
    pass_mark: u32,
    certificate: Option<String>,
    marked: Vec<MarkedView>,
}

fn results_page(module: &LearningModule, outcome: &QuizOutcome) -> Response {
    let marked = outcome
        .result
        .results
        .iter()
        .enumerate()
        .map(|(index, result)| {
            let question = module.question(&result.question_id);
            let words = |option: usize| {
                question
                    .and_then(|q| q.options.get(option))
                    .cloned()
                    .unwrap_or_default()
            };
            MarkedView {
                number: index + 1,
                text: question.map(|q| q.text.clone()).unwrap_or_default(),
                chosen: words(result.chosen),
                correct: words(result.correct_option),
                is_correct: result.is_correct,
                explanation: result.explanation.clone(),
            }
        })
        .collect();
    let title = if outcome.result.passed {
        "You passed"
    } else {
        "You did not pass this time"
    };
    render(
        StatusCode::OK,
        &ResultsPage {
            chrome: Chrome::anonymous(format!("{title}: {}", module.title)),
            module_id: module.id.clone(),
            correct: outcome.result.correct,
            total: outcome.result.total,
            percent: outcome.result.percent,
            passed: outcome.result.passed,
            pass_mark: module.pass_mark_percent,
            certificate: outcome.certificate_code.clone(),
            marked,
        },
    )
}

/// Marks and records the learner's quiz; every unanswered question is named and nothing
/// is recorded until all are answered.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(module) = learning::module(&id) else {
        return no_module();
    };
    let (token, learner) = match signed_learner(&state, &headers).await {
        Found::Learner(token, learner) => (token, learner),
        other => return other.answer(),
    };
    let sent = fields
        .iter()
        .find(|(name, _)| name == "csrf_token")
        .map_or("", |(_, value)| value.as_str());
    if !learner_form_holds(&token, sent) {
        refuse(Refusal {
            action: "csrf_refused",
            detail: "refused: a learner's quiz was sent without their form's token".into(),
            actor: Some("(learner)".into()),
        });
        return WebError::Csrf.into_response();
    }
    // Each answer once (a repeated field is a forged form: the first counts); a value
    // that is not an option's number is no answer.
    let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
    for (name, value) in &fields {
        if let Some(question) = name.strip_prefix(ANSWER)
            && let Ok(option) = value.trim().parse::<usize>()
        {
            chosen.entry(question.to_owned()).or_insert(option);
        }
    }
    let answers: Vec<(String, usize)> = chosen.iter().map(|(q, o)| (q.clone(), *o)).collect();
    let module_id = module.id.clone();
    let marked = state
        .blocking(move |store| {
            learning::take_quiz(
                store,
                &learner,
                &module_id,
                &answers,
                OffsetDateTime::now_utc(),
            )
        })
        .await;
    match marked {
        Ok(Ok(outcome)) => results_page(module, &outcome),
        Ok(Err(ReadinessError::Invalid(reasons))) => {
            let mut problems: Vec<Problem> = module
                .quiz
                .iter()
                .enumerate()
                .filter(|(_, question)| !chosen.contains_key(&question.id))
                .map(|(index, question)| {
                    Problem::new(
                        format!("{ANSWER}{}", question.id),
                        format!("Choose an answer to question {}", index + 1),
                    )
                })
                .collect();
            if problems.is_empty() {
                let first = module
                    .quiz
                    .first()
                    .map(|q| format!("{ANSWER}{}", q.id))
                    .unwrap_or_default();
                problems.push(Problem::new(
                    first,
                    super::scope::sentence(&reasons.join("; ")),
                ));
            }
            module_page(
                StatusCode::BAD_REQUEST,
                module,
                learner_form_token(&token),
                &chosen,
                problems,
            )
        }
        Ok(Err(ReadinessError::NotFound(_))) => no_module(),
        Ok(Err(error)) => {
            tracing::error!(%error, "a quiz could not be recorded");
            trouble()
        }
        Err(_) => trouble(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_starting_with_a_dash_are_lists() {
        let found = blocks(&[
            "First words.".to_owned(),
            "Look for:\n- one\n- two\nThen stop.".to_owned(),
        ]);
        let shapes: Vec<String> = found
            .iter()
            .map(|block| match block {
                Block::Text(text) => format!("text:{text}"),
                Block::List(items) => format!("list:{}", items.join("|")),
            })
            .collect();
        assert_eq!(
            shapes,
            [
                "text:First words.",
                "text:Look for:",
                "list:one|two",
                "text:Then stop."
            ]
        );
    }
}
