//! Push and pull: who leads, and why each of the others follows.

use std::fmt;
use std::str::FromStr;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, Portfolio};
use crate::constrain::{Hold, WhyNot};
use crate::criteria::Criteria;
use crate::criterion::Criterion;
use crate::criterion::Scores;
use crate::error::{Error, Result};
use crate::rank::Ranked;
use crate::score::Assessment;
use crate::select::{LeaderRule, Offer};

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
    fn from_str(s: &str) -> Result<Self> {
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
/// `outranked`, `tied`, and under `[constraints]` `not_to_lead`,
/// `exclusive`, `unit`, `sponsor`, `tag`, `training`, `taken`), the
/// variant's fields, and the reason in words as `text`; read back from the
/// same object, `text` ignored.
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
    /// It may lead, and its total equals the last leader's exactly, as the
    /// decimals say, but ties go to the lower id: the last place went to
    /// `leader`.
    Tied {
        /// The id of the last leader, with which it ties.
        leader: String,
        /// The total they share (the leader's).
        total: f64,
    },
    /// `must_not_lead` names it.
    NotToLead,
    /// It and a leader are an `exclusive` pair.
    Exclusive {
        /// The leader.
        with: Holder,
    },
    /// Its unit already has `per_unit` leaders.
    Unit {
        /// The unit.
        unit: String,
        /// `per_unit`.
        cap: u32,
        /// The unit's leaders.
        holders: Vec<Holder>,
    },
    /// Its sponsor already has `per_sponsor` leaders.
    Sponsor {
        /// The sponsor.
        sponsor: String,
        /// `per_sponsor`.
        cap: u32,
        /// The sponsor's leaders.
        holders: Vec<Holder>,
    },
    /// A tag it carries already has its group's `max` of leaders.
    Tag {
        /// The tag.
        tag: String,
        /// The group's `max`.
        max: u32,
        /// The leaders that carry it.
        holders: Vec<Holder>,
    },
    /// Its trainees do not fit in what the leaders leave of
    /// `training_capacity`.
    Training {
        /// `training_capacity`.
        capacity: u64,
        /// The leaders' trainees.
        used: u64,
        /// Its trainees.
        needs: u64,
    },
    /// Every leader place is taken, some by leaders ranked below it: by
    /// decision, or because a group's `min` needs them.
    Taken {
        /// How many lead.
        leaders: usize,
        /// The leaders ranked below it, and why each holds its place.
        below: Vec<Keeper>,
    },
}

/// A leader that holds a place a follower would need.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Holder {
    /// Its id.
    pub id: String,
    /// Its rank, 1 for the best.
    pub rank: usize,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, rank {}", self.id, self.rank)
    }
}

/// A leader ranked below a follower, and why it holds its place.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Keeper {
    /// Its id.
    pub id: String,
    /// Its rank, 1 for the best.
    pub rank: usize,
    /// The tag whose group's `min` needs it; `None` when it leads by
    /// decision (`must_lead`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// "1 leader", "2 leaders".
fn leaders(n: u32) -> String {
    format!("{n} leader{}", if n == 1 { "" } else { "s" })
}

