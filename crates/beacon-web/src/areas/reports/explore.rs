//! The report explorer: filter reports, see them grouped by district and fraud type
//! (sortable, paginated, downloadable as CSV), and — for roles allowed to — the reports
//! themselves, every view and download of which is audited. The CSV downloads are in
//! `explore_csv`.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::Pagination;
use crate::chrome::forms::{Problem, check_choice, check_page, given, problems_message};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::period::{PeriodForm, PeriodQuery, invalid_form, resolve_period};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::{Permission, Taxonomy};
use beacon_report::wording;
use beacon_store::{AuditEvent, LOSS_BANDS, ReportFilter, ReportRow, ReportSort};

/// Rows per page.
const PAGE_SIZE: usize = 25;

/// The explorer's query: a period, filters, sorting and paging. Every value is checked
/// (`check_filters`); none is silently ignored.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExploreQuery {
    #[serde(flatten)]
    period: PeriodQuery,
    district: Option<String>,
    fraud_type: Option<String>,
    category: Option<String>,
    local_issue: Option<String>,
    victim_type: Option<String>,
    loss_band: Option<String>,
    /// Group sort: `reports` (default), `loss`, `district`, `type`.
    sort: Option<String>,
    page: Option<String>,
    /// Show victim-level rows.
    rows: Option<String>,
    /// Row sort: `newest` (default), `oldest`, `largest`, `smallest`.
    row_sort: Option<String>,
    row_page: Option<String>,
}

/// The explorer's filters, sorting and paging, checked.
struct Checked {
    district: Option<String>,
    fraud_type: Option<String>,
    category: Option<String>,
    local_issue: Option<String>,
    victim_type: Option<String>,
    loss_band: Option<String>,
    sort: &'static str,
    page: u64,
    rows: bool,
    row_sort: (ReportSort, &'static str),
    row_page: u64,
}

/// Where the error summary points for a sort or page from a link (not a form field): the
/// filters, whose "Apply filters" starts again from good values.
const FILTERS: &str = "filters";

/// Group sorts the explorer offers.
const GROUP_SORTS: [&str; 4] = ["reports", "loss", "district", "type"];
/// Row sorts the explorer offers.
const ROW_SORTS: [&str; 4] = ["newest", "oldest", "largest", "smallest"];

/// Checks every filter, sort and page of the explorer's query against what exists
/// (districts and fraud types from the store, local issues from the rules).
fn check_filters(
    query: &ExploreQuery,
    names: &Names,
    rules: &beacon_core::LocalIssueRules,
) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut keep = |result: Result<Option<String>, Problem>| match result {
        Ok(value) => value,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let district = keep(check_choice(
        &query.district,
        names
            .districts
            .iter()
            .map(|(code, _)| code.as_str())
            .chain(["unknown"]),
        "district",
        "district",
    ));
    let category = keep(check_choice(
        &query.category,
        ["fraud", "cyber"],
        "category",
        "kind",
    ));
    let fraud_type = keep(check_choice(
        &query.fraud_type,
        names.taxonomy.types().iter().map(|t| t.key.as_str()),
        "fraud_type",
        "type",
    ));
    let local_issue = keep(check_choice(
        &query.local_issue,
        rules.rules.iter().map(|rule| rule.issue.as_str()),
        "local_issue",
        "local issue",
    ));
    let victim_type = keep(check_choice(
        &query.victim_type,
        ["individual", "organisation"],
        "victim_type",
        "victim",
    ));
    let loss_band = keep(check_choice(
        &query.loss_band,
        LOSS_BANDS.iter().map(|band| band.0),
        "loss_band",
        "loss band",
    ));
    let sort = keep(check_choice(
        &query.sort,
        GROUP_SORTS,
        FILTERS,
        "sort order",
    ));
    let row_sort_key = keep(check_choice(
        &query.row_sort,
        ROW_SORTS,
        FILTERS,
        "sort order for reports",
    ));
    let rows = keep(check_choice(&query.rows, ["1"], FILTERS, "view of reports"));
    let mut page_of = |value: &Option<String>, field: &str| match check_page(value, field) {
        Ok(page) => page,
        Err(problem) => {
            problems.push(problem);
            1
        }
    };
    let page = page_of(&query.page, FILTERS);
    let row_page = page_of(&query.row_page, FILTERS);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Checked {
        district,
        fraud_type,
        category,
        local_issue,
        victim_type,
        loss_band,
        sort: GROUP_SORTS
            .into_iter()
            .find(|key| sort.as_deref() == Some(*key))
            .unwrap_or("reports"),
        page,
        rows: rows.is_some(),
        row_sort: row_sort(row_sort_key.as_deref()),
        row_page,
    })
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
#[template(path = "reports/templates/explore.html")]
struct ExplorePage {
    chrome: Chrome,
    form: PeriodForm,
    problems: Vec<Problem>,
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

impl ExplorePage {
    /// The message for a filter field, if it has a problem.
    fn problem_for(&self, field: &str) -> Option<String> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.clone())
    }
}

