//! The coordinator's advice editor: every item with its version and whether it is
//! published, the edit form (Markdown, tags, short form, report routes, attribution), a
//! new version on save after the item's checks, a new item (the same form with its
//! address name), and publishing.

use super::public::advice_error;
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::{Fields, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::advice::{AdviceError, add_advice, edit_advice, publish as set_published};
use beacon_core::Permission;
use beacon_core::protect::{
    AdviceItem, AdviceProblem, Attribution, Audience, ReportRoute, SHORT_FORM_LIMIT, Threat,
    advice::OGL,
};
use beacon_store::{AdviceFilter, AuditEvent, PutOutcome};
use std::collections::BTreeSet;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// One line of the list.
struct Line {
    slug: String,
    title: String,
    version: i64,
    published: bool,
    updated: String,
    updated_by: String,
}

#[derive(Template)]
#[template(path = "advice/templates/list.html")]
struct ListPage {
    chrome: Chrome,
    lines: Vec<Line>,
}

/// `/protect/advice`: every item, published or not.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let items = state
        .blocking(|store| store.advice_list(&AdviceFilter::default()))
        .await??;
    let lines = items
        .into_iter()
        .map(|stored| Line {
            updated: crate::chrome::format::date_time(stored.updated_at),
            slug: stored.item.slug,
            title: stored.item.title,
            version: stored.version,
            published: stored.published,
            updated_by: stored.updated_by,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            chrome: viewer.chrome("Advice library", "/campaigns"),
            lines,
        },
    ))
}

/// The edit form as sent (and shown again when refused).
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    /// The address name of a new item (an existing item's comes from its address).
    slug: String,
    title: String,
    summary: String,
    short_form: String,
    body_markdown: String,
    threats: BTreeSet<String>,
    audiences: BTreeSet<String>,
    sectors: String,
    report_to: BTreeSet<String>,
    reviewed_on: String,
    source_title: String,
    source_url: String,
}

impl EditForm {
    fn of(item: &AdviceItem) -> EditForm {
        EditForm {
            slug: item.slug.clone(),
            title: item.title.clone(),
            summary: item.summary.clone(),
            short_form: item.short_form.clone(),
            body_markdown: item.body_markdown.clone(),
            threats: item.threats.iter().map(|t| t.slug().to_owned()).collect(),
            audiences: item.audiences.iter().map(|a| a.slug().to_owned()).collect(),
            sectors: item.sectors.iter().cloned().collect::<Vec<_>>().join(", "),
            report_to: item.report_to.iter().map(|r| r.slug().to_owned()).collect(),
            reviewed_on: item.reviewed_on.to_string(),
            source_title: item
                .source
                .as_ref()
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            source_url: item
                .source
                .as_ref()
                .map(|s| s.url.clone())
                .unwrap_or_default(),
        }
    }

    fn from_fields(fields: &[(String, String)]) -> EditForm {
        let mut form = EditForm::default();
        for (key, value) in fields {
            match key.as_str() {
                "slug" => form.slug = value.trim().to_ascii_lowercase(),
                "title" => form.title = value.trim().to_owned(),
                "summary" => form.summary = value.trim().to_owned(),
                "short_form" => form.short_form = value.trim().to_owned(),
                "body_markdown" => form.body_markdown = value.replace("\r\n", "\n"),
                "threat" => {
                    form.threats.insert(value.clone());
                }
                "audience" => {
                    form.audiences.insert(value.clone());
                }
                "report_to" => {
                    form.report_to.insert(value.clone());
                }
                "sectors" => form.sectors = value.trim().to_owned(),
                "reviewed_on" => form.reviewed_on = value.trim().to_owned(),
                "source_title" => form.source_title = value.trim().to_owned(),
                "source_url" => form.source_url = value.trim().to_owned(),
                _ => {}
            }
        }
        form
    }

