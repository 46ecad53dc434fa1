//! The contacts pages: counts by kind and district with the import form, the import's
//! result, and the segment builder.

use super::rule::{self, web_error};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::contacts::{self, ContactImport};
use beacon_core::protect::{ContactKind, LawfulBasis};
use beacon_core::{AgeBand, Channel, OrgSize, Permission};
use beacon_store::contacts::SegmentCount;
use time::OffsetDateTime;

/// The largest contacts file the form takes (8 MiB, about 50,000 contacts).
const FILE_LIMIT: usize = 8 << 20;

/// One row of the counts table: a district and its contacts of each kind.
pub struct TallyRow {
    /// The district's name (or "No district").
    pub district: String,
    /// Contacts of each kind, in [`ContactKind::ALL`]'s order.
    pub kinds: Vec<u64>,
    /// All of them.
    pub total: u64,
}

#[derive(Template)]
#[template(path = "contacts/templates/contacts.html")]
struct ContactsPage {
    chrome: Chrome,
    kinds: Vec<&'static str>,
    rows: Vec<TallyRow>,
    total: u64,
    may_import: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "contacts/templates/import_result.html")]
struct ImportPage {
    chrome: Chrome,
    imported: ContactImport,
}

/// `/contacts`: counts by kind and district, and (for those who may) the import form.
pub async fn contacts(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    contacts_page(&state, &viewer, StatusCode::OK, None).await
}

async fn contacts_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
) -> WebResult<Response> {
    let (tallies, districts) = state
        .blocking(|store| -> Result<_, WebError> {
            Ok((
                contacts::tallies(store).map_err(web_error)?,
                contacts::districts(store).map_err(web_error)?,
            ))
        })
        .await??;
    let mut rows: Vec<TallyRow> = Vec::new();
    let name_of = |code: Option<&beacon_core::DistrictCode>| match code {
        None => "No district".to_owned(),
        Some(code) => districts
            .get(code)
            .map_or_else(|| code.to_string(), |district| district.name.clone()),
    };
    for tally in &tallies {
        let name = name_of(tally.district.as_ref());
        let index = match rows.iter().position(|row| row.district == name) {
            Some(index) => index,
            None => {
                rows.push(TallyRow {
                    district: name,
                    kinds: vec![0; ContactKind::ALL.len()],
                    total: 0,
                });
                rows.len() - 1
            }
        };
        let kind = ContactKind::ALL
            .iter()
            .position(|kind| *kind == tally.kind)
            .unwrap_or(0);
        rows[index].kinds[kind] += tally.contacts;
        rows[index].total += tally.contacts;
    }
    rows.sort_by(|a, b| a.district.cmp(&b.district));
    let total = rows.iter().map(|row| row.total).sum();
    let title = if error.is_some() {
        "Error: Contacts"
    } else {
        "Contacts"
    };
    Ok(render(
        status,
        &ContactsPage {
            chrome: viewer.chrome(title, "/campaigns"),
            kinds: ContactKind::ALL.iter().map(|kind| kind.as_str()).collect(),
            rows,
            total,
            may_import: viewer.user.role.may(Permission::ManageContacts),
            error,
        },
    ))
}

/// `POST /contacts/upload`: imports an uploaded contacts file and shows what it did, with
/// each quarantined line's reason (never its raw text, which holds addresses).
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> WebResult<Response> {
    viewer.require(Permission::ManageContacts)?;
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_big = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| WebError::BadRequest(e.to_string()))?,
                );
            }
            Some("file") => {
                // The token comes first in the form, so nothing is read for a forged post.
                viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
                let name = field.file_name().unwrap_or("contacts.csv").to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    WebError::BadRequest(format!("The upload stopped part way: {e}"))
                })? {
                    if bytes.len() + chunk.len() > FILE_LIMIT {
                        too_big = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
    if too_big {
        let message = format!(
            "The file is too big: a contacts file can be at most {} MB",
            FILE_LIMIT >> 20
        );
        return contacts_page(&state, &viewer, StatusCode::BAD_REQUEST, Some(message)).await;
    }
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        let message = "Select a contacts file to import".to_owned();
        return contacts_page(&state, &viewer, StatusCode::BAD_REQUEST, Some(message)).await;
    };
    let actor = viewer.user.username.clone();
    let source: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("contacts.csv")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let imported = state
        .blocking(move |store| {
            contacts::import_file(
                store,
                &bytes,
                &format!("upload:{source}"),
                &actor,
                OffsetDateTime::now_utc(),
            )
        })
        .await?;
    match imported {
        Ok(imported) => Ok(render(
            StatusCode::OK,
            &ImportPage {
                chrome: viewer.chrome("Contacts imported", "/campaigns"),
                imported,
            },
        )),
        Err(contacts::ContactError::File(refused)) => {
            let message = format!("Nothing was imported: {refused}");
            contacts_page(&state, &viewer, StatusCode::BAD_REQUEST, Some(message)).await
        }
        Err(error) => Err(web_error(error)),
    }
}

