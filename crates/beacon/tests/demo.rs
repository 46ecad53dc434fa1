//! `beacon demo` end to end, on SQLite and on PostgreSQL: the register it builds holds
//! exactly what the generator says it wrote (960 distinct addresses in April–September
//! 2017, and each district's count), the board update states that figure in the board
//! paper's words, every organisation has a queued digest, and the demo partner and
//! business accounts land on pages that show their organisation, and the partner
//! advisories loop is there (notices, fixes, escalations, the board's section) and its
//! files load by hand to the same matches. Also the CLI's wording:
//! thousands grouped in human output, and help that describes what Beacon is now.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use beacon_store::{Backend, NewSession};
use beacon_testing::TestDatabase;
use http_body_util::BodyExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Output};
use tower::ServiceExt;

/// The board paper's third figure, in its words, for the demo's period.
const PAPER_SENTENCE: &str = "Between 1 April and 30 September 2017 there were 960 individual addresses believed to be involved in the spread or delivery of tools to assist with the delivery of cyber crime within Leicester, Leicestershire and Rutland.";

fn beacon(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("BEACON_CONFIG")
        .env("BEACON_DEMO_PASSWORD", "correct horse battery staple")
        .output()
        .expect("beacon runs")
}

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "beacon failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&text(output)).expect("one JSON object")
}

