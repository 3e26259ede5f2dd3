//! Weight-stability intervals: how far each criterion's weight can move,
//! the others fixed, before the leaders change. Closed form, no sampling,
//! in whole numbers.
//!
//! The weights are whole numbers `W_k` (see `src/exact.rs`); with every
//! weight but criterion `j`'s fixed, call `t` that weight, in the same
//! units. A candidate's total is `(A + t b) / ((R + t) L)`, where `b` is its
//! score on criterion `j` in units of `1 / L`, `R` the sum of the other
//! weights and `A` their weighted sum of its other scores: whole numbers.
//! Two totals compare as their numerators `A + t b` do (the denominator is
//! shared), and a total reaches `min_score = num / den` exactly when
//! `(A den - num R L) + t (b den - num L) >= 0`: every question the plan
//! asks is the sign of a line `c + t d` with whole `c` and `d`. The leaders
//! stay the same exactly while every leader stays eligible and, when every
//! leader place is taken, no eligible non-leader ranks above a leader (or,
//! when places are left, no non-leader becomes eligible). Each way to fail
//! holds on an interval of `t` whose ends are fractions `-c / d`, compared
//! exactly; the stable interval is the gap between them around the
//! configured weight. Where two totals are equal, the id decides, as in
//! the plan: an end is never put at the configured weight by rounding.
//!
//! Just past an end, totals equal at the end part the way the weight
//! moves: the one with the higher score on criterion `j` gains going up.
//! A way to fail that holds at one weight only (a candidate that ties a
//! leader, wins on its id, and is eligible only at that weight) makes no
//! end: past it on either side the leaders are the same.

use serde::{Deserialize, Serialize};

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::candidate::{Candidate, Portfolio};
use crate::criteria::Criteria;
use crate::criterion::{Criterion, PerCriterion};
use crate::envelope::Envelope;
use crate::error::Result;
use crate::exact::{Line, Point, wide_add, wide_mul};
use crate::select::{LeaderRule, Offer};

/// How far one criterion's weight can move, the other weights fixed, with
/// the same set of leaders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stability {
    /// The criterion whose weight moves.
    pub criterion: Criterion,
    /// Its configured weight, inside `[low, high]`.
    pub weight: f64,
    /// The least weight with the same leaders: 0, or where they change.
    pub low: f64,
    /// The greatest weight with the same leaders; `None` when no weight
    /// above changes them.
    pub high: Option<f64>,
    /// How the leaders change when the weight goes just below `low`; `None`
    /// when `low` is 0, which a weight cannot go below.
    pub below: Option<Shift>,
    /// How the leaders change when the weight goes just above `high`;
    /// `None` when `high` is.
    pub above: Option<Shift>,
}

/// How the set of leaders changes at the end of a stability interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Shift {
    /// The ids of the candidates that start to lead, best first as they
    /// rank just past the end.
    pub enter: Vec<String>,
    /// The ids of the leaders that stop leading, best first as they rank at
    /// the configured weight (the order of [`Criteria::choose_leaders`]).
    pub leave: Vec<String>,
}

