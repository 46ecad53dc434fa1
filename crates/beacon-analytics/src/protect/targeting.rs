//! Campaign targeting: ranks (audience, threat) pairs by what the reports of the last
//! months say — how often the audience reports the threat per 100,000 residents, what it
//! lost, whether it is rising, and how many victims were victims before — and proposes
//! a campaign for each: the audience, the threat, the districts where the rate is
//! highest, and a channel. `docs/targeting.md` sets out the rules and the score.
//!
//! Who a report is about ([`audience_of`]): an organisation victim is a small business
//! ([`Audience::Smes`]); a person aged 70 or over an older resident; a person under 20
//! (the youngest age band reports carry) a young person. Other reports have no campaign
//! audience and are counted as such, not ranked.
//!
//! What a report is about: each of its local issues whose name is a threat's slug
//! (`courier_fraud`, `romance_fraud`, `ransomware`, `sextortion`), and its fraud type
//! through [`THREAT_OF_FRAUD_TYPE`]; a report counts once for each distinct threat.
//!
//! Population by age band is not in Beacon's reference data, so every rate is per
//! 100,000 residents of the area (or of the district): it compares threats within an
//! audience and districts with each other, not audiences with their own size.

use beacon_core::money::group_thousands;
use beacon_core::protect::{Audience, Threat};
use beacon_core::{AgeBand, Channel, DistrictCode, Districts, Fact, FactSet, Period, VictimType};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Month};

/// Fraud-type keys (NFIB codes, or slugs of the names published without one) and the
/// threat whose advice addresses them. Keys are compared without regard to case.
pub const THREAT_OF_FRAUD_TYPE: &[(&str, Threat)] = &[
    ("mandate-fraud", Threat::InvoiceMandateFraud),
    ("online-shopping-and-auctions", Threat::OnlineShoppingFraud),
    ("share-sales-or-boiler-room-fraud", Threat::InvestmentFraud),
    ("pyramid-or-ponzi-schemes", Threat::InvestmentFraud),
    ("prime-bank-guarantees", Threat::InvestmentFraud),
    (
        "time-shares-and-holiday-club-fraud",
        Threat::InvestmentFraud,
    ),
    ("other-financial-investment", Threat::InvestmentFraud),
    ("dating-scam", Threat::RomanceFraud),
    ("NFIB50A", Threat::Ransomware),
    ("NFIB52A", Threat::Ransomware),
    ("NFIB52E", Threat::Ransomware),
    ("NFIB52B", Threat::Passwords2fa),
    ("NFIB52C", Threat::Passwords2fa),
];

/// How the weights of the score are split (they add up to 1): rate, losses, trend,
/// repeat victims.
pub const SCORE_WEIGHTS: [f64; 4] = [0.4, 0.3, 0.2, 0.1];

/// What to rank over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetingOptions {
    /// The last day counted.
    pub end: Date,
    /// How many calendar months, ending with `end`'s month, the counts cover (at least
    /// 1). The trend always compares the last three months with the three before.
    pub months: u32,
    /// How many districts a proposal names.
    pub top_districts: usize,
}

impl TargetingOptions {
    /// The last 12 months to `end`, proposals naming three districts.
    pub fn last_year(end: Date) -> TargetingOptions {
        TargetingOptions {
            end,
            months: 12,
            top_districts: 3,
        }
    }

    /// The days the counts cover: from the first of the month `months − 1` months
    /// before `end`'s month, to `end`.
    pub fn window(&self) -> Period {
        let first = month_index(self.end) - i32::try_from(self.months.max(1)).unwrap_or(1) + 1;
        Period {
            from: first_of(first),
            to: self.end,
        }
    }
}

/// One district's figures for a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictRate {
    /// The district.
    pub district: DistrictCode,
    /// Its name.
    pub name: String,
    /// Reports of the pair in the district in the window.
    pub reports: u64,
    /// Per 100,000 residents of the district.
    pub rate_per_100k: f64,
}

/// A suggested campaign for a ranked pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignProposal {
    /// Who it is for.
    pub audience: Audience,
    /// What it is about.
    pub threat: Threat,
    /// The districts where the pair's rate is highest, highest first.
    pub districts: Vec<DistrictCode>,
    /// The channel suggested.
    pub channel: Channel,
    /// Why that channel, in words.
    pub channel_reason: String,
    /// The proposal in one sentence.
    pub summary: String,
}

