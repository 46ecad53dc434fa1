//! Readiness: a coordinator running a table-top exercise from the start form to its
//! debrief, a partner seeing only its own part (and nothing of runs it does not play in),
//! who may start and move exercises on, the scenario library with its imports and
//! downloads, the debrief as PDF, the self-assessment (scores, next steps, nothing stored
//! for a refused submission) and the area's summary, and the API's readiness routes.

use super::*;
use beacon_app::accounts::{NewAccount, create_account};
use beacon_app::organisations::{OrganisationDetails, add_organisation};

scenarios!(
    a_coordinator_runs_a_table_top_exercise_and_reads_its_debrief,
    a_partner_sees_and_records_only_its_own_part_of_an_exercise,
    only_coordinators_start_and_move_exercises_on,
    a_start_form_with_problems_says_what_to_fix_and_starts_nothing,
    a_live_play_exercise_queues_its_injects_and_shows_their_delivery,
    the_library_shows_scenarios_imports_files_and_refuses_bad_ones,
    a_debrief_pdf_is_printed_with_the_marking,
    a_business_user_assesses_its_organisation_and_sees_what_to_do_next,
    an_answer_to_an_unknown_question_stores_nothing,
    the_assessment_summary_counts_organisations_per_control,
    the_api_gives_exercises_and_debriefs_as_the_viewer_may_see_them,
);

/// The other playing partner, which the test partner must never see.
const HARBOUR: &str = "Harbour Trust";
/// A small business whose owner answers the self-assessment.
const BAKERY: &str = "Soar Valley Bakery";
/// The scenario the exercises play.
const SCENARIO: &str = "phishing-to-ransomware";
/// The exercise's own title.
const TITLE: &str = "Spring rehearsal";

/// The world with readiness players: the test partner's organisation, a second partner,
/// and a business with an account of its own.
struct Ready {
    world: World,
    /// The partner IT manager's organisation.
    own: i64,
    harbour: i64,
    bakery: i64,
    /// The bakery owner's account (a business user linked to the bakery).
    owner: String,
}

fn ready(kind: Backend) -> Option<Ready> {
    let world = World::new(kind, false)?;
    let own = world.organisation;
    let mut store = world.place.open();
    let store = store.as_mut();
    let (harbour, _) = add_organisation(
        store,
        &OrganisationDetails {
            name: HARBOUR.into(),
            sector: "health".into(),
            contacts: vec!["it@harbour.example".into()],
            ..OrganisationDetails::default()
        },
        "tests",
    )
    .expect("a second partner");
    let (bakery, _) = add_organisation(
        store,
        &OrganisationDetails {
            name: BAKERY.into(),
            sector: "retail".into(),
            district: "Charnwood".into(),
            contacts: vec!["owner@bakery.example".into()],
            ..OrganisationDetails::default()
        },
        "tests",
    )
    .expect("a business");
    let owner = "bakery-owner".to_owned();
    create_account(
        store,
        &NewAccount {
            username: owner.clone(),
            display_name: "Bakery owner".into(),
            role: Role::BusinessUser,
            password: PASSWORD.into(),
            organisation_id: Some(bakery),
        },
        "tests",
    )
    .expect("the owner's account");
    Some(Ready {
        world,
        own,
        harbour,
        bakery,
        owner,
    })
}

impl Ready {
    fn coordinator(&self, server: &Server) -> Client {
        Client::signed_in(server, &self.world.account(Role::Coordinator).username)
    }

    fn partner(&self, server: &Server) -> Client {
        Client::signed_in(server, &self.world.account(Role::PartnerItManager).username)
    }
}

/// Starts an exercise through the form as a coordinator and returns its number.
fn start(browser: &mut Client, players: &[i64], title: &str) -> i64 {
    let form = browser.get("/exercises/new");
    form.expect(200).shows("Phishing to ransomware");
    let csrf = form.hidden("csrf_token");
    let ids: Vec<String> = players.iter().map(i64::to_string).collect();
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("scenario", SCENARIO),
        ("mode", "table_top"),
        ("start-day", "10"),
        ("start-month", "3"),
        ("start-year", "2026"),
        ("start-time", "10:00"),
        ("title", title),
    ];
    for id in &ids {
        fields.push(("organisations", id));
    }
    let sent = browser.post_form("/exercises", &fields);
    sent.expect(303);
    let to = sent.location().to_owned();
    let id = to
        .strip_prefix("/exercises/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("sent to an exercise's page: {to}"));
    browser.get(&to).expect(200).shows("The exercise is set up");
    id
}

