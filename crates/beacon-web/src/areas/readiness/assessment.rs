//! Self-assessment: an organisation answers the question bank for its audience (a small
//! business, or a partner with an IT function), sees its latest score per theme (the five
//! Cyber Essentials controls first), what to do next for every gap and its earlier
//! submissions; coordinators and analysts see the area's picture from every
//! organisation's latest answers, by framework, sector and district.
//!
//! **Invariant:** the organisation assessed is the viewer's own, from its account; a
//! submission with an answer to a question the bank does not have is refused whole, with
//! every problem listed, and nothing is stored.

use super::scope::{NOT_LINKED, area_links, audit, capitalised, refused};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::date_time;
use crate::chrome::forms::{Problem, truncate};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_analytics::readiness::assessment::{AssessmentScore, ThemeSummary};
use beacon_app::readiness::ReadinessError;
use beacon_app::readiness::assessment::{self, History};
use beacon_core::readiness::{AdviceLink, Answer, AssessmentAudience, Theme};
use beacon_core::{Permission, Role};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The most earlier submissions the results page lists.
const HISTORY_LIMIT: usize = 50;

/// The frameworks in the order the pages show them.
const FRAMEWORKS: [&str; 3] = [
    "Cyber Essentials",
    "10 Steps to Cyber Security",
    "Small Business Guide",
];

/// A percentage as the pages show it.
pub fn percent(value: Option<u32>) -> String {
    value.map_or_else(|| "Not scored".to_owned(), |p| format!("{p}%"))
}

/// The organisation a viewer assesses: `Ok(Some(id))` its own; `Ok(None)` for a
/// coordinator or analyst linked to none, who is sent to the area's summary.
///
/// # Errors
/// [`WebError::Forbidden`] without SelfAssess; a bad request for another account linked
/// to no organisation.
fn assessed(viewer: &Viewer) -> WebResult<Option<i64>> {
    viewer.require(Permission::SelfAssess)?;
    match viewer.user.organisation_id {
        Some(id) => Ok(Some(id)),
        None if viewer.may(Permission::ViewReadiness) => Ok(None),
        None => Err(WebError::BadRequest(NOT_LINKED.into())),
    }
}

/// Where a viewer with no organisation of its own goes instead.
fn to_summary() -> Response {
    Redirect::to("/assessment/summary").into_response()
}

/// Who is asked which questions: a business user or a business-sector organisation the
/// small-business questions, every other organisation the partner ones (and everyone
/// the questions for all).
fn audience(role: Role, sector: &str) -> AssessmentAudience {
    let sector = sector.to_ascii_lowercase();
    if role == Role::BusinessUser || sector.contains("business") {
        AssessmentAudience::SmallBusiness
    } else {
        AssessmentAudience::Partner
    }
}

/// The assessed organisation's name and sector, as the register holds them.
async fn organisation(state: &AppState, id: i64) -> WebResult<(String, String)> {
    state
        .blocking(move |store| store.organisations())
        .await??
        .into_iter()
        .find(|o| o.id == id)
        .map(|o| (o.organisation.name, o.organisation.sector))
        .ok_or(WebError::NotFound)
}

/// One question as the form shows it.
pub struct QuestionView {
    /// Its id (the field is `answer-<id>`).
    pub id: String,
    /// The question.
    pub text: String,
    /// Help under it.
    pub hint: String,
    /// The answer chosen (or given last time).
    pub chosen: String,
    /// Why the answer was refused.
    pub error: Option<String>,
}

/// The questions of one theme.
pub struct GroupView {
    /// The theme's name.
    pub heading: &'static str,
    /// Its framework.
    pub framework: &'static str,
    /// The questions, in the bank's order.
    pub questions: Vec<QuestionView>,
}

