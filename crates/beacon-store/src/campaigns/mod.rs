//! Protect campaigns: a message (an advice item at a pinned version) to a segment of the
//! contacts on one channel from a scheduled time, its recipients, what became of each
//! one's message, and the evaluation plan locked before launch.
//!
//! Launching writes the campaign's recipients and their outbox messages (kind
//! [`crate::MessageKind::Campaign`]) in one transaction, so a crash leaves a campaign
//! either launched with every message queued or still a draft. A recipient of an
//! evaluation's held-back arm has no message. Each recipient has their own link token
//! (stored only as the hex SHA-256 the caller computed) for the tracked link and the
//! one-question survey. A recipient's status is derived when read, from its outbox
//! message (queued, sent, suppressed, failed) and the channel's later word (delivered,
//! bounced, complained, unsubscribed), so no status is ever written twice.
//!
//! **Invariants:** a campaign's recipients never change after launch; an evaluated
//! campaign cannot launch before its plan is locked, and a locked plan never changes;
//! recipients keep no address (the outbox message holds it) and outlive their contact's
//! purge as an anonymous row, so evaluation figures stay whole.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use crate::outbox::NewMessage;
use beacon_core::Channel;
use beacon_core::protect::{LawfulBasis, RecipientStatus, SegmentRule};
use serde::Serialize;
use time::OffsetDateTime;

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Being built: its message, segment, schedule and plan may still change.
    Draft,
    /// Its recipients are fixed and their messages queued.
    Launched,
    /// Closed: no more outcomes are counted.
    Finished,
}

impl CampaignState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Launched => "launched",
            CampaignState::Finished => "finished",
        }
    }

    /// Reads the stored spelling.
    pub fn from_stored(text: &str) -> Option<CampaignState> {
        [
            CampaignState::Draft,
            CampaignState::Launched,
            CampaignState::Finished,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// A campaign as built in the campaign builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCampaign {
    /// Its name, e.g. `Courier fraud: older residents, spring 2025`.
    pub name: String,
    /// The advice item it sends.
    pub advice_slug: String,
    /// The channel it goes out on.
    pub channel: Channel,
    /// Why its recipients may be messaged.
    pub basis: LawfulBasis,
    /// Who it goes to.
    pub segment: SegmentRule,
    /// Messages are not sent before this moment.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    /// Whether it is an evaluated trial (its plan must be locked before launch).
    pub evaluated: bool,
    /// The advice item the `control` arm gets instead (the usual message), so that a
    /// trial compares the new message with the old; `None` holds the control arm back.
    pub control_advice_slug: Option<String>,
    /// Who built it.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRecord {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The advice item it sends.
    pub advice_slug: String,
    /// The item's version, pinned at launch.
    pub advice_version: Option<i64>,
    /// The channel.
    pub channel: Channel,
    /// The lawful basis.
    pub basis: LawfulBasis,
    /// The segment.
    pub segment: SegmentRule,
    /// When messages start.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    /// Whether it is an evaluated trial.
    pub evaluated: bool,
    /// Where it stands.
    pub state: CampaignState,
    /// Who built it.
    pub created_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was launched.
    #[serde(with = "time::serde::rfc3339::option")]
    pub launched_at: Option<OffsetDateTime>,
    /// When it was finished.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// The locked evaluation plan, if any.
    pub plan: Option<LockedPlanRecord>,
    /// The advice item the `control` arm gets (`None`: held back).
    pub control_advice_slug: Option<String>,
    /// Its version, pinned at launch.
    pub control_advice_version: Option<i64>,
}

/// An evaluation plan as locked: its JSON exactly as written, the fingerprint computed over
/// it, and who locked it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockedPlanRecord {
    /// The plan as JSON (the evaluation crate's form).
    pub json: String,
    /// The hex SHA-256 fingerprint computed when it was locked.
    pub fingerprint: String,
    /// Who locked it.
    pub locked_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub locked_at: OffsetDateTime,
}

/// The advice versions a launch pins: the campaign's item and the control arm's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdviceVersions {
    /// The campaign's advice item's version.
    pub advice: i64,
    /// The control arm's item's version, when it has one.
    pub control: Option<i64>,
}

