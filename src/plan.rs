//! Push and pull: who leads, and why each of the others follows.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::criterion::Criterion;
use crate::criterion::Scores;
use crate::rank::Ranked;
use crate::score::Assessment;
use crate::select::{LeaderRule, Offer, at_least};

/// What a candidate does in the deployment.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A demonstration project: the methodology is pushed through it.
    Lead,
    /// Follows once the leaders show results: the pull.
    Pull,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Lead => "lead",
            Role::Pull => "pull",
        })
    }
}

/// Why a candidate does not lead.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Reason {
    /// Its total is below the selection's `min_score`.
    BelowMinScore {
        /// Its total.
        score: f64,
        /// The `min_score`.
        min: f64,
    },
    /// Its score on a criterion is below that criterion's `min`.
    BelowMin {
        /// The criterion.
        criterion: Criterion,
        /// Its score on it.
        score: f64,
        /// The criterion's `min`.
        min: f64,
    },
    /// It may lead, but the leader places went to better-ranked candidates.
    Outranked {
        /// How many lead.
        leaders: usize,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::BelowMinScore { score, min } => {
                write!(f, "total {score:.3} is below the min_score of {min}")
            }
            Reason::BelowMin {
                criterion,
                score,
                min,
            } => {
                write!(f, "{criterion} {score:.3} is below its min of {min}")
            }
            Reason::Outranked { leaders } => {
                write!(
                    f,
                    "eligible, but all {leaders} leader places went to higher-ranked candidates"
                )
            }
        }
    }
}

impl Serialize for Reason {
    /// The reason in words, as `Display` gives it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One candidate's place in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// 1 for the best.
    pub rank: usize,
    /// The candidate's id.
    pub id: String,
    /// The candidate's name.
    pub name: String,
    /// Its total, in `[0, 1]`.
    pub score: f64,
    /// Whether it leads or follows.
    pub role: Role,
    /// Whether it may lead: total and every criterion at their minimums.
    pub eligible: bool,
    /// Its score on each criterion.
    pub criteria: Scores,
    /// Why it does not lead; empty for a leader.
    pub reasons: Vec<Reason>,
}

/// Which few lead the push, and how the rest follow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The ids of the leaders, best first.
    pub leaders: Vec<String>,
    /// Every candidate, best first.
    pub ranking: Vec<Placement>,
}

impl Criteria {
    /// Why a candidate with `assessment` may not lead; empty when it may.
    #[must_use]
    pub fn shortfalls(&self, assessment: &Assessment) -> Vec<Reason> {
        let mut reasons = Vec::new();
        if !at_least(assessment.total, self.min_score) {
            reasons.push(Reason::BelowMinScore {
                score: assessment.total,
                min: self.min_score,
            });
        }
        for (criterion, score) in assessment.scores.iter() {
            if let Some(min) = self.min(criterion)
                && !at_least(score, min)
            {
                reasons.push(Reason::BelowMin {
                    criterion,
                    score,
                    min,
                });
            }
        }
        reasons
    }

    /// The placement at `rank` of `ranked`, following until the leader rule
    /// says otherwise.
    fn placement(&self, rank: usize, ranked: &Ranked<'_>) -> Placement {
        let reasons = self.shortfalls(&ranked.assessment);
        Placement {
            rank,
            id: ranked.candidate.id.clone(),
            name: ranked.candidate.name.clone(),
            score: ranked.assessment.total,
            role: Role::Pull,
            eligible: reasons.is_empty(),
            criteria: ranked.assessment.scores,
            reasons,
        }
    }

    /// Ranks `portfolio` and plans the deployment: the top
    /// [`leaders`](Criteria::leaders) eligible candidates lead the push; all
    /// others pull, each with the reasons it does not lead.
    #[must_use]
    pub fn plan(&self, portfolio: &Portfolio) -> Plan {
        let (places, ranked) = self.rank_with_places(portfolio);
        let mut ranking: Vec<Placement> = (ranked.iter().enumerate())
            .map(|(i, ranked)| self.placement(i + 1, ranked))
            .collect();
        let rule = LeaderRule::new(self, portfolio);
        let mut leaders = Vec::with_capacity(rule.leaders().min(ranking.len()));
        let offers = ranking.iter_mut().zip(&places).map(|(placement, &place)| {
            let eligible = placement.eligible;
            (placement, Offer { place, eligible })
        });
        rule.choose(offers, |placement| {
            placement.role = Role::Lead;
            leaders.push(placement.id.clone());
        });
        for placement in &mut ranking {
            if placement.eligible && placement.role == Role::Pull {
                placement.reasons.push(Reason::Outranked {
                    leaders: self.leaders,
                });
            }
        }
        Plan { leaders, ranking }
    }
}
