//! Numbered migrations, embedded in the binary and applied in order.

use crate::StoreResult;

/// One migration: its number, its SQL, and any data work SQL cannot do.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
    /// SQLite only: run after `sql` in the same transaction, to fill what SQL cannot
    /// compute (see the migration's SQL for what).
    pub fill: Option<fn(&rusqlite::Connection) -> StoreResult<()>>,
}

/// SQLite migrations in order.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
        fill: None,
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/sqlite/0002_packed_facts.sql"),
        fill: Some(crate::reports::fill_packed_facts),
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/sqlite/0003_packed_facts_index.sql"),
        fill: None,
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/sqlite/0004_register.sql"),
        fill: None,
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/sqlite/0005_web.sql"),
        fill: None,
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/sqlite/0006_audit_origin_token_expiry.sql"),
        fill: None,
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/sqlite/0007_message_outbox.sql"),
        fill: None,
    },
    Migration {
        version: 8,
        sql: include_str!("../migrations/sqlite/0008_advisories.sql"),
        fill: None,
    },
    Migration {
        version: 9,
        sql: include_str!("../migrations/sqlite/0009_readiness.sql"),
        fill: None,
    },
    Migration {
        version: 10,
        sql: include_str!("../migrations/sqlite/0010_education.sql"),
        fill: None,
    },
    Migration {
        version: 11,
        sql: include_str!("../migrations/sqlite/0011_campaigns.sql"),
        fill: None,
    },
    Migration {
        version: 12,
        sql: include_str!("../migrations/sqlite/0012_advice.sql"),
        fill: None,
    },
    Migration {
        version: 13,
        sql: include_str!("../migrations/sqlite/0013_contacts.sql"),
        fill: None,
    },
    Migration {
        version: 14,
        sql: include_str!("../migrations/sqlite/0014_outbox_claim_order.sql"),
        fill: None,
    },
    Migration {
        version: 15,
        sql: include_str!("../migrations/sqlite/0015_care.sql"),
        fill: None,
    },
    Migration {
        version: 16,
        sql: include_str!("../migrations/sqlite/0016_cyber_choices.sql"),
        fill: None,
    },
    Migration {
        version: 17,
        sql: include_str!("../migrations/sqlite/0017_front_door.sql"),
        fill: None,
    },
    Migration {
        version: 18,
        sql: include_str!("../migrations/sqlite/0018_engagement.sql"),
        fill: None,
    },
    Migration {
        version: 19,
        sql: include_str!("../migrations/sqlite/0019_care_open_cases.sql"),
        fill: None,
    },
];

/// PostgreSQL migrations in order.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/postgres/0001_foundation.sql"),
        fill: None,
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/postgres/0002_register.sql"),
        fill: None,
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/postgres/0003_web.sql"),
        fill: None,
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/postgres/0004_audit_origin_token_expiry.sql"),
        fill: None,
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/postgres/0005_message_outbox.sql"),
        fill: None,
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/postgres/0006_advisories.sql"),
        fill: None,
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/postgres/0007_readiness.sql"),
        fill: None,
    },
    Migration {
        version: 8,
        sql: include_str!("../migrations/postgres/0008_education.sql"),
        fill: None,
    },
    Migration {
        version: 9,
        sql: include_str!("../migrations/postgres/0009_campaigns.sql"),
        fill: None,
    },
    Migration {
        version: 10,
        sql: include_str!("../migrations/postgres/0010_advice.sql"),
        fill: None,
    },
    Migration {
        version: 11,
        sql: include_str!("../migrations/postgres/0011_contacts.sql"),
        fill: None,
    },
    Migration {
        version: 12,
        sql: include_str!("../migrations/postgres/0012_outbox_claim_order.sql"),
        fill: None,
    },
    Migration {
        version: 13,
        sql: include_str!("../migrations/postgres/0013_care.sql"),
        fill: None,
    },
    Migration {
        version: 14,
        sql: include_str!("../migrations/postgres/0014_cyber_choices.sql"),
        fill: None,
    },
    Migration {
        version: 15,
        sql: include_str!("../migrations/postgres/0015_front_door.sql"),
        fill: None,
    },
    Migration {
        version: 16,
        sql: include_str!("../migrations/postgres/0016_engagement.sql"),
        fill: None,
    },
    Migration {
        version: 17,
        sql: include_str!("../migrations/postgres/0017_care_open_cases.sql"),
        fill: None,
    },
];
