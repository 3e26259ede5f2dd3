//! Portfolios from CSV: a header row of the portfolio file's keys, then
//! one row per candidate.
//!
//! A plain row (`csv_row.rs`) goes straight into a candidate; any other is
//! read by a serde deserializer of its own over the cells, into the same
//! raw candidate as the TOML file, and checked by the same conversion
//! ([`RawCandidate::check`]), which gives the error. A large table without
//! quotes is read in two parts on two threads ([`in_two`]). A cell reads as whatever type its
//! field asks for: a number, a bool (`true`/`false`, or `TRUE`/`FALSE` as
//! spreadsheets write them), a level, or a list of items separated by `;`.
//! An empty cell is a key not given. The spans the conversion sees are
//! cells: row `r` (from 0) and column `c` of `n` columns are the span
//! starting at `r * n + c`, so an error finds its row and column again.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, UsizeDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Unexpected, Visitor};

use super::Key;
use super::csv_row;
use super::portfolio::{RawCandidate, Spans};
use crate::candidate::{Candidate, FirstUse, Portfolio, first_duplicate};
use crate::error::{At, CandidateRef, Cell as Place, Error, Location, Part, Result, clip_quotes};
use crate::limits::Limits;

impl Portfolio {
    /// Reads a portfolio from CSV: a header row whose names are the
    /// portfolio file's keys (`id`, `name`, `duration_months`, ...), in any
    /// order, then one row per candidate. An empty cell is a key not given;
    /// a list cell holds its items separated by `;`.
    ///
    /// ```
    /// use spearhead::Portfolio;
    ///
    /// let portfolio = Portfolio::from_csv(
    ///     "id,duration_months,visibility,change,phase,bottom_line,lead,sponsor_level,sponsor_motivation,remedial\n\
    ///      crm-rollout,15,high,technology,design,direct,credible,managing_director,strong,\n",
    /// )?;
    /// assert_eq!(portfolio.candidates()[0].name, "crm-rollout");
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] for text that is not CSV of the portfolio's shape (bad
    /// quoting, rows of different lengths, an unknown or repeated column,
    /// unknown levels, missing fields, wrong types); [`Error::Invalid`] and
    /// [`Error::DuplicateId`] as for [`Portfolio::from_toml`]; and
    /// [`Error::Csv`] again for a table without rows. Each names the row,
    /// the column, the candidate and the column's header. Inputs beyond
    /// [`Limits::default`] are refused.
    pub fn from_csv(text: &str) -> Result<Self> {
        Limits::default().read_portfolio_csv(text.as_bytes())
    }
}

impl Limits {
    /// Reads a portfolio from CSV `bytes` within these limits.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`], [`Error::Encoding`] for bytes that are not
    /// UTF-8, [`Error::TooManyCandidates`], and every error of
    /// [`Portfolio::from_csv`].
    pub fn read_portfolio_csv(&self, bytes: &[u8]) -> Result<Portfolio> {
        let text = super::text(Part::Portfolio, bytes, self)?;
        // Spreadsheets start UTF-8 files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        read(text, self.max_candidates)
    }
}

/// The place of a cell (`column` from 0), or of a whole row (`row` from 1).
fn cell(row: usize, column: Option<usize>) -> At {
    let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    At {
        cell: Some(Place {
            row: small(row),
            column: column.map(|c| small(c.saturating_add(1))),
        }),
        ..At::part(Part::Portfolio)
    }
}

/// What the csv crate says is wrong, at its row.
fn csv_error(e: &::csv::Error) -> Error {
    let row = e.position().map_or(1, |p| {
        usize::try_from(p.record())
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    });
    let message = match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} cells, but the header row has {expected_len}")
        }
        _ => clip_quotes(&e.to_string()),
    };
    Error::Csv {
        at: cell(row, None),
        message,
    }
}

