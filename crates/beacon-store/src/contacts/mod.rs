//! Contacts of protect campaigns: coarse attributes, the channel addresses needed to send,
//! consent evidence per channel, the suppression list, segment counts and members, and
//! retention (purge), subject access (export) and erasure.
//!
//! Every contact carries the importer's own reference (`ref`), so importing the same file
//! again updates in place and never duplicates. Addresses are stored normalised (email
//! lower-cased and trimmed, UK mobiles as E.164) with their hex SHA-256 beside them; the
//! suppression list holds only such hashes, so it survives a contact's purge or erasure
//! without keeping the address.
//!
//! **Invariants:** segment rules are filtered in SQL, never by loading every contact; in a
//! [`SegmentCount`] each matching contact that cannot be reached is counted once, under the
//! first reason that excludes it (no address, then suppressed, then no consent), so the
//! reasons add up to `matching - reachable`; an import is one transaction.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use beacon_core::Channel;
use beacon_core::DistrictCode;
use beacon_core::protect::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, SegmentRule, normalise_address,
};
use serde::Serialize;
use time::OffsetDateTime;

/// A contact as an import gives it: the importer's reference, coarse attributes, its
/// normalised addresses and any consent evidence the file records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    /// The importer's own id for the contact: the key a re-import updates by.
    pub reference: String,
    /// Coarse attributes (`kind` must be set).
    pub attributes: ContactAttributes,
    /// Email address, normalised.
    pub email: Option<String>,
    /// UK mobile in E.164, normalised.
    pub mobile: Option<String>,
    /// Consent evidence to add (evidence already held, same channel, basis and time, is
    /// kept as it is, withdrawal included).
    pub consents: Vec<ConsentEvidence>,
    /// When the contact may be purged, applied if this import adds or changes it.
    pub purge_after: Option<OffsetDateTime>,
}

/// What an import did, contact by contact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// New references.
    pub added: u64,
    /// Known references whose attributes, addresses or consent evidence changed.
    pub updated: u64,
    /// Known references exactly as held.
    pub unchanged: u64,
}

/// A contact with everything held about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredContact {
    /// Its id.
    pub id: i64,
    /// The importer's reference.
    pub reference: String,
    /// Coarse attributes.
    pub attributes: ContactAttributes,
    /// Email address.
    pub email: Option<String>,
    /// Mobile number (E.164).
    pub mobile: Option<String>,
    /// Its consent evidence, oldest first.
    pub consents: Vec<ConsentEvidence>,
    /// When it was first imported.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When an import last changed it.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When retention lets it be purged.
    #[serde(with = "time::serde::rfc3339::option")]
    pub purge_after: Option<OffsetDateTime>,
}

impl StoredContact {
    /// Its address on a channel (email or SMS), if it has one.
    pub fn address(&self, channel: Channel) -> Option<&str> {
        match channel {
            Channel::Email => self.email.as_deref(),
            Channel::Sms => self.mobile.as_deref(),
            Channel::Webhook | Channel::Social => None,
        }
    }
}

/// A contact as the list shows it: coarse, without its addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactSummary {
    /// Its id.
    pub id: i64,
    /// The importer's reference.
    pub reference: String,
    /// Coarse attributes.
    pub attributes: ContactAttributes,
    /// Whether it has an email address.
    pub has_email: bool,
    /// Whether it has a mobile number.
    pub has_mobile: bool,
    /// Consent records held (withdrawn ones included).
    pub consents: u64,
    /// When an import last changed it.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// One page of the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactPage {
    /// Contacts in all.
    pub total: u64,
    /// This page's contacts, by id.
    pub contacts: Vec<ContactSummary>,
}

/// How many contacts there are of one kind in one district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactTally {
    /// The kind.
    pub kind: ContactKind,
    /// The district (`None` for contacts without one).
    pub district: Option<DistrictCode>,
    /// Contacts.
    pub contacts: u64,
}

/// A segment's size on a channel under a basis, and why the rest cannot be reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SegmentCount {
    /// Contacts whose attributes match the rule.
    pub matching: u64,
    /// Matching contacts with an address on the channel, evidence that permits the basis,
    /// and no suppression.
    pub reachable: u64,
    /// Matching contacts with no address on the channel.
    pub no_address: u64,
    /// Matching contacts with an address on the suppression list.
    pub suppressed: u64,
    /// Matching, unsuppressed contacts whose evidence does not permit the basis.
    pub no_consent: u64,
}

/// A reachable member of a segment, as a campaign launch takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentMember {
    /// The contact.
    pub contact_id: i64,
    /// Its attributes (for stratification and clusters).
    pub attributes: ContactAttributes,
    /// Its address on the channel.
    pub address: String,
}