/// One (audience, threat) pair, ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedTarget {
    /// 1 for the first.
    pub rank: usize,
    /// The audience.
    pub audience: Audience,
    /// The threat.
    pub threat: Threat,
    /// Reports in the window.
    pub reports: u64,
    /// Per 100,000 residents of the area.
    pub rate_per_100k: f64,
    /// Losses reported in the window, in pence.
    pub losses_pence: i64,
    /// Reports in the last three months to `end`.
    pub last_quarter: u64,
    /// Reports in the three months before those.
    pub previous_quarter: u64,
    /// `last / previous − 1`; `None` when the previous quarter had none.
    pub trend: Option<f64>,
    /// Share of the window's reports from repeat victims (said so, or sharing a victim
    /// key with another report of the window).
    pub repeat_share: f64,
    /// Districts with reports of the pair, highest rate first.
    pub districts: Vec<DistrictRate>,
    /// The score the ranking is by, between 0 and 1.
    pub score: f64,
    /// Why, in plain words with the figures.
    pub reasons: Vec<String>,
    /// The suggested campaign.
    pub proposal: CampaignProposal,
}

/// The ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Targets {
    /// The days counted (in JSON, `from` and `to` as `YYYY-MM-DD`).
    #[serde(serialize_with = "iso_period")]
    pub window: Period,
    /// Months in the window.
    pub months: u32,
    /// The area's residents (the districts' populations in `end`'s year).
    pub area_population: u64,
    /// Every pair with a report in the window, best first.
    pub ranked: Vec<RankedTarget>,
    /// Reports in the window with no campaign audience (people aged 20 to 69, or of no
    /// known age) or no threat Beacon has advice for.
    pub unranked_reports: u64,
}

/// Writes a period as `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`.
fn iso_period<S: serde::Serializer>(period: &Period, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut state = serializer.serialize_struct("Period", 2)?;
    state.serialize_field("from", &period.from.to_string())?;
    state.serialize_field("to", &period.to.to_string())?;
    state.end()
}

/// Who a report's victim is, for a campaign: see the module documentation.
pub fn audience_of(fact: &Fact) -> Option<Audience> {
    match (fact.victim_type, fact.age_band) {
        (VictimType::Organisation, _) => Some(Audience::Smes),
        (VictimType::Individual, Some(AgeBand::Seventies | AgeBand::EightyPlus)) => {
            Some(Audience::OlderResidents)
        }
        (VictimType::Individual, Some(AgeBand::Under20)) => Some(Audience::YoungPeople),
        _ => None,
    }
}

/// The threat a fraud-type key maps to through [`THREAT_OF_FRAUD_TYPE`].
pub fn threat_of_fraud_type(key: &str) -> Option<Threat> {
    THREAT_OF_FRAUD_TYPE
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(key))
        .map(|(_, threat)| *threat)
}

#[derive(Default)]
struct Tally {
    reports: u64,
    losses: i64,
    repeats: u64,
    last_quarter: u64,
    previous_quarter: u64,
    by_district: BTreeMap<u16, u64>,
}

