//! The pages a user meets: bad dates and unknown filters are errors shown on the same
//! form with the input kept, error pages keep the menu, periods are bounded, dates use
//! GOV.UK's day, month and year fields, lists have GOV.UK pagination, and the rate card
//! compares rates with rates.

#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

/// The value attribute of the input whose id is `id`.
fn input_value(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    attribute(tag_around(html, at), "value")
}

/// The "change" line under the headline figure labelled `label`.
fn figure_change(html: &str, label: &str) -> Option<String> {
    let at = html.find(&format!(">{label}<"))?;
    let after = &html[at..];
    let change = after.find("beacon-figure__change")?;
    let inner = after[change..].split_once('>')?.1;
    Some(visible_text(inner.split("</").next()?))
}

#[track_caller]
fn assert_has_menu(reply: &Reply) {
    assert!(
        reply.body.contains("href=\"/dashboard\"") && reply.body.contains("Sign out"),
        "the page should keep the menu and sign-out: {}",
        reply.body
    );
}

fn a_bad_date_keeps_the_input_and_shows_the_summary(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);

    // 31 February is no date: the form comes back with the summary, the field marked and
    // every value as typed.
    let reply = browser.get(
        "/dashboard?period=quarter&from-day=31&from-month=2&from-year=2018&to-day=30&to-month=6&to-year=2018",
    );
    reply
        .expect(400)
        .shows("There is a problem")
        .shows("The start date must be a real date");
    assert!(reply.body.contains("govuk-error-summary"));
    assert!(reply.body.contains("<a href=\"#from-day\">"));
    assert!(reply.body.contains("id=\"from-error\""));
    assert_eq!(input_value(&reply.body, "from-day").as_deref(), Some("31"));
    assert_eq!(input_value(&reply.body, "from-month").as_deref(), Some("2"));
    assert_eq!(input_value(&reply.body, "to-month").as_deref(), Some("6"));
    assert!(
        reply.text().contains("Error: Dashboard") || reply.body.contains("<title>Error: Dashboard")
    );
    assert_has_menu(&reply);

    // A start after the end, given whole in a link, is shown on the form too.
    let reply = browser.get("/dashboard?from=2018-06-01&to=2018-01-01");
    reply
        .expect(400)
        .shows("The start date must be on or before the end date");
    assert_eq!(
        input_value(&reply.body, "from-year").as_deref(),
        Some("2018")
    );
    assert_eq!(input_value(&reply.body, "to-month").as_deref(), Some("1"));

    // The district page and the explorer do the same.
    let code = world.summary().by_district[0]
        .district_code
        .clone()
        .expect("a district code");
    browser
        .get(&format!("/districts/{code}?from=2018-13-01&to=2018-12-31"))
        .expect(400)
        .shows("There is a problem");
    browser
        .get("/explore?from-day=1&from-month=1&to-day=31&to-month=12&to-year=2018")
        .expect(400)
        .shows("The start date must include a year");

    // So does the board update's form.
    let reply = browser.get("/board?from=2018-02-30&to=2018-03-31");
    reply
        .expect(400)
        .shows("There is a problem")
        .shows("The start date must be a real date");
    assert_eq!(input_value(&reply.body, "from-day").as_deref(), Some("30"));

    // The API answers the same check as JSON.
    let reply = browser.get("/api/v1/summary?from=2018-06-01&to=2018-01-01");
    reply.expect(400);
    assert!(
        reply.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("on or before")),
        "{}",
        reply.body
    );
}

