//! The end of the questions: the time check, the honeypot, the rate limit and consent
//! decide whether anything is stored; then the result page with tailored advice and the
//! Action Fraud-ready summary, and its download.
//!
//! **Invariant:** only a consent of yes, from a form that passed every check, stores a
//! report; a filled honeypot is answered as if all were well and stores nothing.

use super::pages::{check_token, hidden_answers, question, read_form};
use super::refused::refused;
use crate::chrome::error::WebResult;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use beacon_app::front_door::{Context, Page, advice_for, submit, summary};
use beacon_core::front_door::reference_from;
use std::net::IpAddr;
use time::OffsetDateTime;

use super::form::Posted;

/// One advice link.
struct AdviceLink {
    slug: String,
    title: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "front_door/templates/done.html")]
struct DonePage {
    chrome: Chrome,
    reference: Option<String>,
    advice: Vec<AdviceLink>,
    summary: String,
    hidden: Vec<(&'static str, String)>,
    token: String,
}

/// After consent: every check, then the result.
pub(super) async fn finish(
    state: &AppState,
    posted: Posted,
    context: Context,
    issued: OffsetDateTime,
    now: OffsetDateTime,
    address: Option<IpAddr>,
) -> WebResult<Response> {
    let report = match posted.answers.report(&context) {
        Ok(report) => report,
        Err((page, problems)) => return Ok(question(page, &posted, &context, problems)),
    };
    let consent = match posted.answers.consent() {
        Ok(consent) => consent,
        Err(problem) => return Ok(question(Page::Consent, &posted, &context, vec![problem])),
    };
    let minimum = state.settings().front_door_min_duration;
    if now - issued < minimum {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "Your report was sent too quickly",
            &format!(
                "Reports sent less than {} seconds after starting look like they come from a computer program, so this one was not accepted. Go back, check your answers and send it again.",
                minimum.as_secs()
            ),
        ));
    }
    let honeypot = !posted.honeypot.is_empty();
    let limited = consent && !honeypot;
    let address = address.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if limited && state.report_limiter.is_blocked(address) {
        let minutes = state.settings().front_door_window.as_secs().div_ceil(60);
        let mut page = refused(
            StatusCode::TOO_MANY_REQUESTS,
            "You have sent too many reports",
            &format!("You have sent too many reports. Try again in {minutes} minutes."),
        );
        if let Ok(value) =
            HeaderValue::from_str(&state.settings().front_door_window.as_secs().to_string())
        {
            page.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(page);
    }
    let token = posted.token.clone();
    let for_store = report.clone();
    let (reference, advice) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let reference = if limited {
                Some(submit(store, &for_store, &token, now)?)
            } else if consent {
                // The honeypot was filled: answer as if it was kept, keep nothing.
                Some(reference_from(std::iter::repeat_with(rand::random::<u32>)))
            } else {
                None
            };
            Ok((reference, advice_for(store, &for_store)?))
        })
        .await??;
    if limited {
        // Counts one stored report against the address.
        state.report_limiter.record_failure(address);
    }
    let today = crate::chrome::format::uk_day(now);
    Ok(render(
        StatusCode::OK,
        &DonePage {
            chrome: Chrome::anonymous(if reference.is_some() {
                "Report complete"
            } else {
                "Your summary and advice"
            }),
            summary: summary(&report, &context.area_name, today, reference.as_deref()),
            reference,
            advice: advice
                .into_iter()
                .map(|stored| AdviceLink {
                    slug: stored.item.slug,
                    title: stored.item.title,
                    summary: stored.item.summary,
                })
                .collect(),
            hidden: hidden_answers(&posted.answers),
            token: posted.token,
        },
    ))
}

/// `POST /report/download`: the summary as a text file, from the answers the result
/// page carries (the reference is not carried, so the file has none).
pub async fn download(
    State(state): State<AppState>,
    form: super::form::FrontDoorForm,
) -> WebResult<Response> {
    let now = OffsetDateTime::now_utc();
    let posted = match read_form(form) {
        Ok(posted) => posted,
        Err(page) => return Ok(*page),
    };
    if let Err(page) = check_token(&state, &posted, now) {
        return Ok(*page);
    }
    let today = crate::chrome::format::uk_day(now);
    let context = state
        .blocking(move |store| beacon_app::front_door::context(store, today))
        .await??;
    let report = match posted.answers.report(&context) {
        Ok(report) => report,
        Err((page, problems)) => return Ok(question(page, &posted, &context, problems)),
    };
    let text = summary(&report, &context.area_name, today, None);
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report-summary.txt\"",
            ),
        ],
        text,
    )
        .into_response())
}
