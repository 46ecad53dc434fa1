//! Accounts, sessions and API tokens in PostgreSQL. Sessions live here, so every server
//! process sharing the database sees the same sign-ins.

use super::{
    API_TOKENS_SQL, Accounts, ApiTokenRecord, END_SESSION_SQL, END_SESSIONS_SQL,
    FAILED_SIGN_IN_SQL, FORGET_NAMES_SQL, NAME_LOCK_SQL, NameLock, NewSession, NewUser, REVOKE_SQL,
    ROLE_AND_STATE_SQL, SET_PASSWORD_SQL, SET_ROLE_SQL, SIGN_IN_SQL, SessionRecord, TokenHolder,
    UNLOCK_SQL, User, UserChange, name_taken, session_sql, sign_in_sql, token_from, token_user_sql,
    user_from, user_sql,
};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, pg_text};
use time::OffsetDateTime;

impl Accounts for PostgresStore {
    fn create_user(&mut self, user: &NewUser) -> StoreResult<i64> {
        let row = self.client.query_opt(
            "INSERT INTO users (username, username_key, display_name, role, password_hash, organisation_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (username_key) DO NOTHING RETURNING id",
            &[
                &pg_text(&user.username),
                &pg_text(&user.username.to_lowercase()),
                &pg_text(&user.display_name),
                &user.role.as_str(),
                &user.password_hash,
                &user.organisation_id,
            ],
        )?;
        match row {
            Some(row) => Ok(row.try_get(0)?),
            None => Err(name_taken(&user.username)),
        }
    }

    fn users(&mut self) -> StoreResult<Vec<User>> {
        self.client
            .query(&*dollar(&user_sql("ORDER BY u.username_key")), &[])?
            .iter()
            .map(user_from)
            .collect()
    }

    fn user(&mut self, id: i64) -> StoreResult<Option<User>> {
        self.client
            .query_opt(&*dollar(&user_sql("WHERE u.id = ?1")), &[&id])?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    fn user_for_sign_in(&mut self, username: &str) -> StoreResult<Option<(User, String)>> {
        self.client
            .query_opt(
                &*dollar(&sign_in_sql()),
                &[&pg_text(&username.trim().to_lowercase())],
            )?
            .map(|row| Ok((user_from(&row)?, row.try_get(10)?)))
            .transpose()
    }

    fn change_user(&mut self, id: i64, change: &UserChange) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        // FOR UPDATE: two coordinators changing one account at once take turns.
        let Some(before) = transaction.query_opt(
            &*dollar(&format!("{ROLE_AND_STATE_SQL} FOR UPDATE")),
            &[&id],
        )?
        else {
            return Ok(false);
        };
        let (role, disabled): (String, bool) = (before.try_get(0)?, before.try_get(1)?);
        transaction.execute(
            &*dollar(SET_ROLE_SQL),
            &[&id, &change.role.as_str(), &change.disabled],
        )?;
        if change.unlock {
            transaction.execute(&*dollar(UNLOCK_SQL), &[&id])?;
        }
        if role != change.role.as_str() || disabled != change.disabled {
            transaction.execute(&*dollar(END_SESSIONS_SQL), &[&id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn set_password(&mut self, id: i64, password_hash: &str) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        let changed = transaction.execute(&*dollar(SET_PASSWORD_SQL), &[&id, &password_hash])?;
        transaction.execute(&*dollar(END_SESSIONS_SQL), &[&id])?;
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
        self.client.execute(
            &*dollar(FAILED_SIGN_IN_SQL),
            &[&id, &now, &lock_after, &lock_until],
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
        self.client.execute(
            &*dollar(FORGET_NAMES_SQL),
            &[&(now - time::Duration::days(30))],
        )?;
        // The same arithmetic as an account's count (`FAILED_SIGN_IN_SQL`), with the
        // types PostgreSQL cannot infer spelled out.
        let row = self.client.query_one(
            "INSERT INTO failed_names AS f (name_key, failed_sign_ins, locked_until, last_failed_at)
             VALUES ($1, 1, CASE WHEN 1 >= $3::bigint THEN $4::timestamptz END, $2)
             ON CONFLICT (name_key) DO UPDATE SET
                failed_sign_ins = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= $2 THEN 1 ELSE f.failed_sign_ins + 1 END,
                locked_until = CASE
                    WHEN f.locked_until IS NOT NULL AND f.locked_until <= $2 THEN NULL
                    WHEN f.failed_sign_ins + 1 >= $3 THEN $4::timestamptz
                    ELSE f.locked_until END,
                last_failed_at = $2
             RETURNING failed_sign_ins, locked_until",
            &[&pg_text(name_key), &now, &lock_after, &lock_until],
        )?;
        Ok(NameLock {
            failed_sign_ins: row.try_get(0)?,
            locked_until: row.try_get(1)?,
        })
    }

    fn name_lock(&mut self, name_key: &str) -> StoreResult<NameLock> {
        let found = self
            .client
            .query_opt(&*dollar(NAME_LOCK_SQL), &[&pg_text(name_key)])?;
        Ok(match found {
            Some(row) => NameLock {
                failed_sign_ins: row.try_get(0)?,
                locked_until: row.try_get(1)?,
            },
            None => NameLock {
                failed_sign_ins: 0,
                locked_until: None,
            },
        })
    }

    fn record_sign_in(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.client.execute(&*dollar(SIGN_IN_SQL), &[&id, &at])?;
        Ok(())
    }

    fn create_session(&mut self, session: &NewSession) -> StoreResult<()> {
        self.client.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, now(), $4)",
            &[
                &session.token_hash,
                &session.user_id,
                &session.csrf_token,
                &session.expires_at,
            ],
        )?;
        Ok(())
    }

    fn session(
        &mut self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRecord>> {
        self.client
            .query_opt(&*dollar(&session_sql()), &[&pg_text(token_hash), &now])?
            .map(|row| {
                Ok(SessionRecord {
                    user: user_from(&row)?,
                    csrf_token: row.try_get(10)?,
                    expires_at: row.try_get(11)?,
                })
            })
            .transpose()
    }

    fn end_session(&mut self, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
        self.client
            .execute(&*dollar(END_SESSION_SQL), &[&pg_text(token_hash), &now])?;
        Ok(())
    }

    fn create_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<i64> {
        let row = self.client.query_one(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, now(), $4) RETURNING id",
            &[&token_hash, &user_id, &pg_text(name), &expires_at],
        )?;
        Ok(row.try_get(0)?)
    }

    fn api_token_user(&mut self, token_hash: &str) -> StoreResult<Option<TokenHolder>> {
        self.client
            .query_opt(&*dollar(&token_user_sql()), &[&pg_text(token_hash)])?
            .as_ref()
            .map(|row| {
                Ok(TokenHolder {
                    user: user_from(row)?,
                    expires_at: row.try_get(10)?,
                })
            })
            .transpose()
    }

    fn api_tokens(&mut self) -> StoreResult<Vec<ApiTokenRecord>> {
        self.client
            .query(API_TOKENS_SQL, &[])?
            .iter()
            .map(token_from)
            .collect()
    }

    fn revoke_api_token(&mut self, id: i64) -> StoreResult<bool> {
        Ok(self.client.execute(&*dollar(REVOKE_SQL), &[&id])? == 1)
    }
}
