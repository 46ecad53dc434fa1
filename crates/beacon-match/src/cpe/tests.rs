use super::*;
use AttributeRelation as A;

fn cpe(text: &str) -> Cpe {
    Cpe::parse(text).expect("a valid CPE")
}

fn attribute(text: &str) -> Attribute {
    cpe(&format!("cpe:2.3:a:{text}:p:*:*:*:*:*:*:*:*")).attributes[1].clone()
}

#[test]
fn attribute_relations_follow_nistir_7696_table() {
    let cases = [
        ("*", "*", A::Equal),
        ("*", "-", A::Superset),
        ("*", "microsoft", A::Superset),
        ("*", "mi*", A::Undefined),
        ("-", "*", A::Subset),
        ("-", "-", A::Equal),
        ("-", "microsoft", A::Disjoint),
        ("-", "mi*", A::Undefined),
        ("microsoft", "*", A::Subset),
        ("microsoft", "-", A::Disjoint),
        ("microsoft", "microsoft", A::Equal),
        ("microsoft", "Microsoft", A::Equal),
        ("microsoft", "apple", A::Disjoint),
        ("microsoft", "mi*", A::Undefined),
        ("mi*", "*", A::Subset),
        ("mi*", "-", A::Disjoint),
        ("mi*", "microsoft", A::Superset),
        ("mi*", "apple", A::Disjoint),
        ("mi*", "mi?", A::Undefined),
        ("*soft", "microsoft", A::Superset),
        ("??crosoft", "microsoft", A::Superset),
        ("?crosoft", "microsoft", A::Disjoint),
        ("microsof?", "microsoft", A::Superset),
        ("micro???", "microsoft", A::Disjoint),
        ("\\*", "\\*", A::Equal),
    ];
    for (source, target, expected) in cases {
        assert_eq!(
            compare_attributes(&attribute(source), &attribute(target)),
            expected,
            "{source} vs {target}"
        );
    }
}

#[test]
fn names_compare_as_a_whole() {
    let source = cpe("cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*");
    let target = cpe("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*");
    assert_eq!(compare_names(&source, &target), NameRelation::Superset);
    assert_eq!(compare_names(&target, &source), NameRelation::Subset);
    assert_eq!(compare_names(&target, &target), NameRelation::Equal);
    assert!(source.matches(&target) && !target.matches(&source) && target.matches(&target));
    let other = cpe("cpe:2.3:a:fortinet:fortios:7.2.4:*:*:*:*:*:*:*");
    assert_eq!(compare_names(&source, &other), NameRelation::Disjoint);
    let mixed = cpe("cpe:2.3:o:fortinet:*:7.2.4:*:*:*:*:*:*:*");
    assert_eq!(
        compare_names(&mixed, &cpe("cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*")),
        NameRelation::Overlap
    );
    let wild_target = cpe("cpe:2.3:o:fortinet:forti*:*:*:*:*:*:*:*:*");
    assert_eq!(
        compare_names(&source, &wild_target),
        NameRelation::Undefined
    );
    let hardware = cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*");
    assert!(hardware.matches(&cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*")));
    assert!(!hardware.matches(&cpe("cpe:2.3:h:zyxel:atp100:1.0:*:*:*:*:*:*:*")));
}

#[test]
fn formatted_strings_round_trip() {
    for text in [
        "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_13:*:*:*:*:*:*",
        "cpe:2.3:a:admin_management_xtended_project:admin_management_xtended:0.8:*:*:*:*:wordpress:*:*other*",
        "cpe:2.3:a:?\\??:*:*:*:*:de:*:*:*:*",
        "cpe:2.3:a:???\\@\\\"???:*:*:*:*:de:*:*:*:*",
        "cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*",
    ] {
        assert_eq!(cpe(text).to_string(), text);
    }
    assert_eq!(
        cpe("cpe:2.3:a:Microsoft:Exchange_Server:*:*:*:*:*:*:*:*").to_string(),
        "cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*"
    );
}

#[test]
fn uris_bind_to_the_same_name() {
    assert_eq!(
        cpe("cpe:/o:redhat:rhel_aus:7.6::server").to_string(),
        "cpe:2.3:o:redhat:rhel_aus:7.6:*:server:*:*:*:*:*"
    );
    assert_eq!(
        cpe("cpe:/a:foo%21bar:baz:1.0::~~pro~wordpress~x64~").to_string(),
        "cpe:2.3:a:foo\\!bar:baz:1.0:*:*:*:pro:wordpress:x64:*"
    );
    assert_eq!(cpe("cpe:/a").to_string(), "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*");
}

#[test]
fn derived_cpes_quote_and_lower_case() {
    assert_eq!(
        derive_cpe("Fortinet", "FortiOS", Some("7.2.4")).as_deref(),
        Some("cpe:2.3:a:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")
    );
    assert_eq!(
        derive_cpe("Microsoft", "Exchange  Server", None).as_deref(),
        Some("cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*")
    );
    assert_eq!(
        derive_cpe("AT&T", "Util (x86)", Some("1.0")).as_deref(),
        Some("cpe:2.3:a:at\\&t:util_\\(x86\\):1.0:*:*:*:*:*:*:*")
    );
    assert_eq!(derive_cpe(" ", "x", None), None);
    assert_eq!(derive_cpe("Société", "x", None), None);
}
