//! Accounts, sessions and API tokens in SQLite.

use super::{
    API_TOKENS_SQL, Accounts, ApiTokenRecord, END_SESSION_SQL, END_SESSIONS_SQL,
    FAILED_SIGN_IN_SQL, FORGET_NAMES_SQL, NAME_LOCK_SQL, NameLock, NewSession, NewUser, REVOKE_SQL,
    ROLE_AND_STATE_SQL, SET_PASSWORD_SQL, SET_ROLE_SQL, SIGN_IN_SQL, SessionRecord, TokenHolder,
    UNLOCK_SQL, User, UserChange, name_taken, session_sql, sign_in_sql, token_from, token_user_sql,
    user_from, user_sql,
};
use crate::StoreResult;
use crate::neutral::{now_text, parse_utc_text, utc_text};
use crate::sqlite::{SqliteStore, collect};
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

impl SqliteStore {
    /// The one account a query names, if any.
    fn one_user(&mut self, sql: &str, value: &dyn rusqlite::ToSql) -> StoreResult<Option<User>> {
        let mut statement = self.connection.prepare(sql)?;
        let mut rows = statement.query([value])?;
        rows.next()?.map(user_from).transpose()
    }
}

impl Accounts for SqliteStore {
    fn create_user(&mut self, user: &NewUser) -> StoreResult<i64> {
        let changed = self.connection.execute(
            "INSERT INTO users (username, username_key, display_name, role, password_hash, organisation_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (username_key) DO NOTHING",
            params![
                user.username,
                user.username.to_lowercase(),
                user.display_name,
                user.role.as_str(),
                user.password_hash,
                user.organisation_id,
                now_text()
            ],
        )?;
        if changed != 1 {
            return Err(name_taken(&user.username));
        }
        Ok(self.connection.last_insert_rowid())
    }

    fn users(&mut self) -> StoreResult<Vec<User>> {
        let mut statement = self
            .connection
            .prepare(&user_sql("ORDER BY u.username_key"))?;
        collect(statement.query([])?, |row| user_from(row))
    }

    fn user(&mut self, id: i64) -> StoreResult<Option<User>> {
        self.one_user(&user_sql("WHERE u.id = ?1"), &id)
    }

    fn user_for_sign_in(&mut self, username: &str) -> StoreResult<Option<(User, String)>> {
        let mut statement = self.connection.prepare(&sign_in_sql())?;
        let mut rows = statement.query([username.trim().to_lowercase()])?;
        rows.next()?
            .map(|row| Ok((user_from(row)?, row.get(10)?)))
            .transpose()
    }

