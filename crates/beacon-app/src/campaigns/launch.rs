//! Launching a campaign: its recipients drawn from the segment as it stands (only those
//! with an address on the channel, a lawful basis that permits it, and not suppressed),
//! allocated to the plan's arms by the seeded randomisation when it is a trial, each given
//! their own link token, and every message queued in the outbox, all in one store
//! transaction. The advice item's version is pinned, so a later edit does not change
//! what was sent.
//!
//! Messages are queued as templates (`campaign:{id}` with the recipient's token and arm)
//! and written out as they are sent (`notify::StoreOutbox`), so queueing 100,000 messages
//! stores 100,000 small rows, not 100,000 copies of the advice.

use super::links::CAMPAIGN_TOKEN_BYTES;
use super::{CampaignError, CampaignResult, campaign_or_not_found};
use beacon_core::Channel;
use beacon_core::Tlp;
use beacon_core::protect::ContactAttributes;
use beacon_evaluation::{ArmSpec, Design, Unit};
use beacon_store::{
    AdviceVersions, AuditEvent, CampaignRecord, CampaignState, LaunchOutcome, MessageContent,
    MessageDetail, MessageKind, NewCampaignRecipient, NewMessage, Store,
};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The arm every recipient of a campaign that is not a trial is in.
pub const ALL_ARM: &str = "all";

/// The arm a trial compares the others with; it gets the control advice item, or
/// nothing when the campaign has none.
pub const CONTROL_ARM: &str = "control";

/// The template name of a campaign's messages.
pub fn template_name(campaign_id: i64) -> String {
    format!("campaign:{campaign_id}")
}

/// The campaign id in a template name made by [`template_name`].
pub fn campaign_of_template(name: &str) -> Option<i64> {
    name.strip_prefix("campaign:")?.parse().ok()
}

/// One contact the campaign can reach, as the segment gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachable {
    /// The contact.
    pub contact_id: i64,
    /// Their coarse attributes (for strata and clusters).
    pub attributes: ContactAttributes,
    /// Their address on the campaign's channel.
    pub address: String,
}

/// What a cluster design randomises as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterBy {
    /// Electoral wards.
    Ward,
    /// Local authority districts.
    District,
}

/// How a trial allocates its recipients, from its locked plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocating {
    /// The arms, control first.
    pub arms: Vec<ArmSpec>,
    /// Each contact alone, or whole clusters.
    pub cluster_by: Option<ClusterBy>,
    /// The attributes the randomisation is stratified by (`district`, `age_band`,
    /// `kind`, `sector`, `size`, `sole_trader`).
    pub strata: Vec<String>,
    /// The seed, recorded in the plan so the allocation can be re-derived.
    pub seed: u64,
}

/// The stratum of a contact: the named attributes' values joined by `|`, with `-` for
/// an attribute the contact does not have.
pub fn stratum_of(attributes: &ContactAttributes, strata: &[String]) -> String {
    strata
        .iter()
        .map(|name| attribute(attributes, name).unwrap_or_else(|| "-".to_owned()))
        .collect::<Vec<_>>()
        .join("|")
}

/// The attributes a plan may stratify by.
pub const STRATA: [&str; 6] = [
    "district",
    "age_band",
    "kind",
    "sector",
    "size",
    "sole_trader",
];

fn attribute(attributes: &ContactAttributes, name: &str) -> Option<String> {
    match name {
        "district" => attributes.district.as_ref().map(|d| d.as_str().to_owned()),
        "age_band" => attributes.age_band.map(|band| band.as_str().to_owned()),
        "kind" => attributes.kind.map(|kind| kind.as_str().to_owned()),
        "sector" => attributes.sector.clone(),
        "size" => attributes.size.map(|size| size.as_str().to_owned()),
        "sole_trader" => Some(attributes.sole_trader.to_string()),
        _ => None,
    }
}

fn cluster_of(attributes: &ContactAttributes, by: ClusterBy) -> Option<String> {
    match by {
        ClusterBy::Ward => attributes.ward.clone(),
        ClusterBy::District => attributes.district.as_ref().map(|d| d.as_str().to_owned()),
    }
}

