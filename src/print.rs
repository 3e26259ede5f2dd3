//! Criteria printed back in the criteria file's shape: the structs that
//! read the file (`src/read/criteria.rs`), filled from the criteria.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::ser::{Serialize, Serializer};
use toml::Spanned;

use crate::constraints::{Constraints, Given};
use crate::criteria::Criteria;
use crate::criterion::{Criterion, Level};
use crate::read::Table;
use crate::read::criteria::{
    RawConstraints, RawCriteria, RawDuration, RawGroup, RawPhase, RawRanks, RawRobustness,
    RawScale, RawSelection, RawSponsorship, RawWaves,
};
use crate::robustness::{Ranks, Robustness};

/// Where a printed value is: nowhere, as it was not read.
const NOWHERE: Range<usize> = 0..0;

/// `value`, with no place.
fn unread<T>(value: T) -> Spanned<T> {
    Spanned::new(NOWHERE, value)
}

/// Each level's score, as `scores` holds them in [`Level::ALL`] order.
fn scores<L: Level>(scores: &[f64]) -> BTreeMap<L, Spanned<f64>> {
    L::ALL
        .iter()
        .zip(scores)
        .map(|(&level, &score)| (level, unread(score)))
        .collect()
}

/// A list of texts.
fn texts<'a>(list: impl IntoIterator<Item = &'a String>) -> Vec<Spanned<String>> {
    list.into_iter().map(|text| unread(text.clone())).collect()
}

/// The `[constraints]` section: only the keys that are set.
fn constraints(c: &Constraints) -> Option<Table<RawConstraints<u64>>> {
    let ids = |list: &[Given<String>]| {
        (!list.is_empty()).then(|| texts(list.iter().map(|given| &given.value)))
    };
    let count = |given: &Option<Given<u32>>| given.as_ref().map(|g| u64::from(g.value));
    (!c.is_empty()).then(|| {
        Table(RawConstraints {
            per_unit: count(&c.per_unit),
            per_sponsor: count(&c.per_sponsor),
            training_capacity: c.training_capacity.as_ref().map(|g| g.value),
            must_lead: ids(&c.must_lead),
            must_not_lead: ids(&c.must_not_lead),
            exclusive: (!c.exclusive.is_empty()).then(|| {
                (c.exclusive.iter())
                    .map(|pair| unread(texts(&pair.value)))
                    .collect()
            }),
            group: (!c.groups.is_empty()).then(|| {
                (c.groups.iter())
                    .map(|group| {
                        Spanned::new(
                            NOWHERE,
                            RawGroup {
                                tag: unread(group.tag.value.clone()),
                                min: Some(u64::from(group.min.value)),
                                max: group.max.as_ref().map(|g| u64::from(g.value)),
                            },
                        )
                    })
                    .collect()
            }),
        })
    })
}

/// The section of `criterion`, scored by level as `scores` says.
fn scale<L>(
    criteria: &Criteria,
    criterion: Criterion,
    scores: BTreeMap<L, Spanned<f64>>,
) -> Table<RawScale<L>> {
    Table(RawScale {
        weight: Some(unread(criteria.weight(criterion))),
        min: criteria.min_of(criterion).map(unread),
        scores: Some(scores),
    })
}

/// The `[robustness]` table of `r`, every key given.
fn robustness(r: &Robustness) -> Table<RawRobustness<u64>> {
    Table(RawRobustness {
        samples: Some(r.samples()),
        ranks: Some(unread(match r.ranks() {
            Ranks::First(k) => RawRanks::Number(i64::try_from(k).unwrap_or(i64::MAX)),
            Ranks::All => RawRanks::Word("all".to_owned()),
        })),
        seed: Some(r.seed()),
        weights: Some(unread(r.sampling())),
        spread: Some(unread(r.spread())),
        order: Some(unread(
            (r.order().iter())
                .map(|order| unread(order.to_string()))
                .collect(),
        )),
    })
}

impl Serialize for Criteria {
    /// Every key of the criteria file, so that the printed file read back
    /// gives these criteria again.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let weight = |criterion| Some(unread(self.weight(criterion)));
        let min = |criterion| self.min_of(criterion).map(unread);
        let waves = &self.waves;
        RawCriteria::<u64> {
            selection: Some(Table(RawSelection {
                leaders: Some(self.leaders as u64),
                min_score: Some(unread(self.min_score)),
            })),
            duration: Some(Table(RawDuration {
                weight: weight(Criterion::Duration),
                min: min(Criterion::Duration),
                full: Some(unread(self.full.to_vec())),
                zero: Some(unread(self.zero.to_vec())),
            })),
            visibility: Some(scale(self, Criterion::Visibility, scores(&self.visibility))),
            tangibility: Some(scale(
                self,
                Criterion::Tangibility,
                scores(&self.tangibility),
            )),
            phase: Some(Table(RawPhase {
                weight: weight(Criterion::Phase),
                min: min(Criterion::Phase),
                scores: Some(scores(&self.phase)),
                remedial: Some(unread(self.remedial)),
            })),
            bottom_line: Some(scale(
                self,
                Criterion::BottomLine,
                scores(&self.bottom_line),
            )),
            lead: Some(scale(self, Criterion::Lead, scores(&self.lead))),
            sponsorship: Some(Table(RawSponsorship {
                weight: weight(Criterion::Sponsorship),
                min: min(Criterion::Sponsorship),
                motivation: Some(scores(&self.motivation)),
                level: Some(scores(&self.level)),
            })),
            robustness: Some(robustness(&self.robustness)),
            constraints: constraints(&self.constraints),
            waves: Some(Table(RawWaves {
                coach_load: Some(u64::from(waves.coach_load().get())),
                max_size: waves.max_size().map(|n| n.get() as u64),
                max_waves: waves.max_waves().map(|n| n.get() as u64),
            })),
        }
        .serialize(serializer)
    }
}
