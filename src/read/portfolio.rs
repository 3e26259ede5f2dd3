//! The portfolio file: one `[[candidate]]` table per project.

use std::ops::Range;
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use crate::candidate::{
    Candidate, Evidence, FirstUse, Months, Portfolio, Texts, candidate_ref, check_months,
    check_texts, evidence_fields,
};
use crate::criterion::{
    BottomLine, Change, Lead, Level, Motivation, Phase, SponsorLevel, Visibility,
};
use crate::error::{At, CandidateRef, Error, Location, Part, Result};
use crate::limits::Limits;
use crate::prescan;

use super::{Named, Table};

/// The size from which a portfolio file is read on two threads: 32 MiB,
/// about 140,000 candidates. Below, the time saved is a few tens of
/// milliseconds at most, and one thread allocates all (as the counting
/// allocator of `tests/it/alloc.rs` sees it).
const IN_TWO_FROM: usize = 32 << 20;

impl Portfolio {
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
        Portfolio::read_with(text.as_bytes(), &Limits::default())
    }

    /// Reads a portfolio file from bytes, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// As [`Limits::read_portfolio`] with the default limits.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Portfolio::read_with(bytes, &Limits::default())
    }

    /// Reads a portfolio file within `limits`: from the TOML events when the
    /// file has the plain portfolio shape, else from document trees.
    ///
    /// The pre-scan runs first either way, so that input the limits refuse
    /// (too many candidates, too dense) is refused before anything is built.
    pub(crate) fn read_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let text = super::text(Part::Portfolio, bytes, limits)?;
        let sections = prescan::sections(text, limits)?;
        // Sections counted with the memory each candidate keeps: room for
        // them all at once, with no vector doubling past them.
        let expected = if sections.len() > 1 {
            sections.len() - 1
        } else {
            0
        };
        // A large file is read in two parts at once, split at the header
        // that starts its second half of candidates.
        let split = sections
            .get(sections.len() / 2)
            .filter(|_| text.len() >= IN_TWO_FROM && sections.len() > 2);
        let streamed = match split {
            Some(split) => super::stream::portfolio_in_two(
                text,
                split.start,
                limits.max_candidates,
                (sections.len() / 2 - 1, sections.len() - sections.len() / 2),
            ),
            None => super::stream::portfolio(text, limits.max_candidates, expected),
        };
        match streamed {
            super::stream::Outcome::Read(portfolio) => portfolio,
            super::stream::Outcome::Fallback => Portfolio::read_sections(text, &sections, limits),
        }
    }

    /// Reads a portfolio file within `limits` from document trees: a
    /// `[[candidate]]` section at a time (see [`prescan::sections`]), or at
    /// once. The stream reader's tests compare against it.
    #[cfg(test)]
    pub(crate) fn read_tree(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let text = super::text(Part::Portfolio, bytes, limits)?;
        let sections = prescan::sections(text, limits)?;
        Portfolio::read_sections(text, &sections, limits)
    }

    /// Reads the `sections` of the portfolio file `text` from document
    /// trees, one at a time.
    fn read_sections(text: &str, sections: &[Range<usize>], limits: &Limits) -> Result<Self> {
        let mut reader = Reader {
            whole: text,
            first_use: FirstUse::with_capacity(sections.len()),
            candidates: Vec::with_capacity(sections.len().saturating_sub(1)),
        };
        for (i, section) in sections.iter().enumerate() {
            let before = reader.candidates.len();
            let preamble = i == 0 && sections.len() > 1;
            reader
                .section(section.clone(), preamble, limits)
                .map_err(|e| {
                    // Placed in the section: shift to the whole file.
                    let lines = text
                        .get(..section.start)
                        .unwrap_or_default()
                        .matches('\n')
                        .count();
                    shifted(e, lines, before)
                })?;
        }
        if reader.candidates.is_empty() {
            return Err(Error::NoCandidates);
        }
        Ok(Portfolio::indexed(reader.candidates))
    }
}

/// Candidates read so far from a portfolio file, section by section.
struct Reader<'t> {
    /// The whole file.
    whole: &'t str,
    /// Where in the whole file each id was first used.
    first_use: FirstUse<Range<usize>>,
    candidates: Vec<Candidate>,
}

impl Reader<'_> {
    /// Reads the candidates of the section `range` of the file: errors are
    /// placed in the section. The `preamble`, the text before the first
    /// `[[candidate]]` header, may not give `candidate` too.
    fn section(&mut self, range: Range<usize>, preamble: bool, limits: &Limits) -> Result<()> {
        let text = self.whole.get(range.clone()).unwrap_or_default();
        let root = super::parse_text(Part::Portfolio, text)?;
        if preamble && root.get("candidate").is_some() {
            return Err(Error::Toml {
                at: At {
                    location: Some(super::location(self.whole, range.end)),
                    ..At::part(Part::Portfolio)
                },
                message: "duplicate key `candidate`".to_owned(),
            });
        }
        let count = root
            .get("candidate")
            .and_then(|candidates| candidates.get_ref().as_array())
            .map_or(0, |candidates| candidates.len())
            + self.candidates.len();
        if count > limits.max_candidates {
            return Err(Error::TooManyCandidates {
                count,
                limit: limits.max_candidates,
            });
        }
        let raw: RawPortfolio = super::deserialize(Part::Portfolio, text, root)?;
        let section = Section {
            text,
            base: range.start,
            whole: self.whole,
        };
        for (i, raw) in raw.candidate.into_iter().enumerate() {
            let Table(raw) = raw.into_inner();
            let candidate = raw.check(i, &section, &mut self.first_use)?;
            self.candidates.push(candidate);
        }
        Ok(())
    }
}

