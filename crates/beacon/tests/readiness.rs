//! Readiness through the `beacon` command and its application layer: a live exercise's
//! injects reach a real SMTP server at their scheduled times (a fake clock drives the
//! sender), marked as an exercise; bad exercise files and answers to questions that do not
//! exist store nothing; the assessment summary names the five Cyber Essentials controls;
//! the exercise format round-trips through export and import; a consented phishing
//! simulation is sent marked as one, and the person's report of it is recognised.

mod common;

use beacon_app::notify::{NotifySettings, deliver};
use beacon_app::readiness::exercises::{self, StartRun};
use beacon_app::readiness::library;
use beacon_core::readiness::ExerciseMode;
use beacon_core::{ContactRole, Delivery, Organisation, PartnerContact};
use beacon_notify::{SmtpMailer, SmtpSettings, TlsMode};
use beacon_store::{Backend, MessageKind, Store};
use beacon_testing::TestDatabase;
use common::{beacon, body_text, delivered_to, header, json, number, sink};
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn path(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Two organisations, each with an IT manager and a senior responsible owner.
fn players(store: &mut dyn Store, stamp: &str) -> (i64, i64) {
    let organisation = |name: &str| Organisation {
        name: format!("{name} {stamp}"),
        sector: "local-government".to_owned(),
        ..Organisation::default()
    };
    let ids = store
        .upsert_organisations(&[
            organisation("Exercise Council"),
            organisation("Other Council"),
        ])
        .expect("organisations");
    let contact = |name: &str, email: String, role| PartnerContact {
        name: name.to_owned(),
        email,
        role,
        delivery: Delivery::Immediate,
    };
    store
        .replace_contacts(&[
            (
                ids[0],
                vec![
                    contact(
                        "Priya Shah",
                        format!("it-{stamp}@council.example"),
                        ContactRole::ItManager,
                    ),
                    contact(
                        "Sam Ode",
                        format!("sro-{stamp}@council.example"),
                        ContactRole::SeniorResponsibleOwner,
                    ),
                ],
            ),
            (
                ids[1],
                vec![contact(
                    "Alex Green",
                    format!("it-{stamp}@other.example"),
                    ContactRole::ItManager,
                )],
            ),
        ])
        .expect("contacts");
    (ids[0], ids[1])
}

#[test]
fn live_injects_reach_the_sink_at_their_times() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let Some(place) = TestDatabase::fresh(Backend::Sqlite, "live_injects") else {
        return;
    };
    let mut store = beacon_store::open(place.location()).expect("store");
    let stamp = format!("{}", std::process::id());
    let (council, other) = players(store.as_mut(), &stamp);
    // Tomorrow at 10:00: scheduled after the moment the injects are queued, so the
    // sender's clock (faked below) decides when each is due.
    let start =
        (OffsetDateTime::now_utc() + Duration::days(1)).replace_time(time::macros::time!(10:00));
    library::load_shipped(store.as_mut(), "test", start).expect("library");
    let scenario = library::scenario(store.as_mut(), "phishing-to-ransomware")
        .expect("shipped scenario")
        .scenario;
    let settings = NotifySettings::default();
    let started = exercises::start(
        store.as_mut(),
        &StartRun {
            scenario_id: scenario.id.clone(),
            mode: ExerciseMode::LivePlay,
            starts_at: start,
            organisation_ids: vec![council],
            facilitator: "test".to_owned(),
            title: None,
        },
        &settings,
        start - Duration::days(1),
    )
    .expect("started");
    assert!(started.created);
    assert!(started.injects_queued >= scenario.timeline().len());
    // The same request again is the same run, queueing nothing more.
    let again = exercises::start(
        store.as_mut(),
        &StartRun {
            scenario_id: scenario.id.clone(),
            mode: ExerciseMode::LivePlay,
            starts_at: start,
            organisation_ids: vec![council],
            facilitator: "test".to_owned(),
            title: None,
        },
        &settings,
        start,
    )
    .expect("again");
    assert_eq!(
        (again.id, again.created, again.injects_queued),
        (started.id, false, 0)
    );

    let mailer = SmtpMailer::new(SmtpSettings {
        host,
        port,
        tls: TlsMode::None,
        username: None,
        password: None,
        from: "Beacon <beacon@beacon.test>".to_owned(),
        timeout_secs: 10,
    })
    .expect("mailer");
    let it = format!("it-{stamp}@council.example");
    let sent_by = |store: &mut dyn Store, now: OffsetDateTime| {
        deliver(store, &[&mailer], None, now, &settings)
            .expect("delivered")
            .sent
    };
    // Before the start nothing is due.
    assert_eq!(sent_by(store.as_mut(), start - Duration::minutes(1)), 0);
    // Each inject goes when its minute comes, and not before.
    let mut expected = 0usize;
    let mut minutes: Vec<i64> = scenario
        .timeline()
        .iter()
        .map(|(_, i)| i.at_minutes)
        .collect();
    minutes.dedup();
    for minute in minutes {
        let now = start + Duration::minutes(minute);
        let sent = sent_by(store.as_mut(), now);
        assert!(
            sent > 0,
            "injects at minute {minute} are sent at that minute"
        );
        expected += sent;
        assert_eq!(sent_by(store.as_mut(), now), 0, "nothing is sent twice");
    }
    let injects = store.exercise_injects(started.id, None).expect("injects");
    assert_eq!(injects.len(), expected);
    assert!(injects.iter().all(|i| i.message.sent_at.is_some()));
    for inject in &injects {
        let at = inject.message.sent_at.expect("sent");
        let planned = scenario
            .timeline()
            .into_iter()
            .find(|(_, i)| i.id == inject.inject_id)
            .map(|(_, i)| start + Duration::minutes(i.at_minutes))
            .expect("an inject of the scenario");
        assert!(
            at >= planned,
            "{} sent at {at}, planned {planned}",
            inject.inject_id
        );
    }
    let delivered = delivered_to(&spool, &it);
    assert!(!delivered.is_empty(), "the IT manager received injects");
    for message in &delivered {
        assert!(header(message, "Subject").starts_with("[EXERCISE]"));
        assert!(header(message, "X-Beacon-Exercise").starts_with("inject"));
        assert!(body_text(message).contains("EXERCISE EXERCISE EXERCISE"));
    }
    // The organisation that does not play gets nothing.
    assert!(delivered_to(&spool, &format!("it-{stamp}@other.example")).is_empty());
    let _ = other;
    // Every inject message is of the inject kind.
    assert!(
        store
            .messages(Some(MessageKind::Inject), 1_000)
            .expect("messages")
            .len()
            >= expected
    );
}

