//! Who sees which advisories, and the one way the pages and the API read them, so that
//! both always show a viewer the same things.
//!
//! **Invariant:** a partner's reads name its organisation to the store, which returns only
//! that organisation's notices, matches, assets and statuses; an advisory not matched to
//! it (and with no notice to it) is "not found".

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use beacon_core::{AssetStatus, Permission, Priority, Tlp};
use beacon_store::advisories::{
    AdvisoryFilter, AssetStatusRecord, MatchFilter, NoticeFilter, NoticeRecord, StoredAdvisory,
    StoredMatch,
};
use beacon_store::{Store, StoreResult};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The message for a partner account not linked to an organisation.
pub const NOT_LINKED: &str =
    "Your account is not linked to an organisation yet; ask the partnership coordinator to link it";

/// The most advisories or notices a page or API answer lists.
pub const LIST_LIMIT: u32 = 500;

/// Whose advisories a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every advisory and every partner's notices (coordinators and analysts); TLP:RED
    /// advisories only when `red` (coordinators).
    All {
        /// May see TLP:RED advisories.
        red: bool,
    },
    /// Only the advisories matched to this organisation, and its own notices.
    Own(i64),
}

impl Scope {
    /// The viewer's scope: every advisory for roles that see them all, their own
    /// organisation's for a partner IT manager linked to one.
    ///
    /// # Errors
    /// [`WebError::Forbidden`] for roles that see no advisories; a bad request for a
    /// partner account not linked to an organisation.
    pub fn of(viewer: &Viewer) -> WebResult<Scope> {
        if viewer.may(Permission::ViewAdvisories) {
            return Ok(Scope::All {
                red: viewer.may(Permission::ManageAdvisories),
            });
        }
        if viewer.may(Permission::ViewOwnOrganisation) {
            return viewer
                .user
                .organisation_id
                .map(Scope::Own)
                .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()));
        }
        viewer.require(Permission::ViewAdvisories)?;
        Err(WebError::Forbidden)
    }

    /// The organisation the viewer is confined to, if any.
    pub fn organisation(self) -> Option<i64> {
        match self {
            Scope::All { .. } => None,
            Scope::Own(id) => Some(id),
        }
    }

    /// Whether a viewer who sees everything may see this advisory (TLP:RED only for
    /// coordinators). A partner's advisories are confined by the store instead.
    pub fn shows(self, advisory: &StoredAdvisory) -> bool {
        match self {
            Scope::All { red } => red || advisory.advisory.tlp != Tlp::Red,
            Scope::Own(_) => true,
        }
    }
}

/// The organisation a partner acts for (acknowledging, recording statuses).
///
/// # Errors
/// [`WebError::Forbidden`] for roles that see no organisation's own advisories; a bad
/// request for an account not linked to an organisation.
pub fn acting_organisation(viewer: &Viewer) -> WebResult<i64> {
    viewer.require(Permission::ViewOwnOrganisation)?;
    viewer
        .user
        .organisation_id
        .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()))
}

/// Whose inventory a viewer may keep: `Ok(Some(id))` confines a partner IT manager to
/// its own organisation; `Ok(None)` lets a coordinator choose any.
///
/// # Errors
/// [`WebError::Forbidden`] for other roles; a bad request for a partner account not
/// linked to an organisation.
pub fn inventory_keeper(viewer: &Viewer) -> WebResult<Option<i64>> {
    if viewer.may(Permission::ManageAdvisories) {
        return Ok(None);
    }
    if viewer.may(Permission::ViewOwnOrganisation) {
        return viewer
            .user
            .organisation_id
            .map(Some)
            .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()));
    }
    viewer.require(Permission::ManageAdvisories)?;
    Err(WebError::Forbidden)
}

/// The advisories a scope lists, newest stored first, at most [`LIST_LIMIT`].
pub fn list_advisories(
    store: &mut dyn Store,
    scope: Scope,
    filter: AdvisoryFilter,
) -> StoreResult<Vec<StoredAdvisory>> {
    let filter = AdvisoryFilter {
        organisation_id: scope.organisation(),
        limit: Some(filter.limit.unwrap_or(LIST_LIMIT).min(LIST_LIMIT)),
        ..filter
    };
    Ok(store
        .advisories(&filter)?
        .into_iter()
        .filter(|a| scope.shows(a))
        .collect())
}

/// One advisory as a viewer may see it.
pub struct Detail {
    /// The advisory.
    pub stored: StoredAdvisory,
    /// The notices about it: every partner's, or the partner's own.
    pub notices: Vec<NoticeRecord>,
    /// Its matches: every partner's, or the partner's own.
    pub matches: Vec<StoredMatch>,
    /// Each notice's asset statuses, by notice id.
    pub statuses: BTreeMap<i64, Vec<AssetStatusRecord>>,
    /// The partner's products by id, described (a partner's view only).
    pub products: BTreeMap<i64, String>,
}

