//! The layout every page shares (`templates/layout.html`, in the GOV.UK Design System's
//! patterns): the page's title, the header's menu (only what the role may open), who is
//! signed in, the session's anti-forgery token for forms, and the enhancement scripts a
//! page loads; and rendering a page's template into a response.
//!
//! **Invariant:** this module knows no page and no area; pages hand it what it shows.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use beacon_core::Permission;
use beacon_store::User;

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

/// Who a menu entry is shown to.
#[derive(Clone, Copy)]
enum Shown {
    /// Everyone signed in.
    Anyone,
    /// Roles with the permission.
    With(Permission),
    /// Accounts linked to an organisation whose role sees its own organisation, and
    /// roles with the permission (who see every organisation's).
    OwnOrWith(Permission),
}

/// The menu, in order, with who sees each entry.
const MENU: [(&str, &str, Shown); 19] = [
    (
        "/dashboard",
        "Dashboard",
        Shown::With(Permission::ViewStatistics),
    ),
    (
        "/explore",
        "Explore reports",
        Shown::With(Permission::ViewStatistics),
    ),
    ("/board", "Board update", Shown::With(Permission::ViewBoard)),
    (
        "/care",
        "Victim care",
        Shown::With(Permission::WorkVictimCare),
    ),
    (
        "/cyber-choices",
        "Cyber Choices",
        Shown::With(Permission::WorkCyberChoices),
    ),
    ("/runs", "Data loading", Shown::With(Permission::LoadData)),
    (
        "/register/addresses",
        "Register",
        Shown::With(Permission::ViewRegister),
    ),
    (
        "/advisories",
        "Advisories",
        Shown::OwnOrWith(Permission::ViewAdvisories),
    ),
    (
        "/inventory",
        "Inventory",
        Shown::OwnOrWith(Permission::ManageAdvisories),
    ),
    (
        "/my-organisation",
        "My organisation",
        Shown::With(Permission::ViewOwnOrganisation),
    ),
    (
        "/campaigns",
        "Campaigns",
        Shown::With(Permission::ViewCampaigns),
    ),
    (
        "/engagement",
        "Businesses",
        Shown::With(Permission::ViewCampaigns),
    ),
    (
        "/exercises",
        "Exercises",
        Shown::OwnOrWith(Permission::ViewReadiness),
    ),
    (
        "/assessment",
        "Self-assessment",
        Shown::With(Permission::SelfAssess),
    ),
    (
        "/assessment/summary",
        "Assessment summary",
        Shown::With(Permission::ViewReadiness),
    ),
    (
        "/learning",
        "Staff learning",
        Shown::OwnOrWith(Permission::ViewReadiness),
    ),
    ("/users", "Users", Shown::With(Permission::ManageUsers)),
    ("/audit", "Audit log", Shown::With(Permission::ViewAudit)),
    ("/account", "Account", Shown::Anyone),
];

impl Chrome {
    /// For a signed-in page of `user` (whose session's anti-forgery token is `csrf`);
    /// `section` is the menu entry's path to mark as current. Pages call it through
    /// `Viewer::chrome`.
    pub fn signed_in(user: &User, csrf: &str, title: impl Into<String>, section: &str) -> Chrome {
        let nav = MENU
            .iter()
            .filter(|(_, _, shown)| {
                let own = user.organisation_id.is_some()
                    && user.role.may(Permission::ViewOwnOrganisation);
                match *shown {
                    Shown::Anyone => true,
                    Shown::With(p) => user.role.may(p),
                    Shown::OwnOrWith(p) => own || user.role.may(p),
                }
            })
            // "My organisation" and the self-assessment only for accounts linked to one.
            .filter(|(href, _, _)| {
                !matches!(*href, "/my-organisation" | "/assessment")
                    || user.organisation_id.is_some()
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
                name: user.display_name.clone(),
                role: user.role.label(),
            }),
            nav,
            csrf: csrf.to_owned(),
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
