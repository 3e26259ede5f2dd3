//! Evidence to per-criterion scores to a total, and why each score is what it is.

use std::ops::Index;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::candidate::Evidence;
use crate::criteria::Criteria;
use crate::criterion::{Criterion, Level};

/// A public map from each criterion to a number, in [`Criterion::ALL`]
/// order: indexed by criterion, serialised as `{"duration": x, ...}`.
macro_rules! per_criterion {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $name(pub(crate) [f64; 7]);

        impl $name {
            #[doc = concat!("The ", $what, " of `criterion`.")]
            #[must_use]
            pub fn get(&self, criterion: Criterion) -> f64 {
                self.0.get(criterion.index()).copied().unwrap_or(0.0)
            }

            #[doc = concat!("Each criterion with its ", $what, ", in [`Criterion::ALL`] order.")]
            pub fn iter(&self) -> impl Iterator<Item = (Criterion, f64)> + '_ {
                Criterion::ALL.iter().copied().zip(self.0.iter().copied())
            }
        }

        impl Index<Criterion> for $name {
            type Output = f64;

            fn index(&self, criterion: Criterion) -> &f64 {
                self.0.get(criterion.index()).unwrap_or(&0.0)
            }
        }

        impl Serialize for $name {
            #[doc = concat!("A map from criterion name to ", $what, ", in [`Criterion::ALL`] order.")]
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(7))?;
                for (criterion, x) in self.iter() {
                    map.serialize_entry(criterion.as_str(), &x)?;
                }
                map.end()
            }
        }
    };
}

per_criterion! {
    /// A score in `[0, 1]` for each criterion.
    Scores, "score"
}

per_criterion! {
    /// A weight for each criterion.
    Weights, "weight"
}

impl Scores {
    /// The scores in [`Criterion::ALL`] order.
    pub(crate) fn to_array(self) -> [f64; 7] {
        self.0
    }
}

/// A candidate's scores and their weighted mean.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Assessment {
    /// The score on each criterion.
    pub scores: Scores,
    /// `sum(weight * score) / sum(weight)`, in `[0, 1]`.
    pub total: f64,
}

/// One criterion's part in a candidate's total.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    /// The criterion.
    pub criterion: Criterion,
    /// Its configured weight.
    pub weight: f64,
    /// The candidate's score on it, in `[0, 1]`.
    pub score: f64,
    /// Why, in one line: "24 months is 6 past the 18-month window".
    pub explanation: String,
}

fn lookup<L: Level>(scores: &[f64], level: L) -> f64 {
    scores.get(level.index()).copied().unwrap_or(0.0)
}

impl Criteria {
    /// The score of `evidence` on `criterion`, in `[0, 1]`.
    #[must_use]
    #[inline]
    pub fn score(&self, evidence: &Evidence, criterion: Criterion) -> f64 {
        match criterion {
            Criterion::Duration => self.duration_score(evidence.duration.get()),
            Criterion::Visibility => lookup(&self.visibility, evidence.visibility),
            Criterion::Tangibility => lookup(&self.tangibility, evidence.change),
            Criterion::Phase => {
                let score = lookup(&self.phase, evidence.phase);
                if evidence.remedial {
                    score.min(self.remedial)
                } else {
                    score
                }
            }
            Criterion::BottomLine => lookup(&self.bottom_line, evidence.bottom_line),
            Criterion::Lead => lookup(&self.lead, evidence.lead),
            Criterion::Sponsorship => {
                lookup(&self.motivation, evidence.sponsor_motivation)
                    * lookup(&self.level, evidence.sponsor_level)
            }
        }
    }

    /// The scores of `evidence` on every criterion, and their weighted mean.
    ///
    /// Pure and allocation-free: the same evidence always gives the same
    /// assessment, bit for bit.
    #[must_use]
    #[inline]
    pub fn assess(&self, evidence: &Evidence) -> Assessment {
        let mut scores = [0.0; 7];
        for (slot, &criterion) in scores.iter_mut().zip(Criterion::ALL) {
            *slot = self.score(evidence, criterion);
        }
        Assessment {
            total: self.total(&scores),
            scores: Scores(scores),
        }
    }

    /// The weighted mean of `scores`, summed in criterion order, in `[0, 1]`.
    #[inline]
    pub(crate) fn total(&self, scores: &[f64; 7]) -> f64 {
        let mut sum = 0.0;
        for (weight, score) in self.weights.iter().zip(scores) {
            sum += weight * score;
        }
        // The quotient is in [0, 1] only up to rounding.
        (sum / self.weight_sum).clamp(0.0, 1.0)
    }

    #[inline]
    fn duration_score(&self, months: f64) -> f64 {
        let [lo, hi] = self.zero;
        let [a, b] = self.full;
        // On a ramp, how far into it over its length; at or beyond a zero
        // end that is 0 or less (-inf for a ramp of length 0). One division
        // on every path: branches on random months mispredict.
        let (into, length) = if months < a {
            (months - lo, a - lo)
        } else if months > b {
            (hi - months, hi - b)
        } else {
            (1.0, 1.0)
        };
        (into / length).max(0.0)
    }

    /// Why `evidence` scores what it does on `criterion`, in one line.
    #[must_use]
    pub fn explain(&self, evidence: &Evidence, criterion: Criterion) -> String {
        match criterion {
            Criterion::Duration => {
                let months = evidence.duration.get();
                let [a, b] = self.full;
                if months < a {
                    format!(
                        "{months} months is {} short of the {a}-month window",
                        a - months
                    )
                } else if months > b {
                    format!(
                        "{months} months is {} past the {b}-month window",
                        months - b
                    )
                } else {
                    format!("{months} months is within the {a}-{b}-month window")
                }
            }
            Criterion::Visibility => format!("{} visibility", evidence.visibility),
            Criterion::Tangibility => match evidence.change {
                crate::Change::Cultural => "a cultural change: not tangible".to_owned(),
                change => format!("a {change} change: tangible"),
            },
            Criterion::Phase if evidence.remedial => format!(
                "in {}, but remedial work: at most {}",
                evidence.phase, self.remedial
            ),
            Criterion::Phase => format!("in {}", evidence.phase),
            Criterion::BottomLine => match evidence.bottom_line {
                crate::BottomLine::None => "no return to the bottom line".to_owned(),
                line => format!("{line} return to the bottom line"),
            },
            Criterion::Lead => format!("{} team lead", evidence.lead),
            Criterion::Sponsorship => format!(
                "{} sponsor at {} level",
                evidence.sponsor_motivation,
                evidence.sponsor_level.as_str().replace('_', " ")
            ),
        }
    }

    /// Each criterion's weight, score and explanation for `evidence`.
    #[must_use]
    pub fn breakdown(&self, evidence: &Evidence) -> Vec<Line> {
        Criterion::ALL
            .iter()
            .map(|&criterion| Line {
                criterion,
                weight: self.weight(criterion),
                score: self.score(evidence, criterion),
                explanation: self.explain(evidence, criterion),
            })
            .collect()
    }
}
