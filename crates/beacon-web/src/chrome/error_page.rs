//! The page a failed request shows, in the layout: a heading and what to do about it.
//! The page is first laid out for a visitor who is not signed in; the error layout
//! middleware lays it out again, with the menu and sign-out, for someone who is.

use super::layout::{Chrome, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// What an error page says, carried on its response so that the error layout middleware can lay it
/// out for whoever is signed in (the error itself does not know who asked).
#[derive(Debug, Clone)]
pub struct ErrorPageText {
    /// The heading.
    pub heading: String,
    /// What to do about it.
    pub message: String,
}

/// The page for a failed request.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::FORBIDDEN => "You do not have access to this page",
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::BAD_REQUEST => "There is a problem with the request",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        _ => "Sorry, there is a problem with Beacon",
    };
    error_page_titled(status, heading, message)
}

/// The error page laid out with `chrome` (the signed-in layout, from the error layout
/// middleware).
pub fn error_page_for(
    chrome: Chrome,
    status: StatusCode,
    heading: &str,
    message: &str,
) -> Response {
    let mut response = render(
        status,
        &ErrorPage {
            chrome,
            heading,
            message,
        },
    );
    response.extensions_mut().insert(ErrorPageText {
        heading: heading.to_owned(),
        message: message.to_owned(),
    });
    response
}

/// The page for a failed request, with its own heading. It is laid out for a visitor
/// who is not signed in; the error layout middleware lays it out again with the menu and sign-out
/// when someone is.
pub fn error_page_titled(status: StatusCode, heading: &str, message: &str) -> Response {
    error_page_for(Chrome::anonymous(heading), status, heading, message)
}
