//! Helpers the `beacon` command's integration tests share: running the binary, reading its
//! JSON, and the local SMTP sink (`crates/beacon-notify/tests/smtp_sink.py`, named by
//! `BEACON_TEST_SMTP=host:port` and `BEACON_TEST_SMTP_SPOOL=DIR`; `.ci/run` starts it).

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `beacon --database DB [--config FILE] ARGS` with the fault hooks and secrets of
/// the environment removed.
pub fn beacon(
    database: &str,
    config: Option<&Path>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_beacon"));
    command
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("BEACON_FAULT_ABORT_AFTER_ROWS")
        .env_remove("BEACON_FAULT_ABORT_AFTER_SEND")
        .env_remove("BEACON_CONFIG")
        .env_remove("BEACON_ACK_SECRET");
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("beacon runs")
}

/// The one JSON object a successful command printed.
pub fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "beacon failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// A number field of a JSON object.
pub fn number(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is a number in {value}"))
}

/// The sink's address and spool folder, or `None` after a visible skip note when
/// `BEACON_TEST_SMTP` is unset (under CI that fails instead).
pub fn sink() -> Option<(String, u16, PathBuf)> {
    let Ok(target) = std::env::var("BEACON_TEST_SMTP") else {
        beacon_testing::skip(
            "the CLI's mail delivery through a real SMTP server",
            "set BEACON_TEST_SMTP=host:port and BEACON_TEST_SMTP_SPOOL=DIR to a running \
             crates/beacon-notify/tests/smtp_sink.py (.ci/run starts one)",
        );
        return None;
    };
    let (host, port) = target
        .rsplit_once(':')
        .expect("BEACON_TEST_SMTP is host:port");
    let port: u16 = port.parse().expect("BEACON_TEST_SMTP's port is a number");
    // A sink that is named but not there is a failure, never a skip.
    if let Err(error) = std::net::TcpStream::connect((host, port)) {
        panic!("the SMTP sink at {target} (BEACON_TEST_SMTP) is unreachable: {error}");
    }
    let spool = std::env::var("BEACON_TEST_SMTP_SPOOL")
        .expect("BEACON_TEST_SMTP_SPOOL names the sink's spool folder");
    Some((host.to_owned(), port, PathBuf::from(spool)))
}

/// Every message in the spool sent to `to`, as the sink's JSON summaries.
pub fn delivered_to(spool: &Path, to: &str) -> Vec<Value> {
    let mut messages = Vec::new();
    for entry in std::fs::read_dir(spool).expect("spool") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let value: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("readable")).expect("json");
            if value["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|a| a == to))
            {
                messages.push(value);
            }
        }
    }
    messages
}

/// A header of a spooled message.
pub fn header(message: &Value, name: &str) -> String {
    message["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|h| h[1].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Every text part of a spooled message, joined.
pub fn body_text(message: &Value) -> String {
    message["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter_map(|p| p["content"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}
