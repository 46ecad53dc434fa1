//! The reach page and the form that records an engagement.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date;
use crate::chrome::forms::{Fields, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::period::{PeriodForm, PeriodQuery, invalid_form, resolve_period};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_analytics::engagement::{ReachFigures, ReachRow};
use beacon_app::engagement::{EngagementError, reach_figures, record_one};
use beacon_core::Permission;
use beacon_core::engagement::HOW;
use beacon_store::EngagementRecord;
use time::OffsetDateTime;

/// Engagements the page lists.
const LOG_ROWS: u32 = 25;

/// What the record form sent, shown again when refused.
#[derive(Debug, Default)]
struct Sent {
    business: String,
    sector: String,
    size: String,
    district: String,
    how: String,
    on: String,
    note: String,
}

/// A reach table's row: the key, reached, sustained and the sustained share.
type Row = (String, u64, u64, String);

#[derive(Template)]
#[template(path = "engagement/templates/reach.html")]
struct ReachPage {
    chrome: Chrome,
    form: PeriodForm,
    action: &'static str,
    figures: Option<ReachFigures>,
    headline: String,
    by_how: Vec<(&'static str, u64)>,
    districts: Vec<Row>,
    sectors: Vec<Row>,
    log: Vec<(String, String, String, String, &'static str, String)>,
    total: u64,
    may_record: bool,
    how: [(&'static str, &'static str); 4],
    district_names: Vec<(String, String)>,
    problems: Vec<Problem>,
    sent: Sent,
}

impl ReachPage {
    /// The two reach tables: caption, first column's heading, rows.
    fn tables(&self) -> [(&'static str, &'static str, &Vec<Row>); 2] {
        [
            ("Reach by district", "District", &self.districts),
            ("Reach by sector", "Sector", &self.sectors),
        ]
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.as_str())
    }
}

fn rows(rows: &[ReachRow]) -> Vec<Row> {
    rows.iter()
        .map(|row| {
            (
                row.key.clone(),
                row.reached,
                row.sustained,
                row.sustained_percent()
                    .map_or_else(|| "–".to_owned(), |percent| format!("{percent}%")),
            )
        })
        .collect()
}

fn headline(figures: &ReachFigures) -> String {
    if figures.businesses == 0 {
        return "No business was reached in the period.".to_owned();
    }
    format!(
        "{} businesses were reached in the period through {} engagements; {} more than once. {} ({}) were reached in a sustained way: again at least 90 days apart within the 12 months to the period's end.",
        figures.businesses,
        figures.engagements,
        figures.more_than_once,
        figures.sustained,
        figures
            .sustained_percent()
            .map_or_else(|| "–".to_owned(), |percent| format!("{percent}%"))
    )
}

fn how_of(key: &str) -> &'static str {
    HOW.iter()
        .find(|(value, _)| *value == key)
        .map_or("Other", |(_, label)| label)
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    query: &PeriodQuery,
    status: StatusCode,
    problems: Vec<Problem>,
    sent: Sent,
) -> WebResult<Response> {
    let invalid = query.check().2.is_err();
    let (form, period) = if invalid {
        (invalid_form(query), None)
    } else {
        let (chosen, form) = resolve_period(state, query).await?;
        (form, Some(chosen.period))
    };
    let (figures, (total, log), districts) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let figures = match period {
                Some(period) => Some(reach_figures(store, period)?),
                None => None,
            };
            Ok((
                figures,
                store.engagement_log(0, LOG_ROWS)?,
                store.districts()?,
            ))
        })
        .await??;
    let name = |code: &str| {
        districts
            .list
            .iter()
            .find(|district| district.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |district| district.name.clone())
    };
    let log = log
        .iter()
        .map(|record: &EngagementRecord| {
            (
                date(record.on),
                record.business.clone(),
                record.sector.clone(),
                name(&record.district_code),
                how_of(&record.how),
                record.note.clone(),
            )
        })
        .collect();
    let title = match (invalid, problems.is_empty()) {
        (false, true) => "Business engagement",
        _ => "Error: Business engagement",
    };
    Ok(render(
        status,
        &ReachPage {
            chrome: viewer.chrome(title, "/engagement"),
            form,
            action: "/engagement",
            headline: figures.as_ref().map(headline).unwrap_or_default(),
            by_how: figures
                .as_ref()
                .map(|figures| {
                    figures
                        .by_how
                        .iter()
                        .map(|(how, count)| (how_of(how), *count))
                        .collect()
                })
                .unwrap_or_default(),
            districts: figures
                .as_ref()
                .map(|f| rows(&f.by_district))
                .unwrap_or_default(),
            sectors: figures
                .as_ref()
                .map(|f| rows(&f.by_sector))
                .unwrap_or_default(),
            figures,
            log,
            total,
            may_record: viewer.user.role.may(Permission::ManageCampaigns),
            how: HOW,
            district_names: districts
                .list
                .iter()
                .map(|district| (district.code.as_str().to_owned(), district.name.clone()))
                .collect(),
            problems,
            sent,
        },
    ))
}

/// `/engagement`: the period's reach and the latest of the log.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let status = if query.check().2.is_err() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    show(&state, &viewer, &query, status, Vec::new(), Sent::default()).await
}

/// Records one engagement, then shows the page again (with the problem when refused).
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let fields = Fields(&fields);
    viewer.check_csrf(&fields.one("csrf_token"))?;
    let sent = Sent {
        business: fields.one("business"),
        sector: fields.one("sector"),
        size: fields.one("size"),
        district: fields.one("district"),
        how: fields.one("how"),
        on: fields.one("on"),
        note: fields.one("note"),
    };
    let row = [
        sent.business.clone(),
        sent.sector.clone(),
        sent.size.clone(),
        sent.district.clone(),
        sent.how.clone(),
        sent.on.clone(),
        sent.note.clone(),
    ];
    let actor = viewer.user.username.clone();
    let recorded = state
        .blocking(move |store| {
            let row = [
                row[0].as_str(),
                &row[1],
                &row[2],
                &row[3],
                &row[4],
                &row[5],
                &row[6],
            ];
            let now = OffsetDateTime::now_utc();
            record_one(store, row, (&actor, now.date(), now))
        })
        .await?;
    match recorded {
        Ok(_) => Ok(Redirect::to("/engagement").into_response()),
        Err(EngagementError::Invalid(why)) => {
            show(
                &state,
                &viewer,
                &PeriodQuery::default(),
                StatusCode::BAD_REQUEST,
                vec![Problem::new("business", why)],
                sent,
            )
            .await
        }
        Err(EngagementError::Store(error)) => Err(WebError::Store(error)),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}
