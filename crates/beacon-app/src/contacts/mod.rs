//! Contacts of protect campaigns: importing a contacts file (every row stored or
//! quarantined with its line and reason, the run recorded and audited), retention (a
//! setting, 24 months from the last consent or change by default) and its purge, the
//! suppression list, segment counts, and a contact's own data: looking it up, exporting
//! it for a subject access request, erasing it.
//!
//! Who may do what is the caller's check: `Permission::ManageContacts` for importing,
//! listing, looking up, suppressing, exporting, erasing and purging;
//! `Permission::ViewCampaigns` for segment counts.
//!
//! **Invariants:** every read of a contact's own data (its addresses and consent
//! evidence) writes an audit event first; counts of an import add up (`read = added +
//! updated + unchanged + quarantined`).

mod error;

pub use error::{ContactError, ContactResult};

use beacon_core::protect::{LawfulBasis, SegmentRule};
use beacon_core::{Channel, DistrictCode, RejectedRow, RunStatus};
use beacon_ingest::contacts::{ContactRecord, parse_contacts};
use beacon_ingest::organisations::resolve_district;
use beacon_store::contacts::{
    ContactExport, ContactPage, ContactTally, NewContact, SegmentCount, StoredContact,
    SuppressionReason,
};
use beacon_store::{AuditEvent, RunEnd, Store};
use serde::Serialize;
use time::{Date, Month, OffsetDateTime};

/// The setting holding how many months a contact is kept after its last consent or change.
pub const RETENTION_SETTING: &str = "contacts.retention_months";

/// How long contacts are kept when the setting is not set: 24 months.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// The ingest run kind of a contacts import.
pub const RUN_KIND: &str = "contacts";

/// What importing a contacts file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactImport {
    /// The ingest run that records it.
    pub run_id: i64,
    /// Data rows read.
    pub read: u64,
    /// New contacts.
    pub added: u64,
    /// Known contacts changed.
    pub updated: u64,
    /// Known contacts exactly as held.
    pub unchanged: u64,
    /// Rows not taken, with line and reason.
    pub quarantined: Vec<RejectedRow>,
}

/// The retention in months: the setting, or [`DEFAULT_RETENTION_MONTHS`].
///
/// # Errors
/// When the store fails or the setting is not a whole number of months (1 to 120).
pub fn retention_months(store: &mut dyn Store) -> ContactResult<u32> {
    match store.setting(RETENTION_SETTING)? {
        None => Ok(DEFAULT_RETENTION_MONTHS),
        Some(text) => parse_retention(&text),
    }
}

/// Sets the retention in months (1 to 120), audited.
///
/// # Errors
/// When the value is out of range or the store fails.
pub fn set_retention_months(store: &mut dyn Store, months: u32, actor: &str) -> ContactResult<()> {
    parse_retention(&months.to_string())?;
    store.set_setting(RETENTION_SETTING, &months.to_string())?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "set_contact_retention".into(),
        subject: RETENTION_SETTING.into(),
        detail: format!("{months} months"),
    })?;
    Ok(())
}

fn parse_retention(text: &str) -> ContactResult<u32> {
    match text.trim().parse::<u32>() {
        Ok(months) if (1..=120).contains(&months) => Ok(months),
        _ => Err(ContactError::Invalid(format!(
            "contact retention '{text}' is not a whole number of months from 1 to 120"
        ))),
    }
}

