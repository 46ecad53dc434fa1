//! Staff education and phishing simulations: invitations counted and revoked only by their
//! own organisation, learners found by their token, attempts and certificates, consent
//! added, refreshed and withdrawn, simulations created once and all or nothing, and each
//! target's result with scanners counted apart from people. One partner never sees
//! another's.

use super::inventory::two_partners;
use super::*;
use beacon_core::Tlp;
use beacon_core::readiness::ClickVerdict;
use beacon_store::{
    Channel, MessageContent, MessageDetail, MessageKind, NewAttempt, NewInvitation, NewMessage,
    NewSimulation, NewSimulationEvent, NewSimulationRecipient, OutboxStatus, SimulationEventKind,
    TargetResult,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::macros::datetime;

stories!(with_store =>
    invitations_count_their_learners_and_are_revoked_only_by_their_organisation,
    a_learner_joins_through_an_open_invitation_and_is_found_by_their_token,
    attempts_are_recorded_in_order_and_certificates_found_by_code,
    consent_is_added_refreshed_and_withdrawn_by_address_in_any_case,
    a_simulation_is_created_once_by_key,
    a_simulation_with_any_refused_target_stores_nothing,
    a_target_is_found_by_its_link_token_and_learns_when_it_was_sent,
    results_count_scanners_apart_and_clicks_only_from_people,
    withdrawing_consent_gives_up_simulated_emails_not_yet_sent,
    one_organisation_never_sees_anothers_learning_or_simulations,
);

const CREATED: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);
const EXPIRES: OffsetDateTime = datetime!(2026-04-01 09:00 UTC);
const SEND_AT: OffsetDateTime = datetime!(2026-03-10 08:30 UTC);

/// A stand-in for the hex SHA-256 of a token: the store keeps it as given.
fn hash(seed: &str) -> String {
    format!("{seed:0>64}")
}

fn invitation(organisation_id: i64, seed: &str, created_at: OffsetDateTime) -> NewInvitation {
    NewInvitation {
        organisation_id,
        token_hash: hash(seed),
        created_by: "trainer".to_owned(),
        created_at,
        expires_at: EXPIRES,
    }
}

fn invite(store: &mut dyn Store, organisation_id: i64, seed: &str) -> i64 {
    store
        .create_invitation(&invitation(organisation_id, seed, CREATED))
        .expect("invitation created")
}

fn join(store: &mut dyn Store, invitation_id: i64, name: &str) -> i64 {
    store
        .join_learner(
            invitation_id,
            name,
            &hash(&format!("learner-{name}")),
            datetime!(2026-03-03 10:00 UTC),
        )
        .expect("joined")
        .id
}

fn attempt(learner_id: i64, at: OffsetDateTime, score: u32, code: Option<&str>) -> NewAttempt {
    NewAttempt {
        learner_id,
        module_id: "spotting-phishing".to_owned(),
        score,
        total: 5,
        passed: score >= 4,
        answers: vec![("sender".to_owned(), 1), ("link".to_owned(), 0)],
        at,
        certificate_code: code.map(str::to_owned),
    }
}

fn recipient(email: &str, evidence: &str) -> NewSimulationRecipient {
    NewSimulationRecipient {
        email: email.to_owned(),
        consented_at: datetime!(2026-03-01 12:00 UTC),
        consent_evidence: evidence.to_owned(),
    }
}

fn simulation(organisation_id: i64, key: &str) -> NewSimulation {
    NewSimulation {
        key: key.to_owned(),
        organisation_id,
        template_id: "parcel-redelivery".to_owned(),
        send_at: SEND_AT,
        created_by: "trainer".to_owned(),
        created_at: CREATED,
    }
}

/// The simulated email the caller composes for one recipient of one simulation.
fn simulated(organisation_id: i64, key: &str, email: &str) -> NewMessage {
    NewMessage {
        kind: MessageKind::Simulation,
        channel: Channel::Email,
        organisation_id: Some(organisation_id),
        recipient: email.to_owned(),
        recipient_kind: "simulation".to_owned(),
        content: MessageContent::Template {
            name: "parcel-redelivery".to_owned(),
            data: BTreeMap::from([("link".to_owned(), format!("https://beacon.test/s/{key}"))]),
        },
        tlp: Tlp::Clear,
        dedupe_key: format!("simulation:{key}:{email}"),
        ack_wanted: false,
        detail: MessageDetail::None,
        not_before: Some(SEND_AT),
    }
}

