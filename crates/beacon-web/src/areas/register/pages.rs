//! The threat-address register's pages: addresses, organisations and the digest outbox
//! for analysts and coordinators, and a partner IT manager's view of their own
//! organisation (TLP:RED findings are held back there, as they are from email).

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::Pagination;
use crate::chrome::forms::check_page;
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::{Permission, StoredOrganisation, Tlp};
use beacon_store::{AddressFilter, AddressRecord, OutboxEntry, RegisterTotals};

/// An address as the tables show it.
pub struct AddressLine {
    /// IP, network, URL or domain (defanged so it cannot be clicked).
    pub observable: String,
    /// Kind, in words.
    pub kind: String,
    /// Owner's name.
    pub organisation: String,
    /// District code.
    pub district: String,
    /// First seen.
    pub first_seen: String,
    /// Last seen.
    pub last_seen: String,
    /// Sightings.
    pub sightings: u64,
    /// TLP label.
    pub tlp: &'static str,
    /// Types.
    pub types: String,
    /// Feeds.
    pub feeds: String,
}

fn day(moment: time::OffsetDateTime) -> String {
    crate::chrome::format::local_date(moment)
}

fn address_line(record: &AddressRecord, organisations: &[StoredOrganisation]) -> AddressLine {
    AddressLine {
        observable: beacon_notify::defang(&record.observable),
        kind: crate::chrome::format::words(record.kind.as_str()),
        organisation: record
            .organisation_id
            .and_then(|id| organisations.iter().find(|o| o.id == id))
            .map(|o| o.organisation.name.clone())
            .unwrap_or_else(|| "Not attributed".into()),
        district: record.district.clone().unwrap_or_else(|| "unknown".into()),
        first_seen: day(record.first_seen),
        last_seen: day(record.last_seen),
        sightings: record.sightings,
        tlp: record.tlp.as_str(),
        types: record.types.join(", "),
        feeds: record.feeds.join(", "),
    }
}

#[derive(Template)]
#[template(path = "register/templates/register_addresses.html")]
struct AddressesPage {
    chrome: Chrome,
    heading: String,
    totals: Option<RegisterTotals>,
    addresses: Vec<AddressLine>,
    withheld: usize,
    digests: Vec<OutboxEntry>,
    /// Pages of the list (none for one organisation's own page).
    pagination: Pagination,
}

/// Addresses a register page lists.
const ADDRESS_PAGE_SIZE: u64 = 50;
/// The register pages through the most recently seen addresses only: each page reads
/// every address before it, so the work stays bounded (2,000 addresses).
const ADDRESS_PAGES: u64 = 40;

/// The register page's query: which page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AddressesQuery {
    page: Option<String>,
}

/// The most recently seen addresses, 50 a page.
pub async fn addresses(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<AddressesQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewRegister)?;
    let page = check_page(&query.page, "page").map_err(|p| WebError::BadRequest(p.message))?;
    if page > ADDRESS_PAGES {
        return Err(WebError::BadRequest(format!(
            "The register lists the {} most recently seen addresses, {ADDRESS_PAGE_SIZE} a page: there is no page {page}",
            ADDRESS_PAGE_SIZE * ADDRESS_PAGES
        )));
    }
    let limit = u32::try_from(page * ADDRESS_PAGE_SIZE).unwrap_or(u32::MAX);
    let (totals, organisations, records) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            Ok((
                store.register_totals()?,
                store.organisations()?,
                store.addresses(&AddressFilter {
                    limit: Some(limit),
                    ..AddressFilter::default()
                })?,
            ))
        })
        .await??;
    let listed = totals.addresses.min(ADDRESS_PAGE_SIZE * ADDRESS_PAGES);
    let pages = Pagination::page_count(listed, ADDRESS_PAGE_SIZE);
    if page > pages {
        return Err(WebError::BadRequest(format!(
            "There is no page {page} of addresses; there {} {pages}",
            if pages == 1 { "is" } else { "are" }
        )));
    }
    let pagination =
        Pagination::numbered("Pages of addresses", listed, ADDRESS_PAGE_SIZE, page, |n| {
            format!("/register/addresses?page={n}")
        });
    let skip = usize::try_from((page - 1) * ADDRESS_PAGE_SIZE).unwrap_or(usize::MAX);
    Ok(render(
        StatusCode::OK,
        &AddressesPage {
            chrome: viewer.chrome("Register: addresses", "/register/addresses"),
            heading: "Threat-address register".into(),
            totals: Some(totals),
            addresses: records
                .iter()
                .skip(skip)
                .map(|r| address_line(r, &organisations))
                .collect(),
            withheld: 0,
            digests: Vec::new(),
            pagination,
        },
    ))
}

#[derive(Template)]
#[template(path = "register/templates/register_organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    organisations: Vec<StoredOrganisation>,
}

/// Registered organisations and what they own.
pub async fn organisations(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewRegister)?;
    let organisations = state.blocking(|store| store.organisations()).await??;
    Ok(render(
        StatusCode::OK,
        &OrganisationsPage {
            chrome: viewer.chrome("Register: organisations", "/register/addresses"),
            organisations,
        },
    ))
}

#[derive(Template)]
#[template(path = "register/templates/register_outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    entries: Vec<OutboxEntry>,
}

/// Digests queued, sent and acknowledged.
pub async fn outbox(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewRegister)?;
    let entries = state.blocking(|store| store.outbox(None, 200)).await??;
    Ok(render(
        StatusCode::OK,
        &OutboxPage {
            chrome: viewer.chrome("Register: outbox", "/register/addresses"),
            entries,
        },
    ))
}

/// A partner IT manager's own organisation: its addresses and digests.
pub async fn my_organisation(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewOwnOrganisation)?;
    let Some(organisation_id) = viewer.user.organisation_id else {
        return Err(WebError::BadRequest(
            "Your account is not linked to an organisation yet; ask the partnership coordinator to link it".into(),
        ));
    };
    let (organisations, records, digests) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            let digests = store.outbox(Some(organisation_id), 500)?;
            Ok((
                store.organisations()?,
                store.addresses(&AddressFilter {
                    organisation_id: Some(organisation_id),
                    limit: Some(500),
                    ..AddressFilter::default()
                })?,
                digests,
            ))
        })
        .await??;
    let name = organisations
        .iter()
        .find(|o| o.id == organisation_id)
        .map_or_else(
            || "Your organisation".to_owned(),
            |o| o.organisation.name.clone(),
        );
    let (shown, held): (Vec<&AddressRecord>, Vec<&AddressRecord>) =
        records.iter().partition(|r| r.tlp != Tlp::Red);
    Ok(render(
        StatusCode::OK,
        &AddressesPage {
            chrome: viewer.chrome(name.clone(), "/my-organisation"),
            heading: name,
            totals: None,
            addresses: shown
                .into_iter()
                .map(|r| address_line(r, &organisations))
                .collect(),
            withheld: held.len(),
            digests,
            pagination: Pagination::default(),
        },
    ))
}