/// Ranks (audience, threat) pairs from `facts` (which should reach back at least six
/// months and the window from `end`) by their score (see `docs/targeting.md`). Ties
/// are broken by more reports, then larger losses, then the audience and then the
/// threat in the order pages list them ([`Audience::ALL`], [`Threat::ALL`]).
pub fn rank_targets(facts: &FactSet, districts: &Districts, options: TargetingOptions) -> Targets {
    let window = options.window();
    let end_month = month_index(options.end);
    let year = options.end.year();
    let area_population = districts.population_in(year);
    let threat_of_issue: Vec<Option<Threat>> = facts
        .issues
        .iter()
        .map(|name| Threat::from_slug(name))
        .collect();
    let threat_of_type: Vec<Option<Threat>> = facts
        .fraud_types
        .iter()
        .map(|key| threat_of_fraud_type(key))
        .collect();
    let in_window: Vec<&Fact> = facts
        .facts
        .iter()
        .filter(|fact| window.contains(fact.reported_on))
        .collect();
    let mut victims: HashMap<u64, u32> = HashMap::new();
    for fact in &in_window {
        if let Some(victim) = fact.victim {
            *victims.entry(victim).or_default() += 1;
        }
    }

    let mut tallies: BTreeMap<(Audience, Threat), Tally> = BTreeMap::new();
    let mut unranked_reports = 0;
    for fact in &facts.facts {
        if fact.reported_on > options.end {
            continue;
        }
        let counted = window.contains(fact.reported_on);
        let age = end_month - month_index(fact.reported_on);
        let quarter = match age {
            0..=2 => Some(true),
            3..=5 => Some(false),
            _ => None,
        };
        if !counted && quarter.is_none() {
            continue;
        }
        let threats = threats_of(fact, &threat_of_issue, &threat_of_type);
        let audience = audience_of(fact);
        let Some(audience) = audience.filter(|_| !threats.is_empty()) else {
            if counted {
                unranked_reports += 1;
            }
            continue;
        };
        let repeat = fact.repeat_victim == Some(true)
            || fact
                .victim
                .is_some_and(|victim| victims.get(&victim).copied().unwrap_or(0) > 1);
        for threat in threats {
            let tally = tallies.entry((audience, threat)).or_default();
            match quarter {
                Some(true) => tally.last_quarter += 1,
                Some(false) => tally.previous_quarter += 1,
                None => {}
            }
            if counted {
                tally.reports += 1;
                tally.losses += fact.loss_pence.unwrap_or(0).max(0);
                tally.repeats += u64::from(repeat);
                if let Some(district) = fact.district {
                    *tally.by_district.entry(district).or_default() += 1;
                }
            }
        }
    }
    tallies.retain(|_, tally| tally.reports > 0);

    let rate = |reports: u64, population: u64| {
        if population == 0 {
            0.0
        } else {
            reports as f64 * 100_000.0 / population as f64
        }
    };
    let max_rate = tallies
        .values()
        .map(|t| rate(t.reports, area_population))
        .fold(0.0, f64::max);
    let max_losses = tallies.values().map(|t| t.losses).max().unwrap_or(0);

    let mut ranked: Vec<RankedTarget> = tallies
        .into_iter()
        .map(|((audience, threat), tally)| {
            let rate_per_100k = rate(tally.reports, area_population);
            let trend = (tally.previous_quarter > 0)
                .then(|| tally.last_quarter as f64 / tally.previous_quarter as f64 - 1.0);
            let trend_component = match (trend, tally.last_quarter) {
                (Some(change), _) => ((change + 1.0) / 2.0).clamp(0.0, 1.0),
                (None, 0) => 0.5,
                (None, _) => 1.0,
            };
            let repeat_share = tally.repeats as f64 / tally.reports as f64;
            let share = |value: f64, max: f64| if max > 0.0 { value / max } else { 0.0 };
            let score = SCORE_WEIGHTS[0] * share(rate_per_100k, max_rate)
                + SCORE_WEIGHTS[1] * share(tally.losses as f64, max_losses as f64)
                + SCORE_WEIGHTS[2] * trend_component
                + SCORE_WEIGHTS[3] * repeat_share;
            let mut district_rates: Vec<DistrictRate> = tally
                .by_district
                .iter()
                .filter_map(|(&index, &reports)| {
                    let code = facts.districts.get(usize::from(index))?;
                    let district = districts.get(code)?;
                    let population = u64::from(district.population_in(year));
                    (population > 0).then(|| DistrictRate {
                        district: code.clone(),
                        name: district.name.clone(),
                        reports,
                        rate_per_100k: rate(reports, population),
                    })
                })
                .collect();
            district_rates.sort_by(|a, b| {
                b.rate_per_100k
                    .total_cmp(&a.rate_per_100k)
                    .then_with(|| b.reports.cmp(&a.reports))
                    .then_with(|| a.district.as_str().cmp(b.district.as_str()))
            });
            let mut target = RankedTarget {
                rank: 0,
                audience,
                threat,
                reports: tally.reports,
                rate_per_100k,
                losses_pence: tally.losses,
                last_quarter: tally.last_quarter,
                previous_quarter: tally.previous_quarter,
                trend,
                repeat_share,
                districts: district_rates,
                score,
                reasons: Vec::new(),
                proposal: proposal(audience, threat, &[], options.top_districts),
            };
            target.reasons = reasons(&target, options.months);
            target.proposal = proposal(audience, threat, &target.districts, options.top_districts);
            target
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.reports.cmp(&a.reports))
            .then_with(|| b.losses_pence.cmp(&a.losses_pence))
            .then_with(|| {
                position(&Audience::ALL, a.audience).cmp(&position(&Audience::ALL, b.audience))
            })
            .then_with(|| position(&Threat::ALL, a.threat).cmp(&position(&Threat::ALL, b.threat)))
    });
    for (index, target) in ranked.iter_mut().enumerate() {
        target.rank = index + 1;
    }
    Targets {
        window,
        months: options.months.max(1),
        area_population,
        ranked,
        unranked_reports,
    }
}

