//! Readiness: a scenario library kept by revision, exercise runs made once per key with
//! their injects queued once and sent no earlier than their time, each partner seeing
//! only its own part, responses and observations, and self-assessments.

use super::inventory::two_partners;
use super::register::organisation;
use super::*;
use beacon_core::Tlp;
use beacon_core::readiness::{
    AdviceLink, Answer, ExerciseMode, GoodPractice, Inject, InjectAudience, Observation, Phase,
    PhaseQuestion, ResponseKind, Scenario,
};
use beacon_store::readiness::scenario_revision;
use beacon_store::{
    Channel, MessageContent, MessageDetail, MessageKind, NewAssessment, NewExerciseRun, NewMessage,
    NewResponse, RunState, ScenarioPut,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

stories!(with_store =>
    scenarios_are_added_kept_and_updated_by_revision,
    a_run_is_made_once_per_key_with_its_injects_queued_once,
    an_unknown_organisation_or_a_stray_inject_stores_nothing,
    a_partner_sees_only_its_own_runs_and_only_itself_among_players,
    phases_open_and_finishing_stamps_the_end,
    responses_come_back_in_time_order_and_only_players_respond,
    the_latest_observation_of_a_point_is_kept,
    scheduled_injects_are_not_claimed_before_their_time,
);

stories!(with_place =>
    assessments_keep_one_row_per_answer_and_latest_only_keeps_each_partners_newest,
);

/// A small scenario that passes its own checks.
fn scenario(id: &str, title: &str) -> Scenario {
    let inject = |id: &str, at_minutes: i64, subject: &str| Inject {
        id: id.to_owned(),
        at_minutes,
        to: InjectAudience::ItManager,
        subject: subject.to_owned(),
        body: format!("{subject}: what do you do?"),
    };
    let scenario = Scenario {
        format: beacon_core::readiness::exercise::EXERCISE_FORMAT.to_owned(),
        id: id.to_owned(),
        title: title.to_owned(),
        summary: "A phishing email leads to ransomware on the file server.".to_owned(),
        audience: vec!["all".to_owned()],
        duration_minutes: 120,
        phases: vec![
            Phase {
                id: "detection".to_owned(),
                title: "Phase 1: Something is wrong".to_owned(),
                narrative: "Staff report a strange email.".to_owned(),
                starts_at_minutes: 0,
                injects: vec![
                    inject("report-email", 5, "A strange email"),
                    inject("helpdesk-calls", 20, "The helpdesk is busy"),
                ],
                questions: vec![PhaseQuestion {
                    id: "who-decides".to_owned(),
                    text: "Who decides to take systems offline?".to_owned(),
                }],
                good_practice: vec![GoodPractice {
                    id: "plan-names-owner".to_owned(),
                    text: "The incident response plan names who decides.".to_owned(),
                    advice: vec![AdviceLink {
                        title: "NCSC: Incident management".to_owned(),
                        url: "https://www.ncsc.gov.uk/collection/incident-management".to_owned(),
                    }],
                }],
            },
            Phase {
                id: "containment".to_owned(),
                title: "Phase 2: Files are encrypted".to_owned(),
                narrative: "The file server shows a ransom note.".to_owned(),
                starts_at_minutes: 45,
                injects: vec![inject("ransom-note", 50, "A ransom note")],
                questions: Vec::new(),
                good_practice: vec![GoodPractice {
                    id: "offline-backups".to_owned(),
                    text: "Backups are kept offline and tested.".to_owned(),
                    advice: Vec::new(),
                }],
            },
        ],
        advice: Vec::new(),
    };
    assert_eq!(
        scenario.problems(),
        Vec::new(),
        "the story's scenario is valid"
    );
    scenario
}

/// A run of the scenario for these organisations.
fn new_run(key: &str, organisation_ids: &[i64], starts_at: OffsetDateTime) -> NewExerciseRun {
    NewExerciseRun {
        key: key.to_owned(),
        scenario: scenario("phishing-to-ransomware", "Phishing to ransomware"),
        title: format!("Exercise {key}"),
        mode: ExerciseMode::LivePlay,
        starts_at,
        organisation_ids: organisation_ids.to_vec(),
        facilitator: "facilitator@beacon.example".to_owned(),
        created_at: datetime!(2026-11-01 09:00 UTC),
    }
}

/// Every inject of the run's scenario for every player, as a caller composes them.
fn injects_for(run: &NewExerciseRun) -> Vec<(i64, String, NewMessage)> {
    let mut all = Vec::new();
    for organisation_id in &run.organisation_ids {
        for (_, inject) in run.scenario.timeline() {
            all.push((
                *organisation_id,
                inject.id.clone(),
                inject_message(
                    &run.key,
                    *organisation_id,
                    inject,
                    run.starts_at + Duration::minutes(inject.at_minutes),
                ),
            ));
        }
    }
    all
}

fn inject_message(
    run_key: &str,
    organisation_id: i64,
    inject: &Inject,
    not_before: OffsetDateTime,
) -> NewMessage {
    NewMessage {
        kind: MessageKind::Inject,
        channel: Channel::Email,
        organisation_id: Some(organisation_id),
        recipient: format!("it@{organisation_id}.example"),
        recipient_kind: "it_manager".to_owned(),
        content: MessageContent::Written {
            subject: inject.subject.clone(),
            text: inject.body.clone(),
            html: format!("<p>{}</p>", inject.body),
        },
        tlp: Tlp::Amber,
        dedupe_key: format!("inject:{run_key}:{organisation_id}:{}", inject.id),
        ack_wanted: false,
        detail: MessageDetail::None,
        not_before: Some(not_before),
    }
}

/// Makes a run with all its injects; returns its id.
fn make_run(store: &mut dyn Store, run: &NewExerciseRun) -> i64 {
    let (id, created) = store
        .create_exercise_run(run, &injects_for(run), "beacon.test")
        .expect("the run is made");
    assert!(created);
    id
}

fn response(
    run_id: i64,
    organisation_id: i64,
    inject_id: Option<&str>,
    text: &str,
    at: OffsetDateTime,
) -> NewResponse {
    NewResponse {
        run_id,
        organisation_id,
        phase_id: "detection".to_owned(),
        inject_id: inject_id.map(str::to_owned),
        kind: ResponseKind::Response,
        text: text.to_owned(),
        at,
        recorded_by: "facilitator".to_owned(),
    }
}

fn scenarios_are_added_kept_and_updated_by_revision(store: &mut dyn Store) {
    let at = datetime!(2026-11-02 10:00 UTC);
    let ransomware = scenario("phishing-to-ransomware", "Phishing to ransomware");
    assert_eq!(
        store.put_scenario(&ransomware, "admin", at).expect("put"),
        ScenarioPut::Added
    );
    assert_eq!(
        store
            .put_scenario(&ransomware, "someone else", at + Duration::hours(1))
            .expect("put"),
        ScenarioPut::Unchanged,
        "the same revision changes nothing"
    );
    let stored = store
        .scenario("phishing-to-ransomware")
        .expect("read")
        .expect("stored");
    assert_eq!(stored.revision, scenario_revision(&ransomware));
    assert_eq!(stored.revision.len(), 64);
    assert_eq!(
        (stored.imported_by.as_str(), stored.imported_at),
        ("admin", at),
        "an unchanged import does not restamp the scenario"
    );

    let mut revised = ransomware.clone();
    revised.summary = "A phishing email leads to ransomware and a data leak.".to_owned();
    revised.title = "Phishing to ransomware (2027)".to_owned();
    let later = at + Duration::days(1);
    assert_eq!(
        store.put_scenario(&revised, "editor", later).expect("put"),
        ScenarioPut::Updated
    );
    let stored = store
        .scenario("phishing-to-ransomware")
        .expect("read")
        .expect("stored");
    assert_eq!(stored.scenario, revised);
    assert_eq!(stored.title, "Phishing to ransomware (2027)");
    assert_eq!(stored.revision, scenario_revision(&revised));
    assert_ne!(stored.revision, scenario_revision(&ransomware));
    assert_eq!(
        (stored.imported_by.as_str(), stored.imported_at),
        ("editor", later)
    );

    let supplier = scenario("supplier-breach", "Bad news from a supplier");
    assert_eq!(
        store.put_scenario(&supplier, "admin", at).expect("put"),
        ScenarioPut::Added
    );
    let library = store.scenarios().expect("library");
    assert_eq!(
        library.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["supplier-breach", "phishing-to-ransomware"],
        "by title"
    );
    assert_eq!(store.scenario("no-such-scenario").expect("read"), None);
}

fn a_run_is_made_once_per_key_with_its_injects_queued_once(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let starts_at = datetime!(2026-11-20 10:00 UTC);
    let run = new_run("autumn-2026", &[harbour, council], starts_at);
    let injects = injects_for(&run);
    assert_eq!(injects.len(), 6, "three injects for each of two partners");
    let (id, created) = store
        .create_exercise_run(&run, &injects, "beacon.test")
        .expect("made");
    assert!(created);
    let (again, created_again) = store
        .create_exercise_run(&run, &injects, "beacon.test")
        .expect("made again");
    assert_eq!(
        (again, created_again),
        (id, false),
        "the same key: the first run"
    );
    let mut other_title = run.clone();
    other_title.title = "Another title under the same key".to_owned();
    assert_eq!(
        store
            .create_exercise_run(&other_title, &[], "beacon.test")
            .expect("same key"),
        (id, false)
    );
    assert_eq!(store.exercise_runs(None).expect("runs").len(), 1);

    let queued = store
        .messages(Some(MessageKind::Inject), 100)
        .expect("messages");
    assert_eq!(queued.len(), 6, "each inject queued once");
    assert!(queued.iter().all(|m| m.kind == MessageKind::Inject));

    let record = store
        .exercise_run(id, None)
        .expect("read")
        .expect("the run");
    assert_eq!(record.key, "autumn-2026");
    assert_eq!(record.scenario_id, "phishing-to-ransomware");
    assert_eq!(record.scenario, run.scenario);
    assert_eq!(record.title, "Exercise autumn-2026");
    assert_eq!(record.mode, ExerciseMode::LivePlay);
    assert_eq!(record.state, RunState::Planned);
    assert_eq!(record.starts_at, starts_at);
    assert_eq!(record.created_at, run.created_at);
    assert_eq!(record.facilitator, "facilitator@beacon.example");
    assert_eq!(
        (
            record.current_phase,
            record.phase_opened_at,
            record.finished_at
        ),
        (None, None, None)
    );
    assert_eq!(
        record
            .players
            .iter()
            .map(|p| (p.organisation_id, p.name.as_str()))
            .collect::<Vec<_>>(),
        [(council, "City Council"), (harbour, "Harbour Trust")],
        "players by name"
    );
    assert_eq!(record.players[0].sector, "business");
    assert_eq!(record.players[0].district.as_deref(), Some("E06000016"));

    let all = store.exercise_injects(id, None).expect("injects");
    assert_eq!(all.len(), 6);
    let times: Vec<OffsetDateTime> = all.iter().map(|i| i.message.next_attempt_at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "by scheduled time");
    assert_eq!(times[0], starts_at + Duration::minutes(5));
    assert_eq!(times[5], starts_at + Duration::minutes(50));
    assert_eq!(
        all.iter()
            .take(2)
            .map(|i| i.inject_id.as_str())
            .collect::<Vec<_>>(),
        ["report-email", "report-email"]
    );
    let own = store.exercise_injects(id, Some(council)).expect("injects");
    assert_eq!(
        own.iter().map(|i| i.inject_id.as_str()).collect::<Vec<_>>(),
        ["report-email", "helpdesk-calls", "ransom-note"]
    );
    assert!(own.iter().all(|i| i.organisation_id == council
        && i.message.organisation_id == Some(council)
        && i.message.status == beacon_store::OutboxStatus::Pending));

    let mut revised = run.scenario.clone();
    revised.title = "Phishing to ransomware, revised".to_owned();
    store
        .put_scenario(&revised, "editor", starts_at)
        .expect("library");
    assert_eq!(
        store
            .exercise_run(id, None)
            .expect("read")
            .expect("run")
            .scenario,
        run.scenario,
        "the run keeps its own snapshot"
    );
}

fn an_unknown_organisation_or_a_stray_inject_stores_nothing(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let run = new_run(
        "broken",
        &[council, 999_999],
        datetime!(2026-11-20 10:00 UTC),
    );
    match store.create_exercise_run(&run, &injects_for(&run), "beacon.test") {
        Err(StoreError::NotFound { what, id }) => {
            assert_eq!((what, id), ("organisation", 999_999));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(store.exercise_runs(None).expect("runs").is_empty());
    assert!(store.messages(None, 100).expect("messages").is_empty());

    let run = new_run("stray", &[council], datetime!(2026-11-20 10:00 UTC));
    let mut injects = injects_for(&run);
    let stray = injects[0].2.clone();
    injects.push((harbour, "report-email".to_owned(), stray));
    assert!(matches!(
        store.create_exercise_run(&run, &injects, "beacon.test"),
        Err(StoreError::NotFound {
            what: "exercise player",
            ..
        })
    ));
    assert!(store.exercise_runs(None).expect("runs").is_empty());
    assert!(store.messages(None, 100).expect("messages").is_empty());

    let (id, created) = store
        .create_exercise_run(&run, &injects_for(&run), "beacon.test")
        .expect("the key was not taken by the failed attempt");
    assert!(created);
    assert_eq!(store.exercise_injects(id, None).expect("injects").len(), 3);
}

fn a_partner_sees_only_its_own_runs_and_only_itself_among_players(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let shared = make_run(
        store,
        &new_run(
            "shared",
            &[council, harbour],
            datetime!(2026-11-10 10:00 UTC),
        ),
    );
    let harbour_only = make_run(
        store,
        &new_run("harbour", &[harbour], datetime!(2026-11-20 10:00 UTC)),
    );

    let everyone = store.exercise_runs(None).expect("runs");
    assert_eq!(
        everyone.iter().map(|r| r.id).collect::<Vec<_>>(),
        [harbour_only, shared],
        "latest starting first"
    );
    let councils = store.exercise_runs(Some(council)).expect("runs");
    assert_eq!(
        councils.len(),
        1,
        "not the run the council does not play in"
    );
    assert_eq!(councils[0].id, shared);
    assert_eq!(
        councils[0]
            .players
            .iter()
            .map(|p| p.organisation_id)
            .collect::<Vec<_>>(),
        [council],
        "a partner never learns who else played"
    );
    let harbours = store.exercise_runs(Some(harbour)).expect("runs");
    assert_eq!(
        harbours.iter().map(|r| r.id).collect::<Vec<_>>(),
        [harbour_only, shared]
    );
    assert!(
        harbours
            .iter()
            .all(|r| r.players.len() == 1 && r.players[0].organisation_id == harbour)
    );

    assert_eq!(
        store
            .exercise_run(harbour_only, Some(council))
            .expect("read"),
        None
    );
    let seen = store
        .exercise_run(shared, Some(council))
        .expect("read")
        .expect("the council plays");
    assert_eq!(seen.players.len(), 1);
    assert_eq!(
        store
            .exercise_run(shared, None)
            .expect("read")
            .expect("run")
            .players
            .len(),
        2
    );
    assert_eq!(store.exercise_run(999_999, None).expect("read"), None);
    assert!(
        store
            .exercise_injects(shared, Some(council))
            .expect("injects")
            .iter()
            .all(|i| i.organisation_id == council)
    );
    assert!(
        store
            .exercise_injects(harbour_only, Some(council))
            .expect("injects")
            .is_empty()
    );
}

fn phases_open_and_finishing_stamps_the_end(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let mut table_top = new_run("table-top", &[council], datetime!(2026-11-20 10:00 UTC));
    table_top.mode = ExerciseMode::TableTop;
    let (id, _) = store
        .create_exercise_run(&table_top, &[], "beacon.test")
        .expect("made");
    let run = |store: &mut dyn Store| store.exercise_run(id, None).expect("read").expect("run");
    assert_eq!(run(store).mode, ExerciseMode::TableTop);

    let opened = datetime!(2026-11-20 10:02 UTC);
    assert!(
        store
            .set_exercise_phase(id, Some("detection"), RunState::Running, opened)
            .expect("moved")
    );
    let now = run(store);
    assert_eq!(now.state, RunState::Running);
    assert_eq!(now.current_phase.as_deref(), Some("detection"));
    assert_eq!(now.phase_opened_at, Some(opened));
    assert_eq!(now.finished_at, None);

    store
        .set_exercise_phase(
            id,
            Some("detection"),
            RunState::Running,
            opened + Duration::minutes(10),
        )
        .expect("moved");
    assert_eq!(
        run(store).phase_opened_at,
        Some(opened),
        "naming the open phase again keeps when it opened"
    );

    let second = datetime!(2026-11-20 10:45 UTC);
    store
        .set_exercise_phase(id, Some("containment"), RunState::Running, second)
        .expect("moved");
    let now = run(store);
    assert_eq!(now.current_phase.as_deref(), Some("containment"));
    assert_eq!(now.phase_opened_at, Some(second));

    let end = datetime!(2026-11-20 12:00 UTC);
    store
        .set_exercise_phase(id, Some("containment"), RunState::Finished, end)
        .expect("finished");
    let now = run(store);
    assert_eq!(now.state, RunState::Finished);
    assert_eq!(now.finished_at, Some(end));
    assert_eq!(now.phase_opened_at, Some(second));

    store
        .set_exercise_phase(id, None, RunState::Finished, end + Duration::hours(1))
        .expect("finished again");
    let now = run(store);
    assert_eq!(now.finished_at, Some(end), "finishing is stamped once");
    assert_eq!((now.current_phase, now.phase_opened_at), (None, None));

    assert!(
        !store
            .set_exercise_phase(999_999, None, RunState::Running, end)
            .expect("no such run")
    );
}

fn responses_come_back_in_time_order_and_only_players_respond(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let third = store
        .upsert_organisations(&[organisation("Valley School", "203.0.113.0/24")])
        .expect("stored")[0];
    let id = make_run(
        store,
        &new_run(
            "responses",
            &[council, harbour],
            datetime!(2026-11-20 10:00 UTC),
        ),
    );
    let late = store
        .record_response(&response(
            id,
            council,
            Some("report-email"),
            "We blocked the sender",
            datetime!(2026-11-20 10:30 UTC),
        ))
        .expect("recorded");
    let early = store
        .record_response(&response(
            id,
            harbour,
            Some("report-email"),
            "We told staff not to click",
            datetime!(2026-11-20 10:08 UTC),
        ))
        .expect("recorded");
    let mut escalation = response(
        id,
        council,
        None,
        "Told the chief executive",
        datetime!(2026-11-20 10:30 UTC),
    );
    escalation.kind = ResponseKind::Escalation;
    escalation.phase_id = "containment".to_owned();
    let same_time = store.record_response(&escalation).expect("recorded");

    let all = store.exercise_responses(id, None).expect("responses");
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [early, late, same_time],
        "by time, then id"
    );
    assert_eq!(all[0].organisation, "Harbour Trust");
    assert_eq!(all[0].inject_id.as_deref(), Some("report-email"));
    assert_eq!(all[0].at, datetime!(2026-11-20 10:08 UTC));
    assert_eq!(all[2].kind, ResponseKind::Escalation);
    assert_eq!(all[2].phase_id, "containment");
    assert_eq!(all[2].inject_id, None);
    assert_eq!(all[2].recorded_by, "facilitator");
    let councils = store.exercise_responses(id, Some(council)).expect("own");
    assert_eq!(
        councils.iter().map(|r| r.id).collect::<Vec<_>>(),
        [late, same_time]
    );

    match store.record_response(&response(
        id,
        third,
        None,
        "Not playing",
        datetime!(2026-11-20 10:10 UTC),
    )) {
        Err(StoreError::NotFound { what, id }) => {
            assert_eq!((what, id), ("exercise player", third));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(matches!(
        store.record_response(&response(
            999_999,
            council,
            None,
            "No such run",
            datetime!(2026-11-20 10:10 UTC),
        )),
        Err(StoreError::NotFound {
            what: "exercise run",
            ..
        })
    ));
    assert_eq!(store.exercise_responses(id, None).expect("all").len(), 3);
    assert!(
        store
            .exercise_responses(id, Some(third))
            .expect("none")
            .is_empty()
    );
}

fn the_latest_observation_of_a_point_is_kept(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let third = store
        .upsert_organisations(&[organisation("Valley School", "203.0.113.0/24")])
        .expect("stored")[0];
    let id = make_run(
        store,
        &new_run(
            "observed",
            &[harbour, council],
            datetime!(2026-11-20 10:00 UTC),
        ),
    );
    let at = datetime!(2026-11-20 11:00 UTC);
    let observe = |store: &mut dyn Store, organisation: i64, point: &str, seen, note: &str, at| {
        store
            .record_observation(id, organisation, point, seen, note, "facilitator", at)
            .expect("observed");
    };
    observe(store, harbour, "plan-names-owner", Observation::Met, "", at);
    observe(
        store,
        council,
        "offline-backups",
        Observation::NotMet,
        "Backups on the same network",
        at,
    );
    observe(
        store,
        council,
        "plan-names-owner",
        Observation::Partly,
        "Named, but not known to staff",
        at,
    );
    let later = at + Duration::minutes(30);
    observe(
        store,
        council,
        "offline-backups",
        Observation::Partly,
        "One copy is offline",
        later,
    );

    let all = store.exercise_observations(id, None).expect("observations");
    assert_eq!(
        all.iter()
            .map(|o| (o.organisation_id, o.point_id.as_str(), o.observation))
            .collect::<Vec<_>>(),
        [
            (council, "offline-backups", Observation::Partly),
            (council, "plan-names-owner", Observation::Partly),
            (harbour, "plan-names-owner", Observation::Met),
        ],
        "one per point, by organisation name then point"
    );
    assert_eq!(all[0].note, "One copy is offline");
    assert_eq!(all[0].recorded_at, later);
    assert_eq!(all[0].recorded_by, "facilitator");
    assert_eq!(all[0].run_id, id);
    let harbours = store.exercise_observations(id, Some(harbour)).expect("own");
    assert_eq!(harbours.len(), 1);
    assert_eq!(harbours[0].organisation_id, harbour);

    assert!(matches!(
        store.record_observation(
            id,
            third,
            "offline-backups",
            Observation::Met,
            "",
            "facilitator",
            at
        ),
        Err(StoreError::NotFound {
            what: "exercise player",
            ..
        })
    ));
    assert!(matches!(
        store.record_observation(
            999_999,
            council,
            "offline-backups",
            Observation::Met,
            "",
            "facilitator",
            at
        ),
        Err(StoreError::NotFound {
            what: "exercise run",
            ..
        })
    ));
    assert_eq!(store.exercise_observations(id, None).expect("all").len(), 3);
}

fn scheduled_injects_are_not_claimed_before_their_time(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    // Whole seconds, so times read back exactly from either backend.
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("a whole second");
    let run = new_run("scheduled", &[council], now + Duration::days(1));
    let timeline = run.scenario.timeline();
    let (_, first) = timeline[0];
    let (_, replayed) = timeline[1];
    let due_at = now + Duration::days(1);
    let injects = vec![
        (
            council,
            first.id.clone(),
            inject_message(&run.key, council, first, due_at),
        ),
        (
            council,
            replayed.id.clone(),
            inject_message(&run.key, council, replayed, now - Duration::hours(1)),
        ),
    ];
    let (id, _) = store
        .create_exercise_run(&run, &injects, "beacon.test")
        .expect("made");
    let lease = Duration::minutes(5);

    let claimed = store
        .claim_due(&[Channel::Email], now, lease, 10)
        .expect("claimed");
    assert_eq!(
        claimed
            .iter()
            .map(|m| m.dedupe_key.as_str())
            .collect::<Vec<_>>(),
        [format!("inject:scheduled:{council}:{}", replayed.id).as_str()],
        "an inject whose time has passed is sent; one still to come waits"
    );
    store
        .outbox_record_sent(claimed[0].id, now)
        .expect("recorded");
    assert!(
        store
            .claim_due(&[Channel::Email], due_at - Duration::minutes(1), lease, 10)
            .expect("claimed")
            .is_empty(),
        "not a minute early"
    );
    let claimed = store
        .claim_due(&[Channel::Email], due_at + Duration::minutes(1), lease, 10)
        .expect("claimed");
    assert_eq!(claimed.len(), 1, "its time has come");
    assert_eq!(claimed[0].kind, MessageKind::Inject);
    assert_eq!(claimed[0].next_attempt_at, due_at);
    let injects = store.exercise_injects(id, None).expect("injects");
    assert_eq!(
        injects
            .iter()
            .map(|i| (i.inject_id.as_str(), i.message.status))
            .collect::<Vec<_>>(),
        [
            (replayed.id.as_str(), beacon_store::OutboxStatus::Sent),
            (first.id.as_str(), beacon_store::OutboxStatus::Sending),
        ],
        "by scheduled time"
    );
}

fn assessments_keep_one_row_per_answer_and_latest_only_keeps_each_partners_newest(
    place: &TestDatabase,
) {
    let mut opened = place.open();
    let store = opened.as_mut();
    let (council, harbour) = two_partners(store);
    let submit = |store: &mut dyn Store, organisation_id: i64, at, answers: &[(&str, Answer)]| {
        store
            .submit_assessment(&NewAssessment {
                organisation_id,
                bank_version: "2026.1".to_owned(),
                submitted_by: format!("it@{organisation_id}.example"),
                submitted_at: at,
                answers: answers
                    .iter()
                    .map(|(question, answer)| ((*question).to_owned(), *answer))
                    .collect(),
            })
            .expect("submitted")
    };
    let council_first = submit(
        store,
        council,
        datetime!(2026-10-01 09:00 UTC),
        &[
            ("ce-firewall", Answer::No),
            ("ce-updates", Answer::DontKnow),
        ],
    );
    let harbour_only = submit(
        store,
        harbour,
        datetime!(2026-10-15 09:00 UTC),
        &[
            ("ce-updates", Answer::Yes),
            ("ce-firewall", Answer::Partly),
            ("ten-steps-risk", Answer::NotApplicable),
        ],
    );
    let council_second = submit(
        store,
        council,
        datetime!(2026-11-01 09:00 UTC),
        &[
            ("ce-updates", Answer::Yes),
            ("ce-firewall", Answer::No),
            ("ce-firewall", Answer::Yes),
        ],
    );

    let ids = |records: &[beacon_store::AssessmentRecord]| -> Vec<i64> {
        records.iter().map(|r| r.id).collect()
    };
    let all = store.assessments(None, false).expect("all");
    assert_eq!(
        ids(&all),
        [council_second, harbour_only, council_first],
        "newest first"
    );
    assert_eq!(
        ids(&store.assessments(None, true).expect("latest")),
        [council_second, harbour_only]
    );
    assert_eq!(
        ids(&store.assessments(Some(council), false).expect("council's")),
        [council_second, council_first]
    );
    assert_eq!(
        ids(&store
            .assessments(Some(council), true)
            .expect("council's latest")),
        [council_second]
    );
    assert!(
        store
            .assessments(Some(999_999), false)
            .expect("none")
            .is_empty()
    );

    let harbours = &all[1];
    assert_eq!(harbours.organisation, "Harbour Trust");
    assert_eq!(harbours.organisation_id, harbour);
    assert_eq!(harbours.sector, "business");
    assert_eq!(harbours.district.as_deref(), Some("E06000016"));
    assert_eq!(harbours.bank_version, "2026.1");
    assert_eq!(harbours.submitted_at, datetime!(2026-10-15 09:00 UTC));
    assert_eq!(
        harbours.answers,
        [
            ("ce-updates".to_owned(), Answer::Yes),
            ("ce-firewall".to_owned(), Answer::Partly),
            ("ten-steps-risk".to_owned(), Answer::NotApplicable),
        ],
        "in the order answered"
    );
    assert_eq!(
        all[0].answers,
        [
            ("ce-updates".to_owned(), Answer::Yes),
            ("ce-firewall".to_owned(), Answer::Yes),
        ],
        "a question answered twice keeps the later answer"
    );

    match store.submit_assessment(&NewAssessment {
        organisation_id: 999_999,
        bank_version: "2026.1".to_owned(),
        submitted_by: "nobody".to_owned(),
        submitted_at: datetime!(2026-11-02 09:00 UTC),
        answers: vec![("ce-updates".to_owned(), Answer::Yes)],
    }) {
        Err(StoreError::NotFound { what, id }) => {
            assert_eq!((what, id), ("organisation", 999_999));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    drop(opened);

    assert_eq!(
        place.raw_number("SELECT COUNT(*) FROM assessment_answers"),
        7,
        "one row per question answered"
    );
    assert_eq!(
        place.raw_number("SELECT COUNT(*) FROM assessment_answers WHERE answer = 'yes'"),
        3,
        "answers can be counted in SQL"
    );
    assert_eq!(place.raw_number("SELECT COUNT(*) FROM assessments"), 3);
}
