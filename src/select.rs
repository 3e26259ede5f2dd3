//! Selection: the 1e-9 grid, ties, eligibility, the packed ranking key, and
//! the one rule that chooses the leaders.
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

use crate::candidate::Portfolio;
use crate::constrain::{Bound, Entrant, Group, Item, Outcome, Rules, WhyNot, why_not};
use crate::constraints::{Constraints, Given};
use crate::criteria::Criteria;
use crate::criterion::Scores;
use crate::error::{At, Constraint, Error, Location, Part, Result, quote};
use crate::score::Assessment;

/// `x` on a grid of 1e-9: totals closer than that are ties, whatever the
/// rounding of the sum that made them.
#[allow(
    clippy::cast_possible_truncation,
    reason = "totals and minimums are in [0, 1]"
)]
pub(crate) fn grid(x: f64) -> i64 {
    (x * 1e9).round() as i64
}

/// `x` is at least `min`, up to the 1e-9 grid.
pub(crate) fn at_least(x: f64, min: f64) -> bool {
    grid(x) >= grid(min)
}

/// `grid(y / 1e9)` for `y = total * 1e9`, the total in `[0, 1]` up to
/// rounding, without a call to `round` or a branch, so that it vectorizes.
///
/// `y` rounded half away from zero is `floor(y + 0.5)` for every `y >= 0.5`
/// (the addition is exact, or rounds within the same integer); below 0.5 it
/// is 0. The floor is taken by adding and taking away 2^52, which rounds to
/// an integer, less 1 when that rounded up.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "y is in [0, 1e9]"
)]
#[inline]
pub(crate) fn grid_of_scaled(y: f64) -> u64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let y = y.clamp(0.0, 1e9);
    let z = if y < 0.5 { 0.0 } else { y + 0.5 };
    let nearest = (z + TWO_52) - TWO_52;
    let floor = if nearest > z { nearest - 1.0 } else { nearest };
    (floor + TWO_52).to_bits() - TWO_52.to_bits()
}

/// The top of the grid: a total of 1.
const TOP: u64 = 1_000_000_000;

/// Where a candidate ranks, smaller first: its total descending on the 1e-9
/// grid, then its place in id order. Two candidates never have the same key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    /// How far the total is below 1 on the grid: in `[0, 1e9]`.
    pub(crate) below_top: u64,
    /// The candidate's place in id order.
    pub(crate) place: usize,
}

/// How many bits of a packed key hold the place; the 30 above hold
/// `below_top`.
pub(crate) const PLACE_BITS: u32 = 34;

/// The bits of a packed key that hold the place.
const PLACE_MASK: u64 = (1 << PLACE_BITS) - 1;

/// The most candidates whose keys pack into 64 bits.
pub(crate) const MAX_PACKED: usize = 1 << PLACE_BITS;

impl Key {
    /// The key of a candidate with `total` at `place`.
    #[inline]
    pub(crate) fn new(total: f64, place: usize) -> Self {
        Key {
            below_top: below_top(total),
            place,
        }
    }

    /// The key as one integer ordered the same, for a portfolio of fewer than
    /// [`MAX_PACKED`] candidates.
    #[inline]
    pub(crate) fn packed(self) -> u64 {
        self.below_top << PLACE_BITS | (self.place as u64 & PLACE_MASK)
    }

    /// The place a packed key holds.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the place came from a usize"
    )]
    #[inline]
    pub(crate) fn place_of(packed: u64) -> usize {
        (packed & PLACE_MASK) as usize
    }

    /// How far below 1 on the grid the total of a packed key is.
    #[inline]
    pub(crate) fn below_top_of(packed: u64) -> u64 {
        packed >> PLACE_BITS
    }
}

/// How far `total`, in `[0, 1]` up to rounding, is below 1 on the grid:
/// `grid(1) - grid(total)`, for any total, in `[0, 1e9]`.
#[inline]
pub(crate) fn below_top(total: f64) -> u64 {
    TOP - grid_of_scaled(total * 1e9)
}

/// The packed key of `total` at `place`.
#[inline]
pub(crate) fn packed_key(total: f64, place: usize) -> u64 {
    Key::new(total, place).packed()
}

impl Criteria {
    /// Whether a candidate with `assessment` may lead: its total reaches
    /// `min_score` and every score reaches its criterion's `min`.
    #[must_use]
    pub fn is_eligible(&self, assessment: &Assessment) -> bool {
        at_least(assessment.total, self.min_score) && self.meets_mins(&assessment.scores)
    }

