//! The deterministic ranking, and choosing the leaders without sorting all.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

use crate::candidate::{Candidate, Evidence, Portfolio};
use crate::criteria::Criteria;
use crate::score::{Assessment, Scores};

/// A candidate with its assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked<'a> {
    /// The candidate.
    pub candidate: &'a Candidate,
    /// Its scores and total.
    pub assessment: Assessment,
}

/// `x` on a grid of 1e-9: totals closer than that are ties, whatever the
/// rounding of the sum that made them.
#[allow(
    clippy::cast_possible_truncation,
    reason = "totals and minimums are in [0, 1]"
)]
pub(crate) fn grid(x: f64) -> i64 {
    (x * 1e9).round() as i64
}

/// `x` is at least `min`, up to the 1e-9 grid.
pub(crate) fn at_least(x: f64, min: f64) -> bool {
    grid(x) >= grid(min)
}

/// A portfolio's candidates as ranking reads them, built once with the
/// portfolio: sorted by id, with their evidence side by side in that order.
/// A candidate's *place* is its position in this order. Ties are then broken
/// by comparing places, not strings, and scoring reads 16 bytes a candidate
/// instead of the whole candidate.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct IdOrder {
    /// The index in the portfolio of the candidate at each place.
    index: Vec<usize>,
    /// The evidence of the candidate at each place: all that scoring reads.
    evidence: Vec<Evidence>,
}

impl IdOrder {
    /// The id order of `candidates`, whose ids are unique.
    pub(crate) fn new(candidates: &[Candidate]) -> Self {
        let mut by_id: Vec<(usize, &Candidate)> = candidates.iter().enumerate().collect();
        by_id.sort_unstable_by(|(_, a), (_, b)| a.id.cmp(&b.id));
        IdOrder {
            index: by_id.iter().map(|&(index, _)| index).collect(),
            evidence: by_id
                .iter()
                .map(|(_, candidate)| candidate.evidence)
                .collect(),
        }
    }

    /// The evidence of the candidate at each place.
    pub(crate) fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// The place of the candidate with `id`, among the `candidates` this
    /// order was built from.
    pub(crate) fn place_of(&self, candidates: &[Candidate], id: &str) -> Option<usize> {
        self.index
            .binary_search_by(|&index| {
                candidates
                    .get(index)
                    .map_or(Ordering::Less, |c| c.id.as_str().cmp(id))
            })
            .ok()
    }

    /// The index and evidence of the candidate at `place`.
    fn get(&self, place: usize) -> Option<(usize, Evidence)> {
        Some((*self.index.get(place)?, *self.evidence.get(place)?))
    }
}

impl fmt::Debug for IdOrder {
    /// Nothing the candidates do not already show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdOrder").finish_non_exhaustive()
    }
}

/// Where a candidate ranks, smaller first: its total descending on the 1e-9
/// grid, then its place in id order. Two candidates never have the same key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    /// How far the total is below 1 on the grid: in `[0, 1e9]`.
    below_top: u64,
    place: usize,
}

/// How many bits of a packed key hold the place; the 30 above hold
/// `below_top`.
const PLACE_BITS: u32 = 34;

impl Key {
    fn new(total: f64, place: usize) -> Self {
        // `grid(total)` is in [0, 1e9]: the distance is 1e9 minus it.
        Key {
            below_top: grid(1.0).abs_diff(grid(total)),
            place,
        }
    }

    /// The key as one integer ordered the same, for a portfolio of fewer than
    /// `1 << PLACE_BITS` candidates.
    fn packed(self) -> u64 {
        self.below_top << PLACE_BITS | self.place as u64
    }

    /// The place a packed key holds.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the place came from a usize"
    )]
    fn place_of(packed: u64) -> usize {
        (packed & ((1 << PLACE_BITS) - 1)) as usize
    }
}

/// A total below which a candidate cannot beat a given key: the key's total
/// on the grid, less half a step, times 1e9.
///
/// `grid(x) < g` exactly when `x * 1e9 < g - 0.5` (rounding half away from
/// zero, and `g - 0.5` is exact in `f64`), so the bar sorts most candidates
/// out without rounding their totals.
#[derive(Clone, Copy)]
struct Bar(f64);

impl Bar {
    /// No bar: nothing stops.
    const NONE: Bar = Bar(f64::NEG_INFINITY);

    /// The bar of `key`: a total below it is worse on the grid.
    fn below(key: &Key) -> Bar {
        let on_grid = grid(1.0).saturating_sub_unsigned(key.below_top);
        Bar(on_grid as f64 - 0.5)
    }

    /// Whether `total` is below the bar.
    fn stops(self, total: f64) -> bool {
        total * 1e9 < self.0
    }
}

/// How many candidates [`Criteria::rank`] fetches before it scores them.
const BATCH: usize = 64;

impl Ranked<'_> {
    /// Better first: total descending on the 1e-9 grid, then id ascending,
    /// so the order of the input never shows.
    pub(crate) fn order(&self, other: &Self) -> Ordering {
        grid(other.assessment.total)
            .cmp(&grid(self.assessment.total))
            .then_with(|| self.candidate.id.cmp(&other.candidate.id))
    }
}

