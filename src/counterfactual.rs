//! Counterfactuals: the smallest single change of evidence that makes a
//! follower lead, or unseats a leader.
//!
//! One ranking pass finds the leaders. The others' leaders do not depend on
//! a candidate's own evidence, so whether a changed candidate leads is one
//! comparison: a follower leads once it is eligible and ranks above the
//! worst leader; a leader stays while it is eligible and ranks above the
//! best eligible follower. When fewer than `leaders` are eligible, being
//! eligible is enough.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::candidate::{Evidence, Field, Months, Portfolio, evidence_fields};
use crate::constrain::Bound;
use crate::criteria::Criteria;
use crate::criterion::{
    BottomLine, Change, Lead, Level, Motivation, Phase, SponsorLevel, Visibility, parse_level,
};
use crate::error::Result;
use crate::plan::Role;
use crate::rank::Ranked;
use crate::select::{LeaderRule, Offer, Rank};

/// The most months a duration is changed to: 100 years. Every whole month
/// from 1 to the first past the zero window's upper end is tried, and
/// no more than this many.
pub(crate) const MAX_MONTHS: u32 = 1200;

/// A value as JSON or TOML gives it, before its field says what it is.
#[derive(Deserialize)]
#[serde(untagged, expecting = "a number, a boolean or a level")]
enum Raw {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// What the counterfactual search needs of an evidence field's type.
trait FieldValue: Sized {
    /// Where the value sits in its field's order: months, a level's
    /// position in its `ALL`, or 0 for `false` and 1 for `true`.
    fn position(self) -> f64;

    /// The value from its [`Raw`] form, or why it is none.
    fn from_raw(raw: Raw) -> Result<Self, String>;

    /// The values an edit may set the field to, in order, whose `current`
    /// value is this: the whole months from 1 to `last_month`, every
    /// level, or the other boolean.
    fn edits(current: Self, last_month: u32) -> impl Iterator<Item = Self>;
}

impl FieldValue for Months {
    fn position(self) -> f64 {
        self.get()
    }

    fn from_raw(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Number(months) => Months::new(months).map_err(|e| e.to_string()),
            _ => Err("duration_months must be a number of months".to_owned()),
        }
    }

    fn edits(_: Self, last_month: u32) -> impl Iterator<Item = Self> {
        (1..=last_month).filter_map(|m| Months::new(f64::from(m)).ok())
    }
}

impl FieldValue for bool {
    fn position(self) -> f64 {
        f64::from(u8::from(self))
    }

    fn from_raw(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Bool(b) => Ok(b),
            _ => Err("remedial must be true or false".to_owned()),
        }
    }

    fn edits(current: Self, _: u32) -> impl Iterator<Item = Self> {
        [!current].into_iter()
    }
}

impl<L: Level> FieldValue for L {
    fn position(self) -> f64 {
        self.index() as f64
    }

    fn from_raw(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Text(text) => parse_level(&text).map_err(|e| e.to_string()),
            _ => Err(format!("a {} must be one of its names", L::WHAT)),
        }
    }

    fn edits(_: Self, _: u32) -> impl Iterator<Item = Self> {
        L::ALL.iter().copied()
    }
}

