//! Telling the owners: compose each organisation's digest of new and still-active
//! addresses from the register, queue it in the durable outbox, and deliver what is due
//! (digests and every other kind of message) through each channel's transport.

use beacon_core::StoredOrganisation;
use beacon_notify::{
    AckSigner, Backoff, Channel, ComposedDigest, DeliveryOptions, DigestInput, Finding,
    FindingStatus, NotifySmsSettings, NotifySmsTransport, OutboxMessage, OutboxStore,
    OutgoingMessage, Pacer, Recipient, RecipientKind, SendError, SharingPolicy, SmtpMailer,
    SmtpSettings, SocialExportTransport, SocialSettings, Throttle, Transport,
};
use beacon_store::{
    AddressFilter, AddressRecord, Message, MessageContent, MessageKind, NewDigest, Store,
    StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// Stands in the stored bodies for the acknowledgement link, which is signed for the
/// outbox id (known only once the digest is queued) and put in when the mail is sent.
pub const ACK_LINK_PLACEHOLDER: &str = "BEACON-ACKNOWLEDGEMENT-LINK";

/// How long an acknowledgement link stays valid after the digest is queued.
const ACK_LINK_VALID_FOR: Duration = Duration::days(30);

/// The store setting holding the acknowledgement-link secret when none is configured.
const ACK_SECRET_SETTING: &str = "ack_secret";

/// The acknowledgement-link signer: `BEACON_ACK_SECRET`, else a secret Beacon made and
/// keeps in its database, so the CLI, the sender and the web all sign and check links
/// with the same secret.
pub fn ack_signer(store: &mut dyn Store) -> Result<AckSigner, StoreError> {
    if let Ok(secret) = std::env::var("BEACON_ACK_SECRET")
        && !secret.is_empty()
    {
        return Ok(AckSigner::new(secret.as_bytes()));
    }
    let secret = match store.setting(ACK_SECRET_SETTING)? {
        Some(secret) => secret,
        None => {
            let made: String = rand::random::<[u8; 32]>()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            store.set_setting(ACK_SECRET_SETTING, &made)?;
            made
        }
    };
    Ok(AckSigner::new(secret.as_bytes()))
}

/// Digest settings (the `[notify]` table of `beacon.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// Beacon's web address, for acknowledgement links (`None`: acknowledge with
    /// `beacon notify ack`).
    pub base_url: Option<String>,
    /// Partnership mailboxes that receive every digest's CLEAR and GREEN findings.
    pub extra_recipients: Vec<String>,
    /// May extra recipients receive TLP:CLEAR findings?
    pub extra_may_receive_clear: bool,
    /// May extra recipients receive TLP:GREEN findings?
    pub extra_may_receive_green: bool,
    /// Addresses not seen for this many days have expired: they leave digests, and count
    /// as new if they come back.
    pub expire_after_days: i64,
    /// The domain of Message-IDs (`beacon-digest-7-…@<domain>`).
    pub message_domain: String,
    /// Attempts before a message is given up (waits double from one minute, at most six
    /// hours apart).
    pub max_attempts: u32,
    /// How long a sender holds a claimed message before another may send it: longer than
    /// a batch of sends can take (a sender that dies mid-send is taken over after this).
    pub send_lease_seconds: i64,
    /// How many messages a sender claims at a time (bounded further for throttled
    /// channels so a batch always goes out within half the lease).
    pub claim_batch: usize,
    /// The SMS gateway (`[notify.sms]`); `None`: SMS wait in the outbox.
    pub sms: Option<NotifySmsSettings>,
    /// The social post export (`[notify.social]`); `None`: posts wait in the outbox.
    pub social: Option<SocialSettings>,
    /// Each channel's limit (`[notify.throttle.email]`, `[notify.throttle.sms]` …:
    /// `per_second`, `per_run`); a channel not named is not limited.
    pub throttle: BTreeMap<Channel, Throttle>,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            base_url: None,
            extra_recipients: Vec::new(),
            extra_may_receive_clear: true,
            extra_may_receive_green: true,
            expire_after_days: 30,
            message_domain: "beacon.invalid".to_owned(),
            max_attempts: 12,
            send_lease_seconds: 900,
            claim_batch: beacon_notify::BATCH,
            sms: None,
            social: None,
            throttle: BTreeMap::new(),
        }
    }
}

impl NotifySettings {
    /// The sharing policy for extra recipients.
    pub fn policy(&self) -> SharingPolicy {
        SharingPolicy {
            extra_may_receive_clear: self.extra_may_receive_clear,
            extra_may_receive_green: self.extra_may_receive_green,
        }
    }

