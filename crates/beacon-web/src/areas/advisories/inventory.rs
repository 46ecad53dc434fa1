//! A partner's inventory editor: its assets and their products, adding, editing and
//! removing an asset (with a confirmation page). Every save matches the organisation
//! again, so a new asset running an affected product is matched (and its notice opened)
//! at once.
//!
//! **Invariant:** a partner IT manager only ever reads and changes its own organisation's
//! assets: the organisation comes from its account, never from the form or the address;
//! a coordinator names the organisation in the address (`?organisation=ID`).

use super::scope::{area_links, inventory_keeper};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::{Problem, given, truncate};
use crate::chrome::layout::{Chrome, render};
use crate::chrome::page_query::PageQuery;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::advisories::inventory::{OrganisationInventory, list_inventory};
use beacon_core::{Asset, Cidr, ProductEntry};
use beacon_store::AuditEvent;
use time::OffsetDateTime;

/// Product rows the asset form offers.
pub const PRODUCT_ROWS: usize = 5;
/// The longest text a field takes.
const FIELD_LIMIT: usize = 200;

/// The address query: which organisation (coordinators only; ignored for partners).
#[derive(Debug, Default, serde::Deserialize)]
pub struct InventoryQuery {
    organisation: Option<String>,
    /// What was just done (`added`, `changed`, `removed`), for the success banner.
    done: Option<String>,
    /// The asset it was done to.
    asset: Option<String>,
}

/// The organisation a request is about: the partner's own, else the coordinator's
/// choice (`None`: not chosen yet).
fn target(viewer: &Viewer, query: &InventoryQuery) -> WebResult<Option<i64>> {
    match inventory_keeper(viewer)? {
        Some(own) => Ok(Some(own)),
        None => match given(&query.organisation) {
            None => Ok(None),
            Some(text) => text
                .parse::<i64>()
                .map(Some)
                .map_err(|_| WebError::BadRequest("Choose an organisation from the list".into())),
        },
    }
}

/// `?organisation=ID` for a coordinator's links, nothing for a partner's.
fn suffix(viewer: &Viewer, organisation: i64) -> String {
    if viewer.may(beacon_core::Permission::ManageAdvisories) {
        format!("?organisation={organisation}")
    } else {
        String::new()
    }
}

#[derive(Template)]
#[template(path = "advisories/templates/inventory.html")]
struct InventoryPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    /// Organisations to choose from (a coordinator who has not chosen).
    choices: Vec<(i64, String)>,
    inventory: Option<OrganisationInventory>,
    suffix: String,
    done: Option<String>,
}

/// The inventory of the partner's organisation (or the coordinator's choice).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<InventoryQuery>,
) -> WebResult<Response> {
    let organisation = target(&viewer, &query)?;
    let (choices, inventory) = state
        .blocking(move |store| -> beacon_store::StoreResult<_> {
            Ok(match organisation {
                None => (
                    store
                        .organisations()?
                        .into_iter()
                        .map(|o| (o.id, o.organisation.name))
                        .collect(),
                    None,
                ),
                Some(id) => (Vec::new(), list_inventory(store, Some(id))?.pop()),
            })
        })
        .await??;
    if organisation.is_some() && inventory.is_none() {
        return Err(WebError::NotFound);
    }
    let title = inventory.as_ref().map_or_else(
        || "Partners' inventories".to_owned(),
        |i| format!("Inventory of {}", i.organisation),
    );
    let done = banner(&query, inventory.as_ref());
    Ok(render(
        StatusCode::OK,
        &InventoryPage {
            chrome: viewer.chrome(title, "/inventory"),
            links: area_links(&viewer),
            suffix: organisation
                .map(|id| suffix(&viewer, id))
                .unwrap_or_default(),
            choices,
            inventory,
            done,
        },
    ))
}

