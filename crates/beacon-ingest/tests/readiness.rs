//! The shipped readiness library (scenarios, question bank, modules, simulations) and the
//! readers' handling of bad files.

use beacon_core::readiness::{CeControl, SbgTopic, Scenario, TenStep};
use beacon_ingest::readiness::library::{
    SHIPPED_ASSESSMENT_FILE, SHIPPED_MODULE_FILES, SHIPPED_SCENARIO_FILES, SHIPPED_SIMULATION_FILES,
};
use beacon_ingest::readiness::{
    read_exercise_file, read_module, read_question_bank, read_scenario, read_simulation,
    shipped_modules, shipped_question_bank, shipped_scenarios, shipped_simulations, write_scenario,
};
use serde_json::{Value, json};

/// Where shipped advice may point: the NCSC, Action Fraud, the ICO, or Beacon's own pages.
fn trusted_link(url: &str) -> bool {
    [
        "https://www.ncsc.gov.uk/",
        "https://www.actionfraud.police.uk/",
        "https://ico.org.uk/",
    ]
    .iter()
    .any(|prefix| url.starts_with(prefix))
        || (url.starts_with('/') && !url.starts_with("//"))
}

fn shipped_scenario_value() -> Value {
    serde_json::from_str(SHIPPED_SCENARIO_FILES[0].1).expect("shipped JSON")
}

/// Reads the first shipped scenario after `change` has been made to it.
fn read_changed(change: impl FnOnce(&mut Value)) -> Result<Scenario, String> {
    let mut value = shipped_scenario_value();
    change(&mut value);
    let text = serde_json::to_string_pretty(&value).expect("serialises");
    read_scenario(text.as_bytes()).map_err(|error| error.to_string())
}

/// The shipped library (module names start `readiness_` so `cargo test readiness` runs them).
mod readiness_shipped {
    use super::*;

