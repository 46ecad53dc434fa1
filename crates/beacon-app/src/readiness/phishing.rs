//! Consented phishing-awareness simulations for partner staff who opted in: simulated
//! emails through the outbox (marked in their headers for the partner's mail filters), a
//! landing page that teaches (never a form), reports to the report-phishing mailbox, and
//! click and report rates per organisation over time with link scanners filtered out.
//!
//! **Invariants:** nobody without recorded consent is sent a simulation; no credential is
//! ever collected; a fetch of a link is a click only when the scanner rules say a person
//! made it.

use super::{ReadinessError, ReadinessResult};
use crate::credentials::{new_token, token_hash};
use crate::notify::NotifySettings;
use beacon_analytics::readiness::phishing::{OrgRates, TargetFact, classify, rates};
use beacon_core::readiness::{ClickEvidence, ClickVerdict, SimulationTemplate};
use beacon_ingest::readiness::consent::parse_consent_csv;
use beacon_ingest::readiness::library;
use beacon_ingest::readiness::reported::tokens_in_report;
use beacon_notify::compose_simulation;
use beacon_store::education::{
    NewSimulation, NewSimulationEvent, NewSimulationRecipient, SimulationEventKind,
    SimulationTarget,
};
use beacon_store::{Channel, MessageContent, MessageDetail, MessageKind, NewMessage, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// The simulated emails Beacon ships.
pub fn templates() -> &'static [SimulationTemplate] {
    static TEMPLATES: OnceLock<Vec<SimulationTemplate>> = OnceLock::new();
    TEMPLATES.get_or_init(library::shipped_simulations)
}

/// One template by id.
pub fn template(id: &str) -> ReadinessResult<&'static SimulationTemplate> {
    templates().iter().find(|t| t.id == id).ok_or_else(|| {
        let known: Vec<&str> = templates().iter().map(|t| t.id.as_str()).collect();
        ReadinessError::NotFound(format!(
            "there is no simulation '{id}': use one of {}",
            known.join(", ")
        ))
    })
}

/// What importing a consent list did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsentImported {
    /// Rows read.
    pub read: usize,
    /// People newly recorded.
    pub added: u32,
    /// People whose consent was refreshed.
    pub refreshed: u32,
}

/// Imports a consent list (all or nothing: every problem by line, nothing stored).
pub fn import_consent(store: &mut dyn Store, bytes: &[u8]) -> ReadinessResult<ConsentImported> {
    let rows = parse_consent_csv(bytes).map_err(|problems| {
        ReadinessError::Invalid(problems.iter().map(ToString::to_string).collect())
    })?;
    let organisations: BTreeMap<String, i64> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.organisation.name.to_lowercase(), o.id))
        .collect();
    let mut by_organisation: BTreeMap<i64, Vec<NewSimulationRecipient>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        match organisations.get(&row.organisation.to_lowercase()) {
            Some(id) => by_organisation
                .entry(*id)
                .or_default()
                .push(NewSimulationRecipient {
                    email: row.email.clone(),
                    consented_at: row.consented_at,
                    consent_evidence: row.evidence.clone(),
                }),
            None => problems.push(format!(
                "line {}: column organisation: there is no organisation called '{}' in the register",
                index + 2,
                row.organisation
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ReadinessError::Invalid(problems));
    }
    let mut outcome = ConsentImported {
        read: rows.len(),
        ..ConsentImported::default()
    };
    for (organisation, recipients) in by_organisation {
        let added = store.add_simulation_recipients(organisation, &recipients)?;
        outcome.added += added;
        outcome.refreshed += recipients.len() as u32 - added;
    }
    Ok(outcome)
}

/// What launching a simulation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Launched {
    /// The simulation's id.
    pub id: i64,
    /// False when the same simulation had been launched already (nothing new queued).
    pub created: bool,
    /// Emails queued.
    pub queued: usize,
}

