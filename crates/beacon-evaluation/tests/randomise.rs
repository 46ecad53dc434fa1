//! Randomisation and the balance table: reproducible for a seed, independent of input
//! order, balanced within strata, clusters kept whole, and a hand-worked balance table.

use beacon_evaluation::{
    Allocation, ArmSpec, Design, EvaluationError, StratumCounts, Unit, balance_table, randomise,
};

fn unit(id: u64, stratum: &str, cluster: &str) -> Unit {
    Unit {
        id,
        stratum: stratum.to_owned(),
        cluster: Some(cluster.to_owned()),
    }
}

fn two_arms() -> Vec<ArmSpec> {
    vec![ArmSpec::new("control", 1), ArmSpec::new("treatment", 1)]
}

/// 1,000 contacts in 6 strata of uneven sizes (some odd), in 40 wards, with scattered ids.
fn contacts() -> Vec<Unit> {
    let strata = [
        "E07000130|18-34",
        "E07000130|70+",
        "E07000131|18-34",
        "E07000131|70+",
        "E07000132|35-69",
        "E07000132|70+",
    ];
    (0..1_000u64)
        .map(|i| {
            let stratum = strata[((i * 7 + i / 3) % 6) as usize];
            let id = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 8;
            unit(id, stratum, &format!("ward-{:02}", (i * 13) % 40))
        })
        .collect()
}

/// The units' arms by id, which does not depend on the units' order.
fn arms_by_id(units: &[Unit], allocation: &Allocation) -> Vec<(u64, u32)> {
    let mut arms: Vec<(u64, u32)> = units
        .iter()
        .zip(&allocation.assignments)
        .map(|(unit, &arm)| (unit.id, arm))
        .collect();
    arms.sort_unstable();
    arms
}

#[test]
fn the_same_inputs_and_seed_give_the_same_allocation() {
    let units = contacts();
    for design in [Design::Individual, Design::Cluster] {
        let first = randomise(&units, &two_arms(), 2024, design).expect("valid");
        let second = randomise(&units, &two_arms(), 2024, design).expect("valid");
        assert_eq!(first, second);
        assert_eq!(first.seed, 2024);
        assert_eq!(first.design, design);
    }
}

#[test]
fn a_different_seed_gives_a_different_allocation() {
    let units = contacts();
    for design in [Design::Individual, Design::Cluster] {
        let first = randomise(&units, &two_arms(), 1, design).expect("valid");
        let second = randomise(&units, &two_arms(), 2, design).expect("valid");
        assert_ne!(first.assignments, second.assignments);
    }
}

#[test]
fn the_order_of_the_units_does_not_change_the_allocation() {
    let units = contacts();
    let mut shuffled = units.clone();
    shuffled.reverse();
    shuffled.rotate_left(337);
    for design in [Design::Individual, Design::Cluster] {
        let original = randomise(&units, &two_arms(), 99, design).expect("valid");
        let reordered = randomise(&shuffled, &two_arms(), 99, design).expect("valid");
        assert_eq!(
            arms_by_id(&units, &original),
            arms_by_id(&shuffled, &reordered)
        );
        assert_eq!(original.counts, reordered.counts);
        assert_eq!(original.strata, reordered.strata);
    }
}

#[test]
fn arms_are_balanced_within_every_stratum() {
    let units = contacts();
    for seed in 0..20 {
        let allocation = randomise(&units, &two_arms(), seed, Design::Individual).expect("valid");
        assert_eq!(allocation.strata.len(), 6);
        for stratum in &allocation.strata {
            let [control, treatment] = stratum.counts[..] else {
                panic!("two arms")
            };
            assert!(control.abs_diff(treatment) <= 1, "{stratum:?}");
        }
        assert_eq!(allocation.counts.iter().sum::<u64>(), 1_000);
        assert!(allocation.counts[0].abs_diff(allocation.counts[1]) <= 6);
        assert_eq!(allocation.cluster_counts, None);
    }
}

