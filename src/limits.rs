//! How much input is read at all: checked before parsing. Plain data; the
//! reading (`read/`) gives `Limits` its `read_portfolio` and `read_criteria` methods.

use serde::{Deserialize, Serialize};

/// Bounds on the input a file may bring, so that hostile input costs little.
///
/// [`Portfolio::from_toml`] and [`Criteria::from_toml`] use
/// [`Limits::default`]; a caller that reads larger files, or wants tighter
/// bounds, reads through its own `Limits`:
///
/// ```
/// use spearhead::Limits;
///
/// let limits = Limits::default().with_max_bytes(1 << 10);
/// let error = limits.read_portfolio(&[b' '; 2000]).unwrap_err();
/// assert_eq!(error.to_string(), "portfolio: 2000 bytes is more than the limit of 1024 bytes");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// The most bytes a file may have; checked before anything is parsed.
    /// Default 32 MiB.
    pub max_bytes: usize,
    /// The most candidates a portfolio file may have; checked after the
    /// TOML syntax is read and before any candidate is. Default 100 000.
    pub max_candidates: usize,
}

impl Limits {
    /// These limits with at most `max_bytes` bytes a file.
    #[must_use]
    pub const fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// These limits with at most `max_candidates` candidates a portfolio.
    #[must_use]
    pub const fn with_max_candidates(mut self, max_candidates: usize) -> Self {
        self.max_candidates = max_candidates;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 << 20,
            max_candidates: 100_000,
        }
    }
}
