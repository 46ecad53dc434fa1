//! The dashboard and the district pages: a period's headline figures, the district map
//! beside its table, the monthly trend, local issues, spikes, victims and fraud types;
//! and, as a source of its own, the reports made through the front door by district.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::period::{PeriodForm, PeriodQuery, Viewed, page_view};
use crate::state::AppState;
use crate::stats::Cached;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_analytics::Summary;
use beacon_analytics::measures::Measures;
use beacon_core::{DistrictCode, Permission};
use beacon_report::wording;
use std::sync::Arc;

/// One headline figure.
pub struct Figure {
    /// What it is.
    pub label: String,
    /// The value, in words a board paper uses.
    pub value: String,
    /// Change on a year earlier, in words.
    pub change: String,
}

/// One row of the district table.
pub struct DistrictLine {
    /// ONS code (empty for unknown).
    pub code: String,
    /// Name.
    pub name: String,
    /// Reports.
    pub reports: String,
    /// Loss.
    pub loss: String,
    /// Per 100,000 residents.
    pub rate: String,
    /// Change on a year earlier.
    pub change: String,
}

fn change_words(now: u64, earlier: u64) -> String {
    wording::compared_with_year_earlier(now, earlier)
        .unwrap_or_else(|| "No reports a year earlier to compare with".into())
}

fn share_words(measures: &Measures) -> String {
    wording::share(measures.cyber_enabled, measures.reports).unwrap_or_else(|| "–".into())
}

/// The headline figures of a summary.
pub fn figures(summary: &Summary) -> Vec<Figure> {
    let earlier = &summary.year_earlier;
    vec![
        Figure {
            label: "Fraud reports".into(),
            value: wording::count(summary.fraud.reports),
            change: change_words(summary.fraud.reports, earlier.fraud.reports),
        },
        Figure {
            label: "Fraud losses".into(),
            value: wording::money(summary.fraud.loss_pence),
            change: format!(
                "{} a year earlier",
                wording::money(earlier.fraud.loss_pence)
            ),
        },
        Figure {
            label: "Fraud enabled by a digital device".into(),
            value: share_words(&summary.fraud),
            change: format!("{} a year earlier", share_words(&earlier.fraud)),
        },
        Figure {
            label: "Cyber crime reports".into(),
            value: wording::count(summary.cyber.reports),
            change: change_words(summary.cyber.reports, earlier.cyber.reports),
        },
        Figure {
            label: "Cyber crime losses".into(),
            value: wording::money(summary.cyber.loss_pence),
            change: format!(
                "{} a year earlier",
                wording::money(earlier.cyber.loss_pence)
            ),
        },
        Figure {
            label: "Reports per 100,000 residents".into(),
            value: wording::rate_per_100k(summary.all.reports, Some(summary.population)),
            change: format!(
                "{} a year earlier",
                wording::rate_per_100k(earlier.all.reports, Some(summary.population))
            ),
        },
    ]
}

fn district_lines(summary: &Summary) -> Vec<DistrictLine> {
    summary
        .by_district
        .iter()
        .map(|row| DistrictLine {
            code: row.district_code.clone().unwrap_or_default(),
            name: row.name.clone(),
            reports: wording::count(row.reports),
            loss: wording::money_table(row.loss_pence),
            rate: row.population.map_or_else(
                || "–".into(),
                |_| wording::rate_per_100k(row.reports, row.population),
            ),
            change: wording::change_signed(row.reports, row.year_earlier_reports),
        })
        .collect()
}

/// One row of the front door's table: a place and its reports (never added to the
/// Action Fraud figures: it is a source of its own).
pub struct FrontDoorLine {
    /// The district's name, or outside the area, or not sure.
    pub place: String,
    /// Reports.
    pub reports: String,
    /// Of them, from businesses.
    pub from_businesses: String,
}

