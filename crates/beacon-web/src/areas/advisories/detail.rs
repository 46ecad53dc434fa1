//! One advisory's page: its TLP first, what it means and what to do, then for
//! coordinators and analysts every affected partner's notice and every match, and for a
//! partner its own matched assets, each with a form to record where it stands, and the
//! acknowledgement. Both forms act only on the partner's own notice and assets.

use super::scope::{
    Detail, SETTABLE, Scope, acting_organisation, area_links, is_overdue, load_detail,
    priority_label, priority_tag, tlp_meaning,
};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::{date, date_time};
use crate::chrome::forms::{Problem, truncate};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::{AssetStatus, Tlp, ValidationFailure};
use beacon_store::AuditEvent;
use beacon_store::advisories::{NoticeFilter, StatusChange};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The longest note a partner may add to a status.
const NOTE_LIMIT: usize = 1_000;

/// One product of an asset that matched.
pub struct MatchedProduct {
    /// The product as the partner wrote it (a partner's view), or the asset's name.
    pub product: String,
    /// The advisory's product it matched.
    pub criterion: String,
    /// How sure the match is, in words.
    pub confidence: &'static str,
    /// Why it matched.
    pub reason: String,
}

/// One of the partner's matched assets, with where it stands.
pub struct AssetLine {
    /// The asset's id.
    pub asset_id: i64,
    /// Its name.
    pub name: String,
    /// The products that matched.
    pub products: Vec<MatchedProduct>,
    /// Its status.
    pub status: AssetStatus,
    /// Who set it and when, in words.
    pub set: Option<String>,
    /// The partner's note.
    pub note: String,
    /// What the form problem is, if this asset's form was refused.
    pub problem: Option<String>,
}

/// One partner's notice as coordinators and analysts see it.
pub struct PartnerLine {
    /// The partner.
    pub organisation: String,
    /// Its sector.
    pub sector: String,
    /// When it was told, in words.
    pub opened: String,
    /// When it acknowledged, in words.
    pub acknowledged: Option<String>,
    /// Due date, in words.
    pub due: String,
    /// When every asset was closed, in words.
    pub closed: Option<String>,
    /// Open past its due date.
    pub overdue: bool,
    /// Escalated.
    pub escalated: bool,
    /// Assets matched.
    pub assets: usize,
    /// Of those, fixed or not affected.
    pub closed_assets: usize,
}

/// A match as coordinators and analysts see it.
pub struct MatchLine {
    /// The partner.
    pub organisation: String,
    /// The asset.
    pub asset: String,
    /// The advisory's product it matched.
    pub criterion: String,
    /// How sure, in words.
    pub confidence: &'static str,
    /// Why.
    pub reason: String,
}

#[derive(Template)]
#[template(path = "advisories/templates/advisory.html")]
struct AdvisoryPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: i64,
    tlp: &'static str,
    tlp_class: &'static str,
    tlp_meaning: &'static str,
    source: &'static str,
    key: String,
    summary: String,
    action: String,
    priority: &'static str,
    priority_tag: &'static str,
    ransomware: bool,
    cvss: Option<String>,
    due: String,
    cves: Vec<String>,
    published: Option<String>,
    revision: String,
    /// An https address shown as a link; anything else as text.
    link: Option<String>,
    url_text: Option<String>,
    failures: Vec<ValidationFailure>,
    staff: bool,
    partners: Vec<PartnerLine>,
    matches: Vec<MatchLine>,
    /// The partner's own notice: acknowledged (in words), overdue, closed.
    own: Option<OwnNotice>,
    assets: Vec<AssetLine>,
    settable: [AssetStatus; 4],
    problems: Vec<Problem>,
    done: Option<String>,
}

/// The partner's own notice, as its page shows it.
pub struct OwnNotice {
    /// When it was acknowledged and by whom, in words.
    pub acknowledged: Option<String>,
    /// Open past its due date.
    pub overdue: bool,
    /// When it was closed, in words.
    pub closed: Option<String>,
    /// What changed at the last update, if it was updated.
    pub changes: String,
}

fn confidence_words(confidence: beacon_core::Confidence) -> &'static str {
    match confidence {
        beacon_core::Confidence::Certain => "Certain",
        beacon_core::Confidence::Possible => "Possible: please check",
    }
}

