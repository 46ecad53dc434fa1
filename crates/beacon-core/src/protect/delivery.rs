//! Where one recipient's message of a campaign stands, from queued to its final word from
//! the channel (a delivery receipt, a bounce, a complaint or an unsubscribe).

use serde::{Deserialize, Serialize};

/// One recipient's message of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatus {
    /// In the outbox, not yet accepted by the channel.
    Queued,
    /// Accepted by the channel (the mail server or the SMS gateway).
    Sent,
    /// The channel reported it delivered (an SMS delivery receipt).
    Delivered,
    /// The channel reported it could not be delivered.
    Bounced,
    /// The recipient marked it as spam.
    Complained,
    /// The recipient unsubscribed (a link, a one-click POST or an SMS STOP).
    Unsubscribed,
    /// Not sent: the address was on the suppression list when its turn came.
    Suppressed,
    /// Not sent: the outbox gave up on it.
    Failed,
}

impl RecipientStatus {
    /// Every status, in the order a message passes through them.
    pub const ALL: [RecipientStatus; 8] = [
        RecipientStatus::Queued,
        RecipientStatus::Sent,
        RecipientStatus::Delivered,
        RecipientStatus::Bounced,
        RecipientStatus::Complained,
        RecipientStatus::Unsubscribed,
        RecipientStatus::Suppressed,
        RecipientStatus::Failed,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientStatus::Queued => "queued",
            RecipientStatus::Sent => "sent",
            RecipientStatus::Delivered => "delivered",
            RecipientStatus::Bounced => "bounced",
            RecipientStatus::Complained => "complained",
            RecipientStatus::Unsubscribed => "unsubscribed",
            RecipientStatus::Suppressed => "suppressed",
            RecipientStatus::Failed => "failed",
        }
    }

    /// Reads the stored spelling; `None` for another word.
    pub fn from_stored(text: &str) -> Option<RecipientStatus> {
        RecipientStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    /// Whether the message reached the channel (sent, or anything the channel said after).
    pub fn reached_channel(self) -> bool {
        matches!(
            self,
            RecipientStatus::Sent
                | RecipientStatus::Delivered
                | RecipientStatus::Bounced
                | RecipientStatus::Complained
                | RecipientStatus::Unsubscribed
        )
    }
}
