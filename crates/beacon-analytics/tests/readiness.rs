//! Readiness measures end to end: a small partnership assesses itself, plays an exercise
//! twice, takes a module and receives simulated phishing emails, and the board figures
//! come out as worked by hand.

use beacon_analytics::readiness::{
    AttemptFact, ObservationFact, OrgAnswers, ReadinessFigures, ResponseFact, TargetFact,
    area_summary, classify, completion, debrief, mark_quiz, progress, rates, score,
};
use beacon_core::readiness::assessment::QUESTION_BANK_FORMAT;
use beacon_core::readiness::education::MODULE_FORMAT;
use beacon_core::readiness::exercise::EXERCISE_FORMAT;
use beacon_core::readiness::{
    Answer, AssessmentAudience, AssessmentQuestion, CeControl, ClickEvidence, ClickVerdict,
    GoodPractice, LearningModule, ModuleSection, Observation, Phase, QuestionBank, QuizQuestion,
    ResponseKind, Scenario, TenStep, Theme,
};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

fn bank() -> QuestionBank {
    let question = |id: &str, ce: Vec<CeControl>, steps: Vec<TenStep>| AssessmentQuestion {
        id: id.into(),
        text: format!("{id}?"),
        hint: String::new(),
        audience: AssessmentAudience::All,
        cyber_essentials: ce,
        ten_steps: steps,
        small_business_guide: Vec::new(),
        next_step: format!("Fix {id}."),
        advice: Vec::new(),
    };
    QuestionBank {
        format: QUESTION_BANK_FORMAT.into(),
        version: "2026-1".into(),
        questions: vec![
            question("fw", vec![CeControl::Firewalls], vec![]),
            question(
                "patch",
                vec![CeControl::SecurityUpdateManagement],
                vec![TenStep::VulnerabilityManagement],
            ),
            question("plan", vec![], vec![TenStep::IncidentManagement]),
        ],
    }
}

fn scenario() -> Scenario {
    Scenario {
        format: EXERCISE_FORMAT.into(),
        id: "ransomware".into(),
        title: "Ransomware on a Monday".into(),
        summary: "Files are encrypted.".into(),
        audience: Vec::new(),
        duration_minutes: 90,
        phases: vec![Phase {
            id: "detect".into(),
            title: "Something is wrong".into(),
            narrative: "Staff cannot open files.".into(),
            starts_at_minutes: 0,
            injects: Vec::new(),
            questions: Vec::new(),
            good_practice: vec![
                GoodPractice {
                    id: "isolate".into(),
                    text: "Infected machines are taken off the network".into(),
                    advice: Vec::new(),
                },
                GoodPractice {
                    id: "report".into(),
                    text: "The incident is reported to Action Fraud".into(),
                    advice: Vec::new(),
                },
            ],
        }],
        advice: Vec::new(),
    }
}

fn module() -> LearningModule {
    LearningModule {
        format: MODULE_FORMAT.into(),
        id: "phishing".into(),
        title: "Spotting phishing".into(),
        summary: "Tell a real email from a fake.".into(),
        minutes: 10,
        sections: vec![ModuleSection {
            heading: "Signs".into(),
            paragraphs: vec!["Look at the sender.".into()],
        }],
        quiz: ["q1", "q2"]
            .into_iter()
            .map(|id| QuizQuestion {
                id: id.into(),
                text: format!("{id}?"),
                options: vec!["yes".into(), "no".into()],
                correct: 0,
                explanation: "Because.".into(),
            })
            .collect(),
        pass_mark_percent: 100,
        advice: Vec::new(),
    }
}

fn response(org: i64, kind: ResponseKind, at: OffsetDateTime) -> ResponseFact {
    ResponseFact {
        organisation_id: org,
        phase_id: "detect".into(),
        kind,
        at,
    }
}

fn answers(list: &[(&str, Answer)]) -> Vec<(String, Answer)> {
    list.iter().map(|(id, a)| ((*id).to_owned(), *a)).collect()
}

