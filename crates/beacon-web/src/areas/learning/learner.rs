//! Joining through an organisation's invitation link, and a learner's own page: their
//! modules, how far they have got with each, and their certificates.
//!
//! Following a link (GET) never changes anything, since mail scanners open links too;
//! only the join form (POST, with its double-submit token) makes a learner. A link that
//! does not work is "not found" before the form's token is looked at, so a stale link
//! always says the same thing.

use super::scope::{
    JOIN_COOKIE, LEARNER_COOKIE, LEARNER_DAYS, learn_cookie, learner_token, missing, sentence,
    trouble,
};
use crate::auth::{cookie, same_secret};
use crate::chrome::format::local_date;
use crate::chrome::layout::{Chrome, render};
use crate::refusals::{Refusal, refuse};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::ReadinessError;
use beacon_app::readiness::learning::{self, MAX_NAME_CHARS};
use beacon_store::education::{AttemptRecord, InvitationRecord, LearnerRecord};
use time::{Duration, OffsetDateTime};

/// What a learner is told about a link that does not work.
const DEAD_LINK: &str = "This invitation link does not work: it may have expired or been withdrawn. Ask whoever sent it to you for a new one.";

#[derive(Template)]
#[template(path = "learning/templates/join.html")]
struct JoinPage {
    chrome: Chrome,
    organisation: String,
    expires: String,
    csrf: String,
    name: String,
    error: Option<String>,
    /// The name this browser already joined under, if it has.
    already: Option<String>,
    max_chars: usize,
}

/// The join form's double-submit token: a random negative number signed with the
/// server's link key (as the sign-in form's is), so that a token planted in the cookie by
/// anyone else does not verify. It lasts two hours.
fn join_token(state: &AppState) -> String {
    let nonce = -i64::from(rand::random::<u32>()) - 1;
    state
        .signer
        .sign(nonce, OffsetDateTime::now_utc() + Duration::hours(2))
}

/// Whether the join form's token is the cookie's and was signed by this server.
fn join_token_holds(state: &AppState, cookie_token: &str, sent: &str) -> bool {
    !cookie_token.is_empty()
        && same_secret(cookie_token, sent)
        && state
            .signer
            .verify(sent, OffsetDateTime::now_utc())
            .is_ok_and(|nonce| nonce < 0)
}

/// Renders the join form with a fresh token in its cookie.
fn join_page(
    status: StatusCode,
    state: &AppState,
    headers: &HeaderMap,
    invitation: &InvitationRecord,
    already: Option<String>,
    name: String,
    error: Option<String>,
) -> Response {
    let csrf = join_token(state);
    let mut response = render(
        status,
        &JoinPage {
            chrome: Chrome::anonymous(format!("Join {}'s staff learning", invitation.organisation)),
            organisation: invitation.organisation.clone(),
            expires: local_date(invitation.expires_at),
            csrf: csrf.clone(),
            name,
            error,
            already,
            max_chars: MAX_NAME_CHARS,
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        learn_cookie(
            JOIN_COOKIE,
            &csrf,
            None,
            state.request_is_secure(headers),
            true,
        ),
    );
    response
}

/// The invitation link's page: the organisation and the one field, or "not found".
pub async fn join_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let own = learner_token(&headers);
    let found = state
        .blocking(move |store| {
            let now = OffsetDateTime::now_utc();
            let invitation = learning::open_invitation(store, &token, now)?;
            let already = match own {
                Some(own) => learning::learner(store, &own)?
                    .filter(|learner| learner.organisation_id == invitation.organisation_id)
                    .map(|learner| learner.display_name),
                None => None,
            };
            Ok::<_, ReadinessError>((invitation, already))
        })
        .await;
    match found {
        Ok(Ok((invitation, already))) => join_page(
            StatusCode::OK,
            &state,
            &headers,
            &invitation,
            already,
            String::new(),
            None,
        ),
        Ok(Err(ReadinessError::NotFound(_))) => {
            missing("This invitation link does not work", DEAD_LINK)
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "an invitation link could not be opened");
            trouble()
        }
        Err(_) => trouble(),
    }
}

/// What the join form sends.
#[derive(serde::Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
}

/// What joining came to.
enum Joined {
    /// A learner, and their token for the cookie.
    Learner(String),
    /// The link does not work.
    DeadLink,
    /// The form's token was not this browser's.
    Forged,
    /// The name was refused: the invitation, to show the form again, and why.
    Refused(InvitationRecord, String),
}

