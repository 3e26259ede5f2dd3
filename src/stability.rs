//! Weight-stability intervals: how far each criterion's weight can move,
//! the others fixed, before the leaders change. Closed form, no sampling.
//!
//! With every weight but `w_j` fixed, call `t` that weight. A candidate's
//! total is `(A + t s) / (B + t)`, where `s` is its score on criterion `j`,
//! `B` the sum of the other weights and `A` their weighted sum of its other
//! scores. Two totals compare as their numerators `A + t s` do (the
//! denominator is shared), and a total reaches `min_score` `m` exactly when
//! `(A - m B) + t (s - m) >= 0`: every question the plan asks is the sign of
//! a line in `t`. The leaders stay the same exactly while every leader stays
//! eligible and, when every leader place is taken, no eligible non-leader
//! beats a leader (or, when places are left, no non-leader becomes
//! eligible). Each way to fail holds on an interval of `t`; the stable
//! interval is the gap between them around the configured weight.

use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, Portfolio};
use crate::criteria::Criteria;
use crate::criterion::{Criterion, PerCriterion};
use crate::error::Result;
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
    /// The ids of the candidates that start to lead, best first.
    pub enter: Vec<String>,
    /// The ids of the leaders that stop leading, best first.
    pub leave: Vec<String>,
}

impl Criteria {
    /// For each criterion's weight, in [`Criterion::ALL`] order, the range
    /// over which the set of leaders of `portfolio` stays the same with the
    /// other weights fixed, and which candidates enter and leave at each end.
    ///
    /// Exact, in closed form: totals are weighted sums, so every comparison
    /// the plan makes is the sign of a line in the moving weight. Takes
    /// `O(7 k N)` time for `k` leaders and `N` candidates. Under
    /// `[constraints]` any two candidates that swap places may change the
    /// leaders: each end is the first of the `O(N^2)` weights where two
    /// totals cross (or one meets `min_score`) past which the rule chooses
    /// other leaders, and each of those tried runs the rule once.
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

/// The stability interval of each criterion's weight.
fn stability(criteria: &Criteria, portfolio: &Portfolio) -> Result<PerCriterion<Stability>> {
    let leaders: Vec<&Candidate> = criteria
        .choose_leaders(portfolio)?
        .into_iter()
        .map(|ranked| ranked.candidate)
        .collect();
    let rule = LeaderRule::new(criteria, portfolio)?;
    // Candidates below a criterion's `min` never lead, whatever the
    // weights, unless by decision.
    let field: Vec<Entry<'_>> = (0..portfolio.len())
        .filter_map(|place| {
            let (_, candidate) = portfolio.at_place(place)?;
            let scores = criteria.assess(&candidate.evidence).scores;
            let fit = criteria.meets_mins(&scores);
            (fit || rule.must().contains(&place)).then(|| Entry {
                candidate,
                place,
                scores: scores.0,
                leads: leaders.iter().any(|l| std::ptr::eq(*l, candidate)),
                fit,
            })
        })
        .collect();
    Ok(PerCriterion::from_fn(|criterion| {
        let axis = Axis::new(criteria, criterion);
        if rule.bound().is_some() {
            axis.constrained(&field, &leaders, &rule)
        } else {
            axis.interval(&field, &leaders, &rule)
        }
    }))
}

/// Totals closer than this at the end of an interval are equal there: far
/// above the rounding of a total, far below the ranking's 1e-9 grid.
const TIE: f64 = 1e-12;

/// A candidate that may lead, with its scores.
struct Entry<'a> {
    candidate: &'a Candidate,
    /// Its place in id order.
    place: usize,
    scores: PerCriterion<f64>,
    leads: bool,
    /// Whether every score reaches its criterion's `min`.
    fit: bool,
}

/// One criterion's weight as the variable `t`, the others fixed.
struct Axis {
    criterion: Criterion,
    /// The configured weight.
    weight: f64,
    /// The sum of the other weights.
    rest: f64,
    weights: PerCriterion<f64>,
    min_score: f64,
    leaders: usize,
}

/// `a + b t`.
#[derive(Clone, Copy)]
struct Linear {
    a: f64,
    b: f64,
}

impl Linear {
    fn minus(self, other: Linear) -> Linear {
        Linear {
            a: self.a - other.a,
            b: self.b - other.b,
        }
    }

