//! The audit of every refusal, and the client behind every audit event.
//!
//! The refusal audit middleware (`middleware::audit_refusals`) wraps every request: it works out the client's address and user
//! agent once, runs the request with them as the [`AuditOrigin`] of its store work (so
//! every audit event a handler writes records where it came from), and afterwards writes
//! one audit event for any refusal the response carries: a role without the permission
//! (403), a form with the wrong anti-forgery token, too many sign-in attempts (429), a
//! failed sign-in, a failed upload. The place that refuses says why in plain words
//! ([`refuse`]); a 403 or 429 whose maker said nothing is still audited, so no handler can
//! forget.
//!
//! **Invariant:** a refusal is audited after the response is made and before it is sent;
//! if the audit log cannot be written, the refusal still stands (it is logged instead).

use axum::http::HeaderMap;
use beacon_core::{Permission, Role};
use beacon_store::AuditOrigin;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Why a request was refused, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The audit action, e.g. `access_refused`, `csrf_refused`, `sign_in_refused`.
    pub action: &'static str,
    /// Plain words: "refused: analysts may not see the audit log".
    pub detail: String,
    /// Who was refused, when the refusal knows better than the session (a sign-in name).
    pub actor: Option<String>,
}

/// What one request's refusal audit knows: its client, who is signed in, and any refusal
/// noted while it was answered.
#[derive(Debug, Default)]
struct RequestContext {
    origin: AuditOrigin,
    actor: Mutex<Option<String>>,
    refusal: Mutex<Option<Refusal>>,
}

tokio::task_local! {
    static CONTEXT: Arc<RequestContext>;
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The client of the request being answered (empty outside a request).
pub fn current_origin() -> AuditOrigin {
    CONTEXT
        .try_with(|context| context.origin.clone())
        .unwrap_or_default()
}

/// Records who the request's signed-in user is (by the session or token extractors), so a
/// later refusal names them.
pub fn note_actor(username: &str) {
    let _ = CONTEXT.try_with(|context| *locked(&context.actor) = Some(username.to_owned()));
}

/// Notes why the request is being refused; the refusal audit writes it once the response
/// is made. The last note wins.
pub fn refuse(refusal: Refusal) {
    let _ = CONTEXT.try_with(|context| *locked(&context.refusal) = Some(refusal));
}

/// A role's name in a sentence, plural: "analysts".
fn role_plural(role: Role) -> String {
    format!("{}s", role.label().to_lowercase())
}

/// What a permission lets someone do, as a sentence ends.
fn permission_words(permission: Permission) -> &'static str {
    match permission {
        Permission::ViewStatistics => "see the area's statistics",
        Permission::ViewVictimDetails => "see victim-level report rows",
        Permission::LoadData => "load data or see ingest runs",
        Permission::ViewBoard => "see the board update",
        Permission::ViewRegister => "see the threat-address register",
        Permission::ViewOwnOrganisation => "see an organisation's addresses and digests",
        Permission::ManageUsers => "manage accounts",
        Permission::ViewAudit => "see the audit log",
        Permission::ViewAdvisories => "see every partner's advisories and notices",
        Permission::ManageAdvisories => "write advisories or edit partners' inventories",
        Permission::ViewReadiness => "see every organisation's readiness results",
        Permission::ManageReadiness => "run exercises or launch phishing simulations",
        Permission::SelfAssess => "answer the self-assessment",
        Permission::ViewCampaigns => "see protect campaigns",
        Permission::ManageCampaigns => "build or launch protect campaigns",
        Permission::ManageContacts => "see or change contacts",
        Permission::WorkVictimCare => "see the victim-care queue and cases",
        Permission::WorkCyberChoices => "see Cyber Choices referrals",
    }
}

/// The refusal of `permission` to `role`: "refused: analysts may not see the audit log".
pub fn permission_refusal(role: Role, permission: Permission) -> Refusal {
    Refusal {
        action: "access_refused",
        detail: format!(
            "refused: {} may not {}",
            role_plural(role),
            permission_words(permission)
        ),
        actor: None,
    }
}

