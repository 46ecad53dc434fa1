//! Campaign recipients' own links: the tracked link counts a person's click and leaves a
//! link scanner's out, then leads on to the advice; the open image answers the same for
//! any token; the one-question survey refuses no answer with an error summary, keeps the
//! first answer, and collects nothing else; a token that is not a recipient's leads
//! nowhere.

use super::*;
use beacon_app::credentials::token_hash;
use beacon_core::protect::{LawfulBasis, SegmentRule};
use beacon_store::{
    AdviceVersions, Channel, MessageContent, MessageDetail, MessageKind, NewCampaign,
    NewCampaignRecipient, NewMessage,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;

scenarios!(
    a_campaign_is_built_on_the_form_and_refused_launch_with_nobody_to_reach,
    one_click_unsubscribe_suppresses_and_counts_once,
    the_most_at_risk_are_ranked_with_their_reasons,
    a_trial_plan_is_locked_on_the_form_and_shown_with_its_fingerprint,
    the_tracked_link_counts_people_not_scanners_and_leads_to_the_advice,
    the_survey_keeps_one_answer_and_refuses_none_with_an_error_summary,
    the_gateway_callbacks_need_the_token_and_record_receipts_and_stop,
);

/// A browser's identification.
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

/// Launches a one-arm email campaign to two contacts; returns its id and their tokens.
fn launched(world: &World) -> (i64, [String; 2]) {
    let mut store = world.place.open();
    let now = OffsetDateTime::now_utc();
    let id = store
        .create_campaign(&NewCampaign {
            name: "Courier fraud".into(),
            advice_slug: "courier-fraud-older-residents".into(),
            channel: Channel::Email,
            basis: LawfulBasis::PublicTask,
            segment: SegmentRule::default(),
            starts_at: now,
            evaluated: false,
            control_advice_slug: None,
            created_by: "coordinator".into(),
            created_at: now,
        })
        .expect("a draft");
    let tokens = ["link-token-ada".to_owned(), "link-token-bea".to_owned()];
    let recipients: Vec<NewCampaignRecipient> = tokens
        .iter()
        .enumerate()
        .map(|(index, token)| email_recipient(id, index, token, "all", None))
        .collect();
    store
        .launch_campaign(id, versions(1), &recipients, now, "beacon.test")
        .expect("launched");
    (id, tokens)
}

/// The `index`th recipient of email campaign `id`, in `arm`, with link token `token`.
fn email_recipient(
    id: i64,
    index: usize,
    token: &str,
    arm: &str,
    district: Option<&str>,
) -> NewCampaignRecipient {
    NewCampaignRecipient {
        contact_id: Some(index as i64 + 1),
        arm: arm.into(),
        stratum: district.unwrap_or_default().into(),
        cluster: None,
        district: district.map(str::to_owned),
        token_hash: token_hash(token),
        message: Some(NewMessage {
            kind: MessageKind::Campaign,
            channel: Channel::Email,
            organisation_id: None,
            recipient: format!("person{index}@example.org"),
            recipient_kind: "contact".into(),
            content: MessageContent::Template {
                name: format!("campaign:{id}"),
                data: BTreeMap::new(),
            },
            tlp: beacon_core::Tlp::Clear,
            dedupe_key: format!("campaign:{id}:{index}"),
            ack_wanted: false,
            detail: MessageDetail::None,
            not_before: None,
        }),
    }
}

fn the_tracked_link_counts_people_not_scanners_and_leads_to_the_advice(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let (id, [ada, bea]) = launched(&world);
    let server = Server::start(&world);
    let browser_like = [
        ("user-agent", BROWSER),
        ("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
        ("accept-language", "en-GB,en;q=0.9"),
    ];
    let followed = Client::new(&server).send("GET", &format!("/p/{ada}"), &browser_like, None);
    followed.expect(303);
    assert_eq!(followed.location(), "/advice/courier-fraud-older-residents");
    assert_eq!(followed.header("x-robots-tag"), Some("noindex"));
    // A scanner: no browser headers, then a bot's identification.
    Client::new(&server)
        .send(
            "GET",
            &format!("/p/{bea}"),
            &[("user-agent", BROWSER)],
            None,
        )
        .expect(303);
    Client::new(&server)
        .send(
            "GET",
            &format!("/p/{bea}"),
            &[
                ("user-agent", "Mozilla/5.0 (compatible; bingbot/2.0)"),
                ("accept", "text/html"),
                ("accept-language", "en"),
            ],
            None,
        )
        .expect(303);
    let image = Client::new(&server).get(&format!("/p/{bea}/o.gif"));
    image.expect(200);
    assert_eq!(image.header("content-type"), Some("image/gif"));
    let unknown = Client::new(&server).get("/p/not-a-token/o.gif");
    unknown.expect(200);
    assert_eq!(
        unknown.body, image.body,
        "the image tells nothing about the token"
    );
    Client::new(&server)
        .send("GET", "/p/not-a-token", &browser_like, None)
        .expect(404)
        .shows("This link does not lead anywhere");

    let figures = world
        .place
        .open()
        .campaign_arm_figures(id)
        .expect("figures");
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].clicked, 1, "only the person's click counts");
    assert_eq!(figures[0].scanner_clicks, 2);
    assert_eq!(figures[0].opened, 1);
}

