//! One synthetic report, and how a month's reports are made from its plan.
//!
//! Each month has its own random stream (from the seed, year and month), so months do
//! not disturb each other. Reported dates are drawn first and sorted, then rows are made
//! in date order, so a repeat victim always appears after their first report.

use crate::people::{Earlier, Keys, Pool, Sex, Victim, vulnerable};
use crate::places::Place;
use crate::plan::{MonthPlan, SPIKES};
use crate::profiles::{Contact, Issue, LossModel};
use crate::sampling::{month_stream, normal};
use crate::world::World;
use beacon_core::Category;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month, Weekday};

/// Share of individual reports made by an earlier victim (same key, repeat_victim = Y).
const REUSE_VICTIM: f64 = 0.08;
/// Share of other reports whose victim says they were a victim before.
const SAYS_REPEAT: f64 = 0.04;
/// Share of reports with no offence date.
const NO_OFFENCE_DATE: f64 = 0.07;
/// Share of reports with no contact method.
const NO_CONTACT: f64 = 0.02;

/// A generated report, held compactly until it is written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Sequence within the reported month (the last part of the reference).
    pub seq: u64,
    /// Day reported.
    pub reported: Date,
    /// Day of the offence, where known.
    pub offence: Option<Date>,
    /// Index into `PROFILES`.
    pub profile: u8,
    /// The victim.
    pub victim: Victim,
    /// Contact route, where known.
    pub contact: Option<Contact>,
    /// Location.
    pub place: Place,
    /// Loss in pence; `None` is unknown.
    pub loss: Option<i64>,
    /// Enabled by a digital device.
    pub cyber_enabled: bool,
    /// Judged vulnerable.
    pub vulnerable: bool,
    /// Victim says they were a victim before.
    pub repeat_victim: bool,
    /// Pseudonymous victim key.
    pub victim_key: u64,
    /// Which summary sentence.
    pub text: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Fraud,
    Cyber,
    Spike(usize),
}

/// Makes months of rows, remembering victims and keys across months.
#[derive(Debug)]
pub(crate) struct Maker {
    world: &'static World,
    seed: u64,
    keys: Keys,
    pool: Pool,
}

impl Maker {
    /// A maker for a seed.
    pub(crate) fn new(world: &'static World, seed: u64) -> Maker {
        Maker {
            world,
            seed,
            keys: Keys::new(seed),
            pool: Pool::default(),
        }
    }

    /// The rows of one month, in reported-date order.
    pub(crate) fn month(&mut self, plan: &MonthPlan) -> Vec<Row> {
        let mut rng = month_stream(self.seed, plan.year, plan.month0);
        let month = Month::try_from(plan.month0 + 1).expect("months are 1-12");
        let last = time::util::days_in_month(month, plan.year);
        let capacity = usize::try_from(plan.total()).unwrap_or(0);
        let mut slots: Vec<(Date, Slot)> = Vec::with_capacity(capacity);
        for _ in 0..plan.fraud {
            slots.push((day(&mut rng, plan.year, month, 1, last), Slot::Fraud));
        }
        for _ in 0..plan.cyber {
            slots.push((day(&mut rng, plan.year, month, 1, last), Slot::Cyber));
        }
        for &(index, count) in &plan.spikes {
            let spike = &SPIKES[index];
            let (first, end) = (spike.first_day.min(last), spike.last_day.min(last));
            for _ in 0..count {
                slots.push((
                    day(&mut rng, plan.year, month, first, end),
                    Slot::Spike(index),
                ));
            }
        }
        slots.shuffle(&mut rng);
        slots.sort_by_key(|(date, _)| *date);
        let mut seq = 0;
        slots
            .into_iter()
            .map(|(date, slot)| {
                seq += rng.random_range(1..=40);
                self.row(&mut rng, date, slot, seq)
            })
            .collect()
    }