/// Records a response as the facilitator, at a UK time on the exercise's day.
fn respond(browser: &mut Client, run: i64, organisation: i64, phase: &str, kind: &str, at: &str) {
    let csrf = browser.csrf();
    let organisation = organisation.to_string();
    browser
        .post_form(
            &format!("/exercises/{run}/responses"),
            &[
                ("csrf_token", &csrf),
                ("organisation", &organisation),
                ("phase", phase),
                ("inject", ""),
                ("kind", kind),
                ("text", &format!("A {kind} at {at}")),
                ("at-day", "10"),
                ("at-month", "3"),
                ("at-year", "2026"),
                ("at-time", at),
            ],
        )
        .expect(303);
}

/// Records an observation as the facilitator.
fn observe(browser: &mut Client, run: i64, organisation: i64, point: &str, seen: &str) {
    let csrf = browser.csrf();
    let organisation = organisation.to_string();
    browser
        .post_form(
            &format!("/exercises/{run}/observations"),
            &[
                ("csrf_token", &csrf),
                ("point", point),
                ("organisation", &organisation),
                ("observation", seen),
                ("note", "Seen in the room"),
            ],
        )
        .expect(303);
}

fn advance(browser: &mut Client, run: i64) {
    let csrf = browser.csrf();
    browser
        .post_form(
            &format!("/exercises/{run}/advance"),
            &[("csrf_token", &csrf)],
        )
        .expect(303);
}

/// The exercise the coordinator tests play: both partners, two phases opened, the test
/// partner responding after 7 minutes and escalating after 30, the harbour responding
/// after 12; the test partner met one point and missed the offline backups, the harbour
/// partly met another.
fn played(ready: &Ready, browser: &mut Client) -> i64 {
    let run = start(browser, &[ready.own, ready.harbour], TITLE);
    advance(browser, run);
    advance(browser, run);
    respond(browser, run, ready.own, "first-signs", "response", "10:07");
    respond(
        browser,
        run,
        ready.harbour,
        "first-signs",
        "response",
        "10:12",
    );
    respond(browser, run, ready.own, "spreading", "escalation", "10:30");
    observe(browser, run, ready.own, "named-isolation-authority", "met");
    observe(browser, run, ready.own, "offline-backups", "not_met");
    observe(browser, run, ready.harbour, "easy-reporting", "partly");
    run
}

fn a_coordinator_runs_a_table_top_exercise_and_reads_its_debrief(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let run = played(&ready, &mut coordinator);

    // What was stored: the responses at the times given (March: UK time is UTC).
    let responses = ready
        .world
        .place
        .open()
        .exercise_responses(run, None)
        .expect("responses");
    let stored: Vec<(i64, &str, time::OffsetDateTime)> = responses
        .iter()
        .map(|r| (r.organisation_id, r.kind.as_str(), r.at))
        .collect();
    assert_eq!(
        stored,
        [
            (
                ready.own,
                "response",
                time::macros::datetime!(2026-03-10 10:07 UTC)
            ),
            (
                ready.harbour,
                "response",
                time::macros::datetime!(2026-03-10 10:12 UTC)
            ),
            (
                ready.own,
                "escalation",
                time::macros::datetime!(2026-03-10 10:30 UTC)
            ),
        ]
    );

    // The run's page: the second phase open, its points, the injects given out so far,
    // the responses and the observations.
    let page = coordinator.get(&format!("/exercises/{run}"));
    page.expect(200)
        .shows(TITLE)
        .shows("Phase open now: Phase 2: It is spreading")
        .shows("Open the next phase: Phase 3: The demand")
        .shows("Ransom note on 40 desktops")
        .shows("Given to the players")
        .shows("A response at 10:07")
        .shows("Record a response")
        .shows("Record what you observed");
    let rows = table_rows(&page.body);
    let header = rows
        .iter()
        .find(|row| row.first().map(String::as_str) == Some("Good practice"))
        .expect("the observations' header");
    let isolation = rows
        .iter()
        .find(|row| row[0].starts_with("The incident response plan names who may isolate"))
        .expect("the isolation point's row");
    let seen = |name: &str| {
        let column = header
            .iter()
            .position(|cell| cell == name)
            .unwrap_or_else(|| panic!("a column for {name}: {header:?}"));
        isolation[column].clone()
    };
    assert_eq!(seen(ORGANISATION), "Met");
    assert_eq!(seen(HARBOUR), "Not observed");

    // The debrief: each player's first response, escalation and decision, the median,
    // and the gap with its advice.
    let debrief = coordinator.get(&format!("/exercises/{run}/debrief"));
    debrief
        .expect(200)
        .shows(
            "2 organisations played; 2 responded. The median time to first response was 9 minutes.",
        )
        .shows("Gaps and what to read")
        .shows("Not met: At least one backup copy is offline");
    let rows = table_rows(&debrief.body);
    let row = |name: &str| -> Vec<String> {
        rows.iter()
            .find(|row| row.first().map(String::as_str) == Some(name))
            .unwrap_or_else(|| panic!("{name}'s timings: {rows:?}"))
            .clone()
    };
    assert_eq!(
        row(ORGANISATION),
        [
            ORGANISATION,
            "7 minutes",
            "30 minutes",
            "none recorded",
            "2",
            "1",
            "1"
        ]
    );
    assert_eq!(
        row(HARBOUR),
        [
            HARBOUR,
            "12 minutes",
            "none recorded",
            "none recorded",
            "1",
            "0",
            "1"
        ]
    );
    assert!(
        links(&debrief.body).contains(
            &"https://www.ncsc.gov.uk/collection/small-business-guide/backing-your-data".to_owned()
        ),
        "the gap links to its advice"
    );
    assert!(links(&debrief.body).contains(&format!("/exercises/{run}/debrief.html")));

    // The standalone download.
    let file = coordinator.get(&format!("/exercises/{run}/debrief.html"));
    file.expect(200);
    assert_eq!(
        file.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        file.header("content-disposition")
            .is_some_and(|d| d.contains(&format!("debrief-{run}.html"))),
        "{file:?}"
    );
    assert!(file.body.contains("<!DOCTYPE html>") && file.body.contains(HARBOUR));

    // Opening the remaining phases, then once more, finishes it.
    advance(&mut coordinator, run);
    advance(&mut coordinator, run);
    advance(&mut coordinator, run);
    coordinator
        .get(&format!("/exercises/{run}"))
        .expect(200)
        .shows("Finished");
    let csrf = coordinator.csrf();
    coordinator
        .post_form(
            &format!("/exercises/{run}/advance"),
            &[("csrf_token", &csrf)],
        )
        .expect(400)
        .shows("There is a problem")
        .shows("has already finished");

    // Every change is audited.
    assert_eq!(ready.world.audit("start_exercise").len(), 1);
    assert_eq!(ready.world.audit("record_exercise_response").len(), 3);
    assert_eq!(ready.world.audit("record_exercise_observation").len(), 3);
    // The list shows it with its players.
    coordinator
        .get("/exercises")
        .expect(200)
        .shows(TITLE)
        .shows(ORGANISATION)
        .shows(HARBOUR);
}

