//! Reading TOML: parse, and turn toml's errors into ours with a place.
//!
//! toml gives a byte span; this file turns it into a line and column and,
//! by walking the parsed document, into the key and candidate it falls in.
//! Each type reads its own file: `portfolio.rs` and `criteria.rs`.

pub(crate) mod criteria;
mod csv;
mod csv_row;
mod portfolio;
mod stream;

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, Deserializer};

use crate::criterion::{BottomLine, Change, Lead, Motivation, Phase, SponsorLevel, Visibility};
use crate::error::{At, CandidateRef, Error, Location, Part, Result, clip_quotes};
use crate::limits::Limits;
use crate::prescan;

/// `head()` on this thread and `tail()` on another at once, their results
/// in order; both on this thread, one after the other, when no thread can
/// be started. `None` for the tail only if its thread panicked while
/// holding it, which a panic of its own resumes first.
pub(crate) fn in_parallel<A, B: Send>(
    head: impl FnOnce() -> A,
    tail: impl FnOnce() -> B + Send,
) -> (A, Option<B>) {
    let tail = std::sync::Mutex::new(Some(tail));
    let run_tail = || {
        let tail = tail.lock().ok().and_then(|mut tail| tail.take());
        tail.map(|tail| tail())
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .spawn_scoped(scope, run_tail)
            .ok();
        let head = head();
        let tail = match spawned {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => run_tail(),
        };
        (head, tail)
    })
}

/// Checks the size and encoding of `bytes` and what parsing them would
/// build, then parses them as a TOML document: the steps every input goes
/// through before it means anything.
pub(crate) fn document<'t>(
    part: Part,
    bytes: &'t [u8],
    limits: &Limits,
) -> Result<(&'t str, DeTable<'t>)> {
    let text = text(part, bytes, limits)?;
    prescan::check(part, text)?;
    Ok((text, parse_text(part, text)?))
}

/// `bytes` as text, when they are within the size limit and UTF-8.
pub(crate) fn text<'t>(part: Part, bytes: &'t [u8], limits: &Limits) -> Result<&'t str> {
    if bytes.len() > limits.max_bytes {
        // The caller may have read only the first `max_bytes + 1` bytes.
        return Err(Error::TooLarge {
            part,
            size: None,
            limit: limits.max_bytes,
        });
    }
    std::str::from_utf8(bytes).map_err(|e| not_utf8(part, bytes, &e))
}

impl Limits {
    /// Checks the size of a file before it is read: a caller that knows it
    /// (from the file system) gets an error that gives it.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`](crate::Error::TooLarge) when `size` is more than
    /// [`Limits::max_bytes`].
    pub fn check_size(&self, part: Part, size: u64) -> Result<()> {
        if size > self.max_bytes as u64 {
            return Err(Error::TooLarge {
                part,
                size: Some(size),
                limit: self.max_bytes,
            });
        }
        Ok(())
    }
}

/// Parses `text` as a TOML document, with toml's errors turned into ours.
pub(crate) fn parse_text(part: Part, text: &str) -> Result<DeTable<'_>> {
    let root = DeTable::parse(text).map_err(|e| {
        let mut message = clip_quotes(e.message());
        let at = match e.span() {
            Some(span) => {
                // toml does not say which key is duplicated; its span does.
                if let Some(key) = text
                    .get(span.clone())
                    .filter(|_| message == "duplicate key")
                {
                    message = clip_quotes(&format!("duplicate key `{key}`"));
                }
                // A syntax error's empty span still marks where parsing stopped.
                place(part, text, span.start)
            }
            None => At::part(part),
        };
        Error::Toml { at, message }
    })?;
    Ok(root.into_inner())
}

/// Deserializes the parsed document `root` of `text` as the TOML form `T`.
pub(crate) fn deserialize<T: DeserializeOwned>(
    part: Part,
    text: &str,
    root: DeTable<'_>,
) -> Result<T> {
    let span = 0..text.len();
    T::deserialize(Deserializer::from(toml::Spanned::new(span, root))).map_err(|e| {
        let at = match e.span() {
            Some(span) => locate(part, text, span),
            None => At::part(part),
        };
        let array = e.message().starts_with("invalid type: array");
        let kind = e
            .span()
            .filter(|_| array || e.message().starts_with("invalid type: map"))
            .and_then(|span| kind_at(text, span.start, array));
        Error::Toml {
            at,
            message: clip_quotes(&plain(e.message(), kind)),
        }
    })
}

