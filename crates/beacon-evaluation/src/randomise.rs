//! Seeded, reproducible allocation of a campaign's contacts (or of whole wards or
//! districts) to its arms, for trials whose evidence has to stand up to audit.
//!
//! The same units, arms, seed and design always give the same allocation, whatever order
//! the units come in, on any machine and with any later version of the dependencies: the
//! random stream is ChaCha20 keyed directly from the seed, and every draw from it (the
//! bounded integers of the shuffles) is computed here, not by a library whose sampling
//! methods may change between versions. A known-answer test pins the allocation of a fixed
//! seed so that any change to it is noticed.
//!
//! The method, step by step (`docs/evaluation.md`, "Randomisation"):
//!
//! 1. the units are put in a canonical order — by stratum name, then by id (or, in a
//!    cluster design, clusters by their stratum and then their name);
//! 2. within each stratum, in stratum-name order, the units are shuffled (Fisher–Yates);
//! 3. the shuffled units are assigned in permuted blocks: each block holds every arm as
//!    many times as its weight, in a fresh random order, so that within a stratum every
//!    arm gets its share up to what the last, incomplete block leaves over.

use crate::EvaluationError;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The largest sum of arm weights: one permuted block holds that many places, and weights
/// beyond ratios such as 3:2 or 1:1:1 are not used in practice.
pub const MAX_BLOCK: u32 = 1_000;

/// The last 24 bytes of the ChaCha20 key (the seed is the first 8), fixed so that a seed
/// used here gives a stream no other part of Beacon draws from the same seed.
const KEY_LABEL: &[u8; 24] = b"beacon randomise v1\0\0\0\0\0";

/// One unit to randomise: a contact of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The contact's id in Beacon's contact list; unique among the units. Randomisation
    /// orders by it, so the allocation does not depend on the order the units come in.
    pub id: u64,
    /// The stratum the contact is randomised within, for example a district and an age
    /// band (`"E07000130|70+"`); arms are balanced within each stratum.
    pub stratum: String,
    /// The ward or district the contact belongs to, which a cluster design randomises as
    /// a whole; ignored by an individual design.
    pub cluster: Option<String>,
}

/// One arm of a trial and its share of the units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmSpec {
    /// The arm's name ("control", "letter").
    pub name: String,
    /// Its relative share: arms weighted 1 and 1 get equal numbers, 2 and 1 twice as many
    /// for the first. At least 1.
    pub weight: u32,
}

impl ArmSpec {
    /// An arm with the given name and weight.
    pub fn new(name: impl Into<String>, weight: u32) -> ArmSpec {
        ArmSpec {
            name: name.into(),
            weight,
        }
    }
}

/// What is randomised: each contact on its own, or whole clusters of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Each contact is allocated on its own, within its stratum.
    Individual,
    /// Whole clusters (wards, districts) are allocated, within the cluster's stratum
    /// (the most common stratum of its units); every contact gets its cluster's arm. Used
    /// when a campaign cannot be kept from spilling over between neighbours.
    Cluster,
}

/// The units per arm within one stratum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumCounts {
    /// The stratum's name.
    pub stratum: String,
    /// Units of the stratum in each arm, in the order of the arms.
    pub counts: Vec<u64>,
}

/// The result of [`randomise`]: the arm of every unit, and the counts a trial report
/// starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// The seed used, to be recorded with the trial so the allocation can be re-derived.
    pub seed: u64,
    /// The design used.
    pub design: Design,
    /// The arms' names, in the order given; arm indices refer to this list.
    pub arms: Vec<String>,
    /// The arm index of each unit, in the order the units were given.
    pub assignments: Vec<u32>,
    /// Units in each arm.
    pub counts: Vec<u64>,
    /// Clusters in each arm, for a cluster design.
    pub cluster_counts: Option<Vec<u64>>,
    /// Units per arm in each stratum (the units' own strata), in stratum-name order.
    pub strata: Vec<StratumCounts>,
}