/// [`Value`] and the edits of evidence from
/// [`evidence_fields!`](crate::candidate::evidence_fields): each [`Field`]
/// with the [`Evidence`] field that holds it and its type.
macro_rules! values {
    ($(
        #[doc = $doc:literal]
        $(#[serde($($serde:tt)*)])?
        $key:ident($input:ty) => $slot:ident: $ty:ty, $field:ident, $n:literal $criterion:ident;
    )+) => {
        /// The value of one evidence field, as the portfolio file gives it.
        #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum Value {
            $(
                #[doc = concat!("The value of [`Field::", stringify!($field), "`].")]
                $field($ty),
            )+
        }

        impl Value {
            /// The value of `field` in `evidence`.
            #[must_use]
            pub fn of(evidence: &Evidence, field: Field) -> Value {
                match field {
                    $(Field::$field => Value::$field(evidence.$slot),)+
                }
            }

            /// The field this is a value of.
            #[must_use]
            pub fn field(self) -> Field {
                match self {
                    $(Value::$field(_) => Field::$field,)+
                }
            }

            /// A copy of `evidence` with its field set to this value.
            #[must_use]
            pub fn applied_to(self, evidence: &Evidence) -> Evidence {
                let mut out = *evidence;
                match self {
                    $(Value::$field(value) => out.$slot = value,)+
                }
                out
            }

            /// The value of `field` that `raw` gives, or why it is none.
            fn read(field: Field, raw: Raw) -> Result<Value, String> {
                match field {
                    $(Field::$field => <$ty>::from_raw(raw).map(Value::$field),)+
                }
            }

            /// Where the value sits in its field's order: months, a level's
            /// position in its `ALL`, or 0 for `false` and 1 for `true`.
            fn position(self) -> f64 {
                match self {
                    $(Value::$field(value) => value.position(),)+
                }
            }

            /// Every value an edit may set a field of `current` to, field
            /// by field in [`Field::ALL`] order, the current ones among
            /// them: see [`FieldValue::edits`].
            fn edits(current: Evidence, last_month: u32) -> impl Iterator<Item = Value> {
                std::iter::empty()
                    $(.chain(<$ty>::edits(current.$slot, last_month).map(Value::$field)))+
            }
        }

        impl fmt::Display for Value {
            /// As the portfolio file writes it, without quotes: `24`, `strong`,
            /// `true`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Value::$field(value) => value.fmt(f),)+
                }
            }
        }
    };
}

evidence_fields!(values);

/// One evidence field set to another value: "`sponsor_motivation moderate
/// -> strong`".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edit {
    from: Value,
    to: Value,
}

impl Edit {
    /// The edit that sets `to`'s field of `evidence` to `to`.
    #[must_use]
    pub fn new(evidence: &Evidence, to: Value) -> Edit {
        Edit {
            from: Value::of(evidence, to.field()),
            to,
        }
    }

    /// The field it changes.
    #[must_use]
    pub fn field(&self) -> Field {
        self.to.field()
    }

    /// The field's value before the edit.
    #[must_use]
    pub fn before(&self) -> Value {
        self.from
    }

    /// The field's value after the edit.
    #[must_use]
    pub fn after(&self) -> Value {
        self.to
    }

    /// `evidence` with the edit made.
    #[must_use]
    pub fn apply(&self, evidence: &Evidence) -> Evidence {
        self.to.applied_to(evidence)
    }

    /// How far the value moves: months, levels along the field's `ALL`, or
    /// 1 for `remedial`.
    fn distance(&self) -> f64 {
        (self.to.position() - self.from.position()).abs()
    }
}

impl fmt::Display for Edit {
    /// "`duration_months 24 -> 18`".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> {}", self.field(), self.from, self.to)
    }
}

impl Serialize for Edit {
    /// `{"field": "duration_months", "from": 24.0, "to": 18.0}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Edit", 3)?;
        out.serialize_field("field", &self.field())?;
        out.serialize_field("from", &self.from)?;
        out.serialize_field("to", &self.to)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for Edit {
    /// `{"field": "duration_months", "from": 24.0, "to": 18.0}`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        EditData::deserialize(deserializer)?
            .edit()
            .map_err(de::Error::custom)
    }
}

/// An [`Edit`] or a [`Flip`] as serde reads it; `change`, the words, is
/// ignored.
#[derive(Deserialize)]
struct EditData {
    field: Field,
    from: Raw,
    to: Raw,
    #[serde(default)]
    total: Option<f64>,
}

impl EditData {
    fn edit(self) -> Result<Edit, String> {
        Ok(Edit {
            from: Value::read(self.field, self.from)?,
            to: Value::read(self.field, self.to)?,
        })
    }
}

/// The edit that flips a candidate's role, and its total after the edit.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Flip {
    /// The edit.
    pub edit: Edit,
    /// The candidate's total after it, in `[0, 1]`.
    pub total: f64,
}

