//! Staff learning and phishing awareness: the learners' own pages (public: partner staff
//! have no Beacon account) and the staff pages that follow them.
//!
//! * Learners ([`learner`], [`modules`], [`certificates`], [`landing`]): joining through
//!   an organisation's invitation link, their modules with quizzes, the certificate page
//!   anyone can check by its code, and the page a simulated phishing email's link leads
//!   to. A learner is known by the `beacon_learner` cookie alone (its token is stored
//!   only as a hash); the join form carries a double-submit token and every learner form
//!   a token derived from the learner's own.
//! * Staff ([`progress`], [`phishing`]): completion per organisation with the
//!   invitation links, and phishing-simulation rates with the launch form.
//!
//! **Who sees what:** coordinators and analysts (`ViewReadiness`) see every
//! organisation's figures; a partner IT manager (`ViewOwnOrganisation`) sees and acts
//! for its own organisation only, which comes from its account, never from a form. Only
//! coordinators (`ManageReadiness`) choose the organisation of an invitation and launch
//! simulations.
//!
//! **Invariant:** the landing page of a simulated link has no form and no field: it
//! teaches and collects nothing.

pub mod certificates;
pub mod landing;
pub mod learner;
pub mod modules;
pub mod phishing;
pub mod progress;
pub mod scope;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new()
            .route("/learn", get(learner::home))
            .route(
                "/learn/join/{token}",
                get(learner::join_form).post(learner::join),
            )
            .route(
                "/learn/modules/{id}",
                get(modules::page).post(modules::submit),
            )
            .route("/learn/certificates/{code}", get(certificates::page))
            // `get` answers HEAD too, which link scanners often send.
            .route("/learn/s/{token}", get(landing::page)),
        pages: Router::new()
            .route("/learning", get(progress::page))
            .route("/learning/invitations", post(progress::create_invitation))
            .route(
                "/learning/invitations/{id}/revoke",
                post(progress::revoke_invitation),
            )
            .route(
                "/learning/phishing",
                get(phishing::page).post(phishing::launch),
            ),
        api: Router::new(),
    }
}
