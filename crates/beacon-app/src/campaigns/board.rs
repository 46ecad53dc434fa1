//! The board update's protect figures for a period: the campaigns launched in it, each
//! one's reach, clicks and actions counted from the store's arm figures, and the measured
//! effect of every evaluated trial that finished or was launched in the period.
//!
//! A trial's effect is its evaluation report's on the locked plan's primary outcome
//! (`campaigns::evaluation`). A trial without a readable locked plan falls back to
//! comparing each treatment arm with the arm named `control` on the recipients who said
//! they had acted on the advice, out of those sent a message, with
//! [`beacon_evaluation::compare()`] at the 5% level ([`effect_of`]); a held-back control
//! arm (sent nothing) has no such comparison and is left out.
//! Counts are as they stand when the board update is written.

use beacon_analytics::campaigns::{
    ArmCounts, CampaignFacts, MeasuredEffect, ProtectFigures, campaign_lines,
};
use beacon_core::Period;
use beacon_evaluation::{Arm, Comparison, DEFAULT_ALPHA, compare};
use beacon_store::campaigns::ArmFigures;
use beacon_store::{Store, StoreResult};
use time::{OffsetDateTime, Time};

/// The arm every treatment arm is compared with.
pub const CONTROL_ARM: &str = "control";

/// The outcome [`effect_of`] compares, in words.
const ACTED: &str = "said they had acted on the advice";

/// The protect figures for `period`; `None` when the store holds no campaigns at all (the
/// section is left out, so boards of partnerships that run no campaigns are unchanged).
///
/// # Errors
/// When the store fails.
pub fn protect_figures(
    store: &mut dyn Store,
    period: Period,
) -> StoreResult<Option<ProtectFigures>> {
    let campaigns = store.campaigns()?;
    if campaigns.is_empty() {
        return Ok(None);
    }
    let end = period
        .to
        .next_day()
        .map_or_else(|| period.to.with_time(Time::MAX), |day| day.midnight())
        .assume_utc();
    let in_period = |moment: Option<OffsetDateTime>| {
        moment.is_some_and(|at| period.contains(at.to_offset(time::UtcOffset::UTC).date()))
    };
    let mut facts = Vec::new();
    let mut trials: Vec<(OffsetDateTime, Vec<MeasuredEffect>)> = Vec::new();
    for campaign in campaigns {
        let Some(launched_at) = campaign.launched_at else {
            continue;
        };
        let launched_in = in_period(campaign.launched_at);
        let finished_in = in_period(campaign.finished_at);
        let measured = campaign.evaluated && (launched_in || finished_in);
        if !launched_in && !measured {
            continue;
        }
        let finished = campaign.finished_at.is_some_and(|at| at < end);
        let arms: Vec<ArmCounts> = store
            .campaign_arm_figures(campaign.id)?
            .iter()
            .map(arm_counts)
            .collect();
        if measured {
            let mut effects = match planned_effect(store, campaign.id, &campaign.name, end) {
                Some(effect) => vec![effect],
                None => effect_of(&campaign.name, &arms),
            };
            if !finished {
                for effect in &mut effects {
                    effect.sentence.push_str(
                        " The trial had not finished by the end of the period, so this is an interim figure.",
                    );
                }
            }
            trials.push((launched_at, effects));
        }
        facts.push(CampaignFacts {
            name: campaign.name,
            channel: campaign.channel,
            launched_at: Some(launched_at),
            finished,
            evaluated: campaign.evaluated,
            arms,
        });
    }
    trials.sort_by_key(|(launched_at, _)| *launched_at);
    Ok(Some(ProtectFigures {
        campaigns: campaign_lines(&facts, period),
        effects: trials
            .into_iter()
            .flat_map(|(_, effects)| effects)
            .collect(),
    }))
}

/// The effect on a trial's locked plan's primary outcome, from its evaluation report as
/// things stood at `end`: the report's own sentence, significant when every comparison
/// of the primary outcome (or the difference in differences) has p below the plan's α.
/// `None` when the campaign has no locked plan or no report can be made yet.
fn planned_effect(
    store: &mut dyn Store,
    id: i64,
    name: &str,
    end: OffsetDateTime,
) -> Option<MeasuredEffect> {
    let evaluation = crate::campaigns::evaluation::evaluate(store, id, end).ok()?;
    let report = evaluation.report?;
    let alpha = report.alpha;
    let significant = match (&report.primary, &report.did) {
        (Some(primary), _) => {
            !primary.comparisons.is_empty() && primary.comparisons.iter().all(|c| c.p_value < alpha)
        }
        (None, Some(did)) => did.did.p_value.is_some_and(|p| p < alpha),
        (None, None) => false,
    };
    Some(MeasuredEffect {
        campaign: name.to_owned(),
        outcome: report.primary_outcome.label().to_owned(),
        sentence: format!("{name}: {}", report.summary_sentence()),
        significant,
    })
}