impl fmt::Display for Flip {
    /// "`lead credible -> unproven (total 0.871)`".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (total {:.3})", self.edit, self.total)
    }
}

impl<'de> Deserialize<'de> for Flip {
    /// As [`Flip`] serialises: `{"change": ..., "field": ..., "from": ...,
    /// "to": ..., "total": ...}`; `change` is ignored.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = EditData::deserialize(deserializer)?;
        let total = data
            .total
            .ok_or_else(|| de::Error::missing_field("total"))?;
        let edit = data.edit().map_err(de::Error::custom)?;
        Ok(Flip { edit, total })
    }
}

impl Serialize for Flip {
    /// `{"change": "lead credible -> unproven", "field": "lead", "from":
    /// "credible", "to": "unproven", "total": 0.871}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Flip", 5)?;
        out.serialize_field("change", &self.edit.to_string())?;
        out.serialize_field("field", &self.edit.field())?;
        out.serialize_field("from", &self.edit.from)?;
        out.serialize_field("to", &self.edit.to)?;
        out.serialize_field("total", &self.total)?;
        out.end()
    }
}

/// The smallest edit that brings a candidate level with its rival, where
/// the id decides: a follower that would tie with the last leader and lose
/// the tie, or a leader that would tie with the best eligible follower and
/// win it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Tie {
    /// The edit.
    pub edit: Edit,
    /// The total it would share with the rival, exactly.
    pub total: f64,
    /// The rival's id: the last leader, or the best eligible follower.
    pub with: String,
}

impl Serialize for Tie {
    /// `{"change": "sponsor_motivation moderate -> strong", "field": ...,
    /// "from": ..., "to": ..., "total": 0.884, "with": "warehouse-scanning"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Tie", 6)?;
        out.serialize_field("change", &self.edit.to_string())?;
        out.serialize_field("field", &self.edit.field())?;
        out.serialize_field("from", &self.edit.from)?;
        out.serialize_field("to", &self.edit.to)?;
        out.serialize_field("total", &self.total)?;
        out.serialize_field("with", &self.with)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for Tie {
    /// As [`Tie`] serialises; `change` is ignored.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct TieData {
            #[serde(flatten)]
            edit: EditData,
            with: String,
        }
        let data = TieData::deserialize(deserializer)?;
        let total = (data.edit.total).ok_or_else(|| de::Error::missing_field("total"))?;
        let edit = data.edit.edit().map_err(de::Error::custom)?;
        Ok(Tie {
            edit,
            total,
            with: data.with,
        })
    }
}

/// What the smallest single edit of a candidate's evidence would do: make a
/// follower lead, or unseat a leader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Counterfactual {
    /// The candidate's rank, 1 for the best, as in the plan.
    pub rank: usize,
    /// The candidate's id.
    pub id: String,
    /// Its role now.
    pub role: Role,
    /// Its total now, in `[0, 1]`.
    pub total: f64,
    /// The smallest edit that gives it the other role; `None` when no
    /// single edit does.
    pub flip: Option<Flip>,
    /// When no single edit flips its role, the smallest that ties it with
    /// its rival, the id deciding; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie: Option<Tie>,
}

impl fmt::Display for Counterfactual {
    /// "`visibility moderate -> high makes it lead (total 1.000)`", "`no
    /// single change unseats it`".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.role {
            Role::Lead => "unseats it",
            Role::Pull => "makes it lead",
        };
        match (&self.flip, &self.tie) {
            (Some(flip), _) => write!(f, "{} {what} (total {:.3})", flip.edit, flip.total),
            (None, Some(tie)) => {
                write!(
                    f,
                    "no single change {what}: {} ties it with {} (total {:.3}), \
                     and the tie goes to ",
                    tie.edit, tie.with, tie.total
                )?;
                match self.role {
                    Role::Lead => f.write_str("it, by its lower id"),
                    Role::Pull => write!(f, "{}, by its lower id", tie.with),
                }
            }
            (None, None) => write!(f, "no single change {what}"),
        }
    }
}

