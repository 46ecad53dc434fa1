//! Accounts, managed by coordinators: create, change role, disable, unlock.

use crate::auth::{Viewer, password_problem};
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::accounts::{AccountError, NewAccount, create_account};
use beacon_core::{Permission, Role, StoredOrganisation};
use beacon_store::{AuditEvent, User, UserChange};

#[derive(Template)]
#[template(path = "admin/templates/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<User>,
    organisations: Vec<StoredOrganisation>,
    roles: [Role; 6],
    errors: Vec<String>,
    done: Option<String>,
}

impl UsersPage {
    fn organisation_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.organisations.iter().find(|o| o.id == id))
            .map(|o| o.organisation.name.clone())
            .unwrap_or_default()
    }
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> WebResult<Response> {
    let (users, organisations) = state
        .blocking(|store| -> beacon_store::StoreResult<_> {
            Ok((store.users()?, store.organisations()?))
        })
        .await??;
    Ok(render(
        status,
        &UsersPage {
            chrome: viewer.chrome("Users", "/users"),
            users,
            organisations,
            roles: Role::ALL,
            errors,
            done,
        },
    ))
}

/// The users page.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ManageUsers)?;
    show(&state, &viewer, StatusCode::OK, Vec::new(), None).await
}

/// What the new-account form sends.
#[derive(serde::Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf_token: String,
    username: String,
    display_name: String,
    /// Empty until the coordinator chooses: the form pre-selects no role, so nobody is
    /// given more access than intended by leaving the default.
    #[serde(default)]
    role: String,
    organisation: Option<String>,
    password: String,
}

/// Creates an account.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CreateForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageUsers)?;
    viewer.check_csrf(&form.csrf_token)?;
    let mut errors = Vec::new();
    let username = form.username.trim().to_owned();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        errors.push("Enter a username without spaces".to_owned());
    }
    if form.display_name.trim().is_empty() {
        errors.push("Enter the person's name".to_owned());
    }
    let role = form.role.parse::<Role>();
    if role.is_err() {
        errors.push("Choose a role".to_owned());
    }
    if let Some(problem) = password_problem(&form.password) {
        errors.push(problem.to_owned());
    }
    let organisation_id = form
        .organisation
        .as_deref()
        .filter(|o| !o.is_empty())
        .and_then(|o| o.parse::<i64>().ok());
    let (Ok(role), true) = (role, errors.is_empty()) else {
        return show(&state, &viewer, StatusCode::BAD_REQUEST, errors, None).await;
    };
    let account = NewAccount {
        username: username.clone(),
        display_name: form.display_name.trim().to_owned(),
        role,
        password: form.password.clone(),
        organisation_id,
    };
    let actor = viewer.user.username.clone();
    let created = state
        .blocking(move |store| -> WebResult<Option<i64>> {
            match create_account(store, &account, &actor) {
                Ok(id) => Ok(Some(id)),
                Err(error) if error.is_name_taken() => Ok(None),
                Err(AccountError::Store(error)) => Err(WebError::from(error)),
                Err(error) => Err(WebError::Internal(error.to_string())),
            }
        })
        .await??;
    match created {
        Some(_) => {
            show(
                &state,
                &viewer,
                StatusCode::OK,
                Vec::new(),
                Some(format!("Account {username} created")),
            )
            .await
        }
        None => {
            show(
                &state,
                &viewer,
                StatusCode::BAD_REQUEST,
                vec![format!("There is already an account called {username}")],
                None,
            )
            .await
        }
    }
}

/// What a user's change form sends.
#[derive(serde::Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf_token: String,
    role: String,
    disabled: Option<String>,
    unlock: Option<String>,
}

/// Changes an account's role or state.
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageUsers)?;
    viewer.check_csrf(&form.csrf_token)?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: beacon_core::role::UnknownRole| WebError::BadRequest(e.to_string()))?;
    let change = UserChange {
        role,
        disabled: form.disabled.is_some(),
        unlock: form.unlock.is_some(),
    };
    if id == viewer.user.id && (change.disabled || role != Role::Coordinator) {
        return show(
            &state,
            &viewer,
            StatusCode::BAD_REQUEST,
            vec!["You cannot disable your own account or give up your own coordinator role; ask another coordinator".into()],
            None,
        )
        .await;
    }
    let actor = viewer.user.username.clone();
    let found = state
        .blocking(move |store| -> beacon_store::StoreResult<bool> {
            let found = store.change_user(id, &change)?;
            if found {
                store.audit(&AuditEvent {
                    actor,
                    action: "change_user".into(),
                    subject: format!("user:{id}"),
                    detail: format!(
                        "role {}, {}{}",
                        change.role,
                        if change.disabled {
                            "disabled"
                        } else {
                            "enabled"
                        },
                        if change.unlock { ", unlocked" } else { "" }
                    ),
                })?;
            }
            Ok(found)
        })
        .await??;
    if !found {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/users").into_response())
}
