//! Selection: ties, eligibility, the packed ranking key, and the one rule
//! that chooses the leaders.
//!
//! This file is the one home of the leader rule. [`LeaderRule::choose`]
//! reads candidates in rank order, each as an [`Offer`] (its place in id
//! order, and whether it may lead), and says which lead. Every caller
//! that needs the leaders goes through it: the plan, one-pass
//! [`Criteria::choose_leaders`], the counterfactuals, each SMAA sample, and
//! the stability interval's shift at an end.
//!
//! A rule that needs more than "the first `leaders` eligible", such as
//! constraints on the leaders' units or sponsors, changes only this file:
//! [`LeaderRule::new`] sees the criteria and the portfolio, and every
//! [`Offer`] names its candidate by place, through which the rule can read
//! the candidate's identity ([`Portfolio::at_place`]). The callers stay as
//! they are. `choose` stops reading once the set of leaders is decided, and
//! is generic and inlined so that SMAA's per-sample loop pays nothing for
//! the call. [`LeaderRule::best_eligible_suffice`] tells one-pass
//! `choose_leaders` whether a heap of the best few is enough.
//!
//! Two analyses also reason about the plain rule's shape beyond calling
//! it, and a rule with constraints must revisit them: the counterfactuals
//! decide whether an edited candidate leads by one comparison with one
//! rival (the worst leader, or the best eligible follower), and stability's
//! interval fails where a non-leader overtakes a leader. Both call
//! `choose` for the leaders themselves.

use crate::candidate::{Evidence, Portfolio};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::constrain::{Bound, Entrant, Group, Item, Marks, Outcome, Rules, WhyNot, why_not};
use crate::constraints::{Constraints, Given};
use crate::criteria::Criteria;
use crate::criterion::Scores;
use crate::error::{At, Constraint, Error, Location, Part, Result, quote};
use crate::score::Assessment;

/// Where a candidate ranks, smaller first: its exact total descending,
/// then its place in id order. Two candidates never have the same rank.
///
/// Two candidates tie exactly when their totals' numerators `N` (see
/// `src/exact.rs`) are equal, that is when the decimals of the weights and
/// scores say their totals are equal: then the id decides.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct Rank {
    /// How far the total's numerator is below `top`, that of a total of 1,
    /// as its high and low 64 bits: 8-byte aligned, so that a list of ranks
    /// turns into a list of places where it lies.
    below_top: [u64; 2],
    /// The candidate's place in id order.
    pub(crate) place: usize,
}

impl Rank {
    /// The rank of a candidate whose total is `numerator / top`, at `place`.
    #[inline]
    #[allow(clippy::cast_possible_truncation, reason = "split into its two halves")]
    pub(crate) fn new(top: u128, numerator: u128, place: usize) -> Self {
        let below = top.saturating_sub(numerator);
        Rank {
            below_top: [(below >> 64) as u64, below as u64],
            place,
        }
    }

    /// How far the total's numerator is below `top`.
    #[inline]
    pub(crate) fn below_top(self) -> u128 {
        let [high, low] = self.below_top;
        u128::from(high) << 64 | u128::from(low)
    }
}

/// [`Rank`]s packed into one `u64` each, ordered the same: `below_top`
/// above the place. For criteria and portfolios whose numerators and places
/// fit together in 64 bits, which the shipped criteria's (`top` = 126
/// million) and a million candidates' do many times over.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Packing {
    place_bits: u32,
}

impl Packing {
    /// The packing for numerators up to `top` and `n` places, when they fit.
    pub(crate) fn new(top: u128, n: usize) -> Option<Packing> {
        let place_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
        let top_bits = u128::BITS - top.leading_zeros();
        (top_bits + place_bits <= u64::BITS).then_some(Packing { place_bits })
    }

    /// The packed rank of `numerator` (at most `top`) at `place`.
    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "Packing::new checked that both fit"
    )]
    pub(crate) fn key(self, below_top: u128, place: usize) -> u64 {
        (below_top as u64) << self.place_bits | place as u64
    }

    /// How many low bits hold the place.
    pub(crate) fn bits(self) -> u32 {
        self.place_bits
    }

    /// The place a packed rank holds.
    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the place came from a usize"
    )]
    pub(crate) fn place_of(self, key: u64) -> usize {
        (key & ((1 << self.place_bits) - 1)) as usize
    }
}

