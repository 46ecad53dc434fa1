//! The referrals list, and the form that opens a referral.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date;
use crate::chrome::forms::{DateEntry, Fields, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::prevent::{
    NOTE_LIMIT, Opening, PreventError, ReferralList, list as list_referrals, open_referral,
    shipped_calendar,
};
use beacon_core::Permission;
use beacon_core::prevent::{AGE_BANDS, CONCERNS, REFERRERS, ReferralDetails};
use time::OffsetDateTime;

/// Today, as the measure is judged.
pub(super) fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// A referral's row in the list.
pub struct Row {
    reference: String,
    received: String,
    concern: String,
    who: String,
    stage: String,
    contact: Option<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "prevent/templates/list.html")]
struct ListPage {
    chrome: Chrome,
    listed: ReferralList,
    rows: Vec<Row>,
    met: Option<u64>,
    decided: u64,
}

/// The tag colour and words of a referral's place against the contact measure.
pub(super) fn contact_tag(
    measure: &beacon_analytics::prevent::ContactMeasure,
) -> (&'static str, String) {
    use beacon_analytics::prevent::ContactStatus as S;
    let colour = match measure.status {
        S::Met => "govuk-tag--green",
        S::Late | S::Overdue | S::NotContacted => "govuk-tag--red",
        S::Pending => "govuk-tag--blue",
    };
    let words = match measure.working_days {
        Some(days) => format!("{} ({days} working days)", measure.status.label()),
        None => format!("{} by {}", measure.status.label(), date(measure.due)),
    };
    (colour, words)
}

/// `/cyber-choices`: every referral, newest first, audited.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::WorkCyberChoices)?;
    let actor = viewer.user.username.clone();
    let listed = state
        .blocking(move |store| list_referrals(store, &actor, &shipped_calendar(), today()))
        .await?
        .map_err(prevent_error)?;
    let rows = listed
        .entries
        .iter()
        .map(|entry| Row {
            reference: entry.reference.clone(),
            received: entry.summary_on.map(date).unwrap_or_default(),
            concern: entry.concern.clone(),
            who: format!("{}, {}", entry.age_band, entry.district),
            stage: match &entry.outcome {
                Some(outcome) => format!("{}: {outcome}", entry.stage),
                None => entry.stage.clone(),
            },
            contact: entry.contact.as_ref().map(contact_tag),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            chrome: viewer.chrome("Cyber Choices referrals", "/cyber-choices"),
            met: listed.contact.met_percent(),
            decided: listed.contact.full_referrals - listed.contact.pending,
            listed,
            rows,
        },
    ))
}

/// What the opening form sent, shown again when refused.
#[derive(Debug, Default)]
struct Sent {
    referrer: String,
    age_band: String,
    district: String,
    concern: String,
    received: DateEntry,
    note: String,
}

/// One of the form's radio questions: its field, legend and values (stored form, words).
type Choice = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

#[derive(Template)]
#[template(path = "prevent/templates/new.html")]
struct NewPage {
    chrome: Chrome,
    problems: Vec<Problem>,
    sent: Sent,
    districts: Vec<(String, String)>,
    choices: [Choice; 3],
    note_limit: usize,
}

impl NewPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.as_str())
    }

    fn kept(&self, field: &str) -> &str {
        match field {
            "referrer" => &self.sent.referrer,
            "age_band" => &self.sent.age_band,
            "concern" => &self.sent.concern,
            _ => "",
        }
    }
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    problems: Vec<Problem>,
    sent: Sent,
) -> WebResult<Response> {
    let districts = state
        .blocking(|store| store.districts())
        .await??
        .list
        .into_iter()
        .map(|district| (district.code.as_str().to_owned(), district.name))
        .collect();
    let title = if problems.is_empty() {
        "Open a Cyber Choices referral"
    } else {
        "Error: Open a Cyber Choices referral"
    };
    Ok(render(
        status,
        &NewPage {
            chrome: viewer.chrome(title, "/cyber-choices"),
            problems,
            sent,
            districts,
            choices: [
                ("referrer", "Who made the referral?", &REFERRERS),
                ("age_band", "How old is the person?", &AGE_BANDS),
                ("concern", "What is the concern?", &CONCERNS),
            ],
            note_limit: NOTE_LIMIT,
        },
    ))
}

/// `/cyber-choices/new`: the form.
pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::WorkCyberChoices)?;
    form_page(&state, &viewer, StatusCode::OK, Vec::new(), Sent::default()).await
}

/// Opens the referral and shows it; a refused form is shown again with its problems.
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::WorkCyberChoices)?;
    let fields = Fields(&fields);
    viewer.check_csrf(&fields.one("csrf_token"))?;
    let part = |name: &str| Some(fields.one(name));
    let sent = Sent {
        referrer: fields.one("referrer"),
        age_band: fields.one("age_band"),
        district: fields.one("district"),
        concern: fields.one("concern"),
        received: DateEntry::from_query(
            &None,
            &part("received-day"),
            &part("received-month"),
            &part("received-year"),
        ),
        note: fields.one("note"),
    };
    let mut problems = Vec::new();
    let summary_on = match sent.received.date("The day the summary was received") {
        Ok(day) => day,
        Err(message) => {
            problems.push(Problem::new("received-day", message));
            None
        }
    };
    let opening = Opening {
        details: ReferralDetails {
            referrer: sent.referrer.clone(),
            age_band: sent.age_band.clone(),
            district: sent.district.clone(),
            concern: sent.concern.clone(),
        },
        summary_on,
        note: sent.note.clone(),
    };
    let actor = viewer.user.username.clone();
    // A date its form already refused reaches the use case as no date at all.
    let date_refused = !problems.is_empty();
    let opened = state
        .blocking(move |store| {
            open_referral(store, &actor, &opening, today(), OffsetDateTime::now_utc())
        })
        .await?;
    match opened {
        Ok(reference) => Ok(Redirect::to(&format!("/cyber-choices/{reference}")).into_response()),
        Err(PreventError::Invalid(found)) => {
            for (field, message) in found {
                // A date already refused for its form is not named twice.
                if field == "summary_on" && date_refused {
                    continue;
                }
                let field = if field == "summary_on" {
                    "received-day"
                } else {
                    field
                };
                problems.push(Problem::new(field, message));
            }
            form_page(&state, &viewer, StatusCode::BAD_REQUEST, problems, sent).await
        }
        Err(error) => Err(prevent_error(error)),
    }
}

/// The web's error for a Cyber Choices failure.
pub(super) fn prevent_error(error: PreventError) -> WebError {
    match error {
        PreventError::NotFound(_) => WebError::NotFound,
        PreventError::Invalid(problems) => WebError::BadRequest(
            problems
                .into_iter()
                .map(|(_, message)| message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        PreventError::Store(error) => WebError::Store(error),
    }
}