fn a_period_of_any_width_answers_quickly_with_a_small_page(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);

    // Years outside 1900 to 2100 are refused at once, on the form.
    let started = Instant::now();
    let reply = browser.get("/dashboard?from=-9999-01-01&to=9999-12-31");
    reply
        .expect(400)
        .shows("The start date must have a year between 1900 and 2100");
    assert!(reply.body.len() < 100_000, "{} bytes", reply.body.len());
    let reply = browser.get("/api/v1/summary?from=-9999-01-01&to=9999-12-31");
    reply.expect(400);
    assert!(reply.json()["error"].is_string());

    // The widest period allowed is clamped to the reports held (and so to 10 years).
    let reply = browser.get("/dashboard?from=1900-01-01&to=2100-12-31");
    reply
        .expect(200)
        .shows("You asked for 1 January 1900 to 31 December 2100")
        .shows("within the reports held");
    assert!(reply.body.len() < 3_000_000, "{} bytes", reply.body.len());
    let reply = browser.get("/api/v1/summary?from=1900-01-01&to=2100-12-31");
    reply.expect(200);
    let months = reply.json()["months"].as_array().map_or(0, Vec::len);
    assert!(months <= 12 * 10 + 12, "{months} months in the summary");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

fn a_long_period_outside_the_data_is_at_most_ten_years(_kind: Backend) {
    use time::macros::date;
    let period = Period::new(date!(1900 - 01 - 01), date!(2100 - 12 - 31)).expect("period");
    // No reports at all: only the span is bounded, keeping the most recent end.
    let (clamped, note) = beacon_web::stats::clamp(period, None);
    assert_eq!(
        (clamped.from, clamped.to),
        (date!(2091 - 01 - 01), date!(2100 - 12 - 31))
    );
    assert!(note.is_some_and(|n| n.contains("of at most 10 years")));
    // Inside the data: unchanged, with nothing to say.
    let inside = Period::new(date!(2018 - 01 - 01), date!(2018 - 12 - 31)).expect("period");
    let range = Some((date!(2017 - 01 - 01), date!(2019 - 12 - 31)));
    assert_eq!(beacon_web::stats::clamp(inside, range), (inside, None));
}

fn unknown_filter_values_are_errors_the_user_sees(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    for (query, field, message) in [
        (
            "district=E99999999",
            "district",
            "Choose a district from the list",
        ),
        (
            "fraud_type=NOPE",
            "fraud_type",
            "Choose a type from the list",
        ),
        ("category=crime", "category", "Choose a kind from the list"),
        (
            "victim_type=alien",
            "victim_type",
            "Choose a victim from the list",
        ),
        (
            "loss_band=huge",
            "loss_band",
            "Choose a loss band from the list",
        ),
        (
            "local_issue=nothing",
            "local_issue",
            "Choose a local issue from the list",
        ),
        (
            "sort=sideways",
            "filters",
            "Choose a sort order from the list",
        ),
        (
            "page=abc",
            "filters",
            "The page must be a whole number from 1",
        ),
        (
            "page=0",
            "filters",
            "The page must be a whole number from 1",
        ),
        ("page=999", "filters", "There is no page 999"),
        (
            "rows=1&row_sort=random",
            "filters",
            "Choose a sort order for reports",
        ),
    ] {
        let reply = browser.get(&format!("/explore?{PERIOD}&{query}"));
        reply.expect(400).shows("There is a problem").shows(message);
        assert!(
            reply.body.contains(&format!("<a href=\"#{field}\">")),
            "{query}: the summary should link to {field}"
        );
        assert!(
            reply.body.contains(&format!("id=\"{field}\"")),
            "{query}: the summary's link goes to something on the page"
        );
        assert_has_menu(&reply);
    }
    // An unknown period preset is one too, on every period form.
    browser
        .get("/dashboard?period=fortnight")
        .expect(400)
        .shows("Choose a period from the list ('fortnight' is not one)");
    let reply = browser.get("/explore?period=fortnight");
    reply.expect(400);
    assert!(reply.body.contains("<a href=\"#period\">"));

    // The wrong value is kept in view: the district's error sits beside its list.
    let reply = browser.get(&format!("/explore?{PERIOD}&district=E99999999"));
    assert!(reply.body.contains("id=\"district-error\""));
    // And the CSV downloads refuse it rather than ignore it.
    browser
        .get(&format!("/explore/groups.csv?{PERIOD}&victim_type=alien"))
        .expect(400);
    // A good filter still works.
    browser
        .get(&format!(
            "/explore?{PERIOD}&victim_type=individual&category=fraud"
        ))
        .expect(200);
}

