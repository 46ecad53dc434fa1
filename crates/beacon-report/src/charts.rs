//! The SVG charts of the HTML board update, written by hand: the two charts of the
//! standalone document and the small per-issue trend charts the web sections add.
//!
//! Why by hand: the board update needs simple charts (bars per month, bars per
//! district) with accessible markup (`role="img"`, `<title>`, `<desc>`, text labels on
//! every bar). That is a few small functions; a plotting dependency would bring far
//! more than it gives and would not produce this markup. Every piece of text is escaped
//! here, because the template inserts the finished SVG as it is.
//!
//! Colours meet WCAG AA against white (bars 5.2:1 and 11:1, text 19:1), and no meaning
//! is carried by colour alone: each panel and bar has a text label.
//!
//! Charts are styled only with presentation attributes (`fill`, `stroke`, `font-size`),
//! never `style=`, so pages whose Content-Security-Policy forbids inline styles can embed
//! them. Each chart's ids start with the id it is given, so charts on one page never
//! share an id.

use crate::wording;
use std::fmt::Write as _;

/// Width of both charts in SVG units (they scale to the page).
const WIDTH: f64 = 720.0;
/// Text colour (GOV.UK black).
const TEXT: &str = "#0b0c0c";
/// Fraud bars (GOV.UK blue, 5.2:1 on white).
const FRAUD: &str = "#1d70b8";
/// Cyber crime bars (GOV.UK purple, 11:1 on white).
const CYBER: &str = "#4c2c92";
/// Gridlines (GOV.UK mid grey; decorative).
const GRID: &str = "#b1b4b6";

/// One month of the trend chart.
#[derive(Debug, Clone)]
pub(crate) struct MonthBar {
    /// The month in words, e.g. "March 2017".
    pub name: String,
    /// The axis label, e.g. "Mar".
    pub short: String,
    /// The year, shown under the first month and under each January.
    pub year: Option<String>,
    /// Fraud reports.
    pub fraud: u64,
    /// Cyber crime reports.
    pub cyber: u64,
}

/// One local issue's reports per month, for its small trend chart.
#[derive(Debug, Clone)]
pub(crate) struct IssueTrend {
    /// The issue's name in the rules, e.g. `courier_fraud` (stable, so ids come from it).
    pub issue: String,
    /// The issue in plain words, e.g. "Courier fraud".
    pub label: String,
    /// Reports per month, aligned with the months; `None` where the summary has no
    /// count for that month.
    pub counts: Vec<Option<u64>>,
}

/// One district of the rate chart.
#[derive(Debug, Clone)]
pub(crate) struct RateBar {
    /// District name.
    pub name: String,
    /// Reports per 100,000 residents, in tenths.
    pub tenths: u64,
    /// Reports.
    pub reports: u64,
}

/// Escapes text for SVG (XML) content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// An axis scale: the top value and the step between gridlines, both "nice" (1, 2 or 5
/// times a power of ten) with at most five steps.
pub(crate) fn nice_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            let steps = max.div_ceil(step);
            if steps <= 5 {
                return (steps * step, step);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Shortens text to `limit` characters with an ellipsis.
fn clip(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let kept: String = text.chars().take(limit.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// Opens an accessible full-width chart: `role="img"` named by its `<title>` and
/// `<desc>`, whose ids start with `id`.
fn open(id: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" font-size=\"14\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n{}",
        title_and_desc(id, title, desc)
    )
}

/// The `<title>` and `<desc>` that name a chart, with the ids its `aria-labelledby`
/// points at.
fn title_and_desc(id: &str, title: &str, desc: &str) -> String {
    format!(
        "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        escape(title),
        escape(desc)
    )
}

/// A text element; `anchor` is `start`, `middle` or `end`.
fn text(svg: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>",
        escape(content)
    );
}

/// A bold text element at the start of a line, for a panel's heading.
fn heading(svg: &mut String, x: f64, y: f64, content: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-weight=\"bold\">{}</text>",
        escape(content)
    );
}

