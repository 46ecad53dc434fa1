//! Accounts, sessions and API tokens: who may sign in to Beacon's web application.
//!
//! Secrets are never stored as given: passwords arrive already hashed (Argon2id, by the
//! caller), and session and API tokens are stored as the SHA-256 of the token, so a copy
//! of the database does not let anyone sign in.

use beacon_core::Role;
use time::OffsetDateTime;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name, unique in any case.
    pub username: String,
    /// How pages name the person.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// PHC string of the password hash (Argon2id).
    pub password_hash: String,
    /// Their organisation in the register (partner IT managers and business users).
    pub organisation_id: Option<i64>,
}

/// A stored account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Number.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// How pages name the person.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// Their organisation in the register, if any.
    pub organisation_id: Option<i64>,
    /// A disabled account cannot sign in and its sessions end.
    pub disabled: bool,
    /// Failed sign-ins since the last good one.
    pub failed_sign_ins: i64,
    /// Locked until then after too many failed sign-ins.
    #[serde(with = "time::serde::rfc3339::option")]
    pub locked_until: Option<OffsetDateTime>,
    /// When the account was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The last good sign-in.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sign_in_at: Option<OffsetDateTime>,
}

/// What a coordinator may change about an account.
#[derive(Debug, Clone)]
pub struct UserChange {
    /// New role.
    pub role: Role,
    /// Disable (true) or enable (false).
    pub disabled: bool,
    /// Clear any lock-out and failed-sign-in count.
    pub unlock: bool,
}

/// A session to record, keyed by the hash of its token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    /// Whose.
    pub user_id: i64,
    /// The token forms must carry (synchroniser-token CSRF defence).
    pub csrf_token: String,
    /// When it ends however active it is.
    pub expires_at: OffsetDateTime,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The signed-in user.
    pub user: User,
    /// The token forms must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: OffsetDateTime,
}

/// An API token's listing (the token itself is shown once, when made, and never stored).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiTokenRecord {
    /// Number.
    pub id: i64,
    /// Whose.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// When made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops working: tokens live in scripts and files, so none lasts for ever.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The account an API token belongs to, and when the token stops working (the caller
/// refuses an expired token with a reason, rather than as an unknown one).
#[derive(Debug, Clone)]
pub struct TokenHolder {
    /// The enabled account the token acts for.
    pub user: User,
    /// When the token stops working.
    pub expires_at: OffsetDateTime,
}

/// A lock on a sign-in name no account has, counted like an account's so that a name's
/// answers never tell whether an account exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameLock {
    /// Failed sign-ins under the name since its last lock passed.
    pub failed_sign_ins: i64,
    /// Locked until then, if the failures reached the limit.
    pub locked_until: Option<OffsetDateTime>,
}

/// Which audit events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this actor (exact).
    pub actor: Option<String>,
    /// Only this action (exact).
    pub action: Option<String>,
    /// Only events on or after this moment.
    pub from: Option<OffsetDateTime>,
    /// Only events before this moment.
    pub to: Option<OffsetDateTime>,
    /// At most this many (newest first).
    pub limit: u32,
    /// Skip this many first.
    pub offset: u32,
}

/// Parses a stored role, refusing what Beacon does not know.
pub(crate) fn stored_role(text: &str) -> crate::StoreResult<Role> {
    text.parse()
        .map_err(|error: beacon_core::role::UnknownRole| {
            crate::StoreError::Corrupt(error.to_string())
        })
}

/// The columns [`User`] is read from, in order, for `users u`.
pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.organisation_id, u.disabled, u.failed_sign_ins, u.locked_until, u.created_at, u.last_sign_in_at";

/// Accounts, sessions and API tokens, on either backend.
pub trait Accounts {
    /// Adds an account; `None` when the name (in any case) is taken.
    fn create_user(&mut self, user: &NewUser) -> crate::StoreResult<Option<i64>>;
    /// Every account, by name.
    fn users(&mut self) -> crate::StoreResult<Vec<User>>;
    /// One account.
    fn user(&mut self, id: i64) -> crate::StoreResult<Option<User>>;
    /// An account and its password hash, by sign-in name in any case.
    fn user_for_sign_in(&mut self, username: &str) -> crate::StoreResult<Option<(User, String)>>;
    /// Changes role, enabled state or lock-out; ends the account's sessions when its role
    /// or state changes. `false` when there is no such account.
    fn change_user(&mut self, id: i64, change: &UserChange) -> crate::StoreResult<bool>;
    /// Replaces the password hash and ends every session of the account.
    fn set_password(&mut self, id: i64, password_hash: &str) -> crate::StoreResult<bool>;
    /// Counts a failed sign-in; at `lock_after` failures in a row the account is locked
    /// until `lock_until`. A failure after an earlier lock has passed starts a new count.
    /// Returns the account as it now is.
    fn record_failed_sign_in(
        &mut self,
        id: i64,
        lock_after: i64,
        now: OffsetDateTime,
        lock_until: OffsetDateTime,
    ) -> crate::StoreResult<Option<User>>;
    /// Counts a failed sign-in under a name no account has (`name_key`: a key the caller
    /// derives from the name, so the names themselves need not be kept), exactly as
    /// [`Accounts::record_failed_sign_in`] counts an account's: a lock that has passed
    /// starts a new count, and `lock_after` failures lock the name until `lock_until`.
    /// Names not tried for 30 days are forgotten.
    fn record_failed_name(
        &mut self,
        name_key: &str,
        lock_after: i64,
        now: OffsetDateTime,
        lock_until: OffsetDateTime,
    ) -> crate::StoreResult<NameLock>;
    /// The count and lock of a name no account has (no failures: zero and no lock).
    fn name_lock(&mut self, name_key: &str) -> crate::StoreResult<NameLock>;
    /// Records a good sign-in and clears the failure count.
    fn record_sign_in(&mut self, id: i64, at: OffsetDateTime) -> crate::StoreResult<()>;
    /// Records a new session.
    fn create_session(&mut self, session: &NewSession) -> crate::StoreResult<()>;
    /// The live session with this token hash, if it has not expired and its account is
    /// enabled.
    fn session(
        &mut self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> crate::StoreResult<Option<SessionRecord>>;
    /// Ends a session (sign out); also removes every expired session.
    fn end_session(&mut self, token_hash: &str, now: OffsetDateTime) -> crate::StoreResult<()>;
    /// Records an API token for an account, working until `expires_at`.
    fn create_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> crate::StoreResult<i64>;
    /// The enabled account an API token belongs to, with the token's expiry (expired
    /// tokens are returned too, so that the caller can say why it refuses them).
    fn api_token_user(&mut self, token_hash: &str) -> crate::StoreResult<Option<TokenHolder>>;
    /// Every API token (without the tokens).
    fn api_tokens(&mut self) -> crate::StoreResult<Vec<ApiTokenRecord>>;
    /// Removes an API token. `false` when there was none.
    fn revoke_api_token(&mut self, id: i64) -> crate::StoreResult<bool>;
    /// Audit events matching a filter, newest first.
    fn audit_search(&mut self, filter: &AuditFilter)
    -> crate::StoreResult<Vec<crate::AuditRecord>>;
}