/// Each reachable contact's arm, stratum and cluster: everyone in [`ALL_ARM`] when the
/// campaign is not a trial, else the seeded randomisation's allocation.
///
/// # Errors
///
/// [`CampaignError::Invalid`] when the randomisation refuses (a contact without a ward
/// in a ward-cluster design, say).
pub fn allocate(
    members: &[Reachable],
    allocating: Option<&Allocating>,
) -> CampaignResult<Vec<(String, String, Option<String>)>> {
    let Some(plan) = allocating else {
        return Ok(members
            .iter()
            .map(|_| (ALL_ARM.to_owned(), String::new(), None))
            .collect());
    };
    let units: Vec<Unit> = members
        .iter()
        .map(|member| Unit {
            id: member.contact_id.unsigned_abs(),
            stratum: stratum_of(&member.attributes, &plan.strata),
            cluster: plan
                .cluster_by
                .and_then(|by| cluster_of(&member.attributes, by)),
        })
        .collect();
    let design = match plan.cluster_by {
        Some(_) => Design::Cluster,
        None => Design::Individual,
    };
    let allocation = beacon_evaluation::randomise(&units, &plan.arms, plan.seed, design)
        .map_err(|error| CampaignError::invalid(format!("The randomisation refused: {error}")))?;
    Ok(units
        .into_iter()
        .enumerate()
        .map(|(position, unit)| {
            let arm = allocation.arm_of(position).unwrap_or(ALL_ARM).to_owned();
            (arm, unit.stratum, unit.cluster)
        })
        .collect())
}

/// A recipient's link token: 128 random bits in hex, short enough for a text message.
pub fn new_link_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; CAMPAIGN_TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The recipients to store at launch, with their messages: a held-back control arm
/// (no control advice) gets a token but no message. `token` makes each recipient's link
/// token (random in use, fixed in tests).
pub fn recipients(
    campaign: &CampaignRecord,
    members: &[Reachable],
    allocated: Vec<(String, String, Option<String>)>,
    token: &mut dyn FnMut() -> String,
) -> Vec<NewCampaignRecipient> {
    members
        .iter()
        .zip(allocated)
        .map(|(member, (arm, stratum, cluster))| {
            let link = token();
            let held_back = arm == CONTROL_ARM && campaign.control_advice_slug.is_none();
            let message = (!held_back).then(|| NewMessage {
                kind: MessageKind::Campaign,
                channel: campaign.channel,
                organisation_id: None,
                recipient: member.address.clone(),
                recipient_kind: "contact".to_owned(),
                content: MessageContent::Template {
                    name: template_name(campaign.id),
                    data: BTreeMap::from([
                        ("token".to_owned(), link.clone()),
                        ("arm".to_owned(), arm.clone()),
                    ]),
                },
                tlp: Tlp::Clear,
                dedupe_key: format!("campaign:{}:contact:{}", campaign.id, member.contact_id),
                ack_wanted: false,
                detail: MessageDetail::None,
                not_before: Some(campaign.starts_at),
            });
            NewCampaignRecipient {
                contact_id: Some(member.contact_id),
                arm,
                stratum,
                cluster,
                district: member
                    .attributes
                    .district
                    .as_ref()
                    .map(|district| district.as_str().to_owned()),
                token_hash: crate::credentials::token_hash(&link),
                message,
            }
        })
        .collect()
}

/// The recipients of a social campaign: one post per partnership account.
pub fn social_recipients(
    campaign: &CampaignRecord,
    accounts: &[String],
    token: &mut dyn FnMut() -> String,
) -> Vec<NewCampaignRecipient> {
    accounts
        .iter()
        .map(|account| {
            let link = token();
            NewCampaignRecipient {
                contact_id: None,
                arm: ALL_ARM.to_owned(),
                stratum: String::new(),
                cluster: None,
                district: None,
                token_hash: crate::credentials::token_hash(&link),
                message: Some(NewMessage {
                    kind: MessageKind::Campaign,
                    channel: Channel::Social,
                    organisation_id: None,
                    recipient: account.clone(),
                    recipient_kind: "account".to_owned(),
                    content: MessageContent::Template {
                        name: template_name(campaign.id),
                        data: BTreeMap::from([
                            ("token".to_owned(), link),
                            ("arm".to_owned(), ALL_ARM.to_owned()),
                        ]),
                    },
                    tlp: Tlp::Clear,
                    dedupe_key: format!("campaign:{}:account:{account}", campaign.id),
                    ack_wanted: false,
                    detail: MessageDetail::None,
                    not_before: Some(campaign.starts_at),
                }),
            }
        })
        .collect()
}

