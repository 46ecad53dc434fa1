//! Partner advisories: advisories in (CSAF 2.0, CISA KEV, NVD CVE records, RSS/Atom, or
//! written by hand), matched to each partner's inventory, a notice to the partner's IT
//! manager through the message outbox, the partner's acknowledgement and the status of
//! every matched asset, reminders before the due date, escalation when overdue, and how
//! fast partners fix things.
//!
//! ```text
//! file ─▶ beacon-ingest::advisories (parse, CSAF mandatory tests) ─▶ store (run, revisions)
//!      ─▶ matching (beacon-match over the inventory; KEV joined by CVE) ─▶ store matches
//!      ─▶ notices (one per partner per advisory; fingerprint says whether anything
//!         changed for the partner) ─▶ outbox ─▶ beacon-notify (email)
//! ```
//!
//! Modules: [`inventory`] (import and list what partners run and who to tell),
//! [`ingest`] (advisory files into the store), [`matching`] (the inventory against the
//! advisories), [`notices`] (opening notices and queueing letters), [`chase`]
//! (reminders, escalations and daily digests), [`status`] (time to acknowledge and fix),
//! [`tracking`] (a partner acknowledging and recording asset statuses), [`manual`]
//! (advisories written by a coordinator in the web application).

pub mod chase;
pub mod ingest;
pub mod inventory;
pub mod manual;
pub mod matching;
pub mod notices;
pub mod status;
pub mod tracking;

pub use ingest::{AdvisoryIngestError, AdvisoryOptions, AdvisoryOutcome, ingest_advisory_file};
pub use inventory::{ImportedContacts, ImportedInventory, InventoryError};
pub use matching::Rematched;
pub use notices::NoticeOutcome;
