//! What a summary needs: the facts of a period and the 12 months before it, with the
//! reference data that names them. The application layer loads them from a store
//! (`beacon_app::period::load_period_facts`); the CLI and the web application both
//! summarise through here, so their figures cannot differ.

use crate::summary::{StatsContext, Summary, summarise_with_candidates};
use crate::{SpikeRule, history_start, repeat_candidates};
use beacon_core::{DistrictCode, Districts, FactSet, LocalIssueRules, Period, Taxonomy};
use time::Date;

/// The facts of a period (reaching back 12 months) and their reference data.
#[derive(Debug, Clone)]
pub struct PeriodFacts {
    /// The period summarised.
    pub period: Period,
    /// Facts from [`history_start`] of the period to its end.
    pub facts: FactSet,
    /// Which facts may share a victim (found once, reused by every summary).
    pub may_repeat: Vec<bool>,
    /// The area's districts.
    pub districts: Districts,
    /// Fraud types.
    pub taxonomy: Taxonomy,
    /// The first stored report's date (spikes need a full baseline).
    pub first_report: Option<Date>,
}

impl PeriodFacts {
    /// A period's facts from the facts stored from [`history_start`] of the period to its
    /// end, with the reference data that names them; finds which facts may share a victim.
    pub fn new(
        period: Period,
        facts: FactSet,
        districts: Districts,
        taxonomy: Taxonomy,
        first_report: Option<Date>,
    ) -> PeriodFacts {
        let may_repeat = repeat_candidates(&facts.facts);
        PeriodFacts {
            period,
            facts,
            may_repeat,
            districts,
            taxonomy,
            first_report,
        }
    }

    /// The span of facts a summary of `period` needs: from [`history_start`] of the period
    /// to its end (year-on-year change and spike baselines reach back 12 months).
    pub fn history(period: Period) -> Period {
        Period::new(history_start(period.from), period.to).unwrap_or(period)
    }

    /// The area's summary.
    pub fn summary(&self, rules: &LocalIssueRules) -> Summary {
        let context = StatsContext {
            districts: &self.districts,
            taxonomy: &self.taxonomy,
            rules,
            first_report: self.first_report,
            spike_rule: SpikeRule::default(),
        };
        summarise_with_candidates(&self.facts, &self.may_repeat, self.period, &context)
    }

    /// One district's summary, as if the district were the whole area (its own
    /// population, months, types, issues and spikes). `None` for an unknown code.
    pub fn district_summary(
        &self,
        code: &DistrictCode,
        rules: &LocalIssueRules,
    ) -> Option<Summary> {
        let district = self.districts.get(code)?.clone();
        let index = self.facts.districts.iter().position(|d| d == code);
        let mut facts = FactSet {
            districts: self.facts.districts.clone(),
            fraud_types: self.facts.fraud_types.clone(),
            issues: self.facts.issues.clone(),
            facts: Vec::new(),
        };
        let mut may_repeat = Vec::new();
        if let Some(index) = index.and_then(|i| u16::try_from(i).ok()) {
            for (fact, repeat) in self.facts.facts.iter().zip(&self.may_repeat) {
                if fact.district == Some(index) {
                    facts.facts.push(*fact);
                    may_repeat.push(*repeat);
                }
            }
        }
        let districts = Districts {
            area_name: district.name.clone(),
            list: vec![district],
        };
        let context = StatsContext {
            districts: &districts,
            taxonomy: &self.taxonomy,
            rules,
            first_report: self.first_report,
            spike_rule: SpikeRule::default(),
        };
        Some(summarise_with_candidates(
            &facts,
            &may_repeat,
            self.period,
            &context,
        ))
    }
}
