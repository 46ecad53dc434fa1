//! Exercise debriefs: for each playing organisation, how long it took to first respond,
//! escalate and decide, what went well, what fell short (with the advice for it) and what
//! the facilitator did not see; the median time to first response across players; and,
//! over repeated runs, whether an organisation is getting better.
//!
//! Timings run from the moment the exercise started, which the caller passes in; a
//! response recorded before that moment is not part of the run and is left out.

use super::median_duration;
use beacon_core::readiness::{AdviceLink, Observation, ResponseKind, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// A response an organisation made during a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFact {
    /// The organisation.
    pub organisation_id: i64,
    /// The phase it was made in.
    pub phase_id: String,
    /// What it was.
    pub kind: ResponseKind,
    /// When it was recorded.
    pub at: OffsetDateTime,
}

/// What the facilitator recorded of one good-practice point in one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationFact {
    /// The organisation.
    pub organisation_id: i64,
    /// The good-practice point's id in the scenario.
    pub point_id: String,
    /// What was seen.
    pub observation: Observation,
}

/// A good-practice point, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointRef {
    /// The phase it belongs to.
    pub phase_id: String,
    /// The point.
    pub point_id: String,
    /// What good looks like.
    pub text: String,
}

/// A good-practice point that fell short, with the advice for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapRef {
    /// The phase it belongs to.
    pub phase_id: String,
    /// The point.
    pub point_id: String,
    /// What good looks like.
    pub text: String,
    /// Partly or not met.
    pub observation: Observation,
    /// Where to read how to get there.
    pub advice: Vec<AdviceLink>,
}

/// One organisation's debrief.
///
/// Why: after an exercise each player gets its own account: how quickly it acted, what
/// went well and what to work on, in the scenario's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlayerDebrief {
    /// The organisation.
    pub organisation_id: i64,
    /// From the start to its first response of any kind.
    pub first_response: Option<Duration>,
    /// From the start to its first escalation.
    pub first_escalation: Option<Duration>,
    /// From the start to its first decision.
    pub first_decision: Option<Duration>,
    /// Responses of every kind recorded at or after the start.
    pub responses: usize,
    /// Points met.
    pub went_well: Vec<PointRef>,
    /// Points partly met or not met.
    pub gaps: Vec<GapRef>,
    /// Points with no observation recorded.
    pub not_observed: Vec<PointRef>,
}

/// The debrief of one run of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Debrief {
    /// Each player, in the order given (each once).
    pub players: Vec<PlayerDebrief>,
    /// The median of the players' times to first response, over those that responded
    /// (the mean of the middle two for an even count).
    pub median_first_response: Option<Duration>,
    /// Players that responded at all.
    pub responded: usize,
}

/// Debriefs one run of `scenario` that started at `starts_at`.
///
/// Responses and observations of organisations that are not among `players` are left
/// out, as are observations of points the scenario does not have. When a point was
/// observed more than once for an organisation, the last observation stands (the
/// facilitator corrected it).
pub fn debrief(
    scenario: &Scenario,
    starts_at: OffsetDateTime,
    players: &[i64],
    responses: &[ResponseFact],
    observations: &[ObservationFact],
) -> Debrief {
    let mut debriefs: Vec<PlayerDebrief> = Vec::new();
    for id in players {
        if debriefs.iter().all(|player| player.organisation_id != *id) {
            debriefs.push(player(scenario, starts_at, *id, responses, observations));
        }
    }
    let firsts: Vec<Duration> = debriefs.iter().filter_map(|p| p.first_response).collect();
    Debrief {
        responded: firsts.len(),
        median_first_response: median_duration(firsts),
        players: debriefs,
    }
}

/// One player's debrief.
fn player(
    scenario: &Scenario,
    starts_at: OffsetDateTime,
    organisation_id: i64,
    responses: &[ResponseFact],
    observations: &[ObservationFact],
) -> PlayerDebrief {
    let own: Vec<&ResponseFact> = responses
        .iter()
        .filter(|r| r.organisation_id == organisation_id && r.at >= starts_at)
        .collect();
    let first = |kind: Option<ResponseKind>| {
        own.iter()
            .filter(|r| kind.is_none_or(|kind| r.kind == kind))
            .map(|r| r.at - starts_at)
            .min()
    };
    let seen: BTreeMap<&str, Observation> = observations
        .iter()
        .filter(|o| o.organisation_id == organisation_id)
        .map(|o| (o.point_id.as_str(), o.observation))
        .collect();
    let mut debrief = PlayerDebrief {
        organisation_id,
        first_response: first(None),
        first_escalation: first(Some(ResponseKind::Escalation)),
        first_decision: first(Some(ResponseKind::Decision)),
        responses: own.len(),
        went_well: Vec::new(),
        gaps: Vec::new(),
        not_observed: Vec::new(),
    };
    for (phase, point) in scenario.good_practice() {
        let named = PointRef {
            phase_id: phase.id.clone(),
            point_id: point.id.clone(),
            text: point.text.clone(),
        };
        match seen.get(point.id.as_str()) {
            None => debrief.not_observed.push(named),
            Some(Observation::Met) => debrief.went_well.push(named),
            Some(observation) => debrief.gaps.push(GapRef {
                phase_id: named.phase_id,
                point_id: named.point_id,
                text: named.text,
                observation: *observation,
                advice: point.advice.clone(),
            }),
        }
    }
    debrief
}

