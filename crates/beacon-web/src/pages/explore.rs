//! The report explorer: filter reports, see them grouped by district and fraud type
//! (sortable, paginated, downloadable as CSV), and — for roles allowed to — the reports
//! themselves, every view and download of which is audited.

use super::dashboard::{PeriodForm, PeriodQuery, resolve_period};
use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebResult;
use crate::format::Pagination;
use crate::forms::given;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::{Permission, Taxonomy};
use beacon_report::wording;
use beacon_store::{AuditEvent, LOSS_BANDS, ReportFilter, ReportGroup, ReportRow, ReportSort};

/// Rows per page.
const PAGE_SIZE: usize = 25;
/// The most victim-level rows one download carries.
const MAX_DOWNLOAD_ROWS: u32 = 50_000;

/// The explorer's query: a period, filters, sorting and paging.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExploreQuery {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    district: Option<String>,
    fraud_type: Option<String>,
    category: Option<String>,
    local_issue: Option<String>,
    victim_type: Option<String>,
    loss_band: Option<String>,
    /// Group sort: `reports` (default), `loss`, `district`, `type`.
    sort: Option<String>,
    page: Option<usize>,
    /// Show victim-level rows.
    rows: Option<String>,
    /// Row sort: `newest` (default), `oldest`, `largest`, `smallest`.
    row_sort: Option<String>,
    row_page: Option<u64>,
}

/// A choice in a filter's list.
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Chosen now.
    pub selected: bool,
}

/// A filter's select list.
pub struct Select {
    /// Field name.
    pub name: &'static str,
    /// Label.
    pub label: &'static str,
    /// Choices after "Any".
    pub choices: Vec<Choice>,
}

/// A group row as shown.
pub struct GroupLine {
    /// District name.
    pub district: String,
    /// Fraud type name.
    pub fraud_type: String,
    /// Reports.
    pub reports: String,
    /// Loss.
    pub loss: String,
    /// Cyber-enabled reports.
    pub cyber_enabled: String,
}

/// A report row as shown.
pub struct ReportLine {
    /// Reference.
    pub reference: String,
    /// Date.
    pub reported_on: String,
    /// District name.
    pub district: String,
    /// Type name.
    pub fraud_type: String,
    /// Individual or organisation.
    pub victim_type: String,
    /// Age.
    pub age: String,
    /// Postcode.
    pub postcode: String,
    /// Loss.
    pub loss: String,
    /// Summary.
    pub summary: String,
}

#[derive(Template)]
#[template(path = "explore.html")]
struct ExplorePage {
    chrome: Chrome,
    form: PeriodForm,
    selects: Vec<Select>,
    filter_query: String,
    total_reports: String,
    total_loss: String,
    groups: Vec<GroupLine>,
    group_sort: String,
    group_pages: Pagination,
    may_see_rows: bool,
    rows_shown: bool,
    rows: Vec<ReportLine>,
    rows_total: String,
    row_sort: String,
    row_pages: Pagination,
}

struct Resolved {
    filter: ReportFilter,
    /// The query string of period and filters (no sort or page).
    query: String,
    form: PeriodForm,
}

async fn resolve(state: &AppState, query: &ExploreQuery) -> WebResult<Resolved> {
    let period = PeriodQuery {
        period: query.period.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
    };
    let (chosen, form) = resolve_period(state, &period).await?;
    let filter = ReportFilter {
        from: Some(chosen.period.from),
        to: Some(chosen.period.to),
        district: given(&query.district),
        fraud_type: given(&query.fraud_type),
        category: given(&query.category).filter(|c| c == "fraud" || c == "cyber"),
        local_issue: given(&query.local_issue),
        victim_type: given(&query.victim_type).filter(|v| v == "individual" || v == "organisation"),
        loss_band: given(&query.loss_band).filter(|b| LOSS_BANDS.iter().any(|band| band.0 == b)),
    };
    let mut parts = vec![form.query.clone()];
    for (name, value) in [
        ("district", &filter.district),
        ("fraud_type", &filter.fraud_type),
        ("category", &filter.category),
        ("local_issue", &filter.local_issue),
        ("victim_type", &filter.victim_type),
        ("loss_band", &filter.loss_band),
    ] {
        if let Some(value) = value {
            parts.push(format!("{name}={}", crate::forms::url_encode(value)));
        }
    }
    Ok(Resolved {
        filter,
        query: parts.join("&"),
        form,
    })
}

