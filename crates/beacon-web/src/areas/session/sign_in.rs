//! Signing in and out.

use crate::auth::safe_next;
use crate::auth::{
    SESSION_COOKIE, SIGN_IN_COOKIE, Viewer, cookie, dummy_hash, new_token, same_secret, token_hash,
    verify_password,
};
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::layout::{Chrome, render};
use crate::refusals::{Refusal, refuse};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_store::{AuditEvent, NewSession};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use time::{Duration, OffsetDateTime};

#[derive(Template)]
#[template(path = "session/templates/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

/// The query of the sign-in page.
#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Builds a `Set-Cookie` value on path `/` (see [`crate::auth::set_cookie`]).
fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<Duration>,
    secure: bool,
    strict: bool,
) -> HeaderValue {
    crate::auth::set_cookie(name, value, "/", max_age, secure, strict)
}

fn sign_in_page(
    status: StatusCode,
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let csrf = sign_in_token(state);
    let mut response = render(
        status,
        &SignInPage {
            chrome: Chrome::anonymous("Sign in"),
            csrf: csrf.clone(),
            next,
            username,
            error,
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SIGN_IN_COOKIE,
            &csrf,
            None,
            state.request_is_secure(headers),
            true,
        ),
    );
    response
}

/// The sign-in form's double-submit token: a random negative number (no digest has one)
/// signed with the server's acknowledgement-link key, so that a token planted in the
/// cookie by anyone else does not verify, and every form's token differs. It lasts two
/// hours.
fn sign_in_token(state: &AppState) -> String {
    let nonce = -i64::from(rand::random::<u32>()) - 1;
    state
        .signer
        .sign(nonce, OffsetDateTime::now_utc() + Duration::hours(2))
}

/// Whether a sign-in form's token is the cookie's and was signed by this server.
fn sign_in_token_holds(state: &AppState, cookie_token: &str, sent: &str) -> bool {
    !cookie_token.is_empty()
        && same_secret(cookie_token, sent)
        && state
            .signer
            .verify(sent, OffsetDateTime::now_utc())
            .is_ok_and(|nonce| nonce < 0)
}

/// The sign-in form.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    sign_in_page(
        StatusCode::OK,
        &state,
        &headers,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
}

/// What the sign-in form sends.
#[derive(serde::Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
    next: Option<String>,
}

enum Outcome {
    SignedIn(String),
    Refused(String),
    Locked(OffsetDateTime),
}

/// The answer to a wrong name or password: the same for both, so it tells nothing.
const WRONG: &str = "Enter a correct username and password";

