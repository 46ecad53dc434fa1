//! Signing in and out, where `/` sends each role, and the API's "who am I".

pub mod api;
pub mod sign_in;
pub mod start;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new().route("/sign-in", get(sign_in::form).post(sign_in::submit)),
        pages: Router::new()
            .route("/", get(start::start))
            .route("/sign-out", post(sign_in::sign_out)),
        api: api::routes(),
    }
}
