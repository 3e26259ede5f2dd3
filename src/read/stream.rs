//! Reading a portfolio straight from the TOML events, without a document
//! tree.
//!
//! `toml_parser` lexes the text and pushes events (a key, a value, a table
//! header) at a receiver; the receiver here builds each candidate as its
//! lines go by. The tokens are lexed and parsed a chunk at a time, cut
//! after a line break outside any brackets, so memory is what the
//! candidates take, not a tree of the whole file.
//!
//! Two shortcuts, each the same outcome as the events of the whole text
//! (and each checked against them by a property test): the plain lines a
//! generated portfolio is made of (`[[candidate]]`, `key = "text"`,
//! `key = 15`) are seen without the lexer, which takes over from the first
//! other line ([`plain_lines`]); and a large file is read in two parts on
//! two threads, joined in order ([`portfolio_in_two`]).
//!
//! Only the portfolio's own shape is read this way: `[[candidate]]` headers
//! and `key = value` lines of the keys every candidate has (id, name, unit,
//! sponsor and the evidence); the keys of the pull (`trainees`, `tags`,
//! `agents`, `champions`, `local_initiative`, `asked`, `start_month`) are
//! left to the tree. Anything else, and every
//! error of TOML or of the shape (a syntax error, an array or inline table,
//! a dotted, unknown or repeated key, a missing field, a value of the wrong
//! type, too many candidates), gives [`Outcome::Fallback`]: the caller
//! reads the text again with the full parse, whose messages are the ones
//! to give. The errors found after the shape is read (an id, name, unit or
//! sponsor that is not allowed, a duration that is not a number more than
//! 0, a duplicate id) are given here, the same message at the same place.

use std::borrow::Cow;
use std::ops::Range;

use toml_parser::decoder::{Encoding, IntegerRadix, ScalarKind};
use toml_parser::lexer::TokenKind;
use toml_parser::parser::{Event, EventKind, EventReceiver};
use toml_parser::{ErrorSink, ParseError, Source, Span};

use super::Key;
use crate::candidate::{
    Candidate, Evidence, Portfolio, Texts, candidate_ref, check_months, check_texts,
};
use crate::criterion::Level;
use crate::error::{At, CandidateRef, Error, Part, Result};

/// What reading from the events gave.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The portfolio, or the error the full parse would also give.
    Read(Result<Portfolio>),
    /// Not the portfolio's plain shape, or a TOML error: read the text
    /// again with the full parse.
    Fallback,
}

/// About how many tokens are parsed at a time: a few hundred candidates.
const CHUNK: usize = 1 << 14;

/// Reads the portfolio in `text`, which holds at most `max_candidates`,
/// with room made for `expected` candidates at the start: as many as the
/// pre-scan counted headers, when it has counted the memory they keep.
pub(crate) fn portfolio(text: &str, max_candidates: usize, expected: usize) -> Outcome {
    read(text, max_candidates, expected, CHUNK)
}

/// [`portfolio`] on two threads: the text before `split` on this one, the
/// rest on another, then joined in order. `split` is where the line of a
/// `[[candidate]]` header starts, and `expected` is split as the
/// candidates are.
///
/// The same outcome as [`portfolio`]: each part is read only when its
/// events parse without an error, and a part that parses ends on a line
/// break outside any string or brackets, where the whole text's lexer and
/// parser would start afresh too (as they do at every chunk). The
/// candidates of the second part are counted on from the first's, a
/// repeated id is looked for across both, and the first error in file
/// order is the one given.
pub(crate) fn portfolio_in_two(
    text: &str,
    split: usize,
    max_candidates: usize,
    expected: (usize, usize),
) -> Outcome {
    in_two(text, split, max_candidates, expected, CHUNK)
}

/// [`portfolio_in_two`], parsing about `chunk` tokens at a time.
fn in_two(
    text: &str,
    split: usize,
    max_candidates: usize,
    (in_head, in_tail): (usize, usize),
    chunk: usize,
) -> Outcome {
    // One slot for each candidate, made at once: the parts fill theirs in
    // place, and the slots become the portfolio's vector where they lie, so
    // the candidates are never in two vectors at once.
    let in_head = in_head.min(max_candidates);
    let in_tail = in_tail.min(max_candidates - in_head);
    let mut slots: Vec<Option<Candidate>> = std::iter::repeat_with(|| None)
        .take(in_head + in_tail)
        .collect();
    let Some((head_slots, tail_slots)) = slots.split_at_mut_checked(in_head) else {
        return Outcome::Fallback;
    };
    let (head, tail) = super::in_parallel(
        || {
            let store = Store::Slots(head_slots, 0);
            part(text, 0..split, max_candidates, store, (chunk, false))
        },
        || {
            let store = Store::Slots(tail_slots, 0);
            part(
                text,
                split..text.len(),
                max_candidates,
                store,
                (chunk, false),
            )
        },
    );
    let (Some(head), Some(Some(tail))) = (head, tail) else {
        return Outcome::Fallback;
    };
    let Piece {
        mut id_spans,
        mut invalid,
        count: before,
        ..
    } = head;
    if invalid.is_none() {
        id_spans.extend(tail.id_spans);
        invalid = tail.invalid.map(|error| counted_on(error, before));
    } else {
        // Nothing after the first error is kept.
        slots.truncate(in_head);
    }
    // The filled slots, in place: `flatten` would collect them into a new
    // vector, holding the candidates twice at the peak.
    #[allow(
        clippy::filter_map_identity,
        reason = "filter_map collects in place, flatten does not"
    )]
    let candidates: Vec<Candidate> = slots.into_iter().filter_map(|slot| slot).collect();
    joined(
        text,
        candidates,
        &id_spans,
        before + tail.count,
        invalid,
        max_candidates,
    )
}

