//! The campaign builder: one form for a new campaign or a draft's changes (the advice,
//! the control arm's advice for a trial, the channel, the lawful basis, who it goes to,
//! when it starts), checked whole with a GOV.UK error summary, and launching a draft.
//! A proposal from "Who is most at risk" opens the form filled in.

use super::manage::{TokenForm, detail_page};
use super::scope::{area_links, refused};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::{DateEntry, Fields};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::campaigns::build::{CAMPAIGN_CHANNELS, CampaignDraft, save_draft};
use beacon_app::campaigns::launch::{LaunchSettings, launch};
use beacon_app::campaigns::overview::channel_label;
use beacon_app::campaigns::{CampaignError, campaign_or_not_found};
use beacon_core::protect::{Audience, ContactKind, LawfulBasis, SegmentRule, Threat};
use beacon_core::{AgeBand, DistrictCode, OrgSize, Permission};
use beacon_store::AdviceFilter;
use time::{OffsetDateTime, Time};

/// What the form sends (read from the raw fields: several checkboxes share a name).
#[derive(Debug, Clone, Default)]
pub struct BuilderForm {
    csrf_token: String,
    name: String,
    advice: String,
    control_advice: String,
    channel: String,
    basis: String,
    kinds: Vec<String>,
    sole_trader: String,
    districts: Vec<String>,
    age_bands: Vec<String>,
    sectors: String,
    sizes: Vec<String>,
    start: DateEntry,
    start_time: String,
    evaluated: bool,
}

impl BuilderForm {
    fn from_fields(fields: &[(String, String)]) -> BuilderForm {
        let fields = Fields(fields);
        let one = |name: &str| fields.one(name);
        let all = |name: &str| fields.all(name);
        BuilderForm {
            csrf_token: one("csrf_token"),
            name: one("name"),
            advice: one("advice"),
            control_advice: one("control_advice"),
            channel: one("channel"),
            basis: one("basis"),
            kinds: all("kinds"),
            sole_trader: one("sole_trader"),
            districts: all("districts"),
            age_bands: all("age_bands"),
            sectors: one("sectors"),
            sizes: all("sizes"),
            start: DateEntry {
                day: one("start-day"),
                month: one("start-month"),
                year: one("start-year"),
                error: None,
            },
            start_time: one("start-time"),
            evaluated: !one("evaluated").is_empty(),
        }
    }

