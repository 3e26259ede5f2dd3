//! Counting samples: every candidate's total under a weight vector, the
//! sample's ranking, and who leads and ranks where.
//!
//! Each drawn weight vector becomes whole numbers `W'` (about 2^31 in all:
//! see [`Table::whole`]), and each candidate's total under it is `N =
//! sum(W' U)` with the same whole-number scores `U` as the plan's (see
//! `src/exact.rs`): each sample is judged exactly as the plan would judge
//! those weights, ties to the id and `min_score` met as its decimals say.

use std::ops::{ControlFlow, Range};

use super::sampling::{Rng, Sampler};
use crate::candidate::Portfolio;
use crate::check::{MAX_MONTH_PLACES, month_places};
use crate::constrain::Outcome;
use crate::criteria::Criteria;
use crate::criterion::PerCriterion;
use crate::error::Result;
use crate::exact::Ratio;
use crate::robustness::Robustness;
use crate::select::{LeaderRule, Offer, Packing};

/// Told how many samples a run has counted since it last was, between
/// samples; it may say stop.
pub(super) trait Watch {
    fn samples_done(&mut self, samples: u64) -> ControlFlow<()>;
}

/// Samples per chunk; each chunk has its own random stream. Small, so
/// that a thousand samples keep two threads busy to the end.
pub(super) const CHUNK: u64 = 64;

/// Sorts `keys` ascending, through `out` (as long) and `counts` (one more
/// than a power of two): a pass that buckets the keys by the bits above the
/// place, spread over the range this sample's keys take, then an insertion
/// sort that only moves keys within their bucket. Equal totals share a
/// bucket, so ties stay in place order. When a bucket is crowded the
/// standard sort does the rest.
///
/// `low` and `high` are the least and greatest `below_top` of the keys.
fn sort_keys(
    keys: &mut Vec<u64>,
    out: &mut Vec<u64>,
    counts: &mut [u32],
    place_bits: u32,
    (low, high): (u64, u64),
) {
    let buckets = counts.len().saturating_sub(1) as u64;
    // The range cut to at most 32 bits, so that `scale` stays above 0 and
    // keys spread over the buckets.
    let shift = (u64::BITS - high.saturating_sub(low).leading_zeros()).saturating_sub(32);
    let range = high.saturating_sub(low) >> shift;
    // ((key - low) >> shift) * scale >> 32 is below `buckets`, and rises
    // with the key.
    let scale = (buckets << 32) / range.saturating_add(1);
    #[allow(clippy::cast_possible_truncation, reason = "below `buckets`")]
    let bucket =
        |key: u64| (((((key >> place_bits).saturating_sub(low)) >> shift) * scale) >> 32) as usize;
    counts.fill(0);
    for &key in keys.iter() {
        if let Some(count) = counts.get_mut(bucket(key) + 1) {
            *count += 1;
        }
    }
    let crowded = running_totals(counts);
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
    insertion_sort(keys);
}

/// Turns each bucket's count into the running total up to it, the place
/// where the next bucket starts; whether a bucket holds more than 16 keys.
#[inline]
fn running_totals(counts: &mut [u32]) -> bool {
    let mut start = 0;
    let mut crowded = false;
    for count in counts.iter_mut() {
        crowded |= *count > 16;
        start += *count;
        *count = start;
    }
    crowded
}

