//! Staff completion of the modules per organisation, and the organisations' invitation
//! links: making one (its address shown once, as only its hash is kept) and revoking
//! one. A partner IT manager sees and keeps only its own organisation's.

use super::scope::{Scope, invitation_keeper, refusal};
use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::format::{date_time, local_date};
use crate::chrome::forms::Problem;
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_app::readiness::ReadinessError;
use beacon_app::readiness::learning::{self, INVITATION_DAYS};
use beacon_core::{Permission, StoredOrganisation};
use beacon_store::AuditEvent;
use beacon_store::education::InvitationRecord;
use time::OffsetDateTime;

/// The most invitation links the page lists (newest first).
pub const INVITATIONS_SHOWN: usize = 200;

/// One organisation's completion, as the table shows it.
pub struct CompletionRow {
    /// The organisation's name ("Every organisation" for the area's row).
    pub name: String,
    /// Learners with an attempt.
    pub learners: usize,
    /// Learner-and-module pairs passed.
    pub completed: usize,
    /// Learners × modules.
    pub possible: usize,
    /// Completion as a percentage, or a dash.
    pub completion: String,
    /// The mean best score, or a dash.
    pub mean_best: String,
}

/// An invitation link as the table shows it.
pub struct InvitationLine {
    /// Its id.
    pub id: i64,
    /// The organisation whose staff it invites.
    pub organisation: String,
    /// When and by whom it was made.
    pub created: String,
    /// Who made it.
    pub created_by: String,
    /// When it stops working.
    pub expires: String,
    /// Learners who joined through it.
    pub learners: u32,
    /// Open, expired or revoked, in words.
    pub status: String,
    /// Whether it still lets people join.
    pub open: bool,
}

#[derive(Template)]
#[template(path = "learning/templates/progress.html")]
struct ProgressPage {
    chrome: Chrome,
    all: bool,
    modules: usize,
    rows: Vec<CompletionRow>,
    area: Option<CompletionRow>,
    invitations: Vec<InvitationLine>,
    more_invitations: bool,
    /// The organisations a coordinator may choose for a new link (empty: their own).
    choices: Vec<(i64, String)>,
    /// Whether the viewer may make and revoke links.
    keeps: bool,
    chosen: String,
    problems: Vec<Problem>,
    days: i64,
}

impl ProgressPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// A percentage, or a dash when there is none.
pub fn percent_text(value: Option<u32>) -> String {
    value.map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
}

fn name_of(organisations: &[StoredOrganisation], id: i64) -> String {
    organisations.iter().find(|o| o.id == id).map_or_else(
        || format!("Organisation {id}"),
        |o| o.organisation.name.clone(),
    )
}

/// Whether the viewer may make and revoke invitation links (without noting a refusal:
/// the page only decides whether to show the form).
fn keeps_links(viewer: &Viewer) -> bool {
    viewer.may(Permission::ManageReadiness)
        || (viewer.may(Permission::ViewOwnOrganisation) && viewer.user.organisation_id.is_some())
}

/// Renders the page for the viewer's scope, with the invitation form's `problems`.
async fn show(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    chosen: String,
    problems: Vec<Problem>,
) -> WebResult<Response> {
    let scope = Scope::of(viewer)?;
    let organisation = scope.organisation();
    let (completion, invitations, organisations) = state
        .blocking(move |store| {
            let completion = learning::progress(store, organisation)?;
            let invitations = learning::invitations(store, organisation)?;
            let organisations = store.organisations()?;
            Ok::<_, ReadinessError>((completion, invitations, organisations))
        })
        .await?
        .map_err(refusal)?;
    let mut rows: Vec<CompletionRow> = completion
        .organisations
        .iter()
        .filter(|o| organisation.is_none_or(|own| own == o.organisation_id))
        .map(|o| CompletionRow {
            name: name_of(&organisations, o.organisation_id),
            learners: o.learners,
            completed: o.modules_completed,
            possible: o.possible,
            completion: percent_text(o.completion_percent),
            mean_best: percent_text(o.mean_best_score),
        })
        .collect();
    if let (Some(own), true) = (organisation, rows.is_empty()) {
        rows.push(CompletionRow {
            name: name_of(&organisations, own),
            learners: 0,
            completed: 0,
            possible: 0,
            completion: percent_text(None),
            mean_best: percent_text(None),
        });
    }
    let area = (scope == Scope::All).then(|| CompletionRow {
        name: "Every organisation".to_owned(),
        learners: completion.area.learners,
        completed: completion.area.modules_completed,
        possible: completion.area.possible,
        completion: percent_text(completion.area.completion_percent),
        mean_best: percent_text(completion.area.mean_best_score),
    });
    let now = OffsetDateTime::now_utc();
    let more_invitations = invitations.len() > INVITATIONS_SHOWN;
    let invitations = invitations
        .iter()
        .filter(|i| organisation.is_none_or(|own| own == i.organisation_id))
        .take(INVITATIONS_SHOWN)
        .map(|i| invitation_line(i, now))
        .collect();
    let choices = if viewer.may(Permission::ManageReadiness) {
        organisations
            .iter()
            .map(|o| (o.id, o.organisation.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(
        status,
        &ProgressPage {
            chrome: viewer.chrome("Staff learning", "/learning"),
            all: scope == Scope::All,
            modules: learning::modules().len(),
            rows,
            area,
            invitations,
            more_invitations,
            choices,
            keeps: keeps_links(viewer),
            chosen,
            problems,
            days: INVITATION_DAYS,
        },
    ))
}

fn invitation_line(invitation: &InvitationRecord, now: OffsetDateTime) -> InvitationLine {
    let status = match invitation.revoked_at {
        Some(at) => format!("Revoked {}", local_date(at)),
        None if invitation.expires_at <= now => "Expired".to_owned(),
        None => "Open".to_owned(),
    };
    InvitationLine {
        id: invitation.id,
        organisation: invitation.organisation.clone(),
        created: date_time(invitation.created_at),
        created_by: invitation.created_by.clone(),
        expires: local_date(invitation.expires_at),
        learners: invitation.learners,
        status,
        open: invitation.is_open(now),
    }
}

/// Completion per organisation (a partner's own only) and the invitation links.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    show(&state, &viewer, StatusCode::OK, String::new(), Vec::new()).await
}

/// What the invitation form sends.
#[derive(serde::Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    csrf_token: String,
    /// The organisation (coordinators only; a partner's own is used regardless).
    #[serde(default)]
    organisation: String,
}

