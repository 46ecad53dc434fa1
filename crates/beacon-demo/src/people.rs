//! Victims: ages, genders, organisations, vulnerability, pseudonymous keys and the pool
//! of earlier victims that repeat victimisation draws from.
//!
//! Victim keys are `V` and ten hex digits made by a bijection of a running counter
//! (40 bits), so two victims never share a key by accident.

use crate::profiles::{Ages, Issue};
use crate::sampling::{Weighted, normal};
use rand::Rng;

/// A victim's gender as the CSV spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    /// `female`.
    Female,
    /// `male`.
    Male,
}

impl Sex {
    /// The CSV spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

/// Size of an organisation victim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Size {
    /// Fewer than 10 staff.
    Micro,
    /// 10 to 49 staff.
    Small,
    /// 50 to 249 staff.
    Medium,
    /// 250 or more.
    Large,
}

impl Size {
    /// The CSV spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Size::Micro => "micro",
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        }
    }
}

/// Organisation sectors, as the CSV spells them, with their weights.
const SECTORS: &[(&str, f64)] = &[
    ("retail", 22.0),
    ("professional services", 18.0),
    ("manufacturing", 12.0),
    ("hospitality", 10.0),
    ("construction", 8.0),
    ("education", 6.0),
    ("health", 6.0),
    ("charity", 6.0),
    ("public sector", 4.0),
    ("transport", 4.0),
    ("agriculture", 4.0),
];

/// Who the victim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Victim {
    /// A person.
    Individual {
        /// Age in whole years.
        age: u8,
        /// Gender, where recorded.
        sex: Option<Sex>,
    },
    /// A business, charity or public body.
    Organisation {
        /// Sector, as the CSV spells it.
        sector: &'static str,
        /// Staff size band.
        size: Size,
    },
}

impl Victim {
    /// True for organisations.
    pub(crate) fn is_organisation(&self) -> bool {
        matches!(self, Victim::Organisation { .. })
    }

    /// The age of an individual.
    pub(crate) fn age(&self) -> Option<u8> {
        match self {
            Victim::Individual { age, .. } => Some(*age),
            Victim::Organisation { .. } => None,
        }
    }
}

/// Samplers for victim attributes, built once per run.
#[derive(Debug, Clone)]
pub(crate) struct People {
    general: Weighted<u8>,
    older: Weighted<u8>,
    younger: Weighted<u8>,
    courier: Weighted<u8>,
    sectors: Weighted<&'static str>,
    sizes: Weighted<Size>,
    ransomware_sizes: Weighted<Size>,
}

/// Age-band weights for 16-19, 20s, 30s, 40s, 50s, 60s, 70s, 80+.
fn bands(weights: [f64; 8]) -> Weighted<u8> {
    Weighted::new((0u8..8).zip(weights))
}

impl People {
    /// Builds the samplers.
    pub(crate) fn new() -> People {
        People {
            general: bands([2.0, 14.0, 17.0, 17.0, 18.0, 15.0, 11.0, 6.0]),
            older: bands([0.5, 4.0, 7.0, 10.0, 16.0, 22.0, 24.0, 16.5]),
            younger: bands([5.0, 28.0, 24.0, 17.0, 13.0, 8.0, 4.0, 1.0]),
            // More than half 80+, 3% under 50 (Action Fraud, 2017-19).
            courier: bands([0.0, 0.5, 0.7, 1.8, 6.0, 12.0, 24.0, 55.0]),
            sectors: Weighted::new(SECTORS.iter().copied()),
            sizes: Weighted::new([
                (Size::Micro, 45.0),
                (Size::Small, 30.0),
                (Size::Medium, 15.0),
                (Size::Large, 10.0),
            ]),
            // Ransomware: most reporting organisations are small businesses.
            ransomware_sizes: Weighted::new([
                (Size::Micro, 35.0),
                (Size::Small, 40.0),
                (Size::Medium, 17.0),
                (Size::Large, 8.0),
            ]),
        }
    }

    /// An age in whole years for an age profile.
    pub(crate) fn age<R: Rng>(&self, rng: &mut R, ages: Ages) -> u8 {
        let table = match ages {
            Ages::General => &self.general,
            Ages::Older => &self.older,
            Ages::Younger => &self.younger,
            Ages::Courier => &self.courier,
            Ages::Romance => {
                let age = (50.0 + 12.0 * normal(rng)).round().clamp(19.0, 88.0);
                return age as u8;
            }
            Ages::Sextortion => {
                let draw = rng.random::<f64>();
                return if draw < 0.80 {
                    rng.random_range(17..=25)
                } else if draw < 0.88 {
                    rng.random_range(26..=59)
                } else {
                    rng.random_range(60..=76)
                };
            }
        };
        match table.sample(rng) {
            0 => rng.random_range(16..=19),
            7 => {
                // 80 and over, thinning out towards the late 90s.
                let skew = rng.random::<f64>().powf(1.6);
                80 + (skew * 17.0) as u8
            }
            band => 10 * (band + 1) + rng.random_range(0..10),
        }
    }

    /// A gender, where recorded (3% not recorded).
    pub(crate) fn sex<R: Rng>(&self, rng: &mut R, female: f64) -> Option<Sex> {
        if rng.random_bool(0.03) {
            None
        } else if rng.random_bool(female) {
            Some(Sex::Female)
        } else {
            Some(Sex::Male)
        }
    }

