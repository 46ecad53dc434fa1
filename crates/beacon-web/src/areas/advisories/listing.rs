//! The advisories list, a partner's action queue (its open notices by due date), and the
//! coordinator's overdue view with the time partners take to acknowledge and to fix.

use super::scope::{
    LIST_LIMIT, Scope, area_links, days_overdue, is_overdue, list_advisories, priority_label,
    priority_tag,
};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::{date, date_time};
use crate::chrome::forms::{Problem, check_choice, given};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_analytics::advisories::Timings;
use beacon_core::{AdvisorySource, Permission};
use beacon_store::advisories::{AdvisoryFilter, NoticeFilter, NoticeRecord, StoredAdvisory};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// An advisory as the list shows it.
pub struct AdvisoryLine {
    /// Its id.
    pub id: i64,
    /// Where it came from, in words.
    pub source: &'static str,
    /// Its priority's words.
    pub priority: &'static str,
    /// Its priority's tag colour.
    pub priority_tag: &'static str,
    /// Known to be used in ransomware.
    pub ransomware: bool,
    /// Its TLP label.
    pub tlp: &'static str,
    /// Its title.
    pub title: String,
    /// Its due date in words (the partner's notice's, for a partner).
    pub due: String,
    /// Failed CSAF's mandatory tests.
    pub flagged: bool,
}

fn line(advisory: &StoredAdvisory, due: Option<time::Date>) -> AdvisoryLine {
    let a = &advisory.advisory;
    AdvisoryLine {
        id: advisory.id,
        source: a.source.label(),
        priority: priority_label(a.priority),
        priority_tag: priority_tag(a.priority),
        ransomware: a.ransomware,
        tlp: a.tlp.as_str(),
        title: a.title.clone(),
        due: due.or(a.due).map(date).unwrap_or_else(|| "None".into()),
        flagged: !advisory.is_usable(),
    }
}

#[derive(Template)]
#[template(path = "advisories/templates/advisories_list.html")]
struct ListPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    staff: bool,
    may_write: bool,
    sources: Vec<(&'static str, &'static str, bool)>,
    matched: bool,
    problems: Vec<Problem>,
    advisories: Vec<AdvisoryLine>,
    capped: bool,
}

/// The list's query: a source and whether to list only matched advisories.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    source: Option<String>,
    matched: Option<String>,
}

