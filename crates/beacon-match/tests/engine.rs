//! Known answers for the matching engine: every NVD range boundary, an NVD AND
//! configuration (firmware on hardware), purl ecosystems, `vers` ranges, named
//! products and not-affected products. Each case runs through both [`Index`] and
//! [`naive_match`].

use beacon_core::{
    Advisory, AdvisorySource, Applicability, Confidence, Criterion, Priority, ProductEntry,
    ProductPattern, Tlp, VersionBounds,
};
use beacon_match::{Index, InventoryProduct, Match, VersRange, naive_match};

fn advisory(applicability: Vec<Applicability>) -> Advisory {
    Advisory {
        source: AdvisorySource::Nvd,
        key: "CVE-2023-28771".into(),
        revision: "1".into(),
        revised_at: None,
        published_at: None,
        title: "test".into(),
        summary: String::new(),
        action: String::new(),
        tlp: Tlp::Clear,
        priority: Priority::High,
        cves: vec!["CVE-2023-28771".into()],
        url: None,
        due: None,
        ransomware: false,
        cvss_tenths: None,
        applicability,
        not_affected: Vec::new(),
    }
}

fn criterion(pattern: ProductPattern, versions: VersionBounds, vulnerable: bool) -> Criterion {
    Criterion {
        pattern,
        versions,
        vulnerable,
        label: String::new(),
    }
}

fn cpe(text: &str) -> ProductPattern {
    ProductPattern::Cpe { cpe: text.into() }
}

fn purl(text: &str) -> ProductPattern {
    ProductPattern::Purl { purl: text.into() }
}

fn entry() -> ProductEntry {
    ProductEntry {
        cpe: None,
        purl: None,
        vendor: None,
        product: None,
        version: None,
        derived_cpe: None,
    }
}

fn with_cpe(text: &str) -> ProductEntry {
    ProductEntry {
        cpe: Some(text.into()),
        ..entry()
    }
}

fn with_purl(text: &str) -> ProductEntry {
    ProductEntry {
        purl: Some(text.into()),
        ..entry()
    }
}

fn named(vendor: &str, product: &str, version: Option<&str>) -> ProductEntry {
    ProductEntry {
        vendor: Some(vendor.into()),
        product: Some(product.into()),
        version: version.map(str::to_owned),
        ..entry()
    }
}

/// Products each on its own asset (asset id = position), except where grouped.
fn inventory(assets: &[&[ProductEntry]]) -> Vec<InventoryProduct> {
    let mut products = Vec::new();
    for (asset, entries) in assets.iter().enumerate() {
        for entry in entries.iter() {
            products.push(InventoryProduct {
                organisation_id: 1,
                asset_id: asset as i64,
                product_id: products.len() as i64,
                entry: entry.clone(),
            });
        }
    }
    products
}

fn run(products: &[InventoryProduct], advisory: &Advisory) -> Vec<Match> {
    let indexed = Index::build(products).match_advisory(advisory);
    assert_eq!(
        indexed,
        naive_match(products, advisory),
        "index and naive disagree"
    );
    indexed
}

fn one_group(criteria: Vec<Criterion>) -> Advisory {
    advisory(vec![Applicability {
        all_of: vec![criteria],
        cves: Vec::new(),
    }])
}

/// The confidence each single-product asset is matched with, in asset order.
fn confidences(products: &[InventoryProduct], advisory: &Advisory) -> Vec<Option<Confidence>> {
    let found = run(products, advisory);
    products
        .iter()
        .map(|p| {
            found
                .iter()
                .find(|m| m.product_id == p.product_id)
                .map(|m| m.confidence)
        })
        .collect()
}

fn fortios_versions(versions: &[&str]) -> Vec<InventoryProduct> {
    let entries: Vec<ProductEntry> = versions
        .iter()
        .map(|v| with_cpe(&format!("cpe:2.3:o:fortinet:fortios:{v}:*:*:*:*:*:*:*")))
        .collect();
    let assets: Vec<&[ProductEntry]> = entries.iter().map(std::slice::from_ref).collect();
    inventory(&assets)
}