    /// An organisation victim.
    pub(crate) fn organisation<R: Rng>(&self, rng: &mut R, issue: Option<Issue>) -> Victim {
        let sizes = if issue == Some(Issue::Ransomware) {
            &self.ransomware_sizes
        } else {
            &self.sizes
        };
        Victim::Organisation {
            sector: self.sectors.sample(rng),
            size: sizes.sample(rng),
        }
    }
}

/// Whether the reporting officer judged the victim vulnerable.
pub(crate) fn vulnerable<R: Rng>(rng: &mut R, victim: &Victim, issue: Option<Issue>) -> bool {
    let Some(age) = victim.age() else {
        return false;
    };
    let base = match age {
        0..=17 => 0.45,
        18..=69 => 0.04,
        70..=79 => 0.15,
        _ => 0.30,
    };
    let chance: f64 = match issue {
        Some(Issue::Courier) => (base * 2.5_f64).max(0.45),
        Some(Issue::Romance) => base + 0.25,
        Some(Issue::Sextortion) => base + 0.10,
        _ => base,
    };
    rng.random_bool(chance.min(0.9))
}

/// Makes victim keys: a bijection of a counter onto 40 bits, offset by the seed.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    offset: u64,
    next: u64,
}

const KEY_MASK: u64 = (1 << 40) - 1;

impl Keys {
    /// Keys for a seed.
    pub(crate) fn new(seed: u64) -> Keys {
        Keys {
            offset: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24,
            next: 0,
        }
    }

    /// A key never handed out before in this run.
    pub(crate) fn fresh(&mut self) -> u64 {
        let counter = self.next;
        self.next += 1;
        mix40(counter.wrapping_add(self.offset))
    }
}

/// A bijection on 40-bit numbers (odd multipliers and xor-shifts modulo 2^40).
fn mix40(value: u64) -> u64 {
    let mut x = value & KEY_MASK;
    x = x.wrapping_mul(0x9E37_79B9_7F4B) & KEY_MASK;
    x ^= x >> 19;
    x = x.wrapping_mul(0xC2B2_AE3D_27D5) & KEY_MASK;
    x ^= x >> 21;
    x
}

/// Writes a victim key as the CSV holds it: `V` and ten lower-case hex digits.
pub(crate) fn write_key(out: &mut String, key: u64) {
    use std::fmt::Write as _;
    let _ = write!(out, "V{key:010x}");
}

/// An earlier victim who may report again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Earlier {
    /// Their key.
    pub key: u64,
    /// Their age.
    pub age: u8,
    /// Their gender.
    pub sex: Option<Sex>,
    /// Where they live: district index and postcode index, as first reported.
    pub place: crate::places::Place,
}

/// Recent individual victims, kept per kind of crime so that a courier-fraud victim
/// is targeted again by courier fraudsters. Bounded: memory stays flat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pool {
    classes: [Vec<Earlier>; 5],
    next: [usize; 5],
}

const POOL_SIZE: usize = 2_048;

fn class(issue: Option<Issue>) -> usize {
    match issue {
        None => 0,
        Some(Issue::Courier) => 1,
        Some(Issue::Romance) => 2,
        Some(Issue::Sextortion) => 3,
        Some(Issue::Ransomware) => 4,
    }
}

impl Pool {
    /// Remembers a new individual victim.
    pub(crate) fn remember(&mut self, issue: Option<Issue>, victim: Earlier) {
        let class = class(issue);
        let list = &mut self.classes[class];
        if list.len() < POOL_SIZE {
            list.push(victim);
        } else {
            list[self.next[class]] = victim;
            self.next[class] = (self.next[class] + 1) % POOL_SIZE;
        }
    }

    /// An earlier victim of the same kind of crime, if any.
    pub(crate) fn pick<R: Rng>(&self, rng: &mut R, issue: Option<Issue>) -> Option<Earlier> {
        let list = &self.classes[class(issue)];
        if list.is_empty() {
            None
        } else {
            Some(list[rng.random_range(0..list.len())])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::stream;
    use std::collections::HashSet;

    #[test]
    fn keys_never_repeat() {
        let mut keys = Keys::new(42);
        let seen: HashSet<u64> = (0..200_000).map(|_| keys.fresh()).collect();
        assert_eq!(seen.len(), 200_000);
        assert!(seen.iter().all(|&k| k <= KEY_MASK));
        let mut text = String::new();
        write_key(&mut text, 0xab);
        assert_eq!(text, "V00000000ab");
    }

    #[test]
    fn courier_victims_are_mostly_very_old() {
        let people = People::new();
        let mut rng = stream(1, 9);
        let ages: Vec<u8> = (0..20_000)
            .map(|_| people.age(&mut rng, Ages::Courier))
            .collect();
        let over_80 = ages.iter().filter(|&&a| a >= 80).count() as f64 / 20_000.0;
        let under_50 = ages.iter().filter(|&&a| a < 50).count() as f64 / 20_000.0;
        assert!(over_80 > 0.5, "{over_80}");
        assert!((0.02..0.04).contains(&under_50), "{under_50}");
        assert!(ages.iter().all(|&a| a <= 97));
    }
}
