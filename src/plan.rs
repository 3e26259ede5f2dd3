//! Push and pull: who leads, and why each of the others follows.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, Evidence, Portfolio};
use crate::constrain::{Hold, WhyNot};
use crate::criteria::Criteria;
use crate::criterion::Criterion;
use crate::criterion::Scores;
use crate::error::{Error, Result};
use crate::rank::BATCH;
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
    // Long because: one arm per kind of reason, each its one message; split,
    // the messages would no longer read side by side.
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
    // Long because: one arm per kind of reason, each its kind and fields one
    // to one, as `fmt` above words them.
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
        out.serialize_entry("text", &InWords(self))?;
        out.end()
    }
}

/// A reason in words, written straight into the output as `Display` gives
/// it: no string is made for it.
struct InWords<'a>(&'a Reason);

impl Serialize for InWords<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// One candidate's place in the plan.
///
/// Its texts borrow from the portfolio it was planned from, so a plan of a
/// million candidates copies no id; [`Placement::into_owned`] (or
/// [`Plan::into_owned`]) makes one that outlives the portfolio, as reading
/// one back from JSON does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Placement<'a> {
    /// 1 for the best.
    pub rank: usize,
    /// The candidate's id.
    pub id: Cow<'a, str>,
    /// The candidate's name.
    pub name: Cow<'a, str>,
    /// The candidate's business unit, when the portfolio gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Cow<'a, str>>,
    /// The candidate's sponsor, when the portfolio gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<Cow<'a, str>>,
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

impl Placement<'_> {
    /// This placement with texts of its own, no longer borrowed from the
    /// portfolio.
    #[must_use]
    pub fn into_owned(self) -> Placement<'static> {
        Placement {
            rank: self.rank,
            id: owned(self.id),
            name: owned(self.name),
            unit: self.unit.map(owned),
            sponsor: self.sponsor.map(owned),
            total: self.total,
            role: self.role,
            eligible: self.eligible,
            scores: self.scores,
            reasons: self.reasons,
            decided: self.decided,
        }
    }
}

/// `text`, owned.
fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

/// Which few lead the push, and how the rest follow.
///
/// Its ids and names borrow from the portfolio it was planned from: see
/// [`Plan::into_owned`] for one that outlives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan<'a> {
    /// The ids of the leaders, best first.
    pub leaders: Vec<Cow<'a, str>>,
    /// Every candidate, best first.
    pub ranking: Vec<Placement<'a>>,
}

impl Plan<'_> {
    /// This plan with texts of its own, no longer borrowed from the
    /// portfolio: to keep it, or send it, once the portfolio is gone.
    #[must_use]
    pub fn into_owned(self) -> Plan<'static> {
        Plan {
            leaders: self.leaders.into_iter().map(owned).collect(),
            ranking: (self.ranking.into_iter())
                .map(Placement::into_owned)
                .collect(),
        }
    }
}

/// A candidate's texts, as its placement borrows them.
#[derive(Clone, Copy)]
struct Texts<'a> {
    id: &'a str,
    name: &'a str,
    unit: Option<&'a str>,
    sponsor: Option<&'a str>,
}

impl<'a> Texts<'a> {
    fn of(candidate: &'a Candidate) -> Self {
        Texts {
            id: &candidate.id,
            name: &candidate.name,
            unit: candidate.unit.as_deref(),
            sponsor: candidate.sponsor.as_deref(),
        }
    }
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

