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
