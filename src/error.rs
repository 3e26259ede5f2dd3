//! The one error type, and where in the input an error was found.

use std::fmt;

use serde::Serialize;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong reading criteria or a portfolio.
///
/// Every variant says where: which file part, which candidate or key, and the
/// line and column when the input had one (the row and column of a CSV
/// portfolio). The messages are lowercase and
/// name that place first, like a compiler's: `portfolio:4:14, candidate
/// "crm-rollout", key visibility: unknown variant ...`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not TOML of the expected shape: bad syntax, an unknown key
    /// or level, a missing field, a value of the wrong type.
    #[error("{at}: {message}")]
    Toml {
        /// Where the problem is.
        at: At,
        /// What is wrong, as TOML and serde put it.
        message: String,
    },
    /// The text is not CSV of the portfolio's shape: bad quoting, rows of
    /// different lengths, an unknown or repeated column, an unknown level,
    /// a missing field, a cell that is not of its column's type.
    #[error("{at}: {message}")]
    Csv {
        /// Where the problem is: the row and column, the candidate and the
        /// column's header as the key.
        at: At,
        /// What is wrong, as csv and serde put it.
        message: String,
    },
    /// A value has the right type but not an allowed value: a NaN, a
    /// negative weight, a score outside `[0, 1]`, a reversed window.
    #[error("{at}: {message}")]
    Invalid {
        /// Where the value is.
        at: At,
        /// What is wrong with it.
        message: String,
    },
    /// Two candidates share an id.
    #[error("{at}: duplicate candidate id{}", first_place(at, *first))]
    DuplicateId {
        /// Where the second use is (its candidate is the duplicated id).
        at: At,
        /// Where the first use is, when the portfolio came from a file: its
        /// line and column in a TOML file, or, when `at` has a
        /// [`cell`](At::cell), its row and column in a CSV table.
        first: Option<Location>,
    },
    /// A name that is not one of a closed set: a criterion or a level.
    #[error("unknown {what} `{found}`, expected one of {expected}")]
    UnknownName {
        /// Which set: `criterion`, `visibility level`, ...
        what: &'static str,
        /// The name given.
        found: String,
        /// The names allowed, quoted and comma-separated.
        expected: String,
    },
    /// The input is larger than [`Limits::max_bytes`](crate::Limits): it
    /// was not parsed.
    #[error("{part}: {}more than the limit of {limit} bytes", size.map(|n| format!("{n} bytes is ")).unwrap_or_default())]
    TooLarge {
        /// Which input.
        part: Part,
        /// Its size in bytes, when the caller knew it
        /// ([`Limits::check_size`](crate::Limits::check_size)); bytes given
        /// to read may be only the first `max_bytes + 1` of a larger file.
        size: Option<u64>,
        /// The limit it broke.
        limit: usize,
    },
    /// Parsing the input would take more memory than 16 times its size
    /// plus 64 MiB: it holds too many tokens, tables, keys or array
    /// elements for its size. It was not parsed.
    #[error("{part}: {size} bytes too dense to parse: about {} MiB of memory, more than the limit of {} MiB (16 times the size plus 64 MiB)", memory.div_ceil(1 << 20), limit >> 20)]
    TooDense {
        /// Which input.
        part: Part,
        /// Its size in bytes.
        size: usize,
        /// An upper bound of the memory parsing it would take, in bytes.
        memory: u64,
        /// The most it may take, in bytes.
        limit: u64,
    },
    /// The portfolio has more candidates than
    /// [`Limits::max_candidates`](crate::Limits).
    #[error("portfolio: {count} candidates is more than the limit of {limit}")]
    TooManyCandidates {
        /// How many it has.
        count: usize,
        /// The limit it broke.
        limit: usize,
    },
    /// The input is not UTF-8 text.
    #[error("{at}: {message}")]
    Encoding {
        /// Where the first byte that is not UTF-8 is.
        at: At,
        /// What is wrong.
        message: String,
    },
    /// The portfolio has no candidates to rank.
    #[error("portfolio: no candidates: add at least one [[candidate]] table")]
    NoCandidates,
    /// The constraints on the leaders cannot all hold for this portfolio:
    /// no set of candidates satisfies them together.
    #[error(
        "criteria: the constraints cannot all hold together: {}",
        Conflicting(constraints)
    )]
    Conflict {
        /// A minimal set of them: without any one, the others can hold.
        constraints: Vec<Constraint>,
    },
}

/// One constraint that a conflict names: where it is given, and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Constraint {
    /// Where the criteria file gives it: its key, line and column.
    pub at: At,
    /// Its value, as the file gives it (`1`, `"crm-rollout"`).
    pub value: String,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.at, self.value)
    }
}

/// Constraints in a message: "A; B; C".
struct Conflicting<'a>(&'a [Constraint]);

impl fmt::Display for Conflicting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, constraint) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}{constraint}")?;
        }
        Ok(())
    }
}

impl Error {
    /// The same error without its line and column: for text the caller
    /// never saw, such as a file rebuilt from another format.
    pub(crate) fn without_location(mut self) -> Self {
        match &mut self {
            Error::Toml { at, .. }
            | Error::Invalid { at, .. }
            | Error::Encoding { at, .. }
            | Error::DuplicateId { at, .. } => at.location = None,
            _ => {}
        }
        self
    }
}

