//! Business engagement: `/engagement`, the period's reach to businesses (how many, how,
//! how often, sustained reach by district and sector) with the latest of the log, and
//! `POST /engagement`, which records one engagement.
//!
//! Reading needs `Permission::ViewCampaigns` (coordinators and analysts); recording
//! `Permission::ManageCampaigns` and the session's anti-forgery token.

pub mod reach;

use super::Routes;
use axum::Router;
use axum::routing::get;

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new().route("/engagement", get(reach::page).post(reach::record)),
        ..Routes::default()
    }
}
