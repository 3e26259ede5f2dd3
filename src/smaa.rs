//! Stochastic multicriteria acceptability analysis (SMAA): weight vectors
//! drawn at random, and how often each candidate leads and ranks where.
//!
//! The samples are cut into chunks of [`CHUNK`], each drawing from its own
//! stream seeded by `(seed, chunk index)`. Every count is an integer, and the
//! central weights are summed in fixed point, so the result is the same bit
//! for bit whatever the number of threads and the order the chunks finish in.

use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::Serializer;

use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::criterion::{Criterion, Level, Sampling};
use crate::error::{At, Error, Part, Result};
use crate::score::Weights;
use crate::select::{Key, LeaderRule, Offer, below_top, packed_key};

/// The most weight vectors one analysis may draw.
pub(crate) const MAX_SAMPLES: u64 = 10_000_000;

/// How many ranks a candidate's rank distribution counts one by one.
pub(crate) const MAX_RANKS: usize = 100;

/// Samples per chunk; each chunk has its own random stream.
const CHUNK: u64 = 4096;

/// How many draws `weights = "around"` makes for one sample before it gives
/// up on the order and takes a point that obeys it.
const MAX_TRIES: u32 = 1 << 20;

/// How many draws the check of `weights = "around"` with an order makes,
/// and how many of them must obey the order (1 in 1000).
const PILOT: u32 = 1 << 16;
const PILOT_HITS: u32 = PILOT / 1000;

/// Central weights are summed in fixed point, `2^-32` a unit, so that the
/// sum is exact and the same in any order.
const FIXED: f64 = 4_294_967_296.0;

/// An ordinal constraint on sampled weights: `heavier >= lighter`.
///
/// Written `"sponsorship >= visibility"` (or `"visibility <= sponsorship"`)
/// in the criteria file. Constraints that go round in a circle (`a >= b` and
/// `b >= a`) make those weights equal in every sample. Strict `>` is not
/// accepted: weights are drawn from a continuum, where `>` and `>=` hold
/// for the same samples but for a share 0 of them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub struct WeightOrder {
    /// The criterion whose weight is at least the other's.
    pub heavier: Criterion,
    /// The criterion whose weight is at most the other's.
    pub lighter: Criterion,
}

impl fmt::Display for WeightOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} >= {}", self.heavier, self.lighter)
    }
}

impl Serialize for WeightOrder {
    /// As written in the criteria file: `"sponsorship >= visibility"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for WeightOrder {
    type Err = Error;

    /// Reads `"a >= b"` or `"b <= a"`, `a` and `b` criterion names.
    fn from_str(s: &str) -> Result<Self> {
        parse_order(s).map_err(|message| Error::Invalid {
            at: At {
                key: Some("robustness.order".to_owned()),
                ..At::part(Part::Criteria)
            },
            message,
        })
    }
}

/// The longest part of a constraint shown in a message, in characters.
const SHOWN: usize = 40;

/// `text` quoted for a message: Debug quoting escapes control, bidi and
/// other invisible characters, and a long text is cut short.
fn quote(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{:?}…", text.get(..cut).unwrap_or_default()),
        None => format!("{text:?}"),
    }
}

/// Reads one constraint of `robustness.order`; the error names it.
pub(crate) fn parse_order(s: &str) -> Result<WeightOrder, String> {
    let shown = quote(s);
    let malformed = || format!("{shown} is not a constraint: expected \"criterion >= criterion\"");
    let (left, right, flipped) = if let Some((l, r)) = s.split_once(">=") {
        (l, r, false)
    } else if let Some((l, r)) = s.split_once("<=") {
        (l, r, true)
    } else {
        return Err(malformed());
    };
    let name = |part: &str| {
        let part = part.trim();
        if part.is_empty() || part.contains(['<', '>', '=']) {
            return Err(malformed());
        }
        part.parse::<Criterion>().map_err(|e| match e {
            Error::UnknownName { expected, .. } => format!(
                "{shown}: unknown criterion {}, expected one of {expected}",
                quote(part)
            ),
            other => format!("{shown}: {other}"),
        })
    };
    let (left, right) = (name(left)?, name(right)?);
    let (heavier, lighter) = if flipped {
        (right, left)
    } else {
        (left, right)
    };
    if heavier == lighter {
        return Err(format!("{shown} compares {heavier} with itself"));
    }
    Ok(WeightOrder { heavier, lighter })
}

