//! The run pages tell the truth and scale: quarantined rows a page at a time (the CSV
//! has them all), a warning whenever nothing or not everything was stored, echoed input
//! cut to a sensible length, a failed upload shown as failed, and victims' details in
//! raw rows hidden from roles without victim-level access.

#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

/// A report file's header: the four required columns and the victim fields.
const HEADER: &str = "reference,reported_date,fraud_type,victim_type,victim_age,victim_gender,postcode,victim_key,summary";

/// Uploads `contents` as `analyst` would and returns the run and a signed-in browser.
fn uploaded(
    server: &Server,
    world: &World,
    role: Role,
    name: &str,
    contents: &[u8],
) -> (Client, i64) {
    let mut browser = Client::signed_in(server, &world.account(role).username);
    let run = browser.upload(name, contents);
    (browser, run)
}

/// The success banner's class, which must never be on a page where rows were lost.
const SUCCESS: &str = "govuk-notification-banner--success";

fn an_all_bad_upload_has_a_small_paginated_run_page(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    // 100,000 rows, every one without a reference.
    let rows = 100_000u64;
    let mut file = String::from(HEADER);
    file.push('\n');
    for n in 0..rows {
        file.push_str(&format!(
            ",2019-03-04,NFIB5A,individual,40,f,LE1 5AA,V-{n},row {n}\n"
        ));
    }
    let (mut browser, run) = uploaded(
        &server,
        &world,
        Role::Coordinator,
        "all-bad.csv",
        file.as_bytes(),
    );

    let started = Instant::now();
    let page = browser.get(&format!("/runs/{run}"));
    let took = started.elapsed();
    page.expect(200);
    assert!(
        page.body.len() < 150_000,
        "a run page of 100,000 bad rows is {} bytes",
        page.body.len()
    );
    assert!(took < Duration::from_secs(3), "the run page took {took:?}");
    assert!(
        !page.body.contains(SUCCESS),
        "no green banner when nothing was stored"
    );
    page.shows("Nothing was stored: all 100,000 rows read were quarantined.")
        .shows("100,000 rows read: 0 stored, 0 duplicates, 100,000 quarantined.")
        .shows("Rows 1 to 50 of 100,000, in line order.");
    let table = table_rows(&page.body);
    let lines: Vec<&String> = table.iter().skip(1).map(|cells| &cells[0]).collect();
    assert_eq!(lines.len(), 50, "one page of rows");
    assert_eq!(lines[0], "2");
    assert_eq!(lines[49], "51");
    // GOV.UK pagination: Next, the first and last pages, no Previous on page 1.
    let targets = links(&page.body);
    assert!(
        targets.contains(&format!("/runs/{run}?page=2#quarantine")),
        "{targets:?}"
    );
    assert!(
        targets.contains(&format!("/runs/{run}?page=2000#quarantine")),
        "{targets:?}"
    );
    assert!(page.body.contains("govuk-pagination__next"));
    assert!(!page.body.contains("govuk-pagination__prev"));

    // The last page, and a page past the end, show the last rows.
    for asked in ["2000", "999999999"] {
        let last = browser.get(&format!("/runs/{run}?page={asked}"));
        last.expect(200)
            .shows("Rows 99,951 to 100,000 of 100,000, in line order.");
        let table = table_rows(&last.body);
        assert_eq!(table.last().map(|cells| cells[0].as_str()), Some("100,001"));
        assert!(last.body.contains("govuk-pagination__prev"));
        assert!(!last.body.contains("govuk-pagination__next"));
    }
    browser
        .get(&format!("/runs/{run}?page=abc"))
        .expect(400)
        .shows("The page number must be a whole number");

    // The CSV keeps every row.
    let csv = browser.get(&format!("/runs/{run}/rejects.csv"));
    csv.expect(200);
    let records = parse_csv(&csv.body);
    assert_eq!(records.len() as u64, 1 + rows, "a header and every row");
    assert_eq!(records[1][0], "2");
    assert_eq!(records[rows as usize][0], (rows + 1).to_string());
    assert_eq!(
        records[rows as usize][2],
        format!(
            ",2019-03-04,NFIB5A,individual,40,f,LE1 5AA,V-{},row {}",
            rows - 1,
            rows - 1
        )
    );
    // Each page read is audited, naming the page.
    assert!(
        world
            .audit("read_quarantine")
            .iter()
            .any(|event| event.event.detail.contains("page 2000 of 2000")),
        "{:?}",
        world.audit("read_quarantine")
    );
}

