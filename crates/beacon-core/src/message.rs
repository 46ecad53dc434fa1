//! What every outgoing message shares whatever its capability: the channel it leaves on.
//! The store keeps it and the senders dispatch on it, so both name the same type.

use serde::{Deserialize, Serialize};

/// How a message leaves Beacon, so a sender claims only what it has a transport for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email over SMTP.
    Email,
    /// A text message.
    Sms,
    /// An HTTP call to a partner's system.
    Webhook,
    /// A post for one of the partnership's social media accounts, exported on its
    /// scheduled time for the account's publishing tool (the recipient is the account).
    Social,
}

impl Channel {
    /// Every channel, in stored-spelling order.
    pub const ALL: [Channel; 4] = [
        Channel::Email,
        Channel::Sms,
        Channel::Webhook,
        Channel::Social,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Webhook => "webhook",
            Channel::Social => "social",
        }
    }

    /// Reads the stored spelling; `None` for one this Beacon does not know.
    pub fn from_stored(text: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str() == text)
    }
}