/// The bank's questions for `audience`, grouped under the first theme each counts
/// towards (so the five Cyber Essentials controls come first), with `chosen` answers.
fn groups(
    audience: AssessmentAudience,
    chosen: &BTreeMap<String, String>,
    problems: &[Problem],
) -> Vec<GroupView> {
    let order = Theme::all();
    let mut grouped: BTreeMap<usize, GroupView> = BTreeMap::new();
    for question in assessment::bank().for_audience(audience) {
        let Some(theme) = question.themes().first().copied() else {
            continue;
        };
        let at = order
            .iter()
            .position(|t| *t == theme)
            .unwrap_or(order.len());
        let field = format!("answer-{}", question.id);
        grouped
            .entry(at)
            .or_insert_with(|| GroupView {
                heading: theme.label(),
                framework: theme.framework(),
                questions: Vec::new(),
            })
            .questions
            .push(QuestionView {
                id: question.id.clone(),
                text: question.text.clone(),
                hint: question.hint.clone(),
                chosen: chosen.get(&question.id).cloned().unwrap_or_default(),
                error: problems
                    .iter()
                    .find(|p| p.field == field)
                    .map(|p| p.message.clone()),
            });
    }
    grouped.into_values().collect()
}

#[derive(Template)]
#[template(path = "readiness/templates/assessment.html")]
struct FormPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    organisation: String,
    groups: Vec<GroupView>,
    answers: Vec<(&'static str, &'static str)>,
    problems: Vec<Problem>,
    questions: usize,
    previous: Option<String>,
}

fn form_page(
    viewer: &Viewer,
    status: StatusCode,
    (name, sector): (String, String),
    chosen: &BTreeMap<String, String>,
    problems: Vec<Problem>,
    previous: Option<String>,
) -> Response {
    let groups = groups(audience(viewer.user.role, &sector), chosen, &problems);
    let title = if problems.is_empty() {
        "Self-assessment"
    } else {
        "Error: Self-assessment"
    };
    render(
        status,
        &FormPage {
            chrome: viewer.chrome(title, "/assessment"),
            links: area_links(viewer),
            organisation: name,
            questions: groups.iter().map(|g| g.questions.len()).sum(),
            groups,
            answers: Answer::ALL
                .into_iter()
                .map(|a| (a.as_str(), a.label()))
                .collect(),
            problems,
            previous,
        },
    )
}

/// The self-assessment form for the viewer's own organisation, filled in with its latest
/// answers.
pub async fn form(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    let Some(id) = assessed(&viewer)? else {
        return Ok(to_summary());
    };
    let named = organisation(&state, id).await?;
    let history = history(&state, id).await?;
    let (chosen, previous) = match history.latest() {
        Some((record, _)) => (
            record
                .answers
                .iter()
                .map(|(question, answer)| (question.clone(), answer.as_str().to_owned()))
                .collect(),
            Some(date_time(record.submitted_at)),
        ),
        None => (BTreeMap::new(), None),
    };
    Ok(form_page(
        &viewer,
        StatusCode::OK,
        named,
        &chosen,
        Vec::new(),
        previous,
    ))
}

async fn history(state: &AppState, id: i64) -> WebResult<History> {
    state
        .blocking(move |store| assessment::history(store, id))
        .await?
        .map_err(refused)
}

/// Scores and stores the viewer's organisation's answers, then its results.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    viewer.require(Permission::SelfAssess)?;
    let csrf = fields
        .iter()
        .find(|(name, _)| name == "csrf_token")
        .map_or("", |(_, value)| value.as_str());
    viewer.check_csrf(csrf)?;
    let Some(id) = assessed(&viewer)? else {
        return Ok(to_summary());
    };
    let mut chosen = BTreeMap::new();
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for (name, value) in &fields {
        let Some(question) = name.strip_prefix("answer-") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        chosen.insert(question.to_owned(), value.to_owned());
        match Answer::parse(value) {
            Some(answer) => answers.push((question.to_owned(), answer)),
            None => problems.push(Problem::new(
                name.clone(),
                format!(
                    "'{}' is not an answer: choose yes, partly, no, I don't know or does not apply",
                    truncate(value, 40)
                ),
            )),
        }
    }
    if !problems.is_empty() {
        let named = organisation(&state, id).await?;
        return Ok(form_page(
            &viewer,
            StatusCode::BAD_REQUEST,
            named,
            &chosen,
            problems,
            None,
        ));
    }
    let actor = viewer.user.username.clone();
    let submitted = state
        .blocking(move |store| -> Result<i64, ReadinessError> {
            let submitted =
                assessment::submit(store, id, &answers, &actor, OffsetDateTime::now_utc())?;
            audit(
                store,
                &actor,
                "submit_assessment",
                format!("assessment:{}", submitted.id),
                format!(
                    "organisation {id}: {} answer(s), overall {}",
                    submitted.score.answered,
                    percent(submitted.score.overall)
                ),
            )?;
            Ok(submitted.id)
        })
        .await?;
    match submitted {
        Ok(_) => Ok(Redirect::to("/assessment/results?submitted=yes").into_response()),
        Err(ReadinessError::Invalid(messages)) => {
            let named = organisation(&state, id).await?;
            let problems = messages
                .into_iter()
                .map(|m| Problem::new("answers", capitalised(&m)))
                .collect();
            Ok(form_page(
                &viewer,
                StatusCode::BAD_REQUEST,
                named,
                &chosen,
                problems,
                None,
            ))
        }
        Err(other) => Err(refused(other)),
    }
}

