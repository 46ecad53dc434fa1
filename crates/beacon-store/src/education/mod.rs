//! Staff education and phishing-awareness simulations.
//!
//! An organisation hands its staff an invitation link; a person who follows it joins as a
//! learner (kept by the hash of their own cookie token, no account needed), takes the
//! modules' quizzes, and earns a certificate for each passed attempt that anyone can look
//! up by its code. Staff who opted in to phishing-awareness testing are the organisation's
//! simulation recipients; a simulation sends each of them a simulated email (an outbox
//! message of kind [`crate::MessageKind::Simulation`]) with their own tracked link, and
//! records what became of it: fetches of the link (each judged a person's click or a link
//! scanner's) and reports of the email as phishing.
//!
//! **Invariants:** tokens are never stored, only the hex SHA-256 the caller computed; every
//! read that takes an organisation filters by it in SQL, so one partner never sees
//! another's learners, attempts, recipients or results; a simulation, its targets and their
//! outbox messages are written in one transaction, and only to recipients of the
//! simulation's organisation whose consent stands, so a withdrawn consent is never mailed.

mod columns;
mod postgres;
mod sqlite;

use crate::StoreResult;
use crate::outbox::NewMessage;
use beacon_core::readiness::ClickVerdict;
use serde::Serialize;
use time::OffsetDateTime;

/// An invitation link to create: staff who follow it before it expires join as learners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewInvitation {
    /// The organisation whose staff it invites.
    pub organisation_id: i64,
    /// Hex SHA-256 of the link's token; the token itself is never stored.
    pub token_hash: String,
    /// Who created it (a user name).
    pub created_by: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// After this moment nobody can join through it.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// An invitation as stored, with how many learners joined through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationRecord {
    /// Its id.
    pub id: i64,
    /// The organisation whose staff it invites.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops letting people join.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// When it was revoked, if it was (the first revocation is kept).
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// Learners who joined through it.
    pub learners: u32,
}

impl InvitationRecord {
    /// Whether someone may join through it at `at`: not revoked and not yet expired.
    pub fn is_open(&self, at: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && at < self.expires_at
    }
}

/// A learner: a member of an organisation's staff who joined through an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnerRecord {
    /// Its id.
    pub id: i64,
    /// The organisation whose invitation they joined through.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// The name they gave (shown on their certificates).
    pub display_name: String,
    /// When they joined.
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
}

/// A quiz attempt to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAttempt {
    /// The learner who took it.
    pub learner_id: i64,
    /// The module whose quiz it was.
    pub module_id: String,
    /// Questions answered correctly.
    pub score: u32,
    /// Questions asked.
    pub total: u32,
    /// Whether the score reached the module's pass mark.
    pub passed: bool,
    /// Each question's id with the index of the option chosen, kept as the record of the
    /// attempt.
    pub answers: Vec<(String, usize)>,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The certificate's code, given when the attempt passed; unique.
    pub certificate_code: Option<String>,
}

/// A quiz attempt as stored, with its learner and organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    /// Its id.
    pub id: i64,
    /// The learner who took it.
    pub learner_id: i64,
    /// The learner's display name.
    pub learner: String,
    /// The learner's organisation.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// The module whose quiz it was.
    pub module_id: String,
    /// Questions answered correctly.
    pub score: u32,
    /// Questions asked.
    pub total: u32,
    /// Whether it passed.
    pub passed: bool,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The certificate it earned, if it passed.
    pub certificate_code: Option<String>,
}

/// A member of staff who opted in to phishing-awareness simulations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSimulationRecipient {
    /// Their email address.
    pub email: String,
    /// When they opted in.
    #[serde(with = "time::serde::rfc3339")]
    pub consented_at: OffsetDateTime,
    /// How, and in what words, they opted in.
    pub consent_evidence: String,
}

/// A simulation recipient as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulationRecipientRecord {
    /// Its id.
    pub id: i64,
    /// Their organisation.
    pub organisation_id: i64,
    /// Their email address, as last written.
    pub email: String,
    /// When they last opted in.
    #[serde(with = "time::serde::rfc3339")]
    pub consented_at: OffsetDateTime,
    /// How, and in what words, they last opted in.
    pub consent_evidence: String,
    /// When they withdrew, if their consent is withdrawn.
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
}