/// How [`Criteria::acceptability`] draws weights: the `[robustness]`
/// section of the criteria file.
///
/// Every value that exists is valid: `samples` in 1 to 10 000 000, `spread`
/// in `[0, 1]`, and with `Sampling::Around`, an order the spread can obey
/// in at least 1 draw in 1000.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub(crate) samples: u64,
    pub(crate) seed: u64,
    pub(crate) sampling: Sampling,
    pub(crate) spread: f64,
    pub(crate) order: Vec<WeightOrder>,
}

impl Robustness {
    /// Where the shipped file starts from, like the rest of the criteria.
    pub(crate) const BLANK: Robustness = Robustness {
        samples: 1,
        seed: 0,
        sampling: Sampling::Simplex,
        spread: 0.0,
        order: Vec::new(),
    };

    /// How many weight vectors are drawn.
    #[must_use]
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// The seed of the random streams: the same seed, the same result.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How the weights are drawn.
    #[must_use]
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// How far each weight may stray from its configured value with
    /// [`Sampling::Around`], as a fraction of it: in `[0, 1]`.
    #[must_use]
    pub fn spread(&self) -> f64 {
        self.spread
    }

    /// The constraints every sampled weight vector obeys.
    #[must_use]
    pub fn order(&self) -> &[WeightOrder] {
        &self.order
    }
}

/// How every candidate fares over the sampled weight vectors: what
/// [`Criteria::acceptability`] returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptability {
    /// How many weight vectors were drawn.
    pub samples: u64,
    /// The seed they were drawn from.
    pub seed: u64,
    /// How they were drawn.
    pub sampling: Sampling,
    /// The most candidates that lead in one sample.
    pub leaders: usize,
    /// Every candidate, in the order of [`Criteria::rank`] under the
    /// configured weights.
    pub candidates: Vec<Acceptance>,
}

/// How one candidate fares over the sampled weight vectors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptance {
    /// The candidate's id.
    pub id: String,
    /// In how many samples it leads: it is eligible and among the first
    /// `leaders` eligible candidates of that sample's ranking.
    pub leads: u64,
    /// `leads / samples`: the share of samples in which it leads, in
    /// `[0, 1]`.
    pub lead_share: f64,
    /// `ranks[r]` is in how many samples it ranks `r + 1`-th, for the first
    /// `min(candidates, 100)` ranks.
    pub ranks: Vec<u64>,
    /// In how many samples it ranks below the ranks counted in `ranks`
    /// (0 for a portfolio of up to 100 candidates).
    pub lower: u64,
    /// The mean weight vector of the samples in which it leads (each weight
    /// to about 1e-9); `None` when it never leads.
    pub central_weights: Option<Weights>,
}

/// xoshiro256++, seeded by splitmix64: one stream per `(seed, chunk)`.
struct Rng([u64; 4]);

/// splitmix64's output function: a bijection that mixes all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream of `chunk` under `seed`.
    fn new(seed: u64, chunk: u64) -> Self {
        const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut state = mix(seed) ^ mix(chunk.wrapping_add(GOLDEN));
        Rng(std::array::from_fn(|_| {
            state = state.wrapping_add(GOLDEN);
            mix(state)
        }))
    }

    fn next(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.0;
        let out = s0.wrapping_add(*s3).rotate_left(23).wrapping_add(*s0);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        out
    }

    /// Uniform in the open interval `(0, 1)`.
    fn uniform(&mut self) -> f64 {
        to_unit(self.next() >> 11)
    }
}