/// Where the spans of a raw candidate point: into a TOML text, or at the
/// cells of a CSV table. The checked conversion is the same for both.
pub(super) trait Spans {
    /// The place of the value at `span`: part, line and column or cell.
    fn at(&self, span: Range<usize>) -> At;

    /// `span` as the whole input places it, for remembering where an id
    /// was first used: the same span, unless the spans are of a part.
    fn absolute(&self, span: Range<usize>) -> Range<usize> {
        span
    }

    /// Where the id first used at `span` (as [`Spans::absolute`] gave it)
    /// is, as `Error::DuplicateId` says it: a line and column, or a row
    /// and column.
    fn first_use(&self, span: Range<usize>) -> Location;
}

/// A section of a portfolio file.
struct Section<'t> {
    text: &'t str,
    /// Where it starts in the whole file.
    base: usize,
    whole: &'t str,
}

impl Spans for Section<'_> {
    fn at(&self, span: Range<usize>) -> At {
        super::locate(Part::Portfolio, self.text, span)
    }

    fn absolute(&self, span: Range<usize>) -> Range<usize> {
        self.base + span.start..self.base + span.end
    }

    fn first_use(&self, span: Range<usize>) -> Location {
        super::location(self.whole, span.start)
    }
}

/// `error`, placed in a section of a file, placed in the whole file: the
/// section starts `lines` lines and `candidates` candidates into it. A
/// section starts at the start of a line, so columns stay.
fn shifted(error: Error, lines: usize, candidates: usize) -> Error {
    let shift = |mut at: At| {
        if let Some(location) = &mut at.location {
            location.line += lines;
        }
        if let Some(CandidateRef::Position(n)) = &mut at.candidate {
            *n += candidates;
        }
        at
    };
    match error {
        Error::Toml { at, message } => Error::Toml {
            at: shift(at),
            message,
        },
        Error::Invalid { at, message } => Error::Invalid {
            at: shift(at),
            message,
        },
        Error::DuplicateId { at, first } => Error::DuplicateId {
            at: shift(at),
            first,
        },
        other => other,
    }
}

impl Limits {
    /// Reads a portfolio file from `bytes` within these limits.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`](crate::Error::TooLarge),
    /// [`Error::Encoding`](crate::Error::Encoding) for bytes that are not
    /// UTF-8, [`Error::TooDense`](crate::Error::TooDense),
    /// [`Error::TooManyCandidates`](crate::Error::TooManyCandidates),
    /// and every error of [`Portfolio::from_toml`].
    pub fn read_portfolio(&self, bytes: &[u8]) -> Result<Portfolio> {
        Portfolio::read_with(bytes, self)
    }
}

impl FromStr for Portfolio {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Portfolio::from_toml(text)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a portfolio file")]
struct RawPortfolio {
    #[serde(default)]
    candidate: Vec<Spanned<Table<RawCandidate>>>,
}

/// `RawCandidate` from [`evidence_fields!`]: the candidate's own keys, then
/// the evidence's, each as [`FromRaw`] reads it, and the checked
/// conversion of the evidence.
macro_rules! raw_candidate {
    ($(
        #[doc = $doc:literal]
        $(#[serde($($serde:tt)*)])?
        $key:ident($input:ty) => $slot:ident: $ty:ty, $field:ident, $n:literal $criterion:ident;
    )+) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, expecting = "a [[candidate]] table")]
        pub(super) struct RawCandidate {
            id: Spanned<String>,
            name: Option<Spanned<String>>,
            unit: Option<Spanned<String>>,
            sponsor: Option<Spanned<String>>,
            trainees: Option<Spanned<i64>>,
            #[serde(default)]
            tags: Vec<Spanned<String>>,
            #[serde(default)]
            agents: Vec<Spanned<String>>,
            #[serde(default)]
            champions: Vec<Spanned<String>>,
            #[serde(default)]
            local_initiative: bool,
            #[serde(default)]
            asked: bool,
            start_month: Option<Spanned<i64>>,
            $(
                $(#[serde($($serde)*)])?
                $key: <$ty as FromRaw>::Raw,
            )+
        }

        impl RawCandidate {
            /// The evidence, checked: the key, span and message of the
            /// first field that is not allowed.
            fn evidence(&self) -> Result<Evidence, (&'static str, Range<usize>, String)> {
                Ok(Evidence {
                    $(
                        $slot: <$ty>::from_raw(&self.$key)
                            .map_err(|(span, message)| (stringify!($key), span, message))?,
                    )+
                })
            }
        }
    };
}