    #[test]
    fn the_five_scenarios_are_shipped_and_sound() {
        let scenarios = shipped_scenarios();
        let ids: Vec<_> = scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "phishing-to-ransomware",
                "supplier-compromise",
                "invoice-fraud",
                "it-service-loss",
                "partner-data-breach",
            ]
        );
        for scenario in &scenarios {
            let id = &scenario.id;
            assert!(scenario.problems().is_empty(), "{id}");
            assert!(
                (120..=180).contains(&scenario.duration_minutes),
                "{id} lasts {} minutes",
                scenario.duration_minutes
            );
            assert!((3..=4).contains(&scenario.phases.len()), "{id} phases");
            let starts: Vec<_> = scenario
                .phases
                .iter()
                .map(|p| p.starts_at_minutes)
                .collect();
            assert_eq!(starts[0], 0, "{id} starts at minute 0");
            assert!(starts.windows(2).all(|w| w[0] < w[1]), "{id} {starts:?}");
            assert!(
                scenario
                    .phases
                    .iter()
                    .all(|p| p.starts_at_minutes < scenario.duration_minutes),
                "{id}: every phase opens within the exercise"
            );
            for phase in &scenario.phases {
                let at = format!("{id}/{}", phase.id);
                assert!(!phase.narrative.trim().is_empty(), "{at} narrative");
                assert!((1..=3).contains(&phase.injects.len()), "{at} injects");
                assert!((2..=4).contains(&phase.questions.len()), "{at} questions");
                assert!(
                    (2..=4).contains(&phase.good_practice.len()),
                    "{at} good practice"
                );
                for inject in &phase.injects {
                    assert!(
                        inject.at_minutes >= i64::from(phase.starts_at_minutes),
                        "{at}"
                    );
                }
                for point in &phase.good_practice {
                    assert!((1..=2).contains(&point.advice.len()), "{at}/{}", point.id);
                    assert!(point.advice.iter().all(|l| trusted_link(&l.url)), "{at}");
                }
            }
            assert!(scenario.advice.iter().all(|l| trusted_link(&l.url)), "{id}");
        }
    }

    #[test]
    fn the_question_bank_covers_every_framework() {
        let bank = shipped_question_bank();
        assert_eq!(bank.version, "2026.1");
        assert!(
            (30..=36).contains(&bank.questions.len()),
            "{}",
            bank.questions.len()
        );
        for control in CeControl::ALL {
            let count = bank
                .questions
                .iter()
                .filter(|q| q.cyber_essentials.contains(&control))
                .count();
            assert!(count >= 3, "{} has {count} questions", control.label());
        }
        for step in TenStep::ALL {
            assert!(
                bank.questions.iter().any(|q| q.ten_steps.contains(&step)),
                "{} has no question",
                step.label()
            );
        }
        for topic in SbgTopic::ALL {
            assert!(
                bank.questions
                    .iter()
                    .any(|q| q.small_business_guide.contains(&topic)),
                "{} has no question",
                topic.label()
            );
        }
        for question in &bank.questions {
            let id = &question.id;
            assert!(!question.hint.trim().is_empty(), "{id} hint");
            assert!(!question.next_step.trim().is_empty(), "{id} next step");
            assert!((1..=2).contains(&question.advice.len()), "{id} advice");
            assert!(question.advice.iter().all(|l| trusted_link(&l.url)), "{id}");
            assert!(question.text.ends_with('?'), "{id} is a question");
        }
    }

    #[test]
    fn every_module_has_a_five_question_quiz() {
        let modules = shipped_modules();
        let ids: Vec<_> = modules.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "passwords-and-2fa",
                "phishing",
                "updates",
                "backups",
                "social-engineering",
                "personal-devices",
                "fraud-at-work",
            ]
        );
        for module in &modules {
            let id = &module.id;
            assert!(module.problems().is_empty(), "{id}");
            assert!((3..=5).contains(&module.minutes), "{id} minutes");
            assert_eq!(module.pass_mark_percent, 80, "{id}");
            assert!((3..=4).contains(&module.sections.len()), "{id} sections");
            for section in &module.sections {
                assert!(
                    (1..=3).contains(&section.paragraphs.len()),
                    "{id}/{}",
                    section.heading
                );
            }
            assert_eq!(module.quiz.len(), 5, "{id}");
            for question in &module.quiz {
                assert!(
                    (3..=4).contains(&question.options.len()),
                    "{id}/{}",
                    question.id
                );
                assert!(
                    question.correct < question.options.len(),
                    "{id}/{}",
                    question.id
                );
                assert!(
                    !question.explanation.trim().is_empty(),
                    "{id}/{}",
                    question.id
                );
            }
            assert!((1..=2).contains(&module.advice.len()), "{id} advice");
            assert!(module.advice.iter().all(|l| trusted_link(&l.url)), "{id}");
        }
    }

    #[test]
    fn simulations_link_once_and_teach() {
        let simulations = shipped_simulations();
        assert_eq!(simulations.len(), 3);
        for template in &simulations {
            assert_eq!(
                template.body.matches("{link}").count(),
                1,
                "{}",
                template.id
            );
            assert!((3..=4).contains(&template.tells.len()), "{}", template.id);
            assert!(
                !template.body.to_lowercase().contains("enter your password"),
                "{}",
                template.id
            );
        }
    }

    #[test]
    fn shipped_files_are_stored_as_beacon_writes_them() {
        for (name, text) in SHIPPED_SCENARIO_FILES {
            let scenario = read_scenario(text.as_bytes()).expect(name);
            let written = write_scenario(&scenario);
            assert_eq!(written, text, "{name} is not in written form");
            assert_eq!(read_scenario(written.as_bytes()).expect(name), scenario);
            assert_eq!(
                write_scenario(&read_scenario(written.as_bytes()).expect(name)),
                written
            );
        }
        // The other library files use the same layout (fields in the order of their
        // types), so edits made through Beacon keep diffs small.
        fn written<T: serde::Serialize>(value: &T) -> String {
            serde_json::to_string_pretty(value).expect("serialises") + "\n"
        }
        for (name, text) in SHIPPED_MODULE_FILES {
            let module = read_module(text.as_bytes()).expect(name);
            assert_eq!(written(&module), text, "{name} is not in written form");
        }
        for (name, text) in SHIPPED_SIMULATION_FILES {
            let template = read_simulation(text.as_bytes()).expect(name);
            assert_eq!(written(&template), text, "{name} is not in written form");
        }
        let bank = read_question_bank(SHIPPED_ASSESSMENT_FILE.as_bytes()).expect("bank");
        assert_eq!(
            written(&bank),
            SHIPPED_ASSESSMENT_FILE,
            "the bank is not in written form"
        );
    }

    #[test]
    fn the_documented_example_reads() {
        let doc = include_str!("../../../docs/readiness-format.md");
        let start = doc.find("```json\n").expect("an example") + "```json\n".len();
        let end = start + doc[start..].find("```").expect("its end");
        let example = &doc[start..end];
        let scenario = read_scenario(example.as_bytes()).expect("the example reads");
        assert_eq!(scenario.id, "lost-laptop");
        assert_eq!(write_scenario(&scenario), example);
    }

    #[test]
    fn every_shipped_scenario_is_detected_as_a_beacon_file() {
        for (name, text) in SHIPPED_SCENARIO_FILES {
            let scenario =
                read_exercise_file(&format!("{name}.json"), text.as_bytes()).expect(name);
            assert_eq!(scenario.id, name);
        }
    }
}

