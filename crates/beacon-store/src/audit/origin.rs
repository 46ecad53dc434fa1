//! Where an audited action came from: the client address and user agent of the web
//! request behind it (none for the command line).
//!
//! The web application knows the origin once per request, but handlers write their audit
//! events deep inside store work; rather than thread the origin through every event, the
//! request's store work runs inside [`AuditOrigin::scope`], and both backends' `audit`
//! record the origin of the scope they run in. The scope is per thread (store work runs on
//! one thread) and is restored when it ends, even by a panic, so one request's origin can
//! never be written on another's events.

use std::cell::RefCell;

thread_local! {
    static CURRENT: RefCell<Option<AuditOrigin>> = const { RefCell::new(None) };
}

/// The client behind an audited action, as the audit log shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditOrigin {
    /// The client's address (`192.0.2.7`), as the server saw it or as a trusted proxy named
    /// it.
    pub address: Option<String>,
    /// The client's `User-Agent`, shortened and without control characters.
    pub user_agent: Option<String>,
}

/// Puts the previous origin back when a scope ends, however it ends.
struct Restore(Option<AuditOrigin>);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

impl AuditOrigin {
    /// The longest user agent kept: enough to tell browsers and scripts apart, not enough
    /// to let a client fill the log.
    pub const MAX_AGENT_CHARS: usize = 200;

    /// An origin from what a request said: the address as given, the agent cleaned of
    /// control characters and cut to [`AuditOrigin::MAX_AGENT_CHARS`].
    pub fn new(address: Option<String>, user_agent: Option<&str>) -> AuditOrigin {
        let user_agent = user_agent
            .map(|agent| {
                agent
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(Self::MAX_AGENT_CHARS)
                    .collect::<String>()
            })
            .map(|agent| agent.trim().to_owned())
            .filter(|agent| !agent.is_empty());
        AuditOrigin {
            address,
            user_agent,
        }
    }

    /// Runs `work` with this origin recorded on every audit event it writes on this thread.
    pub fn scope<T>(self, work: impl FnOnce() -> T) -> T {
        let previous = CURRENT.with(|current| current.borrow_mut().replace(self));
        let _restore = Restore(previous);
        work()
    }

    /// The origin of the scope this thread is in (empty outside any scope: the command
    /// line).
    pub fn current() -> AuditOrigin {
        CURRENT.with(|current| current.borrow().clone().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_sets_the_origin_and_restores_the_one_before() {
        assert_eq!(AuditOrigin::current(), AuditOrigin::default());
        let outer = AuditOrigin::new(Some("192.0.2.1".into()), Some("outer"));
        let inner = AuditOrigin::new(Some("192.0.2.2".into()), Some("inner"));
        outer.clone().scope(|| {
            assert_eq!(AuditOrigin::current(), outer);
            inner
                .clone()
                .scope(|| assert_eq!(AuditOrigin::current(), inner));
            assert_eq!(AuditOrigin::current(), outer);
        });
        assert_eq!(AuditOrigin::current(), AuditOrigin::default());
    }

    #[test]
    fn a_panic_in_a_scope_does_not_leave_its_origin_behind() {
        let origin = AuditOrigin::new(Some("192.0.2.9".into()), None);
        let result = std::panic::catch_unwind(|| origin.scope(|| panic!("work failed")));
        assert!(result.is_err());
        assert_eq!(AuditOrigin::current(), AuditOrigin::default());
    }

    #[test]
    fn agents_are_cleaned_and_cut() {
        let long = format!("curl/8.0\u{7}\n{}", "x".repeat(500));
        let origin = AuditOrigin::new(None, Some(&long));
        let agent = origin.user_agent.expect("an agent");
        assert!(agent.starts_with("curl/8.0x"));
        assert_eq!(agent.chars().count(), AuditOrigin::MAX_AGENT_CHARS);
        assert_eq!(AuditOrigin::new(None, Some(" \t ")).user_agent, None);
    }
}
