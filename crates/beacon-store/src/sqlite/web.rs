//! SQLite: accounts, sessions, API tokens, the audit log's search and the report
//! explorer.

use super::SqliteStore;
use crate::accounts::{
    Accounts, ApiTokenRecord, AuditFilter, NameLock, NewSession, NewUser, SessionRecord,
    TokenHolder, USER_COLUMNS, User, UserChange, stored_role,
};
use crate::explore::{
    Bound, Explore, ReportFilter, ReportGroup, ReportRow, ReportSort, where_clause,
};
use crate::{
    AuditEvent, AuditOrigin, AuditRecord, StoreResult, now_text, parse_utc_text, utc_text,
};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use time::OffsetDateTime;

/// A token's stored expiry. Every token has one (the migration that added expiry gave
/// the older tokens theirs); a missing one reads as long expired, never as "for ever".
fn stored_expiry(text: Option<&str>) -> StoreResult<OffsetDateTime> {
    text.map_or(Ok(OffsetDateTime::UNIX_EPOCH), parse_utc_text)
}

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    let time = |index: usize| -> rusqlite::Result<Option<OffsetDateTime>> {
        let text: Option<String> = row.get(index)?;
        Ok(text.and_then(|t| parse_utc_text(&t).ok()))
    };
    let user = User {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        role: stored_role(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?,
        organisation_id: row.get(4)?,
        disabled: row.get(5)?,
        failed_sign_ins: row.get(6)?,
        locked_until: time(7)?,
        created_at: time(8)?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
        last_sign_in_at: time(9)?,
    };
    Ok(user)
}

fn bound_values(values: Vec<Bound>) -> Vec<Value> {
    values
        .into_iter()
        .map(|value| match value {
            Bound::Text(text) => Value::Text(text),
            Bound::Int(number) => Value::Integer(number),
            Bound::Day(day) => Value::Integer(i64::from(day.to_julian_day())),
        })
        .collect()
}

impl SqliteStore {
    fn user_where(
        &mut self,
        clause: &str,
        value: &dyn rusqlite::ToSql,
    ) -> StoreResult<Option<User>> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users u {clause}"),
                [value],
                user_from,
            )
            .optional()?)
    }
}

impl Accounts for SqliteStore {
    fn create_user(&mut self, user: &NewUser) -> StoreResult<Option<i64>> {
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
        Ok((changed == 1).then(|| self.connection.last_insert_rowid()))
    }

