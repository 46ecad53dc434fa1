//! Self-assessment: questions in Beacon's own words, each mapped to the themes it shows
//! something about (the five Cyber Essentials technical controls, the NCSC 10 Steps to
//! Cyber Security and the topics of the NCSC Small Business Guide), with what to do next
//! when the answer shows a gap.
//!
//! **Invariant:** a [`QuestionBank`] with no [`QuestionBank::problems`] has unique question
//! ids, and every question is mapped to at least one theme and says what to do next.

use super::AdviceLink;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The format tag of a question bank file.
pub const QUESTION_BANK_FORMAT: &str = "beacon-assessment/1";

/// The five Cyber Essentials technical controls, by their names in the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeControl {
    /// Boundary firewalls and internet gateways.
    Firewalls,
    /// Secure configuration.
    SecureConfiguration,
    /// Security update management.
    SecurityUpdateManagement,
    /// User access control.
    UserAccessControl,
    /// Malware protection.
    MalwareProtection,
}

impl CeControl {
    /// The five controls in the scheme's order.
    pub const ALL: [CeControl; 5] = [
        CeControl::Firewalls,
        CeControl::SecureConfiguration,
        CeControl::SecurityUpdateManagement,
        CeControl::UserAccessControl,
        CeControl::MalwareProtection,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CeControl::Firewalls => "firewalls",
            CeControl::SecureConfiguration => "secure_configuration",
            CeControl::SecurityUpdateManagement => "security_update_management",
            CeControl::UserAccessControl => "user_access_control",
            CeControl::MalwareProtection => "malware_protection",
        }
    }

    /// The control's name as the scheme writes it.
    pub fn label(self) -> &'static str {
        match self {
            CeControl::Firewalls => "Firewalls",
            CeControl::SecureConfiguration => "Secure configuration",
            CeControl::SecurityUpdateManagement => "Security update management",
            CeControl::UserAccessControl => "User access control",
            CeControl::MalwareProtection => "Malware protection",
        }
    }
}

/// The NCSC's 10 Steps to Cyber Security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenStep {
    /// Risk management.
    RiskManagement,
    /// Engagement and training.
    EngagementAndTraining,
    /// Asset management.
    AssetManagement,
    /// Architecture and configuration.
    ArchitectureAndConfiguration,
    /// Vulnerability management.
    VulnerabilityManagement,
    /// Identity and access management.
    IdentityAndAccessManagement,
    /// Data security.
    DataSecurity,
    /// Logging and monitoring.
    LoggingAndMonitoring,
    /// Incident management.
    IncidentManagement,
    /// Supply chain security.
    SupplyChainSecurity,
}

impl TenStep {
    /// The ten steps in the NCSC's order.
    pub const ALL: [TenStep; 10] = [
        TenStep::RiskManagement,
        TenStep::EngagementAndTraining,
        TenStep::AssetManagement,
        TenStep::ArchitectureAndConfiguration,
        TenStep::VulnerabilityManagement,
        TenStep::IdentityAndAccessManagement,
        TenStep::DataSecurity,
        TenStep::LoggingAndMonitoring,
        TenStep::IncidentManagement,
        TenStep::SupplyChainSecurity,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TenStep::RiskManagement => "risk_management",
            TenStep::EngagementAndTraining => "engagement_and_training",
            TenStep::AssetManagement => "asset_management",
            TenStep::ArchitectureAndConfiguration => "architecture_and_configuration",
            TenStep::VulnerabilityManagement => "vulnerability_management",
            TenStep::IdentityAndAccessManagement => "identity_and_access_management",
            TenStep::DataSecurity => "data_security",
            TenStep::LoggingAndMonitoring => "logging_and_monitoring",
            TenStep::IncidentManagement => "incident_management",
            TenStep::SupplyChainSecurity => "supply_chain_security",
        }
    }

    /// The step's name as the NCSC writes it.
    pub fn label(self) -> &'static str {
        match self {
            TenStep::RiskManagement => "Risk management",
            TenStep::EngagementAndTraining => "Engagement and training",
            TenStep::AssetManagement => "Asset management",
            TenStep::ArchitectureAndConfiguration => "Architecture and configuration",
            TenStep::VulnerabilityManagement => "Vulnerability management",
            TenStep::IdentityAndAccessManagement => "Identity and access management",
            TenStep::DataSecurity => "Data security",
            TenStep::LoggingAndMonitoring => "Logging and monitoring",
            TenStep::IncidentManagement => "Incident management",
            TenStep::SupplyChainSecurity => "Supply chain security",
        }
    }
}