/// The success banner for what was just done: only Beacon's own words and the stored
/// asset's name, never text from the address.
fn banner(query: &InventoryQuery, inventory: Option<&OrganisationInventory>) -> Option<String> {
    let named = || {
        let id = given(&query.asset)?.parse::<i64>().ok()?;
        inventory?
            .assets
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.asset.name.clone())
    };
    match given(&query.done).as_deref()? {
        "added" => named().map(|name| format!("{name} added")),
        "changed" => named().map(|name| format!("{name} saved")),
        "removed" => Some("The asset was removed".to_owned()),
        _ => None,
    }
}

/// One product row of the form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ProductRow {
    /// CPE 2.3 name.
    pub cpe: String,
    /// Package URL.
    pub purl: String,
    /// Vendor.
    pub vendor: String,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
}

/// The asset form, as typed (or as stored, to edit).
#[derive(Debug, Clone, Default)]
pub struct AssetForm {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Owner's email address.
    pub owner: String,
    /// Host name.
    pub hostname: String,
    /// Network range.
    pub network: String,
    /// Product rows, always [`PRODUCT_ROWS`] of them.
    pub products: Vec<ProductRow>,
}

impl AssetForm {
    /// An empty form.
    fn empty() -> AssetForm {
        AssetForm {
            products: vec![ProductRow::default(); PRODUCT_ROWS],
            ..AssetForm::default()
        }
    }

    /// A stored asset, to edit (products beyond the form's rows are kept as they are).
    fn of(asset: &Asset) -> AssetForm {
        let mut products: Vec<ProductRow> = asset
            .products
            .iter()
            .map(|p| ProductRow {
                cpe: p.cpe.clone().unwrap_or_default(),
                purl: p.purl.clone().unwrap_or_default(),
                vendor: p.vendor.clone().unwrap_or_default(),
                product: p.product.clone().unwrap_or_default(),
                version: p.version.clone().unwrap_or_default(),
            })
            .collect();
        let rows = products.len().max(PRODUCT_ROWS);
        products.resize(rows, ProductRow::default());
        AssetForm {
            name: asset.name.clone(),
            kind: asset.kind.clone(),
            owner: asset.owner.clone().unwrap_or_default(),
            hostname: asset.hostname.clone().unwrap_or_default(),
            network: asset.network.map(|n| n.to_string()).unwrap_or_default(),
            products,
        }
    }

