//! Beacon's board update: the partnership's headline figures in the words a board paper
//! uses, rendered from a [`beacon_analytics::Summary`] as GitHub-flavoured Markdown and
//! as a standalone, printable HTML document with two accessible SVG charts.
//!
//! Both outputs are built from one set of sentences and tables, so they always agree.
//! Pages with a layout of their own (the web app) take the same update as rendered,
//! escaped parts ([`sections()`]) or as the document's body ([`html_fragment`]); the
//! standalone document is that body inside a page, so none of them can disagree.
//! The rounding and phrasing rules live in [`wording`]; `docs/board-update.md` states
//! them for readers.

mod board;
mod charts;
mod html;
pub mod map;
mod markdown;
pub mod sections;
pub mod wording;

pub use sections::{Sections, html_fragment, html_fragment_with_register, sections};

use beacon_analytics::Summary;
use beacon_analytics::register::RegisterFigures;

/// The board update as GitHub-flavoured Markdown: headings, paragraphs, pipe tables.
pub fn markdown(summary: &Summary) -> String {
    markdown::render(&board::Board::from_summary(summary))
}

/// The board update as Markdown with the register section for the same period: the
/// board paper's figure of distinct addresses in its words, and the district table (or
/// a plain statement that the register saw nothing in the period).
pub fn markdown_with_register(summary: &Summary, register: &RegisterFigures) -> String {
    markdown::render(&board::Board::with_register(summary, Some(register)))
}

/// The board update as a complete standalone HTML5 document (inline CSS, inline SVG
/// charts, no JavaScript, no external resources).
pub fn html(summary: &Summary) -> String {
    html_with_map(summary, None)
}

/// The board update as HTML, with a district map (a choropleth of reports per 100,000
/// residents) drawn from `boundaries_geojson` before the district table. With `None`,
/// or boundaries that cannot be parsed, the map is simply left out: the report never
/// fails for want of a map.
pub fn html_with_map(summary: &Summary, boundaries_geojson: Option<&str>) -> String {
    let page = sections::titled_body(summary, None, boundaries_geojson);
    html::render(&page.title, &page.range, &page.body)
}

/// As [`html_with_map`], with the register section for the same period (see
/// [`markdown_with_register`]).
pub fn html_with_register(
    summary: &Summary,
    register: &RegisterFigures,
    boundaries_geojson: Option<&str>,
) -> String {
    let page = sections::titled_body(summary, Some(register), boundaries_geojson);
    html::render(&page.title, &page.range, &page.body)
}