    /// Where the line is above 0 (or at 0, unless `strict`), as an interval
    /// whose ends may be open or closed: sets of one point do not matter.
    fn above_zero(self, strict: bool) -> Option<Span> {
        if self.b > 0.0 {
            Some(Span(-self.a / self.b, f64::INFINITY))
        } else if self.b < 0.0 {
            Some(Span(f64::NEG_INFINITY, -self.a / self.b))
        } else if self.a > 0.0 || (!strict && self.a == 0.0) {
            Some(Span(f64::NEG_INFINITY, f64::INFINITY))
        } else {
            None
        }
    }

    fn below_zero(self) -> Option<Span> {
        Linear {
            a: -self.a,
            b: -self.b,
        }
        .above_zero(true)
    }
}

/// An interval of weights.
#[derive(Clone, Copy)]
struct Span(f64, f64);

impl Span {
    fn and(self, other: Option<Span>) -> Option<Span> {
        let other = other?;
        Some(Span(self.0.max(other.0), self.1.min(other.1)))
    }
}

impl Axis {
    fn new(criteria: &Criteria, criterion: Criterion) -> Self {
        let weights = criteria.weights;
        let rest = weights
            .iter()
            .filter(|&(c, _)| c != criterion)
            .map(|(_, w)| w)
            .sum();
        Axis {
            criterion,
            weight: criteria.weight(criterion),
            rest,
            weights,
            min_score: criteria.min_score,
            leaders: criteria.leaders,
        }
    }

    /// A candidate's total times `rest + t`.
    fn numerator(&self, scores: &PerCriterion<f64>) -> Linear {
        let mut a = 0.0;
        let mut b = 0.0;
        for ((c, w), s) in self.weights.iter().zip(scores.values()) {
            if c == self.criterion {
                b = *s;
            } else {
                a += w * s;
            }
        }
        Linear { a, b }
    }

    /// Its total less `min_score`, times `rest + t`: at least 0 exactly
    /// when the total reaches `min_score`.
    fn over_min(&self, scores: &PerCriterion<f64>) -> Linear {
        self.numerator(scores).minus(Linear {
            a: self.min_score * self.rest,
            b: self.min_score,
        })
    }