fn choice(value: &str, label: &str, chosen: Option<&String>) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: chosen.is_some_and(|c| c == value),
    }
}

fn row_sort(key: Option<&str>) -> (ReportSort, &'static str) {
    match key {
        Some("oldest") => (ReportSort::OldestFirst, "oldest"),
        Some("largest") => (ReportSort::LargestLoss, "largest"),
        Some("smallest") => (ReportSort::SmallestLoss, "smallest"),
        _ => (ReportSort::NewestFirst, "newest"),
    }
}

struct Names {
    districts: Vec<(String, String)>,
    taxonomy: Taxonomy,
}

impl Names {
    fn district(&self, code: Option<&str>) -> String {
        code.map_or_else(
            || "Unknown".to_owned(),
            |code| {
                self.districts
                    .iter()
                    .find(|(c, _)| c == code)
                    .map_or_else(|| code.to_owned(), |(_, name)| name.clone())
            },
        )
    }

    fn fraud_type(&self, key: &str) -> String {
        self.taxonomy
            .get(key)
            .map_or_else(|| key.to_owned(), |t| t.name.clone())
    }
}

fn describe(filter: &ReportFilter) -> String {
    format!("{filter:?}")
}

/// The explorer page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let resolved = resolve(&state, &query).await?;
    let may_see_rows = viewer.may(Permission::ViewVictimDetails);
    let rows_shown = may_see_rows && query.rows.as_deref() == Some("1");
    let (sort, sort_key) = row_sort(query.row_sort.as_deref());
    let row_page = query.row_page.unwrap_or(1).max(1);
    let filter = resolved.filter.clone();
    let actor = viewer.user.username.clone();
    let (names, mut groups, rows) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let districts = store.districts()?;
            let names = Names {
                districts: districts
                    .list
                    .iter()
                    .map(|d| (d.code.as_str().to_owned(), d.name.clone()))
                    .collect(),
                taxonomy: Taxonomy::new(store.fraud_types()?),
            };
            let groups = store.report_groups(&filter)?;
            let rows = if rows_shown {
                // Audited before the rows are read, so no view goes unrecorded.
                store.audit(&AuditEvent {
                    actor,
                    action: "view_report_rows".into(),
                    subject: "reports".into(),
                    detail: format!("page {row_page}, {}", describe(&filter)),
                })?;
                Some(store.report_rows(
                    &filter,
                    sort,
                    PAGE_SIZE as u32,
                    (row_page - 1).saturating_mul(PAGE_SIZE as u64),
                )?)
            } else {
                None
            };
            Ok((names, groups, rows))
        })
        .await??;

    let group_sort = query
        .sort
        .as_deref()
        .filter(|key| matches!(*key, "loss" | "district" | "type"))
        .unwrap_or("reports");
    match group_sort {
        "loss" => groups.sort_by_key(|g| std::cmp::Reverse(g.loss_pence)),
        "district" => groups.sort_by_key(|g| names.district(g.district_code.as_deref())),
        "type" => groups.sort_by_key(|g| names.fraud_type(&g.fraud_type)),
        _ => groups.sort_by_key(|g| std::cmp::Reverse(g.reports)),
    }
    let total_reports: u64 = groups.iter().map(|g| g.reports).sum();
    let total_loss: i64 = groups.iter().map(|g| g.loss_pence).sum();
    let page = query.page.unwrap_or(1).max(1);
    let group_lines = groups
        .iter()
        .skip((page - 1).saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(|g| GroupLine {
            district: names.district(g.district_code.as_deref()),
            fraud_type: names.fraud_type(&g.fraud_type),
            reports: wording::count(g.reports),
            loss: wording::money_table(g.loss_pence),
            cyber_enabled: wording::count(g.cyber_enabled),
        })
        .collect();
    let base = resolved.query.clone();
    let group_pages = Pagination::numbered(
        "Pages of the district and type table",
        groups.len() as u64,
        PAGE_SIZE as u64,
        page as u64,
        |n| format!("/explore?{base}&sort={group_sort}&page={n}"),
    );
    let (rows_total, row_lines, row_pages) = match rows {
        Some((total, rows)) => (
            wording::count(total),
            rows.iter().map(|row| report_line(row, &names)).collect(),
            Pagination::numbered("Pages of reports", total, PAGE_SIZE as u64, row_page, |n| {
                format!("/explore?{base}&rows=1&row_sort={sort_key}&row_page={n}#reports")
            }),
        ),
        None => (String::new(), Vec::new(), Pagination::default()),
    };
    let selects = filter_selects(&names, &resolved.filter, &state.settings().rules);
    Ok(render(
        StatusCode::OK,
        &ExplorePage {
            chrome: Chrome::for_viewer(&viewer, "Explore reports", "/explore"),
            form: resolved.form,
            selects,
            filter_query: resolved.query,
            total_reports: wording::count(total_reports),
            total_loss: wording::money(total_loss),
            groups: group_lines,
            group_sort: group_sort.to_owned(),
            group_pages,
            may_see_rows,
            rows_shown,
            rows: row_lines,
            rows_total,
            row_sort: sort_key.to_owned(),
            row_pages,
        },
    ))
}

