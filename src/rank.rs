//! The deterministic ranking, and choosing the leaders without sorting all.

use std::collections::BinaryHeap;

use crate::candidate::{Candidate, Evidence, Portfolio};
use crate::constrain::Outcome;
use crate::criteria::Criteria;
use crate::error::Result;
use crate::score::Assessment;
use crate::select::{LeaderRule, Offer, Packing, Rank};

/// A candidate with its assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked<'a> {
    /// The candidate.
    pub candidate: &'a Candidate,
    /// Its scores and total.
    pub assessment: Assessment,
}

/// How many candidates [`Criteria::rank`] fetches before it scores them.
pub(crate) const BATCH: usize = 64;

impl Criteria {
    /// Every candidate of `portfolio`, best first: total descending, exactly
    /// as the decimals say, equal totals broken by id. The order of the
    /// portfolio never shows.
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
        let top = self.exact.top();
        let Some(packing) = Packing::new(top, evidence.len()) else {
            return self.places_by_comparing(portfolio);
        };
        // Sorting one integer per candidate is several times faster than
        // sorting the candidates.
        let mut keys: Vec<u64> = evidence
            .iter()
            .enumerate()
            .map(|(place, evidence)| packing.key(top - self.exact.numerator(evidence), place))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|key| packing.place_of(key)).collect()
    }

    /// [`Criteria::rank_places`] by comparing ranks: for criteria and
    /// portfolios whose ranks do not pack into 64 bits.
    fn places_by_comparing(&self, portfolio: &Portfolio) -> Vec<usize> {
        let top = self.exact.top();
        let mut ranks: Vec<Rank> = (portfolio.id_order().evidence().iter().enumerate())
            .map(|(place, evidence)| Rank::new(top, self.exact.numerator(evidence), place))
            .collect();
        ranks.sort_unstable();
        ranks.into_iter().map(|rank| rank.place).collect()
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
        let top = self.exact.top();
        let rank_of = |place: usize| {
            let (_, evidence) = portfolio.id_order().get(place)?;
            Some(Rank::new(top, self.exact.numerator(&evidence), place))
        };
        let mut must: Vec<Rank> = (rule.must().iter())
            .filter(|place| !first.contains(place))
            .filter_map(|&place| rank_of(place))
            .collect();
        if !must.is_empty() {
            must.sort_unstable();
            let mut ranks: Vec<Rank> = (first.iter())
                .filter_map(|&place| rank_of(place))
                .chain(must)
                .collect();
            ranks.sort_unstable();
            first = ranks.into_iter().map(|rank| rank.place).collect();
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
        let evidence = portfolio.id_order().evidence();
        // One loop for each width of `N`, each with its arithmetic inlined.
        match self.exact.narrow() {
            Some(narrow) => self.best_by(evidence, k, |e, bar| {
                let bar = bar.map(|bar| u64::try_from(bar).unwrap_or(u64::MAX));
                narrow.numerator_above(e, bar).map(u128::from)
            }),
            None => self.best_by(evidence, k, |e, bar| {
                let n = self.exact.numerator(e);
                bar.is_none_or(|bar| n > bar).then_some(n)
            }),
        }
    }

    /// [`Criteria::best_eligible`] of `evidence`, in id order, with
    /// `above(e, bar)` a candidate's `N` when it is above `bar` (when there
    /// is one).
    #[inline]
    fn best_by(
        &self,
        evidence: &[Evidence],
        k: usize,
        above: impl Fn(&Evidence, Option<u128>) -> Option<u128>,
    ) -> Vec<usize> {
        let top = self.exact.top();
        // A max-heap of the best ranks so far: its top is the worst kept.
        let mut kept: BinaryHeap<Rank> = BinaryHeap::with_capacity(k.min(evidence.len()));
        // Once `k` are kept, a numerator at or below the worst kept's cannot
        // join: below it the total is lower, and at it the place, later in
        // id order, is. Most candidates stop here: the worst kept only gets
        // better.
        let mut bar: Option<u128> = None;
        for (place, evidence) in evidence.iter().enumerate() {
            let Some(numerator) = above(evidence, bar) else {
                continue;
            };
            if !(self.reaches_min_score(numerator) && self.meets_mins_of(evidence)) {
                continue;
            }
            let rank = Rank::new(top, numerator, place);
            if kept.len() < k {
                kept.push(rank);
            } else if let Some(mut worst) = kept.peek_mut() {
                *worst = rank;
            }
            if kept.len() >= k {
                bar = kept.peek().map(|worst| top - worst.below_top());
            }
        }
        let mut ranks = kept.into_vec();
        ranks.sort_unstable();
        ranks.into_iter().map(|rank| rank.place).collect()
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
            // Total descending exactly, as its numerator, then id.
            ranking.sort_unstable_by(|a, b| {
                let n = |r: &Ranked<'_>| self.exact.numerator(&r.candidate.evidence);
                n(b).cmp(&n(a))
                    .then_with(|| a.candidate.id.cmp(&b.candidate.id))
            });
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
                .any(|w| w[0].assessment.total.to_bits() == w[1].assessment.total.to_bits())
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
}
