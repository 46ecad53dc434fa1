// The web tests' shared harness, pasted into each test file with
// `include!("support/harness.rs")` so that every file (one per area) gets the same world,
// server, client and page readers without making them public. Files use different parts of
// it, hence the `dead_code` allowance in each.

use beacon_core::{LocalIssueRules, Organisation, Period, Permission, Role, Tlp};
use beacon_notify::AckSigner;
use beacon_app::{IngestOptions, IngestOutcome, ingest_reports};
use beacon_report::wording;
use beacon_store::{AuditFilter, AuditRecord, Backend, NewDigest, NewUser, Store};
use beacon_testing::TestDatabase;
use beacon_web::pool::StorePool;
use beacon_web::{AppState, WebSettings};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use time::Date;
use time::macros::date;

// ---------------------------------------------------------------------------------------
// The world a test starts from: reference data, one account per role, an organisation,
// a queued digest and (for most tests) a known synthetic dataset.
// ---------------------------------------------------------------------------------------

/// Every test account's password.
const PASSWORD: &str = "correct horse battery staple";
/// The period the statistics pages are asked for: the whole of 2018.
const FROM: Date = date!(2018 - 01 - 01);
const TO: Date = date!(2018 - 12 - 31);
/// The period as a query string.
const PERIOD: &str = "from=2018-01-01&to=2018-12-31";
/// The partner's organisation.
const ORGANISATION: &str = "Wreake Valley Building Society";
/// The uploaded fixture: 10 rows, of which 4 new, 1 repeat and 5 malformed.
const UPLOAD: &str = include_str!("../server/upload.csv");

/// A test account.
#[derive(Debug, Clone)]
struct Account {
    id: i64,
    username: String,
    role: Role,
}

/// The seeded dataset and what is known about it.
struct Loaded {
    /// What the generator says it wrote.
    expected: beacon_demo::Expected,
    /// What the ingest did.
    outcome: IngestOutcome,
    /// The test period's good, distinct rows per `district_code` column of the generated
    /// file ("" for rows without one), counted straight from the CSV the generator wrote,
    /// so that the pages' district figures can be checked against something the analytics
    /// never touched.
    by_district: BTreeMap<String, DistrictCount>,
}

/// One district's reports in the generated file, by family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DistrictCount {
    /// Fraud: every type that is not computer misuse.
    fraud: u64,
    /// Cyber crime: the computer-misuse types.
    cyber: u64,
}

struct World {
    place: TestDatabase,
    rules: LocalIssueRules,
    /// One account per role, in `Role::ALL` order.
    accounts: Vec<Account>,
    /// A business user nobody signs in as, for account changes.
    spare: Account,
    /// The partner IT manager's organisation.
    organisation: i64,
    data: Option<Loaded>,
}

impl World {
    /// A fresh database with accounts, and the synthetic dataset when `with_data`.
    fn new(kind: Backend, with_data: bool) -> Option<World> {
        let place = TestDatabase::fresh(kind, "web")?;
        let rules = beacon_ingest::reference::parse_rules(beacon_ingest::reference::SHIPPED_RULES)
            .expect("the shipped rules parse");
        let mut store = place.open();
        beacon_app::reference::ensure_reference_data(store.as_mut())
            .expect("reference data loads");
        let organisation = store
            .upsert_organisations(&[Organisation {
                name: ORGANISATION.into(),
                sector: "business".into(),
                contacts: vec!["soc@wreake.example".into()],
                ..Organisation::default()
            }])
            .expect("an organisation")[0];
        store
            .enqueue_digests(
                organisation,
                &[NewDigest {
                    organisation_id: organisation,
                    recipient: "soc@wreake.example".into(),
                    recipient_kind: "own".into(),
                    subject: "Beacon digest".into(),
                    text: "text".into(),
                    html: "html".into(),
                    tlp: Tlp::Green,
                    findings: 3,
                    withheld: 0,
                }],
                time::OffsetDateTime::now_utc(),
                "beacon.test",
            )
            .expect("a queued digest");
        let hash = beacon_web::auth::hash_password(PASSWORD).expect("a password hash");
        let mut create = |username: String, role: Role| -> Account {
            let id = store
                .create_user(&NewUser {
                    username: username.clone(),
                    display_name: format!("Test {}", role.label()),
                    role,
                    password_hash: hash.clone(),
                    organisation_id: (role == Role::PartnerItManager).then_some(organisation),
                })
                .expect("a new account");
            Account { id, username, role }
        };
        let accounts: Vec<Account> = Role::ALL
            .into_iter()
            .map(|role| create(role.as_str().replace('_', "-"), role))
            .collect();
        let spare = create("spare-business".into(), Role::BusinessUser);
        let data = with_data.then(|| load_dataset(store.as_mut(), &rules));
        Some(World {
            place,
            rules,
            accounts,
            spare,
            organisation,
            data,
        })
    }

