//! A cheap count of what parsing a TOML text would cost, before it is
//! parsed.
//!
//! toml's parser keeps every token of the text (whitespace, punctuation,
//! each key and value) and an event for each, then builds a tree with a
//! node for every table, key and array element: tens of bytes of memory per
//! byte of `x = [1,1,1,…]`. One linear pass over the bytes, aware of strings
//! and comments, counts the tokens and nodes parsing would make, and a text
//! whose estimate passes [`memory_limit`] is refused before it is parsed.
//! The pass is not a parser: on odd input it may count too many (a `.` in a
//! float counts as a node), never too few. A portfolio is read a
//! `[[candidate]]` section at a time ([`sections`]), which takes far less.

use std::ops::Range;

use crate::error::{Error, Part, Result};
use crate::limits::Limits;

/// The memory a text may cost beyond [`BYTES_PER_BYTE`] times its size.
const BASE_MEMORY: u64 = 64 << 20;

/// The memory a text may cost per byte of it, beyond [`BASE_MEMORY`].
const BYTES_PER_BYTE: u64 = 16;

/// toml's lexer makes room for this many tokens per byte of text at first,
/// and doubles the room as it needs.
const TOKENS_PER_BYTE: (usize, usize) = (2, 7);

/// The bytes of one token, and of the event the parser makes of it.
const TOKEN_BYTES: u64 = 24;
const EVENT_BYTES: u64 = 30;

/// The bytes of a table that holds a key: a tree node of eleven entries.
const TABLE_BYTES: u64 = 1200;

/// The bytes of one key in a table, as the table's nodes fill and split.
const KEY_BYTES: u64 = 180;

/// The bytes of one array element, with the array's growth.
const ELEMENT_BYTES: u64 = 200;

/// What [`scan`] counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Counts {
    /// The text's size in bytes.
    pub(crate) len: usize,
    /// Tokens as toml's lexer cuts them: each punctuation mark and line
    /// break, each run of spaces, each bare word, string and comment.
    pub(crate) tokens: u64,
    /// Tables that hold at least one key (an empty one costs nothing), and
    /// the root.
    pub(crate) tables: u64,
    /// Every `=` and `[table]` header: a key in a table.
    pub(crate) keys: u64,
    /// Every `,`, `[` and `{` outside strings, comments and headers: at
    /// least one per array element and inline value.
    pub(crate) elements: u64,
    /// `[[candidate]]` headers.
    pub(crate) candidates: usize,
    /// Where the line of each `[[candidate]]` header starts.
    pub(crate) starts: Vec<usize>,
    /// The most memory parsing one section would take: the text before the
    /// first `[[candidate]]` header, or one header's section (see
    /// [`sections`]), each as a document of its own.
    pub(crate) largest_section: u64,
}

impl Counts {
    /// An upper bound of the memory parsing the text takes at its peak, in
    /// bytes; `tests/it/memory.rs` checks it on the worst shapes.
    pub(crate) fn memory(&self) -> u64 {
        let (per, bytes) = TOKENS_PER_BYTE;
        let mut room = (self.len / bytes * per) as u64;
        while room < self.tokens {
            room = room.saturating_mul(2).max(1);
        }
        [
            (room, TOKEN_BYTES),
            (self.tokens, EVENT_BYTES),
            (self.tables, TABLE_BYTES),
            (self.keys, KEY_BYTES),
            (self.elements, ELEMENT_BYTES),
        ]
        .iter()
        .fold(0, |sum: u64, &(n, bytes)| {
            sum.saturating_add(n.saturating_mul(bytes))
        })
    }
}

/// The most memory reading a text of `len` bytes may take: 16 times its
/// size plus 64 MiB.
pub(crate) fn memory_limit(len: usize) -> u64 {
    (len as u64)
        .saturating_mul(BYTES_PER_BYTE)
        .saturating_add(BASE_MEMORY)
}

