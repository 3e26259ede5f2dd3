//! Exact totals: the user's decimals as integers, so that two totals are
//! equal exactly when the decimals say so.
//!
//! # The rule
//!
//! Every number a user gives (a weight, a score, `remedial`, a duration
//! window, a candidate's months, `min_score`, a `min`) is a decimal: the
//! shortest decimal that reads back as the `f64` it became (`0.1` is `1/10`,
//! not the binary fraction nearest it). Scores are scaled to integers at a
//! power of ten per criterion, the duration ramps to a common denominator,
//! the weights to integers at one power of ten, and all to one common
//! denominator `L`. A candidate's total is then `N / (sum(W) * L)` with `N`
//! an integer: two candidates tie exactly when their `N` are equal (then the
//! id decides), and a total reaches `min_score` exactly when `N * 10^p >=
//! digits * sum(W) * L`, compared without rounding. `0.8 + 0.2` ties with
//! `0.5 + 0.5`; `min_score = 0.9166666668` is missed by `11/12`.
//!
//! # Why integers, not a tolerance
//!
//! Two routes give one exact notion of a tie:
//!
//! - exact integers (this module): every comparison is an integer
//!   comparison, the ranking key is one integer, and nothing rests on a
//!   bound on rounding;
//! - `f64` totals with a proven error bound, and an exact comparison only
//!   for pairs closer than it.
//!
//! The second looks cheaper, but portfolios tie a lot: evidence comes in
//! levels. On the bench generator's 1M candidates with the shipped
//! criteria there are 1,490 distinct totals, and every one of the 1M
//! candidates is within 1e-12 of a neighbour: the exact fallback would run
//! for all of them, on top of the `f64` pass. With integers a candidate's
//! `N` is six table look-ups and the duration ramp, which costs what the
//! seven `f64` multiply-adds it replaces cost, and on realistic inputs `N`
//! is small (the shipped criteria: `sum(W) * L = 7 * 900`; months to the
//! millionth: `7 * 18e6`), so it packs with the candidate's place into one
//! `u64` key as the 1e-9 grid did. Measured at 1M candidates on 2 shared
//! cores (criterion, 3 s): the best total by `f64` 43 ms, by exact `N`
//! 42 ms; the ranking as indices by today's grid keys 130 ms, by exact
//! `u64` keys 119 ms. A `u128` key would sort 1.6x slower than a `u64`
//! one (72 ms against 45 ms), so it is kept for criteria whose `N` does not
//! fit beside the place.
//!
//! For users the integer route means: what the decimals say is what the
//! plan does; no grid, so no total one rounding step below a threshold
//! that counts as meeting it, and no twins whose sums, added in a
//! different order, land on different sides of a grid point; the same
//! results on any machine. Its price is a documented precision: months to
//! a millionth, and criteria whose decimals fit the arithmetic below.
//!
//! # Limits
//!
//! Criteria whose decimals do not fit are refused when they are read,
//! naming the key:
//!
//! - the scores' common denominator `L` must stay below 2^51, so that every
//!   score is an `f64` from which its units come back exactly
//!   (`round(score * L)`): with the shipped windows, scores to nine decimal
//!   places fit, sixteen (`0.3333333333333333`) do not;
//! - `sum(W) * L` must stay below 2^124: the weights may have many digits
//!   (stability's ends, fed back as weights, do) but may not span more
//!   than about twenty powers of ten; the weights' range check (0, or
//!   `[1e-6, 1e6]`, in `src/check.rs`) refuses `1e308` and `5e-324` first,
//!   and this limit what is left: many digits at both ends of the range;
//! - months, in the portfolio and in the duration windows, count to
//!   [`MAX_MONTH_PLACES`] decimal places (a millionth of a month is under
//!   three seconds), so that the duration ramp's denominator is known
//!   before the portfolio is.

// Phase 1 of issue 11: the core stands alone until the selection layer
// (issue 9) lands and rank, plan, stability and SMAA read it.
#![allow(dead_code, reason = "wired in once the selection layer lands")]
// Months are compared with the windows they were read beside: decimals of
// at most six places below 1e9 are distinct as f64, so == is exact here.
#![allow(clippy::float_cmp, reason = "exact comparisons of read decimals")]

use std::cmp::Ordering;

use crate::candidate::Evidence;
use crate::check::MAX_MONTH_PLACES;
use crate::criterion::Criterion;

/// The longest a duration window may reach, in months: times
/// `10^MAX_MONTH_PLACES` it stays below 2^53.
pub(crate) const MAX_WINDOW_MONTHS: f64 = 1e9;

/// A non-negative decimal: `digits * 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub(crate) digits: u64,
    pub(crate) exponent: i32,
}

impl Decimal {
    /// The shortest decimal that reads back as `x`; `None` for a negative,
    /// NaN or infinite `x`.
    pub(crate) fn of(x: f64) -> Option<Decimal> {
        if !x.is_finite() || x.is_sign_negative() && x != 0.0 {
            return None;
        }
        if x == 0.0 {
            return Some(Decimal {
                digits: 0,
                exponent: 0,
            });
        }
        // `{:e}` prints the shortest round trip: "1.25e-1", "3e0".
        let text = format!("{x:e}");
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i32 = exponent.parse().ok()?;
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
        let places = i32::try_from(fraction.len()).ok()?;
        Some(Decimal {
            digits,
            exponent: exponent - places,
        })
    }

    /// How many decimal places it has: 0 for a whole number.
    pub(crate) fn places(self) -> u32 {
        self.exponent.min(0).unsigned_abs()
    }

    /// The decimal times `10^places`, when that is a whole number that fits.
    pub(crate) fn scaled(self, places: u32) -> Option<u128> {
        let shift = i64::from(places) + i64::from(self.exponent);
        let shift = u32::try_from(shift).ok()?;
        u128::from(self.digits).checked_mul(10u128.checked_pow(shift)?)
    }
}

/// Why criteria cannot be made exact: the arithmetic would overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TooPrecise {
    /// The weights span too many powers of ten.
    Weights,
    /// A criterion's scores (or windows) need too fine a denominator.
    Criterion(Criterion),
    /// A criterion's `min` has too many digits.
    Min(Criterion),
    /// `min_score` has too many digits.
    MinScore,
}

/// What [`Exact::new`] reads: the criteria's numbers, as configured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub(crate) weights: &'a [f64; 7],
    pub(crate) full: [f64; 2],
    pub(crate) zero: [f64; 2],
    pub(crate) visibility: &'a [f64; 3],
    pub(crate) tangibility: &'a [f64; 3],
    pub(crate) phase: &'a [f64; 5],
    pub(crate) remedial: f64,
    pub(crate) bottom_line: &'a [f64; 3],
    pub(crate) lead: &'a [f64; 3],
    pub(crate) motivation: &'a [f64; 3],
    pub(crate) level: &'a [f64; 4],
    pub(crate) min_score: f64,
    pub(crate) mins: &'a [Option<f64>; 7],
}

/// A fraction `numerator / denominator`, both whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub(crate) numerator: u128,
    pub(crate) denominator: u128,
}

impl Ratio {
    /// The decimal `x` as a fraction over a power of ten.
    fn of(x: f64) -> Option<Ratio> {
        let d = Decimal::of(x)?;
        let places = d.places();
        Some(Ratio {
            numerator: d.scaled(places)?,
            denominator: 10u128.checked_pow(places)?,
        })
    }