/// Builds the demo database and checks its register, board text and digests; returns
/// what `beacon demo` printed.
fn demo_register_matches_the_generator(database: &TestDatabase) -> String {
    let location = database.location();
    let built = text(&beacon(location, &["demo", "--no-serve"]));
    assert!(
        built.contains("960 of them seen from 1 April to 30 September 2017"),
        "{built}"
    );
    assert!(
        built.contains("48,938 reports stored"),
        "thousands grouped: {built}"
    );
    assert!(
        built.contains("Victim care: 2,288 cases in the triage queue as of 2019-12-31 (level 4: 36, level 3: 216, level 2: 252, level 1: 1,784)."),
        "{built}"
    );
    // Cases in every state: one closed today, one closed in 2019 and so redacted.
    assert!(
        built.contains(
            "Victim care: 5 cases worked (2 closed, 1 redacted after the 365-day retention period)."
        ),
        "{built}"
    );
    assert!(
        built.contains("Cyber Choices: 9 referrals (4 closed); see /cyber-choices."),
        "{built}"
    );
    assert!(
        built.contains("Business engagement: 105 engagements with 80 SYNTHETIC businesses in 2019 (11 reached in a sustained way); 1 row quarantined."),
        "{built}"
    );
    assert!(
        built.contains("Front door: 40 local reports (12 from businesses) during 2019"),
        "{built}"
    );
    let front_door = json(&beacon(location, &["front-door", "counts", "--json"]));
    assert_eq!(
        (&front_door["total"], &front_door["from_businesses"]),
        (&Value::from(40), &Value::from(12))
    );
    let listed = text(&beacon(
        location,
        &[
            "front-door",
            "list",
            "--from",
            "2019-01-01",
            "--to",
            "2019-12-31",
            "--limit",
            "5",
        ],
    ));
    assert!(
        listed.contains("40 front-door reports from 2019-01-01 to 2019-12-31; showing 5."),
        "{listed}"
    );

    let expected = beacon_demo::generate_register(1)
        .expect("the register generates")
        .expected;
    assert_eq!(expected.distinct_in_period, 960);

    let counted = json(&beacon(
        location,
        &[
            "addresses",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
            "--json",
        ],
    ));
    assert_eq!(counted["distinct_addresses"], 960, "{counted}");
    assert_eq!(counted["attributed_addresses"], 960, "{counted}");
    let by_district: BTreeMap<String, u64> = counted["by_district"]
        .as_array()
        .expect("by_district")
        .iter()
        .filter(|row| row["addresses"].as_u64() != Some(0))
        .map(|row| {
            (
                row["district"].as_str().expect("a code").to_owned(),
                row["addresses"].as_u64().expect("a count"),
            )
        })
        .collect();
    assert_eq!(by_district, expected.in_period_by_district);
    assert_eq!(by_district.len(), 9, "every district has addresses");

    let whole = json(&beacon(
        location,
        &[
            "addresses",
            "--from",
            "2016-01-01",
            "--to",
            "2020-01-31",
            "--json",
        ],
    ));
    assert_eq!(
        whole["distinct_addresses"].as_u64(),
        Some(expected.distinct_addresses),
        "{whole}"
    );

    let board = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
        ],
    ));
    assert!(board.contains(PAPER_SENTENCE), "{board}");
    assert!(
        board.contains("| **All of Leicester, Leicestershire and Rutland** | **960** | **100%** |"),
        "{board}"
    );
    let leicester = expected.in_period_by_district["E06000016"];
    assert!(
        board.contains(&format!("| Leicester | {leicester} |")),
        "{board}"
    );
    let html = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
            "--format",
            "html",
        ],
    ));
    assert!(html.contains(PAPER_SENTENCE));

    let outbox = json(&beacon(
        location,
        &["notify", "status", "--limit", "500", "--json"],
    ));
    let organisations: std::collections::BTreeSet<String> = outbox
        .as_array()
        .expect("outbox entries")
        .iter()
        .map(|entry| entry["organisation"].as_str().expect("a name").to_owned())
        .collect();
    assert_eq!(organisations, expected.recent_organisations);
    assert!(organisations.contains(beacon_demo::register::PARTNER_ORGANISATION));

    let runs = text(&beacon(location, &["ingest", "runs"]));
    assert!(
        runs.contains("48,975"),
        "the runs table groups thousands: {runs}"
    );
    assert!(
        runs.contains("event4_sinkhole-synthetic-demo.csv"),
        "{runs}"
    );

    // Readiness, as the demo scripts it: three exercises (the live one the second), 19
    // organisations assessed, and the board's section for April to June 2024.
    assert!(
        built.contains("Readiness: 5 scenarios in the library; 3 exercises run"),
        "{built}"
    );
    let exercises = json(&beacon(location, &["exercise", "list", "--json"]));
    assert_eq!(
        exercises["runs"].as_array().map(Vec::len),
        Some(3),
        "{exercises}"
    );
    assert_eq!(exercises["runs"][1]["mode"], "live_play", "{exercises}");
    let summary = json(&beacon(location, &["assessment", "summary", "--json"]));
    assert_eq!(
        summary["summary"]["organisations_assessed"], 19,
        "{summary}"
    );
    let board = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2024-04-01",
            "--to",
            "2024-06-30",
        ],
    ));
    assert!(board.contains("## Readiness"), "{board}");
    assert!(
        board.contains("2 exercises were run with 7 partners"),
        "{board}"
    );
    assert!(
        board.contains("23 simulated phishing emails were sent in the period"),
        "{board}"
    );
    // Victim care and Cyber Choices in the demo's last quarter.
    let board = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2019-10-01",
            "--to",
            "2019-12-31",
        ],
    ));
    for line in [
        "## Victim care",
        "2,288 victims of fraud reported in the period were triaged for support: 36 at level 4",
        "4 victims were contacted; the median time from the report to first contact was 35 hours, and 3 of the 4 were reached within their level's service time.",
        "## Cyber Choices",
        "8 people were referred to Cyber Choices",
        "Of the 4 full referrals whose 5 working days were up, 1 was contacted in time (25%).",
        "## Businesses",
        "The partnership reached 25 businesses in the period",
        "Businesses made 3 reports through Beacon's front door in the period, against 425 reports to Action Fraud by organisations",
        "| Retail | 1 | 95 | 1.1 |",
    ] {
        assert!(board.contains(line), "{line}: {board}");
    }
    // A board of a period before any triage has no victim-care section.
    let older = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2017-01-01",
            "--to",
            "2017-06-30",
        ],
    ));
    assert!(!older.contains("## Victim care"), "{older}");
    built
}

/// A session for a demo account, made in the store as sign-in makes one; returns the
/// cookie that carries it.
fn session_cookie(location: &str, username: &str) -> String {
    let mut store = beacon_store::open(location).expect("the store opens");
    let (user, _) = store
        .user_for_sign_in(username)
        .expect("the store answers")
        .expect("the demo account exists");
    let token = beacon_web::auth::new_token();
    store
        .create_session(&NewSession {
            token_hash: beacon_web::auth::token_hash(&token),
            user_id: user.id,
            csrf_token: beacon_web::auth::new_token(),
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        })
        .expect("a session");
    format!("{}={token}", beacon_web::auth::SESSION_COOKIE)
}