/// Sorts `keys`, nearly sorted already, by insertion.
#[inline]
fn insertion_sort(keys: &mut [u64]) {
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

/// The portfolio as the analysis reads it: whole-number scores by
/// criterion, in id order.
pub(super) struct Table {
    /// `units[c][place]`: the score of the candidate at `place` on
    /// criterion `c`, times `L`.
    units: Columns,
    /// Whether the candidate at each place reaches every criterion's `min`.
    fit: Vec<bool>,
    /// `L`, and `min_score`.
    common: u128,
    min_score: Ratio,
    /// The whole number `M` that each drawn weight vector, summing to 1,
    /// is scaled to.
    scale: u64,
    /// How keys pack: `None` when they do not fit 64 bits.
    packing: Option<Packing>,
    rule: LeaderRule,
    /// The vector instructions the processor has.
    arch: pulp::Arch,
}

/// The scores as 32-bit columns when `L` fits, for totals that vectorize;
/// 64-bit ones otherwise.
enum Columns {
    Narrow([Vec<u32>; 7]),
    Wide([Vec<u64>; 7]),
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

/// Counts a sample under `weights` in which the candidate at `place` leads.
fn lead(tally: &mut Tally, place: usize, weights: &[u64; 7]) {
    if let Some(leads) = tally.leads.get_mut(place) {
        *leads += 1;
    }
    if let Some(sum) = tally.central.get_mut(place) {
        for (s, &w) in sum.0.iter_mut().zip(weights) {
            *s += w;
        }
    }
}

/// The reusable buffers of one thread.
struct Work {
    totals: Vec<u64>,
    keys: Vec<u64>,
    /// Where [`sort_keys`] puts the keys.
    sorted: Vec<u64>,
    counts: Vec<u32>,
    /// The best `width` keys of a sample, and its best eligible ones, when
    /// the run keeps only those.
    ranked: Best,
    eligible: Best,
    /// For [`bar_of`].
    buckets: [u32; 256],
    /// The stream the last piece drew from, where it ended: the next piece
    /// of the same chunk goes on from there.
    stream: Option<Stream>,
    /// Whether samples keep their best few candidates rather than sort
    /// them all (see [`Table::keeps_best`]).
    keep: bool,
    /// Under constraints: the offers made from the best few, the leaders
    /// they gave, and how many samples this thread kept and how many of
    /// them had to rank everyone.
    offers: Vec<u64>,
    chosen: Vec<usize>,
    kept: u32,
    ranked_all: u32,
}

/// A chunk's stream of draws, at the start of sample `at` of the run.
struct Stream {
    chunk: u64,
    at: u64,
    rng: Rng,
}

/// The best `k` packed ranks of a sample, found in one pass over its keys:
/// a key below a bar is put aside, without a branch, and when too many
/// are, the best `k` of them set a lower bar.
///
/// When every key of the sample is at hand (up to [`BLOCK`] candidates),
/// the bar comes from them counted in buckets ([`bar_of`]). Otherwise it
/// starts at the worst of the best `k` of the sample before, when they are
/// all below the limit this time: `k` candidates are at or below it, so
/// the best `k` of this sample are too. The best `k` come out the same
/// whatever the bar starts at; only the work differs.
struct Best {
    k: usize,
    /// Keys below it are put aside.
    bar: u64,
    /// No key at or past it is kept.
    limit: u64,
    /// The keys put aside, unordered, in the first `len`; the best `k`
    /// first once sorted.
    aside: Vec<u64>,
    len: usize,
    /// The places of the best `k` of the last sample, when it had `k`.
    hint: Vec<usize>,
}

/// A bar that at least `k` of `keys` are below, and few more: the keys
/// counted in buckets over their range, the bar at the end of the bucket
/// where the count reaches `k`. `u64::MAX` when there are no more than `k`.
#[allow(clippy::inline_always, reason = "as NarrowTotals::with_simd")]
#[inline(always)]
fn bar_of(keys: &[u64], k: usize, counts: &mut [u32; 256]) -> u64 {
    if keys.len() <= k {
        return u64::MAX;
    }
    let (low, high) = (keys.iter()).fold((u64::MAX, 0), |(low, high), &key| {
        (low.min(key), high.max(key))
    });
    let shift = (u64::BITS - (high - low).leading_zeros()).saturating_sub(8);
    counts.fill(0);
    for &key in keys {
        #[allow(clippy::cast_possible_truncation, reason = "below 256")]
        let bucket = ((key - low) >> shift) as usize & 255;
        if let Some(count) = counts.get_mut(bucket) {
            *count += 1;
        }
    }
    let mut seen = 0;
    for (end, &count) in (1u128..).zip(counts.iter()) {
        seen += count as usize;
        if seen >= k {
            return u64::try_from(u128::from(low) + (end << shift)).unwrap_or(u64::MAX);
        }
    }
    u64::MAX
}

/// How many keys put aside [`Best::finish`] orders by counting.
const FEW: usize = 32;

/// How many keys [`Best`] reads between looks at how many it put aside.
const STRIDE: usize = 64;

impl Best {
    fn new(k: usize) -> Self {
        Best {
            k,
            bar: 0,
            limit: 0,
            // Room for `finish` to order a few past those put aside.
            aside: vec![0; Self::room(k) + STRIDE + FEW],
            len: 0,
            hint: Vec::with_capacity(k),
        }
    }

    /// How many keys are put aside before the best `k` of them set a
    /// lower bar.
    fn room(k: usize) -> usize {
        k.saturating_mul(2).max(k + 32)
    }

    /// Empties it, to keep only keys below `limit`, its bar set by the
    /// keys this sample gives the places of the last one's best.
    fn start(&mut self, limit: u64, key_of: impl Fn(usize) -> u64) {
        self.len = 0;
        self.limit = limit;
        self.bar = if self.k == 0 { 0 } else { limit };
        if self.hint.len() == self.k
            && let Some(worst) = self.hint.iter().map(|&place| key_of(place)).max()
            && worst < limit
        {
            self.bar = worst + 1;
        }
    }

    /// Empties it, to keep keys below `bar`, which at least `k` keys of
    /// the sample are.
    fn start_below(&mut self, bar: u64) {
        self.len = 0;
        self.limit = u64::MAX;
        self.bar = bar;
    }

    /// Puts aside those of `keys` below the bar of `ranked`, and those
    /// that `fit` says may lead below the bar of `eligible`.
    #[allow(clippy::inline_always, reason = "as NarrowTotals::with_simd")]
    #[inline(always)]
    fn read(ranked: &mut Best, eligible: &mut Best, keys: &[u64], fit: &[bool]) {
        for (keys, fit) in keys.chunks(STRIDE).zip(fit.chunks(STRIDE)) {
            let (ranked_bar, mut ranked_len) = (ranked.bar, ranked.len);
            let (eligible_bar, mut eligible_len) = (eligible.bar, eligible.len);
            // Every key is written just past those put aside; only one
            // below the bar moves the end past it. Each `len` stays below
            // `room + STRIDE`, the length of `aside`.
            for (&key, &fit) in keys.iter().zip(fit) {
                if let Some(slot) = ranked.aside.get_mut(ranked_len) {
                    *slot = key;
                }
                ranked_len += usize::from(key < ranked_bar);
                if let Some(slot) = eligible.aside.get_mut(eligible_len) {
                    *slot = key;
                }
                eligible_len += usize::from((key < eligible_bar) & fit);
            }
            for (best, len) in [(&mut *ranked, ranked_len), (&mut *eligible, eligible_len)] {
                best.len = len;
                if len >= Self::room(best.k) {
                    best.shrink();
                }
            }
        }
    }

    #[cold]
    fn shrink(&mut self) {
        let Some(last) = self.k.checked_sub(1) else {
            return;
        };
        let Some(aside) = self.aside.get_mut(..self.len) else {
            return;
        };
        let (_, &mut worst, _) = aside.select_nth_unstable(last);
        self.len = self.k;
        self.bar = worst;
    }

    /// The best `k`, best first, their places remembered for the next
    /// sample.
    fn finish(&mut self, packing: Packing) -> &[u64] {
        let len = self.len.min(self.aside.len());
        let (aside, out) = self.aside.split_at_mut(len);
        let best = if len <= FEW && out.len() >= len {
            // Each key goes where the number of keys below it says: no
            // branch to mispredict, as a sort of a few has.
            for &key in aside.iter() {
                let below = aside
                    .iter()
                    .map(|&other| usize::from(other < key))
                    .sum::<usize>();
                if let Some(slot) = out.get_mut(below) {
                    *slot = key;
                }
            }
            out.get(..len.min(self.k)).unwrap_or_default()
        } else {
            aside.sort_unstable();
            aside.get(..self.k).unwrap_or(aside)
        };
        self.hint.clear();
        if best.len() == self.k {
            self.hint
                .extend(best.iter().map(|&key| packing.place_of(key)));
        }
        best
    }
}

/// The arguments of [`Table::keep_best`], for `pulp` to compile it for
/// each kind of vectors.
struct KeepBest<'a> {
    table: &'a Table,
    packing: Packing,
    weights: &'a [u64; 7],
    top: u64,
    least: u128,
    work: &'a mut Work,
}

impl pulp::WithSimd for KeepBest<'_> {
    type Output = ();

    #[allow(clippy::inline_always, reason = "as NarrowTotals::with_simd")]
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let KeepBest {
            table,
            packing,
            weights,
            top,
            least,
            work,
        } = self;
        table.keep_best_with(packing, weights, top, least, work);
    }
}

