//! Cyber Choices, the cyber prevent programme: `/cyber-choices`, every referral with its
//! stage and the contact-within-5-working-days measure; `/cyber-choices/new`, the form
//! that opens one from its anonymised summary; `/cyber-choices/{reference}`, one
//! referral's stages with the form for the next, posted to `…/stages`.
//!
//! All need `Permission::WorkCyberChoices` (Cyber Choices officers and coordinators);
//! everyone else gets 403. Every read and change is audited by the use cases.

pub mod referral;
pub mod referrals;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/cyber-choices", get(referrals::list))
            .route(
                "/cyber-choices/new",
                get(referrals::new_form).post(referrals::open),
            )
            .route("/cyber-choices/{reference}", get(referral::show))
            .route("/cyber-choices/{reference}/stages", post(referral::record)),
        ..Routes::default()
    }
}
