//! Who is most at risk: the (audience, threat) pairs ranked from the stored reports of
//! the last twelve months, each with the reasons in words and a proposed campaign that
//! the builder can start from.

use super::scope::area_links;
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::date;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::campaigns::overview::channel_label;
use beacon_app::campaigns::targeting::targets;
use beacon_core::Permission;
use time::OffsetDateTime;

/// The months ranked.
const MONTHS: u32 = 12;

/// One ranked pair as the page shows it.
pub struct TargetLine {
    rank: usize,
    audience: &'static str,
    audience_slug: &'static str,
    threat: &'static str,
    threat_slug: &'static str,
    reports: u64,
    reasons: Vec<String>,
    proposal: String,
    channel: &'static str,
    districts: String,
}

#[derive(Template)]
#[template(path = "campaigns/templates/targets.html")]
struct TargetsPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    window: String,
    targets: Vec<TargetLine>,
    unranked: u64,
    may_build: bool,
}

/// The ranked pairs with their reasons and proposals.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let today = OffsetDateTime::now_utc().date();
    let found = state
        .blocking(move |store| targets(store, MONTHS, None, today))
        .await??;
    Ok(render(
        StatusCode::OK,
        &TargetsPage {
            chrome: viewer.chrome("Who is most at risk", "/campaigns"),
            links: area_links(&viewer),
            window: format!("{} to {}", date(found.window.from), date(found.window.to)),
            unranked: found.unranked_reports,
            may_build: viewer.may(Permission::ManageCampaigns),
            targets: found
                .ranked
                .iter()
                .map(|target| TargetLine {
                    rank: target.rank,
                    audience: target.audience.label(),
                    audience_slug: target.audience.slug(),
                    threat: target.threat.label(),
                    threat_slug: target.threat.slug(),
                    reports: target.reports,
                    reasons: target.reasons.clone(),
                    proposal: target.proposal.summary.clone(),
                    channel: channel_label(target.proposal.channel),
                    districts: target
                        .proposal
                        .districts
                        .iter()
                        .map(|d| d.as_str().to_owned())
                        .collect::<Vec<_>>()
                        .join(","),
                })
                .collect(),
        },
    ))
}
