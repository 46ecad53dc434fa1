//! Forgery and the security headers: forms without the right token, and the headers
//! every response carries.

use super::*;

// ---------------------------------------------------------------------------------------
// 5. Forms without the right anti-forgery token.
// ---------------------------------------------------------------------------------------

fn forms_without_the_right_token_are_refused(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).username.clone();
    let mut browser = Client::signed_in(&server, &coordinator);
    let good = browser.csrf();
    // Another session's token is as wrong as a made-up one.
    let foreign = Client::signed_in(&server, &world.account(Role::Analyst).username).csrf();
    assert_ne!(good, foreign);
    let wrong = ["", "0123456789abcdef", foreign.as_str()];

    let new_user: &[(&str, &str)] = &[
        ("username", "forged"),
        ("display_name", "Forged Account"),
        ("role", "coordinator"),
        ("organisation", ""),
        ("password", "a long enough password"),
    ];
    let password: &[(&str, &str)] = &[("current", PASSWORD), ("new", "a brand new password")];
    let change: &[(&str, &str)] = &[("role", "coordinator"), ("disabled", "yes")];
    let spare = format!("/users/{}", world.spare.id);
    let forms: [(&str, &[(&str, &str)]); 4] = [
        ("/users", new_user),
        ("/account/password", password),
        (&spare, change),
        ("/sign-out", &[]),
    ];
    let mut failures = Vec::new();
    for (path, fields) in forms {
        // (Without the field at all: see the next scenario.)
        let mut attempts = Vec::new();
        for token in wrong {
            let mut with = fields.to_vec();
            with.push(("csrf_token", token));
            attempts.push((format!("csrf_token {token:?}"), with));
        }
        for (what, fields) in attempts {
            let reply = browser.post_form(path, &fields);
            if reply.status == 403 {
                reply.shows("this form has expired or was not sent from Beacon");
            } else {
                failures.push(format!("POST {path} with {what}: {}", reply.status));
            }
        }
    }
    for (what, parts) in [
        (
            "no csrf_token field",
            vec![("file", Some("forged.csv"), UPLOAD.as_bytes())],
        ),
        (
            "a wrong csrf_token",
            vec![
                ("csrf_token", None, foreign.as_bytes()),
                ("file", Some("forged.csv"), UPLOAD.as_bytes()),
            ],
        ),
        (
            "the token after the file",
            vec![
                ("file", Some("forged.csv"), UPLOAD.as_bytes()),
                ("csrf_token", None, foreign.as_bytes()),
            ],
        ),
    ] {
        let reply = browser.post_multipart("/upload", &parts);
        if reply.status != 403 {
            failures.push(format!("POST /upload with {what}: {}", reply.status));
        }
    }

    // Nothing happened: no account, no load, the password and session unchanged.
    let mut store = world.place.open();
    assert!(
        store.user_for_sign_in("forged").expect("lookup").is_none(),
        "no forged account"
    );
    assert!(world.runs().is_empty(), "no forged upload");
    let spare_now = store.user(world.spare.id).expect("user").expect("spare");
    assert!(!spare_now.disabled && spare_now.role == Role::BusinessUser);
    browser.get("/account").expect(200);
    assert_eq!(browser.csrf(), good, "the session lives on");

    // A sign-in without its form's cookie, or with another form's token.
    let mut stranger = Client::new(&server);
    let form = stranger.get("/sign-in");
    let token = form.hidden("csrf_token");
    let mut cookieless = Client::new(&server);
    cookieless
        .post_form(
            "/sign-in",
            &[
                ("username", &coordinator),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .expect(403);
    stranger
        .post_form(
            "/sign-in",
            &[
                ("username", &coordinator),
                ("password", PASSWORD),
                ("csrf_token", &good),
            ],
        )
        .expect(403);
    assert!(!stranger.cookies.contains_key("beacon_session"));
    assert!(
        failures.is_empty(),
        "forms not refused with 403:\n{}",
        failures.join("\n")
    );

    // The right token works (the control).
    browser
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &good),
                ("current", PASSWORD),
                ("new", "a brand new password"),
            ],
        )
        .expect(303);
    assert_sent_to_sign_in(&browser.get("/account"), "/account");
}

/// A form posted without any `csrf_token` field is forged as surely as one with a wrong
/// token, and is answered the same way: 403 and the "form has expired" page.
///
/// Guards against the form extractors needing the field: axum would then refuse the body
/// first with a bare 422 ("Failed to deserialize form body: missing field `csrf_token`")
/// before the handler's check runs.
fn a_form_without_its_token_field_is_refused_as_forged(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).username.clone();
    let mut browser = Client::signed_in(&server, &coordinator);
    let spare = format!("/users/{}", world.spare.id);
    let forms: [(&str, &[(&str, &str)]); 4] = [
        (
            "/users",
            &[
                ("username", "forged"),
                ("display_name", "Forged Account"),
                ("role", "coordinator"),
                ("organisation", ""),
                ("password", "a long enough password"),
            ],
        ),
        (
            "/account/password",
            &[("current", PASSWORD), ("new", "a brand new password")],
        ),
        (&spare, &[("role", "coordinator"), ("disabled", "yes")]),
        ("/sign-out", &[]),
    ];
    let mut failures = Vec::new();
    for (path, fields) in forms {
        let reply = browser.post_form(path, fields);
        if reply.status != 403 || !reply.text().contains("this form has expired") {
            failures.push(format!("POST {path}: {} {}", reply.status, reply.body));
        }
    }
    let mut stranger = Client::new(&server);
    stranger.get("/sign-in").expect(200);
    let reply = stranger.post_form(
        "/sign-in",
        &[("username", &coordinator), ("password", PASSWORD)],
    );
    if reply.status != 403 {
        failures.push(format!("POST /sign-in: {} {}", reply.status, reply.body));
    }
    assert!(
        world
            .place
            .open()
            .user_for_sign_in("forged")
            .expect("lookup")
            .is_none()
    );
    browser.get("/account").expect(200);
    assert!(
        failures.is_empty(),
        "forms without a csrf_token field are not refused as forged (403):\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// 8. Security headers.
// ---------------------------------------------------------------------------------------

fn every_response_carries_the_security_headers(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut anonymous = Client::new(&server);
    let mut signed_in = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let replies = [
        ("/sign-in", anonymous.get("/sign-in")),
        ("/dashboard", anonymous.get("/dashboard")),
        ("/no-such-page", anonymous.get("/no-such-page")),
        ("/api/v1/summary", anonymous.get("/api/v1/summary")),
        ("/users (signed in)", signed_in.get("/users")),
        ("/api/v1/me (signed in)", signed_in.get("/api/v1/me")),
        ("/assets/beacon.css", anonymous.get("/assets/beacon.css")),
        ("/assets/progress.js", anonymous.get("/assets/progress.js")),
    ];
    for (what, reply) in &replies {
        let csp = reply
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no CSP"));
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
    }
    assert_eq!(replies[4].1.header("cache-control"), Some("no-store"));
    for (what, reply) in &replies[6..] {
        assert_eq!(
            reply.header("cache-control"),
            Some("public, max-age=3600"),
            "{what}"
        );
    }
    assert_eq!(replies[2].1.status, 404);
}

scenarios!(
    forms_without_the_right_token_are_refused,
    a_form_without_its_token_field_is_refused_as_forged,
    every_response_carries_the_security_headers,
);
