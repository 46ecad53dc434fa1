//! Numbered migrations, embedded in the binary and applied in order.

/// One migration: its number and SQL.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// SQLite migrations in order.
pub(crate) const SQLITE: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
}];

/// PostgreSQL migrations in order.
pub(crate) const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../migrations/postgres/0001_foundation.sql"),
}];
