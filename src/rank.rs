//! The deterministic ranking, and choosing the leaders without sorting all.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::candidate::{Candidate, Portfolio};
use crate::criteria::Criteria;
use crate::criterion::Criterion;
use crate::score::Assessment;

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

impl Ranked<'_> {
    /// Better first: total descending on the 1e-9 grid, then id ascending,
    /// so the order of the input never shows.
    fn order(&self, other: &Self) -> Ordering {
        grid(other.assessment.total)
            .cmp(&grid(self.assessment.total))
            .then_with(|| self.candidate.id.cmp(&other.candidate.id))
    }
}

/// A heap entry: the max-heap's top is the worst kept, the one to drop.
struct Kept<'a>(Ranked<'a>);

impl PartialEq for Kept<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept<'_> {}

impl PartialOrd for Kept<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order(&other.0)
    }
}

impl Criteria {
    /// Every candidate of `portfolio`, best first: total descending, ties
    /// (equal to 1e-9) broken by id. The order of the portfolio never shows.
    #[must_use]
    pub fn rank<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
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

    /// The candidates that lead the push, best first: the top
    /// [`leaders`](Criteria::leaders) eligible ones, in ranking order.
    ///
    /// One pass over the portfolio keeping the best few: `O(N log k)` time
    /// for `k` leaders, and no allocation per candidate.
    #[must_use]
    pub fn choose_leaders<'a>(&self, portfolio: &'a Portfolio) -> Vec<Ranked<'a>> {
        let k = self.leaders;
        let mut heap: BinaryHeap<Kept<'a>> = BinaryHeap::with_capacity(k + 1);
        for candidate in portfolio.candidates() {
            let assessment = self.assess(&candidate.evidence);
            if !self.is_eligible(&assessment) {
                continue;
            }
            let entry = Kept(Ranked {
                candidate,
                assessment,
            });
            if heap.len() < k {
                heap.push(entry);
            } else if let Some(mut worst) = heap.peek_mut()
                && entry.0.order(&worst.0) == Ordering::Less
            {
                *worst = entry;
            }
        }
        let mut leaders: Vec<Ranked<'a>> = heap.into_iter().map(|Kept(r)| r).collect();
        leaders.sort_unstable_by(Ranked::order);
        leaders
    }

    /// Whether a candidate with `assessment` may lead: its total reaches
    /// `min_score` and every score reaches its criterion's `min`.
    #[must_use]
    pub fn is_eligible(&self, assessment: &Assessment) -> bool {
        at_least(assessment.total, self.min_score)
            && Criterion::ALL
                .iter()
                .all(|&criterion| match self.min(criterion) {
                    Some(min) => at_least(assessment.scores.get(criterion), min),
                    None => true,
                })
    }
}