/// The web application over the database, without a socket.
fn app(location: &str) -> axum::Router {
    let store = beacon_store::open(location).expect("the store opens");
    beacon_web::router(beacon_web::AppState::new(
        store,
        beacon_notify::AckSigner::new(b"demo test secret"),
    ))
}

/// Answers `GET path` with the cookie: status, `Location` and body.
fn get(app: &axum::Router, cookie: &str, path: &str) -> (StatusCode, Option<String>, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let request = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("a request");
        let answer = app.clone().oneshot(request).await.expect("an answer");
        let status = answer.status();
        let location = answer
            .headers()
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = answer
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        (
            status,
            location,
            String::from_utf8_lossy(&body).into_owned(),
        )
    })
}

/// Follows `/` to an account's landing page; returns where it landed and the page.
fn landing(app: &axum::Router, cookie: &str, username: &str) -> (String, String) {
    let (status, to, _) = get(app, cookie, "/");
    assert!(status.is_redirection(), "{username}: / answered {status}");
    let to = to.expect("a redirect has a location");
    let (status, _, page) = get(app, cookie, &to);
    assert_eq!(status, StatusCode::OK, "{username} on {to}");
    (to, page)
}

fn demo_accounts_land_somewhere_useful(database: &TestDatabase) {
    let location = database.location();
    let app = app(location);

    let partner = session_cookie(location, "demo-partner");
    let (to, page) = landing(&app, &partner, "demo-partner");
    assert_eq!(to, "/my-organisation");
    assert!(
        page.contains("Leicester City Council (synthetic)"),
        "{page}"
    );
    assert!(
        page.contains("198.18.0."),
        "the council's addresses are listed: {page}"
    );
    let mut store = database.open();
    let council = store
        .organisations()
        .expect("organisations")
        .into_iter()
        .find(|o| o.organisation.name == beacon_demo::register::PARTNER_ORGANISATION)
        .expect("the demo partner's organisation");
    let digests = store.outbox(Some(council.id), 50).expect("its outbox");
    assert_eq!(
        digests.len(),
        2,
        "one digest for each of the council's two contacts"
    );
    for digest in &digests {
        assert!(
            page.contains(&digest.subject),
            "its queued digests are listed: {page}"
        );
    }

    let business = session_cookie(location, "demo-business");
    let (to, page) = landing(&app, &business, "demo-business");
    assert_eq!(to, "/account");
    assert!(
        page.contains("Soar Valley Logistics Ltd (synthetic)"),
        "{page}"
    );
    // Least privilege: the business user sees its organisation's name, not the register.
    for path in [
        "/my-organisation",
        "/register/addresses",
        "/dashboard",
        "/board",
    ] {
        let (status, _, _) = get(&app, &business, path);
        assert_eq!(status, StatusCode::FORBIDDEN, "demo-business on {path}");
    }

    // The Cyber Choices officer lands on the referrals, in every stage, and sees nothing
    // of victims.
    let prevent = session_cookie(location, "demo-prevent");
    let (to, page) = landing(&app, &prevent, "demo-prevent");
    assert_eq!(to, "/cyber-choices");
    for stage in [
        "Open at diversion plan agreed",
        "Completed the diversion plan",
        "Not suitable",
    ] {
        assert!(page.contains(stage), "{stage}: {page}");
    }
    for path in ["/care", "/dashboard", "/explore"] {
        let (status, _, _) = get(&app, &prevent, path);
        assert_eq!(status, StatusCode::FORBIDDEN, "demo-prevent on {path}");
    }

    let coordinator = session_cookie(location, "demo-coordinator");
    let (to, page) = landing(&app, &coordinator, "demo-coordinator");
    assert_eq!(to, "/dashboard");
    assert!(page.contains("Dashboard"));
}