    /// What a form post sent (fields named `name`, `product-1-cpe`, …).
    fn from_fields(fields: &[(String, String)]) -> AssetForm {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_owned())
                .unwrap_or_default()
        };
        // As many rows as were sent (an asset edited with more products than the form
        // offers sends more), within reason.
        let rows = fields
            .iter()
            .filter_map(|(key, _)| {
                key.strip_prefix("product-")?
                    .split('-')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .filter(|n| *n <= 50)
            .max()
            .unwrap_or(0)
            .max(PRODUCT_ROWS);
        AssetForm {
            name: field("name"),
            kind: field("kind"),
            owner: field("owner"),
            hostname: field("hostname"),
            network: field("network"),
            products: (1..=rows)
                .map(|n| ProductRow {
                    cpe: field(&format!("product-{n}-cpe")),
                    purl: field(&format!("product-{n}-purl")),
                    vendor: field(&format!("product-{n}-vendor")),
                    product: field(&format!("product-{n}-product")),
                    version: field(&format!("product-{n}-version")),
                })
                .collect(),
        }
    }

    /// The asset the form describes, or every problem with it.
    fn check(&self) -> Result<Asset, Vec<Problem>> {
        let mut problems = Vec::new();
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        if self.name.is_empty() {
            problems.push(Problem::new("name", "Enter the asset's name"));
        }
        for (field, label, value) in [
            ("name", "The name", &self.name),
            ("kind", "The kind", &self.kind),
            ("hostname", "The host name", &self.hostname),
        ] {
            if value.chars().count() > FIELD_LIMIT {
                problems.push(Problem::new(
                    field,
                    format!("{label} must be {FIELD_LIMIT} characters or fewer"),
                ));
            }
        }
        let owner = match optional(&self.owner) {
            None => None,
            Some(raw) => match beacon_core::organisation::parse_contact(&raw) {
                Ok(owner) => Some(owner),
                Err(_) => {
                    problems.push(Problem::new(
                        "owner",
                        "Enter the owner's email address in the right form, like name@example.org",
                    ));
                    None
                }
            },
        };
        if self.hostname.contains(char::is_whitespace) {
            problems.push(Problem::new(
                "hostname",
                "The host name cannot contain spaces",
            ));
        }
        let network = match optional(&self.network) {
            None => None,
            Some(raw) => {
                match raw.parse::<Cidr>() {
                    Ok(network) => Some(network),
                    Err(error) => {
                        problems.push(Problem::new(
                        "network",
                        format!("Enter the network as an address or range, like 192.0.2.0/24 ({error})"),
                    ));
                        None
                    }
                }
            }
        };
        let mut products = Vec::new();
        for (index, row) in self.products.iter().enumerate() {
            let n = index + 1;
            let entry = ProductEntry {
                cpe: optional(&row.cpe),
                purl: optional(&row.purl),
                vendor: optional(&row.vendor),
                product: optional(&row.product),
                version: optional(&row.version),
                derived_cpe: None,
            };
            if entry
                == (ProductEntry {
                    cpe: None,
                    purl: None,
                    vendor: None,
                    product: None,
                    version: None,
                    derived_cpe: None,
                })
            {
                continue;
            }
            let before = problems.len();
            if let Some(cpe) = &entry.cpe
                && let Err(error) = beacon_match::Cpe::parse(cpe)
            {
                problems.push(Problem::new(
                    format!("product-{n}-cpe"),
                    format!(
                        "Product {n}: enter the CPE as a CPE 2.3 name, like cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:* ({})",
                        truncate(&error.reason, 120)
                    ),
                ));
            }
            if let Some(purl) = &entry.purl
                && let Err(error) = beacon_match::Purl::parse_lenient(purl)
            {
                problems.push(Problem::new(
                    format!("product-{n}-purl"),
                    format!(
                        "Product {n}: enter the package URL like pkg:npm/lodash@4.17.21 ({})",
                        truncate(&error.reason, 120)
                    ),
                ));
            }
            if entry.cpe.is_none() && entry.purl.is_none() {
                if entry.vendor.is_none() {
                    problems.push(Problem::new(
                        format!("product-{n}-vendor"),
                        format!(
                            "Product {n}: enter the vendor, or give a CPE or package URL instead"
                        ),
                    ));
                }
                if entry.product.is_none() {
                    problems.push(Problem::new(
                        format!("product-{n}-product"),
                        format!("Product {n}: enter the product's name, or give a CPE or package URL instead"),
                    ));
                }
            }
            for (part, value) in [
                ("vendor", &entry.vendor),
                ("product", &entry.product),
                ("version", &entry.version),
            ] {
                if value
                    .as_ref()
                    .is_some_and(|v| v.chars().count() > FIELD_LIMIT)
                {
                    problems.push(Problem::new(
                        format!("product-{n}-{part}"),
                        format!(
                            "Product {n}: the {part} must be {FIELD_LIMIT} characters or fewer"
                        ),
                    ));
                }
            }
            if problems.len() == before {
                products.push(entry);
            }
        }
        if products.is_empty() && problems.is_empty() {
            problems.push(Problem::new(
                "product-1-cpe",
                "Enter at least one product the asset runs: a CPE, a package URL, or vendor and product",
            ));
        }
        if problems.is_empty() {
            Ok(Asset {
                name: self.name.clone(),
                kind: self.kind.clone(),
                owner,
                hostname: optional(&self.hostname),
                network,
                products,
            })
        } else {
            Err(problems)
        }
    }

    /// The message for a field, if the form was refused for it.
    pub fn error<'a>(&self, problems: &'a [Problem], field: &str) -> Option<&'a str> {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// One field of the asset form, ready to show.
