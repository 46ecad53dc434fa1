//! Beacon's exports read by independent clients: the OASIS `stix2-validator` and the
//! `stix2` library for the STIX bundle, PyMISP with the MISP taxonomies and galaxies for
//! the MISP feed. The register exported is a realistic one: every event Beacon's parsers
//! read from the external feed corpus in `shared/data/external/feeds`.
//!
//! The Python checkers live beside this file (`independent_clients/*.py`) and run with
//! the interpreter `beacon_testing::python_with` finds (`BEACON_TEST_PYTHON`; `.ci/run`
//! installs the packages outside the repository).

use beacon_core::{Event, Tlp};
use beacon_export::{misp, shareable, stix};
use beacon_ingest::feeds::{self, FeedContext, FeedRecord};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use time::macros::datetime;

/// The shared corpus (the repository is `main/`, beside `shared/`).
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/feeds"
);

/// The checker scripts.
const CHECKERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/independent_clients");

/// Validator warnings Beacon gives on purpose, as documented in `docs/feeds/exports.md`
/// ("What independent validators say"): `{103}`, ids that are name-based UUIDs (version 5)
/// rather than random ones (version 4), so the same events always give the same ids.
const DELIBERATE_WARNINGS: &[&str] = &["{103} Given ID value"];

fn context(file_name: &str, tlp: Tlp) -> FeedContext {
    FeedContext {
        file_name: file_name.to_owned(),
        observed_at: datetime!(2026-11-29 12:00 UTC),
        default_tlp: tlp,
    }
}

/// Every event the parsers read from the corpus's feed files and MISP folder, under a mix
/// of TLPs (each folder its own default), as a register would hold them.
fn register() -> Vec<Event> {
    let mut events = Vec::new();
    let folders = [
        ("shadowserver", Tlp::Amber),
        ("abusech", Tlp::Clear),
        ("other", Tlp::Green),
        ("stix", Tlp::AmberStrict),
    ];
    for (folder, tlp) in folders {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(Path::new(CORPUS).join(folder))
            .expect("the corpus folder is readable")
            .map(|entry| entry.expect("a folder entry").path())
            .filter(|path| path.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&path).expect("a corpus file is readable");
            let head = &bytes[..bytes.len().min(8 * 1024)];
            let Some(format) = feeds::detect(&name, head) else {
                continue;
            };
            let Ok(records) = format.parse(
                Box::new(std::io::Cursor::new(bytes.clone())),
                &context(&name, tlp),
            ) else {
                continue;
            };
            events.extend(records.filter_map(|record| match record {
                FeedRecord::Event(event, _) => Some(*event),
                _ => None,
            }));
        }
    }
    let records = feeds::misp::parse_feed_directory(
        &Path::new(CORPUS).join("misp_feed"),
        &context("manifest.json", Tlp::Green),
    )
    .expect("the corpus MISP feed is a MISP feed");
    events.extend(records.into_iter().filter_map(|record| match record {
        FeedRecord::Event(event, _) => Some(*event),
        _ => None,
    }));
    events
}

/// Runs a checker script and reads the one JSON object it prints.
fn run_checker(python: &Path, script: &str, arguments: &[&Path]) -> Value {
    let output = Command::new(python)
        .arg(Path::new(CHECKERS).join(script))
        .args(arguments)
        .output()
        .expect("the Python interpreter starts");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{script} printed no JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_stix_export_of_a_register_passes_the_stix2_validator_and_parses_with_stix2() {
    let Some(python) = beacon_testing::python_with(
        "the STIX export against the stix2 validator and parser",
        &["stix2", "stix2validator"],
    ) else {
        return;
    };
    let events = register();
    assert!(events.len() > 300, "a realistic register: {}", events.len());
    let (kept, _) = shareable(&events, Tlp::Red);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bundle.json");
    let file = std::fs::File::create(&path).expect("the bundle file can be made");
    stix::write_bundle(&kept, std::io::BufWriter::new(file)).expect("the bundle is written");
    let objects = stix::bundle(&kept)["objects"]
        .as_array()
        .map_or(0, Vec::len);
    let report = run_checker(&python, "check_stix.py", &[&path]);
    assert_eq!(
        strings(&report["errors"]),
        Vec::<String>::new(),
        "{report:#}"
    );
    let unexpected: Vec<String> = strings(&report["warnings"])
        .into_iter()
        .filter(|warning| {
            !DELIBERATE_WARNINGS
                .iter()
                .any(|deliberate| warning.contains(deliberate))
        })
        .collect();
    assert_eq!(unexpected, Vec::<String>::new(), "{report:#}");
    assert_eq!(report["valid"], true, "{report:#}");
    assert_eq!(report["parse_error"], Value::Null, "{report:#}");
    assert_eq!(report["parsed"], objects, "stix2 reads every object");
}

#[test]
fn the_misp_export_of_a_register_loads_in_pymisp_with_every_tag_in_its_taxonomy() {
    let Some(python) = beacon_testing::python_with(
        "the MISP export against PyMISP and the MISP taxonomies and galaxies",
        &["pymisp", "pytaxonomies", "pymispgalaxies"],
    ) else {
        return;
    };
    let events = register();
    let (kept, _) = shareable(&events, Tlp::Red);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let feed = dir.path().join("feed");
    misp::write_feed(&kept, &misp::FeedInfo::default(), &feed).expect("the feed is written");
    let clusters = dir.path().join("clusters.txt");
    let mut names: Vec<&str> = misp::malpedia_clusters().collect();
    names.dedup();
    std::fs::write(&clusters, names.join("\n")).expect("the cluster list is written");
    let report = run_checker(&python, "check_misp.py", &[&feed, &clusters]);
    assert_eq!(
        strings(&report["problems"]),
        Vec::<String>::new(),
        "{report:#}"
    );
    assert_eq!(report["events"], 1, "{report:#}");
    assert!(
        report["attributes"]
            .as_u64()
            .is_some_and(|count| count > 200),
        "{report:#}"
    );
    // Malware galaxy tags are among those checked: the corpus names malware.
    let (_, document) = misp::event(&kept, &misp::FeedInfo::default());
    let galaxy_tags = document["Event"]["Attribute"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|attribute| attribute["Tag"].as_array().into_iter().flatten())
        .filter(|tag| {
            tag["name"]
                .as_str()
                .is_some_and(|name| name.starts_with("misp-galaxy:"))
        })
        .count();
    assert!(galaxy_tags > 0, "the export has malware galaxy tags");
}