/// `moment` plus whole months, the day clamped to the month's length.
pub fn add_months(moment: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = i64::from(moment.month() as u8) - 1 + i64::from(months);
    let year = moment.year() + i32::try_from(total / 12).unwrap_or(0);
    let month =
        Month::try_from(u8::try_from(total % 12 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let day = moment.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day)
        .map(|date| moment.replace_date(date))
        .unwrap_or(moment)
}

/// When a contact imported at `at` may be purged: `months` after its latest consent or
/// `at`, whichever is later.
pub fn purge_after(record: &ContactRecord, at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let last = record
        .consent
        .as_ref()
        .map_or(at, |consent| consent.given_at.max(at));
    add_months(last, months)
}

/// Imports a contacts file: parses it against the area's districts, upserts every good row
/// by its reference in one transaction, and records the run and an audit event. A refused
/// header imports nothing and records the run as failed.
///
/// # Errors
/// When the file's header is refused (a personal-data column, say) or the store fails.
pub fn import_file(
    store: &mut dyn Store,
    bytes: &[u8],
    source: &str,
    actor: &str,
    at: OffsetDateTime,
) -> ContactResult<ContactImport> {
    let districts = store.districts()?;
    let months = retention_months(store)?;
    let run_id = store.begin_run(RUN_KIND, source, 3600)?;
    let sha256 = {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
    };
    let parsed = match parse_contacts(bytes, &districts) {
        Ok(parsed) => parsed,
        Err(refused) => {
            store.finish_run(
                run_id,
                &RunEnd {
                    status: RunStatus::Failed,
                    sha256: Some(sha256),
                    message: Some(refused.to_string()),
                },
            )?;
            return Err(refused.into());
        }
    };
    let contacts: Vec<NewContact> = parsed
        .contacts
        .iter()
        .map(|record| NewContact {
            reference: record.reference.clone(),
            attributes: record.attributes.clone(),
            email: record.email.clone(),
            mobile: record.mobile.clone(),
            consents: record.consent.iter().cloned().collect(),
            purge_after: Some(purge_after(record, at, months)),
        })
        .collect();
    let outcome = match store.import_contacts(&contacts, at) {
        Ok(outcome) => outcome,
        Err(failed) => {
            store.fail_run(run_id, &failed.to_string())?;
            return Err(failed.into());
        }
    };
    let summary = format!(
        "{} read: {} added, {} updated, {} unchanged, {} quarantined",
        parsed.read,
        outcome.added,
        outcome.updated,
        outcome.unchanged,
        parsed.quarantined.len()
    );
    store.finish_run(
        run_id,
        &RunEnd {
            status: RunStatus::Completed,
            sha256: Some(sha256),
            message: Some(summary.clone()),
        },
    )?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "import_contacts".into(),
        subject: format!("ingest_run:{run_id}"),
        detail: format!("{source}: {summary}"),
    })?;
    Ok(ContactImport {
        run_id,
        read: parsed.read,
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        quarantined: parsed.quarantined,
    })
}

/// A page of the contact list (coarse: no addresses), audited as a list read.
///
/// # Errors
/// When the store fails.
pub fn list(
    store: &mut dyn Store,
    offset: u64,
    limit: u32,
    actor: &str,
) -> ContactResult<ContactPage> {
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "list_contacts".into(),
        subject: "contacts".into(),
        detail: format!("offset {offset}, limit {limit}"),
    })?;
    Ok(store.contacts_page(offset, limit.min(1000))?)
}

/// Contacts by kind and district (counts only).
///
/// # Errors
/// When the store fails.
pub fn tallies(store: &mut dyn Store) -> ContactResult<Vec<ContactTally>> {
    Ok(store.contact_tallies()?)
}

/// One contact with its addresses and consent evidence; the read is audited first.
///
/// # Errors
/// [`ContactError::NotFound`] for an unknown contact; when the store fails.
pub fn contact(store: &mut dyn Store, id: i64, actor: &str) -> ContactResult<StoredContact> {
    audit_read(store, "read_contact", id, actor)?;
    store.contact(id)?.ok_or(ContactError::NotFound(id))
}

/// Everything held about a contact, for a subject access request; audited first.
///
/// # Errors
/// [`ContactError::NotFound`] for an unknown contact; when the store fails.
pub fn export(store: &mut dyn Store, id: i64, actor: &str) -> ContactResult<ContactExport> {
    audit_read(store, "export_contact", id, actor)?;
    store.export_contact(id)?.ok_or(ContactError::NotFound(id))
}

