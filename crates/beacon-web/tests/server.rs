//! The web application end to end: each test starts the real server (the router behind
//! `beacon_web::serve`) on a random loopback port over a fresh database, loaded with a
//! known synthetic dataset, and talks to it over HTTP as a browser or a script would.
//!
//! Every scenario runs on both backends: `<scenario>::sqlite` and `<scenario>::postgres`.
//! Each test gets a fresh database from `beacon_testing::TestDatabase`: on PostgreSQL, one
//! created on the server named by `BEACON_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards. When the server
//! cannot be reached the PostgreSQL tests are skipped with a note, unless `CI` is set, in
//! which case they fail.
//!
//! Expected figures are computed apart from the web code: from the demo generator's own
//! count of what it wrote, from `beacon_analytics` over the store, or by counting the
//! fixture file by hand.

#![allow(dead_code)]

include!("support/harness.rs");

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
// 2. Every page, with the right figures for the known dataset.
// ---------------------------------------------------------------------------------------

/// The seeded dataset's 2018 reports per district, counted by hand from the generator's
/// file (good, distinct rows by `district_code`; the test checks the file still holds
/// exactly these): code ("" for rows without one), name, fraud, cyber crime, and the total
/// as the district table shows it. Busiest first.
const DISTRICTS_2018: [(&str, &str, u64, u64, &str); 10] = [
    ("E06000016", "Leicester", 459, 19, "478"),
    ("E07000130", "Charnwood", 247, 10, "257"),
    ("E07000132", "Hinckley and Bosworth", 171, 3, "174"),
    ("E07000129", "Blaby", 141, 6, "147"),
    ("E07000134", "North West Leicestershire", 137, 6, "143"),
    ("E07000131", "Harborough", 118, 2, "120"),
    ("E07000135", "Oadby and Wigston", 76, 3, "79"),
    ("E07000133", "Melton", 63, 1, "64"),
    ("E06000017", "Rutland", 46, 1, "47"),
    ("", "", 16, 0, "16"),
];

