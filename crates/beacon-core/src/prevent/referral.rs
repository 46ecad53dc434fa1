//! What a referral says about the person and the concern: fixed lists, so referrals
//! count alike whoever recorded them, and nothing that names anyone.

use serde::Serialize;

/// Who made the referral.
pub const REFERRERS: [(&str, &str); 7] = [
    ("school", "School"),
    ("college_or_university", "College or university"),
    ("parent_or_carer", "Parent or carer"),
    ("police", "Police"),
    ("youth_justice", "Youth justice service"),
    ("social_care", "Social care"),
    ("other", "Other"),
];

/// The person's age band when referred.
pub const AGE_BANDS: [(&str, &str); 5] = [
    ("under_13", "Under 13"),
    ("13_15", "13 to 15"),
    ("16_17", "16 to 17"),
    ("18_24", "18 to 24"),
    ("25_plus", "25 or over"),
];

/// What the referral is about.
pub const CONCERNS: [(&str, &str); 6] = [
    ("account_access", "Getting into other people's accounts"),
    ("ddos", "Booter or DDoS services"),
    ("malware", "Making or using malware"),
    ("game_cheats", "Cheats or mods that break the law"),
    ("data_theft", "Stealing or selling data"),
    ("other", "Other computer misuse"),
];

/// The label of `value` in `values`, or the value itself when it is not one of them.
pub fn label_of<'a>(values: &'a [(&'a str, &'a str)], value: &'a str) -> &'a str {
    values
        .iter()
        .find(|(key, _)| *key == value)
        .map_or(value, |(_, label)| label)
}

/// A referral's details, as recorded with its anonymised summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralDetails {
    /// One of [`REFERRERS`].
    pub referrer: String,
    /// One of [`AGE_BANDS`].
    pub age_band: String,
    /// The district's code (checked against the area's districts by the caller).
    pub district: String,
    /// One of [`CONCERNS`].
    pub concern: String,
}

impl ReferralDetails {
    /// Each problem with the details, as `(field, message)` in the form's order.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        let mut check = |field, values: &[(&str, &str)], value: &str, what: &str| {
            if !values.iter().any(|(key, _)| *key == value) {
                problems.push((field, format!("Select {what}")));
            }
        };
        check(
            "referrer",
            &REFERRERS,
            &self.referrer,
            "who made the referral",
        );
        check("age_band", &AGE_BANDS, &self.age_band, "the person's age");
        check("concern", &CONCERNS, &self.concern, "what the concern is");
        if self.district.trim().is_empty() {
            problems.push(("district", "Select the district".into()));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_name_each_missing_answer() {
        let details = ReferralDetails {
            referrer: "school".into(),
            age_band: "".into(),
            district: " ".into(),
            concern: "hacking".into(),
        };
        let fields: Vec<&str> = details.problems().iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["age_band", "concern", "district"]);
        assert_eq!(label_of(&CONCERNS, "ddos"), "Booter or DDoS services");
        assert_eq!(label_of(&CONCERNS, "unknown"), "unknown");
    }
}
