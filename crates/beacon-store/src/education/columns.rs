//! The stored form of learning and simulations, shared by both dialects: the statements
//! that are the same on both backends (written with `?N` placeholders; PostgreSQL's dialect
//! rewrites them with `neutral::dollar`), the mapping from result rows, and the checks a
//! simulation's targets pass before anything is written.
//!
//! **Invariant:** every statement that takes an organisation filter applies it in its
//! `WHERE` clause (the casts give PostgreSQL the parameter's type and change nothing in
//! SQLite).

use super::{
    AttemptRecord, InvitationRecord, LearnerRecord, NewSimulation, SimulationRecipientRecord,
    SimulationRecord, SimulationTarget, TargetResult, USER_AGENT_CHARS,
};
use crate::neutral::Columns;
use crate::outbox::{MessageKind, NewMessage};
use crate::{StoreError, StoreResult};
use beacon_core::readiness::ClickVerdict;
use std::collections::HashSet;

/// Whether an organisation exists (`?1` its id).
pub(super) const ORGANISATION_SQL: &str = "SELECT id FROM organisations WHERE id = ?1";

/// Adds an invitation (`?1` organisation, `?2` token hash, `?3` created by, `?4` created
/// at, `?5` expires at).
pub(super) const INSERT_INVITATION_SQL: &str = "INSERT INTO education_invitations
        (organisation_id, token_hash, created_by, created_at, expires_at)
     VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";

/// The columns [`invitation_from`] reads, in its order.
const INVITATION_COLUMNS: &str = "SELECT i.id, i.organisation_id, g.name, i.created_by,
        i.created_at, i.expires_at, i.revoked_at,
        (SELECT COUNT(*) FROM education_learners l WHERE l.invitation_id = i.id)
     FROM education_invitations i JOIN organisations g ON g.id = i.organisation_id";

/// Invitations, newest first, of one organisation (`?1`) when given.
pub(super) fn invitations_sql() -> String {
    format!(
        "{INVITATION_COLUMNS}
         WHERE CAST(?1 AS BIGINT) IS NULL OR i.organisation_id = ?1
         ORDER BY i.created_at DESC, i.id DESC"
    )
}

/// The invitation whose token hashes to `?1`.
pub(super) fn invitation_by_token_sql() -> String {
    format!("{INVITATION_COLUMNS} WHERE i.token_hash = ?1")
}

/// Revokes an invitation not yet revoked (`?1` id, `?2` organisation or NULL, `?3` when).
pub(super) const REVOKE_INVITATION_SQL: &str = "UPDATE education_invitations SET revoked_at = ?3
     WHERE id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR organisation_id = ?2)
       AND revoked_at IS NULL";

/// Adds a learner through an invitation that is still open at the moment they join (`?1`
/// invitation, `?2` display name, `?3` learner token hash, `?4` when); no row comes back
/// when the invitation is unknown, revoked or expired.
pub(super) const JOIN_LEARNER_SQL: &str = "INSERT INTO education_learners
        (invitation_id, organisation_id, display_name, token_hash, joined_at)
     SELECT i.id, i.organisation_id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), ?4
     FROM education_invitations i
     WHERE i.id = ?1 AND i.revoked_at IS NULL AND i.expires_at > ?4
     RETURNING id";

/// The columns [`learner_from`] reads, in its order.
const LEARNER_COLUMNS: &str = "SELECT l.id, l.organisation_id, g.name, l.display_name, l.joined_at
     FROM education_learners l JOIN organisations g ON g.id = l.organisation_id";

/// One learner by id (`?1`).
pub(super) fn learner_sql() -> String {
    format!("{LEARNER_COLUMNS} WHERE l.id = ?1")
}

/// The learner whose cookie token hashes to `?1`.
pub(super) fn learner_by_token_sql() -> String {
    format!("{LEARNER_COLUMNS} WHERE l.token_hash = ?1")
}

/// Whether a learner exists (`?1` its id).
pub(super) const LEARNER_EXISTS_SQL: &str = "SELECT id FROM education_learners WHERE id = ?1";

