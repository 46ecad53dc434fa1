//! Who gets in, and how: API tokens (their scheme, their expiry, their reach), the
//! sign-in form's checks, and the audit of every refusal.
#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

scenarios!(api_tokens_expire_read_the_scheme_in_any_case_and_open_no_pages,);

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