fn error_pages_keep_the_layout_and_unknown_routes_are_404_pages(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);

    let reply = browser.get("/no-such-page");
    reply.expect(404).shows("Page not found");
    assert_has_menu(&reply);
    assert!(reply.body.contains("govuk-header"));

    // A district that is not in the area.
    let reply = browser.get("/districts/E06099999");
    reply.expect(404).shows("Page not found");
    assert_has_menu(&reply);

    // A malformed address (a repeated date) is an error page in the layout, not plain text.
    let reply = browser.get("/dashboard?from=2018-01-01&to=2018-12-31&to=2019-01-01");
    reply
        .expect(400)
        .shows("There is a problem with the request")
        .shows("not one Beacon can read");
    assert_has_menu(&reply);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );

    // A refusal keeps the menu too.
    let reply = browser.get("/audit");
    assert_refused_page(&reply);
    assert_has_menu(&reply);

    // The register's page number is checked too.
    for query in ["page=abc", "page=0", "page=41", "page=2"] {
        let reply = browser.get(&format!("/register/addresses?{query}"));
        reply.expect(400);
        assert_has_menu(&reply);
    }
    browser.get("/register/addresses?page=1").expect(200);

    // Someone not signed in gets the page without a menu.
    let mut stranger = Client::new(&server);
    let reply = stranger.get("/no-such-page");
    reply.expect(404).shows("Page not found");
    assert!(!reply.body.contains("Sign out"));

    // API routes still answer JSON.
    let reply = browser.get("/api/v1/no-such-route");
    reply.expect(404);
    assert!(reply.json()["error"].is_string());
}

fn period_forms_use_govuk_date_inputs(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    for path in [
        format!("/dashboard?{PERIOD}"),
        format!("/explore?{PERIOD}"),
        format!("/board?{PERIOD}"),
        "/audit".to_owned(),
    ] {
        let reply = browser.get(&path);
        reply.expect(200);
        assert!(
            !reply.body.contains("type=\"date\""),
            "{path}: no native date input"
        );
        assert!(reply.body.contains("govuk-date-input"), "{path}");
        for id in [
            "from-day",
            "from-month",
            "from-year",
            "to-day",
            "to-month",
            "to-year",
        ] {
            assert!(
                reply.body.contains(&format!(
                    "<label class=\"govuk-label govuk-date-input__label\" for=\"{id}\">"
                )),
                "{path}: {id} has a label"
            );
        }
        assert!(
            reply.body.contains("<legend"),
            "{path}: the dates have a legend"
        );
    }
    // A link's whole dates fill the fields.
    let reply = browser.get(&format!("/dashboard?{PERIOD}"));
    assert_eq!(input_value(&reply.body, "from-day").as_deref(), Some("1"));
    assert_eq!(input_value(&reply.body, "to-month").as_deref(), Some("12"));
    assert_eq!(input_value(&reply.body, "to-year").as_deref(), Some("2018"));
    // And the form's own fields choose the period.
    let reply = browser.get(
        "/dashboard?from-day=1&from-month=1&from-year=2018&to-day=31&to-month=12&to-year=2018",
    );
    reply
        .expect(200)
        .shows("Fraud and cyber crime, 1 January to 31 December 2018");
}

fn lists_have_govuk_pagination(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let reply = browser.get(&format!("/explore?{PERIOD}&rows=1&row_page=3#reports"));
    reply.expect(200);
    let body = &reply.body;
    assert!(body.contains("aria-label=\"Pages of reports\""));
    assert!(body.contains("rel=\"prev\"") && body.contains("rel=\"next\""));
    assert!(body.contains("row_page=2"), "Previous goes to page 2");
    assert!(body.contains("govuk-pagination__item--ellipses"));
    assert!(body.contains("aria-label=\"Page 3\" aria-current=\"page\""));
    assert!(body.contains(">Previous<span class=\"govuk-visually-hidden\"> page</span>"));
    assert!(body.contains(">Next<span class=\"govuk-visually-hidden\"> page</span>"));

    // The audit log pages with Previous and Next.
    for _ in 0..3 {
        browser.get(&format!("/explore?{PERIOD}&rows=1"));
    }
    let reply = browser.get("/audit?page=2");
    reply.expect(200);
    assert!(reply.body.contains("aria-label=\"Pages of the audit log\""));
    assert!(reply.body.contains("rel=\"prev\""));
}