/// A simulation to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSimulation {
    /// Unique: creating the same key again stores nothing and returns the first id.
    pub key: String,
    /// The organisation whose consenting staff it tests.
    pub organisation_id: i64,
    /// The simulated email's template.
    pub template_id: String,
    /// When its emails are to go out.
    #[serde(with = "time::serde::rfc3339")]
    pub send_at: OffsetDateTime,
    /// Who created it (a user name).
    pub created_by: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A simulation as stored, with how many people it targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulationRecord {
    /// Its id.
    pub id: i64,
    /// Its unique key.
    pub key: String,
    /// The organisation it tests.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// The simulated email's template.
    pub template_id: String,
    /// When its emails are to go out.
    #[serde(with = "time::serde::rfc3339")]
    pub send_at: OffsetDateTime,
    /// Who created it.
    pub created_by: String,
    /// Recipients it targets.
    pub targets: u32,
}

/// One recipient of one simulation, found by their link's token when the link is fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulationTarget {
    /// Its id.
    pub id: i64,
    /// The simulation.
    pub simulation_id: i64,
    /// The simulation's organisation.
    pub organisation_id: i64,
    /// The recipient.
    pub recipient_id: i64,
    /// The simulated email's template (what the landing page teaches).
    pub template_id: String,
    /// The outbox message that carries the email.
    pub message_id: i64,
    /// When the channel accepted that message, if it has.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

/// What happened to a simulated email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SimulationEventKind {
    /// Its link was fetched (by a person or a link scanner: see the verdict).
    Fetch,
    /// The recipient reported it as phishing.
    Reported,
}

impl SimulationEventKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SimulationEventKind::Fetch => "fetch",
            SimulationEventKind::Reported => "reported",
        }
    }

    /// Reads the stored spelling; `None` for one this Beacon does not know.
    pub fn from_stored(text: &str) -> Option<SimulationEventKind> {
        match text {
            "fetch" => Some(SimulationEventKind::Fetch),
            "reported" => Some(SimulationEventKind::Reported),
            _ => None,
        }
    }
}

/// Something that happened to one target's email, to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSimulationEvent {
    /// The target.
    pub target_id: i64,
    /// What happened.
    pub kind: SimulationEventKind,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// For fetches: whether a person clicked or a link scanner fetched the link.
    pub verdict: Option<ClickVerdict>,
    /// The fetch's `User-Agent`, kept to its first [`USER_AGENT_CHARS`] characters.
    pub user_agent: Option<String>,
}

/// How many characters of a fetch's `User-Agent` are kept.
pub const USER_AGENT_CHARS: usize = 300;

/// What became of one target's email, aggregated from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetResult {
    /// The target.
    pub target_id: i64,
    /// Its simulation.
    pub simulation_id: i64,
    /// The simulation's organisation.
    pub organisation_id: i64,
    /// That organisation's name.
    pub organisation: String,
    /// When the simulation's emails were to go out.
    #[serde(with = "time::serde::rfc3339")]
    pub send_at: OffsetDateTime,
    /// When the channel accepted this email, if it has.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// The first fetch judged a person's click (scanners' fetches never count).
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_click_at: Option<OffsetDateTime>,
    /// Fetches judged a link scanner's.
    pub scanner_fetches: u32,
    /// The first report of the email as phishing.
    #[serde(with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
}

