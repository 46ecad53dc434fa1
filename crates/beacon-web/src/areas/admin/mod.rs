//! Running Beacon: the accounts (coordinators add, change and lock them), the audit log,
//! and each person's own account and password.

pub mod account;
pub mod audit;
pub mod users;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/account", get(account::page))
            .route("/account/password", post(account::change_password))
            .route("/audit", get(audit::page))
            .route("/users", get(users::page).post(users::create))
            .route("/users/{id}", post(users::change)),
        api: Router::new(),
    }
}
