//! Signing in: Argon2id password hashes, session and API tokens, the signed-in viewer
//! and what it may do, sign-in rate limiting and account lock-out. How a request's
//! viewer is found (its session or token, in the store) is in `viewer`.
//!
//! Tokens are 32 random bytes; the store keeps only their SHA-256, so a copy of the
//! database cannot be used to sign in. Sessions live in the store, so they survive a
//! restart and are shared by every server process on PostgreSQL.

use crate::chrome::error::WebError;
use crate::chrome::layout::Chrome;
use crate::refusals::{Refusal, permission_refusal, refuse};
use axum::http::header;
use beacon_core::Permission;
use beacon_store::User;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "beacon_session";
/// The cookie carrying the sign-in form's anti-forgery token (before any session).
pub const SIGN_IN_COOKIE: &str = "beacon_sign_in";

/// The credential primitives live in the application layer, which the command line shares.
pub use beacon_app::credentials::{
    dummy_hash, hash_password, new_token, password_problem, same_secret, token_hash,
    verify_password,
};

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The session cookie (pages).
    Session,
    /// A bearer token (scripts).
    Token,
}

/// Marks a request as one for the JSON API (set by the API's router): only there do
/// bearer tokens count.
#[derive(Debug, Clone, Copy)]
pub struct ApiRequest;

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who.
    pub user: User,
    /// The session's anti-forgery token (empty for API tokens, which forms never use).
    pub csrf: String,
    /// How they proved it.
    pub via: Via,
}

impl Viewer {
    /// Refuses the request unless the role allows `permission`.
    ///
    /// # Errors
    /// [`WebError::Forbidden`].
    pub fn require(&self, permission: Permission) -> Result<(), WebError> {
        if self.user.role.may(permission) {
            Ok(())
        } else {
            refuse(permission_refusal(self.user.role, permission));
            Err(WebError::Forbidden)
        }
    }

    /// Whether the role allows `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.user.role.may(permission)
    }

    /// The layout of a page this viewer sees: their menu, name and anti-forgery token;
    /// `section` is the menu entry's path to mark as current.
    pub fn chrome(&self, title: impl Into<String>, section: &str) -> Chrome {
        Chrome::signed_in(&self.user, &self.csrf, title, section)
    }

    /// Refuses a form whose anti-forgery token is not this session's.
    ///
    /// # Errors
    /// [`WebError::Csrf`].
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if self.via == Via::Session && same_secret(&self.csrf, sent) {
            Ok(())
        } else {
            refuse(Refusal {
                action: "csrf_refused",
                detail: "refused: the form's anti-forgery token was missing or not this session's"
                    .into(),
                actor: None,
            });
            Err(WebError::Csrf)
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header. The scheme's name is
/// case-insensitive (RFC 9110, section 11.1), so `bearer` and `BEARER` count too.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Where to go after signing in: only a path on this site. `next` must start with one
/// `/` (not `//` or `/\`, which browsers read as another host), and may hold no control
/// characters, white space or backslashes, raw or percent-encoded (`/%09/evil.example`
/// is `//evil.example` to a browser that drops the tab).
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else {
        return "/".to_owned();
    };
    let bytes = path.as_bytes();
    let local = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        && !decodes_to_unsafe(path);
    if local {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Whether any percent-escape in `path` stands for a control character, white space, a
/// backslash or a slash (an encoded slash could make `//` once decoded).
fn decodes_to_unsafe(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| {
        *byte == b'%'
            && bytes
                .get(at + 1..at + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .is_none_or(|decoded| {
                    decoded < 0x20
                        || decoded == 0x7f
                        || decoded == b' '
                        || decoded == b'\\'
                        || decoded == b'/'
                })
    })
}

/// Builds a `Set-Cookie` value: HttpOnly, on `path`, `Secure` when the request came over
/// HTTPS, SameSite=Strict when `strict` (anti-forgery tokens) or else Lax (so a link
/// followed from an email still carries it). Sign-in and the learners' pages share it, so
/// every cookie Beacon sets has the same protections.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<time::Duration>,
    secure: bool,
    strict: bool,
) -> axum::http::HeaderValue {
    let mut built = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path(path.to_owned())
        .http_only(true)
        .secure(secure)
        .same_site(if strict {
            cookie::SameSite::Strict
        } else {
            cookie::SameSite::Lax
        });
    if let Some(age) = max_age {
        built = built.max_age(age);
    }
    axum::http::HeaderValue::from_str(&built.build().to_string())
        .unwrap_or(axum::http::HeaderValue::from_static(""))
}

/// A cookie's value from the request.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Sign-in attempts per client address in a sliding window: a brake on guessing across
/// many accounts, which per-account lock-out alone does not stop.
pub struct SignInLimiter {
    attempts: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    /// Attempts allowed per window.
    pub limit: usize,
    /// The window.
    pub window: Duration,
}

impl SignInLimiter {
    /// `limit` attempts per `window` per address.
    pub fn new(limit: usize, window: Duration) -> SignInLimiter {
        SignInLimiter {
            attempts: Mutex::new(HashMap::new()),
            limit,
            window,
        }
    }

    /// Whether the address has used its allowance of failures in the window.
    pub fn is_blocked(&self, address: IpAddr) -> bool {
        let now = Instant::now();
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(times) = attempts.get_mut(&address) else {
            return false;
        };
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        times.len() >= self.limit
    }

    /// Counts a failed sign-in from the address (successes are never counted, so staff
    /// behind one address share no allowance).
    pub fn record_failure(&self, address: IpAddr) {
        let now = Instant::now();
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if attempts.len() > 10_000 {
            attempts.retain(|_, times| times.back().is_some_and(|t| now - *t < self.window));
        }
        let times = attempts.entry(address).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        times.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a hash", "anything"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }

    #[test]
    fn only_plain_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/dashboard?from=2017-01-01&to=2017-12-31")),
            "/dashboard?from=2017-01-01&to=2017-12-31"
        );
        assert_eq!(safe_next(Some("/explore?q=a%20b")), "/");
        for bad in [
            "/%09/evil.example/x",
            "/\t/evil.example/x",
            "//evil.example/",
            "/\\evil.example/",
            "/%5Cevil.example/",
            "/%2F/evil.example/",
            "https://evil.example/",
            "evil.example",
            "/ /evil.example",
            "/%zz",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        let with = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                header::AUTHORIZATION,
                axum::http::HeaderValue::from_str(value).expect("a header value"),
            );
            bearer_token(&headers).map(str::to_owned)
        };
        for value in ["Bearer abc", "bearer abc", "BEARER  abc ", "bEaReR abc"] {
            assert_eq!(with(value).as_deref(), Some("abc"), "{value}");
        }
        for value in ["Basic abc", "Bearer", "Bearer   ", "Bearerabc"] {
            assert_eq!(with(value), None, "{value}");
        }
    }

    #[test]
    fn the_limiter_refuses_past_its_allowance() {
        let limiter = SignInLimiter::new(3, Duration::from_secs(60));
        let address: IpAddr = "192.0.2.1".parse().expect("address");
        for _ in 0..3 {
            assert!(!limiter.is_blocked(address));
            limiter.record_failure(address);
        }
        assert!(limiter.is_blocked(address));
        assert!(!limiter.is_blocked("192.0.2.2".parse().expect("address")));
    }
}
