//! Push and pull: who leads, and why each of the others follows.

use std::fmt;
use std::str::FromStr;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::criterion::Criterion;
use crate::criterion::Scores;
use crate::error::Error;
use crate::rank::Ranked;
use crate::score::Assessment;
use crate::select::{LeaderRule, Offer, at_least, grid};

/// What a candidate does in the deployment.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// A demonstration project: the methodology is pushed through it.
    Lead,
    /// Follows once the leaders show results: the pull.
    Pull,
}

impl Role {
    /// Every role, leaders first.
    pub const ALL: &'static [Role] = &[Role::Lead, Role::Pull];

    /// The name used in JSON and tables: `lead`, `pull`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Pull => "pull",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    /// `lead` or `pull`, as `Display` and serde write them.
    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .iter()
            .copied()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| Error::UnknownName {
                what: "role",
                found: s.to_owned(),
                expected: "`lead`, `pull`".to_owned(),
            })
    }
}

/// Why a candidate does not lead.
///
/// Serialised as an object with a `kind` (`below_min_score`, `below_min`,
/// `outranked`, `tied`), the variant's fields, and the reason in words as
/// `text`; read back from the same object, `text` ignored.
#[derive(Clone, PartialEq, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
    /// It may lead, and its total ties with the last leader's on the
    /// ranking's 1e-9 grid, but ties go to the lower id: the last place went
    /// to `leader`.
    Tied {
        /// The id of the last leader, with which it ties.
        leader: String,
        /// The total they share (the leader's).
        total: f64,
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
            Reason::Tied { leader, total } => {
                write!(
                    f,
                    "eligible and tied with the last leader, {leader}, at total {total:.3}; \
                     ties go to the lower id"
                )
            }
        }
    }
}

impl Serialize for Reason {
    /// `{"kind": "below_min", "criterion": "phase", "score": 0.25, "min":
    /// 0.5, "text": "phase 0.250 is below its min of 0.5"}`: the kind, its
    /// fields, and the reason in words as `Display` gives it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(None)?;
        match self {
            Reason::BelowMinScore { score, min } => {
                out.serialize_entry("kind", "below_min_score")?;
                out.serialize_entry("score", score)?;
                out.serialize_entry("min", min)?;
            }
            Reason::BelowMin {
                criterion,
                score,
                min,
            } => {
                out.serialize_entry("kind", "below_min")?;
                out.serialize_entry("criterion", criterion)?;
                out.serialize_entry("score", score)?;
                out.serialize_entry("min", min)?;
            }
            Reason::Outranked { leaders } => {
                out.serialize_entry("kind", "outranked")?;
                out.serialize_entry("leaders", leaders)?;
            }
            Reason::Tied { leader, total } => {
                out.serialize_entry("kind", "tied")?;
                out.serialize_entry("leader", leader)?;
                out.serialize_entry("total", total)?;
            }
        }
        out.serialize_entry("text", &self.to_string())?;
        out.end()
    }
}

/// One candidate's place in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Placement {
    /// 1 for the best.
    pub rank: usize,
    /// The candidate's id.
    pub id: String,
    /// The candidate's name.
    pub name: String,
    /// The candidate's business unit, when the portfolio gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The candidate's sponsor, when the portfolio gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// Its total: the weighted mean of its scores, in `[0, 1]`.
    pub total: f64,
    /// Whether it leads or follows.
    pub role: Role,
    /// Whether it may lead: total and every criterion at their minimums.
    pub eligible: bool,
    /// Its score on each criterion, each in `[0, 1]`.
    pub scores: Scores,
    /// Why it does not lead; empty for a leader.
    pub reasons: Vec<Reason>,
}

/// Which few lead the push, and how the rest follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
            if let Some(min) = self.min_of(criterion)
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

    /// Ranks `portfolio` and plans the deployment: the top
    /// [`leaders`](Criteria::leaders) eligible candidates lead the push; all
    /// others pull, each with the reasons it does not lead.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio, Reason, Role};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let plan = Criteria::default().plan(&portfolio);
    /// assert_eq!(plan.leaders, ["crm-rollout", "order-to-cash", "warehouse-scanning"]);
    ///
    /// // Eligible, but the three places went to higher totals.
    /// let fourth = &plan.ranking[3];
    /// assert_eq!((fourth.id.as_str(), fourth.role), ("field-service-app", Role::Pull));
    /// assert_eq!(fourth.reasons, [Reason::Outranked { leaders: 3 }]);
    /// assert_eq!(fourth.unit.as_deref(), Some("Service"));
    ///
    /// // Not eligible: a cultural change is not tangible.
    /// let values = &plan.ranking[6];
    /// assert!(!values.eligible);
    /// assert_eq!(values.reasons[0].to_string(), "tangibility 0.000 is below its min of 0.5");
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    #[must_use]
    pub fn plan(&self, portfolio: &Portfolio) -> Plan {
        let places = self.rank_places(portfolio);
        let mut ranking: Vec<(usize, Placement)> = Vec::with_capacity(places.len());
        for &place in &places {
            let Some(Ranked {
                candidate,
                assessment,
            }) = self.ranked_at(portfolio, place)
            else {
                continue;
            };
            let reasons = self.shortfalls(&assessment);
            let placement = Placement {
                rank: ranking.len() + 1,
                id: candidate.id.clone(),
                name: candidate.name.clone(),
                unit: candidate.unit.clone(),
                sponsor: candidate.sponsor.clone(),
                total: assessment.total,
                role: Role::Pull,
                eligible: reasons.is_empty(),
                scores: assessment.scores,
                reasons,
            };
            ranking.push((place, placement));
        }
        let rule = LeaderRule::new(self, portfolio);
        let mut leaders = Vec::with_capacity(rule.leaders().min(ranking.len()));
        let offers = ranking.iter_mut().map(|(place, placement)| {
            let eligible = placement.eligible;
            let place = *place;
            (placement, Offer { place, eligible })
        });
        let mut last = None;
        rule.choose(offers, |placement| {
            placement.role = Role::Lead;
            leaders.push(placement.id.clone());
            last = Some((placement.id.clone(), placement.total));
        });
        let ranking = ranking
            .into_iter()
            .map(|(_, mut placement)| {
                if placement.eligible && placement.role == Role::Pull {
                    let reason = match &last {
                        Some((leader, total)) if grid(*total) == grid(placement.total) => {
                            Reason::Tied {
                                leader: leader.clone(),
                                total: *total,
                            }
                        }
                        _ => Reason::Outranked {
                            leaders: self.leaders,
                        },
                    };
                    placement.reasons.push(reason);
                }
                placement
            })
            .collect();
        Plan { leaders, ranking }
    }
}
