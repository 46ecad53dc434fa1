//! Owner digests for the threat-address register, and their safe delivery.
//!
//! Each organisation gets an email of its new and still-active addresses since its last
//! digest, saying in plain words what each finding means and what to do. This crate owns:
//!
//! - [`findings`]: what a digest reports about one address;
//! - [`advice`]: the plain-words meaning and action for each IntelMQ classification type;
//! - [`policy`]: the TLP 2.0 rules deciding which findings may be emailed to whom;
//! - [`digest`]: composing the subject, text and HTML of one recipient's digest;
//! - [`ack`]: signed, expiring acknowledgement links;
//! - [`mail`]: SMTP delivery through `lettre`;
//! - [`outbox`]: the delivery loop over a durable outbox the caller stores.
//!
//! **Invariants:** TLP:RED never leaves Beacon by email; feed data (attacker-controlled) is
//! always escaped in HTML and never reaches a mail header unstripped; no SQL and no clock
//! here — callers pass `now`, and the outbox store is the caller's.

pub mod ack;
pub mod advice;
mod dates;
pub mod digest;
mod escape;
pub mod findings;
pub mod mail;
pub mod outbox;
pub mod policy;

pub use ack::{AckError, AckSigner};
pub use advice::{Advice, advice_for};
pub use digest::{ComposedDigest, DigestInput, compose};
pub use escape::defang;
pub use findings::{Finding, FindingStatus};
pub use mail::{OutgoingMail, SendError, SmtpMailer, SmtpSettings, TlsMode, Transport};
pub use outbox::{Backoff, DeliveryReport, OutboxMessage, OutboxStore, deliver_due};
pub use policy::{Recipient, RecipientKind, SharingPolicy, may_email};