impl Criteria {
    /// Every candidate of `portfolio` in ranking order, with the smallest
    /// single edit of its evidence that would flip its role in
    /// [`Criteria::plan`]: make a follower lead, or unseat a leader.
    ///
    /// An edit sets one [`Field`](crate::Field) to another value: another
    /// level, `remedial` toggled, or another whole number of months from 1 to
    /// the first past the duration's zero window (at most 1200). The
    /// smallest moves the total least, exactly; ties go to the field
    /// first in [`Field::ALL`](crate::Field::ALL), then to the value that
    /// moves least (months, or levels along the level's `ALL`), then to the
    /// lower value.
    ///
    /// One ranking pass, then each candidate's edits against one rival: the
    /// worst leader for a follower, the best eligible follower for a leader.
    /// Under `[constraints]` there is no one rival: for each candidate the
    /// rule finds, by binary search over where it could stand among the
    /// others (`O(log N)` runs of the rule), the lowest place at which it
    /// still leads, and each edit is judged by where it would stand. A
    /// must-lead leads whatever its evidence, a `must_not_lead` never, and
    /// no tie is reported.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio};
    ///
    /// let portfolio: Portfolio = r#"
    ///     [[candidate]]
    ///     id = "crm-rollout"
    ///     duration_months = 15
    ///     visibility = "high"
    ///     change = "technology"
    ///     phase = "design"
    ///     bottom_line = "direct"
    ///     lead = "experienced"
    ///     sponsor_level = "director"
    ///     sponsor_motivation = "strong"
    ///
    ///     [[candidate]]
    ///     id = "erp-upgrade"
    ///     duration_months = 15
    ///     visibility = "high"
    ///     change = "technology"
    ///     phase = "design"
    ///     bottom_line = "direct"
    ///     lead = "credible"
    ///     sponsor_level = "director"
    ///     sponsor_motivation = "moderate"
    /// "#
    /// .parse()?;
    /// let criteria = Criteria::default().with_leaders(1)?;
    /// let counterfactuals = criteria.counterfactuals(&portfolio)?;
    /// // crm-rollout leads at 0.971; erp-upgrade follows at 0.929.
    /// assert_eq!(
    ///     counterfactuals[0].to_string(),
    ///     "duration_months 15 -> 9 unseats it (total 0.924)"
    /// );
    /// assert_eq!(
    ///     counterfactuals[1].to_string(),
    ///     "sponsor_motivation moderate -> strong makes it lead (total 1.000)"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Criteria::plan`]: a constraint that names a candidate the
    /// portfolio does not hold, or constraints that cannot all hold.
    pub fn counterfactuals(&self, portfolio: &Portfolio) -> Result<Vec<Counterfactual>> {
        counterfactuals(self, portfolio)
    }
}

/// Whether an edited candidate leads, all others as they are.
enum Judge<'r, 'a> {
    /// Without constraints: when it is eligible and ranks above the rival,
    /// if any (with every place taken, the worst leader for a follower and
    /// the best eligible follower for a leader), given with its rank.
    Rival(Option<(Rank, &'r Ranked<'a>)>),
    /// Under constraints: when it leads by decision, or may lead and stands
    /// no lower than `lowest` among the others, whose ranks are `others`.
    Slot {
        others: Vec<Rank>,
        lowest: Option<usize>,
        decided: bool,
        banned: bool,
    },
}

impl Judge<'_, '_> {
    /// Whether a candidate that is `eligible` or not, at `rank`, leads.
    fn leads(&self, eligible: bool, rank: Rank) -> bool {
        match self {
            Judge::Rival(rival) => eligible && rival.is_none_or(|(at, _)| rank < at),
            Judge::Slot {
                others,
                lowest,
                decided,
                banned,
            } => {
                let slot = others.partition_point(|other| *other < rank);
                *decided || (!banned && eligible && lowest.is_some_and(|lowest| slot <= lowest))
            }
        }
    }
}