/// One recipient to add at launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaignRecipient {
    /// The contact (`None` for a social account).
    pub contact_id: Option<i64>,
    /// The evaluation arm (`all` when not evaluated).
    pub arm: String,
    /// The randomisation stratum (empty when not stratified).
    pub stratum: String,
    /// The cluster of a cluster design (ward or district code).
    pub cluster: Option<String>,
    /// The contact's district, for area figures.
    pub district: Option<String>,
    /// Hex SHA-256 of the recipient's link token.
    pub token_hash: String,
    /// Their message (`None` for a held-back arm).
    pub message: Option<NewMessage>,
}

/// What launching did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum LaunchOutcome {
    /// Launched now.
    Launched {
        /// Recipients added.
        recipients: u64,
        /// Messages queued.
        queued: u64,
    },
    /// It was launched before: nothing changed.
    AlreadyLaunched,
    /// It is finished: nothing changed.
    Finished,
    /// It is an evaluated trial whose plan is not locked: nothing changed.
    PlanNotLocked,
}

/// Something that happened to a recipient's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignEventKind {
    /// A person followed the tracked link.
    Click,
    /// A link scanner fetched the tracked link (never counted as a click).
    ScannerClick,
    /// The email was opened, as far as a tracking image can tell (unreliable).
    Open,
    /// The recipient answered the one-question survey (the answer in `detail`).
    Survey,
    /// The channel delivered it.
    Delivered,
    /// The channel could not deliver it.
    Bounced,
    /// The recipient marked it as spam.
    Complained,
    /// The recipient unsubscribed through it.
    Unsubscribed,
}

impl CampaignEventKind {
    /// Every kind.
    pub const ALL: [CampaignEventKind; 8] = [
        CampaignEventKind::Click,
        CampaignEventKind::ScannerClick,
        CampaignEventKind::Open,
        CampaignEventKind::Survey,
        CampaignEventKind::Delivered,
        CampaignEventKind::Bounced,
        CampaignEventKind::Complained,
        CampaignEventKind::Unsubscribed,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignEventKind::Click => "click",
            CampaignEventKind::ScannerClick => "scanner_click",
            CampaignEventKind::Open => "open",
            CampaignEventKind::Survey => "survey",
            CampaignEventKind::Delivered => "delivered",
            CampaignEventKind::Bounced => "bounced",
            CampaignEventKind::Complained => "complained",
            CampaignEventKind::Unsubscribed => "unsubscribed",
        }
    }
}

/// An event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaignEvent {
    /// The recipient.
    pub recipient_id: i64,
    /// What happened.
    pub kind: CampaignEventKind,
    /// When.
    pub at: OffsetDateTime,
    /// A survey's answer, why a fetch was a scanner's, or a bounce's reason (at most
    /// [`EVENT_DETAIL_CHARS`] characters are kept).
    pub detail: Option<String>,
}

/// How many characters of an event's detail are kept.
pub const EVENT_DETAIL_CHARS: usize = 300;

/// A recipient as a tracked link, a survey or a delivery receipt finds them: never their
/// address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRecipientRecord {
    /// Its id.
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// The campaign's state.
    pub campaign_state: CampaignState,
    /// The campaign's advice item.
    pub advice_slug: String,
    /// The arm.
    pub arm: String,
    /// The cluster of a cluster design.
    pub cluster: Option<String>,
    /// The outbox message (`None` for a held-back arm).
    pub message_id: Option<i64>,
    /// When the channel accepted it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Whether the recipient has answered the survey.
    pub surveyed: bool,
    /// The contact (`None` for a social account, or a contact since purged).
    pub contact_id: Option<i64>,
    /// The campaign's channel.
    pub channel: Channel,
    /// Whether the recipient has unsubscribed through their link.
    pub unsubscribed: bool,
}

/// One arm's figures, counted in SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArmFigures {
    /// The arm.
    pub arm: String,
    /// Recipients allocated to it.
    pub recipients: u64,
    /// Recipients by status (held-back recipients have none).
    pub by_status: Vec<(RecipientStatus, u64)>,
    /// Recipients held back (no message).
    pub held_back: u64,
    /// Recipients with at least one person's click.
    pub clicked: u64,
    /// Link-scanner fetches, filtered out of `clicked`.
    pub scanner_clicks: u64,
    /// Recipients whose email was seen opened (unreliable: images blocked, privacy
    /// proxies prefetch).
    pub opened: u64,
    /// Recipients who answered the survey.
    pub surveyed: u64,
    /// Recipients who answered that they acted (`yes`).
    pub acted: u64,
}