    fn account(&self, role: Role) -> &Account {
        self.accounts
            .iter()
            .find(|account| account.role == role)
            .expect("an account per role")
    }

    fn data(&self) -> &Loaded {
        self.data.as_ref().expect("this test loads the dataset")
    }

    /// The area's summary of the test period, computed by the analytics crate.
    fn summary(&self) -> beacon_analytics::Summary {
        let mut store = self.place.open();
        beacon_app::period::load_period_facts(store.as_mut(), period())
            .expect("facts load")
            .summary(&self.rules)
    }

    /// A district's summary of the test period.
    fn district_summary(&self, code: &str) -> beacon_analytics::Summary {
        let mut store = self.place.open();
        beacon_app::period::load_period_facts(store.as_mut(), period())
            .expect("facts load")
            .district_summary(&code.parse().expect("a district code"), &self.rules)
            .expect("a district of the area")
    }

    /// Audit events with `action`, newest first.
    fn audit(&self, action: &str) -> Vec<AuditRecord> {
        self.place
            .open()
            .audit_search(&AuditFilter {
                action: Some(action.into()),
                limit: 1000,
                ..AuditFilter::default()
            })
            .expect("audit_search")
    }

    fn runs(&self) -> Vec<beacon_core::IngestRun> {
        self.place.open().runs(1000).expect("runs")
    }
}

fn period() -> Period {
    Period::new(FROM, TO).expect("a period")
}

/// Ingests a seeded synthetic file (two years, with duplicates and malformed rows) as
/// `beacon demo` does.
fn load_dataset(store: &mut dyn Store, rules: &LocalIssueRules) -> Loaded {
    let config = beacon_demo::DemoConfig {
        seed: 20_190_401,
        first_year: 2017,
        last_year: 2018,
        rows: Some(3_000),
        bad_rows: 7,
        duplicate_rows: 11,
    };
    let mut csv = Vec::new();
    let expected = beacon_demo::generate(&config, &mut csv).expect("the generator writes");
    let by_district = count_by_district(&csv, FROM, TO);
    let options = IngestOptions::new(rules.clone(), date!(2024 - 01 - 01));
    let outcome = ingest_reports(
        store,
        "seed.csv (synthetic)",
        Box::new(std::io::Cursor::new(csv)),
        &options,
        &mut |_| {},
    )
    .expect("the dataset loads");
    assert_eq!(
        (outcome.stored, outcome.duplicates, outcome.rejected),
        (
            expected.good_rows,
            expected.duplicate_rows,
            expected.bad_rows
        ),
        "the ingest agrees with the generator"
    );
    Loaded {
        expected,
        outcome,
        by_district,
    }
}