/// The explorer's query, resolved: its period and checked filters.
pub(super) struct Resolved {
    /// The store's filter.
    pub(super) filter: ReportFilter,
    checked: Checked,
    /// The query string of period and filters (no sort or page).
    query: String,
    form: PeriodForm,
    names: Names,
}

/// What the explorer shows instead when the query has problems: the form again.
struct Invalid {
    form: PeriodForm,
    problems: Vec<Problem>,
    names: Names,
}

async fn load_names(state: &AppState) -> WebResult<Names> {
    Ok(state
        .blocking(|store| -> beacon_store::StoreResult<Names> {
            let districts = store.districts()?;
            Ok(Names {
                districts: districts
                    .list
                    .iter()
                    .map(|d| (d.code.as_str().to_owned(), d.name.clone()))
                    .collect(),
                taxonomy: Taxonomy::new(store.fraud_types()?),
            })
        })
        .await??)
}

async fn resolve(state: &AppState, query: &ExploreQuery) -> WebResult<Result<Resolved, Invalid>> {
    let names = load_names(state).await?;
    let period_problems = query.period.check().2.err().unwrap_or_default();
    let checked = check_filters(query, &names, &state.settings().rules);
    let checked = match checked {
        Ok(checked) if period_problems.is_empty() => checked,
        other => {
            let mut problems = period_problems;
            problems.extend(other.err().unwrap_or_default());
            return Ok(Err(Invalid {
                form: invalid_form(&query.period),
                problems,
                names,
            }));
        }
    };
    let (chosen, form) = resolve_period(state, &query.period).await?;
    let filter = ReportFilter {
        from: Some(chosen.period.from),
        to: Some(chosen.period.to),
        district: checked.district.clone(),
        fraud_type: checked.fraud_type.clone(),
        category: checked.category.clone(),
        local_issue: checked.local_issue.clone(),
        victim_type: checked.victim_type.clone(),
        loss_band: checked.loss_band.clone(),
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
            parts.push(format!(
                "{name}={}",
                crate::chrome::forms::url_encode(value)
            ));
        }
    }
    Ok(Ok(Resolved {
        filter,
        checked,
        query: parts.join("&"),
        form,
        names,
    }))
}

