//! Speed of advisory matching: a full re-match of ~1,900 advisories (the whole CISA KEV
//! catalogue plus 500 generated CSAF-like advisories) against 10,000 assets of 300
//! partners, one new advisory, and the naive all-pairs scan for comparison.
//!
//! Run with:
//!
//! ```text
//! cargo bench -p beacon-match
//! ```
//!
//! The KEV catalogue is the real one in `shared/data/external/advisories/kev`, each entry
//! one advisory with a named criterion (`vendorProject`, `product`). The CSAF-like
//! advisories and the inventory come from a seeded ChaCha RNG over a catalogue of
//! generated products (CPE with part, vendor, product; purls of npm, PyPI, Maven and
//! Debian packages) and some KEV vendor and product names, so every run sees the same
//! data and a realistic share of products matches. Each asset runs about three products:
//! a CPE, a purl, or vendor, product and version as a partner would type them.
//!
//! The naive scan ([`naive_match`]) prepares every product for every advisory, so it is
//! timed on a sample (every 20th advisory) and extrapolated; its matches on the sample
//! are checked equal to the index's. Targets: full re-match under 1 s, one advisory
//! under 10 ms, the index at least 100 times faster than the naive scan.
//!
//! No benchmark framework: a plain `main` timing loops with `std::time::Instant`.

// A benchmark's whole output is its printed figures.
#![allow(clippy::print_stdout)]

use beacon_core::{
    Advisory, AdvisorySource, Applicability, Criterion, Priority, ProductEntry, ProductPattern,
    Tlp, VersionBounds,
};
use beacon_match::{Index, InventoryProduct, naive_match};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

const PARTNERS: i64 = 300;
const ASSETS: i64 = 10_000;
const CSAF_ADVISORIES: usize = 500;
const RUNS: usize = 5;
const NAIVE_SAMPLE_EVERY: usize = 20;

/// A product the generated advisories and inventories share.
struct CatalogueProduct {
    part: &'static str,
    vendor: String,
    product: String,
    /// `pkg:npm/name` etc. for packages, with its ecosystem's version style.
    package: Option<String>,
}

fn kev_advisories() -> (Vec<Advisory>, Vec<(String, String)>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/external/advisories/kev/known_exploited_vulnerabilities.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let catalogue: serde_json::Value =
        serde_json::from_str(&text).expect("the KEV catalogue is JSON");
    let mut advisories = Vec::new();
    let mut names = Vec::new();
    for entry in catalogue["vulnerabilities"]
        .as_array()
        .expect("a vulnerability list")
    {
        let field = |name: &str| entry[name].as_str().unwrap_or_default().to_owned();
        let (vendor, product, cve) = (field("vendorProject"), field("product"), field("cveID"));
        names.push((vendor.clone(), product.clone()));
        advisories.push(advisory(
            AdvisorySource::Kev,
            &cve,
            vec![Applicability {
                all_of: vec![vec![Criterion {
                    pattern: ProductPattern::Named { vendor, product },
                    versions: VersionBounds::default(),
                    vulnerable: true,
                    label: String::new(),
                }]],
                cves: Vec::new(),
            }],
            vec![cve.clone()],
        ));
    }
    names.sort();
    names.dedup();
    (advisories, names)
}

fn advisory(
    source: AdvisorySource,
    key: &str,
    applicability: Vec<Applicability>,
    cves: Vec<String>,
) -> Advisory {
    Advisory {
        source,
        key: key.to_owned(),
        revision: "1".into(),
        revised_at: None,
        published_at: None,
        title: key.to_owned(),
        summary: String::new(),
        action: String::new(),
        tlp: Tlp::Clear,
        priority: Priority::High,
        cves,
        url: None,
        due: None,
        ransomware: false,
        cvss_tenths: None,
        applicability,
        not_affected: Vec::new(),
    }
}

