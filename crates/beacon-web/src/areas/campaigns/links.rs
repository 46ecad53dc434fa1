//! A campaign recipient's own links: the tracked link that leads on to the advice, the
//! image that tells (unreliably) that an email was opened, and the one-question survey
//! on whether they acted.
//!
//! **Invariant:** nothing here collects more than the answer to one question; the pages
//! are never indexed and, like every page, send no referrer.

use crate::chrome::error_page::error_page_titled;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::campaigns::CampaignError;
use beacon_app::campaigns::links::{self, Fetch, SURVEY_ANSWERS, SurveyOutcome};
use serde::Deserialize;
use time::OffsetDateTime;

/// A transparent 1×1 GIF: the open-tracking image.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Marks a response as one search engines must not index.
pub(super) fn unindexed(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    response
}

/// The page for a link that leads nowhere.
pub(super) fn missing() -> Response {
    unindexed(error_page_titled(
        StatusCode::NOT_FOUND,
        "Page not found",
        "This link does not lead anywhere. If it came in a message you were not expecting, do not follow other links in it. You can report suspicious emails to report@phishing.gov.uk and forward scam texts to 7726.",
    ))
}

/// The page for a request that failed on Beacon's side.
pub(super) fn trouble() -> Response {
    unindexed(error_page_titled(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem",
        "Beacon could not do this just now. Please try again later.",
    ))
}

/// Whether a request carries what a browser sends when a person follows a link.
fn browser_headers(headers: &HeaderMap) -> bool {
    let accepts_html = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.to_ascii_lowercase().contains("text/html"));
    let language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| !value.trim().is_empty());
    accepts_html && language
}

/// Records the fetch (a person's click or a scanner's) and leads on to the advice page.
pub async fn follow(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let fetch = Fetch {
        method: method.as_str().to_owned(),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        browser_headers: browser_headers(&headers),
    };
    let followed = state
        .blocking(move |store| {
            links::record_click(store, &token, &fetch, OffsetDateTime::now_utc())
        })
        .await;
    match followed {
        Ok(Ok(Some(followed))) => {
            unindexed(Redirect::to(&format!("/advice/{}", followed.advice_slug)).into_response())
        }
        Ok(Ok(None)) => missing(),
        Ok(Err(error)) => {
            tracing::error!(%error, "a campaign link's fetch could not be recorded");
            trouble()
        }
        Err(_) => trouble(),
    }
}

/// Records an open and answers with a transparent image (the same image for any token,
/// so the answer tells nothing).
pub async fn open_image(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let recorded = state
        .blocking(move |store| links::record_open(store, &token, OffsetDateTime::now_utc()))
        .await;
    if let Ok(Err(error)) = recorded {
        tracing::error!(%error, "a campaign open could not be recorded");
    }
    unindexed(
        (
            [
                (header::CONTENT_TYPE, "image/gif"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            PIXEL,
        )
            .into_response(),
    )
}

#[derive(Template)]
#[template(path = "campaigns/templates/survey.html")]
struct SurveyPage {
    chrome: Chrome,
    token: String,
    answers: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "campaigns/templates/survey_done.html")]
struct SurveyDone {
    chrome: Chrome,
    message: &'static str,
}

fn survey_page(status: StatusCode, token: String, error: Option<String>) -> Response {
    let title = if error.is_some() {
        "Error: Have you done what the message suggested?"
    } else {
        "Have you done what the message suggested?"
    };
    unindexed(render(
        status,
        &SurveyPage {
            chrome: Chrome::anonymous(title),
            token,
            answers: SURVEY_ANSWERS.to_vec(),
            error,
        },
    ))
}

/// The one-question survey.
pub async fn survey_form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let lookup = token.clone();
    match state
        .blocking(move |store| links::recipient(store, &lookup))
        .await
    {
        Ok(Ok(Some(_))) => survey_page(StatusCode::OK, token, None),
        Ok(Ok(None)) => missing(),
        Ok(Err(error)) => {
            tracing::error!(%error, "a campaign survey could not be read");
            trouble()
        }
        Err(_) => trouble(),
    }
}

/// The survey's answer.
#[derive(Debug, Deserialize)]
pub struct SurveyForm {
    /// One of the offered answers.
    #[serde(default)]
    pub answer: Option<String>,
}

/// Records the answer (the first answer stands).
pub async fn survey_answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SurveyForm>,
) -> Response {
    let answer = form.answer.unwrap_or_default();
    let recording = token.clone();
    let outcome = state
        .blocking(move |store| {
            links::record_survey(store, &recording, &answer, OffsetDateTime::now_utc())
        })
        .await;
    let message = match outcome {
        Ok(Ok(Some(SurveyOutcome::Recorded))) => "Thank you. Your answer has been recorded.",
        Ok(Ok(Some(SurveyOutcome::AlreadyAnswered))) => {
            "You have answered already. Thank you: your first answer is the one we keep."
        }
        Ok(Ok(Some(SurveyOutcome::Closed))) => {
            "This survey has closed. Thank you for wanting to answer."
        }
        Ok(Ok(None)) => return missing(),
        Ok(Err(CampaignError::Invalid(problems))) => {
            return survey_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                token,
                Some(problems.join(" ")),
            );
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "a campaign survey answer could not be recorded");
            return trouble();
        }
        Err(_) => return trouble(),
    };
    unindexed(render(
        StatusCode::OK,
        &SurveyDone {
            chrome: Chrome::anonymous("Thank you"),
            message,
        },
    ))
}