fn report_line(row: &ReportRow, names: &Names) -> ReportLine {
    ReportLine {
        reference: row.reference.clone(),
        reported_on: row.reported_on.clone(),
        district: names.district(row.district_code.as_deref()),
        fraud_type: names.fraud_type(&row.fraud_type),
        victim_type: row.victim_type.clone(),
        age: row.victim_age.map(|a| a.to_string()).unwrap_or_default(),
        postcode: row.postcode.clone().unwrap_or_default(),
        loss: row.loss_pence.map(wording::money_table).unwrap_or_default(),
        summary: row.summary.clone().unwrap_or_default(),
    }
}

fn filter_selects(
    names: &Names,
    filter: &ReportFilter,
    rules: &beacon_core::LocalIssueRules,
) -> Vec<Select> {
    let mut districts: Vec<Choice> = names
        .districts
        .iter()
        .map(|(code, name)| choice(code, name, filter.district.as_ref()))
        .collect();
    districts.push(choice(
        "unknown",
        "Unknown or outside the area",
        filter.district.as_ref(),
    ));
    vec![
        Select {
            name: "district",
            label: "District",
            choices: districts,
        },
        Select {
            name: "category",
            label: "Kind",
            choices: vec![
                choice("fraud", "Fraud", filter.category.as_ref()),
                choice("cyber", "Cyber crime", filter.category.as_ref()),
            ],
        },
        Select {
            name: "fraud_type",
            label: "Type",
            choices: names
                .taxonomy
                .types()
                .iter()
                .map(|t| choice(&t.key, &t.name, filter.fraud_type.as_ref()))
                .collect(),
        },
        Select {
            name: "local_issue",
            label: "Local issue",
            choices: rules
                .rules
                .iter()
                .map(|rule| choice(&rule.issue, &rule.label, filter.local_issue.as_ref()))
                .collect(),
        },
        Select {
            name: "victim_type",
            label: "Victim",
            choices: vec![
                choice("individual", "Individual", filter.victim_type.as_ref()),
                choice("organisation", "Organisation", filter.victim_type.as_ref()),
            ],
        },
        Select {
            name: "loss_band",
            label: "Loss",
            choices: LOSS_BANDS
                .iter()
                .map(|(key, label, _, _)| choice(key, label, filter.loss_band.as_ref()))
                .collect(),
        },
    ]
}

