//! The staff's campaign pages: every campaign, one campaign with what happened to its
//! messages arm by arm, and finishing a launched campaign.

use super::scope::{area_links, refused};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::date_time;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::campaigns::overview::{ArmLine, channel_label, describe_segment, overview};
use beacon_app::campaigns::{CampaignError, CampaignResult};
use beacon_core::Permission;
use beacon_store::{AuditEvent, CampaignRecord, CampaignState};
use time::OffsetDateTime;

/// The GOV.UK tag colour of a campaign's state.
fn state_colour(state: CampaignState) -> &'static str {
    match state {
        CampaignState::Draft => "grey",
        CampaignState::Launched => "blue",
        CampaignState::Finished => "green",
    }
}

/// A campaign's state in words.
fn state_label(state: CampaignState) -> &'static str {
    match state {
        CampaignState::Draft => "Draft",
        CampaignState::Launched => "Launched",
        CampaignState::Finished => "Finished",
    }
}

/// One campaign as the list shows it.
pub struct CampaignLine {
    id: i64,
    name: String,
    segment: String,
    channel: &'static str,
    starts: String,
    state: &'static str,
    state_colour: &'static str,
    evaluated: bool,
}

fn line(campaign: &CampaignRecord) -> CampaignLine {
    CampaignLine {
        id: campaign.id,
        name: campaign.name.clone(),
        segment: describe_segment(&campaign.segment),
        channel: channel_label(campaign.channel),
        starts: date_time(campaign.starts_at),
        state: state_label(campaign.state),
        state_colour: state_colour(campaign.state),
        evaluated: campaign.evaluated,
    }
}

#[derive(Template)]
#[template(path = "campaigns/templates/campaigns.html")]
struct ListPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    campaigns: Vec<CampaignLine>,
    may_build: bool,
}

/// Every campaign, newest first.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let campaigns = state.blocking(|store| store.campaigns()).await??;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            chrome: viewer.chrome("Protect campaigns", "/campaigns"),
            links: area_links(&viewer),
            campaigns: campaigns.iter().map(line).collect(),
            may_build: viewer.may(Permission::ManageCampaigns),
        },
    ))
}

#[derive(Template)]
#[template(path = "campaigns/templates/campaign.html")]
struct DetailPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    id: i64,
    name: String,
    state: &'static str,
    state_colour: &'static str,
    advice_slug: String,
    advice_version: Option<i64>,
    control_advice_slug: Option<String>,
    channel: &'static str,
    segment: String,
    basis: &'static str,
    starts: String,
    built: String,
    evaluated: bool,
    plan: Option<String>,
    may_manage: bool,
    is_draft: bool,
    is_launched: bool,
    arms: Vec<ArmLine>,
    scanner_clicks: u64,
}

/// The campaign page, with `problems` (why an action was refused) above it.
pub(super) async fn detail_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    problems: Vec<String>,
) -> WebResult<Response> {
    let found = state
        .blocking(move |store| overview(store, id))
        .await?
        .map_err(refused)?;
    let campaign = &found.campaign;
    let title = if problems.is_empty() {
        campaign.name.clone()
    } else {
        format!("Error: {}", campaign.name)
    };
    Ok(render(
        status,
        &DetailPage {
            chrome: viewer.chrome(&title, "/campaigns"),
            links: area_links(viewer),
            problems,
            id,
            name: campaign.name.clone(),
            state: state_label(campaign.state),
            state_colour: state_colour(campaign.state),
            advice_slug: campaign.advice_slug.clone(),
            advice_version: campaign.advice_version,
            control_advice_slug: campaign.control_advice_slug.clone(),
            channel: channel_label(campaign.channel),
            segment: found.segment.clone(),
            basis: campaign.basis.label(),
            starts: date_time(campaign.starts_at),
            built: format!(
                "{} by {}",
                date_time(campaign.created_at),
                campaign.created_by
            ),
            evaluated: campaign.evaluated,
            plan: campaign.plan.as_ref().map(|plan| {
                format!(
                    "{} by {} (fingerprint {})",
                    date_time(plan.locked_at),
                    plan.locked_by,
                    &plan.fingerprint[..plan.fingerprint.len().min(16)]
                )
            }),
            may_manage: viewer.may(Permission::ManageCampaigns),
            is_draft: campaign.state == CampaignState::Draft,
            is_launched: campaign.state == CampaignState::Launched,
            scanner_clicks: found.arms.iter().map(|arm| arm.scanner_clicks).sum(),
            arms: found.arms,
        },
    ))
}

/// One campaign and its figures.
pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    detail_page(&state, &viewer, id, StatusCode::OK, Vec::new()).await
}

/// A form that sends only its CSRF token.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenForm {
    /// The session's anti-forgery token.
    #[serde(default)]
    pub csrf_token: String,
}

/// Finishes a launched campaign: its figures stop changing state (late clicks are still
/// counted) and it can be reported on as done.
pub async fn finish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    viewer.check_csrf(&form.csrf_token)?;
    let actor = viewer.user.username.clone();
    let finished = state
        .blocking(move |store| -> CampaignResult<bool> {
            beacon_app::campaigns::campaign_or_not_found(store, id)?;
            let done = store.finish_campaign(id, OffsetDateTime::now_utc())?;
            if done {
                store.audit(&AuditEvent {
                    actor,
                    action: "campaign.finish".to_owned(),
                    subject: format!("campaign:{id}"),
                    detail: String::new(),
                })?;
            }
            Ok(done)
        })
        .await?;
    match finished {
        Ok(true) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Ok(false) => {
            detail_page(
                &state,
                &viewer,
                id,
                StatusCode::CONFLICT,
                vec!["Only a launched campaign can be finished".to_owned()],
            )
            .await
        }
        Err(CampaignError::NotFound(_)) => Err(crate::chrome::error::WebError::NotFound),
        Err(error) => Err(refused(error)),
    }
}
