//! The certificate page anyone can open with a certificate's code (printed on it): whom
//! it was given to, for which module and when. A code nobody was given is "not found".

use super::learner::percent_of;
use super::scope::{missing, trouble};
use crate::chrome::format::local_date;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::readiness::learning;

#[derive(Template)]
#[template(path = "learning/templates/certificate.html")]
struct CertificatePage {
    chrome: Chrome,
    learner: String,
    organisation: String,
    module: String,
    date: String,
    score: u32,
    total: u32,
    percent: u32,
    code: String,
}

/// The certificate with this code, to check or print.
pub async fn page(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    // Codes are short; anything long is no code (and is not sent to the store).
    let looked_up = if code.len() > 40 {
        Ok(Ok(None))
    } else {
        state
            .blocking(move |store| learning::certificate(store, &code))
            .await
    };
    match looked_up {
        Ok(Ok(Some(certificate))) => {
            let attempt = &certificate.attempt;
            render(
                StatusCode::OK,
                &CertificatePage {
                    chrome: Chrome::anonymous("Certificate of completion"),
                    learner: attempt.learner.clone(),
                    organisation: attempt.organisation.clone(),
                    module: certificate.module_title.clone(),
                    date: local_date(attempt.at),
                    score: attempt.score,
                    total: attempt.total,
                    percent: percent_of(attempt.score, attempt.total),
                    code: attempt.certificate_code.clone().unwrap_or_default(),
                },
            )
        }
        Ok(Ok(None)) => missing(
            "Certificate not found",
            "No certificate has this code. Check it against the one printed on the certificate: it is three groups of four letters and numbers, like ABCD-1234-EFGH.",
        ),
        Ok(Err(error)) => {
            tracing::error!(%error, "a certificate could not be read");
            trouble()
        }
        Err(_) => trouble(),
    }
}
