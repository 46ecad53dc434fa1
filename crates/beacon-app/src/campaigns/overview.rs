//! What a campaign's pages and `beacon campaigns show` say about it: its choices in
//! words, and what happened to its messages arm by arm.

use super::{CampaignResult, campaign_or_not_found};
use beacon_core::Channel;
use beacon_core::protect::{RecipientStatus, SegmentRule};
use beacon_store::{ArmFigures, CampaignRecord, Store};
use serde::Serialize;

/// A channel as the builder and the pages name it.
pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "Email",
        Channel::Sms => "Text message",
        Channel::Social => "Social post",
        _ => "Other",
    }
}

/// A segment rule in words: "Residents aged 70-79 or 80+ in E07000133", or "Everyone
/// on the contact list".
pub fn describe_segment(rule: &SegmentRule) -> String {
    if rule.is_everyone() {
        return "Everyone on the contact list".to_owned();
    }
    let mut parts = Vec::new();
    if rule.kinds.is_empty() {
        parts.push("Contacts".to_owned());
    } else {
        let kinds: Vec<&str> = rule
            .kinds
            .iter()
            .map(|kind| kind_plural(kind.as_str()))
            .collect();
        parts.push(or_list(&kinds));
    }
    match rule.sole_trader {
        Some(true) => parts.push("who are sole traders".to_owned()),
        Some(false) => parts.push("who are not sole traders".to_owned()),
        None => {}
    }
    if !rule.age_bands.is_empty() {
        let bands: Vec<&str> = rule.age_bands.iter().map(|band| band.as_str()).collect();
        parts.push(format!("aged {}", or_list(&bands)));
    }
    if !rule.sectors.is_empty() {
        let sectors: Vec<&str> = rule.sectors.iter().map(String::as_str).collect();
        parts.push(format!("in {}", or_list(&sectors)));
    }
    if !rule.sizes.is_empty() {
        let sizes: Vec<&str> = rule.sizes.iter().map(|size| size.as_str()).collect();
        parts.push(format!("of size {}", or_list(&sizes)));
    }
    if !rule.districts.is_empty() {
        let districts: Vec<&str> = rule.districts.iter().map(|code| code.as_str()).collect();
        parts.push(format!("living or trading in {}", or_list(&districts)));
    }
    parts.join(" ")
}

fn kind_plural(kind: &str) -> &'static str {
    match kind {
        "resident" => "Residents",
        "business" => "Businesses",
        "staff" => "Partner staff",
        _ => "Contacts",
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// One arm's figures as the pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArmLine {
    /// The arm.
    pub arm: String,
    /// Recipients allocated.
    pub recipients: u64,
    /// Held back (no message).
    pub held_back: u64,
    /// Waiting in the outbox.
    pub queued: u64,
    /// Accepted by the channel (sent or delivered).
    pub reached: u64,
    /// Confirmed delivered by the channel.
    pub delivered: u64,
    /// Bounced, failed or suppressed: never reached.
    pub not_reached: u64,
    /// Unsubscribed or complained.
    pub opted_out: u64,
    /// People who followed the link (link scanners left out).
    pub clicked: u64,
    /// Link-scanner fetches left out of `clicked`.
    pub scanner_clicks: u64,
    /// Seen opened (unreliable).
    pub opened: u64,
    /// Answered the survey.
    pub surveyed: u64,
    /// Said they acted.
    pub acted: u64,
}

impl ArmLine {
    /// The line for one arm's stored figures.
    pub fn of(figures: &ArmFigures) -> ArmLine {
        let status = |s: RecipientStatus| figures.with_status(s);
        ArmLine {
            arm: figures.arm.clone(),
            recipients: figures.recipients,
            held_back: figures.held_back,
            queued: status(RecipientStatus::Queued),
            reached: status(RecipientStatus::Sent)
                + status(RecipientStatus::Delivered)
                + status(RecipientStatus::Unsubscribed)
                + status(RecipientStatus::Complained),
            delivered: status(RecipientStatus::Delivered),
            not_reached: status(RecipientStatus::Bounced)
                + status(RecipientStatus::Failed)
                + status(RecipientStatus::Suppressed),
            opted_out: status(RecipientStatus::Unsubscribed) + status(RecipientStatus::Complained),
            clicked: figures.clicked,
            scanner_clicks: figures.scanner_clicks,
            opened: figures.opened,
            surveyed: figures.surveyed,
            acted: figures.acted,
        }
    }
}

/// A campaign with its figures.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignOverview {
    /// The campaign as stored.
    pub campaign: CampaignRecord,
    /// Its segment in words.
    pub segment: String,
    /// Its arms' figures, by arm name.
    pub arms: Vec<ArmLine>,
}

/// One campaign with its figures.
///
/// # Errors
///
/// [`super::CampaignError::NotFound`] for an unknown campaign.
pub fn overview(store: &mut dyn Store, id: i64) -> CampaignResult<CampaignOverview> {
    let campaign = campaign_or_not_found(store, id)?;
    let arms = store
        .campaign_arm_figures(id)?
        .iter()
        .map(ArmLine::of)
        .collect();
    Ok(CampaignOverview {
        segment: describe_segment(&campaign.segment),
        campaign,
        arms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::AgeBand;
    use beacon_core::protect::ContactKind;

    #[test]
    fn a_segment_reads_as_a_phrase() {
        assert_eq!(
            describe_segment(&SegmentRule::default()),
            "Everyone on the contact list"
        );
        let older = SegmentRule {
            kinds: [ContactKind::Resident].into(),
            age_bands: [AgeBand::Seventies, AgeBand::EightyPlus].into(),
            districts: ["E07000133".parse().expect("code")].into(),
            ..SegmentRule::default()
        };
        assert_eq!(
            describe_segment(&older),
            "Residents aged 70-79 or 80+ living or trading in E07000133"
        );
        let traders = SegmentRule {
            kinds: [ContactKind::Business].into(),
            sole_trader: Some(true),
            sectors: ["retail".to_owned(), "hospitality".to_owned()].into(),
            ..SegmentRule::default()
        };
        assert_eq!(
            describe_segment(&traders),
            "Businesses who are sole traders in hospitality or retail"
        );
    }
}
