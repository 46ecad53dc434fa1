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
pub mod map;
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
    html_with_map(summary, None)
}

/// The board update as HTML, with a district map (a choropleth of reports per 100,000
/// residents) drawn from `boundaries_geojson` before the district table. With `None`,
/// or boundaries that cannot be parsed, the map is simply left out: the report never
/// fails for want of a map.
pub fn html_with_map(summary: &Summary, boundaries_geojson: Option<&str>) -> String {
    let map = boundaries_geojson.and_then(|geojson| {
        let values: Vec<(String, String, Option<f64>)> = summary
            .by_district
            .iter()
            .filter_map(|row| {
                let code = row.district_code.clone()?;
                let rate = wording::rate_tenths(row.reports, row.population)
                    .map(|tenths| tenths as f64 / 10.0);
                Some((code, row.name.clone(), rate))
            })
            .collect();
        map::district_map(geojson, &values).ok()
    });
    html::render(&board::Board::from_summary(summary), map)
}