    /// The interval under constraints: from the configured weight, the
    /// nearest weight on each side where two totals cross, or one meets
    /// `min_score`, past which the rule chooses other leaders.
    fn constrained(
        &self,
        field: &[Entry<'_>],
        leaders: &[&Candidate],
        rule: &LeaderRule,
    ) -> Stability {
        let t0 = self.weight;
        let lines: Vec<(Linear, Linear)> = field
            .iter()
            .map(|e| (self.numerator(&e.scores), self.over_min(&e.scores)))
            .collect();
        let root = |line: Linear| (line.b != 0.0).then(|| -line.a / line.b);
        let mut events: Vec<f64> = Vec::new();
        for (i, (line, over)) in lines.iter().enumerate() {
            events.extend(root(*over));
            for (other, _) in lines.iter().skip(i + 1) {
                events.extend(root(line.minus(*other)));
            }
        }
        events.retain(|t| t.is_finite() && *t >= 0.0);
        events.push(t0);
        events.sort_unstable_by(f64::total_cmp);
        events.dedup();
        let changes = |at: f64, up: bool| {
            let shift = self.shift(field, leaders, rule, at, up);
            (!shift.enter.is_empty() || !shift.leave.is_empty()).then_some(shift)
        };
        let above =
            (events.iter().filter(|&&t| t >= t0)).find_map(|&t| Some((t, changes(t, true)?)));
        let below = (events.iter().rev().filter(|&&t| t <= t0 && t > 0.0))
            .find_map(|&t| Some((t, changes(t, false)?)));
        Stability {
            criterion: self.criterion,
            weight: t0,
            low: below.as_ref().map_or(0.0, |(t, _)| *t),
            high: above.as_ref().map(|(t, _)| *t),
            below: below.map(|(_, shift)| shift),
            above: above.map(|(_, shift)| shift),
        }
    }

    fn interval(
        &self,
        field: &[Entry<'_>],
        leaders: &[&Candidate],
        rule: &LeaderRule,
    ) -> Stability {
        let t0 = self.weight;
        let mut low = 0.0_f64;
        let mut high = f64::INFINITY;
        let mut fail = |span: Option<Span>| {
            // Only the part at weights of 0 or more, and of some length.
            let Some(Span(start, end)) = span.map(|s| Span(s.0.max(0.0), s.1)) else {
                return;
            };
            if end <= start {
                return;
            }
            if end <= t0 {
                low = low.max(end);
            } else if start >= t0 {
                high = high.min(start);
            } else if t0 - start < end - t0 {
                // Around `t0` only by rounding, or by a tie the ids broke.
                high = high.min(t0);
            } else {
                low = low.max(t0);
            }
        };
        let full = leaders.len() >= self.leaders;
        let leading: Vec<Linear> = field
            .iter()
            .filter(|e| e.leads)
            .map(|leader| {
                fail(self.over_min(&leader.scores).below_zero());
                self.numerator(&leader.scores)
            })
            .collect();
        for other in field.iter().filter(|e| !e.leads) {
            let Some(eligible) = self.over_min(&other.scores).above_zero(false) else {
                continue;
            };
            if !full {
                fail(Some(eligible));
                continue;
            }
            let numerator = self.numerator(&other.scores);
            for &leader in &leading {
                fail(eligible.and(numerator.minus(leader).above_zero(true)));
            }
        }
        let shift = |at: f64, up: bool| self.shift(field, leaders, rule, at, up);
        Stability {
            criterion: self.criterion,
            weight: t0,
            low,
            high: high.is_finite().then_some(high),
            below: (low > 0.0).then(|| shift(low, false)),
            above: high.is_finite().then(|| shift(high, true)),
        }
    }

    /// How the leaders differ from `leaders` just past the weight `at`,
    /// above it when `up`, below it otherwise.
    ///
    /// Totals equal at `at` (up to [`TIE`]) part the way their slopes say:
    /// the score on this criterion, the higher first going up. Not on the
    /// ranking's 1e-9 grid: the totals of two candidates that cross at `at`
    /// are equal there, and may round to either side of a grid point.
    fn shift(
        &self,
        field: &[Entry<'_>],
        leaders: &[&Candidate],
        rule: &LeaderRule,
        at: f64,
        up: bool,
    ) -> Shift {
        let sum = self.rest + at;
        let direction = if up { 1.0 } else { -1.0 };
        let must = rule.must();
        let mut past: Vec<(f64, f64, &Entry<'_>, bool)> = field
            .iter()
            .filter_map(|e| {
                let line = self.numerator(&e.scores);
                let total = (line.a + at * line.b) / sum;
                let slope = direction * line.b;
                let eligible = e.fit
                    && if (total - self.min_score).abs() <= TIE {
                        slope >= direction * self.min_score
                    } else {
                        total > self.min_score
                    };
                (eligible || must.contains(&e.place)).then_some((total, slope, e, eligible))
            })
            .collect();
        past.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.2.place.cmp(&y.2.place)));
        // Runs of totals within `TIE` of the run's first: ties at `at`.
        let mut start = 0;
        while let Some(&(first, ..)) = past.get(start) {
            let run = past.get(start..).map_or(0, |rest| {
                rest.iter().take_while(|x| first - x.0 <= TIE).count()
            });
            if let Some(tied) = past.get_mut(start..start + run) {
                tied.sort_unstable_by(|x, y| {
                    y.1.total_cmp(&x.1).then_with(|| x.2.place.cmp(&y.2.place))
                });
            }
            start += run.max(1);
        }
        // Only the eligible and the must-leads are in `past`: the others
        // cannot lead.
        let mut new: Vec<&Candidate> = Vec::with_capacity(rule.leaders());
        let offers = past.iter().map(|&(_, _, e, eligible)| {
            let offer = Offer {
                place: e.place,
                eligible,
            };
            (e.candidate, offer)
        });
        rule.choose(offers, |candidate| new.push(candidate));
        let ids = |from: &[&Candidate], not_in: &[&Candidate]| {
            from.iter()
                .filter(|c| !not_in.iter().any(|n| std::ptr::eq(*n, **c)))
                .map(|c| c.id.clone())
                .collect()
        };
        Shift {
            enter: ids(&new, leaders),
            leave: ids(leaders, &new),
        }
    }
}