/// Refuses `text` when parsing it at once would take more memory than
/// [`memory_limit`].
pub(crate) fn check(part: Part, text: &str) -> Result<()> {
    let counts = scan(text.as_bytes(), 0);
    let limit = memory_limit(text.len());
    if counts.memory() > limit {
        return Err(Error::TooDense {
            part,
            size: text.len(),
            memory: counts.memory(),
            limit,
        });
    }
    Ok(())
}

/// The most memory one candidate read keeps until the portfolio is built:
/// the candidate, its strings, its place in the table of ids used, and the
/// vectors' growth.
const BYTES_PER_CANDIDATE_KEPT: u64 = 1024;

/// The most memory one element of a candidate's list (a tag, an agent, a
/// champion) keeps: its string and its list's growth.
const BYTES_PER_ELEMENT_KEPT: u64 = 96;

/// How to parse a portfolio within [`memory_limit`]: the byte ranges of
/// `text` to parse one after the other. The text before the first
/// `[[candidate]]` header and each header's section on its own, when there
/// are headers: the same document when each section parses (each holds one
/// candidate's table, and nothing in one can reach into another), at the
/// cost of the largest section's parse and the candidates kept, a small
/// part of parsing the whole at once. Otherwise the whole text.
///
/// # Errors
///
/// [`Error::TooManyCandidates`] for more `[[candidate]]` headers than
/// `limits` allow, [`Error::TooDense`] when neither way fits.
pub(crate) fn sections(text: &str, limits: &Limits) -> Result<Vec<Range<usize>>> {
    let counts = scan(text.as_bytes(), limits.max_candidates);
    if counts.candidates > limits.max_candidates {
        return Err(Error::TooManyCandidates {
            count: counts.candidates,
            limit: limits.max_candidates,
        });
    }
    let limit = memory_limit(text.len());
    let whole = counts.memory();
    let mut in_sections = u64::MAX;
    if !counts.starts.is_empty() {
        let ends = counts.starts.iter().copied().chain([text.len()]);
        let ranges: Vec<_> = std::iter::once(0)
            .chain(counts.starts.iter().copied())
            .zip(ends)
            .map(|(start, end)| start..end)
            .collect();
        let kept = BYTES_PER_CANDIDATE_KEPT
            .saturating_mul(counts.candidates as u64)
            .saturating_add(BYTES_PER_ELEMENT_KEPT.saturating_mul(counts.elements));
        in_sections = counts.largest_section.saturating_add(kept);
        if in_sections <= limit {
            return Ok(ranges);
        }
    }
    if whole <= limit {
        return Ok(std::iter::once(0..text.len()).collect());
    }
    Err(Error::TooDense {
        part: Part::Portfolio,
        size: text.len(),
        memory: whole.min(in_sections),
        limit,
    })
}

/// Where the scan is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Keys, values, punctuation and spaces.
    Code,
    /// From `#` to the end of the line.
    Comment,
    /// A basic or literal string, on one line or many.
    String { quote: u8, multiline: bool },
}

/// What a byte of code is, for counting tokens as toml's lexer cuts them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A token of its own: punctuation, a line break, the start of a
    /// string or comment.
    Single,
    /// A run is one token.
    Space,
    /// A run is one token: a bare key, number, boolean or date.
    Word,
}

/// Counts the tokens, nodes and `[[candidate]]` headers of `bytes`, in one
/// pass, and keeps where the first `keep` headers' lines start.
pub(crate) fn scan(bytes: &[u8], keep: usize) -> Counts {
    scan_lines(bytes, keep, true)
}

