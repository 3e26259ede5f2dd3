//! Reading TOML: parse, and turn toml's errors into ours with a place.
//!
//! toml gives a byte span; this file turns it into a line and column and,
//! by walking the parsed document, into the key and candidate it falls in.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, Deserializer};

use crate::error::{At, CandidateRef, Error, Location, Part, Result};

/// Parses `text` as the TOML form `T` of `part`.
pub(crate) fn parse<T: DeserializeOwned>(part: Part, text: &str) -> Result<T> {
    let root = DeTable::parse(text).map_err(|e| {
        // A syntax error's empty span still marks where parsing stopped.
        let location = e.span().map(|span| location(text, span.start));
        Error::Toml {
            at: At {
                location,
                ..At::part(part)
            },
            message: e.message().to_owned(),
        }
    })?;
    T::deserialize(Deserializer::from(root)).map_err(|e| {
        let at = match e.span() {
            Some(span) => locate(part, text, span),
            None => At::part(part),
        };
        Error::Toml {
            at,
            message: e.message().to_owned(),
        }
    })
}

/// The place of `span` in `text`: line and column, and the candidate and key
/// it falls in. An empty span has no location: toml gives one when it knows
/// no better place, such as a field missing from the whole document.
pub(crate) fn locate(part: Part, text: &str, span: Range<usize>) -> At {
    let mut at = At::part(part);
    if span.is_empty() {
        return at;
    }
    at.location = Some(location(text, span.start));
    // The text parsed before; on the error path parsing it again is cheaper
    // than keeping every document's tree on the happy path.
    let Ok(root) = DeTable::parse(text) else {
        return at;
    };
    let mut path = Vec::new();
    walk(root.get_ref(), span.start, &mut path);
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