/// Which input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Part {
    /// The criteria file: weights, scales, selection.
    Criteria,
    /// The portfolio file: the candidate projects.
    Portfolio,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Criteria => "criteria",
            Part::Portfolio => "portfolio",
        })
    }
}

/// A 1-based line and column (in characters) in a TOML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// " at LINE:COLUMN" in a TOML file, " at row ROW" in a CSV table, or
/// nothing.
fn first_place(at: &At, first: Option<Location>) -> String {
    match first {
        Some(first) if at.cell.is_some() => format!(", first used at row {}", first.line),
        Some(first) => format!(", first used at {first}"),
        None => String::new(),
    }
}

/// A 1-based row and column of a CSV table: row 1 is the header row.
///
/// `u32`, as spreadsheets count, to keep [`Error`] small: a table of more
/// rows would be over 8 GB, far past [`Limits`](crate::Limits); such a row
/// is shown as `u32::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Cell {
    /// The row, from 1 (the header row); a candidate's row is its number
    /// among the records plus 1, as a spreadsheet numbers it.
    pub row: u32,
    /// The column, from 1; `None` for the whole row.
    pub column: Option<u32>,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        Ok(())
    }
}

/// The longest text from the input that a message shows, in characters:
/// a quoted id, key or constraint, or a snippet toml quotes. Longer text is
/// cut there and marked `…`.
pub(crate) const SHOWN: usize = 40;

/// Text from the input, quoted: Debug quoting shows control, bidi and
/// other invisible characters instead of printing them, and a text longer
/// than [`SHOWN`] is cut short.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, cut) = match self.0.char_indices().nth(SHOWN) {
            Some((cut, _)) => (self.0.get(..cut).unwrap_or_default(), "…"),
            None => (self.0, ""),
        };
        f.write_str("\"")?;
        for c in shown.chars() {
            // Debug quoting shows control characters; invisible ones and
            // blanks that look like spaces are shown as escapes too.
            if crate::invisible::is_ignorable(c) || crate::invisible::is_other_blank(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                write!(f, "{}", c.escape_debug())?;
            }
        }
        write!(f, "\"{cut}")
    }
}

/// `text` quoted for a message, as [`Quoted`] shows it.
pub(crate) fn quote(text: &str) -> String {
    Quoted(text).to_string()
}

/// `c`, or its escape (`\n`) when it is a control character: one line per
/// message.
fn escape_control(c: char) -> impl Iterator<Item = char> {
    let (escaped, plain) = if c.is_control() {
        (Some(c.escape_default()), None)
    } else {
        (None, Some(c))
    };
    escaped.into_iter().flatten().chain(plain)
}

/// `message` on one line, with every quoted snippet (between `"` or `` ` ``)
/// longer than [`SHOWN`] characters cut short: toml quotes the input, and
/// the input may be a megabyte of one string, or hold line breaks.
pub(crate) fn clip_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4 * SHOWN));
    let mut quote: Option<(char, usize)> = None;
    for c in message.chars().flat_map(escape_control) {
        match quote {
            Some((open, _)) if c == open => {
                quote = None;
                out.push(c);
            }
            Some((open, n)) => {
                if n < SHOWN {
                    out.push(c);
                } else if n == SHOWN {
                    out.push('…');
                }
                quote = Some((open, n + 1));
            }
            None => {
                if c == '"' || c == '`' {
                    quote = Some((c, 0));
                }
                out.push(c);
            }
        }
    }
    out
}

/// Which candidate an error is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CandidateRef {
    /// The candidate with this id.
    Id(String),
    /// The candidate at this 1-based position, when it has no usable id.
    Position(usize),
}

impl fmt::Display for CandidateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandidateRef::Id(id) => write!(f, "candidate {}", Quoted(id)),
            CandidateRef::Position(n) => write!(f, "candidate #{n}"),
        }
    }
}

/// Where in the input an error was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct At {
    /// The file part.
    pub part: Part,
    /// The line and column, when the input was text and the place is known.
    pub location: Option<Location>,
    /// The row and column, when the input was a CSV table.
    pub cell: Option<Cell>,
    /// The candidate, in a portfolio.
    pub candidate: Option<CandidateRef>,
    /// The key, dotted from the section (`duration.full`) in criteria, or the
    /// field of the candidate (`visibility`) in a portfolio.
    pub key: Option<String>,
}

impl At {
    /// A place in `part` with nothing more known.
    #[must_use]
    pub fn part(part: Part) -> Self {
        At {
            part,
            location: None,
            cell: None,
            candidate: None,
            key: None,
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.part)?;
        if let Some(location) = self.location {
            write!(f, ":{location}")?;
        }
        if let Some(cell) = self.cell {
            write!(f, ", {cell}")?;
        }
        if let Some(candidate) = &self.candidate {
            write!(f, ", {candidate}")?;
        }
        if let Some(key) = &self.key {
            let bare = key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if bare && key.len() <= SHOWN {
                write!(f, ", key {key}")?;
            } else {
                write!(f, ", key {}", Quoted(key))?;
            }
        }
        Ok(())
    }
}