impl Criteria {
    /// Whether a candidate with `assessment` may lead: its total reaches
    /// `min_score` and every score reaches its criterion's `min`, exactly
    /// as their decimals say.
    ///
    /// Each score of an assessment is `U / L` rounded once, with `L` below
    /// 2^51, so the whole numbers `U` come back from it exactly, and with
    /// them the total's numerator.
    #[must_use]
    pub fn is_eligible(&self, assessment: &Assessment) -> bool {
        let units = self.units_of(&assessment.scores);
        self.exact.units().meets_mins(&units)
            && self
                .exact
                .reaches_min_score(self.exact.numerator_of(&units))
    }

    /// Whether the total `numerator / top` reaches `min_score`.
    #[inline]
    pub(crate) fn reaches_min_score(&self, numerator: u128) -> bool {
        self.exact.reaches_min_score(numerator)
    }

    /// The numerator `N` of the total of `scores`: two totals are equal
    /// exactly when their numerators are.
    pub(crate) fn numerator_of(&self, scores: &Scores) -> u128 {
        self.exact.numerator_of(&self.units_of(scores))
    }

    /// The whole-number scores `U` of `scores`.
    pub(crate) fn units_of(&self, scores: &Scores) -> [u128; 7] {
        let units = self.exact.units();
        scores.0.0.map(|score| units.recover(score))
    }

    /// Whether `evidence` reaches every criterion's `min`.
    #[inline]
    pub(crate) fn meets_mins_of(&self, evidence: &Evidence) -> bool {
        self.exact.units().meets_mins_of(evidence)
    }
}

/// A candidate offered to the [`LeaderRule`], in rank order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Offer {
    /// Its place in id order: who it is.
    pub(crate) place: usize,
    /// Whether it may lead: its total and every score reach their
    /// minimums.
    pub(crate) eligible: bool,
}

/// Who leads: the one rule, built once per analysis from the criteria and
/// the portfolio.
///
/// Without constraints it is "the first [`leaders`](Criteria::leaders)
/// eligible candidates in rank order". With a `[constraints]` section it is
/// the largest set that satisfies them, and among those the best in rank
/// order (see `constrain.rs`).
#[derive(Clone, Debug)]
pub(crate) struct LeaderRule {
    leaders: usize,
    /// The constraints bound to the portfolio; `None` when there are none.
    bound: Option<Bound>,
}

impl LeaderRule {
    /// The rule of `criteria` for `portfolio`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a constraint names a candidate the portfolio
    /// does not hold, at the constraint's place.
    pub(crate) fn new(criteria: &Criteria, portfolio: &Portfolio) -> Result<Self> {
        Ok(LeaderRule {
            leaders: criteria.leaders,
            bound: bind(criteria, portfolio)?,
        })
    }

    /// How many lead at most.
    pub(crate) fn leaders(&self) -> usize {
        self.leaders
    }

    /// The constraints bound to the portfolio, if any.
    pub(crate) fn bound(&self) -> Option<&Bound> {
        self.bound.as_ref()
    }

    /// The places of the candidates that lead by decision (`must_lead`):
    /// a caller that cuts the ranking short must still offer them.
    pub(crate) fn must(&self) -> &[usize] {
        self.bound.as_ref().map_or(&[], Bound::must)
    }

    /// Reads `ranked`, candidates best first, each with what the caller
    /// wants back and its [`Offer`], and calls `chosen` with each candidate
    /// that leads, best first. Stops reading once the leaders are decided.
    /// Returns how many lead; `None` when the constraints cannot all hold
    /// (then no one leads).
    ///
    /// Candidates left out of `ranked` never lead: a caller may cut the
    /// ranking short where no candidate after may lead, or pass only the
    /// eligible ones (and the must-leads), provided the rule would choose
    /// from those alone (see [`LeaderRule::best_eligible_suffice`]).
    #[inline]
    pub(crate) fn choose<T>(
        &self,
        ranked: impl IntoIterator<Item = (T, Offer)>,
        mut chosen: impl FnMut(T),
    ) -> Option<usize> {
        if let Some(bound) = &self.bound {
            let offers = (ranked.into_iter()).map(|(what, o)| (what, o.place, o.eligible));
            return match bound.choose(offers, true, chosen) {
                Outcome::Chosen(led) => Some(led),
                Outcome::Undecided | Outcome::Infeasible => None,
            };
        }
        let mut led = 0;
        if self.leaders == 0 {
            return Some(led);
        }
        for (what, offer) in ranked {
            if !offer.eligible {
                continue;
            }
            chosen(what);
            led += 1;
            if led >= self.leaders {
                break;
            }
        }
        Some(led)
    }