/// Every candidate of `portfolio` in ranking order, with the smallest edit
/// that flips its role.
fn counterfactuals(criteria: &Criteria, portfolio: &Portfolio) -> Result<Vec<Counterfactual>> {
    let ranking = ranking(criteria, portfolio);
    let top = criteria.exact.top();
    let rank_of = |(ranked, offer): &(Ranked<'_>, Offer)| {
        let numerator = criteria.exact.numerator(&ranked.candidate.evidence);
        Rank::new(top, numerator, offer.place)
    };
    let rule = LeaderRule::new(criteria, portfolio)?;
    let (roles, leaders) = roles(criteria, &rule, &ranking)?;
    // The last leader, and the first eligible candidate that does not lead.
    let worst_leader = ranking
        .iter()
        .zip(&roles)
        .rev()
        .find(|(_, role)| **role == Role::Lead)
        .map(|(entry, _)| (rank_of(entry), &entry.0));
    let best_follower = ranking
        .iter()
        .zip(&roles)
        .find(|((_, offer), role)| offer.eligible && **role == Role::Pull)
        .map(|(entry, _)| (rank_of(entry), &entry.0));
    // With every leader place taken, a follower must beat the worst leader
    // and a leader the best eligible follower; otherwise eligibility is all.
    let full = leaders >= rule.leaders();
    let judge = |i: usize, role: Role| match rule.bound() {
        None => Judge::Rival(
            match role {
                Role::Lead => best_follower,
                Role::Pull => worst_leader,
            }
            .filter(|_| full),
        ),
        Some(bound) => slot_judge(criteria, bound, &ranking, i),
    };
    Ok(ranking
        .iter()
        .zip(roles)
        .enumerate()
        .map(|(i, ((ranked, offer), role))| {
            let (flip, tie) = smallest_flip(criteria, ranked, offer.place, &judge(i, role), role);
            Counterfactual {
                rank: i + 1,
                id: ranked.candidate.id.clone(),
                role,
                total: ranked.assessment.total,
                tie: tie.filter(|_| flip.is_none()),
                flip,
            }
        })
        .collect())
}

/// Every candidate of `portfolio` in ranking order, with its [`Offer`] to
/// the leader rule.
fn ranking<'a>(criteria: &Criteria, portfolio: &'a Portfolio) -> Vec<(Ranked<'a>, Offer)> {
    (criteria.rank_places(portfolio).into_iter())
        .filter_map(|place| {
            let ranked = criteria.ranked_at(portfolio, place)?;
            let eligible = criteria.is_eligible(&ranked.assessment);
            Some((ranked, Offer { place, eligible }))
        })
        .collect()
}

