//! Advisories and what they mean for partners: advisories by source and key (a newer
//! revision replaces the older), their matches to partners' assets, and the notice to each
//! affected partner with its acknowledgement, due date, reminders, escalation and the
//! status of every matched asset.
//!
//! **Invariants:** an advisory ingest batch moves its run's counters in the same
//! transaction as the advisories it writes, so `read = stored + duplicates + skipped +
//! rejected` holds at every commit; storing a revision already stored (or older than the
//! one stored) changes nothing. Every read and write that a partner can reach takes the
//! organisation id and touches only that organisation's rows.

mod columns;
mod postgres;
mod revision;
mod sqlite;

use crate::StoreResult;
use beacon_core::{
    Advisory, AdvisorySource, AssetStatus, Confidence, RejectedRow, RunCounts, ValidationFailure,
};
use time::{Date, OffsetDateTime};

/// One advisory to store, with its CSAF validation result.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryItem {
    /// The advisory as parsed.
    pub advisory: Advisory,
    /// Failed CSAF mandatory tests: a document with any is stored and flagged, and not
    /// used for matching.
    pub failures: Vec<ValidationFailure>,
    /// SHA-256 of the document (or catalogue entry) it was read from.
    pub sha256: String,
}

/// A batch of one advisory run: advisories, the records quarantined, and those skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdvisoryBatch {
    /// Advisories read.
    pub items: Vec<AdvisoryItem>,
    /// Records that could not be read.
    pub rejected: Vec<RejectedRow>,
    /// Records well formed but not advisories (counted as skipped).
    pub skipped: u64,
}

/// What storing one advisory did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AdvisoryWrite {
    /// A key not stored before.
    New {
        /// Its id.
        id: i64,
    },
    /// A newer revision of a stored key replaced the older one (same id).
    Revised {
        /// Its id.
        id: i64,
        /// The revision it replaced.
        previous_revision: String,
    },
    /// The same revision (or an older one) was already stored: nothing changed.
    Unchanged {
        /// Its id.
        id: i64,
    },
}

impl AdvisoryWrite {
    /// The advisory's id.
    pub fn id(&self) -> i64 {
        match self {
            AdvisoryWrite::New { id }
            | AdvisoryWrite::Revised { id, .. }
            | AdvisoryWrite::Unchanged { id } => *id,
        }
    }
}

/// An advisory as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredAdvisory {
    /// Its id (kept across revisions).
    pub id: i64,
    /// The current revision.
    pub advisory: Advisory,
    /// Failed CSAF mandatory tests of the current revision (empty when valid).
    pub failures: Vec<ValidationFailure>,
    /// SHA-256 of the current revision's document.
    pub sha256: String,
    /// The run that stored the current revision (none for advisories written by hand).
    pub run_id: Option<i64>,
    /// When the key was first stored.
    #[serde(with = "time::serde::rfc3339")]
    pub first_stored_at: OffsetDateTime,
    /// When the current revision was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub stored_at: OffsetDateTime,
    /// How many revisions have been stored (1 for a key never revised).
    pub revisions: u32,
}

impl StoredAdvisory {
    /// True when the advisory may be matched and sent: it passed CSAF's mandatory tests
    /// (or is not CSAF).
    pub fn is_usable(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Which advisories to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisoryFilter {
    /// Only this source.
    pub source: Option<AdvisorySource>,
    /// Only advisories matched to this organisation's assets.
    pub organisation_id: Option<i64>,
    /// Only advisories matched to any partner.
    pub matched_only: bool,
    /// Only advisories naming this CVE.
    pub cve: Option<String>,
    /// At most this many, newest first (by stored time); none for all.
    pub limit: Option<u32>,
}

/// One product of one partner's asset matched by an advisory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatchRecord {
    /// The advisory.
    pub advisory_id: i64,
    /// The partner.
    pub organisation_id: i64,
    /// The asset.
    pub asset_id: i64,
    /// The product on the asset that matched.
    pub product_id: i64,
    /// How sure the match is.
    pub confidence: Confidence,
    /// Why it matched, in plain words.
    pub reason: String,
    /// The advisory's product the asset matched (its label or pattern).
    pub criterion: String,
    /// The CVEs of the advisory this match is for.
    pub cves: Vec<String>,
}

/// A match with the names pages show beside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredMatch {
    /// The match.
    #[serde(flatten)]
    pub record: MatchRecord,
    /// The partner's name.
    pub organisation: String,
    /// The asset's name.
    pub asset: String,
    /// The advisory's source.
    pub source: AdvisorySource,
    /// The advisory's key.
    pub advisory_key: String,
    /// The advisory's title.
    pub advisory_title: String,
}