fn a_partner_sees_and_records_only_its_own_part_of_an_exercise(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let run = played(&ready, &mut coordinator);
    // A run the test partner does not play in.
    let elsewhere = start(&mut coordinator, &[ready.harbour], "Harbour only");

    let mut partner = ready.partner(&server);
    let list = partner.get("/exercises");
    list.expect(200).shows(TITLE);
    assert!(
        !list.text().contains(HARBOUR) && !list.text().contains("Harbour only"),
        "{}",
        list.text()
    );
    let page = partner.get(&format!("/exercises/{run}"));
    page.expect(200)
        .shows("What your organisation has received")
        .shows("Ransom note on 40 desktops")
        .shows("A response at 10:07")
        .shows("Record what your organisation did");
    assert!(
        !page.text().contains(HARBOUR) && !page.text().contains("A response at 10:12"),
        "{}",
        page.text()
    );
    // Injects of phases not yet opened have not been received.
    assert!(!page.text().contains("Sample of your data published"));
    let debrief = partner.get(&format!("/exercises/{run}/debrief"));
    debrief
        .expect(200)
        .shows(ORGANISATION)
        .shows("7 minutes")
        .shows("Not met: At least one backup copy is offline");
    assert!(
        !debrief.text().contains(HARBOUR) && !debrief.text().contains("12 minutes"),
        "{}",
        debrief.text()
    );
    let file = partner.get(&format!("/exercises/{run}/debrief.html"));
    file.expect(200);
    assert!(!file.body.contains(HARBOUR));

    // A run it does not play in does not exist, as far as the partner can tell.
    for path in [
        format!("/exercises/{elsewhere}"),
        format!("/exercises/{elsewhere}/debrief"),
        format!("/exercises/{elsewhere}/debrief.html"),
        format!("/api/v1/exercises/{elsewhere}/debrief"),
    ] {
        partner.get(&path).expect(404);
    }
    let csrf = partner.csrf();
    partner
        .post_form(
            &format!("/exercises/{elsewhere}/responses"),
            &[
                ("csrf_token", &csrf),
                ("phase", "first-signs"),
                ("kind", "response"),
                ("text", "Not ours"),
            ],
        )
        .expect(404);
    // It cannot move a run on or record observations.
    for action in ["advance", "finish"] {
        assert_refused_page(&partner.post_form(
            &format!("/exercises/{run}/{action}"),
            &[("csrf_token", &csrf)],
        ));
    }
    assert_refused_page(&partner.post_form(
        &format!("/exercises/{run}/observations"),
        &[
            ("csrf_token", &csrf),
            ("point", "easy-reporting"),
            ("organisation", &ready.own.to_string()),
            ("observation", "met"),
        ],
    ));

    // Its response is its own organisation's, whatever the form names, recorded now.
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(5);
    let harbour = ready.harbour.to_string();
    partner
        .post_form(
            &format!("/exercises/{run}/responses"),
            &[
                ("csrf_token", &csrf),
                ("organisation", &harbour),
                ("phase", "spreading"),
                ("kind", "decision"),
                ("text", "We decided to isolate the finance share"),
                ("at-day", "10"),
                ("at-month", "3"),
                ("at-year", "2026"),
                ("at-time", "10:01"),
            ],
        )
        .expect(303);
    let responses = ready
        .world
        .place
        .open()
        .exercise_responses(run, None)
        .expect("responses");
    let theirs = responses
        .iter()
        .find(|r| r.text == "We decided to isolate the finance share")
        .expect("the partner's response");
    assert_eq!(theirs.organisation_id, ready.own);
    assert_eq!(
        theirs.recorded_by,
        ready.world.account(Role::PartnerItManager).username
    );
    assert!(theirs.at >= before, "recorded now, not at {}", theirs.at);
    // A response with no text is refused on the page, and nothing is stored.
    partner
        .post_form(
            &format!("/exercises/{run}/responses"),
            &[
                ("csrf_token", &csrf),
                ("phase", "spreading"),
                ("kind", "response"),
                ("text", "  "),
            ],
        )
        .expect(400)
        .shows("There is a problem")
        .shows("Say what the organisation did or said");
    // Nor may it answer a phase that has not begun.
    partner
        .post_form(
            &format!("/exercises/{run}/responses"),
            &[
                ("csrf_token", &csrf),
                ("phase", "the-demand"),
                ("kind", "response"),
                ("text", "Ahead of time"),
            ],
        )
        .expect(400)
        .shows("Choose a phase of the exercise that has begun");
    assert_eq!(
        ready
            .world
            .place
            .open()
            .exercise_responses(run, None)
            .expect("responses")
            .len(),
        responses.len()
    );
}