#[test]
fn a_partnership_gets_readier() {
    // Self-assessment: the hospital has a patching gap.
    let hospital = answers(&[
        ("fw", Answer::Yes),
        ("patch", Answer::No),
        ("plan", Answer::Partly),
    ]);
    let own = score(&bank(), &hospital).expect("valid answers");
    assert_eq!(own.overall, Some(50)); // 3 of 6
    let next: Vec<&str> = own.gaps.iter().map(|g| g.next_step.as_str()).collect();
    assert_eq!(next, ["Fix patch.", "Fix plan."]);
    let orgs = [
        OrgAnswers {
            organisation_id: 1,
            sector: "health".into(),
            district: Some("Rutland".into()),
            answers: hospital,
        },
        OrgAnswers {
            organisation_id: 2,
            sector: "local-government".into(),
            district: Some("Rutland".into()),
            answers: answers(&[("fw", Answer::Partly), ("patch", Answer::Yes)]),
        },
    ];
    let area = area_summary(&bank(), &orgs);
    let patch = area
        .theme(Theme::CyberEssentials(CeControl::SecurityUpdateManagement))
        .expect("listed");
    // (0 + 100) / 2.
    assert_eq!(
        (
            patch.organisations,
            patch.mean_percent,
            patch.organisations_with_gap
        ),
        (2, Some(50), 1)
    );

    // Two runs of the exercise: the hospital responds faster the second time.
    let first_start = datetime!(2026-03-02 10:00 UTC);
    let second_start = datetime!(2026-06-01 14:00 UTC);
    let first = debrief(
        &scenario(),
        first_start,
        &[1, 2],
        &[
            response(1, ResponseKind::Response, datetime!(2026-03-02 10:25 UTC)),
            response(2, ResponseKind::Escalation, datetime!(2026-03-02 10:09 UTC)),
        ],
        &[ObservationFact {
            organisation_id: 1,
            point_id: "isolate".into(),
            observation: Observation::NotMet,
        }],
    );
    let second = debrief(
        &scenario(),
        second_start,
        &[1],
        &[response(
            1,
            ResponseKind::Decision,
            datetime!(2026-06-01 14:06 UTC),
        )],
        &[ObservationFact {
            organisation_id: 1,
            point_id: "isolate".into(),
            observation: Observation::Met,
        }],
    );
    // 9 and 25 minutes: the mean of the two.
    assert_eq!(first.median_first_response, Some(Duration::minutes(17)));
    let history = progress(&[
        (2, second_start, second.players[0].clone()),
        (1, first_start, first.players[0].clone()),
    ]);
    let trend: Vec<(i64, Option<Duration>, usize, usize)> = history
        .iter()
        .map(|p| (p.run_id, p.first_response, p.gaps, p.met))
        .collect();
    assert_eq!(
        trend,
        [
            (1, Some(Duration::minutes(25)), 1, 0),
            (2, Some(Duration::minutes(6)), 0, 1),
        ]
    );

    // Education: one learner passes, one does not.
    let passed = mark_quiz(&module(), &[("q1".into(), 0), ("q2".into(), 0)]).expect("marked");
    let failed = mark_quiz(&module(), &[("q1".into(), 0), ("q2".into(), 1)]).expect("marked");
    assert!(passed.passed && !failed.passed);
    let attempt = |org, learner, result: &beacon_analytics::readiness::QuizResult| AttemptFact {
        organisation_id: org,
        learner_id: learner,
        module_id: "phishing".into(),
        percent: result.percent,
        passed: result.passed,
    };
    let education = completion(
        &[module()],
        &[attempt(1, 10, &passed), attempt(2, 20, &failed)],
    );

    // Phishing: a scanner's fetch does not count as a click.
    let scanner = classify(&ClickEvidence {
        method: "GET".into(),
        user_agent: Some("Mozilla/5.0 (compatible; SafeLinks)".into()),
        seconds_after_sent: 2,
        browser_headers: false,
        burst: 4,
    });
    assert!(matches!(scanner, ClickVerdict::Scanner(_)));
    let sent = Some(datetime!(2026-05-12 09:00 UTC));
    let targets = [
        TargetFact {
            organisation_id: 1,
            sent_at: sent,
            first_click_at: None,
            reported_at: Some(datetime!(2026-05-12 09:20 UTC)),
        },
        TargetFact {
            organisation_id: 1,
            sent_at: sent,
            first_click_at: Some(datetime!(2026-05-12 11:00 UTC)),
            reported_at: None,
        },
        TargetFact {
            organisation_id: 2,
            sent_at: sent,
            first_click_at: None,
            reported_at: None,
        },
    ];
    let phishing = rates(&targets);
    assert_eq!(phishing[0].month, date!(2026 - 05 - 01));

    let figures = ReadinessFigures::from_parts(&[first, second], &area, &education, &phishing);
    assert_eq!(figures.exercises_run, 2);
    assert_eq!(figures.organisations_exercised, 2);
    // 25, 9 and 6 minutes.
    assert_eq!(figures.median_first_response, Some(Duration::minutes(9)));
    assert_eq!(figures.assessed, 2);
    // Three themes at 50% (updates, vulnerability management and incident management)
    // come in theme order, ahead of firewalls at 75%.
    let weakest: Vec<(Theme, Option<u32>)> = figures
        .weakest_themes
        .iter()
        .map(|t| (t.theme, t.mean_percent))
        .collect();
    assert_eq!(
        weakest,
        [
            (
                Theme::CyberEssentials(CeControl::SecurityUpdateManagement),
                Some(50)
            ),
            (Theme::TenSteps(TenStep::VulnerabilityManagement), Some(50)),
            (Theme::TenSteps(TenStep::IncidentManagement), Some(50)),
        ]
    );
    assert_eq!(
        (
            figures.learners,
            figures.completions,
            figures.completion_percent
        ),
        (2, 1, Some(50))
    );
    assert_eq!(
        (
            figures.simulations,
            figures.click_percent,
            figures.report_percent
        ),
        (3, Some(33), Some(33))
    );
}