/// "a, rank 1; b, rank 4".
fn holders(f: &mut fmt::Formatter<'_>, holders: &[Holder]) -> fmt::Result {
    for (i, holder) in holders.iter().enumerate() {
        let sep = if i == 0 { "" } else { "; " };
        write!(f, "{sep}{holder}")?;
    }
    Ok(())
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
            Reason::NotToLead => {
                f.write_str("must_not_lead names it: it does not lead, by decision")
            }
            Reason::Exclusive { with } => write!(f, "exclusive with {with}, which leads"),
            Reason::Unit {
                unit,
                cap,
                holders: held,
            } => {
                write!(f, "unit {unit} already has its {}: ", leaders(*cap))?;
                holders(f, held)
            }
            Reason::Sponsor {
                sponsor,
                cap,
                holders: held,
            } => {
                write!(f, "sponsor {sponsor} already has their {}: ", leaders(*cap))?;
                holders(f, held)
            }
            Reason::Tag {
                tag,
                max,
                holders: held,
            } => {
                write!(f, "tag {tag} already has its max of {}: ", leaders(*max))?;
                holders(f, held)
            }
            Reason::Training {
                capacity,
                used,
                needs,
            } => write!(
                f,
                "training capacity {capacity}: the leaders use {used}, this one needs {needs}"
            ),
            Reason::Taken { leaders, below } => {
                write!(f, "all {leaders} leader places are taken")?;
                for (i, keeper) in below.iter().enumerate() {
                    let sep = if i == 0 { "; below it, " } else { "; " };
                    let (id, rank) = (&keeper.id, keeper.rank);
                    write!(f, "{sep}{id}, rank {rank}, ")?;
                    match &keeper.tag {
                        Some(tag) => write!(f, "leads for tag {tag}'s min")?,
                        None => f.write_str("leads by decision")?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Reason {
    /// `{"kind": "below_min", "criterion": "phase", "score": 0.25, "min":
    /// 0.5, "text": "phase 0.250 is below its min of 0.5"}`: the kind, its
    /// fields, and the reason in words as `Display` gives it.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
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
            Reason::NotToLead => out.serialize_entry("kind", "not_to_lead")?,
            Reason::Exclusive { with } => {
                out.serialize_entry("kind", "exclusive")?;
                out.serialize_entry("with", with)?;
            }
            Reason::Unit { unit, cap, holders } => {
                out.serialize_entry("kind", "unit")?;
                out.serialize_entry("unit", unit)?;
                out.serialize_entry("cap", cap)?;
                out.serialize_entry("holders", holders)?;
            }
            Reason::Sponsor {
                sponsor,
                cap,
                holders,
            } => {
                out.serialize_entry("kind", "sponsor")?;
                out.serialize_entry("sponsor", sponsor)?;
                out.serialize_entry("cap", cap)?;
                out.serialize_entry("holders", holders)?;
            }
            Reason::Tag { tag, max, holders } => {
                out.serialize_entry("kind", "tag")?;
                out.serialize_entry("tag", tag)?;
                out.serialize_entry("max", max)?;
                out.serialize_entry("holders", holders)?;
            }
            Reason::Training {
                capacity,
                used,
                needs,
            } => {
                out.serialize_entry("kind", "training")?;
                out.serialize_entry("capacity", capacity)?;
                out.serialize_entry("used", used)?;
                out.serialize_entry("needs", needs)?;
            }
            Reason::Taken { leaders, below } => {
                out.serialize_entry("kind", "taken")?;
                out.serialize_entry("leaders", leaders)?;
                out.serialize_entry("below", below)?;
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
    /// Why it does not lead; empty for a leader, except one that leads by
    /// decision, whose shortfalls are listed.
    pub reasons: Vec<Reason>,
    /// Whether it leads by decision: `must_lead` names it, whatever its
    /// scores.
    #[serde(default, skip_serializing_if = "is_false")]
    pub decided: bool,
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_false(b: &bool) -> bool {
    !*b
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
    ///
    /// Its total below `min_score` comes first, then each score below its
    /// criterion's `min`, in [`Criterion::ALL`](crate::Criterion::ALL)
    /// order. Each is decided exactly, as the decimals of the weights,
    /// scores and minimums say: a total of 11/12 is below a `min_score` of
    /// `0.9166666668`, and a total of exactly `0.6` meets `0.6`.
    #[must_use]
    pub fn shortfalls(&self, assessment: &Assessment) -> Vec<Reason> {
        let units = self.units_of(&assessment.scores);
        let mut reasons = Vec::new();
        if !self.reaches_min_score(self.exact.numerator_of(&units)) {
            reasons.push(Reason::BelowMinScore {
                score: assessment.total,
                min: self.min_score,
            });
        }
        for ((criterion, score), &unit) in assessment.scores.iter().zip(&units) {
            if let Some(min) = self.min_of(criterion)
                && !self.exact.units().reaches_min(criterion, unit)
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

    /// Ranks `portfolio` and plans the deployment: the leaders push, as the
    /// rule says (the top [`leaders`](Criteria::leaders) eligible
    /// candidates, or under `[constraints]` the best set that can lead
    /// together); all others pull, each with the reasons it does not lead.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio, Reason, Role};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let plan = Criteria::default().plan(&portfolio)?;
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
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a constraint names a candidate the portfolio
    /// does not hold; [`Error::Conflict`] when the constraints cannot all
    /// hold, naming a minimal set of them.
    pub fn plan(&self, portfolio: &Portfolio) -> Result<Plan> {
        let places = self.rank_places(portfolio);
        let mut ranking: Vec<(Offer, Placement, &Candidate)> = Vec::with_capacity(places.len());
        for &place in &places {
            let Some(Ranked {
                candidate,
                assessment,
            }) = self.ranked_at(portfolio, place)
            else {
                continue;
            };
            let reasons = self.shortfalls(&assessment);
            let eligible = reasons.is_empty();
            let placement = Placement {
                rank: ranking.len() + 1,
                id: candidate.id.clone(),
                name: candidate.name.clone(),
                unit: candidate.unit.clone(),
                sponsor: candidate.sponsor.clone(),
                total: assessment.total,
                role: Role::Pull,
                eligible,
                scores: assessment.scores,
                reasons,
                decided: false,
            };
            ranking.push((Offer { place, eligible }, placement, candidate));
        }
        let rule = LeaderRule::new(self, portfolio)?;
        let offers: Vec<Offer> = ranking.iter().map(|(offer, ..)| *offer).collect();
        let mut leaders = Vec::with_capacity(rule.leaders().min(ranking.len()));
        rule.choose(offers.iter().copied().enumerate(), |i| leaders.push(i))
            .ok_or_else(|| rule.conflict(self, offers.iter().copied()))?;
        let mut why: Vec<Vec<Reason>> = vec![Vec::new(); ranking.len()];
        for (i, whys) in rule.why_not(&offers, &leaders) {
            let candidate = ranking.get(i).map(|(_, _, c)| *c);
            if let Some(slot) = why.get_mut(i) {
                *slot = (whys.into_iter())
                    .filter_map(|w| self.reason(w, candidate, &ranking))
                    .collect();
            }
        }
        let last = (leaders.last())
            .and_then(|&i| ranking.get(i))
            .map(|(_, p, _)| (p.id.clone(), p.total, self.numerator_of(&p.scores)));
        let ids = (leaders.iter())
            .filter_map(|&i| ranking.get(i).map(|(_, p, _)| p.id.clone()))
            .collect();
        let must = rule.must();
        let ranking = (ranking.into_iter().zip(why).enumerate())
            .map(|(i, ((offer, mut placement, _), constrained))| {
                if leaders.binary_search(&i).is_ok() {
                    placement.role = Role::Lead;
                    placement.decided = must.contains(&offer.place);
                } else if placement.eligible {
                    if constrained.is_empty() {
                        let numerator = self.numerator_of(&placement.scores);
                        placement
                            .reasons
                            .push(self.outranked(last.as_ref(), numerator));
                    } else {
                        placement.reasons = constrained;
                    }
                }
                placement
            })
            .collect();
        Ok(Plan {
            leaders: ids,
            ranking,
        })
    }

    /// Why an eligible candidate whose total's numerator is `numerator`
    /// does not lead when nothing
    /// but the leader places stops it: outranked, or tied with the `last`
    /// leader and behind it by id.
    fn outranked(&self, last: Option<&(String, f64, u128)>, numerator: u128) -> Reason {
        match last {
            Some((leader, at, n)) if *n == numerator => Reason::Tied {
                leader: leader.clone(),
                total: *at,
            },
            _ => Reason::Outranked {
                leaders: self.leaders,
            },
        }
    }

    /// A reason in the plan's words: names and ranks for the rule's ids and
    /// positions in `ranking`.
    fn reason(
        &self,
        why: WhyNot,
        candidate: Option<&Candidate>,
        ranking: &[(Offer, Placement, &Candidate)],
    ) -> Option<Reason> {
        let holder = |i: usize| {
            let (_, p, _) = ranking.get(i)?;
            Some(Holder {
                id: p.id.clone(),
                rank: p.rank,
            })
        };
        let all = |positions: Vec<usize>| positions.into_iter().filter_map(holder).collect();
        let tag = |g: u32| {
            let group = self.constraints.groups.get(g as usize)?;
            Some(group.tag.value.clone())
        };
        Some(match why {
            WhyNot::MustNotLead { .. } => Reason::NotToLead,
            WhyNot::Excluded { with, .. } => Reason::Exclusive {
                with: holder(with)?,
            },
            WhyNot::Unit { cap, holders, .. } => Reason::Unit {
                unit: candidate?.unit.clone()?,
                cap,
                holders: all(holders),
            },
            WhyNot::Sponsor { cap, holders, .. } => Reason::Sponsor {
                sponsor: candidate?.sponsor.clone()?,
                cap,
                holders: all(holders),
            },
            WhyNot::GroupMax {
                group,
                max,
                holders,
            } => Reason::Tag {
                tag: tag(group)?,
                max,
                holders: all(holders),
            },
            WhyNot::Capacity {
                capacity,
                used,
                needs,
            } => Reason::Training {
                capacity,
                used,
                needs,
            },
            WhyNot::Full { leaders, below } if below.is_empty() => Reason::Outranked { leaders },
            WhyNot::Full { leaders, below } => Reason::Taken {
                leaders,
                below: (below.into_iter())
                    .filter_map(|(p, hold)| {
                        let Holder { id, rank } = holder(p)?;
                        let tag = match hold {
                            Hold::ByDecision => None,
                            Hold::ForGroup(g) => Some(tag(g)?),
                        };
                        Some(Keeper { id, rank, tag })
                    })
                    .collect(),
            },
        })
    }
}