fn a_header_only_file_is_not_shown_as_loaded(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let (mut browser, run) = uploaded(
        &server,
        &world,
        Role::Analyst,
        "empty.csv",
        format!("{HEADER}\n").as_bytes(),
    );
    let page = browser.get(&format!("/runs/{run}"));
    page.expect(200)
        .shows("Important")
        .shows("Nothing was loaded: the file has a header but no rows.");
    assert!(!page.body.contains(SUCCESS), "{}", page.text());
    // The list does not show it green either.
    let list = browser.get("/runs");
    let row = table_rows(&list.body)
        .into_iter()
        .find(|cells| cells.first() == Some(&run.to_string()))
        .expect("the run is listed");
    assert_eq!(row[3], "Completed");
    assert!(!list.body.contains("govuk-tag--green"), "{}", list.body);
}

fn a_partly_bad_upload_says_not_everything_was_stored(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let (mut browser, run) = uploaded(
        &server,
        &world,
        Role::Analyst,
        "march.csv",
        UPLOAD.as_bytes(),
    );
    let page = browser.get(&format!("/runs/{run}"));
    page.expect(200)
        .shows("Not everything was stored: 5 of the 10 rows read were quarantined.")
        .shows("10 rows read: 4 stored, 1 duplicates, 5 quarantined.");
    assert!(!page.body.contains(SUCCESS));

    // A clean file is "Loaded", in green.
    let good: String = UPLOAD
        .lines()
        .take(5)
        .map(|line| format!("{line}\n"))
        .collect();
    let good = good.replace("UPL-000", "GOOD-000");
    let clean = browser.upload("good.csv", good.as_bytes());
    let page = browser.get(&format!("/runs/{clean}"));
    page.expect(200)
        .shows("Loaded")
        .shows("Every row was stored or is a report already held.")
        .shows("4 rows read: 4 stored, 0 duplicates, 0 quarantined.");
    assert!(page.body.contains(SUCCESS));
}

fn echoed_input_is_cut_to_a_sensible_length(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let huge_name = "x".repeat(5_000_000);
    let huge_reference = "R".repeat(100_000);
    let file = format!(
        "{HEADER},{huge_name}\n{huge_reference},2019-03-04,NFIB5A,individual,40,f,LE1 5AA,V-1,text,extra\n"
    );
    let (mut browser, run) = uploaded(
        &server,
        &world,
        Role::Coordinator,
        "huge.csv",
        file.as_bytes(),
    );
    let page = browser.get(&format!("/runs/{run}"));
    page.expect(200);
    assert!(
        page.body.len() < 60_000,
        "the run page is {} bytes",
        page.body.len()
    );
    let text = page.text();
    assert!(
        text.contains("more characters)"),
        "{}",
        &text[..text.len().min(3_000)]
    );
    assert!(!text.contains(&"x".repeat(1_000)), "the column name is cut");
    assert!(
        !text.contains(&"R".repeat(1_000)),
        "the raw row and reason are cut"
    );
    // The download keeps the raw row as quarantined (cut only at 16 KiB by the parser).
    let csv = browser.get(&format!("/runs/{run}/rejects.csv"));
    let records = parse_csv(&csv.body);
    assert!(records[1][2].len() > 16_000, "{}", records[1][2].len());
}

