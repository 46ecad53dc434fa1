//! The demo's protect campaigns: two campaigns run and finished (courier fraud advice to
//! older residents by email; fake-invoice advice to small businesses by text message)
//! and one evaluated trial (new courier-fraud wording against the usual doorstep advice
//! to residents,
//! its plan locked before launch), on a fixed timeline in autumn 2024, so the campaign
//! pages, the evaluation report and the board update's protect section have something
//! to show.
//!
//! Messages go through the real outbox and are written out for each recipient, but are
//! handed to a sink that keeps nothing (nothing leaves the machine). What recipients then
//! do (follow the link, answer the survey, unsubscribe; link scanners fetching) is drawn
//! from a seeded generator, so every build shows the same figures.
//!
//! Needs the advice library and the demo contacts loaded first.

use beacon_app::campaigns::build::{CampaignDraft, save_draft};
use beacon_app::campaigns::evaluation::{evaluate, lock_plan};
use beacon_app::campaigns::launch::{CONTROL_ARM, LaunchSettings, launch_with_tokens};
use beacon_app::campaigns::links;
use beacon_app::credentials::token_hash;
use beacon_app::notify::{NotifySettings, deliver};
use beacon_core::protect::{ContactKind, LawfulBasis, SegmentRule};
use beacon_core::{AgeBand, Channel};
use beacon_evaluation::{ArmSpec, Outcome, PlanChoices, PlanDesign};
use beacon_notify::{OutgoingMessage, SendError, Transport};
use beacon_store::{CampaignEventKind, NewCampaignEvent, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// When the first campaign starts.
pub const FIRST_LAUNCH: OffsetDateTime = datetime!(2024-10-07 09:00 UTC);

/// What the demo's campaigns came to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CampaignsOutcome {
    /// Campaigns run.
    pub campaigns: u64,
    /// Messages sent (to the demo's sink).
    pub sent: u64,
    /// Messages not sent because the address was suppressed.
    pub suppressed: u64,
    /// People who followed a link.
    pub clicked: u64,
    /// The trial's summary sentence.
    pub trial: String,
    /// The trial's campaign number.
    pub trial_id: i64,
}

/// Why the demo's campaigns could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DemoCampaignError {
    /// A campaign use case refused.
    #[error(transparent)]
    Campaign(#[from] beacon_app::campaigns::CampaignError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] beacon_store::StoreError),
}

/// A transport that accepts every message and keeps none.
struct Sink(Channel);

impl Transport for Sink {
    fn channel(&self) -> Channel {
        self.0
    }
    fn send(&self, _message: &OutgoingMessage) -> Result<(), SendError> {
        Ok(())
    }
}

/// How recipients of one arm behave.
struct Behaviour {
    click: f64,
    act_if_clicked: f64,
}

/// One demo campaign.
struct Plan {
    draft: CampaignDraft,
    finish_after: Duration,
    behaviour: fn(&str) -> Behaviour,
}

fn older_residents() -> SegmentRule {
    SegmentRule {
        kinds: [ContactKind::Resident].into(),
        age_bands: [AgeBand::Sixties, AgeBand::Seventies, AgeBand::EightyPlus].into(),
        ..SegmentRule::default()
    }
}

fn plans() -> Vec<Plan> {
    vec![
        Plan {
            draft: CampaignDraft {
                name: "Courier fraud: older residents".to_owned(),
                advice_slug: "courier-fraud-older-residents".to_owned(),
                control_advice_slug: None,
                channel: Channel::Email,
                basis: LawfulBasis::PublicTask,
                segment: SegmentRule {
                    age_bands: [AgeBand::Seventies, AgeBand::EightyPlus].into(),
                    ..older_residents()
                },
                starts_at: FIRST_LAUNCH,
                evaluated: false,
            },
            finish_after: Duration::days(28),
            behaviour: |_| Behaviour {
                click: 0.14,
                act_if_clicked: 0.45,
            },
        },
        Plan {
            draft: CampaignDraft {
                name: "Fake invoices: small businesses".to_owned(),
                advice_slug: "invoice-fraud-at-work".to_owned(),
                control_advice_slug: None,
                channel: Channel::Sms,
                basis: LawfulBasis::PublicTask,
                segment: SegmentRule {
                    kinds: [ContactKind::Business].into(),
                    ..SegmentRule::default()
                },
                starts_at: FIRST_LAUNCH + Duration::days(7),
                evaluated: false,
            },
            finish_after: Duration::days(28),
            behaviour: |_| Behaviour {
                click: 0.09,
                act_if_clicked: 0.5,
            },
        },
        Plan {
            draft: CampaignDraft {
                name: "Courier fraud wording trial".to_owned(),
                advice_slug: "courier-fraud-older-residents".to_owned(),
                control_advice_slug: Some("scams-at-the-door".to_owned()),
                channel: Channel::Email,
                basis: LawfulBasis::PublicTask,
                segment: SegmentRule {
                    kinds: [ContactKind::Resident].into(),
                    ..SegmentRule::default()
                },
                starts_at: FIRST_LAUNCH + Duration::days(42),
                evaluated: true,
            },
            finish_after: Duration::days(28),
            behaviour: |arm| {
                if arm == CONTROL_ARM {
                    Behaviour {
                        click: 0.06,
                        act_if_clicked: 0.35,
                    }
                } else {
                    Behaviour {
                        click: 0.15,
                        act_if_clicked: 0.5,
                    }
                }
            },
        },
    ]
}

