//! The board update's readiness figures: exercises run and how fast partners responded,
//! the self-assessment picture on the five Cyber Essentials controls and the weakest
//! themes, staff completion of the learning modules and the phishing-simulation rates.

use super::assessment::{AreaSummary, GroupSummary, ThemeSummary};
use super::education::Completion;
use super::exercise::Debrief;
use super::phishing::{OrgRates, totals};
use super::{Percent, median_duration};
use beacon_core::readiness::Theme;
use serde::Serialize;
use std::collections::BTreeSet;
use time::Duration;

/// How many of the weakest themes the board update names.
pub const WEAKEST_THEMES: usize = 3;

/// What the board update says about readiness in a period.
///
/// Why: the board asks whether partners are getting readier; these are the figures
/// behind that answer, computed once so the Markdown and HTML sections say the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadinessFigures {
    /// Exercise runs debriefed in the period.
    pub exercises_run: usize,
    /// Distinct organisations that played in them.
    pub organisations_exercised: usize,
    /// The median time to first response over every player's first response in every
    /// run (not a median of the runs' medians).
    pub median_first_response: Option<Duration>,
    /// Organisations that assessed themselves.
    pub assessed: usize,
    /// The five Cyber Essentials controls, in the scheme's order.
    pub ce_gaps: Vec<ThemeSummary>,
    /// The five controls by sector, each group's themes the five controls only.
    pub ce_by_sector: Vec<GroupSummary>,
    /// The five controls by district, likewise.
    pub ce_by_district: Vec<GroupSummary>,
    /// The lowest mean scores over every theme with at least one organisation (at most
    /// [`WEAKEST_THEMES`], lowest first; ties in [`Theme::all`] order).
    pub weakest_themes: Vec<ThemeSummary>,
    /// Learners with an attempt at a module.
    pub learners: usize,
    /// Learner-and-module pairs passed.
    pub completions: usize,
    /// Learners × modules.
    pub possible_completions: usize,
    /// `completions` as a whole percentage of `possible_completions`, half up.
    pub completion_percent: Option<Percent>,
    /// Simulated phishing emails sent.
    pub simulations: usize,
    /// Of those, clicked by a person.
    pub clicked: usize,
    /// Of those, reported as phishing.
    pub reported: usize,
    /// `clicked` as a whole percentage of `simulations`, half up.
    pub click_percent: Option<Percent>,
    /// `reported` as a whole percentage of `simulations`, half up.
    pub report_percent: Option<Percent>,
}