fn every_page_shows_the_known_figures(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).clone();
    let mut browser = Client::signed_in(&server, &coordinator.username);
    let data = world.data();
    let year = &data.expected.by_year[&2018];
    assert_eq!(
        (year.fraud.reports, year.cyber.reports),
        (1_474, 51),
        "the generator's 2018 totals, as the literals below assume"
    );
    assert_eq!(
        data.by_district,
        DISTRICTS_2018
            .iter()
            .map(|&(code, _, fraud, cyber, _)| (code.to_owned(), DistrictCount { fraud, cyber }))
            .collect::<BTreeMap<_, _>>(),
        "DISTRICTS_2018 is what the generated file holds, counted from its district_code column"
    );
    let words = "1 January to 31 December 2018";

    // The dashboard: headline figures and the district table linking to each district.
    let dashboard = browser.get(&format!("/dashboard?{PERIOD}"));
    dashboard
        .expect(200)
        .shows(&format!("Fraud and cyber crime, {words}"));
    assert_eq!(
        figure(&dashboard.body, "Fraud reports").as_deref(),
        Some("1,474")
    );
    assert_eq!(
        figure(&dashboard.body, "Cyber crime reports").as_deref(),
        Some("51")
    );
    let rows = table_rows(&dashboard.body);
    let hrefs = links(&dashboard.body);
    for &(code, name, _, _, shown) in DISTRICTS_2018.iter().filter(|d| !d.0.is_empty()) {
        assert!(
            rows.iter()
                .any(|cells| cells.len() >= 2 && cells[0] == name && cells[1] == shown),
            "the district table shows {name} with {shown} reports: {rows:?}"
        );
        let href = format!("/districts/{code}?{PERIOD}");
        assert!(hrefs.contains(&href), "a link {href} in {hrefs:?}");
    }

    // A district's page, reached by its link: the busiest district, Leicester.
    let (code, name, fraud, cyber, _) = DISTRICTS_2018[0];
    assert_eq!(
        (code, name, fraud, cyber),
        ("E06000016", "Leicester", 459, 19)
    );
    let page = browser.get(&format!("/districts/{code}?{PERIOD}"));
    page.expect(200).shows(&format!("Leicester, {words}"));
    assert_eq!(figure(&page.body, "Fraud reports").as_deref(), Some("459"));
    assert_eq!(
        figure(&page.body, "Cyber crime reports").as_deref(),
        Some("19")
    );
    browser
        .get(&format!("/districts/E09000001?{PERIOD}"))
        .expect(404);

    // The explorer: every report of the period (1,474 + 51).
    let total = year.fraud.reports + year.cyber.reports;
    browser
        .get(&format!("/explore?{PERIOD}"))
        .expect(200)
        .shows(&format!("1,525 reports from {words} match"));
    browser
        .get(&format!("/explore?{PERIOD}&category=cyber"))
        .expect(200)
        .shows(&format!("51 reports from {words} match"));
    browser
        .get(&format!("/explore?{PERIOD}&district=E06000016"))
        .expect(200)
        .shows(&format!("478 reports from {words} match"));
    let groups = browser.get(&format!("/explore/groups.csv?{PERIOD}"));
    groups.expect(200);
    assert!(
        groups
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/csv")),
        "{groups:?}"
    );
    let grouped: u64 = parse_csv(&groups.body)
        .iter()
        .skip(1)
        .map(|row| row[2].parse::<u64>().expect("a count"))
        .sum();
    assert_eq!(grouped, total, "the groups download adds up to the period");

    // The board update, on screen and as Markdown.
    let board = browser.get(&format!("/board?{PERIOD}"));
    board.expect(200).shows("1,474");
    let markdown = browser.get(&format!("/board.md?{PERIOD}"));
    markdown.expect(200);
    assert!(
        markdown
            .header("content-disposition")
            .is_some_and(|d| d.contains("board-update-2018-01-01-to-2018-12-31.md")),
        "{markdown:?}"
    );
    assert!(markdown.body.contains("1,474"), "{}", markdown.body);
    browser
        .get(&format!("/board.pdf?{PERIOD}"))
        .expect(400)
        .shows("Chromium");

    // Data loading: the seeded run with its counts.
    let outcome = &data.outcome;
    let runs = browser.get("/runs");
    runs.expect(200);
    let run_link = format!("/runs/{}", outcome.run_id);
    assert!(links(&runs.body).contains(&run_link), "{}", runs.body);
    let row = table_rows(&runs.body)
        .into_iter()
        .find(|cells| cells.first() == Some(&outcome.run_id.to_string()))
        .expect("the run's row");
    let count = wording::count;
    assert_eq!(
        row[4..8],
        [
            count(outcome.read),
            count(outcome.stored),
            count(outcome.duplicates),
            count(outcome.rejected)
        ],
        "{row:?}"
    );
    let run = browser.get(&run_link);
    run.expect(200).shows(&format!(
        "{} rows read: {} stored, {} duplicates, {} quarantined.",
        count(outcome.read),
        count(outcome.stored),
        count(outcome.duplicates),
        count(outcome.rejected)
    ));
    run.shows("Counts add up Yes").shows("Quarantined rows");
    assert_eq!(
        outcome.read, data.expected.rows_written,
        "every row written is read"
    );

    // The audit log, the users, the register and the account.
    let audit = browser.get("/audit");
    audit.expect(200);
    assert!(
        table_rows(&audit.body).iter().any(|cells| cells.len() >= 3
            && cells[1] == coordinator.username
            && cells[2] == "sign_in"),
        "the sign-in is in the log: {}",
        audit.text()
    );
    assert!(
        table_rows(&audit.body).iter().any(|cells| cells.len() >= 4
            && cells[2] == "read_quarantine"
            && cells[3] == format!("ingest_run:{}", outcome.run_id)),
        "reading the quarantine is in the log"
    );
    let users = browser.get("/users");
    users.expect(200);
    for account in world.accounts.iter().chain([&world.spare]) {
        users.shows(&format!(
            "Test {} ({})",
            account.role.label(),
            account.username
        ));
    }
    users.shows(ORGANISATION);
    browser
        .get("/register/addresses")
        .expect(200)
        .shows("Threat-address register")
        .shows("Distinct addresses 0");
    browser
        .get("/register/organisations")
        .expect(200)
        .shows(ORGANISATION)
        .shows("soc@wreake.example");
    browser
        .get("/register/outbox")
        .expect(200)
        .shows("soc@wreake.example")
        .shows("Not yet");
    let partner = world.account(Role::PartnerItManager);
    let linked = world
        .place
        .open()
        .user(partner.id)
        .expect("user")
        .expect("partner");
    assert_eq!(linked.organisation_id, Some(world.organisation));
    Client::signed_in(&server, &partner.username)
        .get("/my-organisation")
        .expect(200)
        .shows(ORGANISATION)
        .shows("Beacon digest");
    browser
        .get("/account")
        .expect(200)
        .shows(&format!("Username {}", coordinator.username))
        .shows("Role Coordinator");
    assert_eq!(browser.get("/").expect(303).location(), "/dashboard");

    // The API.
    let json = browser
        .get(&format!("/api/v1/summary?{PERIOD}"))
        .expect(200)
        .json();
    assert_eq!(json["fraud"]["reports"], year.fraud.reports);
    assert_eq!(json["cyber"]["reports"], year.cyber.reports);
    assert_eq!(json["from"], "2018-01-01");
    let json = browser
        .get(&format!("/api/v1/districts/{code}/summary?{PERIOD}"))
        .expect(200)
        .json();
    assert_eq!(json["fraud"]["reports"], 459);
    assert_eq!(json["cyber"]["reports"], 19);
    let json = browser.get("/api/v1/runs").expect(200).json();
    let listed = json
        .as_array()
        .expect("a list of runs")
        .iter()
        .find(|run| run["id"] == outcome.run_id)
        .expect("the seeded run");
    assert_eq!(listed["counts"]["read"], outcome.read);
    assert_eq!(listed["counts"]["stored"], outcome.stored);
    assert_eq!(listed["counts"]["duplicates"], outcome.duplicates);
    assert_eq!(listed["counts"]["rejected"], outcome.rejected);
    assert_eq!(listed["status"], "completed");
    let json = browser
        .get(&format!("/api/v1/runs/{}", outcome.run_id))
        .expect(200)
        .json();
    assert_eq!(json["counts"]["stored"], outcome.stored);
    browser.get("/api/v1/runs/999999").expect(404);
    browser.get("/api/v1/no-such-thing").expect(404).json();

    // The OpenAPI document is JSON, and the router answers every path it names.
    let document = browser.get("/api/v1/openapi.json").expect(200).json();
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() >= 6, "{paths:?}");
    for (path, operations) in paths {
        let concrete = path
            .replace("{code}", code)
            .replace("{id}", &outcome.run_id.to_string());
        for method in operations.as_object().expect("operations").keys() {
            assert_eq!(method, "get", "the API only reads");
            let reply = browser.get(&format!("/api/v1{concrete}"));
            assert_ne!(reply.status, 404, "{path} is documented but not routed");
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3. Uploading a file with bad rows.
// ---------------------------------------------------------------------------------------

/// The fixture's malformed rows: line (header is 1) and what its reason must mention.
const QUARANTINED: [(u64, &str); 5] = [
    (7, "reported_date"),
    (8, "fraud_type is empty"),
    (9, "robot"),
    (10, "reported_date 2099-01-01 is in the future"),
    (11, "loss_gbp"),
];

/// A postcode holding a bullet (`LE1 1A•X`) once panicked the upload's loading thread, so
/// its page said "Loading" for ever and the rest of the file was lost; now that row is
/// quarantined with a plain reason and the rest load.
fn uploading_a_file_with_a_bullet_in_a_postcode_loads_the_rest(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let file = "reference,reported_date,fraud_type,victim_type,postcode
BULLET-1,2017-01-01,NFIB5A,individual,LE1 5WW
BULLET-2,2017-01-02,NFIB5A,individual,LE1 1A•X
BULLET-3,2017-01-03,NFIB5A,individual,LE1 5WW
";
    let run_id = browser.upload("bullet.csv", file.as_bytes());
    let mut store = world.place.open();
    let run = store.run(run_id).expect("run").expect("the run");
    assert_eq!(run.status, beacon_core::RunStatus::Completed, "{run:?}");
    assert_eq!(
        (run.counts.read, run.counts.stored, run.counts.rejected),
        (3, 2, 1)
    );
    let quarantined = store.quarantined(run_id).expect("the quarantined rows");
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].row.line, 3);
    assert!(
        quarantined[0]
            .row
            .reason
            .contains("'LE1 1A•X' is not a UK postcode"),
        "{:?}",
        quarantined[0].row
    );
}