    /// [`Criteria::shortfalls`] from the `evidence` itself, whose total's
    /// numerator is `numerator`: its whole-number scores are read from the
    /// evidence, not recovered from the `f64` scores of its `assessment`.
    fn shortfalls_of(
        &self,
        evidence: &Evidence,
        numerator: u128,
        assessment: &Assessment,
    ) -> Vec<Reason> {
        let units = self.exact.units();
        let mut reasons = Vec::new();
        if !self.reaches_min_score(numerator) {
            reasons.push(Reason::BelowMinScore {
                score: assessment.total,
                min: self.min_score,
            });
        }
        for (criterion, score) in assessment.scores.iter() {
            if let Some(min) = self.min_of(criterion)
                && !units.reaches_min(criterion, units.unit(criterion, evidence))
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
    /// assert_eq!((fourth.id.as_ref(), fourth.role), ("field-service-app", Role::Pull));
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
    // The batched loop stays in here: in a helper of its own, the plan
    // took twice as long at 1M (n=1000000/plan, 281 ms against 522).
    pub fn plan<'a>(&self, portfolio: &'a Portfolio) -> Result<Plan<'a>> {
        let rule = LeaderRule::new(self, portfolio)?;
        let places = self.rank_places(portfolio);
        let mut ranking: Vec<Placement<'a>> = Vec::with_capacity(places.len());
        let mut offers: Vec<Offer> = Vec::with_capacity(places.len());
        // The places are in no useful order: taking a batch of candidates'
        // evidence out first, then their texts, each in a loop that does
        // nothing else, keeps many memory reads in flight, as `rank` does
        // (one loop for both, each text read waiting on its place's, took
        // a third longer at 1M); the placements are then made from them.
        let order = portfolio.id_order();
        let mut batch: Vec<(usize, usize, Evidence)> = Vec::with_capacity(BATCH);
        let mut texts: Vec<Option<Texts<'a>>> = Vec::with_capacity(BATCH);
        for chunk in places.chunks(BATCH) {
            batch.clear();
            batch.extend(chunk.iter().filter_map(|&place| {
                let (index, evidence) = order.get(place)?;
                Some((place, index, evidence))
            }));
            texts.clear();
            texts.extend(
                (batch.iter())
                    .map(|&(_, index, _)| portfolio.candidates().get(index).map(Texts::of)),
            );
            for (&(place, _, evidence), &texts) in batch.iter().zip(&texts) {
                let Some(texts) = texts else {
                    continue;
                };
                let assessment = self.assess(&evidence);
                // Most candidates meet every minimum: the shortfalls are
                // looked for only in the others.
                let numerator = self.exact.numerator(&evidence);
                let eligible = self.reaches_min_score(numerator) && self.meets_mins_of(&evidence);
                let reasons = if eligible {
                    Vec::new()
                } else {
                    self.shortfalls_of(&evidence, numerator, &assessment)
                };
                ranking.push(Placement {
                    rank: ranking.len() + 1,
                    id: Cow::Borrowed(texts.id),
                    name: Cow::Borrowed(texts.name),
                    unit: texts.unit.map(Cow::Borrowed),
                    sponsor: texts.sponsor.map(Cow::Borrowed),
                    total: assessment.total,
                    role: Role::Pull,
                    eligible,
                    scores: assessment.scores,
                    reasons,
                    decided: false,
                });
                offers.push(Offer { place, eligible });
            }
        }
        let mut leaders = Vec::with_capacity(rule.leaders().min(ranking.len()));
        rule.choose(offers.iter().copied().enumerate(), |i| leaders.push(i))
            .ok_or_else(|| rule.conflict(self, offers.iter().copied()))?;
        let constrained = self.constrained(&rule, portfolio, &offers, &leaders, &ranking);
        let last = self.last_leader(portfolio, &leaders, &ranking, &offers);
        let ids = (leaders.iter())
            .filter_map(|&i| ranking.get(i).map(|p| p.id.clone()))
            .collect();
        mark_leaders(&mut ranking, &offers, &leaders, rule.must());
        self.explain_pulls(portfolio, &mut ranking, &offers, constrained, last.as_ref());
        Ok(Plan {
            leaders: ids,
            ranking,
        })
    }