fn the_survey_keeps_one_answer_and_refuses_none_with_an_error_summary(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let (id, [ada, _]) = launched(&world);
    let server = Server::start(&world);
    let mut client = Client::new(&server);
    let form = client.get(&format!("/p/{ada}/survey"));
    form.expect(200)
        .shows("Have you done what the message suggested?")
        .shows("We do not ask who you are");
    let lower = form.body.to_lowercase();
    assert_eq!(
        lower.matches("<input").count(),
        3,
        "one question, three answers"
    );

    let refused = client.post_form(&format!("/p/{ada}/survey"), &[]);
    refused
        .expect(422)
        .shows("There is a problem")
        .shows("Select whether you have done what the message suggested");
    assert!(refused.body.contains("href=\"#answer\""));
    assert!(refused.body.contains("<title>Error:"));

    client
        .post_form(&format!("/p/{ada}/survey"), &[("answer", "yes")])
        .expect(200)
        .shows("Your answer has been recorded");
    client
        .post_form(&format!("/p/{ada}/survey"), &[("answer", "no")])
        .expect(200)
        .shows("your first answer is the one we keep");
    client
        .post_form("/p/not-a-token/survey", &[("answer", "yes")])
        .expect(404);
    let figures = world
        .place
        .open()
        .campaign_arm_figures(id)
        .expect("figures");
    assert_eq!((figures[0].surveyed, figures[0].acted), (1, 1));
}

/// The advice versions a launch pins: the campaign's item at `advice`, no control item.
fn versions(advice: i64) -> AdviceVersions {
    AdviceVersions {
        advice,
        control: None,
    }
}

