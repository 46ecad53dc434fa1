//! The board update in parts, each already rendered and escaped, for pages that lay them
//! out themselves (the web app's dashboard, district and board pages), and the
//! standalone document's body built from those same parts.
//!
//! Invariants: every table is rendered by one template (`templates/table.html`) and
//! every figure by another (`templates/figure.html`), for the sections and the
//! standalone document alike, so the two never disagree. Fragments carry no `style=`
//! attribute and no `<style>` element (a strict Content-Security-Policy forbids inline
//! styles), and the ids of all sections together are unique, so one page can show every
//! part of one board update.

use crate::BoardExtras;
use crate::advisories::ADVISORIES_HEADING;
use crate::board::{Board, REGISTER_HEADING, Table};
use crate::charts;
use crate::map;
use crate::wording;
use askama::Template;
use beacon_analytics::Summary;
use beacon_analytics::register::RegisterFigures;
use std::collections::HashSet;

/// Figure 1's caption, after its number.
const TREND_CAPTION: &str =
    "fraud and cyber crime reports per month, by date reported. Each kind has its own scale.";
/// The district map's caption, after its number.
const MAP_CAPTION: &str =
    "reports per 100,000 residents by district. The table of districts below gives every value.";
/// The district rate chart's caption, after its number.
const RATES_CAPTION: &str = "reports per 100,000 residents by district. Reports with no known district, or from outside the area, are left out.";
/// The issue trend charts' caption.
const ISSUE_TRENDS_CAPTION: &str =
    "local issue reports per month, by date reported. Each issue has its own scale.";

/// The board update's parts, each already rendered and escaped, for pages that lay them
/// out themselves.
///
/// Why: the web app shows these parts inside its own GOV.UK-styled layout, picking the
/// ones a page needs, while the words, figures and markup stay those of the standalone
/// board update. Plain-text fields are not escaped (the caller's template escapes them);
/// every other field is HTML to insert as it is. Figures here have unnumbered captions,
/// since a page showing some of them cannot keep the document's numbering.
#[derive(Debug, Clone)]
pub struct Sections {
    /// The update's main heading, e.g. "Fraud and cyber crime in Rutland" (plain text).
    pub title: String,
    /// The period, e.g. "1 January to 30 June 2017" (plain text).
    pub range: String,
    /// Headline paragraphs, fraud then cyber crime (plain text, one paragraph each).
    pub headlines: Vec<String>,
    /// A `<figure>` with the reports-per-month chart and its data table.
    pub trend_figure: String,
    /// The district choropleth SVG with its legend, no figure around it; `None` when
    /// there were no boundaries or they could not be read.
    pub district_map: Option<String>,
    /// The district table (`<table class="govuk-table">`, with the area's total).
    pub districts_table: String,
    /// A `<figure>` with the district rate chart and its data table.
    pub rates_figure: String,
    /// One sentence per local issue (plain text).
    pub issue_sentences: Vec<String>,
    /// The local issues table.
    pub issues_table: String,
    /// A `<figure class="issue-trends">` with one small bar chart of reports per month
    /// for each local issue, then their data table (months down, issues across). Only
    /// the sections have it; the standalone document does not.
    pub issue_trends_figure: String,
    /// How a month is judged a spike (plain text).
    pub spike_rule: String,
    /// The spikes table (or a paragraph saying no month was flagged).
    pub spikes_table: String,
    /// Sentences on who the victims were (plain text).
    pub victim_sentences: Vec<String>,
    /// Victim tables: who reported, individuals by age, individuals by gender.
    pub victims_tables: Vec<String>,
    /// The most reported fraud types.
    pub fraud_types_table: String,
    /// Notes on the data (plain text).
    pub notes: Vec<String>,
    /// The register section's heading (plain text).
    pub register_heading: &'static str,
    /// The register section's paragraphs, its figure first (plain text); empty when no
    /// register figures were given.
    pub register_paragraphs: Vec<String>,
    /// The register's addresses by district, when it saw any in the period.
    pub register_table: Option<String>,
    /// The partner advisories section's heading (plain text).
    pub advisories_heading: &'static str,
    /// The partner advisories section's paragraphs, its figure first (plain text); empty
    /// when no advisory figures were given.
    pub advisories_paragraphs: Vec<String>,
    /// Notices by sector, when any notice was sent in the period.
    pub advisories_table: Option<String>,
    /// The readiness section's heading (plain text).
    pub readiness_heading: &'static str,
    /// Its paragraphs before the table (exercises, self-assessment); empty when no
    /// readiness figures were given.
    pub readiness_before: Vec<String>,
    /// The five Cyber Essentials controls, when any organisation assessed itself.
    pub readiness_table: Option<String>,
    /// The five controls by sector and by district.
    pub readiness_groups: Vec<String>,
    /// Its paragraphs after the table (staff education, phishing simulations).
    pub readiness_after: Vec<String>,
    /// The protect section's heading (plain text).
    pub protect_heading: &'static str,
    /// Its paragraphs before the table (campaigns run, reach, clicks, actions); empty
    /// when no protect figures were given.
    pub protect_before: Vec<String>,
    /// The period's campaigns, when any was run.
    pub protect_table: Option<String>,
    /// The measured effects, one paragraph each (or that no trial has one).
    pub protect_effects: Vec<String>,
    /// The victim-care section's heading (plain text).
    pub care_heading: &'static str,
    /// Its paragraphs; empty when no victim-care figures were given.
    pub care: Vec<String>,
    /// The Cyber Choices section's heading (plain text).
    pub prevent_heading: &'static str,
    /// Its paragraphs; empty when no Cyber Choices figures were given.
    pub prevent: Vec<String>,
    /// The businesses section's heading (plain text).
    pub business_heading: &'static str,
    /// Its paragraphs; empty when no business figures were given.
    pub business: Vec<String>,
    /// Its reporting-gap table, when either source has a report.
    pub business_table: Option<String>,
}

