//! The board update as a standalone HTML5 document: askama template with
//! auto-escaping, inline CSS for screen and A4 print, two hand-written SVG charts.

use crate::board::Board;
use crate::charts;
use askama::Template;

/// The page: the board update and its two charts, already rendered (and escaped).
#[derive(Template)]
#[template(path = "board.html")]
struct Page<'a> {
    /// What the update says.
    board: &'a Board,
    /// Figure 1, reports per month.
    trend_chart: String,
    /// Figure 2, rates by district.
    district_chart: String,
    /// The district map, when there are boundaries to draw it from.
    district_map: Option<String>,
}

/// Renders the whole document.
pub(crate) fn render(board: &Board, district_map: Option<String>) -> String {
    let page = Page {
        board,
        trend_chart: charts::month_chart(&board.month_bars),
        district_chart: charts::district_chart(&board.rate_bars, board.area_rate),
        district_map,
    };
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