fn a_failed_upload_says_failed_with_its_reason(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let csrf = browser.get("/upload").expect(200).hidden("csrf_token");
    let sent = browser.post_multipart(
        "/upload",
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("names.csv"), b"name,age\nJo,40\n"),
        ],
    );
    sent.expect(303);
    let progress = sent.location().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = browser
            .get(&format!("{progress}/status"))
            .expect(200)
            .json();
        match status["state"].as_str() {
            Some("failed") => break,
            Some("loading") => {}
            other => panic!("the upload should fail, not {other:?}: {status}"),
        }
        assert!(Instant::now() < deadline, "the upload never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = browser.get(&progress);
    page.expect(200)
        .shows("Upload failed")
        .shows("Failed")
        .shows("the header has no column for reference");
    assert!(!page.text().contains("Loading"), "{}", page.text());
    assert!(
        !page.body.contains("data-progress-url"),
        "no progress polling"
    );

    // The run it recorded says so too.
    let run = world
        .runs()
        .into_iter()
        .next()
        .expect("the refused file's run");
    browser
        .get(&format!("/runs/{}", run.id))
        .expect(200)
        .shows("This load failed")
        .shows("the header has no column for reference");
}

fn victim_fields_in_quarantine_are_hidden_from_analysts(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let raw =
        "VIC-1,2019-03-04,NFIB5A,individual,130,Q,LE1 5AA,KEY-SECRET,Caller said she lives alone";
    let file = format!("{HEADER},notes\n{raw},Mrs Jo Bloggs\n");
    let (mut analyst, run) = uploaded(
        &server,
        &world,
        Role::Analyst,
        "victims.csv",
        file.as_bytes(),
    );
    let secrets = [
        "age 130",
        "LE1 5AA",
        "KEY-SECRET",
        "lives alone",
        "Jo Bloggs",
        "'q'",
    ];

    let page = analyst.get(&format!("/runs/{run}"));
    page.expect(200)
        .shows("Your role does not show victims' details");
    let csv = analyst.get(&format!("/runs/{run}/rejects.csv"));
    csv.expect(200);
    for shown in [page.text(), csv.body.clone()] {
        for secret in secrets {
            assert!(
                !shown.to_lowercase().contains(&secret.to_lowercase()),
                "{secret:?} is hidden from analysts: {shown}"
            );
        }
        assert!(shown.contains("VIC-1,2019-03-04,NFIB5A,individual,[hidden],[hidden],[hidden],[hidden],[hidden],[hidden]"), "{shown}");
        assert!(
            shown.contains("victim age [hidden] is not between 0 and 120"),
            "{shown}"
        );
    }

    // The coordinator sees them in full.
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let page = coordinator.get(&format!("/runs/{run}"));
    page.expect(200);
    assert!(
        !page
            .text()
            .contains("Your role does not show victims' details")
    );
    let csv = coordinator.get(&format!("/runs/{run}/rejects.csv"));
    for shown in [page.text(), csv.body.clone()] {
        assert!(shown.contains(&format!("{raw},Mrs Jo Bloggs")), "{shown}");
        assert!(
            shown.contains("victim age 130 is not between 0 and 120"),
            "{shown}"
        );
    }

    // Every read is audited, saying whether victims' details were shown.
    let subject = format!("ingest_run:{run}");
    for (action, who, words) in [
        ("read_quarantine", Role::Analyst, "hidden"),
        ("download_quarantine", Role::Analyst, "hidden"),
        ("read_quarantine", Role::Coordinator, "shown"),
        ("download_quarantine", Role::Coordinator, "shown"),
    ] {
        let actor = &world.account(who).username;
        assert!(
            world
                .audit(action)
                .iter()
                .any(|event| &event.event.actor == actor
                    && event.event.subject == subject
                    && event
                        .event
                        .detail
                        .contains(&format!("victims' details {words}"))),
            "{action} by {actor} is audited as {words}: {:?}",
            world.audit(action)
        );
    }
}

scenarios!(
    an_all_bad_upload_has_a_small_paginated_run_page,
    a_header_only_file_is_not_shown_as_loaded,
    a_partly_bad_upload_says_not_everything_was_stored,
    echoed_input_is_cut_to_a_sensible_length,
    a_failed_upload_says_failed_with_its_reason,
    victim_fields_in_quarantine_are_hidden_from_analysts,
);
