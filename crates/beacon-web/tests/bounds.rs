//! One request cannot exhaust the server: the widest requests answer within a stated
//! time and size, the server's memory stays under a stated ceiling, at most two board
//! PDFs are printed at once (the rest get a clear 503), and a Chromium that takes too
//! long is killed and reaped.
//!
//! The PDF tests use a stand-in "chromium" script, so they need no browser; the real
//! Chromium is tested too where it is installed.

#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

/// The widest period anyone can ask for.
const WIDEST: &str = "from=-9999-01-01&to=9999-12-31";
/// The ceiling on any one answer's time.
const TIME_CEILING: Duration = Duration::from_secs(10);
/// The ceiling on any one answer's size.
const SIZE_CEILING: usize = 4 * 1024 * 1024;
/// The ceiling on how much the process's peak memory may grow over the wide requests,
/// four at a time (the unbounded server grew by 1.5 GB).
const MEMORY_CEILING_KB: u64 = 400 * 1024;

/// A line of `/proc/self/status`, in kB (`VmHWM`: the peak resident set so far).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Every page and API call whose work could grow with the data or the period asked.
fn wide_requests() -> Vec<String> {
    vec![
        format!("/dashboard?{WIDEST}"),
        format!("/districts/E06000016?{WIDEST}"),
        format!("/board?{WIDEST}"),
        format!("/board.md?{WIDEST}"),
        format!("/api/v1/summary?{WIDEST}"),
        format!("/api/v1/districts/E06000016/summary?{WIDEST}"),
        format!("/explore?{WIDEST}"),
        format!("/explore?{WIDEST}&rows=1&row_page=999999999999"),
        format!("/explore?{WIDEST}&page=999999999999999"),
        format!("/explore?{WIDEST}&rows=1&row_page=18446744073709551615"),
        format!("/explore?{WIDEST}&page=18446744073709551615"),
        format!("/explore/groups.csv?{WIDEST}"),
        format!("/explore/reports.csv?{WIDEST}"),
        "/runs".to_owned(),
        format!("/runs/1?page=999999999999"),
        "/runs/1/rejects.csv".to_owned(),
        "/api/v1/runs?limit=1000".to_owned(),
        "/audit?page=4294967295".to_owned(),
        "/register/addresses".to_owned(),
        "/register/organisations".to_owned(),
        "/register/outbox".to_owned(),
        "/users".to_owned(),
    ]
}

