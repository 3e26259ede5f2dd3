//! A candidate project, its evidence, and the portfolio file.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::criterion::{BottomLine, Change, Lead, Motivation, Phase, SponsorLevel, Visibility};
use crate::error::{At, CandidateRef, Error, Part, Result};
use crate::limits::Limits;
use crate::read;

/// A project that could demonstrate the methodology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Unique in its portfolio, non-empty, no control, bidi or zero-width
    /// characters.
    pub id: String,
    /// A readable name; the id when the file gives none.
    pub name: String,
    /// The business unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The sponsor's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// What is known about the project, criterion by criterion.
    #[serde(flatten)]
    pub evidence: Evidence,
}

impl Candidate {
    /// A candidate named by its id.
    #[must_use]
    pub fn new(id: impl Into<String>, evidence: Evidence) -> Self {
        let id = id.into();
        Candidate {
            name: id.clone(),
            id,
            unit: None,
            sponsor: None,
            evidence,
        }
    }
}

/// What is known about a candidate, one field or two per criterion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    /// 1: how long the project lasts.
    #[serde(rename = "duration_months")]
    pub duration: Months,
    /// 2: how visible it is.
    pub visibility: Visibility,
    /// 3: what it changes.
    pub change: Change,
    /// 4: where it is in its life cycle.
    pub phase: Phase,
    /// 4: whether it fixes past problems.
    pub remedial: bool,
    /// 5: how it returns to the bottom line.
    pub bottom_line: BottomLine,
    /// 6: its team lead.
    pub lead: Lead,
    /// 7: where its sponsor sits.
    pub sponsor_level: SponsorLevel,
    /// 7: how motivated its sponsor is.
    pub sponsor_motivation: Motivation,
}

/// A project's length in months: finite and more than 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Months(f64);

impl Months {
    /// `months`, when it is a finite number more than 0.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `months` is NaN, infinite, or not more than 0.
    pub fn new(months: f64) -> Result<Self> {
        check_months(months).map_err(|message| Error::Invalid {
            at: At {
                key: Some("duration_months".to_owned()),
                ..At::part(Part::Portfolio)
            },
            message,
        })
    }