pub struct FieldView {
    /// Its id and name.
    pub id: String,
    /// Its label.
    pub label: &'static str,
    /// Its hint (may be empty).
    pub hint: &'static str,
    /// What it holds.
    pub value: String,
    /// Why it was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "advisories/templates/asset_form.html")]
struct AssetFormPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    organisation: String,
    /// Where the form posts.
    action: String,
    /// Where "back" goes.
    back: String,
    /// Editing (the name is fixed) or adding.
    editing: bool,
    /// The asset's own fields.
    details: Vec<FieldView>,
    /// The product rows' fields.
    products: Vec<Vec<FieldView>>,
    problems: Vec<Problem>,
}

/// Where an asset form posts and returns to.
struct FormPlace {
    organisation: String,
    action: String,
    back: String,
    editing: bool,
}

fn form_page(
    viewer: &Viewer,
    title: String,
    place: FormPlace,
    form: &AssetForm,
    problems: Vec<Problem>,
) -> AssetFormPage {
    let view = |id: String, label: &'static str, hint: &'static str, value: &str| FieldView {
        error: form.error(&problems, &id).map(str::to_owned),
        id,
        label,
        hint,
        value: value.to_owned(),
    };
    let mut details = Vec::new();
    if !place.editing {
        details.push(view(
            "name".into(),
            "Name",
            "Unique within the organisation, for example Payroll server",
            &form.name,
        ));
    }
    details.push(view(
        "kind".into(),
        "Kind (optional)",
        "For example server, firewall, laptop fleet, service",
        &form.kind,
    ));
    details.push(view(
        "owner".into(),
        "Owner's email address (optional)",
        "If someone other than the IT manager looks after it",
        &form.owner,
    ));
    details.push(view(
        "hostname".into(),
        "Host name (optional)",
        "For example payroll.example.org",
        &form.hostname,
    ));
    details.push(view(
        "network".into(),
        "Network (optional)",
        "An address or range, for example 192.0.2.0/24",
        &form.network,
    ));
    let products = form
        .products
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let n = index + 1;
            vec![
                view(format!("product-{n}-cpe"), "CPE 2.3 name", "", &row.cpe),
                view(format!("product-{n}-purl"), "Package URL", "", &row.purl),
                view(format!("product-{n}-vendor"), "Vendor", "", &row.vendor),
                view(format!("product-{n}-product"), "Product", "", &row.product),
                view(format!("product-{n}-version"), "Version", "", &row.version),
            ]
        })
        .collect();
    AssetFormPage {
        chrome: viewer.chrome(title, "/inventory"),
        links: area_links(viewer),
        organisation: place.organisation,
        action: place.action,
        back: place.back,
        editing: place.editing,
        details,
        products,
        problems,
    }
}

/// The organisation's name, or "not found".
fn organisation_name(store: &mut dyn beacon_store::Store, id: i64) -> WebResult<String> {
    store
        .organisations()?
        .into_iter()
        .find(|o| o.id == id)
        .map(|o| o.organisation.name)
        .ok_or(WebError::NotFound)
}

/// The form to add an asset.
pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<InventoryQuery>,
) -> WebResult<Response> {
    let organisation = target(&viewer, &query)?.ok_or_else(choose_first)?;
    let name = state
        .blocking(move |store| organisation_name(store, organisation))
        .await??;
    let suffix = suffix(&viewer, organisation);
    Ok(render(
        StatusCode::OK,
        &form_page(
            &viewer,
            format!("Add an asset to {name}"),
            FormPlace {
                organisation: name,
                action: format!("/inventory/new{suffix}"),
                back: format!("/inventory{suffix}"),
                editing: false,
            },
            &AssetForm::empty(),
            Vec::new(),
        ),
    ))
}

fn choose_first() -> WebError {
    WebError::BadRequest(
        "Choose the organisation first: open its inventory from the list of partners".into(),
    )
}