    /// The retry schedule.
    pub fn backoff(&self) -> Backoff {
        Backoff {
            max_attempts: self.max_attempts.max(1),
            ..Backoff::default()
        }
    }

    /// The delivery loop's throttles and claim size.
    pub fn delivery_options(&self) -> DeliveryOptions {
        DeliveryOptions {
            throttles: self.throttle.clone(),
            batch: self.claim_batch.max(1),
        }
    }
}

/// The transports of the channels that are configured, so a sender run delivers on each
/// of them and leaves the other channels' messages queued.
#[derive(Debug, Default)]
pub struct Transports {
    /// Email, when `[smtp]` is set.
    pub email: Option<SmtpMailer>,
    /// SMS, when `[notify.sms]` is set.
    pub sms: Option<NotifySmsTransport>,
    /// Social posts, when `[notify.social]` is set.
    pub social: Option<SocialExportTransport>,
}

impl Transports {
    /// Builds the transport of every configured channel (SMS tokens and unscheduled
    /// posts take the system clock), or says which setting is wrong.
    pub fn configured(
        smtp: Option<SmtpSettings>,
        settings: &NotifySettings,
    ) -> Result<Transports, SendError> {
        let clock = || Box::new(OffsetDateTime::now_utc);
        Ok(Transports {
            email: smtp.map(SmtpMailer::new).transpose()?,
            sms: settings
                .sms
                .as_ref()
                .map(|sms| NotifySmsTransport::new(sms, clock()))
                .transpose()?,
            social: settings
                .social
                .as_ref()
                .map(|social| SocialExportTransport::new(social, clock()))
                .transpose()?,
        })
    }

    /// The configured transports, for [`deliver`].
    pub fn list(&self) -> Vec<&dyn Transport> {
        let mut list: Vec<&dyn Transport> = Vec::new();
        if let Some(email) = &self.email {
            list.push(email);
        }
        if let Some(sms) = &self.sms {
            list.push(sms);
        }
        if let Some(social) = &self.social {
            list.push(social);
        }
        list
    }
}

/// Real time for throttled runs: measured from when the run starts, waiting by sleeping.
#[derive(Debug, Clone, Copy)]
pub struct SystemPacer {
    start: std::time::Instant,
}

impl SystemPacer {
    /// A pacer whose run starts now.
    pub fn start() -> SystemPacer {
        SystemPacer {
            start: std::time::Instant::now(),
        }
    }
}

impl Pacer for SystemPacer {
    fn elapsed(&self) -> std::time::Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: std::time::Duration) {
        std::thread::sleep(duration);
    }
}

/// What composing digests did, per organisation.
#[derive(Debug, Clone, Serialize)]
pub struct QueuedDigest {
    /// Organisation.
    pub organisation: String,
    /// Outbox ids, one per recipient.
    pub outbox_ids: Vec<i64>,
    /// Findings in the digest (before TLP held any back).
    pub findings: usize,
    /// New addresses.
    pub new: usize,
    /// Addresses still active from before.
    pub still_active: usize,
}

