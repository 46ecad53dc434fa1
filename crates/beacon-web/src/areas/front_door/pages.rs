//! The start page and the question pages: one handler answers every step, checking
//! every answer carried so far and showing either the first page with a bad answer
//! (with the GOV.UK error summary) or the next question.

use super::form::{
    Body, FORM_LIFETIME, FrontDoorForm, Posted, TokenProblem, all_fields, answer, fields_of,
    issue_token, token_issued,
};
use super::refused::refused;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use beacon_app::front_door::answers::{SIZES, size_label};
use beacon_app::front_door::summary::{date_words, place_words};
use beacon_app::front_door::{Answers, Context, Loss, Page, Problem, Report};
use beacon_core::front_door::{
    BusinessSector, ContactMethod, OUTSIDE_AREA, PLACE_NOT_SURE, ReporterKind, WhatHappened,
};
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "front_door/templates/start.html")]
struct StartPage {
    chrome: Chrome,
    token: String,
    hours: i64,
}

/// `GET /report`: what the service is and is not, and the Start now button (a form, so
/// the questions begin with a token issued now).
pub async fn start(State(state): State<AppState>) -> Response {
    render(
        StatusCode::OK,
        &StartPage {
            chrome: Chrome::anonymous("Report a scam, fraud or cyber attack"),
            token: issue_token(&state.signer, OffsetDateTime::now_utc()),
            hours: FORM_LIFETIME.whole_hours(),
        },
    )
}

/// `GET /report/{page}`: the answers are never in the address, so a question opened
/// without its form starts again.
pub async fn again() -> Redirect {
    Redirect::to("/report")
}

/// One radio or option.
pub(super) struct Choice {
    value: String,
    label: String,
    hint: &'static str,
    checked: bool,
}

fn choices<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str, &'static str)>,
    current: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label, hint)| Choice {
            checked: value == current,
            value: value.to_owned(),
            label: label.to_owned(),
            hint,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "front_door/templates/question.html")]
struct QuestionPage {
    chrome: Chrome,
    page: &'static str,
    heading: String,
    action: String,
    back: Option<&'static str>,
    problems: Vec<Problem>,
    hidden: Vec<(&'static str, String)>,
    token: String,
    honeypot: String,
    returning: bool,
    choices: Vec<Choice>,
    sectors: Vec<Choice>,
    answers: Answers,
    limit: usize,
}

impl QuestionPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.as_str())
    }
}

/// A row of check your answers.
struct Row {
    key: &'static str,
    value: String,
    page: &'static str,
}

