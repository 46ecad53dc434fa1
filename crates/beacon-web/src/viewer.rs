//! Who a request is from: the [`Viewer`] extractor reads the session cookie (pages) or,
//! on the JSON API only, the `Authorization: Bearer` token, and finds its account in the
//! store. A handler that takes a `Viewer` is answered only for someone signed in.

use crate::auth::{ApiRequest, SESSION_COOKIE, Via, Viewer, bearer_token, cookie, token_hash};
use crate::chrome::error::WebError;
use crate::refusals::note_actor;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use time::OffsetDateTime;

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, WebError> {
        // The API's router marks its requests (a nested router sees only its own part of
        // the path, so the path cannot say).
        let api = parts.extensions.get::<ApiRequest>().is_some();
        // API tokens work only on the API: a token copied from a script opens no page.
        let bearer = bearer_token(&parts.headers).filter(|_| api).map(token_hash);
        let session = cookie(&parts.headers, SESSION_COOKIE).map(token_hash);
        // Only a page can be come back to after signing in; a form post cannot.
        let next = match (&parts.method, parts.uri.path_and_query()) {
            (&axum::http::Method::GET, Some(path)) => path.as_str().to_owned(),
            _ => "/".to_owned(),
        };
        let refused = WebError::SignInNeeded { next, api };
        let found = state
            .blocking(move |store| -> beacon_store::StoreResult<Option<Viewer>> {
                if let Some(hash) = bearer {
                    let now = OffsetDateTime::now_utc();
                    return Ok(store
                        .api_token_user(&hash)?
                        .filter(|holder| holder.expires_at > now)
                        .map(|holder| Viewer {
                            user: holder.user,
                            csrf: String::new(),
                            via: Via::Token,
                        }));
                }
                let Some(hash) = session else {
                    return Ok(None);
                };
                Ok(store
                    .session(&hash, OffsetDateTime::now_utc())?
                    .map(|record| Viewer {
                        user: record.user,
                        csrf: record.csrf_token,
                        via: Via::Session,
                    }))
            })
            .await??;
        if let Some(viewer) = &found {
            note_actor(&viewer.user.username);
        }
        found.ok_or(refused)
    }
}
