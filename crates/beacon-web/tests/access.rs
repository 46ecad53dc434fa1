//! Who gets in, and how: API tokens (their scheme, their expiry, their reach), the
//! sign-in form's checks, and the audit of every refusal.
#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

scenarios!(
    api_tokens_expire_read_the_scheme_in_any_case_and_open_no_pages,
    refusals_are_audited_in_plain_words_with_address_and_agent,
    sign_in_follows_only_plain_local_paths,
    unknown_names_lock_like_real_ones,
    only_failed_sign_ins_count_against_an_address,
    hsts_is_sent_over_https_only,
    every_api_error_is_json,
    victim_level_reads_are_audited_in_plain_words,
    refused_uploads_are_audited,
);

/// Makes an API token for `account`, working until `expires_at`.
fn token_for(world: &World, account: &Account, expires_at: time::OffsetDateTime) -> String {
    let token = beacon_web::auth::new_token();
    world
        .place
        .open()
        .create_api_token(
            account.id,
            "access tests",
            &beacon_web::auth::token_hash(&token),
            expires_at,
        )
        .expect("a token");
    token
}

fn api_tokens_expire_read_the_scheme_in_any_case_and_open_no_pages(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    let now = time::OffsetDateTime::now_utc();
    let live = token_for(&world, &analyst, now + time::Duration::days(90));
    let expired = token_for(&world, &analyst, now - time::Duration::minutes(1));
    let mut script = Client::new(&server);
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let header = format!("{scheme} {live}");
        let me = script.send("GET", "/api/v1/me", &[("authorization", &header)], None);
        me.expect(200);
        assert_eq!(me.json()["username"], analyst.username.as_str(), "{scheme}");
    }
    let header = format!("Bearer {expired}");
    let refused = script.send("GET", "/api/v1/me", &[("authorization", &header)], None);
    refused.expect(401);
    assert!(refused.json()["error"].is_string(), "{}", refused.body);
    // A token is for scripts on the API: on a page it counts for nothing.
    let header = format!("Bearer {live}");
    let page = script.send("GET", "/dashboard", &[("authorization", &header)], None);
    assert_sent_to_sign_in(&page, "/dashboard");
}

/// The newest audit event with `action`.
fn newest(world: &World, action: &str) -> AuditRecord {
    world
        .audit(action)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("an audit event {action}"))
}

fn refusals_are_audited_in_plain_words_with_address_and_agent(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    let mut client = Client::signed_in(&server, &analyst.username);
    let agent = [("user-agent", "BeaconAccessTest/1.0")];
    assert_refused_page(&client.send("GET", "/audit", &agent, None));
    let refused = newest(&world, "access_refused");
    assert_eq!(refused.event.actor, analyst.username);
    assert_eq!(refused.event.subject, "GET /audit");
    assert_eq!(
        refused.event.detail,
        "refused: analysts may not see the audit log"
    );
    assert_eq!(refused.origin.address.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        refused.origin.user_agent.as_deref(),
        Some("BeaconAccessTest/1.0")
    );

    client.get("/users").expect(403);
    assert_eq!(
        newest(&world, "access_refused").event.detail,
        "refused: analysts may not manage accounts"
    );
    // A role change with the session's own valid token is still refused, and audited.
    let csrf = client.csrf();
    let spare = world.spare.id;
    let change = client.post_form(
        &format!("/users/{spare}"),
        &[("csrf_token", &csrf), ("role", "coordinator")],
    );
    change.expect(403);
    let refused = newest(&world, "access_refused");
    assert_eq!(refused.event.subject, format!("POST /users/{spare}"));
    assert_eq!(
        refused.event.detail,
        "refused: analysts may not manage accounts"
    );

    // A form without the session's token.
    let forged = client.post_form("/sign-out", &[("csrf_token", "forged")]);
    forged.expect(403);
    let refused = newest(&world, "csrf_refused");
    assert_eq!(refused.event.actor, analyst.username);
    assert!(refused.event.detail.starts_with("refused: "), "{refused:?}");

    // The coordinator sees the refusal on the audit page, with where it came from.
    let coordinator = world.account(Role::Coordinator).clone();
    let mut coordinator = Client::signed_in(&server, &coordinator.username);
    coordinator
        .get("/audit?action=access_refused")
        .expect(200)
        .shows("refused: analysts may not see the audit log")
        .shows("127.0.0.1, BeaconAccessTest/1.0");

    // Every web audit event carries its client, not only refusals.
    let signed_in = newest(&world, "sign_in");
    assert_eq!(signed_in.origin.address.as_deref(), Some("127.0.0.1"));
}