impl Criteria {
    /// For each criterion's weight, in [`Criterion::ALL`] order, the range
    /// over which the set of leaders of `portfolio` stays the same with the
    /// other weights fixed, and which candidates enter and leave at each end.
    ///
    /// Exact, in closed form: totals are weighted sums, so every comparison
    /// the plan makes is the sign of a line in the moving weight. Each
    /// candidate is compared with the lower envelope of the leaders' lines,
    /// not with every leader: `O(N log N)` time for `N` candidates, however
    /// many lead. Under `[constraints]` a candidate that does not lead and
    /// passes any leader may change the leaders: each end is the first of
    /// the `O(k N)` weights where such totals cross (or one meets
    /// `min_score`) past which the rule chooses other leaders, and each of
    /// those tried costs `O(N)` and one run of the rule, which is an exact
    /// search: how many are tried before one changes the leaders depends on
    /// the portfolio, and can be most of them.
    ///
    /// ```
    /// use spearhead::{Criteria, Criterion, Portfolio};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let stability = Criteria::default().stability(&portfolio)?;
    ///
    /// // Phase may weigh up to 5.5 with the same three leaders; past that,
    /// // field-service-app takes order-to-cash's place.
    /// let phase = &stability[Criterion::Phase];
    /// assert_eq!((phase.low, phase.weight), (0.0, 1.0));
    /// assert!((phase.high.unwrap() - 5.5).abs() < 1e-9);
    /// let above = phase.above.as_ref().unwrap();
    /// assert_eq!((above.enter.as_slice(), above.leave.as_slice()),
    ///            (&["field-service-app".to_owned()][..], &["order-to-cash".to_owned()][..]));
    ///
    /// // No weight on the team lead changes who leads.
    /// let lead = &stability[Criterion::Lead];
    /// assert_eq!((lead.high, &lead.above), (None, &None));
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Criteria::plan`]: a constraint that names a candidate the
    /// portfolio does not hold, or constraints that cannot all hold.
    pub fn stability(&self, portfolio: &Portfolio) -> Result<PerCriterion<Stability>> {
        stability(self, portfolio)
    }
}

/// Which pairs of candidates stability compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pairs {
    /// Only those that can change the leaders: without constraints, each
    /// candidate that does not lead with the leaders its line may first
    /// rise above, found on their lower envelope; under constraints, each
    /// leader with each candidate that does not lead.
    Needed,
    /// Every pair, the straightforward way: each candidate that does not
    /// lead with every leader, and under constraints every two candidates.
    /// Kept to test the other against.
    #[cfg_attr(not(test), allow(dead_code, reason = "the tests' oracle"))]
    Every,
}

/// The stability interval of each criterion's weight.
fn stability(criteria: &Criteria, portfolio: &Portfolio) -> Result<PerCriterion<Stability>> {
    stability_by(criteria, portfolio, Pairs::Needed)
}

/// [`stability`], comparing the `pairs` of candidates.
fn stability_by(
    criteria: &Criteria,
    portfolio: &Portfolio,
    pairs: Pairs,
) -> Result<PerCriterion<Stability>> {
    let leaders: Vec<Leader<'_>> = criteria
        .choose_leaders(portfolio)?
        .into_iter()
        .filter_map(|ranked| {
            let candidate = ranked.candidate;
            Some((candidate, portfolio.place_of(&candidate.id)?))
        })
        .collect();
    let mut leading: Vec<usize> = leaders.iter().map(|&(_, place)| place).collect();
    leading.sort_unstable();
    let units = criteria.exact.units();
    let rule = LeaderRule::new(criteria, portfolio)?;
    // Candidates below a criterion's `min` never lead, whatever the
    // weights, unless by decision.
    let field: Vec<Entry<'_>> = (0..portfolio.len())
        .filter_map(|place| {
            let (_, candidate) = portfolio.at_place(place)?;
            let evidence = &candidate.evidence;
            let fit = criteria.meets_mins_of(evidence);
            (fit || rule.must().contains(&place)).then(|| Entry {
                candidate,
                place,
                units: units.units(evidence),
                leads: leading.binary_search(&place).is_ok(),
                fit,
            })
        })
        .collect();
    Ok(PerCriterion::from_fn(|criterion| {
        let axis = Axis::new(criteria, criterion);
        if rule.bound().is_some() {
            axis.constrained(&field, &leaders, &rule, pairs)
        } else {
            axis.interval(&field, &leaders, &rule, pairs)
        }
    }))
}

/// A leader and its place in id order.
type Leader<'a> = (&'a Candidate, usize);

/// Where a candidate ranks just past a weight `num / den`, greater first:
/// its total's numerator times `den` in 256 bits, its slope the way the
/// weight moves, its place in id order reversed.
type Past = ((u128, u128), i128, Reverse<usize>);

/// A candidate that may lead, with its scores in units of `1 / L`.
struct Entry<'a> {
    candidate: &'a Candidate,
    /// Its place in id order.
    place: usize,
    units: [u128; 7],
    leads: bool,
    /// Whether every score reaches its criterion's `min`.
    fit: bool,
}

/// One criterion's weight as the variable `t`, the others fixed, in whole
/// units of weight.
struct Axis<'c> {
    criteria: &'c Criteria,
    criterion: Criterion,
    /// The criterion's position in [`Criterion::ALL`].
    index: usize,
    /// The configured weight, as configured and in whole units.
    weight: f64,
    t0: Point,
    /// The sum of the other weights.
    rest: i128,
    weights: [u128; 7],
    /// `L`, and `min_score` as `num / den`.
    common: i128,
    num: i128,
    den: i128,
    leaders: usize,
}

/// A set of weights `t` between two ends, each a fraction or unbounded,
/// each in the set or not.
#[derive(Clone, Copy, Debug)]
struct Span {
    low: Option<(Point, bool)>,
    high: Option<(Point, bool)>,
}

impl Span {
    const ALL: Span = Span {
        low: None,
        high: None,
    };

    /// Where `line` is above 0, or at 0 too unless `strict`; `None` when
    /// nowhere.
    fn above(line: Line, strict: bool) -> Option<Span> {
        match (line.root(), line.d.signum()) {
            (Some(root), 1) => Some(Span {
                low: Some((root, !strict)),
                high: None,
            }),
            (Some(root), _) => Some(Span {
                low: None,
                high: Some((root, !strict)),
            }),
            (None, _) => (line.c > 0 || (!strict && line.c == 0)).then_some(Span::ALL),
        }
    }

    /// Where `line` is below 0.
    fn below(line: Line) -> Option<Span> {
        Span::above(
            Line {
                c: -line.c,
                d: -line.d,
            },
            true,
        )
    }

    /// The weights in both.
    fn and(self, other: Span) -> Span {
        let low = match (self.low, other.low) {
            (Some(a), Some(b)) => Some(match a.0.cmp(&b.0) {
                Ordering::Less => b,
                Ordering::Greater => a,
                Ordering::Equal => (a.0, a.1 && b.1),
            }),
            (a, b) => a.or(b),
        };
        let high = match (self.high, other.high) {
            (Some(a), Some(b)) => Some(match a.0.cmp(&b.0) {
                Ordering::Less => a,
                Ordering::Greater => b,
                Ordering::Equal => (a.0, a.1 && b.1),
            }),
            (a, b) => a.or(b),
        };
        Span { low, high }
    }

    /// Whether it holds more than one weight.
    fn is_wide(self) -> bool {
        match (self.low, self.high) {
            (Some((low, _)), Some((high, _))) => low < high,
            _ => true,
        }
    }
}

/// Calls `visit` with the index in `envelope`, the leaders' lower
/// envelope, of each leader that a candidate with numerator `o` may first
/// rank above going up from the configured weight `t0`, and going down: the
/// nearest weight past which it ranks above some leader while eligible is
/// one past which it ranks above one of these.
///
/// At `t0` the candidate ranks below every leader: it is eligible and did
/// not lead, or its total is below `min_score` and so below every
/// leader's. Its line less the envelope is convex, so going up it is above
/// the envelope from where it crosses it on, and just past that weight it
/// ranks above the envelope's line there. Where the candidate becomes
/// eligible it scores `min_score`: if it is above the envelope there, a
/// leader has fallen below `min_score` before, an end nearer than any this
/// candidate makes. Going down likewise. A leader with the same line ranks
/// below it only by id, and never does: the candidate would then be
/// eligible wherever that leader is, and lead at `t0` in its place.
fn rivals(envelope: &Envelope, o: Line, t0: Point, mut visit: impl FnMut(usize)) {
    for up in [true, false] {
        envelope
            .crossing(o, t0, up)
            .into_iter()
            .for_each(&mut visit);
    }
}
/// The ends of an interval around `t0` found so far: `low` at least 0,
/// `high` unbounded until a failure above `t0` is seen.
struct Ends {
    t0: Point,
    low: Point,
    high: Option<Point>,
}

impl Ends {
    /// Narrows the ends to leave out `span`, the weights where the leaders
    /// would not be the plan's.
    fn fail(&mut self, span: Option<Span>) {
        let t0 = self.t0;
        // Only weights of 0 or more, and more than one of them.
        let Some(span) = span.map(|s| {
            s.and(Span {
                low: Some((Point::whole(0), true)),
                high: None,
            })
        }) else {
            return;
        };
        if !span.is_wide() {
            return;
        }
        match (span.low, span.high) {
            (_, Some((end, _))) if end <= t0 => self.low = self.low.max(end),
            (Some((start, _)), _) if start >= t0 => {
                self.high = Some(self.high.map_or(start, |h| h.min(start)));
            }
            // Around `t0`: the plan at `t0` says otherwise, so this
            // cannot be; keep the nearer end.
            _ => {}
        }
    }
}

impl<'c> Axis<'c> {
    /// The weight at `at`, as shown: the configured weight itself at `t0`,
    /// so that an end there reads back as the file gave it.
    fn shown(&self, at: Point) -> f64 {
        if at == self.t0 {
            self.weight
        } else {
            self.criteria.exact.weight_of(at)
        }
    }

    fn new(criteria: &'c Criteria, criterion: Criterion) -> Self {
        let exact = &criteria.exact;
        let weights = *exact.weights();
        let index = Criterion::ALL
            .iter()
            .position(|&c| c == criterion)
            .unwrap_or(0);
        let signed = |x: u128| i128::try_from(x).unwrap_or(i128::MAX);
        let rest = weights
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != index)
            .map(|(_, &w)| signed(w))
            .sum();
        let min = exact.min_score();
        Axis {
            criteria,
            criterion,
            index,
            weight: criteria.weight(criterion),
            t0: Point::whole(signed(weights.get(index).copied().unwrap_or(0))),
            rest,
            weights,
            common: signed(exact.units().common()),
            num: signed(min.numerator),
            den: signed(min.denominator),
            leaders: criteria.leaders,
        }
    }

    /// A candidate's total times `(R + t) L`: `A + t b`.
    fn numerator(&self, units: &[u128; 7]) -> Line {
        let mut c = 0;
        let mut d = 0;
        for (k, (&w, &u)) in self.weights.iter().zip(units).enumerate() {
            let u = i128::try_from(u).unwrap_or(i128::MAX);
            if k == self.index {
                d = u;
            } else {
                c += i128::try_from(w).unwrap_or(i128::MAX) * u;
            }
        }
        Line { c, d }
    }

    /// Its total less `min_score`, times `(R + t) L den`: at least 0 exactly
    /// when the total reaches `min_score`.
    fn over_min(&self, units: &[u128; 7]) -> Line {
        let Line { c: a, d: b } = self.numerator(units);
        Line {
            c: a * self.den - self.num * self.rest * self.common,
            d: b * self.den - self.num * self.common,
        }
    }

    /// The interval under constraints: from the configured weight, the
    /// nearest weight on each side where a leader's total crosses that of a
    /// candidate that does not lead, or a total meets `min_score`, past
    /// which the rule chooses other leaders. Every such weight is an exact
    /// fraction, and the leaders past it are found as [`Axis::shift`] finds
    /// them, ties parted as in the plan.
    ///
    /// Two leaders that swap places, or two others, leave the leaders as
    /// they are: the rule prefers one set to another by the best-ranked
    /// candidate of the two sets' difference, and whether that candidate
    /// leads depends only on how leaders rank against the others. Nor does
    /// a leader that passes another candidate, or a candidate that does not
    /// lead and falls below `min_score`: the leaders only gain on every
    /// other set. So only the weights where a candidate that does not lead
    /// passes a leader (`k (N - k)` of them) or reaches `min_score`, or
    /// where a leader falls below it, can end the interval, each tried the
    /// way it may; with [`Pairs::Every`] all `N^2 / 2` crossings are tried
    /// both ways. Trying one builds a heap of the candidates, `O(N)`, and
    /// the rule reads from it only as many as it needs.
    fn constrained(
        &self,
        field: &[Entry<'_>],
        leaders: &[Leader<'_>],
        rule: &LeaderRule,
        pairs: Pairs,
    ) -> Stability {
        let t0 = self.t0;
        let zero = Point::whole(0);
        let (up, down) = self.events(field, pairs);
        let changes = |at: Point, up: bool| {
            let shift = self.shift(field, leaders, rule, at, up);
            (!shift.enter.is_empty() || !shift.leave.is_empty()).then_some(shift)
        };
        let above = (up.iter().filter(|&&t| t >= t0)).find_map(|&t| Some((t, changes(t, true)?)));
        let below = (down.iter().rev().filter(|&&t| t <= t0 && t > zero))
            .find_map(|&t| Some((t, changes(t, false)?)));
        Stability {
            criterion: self.criterion,
            weight: self.weight,
            low: below.as_ref().map_or(0.0, |(t, _)| self.shown(*t)),
            high: above.as_ref().map(|(t, _)| self.shown(*t)),
            below: below.map(|(_, shift)| shift),
            above: above.map(|(_, shift)| shift),
        }
    }

    /// The weights to try going up, and going down, each sorted, distinct,
    /// at least 0 and with `t0`: each where a line `g` crosses 0, `g > 0`
    /// being what may change the leaders, going up where `g` rises and
    /// down where it falls (both ways with `Pairs::Every`). A leader that
    /// another candidate falls behind, or a candidate that falls below
    /// `min_score` and does not lead, leaves the rule's preferred set as
    /// it is.
    fn events(&self, field: &[Entry<'_>], pairs: Pairs) -> (Vec<Point>, Vec<Point>) {
        let mut up: Vec<Point> = vec![self.t0];
        let mut down: Vec<Point> = vec![self.t0];
        let every = pairs == Pairs::Every;
        let mut event = |g: Line| {
            if let Some(root) = g.root() {
                if every || g.d > 0 {
                    up.push(root);
                }
                if every || g.d < 0 {
                    down.push(root);
                }
            }
        };
        let apart = |a: Line, b: Line| Line {
            c: a.c - b.c,
            d: a.d - b.d,
        };
        let (leading, others) = self.lines(field, &mut event);
        if every {
            let lines: Vec<Line> = leading.iter().chain(&others).copied().collect();
            for (i, &line) in lines.iter().enumerate() {
                for &other in lines.iter().skip(i + 1) {
                    event(apart(line, other));
                }
            }
        } else {
            for &leader in &leading {
                for &other in &others {
                    event(apart(other, leader));
                }
            }
        }
        let zero = Point::whole(0);
        for events in [&mut up, &mut down] {
            events.retain(|t| *t >= zero);
            events.sort_unstable();
            events.dedup();
        }
        (up, down)
    }

    /// The total lines of the leaders and of the others, in `field`'s
    /// order, each candidate's line over `min_score` given to `event`
    /// (a leader's turned over: it matters where it falls).
    fn lines(&self, field: &[Entry<'_>], mut event: impl FnMut(Line)) -> (Vec<Line>, Vec<Line>) {
        let mut leading = Vec::new();
        let mut others = Vec::new();
        for e in field {
            let over = self.over_min(&e.units);
            if e.leads {
                event(Line {
                    c: -over.c,
                    d: -over.d,
                });
                leading.push(self.numerator(&e.units));
            } else {
                event(over);
                others.push(self.numerator(&e.units));
            }
        }
        (leading, others)
    }

    /// The interval without constraints: from the configured weight, the
    /// nearest weight on each side past which a leader falls below
    /// `min_score`, or an eligible candidate ranks above a leader (or, with
    /// places left, one becomes eligible).
    fn interval(
        &self,
        field: &[Entry<'_>],
        leaders: &[Leader<'_>],
        rule: &LeaderRule,
        pairs: Pairs,
    ) -> Stability {
        let zero = Point::whole(0);
        let Ends { low, high, .. } = self.ends(field, leaders, pairs);
        let shift = |at: Point, up: bool| self.shift(field, leaders, rule, at, up);
        Stability {
            criterion: self.criterion,
            weight: self.weight,
            low: self.shown(low),
            high: high.map(|high| self.shown(high)),
            below: (low > zero).then(|| shift(low, false)),
            above: high.map(|high| shift(high, true)),
        }
    }

    /// The ends of the interval without constraints: the nearest weights
    /// around `t0` past which the leaders change.
    fn ends(&self, field: &[Entry<'_>], leaders: &[Leader<'_>], pairs: Pairs) -> Ends {
        let mut ends = Ends {
            t0: self.t0,
            low: Point::whole(0),
            high: None,
        };
        let full = leaders.len() >= self.leaders;
        let leading: Vec<(Line, usize)> = field
            .iter()
            .filter(|e| e.leads)
            .map(|leader| {
                ends.fail(Span::below(self.over_min(&leader.units)));
                (self.numerator(&leader.units), leader.place)
            })
            .collect();
        let envelope = (full && pairs == Pairs::Needed)
            .then(|| Envelope::new((leading.iter().enumerate()).map(|(i, &(line, _))| (line, i))));
        for other in field.iter().filter(|e| !e.leads) {
            let Some(eligible) = Span::above(self.over_min(&other.units), false) else {
                continue;
            };
            if !full {
                ends.fail(Some(eligible));
                continue;
            }
            let numerator = self.numerator(&other.units);
            let mut against = |&(leader, place): &(Line, usize)| {
                // It ranks above the leader where its total is higher, and
                // where they are equal if its id comes first.
                let ahead = Line {
                    c: numerator.c - leader.c,
                    d: numerator.d - leader.d,
                };
                let strict = other.place > place;
                ends.fail(Span::above(ahead, strict).map(|span| eligible.and(span)));
            };
            match &envelope {
                Some(envelope) => rivals(envelope, numerator, self.t0, |i| {
                    if let Some(leader) = leading.get(i) {
                        against(leader);
                    }
                }),
                None => leading.iter().for_each(against),
            }
        }
        ends
    }

    /// How the leaders differ from `leaders` just past the weight `at`,
    /// above it when `up`, below it otherwise.
    ///
    /// Totals equal at `at` part the way the weight moves: the score on this
    /// criterion, the higher first going up; then the id.
    fn shift(
        &self,
        field: &[Entry<'_>],
        leaders: &[Leader<'_>],
        rule: &LeaderRule,
        at: Point,
        up: bool,
    ) -> Shift {
        // Each eligible candidate's numerator at `at`, times `at`'s
        // denominator, in 256 bits: `A den + num b`, all at least 0.
        let must = rule.must();
        // Best first: the total at `at`, then the slope the way the weight
        // moves, then the id. A heap, built in linear time, hands them to
        // the rule in that order, and the rule reads only as many as it
        // needs to decide.
        let mut past: BinaryHeap<(Past, usize, bool)> = (field.iter().enumerate())
            .filter_map(|(i, e)| {
                let eligible = e.fit && self.over_min(&e.units).sign_past(at, up) != Ordering::Less;
                if !eligible && !must.contains(&e.place) {
                    return None;
                }
                let line = self.numerator(&e.units);
                let value = wide_add(
                    wide_mul(line.c.unsigned_abs(), at.den.unsigned_abs()),
                    wide_mul(at.num.unsigned_abs(), line.d.unsigned_abs()),
                );
                let slope = if up { line.d } else { -line.d };
                Some(((value, slope, Reverse(e.place)), i, eligible))
            })
            .collect();
        // Only the eligible and the must-leads are in `past`: the others
        // cannot lead.
        let mut new: Vec<Leader<'_>> = Vec::with_capacity(rule.leaders());
        let offers = std::iter::from_fn(|| past.pop()).filter_map(|(_, i, eligible)| {
            let e = field.get(i)?;
            let offer = Offer {
                place: e.place,
                eligible,
            };
            Some(((e.candidate, e.place), offer))
        });
        rule.choose(offers, |leader| new.push(leader));
        let ids = |from: &[Leader<'_>], not_in: &[Leader<'_>]| {
            let mut places: Vec<usize> = not_in.iter().map(|&(_, place)| place).collect();
            places.sort_unstable();
            from.iter()
                .filter(|(_, place)| places.binary_search(place).is_err())
                .map(|(c, _)| c.id.clone())
                .collect()
        };
        Shift {
            enter: ids(&new, leaders),
            leave: ids(leaders, &new),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;
    use proptest::sample::select;

    use super::{Pairs, stability_by};
    use crate::candidate::{Candidate, Evidence, Months, Portfolio};
    use crate::criteria::Criteria;
    use crate::criterion::{BottomLine, Change, Lead, Motivation, Phase, SponsorLevel, Visibility};

    /// Evidence from a few whole months and every level: few distinct
    /// scores, so totals tie and lines coincide often.
    fn evidence() -> impl Strategy<Value = Evidence> {
        (
            (
                1_u8..=30,
                select(Visibility::ALL),
                select(Change::ALL),
                select(Phase::ALL),
                prop::bool::weighted(0.2),
            ),
            (
                select(BottomLine::ALL),
                select(Lead::ALL),
                select(SponsorLevel::ALL),
                select(Motivation::ALL),
            ),
        )
            .prop_map(
                |(
                    (months, visibility, change, phase, remedial),
                    (bottom_line, lead, sponsor_level, sponsor_motivation),
                )| Evidence {
                    duration: Months::new(f64::from(months)).unwrap(),
                    visibility,
                    change,
                    phase,
                    remedial,
                    bottom_line,
                    lead,
                    sponsor_level,
                    sponsor_motivation,
                },
            )
    }

    /// Criteria on scales of sixteenths, with small whole weights (some 0),
    /// up to 12 leaders and a `min_score` that binds.
    fn criteria() -> impl Strategy<Value = Criteria> {
        criteria_text().prop_map(|text| text.parse().unwrap())
    }

    /// [`criteria`] as the criteria file says them.
    fn criteria_text() -> impl Strategy<Value = String> {
        (
            prop::array::uniform7(0_u8..=6),
            1_usize..=12,
            select(&[0.0, 0.25, 0.5, 0.625][..]),
        )
            .prop_filter("weights not all 0", |(w, ..)| w.iter().any(|&w| w > 0))
            .prop_map(|([d, v, t, p, b, l, s], leaders, min_score)| {
                format!(
                    "[selection]\nleaders = {leaders}\nmin_score = {min_score:?}\n\
                     [duration]\nweight = {d}\nfull = [12, 18]\nzero = [8, 22]\n\
                     [visibility]\nweight = {v}\n\
                     [tangibility]\nweight = {t}\n\
                     scores = {{ technology = 1.0, process = 0.75, cultural = 0.0 }}\n\
                     [phase]\nweight = {p}\nremedial = 0.25\nmin = 0.25\n\
                     [bottom_line]\nweight = {b}\n\
                     scores = {{ direct = 1.0, indirect = 0.375, none = 0.0 }}\n\
                     [lead]\nweight = {l}\n\
                     [sponsorship]\nweight = {s}\nmin = 0.25\n"
                )
            })
    }

    /// A `[constraints]` section of every kind over `candidates`, given
    /// units, sponsors, trainees and tags from few values so that the
    /// constraints bind; they may not all hold.
    fn constrained(candidates: Vec<Candidate>) -> impl Strategy<Value = (String, Portfolio)> {
        let n = candidates.len();
        let who = (
            0_u8..4,
            0_u8..4,
            prop::option::weighted(0.8, 0_u64..=10),
            prop::bool::weighted(0.3),
        );
        (
            prop::collection::vec(who, n),
            (
                prop::option::weighted(0.5, 1_u8..=2),
                prop::option::weighted(0.4, 1_u8..=2),
                prop::option::weighted(0.5, 5_u64..=30),
            ),
            (
                prop::option::weighted(0.2, 0..n),
                prop::option::weighted(0.2, 0..n),
                prop::option::weighted(0.3, (0..n, 0..n)),
                prop::option::weighted(0.3, (0_u8..=1, 1_u8..=3)),
            ),
        )
            .prop_map(move |(who, caps, decisions)| {
                let mut candidates = candidates.clone();
                for (c, (u, s, trainees, tagged)) in candidates.iter_mut().zip(who) {
                    c.unit = (u < 3).then(|| format!("u{u}"));
                    c.sponsor = (s < 3).then(|| format!("s{s}"));
                    c.trainees = trainees;
                    c.tags = if tagged {
                        vec!["g".to_owned()]
                    } else {
                        Vec::new()
                    };
                }
                let text = section(&candidates, caps, decisions);
                (text, Portfolio::new(candidates).unwrap())
            })
    }

    /// Must lead, must not lead, an exclusive pair and group `g`'s min and
    /// max, by index into the candidates, as a strategy draws them.
    type Decisions = (
        Option<usize>,
        Option<usize>,
        Option<(usize, usize)>,
        Option<(u8, u8)>,
    );

    /// The `[constraints]` section with the given caps (per unit, per
    /// sponsor, training capacity) and decisions (must lead, must not
    /// lead, an exclusive pair, group `g`'s min and max), by index into
    /// `candidates`.
    fn section(
        candidates: &[Candidate],
        (unit, sponsor, capacity): (Option<u8>, Option<u8>, Option<u64>),
        (must, banned, pair, group): Decisions,
    ) -> String {
        let id = |i: usize| candidates[i].id.clone();
        let mut text = String::from("[constraints]\n");
        let mut line = |key: &str, value: String| {
            let _ = writeln!(text, "{key} = {value}");
        };
        if let Some(n) = unit {
            line("per_unit", n.to_string());
        }
        if let Some(n) = sponsor {
            line("per_sponsor", n.to_string());
        }
        if let Some(n) = capacity {
            line("training_capacity", n.to_string());
        }
        if let Some(i) = must {
            line("must_lead", format!("[{:?}]", id(i)));
        }
        if let Some(i) = banned.filter(|&i| Some(i) != must) {
            line("must_not_lead", format!("[{:?}]", id(i)));
        }
        if let Some((a, b)) = pair.filter(|(a, b)| a != b) {
            line("exclusive", format!("[[{:?}, {:?}]]", id(a), id(b)));
        }
        if let Some((min, max)) = group {
            let group = "[[constraints.group]]\ntag = \"g\"";
            let _ = writeln!(text, "{group}\nmin = {min}\nmax = {max}");
        }
        text
    }

    /// Up to `n` candidates, ids in an order unlike the input's.
    fn candidates(n: usize) -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec(evidence(), 1..n).prop_map(|evidence| {
            (evidence.into_iter().enumerate())
                .map(|(i, e)| Candidate::new(format!("c{:03}", (i * 37) % 101), e))
                .collect()
        })
    }

    fn portfolio() -> impl Strategy<Value = Portfolio> {
        candidates(60).prop_map(|candidates| Portfolio::new(candidates).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn the_envelope_gives_what_every_pair_gives(
            criteria in criteria(),
            portfolio in portfolio(),
        ) {
            prop_assert_eq!(
                stability_by(&criteria, &portfolio, Pairs::Needed).unwrap(),
                stability_by(&criteria, &portfolio, Pairs::Every).unwrap()
            );
        }

        #[test]
        fn under_constraints_the_needed_crossings_give_what_every_crossing_gives(
            text in criteria_text(),
            (constraints, portfolio) in candidates(24).prop_flat_map(constrained),
        ) {
            let criteria: Criteria = (text + &constraints).parse().unwrap();
            prop_assert_eq!(
                stability_by(&criteria, &portfolio, Pairs::Needed),
                stability_by(&criteria, &portfolio, Pairs::Every)
            );
        }
    }
}