fn timestamps_and_codes_are_in_words(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    browser
        .get(&format!("/explore?{PERIOD}&rows=1"))
        .expect(200);
    let reply = browser.get("/audit");
    reply.expect(200).shows("Times are UK time");
    assert!(reply.body.contains("title=\"View report rows\""));
    // No raw RFC 3339 moments in the table, but machine-readable ones in <time>.
    let times: Vec<&str> = reply
        .body
        .split("<time datetime=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('>')?.1.split('<').next())
        .collect();
    assert!(!times.is_empty());
    let today = beacon_web::chrome::format::local_date(time::OffsetDateTime::now_utc());
    for when in &times {
        assert!(
            !when.contains('T') && when.contains(" at ") && when.starts_with(&today),
            "a time in words, today in UK time: {when:?}"
        );
    }
    assert!(reply.body.contains("<time datetime=\""));
    // The explorer's rows: dates in words, codes as words.
    let reply = browser.get(&format!("/explore?{PERIOD}&rows=1&victim_type=individual"));
    let rows = table_rows(&reply.body);
    let row = rows.last().expect("a report row");
    assert!(row.iter().any(|cell| cell == "Individual"), "{row:?}");
    assert!(
        row.iter()
            .any(|cell| cell.ends_with(" 2018") && !cell.contains('-')),
        "a date in words: {row:?}"
    );
}

fn moments_on_pages_are_uk_local_time_across_summer_time(kind: Backend) {
    use time::macros::datetime;
    let Some(world) = World::new(kind, false) else {
        return;
    };
    // The digest was acknowledged at 11:30pm UTC on 1 July, in summer time: half past
    // midnight on 2 July in the UK.
    let mut store = world.place.open();
    let digest = store.outbox(None, 10).expect("the outbox")[0].id;
    assert!(
        store
            .acknowledge_digest(digest, "it@example.org", datetime!(2026-07-01 23:30 UTC))
            .expect("acknowledged")
    );
    drop(store);
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let reply = browser.get("/register/outbox");
    reply
        .expect(200)
        .shows("2 July 2026 at 12:30am by it@example.org");
    assert!(!reply.text().contains("2026-07-01"));
}

fn the_rate_card_compares_with_last_years_rate(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let summary = world.summary();
    let reply = browser.get(&format!("/dashboard?{PERIOD}"));
    reply.expect(200);
    let change = figure_change(&reply.body, "Reports per 100,000 residents").expect("the card");
    let earlier_rate =
        wording::rate_per_100k(summary.year_earlier.all.reports, Some(summary.population));
    assert_eq!(change, format!("{earlier_rate} a year earlier"));
}

fn the_summary_column_has_room(_kind: Backend) {
    let css = include_str!("../assets/beacon.css");
    assert!(css.contains(".beacon-summary-column { width: 18em; min-width: 18em; }"));
    assert!(css.contains(
        ".beacon-table-wrap { max-width: 100%; margin-bottom: 20px; overflow-x: auto; }"
    ));
    let template = include_str!("../src/areas/reports/templates/explore.html");
    assert!(template.contains("<td class=\"govuk-table__cell beacon-summary-column\">"));
}

scenarios!(
    a_bad_date_keeps_the_input_and_shows_the_summary,
    a_period_of_any_width_answers_quickly_with_a_small_page,
    a_long_period_outside_the_data_is_at_most_ten_years,
    unknown_filter_values_are_errors_the_user_sees,
    error_pages_keep_the_layout_and_unknown_routes_are_404_pages,
    period_forms_use_govuk_date_inputs,
    lists_have_govuk_pagination,
    timestamps_and_codes_are_in_words,
    the_rate_card_compares_with_last_years_rate,
    moments_on_pages_are_uk_local_time_across_summer_time,
    the_summary_column_has_room,
);
