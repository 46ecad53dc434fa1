//! The triage queue page and the button that scores it again.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::{Pagination, date_time};
use crate::chrome::forms::Fields;
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_analytics::care::SlaStatus;
use beacon_app::care::{
    QUEUE_DAYS, QueueChoice, QueueEntry, queue_end, queue_page, redact_closed, triage as run_triage,
};
use beacon_core::Permission;
use beacon_core::money::group_thousands;
use serde::Deserialize;
use time::OffsetDateTime;

/// Cases on a page.
const PAGE_SIZE: u32 = 25;

/// `?page=N&level=1..4&overdue=yes`.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    page: Option<u64>,
    level: Option<String>,
    overdue: Option<String>,
}

/// One case as the page shows it.
pub struct CaseRow {
    reference: String,
    reported_on: String,
    score: u32,
    level: u8,
    level_label: &'static str,
    contact_due: String,
    /// The service level's tag colour and words, when there is something to say.
    sla: Option<(&'static str, &'static str)>,
    reasons: Vec<(String, String)>,
}

impl CaseRow {
    fn of(entry: QueueEntry) -> CaseRow {
        CaseRow {
            reference: entry.reference,
            reported_on: crate::chrome::format::date(entry.reported_on),
            score: entry.score,
            level: entry.level,
            level_label: entry.level_label,
            contact_due: date_time(entry.contact_due),
            sla: match entry.sla.status {
                SlaStatus::Pending => None,
                SlaStatus::Overdue => Some(("govuk-tag--red", "Overdue")),
                SlaStatus::Met => Some(("govuk-tag--green", "Reached in time")),
                SlaStatus::MetLate => Some(("govuk-tag--orange", "Reached late")),
            },
            reasons: entry
                .reasons
                .into_iter()
                .map(|reason| (format!("+{}", reason.points), reason.text))
                .collect(),
        }
    }

    /// The tag colour of the case's level.
    fn tag(&self) -> &'static str {
        match self.level {
            4 => "govuk-tag--red",
            3 => "govuk-tag--orange",
            2 => "govuk-tag--yellow",
            _ => "govuk-tag--grey",
        }
    }
}

#[derive(Template)]
#[template(path = "care/templates/queue.html")]
struct QueuePage {
    chrome: Chrome,
    /// "Cases 1 to 25 of 2,288".
    caption: String,
    rows: Vec<CaseRow>,
    pagination: Pagination,
    days: u32,
    /// The level chosen ("" for all).
    level: String,
    overdue_only: bool,
}

impl QueuePage {
    /// Whether the page shows only some of the open cases.
    fn filtered(&self) -> bool {
        !self.level.is_empty() || self.overdue_only
    }
}

/// `/care`: a page of the triage queue in its order.
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<QueueQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkVictimCare)?;
    let page = query.page.unwrap_or(1).max(1);
    let offset = (page - 1) * u64::from(PAGE_SIZE);
    let level = match query.level.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<u8>()
                .ok()
                .filter(|level| (1..=4).contains(level))
                .ok_or_else(|| WebError::BadRequest("Choose a level of care from 1 to 4".into()))?,
        ),
    };
    let choice = QueueChoice {
        level,
        overdue_only: query.overdue.as_deref() == Some("yes"),
    };
    let actor = viewer.user.username.clone();
    let view = state
        .blocking(move |store| {
            queue_page(
                store,
                &actor,
                (choice, offset, PAGE_SIZE),
                OffsetDateTime::now_utc(),
            )
        })
        .await?
        .map_err(|error| WebError::Internal(error.to_string()))?;
    let mut kept = String::new();
    if let Some(level) = choice.level {
        kept.push_str(&format!("&level={level}"));
    }
    if choice.overdue_only {
        kept.push_str("&overdue=yes");
    }
    let pagination = Pagination::numbered(
        "Pages of the triage queue",
        view.total,
        u64::from(PAGE_SIZE),
        page,
        |number| format!("/care?page={number}{kept}"),
    );
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            chrome: viewer.chrome("Victim care: triage queue", "/care"),
            caption: format!(
                "Cases {} to {} of {}",
                group_thousands(offset + 1),
                group_thousands(offset + view.entries.len() as u64),
                group_thousands(view.total)
            ),
            rows: view.entries.into_iter().map(CaseRow::of).collect(),
            pagination,
            days: QUEUE_DAYS,
            level: choice
                .level
                .map(|level| level.to_string())
                .unwrap_or_default(),
            overdue_only: choice.overdue_only,
        },
    ))
}

/// Scores the queue again from the stored reports (after a load, or a change of
/// weights), then shows it.
pub async fn triage(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkVictimCare)?;
    viewer.check_csrf(&Fields(&fields).one("csrf_token"))?;
    let Some(weights) = state.settings().care_weights.clone() else {
        return Err(WebError::Internal(
            "the triage weights could not be read".to_owned(),
        ));
    };
    let actor = viewer.user.username.clone();
    let redact_after = state.settings().care_redact_after_days;
    state
        .blocking(move |store| {
            let now = OffsetDateTime::now_utc();
            redact_closed(store, redact_after, &actor, now)?;
            let end = queue_end(store, now.date())?;
            run_triage(store, &weights, QUEUE_DAYS, end, &actor, now)
        })
        .await?
        .map_err(|error| WebError::Internal(error.to_string()))?;
    Ok(Redirect::to("/care").into_response())
}
