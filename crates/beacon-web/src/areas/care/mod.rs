//! Victim care: `/care`, the Fraud Vulnerability Officer's triage queue (each case with
//! its score, level, contact-due time and every reason), and `POST /care/triage`, which
//! scores the queue again from the stored reports; `/care/cases/{reference}`, one case
//! with its timer and history, and `POST …/events`, which records what the officer did.
//!
//! Both need `Permission::WorkVictimCare` (officers and coordinators); an analyst gets
//! 403. Every read of the queue is audited by the use case before it is read.

pub mod case;
pub mod queue;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/care", get(queue::queue))
            .route("/care/triage", post(queue::triage))
            .route("/care/cases/{reference}", get(case::case))
            .route("/care/cases/{reference}/events", post(case::add)),
        ..Routes::default()
    }
}