fn only_coordinators_start_and_move_exercises_on(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let run = start(&mut coordinator, &[ready.own], TITLE);
    let mut analyst = Client::signed_in(&server, &ready.world.account(Role::Analyst).username);
    let csrf = analyst.csrf();
    let own = ready.own.to_string();
    assert_refused_page(&analyst.post_form(
        "/exercises",
        &[
            ("csrf_token", &csrf),
            ("scenario", SCENARIO),
            ("mode", "table_top"),
            ("start-day", "10"),
            ("start-month", "3"),
            ("start-year", "2026"),
            ("start-time", "10:00"),
            ("organisations", &own),
        ],
    ));
    for action in ["advance", "finish", "responses", "observations"] {
        assert_refused_page(&analyst.post_form(
            &format!("/exercises/{run}/{action}"),
            &[("csrf_token", &csrf)],
        ));
    }
    // The analyst reads the run, without the facilitator's forms.
    let page = analyst.get(&format!("/exercises/{run}"));
    page.expect(200).shows(TITLE);
    assert!(!page.text().contains("Record a response"));
    assert!(!page.body.contains("/advance"));
    // The forms need the session's token.
    coordinator
        .post_form(
            &format!("/exercises/{run}/advance"),
            &[("csrf_token", "forged")],
        )
        .expect(403)
        .shows("This form could not be accepted");
    let stored = ready
        .world
        .place
        .open()
        .exercise_run(run, None)
        .expect("the run")
        .expect("stored");
    assert_eq!(stored.current_phase, None, "a forged form changes nothing");
    assert_eq!(
        ready
            .world
            .place
            .open()
            .exercise_runs(None)
            .expect("runs")
            .len(),
        1
    );
}