    /// The item the form describes, or every problem with it, tied to its field.
    fn check(&self, slug: &str) -> Result<AdviceItem, Vec<Problem>> {
        let mut problems = Vec::new();
        let reviewed_on = match Date::parse(
            &self.reviewed_on,
            format_description!("[year]-[month]-[day]"),
        ) {
            Ok(date) => Some(date),
            Err(_) => {
                problems.push(Problem::new(
                    "reviewed_on",
                    "Enter the date it was last reviewed, like 2026-12-01",
                ));
                None
            }
        };
        let source = if self.source_title.is_empty() && self.source_url.is_empty() {
            None
        } else {
            Some(Attribution {
                title: self.source_title.clone(),
                url: self.source_url.clone(),
                licence: OGL.to_owned(),
            })
        };
        let item = AdviceItem {
            slug: slug.to_owned(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            threats: self
                .threats
                .iter()
                .filter_map(|s| Threat::from_slug(s))
                .collect(),
            audiences: self
                .audiences
                .iter()
                .filter_map(|s| Audience::from_slug(s))
                .collect(),
            sectors: self
                .sectors
                .split(',')
                .map(|sector| sector.trim().to_ascii_lowercase().replace(' ', "-"))
                .filter(|sector| !sector.is_empty())
                .collect(),
            short_form: self.short_form.clone(),
            body_markdown: self.body_markdown.trim().to_owned() + "\n",
            report_to: ReportRoute::ALL
                .into_iter()
                .filter(|route| self.report_to.contains(route.slug()))
                .collect(),
            source,
            reviewed_on: reviewed_on.unwrap_or(Date::MIN),
        };
        for problem in item.validate() {
            let field = match &problem {
                AdviceProblem::BadSlug(_) => "slug",
                AdviceProblem::NoTitle => "title",
                AdviceProblem::NoSummary => "summary",
                AdviceProblem::NoBody | AdviceProblem::HardToRead { .. } => "body_markdown",
                AdviceProblem::NoThreats => "threat",
                AdviceProblem::NoAudiences => "audience",
                AdviceProblem::BadSector(_) | AdviceProblem::SectorsWithoutSmes => "sectors",
                AdviceProblem::NoShortForm
                | AdviceProblem::ShortFormTooLong { .. }
                | AdviceProblem::ShortFormNamesNoRoute => "short_form",
                AdviceProblem::NoReportRoutes | AdviceProblem::RepeatedRoute(_) => "report_to",
                AdviceProblem::BadAttribution(_) => "source_title",
            };
            let mut message = problem.to_string();
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + &message[1..];
            }
            problems.push(Problem::new(field, message));
        }
        if problems.is_empty() {
            Ok(item)
        } else {
            Err(problems)
        }
    }
}

