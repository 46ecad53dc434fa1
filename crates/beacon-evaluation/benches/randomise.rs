//! Speed of randomisation: 1,000,000 contacts in 50 strata (10 districts × 5 age bands),
//! two arms 1:1, allocated individually and as 10,000 clusters (wards); and the balance
//! table of the individual allocation on the age band. Target: a stratified
//! randomisation of 1,000,000 contacts in under 1 s.
//!
//! Run with:
//!
//! ```text
//! cargo bench -p beacon-evaluation --bench randomise
//! ```
//!
//! The contacts come from a seeded ChaCha RNG, so every run sees the same data: random
//! 64-bit ids, a district and age band each, and a ward of the district. They are
//! generated in random order, not grouped by stratum, which is the slower case.
//!
//! No benchmark framework: a plain `main` timing loops with `std::time::Instant`, the
//! median of a few runs.

// A benchmark's whole output is its printed figures.
#![allow(clippy::print_stdout)]

use beacon_evaluation::{ArmSpec, Design, Unit, balance_table, randomise};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::hint::black_box;
use std::time::{Duration, Instant};

const UNITS: usize = 1_000_000;
const DISTRICTS: u64 = 10;
const AGE_BANDS: [&str; 5] = ["18-34", "35-49", "50-64", "65-74", "75+"];
const CLUSTERS: u64 = 10_000;
const RUNS: usize = 5;
const TARGET: Duration = Duration::from_secs(1);

fn main() {
    let (units, ages) = contacts();
    let arms = [ArmSpec::new("control", 1), ArmSpec::new("treatment", 1)];
    println!(
        "randomise {UNITS} contacts, {} strata, arms 1:1, median of {RUNS} runs",
        DISTRICTS as usize * AGE_BANDS.len()
    );

    for (label, design) in [
        ("individual", Design::Individual),
        ("cluster (10,000 wards)", Design::Cluster),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut allocation = None;
        for run in 0..RUNS {
            let started = Instant::now();
            let result = randomise(black_box(&units), &arms, 20_240_601 + run as u64, design)
                .expect("the generated contacts are valid");
            times.push(started.elapsed());
            allocation = Some(result);
        }
        let allocation = allocation.expect("at least one run");
        let time = median(&mut times);
        let widest = allocation
            .strata
            .iter()
            .map(|stratum| stratum.counts[0].abs_diff(stratum.counts[1]))
            .max()
            .unwrap_or(0);
        println!(
            "{label:>22}: {:>7.1} ms ({:.3} of the 1 s target: {}) | arms {:?}{} | largest arm difference within a stratum {widest}",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() / TARGET.as_secs_f64(),
            if time < TARGET { "met" } else { "NOT met" },
            allocation.counts,
            allocation
                .cluster_counts
                .as_ref()
                .map(|clusters| format!(", clusters {clusters:?}"))
                .unwrap_or_default(),
        );

        if design == Design::Individual {
            let attributes = [("age band".to_owned(), ages.clone())];
            let started = Instant::now();
            let table = balance_table(&units, &allocation, &attributes).expect("one age a unit");
            println!(
                "{:>22}: {:>7.1} ms | largest difference in share {:.5}",
                "balance table (age)",
                started.elapsed().as_secs_f64() * 1e3,
                table.max_difference()
            );
        }
    }
}

/// The generated contacts, and each one's age band for the balance table.
fn contacts() -> (Vec<Unit>, Vec<String>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0xBEAC0);
    let mut units = Vec::with_capacity(UNITS);
    let mut ages = Vec::with_capacity(UNITS);
    for _ in 0..UNITS {
        let district = rng.next_u64() % DISTRICTS;
        let age = AGE_BANDS[(rng.next_u64() % AGE_BANDS.len() as u64) as usize];
        let ward = district * (CLUSTERS / DISTRICTS) + rng.next_u64() % (CLUSTERS / DISTRICTS);
        units.push(Unit {
            id: rng.next_u64(),
            stratum: format!("E070001{district:02}|{age}"),
            cluster: Some(format!("W{ward:05}")),
        });
        ages.push(age.to_owned());
    }
    (units, ages)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}
