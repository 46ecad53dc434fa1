//! The demo's front-door reports: a few dozen SYNTHETIC local reports as residents and
//! businesses would leave them through `/report` with their consent, spread over the
//! districts, sectors and kinds of incident, submitted during 2019 (inside the demo
//! data's years), so the dashboard's front-door table and `beacon front-door` show
//! something.
//!
//! Deterministic: the same seed gives the same reports, references included.

use beacon_core::front_door::{BusinessSector, ContactMethod, WhatHappened, reference_from};
use beacon_store::NewFrontDoorReport;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use time::macros::{date, time};

/// How many reports the demo leaves.
pub const REPORTS: u32 = 40;

/// How many of them are from businesses.
pub const FROM_BUSINESSES: u32 = 12;

/// The districts of LLR with their weight (roughly by population), then outside the
/// area and not sure.
const PLACES: [(&str, u32); 11] = [
    ("E06000016", 30),
    ("E06000017", 3),
    ("E07000129", 8),
    ("E07000130", 15),
    ("E07000131", 8),
    ("E07000132", 9),
    ("E07000133", 4),
    ("E07000134", 9),
    ("E07000135", 5),
    ("outside", 3),
    ("not_sure", 2),
];

/// What residents report, with weights.
const RESIDENT_INCIDENTS: [(WhatHappened, u32); 9] = [
    (WhatHappened::Phishing, 10),
    (WhatHappened::HackedAccount, 6),
    (WhatHappened::OnlineShopping, 7),
    (WhatHappened::Investment, 3),
    (WhatHappened::Romance, 2),
    (WhatHappened::Impersonation, 5),
    (WhatHappened::Sextortion, 2),
    (WhatHappened::Malware, 1),
    (WhatHappened::Other, 1),
];

/// What businesses report, with weights.
const BUSINESS_INCIDENTS: [(WhatHappened, u32); 5] = [
    (WhatHappened::Phishing, 6),
    (WhatHappened::InvoiceFraud, 5),
    (WhatHappened::Malware, 3),
    (WhatHappened::HackedAccount, 3),
    (WhatHappened::OnlineShopping, 1),
];

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

/// How such an incident usually begins.
fn contact_for(what: WhatHappened, rng: &mut ChaCha20Rng) -> ContactMethod {
    let choices: &[ContactMethod] = match what {
        WhatHappened::Phishing => &[
            ContactMethod::Email,
            ContactMethod::TextMessage,
            ContactMethod::PhoneCall,
        ],
        WhatHappened::Impersonation => &[ContactMethod::PhoneCall, ContactMethod::InPerson],
        WhatHappened::Romance | WhatHappened::Sextortion => {
            &[ContactMethod::SocialMedia, ContactMethod::Website]
        }
        WhatHappened::InvoiceFraud => &[ContactMethod::Email, ContactMethod::Letter],
        WhatHappened::OnlineShopping | WhatHappened::Investment => {
            &[ContactMethod::Website, ContactMethod::SocialMedia]
        }
        _ => &[ContactMethod::Email, ContactMethod::Other],
    };
    choices[rng.random_range(0..choices.len())]
}

/// The demo's reports from a seed: [`REPORTS`] of them, [`FROM_BUSINESSES`] from
/// businesses.
pub fn generate_front_door(seed: u64) -> Vec<NewFrontDoorReport> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0xF0_0D_D0_0E);
    let first = date!(2019 - 01 - 01);
    (0..REPORTS)
        .map(|n| {
            // Spread the businesses evenly: exactly FROM_BUSINESSES of every REPORTS.
            let business = (n * FROM_BUSINESSES) % REPORTS < FROM_BUSINESSES;
            let what = if business {
                weighted(&mut rng, &BUSINESS_INCIDENTS)
            } else {
                weighted(&mut rng, &RESIDENT_INCIDENTS)
            };
            let submitted_on = first + time::Duration::days(rng.random_range(0..365));
            let occurred_on = rng
                .random_bool(0.8)
                .then(|| submitted_on - time::Duration::days(rng.random_range(0..21)));
            let loss_pence = match rng.random_range(0..10) {
                0..4 => Some(0),
                4..9 => Some(rng.random_range(10..5_000) * 100 + rng.random_range(0..100)),
                _ => None,
            };
            let sectors = BusinessSector::ALL;
            NewFrontDoorReport {
                reference: reference_from(std::iter::repeat_with(|| rng.random::<u32>())),
                submission_key: format!("demo-front-door-{seed}-{n}"),
                submitted_at: submitted_on
                    .with_time(time!(9:00) + time::Duration::minutes(rng.random_range(0..600)))
                    .assume_utc(),
                reporter: if business { "business" } else { "resident" }.to_owned(),
                what_happened: what.key().to_owned(),
                occurred_on,
                loss_pence,
                contact_method: contact_for(what, &mut rng).key().to_owned(),
                business_size: business.then(|| {
                    ["micro", "micro", "small", "medium"][rng.random_range(0..4)].to_owned()
                }),
                business_sector: business
                    .then(|| sectors[rng.random_range(0..sectors.len())].key().to_owned()),
                place: weighted(&mut rng, &PLACES).to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_reports_within_2019() {
        let reports = generate_front_door(7);
        assert_eq!(reports, generate_front_door(7));
        assert_eq!(reports.len(), REPORTS as usize);
        let businesses = reports.iter().filter(|r| r.reporter == "business").count();
        assert_eq!(businesses, FROM_BUSINESSES as usize);
        for report in &reports {
            assert_eq!(report.submitted_at.year(), 2019);
            assert!(
                report
                    .occurred_on
                    .is_none_or(|day| day <= report.submitted_at.date())
            );
            assert_eq!(
                report.business_sector.is_some(),
                report.reporter == "business"
            );
        }
        let references: std::collections::BTreeSet<_> =
            reports.iter().map(|r| r.reference.as_str()).collect();
        assert_eq!(references.len(), reports.len());
    }
}