/// The counts the board needs from one arm's figures.
fn arm_counts(figures: &ArmFigures) -> ArmCounts {
    ArmCounts {
        arm: figures.arm.clone(),
        recipients: figures.recipients,
        held_back: figures.held_back,
        by_status: figures.by_status.clone(),
        clicked: figures.clicked,
        acted: figures.acted,
    }
}

/// The measured effect of each treatment arm of a trial against its control arm: the
/// share who said they had acted on the advice out of those sent a message, with the
/// difference, its 95% interval and the p-value. Empty when there is no arm named
/// [`CONTROL_ARM`], the control arm was sent nothing, or no treatment arm was sent
/// anything.
///
/// Why: one small function, so the comparison can later follow the locked plan's primary
/// outcome without touching the rest of the board.
pub fn effect_of(campaign: &str, arms: &[ArmCounts]) -> Vec<MeasuredEffect> {
    let Some(control) = arms.iter().find(|arm| arm.arm == CONTROL_ARM) else {
        return Vec::new();
    };
    let Ok(control_arm) = Arm::new(CONTROL_ARM, control.messaged(), control.acted) else {
        return Vec::new();
    };
    let treatments: Vec<&ArmCounts> = arms
        .iter()
        .filter(|arm| arm.arm != CONTROL_ARM && arm.messaged() > 0)
        .collect();
    let only_one = treatments.len() == 1;
    treatments
        .into_iter()
        .filter_map(|treatment| {
            let arm = Arm::new(treatment.arm.clone(), treatment.messaged(), treatment.acted)
                .ok()?;
            let evaluation = compare(&[control_arm.clone(), arm], DEFAULT_ALPHA).ok()?;
            let comparison = evaluation.comparisons.first()?;
            let rate = |index: usize| evaluation.arms.get(index).map(|arm| arm.rate);
            let who = if only_one {
                "those sent the new advice".to_owned()
            } else {
                format!("those in the {} arm", treatment.arm)
            };
            Some(MeasuredEffect {
                campaign: campaign.to_owned(),
                outcome: ACTED.to_owned(),
                sentence: format!(
                    "{campaign}: {} of {who} said they had acted, against {} of the control arm: {}.",
                    percent(rate(1)?),
                    percent(rate(0)?),
                    difference(comparison),
                ),
                significant: comparison.p_value < DEFAULT_ALPHA,
            })
        })
        .collect()
}

/// "a difference of 5.1 points (95% CI 2.0 to 8.2; p = 0.001)".
fn difference(comparison: &Comparison) -> String {
    format!(
        "a difference of {} points (95% CI {} to {}; {})",
        points(comparison.difference),
        points(comparison.difference_interval.lower),
        points(comparison.difference_interval.upper),
        p_value(comparison.p_value)
    )
}

/// A proportion as a percentage to one decimal: 0.0912 → "9.1%".
fn percent(rate: f64) -> String {
    format!("{}%", points(rate))
}

