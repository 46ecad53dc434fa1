//! The seam between the outbox loop and the ways a message can leave Beacon: each channel
//! (email, SMS through a Notify-shaped gateway, social posts by export; webhooks later)
//! has a [`Transport`], and the loop hands every message to the transport of its channel.

use beacon_core::Tlp;
use std::collections::BTreeMap;

/// How a message leaves Beacon: a sender claims only the messages of the channels it has
/// a transport for.
pub use beacon_core::Channel;

/// One message ready to send, as the outbox stores it. Email uses every field; a channel
/// without subjects or HTML uses what it has (`to` is the address on the channel: an
/// email address, a phone number or a URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// The recipient's address (for email a display name is allowed:
    /// `Name <a@b.example>`).
    pub to: String,
    /// The subject; line breaks are removed before sending.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The Message-ID without angle brackets, e.g. `digest-42@beacon.local`. Keep it the
    /// same across retries so a copy sent twice can be recognised and dropped.
    pub message_id: String,
    /// The label of the message as a whole (for email, sent as `X-Beacon-TLP`).
    pub tlp: Tlp,
    /// Headers Beacon adds so the recipient's mail filters can recognise the message
    /// (an exercise inject or a consented phishing simulation), name and value. Names
    /// are Beacon's own constants, never taken from data.
    pub marks: Vec<(&'static str, String)>,
    /// How the recipient stops further messages of this kind: for email the RFC 8058
    /// `List-Unsubscribe` (and, with an https link, `List-Unsubscribe-Post`) headers.
    /// `None` for messages people cannot opt out of (an owner's digest, a notice).
    pub unsubscribe: Option<Unsubscribe>,
    /// For the SMS channel: the gateway's template and this recipient's fields. Without
    /// one, an SMS is sent as the plain text through the gateway's default template.
    pub sms_template: Option<SmsTemplate>,
    /// For the social channel: when the post goes out and what it links to. Without one,
    /// a post is scheduled for when it is exported, with the subject as its reference.
    pub social: Option<SocialPost>,
}

/// What a social post needs beyond its text, for the partnership's social media tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialPost {
    /// When the tool should publish it.
    pub scheduled_at: time::OffsetDateTime,
    /// The link the post carries, if any (kept apart so the tool can shorten it).
    pub link: Option<String>,
    /// The campaign it belongs to, for the tool's reports.
    pub campaign_ref: String,
}

/// Where a recipient unsubscribes, so mail clients can offer a one-click button
/// (RFC 2369 and RFC 8058).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The unsubscribe link; one-click (`List-Unsubscribe-Post`) is offered only when it is
    /// `https://`, as RFC 8058 requires.
    pub url: String,
    /// An address that unsubscribes whoever writes to it (without `mailto:`), if any.
    pub mailto: Option<String>,
}

/// A message for an SMS gateway in the shape of GOV.UK Notify's API: the text lives in
/// the gateway as a template, Beacon sends its id and the recipient's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SmsTemplate {
    /// The gateway's template id (a UUID in Notify).
    pub template_id: String,
    /// Field name to value, filling the template's `((placeholders))`.
    pub personalisation: BTreeMap<String, String>,
}

/// The header marking a consented phishing-awareness simulation, so the partner's mail
/// filters can let it through (and its own staff can tell it apart afterwards).
pub const SIMULATION_HEADER: &str = "X-Beacon-Simulation";
/// The header marking an exercise inject: what it says is part of an exercise.
pub const EXERCISE_HEADER: &str = "X-Beacon-Exercise";

/// Why a message was not sent, sorted by what the outbox should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the server was unreachable, timed out or answered 4xx.
    #[error("could not send for now: {0}")]
    Transient(String),
    /// Trying again will not help: the server answered 5xx or the address is not valid.
    #[error("could not send: {0}")]
    Permanent(String),
}

/// Something that delivers one message on one channel, so the outbox loop can dispatch by
/// channel and be tested without a server.
pub trait Transport {
    /// The channel this transport delivers on.
    fn channel(&self) -> Channel;
    /// Sends one message, or says why not and whether trying again may help.
    fn send(&self, message: &OutgoingMessage) -> Result<(), SendError>;
}