/// What a launch needs from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSettings {
    /// The domain of the Message-IDs of the queued messages.
    pub message_domain: String,
    /// The partnership's social media accounts a social campaign posts to.
    pub social_accounts: Vec<String>,
}

/// The accounts a social campaign posts to when none are configured.
pub const DEFAULT_SOCIAL_ACCOUNTS: [&str; 2] = ["@LeicsCyberAware", "Get Safe Online"];

/// What a launch did, in figures for the person who launched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Launched {
    /// The campaign.
    pub campaign_id: i64,
    /// Recipients added (held-back ones included).
    pub recipients: u64,
    /// Messages queued.
    pub queued: u64,
    /// Recipients per arm, by arm name.
    pub arms: BTreeMap<String, u64>,
    /// The advice version pinned.
    pub advice_version: i64,
}

/// Launches a draft: pins the advice versions, draws the reachable members of the
/// segment (or the social accounts), allocates them, and writes every recipient and
/// message in one transaction.
///
/// # Errors
///
/// [`CampaignError::Invalid`] when the campaign is not a draft, an evaluated trial's
/// plan is not locked (or fails its check), an advice item is missing or unpublished,
/// or nobody can be reached; [`CampaignError::NotFound`] for an unknown campaign.
pub fn launch(
    store: &mut dyn Store,
    id: i64,
    settings: &LaunchSettings,
    by: &str,
    at: OffsetDateTime,
) -> CampaignResult<Launched> {
    launch_with_tokens(store, id, settings, by, at, &mut new_link_token)
}

/// [`launch`] with each recipient's link token made by `token` (random in use; the demo
/// makes its own, so its timeline can follow its recipients' links).
///
/// # Errors
///
/// As [`launch`].
pub fn launch_with_tokens(
    store: &mut dyn Store,
    id: i64,
    settings: &LaunchSettings,
    by: &str,
    at: OffsetDateTime,
    token: &mut dyn FnMut() -> String,
) -> CampaignResult<Launched> {
    let campaign = campaign_or_not_found(store, id)?;
    if campaign.state != CampaignState::Draft {
        return Err(CampaignError::invalid(format!(
            "Campaign {id} is {}: only a draft can be launched",
            campaign.state.as_str()
        )));
    }
    let plan = super::evaluation::locked_plan(&campaign)?;
    if campaign.evaluated && plan.is_none() {
        return Err(CampaignError::invalid(
            "Lock the evaluation plan before launching the trial",
        ));
    }
    let versions = AdviceVersions {
        advice: published_version(store, &campaign.advice_slug)?,
        control: match &campaign.control_advice_slug {
            Some(slug) => Some(published_version(store, slug)?),
            None => None,
        },
    };
    let list = if campaign.channel == Channel::Social {
        let accounts: Vec<String> = if settings.social_accounts.is_empty() {
            DEFAULT_SOCIAL_ACCOUNTS
                .iter()
                .map(|a| (*a).to_owned())
                .collect()
        } else {
            settings.social_accounts.clone()
        };
        social_recipients(&campaign, &accounts, token)
    } else {
        let members: Vec<Reachable> = store
            .segment_members(&campaign.segment, campaign.channel, campaign.basis, at)?
            .into_iter()
            .map(|member| Reachable {
                contact_id: member.contact_id,
                attributes: member.attributes,
                address: member.address,
            })
            .collect();
        if members.is_empty() {
            return Err(CampaignError::invalid(
                "Nobody in the segment can be reached on this channel under this lawful basis: \
                 check the segment's counts",
            ));
        }
        let allocating = plan.as_ref().map(super::evaluation::allocating);
        let allocated = allocate(&members, allocating.as_ref())?;
        recipients(&campaign, &members, allocated, token)
    };
    let mut arms: BTreeMap<String, u64> = BTreeMap::new();
    for recipient in &list {
        *arms.entry(recipient.arm.clone()).or_default() += 1;
    }
    match store.launch_campaign(id, versions, &list, at, &settings.message_domain)? {
        LaunchOutcome::Launched { recipients, queued } => {
            store.audit(&AuditEvent {
                actor: by.to_owned(),
                action: "campaign.launch".to_owned(),
                subject: format!("campaign:{id}"),
                detail: format!(
                    "{recipients} recipients, {queued} messages queued, advice version {}",
                    versions.advice
                ),
            })?;
            Ok(Launched {
                campaign_id: id,
                recipients,
                queued,
                arms,
                advice_version: versions.advice,
            })
        }
        LaunchOutcome::AlreadyLaunched => Err(CampaignError::invalid(format!(
            "Campaign {id} was launched already"
        ))),
        LaunchOutcome::Finished => {
            Err(CampaignError::invalid(format!("Campaign {id} is finished")))
        }
        LaunchOutcome::PlanNotLocked => Err(CampaignError::invalid(
            "Lock the evaluation plan before launching the trial",
        )),
    }
}

