//! What a recipient does with a campaign message: follows its tracked link (each fetch
//! judged a person's click or a link scanner's, so scanners never count), opens it (as far
//! as an image can tell: unreliable, and never an outcome), and answers its one-question
//! survey. Every link carries the recipient's own token; only its hash is stored.

use super::{CampaignError, CampaignResult};
use crate::credentials::token_hash;
use beacon_analytics::readiness::phishing::classify;
use beacon_core::readiness::{ClickEvidence, ClickVerdict};
use beacon_store::contacts::SuppressionReason;
use beacon_store::{
    CampaignEventKind, CampaignRecipientRecord, CampaignState, NewCampaignEvent, Store,
};
use serde::Serialize;
use time::OffsetDateTime;

/// Random bytes in a recipient's link token: 128 bits, written as 32 hex characters so a
/// text message's link stays short.
pub const CAMPAIGN_TOKEN_BYTES: usize = 16;

/// The longest token a link may carry; anything longer is not Beacon's.
pub const MAX_TOKEN_CHARS: usize = 128;

/// The path of a recipient's tracked link (it leads to the advice page).
pub fn click_path(token: &str) -> String {
    format!("/p/{token}")
}

/// The path of a recipient's one-question survey.
pub fn survey_path(token: &str) -> String {
    format!("/p/{token}/survey")
}

/// The path of a recipient's unsubscribe page (GET shows it; POST is RFC 8058's
/// one-click unsubscribe).
pub fn unsubscribe_path(token: &str) -> String {
    format!("/p/{token}/unsubscribe")
}

/// The path of a recipient's open-tracking image.
pub fn open_path(token: &str) -> String {
    format!("/p/{token}/o.gif")
}

/// The answers the survey offers to "Have you done what the message suggested?".
pub const SURVEY_ANSWERS: [(&str, &str); 3] = [
    ("yes", "Yes, I have"),
    ("not_yet", "Not yet, but I plan to"),
    ("no", "No"),
];

/// The recipient a link's token belongs to, if it is one of Beacon's.
pub fn recipient(
    store: &mut dyn Store,
    token: &str,
) -> CampaignResult<Option<CampaignRecipientRecord>> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Ok(None);
    }
    Ok(store.campaign_recipient_by_token(&token_hash(token))?)
}

/// A fetch of a tracked link as the web saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    /// The HTTP method.
    pub method: String,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Whether the request had a browser's `Accept` and `Accept-Language`.
    pub browser_headers: bool,
}

/// Where a tracked link leads, and how the fetch was judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Followed {
    /// The recipient.
    pub recipient: CampaignRecipientRecord,
    /// The advice item the link leads to.
    pub advice_slug: String,
    /// Whether it counted as a person's click.
    pub verdict: ClickVerdict,
}

/// Records a fetch of a tracked link, judged a person's click or a scanner's; `None` for
/// a token that is not a recipient's. Fetches after the campaign finished still lead to
/// the advice but are not counted.
pub fn record_click(
    store: &mut dyn Store,
    token: &str,
    fetch: &Fetch,
    now: OffsetDateTime,
) -> CampaignResult<Option<Followed>> {
    let Some(recipient) = recipient(store, token)? else {
        return Ok(None);
    };
    let seconds_after_sent = recipient
        .sent_at
        .map_or(i64::MAX, |sent| (now - sent).whole_seconds());
    let verdict = classify(&ClickEvidence {
        method: fetch.method.clone(),
        user_agent: fetch.user_agent.clone(),
        seconds_after_sent,
        browser_headers: fetch.browser_headers,
        burst: 0,
    });
    if recipient.campaign_state == CampaignState::Launched {
        let (kind, detail) = match &verdict {
            ClickVerdict::Person => (CampaignEventKind::Click, None),
            ClickVerdict::Scanner(reason) => {
                (CampaignEventKind::ScannerClick, Some(reason.clone()))
            }
        };
        store.record_campaign_event(&NewCampaignEvent {
            recipient_id: recipient.id,
            kind,
            at: now,
            detail,
        })?;
    }
    Ok(Some(Followed {
        advice_slug: recipient.advice_slug.clone(),
        recipient,
        verdict,
    }))
}