/// The board update's parts for `summary`, with the district map drawn from
/// `boundaries_geojson` when given and readable.
///
/// Why: pages with their own layout need the parts, not a whole document; see
/// [`Sections`].
pub fn sections(summary: &Summary, boundaries_geojson: Option<&str>) -> Sections {
    Parts::new(summary, &BoardExtras::default(), boundaries_geojson).sections()
}

/// The board update's body: everything inside `<main>` of the standalone document,
/// starting at its `<h1>`, with the document's headings (`h1`, then `h2`) and figure
/// numbers.
///
/// Why: a page with its own layout (header, navigation, stylesheet) can show the whole
/// board update exactly as the standalone document says it, without a second `<html>`.
pub fn html_fragment(summary: &Summary, boundaries_geojson: Option<&str>) -> String {
    Parts::new(summary, &BoardExtras::default(), boundaries_geojson)
        .body()
        .body
}

/// As [`html_fragment`], with the register section for the same period: the board
/// paper's figure of distinct addresses and its district table, or a plain statement
/// that the register saw nothing in the period.
///
/// Why: the web board page shows the whole update, register included, as the CLI
/// writes it.
pub fn html_fragment_with_register(
    summary: &Summary,
    register: &RegisterFigures,
    boundaries_geojson: Option<&str>,
) -> String {
    html_fragment_with(
        summary,
        &BoardExtras::register(register),
        boundaries_geojson,
    )
}

/// As [`html_fragment`], with the sections `extras` gives figures for (the register's,
/// the partner advisories').
///
/// Why: the web board page shows the whole update as the CLI writes it, whatever
/// sections the partnership's data supports.
pub fn html_fragment_with(
    summary: &Summary,
    extras: &BoardExtras<'_>,
    boundaries_geojson: Option<&str>,
) -> String {
    Parts::new(summary, extras, boundaries_geojson).body().body
}

/// The body with the title and period the standalone document's `<title>` needs.
pub(crate) struct TitledBody {
    /// The update's main heading (plain text).
    pub title: String,
    /// The period (plain text).
    pub range: String,
    /// The body, as [`html_fragment`] gives it.
    pub body: String,
}

/// The body and what the page around it needs, built once.
pub(crate) fn titled_body(
    summary: &Summary,
    extras: &BoardExtras<'_>,
    boundaries_geojson: Option<&str>,
) -> TitledBody {
    Parts::new(summary, extras, boundaries_geojson).body()
}

/// The charts and tables, rendered once, that both the sections and the body use.
struct Parts {
    /// What the update says, as plain text.
    board: Board,
    /// The reports-per-month chart.
    trend_chart: String,
    /// Its data table.
    months_table: String,
    /// The district map, when there are boundaries to draw it from.
    district_map: Option<String>,
    /// The district rate chart.
    rates_chart: String,
    /// Its data table.
    rates_table: String,
    /// One small chart per local issue.
    issue_charts: Vec<String>,
    /// Their data table.
    issue_months_table: String,
}

