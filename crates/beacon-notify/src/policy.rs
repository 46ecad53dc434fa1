//! The TLP 2.0 rules for email: which findings may go to which recipient.
//!
//! **Invariant:** TLP:RED never leaves Beacon by email, whatever the configuration.
//! TLP:AMBER and TLP:AMBER+STRICT go only to the organisation's own contacts. TLP:CLEAR
//! and TLP:GREEN go to own contacts always, and to extra recipients only if configured.

use beacon_core::Tlp;
use serde::{Deserialize, Serialize};

/// Whether a recipient speaks for the organisation that owns the addresses, which decides
/// how restricted a finding they may receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// A contact registered for the organisation that owns the addresses.
    OwnContact,
    /// Anyone else copied in, such as a partnership mailbox.
    Extra,
}

/// One person or mailbox a digest is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The email address.
    pub email: String,
    /// Whether this is the organisation's own contact or an extra recipient.
    pub kind: RecipientKind,
}

/// What extra recipients may be sent, set by the partnership. Own contacts are not
/// configurable: the TLP rules alone decide what they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharingPolicy {
    /// Extra recipients may receive TLP:CLEAR findings.
    pub extra_may_receive_clear: bool,
    /// Extra recipients may receive TLP:GREEN findings.
    pub extra_may_receive_green: bool,
}

impl Default for SharingPolicy {
    /// Extra recipients get CLEAR and GREEN: both are meant for sharing in the community.
    fn default() -> Self {
        SharingPolicy {
            extra_may_receive_clear: true,
            extra_may_receive_green: true,
        }
    }
}

/// Whether a finding with this label may be emailed to this kind of recipient, so every
/// sending decision goes through one rule.
pub fn may_email(tlp: Tlp, recipient: RecipientKind, policy: &SharingPolicy) -> bool {
    let own = recipient == RecipientKind::OwnContact;
    match tlp {
        Tlp::Red => false,
        Tlp::AmberStrict | Tlp::Amber => own,
        Tlp::Green => own || policy.extra_may_receive_green,
        Tlp::Clear => own || policy.extra_may_receive_clear,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RecipientKind::{Extra, OwnContact};

    const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    fn policies() -> Vec<SharingPolicy> {
        [(false, false), (false, true), (true, false), (true, true)]
            .into_iter()
            .map(|(clear, green)| SharingPolicy {
                extra_may_receive_clear: clear,
                extra_may_receive_green: green,
            })
            .collect()
    }

    #[test]
    fn red_is_never_emailed() {
        for policy in policies() {
            assert!(!may_email(Tlp::Red, OwnContact, &policy));
            assert!(!may_email(Tlp::Red, Extra, &policy));
        }
    }

    #[test]
    fn amber_and_amber_strict_go_only_to_own_contacts() {
        for policy in policies() {
            for tlp in [Tlp::Amber, Tlp::AmberStrict] {
                assert!(may_email(tlp, OwnContact, &policy));
                assert!(!may_email(tlp, Extra, &policy));
            }
        }
    }

    #[test]
    fn clear_and_green_go_to_own_contacts_always_and_to_extras_as_configured() {
        for policy in policies() {
            assert!(may_email(Tlp::Clear, OwnContact, &policy));
            assert!(may_email(Tlp::Green, OwnContact, &policy));
            assert_eq!(
                may_email(Tlp::Clear, Extra, &policy),
                policy.extra_may_receive_clear
            );
            assert_eq!(
                may_email(Tlp::Green, Extra, &policy),
                policy.extra_may_receive_green
            );
        }
    }

    #[test]
    fn default_policy_shares_clear_and_green_with_extras_only() {
        let policy = SharingPolicy::default();
        let extras: Vec<Tlp> = ALL
            .into_iter()
            .filter(|tlp| may_email(*tlp, Extra, &policy))
            .collect();
        assert_eq!(extras, [Tlp::Clear, Tlp::Green]);
        let own: Vec<Tlp> = ALL
            .into_iter()
            .filter(|tlp| may_email(*tlp, OwnContact, &policy))
            .collect();
        assert_eq!(own, [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict]);
    }
}
