//! What both backends share before SQL: the stored forms of times, dates, enums and
//! labels, the victim hash, the fault-injection hook, and SQL text written once.
//!
//! **Invariant:** nothing here touches a connection; `sqlite`, `postgres` and the areas'
//! dialect modules all import from here, and this module imports from none of them.

mod fault;
mod row;
mod spelling;
mod sql;
mod text;

pub(crate) use fault::{abort_if_past, fault_abort_after_rows};
pub(crate) use row::Columns;
pub(crate) use spelling::{gender_from, message_id, tlp_from_rank, tlp_rank, victim_type_from};
pub(crate) use sql::{Bound, dollar, where_of};
pub(crate) use text::{
    date_text, join_labels, now_text, parse_stored_date, parse_utc_text, utc_text, victim_hash,
};
