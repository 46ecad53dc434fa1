//! Protect campaigns' contacts: `/contacts` (counts by kind and district, and the import
//! form whose result lists the quarantined lines), `/segments` (the segment builder: a
//! GET form of the rule, channel and basis, showing the count breakdown, working without
//! JavaScript) and `GET /api/v1/segments/count` (the same count as JSON).
//!
//! Importing needs `Permission::ManageContacts`; counts need `Permission::ViewCampaigns`
//! and show no contact's own data.

pub mod api;
pub mod pages;
mod rule;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/contacts", get(pages::contacts))
            .route("/contacts/upload", post(pages::import))
            .route("/segments", get(pages::segments)),
        api: api::routes(),
    }
}
