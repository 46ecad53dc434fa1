//! Everything fixed for a run, built once: reference data, profile samplers and the
//! links between profiles, types, spikes and districts.

use crate::people::People;
use crate::places::Places;
use crate::plan::SPIKES;
use crate::profiles::{Contact, PROFILES, Profile};
use crate::reference::{Reference, reference};
use crate::sampling::Weighted;
use beacon_core::Category;
use std::sync::OnceLock;

/// The fixed world the generator draws from.
#[derive(Debug)]
pub(crate) struct World {
    /// The reference files.
    pub reference: &'static Reference,
    /// District and postcode samplers.
    pub places: Places,
    /// Victim samplers.
    pub people: People,
    /// Fraud scenarios by weight (profile indexes).
    pub fraud: Weighted<u8>,
    /// Cyber-crime scenarios by weight (profile indexes).
    pub cyber: Weighted<u8>,
    /// Contact-route sampler per profile.
    pub contacts: Vec<Weighted<Contact>>,
    /// Type index per profile.
    pub type_of: Vec<usize>,
    /// Profile index per planted spike.
    pub spike_profile: Vec<u8>,
    /// District index per planted spike.
    pub spike_district: Vec<u8>,
}

impl World {
    /// The profile of a row.
    pub(crate) fn profile(&self, index: u8) -> &'static Profile {
        &PROFILES[usize::from(index)]
    }

    /// Fraud or cyber crime, by the profile's type.
    pub(crate) fn category(&self, profile: u8) -> Category {
        if self.reference.types[self.type_of[usize::from(profile)]].computer_misuse {
            Category::Cyber
        } else {
            Category::Fraud
        }
    }

    /// The CSV `fraud_type` value of a profile: NFIB code, else the type name.
    pub(crate) fn type_label(&self, profile: u8) -> &str {
        &self.reference.types[self.type_of[usize::from(profile)]].label
    }
}

/// The world, built once.
pub(crate) fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(build)
}

fn build() -> World {
    let reference = reference();
    let type_of: Vec<usize> = PROFILES
        .iter()
        .map(|profile| {
            reference
                .type_index(profile.type_name)
                .expect("every profile names a type in fraud_types.csv")
        })
        .collect();
    let family = |category: Category| {
        Weighted::new(PROFILES.iter().enumerate().filter_map(|(index, profile)| {
            let cyber = reference.types[type_of[index]].computer_misuse;
            let wanted = cyber == (category == Category::Cyber);
            wanted.then_some((index as u8, profile.weight))
        }))
    };
    let spike_profile = SPIKES
        .iter()
        .map(|spike| {
            PROFILES
                .iter()
                .position(|profile| {
                    profile
                        .issue
                        .is_some_and(|issue| issue.tag() == spike.issue_tag)
                })
                .expect("every spike plants a known local issue") as u8
        })
        .collect();
    let spike_district = SPIKES
        .iter()
        .map(|spike| {
            reference
                .district_index(spike.district_code)
                .expect("every spike is in an LLR district") as u8
        })
        .collect();
    World {
        reference,
        places: Places::new(reference),
        people: People::new(),
        fraud: family(Category::Fraud),
        cyber: family(Category::Cyber),
        contacts: PROFILES
            .iter()
            .map(|p| Weighted::new(p.contacts.iter().copied()))
            .collect(),
        type_of,
        spike_profile,
        spike_district,
    }
}