    /// The least whole `n` with `n / denominator` at least this.
    pub(crate) fn least_reaching(self, denominator: u128) -> Option<u128> {
        div_ceil_wide(wide_mul(self.numerator, denominator), self.denominator)
    }

    /// Whether `numerator / denominator` is at least this, exactly.
    pub(crate) fn reached_by(self, numerator: u128, denominator: u128) -> bool {
        cmp_products(numerator, self.denominator, self.numerator, denominator) != Ordering::Less
    }
}

/// Every score of one set of criteria over one common denominator `L`,
/// whatever the weights: a criterion's score on some evidence is its
/// *unit* `U / L`, with `U` a whole number in `[0, L]`.
///
/// Weight-free, so that stability (one weight moving) and SMAA (weights
/// drawn at random) use the very same scores as the plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Units {
    /// `L`, the common denominator of every score.
    common: u128,
    /// The units of every level, one criterion after another (see
    /// [`slot`]): visibility, tangibility, phase by remedial, bottom line,
    /// lead, sponsorship by level and motivation.
    levels: [u128; LEVELS],
    /// The same as `f64`: `U / L`, rounded once.
    shown: [f64; LEVELS],
    duration: Ramp,
    /// Each criterion's `min` in units: the least `U` that reaches it.
    mins: [Option<u128>; 7],
}

/// How many level entries [`Units`] holds.
const LEVELS: usize = 34;

/// Where the units of `e` on `criterion` sit in [`Units::levels`]; `None`
/// for duration, which is a ramp.
#[inline]
fn slot(criterion: Criterion, e: &Evidence) -> Option<usize> {
    Some(match criterion {
        Criterion::Duration => return None,
        Criterion::Visibility => e.visibility as usize,
        Criterion::Tangibility => 3 + e.change as usize,
        Criterion::Phase => 6 + 2 * e.phase as usize + usize::from(e.remedial),
        Criterion::BottomLine => 16 + e.bottom_line as usize,
        Criterion::Lead => 19 + e.lead as usize,
        Criterion::Sponsorship => 22 + 3 * e.sponsor_level as usize + e.sponsor_motivation as usize,
    })
}

/// The duration score times `L`: 0 at or beyond the zero window, `L`
/// inside the full window, linear between.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ramp {
    /// `10^places`: months strictly inside the zero window, times this,
    /// are whole.
    scale: f64,
    /// The windows, as read: `[lo, a]` rises, `[b, hi]` falls.
    lo: f64,
    a: f64,
    b: f64,
    hi: f64,
    /// `lo` and `hi` times `scale`.
    lo_scaled: u128,
    hi_scaled: u128,
    /// The units per scaled month on each ramp (0 for a ramp of length 0).
    rise: u128,
    fall: u128,
    /// `L`.
    full: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn lcm(a: u128, b: u128) -> Option<u128> {
    if a == 0 || b == 0 {
        return Some(a.max(b));
    }
    (a / gcd(a, b)).checked_mul(b)
}

/// Each of `xs` at the fewest decimal places that hold all of them: the
/// integers and that power of ten.
fn common_scale<const K: usize>(xs: [f64; K]) -> Option<([u128; K], u128)> {
    at_places(xs, 0)
}

/// The weights as whole numbers in the same ratios: each decimal's digits
/// times ten to its exponent less the smallest exponent, so that only the
/// span of the weights matters, not their size (`5e-324` seven times is
/// seven 5s).
fn whole_weights(weights: &[f64; 7]) -> Option<([u128; 7], i32)> {
    let mut decimals = [Decimal {
        digits: 0,
        exponent: 0,
    }; 7];
    for (slot, &w) in decimals.iter_mut().zip(weights) {
        *slot = Decimal::of(w)?;
    }
    let least = decimals
        .iter()
        .filter(|d| d.digits != 0)
        .map(|d| d.exponent)
        .min()
        .unwrap_or(0);
    let mut out = [0; 7];
    for (slot, d) in out.iter_mut().zip(&decimals) {
        if d.digits != 0 {
            let shift = u32::try_from(i64::from(d.exponent) - i64::from(least)).ok()?;
            *slot = u128::from(d.digits).checked_mul(10u128.checked_pow(shift)?)?;
        }
    }
    Some((out, least))
}

/// Like [`common_scale`], with at least `places` decimal places.
fn at_places<const K: usize>(xs: [f64; K], places: u32) -> Option<([u128; K], u128)> {
    let mut decimals = [Decimal {
        digits: 0,
        exponent: 0,
    }; K];
    for (slot, &x) in decimals.iter_mut().zip(&xs) {
        *slot = Decimal::of(x)?;
    }
    let places = decimals.iter().map(|d| d.places()).fold(places, u32::max);
    let mut out = [0; K];
    for (slot, d) in out.iter_mut().zip(&decimals) {
        *slot = d.scaled(places)?;
    }
    Some((out, 10u128.checked_pow(places)?))
}

/// Compares `a * b` with `c * d`, exactly.
pub(crate) fn cmp_products(a: u128, b: u128, c: u128, d: u128) -> Ordering {
    wide_mul(a, b).cmp(&wide_mul(c, d))
}

/// `a * b` as its (high, low) 128-bit halves.
pub(crate) fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    // Each partial product of 64-bit halves fits in 128 bits.
    let (low, high) = (a0 * b0, a1 * b1);
    let (mid, mid_carry) = (a1 * b0).overflowing_add(a0 * b1);
    let (low, low_carry) = low.overflowing_add(mid << 64);
    let high = high + (mid >> 64) + (u128::from(mid_carry) << 64) + u128::from(low_carry);
    (high, low)
}

/// `ceil((high * 2^128 + low) / d)`, when it fits in 128 bits.
fn div_ceil_wide((high, low): (u128, u128), d: u128) -> Option<u128> {
    if d == 0 || high >= d {
        return None;
    }
    if high == 0 {
        return Some(low.div_ceil(d));
    }
    // Long division, a bit at a time: `high < d` keeps the quotient in
    // 128 bits, and the remainder below `d` before each step.
    let mut rest = high;
    let mut quotient = 0u128;
    for i in (0..128).rev() {
        let carry = rest >> 127;
        rest = rest << 1 | (low >> i & 1);
        quotient <<= 1;
        if carry == 1 || rest >= d {
            rest = rest.wrapping_sub(d);
            quotient |= 1;
        }
    }
    quotient.checked_add(u128::from(rest != 0))
}

/// `a + b`, each as (high, low) 128-bit halves; wraps past 256 bits, which
/// sums of two products of 127-bit numbers never reach.
pub(crate) fn wide_add(a: (u128, u128), b: (u128, u128)) -> (u128, u128) {
    let (low, carry) = a.1.overflowing_add(b.1);
    (a.0.wrapping_add(b.0).wrapping_add(u128::from(carry)), low)
}

/// `scores` scaled from over `denominator` to over `common`.
fn rescaled<const K: usize>(
    scores: [u128; K],
    denominator: u128,
    common: u128,
) -> Option<[u128; K]> {
    let factor = common.checked_div(denominator)?;
    let mut out = [0; K];
    for (slot, s) in out.iter_mut().zip(scores) {
        *slot = s.checked_mul(factor)?;
    }
    Some(out)
}

/// Each level scale of the criteria at its own power of ten: the scaled
/// levels and their denominator, per criterion.
struct Scaled {
    visibility: ([u128; 3], u128),
    tangibility: ([u128; 3], u128),
    /// The five phases, then `remedial`.
    phase: ([u128; 6], u128),
    bottom_line: ([u128; 3], u128),
    lead: ([u128; 3], u128),
    /// Level by motivation, over the product of their denominators.
    sponsorship: ([u128; 12], u128),
}

