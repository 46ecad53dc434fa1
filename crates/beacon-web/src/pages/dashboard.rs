//! The dashboard and the district pages: a period's headline figures, the district map
//! beside its table, the monthly trend, local issues, spikes, victims and fraud types.

use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{WebError, WebResult};
use crate::forms::{date_field, given};
use crate::stats::{Cached, Chosen, PRESETS, choose};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_analytics::Summary;
use beacon_analytics::measures::Measures;
use beacon_core::{DistrictCode, Permission};
use beacon_report::wording;
use std::sync::Arc;

/// A period as a page's query gives it.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodQuery {
    /// A preset key.
    pub period: Option<String>,
    /// Custom first day.
    pub from: Option<String>,
    /// Custom last day.
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The query string that reproduces the chosen period.
    pub fn query_of(chosen: &Chosen) -> String {
        if chosen.preset == "custom" {
            format!("from={}&to={}", chosen.period.from, chosen.period.to)
        } else {
            format!("period={}", chosen.preset)
        }
    }
}

/// One headline figure.
pub struct Figure {
    /// What it is.
    pub label: String,
    /// The value, in words a board paper uses.
    pub value: String,
    /// Change on a year earlier, in words.
    pub change: String,
}

/// A preset in the period form.
pub struct PresetOption {
    /// Key.
    pub key: &'static str,
    /// Label.
    pub label: &'static str,
    /// Chosen now.
    pub selected: bool,
}

/// The period form's state.
pub struct PeriodForm {
    /// Presets.
    pub presets: Vec<PresetOption>,
    /// Custom dates as entered.
    pub from: String,
    /// Custom dates as entered.
    pub to: String,
    /// In words, e.g. "1 July to 30 September 2019".
    pub words: String,
    /// The query string of the chosen period.
    pub query: String,
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

/// The period form for a chosen period.
fn period_form(chosen: &Chosen) -> PeriodForm {
    let custom = chosen.preset == "custom";
    PeriodForm {
        presets: PRESETS
            .iter()
            .map(|&(key, label)| PresetOption {
                key,
                label,
                selected: key == chosen.preset,
            })
            .collect(),
        from: if custom {
            chosen.period.from.to_string()
        } else {
            String::new()
        },
        to: if custom {
            chosen.period.to.to_string()
        } else {
            String::new()
        },
        words: wording::date_range(chosen.period.from, chosen.period.to),
        query: PeriodQuery::query_of(chosen),
    }
}

/// Resolves a page's period and loads (or reuses) the summaries it shows — `None` for
/// the area, or a district — in one visit to the store.
///
/// # Errors
/// [`WebError::BadRequest`] for dates that cannot be used, [`WebError::NotFound`] for a
/// district not in the area; store failures.
pub async fn view(
    state: &AppState,
    query: &PeriodQuery,
    wanted: Vec<Option<DistrictCode>>,
) -> WebResult<(Chosen, PeriodForm, Vec<Arc<Cached>>)> {
    let from = date_field(&query.from, "The start date").map_err(WebError::BadRequest)?;
    let to = date_field(&query.to, "The end date").map_err(WebError::BadRequest)?;
    let preset = given(&query.period);
    let stats = Arc::clone(&state.stats);
    let rules = state.settings().rules.clone();
    let today = time::OffsetDateTime::now_utc().date();
    let (chosen, summaries) = state
        .blocking(move |store| {
            stats.view(
                store,
                |latest| choose(preset.as_deref(), from, to, latest, today),
                &wanted,
                &rules,
            )
        })
        .await??;
    let summaries = summaries
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or(WebError::NotFound)?;
    let form = period_form(&chosen);
    Ok((chosen, form, summaries))
}

/// Resolves a page's period alone (pages that do not show a summary).
///
/// # Errors
/// As [`view`].
pub async fn resolve_period(
    state: &AppState,
    query: &PeriodQuery,
) -> WebResult<(Chosen, PeriodForm)> {
    let (chosen, form, _) = view(state, query, Vec::new()).await?;
    Ok((chosen, form))
}

/// The area's summary for a page's period.
///
/// # Errors
/// As [`view`].
pub async fn area_view(
    state: &AppState,
    query: &PeriodQuery,
) -> WebResult<(Chosen, PeriodForm, Arc<Cached>)> {
    let (chosen, form, mut summaries) = view(state, query, vec![None]).await?;
    let area = summaries.pop().ok_or(WebError::NotFound)?;
    Ok((chosen, form, area))
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
            change: change_words(summary.all.reports, earlier.all.reports),
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

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    form: PeriodForm,
    area: String,
    figures: Vec<Figure>,
    districts: Vec<DistrictLine>,
    sections: &'a beacon_report::Sections,
    spikes: usize,
    action: &'static str,
}

/// The dashboard.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let (_, form, cached) = area_view(&state, &query).await?;
    let summary = &cached.summary;
    let sections = cached.sections(Some(&state.settings().boundaries));
    Ok(render(
        StatusCode::OK,
        &DashboardPage {
            chrome: Chrome::for_viewer(&viewer, "Dashboard", "/dashboard"),
            form,
            area: summary.area.clone(),
            figures: figures(summary),
            districts: district_lines(summary),
            spikes: summary.spikes.len(),
            sections,
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
#[template(path = "district.html")]
struct DistrictPage<'a> {
    chrome: Chrome,
    form: PeriodForm,
    name: String,
    area: String,
    figures: Vec<Figure>,
    comparisons: Vec<Comparison>,
    sections: &'a beacon_report::Sections,
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
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let code: DistrictCode = code.parse().map_err(|_| WebError::NotFound)?;
    let (_, form, summaries) = view(&state, &query, vec![None, Some(code.clone())]).await?;
    let [area, cached] = <[Arc<Cached>; 2]>::try_from(summaries).map_err(|_| WebError::NotFound)?;
    let summary = &cached.summary;
    let sections = cached.sections(None);
    Ok(render(
        StatusCode::OK,
        &DistrictPage {
            chrome: Chrome::for_viewer(&viewer, summary.area.clone(), "/dashboard"),
            form,
            name: summary.area.clone(),
            area: area.summary.area.clone(),
            figures: figures(summary),
            comparisons: comparisons(summary, &area.summary),
            sections,
            action: format!("/districts/{}", code.as_str()),
        },
    ))
}