/// serde's words for a type error in the file's words: toml hands serde a
/// datetime, and a table, as a map; serde names Rust's types.
fn plain(message: &str, kind: Option<&str>) -> String {
    let rest = message
        .strip_prefix("invalid type: map")
        .or_else(|| message.strip_prefix("invalid type: array"));
    let mut message = match (rest, kind) {
        (Some(rest), Some(kind)) => format!("invalid type: {kind}{rest}"),
        _ => message.to_owned(),
    };
    for (rust, toml) in [
        (", expected f64", ", expected a number"),
        (", expected i64", ", expected a whole number"),
        (", expected a sequence", ", expected an array"),
    ] {
        if let Some(head) = message.strip_suffix(rust) {
            message = format!("{head}{toml}");
        }
    }
    message
}

/// What the value that starts at byte `offset` of `text` is: an `array of
/// tables` or an `array` when `array`, else a `datetime` or `table` (an
/// array of tables and its first table start at the same place).
fn kind_at(text: &str, offset: usize, array: bool) -> Option<&'static str> {
    fn find(value: &DeValue<'_>, offset: usize, array: bool) -> Option<&'static str> {
        let children: Vec<&toml::Spanned<DeValue<'_>>> = match value {
            DeValue::Table(table) => table.values().collect(),
            DeValue::Array(array) => array.iter().collect(),
            _ => Vec::new(),
        };
        // A header's table spans the header alone: search every child.
        children.into_iter().find_map(|child| {
            let kind = match (child.get_ref(), array) {
                (DeValue::Datetime(_), false) => Some("datetime"),
                (DeValue::Table(_), false) => Some("table"),
                (DeValue::Array(elements), true)
                    if !elements.is_empty() && elements.iter().all(|e| e.get_ref().is_table()) =>
                {
                    Some("array of tables")
                }
                (DeValue::Array(_), true) => Some("array"),
                _ => None,
            };
            kind.filter(|_| child.span().start == offset)
                .or_else(|| find(child.get_ref(), offset, array))
        })
    }
    let (root, _) = DeTable::parse_recoverable(text);
    find(&DeValue::Table(root.into_inner()), offset, array)
}

/// Parses `bytes` as the TOML form `T` of `part`.
pub(crate) fn parse<'t, T: DeserializeOwned>(
    part: Part,
    bytes: &'t [u8],
    limits: &Limits,
) -> Result<(T, &'t str)> {
    let (text, root) = document(part, bytes, limits)?;
    Ok((deserialize(part, text, root)?, text))
}

/// A table of the shape `T`, and nothing else: serde's derive would also
/// read a struct from an array, field by field (`[[duration]]` would be
/// "invalid type: map, expected f64").
pub(crate) struct Table<T>(pub(crate) T);

/// What a table of this shape is called in messages.
pub(crate) trait Named {
    /// `a [duration] table`, say.
    const WHAT: &'static str;
}

impl<T: serde::Serialize> serde::Serialize for Table<T> {
    /// As `T` prints.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de> + Named> serde::Deserialize<'de> for Table<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de> + Named> serde::de::Visitor<'de> for Visit<T> {
            type Value = Table<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(T::WHAT)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Table<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Table)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Table<T>, A::Error> {
                Err(serde::de::Error::invalid_type(
                    serde::de::Unexpected::Other("array"),
                    &self,
                ))
            }
        }

        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

fn not_utf8(part: Part, bytes: &[u8], e: &std::str::Utf8Error) -> Error {
    let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
    // The prefix is valid UTF-8 by the error's own account.
    let before = std::str::from_utf8(valid).unwrap_or_default();
    let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
    let message = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        "not UTF-8: this looks like UTF-16; save the file as UTF-8".to_owned()
    } else {
        format!("not UTF-8: byte 0x{byte:02x} cannot be read as text; save the file as UTF-8")
    };
    Error::Encoding {
        at: At {
            location: Some(location(before, before.len())),
            ..At::part(part)
        },
        message,
    }
}

