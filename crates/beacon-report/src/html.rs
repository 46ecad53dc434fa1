//! The board update as a standalone HTML5 document: the page (inline CSS for screen and
//! A4 print) around the body that [`mod@crate::sections`] lays out, so the document and the
//! web sections are one rendering.

use crate::charts;
use askama::Template;

/// The page around the body.
#[derive(Template)]
#[template(path = "board.html")]
struct Page<'a> {
    /// The update's main heading, for the document's `<title>`.
    title: &'a str,
    /// The period, for the document's `<title>`.
    range: &'a str,
    /// The body, already rendered and escaped.
    body: &'a str,
}

/// Renders the whole document around `body`.
pub(crate) fn render(title: &str, range: &str, body: &str) -> String {
    let page = Page { title, range, body };
    page.render()
        .unwrap_or_else(|error| failed(&error.to_string()))
}

/// A minimal document saying rendering failed. Rendering into a `String` only fails if
/// formatting a value fails, which the board's plain strings never do.
fn failed(error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>Board update</title>\n</head>\n<body>\n<h1>Board update</h1>\n<p>The board update could not be rendered: {}</p>\n</body>\n</html>\n",
        charts::escape(error)
    )
}