fn catalogue(rng: &mut ChaCha8Rng) -> Vec<CatalogueProduct> {
    let mut products = Vec::new();
    for vendor in 0..120 {
        for product in 0..3 {
            let part = ["a", "o", "h"][rng.random_range(0..3)];
            products.push(CatalogueProduct {
                part,
                vendor: format!("vendor{vendor}"),
                product: format!("product{vendor}_{product}"),
                package: None,
            });
        }
    }
    for package in 0..200 {
        let ecosystem = ["npm", "pypi", "maven/org.example", "deb/debian"][package % 4];
        products.push(CatalogueProduct {
            part: "a",
            vendor: format!("pkgvendor{package}"),
            product: format!("package{package}"),
            package: Some(format!("pkg:{ecosystem}/package{package}")),
        });
    }
    products
}

fn version(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}.{}.{}",
        rng.random_range(1..6),
        rng.random_range(0..10),
        rng.random_range(0..20)
    )
}

fn csaf_advisories(rng: &mut ChaCha8Rng, catalogue: &[CatalogueProduct]) -> Vec<Advisory> {
    (0..CSAF_ADVISORIES)
        .map(|number| {
            let mut groups = Vec::new();
            for _ in 0..rng.random_range(1..4) {
                let product = catalogue.choose(rng).expect("a product");
                let (low, high) = {
                    let (a, b) = (version(rng), version(rng));
                    if beacon_match::compare(beacon_match::Scheme::Generic, &a, &b)
                        .is_some_and(|o| o.is_le())
                    {
                        (a, b)
                    } else {
                        (b, a)
                    }
                };
                let criterion = match &product.package {
                    Some(package) => Criterion {
                        pattern: ProductPattern::Purl {
                            purl: package.clone(),
                        },
                        versions: VersionBounds {
                            vers: Some(format!(
                                "vers:{}/>={low}|<{high}",
                                package[4..].split('/').next().unwrap_or("generic")
                            )),
                            ..Default::default()
                        },
                        vulnerable: true,
                        label: String::new(),
                    },
                    None => Criterion {
                        pattern: ProductPattern::Cpe {
                            cpe: format!(
                                "cpe:2.3:{}:{}:{}:*:*:*:*:*:*:*:*",
                                product.part, product.vendor, product.product
                            ),
                        },
                        versions: VersionBounds {
                            start_including: Some(low),
                            end_excluding: Some(high),
                            ..Default::default()
                        },
                        vulnerable: true,
                        label: String::new(),
                    },
                };
                groups.push(Applicability {
                    all_of: vec![vec![criterion]],
                    cves: vec![format!("CVE-2025-{:05}", number * 4 + groups.len())],
                });
            }
            let cves = groups.iter().flat_map(|g| g.cves.clone()).collect();
            advisory(
                AdvisorySource::Csaf,
                &format!("CSAF-{number}"),
                groups,
                cves,
            )
        })
        .collect()
}

fn inventory(
    rng: &mut ChaCha8Rng,
    catalogue: &[CatalogueProduct],
    kev_names: &[(String, String)],
) -> Vec<InventoryProduct> {
    let mut products = Vec::new();
    for asset in 0..ASSETS {
        let organisation = asset % PARTNERS;
        for _ in 0..rng.random_range(2..5) {
            let product = catalogue.choose(rng).expect("a product");
            let version = version(rng);
            let entry = match rng.random_range(0..10) {
                0..=3 => ProductEntry {
                    cpe: Some(format!(
                        "cpe:2.3:{}:{}:{}:{version}:*:*:*:*:*:*:*",
                        product.part, product.vendor, product.product
                    )),
                    ..empty()
                },
                4..=6 => match &product.package {
                    Some(package) => ProductEntry {
                        purl: Some(format!("{package}@{version}")),
                        ..empty()
                    },
                    None => ProductEntry {
                        vendor: Some(product.vendor.clone()),
                        product: Some(product.product.replace('_', " ")),
                        version: Some(version),
                        ..empty()
                    },
                },
                7..=8 => {
                    let (vendor, name) = kev_names.choose(rng).expect("a KEV name");
                    ProductEntry {
                        vendor: Some(vendor.clone()),
                        product: Some(name.clone()),
                        version: Some(version),
                        ..empty()
                    }
                }
                _ => ProductEntry {
                    vendor: Some(format!("In-house {}", rng.random_range(0..1000))),
                    product: Some(format!("Tool {}", rng.random_range(0..1000))),
                    version: Some(version),
                    ..empty()
                },
            };
            products.push(InventoryProduct {
                organisation_id: organisation,
                asset_id: asset,
                product_id: products.len() as i64,
                entry,
            });
        }
    }
    products
}

