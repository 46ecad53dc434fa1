//! The page a simulated phishing email's link leads to. Every fetch is recorded and
//! judged a person's click or a link scanner's (by the method, the browser's
//! identification and headers); the page then teaches what gave the email away.
//!
//! **Invariant:** the page has no form and no field: it collects nothing. It is never
//! indexed, and, like every page, sends no referrer.

use super::scope::{missing, trouble};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use beacon_app::readiness::{learning, phishing};
use time::OffsetDateTime;

/// The module the page points to.
const PHISHING_MODULE: &str = "phishing";

#[derive(Template)]
#[template(path = "learning/templates/landing.html")]
struct LandingPage {
    chrome: Chrome,
    from_name: String,
    subject: String,
    tells: Vec<String>,
    /// Where to report a real phishing email.
    report_to: String,
    module_id: &'static str,
    module_title: String,
}

/// Whether a request carries what a browser sends when a person follows a link: an
/// `Accept` naming HTML and an `Accept-Language`.
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

/// Marks a response as one search engines must not index.
fn unindexed(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    response
}

/// Records the fetch and shows what the email was and how to spot the next one.
pub async fn page(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let browser = browser_headers(&headers);
    let recorded = if token.len() > 128 {
        Ok(Ok(None))
    } else {
        state
            .blocking(move |store| {
                phishing::record_fetch(
                    store,
                    &token,
                    method.as_str(),
                    user_agent.as_deref(),
                    browser,
                    OffsetDateTime::now_utc(),
                )
            })
            .await
    };
    let landing = match recorded {
        Ok(Ok(Some(landing))) => landing,
        Ok(Ok(None)) => {
            return unindexed(missing(
                "Page not found",
                "This link does not lead anywhere. If it came in an email you were not expecting, do not click other links in it, and tell your IT service desk.",
            ));
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "a simulated link's fetch could not be recorded");
            return unindexed(trouble());
        }
        Err(_) => return unindexed(trouble()),
    };
    let module_title = learning::module(PHISHING_MODULE)
        .map(|module| module.title.clone())
        .unwrap_or_else(|_| "Spotting and reporting phishing".to_owned());
    unindexed(render(
        StatusCode::OK,
        &LandingPage {
            chrome: Chrome::anonymous("This was a simulated phishing email"),
            from_name: landing.template.from_name.clone(),
            subject: landing.template.subject.clone(),
            tells: landing.template.tells.clone(),
            // Beacon has no setting naming a report-phishing address for staff, so they
            // are sent to whoever looks after their own IT.
            report_to: "your IT service desk".to_owned(),
            module_id: PHISHING_MODULE,
            module_title,
        },
    ))
}
