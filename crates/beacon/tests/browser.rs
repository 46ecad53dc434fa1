//! Beacon in a real browser: a demo database is built on SQLite and on PostgreSQL and
//! served by the `beacon` binary, and `tests/browser/run.mjs` drives headless Chromium
//! through it (sign-in, dashboard, a district, the explorer, the board update, data
//! loading with an upload that is followed to its quarantine table, the audit log, users,
//! the register, the account page, the advisories), then signs in as the demo partner IT
//! manager, opens its action queue and an advisory matched to its inventory, marks its
//! asset fixed and sees the status change. On a phone-sized screen (375×667) it opens the
//! victim-care queue and a case, which must not scroll sideways; as the Cyber Choices
//! officer (demo-prevent), at desktop and phone sizes, the referrals, a referral and the
//! opening form sent empty; and, signed out with no cookies, on a phone, the public front
//! door (`/report`): a resident's and a business's reports from start to finish (advice
//! links, the Action Fraud summary and its download), bad answers (an empty answer, a date
//! in the future, a 1 MB description, script typed into the description, shown as text and
//! never run), the rate limit's 429 page (the server runs with [`serve_config`]) and the
//! sign-in and advice pages' links to it. Each page must show its expected heading and the
//! demo's figures (literals from the generator, in [`demo_expectations`]); the error paths
//! (a bad date, unknown filters, a 3,000-row upload where every row is bad, the refused
//! forms) must show their GOV.UK error summary or warning and pagination. Any console
//! error, Content Security Policy violation or failed request fails the test, and so does
//! any serious or critical axe-core finding (WCAG 2.0/2.1/2.2 A and AA). Full-page
//! screenshots land in `target/screenshots/{sqlite,postgres}/`.
//!
//! Needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`), Node.js, and playwright-core and
//! axe-core installed outside the repository in `BEACON_BROWSER_NODE_MODULES` (default
//! `/tmp/beacon-browser-node/node_modules`); `.ci/run` installs them. Without them the
//! test is skipped with a visible note (`beacon_testing::skip`), unless `CI` is set, when it
//! fails.

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The demo accounts' password (12 or more characters, as Beacon requires).
const DEMO_PASSWORD: &str = "browser-check-demo-pass";
/// Rows that `beacon demo generate` deliberately breaks in the upload file.
const BAD_ROWS: u32 = 5;
/// Rows in the upload where every row is bad (an impossible date), a few thousand as a
/// careless export might give: 60 pages of 50 on the run page.
const ALL_BAD_ROWS: u32 = 3_000;

/// A report file of `rows` rows, each with a date that does not exist (30 February).
fn all_bad_upload(path: &Path, rows: u32) {
    let mut text = String::from("reference,reported_date,fraud_type,victim_type\n");
    for row in 1..=rows {
        text.push_str(&format!(
            "NFRCALLBAD{row:05},2017-02-30,NFIB5A,individual\n"
        ));
    }
    std::fs::write(path, text).expect("the all-bad upload is written");
}

/// The demo partner IT manager's organisation (`beacon demo`'s synthetic council).
const PARTNER_ORGANISATION: &str = "Leicester City Council (synthetic)";
/// The advisory the partner loop acts on, and the partner's asset it matches.
const PARTNER_ADVISORY: &str = "Acme Gateway authentication bypass";
const PARTNER_ASSET: &str = "Payroll gateway";