/// The page for what was read, with any form problem (`refused`: the asset and message).
fn page_of(
    viewer: &Viewer,
    scope: Scope,
    detail: Detail,
    now: OffsetDateTime,
    refused: Option<(i64, String)>,
    done: Option<String>,
) -> AdvisoryPage {
    let a = &detail.stored.advisory;
    let tlp_class = match a.tlp {
        Tlp::Red => "govuk-tag--red",
        Tlp::Amber | Tlp::AmberStrict => "govuk-tag--yellow",
        Tlp::Green => "govuk-tag--green",
        Tlp::Clear => "govuk-tag--grey",
    };
    let staff = scope.organisation().is_none();
    let mut partners = Vec::new();
    let mut matches = Vec::new();
    let mut own = None;
    let mut assets: Vec<AssetLine> = Vec::new();
    if staff {
        for notice in &detail.notices {
            let statuses = detail
                .statuses
                .get(&notice.id)
                .map_or(&[][..], Vec::as_slice);
            partners.push(PartnerLine {
                organisation: notice.organisation.clone(),
                sector: notice.sector.clone(),
                opened: date_time(notice.opened_at),
                acknowledged: notice.acknowledged_at.map(date_time),
                due: notice.due.map(date).unwrap_or_else(|| "None".into()),
                closed: notice.closed_at.map(date_time),
                overdue: is_overdue(notice, now),
                escalated: notice.escalated_at.is_some(),
                assets: statuses.len(),
                closed_assets: statuses.iter().filter(|s| s.status.is_closed()).count(),
            });
        }
        matches = detail
            .matches
            .iter()
            .map(|m| MatchLine {
                organisation: m.organisation.clone(),
                asset: m.asset.clone(),
                criterion: m.record.criterion.clone(),
                confidence: confidence_words(m.record.confidence),
                reason: m.record.reason.clone(),
            })
            .collect();
    } else {
        let notice = detail.own_notice();
        own = notice.map(|n| OwnNotice {
            acknowledged: n.acknowledged_at.map(|at| match &n.acknowledged_by {
                Some(by) => format!("{} by {by}", date_time(at)),
                None => date_time(at),
            }),
            overdue: is_overdue(n, now),
            closed: n.closed_at.map(date_time),
            changes: n.changes.clone(),
        });
        let statuses: BTreeMap<i64, &beacon_store::advisories::AssetStatusRecord> = notice
            .and_then(|n| detail.statuses.get(&n.id))
            .map(|list| list.iter().map(|s| (s.asset_id, s)).collect())
            .unwrap_or_default();
        for m in &detail.matches {
            let product = MatchedProduct {
                product: detail
                    .products
                    .get(&m.record.product_id)
                    .cloned()
                    .unwrap_or_default(),
                criterion: m.record.criterion.clone(),
                confidence: confidence_words(m.record.confidence),
                reason: m.record.reason.clone(),
            };
            match assets.iter_mut().find(|l| l.asset_id == m.record.asset_id) {
                Some(line) => line.products.push(product),
                None => {
                    let status = statuses.get(&m.record.asset_id);
                    assets.push(AssetLine {
                        asset_id: m.record.asset_id,
                        name: m.asset.clone(),
                        products: vec![product],
                        status: status.map(|s| s.status).unwrap_or_default(),
                        set: status.and_then(|s| {
                            Some(format!(
                                "{} by {}",
                                date_time(s.set_at?),
                                s.set_by.clone().unwrap_or_default()
                            ))
                        }),
                        note: status.map(|s| s.note.clone()).unwrap_or_default(),
                        problem: None,
                    });
                }
            }
        }
    }
    let mut problems = Vec::new();
    if let Some((asset_id, message)) = refused {
        problems.push(Problem::new(format!("status-{asset_id}"), message.clone()));
        if let Some(line) = assets.iter_mut().find(|l| l.asset_id == asset_id) {
            line.problem = Some(message);
        }
    }
    let due = detail
        .own_notice()
        .filter(|_| !staff)
        .and_then(|n| n.due)
        .or(a.due)
        .map(date)
        .unwrap_or_else(|| "None".into());
    let (link, url_text) = match &a.url {
        Some(url) if url.starts_with("https://") && !url.contains(char::is_whitespace) => {
            (Some(url.clone()), None)
        }
        Some(url) => (None, Some(truncate(url, 300))),
        None => (None, None),
    };
    AdvisoryPage {
        chrome: viewer.chrome(a.title.clone(), "/advisories"),
        links: area_links(viewer),
        id: detail.stored.id,
        tlp: a.tlp.as_str(),
        tlp_class,
        tlp_meaning: tlp_meaning(a.tlp),
        source: a.source.label(),
        key: a.key.clone(),
        summary: a.summary.clone(),
        action: a.action.clone(),
        priority: priority_label(a.priority),
        priority_tag: priority_tag(a.priority),
        ransomware: a.ransomware,
        cvss: a.cvss_tenths.map(|t| format!("{}.{}", t / 10, t % 10)),
        due,
        cves: a.cves.clone(),
        published: a.published_at.map(date_time),
        revision: a.revision.clone(),
        link,
        url_text,
        failures: detail.stored.failures.clone(),
        staff,
        partners,
        matches,
        own,
        assets,
        settable: SETTABLE,
        problems,
        done,
    }
}

/// The page's query: what was just saved, for the success banner.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DetailQuery {
    saved: Option<String>,
    acknowledged: Option<String>,
}

/// Reads an advisory for the viewer, or answers "not found".
async fn read(state: &AppState, scope: Scope, id: i64) -> WebResult<Detail> {
    state
        .blocking(move |store| load_detail(store, scope, id))
        .await??
        .ok_or(WebError::NotFound)
}