/// Reads the portfolio in `text`, parsing about `chunk` tokens at a time.
fn read(text: &str, max_candidates: usize, expected: usize, chunk: usize) -> Outcome {
    read_as(text, max_candidates, expected, (chunk, false))
}

/// [`read`], every line through the lexer when `lexed`.
fn read_as(
    text: &str,
    max_candidates: usize,
    expected: usize,
    (chunk, lexed): (usize, bool),
) -> Outcome {
    let store = Store::Grown(Vec::with_capacity(expected.min(max_candidates)));
    match part(text, 0..text.len(), max_candidates, store, (chunk, lexed)) {
        Some(Piece {
            candidates,
            id_spans,
            count,
            invalid,
        }) => joined(text, candidates, &id_spans, count, invalid, max_candidates),
        None => Outcome::Fallback,
    }
}

/// Where a part's candidates go.
enum Store<'s> {
    /// A vector they are pushed on.
    Grown(Vec<Candidate>),
    /// Slots made for them, and how many are filled: a part with more
    /// candidates than slots (headers the pre-scan did not count) is read
    /// from the tree.
    Slots(&'s mut [Option<Candidate>], usize),
}

impl Store<'_> {
    /// Keeps `candidate`; false when there is no room.
    fn keep(&mut self, candidate: Candidate) -> bool {
        match self {
            Store::Grown(candidates) => candidates.push(candidate),
            Store::Slots(slots, filled) => match slots.get_mut(*filled) {
                Some(slot) => {
                    *slot = Some(candidate);
                    *filled += 1;
                }
                None => return false,
            },
        }
        true
    }
}

/// What one part of the text gave, read from the events.
struct Piece {
    /// The candidates read, up to the first that is not allowed, when they
    /// were pushed on a vector of their own.
    candidates: Vec<Candidate>,
    /// Where each candidate's id is, in the whole text.
    id_spans: Vec<Span>,
    /// How many candidates the part has, those after an error too.
    count: usize,
    /// The first error found after the shape was read; a candidate's
    /// position in it counts from the part's start.
    invalid: Option<Error>,
}

/// Reads the part `range` of `text` from the events, parsing about `chunk`
/// tokens at a time (every line, when `every_line_lexed`; else the plain
/// lines first without the lexer), into `store`; `None` when it is not the plain shape,
/// or has a TOML error or more than `max_candidates` candidates.
fn part(
    text: &str,
    range: Range<usize>,
    max_candidates: usize,
    store: Store<'_>,
    (chunk, every_line_lexed): (usize, bool),
) -> Option<Piece> {
    // The most tokens a chunk may hold while it waits for a line break
    // outside brackets; past it the text has an array or inline table
    // spanning many lines, which is not the portfolio's plain shape.
    let max_chunk = 4 * chunk;
    let part_text = text.get(range.clone())?;
    let mut builder = Builder::new(
        Source::new(part_text),
        (text, range.start),
        max_candidates,
        store,
    );
    // The plain lines first, without the lexer; from the first other line
    // on, the lexer and parser, which start afresh at any line of a part
    // made of plain lines before it.
    let lines = if every_line_lexed {
        0
    } else {
        plain_lines(&mut builder, part_text)
    };
    if builder.fallback {
        return None;
    }
    if lines == part_text.len() {
        return builder.finish();
    }
    let rest = part_text.get(lines..)?;
    if lines > 0 && rest.starts_with('\u{feff}') {
        // The lexer skips a byte-order mark at the start of its text; in
        // the middle of the text it is an error.
        return None;
    }
    let source = Source::new(rest);
    builder.source = source;
    builder.whole.1 = range.start + lines;
    let mut lexer = source.lex();
    let mut tokens = Vec::with_capacity(max_chunk + 1);
    loop {
        tokens.clear();
        // How deep in brackets the lexer is: a chunk ends only after a line
        // break at depth 0, where the next line starts a new expression.
        let mut depth = 0_isize;
        let mut end = true;
        for token in lexer.by_ref() {
            match token.kind() {
                TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => depth += 1,
                TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => depth -= 1,
                _ => {}
            }
            let newline = token.kind() == TokenKind::Newline;
            tokens.push(token);
            if newline && depth == 0 && tokens.len() >= chunk {
                end = false;
                break;
            }
            if tokens.len() > max_chunk {
                return None;
            }
        }
        let mut failed = Failed(false);
        toml_parser::parser::parse_document(&tokens, &mut builder, &mut failed);
        if failed.0 || builder.fallback {
            return None;
        }
        if end {
            break;
        }
    }
    builder.finish()
}

