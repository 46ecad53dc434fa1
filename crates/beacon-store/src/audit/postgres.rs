//! The audit log in PostgreSQL (times from the server's clock).

use super::{Audit, AuditEvent, AuditFilter, AuditOrigin, AuditRecord, record_from, search_sql};
use crate::StoreResult;
use crate::neutral::dollar;
use crate::postgres::{PostgresStore, bound_values, pg_text, refs};

impl Audit for PostgresStore {
    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()> {
        let origin = AuditOrigin::current();
        self.client.execute(
            "INSERT INTO audit_events (at, actor, action, subject, detail, address, user_agent) VALUES (now(), $1, $2, $3, $4, $5, $6)",
            &[
                &pg_text(&event.actor),
                &pg_text(&event.action),
                &pg_text(&event.subject),
                &pg_text(&event.detail),
                &origin.address.as_deref().map(pg_text),
                &origin.user_agent.as_deref().map(pg_text),
            ],
        )?;
        Ok(())
    }

    fn audit_search(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let (sql, values) = search_sql(filter);
        let params = bound_values(values);
        self.client
            .query(&*dollar(&sql), &refs(&params))?
            .iter()
            .map(record_from)
            .collect()
    }
}
