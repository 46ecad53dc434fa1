//! Beacon's board update: the partnership's headline figures in the words a board paper
//! uses, rendered from a [`beacon_analytics::Summary`] as GitHub-flavoured Markdown and
//! as a standalone, printable HTML document with two accessible SVG charts.
//!
//! Both outputs are built from one set of sentences and tables, so they always agree.
//! The rounding and phrasing rules live in [`wording`]; `docs/board-update.md` states
//! them for readers.

mod board;
mod charts;
mod html;
mod markdown;
pub mod wording;

use beacon_analytics::Summary;

/// The board update as GitHub-flavoured Markdown: headings, paragraphs, pipe tables.
pub fn markdown(summary: &Summary) -> String {
    markdown::render(&board::Board::from_summary(summary))
}

/// The board update as a complete standalone HTML5 document (inline CSS, inline SVG
/// charts, no JavaScript, no external resources).
pub fn html(summary: &Summary) -> String {
    html::render(&board::Board::from_summary(summary))
}
