//! Throughput of IPv4 attribution (longest-prefix match) against 1,000, 100,000 and
//! 1,000,000 random owned ranges.
//!
//! Run with:
//!
//! ```text
//! cargo bench -p beacon-attribution
//! ```
//!
//! For each size it builds an [`Attributor`] from random ranges (prefix lengths /8–/32,
//! one owner per range, from a seeded ChaCha RNG so every run sees the same data), checks
//! a sample of answers against a brute-force linear scan, then times 10,000,000 lookups
//! of pre-generated random addresses (so RNG cost is outside the timing). Build time and
//! lookup rate are the median of five runs, because the machine may be busy. At 100,000
//! ranges it also times `attribute` on an event carrying each address. The target is at
//! least 10 million attributions per second against 100,000 ranges.
//!
//! No benchmark framework: a plain `main` timing loops with `std::time::Instant`.

// A benchmark's whole output is its printed figures.
#![allow(clippy::print_stdout)]

use beacon_attribution::{Attributor, Claim, OwnerId};
use beacon_core::{Cidr, Event, Tlp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];
const LOOKUPS: usize = 10_000_000;
const RUNS: usize = 5;
/// Linear-scan steps allowed per size for the correctness check (sample × ranges).
const CHECK_BUDGET: usize = 200_000_000;

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xBEAC0);
    let addresses: Vec<Ipv4Addr> = (0..LOOKUPS)
        .map(|_| Ipv4Addr::from(rng.random::<u32>()))
        .collect();
    println!("IPv4 attribution, {LOOKUPS} random addresses per run, median of {RUNS} runs");
    for size in SIZES {
        let claims = random_claims(&mut rng, size);

        let mut builds = Vec::with_capacity(RUNS);
        let mut attributor = Attributor::default();
        for _ in 0..RUNS {
            let started = Instant::now();
            attributor = Attributor::new(
                claims
                    .iter()
                    .map(|(owner, network)| (*owner, Claim::Network(*network))),
            );
            builds.push(started.elapsed());
        }
        let checked = check_against_brute_force(&attributor, &claims, &addresses);

        let mut lookups = Vec::with_capacity(RUNS);
        let mut matched = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            matched = 0;
            for address in &addresses {
                if black_box(attributor.owner_of_ip(IpAddr::V4(*address))).is_some() {
                    matched += 1;
                }
            }
            lookups.push(started.elapsed());
        }
        let lookup = median(&mut lookups);
        println!(
            "{size:>9} ranges: build {:>8.1} ms | owner_of_ip {:>6.1} M lookups/s ({:>5.1} ns each; runs {}) | {:.0}% matched | {} conflicts | brute-force check of {checked} addresses: ok",
            median(&mut builds).as_secs_f64() * 1e3,
            LOOKUPS as f64 / lookup.as_secs_f64() / 1e6,
            lookup.as_nanos() as f64 / LOOKUPS as f64,
            rates(&lookups),
            matched as f64 * 100.0 / LOOKUPS as f64,
            attributor.conflicts().len(),
        );

        if size == 100_000 {
            let (rate, runs) = time_events(&attributor, &addresses);
            println!(
                "{size:>9} ranges: attribute(event with source.ip) {rate:>6.1} M attributions/s (runs {runs}); target 10 M/s: {}",
                if rate >= 10.0 { "met" } else { "NOT met" }
            );
        }
    }
}

/// `size` random IPv4 ranges, /8 to /32, owned by owner `i` for the `i`th range. Many
/// short prefixes collide exactly, so conflicts and their tie-break are exercised too.
fn random_claims(rng: &mut ChaCha8Rng, size: usize) -> Vec<(OwnerId, Cidr)> {
    (0..size)
        .filter_map(|index| {
            let network = Cidr::new(
                IpAddr::V4(rng.random::<u32>().into()),
                rng.random_range(8..=32),
            )?;
            Some((OwnerId(u32::try_from(index).ok()?), network))
        })
        .collect()
}

/// Compares `owner_of_ip` with a linear scan on a sample of the addresses, and panics on
/// any difference: fast wrong answers are worthless. Returns how many were checked.
fn check_against_brute_force(
    attributor: &Attributor,
    claims: &[(OwnerId, Cidr)],
    addresses: &[Ipv4Addr],
) -> usize {
    let sample = (CHECK_BUDGET / claims.len()).clamp(100, 10_000);
    // Spread the sample over the whole address list rather than its first few.
    let step = addresses.len() / sample;
    for address in addresses.iter().step_by(step).take(sample) {
        let ip = IpAddr::V4(*address);
        let expected = claims
            .iter()
            .filter(|(_, network)| network.contains(ip))
            .max_by_key(|(owner, network)| (network.prefix(), std::cmp::Reverse(*owner)))
            .map(|(owner, _)| *owner);
        assert_eq!(attributor.owner_of_ip(ip), expected, "wrong owner for {ip}");
    }
    sample
}

/// Median rate (millions/s) and the per-run rates of `attribute` over one event whose
/// `source.ip` is set to each address in turn (setting a field costs next to nothing,
/// and one event keeps ten million `Event`s out of memory).
fn time_events(attributor: &Attributor, addresses: &[Ipv4Addr]) -> (f64, String) {
    let mut event = Event::new(
        "infected-system",
        "Benchmark",
        time::macros::datetime!(2026-11-29 00:00 UTC),
        Tlp::Green,
        String::new(),
    );
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        for address in addresses {
            event.source_ip = Some(IpAddr::V4(*address));
            black_box(attributor.attribute(black_box(&event)));
        }
        runs.push(started.elapsed());
    }
    let median = median(&mut runs);
    (
        addresses.len() as f64 / median.as_secs_f64() / 1e6,
        rates(&runs),
    )
}

fn median(durations: &mut [Duration]) -> Duration {
    durations.sort();
    durations[durations.len() / 2]
}

/// Each run's rate in millions per second, for judging how noisy the machine was.
fn rates(durations: &[Duration]) -> String {
    durations
        .iter()
        .map(|run| format!("{:.1}", LOOKUPS as f64 / run.as_secs_f64() / 1e6))
        .collect::<Vec<_>>()
        .join("/")
}
