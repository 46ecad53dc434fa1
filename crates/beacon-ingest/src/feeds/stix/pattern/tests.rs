//! The parser, the printer and the tree walks, on examples and on arbitrary input.

use super::*;
use proptest::prelude::*;

fn parsed(text: &str) -> Pattern {
    parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

#[test]
fn precedence_follows_the_grammar() {
    // AND binds tighter than OR, which binds tighter than FOLLOWEDBY.
    let pattern = parsed("[a:b = 1] OR [a:b = 2] AND [a:b = 3] FOLLOWEDBY [a:b = 4]");
    let ObservationExpression::FollowedBy(parts) = &pattern.expression else {
        panic!("{pattern:?}");
    };
    assert!(
        matches!(&parts[0], ObservationExpression::Or(or) if matches!(or[1], ObservationExpression::And(_)))
    );
    // Qualifiers bind to the observation just before them.
    let pattern = parsed("[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS");
    let ObservationExpression::And(parts) = &pattern.expression else {
        panic!("{pattern:?}");
    };
    assert!(
        matches!(&parts[1], ObservationExpression::Qualified(_, Qualifier::Within(seconds)) if *seconds == 5.0)
    );
    let pattern = parsed("[a:b = 1 OR a:b = 2 AND a:c = 3]");
    let ObservationExpression::Observation(ComparisonExpression::Or(parts)) = &pattern.expression
    else {
        panic!("{pattern:?}");
    };
    assert!(matches!(parts[1], ComparisonExpression::And(_)));
}

#[test]
fn literals_keep_their_values() {
    let pattern = parsed(
        "[x:y IN ('it\\'s \\\\ here', -12, +3, -.5, true, false, h'00Ff', b'AQIDBA==', t'2016-02-29T23:59:60.123Z')]",
    );
    let comparisons = pattern.comparisons();
    let Operator::In(values) = &comparisons[0].operator else {
        panic!("{pattern:?}");
    };
    assert_eq!(
        values,
        &vec![
            Literal::String("it's \\ here".into()),
            Literal::Integer(-12),
            Literal::Integer(3),
            Literal::Float(-0.5),
            Literal::Boolean(true),
            Literal::Boolean(false),
            Literal::Hex(vec![0x00, 0xff]),
            Literal::Binary("AQIDBA==".into()),
            Literal::Timestamp("2016-02-29T23:59:60.123Z".into()),
        ]
    );
}

#[test]
fn object_paths_keep_keys_and_indexes() {
    let pattern = parsed("[file:extensions.'windows-pebinary-ext'.sections[-1].x[*] = 1]");
    let path = &pattern.comparisons()[0].path;
    assert_eq!(path.object_type, "file");
    assert_eq!(path.property, "extensions");
    assert_eq!(
        path.steps,
        vec![
            PathStep::Key("windows-pebinary-ext".into()),
            PathStep::Key("sections".into()),
            PathStep::Index(-1),
            PathStep::Key("x".into()),
            PathStep::AnyIndex,
        ]
    );
    let exists = parsed("[NOT EXISTS windows-registry-key:values]");
    let comparison = exists.comparisons()[0];
    assert!(comparison.negated);
    assert_eq!(comparison.operator, Operator::Exists);
}

#[test]
fn keywords_need_a_boundary_and_identifiers_cannot_be_keywords() {
    // "ORx" is not OR; "INDEX" is an identifier, not IN.
    assert!(parse("[a:b = 1] ORx [a:b = 2]").is_err());
    assert!(parse("[a:INDEX = 1]").is_ok());
    assert!(parse("[a:IN = 1]").is_err());
    assert!(parse("[a:b = truely]").is_err());
    // MATCHES may touch its string, as in the specification's own example.
    assert!(parse("[a:b MATCHES'^x$']").is_ok());
}

fn refusal(text: &str) -> String {
    parse(text)
        .expect_err(&format!("{text} should be refused"))
        .to_string()
}

#[test]
fn a_repeated_qualifier_on_one_observation_is_refused() {
    for (text, kind) in [
        (
            "[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
            "WITHIN",
        ),
        (
            "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES REPEATS 3 TIMES",
            "REPEATS",
        ),
        (
            "[ipv4-addr:value = '198.51.100.1'] START t'2016-06-01T00:00:00Z' STOP \
             t'2016-07-01T00:00:00Z' START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
            "START … STOP",
        ),
    ] {
        let message = refusal(text);
        assert!(
            message.contains(&format!("a second {kind} qualifier")),
            "{text}: {message}"
        );
    }
    // Different kinds, or a qualifier on a parenthesised group, are fine.
    parse("[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES WITHIN 5 SECONDS")
        .expect("two kinds");
    parse("([ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS) WITHIN 6 SECONDS")
        .expect("a group's qualifier");
}

#[test]
fn hash_comparisons_need_a_value_of_the_hashs_form() {
    let message = refusal("[file:hashes.'SHA-256' = 'f00']");
    assert!(
        message.contains("'f00' is not a valid SHA-256 hash (64 hexadecimal digits)"),
        "{message}"
    );
    let beside = refusal("[ipv4-addr:value = '198.51.100.1' AND file:hashes.MD5 = 'f00']");
    assert!(beside.contains("not a valid MD5 hash"), "{beside}");
    parse(
        "[file:hashes.'SHA-256' = \
         'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    )
    .expect("a real SHA-256");
    parse("[file:hashes.TLSH = 'f00']").expect("a hash the validator does not check");
    parse("[file:hashes[*] = 'f00']").expect("any hash");
}

#[test]
fn a_missing_qualifier_value_is_named() {
    let message = refusal("[ipv4-addr:value = '198.51.100.1'] WITHIN ]");
    assert!(!message.contains("closes nothing"), "{message}");
    assert!(
        message.contains("expected a number of seconds"),
        "{message}"
    );
}

#[test]
fn huge_numbers_are_refused_not_made_infinite() {
    let digits = "9".repeat(400);
    assert!(parse(&format!("[a:b = {digits}.0]")).is_err());
    assert!(parse(&format!("[a:b = 1] WITHIN {digits} SECONDS")).is_err());
    assert!(parse("[a:b = 1] REPEATS 99999999999999999999999 TIMES").is_err());
}

#[test]
fn floats_print_as_floats() {
    assert_eq!(Literal::Float(7.0).to_string(), "7.0");
    assert_eq!(Literal::Float(-0.25).to_string(), "-0.25");
    assert_eq!(Literal::Float(1e21).to_string(), "1000000000000000000000.0");
}

fn identifier() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
        .prop_filter("not a keyword", |name| !KEYWORDS.contains(&name.as_str()))
}

fn object_type() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,10}".prop_filter("not a keyword", |name| !KEYWORDS.contains(&name.as_str()))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![identifier(), "\\PC{0,8}"]
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        1000..=9999u16,
        1..=12u8,
        1..=28u8,
        0..=23u8,
        0..=59u8,
        0..=60u8,
        proptest::option::of("[0-9]{1,9}"),
    )
        .prop_map(|(year, month, day, hour, minute, second, fraction)| {
            let fraction = fraction
                .map(|digits| format!(".{digits}"))
                .unwrap_or_default();
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
        })
}

