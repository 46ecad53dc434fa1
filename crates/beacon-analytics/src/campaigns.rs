//! The board update's protect figures: the campaigns launched in a period, how many people
//! each reached on its channel, how many followed the link and said they had acted on the
//! advice, and the measured effects of evaluated trials.
//!
//! **Invariant:** pure, like the rest of the crate: the caller reads each campaign's arm
//! counts from the store and passes them in ([`ArmCounts`]); nothing here reads a clock or
//! a store. A recipient is *reached* when the channel accepted their message and did not
//! bounce it (sent, delivered, or marked as spam or unsubscribed through it, since both
//! mean the message arrived); *not reached* when it bounced, failed or was suppressed at
//! send time (an address unsubscribed before its turn came); still *pending* while it
//! waits in the outbox. Clicks are people's clicks only: link-scanner fetches are never
//! counted. Rates are tenths of a percent rounded half up in integer arithmetic, so the
//! same counts always give the same figure.

use beacon_core::Channel;
use beacon_core::Period;
use beacon_core::protect::RecipientStatus;
use serde::Serialize;
use time::{Date, OffsetDateTime, UtcOffset};

/// One arm of a campaign as counted: the few counts the board update needs.
///
/// Why: the analytics crate knows nothing of the store; the caller copies these out of
/// the store's arm figures, and the effects and reach are computed from them alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArmCounts {
    /// The arm's name (`all` for a campaign that is not evaluated, `control` for a
    /// trial's control arm).
    pub arm: String,
    /// Recipients allocated to it.
    pub recipients: u64,
    /// Recipients held back (no message).
    pub held_back: u64,
    /// Recipients with a message, by its status.
    pub by_status: Vec<(RecipientStatus, u64)>,
    /// Recipients with at least one person's click (scanner fetches excluded).
    pub clicked: u64,
    /// Recipients who answered the survey that they had acted on the advice.
    pub acted: u64,
}

impl ArmCounts {
    /// Recipients sent a message (every recipient not held back).
    pub fn messaged(&self) -> u64 {
        self.recipients.saturating_sub(self.held_back)
    }

    /// Recipients whose message has this status.
    pub fn with_status(&self, status: RecipientStatus) -> u64 {
        self.by_status
            .iter()
            .filter(|(each, _)| *each == status)
            .map(|(_, count)| *count)
            .sum()
    }
}

/// Whether a message with this status reached its recipient (see the module's
/// documentation); `None` while it is still queued.
fn reached(status: RecipientStatus) -> Option<bool> {
    match status {
        RecipientStatus::Queued => None,
        RecipientStatus::Sent
        | RecipientStatus::Delivered
        | RecipientStatus::Complained
        | RecipientStatus::Unsubscribed => Some(true),
        RecipientStatus::Bounced | RecipientStatus::Suppressed | RecipientStatus::Failed => {
            Some(false)
        }
    }
}

/// One campaign as the store holds it, with its arms counted.
///
/// Why: [`campaign_lines`] picks the period's campaigns from these without knowing the
/// store's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFacts {
    /// The campaign's name.
    pub name: String,
    /// Its channel.
    pub channel: Channel,
    /// When it was launched (`None` for a draft, which is never counted).
    pub launched_at: Option<OffsetDateTime>,
    /// Whether it had finished by the end of the period.
    pub finished: bool,
    /// Whether it is an evaluated trial.
    pub evaluated: bool,
    /// Its arms, counted.
    pub arms: Vec<ArmCounts>,
}

/// One campaign's line in the board update.
///
/// Why: the board asks what was run and whom it reached; one line per campaign, summed
/// over its arms, answers that the same way in the table and in the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignLine {
    /// The campaign's name.
    pub name: String,
    /// Its channel.
    pub channel: Channel,
    /// The day (UTC) it was launched.
    pub launched_on: Date,
    /// Whether it had finished by the end of the period.
    pub finished: bool,
    /// Whether it is an evaluated trial.
    pub evaluated: bool,
    /// Recipients over every arm, held-back ones included.
    pub recipients: u64,
    /// Recipients with a message.
    pub messaged: u64,
    /// Messages the channel accepted and did not bounce.
    pub reached: u64,
    /// Messages bounced, failed or suppressed at send time.
    pub not_reached: u64,
    /// Messages still waiting in the outbox.
    pub pending: u64,
    /// People who followed the link (scanner fetches excluded).
    pub clicked: u64,
    /// People who said they had acted on the advice.
    pub acted: u64,
    /// People who unsubscribed through the message.
    pub unsubscribed: u64,
}

