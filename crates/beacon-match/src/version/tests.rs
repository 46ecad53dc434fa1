use super::{Scheme, compare};
use std::cmp::Ordering::{self, *};

fn check(scheme: Scheme, pairs: &[(&str, &str, Ordering)]) {
    for (a, b, expected) in pairs {
        assert_eq!(
            compare(scheme, a, b),
            Some(*expected),
            "{scheme:?}: {a} vs {b}"
        );
        assert_eq!(
            compare(scheme, b, a),
            Some(expected.reverse()),
            "{scheme:?}: {b} vs {a}"
        );
    }
}

#[test]
fn generic_versions_compare_numbers_as_numbers() {
    check(
        Scheme::Generic,
        &[
            ("4.60", "5.36", Less),
            ("10.0.2", "9.9", Greater),
            ("7.2.4", "7.2.10", Less),
            ("7.2.4", "7.2.4", Equal),
            ("1.0", "1.0.0", Equal),
            ("1.0.2g", "1.0.2", Greater),
            ("1.0.2g", "1.0.2h", Less),
            ("1.0-rc1", "1.0", Less),
            ("2.0-beta", "2.0-rc1", Less),
            ("5.36", "5.36.1", Less),
            ("R2", "R10", Less),
            ("2019", "2016", Greater),
        ],
    );
    assert_eq!(compare(Scheme::Generic, "latest", "1.0"), None);
    assert_eq!(compare(Scheme::Generic, "", "1.0"), None);
}

#[test]
fn semver_follows_precedence_and_falls_back() {
    check(
        Scheme::Semver,
        &[
            ("1.0.0-alpha", "1.0.0-alpha.1", Less),
            ("1.0.0-alpha.1", "1.0.0-alpha.beta", Less),
            ("1.0.0-beta.2", "1.0.0-beta.11", Less),
            ("1.0.0-rc.1", "1.0.0", Less),
            ("1.0.0+build.1", "1.0.0+build.2", Equal),
            ("v1.2.3", "1.2.4", Less),
            ("4.17.20", "4.17.21", Less),
            ("1.2", "1.10", Less),
            ("2.0.0.1", "2.0.0", Greater),
        ],
    );
}

#[test]
fn pypi_orders_pre_post_and_dev_releases() {
    let ordered = [
        "1.0.dev0",
        "1.0a1",
        "1.0a2.dev1",
        "1.0a2",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0.post1.dev0",
        "1.0.post1",
        "1.0.post1+local.7",
        "1.1",
        "1!0.1",
    ];
    for pair in ordered.windows(2) {
        assert_eq!(
            compare(Scheme::Pypi, pair[0], pair[1]),
            Some(Less),
            "{pair:?}"
        );
    }
    check(
        Scheme::Pypi,
        &[
            ("1.0", "1.0.0", Equal),
            ("1.0-alpha1", "1.0a1", Equal),
            ("1.0c1", "1.0rc1", Equal),
            ("1.0-1", "1.0.post1", Equal),
            ("V2.0", "2.0", Equal),
        ],
    );
    assert_eq!(compare(Scheme::Pypi, "not a version", "1.0"), None);
}

#[test]
fn maven_orders_qualifiers_as_comparable_version_does() {
    let ordered = [
        "1.0-alpha-1",
        "1.0-alpha-2",
        "1.0-beta",
        "1.0-milestone-1",
        "1.0-rc1",
        "1.0-SNAPSHOT",
        "1.0",
        "1.0-sp1",
        "1.0-foo",
        "1.0.1",
        "1.1",
    ];
    for pair in ordered.windows(2) {
        assert_eq!(
            compare(Scheme::Maven, pair[0], pair[1]),
            Some(Less),
            "{pair:?}"
        );
    }
    check(
        Scheme::Maven,
        &[
            ("1.0", "1", Equal),
            ("1.0.0", "1", Equal),
            ("1-ga", "1", Equal),
            ("1-final", "1", Equal),
            ("1.0a1", "1.0-alpha-1", Equal),
            ("1-cr1", "1-rc1", Equal),
            ("2.0.1", "2.0.1-xyz", Less),
            ("1.0.0.x1", "1.0.0-x2", Less),
            ("2.17.1", "2.17.0", Greater),
        ],
    );
}

#[test]
fn debian_orders_epochs_tildes_and_revisions() {
    check(
        Scheme::Debian,
        &[
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0", "1.0+b1", Less),
            ("1:1.0", "2.0", Greater),
            ("2.4.47-2", "2.4.47-2+b1", Less),
            ("7.50.3-1", "7.50.3-1", Equal),
            ("1.0-1", "1.0-10", Less),
            ("1.0a", "1.0+", Less),
        ],
    );
    assert_eq!(compare(Scheme::Debian, "x:1.0", "1.0"), None);
}

#[test]
fn rpm_orders_epochs_tildes_and_carets() {
    check(
        Scheme::Rpm,
        &[
            ("1.0~rc1", "1.0", Less),
            ("1.0^git1", "1.0", Greater),
            ("1.0^git1", "1.0.1", Less),
            ("1:1.0", "2.0", Greater),
            ("7.50.3-1.fc25", "7.50.3-2.fc25", Less),
            ("1.0a", "1.0.1", Less),
            ("1.0", "1.0-5", Equal),
            ("2.4.10", "2.4.9", Greater),
        ],
    );
}
