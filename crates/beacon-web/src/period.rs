//! The period a statistics page or API call shows: the period form (a preset, or custom
//! dates in GOV.UK's day, month and year fields), its checks, and the one way pages load
//! a period's summaries ([`view`] and friends) through the summary cache.
//!
//! Areas import this module; it imports no area.

use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::{
    DateEntry, PeriodRequest, Problem, check_period, given, problems_message,
};
use crate::state::AppState;
use crate::stats::{Cached, Chosen, PRESETS, choose};
use beacon_core::DistrictCode;
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
