//! Criteria printed back in the criteria file's shape.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;

use serde::ser::{Serialize, Serializer};

use crate::constraints::{Constraints, Given};
use crate::criteria::Criteria;
use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Level, Motivation, Phase, Sampling, SponsorLevel,
    Visibility,
};
use crate::robustness::{Ranks, WeightOrder};

#[derive(serde::Serialize)]
struct File<'a> {
    selection: Selection,
    duration: Duration,
    visibility: Scale<'a>,
    tangibility: Scale<'a>,
    phase: PhaseSection<'a>,
    bottom_line: Scale<'a>,
    lead: Scale<'a>,
    sponsorship: Sponsorship<'a>,
    robustness: Robustness<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<ConstraintsSection<'a>>,
    waves: Waves,
}

/// The `[constraints]` section: only the keys that are set, the groups
/// last (a table array follows the plain keys).
#[derive(serde::Serialize)]
struct ConstraintsSection<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    per_unit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_sponsor: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    training_capacity: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    must_lead: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    must_not_lead: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    exclusive: Vec<[&'a str; 2]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    group: Vec<GroupTable<'a>>,
}

#[derive(serde::Serialize)]
struct GroupTable<'a> {
    tag: &'a str,
    min: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<u32>,
}

impl<'a> ConstraintsSection<'a> {
    fn of(c: &'a Constraints) -> Option<Self> {
        let ids = |list: &'a [Given<String>]| list.iter().map(|g| g.value.as_str()).collect();
        (!c.is_empty()).then(|| ConstraintsSection {
            per_unit: c.per_unit.as_ref().map(|g| g.value),
            per_sponsor: c.per_sponsor.as_ref().map(|g| g.value),
            training_capacity: c.training_capacity.as_ref().map(|g| g.value),
            must_lead: ids(&c.must_lead),
            must_not_lead: ids(&c.must_not_lead),
            exclusive: (c.exclusive.iter())
                .map(|pair| {
                    let [a, b] = &pair.value;
                    [a.as_str(), b.as_str()]
                })
                .collect(),
            group: (c.groups.iter())
                .map(|group| GroupTable {
                    tag: &group.tag.value,
                    min: group.min.value,
                    max: group.max.as_ref().map(|g| g.value),
                })
                .collect(),
        })
    }
}

#[derive(serde::Serialize)]
#[allow(
    clippy::struct_field_names,
    reason = "the criteria file's key is `max_waves` in `[waves]`"
)]
struct Waves {
    coach_load: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_size: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_waves: Option<usize>,
}

#[derive(serde::Serialize)]
struct Robustness<'a> {
    samples: u64,
    ranks: Ranks,
    seed: u64,
    weights: Sampling,
    spread: f64,
    order: &'a [WeightOrder],
}

#[derive(serde::Serialize)]
struct Selection {
    leaders: usize,
    min_score: f64,
}

#[derive(serde::Serialize)]
struct Duration {
    weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    full: [f64; 2],
    zero: [f64; 2],
}

#[derive(serde::Serialize)]
struct Scale<'a> {
    weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    scores: BTreeMap<&'a str, f64>,
}

#[derive(serde::Serialize)]
struct PhaseSection<'a> {
    weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    scores: BTreeMap<&'a str, f64>,
    remedial: f64,
}

#[derive(serde::Serialize)]
struct Sponsorship<'a> {
    weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    motivation: BTreeMap<&'a str, f64>,
    level: BTreeMap<&'a str, f64>,
}

/// Each level's name with its score.
fn table<L: Level>(scores: &[f64]) -> BTreeMap<&'static str, f64> {
    L::ALL
        .iter()
        .zip(scores)
        .map(|(level, score)| (level.name(), *score))
        .collect()
}

impl Serialize for Criteria {
    /// Every key of the criteria file, so that the printed file read back
    /// gives these criteria again.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let scale = |criterion, scores| Scale {
            weight: self.weight(criterion),
            min: self.min_of(criterion),
            scores,
        };
        File {
            selection: Selection {
                leaders: self.leaders,
                min_score: self.min_score,
            },
            duration: Duration {
                weight: self.weight(Criterion::Duration),
                min: self.min_of(Criterion::Duration),
                full: self.full,
                zero: self.zero,
            },
            visibility: scale(Criterion::Visibility, table::<Visibility>(&self.visibility)),
            tangibility: scale(Criterion::Tangibility, table::<Change>(&self.tangibility)),
            phase: PhaseSection {
                weight: self.weight(Criterion::Phase),
                min: self.min_of(Criterion::Phase),
                scores: table::<Phase>(&self.phase),
                remedial: self.remedial,
            },
            bottom_line: scale(
                Criterion::BottomLine,
                table::<BottomLine>(&self.bottom_line),
            ),
            lead: scale(Criterion::Lead, table::<Lead>(&self.lead)),
            sponsorship: Sponsorship {
                weight: self.weight(Criterion::Sponsorship),
                min: self.min_of(Criterion::Sponsorship),
                motivation: table::<Motivation>(&self.motivation),
                level: table::<SponsorLevel>(&self.level),
            },
            robustness: Robustness {
                samples: self.robustness.samples(),
                ranks: self.robustness.ranks(),
                seed: self.robustness.seed(),
                weights: self.robustness.sampling(),
                spread: self.robustness.spread(),
                order: self.robustness.order(),
            },
            constraints: ConstraintsSection::of(&self.constraints),
            waves: Waves {
                coach_load: self.waves.coach_load.get(),
                max_size: self.waves.max_size.map(NonZeroUsize::get),
                max_waves: self.waves.max_waves.map(NonZeroUsize::get),
            },
        }
        .serialize(serializer)
    }
}