fn uploading_a_file_quarantines_its_bad_rows(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let analyst = world.account(Role::Analyst).username.clone();
    let mut browser = Client::signed_in(&server, &analyst);
    let lines: Vec<&str> = UPLOAD.lines().collect();
    assert_eq!(lines.len(), 11, "a header and ten rows");

    let form = browser.get("/upload");
    form.expect(200).shows("Upload reports");
    let csrf = form.hidden("csrf_token");
    let sent = browser.post_multipart(
        "/upload",
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("march-reports.csv"), UPLOAD.as_bytes()),
        ],
    );
    sent.expect(303);
    let progress = sent.location().to_owned();
    assert!(progress.starts_with("/upload/"), "{progress}");
    // Only the uploader may follow it.
    let mut other = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    other.get(&progress).expect(404);
    other.get(&format!("{progress}/status")).expect(404);
    let run_id = browser.follow_upload(&progress);

    // Read = stored + duplicates + rejected, counted by hand from the fixture.
    let run = browser.get(&format!("/runs/{run_id}"));
    run.expect(200)
        .shows("10 rows read: 4 stored, 1 duplicates, 5 quarantined.")
        .shows("Rows read 10")
        .shows("Stored 4")
        .shows("Duplicates 1")
        .shows("Quarantined 5")
        .shows("Counts add up Yes")
        .shows("march-reports.csv (uploaded by analyst)");
    let rows = table_rows(&run.body);
    // The uploader is an analyst, who does not see victims' details: each bad row's
    // only one, the age (40), is hidden.
    let masked = |raw: &str| raw.replacen(",40,", ",[hidden],", 1);
    for (line, reason) in QUARANTINED {
        let raw = masked(lines[usize::try_from(line).expect("small") - 1]);
        assert!(
            rows.iter().any(|cells| cells.len() == 3
                && cells[0] == line.to_string()
                && cells[1].contains(reason)
                && cells[2] == raw),
            "line {line} is shown quarantined for {reason:?}: {rows:?}"
        );
    }
    let stored = world
        .place
        .open()
        .run(run_id)
        .expect("run")
        .expect("the run");
    let counts = stored.counts;
    assert_eq!(
        (
            counts.read,
            counts.stored,
            counts.duplicates,
            counts.rejected
        ),
        (10, 4, 1, 5)
    );
    assert_eq!(
        counts.read,
        counts.stored + counts.duplicates + counts.rejected
    );

    // The quarantined rows download as CSV, as they were in the file.
    let download = browser.get(&format!("/runs/{run_id}/rejects.csv"));
    download.expect(200);
    assert!(
        download
            .header("content-disposition")
            .is_some_and(|d| d.contains(&format!("beacon-run-{run_id}-quarantine.csv"))),
        "{download:?}"
    );
    let records = parse_csv(&download.body);
    assert_eq!(records[0], ["line", "reason", "raw"]);
    assert_eq!(records.len(), 1 + QUARANTINED.len());
    for ((line, reason), record) in QUARANTINED.iter().zip(&records[1..]) {
        assert_eq!(record[0], line.to_string());
        assert!(record[1].contains(reason), "{record:?}");
        assert_eq!(
            record[2],
            masked(lines[usize::try_from(*line).expect("small") - 1])
        );
    }

    // Every step is audited with who did it.
    let subject = format!("ingest_run:{run_id}");
    for action in ["upload_reports", "read_quarantine", "download_quarantine"] {
        assert!(
            world
                .audit(action)
                .iter()
                .any(|event| event.event.actor == analyst && event.event.subject == subject),
            "{action} is audited"
        );
    }
    let api = browser
        .get(&format!("/api/v1/runs/{run_id}"))
        .expect(200)
        .json();
    assert_eq!(api["counts"]["rejected"], 5);

    // The same file again stores nothing twice.
    let again = browser.upload("march-reports.csv", UPLOAD.as_bytes());
    assert_ne!(again, run_id);
    browser
        .get(&format!("/runs/{again}"))
        .expect(200)
        .shows("10 rows read: 0 stored, 5 duplicates, 5 quarantined.");
    assert_eq!(world.place.open().report_count().expect("count"), 4);

    // A form with no file is sent back with a message.
    let csrf = browser.csrf();
    browser
        .post_multipart("/upload", &[("csrf_token", None, csrf.as_bytes())])
        .expect(400)
        .shows("Select a CSV file to upload");
}