    /// The number of months.
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Months {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<f64> for Months {
    type Error = Error;

    fn try_from(months: f64) -> Result<Self> {
        Months::new(months)
    }
}

fn check_months(months: f64) -> Result<Months, String> {
    crate::criteria::check_number(months)?;
    if months > 0.0 {
        Ok(Months(months))
    } else {
        Err(format!("must be more than 0 months, not {months}"))
    }
}

/// The candidates to rank: ids unique and valid.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Portfolio {
    #[serde(rename = "candidate")]
    candidates: Vec<Candidate>,
    /// The candidates in id order, as ranking reads them.
    #[serde(skip)]
    id_order: IdOrder,
}

impl Portfolio {
    /// A portfolio of `candidates`, in any order.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for an id that is empty or holds control, bidi or
    /// zero-width characters, or a name, unit or sponsor that is empty or
    /// holds control or bidi characters; [`Error::DuplicateId`] for an id
    /// used twice.
    pub fn new(candidates: Vec<Candidate>) -> Result<Self> {
        let mut seen = HashMap::with_capacity(candidates.len());
        for (i, candidate) in candidates.iter().enumerate() {
            let at = |key: &'static str| At {
                candidate: Some(candidate_ref(&candidate.id, i)),
                key: Some(key.to_owned()),
                ..At::part(Part::Portfolio)
            };
            let invalid = |key: &'static str| {
                move |message| Error::Invalid {
                    at: at(key),
                    message,
                }
            };
            check_id(&candidate.id).map_err(invalid("id"))?;
            check_text(&candidate.name).map_err(invalid("name"))?;
            for (key, text) in [("unit", &candidate.unit), ("sponsor", &candidate.sponsor)] {
                if let Some(text) = text {
                    check_text(text).map_err(invalid(key))?;
                }
            }
            if seen.insert(candidate.id.as_str(), i).is_some() {
                return Err(Error::DuplicateId {
                    at: At {
                        candidate: Some(CandidateRef::Id(candidate.id.clone())),
                        ..At::part(Part::Portfolio)
                    },
                    first: None,
                });
            }
        }
        Ok(Portfolio::indexed(candidates))
    }

    /// Reads a portfolio file: one `[[candidate]]` table per project.
    ///
    /// # Errors
    ///
    /// [`Error::Toml`] for text that is not TOML of the portfolio's shape
    /// (unknown keys or levels, missing fields, wrong types);
    /// [`Error::Invalid`] and [`Error::DuplicateId`] as for
    /// [`Portfolio::new`], and for a duration that is not a number more
    /// than 0; [`Error::NoCandidates`] for a file without candidates. Each
    /// names the candidate, the key, and the line and column. Files beyond
    /// [`Limits::default`] are refused before they are parsed.
    pub fn from_toml(text: &str) -> Result<Self> {
        Limits::default().portfolio(text.as_bytes())
    }

    /// Reads a portfolio file from bytes, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// As [`Limits::portfolio`] with the default limits.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Limits::default().portfolio(bytes)
    }

    /// Reads a portfolio file within `limits`.
    pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let (text, root) = read::document(Part::Portfolio, bytes, limits.max_bytes)?;
        let count = root
            .get("candidate")
            .and_then(|candidates| candidates.get_ref().as_array())
            .map_or(0, |candidates| candidates.len());
        if count > limits.max_candidates {
            return Err(Error::TooManyCandidates {
                count,
                limit: limits.max_candidates,
            });
        }
        let raw: RawPortfolio = read::deserialize(Part::Portfolio, text, root)?;
        if raw.candidate.is_empty() {
            return Err(Error::NoCandidates);
        }
        let mut first_use: HashMap<String, Range<usize>> =
            HashMap::with_capacity(raw.candidate.len());
        let mut candidates = Vec::with_capacity(raw.candidate.len());
        for (i, raw) in raw.candidate.into_iter().enumerate() {
            let raw = raw.into_inner();
            let who = candidate_ref(raw.id.get_ref(), i);
            let invalid = |key: &'static str, span: Range<usize>| {
                let who = who.clone();
                move |message| Error::Invalid {
                    at: At {
                        candidate: Some(who),
                        key: Some(key.to_owned()),
                        ..read::locate(Part::Portfolio, text, span)
                    },
                    message,
                }
            };
            let id_span = raw.id.span();
            check_id(raw.id.get_ref()).map_err(invalid("id", id_span.clone()))?;
            let name = match raw.name {
                Some(name) => {
                    check_text(name.get_ref()).map_err(invalid("name", name.span()))?;
                    name.into_inner()
                }
                None => raw.id.get_ref().clone(),
            };
            let optional =
                |text: Option<Spanned<String>>, key: &'static str| -> Result<Option<String>> {
                    text.map(|text| {
                        check_text(text.get_ref()).map_err(invalid(key, text.span()))?;
                        Ok(text.into_inner())
                    })
                    .transpose()
                };
            let unit = optional(raw.unit, "unit")?;
            let sponsor = optional(raw.sponsor, "sponsor")?;
            let duration = check_months(*raw.duration_months.get_ref())
                .map_err(invalid("duration_months", raw.duration_months.span()))?;
            let id = raw.id.into_inner();
            if let Some(first) = first_use.get(&id) {
                return Err(Error::DuplicateId {
                    at: At {
                        candidate: Some(CandidateRef::Id(id)),
                        key: Some("id".to_owned()),
                        ..read::locate(Part::Portfolio, text, id_span)
                    },
                    first: Some(read::location(text, first.start)),
                });
            }
            first_use.insert(id.clone(), id_span);
            candidates.push(Candidate {
                id,
                name,
                unit,
                sponsor,
                evidence: Evidence {
                    duration,
                    visibility: raw.visibility,
                    change: raw.change,
                    phase: raw.phase,
                    remedial: raw.remedial,
                    bottom_line: raw.bottom_line,
                    lead: raw.lead,
                    sponsor_level: raw.sponsor_level,
                    sponsor_motivation: raw.sponsor_motivation,
                },
            });
        }
        Ok(Portfolio::indexed(candidates))
    }

    /// A portfolio of `candidates`, whose ids are unique.
    fn indexed(candidates: Vec<Candidate>) -> Self {
        Portfolio {
            id_order: IdOrder::new(&candidates),
            candidates,
        }
    }

    /// The candidates in id order, as ranking reads them.
    pub(crate) fn id_order(&self) -> &IdOrder {
        &self.id_order
    }

    /// The index in [`Portfolio::candidates`] and the candidate at `place`
    /// in id order.
    pub(crate) fn at_place(&self, place: usize) -> Option<(usize, &Candidate)> {
        let index = *self.id_order.index.get(place)?;
        Some((index, self.candidates.get(index)?))
    }

    /// The candidates, in the order given.
    #[must_use]
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate with `id`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.id == id)
    }

    /// How many candidates there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