    /// The constraints' reasons, in the plan's words, for the few
    /// candidates they stop: by position in `ranking`, best first.
    fn constrained(
        &self,
        rule: &LeaderRule,
        portfolio: &Portfolio,
        offers: &[Offer],
        leaders: &[usize],
        ranking: &[Placement<'_>],
    ) -> Vec<(usize, Vec<Reason>)> {
        (rule.why_not(offers, leaders).into_iter())
            .map(|(i, whys)| {
                let candidate = (offers.get(i))
                    .and_then(|offer| portfolio.at_place(offer.place))
                    .map(|(_, candidate)| candidate);
                let reasons = (whys.into_iter())
                    .filter_map(|w| self.reason(w, candidate, ranking))
                    .collect();
                (i, reasons)
            })
            .collect()
    }

    /// The last leader's id, total and the total's numerator, if any leads.
    fn last_leader<'a>(
        &self,
        portfolio: &Portfolio,
        leaders: &[usize],
        ranking: &[Placement<'a>],
        offers: &[Offer],
    ) -> Option<(Cow<'a, str>, f64, u128)> {
        (leaders.last())
            .and_then(|&i| Some((ranking.get(i)?, offers.get(i)?)))
            .and_then(|(p, offer)| {
                let (_, evidence) = portfolio.id_order().get(offer.place)?;
                Some((p.id.clone(), p.total, self.exact.numerator(&evidence)))
            })
    }

    /// Gives every eligible candidate that pulls its reason not to lead:
    /// the constraints' reasons where they stop it (`constrained`, by
    /// position), else outranked by or tied with the `last` leader.
    fn explain_pulls(
        &self,
        portfolio: &Portfolio,
        ranking: &mut [Placement<'_>],
        offers: &[Offer],
        constrained: Vec<(usize, Vec<Reason>)>,
        last: Option<&(Cow<'_, str>, f64, u128)>,
    ) {
        let order = portfolio.id_order();
        let mut constrained = constrained.into_iter().peekable();
        // The offers say who is eligible, in 16 bytes a candidate: most
        // placements are not read at all.
        for (i, offer) in offers.iter().enumerate() {
            if !offer.eligible {
                continue;
            }
            let Some(placement) = ranking.get_mut(i) else {
                continue;
            };
            if placement.role == Role::Lead {
                continue;
            }
            if let Some((_, reasons)) = constrained.next_if(|(at, _)| *at == i)
                && !reasons.is_empty()
            {
                placement.reasons = reasons;
                continue;
            }
            let reason = self.outranked(last, placement.total, || {
                (order.get(offer.place)).map(|(_, evidence)| self.exact.numerator(&evidence))
            });
            placement.reasons.push(reason);
        }
    }

    /// Why an eligible candidate with `total` does not lead when nothing
    /// but the leader places stops it: outranked, or tied with the `last`
    /// leader (its id, total and the total's numerator) and behind it by
    /// id. Its own numerator is asked for only when the totals are equal:
    /// equal numerators give equal totals.
    fn outranked(
        &self,
        last: Option<&(Cow<'_, str>, f64, u128)>,
        total: f64,
        numerator: impl FnOnce() -> Option<u128>,
    ) -> Reason {
        match last {
            Some((leader, at, n)) if at.to_bits() == total.to_bits() && numerator() == Some(*n) => {
                Reason::Tied {
                    leader: leader.to_string(),
                    total: *at,
                }
            }
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
        ranking: &[Placement<'_>],
    ) -> Option<Reason> {
        let holder = |i: usize| holder(ranking, i);
        let all = |positions: Vec<usize>| positions.into_iter().filter_map(holder).collect();
        let tag = |g: u32| self.tag_of(g);
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
                below: self.keepers(below, ranking),
            },
        })
    }

    /// The leaders ranked below a candidate (positions in `ranking`), each
    /// with why it holds its place.
    fn keepers(&self, below: Vec<(usize, Hold)>, ranking: &[Placement<'_>]) -> Vec<Keeper> {
        (below.into_iter())
            .filter_map(|(p, hold)| {
                let Holder { id, rank } = holder(ranking, p)?;
                let tag = match hold {
                    Hold::ByDecision => None,
                    Hold::ForGroup(g) => Some(self.tag_of(g)?),
                };
                Some(Keeper { id, rank, tag })
            })
            .collect()
    }

    /// The tag of the constraints' group `g`.
    fn tag_of(&self, g: u32) -> Option<String> {
        let group = self.constraints.groups.get(g as usize)?;
        Some(group.tag.value.clone())
    }
}

/// The candidate at position `i` of `ranking`, as a holder of a place.
fn holder(ranking: &[Placement<'_>], i: usize) -> Option<Holder> {
    let p = ranking.get(i)?;
    Some(Holder {
        id: p.id.to_string(),
        rank: p.rank,
    })
}

/// Marks the `leaders` (positions in `ranking`) as leading, and as decided
/// where the constraints say they `must` lead.
fn mark_leaders(
    ranking: &mut [Placement<'_>],
    offers: &[Offer],
    leaders: &[usize],
    must: &[usize],
) {
    for &i in leaders {
        if let (Some(placement), Some(offer)) = (ranking.get_mut(i), offers.get(i)) {
            placement.role = Role::Lead;
            placement.decided = must.contains(&offer.place);
        }
    }
}