/// A target for `create_simulation`: recipient, link token hash, message.
fn target(
    organisation_id: i64,
    key: &str,
    recipient_id: i64,
    email: &str,
) -> (i64, String, NewMessage) {
    (
        recipient_id,
        hash(&format!("{key}-{email}")),
        simulated(organisation_id, key, email),
    )
}

/// Adds consenting recipients and returns their ids, in the order given.
fn consenting(store: &mut dyn Store, organisation_id: i64, emails: &[&str]) -> Vec<i64> {
    let recipients: Vec<_> = emails
        .iter()
        .map(|email| recipient(email, "ticked the opt-in box on the staff intranet"))
        .collect();
    store
        .add_simulation_recipients(organisation_id, &recipients)
        .expect("recipients added");
    let stored = store
        .simulation_recipients(Some(organisation_id))
        .expect("recipients read");
    emails
        .iter()
        .map(|email| {
            stored
                .iter()
                .find(|record| record.email.eq_ignore_ascii_case(email))
                .expect("recipient stored")
                .id
        })
        .collect()
}

fn simulation_messages(store: &mut dyn Store) -> usize {
    store
        .messages(Some(MessageKind::Simulation), 100)
        .expect("messages read")
        .len()
}

fn is_not_found(result: &Result<impl std::fmt::Debug, StoreError>, wanted: &str) -> bool {
    matches!(result, Err(StoreError::NotFound { what, .. }) if *what == wanted)
}

fn invitations_count_their_learners_and_are_revoked_only_by_their_organisation(
    store: &mut dyn Store,
) {
    let (council, harbour) = two_partners(store);
    let first = invite(store, council, "c1");
    let second = store
        .create_invitation(&invitation(harbour, "h1", datetime!(2026-03-02 10:00 UTC)))
        .expect("created");
    assert!(
        is_not_found(
            &store.create_invitation(&invitation(council + harbour + 100, "x", CREATED)),
            "organisation"
        ),
        "an unknown organisation is refused"
    );
    join(store, first, "Ann");
    join(store, first, "Bob");

    let all = store.invitations(None).expect("read");
    assert_eq!(
        all.iter().map(|record| record.id).collect::<Vec<_>>(),
        vec![second, first],
        "newest first"
    );
    let own = store.invitations(Some(council)).expect("read");
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].organisation, "City Council");
    assert_eq!(own[0].learners, 2);
    assert_eq!(own[0].created_by, "trainer");
    assert_eq!((own[0].created_at, own[0].expires_at), (CREATED, EXPIRES));
    assert_eq!(all[0].learners, 0);

    let found = store
        .invitation_by_token(&hash("c1"))
        .expect("read")
        .expect("found by token");
    assert_eq!(found, own[0]);
    assert!(found.is_open(datetime!(2026-03-05 00:00 UTC)));
    assert!(!found.is_open(EXPIRES));
    assert_eq!(store.invitation_by_token(&hash("zz")).expect("read"), None);

    let revoked_at = datetime!(2026-03-04 09:00 UTC);
    assert!(
        !store
            .revoke_invitation(first, Some(harbour), revoked_at)
            .expect("revoke"),
        "another organisation cannot revoke it"
    );
    assert_eq!(
        store.invitations(Some(council)).expect("read")[0].revoked_at,
        None
    );
    assert!(
        store
            .revoke_invitation(first, Some(council), revoked_at)
            .expect("revoke")
    );
    assert!(
        !store
            .revoke_invitation(first, None, datetime!(2026-03-05 09:00 UTC))
            .expect("revoke"),
        "the first revocation is kept"
    );
    let revoked = store.invitations(Some(council)).expect("read");
    assert_eq!(revoked[0].revoked_at, Some(revoked_at));
    assert!(!revoked[0].is_open(datetime!(2026-03-05 00:00 UTC)));
    assert_eq!(revoked[0].learners, 2, "learners keep their place");
    assert!(
        store
            .revoke_invitation(second, None, revoked_at)
            .expect("revoke"),
        "without an organisation, any invitation"
    );
    assert!(
        is_not_found(
            &store.join_learner(first, "Cat", &hash("cat"), datetime!(2026-03-05 00:00 UTC)),
            "open invitation"
        ),
        "nobody joins through a revoked invitation"
    );
}