impl CampaignLine {
    /// A campaign's line from its arms.
    pub fn from_arms(
        name: &str,
        channel: Channel,
        launched_at: OffsetDateTime,
        finished: bool,
        evaluated: bool,
        arms: &[ArmCounts],
    ) -> CampaignLine {
        let mut line = CampaignLine {
            name: name.to_owned(),
            channel,
            launched_on: launched_at.to_offset(UtcOffset::UTC).date(),
            finished,
            evaluated,
            recipients: 0,
            messaged: 0,
            reached: 0,
            not_reached: 0,
            pending: 0,
            clicked: 0,
            acted: 0,
            unsubscribed: 0,
        };
        for arm in arms {
            line.recipients += arm.recipients;
            line.messaged += arm.messaged();
            line.clicked += arm.clicked;
            line.acted += arm.acted;
            line.unsubscribed += arm.with_status(RecipientStatus::Unsubscribed);
            for (status, count) in &arm.by_status {
                match reached(*status) {
                    Some(true) => line.reached += count,
                    Some(false) => line.not_reached += count,
                    None => line.pending += count,
                }
            }
        }
        line
    }

    /// People who followed the link, in tenths of a percent of those reached (half up):
    /// 145 means 14.5%. `None` when nobody was reached.
    pub fn click_tenths(&self) -> Option<u64> {
        tenths_of_percent(self.clicked, self.reached)
    }
}

/// `part` of `whole` in tenths of a percent, rounded half up; `None` when `whole` is 0.
pub fn tenths_of_percent(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let rounded = (2 * part * 1_000 + whole) / (2 * whole);
    Some(u64::try_from(rounded).unwrap_or(u64::MAX))
}

/// The lines of the campaigns launched within `period` (by their UTC launch day), in the
/// order they were launched (then by name). Drafts are left out.
pub fn campaign_lines(campaigns: &[CampaignFacts], period: Period) -> Vec<CampaignLine> {
    let mut lines: Vec<(OffsetDateTime, CampaignLine)> = campaigns
        .iter()
        .filter_map(|campaign| {
            let launched_at = campaign.launched_at?;
            let line = CampaignLine::from_arms(
                &campaign.name,
                campaign.channel,
                launched_at,
                campaign.finished,
                campaign.evaluated,
                &campaign.arms,
            );
            period
                .contains(line.launched_on)
                .then_some((launched_at, line))
        })
        .collect();
    lines.sort_by(|(a_at, a), (b_at, b)| a_at.cmp(b_at).then_with(|| a.name.cmp(&b.name)));
    lines.into_iter().map(|(_, line)| line).collect()
}

/// What an evaluated trial measured: one treatment arm against the control.
///
/// Why: the board wants to know whether the advice made a difference, in one sentence it
/// can read and a plain statement of whether the difference is more than chance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasuredEffect {
    /// The campaign's name.
    pub campaign: String,
    /// The outcome compared, in words ("said they had acted on the advice").
    pub outcome: String,
    /// The effect as a sentence: both arms' rates, the difference, its interval and the
    /// p-value.
    pub sentence: String,
    /// Whether the difference is statistically significant at the 5% level.
    pub significant: bool,
}

/// What the board update says about protect campaigns in a period.
///
/// Why: computed once, so the Markdown and the HTML sections say the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProtectFigures {
    /// The campaigns launched in the period, in launch order.
    pub campaigns: Vec<CampaignLine>,
    /// The measured effects of evaluated trials that finished or were launched in the
    /// period.
    pub effects: Vec<MeasuredEffect>,
}

impl ProtectFigures {
    /// Campaigns run (launched) in the period.
    pub fn campaigns_run(&self) -> usize {
        self.campaigns.len()
    }

    /// People reached over every campaign.
    pub fn reached(&self) -> u64 {
        self.campaigns.iter().map(|line| line.reached).sum()
    }

    /// People who followed a link over every campaign.
    pub fn clicked(&self) -> u64 {
        self.campaigns.iter().map(|line| line.clicked).sum()
    }

    /// People who said they had acted over every campaign.
    pub fn acted(&self) -> u64 {
        self.campaigns.iter().map(|line| line.acted).sum()
    }

    /// People who unsubscribed over every campaign.
    pub fn unsubscribed(&self) -> u64 {
        self.campaigns.iter().map(|line| line.unsubscribed).sum()
    }

    /// People who followed a link in tenths of a percent of the people reached (half
    /// up); `None` when nobody was reached.
    pub fn click_tenths(&self) -> Option<u64> {
        tenths_of_percent(self.clicked(), self.reached())
    }

    /// The channels the period's campaigns used, each once, in [`Channel::ALL`] order.
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL
            .into_iter()
            .filter(|channel| self.campaigns.iter().any(|line| line.channel == *channel))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn arm(
        name: &str,
        held_back: u64,
        statuses: &[(RecipientStatus, u64)],
        clicked: u64,
        acted: u64,
    ) -> ArmCounts {
        let messaged: u64 = statuses.iter().map(|(_, count)| count).sum();
        ArmCounts {
            arm: name.to_owned(),
            recipients: messaged + held_back,
            held_back,
            by_status: statuses.to_vec(),
            clicked,
            acted,
        }
    }

    fn period() -> Period {
        Period::new(date!(2025 - 01 - 01), date!(2025 - 03 - 31)).expect("a period")
    }

    fn facts(name: &str, launched_at: Option<OffsetDateTime>) -> CampaignFacts {
        CampaignFacts {
            name: name.to_owned(),
            channel: Channel::Email,
            launched_at,
            finished: false,
            evaluated: false,
            arms: vec![arm("all", 0, &[(RecipientStatus::Sent, 2)], 1, 0)],
        }
    }