/// [`scan`], taking the plain `key = value` lines in one step when
/// `plain`, else every line byte by byte: the counts are the same.
fn scan_lines(bytes: &[u8], keep: usize, plain: bool) -> Counts {
    let counts = Counts {
        len: bytes.len(),
        // The root.
        tables: 1,
        ..Counts::default()
    };
    let mut scanner = Scanner {
        // The counts where the current section started.
        section: Section {
            tables: counts.tables,
            ..Section::default()
        },
        counts,
        state: State::Code,
        fresh: false,
        depth: 0,
        line_start: true,
        previous: Class::Single,
    };
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if plain
            && scanner.line_start
            && scanner.previous == Class::Single
            && scanner.state == State::Code
            && let Some((next, tokens)) = plain_line(bytes, i)
        {
            // A key in the current table, as `code` counts it.
            scanner.counts.tokens += tokens;
            scanner.counts.keys += 1;
            scanner.counts.tables += u64::from(scanner.fresh);
            scanner.fresh = false;
            i = next;
            continue;
        }
        i += 1;
        i = match scanner.state {
            State::Comment => scanner.comment(bytes, i, b),
            State::String { quote, multiline } => scanner.string(bytes, i, b, quote, multiline),
            State::Code => scanner.code(bytes, i, b, keep),
        };
    }
    let Scanner {
        mut counts,
        mut section,
        ..
    } = scanner;
    section.end(&mut counts, bytes.len());
    counts
}

/// What [`scan`] keeps as it goes.
struct Scanner {
    counts: Counts,
    state: State,
    /// The table the next key goes in has none yet: a header's or an inline
    /// table's.
    fresh: bool,
    /// Open `[` and `{` of values: a `[` at the start of a line opens a
    /// header only outside them.
    depth: usize,
    /// Only spaces since the last line break.
    line_start: bool,
    previous: Class,
    /// The counts where the current section started.
    section: Section,
}

impl Scanner {
    /// Byte `b` of a comment, before `i`: where to go on.
    #[inline]
    fn comment(&mut self, bytes: &[u8], i: usize, b: u8) -> usize {
        if b == b'\n' {
            self.state = State::Code;
            self.counts.tokens += 1;
            self.line_start = true;
            self.previous = Class::Single;
            i
        } else {
            skip(bytes, i, |c| c != b'\n')
        }
    }

    /// Byte `b` of a string quoted by `quote`, before `i`: where to go on.
    #[inline]
    fn string(&mut self, bytes: &[u8], i: usize, b: u8, quote: u8, multiline: bool) -> usize {
        if b != quote && b != b'\\' && b != b'\n' {
            // Nothing in a string counts but its end.
            return skip(bytes, i, |c| c != quote && c != b'\\' && c != b'\n');
        }
        let (next, end) = in_string(bytes, i, b, quote, multiline);
        match end {
            None => {}
            Some(true) => {
                // A line break ends an unclosed string: a syntax
                // error, which the parser will report.
                self.state = State::Code;
                self.counts.tokens += 1;
                self.line_start = true;
            }
            Some(false) => self.state = State::Code,
        }
        next
    }

    /// Byte `b` of code, before `i`: where to go on.
    #[inline]
    fn code(&mut self, bytes: &[u8], mut i: usize, b: u8, keep: usize) -> usize {
        let class = class_of(b);
        if class == Class::Single || class != self.previous {
            self.counts.tokens += 1;
        }
        self.previous = class;
        match b {
            b'#' => self.state = State::Comment,
            b'"' | b'\'' => {
                let multiline = bytes.get(i..i + 2) == Some(&[b, b]);
                if multiline {
                    i += 2;
                }
                self.state = State::String {
                    quote: b,
                    multiline,
                };
            }
            b'[' if self.line_start && self.depth == 0 => {
                // A header, `[table]` or `[[array]]`: its brackets
                // do not nest.
                self.fresh = true;
                i = header(bytes, i, keep, &mut self.counts, &mut self.section);
            }
            _ => self.punctuation(b),
        }
        if b == b'\n' {
            self.line_start = true;
        } else if class != Class::Space {
            self.line_start = false;
        }
        if class != Class::Single {
            // The rest of a run of spaces or of a word changes
            // nothing.
            i = skip(bytes, i, |c| class_of(c) == class);
        }
        i
    }