/// Good, distinct rows reported from `from` to `to`, per `district_code` column, read from
/// the generated CSV with nothing but the csv crate and the shipped fraud-type list (which
/// types are computer misuse). A row is good unless the generator broke it on purpose: its
/// reference is then empty or starts `NFRCBAD` (docs/demo-data.md); a repeated reference is
/// a duplicate.
fn count_by_district(csv: &[u8], from: Date, to: Date) -> BTreeMap<String, DistrictCount> {
    let types = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/reference/fraud_types.csv");
    let mut computer_misuse = std::collections::HashMap::new();
    for row in csv::Reader::from_path(&types)
        .expect("the shipped fraud types open")
        .records()
    {
        let row = row.expect("a fraud type row");
        let misuse = &row[3] == "true";
        for key in [&row[0], &row[1]] {
            if !key.is_empty() {
                computer_misuse.insert(key.to_owned(), misuse);
            }
        }
    }
    let (from, to) = (from.to_string(), to.to_string());
    let mut reader = csv::Reader::from_reader(csv);
    let header = reader.headers().expect("the generated header").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|field| field == name)
            .unwrap_or_else(|| panic!("the generated file has a {name} column"))
    };
    let (reference, reported, fraud_type, district) = (
        column("reference"),
        column("reported_date"),
        column("fraud_type"),
        column("district_code"),
    );
    let mut seen = std::collections::HashSet::new();
    let mut counts = BTreeMap::<String, DistrictCount>::new();
    for row in reader.records() {
        let row = row.expect("a generated row");
        let key = &row[reference];
        if key.is_empty() || key.starts_with("NFRCBAD") || !seen.insert(key.to_owned()) {
            continue;
        }
        if !(from.as_str()..=to.as_str()).contains(&&row[reported]) {
            continue;
        }
        let count = counts.entry(row[district].to_owned()).or_default();
        match computer_misuse.get(&row[fraud_type]) {
            Some(true) => count.cyber += 1,
            Some(false) => count.fraud += 1,
            None => panic!(
                "the generator wrote an unknown fraud type {}",
                &row[fraud_type]
            ),
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------
// The server: the application's router served on a random loopback port, on a runtime of
// its own that is shut down when the server is dropped.
// ---------------------------------------------------------------------------------------

struct Server {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
    /// The application's state, kept here so that its store connections are dropped on
    /// the test's thread, after the runtime: a `postgres::Client` dropped on a runtime
    /// thread panics ("Cannot start a runtime from within a runtime"), and two such
    /// panics abort the whole test binary. `beacon_web::serve` itself has no such guard;
    /// see `serve_stops_cleanly_at_ctrl_c`.
    state: Option<AppState>,
}

impl Server {
    /// Serves the world's database with default settings (no Chromium, so board PDFs are
    /// refused the same way on every machine).
    fn start(world: &World) -> Server {
        Server::start_with(world, |_| {})
    }

    /// Serves the world's database with `adjust`ed settings, built as `beacon serve`
    /// builds them: a pool of connections and an opener for uploads.
    fn start_with(world: &World, adjust: impl FnOnce(&mut WebSettings)) -> Server {
        let connections = (0..3).map(|_| world.place.open()).collect();
        let location = world.place.location().to_owned();
        let pool = StorePool::new(
            connections,
            Some(Box::new(move || beacon_store::open(&location))),
        );
        let mut settings = WebSettings::new(world.rules.clone());
        settings.chromium = None;
        adjust(&mut settings);
        let state = AppState::with_pool(pool, AckSigner::new(b"web server tests"), settings);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let address = listener.local_addr().expect("the bound address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = beacon_web::router(state.clone());
        // `beacon_web::serve` exactly, but stopped by this handle instead of Ctrl-C (whose
        // handler would outlive the test and swallow Ctrl-C for the whole test binary).
        runtime.spawn(async move {
            let served = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
            if let Err(error) = served {
                eprintln!("the test server failed: {error}");
            }
        });
        Server {
            address,
            stop: Some(stop),
            runtime: Some(runtime),
            state: Some(state),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(10));
        }
        drop(self.state.take());
    }
}

// ---------------------------------------------------------------------------------------
// A browser, as far as the server can tell: a cookie jar, no automatic redirects.
// ---------------------------------------------------------------------------------------

/// A response, read whole.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn location(&self) -> &str {
        self.header("location")
            .unwrap_or_else(|| panic!("a Location header in {self:?}"))
    }

    /// The `Set-Cookie` line for cookie `name`.
    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, value)| value.as_str())
            .find(|value| value.starts_with(&format!("{name}=")))
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("JSON expected ({error}): {}", self.body))
    }

    /// The value of the hidden form field `name` (the first one on the page).
    fn hidden(&self, name: &str) -> String {
        hidden_field(&self.body, name)
            .unwrap_or_else(|| panic!("a {name} field on the page: {}", self.body))
    }

    /// The page as a reader sees it: text only, entities decoded, spaces collapsed.
    fn text(&self) -> String {
        visible_text(&self.body)
    }

    #[track_caller]
    fn expect(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status, status,
            "unexpected status; headers {:?}\n{}",
            self.headers, self.body
        );
        self
    }

    #[track_caller]
    fn shows(&self, phrase: &str) -> &Reply {
        let text = self.text();
        assert!(
            text.contains(phrase),
            "the page should say {phrase:?}; it says:\n{text}"
        );
        self
    }
}