/// The findings of one organisation since its last digest: addresses it owns seen since
/// then (or, for a first digest, within the expiry window), one finding per
/// classification type, new when the address became active after the last digest.
pub fn findings_for(
    store: &mut dyn Store,
    organisation_id: i64,
    since: Option<OffsetDateTime>,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<Vec<Finding>, StoreError> {
    let expiry = now - Duration::days(settings.expire_after_days.max(1));
    let seen_since = since.map_or(expiry, |since| since.max(expiry));
    let addresses = store.addresses(&AddressFilter {
        organisation_id: Some(organisation_id),
        seen_since: Some(seen_since),
        limit: None,
    })?;
    Ok(addresses
        .iter()
        .flat_map(|address| findings_of(address, since))
        .collect())
}

fn findings_of(address: &AddressRecord, since: Option<OffsetDateTime>) -> Vec<Finding> {
    let status = match since {
        Some(since) if address.active_since < since => FindingStatus::StillActive,
        _ => FindingStatus::New,
    };
    address
        .types
        .iter()
        .map(|classification_type| Finding {
            observable: address.observable.clone(),
            classification_taxonomy: beacon_core::event::taxonomy_of(classification_type)
                .unwrap_or("other")
                .to_owned(),
            classification_type: classification_type.clone(),
            identifier: None,
            malware: (!address.malware.is_empty()).then(|| address.malware.join(", ")),
            port: address.ports.first().copied(),
            feeds: address.feeds.clone(),
            first_seen: address.first_seen,
            last_seen: address.last_seen,
            sightings: address.sightings,
            tlp: address.tlp,
            status,
        })
        .collect()
}

/// Composes and queues every organisation's digest that has findings. Each
/// organisation's digests and its new watermark are written in one transaction, so a
/// crash never loses a digest nor queues one twice.
pub fn queue_digests(
    store: &mut dyn Store,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<Vec<QueuedDigest>, StoreError> {
    let organisations = store.organisations()?;
    let mut queued = Vec::new();
    for organisation in &organisations {
        if let Some(digest) = queue_one(store, organisation, now, settings)? {
            queued.push(digest);
        }
    }
    Ok(queued)
}

fn queue_one(
    store: &mut dyn Store,
    stored: &StoredOrganisation,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<Option<QueuedDigest>, StoreError> {
    let since = store.last_digest_at(stored.id)?;
    let findings = findings_for(store, stored.id, since, now, settings)?;
    if findings.is_empty() {
        return Ok(None);
    }
    let input = DigestInput {
        organisation: &stored.organisation.name,
        period_start: since,
        period_end: now,
        findings: &findings,
        ack_url: Some(ACK_LINK_PLACEHOLDER),
        beacon_url: settings.base_url.as_deref(),
    };
    let recipients = stored
        .organisation
        .contacts
        .iter()
        .map(|email| (email, RecipientKind::OwnContact))
        .chain(
            settings
                .extra_recipients
                .iter()
                .map(|email| (email, RecipientKind::Extra)),
        );
    let policy = settings.policy();
    let mut digests = Vec::new();
    for (email, kind) in recipients {
        let recipient = Recipient {
            email: email.clone(),
            kind,
        };
        if let Some(composed) = beacon_notify::compose(&input, &recipient, &policy) {
            digests.push(new_digest(stored.id, &recipient, composed));
        }
    }
    let outbox_ids = store.enqueue_digests(stored.id, &digests, now, &settings.message_domain)?;
    let new = findings
        .iter()
        .filter(|f| f.status == FindingStatus::New)
        .count();
    Ok(Some(QueuedDigest {
        organisation: stored.organisation.name.clone(),
        outbox_ids,
        findings: findings.len(),
        new,
        still_active: findings.len() - new,
    }))
}

fn new_digest(organisation_id: i64, recipient: &Recipient, composed: ComposedDigest) -> NewDigest {
    NewDigest {
        organisation_id,
        recipient: recipient.email.clone(),
        recipient_kind: match recipient.kind {
            RecipientKind::OwnContact => "own",
            RecipientKind::Extra => "extra",
        }
        .to_owned(),
        subject: composed.subject,
        text: composed.text,
        html: composed.html,
        tlp: composed.tlp,
        findings: composed.included as u64,
        withheld: composed.withheld as u64,
    }
}

/// The outbox as `beacon-notify`'s delivery loop sees it: the store's outbox, with the
/// acknowledgement link signed for each message as it is sent.
pub struct StoreOutbox<'a> {
    store: &'a mut dyn Store,
    links: Option<(AckSigner, String)>,
    base_url: Option<String>,
    campaigns: crate::campaigns::render::CampaignCache,
}

impl<'a> StoreOutbox<'a> {
    /// Wraps a store. With a signer and Beacon's web address, mails carry signed links
    /// (`<base>/ack/<token>`); without, they say to acknowledge in Beacon.
    pub fn new(store: &'a mut dyn Store, links: Option<(AckSigner, String)>) -> StoreOutbox<'a> {
        let base_url = links.as_ref().map(|(_, base)| base.clone());
        StoreOutbox {
            store,
            links,
            base_url,
            campaigns: crate::campaigns::render::CampaignCache::default(),
        }
    }

    /// Sets Beacon's public web address, which campaign messages' links need (taken from
    /// the acknowledgement links' when they are signed).
    pub fn with_base_url(mut self, base_url: Option<String>) -> StoreOutbox<'a> {
        if base_url.is_some() {
            self.base_url = base_url;
        }
        self
    }

    /// A claimed message as the delivery loop takes it: the acknowledgement link signed
    /// into messages that ask for one, a campaign template written out for its recipient
    /// (a template Beacon does not know is given up with that reason).
    fn ready(&mut self, message: Message) -> Result<OutboxMessage, StoreError> {
        let outgoing = match message.content {
            MessageContent::Written {
                subject,
                text,
                html,
            } => {
                let (text, html) = if message.ack_wanted {
                    let link = self.ack_text(message.id, message.created_at);
                    (
                        text.replace(ACK_LINK_PLACEHOLDER, &link),
                        html.replace(ACK_LINK_PLACEHOLDER, &link),
                    )
                } else {
                    (text, html)
                };
                Ok(OutgoingMessage {
                    to: message.recipient,
                    subject,
                    text,
                    html,
                    message_id: message.message_id,
                    tlp: message.tlp,
                    marks: marks_of(message.kind),
                    unsubscribe: None,
                    sms_template: None,
                    social: None,
                })
            }
            MessageContent::Template { ref name, ref data } => crate::campaigns::render::compose(
                &mut *self.store,
                &mut self.campaigns,
                self.base_url.as_deref(),
                &message,
                name,
                data,
            )?,
        };
        Ok(OutboxMessage {
            id: message.id,
            channel: message.channel,
            message: outgoing,
            attempts: message.attempts,
        })
    }

    fn ack_text(&self, id: i64, created_at: OffsetDateTime) -> String {
        match &self.links {
            Some((signer, base)) => format!(
                "{}/ack/{}",
                base.trim_end_matches('/'),
                signer.sign(id, created_at + ACK_LINK_VALID_FOR)
            ),
            None => format!("beacon notify ack {id}"),
        }
    }
}

impl OutboxStore for StoreOutbox<'_> {
    type Error = StoreError;

    fn claim_due(
        &mut self,
        channels: &[beacon_notify::Channel],
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        let claimed = self.store.claim_due(channels, now, lease, limit)?;
        claimed
            .into_iter()
            .map(|message| self.ready(message))
            .collect()
    }

    fn record_sent(&mut self, id: i64, at: OffsetDateTime) -> Result<(), StoreError> {
        self.store.outbox_record_sent(id, at)
    }

    fn record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> Result<(), StoreError> {
        self.store.outbox_record_sent_many(ids, at)
    }

    fn is_suppressed(
        &mut self,
        channel: beacon_notify::Channel,
        address: &str,
    ) -> Result<bool, StoreError> {
        self.store.is_suppressed(channel, address)
    }

    fn record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        self.store.outbox_record_failure(id, error, retry_at)
    }
}