/// The advisories the viewer may see, newest first.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> WebResult<Response> {
    let scope = Scope::of(&viewer)?;
    let mut problems = Vec::new();
    let source = match check_choice(
        &query.source,
        AdvisorySource::ALL.iter().map(|s| s.as_str()),
        "source",
        "source",
    ) {
        Ok(source) => source.and_then(|s| s.parse::<AdvisorySource>().ok()),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let matched = match given(&query.matched).as_deref() {
        None => false,
        Some("yes") => true,
        Some(_) => {
            problems.push(Problem::new(
                "matched",
                "Tick the box to list only matched advisories, or leave it clear",
            ));
            false
        }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let (advisories, notices) = if problems.is_empty() {
        state
            .blocking(move |store| -> beacon_store::StoreResult<_> {
                let advisories = list_advisories(
                    store,
                    scope,
                    AdvisoryFilter {
                        source,
                        matched_only: matched,
                        ..AdvisoryFilter::default()
                    },
                )?;
                let notices = match scope.organisation() {
                    Some(organisation) => store.notices(&NoticeFilter {
                        organisation_id: Some(organisation),
                        ..NoticeFilter::default()
                    })?,
                    None => Vec::new(),
                };
                Ok((advisories, notices))
            })
            .await??
    } else {
        (Vec::new(), Vec::new())
    };
    let due: BTreeMap<i64, Option<time::Date>> =
        notices.iter().map(|n| (n.advisory_id, n.due)).collect();
    let chosen = source.map(AdvisorySource::as_str);
    Ok(render(
        status,
        &ListPage {
            chrome: viewer.chrome("Advisories", "/advisories"),
            links: area_links(&viewer),
            staff: scope.organisation().is_none(),
            may_write: viewer.may(Permission::ManageAdvisories),
            sources: AdvisorySource::ALL
                .iter()
                .map(|s| (s.as_str(), s.label(), Some(s.as_str()) == chosen))
                .collect(),
            matched,
            problems,
            capped: advisories.len() >= LIST_LIMIT as usize,
            advisories: advisories
                .iter()
                .map(|a| line(a, due.get(&a.id).copied().flatten()))
                .collect(),
        },
    ))
}

/// An open notice as the queue shows it.
pub struct QueueLine {
    /// The advisory's id.
    pub advisory_id: i64,
    /// The advisory's title (withheld for a TLP:RED one the viewer may not see).
    pub title: Option<String>,
    /// The partner.
    pub organisation: String,
    /// The advisory's priority.
    pub priority: &'static str,
    /// Its tag colour.
    pub priority_tag: &'static str,
    /// Due date in words.
    pub due: String,
    /// Open past its due date.
    pub overdue: bool,
    /// When it was acknowledged, in words.
    pub acknowledged: Option<String>,
    /// Matched assets not yet fixed or found not affected.
    pub open_assets: usize,
    /// Matched assets.
    pub assets: usize,
}

/// Reads the open notices (one organisation's when given), at most [`LIST_LIMIT`], with
/// their advisories and how many of their assets are still open.
fn open_notices(
    store: &mut dyn beacon_store::Store,
    scope: Scope,
    organisation_id: Option<i64>,
    now: OffsetDateTime,
) -> beacon_store::StoreResult<Vec<QueueLine>> {
    let notices = store.notices(&NoticeFilter {
        organisation_id: scope.organisation().or(organisation_id),
        advisory_id: None,
        open_only: true,
    })?;
    let mut advisories: BTreeMap<i64, Option<StoredAdvisory>> = BTreeMap::new();
    let mut lines = Vec::new();
    for notice in notices.iter().take(LIST_LIMIT as usize) {
        let advisory = match advisories.entry(notice.advisory_id) {
            std::collections::btree_map::Entry::Occupied(found) => found.into_mut(),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(store.advisory(notice.advisory_id)?)
            }
        };
        let Some(advisory) = advisory.as_ref() else {
            continue;
        };
        let statuses = store.asset_statuses(notice.id)?;
        lines.push(queue_line(notice, advisory, scope, &statuses, now));
    }
    Ok(lines)
}

fn queue_line(
    notice: &NoticeRecord,
    advisory: &StoredAdvisory,
    scope: Scope,
    statuses: &[beacon_store::advisories::AssetStatusRecord],
    now: OffsetDateTime,
) -> QueueLine {
    let priority = advisory.advisory.priority;
    QueueLine {
        advisory_id: advisory.id,
        title: scope
            .shows(advisory)
            .then(|| advisory.advisory.title.clone()),
        organisation: notice.organisation.clone(),
        priority: priority_label(priority),
        priority_tag: priority_tag(priority),
        due: notice.due.map(date).unwrap_or_else(|| "None".into()),
        overdue: is_overdue(notice, now),
        acknowledged: notice.acknowledged_at.map(date_time),
        open_assets: statuses.iter().filter(|s| !s.status.is_closed()).count(),
        assets: statuses.len(),
    }
}

#[derive(Template)]
#[template(path = "advisories/templates/queue.html")]
struct QueuePage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    staff: bool,
    organisations: Vec<(i64, String, bool)>,
    lines: Vec<QueueLine>,
    overdue: usize,
}

/// The queue's query: one partner (for coordinators and analysts).
#[derive(Debug, Default, serde::Deserialize)]
pub struct QueueQuery {
    organisation: Option<String>,
}

/// Open notices by due date: a partner's own, or every partner's (or one's) for those who
/// see them all.
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<QueueQuery>,
) -> WebResult<Response> {
    let scope = Scope::of(&viewer)?;
    let chosen = match given(&query.organisation) {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            WebError::BadRequest(
                "Choose an organisation from the list (the address names none)".into(),
            )
        })?),
    };
    let now = OffsetDateTime::now_utc();
    let (lines, organisations) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let lines = open_notices(store, scope, chosen, now)?;
            let organisations = match scope {
                Scope::All { .. } => store.organisations()?,
                Scope::Own(_) => Vec::new(),
            };
            Ok((lines, organisations))
        })
        .await??;
    let title = match scope {
        Scope::Own(_) => "Your advisories to act on",
        Scope::All { .. } => "Partners' open advisories",
    };
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            chrome: viewer.chrome(title, "/advisories"),
            links: area_links(&viewer),
            staff: scope.organisation().is_none(),
            organisations: organisations
                .into_iter()
                .map(|o| (o.id, o.organisation.name, Some(o.id) == chosen))
                .collect(),
            overdue: lines.iter().filter(|l| l.overdue).count(),
            lines,
        },
    ))
}