evidence_fields!(raw_candidate);

/// An evidence field's type as the portfolio file gives it, before it is
/// checked.
trait FromRaw: Sized {
    /// What serde reads.
    type Raw;
    /// The value, or where it is and why it is not allowed.
    fn from_raw(raw: &Self::Raw) -> Result<Self, (Range<usize>, String)>;
}

impl FromRaw for Months {
    type Raw = Spanned<f64>;

    fn from_raw(raw: &Spanned<f64>) -> Result<Self, (Range<usize>, String)> {
        check_months(*raw.get_ref()).map_err(|message| (raw.span(), message))
    }
}

impl FromRaw for bool {
    type Raw = bool;

    fn from_raw(raw: &bool) -> Result<Self, (Range<usize>, String)> {
        Ok(*raw)
    }
}

impl<L: Level> FromRaw for L {
    type Raw = L;

    fn from_raw(raw: &L) -> Result<Self, (Range<usize>, String)> {
        Ok(*raw)
    }
}

/// A key's error: the key, the span of its value and the message.
type KeyError = (&'static str, Range<usize>, String);

impl RawCandidate {
    /// The `i`-th candidate of a file whose spans are `spans`, checked as
    /// [`Portfolio::new`] checks it, its id taken in `first_use`.
    pub(super) fn check(
        self,
        i: usize,
        spans: &impl Spans,
        first_use: &mut FirstUse<Range<usize>>,
    ) -> Result<Candidate> {
        let who = candidate_ref(self.id.get_ref(), i);
        let invalid = |(key, span, message): KeyError| Error::Invalid {
            at: At {
                candidate: Some(who.clone()),
                key: Some(key.to_owned()),
                ..spans.at(span)
            },
            message,
        };
        check_texts(self.texts()).map_err(invalid)?;
        let trainees = self.trainees().map_err(invalid)?;
        let evidence = self.evidence().map_err(invalid)?;
        let start_month = self.start_month().map_err(invalid)?;
        let id_span = self.id.span();
        let id = self.id.into_inner();
        claim_id(&id, id_span, spans, first_use)?;
        Ok(Candidate {
            name: self.name.map_or_else(|| id.clone(), Spanned::into_inner),
            id,
            unit: self.unit.map(Spanned::into_inner),
            sponsor: self.sponsor.map(Spanned::into_inner),
            trainees,
            tags: self.tags.into_iter().map(Spanned::into_inner).collect(),
            agents: self.agents.into_iter().map(Spanned::into_inner).collect(),
            champions: self
                .champions
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            local_initiative: self.local_initiative,
            asked: self.asked,
            start_month,
            evidence,
        })
    }

    /// The texts of the candidate with their spans, for [`check_texts`].
    fn texts(&self) -> Texts<'_, Range<usize>> {
        Texts {
            id: (self.id.get_ref().as_str(), self.id.span()),
            name: self.name.as_ref().map(spanned),
            unit: self.unit.as_ref().map(spanned),
            sponsor: self.sponsor.as_ref().map(spanned),
            tags: self.tags.iter().map(spanned).collect(),
            agents: self.agents.iter().map(spanned).collect(),
            champions: self.champions.iter().map(spanned).collect(),
        }
    }

    /// The number of trainees, if given, checked to be at least 0.
    fn trainees(&self) -> Result<Option<u64>, KeyError> {
        (self.trainees.as_ref())
            .map(|n| {
                u64::try_from(*n.get_ref()).map_err(|_| {
                    let message = format!("must be at least 0, not {}", n.get_ref());
                    ("trainees", n.span(), message)
                })
            })
            .transpose()
    }

    /// The start month, 0 when not given, checked to fit a `u32`.
    fn start_month(&self) -> Result<u32, KeyError> {
        match &self.start_month {
            None => Ok(0),
            Some(month) => u32::try_from(*month.get_ref()).map_err(|_| {
                (
                    "start_month",
                    month.span(),
                    format!(
                        "must be a month from 0 to {}, not {}",
                        u32::MAX,
                        month.get_ref()
                    ),
                )
            }),
        }
    }
}

/// Takes `id`, spanning `id_span`, in `first_use`: an error when an earlier
/// candidate has it.
fn claim_id(
    id: &str,
    id_span: Range<usize>,
    spans: &impl Spans,
    first_use: &mut FirstUse<Range<usize>>,
) -> Result<()> {
    first_use
        .claim(id, spans.absolute(id_span.clone()))
        .map_err(|first| Error::DuplicateId {
            at: At {
                candidate: Some(CandidateRef::Id(id.to_owned())),
                key: Some("id".to_owned()),
                ..spans.at(id_span)
            },
            first: Some(spans.first_use(first)),
        })
}

/// A text of the file with its span.
fn spanned(text: &Spanned<String>) -> (&str, Range<usize>) {
    (text.get_ref().as_str(), text.span())
}

impl Named for RawCandidate {
    const WHAT: &'static str = "a [[candidate]] table";
}
