//! Selection: ties, eligibility, the packed ranking key, and the one rule
//! that chooses the leaders.
//!
//! This file is the one home of the leader rule. [`LeaderRule::choose`]
//! reads candidates in rank order, each as an [`Offer`] (its place in id
//! order, and whether it may lead), and says which lead. Every caller
//! that needs the leaders goes through it: the plan, one-pass
//! [`Criteria::choose_leaders`], the counterfactuals, each SMAA sample, and
//! the stability interval's shift at an end.
//!
//! A rule that needs more than "the first `leaders` eligible", such as
//! constraints on the leaders' units or sponsors, changes only this file:
//! [`LeaderRule::new`] sees the criteria and the portfolio, and every
//! [`Offer`] names its candidate by place, through which the rule can read
//! the candidate's identity ([`Portfolio::at_place`]). The callers stay as
//! they are. `choose` stops reading once the set of leaders is decided, and
//! is generic and inlined so that SMAA's per-sample loop pays nothing for
//! the call. [`LeaderRule::best_eligible_suffice`] tells one-pass
//! `choose_leaders` whether a heap of the best few is enough.
//!
//! Two analyses also reason about the plain rule's shape beyond calling
//! it, and a rule with constraints must revisit them: the counterfactuals
//! decide whether an edited candidate leads by one comparison with one
//! rival (the worst leader, or the best eligible follower), and stability's
//! interval fails where a non-leader overtakes a leader. Both call
//! `choose` for the leaders themselves.

use crate::candidate::{Evidence, Portfolio};
use crate::criteria::Criteria;
use crate::criterion::Scores;
use crate::score::Assessment;

/// Where a candidate ranks, smaller first: its exact total descending,
/// then its place in id order. Two candidates never have the same rank.
///
/// Two candidates tie exactly when their totals' numerators `N` (see
/// `src/exact.rs`) are equal, that is when the decimals of the weights and
/// scores say their totals are equal: then the id decides.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct Rank {
    /// How far the total's numerator is below `top`, that of a total of 1,
    /// as its high and low 64 bits: 8-byte aligned, so that a list of ranks
    /// turns into a list of places where it lies.
    below_top: [u64; 2],
    /// The candidate's place in id order.
    pub(crate) place: usize,
}

impl Rank {
    /// The rank of a candidate whose total is `numerator / top`, at `place`.
    #[inline]
    #[allow(clippy::cast_possible_truncation, reason = "split into its two halves")]
    pub(crate) fn new(top: u128, numerator: u128, place: usize) -> Self {
        let below = top.saturating_sub(numerator);
        Rank {
            below_top: [(below >> 64) as u64, below as u64],
            place,
        }
    }

    /// How far the total's numerator is below `top`.
    #[inline]
    pub(crate) fn below_top(self) -> u128 {
        let [high, low] = self.below_top;
        u128::from(high) << 64 | u128::from(low)
    }
}

/// [`Rank`]s packed into one `u64` each, ordered the same: `below_top`
/// above the place. For criteria and portfolios whose numerators and places
/// fit together in 64 bits, which the shipped criteria's (`top` = 126
/// million) and a million candidates' do many times over.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Packing {
    place_bits: u32,
}

impl Packing {
    /// The packing for numerators up to `top` and `n` places, when they fit.
    pub(crate) fn new(top: u128, n: usize) -> Option<Packing> {
        let place_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
        let top_bits = u128::BITS - top.leading_zeros();
        (top_bits + place_bits <= u64::BITS).then_some(Packing { place_bits })
    }

    /// The packed rank of `numerator` (at most `top`) at `place`.
    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "Packing::new checked that both fit"
    )]
    pub(crate) fn key(self, below_top: u128, place: usize) -> u64 {
        (below_top as u64) << self.place_bits | place as u64
    }

    /// How many low bits hold the place.
    pub(crate) fn bits(self) -> u32 {
        self.place_bits
    }

    /// The place a packed rank holds.
    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the place came from a usize"
    )]
    pub(crate) fn place_of(self, key: u64) -> usize {
        (key & ((1 << self.place_bits) - 1)) as usize
    }
}

