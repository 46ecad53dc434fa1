//! Staff education: short modules with quizzes for partner staff, who join by an
//! invitation link their organisation's coordinator or IT manager shares (no account, no
//! partner-wide administration); each passed quiz earns a certificate with a code anyone
//! can check.
//!
//! **Invariant:** invitation and learner tokens are stored only as SHA-256 hashes; a
//! learner is known by the display name they chose and their organisation, nothing more.

use super::{ReadinessError, ReadinessResult};
use crate::credentials::{new_token, token_hash};
use beacon_analytics::readiness::education::{
    AttemptFact, Completion, QuizResult, completion, mark_quiz,
};
use beacon_core::readiness::LearningModule;
use beacon_ingest::readiness::library;
use beacon_store::Store;
use beacon_store::education::{
    AttemptRecord, InvitationRecord, LearnerRecord, NewAttempt, NewInvitation,
};
use serde::Serialize;
use std::sync::OnceLock;
use time::{Duration, OffsetDateTime};

/// The modules Beacon ships, in the order learners see them.
pub fn modules() -> &'static [LearningModule] {
    static MODULES: OnceLock<Vec<LearningModule>> = OnceLock::new();
    MODULES.get_or_init(library::shipped_modules)
}

/// One module by id.
pub fn module(id: &str) -> ReadinessResult<&'static LearningModule> {
    modules()
        .iter()
        .find(|module| module.id == id)
        .ok_or_else(|| ReadinessError::NotFound(format!("there is no module '{id}'")))
}

/// How long an invitation link works unless said otherwise.
pub const INVITATION_DAYS: i64 = 30;

/// A new invitation: the token is shown once, in the link, and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct NewInvitationLink {
    /// The invitation's id.
    pub id: i64,
    /// The path of the link (`/learn/join/<token>`), to put after the site's address.
    pub path: String,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Makes an invitation link for an organisation's staff.
pub fn invite(
    store: &mut dyn Store,
    organisation_id: i64,
    by: &str,
    now: OffsetDateTime,
    days: i64,
) -> ReadinessResult<NewInvitationLink> {
    if !(1..=365).contains(&days) {
        return Err(ReadinessError::invalid(
            "an invitation can last from 1 to 365 days",
        ));
    }
    let token = new_token();
    let expires_at = now + Duration::days(days);
    let id = store.create_invitation(&NewInvitation {
        organisation_id,
        token_hash: token_hash(&token),
        created_by: by.to_owned(),
        created_at: now,
        expires_at,
    })?;
    Ok(NewInvitationLink {
        id,
        path: format!("/learn/join/{token}"),
        expires_at,
    })
}

/// Invitations, newest first, with how many learners joined through each: one
/// organisation's when given (a partner's own), else every organisation's.
pub fn invitations(
    store: &mut dyn Store,
    organisation: Option<i64>,
) -> ReadinessResult<Vec<InvitationRecord>> {
    Ok(store.invitations(organisation)?)
}

/// Withdraws an invitation link so that nobody else can join through it (learners who
/// joined keep their modules and certificates). With `organisation`, only an invitation
/// of that organisation is revoked, so a partner can never withdraw another's. False when
/// there is no such invitation there or it was already revoked.
pub fn revoke_invitation(
    store: &mut dyn Store,
    id: i64,
    organisation: Option<i64>,
    now: OffsetDateTime,
) -> ReadinessResult<bool> {
    Ok(store.revoke_invitation(id, organisation, now)?)
}

/// The invitation behind a link, if it still works.
pub fn open_invitation(
    store: &mut dyn Store,
    token: &str,
    now: OffsetDateTime,
) -> ReadinessResult<InvitationRecord> {
    let refused = || {
        ReadinessError::NotFound(
            "this invitation link does not work: it may have expired or been withdrawn. Ask whoever sent it for a new one."
                .to_owned(),
        )
    };
    let invitation = store
        .invitation_by_token(&token_hash(token))?
        .ok_or_else(refused)?;
    if invitation.revoked_at.is_some() || invitation.expires_at <= now {
        return Err(refused());
    }
    Ok(invitation)
}

/// The longest display name a learner may give.
pub const MAX_NAME_CHARS: usize = 80;