/// An inventory for the demo partner (one asset running the Acme gateway) and a CISA KEV
/// catalogue whose one entry matches it, loaded through the command line before serving.
fn partner_advisory_files(dir: &Path) -> (PathBuf, PathBuf) {
    let inventory = dir.join("inventory.csv");
    std::fs::write(
        &inventory,
        format!(
            "organisation,asset,cpe,purl,vendor,product,version\n\
             {PARTNER_ORGANISATION},{PARTNER_ASSET},,,Acme,Gateway,1.0\n"
        ),
    )
    .expect("the inventory is written");
    let kev = dir.join("kev.json");
    std::fs::write(
        &kev,
        serde_json::json!({
            "catalogVersion": "2026.03.01",
            "count": 1,
            "vulnerabilities": [{
                "cveID": "CVE-2026-0001",
                "vendorProject": "Acme",
                "product": "Gateway",
                "vulnerabilityName": PARTNER_ADVISORY,
                "dateAdded": "2026-03-01",
                "shortDescription": "Anyone can sign in to the gateway without a password.",
                "requiredAction": "Upgrade the gateway to version 1.1.",
                "dueDate": "2099-01-01",
                "knownRansomwareCampaignUse": "Known",
                "notes": "https://acme.example/advisories/1"
            }]
        })
        .to_string(),
    )
    .expect("the catalogue is written");
    (inventory, kev)
}

/// The front door's rate limit for the server under test: stored reports per client
/// address per window. The browser walks consent-yes reports until one more is refused.
const FRONT_DOOR_REPORTS_PER_ADDRESS: u32 = 3;
/// The rate limit's window, in minutes (the 429 page says to try again in this many).
const FRONT_DOOR_WINDOW_MINUTES: u32 = 10;

/// `beacon.toml` for the server under test: the front door's time check off (a browser
/// answering as fast as it can would otherwise be refused as "sent too quickly"), and its
/// rate limit low enough to be reached in a few reports.
fn serve_config(dir: &Path) -> PathBuf {
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "front_door_min_seconds = 0\n\
             front_door_reports_per_address = {FRONT_DOOR_REPORTS_PER_ADDRESS}\n\
             front_door_window_minutes = {FRONT_DOOR_WINDOW_MINUTES}\n"
        ),
    )
    .expect("the server's configuration is written");
    config
}

const INSTALL: &str = "install them with:\n  \
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium nodejs\n  \
    npm install --no-save --prefix /tmp/beacon-browser-node playwright-core axe-core\n\
    and set BEACON_BROWSER_NODE_MODULES=/tmp/beacon-browser-node/node_modules (.ci/run does all this)";

/// What the browser check needs from the machine.
struct Tools {
    chromium: PathBuf,
    node: PathBuf,
    node_modules: PathBuf,
}

/// Finds Chromium, node and the node modules; `None` (after a visible skip note) when
/// something is missing outside CI, a panic inside it.
fn tools() -> Option<Tools> {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let node = find_on_path("node");
    let node_modules = std::env::var_os("BEACON_BROWSER_NODE_MODULES").map_or_else(
        || PathBuf::from("/tmp/beacon-browser-node/node_modules"),
        PathBuf::from,
    );
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("Chromium ({})", chromium.display()));
    }
    if node.is_none() {
        missing.push("node (on PATH)".to_owned());
    }
    for module in ["playwright-core", "axe-core"] {
        if !node_modules.join(module).join("package.json").is_file() {
            missing.push(format!("{module} (in {})", node_modules.display()));
        }
    }
    if !missing.is_empty() {
        beacon_testing::skip(
            "the browser check",
            &format!("it needs {}; {INSTALL}", missing.join(", ")),
        );
        return None;
    }
    Some(Tools {
        chromium,
        node: node?,
        node_modules,
    })
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The `beacon` binary with no configuration from the environment.
fn beacon(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_beacon"));
    command
        .current_dir(dir)
        .env_remove("BEACON_CONFIG")
        .env_remove("BEACON_DATABASE")
        .env_remove("BEACON_LISTEN")
        .env_remove("BEACON_SECURE_COOKIES")
        .env_remove("BEACON_FAULT_ABORT_AFTER_ROWS");
    command
}

