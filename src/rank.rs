//! The deterministic ranking, and choosing the leaders without sorting all.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::candidate::{Candidate, Evidence, Portfolio};
use crate::constrain::Outcome;
use crate::criteria::Criteria;
use crate::error::Result;
use crate::score::Assessment;
use crate::select::{Key, LeaderRule, MAX_PACKED, Offer, grid, packed_key};

/// A candidate with its assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked<'a> {
    /// The candidate.
    pub candidate: &'a Candidate,
    /// Its scores and total.
    pub assessment: Assessment,
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
    ///
    /// Eligibility plays no part: [`Criteria::plan`] says who may lead.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let ranking = Criteria::default().rank(&portfolio);
    /// let ids: Vec<&str> = ranking.iter().map(|r| r.candidate.id.as_str()).collect();
    /// assert_eq!(ids[..3], ["crm-rollout", "order-to-cash", "warehouse-scanning"]);
    /// assert_eq!(ranking.len(), portfolio.len());
    /// assert!(ranking.windows(2).all(|w| w[0].assessment.total >= w[1].assessment.total));
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    #[must_use]
    pub fn rank<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
        self.rank_with_places(portfolio).1
    }

    /// The ranking as places in id order, and as [`Ranked`] candidates,
    /// side by side.
    pub(crate) fn rank_with_places<'a>(
        &self,
        portfolio: &'a Portfolio,
    ) -> (Vec<usize>, Vec<Ranked<'a>>) {
        let places = self.rank_places(portfolio);
        let mut ranking = Vec::with_capacity(places.len());
        // The places are in no useful order: copying a batch of candidates
        // out first, then scoring it, keeps many memory reads in flight.
        let mut batch: Vec<(usize, Evidence)> = Vec::with_capacity(BATCH);
        let order = portfolio.id_order();
        for places in places.chunks(BATCH) {
            batch.clear();
            batch.extend(places.iter().filter_map(|&place| order.get(place)));
            ranking.extend(batch.iter().filter_map(|(index, evidence)| {
                Some(Ranked {
                    candidate: portfolio.candidates().get(*index)?,
                    assessment: self.assess(evidence),
                })
            }));
        }
        (places, ranking)
    }

    /// The ranking as indices into [`Portfolio::candidates`], best first:
    /// the order of [`Criteria::rank`] without an assessment per candidate.
    ///
    /// For callers that need only the order, or page through it and assess
    /// the few they show: 8 bytes a candidate instead of a [`Ranked`].
    #[must_use]
    pub fn rank_indices(&self, portfolio: &Portfolio) -> Vec<usize> {
        let order = portfolio.id_order();
        let mut places = self.rank_places(portfolio);
        for place in &mut places {
            *place = order.index(*place).unwrap_or(*place);
        }
        places
    }

    /// The ranking as places in id order, best first.
    pub(crate) fn rank_places(&self, portfolio: &Portfolio) -> Vec<usize> {
        let evidence = portfolio.id_order().evidence();
        if evidence.len() >= MAX_PACKED {
            return self.places_by_comparing(portfolio);
        }
        // Sorting one integer per candidate is several times faster than
        // sorting the candidates.
        let mut keys: Vec<u64> = evidence
            .iter()
            .enumerate()
            .map(|(place, evidence)| packed_key(self.assess(evidence).total, place))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(Key::place_of).collect()
    }

    /// [`Criteria::rank_places`] by comparing keys: for portfolios too large
    /// to pack a key in 64 bits.
    fn places_by_comparing(&self, portfolio: &Portfolio) -> Vec<usize> {
        let mut keys: Vec<Key> = (portfolio.id_order().evidence().iter().enumerate())
            .map(|(place, evidence)| Key::new(self.assess(evidence).total, place))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|key| key.place).collect()
    }

    /// The candidate at `place` in id order, with its assessment.
    pub(crate) fn ranked_at<'a>(
        &self,
        portfolio: &'a Portfolio,
        place: usize,
    ) -> Option<Ranked<'a>> {
        let (index, evidence) = portfolio.id_order().get(place)?;
        Some(Ranked {
            candidate: portfolio.candidates().get(index)?,
            assessment: self.assess(&evidence),
        })
    }

    /// The candidates that lead the push, best first: the top
    /// [`leaders`](Criteria::leaders) eligible ones, in ranking order, or
    /// under `[constraints]` the best set that can lead together, as
    /// [`Criteria::plan`] chooses them.
    ///
    /// One pass over the portfolio keeping the best few: `O(N log k)` time
    /// for `k` leaders, and no allocation per candidate. Under constraints
    /// it keeps the best `4k + 64` and the must-leads, and ranks everyone
    /// only when those do not settle the leaders.
    ///
    /// # Errors
    ///
    /// As [`Criteria::plan`]: a constraint that names a candidate the
    /// portfolio does not hold, or constraints that cannot all hold.
    pub fn choose_leaders<'a>(&self, portfolio: &'a Portfolio) -> Result<Vec<Ranked<'a>>> {
        let rule = LeaderRule::new(self, portfolio)?;
        let offer = |place: usize| {
            let ranked = self.ranked_at(portfolio, place)?;
            let eligible = self.is_eligible(&ranked.assessment);
            Some((ranked, Offer { place, eligible }))
        };
        let mut leaders = Vec::with_capacity(portfolio.len().min(rule.leaders()));
        if let Some(k) = rule.best_eligible_suffice() {
            let places = self.best_eligible(portfolio, k);
            rule.choose(places.into_iter().filter_map(offer), |r| leaders.push(r));
            return Ok(leaders);
        }
        let mut first = self.best_eligible(
            portfolio,
            rule.leaders().saturating_mul(4).saturating_add(64),
        );
        let mut must: Vec<Key> = (rule.must().iter())
            .filter(|place| !first.contains(place))
            .filter_map(|&place| {
                Some(Key::new(
                    self.ranked_at(portfolio, place)?.assessment.total,
                    place,
                ))
            })
            .collect();
        if !must.is_empty() {
            must.sort_unstable();
            let mut keys: Vec<Key> = (first.iter())
                .filter_map(|&place| {
                    Some(Key::new(
                        self.ranked_at(portfolio, place)?.assessment.total,
                        place,
                    ))
                })
                .chain(must)
                .collect();
            keys.sort_unstable();
            first = keys.into_iter().map(|key| key.place).collect();
        }
        let outcome =
            rule.choose_from_first(first.into_iter().filter_map(offer), |r| leaders.push(r));
        if outcome != Outcome::Undecided && outcome != Outcome::Infeasible {
            return Ok(leaders);
        }
        let places = self.rank_places(portfolio);
        rule.choose(places.iter().copied().filter_map(offer), |r| {
            leaders.push(r);
        })
        .ok_or_else(|| {
            rule.conflict(
                self,
                places.iter().filter_map(|&p| offer(p).map(|(_, o)| o)),
            )
        })?;
        Ok(leaders)
    }

    /// The places of the best `k` eligible candidates, best first: one
    /// pass, keeping a heap of `k`.
    fn best_eligible(&self, portfolio: &Portfolio, k: usize) -> Vec<usize> {
        // A max-heap of the best keys so far: its top is the worst kept.
        let mut kept: BinaryHeap<Key> = BinaryHeap::with_capacity(k.min(portfolio.len()));
        // Once `k` are kept, a total below this bar is below the worst kept
        // on the grid. Most candidates stop at the bar: the worst kept only
        // gets better.
        let mut bar = Bar::NONE;
        for (place, evidence) in portfolio.id_order().evidence().iter().enumerate() {
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
        keys.into_iter().map(|key| key.place).collect()
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
                    remedial: i.is_multiple_of(7),
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

    impl Criteria {
        /// The definition of the order: every candidate, compared.
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
        let by_comparing: Vec<usize> = (criteria.places_by_comparing(&portfolio).into_iter())
            .map(|place| portfolio.at_place(place).unwrap().0)
            .collect();
        assert_eq!(by_comparing, expected);
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
            let chosen = criteria.choose_leaders(&portfolio).unwrap();
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
