//! `beacon_web::serve` itself: it stops cleanly at Ctrl-C.

use super::*;

// ---------------------------------------------------------------------------------------
// 10. `beacon_web::serve` itself: it stops cleanly at Ctrl-C.
// ---------------------------------------------------------------------------------------

/// Set in the child process that serves: the database location.
const SERVE_CHILD: &str = "BEACON_WEB_TEST_SERVE_CHILD";

/// Runs `beacon_web::serve` as `beacon serve` does, in a child process (this test binary
/// again, running only this test), sends it SIGINT, and expects it to finish the test
/// and exit normally. A child, because Ctrl-C handling is for the whole process.
///
/// On PostgreSQL this guards against the router, and with it the pool's
/// `postgres::Client`s, being dropped on the runtime's thread when `serve` returns: each
/// client's destructor would panic there ("Cannot start a runtime from within a runtime"),
/// and the second panic would abort the process (SIGABRT).
fn serve_stops_cleanly_at_ctrl_c(kind: Backend) {
    if let Ok(location) = std::env::var(SERVE_CHILD) {
        serve_until_ctrl_c(&location);
        return;
    }
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let name = match kind {
        Backend::Sqlite => "serve::serve_stops_cleanly_at_ctrl_c::sqlite",
        Backend::Postgres => "serve::serve_stops_cleanly_at_ctrl_c::postgres",
    };
    let mut child = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(SERVE_CHILD, world.place.location())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the serving child starts");
    let stdout = child.stdout.take().expect("the child's output");
    let stderr = child.stderr.take().expect("the child's errors");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        text
    });
    let (found, address) = std::sync::mpsc::channel();
    let output = std::thread::spawn(move || {
        let mut text = String::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            // libtest's "test … ... " may stand before it on the same line.
            if let Some((_, listening)) = line.split_once("serving on ") {
                let _ = found.send(listening.trim().to_owned());
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let address: SocketAddr = match address.recv_timeout(Duration::from_secs(60)) {
        Ok(address) => address.parse().expect("an address"),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the child never served:\n{}\n{}",
                output.join().unwrap_or_default(),
                errors.join().unwrap_or_default()
            );
        }
    };

    // It serves: a sign-in uses the pool's connections.
    let mut browser = Client::at(address);
    browser.get("/healthz").expect(200);
    browser
        .sign_in(&world.account(Role::Analyst).username, PASSWORD)
        .expect(303);
    browser.get("/runs").expect(200);

    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill(1) is installed");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not stop within 30 seconds of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = output.join().unwrap_or_default();
    let errors = errors.join().unwrap_or_default();
    assert!(
        status.success() && output.contains("1 passed") && !errors.contains("panicked"),
        "the server did not stop cleanly at Ctrl-C ({status}):\n{output}\n{errors}"
    );
}

/// The child's part: serve the database until Ctrl-C, exactly as `beacon serve` does.
fn serve_until_ctrl_c(location: &str) {
    let rules = beacon_ingest::reference::parse_rules(beacon_ingest::reference::SHIPPED_RULES)
        .expect("the shipped rules parse");
    let open = |location: &str| beacon_store::open(location).expect("the database opens");
    let connections = vec![open(location), open(location)];
    let opener_location = location.to_owned();
    let pool = StorePool::new(
        connections,
        Some(Box::new(move || beacon_store::open(&opener_location))),
    );
    let state = AppState::with_pool(
        pool,
        AckSigner::new(b"web server tests"),
        WebSettings::new(rules),
    );
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("the bound address");
        let mut stdout = std::io::stdout();
        std::io::Write::write_all(&mut stdout, format!("serving on {address}\n").as_bytes())
            .expect("stdout");
        std::io::Write::flush(&mut stdout).expect("stdout");
        beacon_web::serve(listener, state)
            .await
            .expect("the server runs until Ctrl-C");
    });
}

scenarios!(serve_stops_cleanly_at_ctrl_c,);
