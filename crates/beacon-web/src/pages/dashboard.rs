//! The dashboard and the district pages: a period's headline figures, the district map
//! beside its table, the monthly trend, local issues, spikes, victims and fraud types.

use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{WebError, WebResult};
use crate::forms::PageQuery;
use crate::forms::{DateEntry, PeriodRequest, Problem, check_period, given, problems_message};
use crate::stats::{Cached, Chosen, PRESETS, choose};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_analytics::Summary;
use beacon_analytics::measures::Measures;
use beacon_core::{DistrictCode, Permission};
use beacon_report::wording;
use std::sync::Arc;

/// A period as a page's query gives it: a preset, or custom dates either whole
/// (`from=2017-01-01`, for links and the API) or in GOV.UK's day, month and year fields
/// (`from-day`, `from-month`, `from-year`, as the form sends them).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PeriodQuery {
    /// A preset key.
    pub period: Option<String>,
    /// Custom first day.
    pub from: Option<String>,
    /// Custom last day.
    pub to: Option<String>,
    /// Custom first day: day of the month.
    #[serde(rename = "from-day")]
    pub from_day: Option<String>,
    /// Custom first day: month number.
    #[serde(rename = "from-month")]
    pub from_month: Option<String>,
    /// Custom first day: year.
    #[serde(rename = "from-year")]
    pub from_year: Option<String>,
    /// Custom last day: day of the month.
    #[serde(rename = "to-day")]
    pub to_day: Option<String>,
    /// Custom last day: month number.
    #[serde(rename = "to-month")]
    pub to_month: Option<String>,
    /// Custom last day: year.
    #[serde(rename = "to-year")]
    pub to_year: Option<String>,
}

impl PeriodQuery {
    /// The entered dates, then the checked period (or the problems, with the entries
    /// marked so the form can show them).
    pub fn check(&self) -> (DateEntry, DateEntry, Result<PeriodRequest, Vec<Problem>>) {
        let mut from = DateEntry::from_query(
            &self.from,
            &self.from_day,
            &self.from_month,
            &self.from_year,
        );
        let mut to = DateEntry::from_query(&self.to, &self.to_day, &self.to_month, &self.to_year);
        let keys: Vec<&str> = PRESETS.iter().map(|(key, _)| *key).collect();
        let checked = check_period(&self.period, &mut from, &mut to, &keys);
        (from, to, checked)
    }

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
    /// Custom start date as entered (or as chosen).
    pub from: DateEntry,
    /// Custom end date as entered (or as chosen).
    pub to: DateEntry,
    /// What is wrong with the form, for the error summary (empty when nothing is).
    pub problems: Vec<Problem>,
    /// Why the period shown differs from the one asked for.
    pub adjusted: Option<String>,
    /// In words, e.g. "1 July to 30 September 2019".
    pub words: String,
    /// The query string of the chosen period.
    pub query: String,
}

impl PeriodForm {
    /// The two custom dates with their field names and labels, for the template.
    pub fn date_fields(&self) -> [(&'static str, &'static str, &DateEntry); 2] {
        [
            ("from", "Start date", &self.from),
            ("to", "End date", &self.to),
        ]
    }
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
            DateEntry::of(chosen.period.from)
        } else {
            DateEntry::default()
        },
        to: if custom {
            DateEntry::of(chosen.period.to)
        } else {
            DateEntry::default()
        },
        problems: Vec::new(),
        adjusted: chosen.adjusted.clone(),
        words: wording::date_range(chosen.period.from, chosen.period.to),
        query: PeriodQuery::query_of(chosen),
    }
}

/// The period form showing what the user entered and what is wrong with it.
pub fn invalid_form(query: &PeriodQuery) -> PeriodForm {
    let (from, to, checked) = query.check();
    let preset = given(&query.period);
    PeriodForm {
        presets: PRESETS
            .iter()
            .map(|&(key, label)| PresetOption {
                key,
                label,
                selected: preset.as_deref() == Some(key),
            })
            .collect(),
        from,
        to,
        problems: checked.err().unwrap_or_default(),
        adjusted: None,
        words: String::new(),
        query: String::new(),
    }
}

/// A page's view, or the form to show again when what was entered cannot be used.
pub enum Viewed<T> {
    /// The period was chosen and the summaries loaded.
    Shown(T),
    /// The form has problems: show it again with them (status 400).
    Invalid(Box<PeriodForm>),
}

/// As [`view`], but problems with the form come back as the form to show again.
///
/// # Errors
/// As [`view`], except problems with the form.
pub async fn page_view(
    state: &AppState,
    query: &PeriodQuery,
    wanted: Vec<Option<DistrictCode>>,
) -> WebResult<Viewed<(Chosen, PeriodForm, Vec<Arc<Cached>>)>> {
    if query.check().2.is_err() {
        return Ok(Viewed::Invalid(Box::new(invalid_form(query))));
    }
    view(state, query, wanted).await.map(Viewed::Shown)
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
    let PeriodRequest { preset, from, to } = query
        .check()
        .2
        .map_err(|problems| WebError::BadRequest(problems_message(&problems)))?;
    let stats = Arc::clone(&state.stats);
    let rules = state.settings().rules.clone();
    let today = time::OffsetDateTime::now_utc().date();
    let (chosen, summaries) = state
        .blocking(move |store| {
            stats.view(
                store,
                |range| choose(preset.as_deref(), from, to, range, today),
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

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    form: PeriodForm,
    area: String,
    figures: Vec<Figure>,
    districts: Vec<DistrictLine>,
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
                    chrome: Chrome::for_viewer(&viewer, error_title("Dashboard"), "/dashboard"),
                    form: *form,
                    area: String::new(),
                    figures: Vec::new(),
                    districts: Vec::new(),
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
#[template(path = "district.html")]
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
                    chrome: Chrome::for_viewer(&viewer, error_title("District"), "/dashboard"),
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
            chrome: Chrome::for_viewer(&viewer, summary.area.clone(), "/dashboard"),
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