/// Erases a contact and its consent evidence now; its suppressions stay (so it is never
/// messaged again) and its campaign rows stay without it. Audited.
///
/// # Errors
/// [`ContactError::NotFound`] for an unknown contact; when the store fails.
pub fn erase(store: &mut dyn Store, id: i64, actor: &str) -> ContactResult<()> {
    if !store.erase_contact(id)? {
        return Err(ContactError::NotFound(id));
    }
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "erase_contact".into(),
        subject: format!("contact:{id}"),
        detail: String::new(),
    })?;
    Ok(())
}

/// Deletes the contacts past retention; how many. Audited when any went.
///
/// # Errors
/// When the store fails.
pub fn purge(store: &mut dyn Store, actor: &str, at: OffsetDateTime) -> ContactResult<u64> {
    let purged = store.purge_expired_contacts(at)?;
    if purged > 0 {
        store.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "purge_contacts".into(),
            subject: "contacts".into(),
            detail: format!("{purged} contacts past retention deleted"),
        })?;
    }
    Ok(purged)
}

/// Puts an address on a channel's suppression list by hand; true when it is new. Audited
/// (without the address).
///
/// # Errors
/// For a channel without addresses; when the store fails.
pub fn suppress(
    store: &mut dyn Store,
    channel: Channel,
    address: &str,
    actor: &str,
    at: OffsetDateTime,
) -> ContactResult<bool> {
    if !matches!(channel, Channel::Email | Channel::Sms) {
        return Err(ContactError::Invalid(format!(
            "the {} channel has no contact addresses to suppress; use email or sms",
            channel.as_str()
        )));
    }
    if address.trim().is_empty() {
        return Err(ContactError::Invalid("the address is empty".into()));
    }
    let added = store.suppress(channel, address, SuppressionReason::Manual, actor, at)?;
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "suppress_address".into(),
        subject: format!("channel:{}", channel.as_str()),
        detail: if added { "added" } else { "already suppressed" }.into(),
    })?;
    Ok(added)
}

/// A segment's count on a channel under a basis at `at` (counts only, no contact's data).
///
/// # Errors
/// When the store fails.
pub fn segment_count(
    store: &mut dyn Store,
    rule: &SegmentRule,
    channel: Channel,
    basis: LawfulBasis,
    at: OffsetDateTime,
) -> ContactResult<SegmentCount> {
    Ok(store.segment_count(rule, channel, basis, at)?)
}

/// Districts named by ONS code or name, as the area's reference data knows them; an error
/// names the first one it does not know.
///
/// # Errors
/// [`ContactError::Invalid`] for an unknown district; when the store fails.
pub fn resolve_districts(
    store: &mut dyn Store,
    named: &[String],
) -> ContactResult<std::collections::BTreeSet<DistrictCode>> {
    let districts = store.districts()?;
    named
        .iter()
        .filter(|name| !name.trim().is_empty())
        .map(|name| {
            resolve_district(name.trim(), &districts).ok_or_else(|| {
                ContactError::Invalid(format!(
                    "'{name}' is not a district of {}",
                    districts.area_name
                ))
            })
        })
        .collect()
}

/// The area's districts, for the segment builder's choices.
///
/// # Errors
/// When the store fails.
pub fn districts(store: &mut dyn Store) -> ContactResult<beacon_core::Districts> {
    Ok(store.districts()?)
}

fn audit_read(store: &mut dyn Store, action: &str, id: i64, actor: &str) -> ContactResult<()> {
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: format!("contact:{id}"),
        detail: String::new(),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_are_added_with_the_day_clamped() {
        assert_eq!(
            add_months(datetime!(2025-03-03 09:00 UTC), 24),
            datetime!(2027-03-03 09:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2024-01-31 09:00 UTC), 1),
            datetime!(2024-02-29 09:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2024-11-15 00:00 UTC), 14),
            datetime!(2026-01-15 00:00 UTC)
        );
    }

    #[test]
    fn retention_must_be_whole_months_in_range() {
        assert_eq!(parse_retention("24").ok(), Some(24));
        for bad in ["0", "121", "two", "-3"] {
            assert!(parse_retention(bad).is_err(), "{bad}");
        }
    }
}