/// Queues a simulation to every consenting member of an organisation's staff, sent at
/// `send_at`. The same organisation, template and time again is the same simulation.
pub fn launch(
    store: &mut dyn Store,
    organisation_id: i64,
    template_id: &str,
    send_at: OffsetDateTime,
    by: &str,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> ReadinessResult<Launched> {
    let template = template(template_id)?;
    let Some(base) = settings.base_url.as_ref() else {
        return Err(ReadinessError::invalid(
            "set the site's address (notify.base_url) first: a simulation's link must lead to its learning page",
        ));
    };
    let recipients: Vec<_> = store
        .simulation_recipients(Some(organisation_id))?
        .into_iter()
        .filter(|r| r.withdrawn_at.is_none())
        .collect();
    if recipients.is_empty() {
        return Err(ReadinessError::invalid(
            "nobody at this organisation has consented to phishing-awareness simulations",
        ));
    }
    let key = format!(
        "{organisation_id}:{template_id}:{}",
        send_at.unix_timestamp()
    );
    let targets: Vec<(i64, String, NewMessage)> = recipients
        .iter()
        .map(|recipient| {
            let token = new_token();
            let link = format!("{}/learn/s/{token}", base.trim_end_matches('/'));
            let letter = compose_simulation(template, &link);
            (
                recipient.id,
                token_hash(&token),
                NewMessage {
                    kind: MessageKind::Simulation,
                    channel: Channel::Email,
                    organisation_id: Some(organisation_id),
                    recipient: recipient.email.clone(),
                    recipient_kind: "consented_staff".to_owned(),
                    content: MessageContent::Written {
                        subject: letter.subject,
                        text: letter.text,
                        html: letter.html,
                    },
                    tlp: letter.tlp,
                    dedupe_key: format!("simulation:{key}:{}", recipient.email.to_lowercase()),
                    ack_wanted: false,
                    detail: MessageDetail::None,
                    not_before: Some(send_at),
                },
            )
        })
        .collect();
    let (id, created) = store.create_simulation(
        &NewSimulation {
            key,
            organisation_id,
            template_id: template_id.to_owned(),
            send_at,
            created_by: by.to_owned(),
            created_at: now,
        },
        &targets,
        &settings.message_domain,
    )?;
    Ok(Launched {
        id,
        created,
        queued: if created { targets.len() } else { 0 },
    })
}

/// What the landing page needs after a fetch of a simulated link.
#[derive(Debug, Clone)]
pub struct Landing {
    /// The target whose link it was.
    pub target: SimulationTarget,
    /// The template, for its tells.
    pub template: &'static SimulationTemplate,
    /// Whether the fetch counted as a click.
    pub verdict: ClickVerdict,
}

/// Records a fetch of a simulated link, judged person or scanner. `None` for a token
/// that is not a simulation's.
pub fn record_fetch(
    store: &mut dyn Store,
    token: &str,
    method: &str,
    user_agent: Option<&str>,
    browser_headers: bool,
    now: OffsetDateTime,
) -> ReadinessResult<Option<Landing>> {
    let Some(target) = store.simulation_target(&token_hash(token))? else {
        return Ok(None);
    };
    let template = template(&target.template_id)?;
    let seconds_after_sent = target
        .sent_at
        .map_or(i64::MAX, |sent| (now - sent).whole_seconds());
    let evidence = ClickEvidence {
        method: method.to_owned(),
        user_agent: user_agent.map(str::to_owned),
        seconds_after_sent,
        browser_headers,
        burst: 0,
    };
    let verdict = classify(&evidence);
    store.record_simulation_event(&NewSimulationEvent {
        target_id: target.id,
        kind: SimulationEventKind::Fetch,
        at: now,
        verdict: Some(verdict.clone()),
        user_agent: user_agent.map(|ua| ua.chars().take(300).collect()),
    })?;
    Ok(Some(Landing {
        target,
        template,
        verdict,
    }))
}

/// What reading the report-phishing mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportsRead {
    /// Emails read.
    pub emails: usize,
    /// Reports of a simulation recorded.
    pub recorded: usize,
    /// Emails with no simulation link in them (real reports for the security team).
    pub not_simulations: usize,
}

/// Records the simulations found in reported emails (each a whole RFC 5322 message).
pub fn record_reports(
    store: &mut dyn Store,
    emails: &[Vec<u8>],
    now: OffsetDateTime,
) -> ReadinessResult<ReportsRead> {
    let mut read = ReportsRead::default();
    for raw in emails {
        read.emails += 1;
        let mut found = false;
        for token in tokens_in_report(raw) {
            if let Some(target) = store.simulation_target(&token_hash(&token))? {
                store.record_simulation_event(&NewSimulationEvent {
                    target_id: target.id,
                    kind: SimulationEventKind::Reported,
                    at: now,
                    verdict: None,
                    user_agent: None,
                })?;
                read.recorded += 1;
                found = true;
            }
        }
        if !found {
            read.not_simulations += 1;
        }
    }
    Ok(read)
}

/// Click and report rates per organisation and month (one organisation's, or all).
pub fn results(store: &mut dyn Store, organisation: Option<i64>) -> ReadinessResult<Vec<OrgRates>> {
    let facts: Vec<TargetFact> = store
        .simulation_results(organisation)?
        .into_iter()
        .map(|result| TargetFact {
            organisation_id: result.organisation_id,
            sent_at: result.sent_at,
            first_click_at: result.first_click_at,
            reported_at: result.reported_at,
        })
        .collect();
    Ok(rates(&facts))
}
