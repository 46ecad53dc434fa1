//! Fuzz target: product names and versions as partners and advisories write them. A CPE
//! that parses writes back to a string that parses to the same name and (without
//! wildcards) matches itself; a
//! purl that parses writes back to one that parses again to the same package; `vers`
//! ranges and version comparisons never panic, and comparing two versions one way is the
//! reverse of comparing them the other way.
#![no_main]

use beacon_match::cpe::Cpe;
use beacon_match::purl::Purl;
use beacon_match::vers::VersRange;
use beacon_match::version::{Scheme, compare};
use libfuzzer_sys::fuzz_target;

const SCHEMES: [Scheme; 6] = [
    Scheme::Semver,
    Scheme::Pypi,
    Scheme::Maven,
    Scheme::Debian,
    Scheme::Rpm,
    Scheme::Generic,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for candidate in [
        text.to_owned(),
        format!("cpe:2.3:{text}"),
        format!("cpe:2.3:a:vendor:product:{text}:*:*:*:*:*:*:*"),
    ] {
        if let Ok(cpe) = Cpe::parse(&candidate) {
            let written = cpe.to_string();
            let again = Cpe::parse(&written).expect("a written CPE parses");
            assert_eq!(again, cpe, "{candidate} → {written}");
            // NISTIR 7696 leaves a target with wildcards undefined; without any, a name
            // matches itself.
            if !cpe.attributes.iter().any(|a| a.has_wildcards()) {
                assert!(cpe.matches(&cpe), "{written} matches itself");
            }
        }
    }
    for candidate in [text.to_owned(), format!("pkg:{text}"), format!("pkg:npm/{text}")] {
        if let Ok(purl) = Purl::parse_lenient(&candidate) {
            let written = purl.to_string();
            let again = Purl::parse_lenient(&written).expect("a written purl parses");
            assert_eq!(again.package_key(), purl.package_key(), "{candidate} → {written}");
        }
    }
    let (left, right) = text.split_once('|').unwrap_or((text, "1.0"));
    for scheme in SCHEMES {
        let forward = compare(scheme, left, right);
        let backward = compare(scheme, right, left);
        assert_eq!(
            forward,
            backward.map(std::cmp::Ordering::reverse),
            "{scheme:?}: {left} vs {right}"
        );
    }
    if let Ok(range) = VersRange::parse(&format!("vers:generic/{left}")) {
        let _ = range.contains(right);
    }
    if let Ok(range) = VersRange::parse(text) {
        let _ = range.contains("1.2.3");
    }
});