    /// Counts byte `b` of code outside strings, comments and headers.
    #[inline]
    fn punctuation(&mut self, b: u8) {
        match b {
            b'{' => {
                self.fresh = true;
                self.counts.elements += 1;
                self.depth += 1;
            }
            b'[' | b',' => {
                self.counts.elements += 1;
                self.depth += usize::from(b == b'[');
            }
            b']' | b'}' => self.depth = self.depth.saturating_sub(1),
            b'=' => {
                self.counts.keys += 1;
                self.counts.tables += u64::from(self.fresh);
                self.fresh = false;
            }
            // Each part of a dotted key is a table of one key; a
            // float's point counts too, too many rather than few.
            b'.' => self.counts.tables += 1,
            _ => {}
        }
    }
}

/// What a byte of code is.
#[inline]
fn class_of(b: u8) -> Class {
    match b {
        b' ' | b'\t' => Class::Space,
        b'#' | b'"' | b'\'' | b'\n' | b'\r' | b'.' | b'=' | b',' | b'[' | b']' | b'{' | b'}' => {
            Class::Single
        }
        _ => Class::Word,
    }
}

/// Where the run of bytes from `i` that are all `plain` ends.
#[inline]
fn skip(bytes: &[u8], i: usize, plain: impl Fn(u8) -> bool) -> usize {
    let rest = bytes.get(i..).unwrap_or_default();
    i + rest.iter().position(|&c| !plain(c)).unwrap_or(rest.len())
}

/// Counts the header whose `[` is the byte before `i`, and returns where
/// to read on.
fn header(
    bytes: &[u8],
    i: usize,
    keep: usize,
    counts: &mut Counts,
    section: &mut Section,
) -> usize {
    if bytes.get(i) != Some(&b'[') {
        // A key of its parent.
        counts.keys += 1;
        return i;
    }
    // An element of an array of tables.
    counts.elements += 1;
    let i = i + 1;
    if is_candidate_header(bytes.get(i..).unwrap_or_default()) {
        counts.candidates += 1;
        let start = line_start_before(bytes, i - 2);
        if counts.starts.len() < keep {
            counts.starts.push(start);
        }
        section.end(counts, start);
    }
    i
}

/// Where a section of the text starts, and the counts before it: the
/// section's own counts are the difference at its end, so one pass gives
/// the memory of every section as well as the whole.
#[derive(Default)]
struct Section {
    start: usize,
    tokens: u64,
    tables: u64,
    keys: u64,
    elements: u64,
}

impl Section {
    /// Ends the section at byte `end`, where the next starts: keeps the
    /// largest memory so far in `counts`.
    ///
    /// The bytes of the next header's line read so far (its indent and
    /// `[[`) are counted in this section rather than the next: a few tokens
    /// and an element, which [`SECTION_SLACK`] gives back to each section.
    fn end(&mut self, counts: &mut Counts, end: usize) {
        let (tokens, tables, keys, elements) = SECTION_SLACK;
        let own = Counts {
            len: end.saturating_sub(self.start),
            tokens: counts.tokens - self.tokens + tokens,
            // Its own root, which the whole text counts once.
            tables: counts.tables - self.tables + tables,
            keys: counts.keys - self.keys + keys,
            elements: counts.elements - self.elements + elements,
            ..Counts::default()
        };
        counts.largest_section = counts.largest_section.max(own.memory());
        *self = Section {
            start: end,
            tokens: counts.tokens,
            tables: counts.tables,
            keys: counts.keys,
            elements: counts.elements,
        };
    }
}

/// What a section's counts may miss, as [`Section::end`] takes them:
/// tokens, tables (its root), keys and elements.
const SECTION_SLACK: (u64, u64, u64, u64) = (4, 1, 0, 1);