/// The attempt that already holds a certificate code (`?1`).
pub(super) const CERTIFICATE_TAKEN_SQL: &str =
    "SELECT id FROM education_attempts WHERE certificate_code = ?1";

/// Records an attempt (`?1` learner, `?2` module, `?3` score, `?4` total, `?5` passed,
/// `?6` answers as JSON, `?7` when, `?8` certificate code).
pub(super) const INSERT_ATTEMPT_SQL: &str = "INSERT INTO education_attempts
        (learner_id, module_id, score, total, passed, answers, attempted_at, certificate_code)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";

/// The columns [`attempt_from`] reads, in its order.
const ATTEMPT_COLUMNS: &str = "SELECT a.id, a.learner_id, l.display_name, l.organisation_id,
        g.name, a.module_id, a.score, a.total, a.passed, a.attempted_at, a.certificate_code
     FROM education_attempts a
     JOIN education_learners l ON l.id = a.learner_id
     JOIN organisations g ON g.id = l.organisation_id";

/// Attempts by time then id, of one organisation (`?1`) and one learner (`?2`) when given.
pub(super) fn attempts_sql() -> String {
    format!(
        "{ATTEMPT_COLUMNS}
         WHERE (CAST(?1 AS BIGINT) IS NULL OR l.organisation_id = ?1)
           AND (CAST(?2 AS BIGINT) IS NULL OR a.learner_id = ?2)
         ORDER BY a.attempted_at, a.id"
    )
}

/// The passed attempt holding a certificate code (`?1`).
pub(super) fn certificate_sql() -> String {
    format!("{ATTEMPT_COLUMNS} WHERE a.certificate_code = ?1 AND a.passed")
}

/// Adds a recipient unless the organisation has one at this address key (`?1`
/// organisation, `?2` address, `?3` its key, `?4` consented at, `?5` evidence); changes
/// no row when it has.
pub(super) const INSERT_RECIPIENT_SQL: &str = "INSERT INTO simulation_recipients
        (organisation_id, email, email_key, consented_at, consent_evidence)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (organisation_id, email_key) DO NOTHING";

/// Refreshes a recipient's consent and clears any withdrawal (`?1` organisation, `?2`
/// address as now written, `?3` its key, `?4` consented at, `?5` evidence).
pub(super) const REFRESH_RECIPIENT_SQL: &str = "UPDATE simulation_recipients
     SET email = ?2, consented_at = ?4, consent_evidence = ?5, withdrawn_at = NULL
     WHERE organisation_id = ?1 AND email_key = ?3";

/// Withdraws a consent that stands (`?1` organisation, `?2` address key, `?3` when).
pub(super) const WITHDRAW_SQL: &str = "UPDATE simulation_recipients SET withdrawn_at = ?3
     WHERE organisation_id = ?1 AND email_key = ?2 AND withdrawn_at IS NULL";

/// Gives up the simulated emails to a recipient (`?1` organisation, `?2` address key) that
/// no sender has taken yet, so a withdrawn consent is never mailed.
pub(super) const GIVE_UP_WITHDRAWN_SQL: &str = "UPDATE outbox_messages
     SET status = 'given_up', last_error = 'consent withdrawn', claimed_until = NULL
     WHERE status IN ('pending', 'retrying')
       AND id IN (SELECT t.message_id FROM simulation_targets t
                  JOIN simulation_recipients r ON r.id = t.recipient_id
                  WHERE r.organisation_id = ?1 AND r.email_key = ?2)";

/// Recipients by organisation name then address, of one organisation (`?1`) when given;
/// read by [`recipient_from`].
pub(super) const RECIPIENTS_SQL: &str = "SELECT r.id, r.organisation_id, r.email,
        r.consented_at, r.consent_evidence, r.withdrawn_at
     FROM simulation_recipients r JOIN organisations g ON g.id = r.organisation_id
     WHERE CAST(?1 AS BIGINT) IS NULL OR r.organisation_id = ?1
     ORDER BY g.name_key, r.email_key, r.id";

