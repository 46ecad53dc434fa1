//! PostgreSQL: accounts, sessions, API tokens, the audit log's search and the report
//! explorer, with the semantics of the SQLite backend. Sessions live here, so every
//! server process sharing the database sees the same sign-ins.

use super::{PostgresStore, pg_text};
use crate::accounts::{
    Accounts, ApiTokenRecord, AuditFilter, NameLock, NewSession, NewUser, SessionRecord,
    TokenHolder, USER_COLUMNS, User, UserChange, stored_role,
};
use crate::explore::{
    Bound, Explore, ReportFilter, ReportGroup, ReportRow, ReportSort, where_clause,
};
use crate::{AuditEvent, AuditOrigin, AuditRecord, StoreResult, utc_text};
use postgres::Row;
use postgres::types::ToSql;
use time::OffsetDateTime;

fn user_from(row: &Row) -> StoreResult<User> {
    let role: String = row.try_get(3)?;
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        role: stored_role(&role)?,
        organisation_id: row.try_get(4)?,
        disabled: row.try_get(5)?,
        failed_sign_ins: row.try_get(6)?,
        locked_until: row.try_get(7)?,
        created_at: row.try_get(8)?,
        last_sign_in_at: row.try_get(9)?,
    })
}

type Params = Vec<Box<dyn ToSql + Sync>>;

fn bound_values(values: Vec<Bound>) -> Params {
    values
        .into_iter()
        .map(|value| -> Box<dyn ToSql + Sync> {
            match value {
                Bound::Text(text) => Box::new(text),
                Bound::Int(number) => Box::new(number),
                Bound::Day(day) => Box::new(day),
            }
        })
        .collect()
}

fn refs(params: &Params) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl Accounts for PostgresStore {
    fn create_user(&mut self, user: &NewUser) -> StoreResult<Option<i64>> {
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
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    fn users(&mut self) -> StoreResult<Vec<User>> {
        self.client
            .query(
                &format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username_key"),
                &[],
            )?
            .iter()
            .map(user_from)
            .collect()
    }

    fn user(&mut self, id: i64) -> StoreResult<Option<User>> {
        self.client
            .query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    fn user_for_sign_in(&mut self, username: &str) -> StoreResult<Option<(User, String)>> {
        self.client
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username_key = $1"
                ),
                &[&pg_text(&username.trim().to_lowercase())],
            )?
            .map(|row| Ok((user_from(&row)?, row.try_get(10)?)))
            .transpose()
    }

    fn change_user(&mut self, id: i64, change: &UserChange) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        let Some(before) = transaction.query_opt(
            "SELECT role, disabled FROM users WHERE id = $1 FOR UPDATE",
            &[&id],
        )?
        else {
            return Ok(false);
        };
        let (role, disabled): (String, bool) = (before.try_get(0)?, before.try_get(1)?);
        transaction.execute(
            "UPDATE users SET role = $2, disabled = $3 WHERE id = $1",
            &[&id, &change.role.as_str(), &change.disabled],
        )?;
        if change.unlock {
            transaction.execute(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1",
                &[&id],
            )?;
        }
        if role != change.role.as_str() || disabled != change.disabled {
            transaction.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])?;
        }
        transaction.commit()?;
        Ok(true)
    }

    fn set_password(&mut self, id: i64, password_hash: &str) -> StoreResult<bool> {
        let mut transaction = self.client.transaction()?;
        let changed = transaction.execute(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[&id, &password_hash],
        )?;
        transaction.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])?;
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
            "UPDATE users SET
                failed_sign_ins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 1 ELSE failed_sign_ins + 1 END,
                locked_until = CASE
                    WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN NULL
                    WHEN failed_sign_ins + 1 >= $3 THEN $4
                    ELSE locked_until END
             WHERE id = $1",
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
            "DELETE FROM failed_names WHERE last_failed_at < $1",
            &[&(now - time::Duration::days(30))],
        )?;
        // The same arithmetic as an account's count (`record_failed_sign_in`).
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
        let found = self.client.query_opt(
            "SELECT failed_sign_ins, locked_until FROM failed_names WHERE name_key = $1",
            &[&pg_text(name_key)],
        )?;
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
        self.client.execute(
            "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2 WHERE id = $1",
            &[&id, &at],
        )?;
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
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
                ),
                &[&pg_text(token_hash), &now],
            )?
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
        self.client.execute(
            "DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2",
            &[&pg_text(token_hash), &now],
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
        let row = self.client.query_one(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, now(), $4) RETURNING id",
            &[&token_hash, &user_id, &pg_text(name), &expires_at],
        )?;
        Ok(row.try_get(0)?)
    }

    fn api_token_user(&mut self, token_hash: &str) -> StoreResult<Option<TokenHolder>> {
        self.client
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = $1 AND NOT u.disabled"
                ),
                &[&pg_text(token_hash)],
            )?
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
            .query(
                "SELECT t.id, u.username, t.name, t.created_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
                &[],
            )?
            .iter()
            .map(|row| {
                Ok(ApiTokenRecord {
                    id: row.try_get(0)?,
                    username: row.try_get(1)?,
                    name: row.try_get(2)?,
                    created_at: row.try_get(3)?,
                    expires_at: row.try_get(4)?,
                })
            })
            .collect()
    }

    fn revoke_api_token(&mut self, id: i64) -> StoreResult<bool> {
        Ok(self
            .client
            .execute("DELETE FROM api_tokens WHERE id = $1", &[&id])?
            == 1)
    }

    fn audit_search(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let mut terms = Vec::new();
        let mut params: Params = Vec::new();
        let mut push = |term: &str, value: Box<dyn ToSql + Sync>| {
            params.push(value);
            terms.push(format!("{term} ${}", params.len()));
        };
        if let Some(actor) = &filter.actor {
            push("actor =", Box::new(actor.clone()));
        }
        if let Some(action) = &filter.action {
            push("action =", Box::new(action.clone()));
        }
        if let Some(from) = filter.from {
            push("at >=", Box::new(from));
        }
        if let Some(to) = filter.to {
            push("at <", Box::new(to));
        }
        let clause = if terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", terms.join(" AND "))
        };
        params.push(Box::new(i64::from(filter.limit)));
        params.push(Box::new(i64::from(filter.offset)));
        let sql = format!(
            "SELECT at, actor, action, subject, detail, address, user_agent FROM audit_events {clause} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            params.len() - 1,
            params.len()
        );
        self.client
            .query(&sql, &refs(&params))?
            .iter()
            .map(|row| {
                Ok(AuditRecord {
                    at: utc_text(row.try_get::<_, OffsetDateTime>(0)?),
                    event: AuditEvent {
                        actor: row.try_get(1)?,
                        action: row.try_get(2)?,
                        subject: row.try_get(3)?,
                        detail: row.try_get(4)?,
                    },
                    origin: AuditOrigin {
                        address: row.try_get(5)?,
                        user_agent: row.try_get(6)?,
                    },
                })
            })
            .collect()
    }
}