impl FromStr for Portfolio {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Portfolio::from_toml(text)
    }
}

impl TryFrom<Vec<Candidate>> for Portfolio {
    type Error = Error;

    fn try_from(candidates: Vec<Candidate>) -> Result<Self> {
        Portfolio::new(candidates)
    }
}

fn candidate_ref(id: &str, index: usize) -> CandidateRef {
    if id.is_empty() {
        CandidateRef::Position(index + 1)
    } else {
        CandidateRef::Id(id.to_owned())
    }
}

/// Characters that reorder text as displayed (bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no width: two ids would look the same.
fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

fn check_id(id: &str) -> Result<(), String> {
    check_text(id)?;
    match id.chars().find(|&c| is_zero_width(c)) {
        Some(c) => Err(format!(
            "must not hold the zero-width character U+{:04X}",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

fn check_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    for c in text.chars() {
        if c.is_control() {
            return Err(format!(
                "must not hold the control character U+{:04X}",
                u32::from(c)
            ));
        }
        if is_bidi_control(c) {
            return Err(format!(
                "must not hold the bidi control character U+{:04X}",
                u32::from(c)
            ));
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a portfolio file")]
struct RawPortfolio {
    #[serde(default)]
    candidate: Vec<Spanned<RawCandidate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [[candidate]] table")]
struct RawCandidate {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    unit: Option<Spanned<String>>,
    sponsor: Option<Spanned<String>>,
    duration_months: Spanned<f64>,
    visibility: Visibility,
    change: Change,
    phase: Phase,
    #[serde(default)]
    remedial: bool,
    bottom_line: BottomLine,
    lead: Lead,
    sponsor_level: SponsorLevel,
    sponsor_motivation: Motivation,
}

/// A portfolio's candidates as ranking reads them, built once with the
/// portfolio: sorted by id, with their evidence side by side in that order.
/// A candidate's *place* is its position in this order. Ties are then broken
/// by comparing places, not strings, and scoring reads 16 bytes a candidate
/// instead of the whole candidate.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct IdOrder {
    /// The index in the portfolio of the candidate at each place.
    index: Vec<usize>,
    /// The evidence of the candidate at each place: all that scoring reads.
    evidence: Vec<Evidence>,
}

impl IdOrder {
    /// The id order of `candidates`, whose ids are unique.
    fn new(candidates: &[Candidate]) -> Self {
        let mut by_id: Vec<(usize, &Candidate)> = candidates.iter().enumerate().collect();
        by_id.sort_unstable_by(|(_, a), (_, b)| a.id.cmp(&b.id));
        IdOrder {
            index: by_id.iter().map(|&(index, _)| index).collect(),
            evidence: by_id
                .iter()
                .map(|(_, candidate)| candidate.evidence)
                .collect(),
        }
    }

    /// The evidence of the candidate at each place.
    pub(crate) fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// The index in the portfolio of the candidate at `place`.
    pub(crate) fn index(&self, place: usize) -> Option<usize> {
        self.index.get(place).copied()
    }

    /// The place of the candidate with `id`, among the `candidates` this
    /// order was built from.
    pub(crate) fn place_of(&self, candidates: &[Candidate], id: &str) -> Option<usize> {
        self.index
            .binary_search_by(|&index| {
                candidates
                    .get(index)
                    .map_or(Ordering::Less, |c| c.id.as_str().cmp(id))
            })
            .ok()
    }

    /// The index and evidence of the candidate at `place`.
    pub(crate) fn get(&self, place: usize) -> Option<(usize, Evidence)> {
        Some((*self.index.get(place)?, *self.evidence.get(place)?))
    }
}

impl fmt::Debug for IdOrder {
    /// Nothing the candidates do not already show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdOrder").finish_non_exhaustive()
    }
}