fn run_ok(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{what}: cannot run: {error}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The web server, killed when dropped (also when the test panics).
struct Server {
    child: Child,
    base_url: String,
    log: PathBuf,
}

impl Server {
    /// Starts `beacon serve` with the configuration file `config` on a free loopback port
    /// and waits for /healthz.
    fn start(dir: &Path, database: &str, config: &Path) -> Server {
        let mut last_problem = String::new();
        for attempt in 0..3 {
            let port = free_port();
            let log = dir.join(format!("server-{attempt}.log"));
            let log_file = std::fs::File::create(&log).expect("server log file");
            let child = beacon(dir)
                .arg("--database")
                .arg(database)
                .arg("--config")
                .arg(config)
                .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("server log file"))
                .stderr(log_file)
                .spawn()
                .expect("beacon serve starts");
            let mut server = Server {
                child,
                base_url: format!("http://127.0.0.1:{port}"),
                log,
            };
            match server.wait_healthy(port, Duration::from_secs(60)) {
                Ok(()) => return server,
                Err(problem) => {
                    last_problem = format!("{problem}\n{}", server.log_text());
                    // Dropping the server kills it; a port taken in the meantime is
                    // retried with another.
                }
            }
        }
        panic!("the web server did not become healthy: {last_problem}");
    }

    fn wait_healthy(&mut self, port: u16, limit: Duration) -> Result<(), String> {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("beacon serve exited early ({status})"));
            }
            if healthz(port) {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err(format!("no answer from /healthz after {limit:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Whether `GET /healthz` answers 200 "ok".
fn healthz(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.") && response.contains(" 200 ") && response.ends_with("ok")
}

/// The demo's period for the board paper's fraud figures.
const FIRST_HALF_2017: &str = "from=2017-01-01&to=2017-06-30";
/// The demo's period for the board paper's cyber crime and register figures.
const APRIL_TO_SEPTEMBER_2017: &str = "from=2017-04-01&to=2017-09-30";

/// What each page must show for the demo data (seed 1), as literals worked out from the
/// generator rather than read from Beacon: the calibrated figures of docs/demo-data.md
/// (4,726 fraud reports with £3.6 million lost in January–June 2017; 960 distinct
/// addresses in April–September 2017, which the board update states), and counts of the generated file's good, distinct
/// rows by `district_code` and fraud type (Leicester: 1,514 fraud and 42 cyber crime
/// reports in January–June 2017; the area: 137 cyber crime reports, so 4,863 in all), and
/// its 48,975 rows (48,938 good, 25 duplicates, 12 malformed).
///
/// The readiness part uses the demo's exercises (run 2 is the live run of the ransomware
/// scenario, which the demo partner played with three others), an invitation link made for
/// the demo partner's staff, and the shipped phishing module's correct answers.
fn demo_expectations(invitation: &str) -> serde_json::Value {
    let first_half = "1 January to 30 June 2017";
    let module = beacon_ingest::readiness::library::shipped_modules()
        .into_iter()
        .find(|module| module.id == "phishing")
        .expect("the shipped phishing module");
    let answers: Vec<&str> = module
        .quiz
        .iter()
        .map(|question| question.options[question.correct].as_str())
        .collect();
    serde_json::json!({
        "dashboard": {
            "path": format!("/dashboard?{FIRST_HALF_2017}"),
            "heading": format!("Fraud and cyber crime, {first_half}"),
            "figures": { "Fraud reports": "4,726", "Cyber crime reports": "137" },
        },
        "district": {
            "name": "Leicester",
            "heading": format!("Leicester, {first_half}"),
            "figures": { "Fraud reports": "1,514", "Cyber crime reports": "42" },
        },
        "pages": [
            // Readiness as the coordinator sees it: the demo's three exercises, the
            // debrief of the live run with progress against the table-top run before it,
            // the area's self-assessment summary and staff learning.
            {
                "name": "exercises",
                "heading": "Exercises",
                "path": "/exercises",
                "texts": ["Phishing to ransomware", "Invoice fraud through a compromised mailbox"],
            },
            {
                "name": "debrief",
                "heading": "Debrief: Phishing to ransomware",
                "path": "/exercises/2/debrief",
                "texts": [
                    "4 organisations played; 4 responded.",
                    "Rutland County Council (synthetic)",
                    "Progress over runs of this scenario",
                ],
            },
            {
                "name": "assessment-summary",
                "heading": "Self-assessment summary",
                "path": "/assessment/summary",
                "texts": ["Firewalls", "Malware protection"],
            },
            {
                "name": "learning",
                "heading": "Staff learning",
                "path": "/learning",
                "texts": ["De Montfort University (synthetic)"],
            },
            {
                "name": "phishing",
                "heading": "Phishing simulations",
                "path": "/learning/phishing",
                "texts": ["Soar Valley Logistics Ltd (synthetic)"],
            },
            {
                "name": "explore",
                "heading": "Explore reports",
                "path": format!("/explore?{FIRST_HALF_2017}"),
                "texts": [format!("4,863 reports from {first_half} match")],
            },
            {
                "name": "explore-rows",
                "heading": "Explore reports",
                "path": format!("/explore?{FIRST_HALF_2017}&rows=1"),
                "texts": ["4,863 reports"],
            },
            {
                "name": "board",
                "heading": "Fraud and cyber crime in Leicester, Leicestershire and Rutland",
                "path": format!("/board?{FIRST_HALF_2017}"),
                "texts": [
                    "There were 4,726 reports of fraud in Leicester, Leicestershire and Rutland \
                     between 1 January and 30 June 2017 with a total loss of £3.6 million."
                ],
            },
            {
                "name": "board-register",
                "heading": "Fraud and cyber crime in Leicester, Leicestershire and Rutland",
                "path": format!("/board?{APRIL_TO_SEPTEMBER_2017}"),
                "texts": [
                    "there were 960 individual addresses believed to be involved in the spread \
                     or delivery of tools to assist with the delivery of cyber crime within \
                     Leicester, Leicestershire and Rutland"
                ],
            },
            {
                "name": "runs",
                "heading": "Data loading",
                "path": "/runs",
                "texts": ["48,975"],
            },
            {
                "name": "care-queue",
                "heading": "Triage queue",
                "path": "/care",
                "texts": ["Cases 1 to 25 of 2,286", "Face-to-face by the local force", "Aged 80 or over"],
            },
            {
                "name": "care-case",
                "heading": "Case NFRC19120015670",
                "path": "/care/cases/NFRC19120015670",
                "texts": ["Why it is at this level", "First contact made in time", "Record a contact attempt"],
            },
            {
                "name": "audit",
                "heading": "Audit log",
                "path": "/audit",
                "texts": ["demo-coordinator"],
            },
            {
                "name": "users",
                "heading": "Users",
                "path": "/users",
                "texts": ["demo-coordinator", "demo-analyst", "demo-partner"],
            },
            {
                "name": "register",
                "heading": "Threat-address register",
                "path": "/register/addresses",
                "texts": ["Addresses, most recently seen first"],
            },
            {
                "name": "advisories",
                "heading": "Advisories",
                "path": "/advisories",
                "texts": [PARTNER_ADVISORY],
            },
            {
                "name": "advisories-overdue",
                "heading": "Overdue advisories",
                "path": "/advisories/overdue",
                "texts": ["How fast partners act", "Every partner"],
            },
            {
                "name": "account",
                "heading": "Your account",
                "path": "/account",
                "texts": ["demo-coordinator"],
            },
        ],
        // Protect campaigns: a campaign built on the form, then the demo trial (campaign 3)
        // read: its evaluation report (the demo's seeded figures) and its locked plan.
        "campaign": {
            "advice": "courier-fraud-older-residents",
            "name": "Courier fraud: browser check",
            "segment": "Residents",
            "evaluation": {
                "path": "/campaigns/3/evaluation",
                "heading": "Evaluation report",
                "texts": ["Balance of the arms", "Primary outcome", "95% interval (Wilson)", "new_wording", "Opens (unreliable)"],
            },
            "plan": {
                "path": "/campaigns/3/plan",
                "heading": "Evaluation plan",
                "texts": ["Locked", "Planned per arm", "new_wording"],
            },
        },
        // Error paths: the same form again, answered 400, with a GOV.UK error summary
        // linking to the field, what the user typed kept, and the menu and sign-out kept.
        "errorPages": [
            {
                "name": "dashboard-bad-date",
                "path": "/dashboard?from-day=30&from-month=2&from-year=2017\
                         &to-day=30&to-month=6&to-year=2017",
                "status": 400,
                "heading": "Fraud and cyber crime",
                "summary": ["The start date must be a real date, like 31 3 2017"],
                "inputs": {
                    "#from-day": "30",
                    "#from-month": "2",
                    "#from-year": "2017",
                    "#to-day": "30",
                    "#to-month": "6",
                    "#to-year": "2017",
                },
            },
            {
                "name": "explore-unknown-district",
                "path": format!("/explore?{FIRST_HALF_2017}&district=E99999999"),
                "status": 400,
                "heading": "Explore reports",
                "summary": ["Choose a district from the list ('E99999999' is not one)"],
            },
            {
                "name": "explore-unknown-type",
                "path": format!("/explore?{FIRST_HALF_2017}&fraud_type=robot"),
                "status": 400,
                "heading": "Explore reports",
                "summary": ["Choose a type from the list ('robot' is not one)"],
            },
        ],
        "readiness": {
            "assessment": {
                "heading": "Self-assessment",
                "minQuestions": 20,
                "firstAnswer": "Partly",
                "otherAnswer": "Yes",
                "results": {
                    "heading": "Self-assessment results",
                    "texts": ["Firewalls", "Malware protection", "What to do next"],
                },
            },
            "debrief": {
                "path": "/exercises/2/debrief",
                "partner": {
                    "heading": "Debrief: Phishing to ransomware",
                    "texts": [PARTNER_ORGANISATION, "First response", "Progress over runs of this scenario"],
                },
                "others": [
                    "Rutland County Council (synthetic)",
                    "Loughborough University (synthetic)",
                ],
            },
            "learner": {
                "invitation": invitation,
                "joinHeading": format!("Join {PARTNER_ORGANISATION}'s staff learning"),
                "homeHeading": "Your modules",
                "name": "Browser Check Learner",
            },
            "module": {
                "id": module.id,
                "title": module.title,
                "answers": answers,
                "results": {
                    "heading": format!("You passed: {}", module.title),
                    "texts": ["Passed", "The pass mark is 80%"],
                },
            },
            "certificate": { "heading": "Certificate of completion" },
        },
        // The partner loop: demo-partner's queue, the advisory, its asset marked fixed.
        "partner": {
            "username": "demo-partner",
            "advisory": PARTNER_ADVISORY,
            "asset": PARTNER_ASSET,
            "inventoryHeading": format!("Inventory of {PARTNER_ORGANISATION}"),
        },
        // A phone-sized screen (an iPhone SE's): the victim-care queue and a case as the
        // coordinator sees them there, each with no sideways scrolling of the page.
        "phone": {
            "viewport": { "width": 375, "height": 667 },
            "pages": [
                {
                    "name": "phone-care-queue",
                    "heading": "Triage queue",
                    "path": "/care",
                    // Not the count: the upload before it has scored the queue again.
                    "texts": ["Cases 1 to 25 of", "Face-to-face by the local force"],
                },
                {
                    "name": "phone-care-case",
                    "heading": "Case NFRC19120015670",
                    "path": "/care/cases/NFRC19120015670",
                    "texts": ["Why it is at this level", "First contact made in time", "Record a contact attempt"],
                },
            ],
        },
        // Cyber Choices as its officer (`beacon demo`'s demo-prevent), at desktop and phone
        // sizes: the list, a referral, and the opening form sent empty.
        "cyberChoices": {
            "username": "demo-prevent",
            "landing": "/cyber-choices",
            "list": {
                "path": "/cyber-choices",
                "heading": "Cyber Choices referrals",
                "texts": ["CC00001", "Where they stand", "Contacted within 5 working days of the full referral"],
            },
            "referral": {
                "path": "/cyber-choices/CC00001",
                "heading": "Referral CC00001",
                "texts": ["Stages, in the order they happened", "Anonymised summary received"],
            },
            "empty": {
                "path": "/cyber-choices/new",
                "heading": "Open a Cyber Choices referral",
                "button": "Open the referral",
                "title": "Error: Open a Cyber Choices referral",
                "summary": [
                    "Select who made the referral",
                    "Select the person's age",
                    "Select what the concern is",
                    "Select the district",
                    "Enter the day the summary was received",
                ],
            },
        },
        "frontDoor": front_door_expectations(),
        "badUpload": {
            "bannerTitle": "Important",
            "perPage": 50,
            "pages": 60,
            // The page once was 50 MB for 100,000 bad rows; one page of 50 is far less.
            "maxBytes": 400_000,
            "maxMillis": 10_000,
            "first": {
                "texts": [
                    "Nothing was stored: all 3,000 rows read were quarantined.",
                    "Rows 1 to 50 of 3,000, in line order.",
                ],
            },
            "second": {
                "texts": ["Rows 51 to 100 of 3,000, in line order."],
            },
        },
    })
}

/// The public front door (`/report`, docs/front-door.md) on a phone, signed out: each walk
/// is its pages in order, each page with its heading, the answers to give (radios and
/// checkboxes by their label, fields by their selector) and the texts it must show; the
/// result pages; the bad answers with their error summaries; the rate limit.
fn front_door_expectations() -> serde_json::Value {
    // Script typed into the description: shown as text, never run.
    let script = "<script>window.__pwned=1</script>";
    let description = format!("A man said he was from my bank. {script}");
    serde_json::json!({
        "start": {
            "path": "/report",
            "heading": "Report a scam, fraud or cyber attack",
            "texts": [
                "This is not an emergency service. If you are in immediate danger call 999.",
                "0300 123 2040",
            ],
        },
        "script": script,
        "resident": {
            "steps": [
                {
                    "heading": "Are you reporting as a resident or for a business?",
                    "choose": ["A resident (for yourself or someone you care for)"],
                },
                { "heading": "What happened?", "choose": ["A scam email, text message or phone call"] },
                {
                    "heading": "When did it happen?",
                    "fill": { "#when-day": "14", "#when-month": "2", "#when-year": "2025" },
                },
                { "heading": "Was any money lost?", "choose": ["Yes"], "fill": { "#amount": "250" } },
                { "heading": "How did they first contact you?", "choose": ["A phone call"] },
                { "heading": "Where do you live?", "choose": ["Leicester"] },
                {
                    "heading": "What happened, in your own words (optional)",
                    "fill": { "#description": description },
                },
                {
                    "heading": "Check your answers",
                    "texts": [
                        "A scam email, text message or phone call",
                        "14 February 2025",
                        "£250.00",
                        "Leicester",
                        description,
                    ],
                },
                { "heading": "May we keep a record of your report?", "choose": ["Yes, keep a record"] },
            ],
            "done": {
                "heading": "Report complete",
                "texts": ["Your local reference", "What to do now", "Advice for you", "Your summary for Action Fraud"],
                "actionFraud": ["Reporting as: A resident", "Money lost: £250.00", "Where: Leicester", description],
            },
        },
        "business": {
            "steps": [
                {
                    "heading": "Are you reporting as a resident or for a business?",
                    "choose": ["A business, charity or other organisation"],
                },
                { "heading": "What happened?", "choose": ["An invoice or payment request with changed bank details"] },
                { "heading": "When did it happen?", "choose": ["I am not sure when it happened"] },
                { "heading": "Was any money lost?", "choose": ["I am not sure"] },
                { "heading": "How did they first contact you?", "choose": ["An email"] },
                {
                    "heading": "About the business",
                    "choose": ["Fewer than 10 staff", "Retail"],
                    "texts": ["How many staff does the business have?", "What does the business do?"],
                },
                { "heading": "Where is the business?", "choose": ["Charnwood"] },
                { "heading": "What happened, in your own words (optional)" },
                {
                    "heading": "Check your answers",
                    "texts": ["Business size", "Fewer than 10 staff", "Business sector", "Retail", "Charnwood"],
                },
                { "heading": "May we keep a record of your report?", "choose": ["Yes, keep a record"] },
            ],
            "done": {
                "heading": "Report complete",
                "texts": ["Your local reference", "Advice for you"],
                "actionFraud": ["Business size: Fewer than 10 staff", "Business sector: Retail"],
            },
        },
        // Bad answers on one walk: each page answered 400 with the GOV.UK error summary, an
        // "Error: " title and the field's inline error, then answered properly; it ends
        // with a "no" to keeping a record, which stores nothing.
        "bad": {
            "empty": {
                "heading": "Are you reporting as a resident or for a business?",
                "summary": ["Select whether you are reporting as a resident or for a business"],
                "then": { "choose": ["A resident (for yourself or someone you care for)"] },
            },
            "what": { "heading": "What happened?", "choose": ["Something else"] },
            "future": {
                "heading": "When did it happen?",
                "summary": ["The date it happened must be today or in the past"],
                "then": { "choose": ["I am not sure when it happened"] },
            },
            "before": [
                { "heading": "Was any money lost?", "choose": ["No"] },
                { "heading": "How did they first contact you?", "choose": ["A website or app"] },
                { "heading": "Where do you live?", "choose": ["I am not sure"] },
            ],
            "huge": {
                "heading": "What happened, in your own words (optional)",
                "bytes": 1_048_576,
                "summary": ["Your description must be 1,000 characters or fewer"],
                // The refused page carries the answer cut short, not the megabyte.
                "maxBytes": 60_000,
            },
            "check": { "heading": "Check your answers", "texts": ["Something else", "Not sure"] },
            "consent": {
                "heading": "May we keep a record of your report?",
                "summary": ["Select yes if we may keep a record of your report"],
                "then": { "choose": ["No, do not keep a record"] },
            },
            "done": {
                "heading": "Your summary and advice",
                "texts": ["We have not kept a record of your report."],
            },
        },
        "rateLimit": {
            "perAddress": FRONT_DOOR_REPORTS_PER_ADDRESS,
            "status": 429,
            "heading": "You have sent too many reports",
            "title": "Error: You have sent too many reports",
            "summary": [format!("You have sent too many reports. Try again in {FRONT_DOOR_WINDOW_MINUTES} minutes.")],
            "retryAfter": (FRONT_DOOR_WINDOW_MINUTES * 60).to_string(),
            "steps": [
                {
                    "heading": "Are you reporting as a resident or for a business?",
                    "choose": ["A resident (for yourself or someone you care for)"],
                },
                { "heading": "What happened?", "choose": ["An investment, pension or cryptocurrency scam"] },
                { "heading": "When did it happen?", "choose": ["I am not sure when it happened"] },
                { "heading": "Was any money lost?", "choose": ["No"] },
                { "heading": "How did they first contact you?", "choose": ["Social media"] },
                { "heading": "Where do you live?", "choose": ["Rutland"] },
                { "heading": "What happened, in your own words (optional)" },
                { "heading": "Check your answers" },
                { "heading": "May we keep a record of your report?", "choose": ["Yes, keep a record"] },
            ],
        },
        // The public pages that lead to the front door.
        "links": {
            "name": "Report a scam, fraud or cyber attack",
            "from": ["/sign-in", "/advice"],
        },
    })
}

/// One browser check at a time: two Chromiums and two servers on a small machine would
/// only slow each other into their timeouts.
static ONE_BROWSER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Builds the demo on `backend`, serves it and runs `tests/browser/run.mjs` over it.
fn check_in_a_browser(backend: Backend) {
    let Some(tools) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let (database, _postgres) = match backend {
        Backend::Sqlite => (
            dir.path()
                .join("demo.db")
                .to_str()
                .expect("the temporary path is UTF-8")
                .to_owned(),
            None,
        ),
        Backend::Postgres => {
            let Some(database) = TestDatabase::fresh(Backend::Postgres, "browser") else {
                return;
            };
            (database.location().to_owned(), Some(database))
        }
    };
    let label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = crate_dir
        .parent()
        .and_then(Path::parent)
        .expect("crates/beacon sits two folders below the workspace");
    let script = crate_dir.join("tests/browser/run.mjs");
    let screenshots = std::env::var_os("BEACON_SCREENSHOTS_DIR")
        .map_or_else(|| workspace.join("target/screenshots"), PathBuf::from)
        .join(label);
    std::fs::create_dir_all(&screenshots).expect("screenshots folder");

    run_ok(
        beacon(dir.path())
            .args(["--database", &database, "demo", "--no-serve"])
            .env("BEACON_DEMO_PASSWORD", DEMO_PASSWORD),
        "beacon demo --no-serve",
    );
    let (inventory, kev) = partner_advisory_files(dir.path());
    run_ok(
        beacon(dir.path())
            .args(["--database", &database, "inventory", "import"])
            .arg(&inventory),
        "beacon inventory import",
    );
    run_ok(
        beacon(dir.path())
            .args(["--database", &database, "ingest", "advisories"])
            .arg(&kev),
        "beacon ingest advisories",
    );
    let upload = dir.path().join("upload.csv");
    run_ok(
        beacon(dir.path())
            .args(["demo", "generate", "--rows", "200", "--bad-rows"])
            .arg(BAD_ROWS.to_string())
            .args(["--duplicate-rows", "3", "--seed", "7", "--out"])
            .arg(&upload),
        "beacon demo generate",
    );
    let all_bad = dir.path().join("all-bad.csv");
    all_bad_upload(&all_bad, ALL_BAD_ROWS);
    let invited = beacon(dir.path())
        .args([
            "--database",
            &database,
            "learning",
            "invite",
            "--organisation",
            PARTNER_ORGANISATION,
            "--json",
        ])
        .output()
        .expect("beacon learning invite runs");
    assert!(
        invited.status.success(),
        "beacon learning invite: {}",
        String::from_utf8_lossy(&invited.stderr)
    );
    let invited: serde_json::Value = serde_json::from_slice(&invited.stdout).expect("JSON");
    let invitation = invited["url"]
        .as_str()
        .expect("the invitation's address")
        .to_owned();
    let expectations = dir.path().join("expectations.json");
    std::fs::write(&expectations, demo_expectations(&invitation).to_string())
        .expect("expectations written");

    let _one_at_a_time = ONE_BROWSER_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let config = serve_config(dir.path());
    let server = Server::start(dir.path(), &database, &config);
    let output = Command::new(&tools.node)
        .arg(&script)
        .current_dir(workspace)
        .env("BASE_URL", &server.base_url)
        .env("USERNAME", "demo-coordinator")
        .env("PASSWORD", DEMO_PASSWORD)
        .env("SCREENSHOTS_DIR", &screenshots)
        .env("UPLOAD_CSV", &upload)
        .env("EXPECTED_QUARANTINED", BAD_ROWS.to_string())
        .env("EXPECTATIONS", &expectations)
        .env("BAD_UPLOAD_CSV", &all_bad)
        .env("CHROMIUM", &tools.chromium)
        .env("NODE_PATH", &tools.node_modules)
        .env("BEACON_BROWSER_NODE_MODULES", &tools.node_modules)
        .stdin(Stdio::null())
        .output()
        .expect("node runs the browser check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser check on {label} failed ({}):\n{stdout}\n{stderr}\n-- server log --\n{}",
        output.status,
        server.log_text()
    );
    // The pages visited and axe's findings, where they are seen without --nocapture.
    let _ = writeln!(
        std::io::stderr().lock(),
        "browser check on {label}:\n{stdout}{stderr}"
    );
    drop(server);
}

#[test]
fn pages_work_and_are_accessible_in_a_browser_on_sqlite() {
    check_in_a_browser(Backend::Sqlite);
}

#[test]
fn pages_work_and_are_accessible_in_a_browser_on_postgres() {
    check_in_a_browser(Backend::Postgres);
}
