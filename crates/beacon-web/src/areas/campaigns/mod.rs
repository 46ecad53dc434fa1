//! Protect campaigns: the pages a campaign message's recipient reaches through their own
//! links (public: recipients have no Beacon account).
//!
//! * Recipients ([`links`]): the tracked link (every fetch judged a person's or a link
//!   scanner's, then on to the advice page), the open-tracking image, and the
//!   one-question survey.
//!
//! * Staff ([`manage`]): every campaign, one campaign with its figures arm by arm,
//!   finishing a launched campaign.
//!
//! **Invariant:** a recipient is known by the token in their link alone (stored only as
//! a hash); these pages never show or ask for anything that identifies them.

pub mod builder;
pub mod callbacks;
pub mod evaluation;
pub mod links;
pub mod manage;
pub mod scope;
pub mod targets;
pub mod unsubscribe;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        // `get` answers HEAD too, which link scanners often send.
        public: Router::new()
            .route("/p/{token}", get(links::follow))
            .route("/p/{token}/o.gif", get(links::open_image))
            .route(
                "/p/{token}/survey",
                get(links::survey_form).post(links::survey_answer),
            )
            .route(
                "/p/{token}/unsubscribe",
                get(unsubscribe::form).post(unsubscribe::confirm),
            )
            .route("/callbacks/sms/receipts", post(callbacks::receipt))
            .route("/callbacks/sms/inbound", post(callbacks::inbound)),
        pages: Router::new()
            .route("/campaigns", get(manage::list))
            .route("/campaigns/targets", get(targets::list))
            .route(
                "/campaigns/new",
                get(builder::new_form).post(builder::create),
            )
            .route(
                "/campaigns/{id}/edit",
                get(builder::edit_form).post(builder::update),
            )
            .route("/campaigns/{id}/launch", post(builder::launch_now))
            .route("/campaigns/{id}", get(manage::detail))
            .route("/campaigns/{id}/finish", post(manage::finish))
            .route(
                "/campaigns/{id}/plan",
                get(evaluation::plan).post(evaluation::lock),
            )
            .route("/campaigns/{id}/evaluation", get(evaluation::report)),
        ..Routes::default()
    }
}
