//! The capabilities' pages and API, one folder each: `areas/<capability>/` holds the
//! area's page handlers, its API handlers (`api.rs`), its templates (`templates/`) and
//! its [`Routes`] (`mod.rs`).
//!
//! **Adding a capability** is adding a folder here and one line in the router
//! ([`crate::router`]): the folder's `mod.rs` declares its modules and a `routes()`
//! returning its [`Routes`]; its templates are named `<area>/templates/<page>.html`.
//! An area builds on the bottom modules (`chrome`, `period`, `auth`, `state`, `api`)
//! and never imports another area (`tests/layout.rs` checks it): what two areas share
//! moves down into a bottom module.

pub mod admin;
pub mod advice;
pub mod advisories;
pub mod campaigns;
pub mod care;
pub mod contacts;
pub mod engagement;
pub mod front_door;
pub mod learning;
pub mod prevent;
pub mod readiness;
pub mod register;
pub mod reports;
pub mod session;

use crate::state::AppState;
use axum::Router;

/// What an area adds to the web application. Every handler checks its own permission;
/// the router lays out, audits and secures every part alike.
#[derive(Default)]
pub struct Routes {
    /// Pages anyone may open without signing in (the sign-in form, a digest's
    /// acknowledgement link).
    pub public: Router<AppState>,
    /// Pages for people signed in.
    pub pages: Router<AppState>,
    /// The area's part of the JSON API, nested under `/api/v1` (described in
    /// `openapi.json`).
    pub api: Router<AppState>,
}