#[derive(Template)]
#[template(path = "front_door/templates/check.html")]
struct CheckPage {
    chrome: Chrome,
    rows: Vec<Row>,
    description: String,
    hidden: Vec<(&'static str, String)>,
    token: String,
    honeypot: String,
}

/// Every answer but `page`'s, as hidden fields.
fn hidden_except(answers: &Answers, page: Option<Page>) -> Vec<(&'static str, String)> {
    let own = page.map_or(&[][..], fields_of);
    all_fields()
        .filter(|name| !own.contains(name))
        .map(|name| (name, answer(answers, name).to_owned()))
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// The answers cut short where far over their limits, to be shown or carried again: a
/// 1 MB answer is refused with the error summary, and the page stays small.
fn capped(answers: &Answers) -> Answers {
    use beacon_app::front_door::answers::{DESCRIPTION_LIMIT, FIELD_LIMIT};
    let cut = |text: &str, limit: usize| -> String { text.chars().take(2 * limit).collect() };
    Answers {
        reporter: cut(&answers.reporter, FIELD_LIMIT),
        what: cut(&answers.what, FIELD_LIMIT),
        when_day: cut(&answers.when_day, FIELD_LIMIT),
        when_month: cut(&answers.when_month, FIELD_LIMIT),
        when_year: cut(&answers.when_year, FIELD_LIMIT),
        when_unsure: cut(&answers.when_unsure, FIELD_LIMIT),
        lost: cut(&answers.lost, FIELD_LIMIT),
        amount: cut(&answers.amount, FIELD_LIMIT),
        contact: cut(&answers.contact, FIELD_LIMIT),
        size: cut(&answers.size, FIELD_LIMIT),
        sector: cut(&answers.sector, FIELD_LIMIT),
        place: cut(&answers.place, FIELD_LIMIT),
        description: cut(&answers.description, DESCRIPTION_LIMIT),
        consent: cut(&answers.consent, FIELD_LIMIT),
    }
}

/// The page the form's Continue goes to after `page`.
fn action_after(page: Page, answers: &Answers, returning: bool) -> String {
    let next = if returning && page < Page::Check {
        Some(Page::Check)
    } else {
        page.next(answers)
    };
    format!("/report/{}", next.map_or("done", Page::slug))
}

fn heading_of(page: Page, answers: &Answers) -> String {
    let business = answers.reporter == ReporterKind::Business.key();
    match page {
        Page::Who => "Are you reporting as a resident or for a business?".into(),
        Page::What => "What happened?".into(),
        Page::When => "When did it happen?".into(),
        Page::Money => "Was any money lost?".into(),
        Page::Contact => "How did they first contact you?".into(),
        Page::Business => "About the business".into(),
        Page::Where if business => "Where is the business?".into(),
        Page::Where => "Where do you live?".into(),
        Page::Describe => "What happened, in your own words (optional)".into(),
        Page::Check => "Check your answers".into(),
        Page::Consent => "May we keep a record of your report?".into(),
    }
}

/// Renders a question page, with `problems` when its answers were refused.
pub(super) fn question(
    page: Page,
    posted: &Posted,
    context: &Context,
    problems: Vec<Problem>,
) -> Response {
    let answers = &posted.answers;
    if page == Page::Check {
        return check(posted, context);
    }
    let current = |name: &str| answer(answers, name).to_owned();
    let options = match page {
        Page::Who => choices(
            ReporterKind::ALL.iter().map(|k| (k.key(), k.label(), "")),
            &answers.reporter,
        ),
        Page::What => choices(
            WhatHappened::ALL.iter().map(|k| (k.key(), k.label(), "")),
            &answers.what,
        ),
        Page::Money => choices(
            [
                ("yes", "Yes", ""),
                ("no", "No", ""),
                ("not_sure", "I am not sure", ""),
            ],
            &answers.lost,
        ),
        Page::Contact => choices(
            ContactMethod::ALL.iter().map(|k| (k.key(), k.label(), "")),
            &answers.contact,
        ),
        Page::Business => choices(
            SIZES
                .iter()
                .map(|(size, label)| (size.as_str(), *label, "")),
            &answers.size,
        ),
        Page::Where => {
            let outside = format!("Outside {}", context.area_name);
            let mut list = choices(
                context
                    .districts
                    .iter()
                    .map(|(code, name)| (code.as_str(), name.as_str(), "")),
                &answers.place,
            );
            list.extend(choices(
                [
                    (OUTSIDE_AREA, outside.as_str(), ""),
                    (PLACE_NOT_SURE, "I am not sure", ""),
                ],
                &answers.place,
            ));
            list
        }
        Page::Consent => choices(
            [
                (
                    "yes",
                    "Yes, keep a record",
                    "Only your answers to the questions are kept, not your own words",
                ),
                ("no", "No, do not keep a record", ""),
            ],
            &current("consent"),
        ),
        _ => Vec::new(),
    };
    let sectors = choices(
        BusinessSector::ALL.iter().map(|k| (k.key(), k.label(), "")),
        &answers.sector,
    );
    let heading = heading_of(page, answers);
    let title = if problems.is_empty() {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let shown = capped(answers);
    render(
        status,
        &QuestionPage {
            chrome: Chrome::anonymous(title),
            page: page.slug(),
            heading,
            action: action_after(page, answers, posted.returning),
            back: page.previous(answers).map(Page::slug),
            problems,
            hidden: hidden_except(&shown, Some(page)),
            token: posted.token.clone(),
            honeypot: posted.honeypot.clone(),
            returning: posted.returning,
            choices: options,
            sectors,
            answers: shown,
            limit: beacon_app::front_door::answers::DESCRIPTION_LIMIT,
        },
    )
}

/// The rows check your answers shows for a report.
fn rows_of(report: &Report, area: &str) -> Vec<Row> {
    let mut rows = vec![
        Row {
            key: "Reporting as",
            value: report.reporter.label().to_owned(),
            page: "who",
        },
        Row {
            key: "What happened",
            value: report.what.label().to_owned(),
            page: "what",
        },
        Row {
            key: "When it happened",
            value: report
                .occurred_on
                .map_or_else(|| "Not sure".to_owned(), date_words),
            page: "when",
        },
        Row {
            key: "Money lost",
            value: match report.loss {
                Loss::Amount(pence) => pence.to_string(),
                Loss::Nothing => "None".to_owned(),
                Loss::NotSure => "Not sure".to_owned(),
            },
            page: "money",
        },
        Row {
            key: "How they first contacted you",
            value: report.contact.label().to_owned(),
            page: "contact",
        },
    ];
    if let (Some(size), Some(sector)) = (report.size, report.sector) {
        rows.push(Row {
            key: "Business size",
            value: size_label(size).to_owned(),
            page: "business",
        });
        rows.push(Row {
            key: "Business sector",
            value: sector.label().to_owned(),
            page: "business",
        });
    }
    rows.push(Row {
        key: "Where",
        value: place_words(&report.place, area),
        page: "where",
    });
    rows
}

fn check(posted: &Posted, context: &Context) -> Response {
    let report = match posted.answers.report(context) {
        Ok(report) => report,
        Err((page, problems)) => return question(page, posted, context, problems),
    };
    render(
        StatusCode::OK,
        &CheckPage {
            chrome: Chrome::anonymous("Check your answers"),
            rows: rows_of(&report, &context.area_name),
            description: report.description.clone(),
            hidden: hidden_except(&posted.answers, None)
                .into_iter()
                .filter(|(name, _)| *name != "consent")
                .collect(),
            token: posted.token.clone(),
            honeypot: posted.honeypot.clone(),
        },
    )
}

/// Reads a posted front-door form, or the page saying why it could not be read.
pub(super) fn read_form(form: FrontDoorForm) -> Result<Posted, Box<Response>> {
    match form.0 {
        Body::Fields(fields) => Ok(Posted::read(&fields)),
        Body::TooLarge => Err(Box::new(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Your answers are too long",
            "What you sent is too large to read. Your description must be 1,000 characters or fewer. Start again and keep your answers short.",
        ))),
        Body::Unreadable => Err(Box::new(refused(
            StatusCode::BAD_REQUEST,
            "Your answers could not be read",
            "Start again from the beginning.",
        ))),
    }
}

/// Checks the form's token, or the page saying to start again.
pub(super) fn check_token(
    state: &AppState,
    posted: &Posted,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, Box<Response>> {
    token_issued(&state.signer, &posted.token, now).map_err(|problem| {
        Box::new(match problem {
        TokenProblem::Expired => refused(
            StatusCode::BAD_REQUEST,
            "Your answers have timed out",
            &format!(
                "You need to finish within {} hours of starting, so that your answers are not left on a shared computer. Start again.",
                FORM_LIFETIME.whole_hours()
            ),
        ),
        TokenProblem::Invalid => refused(
            StatusCode::BAD_REQUEST,
            "This form could not be accepted",
            "It was not started from this service, or it has been changed. Start again.",
        ),
        })
    })
}

/// Answers as the done page's download form carries them.
pub(super) fn hidden_answers(answers: &Answers) -> Vec<(&'static str, String)> {
    hidden_except(answers, None)
}

impl QuestionPage {
    /// The date's parts: id, label, value as typed, width.
    fn date_parts(&self) -> [(&'static str, &'static str, &str, &'static str); 3] {
        [
            ("when-day", "Day", &self.answers.when_day, "2"),
            ("when-month", "Month", &self.answers.when_month, "2"),
            ("when-year", "Year", &self.answers.when_year, "4"),
        ]
    }

    /// The date's problem, whichever part it is about.
    fn date_error(&self) -> Option<&str> {
        self.error("when-day")
            .or_else(|| self.error("when-month"))
            .or_else(|| self.error("when-year"))
    }

    /// The name of the page's radios.
    fn radio_name(&self) -> &'static str {
        match self.page {
            "who" => "reporter",
            "what" => "what",
            "money" => "lost",
            "contact" => "contact",
            "where" => "place",
            "consent" => "consent",
            _ => "",
        }
    }
}
