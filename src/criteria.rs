//! The criteria settings: how candidates are scored and how many lead.

use crate::constraints::Constraints;
use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Motivation, PerCriterion, Phase, SponsorLevel, Visibility,
};
use std::num::{NonZeroU32, NonZeroUsize};

use crate::exact::Exact;
use crate::robustness::Robustness;

/// The shipped default criteria file, `criteria.toml`.
pub const SHIPPED_CRITERIA: &str = include_str!("../criteria.toml");

/// The `Criteria` struct and its blank start, spelled once: each field
/// with its type and the value the shipped file starts from.
macro_rules! criteria {
    ($($(#[$meta:meta])* $field:ident: $ty:ty = $blank:expr,)+) => {
        /// How candidates are scored and how many lead: weights, scales,
        /// minimums.
        ///
        /// Every value that exists is valid: weights 0 or in
        /// [`Criteria::MIN_WEIGHT`] to [`Criteria::MAX_WEIGHT`] and not all
        /// 0; scores and minimums in `[0, 1]`; windows in order; at
        /// least 1 leader.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Criteria {
            $($(#[$meta])* pub(crate) $field: $ty,)+
        }

        impl Criteria {
            /// Where the shipped file starts from: every key of it is set by
            /// `criteria.toml`, which a test checks.
            pub(crate) const BLANK: Criteria = Criteria {
                $($field: $blank,)+
            };
        }
    };
}

criteria! {
    leaders: usize = 1,
    min_score: f64 = 0.0,
    weights: PerCriterion<f64> = PerCriterion([0.0; Criterion::COUNT]),
    /// The sum of `weights`, more than 0.
    weight_sum: f64 = 0.0,
    mins: PerCriterion<Option<f64>> = PerCriterion([None; Criterion::COUNT]),
    full: [f64; 2] = [0.0; 2],
    zero: [f64; 2] = [0.0; 2],
    visibility: [f64; Visibility::COUNT] = [0.0; Visibility::COUNT],
    tangibility: [f64; Change::COUNT] = [0.0; Change::COUNT],
    phase: [f64; Phase::COUNT] = [0.0; Phase::COUNT],
    remedial: f64 = 0.0,
    bottom_line: [f64; BottomLine::COUNT] = [0.0; BottomLine::COUNT],
    lead: [f64; Lead::COUNT] = [0.0; Lead::COUNT],
    motivation: [f64; Motivation::COUNT] = [0.0; Motivation::COUNT],
    level: [f64; SponsorLevel::COUNT] = [0.0; SponsorLevel::COUNT],
    robustness: Robustness = Robustness::BLANK,
    /// The numbers above as whole numbers, made whenever they change: what
    /// every total and every comparison of totals is computed from.
    exact: Exact = Exact::BLANK,
    constraints: Constraints = Constraints::BLANK,
    waves: Waves = Waves::BLANK,
}

impl Criteria {
    /// The smallest weight above 0. Weights are relative: twelve orders of
    /// magnitude between the smallest and the largest are more than any
    /// judgement needs, and within them every product of a weight and a
    /// score, and every sum of seven, stays far from overflow (three
    /// weights of 1e308 sum to infinity) and from the subnormal numbers
    /// (weights of 5e-324 leave no digits to weigh with); totals are
    /// compared exactly, as whole numbers (see `src/exact.rs`).
    pub const MIN_WEIGHT: f64 = crate::check::MIN_WEIGHT;

    /// The largest weight: see [`Criteria::MIN_WEIGHT`].
    pub const MAX_WEIGHT: f64 = crate::check::MAX_WEIGHT;
}

impl Criteria {
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
    pub fn min_of(&self, criterion: Criterion) -> Option<f64> {
        self.mins[criterion]
    }

    /// How [`Criteria::acceptability`] draws weights: the `[robustness]`
    /// section.
    #[must_use]
    pub fn robustness(&self) -> &Robustness {
        &self.robustness
    }

    /// How the pull may go after the push: the `[waves]` section.
    #[must_use]
    pub fn waves(&self) -> &Waves {
        &self.waves
    }

    /// These criteria with the pull going as `waves` says. Every [`Waves`]
    /// is valid: its limits are at least 1 by their types.
    #[must_use]
    pub fn with_waves(mut self, waves: Waves) -> Self {
        self.waves = waves;
        self
    }
}

/// How the pull may go after the push ([`Criteria::roadmap`]): the criteria
/// file's `[waves]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::struct_field_names,
    reason = "the criteria file's key is `max_waves` in `[waves]`"
)]
pub struct Waves {
    pub(crate) coach_load: NonZeroU32,
    pub(crate) max_size: Option<NonZeroUsize>,
    pub(crate) max_waves: Option<NonZeroUsize>,
}

impl Waves {
    /// Where the shipped file starts from: one project a coach, no limits.
    pub(crate) const BLANK: Waves = Waves {
        coach_load: NonZeroU32::MIN,
        max_size: None,
        max_waves: None,
    };

    /// `coach_load` projects a coach at once, at most `max_size` followers
    /// starting in a month and at most `max_waves` pull waves (`None`: no
    /// limit).
    #[must_use]
    pub const fn new(
        coach_load: NonZeroU32,
        max_size: Option<NonZeroUsize>,
        max_waves: Option<NonZeroUsize>,
    ) -> Self {
        Waves {
            coach_load,
            max_size,
            max_waves,
        }
    }

    /// How many projects one trained person may coach at once: at least 1
    /// (2 as shipped).
    #[must_use]
    pub fn coach_load(&self) -> NonZeroU32 {
        self.coach_load
    }

    /// How many followers may start in the same month; `None` for no
    /// limit.
    #[must_use]
    pub fn max_size(&self) -> Option<NonZeroUsize> {
        self.max_size
    }

    /// How many pull waves are planned; `None` for no limit.
    #[must_use]
    pub fn max_waves(&self) -> Option<NonZeroUsize> {
        self.max_waves
    }
}

/// The sum of `weights`, in criterion order; `None` when they are all 0 or
/// their sum overflows.
pub(crate) fn weight_sum(weights: &PerCriterion<f64>) -> Option<f64> {
    let sum: f64 = weights.values().sum();
    (sum > 0.0 && sum.is_finite()).then_some(sum)
}
