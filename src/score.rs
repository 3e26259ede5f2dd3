//! Evidence to per-criterion scores to a total, and why each score is what it is.

use crate::candidate::Evidence;
use crate::criteria::Criteria;
use crate::criterion::{BottomLine, Change, Criterion, PerCriterion, Scores};

/// A candidate's scores and their weighted mean.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Assessment {
    /// The score on each criterion.
    pub scores: Scores,
    /// `sum(weight * score) / sum(weight)`, in `[0, 1]`.
    pub total: f64,
}

/// One criterion's part in a candidate's total.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
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

impl Criteria {
    /// The score of `evidence` on `criterion`, in `[0, 1]`: the exact
    /// score the criteria's decimals give, rounded once to `f64`.
    #[must_use]
    #[inline]
    pub fn score(&self, evidence: &Evidence, criterion: Criterion) -> f64 {
        self.exact.units().shown(criterion, evidence)
    }

    /// The scores of `evidence` on every criterion, and their weighted mean.
    ///
    /// The total is computed exactly, from the decimals of the weights and
    /// scores as whole numbers, and rounded once to `f64`: two candidates
    /// whose totals are equal in decimals get the same `f64`. Pure and
    /// allocation-free: the same evidence always gives the same
    /// assessment, bit for bit.
    #[must_use]
    #[inline]
    pub fn assess(&self, evidence: &Evidence) -> Assessment {
        let (scores, total) = self.exact.assess(evidence);
        Assessment {
            total,
            scores: Scores(PerCriterion(scores)),
        }
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
                Change::Cultural => "a cultural change: not tangible".to_owned(),
                change => format!("a {change} change: tangible"),
            },
            Criterion::Phase if evidence.remedial => format!(
                "in {}, but remedial work: at most {}",
                evidence.phase, self.remedial
            ),
            Criterion::Phase => format!("in {}", evidence.phase),
            Criterion::BottomLine => match evidence.bottom_line {
                BottomLine::NoReturn => "no return to the bottom line".to_owned(),
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

    /// Each criterion's weight, score and explanation for `evidence`, in
    /// [`Criterion::ALL`] order.
    ///
    /// ```
    /// use spearhead::{Criteria, Criterion, Portfolio};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let erp = portfolio.get("erp-upgrade").unwrap();
    /// let lines = Criteria::default().breakdown(&erp.evidence);
    /// let duration = &lines[0];
    /// assert_eq!(duration.criterion, Criterion::Duration);
    /// assert_eq!(duration.explanation, "30 months is 12 past the 18-month window");
    /// // 0 at 36 months, 1 at 18: a third of the way back.
    /// assert!((duration.score - 1.0 / 3.0).abs() < 1e-12);
    /// assert_eq!(lines[6].explanation, "moderate sponsor at executive level");
    /// # Ok::<(), spearhead::Error>(())
    /// ```
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