impl Allocation {
    /// The name of the arm of the unit at `position` in the units given, if there is one.
    pub fn arm_of(&self, position: usize) -> Option<&str> {
        let arm = *self.assignments.get(position)?;
        self.arms.get(arm as usize).map(String::as_str)
    }
}

/// Allocates `units` to `arms` with the given `seed` and `design`: stratified, in
/// permuted blocks, reproducibly (see the module documentation).
///
/// # Errors
///
/// Fewer than two arms, an arm without a name, two arms with one name, a weight of 0,
/// weights adding up to more than [`MAX_BLOCK`], two units with one id, more than
/// `u32::MAX` units, or, in a cluster design, a unit without a cluster.
pub fn randomise(
    units: &[Unit],
    arms: &[ArmSpec],
    seed: u64,
    design: Design,
) -> Result<Allocation, EvaluationError> {
    let block = check_arms(arms)?;
    let n = units.len();
    if u32::try_from(n).is_err() {
        return Err(EvaluationError::TooManyUnits(n));
    }
    check_unique_ids(units)?;

    let strata = Ranks::of(units.iter().map(|unit| unit.stratum.as_str()));
    let mut rng = rng(seed);
    let mut assignments = vec![0u32; n];
    let mut cluster_counts = None;

    match design {
        Design::Individual => {
            // Canonical order: by stratum, then by id. The units are sorted by id once;
            // a stable counting sort then groups them by stratum.
            let mut by_id: Vec<(u64, u32)> = units
                .iter()
                .enumerate()
                .map(|(index, unit)| (unit.id, index as u32))
                .collect();
            by_id.sort_unstable();
            let order: Vec<u32> = by_id.into_iter().map(|(_, index)| index).collect();
            let (mut grouped, offsets) = group(&order, &strata.of_item, strata.names.len());
            let arm_of_slot = allocate(&mut grouped, &offsets, &block, &mut rng);
            for (slot, &unit) in grouped.iter().enumerate() {
                assignments[unit as usize] = arm_of_slot[slot];
            }
        }
        Design::Cluster => {
            let mut names = Vec::with_capacity(n);
            for unit in units {
                match &unit.cluster {
                    Some(cluster) => names.push(cluster.as_str()),
                    None => return Err(EvaluationError::NoCluster(unit.id)),
                }
            }
            let clusters = Ranks::of(names.into_iter());
            let cluster_strata = cluster_strata(&clusters, &strata);
            // Clusters in name order (their ranks), grouped by their stratum.
            let order: Vec<u32> = (0..clusters.names.len() as u32).collect();
            let (mut grouped, offsets) = group(&order, &cluster_strata, strata.names.len());
            let arm_of_slot = allocate(&mut grouped, &offsets, &block, &mut rng);
            let mut arm_of_cluster = vec![0u32; clusters.names.len()];
            let mut per_arm = vec![0u64; arms.len()];
            for (slot, &cluster) in grouped.iter().enumerate() {
                arm_of_cluster[cluster as usize] = arm_of_slot[slot];
                per_arm[arm_of_slot[slot] as usize] += 1;
            }
            for (assignment, &cluster) in assignments.iter_mut().zip(&clusters.of_item) {
                *assignment = arm_of_cluster[cluster as usize];
            }
            cluster_counts = Some(per_arm);
        }
    }

    let mut counts = vec![0u64; arms.len()];
    let mut stratum_counts = vec![vec![0u64; arms.len()]; strata.names.len()];
    for (&arm, &stratum) in assignments.iter().zip(&strata.of_item) {
        counts[arm as usize] += 1;
        stratum_counts[stratum as usize][arm as usize] += 1;
    }
    Ok(Allocation {
        seed,
        design,
        arms: arms.iter().map(|arm| arm.name.clone()).collect(),
        assignments,
        counts,
        cluster_counts,
        strata: strata
            .names
            .iter()
            .zip(stratum_counts)
            .map(|(name, counts)| StratumCounts {
                stratum: (*name).to_owned(),
                counts,
            })
            .collect(),
    })
}

