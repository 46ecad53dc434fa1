//! The public's advice pages: no sign-in, no script, GOV.UK style.

use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date;
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::advice::{AdviceError, public_item, public_list};
use beacon_core::protect::{Audience, ReportRoute, Threat};
use beacon_store::StoredAdvice;
use serde::Deserialize;

/// The index's filters, from its GET form (unknown values show everything).
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    /// A threat's slug.
    #[serde(default)]
    pub threat: Option<String>,
    /// An audience's slug.
    #[serde(default)]
    pub audience: Option<String>,
}

/// One item in the index.
struct Entry {
    slug: String,
    title: String,
    summary: String,
    tags: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "advice/templates/index.html")]
struct IndexPage {
    chrome: Chrome,
    threats: Vec<(&'static str, &'static str)>,
    audiences: Vec<(&'static str, &'static str)>,
    threat: String,
    audience: String,
    entries: Vec<Entry>,
}

/// Where to report, as shown.
struct RouteView {
    label: &'static str,
    instruction: &'static str,
    url: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "advice/templates/item.html")]
struct ItemPage {
    chrome: Chrome,
    stored: StoredAdvice,
    body: String,
    routes: Vec<RouteView>,
    tags: Vec<&'static str>,
    reviewed: String,
}

pub(super) fn advice_error(error: AdviceError) -> WebError {
    match error {
        AdviceError::Store(error) => WebError::Store(error),
        AdviceError::NotFound(_) => WebError::NotFound,
        AdviceError::NotAllowed => WebError::Forbidden,
        AdviceError::Invalid(problems) => WebError::BadRequest(problems.join("; ")),
        AdviceError::Taken(slug) => {
            WebError::BadRequest(format!("an advice item called {slug} already exists"))
        }
    }
}

fn tags_of(stored: &StoredAdvice) -> Vec<&'static str> {
    stored
        .item
        .threats
        .iter()
        .map(|threat| threat.label())
        .chain(
            stored
                .item
                .audiences
                .iter()
                .map(|audience| audience.label()),
        )
        .collect()
}

/// `/advice`: published items, filtered by threat and audience.
pub async fn index(
    State(state): State<AppState>,
    PageQuery(query): PageQuery<IndexQuery>,
) -> WebResult<Response> {
    let threat = query.threat.as_deref().and_then(Threat::from_slug);
    let audience = query.audience.as_deref().and_then(Audience::from_slug);
    let items = state
        .blocking(move |store| public_list(store, threat, audience))
        .await?
        .map_err(advice_error)?;
    let entries = items
        .iter()
        .map(|stored| Entry {
            slug: stored.item.slug.clone(),
            title: stored.item.title.clone(),
            summary: stored.item.summary.clone(),
            tags: tags_of(stored),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &IndexPage {
            chrome: Chrome::anonymous("Advice on fraud and cyber crime"),
            threats: Threat::ALL.map(|t| (t.slug(), t.label())).to_vec(),
            audiences: Audience::ALL.map(|a| (a.slug(), a.label())).to_vec(),
            threat: threat.map_or("", Threat::slug).to_owned(),
            audience: audience.map_or("", Audience::slug).to_owned(),
            entries,
        },
    ))
}

/// `/advice/{slug}`: a published item; not found otherwise.
pub async fn item(State(state): State<AppState>, Path(slug): Path<String>) -> WebResult<Response> {
    let stored = state
        .blocking(move |store| public_item(store, &slug))
        .await?
        .map_err(advice_error)?
        .ok_or(WebError::NotFound)?;
    let routes = stored
        .item
        .report_to
        .iter()
        .map(|route: &ReportRoute| RouteView {
            label: route.label(),
            instruction: route.instruction(),
            url: route.url(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ItemPage {
            chrome: Chrome::anonymous(stored.item.title.clone()),
            body: beacon_notify::markdown::to_govuk_html(&stored.item.body_markdown),
            routes,
            tags: tags_of(&stored),
            reviewed: date(stored.item.reviewed_on),
            stored,
        },
    ))
}