/// The line from `i`, at the start of a line of code, when it is
/// `key = value` and a line break, the shape of almost every line of a
/// portfolio: the key a bare word of letters, digits, `_` and `-`, the
/// value a word of the same or a `"` string without `"`, `\\` or a line
/// break in it, spaces around `=` and after the value. Where the next line
/// starts, and the tokens the line counts: one for each run of spaces or
/// word, for `=`, the string (counted at its opening quote) and each of
/// `\r` and `\n`.
#[inline]
fn plain_line(bytes: &[u8], i: usize) -> Option<(usize, u64)> {
    let rest = bytes.get(i..)?;
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-';
    let space = |b: &u8| *b == b' ' || *b == b'\t';
    let run = |from: usize, f: &dyn Fn(&u8) -> bool| {
        from + rest
            .get(from..)
            .map_or(0, |r| r.iter().position(|b| !f(b)).unwrap_or(r.len()))
    };
    let mut tokens = 0;
    let key_end = run(0, &word);
    if key_end == 0 {
        return None;
    }
    tokens += 1;
    let mut at = run(key_end, &space);
    tokens += u64::from(at > key_end);
    if rest.get(at) != Some(&b'=') {
        return None;
    }
    tokens += 1;
    let value = run(at + 1, &space);
    tokens += u64::from(value > at + 1);
    at = if rest.get(value) == Some(&b'"') {
        let inner = value + 1;
        let end = inner
            + rest
                .get(inner..)?
                .iter()
                .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))?;
        if rest.get(end) != Some(&b'"') {
            return None;
        }
        end + 1
    } else {
        let end = run(value, &word);
        if end == value {
            return None;
        }
        end
    };
    tokens += 1;
    let after = run(at, &space);
    tokens += u64::from(after > at);
    at = after;
    if rest.get(at) == Some(&b'\r') {
        tokens += 1;
        at += 1;
    }
    if rest.get(at) != Some(&b'\n') {
        return None;
    }
    Some((i + at + 1, tokens + 1))
}

/// Reads byte `b` of a string, the byte before `i`: where to read on, and
/// whether the string ends (`Some(true)` at a line break that ends it
/// unclosed).
fn in_string(bytes: &[u8], i: usize, b: u8, quote: u8, multiline: bool) -> (usize, Option<bool>) {
    if b == b'\\' && quote == b'"' {
        // The escaped byte cannot end the string.
        (i + 1, None)
    } else if b == quote && !multiline {
        (i, Some(false))
    } else if b == quote && bytes.get(i..i + 2) == Some(&[quote, quote]) {
        // Up to two more quotes may belong to the string.
        let mut i = i + 2;
        while bytes.get(i) == Some(&quote) {
            i += 1;
        }
        (i, Some(false))
    } else if b == b'\n' && !multiline {
        (i, Some(true))
    } else {
        (i, None)
    }
}

/// Where the line that holds byte `at` starts, when only spaces come
/// before it on that line.
fn line_start_before(bytes: &[u8], at: usize) -> usize {
    let before = bytes.get(..at).unwrap_or_default();
    let spaces = before
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    before.len() - spaces
}