    #[test]
    fn reach_counts_what_the_channel_accepted_and_kept() {
        use RecipientStatus::*;
        let arms = [
            arm(
                "control",
                0,
                &[(Sent, 10), (Delivered, 5), (Bounced, 2), (Queued, 1)],
                3,
                1,
            ),
            arm(
                "letter",
                0,
                &[
                    (Delivered, 20),
                    (Complained, 1),
                    (Unsubscribed, 2),
                    (Suppressed, 3),
                    (Failed, 4),
                ],
                9,
                4,
            ),
        ];
        let line = CampaignLine::from_arms(
            "Courier fraud trial",
            Channel::Email,
            datetime!(2025-03-03 23:30 -01:00),
            true,
            true,
            &arms,
        );
        // Launched at 00:30 UTC on the 4th.
        assert_eq!(line.launched_on, date!(2025 - 03 - 04));
        assert_eq!(line.recipients, 48);
        assert_eq!(line.messaged, 48);
        // Sent, delivered, complained and unsubscribed: 10 + 5 + 20 + 1 + 2.
        assert_eq!(line.reached, 38);
        // Bounced, suppressed, failed: 2 + 3 + 4.
        assert_eq!(line.not_reached, 9);
        assert_eq!(line.pending, 1);
        assert_eq!(
            line.reached + line.not_reached + line.pending,
            line.messaged
        );
        assert_eq!((line.clicked, line.acted, line.unsubscribed), (12, 5, 2));
        // 12 of 38 is 31.58%.
        assert_eq!(line.click_tenths(), Some(316));
    }

    #[test]
    fn held_back_recipients_count_but_are_not_messaged() {
        let arms = [
            arm("control", 40, &[], 0, 0),
            arm("letter", 0, &[(RecipientStatus::Delivered, 40)], 8, 3),
        ];
        let line = CampaignLine::from_arms(
            "Trial",
            Channel::Sms,
            datetime!(2025-02-01 09:00 UTC),
            false,
            true,
            &arms,
        );
        assert_eq!((line.recipients, line.messaged, line.reached), (80, 40, 40));
        assert_eq!(arms[0].messaged(), 0);
        assert_eq!(line.click_tenths(), Some(200));
    }

    #[test]
    fn only_campaigns_launched_in_the_period_count_in_launch_order() {
        let campaigns = [
            facts("Later", Some(datetime!(2025-03-31 23:59 UTC))),
            facts("Draft", None),
            facts("Before", Some(datetime!(2024-12-31 23:59 UTC))),
            facts("After", Some(datetime!(2025-04-01 00:00 UTC))),
            facts("First", Some(datetime!(2025-01-01 00:00 UTC))),
            facts("Also first", Some(datetime!(2025-01-01 00:00 UTC))),
        ];
        let names: Vec<String> = campaign_lines(&campaigns, period())
            .into_iter()
            .map(|line| line.name)
            .collect();
        assert_eq!(names, ["Also first", "First", "Later"]);
    }

    #[test]
    fn totals_over_the_period() {
        use RecipientStatus::*;
        let mut email = facts("Email", Some(datetime!(2025-01-10 09:00 UTC)));
        email.arms = vec![arm(
            "all",
            0,
            &[(Delivered, 3_000), (Bounced, 10)],
            400,
            150,
        )];
        let mut sms = facts("Text", Some(datetime!(2025-02-10 09:00 UTC)));
        sms.channel = Channel::Sms;
        sms.arms = vec![arm(
            "all",
            0,
            &[(Delivered, 1_200), (Unsubscribed, 10)],
            212,
            53,
        )];
        let mut social = facts("Post", Some(datetime!(2025-03-10 09:00 UTC)));
        social.channel = Channel::Social;
        social.arms = vec![arm("all", 0, &[(Queued, 1)], 0, 0)];
        let figures = ProtectFigures {
            campaigns: campaign_lines(&[social, sms, email], period()),
            effects: Vec::new(),
        };
        assert_eq!(figures.campaigns_run(), 3);
        assert_eq!(figures.reached(), 4_210);
        assert_eq!(figures.clicked(), 612);
        assert_eq!(figures.acted(), 203);
        assert_eq!(figures.unsubscribed(), 10);
        // 612 of 4,210 is 14.54%.
        assert_eq!(figures.click_tenths(), Some(145));
        assert_eq!(
            figures.channels(),
            [Channel::Email, Channel::Sms, Channel::Social]
        );
        assert_eq!(ProtectFigures::default().click_tenths(), None);
        assert!(ProtectFigures::default().channels().is_empty());
    }

    #[test]
    fn tenths_round_half_up() {
        assert_eq!(tenths_of_percent(1, 8), Some(125));
        assert_eq!(tenths_of_percent(1, 16), Some(63)); // 6.25
        assert_eq!(tenths_of_percent(2, 3), Some(667));
        assert_eq!(tenths_of_percent(0, 3), Some(0));
        assert_eq!(tenths_of_percent(3, 3), Some(1_000));
        assert_eq!(tenths_of_percent(3, 0), None);
    }
}
