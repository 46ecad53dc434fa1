//! Protect campaigns end to end on SQLite and PostgreSQL: launched to the reachable
//! segment, written out for each recipient as the outbox sends them on every channel
//! (email with one-click unsubscribe, text message, social post), and never sent to an
//! address suppressed after its message was queued.

use beacon_app::advice::load_shipped;
use beacon_app::campaigns::launch::{LaunchSettings, launch};
use beacon_app::notify::{NotifySettings, deliver};
use beacon_core::protect::RecipientStatus;
use beacon_core::protect::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, SegmentRule,
};
use beacon_core::{AgeBand, Channel};
use beacon_notify::{OutgoingMessage, SendError, Transport};
use beacon_store::contacts::{NewContact, SuppressionReason};
use beacon_store::{Backend, NewCampaign, Store};
use std::cell::RefCell;
use time::OffsetDateTime;
use time::macros::datetime;

const AT: OffsetDateTime = datetime!(2025-03-03 09:00 UTC);

/// A transport that keeps what it is given.
struct Capture {
    channel: Channel,
    sent: RefCell<Vec<OutgoingMessage>>,
}

impl Capture {
    fn new(channel: Channel) -> Capture {
        Capture {
            channel,
            sent: RefCell::new(Vec::new()),
        }
    }
}

impl Transport for Capture {
    fn channel(&self) -> Channel {
        self.channel
    }
    fn send(&self, message: &OutgoingMessage) -> Result<(), SendError> {
        self.sent.borrow_mut().push(message.clone());
        Ok(())
    }
}

fn stores() -> Vec<(beacon_testing::TestDatabase, Box<dyn Store>)> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter_map(|backend| beacon_testing::TestDatabase::fresh(backend, "app_campaigns"))
        .map(|database| {
            let store = database.open();
            (database, store)
        })
        .collect()
}

fn contact(n: u32) -> NewContact {
    let evidence = |channel| ConsentEvidence {
        channel,
        basis: LawfulBasis::PublicTask,
        given_at: AT - time::Duration::days(30),
        how: "scam-awareness talk sign-up sheet".to_owned(),
        wording: "Send me advice on scams".to_owned(),
        withdrawn_at: None,
    };
    NewContact {
        reference: format!("C{n}"),
        attributes: ContactAttributes {
            kind: Some(ContactKind::Resident),
            district: Some("E07000133".parse().expect("code")),
            age_band: Some(AgeBand::EightyPlus),
            ..ContactAttributes::default()
        },
        email: Some(format!("resident{n}@example.org")),
        mobile: Some(format!("0770090{n:04}")),
        consents: vec![evidence(Channel::Email), evidence(Channel::Sms)],
        purge_after: None,
    }
}

fn campaign(channel: Channel) -> NewCampaign {
    NewCampaign {
        name: format!("Courier fraud by {}", channel.as_str()),
        advice_slug: "courier-fraud-older-residents".to_owned(),
        channel,
        basis: LawfulBasis::PublicTask,
        segment: SegmentRule {
            age_bands: [AgeBand::EightyPlus].into(),
            ..SegmentRule::default()
        },
        starts_at: AT,
        evaluated: false,
        control_advice_slug: None,
        created_by: "coordinator".to_owned(),
        created_at: AT,
    }
}

fn settings() -> NotifySettings {
    NotifySettings {
        base_url: Some("https://beacon.example".to_owned()),
        ..NotifySettings::default()
    }
}

fn launch_settings() -> LaunchSettings {
    LaunchSettings {
        message_domain: "beacon.test".to_owned(),
        social_accounts: vec!["@LeicsCyberAware".to_owned()],
    }
}

#[test]
fn every_channel_writes_each_recipient_their_own_message_and_skips_the_suppressed() {
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        load_shipped(store, "coordinator", AT).expect("library");
        store
            .import_contacts(&(1..=5).map(contact).collect::<Vec<_>>(), AT)
            .expect("contacts");

        let mut ids = Vec::new();
        for channel in [Channel::Email, Channel::Sms, Channel::Social] {
            let id = store.create_campaign(&campaign(channel)).expect("draft");
            launch(store, id, &launch_settings(), "coordinator", AT).expect("launched");
            ids.push(id);
        }
        // Suppressed after the messages were queued: still never sent.
        store
            .suppress(
                Channel::Email,
                "RESIDENT2@example.org",
                SuppressionReason::Unsubscribe,
                "test",
                AT,
            )
            .expect("suppress");
        store
            .suppress(
                Channel::Sms,
                "+447700900003",
                SuppressionReason::Stop,
                "test",
                AT,
            )
            .expect("suppress");

        let email = Capture::new(Channel::Email);
        let sms = Capture::new(Channel::Sms);
        let social = Capture::new(Channel::Social);
        let report =
            deliver(store, &[&email, &sms, &social], None, AT, &settings()).expect("delivered");
        assert_eq!(report.sent, 4 + 4 + 1, "{report:?}");

        let emails = email.sent.borrow();
        assert_eq!(emails.len(), 4);
        assert!(emails.iter().all(|m| m.to != "resident2@example.org"));
        let first = &emails[0];
        assert!(!first.subject.is_empty());
        let unsubscribe = first.unsubscribe.as_ref().expect("one-click unsubscribe");
        assert!(unsubscribe.url.starts_with("https://beacon.example/p/"));
        assert!(unsubscribe.url.ends_with("/unsubscribe"));
        assert!(first.html.contains("https://beacon.example/p/"));
        assert!(first.text.contains("/survey"));
        let links: std::collections::BTreeSet<&str> = emails
            .iter()
            .map(|m| m.unsubscribe.as_ref().map_or("", |u| u.url.as_str()))
            .collect();
        assert_eq!(links.len(), 4, "each recipient has their own link");

        let texts = sms.sent.borrow();
        assert_eq!(texts.len(), 4);
        assert!(texts.iter().all(|m| m.to != "+447700900003"));
        assert!(texts[0].text.ends_with("Reply STOP to opt out"));
        assert!(texts[0].text.contains("https://beacon.example/p/"));

        let posts = social.sent.borrow();
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].to, "@LeicsCyberAware");
        assert!(
            posts[0]
                .text
                .ends_with("https://beacon.example/advice/courier-fraud-older-residents")
        );
        assert!(posts[0].social.is_some());

        let figures = store.campaign_arm_figures(ids[0]).expect("figures");
        assert_eq!(figures[0].with_status(RecipientStatus::Sent), 4);
        assert_eq!(figures[0].with_status(RecipientStatus::Suppressed), 1);
        // A second run sends nothing again.
        let again = deliver(store, &[&email, &sms, &social], None, AT, &settings()).expect("again");
        assert_eq!(again.sent, 0);
    }
}