/// The latest version of a published advice item.
fn published_version(store: &mut dyn Store, slug: &str) -> CampaignResult<i64> {
    match store.advice(slug)? {
        Some(stored) if stored.published => Ok(stored.version),
        Some(_) => Err(CampaignError::invalid(format!(
            "Advice item {slug:?} is not published: publish it before sending it"
        ))),
        None => Err(CampaignError::invalid(format!(
            "There is no advice item {slug:?} in the library"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::protect::{ContactKind, LawfulBasis, SegmentRule};
    use beacon_core::{AgeBand, DistrictCode};
    use time::macros::datetime;

    fn member(id: i64, district: &str, ward: &str, age: AgeBand) -> Reachable {
        Reachable {
            contact_id: id,
            attributes: ContactAttributes {
                kind: Some(ContactKind::Resident),
                district: Some(district.parse::<DistrictCode>().expect("code")),
                ward: Some(ward.to_owned()),
                age_band: Some(age),
                ..ContactAttributes::default()
            },
            address: format!("c{id}@example.org"),
        }
    }

    fn campaign(control: Option<&str>) -> CampaignRecord {
        CampaignRecord {
            id: 7,
            name: "Courier fraud trial".to_owned(),
            advice_slug: "courier-fraud".to_owned(),
            advice_version: None,
            channel: Channel::Email,
            basis: LawfulBasis::PublicTask,
            segment: SegmentRule::default(),
            starts_at: datetime!(2025-03-03 09:00 UTC),
            evaluated: true,
            state: CampaignState::Draft,
            created_by: "coordinator".to_owned(),
            created_at: datetime!(2025-03-01 09:00 UTC),
            launched_at: None,
            finished_at: None,
            plan: None,
            control_advice_slug: control.map(str::to_owned),
            control_advice_version: None,
        }
    }

    fn members() -> Vec<Reachable> {
        (1..=200)
            .map(|id| {
                let district = if id % 2 == 0 {
                    "E07000129"
                } else {
                    "E07000130"
                };
                let age = if id % 3 == 0 {
                    AgeBand::Seventies
                } else {
                    AgeBand::Forties
                };
                member(id, district, &format!("W{}", id % 10), age)
            })
            .collect()
    }

    fn trial(cluster_by: Option<ClusterBy>) -> Allocating {
        Allocating {
            arms: vec![ArmSpec::new(CONTROL_ARM, 1), ArmSpec::new("letter", 1)],
            cluster_by,
            strata: vec!["district".to_owned(), "age_band".to_owned()],
            seed: 20_250_303,
        }
    }

    #[test]
    fn a_campaign_that_is_not_a_trial_puts_everyone_in_one_arm() {
        let allocated = allocate(&members(), None).expect("allocated");
        assert!(allocated.iter().all(|(arm, _, _)| arm == ALL_ARM));
    }

    #[test]
    fn a_trial_is_reproducible_and_balanced_within_each_stratum() {
        let first = allocate(&members(), Some(&trial(None))).expect("allocated");
        let again = allocate(&members(), Some(&trial(None))).expect("again");
        assert_eq!(first, again);
        let mut by_stratum: BTreeMap<&str, [i64; 2]> = BTreeMap::new();
        for (arm, stratum, _) in &first {
            let counts = by_stratum.entry(stratum.as_str()).or_default();
            counts[usize::from(arm != CONTROL_ARM)] += 1;
        }
        assert_eq!(by_stratum.len(), 4);
        for counts in by_stratum.values() {
            assert!((counts[0] - counts[1]).abs() <= 1, "{counts:?}");
        }
        assert!(first[0].1.starts_with("E0700013"));
    }

    #[test]
    fn a_cluster_trial_gives_a_whole_ward_one_arm() {
        let people = members();
        let allocated = allocate(&people, Some(&trial(Some(ClusterBy::Ward)))).expect("ok");
        let mut arm_of_ward: BTreeMap<String, String> = BTreeMap::new();
        for (arm, _, cluster) in allocated {
            let ward = cluster.expect("a ward");
            let first = arm_of_ward.entry(ward).or_insert_with(|| arm.clone());
            assert_eq!(*first, arm);
        }
        assert_eq!(arm_of_ward.len(), 10);
    }

    #[test]
    fn a_held_back_control_arm_gets_a_token_but_no_message() {
        let people = members();
        let allocated = allocate(&people, Some(&trial(None))).expect("allocated");
        let mut n = 0;
        let mut token = || {
            n += 1;
            format!("token{n}")
        };
        let held = recipients(&campaign(None), &people, allocated.clone(), &mut token);
        assert_eq!(held.len(), 200);
        for recipient in &held {
            assert_eq!(recipient.message.is_none(), recipient.arm == CONTROL_ARM);
        }
        let usual = recipients(
            &campaign(Some("courier-general")),
            &people,
            allocated,
            &mut token,
        );
        assert!(usual.iter().all(|recipient| recipient.message.is_some()));
        let message = usual[0].message.as_ref().expect("message");
        assert_eq!(message.dedupe_key, "campaign:7:contact:1");
        assert_eq!(message.not_before, Some(datetime!(2025-03-03 09:00 UTC)));
        let MessageContent::Template { name, data } = &message.content else {
            panic!("a template");
        };
        assert_eq!(campaign_of_template(name), Some(7));
        assert_eq!(data.get("token").map(String::as_str), Some("token201"));
    }

    #[test]
    fn link_tokens_are_short_and_differ() {
        let a = new_link_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_link_token());
    }

    #[test]
    fn a_launch_draws_the_reachable_segment_once_and_pins_the_advice() {
        use beacon_store::contacts::{NewContact, SuppressionReason};
        let Some(database) =
            beacon_testing::TestDatabase::fresh(beacon_store::Backend::Sqlite, "app_launch")
        else {
            return;
        };
        let mut store = database.open();
        let store = store.as_mut();
        let now = datetime!(2025-03-01 09:00 UTC);
        crate::advice::load_shipped(store, "coordinator", now).expect("library");
        let contacts: Vec<NewContact> = (1..=30)
            .map(|n| NewContact {
                reference: format!("R{n}"),
                attributes: members()[n - 1].attributes.clone(),
                email: (n <= 25).then(|| format!("person{n}@example.org")),
                mobile: None,
                consents: vec![beacon_core::protect::ConsentEvidence {
                    channel: Channel::Email,
                    basis: LawfulBasis::PublicTask,
                    given_at: now,
                    how: "service sign-up".to_owned(),
                    wording: "We will send you advice on scams".to_owned(),
                    withdrawn_at: None,
                }],
                purge_after: None,
            })
            .collect();
        store.import_contacts(&contacts, now).expect("imported");
        store
            .suppress(
                Channel::Email,
                "Person3@Example.org",
                SuppressionReason::Unsubscribe,
                "test",
                now,
            )
            .expect("suppressed");
        let draft = beacon_store::NewCampaign {
            name: "Courier fraud".to_owned(),
            advice_slug: "courier-fraud-older-residents".to_owned(),
            channel: Channel::Email,
            basis: LawfulBasis::PublicTask,
            segment: SegmentRule::default(),
            starts_at: now,
            evaluated: false,
            control_advice_slug: None,
            created_by: "coordinator".to_owned(),
            created_at: now,
        };
        let id = store.create_campaign(&draft).expect("draft");
        let settings = LaunchSettings {
            message_domain: "beacon.test".to_owned(),
            social_accounts: Vec::new(),
        };
        let launched = launch(store, id, &settings, "coordinator", now).expect("launched");
        // 30 contacts: 5 without an email address, 1 suppressed.
        assert_eq!(launched.recipients, 24);
        assert_eq!(launched.queued, 24);
        assert_eq!(launched.arms.get(ALL_ARM), Some(&24));
        let stored = store.campaign(id).expect("read").expect("found");
        assert_eq!(stored.advice_version, Some(launched.advice_version));
        assert!(launch(store, id, &settings, "coordinator", now).is_err());

        let mut missing = draft.clone();
        missing.advice_slug = "no-such-advice".to_owned();
        let other = store.create_campaign(&missing).expect("draft");
        let refused = launch(store, other, &settings, "coordinator", now);
        assert!(
            matches!(&refused, Err(CampaignError::Invalid(p)) if p[0].contains("no advice item")),
            "{refused:?}"
        );
    }
}
