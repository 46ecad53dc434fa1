//! Accounts, sessions and API tokens: who may sign in to Beacon's web application.
//!
//! Secrets are never stored as given: passwords arrive already hashed (Argon2id, by the
//! caller), and session and API tokens are stored as the SHA-256 of the token, so a copy
//! of the database does not let anyone sign in.

mod postgres;
mod sqlite;

use crate::neutral::Columns;
use crate::{StoreError, StoreResult};
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

/// Parses a stored role, refusing what Beacon does not know.
fn stored_role(text: &str) -> StoreResult<Role> {
    text.parse()
        .map_err(|error: beacon_core::role::UnknownRole| StoreError::Corrupt(error.to_string()))
}

/// The columns [`User`] is read from, in order, for `users u`.
const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.organisation_id, u.disabled, u.failed_sign_ins, u.locked_until, u.created_at, u.last_sign_in_at";

/// Accounts, sessions and API tokens, on either backend.
pub trait Accounts {
    /// Adds an account and returns its id; [`StoreError::Duplicate`] when the name (in
    /// any case) is taken.
    fn create_user(&mut self, user: &NewUser) -> StoreResult<i64>;
    /// Every account, by name.
    fn users(&mut self) -> StoreResult<Vec<User>>;
    /// One account.
    fn user(&mut self, id: i64) -> StoreResult<Option<User>>;
    /// An account and its password hash, by sign-in name in any case.
    fn user_for_sign_in(&mut self, username: &str) -> StoreResult<Option<(User, String)>>;
    /// Changes role, enabled state or lock-out; ends the account's sessions when its role
    /// or state changes. `false` when there is no such account.
    fn change_user(&mut self, id: i64, change: &UserChange) -> StoreResult<bool>;
    /// Replaces the password hash and ends every session of the account.
    fn set_password(&mut self, id: i64, password_hash: &str) -> StoreResult<bool>;
    /// Counts a failed sign-in; at `lock_after` failures in a row the account is locked
    /// until `lock_until`. A failure after an earlier lock has passed starts a new count.
    /// Returns the account as it now is.
    fn record_failed_sign_in(
        &mut self,
        id: i64,
        lock_after: i64,
        now: OffsetDateTime,
        lock_until: OffsetDateTime,
    ) -> StoreResult<Option<User>>;
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
    ) -> StoreResult<NameLock>;
    /// The count and lock of a name no account has (no failures: zero and no lock).
    fn name_lock(&mut self, name_key: &str) -> StoreResult<NameLock>;
    /// Records a good sign-in and clears the failure count.
    fn record_sign_in(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()>;
    /// Records a new session.
    fn create_session(&mut self, session: &NewSession) -> StoreResult<()>;
    /// The live session with this token hash, if it has not expired and its account is
    /// enabled.
    fn session(
        &mut self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Ends a session (sign out); also removes every expired session.
    fn end_session(&mut self, token_hash: &str, now: OffsetDateTime) -> StoreResult<()>;
    /// Records an API token for an account, working until `expires_at`.
    fn create_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// The enabled account an API token belongs to, with the token's expiry (expired
    /// tokens are returned too, so that the caller can say why it refuses them).
    fn api_token_user(&mut self, token_hash: &str) -> StoreResult<Option<TokenHolder>>;
    /// Every API token (without the tokens).
    fn api_tokens(&mut self) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Removes an API token. `false` when there was none.
    fn revoke_api_token(&mut self, id: i64) -> StoreResult<bool>;
}

/// The error for a sign-in name already taken.
fn name_taken(username: &str) -> StoreError {
    StoreError::Duplicate {
        what: "account",
        name: username.to_owned(),
    }
}

/// One account as [`USER_COLUMNS`] gives it. SQLite reads times it cannot parse as
/// unknown, as it always has.
fn user_from(row: &impl Columns) -> StoreResult<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        role: stored_role(&row.get::<String>(3)?)?,
        organisation_id: row.get(4)?,
        disabled: row.get(5)?,
        failed_sign_ins: row.get(6)?,
        locked_until: row.lenient_moment(7)?,
        created_at: row.lenient_moment(8)?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
        last_sign_in_at: row.lenient_moment(9)?,
    })
}

/// One token as [`API_TOKENS_SQL`] gives it. Every token has an expiry (the migration
/// that added expiry gave the older tokens theirs); a missing one reads as long expired,
/// never as "for ever".
fn token_from(row: &impl Columns) -> StoreResult<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: row.get(0)?,
        username: row.get(1)?,
        name: row.get(2)?,
        created_at: row.moment(3)?,
        expires_at: row.opt_moment(4)?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
    })
}

/// Every API token with its user.
const API_TOKENS_SQL: &str = "SELECT t.id, u.username, t.name, t.created_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id";

/// An account's role and state before a change.
const ROLE_AND_STATE_SQL: &str = "SELECT role, disabled FROM users WHERE id = ?1";

/// Sets an account's role and state.
const SET_ROLE_SQL: &str = "UPDATE users SET role = ?2, disabled = ?3 WHERE id = ?1";

/// Clears an account's lock-out.
const UNLOCK_SQL: &str = "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1";

/// Ends every session of an account.
const END_SESSIONS_SQL: &str = "DELETE FROM sessions WHERE user_id = ?1";

/// Replaces an account's password hash.
const SET_PASSWORD_SQL: &str = "UPDATE users SET password_hash = ?2 WHERE id = ?1";

/// Counts a failed sign-in of an account: a lock that has passed (`?2` is now) starts a
/// new count; reaching `?3` failures locks until `?4`.
const FAILED_SIGN_IN_SQL: &str = "UPDATE users SET
    failed_sign_ins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_sign_ins + 1 END,
    locked_until = CASE
        WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
        WHEN failed_sign_ins + 1 >= ?3 THEN ?4
        ELSE locked_until END
 WHERE id = ?1";

/// Forgets names not tried since `?1`.
const FORGET_NAMES_SQL: &str = "DELETE FROM failed_names WHERE last_failed_at < ?1";

/// A name's count and lock.
const NAME_LOCK_SQL: &str =
    "SELECT failed_sign_ins, locked_until FROM failed_names WHERE name_key = ?1";

/// Records a good sign-in.
const SIGN_IN_SQL: &str =
    "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?2 WHERE id = ?1";

/// Ends a session and every expired one.
const END_SESSION_SQL: &str = "DELETE FROM sessions WHERE token_hash = ?1 OR expires_at <= ?2";

/// Removes an API token.
const REVOKE_SQL: &str = "DELETE FROM api_tokens WHERE id = ?1";

/// The columns and join of a live session with its user (`?1` token hash, `?2` now).
fn session_sql() -> String {
    format!(
        "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND NOT u.disabled"
    )
}

/// An API token's enabled user and expiry (`?1` token hash).
fn token_user_sql() -> String {
    format!(
        "SELECT {USER_COLUMNS}, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND NOT u.disabled"
    )
}

/// One account by a `WHERE` clause on `users u` (`?1` its value).
fn user_sql(clause: &str) -> String {
    format!("SELECT {USER_COLUMNS} FROM users u {clause}")
}

/// An account and its password hash by sign-in name (`?1` the lower-cased name).
fn sign_in_sql() -> String {
    format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username_key = ?1")
}
