//! Local issues (ransomware, courier fraud, romance fraud, sextortion) recognised by rules.
//!
//! The rules are data: a shipped default file that users can edit. A report has an issue
//! when its fraud type, one of its tags, or a keyword in its summary matches that
//! issue's rule.

use crate::text::fold;
use serde::{Deserialize, Serialize};

/// The rule for one local issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRule {
    /// The issue's name as stored and counted, e.g. `courier_fraud`.
    pub issue: String,
    /// Plain-words label for reports, e.g. "Courier fraud".
    pub label: String,
    /// Fraud types (codes, keys or names) that always mean this issue.
    #[serde(default)]
    pub fraud_types: Vec<String>,
    /// Tags that mean this issue.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Words or phrases that mean this issue when found in the summary (whole words,
    /// any case).
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// All rules, in the order issues are listed in reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalIssueRules {
    /// One rule per issue.
    #[serde(rename = "issue", default)]
    pub rules: Vec<IssueRule>,
}

impl LocalIssueRules {
    /// The issues a report has, in rule order.
    ///
    /// `fraud_type` is the stored key; `tags` are already lower case. For many reports,
    /// build an [`IssueMatcher`] once with [`LocalIssueRules::matcher`] instead.
    pub fn classify(
        &self,
        fraud_type: &str,
        tags: &[String],
        summary: Option<&str>,
    ) -> Vec<String> {
        self.matcher().classify(fraud_type, tags, summary)
    }

    /// Prepares the rules for matching many reports: names folded and keywords
    /// normalised once.
    pub fn matcher(&self) -> IssueMatcher {
        IssueMatcher {
            rules: self
                .rules
                .iter()
                .map(|rule| CompiledRule {
                    issue: rule.issue.clone(),
                    fraud_types: rule.fraud_types.iter().map(|t| fold(t)).collect(),
                    tags: rule.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
                    keywords: rule
                        .keywords
                        .iter()
                        .map(|k| normalise_words(k))
                        .filter(|k| k.trim() != "")
                        .collect(),
                })
                .collect(),
        }
    }

    /// The label of an issue, or the issue name if no rule has it.
    pub fn label<'a>(&'a self, issue: &'a str) -> &'a str {
        self.rules
            .iter()
            .find(|rule| rule.issue == issue)
            .map_or(issue, |rule| rule.label.as_str())
    }
}

/// Rules prepared for matching: see [`LocalIssueRules::matcher`].
#[derive(Debug, Clone)]
pub struct IssueMatcher {
    rules: Vec<CompiledRule>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    issue: String,
    fraud_types: Vec<String>,
    tags: Vec<String>,
    /// Each keyword as ` word word ` (lower case, single spaces, padded).
    keywords: Vec<String>,
}

impl IssueMatcher {
    /// The issues a report has, in rule order.
    pub fn classify(
        &self,
        fraud_type: &str,
        tags: &[String],
        summary: Option<&str>,
    ) -> Vec<String> {
        let folded_type = fold(fraud_type);
        // The summary is normalised once, and only if some rule needs it.
        let mut summary_words: Option<String> = None;
        let mut issues = Vec::new();
        for rule in &self.rules {
            let matched = rule.fraud_types.contains(&folded_type)
                || rule
                    .tags
                    .iter()
                    .any(|tag| tags.iter().any(|given| given == tag))
                || (!rule.keywords.is_empty()
                    && summary.is_some_and(|text| {
                        let words = summary_words.get_or_insert_with(|| normalise_words(text));
                        rule.keywords
                            .iter()
                            .any(|keyword| words.contains(keyword.as_str()))
                    }));
            if matched {
                issues.push(rule.issue.clone());
            }
        }
        issues
    }
}

/// Text as ` word word word `: lower case, words of letters and digits separated by
/// single spaces, padded so a phrase search with padding matches whole words only.
fn normalise_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for c in text.chars() {
        if c.is_ascii() {
            // Fast path for the common case: plain ASCII text.
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
                last_space = false;
            } else if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if !last_space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> LocalIssueRules {
        LocalIssueRules {
            rules: vec![
                IssueRule {
                    issue: "courier_fraud".into(),
                    label: "Courier fraud".into(),
                    fraud_types: vec![],
                    tags: vec!["courier".into()],
                    keywords: vec!["courier".into(), "bank card collected".into()],
                },
                IssueRule {
                    issue: "romance_fraud".into(),
                    label: "Romance fraud".into(),
                    fraud_types: vec!["Dating scam".into()],
                    tags: vec![],
                    keywords: vec![],
                },
            ],
        }
    }

    #[test]
    fn matches_by_type_tag_or_keyword() {
        let rules = rules();
        assert_eq!(
            rules.classify("dating-scam", &[], None),
            vec!["romance_fraud"]
        );
        assert_eq!(
            rules.classify("NFIB90", &["courier".into()], None),
            vec!["courier_fraud"]
        );
        assert_eq!(
            rules.classify("NFIB90", &[], Some("Her bank card collected by a man.")),
            vec!["courier_fraud"]
        );
        assert!(rules.classify("NFIB90", &[], Some("couriers")).is_empty());
    }
}