/// Which matches to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchFilter {
    /// Only this partner's.
    pub organisation_id: Option<i64>,
    /// Only this advisory's.
    pub advisory_id: Option<i64>,
}

/// What to open (or bring up to date) as the notice to one partner about one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// The advisory.
    pub advisory_id: i64,
    /// The partner.
    pub organisation_id: i64,
    /// By when the partner should have fixed its affected assets.
    pub due: Option<Date>,
    /// A digest of what the advisory means for this partner (its matched assets and
    /// products and the advisory's revision-relevant data): the same fingerprint means
    /// nothing changed for this partner, and nobody is alerted again.
    pub fingerprint: String,
    /// What changed for this partner since the last notice, in plain words (empty for a
    /// first notice).
    pub changes: String,
}

/// What [`Advisories::open_notice`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeWrite {
    /// A notice the partner had not had: send it.
    Opened(i64),
    /// The partner's picture changed (new assets matched, a new due date): the notice is
    /// open again with the change recorded; send an update.
    Changed(i64),
    /// Same fingerprint as before: nothing to send.
    Unchanged(i64),
}

impl NoticeWrite {
    /// The notice's id.
    pub fn id(self) -> i64 {
        match self {
            NoticeWrite::Opened(id) | NoticeWrite::Changed(id) | NoticeWrite::Unchanged(id) => id,
        }
    }
}

/// The notice to one partner about one advisory, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticeRecord {
    /// Its id.
    pub id: i64,
    /// The advisory.
    pub advisory_id: i64,
    /// The partner.
    pub organisation_id: i64,
    /// The partner's name.
    pub organisation: String,
    /// The partner's sector.
    pub sector: String,
    /// When it was first opened.
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    /// When it last changed for the partner (equal to `opened_at` until a revision
    /// changes what the partner is affected by).
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
    /// The due date.
    pub due: Option<Date>,
    /// When the partner acknowledged it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// Who acknowledged it (user name or contact address).
    pub acknowledged_by: Option<String>,
    /// When every matched asset was fixed or found not affected.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// When the last reminder was queued.
    #[serde(with = "time::serde::rfc3339::option")]
    pub reminded_at: Option<OffsetDateTime>,
    /// When it was escalated to the senior responsible owner.
    #[serde(with = "time::serde::rfc3339::option")]
    pub escalated_at: Option<OffsetDateTime>,
    /// The fingerprint of the partner's picture at the last change.
    pub fingerprint: String,
    /// What changed at the last change.
    pub changes: String,
}

/// Which notices to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeFilter {
    /// Only this partner's.
    pub organisation_id: Option<i64>,
    /// Only this advisory's.
    pub advisory_id: Option<i64>,
    /// Only notices not yet closed.
    pub open_only: bool,
}

/// A message sent about a notice, which moves its reminder or escalation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMessage {
    /// The notice itself, or an update after a revision.
    Notice,
    /// A reminder before the due date.
    Reminder,
    /// The escalation to the senior responsible owner.
    Escalation,
}

impl NoticeMessage {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeMessage::Notice => "notice",
            NoticeMessage::Reminder => "reminder",
            NoticeMessage::Escalation => "escalation",
        }
    }
}

/// A matched asset's status against one notice, as last set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AssetStatusRecord {
    /// The notice.
    pub notice_id: i64,
    /// The asset.
    pub asset_id: i64,
    /// Where it stands.
    pub status: AssetStatus,
    /// Who set it (user name); none while unreviewed.
    pub set_by: Option<String>,
    /// When it was set.
    #[serde(with = "time::serde::rfc3339::option")]
    pub set_at: Option<OffsetDateTime>,
    /// A note the partner added (what was done).
    pub note: String,
}

/// A partner's change of one matched asset's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The notice.
    pub notice_id: i64,
    /// The asset.
    pub asset_id: i64,
    /// Its new status.
    pub status: AssetStatus,
    /// Who set it (user name).
    pub by: String,
    /// What was done, in the partner's words (may be empty).
    pub note: String,
    /// When.
    pub at: OffsetDateTime,
}