impl Detail {
    /// The partner's own notice (a partner's view).
    pub fn own_notice(&self) -> Option<&NoticeRecord> {
        self.notices.first()
    }
}

/// Reads one advisory for a scope: `None` when it does not exist or the viewer may not
/// know it exists (a partner it was not matched to, an analyst and a TLP:RED advisory).
pub fn load_detail(store: &mut dyn Store, scope: Scope, id: i64) -> StoreResult<Option<Detail>> {
    let Some(stored) = store.advisory(id)? else {
        return Ok(None);
    };
    if !scope.shows(&stored) {
        return Ok(None);
    }
    let organisation_id = scope.organisation();
    let notices = store.notices(&NoticeFilter {
        organisation_id,
        advisory_id: Some(id),
        open_only: false,
    })?;
    let matches = store.matches(&MatchFilter {
        organisation_id,
        advisory_id: Some(id),
    })?;
    if organisation_id.is_some() && notices.is_empty() && matches.is_empty() {
        return Ok(None);
    }
    let mut statuses = BTreeMap::new();
    for notice in &notices {
        statuses.insert(notice.id, store.asset_statuses(notice.id)?);
    }
    let products = match organisation_id {
        Some(organisation) => store
            .assets(Some(organisation))?
            .into_iter()
            .flat_map(|a| {
                a.product_ids
                    .into_iter()
                    .zip(a.asset.products)
                    .map(|(id, p)| (id, p.describe()))
            })
            .collect(),
        None => BTreeMap::new(),
    };
    Ok(Some(Detail {
        stored,
        notices,
        matches,
        statuses,
        products,
    }))
}

/// True when the notice is open past the end of its due day.
pub fn is_overdue(notice: &NoticeRecord, now: OffsetDateTime) -> bool {
    beacon_app::advisories::chase::timing_of(notice).is_overdue(now)
}

/// Whole days since the notice's due date, when it is overdue.
pub fn days_overdue(notice: &NoticeRecord, now: OffsetDateTime) -> Option<i64> {
    let due = notice.due?;
    is_overdue(notice, now).then(|| (now.date() - due).whole_days())
}

/// What a TLP label asks of the reader, in plain words (by reference, as templates pass
/// it).
pub fn tlp_words(tlp: &Tlp) -> &'static str {
    tlp_meaning(*tlp)
}

/// What a TLP label asks of the reader, in plain words.
pub fn tlp_meaning(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "TLP:CLEAR: this may be shared freely, subject to copyright.",
        Tlp::Green => {
            "TLP:GREEN: share this within the partnership and its community, but not publicly."
        }
        Tlp::Amber => {
            "TLP:AMBER: share this only within your organisation and with its clients who need to know to protect themselves."
        }
        Tlp::AmberStrict => {
            "TLP:AMBER+STRICT: share this only within your organisation, with those who need to know."
        }
        Tlp::Red => {
            "TLP:RED: for the named recipients only. Do not share it with anyone else, even within your organisation."
        }
    }
}

/// The GOV.UK tag colour for a priority.
pub fn priority_tag(priority: Priority) -> &'static str {
    match priority {
        Priority::Urgent => "govuk-tag--red",
        Priority::High => "govuk-tag--yellow",
        Priority::Normal => "govuk-tag--blue",
        Priority::Routine => "govuk-tag--grey",
    }
}

/// How pages name a priority.
pub fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Urgent => "Urgent",
        Priority::High => "High",
        Priority::Normal => "Normal",
        Priority::Routine => "Routine",
    }
}

/// The GOV.UK tag colour for an asset status (by reference, as templates pass it).
pub fn status_tag(status: &AssetStatus) -> &'static str {
    match status {
        AssetStatus::Unreviewed => "govuk-tag--grey",
        AssetStatus::NotAffected => "govuk-tag--blue",
        AssetStatus::Affected => "govuk-tag--red",
        AssetStatus::InProgress => "govuk-tag--yellow",
        AssetStatus::Fixed => "govuk-tag--green",
    }
}

/// The statuses a partner may set (every one but "not yet reviewed").
pub const SETTABLE: [AssetStatus; 4] = [
    AssetStatus::NotAffected,
    AssetStatus::Affected,
    AssetStatus::InProgress,
    AssetStatus::Fixed,
];

/// The area's own links for a viewer, as its pages show them above their heading.
pub fn area_links(viewer: &Viewer) -> Vec<(&'static str, &'static str)> {
    let mut links = vec![
        ("/advisories", "Advisories"),
        ("/advisories/queue", "To act on"),
    ];
    if viewer.may(Permission::ViewAdvisories) {
        links.push(("/advisories/overdue", "Overdue and timings"));
    }
    if viewer.may(Permission::ManageAdvisories) || viewer.user.organisation_id.is_some() {
        links.push(("/inventory", "Inventory"));
    }
    if viewer.may(Permission::ManageAdvisories) {
        links.push(("/advisories/new", "Write an advisory"));
    }
    links
}