/// A theme's score as the results show it.
pub struct ScoreRow {
    /// The theme.
    pub theme: &'static str,
    /// Its percentage, in words.
    pub percent: String,
    /// Points scored and possible.
    pub points: String,
    /// Answers showing a gap.
    pub gaps: usize,
}

/// A gap with what to do next.
pub struct NextStep {
    /// The question.
    pub question: String,
    /// The answer given.
    pub answer: &'static str,
    /// What to do.
    pub step: String,
    /// Where to read how.
    pub advice: Vec<AdviceLink>,
    /// The themes it counts towards, in words.
    pub themes: String,
}

/// An earlier submission.
pub struct HistoryRow {
    /// Its id.
    pub id: i64,
    /// When, in words.
    pub when: String,
    /// Who.
    pub by: String,
    /// Answers given.
    pub answered: usize,
    /// Overall, in words.
    pub overall: String,
    /// Gaps.
    pub gaps: usize,
}

/// Per framework (in [`FRAMEWORKS`] order), the theme scores of one score.
fn framework_tables(score: &AssessmentScore) -> Vec<(&'static str, Vec<ScoreRow>)> {
    FRAMEWORKS
        .into_iter()
        .map(|framework| {
            let rows: Vec<ScoreRow> = score
                .themes
                .iter()
                .filter(|t| t.theme.framework() == framework)
                .map(|t| ScoreRow {
                    theme: t.theme.label(),
                    percent: percent(t.percent),
                    points: format!("{} of {}", t.points, t.max),
                    gaps: t.gap_count,
                })
                .collect();
            (framework, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "readiness/templates/assessment_results.html")]
struct ResultsPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    organisation: String,
    latest: Option<String>,
    overall: String,
    answered: usize,
    not_applicable: usize,
    tables: Vec<(&'static str, Vec<ScoreRow>)>,
    steps: Vec<NextStep>,
    history: Vec<HistoryRow>,
    more: usize,
    done: bool,
}

/// The page's query: whether a submission was just stored.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ResultsQuery {
    submitted: Option<String>,
}

/// The viewer's organisation's latest scores, what to do next, and its history.
pub async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<ResultsQuery>,
) -> WebResult<Response> {
    let Some(id) = assessed(&viewer)? else {
        return Ok(to_summary());
    };
    let (name, _) = organisation(&state, id).await?;
    let history = history(&state, id).await?;
    let (latest, overall, answered, not_applicable, tables, steps) = match history.latest() {
        Some((record, score)) => (
            Some(date_time(record.submitted_at)),
            percent(score.overall),
            score.answered,
            score.not_applicable,
            framework_tables(score),
            score
                .gaps
                .iter()
                .map(|gap| NextStep {
                    question: gap.text.clone(),
                    answer: gap.answer.label(),
                    step: gap.next_step.clone(),
                    advice: gap.advice.iter().filter(|a| a.is_safe()).cloned().collect(),
                    themes: gap
                        .themes
                        .iter()
                        .map(|t| t.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect(),
        ),
        None => (None, String::new(), 0, 0, Vec::new(), Vec::new()),
    };
    let rows: Vec<HistoryRow> = history
        .submissions
        .iter()
        .take(HISTORY_LIMIT)
        .map(|(record, score)| HistoryRow {
            id: record.id,
            when: date_time(record.submitted_at),
            by: record.submitted_by.clone(),
            answered: score.answered,
            overall: percent(score.overall),
            gaps: score.gaps.len(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ResultsPage {
            chrome: viewer.chrome("Self-assessment results", "/assessment"),
            links: area_links(&viewer),
            organisation: name,
            latest,
            overall,
            answered,
            not_applicable,
            tables,
            steps,
            more: history.submissions.len().saturating_sub(HISTORY_LIMIT),
            history: rows,
            done: query.submitted.is_some(),
        },
    ))
}

/// A theme's area-wide line.
pub struct AreaRow {
    /// The theme.
    pub theme: &'static str,
    /// Organisations assessed on it.
    pub organisations: usize,
    /// Their mean score, in words.
    pub mean: String,
    /// Organisations with a gap on it.
    pub with_gap: usize,
}

/// A sector's or district's line: its name, organisations assessed, and the mean score
/// on each Cyber Essentials control, in words.
pub struct GroupRow {
    /// The sector or district.
    pub name: String,
    /// Organisations assessed.
    pub organisations: usize,
    /// The five controls' mean scores.
    pub controls: Vec<String>,
}

fn area_row(summary: &ThemeSummary) -> AreaRow {
    AreaRow {
        theme: summary.theme.label(),
        organisations: summary.organisations,
        mean: percent(summary.mean_percent),
        with_gap: summary.organisations_with_gap,
    }
}

#[derive(Template)]
#[template(path = "readiness/templates/assessment_summary.html")]
struct SummaryPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    assessed: usize,
    bank_version: String,
    left_out: usize,
    tables: Vec<(&'static str, Vec<AreaRow>)>,
    controls: Vec<&'static str>,
    groups: Vec<(&'static str, &'static str, Vec<GroupRow>)>,
}

/// The area's picture: per framework, then by sector and by district on the five Cyber
/// Essentials controls.
pub async fn summary(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewReadiness)?;
    let picture = state.blocking(assessment::area).await?.map_err(refused)?;
    let summary = &picture.summary;
    let tables = FRAMEWORKS
        .into_iter()
        .map(|framework| {
            (
                framework,
                summary
                    .themes
                    .iter()
                    .filter(|t| t.theme.framework() == framework)
                    .map(area_row)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let group_rows = |groups: &[beacon_analytics::readiness::GroupSummary]| -> Vec<GroupRow> {
        groups
            .iter()
            .map(|group| GroupRow {
                name: group.name.clone(),
                organisations: group.organisations,
                controls: beacon_core::readiness::CeControl::ALL
                    .into_iter()
                    .map(|control| {
                        let theme = Theme::CyberEssentials(control);
                        percent(
                            group
                                .themes
                                .iter()
                                .find(|t| t.theme == theme)
                                .and_then(|t| t.mean_percent),
                        )
                    })
                    .collect(),
            })
            .collect()
    };
    Ok(render(
        StatusCode::OK,
        &SummaryPage {
            chrome: viewer.chrome("Self-assessment summary", "/assessment/summary"),
            links: area_links(&viewer),
            assessed: summary.organisations_assessed,
            bank_version: picture.bank_version.clone(),
            left_out: summary.answers_left_out,
            tables,
            controls: beacon_core::readiness::CeControl::ALL
                .into_iter()
                .map(|c| c.label())
                .collect(),
            groups: vec![
                ("By sector", "Sector", group_rows(&summary.by_sector)),
                ("By district", "District", group_rows(&summary.by_district)),
            ],
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn businesses_get_the_small_business_questions() {
        assert_eq!(
            audience(Role::BusinessUser, "health"),
            AssessmentAudience::SmallBusiness
        );
        assert_eq!(
            audience(Role::PartnerItManager, "Business"),
            AssessmentAudience::SmallBusiness
        );
        assert_eq!(
            audience(Role::PartnerItManager, "local-government"),
            AssessmentAudience::Partner
        );
    }

    #[test]
    fn questions_are_grouped_with_the_cyber_essentials_controls_first() {
        let groups = groups(AssessmentAudience::Partner, &BTreeMap::new(), &[]);
        let headings: Vec<&str> = groups.iter().take(5).map(|g| g.heading).collect();
        assert_eq!(
            headings,
            [
                "Firewalls",
                "Secure configuration",
                "Security update management",
                "User access control",
                "Malware protection"
            ]
        );
        let asked: usize = groups.iter().map(|g| g.questions.len()).sum();
        assert_eq!(
            asked,
            assessment::bank()
                .for_audience(AssessmentAudience::Partner)
                .len()
        );
    }
}
