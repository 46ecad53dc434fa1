//! Phishing-simulation results per organisation and month (a partner's own only), and
//! the coordinator's form to launch a simulation to an organisation's consenting staff.
//! Link scanners' fetches never count as clicks; opening an email is not measured.

use super::progress::percent_text;
use super::scope::{Scope, refusal, sentence};
use crate::auth::Viewer;
use crate::chrome::error::WebResult;
use crate::chrome::format::date_time;
use crate::chrome::forms::{DateEntry, Problem};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use beacon_analytics::readiness::phishing::totals;
use beacon_app::readiness::{ReadinessError, phishing};
use beacon_core::{Permission, StoredOrganisation};
use beacon_store::AuditEvent;
use time::{Date, OffsetDateTime};

/// The most rows (organisation and month) the results table shows, newest months kept.
pub const ROWS_SHOWN: usize = 500;

/// One organisation's month, as the table shows it.
pub struct RateRow {
    /// The organisation's name.
    pub organisation: String,
    /// The month, like "March 2026".
    pub month: String,
    /// Emails sent.
    pub sent: usize,
    /// Clicked by a person, with the percentage.
    pub clicked: String,
    /// Reported as phishing, with the percentage.
    pub reported: String,
}

/// A template as the launch form offers it.
pub struct TemplateChoice {
    /// Its id.
    pub id: String,
    /// Who it pretends to be from.
    pub from_name: String,
    /// Its subject.
    pub subject: String,
}

/// What the launch form sends (and shows again when refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LaunchForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    template: String,
    #[serde(default, rename = "send-day")]
    send_day: String,
    #[serde(default, rename = "send-month")]
    send_month: String,
    #[serde(default, rename = "send-year")]
    send_year: String,
    #[serde(default, rename = "send-time")]
    send_time: String,
}

#[derive(Template)]
#[template(path = "learning/templates/phishing.html")]
struct PhishingPage {
    chrome: Chrome,
    all: bool,
    rows: Vec<RateRow>,
    total: Option<RateRow>,
    cut: bool,
    /// The launch form, for coordinators.
    launch: bool,
    organisations: Vec<(i64, String)>,
    templates: Vec<TemplateChoice>,
    form: LaunchForm,
    problems: Vec<Problem>,
    launched: Option<String>,
}

impl PhishingPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// "12 (25%)".
fn count_and_percent(count: usize, percent: Option<u32>) -> String {
    match percent {
        Some(p) => format!("{count} ({p}%)"),
        None => format!("{count} ({})", percent_text(None)),
    }
}

fn month_words(month: Date) -> String {
    format!("{} {}", month.month(), month.year())
}

fn name_of(organisations: &[StoredOrganisation], id: i64) -> String {
    organisations.iter().find(|o| o.id == id).map_or_else(
        || format!("Organisation {id}"),
        |o| o.organisation.name.clone(),
    )
}

/// Renders the page for the viewer's scope.
async fn show(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    form: LaunchForm,
    problems: Vec<Problem>,
    launched: Option<String>,
) -> WebResult<Response> {
    let scope = Scope::of(viewer)?;
    let organisation = scope.organisation();
    let (rates, organisations) = state
        .blocking(move |store| {
            let rates = phishing::results(store, organisation)?;
            Ok::<_, ReadinessError>((rates, store.organisations()?))
        })
        .await?
        .map_err(refusal)?;
    let mine: Vec<_> = rates
        .into_iter()
        .filter(|r| organisation.is_none_or(|own| own == r.organisation_id))
        .collect();
    let total = (scope == Scope::All && !mine.is_empty()).then(|| {
        let sum = totals(&mine);
        RateRow {
            organisation: "Every organisation".to_owned(),
            month: "All months".to_owned(),
            sent: sum.sent,
            clicked: count_and_percent(sum.clicked, sum.click_percent),
            reported: count_and_percent(sum.reported, sum.report_percent),
        }
    });
    // Newest months are kept when there are too many to show.
    let cut = mine.len() > ROWS_SHOWN;
    let mut shown = mine;
    if cut {
        shown.sort_by_key(|r| std::cmp::Reverse(r.month));
        shown.truncate(ROWS_SHOWN);
        shown.sort_by_key(|r| (r.organisation_id, r.month));
    }
    let rows = shown
        .iter()
        .map(|r| RateRow {
            organisation: name_of(&organisations, r.organisation_id),
            month: month_words(r.month),
            sent: r.sent,
            clicked: count_and_percent(r.clicked, r.click_percent),
            reported: count_and_percent(r.reported, r.report_percent),
        })
        .collect();
    let launch = viewer.may(Permission::ManageReadiness);
    Ok(render(
        status,
        &PhishingPage {
            chrome: viewer.chrome("Phishing simulations", "/learning"),
            all: scope == Scope::All,
            rows,
            total,
            cut,
            launch,
            organisations: if launch {
                organisations
                    .iter()
                    .map(|o| (o.id, o.organisation.name.clone()))
                    .collect()
            } else {
                Vec::new()
            },
            templates: phishing::templates()
                .iter()
                .map(|t| TemplateChoice {
                    id: t.id.clone(),
                    from_name: t.from_name.clone(),
                    subject: t.subject.clone(),
                })
                .collect(),
            form,
            problems,
            launched,
        },
    ))
}

