//! The purl parser and builder against every vector in
//! `shared/data/external/advisories/purl/*.json` (the purl-spec test suite): `parse`,
//! `build` and `validate`/`roundtrip` tests, failures included. Required tests use the
//! strict parser; recommended ones (which show how to normalise) the lenient one.
//!
//! One required vector contradicts another: `maven-test.json` expects
//! `pkg:Maven/…?type=pom&repositorY_url=…` (a qualifier key not in lower case) to parse,
//! while `rpm-test.json` expects `…?Arch=i386&Distro=fedora-25` to fail "as qualifier
//! keys are not in lowercase". The purl-spec maintainers ruled for the strict reading
//! (ECMA-427's "shall", purl-spec issue 942 and the fixes to the rpm and gem suites),
//! so the strict parser follows it, and that maven vector is checked against the
//! lenient parser instead, named below.

use beacon_match::Purl;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const CONTRADICTED: &str = "pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom&repositorY_url=repo.spring.io/release";

fn text(value: &Value) -> Option<&str> {
    value.as_str()
}

fn components(purl: &Purl) -> Value {
    let qualifiers = if purl.qualifiers.is_empty() {
        Value::Null
    } else {
        serde_json::to_value(&purl.qualifiers).expect("a map of strings")
    };
    serde_json::json!({
        "type": purl.ty,
        "namespace": purl.namespace,
        "name": purl.name,
        "version": purl.version,
        "qualifiers": qualifiers,
        "subpath": purl.subpath,
    })
}

fn build(input: &Value) -> Result<Purl, String> {
    let qualifiers: BTreeMap<String, String> = input["qualifiers"]
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Purl::build(
        text(&input["type"]).ok_or("no type")?,
        text(&input["namespace"]),
        text(&input["name"]).ok_or("no name")?,
        text(&input["version"]),
        &qualifiers,
        text(&input["subpath"]),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn every_purl_spec_vector_passes() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external/advisories/purl");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the purl vectors are missing");
    let (mut run, mut failures) = (0, Vec::new());
    for file in files {
        let suite: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
        for test in suite["tests"].as_array().expect("a test list") {
            run += 1;
            let group = test["test_group"].as_str().unwrap_or("required");
            let kind = test["test_type"].as_str().unwrap_or("");
            let input = &test["input"];
            let expected = &test["expected_output"];
            let should_fail = test["expected_failure"].as_bool().unwrap_or(false);
            let strict = group == "required" && input.as_str() != Some(CONTRADICTED);
            let parse = |text: &str| {
                if strict {
                    Purl::parse(text)
                } else {
                    Purl::parse_lenient(text)
                }
                .map_err(|e| e.to_string())
            };
            let outcome: Result<Value, String> = match kind {
                "parse" => parse(input.as_str().unwrap_or_default()).map(|p| components(&p)),
                "validate" | "roundtrip" => {
                    parse(input.as_str().unwrap_or_default()).map(|p| Value::String(p.to_string()))
                }
                "build" => build(input).map(|p| Value::String(p.to_string())),
                other => Err(format!("unknown test type {other}")),
            };
            let passed = match (&outcome, should_fail) {
                (Err(_), true) => true,
                (Ok(got), false) => got == expected,
                _ => false,
            };
            if !passed {
                failures.push(format!(
                    "{} {group} {kind} {input}: got {outcome:?}, expected {expected}",
                    file.display()
                ));
            }
        }
    }
    assert!(run >= 143, "only {run} vectors");
    assert!(
        failures.is_empty(),
        "{} of {run} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_strict_parser_refuses_upper_case_qualifier_keys() {
    assert!(Purl::parse(CONTRADICTED).is_err());
    assert_eq!(
        Purl::parse_lenient(CONTRADICTED).map(|p| p.to_string()),
        Ok("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?repository_url=repo.spring.io%2Frelease&type=pom".into())
    );
}

#[test]
fn package_keys_fold_case_where_the_registry_does() {
    let npm = Purl::parse("pkg:npm/%40Angular/Core@12.0.0").expect("valid");
    assert_eq!(
        npm.package_key(),
        ("npm".into(), "@angular".into(), "core".into())
    );
    let maven = Purl::parse("pkg:maven/HTTPClient/HTTPClient@0.3-3").expect("valid");
    assert_eq!(
        maven.package_key(),
        ("maven".into(), "HTTPClient".into(), "HTTPClient".into())
    );
    let pypi = Purl::parse("pkg:pypi/Django_Rest@3.0").expect("valid");
    assert_eq!(pypi.package_key().2, "django-rest");
}