/// A horizontal or vertical line.
fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, dash: bool) {
    let dash = if dash {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let _ = writeln!(
        svg,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\"{dash}/>"
    );
}

/// A filled rectangle.
fn rect(svg: &mut String, (x, y): (f64, f64), (width, height): (f64, f64), fill: &str) {
    let _ = writeln!(
        svg,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" fill=\"{fill}\"/>"
    );
}

/// Left edge of the trend chart's plot area (room for the axis labels).
const PLOT_LEFT: f64 = 70.0;
/// Right edge of the trend chart's plot area.
const PLOT_RIGHT: f64 = WIDTH - 20.0;
/// Height of a trend panel's plot area.
const PLOT_HEIGHT: f64 = 120.0;
/// Height of a whole trend panel: heading, plot, month labels.
const PANEL_HEIGHT: f64 = 205.0;
/// Narrowest month slot that still has room for its count above the bar.
const SLOT_FOR_LABEL: f64 = 34.0;

/// One bar panel of the trend chart.
struct Panel<'a> {
    /// The panel's heading, e.g. "Fraud reports per month".
    heading: &'a str,
    /// Top edge of the panel.
    top: f64,
    /// Bar colour.
    fill: &'a str,
    /// One count per month.
    values: Vec<u64>,
}

/// How a panel's counts map onto its plot area.
struct PanelScale {
    /// Bottom of the plot area (the zero line).
    bottom: f64,
    /// The scale's top value.
    top_value: u64,
    /// Between gridlines.
    step: u64,
    /// Width given to each month.
    slot: f64,
}

impl PanelScale {
    /// A scale that fits the panel's largest count.
    fn new(panel: &Panel<'_>) -> PanelScale {
        let (top_value, step) = nice_scale(panel.values.iter().copied().max().unwrap_or(0));
        PanelScale {
            bottom: panel.top + 40.0 + PLOT_HEIGHT,
            top_value,
            step,
            slot: (PLOT_RIGHT - PLOT_LEFT) / panel.values.len().max(1) as f64,
        }
    }

    /// The y position of a count.
    fn y(&self, value: u64) -> f64 {
        self.bottom - value as f64 / self.top_value as f64 * PLOT_HEIGHT
    }
}

/// Horizontal gridlines with their values.
fn count_axis(svg: &mut String, scale: &PanelScale) {
    let step = usize::try_from(scale.step).unwrap_or(usize::MAX);
    for tick in (0..=scale.top_value).step_by(step) {
        let y = scale.y(tick);
        line(svg, (PLOT_LEFT, y), (PLOT_RIGHT, y), GRID, false);
        text(svg, PLOT_LEFT - 8.0, y + 5.0, "end", &wording::count(tick));
    }
}

/// One month's bar, its count above it (where there is room) and its label below.
fn month_bar(
    svg: &mut String,
    scale: &PanelScale,
    index: usize,
    month: &MonthBar,
    value: u64,
    fill: &str,
) {
    let centre = PLOT_LEFT + scale.slot * (index as f64 + 0.5);
    let width = scale.slot * 0.6;
    let top = scale.y(value);
    rect(
        svg,
        (centre - width / 2.0, top),
        (width, scale.bottom - top),
        fill,
    );
    if scale.slot >= SLOT_FOR_LABEL {
        text(svg, centre, top - 5.0, "middle", &wording::count(value));
    }
    text(svg, centre, scale.bottom + 18.0, "middle", &month.short);
    if let Some(year) = &month.year {
        text(svg, centre, scale.bottom + 36.0, "middle", year);
    }
}

/// One panel: heading, gridlines with values, bars with their counts, month labels.
fn month_panel(svg: &mut String, panel: &Panel<'_>, months: &[MonthBar]) {
    heading(svg, PLOT_LEFT, panel.top + 18.0, panel.heading);
    let scale = PanelScale::new(panel);
    count_axis(svg, &scale);
    for (index, (month, &value)) in months.iter().zip(&panel.values).enumerate() {
        month_bar(svg, &scale, index, month, value, panel.fill);
    }
    line(
        svg,
        (PLOT_LEFT, scale.bottom),
        (PLOT_RIGHT, scale.bottom),
        TEXT,
        false,
    );
}