/// The place of `span` in `text`: line and column, and the candidate and key
/// it falls in. An empty span has no location: toml gives one when it knows
/// no better place, such as a field missing from the whole document.
pub(crate) fn locate(part: Part, text: &str, span: Range<usize>) -> At {
    if span.is_empty() {
        return At::part(part);
    }
    place(part, text, span.start)
}

/// The place of byte `offset` in `text`: line and column, and the candidate
/// and key it falls in.
fn place(part: Part, text: &str, offset: usize) -> At {
    let mut at = At {
        location: Some(location(text, offset)),
        ..At::part(part)
    };
    // Errors are rare: parsing again here is cheaper than keeping every
    // document's tree on the happy path. Recovery gives a tree even for
    // text with syntax errors.
    let (root, _) = DeTable::parse_recoverable(text);
    let mut path = Vec::new();
    walk(root.get_ref(), offset, &mut path);
    let mut keys: Vec<&str> = Vec::new();
    for step in &path {
        match step {
            Step::Key(key) => keys.push(key),
            Step::Element { index, id } if part == Part::Portfolio && keys == ["candidate"] => {
                at.candidate = Some(match id {
                    Some(id) => CandidateRef::Id(id.clone()),
                    None => CandidateRef::Position(index + 1),
                });
                keys.clear();
            }
            Step::Element { .. } => {}
        }
    }
    if !keys.is_empty() {
        at.key = Some(keys.join("."));
    }
    at
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn location(text: &str, offset: usize) -> Location {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_text = before.get(line_start..).unwrap_or_default();
    // An editor does not show a byte-order mark as a column.
    let line_text = line_text.strip_prefix('\u{feff}').unwrap_or(line_text);
    Location {
        line: before.matches('\n').count() + 1,
        column: line_text.chars().count() + 1,
    }
}

/// One step down a TOML document.
enum Step {
    Key(String),
    /// An element of an array; `id` is its `id` string, when it is a table
    /// with a usable one.
    Element {
        index: usize,
        id: Option<String>,
    },
}

/// Pushes onto `path` the keys and elements leading to byte `offset`.
fn walk(table: &DeTable<'_>, offset: usize, path: &mut Vec<Step>) {
    let contains = |span: Range<usize>| span.contains(&offset);
    // A key or value whose span holds the offset; failing that, the last
    // table or array of tables opened before it: a `[header]`'s span is the
    // header alone, its keys follow it up to the next header.
    let found = table
        .iter()
        .find(|(key, value)| contains(key.span()) || contains(value.span()))
        .or_else(|| {
            table
                .iter()
                .filter(|(key, value)| is_section(value.get_ref()) && key.span().start <= offset)
                .max_by_key(|(key, _)| key.span().start)
        });
    let Some((key, value)) = found else {
        return;
    };
    path.push(Step::Key(key.get_ref().to_string()));
    descend(value.get_ref(), offset, path);
}

fn descend(value: &DeValue<'_>, offset: usize, path: &mut Vec<Step>) {
    match value {
        DeValue::Table(table) => walk(table, offset, path),
        DeValue::Array(array) => {
            let element = array
                .iter()
                .enumerate()
                .filter(|(_, element)| element.span().start <= offset)
                .max_by_key(|(_, element)| element.span().start);
            if let Some((index, element)) = element {
                let id = element
                    .get_ref()
                    .get("id")
                    .and_then(|id| id.get_ref().as_str())
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned);
                path.push(Step::Element { index, id });
                descend(element.get_ref(), offset, path);
            }
        }
        _ => {}
    }
}

fn is_section(value: &DeValue<'_>) -> bool {
    match value {
        DeValue::Table(_) => true,
        DeValue::Array(array) => array.iter().any(|e| e.get_ref().is_table()),
        _ => false,
    }
}