/// Sends what is due on the transports' channels, each message through its channel's
/// transport, each channel within its throttle (waiting in real time as it needs).
pub fn deliver(
    store: &mut dyn Store,
    transports: &[&dyn Transport],
    links: Option<(AckSigner, String)>,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<beacon_notify::DeliveryReport, StoreError> {
    let mut outbox = StoreOutbox::new(store, links).with_base_url(settings.base_url.clone());
    let lease = Duration::seconds(settings.send_lease_seconds.max(1));
    beacon_notify::deliver_due_with(
        &mut outbox,
        transports,
        now,
        &settings.backoff(),
        lease,
        &settings.delivery_options(),
        &SystemPacer::start(),
    )
}

/// Why an acknowledgement was refused.
#[derive(Debug, thiserror::Error)]
pub enum AckRefused {
    /// The link is not one Beacon signed, or has expired.
    #[error("{0}")]
    Link(#[from] beacon_notify::AckError),
    /// No such digest.
    #[error("there is no digest {0}")]
    NoSuchDigest(i64),
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

/// Records an acknowledgement from a signed link; returns the digest id.
pub fn acknowledge_link(
    store: &mut dyn Store,
    signer: &AckSigner,
    token: &str,
    now: OffsetDateTime,
) -> Result<i64, AckRefused> {
    let id = signer.verify(token, now)?;
    if store.acknowledge(id, "link", now)? {
        Ok(id)
    } else {
        Err(AckRefused::NoSuchDigest(id))
    }
}

/// The headers that tell a recipient's mail filters what a message is: exercise injects
/// and phishing simulations say so, so partners can allow them and never mistake them.
fn marks_of(kind: MessageKind) -> Vec<(&'static str, String)> {
    match kind {
        MessageKind::Inject => vec![(
            beacon_notify::EXERCISE_HEADER,
            "inject; this message is part of a readiness exercise".to_owned(),
        )],
        MessageKind::Simulation => vec![(
            beacon_notify::SIMULATION_HEADER,
            "phishing-awareness; consented; no credentials are collected".to_owned(),
        )],
        _ => Vec::new(),
    }
}