/// The client's address: the connection's peer, or what the trusted proxy header names
/// (its last entry: the one the proxy itself added) when one is configured.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted_header: Option<&str>,
) -> Option<std::net::IpAddr> {
    if let Some(name) = trusted_header
        && let Some(named) = headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<std::net::IpAddr>().ok())
            .next_back()
    {
        return Some(named);
    }
    peer.map(|peer| peer.ip())
}

/// What a request noted while it was answered: why it was refused, if it was, and who
/// was signed in.
#[derive(Debug, Default)]
pub struct Noted {
    /// The refusal noted last ([`refuse`]).
    pub refusal: Option<Refusal>,
    /// The signed-in user ([`note_actor`]).
    pub actor: Option<String>,
}

/// Answers one request (`work`) with `origin` as the client of its audit events, and
/// returns its answer with what it noted (the refusal audit middleware's core).
pub async fn answer<F: std::future::Future>(origin: AuditOrigin, work: F) -> (F::Output, Noted) {
    let context = Arc::new(RequestContext {
        origin,
        ..RequestContext::default()
    });
    let output = CONTEXT.scope(Arc::clone(&context), work).await;
    let noted = Noted {
        refusal: locked(&context.refusal).take(),
        actor: locked(&context.actor).clone(),
    };
    (output, noted)
}

/// An explorer filter in plain words for the audit log: "period 1 January 2018 to
/// 31 December 2018, district Charnwood, type NFIB1H" ("all reports" when nothing is
/// chosen), never Rust's debug text.
pub fn filter_words(
    filter: &beacon_store::ReportFilter,
    districts: &beacon_core::Districts,
) -> String {
    let day = |date: time::Date| format!("{} {} {}", date.day(), date.month(), date.year());
    let mut parts = Vec::new();
    match (filter.from, filter.to) {
        (Some(from), Some(to)) => parts.push(format!("period {} to {}", day(from), day(to))),
        (Some(from), None) => parts.push(format!("from {}", day(from))),
        (None, Some(to)) => parts.push(format!("up to {}", day(to))),
        (None, None) => {}
    }
    if let Some(code) = &filter.district {
        let name = districts
            .list
            .iter()
            .find(|district| district.code.as_str() == code)
            .map_or_else(
                || {
                    if code == "unknown" {
                        "not known".to_owned()
                    } else {
                        code.clone()
                    }
                },
                |district| district.name.clone(),
            );
        parts.push(format!("district {name}"));
    }
    for (label, value) in [
        ("type", &filter.fraud_type),
        ("kind", &filter.category),
        ("local issue", &filter.local_issue),
        ("victim", &filter.victim_type),
        ("loss band", &filter.loss_band),
    ] {
        if let Some(value) = value {
            parts.push(format!("{label} {}", value.replace('_', " ")));
        }
    }
    if parts.is_empty() {
        "all reports".to_owned()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_who_may_not_do_what() {
        assert_eq!(
            permission_refusal(Role::Analyst, Permission::ViewAudit).detail,
            "refused: analysts may not see the audit log"
        );
    }

    #[test]
    fn a_trusted_header_names_the_client_and_is_ignored_unless_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.4".parse().expect("a header value"),
        );
        let peer: SocketAddr = "127.0.0.1:4000".parse().expect("an address");
        assert_eq!(
            client_address(&headers, Some(peer), Some("X-Forwarded-For")),
            Some("198.51.100.4".parse().expect("an address"))
        );
        assert_eq!(
            client_address(&headers, Some(peer), None),
            Some(peer.ip()),
            "without a trusted header, the header is the client's word only"
        );
        assert_eq!(
            client_address(&HeaderMap::new(), Some(peer), Some("X-Forwarded-For")),
            Some(peer.ip())
        );
    }
}