/// Each candidate's role in `ranking` as the `rule` chooses, and how many
/// lead.
///
/// # Errors
///
/// [`Error::Conflict`](crate::Error) when the constraints cannot all hold.
fn roles(
    criteria: &Criteria,
    rule: &LeaderRule,
    ranking: &[(Ranked<'_>, Offer)],
) -> Result<(Vec<Role>, usize)> {
    let mut roles = vec![Role::Pull; ranking.len()];
    let offers = ranking
        .iter()
        .enumerate()
        .map(|(i, (_, offer))| (i, *offer));
    let leaders = rule
        .choose(offers, |i| {
            if let Some(role) = roles.get_mut(i) {
                *role = Role::Lead;
            }
        })
        .ok_or_else(|| rule.conflict(criteria, ranking.iter().map(|(_, offer)| *offer)))?;
    Ok((roles, leaders))
}

/// How the `i`-th of `ranking` is judged under constraints: where it may
/// stand among the others and still lead.
fn slot_judge<'r, 'a>(
    criteria: &Criteria,
    bound: &Bound,
    ranking: &[(Ranked<'a>, Offer)],
    i: usize,
) -> Judge<'r, 'a> {
    let top = criteria.exact.top();
    let others = || (ranking.iter().enumerate()).filter(move |&(j, _)| j != i);
    let place = ranking.get(i).map_or(0, |(_, offer)| offer.place);
    let offers: Vec<(usize, bool)> = others()
        .map(|(_, (_, offer))| (offer.place, offer.eligible))
        .collect();
    let entrant = bound.at(place, true).unwrap_or_default();
    Judge::Slot {
        others: others()
            .map(|(_, (ranked, offer))| {
                let numerator = criteria.exact.numerator(&ranked.candidate.evidence);
                Rank::new(top, numerator, offer.place)
            })
            .collect(),
        lowest: bound.lowest_leading_slot(&offers, place),
        decided: entrant.must_lead.is_some(),
        banned: entrant.must_not_lead.is_some(),
    }
}

/// The smallest edit of `ranked`'s evidence (at `place`) that flips
/// `role`, where it leads as `judge` says; and, without constraints, the
/// smallest that leaves it eligible with the rival's total exactly,
/// where the id decides.
fn smallest_flip(
    criteria: &Criteria,
    ranked: &Ranked<'_>,
    place: usize,
    judge: &Judge<'_, '_>,
    role: Role,
) -> (Option<Flip>, Option<Tie>) {
    let evidence = &ranked.candidate.evidence;
    let top = criteria.exact.top();
    let now = Rank::new(top, criteria.exact.numerator(evidence), place);
    let mut best: Option<(Size, Flip)> = None;
    let mut best_tie: Option<(Size, Tie)> = None;
    for to in edits(criteria, evidence) {
        let edit = Edit::new(evidence, to);
        let edited = edit.apply(evidence);
        let numerator = criteria.exact.numerator(&edited);
        let rank = Rank::new(top, numerator, place);
        let eligible = criteria.reaches_min_score(numerator) && criteria.meets_mins_of(&edited);
        let leads = judge.leads(eligible, rank);
        let size = Size {
            total: rank.below_top().abs_diff(now.below_top()),
            field: edit.field().index(),
            distance: edit.distance(),
            to: to.position(),
        };
        if leads == (role == Role::Lead) {
            if let Judge::Rival(Some((at, rival))) = judge
                && eligible
                && rank.below_top() == at.below_top()
                && best_tie
                    .as_ref()
                    .is_none_or(|(smallest, _)| size.cmp(smallest).is_lt())
            {
                let tie = Tie {
                    edit,
                    total: rival.assessment.total,
                    with: rival.candidate.id.clone(),
                };
                best_tie = Some((size, tie));
            }
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(smallest, _)| size.cmp(smallest).is_lt())
        {
            best = Some((
                size,
                Flip {
                    edit,
                    total: criteria.exact.total(numerator),
                },
            ));
        }
    }
    (best.map(|(_, flip)| flip), best_tie.map(|(_, tie)| tie))
}

/// How big an edit is, smaller first: how far it moves the total, exactly
/// (as its numerator), then the field in [`Field::ALL`] order, then how far
/// the value moves, then the new value in its field's order.
#[derive(Clone, Copy)]
struct Size {
    total: u128,
    field: usize,
    distance: f64,
    to: f64,
}

impl Size {
    fn cmp(&self, other: &Self) -> Ordering {
        self.total
            .cmp(&other.total)
            .then(self.field.cmp(&other.field))
            .then(self.distance.total_cmp(&other.distance))
            .then(self.to.total_cmp(&other.to))
    }
}

/// Every value another than `evidence`'s of every field, in [`Field::ALL`]
/// order: each other level, `remedial` toggled, and each other whole number
/// of months from 1 to the first past the zero window's upper end (later
/// months score the same; at the end itself a full window that ends there
/// still gives full marks), at most [`MAX_MONTHS`].
fn edits(criteria: &Criteria, evidence: &Evidence) -> impl Iterator<Item = Value> {
    let [_, zero_end] = criteria.zero;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to [1, MAX_MONTHS] first"
    )]
    let last = (zero_end.floor() + 1.0).clamp(1.0, f64::from(MAX_MONTHS)) as u32;
    let current = *evidence;
    Value::edits(current, last).filter(move |&to| Value::of(&current, to.field()) != to)
}