fn read(text: &str, max_candidates: usize) -> Result<Portfolio> {
    let bytes = text.as_bytes();
    // Without quotes and carriage returns every line is a row, so any line
    // break ends one: a large table can be read in two parts at once.
    if text.len() >= IN_TWO_FROM
        && memchr::memchr2(b'"', b'\r', bytes).is_none()
        && let Some(split) = memchr::memchr(b'\n', bytes.get(text.len() / 2..).unwrap_or_default())
        && let Some(portfolio) = in_two(text, text.len() / 2 + split + 1, max_candidates)
    {
        return Ok(portfolio);
    }
    read_rows(text, max_candidates, true)
}

/// The size from which a table is read on two threads: 16 MiB, about
/// 200,000 rows of the generated table.
const IN_TWO_FROM: usize = 16 << 20;

/// The portfolio of the table `text`, its rows before byte `split` (where
/// a line starts) read on this thread and the rest on another, when every
/// row is plain (see `csv_row.rs`), none repeats an id and there are
/// between 1 and `max_candidates`: the portfolio reading it whole gives.
/// `None` otherwise: reading it whole gives the error. `text` holds no `"`
/// or `\r`, so its lines are its rows.
fn in_two(text: &str, split: usize, max_candidates: usize) -> Option<Portfolio> {
    let header_end = memchr::memchr(b'\n', text.as_bytes())?;
    let headers: Vec<&str> = text.get(..header_end)?.split(',').collect();
    let known = fields::<RawCandidate>();
    let unique = (headers.iter().enumerate()).all(|(i, h)| {
        known.contains(h) && !headers.get(..i).is_some_and(|before| before.contains(h))
    });
    if !unique {
        return None;
    }
    let columns: Vec<Option<Key>> = headers.iter().map(|h| Key::from_name(h)).collect();
    let head = text.get(header_end + 1..split)?;
    let tail = text.get(split..)?;
    // A slot for each line (an empty line is no row, and leaves its slot
    // empty), or for each candidate the bytes can hold.
    let lines = |part: &str| {
        let breaks = memchr::memchr_iter(b'\n', part.as_bytes()).count();
        breaks.min(part.len() / MIN_ROW_BYTES) + 1
    };
    let mut slots: Vec<Option<Candidate>> = std::iter::repeat_with(|| None)
        .take((lines(head) + lines(tail)).min(max_candidates.saturating_add(1)))
        .collect();
    let in_head = lines(head).min(slots.len());
    let (head_slots, tail_slots) = slots.split_at_mut_checked(in_head)?;
    let columns = &columns;
    let (head, tail) = super::in_parallel(
        || plain_rows(head, columns, head_slots),
        move || plain_rows(tail, columns, tail_slots),
    );
    let count = head? + tail.flatten()?;
    if count == 0 || count > max_candidates {
        return None;
    }
    // The filled slots, in place: `flatten` would collect them into a new
    // vector, holding the candidates twice at the peak.
    #[allow(
        clippy::filter_map_identity,
        reason = "filter_map collects in place, flatten does not"
    )]
    let candidates: Vec<Candidate> = slots.into_iter().filter_map(|slot| slot).collect();
    let portfolio = Portfolio::indexed(candidates);
    (!portfolio.id_order().has_repeats(portfolio.candidates())).then_some(portfolio)
}

/// Reads the rows of `part`, under `columns`, into `slots`: how many there
/// are, or `None` for a row that is not plain or not as long as the header
/// row, or that finds no slot.
fn plain_rows(
    part: &str,
    columns: &[Option<Key>],
    slots: &mut [Option<Candidate>],
) -> Option<usize> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(part.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut slots = slots.iter_mut();
    let mut count = 0;
    while reader.read_record(&mut record).ok()? {
        if record.len() != columns.len() {
            return None;
        }
        *slots.next()? = Some(csv_row::candidate(columns, record.iter())?);
        count += 1;
    }
    Some(count)
}

