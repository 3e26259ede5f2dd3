//! The lower envelope of lines `c + t d`, exactly: at each weight `t`, the
//! least of them.
//!
//! Stability asks where a candidate that does not lead first ranks above
//! some leader, on either side of the configured weight. Against every
//! leader that is `O(k)` comparisons a candidate; against the leaders'
//! lower envelope, which is concave, it is a binary search, `O(log k)`: a
//! candidate's line less the envelope is convex, so going one way from a
//! weight where the candidate is at or below the envelope, the points
//! where it is above form one run, and the line it first rises above is
//! the envelope's line there.
//!
//! Every end is an exact fraction ([`Point`]), compared without rounding,
//! so the lines the search names are the ones the plan would compare.

use crate::exact::{Line, Point};

/// The lower envelope of a set of lines, each with the index it was given.
#[derive(Debug)]
pub(crate) struct Envelope {
    /// The lines least somewhere, by slope descending: line `i` is least on
    /// `[breaks[i - 1], breaks[i]]`.
    lines: Vec<(Line, usize)>,
    /// Where each line hands over to the next, strictly ascending.
    breaks: Vec<Point>,
}

/// Where `p` and `q` meet, for `p` the steeper.
fn meet(p: Line, q: Line) -> Point {
    Point {
        num: q.c - p.c,
        den: p.d - q.d,
    }
}

impl Envelope {
    /// The lower envelope of `lines`, each with an index to name it by.
    /// Of lines that are the same, one is kept.
    pub(crate) fn new(lines: impl IntoIterator<Item = (Line, usize)>) -> Self {
        let mut lines: Vec<(Line, usize)> = lines.into_iter().collect();
        // Steepest first: least as t goes to minus infinity. Of equal
        // slopes the lowest, which hides the others.
        lines.sort_unstable_by(|(p, i), (q, j)| (q.d.cmp(&p.d)).then(p.c.cmp(&q.c)).then(i.cmp(j)));
        lines.dedup_by(|(later, _), (kept, _)| later.d == kept.d);
        let mut hull: Vec<(Line, usize)> = Vec::with_capacity(lines.len());
        for (line, index) in lines {
            // The last is hidden when the new line meets the one before it
            // no later than the last does.
            while let [.., (before, _), (last, _)] = *hull.as_slice() {
                if meet(before, line) <= meet(before, last) {
                    hull.pop();
                } else {
                    break;
                }
            }
            hull.push((line, index));
        }
        let breaks = hull
            .windows(2)
            .filter_map(|pair| match pair {
                [(p, _), (q, _)] => Some(meet(*p, *q)),
                _ => None,
            })
            .collect();
        Envelope {
            lines: hull,
            breaks,
        }
    }

    /// The position of the line least just past `t`: just above it when
    /// `up`, just below otherwise.
    fn position_past(&self, t: Point, up: bool) -> usize {
        if up {
            self.breaks.partition_point(|&x| x <= t)
        } else {
            self.breaks.partition_point(|&x| x < t)
        }
    }

    /// For a line `o` at or below the envelope at `from`: the index of the
    /// envelope's line least just past the first weight, going up from
    /// `from` when `up` and down otherwise, past which `o` is above the
    /// envelope; of the last line that way when there is none. `None` when
    /// there are no lines.
    ///
    /// Past `from`, `o` less the envelope is convex and at most 0 at
    /// `from`, so the breaks where `o` is above the envelope are the last
    /// ones going that way: a binary search finds the first of them, and
    /// `o` crosses on the segment that ends there.
    pub(crate) fn crossing(&self, o: Line, from: Point, up: bool) -> Option<usize> {
        let start = self.position_past(from, up);
        let above = |i: usize| {
            let (Some(&(line, _)), Some(&x)) = (self.lines.get(i), self.breaks.get(i)) else {
                return false;
            };
            let apart = Line {
                c: o.c - line.c,
                d: o.d - line.d,
            };
            apart.sign_at(x).is_gt()
        };
        let at = if up {
            // The breaks from `start` on where `o` is above: a suffix.
            let (mut lo, mut hi) = (start, self.breaks.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if above(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        } else {
            // The breaks before `start` where `o` is above: a prefix. It
            // crosses on the segment after the last of them.
            let (mut lo, mut hi) = (0, start);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if above(mid) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        self.lines.get(at).map(|&(_, index)| index)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Envelope, Line, Point};

    fn lines() -> impl Strategy<Value = Vec<(Line, usize)>> {
        prop::collection::vec((-8..8_i128, -4..4_i128), 1..30).prop_map(|pairs| {
            pairs
                .into_iter()
                .enumerate()
                .map(|(index, (c, d))| (Line { c, d }, index))
                .collect()
        })
    }

    /// `line` at `t`, times `t.den`.
    fn at(line: Line, t: Point) -> i128 {
        line.c * t.den + line.d * t.num
    }

    fn point() -> impl Strategy<Value = Point> {
        (-40..40_i128, 1..5_i128).prop_map(|(num, den)| Point { num, den })
    }

    /// The least of `lines` just past `t`: at `t`, then by slope.
    fn least_past(lines: &[(Line, usize)], t: Point, up: bool) -> Line {
        let key = |l: &Line| (at(*l, t), if up { l.d } else { -l.d });
        lines.iter().map(|&(l, _)| l).min_by_key(key).unwrap()
    }

    proptest! {
        #[test]
        fn the_line_least_past_a_weight_is_the_least_there(
            lines in lines(),
            t in point(),
            up in any::<bool>(),
        ) {
            let envelope = Envelope::new(lines.clone());
            let (named, _) = envelope.lines[envelope.position_past(t, up)];
            let least = least_past(&lines, t, up);
            prop_assert_eq!((at(named, t), named.d), (at(least, t), least.d));
        }

        #[test]
        fn the_crossing_names_the_line_the_first_rise_is_over(
            lines in lines(),
            (c, d) in (-8..8_i128, -4..4_i128),
            from in point(),
            up in any::<bool>(),
        ) {
            let envelope = Envelope::new(lines.clone());
            // Lowered to the envelope at `from`, or below it.
            let least = least_past(&lines, from, up);
            let mut o = Line { c, d };
            let over = at(o, from) - at(least, from);
            if over > 0 {
                o.c -= over.div_euclid(from.den) + 1;
            }
            prop_assert!(at(o, from) <= at(least, from));
            let index = envelope.crossing(o, from, up).unwrap();
            let named = lines.iter().find(|(_, i)| *i == index).unwrap().0;
            // Every line `o` rises above going that way, with where: the
            // nearest of those weights, and the line least just past it.
            let rises: Vec<Point> = lines
                .iter()
                .filter(|(l, _)| if up { o.d > l.d } else { o.d < l.d })
                .map(|(l, _)| Line { c: o.c - l.c, d: o.d - l.d }.root().unwrap())
                .filter(|&x| if up { x >= from } else { x <= from })
                .collect();
            let nearest = if up { rises.iter().min() } else { rises.iter().max() };
            if let Some(&x) = nearest {
                let least = least_past(&lines, x, up);
                prop_assert_eq!((at(named, x), named.d), (at(least, x), least.d));
            }
        }
    }
}