impl Scaled {
    /// Each level scale of `inputs` at its own power of ten.
    fn of(inputs: &Inputs<'_>) -> Result<Scaled, TooPrecise> {
        use Criterion as C;
        let too = TooPrecise::Criterion;
        let visibility = common_scale(*inputs.visibility).ok_or(too(C::Visibility))?;
        let tangibility = common_scale(*inputs.tangibility).ok_or(too(C::Tangibility))?;
        let bottom_line = common_scale(*inputs.bottom_line).ok_or(too(C::BottomLine))?;
        let lead = common_scale(*inputs.lead).ok_or(too(C::Lead))?;
        let [p0, p1, p2, p3, p4] = *inputs.phase;
        let phase = common_scale([p0, p1, p2, p3, p4, inputs.remedial]).ok_or(too(C::Phase))?;
        let (motivation, d_motivation) =
            common_scale(*inputs.motivation).ok_or(too(C::Sponsorship))?;
        let (level, d_level) = common_scale(*inputs.level).ok_or(too(C::Sponsorship))?;
        let d_sp = d_motivation
            .checked_mul(d_level)
            .ok_or(too(C::Sponsorship))?;
        let mut sponsorship = [0; 12];
        for (l, &ls) in level.iter().enumerate() {
            for (m, &ms) in motivation.iter().enumerate() {
                if let Some(slot) = sponsorship.get_mut(3 * l + m) {
                    *slot = ls * ms;
                }
            }
        }
        Ok(Scaled {
            visibility,
            tangibility,
            phase,
            bottom_line,
            lead,
            sponsorship: (sponsorship, d_sp),
        })
    }

    /// The denominators in [`Criterion::ALL`] order, with `duration`'s.
    fn denominators(&self, duration: u128) -> [u128; 7] {
        [
            duration,
            self.visibility.1,
            self.tangibility.1,
            self.phase.1,
            self.bottom_line.1,
            self.lead.1,
            self.sponsorship.1,
        ]
    }

    /// Every level's units over `common`, in [`slot`] order.
    fn levels(&self, common: u128) -> Result<[u128; LEVELS], TooPrecise> {
        use Criterion as C;
        let too = TooPrecise::Criterion;
        let over = |(scores, d): ([u128; 3], u128), c| rescaled(scores, d, common).ok_or(too(c));
        let (phase, d_phase) = self.phase;
        let phase = rescaled(phase, d_phase, common).ok_or(too(C::Phase))?;
        let [p0, p1, p2, p3, p4, remedial] = phase;
        let phase = [p0, p1, p2, p3, p4].map(|p| [p, p.min(remedial)]);
        let (sponsorship, d_sp) = self.sponsorship;
        let parts: [&[u128]; 6] = [
            &over(self.visibility, C::Visibility)?,
            &over(self.tangibility, C::Tangibility)?,
            &phase.concat(),
            &over(self.bottom_line, C::BottomLine)?,
            &over(self.lead, C::Lead)?,
            &rescaled(sponsorship, d_sp, common).ok_or(too(C::Sponsorship))?,
        ];
        let mut levels = [0; LEVELS];
        for (slot, &u) in levels.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
            *slot = u;
        }
        Ok(levels)
    }
}

/// The duration windows `[lo, a, b, hi]` at `10^places`, that power of
/// ten, and the denominator both ramps need.
fn scaled_windows(inputs: &Inputs<'_>, places: u32) -> Result<([u128; 4], u128, u128), TooPrecise> {
    let too = TooPrecise::Criterion(Criterion::Duration);
    let [lo, hi] = inputs.zero;
    let [a, b] = inputs.full;
    // Months inside the zero window, times 10^places, must be whole
    // numbers that f64 holds exactly.
    let window_fits = [lo, a, b, hi].iter().all(|&x| {
        x <= MAX_WINDOW_MONTHS && Decimal::of(x).is_some_and(|d| d.places() <= MAX_MONTH_PLACES)
    });
    let (scaled, scale) = at_places([lo, a, b, hi], places)
        .filter(|_| window_fits && places <= MAX_MONTH_PLACES)
        .ok_or(too)?;
    let [lo_s, a_s, b_s, hi_s] = scaled;
    let d_dur = lcm(a_s - lo_s, hi_s - b_s).ok_or(too)?.max(1);
    Ok((scaled, scale, d_dur))
}

/// The duration ramp over `common`, from the windows [`scaled_windows`]
/// gave at `scale`.
fn ramp(inputs: &Inputs<'_>, scaled: [u128; 4], scale: u128, common: u128) -> Ramp {
    let [lo, hi] = inputs.zero;
    let [a, b] = inputs.full;
    let [lo_s, a_s, b_s, hi_s] = scaled;
    let per = |length: u128| common.checked_div(length).unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "a power of ten up to 10^6")]
    let scale = scale as f64;
    Ramp {
        scale,
        lo,
        a,
        b,
        hi,
        lo_scaled: lo_s,
        hi_scaled: hi_s,
        rise: per(a_s - lo_s),
        fall: per(hi_s - b_s),
        full: common,
    }
}

/// `L`, the least common multiple of `denominators` (in
/// [`Criterion::ALL`] order), so long as it stays below 2^51.
fn common_denominator(denominators: [u128; 7]) -> Result<u128, TooPrecise> {
    use Criterion as C;
    let too = TooPrecise::Criterion;
    let common = denominators
        .iter()
        .zip(C::ALL)
        .try_fold(1, |l, (&d, &c)| lcm(l, d).ok_or(too(c)))?;
    // Every score, recovered from its f64 as `round(score * L)`, must
    // come back exact: `L` below 2^51.
    if common >= 1 << 51 {
        let finest = denominators
            .iter()
            .zip(C::ALL)
            .max_by_key(|&(&d, _)| d)
            .map_or(C::Duration, |(_, &c)| c);
        return Err(too(finest));
    }
    Ok(common)
}

/// Each criterion's `min` in units of `1 / common`: the least `U` that
/// reaches it.
fn unit_mins(mins: &[Option<f64>; 7], common: u128) -> Result<[Option<u128>; 7], TooPrecise> {
    let mut out = [None; 7];
    for ((slot, min), &c) in out.iter_mut().zip(mins).zip(Criterion::ALL) {
        if let Some(min) = min {
            let ratio = Ratio::of(*min).ok_or(TooPrecise::Min(c))?;
            *slot = Some(ratio.least_reaching(common).ok_or(TooPrecise::Min(c))?);
        }
    }
    Ok(out)
}

impl Units {
    /// The units of `inputs`, for months with up to `places` decimals.
    ///
    /// # Errors
    ///
    /// [`TooPrecise`] when the common denominator or a `min` does not fit
    /// the arithmetic.
    pub(crate) fn new(inputs: &Inputs<'_>, places: u32) -> Result<Units, TooPrecise> {
        let scaled = Scaled::of(inputs)?;
        let (windows, scale, d_dur) = scaled_windows(inputs, places)?;
        let common = common_denominator(scaled.denominators(d_dur))?;
        let mins = unit_mins(inputs.mins, common)?;
        let levels = scaled.levels(common)?;
        #[allow(clippy::cast_precision_loss, reason = "U and L are below 2^51")]
        let shown = levels.map(|u| u as f64 / common as f64);
        Ok(Units {
            common,
            levels,
            shown,
            duration: ramp(inputs, windows, scale, common),
            mins,
        })
    }

