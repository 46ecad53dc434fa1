//! Report intelligence: the dashboard and district pages, the report explorer and its
//! downloads, the board update (on screen, Markdown and PDF), uploading report files and
//! following their loading, the ingest runs with their quarantined rows, and the API's
//! summaries and runs.

pub mod api;
pub mod board;
pub mod dashboard;
pub mod download;
pub mod explore;
pub mod explore_csv;
pub mod quarantine;
pub mod runs;
pub mod upload;

use super::Routes;
use axum::Router;
use axum::routing::get;

/// The area's routes (the router gives the upload its body limit).
pub fn routes() -> Routes {
    Routes {
        public: Router::new(),
        pages: Router::new()
            .route("/dashboard", get(dashboard::page))
            .route("/districts/{code}", get(dashboard::district))
            .route("/explore", get(explore::page))
            .route("/explore/groups.csv", get(explore_csv::groups_csv))
            .route("/explore/reports.csv", get(explore_csv::reports_csv))
            .route("/upload", get(upload::form).post(upload::receive))
            .route("/upload/{job}", get(upload::progress))
            .route("/upload/{job}/status", get(upload::status))
            .route("/runs", get(runs::list))
            .route("/runs/{id}", get(runs::show))
            .route("/runs/{id}/rejects.csv", get(runs::rejects_csv))
            .route("/board", get(board::page))
            .route("/board.md", get(board::markdown))
            .route("/board.pdf", get(board::pdf)),
        api: api::routes(),
    }
}