/// Advisories, matches and notices, on either backend.
pub trait Advisories {
    /// Writes a batch of an advisory run (new keys, newer revisions replacing older ones,
    /// quarantined records) and moves the run's counters, in one transaction. Returns the
    /// batch's counts and, per item in order, what was done with it;
    /// [`crate::StoreError::NotFound`] (and nothing written) when the run does not exist.
    fn store_advisories(
        &mut self,
        run_id: i64,
        batch: &AdvisoryBatch,
    ) -> StoreResult<(RunCounts, Vec<AdvisoryWrite>)>;
    /// Writes one advisory outside any run (written by hand in the web application).
    fn put_advisory(&mut self, item: &AdvisoryItem) -> StoreResult<AdvisoryWrite>;
    /// One advisory.
    fn advisory(&mut self, id: i64) -> StoreResult<Option<StoredAdvisory>>;
    /// One advisory by source and key.
    fn advisory_by_key(
        &mut self,
        source: AdvisorySource,
        key: &str,
    ) -> StoreResult<Option<StoredAdvisory>>;
    /// Advisories, newest stored first.
    fn advisories(&mut self, filter: &AdvisoryFilter) -> StoreResult<Vec<StoredAdvisory>>;

    /// Replaces the matches of the advisories named with those given (all of them for
    /// those advisories), in one transaction. Matches of advisories not named are
    /// ignored, and so is a match whose product is not on its asset or whose asset is not
    /// its organisation's (the inventory changed since matching read it), so a match can
    /// never point one partner at another's asset.
    fn replace_advisory_matches(
        &mut self,
        advisory_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()>;
    /// Replaces every match of the organisations named with those given (after their
    /// inventories changed), in one transaction. Matches of organisations not named are
    /// ignored, as are matches that do not hold (see
    /// [`Advisories::replace_advisory_matches`]).
    fn replace_organisation_matches(
        &mut self,
        organisation_ids: &[i64],
        matches: &[MatchRecord],
    ) -> StoreResult<()>;
    /// Matches by advisory (newest first), organisation name, asset name.
    fn matches(&mut self, filter: &MatchFilter) -> StoreResult<Vec<StoredMatch>>;

    /// Opens the notice to one partner about one advisory, or brings it up to date: a
    /// changed fingerprint records the change, moves `changed_at` and reopens a closed
    /// notice; the same fingerprint changes nothing.
    fn open_notice(&mut self, notice: &NewNotice, now: OffsetDateTime) -> StoreResult<NoticeWrite>;
    /// Notices, by due date (none last) then opened time.
    fn notices(&mut self, filter: &NoticeFilter) -> StoreResult<Vec<NoticeRecord>>;
    /// One notice, only if it is `organisation_id`'s (when given).
    fn notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
    ) -> StoreResult<Option<NoticeRecord>>;
    /// Records the partner's acknowledgement, once: false when the notice is not
    /// `organisation_id`'s (when given), does not exist, or was already acknowledged.
    fn acknowledge_notice(
        &mut self,
        notice_id: i64,
        organisation_id: Option<i64>,
        by: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Records that a message about the notice was queued (the outbox message id; none
    /// when the partner has nobody to send it to, so it is not tried again every round),
    /// moving its reminder or escalation time; [`crate::StoreError::NotFound`] when there is no
    /// such notice.
    fn record_notice_message(
        &mut self,
        notice_id: i64,
        kind: NoticeMessage,
        message_id: Option<i64>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Which notice an outbox message was queued about (none for a message that is not
    /// about a notice), so that acknowledging the message from the link in its email also
    /// acknowledges the notice.
    fn notice_of_message(&mut self, message_id: i64) -> StoreResult<Option<i64>>;
    /// Sets a matched asset's status against a notice (kept with who and when, and in the
    /// history), only if the notice is `organisation_id`'s (when given) and the asset is
    /// the notice's organisation's; false otherwise. Closes the notice when every asset
    /// matched for it is then closed, and reopens it when one is no longer.
    fn set_asset_status(
        &mut self,
        change: &StatusChange,
        organisation_id: Option<i64>,
    ) -> StoreResult<bool>;
    /// Current status of every asset matched for a notice (unreviewed for those never
    /// set), by asset name.
    fn asset_statuses(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>>;
    /// Every status ever set against a notice, oldest first.
    fn asset_status_history(&mut self, notice_id: i64) -> StoreResult<Vec<AssetStatusRecord>>;
}