#[test]
fn weighted_arms_get_their_share_within_a_block() {
    let units = contacts();
    let arms = vec![
        ArmSpec::new("control", 2),
        ArmSpec::new("letter", 1),
        ArmSpec::new("workshop", 1),
    ];
    let allocation = randomise(&units, &arms, 5, Design::Individual).expect("valid");
    for stratum in &allocation.strata {
        let size: u64 = stratum.counts.iter().sum();
        let full_blocks = size / 4;
        // Each arm has its weight's share of every full block, and at most its weight
        // more from the last, incomplete one.
        for (count, weight) in stratum.counts.iter().zip([2, 1, 1]) {
            assert!(*count >= full_blocks * weight, "{stratum:?}");
            assert!(*count <= full_blocks * weight + weight, "{stratum:?}");
        }
    }
}

#[test]
fn the_odd_unit_of_a_stratum_goes_to_either_arm() {
    // One stratum of three: across seeds, both arms get the extra unit sometimes.
    let units: Vec<Unit> = (1..=3).map(|id| unit(id, "s", "c")).collect();
    let mut extra = [0; 2];
    for seed in 0..40 {
        let allocation = randomise(&units, &two_arms(), seed, Design::Individual).expect("valid");
        let larger = usize::from(allocation.counts[1] > allocation.counts[0]);
        extra[larger] += 1;
    }
    assert!(extra[0] > 5 && extra[1] > 5, "{extra:?}");
}

#[test]
fn a_cluster_design_keeps_each_cluster_in_one_arm() {
    let units = contacts();
    let allocation = randomise(&units, &two_arms(), 11, Design::Cluster).expect("valid");
    let mut arm_of_ward = std::collections::HashMap::new();
    for (unit, &arm) in units.iter().zip(&allocation.assignments) {
        let ward = unit.cluster.clone().expect("a ward");
        assert_eq!(*arm_of_ward.entry(ward).or_insert(arm), arm);
    }
    let clusters = allocation.cluster_counts.clone().expect("a cluster design");
    assert_eq!(clusters.iter().sum::<u64>(), 40);
    assert_eq!(arm_of_ward.len(), 40);
    assert_eq!(allocation.counts.iter().sum::<u64>(), 1_000);
}

#[test]
fn a_cluster_is_stratified_by_its_most_common_stratum_ties_by_name() {
    // Ward a: two units of s1, one of s2, so s1. Ward b: one each, a tie, so s1 (first by
    // name). Ward c: s2 only. With a and b alone in s1 and one block of two, a and b get
    // different arms whatever the seed; had b gone to s2, b and c would have.
    let units = vec![
        unit(1, "s1", "a"),
        unit(2, "s1", "a"),
        unit(3, "s2", "a"),
        unit(4, "s2", "b"),
        unit(5, "s1", "b"),
        unit(6, "s2", "c"),
    ];
    let mut b_with_c = 0;
    for seed in 0..40 {
        let allocation = randomise(&units, &two_arms(), seed, Design::Cluster).expect("valid");
        let arms = &allocation.assignments;
        assert_ne!(arms[0], arms[3], "seed {seed}: a and b share a block");
        assert_eq!(arms[0], arms[1]);
        assert_eq!(arms[0], arms[2]);
        assert_eq!(arms[3], arms[4]);
        if arms[3] == arms[5] {
            b_with_c += 1;
        }
        let clusters = allocation.cluster_counts.expect("a cluster design");
        assert!(
            clusters == vec![2, 1] || clusters == vec![1, 2],
            "{clusters:?}"
        );
    }
    assert!(b_with_c > 5 && b_with_c < 35, "{b_with_c}");
}

#[test]
fn the_allocation_of_a_known_seed_is_pinned() {
    // Guards the stability promise: ChaCha20 keyed from the seed, Lemire's bounded draws,
    // Fisher–Yates and permuted blocks as implemented. If this changes, allocations
    // recorded for past trials could no longer be re-derived from their seeds.
    let units: Vec<Unit> = (1..=12)
        .map(|id| unit(id * 10, if id % 3 == 0 { "b" } else { "a" }, "c"))
        .collect();
    let allocation = randomise(&units, &two_arms(), 42, Design::Individual).expect("valid");
    assert_eq!(allocation.assignments, PINNED);
    assert_eq!(
        allocation.strata,
        vec![
            StratumCounts {
                stratum: "a".to_owned(),
                counts: vec![4, 4]
            },
            StratumCounts {
                stratum: "b".to_owned(),
                counts: vec![2, 2]
            },
        ]
    );
    assert_eq!(allocation.arm_of(0), Some(ARM_NAMES[PINNED[0] as usize]));
    assert_eq!(allocation.arm_of(12), None);
}

