//! One case: its score and reasons, the service-level timer, who holds it, its history,
//! and the forms that record what the officer did (each a GOV.UK form; a refused one
//! shows an error summary and keeps what was typed).

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date_time;
use crate::chrome::forms::{Fields, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::care::{CareError, CaseView, NOTE_LIMIT, case_view, record};
use beacon_core::Permission;
use beacon_core::care::{CLOSING_OUTCOMES, CONTACT_OUTCOMES, REFERRALS};
use time::OffsetDateTime;

/// What a refused form sent, shown again.
#[derive(Debug, Default)]
struct Sent {
    kind: String,
    detail: String,
    note: String,
}

#[derive(Template)]
#[template(path = "care/templates/case.html")]
struct CasePage {
    chrome: Chrome,
    reference: String,
    view: CaseView,
    reported: String,
    due: String,
    first_contact: Option<String>,
    history: Vec<(String, String, String, String)>,
    forms: Vec<RecordForm>,
    problems: Vec<Problem>,
    sent: Sent,
    note_limit: usize,
    /// The advice library's published items (slug, title), to choose the advice given.
    advice_items: Vec<(String, String)>,
}

/// One of the case's forms: a kind of thing recorded, with its choices (radios) or a
/// text field.
pub struct RecordForm {
    kind: &'static str,
    heading: &'static str,
    legend: &'static str,
    choices: &'static [(&'static str, &'static str)],
    hint: &'static str,
    button: &'static str,
}

/// The case's forms, in the order an officer works.
fn record_forms() -> Vec<RecordForm> {
    vec![
        RecordForm {
            kind: "contact_attempt",
            heading: "Record a contact attempt",
            legend: "How did it go?",
            choices: &CONTACT_OUTCOMES,
            hint: "",
            button: "Record the contact attempt",
        },
        RecordForm {
            kind: "advice",
            heading: "Record advice given",
            legend: "Which advice item?",
            choices: &[],
            hint: "An item of the advice library",
            button: "Record the advice",
        },
        RecordForm {
            kind: "referral",
            heading: "Record a safeguarding referral",
            legend: "Which referral?",
            choices: &REFERRALS,
            hint: "",
            button: "Record the referral",
        },
        RecordForm {
            kind: "handover",
            heading: "Hand the case over",
            legend: "Who takes it on?",
            choices: &[],
            hint: "Their Beacon username",
            button: "Hand over",
        },
        RecordForm {
            kind: "closed",
            heading: "Close the case",
            legend: "How did it end?",
            choices: &CLOSING_OUTCOMES,
            hint: "",
            button: "Close the case",
        },
    ]
}

impl CasePage {
    /// The message of a problem with this field, if any.
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.as_str())
    }

    /// What was sent in this form's field when it was refused.
    fn kept<'a>(&'a self, kind: &str, value: &'a str) -> &'a str {
        if self.sent.kind == kind { value } else { "" }
    }

    /// The tag colour of the timer's status.
    fn sla_tag(&self) -> &'static str {
        if self.view.sla.status.is_breach() {
            "govuk-tag--red"
        } else {
            "govuk-tag--green"
        }
    }
}

fn care_error(error: CareError) -> WebError {
    match error {
        CareError::NotFound(_) => WebError::NotFound,
        CareError::Invalid(message) => WebError::BadRequest(message),
        CareError::Store(error) => WebError::Store(error),
    }
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    reference: String,
    status: StatusCode,
    problems: Vec<Problem>,
    sent: Sent,
) -> WebResult<Response> {
    let actor = viewer.user.username.clone();
    let lookup = reference.clone();
    let (view, advice_items) = state
        .blocking(move |store| -> Result<_, CareError> {
            let view = case_view(store, &actor, &lookup, OffsetDateTime::now_utc())?;
            let items = store
                .advice_list(&beacon_store::AdviceFilter {
                    published: Some(true),
                    ..beacon_store::AdviceFilter::default()
                })?
                .into_iter()
                .map(|stored| (stored.item.slug, stored.item.title))
                .collect::<Vec<_>>();
            Ok((view, items))
        })
        .await?
        .map_err(care_error)?;
    let title = if problems.is_empty() {
        format!("Case {reference}")
    } else {
        format!("Error: Case {reference}")
    };
    Ok(render(
        status,
        &CasePage {
            chrome: viewer.chrome(title, "/care"),
            reported: crate::chrome::format::date(view.entry.reported_on),
            due: date_time(view.sla.due),
            first_contact: view.sla.first_contact.map(date_time),
            history: view
                .history
                .iter()
                .map(|line| {
                    (
                        date_time(line.at),
                        line.what.clone(),
                        line.note.clone(),
                        line.by.clone(),
                    )
                })
                .collect(),
            reference,
            view,
            forms: record_forms(),
            problems,
            sent,
            note_limit: NOTE_LIMIT,
            advice_items,
        },
    ))
}

/// `/care/cases/{reference}`: the case, audited.
pub async fn case(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkVictimCare)?;
    show(
        &state,
        &viewer,
        reference,
        StatusCode::OK,
        Vec::new(),
        Sent::default(),
    )
    .await
}

/// Records what the officer did (`kind` with its `detail`, and a note), then shows the
/// case again.
pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(reference): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkVictimCare)?;
    let fields = Fields(&fields);
    viewer.check_csrf(&fields.one("csrf_token"))?;
    let kind = fields.one("kind");
    let detail = fields.one(&format!("detail-{kind}"));
    let sent = Sent {
        note: fields.one("note"),
        detail,
        kind,
    };
    let actor = viewer.user.username.clone();
    let lookup = reference.clone();
    let event = (sent.kind.clone(), sent.detail.clone(), sent.note.clone());
    let recorded = state
        .blocking(move |store| {
            record(
                store,
                &actor,
                &lookup,
                (&event.0, &event.1, &event.2),
                OffsetDateTime::now_utc(),
            )
        })
        .await?;
    match recorded {
        Ok(()) => {
            let to = format!(
                "/care/cases/{}",
                crate::chrome::forms::url_encode(&reference)
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(CareError::Invalid(message)) => {
            let field = if message.contains("note") {
                format!("note-{}", sent.kind)
            } else if sent.kind.is_empty() || message.contains("is not something") {
                "kind".to_owned()
            } else {
                format!("detail-{}", sent.kind)
            };
            show(
                &state,
                &viewer,
                reference,
                StatusCode::BAD_REQUEST,
                vec![Problem::new(field, message)],
                sent,
            )
            .await
        }
        Err(error) => Err(care_error(error)),
    }
}