    /// `L`: every score is a whole number of `1 / L`.
    pub(crate) fn common(&self) -> u128 {
        self.common
    }

    /// The duration units of `months`, which has at most the decimals the
    /// units were made for.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "months strictly inside the zero window, scaled, are whole and small"
    )]
    fn duration(&self, months: f64) -> u128 {
        let r = &self.duration;
        if months <= r.lo || months >= r.hi {
            // A ramp of length 0 still gives full marks at its end.
            return if months == r.a || months == r.b {
                r.full
            } else {
                0
            };
        }
        let m = (months * r.scale).round() as u128;
        let mut x = r.full;
        if months < r.a {
            x = x.min(r.rise * (m - r.lo_scaled));
        }
        if months > r.b {
            x = x.min(r.fall * (r.hi_scaled - m));
        }
        x
    }

    /// The score of `e` on `criterion`, times `L`.
    #[inline]
    pub(crate) fn unit(&self, criterion: Criterion, e: &Evidence) -> u128 {
        match slot(criterion, e) {
            None => self.duration(e.duration.get()),
            Some(i) => self.levels.get(i).copied().unwrap_or(0),
        }
    }

    /// The score of `e` on `criterion` as `f64`: `U / L`, rounded once.
    #[inline]
    pub(crate) fn shown(&self, criterion: Criterion, e: &Evidence) -> f64 {
        match slot(criterion, e) {
            None => self.score(self.duration(e.duration.get())),
            Some(i) => self.shown.get(i).copied().unwrap_or(0.0),
        }
    }

    /// Every score of `e`, times `L`, in [`Criterion::ALL`] order.
    pub(crate) fn units(&self, e: &Evidence) -> [u128; 7] {
        let mut out = [0; 7];
        for (slot, &c) in out.iter_mut().zip(Criterion::ALL) {
            *slot = self.unit(c, e);
        }
        out
    }

    /// Whether `units` reach every criterion's `min`, exactly.
    pub(crate) fn meets_mins(&self, units: &[u128; 7]) -> bool {
        self.mins
            .iter()
            .zip(units)
            .all(|(min, &u)| min.is_none_or(|min| u >= min))
    }

    /// Whether `unit` reaches `criterion`'s `min`, exactly: true when it
    /// has none.
    pub(crate) fn reaches_min(&self, criterion: Criterion, unit: u128) -> bool {
        self.mins
            .get(criterion as usize)
            .copied()
            .flatten()
            .is_none_or(|min| unit >= min)
    }

    /// Whether `e` reaches every criterion's `min`, exactly.
    #[inline]
    pub(crate) fn meets_mins_of(&self, e: &Evidence) -> bool {
        self.mins
            .iter()
            .zip(Criterion::ALL)
            .all(|(min, &c)| min.is_none_or(|min| self.unit(c, e) >= min))
    }

    /// The units of scores that [`Units::score`] gave: `round(score * L)`,
    /// exact since `L` is below 2^51.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "scores in [0, 1] times L below 2^51"
    )]
    pub(crate) fn recover(&self, score: f64) -> u128 {
        (score.clamp(0.0, 1.0) * self.common as f64).round() as u128
    }

    /// A score of `units` as `f64`: `U / L`, rounded once.
    #[allow(clippy::cast_precision_loss, reason = "U and L are below 2^51")]
    pub(crate) fn score(&self, units: u128) -> f64 {
        units as f64 / self.common as f64
    }
}

/// The exact totals of one set of criteria: [`Units`] and the weights as
/// whole numbers, multiplied out into one table per criterion.
///
/// A candidate's total is `N / top`, `N` the sum of one entry of each
/// table, each entry `W_j * U_j`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exact {
    units: Units,
    /// The weights at one power of ten, over their greatest common divisor.
    weights: [u128; 7],
    /// `sum(W) * L`: the `N` of a candidate with every score 1.
    top: u128,
    min_score: Ratio,
    /// The least `N` whose total reaches `min_score`.
    min_numerator: u128,
    /// What one whole unit of weight is as configured: `digits *
    /// 10^exponent`.
    unit: (u128, i32),
    /// The same totals in `u64`, when `top` fits.
    narrow: Option<Narrow>,
}

impl Exact {
    /// Nothing yet: what [`Criteria::BLANK`](crate::criteria::Criteria)
    /// starts from, before a file sets every key.
    pub(crate) const BLANK: Exact = Exact {
        units: Units {
            common: 1,
            levels: [0; LEVELS],
            shown: [0.0; LEVELS],
            duration: Ramp {
                scale: 1.0,
                lo: 0.0,
                a: 0.0,
                b: 0.0,
                hi: 0.0,
                lo_scaled: 0,
                hi_scaled: 0,
                rise: 0,
                fall: 0,
                full: 1,
            },
            mins: [None; 7],
        },
        weights: [0; 7],
        top: 1,
        min_score: Ratio {
            numerator: 0,
            denominator: 1,
        },
        min_numerator: 0,
        unit: (1, 0),
        narrow: None,
    };

    /// The exact totals of `inputs`, for months with up to `places`
    /// decimals (at most [`MAX_MONTH_PLACES`]).
    ///
    /// # Errors
    ///
    /// [`TooPrecise`] when the common denominator, the weights or a
    /// threshold do not fit the arithmetic.
    pub(crate) fn new(inputs: &Inputs<'_>, places: u32) -> Result<Exact, TooPrecise> {
        let units = Units::new(inputs, places)?;
        let (mut weights, least) = whole_weights(inputs.weights).ok_or(TooPrecise::Weights)?;
        let divisor = weights.iter().fold(0, |g, &w| gcd(g, w)).max(1);
        for w in &mut weights {
            *w /= divisor;
        }
        let top = weights
            .iter()
            .try_fold(0u128, |s, &w| s.checked_add(w))
            .and_then(|s| s.checked_mul(units.common))
            .filter(|&top| top > 0 && top < 1 << 124)
            .ok_or(TooPrecise::Weights)?;
        // Stability's lines `c + t d` compare `N * den` with `num * top`:
        // they must fit in i128.
        let min_score = Ratio::of(inputs.min_score)
            .filter(|m| top.checked_mul(m.denominator).is_some_and(|x| x < 1 << 126))
            .ok_or(TooPrecise::MinScore)?;
        let min_numerator = min_score.least_reaching(top).ok_or(TooPrecise::MinScore)?;
        let mut exact = Exact {
            units,
            weights,
            top,
            min_score,
            min_numerator,
            unit: (divisor, least),
            narrow: None,
        };
        exact.narrow = exact.narrowed();
        Ok(exact)
    }

    /// The weight-free scores.
    pub(crate) fn units(&self) -> &Units {
        &self.units
    }

    /// `sum(W) * L`: the largest `N`, that of a candidate with every
    /// score 1.
    pub(crate) fn top(&self) -> u128 {
        self.top
    }

    /// A candidate's `N`: its total is `N / top`.
    #[inline]
    pub(crate) fn numerator(&self, e: &Evidence) -> u128 {
        if let Some(narrow) = &self.narrow {
            return u128::from(narrow.numerator(e));
        }
        let mut n = 0;
        for (&w, &c) in self.weights.iter().zip(Criterion::ALL) {
            n += w * self.units.unit(c, e);
        }
        n
    }

