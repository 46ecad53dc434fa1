//! The feed pipeline end to end on SQLite, over the whole external corpus in
//! `shared/data/external/feeds` and over the project's own fixtures: for every file the
//! events stored, duplicates, skipped and rejected records; re-ingest stores nothing new;
//! attribution places addresses with their owner and district.

use beacon_app::feeds::{FeedOptions, FeedOutcome, Owners};
use beacon_app::reference::ensure_reference_data;
use beacon_app::{ingest_feed, ingest_misp_folder};
use beacon_core::{Organisation, Tlp};
use beacon_store::{AddressFilter, Store};
use std::path::{Path, PathBuf};
use time::macros::datetime;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/feeds"
);

fn store() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut store = beacon_store::open(dir.path().join("beacon.db").to_str().expect("utf-8"))
        .expect("open store");
    ensure_reference_data(store.as_mut()).expect("reference data");
    (dir, store)
}

fn options() -> FeedOptions {
    let mut options = FeedOptions::new(datetime!(2026-11-29 12:00 UTC));
    options.batch_size = 7;
    options
}

fn ingest_path(store: &mut dyn Store, path: &Path, owners: &Owners) -> FeedOutcome {
    if path.is_dir() {
        return ingest_misp_folder(store, path, owners, &options()).expect("folder ingested");
    }
    let bytes = std::fs::read(path).expect("readable");
    ingest_feed(
        store,
        &path.display().to_string(),
        Box::new(std::io::Cursor::new(bytes)),
        owners,
        &options(),
        &mut |_| {},
    )
    .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Every feed file of the corpus (not the STIX pattern lists or grammar).
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["shadowserver", "abusech", "other", "stix"] {
        for entry in std::fs::read_dir(Path::new(CORPUS).join(folder)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            if path.is_file() && path.extension().is_some_and(|e| e != "g4" && e != "txt")
                || path.extension().is_some_and(|e| e == "txt") && folder == "other"
            {
                files.push(path);
            }
        }
    }
    files.push(Path::new(CORPUS).join("misp_feed"));
    files.sort();
    files
}

/// file (under the corpus) → (stored, duplicates, skipped, rejected) on a first ingest.
const EXPECTED: &[(&str, u64, u64, u64, u64)] = &include!("feeds_expected.in");

#[test]
fn every_corpus_file_is_accounted_for_and_idempotent() {
    let (_dir, mut store) = store();
    let owners = Owners::new(&[]);
    let mut seen = Vec::new();
    for path in corpus_files() {
        let name = path
            .strip_prefix(CORPUS)
            .expect("under the corpus")
            .display()
            .to_string();
        let first = ingest_path(store.as_mut(), &path, &owners);
        assert_eq!(
            first.read,
            first.stored + first.duplicates + first.skipped + first.rejected,
            "{name}: counts add up"
        );
        let again = ingest_path(store.as_mut(), &path, &owners);
        assert_eq!(
            again.stored, 0,
            "{name}: a second ingest stores nothing new"
        );
        assert_eq!(again.duplicates, first.stored + first.duplicates, "{name}");
        let run = store.run(first.run_id).expect("run").expect("recorded");
        assert_eq!(
            run.counts.read, first.read,
            "{name}: the run records the counts"
        );
        assert_eq!(run.counts.skipped, first.skipped, "{name}");
        seen.push((
            name,
            first.stored,
            first.duplicates,
            first.skipped,
            first.rejected,
        ));
    }
    let listed: Vec<(String, u64, u64, u64, u64)> = EXPECTED
        .iter()
        .map(|(n, a, b, c, d)| ((*n).to_owned(), *a, *b, *c, *d))
        .collect();
    if seen != listed {
        let table: Vec<String> = seen
            .iter()
            .map(|(n, a, b, c, d)| format!("    ({n:?}, {a}, {b}, {c}, {d}),"))
            .collect();
        panic!("corpus counts differ; found:\n[\n{}\n]", table.join("\n"));
    }
}