#[derive(Template)]
#[template(path = "learning/templates/invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    organisation: String,
    link: String,
    expires: String,
}

/// The site's address for links shown to staff: the configured one (`notify.base_url`),
/// else the address this request came to.
fn site_address(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = &state.settings().notify.base_url {
        return base.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.request_is_secure(headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// Makes an invitation link and shows its address, this once.
pub async fn create_invitation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<InvitationForm>,
) -> WebResult<Response> {
    let keeper = invitation_keeper(&viewer)?;
    viewer.check_csrf(&form.csrf_token)?;
    let organisations = state.blocking(|store| store.organisations()).await??;
    let organisation = match keeper {
        Some(own) => own,
        None => {
            let chosen = form
                .organisation
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| organisations.iter().any(|o| o.id == *id));
            match chosen {
                Some(id) => id,
                None => {
                    return show(
                        &state,
                        &viewer,
                        StatusCode::BAD_REQUEST,
                        form.organisation,
                        vec![Problem::new(
                            "organisation",
                            "Choose the organisation whose staff the link is for",
                        )],
                    )
                    .await;
                }
            }
        }
    };
    let name = name_of(&organisations, organisation);
    let actor = viewer.user.username.clone();
    let detail_name = name.clone();
    let link = state
        .blocking(move |store| {
            let link = learning::invite(
                store,
                organisation,
                &actor,
                OffsetDateTime::now_utc(),
                INVITATION_DAYS,
            )?;
            store.audit(&AuditEvent {
                actor,
                action: "create_invitation".into(),
                subject: format!("invitation:{}", link.id),
                detail: format!(
                    "staff learning link for {detail_name}, open for {INVITATION_DAYS} days"
                ),
            })?;
            Ok::<_, ReadinessError>(link)
        })
        .await?
        .map_err(refusal)?;
    Ok(render(
        StatusCode::OK,
        &InvitationPage {
            chrome: viewer.chrome("Invitation link created", "/learning"),
            organisation: name,
            link: format!("{}{}", site_address(&state, &headers), link.path),
            expires: local_date(link.expires_at),
        },
    ))
}

/// What the revoke button sends.
#[derive(serde::Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
}

/// Revokes an invitation link (a partner's own only; another's is "not found").
pub async fn revoke_invitation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> WebResult<Response> {
    let keeper = invitation_keeper(&viewer)?;
    viewer.check_csrf(&form.csrf_token)?;
    let actor = viewer.user.username.clone();
    let revoked = state
        .blocking(move |store| {
            let revoked =
                learning::revoke_invitation(store, id, keeper, OffsetDateTime::now_utc())?;
            if revoked {
                store.audit(&AuditEvent {
                    actor,
                    action: "revoke_invitation".into(),
                    subject: format!("invitation:{id}"),
                    detail: "staff learning link revoked".into(),
                })?;
            }
            Ok::<_, ReadinessError>(revoked)
        })
        .await?
        .map_err(refusal)?;
    if revoked {
        Ok(Redirect::to("/learning").into_response())
    } else {
        Err(WebError::NotFound)
    }
}
