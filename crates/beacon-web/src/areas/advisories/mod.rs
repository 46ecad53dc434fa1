//! Partner advisories: the advisories list and each advisory's page (with the partners it
//! affects, or for a partner its own matched assets and their statuses), a partner's
//! action queue, the coordinator's overdue view and timings, the partner's inventory
//! editor, advisories written by hand, and their part of the JSON API.
//!
//! **Who sees what** ([`scope`]): coordinators and analysts see every advisory and every
//! partner's notices (TLP:RED advisories only coordinators); a partner IT manager sees
//! only the advisories matched to its own organisation, and anything else is "not
//! found", so a partner cannot tell another's advisory exists. A partner acts (acknowledges,
//! records statuses, edits the inventory) only for its own organisation, which comes from
//! its account, never from a form.

pub mod api;
pub mod detail;
pub mod inventory;
pub mod listing;
pub mod manual;
pub mod scope;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/advisories", get(listing::list))
            .route("/advisories/new", get(manual::form).post(manual::create))
            .route("/advisories/queue", get(listing::queue))
            .route("/advisories/overdue", get(listing::overdue))
            .route("/advisories/{id}", get(detail::page))
            .route("/advisories/{id}/acknowledge", post(detail::acknowledge))
            .route("/advisories/{id}/status", post(detail::set_status))
            .route("/inventory", get(inventory::page))
            .route(
                "/inventory/new",
                get(inventory::new_form).post(inventory::create),
            )
            .route(
                "/inventory/{id}/edit",
                get(inventory::edit_form).post(inventory::update),
            )
            .route(
                "/inventory/{id}/remove",
                get(inventory::confirm_remove).post(inventory::remove),
            ),
        api: api::routes(),
    }
}