#[test]
fn attribution_places_addresses_with_their_owner_and_district() {
    let (_dir, mut store) = store();
    let districts = store.districts().expect("districts");
    let council = Organisation {
        name: "Test Council".into(),
        sector: "local-government".into(),
        district: districts.list.first().map(|d| d.code.clone()),
        contacts: vec!["soc@council.example".into()],
        networks: vec![
            "192.0.2.0/24".parse().expect("net"),
            "192.0.2.128/25".parse().expect("net"),
        ],
        ..Organisation::default()
    };
    let narrower = Organisation {
        name: "Tenant".into(),
        networks: vec!["192.0.2.200/29".parse().expect("net")],
        domains: vec!["tenant.example".into()],
        ..Organisation::default()
    };
    let ids = store
        .upsert_organisations(&[council, narrower])
        .expect("organisations");
    let owners = Owners::load(store.as_mut()).expect("owners");
    let feed = "# test list\n192.0.2.7\n192.0.2.201\n198.51.100.1\nwww.tenant.example\n192.0.2.7\n";
    let mut options = options();
    options.format = Some("list".into());
    options.default_tlp = Tlp::Green;
    let outcome = ingest_feed(
        store.as_mut(),
        "list.txt",
        Box::new(std::io::Cursor::new(feed.as_bytes().to_vec())),
        &owners,
        &options,
        &mut |_| {},
    )
    .expect("ingested");
    assert_eq!((outcome.stored, outcome.duplicates), (4, 1));
    assert_eq!(
        outcome.attributed, 4,
        "three owned addresses, one of them twice"
    );
    let council_addresses = store
        .addresses(&AddressFilter {
            organisation_id: Some(ids[0]),
            ..AddressFilter::default()
        })
        .expect("addresses");
    assert_eq!(council_addresses.len(), 1);
    assert_eq!(council_addresses[0].observable, "192.0.2.7");
    assert_eq!(
        council_addresses[0].district.as_deref(),
        districts.list.first().map(|d| d.code.as_str())
    );
    let tenant: Vec<String> = store
        .addresses(&AddressFilter {
            organisation_id: Some(ids[1]),
            ..AddressFilter::default()
        })
        .expect("addresses")
        .into_iter()
        .map(|a| a.observable)
        .collect();
    assert_eq!(
        tenant.len(),
        2,
        "the most specific range and the domain suffix win: {tenant:?}"
    );
    let all = store.addresses(&AddressFilter::default()).expect("all");
    assert_eq!(all.len(), 4);
    assert!(
        all.iter()
            .any(|a| a.observable == "198.51.100.1" && a.organisation_id.is_none())
    );
}

#[test]
fn an_unrecognised_file_is_refused_with_the_formats_named() {
    let (_dir, mut store) = store();
    let result = ingest_feed(
        store.as_mut(),
        "mystery.bin",
        Box::new(std::io::Cursor::new(vec![0u8, 159, 146, 150])),
        &Owners::new(&[]),
        &options(),
        &mut |_| {},
    );
    let message = result.expect_err("refused").to_string();
    assert!(message.contains("--format"), "{message}");
    assert!(message.contains("shadowserver"), "{message}");
}

#[test]
fn rows_short_of_trailing_fields_are_stored_and_counted_in_the_run_notes() {
    let (_dir, mut store) = store();
    let owners = Owners::new(&[]);
    let path = Path::new(CORPUS).join("shadowserver/scan_rdp.csv");
    let outcome = ingest_path(store.as_mut(), &path, &owners);
    assert_eq!((outcome.stored, outcome.rejected), (2, 0));
    assert_eq!(
        outcome.notes,
        ["2 rows were short of trailing fields; read as empty"]
    );
    let run = store.run(outcome.run_id).expect("run").expect("recorded");
    assert_eq!(
        run.message.as_deref(),
        Some("read as shadowserver; 2 rows were short of trailing fields; read as empty")
    );
}