/// Whether `rest`, the text after a `[[`, names the `candidate` array:
/// ` candidate ]]`, or the key quoted.
fn is_candidate_header(rest: &[u8]) -> bool {
    let rest = rest.trim_ascii_start();
    let rest = ["candidate", "\"candidate\"", "'candidate'"]
        .iter()
        .find_map(|key| rest.strip_prefix(key.as_bytes()));
    rest.is_some_and(|rest| rest.trim_ascii_start().starts_with(b"]]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> [u64; 3] {
        let c = scan(text.as_bytes(), 0);
        [c.tables, c.keys, c.elements]
    }

    fn tokens(text: &str) -> u64 {
        scan(text.as_bytes(), 0).tokens
    }

    #[test]
    fn tables_keys_and_elements_count() {
        assert_eq!(counts("x = [1, 1, 1]"), [1, 1, 3]);
        assert_eq!(counts(""), [1, 0, 0]);
        assert_eq!(counts("x = [{}, {a = 1}, {}]"), [2, 2, 6]);
        assert_eq!(counts("a.b.c = 1"), [3, 1, 0]);
        assert_eq!(counts("[a]\nx = 1\n[b.c]\ny = 2\n[d]\n"), [4, 5, 0]);
        assert_eq!(counts("[[candidate]]\nid = 1\n"), [2, 1, 1]);
    }

    #[test]
    fn tokens_count_as_the_lexer_cuts_them() {
        assert_eq!(tokens("x = [1,22]\n"), 10);
        assert_eq!(tokens("key  =\t\"a b\"  # note\r\n"), 8);
        assert_eq!(tokens("x = \'\'\'\n\n\'\'\'"), 5);
    }

    #[test]
    fn strings_and_comments_do_not_count() {
        assert_eq!(counts("x = \"[1, 2] = {3}\" # , , ["), [1, 1, 0]);
        assert_eq!(counts("x = \'a\\\' # , "), [1, 1, 0]);
        assert_eq!(counts("x = \"a\\\", [\"\n"), [1, 1, 0]);
        assert_eq!(counts("x = \"\"\"\n, ]\"\"\n\"\"\"\"\ny = 1"), [1, 2, 0]);
        assert_eq!(
            counts("x = \'\'\'\n, \' \'\' ]\n\'\'\'\'\'\ny = 1"),
            [1, 2, 0]
        );
    }

    #[test]
    fn one_pass_counts_each_section_at_least_as_its_own_scan_does() {
        let texts = [
            "title = 'x'\n[[candidate]]\nid = \"a\"\ntags = [1, 2, 3]\n\n  [[ candidate ]]\n\
             id = 'b'\nx = {a = 1}\n[[candidate]]\n",
            "[[candidate]]\n[[candidate]]\n[[candidate]]",
            "x = [1, 2]\n\t[['candidate']] # c\nid.a.b = 1\n[[candidate]]\nk = \"\"\"\n\"\"\"\n",
            "",
            "a = 1",
        ];
        for text in texts {
            let counts = scan(text.as_bytes(), usize::MAX);
            let ends = counts.starts.iter().copied().chain([text.len()]);
            let separate = std::iter::once(0)
                .chain(counts.starts.iter().copied())
                .zip(ends)
                .map(|(start, end)| scan(&text.as_bytes()[start..end], 0).memory())
                .max()
                .unwrap();
            assert!(
                counts.largest_section >= separate,
                "{text:?}: {} < {separate}",
                counts.largest_section
            );
            // And not by much: a few tokens and an element.
            assert!(counts.largest_section <= separate + 2000, "{text:?}");
        }
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// Plain lines taken in one step count as byte by byte, among
        /// lines of every other shape.
        #[test]
        fn plain_lines_count_as_byte_by_byte(
            lines in prop::collection::vec(
                prop_oneof![
                    4 => prop::sample::select(vec![
                        "id = \"c1\"", "k=v", "a_b-9 \t=\t\"x y\"  ", "n = 15", "r = true",
                        "x = 1.5", "s = \"a\\\"b\"", "s = \"open", "s = \"\"\"", "= 1", "k =",
                        "[[candidate]]", "[t]", "  k = \"v\"", "k = \"v\" # c", "k = 'v'",
                        "k = \"\"", "k = [1,", "]", "k = {a = 1}", "# [[candidate]]", "",
                        "\"\"\"", "'''", "k = \"v\"\r", "k = v v", "é = 1", "k = \"é\"",
                    ]).prop_map(str::to_owned),
                    1 => "[ -~\t\r]{0,10}",
                ],
                0..30,
            ),
            keep in 0..4_usize,
        ) {
            let text = lines.join("\n");
            prop_assert_eq!(
                scan_lines(text.as_bytes(), keep, true),
                scan_lines(text.as_bytes(), keep, false),
                "{:?}",
                text
            );
        }
    }

    #[test]
    fn candidate_headers_count() {
        let text = "[[candidate]]\nid = \"a\"\n  [[ \"candidate\" ]]\n[[candidates]]\n\
                    x = [\n[[1]],\n]\n# [[candidate]]\n[['candidate']]\n";
        let counts = scan(text.as_bytes(), 9);
        assert_eq!(counts.candidates, 3);
        assert_eq!(counts.starts, [0, 23, 89]);
    }
}