/// The totals of [`Table::totals`] from 32-bit scores, compiled for each
/// kind of vectors `pulp` picks among: two criteria a pass, fewer passes
/// over the totals, each of which vectorizes.
struct NarrowTotals<'a> {
    w: [u64; 7],
    columns: [&'a [u32]; 7],
    totals: &'a mut [u64],
}

impl pulp::WithSimd for NarrowTotals<'_> {
    type Output = ();

    // Inlined into the function `pulp` compiles for the vectors, or it
    // is compiled once for the oldest.
    #[allow(
        clippy::inline_always,
        reason = "the target features reach it only inlined"
    )]
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        narrow_totals(self.w, self.columns, self.totals);
    }
}

#[allow(clippy::inline_always, reason = "as NarrowTotals::with_simd")]
#[inline(always)]
fn narrow_totals(w: [u64; 7], columns: [&[u32]; 7], totals: &mut [u64]) {
    let [c0, c1, c2, c3, c4, c5, c6] = columns;
    let [w0, w1, w2, w3, w4, w5, w6] = w;
    for (total, &u) in totals.iter_mut().zip(c6) {
        *total = w6 * u64::from(u);
    }
    for ((a, b), (wa, wb)) in
        [(c0, c1), (c2, c3), (c4, c5)]
            .into_iter()
            .zip([(w0, w1), (w2, w3), (w4, w5)])
    {
        for ((total, &ua), &ub) in totals.iter_mut().zip(a).zip(b) {
            *total += wa * u64::from(ua) + wb * u64::from(ub);
        }
    }
}

