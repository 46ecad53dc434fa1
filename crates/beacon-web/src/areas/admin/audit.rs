//! The audit log for coordinators: who saw or changed what, and when, filterable.

use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::Pagination;
use crate::chrome::forms::{DateEntry, Problem, check_page, given, url_encode};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::Permission;
use beacon_store::{AuditFilter, AuditRecord};

const PAGE_SIZE: u32 = 50;

/// The audit page's filters. Dates come as GOV.UK's day, month and year fields, or
/// whole (`from=2026-12-01`) from links.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(rename = "from-day")]
    from_day: Option<String>,
    #[serde(rename = "from-month")]
    from_month: Option<String>,
    #[serde(rename = "from-year")]
    from_year: Option<String>,
    #[serde(rename = "to-day")]
    to_day: Option<String>,
    #[serde(rename = "to-month")]
    to_month: Option<String>,
    #[serde(rename = "to-year")]
    to_year: Option<String>,
    page: Option<String>,
}

/// An audit event as the table shows it.
pub struct EventLine {
    /// When, in UK local time.
    pub when: String,
    /// When, for the `datetime` attribute.
    pub machine: String,
    /// Who.
    pub actor: String,
    /// What, in words.
    pub action: String,
    /// The stored action code (kept for filtering).
    pub action_code: String,
    /// On what.
    pub subject: String,
    /// Detail.
    pub detail: String,
    /// The client's address and user agent ("192.0.2.7, Mozilla/5.0 …"), or "Command line"
    /// for events with none.
    pub origin: String,
}

impl EventLine {
    fn of(record: &AuditRecord) -> EventLine {
        EventLine {
            when: crate::chrome::format::date_time_text(&record.at),
            machine: crate::chrome::format::machine_time(&record.at),
            actor: record.event.actor.clone(),
            action: crate::chrome::format::words(&record.event.action),
            action_code: record.event.action.clone(),
            subject: record.event.subject.clone(),
            detail: record.event.detail.clone(),
            origin: match (&record.origin.address, &record.origin.user_agent) {
                (None, None) => "Command line".to_owned(),
                (address, agent) => format!(
                    "{}, {}",
                    address.as_deref().unwrap_or("unknown address"),
                    agent.as_deref().unwrap_or("no user agent")
                ),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "admin/templates/audit.html")]
struct AuditPage {
    chrome: Chrome,
    problems: Vec<Problem>,
    actor: String,
    action: String,
    from: DateEntry,
    to: DateEntry,
    events: Vec<EventLine>,
    pagination: Pagination,
}

impl AuditPage {
    /// The two dates with their field names and labels, for the template.
    fn date_fields(&self) -> [(&'static str, &'static str, &DateEntry); 2] {
        [("from", "From", &self.from), ("to", "To", &self.to)]
    }
}

/// The audit log.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<AuditQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewAudit)?;
    let mut from = DateEntry::from_query(
        &query.from,
        &query.from_day,
        &query.from_month,
        &query.from_year,
    );
    let mut to = DateEntry::from_query(&query.to, &query.to_day, &query.to_month, &query.to_year);
    let mut problems = Vec::new();
    let mut check = |entry: &mut DateEntry, label: &str, field: &str| match entry.date(label) {
        Ok(date) => date,
        Err(message) => {
            entry.error = Some(message.clone());
            problems.push(Problem::new(field, message));
            None
        }
    };
    let from_date = check(&mut from, "The start date", "from-day");
    let to_date = check(&mut to, "The end date", "to-day");
    if let (Some(start), Some(end)) = (from_date, to_date)
        && start > end
    {
        let message = "The start date must be on or before the end date".to_owned();
        from.error = Some(message.clone());
        problems.push(Problem::new("from-day", message));
    }
    let page = match check_page(&query.page, "page") {
        Ok(page) => u32::try_from(page).unwrap_or(u32::MAX),
        Err(problem) => {
            problems.push(problem);
            1
        }
    };
    let text = |value: &Option<String>| given(value).unwrap_or_default();
    let title = if problems.is_empty() {
        "Audit log"
    } else {
        "Error: Audit log"
    };
    let mut shown = AuditPage {
        chrome: viewer.chrome(title, "/audit"),
        problems: Vec::new(),
        actor: text(&query.actor),
        action: text(&query.action),
        from: from.clone(),
        to: to.clone(),
        events: Vec::new(),
        pagination: Pagination::default(),
    };
    if !problems.is_empty() {
        shown.problems = problems;
        return Ok(render(StatusCode::BAD_REQUEST, &shown));
    }
    let filter = AuditFilter {
        actor: given(&query.actor),
        action: given(&query.action),
        from: from_date.map(|d| d.midnight().assume_utc()),
        to: to_date
            .and_then(|d| d.next_day())
            .map(|d| d.midnight().assume_utc()),
        limit: PAGE_SIZE + 1,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let mut events = state
        .blocking(move |store| store.audit_search(&filter))
        .await??;
    let more = events.len() > PAGE_SIZE as usize;
    events.truncate(PAGE_SIZE as usize);
    let day = |date: Option<time::Date>| date.map(|d| d.to_string()).unwrap_or_default();
    let base = format!(
        "/audit?actor={}&action={}&from={}&to={}",
        url_encode(&text(&query.actor)),
        url_encode(&text(&query.action)),
        day(from_date),
        day(to_date)
    );
    shown.events = events.iter().map(EventLine::of).collect();
    shown.pagination =
        Pagination::open_ended("Pages of the audit log", u64::from(page), more, |n| {
            format!("{base}&page={n}")
        });
    Ok(render(StatusCode::OK, &shown))
}