/// The filtered groups as CSV (no victim data).
pub async fn groups_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let resolved = resolve(&state, &query).await?;
    let filter = resolved.filter;
    let groups: Vec<ReportGroup> = state
        .blocking(move |store| store.report_groups(&filter))
        .await??;
    super::download::csv(
        "beacon-report-groups.csv",
        &[
            "district_code",
            "fraud_type",
            "reports",
            "loss_pence",
            "cyber_enabled",
        ],
        groups.into_iter().map(|g| {
            vec![
                g.district_code.unwrap_or_else(|| "unknown".into()),
                g.fraud_type,
                g.reports.to_string(),
                g.loss_pence.to_string(),
                g.cyber_enabled.to_string(),
            ]
        }),
    )
}

/// Victim-level rows read from the store at a time for the CSV download.
const DOWNLOAD_CHUNK: u32 = 1_000;

/// The filtered reports at victim level as CSV (audited): at most
/// [`MAX_DOWNLOAD_ROWS`], read and sent [`DOWNLOAD_CHUNK`] rows at a time so that a
/// big download (summaries run to 10,000 characters) never sits whole in memory.
pub async fn reports_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewVictimDetails)?;
    let resolved = resolve(&state, &query).await?;
    let filter = resolved.filter;
    let actor = viewer.user.username.clone();
    let counted = filter.clone();
    let (total, _) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            store.audit(&AuditEvent {
                actor,
                action: "download_report_rows".into(),
                subject: "reports".into(),
                detail: describe(&counted),
            })?;
            store.report_rows(&counted, ReportSort::NewestFirst, 0, 0)
        })
        .await??;
    if total > u64::from(MAX_DOWNLOAD_ROWS) {
        tracing::info!(total, "victim-level download capped");
    }
    let rows = total.min(u64::from(MAX_DOWNLOAD_ROWS));
    let filter = std::sync::Arc::new(filter);
    let reader = state.clone();
    let body = super::download::csv_stream(
        &[
            "reference",
            "reported_on",
            "district_code",
            "fraud_type",
            "category",
            "victim_type",
            "victim_age",
            "postcode",
            "loss_pence",
            "cyber_enabled",
            "local_issues",
            "summary",
        ],
        move |chunk| {
            let state = reader.clone();
            let filter = std::sync::Arc::clone(&filter);
            async move {
                let offset = chunk.saturating_mul(u64::from(DOWNLOAD_CHUNK));
                if offset >= rows {
                    return Ok(None);
                }
                let limit = u32::try_from((rows - offset).min(u64::from(DOWNLOAD_CHUNK)))
                    .unwrap_or(DOWNLOAD_CHUNK);
                let (_, found) = state
                    .blocking(move |store| {
                        store.report_rows(&filter, ReportSort::NewestFirst, limit, offset)
                    })
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| e.to_string())?;
                if found.is_empty() {
                    return Ok(None);
                }
                Ok(Some(found.into_iter().map(report_record).collect()))
            }
        },
    );
    Ok(super::download::streamed_attachment(
        "text/csv; charset=utf-8",
        "beacon-reports.csv",
        body,
    ))
}

/// One victim-level row as the CSV download writes it.
fn report_record(r: ReportRow) -> Vec<String> {
    vec![
        r.reference,
        r.reported_on,
        r.district_code.unwrap_or_default(),
        r.fraud_type,
        r.category,
        r.victim_type,
        r.victim_age.map(|a| a.to_string()).unwrap_or_default(),
        r.postcode.unwrap_or_default(),
        r.loss_pence.map(|l| l.to_string()).unwrap_or_default(),
        r.cyber_enabled.map(|c| c.to_string()).unwrap_or_default(),
        r.local_issues,
        r.summary.unwrap_or_default(),
    ]
}