fn a_learner_joins_through_an_open_invitation_and_is_found_by_their_token(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let invitation_id = invite(store, council, "c1");
    let joined_at = datetime!(2026-03-03 10:00 UTC);
    let learner = store
        .join_learner(invitation_id, "Ann Example", &hash("ann"), joined_at)
        .expect("joined");
    assert_eq!(learner.organisation_id, council);
    assert_eq!(learner.organisation, "City Council");
    assert_eq!(learner.display_name, "Ann Example");
    assert_eq!(learner.joined_at, joined_at);
    assert_eq!(
        store.learner_by_token(&hash("ann")).expect("read"),
        Some(learner)
    );
    assert_eq!(store.learner_by_token(&hash("bob")).expect("read"), None);

    assert!(
        is_not_found(
            &store.join_learner(invitation_id, "Late", &hash("late"), EXPIRES),
            "open invitation"
        ),
        "nobody joins once it has expired"
    );
    assert!(is_not_found(
        &store.join_learner(invitation_id + 100, "Lost", &hash("lost"), joined_at),
        "open invitation"
    ));
    assert_eq!(store.learner_by_token(&hash("late")).expect("read"), None);
    assert_eq!(store.invitations(None).expect("read")[0].learners, 1);
}

fn attempts_are_recorded_in_order_and_certificates_found_by_code(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let invitation_id = invite(store, council, "c1");
    let ann = join(store, invitation_id, "Ann");
    let bob = join(store, invitation_id, "Bob");
    let later = datetime!(2026-03-04 10:00 UTC);
    let earlier = datetime!(2026-03-04 09:00 UTC);
    let passed = store
        .record_attempt(&attempt(ann, later, 5, Some("CERT-ANN-1")))
        .expect("recorded");
    let failed = store
        .record_attempt(&attempt(ann, earlier, 2, None))
        .expect("recorded");
    let bobs = store
        .record_attempt(&attempt(bob, later, 4, Some("CERT-BOB-1")))
        .expect("recorded");
    assert!(
        matches!(
            store.record_attempt(&attempt(bob, later, 5, Some("CERT-ANN-1"))),
            Err(StoreError::Duplicate { name, .. }) if name == "CERT-ANN-1"
        ),
        "a certificate code is issued once"
    );
    assert!(is_not_found(
        &store.record_attempt(&attempt(bob + 100, later, 5, None)),
        "learner"
    ));

    let anns = store.attempts(None, Some(ann)).expect("read");
    assert_eq!(
        anns.iter().map(|record| record.id).collect::<Vec<_>>(),
        vec![failed, passed],
        "by time, then id"
    );
    assert_eq!(anns[0].score, 2);
    assert!(!anns[0].passed);
    assert_eq!(anns[0].certificate_code, None);
    assert_eq!(
        store
            .attempts(Some(council), None)
            .expect("read")
            .iter()
            .map(|record| record.id)
            .collect::<Vec<_>>(),
        vec![failed, passed, bobs]
    );

    let certificate = store
        .certificate("CERT-ANN-1")
        .expect("read")
        .expect("found");
    assert_eq!(certificate.id, passed);
    assert_eq!(certificate.learner_id, ann);
    assert_eq!(certificate.learner, "Ann");
    assert_eq!(certificate.organisation_id, council);
    assert_eq!(certificate.organisation, "City Council");
    assert_eq!(certificate.module_id, "spotting-phishing");
    assert_eq!((certificate.score, certificate.total), (5, 5));
    assert!(certificate.passed);
    assert_eq!(certificate.at, later);
    assert_eq!(certificate.certificate_code.as_deref(), Some("CERT-ANN-1"));
    assert_eq!(store.certificate("CERT-NONE").expect("read"), None);

    store
        .record_attempt(&attempt(bob, later, 1, Some("CERT-FAILED")))
        .expect("recorded");
    assert_eq!(
        store.certificate("CERT-FAILED").expect("read"),
        None,
        "only a passed attempt is a certificate"
    );
}

