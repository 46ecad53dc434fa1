//! Self-assessment scores: one organisation's answers scored per theme, with a gap (and
//! what to do next) for every answer short of "yes"; and the area's picture across the
//! organisations that assessed themselves, by sector and district.
//!
//! Scoring: yes is 2 points, partly 1, no and don't know 0, out of 2 per question; "does
//! not apply" is left out of the score altogether, and so is a question with no answer.
//! A question counts towards every theme it is mapped to.

use super::{Percent, mean_percent, percent};
use beacon_core::readiness::{AdviceLink, Answer, QuestionBank, Theme};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Answers that cannot be scored against the bank, every one of them listed.
///
/// Why: a submission is refused whole with every problem named, so whoever sent it can
/// fix it in one go rather than one answer at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    /// Ids answered that are not questions in the bank, in the order answered (each once).
    pub unknown: Vec<String>,
    /// Ids answered more than once, in the order first answered (each once).
    pub duplicates: Vec<String>,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.unknown.is_empty() {
            parts.push(format!(
                "answers to questions that are not in the bank: {}",
                self.unknown.join(", ")
            ));
        }
        if !self.duplicates.is_empty() {
            parts.push(format!(
                "questions answered more than once: {}",
                self.duplicates.join(", ")
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for AnswerError {}

/// An answer that shows a gap, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The question.
    pub question_id: String,
    /// The question's text.
    pub text: String,
    /// The answer given (partly, no or don't know).
    pub answer: Answer,
    /// What to do next.
    pub next_step: String,
    /// Where to read how.
    pub advice: Vec<AdviceLink>,
    /// The themes the question counts towards.
    pub themes: Vec<Theme>,
}

/// One theme's score for one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThemeScore {
    /// The theme.
    pub theme: Theme,
    /// Points scored on the theme's questions.
    pub points: u32,
    /// Points possible (2 per scored question).
    pub max: u32,
    /// `points` as a percentage of `max`, half up; `None` when `max` is zero.
    pub percent: Option<Percent>,
    /// Answers on the theme that show a gap.
    pub gap_count: usize,
}

/// One organisation's self-assessment, scored.
///
/// Why: the organisation sees where it stands on each framework's headings and a list of
/// what to do next; the area summary is built from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentScore {
    /// Questions answered (including "does not apply").
    pub answered: usize,
    /// Questions answered "does not apply", left out of every score.
    pub not_applicable: usize,
    /// Questions in the bank with no answer, left out of every score.
    pub unanswered: usize,
    /// Points over every scored answer.
    pub points: u32,
    /// Points possible over every scored answer.
    pub max: u32,
    /// `points` as a percentage of `max`, half up; `None` when nothing was scored.
    pub overall: Option<Percent>,
    /// Every answer that shows a gap, in the bank's order.
    pub gaps: Vec<Gap>,
    /// Every theme with at least one scored answer, in [`Theme::all`] order.
    pub themes: Vec<ThemeScore>,
}

impl AssessmentScore {
    /// The score on one theme, if any of its questions was scored.
    pub fn theme(&self, theme: Theme) -> Option<&ThemeScore> {
        self.themes.iter().find(|score| score.theme == theme)
    }
}

/// Scores one organisation's answers against the bank.
///
/// Every answer must be to a question in the bank, and each question answered at most
/// once; otherwise nothing is scored and the error lists every offending id.
pub fn score(
    bank: &QuestionBank,
    answers: &[(String, Answer)],
) -> Result<AssessmentScore, AnswerError> {
    let mut unknown: Vec<String> = Vec::new();
    let mut duplicates: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for (id, _) in answers {
        if bank.question(id).is_none() {
            if !unknown.contains(id) {
                unknown.push(id.clone());
            }
        } else if !seen.insert(id.as_str()) && !duplicates.contains(id) {
            duplicates.push(id.clone());
        }
    }
    if !unknown.is_empty() || !duplicates.is_empty() {
        return Err(AnswerError {
            unknown,
            duplicates,
        });
    }
    Ok(score_known(bank, &answer_map(answers)))
}

/// Answers by question id (the last answer wins where one is given twice).
fn answer_map(answers: &[(String, Answer)]) -> BTreeMap<&str, Answer> {
    answers
        .iter()
        .map(|(id, answer)| (id.as_str(), *answer))
        .collect()
}

