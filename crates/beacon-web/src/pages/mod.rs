//! The HTML pages: one module per area, all laid out by `templates/layout.html` in the
//! GOV.UK Design System's patterns.

pub mod account;
pub mod audit;
pub mod board;
pub mod dashboard;
pub mod download;
pub mod explore;
pub mod register;
pub mod runs;
pub mod sign_in;
pub mod upload;
pub mod users;

use crate::AppState;
use crate::auth::Viewer;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::Permission;

/// A link in the header's menu.
pub struct NavLink {
    /// Where.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// The current section.
    pub active: bool,
}

/// Who is signed in, as the header shows it.
pub struct UserLine {
    /// Display name.
    pub name: String,
    /// Role label.
    pub role: &'static str,
}

/// What the layout needs from every page.
pub struct Chrome {
    /// The page's title (also its `<title>`).
    pub title: String,
    /// The signed-in user, if any.
    pub user: Option<UserLine>,
    /// The menu: only what the role may open.
    pub nav: Vec<NavLink>,
    /// The session's anti-forgery token, for forms.
    pub csrf: String,
    /// Beacon's own scripts the page loads (enhancements only: every page works without).
    pub scripts: Vec<&'static str>,
}

/// The menu, in order, with the permission each entry needs.
const MENU: [(&str, &str, Option<Permission>); 9] = [
    ("/dashboard", "Dashboard", Some(Permission::ViewStatistics)),
    (
        "/explore",
        "Explore reports",
        Some(Permission::ViewStatistics),
    ),
    ("/board", "Board update", Some(Permission::ViewBoard)),
    ("/runs", "Data loading", Some(Permission::LoadData)),
    (
        "/register/addresses",
        "Register",
        Some(Permission::ViewRegister),
    ),
    (
        "/my-organisation",
        "My organisation",
        Some(Permission::ViewOwnOrganisation),
    ),
    ("/users", "Users", Some(Permission::ManageUsers)),
    ("/audit", "Audit log", Some(Permission::ViewAudit)),
    ("/account", "Account", None),
];

impl Chrome {
    /// For a signed-in page; `section` is the menu entry's path to mark as current.
    pub fn for_viewer(viewer: &Viewer, title: impl Into<String>, section: &str) -> Chrome {
        let nav = MENU
            .iter()
            .filter(|(_, _, needs)| needs.is_none_or(|p| viewer.may(p)))
            // "My organisation" only for accounts linked to one.
            .filter(|(href, _, _)| {
                *href != "/my-organisation" || viewer.user.organisation_id.is_some()
            })
            .map(|&(href, label, _)| NavLink {
                href,
                label,
                active: href == section,
            })
            .collect();
        Chrome {
            title: title.into(),
            user: Some(UserLine {
                name: viewer.user.display_name.clone(),
                role: viewer.user.role.label(),
            }),
            nav,
            csrf: viewer.csrf.clone(),
            scripts: Vec::new(),
        }
    }

    /// For a page anyone may see.
    pub fn anonymous(title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            scripts: Vec::new(),
        }
    }
}

/// Renders a template with a status.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with Beacon. Try again later.",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// What an error page says, carried on its response so that [`with_layout`] can lay it
/// out for whoever is signed in (the error itself does not know who asked).
#[derive(Debug, Clone)]
pub struct ErrorPageText {
    /// The heading.
    pub heading: String,
    /// What to do about it.
    pub message: String,
}

/// The page for a failed request.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::FORBIDDEN => "You do not have access to this page",
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::BAD_REQUEST => "There is a problem with the request",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        _ => "Sorry, there is a problem with Beacon",
    };
    error_page_titled(status, heading, message)
}

fn error_page_for(chrome: Chrome, status: StatusCode, heading: &str, message: &str) -> Response {
    let mut response = render(
        status,
        &ErrorPage {
            chrome,
            heading,
            message,
        },
    );
    response.extensions_mut().insert(ErrorPageText {
        heading: heading.to_owned(),
        message: message.to_owned(),
    });
    response
}

/// The page for a failed request, with its own heading. It is laid out for a visitor
/// who is not signed in; [`with_layout`] lays it out again with the menu and sign-out
/// when someone is.
pub fn error_page_titled(status: StatusCode, heading: &str, message: &str) -> Response {
    error_page_for(Chrome::anonymous(heading), status, heading, message)
}

/// Lays error pages out for the signed-in person: a 400, 403 or 404 page keeps the menu
/// and the sign-out button, so an error is never a dead end.
pub async fn with_layout(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri = request.uri().clone();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let Some(text) = response.extensions().get::<ErrorPageText>().cloned() else {
        return response;
    };
    if uri.path().starts_with("/api/") {
        return response;
    }
    let mut probe = axum::http::Request::builder()
        .method(axum::http::Method::GET)
        .uri(uri)
        .body(())
        .map(|request| request.into_parts().0);
    let Ok(parts) = probe.as_mut() else {
        return response;
    };
    parts.headers = headers;
    use axum::extract::FromRequestParts;
    match Viewer::from_request_parts(parts, &state).await {
        Ok(viewer) => {
            let status = response.status();
            let mut page = error_page_for(
                Chrome::for_viewer(&viewer, text.heading.clone(), ""),
                status,
                &text.heading,
                &text.message,
            );
            for (name, value) in response.headers() {
                if !page.headers().contains_key(name) {
                    page.headers_mut().insert(name.clone(), value.clone());
                }
            }
            page
        }
        Err(_) => response,
    }
}

/// Any address Beacon does not have: a 404 page in the layout.
pub async fn not_found() -> crate::error::WebError {
    crate::error::WebError::NotFound
}

/// Where `/` goes: each role's first page.
async fn start(viewer: Viewer) -> Redirect {
    let role = viewer.user.role;
    let to = if role.may(Permission::ViewStatistics) {
        "/dashboard"
    } else if role.may(Permission::ViewOwnOrganisation) {
        "/my-organisation"
    } else {
        "/account"
    };
    Redirect::to(to)
}

/// The page routes (the upload route is added by the router, with its body limit).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/dashboard", get(dashboard::page))
        .route("/districts/{code}", get(dashboard::district))
        .route("/explore", get(explore::page))
        .route("/explore/groups.csv", get(explore::groups_csv))
        .route("/explore/reports.csv", get(explore::reports_csv))
        .route("/upload/{job}", get(upload::progress))
        .route("/upload/{job}/status", get(upload::status))
        .route("/runs", get(runs::list))
        .route("/runs/{id}", get(runs::show))
        .route("/runs/{id}/rejects.csv", get(runs::rejects_csv))
        .route("/board", get(board::page))
        .route("/board.md", get(board::markdown))
        .route("/board.pdf", get(board::pdf))
        .route("/audit", get(audit::page))
        .route("/users", get(users::page).post(users::create))
        .route("/users/{id}", post(users::change))
        .route("/register/addresses", get(register::addresses))
        .route("/register/organisations", get(register::organisations))
        .route("/register/outbox", get(register::outbox))
        .route("/my-organisation", get(register::my_organisation))
}