/// Reads the table `text`; the plain rows straight into candidates when
/// `plain` (see `csv_row.rs`), else every row through serde.
fn read_rows(text: &str, max_candidates: usize, plain: bool) -> Result<Portfolio> {
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let headers: Vec<&str> = headers.iter().collect();
    let known = fields::<RawCandidate>();
    if let Some((column, header)) = headers.iter().enumerate().find(|(_, h)| !known.contains(h)) {
        let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        return Err(Error::Csv {
            at: At {
                key: Some((*header).to_owned()),
                ..cell(1, Some(column))
            },
            message: clip_quotes(&format!(
                "unknown column `{header}`, expected one of {}",
                expected.join(", ")
            )),
        });
    }
    // Every header is known by now, so a repeat comes within the first
    // few columns: no quadratic search of a hostile header row.
    for (column, header) in headers.iter().enumerate() {
        if headers
            .get(..column)
            .is_some_and(|before| before.contains(header))
        {
            return Err(Error::Csv {
                at: At {
                    key: Some((*header).to_owned()),
                    ..cell(1, Some(column))
                },
                message: "this column is given twice".to_owned(),
            });
        }
    }
    let spans = Cells {
        columns: headers.len().max(1),
        headers: &headers,
    };
    let mut candidates: Vec<Candidate> =
        Vec::with_capacity(rows_at_most(text, headers.len()).min(max_candidates));
    let read = rows(&mut reader, &spans, max_candidates, plain, &mut candidates);
    if read.is_ok() && !candidates.is_empty() {
        // The candidates in id order show whether an id repeats; only then
        // is the first repeat in row order looked for.
        let portfolio = Portfolio::indexed(candidates);
        if portfolio.id_order().has_repeats(portfolio.candidates())
            && let Some(repeated) = repeated(portfolio.candidates(), &spans)
        {
            return Err(repeated);
        }
        return Ok(portfolio);
    }
    // A repeated id among the candidates read comes before any error in a
    // later row, as it would had each id been looked up as it was read.
    if let Some(repeated) = repeated(&candidates, &spans) {
        return Err(repeated);
    }
    read?;
    if candidates.is_empty() {
        return Err(Error::Csv {
            at: cell(1, None),
            message: "no candidates: add a row per candidate under the header row".to_owned(),
        });
    }
    Ok(Portfolio::indexed(candidates))
}

/// About how many candidates the table `text` of `columns` columns holds:
/// room for them all made at once keeps the vector of candidates from
/// growing to twice what it holds. A row holds a separator or line break
/// per column, and ends with a line break but the last (`\r` alone ends a
/// row too, which only makes the room too small); and a row that is a
/// candidate holds at least [`MIN_ROW_BYTES`], so that a table of empty
/// lines makes no room beyond a few times its size.
fn rows_at_most(text: &str, columns: usize) -> usize {
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    breaks
        .min(text.len() / columns.max(1))
        .min(text.len() / MIN_ROW_BYTES)
        + 1
}

/// The fewest bytes of a row that is a candidate: an id and months of a
/// byte each, seven levels of at least three (`low`), eight separators and
/// a line break.
const MIN_ROW_BYTES: usize = 32;

/// Reads the rows of `reader` into `candidates`, each checked but for its
/// id being new, which [`repeated`] checks for all at once.
fn rows(
    reader: &mut ::csv::Reader<&[u8]>,
    spans: &Cells<'_>,
    max_candidates: usize,
    plain: bool,
    candidates: &mut Vec<Candidate>,
) -> Result<()> {
    let headers = spans.headers;
    let columns: Vec<Option<Key>> = headers.iter().map(|h| Key::from_name(h)).collect();
    let mut first_use = FirstUse::afterwards();
    let mut record = ::csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(&e))? {
        let i = candidates.len();
        if i >= max_candidates {
            return Err(Error::TooManyCandidates {
                count: i + 1 + reader.records().count(),
                limit: max_candidates,
            });
        }
        // Most rows are plain; any other is read through serde, which
        // gives the error if there is one.
        if let Some(candidate) = csv_row::candidate(&columns, record.iter()).filter(|_| plain) {
            candidates.push(candidate);
            continue;
        }
        let mut row = Row::new(headers, record.iter(), i * spans.columns);
        let raw = RawCandidate::deserialize(&mut row).map_err(|e| {
            let id = headers
                .iter()
                .position(|h| *h == "id")
                .and_then(|c| record.get(c))
                .filter(|id| !id.is_empty());
            // A missing field's column, when the table has one: its cell
            // was empty.
            let column = e
                .column
                .or_else(|| e.missing.and_then(|f| headers.iter().position(|h| *h == f)));
            let key = column
                .and_then(|c| headers.get(c).copied())
                .or(e.missing)
                .map(str::to_owned);
            Error::Csv {
                at: At {
                    candidate: Some(id.map_or(CandidateRef::Position(i + 1), |id| {
                        CandidateRef::Id(id.to_owned())
                    })),
                    key,
                    ..cell(i + 2, column)
                },
                message: clip_quotes(&e.message),
            }
        })?;
        candidates.push(raw.check(i, spans, &mut first_use)?);
    }
    Ok(())
}