    /// The `N` of a candidate with `units`.
    pub(crate) fn numerator_of(&self, units: &[u128; 7]) -> u128 {
        self.weights.iter().zip(units).map(|(&w, &u)| w * u).sum()
    }

    /// The weights as whole numbers.
    pub(crate) fn weights(&self) -> &[u128; 7] {
        &self.weights
    }

    /// `min_score` as a fraction.
    pub(crate) fn min_score(&self) -> Ratio {
        self.min_score
    }

    /// A weight of `t` whole units, as configured weights are written.
    #[allow(clippy::cast_precision_loss, reason = "an end for show")]
    pub(crate) fn weight_of(&self, t: Point) -> f64 {
        let (digits, exponent) = self.unit;
        // num * digits * 10^exponent / den, rounded at most three times.
        let scaled: f64 = format!("{digits}e{exponent}").parse().unwrap_or(0.0);
        t.num as f64 * scaled / t.den as f64
    }

    /// `N / top` in `[0, 1]`, rounded once to `f64`.
    #[allow(clippy::cast_precision_loss, reason = "a total for show")]
    pub(crate) fn total(&self, numerator: u128) -> f64 {
        (numerator as f64 / self.top as f64).clamp(0.0, 1.0)
    }

    /// Whether a total of `numerator / top` reaches `min_score`, exactly.
    pub(crate) fn reaches_min_score(&self, numerator: u128) -> bool {
        numerator >= self.min_numerator
    }
}

/// [`Exact`] in `u64`, for criteria whose `top` fits: the tables the
/// ranking reads for every candidate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Narrow {
    top: u64,
    /// The level entries of [`Units`], each times its criterion's weight.
    table: [u64; LEVELS],
    lo: f64,
    a: f64,
    b: f64,
    hi: f64,
    scale: f64,
    lo_scaled: i64,
    hi_scaled: i64,
    /// The duration's units per scaled month on each ramp, and `L`.
    rise: i64,
    fall: i64,
    full: i64,
    /// The duration's weight.
    weight: u64,
    /// `L` and `top` as `f64`, for show.
    common_shown: f64,
    top_shown: f64,
}

impl Exact {
    /// The same totals in `u64`, when `top` fits.
    pub(crate) fn narrow(&self) -> Option<&Narrow> {
        self.narrow.as_ref()
    }

    /// The same totals in `u64`, when `top` fits.
    fn narrowed(&self) -> Option<Narrow> {
        let u = &self.units;
        let [wd, wv, wt, wp, wb, wl, ws] = self.weights;
        // The weight of each level entry, by the criterion it belongs to.
        let weight_at = |i: usize| match i {
            0..3 => wv,
            3..6 => wt,
            6..16 => wp,
            16..19 => wb,
            19..22 => wl,
            _ => ws,
        };
        let mut table = [0u64; LEVELS];
        for (i, (slot, &x)) in table.iter_mut().zip(&u.levels).enumerate() {
            *slot = u64::try_from(weight_at(i).checked_mul(x)?).ok()?;
        }
        let r = &u.duration;
        let small = |x: u128| i64::try_from(x).ok();
        Some(Narrow {
            top: u64::try_from(self.top).ok()?,
            table,
            lo: r.lo,
            a: r.a,
            b: r.b,
            hi: r.hi,
            scale: r.scale,
            lo_scaled: small(r.lo_scaled)?,
            hi_scaled: small(r.hi_scaled)?,
            rise: small(r.rise)?,
            fall: small(r.fall)?,
            full: small(r.full)?,
            weight: u64::try_from(wd).ok()?,
            common_shown: u.common as f64,
            top_shown: self.top as f64,
        })
    }
}

/// The whole number nearest `x`, for `x` in `[0, 2^51)`: `x.round()`
/// without the call to libm's `round` that it compiles to on baseline
/// x86-64, the most costly step of a candidate's `N`. From `0.5` up,
/// `x + 0.5` never rounds past the next whole number (0.5 is a multiple of
/// `x`'s last place, and a sum that moves up a binade is still below it),
/// and truncating it is flooring it. Below `0.5` it can:
/// `0.49999999999999994 + 0.5` is `1.0`; so there the answer is 0.
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    reason = "below 2^51, as the callers' months inside the window are"
)]
fn nearest_whole(x: f64) -> i64 {
    if x < 0.5 { 0 } else { (x + 0.5) as i64 }
}

impl Narrow {
    /// `sum(W) * L`.
    pub(crate) fn top(&self) -> u64 {
        self.top
    }

    /// The duration's units of `months`, as [`Units::unit`] gives them.
    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "months inside the zero window, scaled, are whole and small; the ramp is at least 0 there"
    )]
    pub(crate) fn duration_units(&self, months: f64) -> u64 {
        if months > self.lo && months < self.hi {
            let m = nearest_whole(months * self.scale);
            // min(rise, L, fall), each ramp only where it applies: a ramp
            // of length 0 is never inside the window.
            let rise = if months < self.a {
                self.rise * (m - self.lo_scaled)
            } else {
                self.full
            };
            let fall = if months > self.b {
                self.fall * (self.hi_scaled - m)
            } else {
                self.full
            };
            rise.min(fall) as u64
        } else if months == self.a || months == self.b {
            self.full as u64
        } else {
            0
        }
    }

    /// A candidate's `N` given its duration units.
    #[inline]
    pub(crate) fn numerator_with(&self, e: &Evidence, duration: u64) -> u64 {
        self.weight * duration + self.levels(e)
    }

    /// The part of a candidate's `N` that its levels give: all but the
    /// duration's.
    #[inline]
    fn levels(&self, e: &Evidence) -> u64 {
        let get = |c: Criterion| {
            slot(c, e)
                .and_then(|i| self.table.get(i))
                .copied()
                .unwrap_or(0)
        };
        get(Criterion::Visibility)
            + get(Criterion::Tangibility)
            + get(Criterion::Phase)
            + get(Criterion::BottomLine)
            + get(Criterion::Lead)
            + get(Criterion::Sponsorship)
    }

    /// A candidate's `N` when it is above `bar`: its levels first, and the
    /// duration's ramp only when full marks on duration would lift it
    /// above.
    #[inline]
    #[allow(clippy::cast_sign_loss, reason = "L is positive")]
    pub(crate) fn numerator_above(&self, e: &Evidence, bar: Option<u64>) -> Option<u64> {
        let levels = self.levels(e);
        if bar.is_some_and(|bar| levels + self.weight * self.full as u64 <= bar) {
            return None;
        }
        let n = levels + self.weight * self.duration_units(e.duration.get());
        bar.is_none_or(|bar| n > bar).then_some(n)
    }

    /// A candidate's `N`, as [`Exact::numerator`] gives it.
    #[inline]
    pub(crate) fn numerator(&self, e: &Evidence) -> u64 {
        self.numerator_with(e, self.duration_units(e.duration.get()))
    }
}

impl Exact {
    /// A candidate's scores and total as `f64`, each one rounding of its
    /// exact fraction, in one pass. The `u64` path converts `u64`s, which
    /// is one instruction where a `u128` takes a call.
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "scores and totals for show")]
    pub(crate) fn assess(&self, e: &Evidence) -> ([f64; 7], f64) {
        let units = &self.units;
        let (duration, total) = match &self.narrow {
            Some(narrow) => {
                let d = narrow.duration_units(e.duration.get());
                let n = narrow.numerator_with(e, d);
                (
                    d as f64 / narrow.common_shown,
                    (n as f64 / narrow.top_shown).clamp(0.0, 1.0),
                )
            }
            None => (
                units.score(units.duration(e.duration.get())),
                self.total(self.numerator(e)),
            ),
        };
        let level = |c: Criterion| {
            slot(c, e)
                .and_then(|i| units.shown.get(i))
                .copied()
                .unwrap_or(0.0)
        };
        let scores = [
            duration,
            level(Criterion::Visibility),
            level(Criterion::Tangibility),
            level(Criterion::Phase),
            level(Criterion::BottomLine),
            level(Criterion::Lead),
            level(Criterion::Sponsorship),
        ];
        (scores, total)
    }
}