/// An advisory's page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    PageQuery(query): PageQuery<DetailQuery>,
) -> WebResult<Response> {
    let scope = Scope::of(&viewer)?;
    let detail = read(&state, scope, id).await?;
    let done = if query.acknowledged.is_some() {
        Some("You have acknowledged this advisory".to_owned())
    } else {
        query
            .saved
            .and_then(|asset| asset.parse::<i64>().ok())
            .and_then(|asset| detail.matches.iter().find(|m| m.record.asset_id == asset))
            .map(|m| format!("Status of {} saved", m.asset))
    };
    Ok(render(
        StatusCode::OK,
        &page_of(
            &viewer,
            scope,
            detail,
            OffsetDateTime::now_utc(),
            None,
            done,
        ),
    ))
}

/// What the acknowledge button sends.
#[derive(serde::Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    csrf_token: String,
}

/// The partner's notice about an advisory, if it has one.
fn own_notice_id(
    store: &mut dyn beacon_store::Store,
    organisation: i64,
    advisory: i64,
) -> beacon_store::StoreResult<Option<i64>> {
    Ok(store
        .notices(&NoticeFilter {
            organisation_id: Some(organisation),
            advisory_id: Some(advisory),
            open_only: false,
        })?
        .first()
        .map(|n| n.id))
}

/// Records the partner's acknowledgement of its notice.
pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AcknowledgeForm>,
) -> WebResult<Response> {
    let organisation = acting_organisation(&viewer)?;
    viewer.check_csrf(&form.csrf_token)?;
    let actor = viewer.user.username.clone();
    let found = state
        .blocking(move |store| -> beacon_store::StoreResult<bool> {
            let Some(notice) = own_notice_id(store, organisation, id)? else {
                return Ok(false);
            };
            let now = OffsetDateTime::now_utc();
            if beacon_app::advisories::tracking::acknowledge(
                store,
                notice,
                Some(organisation),
                &actor,
                now,
            )? {
                store.audit(&AuditEvent {
                    actor,
                    action: "acknowledge_advisory".into(),
                    subject: format!("advisory_notice:{notice}"),
                    detail: format!("advisory {id}"),
                })?;
            }
            Ok(true)
        })
        .await??;
    if !found {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!("/advisories/{id}?acknowledged=yes")).into_response())
}

/// What an asset's status form sends.
#[derive(serde::Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    asset: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

/// Records where one of the partner's matched assets stands (and acknowledges the notice
/// if it was not yet). Only the partner's own notice and its matched assets; anything
/// else is "not found" and changes nothing.
pub async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> WebResult<Response> {
    let organisation = acting_organisation(&viewer)?;
    viewer.check_csrf(&form.csrf_token)?;
    let asset_id: i64 = form.asset.trim().parse().map_err(|_| {
        WebError::BadRequest(
            "The form names no asset; go back and use the form on the advisory's page".into(),
        )
    })?;
    let status = form
        .status
        .parse::<AssetStatus>()
        .ok()
        .filter(|s| *s != AssetStatus::Unreviewed);
    let note = form.note.trim().to_owned();
    let problem = match status {
        None => Some(
            "Choose where the asset stands: not affected, affected, fix in progress or fixed"
                .to_owned(),
        ),
        Some(_) if note.chars().count() > NOTE_LIMIT => {
            Some(format!("The note must be {NOTE_LIMIT} characters or fewer"))
        }
        Some(_) => None,
    };
    if let Some(message) = problem {
        let scope = Scope::Own(organisation);
        let detail = read(&state, scope, id).await?;
        if !detail.matches.iter().any(|m| m.record.asset_id == asset_id) {
            return Err(WebError::NotFound);
        }
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &page_of(
                &viewer,
                scope,
                detail,
                OffsetDateTime::now_utc(),
                Some((asset_id, message)),
                None,
            ),
        ));
    }
    let status = status.unwrap_or_default();
    let actor = viewer.user.username.clone();
    let changed = state
        .blocking(move |store| -> beacon_store::StoreResult<bool> {
            let Some(notice) = own_notice_id(store, organisation, id)? else {
                return Ok(false);
            };
            let matched = store.asset_statuses(notice)?;
            let Some(asset) = matched.iter().find(|s| s.asset_id == asset_id) else {
                return Ok(false);
            };
            let was = asset.status;
            let change = StatusChange {
                notice_id: notice,
                asset_id,
                status,
                by: actor.clone(),
                note,
                at: OffsetDateTime::now_utc(),
            };
            if !beacon_app::advisories::tracking::set_status(store, &change, Some(organisation))? {
                return Ok(false);
            }
            store.audit(&AuditEvent {
                actor,
                action: "set_asset_status".into(),
                subject: format!("advisory_notice:{notice}"),
                detail: format!("asset {asset_id}: {} (was {})", status.label(), was.label()),
            })?;
            Ok(true)
        })
        .await??;
    if !changed {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/advisories/{id}?saved={asset_id}#asset-{asset_id}"
    ))
    .into_response())
}