struct Client {
    base: String,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

impl Client {
    fn new(server: &Server) -> Client {
        Client::at(server.address)
    }

    /// A browser for the server at `address`.
    fn at(address: SocketAddr) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client {
            base: format!("http://{address}"),
            agent,
            cookies: BTreeMap::new(),
        }
    }

    /// A browser already signed in as `username`.
    fn signed_in(server: &Server, username: &str) -> Client {
        let mut client = Client::new(server);
        client.sign_in(username, PASSWORD).expect(303);
        assert!(
            client.cookies.contains_key("beacon_session"),
            "signing in as {username} sets the session cookie"
        );
        client
    }

    /// Points the same browser (same cookies) at another server.
    fn switch_to(&mut self, server: &Server) {
        self.base = server.url("");
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let cookie = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let result = match method {
            "GET" => {
                let mut request = self.agent.get(&url);
                if !cookie.is_empty() {
                    request = request.header("cookie", &cookie);
                }
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                request.call()
            }
            "POST" => {
                let mut request = self.agent.post(&url);
                if !cookie.is_empty() {
                    request = request.header("cookie", &cookie);
                }
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                match body {
                    Some((content_type, bytes)) => request
                        .header("content-type", content_type)
                        .send(&bytes[..]),
                    None => request.send_empty(),
                }
            }
            other => panic!("no {other} in these tests"),
        };
        let mut response = result.unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Read as bytes, so that binary downloads (PDFs) come back too.
        let body = response
            .body_mut()
            .read_to_vec()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|error| panic!("{method} {path}: reading the body: {error}"));
        for (_, line) in headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        {
            self.keep_cookie(line);
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    /// What a browser does with a `Set-Cookie` line (this server only ever sets or clears).
    fn keep_cookie(&mut self, line: &str) {
        let mut parts = line.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.trim().split_once('=')) else {
            return;
        };
        let cleared = value.is_empty()
            || parts.any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
        if cleared {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, &[], None)
    }

    fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields
            .iter()
            .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            "POST",
            path,
            &[],
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
        )
    }

    /// A multipart form: text fields and files (`Some(file name)`), in the order given.
    fn post_multipart(&mut self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
        const BOUNDARY: &str = "beacon-test-boundary-5f2a9c";
        let mut body = Vec::new();
        for (name, file_name, data) in parts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            match file_name {
                Some(file_name) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.send(
            "POST",
            path,
            &[],
            Some((&format!("multipart/form-data; boundary={BOUNDARY}"), body)),
        )
    }

    /// The sign-in form, filled in and sent (with the form's own anti-forgery token).
    fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let form = self.get("/sign-in");
        form.expect(200);
        let csrf = form.hidden("csrf_token");
        self.post_form(
            "/sign-in",
            &[
                ("username", username),
                ("password", password),
                ("csrf_token", &csrf),
                ("next", "/"),
            ],
        )
    }

    /// The session's anti-forgery token, as every signed-in page carries it.
    fn csrf(&mut self) -> String {
        self.get("/account").expect(200).hidden("csrf_token")
    }

    /// Uploads a file as the upload form does, and follows its progress to the run it
    /// became; returns the run's number.
    fn upload(&mut self, file_name: &str, contents: &[u8]) -> i64 {
        let csrf = self.get("/upload").expect(200).hidden("csrf_token");
        let sent = self.post_multipart(
            "/upload",
            &[
                ("csrf_token", None, csrf.as_bytes()),
                ("file", Some(file_name), contents),
            ],
        );
        sent.expect(303);
        let progress = sent.location().to_owned();
        assert!(progress.starts_with("/upload/"), "{progress}");
        self.follow_upload(&progress)
    }

    /// Follows an upload's progress as its page's script does (polling the page's status
    /// address) until the load ends; then the page itself sends the browser to the run.
    /// Returns the run's number.
    fn follow_upload(&mut self, progress: &str) -> i64 {
        let page = self.get(progress);
        if page.status == 200 {
            assert!(
                page.body
                    .contains(&format!("data-progress-url=\"{progress}/status\"")),
                "a progress page names its status address: {}",
                page.body
            );
            assert!(
                links(&page.body).contains(&progress.to_owned()),
                "a progress page links to itself for those without scripts"
            );
        } else {
            page.expect(303);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let run_id = loop {
            let status = self.get(&format!("{progress}/status")).expect(200).json();
            match status["state"].as_str() {
                Some("finished") => break status["run_id"].as_i64().expect("a run number"),
                Some("loading") => {}
                _ => panic!("the upload failed: {status}"),
            }
            assert!(Instant::now() < deadline, "the upload took over a minute");
            std::thread::sleep(Duration::from_millis(50));
        };
        let done = self.get(progress);
        done.expect(303);
        assert_eq!(done.location(), format!("/runs/{run_id}"));
        run_id
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// How the server writes `next` into the sign-in address: percent-encoded, `/` kept.
fn next_encode(text: &str) -> String {
    form_encode(text).replace("%2F", "/").replace('+', "%20")
}

// ---------------------------------------------------------------------------------------
// Reading pages.
// ---------------------------------------------------------------------------------------

/// Decodes the entities the templates' escaping produces (named and numeric).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = rest
            .find(';')
            .filter(|end| *end <= 10)
            .map(|end| &rest[1..end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        });
        match (entity, decoded) {
            (Some(name), Some(c)) => {
                out.push(c);
                rest = &rest[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of a page: tags removed (each counts as a space), entities decoded, runs of
/// white space made one space.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The tag (from `<` to `>`) holding `attribute` at byte `at`.
fn tag_around(html: &str, at: usize) -> &str {
    let start = html[..at].rfind('<').unwrap_or(0);
    let end = html[at..].find('>').map_or(html.len(), |i| at + i + 1);
    &html[start..end]
}

/// An attribute's value in one tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(decode_entities(&tag[start..end]))
}

/// The value of the first `<input name="{name}">` on a page.
fn hidden_field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    attribute(tag_around(html, at), "value")
}

/// Every link's target on a page, decoded.
fn links(html: &str) -> Vec<String> {
    html.match_indices("<a ")
        .filter_map(|(at, _)| attribute(tag_around(html, at + 1), "href"))
        .collect()
}

/// A table's rows as text cells: each `<tr>`'s `<th>`/`<td>` contents.
fn table_rows(html: &str) -> Vec<Vec<String>> {
    html.split("<tr")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or_default();
            row.split("<t")
                .skip(1)
                .filter(|cell| cell.starts_with('d') || cell.starts_with('h'))
                .map(|cell| {
                    let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                    visible_text(inner.split("</t").next().unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

/// The headline figure labelled `label` on a statistics page.
fn figure(html: &str, label: &str) -> Option<String> {
    let at = html.find(&format!(">{label}<"))?;
    let after = &html[at..];
    let value = after.find("beacon-figure__value")?;
    let inner = after[value..].split_once('>')?.1;
    Some(visible_text(inner.split("</").next()?))
}

fn parse_csv(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[track_caller]
fn assert_refused_page(reply: &Reply) {
    reply.expect(403);
    // A form refused for its token (the sign-in form posted with a session's token, say)
    // says so; anything else refused says the role has no access.
    let body = reply.text();
    assert!(
        body.contains("You do not have access to this page")
            || body.contains("This form could not be accepted"),
        "the page should say why it refused; it says:\n{body}"
    );
}

#[track_caller]
fn assert_sent_to_sign_in(reply: &Reply, path: &str) {
    reply.expect(303);
    assert_eq!(
        reply.location(),
        format!("/sign-in?next={}", next_encode(path))
    );
}

// ---------------------------------------------------------------------------------------
// One test per scenario and backend: `<scenario>::sqlite`, `<scenario>::postgres`.
// ---------------------------------------------------------------------------------------

macro_rules! scenarios {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[test]
                fn sqlite() {
                    super::$scenario(super::Backend::Sqlite);
                }

                #[test]
                fn postgres() {
                    super::$scenario(super::Backend::Postgres);
                }
            }
        )+
    };
}