/// Makes a learner from the form and gives their browser its cookie; then their page.
pub async fn join(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<JoinForm>,
) -> Response {
    let expected = cookie(&headers, JOIN_COOKIE).unwrap_or("");
    let genuine = join_token_holds(&state, expected, &form.csrf_token);
    let name = form.name.clone();
    let outcome = state
        .blocking(move |store| -> Result<Joined, ReadinessError> {
            let now = OffsetDateTime::now_utc();
            let invitation = match learning::open_invitation(store, &token, now) {
                Ok(invitation) => invitation,
                Err(ReadinessError::NotFound(_)) => return Ok(Joined::DeadLink),
                Err(error) => return Err(error),
            };
            if !genuine {
                return Ok(Joined::Forged);
            }
            match learning::join(store, &token, &name, now) {
                Ok((_, learner_token)) => Ok(Joined::Learner(learner_token)),
                Err(ReadinessError::Invalid(problems)) => {
                    Ok(Joined::Refused(invitation, sentence(&problems.join("; "))))
                }
                Err(ReadinessError::NotFound(_)) => Ok(Joined::DeadLink),
                Err(error) => Err(error),
            }
        })
        .await;
    let secure = state.request_is_secure(&headers);
    match outcome {
        Ok(Ok(Joined::Learner(learner_token))) => {
            let mut response = Redirect::to("/learn").into_response();
            let out = response.headers_mut();
            out.append(
                header::SET_COOKIE,
                learn_cookie(
                    LEARNER_COOKIE,
                    &learner_token,
                    Some(Duration::days(LEARNER_DAYS)),
                    secure,
                    false,
                ),
            );
            out.append(
                header::SET_COOKIE,
                learn_cookie(JOIN_COOKIE, "", Some(Duration::ZERO), secure, true),
            );
            response
        }
        Ok(Ok(Joined::DeadLink)) => missing("This invitation link does not work", DEAD_LINK),
        Ok(Ok(Joined::Forged)) => {
            refuse(Refusal {
                action: "csrf_refused",
                detail: "refused: the learning join form's token was missing, not this browser's or not Beacon's".into(),
                actor: Some("(learner)".into()),
            });
            crate::chrome::error::WebError::Csrf.into_response()
        }
        Ok(Ok(Joined::Refused(invitation, message))) => join_page(
            StatusCode::BAD_REQUEST,
            &state,
            &headers,
            &invitation,
            None,
            form.name,
            Some(message),
        ),
        Ok(Err(error)) => {
            tracing::error!(%error, "a learner could not join");
            trouble()
        }
        Err(_) => trouble(),
    }
}

/// How far a learner has got with one module.
pub enum Standing {
    /// No attempt yet.
    NotStarted,
    /// Passed: the best passing attempt's score and its certificate.
    Passed {
        /// Questions right.
        score: u32,
        /// Questions asked.
        total: u32,
        /// The score as a whole percentage.
        percent: u32,
        /// The certificate's code.
        code: Option<String>,
    },
    /// Tried but not passed yet: the best score so far.
    Tried {
        /// Questions right.
        score: u32,
        /// Questions asked.
        total: u32,
        /// The score as a whole percentage.
        percent: u32,
    },
}

/// A module as the learner's page lists it.
pub struct ModuleLine {
    /// Its id (its page is `/learn/modules/<id>`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// About how long it takes.
    pub minutes: u32,
    /// What the learner will be able to do.
    pub summary: String,
    /// How far the learner has got.
    pub standing: Standing,
}

/// A learner's standing on `module` from their attempts.
fn standing(module: &str, attempts: &[AttemptRecord]) -> Standing {
    let mine: Vec<&AttemptRecord> = attempts.iter().filter(|a| a.module_id == module).collect();
    let best = |passed: bool| {
        mine.iter()
            .filter(|a| a.passed == passed)
            .max_by_key(|a| (u64::from(a.score) * 1000) / u64::from(a.total.max(1)))
            .copied()
    };
    if let Some(attempt) = best(true) {
        return Standing::Passed {
            score: attempt.score,
            total: attempt.total,
            percent: percent_of(attempt.score, attempt.total),
            code: attempt.certificate_code.clone(),
        };
    }
    match best(false) {
        Some(attempt) => Standing::Tried {
            score: attempt.score,
            total: attempt.total,
            percent: percent_of(attempt.score, attempt.total),
        },
        None => Standing::NotStarted,
    }
}

#[derive(Template)]
#[template(path = "learning/templates/home.html")]
struct HomePage {
    chrome: Chrome,
    learner: Option<LearnerRecord>,
    modules: Vec<ModuleLine>,
}

impl HomePage {
    /// Modules passed.
    fn passed(&self) -> usize {
        self.modules
            .iter()
            .filter(|m| matches!(m.standing, Standing::Passed { .. }))
            .count()
    }
}

/// A whole percentage of `score` out of `total`, for showing.
pub fn percent_of(score: u32, total: u32) -> u32 {
    (score * 100 + total / 2).checked_div(total).unwrap_or(0)
}

/// The learner's page: their modules, or how to join for a browser that has not.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = learner_token(&headers);
    let had_cookie = token.is_some();
    let found = state
        .blocking(move |store| {
            let Some(token) = token else {
                return Ok(None);
            };
            let Some(learner) = learning::learner(store, &token)? else {
                return Ok(None);
            };
            let attempts = learning::attempts_of(store, learner.id)?;
            Ok::<_, ReadinessError>(Some((learner, attempts)))
        })
        .await;
    let (learner, attempts) = match found {
        Ok(Ok(Some((learner, attempts)))) => (Some(learner), attempts),
        Ok(Ok(None)) => (None, Vec::new()),
        Ok(Err(error)) => {
            tracing::error!(%error, "a learner's page could not be read");
            return trouble();
        }
        Err(_) => return trouble(),
    };
    let modules = learning::modules()
        .iter()
        .map(|module| ModuleLine {
            id: module.id.clone(),
            title: module.title.clone(),
            minutes: module.minutes,
            summary: module.summary.clone(),
            standing: standing(&module.id, &attempts),
        })
        .collect();
    let title = if learner.is_some() {
        "Your modules"
    } else {
        "Staff learning"
    };
    let known = learner.is_some();
    let mut response = render(
        StatusCode::OK,
        &HomePage {
            chrome: Chrome::anonymous(title),
            learner,
            modules,
        },
    );
    if had_cookie && !known {
        // A cookie no learner has (a learner removed, a stale copy): forget it.
        response.headers_mut().append(
            header::SET_COOKIE,
            learn_cookie(
                LEARNER_COOKIE,
                "",
                Some(Duration::ZERO),
                state.request_is_secure(&headers),
                false,
            ),
        );
    }
    response
}