/// The lowest and highest months of a series, in words.
fn range_words(months: &[MonthBar], values: &[u64]) -> String {
    range_words_of(months.iter().zip(values.iter().copied()))
}

/// The lowest and highest of (month, count) pairs, in words (on ties, the first lowest
/// and the last highest month, as the month chart has always said).
fn range_words_of<'a>(pairs: impl Iterator<Item = (&'a MonthBar, u64)> + Clone) -> String {
    let low = pairs.clone().min_by_key(|(_, v)| *v);
    let high = pairs.max_by_key(|(_, v)| *v);
    match (low, high) {
        (Some((low_month, low)), Some((high_month, high))) => format!(
            "lowest {} in {}, highest {} in {}",
            wording::count(low),
            low_month.name,
            wording::count(high),
            high_month.name
        ),
        _ => "no months".to_owned(),
    }
}

/// The monthly trend: fraud and cyber crime reports per month, as two bar panels with
/// their own scales (fraud is far more common, so one scale would flatten cyber crime).
pub(crate) fn month_chart(months: &[MonthBar]) -> String {
    let fraud = Panel {
        heading: "Fraud reports per month",
        top: 0.0,
        fill: FRAUD,
        values: months.iter().map(|m| m.fraud).collect(),
    };
    let cyber = Panel {
        heading: "Cyber crime reports per month",
        top: PANEL_HEIGHT,
        fill: CYBER,
        values: months.iter().map(|m| m.cyber).collect(),
    };
    let desc = format!(
        "Two bar charts of reports per month, by date reported. Fraud: {}. Cyber crime: {}. The table below gives every month's figures.",
        range_words(months, &fraud.values),
        range_words(months, &cyber.values)
    );
    let title = "Fraud and cyber crime reports per month";
    let mut svg = open("trend", PANEL_HEIGHT * 2.0 + 30.0, title, &desc);
    month_panel(&mut svg, &fraud, months);
    month_panel(&mut svg, &cyber, months);
    let axis_y = PANEL_HEIGHT * 2.0 + 20.0;
    text(&mut svg, WIDTH / 2.0, axis_y, "middle", "Month reported");
    let _ = writeln!(
        svg,
        "<text x=\"18\" y=\"{PANEL_HEIGHT:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {PANEL_HEIGHT:.1})\">Reports</text>"
    );
    svg.push_str("</svg>");
    svg
}

/// Height of one district row.
const ROW_HEIGHT: f64 = 32.0;
/// Top of the district chart's plot area (room for the area line's label).
const RATE_TOP: f64 = 30.0;
/// Longest district name drawn before it is clipped.
const NAME_CHARS: usize = 30;

/// Where the district chart's plot area lies and how rates map onto it.
struct RateLayout {
    /// Left edge of the bars (after the names).
    left: f64,
    /// Right edge of the scale (before the value labels).
    right: f64,
    /// Bottom of the last row.
    bottom: f64,
    /// The scale's top value, in tenths.
    scale_top: u64,
    /// Between gridlines, in tenths.
    step: u64,
}

impl RateLayout {
    /// Room for the longest name, one row per district, a scale that fits every rate.
    fn new(bars: &[RateBar], area_rate: Option<u64>) -> RateLayout {
        let longest = bars.iter().map(|b| b.name.chars().count()).max();
        let name_chars = longest.unwrap_or(0).min(NAME_CHARS);
        let max = bars.iter().map(|b| b.tenths).chain(area_rate).max();
        let (scale_top, step) = nice_scale(max.unwrap_or(0));
        RateLayout {
            left: (name_chars as f64 * 7.5 + 16.0).clamp(80.0, 250.0),
            right: WIDTH - 70.0,
            bottom: RATE_TOP + ROW_HEIGHT * bars.len() as f64,
            scale_top,
            step,
        }
    }

