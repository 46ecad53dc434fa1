//! The layers every request passes through, outermost first: the security headers, the
//! refusal audit (and the client behind every audit event), and the error layout that
//! lays error pages out for whoever is signed in.

use crate::auth::Viewer;
use crate::chrome::error_page::{ErrorPageText, error_page_for};
use crate::refusals::{Refusal, answer, client_address};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use beacon_store::{AuditEvent, AuditOrigin};
use std::net::SocketAddr;

/// The headers every response carries: a strict Content-Security-Policy (scripts and
/// styles only from Beacon itself, no framing), no MIME sniffing, no referrer (tokens
/// appear in some addresses), and no caching of pages that may hold personal data. Over
/// HTTPS (the secure-cookies setting, or `X-Forwarded-Proto: https` from a trusted proxy)
/// also HSTS; never over plain HTTP.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = state.settings().secure_cookies
        || (state.settings().trusted_proxy_header.is_some()
            && request
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"https")));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The origin of a request as the audit log records it.
fn origin_of(state: &AppState, request: &Request) -> AuditOrigin {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let address = client_address(
        request.headers(),
        peer,
        state.settings().trusted_proxy_header.as_deref(),
    );
    AuditOrigin::new(
        address.map(|a| a.to_string()),
        request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok()),
    )
}

/// Answers the request with its client as the origin of its audit events, then audits any
/// refusal in the response.
pub async fn audit_refusals(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let origin = origin_of(&state, &request);
    let subject = format!("{} {}", request.method(), request.uri().path());
    let subject: String = subject.chars().take(200).collect();
    let (response, noted) = answer(origin.clone(), next.run(request)).await;
    let status = response.status();
    let refusal = match noted.refusal {
        Some(refusal) => Some(refusal),
        None if status == StatusCode::FORBIDDEN => Some(Refusal {
            action: "access_refused",
            detail: "refused (403)".into(),
            actor: None,
        }),
        None if status == StatusCode::TOO_MANY_REQUESTS => Some(Refusal {
            action: "rate_limited",
            detail: "refused: too many requests (429)".into(),
            actor: None,
        }),
        None => None,
    };
    if let Some(refusal) = refusal {
        let actor = refusal
            .actor
            .clone()
            .or(noted.actor)
            .unwrap_or_else(|| "(not signed in)".to_owned());
        let event = AuditEvent {
            actor,
            action: refusal.action.to_owned(),
            subject,
            detail: refusal.detail,
        };
        let written = state
            .blocking(move |store| origin.scope(|| store.audit(&event)))
            .await;
        if !matches!(written, Ok(Ok(()))) {
            tracing::error!("a refusal could not be written to the audit log");
        }
    }
    response
}

/// Lays error pages out for the signed-in person: a 400, 403 or 404 page keeps the menu
/// and the sign-out button, so an error is never a dead end.
pub async fn with_layout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let Some(text) = response.extensions().get::<ErrorPageText>().cloned() else {
        return response;
    };
    if uri.path().starts_with("/api/") {
        return response;
    }
    let mut probe = axum::http::Request::builder()
        .method(axum::http::Method::GET)
        .uri(uri)
        .body(())
        .map(|request| request.into_parts().0);
    let Ok(parts) = probe.as_mut() else {
        return response;
    };
    parts.headers = headers;
    match Viewer::from_request_parts(parts, &state).await {
        Ok(viewer) => {
            let status = response.status();
            let mut page = error_page_for(
                viewer.chrome(text.heading.clone(), ""),
                status,
                &text.heading,
                &text.message,
            );
            for (name, value) in response.headers() {
                if !page.headers().contains_key(name) {
                    page.headers_mut().insert(name.clone(), value.clone());
                }
            }
            page
        }
        Err(_) => response,
    }
}