/// One overdue notice.
pub struct OverdueLine {
    /// The partner.
    pub organisation: String,
    /// The advisory's id.
    pub advisory_id: i64,
    /// Its title (withheld for a TLP:RED one the viewer may not see).
    pub title: Option<String>,
    /// Due date in words.
    pub due: String,
    /// Whole days past it.
    pub days: i64,
    /// Escalated to the senior responsible owner.
    pub escalated: bool,
    /// Assets still open.
    pub open_assets: usize,
}

/// A row of a timings table.
pub struct TimingRow {
    /// What it is for: the area, a sector, a partner.
    pub name: String,
    /// The timings.
    pub timings: Timings,
}

impl TimingRow {
    /// A median or share in words.
    pub fn number(value: &Option<f64>) -> String {
        value.map_or_else(|| "Not yet".into(), |v| format!("{v:.1}"))
    }

    /// A share as a percentage.
    pub fn percent(value: &Option<f64>) -> String {
        value.map_or_else(|| "Not yet".into(), |v| format!("{:.0}%", v * 100.0))
    }
}

#[derive(Template)]
#[template(path = "advisories/templates/overdue.html")]
struct OverduePage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    lines: Vec<OverdueLine>,
    /// The timing tables: caption, what the first column names, rows.
    tables: Vec<(&'static str, &'static str, Vec<TimingRow>)>,
}

/// Open notices past their due date, by partner, and how fast partners act.
pub async fn overdue(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewAdvisories)?;
    let scope = Scope::of(&viewer)?;
    let now = OffsetDateTime::now_utc();
    let (lines, status) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let notices = store.notices(&NoticeFilter {
                open_only: true,
                ..NoticeFilter::default()
            })?;
            let mut overdue: Vec<&NoticeRecord> =
                notices.iter().filter(|n| is_overdue(n, now)).collect();
            overdue.sort_by(|a, b| a.organisation.cmp(&b.organisation).then(a.due.cmp(&b.due)));
            let mut lines = Vec::new();
            for notice in overdue.into_iter().take(LIST_LIMIT as usize) {
                let Some(advisory) = store.advisory(notice.advisory_id)? else {
                    continue;
                };
                let statuses = store.asset_statuses(notice.id)?;
                lines.push(OverdueLine {
                    organisation: notice.organisation.clone(),
                    advisory_id: advisory.id,
                    title: scope
                        .shows(&advisory)
                        .then(|| advisory.advisory.title.clone()),
                    due: notice.due.map(date).unwrap_or_default(),
                    days: days_overdue(notice, now).unwrap_or_default(),
                    escalated: notice.escalated_at.is_some(),
                    open_assets: statuses.iter().filter(|s| !s.status.is_closed()).count(),
                });
            }
            let status = beacon_app::advisories::status::status(store, None, None, now)?;
            Ok((lines, status))
        })
        .await??;
    let rows = |map: BTreeMap<String, Timings>| -> Vec<TimingRow> {
        map.into_iter()
            .map(|(name, timings)| TimingRow { name, timings })
            .collect()
    };
    Ok(render(
        StatusCode::OK,
        &OverduePage {
            chrome: viewer.chrome("Overdue advisories", "/advisories"),
            links: area_links(&viewer),
            lines,
            tables: vec![
                (
                    "Across the area",
                    "Area",
                    vec![TimingRow {
                        name: "Every partner".into(),
                        timings: status.area,
                    }],
                ),
                ("By sector", "Sector", rows(status.by_sector)),
                ("By partner", "Partner", rows(status.by_partner)),
            ],
        },
    ))
}
