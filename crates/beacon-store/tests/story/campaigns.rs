//! Protect campaigns: drafts changed until their plan is locked, a plan locked once, an
//! evaluated trial refused launch until then, a launch that writes every recipient and
//! message or nothing (and only once), recipients found by their token and by their
//! message's Message-ID, one survey answer each, and figures per arm and cluster whose
//! statuses come from the outbox and the channel's later word.

use super::*;
use beacon_core::Channel;
use beacon_core::Tlp;
use beacon_core::protect::{LawfulBasis, RecipientStatus, SegmentRule};
use beacon_store::{
    AdviceVersions, CampaignEventKind, CampaignState, LaunchOutcome, LockedPlanRecord,
    MessageContent, MessageDetail, MessageKind, NewCampaign, NewCampaignEvent,
    NewCampaignRecipient, NewMessage,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::macros::datetime;

stories!(with_store =>
    a_draft_changes_until_its_plan_is_locked_and_the_first_lock_is_kept,
    an_evaluated_trial_launches_only_once_its_plan_is_locked,
    a_launch_writes_every_recipient_and_message_once,
    a_launch_with_any_refused_recipient_stores_nothing,
    recipients_are_found_by_token_and_by_message_id_and_answer_once,
    figures_per_arm_derive_status_from_the_outbox_and_the_channel,
    cluster_figures_count_each_cluster_of_each_arm,
    a_control_arm_with_the_usual_message_is_led_to_it,
);

const AT: OffsetDateTime = datetime!(2025-03-03 09:00 UTC);

fn draft(name: &str, evaluated: bool) -> NewCampaign {
    NewCampaign {
        name: name.to_owned(),
        advice_slug: "courier-fraud-older-residents".to_owned(),
        channel: Channel::Email,
        basis: LawfulBasis::PublicTask,
        segment: SegmentRule::default(),
        starts_at: AT,
        evaluated,
        control_advice_slug: None,
        created_by: "coordinator".to_owned(),
        created_at: AT,
    }
}

fn plan(json: &str) -> LockedPlanRecord {
    LockedPlanRecord {
        json: json.to_owned(),
        fingerprint: hash(json),
        locked_by: "coordinator".to_owned(),
        locked_at: AT,
    }
}

fn hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn message(campaign: i64, contact: i64, address: &str) -> NewMessage {
    NewMessage {
        kind: MessageKind::Campaign,
        channel: Channel::Email,
        organisation_id: None,
        recipient: address.to_owned(),
        recipient_kind: "contact".to_owned(),
        content: MessageContent::Template {
            name: format!("campaign:{campaign}"),
            data: BTreeMap::from([("token".to_owned(), format!("t{contact}"))]),
        },
        tlp: Tlp::Clear,
        dedupe_key: format!("campaign:{campaign}:{contact}"),
        ack_wanted: false,
        detail: MessageDetail::None,
        not_before: Some(AT),
    }
}

fn recipient(campaign: i64, contact: i64, arm: &str, sent: bool) -> NewCampaignRecipient {
    NewCampaignRecipient {
        contact_id: Some(contact),
        arm: arm.to_owned(),
        stratum: "E07000133".to_owned(),
        cluster: Some(if contact % 2 == 0 { "W1" } else { "W2" }.to_owned()),
        district: Some("E07000133".to_owned()),
        token_hash: hash(&format!("token-{campaign}-{contact}")),
        message: sent.then(|| message(campaign, contact, &format!("c{contact}@example.org"))),
    }
}

fn a_draft_changes_until_its_plan_is_locked_and_the_first_lock_is_kept(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Spring", true))
        .expect("created");
    let mut changed = draft("Spring trial", true);
    changed.channel = Channel::Sms;
    changed.segment.sole_trader = Some(true);
    assert!(store.update_campaign(id, &changed).expect("updated"));
    let stored = store.campaign(id).expect("read").expect("found");
    assert_eq!(stored.name, "Spring trial");
    assert_eq!(stored.channel, Channel::Sms);
    assert_eq!(stored.segment.sole_trader, Some(true));
    assert_eq!(stored.state, CampaignState::Draft);
    assert_eq!(stored.plan, None);

    assert!(store.lock_plan(id, &plan("{\"a\":1}")).expect("locked"));
    assert!(
        !store
            .lock_plan(id, &plan("{\"a\":2}"))
            .expect("second lock")
    );
    assert!(
        !store
            .update_campaign(id, &draft("Changed after lock", true))
            .expect("refused")
    );
    let stored = store.campaign(id).expect("read").expect("found");
    assert_eq!(stored.name, "Spring trial");
    let locked = stored.plan.expect("plan kept");
    assert_eq!(locked.json, "{\"a\":1}");
    assert_eq!(locked.fingerprint, hash("{\"a\":1}"));
    assert_eq!(locked.locked_at, AT);

    let plain = store
        .create_campaign(&draft("Plain", false))
        .expect("created");
    assert!(!store.lock_plan(plain, &plan("{}")).expect("not evaluated"));
    assert_eq!(store.campaigns().expect("listed")[0].id, plain);
    assert_eq!(store.campaign(9_999).expect("read"), None);
}

fn an_evaluated_trial_launches_only_once_its_plan_is_locked(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Trial", true))
        .expect("created");
    let recipients = [
        recipient(id, 1, "control", false),
        recipient(id, 2, "message", true),
    ];
    assert_eq!(
        store
            .launch_campaign(id, versions(3), &recipients, AT, "beacon.test")
            .expect("refused"),
        LaunchOutcome::PlanNotLocked
    );
    assert_eq!(store.campaign_arm_figures(id).expect("figures"), vec![]);
    assert!(store.lock_plan(id, &plan("{}")).expect("locked"));
    assert_eq!(
        store
            .launch_campaign(id, versions(3), &recipients, AT, "beacon.test")
            .expect("launched"),
        LaunchOutcome::Launched {
            recipients: 2,
            queued: 1
        }
    );
    assert!(matches!(
        store.launch_campaign(9_999, versions(1), &[], AT, "beacon.test"),
        Err(StoreError::NotFound { .. })
    ));
}

fn a_launch_writes_every_recipient_and_message_once(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Launch", false))
        .expect("created");
    let recipients: Vec<_> = (1..=3).map(|c| recipient(id, c, "all", true)).collect();
    let outcome = store
        .launch_campaign(id, versions(4), &recipients, AT, "beacon.test")
        .expect("launched");
    assert_eq!(
        outcome,
        LaunchOutcome::Launched {
            recipients: 3,
            queued: 3
        }
    );
    let stored = store.campaign(id).expect("read").expect("found");
    assert_eq!(stored.state, CampaignState::Launched);
    assert_eq!(stored.advice_version, Some(4));
    assert_eq!(stored.launched_at, Some(AT));
    assert_eq!(
        store
            .launch_campaign(id, versions(5), &recipients, AT, "beacon.test")
            .expect("again"),
        LaunchOutcome::AlreadyLaunched
    );
    let queued = store
        .messages(Some(MessageKind::Campaign), 100)
        .expect("messages");
    assert_eq!(queued.len(), 3);
    assert!(
        !store
            .update_campaign(id, &draft("Too late", false))
            .expect("refused")
    );
    assert!(store.finish_campaign(id, AT).expect("finished"));
    assert!(!store.finish_campaign(id, AT).expect("once"));
    assert_eq!(
        store
            .launch_campaign(id, versions(5), &recipients, AT, "beacon.test")
            .expect("finished"),
        LaunchOutcome::Finished
    );
}

fn a_launch_with_any_refused_recipient_stores_nothing(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Refused", false))
        .expect("created");
    let mut twice = vec![recipient(id, 1, "all", true), recipient(id, 2, "all", true)];
    twice[1].token_hash = twice[0].token_hash.clone();
    let mut no_contact = vec![recipient(id, 1, "all", true)];
    no_contact[0].contact_id = None;
    let mut wrong_kind = vec![recipient(id, 1, "all", true)];
    if let Some(message) = wrong_kind[0].message.as_mut() {
        message.kind = MessageKind::Notice;
    }
    for refused in [twice, no_contact, wrong_kind] {
        assert!(matches!(
            store.launch_campaign(id, versions(1), &refused, AT, "beacon.test"),
            Err(StoreError::Corrupt(_))
        ));
    }
    let stored = store.campaign(id).expect("read").expect("found");
    assert_eq!(stored.state, CampaignState::Draft);
    assert_eq!(store.campaign_arm_figures(id).expect("figures"), vec![]);
    assert!(
        store
            .messages(Some(MessageKind::Campaign), 10)
            .expect("messages")
            .is_empty()
    );
}

fn recipients_are_found_by_token_and_by_message_id_and_answer_once(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Found", false))
        .expect("created");
    let ann = recipient(id, 7, "all", true);
    store
        .launch_campaign(
            id,
            versions(1),
            std::slice::from_ref(&ann),
            AT,
            "beacon.test",
        )
        .expect("launched");
    let found = store
        .campaign_recipient_by_token(&ann.token_hash)
        .expect("read")
        .expect("found");
    assert_eq!(found.campaign_id, id);
    assert_eq!(found.arm, "all");
    assert_eq!(found.advice_slug, "courier-fraud-older-residents");
    assert_eq!(found.campaign_state, CampaignState::Launched);
    assert!(!found.surveyed);
    let message = store
        .message(found.message_id.expect("a message"))
        .expect("read")
        .expect("its message");
    assert_eq!(message.recipient, "c7@example.org");
    let by_message = store
        .campaign_recipient_by_message_id(&message.message_id)
        .expect("read")
        .expect("found by Message-ID");
    assert_eq!(by_message.id, found.id);
    assert_eq!(
        store
            .campaign_recipient_by_token(&hash("nope"))
            .expect("read"),
        None
    );

    let answer = |detail: &str| NewCampaignEvent {
        recipient_id: found.id,
        kind: CampaignEventKind::Survey,
        at: AT,
        detail: Some(detail.to_owned()),
    };
    assert!(
        store
            .record_campaign_event(&answer("yes"))
            .expect("answered")
    );
    assert!(!store.record_campaign_event(&answer("no")).expect("once"));
    assert!(
        store
            .campaign_recipient_by_token(&ann.token_hash)
            .expect("read")
            .expect("found")
            .surveyed
    );
    let figures = store.campaign_arm_figures(id).expect("figures");
    assert_eq!((figures[0].surveyed, figures[0].acted), (1, 1));
    assert!(matches!(
        store.record_campaign_event(&NewCampaignEvent {
            recipient_id: 9_999,
            ..answer("yes")
        }),
        Err(StoreError::NotFound { .. })
    ));
}

fn figures_per_arm_derive_status_from_the_outbox_and_the_channel(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Figures", false))
        .expect("created");
    let recipients: Vec<_> = (1..=6)
        .map(|c| recipient(id, c, "message", true))
        .chain((7..=8).map(|c| recipient(id, c, "control", false)))
        .collect();
    store
        .launch_campaign(id, versions(1), &recipients, AT, "beacon.test")
        .expect("launched");
    let claimed = store
        .claim_due(&[Channel::Email], AT, time::Duration::minutes(5), 100)
        .expect("claimed");
    assert_eq!(claimed.len(), 6);
    let by_address: BTreeMap<String, i64> = claimed
        .iter()
        .map(|m| (m.recipient.clone(), m.id))
        .collect();
    // c1 sent then delivered, c2 sent then bounced, c3 sent and unsubscribed, c4
    // suppressed at send time, c5 given up, c6 still queued (a retry).
    for address in ["c1@example.org", "c2@example.org", "c3@example.org"] {
        store
            .outbox_record_sent(by_address[address], AT)
            .expect("sent");
    }
    store
        .outbox_record_failure(
            by_address["c4@example.org"],
            "not sent: the address is on the suppression list",
            None,
        )
        .expect("suppressed");
    store
        .outbox_record_failure(by_address["c5@example.org"], "550 no such user", None)
        .expect("given up");
    store
        .outbox_record_failure(by_address["c6@example.org"], "421 busy", Some(AT))
        .expect("retrying");
    let event = |contact: i64, kind: CampaignEventKind| {
        let token = hash(&format!("token-{id}-{contact}"));
        (token, kind)
    };
    for (token, kind) in [
        event(1, CampaignEventKind::Delivered),
        event(1, CampaignEventKind::Click),
        event(1, CampaignEventKind::ScannerClick),
        event(2, CampaignEventKind::ScannerClick),
        event(2, CampaignEventKind::ScannerClick),
        event(2, CampaignEventKind::Delivered),
        event(2, CampaignEventKind::Bounced),
        event(3, CampaignEventKind::Open),
        event(3, CampaignEventKind::Unsubscribed),
    ] {
        let found = store
            .campaign_recipient_by_token(&token)
            .expect("read")
            .expect("found");
        store
            .record_campaign_event(&NewCampaignEvent {
                recipient_id: found.id,
                kind,
                at: AT,
                detail: None,
            })
            .expect("recorded");
    }
    let figures = store.campaign_arm_figures(id).expect("figures");
    assert_eq!(
        figures.iter().map(|f| f.arm.as_str()).collect::<Vec<_>>(),
        ["control", "message"]
    );
    let control = &figures[0];
    assert_eq!((control.recipients, control.held_back), (2, 2));
    assert!(control.by_status.is_empty());
    let sent = &figures[1];
    assert_eq!(sent.recipients, 6);
    assert_eq!(sent.held_back, 0);
    for (status, count) in [
        (RecipientStatus::Delivered, 1),
        (RecipientStatus::Bounced, 1),
        (RecipientStatus::Unsubscribed, 1),
        (RecipientStatus::Suppressed, 1),
        (RecipientStatus::Failed, 1),
        (RecipientStatus::Queued, 1),
        (RecipientStatus::Sent, 0),
    ] {
        assert_eq!(sent.with_status(status), count, "{status:?}");
    }
    assert_eq!(sent.clicked, 1, "scanner fetches are not clicks");
    assert_eq!(sent.scanner_clicks, 3);
    assert_eq!(sent.opened, 1);
}

fn cluster_figures_count_each_cluster_of_each_arm(store: &mut dyn Store) {
    let id = store
        .create_campaign(&draft("Clusters", false))
        .expect("created");
    let recipients: Vec<_> = (1..=4)
        .map(|c| recipient(id, c, "message", true))
        .chain((5..=7).map(|c| recipient(id, c, "control", true)))
        .collect();
    store
        .launch_campaign(id, versions(1), &recipients, AT, "beacon.test")
        .expect("launched");
    for contact in [2, 4, 5] {
        let found = store
            .campaign_recipient_by_token(&hash(&format!("token-{id}-{contact}")))
            .expect("read")
            .expect("found");
        for _ in 0..2 {
            store
                .record_campaign_event(&NewCampaignEvent {
                    recipient_id: found.id,
                    kind: CampaignEventKind::Click,
                    at: AT,
                    detail: None,
                })
                .expect("clicked");
        }
    }
    let clusters = store.campaign_cluster_figures(id).expect("clusters");
    let rows: Vec<(&str, &str, u64, u64)> = clusters
        .iter()
        .map(|c| (c.arm.as_str(), c.cluster.as_str(), c.recipients, c.clicked))
        .collect();
    assert_eq!(
        rows,
        [
            ("control", "W1", 1, 0),
            ("control", "W2", 2, 1),
            ("message", "W1", 2, 2),
            ("message", "W2", 2, 0),
        ]
    );
    // The balance table's counts: by arm, stratum and district, clicks or not.
    let strata = store.campaign_stratum_figures(id).expect("strata");
    let rows: Vec<(&str, &str, Option<&str>, u64)> = strata
        .iter()
        .map(|s| {
            (
                s.arm.as_str(),
                s.stratum.as_str(),
                s.district.as_deref(),
                s.recipients,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("control", "E07000133", Some("E07000133"), 3),
            ("message", "E07000133", Some("E07000133"), 4),
        ]
    );
    assert_eq!(store.campaign_stratum_figures(id + 1000).expect("none"), []);
}

/// The advice versions a launch pins: the campaign's item at `advice`, no control item.
fn versions(advice: i64) -> AdviceVersions {
    AdviceVersions {
        advice,
        control: None,
    }
}

fn a_control_arm_with_the_usual_message_is_led_to_it(store: &mut dyn Store) {
    let mut trial = draft("New wording against the usual", false);
    trial.control_advice_slug = Some("courier-fraud-general".to_owned());
    let id = store.create_campaign(&trial).expect("created");
    let recipients = vec![
        recipient(id, 1, "control", true),
        recipient(id, 2, "letter", true),
    ];
    let versions = AdviceVersions {
        advice: 2,
        control: Some(7),
    };
    store
        .launch_campaign(id, versions, &recipients, AT, "beacon.test")
        .expect("launched");
    let stored = store.campaign(id).expect("read").expect("found");
    assert_eq!(
        stored.control_advice_slug.as_deref(),
        Some("courier-fraud-general")
    );
    assert_eq!(stored.control_advice_version, Some(7));
    assert_eq!(stored.advice_version, Some(2));
    let control = store
        .campaign_recipient_by_token(&hash(&format!("token-{id}-1")))
        .expect("read")
        .expect("found");
    assert_eq!(control.advice_slug, "courier-fraud-general");
    let letter = store
        .campaign_recipient_by_token(&hash(&format!("token-{id}-2")))
        .expect("read")
        .expect("found");
    assert_eq!(letter.advice_slug, "courier-fraud-older-residents");
}