/// The keys of a candidate that the readers take without serde: a
/// `[[candidate]]` table's (`stream.rs`) and a CSV table's columns
/// (`csv_row.rs`). Any other key goes the slow way, which gives the
/// exact error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Key {
    Id,
    Name,
    Unit,
    Sponsor,
    DurationMonths,
    Visibility,
    Change,
    Phase,
    Remedial,
    BottomLine,
    Lead,
    SponsorLevel,
    SponsorMotivation,
}

impl Key {
    /// The key named `name`; `None` for any other.
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Key::Id,
            "name" => Key::Name,
            "unit" => Key::Unit,
            "sponsor" => Key::Sponsor,
            "duration_months" => Key::DurationMonths,
            "visibility" => Key::Visibility,
            "change" => Key::Change,
            "phase" => Key::Phase,
            "remedial" => Key::Remedial,
            "bottom_line" => Key::BottomLine,
            "lead" => Key::Lead,
            "sponsor_level" => Key::SponsorLevel,
            "sponsor_motivation" => Key::SponsorMotivation,
            _ => return None,
        })
    }
}

/// One candidate's values of the [`Key`]s as read so far: its texts as
/// `T` and its duration as `D`. A CSV row's are `&str` and `f64`
/// (`csv_row.rs`); a `[[candidate]]` table's, each with where it is in the
/// file (`stream.rs`).
struct Fields<T, D> {
    id: Option<T>,
    name: Option<T>,
    unit: Option<T>,
    sponsor: Option<T>,
    duration: Option<D>,
    visibility: Option<Visibility>,
    change: Option<Change>,
    phase: Option<Phase>,
    remedial: Option<bool>,
    bottom_line: Option<BottomLine>,
    lead: Option<Lead>,
    sponsor_level: Option<SponsorLevel>,
    sponsor_motivation: Option<Motivation>,
}

impl<T, D> Default for Fields<T, D> {
    /// Nothing read yet.
    fn default() -> Self {
        Fields {
            id: None,
            name: None,
            unit: None,
            sponsor: None,
            duration: None,
            visibility: None,
            change: None,
            phase: None,
            remedial: None,
            bottom_line: None,
            lead: None,
            sponsor_level: None,
            sponsor_motivation: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SHOWN;

    #[test]
    fn in_parallel_gives_both_results_in_order() {
        let text = "head tail";
        let (head, tail) = in_parallel(|| &text[..4], || text[5..].to_owned());
        assert_eq!((head, tail.as_deref()), ("head", Some("tail")));
    }

    #[test]
    fn an_empty_span_has_no_location() {
        let at = locate(Part::Portfolio, "[[candidate]]\nid = \"a\"\n", 0..0);
        assert_eq!(at, At::part(Part::Portfolio));
    }

    #[test]
    fn a_span_is_placed_in_its_candidate_and_key() {
        let text = "[[candidate]]\nid = \"a\"\n\n[[candidate]]\nid = \"b\"\nlead = 3\n";
        let offset = text.find('3').unwrap();
        let at = locate(Part::Portfolio, text, offset..offset + 1);
        assert_eq!(at.location, Some(Location { line: 6, column: 8 }));
        assert_eq!(at.candidate, Some(CandidateRef::Id("b".to_owned())));
        assert_eq!(at.key.as_deref(), Some("lead"));
    }

    #[test]
    fn columns_count_characters_and_skip_a_byte_order_mark() {
        assert_eq!(location("\u{feff}ab", 5), Location { line: 1, column: 3 });
        assert_eq!(location("é = 1\r\nxy", 9), Location { line: 2, column: 2 });
        // An offset inside a character, or past the end, is clamped.
        assert_eq!(location("é", 1), Location { line: 1, column: 1 });
        assert_eq!(location("ab", 99), Location { line: 1, column: 3 });
    }

    #[test]
    fn long_quoted_snippets_are_clipped() {
        let long = "x".repeat(100);
        let clipped = clip_quotes(&format!("unknown variant `{long}`, expected `a`"));
        assert_eq!(
            clipped,
            format!("unknown variant `{}…`, expected `a`", "x".repeat(SHOWN))
        );
        assert_eq!(clip_quotes("string \"short\""), "string \"short\"");
        assert_eq!(clip_quotes("two\nlines"), "two\\nlines");
    }
}
