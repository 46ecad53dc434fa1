//! Writing out a campaign message as it is sent: the advice item at the version pinned at
//! launch (the control arm's own item for its recipients), the recipient's own links, and
//! the one-click unsubscribe address, composed for the message's channel by
//! `beacon_notify::campaign`.
//!
//! Each campaign's advice is read and rendered from Markdown once per delivery run (a
//! [`CampaignCache`]), so 100,000 messages cost 100,000 cheap compositions, not 100,000
//! reads of the library.

use super::launch::{CONTROL_ARM, campaign_of_template};
use super::links::{click_path, open_path, survey_path, unsubscribe_path};
use beacon_core::Channel;
use beacon_core::protect::AdviceItem;
use beacon_notify::campaign::{
    CampaignAdvice, RecipientLinks, ReportLine, compose_email, compose_sms, compose_social,
};
use beacon_notify::markdown::{to_html, to_text};
use beacon_notify::{OutgoingMessage, SendError, SocialPost, Unsubscribe};
use beacon_store::{CampaignRecord, Message, Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// What one campaign arm's messages are made from, read once per delivery run.
#[derive(Debug, Clone)]
struct ArmAdvice {
    campaign: CampaignRecord,
    slug: String,
    advice: CampaignAdvice,
}

/// The campaigns' advice as read during one delivery run, by campaign and arm; a
/// campaign that cannot be read keeps its reason, so each of its messages is given up
/// with it.
#[derive(Debug, Default)]
pub struct CampaignCache {
    arms: HashMap<(i64, bool), Result<ArmAdvice, String>>,
}

/// An advice item as a campaign message shows it.
pub fn campaign_advice(item: &AdviceItem) -> CampaignAdvice {
    CampaignAdvice {
        title: item.title.clone(),
        summary: item.summary.clone(),
        body_html: to_html(&item.body_markdown),
        body_text: to_text(&item.body_markdown),
        short_form: item.short_form.clone(),
        report_to: item
            .report_to
            .iter()
            .map(|route| ReportLine {
                label: route.label().to_owned(),
                number: route.number().map(str::to_owned),
                url: route.url().map(str::to_owned),
            })
            .collect(),
    }
}

fn read_arm(
    store: &mut dyn Store,
    campaign_id: i64,
    control: bool,
) -> Result<Result<ArmAdvice, String>, StoreError> {
    let Some(campaign) = store.campaign(campaign_id)? else {
        return Ok(Err(format!("campaign {campaign_id} no longer exists")));
    };
    let (slug, version) = match (control, &campaign.control_advice_slug) {
        (true, Some(slug)) => (slug.clone(), campaign.control_advice_version),
        _ => (campaign.advice_slug.clone(), campaign.advice_version),
    };
    let Some(version) = version else {
        return Ok(Err(format!(
            "campaign {campaign_id} has no advice version pinned (it was never launched)"
        )));
    };
    let Some(stored) = store.advice_version(&slug, version)? else {
        return Ok(Err(format!(
            "advice item {slug:?} version {version} is not in the library"
        )));
    };
    Ok(Ok(ArmAdvice {
        advice: campaign_advice(&stored.item),
        campaign,
        slug,
    }))
}

/// Composes a campaign message (a `campaign:{id}` template) for its channel; `base_url`
/// is Beacon's public web address, which every link needs.
///
/// # Errors
///
/// The store's failure; a message that cannot be composed is `Ok(Err(..))`, permanent,
/// so the outbox gives it up with the reason.
pub fn compose(
    store: &mut dyn Store,
    cache: &mut CampaignCache,
    base_url: Option<&str>,
    message: &Message,
    name: &str,
    data: &BTreeMap<String, String>,
) -> Result<Result<OutgoingMessage, SendError>, StoreError> {
    let permanent = |why: String| Ok(Err(SendError::Permanent(why)));
    let Some(campaign_id) = campaign_of_template(name) else {
        return permanent(format!(
            "there is no message template named {name:?} in this Beacon"
        ));
    };
    let Some(base) = base_url.map(|base| base.trim_end_matches('/')) else {
        return permanent(
            "campaign messages need Beacon's web address for their links: set base_url in [notify]"
                .to_owned(),
        );
    };
    let Some(token) = data.get("token") else {
        return permanent("the campaign message has no link token".to_owned());
    };
    let control = data.get("arm").is_some_and(|arm| arm == CONTROL_ARM);
    let key = (campaign_id, control);
    let arm = match cache.arms.entry(key) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(entry) => {
            entry.insert(read_arm(store, campaign_id, control)?)
        }
    };
    let arm = match arm {
        Ok(arm) => arm,
        Err(why) => return permanent(why.clone()),
    };
    let links = RecipientLinks {
        click: format!("{base}{}", click_path(token)),
        survey: format!("{base}{}", survey_path(token)),
        unsubscribe: format!("{base}{}", unsubscribe_path(token)),
        open: format!("{base}{}", open_path(token)),
    };
    let mut outgoing = OutgoingMessage {
        to: message.recipient.clone(),
        subject: String::new(),
        text: String::new(),
        html: String::new(),
        message_id: message.message_id.clone(),
        tlp: message.tlp,
        marks: Vec::new(),
        unsubscribe: None,
        sms_template: None,
        social: None,
    };
    match message.channel {
        Channel::Email => {
            let email = compose_email(&arm.advice, &links);
            outgoing.subject = email.subject;
            outgoing.text = email.text;
            outgoing.html = email.html;
            outgoing.unsubscribe = Some(Unsubscribe {
                url: links.unsubscribe,
                mailto: None,
            });
        }
        Channel::Sms => {
            outgoing.text = compose_sms(&arm.advice, &links);
        }
        Channel::Social => {
            let public = format!("{base}/advice/{}", arm.slug);
            outgoing.text = compose_social(&arm.advice, &public);
            outgoing.social = Some(SocialPost {
                scheduled_at: arm.campaign.starts_at,
                link: Some(public),
                campaign_ref: format!("campaign:{campaign_id}"),
            });
        }
        other => {
            return permanent(format!("a campaign cannot be sent by {}", other.as_str()));
        }
    }
    Ok(Ok(outgoing))
}