    /// The x position of a rate.
    fn x(&self, tenths: u64) -> f64 {
        self.left + tenths as f64 / self.scale_top as f64 * (self.right - self.left)
    }
}

/// Vertical gridlines with their values, and the axis title.
fn rate_axis(svg: &mut String, layout: &RateLayout) {
    let step = usize::try_from(layout.step).unwrap_or(usize::MAX);
    for tick in (0..=layout.scale_top).step_by(step) {
        let x = layout.x(tick);
        line(svg, (x, RATE_TOP), (x, layout.bottom), GRID, false);
        let label = tick_label(tick, layout.step);
        text(svg, x, layout.bottom + 20.0, "middle", &label);
    }
    let centre = (layout.left + layout.right) / 2.0;
    let title_y = layout.bottom + 48.0;
    text(
        svg,
        centre,
        title_y,
        "middle",
        "Reports per 100,000 residents",
    );
}

/// The area's rate as a dashed line with its label, drawn under the bars so their
/// labels stay readable.
fn area_line(svg: &mut String, layout: &RateLayout, rate: u64) {
    let x = layout.x(rate);
    line(svg, (x, RATE_TOP - 8.0), (x, layout.bottom), TEXT, true);
    let label = format!("Area: {}", wording::tenths(rate));
    text(svg, x, RATE_TOP - 14.0, "middle", &label);
}

/// One district: its name, its bar and its rate.
fn rate_row(svg: &mut String, layout: &RateLayout, index: usize, bar: &RateBar) {
    let row_top = RATE_TOP + ROW_HEIGHT * index as f64;
    let end = layout.x(bar.tenths);
    let size = (end - layout.left, ROW_HEIGHT - 12.0);
    rect(svg, (layout.left, row_top + 6.0), size, FRAUD);
    let baseline = row_top + 21.0;
    text(
        svg,
        layout.left - 8.0,
        baseline,
        "end",
        &clip(&bar.name, NAME_CHARS),
    );
    text(
        svg,
        end + 6.0,
        baseline,
        "start",
        &wording::tenths(bar.tenths),
    );
}

/// The district comparison: reports per 100,000 residents as horizontal bars, with the
/// area's rate as a dashed, labelled line.
pub(crate) fn district_chart(bars: &[RateBar], area_rate: Option<u64>) -> String {
    let layout = RateLayout::new(bars, area_rate);
    let title = "Reports per 100,000 residents by district";
    let desc = district_desc(bars, area_rate);
    let mut svg = open("districts", layout.bottom + 60.0, title, &desc);
    rate_axis(&mut svg, &layout);
    if let Some(rate) = area_rate {
        area_line(&mut svg, &layout, rate);
    }
    for (index, bar) in bars.iter().enumerate() {
        rate_row(&mut svg, &layout, index, bar);
    }
    let axis = (layout.left, RATE_TOP);
    line(&mut svg, axis, (layout.left, layout.bottom), TEXT, false);
    svg.push_str("</svg>");
    svg
}

/// A rate axis label: whole numbers when the step is whole, else one decimal place.
fn tick_label(tenths: u64, step: u64) -> String {
    if step.is_multiple_of(10) {
        wording::count(tenths / 10)
    } else {
        wording::tenths(tenths)
    }
}

/// The district chart's description in words.
fn district_desc(bars: &[RateBar], area_rate: Option<u64>) -> String {
    let mut desc =
        "Horizontal bar chart of reports per 100,000 residents for each district, highest first"
            .to_owned();
    if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
        let _ = write!(
            desc,
            ": highest {} ({}), lowest {} ({})",
            first.name,
            wording::tenths(first.tenths),
            last.name,
            wording::tenths(last.tenths)
        );
    }
    if let Some(rate) = area_rate {
        let _ = write!(
            desc,
            ". The dashed line is the area's rate, {}",
            wording::tenths(rate)
        );
    }
    desc.push_str(". The table below gives every district's figures.");
    desc
}

