//! The demo's business engagement log: SYNTHETIC small and medium firms across the
//! area's districts and sectors, reached at events, on visits and by email through 2019,
//! some once, some again months later (sustained reach), and one malformed row so the
//! quarantine shows. Deterministic: the same seed gives the same file.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;
use time::macros::date;
use time::{Date, Duration};

/// How many SYNTHETIC businesses the log names.
pub const BUSINESSES: usize = 80;

const DISTRICTS: [&str; 9] = [
    "E06000016",
    "E06000017",
    "E07000129",
    "E07000130",
    "E07000131",
    "E07000132",
    "E07000133",
    "E07000134",
    "E07000135",
];

const SECTORS: [&str; 8] = [
    "retail",
    "professional services",
    "manufacturing",
    "hospitality",
    "construction",
    "charity",
    "transport",
    "agriculture",
];

const SIZES: [&str; 3] = ["micro", "small", "medium"];

const WORDS: [&str; 16] = [
    "Soar",
    "Wreake",
    "Charnwood",
    "Beacon Hill",
    "Welland",
    "Rutland Water",
    "Foxton",
    "Bradgate",
    "Sence",
    "Swithland",
    "Quorn",
    "Eye Brook",
    "Burbage",
    "Anstey",
    "Ivanhoe",
    "Ashby",
];

const TRADES: [(&str, &str); 8] = [
    ("retail", "Stores"),
    ("professional services", "Accountants"),
    ("manufacturing", "Engineering"),
    ("hospitality", "Kitchen"),
    ("construction", "Builders"),
    ("charity", "Trust"),
    ("transport", "Haulage"),
    ("agriculture", "Farms"),
];

/// The log as an engagement file (`docs/engagement.md`), with one malformed row.
pub fn engagement_file(seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5e6a_6e11);
    let mut out = String::from("business,sector,size,district,how,date,note\n");
    let year_start: Date = date!(2019 - 01 - 07);
    for index in 0..BUSINESSES {
        let sector = SECTORS[index % SECTORS.len()];
        let trade = TRADES
            .iter()
            .find(|(key, _)| *key == sector)
            .map_or("Ltd", |(_, trade)| trade);
        let name = format!(
            "{} {trade} {} (synthetic)",
            WORDS[index % WORDS.len()],
            index / WORDS.len() + 1
        );
        let district = DISTRICTS[rng.random_range(0..DISTRICTS.len())];
        let size = SIZES[rng.random_range(0..SIZES.len())];
        // Most are reached once; a third again months later; a few often.
        let times = match rng.random_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 4,
        };
        let mut day = year_start + Duration::days(rng.random_range(0..330));
        for time in 0..times {
            let how = match (time, rng.random_range(0..3)) {
                (0, 0) => "event",
                (0, _) => "visit",
                (_, 0) => "visit",
                _ => "email",
            };
            let _ = writeln!(
                out,
                "{name},{sector},{size},{district},{how},{day},{}",
                if how == "event" {
                    "Cyber security workshop"
                } else {
                    ""
                }
            );
            day += Duration::days(rng.random_range(60..150));
            if day > date!(2019 - 12 - 20) {
                break;
            }
        }
    }
    out.push_str("Nameless row (synthetic),retail,micro,Nowhere,phone,2019-13-01,\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_the_same_for_a_seed() {
        assert_eq!(engagement_file(1), engagement_file(1));
        assert_ne!(engagement_file(1), engagement_file(2));
        assert!(engagement_file(1).lines().count() > BUSINESSES);
    }
}
