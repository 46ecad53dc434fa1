//! Readiness: exercises and the self-assessment. The exercises list, the scenario library
//! (each scenario's phases, injects, questions and good practice; importing and
//! downloading exercise files), starting an exercise for chosen partners, facilitating it
//! (opening phases, recording responses and observations), its debrief on screen, as HTML
//! and as PDF; an organisation's self-assessment with its scores, next steps and history,
//! and the area's summary of gaps; and their part of the JSON API.
//!
//! **Who sees what** ([`scope`]): coordinators and analysts see every run and every
//! organisation's results, and only coordinators run exercises and keep the library; a
//! partner IT manager sees only the runs its organisation plays in and its own part of
//! them, and anything else is "not found". A partner records responses and answers the
//! self-assessment only for its own organisation, which comes from its account, never
//! from a form.

pub mod api;
pub mod assessment;
pub mod debrief;
pub mod exercises;
pub mod library;
pub mod run;
pub mod scope;

use super::Routes;
use axum::Router;
use axum::routing::{get, post};

/// The area's routes.
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/exercises", get(exercises::list).post(exercises::start))
            .route("/exercises/new", get(exercises::new_form))
            .route(
                "/exercises/library",
                get(library::list).post(library::import),
            )
            .route("/exercises/library/{id}", get(library::show))
            .route("/exercises/{id}", get(run::page))
            .route("/exercises/{id}/advance", post(run::advance))
            .route("/exercises/{id}/finish", post(run::finish))
            .route("/exercises/{id}/responses", post(run::respond))
            .route("/exercises/{id}/observations", post(run::observe))
            .route("/exercises/{id}/debrief", get(debrief::page))
            .route("/exercises/{id}/debrief.html", get(debrief::html))
            .route("/exercises/{id}/debrief.pdf", get(debrief::pdf))
            .route(
                "/assessment",
                get(assessment::form).post(assessment::submit),
            )
            .route("/assessment/results", get(assessment::results))
            .route("/assessment/summary", get(assessment::summary)),
        api: api::routes(),
    }
}