/// The topics of the NCSC Small Business Guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbgTopic {
    /// Backing up your data.
    BackingUpData,
    /// Protecting your organisation from malware.
    ProtectingFromMalware,
    /// Keeping your smartphones and tablets safe.
    KeepingDevicesSafe,
    /// Using passwords to protect your data.
    UsingPasswords,
    /// Avoiding phishing attacks.
    AvoidingPhishing,
}

impl SbgTopic {
    /// The topics in the guide's order.
    pub const ALL: [SbgTopic; 5] = [
        SbgTopic::BackingUpData,
        SbgTopic::ProtectingFromMalware,
        SbgTopic::KeepingDevicesSafe,
        SbgTopic::UsingPasswords,
        SbgTopic::AvoidingPhishing,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SbgTopic::BackingUpData => "backing_up_data",
            SbgTopic::ProtectingFromMalware => "protecting_from_malware",
            SbgTopic::KeepingDevicesSafe => "keeping_devices_safe",
            SbgTopic::UsingPasswords => "using_passwords",
            SbgTopic::AvoidingPhishing => "avoiding_phishing",
        }
    }

    /// The topic's name as the guide writes it.
    pub fn label(self) -> &'static str {
        match self {
            SbgTopic::BackingUpData => "Backing up your data",
            SbgTopic::ProtectingFromMalware => "Protecting your organisation from malware",
            SbgTopic::KeepingDevicesSafe => "Keeping your smartphones and tablets safe",
            SbgTopic::UsingPasswords => "Using passwords to protect your data",
            SbgTopic::AvoidingPhishing => "Avoiding phishing attacks",
        }
    }
}

/// A theme a score is reported under: one of the three frameworks' headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "framework", content = "theme", rename_all = "snake_case")]
pub enum Theme {
    /// A Cyber Essentials technical control.
    CyberEssentials(CeControl),
    /// One of the NCSC 10 Steps.
    TenSteps(TenStep),
    /// A Small Business Guide topic.
    SmallBusinessGuide(SbgTopic),
}

impl Theme {
    /// Every theme: the five controls, the ten steps, then the guide's topics.
    pub fn all() -> Vec<Theme> {
        CeControl::ALL
            .into_iter()
            .map(Theme::CyberEssentials)
            .chain(TenStep::ALL.into_iter().map(Theme::TenSteps))
            .chain(SbgTopic::ALL.into_iter().map(Theme::SmallBusinessGuide))
            .collect()
    }

    /// The framework's name, e.g. `Cyber Essentials`.
    pub fn framework(self) -> &'static str {
        match self {
            Theme::CyberEssentials(_) => "Cyber Essentials",
            Theme::TenSteps(_) => "10 Steps to Cyber Security",
            Theme::SmallBusinessGuide(_) => "Small Business Guide",
        }
    }

    /// The theme's own name, e.g. `Malware protection`.
    pub fn label(self) -> &'static str {
        match self {
            Theme::CyberEssentials(control) => control.label(),
            Theme::TenSteps(step) => step.label(),
            Theme::SmallBusinessGuide(topic) => topic.label(),
        }
    }

    /// A stable key, e.g. `cyber_essentials:malware_protection`.
    pub fn key(self) -> String {
        match self {
            Theme::CyberEssentials(control) => format!("cyber_essentials:{}", control.as_str()),
            Theme::TenSteps(step) => format!("ten_steps:{}", step.as_str()),
            Theme::SmallBusinessGuide(topic) => {
                format!("small_business_guide:{}", topic.as_str())
            }
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.framework(), self.label())
    }
}

/// Who a question is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentAudience {
    /// Every organisation.
    All,
    /// Partner organisations with an IT function.
    Partner,
    /// Small businesses.
    SmallBusiness,
}

/// One question in the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuestion {
    /// Stable id, e.g. `ce-fw-default-passwords`.
    pub id: String,
    /// The question, answered yes / partly / no / don't know / not applicable.
    pub text: String,
    /// A sentence of help under the question.
    #[serde(default)]
    pub hint: String,
    /// Who is asked.
    pub audience: AssessmentAudience,
    /// Cyber Essentials controls the answer speaks to.
    #[serde(default)]
    pub cyber_essentials: Vec<CeControl>,
    /// 10 Steps the answer speaks to.
    #[serde(default)]
    pub ten_steps: Vec<TenStep>,
    /// Small Business Guide topics the answer speaks to.
    #[serde(default)]
    pub small_business_guide: Vec<SbgTopic>,
    /// What to do next when the answer shows a gap.
    pub next_step: String,
    /// Where to read how.
    #[serde(default)]
    pub advice: Vec<AdviceLink>,
}