/// A 53-bit draw as a number in the open interval `(0, 1)`.
#[allow(clippy::cast_precision_loss, reason = "53 bits fit an f64")]
fn to_unit(draw: u64) -> f64 {
    (draw as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
}

/// The bit of criterion or group `i` in a mask of 7.
fn bit(i: usize) -> u8 {
    1 << i
}

/// For each criterion, the mask of the criteria it weighs at least as much
/// as under `order`, itself included: the transitive closure.
fn closure(order: &[WeightOrder]) -> [u8; 7] {
    let mut at_least: [u8; 7] = std::array::from_fn(bit);
    for o in order {
        if let Some(row) = at_least.get_mut(o.heavier.index()) {
            *row |= bit(o.lighter.index());
        }
    }
    for k in 0..7 {
        let through = at_least.get(k).copied().unwrap_or(0);
        for row in &mut at_least {
            if *row & bit(k) != 0 {
                *row |= through;
            }
        }
    }
    at_least
}

/// The criteria grouped by equal weight: those that weigh at least as much
/// as each other under the order are one group.
struct Groups {
    /// How many groups; each criterion's group is below this.
    count: usize,
    /// The group of each criterion; groups are numbered by their first
    /// criterion.
    of: [usize; 7],
    /// How many criteria each group has.
    size: [usize; 7],
    /// For each group, the mask of the other groups it weighs at least as
    /// much as.
    above: [u8; 7],
}

impl Groups {
    fn new(at_least: [u8; 7]) -> Self {
        let mut groups = Groups {
            count: 0,
            of: [0; 7],
            size: [0; 7],
            above: [0; 7],
        };
        for (c, &row) in at_least.iter().enumerate() {
            // The first criterion equal to `c`: `c` reaches it and it reaches `c`.
            let first = (0..c)
                .find(|&d| row & bit(d) != 0 && at_least.get(d).is_some_and(|r| r & bit(c) != 0));
            let group = if let Some(group) = first.and_then(|d| groups.of.get(d).copied()) {
                group
            } else {
                groups.count += 1;
                groups.count - 1
            };
            if let Some(slot) = groups.of.get_mut(c) {
                *slot = group;
            }
            if let Some(size) = groups.size.get_mut(group) {
                *size += 1;
            }
        }
        for (c, &row) in at_least.iter().enumerate() {
            let group = groups.of.get(c).copied().unwrap_or(0);
            for (d, &other) in groups.of.iter().enumerate() {
                if row & bit(d) != 0
                    && other != group
                    && let Some(above) = groups.above.get_mut(group)
                {
                    *above |= bit(other);
                }
            }
        }
        groups
    }

    /// The weight of each criterion, from the value of each group.
    fn spread_out(&self, values: &[f64; 7]) -> [f64; 7] {
        self.of
            .map(|group| values.get(group).copied().unwrap_or(0.0))
    }

    /// Whether `values` of the groups obey the order between groups.
    fn obey(&self, values: &[f64; 7]) -> bool {
        self.above
            .iter()
            .zip(values)
            .take(self.count)
            .all(|(&above, &x)| {
                values
                    .iter()
                    .enumerate()
                    .all(|(g, &y)| above & bit(g) == 0 || x >= y)
            })
    }
}

/// One total order of the groups that obeys the order: a cell of the
/// constrained simplex.
struct Cell {
    /// The groups, heaviest first.
    groups: [usize; 7],
    /// `1 / M_i`, `M_i` the number of criteria in the first `i + 1` groups.
    inverse: [f64; 7],
}

/// How weight vectors are drawn.
enum Draw {
    /// Uniform on the simplex cut by the order, one cell at a time: a cell
    /// chosen in proportion to its volume, then a point uniform in it.
    Simplex {
        cells: Vec<Cell>,
        /// The running sum of the cells' volumes, in the order of `cells`.
        cumulative: Vec<f64>,
    },
    /// Uniform in a box around the configured weights, by rejection.
    Around {
        low: [f64; 7],
        high: [f64; 7],
        /// A point of the box that obeys the order.
        fallback: [f64; 7],
    },
}

/// Draws weight vectors as a [`Robustness`] says.
pub(crate) struct Sampler {
    groups: Groups,
    draw: Draw,
    /// A problem that makes the order impossible, found on construction.
    infeasible: Option<String>,
}

impl Sampler {
    /// The sampler of `robustness` around the configured `weights`.
    pub(crate) fn new(robustness: &Robustness, weights: &[f64; 7]) -> Self {
        let at_least = closure(&robustness.order);
        let groups = Groups::new(at_least);
        let mut infeasible = None;
        let draw = match robustness.sampling {
            Sampling::Simplex => Self::simplex(&groups),
            Sampling::Around => {
                let s = robustness.spread;
                let low_c = weights.map(|w| w * (1.0 - s));
                let high_c = weights.map(|w| w * (1.0 + s));
                // A group's value lies in every one of its criteria's ranges.
                let mut low = [0.0f64; 7];
                let mut high = [f64::INFINITY; 7];
                for (c, &group) in groups.of.iter().enumerate() {
                    if let (Some(lo), Some(hi)) = (low.get_mut(group), high.get_mut(group)) {
                        *lo = lo.max(low_c.get(c).copied().unwrap_or(0.0));
                        *hi = hi.min(high_c.get(c).copied().unwrap_or(0.0));
                    }
                }
                // The lowest each criterion may be: the highest low of what
                // it weighs at least as much as; and the highest it may be.
                let floor: [f64; 7] = std::array::from_fn(|c| {
                    let row = at_least.get(c).copied().unwrap_or(0);
                    (0..7)
                        .filter(|&d| row & bit(d) != 0)
                        .map(|d| low_c.get(d).copied().unwrap_or(0.0))
                        .fold(0.0, f64::max)
                });
                let ceiling: [f64; 7] = std::array::from_fn(|c| {
                    (0..7)
                        .filter(|&d| at_least.get(d).is_some_and(|row| row & bit(c) != 0))
                        .map(|d| high_c.get(d).copied().unwrap_or(0.0))
                        .fold(f64::INFINITY, f64::min)
                });
                for (c, &row) in at_least.iter().enumerate() {
                    for d in (0..7).filter(|&d| row & bit(d) != 0) {
                        let (Some(&hi), Some(&lo)) = (high_c.get(c), low_c.get(d)) else {
                            continue;
                        };
                        if lo > hi && infeasible.is_none() {
                            let (a, b) = (Criterion::ALL.get(c), Criterion::ALL.get(d));
                            if let (Some(a), Some(b)) = (a, b) {
                                infeasible = Some(format!(
                                    "the order puts {a} at or above {b}, but within the \
                                     spread of {s} {a}'s weight is at most {hi} and {b}'s \
                                     at least {lo}"
                                ));
                            }
                        }
                    }
                }
                if infeasible.is_none() && ceiling.iter().sum::<f64>() <= 0.0 {
                    infeasible = Some("the order forces every weight to 0".to_owned());
                }
                // The middle of [floor, ceiling] obeys the order: both ends
                // rise with the criteria a criterion weighs at least as much as.
                let middle: [f64; 7] = std::array::from_fn(|c| {
                    let (f, h) = (floor.get(c), ceiling.get(c));
                    f64::midpoint(f.copied().unwrap_or(0.0), h.copied().unwrap_or(0.0))
                });
                let mut fallback = [0.0; 7];
                for (c, &group) in groups.of.iter().enumerate() {
                    if let Some(slot) = fallback.get_mut(group) {
                        *slot = middle.get(c).copied().unwrap_or(0.0);
                    }
                }
                Draw::Around {
                    low,
                    high,
                    fallback,
                }
            }
        };
        Sampler {
            groups,
            draw,
            infeasible,
        }
    }

    /// Every total order of the groups that the order allows, each with its
    /// volume `prod(1 / M_i)`.
    fn simplex(groups: &Groups) -> Draw {
        let mut cells = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        let mut order = [0usize; 7];
        let k = groups.count;
        permutations(k, 0, 0, &mut order, &mut |order| {
            // Each group must come before the groups it weighs more than.
            let mut seen: u8 = 0;
            for &g in order.iter().take(k) {
                let above = groups.above.get(g).copied().unwrap_or(0);
                if above & seen != 0 {
                    return;
                }
                seen |= bit(g);
            }
            let mut inverse = [0.0; 7];
            let mut m = 0;
            let mut volume = 1.0;
            for (slot, &g) in inverse.iter_mut().zip(order.iter()).take(k) {
                m += groups.size.get(g).copied().unwrap_or(1);
                #[allow(clippy::cast_precision_loss, reason = "at most 7")]
                let inv = 1.0 / m as f64;
                *slot = inv;
                volume *= inv;
            }
            total += volume;
            cells.push(Cell {
                groups: *order,
                inverse,
            });
            cumulative.push(total);
        });
        Draw::Simplex { cells, cumulative }
    }

    /// Why no weight vector can obey the order, or why too few do to draw
    /// them by rejection.
    pub(crate) fn check(&self) -> Result<(), String> {
        if let Some(problem) = &self.infeasible {
            return Err(problem.clone());
        }
        if let Draw::Around { low, high, .. } = &self.draw
            && self.groups.above.iter().any(|&above| above != 0)
        {
            let mut rng = Rng::new(0, u64::MAX);
            let hits = (0..PILOT)
                .filter(|_| self.groups.obey(&self.around(&mut rng, low, high)))
                .count();
            if hits < PILOT_HITS as usize {
                return Err(format!(
                    "the order holds in only {hits} of {PILOT} draws within the spread: \
                     widen the spread or drop a constraint"
                ));
            }
        }
        Ok(())
    }

    /// One value per group, each uniform in its range.
    fn around(&self, rng: &mut Rng, low: &[f64; 7], high: &[f64; 7]) -> [f64; 7] {
        let mut values = [0.0; 7];
        for ((x, lo), hi) in values.iter_mut().zip(low).zip(high).take(self.groups.count) {
            *x = lo + (hi - lo) * rng.uniform();
        }
        values
    }

    /// The next weight vector: 7 weights that sum to 1.
    fn next(&self, rng: &mut Rng) -> [f64; 7] {
        let k = self.groups.count;
        match &self.draw {
            Draw::Simplex { cells, cumulative } => {
                // Without an order every gap below is a weight: no cell to
                // choose.
                let free = cells.len() == 5040;
                let cell = if free {
                    None
                } else {
                    let total = cumulative.last().copied().unwrap_or(1.0);
                    let r = rng.uniform() * total;
                    let at = cumulative.partition_point(|&c| c <= r);
                    cells.get(at).or(cells.last())
                };
                // k - 1 sorted uniform cuts of [0, 1]: their k gaps are
                // uniform on the simplex. The draws sort as integers.
                let mut draws = [u64::MAX; 6];
                if let Some(free) = draws.get_mut(..k.saturating_sub(1)) {
                    for draw in free.iter_mut() {
                        *draw = rng.next() >> 11;
                    }
                    free.sort_unstable();
                }
                let mut cuts = [1.0f64; 7];
                for (cut, &draw) in cuts.iter_mut().zip(&draws).take(k.saturating_sub(1)) {
                    *cut = to_unit(draw);
                }
                let mut gaps = [0.0; 7];
                let mut previous = 0.0;
                for (gap, &cut) in gaps.iter_mut().zip(&cuts).take(k) {
                    *gap = cut - previous;
                    previous = cut;
                }
                let Some(cell) = cell else {
                    return gaps;
                };
                // The i-th heaviest group is the sum of gap_j / M_j, j >= i.
                let mut values = [0.0; 7];
                let mut sum = 0.0;
                for ((&g, &inv), &gap) in cell
                    .groups
                    .iter()
                    .zip(&cell.inverse)
                    .zip(&gaps)
                    .take(k)
                    .rev()
                {
                    sum += gap * inv;
                    if let Some(slot) = values.get_mut(g) {
                        *slot = sum;
                    }
                }
                self.groups.spread_out(&values)
            }
            Draw::Around {
                low,
                high,
                fallback,
            } => {
                let mut values = *fallback;
                for _ in 0..MAX_TRIES {
                    let tried = self.around(rng, low, high);
                    if self.groups.obey(&tried) {
                        values = tried;
                        break;
                    }
                }
                let weights = self.groups.spread_out(&values);
                let sum: f64 = weights.iter().sum();
                weights.map(|w| w / sum)
            }
        }
    }
}

/// Calls `each` with every permutation of `0..k` in `order[..k]`, in
/// lexicographic order; `used` masks the values placed before `at`.
fn permutations(
    k: usize,
    at: usize,
    used: u8,
    order: &mut [usize; 7],
    each: &mut dyn FnMut(&[usize; 7]),
) {
    if at == k {
        each(order);
        return;
    }
    for g in (0..k).filter(|&g| used & bit(g) == 0) {
        if let Some(slot) = order.get_mut(at) {
            *slot = g;
        }
        permutations(k, at + 1, used | bit(g), order, each);
    }
}

/// Sorts `keys` ascending, through `out` (as long) and `counts` (one more
/// than a power of two): a pass that buckets the keys by the bits above
/// [`PLACE_BITS`](crate::select::PLACE_BITS), spread over the range this sample's keys take, then an
/// insertion sort that only moves keys within their bucket. Equal totals
/// share a bucket, so ties stay in place order. When a bucket is crowded
/// the standard sort does the rest.
///
/// `best` and `worst` are the highest and lowest totals: the keys' range.
fn sort_keys(keys: &mut Vec<u64>, out: &mut Vec<u64>, counts: &mut [u32], best: f64, worst: f64) {
    let buckets = counts.len().saturating_sub(1) as u64;
    let low = below_top(best);
    let range = below_top(worst).saturating_sub(low);
    // (key - low) * scale >> 32 is below `buckets`, and rises with the key.
    let scale = (buckets << 32) / (range + 1);
    #[allow(clippy::cast_possible_truncation, reason = "below `buckets`")]
    let bucket = |key: u64| (((Key::below_top_of(key).saturating_sub(low)) * scale) >> 32) as usize;
    counts.fill(0);
    for &key in keys.iter() {
        if let Some(count) = counts.get_mut(bucket(key) + 1) {
            *count += 1;
        }
    }
    let mut start = 0;
    let mut crowded = false;
    for count in counts.iter_mut() {
        crowded |= *count > 16;
        start += *count;
        *count = start;
    }
    for &key in keys.iter() {
        if let Some(at) = counts.get_mut(bucket(key)) {
            if let Some(slot) = out.get_mut(*at as usize) {
                *slot = key;
            }
            *at += 1;
        }
    }
    std::mem::swap(keys, out);
    if crowded {
        keys.sort_unstable();
        return;
    }
    for i in 1..keys.len() {
        let Some(&key) = keys.get(i) else { break };
        let mut j = i;
        while j > 0 {
            match keys.get(j - 1) {
                Some(&before) if before > key => {
                    if let Some(slot) = keys.get_mut(j) {
                        *slot = before;
                    }
                    j -= 1;
                }
                _ => break,
            }
        }
        if let Some(slot) = keys.get_mut(j) {
            *slot = key;
        }
    }
}

/// The portfolio as the analysis reads it: scores by criterion, in id order.
struct Table {
    /// `scores[c][place]`: the score of the candidate at `place` on
    /// criterion `c`.
    scores: [Vec<f64>; 7],
    /// Whether the candidate at each place reaches every criterion's `min`.
    fit: Vec<bool>,
    /// The most a leader's total may be below 1 on the grid.
    max_below: u64,
    rule: LeaderRule,
}

/// What a run of chunks counts; every count an integer, so that adding
/// two in any order gives the same.
struct Tally {
    leads: Vec<u64>,
    /// `ranks[place * width + r]`.
    ranks: Vec<u32>,
    /// The sum of the fixed-point weights of the samples each place leads.
    central: Vec<[u64; 7]>,
}

impl Tally {
    fn new(n: usize, width: usize) -> Self {
        Tally {
            leads: vec![0; n],
            ranks: vec![0; n * width],
            central: vec![[0; 7]; n],
        }
    }

    fn add(&mut self, other: &Tally) {
        for (a, b) in self.leads.iter_mut().zip(&other.leads) {
            *a += b;
        }
        for (a, b) in self.ranks.iter_mut().zip(&other.ranks) {
            *a += b;
        }
        for (a, b) in self.central.iter_mut().zip(&other.central) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// The highest and lowest of `totals`, four at a time: four independent
/// chains of comparisons instead of one.
fn range(totals: &[f64]) -> (f64, f64) {
    let mut high = [f64::NEG_INFINITY; 4];
    let mut low = [f64::INFINITY; 4];
    let chunks = totals.chunks_exact(4);
    let rest = chunks.remainder();
    for chunk in chunks {
        for ((h, l), &t) in high.iter_mut().zip(low.iter_mut()).zip(chunk) {
            *h = if t > *h { t } else { *h };
            *l = if t < *l { t } else { *l };
        }
    }
    let [h0, h1, h2, h3] = high;
    let [l0, l1, l2, l3] = low;
    let (h0, l0) = rest
        .iter()
        .fold((h0, l0), |(h, l), &t| (h.max(t), l.min(t)));
    (h0.max(h1).max(h2.max(h3)), l0.min(l1).min(l2.min(l3)))
}

/// The reusable buffers of one thread.
struct Work {
    totals: Vec<f64>,
    keys: Vec<u64>,
    /// Where [`sort_keys`] puts the keys.
    sorted: Vec<u64>,
    counts: Vec<u32>,
}

impl Table {
    /// Every candidate's total under `weights`, summed in criterion order.
    /// One pass, the sum kept in a register: it vectorizes across places.
    fn totals(&self, weights: &[f64; 7], totals: &mut [f64]) {
        let [w0, w1, w2, w3, w4, w5, w6] = *weights;
        let [c0, c1, c2, c3, c4, c5, c6] = &self.scores;
        let columns = c0.iter().zip(c1).zip(c2).zip(c3).zip(c4).zip(c5).zip(c6);
        for (total, ((((((s0, s1), s2), s3), s4), s5), s6)) in totals.iter_mut().zip(columns) {
            *total = w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3 + w4 * s4 + w5 * s5 + w6 * s6;
        }
    }

    /// Draws the samples of `chunk` and counts them into `tally`.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "fixed-point weights are in [0, 2^32]; places fit PLACE_BITS"
    )]
    fn run(
        &self,
        sampler: &Sampler,
        seed: u64,
        wanted: u64,
        chunk: u64,
        work: &mut Work,
        tally: &mut Tally,
    ) {
        let mut rng = Rng::new(seed, chunk);
        let first = chunk * CHUNK;
        let count = wanted.saturating_sub(first).min(CHUNK);
        let width = tally.ranks.len() / self.fit.len().max(1);
        for _ in 0..count {
            let weights = sampler.next(&mut rng);
            let fixed = weights.map(|w| (w * FIXED + 0.5) as u64);
            self.totals(&weights, &mut work.totals);
            for (place, (key, &total)) in work.keys.iter_mut().zip(&work.totals).enumerate() {
                *key = packed_key(total, place);
            }
            let (best, worst) = range(&work.totals);
            sort_keys(
                &mut work.keys,
                &mut work.sorted,
                &mut work.counts,
                best,
                worst,
            );
            for (r, &key) in work.keys.iter().take(width).enumerate() {
                let place = Key::place_of(key);
                if let Some(count) = tally.ranks.get_mut(place * width + r) {
                    *count += 1;
                }
            }
            // Past `max_below` no total reaches `min_score`: no one there
            // may lead.
            let offers = (work.keys.iter())
                .take_while(|&&key| Key::below_top_of(key) <= self.max_below)
                .map(|&key| {
                    let place = Key::place_of(key);
                    let eligible = self.fit.get(place).copied().unwrap_or(false);
                    (place, Offer { place, eligible })
                });
            self.rule.choose(offers, |place| {
                if let Some(leads) = tally.leads.get_mut(place) {
                    *leads += 1;
                }
                if let Some(sum) = tally.central.get_mut(place) {
                    for (s, f) in sum.iter_mut().zip(&fixed) {
                        *s += f;
                    }
                }
            });
        }
    }

    /// Runs every `step`-th chunk from `start`.
    fn run_chunks(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        start: u64,
        step: u64,
        width: usize,
    ) -> Tally {
        let n = self.fit.len();
        let mut tally = Tally::new(n, width);
        let mut work = Work {
            totals: vec![0.0; n],
            keys: vec![0; n],
            sorted: vec![0; n],
            // About two buckets a key, at most 2^16.
            counts: vec![0; (2 * n).next_power_of_two().min(1 << 16) + 1],
        };
        let chunks = robustness.samples.div_ceil(CHUNK);
        let mut chunk = start;
        while chunk < chunks {
            self.run(
                sampler,
                robustness.seed,
                robustness.samples,
                chunk,
                &mut work,
                &mut tally,
            );
            chunk += step;
        }
        tally
    }
}

impl Criteria {
    /// How robust the choice of leaders is to the weights: draws
    /// [`Robustness::samples`] weight vectors as the `[robustness]` section
    /// says, and counts for every candidate how often it leads, how often it
    /// ranks 1st, 2nd, and so on, and the mean weights under which it
    /// leads.
    ///
    /// Each sample is judged as [`Criteria::choose_leaders`] would judge it
    /// with its weights: totals on the 1e-9 grid, ties broken by id, and the
    /// same `min_score` and criterion minimums. The same criteria and
    /// portfolio give the same result, bit for bit, on any number of
    /// `threads` and whatever the order of the candidates.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use spearhead::{Criteria, Criterion, Portfolio};
    ///
    /// // Would the leader change if sponsorship weighed at least as much
    /// // as visibility, whatever the weights otherwise?
    /// let criteria: Criteria = r#"
    ///     [selection]
    ///     leaders = 1
    ///
    ///     [robustness]
    ///     samples = 2000
    ///     seed = 42
    ///     order = ["sponsorship >= visibility"]
    /// "#
    /// .parse()?;
    /// let portfolio: Portfolio = r#"
    ///     [[candidate]]
    ///     id = "crm-rollout"
    ///     duration_months = 15
    ///     visibility = "moderate"
    ///     change = "technology"
    ///     phase = "design"
    ///     bottom_line = "direct"
    ///     lead = "credible"
    ///     sponsor_level = "managing_director"
    ///     sponsor_motivation = "strong"
    ///
    ///     [[candidate]]
    ///     id = "intranet"
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
    /// let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    /// let result = criteria.acceptability(&portfolio, threads);
    /// let crm = &result.candidates[0];
    /// assert_eq!(crm.id, "crm-rollout");
    /// // The two differ only in visibility and sponsorship, which the order
    /// // favours: the CRM rollout leads under every weight vector drawn.
    /// assert_eq!(crm.lead_share, 1.0);
    /// assert_eq!(crm.ranks.iter().sum::<u64>(), 2000);
    /// // The mean weights under which it leads obey the order.
    /// let weights = crm.central_weights.unwrap();
    /// assert!(weights[Criterion::Sponsorship] >= weights[Criterion::Visibility]);
    /// // The same seed gives the same result on one thread.
    /// assert_eq!(result, criteria.acceptability(&portfolio, NonZeroUsize::MIN));
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    #[must_use]
    pub fn acceptability(&self, portfolio: &Portfolio, threads: NonZeroUsize) -> Acceptability {
        acceptability(self, portfolio, threads)
    }
}

/// The analysis of `portfolio` under `criteria`, on `threads` threads.
pub(crate) fn acceptability(
    criteria: &Criteria,
    portfolio: &Portfolio,
    threads: NonZeroUsize,
) -> Acceptability {
    let robustness = &criteria.robustness;
    let order = portfolio.id_order();
    let n = order.evidence().len();
    let mut scores: [Vec<f64>; 7] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut fit = Vec::with_capacity(n);
    for evidence in order.evidence() {
        let assessment = criteria.assess(evidence);
        for (column, (_, score)) in scores.iter_mut().zip(assessment.scores.iter()) {
            column.push(score);
        }
        fit.push(criteria.meets_mins(&assessment.scores));
    }
    let table = Table {
        scores,
        fit,
        max_below: criteria.max_below_top(),
        rule: LeaderRule::new(criteria, portfolio),
    };
    let sampler = Sampler::new(robustness, &criteria.weights);
    let width = n.min(MAX_RANKS);
    let chunks = robustness.samples.div_ceil(CHUNK);
    let threads = u64::try_from(threads.get())
        .unwrap_or(u64::MAX)
        .min(chunks)
        .max(1);
    let mut tally = Tally::new(n, width);
    std::thread::scope(|scope| {
        let table = &table;
        let sampler = &sampler;
        let handles: Vec<_> = (1..threads)
            .map(|start| {
                let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                    table.run_chunks(sampler, robustness, start, threads, width)
                });
                (start, spawned)
            })
            .collect();
        tally.add(&table.run_chunks(sampler, robustness, 0, threads, width));
        for (start, handle) in handles {
            // A thread that could not start, or failed, is run here.
            match handle.map_err(drop).and_then(|h| h.join().map_err(drop)) {
                Ok(part) => tally.add(&part),
                Err(()) => tally.add(&table.run_chunks(sampler, robustness, start, threads, width)),
            }
        }
    });
    let drawn = robustness.samples;
    #[allow(clippy::cast_precision_loss, reason = "counts are at most 1e7")]
    let candidates = criteria
        .rank(portfolio)
        .iter()
        .filter_map(|ranked| {
            let place = order.place_of(portfolio.candidates(), &ranked.candidate.id)?;
            let leads = tally.leads.get(place).copied().unwrap_or(0);
            let ranks: Vec<u64> = tally
                .ranks
                .get(place * width..(place + 1) * width)
                .unwrap_or_default()
                .iter()
                .map(|&r| u64::from(r))
                .collect();
            let counted: u64 = ranks.iter().sum();
            let central_weights = tally
                .central
                .get(place)
                .filter(|_| leads > 0)
                .map(|sum| Weights(sum.map(|s| s as f64 / (leads as f64 * FIXED))));
            Some(Acceptance {
                id: ranked.candidate.id.clone(),
                leads,
                lead_share: leads as f64 / drawn as f64,
                ranks,
                lower: drawn.saturating_sub(counted),
                central_weights,
            })
        })
        .collect();
    Acceptability {
        samples: drawn,
        seed: robustness.seed,
        sampling: robustness.sampling,
        leaders: criteria.leaders,
        candidates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streams_are_fixed() {
        // Pinned: a change here changes every published analysis.
        let mut rng = Rng::new(0, 0);
        let first = rng.next();
        assert_eq!(first, 9_579_327_875_526_494_010);
        assert_eq!(rng.next(), 14_425_024_493_257_680_155);
        assert_ne!(first, Rng::new(0, 1).next());
        assert_ne!(first, Rng::new(1, 0).next());
    }
}
