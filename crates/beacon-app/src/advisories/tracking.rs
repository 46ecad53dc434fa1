//! A partner acting on a notice: acknowledging it and recording where each matched asset
//! stands. Every call names the organisation acting (none for a coordinator), and the
//! store refuses a notice or asset that is not that organisation's.

use beacon_store::advisories::StatusChange;
use beacon_store::{Store, StoreError};
use time::OffsetDateTime;

/// Records a partner's acknowledgement of a notice, once. False when the notice is not
/// the organisation's or was already acknowledged.
pub fn acknowledge(
    store: &mut dyn Store,
    notice_id: i64,
    organisation_id: Option<i64>,
    by: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    store.acknowledge_notice(notice_id, organisation_id, by, now)
}

/// Records a matched asset's status (and acknowledges the notice if it was not yet:
/// working on it is acknowledging it). False when the notice or asset is not the
/// organisation's.
pub fn set_status(
    store: &mut dyn Store,
    change: &StatusChange,
    organisation_id: Option<i64>,
) -> Result<bool, StoreError> {
    let changed = store.set_asset_status(change, organisation_id)?;
    if changed {
        store.acknowledge_notice(change.notice_id, organisation_id, &change.by, change.at)?;
    }
    Ok(changed)
}

/// Acknowledges the notice an outbox message was about, when the message's signed link
/// has just been acknowledged (the link is what authorises it, so no organisation is
/// named). The message's recipient is recorded as who acknowledged it. Returns the notice,
/// or none when the message was about no notice (a register digest). Every recipient's
/// letter is recorded against its notice, so a deputy's link works as the IT manager's.
pub fn acknowledge_by_message(
    store: &mut dyn Store,
    message_id: i64,
    now: OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    let message = store.message(message_id)?;
    let notice_id = store.notice_of_message(message_id)?;
    let Some(notice_id) = notice_id else {
        return Ok(None);
    };
    let by = message.map_or_else(|| "link".to_owned(), |m| m.recipient);
    // Already acknowledged (by the partner in Beacon, or another recipient's link) is
    // still this notice: the first acknowledgement is the one kept.
    store.acknowledge_notice(notice_id, None, &by, now)?;
    Ok(Some(notice_id))
}