impl ReadinessFigures {
    /// The figures from the period's exercise debriefs, the area's self-assessment
    /// summary, staff completion and the phishing rates of emails sent in the period.
    pub fn from_parts(
        debriefs: &[Debrief],
        assessment: &AreaSummary,
        education: &Completion,
        phishing: &[OrgRates],
    ) -> ReadinessFigures {
        let organisations: BTreeSet<i64> = debriefs
            .iter()
            .flat_map(|debrief| debrief.players.iter().map(|p| p.organisation_id))
            .collect();
        let firsts: Vec<Duration> = debriefs
            .iter()
            .flat_map(|debrief| debrief.players.iter().filter_map(|p| p.first_response))
            .collect();
        let ce_gaps: Vec<ThemeSummary> = assessment
            .themes
            .iter()
            .filter(|summary| matches!(summary.theme, Theme::CyberEssentials(_)))
            .copied()
            .collect();
        let mut ranked: Vec<(Percent, usize, ThemeSummary)> = assessment
            .themes
            .iter()
            .filter(|summary| summary.organisations > 0)
            .filter_map(|summary| {
                let order = Theme::all().iter().position(|t| *t == summary.theme)?;
                Some((summary.mean_percent?, order, *summary))
            })
            .collect();
        ranked.sort_by_key(|(mean, order, _)| (*mean, *order));
        let controls_only = |groups: &[GroupSummary]| -> Vec<GroupSummary> {
            groups
                .iter()
                .map(|group| GroupSummary {
                    name: group.name.clone(),
                    organisations: group.organisations,
                    themes: group
                        .themes
                        .iter()
                        .filter(|summary| matches!(summary.theme, Theme::CyberEssentials(_)))
                        .copied()
                        .collect(),
                })
                .collect()
        };
        let phishing = totals(phishing);
        ReadinessFigures {
            exercises_run: debriefs.len(),
            organisations_exercised: organisations.len(),
            median_first_response: median_duration(firsts),
            assessed: assessment.organisations_assessed,
            ce_gaps,
            ce_by_sector: controls_only(&assessment.by_sector),
            ce_by_district: controls_only(&assessment.by_district),
            weakest_themes: ranked
                .into_iter()
                .take(WEAKEST_THEMES)
                .map(|(_, _, summary)| summary)
                .collect(),
            learners: education.area.learners,
            completions: education.area.modules_completed,
            possible_completions: education.area.possible,
            completion_percent: education.area.completion_percent,
            simulations: phishing.sent,
            clicked: phishing.clicked,
            reported: phishing.reported,
            click_percent: phishing.click_percent,
            report_percent: phishing.report_percent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::education::AreaCompletion;
    use crate::readiness::exercise::PlayerDebrief;
    use beacon_core::readiness::{CeControl, SbgTopic, TenStep};
    use time::macros::date;

    fn player(organisation_id: i64, minutes: Option<i64>) -> PlayerDebrief {
        PlayerDebrief {
            organisation_id,
            first_response: minutes.map(Duration::minutes),
            first_escalation: None,
            first_decision: None,
            responses: usize::from(minutes.is_some()),
            went_well: Vec::new(),
            gaps: Vec::new(),
            not_observed: Vec::new(),
        }
    }

    fn run(players: Vec<PlayerDebrief>) -> Debrief {
        Debrief {
            responded: players
                .iter()
                .filter(|p| p.first_response.is_some())
                .count(),
            median_first_response: None,
            players,
        }
    }

    fn theme(theme: Theme, organisations: usize, mean: Option<u32>, gaps: usize) -> ThemeSummary {
        ThemeSummary {
            theme,
            organisations,
            mean_percent: mean,
            organisations_with_gap: gaps,
        }
    }

    #[test]
    fn figures_from_the_parts() {
        let debriefs = [
            run(vec![player(1, Some(7)), player(2, Some(40))]),
            run(vec![player(1, Some(12)), player(3, None)]),
        ];
        let ce = |control| Theme::CyberEssentials(control);
        let assessment = AreaSummary {
            organisations_assessed: 4,
            themes: vec![
                theme(ce(CeControl::Firewalls), 4, Some(80), 1),
                theme(ce(CeControl::SecureConfiguration), 3, Some(55), 2),
                theme(ce(CeControl::SecurityUpdateManagement), 4, Some(40), 3),
                theme(ce(CeControl::UserAccessControl), 2, Some(55), 1),
                theme(ce(CeControl::MalwareProtection), 0, None, 0),
                theme(Theme::TenSteps(TenStep::IncidentManagement), 4, Some(30), 4),
                theme(
                    Theme::SmallBusinessGuide(SbgTopic::BackingUpData),
                    1,
                    Some(90),
                    0,
                ),
            ],
            by_sector: Vec::new(),
            by_district: Vec::new(),
            answers_left_out: 0,
        };
        let education = Completion {
            organisations: Vec::new(),
            area: AreaCompletion {
                organisations: 2,
                learners: 5,
                modules_completed: 6,
                possible: 10,
                completion_percent: Some(60),
                mean_best_score: Some(70),
            },
        };
        let phishing = [
            OrgRates {
                organisation_id: 1,
                month: date!(2026 - 03 - 01),
                sent: 10,
                clicked: 1,
                reported: 4,
                click_percent: Some(10),
                report_percent: Some(40),
            },
            OrgRates {
                organisation_id: 2,
                month: date!(2026 - 03 - 01),
                sent: 30,
                clicked: 5,
                reported: 6,
                click_percent: Some(17),
                report_percent: Some(20),
            },
        ];
        let figures = ReadinessFigures::from_parts(&debriefs, &assessment, &education, &phishing);
        assert_eq!(figures.exercises_run, 2);
        assert_eq!(figures.organisations_exercised, 3);
        // 7, 12, 40 across both runs.
        assert_eq!(figures.median_first_response, Some(Duration::minutes(12)));
        assert_eq!(figures.assessed, 4);
        assert_eq!(figures.ce_gaps.len(), 5);
        let weakest: Vec<Theme> = figures.weakest_themes.iter().map(|t| t.theme).collect();
        // 30, 40, then the first of the two at 55 in theme order; malware (no
        // organisations) is not a candidate.
        assert_eq!(
            weakest,
            [
                Theme::TenSteps(TenStep::IncidentManagement),
                ce(CeControl::SecurityUpdateManagement),
                ce(CeControl::SecureConfiguration),
            ]
        );
        assert_eq!(
            (
                figures.learners,
                figures.completions,
                figures.possible_completions
            ),
            (5, 6, 10)
        );
        assert_eq!(figures.completion_percent, Some(60));
        // 6 of 40 clicked (15%), 10 of 40 reported (25%).
        assert_eq!(
            (figures.simulations, figures.clicked, figures.reported),
            (40, 6, 10)
        );
        assert_eq!(
            (figures.click_percent, figures.report_percent),
            (Some(15), Some(25))
        );
    }

    #[test]
    fn nothing_in_the_period() {
        let assessment = crate::readiness::area_summary(
            &beacon_core::readiness::QuestionBank {
                format: "beacon-assessment/1".into(),
                version: "1".into(),
                questions: Vec::new(),
            },
            &[],
        );
        let education = crate::readiness::completion(&[], &[]);
        let figures = ReadinessFigures::from_parts(&[], &assessment, &education, &[]);
        assert_eq!(figures.exercises_run, 0);
        assert_eq!(figures.median_first_response, None);
        assert_eq!(figures.ce_gaps.len(), 5);
        assert!(figures.weakest_themes.is_empty());
        assert_eq!((figures.simulations, figures.click_percent), (0, None));
        assert_eq!(figures.completion_percent, None);
    }
}