/// Checks the arms and returns one block: each arm's index repeated as often as its
/// weight, in arm order.
pub(crate) fn check_arms(arms: &[ArmSpec]) -> Result<Vec<u32>, EvaluationError> {
    if arms.len() < 2 {
        return Err(EvaluationError::TooFewArms(arms.len()));
    }
    let mut total: u64 = 0;
    for (index, arm) in arms.iter().enumerate() {
        if arm.name.trim().is_empty() {
            return Err(EvaluationError::UnnamedArm);
        }
        if arms[..index].iter().any(|other| other.name == arm.name) {
            return Err(EvaluationError::DuplicateArm(arm.name.clone()));
        }
        if arm.weight == 0 {
            return Err(EvaluationError::ArmWeight(arm.name.clone()));
        }
        total += u64::from(arm.weight);
    }
    if total > u64::from(MAX_BLOCK) {
        return Err(EvaluationError::BlockTooLarge(total));
    }
    Ok(arms
        .iter()
        .enumerate()
        .flat_map(|(index, arm)| std::iter::repeat_n(index as u32, arm.weight as usize))
        .collect())
}

fn check_unique_ids(units: &[Unit]) -> Result<(), EvaluationError> {
    let mut ids: Vec<u64> = units.iter().map(|unit| unit.id).collect();
    ids.sort_unstable();
    match ids.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(EvaluationError::RepeatedUnit(pair[0])),
        None => Ok(()),
    }
}

/// Distinct names (strata or clusters) ranked in name order, and each item's rank.
struct Ranks<'a> {
    /// The distinct names, sorted.
    names: Vec<&'a str>,
    /// The rank of each item's name, in the items' order.
    of_item: Vec<u32>,
}

impl<'a> Ranks<'a> {
    fn of(items: impl ExactSizeIterator<Item = &'a str>) -> Ranks<'a> {
        let mut first_seen: HashMap<&'a str, u32> = HashMap::new();
        let mut names: Vec<&'a str> = Vec::new();
        let mut of_item = Vec::with_capacity(items.len());
        // Units usually come in runs of one stratum or cluster: skip the lookup for those.
        let mut last: Option<(&'a str, u32)> = None;
        for item in items {
            let id = match last {
                Some((name, id)) if name == item => id,
                _ => {
                    let id = *first_seen.entry(item).or_insert_with(|| {
                        names.push(item);
                        (names.len() - 1) as u32
                    });
                    last = Some((item, id));
                    id
                }
            };
            of_item.push(id);
        }
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_unstable_by_key(|&id| names[id as usize]);
        let mut rank_of_id = vec![0u32; names.len()];
        for (rank, &id) in by_name.iter().enumerate() {
            rank_of_id[id as usize] = rank as u32;
        }
        for rank in &mut of_item {
            *rank = rank_of_id[*rank as usize];
        }
        let names = by_name.iter().map(|&id| names[id as usize]).collect();
        Ranks { names, of_item }
    }
}

/// Each cluster's stratum: the most common stratum of its units, ties going to the
/// stratum first by name.
fn cluster_strata(clusters: &Ranks<'_>, strata: &Ranks<'_>) -> Vec<u32> {
    let mut pairs: Vec<u64> = clusters
        .of_item
        .iter()
        .zip(&strata.of_item)
        .map(|(&cluster, &stratum)| (u64::from(cluster) << 32) | u64::from(stratum))
        .collect();
    pairs.sort_unstable();
    let mut chosen = vec![(0u32, 0u64); clusters.names.len()];
    let mut start = 0;
    while start < pairs.len() {
        let pair = pairs[start];
        let end = start + pairs[start..].partition_point(|&other| other == pair);
        let (cluster, stratum) = ((pair >> 32) as usize, pair as u32);
        let count = (end - start) as u64;
        // Strata come in rank (name) order within a cluster, so only a larger count wins.
        if count > chosen[cluster].1 {
            chosen[cluster] = (stratum, count);
        }
        start = end;
    }
    chosen.into_iter().map(|(stratum, _)| stratum).collect()
}

/// Groups `order` by each item's group, keeping `order` within a group (a stable
/// counting sort). Returns the grouped items and where each group starts (with the end
/// last).
fn group(order: &[u32], group_of: &[u32], groups: usize) -> (Vec<u32>, Vec<usize>) {
    let mut offsets = vec![0usize; groups + 1];
    for &item in order {
        offsets[group_of[item as usize] as usize + 1] += 1;
    }
    for index in 1..offsets.len() {
        offsets[index] += offsets[index - 1];
    }
    let mut next = offsets.clone();
    let mut grouped = vec![0u32; order.len()];
    for &item in order {
        let slot = &mut next[group_of[item as usize] as usize];
        grouped[*slot] = item;
        *slot += 1;
    }
    (grouped, offsets)
}

/// Shuffles each group of `items` in place and returns the arm of each slot: permuted
/// blocks, started afresh in each group.
fn allocate(
    items: &mut [u32],
    offsets: &[usize],
    block: &[u32],
    rng: &mut ChaCha20Rng,
) -> Vec<u32> {
    let mut arms = vec![0u32; items.len()];
    let mut permuted = block.to_vec();
    for bounds in offsets.windows(2) {
        let (start, end) = (bounds[0], bounds[1]);
        shuffle(&mut items[start..end], rng);
        for chunk in arms[start..end].chunks_mut(block.len()) {
            permuted.copy_from_slice(block);
            shuffle(&mut permuted, rng);
            chunk.copy_from_slice(&permuted[..chunk.len()]);
        }
    }
    arms
}

/// The random stream for a seed: ChaCha20 (20 rounds) keyed with the seed's eight bytes,
/// little-endian, then [`KEY_LABEL`]; stream 0, from its start.
fn rng(seed: u64) -> ChaCha20Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..].copy_from_slice(KEY_LABEL);
    ChaCha20Rng::from_seed(key)
}

