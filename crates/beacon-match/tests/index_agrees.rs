//! Property: the index finds exactly what comparing every product with every criterion
//! finds, for random inventories and advisories over a small vocabulary (so names
//! collide often, and ANY, NA, wildcards, derived CPEs, purls and loose names all meet).

use beacon_core::{
    Advisory, AdvisorySource, Applicability, Criterion, Priority, ProductEntry, ProductPattern,
    Tlp, VersionBounds,
};
use beacon_match::{Index, InventoryProduct, naive_match};
use proptest::prelude::*;

const VENDORS: [&str; 3] = ["acme", "globex", "*"];
const PRODUCTS: [&str; 4] = ["router", "router_firmware", "acme_server", "rout*"];
const VERSIONS: [&str; 6] = ["1.0", "1.5", "2.0", "2.0.1", "*", "-"];
const PACKAGES: [&str; 4] = [
    "pkg:npm/left-pad",
    "pkg:npm/%40acme/router",
    "pkg:pypi/acme-server",
    "pkg:maven/com.acme/router",
];

fn version() -> impl Strategy<Value = String> {
    prop::sample::select(&VERSIONS[..]).prop_map(str::to_owned)
}

fn concrete_version() -> impl Strategy<Value = String> {
    prop::sample::select(&VERSIONS[..4]).prop_map(str::to_owned)
}

fn part() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["a", "o", "h", "*"][..])
}

fn entry() -> impl Strategy<Value = ProductEntry> {
    let empty = ProductEntry {
        cpe: None,
        purl: None,
        vendor: None,
        product: None,
        version: None,
        derived_cpe: None,
    };
    let cpe_entry = {
        let empty = empty.clone();
        (
            part(),
            prop::sample::select(&VENDORS[..]),
            prop::sample::select(&PRODUCTS[..3]),
            version(),
        )
            .prop_map(move |(part, vendor, product, version)| ProductEntry {
                cpe: Some(format!(
                    "cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*"
                )),
                ..empty.clone()
            })
    };
    let purl_entry = {
        let empty = empty.clone();
        (
            prop::sample::select(&PACKAGES[..]),
            prop::option::of(concrete_version()),
        )
            .prop_map(move |(package, version)| ProductEntry {
                purl: Some(match version {
                    Some(v) => format!("{package}@{v}"),
                    None => package.to_owned(),
                }),
                ..empty.clone()
            })
    };
    let named_entry = (
        prop::sample::select(&["Acme", "ACME Corp", "Globex"][..]),
        prop::sample::select(&["Router", "Acme Router Firmware", "Server"][..]),
        prop::option::of(concrete_version()),
    )
        .prop_map(move |(vendor, product, version)| ProductEntry {
            vendor: Some(vendor.into()),
            product: Some(product.into()),
            version,
            ..empty.clone()
        });
    prop_oneof![cpe_entry, purl_entry, named_entry]
}

fn bounds() -> impl Strategy<Value = VersionBounds> {
    (
        prop::option::of(concrete_version()),
        prop::option::of(concrete_version()),
        prop::option::of(concrete_version()),
        prop::option::of(concrete_version()),
        prop::option::of(prop::sample::select(
            &["vers:generic/>=1.0|<2.0", "vers:npm/1.5", "vers:pypi/!=2.0"][..],
        )),
    )
        .prop_map(|(a, b, c, d, vers)| VersionBounds {
            start_including: a,
            start_excluding: b,
            end_including: c,
            end_excluding: d,
            vers: vers.map(str::to_owned),
            exact: None,
        })
}

fn pattern() -> impl Strategy<Value = ProductPattern> {
    prop_oneof![
        (
            part(),
            prop::sample::select(&VENDORS[..]),
            prop::sample::select(&PRODUCTS[..]),
            version()
        )
            .prop_map(|(part, vendor, product, version)| ProductPattern::Cpe {
                cpe: format!("cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*"),
            }),
        (
            prop::sample::select(&PACKAGES[..]),
            prop::option::of(concrete_version())
        )
            .prop_map(|(package, version)| ProductPattern::Purl {
                purl: match version {
                    Some(v) => format!("{package}@{v}"),
                    None => package.to_owned(),
                },
            }),
        (
            prop::sample::select(&["Acme", "Globex"][..]),
            prop::sample::select(&["Router", "Router Firmware", "Server"][..])
        )
            .prop_map(|(vendor, product)| ProductPattern::Named {
                vendor: vendor.into(),
                product: product.into(),
            }),
    ]
}

fn criterion() -> impl Strategy<Value = Criterion> {
    (pattern(), bounds(), any::<bool>()).prop_map(|(pattern, versions, vulnerable)| Criterion {
        pattern,
        versions,
        vulnerable,
        label: String::new(),
    })
}

fn advisory() -> impl Strategy<Value = Advisory> {
    (
        prop::collection::vec(
            prop::collection::vec(prop::collection::vec(criterion(), 1..3), 1..3),
            1..3,
        ),
        prop::collection::vec(criterion(), 0..2),
    )
        .prop_map(|(applicability, not_affected)| Advisory {
            source: AdvisorySource::Csaf,
            key: "X".into(),
            revision: "1".into(),
            revised_at: None,
            published_at: None,
            title: String::new(),
            summary: String::new(),
            action: String::new(),
            tlp: Tlp::Clear,
            priority: Priority::Normal,
            cves: vec!["CVE-2024-0001".into()],
            url: None,
            due: None,
            ransomware: false,
            cvss_tenths: None,
            applicability: applicability
                .into_iter()
                .map(|all_of| Applicability {
                    all_of,
                    cves: Vec::new(),
                })
                .collect(),
            not_affected,
        })
}

fn inventory() -> impl Strategy<Value = Vec<InventoryProduct>> {
    prop::collection::vec((0..3i64, 0..4i64, entry()), 0..25).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(id, (organisation_id, asset, entry))| InventoryProduct {
                organisation_id,
                asset_id: organisation_id * 10 + asset,
                product_id: id as i64,
                entry,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_index_finds_what_the_naive_scan_finds(products in inventory(), advisory in advisory()) {
        let index = Index::build(&products);
        prop_assert_eq!(index.match_advisory(&advisory), naive_match(&products, &advisory));
    }
}

#[test]
fn the_property_sees_matches() {
    // Guard against a generator that never matches (which would make the property
    // vacuous): a fixed seed must give many matching cases.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut matched = 0;
    for _ in 0..300 {
        let products = inventory().new_tree(&mut runner).expect("a tree").current();
        let advisory = advisory().new_tree(&mut runner).expect("a tree").current();
        if !naive_match(&products, &advisory).is_empty() {
            matched += 1;
        }
    }
    assert!(matched > 30, "only {matched} of 300 cases matched anything");
}