fn a_start_form_with_problems_says_what_to_fix_and_starts_nothing(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let csrf = coordinator
        .get("/exercises/new")
        .expect(200)
        .hidden("csrf_token");
    let refused = coordinator.post_form(
        "/exercises",
        &[
            ("csrf_token", &csrf),
            ("scenario", "no-such-scenario"),
            ("mode", "table_top"),
            ("start-day", "31"),
            ("start-month", "2"),
            ("start-year", "2026"),
            ("start-time", "25:00"),
            ("title", "Kept as typed"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Choose a scenario from the library ('no-such-scenario' is not one)")
        .shows("The start date must be a real date")
        .shows("The start time must be a time on the 24-hour clock")
        .shows("Choose at least one organisation to play");
    assert!(refused.body.contains("value=\"Kept as typed\""));
    assert!(links(&refused.body).contains(&"#organisations".to_owned()));
    assert!(
        ready
            .world
            .place
            .open()
            .exercise_runs(None)
            .expect("runs")
            .is_empty()
    );
}

fn a_live_play_exercise_queues_its_injects_and_shows_their_delivery(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let csrf = coordinator
        .get("/exercises/new")
        .expect(200)
        .hidden("csrf_token");
    let own = ready.own.to_string();
    let sent = coordinator.post_form(
        "/exercises",
        &[
            ("csrf_token", &csrf),
            ("scenario", SCENARIO),
            ("mode", "live_play"),
            ("start-day", "10"),
            ("start-month", "3"),
            ("start-year", "2026"),
            ("start-time", "10:00"),
            ("organisations", &own),
        ],
    );
    sent.expect(303);
    let run: i64 = sent
        .location()
        .trim_start_matches("/exercises/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the run's number");
    // The scenario has 7 injects, and the partner one contact to send them to.
    let page = coordinator.get(sent.location());
    page.expect(200)
        .shows("The exercise is set up: 7 inject messages are queued")
        .shows("Inject messages and where their delivery stands")
        .shows("soc@wreake.example")
        .shows("Waiting to be sent")
        .shows("Ransom note on 40 desktops");
    let queued = ready
        .world
        .place
        .open()
        .exercise_injects(run, None)
        .expect("the injects");
    assert_eq!(queued.len(), 7);
    // Starting the same exercise again stores and queues nothing more.
    let again = coordinator.post_form(
        "/exercises",
        &[
            ("csrf_token", &csrf),
            ("scenario", SCENARIO),
            ("mode", "live_play"),
            ("start-day", "10"),
            ("start-month", "3"),
            ("start-year", "2026"),
            ("start-time", "10:00"),
            ("organisations", &own),
        ],
    );
    again.expect(303);
    assert_eq!(again.location(), format!("/exercises/{run}?again=yes"));
    assert_eq!(
        ready
            .world
            .place
            .open()
            .exercise_injects(run, None)
            .expect("the injects")
            .len(),
        7
    );
    // Nothing has been sent yet, so the partner has received nothing; its phases have
    // opened with time, so it may respond.
    let mut partner = ready.partner(&server);
    let theirs = partner.get(&format!("/exercises/{run}"));
    theirs
        .expect(200)
        .shows("What your organisation has received Nothing yet.")
        .shows("Record what your organisation did");
    assert!(!theirs.text().contains("Ransom note on 40 desktops"));
}

fn the_library_shows_scenarios_imports_files_and_refuses_bad_ones(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut analyst = Client::signed_in(&server, &ready.world.account(Role::Analyst).username);
    analyst
        .get("/exercises/library")
        .expect(200)
        .shows("Phishing to ransomware")
        .shows("Invoice fraud");
    let page = analyst.get(&format!("/exercises/library/{SCENARIO}"));
    page.expect(200)
        .shows("Phase 1: Something is wrong")
        .shows("Service desk: files on the finance share will not open")
        .shows("Good practice to look for");
    assert!(
        links(&page.body)
            .contains(&"https://www.ncsc.gov.uk/collection/incident-management".to_owned())
    );
    // Only coordinators download exercise files.
    assert_refused_page(&analyst.get(&format!("/exercises/library/{SCENARIO}.json")));
    let mut coordinator = ready.coordinator(&server);
    let file = coordinator.get(&format!("/exercises/library/{SCENARIO}.json"));
    file.expect(200);
    assert_eq!(file.header("content-type"), Some("application/json"));
    let mut scenario = file.json();
    assert_eq!(scenario["format"], "beacon-exercise/1");
    coordinator
        .get("/exercises/library/no-such-scenario.json")
        .expect(404);

    // A copy under a new id is added to the library.
    scenario["id"] = "phishing-copy".into();
    scenario["title"] = "Phishing, our own version".into();
    let csrf = coordinator.csrf();
    let copy = serde_json::to_vec(&scenario).expect("JSON");
    let sent = coordinator.post_multipart(
        "/exercises/library",
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("copy.json"), &copy),
        ],
    );
    sent.expect(303);
    assert_eq!(
        sent.location(),
        "/exercises/library/phishing-copy?imported=added"
    );
    coordinator
        .get(sent.location())
        .expect(200)
        .shows("The scenario is added to the library")
        .shows("Phishing, our own version");
    let count = || {
        ready
            .world
            .place
            .open()
            .scenarios()
            .expect("the library")
            .len()
    };
    let held = count();
    // A file with problems: every one listed, nothing stored.
    scenario["id"] = "Not An Id".into();
    scenario["phases"] = serde_json::json!([]);
    let bad = serde_json::to_vec(&scenario).expect("JSON");
    let refused = coordinator.post_multipart(
        "/exercises/library",
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("bad.json"), &bad),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("The id 'Not An Id' should be lower-case letters")
        .shows("The scenario has no phases");
    assert_eq!(count(), held, "nothing is stored");
    assert_eq!(ready.world.audit("import_scenario").len(), 1);
}

/// A stand-in for Chromium: keeps the page it was given and writes a PDF where asked.
const PRINTER: &str = r#"#!/bin/sh
dir="$(dirname "$0")"
for arg in "$@"; do
  case "$arg" in
    --print-to-pdf=*) out="${arg#--print-to-pdf=}" ;;
    file://*) page="${arg#file://}" ;;
  esac