/// One run in an organisation's history of exercises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressPoint {
    /// The run.
    pub run_id: i64,
    /// When it started.
    pub starts_at: OffsetDateTime,
    /// Its time to first response.
    pub first_response: Option<Duration>,
    /// Points partly met or not met.
    pub gaps: usize,
    /// Points met.
    pub met: usize,
}

/// An organisation's runs in time order (then by run id), so repeated runs show whether
/// it responds faster and falls short less often.
pub fn progress(runs: &[(i64, OffsetDateTime, PlayerDebrief)]) -> Vec<ProgressPoint> {
    let mut points: Vec<ProgressPoint> = runs
        .iter()
        .map(|(run_id, starts_at, debrief)| ProgressPoint {
            run_id: *run_id,
            starts_at: *starts_at,
            first_response: debrief.first_response,
            gaps: debrief.gaps.len(),
            met: debrief.went_well.len(),
        })
        .collect();
    points.sort_by_key(|point| (point.starts_at, point.run_id));
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::readiness::exercise::EXERCISE_FORMAT;
    use beacon_core::readiness::{GoodPractice, Phase};
    use time::macros::datetime;

    const START: OffsetDateTime = datetime!(2026-03-10 10:00 UTC);

    fn point(id: &str) -> GoodPractice {
        GoodPractice {
            id: id.into(),
            text: format!("Good practice {id}"),
            advice: vec![AdviceLink {
                title: format!("How to {id}"),
                url: format!("/advice/{id}"),
            }],
        }
    }

    fn phase(id: &str, opens: u32, points: &[&str]) -> Phase {
        Phase {
            id: id.into(),
            title: format!("Phase {id}"),
            narrative: "Something happens.".into(),
            starts_at_minutes: opens,
            injects: Vec::new(),
            questions: Vec::new(),
            good_practice: points.iter().map(|p| point(p)).collect(),
        }
    }

    fn scenario() -> Scenario {
        Scenario {
            format: EXERCISE_FORMAT.into(),
            id: "ransomware".into(),
            title: "Ransomware".into(),
            summary: "Files are encrypted.".into(),
            audience: Vec::new(),
            duration_minutes: 120,
            phases: vec![
                phase("detection", 0, &["spot", "report"]),
                phase("response", 30, &["isolate"]),
            ],
            advice: Vec::new(),
        }
    }

    fn response(org: i64, kind: ResponseKind, at: OffsetDateTime) -> ResponseFact {
        ResponseFact {
            organisation_id: org,
            phase_id: "detection".into(),
            kind,
            at,
        }
    }

    fn seen(org: i64, point: &str, observation: Observation) -> ObservationFact {
        ObservationFact {
            organisation_id: org,
            point_id: point.into(),
            observation,
        }
    }

    #[test]
    fn timings_run_from_the_start() {
        let responses = [
            response(1, ResponseKind::Response, datetime!(2026-03-10 10:12 UTC)),
            response(1, ResponseKind::Response, datetime!(2026-03-10 10:07 UTC)),
            response(1, ResponseKind::Escalation, datetime!(2026-03-10 10:30 UTC)),
            // Before the start: not part of the run.
            response(1, ResponseKind::Decision, datetime!(2026-03-10 09:55 UTC)),
            response(1, ResponseKind::Decision, datetime!(2026-03-10 11:05 UTC)),
        ];
        let debrief = debrief(&scenario(), START, &[1], &responses, &[]);
        let player = &debrief.players[0];
        assert_eq!(player.first_response, Some(Duration::minutes(7)));
        assert_eq!(player.first_escalation, Some(Duration::minutes(30)));
        assert_eq!(player.first_decision, Some(Duration::minutes(65)));
        assert_eq!(player.responses, 4);
        assert_eq!(debrief.responded, 1);
        assert_eq!(debrief.median_first_response, Some(Duration::minutes(7)));
    }

    #[test]
    fn an_escalation_is_also_a_first_response() {
        let responses = [
            response(1, ResponseKind::Escalation, datetime!(2026-03-10 10:04 UTC)),
            response(1, ResponseKind::Response, datetime!(2026-03-10 10:09 UTC)),
        ];
        let player = &debrief(&scenario(), START, &[1], &responses, &[]).players[0];
        assert_eq!(player.first_response, Some(Duration::minutes(4)));
        assert_eq!(player.first_escalation, Some(Duration::minutes(4)));
        assert_eq!(player.first_decision, None);
    }

    #[test]
    fn median_over_odd_and_even_numbers_of_players() {
        let mut responses = vec![
            response(1, ResponseKind::Response, datetime!(2026-03-10 10:07 UTC)),
            response(2, ResponseKind::Response, datetime!(2026-03-10 10:12 UTC)),
            response(3, ResponseKind::Decision, datetime!(2026-03-10 10:40 UTC)),
            // Not a player: left out.
            response(9, ResponseKind::Response, datetime!(2026-03-10 10:01 UTC)),
        ];
        // Player 5 never responds and does not count towards the median.
        let three = debrief(&scenario(), START, &[1, 2, 3, 5], &responses, &[]);
        assert_eq!(three.players.len(), 4);
        assert_eq!(three.responded, 3);
        assert_eq!(three.median_first_response, Some(Duration::minutes(12)));
        assert_eq!(three.players[3].first_response, None);
        responses.push(response(
            4,
            ResponseKind::Response,
            datetime!(2026-03-10 10:20 UTC),
        ));
        let four = debrief(&scenario(), START, &[1, 2, 3, 4], &responses, &[]);
        // 7, 12, 20, 40: the mean of 12 and 20.
        assert_eq!(four.median_first_response, Some(Duration::minutes(16)));
        let nobody = debrief(&scenario(), START, &[1, 1], &[], &[]);
        assert_eq!(nobody.players.len(), 1);
        assert_eq!((nobody.responded, nobody.median_first_response), (0, None));
    }

    #[test]
    fn points_are_sorted_into_went_well_gaps_and_not_observed() {
        let observations = [
            seen(1, "spot", Observation::NotMet),
            seen(1, "spot", Observation::Met), // corrected: the last stands
            seen(1, "isolate", Observation::Partly),
            seen(1, "no-such-point", Observation::Met),
            seen(2, "report", Observation::Met),
        ];
        let player = &debrief(&scenario(), START, &[1], &[], &observations).players[0];
        let ids = |points: &[PointRef]| -> Vec<String> {
            points.iter().map(|p| p.point_id.clone()).collect()
        };
        assert_eq!(ids(&player.went_well), ["spot"]);
        assert_eq!(ids(&player.not_observed), ["report"]);
        assert_eq!(player.gaps.len(), 1);
        let gap = &player.gaps[0];
        assert_eq!(
            (
                gap.phase_id.as_str(),
                gap.point_id.as_str(),
                gap.observation
            ),
            ("response", "isolate", Observation::Partly)
        );
        assert_eq!(gap.text, "Good practice isolate");
        assert_eq!(gap.advice[0].url, "/advice/isolate");
    }

    #[test]
    fn repeated_runs_are_listed_in_time_order() {
        let run = |minutes: i64, gaps: usize, met: usize| PlayerDebrief {
            organisation_id: 1,
            first_response: Some(Duration::minutes(minutes)),
            first_escalation: None,
            first_decision: None,
            responses: 1,
            went_well: vec![
                PointRef {
                    phase_id: "p".into(),
                    point_id: "x".into(),
                    text: "x".into(),
                };
                met
            ],
            gaps: vec![
                GapRef {
                    phase_id: "p".into(),
                    point_id: "y".into(),
                    text: "y".into(),
                    observation: Observation::NotMet,
                    advice: Vec::new(),
                };
                gaps
            ],
            not_observed: Vec::new(),
        };
        let runs = [
            (12, datetime!(2026-09-01 10:00 UTC), run(6, 0, 3)),
            (7, datetime!(2026-03-10 10:00 UTC), run(25, 2, 1)),
        ];
        let points = progress(&runs);
        let summary: Vec<(i64, Option<Duration>, usize, usize)> = points
            .iter()
            .map(|p| (p.run_id, p.first_response, p.gaps, p.met))
            .collect();
        assert_eq!(
            summary,
            [
                (7, Some(Duration::minutes(25)), 2, 1),
                (12, Some(Duration::minutes(6)), 0, 3),
            ]
        );
    }
}
