//! A CSV row of the plain shape read straight into a candidate, without
//! serde: what most rows of a large table are.
//!
//! A row is plain when every cell it gives is one the portfolio's own
//! columns take as they are (an id, a name, a unit, a sponsor, a number of
//! months, a level, `remedial`) and the candidate passes its checks. Any
//! other row (an empty required cell, a value serde would refuse, a text
//! the checks refuse, a cell of the pull such as `tags`) gives `None`, and
//! the caller reads it again through serde, whose error is the one to give.
//! So a row read here is the candidate serde would have read, and no error
//! is made here.

use super::Key;
use crate::candidate::{Candidate, Evidence, Texts, check_months, check_texts};
use crate::criterion::Level;

/// One row's cells as read so far.
type Fields<'a> = super::Fields<&'a str, f64>;

/// The candidate of a row whose cells are `cells`, under `columns`; `None`
/// when the row is not plain (see the module's docs).
pub(super) fn candidate<'a>(
    columns: &[Option<Key>],
    cells: impl Iterator<Item = &'a str>,
) -> Option<Candidate> {
    let mut f = Fields::default();
    for (&column, cell) in columns.iter().zip(cells) {
        // An empty cell is a key not given.
        if cell.is_empty() {
            continue;
        }
        match column {
            Some(Key::Id) => f.id = Some(cell),
            Some(Key::Name) => f.name = Some(cell),
            Some(Key::Unit) => f.unit = Some(cell),
            Some(Key::Sponsor) => f.sponsor = Some(cell),
            // As serde reads an `f64` from a cell.
            Some(Key::DurationMonths) => f.duration = Some(cell.parse().ok()?),
            Some(Key::Visibility) => f.visibility = Some(Level::named(cell)?),
            Some(Key::Change) => f.change = Some(Level::named(cell)?),
            Some(Key::Phase) => f.phase = Some(Level::named(cell)?),
            Some(Key::Remedial) => f.remedial = Some(boolean(cell)?),
            Some(Key::BottomLine) => f.bottom_line = Some(Level::named(cell)?),
            Some(Key::Lead) => f.lead = Some(Level::named(cell)?),
            Some(Key::SponsorLevel) => f.sponsor_level = Some(Level::named(cell)?),
            Some(Key::SponsorMotivation) => f.sponsor_motivation = Some(Level::named(cell)?),
            // A key of the pull: a row that fills it is read through serde.
            None => return None,
        }
    }
    let id = f.id?;
    let texts = Texts {
        id: (id, ()),
        name: f.name.map(|name| (name, ())),
        unit: f.unit.map(|unit| (unit, ())),
        sponsor: f.sponsor.map(|sponsor| (sponsor, ())),
        tags: Vec::new(),
        agents: Vec::new(),
        champions: Vec::new(),
    };
    check_texts(texts).ok()?;
    let evidence = Evidence {
        duration: check_months(f.duration?).ok()?,
        visibility: f.visibility?,
        change: f.change?,
        phase: f.phase?,
        remedial: f.remedial.unwrap_or(false),
        bottom_line: f.bottom_line?,
        lead: f.lead?,
        sponsor_level: f.sponsor_level?,
        sponsor_motivation: f.sponsor_motivation?,
    };
    let id = id.to_owned();
    Some(Candidate {
        name: f.name.map_or_else(|| id.clone(), str::to_owned),
        id,
        unit: f.unit.map(str::to_owned),
        sponsor: f.sponsor.map(str::to_owned),
        trainees: None,
        tags: Vec::new(),
        agents: Vec::new(),
        champions: Vec::new(),
        local_initiative: false,
        asked: false,
        start_month: 0,
        evidence,
    })
}

/// A bool as a cell gives it: spreadsheets write `TRUE` and `FALSE`.
pub(super) fn boolean(cell: &str) -> Option<bool> {
    match cell {
        "true" | "TRUE" | "True" => Some(true),
        "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
