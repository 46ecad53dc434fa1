//! The page that refuses a front-door form as a whole (timed out, not started here, too
//! large, sent too soon or too often), with the GOV.UK error summary and a way to start
//! again.

use crate::chrome::layout::{Chrome, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "front_door/templates/refused.html")]
struct RefusedPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// A page refusing the form, titled as an error, with a way to start again.
pub fn refused(status: StatusCode, heading: &str, message: &str) -> Response {
    render(
        status,
        &RefusedPage {
            chrome: Chrome::anonymous(format!("Error: {heading}")),
            heading,
            message,
        },
    )
}
