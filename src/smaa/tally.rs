//! Counting samples: every candidate's total under a weight vector, the
//! sample's ranking, and who leads and ranks where.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};

use super::sampling::{Rng, Sampler};
use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::criterion::PerCriterion;
use crate::error::Result;
use crate::robustness::Robustness;
use crate::select::{Key, LeaderRule, Offer, below_top, packed_key};

/// Told how many samples a run has counted since it last was, between
/// samples; it may say stop.
pub(super) trait Watch {
    fn samples_done(&mut self, samples: u64) -> ControlFlow<()>;
}

/// Samples per chunk; each chunk has its own random stream.
pub(super) const CHUNK: u64 = 4096;

/// Central weights are summed in fixed point, `2^-32` a unit, so that the
/// sum is exact and the same in any order.
pub(super) const FIXED: f64 = 4_294_967_296.0;

/// Sorts `keys` ascending, through `out` (as long) and `counts` (one more
/// than a power of two): a pass that buckets the keys by the bits above
/// [`PLACE_BITS`](crate::select::PLACE_BITS), spread over the range this
/// sample's keys take, then an insertion sort that only moves keys within their bucket. Equal totals
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
pub(super) struct Table {
    /// `scores[c][place]`: the score of the candidate at `place` on
    /// criterion `c`.
    scores: PerCriterion<Vec<f64>>,
    /// Whether the candidate at each place reaches every criterion's `min`.
    fit: Vec<bool>,
    /// The most a leader's total may be below 1 on the grid.
    max_below: u64,
    rule: LeaderRule,
}

/// What a run of chunks counts; every count an integer, so that adding
/// two in any order gives the same.
pub(super) struct Tally {
    /// In how many samples the candidate at each place leads.
    pub(super) leads: Vec<u64>,
    /// `ranks[place * width + r]`.
    pub(super) ranks: Vec<u32>,
    /// The sum of the fixed-point weights of the samples each place leads.
    pub(super) central: Vec<PerCriterion<u64>>,
}

impl Tally {
    pub(super) fn new(n: usize, width: usize) -> Self {
        Tally {
            leads: vec![0; n],
            ranks: vec![0; n * width],
            central: vec![PerCriterion::default(); n],
        }
    }

    pub(super) fn add(&mut self, other: &Tally) {
        for (a, b) in self.leads.iter_mut().zip(&other.leads) {
            *a += b;
        }
        for (a, b) in self.ranks.iter_mut().zip(&other.ranks) {
            *a += b;
        }
        for (a, b) in self.central.iter_mut().zip(&other.central) {
            for (x, y) in a.0.iter_mut().zip(b.values()) {
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
    /// The scores of every candidate of `portfolio` under `criteria`, in id
    /// order.
    pub(super) fn new(criteria: &Criteria, portfolio: &Portfolio) -> Result<Self> {
        let evidence = portfolio.id_order().evidence();
        let mut scores = PerCriterion::from_fn(|_| Vec::with_capacity(evidence.len()));
        let mut fit = Vec::with_capacity(evidence.len());
        for evidence in evidence {
            let assessment = criteria.assess(evidence);
            for (criterion, score) in assessment.scores.iter() {
                scores[criterion].push(score);
            }
            fit.push(criteria.meets_mins(&assessment.scores));
        }
        Ok(Table {
            scores,
            fit,
            max_below: criteria.max_below_top(),
            rule: LeaderRule::new(criteria, portfolio)?,
        })
    }

    /// How many candidates there are.
    pub(super) fn len(&self) -> usize {
        self.fit.len()
    }

    /// Every candidate's total under `weights`, summed in criterion order.
    /// One pass, the sum kept in a register: it vectorizes across places.
    fn totals(&self, weights: &PerCriterion<f64>, totals: &mut [f64]) {
        let [w0, w1, w2, w3, w4, w5, w6] = weights.0;
        let [c0, c1, c2, c3, c4, c5, c6] = &self.scores.0;
        let columns = c0.iter().zip(c1).zip(c2).zip(c3).zip(c4).zip(c5).zip(c6);
        for (total, ((((((s0, s1), s2), s3), s4), s5), s6)) in totals.iter_mut().zip(columns) {
            *total = w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3 + w4 * s4 + w5 * s5 + w6 * s6;
        }
    }

    /// Draws the samples of `chunk` and counts them into `tally`, telling
    /// `watch` as it goes; stops when it says so.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "fixed-point weights are in [0, 2^32]; places fit PLACE_BITS"
    )]
    fn run(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        chunk: u64,
        work: &mut Work,
        tally: &mut Tally,
        watch: &mut dyn Watch,
    ) -> ControlFlow<()> {
        let mut rng = Rng::new(robustness.seed, chunk);
        let first = chunk * CHUNK;
        let count = robustness.samples.saturating_sub(first).min(CHUNK);
        let width = tally.ranks.len() / self.fit.len().max(1);
        // Told every `every` samples, about every 64k totals.
        let every = (1 << 16) / self.fit.len().max(1) as u64 + 1;
        let mut pending = 0;
        for _ in 0..count {
            if pending >= every {
                watch.samples_done(pending)?;
                pending = 0;
            }
            pending += 1;
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
            // may lead, unless by decision.
            let every = !self.rule.must().is_empty();
            let offers = (work.keys.iter())
                .take_while(|&&key| every || Key::below_top_of(key) <= self.max_below)
                .map(|&key| {
                    let place = Key::place_of(key);
                    let eligible = Key::below_top_of(key) <= self.max_below
                        && self.fit.get(place).copied().unwrap_or(false);
                    (place, Offer { place, eligible })
                });
            self.rule.choose(offers, |place| {
                if let Some(leads) = tally.leads.get_mut(place) {
                    *leads += 1;
                }
                if let Some(sum) = tally.central.get_mut(place) {
                    for (s, f) in sum.0.iter_mut().zip(fixed.values()) {
                        *s += f;
                    }
                }
            });
        }
        watch.samples_done(pending)
    }

    /// Runs the chunks it claims from `next`, one at a time, until none is
    /// left or `watch` says stop: what they count, and which chunks were
    /// run to the end.
    pub(super) fn run_claimed(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        width: usize,
        next: &AtomicU64,
        watch: &mut dyn Watch,
    ) -> (Tally, Vec<u64>, ControlFlow<()>) {
        let chunks = robustness.samples.div_ceil(CHUNK);
        let claim = || Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&c| c < chunks);
        self.run_all(sampler, robustness, width, std::iter::from_fn(claim), watch)
    }

    /// Runs `chunks`, one at a time, until `watch` says stop: what they
    /// count, and which chunks were run to the end.
    pub(super) fn run_all(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        width: usize,
        chunks: impl Iterator<Item = u64>,
        watch: &mut dyn Watch,
    ) -> (Tally, Vec<u64>, ControlFlow<()>) {
        let n = self.fit.len();
        let mut tally = Tally::new(n, width);
        let mut work = Work {
            totals: vec![0.0; n],
            keys: vec![0; n],
            sorted: vec![0; n],
            // About two buckets a key, at most 2^16.
            counts: vec![0; (2 * n).next_power_of_two().min(1 << 16) + 1],
        };
        let mut done = Vec::new();
        for chunk in chunks {
            let flow = self.run(sampler, robustness, chunk, &mut work, &mut tally, watch);
            if flow.is_break() {
                return (tally, done, flow);
            }
            done.push(chunk);
        }
        (tally, done, ControlFlow::Continue(()))
    }
}