    fn users(&mut self) -> StoreResult<Vec<User>> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username_key"
        ))?;
        let users = statement
            .query_map([], user_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(users)
    }

    fn user(&mut self, id: i64) -> StoreResult<Option<User>> {
        self.user_where("WHERE u.id = ?1", &id)
    }

    fn user_for_sign_in(&mut self, username: &str) -> StoreResult<Option<(User, String)>> {
        Ok(self
            .connection
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username_key = ?1"
                ),
                [username.trim().to_lowercase()],
                |row| {
                    let user = user_from(row)?;
                    Ok((user, row.get(10)?))
                },
            )
            .optional()?)
    }

    fn change_user(&mut self, id: i64, change: &UserChange) -> StoreResult<bool> {
        let transaction = self.connection.transaction()?;
        let before: Option<(String, bool)> = transaction
            .query_row(
                "SELECT role, disabled FROM users WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((role, disabled)) = before else {
            return Ok(false);
        };
        transaction.execute(
            "UPDATE users SET role = ?2, disabled = ?3 WHERE id = ?1",
            params![id, change.role.as_str(), change.disabled],
        )?;
        if change.unlock {
            transaction.execute(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1",
                [id],
            )?;
        }
        if role != change.role.as_str() || disabled != change.disabled {
            transaction.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn set_password(&mut self, id: i64, password_hash: &str) -> StoreResult<bool> {
        let transaction = self.connection.transaction()?;
        let changed = transaction.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![id, password_hash],
        )?;
        transaction.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
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
        // A lock that has passed starts a new count; reaching the limit locks.
        self.connection.execute(
            "UPDATE users SET
                failed_sign_ins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_sign_ins + 1 END,
                locked_until = CASE
                    WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
                    WHEN failed_sign_ins + 1 >= ?3 THEN ?4
                    ELSE locked_until END
             WHERE id = ?1",
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
        self.connection.execute(
            "DELETE FROM failed_names WHERE last_failed_at < ?1",
            [utc_text(now - time::Duration::days(30))],
        )?;
        // The same arithmetic as an account's count (`record_failed_sign_in`).
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
            .prepare_cached(
                "SELECT failed_sign_ins, locked_until FROM failed_names WHERE name_key = ?1",
            )?
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
        self.connection.execute(
            "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?2 WHERE id = ?1",
            params![id, utc_text(at)],
        )?;
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
        let found = self
            .connection
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND NOT u.disabled"
            ))?
            .query_row(params![token_hash, utc_text(now)], |row| {
                let user = user_from(row)?;
                Ok((user, row.get::<_, String>(10)?, row.get::<_, String>(11)?))
            })
            .optional()?;
        found
            .map(|(user, csrf_token, expires)| {
                Ok(SessionRecord {
                    user,
                    csrf_token,
                    expires_at: parse_utc_text(&expires)?,
                })
            })
            .transpose()
    }

    fn end_session(&mut self, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
        self.connection.execute(
            "DELETE FROM sessions WHERE token_hash = ?1 OR expires_at <= ?2",
            params![token_hash, utc_text(now)],
        )?;
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
        let found = self
            .connection
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = ?1 AND NOT u.disabled"
            ))?
            .query_row([token_hash], |row| {
                Ok((user_from(row)?, row.get::<_, Option<String>>(10)?))
            })
            .optional()?;
        found
            .map(|(user, expires)| {
                Ok(TokenHolder {
                    user,
                    expires_at: stored_expiry(expires.as_deref())?,
                })
            })
            .transpose()
    }

    fn api_tokens(&mut self) -> StoreResult<Vec<ApiTokenRecord>> {
        let mut statement = self.connection.prepare(
            "SELECT t.id, u.username, t.name, t.created_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
        )?;
        type Listed = (i64, String, String, String, Option<String>);
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<Result<Vec<Listed>, _>>()?;
        rows.into_iter()
            .map(|(id, username, name, created, expires)| {
                Ok(ApiTokenRecord {
                    id,
                    username,
                    name,
                    created_at: parse_utc_text(&created)?,
                    expires_at: stored_expiry(expires.as_deref())?,
                })
            })
            .collect()
    }

    fn revoke_api_token(&mut self, id: i64) -> StoreResult<bool> {
        Ok(self
            .connection
            .execute("DELETE FROM api_tokens WHERE id = ?1", [id])?
            == 1)
    }

    fn audit_search(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let mut terms = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut push = |term: &str, value: Value| {
            values.push(value);
            terms.push(format!("{term} ?{}", values.len()));
        };
        if let Some(actor) = &filter.actor {
            push("actor =", Value::Text(actor.clone()));
        }
        if let Some(action) = &filter.action {
            push("action =", Value::Text(action.clone()));
        }
        if let Some(from) = filter.from {
            push("at >=", Value::Text(utc_text(from)));
        }
        if let Some(to) = filter.to {
            push("at <", Value::Text(utc_text(to)));
        }
        let clause = if terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", terms.join(" AND "))
        };
        values.push(Value::Integer(i64::from(filter.limit)));
        values.push(Value::Integer(i64::from(filter.offset)));
        let sql = format!(
            "SELECT at, actor, action, subject, detail, address, user_agent FROM audit_events {clause} ORDER BY id DESC LIMIT ?{} OFFSET ?{}",
            values.len() - 1,
            values.len()
        );
        let mut statement = self.connection.prepare(&sql)?;
        let events = statement
            .query_map(params_from_iter(values), |row| {
                Ok(AuditRecord {
                    at: row.get(0)?,
                    event: AuditEvent {
                        actor: row.get(1)?,
                        action: row.get(2)?,
                        subject: row.get(3)?,
                        detail: row.get(4)?,
                    },
                    origin: AuditOrigin {
                        address: row.get(5)?,
                        user_agent: row.get(6)?,
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(events)
    }
}

impl Explore for SqliteStore {
    fn data_version(&mut self) -> StoreResult<String> {
        Ok(self
            .connection
            .prepare_cached(
                "SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM ingest_runs WHERE kind = 'reports'",
            )?
            .query_row([], |row| row.get(0))?)
    }

    fn report_groups(&mut self, filter: &ReportFilter) -> StoreResult<Vec<ReportGroup>> {
        let (clause, values) = where_clause(filter, &|n| format!("?{n}"), "day");
        let mut statement = self.connection.prepare(&format!(
            "SELECT district_code, fraud_type, COUNT(*), COALESCE(SUM(loss_pence), 0),
                    COALESCE(SUM(CASE WHEN cyber_enabled THEN 1 ELSE 0 END), 0)
             FROM reports {clause} GROUP BY district_code, fraud_type"
        ))?;
        let groups = statement
            .query_map(params_from_iter(bound_values(values)), |row| {
                Ok(ReportGroup {
                    district_code: row.get(0)?,
                    fraud_type: row.get(1)?,
                    reports: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                    loss_pence: row.get(3)?,
                    cyber_enabled: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(groups)
    }

    fn report_rows(
        &mut self,
        filter: &ReportFilter,
        sort: ReportSort,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(u64, Vec<ReportRow>)> {
        let (clause, values) = where_clause(filter, &|n| format!("?{n}"), "day");
        let values = bound_values(values);
        let total: i64 = self.connection.query_row(
            &format!("SELECT COUNT(*) FROM reports {clause}"),
            params_from_iter(values.iter()),
            |row| row.get(0),
        )?;
        let mut page_values = values;
        page_values.push(Value::Integer(i64::from(limit)));
        page_values.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let count = page_values.len();
        let mut statement = self.connection.prepare(&format!(
            "SELECT reference, reported_on, district_code, fraud_type, category, victim_type, victim_age,
                    postcode, loss_pence, cyber_enabled, local_issues, summary
             FROM reports {clause} ORDER BY {} LIMIT ?{} OFFSET ?{count}",
            sort.order_by(),
            count - 1
        ))?;
        let rows = statement
            .query_map(params_from_iter(page_values), |row| {
                Ok(ReportRow {
                    reference: row.get(0)?,
                    reported_on: row.get(1)?,
                    district_code: row.get(2)?,
                    fraud_type: row.get(3)?,
                    category: row.get(4)?,
                    victim_type: row.get(5)?,
                    victim_age: row.get(6)?,
                    postcode: row.get(7)?,
                    loss_pence: row.get(8)?,
                    cyber_enabled: row.get(9)?,
                    local_issues: row.get(10)?,
                    summary: row.get(11)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), rows))
    }
}