/// The error for the first of `candidates` whose id an earlier one has,
/// placed in its `id` cell and naming the cell of the first.
fn repeated(candidates: &[Candidate], spans: &Cells<'_>) -> Option<Error> {
    let (again, first) = first_duplicate(candidates.iter().map(|c| c.id.as_str()))?;
    let column = spans.headers.iter().position(|h| *h == "id")?;
    let cell = |row: usize| {
        let start = row * spans.columns + column;
        start..start + 1
    };
    let candidate = candidates.get(again)?;
    Some(Error::DuplicateId {
        at: At {
            candidate: Some(CandidateRef::Id(candidate.id.clone())),
            key: Some("id".to_owned()),
            ..spans.at(cell(again))
        },
        first: Some(spans.first_use(cell(first))),
    })
}

/// The names of `T`'s fields, as its `Deserialize` gives them to
/// `deserialize_struct`: the columns a table of `T` may have, spelled only
/// where `T` is.
fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    /// A deserializer that only notes the fields it is asked for.
    struct Probe(&'static [&'static str]);

    impl<'de> de::Deserializer<'de> for &mut Probe {
        type Error = CellError;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, CellError> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, CellError> {
            self.0 = fields;
            Err(de::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut probe = Probe(&[]);
    let _ = T::deserialize(&mut probe);
    probe.0
}

/// The spans of a CSV table's cells: `row * columns + column`.
struct Cells<'a> {
    columns: usize,
    headers: &'a [&'a str],
}

impl Cells<'_> {
    /// The row (from 0, the first candidate's) and column of `span`.
    fn cell(&self, span: &Range<usize>) -> (usize, usize) {
        (span.start / self.columns, span.start % self.columns)
    }
}

impl Spans for Cells<'_> {
    fn at(&self, span: Range<usize>) -> At {
        let (row, column) = self.cell(&span);
        At {
            key: self.headers.get(column).map(|h| (*h).to_owned()),
            ..cell(row + 2, Some(column))
        }
    }

    fn first_use(&self, span: Range<usize>) -> Location {
        let (row, column) = self.cell(&span);
        Location {
            line: row + 2,
            column: column + 1,
        }
    }
}

/// What went wrong reading a cell, and in which column (0-based).
#[derive(Debug)]
struct CellError {
    message: String,
    column: Option<usize>,
    /// The field, when it is missing from the row.
    missing: Option<&'static str>,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CellError {}

impl de::Error for CellError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        CellError {
            message: message.to_string(),
            column: None,
            missing: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        CellError {
            missing: Some(field),
            ..de::Error::custom(format_args!("missing field `{field}`"))
        }
    }
}

/// One row: `(column, header, cell)` for every non-empty cell.
struct Row<'a> {
    cells: Vec<(usize, &'a str, &'a str)>,
    /// The span of the row's first cell.
    start: usize,
    next: usize,
    /// The column of the key being read; `None` past the last, where a
    /// missing key is found.
    at: Option<usize>,
}

