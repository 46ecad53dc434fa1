//! The demo's campaign contacts: about 2,000 SYNTHETIC contacts as a contacts file
//! (`docs/contacts.md`): residents by district and age band, businesses by sector and
//! size (a quarter of them sole traders), and partner staff, some with consent evidence,
//! some with only a service relationship, some with nothing. Addresses use the reserved
//! `example.org` / `example.net` domains and Ofcom's drama range of mobile numbers
//! (07700 900000–900999), so nothing can reach a real person.
//!
//! Deterministic: the same seed gives the same file.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::fmt::Write;
use time::OffsetDateTime;
use time::macros::datetime;

/// When the demo imports its contacts (the demo's fixed clock for campaigns).
pub const CONTACTS_AT: OffsetDateTime = datetime!(2025-03-03 09:00 UTC);

/// The districts of LLR with their weight (roughly by population).
const DISTRICTS: [(&str, u32); 9] = [
    ("E06000016", 30),
    ("E06000017", 3),
    ("E07000129", 8),
    ("E07000130", 15),
    ("E07000131", 8),
    ("E07000132", 9),
    ("E07000133", 4),
    ("E07000134", 9),
    ("E07000135", 5),
];

const AGE_BANDS: [&str; 8] = [
    "0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+",
];
const AGE_WEIGHTS: [u32; 8] = [1, 8, 10, 11, 12, 14, 16, 12];
const SECTORS: [&str; 8] = [
    "retail",
    "hospitality",
    "construction",
    "professional services",
    "manufacturing",
    "health and care",
    "charity",
    "transport",
];
const SIZES: [(&str, u32); 4] = [("micro", 70), ("small", 20), ("medium", 8), ("large", 2)];

/// What the generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactsDemo {
    /// The contacts file.
    pub csv: String,
    /// Residents written.
    pub residents: u64,
    /// Businesses written (sole traders included).
    pub businesses: u64,
    /// Of which sole traders.
    pub sole_traders: u64,
    /// Partner staff written.
    pub staff: u64,
    /// Rows with consent evidence (consent or public task).
    pub with_evidence: u64,
}

fn weighted<T: Copy>(rng: &mut ChaCha20Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    let mut pick = rng.random_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[items.len() - 1].0
}

/// Writes the demo's contacts file from a seed.
pub fn generate_contacts(seed: u64) -> ContactsDemo {
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0xC0A7_AC75);
    let bands: Vec<(&str, u32)> = AGE_BANDS.into_iter().zip(AGE_WEIGHTS).collect();
    let mut demo = ContactsDemo {
        csv: "ref,kind,sole_trader,district,ward,age_band,sector,size,email,mobile,consent_channel,consent_basis,consent_given_at,consent_how,consent_wording\n".to_owned(),
        residents: 0,
        businesses: 0,
        sole_traders: 0,
        staff: 0,
        with_evidence: 0,
    };
    for n in 0..2_000u32 {
        let (kind, reference) = match n {
            0..1_400 => ("resident", format!("DEMO-R{n:05}")),
            1_400..1_850 => ("business", format!("DEMO-B{n:05}")),
            _ => ("staff", format!("DEMO-S{n:05}")),
        };
        let district = weighted(&mut rng, &DISTRICTS);
        let mut sole_trader = "";
        let (mut age_band, mut sector, mut size) = ("", "", "");
        match kind {
            "resident" => {
                demo.residents += 1;
                age_band = weighted(&mut rng, &bands);
            }
            "business" => {
                demo.businesses += 1;
                sector = SECTORS[rng.random_range(0..SECTORS.len())];
                if rng.random_bool(0.25) {
                    sole_trader = "yes";
                    size = "micro";
                    demo.sole_traders += 1;
                } else {
                    size = weighted(&mut rng, &SIZES);
                }
            }
            _ => {
                demo.staff += 1;
                age_band = weighted(&mut rng, &bands[1..7]);
            }
        }
        let email = rng.random_bool(0.85).then(|| {
            format!(
                "contact{n}@{}",
                if n % 2 == 0 {
                    "example.org"
                } else {
                    "example.net"
                }
            )
        });
        let mobile = rng
            .random_bool(0.35)
            .then(|| format!("07700 900{:03}", n % 1000));
        let channel = match (&email, &mobile) {
            (Some(_), Some(_)) if rng.random_bool(0.5) => Some("sms"),
            (Some(_), _) => Some("email"),
            (None, Some(_)) => Some("sms"),
            (None, None) => None,
        };
        let evidence = channel.and_then(|channel| {
            let roll: f64 = rng.random();
            let day = rng.random_range(1..=28);
            let month = rng.random_range(1..=12);
            let given = format!("2024-{month:02}-{day:02}");
            if roll < 0.45 {
                Some((
                    channel,
                    "consent",
                    given,
                    "web form",
                    "Send me fraud and scam alerts from the partnership",
                ))
            } else if roll < 0.75 {
                Some((
                    channel,
                    "public_task",
                    given,
                    "service record",
                    "Service messages about current scams and threats",
                ))
            } else {
                None
            }
        });
        let (consent_channel, basis, given, how, wording) = match &evidence {
            Some((channel, basis, given, how, wording)) => {
                demo.with_evidence += 1;
                (*channel, *basis, given.as_str(), *how, *wording)
            }
            None => ("", "", "", "", ""),
        };
        let _ = writeln!(
            demo.csv,
            "{reference},{kind},{sole_trader},{district},,{age_band},{sector},{size},{},{},{consent_channel},{basis},{given},{how},{wording}",
            email.as_deref().unwrap_or(""),
            mobile.as_deref().unwrap_or(""),
        );
    }
    demo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_file_and_the_counts_add_up() {
        let first = generate_contacts(7);
        assert_eq!(first, generate_contacts(7));
        assert_ne!(first.csv, generate_contacts(8).csv);
        assert_eq!(first.residents + first.businesses + first.staff, 2_000);
        assert_eq!(first.csv.lines().count(), 2_001);
        assert!(first.sole_traders > 50 && first.sole_traders < first.businesses);
        assert!(first.with_evidence > 800, "{}", first.with_evidence);
    }
}
