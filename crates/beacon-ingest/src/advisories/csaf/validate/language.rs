//! 6.1.12 Language: `/document/lang` and `/document/source_lang` are valid BCP 47
//! language tags whose subtags exist.
//!
//! Approximated: the IANA language subtag registry (some 8,000 entries) is not shipped.
//! The tag's structure is checked in full (RFC 5646: language, extended language, script,
//! region, variants, extensions, private use, and the grandfathered tags' `i-` form), and
//! a two-letter primary language must be an ISO 639-1 code (which catches region codes
//! such as `EZ` used as languages); three-letter languages, scripts, regions and variants
//! are only checked for their form.

use super::{Failures, string};
use serde_json::Value;

/// ISO 639-1 codes, and the deprecated two-letter codes the registry still lists.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy \
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik \
in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml \
mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh \
si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo \
za zh zu";

/// Runs 6.1.12.
pub(super) fn check(document: &Value, failures: &mut Failures) {
    for key in ["lang", "source_lang"] {
        if let Some(tag) = document.get("document").and_then(|d| string(d, key))
            && let Err(reason) = check_tag(tag)
        {
            failures.add("6.1.12", format!("/document/{key}"), reason);
        }
    }
}

/// Why a language tag is not valid, if it is not.
fn check_tag(tag: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("'{tag}' is not a valid language tag: {why}"));
    let lower = tag.to_ascii_lowercase();
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return refuse("each subtag is 1 to 8 letters or digits, separated by '-'");
    }
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digit = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut rest = subtags.as_slice();
    match rest {
        ["x", tail @ ..] => {
            return if tail.is_empty() {
                refuse("private use needs a subtag")
            } else {
                Ok(())
            };
        }
        ["i", _] => return Ok(()),
        [language, tail @ ..]
            if alpha(language) && (2..=8).contains(&language.len()) && language.len() != 4 =>
        {
            if language.len() == 2 && !ISO_639_1.split(' ').any(|code| code == *language) {
                return refuse(&format!("'{}' is not an ISO 639 language", &tag[..2]));
            }
            rest = tail;
        }
        _ => return refuse("it must start with a language of 2, 3 or 5 to 8 letters"),
    }
    // Up to three extended language subtags follow a two- or three-letter language.
    let mut extlangs = 0;
    while let [s, tail @ ..] = rest {
        if extlangs < 3 && s.len() == 3 && alpha(s) {
            extlangs += 1;
            rest = tail;
        } else {
            break;
        }
    }
    if let [s, tail @ ..] = rest
        && s.len() == 4
        && alpha(s)
    {
        rest = tail;
    }
    if let [s, tail @ ..] = rest
        && ((s.len() == 2 && alpha(s)) || (s.len() == 3 && digit(s)))
    {
        rest = tail;
    }
    while let [s, tail @ ..] = rest {
        let variant =
            (5..=8).contains(&s.len()) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit());
        if !variant {
            break;
        }
        rest = tail;
    }
    while let [singleton, tail @ ..] = rest {
        if singleton.len() != 1 {
            return refuse(&format!("'{singleton}' is out of place"));
        }
        if *singleton == "x" {
            return if tail.is_empty() {
                refuse("private use needs a subtag")
            } else {
                Ok(())
            };
        }
        let taken = tail.iter().take_while(|s| s.len() >= 2).count();
        if taken == 0 {
            return refuse("an extension needs a subtag of 2 to 8 characters");
        }
        rest = &tail[taken..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed};
    use super::check_tag;
    use serde_json::json;

    #[test]
    fn test_6_1_12_language() {
        assert_eq!(
            failed(&document(json!({"lang": "EZ"}), json!({}))),
            ["6.1.12"]
        );
        assert!(failed(&document(json!({"lang": "en-US"}), json!({}))).is_empty());
        for good in [
            "de",
            "en-GB",
            "zh-Hant-TW",
            "sl-rozaj-biske",
            "gsw",
            "de-CH-1901",
            "en-a-bbb-x-ccc",
            "x-private",
            "es-419",
        ] {
            assert!(check_tag(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "e",
            "abcd",
            "en--US",
            "en-US-",
            "qq",
            "en-a",
            "toolongtag1",
        ] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
    }
}