const PINNED: [u32; 12] = [1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1];
const ARM_NAMES: [&str; 2] = ["control", "treatment"];

#[test]
fn no_units_give_an_empty_allocation() {
    let allocation = randomise(&[], &two_arms(), 1, Design::Individual).expect("valid");
    assert!(allocation.assignments.is_empty());
    assert_eq!(allocation.counts, vec![0, 0]);
    assert!(allocation.strata.is_empty());
}

#[test]
fn invalid_arms_and_units_are_refused() {
    let units = vec![unit(1, "s", "c"), unit(2, "s", "c")];
    let refuse = |units: &[Unit], arms: &[ArmSpec], design| {
        randomise(units, arms, 0, design).expect_err("refused")
    };
    assert_eq!(
        refuse(&units, &[ArmSpec::new("control", 1)], Design::Individual),
        EvaluationError::TooFewArms(1)
    );
    assert_eq!(
        refuse(
            &units,
            &[ArmSpec::new("control", 1), ArmSpec::new("letter", 0)],
            Design::Individual
        ),
        EvaluationError::ArmWeight("letter".to_owned())
    );
    assert_eq!(
        refuse(
            &units,
            &[ArmSpec::new("control", 1), ArmSpec::new("control", 1)],
            Design::Individual
        ),
        EvaluationError::DuplicateArm("control".to_owned())
    );
    assert_eq!(
        refuse(
            &units,
            &[ArmSpec::new(" ", 1), ArmSpec::new("letter", 1)],
            Design::Individual
        ),
        EvaluationError::UnnamedArm
    );
    assert_eq!(
        refuse(
            &units,
            &[ArmSpec::new("control", 600), ArmSpec::new("letter", 401)],
            Design::Individual
        ),
        EvaluationError::BlockTooLarge(1_001)
    );
    let repeated = vec![unit(7, "s", "c"), unit(3, "t", "c"), unit(7, "t", "d")];
    assert_eq!(
        refuse(&repeated, &two_arms(), Design::Individual),
        EvaluationError::RepeatedUnit(7)
    );
    let mut without_cluster = units.clone();
    without_cluster[1].cluster = None;
    assert_eq!(
        refuse(&without_cluster, &two_arms(), Design::Cluster),
        EvaluationError::NoCluster(2)
    );
    // An individual design does not need clusters.
    assert!(randomise(&without_cluster, &two_arms(), 0, Design::Individual).is_ok());
}