/// The trial's pre-registered plan.
fn trial_plan() -> PlanChoices {
    PlanChoices {
        primary_outcome: Outcome::Click,
        secondary_outcomes: vec![Outcome::SelfReportedAction],
        design: PlanDesign::Individual,
        arms: vec![ArmSpec::new(CONTROL_ARM, 1), ArmSpec::new("new_wording", 1)],
        strata: vec!["district".to_owned(), "age_band".to_owned()],
        seed: 20_241_118,
        baseline: 0.06,
        target: 0.14,
        alpha: 0.05,
        power: 0.8,
        icc: None,
        mean_cluster_size: None,
    }
}

/// Runs the demo's campaigns on their timeline.
///
/// # Errors
///
/// When a campaign is refused (no advice library, no demo contacts) or the store fails.
pub fn load_campaigns(
    store: &mut dyn Store,
    notify: &NotifySettings,
) -> Result<CampaignsOutcome, DemoCampaignError> {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut outcome = CampaignsOutcome::default();
    let settings = NotifySettings {
        base_url: Some(
            notify
                .base_url
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()),
        ),
        ..notify.clone()
    };
    let launch_settings = LaunchSettings {
        message_domain: settings.message_domain.clone(),
        social_accounts: Vec::new(),
    };
    for plan in plans() {
        let at = plan.draft.starts_at - Duration::days(3);
        let id = save_draft(store, None, &plan.draft, "demo", at)?;
        if plan.draft.evaluated {
            lock_plan(store, id, trial_plan(), "demo", at + Duration::hours(1))?;
            outcome.trial_id = id;
        }
        let mut tokens = Vec::new();
        let mut next = || {
            let token = format!("demo{id:02}r{:06}", tokens.len() + 1);
            tokens.push(token.clone());
            token
        };
        launch_with_tokens(
            store,
            id,
            &launch_settings,
            "demo",
            plan.draft.starts_at - Duration::hours(1),
            &mut next,
        )?;
        let sinks = [
            Sink(Channel::Email),
            Sink(Channel::Sms),
            Sink(Channel::Social),
        ];
        let transports: Vec<&dyn Transport> = sinks.iter().map(|s| s as &dyn Transport).collect();
        let report = deliver(
            store,
            &transports,
            None,
            plan.draft.starts_at + Duration::minutes(30),
            &settings,
        )?;
        outcome.sent += report.sent as u64;
        outcome.suppressed += report.suppressed as u64;
        for token in &tokens {
            let Some(recipient) = store.campaign_recipient_by_token(&token_hash(token))? else {
                continue;
            };
            if recipient.message_id.is_none() {
                continue;
            }
            let behaviour = (plan.behaviour)(&recipient.arm);
            let after = |rng: &mut ChaCha8Rng, days: i64| {
                plan.draft.starts_at + Duration::minutes(rng.random_range(30..days * 24 * 60))
            };
            let mut event = |kind, at, detail: Option<&str>| {
                store.record_campaign_event(&NewCampaignEvent {
                    recipient_id: recipient.id,
                    kind,
                    at,
                    detail: detail.map(str::to_owned),
                })
            };
            if plan.draft.channel == Channel::Email && rng.random_bool(0.05) {
                event(
                    CampaignEventKind::ScannerClick,
                    plan.draft.starts_at + Duration::minutes(31),
                    Some("fetched within seconds of delivery, no browser headers"),
                )?;
            }
            if plan.draft.channel == Channel::Email && rng.random_bool(0.38) {
                event(CampaignEventKind::Open, after(&mut rng, 3), None)?;
            }
            let clicked = rng.random_bool(behaviour.click);
            if clicked {
                outcome.clicked += 1;
                event(CampaignEventKind::Click, after(&mut rng, 5), None)?;
            }
            let answers = if clicked { 0.6 } else { 0.03 };
            if rng.random_bool(answers) {
                let acted = rng.random_bool(if clicked {
                    behaviour.act_if_clicked
                } else {
                    0.2
                });
                let answer = if acted {
                    "yes"
                } else if rng.random_bool(0.6) {
                    "not_yet"
                } else {
                    "no"
                };
                event(CampaignEventKind::Survey, after(&mut rng, 10), Some(answer))?;
            }
            if rng.random_bool(0.01) {
                links::unsubscribe(store, token, after(&mut rng, 14))?;
            }
        }
        store.finish_campaign(id, plan.draft.starts_at + plan.finish_after)?;
        outcome.campaigns += 1;
    }
    if outcome.trial_id != 0 {
        let evaluation = evaluate(store, outcome.trial_id, FIRST_LAUNCH + Duration::days(90))?;
        outcome.trial = evaluation
            .report
            .map(|report| report.summary_sentence())
            .or(evaluation.unavailable)
            .unwrap_or_default();
    }
    Ok(outcome)
}
