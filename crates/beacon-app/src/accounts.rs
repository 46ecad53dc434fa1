//! Creating accounts and API tokens: check the password, hash it, store the account and
//! audit it, in that order, whether the request came from the web or the command line.

use crate::credentials::{hash_password, new_token, password_problem, token_hash};
use beacon_core::Role;
use beacon_store::{AuditEvent, NewUser, Store, StoreError, User};
use time::OffsetDateTime;

/// An account to create, with its password in clear (never stored).
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Sign-in name.
    pub username: String,
    /// Name shown on pages.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// The password chosen or generated.
    pub password: String,
    /// The partner organisation a partner IT manager or business user belongs to.
    pub organisation_id: Option<i64>,
}

/// Why an account or token was not made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The password is too weak; the text says what it must be.
    #[error("{0}")]
    WeakPassword(&'static str),
    /// The hasher failed (it never does with its defaults).
    #[error("{0}")]
    Hash(String),
    /// There is no account of that name.
    #[error("there is no account called {0}")]
    NoSuchAccount(String),
    /// The store refused: a name already taken is `StoreError::Duplicate`.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AccountError {
    /// Whether the account name is already taken (any case).
    pub fn is_name_taken(&self) -> bool {
        matches!(self, AccountError::Store(StoreError::Duplicate { .. }))
    }
}

/// Creates an account and audits it as done by `actor`. Returns the new account's id.
///
/// # Errors
/// A weak password, a name already taken, or a store failure.
pub fn create_account(
    store: &mut dyn Store,
    account: &NewAccount,
    actor: &str,
) -> Result<i64, AccountError> {
    if let Some(problem) = password_problem(&account.password) {
        return Err(AccountError::WeakPassword(problem));
    }
    let password_hash = hash_password(&account.password).map_err(AccountError::Hash)?;
    let id = store.create_user(&NewUser {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        password_hash,
        organisation_id: account.organisation_id,
    })?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "create_user".into(),
        subject: format!("user:{id}"),
        detail: format!("{} as {}", account.username, account.role),
    })?;
    Ok(id)
}

/// An API token just made: shown once, stored only as its hash.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The token itself.
    pub token: String,
    /// The account it acts as.
    pub user: User,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// Makes an API token named `name` for the account `username`, working until
/// `expires_at`, and audits it as done by `actor` (`expiry_words` is how the audit line
/// gives the expiry).
///
/// # Errors
/// No such account, or a store failure.
pub fn create_api_token(
    store: &mut dyn Store,
    username: &str,
    name: &str,
    expires_at: OffsetDateTime,
    expiry_words: &str,
    actor: &str,
) -> Result<IssuedToken, AccountError> {
    let (user, _) = store
        .user_for_sign_in(username)?
        .ok_or_else(|| AccountError::NoSuchAccount(username.to_owned()))?;
    let token = new_token();
    store.create_api_token(user.id, name, &token_hash(&token), expires_at)?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "create_api_token".into(),
        subject: format!("user:{}", user.id),
        detail: format!("{name}, working until {expiry_words}"),
    })?;
    Ok(IssuedToken {
        token,
        user,
        expires_at,
    })
}