impl ArmFigures {
    /// Recipients with this status.
    pub fn with_status(&self, status: RecipientStatus) -> u64 {
        self.by_status
            .iter()
            .find(|(each, _)| *each == status)
            .map_or(0, |(_, count)| *count)
    }
}

/// One cluster's figures within an arm (cluster designs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterFigures {
    /// The arm.
    pub arm: String,
    /// The cluster (ward or district code).
    pub cluster: String,
    /// Recipients.
    pub recipients: u64,
    /// Recipients with a person's click.
    pub clicked: u64,
    /// Recipients who said they acted.
    pub acted: u64,
}

/// How many recipients of one arm fell in one stratum and district: what a trial's
/// balance table is made from, kept with the recipients so that it outlives the
/// contacts' retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumFigures {
    /// The arm.
    pub arm: String,
    /// The stratum as allocated (attribute values joined by `|`; empty when the trial
    /// was not stratified).
    pub stratum: String,
    /// The recipient's district at launch (`None` when unknown).
    pub district: Option<String>,
    /// Recipients.
    pub recipients: u64,
}

/// Protect campaigns, on either backend.
pub trait Campaigns {
    /// Adds a draft campaign and returns its id.
    fn create_campaign(&mut self, campaign: &NewCampaign) -> StoreResult<i64>;
    /// Changes a draft; false (nothing changed) when it is no longer a draft, or when it
    /// is evaluated and its plan is locked (the plan fixes what it tests).
    fn update_campaign(&mut self, id: i64, campaign: &NewCampaign) -> StoreResult<bool>;
    /// One campaign.
    fn campaign(&mut self, id: i64) -> StoreResult<Option<CampaignRecord>>;
    /// Every campaign, newest first.
    fn campaigns(&mut self) -> StoreResult<Vec<CampaignRecord>>;
    /// Locks an evaluated draft's plan; false when there is no such draft, it is not
    /// evaluated, or its plan is already locked (the first lock is kept).
    fn lock_plan(&mut self, id: i64, plan: &LockedPlanRecord) -> StoreResult<bool>;
    /// Launches a draft: pins the advice version and writes its recipients and their
    /// outbox messages in one transaction. [`crate::StoreError::NotFound`] for an unknown
    /// campaign; [`crate::StoreError::Corrupt`] for a message that is not a campaign
    /// message, a token used twice, or (for a channel with addresses) a recipient with no
    /// contact. Nothing is stored unless every recipient is.
    fn launch_campaign(
        &mut self,
        id: i64,
        versions: AdviceVersions,
        recipients: &[NewCampaignRecipient],
        at: OffsetDateTime,
        message_domain: &str,
    ) -> StoreResult<LaunchOutcome>;
    /// Finishes a launched campaign; false when it is not launched.
    fn finish_campaign(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<bool>;
    /// The recipient whose link token hashes to `token_hash`.
    fn campaign_recipient_by_token(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>>;
    /// The recipient whose outbox message has this Message-ID (an SMS gateway's delivery
    /// receipt names it as its reference).
    fn campaign_recipient_by_message_id(
        &mut self,
        message_id: &str,
    ) -> StoreResult<Option<CampaignRecipientRecord>>;
    /// Records an event; [`crate::StoreError::NotFound`] for an unknown recipient. A
    /// recipient answers the survey once: a second answer returns false and stores
    /// nothing.
    fn record_campaign_event(&mut self, event: &NewCampaignEvent) -> StoreResult<bool>;
    /// Each arm's figures, by arm name.
    fn campaign_arm_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ArmFigures>>;
    /// Each cluster's figures, by arm then cluster (recipients without a cluster are left
    /// out).
    fn campaign_cluster_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<ClusterFigures>>;
    /// Recipients by arm, stratum and district, in that order.
    fn campaign_stratum_figures(&mut self, campaign_id: i64) -> StoreResult<Vec<StratumFigures>>;
}