const C: Option<Confidence> = Some(Confidence::Certain);

fn bounded(bounds: VersionBounds) -> Advisory {
    one_group(vec![criterion(
        cpe("cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*"),
        bounds,
        true,
    )])
}

#[test]
fn start_including_is_inclusive() {
    let products = fortios_versions(&["7.1.9", "7.2.0", "7.2.1"]);
    let advisory = bounded(VersionBounds {
        start_including: Some("7.2.0".into()),
        ..Default::default()
    });
    assert_eq!(confidences(&products, &advisory), [None, C, C]);
}

#[test]
fn start_excluding_is_exclusive() {
    let products = fortios_versions(&["7.1.9", "7.2.0", "7.2.1"]);
    let advisory = bounded(VersionBounds {
        start_excluding: Some("7.2.0".into()),
        ..Default::default()
    });
    assert_eq!(confidences(&products, &advisory), [None, None, C]);
}

#[test]
fn end_excluding_is_exclusive() {
    let products = fortios_versions(&["7.2.4", "7.2.5", "7.2.10"]);
    let advisory = bounded(VersionBounds {
        end_excluding: Some("7.2.5".into()),
        ..Default::default()
    });
    assert_eq!(confidences(&products, &advisory), [C, None, None]);
}

#[test]
fn end_including_is_inclusive() {
    let products = fortios_versions(&["7.2.4", "7.2.5", "7.2.6"]);
    let advisory = bounded(VersionBounds {
        end_including: Some("7.2.5".into()),
        ..Default::default()
    });
    assert_eq!(confidences(&products, &advisory), [C, C, None]);
}

#[test]
fn both_ends_bound_the_range_and_reasons_say_so() {
    let products = fortios_versions(&["7.1.99", "7.2.0", "7.2.4", "7.2.5", "*"]);
    let advisory = bounded(VersionBounds {
        start_including: Some("7.2.0".into()),
        end_excluding: Some("7.2.5".into()),
        ..Default::default()
    });
    assert_eq!(
        confidences(&products, &advisory),
        [None, C, C, None, Some(Confidence::Possible)]
    );
    let found = run(&products, &advisory);
    assert_eq!(
        found[1].reason,
        "fortios 7.2.4 is in the affected range 7.2.0 to before 7.2.5 (cpe:2.3:o:fortinet:fortios)"
    );
    assert!(
        found[2].reason.contains("version is not known"),
        "{}",
        found[2].reason
    );
    assert_eq!(found[0].cves, ["CVE-2023-28771"]);
}

#[test]
fn a_partner_named_product_matches_through_its_derived_cpe() {
    let products = inventory(&[&[named("Fortinet", "FortiOS", Some("7.2.4"))]]);
    let advisory = bounded(VersionBounds {
        start_including: Some("7.2.0".into()),
        end_excluding: Some("7.2.5".into()),
        ..Default::default()
    });
    let found = run(&products, &advisory);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].confidence, Confidence::Certain);
    assert_eq!(
        found[0].reason,
        "FortiOS 7.2.4 is in the affected range 7.2.0 to before 7.2.5 (cpe:2.3:o:fortinet:fortios)"
    );
}

fn zyxel() -> Advisory {
    advisory(vec![Applicability {
        all_of: vec![
            vec![criterion(
                cpe("cpe:2.3:o:zyxel:atp100_firmware:*:*:*:*:*:*:*:*"),
                VersionBounds {
                    start_including: Some("4.60".into()),
                    end_excluding: Some("5.36".into()),
                    ..Default::default()
                },
                true,
            )],
            vec![criterion(
                cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*"),
                VersionBounds::default(),
                false,
            )],
        ],
        cves: Vec::new(),
    }])
}

