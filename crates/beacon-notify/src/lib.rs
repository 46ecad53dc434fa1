//! Owner digests for the threat-address register, and the safe delivery of every outgoing
//! message through one outbox.
//!
//! Each organisation gets an email of its new and still-active addresses since its last
//! digest, saying in plain words what each finding means and what to do. This crate owns:
//!
//! - [`findings`]: what a digest reports about one address;
//! - [`advice`]: the plain-words meaning and action for each IntelMQ classification type;
//! - [`policy`]: the TLP 2.0 rules deciding which findings may be emailed to whom;
//! - [`digest`]: composing the subject, text and HTML of one recipient's digest;
//! - [`ack`]: signed, expiring acknowledgement links;
//! - [`transport`]: the seam each channel (email; later SMS, webhooks) implements;
//! - [`mail`]: the email channel, SMTP through `lettre`;
//! - [`sms`]: the SMS channel, a gateway with GOV.UK Notify's API, and its callbacks;
//! - [`social`]: the social channel, posts exported to day files for the social media tool;
//! - [`outbox`]: the delivery loop over a durable outbox of every kind of message, which
//!   the caller stores, dispatching each message to its channel's transport, checking the
//!   suppression list right before each send and keeping each channel to its throttle.
//!
//! **Invariants:** TLP:RED never leaves Beacon by email; feed data (attacker-controlled) is
//! always escaped in HTML and never reaches a mail header unstripped; no SQL and no clock
//! here — callers pass `now` (and a clock to transports that stamp requests, and a
//! [`Pacer`] to throttled runs), and the outbox store is the caller's; a suppressed
//! address is never sent to, whatever its channel.

pub mod ack;
pub mod advice;
pub mod advisory;
pub mod campaign;
mod dates;
pub mod digest;
mod escape;
pub mod findings;
pub mod mail;
pub mod markdown;
pub mod outbox;
pub mod policy;
pub mod readiness;
pub mod sms;
pub mod social;
pub mod transport;

pub use ack::{AckError, AckSigner};
pub use advice::{Advice, advice_for};
pub use advisory::{
    AdvisoryLetter, ComposedLetter, DigestLine, LetterAsset, LetterPurpose, compose_digest,
    compose_letter,
};
pub use digest::{ComposedDigest, DigestInput, compose};
pub use escape::defang;
pub use findings::{Finding, FindingStatus};
pub use mail::{SmtpMailer, SmtpSettings, TlsMode};
pub use outbox::{
    BATCH, Backoff, DeliveryOptions, DeliveryReport, NoPacing, OutboxMessage, OutboxStore, Pacer,
    SUPPRESSED_ERROR, Throttle, bare_address, deliver_due, deliver_due_with,
};
pub use policy::{Recipient, RecipientKind, SharingPolicy, may_email};
pub use readiness::{EXERCISE_BANNER, InjectLetter, compose_inject, compose_simulation};
pub use sms::{
    DeliveryReceipt, NotifyApiKey, NotifySmsSettings, NotifySmsTransport, ReceiptStatus,
    ReceivedText, parse_delivery_receipt, parse_received_text,
};
pub use social::{SocialExportTransport, SocialSettings};
pub use transport::{
    Channel, EXERCISE_HEADER, OutgoingMessage, SIMULATION_HEADER, SendError, SmsTemplate,
    SocialPost, Transport, Unsubscribe,
};
