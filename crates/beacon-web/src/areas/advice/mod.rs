//! The protect advice library's pages: the public's (no sign-in, no JavaScript needed)
//! and the coordinator's editor.
//!
//! * [`public`]: `/advice`, the index filtered by threat and audience with a plain GET
//!   form, and `/advice/{slug}`, an item's long form with where to report, its
//!   attribution and when it was last reviewed. Unpublished items are not found.
//! * [`editor`]: `/protect/advice`, every item with its version and whether it is
//!   published, and `/protect/advice/{slug}`, the edit form, whose POST writes a new
//!   version after the item's checks (GOV.UK error summary when refused).
//!
//! **Invariant:** the public pages never show an unpublished item; the editor needs
//! `Permission::ManageCampaigns` and the session's anti-forgery token on every POST.

pub mod editor;
pub mod public;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new()
            .route("/advice", get(public::index))
            .route("/advice/{slug}", get(public::item)),
        pages: Router::new()
            .route("/protect/advice", get(editor::list))
            .route(
                "/protect/advice/new",
                get(editor::new_form).post(editor::create),
            )
            .route(
                "/protect/advice/{slug}",
                get(editor::form).post(editor::save),
            )
            .route("/protect/advice/{slug}/publish", post(editor::publish)),
        ..Routes::default()
    }
}