/// Staff learning and consented phishing-awareness simulations, on either backend.
pub trait Education {
    /// Creates an invitation link and returns its id; [`crate::StoreError::NotFound`] for
    /// an organisation id that does not exist.
    fn create_invitation(&mut self, invitation: &NewInvitation) -> StoreResult<i64>;
    /// Invitations, newest first, with the learners who joined through each; only one
    /// organisation's when given.
    fn invitations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<InvitationRecord>>;
    /// The invitation whose link token hashes to `token_hash`, whether or not it is still
    /// open (see [`InvitationRecord::is_open`]).
    fn invitation_by_token(&mut self, token_hash: &str) -> StoreResult<Option<InvitationRecord>>;
    /// Revokes an invitation, only if it belongs to `organisation_id` when given. False
    /// (and nothing changed) when there is no such invitation there or it was already
    /// revoked: the first revocation is kept.
    fn revoke_invitation(
        &mut self,
        id: i64,
        organisation_id: Option<i64>,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// A learner joins through an invitation; `learner_token_hash` is the hash of the
    /// learner's own cookie token. [`crate::StoreError::NotFound`] when the invitation
    /// does not exist, is revoked, or has expired by `at` (checked in the same statement
    /// that adds the learner, so a revocation is never raced past).
    fn join_learner(
        &mut self,
        invitation_id: i64,
        display_name: &str,
        learner_token_hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<LearnerRecord>;
    /// The learner whose cookie token hashes to `token_hash`.
    fn learner_by_token(&mut self, token_hash: &str) -> StoreResult<Option<LearnerRecord>>;
    /// Records a quiz attempt and returns its id; [`crate::StoreError::NotFound`] for a
    /// learner that does not exist, [`crate::StoreError::Duplicate`] for a certificate
    /// code already issued (the caller may draw another).
    fn record_attempt(&mut self, attempt: &NewAttempt) -> StoreResult<i64>;
    /// Attempts by time then id: only one organisation's, and only one learner's, when
    /// given.
    fn attempts(
        &mut self,
        organisation_id: Option<i64>,
        learner_id: Option<i64>,
    ) -> StoreResult<Vec<AttemptRecord>>;
    /// The passed attempt that earned the certificate with this code.
    fn certificate(&mut self, code: &str) -> StoreResult<Option<AttemptRecord>>;
    /// Adds or refreshes consent, in one transaction: recipients are unique per
    /// organisation and lower-cased email address, and consenting again replaces the
    /// consent's time and evidence and clears any withdrawal. Returns how many were new;
    /// [`crate::StoreError::NotFound`] for an organisation id that does not exist.
    fn add_simulation_recipients(
        &mut self,
        organisation_id: i64,
        recipients: &[NewSimulationRecipient],
    ) -> StoreResult<u32>;
    /// Withdraws a recipient's consent (the address in any case); false when the
    /// organisation has no such recipient or the consent was already withdrawn. In the
    /// same transaction, simulated emails to them that have not gone yet are given up.
    fn withdraw_simulation_consent(
        &mut self,
        organisation_id: i64,
        email: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Simulation recipients by organisation name then address, withdrawn ones included;
    /// only one organisation's when given.
    fn simulation_recipients(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<SimulationRecipientRecord>>;
    /// Creates a simulation with its targets, each a recipient id, the hex SHA-256 of
    /// their link's token and the outbox message the caller composed for them, in one
    /// transaction; returns its id and whether it was created. A key already stored
    /// stores nothing and returns the first simulation's id with `false`.
    ///
    /// Nothing at all is stored when any target is refused:
    /// [`crate::StoreError::NotFound`] (`consenting simulation recipient`) for a recipient
    /// who does not exist, belongs to another organisation, has withdrawn consent, or is
    /// not the address the message goes to; [`crate::StoreError::Corrupt`] for a message
    /// that is not of kind [`crate::MessageKind::Simulation`] or does not name the
    /// simulation's organisation; [`crate::StoreError::Duplicate`] for a message whose
    /// dedupe key is already queued (or shared by two targets).
    /// [`crate::StoreError::NotFound`] too for an unknown organisation.
    fn create_simulation(
        &mut self,
        simulation: &NewSimulation,
        targets: &[(i64, String, NewMessage)],
        message_domain: &str,
    ) -> StoreResult<(i64, bool)>;
    /// Simulations, newest first, with how many people each targets; only one
    /// organisation's when given.
    fn simulations(&mut self, organisation_id: Option<i64>) -> StoreResult<Vec<SimulationRecord>>;
    /// The target whose link token hashes to `token_hash`, with when its email was sent.
    fn simulation_target(&mut self, token_hash: &str) -> StoreResult<Option<SimulationTarget>>;
    /// Records what happened to a target's email; [`crate::StoreError::NotFound`] for a
    /// target that does not exist.
    fn record_simulation_event(&mut self, event: &NewSimulationEvent) -> StoreResult<()>;
    /// What became of each target's email (one result per target, aggregated in SQL), by
    /// simulation, newest first, then target; only one organisation's when given.
    fn simulation_results(
        &mut self,
        organisation_id: Option<i64>,
    ) -> StoreResult<Vec<TargetResult>>;
}
