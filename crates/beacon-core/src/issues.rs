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
    /// `fraud_type` is the stored key; `tags` are already lower case.
    pub fn classify(
        &self,
        fraud_type: &str,
        tags: &[String],
        summary: Option<&str>,
    ) -> Vec<String> {
        let folded_type = fold(fraud_type);
        let summary_words = summary.map(words);
        self.rules
            .iter()
            .filter(|rule| {
                rule.fraud_types.iter().any(|t| fold(t) == folded_type)
                    || rule
                        .tags
                        .iter()
                        .any(|tag| tags.iter().any(|given| given.eq_ignore_ascii_case(tag)))
                    || summary_words.as_ref().is_some_and(|summary_words| {
                        rule.keywords
                            .iter()
                            .any(|keyword| contains_phrase(summary_words, &words(keyword)))
                    })
            })
            .map(|rule| rule.issue.clone())
            .collect()
    }

    /// The label of an issue, or the issue name if no rule has it.
    pub fn label<'a>(&'a self, issue: &'a str) -> &'a str {
        self.rules
            .iter()
            .find(|rule| rule.issue == issue)
            .map_or(issue, |rule| rule.label.as_str())
    }
}

/// Lower-case words of a text, split on anything that is not a letter or digit.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `phrase` occurs as consecutive whole words in `haystack`.
fn contains_phrase(haystack: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty()
        && haystack
            .windows(phrase.len())
            .any(|window| window == phrase)
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