fn position<T: PartialEq>(all: &[T], item: T) -> usize {
    all.iter().position(|x| *x == item).unwrap_or(usize::MAX)
}

fn threats_of(
    fact: &Fact,
    threat_of_issue: &[Option<Threat>],
    threat_of_type: &[Option<Threat>],
) -> Vec<Threat> {
    let mut threats: Vec<Threat> = threat_of_issue
        .iter()
        .enumerate()
        .filter(|(bit, _)| *bit < 32 && fact.issues & (1 << bit) != 0)
        .filter_map(|(_, threat)| *threat)
        .collect();
    if let Some(Some(threat)) = threat_of_type.get(usize::from(fact.fraud_type)) {
        threats.push(*threat);
    }
    threats.sort();
    threats.dedup();
    threats
}

/// Months since year 0.
fn month_index(date: Date) -> i32 {
    date.year() * 12 + i32::from(date.month() as u8) - 1
}

fn first_of(index: i32) -> Date {
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).unwrap_or(1)).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

/// The audience as the reasons name it.
fn audience_words(audience: Audience) -> &'static str {
    match audience {
        Audience::OlderResidents => "people aged 70 and over",
        Audience::YoungPeople => "people under 20",
        Audience::Smes => "businesses and organisations",
        Audience::Parents => "parents and carers",
        Audience::PartnerStaff => "partner staff",
        Audience::ContactPoints => "people at service contact points",
    }
}