impl AssessmentQuestion {
    /// Every theme this question counts towards.
    pub fn themes(&self) -> Vec<Theme> {
        self.cyber_essentials
            .iter()
            .copied()
            .map(Theme::CyberEssentials)
            .chain(self.ten_steps.iter().copied().map(Theme::TenSteps))
            .chain(
                self.small_business_guide
                    .iter()
                    .copied()
                    .map(Theme::SmallBusinessGuide),
            )
            .collect()
    }
}

/// The shipped (or a loaded) set of questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionBank {
    /// Always [`QUESTION_BANK_FORMAT`].
    pub format: String,
    /// Version of the bank, stored with every submission so history stays readable.
    pub version: String,
    /// The questions, in the order they are asked.
    pub questions: Vec<AssessmentQuestion>,
}

impl QuestionBank {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&AssessmentQuestion> {
        self.questions.iter().find(|question| question.id == id)
    }

    /// The questions asked of this audience (`All` questions are asked of everyone).
    pub fn for_audience(&self, audience: AssessmentAudience) -> Vec<&AssessmentQuestion> {
        self.questions
            .iter()
            .filter(|question| {
                audience == AssessmentAudience::All
                    || question.audience == AssessmentAudience::All
                    || question.audience == audience
            })
            .collect()
    }

    /// Everything wrong with the bank, in words (empty when it may be used).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.format != QUESTION_BANK_FORMAT {
            problems.push(format!(
                "the file says it is '{}', not {QUESTION_BANK_FORMAT}",
                self.format
            ));
        }
        if self.questions.is_empty() {
            problems.push("the bank has no questions".to_owned());
        }
        let mut ids = BTreeSet::new();
        for question in &self.questions {
            if !ids.insert(question.id.as_str()) {
                problems.push(format!(
                    "the question id '{}' is used more than once",
                    question.id
                ));
            }
            if question.text.trim().is_empty() || question.next_step.trim().is_empty() {
                problems.push(format!(
                    "question '{}' needs its text and next step",
                    question.id
                ));
            }
            if question.themes().is_empty() {
                problems.push(format!("question '{}' is mapped to no theme", question.id));
            }
            for link in &question.advice {
                if !link.is_safe() {
                    problems.push(format!(
                        "question '{}' links to '{}': links must start with https:// or /",
                        question.id, link.url
                    ));
                }
            }
        }
        problems
    }
}

/// An answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// In place: full marks.
    Yes,
    /// Partly in place: half marks, and a gap.
    Partly,
    /// Not in place: no marks, and a gap.
    No,
    /// Not known: no marks, and a gap (not knowing is itself a finding).
    DontKnow,
    /// Does not apply: left out of the score.
    NotApplicable,
}

impl Answer {
    /// Every answer, in the order the form offers them.
    pub const ALL: [Answer; 5] = [
        Answer::Yes,
        Answer::Partly,
        Answer::No,
        Answer::DontKnow,
        Answer::NotApplicable,
    ];

    /// Points out of two, or `None` when left out of the score.
    pub fn points(self) -> Option<u32> {
        match self {
            Answer::Yes => Some(2),
            Answer::Partly => Some(1),
            Answer::No | Answer::DontKnow => Some(0),
            Answer::NotApplicable => None,
        }
    }

    /// Whether the answer shows a gap.
    pub fn is_gap(self) -> bool {
        matches!(self, Answer::Partly | Answer::No | Answer::DontKnow)
    }

    /// The stored and typed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::Partly => "partly",
            Answer::No => "no",
            Answer::DontKnow => "dont_know",
            Answer::NotApplicable => "not_applicable",
        }
    }

    /// Reads the stored or typed spelling (`don't know`, `n/a` too).
    pub fn parse(text: &str) -> Option<Answer> {
        let key = text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' ', '\''], "_");
        match key.as_str() {
            "dont_know" | "don_t_know" => Some(Answer::DontKnow),
            "n/a" | "na" => Some(Answer::NotApplicable),
            _ => Answer::ALL
                .into_iter()
                .find(|answer| answer.as_str() == key),
        }
    }

    /// How the form names it.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::Partly => "Partly",
            Answer::No => "No",
            Answer::DontKnow => "I don't know",
            Answer::NotApplicable => "Does not apply to us",
        }
    }
}
