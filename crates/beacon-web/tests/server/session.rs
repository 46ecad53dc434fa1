//! Signing in and out: the sign-in form, wrong passwords, lock-out, per-address limits,
//! and sessions that live in the store.

use super::*;

// ---------------------------------------------------------------------------------------
// 1. Signing in, wrong passwords and lock-out.
// ---------------------------------------------------------------------------------------

fn signing_in_locks_after_five_wrong_passwords(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).username.clone();

    // The form carries a token, and the same token in a strict cookie.
    let mut browser = Client::new(&server);
    let form = browser.get("/sign-in?next=/runs");
    form.expect(200).shows("Sign in to Beacon");
    let csrf = form.hidden("csrf_token");
    assert!(
        csrf.len() > 40 && csrf.contains('.'),
        "a signed token: {csrf}"
    );
    assert_eq!(form.hidden("next"), "/runs");
    let cookie = form
        .set_cookie("beacon_sign_in")
        .expect("the sign-in cookie");
    assert!(
        cookie.starts_with(&format!("beacon_sign_in={csrf}")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    // The right password: a session cookie, and on to where the person was going.
    let signed_in = browser.post_form(
        "/sign-in",
        &[
            ("username", &analyst),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
            ("next", "/runs"),
        ],
    );
    signed_in.expect(303);
    assert_eq!(signed_in.location(), "/runs");
    let session = signed_in
        .set_cookie("beacon_session")
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    assert!(session.contains("Max-Age=28800"), "8 hours: {session}");
    let cleared = signed_in
        .set_cookie("beacon_sign_in")
        .expect("the sign-in cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    browser.get("/runs").expect(200).shows("Data loading");
    assert_eq!(
        browser.get("/api/v1/me").expect(200).json()["username"],
        analyst.as_str()
    );
    assert!(
        world
            .audit("sign_in")
            .iter()
            .any(|event| event.event.actor == analyst),
        "the sign-in is audited"
    );

    // Behind a proxy that says HTTPS, cookies are Secure; a foreign `next` is not followed.
    let mut proxied = Client::new(&server);
    let form = proxied.send("GET", "/sign-in", &[("x-forwarded-proto", "https")], None);
    assert!(
        form.set_cookie("beacon_sign_in")
            .is_some_and(|c| c.contains("Secure")),
        "{form:?}"
    );
    let csrf = form.hidden("csrf_token");
    let body = format!(
        "username={analyst}&password={}&csrf_token={csrf}&next={}",
        form_encode(PASSWORD),
        form_encode("//evil.example/")
    );
    let signed_in = proxied.send(
        "POST",
        "/sign-in",
        &[("x-forwarded-proto", "https")],
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
    );
    signed_in.expect(303);
    assert_eq!(signed_in.location(), "/", "only local paths are followed");
    assert!(
        signed_in
            .set_cookie("beacon_session")
            .is_some_and(|c| c.contains("Secure")),
        "{signed_in:?}"
    );

    // A wrong password and an unknown name are refused alike.
    let mut guesser = Client::new(&server);
    let refused = guesser.sign_in(&analyst, "not the password at all");
    refused
        .expect(401)
        .shows("Enter a correct username and password");
    assert!(refused.set_cookie("beacon_session").is_none());
    guesser
        .sign_in("nobody-by-this-name", PASSWORD)
        .expect(401)
        .shows("Enter a correct username and password");

    // Five wrong in a row lock the account; then even the right password is refused.
    let officer = world.account(Role::VulnerabilityOfficer).clone();
    for attempt in 1..=4 {
        let refused = guesser.sign_in(&officer.username, &format!("wrong guess {attempt}"));
        refused
            .expect(401)
            .shows("Enter a correct username and password");
    }
    guesser
        .sign_in(&officer.username, "wrong guess 5")
        .expect(403)
        .shows("locked");
    let locked = guesser.sign_in(&officer.username, PASSWORD);
    locked.expect(403).shows("locked");
    assert!(locked.set_cookie("beacon_session").is_none());
    assert!(!guesser.cookies.contains_key("beacon_session"));
    let stored = world
        .place
        .open()
        .user(officer.id)
        .expect("user")
        .expect("the officer");
    assert!(stored.locked_until.is_some(), "{stored:?}");
    assert!(
        world
            .audit("sign_in_refused")
            .iter()
            .any(|event| event.event.actor == officer.username
                && event.event.detail == "account locked"),
        "the refusal of a locked account is audited"
    );

    // A coordinator clears the lock, and the right password works again.
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let csrf = coordinator.csrf();
    let changed = coordinator.post_form(
        &format!("/users/{}", officer.id),
        &[
            ("csrf_token", &csrf),
            ("role", "vulnerability_officer"),
            ("unlock", "yes"),
        ],
    );
    changed.expect(303);
    assert_eq!(changed.location(), "/users");
    guesser.sign_in(&officer.username, PASSWORD).expect(303);
}

/// Sign-in attempts from one address are limited, whatever the account.
fn sign_in_attempts_are_limited_per_address(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start_with(&world, |settings| settings.sign_ins_per_address = 3);
    let mut guesser = Client::new(&server);
    for _ in 0..3 {
        guesser.sign_in("someone", "a guess at it").expect(401);
    }
    guesser
        .sign_in(&world.account(Role::Analyst).username, PASSWORD)
        .expect(429)
        .shows("too many sign-in attempts");
}

// ---------------------------------------------------------------------------------------
// 6. Sessions live in the store: they survive a restart, and signing out ends them.
// ---------------------------------------------------------------------------------------

fn sessions_survive_a_restart_and_end_at_sign_out(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let first = Server::start(&world);
    let username = world.account(Role::VulnerabilityOfficer).username.clone();
    let mut browser = Client::signed_in(&first, &username);
    browser.get(&format!("/dashboard?{PERIOD}")).expect(200);
    let session = browser.cookies["beacon_session"].clone();
    let address = first.address;
    drop(first);
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "the first server has stopped"
    );

    let second = Server::start(&world);
    browser.switch_to(&second);
    let dashboard = browser.get(&format!("/dashboard?{PERIOD}"));
    dashboard
        .expect(200)
        .shows("Signed in as Test Vulnerability officer");

    // Signing out ends the session: the old cookie no longer opens anything.
    let csrf = dashboard.hidden("csrf_token");
    let out = browser.post_form("/sign-out", &[("csrf_token", &csrf)]);
    out.expect(303);
    assert_eq!(out.location(), "/sign-in");
    assert!(
        out.set_cookie("beacon_session")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "{out:?}"
    );
    assert!(!browser.cookies.contains_key("beacon_session"));
    browser.cookies.insert("beacon_session".into(), session);
    assert_sent_to_sign_in(&browser.get("/dashboard"), "/dashboard");
    assert_eq!(
        browser
            .send("GET", "/api/v1/me", &[], None)
            .expect(401)
            .json()["error"]
            .as_str()
            .map(|e| e.contains("Bearer")),
        Some(true)
    );
    assert!(
        world
            .audit("sign_out")
            .iter()
            .any(|event| event.event.actor == username)
    );

    // A coordinator changing someone's role, or disabling them, signs them out too.
    let mut coordinator = Client::signed_in(&second, &world.account(Role::Coordinator).username);
    let csrf = coordinator.csrf();
    let analyst = world.account(Role::Analyst).clone();
    let partner = world.account(Role::PartnerItManager).clone();
    let mut analyst_browser = Client::signed_in(&second, &analyst.username);
    let mut partner_browser = Client::signed_in(&second, &partner.username);
    analyst_browser.get("/runs").expect(200);
    partner_browser.get("/my-organisation").expect(200);
    coordinator
        .post_form(
            &format!("/users/{}", analyst.id),
            &[("csrf_token", &csrf), ("role", "business_user")],
        )
        .expect(303);
    assert_sent_to_sign_in(&analyst_browser.get("/runs"), "/runs");
    coordinator
        .post_form(
            &format!("/users/{}", partner.id),
            &[
                ("csrf_token", &csrf),
                ("role", "partner_it_manager"),
                ("disabled", "yes"),
            ],
        )
        .expect(303);
    assert_sent_to_sign_in(&partner_browser.get("/my-organisation"), "/my-organisation");
    partner_browser
        .sign_in(&partner.username, PASSWORD)
        .expect(401)
        .shows("Enter a correct username and password");
    // The analyst, now a business user, signs in to the business user's start page.
    assert_eq!(
        analyst_browser
            .sign_in(&analyst.username, PASSWORD)
            .expect(303)
            .location(),
        "/"
    );
    assert_eq!(analyst_browser.get("/").location(), "/account");
    assert_refused_page(&analyst_browser.get("/runs"));
}

scenarios!(
    signing_in_locks_after_five_wrong_passwords,
    sign_in_attempts_are_limited_per_address,
    sessions_survive_a_restart_and_end_at_sign_out,
);