    /// The form for a draft as stored.
    fn of(draft: &beacon_store::CampaignRecord) -> BuilderForm {
        let day = draft.starts_at.date();
        BuilderForm {
            name: draft.name.clone(),
            advice: draft.advice_slug.clone(),
            control_advice: draft.control_advice_slug.clone().unwrap_or_default(),
            channel: draft.channel.as_str().to_owned(),
            basis: draft.basis.as_str().to_owned(),
            kinds: draft
                .segment
                .kinds
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            sole_trader: match draft.segment.sole_trader {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            districts: draft
                .segment
                .districts
                .iter()
                .map(|d| d.as_str().to_owned())
                .collect(),
            age_bands: draft
                .segment
                .age_bands
                .iter()
                .map(|b| b.as_str().to_owned())
                .collect(),
            sectors: draft
                .segment
                .sectors
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            sizes: draft
                .segment
                .sizes
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            start: DateEntry {
                day: day.day().to_string(),
                month: u8::from(day.month()).to_string(),
                year: day.year().to_string(),
                error: None,
            },
            start_time: format!(
                "{:02}:{:02}",
                draft.starts_at.hour(),
                draft.starts_at.minute()
            ),
            evaluated: draft.evaluated,
            ..BuilderForm::default()
        }
    }

    /// The draft the form describes, or every problem with the form's own fields (the
    /// application checks the rest).
    fn draft(&self) -> Result<CampaignDraft, Vec<String>> {
        let mut problems = Vec::new();
        let channel = CAMPAIGN_CHANNELS
            .into_iter()
            .find(|c| c.as_str() == self.channel);
        if channel.is_none() {
            problems.push("Choose how the campaign goes out".to_owned());
        }
        let basis = LawfulBasis::from_stored(&self.basis);
        if basis.is_none() {
            problems.push("Choose the lawful basis for sending".to_owned());
        }
        let mut segment = SegmentRule {
            kinds: self
                .kinds
                .iter()
                .filter_map(|k| ContactKind::from_stored(k))
                .collect(),
            sole_trader: match self.sole_trader.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            ..SegmentRule::default()
        };
        for code in &self.districts {
            match code.parse::<DistrictCode>() {
                Ok(code) => {
                    segment.districts.insert(code);
                }
                Err(_) => problems.push(format!("{code:?} is not a district code")),
            }
        }
        segment.age_bands = AgeBand::ALL
            .into_iter()
            .filter(|band| self.age_bands.iter().any(|b| b == band.as_str()))
            .collect();
        segment.sizes = self
            .sizes
            .iter()
            .filter_map(|s| OrgSize::parse(s).ok().flatten())
            .collect();
        if self.sectors.chars().any(char::is_control) || self.sectors.chars().count() > 500 {
            problems.push("Enter the sectors as plain text of at most 500 characters".to_owned());
        }
        segment.sectors = self
            .sectors
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        let day = self.start.date("The start date").unwrap_or_else(|message| {
            problems.push(message);
            None
        });
        let time = if self.start_time.is_empty() {
            Some(Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT))
        } else {
            self.start_time
                .split_once(':')
                .and_then(|(h, m)| Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok())
        };
        if time.is_none() {
            problems.push("Enter the start time like 09:30".to_owned());
        }
        let starts_at = match (day, time) {
            (Some(day), Some(time)) => day.with_time(time).assume_utc(),
            (None, _) => {
                if !self.start.is_empty() {
                    // Refused above.
                    OffsetDateTime::now_utc()
                } else {
                    problems.push("Enter the date the campaign starts".to_owned());
                    OffsetDateTime::now_utc()
                }
            }
            _ => OffsetDateTime::now_utc(),
        };
        match (channel, basis) {
            (Some(channel), Some(basis)) if problems.is_empty() => Ok(CampaignDraft {
                name: self.name.clone(),
                advice_slug: self.advice.clone(),
                control_advice_slug: (!self.control_advice.is_empty())
                    .then(|| self.control_advice.clone()),
                channel,
                basis,
                segment,
                starts_at,
                evaluated: self.evaluated,
            }),
            _ => Err(problems),
        }
    }
}

/// A choice on the form.
pub struct Choice {
    value: String,
    label: String,
    chosen: bool,
}

fn choices(options: impl IntoIterator<Item = (String, String)>, chosen: &[String]) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            chosen: chosen.contains(&value),
            value,
            label,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "campaigns/templates/builder.html")]
struct BuilderPage {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    action: String,
    heading: String,
    form: BuilderForm,
    advice: Vec<Choice>,
    control_advice: Vec<Choice>,
    channels: Vec<Choice>,
    bases: Vec<Choice>,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    age_bands: Vec<Choice>,
    sizes: Vec<Choice>,
}

async fn builder_page(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    form: BuilderForm,
    problems: Vec<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let (items, districts) = state
        .blocking(|store| -> beacon_store::StoreResult<_> {
            Ok((
                store.advice_list(&AdviceFilter {
                    published: Some(true),
                    ..AdviceFilter::default()
                })?,
                store.districts()?,
            ))
        })
        .await??;
    let items: Vec<(String, String)> = items
        .iter()
        .map(|stored| (stored.item.slug.clone(), stored.item.title.clone()))
        .collect();
    let heading = match id {
        Some(id) => format!("Change campaign {id}"),
        None => "Build a campaign".to_owned(),
    };
    let title = if problems.is_empty() {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    let one = |value: &str| vec![value.to_owned()];
    Ok(render(
        status,
        &BuilderPage {
            chrome: viewer.chrome(&title, "/campaigns"),
            links: area_links(viewer),
            problems,
            action: match id {
                Some(id) => format!("/campaigns/{id}/edit"),
                None => "/campaigns/new".to_owned(),
            },
            heading,
            advice: choices(items.clone(), &one(&form.advice)),
            control_advice: choices(items, &one(&form.control_advice)),
            channels: choices(
                CAMPAIGN_CHANNELS
                    .iter()
                    .map(|c| (c.as_str().to_owned(), channel_label(*c).to_owned())),
                &one(&form.channel),
            ),
            bases: choices(
                LawfulBasis::ALL
                    .iter()
                    .map(|b| (b.as_str().to_owned(), b.label().to_owned())),
                &one(&form.basis),
            ),
            kinds: choices(
                ContactKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_owned(), k.as_str().replace('_', " "))),
                &form.kinds,
            ),
            districts: choices(
                districts
                    .list
                    .iter()
                    .map(|d| (d.code.as_str().to_owned(), d.name.clone())),
                &form.districts,
            ),
            age_bands: choices(
                AgeBand::ALL
                    .iter()
                    .map(|b| (b.as_str().to_owned(), b.as_str().to_owned())),
                &form.age_bands,
            ),
            sizes: choices(
                [
                    OrgSize::Micro,
                    OrgSize::Small,
                    OrgSize::Medium,
                    OrgSize::Large,
                ]
                .iter()
                .map(|s| (s.as_str().to_owned(), s.as_str().to_owned())),
                &form.sizes,
            ),
            form,
        },
    ))
}