fn sign_in_follows_only_plain_local_paths(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    for (next, expected) in [
        ("/%09/evil.example/x", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("/dashboard", "/dashboard"),
    ] {
        let mut client = Client::new(&server);
        let form = client.get("/sign-in");
        let csrf = form.hidden("csrf_token");
        let signed_in = client.post_form(
            "/sign-in",
            &[
                ("username", &analyst.username),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
                ("next", next),
            ],
        );
        signed_in.expect(303);
        assert_eq!(signed_in.location(), expected, "next={next:?}");
    }
}

/// Signs in with a wrong password `times` times; returns the last answer.
fn fail_sign_in(client: &mut Client, username: &str, times: usize) -> Reply {
    let mut last = None;
    for _ in 0..times {
        last = Some(client.sign_in(username, "not the password at all"));
    }
    last.expect("at least one attempt")
}

fn unknown_names_lock_like_real_ones(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    let mut client = Client::new(&server);
    let real = fail_sign_in(&mut client, &analyst.username, 5);
    let unknown = fail_sign_in(&mut client, "nobody-by-this-name", 5);
    real.expect(403);
    unknown.expect(403);
    let words = |reply: &Reply| {
        let text = reply.text();
        let start = text
            .find("This account is locked")
            .expect("the lock message");
        text[start..start + 60].to_owned()
    };
    assert_eq!(words(&real), words(&unknown), "one message for both");
    let refused = newest(&world, "sign_in_refused");
    assert_eq!(refused.event.actor, "nobody-by-this-name");
}

fn only_failed_sign_ins_count_against_an_address(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start_with(&world, |settings| settings.sign_ins_per_address = 3);
    let analyst = world.account(Role::Analyst).clone();
    for _ in 0..5 {
        let mut client = Client::new(&server);
        client.sign_in(&analyst.username, PASSWORD).expect(303);
    }
    let mut client = Client::new(&server);
    fail_sign_in(&mut client, "someone-else", 3).expect(401);
    let limited = client.sign_in(&analyst.username, PASSWORD);
    limited.expect(429);
    let refused = newest(&world, "rate_limited");
    assert_eq!(refused.event.actor, analyst.username);
    assert_eq!(refused.origin.address.as_deref(), Some("127.0.0.1"));
}

fn hsts_is_sent_over_https_only(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    const HSTS: &str = "max-age=31536000; includeSubDomains";
    let proto = [("x-forwarded-proto", "https")];
    let plain = Server::start(&world);
    let mut client = Client::new(&plain);
    assert_eq!(
        client.get("/sign-in").header("strict-transport-security"),
        None
    );
    assert_eq!(
        client
            .send("GET", "/sign-in", &proto, None)
            .header("strict-transport-security"),
        None,
        "without a trusted proxy, X-Forwarded-Proto is only the client's word"
    );
    let proxied = Server::start_with(&world, |settings| {
        settings.trusted_proxy_header = Some("X-Forwarded-For".into());
    });
    let mut client = Client::new(&proxied);
    assert_eq!(
        client.get("/sign-in").header("strict-transport-security"),
        None
    );
    assert_eq!(
        client
            .send("GET", "/sign-in", &proto, None)
            .header("strict-transport-security"),
        Some(HSTS)
    );
    let secure = Server::start_with(&world, |settings| settings.secure_cookies = true);
    assert_eq!(
        Client::new(&secure)
            .get("/healthz")
            .header("strict-transport-security"),
        Some(HSTS)
    );
}

fn every_api_error_is_json(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    let token = token_for(
        &world,
        &analyst,
        time::OffsetDateTime::now_utc() + time::Duration::days(1),
    );
    let bearer = format!("Bearer {token}");
    let mut script = Client::new(&server);
    let mut ask = |path: &str| script.send("GET", path, &[("authorization", &bearer)], None);
    for path in [
        "/api/v1/runs?limit=abc",
        "/api/v1/runs?limit=0",
        "/api/v1/runs?limit=1001",
        "/api/v1/runs/abc",
        "/api/v1/summary?from=2018-01-01&to=2018-06-30&to=2018-12-31",
        "/api/v1/summary?from=2018-02-30&to=2018-12-31",
        "/api/v1/summary?from=2018-12-31&to=2018-01-01",
    ] {
        let reply = ask(path);
        reply.expect(400);
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{path}: {:?}",
            reply.headers
        );
        assert!(reply.json()["error"].is_string(), "{path}: {}", reply.body);
    }
    ask("/api/v1/runs?limit=1000").expect(200);
    ask("/api/v1/runs?limit=1").expect(200);
    // Dates in the CLI's forms: DD/MM/YYYY gives the same answer as YYYY-MM-DD.
    let iso = ask(&format!("/api/v1/summary?{PERIOD}")).expect(200).json();
    let uk = ask("/api/v1/summary?from=01/01/2018&to=31/12/2018")
        .expect(200)
        .json();
    assert_eq!(iso, uk);
    let refused = script.send(
        "POST",
        "/api/v1/summary",
        &[("authorization", &bearer)],
        None,
    );
    refused.expect(405);
    assert!(refused.json()["error"].is_string());
}

fn victim_level_reads_are_audited_in_plain_words(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).clone();
    let mut client = Client::signed_in(&server, &coordinator.username);
    client
        .get(&format!("/explore/reports.csv?{PERIOD}&district=E07000130"))
        .expect(200);
    let read = newest(&world, "download_report_rows");
    assert_eq!(
        read.event.detail,
        "period 1 January 2018 to 31 December 2018, district Charnwood"
    );
    assert_eq!(read.origin.address.as_deref(), Some("127.0.0.1"));
}

fn refused_uploads_are_audited(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).clone();
    let mut client = Client::signed_in(&server, &analyst.username);
    let csrf = client.get("/upload").expect(200).hidden("csrf_token");
    client
        .post_multipart("/upload", &[("csrf_token", None, csrf.as_bytes())])
        .expect(400);
    let refused = newest(&world, "upload_refused");
    assert_eq!(refused.event.actor, analyst.username);
    assert_eq!(refused.event.subject, "POST /upload");
    assert_eq!(refused.event.detail, "refused: Select a CSV file to upload");
}
