//! Report intelligence: every page with the right figures for the known dataset,
//! uploading a file with bad rows, and the audit of every victim-level view.

use super::*;

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
            if path == "/advisories/{id}" || path == "/exercises/{id}/debrief" {
                // This world holds no advisories or exercises: routed, and "not found"
                // (the advisories' and readiness's own tests read real ones).
                reply.expect(404);
                assert_eq!(reply.json()["error"], "not found", "{path} is not routed");
                continue;
            }
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

scenarios!(
    every_page_shows_the_known_figures,
    uploading_a_file_quarantines_its_bad_rows,
    uploading_a_file_with_a_bullet_in_a_postcode_loads_the_rest,
    victim_level_views_are_audited,
);