/// Scores answers already known to be to questions in the bank.
fn score_known(bank: &QuestionBank, answers: &BTreeMap<&str, Answer>) -> AssessmentScore {
    let mut by_theme: BTreeMap<Theme, (u32, u32, usize)> = BTreeMap::new();
    let mut gaps = Vec::new();
    let (mut answered, mut not_applicable, mut points, mut max) = (0, 0, 0, 0);
    for question in &bank.questions {
        let Some(answer) = answers.get(question.id.as_str()).copied() else {
            continue;
        };
        answered += 1;
        let Some(got) = answer.points() else {
            not_applicable += 1;
            continue;
        };
        points += got;
        max += 2;
        let themes = question.themes();
        for theme in &themes {
            let entry = by_theme.entry(*theme).or_default();
            entry.0 += got;
            entry.1 += 2;
            entry.2 += usize::from(answer.is_gap());
        }
        if answer.is_gap() {
            gaps.push(Gap {
                question_id: question.id.clone(),
                text: question.text.clone(),
                answer,
                next_step: question.next_step.clone(),
                advice: question.advice.clone(),
                themes,
            });
        }
    }
    let themes = Theme::all()
        .into_iter()
        .filter_map(|theme| {
            let (points, max, gap_count) = *by_theme.get(&theme)?;
            Some(ThemeScore {
                theme,
                points,
                max,
                percent: percent(u64::from(points), u64::from(max)),
                gap_count,
            })
        })
        .collect();
    AssessmentScore {
        answered,
        not_applicable,
        unanswered: bank.questions.len() - answered,
        points,
        max,
        overall: percent(u64::from(points), u64::from(max)),
        gaps,
        themes,
    }
}

/// One organisation's answers, with what the area summary groups it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAnswers {
    /// The organisation.
    pub organisation_id: i64,
    /// Its sector, e.g. `health`.
    pub sector: String,
    /// Its district's name, if it has one.
    pub district: Option<String>,
    /// Its answers (its latest assessment), by question id.
    pub answers: Vec<(String, Answer)>,
}

/// How a group of organisations stands on one theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThemeSummary {
    /// The theme.
    pub theme: Theme,
    /// Organisations with at least one scored answer on the theme.
    pub organisations: usize,
    /// The mean of those organisations' whole percentages on the theme, half up; `None`
    /// when no organisation was assessed on it.
    pub mean_percent: Option<Percent>,
    /// Organisations with at least one gap on the theme.
    pub organisations_with_gap: usize,
}

/// A sector's or a district's picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    /// The sector or district.
    pub name: String,
    /// Organisations in the group that were assessed.
    pub organisations: usize,
    /// The themes, as in [`AreaSummary::themes`].
    pub themes: Vec<ThemeSummary>,
}

/// The area's self-assessment picture.
///
/// Why: the partnership's board and officers see which controls partners most often
/// fall short on, overall and by sector and district, to decide where to help first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaSummary {
    /// Organisations with at least one answer to a question in the bank.
    pub organisations_assessed: usize,
    /// The five Cyber Essentials controls always (with zero organisations when none was
    /// assessed on one), then every other theme with at least one organisation, in
    /// [`Theme::all`] order.
    pub themes: Vec<ThemeSummary>,
    /// By sector, in name order.
    pub by_sector: Vec<GroupSummary>,
    /// By district, in name order; organisations with no district count in the area and
    /// their sector but in no district.
    pub by_district: Vec<GroupSummary>,
    /// Answers left out because their question is no longer in the bank (an assessment
    /// made against an earlier version), or because the same question was answered again.
    pub answers_left_out: usize,
}

impl AreaSummary {
    /// The summary of one theme, if it is listed.
    pub fn theme(&self, theme: Theme) -> Option<&ThemeSummary> {
        self.themes.iter().find(|summary| summary.theme == theme)
    }
}