    /// Whether every score reaches its criterion's `min`: the part of
    /// eligibility no weight changes.
    pub(crate) fn meets_mins(&self, scores: &Scores) -> bool {
        scores.iter().all(|(criterion, score)| {
            self.min_of(criterion)
                .is_none_or(|min| at_least(score, min))
        })
    }

    /// The most a packed key's total may be below 1 on the grid for the
    /// total to reach `min_score`: a key above it belongs to a candidate
    /// that may not lead, and so does every key after it.
    pub(crate) fn max_below_top(&self) -> u64 {
        TOP - grid_of_scaled(self.min_score * 1e9)
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
    let list = |given: Option<&Given<String>>, key| {
        given.map_or_else(|| at(key, None), |given| at(key, given.at))
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
        Item::MustLead(i) => {
            let given = settings.must_lead.get(i as usize);
            let value = given.map(|g| quote(&g.value)).unwrap_or_default();
            (list(given, "constraints.must_lead"), value)
        }
        Item::MustNotLead(i) => {
            let given = settings.must_not_lead.get(i as usize);
            let value = given.map(|g| quote(&g.value)).unwrap_or_default();
            (list(given, "constraints.must_not_lead"), value)
        }
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
/// unit, sponsor, trainees, groups, exclusive pairs and decisions, by
/// place. `None` without constraints.
fn bind(criteria: &Criteria, portfolio: &Portfolio) -> Result<Option<Bound>> {
    let settings = &criteria.constraints;
    if settings.is_empty() {
        return Ok(None);
    }
    let mut by_place = entrants(settings, portfolio);
    let must = decide(settings, portfolio, &mut by_place)?;
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
    let ids = portfolio.id_order().counts();
    Ok(Some(Bound::from_parts(rules, by_place, must, ids)))
}

/// Each candidate of `portfolio` by place, as the constraints see it: its
/// unit and sponsor (numbered once, with the portfolio), trainees and the
/// groups whose tag it carries.
fn entrants(settings: &Constraints, portfolio: &Portfolio) -> Vec<Entrant> {
    let order = portfolio.id_order();
    (0..portfolio.len())
        .map(|place| {
            let (unit, sponsor) = order.unit_and_sponsor(place);
            let (trainees, tagged) = order.trainees(place);
            let groups = match portfolio.at_place(place) {
                Some((_, candidate)) if tagged => (settings.groups.iter().enumerate())
                    .filter(|(_, group)| candidate.tags.contains(&group.tag.value))
                    .fold(0u64, |bits, (g, _)| bits | 1 << g),
                _ => 0,
            };
            Entrant {
                unit,
                sponsor,
                trainees,
                groups,
                ..Entrant::default()
            }
        })
        .collect()
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
    by_place: &mut [Entrant],
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
        if let Some(e) = by_place.get_mut(place) {
            e.must_lead = Some(i);
            must.push(place);
        }
    }
    must.sort_unstable();
    for (i, given) in (0..).zip(&settings.must_not_lead) {
        let place = find(&given.value, given.at, "constraints.must_not_lead")?;
        if let Some(e) = by_place.get_mut(place) {
            e.must_not_lead = Some(i);
        }
    }
    for (p, pair) in settings.exclusive.iter().enumerate() {
        for id in &pair.value {
            let place = find(id, pair.at, "constraints.exclusive")?;
            if let Some(e) = by_place.get_mut(place) {
                e.exclusive |= 1 << p;
            }
        }
    }
    Ok(must)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_grid_rounds_as_the_grid_does() {
        let mut state = 7_u64;
        let random = std::iter::repeat_with(|| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
        .take(100_000);
        let edges = [
            0.0,
            0.499_999_999_999_999_94,
            0.5,
            0.500_000_000_000_000_1,
            1.0,
            1.499_999_999_999_999_8,
            1.5,
            2.5,
            999_999_999.5,
            999_999_999.499_999_9,
            1e9,
        ];
        for x in edges.iter().map(|y| y / 1e9).chain(random) {
            let y = x * 1e9;
            assert_eq!(grid_of_scaled(y), u64::try_from(grid(x)).unwrap(), "{x:e}");
            assert_eq!(Key::place_of(packed_key(x, 5)), 5);
            assert_eq!(Key::new(x, 5).below_top, grid(1.0).abs_diff(grid(x)));
        }
    }

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