/// Feeds `builder` the events of the plain lines at the start of `text`,
/// its source, without the lexer; where the first other line starts (the
/// text's length when there is none).
///
/// A plain line is one whose events are plain to see: empty; a comment of
/// printable ASCII and tabs; `[[candidate]]`; or a bare key of letters,
/// digits, `_` and `-`, `=`, and a value that [`plain`] takes as it is (a
/// basic string of printable ASCII without escapes, a decimal integer) or
/// `true` or `false`, with spaces or tabs around `=` and after the value.
/// Each ends with `\n` or the end of the text. The builder gets the events
/// the parser would give it for the line, with the same spans.
fn plain_lines(builder: &mut Builder<'_, '_>, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut sink = Failed(false);
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
            .map_or(bytes.len(), |n| at + n);
        let line = bytes.get(at..end).unwrap_or_default();
        let span = |from: usize, to: usize| Span::new_unchecked(at + from, at + to);
        match line {
            [] => {}
            b"[[candidate]]" => {
                builder.array_table_open(span(0, 2), &mut sink);
                builder.simple_key(span(2, 11), None, &mut sink);
                builder.array_table_close(span(11, 13), &mut sink);
            }
            [b'#', comment @ ..] => {
                if !comment
                    .iter()
                    .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
                {
                    return at;
                }
                builder.comment(span(0, line.len()), &mut sink);
            }
            _ => {
                let line = text.get(at..end).unwrap_or_default();
                let Some((key, value, encoding)) = key_value(line) else {
                    return at;
                };
                builder.simple_key(span(key.start, key.end), None, &mut sink);
                builder.scalar(span(value.start, value.end), encoding, &mut sink);
            }
        }
        if end < bytes.len() {
            builder.newline(Span::new_unchecked(end, end + 1), &mut sink);
        }
        if builder.fallback || sink.0 {
            builder.fallback = true;
            return at;
        }
        at = end + 1;
    }
    bytes.len()
}

/// The spans of the key and value of `line`, and the value's encoding,
/// when it is a plain `key = value` line (see [`plain_lines`]).
fn key_value(text: &str) -> Option<(Range<usize>, Range<usize>, Option<Encoding>)> {
    let line = text.as_bytes();
    let run = |from: usize, f: fn(u8) -> bool| {
        from + line.get(from..).map_or(0, |rest| {
            rest.iter().position(|&b| !f(b)).unwrap_or(rest.len())
        })
    };
    let space = |b: u8| b == b' ' || b == b'\t';
    let key_end = run(0, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if key_end == 0 {
        return None;
    }
    let equals = run(key_end, space);
    if line.get(equals) != Some(&b'=') {
        return None;
    }
    let start = run(equals + 1, space);
    let (end, encoding) = if line.get(start) == Some(&b'"') {
        let close = start + 1 + memchr::memchr(b'"', line.get(start + 1..)?)?;
        (close + 1, Some(Encoding::BasicString))
    } else {
        (run(start, |b| b != b' ' && b != b'\t'), None)
    };
    if run(end, space) != line.len() {
        return None;
    }
    // The value's ends are ASCII: a quote, a space or the line's end.
    let value = text.get(start..end)?;
    let plain = plain(value, encoding).is_some()
        || (encoding.is_none() && matches!(value, "true" | "false"));
    plain.then_some((0..key_end, start..end, encoding))
}

/// The portfolio of `candidates` read from the events of `text`, with
/// where their ids are, how many there are in all and the first error, as
/// reading the whole from the events gives it.
fn joined(
    text: &str,
    candidates: Vec<Candidate>,
    id_spans: &[Span],
    count: usize,
    invalid: Option<Error>,
    max_candidates: usize,
) -> Outcome {
    if count == 0 || count > max_candidates {
        return Outcome::Fallback;
    }
    if let Some(error) = invalid {
        if let Some(duplicate) = first_duplicate(text, &candidates, id_spans) {
            return Outcome::Read(Err(duplicate));
        }
        return Outcome::Read(Err(error));
    }
    let portfolio = Portfolio::indexed(candidates);
    // The candidates in id order show whether an id repeats; only then
    // is the first repeat in file order looked for.
    if portfolio.id_order().has_repeats(portfolio.candidates())
        && let Some(duplicate) = first_duplicate(text, portfolio.candidates(), id_spans)
    {
        return Outcome::Read(Err(duplicate));
    }
    Outcome::Read(Ok(portfolio))
}

/// `error`, found in a part after `before` candidates: the position of a
/// candidate without an id counted from the whole text's start.
fn counted_on(error: Error, before: usize) -> Error {
    match error {
        Error::Invalid { mut at, message } => {
            if let Some(CandidateRef::Position(n)) = &mut at.candidate {
                *n += before;
            }
            Error::Invalid { at, message }
        }
        other => other,
    }
}

/// An error sink that remembers only that there was an error.
struct Failed(bool);

impl ErrorSink for Failed {
    fn report_error(&mut self, _error: ParseError) {
        self.0 = true;
    }
}

/// A text value and where it is.
type Text<'t> = (Cow<'t, str>, Span);

/// One candidate's fields as read so far, each text and number with
/// where it is in the whole text.
type Fields<'t> = super::Fields<Text<'t>, (f64, Span)>;

/// Where the receiver is in the document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first `[[candidate]]` header.
    Start,
    /// Inside a `[[candidate]]` header, before its key.
    Header,
    /// Inside a `[[candidate]]` header, after its key.
    HeaderKey,
    /// In a candidate's table, between lines.
    Table,
    /// After a key in a candidate's table, waiting for its value.
    Value(Key),
}