/// One checkbox or option of the segment builder.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Whether it is chosen.
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "contacts/templates/segments.html")]
struct SegmentsPage {
    chrome: Chrome,
    kinds: Vec<Choice>,
    sole_trader: Vec<Choice>,
    districts: Vec<Choice>,
    age_bands: Vec<Choice>,
    sizes: Vec<Choice>,
    sectors: String,
    channels: Vec<Choice>,
    bases: Vec<Choice>,
    problems: Vec<String>,
    count: Option<SegmentCount>,
}

/// `/segments`: the segment builder, a GET form whose answer is the count breakdown.
pub async fn segments(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> WebResult<Response> {
    viewer.require(Permission::ViewCampaigns)?;
    let read = rule::parse(query.as_deref());
    let asked = query.is_some_and(|query| !query.is_empty());
    let for_count = read.clone();
    let (districts, counted) = state
        .blocking(move |store| -> Result<_, WebError> {
            let districts = contacts::districts(store).map_err(web_error)?;
            if !asked || !for_count.problems.is_empty() {
                return Ok((districts, Ok(None)));
            }
            let counted = rule::resolve(store, &for_count).and_then(|rule| {
                contacts::segment_count(
                    store,
                    &rule,
                    for_count.channel,
                    for_count.basis,
                    OffsetDateTime::now_utc(),
                )
                .map(Some)
                .map_err(web_error)
            });
            Ok((districts, counted))
        })
        .await??;
    let mut problems = read.problems.clone();
    let count = match counted {
        Ok(count) => count,
        Err(WebError::BadRequest(message)) => {
            problems.push(message);
            None
        }
        Err(error) => return Err(error),
    };
    let chosen_district = |code: &str, name: &str| {
        read.districts
            .iter()
            .any(|given| given.eq_ignore_ascii_case(code) || given.eq_ignore_ascii_case(name))
    };
    let mut chrome = viewer.chrome(
        if problems.is_empty() {
            "Segments"
        } else {
            "Error: Segments"
        },
        "/segments",
    );
    chrome.scripts.push("/assets/segments.js");
    let page = SegmentsPage {
        chrome,
        kinds: ContactKind::ALL
            .iter()
            .map(|kind| Choice {
                value: kind.as_str().to_owned(),
                label: capitalised(kind.as_str()),
                chosen: read.rule.kinds.contains(kind),
            })
            .collect(),
        sole_trader: [
            ("any", "Either", None),
            ("yes", "Sole traders only", Some(true)),
            ("no", "Not sole traders", Some(false)),
        ]
        .into_iter()
        .map(|(value, label, wanted)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            chosen: read.rule.sole_trader == wanted,
        })
        .collect(),
        districts: districts
            .list
            .iter()
            .map(|district| Choice {
                value: district.code.to_string(),
                label: district.name.clone(),
                chosen: chosen_district(district.code.as_str(), &district.name),
            })
            .collect(),
        age_bands: AgeBand::ALL
            .iter()
            .map(|band| Choice {
                value: band.as_str().to_owned(),
                label: band.as_str().to_owned(),
                chosen: read.rule.age_bands.contains(band),
            })
            .collect(),
        sizes: [
            OrgSize::Micro,
            OrgSize::Small,
            OrgSize::Medium,
            OrgSize::Large,
        ]
        .iter()
        .map(|size| Choice {
            value: size.as_str().to_owned(),
            label: capitalised(size.as_str()),
            chosen: read.rule.sizes.contains(size),
        })
        .collect(),
        sectors: read.sectors_text.clone(),
        channels: [
            (Channel::Email, "Email"),
            (Channel::Sms, "Text message (SMS)"),
            (Channel::Social, "Social media"),
        ]
        .into_iter()
        .map(|(channel, label)| Choice {
            value: channel.as_str().to_owned(),
            label: label.to_owned(),
            chosen: read.channel == channel,
        })
        .collect(),
        bases: LawfulBasis::ALL
            .iter()
            .map(|basis| Choice {
                value: basis.as_str().to_owned(),
                label: basis.label().to_owned(),
                chosen: read.basis == *basis,
            })
            .collect(),
        problems: problems.clone(),
        count,
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render(status, &page))
}

impl SegmentsPage {
    /// The checkbox groups: field name, legend, choices.
    fn checkboxes(&self) -> [(&'static str, &'static str, &[Choice]); 4] {
        [
            ("kind", "Kind of contact", &self.kinds),
            ("district", "District", &self.districts),
            ("age_band", "Age band", &self.age_bands),
            ("size", "Business size", &self.sizes),
        ]
    }

    /// The radio groups: field name, legend, choices.
    fn radios(&self) -> [(&'static str, &'static str, &[Choice]); 3] {
        [
            ("sole_trader", "Sole traders", &self.sole_trader),
            ("channel", "Channel", &self.channels),
            ("basis", "Lawful basis", &self.bases),
        ]
    }
}

fn capitalised(word: &str) -> String {
    let mut characters = word.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}
