//! Running Beacon: API tokens for scripts.

use super::*;

// ---------------------------------------------------------------------------------------
// 9. API tokens.
// ---------------------------------------------------------------------------------------

fn api_tokens_authorise_scripts(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let year = &world.data().expected.by_year[&2018];
    let analyst = world.account(Role::Analyst).clone();
    let business = world.account(Role::BusinessUser).clone();
    let token = beacon_web::auth::new_token();
    let weak_token = beacon_web::auth::new_token();
    {
        let mut store = world.place.open();
        store
            .create_api_token(
                analyst.id,
                "nightly figures",
                &beacon_web::auth::token_hash(&token),
                time::OffsetDateTime::now_utc() + time::Duration::days(90),
            )
            .expect("a token");
        store
            .create_api_token(
                business.id,
                "business script",
                &beacon_web::auth::token_hash(&weak_token),
                time::OffsetDateTime::now_utc() + time::Duration::days(90),
            )
            .expect("a token");
    }
    let mut script = Client::new(&server);
    let bearer = format!("Bearer {token}");
    let summary = script.send(
        "GET",
        &format!("/api/v1/summary?{PERIOD}"),
        &[("authorization", &bearer)],
        None,
    );
    summary.expect(200);
    assert!(
        summary
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    assert_eq!(summary.json()["fraud"]["reports"], year.fraud.reports);
    let me = script
        .send("GET", "/api/v1/me", &[("authorization", &bearer)], None)
        .expect(200)
        .json();
    assert_eq!(me["username"], analyst.username.as_str());
    assert_eq!(me["role"], "analyst");
    assert!(
        script.cookies.is_empty(),
        "the API sets no cookies for a token"
    );

    // A wrong token, no token, or a token in the wrong form: 401, as JSON.
    for authorization in [
        Some(format!("Bearer {}", beacon_web::auth::new_token())),
        Some(format!("Bearer {token}x")),
        Some(format!("Basic {token}")),
        None,
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|value| ("authorization", value.as_str()))
            .collect();
        let refused = script.send("GET", &format!("/api/v1/summary?{PERIOD}"), &headers, None);
        refused.expect(401);
        assert!(
            refused.json()["error"]
                .as_str()
                .is_some_and(|e| e.contains("Bearer")),
            "{}",
            refused.body
        );
    }

    // A token carries its account's role.
    let weak = format!("Bearer {weak_token}");
    let refused = script.send(
        "GET",
        &format!("/api/v1/summary?{PERIOD}"),
        &[("authorization", &weak)],
        None,
    );
    refused.expect(403);
    assert_eq!(refused.json()["error"], "your role does not allow this");
    script
        .send("GET", "/api/v1/runs", &[("authorization", &bearer)], None)
        .expect(200);

    // A token is not a session: off the API it counts for nothing, so it cannot send forms.
    let refused = script.send(
        "POST",
        "/sign-out",
        &[("authorization", &bearer)],
        Some(("application/x-www-form-urlencoded", b"csrf_token=".to_vec())),
    );
    refused.expect(303);
    assert_eq!(refused.location(), "/sign-in?next=/");
}

scenarios!(api_tokens_authorise_scripts,);
