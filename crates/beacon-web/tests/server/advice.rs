//! The advice library's pages: the public index filters by threat and audience with a
//! plain GET form and no sign-in; an item's page shows its long form (raw HTML escaped),
//! where to report, its attribution and when it was reviewed; unpublished items are not
//! found; the coordinator's editor refuses a bad item with an error summary and writes a
//! new version of a good one; a new item is added unpublished at version 1 and an address
//! name in use is refused; publishing needs the anti-forgery token.

use super::*;
use beacon_app::advice::load_shipped;
use time::OffsetDateTime;

scenarios!(
    the_public_reads_published_advice_without_signing_in,
    the_editor_refuses_a_bad_item_and_writes_a_new_version_of_a_good_one,
    a_new_item_is_written_on_the_form_unpublished_and_never_overwrites_one,
);

fn loaded(world: &World) {
    let mut store = world.place.open();
    load_shipped(store.as_mut(), "demo", OffsetDateTime::now_utc()).expect("the shipped library");
}

fn the_public_reads_published_advice_without_signing_in(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    loaded(&world);
    world
        .place
        .open()
        .set_published("phishing-texts", false)
        .expect("unpublish");
    let server = Server::start(&world);
    let mut public = Client::new(&server);

    let index = public.get("/advice");
    index.expect(200).shows("Advice on fraud and cyber crime");
    let html = index.body.clone();
    assert!(html.contains("href=\"/advice/courier-fraud-older-residents\""));
    assert!(
        !html.contains("href=\"/advice/phishing-texts\""),
        "unpublished"
    );
    assert!(!html.contains("<script"), "the pages need no script");

    let filtered = public
        .get("/advice?threat=sextortion&audience=parents")
        .body
        .clone();
    assert!(filtered.contains("href=\"/advice/sextortion-parents\""));
    assert!(!filtered.contains("href=\"/advice/courier-fraud-older-residents\""));
    assert!(filtered.contains("value=\"sextortion\" selected"));

    let item = public.get("/advice/updates-small-business");
    item.expect(200)
        .shows("Where to report")
        .shows("Last reviewed: 1 December 2026")
        .shows("Open Government Licence v3.0");
    let html = item.body.clone();
    assert!(html.contains("href=\"https://www.ncsc.gov.uk/collection/small-business-guide\""));
    assert!(html.contains("<h2 class=\"govuk-heading-l\">Why it matters</h2>"));
    assert!(html.contains("https://www.actionfraud.police.uk"));

    public.get("/advice/phishing-texts").expect(404);
    public.get("/advice/no-such-item").expect(404);
}

fn the_editor_refuses_a_bad_item_and_writes_a_new_version_of_a_good_one(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    loaded(&world);
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).username.clone();
    let mut browser = Client::signed_in(&server, &coordinator);
    browser
        .get("/protect/advice")
        .expect(200)
        .shows("Advice library")
        .shows("Courier fraud: the police never collect your card");
    let form = browser.get("/protect/advice/courier-fraud-older-residents");
    form.expect(200).shows("Version 1");
    let csrf = form.hidden("csrf_token");
    let base =
        |short_form: &'static str, body: &'static str| -> Vec<(&'static str, &'static str)> {
            vec![
                ("title", "Courier fraud: the police never collect your card"),
                ("summary", "Criminals pretend to be the police."),
                ("short_form", short_form),
                ("body_markdown", body),
                ("threat", "courier_fraud"),
                ("audience", "older_residents"),
                ("report_to", "action_fraud"),
                ("report_to", "bank_159"),
                ("reviewed_on", "2026-12-02"),
            ]
        };
    let mut bad = base(
        "Hang up on anyone who asks for your card.",
        "Hello <script>alert(1)</script>. Organisations should implement comprehensive authentication procedures immediately.",
    );
    bad.push(("csrf_token", csrf.as_str()));
    let refused = browser.post_form("/protect/advice/courier-fraud-older-residents", &bad);
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("The short form must say where to report");
    let html = refused.body.clone();
    assert!(html.contains("href=\"#short_form\""));
    assert!(html.contains("href=\"#body_markdown\""));
    assert!(
        !html.contains("<script>alert"),
        "the source is escaped in the form"
    );

    let mut good = base(
        "Police never collect cards or cash. Hang up. Call 159.",
        "# What to do\n\nHang up. Call your bank on 159.\n",
    );
    good.push(("csrf_token", csrf.as_str()));
    browser
        .post_form("/protect/advice/courier-fraud-older-residents", &good)
        .expect(303);
    let stored = world
        .place
        .open()
        .advice("courier-fraud-older-residents")
        .expect("read")
        .expect("stored");
    assert_eq!(stored.version, 2);
    assert_eq!(stored.updated_by, coordinator);
    assert_eq!(
        stored.item.short_form,
        "Police never collect cards or cash. Hang up. Call 159."
    );
    assert!(!world.audit("edit_advice").is_empty());

    // Without the token, publishing is refused; with it, the item leaves the public pages.
    browser
        .post_form(
            "/protect/advice/courier-fraud-older-residents/publish",
            &[("published", "no")],
        )
        .expect(403);
    browser
        .post_form(
            "/protect/advice/courier-fraud-older-residents/publish",
            &[("published", "no"), ("csrf_token", csrf.as_str())],
        )
        .expect(303);
    Client::new(&server)
        .get("/advice/courier-fraud-older-residents")
        .expect(404);
    let analyst = world.account(Role::Analyst).username.clone();
    Client::signed_in(&server, &analyst)
        .get("/protect/advice/courier-fraud-older-residents")
        .expect(403);
}

