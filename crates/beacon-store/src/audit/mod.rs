//! The audit log: who read victim-level data or changed something, when, and from where.
//! Events are only ever added; the log page and `beacon admin audit` search them.

mod origin;
mod postgres;
mod sqlite;

pub use origin::AuditOrigin;

use crate::StoreResult;
use crate::neutral::{Bound, Columns, where_of};
use time::OffsetDateTime;

/// Something worth a line in the audit log: a read of victim-level data, a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEvent {
    /// Who did it (user name, or the operating-system user for the CLI).
    pub actor: String,
    /// What, e.g. `read_quarantine`.
    pub action: String,
    /// On what, e.g. `ingest_run:12`.
    pub subject: String,
    /// Anything else worth knowing (no victim data).
    pub detail: String,
}

/// A recorded audit event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// The client behind it (empty for the command line and events from before origins
    /// were kept).
    #[serde(flatten)]
    pub origin: AuditOrigin,
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

/// The audit log, on either backend.
pub trait Audit {
    /// Writes an audit event, with the origin of the [`AuditOrigin::scope`] it runs in.
    fn audit(&mut self, event: &AuditEvent) -> StoreResult<()>;
    /// Audit events matching a filter, newest first.
    fn audit_search(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
    /// Audit events, newest first (the audit search with no filter).
    fn audit_events(&mut self, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        self.audit_search(&AuditFilter {
            limit,
            ..AuditFilter::default()
        })
    }
}

/// The search for a filter: SQL with `?N` placeholders, and its values in order.
fn search_sql(filter: &AuditFilter) -> (String, Vec<Bound>) {
    let mut terms = Vec::new();
    let mut values: Vec<Bound> = Vec::new();
    let mut push = |term: &str, value: Bound| {
        values.push(value);
        terms.push(format!("{term} ?{}", values.len()));
    };
    if let Some(actor) = &filter.actor {
        push("actor =", Bound::Text(actor.clone()));
    }
    if let Some(action) = &filter.action {
        push("action =", Bound::Text(action.clone()));
    }
    if let Some(from) = filter.from {
        push("at >=", Bound::Moment(from));
    }
    if let Some(to) = filter.to {
        push("at <", Bound::Moment(to));
    }
    let clause = where_of(&terms);
    values.push(Bound::Int(i64::from(filter.limit)));
    values.push(Bound::Int(i64::from(filter.offset)));
    let sql = format!(
        "SELECT at, actor, action, subject, detail, address, user_agent FROM audit_events {clause} ORDER BY id DESC LIMIT ?{} OFFSET ?{}",
        values.len() - 1,
        values.len()
    );
    (sql, values)
}

/// One event as [`search_sql`] selects it.
fn record_from(row: &impl Columns) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        at: row.moment_text(0)?,
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
}
