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

mod advisories;
mod board;
mod business;
pub mod care;
mod charts;
pub mod debrief;
mod html;
pub mod map;
mod markdown;
pub mod protect;
pub mod readiness;
pub mod sections;
pub mod wording;

pub use advisories::AdvisoryFigures;
pub use sections::{
    Sections, html_fragment, html_fragment_with, html_fragment_with_register, sections,
};

use beacon_analytics::Summary;
use beacon_analytics::register::RegisterFigures;

/// The board update as GitHub-flavoured Markdown: headings, paragraphs, pipe tables.
pub fn markdown(summary: &Summary) -> String {
    markdown::render(&board::Board::from_summary(summary))
}

/// The sections beyond the reports that a board update can carry, each shown when its
/// figures are given.
///
/// Why: the register and the partner advisories are read from other parts of the store
/// than the reports; the caller reads what the partnership has and passes it here, so
/// every output (Markdown, HTML, the web page, the PDF) shows the same sections.
#[derive(Debug, Clone, Copy, Default)]
pub struct BoardExtras<'a> {
    /// The threat-address register's figures for the period.
    pub register: Option<&'a RegisterFigures>,
    /// The partner advisories' figures for the period (`None` leaves the section out:
    /// the caller gives none when the store tracks no advisories at all).
    pub advisories: Option<&'a AdvisoryFigures>,
    /// The readiness figures for the period (`None` leaves the section out: the caller
    /// gives none when Beacon holds no readiness data at all).
    pub readiness: Option<&'a beacon_analytics::readiness::ReadinessFigures>,
    /// The protect campaigns' figures for the period (`None` leaves the section out: the
    /// caller gives none when the store holds no campaigns at all).
    pub protect: Option<&'a beacon_analytics::campaigns::ProtectFigures>,
    /// The victim-care figures for the period (`None` leaves the section out: the caller
    /// gives none when no case of the period's reports is in the triage queue).
    pub care: Option<&'a beacon_analytics::care::CareFigures>,
    /// The Cyber Choices figures for the period (`None` leaves the section out: the
    /// caller gives none when Beacon holds no referrals at all).
    pub prevent: Option<&'a beacon_analytics::prevent::PreventFigures>,
    /// The businesses' figures for the period (`None` leaves the section out: the caller
    /// gives none when there is neither an engagement nor a business's front-door report
    /// in it).
    pub business: Option<&'a beacon_analytics::engagement::BusinessFigures>,
}

impl<'a> BoardExtras<'a> {
    /// Only the register section.
    pub fn register(register: &'a RegisterFigures) -> BoardExtras<'a> {
        BoardExtras {
            register: Some(register),
            advisories: None,
            readiness: None,
            protect: None,
            care: None,
            prevent: None,
            business: None,
        }
    }
}

/// The board update as Markdown with the register section for the same period: the
/// board paper's figure of distinct addresses in its words, and the district table (or
/// a plain statement that the register saw nothing in the period).
pub fn markdown_with_register(summary: &Summary, register: &RegisterFigures) -> String {
    markdown_with(summary, &BoardExtras::register(register))
}

/// The board update as Markdown with the sections `extras` gives figures for.
pub fn markdown_with(summary: &Summary, extras: &BoardExtras<'_>) -> String {
    markdown::render(&board::Board::with_parts(summary, extras))
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
    let page = sections::titled_body(summary, &BoardExtras::default(), boundaries_geojson);
    html::render(&page.title, &page.range, &page.body)
}

/// As [`html_with_map`], with the register section for the same period (see
/// [`markdown_with_register`]).
pub fn html_with_register(
    summary: &Summary,
    register: &RegisterFigures,
    boundaries_geojson: Option<&str>,
) -> String {
    html_with(
        summary,
        &BoardExtras::register(register),
        boundaries_geojson,
    )
}

/// As [`html_with_map`], with the sections `extras` gives figures for (see
/// [`BoardExtras`]).
pub fn html_with(
    summary: &Summary,
    extras: &BoardExtras<'_>,
    boundaries_geojson: Option<&str>,
) -> String {
    let page = sections::titled_body(summary, extras, boundaries_geojson);
    html::render(&page.title, &page.range, &page.body)
}
