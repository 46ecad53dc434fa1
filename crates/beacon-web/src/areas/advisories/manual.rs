//! A coordinator writing an advisory by hand: the form, its checks (GOV.UK error summary
//! on the same form), and storing it through the application layer, which matches it
//! against every inventory and opens the affected partners' notices.

use super::scope::{area_links, priority_label};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::{DateEntry, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::advisories::manual::{ManualAdvisory, write_advisory};
use beacon_core::advisory::parse_cve;
use beacon_core::{Permission, Priority, Tlp};
use beacon_store::AuditEvent;
use time::OffsetDateTime;

/// The TLP labels a coordinator may choose, least restricted first.
const TLPS: [Tlp; 5] = [
    Tlp::Clear,
    Tlp::Green,
    Tlp::Amber,
    Tlp::AmberStrict,
    Tlp::Red,
];
/// The priorities, most urgent first.
const PRIORITIES: [Priority; 4] = [
    Priority::Urgent,
    Priority::High,
    Priority::Normal,
    Priority::Routine,
];

/// What the form sends (and shows again when refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ManualForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    tlp: String,
    #[serde(default)]
    priority: String,
    #[serde(default, rename = "due-day")]
    due_day: String,
    #[serde(default, rename = "due-month")]
    due_month: String,
    #[serde(default, rename = "due-year")]
    due_year: String,
    #[serde(default)]
    ransomware: Option<String>,
    #[serde(default)]
    cves: String,
    #[serde(default)]
    products: String,
    #[serde(default)]
    url: String,
}

impl ManualForm {
    /// The advisory the form describes, or every problem with it.
    fn check(&self) -> Result<ManualAdvisory, Vec<Problem>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push(Problem::new("title", "Enter a title"));
        } else if title.chars().count() > 300 {
            problems.push(Problem::new(
                "title",
                "The title must be 300 characters or fewer",
            ));
        }
        for (field, label, text) in [
            ("summary", "what it means", &self.summary),
            ("action", "what partners should do", &self.action),
        ] {
            if text.trim().is_empty() {
                problems.push(Problem::new(field, format!("Enter {label}")));
            } else if text.chars().count() > 10_000 {
                problems.push(Problem::new(
                    field,
                    format!("Shorten {label} to 10,000 characters or fewer"),
                ));
            }
        }
        let tlp = TLPS.into_iter().find(|t| t.as_str() == self.tlp);
        if tlp.is_none() {
            problems.push(Problem::new(
                "tlp",
                "Choose who may see the advisory (its TLP)",
            ));
        }
        let priority = PRIORITIES.into_iter().find(|p| p.as_str() == self.priority);
        if priority.is_none() {
            problems.push(Problem::new(
                "priority",
                "Choose how urgent the advisory is",
            ));
        }
        let due = DateEntry {
            day: self.due_day.trim().to_owned(),
            month: self.due_month.trim().to_owned(),
            year: self.due_year.trim().to_owned(),
            error: None,
        }
        .date("The due date")
        .unwrap_or_else(|message| {
            problems.push(Problem::new("due-day", message));
            None
        });
        let mut cves = Vec::new();
        for raw in self
            .cves
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            match parse_cve(raw) {
                Some(cve) if !cves.contains(&cve) => cves.push(cve),
                Some(_) => {}
                None => problems.push(Problem::new(
                    "cves",
                    format!(
                        "'{}' is not a CVE id: write them like CVE-2024-3400",
                        crate::chrome::forms::truncate(raw, 40)
                    ),
                )),
            }
        }
        let mut products = Vec::new();
        for line in self
            .products
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match beacon_match::Cpe::parse(line) {
                Ok(_) => products.push(line.to_owned()),
                Err(error) => problems.push(Problem::new(
                    "products",
                    format!(
                        "'{}' is not a CPE 2.3 name ({}): write one per line, like cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*",
                        crate::chrome::forms::truncate(line, 80),
                        error.reason
                    ),
                )),
            }
        }
        let url = self.url.trim();
        if !url.is_empty()
            && (!url.starts_with("https://")
                || url.contains(char::is_whitespace)
                || url.len() > 500)
        {
            problems.push(Problem::new(
                "url",
                "Enter the web address in full, starting https://",
            ));
        }
        match (tlp, priority) {
            (Some(tlp), Some(priority)) if problems.is_empty() => Ok(ManualAdvisory {
                title: title.to_owned(),
                summary: self.summary.trim().to_owned(),
                action: self.action.trim().to_owned(),
                tlp,
                priority,
                due,
                ransomware: self.ransomware.is_some(),
                cves,
                products,
                url: (!url.is_empty()).then(|| url.to_owned()),
            }),
            _ => Err(problems),
        }
    }
}

