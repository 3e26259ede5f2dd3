//! How much input is read at all: checked before parsing. Plain data; the
//! reading (`read/`) gives `Limits` its `read_portfolio` and `read_criteria` methods.

use serde::{Deserialize, Serialize};

/// Bounds on the input a file may bring, so that hostile input costs little.
///
/// [`crate::Portfolio::from_toml`] and [`crate::Criteria::from_toml`] use
/// [`Limits::default`]; a caller that reads larger files, or wants tighter
/// bounds, reads through its own `Limits`:
///
/// ```
/// use spearhead::{Limits, Part};
///
/// let limits = Limits::default().with_max_bytes(1 << 10);
/// // A caller may read only the first `max_bytes + 1` bytes of a file...
/// let error = limits.read_portfolio(&[b' '; 1025]).unwrap_err();
/// assert_eq!(error.to_string(), "portfolio: more than the limit of 1024 bytes");
/// // ...and, knowing the file's size, check it before reading any.
/// let error = limits.check_size(Part::Portfolio, 2000).unwrap_err();
/// assert_eq!(error.to_string(), "portfolio: 2000 bytes is more than the limit of 1024 bytes");
/// ```
///
/// Memory is bounded too: before parsing, one pass over the text counts the
/// tokens, tables, keys and array elements parsing would make, and refuses
/// ([`Error::TooDense`](crate::Error::TooDense)) a file that would take more
/// than 16 times its size plus 64 MiB to parse. The same pass counts the
/// `[[candidate]]` headers: a portfolio with too many is refused unparsed,
/// and the others are parsed a section at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// The most bytes a file may have; checked before anything is parsed.
    /// Default 256 MiB: the generated file of a million candidates is 231 MB.
    pub max_bytes: usize,
    /// The most candidates a portfolio file may have; the pre-scan counts
    /// the `[[candidate]]` headers (a CSV table, its rows) before any
    /// candidate is read. Default 1 000 000.
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
            max_bytes: 256 << 20,
            max_candidates: 1_000_000,
        }
    }
}