/// Why an address is on the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The recipient followed an unsubscribe link.
    Unsubscribe,
    /// The recipient replied STOP to a text.
    Stop,
    /// The address bounced permanently.
    Bounce,
    /// The recipient marked a message as spam.
    Complaint,
    /// Someone in the partnership added it by hand.
    Manual,
}

impl SuppressionReason {
    /// Every reason.
    pub const ALL: [SuppressionReason; 5] = [
        SuppressionReason::Unsubscribe,
        SuppressionReason::Stop,
        SuppressionReason::Bounce,
        SuppressionReason::Complaint,
        SuppressionReason::Manual,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Unsubscribe => "unsubscribe",
            SuppressionReason::Stop => "stop",
            SuppressionReason::Bounce => "bounce",
            SuppressionReason::Complaint => "complaint",
            SuppressionReason::Manual => "manual",
        }
    }

    /// Reads the stored spelling; `None` for another word.
    pub fn from_stored(text: &str) -> Option<SuppressionReason> {
        SuppressionReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// A suppression as held: only the address's hash, never the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionRecord {
    /// The channel.
    pub channel: Channel,
    /// Hex SHA-256 of the normalised address.
    pub address_hash: String,
    /// Why.
    pub reason: SuppressionReason,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Where it came from (`unsubscribe link`, `sms gateway`, a user name, …).
    pub source: String,
}

/// Everything held about one contact, for a subject access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactExport {
    /// The contact with its consent evidence.
    pub contact: StoredContact,
    /// Suppressions of its addresses.
    pub suppressions: Vec<SuppressionRecord>,
    /// Campaigns it was a recipient of, by id.
    pub campaigns: Vec<i64>,
}

/// Hex SHA-256 of an address in its normalised form on a channel: how the suppression list
/// and the contacts meet without the list keeping addresses.
pub fn address_hash(channel: Channel, address: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(normalise_address(channel, address).as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Contacts, consent and suppression, on either backend.
pub trait Contacts {
    /// Adds or updates contacts by reference in one transaction: a known reference is
    /// updated only when its attributes or addresses differ or it brings new consent
    /// evidence. [`crate::StoreError::Corrupt`] for a contact without a kind (nothing is
    /// stored then).
    fn import_contacts(
        &mut self,
        contacts: &[NewContact],
        at: OffsetDateTime,
    ) -> StoreResult<ImportOutcome>;
    /// One contact with its consent evidence.
    fn contact(&mut self, id: i64) -> StoreResult<Option<StoredContact>>;
    /// A page of the contact list by id, without addresses.
    fn contacts_page(&mut self, offset: u64, limit: u32) -> StoreResult<ContactPage>;
    /// Contacts by kind and district.
    fn contact_tallies(&mut self) -> StoreResult<Vec<ContactTally>>;
    /// How many contacts match a rule and how many of them can be reached on a channel
    /// under a basis at a moment, counted in SQL.
    fn segment_count(
        &mut self,
        rule: &SegmentRule,
        channel: Channel,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> StoreResult<SegmentCount>;
    /// The reachable members of a segment (as [`Contacts::segment_count`] counts them),
    /// by id.
    fn segment_members(
        &mut self,
        rule: &SegmentRule,
        channel: Channel,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> StoreResult<Vec<SegmentMember>>;
    /// Whether an address (normalised and hashed here) is suppressed on a channel.
    fn is_suppressed(&mut self, channel: Channel, address: &str) -> StoreResult<bool>;
    /// Puts an address on a channel's suppression list; false when it was already there
    /// (the first entry is kept).
    fn suppress(
        &mut self,
        channel: Channel,
        address: &str,
        reason: SuppressionReason,
        source: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Suppresses a contact's address on a channel (an unsubscribe link names the contact,
    /// not the address); false when it was already suppressed or the contact has no
    /// address there. [`crate::StoreError::NotFound`] for an unknown contact.
    fn suppress_contact(
        &mut self,
        contact_id: i64,
        channel: Channel,
        reason: SuppressionReason,
        source: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Marks every standing consent of a contact on a channel withdrawn at `at`; how many
    /// were.
    fn withdraw_consent(
        &mut self,
        contact_id: i64,
        channel: Channel,
        at: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Deletes contacts whose `purge_after` has passed, with their consent evidence; their
    /// campaign recipient rows stay, without the contact. Suppressions stay. How many
    /// contacts went.
    fn purge_expired_contacts(&mut self, at: OffsetDateTime) -> StoreResult<u64>;
    /// Everything held about a contact (subject access).
    fn export_contact(&mut self, id: i64) -> StoreResult<Option<ContactExport>>;
    /// Deletes a contact and its consent evidence now (erasure); its campaign recipient
    /// rows stay, without the contact, and suppressions stay. False when there was none.
    fn erase_contact(&mut self, id: i64) -> StoreResult<bool>;
}