/// Builds candidates from the events.
struct Builder<'t, 's> {
    /// The part read.
    source: Source<'t>,
    /// The whole text, and where the part starts in it: where errors are.
    whole: (&'t str, usize),
    max_candidates: usize,
    state: State,
    /// The candidate being read, once a header has opened one.
    fields: Option<Fields<'t>>,
    candidates: Store<'s>,
    /// Where each candidate's id is.
    id_spans: Vec<Span>,
    /// How many candidates were read.
    count: usize,
    /// The first error found after the shape was read.
    invalid: Option<Error>,
    /// Set once the text is not the plain portfolio shape.
    fallback: bool,
}

impl<'t, 's> Builder<'t, 's> {
    fn new(
        source: Source<'t>,
        whole: (&'t str, usize),
        max_candidates: usize,
        candidates: Store<'s>,
    ) -> Self {
        Builder {
            source,
            whole,
            max_candidates,
            state: State::Start,
            fields: None,
            id_spans: Vec::with_capacity(match &candidates {
                Store::Grown(candidates) => candidates.capacity(),
                Store::Slots(slots, _) => slots.len(),
            }),
            candidates,
            count: 0,
            invalid: None,
            fallback: false,
        }
    }

    /// Decodes the key at `span`; `None` (and a fallback) when it does not
    /// decode cleanly.
    fn decode_key(&mut self, span: Span, encoding: Option<Encoding>) -> Option<Cow<'t, str>> {
        let raw = self
            .source
            .get(Event::new_unchecked(EventKind::SimpleKey, encoding, span))?;
        // A bare key of letters, digits, `_` and `-` is itself.
        if encoding.is_none()
            && !raw.is_empty()
            && raw
                .as_bytes()
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Some(Cow::Borrowed(raw.as_str()));
        }
        let mut decoded = Cow::Borrowed("");
        let mut failed = Failed(false);
        raw.decode_key(&mut decoded, &mut failed);
        if failed.0 {
            self.fallback = true;
            return None;
        }
        Some(decoded)
    }

    /// Takes the value of `key` at `span`; false when it is not one the
    /// full parse would take as it is.
    fn value(&mut self, key: Key, span: Span, encoding: Option<Encoding>) -> bool {
        let Some(raw) = self
            .source
            .get(Event::new_unchecked(EventKind::Scalar, encoding, span))
        else {
            return false;
        };
        let (kind, decoded) = if let Some(plain) = plain(raw.as_str(), encoding) {
            plain
        } else {
            let mut decoded = Cow::Borrowed("");
            let mut failed = Failed(false);
            let kind = raw.decode_scalar(&mut decoded, &mut failed);
            if failed.0 {
                return false;
            }
            (kind, decoded)
        };
        let Some(fields) = self.fields.as_mut() else {
            return false;
        };
        // Where the value is in the whole text: the part's source may
        // change before its candidate ends.
        let span = moved(span, self.whole.1);
        match (key, kind) {
            (Key::Id, ScalarKind::String) => set(&mut fields.id, (decoded, span)),
            (Key::Name, ScalarKind::String) => set(&mut fields.name, (decoded, span)),
            (Key::Unit, ScalarKind::String) => set(&mut fields.unit, (decoded, span)),
            (Key::Sponsor, ScalarKind::String) => set(&mut fields.sponsor, (decoded, span)),
            (Key::DurationMonths, ScalarKind::Integer(radix)) => integer_months(&decoded, radix)
                .is_some_and(|m| set(&mut fields.duration, (m, span))),
            (Key::DurationMonths, ScalarKind::Float) => {
                float_months(&decoded).is_some_and(|m| set(&mut fields.duration, (m, span)))
            }
            (Key::Remedial, ScalarKind::Boolean(b)) => set(&mut fields.remedial, b),
            (Key::Visibility, ScalarKind::String) => level(&mut fields.visibility, &decoded),
            (Key::Change, ScalarKind::String) => level(&mut fields.change, &decoded),
            (Key::Phase, ScalarKind::String) => level(&mut fields.phase, &decoded),
            (Key::BottomLine, ScalarKind::String) => level(&mut fields.bottom_line, &decoded),
            (Key::Lead, ScalarKind::String) => level(&mut fields.lead, &decoded),
            (Key::SponsorLevel, ScalarKind::String) => level(&mut fields.sponsor_level, &decoded),
            (Key::SponsorMotivation, ScalarKind::String) => {
                level(&mut fields.sponsor_motivation, &decoded)
            }
            _ => false,
        }
    }