    fn change_user(&mut self, id: i64, change: &UserChange) -> StoreResult<bool> {
        let transaction = self.connection.transaction()?;
        let before: Option<(String, bool)> = transaction
            .query_row(ROLE_AND_STATE_SQL, [id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((role, disabled)) = before else {
            return Ok(false);
        };
        transaction.execute(
            SET_ROLE_SQL,
            params![id, change.role.as_str(), change.disabled],
        )?;
        if change.unlock {
            transaction.execute(UNLOCK_SQL, [id])?;
        }
        if role != change.role.as_str() || disabled != change.disabled {
            transaction.execute(END_SESSIONS_SQL, [id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn set_password(&mut self, id: i64, password_hash: &str) -> StoreResult<bool> {
        let transaction = self.connection.transaction()?;
        let changed = transaction.execute(SET_PASSWORD_SQL, params![id, password_hash])?;
        transaction.execute(END_SESSIONS_SQL, [id])?;
        transaction.commit()?;
        Ok(changed == 1)
    }

    fn record_failed_sign_in(
        &mut self,
        id: i64,
        lock_after: i64,
        now: OffsetDateTime,
        lock_until: OffsetDateTime,
    ) -> StoreResult<Option<User>> {
        self.connection.execute(
            FAILED_SIGN_IN_SQL,
            params![id, utc_text(now), lock_after, utc_text(lock_until)],
        )?;
        self.user(id)
    }

    fn record_failed_name(
        &mut self,
        name_key: &str,
        lock_after: i64,
        now: OffsetDateTime,
        lock_until: OffsetDateTime,
    ) -> StoreResult<NameLock> {
        let now_text = utc_text(now);
        self.connection
            .execute(FORGET_NAMES_SQL, [utc_text(now - time::Duration::days(30))])?;
        // The same arithmetic as an account's count (`FAILED_SIGN_IN_SQL`).
        self.connection.execute(
            "INSERT INTO failed_names (name_key, failed_sign_ins, locked_until, last_failed_at)
             VALUES (?1, 1, CASE WHEN 1 >= ?3 THEN ?4 END, ?2)
             ON CONFLICT (name_key) DO UPDATE SET
                failed_sign_ins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_sign_ins + 1 END,
                locked_until = CASE
                    WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
                    WHEN failed_sign_ins + 1 >= ?3 THEN ?4
                    ELSE locked_until END,
                last_failed_at = ?2",
            params![name_key, now_text, lock_after, utc_text(lock_until)],
        )?;
        self.name_lock(name_key)
    }

    fn name_lock(&mut self, name_key: &str) -> StoreResult<NameLock> {
        let found = self
            .connection
            .prepare_cached(NAME_LOCK_SQL)?
            .query_row([name_key], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?))
            })
            .optional()?;
        let Some((failed_sign_ins, locked)) = found else {
            return Ok(NameLock {
                failed_sign_ins: 0,
                locked_until: None,
            });
        };
        Ok(NameLock {
            failed_sign_ins,
            locked_until: locked.as_deref().map(parse_utc_text).transpose()?,
        })
    }

    fn record_sign_in(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.connection
            .execute(SIGN_IN_SQL, params![id, utc_text(at)])?;
        Ok(())
    }

    fn create_session(&mut self, session: &NewSession) -> StoreResult<()> {
        self.connection.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session.token_hash,
                session.user_id,
                session.csrf_token,
                now_text(),
                utc_text(session.expires_at)
            ],
        )?;
        Ok(())
    }

    fn session(
        &mut self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRecord>> {
        let mut statement = self.connection.prepare_cached(&session_sql())?;
        let mut rows = statement.query(params![token_hash, utc_text(now)])?;
        rows.next()?
            .map(|row| {
                Ok(SessionRecord {
                    user: user_from(row)?,
                    csrf_token: row.get(10)?,
                    expires_at: parse_utc_text(&row.get::<_, String>(11)?)?,
                })
            })
            .transpose()
    }

    fn end_session(&mut self, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
        self.connection
            .execute(END_SESSION_SQL, params![token_hash, utc_text(now)])?;
        Ok(())
    }

    fn create_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<i64> {
        self.connection.execute(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, name, now_text(), utc_text(expires_at)],
        )?;
        Ok(self.connection.last_insert_rowid())
    }

    fn api_token_user(&mut self, token_hash: &str) -> StoreResult<Option<TokenHolder>> {
        let mut statement = self.connection.prepare_cached(&token_user_sql())?;
        let mut rows = statement.query([token_hash])?;
        rows.next()?
            .map(|row| {
                let expires: Option<String> = row.get(10)?;
                Ok(TokenHolder {
                    user: user_from(row)?,
                    expires_at: expires
                        .as_deref()
                        .map_or(Ok(OffsetDateTime::UNIX_EPOCH), parse_utc_text)?,
                })
            })
            .transpose()
    }

    fn api_tokens(&mut self) -> StoreResult<Vec<ApiTokenRecord>> {
        let mut statement = self.connection.prepare(API_TOKENS_SQL)?;
        collect(statement.query([])?, |row| token_from(row))
    }

    fn revoke_api_token(&mut self, id: i64) -> StoreResult<bool> {
        Ok(self.connection.execute(REVOKE_SQL, [id])? == 1)
    }
}