#[test]
fn a_campaign_without_the_web_address_is_given_up_with_the_reason() {
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        load_shipped(store, "coordinator", AT).expect("library");
        store.import_contacts(&[contact(1)], AT).expect("contacts");
        let id = store
            .create_campaign(&campaign(Channel::Email))
            .expect("draft");
        launch(store, id, &launch_settings(), "coordinator", AT).expect("launched");
        let email = Capture::new(Channel::Email);
        let report = deliver(store, &[&email], None, AT, &NotifySettings::default()).expect("run");
        assert_eq!(report.sent, 0);
        assert_eq!(report.given_up, 1);
        let figures = store.campaign_arm_figures(id).expect("figures");
        assert_eq!(figures[0].with_status(RecipientStatus::Failed), 1);
    }
}

#[test]
fn gateway_receipts_mark_delivery_and_a_stop_reply_suppresses_the_number() {
    use beacon_app::campaigns::receipts::{CallbackOutcome, record_receipt, record_received_text};
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        load_shipped(store, "coordinator", AT).expect("library");
        store
            .import_contacts(&(1..=2).map(contact).collect::<Vec<_>>(), AT)
            .expect("contacts");
        let id = store
            .create_campaign(&campaign(Channel::Sms))
            .expect("draft");
        launch(store, id, &launch_settings(), "coordinator", AT).expect("launched");
        let sms = Capture::new(Channel::Sms);
        deliver(store, &[&sms], None, AT, &settings()).expect("sent");
        let sent = sms.sent.borrow().clone();
        assert_eq!(sent.len(), 2);
        let receipt = |reference: &str, status: &str| {
            beacon_notify::parse_delivery_receipt(
                serde_json::json!({
                    "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
                    "reference": reference,
                    "to": "+447700900001",
                    "status": status,
                    "created_at": "2025-03-03T09:00:00Z",
                    "completed_at": "2025-03-03T09:01:00Z",
                    "sent_at": "2025-03-03T09:00:30Z",
                    "notification_type": "sms"
                })
                .to_string()
                .as_bytes(),
            )
            .expect("a receipt")
        };
        assert_eq!(
            record_receipt(store, &receipt(&sent[0].message_id, "delivered")).expect("ok"),
            CallbackOutcome::Recorded
        );
        assert_eq!(
            record_receipt(store, &receipt(&sent[1].message_id, "permanent-failure")).expect("ok"),
            CallbackOutcome::Recorded
        );
        assert_eq!(
            record_receipt(store, &receipt("someone-elses", "delivered")).expect("ok"),
            CallbackOutcome::Ignored
        );
        let figures = store.campaign_arm_figures(id).expect("figures");
        assert_eq!(figures[0].with_status(RecipientStatus::Delivered), 1);
        assert_eq!(figures[0].with_status(RecipientStatus::Bounced), 1);

        let reply = |message: &str| {
            beacon_notify::parse_received_text(
                serde_json::json!({
                    "id": "b51f138b-f1cf-4b9c-9a4f-0f7a1b3a5b2e",
                    "source_number": "07700900001",
                    "destination_number": "07700900000",
                    "message": message,
                    "date_received": "2025-03-03T10:00:00Z"
                })
                .to_string()
                .as_bytes(),
            )
            .expect("a text")
        };
        assert_eq!(
            record_received_text(store, &reply("thanks"), AT).expect("ok"),
            CallbackOutcome::Ignored
        );
        assert_eq!(
            record_received_text(store, &reply(" Stop "), AT).expect("ok"),
            CallbackOutcome::Suppressed
        );
        assert!(
            store
                .is_suppressed(Channel::Sms, "+447700900001")
                .expect("read")
        );
        assert!(
            !store
                .is_suppressed(Channel::Email, "resident1@example.org")
                .expect("read")
        );
    }
}