/// Six units by hand: the first three in control, the last three in treatment.
fn hand_made() -> (Vec<Unit>, Allocation) {
    let units: Vec<Unit> = (1..=6).map(|id| unit(id, "s", "c")).collect();
    let allocation = Allocation {
        seed: 0,
        design: Design::Individual,
        arms: vec!["control".to_owned(), "treatment".to_owned()],
        assignments: vec![0, 0, 0, 1, 1, 1],
        counts: vec![3, 3],
        cluster_counts: None,
        strata: Vec::new(),
    };
    (units, allocation)
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[test]
fn the_balance_table_of_a_hand_made_case() {
    let (units, allocation) = hand_made();
    let attributes = vec![
        (
            "age band".to_owned(),
            strings(&["70+", "70+", "18-34", "70+", "18-34", "18-34"]),
        ),
        (
            "prior victim".to_owned(),
            strings(&["yes", "no", "no", "no", "no", "no"]),
        ),
    ];
    let table = balance_table(&units, &allocation, &attributes).expect("valid");
    assert_eq!(table.arms, vec!["control", "treatment"]);
    assert_eq!(table.totals, vec![3, 3]);
    let rows: Vec<(&str, &str, Vec<u64>)> = table
        .rows
        .iter()
        .map(|row| {
            (
                row.attribute.as_str(),
                row.value.as_str(),
                row.counts.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("age band", "18-34", vec![1, 2]),
            ("age band", "70+", vec![2, 1]),
            ("prior victim", "no", vec![2, 3]),
            ("prior victim", "yes", vec![1, 0]),
        ]
    );
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    let third = 1.0 / 3.0;
    // 70+: shares 2/3 and 1/3; standardised (1/3) / √((2/9 + 2/9) / 2) = 1/√2.
    let age = &table.rows[1];
    assert!(close(age.shares[0], 2.0 * third) && close(age.shares[1], third));
    assert!(close(age.max_difference, third));
    assert!(close(
        age.max_standardised_difference,
        std::f64::consts::FRAC_1_SQRT_2
    ));
    // Prior victim "no": shares 2/3 and 1; standardised (1/3) / √((2/9 + 0) / 2) = 1.
    let no = &table.rows[2];
    assert!(close(no.shares[1], 1.0));
    assert!(close(no.max_standardised_difference, 1.0));
    // "yes": shares 1/3 and 0, the same spread, so also 1.
    let yes = &table.rows[3];
    assert!(close(yes.max_difference, third));
    assert!(close(yes.max_standardised_difference, 1.0));
    assert!(close(table.max_difference(), third));
}

#[test]
fn identical_shares_have_no_difference() {
    let (units, allocation) = hand_made();
    let attributes = vec![("district".to_owned(), strings(&["E07000130"; 6]))];
    let table = balance_table(&units, &allocation, &attributes).expect("valid");
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].shares, vec![1.0, 1.0]);
    assert_eq!(table.rows[0].max_difference, 0.0);
    assert_eq!(table.rows[0].max_standardised_difference, 0.0);
}

#[test]
fn a_balance_table_needs_one_value_per_unit() {
    let (units, allocation) = hand_made();
    let short = vec![("age band".to_owned(), strings(&["70+"]))];
    assert_eq!(
        balance_table(&units, &allocation, &short).expect_err("refused"),
        EvaluationError::AttributeLength {
            name: "age band".to_owned(),
            units: 6,
            values: 1
        }
    );
    assert_eq!(
        balance_table(&units[..5], &allocation, &[]).expect_err("refused"),
        EvaluationError::AllocationLength {
            units: 5,
            allocated: 6
        }
    );
}

#[test]
fn a_real_allocation_is_balanced_on_its_strata() {
    let units = contacts();
    let allocation = randomise(&units, &two_arms(), 3, Design::Individual).expect("valid");
    let strata = vec![(
        "stratum".to_owned(),
        units.iter().map(|unit| unit.stratum.clone()).collect(),
    )];
    let table = balance_table(&units, &allocation, &strata).expect("valid");
    assert_eq!(table.rows.len(), 6);
    assert!(table.max_difference() < 0.01, "{}", table.max_difference());
}

#[test]
fn a_balance_table_from_counts_equals_the_one_from_units() {
    let (units, allocation) = hand_made();
    let ages = strings(&["70+", "70+", "18-34", "70+", "18-34", "18-34"]);
    let from_units =
        balance_table(&units, &allocation, &[("age band".to_owned(), ages)]).expect("valid");
    let counts = vec![(
        "age band".to_owned(),
        std::collections::BTreeMap::from([
            ("18-34".to_owned(), vec![1, 2]),
            ("70+".to_owned(), vec![2, 1]),
        ]),
    )];
    let arms = vec!["control".to_owned(), "treatment".to_owned()];
    let from_counts =
        beacon_evaluation::balance_from_counts(&arms, &[3, 3], &counts).expect("valid");
    assert_eq!(from_counts, from_units);
    let short = vec![(
        "age band".to_owned(),
        std::collections::BTreeMap::from([("70+".to_owned(), vec![2])]),
    )];
    assert!(matches!(
        beacon_evaluation::balance_from_counts(&arms, &[3, 3], &short),
        Err(EvaluationError::ArmCounts {
            arms: 2,
            counts: 1,
            ..
        })
    ));
}
