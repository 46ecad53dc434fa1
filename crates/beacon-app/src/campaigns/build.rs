//! Building a campaign: the builder's choices checked together (every problem at once,
//! nothing stored unless all is right), then kept as a draft that can change until it is
//! launched or, for an evaluated trial, until its plan is locked.

use super::{CampaignError, CampaignResult, campaign_or_not_found};
use beacon_core::Channel;
use beacon_core::protect::{LawfulBasis, SegmentRule};
use beacon_store::{CampaignState, NewCampaign, Store};
use time::{Duration, OffsetDateTime};

/// The channels a campaign can go out on.
pub const CAMPAIGN_CHANNELS: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Social];

/// The longest campaign name.
pub const NAME_CHARS: usize = 120;

/// How far ahead a campaign may be scheduled: further than this is almost surely a typo
/// in the year.
pub const LONGEST_LEAD: Duration = Duration::days(366);

/// What the builder chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    /// Its name.
    pub name: String,
    /// The advice item it sends.
    pub advice_slug: String,
    /// The item the control arm gets instead (`None`: the control arm is held back).
    pub control_advice_slug: Option<String>,
    /// The channel.
    pub channel: Channel,
    /// The lawful basis for messaging the segment.
    pub basis: LawfulBasis,
    /// Who it goes to (ignored for social posts, which go to the partnership's accounts).
    pub segment: SegmentRule,
    /// Not sent before this moment.
    pub starts_at: OffsetDateTime,
    /// Whether it is an evaluated trial.
    pub evaluated: bool,
}

/// Every problem with a draft, in words for the builder; empty when it may be saved.
/// `advice_exists` says whether an item with a slug is in the library.
pub fn problems(
    draft: &CampaignDraft,
    now: OffsetDateTime,
    advice_exists: &mut dyn FnMut(&str) -> CampaignResult<bool>,
) -> CampaignResult<Vec<String>> {
    let mut problems = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        problems.push("Enter a name for the campaign".to_owned());
    } else if name.chars().count() > NAME_CHARS {
        problems.push(format!(
            "The campaign name must be {NAME_CHARS} characters or fewer"
        ));
    }
    if draft.advice_slug.trim().is_empty() {
        problems.push("Choose the advice the campaign sends".to_owned());
    } else if !advice_exists(draft.advice_slug.trim())? {
        problems.push(format!(
            "There is no advice item {:?} in the library",
            draft.advice_slug.trim()
        ));
    }
    if let Some(control) = &draft.control_advice_slug {
        if !draft.evaluated {
            problems.push(
                "Only an evaluated trial has a control arm: leave its advice empty".to_owned(),
            );
        } else if control.trim() == draft.advice_slug.trim() {
            problems.push(
                "The control arm's advice must differ from the campaign's, or be left empty to hold the control arm back"
                    .to_owned(),
            );
        } else if !advice_exists(control.trim())? {
            problems.push(format!(
                "There is no advice item {:?} in the library",
                control.trim()
            ));
        }
    }
    if !CAMPAIGN_CHANNELS.contains(&draft.channel) {
        problems.push(format!(
            "A campaign cannot go out by {}: choose email, text message or social post",
            draft.channel.as_str()
        ));
    }
    if draft.channel == Channel::Social && draft.evaluated {
        problems.push(
            "A social post reaches everyone who follows the account, so it cannot be randomised: \
             evaluate an area campaign from the report data instead"
                .to_owned(),
        );
    }
    if draft.starts_at > now + LONGEST_LEAD {
        problems.push("The start must be within a year from now".to_owned());
    }
    Ok(problems)
}

/// Checks a draft and stores it: a new campaign when `id` is `None`, else a change to
/// that draft. Returns the campaign's id.
///
/// # Errors
///
/// [`CampaignError::Invalid`] listing every problem; [`CampaignError::NotFound`] for an
/// unknown id; [`CampaignError::Invalid`] when the campaign is no longer a draft or its
/// plan is locked (the plan fixes what it tests).
pub fn save_draft(
    store: &mut dyn Store,
    id: Option<i64>,
    draft: &CampaignDraft,
    by: &str,
    now: OffsetDateTime,
) -> CampaignResult<i64> {
    let found = problems(draft, now, &mut |slug| advice_exists(store, slug))?;
    if !found.is_empty() {
        return Err(CampaignError::Invalid(found));
    }
    let campaign = NewCampaign {
        name: draft.name.trim().to_owned(),
        advice_slug: draft.advice_slug.trim().to_owned(),
        channel: draft.channel,
        basis: draft.basis,
        segment: draft.segment.clone(),
        starts_at: draft.starts_at,
        evaluated: draft.evaluated,
        control_advice_slug: draft
            .control_advice_slug
            .as_deref()
            .map(str::trim)
            .map(str::to_owned),
        created_by: by.to_owned(),
        created_at: now,
    };
    match id {
        None => Ok(store.create_campaign(&campaign)?),
        Some(id) => {
            let existing = campaign_or_not_found(store, id)?;
            if store.update_campaign(id, &campaign)? {
                Ok(id)
            } else if existing.state != CampaignState::Draft {
                Err(CampaignError::invalid(format!(
                    "Campaign {id} is {}: only a draft can change",
                    existing.state.as_str()
                )))
            } else {
                Err(CampaignError::invalid(format!(
                    "Campaign {id}'s evaluation plan is locked, so what it tests cannot change"
                )))
            }
        }
    }
}

/// Whether the library has an advice item with this slug.
fn advice_exists(store: &mut dyn Store, slug: &str) -> CampaignResult<bool> {
    Ok(store.advice(slug)?.is_some())
}