/// A learner joins: returns the learner and their own token (for a cookie).
pub fn join(
    store: &mut dyn Store,
    token: &str,
    display_name: &str,
    now: OffsetDateTime,
) -> ReadinessResult<(LearnerRecord, String)> {
    let invitation = open_invitation(store, token, now)?;
    let name = display_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return Err(ReadinessError::invalid(
            "enter the name to put on your certificates",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ReadinessError::invalid(format!(
            "your name can be at most {MAX_NAME_CHARS} characters"
        )));
    }
    let learner_token = new_token();
    let learner = store.join_learner(invitation.id, &name, &token_hash(&learner_token), now)?;
    Ok((learner, learner_token))
}

/// The learner behind a learner token, if any.
pub fn learner(store: &mut dyn Store, token: &str) -> ReadinessResult<Option<LearnerRecord>> {
    Ok(store.learner_by_token(&token_hash(token))?)
}

/// One learner's quiz attempts, oldest first: what their own page shows of their
/// progress and certificates.
pub fn attempts_of(store: &mut dyn Store, learner_id: i64) -> ReadinessResult<Vec<AttemptRecord>> {
    Ok(store.attempts(None, Some(learner_id))?)
}

/// What taking a quiz did.
#[derive(Debug, Clone, Serialize)]
pub struct QuizOutcome {
    /// The marked answers.
    pub result: QuizResult,
    /// The attempt's id.
    pub attempt_id: i64,
    /// The certificate's code, when passed.
    pub certificate_code: Option<String>,
}

/// Marks and records a learner's quiz. Answers to questions the module does not have, or
/// unanswered questions, are refused and nothing is recorded.
pub fn take_quiz(
    store: &mut dyn Store,
    learner: &LearnerRecord,
    module_id: &str,
    answers: &[(String, usize)],
    now: OffsetDateTime,
) -> ReadinessResult<QuizOutcome> {
    let module = module(module_id)?;
    let result = mark_quiz(module, answers).map_err(|error| {
        ReadinessError::Invalid(error.to_string().lines().map(str::to_owned).collect())
    })?;
    let certificate_code = result.passed.then(certificate_code);
    let attempt_id = store.record_attempt(&NewAttempt {
        learner_id: learner.id,
        module_id: module.id.clone(),
        score: result.correct as u32,
        total: result.total as u32,
        passed: result.passed,
        answers: answers.to_vec(),
        at: now,
        certificate_code: certificate_code.clone(),
    })?;
    Ok(QuizOutcome {
        result,
        attempt_id,
        certificate_code,
    })
}

/// A certificate code: 12 characters from the token source, grouped for reading aloud.
fn certificate_code() -> String {
    let raw: String = new_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..12])
}

/// A certificate as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// The passing attempt.
    pub attempt: AttemptRecord,
    /// The module's title.
    pub module_title: String,
}

/// The certificate with this code, if there is one.
pub fn certificate(store: &mut dyn Store, code: &str) -> ReadinessResult<Option<Certificate>> {
    let code = code.trim().to_ascii_uppercase();
    let Some(attempt) = store.certificate(&code)? else {
        return Ok(None);
    };
    let module_title = module(&attempt.module_id)
        .map(|module| module.title.clone())
        .unwrap_or_else(|_| attempt.module_id.clone());
    Ok(Some(Certificate {
        attempt,
        module_title,
    }))
}

/// Completion and scores per organisation (one organisation's, or all) and area-wide.
pub fn progress(store: &mut dyn Store, organisation: Option<i64>) -> ReadinessResult<Completion> {
    let facts: Vec<AttemptFact> = store
        .attempts(organisation, None)?
        .iter()
        .map(attempt_fact)
        .collect();
    Ok(completion(modules(), &facts))
}

/// A stored attempt as the completion measures read it.
pub(crate) fn attempt_fact(attempt: &AttemptRecord) -> AttemptFact {
    AttemptFact {
        organisation_id: attempt.organisation_id,
        learner_id: attempt.learner_id,
        module_id: attempt.module_id.clone(),
        percent: (attempt.score * 100)
            .checked_div(attempt.total)
            .unwrap_or(0),
        passed: attempt.passed,
    }
}
