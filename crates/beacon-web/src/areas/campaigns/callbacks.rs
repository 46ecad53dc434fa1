//! The SMS gateway's callbacks (GOV.UK Notify's shape): delivery receipts and texts
//! people send back. They come from the gateway, not a signed-in person, so each must
//! carry the configured callback token as `Authorization: Bearer …`; without a token
//! configured the routes answer 404, as if absent.

use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use beacon_app::campaigns::receipts::{record_receipt, record_received_text};
use beacon_notify::{parse_delivery_receipt, parse_received_text};
use time::OffsetDateTime;

/// Whether the request carries the configured callback token; `None` when callbacks
/// are not configured.
fn authorised(state: &AppState, headers: &HeaderMap) -> Option<bool> {
    let token = state
        .settings()
        .notify
        .sms
        .as_ref()
        .and_then(|sms| sms.callback_token.clone())?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    Some(beacon_notify::sms::callback_authorised(given, &token))
}

fn refuse(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    match authorised(state, headers) {
        None => Some(StatusCode::NOT_FOUND.into_response()),
        Some(false) => Some(
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "the callback token is missing or wrong",
            )
                .into_response(),
        ),
        Some(true) => None,
    }
}

/// A delivery receipt: the recipient's status becomes delivered, or bounced.
pub async fn receipt(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = refuse(&state, &headers) {
        return refused;
    }
    let receipt = match parse_delivery_receipt(&body) {
        Ok(receipt) => receipt,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("not a delivery receipt: {error}"),
            )
                .into_response();
        }
    };
    match state
        .blocking(move |store| record_receipt(store, &receipt))
        .await
    {
        Ok(Ok(outcome)) => axum::Json(serde_json::json!({ "outcome": outcome })).into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A text sent back: STOP suppresses the number.
pub async fn inbound(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = refuse(&state, &headers) {
        return refused;
    }
    let text = match parse_received_text(&body) {
        Ok(text) => text,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("not a received text: {error}"),
            )
                .into_response();
        }
    };
    match state
        .blocking(move |store| record_received_text(store, &text, OffsetDateTime::now_utc()))
        .await
    {
        Ok(Ok(outcome)) => axum::Json(serde_json::json!({ "outcome": outcome })).into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