/// Checks the password, counts failures, locks, and starts a session.
pub async fn submit(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> WebResult<Response> {
    let next = safe_next(form.next.as_deref());
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or("");
    let typed: String = form.username.trim().chars().take(100).collect();
    if !sign_in_token_holds(&state, expected, &form.csrf_token) {
        refuse(Refusal {
            action: "csrf_refused",
            detail:
                "refused: the sign-in form's token was missing, not this browser's or not Beacon's"
                    .into(),
            actor: Some(typed),
        });
        return Err(WebError::Csrf);
    }
    let address = crate::refusals::client_address(
        &headers,
        extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0),
        state.settings().trusted_proxy_header.as_deref(),
    )
    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if state.limiter.is_blocked(address) {
        refuse(Refusal {
            action: "rate_limited",
            detail: format!(
                "refused: more than {} failed sign-ins from this address in 5 minutes",
                state.limiter.limit
            ),
            actor: Some(typed),
        });
        return Ok(sign_in_page(
            StatusCode::TOO_MANY_REQUESTS,
            &state,
            &headers,
            next,
            form.username,
            Some("There have been too many sign-in attempts from your network. Wait 5 minutes, then try again.".into()),
        ));
    }
    let settings = state.settings().clone();
    let username = form.username.clone();
    let password = form.password;
    let outcome = state
        .blocking(move |store| -> beacon_store::StoreResult<Outcome> {
            let now = OffsetDateTime::now_utc();
            let audit = |store: &mut dyn beacon_store::Store, action: &str, detail: String| {
                store.audit(&AuditEvent {
                    actor: username.trim().to_owned(),
                    action: action.to_owned(),
                    subject: "session".to_owned(),
                    detail,
                })
            };
            let Some((user, hash)) = store.user_for_sign_in(&username)? else {
                // A name no account has is counted and locked exactly as an account is, so
                // the answers never tell whether the account exists.
                let key = token_hash(&username.trim().to_lowercase());
                if let Some(until) = store.name_lock(&key)?.locked_until.filter(|u| *u > now) {
                    audit(store, "sign_in_refused", "unknown username, locked".into())?;
                    return Ok(Outcome::Locked(until));
                }
                verify_password(dummy_hash(), &password);
                let after = store.record_failed_name(
                    &key,
                    settings.lock_after,
                    now,
                    now + Duration::minutes(settings.lock_minutes),
                )?;
                audit(
                    store,
                    "sign_in_refused",
                    format!("unknown username ({} in a row)", after.failed_sign_ins),
                )?;
                return Ok(match after.locked_until.filter(|until| *until > now) {
                    Some(until) => Outcome::Locked(until),
                    None => Outcome::Refused(WRONG.into()),
                });
            };
            if let Some(until) = user.locked_until.filter(|until| *until > now) {
                audit(store, "sign_in_refused", "account locked".into())?;
                return Ok(Outcome::Locked(until));
            }
            if user.disabled || !verify_password(&hash, &password) {
                let after = store
                    .record_failed_sign_in(
                        user.id,
                        settings.lock_after,
                        now,
                        now + Duration::minutes(settings.lock_minutes),
                    )?
                    .unwrap_or(user);
                audit(
                    store,
                    "sign_in_refused",
                    format!("wrong password ({} in a row)", after.failed_sign_ins),
                )?;
                return Ok(match after.locked_until.filter(|until| *until > now) {
                    Some(until) => Outcome::Locked(until),
                    None => Outcome::Refused(WRONG.into()),
                });
            }
            let token = new_token();
            store.create_session(&NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: new_token(),
                expires_at: now + Duration::hours(settings.session_hours),
            })?;
            store.record_sign_in(user.id, now)?;
            audit(store, "sign_in", String::new())?;
            Ok(Outcome::SignedIn(token))
        })
        .await??;
    if !matches!(outcome, Outcome::SignedIn(_)) {
        // Only failures count against the address: staff signing in share no allowance.
        state.limiter.record_failure(address);
    }
    match outcome {
        Outcome::SignedIn(token) => {
            let secure = state.request_is_secure(&headers);
            let mut response = Redirect::to(&next).into_response();
            let headers_out = response.headers_mut();
            headers_out.append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &token,
                    Some(Duration::hours(state.settings().session_hours)),
                    secure,
                    false,
                ),
            );
            headers_out.append(
                header::SET_COOKIE,
                set_cookie(SIGN_IN_COOKIE, "", Some(Duration::ZERO), secure, true),
            );
            Ok(response)
        }
        Outcome::Refused(message) => Ok(sign_in_page(
            StatusCode::UNAUTHORIZED,
            &state,
            &headers,
            next,
            form.username,
            Some(message),
        )),
        Outcome::Locked(until) => Ok(sign_in_page(
            StatusCode::FORBIDDEN,
            &state,
            &headers,
            next,
            form.username,
            Some(format!(
                "This account is locked after {} failed sign-in attempts. Try again after {} UTC, or ask a coordinator to unlock it.",
                state.settings().lock_after,
                until
                    .format(time::macros::format_description!(
                        "[hour]:[minute] on [day] [month repr:long] [year]"
                    ))
                    .unwrap_or_default()
            )),
        )),
    }
}

/// What the sign-out form sends.
#[derive(serde::Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> WebResult<Response> {
    viewer.check_csrf(&form.csrf_token)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let hash = token_hash(token);
        let actor = viewer.user.username.clone();
        state
            .blocking(move |store| -> beacon_store::StoreResult<()> {
                store.end_session(&hash, OffsetDateTime::now_utc())?;
                store.audit(&AuditEvent {
                    actor,
                    action: "sign_out".into(),
                    subject: "session".into(),
                    detail: String::new(),
                })
            })
            .await??;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(Duration::ZERO),
            state.request_is_secure(&headers),
            false,
        ),
    );
    Ok(response)
}
