//! The public front door at `/report`: residents and businesses report a scam, fraud or
//! cyber attack one question per page (GOV.UK's question pages), with no sign-in, no
//! script and no cookie. At the end they get advice that suits what they said, an
//! Action Fraud-ready summary to copy or download and, if they consent, a local
//! reference.
//!
//! * [`form`]: what every form carries (earlier answers as hidden fields, never in the
//!   address; the signed token with its issue time; the honeypot).
//! * [`pages`]: the start page, the question pages and check your answers.
//! * [`flow`]: the one handler every question posts to, checking every answer again at
//!   each step.
//! * [`finish`]: the time check, honeypot, rate limit and consent; the result page and
//!   the summary's download.
//! * [`refused`]: the page refusing a form as a whole (timed out, too large, too soon,
//!   too often).
//!
//! **Invariants:** nothing is stored without a consent of yes; the description is never
//! stored; every POST carries a token this server signed within the last two hours
//! (the front door's anti-forgery: there is no session to tie a token to); at most
//! [`BODY_LIMIT`] of a request body is kept, and anything larger is read to its end
//! (up to [`form::DRAIN_LIMIT`]) and answered with a page, never a bare refusal.

pub mod finish;
pub mod flow;
pub mod form;
pub mod pages;
pub mod refused;

pub use form::BODY_LIMIT;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new()
            .route("/report", get(pages::start))
            .route("/report/who", get(pages::again).post(flow::step))
            .route("/report/what", get(pages::again).post(flow::step))
            .route("/report/when", get(pages::again).post(flow::step))
            .route("/report/money", get(pages::again).post(flow::step))
            .route("/report/contact", get(pages::again).post(flow::step))
            .route("/report/business", get(pages::again).post(flow::step))
            .route("/report/where", get(pages::again).post(flow::step))
            .route("/report/describe", get(pages::again).post(flow::step))
            .route("/report/check", get(pages::again).post(flow::step))
            .route("/report/consent", get(pages::again).post(flow::step))
            .route("/report/done", get(pages::again).post(flow::step))
            .route("/report/download", post(finish::download)),
        ..Routes::default()
    }
}