fn orderable() -> impl Strategy<Value = Literal> {
    prop_oneof![
        "\\PC{0,12}".prop_map(Literal::String),
        any::<i64>().prop_map(Literal::Integer),
        any::<f64>()
            .prop_filter("finite", |value| value.is_finite())
            .prop_map(Literal::Float),
        (
            "([A-Za-z0-9+/]{4}){0,3}",
            prop_oneof![
                "[A-Za-z0-9+/]{4}",
                "[A-Za-z0-9+/]{3}=",
                "[A-Za-z0-9+/]{2}=="
            ]
        )
            .prop_map(|(body, end)| Literal::Binary(format!("{body}{end}"))),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(Literal::Hex),
        timestamp().prop_map(Literal::Timestamp),
    ]
}

fn primitive() -> impl Strategy<Value = Literal> {
    prop_oneof![orderable(), any::<bool>().prop_map(Literal::Boolean)]
}

fn comparison() -> impl Strategy<Value = Comparison> {
    let path = (
        object_type(),
        key(),
        proptest::collection::vec(
            prop_oneof![
                key().prop_map(PathStep::Key),
                any::<i64>().prop_map(PathStep::Index),
                Just(PathStep::AnyIndex),
            ],
            0..3,
        ),
    )
        .prop_map(|(object_type, property, steps)| ObjectPath {
            object_type,
            property,
            steps,
        });
    let operator = prop_oneof![
        primitive().prop_map(Operator::Equal),
        primitive().prop_map(Operator::NotEqual),
        orderable().prop_map(Operator::Less),
        orderable().prop_map(Operator::LessOrEqual),
        orderable().prop_map(Operator::Greater),
        orderable().prop_map(Operator::GreaterOrEqual),
        proptest::collection::vec(primitive(), 0..4).prop_map(Operator::In),
        "\\PC{0,8}".prop_map(Operator::Like),
        "\\PC{0,8}".prop_map(Operator::Matches),
        "\\PC{0,8}".prop_map(Operator::IsSubset),
        "\\PC{0,8}".prop_map(Operator::IsSuperset),
        Just(Operator::Exists),
    ];
    (path, any::<bool>(), operator).prop_map(|(path, negated, operator)| Comparison {
        path,
        negated,
        operator,
    })
}

fn comparison_expression() -> impl Strategy<Value = ComparisonExpression> {
    comparison()
        .prop_map(ComparisonExpression::Comparison)
        .prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..4).prop_map(ComparisonExpression::And),
                proptest::collection::vec(inner, 2..4).prop_map(ComparisonExpression::Or),
            ]
        })
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    prop_oneof![
        (0.0..1e12f64).prop_map(Qualifier::Within),
        any::<u64>().prop_map(Qualifier::Repeats),
        (timestamp(), timestamp()).prop_map(|(start, stop)| Qualifier::StartStop { start, stop }),
    ]
}

fn observation_expression() -> impl Strategy<Value = ObservationExpression> {
    comparison_expression()
        .prop_map(ObservationExpression::Observation)
        .prop_recursive(3, 10, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..4).prop_map(ObservationExpression::And),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(ObservationExpression::Or),
                proptest::collection::vec(inner.clone(), 2..4)
                    .prop_map(ObservationExpression::FollowedBy),
                (inner, qualifier()).prop_map(|(inner, qualifier)| {
                    ObservationExpression::Qualified(Box::new(inner), qualifier)
                }),
            ]
        })
}

proptest! {
    #[test]
    fn every_tree_prints_as_a_pattern_that_parses_back_to_it(expression in observation_expression()) {
        let pattern = Pattern { expression };
        let printed = pattern.to_string();
        match parse(&printed) {
            Ok(again) => prop_assert_eq!(again, pattern, "{}", printed),
            Err(error) => prop_assert!(false, "{printed}\n{error}"),
        }
    }

    #[test]
    fn error_positions_lie_within_the_text(text in "\\PC{0,40}") {
        if let Err(error) = parse(&text) {
            prop_assert!(error.line >= 1 && error.column >= 1);
            prop_assert!(error.line <= text.lines().count().max(1));
            prop_assert!(!error.message.contains("internal error"), "{}", error.message);
        }
    }
}