fn wide_requests_stay_within_their_ceilings(kind: Backend) {
    let Some(world) = World::new(kind, true) else {
        return;
    };
    let server = Server::start(&world);
    let coordinator = world.account(Role::Coordinator).username.clone();
    let mut browser = Client::signed_in(&server, &coordinator);
    let before = status_kb("VmHWM");
    for path in wide_requests() {
        let started = Instant::now();
        let reply = browser.get(&path);
        let took = started.elapsed();
        assert!(
            reply.status < 500,
            "{path} failed: {} {}",
            reply.status,
            reply.text()
        );
        assert!(took < TIME_CEILING, "{path} took {took:?}");
        assert!(
            reply.body.len() < SIZE_CEILING,
            "{path} answered {} bytes",
            reply.body.len()
        );
    }
    // Four at a time, as in the report that found the fault.
    let address = server.address;
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let mut client = Client::at(address);
            client.sign_in(&coordinator, PASSWORD).expect(303);
            std::thread::spawn(move || {
                for path in wide_requests() {
                    let reply = client.get(&path);
                    assert!(reply.status < 500, "{path}: {}", reply.status);
                    assert!(reply.body.len() < SIZE_CEILING, "{path}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a client thread");
    }
    let grown = status_kb("VmHWM").saturating_sub(before);
    assert!(
        grown < MEMORY_CEILING_KB,
        "the server's peak memory grew by {grown} kB over the wide requests"
    );
}

scenarios!(wide_requests_stay_within_their_ceilings);

// ---------------------------------------------------------------------------------------
// Board PDFs.
// ---------------------------------------------------------------------------------------

/// A stand-in for Chromium: records that it started and the page it was given, waits
/// until the test creates `release` in its folder, then writes a PDF where asked.
const SLOW_PRINTER: &str = r#"#!/bin/sh
dir="$(dirname "$0")"
for arg in "$@"; do
  case "$arg" in
    --print-to-pdf=*) out="${arg#--print-to-pdf=}" ;;
    file://*) page="${arg#file://}" ;;
  esac
done
cp "$page" "$dir/printed-$$.html"
: > "$dir/started-$$"
while [ ! -e "$dir/release" ]; do sleep 0.05; done
printf '%%PDF-1.4\n%% stand-in\n' > "$out"
"#;

/// A stand-in for a Chromium that never finishes: it says who it is, then waits.
const STUCK_PRINTER: &str = r#"#!/bin/sh
dir="$(dirname "$0")"
echo $$ > "$dir/pid.tmp" && mv "$dir/pid.tmp" "$dir/pid"
exec sleep 600
"#;

/// Writes an executable script into a fresh folder and returns both.
fn printer(script: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("chromium");
    std::fs::write(&path, script).expect("the script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (folder, path)
}

/// Files in `folder` whose names start with `prefix`.
fn files(folder: &std::path::Path, prefix: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .expect("the folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix))
        })
        .collect()
}

/// Waits for `ready` (a condition on the outside world), failing after a minute.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn board_pdfs_beyond_two_at_once_are_refused_clearly() {
    let Some(world) = World::new(Backend::Sqlite, true) else {
        return;
    };
    let (folder, script) = printer(SLOW_PRINTER);
    let server = Server::start_with(&world, |settings| {
        settings.chromium = Some(script.clone());
        settings.pdf_timeout = Duration::from_secs(120);
    });
    let coordinator = world.account(Role::Coordinator).username.clone();
    let address = server.address;
    let printing: Vec<_> = (0..2)
        .map(|_| {
            let mut client = Client::at(address);
            client.sign_in(&coordinator, PASSWORD).expect(303);
            std::thread::spawn(move || client.get(&format!("/board.pdf?{PERIOD}")))
        })
        .collect();
    wait_until("two PDFs being printed", || {
        files(folder.path(), "started-").len() == 2
    });

    // A third is refused at once, with when to try again.
    let mut third = Client::signed_in(&server, &coordinator);
    let started = Instant::now();
    let refused = third.get(&format!("/board.pdf?{PERIOD}"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
    refused
        .expect(503)
        .shows("Too many board PDFs are being made; try again in a minute");
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(
        files(folder.path(), "started-").len(),
        2,
        "no third Chromium"
    );

    std::fs::write(folder.path().join("release"), b"").expect("release the printers");
    for worker in printing {
        let reply = worker.join().expect("a client thread");
        reply.expect(200);
        assert_eq!(reply.header("content-type"), Some("application/pdf"));
        assert!(reply.body.starts_with("%PDF"));
    }
    // With the slots free again, the next one is printed.
    third.get(&format!("/board.pdf?{PERIOD}")).expect(200);

    // Every page printed carries the marking, page numbers, and (for this synthetic
    // dataset) SYNTHETIC.
    let printed = files(folder.path(), "printed-");
    assert_eq!(printed.len(), 3);
    for page in printed {
        let html = std::fs::read_to_string(&page).expect("the printed page");
        for part in [
            "@top-center { content: \"OFFICIAL-SENSITIVE\"",
            "@bottom-center { content: \"OFFICIAL-SENSITIVE\"",
            "\"Page \" counter(page) \" of \" counter(pages)",
            "@top-left { content: \"SYNTHETIC DATA: NOT REAL REPORTS\"",
            "@bottom-left { content: \"SYNTHETIC DATA: NOT REAL REPORTS\"",
        ] {
            assert!(html.contains(part), "{part} is in the printed page");
        }
    }
}

#[test]
fn a_chromium_that_takes_too_long_is_stopped_and_reaped() {
    let Some(world) = World::new(Backend::Sqlite, true) else {
        return;
    };
    let (folder, script) = printer(STUCK_PRINTER);
    let server = Server::start_with(&world, |settings| {
        settings.chromium = Some(script.clone());
        settings.pdf_timeout = Duration::from_secs(2);
    });
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let started = Instant::now();
    let reply = browser.get(&format!("/board.pdf?{PERIOD}"));
    let took = started.elapsed();
    reply
        .expect(503)
        .shows("The board PDF took too long to make")
        .shows("within 2 seconds");
    assert!(took < Duration::from_secs(30), "answered in {took:?}");
    let pid = std::fs::read_to_string(folder.path().join("pid")).expect("the stand-in's pid");
    let pid = pid.trim();
    // Killed and waited for: no process, not even a defunct one, is left.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
    assert!(
        stat.is_err(),
        "the stopped Chromium {pid} is still there: {stat:?}"
    );
}

#[test]
fn a_single_stopped_chromium_frees_its_slot() {
    let Some(world) = World::new(Backend::Sqlite, true) else {
        return;
    };
    let (_folder, script) = printer(STUCK_PRINTER);
    let server = Server::start_with(&world, |settings| {
        settings.chromium = Some(script.clone());
        settings.pdf_renders = 1;
        settings.pdf_timeout = Duration::from_secs(1);
    });
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);
    for _ in 0..3 {
        // Each waits out its own timeout: none is refused for a slot a stopped one held.
        browser
            .get(&format!("/board.pdf?{PERIOD}"))
            .expect(503)
            .shows("The board PDF took too long to make");
    }
}

/// Prints, for each page of the PDF at `argv[1]`, one line: the page's text with its
/// line breaks made spaces.
const PAGE_TEXT: &str = r#"
import sys, pypdf
for page in pypdf.PdfReader(sys.argv[1]).pages:
    print(" ".join((page.extract_text() or "").split()))
"#;

#[test]
fn the_real_chromium_prints_the_board_update_with_its_marking() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        beacon_testing::skip(
            "board PDFs printed by the real Chromium",
            "/usr/bin/chromium is not installed (apt-get install chromium)",
        );
        return;
    }
    let Some(python) = beacon_testing::python_with("the board PDF's marking", &["pypdf"]) else {
        return;
    };
    let Some(world) = World::new(Backend::Sqlite, true) else {
        return;
    };
    let server = Server::start_with(&world, |settings| {
        settings.chromium = Some(chromium.to_owned());
    });
    let mut browser = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let reply = browser.get(&format!("/board.pdf?{PERIOD}"));
    reply.expect(200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    // The harness keeps text only, so fetch the bytes again for the PDF reader.
    let bytes = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .get(&server.url(&format!("/board.pdf?{PERIOD}")))
        .header(
            "cookie",
            browser
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .call()
        .expect("the PDF")
        .body_mut()
        .read_to_vec()
        .expect("the PDF's bytes");
    assert!(bytes.starts_with(b"%PDF"));
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("board.pdf");
    std::fs::write(&file, &bytes).expect("the PDF on disk");
    let read = std::process::Command::new(python)
        .args(["-c", PAGE_TEXT])
        .arg(&file)
        .output()
        .expect("pypdf runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let pages: Vec<String> = String::from_utf8_lossy(&read.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(
        pages.len() >= 2,
        "the board update runs to several pages: {pages:?}"
    );
    let count = pages.len();
    for (index, text) in pages.iter().enumerate() {
        let number = index + 1;
        assert_eq!(
            text.matches("OFFICIAL-SENSITIVE").count(),
            2,
            "page {number} is marked at the top and bottom: {text}"
        );
        assert!(
            text.contains(&format!("Page {number} of {count}")),
            "page {number} is numbered: {text}"
        );
        assert_eq!(
            text.matches("SYNTHETIC DATA: NOT REAL REPORTS").count(),
            2,
            "page {number} of a synthetic database says so: {text}"
        );
    }
}