fn bad_input_story(database: &str) {
    let dir = tempfile::tempdir().expect("dir");
    // The library lists the five shipped scenarios.
    let listed = json(&beacon(
        database,
        None,
        &["exercise", "list", "--json"],
        &[],
    ));
    let ids: Vec<&str> = listed["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    for id in [
        "phishing-to-ransomware",
        "supplier-compromise",
        "invoice-fraud",
        "it-service-loss",
        "partner-data-breach",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    // Export and import again: unchanged.
    let exported = dir.path().join("exported.json");
    let output = beacon(
        database,
        None,
        &[
            "exercise",
            "export",
            "invoice-fraud",
            "--out",
            path(&exported),
        ],
        &[],
    );
    assert!(output.status.success());
    let again = json(&beacon(
        database,
        None,
        &["exercise", "import", path(&exported), "--json"],
        &[],
    ));
    assert_eq!(again["files"][0]["result"], "unchanged");
    // A file with no phases, and one with an inject before the start: refused, nothing stored.
    let text = std::fs::read_to_string(&exported).expect("exported");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value["id"] = "no-phases".into();
    value["phases"] = serde_json::json!([]);
    let no_phases = write(dir.path(), "no-phases.json", &value.to_string());
    let mut early: serde_json::Value = serde_json::from_str(&text).expect("json");
    early["id"] = "early-inject".into();
    early["phases"][0]["injects"][0]["at_minutes"] = (-15).into();
    let early = write(dir.path(), "early.json", &early.to_string());
    for (file, words) in [
        (&no_phases, "no phases"),
        (&early, "before the exercise starts"),
    ] {
        let output = beacon(database, None, &["exercise", "import", path(file)], &[]);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
    }
    let listed = json(&beacon(
        database,
        None,
        &["exercise", "list", "--json"],
        &[],
    ));
    assert_eq!(listed["scenarios"].as_array().map(Vec::len), Some(5));

    // Answers to a question that does not exist: refused, nothing stored.
    let organisations = write(
        dir.path(),
        "organisations.csv",
        "name,sector,district,contacts\nAssessed Council,local-government,,soc@assessed.example\n",
    );
    json(&beacon(
        database,
        None,
        &["org", "import", path(&organisations), "--json"],
        &[],
    ));
    let questions = json(&beacon(
        database,
        None,
        &["assessment", "questions", "--json"],
        &[],
    ));
    let first = questions["questions"][0]["id"]
        .as_str()
        .expect("a question")
        .to_owned();
    let bad = write(
        dir.path(),
        "bad.csv",
        &format!("question,answer\n{first},yes\nno-such-question,no\n"),
    );
    let output = beacon(
        database,
        None,
        &[
            "assessment",
            "submit",
            "--organisation",
            "Assessed Council",
            path(&bad),
        ],
        &[],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-question"), "{stderr}");
    let summary = json(&beacon(
        database,
        None,
        &["assessment", "summary", "--json"],
        &[],
    ));
    assert_eq!(number(&summary["summary"], "organisations_assessed"), 0);

    // A good submission counts, and the summary names the five controls.
    let good = write(
        dir.path(),
        "good.csv",
        &format!("question,answer\n{first},partly\n"),
    );
    json(&beacon(
        database,
        None,
        &[
            "assessment",
            "submit",
            "--organisation",
            "Assessed Council",
            path(&good),
            "--json",
        ],
        &[],
    ));
    let output = beacon(database, None, &["assessment", "summary"], &[]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("1 organisation(s) assessed"), "{text}");
    for control in [
        "Firewalls",
        "Secure configuration",
        "Security update management",
        "User access control",
        "Malware protection",
    ] {
        assert!(text.contains(control), "{control} in {text}");
    }
}

#[test]
fn exercises_and_assessments_through_the_cli_on_sqlite() {
    if let Some(place) = TestDatabase::fresh(Backend::Sqlite, "cli_readiness") {
        bad_input_story(place.location());
    }
}

#[test]
fn exercises_and_assessments_through_the_cli_on_postgres() {
    if let Some(place) = TestDatabase::fresh(Backend::Postgres, "cli_readiness") {
        bad_input_story(place.location());
    }
}

/// The raw messages in the spool sent to `to` (the sink keeps `<n>.eml` beside `<n>.json`).
fn raw_messages_to(spool: &Path, to: &str) -> Vec<Vec<u8>> {
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(spool).expect("spool") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).expect("readable")).expect("json");
            if value["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|a| a == to))
            {
                raw.push(std::fs::read(path.with_extension("eml")).expect("the raw message"));
            }
        }
    }
    raw
}