/// Adds a simulation unless its key is stored (`?1` key, `?2` organisation, `?3` template,
/// `?4` send at, `?5` created by, `?6` created at); no row comes back for a stored key.
pub(super) const INSERT_SIMULATION_SQL: &str = "INSERT INTO simulations
        (key, organisation_id, template_id, send_at, created_by, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (key) DO NOTHING RETURNING id";

/// The simulation stored under a key (`?1`).
pub(super) const SIMULATION_BY_KEY_SQL: &str = "SELECT id FROM simulations WHERE key = ?1";

/// The address key of a recipient (`?1`) of an organisation (`?2`) whose consent stands;
/// no row for anyone else.
pub(super) const CONSENTING_RECIPIENT_SQL: &str = "SELECT email_key FROM simulation_recipients
     WHERE id = ?1 AND organisation_id = ?2 AND withdrawn_at IS NULL";

/// The message already queued under a dedupe key (`?1`).
pub(super) const MESSAGE_QUEUED_SQL: &str = "SELECT id FROM outbox_messages WHERE dedupe_key = ?1";

/// Adds a target (`?1` simulation, `?2` recipient, `?3` token hash, `?4` outbox message).
pub(super) const INSERT_TARGET_SQL: &str = "INSERT INTO simulation_targets
        (simulation_id, recipient_id, token_hash, message_id)
     VALUES (?1, ?2, ?3, ?4)";

/// Simulations, newest first, of one organisation (`?1`) when given; read by
/// [`simulation_from`].
pub(super) const SIMULATIONS_SQL: &str = "SELECT s.id, s.key, s.organisation_id, g.name,
        s.template_id, s.send_at, s.created_by,
        (SELECT COUNT(*) FROM simulation_targets t WHERE t.simulation_id = s.id)
     FROM simulations s JOIN organisations g ON g.id = s.organisation_id
     WHERE CAST(?1 AS BIGINT) IS NULL OR s.organisation_id = ?1
     ORDER BY s.created_at DESC, s.id DESC";

/// The target whose link token hashes to `?1`; read by [`target_from`].
pub(super) const TARGET_BY_TOKEN_SQL: &str = "SELECT t.id, t.simulation_id, s.organisation_id,
        t.recipient_id, s.template_id, t.message_id, m.sent_at
     FROM simulation_targets t
     JOIN simulations s ON s.id = t.simulation_id
     LEFT JOIN outbox_messages m ON m.id = t.message_id
     WHERE t.token_hash = ?1";

/// Whether a target exists (`?1` its id).
pub(super) const TARGET_EXISTS_SQL: &str = "SELECT id FROM simulation_targets WHERE id = ?1";

/// Records an event (`?1` target, `?2` kind, `?3` when, `?4` verdict, `?5` reason, `?6`
/// user agent).
pub(super) const INSERT_EVENT_SQL: &str = "INSERT INTO simulation_events
        (target_id, kind, occurred_at, verdict, reason, user_agent)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Each target's result, of one organisation (`?1`) when given, by simulation (newest
/// first) then target: the first person's click, the scanners' fetches and the first
/// report, aggregated from its events; read by [`result_from`].
pub(super) const RESULTS_SQL: &str = "SELECT t.id, t.simulation_id, s.organisation_id, g.name,
        s.send_at, m.sent_at,
        MIN(CASE WHEN e.kind = 'fetch' AND e.verdict = 'person' THEN e.occurred_at END),
        COUNT(CASE WHEN e.kind = 'fetch' AND e.verdict = 'scanner' THEN 1 END),
        MIN(CASE WHEN e.kind = 'reported' THEN e.occurred_at END)
     FROM simulation_targets t
     JOIN simulations s ON s.id = t.simulation_id
     JOIN organisations g ON g.id = s.organisation_id
     LEFT JOIN outbox_messages m ON m.id = t.message_id
     LEFT JOIN simulation_events e ON e.target_id = t.id
     WHERE CAST(?1 AS BIGINT) IS NULL OR s.organisation_id = ?1
     GROUP BY t.id, t.simulation_id, s.organisation_id, g.name, s.send_at, m.sent_at,
        s.created_at
     ORDER BY s.created_at DESC, t.simulation_id DESC, t.id";

/// The key a recipient is known by within their organisation: one consent per address,
/// whatever its case.
pub(super) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A stored count as `u32` (counts past `u32::MAX` read as `u32::MAX`).
fn small(row: &impl Columns, index: usize) -> StoreResult<u32> {
    Ok(u32::try_from(row.count(index)?).unwrap_or(u32::MAX))
}

/// An invitation from a row of [`invitations_sql`] or [`invitation_by_token_sql`].
pub(super) fn invitation_from(row: &impl Columns) -> StoreResult<InvitationRecord> {
    Ok(InvitationRecord {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        organisation: row.get(2)?,
        created_by: row.get(3)?,
        created_at: row.moment(4)?,
        expires_at: row.moment(5)?,
        revoked_at: row.opt_moment(6)?,
        learners: small(row, 7)?,
    })
}

/// A learner from a row of [`learner_sql`] or [`learner_by_token_sql`].
pub(super) fn learner_from(row: &impl Columns) -> StoreResult<LearnerRecord> {
    Ok(LearnerRecord {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        organisation: row.get(2)?,
        display_name: row.get(3)?,
        joined_at: row.moment(4)?,
    })
}

/// An attempt from a row of [`attempts_sql`] or [`certificate_sql`].
pub(super) fn attempt_from(row: &impl Columns) -> StoreResult<AttemptRecord> {
    Ok(AttemptRecord {
        id: row.get(0)?,
        learner_id: row.get(1)?,
        learner: row.get(2)?,
        organisation_id: row.get(3)?,
        organisation: row.get(4)?,
        module_id: row.get(5)?,
        score: small(row, 6)?,
        total: small(row, 7)?,
        passed: row.get(8)?,
        at: row.moment(9)?,
        certificate_code: row.get(10)?,
    })
}

/// A recipient from a row of [`RECIPIENTS_SQL`].
pub(super) fn recipient_from(row: &impl Columns) -> StoreResult<SimulationRecipientRecord> {
    Ok(SimulationRecipientRecord {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        email: row.get(2)?,
        consented_at: row.moment(3)?,
        consent_evidence: row.get(4)?,
        withdrawn_at: row.opt_moment(5)?,
    })
}

/// A simulation from a row of [`SIMULATIONS_SQL`].
pub(super) fn simulation_from(row: &impl Columns) -> StoreResult<SimulationRecord> {
    Ok(SimulationRecord {
        id: row.get(0)?,
        key: row.get(1)?,
        organisation_id: row.get(2)?,
        organisation: row.get(3)?,
        template_id: row.get(4)?,
        send_at: row.moment(5)?,
        created_by: row.get(6)?,
        targets: small(row, 7)?,
    })
}

/// A target from a row of [`TARGET_BY_TOKEN_SQL`].
pub(super) fn target_from(row: &impl Columns) -> StoreResult<SimulationTarget> {
    Ok(SimulationTarget {
        id: row.get(0)?,
        simulation_id: row.get(1)?,
        organisation_id: row.get(2)?,
        recipient_id: row.get(3)?,
        template_id: row.get(4)?,
        message_id: row.get(5)?,
        sent_at: row.opt_moment(6)?,
    })
}

/// A target's result from a row of [`RESULTS_SQL`].
pub(super) fn result_from(row: &impl Columns) -> StoreResult<TargetResult> {
    Ok(TargetResult {
        target_id: row.get(0)?,
        simulation_id: row.get(1)?,
        organisation_id: row.get(2)?,
        organisation: row.get(3)?,
        send_at: row.moment(4)?,
        sent_at: row.opt_moment(5)?,
        first_click_at: row.opt_moment(6)?,
        scanner_fetches: small(row, 7)?,
        reported_at: row.opt_moment(8)?,
    })
}

/// Attempt answers as stored (a JSON array of `[question id, option index]`).
pub(super) fn answers_text(answers: &[(String, usize)]) -> StoreResult<String> {
    serde_json::to_string(answers)
        .map_err(|error| StoreError::Corrupt(format!("attempt answers: {error}")))
}

/// A verdict's stored columns: `person` or `scanner`, and a scanner's reason.
pub(super) fn verdict_columns(
    verdict: Option<&ClickVerdict>,
) -> (Option<&'static str>, Option<&str>) {
    match verdict {
        None => (None, None),
        Some(ClickVerdict::Person) => (Some("person"), None),
        Some(ClickVerdict::Scanner(reason)) => (Some("scanner"), Some(reason.as_str())),
    }
}

/// A fetch's `User-Agent` as kept: its first [`USER_AGENT_CHARS`] characters.
pub(super) fn kept_user_agent(user_agent: Option<&str>) -> Option<String> {
    user_agent.map(|text| text.chars().take(USER_AGENT_CHARS).collect())
}

/// What can be told about a simulation's targets before reading anything: each message is
/// a simulation of the simulation's organisation, and no two targets share a dedupe key.
pub(super) fn check_targets(
    simulation: &NewSimulation,
    targets: &[(i64, String, NewMessage)],
) -> StoreResult<()> {
    let mut keys = HashSet::new();
    for (_, _, message) in targets {
        if message.kind != MessageKind::Simulation {
            return Err(StoreError::Corrupt(format!(
                "simulation {}: its message to {} is a {} message, not a simulation",
                simulation.key,
                message.recipient,
                message.kind.as_str()
            )));
        }
        if message.organisation_id != Some(simulation.organisation_id) {
            return Err(StoreError::Corrupt(format!(
                "simulation {}: its message to {} does not name organisation {}",
                simulation.key, message.recipient, simulation.organisation_id
            )));
        }
        if !keys.insert(message.dedupe_key.as_str()) {
            return Err(queued(&message.dedupe_key));
        }
    }
    Ok(())
}

/// Checks a target's recipient against the address key stored for them (`None` when they
/// are not a consenting recipient of the simulation's organisation): the message must go
/// to that very address.
pub(super) fn check_recipient(
    recipient_id: i64,
    stored_key: Option<String>,
    message: &NewMessage,
) -> StoreResult<()> {
    match stored_key {
        Some(key) if key == email_key(&message.recipient) => Ok(()),
        _ => Err(StoreError::NotFound {
            what: "consenting simulation recipient",
            id: recipient_id,
        }),
    }
}

/// [`StoreError::Duplicate`] for a message dedupe key already queued.
pub(super) fn queued(dedupe_key: &str) -> StoreError {
    StoreError::Duplicate {
        what: "outbox message",
        name: dedupe_key.to_owned(),
    }
}

/// [`StoreError::NotFound`] for an id that names nothing of this kind.
pub(super) fn not_found(what: &'static str, id: i64) -> StoreError {
    StoreError::NotFound { what, id }
}

/// [`StoreError::Duplicate`] for a certificate code already issued.
pub(super) fn certificate_taken(code: &str) -> StoreError {
    StoreError::Duplicate {
        what: "issued certificate",
        name: code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_cut_by_characters_not_bytes() {
        let long = "é".repeat(USER_AGENT_CHARS + 5);
        let kept = kept_user_agent(Some(&long)).expect("kept");
        assert_eq!(kept.chars().count(), USER_AGENT_CHARS);
        assert_eq!(kept_user_agent(Some("curl/8")).as_deref(), Some("curl/8"));
        assert_eq!(kept_user_agent(None), None);
    }

    #[test]
    fn verdicts_are_stored_as_a_word_and_a_reason() {
        assert_eq!(
            verdict_columns(Some(&ClickVerdict::Person)),
            (Some("person"), None)
        );
        let scanner = ClickVerdict::Scanner("HEAD request".to_owned());
        assert_eq!(
            verdict_columns(Some(&scanner)),
            (Some("scanner"), Some("HEAD request"))
        );
        assert_eq!(email_key("  Ann@Council.Example "), "ann@council.example");
    }
}