/// A text area of the form, ready to show.
pub struct TextView {
    /// Its id and name.
    pub id: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Its hint.
    pub hint: &'static str,
    /// What it holds.
    pub value: String,
    /// Why it was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "advisories/templates/advisory_new.html")]
struct NewPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    form: ManualForm,
    problems: Vec<Problem>,
    tlps: [Tlp; 5],
    priorities: Vec<(&'static str, &'static str)>,
    /// What it means and what to do.
    words: Vec<TextView>,
    /// CVEs and products.
    lists: Vec<TextView>,
    /// The due date's parts: name, label, value, width.
    due_parts: Vec<(&'static str, &'static str, String, &'static str)>,
}

impl NewPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

fn show(viewer: &Viewer, status: StatusCode, form: ManualForm, problems: Vec<Problem>) -> Response {
    let view = |id: &'static str, label: &'static str, hint: &'static str, value: &str| TextView {
        id,
        label,
        hint,
        value: value.to_owned(),
        error: problems
            .iter()
            .find(|p| p.field == id)
            .map(|p| p.message.clone()),
    };
    let words = vec![
        view(
            "summary",
            "What it means",
            "In plain words, for partners' IT managers",
            &form.summary,
        ),
        view(
            "action",
            "What to do",
            "The fix or mitigation, in plain words",
            &form.action,
        ),
    ];
    let lists = vec![
        view(
            "cves",
            "CVEs (optional)",
            "Separated by spaces or commas, for example CVE-2024-3400",
            &form.cves,
        ),
        view(
            "products",
            "Affected products (optional)",
            "One CPE 2.3 name per line, for example cpe:2.3:a:fortinet:fortios:7.2.4:*:*:*:*:*:*:* (use * in the version for every version). Without products the advisory is guidance and matches nobody.",
            &form.products,
        ),
    ];
    let due_parts = vec![
        ("day", "Day", form.due_day.clone(), "2"),
        ("month", "Month", form.due_month.clone(), "2"),
        ("year", "Year", form.due_year.clone(), "4"),
    ];
    render(
        status,
        &NewPage {
            words,
            lists,
            due_parts,
            chrome: viewer.chrome("Write an advisory", "/advisories"),
            links: area_links(viewer),
            form,
            problems,
            tlps: TLPS,
            priorities: PRIORITIES
                .iter()
                .map(|p| (p.as_str(), priority_label(*p)))
                .collect(),
        },
    )
}

/// The form.
pub async fn form(viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ManageAdvisories)?;
    Ok(show(
        &viewer,
        StatusCode::OK,
        ManualForm {
            tlp: Tlp::Amber.as_str().to_owned(),
            priority: Priority::High.as_str().to_owned(),
            ..ManualForm::default()
        },
        Vec::new(),
    ))
}

/// Stores the advisory, matches it and opens its notices; then its page.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ManualForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageAdvisories)?;
    viewer.check_csrf(&form.csrf_token)?;
    let advisory = match form.check() {
        Ok(advisory) => advisory,
        Err(problems) => return Ok(show(&viewer, StatusCode::BAD_REQUEST, form, problems)),
    };
    let actor = viewer.user.username.clone();
    let settings = state.settings().notify.clone();
    let id = state
        .blocking(move |store| -> WebResult<i64> {
            let outcome = write_advisory(store, &advisory, OffsetDateTime::now_utc(), &settings)
                .map_err(WebError::from)?;
            store.audit(&AuditEvent {
                actor,
                action: "write_advisory".into(),
                subject: format!("advisory:{}", outcome.id),
                detail: format!(
                    "{} ({}): {} match{}, {} notice{} opened",
                    outcome.key,
                    advisory.tlp,
                    outcome.matches,
                    if outcome.matches == 1 { "" } else { "es" },
                    outcome.notices.opened,
                    if outcome.notices.opened == 1 { "" } else { "s" }
                ),
            })?;
            Ok(outcome.id)
        })
        .await??;
    Ok(Redirect::to(&format!("/advisories/{id}")).into_response())
}