done
cp "$page" "$dir/printed-$$.html"
printf '%%PDF-1.4\n%% stand-in\n' > "$out"
"#;

fn a_debrief_pdf_is_printed_with_the_marking(kind: Backend) {
    use std::os::unix::fs::PermissionsExt;
    let Some(ready) = ready(kind) else {
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let script = folder.path().join("chromium");
    std::fs::write(&script, PRINTER).expect("the stand-in");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let server = Server::start_with(&ready.world, |settings| {
        settings.chromium = Some(script.clone());
    });
    let mut coordinator = ready.coordinator(&server);
    let run = played(&ready, &mut coordinator);
    assert!(
        links(&coordinator.get(&format!("/exercises/{run}/debrief")).body)
            .contains(&format!("/exercises/{run}/debrief.pdf"))
    );
    let printed_pages = || -> Vec<String> {
        let mut pages: Vec<String> = std::fs::read_dir(folder.path())
            .expect("the folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("printed-"))
            })
            .map(|path| std::fs::read_to_string(path).expect("a printed page"))
            .collect();
        pages.sort();
        pages
    };
    let reply = coordinator.get(&format!("/exercises/{run}/debrief.pdf"));
    reply.expect(200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with("%PDF"));
    assert!(
        reply
            .header("content-disposition")
            .is_some_and(|d| d.contains(&format!("debrief-{run}.pdf")))
    );
    let pages = printed_pages();
    assert_eq!(pages.len(), 1);
    for part in [
        "@top-center { content: \"OFFICIAL-SENSITIVE\"",
        "@bottom-center { content: \"OFFICIAL-SENSITIVE\"",
        "\"Page \" counter(page) \" of \" counter(pages)",
        "Debrief: Spring rehearsal",
        HARBOUR,
    ] {
        assert!(pages[0].contains(part), "{part} is in the printed page");
    }
    // No synthetic data here, so no synthetic marking.
    assert!(!pages[0].contains("SYNTHETIC"));
    // A partner's PDF holds only its own part.
    let mut partner = ready.partner(&server);
    partner
        .get(&format!("/exercises/{run}/debrief.pdf"))
        .expect(200);
    let pages = printed_pages();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        pages.iter().filter(|page| page.contains(HARBOUR)).count(),
        1,
        "only the coordinator's PDF names the other partner"
    );
}

#[test]
fn the_real_chromium_prints_a_debrief() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        beacon_testing::skip(
            "debrief PDFs printed by the real Chromium",
            "/usr/bin/chromium is not installed (apt-get install chromium)",
        );
        return;
    }
    let Some(ready) = ready(Backend::Sqlite) else {
        return;
    };
    let server = Server::start_with(&ready.world, |settings| {
        settings.chromium = Some(chromium.to_owned());
    });
    let mut coordinator = ready.coordinator(&server);
    let run = played(&ready, &mut coordinator);
    let reply = coordinator.get(&format!("/exercises/{run}/debrief.pdf"));
    reply.expect(200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with("%PDF"));
}

/// Sends the self-assessment form with these answers, as the form names them.
fn answer(browser: &mut Client, answers: &[(&str, &str)]) -> Reply {
    let csrf = browser.get("/assessment").expect(200).hidden("csrf_token");
    let names: Vec<String> = answers
        .iter()
        .map(|(id, _)| format!("answer-{id}"))
        .collect();
    let mut fields = vec![("csrf_token", csrf.as_str())];
    for (name, (_, value)) in names.iter().zip(answers) {
        fields.push((name, value));
    }
    browser.post_form("/assessment", &fields)
}

