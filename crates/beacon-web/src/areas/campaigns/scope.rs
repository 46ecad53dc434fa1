//! What the campaign pages share: the area's links, the answer a campaign refusal gets,
//! and the audit of what the pages change.

use crate::auth::Viewer;
use crate::chrome::error::WebError;
use beacon_app::campaigns::CampaignError;
use beacon_core::Permission;

/// The area's own links for a viewer, above each page's heading.
pub fn area_links(viewer: &Viewer) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    if viewer.may(Permission::ViewCampaigns) {
        links.push(("/campaigns", "Campaigns"));
        links.push(("/campaigns/targets", "Who is most at risk"));
        links.push(("/segments", "Segments"));
        links.push(("/contacts", "Contacts"));
    }
    if viewer.may(Permission::ManageCampaigns) {
        links.push(("/campaigns/new", "Build a campaign"));
        links.push(("/protect/advice", "Advice library"));
    }
    links
}

/// A campaign refusal as a request's failure.
pub fn refused(error: CampaignError) -> WebError {
    match error {
        CampaignError::Store(error) => WebError::Store(error),
        CampaignError::NotFound(_) => WebError::NotFound,
        CampaignError::Invalid(problems) => WebError::BadRequest(problems.join("; ")),
    }
}