/// Exercise files with one thing wrong.
mod readiness_exercise_files {
    use super::*;

    #[test]
    fn a_misp_exercise_is_recognised_and_read() {
        let cexf = json!({
            "exercise": {"name": "Ransom note drill", "description": "A ransom note appears.",
                         "total_duration": "5400", "uuid": "1d8c0f7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f"},
            "inject_flow": [
                {"inject_uuid": "i-1", "description": "Desktops show a note.",
                 "sequence": {"trigger": ["startex"]}, "timing": {"triggered_at": null}},
                {"inject_uuid": "i-2", "description": "The press call.",
                 "timing": {"triggered_at": "1800"}}
            ],
            "inject_payloads": [],
            "injects": [
                {"uuid": "i-1", "name": "Ransom note", "action": "email_to_participants"},
                {"uuid": "i-2", "name": "Press enquiry", "action": "email_to_participants"}
            ]
        });
        let scenario =
            read_exercise_file("drill.json", cexf.to_string().as_bytes()).expect("reads");
        assert_eq!(scenario.id, "ransom-note-drill");
        assert_eq!(scenario.duration_minutes, 90);
        let minutes: Vec<_> = scenario
            .timeline()
            .iter()
            .map(|(_, i)| i.at_minutes)
            .collect();
        assert_eq!(minutes, [0, 30]);
        // What Beacon reads it writes in its own format, which reads back the same.
        assert_eq!(
            read_scenario(write_scenario(&scenario).as_bytes()).expect("reads"),
            scenario
        );
    }

    #[test]
    fn a_scenario_without_phases_says_so() {
        let error = read_changed(|v| {
            v.as_object_mut().expect("object").remove("phases");
        })
        .expect_err("no phases field");
        assert!(error.contains("no phases"), "{error}");
        let error = read_changed(|v| v["phases"] = json!([])).expect_err("empty phases");
        assert!(error.contains("no phases"), "{error}");
    }

    #[test]
    fn an_inject_before_the_start_is_refused() {
        let error = read_changed(|v| v["phases"][0]["injects"][0]["at_minutes"] = json!(-15))
            .expect_err("refused");
        assert!(
            error.contains("15 minutes before the exercise starts"),
            "{error}"
        );
    }

    #[test]
    fn an_inject_before_its_phase_opens_is_refused() {
        let error = read_changed(|v| v["phases"][1]["injects"][0]["at_minutes"] = json!(5))
            .expect_err("refused");
        assert!(error.contains("is at minute 5 but its phase"), "{error}");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let error = read_changed(|v| {
            let first = v["phases"][0]["questions"][0]["id"].clone();
            v["phases"][1]["questions"][0]["id"] = first;
        })
        .expect_err("refused");
        assert!(error.contains("is used more than once"), "{error}");
    }

