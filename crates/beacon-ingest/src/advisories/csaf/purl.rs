//! Just enough of the package URL specification to tell a valid purl from an invalid one
//! (CSAF test 6.1.13). Beacon's matching has its own full purl support; this stays small
//! and private so the validator does not depend on it.
//!
//! Checked: the `pkg:` scheme, a type of ASCII letters, digits, `.`, `+` or `-` not
//! starting with a digit, a non-empty name, correct percent-encoding in every component,
//! qualifier keys of the allowed characters, each given once, and the namespace some
//! types require (maven, and the types whose spec says so).

/// Types whose purls must have a namespace.
const NAMESPACE_REQUIRED: [&str; 6] = [
    "maven",
    "composer",
    "github",
    "bitbucket",
    "swift",
    "golang",
];

/// Why a purl is not valid, if it is not.
pub(crate) fn check(purl: &str) -> Result<(), String> {
    let (scheme, rest) = purl.split_once(':').ok_or("it has no 'pkg:' scheme")?;
    if !scheme.eq_ignore_ascii_case("pkg") {
        return Err(format!("its scheme is '{scheme}', not 'pkg'"));
    }
    let (rest, subpath) = split_last(rest, '#');
    let (rest, qualifiers) = split_last(rest, '?');
    let rest = rest.trim_start_matches('/');
    let (kind, remainder) = rest.split_once('/').ok_or("it has no type and name")?;
    let valid_type = !kind.is_empty()
        && !kind.as_bytes()[0].is_ascii_digit()
        && kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'));
    if !valid_type {
        return Err(format!("'{kind}' is not a package type"));
    }
    let remainder = remainder.trim_end_matches('/');
    let (path, version) = match remainder.rfind('@') {
        Some(at) => (&remainder[..at], Some(&remainder[at + 1..])),
        None => (remainder, None),
    };
    let (namespace, name) = match path.rfind('/') {
        Some(slash) => (Some(&path[..slash]), &path[slash + 1..]),
        None => (None, path),
    };
    if decode(name)?.is_empty() {
        return Err("it has no name".to_owned());
    }
    if let Some(namespace) = namespace {
        for segment in namespace.split('/').filter(|s| !s.is_empty()) {
            decode(segment)?;
        }
    } else if NAMESPACE_REQUIRED.contains(&kind.to_ascii_lowercase().as_str()) {
        return Err(format!("a {kind} purl needs a namespace"));
    }
    if let Some(version) = version {
        decode(version)?;
    }
    if let Some(qualifiers) = qualifiers {
        let mut keys: Vec<String> = Vec::new();
        for pair in qualifiers.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("the qualifier '{pair}' has no '='"))?;
            let key = key.to_ascii_lowercase();
            let valid_key = !key.is_empty()
                && !key.as_bytes()[0].is_ascii_digit()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
            if !valid_key {
                return Err(format!("'{key}' is not a qualifier key"));
            }
            if keys.contains(&key) {
                return Err(format!("the qualifier '{key}' is given twice"));
            }
            decode(value)?;
            keys.push(key);
        }
    }
    if let Some(subpath) = subpath {
        for segment in subpath.split('/') {
            decode(segment)?;
        }
    }
    Ok(())
}

/// Splits at the last `separator`: (before, after).
fn split_last(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.rfind(separator) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

/// Percent-decodes a component, refusing a `%` not followed by two hex digits.
fn decode(component: &str) -> Result<String, String> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes
                .get(index + 1..index + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("'{component}' has a '%' that is not a percent-encoding"))?;
            out.push(hex);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("'{component}' does not decode to UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn valid_and_invalid_purls() {
        for good in [
            "pkg:npm/%40angular/animation@12.3.1",
            "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?packaging=sources",
            "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
            "pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs",
            "pkg:generic/openssl@1.1.10g",
            "pkg:pypi/django@1.11.1",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
        for bad in [
            "pkg:maven/@1.3.4",
            "npm/lodash",
            "pkg:npm",
            "pkg:1npm/x",
            "pkg:npm/x@1%zz",
            "pkg:maven/batik-anim@1.9.1",
            "pkg:npm/x?a=1&a=2",
            "pkg:npm/x?9a=1",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
