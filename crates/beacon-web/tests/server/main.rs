//! The web application end to end: each test starts the real server (the router behind
//! `beacon_web::serve`) on a random loopback port over a fresh database, loaded with a
//! known synthetic dataset, and talks to it over HTTP as a browser or a script would.
//!
//! Every scenario runs on both backends: `<area>::<scenario>::sqlite` and
//! `<area>::<scenario>::postgres`.
//! Each test gets a fresh database from `beacon_testing::TestDatabase`: on PostgreSQL, one
//! created on the server named by `BEACON_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards. When the server
//! cannot be reached the PostgreSQL tests are skipped with a note, unless `CI` is set, in
//! which case they fail.
//!
//! Expected figures are computed apart from the web code: from the demo generator's own
//! count of what it wrote, from `beacon_analytics` over the store, or by counting the
//! fixture file by hand.

#![allow(dead_code)]

include!("../support/harness.rs");

// One module per area (and one each for what crosses areas), all in this one test binary
// so that the harness is compiled and linked once.
mod admin;
mod advice;
mod advisories;
mod campaigns;
mod care;
mod contacts;
mod engagement;
mod front_door;
mod learning;
mod matrix;
mod prevent;
mod readiness;
mod reports;
mod security;
mod serve;
mod session;