/// The front door's reports in the summary's days, by place in the district table's
/// order, then outside the area and not sure.
async fn front_door_lines(state: &AppState, summary: &Summary) -> WebResult<Vec<FrontDoorLine>> {
    let (Some(from), Some(to)) = (
        wording::parse_date(&summary.from),
        wording::parse_date(&summary.to),
    ) else {
        return Ok(Vec::new());
    };
    let counts = state
        .blocking(move |store| beacon_app::front_door::counts(store, from, to))
        .await??;
    let name_of = |key: &str| -> String {
        match key {
            beacon_core::front_door::OUTSIDE_AREA => format!("Outside {}", summary.area),
            beacon_core::front_door::PLACE_NOT_SURE => "Not sure".to_owned(),
            code => summary
                .by_district
                .iter()
                .find(|row| row.district_code.as_deref() == Some(code))
                .map_or_else(|| code.to_owned(), |row| row.name.clone()),
        }
    };
    let order = |key: &str| -> usize {
        summary
            .by_district
            .iter()
            .position(|row| row.district_code.as_deref() == Some(key))
            .unwrap_or(match key {
                beacon_core::front_door::OUTSIDE_AREA => usize::MAX - 1,
                beacon_core::front_door::PLACE_NOT_SURE => usize::MAX,
                _ => usize::MAX - 2,
            })
    };
    let mut places = counts.by_place;
    places.sort_by_key(|count| order(&count.key));
    Ok(places
        .iter()
        .map(|count| FrontDoorLine {
            place: name_of(&count.key),
            reports: wording::count(count.reports),
            from_businesses: wording::count(count.from_businesses),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "reports/templates/dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    form: PeriodForm,
    area: String,
    figures: Vec<Figure>,
    districts: Vec<DistrictLine>,
    /// The front door's reports by place (its own source).
    front_door: Vec<FrontDoorLine>,
    /// `None` when the form has problems and there is nothing to show but the form.
    sections: Option<&'a beacon_report::Sections>,
    spikes: usize,
    action: &'static str,
}

/// The title of a page showing a form with problems, as GOV.UK does it.
fn error_title(title: &str) -> String {
    format!("Error: {title}")
}

/// The dashboard.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let (form, cached) = match page_view(&state, &query, vec![None]).await? {
        Viewed::Invalid(form) => {
            return Ok(render(
                StatusCode::BAD_REQUEST,
                &DashboardPage {
                    chrome: viewer.chrome(error_title("Dashboard"), "/dashboard"),
                    form: *form,
                    area: String::new(),
                    figures: Vec::new(),
                    districts: Vec::new(),
                    front_door: Vec::new(),
                    spikes: 0,
                    sections: None,
                    action: "/dashboard",
                },
            ));
        }
        Viewed::Shown((_, form, mut summaries)) => {
            (form, summaries.pop().ok_or(WebError::NotFound)?)
        }
    };
    let summary = &cached.summary;
    let front_door = front_door_lines(&state, summary).await?;
    let sections = cached.sections(Some(&state.settings().boundaries));
    Ok(render(
        StatusCode::OK,
        &DashboardPage {
            chrome: viewer.chrome("Dashboard", "/dashboard"),
            form,
            area: summary.area.clone(),
            figures: figures(summary),
            districts: district_lines(summary),
            front_door,
            spikes: summary.spikes.len(),
            sections: Some(sections),
            action: "/dashboard",
        },
    ))
}

/// One measure of a district beside the area's.
pub struct Comparison {
    /// What.
    pub label: String,
    /// The district's value.
    pub district: String,
    /// The area's value.
    pub area: String,
}

#[derive(Template)]
#[template(path = "reports/templates/district.html")]
struct DistrictPage<'a> {
    chrome: Chrome,
    form: PeriodForm,
    name: String,
    area: String,
    figures: Vec<Figure>,
    comparisons: Vec<Comparison>,
    /// `None` when the form has problems and there is nothing to show but the form.
    sections: Option<&'a beacon_report::Sections>,
    action: String,
}

fn comparisons(district: &Summary, area: &Summary) -> Vec<Comparison> {
    let median = |m: &Measures| {
        m.median_loss_pence
            .map_or_else(|| "–".into(), wording::money_table)
    };
    let change = |s: &Summary| wording::change_signed(s.all.reports, s.year_earlier.all.reports);
    vec![
        Comparison {
            label: "Reports per 100,000 residents".into(),
            district: wording::rate_per_100k(district.all.reports, Some(district.population)),
            area: wording::rate_per_100k(area.all.reports, Some(area.population)),
        },
        Comparison {
            label: "Fraud enabled by a digital device".into(),
            district: share_words(&district.fraud),
            area: share_words(&area.fraud),
        },
        Comparison {
            label: "Median fraud loss".into(),
            district: median(&district.fraud),
            area: median(&area.fraud),
        },
        Comparison {
            label: "Change in reports on a year earlier".into(),
            district: change(district),
            area: change(area),
        },
        Comparison {
            label: "Share of individuals' reports from people aged 70 or over".into(),
            district: older_share(district),
            area: older_share(area),
        },
    ]
}

fn older_share(summary: &Summary) -> String {
    let older: u64 = summary
        .victim_profile
        .age_bands
        .iter()
        .filter(|band| matches!(band.band.as_str(), "70-79" | "80+"))
        .map(|band| band.reports)
        .sum();
    wording::share(older, summary.victim_profile.individuals).unwrap_or_else(|| "–".into())
}

/// A district's page, compared with the whole area.
pub async fn district(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    PageQuery(query): PageQuery<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let code: DistrictCode = code.parse().map_err(|_| WebError::NotFound)?;
    let action = format!("/districts/{}", code.as_str());
    let summaries = match page_view(&state, &query, vec![None, Some(code.clone())]).await? {
        Viewed::Shown((_, form, summaries)) => (form, summaries),
        Viewed::Invalid(form) => {
            return Ok(render(
                StatusCode::BAD_REQUEST,
                &DistrictPage {
                    chrome: viewer.chrome(error_title("District"), "/dashboard"),
                    form: *form,
                    name: "District".into(),
                    area: String::new(),
                    figures: Vec::new(),
                    comparisons: Vec::new(),
                    sections: None,
                    action,
                },
            ));
        }
    };
    let (form, summaries) = summaries;
    let [area, cached] = <[Arc<Cached>; 2]>::try_from(summaries).map_err(|_| WebError::NotFound)?;
    let summary = &cached.summary;
    let sections = cached.sections(None);
    Ok(render(
        StatusCode::OK,
        &DistrictPage {
            chrome: viewer.chrome(summary.area.clone(), "/dashboard"),
            form,
            name: summary.area.clone(),
            area: area.summary.area.clone(),
            figures: figures(summary),
            comparisons: comparisons(summary, &area.summary),
            sections: Some(sections),
            action,
        },
    ))
}