    fn row(&mut self, rng: &mut ChaCha8Rng, reported: Date, slot: Slot, seq: u64) -> Row {
        let world = self.world;
        let (profile_index, fixed_district) = match slot {
            Slot::Fraud => (world.fraud.sample(rng), None),
            Slot::Cyber => (world.cyber.sample(rng), None),
            Slot::Spike(index) => (
                world.spike_profile[index],
                Some(world.spike_district[index]),
            ),
        };
        let profile = world.profile(profile_index);
        let issue = profile.issue;
        let place_for = |rng: &mut ChaCha8Rng| match fixed_district {
            Some(district) => world.places.within(rng, district, false),
            None => world.places.anywhere(rng),
        };
        let (victim, place, victim_key, repeat_victim) = if rng.random_bool(profile.org_share) {
            let victim = world.people.organisation(rng, issue);
            let place = place_for(rng);
            (victim, place, self.keys.fresh(), rng.random_bool(0.06))
        } else if fixed_district.is_none()
            && rng.random_bool(REUSE_VICTIM)
            && let Some(earlier) = self.pool.pick(rng, issue)
        {
            let victim = Victim::Individual {
                age: earlier.age,
                sex: earlier.sex,
            };
            (victim, earlier.place, earlier.key, true)
        } else {
            let age = world.people.age(rng, profile.ages);
            let sex: Option<Sex> = world.people.sex(rng, profile.female);
            let place = place_for(rng);
            let key = self.keys.fresh();
            self.pool.remember(
                issue,
                Earlier {
                    key,
                    age,
                    sex,
                    place,
                },
            );
            (
                Victim::Individual { age, sex },
                place,
                key,
                rng.random_bool(SAYS_REPEAT),
            )
        };
        let offence = offence_date(rng, reported, issue);
        let contact = if rng.random_bool(NO_CONTACT) {
            None
        } else {
            Some(world.contacts[usize::from(profile_index)].sample(rng))
        };
        let loss = loss(rng, &profile.loss, victim.is_organisation());
        let cyber_enabled = match world.category(profile_index) {
            Category::Cyber => true,
            Category::Fraud => {
                let chance = match contact {
                    Some(Contact::InPerson | Contact::Post) => profile.cyber_enabled.min(0.05),
                    _ => profile.cyber_enabled,
                };
                rng.random_bool(chance)
            }
        };
        let vulnerable = vulnerable(rng, &victim, issue);
        let sentences = profile.sentences(victim.is_organisation()).len();
        let text = rng.random_range(0..sentences) as u8;
        Row {
            seq,
            reported,
            offence,
            profile: profile_index,
            victim,
            contact,
            place,
            loss,
            cyber_enabled,
            vulnerable,
            repeat_victim,
            victim_key,
            text,
        }
    }
}

/// A day in `first..=last` of the month; weekends are a little quieter.
fn day<R: Rng>(rng: &mut R, year: i32, month: Month, first: u8, last: u8) -> Date {
    loop {
        let day = rng.random_range(first..=last);
        let date = Date::from_calendar_date(year, month, day).expect("day is within the month");
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend || rng.random_bool(0.65) {
            return date;
        }
    }
}

/// The offence date: usually a few days before the report, never after it.
fn offence_date<R: Rng>(rng: &mut R, reported: Date, issue: Option<Issue>) -> Option<Date> {
    if rng.random_bool(NO_OFFENCE_DATE) {
        return None;
    }
    let days_before: i64 = match issue {
        Some(Issue::Courier) => rng.random_range(0..=3),
        Some(Issue::Romance) => rng.random_range(14..=300),
        Some(Issue::Sextortion) => rng.random_range(0..=7),
        _ => {
            let draw = rng.random::<f64>();
            if draw < 0.45 {
                rng.random_range(0..=3)
            } else if draw < 0.80 {
                rng.random_range(4..=21)
            } else if draw < 0.95 {
                rng.random_range(22..=90)
            } else {
                rng.random_range(91..=365)
            }
        }
    };
    reported.checked_sub(Duration::days(days_before))
}

/// A loss in pence: unknown, zero, under £250, or log-normal from £250 up.
fn loss<R: Rng>(rng: &mut R, model: &LossModel, organisation: bool) -> Option<i64> {
    if rng.random_bool(model.unknown) {
        return None;
    }
    if rng.random_bool(model.zero) {
        return Some(0);
    }
    if rng.random_bool(model.small) {
        let pounds = (60f64.ln() + 0.9 * normal(rng)).exp();
        return Some(((pounds * 100.0).round() as i64).clamp(100, 24_999));
    }
    let mu = model.big_mean.ln() - model.sigma * model.sigma / 2.0;
    let cap = if organisation {
        model.cap
    } else {
        model.individual_cap
    };
    let pounds = (mu + model.sigma * normal(rng))
        .exp()
        .clamp(250.0, cap.max(250.0));
    let pence = if rng.random_bool(0.7) {
        pounds.round() as i64 * 100
    } else {
        (pounds * 100.0).round() as i64
    };
    Some(pence)
}