/// A proportion in percentage points to one decimal, with a real minus sign for a
/// negative one and never "−0.0": −0.031 → "−3.1".
fn points(value: f64) -> String {
    let tenths = (value * 1_000.0).round();
    if tenths == 0.0 {
        return "0.0".to_owned();
    }
    let text = format!("{:.1}", tenths.abs() / 10.0);
    if tenths < 0.0 {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// "p = 0.012", or "p < 0.001" for anything that would round to zero.
fn p_value(value: f64) -> String {
    if value < 0.0005 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::protect::{LawfulBasis, RecipientStatus, SegmentRule};
    use beacon_core::{Channel, Tlp};
    use beacon_store::{
        AdviceVersions, CampaignEventKind, LockedPlanRecord, MessageContent, MessageDetail,
        MessageKind, NewCampaign, NewCampaignEvent, NewCampaignRecipient, NewMessage,
    };
    use std::collections::BTreeMap;
    use time::macros::{date, datetime};

    fn arm(name: &str, messaged: u64, acted: u64) -> ArmCounts {
        ArmCounts {
            arm: name.to_owned(),
            recipients: messaged,
            held_back: 0,
            by_status: vec![(RecipientStatus::Delivered, messaged)],
            clicked: 0,
            acted,
        }
    }

    #[test]
    fn a_trial_is_measured_against_its_control_arm() {
        let effects = effect_of(
            "Courier fraud trial",
            &[arm("control", 500, 20), arm("letter", 500, 45)],
        );
        assert_eq!(effects.len(), 1);
        let effect = &effects[0];
        assert_eq!(effect.campaign, "Courier fraud trial");
        assert_eq!(effect.outcome, "said they had acted on the advice");
        assert!(
            effect.sentence.starts_with(
                "Courier fraud trial: 9.0% of those sent the new advice said they had acted, against 4.0% of the control arm: a difference of 5.0 points (95% CI "
            ),
            "{}",
            effect.sentence
        );
        let expected = compare(
            &[
                Arm::new("control", 500, 20).expect("an arm"),
                Arm::new("letter", 500, 45).expect("an arm"),
            ],
            DEFAULT_ALPHA,
        )
        .expect("compared");
        let comparison = &expected.comparisons[0];
        assert!(effect.sentence.ends_with(&format!(
            "{} to {}; {}).",
            points(comparison.difference_interval.lower),
            points(comparison.difference_interval.upper),
            p_value(comparison.p_value)
        )));
        assert!(comparison.p_value < 0.05);
        assert!(effect.significant);
    }

    #[test]
    fn a_small_difference_is_not_significant_and_arms_are_named_when_several() {
        let effects = effect_of(
            "Three arms",
            &[
                arm("letter", 100, 6),
                arm("control", 100, 5),
                arm("video", 100, 3),
            ],
        );
        assert_eq!(effects.len(), 2);
        assert!(
            effects[0]
                .sentence
                .starts_with("Three arms: 6.0% of those in the letter arm said they had acted, against 5.0% of the control arm: a difference of 1.0 points"),
            "{}",
            effects[0].sentence
        );
        assert!(
            effects[1]
                .sentence
                .contains("a difference of \u{2212}2.0 points"),
            "{}",
            effects[1].sentence
        );
        assert!(effects.iter().all(|effect| !effect.significant));
    }

    #[test]
    fn no_control_arm_or_a_held_back_one_gives_no_effect() {
        assert!(effect_of("No control", &[arm("letter", 10, 2), arm("video", 10, 1)]).is_empty());
        let held_back = ArmCounts {
            arm: "control".to_owned(),
            recipients: 10,
            held_back: 10,
            ..ArmCounts::default()
        };
        assert!(effect_of("Held back", &[held_back, arm("letter", 10, 2)]).is_empty());
        assert!(
            effect_of(
                "Nothing sent",
                &[arm("control", 10, 1), arm("letter", 0, 0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn figures_are_written_plainly() {
        assert_eq!(points(0.051), "5.1");
        assert_eq!(points(-0.0004), "0.0");
        assert_eq!(points(-0.0312), "\u{2212}3.1");
        assert_eq!(percent(0.0912), "9.1%");
        assert_eq!(p_value(0.0012), "p = 0.001");
        assert_eq!(p_value(0.00049), "p < 0.001");
        assert_eq!(p_value(0.21), "p = 0.210");
    }

    const AT: OffsetDateTime = datetime!(2025-02-03 09:00 UTC);

    fn hash(text: &str) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    fn draft(name: &str, channel: Channel, evaluated: bool) -> NewCampaign {
        NewCampaign {
            name: name.to_owned(),
            advice_slug: "courier-fraud-older-residents".to_owned(),
            channel,
            basis: LawfulBasis::PublicTask,
            segment: SegmentRule::default(),
            starts_at: AT,
            evaluated,
            control_advice_slug: evaluated.then(|| "courier-fraud-general".to_owned()),
            created_by: "coordinator".to_owned(),
            created_at: AT,
        }
    }

    fn recipient(campaign: i64, contact: i64, arm: &str, channel: Channel) -> NewCampaignRecipient {
        let address = match channel {
            Channel::Sms => format!("+447700900{contact:03}"),
            _ => format!("c{contact}@example.org"),
        };
        NewCampaignRecipient {
            contact_id: Some(contact),
            arm: arm.to_owned(),
            stratum: String::new(),
            cluster: None,
            district: Some("E07000133".to_owned()),
            token_hash: hash(&format!("token-{campaign}-{contact}")),
            message: Some(NewMessage {
                kind: MessageKind::Campaign,
                channel,
                organisation_id: None,
                recipient: address,
                recipient_kind: "contact".to_owned(),
                content: MessageContent::Template {
                    name: format!("campaign:{campaign}"),
                    data: BTreeMap::new(),
                },
                tlp: Tlp::Clear,
                dedupe_key: format!("campaign:{campaign}:{contact}"),
                ack_wanted: false,
                detail: MessageDetail::None,
                not_before: Some(AT),
            }),
        }
    }

    /// Records `kind` for the recipient of `campaign` who is `contact`.
    fn event(store: &mut dyn Store, campaign: i64, contact: i64, kind: CampaignEventKind) {
        let found = store
            .campaign_recipient_by_token(&hash(&format!("token-{campaign}-{contact}")))
            .expect("read")
            .expect("found");
        let detail = (kind == CampaignEventKind::Survey).then(|| "yes".to_owned());
        store
            .record_campaign_event(&NewCampaignEvent {
                recipient_id: found.id,
                kind,
                at: AT,
                detail,
            })
            .expect("recorded");
    }

    #[test]
    fn the_periods_campaigns_and_trial_from_the_store() {
        for backend in [
            beacon_store::Backend::Sqlite,
            beacon_store::Backend::Postgres,
        ] {
            let Some(database) = beacon_testing::TestDatabase::fresh(backend, "protect_board")
            else {
                continue;
            };
            let mut store = database.open();
            campaigns_and_trial(store.as_mut());
        }
    }

    /// Two campaigns and a draft in the store, read for three periods.
    fn campaigns_and_trial(store: &mut dyn Store) {
        let period = Period::new(date!(2025 - 01 - 01), date!(2025 - 03 - 31)).expect("a period");
        assert_eq!(protect_figures(store, period).expect("read"), None);

        // A draft is no campaign run, but the store now holds campaigns.
        store
            .create_campaign(&draft("Not yet", Channel::Email, false))
            .expect("created");
        let figures = protect_figures(store, period).expect("read").expect("some");
        assert_eq!(figures, ProtectFigures::default());

        // Text messages to four people: three sent (one unsubscribes), one still queued.
        let texts = store
            .create_campaign(&draft("Romance fraud texts", Channel::Sms, false))
            .expect("created");
        let recipients: Vec<_> = (1..=4)
            .map(|contact| recipient(texts, contact, "all", Channel::Sms))
            .collect();
        store
            .launch_campaign(texts, versions(), &recipients, AT, "beacon.test")
            .expect("launched");
        let claimed = store
            .claim_due(&[Channel::Sms], AT, time::Duration::minutes(5), 3)
            .expect("claimed");
        assert_eq!(claimed.len(), 3);
        for message in &claimed {
            store.outbox_record_sent(message.id, AT).expect("sent");
        }
        let sent: Vec<i64> = (1..=4)
            .filter(|contact| {
                claimed
                    .iter()
                    .any(|m| m.recipient == format!("+447700900{contact:03}"))
            })
            .collect();
        event(store, texts, sent[0], CampaignEventKind::Delivered);
        event(store, texts, sent[0], CampaignEventKind::Click);
        event(store, texts, sent[1], CampaignEventKind::Unsubscribed);

        // An evaluated email trial: 10 in the control arm (the usual advice), 10 sent the
        // new advice; one bounce; clicks (and a scanner's fetch) and survey answers.
        let trial = store
            .create_campaign(&draft("Courier fraud trial", Channel::Email, true))
            .expect("created");
        assert!(
            store
                .lock_plan(
                    trial,
                    &LockedPlanRecord {
                        json: "{}".to_owned(),
                        fingerprint: hash("{}"),
                        locked_by: "coordinator".to_owned(),
                        locked_at: AT,
                    },
                )
                .expect("locked")
        );
        let recipients: Vec<_> = (101..=120)
            .map(|contact| {
                let arm = if contact <= 110 { "control" } else { "letter" };
                recipient(trial, contact, arm, Channel::Email)
            })
            .collect();
        let launched_at = datetime!(2025-03-10 09:00 UTC);
        store
            .launch_campaign(trial, versions(), &recipients, launched_at, "beacon.test")
            .expect("launched");
        let claimed = store
            .claim_due(
                &[Channel::Email],
                launched_at,
                time::Duration::minutes(5),
                100,
            )
            .expect("claimed");
        assert_eq!(claimed.len(), 20);
        for message in &claimed {
            store
                .outbox_record_sent(message.id, launched_at)
                .expect("sent");
        }
        event(store, trial, 101, CampaignEventKind::Bounced);
        event(store, trial, 102, CampaignEventKind::ScannerClick);
        event(store, trial, 103, CampaignEventKind::Survey);
        for contact in 111..=116 {
            event(store, trial, contact, CampaignEventKind::Click);
        }
        for contact in 111..=118 {
            event(store, trial, contact, CampaignEventKind::Survey);
        }
        assert!(
            store
                .finish_campaign(trial, datetime!(2025-03-31 17:00 UTC))
                .expect("finished")
        );

        let figures = protect_figures(store, period).expect("read").expect("some");
        assert_eq!(figures.campaigns_run(), 2);
        let texts_line = &figures.campaigns[0];
        assert_eq!(texts_line.name, "Romance fraud texts");
        assert_eq!(texts_line.channel, Channel::Sms);
        assert_eq!(texts_line.launched_on, date!(2025 - 02 - 03));
        assert!(!texts_line.finished);
        assert_eq!(
            (
                texts_line.recipients,
                texts_line.messaged,
                texts_line.reached,
                texts_line.not_reached,
                texts_line.pending
            ),
            (4, 4, 3, 0, 1)
        );
        assert_eq!(
            (
                texts_line.clicked,
                texts_line.acted,
                texts_line.unsubscribed
            ),
            (1, 0, 1)
        );
        let trial_line = &figures.campaigns[1];
        assert_eq!(trial_line.name, "Courier fraud trial");
        assert!(trial_line.finished && trial_line.evaluated);
        assert_eq!(
            (
                trial_line.reached,
                trial_line.not_reached,
                trial_line.clicked
            ),
            (19, 1, 6)
        );
        assert_eq!(trial_line.acted, 9);
        assert_eq!(figures.reached(), 22);
        assert_eq!(figures.clicked(), 7);
        // 7 of 22 is 31.8%.
        assert_eq!(figures.click_tenths(), Some(318));

        assert_eq!(figures.effects.len(), 1);
        let effect = &figures.effects[0];
        assert_eq!(effect.campaign, "Courier fraud trial");
        assert!(
            effect.sentence.starts_with("Courier fraud trial: 80.0% of those sent the new advice said they had acted, against 10.0% of the control arm: a difference of 70.0 points (95% CI "),
            "{}",
            effect.sentence
        );
        assert!(!effect.sentence.contains("interim"));
        assert!(effect.significant);

        // The board update carries the section in its words.
        let rules = crate::defaults::shipped_rules().expect("shipped rules");
        let board = crate::board::board_figures_at(store, period, &rules, AT).expect("board");
        assert_eq!(board.protect.as_ref(), Some(&figures));
        let markdown = beacon_report::markdown_with(&board.summary, &board.extras());
        assert!(
            markdown.contains("## Protect campaigns\n\n2 campaigns were run in the period, reaching 22 people by email and text message; 7 people followed the link (31.8%) and 9 said they had acted on the advice."),
            "{markdown}"
        );
        assert!(
            markdown
                .contains("| Courier fraud trial | Email | 10 March 2025 | 19 | 31.6% | 9 | 0 |"),
            "{markdown}"
        );

        // The next quarter: nothing launched in it, and the trial finished before it.
        let next = Period::new(date!(2025 - 04 - 01), date!(2025 - 06 - 30)).expect("a period");
        let later = protect_figures(store, next).expect("read").expect("some");
        assert_eq!(later, ProtectFigures::default());

        // The month the trial was launched in, before it finished: an interim effect.
        let march = Period::new(date!(2025 - 03 - 01), date!(2025 - 03 - 15)).expect("a period");
        let interim = protect_figures(store, march).expect("read").expect("some");
        assert_eq!(interim.campaigns_run(), 1);
        assert!(!interim.campaigns[0].finished);
        assert!(interim.effects[0].sentence.ends_with(
            "The trial had not finished by the end of the period, so this is an interim figure."
        ));
    }

    fn versions() -> AdviceVersions {
        AdviceVersions {
            advice: 1,
            control: Some(1),
        }
    }
}
