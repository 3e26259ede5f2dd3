//! The criteria settings: how candidates are scored and how many lead.

use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Motivation, PerCriterion, Phase, SponsorLevel, Visibility,
};
use crate::robustness::Robustness;

/// The shipped default criteria file, `criteria.toml`.
pub const SHIPPED_CRITERIA: &str = include_str!("../criteria.toml");

/// How candidates are scored and how many lead: weights, scales, minimums.
///
/// Every value that exists is valid: weights finite, at least 0 and not all
/// 0; scores and minimums in `[0, 1]`; windows in order; at least 1 leader.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    pub(crate) leaders: usize,
    pub(crate) min_score: f64,
    pub(crate) weights: PerCriterion<f64>,
    /// The sum of `weights`, more than 0.
    pub(crate) weight_sum: f64,
    pub(crate) mins: PerCriterion<Option<f64>>,
    pub(crate) full: [f64; 2],
    pub(crate) zero: [f64; 2],
    pub(crate) visibility: [f64; Visibility::COUNT],
    pub(crate) tangibility: [f64; Change::COUNT],
    pub(crate) phase: [f64; Phase::COUNT],
    pub(crate) remedial: f64,
    pub(crate) bottom_line: [f64; BottomLine::COUNT],
    pub(crate) lead: [f64; Lead::COUNT],
    pub(crate) motivation: [f64; Motivation::COUNT],
    pub(crate) level: [f64; SponsorLevel::COUNT],
    pub(crate) robustness: Robustness,
}

impl Criteria {
    /// Where the shipped file starts from: every key of it is set by
    /// `criteria.toml`, which a test checks against this.
    pub(crate) const BLANK: Criteria = Criteria {
        leaders: 1,
        min_score: 0.0,
        weights: PerCriterion([0.0; Criterion::COUNT]),
        weight_sum: 0.0,
        mins: PerCriterion([None; Criterion::COUNT]),
        full: [0.0; 2],
        zero: [0.0; 2],
        visibility: [0.0; Visibility::COUNT],
        tangibility: [0.0; Change::COUNT],
        phase: [0.0; Phase::COUNT],
        remedial: 0.0,
        bottom_line: [0.0; BottomLine::COUNT],
        lead: [0.0; Lead::COUNT],
        motivation: [0.0; Motivation::COUNT],
        level: [0.0; SponsorLevel::COUNT],
        robustness: Robustness::BLANK,
    };

    /// How many candidates lead the push.
    #[must_use]
    pub fn leaders(&self) -> usize {
        self.leaders
    }

    /// The total a candidate needs to lead.
    #[must_use]
    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// The relative weight of `criterion`, as configured.
    #[must_use]
    pub fn weight(&self, criterion: Criterion) -> f64 {
        self.weights[criterion]
    }

    /// The score on `criterion` below which a candidate may not lead.
    #[must_use]
    pub fn min(&self, criterion: Criterion) -> Option<f64> {
        self.mins[criterion]
    }

    /// How [`Criteria::acceptability`] draws weights: the `[robustness]`
    /// section.
    #[must_use]
    pub fn robustness(&self) -> &Robustness {
        &self.robustness
    }
}

/// The sum of `weights`, in criterion order; `None` when they are all 0 or
/// their sum overflows.
pub(crate) fn weight_sum(weights: &PerCriterion<f64>) -> Option<f64> {
    let sum: f64 = weights.values().sum();
    (sum > 0.0 && sum.is_finite()).then_some(sum)
}