/// The rates per organisation and month, and (for coordinators) the launch form.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    show(
        &state,
        &viewer,
        StatusCode::OK,
        LaunchForm::default(),
        Vec::new(),
        None,
    )
    .await
}

/// A day and a 24-hour `HH:MM` in UK local time (GMT or BST, as it was on that day), as
/// a moment.
fn london_moment(day: Date, clock: &str) -> Option<OffsetDateTime> {
    let (hour, minute) = clock.trim().split_once(':')?;
    let hour: i8 = hour.trim().parse().ok()?;
    let minute: i8 = minute.trim().parse().ok()?;
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) {
        return None;
    }
    let civil = jiff::civil::DateTime::new(
        i16::try_from(day.year()).ok()?,
        i8::try_from(u8::from(day.month())).ok()?,
        i8::try_from(day.day()).ok()?,
        hour,
        minute,
        0,
        0,
    )
    .ok()?;
    let zone = jiff::tz::db().get("Europe/London").ok()?;
    let zoned = civil.to_zoned(zone).ok()?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()
}

impl LaunchForm {
    /// The organisation, template and sending time, or every problem with them.
    fn check(
        &self,
        organisations: &[StoredOrganisation],
        now: OffsetDateTime,
    ) -> Result<(i64, String, OffsetDateTime), Vec<Problem>> {
        let mut problems = Vec::new();
        let organisation = self
            .organisation
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| organisations.iter().any(|o| o.id == *id));
        if organisation.is_none() {
            problems.push(Problem::new(
                "organisation",
                "Choose the organisation whose consenting staff to test",
            ));
        }
        let template = phishing::templates()
            .iter()
            .find(|t| t.id == self.template)
            .map(|t| t.id.clone());
        if template.is_none() {
            problems.push(Problem::new(
                "template",
                "Choose the simulated email to send",
            ));
        }
        let day = DateEntry {
            day: self.send_day.trim().to_owned(),
            month: self.send_month.trim().to_owned(),
            year: self.send_year.trim().to_owned(),
            error: None,
        }
        .date("The sending date");
        let moment = match day {
            Ok(Some(day)) => match london_moment(day, &self.send_time) {
                Some(moment) if moment < now - time::Duration::minutes(10) => {
                    problems.push(Problem::new(
                        "send-day",
                        "The sending time must be now or later",
                    ));
                    None
                }
                Some(moment) if moment > now + time::Duration::days(366) => {
                    problems.push(Problem::new(
                        "send-day",
                        "The sending time must be within a year from now",
                    ));
                    None
                }
                Some(moment) => Some(moment),
                None => {
                    problems.push(Problem::new(
                        "send-time",
                        "Enter the sending time on the 24-hour clock, like 09:30",
                    ));
                    None
                }
            },
            Ok(None) => {
                problems.push(Problem::new("send-day", "Enter the sending date"));
                None
            }
            Err(message) => {
                problems.push(Problem::new("send-day", message));
                None
            }
        };
        match (organisation, template, moment) {
            (Some(organisation), Some(template), Some(moment)) if problems.is_empty() => {
                Ok((organisation, template, moment))
            }
            _ => Err(problems),
        }
    }
}

/// Launches a simulation to the chosen organisation's consenting staff.
pub async fn launch(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<LaunchForm>,
) -> WebResult<Response> {
    viewer.require(Permission::ManageReadiness)?;
    viewer.check_csrf(&form.csrf_token)?;
    let organisations = state.blocking(|store| store.organisations()).await??;
    let now = OffsetDateTime::now_utc();
    let (organisation, template, send_at) = match form.check(&organisations, now) {
        Ok(checked) => checked,
        Err(problems) => {
            return show(
                &state,
                &viewer,
                StatusCode::BAD_REQUEST,
                form,
                problems,
                None,
            )
            .await;
        }
    };
    let settings = state.settings().notify.clone();
    let actor = viewer.user.username.clone();
    let name = name_of(&organisations, organisation);
    let detail_name = name.clone();
    let chosen = template.clone();
    let launched = state
        .blocking(move |store| {
            let launched = phishing::launch(
                store,
                organisation,
                &chosen,
                send_at,
                &actor,
                now,
                &settings,
            )?;
            if launched.created {
                store.audit(&AuditEvent {
                    actor,
                    action: "launch_simulation".into(),
                    subject: format!("simulation:{}", launched.id),
                    detail: format!(
                        "'{chosen}' to {} consenting staff of {detail_name}",
                        launched.queued
                    ),
                })?;
            }
            Ok::<_, ReadinessError>(launched)
        })
        .await?;
    match launched {
        Ok(launched) => {
            let message = if launched.created {
                format!(
                    "{} simulated email{} queued for {name}'s consenting staff, to go out {}.",
                    launched.queued,
                    if launched.queued == 1 { "" } else { "s" },
                    date_time(send_at)
                )
            } else {
                format!(
                    "This simulation was already launched for {name} at that time; nothing more was queued."
                )
            };
            show(
                &state,
                &viewer,
                StatusCode::OK,
                LaunchForm::default(),
                Vec::new(),
                Some(message),
            )
            .await
        }
        Err(ReadinessError::Invalid(reasons)) => {
            let problems = reasons
                .iter()
                .map(|reason| Problem::new("organisation", sentence(reason)))
                .collect();
            show(
                &state,
                &viewer,
                StatusCode::BAD_REQUEST,
                form,
                problems,
                None,
            )
            .await
        }
        Err(error) => Err(refusal(error)),
    }
}