/// Width of a small issue chart, in SVG units and, by default, in CSS pixels.
const SMALL_WIDTH: f64 = 340.0;
/// Height of a small issue chart.
const SMALL_HEIGHT: f64 = 170.0;
/// Left edge of a small chart's plot area (room for the count labels).
const SMALL_LEFT: f64 = 44.0;
/// Right edge of a small chart's plot area.
const SMALL_RIGHT: f64 = SMALL_WIDTH - 10.0;
/// Top of a small chart's plot area (room for the heading and the top bar's count).
const SMALL_TOP: f64 = 46.0;
/// Height of a small chart's plot area.
const SMALL_PLOT: f64 = 80.0;
/// Narrowest month slot of a small chart that still has room for its count.
const SMALL_SLOT_FOR_LABEL: f64 = 22.0;
/// Room a month's axis label needs, so labels are thinned out when months are narrow.
const SMALL_MONTH_LABEL: f64 = 24.0;
/// Room a year's label needs before the next one.
const SMALL_YEAR_LABEL: f64 = 36.0;
/// Longest issue name drawn as a small chart's heading before it is clipped.
const SMALL_HEADING_CHARS: usize = 44;

/// One local issue's reports per month as a small bar chart (a small multiple: one per
/// issue, each with its own scale, every bar labelled with its count where there is
/// room). `id` names the chart: its `<title>` and `<desc>` get `{id}-title` and
/// `{id}-desc`, so several charts can share a page. The chart has a width and height,
/// so it keeps its size on a page with no stylesheet for it.
pub(crate) fn issue_chart(id: &str, trend: &IssueTrend, months: &[MonthBar]) -> String {
    let known = || {
        months
            .iter()
            .zip(&trend.counts)
            .filter_map(|(month, count)| count.map(|count| (month, count)))
    };
    let title = format!("{}: reports per month", trend.label);
    let desc = format!(
        "Bar chart of reports per month for {}, by date reported: {}. The table below the charts gives every month's figures.",
        trend.label,
        range_words_of(known())
    );
    let mut svg = format!(
        "<svg class=\"issue-trend-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{SMALL_WIDTH}\" height=\"{SMALL_HEIGHT}\" viewBox=\"0 0 {SMALL_WIDTH} {SMALL_HEIGHT}\" font-size=\"12\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n{}",
        title_and_desc(id, &title, &desc)
    );
    heading(
        &mut svg,
        4.0,
        18.0,
        &clip(&trend.label, SMALL_HEADING_CHARS),
    );
    let (top_value, step) = nice_scale(known().map(|(_, count)| count).max().unwrap_or(0));
    let bottom = SMALL_TOP + SMALL_PLOT;
    let y = |value: u64| bottom - value as f64 / top_value as f64 * SMALL_PLOT;
    let step_by = usize::try_from(step).unwrap_or(usize::MAX);
    for tick in (0..=top_value).step_by(step_by) {
        line(
            &mut svg,
            (SMALL_LEFT, y(tick)),
            (SMALL_RIGHT, y(tick)),
            GRID,
            false,
        );
        text(
            &mut svg,
            SMALL_LEFT - 6.0,
            y(tick) + 4.0,
            "end",
            &wording::count(tick),
        );
    }
    let slot = (SMALL_RIGHT - SMALL_LEFT) / months.len().max(1) as f64;
    // Every `stride`-th month is named on the axis, so narrow months' names never overlap.
    let stride = (SMALL_MONTH_LABEL / slot).ceil().max(1.0) as usize;
    let mut last_year: Option<f64> = None;
    for (index, month) in months.iter().enumerate() {
        let centre = SMALL_LEFT + slot * (index as f64 + 0.5);
        if let Some(&Some(count)) = trend.counts.get(index) {
            let width = slot * 0.6;
            let top = y(count);
            rect(
                &mut svg,
                (centre - width / 2.0, top),
                (width, bottom - top),
                FRAUD,
            );
            if slot >= SMALL_SLOT_FOR_LABEL {
                text(
                    &mut svg,
                    centre,
                    top - 4.0,
                    "middle",
                    &wording::count(count),
                );
            }
        }
        if index % stride == 0 {
            text(&mut svg, centre, bottom + 16.0, "middle", &month.short);
        }
        if let Some(year) = &month.year
            && last_year.is_none_or(|x| centre - x >= SMALL_YEAR_LABEL)
        {
            text(&mut svg, centre, bottom + 32.0, "middle", year);
            last_year = Some(centre);
        }
    }
    line(
        &mut svg,
        (SMALL_LEFT, bottom),
        (SMALL_RIGHT, bottom),
        TEXT,
        false,
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_nice_with_at_most_five_steps() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(4), (4, 1));
        assert_eq!(nice_scale(7), (8, 2));
        assert_eq!(nice_scale(850), (1_000, 200));
        assert_eq!(nice_scale(1_001), (1_500, 500));
        assert_eq!(nice_scale(26), (30, 10));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn long_names_are_clipped() {
        assert_eq!(clip("Melton", 30), "Melton");
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn rate_ticks_drop_the_decimal_when_whole() {
        assert_eq!(tick_label(500, 100), "50");
        assert_eq!(tick_label(15, 5), "1.5");
    }

    fn months(count: usize) -> Vec<MonthBar> {
        (0..count)
            .map(|index| MonthBar {
                name: format!("Month {index}"),
                short: format!("M{index}"),
                year: (index % 12 == 0).then(|| format!("Y{}", index / 12)),
                fraud: 0,
                cyber: 0,
            })
            .collect()
    }

    #[test]
    fn an_issue_chart_is_named_by_its_own_ids_and_labels_every_bar() {
        let trend = IssueTrend {
            issue: "courier_fraud".to_owned(),
            label: "Courier & doorstep fraud".to_owned(),
            counts: vec![Some(3), Some(12), Some(0)],
        };
        let svg = issue_chart("chart-issue-courier_fraud", &trend, &months(3));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(
            "aria-labelledby=\"chart-issue-courier_fraud-title chart-issue-courier_fraud-desc\""
        ));
        assert!(svg.contains(
            "<title id=\"chart-issue-courier_fraud-title\">Courier &amp; doorstep fraud: reports per month</title>"
        ));
        assert!(svg.contains("lowest 0 in Month 2, highest 12 in Month 1"));
        assert_eq!(svg.matches(&format!("fill=\"{FRAUD}\"")).count(), 3);
        for label in [">3</text>", ">12</text>", ">M0</text>", ">Y0</text>"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(!svg.contains("style"));
    }

    #[test]
    fn an_issue_chart_thins_its_month_names_and_skips_missing_counts() {
        let trend = IssueTrend {
            issue: "x".to_owned(),
            label: "X".to_owned(),
            counts: vec![Some(7); 20],
        };
        let svg = issue_chart("chart-issue-x", &trend, &months(24));
        // 24 months are 11.9 units each, and a name needs 24: every third month is
        // named, no count is drawn above its bar, and only the 20 known months have bars.
        assert_eq!(svg.matches(&format!("fill=\"{FRAUD}\"")).count(), 20);
        assert!(svg.contains(">M0</text>") && !svg.contains(">M1</text>"));
        assert!(svg.contains(">M21</text>") && !svg.contains(">M22</text>"));
        assert!(!svg.contains(">7</text>"));
        assert!(svg.contains(">8</text>"), "the scale's top is labelled");
        assert!(svg.contains(">Y1</text>"));
    }

    #[test]
    fn an_empty_chart_still_renders() {
        let svg = district_chart(&[], None);
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        let svg = month_chart(&[]);
        assert!(svg.contains("no months"));
        let trend = IssueTrend {
            issue: "x".to_owned(),
            label: "X".to_owned(),
            counts: Vec::new(),
        };
        let svg = issue_chart("chart-issue-x", &trend, &[]);
        assert!(svg.contains("no months") && svg.ends_with("</svg>"));
    }
}
