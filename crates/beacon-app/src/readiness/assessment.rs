//! Self-assessment: a partner or small business answers the question bank; Beacon scores
//! it per theme, says what to do next for every gap, keeps every submission as history,
//! and sums the latest submissions into an area-wide picture by sector and district.

use super::{ReadinessError, ReadinessResult};
use beacon_analytics::readiness::assessment::{
    AreaSummary, AssessmentScore, OrgAnswers, area_summary, score,
};
use beacon_core::Districts;
use beacon_core::readiness::{Answer, QuestionBank};
use beacon_ingest::readiness::library;
use beacon_store::Store;
use beacon_store::readiness::{AssessmentRecord, NewAssessment};
use serde::Serialize;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// The question bank Beacon ships (read and checked once).
pub fn bank() -> &'static QuestionBank {
    static BANK: OnceLock<QuestionBank> = OnceLock::new();
    BANK.get_or_init(library::shipped_question_bank)
}

/// What submitting did: the submission's id and its score.
#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    /// The submission's id.
    pub id: i64,
    /// Its score, per theme, with what to do next.
    pub score: AssessmentScore,
}

/// Scores and stores one organisation's answers. Answers to questions the bank does not
/// have (or the same question twice) are refused, all listed, and nothing is stored.
pub fn submit(
    store: &mut dyn Store,
    organisation_id: i64,
    answers: &[(String, Answer)],
    by: &str,
    at: OffsetDateTime,
) -> ReadinessResult<Submitted> {
    let bank = bank();
    let scored = score(bank, answers).map_err(|error| {
        ReadinessError::Invalid(error.to_string().lines().map(str::to_owned).collect())
    })?;
    if answers.is_empty() {
        return Err(ReadinessError::invalid("answer at least one question"));
    }
    let id = store.submit_assessment(&NewAssessment {
        organisation_id,
        bank_version: bank.version.clone(),
        submitted_by: by.to_owned(),
        submitted_at: at,
        answers: answers.to_vec(),
    })?;
    Ok(Submitted { id, score: scored })
}

/// One organisation's assessments, newest first, each with its score.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// Submissions with their scores, newest first.
    pub submissions: Vec<(AssessmentRecord, AssessmentScore)>,
}

impl History {
    /// The newest submission, if any.
    pub fn latest(&self) -> Option<&(AssessmentRecord, AssessmentScore)> {
        self.submissions.first()
    }
}

/// An organisation's history of answers and scores.
pub fn history(store: &mut dyn Store, organisation_id: i64) -> ReadinessResult<History> {
    let bank = bank();
    let mut submissions = Vec::new();
    for record in store.assessments(Some(organisation_id), false)? {
        // A submission made against an older bank keeps the answers the bank still has.
        let answers: Vec<(String, Answer)> = record
            .answers
            .iter()
            .filter(|(id, _)| bank.question(id).is_some())
            .cloned()
            .collect();
        let scored =
            score(bank, &answers).map_err(|error| ReadinessError::invalid(error.to_string()))?;
        submissions.push((record, scored));
    }
    Ok(History { submissions })
}

/// The area-wide picture from each organisation's latest submission, with district names.
#[derive(Debug, Clone, Serialize)]
pub struct AreaPicture {
    /// Scores and gaps per theme, overall, by sector and by district.
    pub summary: AreaSummary,
    /// The bank version the questions come from.
    pub bank_version: String,
}

/// Sums every organisation's latest submission.
pub fn area(store: &mut dyn Store) -> ReadinessResult<AreaPicture> {
    let bank = bank();
    let districts = store.districts()?;
    let orgs: Vec<OrgAnswers> = store
        .assessments(None, true)?
        .iter()
        .map(|record| org_answers(record, &districts))
        .collect();
    Ok(AreaPicture {
        summary: area_summary(bank, &orgs),
        bank_version: bank.version.clone(),
    })
}

/// A stored submission as the area summary reads it: the district named, and only the
/// answers to questions the bank still has (a submission made against an older bank).
pub(crate) fn org_answers(record: &AssessmentRecord, districts: &Districts) -> OrgAnswers {
    let bank = bank();
    OrgAnswers {
        organisation_id: record.organisation_id,
        sector: record.sector.clone(),
        district: record.district.as_ref().map(|code| {
            districts
                .list
                .iter()
                .find(|district| district.code.as_str() == code)
                .map_or_else(|| code.clone(), |district| district.name.clone())
        }),
        answers: record
            .answers
            .iter()
            .filter(|(id, _)| bank.question(id).is_some())
            .cloned()
            .collect(),
    }
}