// ---------------------------------------------------------------------------------------
// 4. Who may open what: every route for every role.
// ---------------------------------------------------------------------------------------

/// What a route asks of the person.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Nothing: anyone, signed in or not.
    Nothing,
    /// Only to be signed in.
    SignedIn,
    /// A permission of the role.
    Permission(Permission),
}

/// The requests the access matrix sends: one per route and method.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    /// A form, the session's anti-forgery token added.
    Form(&'static [(&'static str, &'static str)]),
    /// The upload form with a one-row file, the token first.
    Upload,
}

/// Columns of the expected statuses, in this order.
const COLUMNS: [Option<Role>; 6] = [
    Some(Role::Coordinator),
    Some(Role::Analyst),
    Some(Role::VulnerabilityOfficer),
    Some(Role::PartnerItManager),
    Some(Role::BusinessUser),
    None,
];

/// A row of [`MATRIX`]: method, route, query, what it needs, the request's body, and
/// the statuses in [`COLUMNS`] order.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Needs,
    Body,
    [u16; 6],
);

/// Every route (as the router declares it) and method, what it needs, the request sent,
/// and the status each role gets: 200 shown; 303 sent on (anonymous pages: to sign in);
/// 400 allowed, but the request itself is wrong (as sent here); 401 the API without a
/// token; 403 refused; 404 allowed, but there is no such thing.
///
/// `{code}`, `{id}` (a run, or under `/users/` an account), `{job}` and `{token}` are
/// filled in; the query is appended.
#[rustfmt::skip]
const MATRIX: &[Row] = {
    use Needs::{Nothing, SignedIn, Permission as P};
    use Permission::*;
    &[
    //  method  route                       query          needs                       body                 coord ana  off  partn busin anon
        ("GET",  "/healthz",                "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200]),
        ("GET",  "/assets/beacon.css",      "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200]),
        ("GET",  "/assets/progress.js",     "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200]),
        ("GET",  "/ack/{token}",            "",            Nothing,                    Body::None,          [400, 400, 400, 400, 400, 400]),
        ("POST", "/ack/{token}",            "",            Nothing,                    Body::None,          [400, 400, 400, 400, 400, 400]),
        ("GET",  "/sign-in",                "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200]),
        // Without the sign-in form's cookie, a sign-in is refused as forged.
        ("POST", "/sign-in",                "",            Nothing,                    Body::Form(&[("username", "x"), ("password", "y")]), [403, 403, 403, 403, 403, 403]),
        ("GET",  "/",                       "",            SignedIn,                   Body::None,          [303, 303, 303, 303, 303, 303]),
        ("GET",  "/account",                "",            SignedIn,                   Body::None,          [200, 200, 200, 200, 200, 303]),
        // A new password that is too short: allowed, and refused for what it says.
        ("POST", "/account/password",       "",            SignedIn,                   Body::Form(&[("current", "wrong"), ("new", "short")]), [400, 400, 400, 400, 400, 303]),
        ("GET",  "/dashboard",              PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 303]),
        ("GET",  "/districts/{code}",       PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 303]),
        ("GET",  "/explore",                PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 303]),
        ("GET",  "/explore/groups.csv",     PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 303]),
        ("GET",  "/explore/reports.csv",    PERIOD,        P(ViewVictimDetails),       Body::None,          [200, 403, 200, 403, 403, 303]),
        ("GET",  "/upload",                 "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 303]),
        ("POST", "/upload",                 "",            P(LoadData),                Body::Upload,        [303, 303, 403, 403, 403, 303]),
        // Someone else's (or no) upload: allowed to ask, but there is none.
        ("GET",  "/upload/{job}",           "",            P(LoadData),                Body::None,          [404, 404, 403, 403, 403, 303]),
        ("GET",  "/upload/{job}/status",    "",            P(LoadData),                Body::None,          [404, 404, 403, 403, 403, 303]),
        ("GET",  "/runs",                   "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 303]),
        ("GET",  "/runs/{id}",              "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 303]),
        ("GET",  "/runs/{id}/rejects.csv",  "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 303]),
        ("GET",  "/board",                  PERIOD,        P(ViewBoard),               Body::None,          [200, 200, 200, 403, 403, 303]),
        ("GET",  "/board.md",               PERIOD,        P(ViewBoard),               Body::None,          [200, 200, 200, 403, 403, 303]),
        // No Chromium on the test server: allowed, and told so.
        ("GET",  "/board.pdf",              PERIOD,        P(ViewBoard),               Body::None,          [400, 400, 400, 403, 403, 303]),
        ("GET",  "/audit",                  "",            P(ViewAudit),               Body::None,          [200, 403, 403, 403, 403, 303]),
        ("GET",  "/users",                  "",            P(ManageUsers),             Body::None,          [200, 403, 403, 403, 403, 303]),
        ("POST", "/users",                  "",            P(ManageUsers),             Body::Form(&[("username", "made-in-matrix"), ("display_name", "Made In Matrix"), ("role", "business_user"), ("organisation", ""), ("password", "a long enough password")]), [200, 403, 403, 403, 403, 303]),
        ("POST", "/users/{id}",             "",            P(ManageUsers),             Body::Form(&[("role", "business_user")]), [303, 403, 403, 403, 403, 303]),
        ("GET",  "/register/addresses",     "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 303]),
        ("GET",  "/register/organisations", "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 303]),
        ("GET",  "/register/outbox",        "",            P(ViewRegister),            Body::None,          [200, 200, 403, 403, 403, 303]),
        // The partner is linked to an organisation; the coordinator is not.
        ("GET",  "/my-organisation",        "",            P(ViewOwnOrganisation),     Body::None,          [400, 403, 403, 200, 403, 303]),
        ("GET",  "/api/v1/openapi.json",    "",            Nothing,                    Body::None,          [200, 200, 200, 200, 200, 200]),
        ("GET",  "/api/v1/me",              "",            SignedIn,                   Body::None,          [200, 200, 200, 200, 200, 401]),
        ("GET",  "/api/v1/summary",         PERIOD,        P(ViewStatistics),          Body::None,          [200, 200, 200, 403, 403, 401]),
        ("GET",  "/api/v1/districts/{code}/summary", PERIOD, P(ViewStatistics),        Body::None,          [200, 200, 200, 403, 403, 401]),
        ("GET",  "/api/v1/runs",            "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 401]),
        ("GET",  "/api/v1/runs/{id}",       "",            P(LoadData),                Body::None,          [200, 200, 403, 403, 403, 401]),
        // Last: it ends the session.
        ("POST", "/sign-out",               "",            SignedIn,                   Body::Form(&[]),       [303, 303, 303, 303, 303, 303]),
    ]
};

/// Where `/` sends each role.
fn start_page(role: Role) -> &'static str {
    match role {
        Role::Coordinator | Role::Analyst | Role::VulnerabilityOfficer => "/dashboard",
        Role::PartnerItManager => "/my-organisation",
        Role::BusinessUser => "/account",
    }
}

/// Every `(method, route)` the router declares, read from its source: a route added
/// without a row in [`MATRIX`] fails the matrix test.
fn declared_routes() -> Vec<(String, String)> {
    let sources = [
        ("", include_str!("../src/lib.rs")),
        ("", include_str!("../src/pages/mod.rs")),
        ("/api/v1", include_str!("../src/api.rs")),
    ];
    let mut routes = Vec::new();
    for (prefix, source) in sources {
        for (at, _) in source.match_indices(".route(") {
            let call = &source[at + ".route(".len()..];
            let mut depth = 1;
            let end = call
                .char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(i)
                })
                .expect("a closed .route( call");
            let call = &call[..end];
            let path = call.split('"').nth(1).expect("a quoted path");
            let handlers = &call[call.find(',').expect("a handler")..];
            for method in ["get", "post"] {
                let declared = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                    !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if declared {
                    routes.push((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    routes.sort();
    routes
}

fn every_route_answers_each_role_as_its_permissions_say(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };

    // The table matches the router's routes, and the roles' permissions.
    let mut tabled: Vec<(String, String)> = MATRIX
        .iter()
        .map(|row| (row.0.to_owned(), row.1.to_owned()))
        .collect();
    tabled.sort();
    assert_eq!(
        tabled,
        declared_routes(),
        "every route the router declares has one row in MATRIX"
    );
    for (method, route, _, needs, _, statuses) in MATRIX {
        for (column, status) in COLUMNS.iter().zip(statuses) {
            let refused = *status == 403;
            match (needs, column) {
                (Needs::Permission(permission), Some(role)) => assert_eq!(
                    refused,
                    !role.may(*permission),
                    "{method} {route} for {role}: the table says {status}, but the role \
                     {} {permission:?}",
                    if role.may(*permission) {
                        "has"
                    } else {
                        "lacks"
                    }
                ),
                (Needs::SignedIn | Needs::Nothing, Some(role)) => assert!(
                    !refused || *route == "/sign-in",
                    "{method} {route} needs no permission, yet {role} is refused"
                ),
                (Needs::Permission(_) | Needs::SignedIn, None) => assert!(
                    [303, 401].contains(status),
                    "{method} {route}: anonymous requests are sent to sign in"
                ),
                (Needs::Nothing, None) => {}
            }
        }
    }

    let server = Server::start(&world);
    let district = "E06000016";
    let run = world.data().outcome.run_id.to_string();
    let spare = world.spare.id.to_string();
    let one_row = UPLOAD.lines().take(2).collect::<Vec<_>>().join("\n");
    let mut failures = Vec::new();
    for (slot, column) in COLUMNS.into_iter().enumerate() {
        let mut browser = match column {
            Some(role) => Client::signed_in(&server, &world.account(role).username),
            None => Client::new(&server),
        };
        let csrf = match column {
            Some(_) => browser.csrf(),
            None => String::new(),
        };
        let who = column.map_or("anonymous", Role::as_str);
        for (index, (method, route, query, needs, body, statuses)) in MATRIX.iter().enumerate() {
            let expected = statuses[slot];
            let id = if route.starts_with("/users/") {
                &spare
            } else {
                &run
            };
            let mut path = route
                .replace("{code}", district)
                .replace("{id}", id)
                .replace("{job}", "0123456789abcdef")
                .replace("{token}", "not-a-real-token");
            if !query.is_empty() {
                path = format!("{path}?{query}");
            }
            let reply = match body {
                Body::None => browser.send(method, &path, &[], None),
                Body::Form(fields) => {
                    let mut fields = fields.to_vec();
                    fields.push(("csrf_token", csrf.as_str()));
                    browser.post_form(&path, &fields)
                }
                Body::Upload => browser.post_multipart(
                    &path,
                    &[
                        ("csrf_token", None, csrf.as_bytes()),
                        (
                            "file",
                            Some(&format!("matrix-{index}.csv")),
                            one_row.as_bytes(),
                        ),
                    ],
                ),
            };
            if reply.status != expected {
                failures.push(format!(
                    "{who}: {method} {path} answered {}, expected {expected}",
                    reply.status
                ));
                continue;
            }
            // How each answer looks.
            let api = route.starts_with("/api/");
            match (expected, column) {
                (403, Some(_)) if api => {
                    assert_eq!(reply.json()["error"], "your role does not allow this");
                }
                (403, Some(_)) => assert_refused_page(&reply),
                (401, None) => {
                    assert!(api, "{path}");
                    assert!(
                        reply.json()["error"]
                            .as_str()
                            .is_some_and(|e| e.contains("Bearer")),
                        "{}",
                        reply.body
                    );
                }
                (303, None) if !matches!(needs, Needs::Nothing) => {
                    // A page is come back to after signing in; a form post is not.
                    let back = if *method == "GET" { path.as_str() } else { "/" };
                    assert_sent_to_sign_in(&reply, back);
                }
                (303, Some(role)) => {
                    let to = reply.location();
                    let fits = match *route {
                        "/" => to == start_page(role),
                        "/upload" => to.starts_with("/upload/"),
                        "/users/{id}" => to == "/users",
                        "/sign-out" => to == "/sign-in",
                        _ => false,
                    };
                    assert!(fits, "{who}: {method} {path} sent to {to}");
                    if *route == "/upload" {
                        browser.follow_upload(to);
                    }
                }
                _ => {}
            }
        }
        if column.is_some() && browser.get("/account").status != 303 {
            failures.push(format!("{who}: still signed in after signing out"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} requests answered otherwise than the table says:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

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

// ---------------------------------------------------------------------------------------
// 7. Victim-level data: seen only by those allowed, and every view audited.
// ---------------------------------------------------------------------------------------

/// The head of the victim-level table, as text.
const ROWS_TABLE: &str = "Reference Reported District Type Victim Age Postcode Loss Summary";

fn victim_level_views_are_audited(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let officer = world.account(Role::VulnerabilityOfficer).username.clone();
    let year = &world.data().expected.by_year[&2018];
    let total = year.fraud.reports + year.cyber.reports;
    let mut browser = Client::signed_in(&server, &officer);
    assert!(world.audit("view_report_rows").is_empty());

    // Without rows=1, nothing victim-level is shown or recorded.
    let page = browser.get(&format!("/explore?{PERIOD}"));
    page.expect(200).shows("Show the reports");
    assert!(!page.text().contains(ROWS_TABLE));
    assert!(world.audit("view_report_rows").is_empty());

    let page = browser.get(&format!("/explore?{PERIOD}&rows=1"));
    page.expect(200).shows("1,525 reports. Sort by");
    assert!(page.text().contains(ROWS_TABLE), "the rows table is shown");
    let viewed = world.audit("view_report_rows");
    assert_eq!(viewed.len(), 1, "{viewed:?}");
    assert_eq!(viewed[0].event.actor, officer);
    assert_eq!(viewed[0].event.subject, "reports");

    let download = browser.get(&format!("/explore/reports.csv?{PERIOD}"));
    download.expect(200);
    let records = parse_csv(&download.body);
    assert_eq!(records[0][0], "reference");
    assert_eq!(
        records.len() as u64,
        1 + total,
        "every report of the period"
    );
    let downloaded = world.audit("download_report_rows");
    assert_eq!(downloaded.len(), 1);
    assert_eq!(downloaded[0].event.actor, officer);

    // The coordinator sees both in the audit log, filtered by action.
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    for action in ["view_report_rows", "download_report_rows"] {
        let log = coordinator.get(&format!("/audit?action={action}"));
        log.expect(200);
        let rows = table_rows(&log.body);
        assert!(
            rows.iter()
                .any(|cells| cells.len() >= 3 && cells[1] == officer && cells[2] == action),
            "{action} by {officer} in {rows:?}"
        );
        assert!(
            rows.iter()
                .skip(1)
                .all(|cells| cells.len() < 3 || cells[2] == action),
            "only {action} events: {rows:?}"
        );
    }

    // An analyst sees the figures but never the rows, and nothing is recorded for them.
    let analyst = world.account(Role::Analyst).username.clone();
    let mut analyst_browser = Client::signed_in(&server, &analyst);
    assert_refused_page(&analyst_browser.get(&format!("/explore/reports.csv?{PERIOD}")));
    let page = analyst_browser.get(&format!("/explore?{PERIOD}&rows=1"));
    page.expect(200).shows("1,525 reports from");
    assert!(!page.text().contains(ROWS_TABLE), "no rows for analysts");
    assert!(!page.body.contains("Show the reports"));
    for action in ["view_report_rows", "download_report_rows"] {
        assert!(
            world
                .audit(action)
                .iter()
                .all(|event| event.event.actor != analyst),
            "{action} not recorded for the analyst"
        );
    }
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

// ---------------------------------------------------------------------------------------
// 10. `beacon_web::serve` itself: it stops cleanly at Ctrl-C.
// ---------------------------------------------------------------------------------------

/// Set in the child process that serves: the database location.
const SERVE_CHILD: &str = "BEACON_WEB_TEST_SERVE_CHILD";

/// Runs `beacon_web::serve` as `beacon serve` does, in a child process (this test binary
/// again, running only this test), sends it SIGINT, and expects it to finish the test
/// and exit normally. A child, because Ctrl-C handling is for the whole process.
///
/// On PostgreSQL this guards against the router, and with it the pool's
/// `postgres::Client`s, being dropped on the runtime's thread when `serve` returns: each
/// client's destructor would panic there ("Cannot start a runtime from within a runtime"),
/// and the second panic would abort the process (SIGABRT).
fn serve_stops_cleanly_at_ctrl_c(kind: Backend) {
    if let Ok(location) = std::env::var(SERVE_CHILD) {
        serve_until_ctrl_c(&location);
        return;
    }
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let name = match kind {
        Backend::Sqlite => "serve_stops_cleanly_at_ctrl_c::sqlite",
        Backend::Postgres => "serve_stops_cleanly_at_ctrl_c::postgres",
    };
    let mut child = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(SERVE_CHILD, world.place.location())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the serving child starts");
    let stdout = child.stdout.take().expect("the child's output");
    let stderr = child.stderr.take().expect("the child's errors");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        text
    });
    let (found, address) = std::sync::mpsc::channel();
    let output = std::thread::spawn(move || {
        let mut text = String::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            // libtest's "test … ... " may stand before it on the same line.
            if let Some((_, listening)) = line.split_once("serving on ") {
                let _ = found.send(listening.trim().to_owned());
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let address: SocketAddr = match address.recv_timeout(Duration::from_secs(60)) {
        Ok(address) => address.parse().expect("an address"),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the child never served:\n{}\n{}",
                output.join().unwrap_or_default(),
                errors.join().unwrap_or_default()
            );
        }
    };

    // It serves: a sign-in uses the pool's connections.
    let mut browser = Client::at(address);
    browser.get("/healthz").expect(200);
    browser
        .sign_in(&world.account(Role::Analyst).username, PASSWORD)
        .expect(303);
    browser.get("/runs").expect(200);

    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill(1) is installed");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not stop within 30 seconds of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = output.join().unwrap_or_default();
    let errors = errors.join().unwrap_or_default();
    assert!(
        status.success() && output.contains("1 passed") && !errors.contains("panicked"),
        "the server did not stop cleanly at Ctrl-C ({status}):\n{output}\n{errors}"
    );
}

/// The child's part: serve the database until Ctrl-C, exactly as `beacon serve` does.
fn serve_until_ctrl_c(location: &str) {
    let rules = beacon_ingest::reference::parse_rules(beacon_ingest::reference::SHIPPED_RULES)
        .expect("the shipped rules parse");
    let open = |location: &str| beacon_store::open(location).expect("the database opens");
    let connections = vec![open(location), open(location)];
    let opener_location = location.to_owned();
    let pool = StorePool::new(
        connections,
        Some(Box::new(move || beacon_store::open(&opener_location))),
    );
    let state = AppState::with_pool(
        pool,
        AckSigner::new(b"web server tests"),
        WebSettings::new(rules),
    );
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("the bound address");
        let mut stdout = std::io::stdout();
        std::io::Write::write_all(&mut stdout, format!("serving on {address}\n").as_bytes())
            .expect("stdout");
        std::io::Write::flush(&mut stdout).expect("stdout");
        beacon_web::serve(listener, state)
            .await
            .expect("the server runs until Ctrl-C");
    });
}

scenarios!(
    signing_in_locks_after_five_wrong_passwords,
    sign_in_attempts_are_limited_per_address,
    every_page_shows_the_known_figures,
    uploading_a_file_quarantines_its_bad_rows,
    uploading_a_file_with_a_bullet_in_a_postcode_loads_the_rest,
    every_route_answers_each_role_as_its_permissions_say,
    forms_without_the_right_token_are_refused,
    a_form_without_its_token_field_is_refused_as_forged,
    sessions_survive_a_restart_and_end_at_sign_out,
    victim_level_views_are_audited,
    every_response_carries_the_security_headers,
    api_tokens_authorise_scripts,
    serve_stops_cleanly_at_ctrl_c,
);