fn consent_is_added_refreshed_and_withdrawn_by_address_in_any_case(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    assert_eq!(
        store
            .add_simulation_recipients(
                council,
                &[
                    recipient("Ann@Council.example", "intranet opt-in"),
                    recipient("bob@council.example", "intranet opt-in"),
                ],
            )
            .expect("added"),
        2
    );
    let refreshed = NewSimulationRecipient {
        consented_at: datetime!(2026-03-05 12:00 UTC),
        ..recipient("ann@council.example", "said yes at the training day")
    };
    assert_eq!(
        store
            .add_simulation_recipients(council, std::slice::from_ref(&refreshed))
            .expect("refreshed"),
        0,
        "the same address in another case is the same recipient"
    );
    let stored = store.simulation_recipients(Some(council)).expect("read");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].email, "ann@council.example");
    assert_eq!(stored[0].consent_evidence, "said yes at the training day");
    assert_eq!(stored[0].consented_at, refreshed.consented_at);
    assert_eq!(stored[0].organisation_id, council);
    assert_eq!(stored[1].email, "bob@council.example");

    assert!(
        !store
            .withdraw_simulation_consent(harbour, "ann@council.example", CREATED)
            .expect("withdraw"),
        "another organisation cannot withdraw it"
    );
    let withdrawn_at = datetime!(2026-03-06 12:00 UTC);
    assert!(
        store
            .withdraw_simulation_consent(council, "ANN@council.example", withdrawn_at)
            .expect("withdraw")
    );
    assert!(
        !store
            .withdraw_simulation_consent(council, "ann@council.example", CREATED)
            .expect("withdraw"),
        "already withdrawn"
    );
    assert!(
        !store
            .withdraw_simulation_consent(council, "nobody@council.example", CREATED)
            .expect("withdraw")
    );
    let stored = store.simulation_recipients(Some(council)).expect("read");
    assert_eq!(stored[0].withdrawn_at, Some(withdrawn_at));
    assert_eq!(stored[1].withdrawn_at, None);

    assert_eq!(
        store
            .add_simulation_recipients(council, &[refreshed])
            .expect("consented again"),
        0
    );
    assert_eq!(
        store.simulation_recipients(Some(council)).expect("read")[0].withdrawn_at,
        None,
        "consenting again clears the withdrawal"
    );
    assert!(is_not_found(
        &store.add_simulation_recipients(council + harbour + 100, &[recipient("x@y.example", "")]),
        "organisation"
    ));
    assert_eq!(store.simulation_recipients(None).expect("read").len(), 2);
}

fn a_simulation_is_created_once_by_key(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let ids = consenting(
        store,
        council,
        &["ann@council.example", "bob@council.example"],
    );
    let targets = vec![
        target(council, "spring", ids[0], "ann@council.example"),
        target(council, "spring", ids[1], "bob@council.example"),
    ];
    let (id, created) = store
        .create_simulation(&simulation(council, "spring"), &targets, "beacon.test")
        .expect("created");
    assert!(created);
    assert_eq!(
        store
            .create_simulation(&simulation(council, "spring"), &targets, "beacon.test")
            .expect("again"),
        (id, false),
        "the same key stores nothing"
    );
    let simulations = store.simulations(None).expect("read");
    assert_eq!(simulations.len(), 1);
    let record = &simulations[0];
    assert_eq!(record.id, id);
    assert_eq!(record.key, "spring");
    assert_eq!(record.organisation_id, council);
    assert_eq!(record.organisation, "City Council");
    assert_eq!(record.template_id, "parcel-redelivery");
    assert_eq!(record.send_at, SEND_AT);
    assert_eq!(record.created_by, "trainer");
    assert_eq!(record.targets, 2);

    let messages = store
        .messages(Some(MessageKind::Simulation), 10)
        .expect("read");
    assert_eq!(messages.len(), 2, "one message per target, queued once");
    assert!(messages.iter().all(|message| {
        message.status == OutboxStatus::Pending
            && message.organisation_id == Some(council)
            && message.next_attempt_at == SEND_AT
    }));

    let (autumn, created) = store
        .create_simulation(
            &simulation(council, "autumn"),
            &[target(council, "autumn", ids[0], "ann@council.example")],
            "beacon.test",
        )
        .expect("created");
    assert!(created && autumn != id);
    assert_eq!(
        store
            .simulations(Some(council))
            .expect("read")
            .iter()
            .map(|record| (record.id, record.targets))
            .collect::<Vec<_>>(),
        vec![(autumn, 1), (id, 2)],
        "newest first"
    );
}