/// For downloads: the resolved query, or its problems as one message.
pub(super) async fn resolve_or_refuse(
    state: &AppState,
    query: &ExploreQuery,
) -> WebResult<Resolved> {
    resolve(state, query)
        .await?
        .map_err(|invalid| WebError::BadRequest(problems_message(&invalid.problems)))
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

pub(super) fn describe(
    store: &mut dyn beacon_store::Store,
    filter: &ReportFilter,
) -> beacon_store::StoreResult<String> {
    Ok(crate::refusals::filter_words(filter, &store.districts()?))
}

/// The explorer page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<ExploreQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewStatistics)?;
    let may_see_rows = viewer.may(Permission::ViewVictimDetails);
    let resolved = match resolve(&state, &query).await? {
        Ok(resolved) => resolved,
        Err(invalid) => {
            let filter = ReportFilter {
                district: given(&query.district),
                fraud_type: given(&query.fraud_type),
                category: given(&query.category),
                local_issue: given(&query.local_issue),
                victim_type: given(&query.victim_type),
                loss_band: given(&query.loss_band),
                ..ReportFilter::default()
            };
            let selects = filter_selects(&invalid.names, &filter, &state.settings().rules);
            return Ok(render(
                StatusCode::BAD_REQUEST,
                &ExplorePage {
                    chrome: viewer.chrome("Error: Explore reports", "/explore"),
                    form: invalid.form,
                    problems: invalid.problems,
                    selects,
                    filter_query: String::new(),
                    total_reports: String::new(),
                    total_loss: String::new(),
                    groups: Vec::new(),
                    group_sort: String::new(),
                    group_pages: Pagination::default(),
                    may_see_rows: false,
                    rows_shown: false,
                    rows: Vec::new(),
                    rows_total: String::new(),
                    row_sort: String::new(),
                    row_pages: Pagination::default(),
                },
            ));
        }
    };
    let checked = &resolved.checked;
    let rows_shown = may_see_rows && checked.rows;
    let (sort, sort_key) = checked.row_sort;
    let row_page = checked.row_page;
    let filter = resolved.filter.clone();
    let actor = viewer.user.username.clone();
    let (mut groups, rows) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let groups = store.report_groups(&filter)?;
            let rows = if rows_shown {
                // Audited before the rows are read, so no view goes unrecorded.
                let detail = format!("page {row_page}, {}", describe(store, &filter)?);
                store.audit(&AuditEvent {
                    actor,
                    action: "view_report_rows".into(),
                    subject: "reports".into(),
                    detail,
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
            Ok((groups, rows))
        })
        .await??;
    let names = &resolved.names;
    let group_sort = checked.sort;
    match group_sort {
        "loss" => groups.sort_by_key(|g| std::cmp::Reverse(g.loss_pence)),
        "district" => groups.sort_by_key(|g| names.district(g.district_code.as_deref())),
        "type" => groups.sort_by_key(|g| names.fraud_type(&g.fraud_type)),
        _ => groups.sort_by_key(|g| std::cmp::Reverse(g.reports)),
    }
    let total_reports: u64 = groups.iter().map(|g| g.reports).sum();
    let total_loss: i64 = groups.iter().map(|g| g.loss_pence).sum();
    let page = checked.page;
    let group_count = Pagination::page_count(groups.len() as u64, PAGE_SIZE as u64);
    let mut problems = Vec::new();
    if page > group_count {
        problems.push(Problem::new(
            FILTERS,
            format!("There is no page {page} of the district and type table; it has {group_count}"),
        ));
    }
    let group_lines = groups
        .iter()
        .skip(
            usize::try_from(page - 1)
                .unwrap_or(usize::MAX)
                .saturating_mul(PAGE_SIZE),
        )
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
        page,
        |n| format!("/explore?{base}&sort={group_sort}&page={n}"),
    );
    let (rows_total, row_lines, row_pages) = match rows {
        Some((total, rows)) => {
            let count = Pagination::page_count(total, PAGE_SIZE as u64);
            if row_page > count {
                problems.push(Problem::new(
                    FILTERS,
                    format!("There is no page {row_page} of reports; there are {count}"),
                ));
            }
            (
                wording::count(total),
                rows.iter().map(|row| report_line(row, names)).collect(),
                Pagination::numbered("Pages of reports", total, PAGE_SIZE as u64, row_page, |n| {
                    format!("/explore?{base}&rows=1&row_sort={sort_key}&row_page={n}#reports")
                }),
            )
        }
        None => (String::new(), Vec::new(), Pagination::default()),
    };
    let selects = filter_selects(names, &resolved.filter, &state.settings().rules);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render(
        status,
        &ExplorePage {
            chrome: viewer.chrome(
                if problems.is_empty() {
                    "Explore reports"
                } else {
                    "Error: Explore reports"
                },
                "/explore",
            ),
            form: resolved.form,
            problems,
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
        reported_on: crate::chrome::format::date_text(&row.reported_on),
        district: names.district(row.district_code.as_deref()),
        fraud_type: names.fraud_type(&row.fraud_type),
        victim_type: crate::chrome::format::words(&row.victim_type),
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
