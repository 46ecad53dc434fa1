//! The audit log in SQLite.

use super::{Audit, AuditEvent, AuditFilter, AuditOrigin, AuditRecord, record_from, search_sql};
use crate::StoreResult;
use crate::neutral::now_text;
use crate::sqlite::{SqliteStore, bound_values, collect};
use rusqlite::{params, params_from_iter};

impl Audit for SqliteStore {
    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()> {
        let origin = AuditOrigin::current();
        self.connection.execute(
            "INSERT INTO audit_events (at, actor, action, subject, detail, address, user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_text(),
                event.actor,
                event.action,
                event.subject,
                event.detail,
                origin.address,
                origin.user_agent
            ],
        )?;
        Ok(())
    }

    fn audit_search(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let (sql, values) = search_sql(filter);
        let mut statement = self.connection.prepare(&sql)?;
        collect(
            statement.query(params_from_iter(bound_values(values)))?,
            |row| record_from(row),
        )
    }
}