fn a_new_item_is_written_on_the_form_unpublished_and_never_overwrites_one(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    loaded(&world);
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).username.clone();
    let mut browser = Client::signed_in(&server, &coordinator);
    browser
        .get("/protect/advice")
        .expect(200)
        .shows("Write a new item");
    let form = browser.get("/protect/advice/new");
    form.expect(200)
        .shows("New advice item")
        .shows("Address name");
    let csrf = form.hidden("csrf_token");
    let item = |slug: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf_token", csrf.clone()),
            ("slug", slug.to_owned()),
            ("title", "Ticket scams before big matches".to_owned()),
            ("summary", "Fake sellers take the money and send nothing.".to_owned()),
            (
                "short_form",
                "Buy tickets only from the club. Lost money? Call 159 then Action Fraud."
                    .to_owned(),
            ),
            (
                "body_markdown",
                "# Buy from the club\n\nFake sellers post on social media. Pay by card. Call 159 if you paid.\n"
                    .to_owned(),
            ),
            ("threat", "online_shopping_fraud".to_owned()),
            ("audience", "young_people".to_owned()),
            ("report_to", "action_fraud".to_owned()),
            ("report_to", "bank_159".to_owned()),
            ("reviewed_on", "2026-12-02".to_owned()),
        ]
    };
    let post = |browser: &mut Client, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post_form("/protect/advice/new", &fields)
    };
    // No address name, or one that is not one: refused with the field linked.
    let refused = post(&mut browser, item(""));
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Enter an address name");
    assert!(refused.body.contains("href=\"#slug\""));
    post(&mut browser, item("Ticket Scams!"))
        .expect(400)
        .shows("must be lower-case letters");
    // An address name in use is refused: the existing item keeps its version.
    post(&mut browser, item("courier-fraud-older-residents"))
        .expect(400)
        .shows("An item called courier-fraud-older-residents already exists");
    let existing = world
        .place
        .open()
        .advice("courier-fraud-older-residents")
        .expect("read")
        .expect("stored");
    assert_eq!(existing.version, 1);
    assert_ne!(existing.item.title, "Ticket scams before big matches");
    // A good one is added, unpublished, and its edit form opens.
    let added = post(&mut browser, item("ticket-scams"));
    added.expect(303);
    let stored = world
        .place
        .open()
        .advice("ticket-scams")
        .expect("read")
        .expect("stored");
    assert_eq!(stored.version, 1);
    assert!(!stored.published);
    assert_eq!(stored.updated_by, coordinator);
    assert_eq!(world.audit("add_advice").len(), 1);
    browser
        .get("/protect/advice/ticket-scams")
        .expect(200)
        .shows("Edit advice: ticket-scams");
    Client::new(&server).get("/advice/ticket-scams").expect(404);
}