/// The web board page and its Markdown carry the register section for their period.
fn board_page_states_the_register_figure(database: &TestDatabase) {
    let location = database.location();
    let app = app(location);
    let analyst = session_cookie(location, "demo-analyst");
    for path in [
        "/board?from=2017-04-01&to=2017-09-30",
        "/board.md?from=2017-04-01&to=2017-09-30",
    ] {
        let (status, _, page) = get(&app, &analyst, path);
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(page.contains(PAPER_SENTENCE), "{path}: {page}");
    }
    for path in [
        "/board?from=2024-04-01&to=2024-06-30",
        "/board.md?from=2024-04-01&to=2024-06-30",
    ] {
        let (status, _, page) = get(&app, &analyst, path);
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains("8 advisories affected 17 partners in the period"),
            "{path}: {page}"
        );
    }
}

/// The advisories loop: what `beacon demo` printed, the status and matches commands,
/// the escalations in the outbox and the board update's section for April–June 2024
/// (figures counted by hand from the demo's inventory and script).
fn demo_advisories_are_tracked(database: &TestDatabase, built: &str) {
    let location = database.location();
    assert!(
        built.contains("8 advisories affected 17 partners: 38 notices opened on 2024-04-15"),
        "{built}"
    );
    assert!(
        built.contains("closed 23 (median time to fix 3.0 days) and 15 were overdue"),
        "{built}"
    );
    assert!(built.contains("beacon advisories status"), "{built}");
    assert!(
        built.contains(
            "beacon advisories matches --organisation \"Leicester City Council (synthetic)\""
        ),
        "{built}"
    );
    let status = json(&beacon(location, &["advisories", "status", "--json"]));
    assert_eq!(status["area"]["notices"], 38, "{status}");
    assert_eq!(status["area"]["closed"], 23, "{status}");
    assert_eq!(status["area"]["median_days_to_fix"], 3.0, "{status}");
    let council = json(&beacon(
        location,
        &[
            "advisories",
            "matches",
            "--organisation",
            beacon_demo::register::PARTNER_ORGANISATION,
            "--json",
        ],
    ));
    let assets: std::collections::BTreeSet<&str> = council
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["asset"].as_str().expect("an asset"))
        .collect();
    assert_eq!(
        assets,
        [
            "Housing repairs system",
            "Internet firewall",
            "Remote access gateway",
            "Secure file transfer"
        ]
        .into_iter()
        .collect(),
        "{council}"
    );
    let mut store = database.open();
    let escalations = store
        .messages(Some(beacon_store::MessageKind::Escalation), 100)
        .expect("escalations");
    assert_eq!(escalations.len(), 15);
    drop(store);

    let board = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2024-04-01",
            "--to",
            "2024-06-30",
        ],
    ));
    assert!(
        board.contains("8 advisories affected 17 partners in the period; median time to fix 3.0 days; 15 overdue."),
        "{board}"
    );
    assert!(
        board.contains("| Local government | 16 | 4.0 | 7 |"),
        "{board}"
    );
    assert!(
        board.contains("| **All partners** | **38** | **3.0** | **15** |"),
        "{board}"
    );
    let earlier = text(&beacon(
        location,
        &[
            "report",
            "board",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
        ],
    ));
    assert!(
        earlier.contains("No partner advisories were tracked in this period."),
        "{earlier}"
    );
}

fn the_demo_everywhere(backend: Backend) {
    let Some(database) = TestDatabase::fresh(backend, "demo") else {
        return;
    };
    let built = demo_register_matches_the_generator(&database);
    demo_advisories_are_tracked(&database, &built);
    demo_accounts_land_somewhere_useful(&database);
    board_page_states_the_register_figure(&database);
}

#[test]
fn the_demo_shows_all_of_beacon_on_sqlite() {
    the_demo_everywhere(Backend::Sqlite);
}

#[test]
fn the_demo_shows_all_of_beacon_on_postgres() {
    the_demo_everywhere(Backend::Postgres);
}

#[test]
fn help_describes_the_command_line_and_the_web_application() {
    let help = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("--help")
        .output()
        .expect("beacon runs");
    let help = text(&help);
    assert!(!help.contains("later"), "{help}");
    assert!(help.contains("serve the web application"), "{help}");
    let serve_line = help
        .lines()
        .find(|line| line.trim_start().starts_with("serve"))
        .expect("a serve line");
    assert!(
        serve_line.contains("Run the web application"),
        "{serve_line}"
    );
    assert!(
        !serve_line
            .trim_end()
            .ends_with("(digest acknowledgement links)."),
        "{serve_line}"
    );
}