/// The CSRF token among a form's fields.
fn csrf_of(fields: &[(String, String)]) -> &str {
    fields
        .iter()
        .find(|(key, _)| key == "csrf_token")
        .map_or("", |(_, value)| value.as_str())
}

/// Adds an asset (refusing a name the organisation already uses) and matches again.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    PageQuery(query): PageQuery<InventoryQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let organisation = target(&viewer, &query)?;
    viewer.check_csrf(csrf_of(&fields))?;
    let organisation = organisation.ok_or_else(choose_first)?;
    let form = AssetForm::from_fields(&fields);
    let checked = form.check();
    let actor = viewer.user.username.clone();
    let settings = state.settings().notify.clone();
    let outcome = state
        .blocking(move |store| -> WebResult<(String, Result<i64, Vec<Problem>>)> {
            let name = organisation_name(store, organisation)?;
            let asset = match checked {
                Err(problems) => return Ok((name, Err(problems))),
                Ok(asset) => asset,
            };
            let taken = store
                .assets(Some(organisation))?
                .iter()
                .any(|a| a.asset.name.eq_ignore_ascii_case(&asset.name));
            if taken {
                return Ok((
                    name,
                    Err(vec![Problem::new(
                        "name",
                        format!(
                            "There is already an asset called {}: edit it instead, or choose another name",
                            asset.name
                        ),
                    )]),
                ));
            }
            let id = beacon_app::advisories::inventory::put_asset(
                store,
                organisation,
                &asset,
                OffsetDateTime::now_utc(),
                &settings,
            )?;
            store.audit(&AuditEvent {
                actor,
                action: "add_inventory_asset".into(),
                subject: format!("asset:{id}"),
                detail: format!(
                    "organisation {organisation}: {} with {} product{}",
                    asset.name,
                    asset.products.len(),
                    if asset.products.len() == 1 { "" } else { "s" }
                ),
            })?;
            Ok((name, Ok(id)))
        })
        .await??;
    let suffix = suffix(&viewer, organisation);
    match outcome {
        (_, Ok(id)) => Ok(saved_redirect(&suffix, "added", Some(id))),
        (name, Err(problems)) => Ok(render(
            StatusCode::BAD_REQUEST,
            &form_page(
                &viewer,
                format!("Add an asset to {name}"),
                FormPlace {
                    organisation: name,
                    action: format!("/inventory/new{suffix}"),
                    back: format!("/inventory{suffix}"),
                    editing: false,
                },
                &form,
                problems,
            ),
        )),
    }
}

/// Back to the inventory, with what was done (and to which asset) for its banner.
fn saved_redirect(suffix: &str, done: &str, asset: Option<i64>) -> Response {
    let join = if suffix.is_empty() { '?' } else { '&' };
    let asset = asset.map(|id| format!("&asset={id}")).unwrap_or_default();
    Redirect::to(&format!("/inventory{suffix}{join}done={done}{asset}")).into_response()
}

/// One asset the viewer may change (`None`: not the partner's, or no such asset).
async fn own_asset(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> WebResult<(beacon_store::inventory::StoredAsset, String)> {
    let confined = inventory_keeper(viewer)?;
    state
        .blocking(move |store| -> WebResult<_> {
            let asset = store.asset(id, confined)?.ok_or(WebError::NotFound)?;
            let name = organisation_name(store, asset.organisation_id)?;
            Ok((asset, name))
        })
        .await?
}

/// The form to edit an asset.
pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (asset, name) = own_asset(&state, &viewer, id).await?;
    let suffix = suffix(&viewer, asset.organisation_id);
    Ok(render(
        StatusCode::OK,
        &form_page(
            &viewer,
            format!("Edit {}", asset.asset.name),
            FormPlace {
                organisation: name,
                action: format!("/inventory/{id}/edit"),
                back: format!("/inventory{suffix}"),
                editing: true,
            },
            &AssetForm::of(&asset.asset),
            Vec::new(),
        ),
    ))
}

