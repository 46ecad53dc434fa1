//! Staff learning and phishing awareness: joining through an invitation link (with the
//! join form's double-submit cookie) and the learner's cookie, the modules and their
//! quizzes, certificates anyone can check, dead invitation links, a partner confined to
//! its own organisation's figures and links, and the simulated link's landing page,
//! which tells people from link scanners and collects nothing.

use super::*;
use beacon_app::notify::NotifySettings;
use beacon_app::readiness::{learning, phishing};
use beacon_store::{MessageContent, MessageKind};
use time::OffsetDateTime;

scenarios!(
    joining_through_an_invitation_link_sets_the_learner_cookie,
    passing_the_phishing_quiz_earns_a_certificate_anyone_can_check,
    an_unanswered_quiz_is_refused_and_nothing_is_recorded,
    expired_or_revoked_invitation_links_are_not_found,
    a_partner_sees_and_keeps_only_its_own_organisations_learning,
    the_landing_page_tells_people_from_link_scanners_and_collects_nothing,
    only_coordinators_launch_simulations,
);

/// The other partner, which the test partner must never reach.
const HARBOUR: &str = "Harbour Trust";
/// A browser's identification.
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Adds the second organisation and returns its id.
fn add_harbour(world: &World) -> i64 {
    world
        .place
        .open()
        .upsert_organisations(&[Organisation {
            name: HARBOUR.into(),
            sector: "health".into(),
            contacts: vec!["it@harbour.example".into()],
            ..Organisation::default()
        }])
        .expect("a second organisation")[0]
}

/// An invitation link's path for an organisation, made through the application layer.
fn invite(world: &World, organisation: i64) -> (i64, String) {
    let link = learning::invite(
        world.place.open().as_mut(),
        organisation,
        "coordinator",
        now(),
        learning::INVITATION_DAYS,
    )
    .expect("an invitation");
    (link.id, link.path)
}

/// Joins through the link as a browser does: the form, then the form sent with its token.
fn join(client: &mut Client, path: &str, name: &str) -> Reply {
    let form = client.get(path);
    form.expect(200);
    let csrf = form.hidden("csrf_token");
    client.post_form(path, &[("csrf_token", &csrf), ("name", name)])
}

/// A browser that has joined the organisation's staff learning as `name`.
fn learner(server: &Server, world: &World, organisation: i64, name: &str) -> Client {
    let (_, path) = invite(world, organisation);
    let mut client = Client::new(server);
    join(&mut client, &path, name).expect(303);
    client
}

/// The right answer to every question of a module, as the quiz form's fields.
fn right_answers(module: &str) -> Vec<(String, String)> {
    learning::module(module)
        .expect("a shipped module")
        .quiz
        .iter()
        .map(|q| (format!("answer-{}", q.id), q.correct.to_string()))
        .collect()
}