fn a_business_user_assesses_its_organisation_and_sees_what_to_do_next(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut owner = Client::signed_in(&server, &ready.owner);
    let form = owner.get("/assessment");
    form.expect(200)
        .shows(BAKERY)
        .shows("Firewalls")
        // A small business is asked the small-business questions, not the partner ones.
        .shows("Have you changed the admin password on your internet router")
        .shows("I don't know")
        .shows("Does not apply to us");
    assert!(!form.body.contains("name=\"answer-ce-fw-admin-interface\""));
    owner
        .get("/assessment/results")
        .expect(200)
        .shows("Your organisation has not sent a self-assessment yet");
    let sent = answer(
        &mut owner,
        &[
            ("ce-fw-router-password", "no"),
            ("ce-sc-device-lock", "yes"),
            ("ce-mw-anti-malware", "dont_know"),
            ("sbg-bk-regular", "partly"),
        ],
    );
    sent.expect(303);
    assert_eq!(sent.location(), "/assessment/results?submitted=yes");
    let results = owner.get(sent.location());
    results
        .expect(200)
        .shows("Your answers are saved and scored")
        .shows("What to do next")
        .shows("Sign in to your router's settings this week")
        .shows("Check every computer's security settings");
    let rows = table_rows(&results.body);
    let row = |theme: &str| -> Vec<String> {
        rows.iter()
            .find(|row| row.first().map(String::as_str) == Some(theme))
            .unwrap_or_else(|| panic!("a {theme} row: {rows:?}"))
            .clone()
    };
    // Router password "no": 0 of 2. Secure configuration adds the device lock, "yes".
    assert_eq!(row("Firewalls"), ["Firewalls", "0%", "0 of 2", "1"]);
    assert_eq!(
        row("Secure configuration"),
        ["Secure configuration", "50%", "2 of 4", "1"]
    );
    assert_eq!(
        row("Malware protection"),
        ["Malware protection", "0%", "0 of 2", "1"]
    );
    assert_eq!(
        row("Backing up your data"),
        ["Backing up your data", "50%", "1 of 2", "1"]
    );
    assert!(links(&results.body).contains(
        &"https://www.ncsc.gov.uk/collection/small-business-guide/backing-your-data".to_owned()
    ));
    // A second submission joins the history, newest first, and the form starts from it.
    let again = owner.get("/assessment");
    again.expect(200);
    assert!(
        again
            .body
            .contains("id=\"answer-ce-sc-device-lock\" name=\"answer-ce-sc-device-lock\" type=\"radio\" value=\"yes\" checked"),
        "the last answers are filled in"
    );
    answer(&mut owner, &[("ce-fw-router-password", "yes")]).expect(303);
    let history =
        beacon_app::readiness::assessment::history(ready.world.place.open().as_mut(), ready.bakery)
            .expect("history");
    assert_eq!(history.submissions.len(), 2);
    assert_eq!(history.submissions[0].0.submitted_by, ready.owner);
    owner
        .get("/assessment/results")
        .expect(200)
        .shows("Earlier submissions")
        .shows("Overall score: 100%");
    assert_eq!(ready.world.audit("submit_assessment").len(), 2);
}

