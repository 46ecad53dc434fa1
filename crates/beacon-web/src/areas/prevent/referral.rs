//! One referral: its details, its stages in the order they happened, where it stands
//! against the contact measure, and the form that records its next stage.

use super::referrals::{contact_tag, prevent_error, today};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::{date, date_time};
use crate::chrome::forms::{DateEntry, Fields, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::prevent::{
    NOTE_LIMIT, PreventError, ReferralView, StepEntry, record_step, shipped_calendar,
    show as show_referral,
};
use beacon_core::Permission;
use time::OffsetDateTime;

/// What the stage form sent, shown again when refused.
#[derive(Debug, Default)]
struct Sent {
    step: String,
    on: DateEntry,
    result: String,
    note: String,
}

/// A stage's row: when, what, result, note, who and when recorded.
pub struct StageRow {
    on: String,
    stage: &'static str,
    result: String,
    note: String,
    by: String,
    recorded: String,
}

#[derive(Template)]
#[template(path = "prevent/templates/referral.html")]
struct ReferralPage {
    chrome: Chrome,
    view: ReferralView,
    rows: Vec<StageRow>,
    contact: Option<(&'static str, String)>,
    due: Option<String>,
    problems: Vec<Problem>,
    sent: Sent,
    note_limit: usize,
}

impl ReferralPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.as_str())
    }

    /// The stage form's radio ids: the first stage's is the field's own (the error
    /// summary links to it).
    fn step_id(&self, index: &usize, key: &str) -> String {
        if *index == 0 {
            "step".to_owned()
        } else {
            format!("step-{key}")
        }
    }

    /// Every result the next stages take, once each, with the stage it belongs to.
    fn results(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        self.view
            .next
            .iter()
            .flat_map(|next| {
                next.results
                    .iter()
                    .map(move |(key, label)| (next.label, *key, *label))
            })
            .collect()
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    reference: String,
    status: StatusCode,
    problems: Vec<Problem>,
    sent: Sent,
) -> WebResult<Response> {
    let actor = viewer.user.username.clone();
    let view = state
        .blocking(move |store| {
            show_referral(store, &actor, &reference, &shipped_calendar(), today())
        })
        .await?
        .map_err(prevent_error)?;
    let title = if problems.is_empty() {
        format!("Referral {}", view.summary.reference)
    } else {
        format!("Error: Referral {}", view.summary.reference)
    };
    Ok(render(
        status,
        &ReferralPage {
            chrome: viewer.chrome(title, "/cyber-choices"),
            rows: view
                .steps
                .iter()
                .map(|step| StageRow {
                    on: date(step.on),
                    stage: step.stage,
                    result: step.result.clone(),
                    note: step.note.clone(),
                    by: step.by.clone(),
                    recorded: date_time(step.at),
                })
                .collect(),
            contact: view.summary.contact.as_ref().map(contact_tag),
            due: view
                .summary
                .contact
                .as_ref()
                .map(|measure| date(measure.due)),
            view,
            problems,
            sent,
            note_limit: NOTE_LIMIT,
        },
    ))
}

/// `/cyber-choices/{reference}`: the referral, audited.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkCyberChoices)?;
    page(
        &state,
        &viewer,
        reference,
        StatusCode::OK,
        Vec::new(),
        Sent::default(),
    )
    .await
}

/// Records the next stage, then shows the referral again; a refused stage is shown
/// with its problem and what was typed.
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(reference): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkCyberChoices)?;
    let fields = Fields(&fields);
    viewer.check_csrf(&fields.one("csrf_token"))?;
    let part = |name: &str| Some(fields.one(name));
    let sent = Sent {
        step: fields.one("step"),
        on: DateEntry::from_query(&None, &part("on-day"), &part("on-month"), &part("on-year")),
        result: fields.one("result"),
        note: fields.one("note"),
    };
    let on = match sent.on.date("The day it happened") {
        Ok(Some(day)) => Some(day),
        Ok(None) => {
            return page(
                &state,
                &viewer,
                reference,
                StatusCode::BAD_REQUEST,
                vec![Problem::new("on-day", "Enter the day it happened")],
                sent,
            )
            .await;
        }
        Err(message) => {
            return page(
                &state,
                &viewer,
                reference,
                StatusCode::BAD_REQUEST,
                vec![Problem::new("on-day", message)],
                sent,
            )
            .await;
        }
    };
    let entry = StepEntry {
        step: sent.step.clone(),
        on,
        result: sent.result.clone(),
        note: sent.note.clone(),
    };
    let actor = viewer.user.username.clone();
    let lookup = reference.clone();
    let recorded = state
        .blocking(move |store| {
            record_step(
                store,
                &actor,
                &lookup,
                &entry,
                today(),
                OffsetDateTime::now_utc(),
            )
        })
        .await?;
    match recorded {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cyber-choices/{}",
            crate::chrome::forms::url_encode(&reference.to_ascii_uppercase())
        ))
        .into_response()),
        Err(PreventError::Invalid(found)) => {
            let problems = found
                .into_iter()
                .map(|(field, message)| {
                    let field = if field == "on" { "on-day" } else { field };
                    Problem::new(field, message)
                })
                .collect();
            page(
                &state,
                &viewer,
                reference,
                StatusCode::BAD_REQUEST,
                problems,
                sent,
            )
            .await
        }
        Err(error) => Err(prevent_error(error)),
    }
}