/// Records that a recipient's email was seen opened (the tracking image was fetched).
/// Unreliable by nature: blocked images hide opens and privacy proxies fake them. False
/// for a token that is not a recipient's.
pub fn record_open(
    store: &mut dyn Store,
    token: &str,
    now: OffsetDateTime,
) -> CampaignResult<bool> {
    let Some(recipient) = recipient(store, token)? else {
        return Ok(false);
    };
    if recipient.campaign_state == CampaignState::Launched {
        store.record_campaign_event(&NewCampaignEvent {
            recipient_id: recipient.id,
            kind: CampaignEventKind::Open,
            at: now,
            detail: None,
        })?;
    }
    Ok(true)
}

/// What answering the survey did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyOutcome {
    /// The answer was recorded.
    Recorded,
    /// The recipient had answered already: the first answer stands.
    AlreadyAnswered,
    /// The campaign is finished: answers are no longer counted.
    Closed,
}

/// Records a recipient's answer to the survey (one of [`SURVEY_ANSWERS`]). `None` for a
/// token that is not a recipient's.
pub fn record_survey(
    store: &mut dyn Store,
    token: &str,
    answer: &str,
    now: OffsetDateTime,
) -> CampaignResult<Option<SurveyOutcome>> {
    let Some(recipient) = recipient(store, token)? else {
        return Ok(None);
    };
    if !SURVEY_ANSWERS.iter().any(|(value, _)| *value == answer) {
        return Err(CampaignError::invalid(
            "Select whether you have done what the message suggested",
        ));
    }
    if recipient.campaign_state != CampaignState::Launched {
        return Ok(Some(SurveyOutcome::Closed));
    }
    let recorded = store.record_campaign_event(&NewCampaignEvent {
        recipient_id: recipient.id,
        kind: CampaignEventKind::Survey,
        at: now,
        detail: Some(answer.to_owned()),
    })?;
    Ok(Some(if recorded {
        SurveyOutcome::Recorded
    } else {
        SurveyOutcome::AlreadyAnswered
    }))
}

/// What unsubscribing through a link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsubscribeOutcome {
    /// The address is now on the suppression list and its consent withdrawn.
    Unsubscribed,
    /// It was already: nothing changed.
    AlreadyUnsubscribed,
}

/// Unsubscribes the recipient a link's token belongs to: their address on the campaign's
/// channel goes on the suppression list (checked before every send, so messages already
/// queued are not sent either), their consent on that channel is withdrawn, and the
/// recipient counts as unsubscribed. Works after the campaign finished too: an
/// unsubscribe is always honoured. `None` for a token that is not a recipient's.
pub fn unsubscribe(
    store: &mut dyn Store,
    token: &str,
    now: OffsetDateTime,
) -> CampaignResult<Option<UnsubscribeOutcome>> {
    let Some(recipient) = recipient(store, token)? else {
        return Ok(None);
    };
    let mut changed = false;
    if let Some(contact_id) = recipient.contact_id {
        match store.suppress_contact(
            contact_id,
            recipient.channel,
            SuppressionReason::Unsubscribe,
            &format!("campaign:{} link", recipient.campaign_id),
            now,
        ) {
            Ok(suppressed) => changed |= suppressed,
            // The contact was purged or erased since: nothing is held to suppress.
            Err(beacon_store::StoreError::NotFound { .. }) => {}
            Err(error) => return Err(error.into()),
        }
        match store.withdraw_consent(contact_id, recipient.channel, now) {
            Ok(withdrawn) => changed |= withdrawn > 0,
            Err(beacon_store::StoreError::NotFound { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    }
    if !recipient.unsubscribed {
        store.record_campaign_event(&NewCampaignEvent {
            recipient_id: recipient.id,
            kind: CampaignEventKind::Unsubscribed,
            at: now,
            detail: None,
        })?;
        changed = true;
    }
    Ok(Some(if changed {
        UnsubscribeOutcome::Unsubscribed
    } else {
        UnsubscribeOutcome::AlreadyUnsubscribed
    }))
}