/// The area's picture from each organisation's latest answers.
///
/// Unlike [`score`], nothing is refused: an answer to a question no longer in the bank is
/// left out (and counted in [`AreaSummary::answers_left_out`]), a question answered twice
/// keeps its last answer, and an organisation listed twice keeps its last entry.
/// Organisations with no answer to a question in the bank are not counted as assessed.
pub fn area_summary(bank: &QuestionBank, orgs: &[OrgAnswers]) -> AreaSummary {
    let mut latest: BTreeMap<i64, &OrgAnswers> = BTreeMap::new();
    for org in orgs {
        latest.insert(org.organisation_id, org);
    }
    let mut left_out = 0;
    let mut scored: Vec<(&OrgAnswers, AssessmentScore)> = Vec::new();
    for org in latest.values() {
        let known: Vec<(String, Answer)> = org
            .answers
            .iter()
            .filter(|(id, _)| bank.question(id).is_some())
            .cloned()
            .collect();
        let answers = answer_map(&known);
        left_out += org.answers.len() - answers.len();
        if answers.is_empty() {
            continue;
        }
        scored.push((org, score_known(bank, &answers)));
    }
    let all: Vec<&AssessmentScore> = scored.iter().map(|(_, score)| score).collect();
    let mut sectors: BTreeMap<&str, Vec<&AssessmentScore>> = BTreeMap::new();
    let mut districts: BTreeMap<&str, Vec<&AssessmentScore>> = BTreeMap::new();
    for (org, score) in &scored {
        sectors.entry(org.sector.as_str()).or_default().push(score);
        if let Some(district) = &org.district {
            districts.entry(district.as_str()).or_default().push(score);
        }
    }
    let groups = |groups: BTreeMap<&str, Vec<&AssessmentScore>>| -> Vec<GroupSummary> {
        groups
            .into_iter()
            .map(|(name, scores)| GroupSummary {
                name: name.to_owned(),
                organisations: scores.len(),
                themes: theme_summaries(&scores),
            })
            .collect()
    };
    AreaSummary {
        organisations_assessed: all.len(),
        themes: theme_summaries(&all),
        by_sector: groups(sectors),
        by_district: groups(districts),
        answers_left_out: left_out,
    }
}