fn an_answer_to_an_unknown_question_stores_nothing(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut owner = Client::signed_in(&server, &ready.owner);
    let refused = answer(
        &mut owner,
        &[
            ("ce-fw-router-password", "yes"),
            ("no-such-question", "yes"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("no-such-question");
    // What was chosen is kept.
    assert!(refused.body.contains(
        "id=\"answer-ce-fw-router-password\" name=\"answer-ce-fw-router-password\" type=\"radio\" value=\"yes\" checked"
    ));
    // An answer that is not one of the five is refused too.
    answer(&mut owner, &[("ce-fw-router-password", "maybe")])
        .expect(400)
        .shows("'maybe' is not an answer");
    // And so is sending nothing.
    answer(&mut owner, &[])
        .expect(400)
        .shows("Answer at least one question");
    let history =
        beacon_app::readiness::assessment::history(ready.world.place.open().as_mut(), ready.bakery)
            .expect("history");
    assert!(history.submissions.is_empty(), "nothing is stored");
    assert!(ready.world.audit("submit_assessment").is_empty());
}

fn the_assessment_summary_counts_organisations_per_control(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut owner = Client::signed_in(&server, &ready.owner);
    answer(
        &mut owner,
        &[
            ("ce-fw-router-password", "no"),
            ("ce-mw-anti-malware", "yes"),
        ],
    )
    .expect(303);
    let mut partner = ready.partner(&server);
    answer(
        &mut partner,
        &[
            ("ce-fw-router-password", "yes"),
            ("ce-mw-anti-malware", "yes"),
        ],
    )
    .expect(303);

    let mut analyst = Client::signed_in(&server, &ready.world.account(Role::Analyst).username);
    let summary = analyst.get("/assessment/summary");
    summary
        .expect(200)
        .shows("2 organisations assessed")
        .shows("By sector")
        .shows("By district");
    let rows = table_rows(&summary.body);
    let row = |name: &str| -> Vec<String> {
        rows.iter()
            .find(|row| row.first().map(String::as_str) == Some(name))
            .unwrap_or_else(|| panic!("a {name} row: {rows:?}"))
            .clone()
    };
    // Theme, organisations assessed, mean score, organisations with a gap.
    assert_eq!(row("Firewalls"), ["Firewalls", "2", "50%", "1"]);
    assert_eq!(
        row("Malware protection"),
        ["Malware protection", "2", "100%", "0"]
    );
    // No one answered a user access question: listed, with nobody assessed.
    assert_eq!(
        row("User access control"),
        ["User access control", "0", "Not scored", "0"]
    );
    // By sector and district: organisations, then the five controls.
    let business = row("business");
    assert_eq!(business[1..3], ["1".to_owned(), "100%".to_owned()]);
    assert_eq!(business[6], "100%");
    assert_eq!(row("retail")[1..3], ["1".to_owned(), "0%".to_owned()]);
    assert_eq!(row("Charnwood")[1..3], ["1".to_owned(), "0%".to_owned()]);
    assert!(
        summary
            .body
            .contains("<th scope=\"row\" class=\"govuk-table__header\">Firewalls</th>")
    );
    assert!(summary.body.contains(
        "<caption class=\"govuk-table__caption govuk-table__caption--m\">Cyber Essentials</caption>"
    ));

    // A coordinator linked to no organisation is sent to the summary.
    let mut coordinator = ready.coordinator(&server);
    let sent = coordinator.get("/assessment");
    sent.expect(303);
    assert_eq!(sent.location(), "/assessment/summary");
    // The partner may not see the summary.
    assert_refused_page(&partner.get("/assessment/summary"));
}

fn the_api_gives_exercises_and_debriefs_as_the_viewer_may_see_them(kind: Backend) {
    let Some(ready) = ready(kind) else {
        return;
    };
    let server = Server::start(&ready.world);
    let mut coordinator = ready.coordinator(&server);
    let run = played(&ready, &mut coordinator);
    let elsewhere = start(&mut coordinator, &[ready.harbour], "Harbour only");

    let listed = coordinator.get("/api/v1/exercises").expect(200).json();
    let ids: Vec<i64> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&run) && ids.contains(&elsewhere));
    coordinator.get("/api/v1/exercises?limit=0").expect(400);
    let debrief = coordinator
        .get(&format!("/api/v1/exercises/{run}/debrief"))
        .expect(200)
        .json();
    assert_eq!(debrief["run"]["title"], TITLE);
    assert_eq!(debrief["median_first_response_seconds"], 570);
    let players = debrief["players"].as_array().expect("players");
    assert_eq!(players.len(), 2);
    let own = players
        .iter()
        .find(|p| p["organisation_id"] == ready.own)
        .expect("the test partner");
    assert_eq!(own["first_response_seconds"], 420);
    assert_eq!(own["first_escalation_seconds"], 1800);
    assert_eq!(own["gaps"][0]["point_id"], "offline-backups");
    assert_eq!(debrief["responses"].as_array().expect("responses").len(), 3);

    // A partner's token: its own runs and its own part only.
    let partner = ready.world.account(Role::PartnerItManager).clone();
    let token = beacon_web::auth::new_token();
    ready
        .world
        .place
        .open()
        .create_api_token(
            partner.id,
            "readiness tests",
            &beacon_web::auth::token_hash(&token),
            time::OffsetDateTime::now_utc() + time::Duration::days(1),
        )
        .expect("a token");
    let bearer = format!("Bearer {token}");
    let mut script = Client::new(&server);
    let listed = script
        .send(
            "GET",
            "/api/v1/exercises",
            &[("authorization", &bearer)],
            None,
        )
        .expect(200)
        .json();
    let runs = listed.as_array().expect("a list");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["id"], run);
    assert_eq!(runs[0]["players"].as_array().expect("players").len(), 1);
    assert_eq!(runs[0]["facilitator"], serde_json::Value::Null);
    let theirs = script
        .send(
            "GET",
            &format!("/api/v1/exercises/{run}/debrief"),
            &[("authorization", &bearer)],
            None,
        )
        .expect(200)
        .json();
    assert_eq!(theirs["players"].as_array().expect("players").len(), 1);
    assert_eq!(theirs["players"][0]["organisation_id"], ready.own);
    assert!(!theirs.to_string().contains(HARBOUR), "{theirs}");
    script
        .send(
            "GET",
            &format!("/api/v1/exercises/{elsewhere}/debrief"),
            &[("authorization", &bearer)],
            None,
        )
        .expect(404);
    script
        .send(
            "GET",
            "/api/v1/assessment/summary",
            &[("authorization", &bearer)],
            None,
        )
        .expect(403);

    // The area's summary, for staff.
    let summary = coordinator
        .get("/api/v1/assessment/summary")
        .expect(200)
        .json();
    assert_eq!(summary["organisations_assessed"], 0);
    assert_eq!(summary["themes"][0]["key"], "cyber_essentials:firewalls");
    assert_eq!(summary["themes"][0]["theme"], "Firewalls");
    assert_eq!(summary["themes"].as_array().expect("themes").len(), 5);
}
