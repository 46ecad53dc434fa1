//! The threat-address register: its addresses, organisations and message outbox, a
//! partner's own organisation with its digests, and acknowledging a digest from the
//! signed link in its email (public: the link is what authorises it).

pub mod ack;
pub mod pages;

use super::Routes;
use axum::Router;
use axum::routing::get;

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new().route("/ack/{token}", get(ack::confirm_ack).post(ack::record_ack)),
        pages: Router::new()
            .route("/register/addresses", get(pages::addresses))
            .route("/register/organisations", get(pages::organisations))
            .route("/register/outbox", get(pages::outbox))
            .route("/my-organisation", get(pages::my_organisation)),
        api: Router::new(),
    }
}