impl<'a> Row<'a> {
    /// The row whose first cell has the span `start`.
    fn new(headers: &'a [&'a str], cells: impl Iterator<Item = &'a str>, start: usize) -> Self {
        Row {
            cells: headers
                .iter()
                .zip(cells)
                .enumerate()
                .filter(|(_, (_, cell))| !cell.is_empty())
                .map(|(i, (header, cell))| (i, *header, cell))
                .collect(),
            start,
            next: 0,
            at: None,
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Row<'de> {
    type Error = CellError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        let result = visitor.visit_map(&mut *self);
        result.map_err(|mut e| {
            e.column = e.column.or(self.at);
            e
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Row<'de> {
    type Error = CellError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        let Some(&(column, header, _)) = self.cells.get(self.next) else {
            self.at = None;
            return Ok(None);
        };
        self.next += 1;
        self.at = Some(column);
        seed.deserialize(BorrowedStrDeserializer::new(header))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, CellError> {
        let &(column, _, cell) = self
            .next
            .checked_sub(1)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| de::Error::custom("a value before its key"))?;
        seed.deserialize(Cell {
            text: cell,
            span: self.start + column,
        })
    }
}

/// The serde name of `toml::Spanned`: a cell read as one gets the span
/// `span..span + 1`, so the checked conversion can say which cell.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_FIELDS: [&str; 3] = [
    "$__serde_spanned_private_start",
    "$__serde_spanned_private_end",
    "$__serde_spanned_private_value",
];

/// One non-empty cell.
#[derive(Clone, Copy)]
struct Cell<'a> {
    text: &'a str,
    /// The cell's span: `row * columns + column`.
    span: usize,
}

impl Cell<'_> {
    fn invalid(self, expected: &dyn de::Expected) -> CellError {
        de::Error::invalid_value(Unexpected::Str(self.text), expected)
    }
}