/// A checkbox of the form.
struct Choice {
    name: &'static str,
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "advice/templates/edit.html")]
struct EditPage {
    chrome: Chrome,
    /// Whether this is a new item (its form asks for the address name and posts to
    /// `/protect/advice/new`).
    new: bool,
    slug: String,
    version: i64,
    published: bool,
    form: EditForm,
    problems: Vec<Problem>,
    /// (field, legend, choices)
    groups: Vec<(&'static str, &'static str, Vec<Choice>)>,
    /// Title and summary: (id, label, value).
    top: Vec<(&'static str, &'static str, String)>,
    /// Sectors, review date and attribution: (id, label, hint, value).
    extras: Vec<(&'static str, &'static str, &'static str, String)>,
    limit: usize,
    characters: usize,
    grade: String,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// Which item the form is for: an existing one (its address name, latest version and
/// whether it is published) or a new one.
enum Editing {
    Existing {
        slug: String,
        version: i64,
        published: bool,
    },
    New,
}

fn show(
    viewer: &Viewer,
    status: StatusCode,
    editing: Editing,
    form: EditForm,
    problems: Vec<Problem>,
) -> Response {
    let (new, slug, version, published) = match editing {
        Editing::Existing {
            slug,
            version,
            published,
        } => (false, slug, version, published),
        Editing::New => (true, form.slug.clone(), 0, false),
    };
    let choices =
        |name: &'static str, all: Vec<(&'static str, &'static str)>, chosen: &BTreeSet<String>| {
            all.into_iter()
                .map(|(value, label)| Choice {
                    name,
                    value,
                    label,
                    checked: chosen.contains(value),
                })
                .collect::<Vec<_>>()
        };
    let groups = vec![
        (
            "threat",
            "What it is about",
            choices(
                "threat",
                Threat::ALL.map(|t| (t.slug(), t.label())).to_vec(),
                &form.threats,
            ),
        ),
        (
            "audience",
            "Who it is for",
            choices(
                "audience",
                Audience::ALL.map(|a| (a.slug(), a.label())).to_vec(),
                &form.audiences,
            ),
        ),
        (
            "report_to",
            "Where to report",
            choices(
                "report_to",
                ReportRoute::ALL.map(|r| (r.slug(), r.label())).to_vec(),
                &form.report_to,
            ),
        ),
    ];
    let level = beacon_core::protect::ReadingLevel::of_markdown(&form.body_markdown);
    let heading = if new {
        "New advice item".to_owned()
    } else {
        format!("Edit advice: {slug}")
    };
    let title = if problems.is_empty() {
        heading
    } else {
        format!("Error: {heading}")
    };
    let top = vec![
        ("title", "Title", form.title.clone()),
        ("summary", "Summary", form.summary.clone()),
    ];
    let extras = vec![
        (
            "sectors",
            "Sectors (optional)",
            "For small business advice: separated by commas, for example retail, hospitality",
            form.sectors.clone(),
        ),
        (
            "reviewed_on",
            "Last reviewed",
            "For example 2026-12-01",
            form.reviewed_on.clone(),
        ),
        (
            "source_title",
            "Reused text: title of the source (optional)",
            "Only for Open Government Licence text; the page shows the attribution",
            form.source_title.clone(),
        ),
        (
            "source_url",
            "Reused text: address of the source",
            "Starting https://",
            form.source_url.clone(),
        ),
    ];
    render(
        status,
        &EditPage {
            chrome: viewer.chrome(title, "/campaigns"),
            new,
            top,
            extras,
            characters: form.short_form.chars().count(),
            grade: format!("{:.1}", level.grade),
            slug,
            version,
            published,
            form,
            problems,
            groups,
            limit: SHORT_FORM_LIMIT,
        },
    )
}

/// `/protect/advice/{slug}`: the edit form, filled with the latest version.
pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let lookup = slug.clone();
    let stored = state
        .blocking(move |store| store.advice(&lookup))
        .await??
        .ok_or(WebError::NotFound)?;
    Ok(show(
        &viewer,
        StatusCode::OK,
        Editing::Existing {
            slug,
            version: stored.version,
            published: stored.published,
        },
        EditForm::of(&stored.item),
        Vec::new(),
    ))
}

/// `/protect/advice/new`: an empty form for a new item, reviewed today.
pub async fn new_form(viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let form = EditForm {
        reviewed_on: OffsetDateTime::now_utc().date().to_string(),
        ..EditForm::default()
    };
    Ok(show(
        &viewer,
        StatusCode::OK,
        Editing::New,
        form,
        Vec::new(),
    ))
}