impl Parts {
    /// Builds the board update and renders its charts and tables.
    fn new(summary: &Summary, extras: &BoardExtras<'_>, boundaries_geojson: Option<&str>) -> Parts {
        let board = Board::with_parts(summary, extras);
        let ids = issue_chart_ids(board.issue_trends.iter().map(|t| t.issue.as_str()));
        let issue_charts = board
            .issue_trends
            .iter()
            .zip(&ids)
            .map(|(trend, id)| charts::issue_chart(id, trend, &board.month_bars))
            .collect();
        Parts {
            trend_chart: charts::month_chart(&board.month_bars),
            months_table: table_html(&board.months),
            district_map: boundaries_geojson.and_then(|geojson| district_map(summary, geojson)),
            rates_chart: charts::district_chart(&board.rate_bars, board.area_rate),
            rates_table: table_html(&board.rates),
            issue_charts,
            issue_months_table: table_html(&board.issue_months),
            board,
        }
    }

    /// Figure 1 (or, unnumbered, the trend section).
    fn trend_figure(&self, number: Option<usize>) -> String {
        figure_html(
            None,
            &caption(number, TREND_CAPTION),
            &[&self.trend_chart, &self.months_table],
        )
    }

    /// The district rate chart with its table.
    fn rates_figure(&self, number: Option<usize>) -> String {
        figure_html(
            None,
            &caption(number, RATES_CAPTION),
            &[&self.rates_chart, &self.rates_table],
        )
    }

    /// The sections, with unnumbered figures.
    fn sections(self) -> Sections {
        let trend_figure = self.trend_figure(None);
        let rates_figure = self.rates_figure(None);
        let mut pieces: Vec<&str> = self.issue_charts.iter().map(String::as_str).collect();
        pieces.push(&self.issue_months_table);
        let issue_trends_figure = figure_html(
            Some("issue-trends"),
            &caption(None, ISSUE_TRENDS_CAPTION),
            &pieces,
        );
        let board = self.board;
        Sections {
            title: board.title,
            range: board.range,
            headlines: board.headlines,
            trend_figure,
            district_map: self.district_map,
            districts_table: table_html(&board.districts),
            rates_figure,
            issue_sentences: board.issue_sentences,
            issues_table: table_html(&board.issues),
            issue_trends_figure,
            spike_rule: board.spike_rule,
            spikes_table: table_html(&board.spikes),
            victim_sentences: board.victim_sentences,
            victims_tables: board.victims.iter().map(table_html).collect(),
            fraud_types_table: table_html(&board.fraud_types),
            notes: board.notes,
            register_heading: REGISTER_HEADING,
            register_table: board
                .register
                .as_ref()
                .and_then(|register| register.districts.as_ref())
                .map(table_html),
            register_paragraphs: board
                .register
                .map(|register| register.paragraphs)
                .unwrap_or_default(),
            advisories_heading: ADVISORIES_HEADING,
            advisories_table: board
                .advisories
                .as_ref()
                .and_then(|advisories| advisories.sectors.as_ref())
                .map(table_html),
            advisories_paragraphs: board
                .advisories
                .map(|advisories| advisories.paragraphs)
                .unwrap_or_default(),
            readiness_heading: crate::readiness::READINESS_HEADING,
            readiness_table: board
                .readiness
                .as_ref()
                .and_then(|readiness| readiness.controls.as_ref())
                .map(table_html),
            readiness_groups: board
                .readiness
                .as_ref()
                .map(|readiness| readiness.groups.iter().map(table_html).collect())
                .unwrap_or_default(),
            readiness_before: board
                .readiness
                .as_ref()
                .map(|readiness| readiness.before.clone())
                .unwrap_or_default(),
            readiness_after: board
                .readiness
                .map(|readiness| readiness.after)
                .unwrap_or_default(),
            protect_heading: crate::protect::PROTECT_HEADING,
            protect_table: board
                .protect
                .as_ref()
                .and_then(|protect| protect.campaigns.as_ref())
                .map(table_html),
            protect_before: board
                .protect
                .as_ref()
                .map(|protect| protect.before.clone())
                .unwrap_or_default(),
            protect_effects: board
                .protect
                .map(|protect| protect.effects)
                .unwrap_or_default(),
            care_heading: crate::care::CARE_HEADING,
            care: board.care.unwrap_or_default(),
            prevent_heading: crate::care::PREVENT_HEADING,
            prevent: board.prevent.unwrap_or_default(),
            business_heading: crate::business::BUSINESS_HEADING,
            business_table: board
                .business
                .as_ref()
                .and_then(|business| business.gap.as_ref())
                .map(table_html),
            business: board
                .business
                .map(|business| business.paragraphs)
                .unwrap_or_default(),
        }
    }