impl Criteria {
    /// Whether a candidate with `assessment` may lead: its total reaches
    /// `min_score` and every score reaches its criterion's `min`, exactly
    /// as their decimals say.
    ///
    /// Each score of an assessment is `U / L` rounded once, with `L` below
    /// 2^51, so the whole numbers `U` come back from it exactly, and with
    /// them the total's numerator.
    #[must_use]
    pub fn is_eligible(&self, assessment: &Assessment) -> bool {
        let units = self.units_of(&assessment.scores);
        self.exact.units().meets_mins(&units)
            && self
                .exact
                .reaches_min_score(self.exact.numerator_of(&units))
    }

    /// Whether the total `numerator / top` reaches `min_score`.
    #[inline]
    pub(crate) fn reaches_min_score(&self, numerator: u128) -> bool {
        self.exact.reaches_min_score(numerator)
    }

    /// The whole-number scores `U` of `scores`.
    pub(crate) fn units_of(&self, scores: &Scores) -> [u128; 7] {
        let units = self.exact.units();
        scores.0.0.map(|score| units.recover(score))
    }

    /// Whether `evidence` reaches every criterion's `min`.
    #[inline]
    pub(crate) fn meets_mins_of(&self, evidence: &Evidence) -> bool {
        self.exact.units().meets_mins_of(evidence)
    }
}

/// A candidate offered to the [`LeaderRule`], in rank order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Offer {
    /// Its place in id order: who it is.
    pub(crate) place: usize,
    /// Whether it may lead: its total and every score reach their
    /// minimums.
    pub(crate) eligible: bool,
}

/// Who leads: the one rule, built once per analysis from the criteria and
/// the portfolio.
///
/// Today it is "the first [`leaders`](Criteria::leaders) eligible
/// candidates in rank order".
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeaderRule {
    leaders: usize,
}

impl LeaderRule {
    /// The rule of `criteria` for `portfolio`.
    pub(crate) fn new(criteria: &Criteria, portfolio: &Portfolio) -> Self {
        // The portfolio is where a rule on who the leaders are (their
        // units, sponsors, ...) will read them.
        let _ = portfolio;
        LeaderRule {
            leaders: criteria.leaders,
        }
    }

    /// How many lead at most.
    pub(crate) fn leaders(self) -> usize {
        self.leaders
    }

    /// Reads `ranked`, candidates best first, each with what the caller
    /// wants back and its [`Offer`], and calls `chosen` with each candidate
    /// that leads, best first. Stops reading once the leaders are decided.
    /// Returns how many lead.
    ///
    /// Candidates left out of `ranked` never lead: a caller may cut the
    /// ranking short where no candidate after may lead, or pass only the
    /// eligible ones, provided the rule would choose from those alone (see
    /// [`LeaderRule::best_eligible_suffice`]).
    #[inline]
    pub(crate) fn choose<T>(
        self,
        ranked: impl IntoIterator<Item = (T, Offer)>,
        mut chosen: impl FnMut(T),
    ) -> usize {
        let mut led = 0;
        if self.leaders == 0 {
            return led;
        }
        for (what, offer) in ranked {
            if !offer.eligible {
                continue;
            }
            chosen(what);
            led += 1;
            if led >= self.leaders {
                break;
            }
        }
        led
    }

    /// How many of the best eligible candidates always hold every leader,
    /// so that a caller may keep only those (as a heap) before it calls
    /// [`LeaderRule::choose`]; `None` when the rule must see the whole
    /// ranking.
    #[allow(
        clippy::unnecessary_wraps,
        reason = "a rule on who the leaders are will need the whole ranking"
    )]
    pub(crate) fn best_eligible_suffice(self) -> Option<usize> {
        Some(self.leaders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_takes_the_first_eligible_and_stops() {
        let rule = LeaderRule { leaders: 2 };
        let offers = [(0, false), (1, true), (2, false), (3, true), (4, true)];
        let mut read = 0;
        let mut led = Vec::new();
        let n = rule.choose(
            offers.iter().map(|&(place, eligible)| {
                read += 1;
                (place, Offer { place, eligible })
            }),
            |place| led.push(place),
        );
        assert_eq!((n, led, read), (2, vec![1, 3], 4));
    }
}