    /// Ends the candidate being read, if any; false when it is not a whole
    /// candidate.
    // Long because: split into a checking method and a building function
    // (even #[inline]), parse/portfolio_10k ran 21.0-22.0 ms against
    // 20.2-20.4 ms whole, in back-to-back runs on the same machine.
    fn end_candidate(&mut self) -> bool {
        let Some(fields) = self.fields.take() else {
            return true;
        };
        let (
            Some((id, id_span)),
            Some((duration, duration_span)),
            Some(visibility),
            Some(change),
            Some(phase),
            Some(bottom_line),
            Some(lead),
            Some(sponsor_level),
            Some(sponsor_motivation),
        ) = (
            fields.id,
            fields.duration,
            fields.visibility,
            fields.change,
            fields.phase,
            fields.bottom_line,
            fields.lead,
            fields.sponsor_level,
            fields.sponsor_motivation,
        )
        else {
            return false;
        };
        if self.count >= self.max_candidates {
            return false;
        }
        let index = self.count;
        self.count += 1;
        if self.invalid.is_some() {
            // After an error the rest is read only for a TOML error the full
            // parse would give first.
            return true;
        }
        // The checks in the order the full parse makes them.
        let (text, _) = self.whole;
        let id_ref = &id;
        let invalid = |key: &'static str, span: Span| {
            move |message| Error::Invalid {
                at: At {
                    candidate: Some(candidate_ref(id_ref, index)),
                    key: Some(key.to_owned()),
                    ..at(text, span)
                },
                message,
            }
        };
        let checked = check_texts(texts_of(
            (&id, id_span),
            [&fields.name, &fields.unit, &fields.sponsor],
        ))
        .map_err(|(key, span, message)| invalid(key, span)(message))
        .and_then(|()| check_months(duration).map_err(invalid("duration_months", duration_span)));
        match checked {
            Ok(duration) => {
                let id = id.into_owned();
                let kept = self.candidates.keep(Candidate {
                    name: fields
                        .name
                        .map_or_else(|| id.clone(), |(name, _)| name.into_owned()),
                    id,
                    unit: fields.unit.map(|(unit, _)| unit.into_owned()),
                    sponsor: fields.sponsor.map(|(sponsor, _)| sponsor.into_owned()),
                    // The keys of the pull (trainees, tags, agents, ...) are
                    // read from the tree: a file that gives one falls back.
                    trainees: None,
                    tags: Vec::new(),
                    agents: Vec::new(),
                    champions: Vec::new(),
                    local_initiative: false,
                    asked: false,
                    start_month: 0,
                    evidence: Evidence {
                        duration,
                        visibility,
                        change,
                        phase,
                        remedial: fields.remedial.unwrap_or(false),
                        bottom_line,
                        lead,
                        sponsor_level,
                        sponsor_motivation,
                    },
                });
                if !kept {
                    return false;
                }
                self.id_spans.push(id_span);
            }
            Err(error) => self.invalid = Some(error),
        }
        true
    }

    /// The part, once every event has been received; `None` when its last
    /// candidate is not whole.
    fn finish(mut self) -> Option<Piece> {
        if !self.end_candidate() {
            return None;
        }
        Some(Piece {
            candidates: match self.candidates {
                Store::Grown(candidates) => candidates,
                Store::Slots(..) => Vec::new(),
            },
            id_spans: self.id_spans,
            count: self.count,
            invalid: self.invalid,
        })
    }
}

/// `span` of a part that starts at byte `base` of the whole text, in the
/// whole text.
fn moved(span: Span, base: usize) -> Span {
    Span::new_unchecked(span.start() + base, span.end() + base)
}

/// The error for the first id in `candidates` used again, as the full parse
/// gives it; `spans` are where their ids are.
fn first_duplicate(text: &str, candidates: &[Candidate], spans: &[Span]) -> Option<Error> {
    let (again, first) =
        crate::candidate::first_duplicate(candidates.iter().map(|c| c.id.as_str()))?;
    let (candidate, &span, &first) = (candidates.get(again)?, spans.get(again)?, spans.get(first)?);
    Some(Error::DuplicateId {
        at: At {
            candidate: Some(CandidateRef::Id(candidate.id.clone())),
            key: Some("id".to_owned()),
            ..at(text, span)
        },
        first: Some(super::location(text, first.start())),
    })
}

/// The place of `span` in `text`, as [`super::locate`] gives it for a value
/// whose candidate and key are known.
fn at(text: &str, span: Span) -> At {
    At {
        location: (!span.is_empty()).then(|| super::location(text, span.start())),
        ..At::part(Part::Portfolio)
    }
}

/// The kind and value of the scalar `raw`, when it is a basic string of
/// printable ASCII without escapes or a decimal integer of up to 18 digits:
/// the values a portfolio file is made of, which need no decoding. `None`:
/// decode it.
fn plain(raw: &str, encoding: Option<Encoding>) -> Option<(ScalarKind, Cow<'_, str>)> {
    match encoding {
        Some(Encoding::BasicString) => {
            let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
            inner
                .bytes()
                .all(|b| matches!(b, b' ' | b'!' | b'#'..=b'[' | b']'..=b'~'))
                .then_some((ScalarKind::String, Cow::Borrowed(inner)))
        }
        None => {
            let bytes = raw.as_bytes();
            let digits = matches!(bytes, [b'1'..=b'9', rest @ ..] if rest.len() < 18 && rest.iter().all(u8::is_ascii_digit))
                || raw == "0";
            digits.then_some((ScalarKind::Integer(IntegerRadix::Dec), Cow::Borrowed(raw)))
        }
        _ => None,
    }
}

/// An integer number of months as serde gets it from toml: an `f64`.
#[inline]
fn integer_months(decoded: &str, radix: IntegerRadix) -> Option<f64> {
    // As toml gives an integer to serde, and serde makes it an f64.
    #[allow(clippy::cast_precision_loss, reason = "as serde converts")]
    if let Ok(n) = i64::from_str_radix(decoded, radix.value()) {
        Some(n as f64)
    } else if let Ok(n) = u64::from_str_radix(decoded, radix.value()) {
        Some(n as f64)
    } else {
        None
    }
}

/// A float number of months as toml reads it: an infinity must be spelled `inf`.
#[inline]
fn float_months(decoded: &str) -> Option<f64> {
    let months = decoded.parse::<f64>().ok()?;
    if months.is_infinite() && !decoded.contains("inf") {
        return None;
    }
    Some(months)
}

/// Sets `slot` to `value`; false when it was set already (a repeated key).
fn set<T>(slot: &mut Option<T>, value: T) -> bool {
    slot.replace(value).is_none()
}