    #[test]
    fn an_unsafe_advice_link_is_refused() {
        let error = read_changed(|v| {
            v["phases"][0]["good_practice"][0]["advice"][0]["url"] = json!("javascript:alert(1)")
        })
        .expect_err("refused");
        assert!(
            error.contains("'javascript:alert(1)' must start with https://"),
            "{error}"
        );
    }

    #[test]
    fn the_wrong_format_tag_is_refused_by_name() {
        let error =
            read_changed(|v| v["format"] = json!("beacon-exercise/2")).expect_err("refused");
        assert_eq!(
            error,
            "the file says it is 'beacon-exercise/2', not beacon-exercise/1"
        );
        let error = read_scenario(SHIPPED_ASSESSMENT_FILE.as_bytes()).expect_err("a bank");
        assert!(
            error.mentions("'beacon-assessment/1', not beacon-exercise/1"),
            "{error}"
        );
    }

    #[test]
    fn truncated_json_gives_a_line_number() {
        let text = SHIPPED_SCENARIO_FILES[0].1;
        let cut = &text[..text.len() / 2];
        let error = read_scenario(cut.as_bytes()).expect_err("refused");
        let (line, _) = error.position.expect("a position");
        assert!(line > 10, "line {line}");
        assert!(error.mentions(&format!("line {line}, column")), "{error}");
        assert!(
            error.mentions("ends before the JSON is complete"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_field_is_refused_with_its_position() {
        let error = read_changed(|v| v["phases"][0]["injects"][0]["sender"] = json!("x"))
            .expect_err("refused");
        assert!(
            error.contains("the field `sender` is not part of this format"),
            "{error}"
        );
        assert!(error.starts_with("line "), "{error}");
    }

    #[test]
    fn every_problem_is_listed_one_per_line() {
        let error = read_changed(|v| {
            v["phases"][0]["injects"][0]["at_minutes"] = json!(-15);
            v["advice"][0]["url"] = json!("http://example.invalid/");
            v["title"] = json!(" ");
        })
        .expect_err("refused");
        let lines: Vec<_> = error.lines().collect();
        assert_eq!(lines.len(), 3, "{error}");
        assert!(lines.contains(&"the title is empty"), "{error}");
    }

    #[test]
    fn a_bad_audience_names_the_choices() {
        let error = read_changed(|v| v["phases"][0]["injects"][0]["to"] = json!("finance"))
            .expect_err("refused");
        assert!(error.contains("`finance` is not allowed here"), "{error}");
        assert!(error.contains("`it_manager`"), "{error}");
    }
}

/// Question banks, modules and simulations with things wrong.
mod readiness_library_files {
    use super::*;

    #[test]
    fn bad_banks_modules_and_simulations_are_refused_plainly() {
        let mut bank: Value = serde_json::from_str(SHIPPED_ASSESSMENT_FILE).expect("bank");
        bank["questions"][1]["id"] = bank["questions"][0]["id"].clone();
        bank["questions"][2]["advice"][0]["url"] = json!("data:text/html,hi");
        let error = read_question_bank(bank.to_string().as_bytes()).expect_err("refused");
        assert!(error.mentions("is used more than once"), "{error}");
        assert!(error.mentions("links must start with https://"), "{error}");

        let mut module: Value = serde_json::from_str(SHIPPED_MODULE_FILES[0].1).expect("module");
        module["quiz"][0]["correct"] = json!(7);
        let error = read_module(module.to_string().as_bytes()).expect_err("refused");
        assert!(error.mentions("says option 7 is correct"), "{error}");
        let error = read_module(SHIPPED_SIMULATION_FILES[0].1.as_bytes()).expect_err("wrong kind");
        assert!(error.mentions("not beacon-module/1"), "{error}");

        let mut template: Value =
            serde_json::from_str(SHIPPED_SIMULATION_FILES[0].1).expect("simulation");
        template["body"] = json!("Visit https://example.invalid/ now.");
        template["tells"] = json!([]);
        let error = read_simulation(template.to_string().as_bytes()).expect_err("refused");
        assert!(error.mentions("{link} exactly once"), "{error}");
        assert!(error.mentions("holds a web address"), "{error}");
        assert!(error.mentions("no tells"), "{error}");
    }
}