/// Fisher–Yates: for each place from the last down to the second, swap it with a place
/// at or before it drawn uniformly.
fn shuffle<T>(items: &mut [T], rng: &mut ChaCha20Rng) {
    for last in (1..items.len()).rev() {
        let other = below(rng, last as u64 + 1) as usize;
        items.swap(last, other);
    }
}

/// A uniform integer in `0..n` (`n > 0`), without bias: Lemire's multiply-and-reject
/// method on 64-bit draws.
fn below(rng: &mut ChaCha20Rng, n: u64) -> u64 {
    let mut product = u128::from(rng.next_u64()) * u128::from(n);
    if (product as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u64) < threshold {
            product = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (product >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = rng(7);
        let mut seen = [0u32; 5];
        for _ in 0..5_000 {
            seen[below(&mut rng, 5) as usize] += 1;
        }
        assert!(seen.iter().all(|&count| count > 800), "{seen:?}");
        assert_eq!(below(&mut rng, 1), 0);
    }

    #[test]
    fn group_is_stable() {
        let (grouped, offsets) = group(&[3, 0, 2, 1], &[1, 0, 1, 0], 2);
        assert_eq!(grouped, vec![3, 1, 0, 2]);
        assert_eq!(offsets, vec![0, 2, 4]);
    }

    #[test]
    fn the_stream_is_standard_chacha20_keyed_by_the_seed() {
        // The keystream's first 16 bytes, as little-endian words, for seed 0: the same as
        // an independent ChaCha20 (RFC 8439, nonce and counter 0) gives with this key.
        let mut rng = rng(0);
        assert_eq!(rng.next_u64(), 0xd259_09e5_5517_5110);
        assert_eq!(rng.next_u64(), 0x8bea_791b_92ce_c7b7);
        assert_ne!(super::rng(1).next_u64(), 0xd259_09e5_5517_5110);
    }
}