/// Adds a new item (unpublished, version 1) after the item's checks; an address name
/// already in use is refused, so a new item never overwrites one.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    viewer.check_csrf(&csrf_of(&fields))?;
    let form = EditForm::from_fields(&fields);
    let mut checked = form.check(&form.slug);
    if form.slug.is_empty() || form.slug == "new" {
        let message = if form.slug.is_empty() {
            "Enter an address name, like courier-fraud-older-residents"
        } else {
            "Choose another address name: 'new' is the address of this form"
        };
        let mut problems = checked.err().unwrap_or_default();
        problems.retain(|problem| problem.field != "slug");
        problems.insert(0, Problem::new("slug", message));
        checked = Err(problems);
    }
    let item = match checked {
        Ok(item) => item,
        Err(problems) => {
            return Ok(show(
                &viewer,
                StatusCode::BAD_REQUEST,
                Editing::New,
                form,
                problems,
            ));
        }
    };
    let role = viewer.user.role;
    let actor = viewer.user.username.clone();
    let slug = item.slug.clone();
    let added = state
        .blocking(move |store| -> WebResult<bool> {
            match add_advice(store, role, &item, &actor, OffsetDateTime::now_utc()) {
                Err(AdviceError::Taken(_)) => return Ok(false),
                other => other.map_err(advice_error)?,
            };
            store.audit(&AuditEvent {
                actor,
                action: "add_advice".into(),
                subject: format!("advice:{}", item.slug),
                detail: "version 1".into(),
            })?;
            Ok(true)
        })
        .await??;
    if !added {
        let problems = vec![Problem::new(
            "slug",
            format!(
                "An item called {slug} already exists: choose another address name, or edit that item"
            ),
        )];
        return Ok(show(
            &viewer,
            StatusCode::BAD_REQUEST,
            Editing::New,
            form,
            problems,
        ));
    }
    Ok(Redirect::to(&format!("/protect/advice/{slug}")).into_response())
}

fn csrf_of(fields: &[(String, String)]) -> String {
    Fields(fields).one("csrf_token")
}

/// Saves the form as a new version (when the content changed) after the item's checks.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    viewer.check_csrf(&csrf_of(&fields))?;
    let lookup = slug.clone();
    let stored = state
        .blocking(move |store| store.advice(&lookup))
        .await??
        .ok_or(WebError::NotFound)?;
    let form = EditForm::from_fields(&fields);
    let item = match form.check(&slug) {
        Ok(item) => item,
        Err(problems) => {
            return Ok(show(
                &viewer,
                StatusCode::BAD_REQUEST,
                Editing::Existing {
                    slug,
                    version: stored.version,
                    published: stored.published,
                },
                form,
                problems,
            ));
        }
    };
    let role = viewer.user.role;
    let actor = viewer.user.username.clone();
    state
        .blocking(move |store| -> WebResult<()> {
            let outcome = edit_advice(store, role, &item, &actor, OffsetDateTime::now_utc())
                .map_err(advice_error)?;
            if let PutOutcome::Revised { version } | PutOutcome::Added { version } = outcome {
                store.audit(&AuditEvent {
                    actor,
                    action: "edit_advice".into(),
                    subject: format!("advice:{}", item.slug),
                    detail: format!("version {version}"),
                })?;
            }
            Ok(())
        })
        .await??;
    Ok(Redirect::to(&format!("/protect/advice/{slug}")).into_response())
}

/// Puts an item on the public pages or takes it off (`published=yes|no`).
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    viewer.check_csrf(&csrf_of(&fields))?;
    let published = match fields
        .iter()
        .find(|(key, _)| key == "published")
        .map(|(_, value)| value.as_str())
    {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return Err(WebError::BadRequest(
                "Choose to publish or unpublish".into(),
            ));
        }
    };
    let role = viewer.user.role;
    let actor = viewer.user.username.clone();
    let subject = slug.clone();
    state
        .blocking(move |store| -> WebResult<()> {
            set_published(store, role, &subject, published).map_err(|error| match error {
                AdviceError::NotFound(_) => WebError::NotFound,
                other => advice_error(other),
            })?;
            store.audit(&AuditEvent {
                actor,
                action: if published {
                    "publish_advice"
                } else {
                    "unpublish_advice"
                }
                .into(),
                subject: format!("advice:{subject}"),
                detail: String::new(),
            })?;
            Ok(())
        })
        .await??;
    Ok(Redirect::to("/campaigns").into_response())
}