/// What a proposal passes to the form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Proposal {
    #[serde(default)]
    threat: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    districts: String,
}

/// The empty form, or one filled in from a proposal.
pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(proposal): Query<Proposal>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let mut form = BuilderForm {
        channel: "email".to_owned(),
        basis: "public_task".to_owned(),
        start_time: "09:00".to_owned(),
        ..BuilderForm::default()
    };
    let threat = Threat::from_slug(&proposal.threat);
    let audience = Audience::from_slug(&proposal.audience);
    if threat.is_some() || audience.is_some() {
        let found = state
            .blocking(move |store| {
                store.advice_list(&AdviceFilter {
                    threat,
                    audience,
                    published: Some(true),
                })
            })
            .await??;
        if let Some(first) = found.first() {
            form.advice = first.item.slug.clone();
            form.name = first.item.title.clone();
        }
        form.districts = proposal
            .districts
            .split(',')
            .filter(|d| d.parse::<DistrictCode>().is_ok())
            .map(str::to_owned)
            .collect();
        match audience {
            Some(Audience::OlderResidents) => {
                form.kinds = vec!["resident".to_owned()];
                form.age_bands = vec!["70-79".to_owned(), "80+".to_owned()];
            }
            Some(Audience::Smes) => form.kinds = vec!["business".to_owned()],
            Some(Audience::PartnerStaff) => form.kinds = vec!["staff".to_owned()],
            Some(Audience::YoungPeople) => {
                form.kinds = vec!["resident".to_owned()];
                form.age_bands = vec!["0-19".to_owned(), "20-29".to_owned()];
            }
            _ => {}
        }
    }
    builder_page(&state, &viewer, None, form, Vec::new(), StatusCode::OK).await
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    fields: Vec<(String, String)>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let form = BuilderForm::from_fields(&fields);
    viewer.check_csrf(&form.csrf_token)?;
    let problems = match form.draft() {
        Ok(draft) => {
            let by = viewer.user.username.clone();
            let saved = state
                .blocking(move |store| {
                    save_draft(store, id, &draft, &by, OffsetDateTime::now_utc())
                })
                .await?;
            match saved {
                Ok(id) => return Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
                Err(CampaignError::Invalid(problems)) => problems,
                Err(error) => return Err(refused(error)),
            }
        }
        Err(problems) => problems,
    };
    builder_page(state, viewer, id, form, problems, StatusCode::BAD_REQUEST).await
}

/// Stores a new draft, or shows the form again with every problem.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    save(&state, &viewer, None, fields).await
}

/// A draft's form.
pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    let draft = state
        .blocking(move |store| campaign_or_not_found(store, id))
        .await?
        .map_err(refused)?;
    builder_page(
        &state,
        &viewer,
        Some(id),
        BuilderForm::of(&draft),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// Stores a draft's changes, or shows the form again with every problem.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    save(&state, &viewer, Some(id), fields).await
}

/// Launches a draft; its page again with the reason when it cannot be.
pub async fn launch_now(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageCampaigns)?;
    viewer.check_csrf(&form.csrf_token)?;
    let by = viewer.user.username.clone();
    let settings = LaunchSettings {
        message_domain: state.settings().notify.message_domain.clone(),
        social_accounts: Vec::new(),
    };
    let launched = state
        .blocking(move |store| launch(store, id, &settings, &by, OffsetDateTime::now_utc()))
        .await?;
    match launched {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(CampaignError::Invalid(problems)) => {
            detail_page(&state, &viewer, id, StatusCode::CONFLICT, problems).await
        }
        Err(CampaignError::NotFound(_)) => Err(WebError::NotFound),
        Err(error) => Err(refused(error)),
    }
}