/// Sets `slot` to the level named `name`; false when there is none, or the
/// key was given already.
fn level<L: Level>(slot: &mut Option<L>, name: &str) -> bool {
    match L::named(name) {
        Some(level) => set(slot, level),
        None => false,
    }
}

impl EventReceiver for Builder<'_, '_> {
    fn std_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    fn array_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if !matches!(self.state, State::Start | State::Table) || !self.end_candidate() {
            self.fallback = true;
        }
        self.state = State::Header;
    }

    fn array_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if self.state == State::HeaderKey {
            self.fields = Some(Fields::default());
            self.state = State::Table;
        } else {
            self.fallback = true;
        }
    }

    fn inline_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.fallback = true;
        false
    }

    fn array_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.fallback = true;
        false
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if self.fallback {
            return;
        }
        if self.state == State::Table && encoding.is_none() {
            // A bare key that is one of the candidate's is itself.
            let name = self.source.input().get(span.start()..span.end());
            if let Some(key) = name.and_then(Key::from_name) {
                self.state = State::Value(key);
                return;
            }
        }
        let Some(key) = self.decode_key(span, encoding) else {
            return;
        };
        match self.state {
            State::Header if key == "candidate" => self.state = State::HeaderKey,
            State::Table => match Key::from_name(&key) {
                Some(key) => self.state = State::Value(key),
                None => self.fallback = true,
            },
            _ => self.fallback = true,
        }
    }

    fn key_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        // A dotted key.
        self.fallback = true;
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if self.fallback {
            return;
        }
        let State::Value(key) = self.state else {
            self.fallback = true;
            return;
        };
        if self.value(key, span, encoding) {
            self.state = State::Table;
        } else {
            self.fallback = true;
        }
    }

    fn std_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    fn inline_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    fn array_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    fn value_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fallback = true;
    }

    // Comments and line breaks are checked as toml checks them
    // (`ValidateWhitespace`), without its layer of calls for every event.
    fn comment(&mut self, span: Span, error: &mut dyn ErrorSink) {
        match self.source.get(span) {
            Some(raw) => raw.decode_comment(error),
            None => self.fallback = true,
        }
    }

    fn newline(&mut self, span: Span, error: &mut dyn ErrorSink) {
        match self.source.get(span) {
            Some(raw) if raw.as_str() == "\n" => {}
            Some(raw) => raw.decode_newline(error),
            None => self.fallback = true,
        }
    }
}

