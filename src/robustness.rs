//! The `[robustness]` settings: how many weight vectors
//! [`Criteria::acceptability`](crate::Criteria::acceptability) draws, and
//! how, under which order of the weights.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::Serializer;

use crate::criterion::{Criterion, Sampling};
use crate::error::{At, Error, Part, Result, quote};

/// The most weight vectors one analysis may draw.
pub(crate) const MAX_SAMPLES: u64 = 10_000_000;

/// The most ranks [`Criteria::acceptability`] counts one by one.
///
/// [`Criteria::acceptability`]: crate::Criteria::acceptability
pub(crate) const MAX_RANKS: usize = 100;

/// How many leading ranks [`Criteria::acceptability`] counts one by one for
/// each candidate: `robustness.ranks` in the criteria file, a whole number
/// from 1 to 100 or `"all"`.
///
/// The shipped criteria count the first 10: how often each candidate
/// ranks 1st, 2nd, ... 10th, enough for a person choosing a few leaders to
/// see who is sure and who nearly makes it; the samples below are counted
/// together as [`Acceptance::lower`]. Counting fewer ranks is faster: each
/// sample then looks for its best few candidates rather than sorting
/// them all. Whether a candidate leads, and the weights under which it
/// does, are counted exactly whatever `ranks` says.
///
/// [`Criteria::acceptability`]: crate::Criteria::acceptability
/// [`Acceptance::lower`]: crate::Acceptance::lower
///
/// ```
/// use spearhead::{Criteria, Ranks};
///
/// let criteria = Criteria::default();
/// assert_eq!(criteria.robustness().ranks(), Ranks::First(10));
/// let all = criteria.with_ranks(Ranks::All)?;
/// assert_eq!(all.robustness().ranks(), Ranks::All);
/// assert_eq!(Ranks::All.to_string(), "all");
/// assert!(Criteria::default().with_ranks(Ranks::First(0)).is_err());
/// # Ok::<(), spearhead::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum Ranks {
    /// The first this many ranks, 1 to 100: `ranks = 10` in the file.
    First(usize),
    /// Every rank, or the first 100 of a larger portfolio: `ranks = "all"`
    /// in the file.
    All,
}

impl Ranks {
    /// How many ranks are counted for `n` candidates: at most `n` and 100.
    pub(crate) fn width(self, n: usize) -> usize {
        match self {
            Ranks::First(k) => k.min(n).min(MAX_RANKS),
            Ranks::All => n.min(MAX_RANKS),
        }
    }
}

impl fmt::Display for Ranks {
    /// As the criteria file says it: `10`, or `all`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ranks::First(k) => write!(f, "{k}"),
            Ranks::All => f.write_str("all"),
        }
    }
}

impl Serialize for Ranks {
    /// As the criteria file says it: the number `10`, or the string
    /// `"all"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ranks::First(k) => serializer.serialize_u64(u64::try_from(*k).unwrap_or(u64::MAX)),
            Ranks::All => serializer.serialize_str("all"),
        }
    }
}

/// Reads `robustness.ranks`, given as `value`; the error says what is
/// wrong with it.
pub(crate) fn parse_ranks(value: RanksValue<'_>) -> Result<Ranks, String> {
    match value {
        RanksValue::Number(n) => usize::try_from(n)
            .ok()
            .filter(|k| (1..=MAX_RANKS).contains(k))
            .map(Ranks::First)
            .ok_or_else(|| not_ranks(n)),
        RanksValue::Word("all") => Ok(Ranks::All),
        RanksValue::Word(word) => Err(not_ranks(quote(word))),
    }
}

/// Why `shown` is no `robustness.ranks`.
pub(crate) fn not_ranks(shown: impl fmt::Display) -> String {
    format!("must be a whole number from 1 to {MAX_RANKS} or \"all\", not {shown}")
}

/// `robustness.ranks` as the file gives it.
#[derive(Clone, Copy)]
pub(crate) enum RanksValue<'a> {
    Number(i64),
    Word(&'a str),
}

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

impl<'de> serde::Deserialize<'de> for WeightOrder {
    /// As written in the criteria file: `"sponsorship >= visibility"`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
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

/// How [`crate::Criteria::acceptability`] draws weights: the `[robustness]`
/// section of the criteria file.
///
/// Every value that exists is valid: `samples` in 1 to 10 000 000, `spread`
/// in `[0, 1]`, `ranks` 1 to 100 or all, and with `Sampling::Around`, an
/// order the spread can obey in at least 1 draw in 1000.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub(crate) samples: u64,
    pub(crate) seed: u64,
    pub(crate) sampling: Sampling,
    pub(crate) spread: f64,
    pub(crate) order: Vec<WeightOrder>,
    pub(crate) ranks: Ranks,
}

impl Robustness {
    /// Where the shipped file starts from, like the rest of the criteria.
    pub(crate) const BLANK: Robustness = Robustness {
        samples: 1,
        seed: 0,
        sampling: Sampling::Simplex,
        spread: 0.0,
        order: Vec::new(),
        ranks: Ranks::All,
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

    /// How many leading ranks each candidate's rank distribution counts.
    #[must_use]
    pub fn ranks(&self) -> Ranks {
        self.ranks
    }
}