/// The theme summaries of a group: the five controls always, other themes when at least
/// one organisation was assessed on them.
fn theme_summaries(scores: &[&AssessmentScore]) -> Vec<ThemeSummary> {
    Theme::all()
        .into_iter()
        .filter_map(|theme| {
            let on_theme: Vec<&ThemeScore> = scores
                .iter()
                .filter_map(|score| score.theme(theme))
                .collect();
            let always = matches!(theme, Theme::CyberEssentials(_));
            if on_theme.is_empty() && !always {
                return None;
            }
            let percents: Vec<Percent> = on_theme.iter().filter_map(|s| s.percent).collect();
            Some(ThemeSummary {
                theme,
                organisations: on_theme.len(),
                mean_percent: mean_percent(&percents),
                organisations_with_gap: on_theme.iter().filter(|s| s.gap_count > 0).count(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::readiness::assessment::QUESTION_BANK_FORMAT;
    use beacon_core::readiness::{
        AssessmentAudience, AssessmentQuestion, CeControl, SbgTopic, TenStep,
    };

    const FIREWALLS: Theme = Theme::CyberEssentials(CeControl::Firewalls);
    const MALWARE: Theme = Theme::CyberEssentials(CeControl::MalwareProtection);
    const UPDATES: Theme = Theme::CyberEssentials(CeControl::SecurityUpdateManagement);
    const VULNERABILITIES: Theme = Theme::TenSteps(TenStep::VulnerabilityManagement);
    const BACKUPS: Theme = Theme::SmallBusinessGuide(SbgTopic::BackingUpData);

    fn question(
        id: &str,
        ce: &[CeControl],
        steps: &[TenStep],
        sbg: &[SbgTopic],
    ) -> AssessmentQuestion {
        AssessmentQuestion {
            id: id.into(),
            text: format!("Question {id}?"),
            hint: String::new(),
            audience: AssessmentAudience::All,
            cyber_essentials: ce.to_vec(),
            ten_steps: steps.to_vec(),
            small_business_guide: sbg.to_vec(),
            next_step: format!("Do {id}."),
            advice: vec![AdviceLink {
                title: format!("Advice on {id}"),
                url: format!("/advice/{id}"),
            }],
        }
    }

    /// Four questions: firewall (CE firewalls), updates (CE updates + 10 Steps
    /// vulnerability management), malware (CE malware), backups (SBG backups).
    fn bank() -> QuestionBank {
        QuestionBank {
            format: QUESTION_BANK_FORMAT.into(),
            version: "test".into(),
            questions: vec![
                question("firewall", &[CeControl::Firewalls], &[], &[]),
                question(
                    "updates",
                    &[CeControl::SecurityUpdateManagement],
                    &[TenStep::VulnerabilityManagement],
                    &[],
                ),
                question("malware", &[CeControl::MalwareProtection], &[], &[]),
                question("backups", &[], &[], &[SbgTopic::BackingUpData]),
            ],
        }
    }

    fn answers(list: &[(&str, Answer)]) -> Vec<(String, Answer)> {
        list.iter().map(|(id, a)| ((*id).to_owned(), *a)).collect()
    }

    #[test]
    fn scores_points_per_theme_and_lists_gaps() {
        let score = score(
            &bank(),
            &answers(&[
                ("firewall", Answer::Yes),
                ("updates", Answer::Partly),
                ("malware", Answer::NotApplicable),
            ]),
        )
        .expect("valid answers");
        assert_eq!(score.answered, 3);
        assert_eq!(score.not_applicable, 1);
        assert_eq!(score.unanswered, 1);
        // 2 + 1 of 4.
        assert_eq!((score.points, score.max, score.overall), (3, 4, Some(75)));
        let themes: Vec<(Theme, u32, u32, Option<u32>, usize)> = score
            .themes
            .iter()
            .map(|t| (t.theme, t.points, t.max, t.percent, t.gap_count))
            .collect();
        // Malware (not applicable) and backups (unanswered) have no score.
        assert_eq!(
            themes,
            [
                (FIREWALLS, 2, 2, Some(100), 0),
                (UPDATES, 1, 2, Some(50), 1),
                (VULNERABILITIES, 1, 2, Some(50), 1),
            ]
        );
        assert_eq!(score.gaps.len(), 1);
        let gap = &score.gaps[0];
        assert_eq!(gap.question_id, "updates");
        assert_eq!(gap.answer, Answer::Partly);
        assert_eq!(gap.next_step, "Do updates.");
        assert_eq!(gap.advice[0].url, "/advice/updates");
        assert_eq!(gap.themes, [UPDATES, VULNERABILITIES]);
    }

    #[test]
    fn dont_know_is_a_gap_with_no_points() {
        let score = score(
            &bank(),
            &answers(&[("firewall", Answer::DontKnow), ("backups", Answer::No)]),
        )
        .expect("valid answers");
        assert_eq!(score.overall, Some(0));
        assert_eq!(score.gaps.len(), 2);
        assert_eq!(score.theme(FIREWALLS).map(|t| t.gap_count), Some(1));
        assert_eq!(score.theme(BACKUPS).map(|t| t.percent), Some(Some(0)));
    }

    #[test]
    fn nothing_scored_has_no_overall_percent() {
        let none = score(&bank(), &[]).expect("no answers is valid");
        assert_eq!((none.answered, none.unanswered, none.overall), (0, 4, None));
        assert!(none.themes.is_empty());
        let all_na = score(&bank(), &answers(&[("firewall", Answer::NotApplicable)]))
            .expect("valid answers");
        assert_eq!((all_na.answered, all_na.overall), (1, None));
        assert!(all_na.themes.is_empty());
    }

    #[test]
    fn unknown_and_repeated_answers_are_all_listed() {
        let error = score(
            &bank(),
            &answers(&[
                ("firewall", Answer::Yes),
                ("no-such", Answer::Yes),
                ("firewall", Answer::No),
                ("also-missing", Answer::No),
                ("no-such", Answer::No),
                ("firewall", Answer::No),
            ]),
        )
        .expect_err("refused");
        assert_eq!(error.unknown, ["no-such", "also-missing"]);
        assert_eq!(error.duplicates, ["firewall"]);
        assert_eq!(
            error.to_string(),
            "answers to questions that are not in the bank: no-such, also-missing; questions answered more than once: firewall"
        );
    }

    fn org(id: i64, sector: &str, district: Option<&str>, list: &[(&str, Answer)]) -> OrgAnswers {
        OrgAnswers {
            organisation_id: id,
            sector: sector.into(),
            district: district.map(str::to_owned),
            answers: answers(list),
        }
    }

    #[test]
    fn area_summary_means_and_gaps_by_theme_sector_and_district() {
        let orgs = [
            // Firewalls 100%, updates 50% (gap).
            org(
                1,
                "health",
                Some("Rutland"),
                &[("firewall", Answer::Yes), ("updates", Answer::Partly)],
            ),
            // Firewalls 0% (gap), updates 100%.
            org(
                2,
                "health",
                Some("Melton"),
                &[("firewall", Answer::No), ("updates", Answer::Yes)],
            ),
            // Firewalls 50% (gap); an answer to a retired question.
            org(
                3,
                "retail",
                None,
                &[("firewall", Answer::Partly), ("retired", Answer::Yes)],
            ),
            // Only a retired question: not assessed.
            org(4, "retail", Some("Rutland"), &[("retired", Answer::Yes)]),
        ];
        let summary = area_summary(&bank(), &orgs);
        assert_eq!(summary.organisations_assessed, 3);
        assert_eq!(summary.answers_left_out, 2);
        let rows: Vec<(Theme, usize, Option<u32>, usize)> = summary
            .themes
            .iter()
            .map(|t| {
                (
                    t.theme,
                    t.organisations,
                    t.mean_percent,
                    t.organisations_with_gap,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // (100 + 0 + 50) / 3 = 50.
                (FIREWALLS, 3, Some(50), 2),
                (
                    Theme::CyberEssentials(CeControl::SecureConfiguration),
                    0,
                    None,
                    0
                ),
                // (50 + 100) / 2 = 75.
                (UPDATES, 2, Some(75), 1),
                (
                    Theme::CyberEssentials(CeControl::UserAccessControl),
                    0,
                    None,
                    0
                ),
                (MALWARE, 0, None, 0),
                (VULNERABILITIES, 2, Some(75), 1),
            ]
        );
        let sectors: Vec<(&str, usize, Option<u32>)> = summary
            .by_sector
            .iter()
            .map(|g| (g.name.as_str(), g.organisations, g.themes[0].mean_percent))
            .collect();
        assert_eq!(sectors, [("health", 2, Some(50)), ("retail", 1, Some(50))]);
        let districts: Vec<(&str, usize, Option<u32>)> = summary
            .by_district
            .iter()
            .map(|g| (g.name.as_str(), g.organisations, g.themes[0].mean_percent))
            .collect();
        // Organisation 3 has no district; organisation 4 was not assessed.
        assert_eq!(
            districts,
            [("Melton", 1, Some(0)), ("Rutland", 1, Some(100))]
        );
        // Every group lists the five controls.
        assert!(summary.by_district.iter().all(|g| g.themes.len() >= 5));
    }

    #[test]
    fn mean_of_org_percents_rounds_half_up() {
        let two_questions = QuestionBank {
            questions: vec![
                question("a", &[CeControl::Firewalls], &[], &[]),
                question("b", &[CeControl::Firewalls], &[], &[]),
            ],
            ..bank()
        };
        let orgs = [
            // 3 of 4: 75%.
            org(
                1,
                "health",
                None,
                &[("a", Answer::Yes), ("b", Answer::Partly)],
            ),
            // 1 of 2: 50%.
            org(
                2,
                "health",
                None,
                &[("a", Answer::Partly), ("b", Answer::NotApplicable)],
            ),
        ];
        let summary = area_summary(&two_questions, &orgs);
        // (75 + 50) / 2 = 62.5, half up.
        assert_eq!(
            summary.theme(FIREWALLS).and_then(|t| t.mean_percent),
            Some(63)
        );
    }

    #[test]
    fn an_empty_area_still_lists_the_five_controls() {
        let summary = area_summary(&bank(), &[]);
        assert_eq!(summary.organisations_assessed, 0);
        let themes: Vec<Theme> = summary.themes.iter().map(|t| t.theme).collect();
        let controls: Vec<Theme> = CeControl::ALL
            .into_iter()
            .map(Theme::CyberEssentials)
            .collect();
        assert_eq!(themes, controls);
        assert!(
            summary
                .themes
                .iter()
                .all(|t| t.organisations == 0 && t.mean_percent.is_none())
        );
        assert!(summary.by_sector.is_empty() && summary.by_district.is_empty());
    }

    #[test]
    fn an_organisation_listed_twice_keeps_its_last_answers() {
        let orgs = [
            org(1, "health", None, &[("firewall", Answer::No)]),
            org(
                1,
                "health",
                None,
                &[("firewall", Answer::Yes), ("firewall", Answer::Yes)],
            ),
        ];
        let summary = area_summary(&bank(), &orgs);
        assert_eq!(summary.organisations_assessed, 1);
        assert_eq!(summary.answers_left_out, 1);
        assert_eq!(
            summary.theme(FIREWALLS).and_then(|t| t.mean_percent),
            Some(100)
        );
    }
}
