//! The weights of the vulnerability score, as the shipped file `data/care/triage.toml`
//! sets them (an area edits its own copy): points for age, repeat victimisation, the kinds
//! of fraud that prey on the vulnerable, loss (in pounds, and against the usual loss of
//! the victim's kind), the reporting officer's vulnerable flag and recency; and the score
//! from which each level of care starts, with its service-level time.

use super::CareLevel;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every weight of the score and the levels it leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageWeights {
    /// Points for older victims.
    pub age: AgePoints,
    /// Points for being a victim before.
    pub repeat: RepeatPoints,
    /// Points for kinds of fraud, the first that matches.
    #[serde(default, rename = "fraud")]
    pub frauds: Vec<FraudPoints>,
    /// Points for the size of the loss: the highest band reached.
    #[serde(default, rename = "loss")]
    pub loss_bands: Vec<LossBand>,
    /// Points for a loss much larger than usual for the victim's kind.
    pub relative_loss: RelativeLoss,
    /// Points, and the lowest level, when the reporting officer judged the victim
    /// vulnerable.
    pub vulnerable: VulnerablePoints,
    /// Points for a recent report: the first band (nearest) it falls in.
    #[serde(default, rename = "recency")]
    pub recency: Vec<RecencyBand>,
    /// Where each level starts, with its service-level time.
    #[serde(rename = "level")]
    pub levels: Vec<LevelRule>,
}

/// Points by age band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgePoints {
    /// For a victim aged 70 to 79.
    pub seventies: u32,
    /// For a victim aged 80 or over.
    pub eighty_plus: u32,
}

/// Points for repeat victimisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatPoints {
    /// How far back earlier reports by the same (pseudonymous) victim are looked for.
    pub look_back_days: u32,
    /// For each earlier report by the same victim in that time.
    pub per_earlier_report: u32,
    /// The most the earlier reports can add.
    pub most: u32,
    /// When no earlier report is linked but the victim says they were a victim before.
    pub said_so: u32,
}

/// Points for a kind of fraud, matched by local issue, fraud type or fraud group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FraudPoints {
    /// How the reason names it ("Courier fraud").
    pub label: String,
    /// The points.
    pub points: u32,
    /// Local issues (`courier_fraud`) that count.
    #[serde(default)]
    pub local_issues: Vec<String>,
    /// Fraud-type keys or names that count (any case).
    #[serde(default)]
    pub fraud_types: Vec<String>,
    /// Fraud groups that count (any case), e.g. "Financial investment fraud".
    #[serde(default)]
    pub fraud_groups: Vec<String>,
}

/// What the reporting officer's vulnerable flag brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerablePoints {
    /// The points.
    pub points: u32,
    /// The lowest level for a victim judged vulnerable, whatever the score (as a number,
    /// 1 to 4).
    pub at_least_level: u8,
}

/// A loss of at least `from_pounds` earns `points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossBand {
    /// The least loss, in whole pounds.
    pub from_pounds: u64,
    /// The points.
    pub points: u32,
}

/// Points for a loss at least `times` the median loss of reports by victims of the same
/// kind (people or organisations) in the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelativeLoss {
    /// How many times the median.
    pub times: f64,
    /// The points.
    pub points: u32,
}

/// A report made at most `within_days` days ago earns `points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecencyBand {
    /// Days since the report, at most.
    pub within_days: u32,
    /// The points.
    pub points: u32,
}

/// A level of care starts at `from_score` points; its first contact is due within
/// `sla_hours` of the report reaching the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// The level, 1 to 4.
    pub level: u8,
    /// The least score for it.
    pub from_score: u32,
    /// Hours to first contact.
    pub sla_hours: u32,
}

/// Something wrong with a weights file, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightsProblem(pub String);

impl fmt::Display for WeightsProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for WeightsProblem {}

impl TriageWeights {
    /// Checks what the file's shape cannot: each level once (1 to 4) with level 1 from
    /// score 0 and each next level from a higher score; loss and recency bands in order;
    /// a kind of fraud that matches something; a relative-loss multiple above 1.
    ///
    /// # Errors
    /// Every problem found, in words.
    pub fn validate(&self) -> Result<(), Vec<WeightsProblem>> {
        let mut problems = Vec::new();
        let mut problem = |text: String| problems.push(WeightsProblem(text));
        let numbers: Vec<u8> = self.levels.iter().map(|rule| rule.level).collect();
        if numbers != [1, 2, 3, 4] {
            problem(format!(
                "the levels must be given once each, in order 1, 2, 3, 4 (they are {numbers:?})"
            ));
        } else {
            if self.levels[0].from_score != 0 {
                problem("level 1 must start at score 0, so every case has a level".to_owned());
            }
            for pair in self.levels.windows(2) {
                if pair[1].from_score <= pair[0].from_score {
                    problem(format!(
                        "level {} must start at a higher score than level {}",
                        pair[1].level, pair[0].level
                    ));
                }
            }
        }
        for rule in &self.levels {
            if rule.sla_hours == 0 {
                problem(format!(
                    "level {} needs a service-level time above 0 hours",
                    rule.level
                ));
            }
        }
        if CareLevel::from_number(self.vulnerable.at_least_level).is_none() {
            problem(format!(
                "vulnerable.at_least_level must be a level from 1 to 4, not {}",
                self.vulnerable.at_least_level
            ));
        }
        if self
            .loss_bands
            .windows(2)
            .any(|pair| pair[1].from_pounds <= pair[0].from_pounds)
        {
            problem("the loss bands must go up in from_pounds".to_owned());
        }
        if self
            .recency
            .windows(2)
            .any(|pair| pair[1].within_days <= pair[0].within_days)
        {
            problem("the recency bands must go up in within_days".to_owned());
        }
        for fraud in &self.frauds {
            if fraud.label.trim().is_empty() {
                problem("a kind of fraud has no label".to_owned());
            }
            if fraud.local_issues.is_empty()
                && fraud.fraud_types.is_empty()
                && fraud.fraud_groups.is_empty()
            {
                problem(format!(
                    "{:?} matches nothing: give local_issues, fraud_types or fraud_groups",
                    fraud.label
                ));
            }
        }
        if !(self.relative_loss.times > 1.0 && self.relative_loss.times.is_finite()) {
            problem(format!(
                "relative_loss.times must be more than 1, not {}",
                self.relative_loss.times
            ));
        }
        if self.repeat.look_back_days == 0 {
            problem("repeat.look_back_days must be at least 1".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The rule of a level (every level has one once the weights are valid).
    pub fn rule(&self, level: CareLevel) -> Option<&LevelRule> {
        self.levels.iter().find(|rule| rule.level == level.number())
    }

    /// The level a score reaches: the highest whose start it is at or above.
    pub fn level_for(&self, score: u32) -> CareLevel {
        self.levels
            .iter()
            .filter(|rule| score >= rule.from_score)
            .filter_map(|rule| CareLevel::from_number(rule.level))
            .max()
            .unwrap_or(CareLevel::AutomatedAdvice)
    }
}