fn a_simulation_with_any_refused_target_stores_nothing(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let ids = consenting(
        store,
        council,
        &["ann@council.example", "bob@council.example"],
    );
    let theirs = consenting(store, harbour, &["cat@harbour.example"]);
    store
        .withdraw_simulation_consent(council, "bob@council.example", CREATED)
        .expect("withdrawn");
    let ann = target(council, "spring", ids[0], "ann@council.example");

    let withdrawn = store.create_simulation(
        &simulation(council, "spring"),
        &[
            ann.clone(),
            target(council, "spring", ids[1], "bob@council.example"),
        ],
        "beacon.test",
    );
    assert!(
        matches!(withdrawn, Err(StoreError::NotFound { what: "consenting simulation recipient", id }) if id == ids[1]),
        "{withdrawn:?}"
    );
    let elsewhere = store.create_simulation(
        &simulation(council, "spring"),
        &[
            ann.clone(),
            target(council, "spring", theirs[0], "cat@harbour.example"),
        ],
        "beacon.test",
    );
    assert!(
        is_not_found(&elsewhere, "consenting simulation recipient"),
        "another organisation's recipient: {elsewhere:?}"
    );
    let (recipient_id, token, mut message) = ann.clone();
    message.recipient = "someone.else@council.example".to_owned();
    let misaddressed = store.create_simulation(
        &simulation(council, "spring"),
        &[(recipient_id, token, message)],
        "beacon.test",
    );
    assert!(
        is_not_found(&misaddressed, "consenting simulation recipient"),
        "a message to another address: {misaddressed:?}"
    );
    let (recipient_id, token, mut message) = ann.clone();
    message.kind = MessageKind::Notice;
    assert!(matches!(
        store.create_simulation(
            &simulation(council, "spring"),
            &[(recipient_id, token, message)],
            "beacon.test",
        ),
        Err(StoreError::Corrupt(_))
    ));
    store
        .enqueue(
            &[simulated(council, "spring", "ann@council.example")],
            "beacon.test",
        )
        .expect("queued by hand");
    assert!(matches!(
        store.create_simulation(
            &simulation(council, "spring"),
            std::slice::from_ref(&ann),
            "beacon.test"
        ),
        Err(StoreError::Duplicate {
            what: "outbox message",
            ..
        })
    ));
    assert!(is_not_found(
        &store.create_simulation(
            &simulation(council + harbour + 100, "spring"),
            &[],
            "beacon.test"
        ),
        "organisation"
    ));

    assert!(
        store.simulations(None).expect("read").is_empty(),
        "no simulation is stored"
    );
    assert_eq!(
        simulation_messages(store),
        1,
        "no message beyond the one queued by hand"
    );
    assert_eq!(store.simulation_target(&ann.1).expect("read"), None);

    let (_, created) = store
        .create_simulation(
            &simulation(council, "spring"),
            &[target(council, "spring-2", ids[0], "ann@council.example")],
            "beacon.test",
        )
        .expect("created once every target is acceptable");
    assert!(created);
}

fn a_target_is_found_by_its_link_token_and_learns_when_it_was_sent(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let ids = consenting(store, council, &["ann@council.example"]);
    let ann = target(council, "spring", ids[0], "ann@council.example");
    let (simulation_id, _) = store
        .create_simulation(
            &simulation(council, "spring"),
            std::slice::from_ref(&ann),
            "beacon.test",
        )
        .expect("created");
    let found = store
        .simulation_target(&ann.1)
        .expect("read")
        .expect("found by token");
    assert_eq!(found.simulation_id, simulation_id);
    assert_eq!(found.organisation_id, council);
    assert_eq!(found.recipient_id, ids[0]);
    assert_eq!(found.template_id, "parcel-redelivery");
    assert_eq!(found.sent_at, None);
    let message = store
        .message(found.message_id)
        .expect("read")
        .expect("its message");
    assert_eq!(message.recipient, "ann@council.example");
    assert_eq!(message.kind, MessageKind::Simulation);
    assert_eq!(store.simulation_target(&hash("nope")).expect("read"), None);

    let claimed = store
        .claim_due(
            &[Channel::Email],
            OffsetDateTime::now_utc(),
            time::Duration::minutes(5),
            10,
        )
        .expect("claimed");
    assert_eq!(
        claimed.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![found.message_id]
    );
    let sent_at = datetime!(2026-03-10 08:31 UTC);
    store
        .outbox_record_sent(found.message_id, sent_at)
        .expect("sent");
    assert_eq!(
        store
            .simulation_target(&ann.1)
            .expect("read")
            .expect("found")
            .sent_at,
        Some(sent_at)
    );
}