    /// As [`LeaderRule::choose`], from the first few candidates that may
    /// lead: [`Outcome::Undecided`] when they do not settle the leaders, and
    /// then `chosen` was not called.
    pub(crate) fn choose_from_first<T>(
        &self,
        ranked: impl IntoIterator<Item = (T, Offer)>,
        chosen: impl FnMut(T),
    ) -> Outcome {
        match &self.bound {
            Some(bound) => {
                let offers = (ranked.into_iter()).map(|(what, o)| (what, o.place, o.eligible));
                bound.choose(offers, false, chosen)
            }
            None => self
                .choose(ranked, chosen)
                .map_or(Outcome::Infeasible, Outcome::Chosen),
        }
    }

    /// How many of the best eligible candidates always hold every leader,
    /// so that a caller may keep only those (as a heap) before it calls
    /// [`LeaderRule::choose`]; `None` when the rule must see the whole
    /// ranking: under constraints, or try [`LeaderRule::choose_from_first`].
    pub(crate) fn best_eligible_suffice(&self) -> Option<usize> {
        self.bound.is_none().then_some(self.leaders)
    }

    /// The error for constraints that cannot all hold over `ranked`, every
    /// candidate best first: a minimal set of them, each with its key and
    /// place in the criteria file.
    pub(crate) fn conflict(
        &self,
        criteria: &Criteria,
        ranked: impl IntoIterator<Item = Offer>,
    ) -> Error {
        let items = self.bound.as_ref().map_or_else(Vec::new, |bound| {
            bound.conflict(ranked.into_iter().map(|o| (o.place, o.eligible)))
        });
        let settings = &criteria.constraints;
        let constraints = items
            .into_iter()
            .map(|item| describe(criteria, settings, item))
            .collect();
        Error::Conflict { constraints }
    }

    /// Why each eligible candidate of `ranked` (every candidate, best
    /// first) that does not lead does not, under the constraints: its
    /// position in `ranked` and the constraints it would break. Empty
    /// without constraints.
    pub(crate) fn why_not(&self, ranked: &[Offer], leaders: &[usize]) -> Vec<(usize, Vec<WhyNot>)> {
        self.bound.as_ref().map_or_else(Vec::new, |bound| {
            let entrants: Vec<Entrant> = ranked
                .iter()
                .filter_map(|o| bound.at(o.place, o.eligible))
                .collect();
            why_not(bound.rules(), &entrants, leaders)
        })
    }
}

/// A constraint a conflict names, with its key, place and value.
fn describe(criteria: &Criteria, settings: &Constraints, item: Item) -> Constraint {
    let at = |key: &str, location: Option<Location>| At {
        location,
        key: Some(key.to_owned()),
        ..At::part(Part::Criteria)
    };
    let (at, value) = match item {
        Item::Leaders => (
            at("selection.leaders", settings.leaders_at.at),
            criteria.leaders.to_string(),
        ),
        Item::PerUnit => number(settings.per_unit.as_ref(), "constraints.per_unit", &at),
        Item::PerSponsor => number(
            settings.per_sponsor.as_ref(),
            "constraints.per_sponsor",
            &at,
        ),
        Item::TrainingCapacity => number(
            settings.training_capacity.as_ref(),
            "constraints.training_capacity",
            &at,
        ),
        Item::MustLead(i) => named(
            settings.must_lead.get(i as usize),
            "constraints.must_lead",
            &at,
        ),
        Item::MustNotLead(i) => named(
            settings.must_not_lead.get(i as usize),
            "constraints.must_not_lead",
            &at,
        ),
        Item::Exclusive(p) => {
            let given = settings.exclusive.get(p as usize);
            let value = given
                .map(|g| format!("[{}, {}]", quote(&g.value[0]), quote(&g.value[1])))
                .unwrap_or_default();
            (at("constraints.exclusive", given.and_then(|g| g.at)), value)
        }
        Item::GroupMin(g) => {
            let group = settings.groups.get(g as usize);
            let min = group.map(|group| &group.min);
            (
                at("constraints.group.min", min.and_then(|m| m.at)),
                min.map(|m| m.value.to_string()).unwrap_or_default(),
            )
        }
        Item::GroupMax(g) => {
            let max = settings
                .groups
                .get(g as usize)
                .and_then(|group| group.max.as_ref());
            (
                at("constraints.group.max", max.and_then(|m| m.at)),
                max.map(|m| m.value.to_string()).unwrap_or_default(),
            )
        }
    };
    Constraint { at, value }
}

/// A named candidate's place and its id, quoted.
fn named(
    given: Option<&Given<String>>,
    key: &str,
    at: &dyn Fn(&str, Option<Location>) -> At,
) -> (At, String) {
    (
        at(key, given.and_then(|g| g.at)),
        given.map(|g| quote(&g.value)).unwrap_or_default(),
    )
}

