//! What the SMS gateway tells Beacon by callback: delivery receipts (a text delivered, or
//! failed for good: a bounce), and texts people send back (STOP puts the number on the
//! SMS suppression list, so nothing more is sent to it, even what is already queued).

use super::CampaignResult;
use beacon_core::Channel;
use beacon_notify::{DeliveryReceipt, ReceiptStatus, ReceivedText};
use beacon_store::contacts::SuppressionReason;
use beacon_store::{CampaignEventKind, NewCampaignEvent, Store};
use serde::Serialize;
use time::OffsetDateTime;

/// What a callback changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackOutcome {
    /// The recipient's status was recorded.
    Recorded,
    /// The number was put on the suppression list.
    Suppressed,
    /// Nothing to change: a temporary failure, a text that is not STOP, a number already
    /// suppressed, or a reference that is not a campaign message's.
    Ignored,
}

/// Records a delivery receipt against the campaign recipient whose message it names.
///
/// # Errors
///
/// When the store fails.
pub fn record_receipt(
    store: &mut dyn Store,
    receipt: &DeliveryReceipt,
) -> CampaignResult<CallbackOutcome> {
    let kind = match receipt.status {
        ReceiptStatus::Delivered => CampaignEventKind::Delivered,
        status if status.is_bounce() => CampaignEventKind::Bounced,
        _ => return Ok(CallbackOutcome::Ignored),
    };
    let Some(reference) = receipt.reference.as_deref() else {
        return Ok(CallbackOutcome::Ignored);
    };
    let Some(recipient) = store.campaign_recipient_by_message_id(reference)? else {
        return Ok(CallbackOutcome::Ignored);
    };
    store.record_campaign_event(&NewCampaignEvent {
        recipient_id: recipient.id,
        kind,
        at: receipt.completed_at.unwrap_or(receipt.created_at),
        detail: (kind == CampaignEventKind::Bounced).then(|| "permanent failure".to_owned()),
    })?;
    Ok(CallbackOutcome::Recorded)
}

/// Acts on a text someone sent back: STOP (and its synonyms) suppresses the number.
///
/// # Errors
///
/// When the store fails.
pub fn record_received_text(
    store: &mut dyn Store,
    text: &ReceivedText,
    now: OffsetDateTime,
) -> CampaignResult<CallbackOutcome> {
    if !text.is_stop() {
        return Ok(CallbackOutcome::Ignored);
    }
    let added = store.suppress(
        Channel::Sms,
        &text.source_number,
        SuppressionReason::Stop,
        "sms reply",
        now,
    )?;
    Ok(if added {
        CallbackOutcome::Suppressed
    } else {
        CallbackOutcome::Ignored
    })
}