#[test]
fn an_and_configuration_needs_the_firmware_on_the_named_hardware() {
    let firmware = |v: &str| {
        with_cpe(&format!(
            "cpe:2.3:o:zyxel:atp100_firmware:{v}:*:*:*:*:*:*:*"
        ))
    };
    let hardware = with_cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*");
    let other_hardware = with_cpe("cpe:2.3:h:zyxel:usg_flex_100:-:*:*:*:*:*:*:*");
    let products = inventory(&[
        &[firmware("5.35"), hardware.clone()], // 0: affected
        &[firmware("5.35")],                   // 1: firmware alone
        &[firmware("5.35"), other_hardware],   // 2: other hardware
        &[firmware("5.36"), hardware.clone()], // 3: fixed firmware
        &[firmware("4.60"), hardware.clone()], // 4: first affected
        &[firmware("4.55"), hardware.clone()], // 5: before the range
        &[hardware],                           // 6: hardware alone
    ]);
    let found = run(&products, &zyxel());
    let assets: Vec<(i64, i64, Confidence)> = found
        .iter()
        .map(|m| (m.asset_id, m.product_id, m.confidence))
        .collect();
    // Only the firmware (the vulnerable criterion) is reported, not the hardware.
    assert_eq!(
        assets,
        [(0, 0, Confidence::Certain), (4, 7, Confidence::Certain)]
    );
}

#[test]
fn purl_criteria_use_the_ecosystem_ordering() {
    let products = inventory(&[
        &[with_purl("pkg:npm/lodash@4.17.20")],
        &[with_purl("pkg:npm/lodash@4.17.21")],
        &[with_purl("pkg:npm/lodash@4.17.21-beta.1")],
        &[with_purl("pkg:npm/Lodash")],
        &[with_purl("pkg:npm/underscore@1.0.0")],
    ]);
    let advisory = one_group(vec![criterion(
        purl("pkg:npm/lodash"),
        VersionBounds {
            end_excluding: Some("4.17.21".into()),
            ..Default::default()
        },
        true,
    )]);
    assert_eq!(
        confidences(&products, &advisory),
        [C, None, C, Some(Confidence::Possible), None]
    );

    let maven = inventory(&[
        &[with_purl(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        )],
        &[with_purl(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0-rc1",
        )],
        &[with_purl(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0",
        )],
    ]);
    let log4j = one_group(vec![criterion(
        purl("pkg:maven/org.apache.logging.log4j/log4j-core"),
        VersionBounds {
            vers: Some("vers:maven/>=2.0-beta9|<2.15.0".into()),
            ..Default::default()
        },
        true,
    )]);
    assert_eq!(confidences(&maven, &log4j), [C, C, None]);

    let debian = inventory(&[
        &[with_purl("pkg:deb/debian/curl@7.50.3-1?arch=i386")],
        &[with_purl("pkg:deb/debian/curl@7.50.3-1~bpo1?arch=i386")],
        &[with_purl("pkg:deb/debian/curl@7.50.3-1?arch=amd64")],
    ]);
    let curl = one_group(vec![criterion(
        purl("pkg:deb/debian/curl@7.50.3-1?arch=i386"),
        VersionBounds::default(),
        true,
    )]);
    assert_eq!(confidences(&debian, &curl), [C, None, None]);
}

#[test]
fn named_criteria_match_loosely_and_only_possibly() {
    let products = inventory(&[
        &[named("Microsoft", "Exchange Server", Some("2019"))],
        &[with_cpe(
            "cpe:2.3:a:microsoft:exchange_server:2016:*:*:*:*:*:*:*",
        )],
        &[named(
            "Microsoft Corporation",
            "Microsoft Exchange Server 2019",
            None,
        )],
        &[named("Microsoft", "Exchange Online Protection", None)],
        &[named("Apple", "Exchange Server", None)],
    ]);
    let advisory = one_group(vec![criterion(
        ProductPattern::Named {
            vendor: "Microsoft".into(),
            product: "Exchange Server".into(),
        },
        VersionBounds::default(),
        true,
    )]);
    let p = Some(Confidence::Possible);
    assert_eq!(confidences(&products, &advisory), [p, p, p, None, None]);
    let found = run(&products, &advisory);
    assert!(found[0].reason.contains("loosely"), "{}", found[0].reason);
}