macro_rules! parsed {
    ($($method:ident $visit:ident $t:ty,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
            match self.text.parse::<$t>() {
                Ok(x) => visitor.$visit(x),
                Err(_) => Err(self.invalid(&visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Cell<'de> {
    type Error = CellError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_borrowed_str(self.text)
    }

    parsed! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match csv_row::boolean(self.text) {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        // An empty cell is a key not given: this cell is not empty.
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_enum(BorrowedStrDeserializer::new(self.text))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_seq(List {
            items: self.text.split(';').map(str::trim),
            span: self.span,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        if name == SPANNED && fields == SPANNED_FIELDS {
            visitor.visit_map(Spanned {
                cell: self,
                next: 0,
            })
        } else {
            self.deserialize_any(visitor)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct map identifier ignored_any
    }
}

/// A `;`-separated list in one cell, each item trimmed of the spaces
/// around it. An empty item stays, for the checks to refuse as they refuse
/// an empty string in the TOML file.
struct List<'a, I: Iterator<Item = &'a str>> {
    items: I,
    span: usize,
}

impl<'de, I: Iterator<Item = &'de str>> SeqAccess<'de> for List<'de, I> {
    type Error = CellError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, CellError> {
        self.items
            .next()
            .map(|text| {
                seed.deserialize(Cell {
                    text,
                    span: self.span,
                })
            })
            .transpose()
    }
}

/// A cell as `toml::Spanned`, with the cell's span.
struct Spanned<'a> {
    cell: Cell<'a>,
    next: usize,
}

impl<'de> MapAccess<'de> for Spanned<'de> {
    type Error = CellError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        let Some(field) = SPANNED_FIELDS.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(BorrowedStrDeserializer::new(field))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, CellError> {
        match self.next {
            1 => seed.deserialize(UsizeDeserializer::new(self.cell.span)),
            2 => seed.deserialize(UsizeDeserializer::new(self.cell.span + 1)),
            _ => seed.deserialize(self.cell),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{in_two, read_rows};

    /// A cell of column `header`: mostly a value the plain rows take, some
    /// of every kind they leave to serde or to the checks.
    fn cell(header: &'static str) -> BoxedStrategy<String> {
        let (good, bad): (&'static [&'static str], &'static [&'static str]) = match header {
            "id" => (
                &["c1", "c2", "c3", "\u{e9}", "a b"],
                &["", " ", "a\u{200b}b", "e\u{301}", "\u{a0}", "\"q,\""],
            ),
            "name" | "unit" | "sponsor" => {
                (&["N", "\u{e9}t\u{e9}", ""], &[" ", "a\tb", "x\u{202e}"])
            }
            "duration_months" => (
                &["15", "7.5", "1e1", "0.125"],
                &["", "0", "-1", "nan", "inf", "1e400", "0.1234567", "x", " 3"],
            ),
            "remedial" => (&["true", "FALSE", "True", ""], &["yes", "1", "tRUE"]),
            "visibility" => (&["high", "low"], &["hgh", "", "High"]),
            "change" => (&["process", "cultural"], &["Process"]),
            "phase" => (&["design"], &["DESIGN", ""]),
            "bottom_line" => (&["direct"], &["direct "]),
            "lead" => (&["credible"], &["lead"]),
            "sponsor_level" => (&["manager"], &["boss"]),
            "sponsor_motivation" => (&["strong"], &["Strong"]),
            "tags" => (&[""], &["a;b", "a;a", "a;"]),
            _ => (&[""], &["3", "-1"]),
        };
        prop_oneof![
            30 => prop::sample::select(good).prop_map(str::to_owned),
            1 => prop::sample::select(bad).prop_map(str::to_owned),
            1 => "[ -~]{0,4}",
        ]
        .boxed()
    }

    #[test]
    fn a_plain_table_is_read_in_two() {
        let mut text = HEADERS.join(",") + "\n";
        for i in 0..10 {
            let months = i + 1;
            text += &["c", &i.to_string(), ",N,U,", &months.to_string()].concat();
            text += ",high,process,design,,direct,credible,manager,strong\n";
        }
        for split in text.match_indices('\n').map(|(i, _)| i + 1) {
            let two = in_two(&text, split, 10);
            assert!(two.is_some(), "{split}");
            assert_eq!(Ok(two.unwrap()), read_rows(&text, 10, true));
            // One too many, a repeated id, a row that is not plain: read whole.
            assert!(in_two(&text, split, 9).is_none());
            assert!(in_two(&text.replace("c3,", "c4,"), split, 10).is_none());
            assert!(in_two(&text.replace(",high,", ",hgh,"), split, 10).is_none());
        }
    }

    const HEADERS: [&str; 12] = [
        "id",
        "name",
        "unit",
        "duration_months",
        "visibility",
        "change",
        "phase",
        "remedial",
        "bottom_line",
        "lead",
        "sponsor_level",
        "sponsor_motivation",
    ];

    /// A table of the portfolio's columns, sometimes with a column of the
    /// pull, its rows of such cells.
    fn table() -> impl Strategy<Value = String> {
        let pull = prop::sample::select(vec![None, Some("tags"), Some("trainees")]);
        (pull, 0..8_usize).prop_flat_map(|(pull, rows)| {
            let mut headers: Vec<&'static str> = HEADERS.to_vec();
            headers.extend(pull);
            let row: Vec<BoxedStrategy<String>> = headers.iter().map(|h| cell(h)).collect();
            prop::collection::vec(row, rows).prop_map(move |rows| {
                let mut text = headers.join(",") + "\n";
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| {
                            if c.contains([',', '"', '\n']) {
                                format!("\"{}\"", c.replace('"', "\"\""))
                            } else {
                                c.clone()
                            }
                        })
                        .collect();
                    text += &(cells.join(",") + "\n");
                }
                text
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// A table read in two parts on two threads, split at any line,
        /// gives what reading it whole gives, when it gives anything.
        #[test]
        fn a_table_read_in_two_reads_as_read_whole(
            text in table(),
            max in 1..10_usize,
            at in any::<prop::sample::Index>(),
        ) {
            let text = text.replace('"', "");
            let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
            let split = breaks[at.index(breaks.len())];
            if let Some(two) = in_two(&text, split, max) {
                prop_assert_eq!(Ok(two), read_rows(&text, max, true), "{}", text);
            }
        }

        /// Plain rows read straight give what serde gives for every row:
        /// the same portfolio, or the same error.
        #[test]
        fn plain_rows_read_as_serde_reads_them(text in table(), max in 1..10_usize) {
            prop_assert_eq!(
                read_rows(&text, max, true),
                read_rows(&text, max, false),
                "{}",
                text
            );
        }
    }
}