#[test]
fn a_consented_simulation_is_marked_sent_and_reported() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = path(&database);
    let config = write(
        dir.path(),
        "beacon.toml",
        &format!(
            "[notify]\nbase_url = \"https://beacon.test\"\nmessage_domain = \"beacon.test\"\n\n\
             [smtp]\nhost = \"{host}\"\nport = {port}\ntls = \"none\"\nfrom = \"Beacon <beacon@beacon.test>\"\ntimeout_secs = 10\n"
        ),
    );
    let config = Some(config.as_path());
    let stamp = format!("sim{}", std::process::id());
    let organisations = write(
        dir.path(),
        "organisations.csv",
        &format!(
            "name,sector,district,contacts\nAware Council {stamp},local-government,,soc-{stamp}@aware.example\n"
        ),
    );
    json(&beacon(
        database,
        config,
        &["org", "import", path(&organisations), "--json"],
        &[],
    ));
    // A consent list with a bad line stores nothing and names the line.
    let bad = write(
        dir.path(),
        "bad.csv",
        &format!(
            "organisation,email,consented_at,evidence\n\
             Aware Council {stamp},a-{stamp}@aware.example,2026-03-01,intranet form\n\
             Aware Council {stamp},not-an-address,2026-03-01,intranet form\n"
        ),
    );
    let output = beacon(database, config, &["phishing", "consent", path(&bad)], &[]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 3: column email"));
    let launched = beacon(
        database,
        config,
        &[
            "phishing",
            "launch",
            "--organisation",
            &format!("Aware Council {stamp}"),
            "--template",
            "parcel-redelivery",
        ],
        &[],
    );
    assert!(!launched.status.success(), "nobody has consented yet");
    let good = write(
        dir.path(),
        "good.csv",
        &format!(
            "organisation,email,consented_at,evidence\n\
             Aware Council {stamp},a-{stamp}@aware.example,2026-03-01,intranet form\n\
             Aware Council {stamp},b-{stamp}@aware.example,2026-03-01,intranet form\n"
        ),
    );
    let consent = json(&beacon(
        database,
        config,
        &["phishing", "consent", path(&good), "--json"],
        &[],
    ));
    assert_eq!(number(&consent, "added"), 2);
    let launched = json(&beacon(
        database,
        config,
        &[
            "phishing",
            "launch",
            "--organisation",
            &format!("Aware Council {stamp}"),
            "--template",
            "parcel-redelivery",
            "--json",
        ],
        &[],
    ));
    assert_eq!(number(&launched, "queued"), 2);
    let sent = json(&beacon(database, config, &["notify", "run", "--json"], &[]));
    assert!(number(&sent, "sent") >= 2, "{sent}");
    let to = format!("a-{stamp}@aware.example");
    let delivered = delivered_to(&spool, &to);
    assert_eq!(delivered.len(), 1);
    assert!(header(&delivered[0], "X-Beacon-Simulation").starts_with("phishing-awareness"));
    assert!(body_text(&delivered[0]).contains("https://beacon.test/learn/s/"));
    // The person forwards it to the report-phishing mailbox; one unrelated email too.
    let reported = dir.path().join("reported");
    std::fs::create_dir(&reported).expect("folder");
    let raw = raw_messages_to(&spool, &to);
    let mut forwarded = b"From: a@aware.example\r\nTo: report@beacon.test\r\nSubject: Fwd: suspicious\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n--fwd\r\n\
        Content-Type: text/plain\r\n\r\nThis looks like phishing.\r\n--fwd\r\nContent-Type: message/rfc822\r\n\r\n"
        .to_vec();
    forwarded.extend_from_slice(&raw[0]);
    forwarded.extend_from_slice(b"\r\n--fwd--\r\n");
    write(&reported, "1.eml", &String::from_utf8_lossy(&forwarded));
    write(
        &reported,
        "2.eml",
        "From: x@y.example\r\nSubject: a real one\r\n\r\nClick http://bad.example\r\n",
    );
    let read = json(&beacon(
        database,
        config,
        &["phishing", "reports", path(&reported), "--json"],
        &[],
    ));
    assert_eq!(
        (
            number(&read, "emails"),
            number(&read, "recorded"),
            number(&read, "not_simulations")
        ),
        (2, 1, 1)
    );
    let results = json(&beacon(
        database,
        config,
        &["phishing", "results", "--json"],
        &[],
    ));
    let row = &results[0];
    assert_eq!(
        (
            number(row, "sent"),
            number(row, "clicked"),
            number(row, "reported")
        ),
        (2, 0, 1)
    );
}