fn rate_text(rate: f64) -> String {
    if rate >= 10.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

fn pounds(pence: i64) -> String {
    let pounds = u64::try_from((pence + 50) / 100).unwrap_or(0);
    format!("£{}", group_thousands(pounds))
}

fn reasons(target: &RankedTarget, months: u32) -> Vec<String> {
    let period = if months == 12 {
        "the last 12 months".to_owned()
    } else {
        format!("the last {months} months")
    };
    let mut reasons = vec![format!(
        "{} against {}: {} report{} in {period}, {} per 100,000 residents of the area",
        target.threat.label(),
        audience_words(target.audience),
        target.reports,
        if target.reports == 1 { "" } else { "s" },
        rate_text(target.rate_per_100k),
    )];
    if let Some(top) = target.districts.first() {
        reasons.push(format!(
            "highest in {}: {} per 100,000 ({} report{}; area {})",
            top.name,
            rate_text(top.rate_per_100k),
            top.reports,
            if top.reports == 1 { "" } else { "s" },
            rate_text(target.rate_per_100k),
        ));
    }
    if target.losses_pence > 0 {
        reasons.push(format!("losses {}", pounds(target.losses_pence)));
    }
    reasons.push(match target.trend {
        Some(change) if change > 0.0 => format!(
            "up {:.0}% on the previous quarter ({} against {})",
            change * 100.0,
            target.last_quarter,
            target.previous_quarter
        ),
        Some(change) if change < 0.0 => format!(
            "down {:.0}% on the previous quarter ({} against {})",
            -change * 100.0,
            target.last_quarter,
            target.previous_quarter
        ),
        Some(_) => format!(
            "level with the previous quarter ({} each)",
            target.last_quarter
        ),
        None if target.last_quarter > 0 => format!(
            "{} in the last quarter, none in the one before",
            target.last_quarter
        ),
        None => "none in the last two quarters".to_owned(),
    });
    reasons.push(format!(
        "{:.0}% repeat victims",
        target.repeat_share * 100.0
    ));
    reasons
}

fn proposal(
    audience: Audience,
    threat: Threat,
    districts: &[DistrictRate],
    top: usize,
) -> CampaignProposal {
    let (channel, channel_reason) = match audience {
        Audience::OlderResidents => (
            Channel::Sms,
            "texts to registered contacts, with printed advice at contact points: older residents read email least",
        ),
        Audience::YoungPeople | Audience::Parents | Audience::ContactPoints => (
            Channel::Social,
            "posts on the partnership's social media accounts, where this audience is reached",
        ),
        Audience::Smes | Audience::PartnerStaff => (
            Channel::Email,
            "email to the business contacts who agreed to hear from the partnership",
        ),
    };
    let chosen: Vec<&DistrictRate> = districts.iter().take(top).collect();
    let names: Vec<&str> = chosen.iter().map(|d| d.name.as_str()).collect();
    let place = match names.as_slice() {
        [] => "across the area".to_owned(),
        [one] => format!("in {one}"),
        [init @ .., last] => format!("in {} and {last}", init.join(", ")),
    };
    CampaignProposal {
        audience,
        threat,
        districts: chosen.iter().map(|d| d.district.clone()).collect(),
        channel,
        channel_reason: channel_reason.to_owned(),
        summary: format!(
            "{} advice for {} {place}, by {}",
            threat.label(),
            audience.label().to_lowercase(),
            channel.as_str()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::{Category, District};
    use time::macros::date;

    fn districts() -> Districts {
        let district = |code: &str, name: &str, population: u32| District {
            code: code.parse().expect("a district code"),
            name: name.to_owned(),
            kind: "unitary".to_owned(),
            population_2011: population,
            population_2021: population,
        };
        Districts {
            area_name: "Test area".to_owned(),
            list: vec![
                district("E06000016", "Leicester", 300_000),
                district("E07000130", "Charnwood", 100_000),
            ],
        }
    }

    struct Builder {
        set: FactSet,
    }

    impl Builder {
        fn new() -> Builder {
            let mut set = FactSet::default();
            set.district_index("E06000016");
            set.district_index("E07000130");
            set.issue_mask("courier_fraud");
            set.issue_mask("romance_fraud");
            Builder { set }
        }

        #[allow(clippy::too_many_arguments)]
        fn add(
            &mut self,
            on: Date,
            district: u16,
            fraud_type: &str,
            issues: &str,
            victim_type: VictimType,
            age_band: Option<AgeBand>,
            loss_pence: i64,
            repeat: bool,
        ) {
            let fraud_type = self.set.fraud_type_index(fraud_type);
            let issues = self.set.issue_mask(issues);
            self.set.facts.push(Fact {
                reported_on: on,
                district: Some(district),
                fraud_type,
                category: Category::Fraud,
                victim_type,
                age_band,
                gender: None,
                cyber_enabled: None,
                loss_pence: Some(loss_pence),
                issues,
                victim: None,
                repeat_victim: Some(repeat),
                vulnerable: None,
            });
        }
    }

    const END: Date = date!(2026 - 11 - 30);

    #[test]
    fn pairs_rank_by_rate_losses_trend_and_repeats() {
        let mut facts = Builder::new();
        let old = Some(AgeBand::EightyPlus);
        // Courier fraud against older residents: 4 reports, rising, big losses, in
        // Charnwood mostly.
        facts.add(
            date!(2026 - 11 - 02),
            1,
            "other-fraud",
            "courier_fraud",
            VictimType::Individual,
            old,
            2_000_000,
            true,
        );
        facts.add(
            date!(2026 - 10 - 12),
            1,
            "other-fraud",
            "courier_fraud",
            VictimType::Individual,
            old,
            1_500_000,
            false,
        );
        facts.add(
            date!(2026 - 09 - 20),
            1,
            "other-fraud",
            "courier_fraud",
            VictimType::Individual,
            old,
            500_000,
            false,
        );
        facts.add(
            date!(2026 - 07 - 01),
            0,
            "other-fraud",
            "courier_fraud",
            VictimType::Individual,
            old,
            100_000,
            false,
        );
        // Mandate fraud against businesses: 2 reports, falling, modest losses.
        facts.add(
            date!(2026 - 06 - 15),
            0,
            "mandate-fraud",
            "",
            VictimType::Organisation,
            None,
            300_000,
            false,
        );
        facts.add(
            date!(2026 - 10 - 15),
            0,
            "Mandate-Fraud",
            "",
            VictimType::Organisation,
            None,
            0,
            false,
        );
        // Out of the window, and a person in their forties: not ranked.
        facts.add(
            date!(2025 - 10 - 01),
            0,
            "mandate-fraud",
            "",
            VictimType::Organisation,
            None,
            9_000_000,
            false,
        );
        facts.add(
            date!(2026 - 10 - 01),
            0,
            "dating-scam",
            "",
            VictimType::Individual,
            Some(AgeBand::Forties),
            0,
            false,
        );
        let targets = rank_targets(&facts.set, &districts(), TargetingOptions::last_year(END));
        assert_eq!(targets.window.from, date!(2025 - 12 - 01));
        assert_eq!(targets.area_population, 400_000);
        assert_eq!(targets.unranked_reports, 1);
        let pairs: Vec<(Audience, Threat, u64)> = targets
            .ranked
            .iter()
            .map(|t| (t.audience, t.threat, t.reports))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (Audience::OlderResidents, Threat::CourierFraud, 4),
                (Audience::Smes, Threat::InvoiceMandateFraud, 2),
            ]
        );
        let first = &targets.ranked[0];
        assert_eq!(first.rank, 1);
        assert_eq!((first.last_quarter, first.previous_quarter), (3, 1));
        assert_eq!(first.trend, Some(2.0));
        assert_eq!(first.losses_pence, 4_100_000);
        assert!((first.repeat_share - 0.25).abs() < 1e-12);
        // Rate, losses and trend all at their maximum; a quarter repeat victims.
        assert!(
            (first.score - (0.4 + 0.3 + 0.2 + 0.025)).abs() < 1e-12,
            "{}",
            first.score
        );
        assert_eq!(
            first.reasons,
            vec![
                "Courier fraud against people aged 70 and over: 4 reports in the last 12 months, 1.0 per 100,000 residents of the area",
                "highest in Charnwood: 3.0 per 100,000 (3 reports; area 1.0)",
                "losses £41,000",
                "up 200% on the previous quarter (3 against 1)",
                "25% repeat victims",
            ]
        );
        assert_eq!(first.proposal.districts[0].as_str(), "E07000130");
        assert_eq!(first.proposal.channel, Channel::Sms);
        assert_eq!(
            first.proposal.summary,
            "Courier fraud advice for older residents in Charnwood and Leicester, by sms"
        );
        let second = &targets.ranked[1];
        assert_eq!((second.last_quarter, second.previous_quarter), (1, 1));
        assert!(
            second
                .reasons
                .contains(&"level with the previous quarter (1 each)".to_owned())
        );
    }

    #[test]
    fn ties_go_to_more_reports_then_losses_then_the_listed_order() {
        let mut facts = Builder::new();
        let young = Some(AgeBand::Under20);
        let old = Some(AgeBand::Seventies);
        // Identical single reports: romance against young people and against older
        // residents. Same score, reports and losses: the audience listed first wins.
        facts.add(
            date!(2026 - 11 - 01),
            0,
            "dating-scam",
            "",
            VictimType::Individual,
            young,
            1000,
            false,
        );
        facts.add(
            date!(2026 - 11 - 01),
            0,
            "dating-scam",
            "",
            VictimType::Individual,
            old,
            1000,
            false,
        );
        // A report with an issue and a type of one threat counts once.
        facts.add(
            date!(2026 - 11 - 01),
            0,
            "dating-scam",
            "romance_fraud",
            VictimType::Individual,
            old,
            0,
            false,
        );
        facts.add(
            date!(2026 - 11 - 01),
            0,
            "online-shopping-and-auctions",
            "",
            VictimType::Individual,
            old,
            1000,
            false,
        );
        let targets = rank_targets(&facts.set, &districts(), TargetingOptions::last_year(END));
        let pairs: Vec<(Audience, Threat)> = targets
            .ranked
            .iter()
            .map(|t| (t.audience, t.threat))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (Audience::OlderResidents, Threat::RomanceFraud),
                (Audience::OlderResidents, Threat::OnlineShoppingFraud),
                (Audience::YoungPeople, Threat::RomanceFraud),
            ]
        );
        assert_eq!(targets.ranked[0].reports, 2);
        assert_eq!(targets.ranked[1].score, targets.ranked[2].score);
    }

    #[test]
    fn no_facts_rank_nothing() {
        let targets = rank_targets(
            &FactSet::default(),
            &districts(),
            TargetingOptions::last_year(END),
        );
        assert!(targets.ranked.is_empty());
        assert_eq!(targets.unranked_reports, 0);
        let targets = rank_targets(
            &FactSet::default(),
            &Districts {
                area_name: String::new(),
                list: Vec::new(),
            },
            TargetingOptions::last_year(END),
        );
        assert_eq!(targets.area_population, 0);
    }
}
