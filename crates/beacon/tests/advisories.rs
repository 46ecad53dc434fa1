//! Partner advisories through the `beacon` command: inventories imported (a bad file
//! stores nothing and names its lines), the whole CISA KEV catalogue ingested with nothing
//! lost and nothing stored twice, an NVD AND configuration matched only on the named
//! hardware, CSAF documents judged as their test cases say, and notices delivered to the
//! partner's IT manager through a real SMTP server with TLP honoured.

mod common;

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use common::{beacon, body_text, delivered_to, header, json, number, sink};
use serde_json::Value;
use std::path::{Path, PathBuf};

const ADVISORIES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/external/advisories"
);

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn path(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The organisations, contacts and inventory of the story, with names unique to `stamp`.
fn partners(database: &str, config: Option<&Path>, dir: &Path, stamp: &str) {
    let organisations = write(
        dir,
        "organisations.csv",
        &format!(
            "name,sector,district,contacts\n\
             Firewall Council {stamp},local-government,Charnwood,soc-{stamp}@council.example\n\
             Other Trust {stamp},health,Leicester,soc-{stamp}@trust.example\n"
        ),
    );
    json(&beacon(
        database,
        config,
        &["org", "import", path(&organisations), "--json"],
        &[],
    ));
    let contacts = write(
        dir,
        "contacts.csv",
        &format!(
            "organisation,name,email,role\n\
             Firewall Council {stamp},Priya Shah,it-{stamp}@council.example,it_manager\n\
             Other Trust {stamp},Alex Green,it-{stamp}@trust.example,IT manager\n"
        ),
    );
    json(&beacon(
        database,
        config,
        &["inventory", "contacts", path(&contacts), "--json"],
        &[],
    ));
    let inventory = write(
        dir,
        "inventory.csv",
        &format!(
            "organisation,asset,kind,cpe,vendor,product,version\n\
             Firewall Council {stamp},Perimeter firewall,firewall,cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*,,,\n\
             Firewall Council {stamp},Perimeter firewall,firewall,cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*,,,\n\
             Other Trust {stamp},Lab firewall,firewall,cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*,,,\n\
             Other Trust {stamp},Lab firewall,firewall,cpe:2.3:h:zyxel:usg_flex_100:-:*:*:*:*:*:*:*,,,\n\
             Other Trust {stamp},Staff portal,service,,Citrix,NetScaler ADC and Gateway,13.1\n"
        ),
    );
    let imported = json(&beacon(
        database,
        config,
        &["inventory", "import", path(&inventory), "--json"],
        &[],
    ));
    assert_eq!(number(&imported, "assets"), 3);
    assert_eq!(number(&imported, "products"), 5);
}

fn one_file(outcome: &Value) -> &Value {
    let files = outcome["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    &files[0]
}

fn the_story(database: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bad = write(
        dir.path(),
        "bad.csv",
        "organisation,asset,cpe,vesion\nNobody,Server,cpe:2.3:a:x,1\n",
    );
    let refused = beacon(database, None, &["inventory", "import", path(&bad)], &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(
        stderr.contains("vesion"),
        "the unknown column is named: {stderr}"
    );
    partners(database, None, dir.path(), "cli");

    // The whole KEV catalogue: every entry stored once.
    let kev = format!("{ADVISORIES}/kev/known_exploited_vulnerabilities.json");
    let first = json(&beacon(
        database,
        None,
        &["ingest", "advisories", &kev, "--json"],
        &[],
    ));
    let first = one_file(&first);
    assert_eq!(first["format"], "kev");
    assert_eq!(number(first, "read"), 1404);
    assert_eq!(number(first, "stored"), 1404);
    assert_eq!(number(first, "rejected") + number(first, "skipped"), 0);
    let again = json(&beacon(
        database,
        None,
        &["ingest", "advisories", &kev, "--json"],
        &[],
    ));
    let again = one_file(&again);
    assert_eq!(number(again, "stored"), 0);
    assert_eq!(number(again, "duplicates"), 1404);
    let listed = json(&beacon(
        database,
        None,
        &[
            "advisories",
            "list",
            "--source",
            "kev",
            "--limit",
            "5000",
            "--json",
        ],
        &[],
    ));
    assert_eq!(listed.as_array().expect("list").len(), 1404);

    // The NVD AND configuration: firmware 5.10 on an ATP100 is affected; the same
    // firmware on other hardware is not.
    let nvd = format!("{ADVISORIES}/nvd/CVE-2023-28771.excerpt.json");
    json(&beacon(
        database,
        None,
        &["ingest", "advisories", &nvd, "--format", "nvd", "--json"],
        &[],
    ));
    let matches = json(&beacon(
        database,
        None,
        &["advisories", "matches", "--json"],
        &[],
    ));
    let zyxel: Vec<&Value> = matches
        .as_array()
        .expect("matches")
        .iter()
        .filter(|m| m["advisory_key"] == "CVE-2023-28771")
        .collect();
    // The NVD record, and the KEV entry for the same CVE joined to its product data.
    assert_eq!(zyxel.len(), 2, "{zyxel:?}");
    assert!(
        zyxel
            .iter()
            .all(|m| m["asset"] == "Perimeter firewall" && m["confidence"] == "certain")
    );
    let mut sources: Vec<&str> = zyxel.iter().filter_map(|m| m["source"].as_str()).collect();
    sources.sort_unstable();
    assert_eq!(sources, ["kev", "nvd"]);
    let own = json(&beacon(
        database,
        None,
        &[
            "advisories",
            "matches",
            "--organisation",
            "Other Trust cli",
            "--json",
        ],
        &[],
    ));
    assert!(
        own.as_array()
            .expect("matches")
            .iter()
            .all(|m| m["organisation"] == "Other Trust cli"),
        "only the organisation asked for"
    );
    let status = json(&beacon(
        database,
        None,
        &["advisories", "status", "--json"],
        &[],
    ));
    assert!(number(&status["area"], "notices") >= 3);
}

#[test]
fn advisories_through_the_cli_on_sqlite() {
    if let Some(place) = TestDatabase::fresh(Backend::Sqlite, "cli_advisories") {
        the_story(place.location());
    }
}

#[test]
fn advisories_through_the_cli_on_postgres() {
    if let Some(place) = TestDatabase::fresh(Backend::Postgres, "cli_advisories") {
        the_story(place.location());
    }
}

#[test]
fn csaf_documents_are_judged_as_their_test_cases_say() {
    let dir = format!("{ADVISORIES}/csaf");
    for entry in std::fs::read_dir(format!("{dir}/valid")).expect("valid examples") {
        let file = entry.expect("entry").path();
        let output = beacon(
            "unused.db",
            None,
            &["advisories", "validate", path(&file)],
            &[],
        );
        assert!(output.status.success(), "{}", file.display());
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "valid");
    }
    for (name, test) in [
        ("oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json", "6.1.1"),
        ("oasis_csaf_tc-csaf_2_0-2021-6-1-13-01.json", "6.1.13"),
    ] {
        let file = format!("{dir}/invalid/{name}");
        let output = beacon(
            "unused.db",
            None,
            &["advisories", "validate", &file, "--json"],
            &[],
        );
        assert!(!output.status.success(), "{name} is invalid");
        let verdict: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(verdict["valid"], false);
        let failures = verdict["failures"].as_array().expect("failures");
        assert!(!failures.is_empty());
        assert!(failures.iter().all(|f| f["test"] == test), "{failures:?}");
        assert!(
            failures
                .iter()
                .all(|f| f["path"].as_str().is_some_and(|p| p.starts_with('/')))
        );
    }
}

/// A CSAF document labelled TLP:RED about the ATP100 firmware.
const RED_CSAF: &str = r#"{
  "document": {
    "category": "csaf_base",
    "csaf_version": "2.0",
    "distribution": {"tlp": {"label": "RED"}},
    "lang": "en-GB",
    "publisher": {"category": "coordinator", "name": "Partnership test", "namespace": "https://beacon.example"},
    "title": "Restricted: SECRET-FIRMWARE-ISSUE",
    "tracking": {
      "current_release_date": "2026-11-30T09:00:00.000Z",
      "id": "TEST-RED-1",
      "initial_release_date": "2026-11-30T09:00:00.000Z",
      "revision_history": [{"date": "2026-11-30T09:00:00.000Z", "number": "1", "summary": "First."}],
      "status": "final",
      "version": "1"
    }
  },
  "product_tree": {
    "full_product_names": [{
      "name": "Zyxel ATP100 firmware 5.10",
      "product_id": "ATP-510",
      "product_identification_helper": {"cpe": "cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*"}
    }]
  },
  "vulnerabilities": [{"product_status": {"known_affected": ["ATP-510"]}}]
}"#;

#[test]
fn notices_reach_the_it_manager_by_mail_with_tlp_honoured() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = path(&database);
    let config = write(
        dir.path(),
        "beacon.toml",
        &format!(
            "[notify]\nbase_url = \"https://beacon.test\"\nmessage_domain = \"beacon.test\"\n\n\
             [smtp]\nhost = \"{host}\"\nport = {port}\ntls = \"none\"\nfrom = \"Beacon <beacon@beacon.test>\"\ntimeout_secs = 10\n"
        ),
    );
    let stamp = format!("mail{}", std::process::id());
    partners(database, Some(&config), dir.path(), &stamp);
    let nvd = format!("{ADVISORIES}/nvd/CVE-2023-28771.excerpt.json");
    json(&beacon(
        database,
        Some(&config),
        &["ingest", "advisories", &nvd, "--json"],
        &[],
    ));
    let red = write(dir.path(), "red.json", RED_CSAF);
    let red_outcome = json(&beacon(
        database,
        Some(&config),
        &["ingest", "advisories", path(&red), "--json"],
        &[],
    ));
    assert_eq!(
        number(one_file(&red_outcome), "flagged"),
        0,
        "the document is valid"
    );
    json(&beacon(
        database,
        Some(&config),
        &["notify", "run", "--json"],
        &[],
    ));

    let council = delivered_to(&spool, &format!("it-{stamp}@council.example"));
    // The NVD notice, the restricted one, and (its CISA due date long past, and no senior
    // responsible owner named) the NVD notice's escalation to the IT manager.
    assert_eq!(council.len(), 3);
    let subject_starts = |prefix: &str| {
        council
            .iter()
            .filter(|m| header(m, "Subject").starts_with(prefix))
            .count()
    };
    assert_eq!(subject_starts("Action needed:"), 2);
    assert_eq!(subject_starts("Overdue:"), 1);
    let notice = council
        .iter()
        .find(|m| header(m, "Subject").starts_with("Action needed: Zyxel"))
        .expect("the NVD notice");
    assert!(header(notice, "Subject").starts_with("Action needed:"));
    assert_eq!(header(notice, "X-Beacon-TLP"), "TLP:CLEAR");
    let text = body_text(notice);
    assert!(text.contains("Perimeter firewall"), "{text}");
    assert!(text.contains("21 June 2023"), "the CISA due date: {text}");
    assert!(
        text.contains("https://beacon.test/ack/"),
        "an acknowledgement link"
    );
    assert!(
        !text.contains("Lab firewall"),
        "never another partner's assets"
    );

    let restricted = council
        .iter()
        .find(|m| header(m, "Subject").contains("restricted advisory"))
        .expect("the restricted notice");
    assert_eq!(header(restricted, "X-Beacon-TLP"), "TLP:AMBER+STRICT");
    let all = format!(
        "{}\n{}",
        header(restricted, "Subject"),
        body_text(restricted)
    );
    assert!(!all.contains("SECRET-FIRMWARE-ISSUE"), "{all}");
    assert!(!all.contains("Perimeter firewall"), "{all}");
    assert!(all.contains("Sign in to Beacon"), "{all}");

    // The other partner's firmware runs on other hardware: the NVD record's AND
    // configuration passes it by; the restricted document names the firmware alone.
    let trust = delivered_to(&spool, &format!("it-{stamp}@trust.example"));
    assert_eq!(trust.len(), 1);
    assert!(header(&trust[0], "Subject").contains("restricted advisory"));
    // Sending again finds nothing new to queue or send.
    let again = json(&beacon(
        database,
        Some(&config),
        &["notify", "run", "--json"],
        &[],
    ));
    assert_eq!(again["sent"], 0);
    assert_eq!(number(&again["advisories"], "letters"), 0);
}
