//! The signed-in person's own account: who they are and changing their password.

use crate::auth::{Viewer, hash_password, password_problem, verify_password};
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_store::AuditEvent;

#[derive(Template)]
#[template(path = "admin/templates/account.html")]
struct AccountPage {
    chrome: Chrome,
    username: String,
    role: &'static str,
    /// The organisation the account is linked to (partner IT managers, business users).
    organisation: Option<String>,
    error: Option<String>,
}

async fn account(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
) -> WebResult<Response> {
    let organisation = match viewer.user.organisation_id {
        Some(id) => state
            .blocking(|store| store.organisations())
            .await??
            .into_iter()
            .find(|o| o.id == id)
            .map(|o| o.organisation.name),
        None => None,
    };
    Ok(render(
        status,
        &AccountPage {
            chrome: viewer.chrome("Your account", "/account"),
            username: viewer.user.username.clone(),
            role: viewer.user.role.label(),
            organisation,
            error,
        },
    ))
}

/// The account page (where accounts with no statistics to see land): who they are and,
/// when linked, their organisation.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    account(&state, &viewer, StatusCode::OK, None).await
}

/// What the password form sends.
#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    current: String,
    new: String,
}

/// Changes the password (which signs the person out everywhere).
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> WebResult<Response> {
    viewer.check_csrf(&form.csrf_token)?;
    if let Some(problem) = password_problem(&form.new) {
        return account(
            &state,
            &viewer,
            StatusCode::BAD_REQUEST,
            Some(problem.to_owned()),
        )
        .await;
    }
    let new_hash = hash_password(&form.new).map_err(WebError::Internal)?;
    let username = viewer.user.username.clone();
    let id = viewer.user.id;
    let changed = state
        .blocking(move |store| -> beacon_store::StoreResult<bool> {
            let Some((_, hash)) = store.user_for_sign_in(&username)? else {
                return Ok(false);
            };
            if !verify_password(&hash, &form.current) {
                return Ok(false);
            }
            store.set_password(id, &new_hash)?;
            store.audit(&AuditEvent {
                actor: username,
                action: "change_password".into(),
                subject: format!("user:{id}"),
                detail: String::new(),
            })?;
            Ok(true)
        })
        .await??;
    if changed {
        Ok(Redirect::to("/sign-in").into_response())
    } else {
        account(
            &state,
            &viewer,
            StatusCode::BAD_REQUEST,
            Some("Enter your current password correctly".into()),
        )
        .await
    }
}