fn a_trial_plan_is_locked_on_the_form_and_shown_with_its_fingerprint(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let id = {
        let mut store = world.place.open();
        let now = OffsetDateTime::now_utc();
        store
            .create_campaign(&NewCampaign {
                name: "Courier <fraud> trial".into(),
                advice_slug: "courier-fraud-older-residents".into(),
                channel: Channel::Email,
                basis: LawfulBasis::PublicTask,
                segment: SegmentRule::default(),
                starts_at: now,
                evaluated: true,
                control_advice_slug: Some("scam-basics".into()),
                created_by: "coordinator".into(),
                created_at: now,
            })
            .expect("a draft")
    };
    let server = Server::start(&world);
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let list = coordinator.get("/campaigns");
    list.expect(200).shows("Courier <fraud> trial");
    assert!(!list.body.contains("<fraud>"), "escaped");
    coordinator
        .get(&format!("/campaigns/{id}"))
        .expect(200)
        .shows("Write and lock the plan");
    let form = coordinator.get(&format!("/campaigns/{id}/plan"));
    form.expect(200).shows("Lock the plan");
    let csrf = form.hidden("csrf_token");
    let path = format!("/campaigns/{id}/plan");
    // Rates left out: refused with an error summary, nothing locked.
    let refused = coordinator.post_form(
        &path,
        &[
            ("csrf_token", csrf.as_str()),
            ("outcome", "click"),
            ("design", "individual"),
            ("arms", "letter"),
            ("seed", "7"),
            ("alpha", "5"),
            ("power", "80"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Enter the control arm's expected rate as a percentage");
    let locked = coordinator.post_form(
        &path,
        &[
            ("csrf_token", csrf.as_str()),
            ("outcome", "click"),
            ("secondary", "self_reported_action"),
            ("design", "individual"),
            ("arms", "letter"),
            ("strata", "district"),
            ("seed", "7"),
            ("baseline", "5"),
            ("target", "10"),
            ("alpha", "5"),
            ("power", "80"),
        ],
    );
    locked.expect(303);
    let shown = coordinator.get(&path);
    shown.expect(200).shows("Locked").shows("Planned per arm");
    assert!(!shown.body.contains("Lock the plan"), "no form once locked");
    let campaign = world
        .place
        .open()
        .campaign(id)
        .expect("read")
        .expect("found");
    let fingerprint = campaign.plan.expect("locked").fingerprint;
    shown.shows(&fingerprint);
    coordinator
        .get(&format!("/campaigns/{id}/evaluation"))
        .expect(200)
        .shows("The trial has not been launched yet");
    // Launched with 3 control and 3 letter recipients, stratified by district: the
    // report shows the balance table of the arms (before enough are reached to compare).
    let districts = ["E07000129", "E07000129", "E07000130"];
    let recipients: Vec<NewCampaignRecipient> = (0..6)
        .map(|index| {
            let arm = if index < 3 { "control" } else { "letter" };
            email_recipient(
                id,
                index,
                &format!("t{index}"),
                arm,
                Some(districts[index % 3]),
            )
        })
        .collect();
    let versions = AdviceVersions {
        advice: 1,
        control: Some(1),
    };
    world
        .place
        .open()
        .launch_campaign(
            id,
            versions,
            &recipients,
            OffsetDateTime::now_utc(),
            "beacon.test",
        )
        .expect("launched");
    let report = coordinator.get(&format!("/campaigns/{id}/evaluation"));
    report
        .expect(200)
        .shows("Balance of the arms")
        .shows("control (n = 3)")
        .shows("letter (n = 3)")
        .shows("Blaby 2 (66.7%) 2 (66.7%)");
    // An analyst reads the plan but cannot lock one.
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    analyst.get(&path).expect(200);
    let token = analyst.get(&path).hidden("csrf_token");
    analyst
        .post_form(&path, &[("csrf_token", token.as_str())])
        .expect(403);
}

fn the_most_at_risk_are_ranked_with_their_reasons(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let page = analyst.get("/campaigns/targets");
    page.expect(200)
        .shows("Who is most at risk")
        .shows("Proposed:")
        .shows("per 100,000");
    assert!(
        !page.body.contains("Build this campaign"),
        "analysts do not build"
    );
}

fn one_click_unsubscribe_suppresses_and_counts_once(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let (id, [ada, _]) = launched(&world);
    let server = Server::start(&world);
    let page = Client::new(&server).get(&format!("/p/{ada}/unsubscribe"));
    page.expect(200).shows("Stop getting these messages");
    assert!(
        !page.body.contains("person0@example.org"),
        "no address shown"
    );
    // A mail provider's one-click POST (RFC 8058): no cookies, no token but the link's.
    let one_click = Client::new(&server).send(
        "POST",
        &format!("/p/{ada}/unsubscribe"),
        &[],
        Some((
            "application/x-www-form-urlencoded",
            b"List-Unsubscribe=One-Click".to_vec(),
        )),
    );
    one_click.expect(200).shows("You will not get any more");
    let again = Client::new(&server).send(
        "POST",
        &format!("/p/{ada}/unsubscribe"),
        &[],
        Some((
            "application/x-www-form-urlencoded",
            b"List-Unsubscribe=One-Click".to_vec(),
        )),
    );
    again.expect(200).shows("already unsubscribed");
    let figures = world
        .place
        .open()
        .campaign_arm_figures(id)
        .expect("figures");
    assert_eq!(
        figures[0].with_status(beacon_core::protect::RecipientStatus::Unsubscribed),
        1
    );
    Client::new(&server)
        .get("/p/not-a-token/unsubscribe")
        .expect(404);
}

fn a_campaign_is_built_on_the_form_and_refused_launch_with_nobody_to_reach(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    {
        let mut store = world.place.open();
        beacon_app::advice::load_shipped(store.as_mut(), "coordinator", OffsetDateTime::now_utc())
            .expect("library");
    }
    let server = Server::start(&world);
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let form = coordinator.get("/campaigns/new?threat=courier_fraud&audience=older_residents");
    form.expect(200).shows("Build a campaign");
    assert!(
        form.body.contains("value=\"70-79\" checked"),
        "filled in from the proposal"
    );
    let csrf = form.hidden("csrf_token");
    let refused = coordinator.post_form(
        "/campaigns/new",
        &[
            ("csrf_token", csrf.as_str()),
            ("name", ""),
            ("advice", "no-such-item"),
            ("channel", "email"),
            ("basis", "public_task"),
            ("start-day", "1"),
            ("start-month", "5"),
            ("start-year", "2026"),
        ],
    );
    refused
        .expect(400)
        .shows("Enter a name for the campaign")
        .shows("There is no advice item");
    let saved = coordinator.post_form(
        "/campaigns/new",
        &[
            ("csrf_token", csrf.as_str()),
            ("name", "Courier fraud: older residents"),
            ("advice", "courier-fraud-older-residents"),
            ("channel", "email"),
            ("basis", "public_task"),
            ("kinds", "resident"),
            ("age_bands", "80+"),
            ("start-day", "1"),
            ("start-month", "5"),
            ("start-year", "2026"),
            ("start-time", "09:30"),
        ],
    );
    saved.expect(303);
    let page_path = saved.location().to_owned();
    let page = coordinator.get(&page_path);
    page.expect(200)
        .shows("Courier fraud: older residents")
        .shows("Residents aged 80+");
    let csrf = page.hidden("csrf_token");
    let launch = coordinator.post_form(
        &format!("{page_path}/launch"),
        &[("csrf_token", csrf.as_str())],
    );
    launch
        .expect(409)
        .shows("Nobody in the segment can be reached");
}

fn the_gateway_callbacks_need_the_token_and_record_receipts_and_stop(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let (id, _) = launched(&world);
    let message_id = {
        let mut store = world.place.open();
        let messages = store
            .messages(Some(MessageKind::Campaign), 10)
            .expect("messages");
        messages[0].message_id.clone()
    };
    let server = Server::start_with(&world, |settings| {
        settings.notify.sms = Some(beacon_notify::sms::NotifySmsSettings {
            base_url: "http://127.0.0.1:9".into(),
            api_key: String::new(),
            default_template_id: None,
            callback_token: Some("gateway-callback-secret".into()),
            timeout_secs: 5,
        });
    });
    let json =
        |value: serde_json::Value| Some(("application/json", value.to_string().into_bytes()));
    let receipt = |reference: &str, status: &str| {
        json(serde_json::json!({
            "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
            "reference": reference,
            "to": "+447700900001",
            "status": status,
            "created_at": "2026-12-01T09:00:00Z",
            "completed_at": "2026-12-01T09:01:00Z",
            "sent_at": "2026-12-01T09:00:30Z",
            "notification_type": "sms"
        }))
    };
    let stop = json(serde_json::json!({
        "id": "b51f138b-f1cf-4b9c-9a4f-0f7a1b3a5b2e",
        "source_number": "07700900123",
        "destination_number": "07700900000",
        "message": "Stop",
        "date_received": "2026-12-01T10:00:00Z"
    }));
    let bearer = [("authorization", "Bearer gateway-callback-secret")];
    let mut gateway = Client::new(&server);
    // Without the token, or with another: refused, nothing recorded.
    for headers in [&[][..], &[("authorization", "Bearer guessed")][..]] {
        let refused = gateway.send("POST", "/callbacks/sms/inbound", headers, stop.clone());
        refused.expect(401);
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
    assert!(
        !world
            .place
            .open()
            .is_suppressed(Channel::Sms, "+447700900123")
            .expect("read")
    );
    // With it: a body that is not a receipt is refused; a receipt for a message Beacon
    // did not send is ignored; one for a campaign message is recorded against it.
    gateway
        .send(
            "POST",
            "/callbacks/sms/receipts",
            &bearer,
            Some(("application/json", b"{\"status\": 1}".to_vec())),
        )
        .expect(400);
    let ignored = gateway.send(
        "POST",
        "/callbacks/sms/receipts",
        &bearer,
        receipt("someone-elses", "delivered"),
    );
    assert_eq!(ignored.expect(200).json()["outcome"], "ignored");
    let recorded = gateway.send(
        "POST",
        "/callbacks/sms/receipts",
        &bearer,
        receipt(&message_id, "delivered"),
    );
    assert_eq!(recorded.expect(200).json()["outcome"], "recorded");
    let figures = world
        .place
        .open()
        .campaign_arm_figures(id)
        .expect("figures");
    assert_eq!(
        figures[0].with_status(beacon_core::protect::RecipientStatus::Delivered),
        1
    );
    // STOP from a number puts it on the SMS suppression list.
    let stopped = gateway.send("POST", "/callbacks/sms/inbound", &bearer, stop.clone());
    assert_eq!(stopped.expect(200).json()["outcome"], "suppressed");
    assert!(
        world
            .place
            .open()
            .is_suppressed(Channel::Sms, "+447700900123")
            .expect("read")
    );
}