/// Compares `a * b` with `c * d`, signed, exactly.
pub(crate) fn cmp_signed_products(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    let sign = |x: i128, y: i128| x.signum() * y.signum();
    let (left, right) = (sign(a, b), sign(c, d));
    if left != right {
        return left.cmp(&right);
    }
    let magnitude = wide_mul(a.unsigned_abs(), b.unsigned_abs())
        .cmp(&wide_mul(c.unsigned_abs(), d.unsigned_abs()));
    if left < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// `c + t d` for a moving weight `t`: every question the plan asks, with
/// one weight moving and the others fixed, is the sign of such a line
/// (see the stability module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) c: i128,
    pub(crate) d: i128,
}

/// A weight `t = num / den` where a line crosses 0, `den > 0`. Equal when
/// the fractions are, whatever their terms (`2/2 == 1/1`), as `Ord` says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    pub(crate) num: i128,
    pub(crate) den: i128,
}

impl PartialEq for Point {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Point {}

impl Ord for Point {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_signed_products(self.num, other.den, other.num, self.den)
    }
}

impl PartialOrd for Point {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Point {
    /// The whole number `t`.
    pub(crate) fn whole(t: i128) -> Point {
        Point { num: t, den: 1 }
    }

    /// As an `f64`, for show.
    #[allow(clippy::cast_precision_loss, reason = "an end for show")]
    pub(crate) fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl Line {
    /// Where the line is 0, when it crosses 0 at one point.
    pub(crate) fn root(self) -> Option<Point> {
        match self.d.signum() {
            0 => None,
            1 => Some(Point {
                num: self.c.checked_neg()?,
                den: self.d,
            }),
            _ => Some(Point {
                num: self.c,
                den: self.d.checked_neg()?,
            }),
        }
    }

    /// The sign of the line at `t`.
    pub(crate) fn sign_at(self, t: Point) -> Ordering {
        // c + (num / den) d against 0 is c den against -num d. Lines and
        // points are far inside i128 (the criteria's budget), so -num is.
        cmp_signed_products(self.c, t.den, t.num.saturating_neg(), self.d)
    }

    /// The sign of the line just past `t`: above it when `up`, below it
    /// otherwise. At a root the slope decides, the way the weight moves.
    pub(crate) fn sign_past(self, t: Point, up: bool) -> Ordering {
        let at = self.sign_at(t);
        if at != Ordering::Equal {
            return at;
        }
        let slope = self.d.cmp(&0);
        if up { slope } else { slope.reverse() }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::candidate::Months;
    use crate::check::month_places;
    use crate::criteria::Criteria;
    use crate::criterion::{BottomLine, Change, Lead, Motivation, Phase, SponsorLevel, Visibility};

    fn ideal() -> Evidence {
        Evidence {
            duration: Months::new(15.0).unwrap(),
            visibility: Visibility::High,
            change: Change::Technology,
            phase: Phase::Design,
            remedial: false,
            bottom_line: BottomLine::Direct,
            lead: Lead::Credible,
            sponsor_level: SponsorLevel::ManagingDirector,
            sponsor_motivation: Motivation::Strong,
        }
    }

    /// Evidence of every kind, months whole, halves and thousandths.
    fn many() -> Vec<Evidence> {
        (0..600u32)
            .map(|i| Evidence {
                duration: Months::new(match i % 3 {
                    0 => f64::from(1 + (i * 7) % 40),
                    1 => f64::from(i % 80) / 2.0 + 0.5,
                    _ => f64::from(i * 37 % 40_000 + 1) / 1000.0,
                })
                .unwrap(),
                visibility: Visibility::ALL[(i % 3) as usize],
                change: Change::ALL[(i / 3 % 3) as usize],
                phase: Phase::ALL[(i / 2 % 5) as usize],
                remedial: i % 7 == 0,
                bottom_line: BottomLine::ALL[(i / 5 % 3) as usize],
                lead: Lead::ALL[(i / 4 % 3) as usize],
                sponsor_level: SponsorLevel::ALL[(i % 4) as usize],
                sponsor_motivation: Motivation::ALL[(i / 6 % 3) as usize],
            })
            .collect()
    }

    fn criteria(text: &str) -> Criteria {
        text.parse().unwrap()
    }

    impl Criteria {
        /// The exact totals of these criteria for months with up to
        /// `places` decimals.
        fn exact(&self, places: u32) -> Result<Exact, TooPrecise> {
            Exact::new(&inputs(self), places)
        }
    }

    proptest::proptest! {
        #[test]
        fn nearest_whole_agrees_with_round(
            x in proptest::prop_oneof![0.0f64..1.0, 0.0f64..2_251_799_813_685_248.0]
        ) {
            #[allow(clippy::cast_possible_truncation)]
            let want = x.round() as i64;
            proptest::prop_assert_eq!(nearest_whole(x), want);
        }
    }

    #[test]
    fn nearest_whole_is_round_below_2_pow_51() {
        let below_half = 0.5 - f64::EPSILON / 4.0; // 0.49999999999999994
        for x in [
            0.0,
            below_half,
            0.5,
            1.5 - f64::EPSILON,
            1.5,
            2.5,
            4_503_599_627_370_495.5 / 2.0,
            1e6 * 12.5,
        ] {
            #[allow(clippy::cast_possible_truncation)]
            let want = x.round() as i64;
            assert_eq!(nearest_whole(x), want, "{x}");
        }
    }

    #[test]
    fn decimals_are_the_shortest_that_read_back() {
        let d = |x: f64| {
            let d = Decimal::of(x).unwrap();
            (d.digits, d.exponent)
        };
        assert_eq!(d(0.1), (1, -1));
        assert_eq!(d(1.5), (15, -1));
        assert_eq!(d(100.0), (1, 2));
        assert_eq!(d(0.0), (0, 0));
        assert_eq!(d(0.916_666_666_8), (9_166_666_668, -10));
        assert_eq!(d(1.0 / 3.0), (3_333_333_333_333_333, -16));
        assert_eq!(d(5e-324), (5, -324));
        assert_eq!(d(1e308), (1, 308));
        assert_eq!(Decimal::of(-1.0), None);
        assert_eq!(Decimal::of(f64::NAN), None);
        assert_eq!(Decimal::of(f64::INFINITY), None);
    }

    #[test]
    fn month_places_count_to_a_millionth() {
        assert_eq!(month_places(15.0), Some(0));
        assert_eq!(month_places(14.5), Some(1));
        assert_eq!(month_places(0.001), Some(3));
        assert_eq!(month_places(12.000_001), Some(6));
        assert_eq!(month_places(1e-7), None);
        assert_eq!(month_places(456.0 / 30.4375), None);
        assert_eq!(month_places(1e300), Some(0));
        assert_eq!(month_places(123_456_789.123_456), Some(6));
        for places in 0..=6 {
            for k in [1u32, 7, 123_456, 999_999] {
                let x = f64::from(k) / 10f64.powi(places);
                let expected = Decimal::of(x).unwrap().places();
                assert_eq!(month_places(x), Some(expected), "{x}");
            }
        }
    }

    #[test]
    fn products_compare_exactly_past_128_bits() {
        let big = u128::MAX / 3;
        assert_eq!(cmp_products(big, 6, big, 6), Ordering::Equal);
        assert_eq!(cmp_products(big, 6, big + 1, 6), Ordering::Less);
        assert_eq!(cmp_products(big, 7, big * 2, 3), Ordering::Greater);
        assert_eq!(
            cmp_products(u128::MAX, u128::MAX, u128::MAX, u128::MAX - 1),
            Ordering::Greater
        );
        for a in 0..40u128 {
            for b in 0..40u128 {
                assert_eq!(cmp_products(a, 13, b, 17), (a * 13).cmp(&(b * 17)));
            }
        }
    }

    #[test]
    fn exact_totals_agree_with_the_float_ones() {
        for text in [
            "",
            "[duration]\nweight = 2.5\nfull = [12.5, 18]\nzero = [3, 36.25]",
            "[duration]\nfull = [3, 18]\nzero = [3, 18]\n[sponsorship]\nweight = 0.3333",
            "[visibility]\nweight = 0\n[lead]\nscores = { experienced = 0.333333333 }",
            "[phase]\nremedial = 0.65\nweight = 7\n[selection]\nmin_score = 0.5",
        ] {
            let criteria = criteria(text);
            let exact = criteria.exact(3).unwrap();
            let narrow = exact.narrow().unwrap();
            for e in many() {
                let n = exact.numerator(&e);
                assert_eq!(u128::from(narrow.numerator(&e)), n, "{text}: {e:?}");
                let n64 = narrow.numerator(&e);
                for bar in [
                    None,
                    Some(0),
                    Some(n64 / 2),
                    Some(n64.saturating_sub(1)),
                    Some(n64),
                ] {
                    let above = Some(n64).filter(|&n| bar.is_none_or(|bar| n > bar));
                    assert_eq!(narrow.numerator_above(&e, bar), above, "{text}: {e:?}");
                }
                let total = criteria.assess(&e).total;
                assert!((exact.total(n) - total).abs() < 1e-12, "{text}: {e:?}");
                for &c in Criterion::ALL {
                    let shown = exact.units().shown(c, &e);
                    let score = criteria.score(&e, c);
                    if matches!(c, Criterion::Duration | Criterion::Sponsorship) {
                        assert!((shown - score).abs() <= 2.0 * f64::EPSILON, "{c}");
                    } else {
                        // A level's score is the decimal the user wrote.
                        assert_eq!(shown, score, "{c}");
                    }
                }
                let units = exact.units().units(&e);
                for (&u, (_, s)) in units.iter().zip(criteria.assess(&e).scores.iter()) {
                    let s_exact = u as f64 / exact.units().common() as f64;
                    assert!((s_exact - s).abs() < 1e-12, "{text}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn the_shipped_criteria_need_small_integers() {
        let exact = Criteria::default().exact(0).unwrap();
        // L = lcm(18 for duration, 10 for the scales, 100 for sponsorship).
        assert_eq!(exact.units().common(), 900);
        assert_eq!(exact.top(), 7 * 900);
        // Months to the millionth: the ramps become 9e6 and 18e6 units long.
        assert_eq!(Criteria::default().exact(6).unwrap().top(), 7 * 18_000_000);
    }

    #[test]
    fn twins_tie_exactly() {
        // The twins: phase and lead swap 0.8 and 1.0.
        let shipped = Criteria::default();
        let a = Evidence {
            visibility: Visibility::Low,
            phase: Phase::Development,
            bottom_line: BottomLine::Indirect,
            lead: Lead::Credible,
            sponsor_motivation: Motivation::Moderate,
            ..ideal()
        };
        let b = Evidence {
            phase: Phase::Design,
            lead: Lead::Experienced,
            ..a
        };
        let exact = shipped.exact(0).unwrap();
        assert_eq!(exact.numerator(&a), exact.numerator(&b));
        // And so are their totals as f64: one rounding of one fraction.
        assert_eq!(shipped.assess(&a).total, shipped.assess(&b).total);
        // 0.8 + 0.2 ties with 0.5 + 0.5, and 0.1 + 0.2 with 0.3.
        let sums = criteria(
            "[visibility]\nscores = { low = 0.1, moderate = 0.3, high = 0.5 }\n\
             [bottom_line]\nscores = { direct = 0.2, indirect = 0.0, none = 0.5 }",
        );
        let exact = sums.exact(0).unwrap();
        let with = |visibility, bottom_line| {
            exact.numerator(&Evidence {
                visibility,
                bottom_line,
                ..ideal()
            })
        };
        assert_eq!(
            with(Visibility::Low, BottomLine::Direct),
            with(Visibility::Moderate, BottomLine::Indirect)
        );
        let (x, y) = (0.1f64, 0.2f64);
        assert_ne!(x + y, 0.3, "in f64 they differ");
    }

    #[test]
    fn min_score_is_met_exactly_as_the_decimals_say() {
        // The case: everything ideal but a moderate visibility,
        // and lead weighted 0: a total of 5.5 / 6 = 11/12.
        let e = Evidence {
            visibility: Visibility::Moderate,
            ..ideal()
        };
        let at = |min_score: &str| {
            let exact = criteria(&format!(
                "[selection]\nmin_score = {min_score}\n[lead]\nweight = 0.0"
            ))
            .exact(0)
            .unwrap();
            exact.reaches_min_score(exact.numerator(&e))
        };
        assert!(at("0.9166666666"));
        assert!(!at("0.9166666667"));
        assert!(!at("0.9166666668"));
        // A total exactly on the bar meets it.
        let exact = criteria("[selection]\nmin_score = 0.5\n[visibility]\nscores = { moderate = 0.5 }\n[tangibility]\nweight = 0\n[phase]\nweight = 0\n[bottom_line]\nweight = 0\n[lead]\nweight = 0\n[sponsorship]\nweight = 0\n[duration]\nweight = 0").exact(0).unwrap();
        assert!(exact.reaches_min_score(exact.numerator(&e)));
        let low = Evidence {
            visibility: Visibility::Low,
            ..ideal()
        };
        assert!(!exact.reaches_min_score(exact.numerator(&low)));
    }

    #[test]
    fn mins_are_met_exactly() {
        let c = criteria("[phase]\nmin = 0.8\n[lead]\nmin = 0.8000000000000001");
        let exact = c.exact(0).unwrap();
        let e = Evidence {
            phase: Phase::Development,
            lead: Lead::Experienced,
            ..ideal()
        };
        let units = exact.units().units(&e);
        assert!(!exact.units().meets_mins(&units));
        let c = criteria("[phase]\nmin = 0.8");
        let exact = c.exact(0).unwrap();
        assert!(exact.units().meets_mins(&exact.units().units(&e)));
    }

    #[test]
    fn scaling_the_weights_changes_no_integer() {
        let base = Criteria::default().exact(0).unwrap();
        for scale in ["1e-6", "0.001", "1000", "1e6"] {
            let mut text = String::new();
            for c in Criterion::ALL {
                let _ = writeln!(text, "[{c}]\nweight = {scale}");
            }
            let mut exact = criteria(&text).exact(0).unwrap();
            // Only what one unit of weight is differs.
            exact.unit = base.unit;
            assert_eq!(exact, base, "{scale}");
        }
    }

    #[test]
    fn weights_too_far_apart_are_refused() {
        let weights = |w: [f64; 7]| {
            Exact::new(
                &Inputs {
                    weights: &w,
                    ..inputs(&Criteria::default())
                },
                0,
            )
        };
        assert_eq!(
            weights([1e308, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
            Err(TooPrecise::Weights)
        );
        assert_eq!(
            weights([5e-324, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
            Err(TooPrecise::Weights)
        );
        assert!(weights([1e20, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).is_ok());
        assert!(weights([0.333_333_333_333_333_3, 1.0, 2.5, 1.0, 1.0, 1.0, 1.0]).is_ok());
    }

    #[test]
    fn scores_too_fine_are_refused() {
        let c = Criteria::default();
        // Sixteen places: L would pass 2^51, past what f64 scores hold.
        let third = [0.1, 0.333_333_333_333_333_3, 1.0];
        assert_eq!(
            Exact::new(
                &Inputs {
                    lead: &third,
                    ..inputs(&c)
                },
                0
            ),
            Err(TooPrecise::Criterion(Criterion::Lead))
        );
        let tiny = [1e-40, 0.5, 1.0];
        assert_eq!(
            Exact::new(
                &Inputs {
                    lead: &tiny,
                    ..inputs(&c)
                },
                0
            ),
            Err(TooPrecise::Criterion(Criterion::Lead))
        );
    }

    #[test]
    fn signed_products_compare_exactly() {
        let big = i128::MAX / 2;
        assert_eq!(cmp_signed_products(big, 3, big, 3), Ordering::Equal);
        assert_eq!(cmp_signed_products(-big, 3, big, -3), Ordering::Equal);
        assert_eq!(cmp_signed_products(-big, 3, big, 3), Ordering::Less);
        assert_eq!(cmp_signed_products(-big, -3, big, 2), Ordering::Greater);
        assert_eq!(cmp_signed_products(-big, 3, -big + 1, 3), Ordering::Less);
        assert_eq!(cmp_signed_products(0, 3, 0, -5), Ordering::Equal);
        for a in -12i128..12 {
            for c in -12i128..12 {
                for (b, d) in [(3, 5), (-3, 5), (7, -2), (0, 4)] {
                    assert_eq!(cmp_signed_products(a, b, c, d), (a * b).cmp(&(c * d)));
                }
            }
        }
    }

    #[test]
    fn a_line_at_its_root_leans_the_way_the_weight_moves() {
        // 3 - 2t: 0 at t = 3/2, above 0 below it.
        let line = Line { c: 3, d: -2 };
        let root = line.root().unwrap();
        assert_eq!(root, Point { num: 3, den: 2 });
        assert_eq!(line.sign_past(root, true), Ordering::Less);
        assert_eq!(line.sign_past(root, false), Ordering::Greater);
        assert_eq!(line.sign_past(Point::whole(1), true), Ordering::Greater);
        assert_eq!(line.sign_past(Point::whole(2), false), Ordering::Less);
        // A flat line has no root and keeps its sign.
        assert_eq!(Line { c: 0, d: 0 }.root(), None);
        assert_eq!(Line { c: 0, d: 0 }.sign_past(root, true), Ordering::Equal);
        // Points order as the fractions do.
        assert!(Point { num: 1, den: 3 } < Point { num: 1, den: 2 });
        assert!(Point { num: -1, den: 2 } < Point::whole(0));
        assert_eq!(
            Point { num: 2, den: 4 }.cmp(&Point { num: 1, den: 2 }),
            Ordering::Equal
        );
    }

    #[test]
    fn windows_count_to_a_millionth_of_a_month() {
        let c = Criteria::default();
        let window = |zero: [f64; 2], full: [f64; 2]| {
            Exact::new(
                &Inputs {
                    full,
                    zero,
                    ..inputs(&c)
                },
                MAX_MONTH_PLACES,
            )
            .map(|_| ())
        };
        assert_eq!(window([3.0, 36.0], [12.5, 18.000_001]), Ok(()));
        assert_eq!(window([3.0, 100_000.5], [12.0, 18.0]), Ok(()));
        let duration = Err(TooPrecise::Criterion(Criterion::Duration));
        // A ramp of nearly 1e9 months, to the millionth: L past 2^51.
        assert_eq!(window([3.0, 1e9], [12.0, 18.0]), duration);
        assert_eq!(window([3.0, 1e300], [12.0, 18.0]), duration);
        assert_eq!(window([3.0, 36.0], [12.000_000_1, 18.0]), duration);
    }

    #[test]
    fn wide_division_rounds_up() {
        for (a, b, d) in [
            (7u128, 3u128, 2u128),
            (6, 3, 2),
            (0, 5, 3),
            (u128::MAX, 3, 4),
            (1 << 100, 1 << 100, (1 << 100) + 1),
        ] {
            let (high, low) = wide_mul(a, b);
            let expected = if high == 0 {
                Some(low.div_ceil(d))
            } else {
                // a * b / d for these cases, by hand.
                None
            };
            if let Some(expected) = expected {
                assert_eq!(div_ceil_wide((high, low), d), Some(expected), "{a} {b} {d}");
            }
        }
        // 2^200 / (2^100 + 1) = 2^100 - 1 + 1 / (2^100 + 1): up to 2^100.
        let big = (1u128 << 100) + 1;
        assert_eq!(
            div_ceil_wide(wide_mul(1 << 100, 1 << 100), big),
            Some(1u128 << 100)
        );
        assert_eq!(
            div_ceil_wide(wide_mul(u128::MAX, 3), 4),
            Some(u128::MAX / 4 * 3 + 3)
        );
        assert_eq!(div_ceil_wide(wide_mul(u128::MAX, 3), 2), None);
    }

    #[test]
    fn scores_come_back_from_their_f64() {
        for text in ["", "[lead]\nscores = { experienced = 0.333333333 }"] {
            let exact = criteria(text).exact(MAX_MONTH_PLACES).unwrap();
            let units = exact.units();
            for e in many() {
                for u in units.units(&e) {
                    assert_eq!(units.recover(units.score(u)), u);
                }
            }
            for u in (0..1000).map(|k| units.common() * k / 999) {
                assert_eq!(units.recover(units.score(u)), u);
            }
        }
    }

    #[test]
    fn min_score_and_mins_become_the_least_whole_number_that_reaches_them() {
        let c = criteria("[selection]\nmin_score = 0.6\n[lead]\nmin = 0.8000000001");
        let exact = c.exact(0).unwrap();
        // top = 6300: 0.6 of it is 3780 exactly.
        assert!(exact.reaches_min_score(3780));
        assert!(!exact.reaches_min_score(3779));
        let units = exact.units();
        let e = Evidence {
            lead: Lead::Experienced,
            ..ideal()
        };
        assert!(!units.meets_mins(&units.units(&e)));
        assert!(units.meets_mins(&units.units(&ideal())));
    }

    fn inputs(c: &Criteria) -> Inputs<'_> {
        Inputs {
            weights: &c.weights.0,
            full: c.full,
            zero: c.zero,
            visibility: &c.visibility,
            tangibility: &c.tangibility,
            phase: &c.phase,
            remedial: c.remedial,
            bottom_line: &c.bottom_line,
            lead: &c.lead,
            motivation: &c.motivation,
            level: &c.level,
            min_score: c.min_score,
            mins: &c.mins.0,
        }
    }
}