#[test]
fn certainly_not_affected_products_are_not_reported() {
    let products = fortios_versions(&["7.2.4", "7.2.5"]);
    let mut advisory = bounded(VersionBounds::default());
    advisory.not_affected = vec![criterion(
        cpe("cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:*"),
        VersionBounds::default(),
        false,
    )];
    assert_eq!(confidences(&products, &advisory), [C, None]);
}

#[test]
fn matches_are_deduplicated_per_advisory_with_every_cve() {
    let products = fortios_versions(&["7.2.4"]);
    let make = |cve: &str, bounds: VersionBounds| Applicability {
        all_of: vec![vec![criterion(
            cpe("cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*"),
            bounds,
            true,
        )]],
        cves: vec![cve.into()],
    };
    let advisory = advisory(vec![
        make("CVE-2024-0001", VersionBounds::default()),
        make(
            "CVE-2024-0002",
            VersionBounds {
                end_excluding: Some("8.0".into()),
                ..Default::default()
            },
        ),
    ]);
    let found = run(&products, &advisory);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].cves, ["CVE-2024-0001", "CVE-2024-0002"]);
}

#[test]
fn vers_ranges_contain_by_the_spec_algorithm() {
    let range = |text: &str| VersRange::parse(text).expect("a valid range");
    let npm = range("vers:npm/>=1.0.0|<1.5.0|>=2.0.0|<2.3.1|3.0.0|!=2.1.0");
    for (version, inside) in [
        ("0.9.0", false),
        ("1.0.0", true),
        ("1.4.9", true),
        ("1.5.0", false),
        ("2.1.0", false),
        ("2.3.0", true),
        ("2.3.1", false),
        ("3.0.0", true),
        ("3.0.1", false),
    ] {
        assert_eq!(npm.contains(version), Some(inside), "{version}");
    }
    assert_eq!(range("vers:generic/*").contains("anything"), Some(true));
    assert_eq!(range("vers:pypi/<2.0|>=3.0").contains("2.5"), Some(false));
    assert_eq!(range("vers:pypi/<2.0|>=3.0").contains("3.1rc1"), Some(true));
    assert_eq!(range("vers:pypi/<2.0").contains("1.9.dev1"), Some(true));
    assert_eq!(
        range("vers:deb/>=1:1.0|<1:2.0~rc1").contains("1:1.9"),
        Some(true)
    );
    assert_eq!(range("vers:generic/<5.0").contains("latest"), None);
    // Constraints are sorted whatever order they are written in.
    assert_eq!(
        range("vers:npm/<2.0.0|>=1.0.0").to_string(),
        "vers:npm/>=1.0.0|<2.0.0"
    );
    assert!(VersRange::parse("npm/>=1.0.0").is_err());
    assert!(VersRange::parse("vers:npm/1.0.0|1.0.0").is_err());
}

#[test]
fn vers_ranges_with_versions_that_cannot_be_ordered_parse_without_panicking() {
    // Found by fuzzing: generic versions without a digit order against nothing, which the
    // standard sort took as "equal" and then panicked on the inconsistent order.
    let text = "vers:__/4|__4Z|ers\u{1f}:__/4|_|ers\u{1f}:__/4|__4|:_:o4|er#s:.8081/__cr1c5|_|_4|:9|_|_4|:_:|_|e4o4|er#s:/__cr1c4|:\0\0\0\0_|_/_4|er \0\0\0\0\0\0\0\0_4|\0:__/";
    let _ = VersRange::parse(text);
    // Written places are kept for versions that cannot be ordered; the rest are sorted.
    let range = VersRange::parse("vers:generic/<3.0|latest|>=1.0").expect("a valid range");
    assert_eq!(range.to_string(), "vers:generic/<3.0|latest|>=1.0");
    let range = VersRange::parse("vers:generic/<3.0|>=1.0|latest").expect("a valid range");
    assert_eq!(range.to_string(), "vers:generic/>=1.0|<3.0|latest");
    let many = format!("vers:npm/{}", vec!["<1.0.0"; 300].join("|"));
    assert!(VersRange::parse(&many).is_err());
}