/// A number's place and value.
fn number<T: ToString>(
    given: Option<&Given<T>>,
    key: &str,
    at: &dyn Fn(&str, Option<Location>) -> At,
) -> (At, String) {
    (
        at(key, given.and_then(|g| g.at)),
        given.map(|g| g.value.to_string()).unwrap_or_default(),
    )
}

/// The constraints of `criteria` bound to `portfolio`: each candidate's
/// unit, sponsor and trainees as the portfolio holds them (shared, not
/// copied), and the few candidates that decisions name or groups count,
/// by place. `None` without constraints.
fn bind(criteria: &Criteria, portfolio: &Portfolio) -> Result<Option<Bound>> {
    let settings = &criteria.constraints;
    if settings.is_empty() {
        return Ok(None);
    }
    let mut marks = grouped(settings, portfolio);
    let must = decide(settings, portfolio, &mut marks)?;
    let rules = Rules {
        leaders: criteria.leaders,
        per_unit: settings.per_unit.as_ref().map(|g| g.value),
        per_sponsor: settings.per_sponsor.as_ref().map(|g| g.value),
        training_capacity: settings.training_capacity.as_ref().map(|g| g.value),
        exclusive: settings.exclusive.len(),
        groups: (settings.groups.iter())
            .map(|group| Group {
                min: group.min.value,
                max: group.max.as_ref().map(|g| g.value),
            })
            .collect(),
    };
    let seats = Arc::clone(portfolio.id_order().seats());
    Ok(Some(Bound::from_parts(
        rules,
        seats,
        marks.into_iter().collect(),
        must,
    )))
}

/// The candidates of `portfolio` that carry a group's tag, by place, with
/// the groups: none read unless there are groups.
fn grouped(settings: &Constraints, portfolio: &Portfolio) -> BTreeMap<usize, Marks> {
    let mut marks = BTreeMap::new();
    if settings.groups.is_empty() {
        return marks;
    }
    let seats = portfolio.id_order().seats();
    for place in (0..portfolio.len()).filter(|&place| seats.trainees(place).1) {
        let Some((_, candidate)) = portfolio.at_place(place) else {
            continue;
        };
        let groups = (settings.groups.iter().enumerate())
            .filter(|(_, group)| candidate.tags.contains(&group.tag.value))
            .fold(0u64, |bits, (g, _)| bits | 1 << g);
        if groups != 0 {
            marks.insert(
                place,
                Marks {
                    groups,
                    ..Marks::default()
                },
            );
        }
    }
    marks
}

/// Marks the candidates `must_lead`, `must_not_lead` and `exclusive` name;
/// the places of the must-leads, in order.
///
/// # Errors
///
/// [`Error::Invalid`] at the entry that names a candidate `portfolio` does
/// not hold.
fn decide(
    settings: &Constraints,
    portfolio: &Portfolio,
    marks: &mut BTreeMap<usize, Marks>,
) -> Result<Vec<usize>> {
    let find = |id: &str, at: Option<Location>, key: &str| -> Result<usize> {
        portfolio.place_of(id).ok_or_else(|| Error::Invalid {
            at: At {
                location: at,
                key: Some(key.to_owned()),
                ..At::part(Part::Criteria)
            },
            message: format!("no candidate {} in the portfolio", quote(id)),
        })
    };
    let mut must = Vec::with_capacity(settings.must_lead.len());
    for (i, given) in (0..).zip(&settings.must_lead) {
        let place = find(&given.value, given.at, "constraints.must_lead")?;
        marks.entry(place).or_default().must_lead = Some(i);
        must.push(place);
    }
    must.sort_unstable();
    for (i, given) in (0..).zip(&settings.must_not_lead) {
        let place = find(&given.value, given.at, "constraints.must_not_lead")?;
        marks.entry(place).or_default().must_not_lead = Some(i);
    }
    for (p, pair) in settings.exclusive.iter().enumerate() {
        for id in &pair.value {
            let place = find(id, pair.at, "constraints.exclusive")?;
            marks.entry(place).or_default().exclusive |= 1 << p;
        }
    }
    Ok(must)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_takes_the_first_eligible_and_stops() {
        let rule = LeaderRule {
            leaders: 2,
            bound: None,
        };
        let offers = [(0, false), (1, true), (2, false), (3, true), (4, true)];
        let mut read = 0;
        let mut led = Vec::new();
        let n = rule.choose(
            offers.iter().map(|&(place, eligible)| {
                read += 1;
                (place, Offer { place, eligible })
            }),
            |place| led.push(place),
        );
        assert_eq!((n, led, read), (Some(2), vec![1, 3], 4));
    }
}