impl Explore for PostgresStore {
    fn data_version(&mut self) -> StoreResult<String> {
        let row = self.client.query_one(
            "SELECT COUNT(*)::TEXT || ':' || COALESCE(MAX(updated_at)::TEXT, '') FROM ingest_runs WHERE kind = 'reports'",
            &[],
        )?;
        Ok(row.try_get(0)?)
    }

    fn report_groups(&mut self, filter: &ReportFilter) -> StoreResult<Vec<ReportGroup>> {
        let (clause, values) = where_clause(filter, &|n| format!("${n}"), "reported_on");
        let params = bound_values(values);
        self.client
            .query(
                &format!(
                    "SELECT district_code, fraud_type, COUNT(*), COALESCE(SUM(loss_pence), 0)::BIGINT,
                            COUNT(*) FILTER (WHERE cyber_enabled)
                     FROM reports {clause} GROUP BY district_code, fraud_type"
                ),
                &refs(&params),
            )?
            .iter()
            .map(|row| {
                Ok(ReportGroup {
                    district_code: row.try_get(0)?,
                    fraud_type: row.try_get(1)?,
                    reports: u64::try_from(row.try_get::<_, i64>(2)?).unwrap_or(0),
                    loss_pence: row.try_get(3)?,
                    cyber_enabled: u64::try_from(row.try_get::<_, i64>(4)?).unwrap_or(0),
                })
            })
            .collect()
    }

    fn report_rows(
        &mut self,
        filter: &ReportFilter,
        sort: ReportSort,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(u64, Vec<ReportRow>)> {
        let (clause, values) = where_clause(filter, &|n| format!("${n}"), "reported_on");
        let mut params = bound_values(values);
        let total: i64 = self
            .client
            .query_one(
                &format!("SELECT COUNT(*) FROM reports {clause}"),
                &refs(&params),
            )?
            .try_get(0)?;
        params.push(Box::new(i64::from(limit)));
        params.push(Box::new(i64::try_from(offset).unwrap_or(i64::MAX)));
        let count = params.len();
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT reference, reported_on::TEXT, district_code, fraud_type, category, victim_type,
                            victim_age::BIGINT, postcode, loss_pence, cyber_enabled, local_issues, summary
                     FROM reports {clause} ORDER BY {} LIMIT ${} OFFSET ${count}",
                    sort.order_by(),
                    count - 1
                ),
                &refs(&params),
            )?
            .iter()
            .map(|row| {
                Ok(ReportRow {
                    reference: row.try_get(0)?,
                    reported_on: row.try_get(1)?,
                    district_code: row.try_get(2)?,
                    fraud_type: row.try_get(3)?,
                    category: row.try_get(4)?,
                    victim_type: row.try_get(5)?,
                    victim_age: row.try_get(6)?,
                    postcode: row.try_get(7)?,
                    loss_pence: row.try_get(8)?,
                    cyber_enabled: row.try_get(9)?,
                    local_issues: row.try_get(10)?,
                    summary: row.try_get(11)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((u64::try_from(total).unwrap_or(0), rows))
    }
}