fn empty() -> ProductEntry {
    ProductEntry {
        cpe: None,
        purl: None,
        vendor: None,
        product: None,
        version: None,
        derived_cpe: None,
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xBEAC0);
    let (mut advisories, kev_names) = kev_advisories();
    let kev_count = advisories.len();
    let catalogue = catalogue(&mut rng);
    advisories.extend(csaf_advisories(&mut rng, &catalogue));
    let products = inventory(&mut rng, &catalogue, &kev_names);
    println!(
        "{} advisories ({kev_count} KEV, {CSAF_ADVISORIES} CSAF-like), {} products on {ASSETS} assets of {PARTNERS} partners",
        advisories.len(),
        products.len()
    );

    let mut builds = Vec::new();
    let mut index = Index::default();
    for _ in 0..RUNS {
        let started = Instant::now();
        index = Index::build(&products);
        builds.push(started.elapsed());
    }
    println!(
        "index build: {:.1} ms (median of {RUNS})",
        median(&mut builds).as_secs_f64() * 1e3
    );

    let mut full = Vec::new();
    let mut matches = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        matches = black_box(index.match_all(&advisories));
        full.push(started.elapsed());
    }
    let full = median(&mut full);
    let certain = matches
        .iter()
        .filter(|(_, m)| m.confidence == beacon_core::Confidence::Certain)
        .count();
    println!(
        "full re-match: {:.1} ms (median of {RUNS}), {} matches ({certain} certain, {} possible)",
        full.as_secs_f64() * 1e3,
        matches.len(),
        matches.len() - certain
    );

    let mut singles: Vec<Duration> = advisories
        .iter()
        .map(|advisory| {
            let started = Instant::now();
            black_box(index.match_advisory(advisory));
            started.elapsed()
        })
        .collect();
    let worst = *singles.iter().max().expect("advisories");
    println!(
        "one advisory: median {:.3} ms, worst {:.3} ms (each of {} timed once)",
        median(&mut singles).as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        advisories.len()
    );

    let sample: Vec<usize> = (0..advisories.len()).step_by(NAIVE_SAMPLE_EVERY).collect();
    let started = Instant::now();
    let naive: Vec<(usize, beacon_match::Match)> = sample
        .iter()
        .flat_map(|&position| {
            naive_match(&products, &advisories[position])
                .into_iter()
                .map(move |m| (position, m))
        })
        .collect();
    let naive_time = started.elapsed();
    let indexed: Vec<(usize, beacon_match::Match)> = matches
        .iter()
        .filter(|(position, _)| position % NAIVE_SAMPLE_EVERY == 0)
        .cloned()
        .collect();
    assert_eq!(naive, indexed, "the naive scan and the index disagree");
    let extrapolated = naive_time.as_secs_f64() * advisories.len() as f64 / sample.len() as f64;
    println!(
        "naive scan: {:.2} s for {} sampled advisories (every {NAIVE_SAMPLE_EVERY}th), {:.1} s extrapolated to all; {} matches on the sample, equal to the index's",
        naive_time.as_secs_f64(),
        sample.len(),
        extrapolated,
        naive.len()
    );
    println!(
        "index is {:.0}x faster than the naive scan",
        extrapolated / full.as_secs_f64()
    );
}
