//! Where `/` sends each role: the first page its work starts from.

use crate::auth::Viewer;
use axum::response::Redirect;
use beacon_core::{Permission, Role};

/// Where `/` goes: each role's first page (the vulnerability officer's work starts at the
/// triage queue, the Cyber Choices officer's at the referrals).
pub async fn start(viewer: Viewer) -> Redirect {
    let role = viewer.user.role;
    let to = if role == Role::VulnerabilityOfficer {
        "/care"
    } else if role == Role::CyberChoicesOfficer {
        "/cyber-choices"
    } else if role.may(Permission::ViewStatistics) {
        "/dashboard"
    } else if role.may(Permission::ViewOwnOrganisation) {
        "/my-organisation"
    } else {
        "/account"
    };
    Redirect::to(to)
}