/// How many candidates are totalled at a time when a run keeps the best.
const BLOCK: usize = 1024;

/// The most ranks and leaders a run keeps as the candidates go by; past
/// it, or past a quarter of the candidates, it sorts them all.
const MOST_KEPT: usize = 128;

impl Table {
    /// The scores of every candidate of `portfolio` under `criteria`, in id
    /// order.
    pub(super) fn new(criteria: &Criteria, portfolio: &Portfolio) -> Result<Self> {
        let evidence = portfolio.id_order().evidence();
        // The portfolio's own months need no finer denominator than theirs.
        let places = evidence
            .iter()
            .map(|e| month_places(e.duration.get()).unwrap_or(MAX_MONTH_PLACES))
            .max()
            .unwrap_or(0);
        let exact = criteria
            .exact_with_places(places)
            .unwrap_or_else(|_| criteria.exact.clone());
        let units = exact.units();
        let common = units.common();
        let rows: Vec<[u128; 7]> = evidence.iter().map(|e| units.units(e)).collect();
        let column = |c: usize| rows.iter().map(move |row| row.get(c).copied().unwrap_or(0));
        let columns = if u32::try_from(common).is_ok() {
            Columns::Narrow(std::array::from_fn(|c| {
                column(c)
                    .map(|u| u32::try_from(u).unwrap_or(u32::MAX))
                    .collect()
            }))
        } else {
            Columns::Wide(std::array::from_fn(|c| {
                column(c)
                    .map(|u| u64::try_from(u).unwrap_or(u64::MAX))
                    .collect()
            }))
        };
        let n = evidence.len();
        // Whole weights of about 2^31 in all, fewer when the totals and the
        // places would not fit 64 bits together (a huge L or portfolio);
        // the configured weights' multiple when they fit, so that drawing
        // them exactly gives them exactly.
        let place_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
        let common_bits = u128::BITS - common.leading_zeros();
        let bits = 62u32.saturating_sub(common_bits + place_bits).clamp(8, 31);
        let weights = *exact.weights();
        let sum: u128 = weights.iter().sum();
        let most = 1u128 << bits;
        let scale = if sum > 0 && sum <= most {
            sum * (most / sum)
        } else {
            most
        };
        let top = (scale + 7) * common;
        Ok(Table {
            units: columns,
            fit: evidence.iter().map(|e| criteria.meets_mins_of(e)).collect(),
            common,
            min_score: exact.min_score(),
            scale: u64::try_from(scale).unwrap_or(u64::MAX),
            packing: Packing::new(top, n),
            rule: LeaderRule::new(criteria, portfolio)?,
            arch: pulp::Arch::new(),
        })
    }

    /// How many candidates there are.
    pub(super) fn len(&self) -> usize {
        self.fit.len()
    }

    /// `M`: the central weights are sums of whole weights over it.
    pub(super) fn scale(&self) -> u64 {
        self.scale
    }

