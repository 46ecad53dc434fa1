//! Where victims live: a district weighted by Census 2021 population, and a real
//! postcode from that district (about 10% of reports give only the district and about
//! 1% give neither).

use crate::reference::Reference;
use crate::sampling::Weighted;
use rand::Rng;

/// Share of reports with a district but no postcode.
const DISTRICT_ONLY: f64 = 0.10;
/// Share of reports with neither postcode nor district.
const NOWHERE: f64 = 0.01;

/// A location as reported: district index and postcode index into the reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Index into `Reference::districts`, or `None` when unknown.
    pub district: Option<u8>,
    /// Index into that district's postcodes, or `None` when not given.
    pub postcode: Option<u16>,
}

/// District and postcode samplers.
#[derive(Debug, Clone)]
pub(crate) struct Places {
    districts: Weighted<u8>,
    postcode_counts: Vec<usize>,
}

impl Places {
    /// Builds the samplers from the reference data.
    pub(crate) fn new(reference: &Reference) -> Places {
        Places {
            districts: Weighted::new(
                reference
                    .districts
                    .iter()
                    .enumerate()
                    .map(|(index, d)| (index as u8, f64::from(d.population))),
            ),
            postcode_counts: reference
                .districts
                .iter()
                .map(|d| d.postcodes.len())
                .collect(),
        }
    }

    /// A location anywhere in the area.
    pub(crate) fn anywhere<R: Rng>(&self, rng: &mut R) -> Place {
        let district = self.districts.sample(rng);
        self.within(rng, district, true)
    }

    /// A location in a given district; `may_be_unknown` allows the 1% with no district.
    pub(crate) fn within<R: Rng>(&self, rng: &mut R, district: u8, may_be_unknown: bool) -> Place {
        let draw = rng.random::<f64>();
        let unknown = if may_be_unknown { NOWHERE } else { 0.0 };
        if draw < unknown {
            return Place {
                district: None,
                postcode: None,
            };
        }
        if draw < unknown + DISTRICT_ONLY {
            return Place {
                district: Some(district),
                postcode: None,
            };
        }
        let count = self.postcode_counts[usize::from(district)];
        let postcode = rng.random_range(0..count) as u16;
        Place {
            district: Some(district),
            postcode: Some(postcode),
        }
    }
}