impl Criteria {
    /// Every candidate of `portfolio`, best first: total descending, ties
    /// (equal to 1e-9) broken by id. The order of the portfolio never shows.
    #[must_use]
    pub fn rank<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
        let Some(keys) = self.sorted_keys(portfolio) else {
            return self.rank_by_comparing(portfolio);
        };
        let order = portfolio.id_order();
        let mut ranking = Vec::with_capacity(keys.len());
        // The places are in no useful order: copying a batch of candidates
        // out first, then scoring it, keeps many memory reads in flight.
        let mut batch: Vec<(usize, Evidence)> = Vec::with_capacity(BATCH);
        for keys in keys.chunks(BATCH) {
            batch.clear();
            batch.extend(keys.iter().filter_map(|&key| order.get(Key::place_of(key))));
            ranking.extend(batch.iter().filter_map(|(index, evidence)| {
                Some(Ranked {
                    candidate: portfolio.candidates().get(*index)?,
                    assessment: self.assess(evidence),
                })
            }));
        }
        ranking
    }

    /// The ranking as indices into [`Portfolio::candidates`], best first:
    /// the order of [`Criteria::rank`] without an assessment per candidate.
    ///
    /// For callers that need only the order, or page through it and assess
    /// the few they show: 8 bytes a candidate instead of a [`Ranked`].
    #[must_use]
    pub fn rank_indices(&self, portfolio: &Portfolio) -> Vec<usize> {
        let Some(keys) = self.sorted_keys(portfolio) else {
            return self.indices_by_comparing(portfolio);
        };
        let order = portfolio.id_order();
        keys.iter()
            .filter_map(|&key| order.index.get(Key::place_of(key)).copied())
            .collect()
    }

    /// Every candidate's packed key, sorted: the ranking by place in id
    /// order. `None` for a portfolio too large to pack a key in 64 bits.
    fn sorted_keys(&self, portfolio: &Portfolio) -> Option<Vec<u64>> {
        let order = portfolio.id_order();
        if order.evidence.len() >= 1 << PLACE_BITS {
            return None;
        }
        // Sorting one integer per candidate is several times faster than
        // sorting the candidates.
        let mut keys: Vec<u64> = order
            .evidence
            .iter()
            .enumerate()
            .map(|(place, evidence)| Key::new(self.assess(evidence).total, place).packed())
            .collect();
        keys.sort_unstable();
        Some(keys)
    }

    /// [`Criteria::rank`] by comparing candidates: the definition of the
    /// order, for portfolios too large to pack a key in 64 bits.
    fn rank_by_comparing<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
        let mut ranking: Vec<Ranked<'a>> = portfolio
            .candidates()
            .iter()
            .map(|candidate| Ranked {
                candidate,
                assessment: self.assess(&candidate.evidence),
            })
            .collect();
        ranking.sort_unstable_by(Ranked::order);
        ranking
    }

    /// [`Criteria::rank_indices`] by comparing candidates.
    fn indices_by_comparing(&self, portfolio: &Portfolio) -> Vec<usize> {
        // A candidate's index is its offset in the candidates' slice.
        let base = portfolio.candidates().as_ptr().addr();
        let size = size_of::<Candidate>().max(1);
        self.rank_by_comparing(portfolio)
            .iter()
            .map(|r| (std::ptr::from_ref(r.candidate).addr() - base) / size)
            .collect()
    }

    /// The candidate at `place` in id order, with its assessment.
    fn ranked_at<'a>(&self, portfolio: &'a Portfolio, place: usize) -> Option<Ranked<'a>> {
        let (index, evidence) = portfolio.id_order().get(place)?;
        Some(Ranked {
            candidate: portfolio.candidates().get(index)?,
            assessment: self.assess(&evidence),
        })
    }

    /// The candidates that lead the push, best first: the top
    /// [`leaders`](Criteria::leaders) eligible ones, in ranking order.
    ///
    /// One pass over the portfolio keeping the best few: `O(N log k)` time
    /// for `k` leaders, and no allocation per candidate.
    #[must_use]
    pub fn choose_leaders<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
        let k = self.leaders;
        // A max-heap of the best keys so far: its top is the worst kept.
        let mut kept: BinaryHeap<Key> = BinaryHeap::with_capacity(k.min(portfolio.len()));
        // Once `k` are kept, a total below this bar is below the worst kept
        // on the grid. Most candidates stop at the bar: the worst kept only
        // gets better.
        let mut bar = Bar::NONE;
        for (place, evidence) in portfolio.id_order().evidence.iter().enumerate() {
            let assessment = self.assess(evidence);
            if bar.stops(assessment.total) {
                continue;
            }
            let key = Key::new(assessment.total, place);
            let full = kept.len() >= k;
            if full && kept.peek().is_some_and(|worst| key > *worst) {
                continue;
            }
            if !self.is_eligible(&assessment) {
                continue;
            }
            if !full {
                kept.push(key);
            } else if let Some(mut worst) = kept.peek_mut() {
                *worst = key;
            }
            if kept.len() >= k
                && let Some(worst) = kept.peek()
            {
                bar = Bar::below(worst);
            }
        }
        let mut keys = kept.into_vec();
        keys.sort_unstable();
        keys.into_iter()
            .filter_map(|key| self.ranked_at(portfolio, key.place))
            .collect()
    }

    /// Whether a candidate with `assessment` may lead: its total reaches
    /// `min_score` and every score reaches its criterion's `min`.
    #[must_use]
    pub fn is_eligible(&self, assessment: &Assessment) -> bool {
        at_least(assessment.total, self.min_score) && self.meets_mins(&assessment.scores)
    }

    /// Whether every score reaches its criterion's `min`: the part of
    /// eligibility no weight changes.
    pub(crate) fn meets_mins(&self, scores: &Scores) -> bool {
        scores
            .iter()
            .all(|(criterion, score)| self.min(criterion).is_none_or(|min| at_least(score, min)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::Months;
    use crate::criterion::{BottomLine, Change, Lead, Motivation, Phase, SponsorLevel, Visibility};

    /// Candidates with many exact ties, in an order unlike their ids'.
    fn portfolio() -> Portfolio {
        let candidates = (0..200)
            .map(|i: u32| {
                let evidence = Evidence {
                    duration: Months::new(f64::from(1 + (i * 7) % 40)).unwrap(),
                    visibility: Visibility::ALL[(i % 3) as usize],
                    change: Change::ALL[(i / 3 % 3) as usize],
                    phase: Phase::ALL[(i / 2 % 5) as usize],
                    remedial: i % 7 == 0,
                    bottom_line: BottomLine::ALL[(i / 5 % 3) as usize],
                    lead: Lead::ALL[(i / 4 % 3) as usize],
                    sponsor_level: SponsorLevel::ALL[(i % 4) as usize],
                    sponsor_motivation: Motivation::ALL[(i / 6 % 3) as usize],
                };
                Candidate::new(format!("c{}", (i * 37) % 211), evidence)
            })
            .collect();
        Portfolio::new(candidates).unwrap()
    }

    fn ids<'a>(ranking: &[Ranked<'a>]) -> Vec<&'a str> {
        ranking.iter().map(|r| r.candidate.id.as_str()).collect()
    }

    #[test]
    fn packed_keys_rank_as_comparing_candidates_does() {
        let criteria = Criteria::default();
        let portfolio = portfolio();
        let ranking = criteria.rank(&portfolio);
        assert_eq!(ranking, criteria.rank_by_comparing(&portfolio));
        // The portfolio has ties, so the ids decided some places.
        assert!(
            ranking
                .windows(2)
                .any(|w| grid(w[0].assessment.total) == grid(w[1].assessment.total))
        );
    }

    #[test]
    fn rank_indices_are_the_ranking_in_every_path() {
        let criteria = Criteria::default();
        let portfolio = portfolio();
        let expected: Vec<usize> = criteria
            .rank(&portfolio)
            .iter()
            .map(|r| {
                portfolio
                    .candidates()
                    .iter()
                    .position(|c| c.id == r.candidate.id)
                    .unwrap()
            })
            .collect();
        assert_eq!(criteria.rank_indices(&portfolio), expected);
        assert_eq!(criteria.indices_by_comparing(&portfolio), expected);
    }

    #[test]
    fn the_leaders_are_the_first_eligible_of_the_ranking() {
        let portfolio = portfolio();
        for leaders in [1, 3, 10, 1000] {
            let criteria = Criteria::default().with_leaders(leaders).unwrap();
            let expected: Vec<Ranked<'_>> = criteria
                .rank(&portfolio)
                .into_iter()
                .filter(|r| criteria.is_eligible(&r.assessment))
                .take(leaders)
                .collect();
            let chosen = criteria.choose_leaders(&portfolio);
            assert_eq!(ids(&chosen), ids(&expected));
            assert_eq!(chosen, expected);
        }
    }

    #[test]
    fn the_bar_stops_exactly_the_totals_below_the_key_on_the_grid() {
        // The neighbours of `x` in f64, within [0, 1].
        let around = |x: f64| {
            let bits = x.to_bits();
            [bits.saturating_sub(1), bits, bits + 1].map(|b| f64::from_bits(b).clamp(0.0, 1.0))
        };
        for below_top in [0, 1, 2, 123_456_789, 999_999_999, 1_000_000_000] {
            let bar = Bar::below(&Key {
                below_top,
                place: 0,
            });
            let on_grid = 1e9 - below_top as f64;
            for edge in [on_grid - 0.5, on_grid, on_grid + 0.5, on_grid - 1.5] {
                for x in around((edge / 1e9).clamp(0.0, 1.0)) {
                    let below = Key::new(x, 1).below_top > below_top;
                    assert_eq!(bar.stops(x), below, "{x} against {below_top}");
                }
            }
        }
    }
}