/// Saves an edited asset (its name stays; its statuses are kept) and matches again.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let confined = inventory_keeper(&viewer)?;
    viewer.check_csrf(csrf_of(&fields))?;
    let (stored, name) = own_asset(&state, &viewer, id).await?;
    let mut form = AssetForm::from_fields(&fields);
    form.name = stored.asset.name.clone();
    let organisation = stored.organisation_id;
    let suffix = suffix(&viewer, organisation);
    let asset = match form.check() {
        Ok(asset) => asset,
        Err(problems) => {
            return Ok(render(
                StatusCode::BAD_REQUEST,
                &form_page(
                    &viewer,
                    format!("Edit {}", stored.asset.name),
                    FormPlace {
                        organisation: name,
                        action: format!("/inventory/{id}/edit"),
                        back: format!("/inventory{suffix}"),
                        editing: true,
                    },
                    &form,
                    problems,
                ),
            ));
        }
    };
    let actor = viewer.user.username.clone();
    let settings = state.settings().notify.clone();
    state
        .blocking(move |store| -> WebResult<()> {
            // Still the partner's (it cannot have moved, but the check is the store's).
            store.asset(id, confined)?.ok_or(WebError::NotFound)?;
            beacon_app::advisories::inventory::put_asset(
                store,
                organisation,
                &asset,
                OffsetDateTime::now_utc(),
                &settings,
            )?;
            store.audit(&AuditEvent {
                actor,
                action: "change_inventory_asset".into(),
                subject: format!("asset:{id}"),
                detail: format!(
                    "organisation {organisation}: {} now with {} product{}",
                    asset.name,
                    asset.products.len(),
                    if asset.products.len() == 1 { "" } else { "s" }
                ),
            })?;
            Ok(())
        })
        .await??;
    Ok(saved_redirect(&suffix, "changed", Some(id)))
}

#[derive(Template)]
#[template(path = "advisories/templates/asset_remove.html")]
struct RemovePage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    id: i64,
    name: String,
    organisation: String,
    products: Vec<String>,
    back: String,
}

/// Asks to confirm removing an asset.
pub async fn confirm_remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (asset, organisation) = own_asset(&state, &viewer, id).await?;
    let suffix = suffix(&viewer, asset.organisation_id);
    Ok(render(
        StatusCode::OK,
        &RemovePage {
            chrome: viewer.chrome(format!("Remove {}?", asset.asset.name), "/inventory"),
            links: area_links(&viewer),
            id,
            name: asset.asset.name.clone(),
            organisation,
            products: asset
                .asset
                .products
                .iter()
                .map(ProductEntry::describe)
                .collect(),
            back: format!("/inventory{suffix}"),
        },
    ))
}

/// What the removal form sends.
#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf_token: String,
}

/// Removes an asset (with its products and statuses) and matches again.
pub async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RemoveForm>,
) -> WebResult<Response> {
    let confined = inventory_keeper(&viewer)?;
    viewer.check_csrf(&form.csrf_token)?;
    let actor = viewer.user.username.clone();
    let settings = state.settings().notify.clone();
    let organisation = state
        .blocking(move |store| -> WebResult<i64> {
            let asset = store.asset(id, confined)?.ok_or(WebError::NotFound)?;
            let removed = beacon_app::advisories::inventory::remove_asset(
                store,
                asset.organisation_id,
                id,
                OffsetDateTime::now_utc(),
                &settings,
            )?;
            if !removed {
                return Err(WebError::NotFound);
            }
            store.audit(&AuditEvent {
                actor,
                action: "remove_inventory_asset".into(),
                subject: format!("asset:{id}"),
                detail: format!(
                    "organisation {}: {}",
                    asset.organisation_id, asset.asset.name
                ),
            })?;
            Ok(asset.organisation_id)
        })
        .await??;
    Ok(saved_redirect(
        &suffix(&viewer, organisation),
        "removed",
        None,
    ))
}