    /// The standalone document's body, laid out from the sections with numbered figures.
    fn body(self) -> TitledBody {
        let trend_figure = self.trend_figure(Some(1));
        let map_figure = self
            .district_map
            .as_ref()
            .map(|map| figure_html(Some("district-map"), &caption(Some(2), MAP_CAPTION), &[map]));
        let rates_number = if map_figure.is_some() { 3 } else { 2 };
        let rates_figure = self.rates_figure(Some(rates_number));
        let sections = self.sections();
        let body = Body {
            s: &sections,
            trend_figure,
            map_figure,
            rates_figure,
        }
        .render()
        .unwrap_or_else(|error| not_rendered("The board update", &error));
        TitledBody {
            title: sections.title,
            range: sections.range,
            body,
        }
    }
}

/// The district map for the summary, or `None` when the boundaries cannot be drawn: the
/// update never fails for want of a map.
fn district_map(summary: &Summary, geojson: &str) -> Option<String> {
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
}

/// Ids for the issue charts, `chart-issue-<name>` from each issue's name, made safe for
/// an id (letters, digits, `-` and `_`) and numbered when two names would give the same
/// id, so every chart on a page has its own.
fn issue_chart_ids<'a>(issues: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used = HashSet::new();
    issues
        .map(|issue| {
            let mut slug: String = issue
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            if slug.is_empty() {
                slug.push_str("issue");
            }
            let base = format!("chart-issue-{slug}");
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// A figure caption: "Figure 2: reports per …" when numbered, "Reports per …" when not.
fn caption(number: Option<usize>, text: &str) -> String {
    match number {
        Some(number) => format!("Figure {number}: {text}"),
        None => {
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

/// One table, rendered by `templates/table.html`.
#[derive(Template)]
#[template(path = "table.html")]
struct TableHtml<'a> {
    /// The table.
    table: &'a Table,
}

/// A table as HTML: the one place tables become markup.
pub(crate) fn table_html(table: &Table) -> String {
    TableHtml { table }
        .render()
        .unwrap_or_else(|error| not_rendered(&table.caption, &error))
}

/// One figure, rendered by `templates/figure.html`.
#[derive(Template)]
#[template(path = "figure.html")]
struct FigureHtml<'a> {
    /// A class for the `<figure>`, if any.
    class: Option<&'a str>,
    /// The caption (escaped by the template).
    caption: &'a str,
    /// Charts and tables, already rendered and escaped.
    pieces: &'a [&'a str],
}

/// A figure as HTML: the one place figures become markup.
fn figure_html(class: Option<&str>, caption: &str, pieces: &[&str]) -> String {
    FigureHtml {
        class,
        caption,
        pieces,
    }
    .render()
    .unwrap_or_else(|error| not_rendered(caption, &error))
}

/// The standalone document's body, rendered by `templates/board_body.html`.
#[derive(Template)]
#[template(path = "board_body.html")]
struct Body<'a> {
    /// The parts, with unnumbered figures (not used here) and the text and tables.
    s: &'a Sections,
    /// Figure 1.
    trend_figure: String,
    /// Figure 2, the district map, when there is one.
    map_figure: Option<String>,
    /// The district rate figure (2, or 3 after a map).
    rates_figure: String,
}

/// A paragraph saying a part could not be rendered. Rendering into a `String` only
/// fails if formatting a value fails, which the board's plain strings never do.
fn not_rendered(what: &str, error: &askama::Error) -> String {
    format!(
        "<p>{} could not be rendered: {}</p>",
        charts::escape(what),
        charts::escape(&error.to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_analytics::summary::{
        BandRow, DistrictRow, IssueRow, MonthRow, TypeRow, VictimProfile, YearEarlier,
    };
    use beacon_analytics::{Measures, Spike, SpikeRule};
    use beacon_core::Category;
    use std::collections::BTreeMap;

    const BOUNDARIES: &str = include_str!("../../../data/reference/llr_districts.geojson");

    const HEADLINE: &str = "There were 30 reports of fraud in Rutland and Melton between 1 January and 31 March 2024 with a total loss of £2k. None of these was recorded as enabled by a digital device.";

    fn measures(reports: u64, loss_pence: i64) -> Measures {
        Measures {
            reports,
            loss_pence,
            loss_known: reports,
            ..Measures::default()
        }
    }

    fn district(code: &str, name: &str, population: u64, reports: u64) -> DistrictRow {
        DistrictRow {
            district_code: Some(code.to_owned()),
            name: name.to_owned(),
            population: Some(population),
            reports,
            loss_pence: i64::try_from(reports).expect("small") * 10_000,
            fraud_reports: reports,
            cyber_reports: 0,
            reports_per_100k: None,
            loss_per_100k_pence: None,
            cyber_enabled_share: None,
            median_loss_pence: None,
            repeat_victims: 0,
            year_earlier_reports: 0,
            change_percent: None,
        }
    }

    fn month(label: &str, fraud: u64, cyber: u64) -> MonthRow {
        MonthRow {
            month: label.to_owned(),
            fraud_reports: fraud,
            cyber_reports: cyber,
            fraud_loss_pence: 0,
            cyber_loss_pence: 0,
            fraud_cyber_enabled: 0,
        }
    }

    fn issue(name: &str, label: &str, monthly: [u64; 3]) -> IssueRow {
        IssueRow {
            issue: name.to_owned(),
            label: label.to_owned(),
            reports: monthly.iter().sum(),
            loss_pence: 0,
            median_loss_pence: None,
            year_earlier_reports: 0,
            change_percent: None,
            monthly: monthly.to_vec(),
        }
    }

    /// A small area over one quarter: two districts, three months, two local issues.
    fn small() -> Summary {
        Summary {
            area: "Rutland and Melton".to_owned(),
            from: "2024-01-01".to_owned(),
            to: "2024-03-31".to_owned(),
            population: 87_745,
            fraud: measures(30, 240_000),
            cyber: measures(4, 0),
            all: measures(34, 240_000),
            year_earlier: YearEarlier {
                from: "2023-01-01".to_owned(),
                to: "2023-03-31".to_owned(),
                fraud: Measures::default(),
                cyber: Measures::default(),
                all: Measures::default(),
                fraud_change_percent: None,
                cyber_change_percent: None,
                all_change_percent: None,
            },
            by_district: vec![
                district("E06000017", "Rutland", 37_369, 13),
                district("E07000133", "Melton", 50_376, 21),
            ],
            months: vec![
                month("2024-01", 9, 1),
                month("2024-02", 8, 2),
                month("2024-03", 13, 1),
            ],
            fraud_types: vec![TypeRow {
                key: "NFIB3A".to_owned(),
                name: "Online shopping and auctions".to_owned(),
                group: "Consumer".to_owned(),
                category: Category::Fraud,
                reports: 17,
                loss_pence: 123_400,
            }],
            local_issues: vec![
                issue("courier_fraud", "Courier fraud", [2, 0, 5]),
                issue("romance fraud", "Romance fraud", [1, 3, 0]),
            ],
            victim_profile: VictimProfile {
                individuals: 31,
                organisations: 3,
                age_bands: vec![BandRow {
                    band: "70-79".to_owned(),
                    reports: 11,
                    loss_pence: 50_000,
                }],
                age_unknown: 20,
                gender: BTreeMap::from([("female".to_owned(), 19), ("male".to_owned(), 12)]),
                vulnerable: 2,
                repeat_victims: 1,
            },
            spike_rule: SpikeRule::default().describe(),
            spikes: vec![Spike {
                series: "issue:courier_fraud".to_owned(),
                label: "Courier fraud".to_owned(),
                month: "2024-03".to_owned(),
                observed: 5,
                expected: 0.5,
                p_value: 0.0002,
            }],
        }
    }

    /// Every HTML part of the sections, as one page would show them together.
    fn all_html(sections: &Sections) -> String {
        let mut parts = vec![
            sections.trend_figure.clone(),
            sections.district_map.clone().unwrap_or_default(),
            sections.districts_table.clone(),
            sections.rates_figure.clone(),
            sections.issues_table.clone(),
            sections.issue_trends_figure.clone(),
            sections.spikes_table.clone(),
            sections.fraud_types_table.clone(),
        ];
        parts.extend(sections.victims_tables.iter().cloned());
        parts.join("\n")
    }

    /// The values of every `name="…"` attribute.
    fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
        let marker = format!(" {name}=\"");
        html.match_indices(&marker)
            .map(|(at, _)| {
                let rest = &html[at + marker.len()..];
                &rest[..rest.find('"').expect("attribute closes")]
            })
            .collect()
    }

    #[test]
    fn the_fragment_is_the_body_without_a_document_around_it() {
        let fragment = html_fragment(&small(), None);
        assert!(fragment.starts_with("<h1>Fraud and cyber crime in Rutland and Melton</h1>"));
        assert!(
            fragment.contains(&format!("<p>{HEADLINE}</p>")),
            "{fragment}"
        );
        for forbidden in [
            "<html",
            "<head",
            "<body",
            "<main",
            "<!DOCTYPE",
            "<title>Fraud",
        ] {
            assert!(!fragment.contains(forbidden), "found {forbidden}");
        }
        assert_eq!(fragment.matches("<h1>").count(), 1);
        assert_eq!(fragment.matches("<h3").count(), 0);
    }

    #[test]
    fn the_standalone_document_wraps_exactly_the_fragment() {
        for boundaries in [None, Some(BOUNDARIES)] {
            let fragment = html_fragment(&small(), boundaries);
            let document = crate::html_with_map(&small(), boundaries);
            assert!(
                document.contains(&format!("<main>\n{fragment}\n</main>")),
                "{document}"
            );
        }
        let with_map = html_fragment(&small(), Some(BOUNDARIES));
        assert!(with_map.contains("<figure class=\"district-map\">"));
        assert!(with_map.contains("<figcaption>Figure 3: reports per 100,000"));
    }

    #[test]
    fn sections_hold_the_summarys_words_and_figures() {
        let sections = sections(&small(), Some(BOUNDARIES));
        assert_eq!(
            sections.title,
            "Fraud and cyber crime in Rutland and Melton"
        );
        assert_eq!(sections.range, "1 January to 31 March 2024");
        assert_eq!(sections.headlines[0], HEADLINE);
        let trend = &sections.trend_figure;
        assert!(trend.starts_with("<figure>\n<figcaption>Fraud and cyber crime reports per month"));
        assert!(trend.contains("<th scope=\"row\" class=\"govuk-table__header\">March 2024</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">13</td>"));
        assert!(trend.ends_with("</table>\n</figure>"));
        let districts = &sections.districts_table;
        assert!(districts.starts_with("<table class=\"govuk-table\">"));
        assert!(districts.contains(">Melton</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">21</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">£2,100</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">41.7</td>"));
        assert!(districts.contains(">All of Rutland and Melton</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">34</td>"));
        assert!(sections.rates_figure.contains(
            ">Rutland</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">34.8</td>"
        ));
        assert!(
            sections
                .rates_figure
                .contains("aria-labelledby=\"districts-title districts-desc\"")
        );
        let map = sections
            .district_map
            .as_deref()
            .expect("the boundaries draw");
        assert!(map.starts_with("<svg") && map.ends_with("</svg>"));
        assert!(map.contains("<title>Melton: 41.7 per 100,000</title>"));
        assert!(!map.contains("<figure"));
        assert!(sections.issues_table.contains(
            ">Courier fraud</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">7</td>"
        ));
        assert_eq!(
            sections.issue_sentences[1],
            "Romance fraud: 4 reports with no loss recorded."
        );
        assert!(sections.spikes_table.contains(">March 2024</td>"));
        assert_eq!(sections.victims_tables.len(), 3);
        assert!(sections.victims_tables[1].contains(
            ">70-79</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">11</td>"
        ));
        assert!(sections.fraud_types_table.contains(">Online shopping and auctions</th>\n<td class=\"govuk-table__cell\">Fraud</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">17</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">£1,234</td>"));
        assert!(sections.notes[0].starts_with("Counts are reports to Action Fraud"));
    }

    #[test]
    fn issue_trends_have_one_chart_per_issue_and_a_data_table() {
        let figure = sections(&small(), None).issue_trends_figure;
        assert!(figure.starts_with("<figure class=\"issue-trends\">\n<figcaption>Local issue reports per month, by date reported."));
        assert_eq!(figure.matches("<svg").count(), 2);
        assert_eq!(figure.matches("class=\"issue-trend-chart\"").count(), 2);
        assert_eq!(figure.matches("role=\"img\"").count(), 2);
        assert!(figure.contains(
            "<title id=\"chart-issue-courier_fraud-title\">Courier fraud: reports per month</title>"
        ));
        assert!(figure.contains(
            "<title id=\"chart-issue-romance-fraud-title\">Romance fraud: reports per month</title>"
        ));
        assert!(figure.contains("lowest 0 in February 2024, highest 5 in March 2024"));
        let table = &figure[figure.rfind("</svg>").expect("charts first")..];
        assert!(table.contains("<caption class=\"govuk-table__caption\">Local issue reports per month, by date reported</caption>"));
        assert!(table.contains("<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Courier fraud</th>\n<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Romance fraud</th>"));
        assert!(table.contains(">February 2024</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">0</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">3</td>"));
        assert!(figure.ends_with("</table>\n</figure>"));
    }

    #[test]
    fn issue_trends_without_issues_or_monthly_counts_say_so() {
        let mut summary = small();
        summary.local_issues.clear();
        let figure = sections(&summary, None).issue_trends_figure;
        assert!(!figure.contains("<svg"));
        assert!(figure.contains("No local issues are set up."));
        let mut summary = small();
        summary.local_issues[0].monthly.clear();
        let figure = sections(&summary, None).issue_trends_figure;
        assert!(figure.contains(
            ">January 2024</th>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">–</td>"
        ));
    }

    #[test]
    fn ids_are_unique_and_every_reference_names_one() {
        let mut summary = small();
        // Names that would give one id if taken as they are.
        summary
            .local_issues
            .push(issue("Courier Fraud", "Courier fraud again", [0, 0, 1]));
        let sections = sections(&summary, Some(BOUNDARIES));
        let html = all_html(&sections);
        let ids = attribute_values(&html, "id");
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        for expected in [
            "trend-title",
            "districts-desc",
            "district-map-title",
            "chart-issue-courier_fraud-title",
            "chart-issue-courier-fraud-title",
        ] {
            assert!(unique.contains(expected), "{expected} in {ids:?}");
        }
        let labelled = attribute_values(&html, "aria-labelledby");
        assert_eq!(labelled.len(), html.matches("role=\"img\"").count());
        assert_eq!(labelled.len(), 6);
        for reference in labelled.iter().flat_map(|value| value.split(' ')) {
            assert!(unique.contains(reference), "{reference} names no id");
        }
        for (at, _) in html.match_indices("url(#") {
            let rest = &html[at + 5..];
            let reference = &rest[..rest.find(')').expect("url closes")];
            assert!(unique.contains(reference), "{reference} names no id");
        }
    }

    #[test]
    fn chart_ids_are_safe_and_never_repeat() {
        let ids = issue_chart_ids(
            [
                "courier_fraud",
                "Courier Fraud",
                "courier-fraud",
                "",
                "a\"b",
            ]
            .into_iter(),
        );
        assert_eq!(
            ids,
            [
                "chart-issue-courier_fraud",
                "chart-issue-courier-fraud",
                "chart-issue-courier-fraud-2",
                "chart-issue-issue",
                "chart-issue-a-b"
            ]
        );
    }

    #[test]
    fn fragments_carry_no_inline_styles() {
        let sections = sections(&small(), Some(BOUNDARIES));
        let fragment = html_fragment(&small(), Some(BOUNDARIES));
        for html in [all_html(&sections), fragment] {
            assert!(!html.contains("style="));
            assert!(!html.contains("<style"));
            assert!(!html.contains("<script"));
        }
    }

    #[test]
    fn hostile_issue_names_are_escaped_in_charts_and_tables() {
        let mut summary = small();
        summary.local_issues[0].label = "<script>alert(1)</script>".to_owned();
        summary.local_issues[0].issue = "\"><script>".to_owned();
        let figure = sections(&summary, None).issue_trends_figure;
        assert!(!figure.contains("<script"), "{figure}");
        assert!(figure.contains("&lt;script&gt;alert(1)&lt;/script&gt;: reports per month"));
        assert!(figure.contains(">&#60;script&#62;alert(1)&#60;/script&#62;</th>"));
    }
}
