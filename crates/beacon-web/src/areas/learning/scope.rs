//! What the area's pages share: whose figures a staff viewer sees, the learner's cookie
//! and form tokens, the friendly "not found" page learners get, and how the application
//! layer's refusals become answers.

use crate::auth::{Viewer, cookie, same_secret, token_hash};
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use beacon_app::readiness::ReadinessError;
use beacon_core::Permission;

/// The learner's cookie: their own token, which the store keeps only as a hash.
pub const LEARNER_COOKIE: &str = "beacon_learner";
/// The join form's double-submit cookie (before there is a learner).
pub const JOIN_COOKIE: &str = "beacon_learn_join";
/// The path both cookies are sent to: the learners' pages only.
pub const LEARN_PATH: &str = "/learn";
/// How long a learner's cookie lasts: a learning year, so staff can come back to their
/// modules and certificates.
pub const LEARNER_DAYS: i64 = 365;

/// The message for a partner account not linked to an organisation.
pub const NOT_LINKED: &str =
    "Your account is not linked to an organisation yet; ask the partnership coordinator to link it";

/// Whose staff learning a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every organisation's (coordinators and analysts).
    All,
    /// Only this organisation's (a partner IT manager's own).
    Own(i64),
}

impl Scope {
    /// The viewer's scope: every organisation for `ViewReadiness`, their own for a
    /// partner IT manager linked to one.
    ///
    /// # Errors
    /// [`WebError::Forbidden`] for roles with neither permission; a bad request for a
    /// partner account not linked to an organisation.
    pub fn of(viewer: &Viewer) -> WebResult<Scope> {
        if viewer.may(Permission::ViewReadiness) {
            return Ok(Scope::All);
        }
        if viewer.may(Permission::ViewOwnOrganisation) {
            return viewer
                .user
                .organisation_id
                .map(Scope::Own)
                .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()));
        }
        viewer.require(Permission::ViewReadiness)?;
        Err(WebError::Forbidden)
    }

    /// The organisation the viewer is confined to, if any.
    pub fn organisation(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::Own(id) => Some(id),
        }
    }
}

/// Whose invitation links a viewer keeps: `Ok(None)` lets a coordinator choose any
/// organisation; `Ok(Some(id))` confines a partner IT manager to its own.
///
/// # Errors
/// [`WebError::Forbidden`] for other roles (analysts see links but do not make them); a
/// bad request for a partner account not linked to an organisation.
pub fn invitation_keeper(viewer: &Viewer) -> WebResult<Option<i64>> {
    if viewer.may(Permission::ManageReadiness) {
        return Ok(None);
    }
    if viewer.may(Permission::ViewOwnOrganisation) {
        return viewer
            .user
            .organisation_id
            .map(Some)
            .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()));
    }
    viewer.require(Permission::ManageReadiness)?;
    Err(WebError::Forbidden)
}

/// A refusal of the application layer as a staff page's answer.
pub fn refusal(error: ReadinessError) -> WebError {
    match error {
        ReadinessError::Store(error) => WebError::Store(error),
        ReadinessError::Invalid(problems) => WebError::BadRequest(sentence(&problems.join("; "))),
        ReadinessError::NotFound(_) => WebError::NotFound,
    }
}

/// Text from the application layer as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.is_empty() && !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// A `Set-Cookie` value for the learners' pages, on path `/learn` (see
/// [`crate::auth::set_cookie`]): `strict` for the join form's token, else Lax so a learner
/// arriving from a link in an email is still known.
pub fn learn_cookie(
    name: &str,
    value: &str,
    max_age: Option<time::Duration>,
    secure: bool,
    strict: bool,
) -> HeaderValue {
    crate::auth::set_cookie(name, value, LEARN_PATH, max_age, secure, strict)
}

/// The learner token of the request's cookie, if it carries one.
pub fn learner_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, LEARNER_COOKIE)
        .map(str::trim)
        .filter(|token| !token.is_empty() && token.len() <= 128)
        .map(str::to_owned)
}

/// The anti-forgery token of a learner's forms: derived from the learner's own token,
/// which only their browser holds (in an HttpOnly cookie), so another site can neither
/// read nor compute it.
pub fn learner_form_token(learner_token: &str) -> String {
    token_hash(&format!("learner-form:{learner_token}"))
}

/// Whether a learner's form carried their token.
pub fn learner_form_holds(learner_token: &str, sent: &str) -> bool {
    !sent.is_empty() && same_secret(&learner_form_token(learner_token), sent)
}

#[derive(Template)]
#[template(path = "learning/templates/missing.html")]
struct MissingPage {
    chrome: Chrome,
    message: String,
}

/// The friendly "not found" page of the learners' pages (a link that does not work, a
/// certificate code nobody has): what happened and what to do, with no menu.
pub fn missing(title: &str, message: &str) -> Response {
    render(
        StatusCode::NOT_FOUND,
        &MissingPage {
            chrome: Chrome::anonymous(title),
            message: message.to_owned(),
        },
    )
}

/// The page for a learner's request that failed on Beacon's side.
pub fn trouble() -> Response {
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &MissingPage {
            chrome: Chrome::anonymous("Sorry, there is a problem"),
            message: "Beacon could not do this just now. Please try again later.".to_owned(),
        },
    )
}