    /// A drawn weight vector, summing to 1, as whole numbers: each weight
    /// times `M`, rounded. Rounding keeps every order among the weights, so
    /// equal weights stay equal; and a vector that is the configured one
    /// gives the configured whole weights times `M / sum(W)` exactly.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "weights in [0, 1] times M below 2^32"
    )]
    fn whole(&self, weights: &PerCriterion<f64>) -> [u64; 7] {
        let scale = self.scale as f64;
        weights.0.map(|w| (w * scale).round() as u64)
    }

    /// The `N` under `weights` of the candidates from `start` on, one in
    /// each of `totals`: a pass a criterion, each of which vectorizes.
    fn totals(&self, weights: &[u64; 7], start: usize, totals: &mut [u64]) {
        let end = start + totals.len();
        match &self.units {
            Columns::Narrow(columns) => {
                // Whole weights are at most 2^31 (see `Table::new`).
                let w = weights.map(|w| u64::from(u32::try_from(w).unwrap_or(u32::MAX)));
                let columns = columns
                    .each_ref()
                    .map(|c| c.get(start..end).unwrap_or_default());
                // Compiled for the widest vectors the processor has.
                self.arch.dispatch(NarrowTotals { w, columns, totals });
            }
            Columns::Wide(columns) => {
                for (place, total) in (start..end).zip(totals.iter_mut()) {
                    *total = weights
                        .iter()
                        .zip(columns)
                        .map(|(&w, column)| {
                            w.saturating_mul(column.get(place).copied().unwrap_or(0))
                        })
                        .fold(0u64, u64::saturating_add);
                }
            }
        }
    }

    /// The `N` under `weights` of the candidate at `place`.
    fn total(&self, weights: &[u64; 7], place: usize) -> u64 {
        let mut total = [0];
        self.totals(weights, place, &mut total);
        let [total] = total;
        total
    }

    /// Whether a run counting `width` ranks keeps only the best few
    /// candidates of each sample rather than sorting them all, and how many
    /// of the best eligible: when keys pack and few are kept. Without
    /// constraints the best `leaders` eligible are the leaders; under
    /// constraints the first dive of the search usually settles them from
    /// the best few, `4 * leaders + 8`, and a sample where it does not
    /// ranks everyone.
    fn keeps_best(&self, width: usize) -> Option<usize> {
        let n = self.fit.len();
        let leaders = match self.rule.best_eligible_suffice() {
            Some(leaders) => leaders,
            None => (self.rule.leaders()).saturating_mul(4).saturating_add(8),
        }
        .min(n);
        let kept = width.max(leaders);
        (self.packing.is_some() && kept <= MOST_KEPT && kept.saturating_mul(4) <= n)
            .then_some(leaders)
    }

    /// Draws the samples `piece` of one chunk, and counts them into
    /// `tally`, telling `watch` as it goes; stops when it says so. A piece
    /// that starts inside its chunk skips the draws of the samples before
    /// it, unless the last piece this thread drew ended there: only pieces
    /// of a sampler with [`Sampler::draws_per_sample`] start so.
    fn run(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        piece: Range<u64>,
        work: &mut Work,
        tally: &mut Tally,
        watch: &mut dyn Watch,
    ) -> ControlFlow<()> {
        let chunk = piece.start / CHUNK;
        let mut rng = match work.stream.take() {
            Some(stream) if stream.chunk == chunk && stream.at == piece.start => stream.rng,
            _ => {
                let mut rng = Rng::new(robustness.seed, chunk);
                let before = piece.start - chunk * CHUNK;
                debug_assert!(before == 0 || sampler.draws_per_sample().is_some());
                rng.skip(before * sampler.draws_per_sample().unwrap_or(0));
                rng
            }
        };
        let count = piece.end.saturating_sub(piece.start);
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
            let weights = self.whole(&sampler.next(&mut rng));
            let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
            let top = sum * self.common;
            let least = self.least(top);
            if let (Some(packing), true) = (self.packing, work.keep) {
                let top = u64::try_from(top).unwrap_or(u64::MAX);
                self.keep_best(packing, &weights, top, least, work);
                self.count_best(packing, &weights, (top, least), work, width, tally);
            } else if let Some(packing) = self.packing {
                let top = u64::try_from(top).unwrap_or(u64::MAX);
                self.count_packed(packing, &weights, (top, least), work, width, tally);
            } else {
                self.count_unpacked(&weights, least, work, width, tally);
            }
        }
        work.stream = Some(Stream {
            chunk,
            at: piece.end,
            rng,
        });
        watch.samples_done(pending)
    }

    /// The least `N` that reaches `min_score` when `top` is a total of 1: in
    /// u64 when it fits, a u128 division being a call.
    #[inline]
    fn least(&self, top: u128) -> u128 {
        let product = (self.min_score.numerator.checked_mul(top))
            .and_then(|product| u64::try_from(product).ok());
        match (product, u64::try_from(self.min_score.denominator)) {
            (Some(product), Ok(den)) => u128::from(product.div_ceil(den)),
            _ => self.min_score.least_reaching(top).unwrap_or(u128::MAX),
        }
    }

    /// Counts one sample under `weights` into `tally` by sorting every
    /// candidate's packed key; `top` is a total of 1 and `least` the least
    /// `N` that reaches `min_score`.
    #[inline]
    fn count_packed(
        &self,
        packing: Packing,
        weights: &[u64; 7],
        (top, least): (u64, u128),
        work: &mut Work,
        width: usize,
        tally: &mut Tally,
    ) {
        self.totals(weights, 0, &mut work.totals);
        let (mut low, mut high) = (u64::MAX, 0);
        for (place, (key, &n)) in work.keys.iter_mut().zip(&work.totals).enumerate() {
            let below = top.saturating_sub(n);
            low = low.min(below);
            high = high.max(below);
            *key = packing.key(u128::from(below), place);
        }
        sort_keys(
            &mut work.keys,
            &mut work.sorted,
            &mut work.counts,
            packing.bits(),
            (low, high),
        );
        let ranked = work.keys.iter().map(|&key| {
            let numerator = u128::from(top.saturating_sub(key >> packing.bits()));
            (packing.place_of(key), numerator)
        });
        self.count(ranked, least, weights, width, tally);
    }

    /// Counts one sample under `weights` into `tally` when keys do not pack:
    /// by sorting (total, place) pairs.
    #[inline]
    fn count_unpacked(
        &self,
        weights: &[u64; 7],
        least: u128,
        work: &mut Work,
        width: usize,
        tally: &mut Tally,
    ) {
        self.totals(weights, 0, &mut work.totals);
        let mut keys: Vec<(u64, usize)> = work
            .totals
            .iter()
            .enumerate()
            .map(|(place, &n)| (u64::MAX - n, place))
            .collect();
        keys.sort_unstable();
        let ranked = keys
            .iter()
            .map(|&(below, place)| (place, u128::from(u64::MAX - below)));
        self.count(ranked, least, weights, width, tally);
    }

    /// The best `width` candidates of one sample into `work.ranked`, and
    /// its best eligible ones into `work.eligible`, as packed ranks, best
    /// first; `top` is a total of 1 and `least` the least `N` that reaches
    /// `min_score`. Totals and keys go a block at a time, so that they stay
    /// in the cache between the passes that make them and read them.
    #[inline(never)]
    fn keep_best(
        &self,
        packing: Packing,
        weights: &[u64; 7],
        top: u64,
        least: u128,
        work: &mut Work,
    ) {
        self.arch.dispatch(KeepBest {
            table: self,
            packing,
            weights,
            top,
            least,
            work,
        });
    }

    /// [`Table::keep_best`], compiled for the vectors `pulp` picks.
    #[allow(clippy::inline_always, reason = "as NarrowTotals::with_simd")]
    #[inline(always)]
    fn keep_best_with(
        &self,
        packing: Packing,
        weights: &[u64; 7],
        top: u64,
        least: u128,
        work: &mut Work,
    ) {
        let bits = packing.bits();
        // Eligible: `N >= least`, that is `top - N < top - least + 1`.
        let limit = match u64::try_from(least) {
            Ok(0) => u64::MAX,
            Ok(least) if least <= top => (top - least + 1) << bits,
            _ => 0,
        };
        let n = self.fit.len();
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            let (Some(totals), Some(keys)) = (work.totals.get_mut(..len), work.keys.get_mut(..len))
            else {
                break;
            };
            self.totals(weights, start, totals);
            for ((key, &n), place) in keys.iter_mut().zip(totals.iter()).zip(start..) {
                *key = packing.key(u128::from(top.saturating_sub(n)), place);
            }
            if start == 0 {
                // The keys of the last sample's best: at hand in the first
                // block, or totalled one by one.
                let keys = &*keys;
                let key_of = |place: usize| {
                    keys.get(place).copied().unwrap_or_else(|| {
                        packing.key(
                            u128::from(top.saturating_sub(self.total(weights, place))),
                            place,
                        )
                    })
                };
                if n <= BLOCK {
                    work.ranked
                        .start_below(bar_of(keys, work.ranked.k, &mut work.buckets));
                } else {
                    work.ranked.start(u64::MAX, key_of);
                }
                work.eligible.start(limit, key_of);
            }
            let fit = self.fit.get(start..start + len).unwrap_or_default();
            Best::read(&mut work.ranked, &mut work.eligible, keys, fit);
            start += len;
        }
    }

    /// Counts one sample from the best candidates [`Table::keep_best`]
    /// kept: the first `width` ranks, and the leaders among the eligible.
    #[inline(never)]
    fn count_best(
        &self,
        packing: Packing,
        weights: &[u64; 7],
        (top, least): (u64, u128),
        work: &mut Work,
        width: usize,
        tally: &mut Tally,
    ) {
        for (r, &key) in work.ranked.finish(packing).iter().enumerate() {
            if let Some(count) = tally.ranks.get_mut(packing.place_of(key) * width + r) {
                *count += 1;
            }
        }
        if self.rule.best_eligible_suffice().is_none() {
            self.choose_constrained(packing, weights, (top, least), work, tally);
            return;
        }
        // Without constraints the rule takes the best eligible: those kept.
        let offers = work.eligible.finish(packing).iter().map(|&key| {
            let place = packing.place_of(key);
            let offer = Offer {
                place,
                eligible: true,
            };
            (place, offer)
        });
        self.rule
            .choose(offers, |place| lead(tally, place, weights));
    }

    /// The leaders of one sample under constraints, from the best eligible
    /// candidates [`Table::keep_best`] kept and the must-leads, in rank
    /// order: what [`Table::count`] finds from the whole ranking, whenever
    /// the first dive settles the leaders within them or they are every
    /// candidate that may lead; otherwise the sample ranks everyone.
    #[inline(never)]
    fn choose_constrained(
        &self,
        packing: Packing,
        weights: &[u64; 7],
        (top, least): (u64, u128),
        work: &mut Work,
        tally: &mut Tally,
    ) {
        let bits = packing.bits();
        let mut offers = std::mem::take(&mut work.offers);
        offers.clear();
        offers.extend_from_slice(work.eligible.finish(packing));
        // Every candidate that may lead is among them when fewer than `k`
        // were kept.
        let complete = offers.len() < work.eligible.k;
        let must = self.rule.must();
        for &place in must {
            if !offers.iter().any(|&key| packing.place_of(key) == place) {
                let below = top.saturating_sub(self.total(weights, place));
                offers.push(packing.key(u128::from(below), place));
            }
        }
        if !must.is_empty() {
            offers.sort_unstable();
        }
        let offer = |&key: &u64| {
            let place = packing.place_of(key);
            let numerator = u128::from(top.saturating_sub(key >> bits));
            let eligible = numerator >= least && self.fit.get(place).copied().unwrap_or(false);
            (place, Offer { place, eligible })
        };
        let mut chosen = std::mem::take(&mut work.chosen);
        chosen.clear();
        let settled = if complete {
            // As `count`: constraints that cannot hold give no leaders.
            self.rule
                .choose(offers.iter().map(offer), |place| chosen.push(place));
            true
        } else {
            let outcome = (self.rule).choose_from_first(offers.iter().map(offer), |place| {
                chosen.push(place);
            });
            matches!(outcome, Outcome::Chosen(_))
        };
        work.kept += 1;
        if settled {
            for &place in &chosen {
                lead(tally, place, weights);
            }
        } else {
            // Rank everyone; the ranks are counted.
            work.ranked_all += 1;
            self.count_packed(packing, weights, (top, least), work, 0, tally);
        }
        // When most samples rank everyone, keeping the best is wasted.
        if work.kept >= 32 && work.ranked_all * 2 > work.kept {
            work.keep = false;
        }
        work.offers = offers;
        work.chosen = chosen;
    }

    /// Counts one sample: `ranked` is every candidate best first, as its
    /// place and `N`; `least` the least `N` that reaches `min_score`.
    fn count(
        &self,
        ranked: impl Iterator<Item = (usize, u128)> + Clone,
        least: u128,
        weights: &[u64; 7],
        width: usize,
        tally: &mut Tally,
    ) {
        for (r, (place, _)) in ranked.clone().take(width).enumerate() {
            if let Some(count) = tally.ranks.get_mut(place * width + r) {
                *count += 1;
            }
        }
        // Past the least N no total reaches `min_score`: no one there may
        // lead, unless by decision.
        let every = !self.rule.must().is_empty();
        let offers = ranked
            .take_while(|&(_, numerator)| every || numerator >= least)
            .map(|(place, numerator)| {
                let eligible = numerator >= least && self.fit.get(place).copied().unwrap_or(false);
                (place, Offer { place, eligible })
            });
        self.rule
            .choose(offers, |place| lead(tally, place, weights));
    }

    /// Runs `pieces`, one at a time, until `watch` says stop: what they
    /// count, and which pieces were run to the end. Piece `p` is the
    /// samples from `p * size`, `size` a divisor of [`CHUNK`].
    pub(super) fn run_all(
        &self,
        sampler: &Sampler,
        robustness: &Robustness,
        width: usize,
        size: u64,
        pieces: impl Iterator<Item = u64>,
        watch: &mut dyn Watch,
    ) -> (Tally, Vec<u64>, ControlFlow<()>) {
        let n = self.fit.len();
        let mut tally = Tally::new(n, width);
        let leaders = self.keeps_best(width);
        // Keeping the best, a run sorts nothing and totals a block at a
        // time; under constraints a sample may still rank everyone.
        let constrained = self.rule.best_eligible_suffice().is_none();
        let (all, block) = match leaders {
            Some(_) if !constrained => (0, n.min(BLOCK)),
            _ => (n, n),
        };
        let mut work = Work {
            totals: vec![0; block],
            keys: vec![0; block],
            sorted: vec![0; all],
            // About two buckets a key, at most 2^16.
            counts: vec![0; (2 * all).next_power_of_two().min(1 << 16) + 1],
            ranked: Best::new(if leaders.is_some() { width } else { 0 }),
            eligible: Best::new(leaders.unwrap_or(0)),
            buckets: [0; 256],
            stream: None,
            keep: leaders.is_some(),
            offers: Vec::new(),
            chosen: Vec::new(),
            kept: 0,
            ranked_all: 0,
        };
        let mut done = Vec::new();
        for piece in pieces {
            let start = piece.saturating_mul(size);
            let range = start..start.saturating_add(size).min(robustness.samples);
            let flow = self.run(sampler, robustness, range, &mut work, &mut tally, watch);
            if flow.is_break() {
                return (tally, done, flow);
            }
            done.push(piece);
        }
        (tally, done, ControlFlow::Continue(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts nothing and never stops.
    struct Quiet;

    impl Watch for Quiet {
        fn samples_done(&mut self, _: u64) -> ControlFlow<()> {
            ControlFlow::Continue(())
        }
    }

    /// What `pieces` of `size` samples count, in that order.
    fn counted(
        criteria: &Criteria,
        portfolio: &Portfolio,
        size: u64,
        pieces: impl Iterator<Item = u64>,
    ) -> (Vec<u64>, Vec<u32>, Vec<PerCriterion<u64>>) {
        let table = Table::new(criteria, portfolio).unwrap();
        let robustness = &criteria.robustness;
        let sampler = Sampler::new(robustness, &criteria.weights);
        let width = robustness.ranks.width(portfolio.len());
        let (tally, _, flow) = table.run_all(&sampler, robustness, width, size, pieces, &mut Quiet);
        assert!(flow.is_continue());
        (tally.leads, tally.ranks, tally.central)
    }

    #[test]
    fn pieces_in_any_order_count_what_whole_chunks_do() {
        let portfolio: Portfolio = include_str!("../../examples/portfolio.toml")
            .parse()
            .unwrap();
        for order in [
            "",
            "order = [\"sponsorship >= visibility\", \"lead >= duration\"]",
        ] {
            let criteria: Criteria = format!("[robustness]\nsamples = 300\nseed = 9\n{order}")
                .parse()
                .unwrap();
            let whole = counted(&criteria, &portfolio, CHUNK, 0..300u64.div_ceil(CHUNK));
            for size in [1, 4, 16, 32] {
                // Backwards, every piece but the last skips into its chunk.
                let pieces = (0..300u64.div_ceil(size)).rev();
                assert_eq!(
                    counted(&criteria, &portfolio, size, pieces),
                    whole,
                    "{order} {size}"
                );
            }
        }
    }
}