/// The texts of a candidate read from events, as [`check_texts`] takes
/// them: the keys of the pull are never among them (a file that gives one
/// is read from the tree).
/// `named` is the name, unit and sponsor.
fn texts_of<'a>(id: (&'a str, Span), named: [&'a Option<Text<'_>>; 3]) -> Texts<'a, Span> {
    let [name, unit, sponsor] =
        named.map(|given| given.as_ref().map(|(text, span)| (text.as_ref(), *span)));
    Texts {
        id,
        name,
        unit,
        sponsor,
        tags: Vec::new(),
        agents: Vec::new(),
        champions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::{CHUNK, Outcome, in_two, portfolio, read, read_as};
    use crate::candidate::Portfolio;
    use crate::error::Result;
    use crate::limits::Limits;

    /// Both readers' answers for `bytes`, and whether the events gave the
    /// first without the tree.
    fn both(bytes: &[u8], limits: &Limits) -> (Result<Portfolio>, Result<Portfolio>, bool) {
        let streamed = std::str::from_utf8(bytes).is_ok_and(|text| {
            matches!(portfolio(text, limits.max_candidates, 0), Outcome::Read(_))
        });
        (
            Portfolio::read_with(bytes, limits),
            Portfolio::read_tree(bytes, limits),
            streamed,
        )
    }

    fn toml_files(dir: &str) -> Vec<std::path::PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                let name = path.file_name().unwrap().to_string_lossy();
                name.ends_with(".toml")
                    && !name.starts_with("criteria-")
                    && !name.ends_with(".criteria.toml")
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn every_fixture_reads_the_same_as_from_the_tree() {
        let mut streamed = Vec::new();
        let mut files = toml_files("tests/fixtures/invalid");
        files.extend(toml_files("tests/fixtures/valid"));
        files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/portfolio.toml"));
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            let (events, tree, from_events) = both(&bytes, &Limits::default());
            assert_eq!(events, tree, "{}", path.display());
            if from_events {
                streamed.push(path.file_stem().unwrap().to_string_lossy().into_owned());
            }
        }
        // The events give every plain file, and the errors found after the
        // shape is read, without the tree.
        for name in [
            "unicode",
            "ties",
            "bom-crlf",
            "portfolio-duplicate-id",
            "portfolio-empty-name",
            "portfolio-nan-duration",
            "portfolio-zero-width-in-id",
        ] {
            assert!(streamed.iter().any(|s| s == name), "{name}: {streamed:?}");
        }
    }

    #[test]
    fn too_many_candidates_are_read_from_the_tree() {
        let text = "[[candidate]]\nid = \"a\"\nduration_months = 15\nvisibility = \"high\"\n\
                    change = \"technology\"\nphase = \"design\"\nbottom_line = \"direct\"\n\
                    lead = \"credible\"\nsponsor_level = \"manager\"\nsponsor_motivation = \"strong\"\n";
        let two = text.replace("\"a\"", "\"b\"") + text;
        let limits = Limits {
            max_candidates: 1,
            ..Limits::default()
        };
        assert!(matches!(portfolio(&two, 1, 0), Outcome::Fallback));
        let (events, tree, _) = both(two.as_bytes(), &limits);
        assert_eq!(events, tree);
        assert!(matches!(portfolio(text, 1, 0), Outcome::Read(Ok(_))));
    }

    /// A line of a portfolio file: mostly plain, some of every shape the
    /// events leave to the tree, some wrong.
    // Long because: a list of sample lines, one a line; split, it would
    // only scatter one list.
    fn line() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec![
            "[[candidate]]",
            "id = \"a\"",
            "id = \"b\"",
            "id = 'c'",
            "id = \"\"",
            "id = \"\\u00e9\"",
            "id = \"x\\u200by\"",
            "name = \"Name\"",
            "name = \" \"",
            "unit = \"Sales\"",
            "sponsor = \"D. O\"",
            "duration_months = 15",
            "duration_months = 15.5",
            "duration_months = 0x10",
            "duration_months = 1e400",
            "duration_months = -inf",
            "duration_months = nan",
            "duration_months = 0",
            "duration_months = 99999999999999999999",
            "duration_months = \"15\"",
            "visibility = \"high\"",
            "visibility = \"hgih\"",
            "visibility = 3",
            "change = \"process\"",
            "phase = \"design\"",
            "remedial = true",
            "remedial = \"yes\"",
            "bottom_line = \"direct\"",
            "lead = \"credible\"",
            "sponsor_level = \"manager\"",
            "sponsor_motivation = \"strong\"",
            "\"lead\" = \"experienced\"",
            "lead.x = 1",
            "tags = [1, 2]",
            "visibility = { high = {} }",
            "[candidate]",
            "[settings]",
            "[[candidate.sub]]",
            "x = 1",
            "# a comment",
            "",
            "   ",
            "id = \"unclosed",
            "=",
            "[[candidate]] # trailing",
            "when = 1979-05-27",
            "# control \u{1} in a comment",
            "\r",
            "visibility = \"high\" # trailing",
            "name = \"\"\"two\nlines\"\"\"",
            "name = '''[[candidate]]'''",
            "[[ candidate ]]",
            "[[\"candidate\"]]",
            "\"vis\\u0069bility\" = \"low\"",
            "lead = \"credible\" x",
            "duration_months = 012",
            "duration_months = 1__0",
            "id = \"tab\there\"",
            "tags = [\n1,\n2\n]",
            "x = {\na = 1\n}",
            "tags = [",
            "]",
        ]);
        prop_oneof![
            8 => plain.prop_map(str::to_owned),
            1 => "[ -~]{0,12}",
        ]
    }

    /// A whole candidate, each field's value plain or not, sometimes missing.
    fn candidate() -> impl Strategy<Value = String> {
        let field = |key: &'static str, values: &'static [&'static str]| {
            prop_oneof![
                12 => prop::sample::select(values).prop_map(move |v| format!("{key} = {v}\n")),
                1 => Just(String::new()),
            ]
        };
        (
            field(
                "id",
                &[
                    "\"c0\"",
                    "\"c1\"",
                    "'c2'",
                    "\"\"",
                    "\"a\\u202eb\"",
                    "\"\\u00e9\"",
                ],
            ),
            field("name", &["\"N\"", "\" \"", "\"a\\tb\""]),
            field("unit", &["\"U\"", "\"\""]),
            field(
                "duration_months",
                &["15", "7.5", "0", "-0.0", "nan", "+inf", "1_0", "0o17"],
            ),
            (
                field("visibility", &["\"high\"", "\"low\""]),
                field("change", &["\"process\""]),
                field("phase", &["\"design\"", "'sustainment'"]),
                field("remedial", &["true", "false"]),
                field("bottom_line", &["\"direct\""]),
                field("lead", &["\"credible\""]),
                field("sponsor_level", &["\"manager\""]),
                field("sponsor_motivation", &["\"strong\""]),
            ),
        )
            .prop_map(|(id, name, unit, months, rest)| {
                let (visibility, change, phase, remedial, bottom_line, lead, level, motivation) =
                    rest;
                format!(
                    "[[candidate]]\n{id}{name}{unit}{months}{visibility}{change}{phase}{remedial}\
                     {bottom_line}{lead}{level}{motivation}"
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_file_of_such_lines_reads_the_same_as_from_the_tree(
            lines in prop::collection::vec(prop_oneof![3 => line(), 1 => candidate()], 0..40),
            crlf in any::<bool>(),
            chunk in 1..40_usize,
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let (events, tree, _) = both(text.as_bytes(), &Limits::default());
            prop_assert_eq!(&events, &tree, "{}", text);
            // Parsed a few lines at a time, the events give the same.
            if let Outcome::Read(small) = read(&text, usize::MAX, 0, chunk) {
                prop_assert_eq!(small, tree, "{}", text);
            }
        }

        /// The plain lines read without the lexer give what the lexer and
        /// parser give for them, whatever line the lexer takes over at: in
        /// files of whole candidates with odd lines among them (a
        /// byte-order mark, `\r`, escapes, other spacing, odd comments).
        #[test]
        fn plain_lines_read_as_lexed(
            lines in prop::collection::vec(
                prop_oneof![
                    6 => (0..1000_u32, 1..60_u32, any::<bool>()).prop_map(|(id, months, remedial)| format!(
                        "[[candidate]]\nid = \"c{id}\"\nduration_months = {months}\nvisibility = \"high\"\n\
                         change = \"process\"\nphase = \"design\"\nremedial = {remedial}\n\
                         bottom_line = \"direct\"\nlead = \"credible\"\nsponsor_level = \"manager\"\n\
                         sponsor_motivation = \"strong\""
                    )),
                    2 => candidate(),
                    1 => line(),
                    1 => prop::sample::select(vec![
                        "\u{feff}[[candidate]]", "\u{feff}", "# é", "#\u{7f}", "#\ta", "# \"",
                        "id = \"c\"\r", "k = \"a\" ", "id\t=\t\"z\"", "remedial = false",
                        "remedial = True", "duration_months = 00", "duration_months = 1_5",
                        "duration_months = 123456789012345678", "name = \"#\"", "[[candidate]] ",
                        "id = \"\"\"x\"\"\"", "id = \"a\" \"b\"", "\"id\" = \"q\"",
                    ]).prop_map(str::to_owned),
                ],
                0..20,
            ),
            crlf in any::<bool>(),
            chunk in 1..40_usize,
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let plain = read_as(&text, usize::MAX, 0, (CHUNK, false));
            let lexed = read_as(&text, usize::MAX, 0, (CHUNK, true));
            match (plain, lexed) {
                (Outcome::Read(plain), Outcome::Read(lexed)) => prop_assert_eq!(plain, lexed, "{}", text),
                (Outcome::Fallback, Outcome::Fallback) => {}
                (plain, lexed) => prop_assert!(false, "{:?} {:?}\n{}", plain, lexed, text),
            }
            // With the lexer taking over in small chunks (which may fall
            // back where a whole chunk would not), what the tree gives.
            if let Outcome::Read(small) = read_as(&text, usize::MAX, 0, (chunk, false)) {
                let limits = Limits::default();
                prop_assert_eq!(small, Portfolio::read_tree(text.as_bytes(), &limits), "{}", text);
            }
        }

        /// Read in two parts on two threads, split where the line of any
        /// header the pre-scan finds starts, a file gives what it gives
        /// read whole: the same portfolio, or the same first error in file
        /// order (a repeated id across the parts, a candidate without an id
        /// counted from the file's start), or the tree.
        #[test]
        fn any_file_read_in_two_reads_as_read_whole(
            lines in prop::collection::vec(prop_oneof![1 => line(), 3 => candidate()], 0..30),
            crlf in any::<bool>(),
            chunk in 1..40_usize,
            at in any::<prop::sample::Index>(),
            max in prop_oneof![Just(usize::MAX), 1..12_usize],
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let whole = read(&text, max, 0, chunk);
            let starts = crate::prescan::scan(text.as_bytes(), usize::MAX).starts;
            prop_assume!(!starts.is_empty());
            let index = at.index(starts.len());
            let two = in_two(&text, starts[index], max, (index, starts.len() - index), chunk);
            match (whole, two) {
                (Outcome::Read(whole), Outcome::Read(two)) => prop_assert_eq!(whole, two, "{}", text),
                (Outcome::Fallback, Outcome::Fallback) => {}
                (whole, two) => prop_assert!(false, "{:?} {:?}\n{}", whole, two, text),
            }
        }
    }

    #[test]
    fn errors_in_either_part_are_given_as_read_whole() {
        let candidate = |id: &str, months: &str| {
            format!(
                "[[candidate]]\nid = {id}\nduration_months = {months}\nvisibility = \"high\"\n\
                 change = \"technology\"\nphase = \"design\"\nbottom_line = \"direct\"\n\
                 lead = \"credible\"\nsponsor_level = \"manager\"\nsponsor_motivation = \"strong\"\n"
            )
        };
        let good = |i: usize| candidate(&format!("\"c{i}\""), "15");
        let cases: [(Vec<String>, &str); 5] = [
            // An error in the second part only.
            (
                vec![good(0), good(1), good(2), candidate("\"\"", "15")],
                "portfolio:32:6, candidate #4, key id: must not be empty",
            ),
            // Errors in both: the first part's.
            (
                vec![
                    good(0),
                    candidate("\"x\"", "0"),
                    good(2),
                    candidate("\"\"", "15"),
                ],
                "portfolio:13:19, candidate \"x\", key duration_months: must be more than 0 months, not 0",
            ),
            // A repeated id across the parts.
            (
                vec![good(0), good(1), good(2), good(1)],
                "portfolio:32:6, candidate \"c1\", key id: duplicate candidate id, first used at 12:6",
            ),
            // A repeat in the second part before an error in it.
            (
                vec![good(0), good(1), good(1), candidate("\"\"", "0")],
                "portfolio:22:6, candidate \"c1\", key id: duplicate candidate id, first used at 12:6",
            ),
            // An error in the first part before a repeat across the parts.
            (
                vec![good(0), candidate("\"\"", "15"), good(2), good(0)],
                "portfolio:12:6, candidate #2, key id: must not be empty",
            ),
        ];
        for (candidates, what) in cases {
            let text = candidates.concat();
            let split = text.match_indices("[[candidate]]").nth(2).unwrap().0;
            let in_two = |text, split| in_two(text, split, usize::MAX, (2, 2), CHUNK);
            let Outcome::Read(Err(whole)) = read(&text, usize::MAX, 0, CHUNK) else {
                panic!("{text}");
            };
            let Outcome::Read(Err(two)) = in_two(&text, split) else {
                panic!("{text}");
            };
            assert_eq!(whole, two, "{text}");
            assert_eq!(whole.to_string(), what);
        }
    }
}
