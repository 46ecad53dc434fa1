//! Who may do what: the partnership's roles and the permissions each one carries.
//!
//! Least privilege lives here, in one table, so every route and API call asks the same
//! question ("may this role do that?") and the answer is tested once for every pair.

use std::fmt;
use std::str::FromStr;

/// A user's role in the partnership (see the design's table of users and roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the partnership: everything in the area, including user administration.
    Coordinator,
    /// Loads data, explores reports and indicators, writes board updates.
    Analyst,
    /// Works with vulnerable victims: sees victim details.
    VulnerabilityOfficer,
    /// Runs Cyber Choices, the cyber prevent programme: its referrals and their stages,
    /// and nothing else (the people referred are mostly young, and not victims).
    CyberChoicesOfficer,
    /// Sees the alerts and advisories for their own organisation, acknowledges them,
    /// records fixes and keeps the organisation's inventory.
    PartnerItManager,
    /// A business: reads advice about its own reports and subscriptions.
    BusinessUser,
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Area statistics: dashboard, district pages, aggregate explorer, statistics API.
    ViewStatistics,
    /// Victim-level report rows (age, postcode, summary); every read is audited.
    ViewVictimDetails,
    /// Upload report files and see ingest runs and their quarantined rows.
    LoadData,
    /// The board update pages and downloads.
    ViewBoard,
    /// The whole threat-address register, organisations and outbox.
    ViewRegister,
    /// The register's addresses and digests of the user's own organisation.
    ViewOwnOrganisation,
    /// Create, change and disable accounts.
    ManageUsers,
    /// Read the audit log.
    ViewAudit,
    /// Every advisory (TLP:RED ones only for coordinators) and every partner's notices,
    /// matches and timings.
    ViewAdvisories,
    /// Write advisories by hand and edit any partner's inventory.
    ManageAdvisories,
    /// Every organisation's readiness results: exercises and debriefs, self-assessments,
    /// staff completion and phishing-simulation rates, and the area-wide gaps.
    ViewReadiness,
    /// Run exercises (start, facilitate, record, debrief), keep the scenario library and
    /// launch phishing simulations.
    ManageReadiness,
    /// Answer the self-assessment for one's own organisation and see its scores.
    SelfAssess,
    /// Protect campaigns in aggregate: the advice library's drafts, targeting, segments
    /// with their counts, campaigns with their delivery figures, evaluation plans and
    /// reports. No contact's own details.
    ViewCampaigns,
    /// Edit the advice library, build segments and campaigns, lock evaluation plans and
    /// launch.
    ManageCampaigns,
    /// Contacts' own details: import, look up, suppress, export what is held about
    /// someone (subject access) and purge; every read is audited.
    ManageContacts,
    /// The victim-care work: the triage queue with each case's score and reasons, and
    /// the cases themselves; every read and change is audited.
    WorkVictimCare,
    /// Cyber Choices referrals: each one's stages, dates and who recorded them, and the
    /// contact-within-5-working-days measure; every read and change is audited.
    WorkCyberChoices,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 6] = [
        Role::Coordinator,
        Role::Analyst,
        Role::VulnerabilityOfficer,
        Role::CyberChoicesOfficer,
        Role::PartnerItManager,
        Role::BusinessUser,
    ];

    /// Whether this role carries `permission`.
    pub fn may(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Coordinator => true,
            Role::Analyst => matches!(
                permission,
                P::ViewStatistics
                    | P::LoadData
                    | P::ViewBoard
                    | P::ViewRegister
                    | P::ViewAdvisories
                    | P::ViewReadiness
                    | P::ViewCampaigns
            ),
            Role::VulnerabilityOfficer => matches!(
                permission,
                P::ViewStatistics | P::ViewVictimDetails | P::ViewBoard | P::WorkVictimCare
            ),
            Role::CyberChoicesOfficer => matches!(permission, P::WorkCyberChoices),
            Role::PartnerItManager => {
                matches!(permission, P::ViewOwnOrganisation | P::SelfAssess)
            }
            Role::BusinessUser => matches!(permission, P::SelfAssess),
        }
    }

    /// The stored and typed form, e.g. `vulnerability_officer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Analyst => "analyst",
            Role::VulnerabilityOfficer => "vulnerability_officer",
            Role::CyberChoicesOfficer => "cyber_choices_officer",
            Role::PartnerItManager => "partner_it_manager",
            Role::BusinessUser => "business_user",
        }
    }

    /// How pages name the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::Coordinator => "Coordinator",
            Role::Analyst => "Analyst",
            Role::VulnerabilityOfficer => "Vulnerability officer",
            Role::CyberChoicesOfficer => "Cyber Choices officer",
            Role::PartnerItManager => "Partner IT manager",
            Role::BusinessUser => "Business user",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of Beacon's roles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a role: use coordinator, analyst, vulnerability_officer, cyber_choices_officer, partner_it_manager or business_user"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Role, UnknownRole> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == key)
            .ok_or_else(|| UnknownRole(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(
            "Vulnerability officer".parse::<Role>(),
            Ok(Role::VulnerabilityOfficer)
        );
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_coordinators_and_officers_see_victims() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::ViewVictimDetails))
            .collect();
        assert_eq!(allowed, [Role::Coordinator, Role::VulnerabilityOfficer]);
        let care: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::WorkVictimCare))
            .collect();
        assert_eq!(care, [Role::Coordinator, Role::VulnerabilityOfficer]);
        // Cyber Choices is seen by those who run it and the coordinator only.
        let prevent: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::WorkCyberChoices))
            .collect();
        assert_eq!(prevent, [Role::Coordinator, Role::CyberChoicesOfficer]);
        assert!(!Role::CyberChoicesOfficer.may(Permission::ViewVictimDetails));
        assert!(!Role::CyberChoicesOfficer.may(Permission::ViewStatistics));
        assert!(!Role::Analyst.may(Permission::ManageUsers));
        assert!(!Role::BusinessUser.may(Permission::ViewStatistics));
    }

    #[test]
    fn advisories_are_seen_whole_by_staff_and_written_by_coordinators() {
        let seeing: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::ViewAdvisories))
            .collect();
        assert_eq!(seeing, [Role::Coordinator, Role::Analyst]);
        let writing: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::ManageAdvisories))
            .collect();
        assert_eq!(writing, [Role::Coordinator]);
        // A partner IT manager reaches only its own organisation's advisories and
        // inventory, through the permission for its own organisation.
        let own: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.may(Permission::ViewOwnOrganisation))
            .collect();
        assert_eq!(own, [Role::Coordinator, Role::PartnerItManager]);
        assert!(!Role::VulnerabilityOfficer.may(Permission::ViewAdvisories));
        assert!(!Role::BusinessUser.may(Permission::ViewOwnOrganisation));
    }

    #[test]
    fn readiness_is_run_by_coordinators_and_answered_by_organisations() {
        let by = |permission| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|role| role.may(permission))
                .collect()
        };
        assert_eq!(
            by(Permission::ViewReadiness),
            [Role::Coordinator, Role::Analyst]
        );
        assert_eq!(by(Permission::ManageReadiness), [Role::Coordinator]);
        assert_eq!(
            by(Permission::SelfAssess),
            [
                Role::Coordinator,
                Role::PartnerItManager,
                Role::BusinessUser
            ]
        );
    }

    #[test]
    fn campaigns_are_built_by_coordinators_and_contacts_kept_by_them_alone() {
        let by = |permission| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|role| role.may(permission))
                .collect()
        };
        assert_eq!(
            by(Permission::ViewCampaigns),
            [Role::Coordinator, Role::Analyst]
        );
        assert_eq!(by(Permission::ManageCampaigns), [Role::Coordinator]);
        assert_eq!(by(Permission::ManageContacts), [Role::Coordinator]);
    }
}