fn fetch(target_id: i64, at: OffsetDateTime, verdict: ClickVerdict) -> NewSimulationEvent {
    NewSimulationEvent {
        target_id,
        kind: SimulationEventKind::Fetch,
        at,
        verdict: Some(verdict),
        user_agent: Some(format!("Mozilla/5.0 {}", "x".repeat(400))),
    }
}

fn scanner() -> ClickVerdict {
    ClickVerdict::Scanner("HEAD within a second of sending".to_owned())
}

fn results_count_scanners_apart_and_clicks_only_from_people(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let ids = consenting(
        store,
        council,
        &["ann@council.example", "bob@council.example"],
    );
    let ann = target(council, "spring", ids[0], "ann@council.example");
    let bob = target(council, "spring", ids[1], "bob@council.example");
    let (simulation_id, _) = store
        .create_simulation(
            &simulation(council, "spring"),
            &[ann.clone(), bob.clone()],
            "beacon.test",
        )
        .expect("created");
    let ann_target = store.simulation_target(&ann.1).expect("read").expect("ann");
    let bob_target = store.simulation_target(&bob.1).expect("read").expect("bob");
    let sent_at = datetime!(2026-03-10 08:31 UTC);
    store
        .claim_due(
            &[Channel::Email],
            OffsetDateTime::now_utc(),
            time::Duration::minutes(5),
            10,
        )
        .expect("claimed");
    store
        .outbox_record_sent(ann_target.message_id, sent_at)
        .expect("sent");

    let first_click = datetime!(2026-03-10 09:15 UTC);
    let reported = datetime!(2026-03-10 09:20 UTC);
    for event in [
        fetch(ann_target.id, datetime!(2026-03-10 08:31:01 UTC), scanner()),
        fetch(ann_target.id, datetime!(2026-03-10 08:31:02 UTC), scanner()),
        fetch(
            ann_target.id,
            datetime!(2026-03-10 10:00 UTC),
            ClickVerdict::Person,
        ),
        fetch(ann_target.id, first_click, ClickVerdict::Person),
        NewSimulationEvent {
            target_id: ann_target.id,
            kind: SimulationEventKind::Reported,
            at: datetime!(2026-03-10 11:00 UTC),
            verdict: None,
            user_agent: None,
        },
        NewSimulationEvent {
            target_id: ann_target.id,
            kind: SimulationEventKind::Reported,
            at: reported,
            verdict: None,
            user_agent: None,
        },
        fetch(bob_target.id, datetime!(2026-03-10 08:31:03 UTC), scanner()),
    ] {
        store.record_simulation_event(&event).expect("recorded");
    }
    assert!(is_not_found(
        &store.record_simulation_event(&fetch(
            bob_target.id + 100,
            first_click,
            ClickVerdict::Person
        )),
        "simulation target"
    ));

    let results = store.simulation_results(None).expect("read");
    assert_eq!(
        results,
        vec![
            TargetResult {
                target_id: ann_target.id,
                simulation_id,
                organisation_id: council,
                organisation: "City Council".to_owned(),
                send_at: SEND_AT,
                sent_at: Some(sent_at),
                first_click_at: Some(first_click),
                scanner_fetches: 2,
                reported_at: Some(reported),
            },
            TargetResult {
                target_id: bob_target.id,
                simulation_id,
                organisation_id: council,
                organisation: "City Council".to_owned(),
                send_at: SEND_AT,
                sent_at: None,
                first_click_at: None,
                scanner_fetches: 1,
                reported_at: None,
            },
        ],
        "a scanner's fetch is never a click"
    );
}