/// Sends a module's quiz with these answers and the form's own token.
fn take_quiz(client: &mut Client, module: &str, answers: &[(String, String)]) -> Reply {
    let path = format!("/learn/modules/{module}");
    let csrf = client.get(&path).expect(200).hidden("csrf_token");
    let mut fields: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
    fields.extend(answers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    client.post_form(&path, &fields)
}

/// The distinct module pages a page links to.
fn module_links(body: &str) -> std::collections::BTreeSet<String> {
    links(body)
        .into_iter()
        .filter(|l| l.starts_with("/learn/modules/"))
        .collect()
}

fn joining_through_an_invitation_link_sets_the_learner_cookie(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let (_, path) = invite(&world, world.organisation);

    // The link shows the organisation and the one field, and sets the form's cookie.
    let mut browser = Client::new(&server);
    let form = browser.get(&path);
    form.expect(200)
        .shows(&format!("Join {ORGANISATION}'s staff learning"))
        .shows("Your name (for your certificates)");
    let form_cookie = form
        .set_cookie("beacon_learn_join")
        .expect("the form's cookie");
    assert!(form_cookie.contains("HttpOnly"), "{form_cookie}");
    let csrf = form.hidden("csrf_token");

    // Without the form's cookie (another site posting), nothing happens.
    let mut stranger = Client::new(&server);
    assert_refused_page(&stranger.post_form(&path, &[("csrf_token", &csrf), ("name", "Eve")]));
    // With the cookie but not its token, neither.
    assert_refused_page(&browser.post_form(&path, &[("csrf_token", "forged"), ("name", "Eve")]));

    // An empty or too long name is refused in an error summary.
    let csrf = browser.get(&path).expect(200).hidden("csrf_token");
    let empty = browser.post_form(&path, &[("csrf_token", &csrf), ("name", "   ")]);
    empty
        .expect(400)
        .shows("There is a problem")
        .shows("Enter the name to put on your certificates");
    assert!(empty.body.contains("govuk-error-summary"));
    let csrf = empty.hidden("csrf_token");
    let long = "A".repeat(learning::MAX_NAME_CHARS + 1);
    browser
        .post_form(&path, &[("csrf_token", &csrf), ("name", &long)])
        .expect(400)
        .shows("There is a problem")
        .shows("at most 80 characters");
    assert!(!browser.cookies.contains_key("beacon_learner"));

    // A good name: the learner's cookie, HttpOnly, SameSite=Lax, for /learn only.
    let csrf = browser.get(&path).expect(200).hidden("csrf_token");
    let joined = browser.post_form(&path, &[("csrf_token", &csrf), ("name", "Ada Lovelace")]);
    joined.expect(303);
    assert_eq!(joined.location(), "/learn");
    let cookie = joined
        .set_cookie("beacon_learner")
        .expect("the learner's cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/learn"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    assert!(browser.cookies.contains_key("beacon_learner"));

    // Their page lists the seven modules, none started.
    let home = browser.get("/learn");
    home.expect(200)
        .shows("Your modules")
        .shows("Ada Lovelace")
        .shows(ORGANISATION)
        .shows("Not started");
    assert_eq!(learning::modules().len(), 7);
    assert_eq!(module_links(&home.body).len(), 7, "{}", home.text());

    // Over HTTPS (said by a proxy) the cookie is Secure too, as the session cookie is.
    let mut secure = Client::new(&server);
    let form = secure.send("GET", &path, &[("x-forwarded-proto", "https")], None);
    let csrf = form.expect(200).hidden("csrf_token");
    let body = format!("csrf_token={}&name=Grace+Hopper", form_encode(&csrf));
    let joined = secure.send(
        "POST",
        &path,
        &[("x-forwarded-proto", "https")],
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
    );
    joined.expect(303);
    let cookie = joined
        .set_cookie("beacon_learner")
        .expect("the learner's cookie");
    assert!(cookie.contains("Secure"), "{cookie}");

    // Without a cookie, /learn says how learners join.
    Client::new(&server)
        .get("/learn")
        .expect(200)
        .shows("invitation link");
}

fn passing_the_phishing_quiz_earns_a_certificate_anyone_can_check(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = learner(&server, &world, world.organisation, "Ada Lovelace");

    // Without a learner's cookie, a module's page sends people to /learn.
    let mut stranger = Client::new(&server);
    let sent = stranger.get("/learn/modules/phishing");
    sent.expect(303);
    assert_eq!(sent.location(), "/learn");
    // A module nobody has is not found.
    browser
        .get("/learn/modules/no-such-module")
        .expect(404)
        .shows("Module not found");

    // The module's page: its teaching (lists from "- " lines) and its quiz.
    let module = learning::module("phishing").expect("the phishing module");
    let page = browser.get("/learn/modules/phishing");
    page.expect(200)
        .shows(&module.title)
        .shows(&module.sections[0].heading);
    assert!(page.body.contains("govuk-list--bullet"));
    assert_eq!(page.body.matches("<fieldset").count(), module.quiz.len());
    assert!(page.body.contains("type=\"radio\""));

    // A quiz without the learner's form token is refused.
    let mut forged: Vec<(&str, &str)> = vec![("csrf_token", "forged")];
    let answers = right_answers("phishing");
    forged.extend(answers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    assert_refused_page(&browser.post_form("/learn/modules/phishing", &forged));

    // Every answer right: passed, with a certificate.
    let results = take_quiz(&mut browser, "phishing", &answers);
    results.expect(200).shows("You passed").shows(&format!(
        "{} out of {}",
        module.quiz.len(),
        module.quiz.len()
    ));
    let certificate = links(&results.body)
        .into_iter()
        .find(|l| l.starts_with("/learn/certificates/"))
        .expect("a link to the certificate");

    // The certificate page, for anyone: the name, organisation, module and code.
    let code = certificate
        .trim_start_matches("/learn/certificates/")
        .to_owned();
    Client::new(&server)
        .get(&certificate)
        .expect(200)
        .shows("Certificate of completion")
        .shows("Ada Lovelace")
        .shows(ORGANISATION)
        .shows(&module.title)
        .shows(&code);
    // Codes are read in any case.
    Client::new(&server)
        .get(&certificate.to_lowercase())
        .expect(200)
        .shows("Ada Lovelace");
    Client::new(&server)
        .get("/learn/certificates/AAAA-BBBB-CCCC")
        .expect(404)
        .shows("Certificate not found");

    // The learner's page shows the module passed, with its certificate.
    let home = browser.get("/learn");
    home.expect(200)
        .shows("Passed")
        .shows("You have passed 1 of 7 modules");
    assert!(links(&home.body).contains(&certificate));

    // Every answer wrong: not passed, each explanation shown, no certificate, "Try again".
    let backups = learning::module("backups").expect("a module");
    let wrong: Vec<(String, String)> = backups
        .quiz
        .iter()
        .map(|q| {
            (
                format!("answer-{}", q.id),
                ((q.correct + 1) % q.options.len()).to_string(),
            )
        })
        .collect();
    let tried = take_quiz(&mut browser, "backups", &wrong);
    tried
        .expect(200)
        .shows("You did not pass this time")
        .shows(&backups.quiz[0].explanation)
        .shows("Try again");
    assert!(
        !links(&tried.body)
            .iter()
            .any(|l| l.starts_with("/learn/certificates/"))
    );
    browser.get("/learn").expect(200).shows("Tried");

    // The staff figures count the learner: one completion at least.
    let progress = learning::progress(world.place.open().as_mut(), None).expect("progress");
    assert_eq!(progress.area.learners, 1);
    assert!(progress.area.modules_completed >= 1);
}

fn an_unanswered_quiz_is_refused_and_nothing_is_recorded(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = learner(&server, &world, world.organisation, "Ada Lovelace");
    let module = learning::module("phishing").expect("the phishing module");
    let answers = right_answers("phishing");
    // Only the first question answered.
    let refused = take_quiz(&mut browser, "phishing", &answers[..1]);
    refused.expect(400).shows("There is a problem");
    assert!(refused.body.contains("govuk-error-summary"));
    for number in 2..=module.quiz.len() {
        refused.shows(&format!("Choose an answer to question {number}"));
    }
    assert!(!refused.text().contains("Choose an answer to question 1 "));
    // The answer given is kept checked.
    assert!(refused.body.contains("checked"));
    // Nothing recorded: no attempt, no completion.
    let mut store = world.place.open();
    assert!(store.attempts(None, None).expect("attempts").is_empty());
    let progress = learning::progress(store.as_mut(), None).expect("progress");
    assert_eq!(
        (progress.area.learners, progress.area.modules_completed),
        (0, 0)
    );
    browser.get("/learn").expect(200).shows("Not started");
}

fn expired_or_revoked_invitation_links_are_not_found(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut store = world.place.open();
    // A link made two days ago for one day.
    let expired = learning::invite(
        store.as_mut(),
        world.organisation,
        "coordinator",
        now() - time::Duration::days(2),
        1,
    )
    .expect("an invitation");
    // A link revoked.
    let (revoked_id, revoked) = invite(&world, world.organisation);
    assert!(learning::revoke_invitation(store.as_mut(), revoked_id, None, now()).expect("revoked"));
    let mut browser = Client::new(&server);
    for path in [
        expired.path.as_str(),
        revoked.as_str(),
        "/learn/join/not-a-token",
    ] {
        let page = browser.get(path);
        page.expect(404).shows("This invitation link does not work");
        assert!(page.set_cookie("beacon_learner").is_none());
        // Sending the form anyway joins nobody.
        browser
            .post_form(path, &[("csrf_token", "x"), ("name", "Eve")])
            .expect(404)
            .shows("This invitation link does not work");
    }
    // A link revoked after the form was opened stops working too.
    let (open_id, open) = invite(&world, world.organisation);
    let csrf = browser.get(&open).expect(200).hidden("csrf_token");
    let mut partner = Client::signed_in(&server, &world.account(Role::PartnerItManager).username);
    let token = partner.csrf();
    partner
        .post_form(
            &format!("/learning/invitations/{open_id}/revoke"),
            &[("csrf_token", &token)],
        )
        .expect(303);
    browser
        .post_form(&open, &[("csrf_token", &csrf), ("name", "Ada")])
        .expect(404);
    assert!(store.attempts(None, None).expect("attempts").is_empty());
    let invitations = learning::invitations(store.as_mut(), None).expect("invitations");
    assert!(
        invitations.iter().all(|i| i.learners == 0),
        "{invitations:?}"
    );
}

fn a_partner_sees_and_keeps_only_its_own_organisations_learning(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let harbour = add_harbour(&world);
    let server = Server::start(&world);
    // A learner in each organisation passes a module.
    for (organisation, name) in [
        (world.organisation, "Ada Lovelace"),
        (harbour, "Mary Seacole"),
    ] {
        let mut browser = learner(&server, &world, organisation, name);
        take_quiz(&mut browser, "phishing", &right_answers("phishing"))
            .expect(200)
            .shows("You passed");
    }
    let (harbour_link, _) = invite(&world, harbour);

    // The partner sees only its own organisation's completion and links.
    let partner_name = world.account(Role::PartnerItManager).username.clone();
    let mut partner = Client::signed_in(&server, &partner_name);
    let page = partner.get("/learning");
    page.expect(200).shows("Staff learning").shows(ORGANISATION);
    assert!(!page.text().contains(HARBOUR), "{}", page.text());
    assert!(!page.text().contains("Every organisation"));
    let rows = table_rows(&page.body);
    let own = rows
        .iter()
        .find(|row| row.first().is_some_and(|c| c == ORGANISATION))
        .expect("the partner's row");
    assert_eq!(own[1], "1", "{own:?}");
    assert_eq!(own[2], "1 of 7", "{own:?}");
    assert_eq!(own[3], "14%", "{own:?}");
    assert_eq!(own[4], "100%", "{own:?}");
    // The menu has the entry.
    assert!(links(&page.body).contains(&"/learning".to_owned()));

    // The coordinator sees both, and the area's row.
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let all = coordinator.get("/learning");
    all.expect(200)
        .shows(ORGANISATION)
        .shows(HARBOUR)
        .shows("Every organisation")
        .shows("2 of 14");

    // The partner cannot revoke the harbour's link: not found, and it stays open.
    let token = partner.csrf();
    partner
        .post_form(
            &format!("/learning/invitations/{harbour_link}/revoke"),
            &[("csrf_token", &token)],
        )
        .expect(404);
    let harbour_links =
        learning::invitations(world.place.open().as_mut(), Some(harbour)).expect("invitations");
    assert!(harbour_links.iter().all(|i| i.revoked_at.is_none()));
    // Nor without the session's token.
    let (own_link, _) = invite(&world, world.organisation);
    assert_refused_page(&partner.post_form(
        &format!("/learning/invitations/{own_link}/revoke"),
        &[("csrf_token", "forged")],
    ));

    // A partner's new link is always for its own organisation, whatever the form says.
    let made = partner.post_form(
        "/learning/invitations",
        &[
            ("csrf_token", &token),
            ("organisation", &harbour.to_string()),
        ],
    );
    made.expect(200)
        .shows("Invitation link created")
        .shows("This is the only time Beacon shows this link");
    let link = made
        .text()
        .split_whitespace()
        .find(|w| w.contains("/learn/join/"))
        .expect("the link on the page")
        .to_owned();
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    let path = &link[link.find("/learn/join/").expect("a join path")..];
    Client::new(&server)
        .get(path)
        .expect(200)
        .shows(&format!("Join {ORGANISATION}'s staff learning"));
    assert!(!world.audit("create_invitation").is_empty());

    // The partner revokes its own link.
    partner
        .post_form(
            &format!("/learning/invitations/{own_link}/revoke"),
            &[("csrf_token", &token)],
        )
        .expect(303);
    let own_links = learning::invitations(world.place.open().as_mut(), Some(world.organisation))
        .expect("invitations");
    assert!(
        own_links
            .iter()
            .any(|i| i.id == own_link && i.revoked_at.is_some())
    );
    partner.get("/learning").expect(200).shows("Revoked");

    // A coordinator chooses the organisation; without one, the error summary.
    let token = coordinator.csrf();
    let refused = coordinator.post_form("/learning/invitations", &[("csrf_token", &token)]);
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Choose the organisation whose staff the link is for");
    let made = coordinator.post_form(
        "/learning/invitations",
        &[
            ("csrf_token", &token),
            ("organisation", &harbour.to_string()),
        ],
    );
    made.expect(200).shows(HARBOUR);
    // The coordinator may revoke any organisation's link.
    coordinator
        .post_form(
            &format!("/learning/invitations/{harbour_link}/revoke"),
            &[("csrf_token", &token)],
        )
        .expect(303);

    // Analysts see every organisation but make no links.
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let seen = analyst.get("/learning");
    seen.expect(200).shows(HARBOUR);
    assert!(!seen.body.contains("action=\"/learning/invitations\""));
    let token = analyst.csrf();
    assert_refused_page(&analyst.post_form("/learning/invitations", &[("csrf_token", &token)]));
}

/// The simulated links' tokens in the queued simulation emails, by recipient.
fn simulated_links(world: &World) -> BTreeMap<String, String> {
    let mut store = world.place.open();
    store
        .messages(Some(MessageKind::Simulation), 100)
        .expect("messages")
        .into_iter()
        .map(|message| {
            let MessageContent::Written { text, .. } = &message.content else {
                panic!("a written simulation email");
            };
            let at = text.find("/learn/s/").expect("a simulated link");
            let token: String = text[at + "/learn/s/".len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            (message.recipient.clone(), token)
        })
        .collect()
}

/// Two consenting staff at the test partner, a simulation sent to them an hour ago.
fn simulated(world: &World) -> BTreeMap<String, String> {
    let mut store = world.place.open();
    let consent = format!(
        "organisation,email,consented_at,evidence\n{ORGANISATION},ada@wreake.example,2024-05-01,Opted in (test)\n{ORGANISATION},grace@wreake.example,2024-05-01,Opted in (test)\n"
    );
    phishing::import_consent(store.as_mut(), consent.as_bytes()).expect("consent");
    let settings = NotifySettings {
        base_url: Some("https://beacon.test".into()),
        ..NotifySettings::default()
    };
    let sent_at = now() - time::Duration::hours(1);
    let launched = phishing::launch(
        store.as_mut(),
        world.organisation,
        "parcel-redelivery",
        sent_at,
        "coordinator",
        sent_at - time::Duration::hours(1),
        &settings,
    )
    .expect("a simulation");
    assert_eq!(launched.queued, 2);
    for message in store
        .messages(Some(MessageKind::Simulation), 100)
        .expect("messages")
    {
        store
            .outbox_record_sent(message.id, sent_at)
            .expect("recorded as sent");
    }
    simulated_links(world)
}

fn the_landing_page_tells_people_from_link_scanners_and_collects_nothing(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let links_by_person = simulated(&world);
    let server = Server::start(&world);
    let person = &links_by_person["ada@wreake.example"];
    let scanned = &links_by_person["grace@wreake.example"];
    let browser_like = [
        ("user-agent", BROWSER),
        ("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
        ("accept-language", "en-GB,en;q=0.9"),
    ];

    // A person's click: the page teaches, is not indexed, and has no form or field.
    let mut browser = Client::new(&server);
    let page = browser.send("GET", &format!("/learn/s/{person}"), &browser_like, None);
    page.expect(200)
        .shows("This was a simulated phishing email from your organisation's awareness programme")
        .shows("Nothing was collected")
        .shows("your IT service desk");
    let template = phishing::template("parcel-redelivery").expect("the template");
    for tell in &template.tells {
        page.shows(tell);
    }
    assert!(links(&page.body).contains(&"/learn/modules/phishing".to_owned()));
    assert_eq!(page.header("x-robots-tag"), Some("noindex"));
    let lower = page.body.to_lowercase();
    assert!(!lower.contains("<form"), "no form on the landing page");
    assert!(!lower.contains("<input"), "no field on the landing page");

    // A link scanner: a HEAD (with a browser's headers: the method alone tells), then a
    // bot's GET with a browser's headers.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut head = agent.head(&server.url(&format!("/learn/s/{scanned}")));
    for (name, value) in browser_like {
        head = head.header(name, value);
    }
    let head = head.call().expect("a HEAD answer");
    assert_eq!(head.status().as_u16(), 200);
    let bot = [
        ("user-agent", "Mozilla/5.0 (compatible; bingbot/2.0)"),
        ("accept", "text/html"),
        ("accept-language", "en"),
    ];
    Client::new(&server)
        .send("GET", &format!("/learn/s/{scanned}"), &bot, None)
        .expect(200);
    // A fetch without a browser's headers is a scanner's too.
    Client::new(&server)
        .send(
            "GET",
            &format!("/learn/s/{scanned}"),
            &[("user-agent", BROWSER)],
            None,
        )
        .expect(200);

    // One click of two emails sent: the scanner's fetches are left out.
    let rates = phishing::results(world.place.open().as_mut(), None).expect("results");
    assert_eq!(rates.len(), 1, "{rates:?}");
    assert_eq!((rates[0].sent, rates[0].clicked), (2, 1), "{rates:?}");
    let results = world
        .place
        .open()
        .simulation_results(None)
        .expect("target results");
    let scanner_fetches: u32 = results.iter().map(|r| r.scanner_fetches).sum();
    assert_eq!(scanner_fetches, 3, "{results:?}");

    // The staff page shows the rates: the partner its own.
    let mut partner = Client::signed_in(&server, &world.account(Role::PartnerItManager).username);
    let page = partner.get("/learning/phishing");
    page.expect(200)
        .shows("Phishing simulations")
        .shows(ORGANISATION)
        .shows("link scanners")
        .shows("not measured");
    let rows = table_rows(&page.body);
    let own = rows
        .iter()
        .find(|row| row.first().is_some_and(|c| c == ORGANISATION))
        .expect("the partner's row");
    assert_eq!(&own[2..], ["2", "1 (50%)", "0 (0%)"], "{own:?}");
    assert!(!page.body.contains("action=\"/learning/phishing\""));

    // An unknown link is not found, and still has no form.
    let missing = Client::new(&server).send("GET", "/learn/s/not-a-token", &browser_like, None);
    missing.expect(404);
    assert_eq!(missing.header("x-robots-tag"), Some("noindex"));
    assert!(!missing.body.to_lowercase().contains("<form"));
}

fn only_coordinators_launch_simulations(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let harbour = add_harbour(&world);
    let consent = format!(
        "organisation,email,consented_at,evidence\n{ORGANISATION},ada@wreake.example,2024-05-01,Opted in (test)\n"
    );
    phishing::import_consent(world.place.open().as_mut(), consent.as_bytes()).expect("consent");
    let tomorrow = now() + time::Duration::days(1);
    let day = tomorrow.day().to_string();
    let month = u8::from(tomorrow.month()).to_string();
    let year = tomorrow.year().to_string();
    let organisation = world.organisation.to_string();
    let form = |csrf: &str, organisation: &str| -> Vec<(String, String)> {
        [
            ("csrf_token", csrf),
            ("organisation", organisation),
            ("template", "password-expiry"),
            ("send-day", &day),
            ("send-month", &month),
            ("send-year", &year),
            ("send-time", "09:30"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
    };
    let post = |client: &mut Client, fields: &[(String, String)]| {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        client.post_form("/learning/phishing", &fields)
    };

    // Without the site's address, the coordinator is told to set it.
    {
        let server = Server::start(&world);
        let mut coordinator =
            Client::signed_in(&server, &world.account(Role::Coordinator).username);
        let csrf = coordinator.csrf();
        post(&mut coordinator, &form(&csrf, &organisation))
            .expect(400)
            .shows("There is a problem")
            .shows("notify.base_url");
        // Analysts see the results but may not launch.
        let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
        let page = analyst.get("/learning/phishing");
        page.expect(200);
        assert!(!page.body.contains("action=\"/learning/phishing\""));
        let csrf = analyst.csrf();
        assert_refused_page(&post(&mut analyst, &form(&csrf, &organisation)));
        let mut partner =
            Client::signed_in(&server, &world.account(Role::PartnerItManager).username);
        let csrf = partner.csrf();
        assert_refused_page(&post(&mut partner, &form(&csrf, &organisation)));
    }

    let server = Server::start_with(&world, |settings| {
        settings.notify.base_url = Some("https://beacon.test".into());
    });
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let csrf = coordinator.csrf();
    // Every problem with the form at once.
    coordinator
        .post_form("/learning/phishing", &[("csrf_token", &csrf)])
        .expect(400)
        .shows("Choose the organisation whose consenting staff to test")
        .shows("Choose the simulated email to send")
        .shows("Enter the sending date");
    // Nobody at the harbour consented.
    post(&mut coordinator, &form(&csrf, &harbour.to_string()))
        .expect(400)
        .shows("Nobody at this organisation has consented");
    // The partner's consenting member of staff is queued one email.
    post(&mut coordinator, &form(&csrf, &organisation))
        .expect(200)
        .shows("1 simulated email queued");
    let links = simulated_links(&world);
    assert_eq!(links.len(), 1);
    assert!(!world.audit("launch_simulation").is_empty());
    // The same again queues nothing more.
    post(&mut coordinator, &form(&csrf, &organisation))
        .expect(200)
        .shows("already launched");
    assert_eq!(simulated_links(&world).len(), 1);
}