#[test]
fn human_output_groups_thousands() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("reports.csv");
    let file = file.to_str().expect("a UTF-8 path");
    let generated = text(&beacon(
        "unused.db",
        &["demo", "generate", "--rows", "4726", "--out", file],
    ));
    assert!(
        generated.contains("Wrote 4,726 synthetic rows"),
        "{generated}"
    );
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("a UTF-8 path");
    let ingested = text(&beacon(database, &["ingest", "reports", file]));
    assert!(ingested.contains("read 4,726: stored 4,726"), "{ingested}");
    let stats = text(&beacon(
        database,
        &["stats", "--from", "2015-01-01", "--to", "2019-12-31"],
    ));
    assert!(stats.contains("Fraud: 4,"), "{stats}");
}

#[test]
fn the_demo_feed_files_load_by_hand_with_the_same_figures() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let folder = dir.path().join("feeds");
    let folder_arg = folder.to_str().expect("a UTF-8 path");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("a UTF-8 path");
    let expected = json(&beacon(
        database,
        &[
            "demo", "feeds", "--seed", "3", "--out", folder_arg, "--json",
        ],
    ));
    assert_eq!(expected["distinct_in_period"], 960, "{expected}");

    let imported = text(&beacon(
        database,
        &[
            "org",
            "import",
            folder.join("organisations.csv").to_str().expect("UTF-8"),
        ],
    ));
    assert!(imported.contains("Imported 23 organisations"), "{imported}");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .expect("the folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.to_string_lossy().ends_with("-synthetic-demo.csv"))
        .map(|path| path.to_str().expect("UTF-8").to_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 4);
    let mut args = vec!["ingest", "feed", "--json"];
    args.extend(files.iter().map(String::as_str));
    let loaded = json(&beacon(database, &args));
    assert_eq!(loaded["stored"], expected["events"], "{loaded}");
    assert_eq!(loaded["attributed"], expected["events"], "{loaded}");
    assert_eq!(loaded["rejected"], 0, "{loaded}");

    let counted = json(&beacon(
        database,
        &[
            "addresses",
            "--from",
            "2017-04-01",
            "--to",
            "2017-09-30",
            "--json",
        ],
    ));
    assert_eq!(counted["distinct_addresses"], 960, "{counted}");
    for row in counted["by_district"].as_array().expect("by_district") {
        let code = row["district"].as_str().expect("a code");
        assert_eq!(
            row["addresses"], expected["in_period_by_district"][code],
            "{code}: {counted}"
        );
    }
}

#[test]
fn the_demo_advisories_load_by_hand_to_the_same_matches() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let folder = dir.path().join("advisories-demo");
    let folder_arg = folder.to_str().expect("a UTF-8 path");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("a UTF-8 path");
    let written = text(&beacon(
        database,
        &["demo", "advisories", "--out", folder_arg],
    ));
    assert!(
        written.contains(
            "Wrote 23 SYNTHETIC organisations, 43 advisory contacts, 57 assets and 4 advisory files"
        ),
        "{written}"
    );
    let path = |name: &str| folder.join(name).to_str().expect("UTF-8").to_owned();
    text(&beacon(
        database,
        &["org", "import", &path("organisations.csv")],
    ));
    let ingested = json(&beacon(
        database,
        &["ingest", "advisories", "--json", &path("advisories")],
    ));
    let ingested = ingested.to_string();
    assert!(!ingested.contains("\"rejected\":1"), "{ingested}");
    text(&beacon(
        database,
        &["inventory", "contacts", &path("contacts.csv")],
    ));
    let imported = text(&beacon(
        database,
        &["inventory", "import", &path("inventory.csv")],
    ));
    assert!(imported.contains("Imported 57 assets"), "{imported}");
    assert!(
        imported.contains("64 matches; notices 38 opened"),
        "{imported}"
    );
    let status = json(&beacon(database, &["advisories", "status", "--json"]));
    assert_eq!(status["area"]["notices"], 38, "{status}");
}