fn withdrawing_consent_gives_up_simulated_emails_not_yet_sent(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let ids = consenting(
        store,
        council,
        &["ann@council.example", "bob@council.example"],
    );
    let ann = target(council, "spring", ids[0], "ann@council.example");
    let bob = target(council, "spring", ids[1], "bob@council.example");
    store
        .create_simulation(
            &simulation(council, "spring"),
            &[ann.clone(), bob.clone()],
            "beacon.test",
        )
        .expect("created");
    let ann_message = store
        .simulation_target(&ann.1)
        .expect("read")
        .expect("ann")
        .message_id;
    let bob_message = store
        .simulation_target(&bob.1)
        .expect("read")
        .expect("bob")
        .message_id;
    store
        .withdraw_simulation_consent(council, "Bob@Council.example", CREATED)
        .expect("withdrawn");
    let given_up = store
        .message(bob_message)
        .expect("read")
        .expect("bob's message");
    assert_eq!(given_up.status, OutboxStatus::GivenUp);
    assert_eq!(given_up.last_error.as_deref(), Some("consent withdrawn"));

    let claimed = store
        .claim_due(
            &[Channel::Email],
            OffsetDateTime::now_utc(),
            time::Duration::minutes(5),
            10,
        )
        .expect("claimed");
    assert_eq!(
        claimed.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![ann_message],
        "only the consenting recipient's email goes"
    );
    store
        .outbox_record_sent(ann_message, datetime!(2026-03-10 08:31 UTC))
        .expect("sent");
    store
        .withdraw_simulation_consent(council, "ann@council.example", CREATED)
        .expect("withdrawn");
    assert_eq!(
        store
            .message(ann_message)
            .expect("read")
            .expect("ann's")
            .status,
        OutboxStatus::Sent,
        "what has gone stays recorded as sent"
    );
}

fn one_organisation_never_sees_anothers_learning_or_simulations(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let mut learners = Vec::new();
    let mut targets = Vec::new();
    for (organisation, seed, email) in [
        (council, "c", "ann@council.example"),
        (harbour, "h", "cat@harbour.example"),
    ] {
        let invitation_id = invite(store, organisation, seed);
        let learner = join(store, invitation_id, seed);
        store
            .record_attempt(&attempt(
                learner,
                datetime!(2026-03-04 09:00 UTC),
                5,
                Some(&format!("CERT-{seed}")),
            ))
            .expect("recorded");
        learners.push(learner);
        let ids = consenting(store, organisation, &[email]);
        let key = format!("spring-{seed}");
        let one = target(organisation, &key, ids[0], email);
        store
            .create_simulation(
                &simulation(organisation, &key),
                std::slice::from_ref(&one),
                "beacon.test",
            )
            .expect("created");
        let found = store
            .simulation_target(&one.1)
            .expect("read")
            .expect("found");
        store
            .record_simulation_event(&fetch(found.id, SEND_AT, ClickVerdict::Person))
            .expect("recorded");
        targets.push(found.id);
    }

    for (organisation, learner, target_id) in [
        (council, learners[0], targets[0]),
        (harbour, learners[1], targets[1]),
    ] {
        let only = Some(organisation);
        let invitations = store.invitations(only).expect("read");
        assert_eq!(invitations.len(), 1);
        assert!(
            invitations
                .iter()
                .all(|r| r.organisation_id == organisation)
        );
        let attempts = store.attempts(only, None).expect("read");
        assert_eq!(
            attempts.iter().map(|r| r.learner_id).collect::<Vec<_>>(),
            vec![learner]
        );
        let other = if learner == learners[0] {
            learners[1]
        } else {
            learners[0]
        };
        assert!(
            store.attempts(only, Some(other)).expect("read").is_empty(),
            "another organisation's learner is not reached by naming them"
        );
        let recipients = store.simulation_recipients(only).expect("read");
        assert_eq!(recipients.len(), 1);
        assert!(recipients.iter().all(|r| r.organisation_id == organisation));
        let simulations = store.simulations(only).expect("read");
        assert_eq!(simulations.len(), 1);
        assert!(
            simulations
                .iter()
                .all(|r| r.organisation_id == organisation)
        );
        let results = store.simulation_results(only).expect("read");
        assert_eq!(
            results.iter().map(|r| r.target_id).collect::<Vec<_>>(),
            vec![target_id]
        );
        assert!(results.iter().all(|r| r.organisation_id == organisation));
    }
    assert_eq!(store.attempts(None, None).expect("read").len(), 2);
    assert_eq!(store.simulation_results(None).expect("read").len(), 2);
    assert_eq!(store.simulation_recipients(None).expect("read").len(), 2);
}
