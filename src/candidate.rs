//! A candidate project, its evidence, and the portfolio: the candidates,
//! their ids checked, and their order by id.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::check;
use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Level, Motivation, Phase, SponsorLevel, Visibility,
    deserialize_level, parse_level,
};
use crate::error::{At, CandidateRef, Error, Part, Result};
use std::str::FromStr;

/// A project that could demonstrate the methodology.
///
/// Serialised, and read back, as a `[[candidate]]` table of the portfolio
/// file; its texts are checked when it joins a [`Portfolio`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Unique in its portfolio, non-empty, in Unicode NFC, with no control
    /// or invisible characters (Unicode's default-ignorable code points,
    /// bidi controls among them) and no blank but the ASCII space.
    pub id: String,
    /// A readable name; the id when the file gives none.
    pub name: String,
    /// The business unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The sponsor's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// How many people leading would train, fit for purpose (the project
    /// team, its sponsors, its change agents); 0 when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainees: Option<u64>,
    /// Tags that `[[constraints.group]]` counts, such as `"grass-roots"`:
    /// each non-empty, none twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Its change agents, by name: trained on it, they coach later
    /// projects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// Its champions, by name: trained on it like its agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub champions: Vec<String>,
    /// A grass-roots effort already underway: followed before others of
    /// the same urgency.
    #[serde(default, skip_serializing_if = "is_false")]
    pub local_initiative: bool,
    /// Its team has asked for help (the pull itself): followed first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub asked: bool,
    /// The earliest month it may start; 0 by default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_month: u32,
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
            trainees: None,
            tags: Vec::new(),
            agents: Vec::new(),
            champions: Vec::new(),
            local_initiative: false,
            asked: false,
            start_month: 0,
            evidence,
        }
    }
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_false(b: &bool) -> bool {
    !*b
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The nine evidence fields, spelled once. Each gives its doc, the serde
/// attribute the portfolio file needs of it (if any), its key in the file
/// with the type its builder method takes, the [`Evidence`] field and its
/// type, its [`Field`], and the criterion it counts for, by number and
/// name.
///
/// `evidence_fields!(then)` hands the list to the macro `then`, which
/// writes one shape from it: here [`Evidence`], [`EvidenceBuilder`] and
/// [`Field`]; `RawCandidate` in `src/read/portfolio.rs`; [`Value`] and the
/// counterfactual edits in `src/counterfactual.rs`. A field added here
/// reaches each of those. The stream reader (`src/read/stream.rs`) is
/// left hand-written: it decodes each key's TOML scalar by kind on the
/// fast path, falls back to the tree reader on a key it does not know,
/// and builds `Evidence` by name, so the compiler points there too.
///
/// Serde takes a key only as a string literal: the one field whose name
/// is not its key spells the key twice, on neighbouring lines, and a test
/// (`tests/it/api.rs`) checks that `Evidence` prints the [`Field`] names.
///
/// [`Value`]: crate::Value
macro_rules! evidence_fields {
    ($then:ident) => {
        $then! {
            #[doc = "how long the project lasts, in months"]
            #[serde(rename = "duration_months")]
            duration_months(f64) => duration: Months, DurationMonths, 1 Duration;
            #[doc = "how visible it is"]
            visibility(Visibility) => visibility: Visibility, Visibility, 2 Visibility;
            #[doc = "what it changes"]
            change(Change) => change: Change, Change, 3 Tangibility;
            #[doc = "where it is in its life cycle"]
            phase(Phase) => phase: Phase, Phase, 4 Phase;
            #[doc = "whether it fixes past problems; `false` when not given"]
            #[serde(default)]
            remedial(bool) => remedial: bool, Remedial, 4 Phase;
            #[doc = "how it returns to the bottom line"]
            bottom_line(BottomLine) => bottom_line: BottomLine, BottomLine, 5 BottomLine;
            #[doc = "its team lead"]
            lead(Lead) => lead: Lead, Lead, 6 Lead;
            #[doc = "where its sponsor sits"]
            sponsor_level(SponsorLevel) => sponsor_level: SponsorLevel, SponsorLevel, 7 Sponsorship;
            #[doc = "how motivated its sponsor is"]
            sponsor_motivation(Motivation) =>
                sponsor_motivation: Motivation, SponsorMotivation, 7 Sponsorship;
        }
    };
}

pub(crate) use evidence_fields;

/// [`Evidence`], [`EvidenceBuilder`] and [`Field`] from
/// [`evidence_fields!`].
macro_rules! evidence {
    ($(
        #[doc = $doc:literal]
        $(#[serde($($serde:tt)*)])?
        $key:ident($input:ty) => $slot:ident: $ty:ty, $variant:ident, $n:literal $criterion:ident;
    )+) => {
        /// What is known about a candidate, one field or two per criterion.
        ///
        /// Build one field by field with [`Evidence::builder`], or as a struct
        /// literal. Serialised, and read back, with the portfolio file's keys.
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        pub struct Evidence {
            $(
                #[doc = concat!($n, ": ", $doc, ".")]
                $(#[serde($($serde)*)])?
                pub $slot: $ty,
            )+
        }

        /// [`Evidence`] field by field: see [`Evidence::builder`].
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        #[must_use]
        pub struct EvidenceBuilder {
            $($slot: Option<$input>,)+
        }

        impl EvidenceBuilder {
            $(
                #[doc = concat!($n, ": ", $doc, ".")]
                pub fn $key(mut self, $slot: $input) -> Self {
                    self.$slot = Some($slot);
                    self
                }
            )+

            /// The evidence, once every field is given and the months are
            /// valid.
            ///
            /// # Errors
            ///
            /// [`Error::Invalid`] naming the first field, in the portfolio
            /// file's order, that is missing, or the months when
            /// [`Months::new`] refuses them.
            pub fn build(self) -> Result<Evidence> {
                Ok(Evidence {
                    $($slot: Built::built(self.$slot, stringify!($key))?,)+
                })
            }
        }

        crate::criterion::levels! {
            /// One field of a candidate's [`Evidence`], named as the
            /// portfolio file names it; [`Field::criterion`] is what it
            /// counts for.
            #[non_exhaustive]
            Field, "evidence field" {
                $(
                    #[doc = concat!("`", stringify!($key), "` (criterion ", $n, "): ", $doc, ".")]
                    $variant => $key,
                )+
            }
        }

        impl Field {
            /// The criterion this field counts for.
            #[must_use]
            pub const fn criterion(self) -> Criterion {
                match self {
                    $(Field::$variant => Criterion::$criterion,)+
                }
            }
        }
    };
}

evidence_fields!(evidence);

/// An evidence field's value from what its builder method was given, if
/// anything: `key` names it in the error.
trait Built<Input>: Sized {
    fn built(given: Option<Input>, key: &str) -> Result<Self>;
}

/// The error for a field the builder was not given.
fn missing(key: &str) -> Error {
    Error::Invalid {
        at: At {
            key: Some(key.to_owned()),
            ..At::part(Part::Portfolio)
        },
        message: format!("missing field `{key}`"),
    }
}

impl Built<f64> for Months {
    /// Months must be given, and are checked.
    fn built(given: Option<f64>, key: &str) -> Result<Self> {
        Months::new(given.ok_or_else(|| missing(key))?)
    }
}

impl Built<bool> for bool {
    /// `false` when not given, as the portfolio file's default.
    fn built(given: Option<bool>, _: &str) -> Result<Self> {
        Ok(given.unwrap_or(false))
    }
}

impl<L: Level> Built<L> for L {
    /// A level must be given.
    fn built(given: Option<L>, key: &str) -> Result<Self> {
        given.ok_or_else(|| missing(key))
    }
}

impl Evidence {
    /// Evidence built field by field; every field but `remedial` (default
    /// `false`) must be given.
    ///
    /// ```
    /// use spearhead::{BottomLine, Change, Evidence, Lead, Motivation, Phase, SponsorLevel, Visibility};
    ///
    /// let evidence = Evidence::builder()
    ///     .duration_months(15.0)
    ///     .visibility(Visibility::High)
    ///     .change(Change::Technology)
    ///     .phase(Phase::Design)
    ///     .bottom_line(BottomLine::Direct)
    ///     .lead(Lead::Credible)
    ///     .sponsor_level(SponsorLevel::ManagingDirector)
    ///     .sponsor_motivation(Motivation::Strong)
    ///     .build()?;
    /// assert_eq!(evidence.duration.get(), 15.0);
    /// assert!(!evidence.remedial);
    ///
    /// let error = Evidence::builder().duration_months(0.0).build().unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "portfolio, key duration_months: must be more than 0 months, not 0"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    pub fn builder() -> EvidenceBuilder {
        EvidenceBuilder::default()
    }
}

/// A project's length in months: finite and more than 0.
///
/// Read back (by serde) only when valid, as [`Months::new`] checks.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Months(f64);

impl<'de> Deserialize<'de> for Months {
    /// A number, checked as [`Months::new`] checks it.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Months::new(f64::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

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

/// `months` as [`Months`], or why it cannot be.
pub(crate) fn check_months(months: f64) -> Result<Months, String> {
    check::months(months).map(|()| Months(months))
}

/// The candidates to rank: at least one, ids unique and valid.
///
/// Serialised as the portfolio file, `candidate = [...]`; read back (by
/// serde, from any format) through [`Portfolio::new`] and its checks. There
/// is no empty portfolio, and so no `Default`: a portfolio file without
/// candidates is refused, and what the API builds prints as a file that
/// reads back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Candidates")]
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
    /// [`Error::NoCandidates`] for no candidates; [`Error::Invalid`] for an
    /// id that is empty, not in Unicode NFC, or holds control or invisible
    /// characters or a blank other than the ASCII space, or a name, unit,
    /// sponsor, tag, agent or champion that is empty or holds control or
    /// bidi characters, or a tag given twice; [`Error::DuplicateId`] for an
    /// id used twice.
    pub fn new(candidates: Vec<Candidate>) -> Result<Self> {
        if candidates.is_empty() {
            return Err(Error::NoCandidates);
        }
        let mut first_use = FirstUse::with_capacity(candidates.len());
        for (i, candidate) in candidates.iter().enumerate() {
            let texts = Texts {
                id: (candidate.id.as_str(), ()),
                name: Some((candidate.name.as_str(), ())),
                unit: candidate.unit.as_deref().map(|unit| (unit, ())),
                sponsor: candidate.sponsor.as_deref().map(|sponsor| (sponsor, ())),
                tags: candidate
                    .tags
                    .iter()
                    .map(|tag| (tag.as_str(), ()))
                    .collect(),
                agents: candidate.agents.iter().map(|a| (a.as_str(), ())).collect(),
                champions: (candidate.champions.iter())
                    .map(|c| (c.as_str(), ()))
                    .collect(),
            };
            check_texts(texts).map_err(|(key, (), message)| Error::Invalid {
                at: At {
                    candidate: Some(candidate_ref(&candidate.id, i)),
                    key: Some(key.to_owned()),
                    ..At::part(Part::Portfolio)
                },
                message,
            })?;
            first_use
                .claim(&candidate.id, ())
                .map_err(|()| Error::DuplicateId {
                    at: At {
                        candidate: Some(CandidateRef::Id(candidate.id.clone())),
                        ..At::part(Part::Portfolio)
                    },
                    first: None,
                })?;
        }
        Ok(Portfolio::indexed(candidates))
    }

    /// A portfolio of `candidates`, whose ids are unique.
    pub(crate) fn indexed(candidates: Vec<Candidate>) -> Self {
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

    /// The place in id order of the candidate with `id`.
    pub(crate) fn place_of(&self, id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (_, candidate) = self.at_place(mid)?;
            match candidate.id.as_str().cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The candidates, in the order given.
    #[must_use]
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate with `id`, found by binary search in the id order:
    /// `O(log N)`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Candidate> {
        let place = self
            .id_order
            .index
            .binary_search_by(|&index| {
                let at = self.candidates.get(index).map_or("", |c| c.id.as_str());
                at.cmp(id)
            })
            .ok()?;
        self.at_place(place).map(|(_, candidate)| candidate)
    }

    /// How many candidates there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Whether there are none: never, as a portfolio has at least one.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

/// A portfolio as serde reads it, before [`Portfolio::new`] checks it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a portfolio")]
struct Candidates {
    candidate: Vec<Candidate>,
}

impl TryFrom<Candidates> for Portfolio {
    type Error = Error;

    fn try_from(candidates: Candidates) -> Result<Self> {
        Portfolio::new(candidates.candidate)
    }
}

impl TryFrom<Vec<Candidate>> for Portfolio {
    type Error = Error;

    fn try_from(candidates: Vec<Candidate>) -> Result<Self> {
        Portfolio::new(candidates)
    }
}

/// Who a candidate is in a message: its id, or its position when the id
/// is empty.
pub(crate) fn candidate_ref(id: &str, index: usize) -> CandidateRef {
    if id.is_empty() {
        CandidateRef::Position(index + 1)
    } else {
        CandidateRef::Id(id.to_owned())
    }
}

/// The texts of a candidate as they come in, each with where it is (`P`).
pub(crate) struct Texts<'a, P> {
    pub(crate) id: (&'a str, P),
    pub(crate) name: Option<(&'a str, P)>,
    pub(crate) unit: Option<(&'a str, P)>,
    pub(crate) sponsor: Option<(&'a str, P)>,
    pub(crate) tags: Vec<(&'a str, P)>,
    pub(crate) agents: Vec<(&'a str, P)>,
    pub(crate) champions: Vec<(&'a str, P)>,
}

/// Checks the texts of a candidate on its way into a portfolio, from a file
/// or from [`Portfolio::new`]: the key, place and message of the first that
/// is not allowed.
pub(crate) fn check_texts<P>(texts: Texts<'_, P>) -> Result<(), (&'static str, P, String)> {
    let (id, at) = texts.id;
    if let Err(message) = check::id(id) {
        return Err(("id", at, message));
    }
    let others = [
        ("name", texts.name),
        ("unit", texts.unit),
        ("sponsor", texts.sponsor),
    ];
    let people = (texts.agents.into_iter().map(|t| ("agents", t)))
        .chain(texts.champions.into_iter().map(|t| ("champions", t)));
    for (key, (text, at)) in others
        .into_iter()
        .filter_map(|(key, text)| Some((key, text?)))
        .chain(people)
    {
        check::text(text).map_err(|message| (key, at, message))?;
    }
    let mut seen: Vec<&str> = Vec::with_capacity(texts.tags.len());
    for (tag, at) in texts.tags {
        let wrong = check::text(tag).err().or_else(|| {
            seen.contains(&tag)
                .then(|| format!("{tag:?} is given twice"))
        });
        if let Some(message) = wrong {
            return Err(("tags", at, message));
        }
        seen.push(tag);
    }
    Ok(())
}

/// The ids taken so far on the way into a portfolio, each with where it
/// was first used (`P`); or none kept, when the caller looks for a repeated
/// id once all are read ([`first_duplicate`]).
pub(crate) struct FirstUse<P>(Option<HashMap<String, P>>);

impl<P: Clone> FirstUse<P> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        FirstUse(Some(HashMap::with_capacity(n)))
    }

    /// Takes no id: the caller checks them with [`first_duplicate`].
    pub(crate) fn afterwards() -> Self {
        FirstUse(None)
    }

    /// Takes `id`, used at `at`; where it was first used when it is taken.
    pub(crate) fn claim(&mut self, id: &str, at: P) -> Result<(), P> {
        let Some(taken) = &mut self.0 else {
            return Ok(());
        };
        if let Some(first) = taken.get(id) {
            return Err(first.clone());
        }
        taken.insert(id.to_owned(), at);
        Ok(())
    }
}

/// The first of `ids` that repeats an earlier one, in their order: its
/// index, and the index of the id's first use.
///
/// By sorting, not hashing: a million ids take a sort of a million
/// pointers, where a map of them hashed each with `SipHash` and copied it.
pub(crate) fn first_duplicate<'a>(ids: impl Iterator<Item = &'a str>) -> Option<(usize, usize)> {
    let mut order: Vec<(&str, usize)> = ids.enumerate().map(|(i, id)| (id, i)).collect();
    order.sort_unstable();
    // Equal ids sit together in order of use: the first pair of a run is
    // its first use and its first repeat.
    (order.windows(2))
        .filter_map(|pair| match pair {
            [(a, first), (b, again)] if a == b => Some((*again, *first)),
            _ => None,
        })
        .min()
}

/// The small id of `name` among `names`, a new one when it is new.
fn intern<'a>(names: &mut HashMap<&'a str, u32>, name: Option<&'a str>) -> Option<u32> {
    let name = name?;
    let next = u32::try_from(names.len()).unwrap_or(u32::MAX);
    Some(*names.entry(name).or_insert(next))
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
    /// What constraints read, by place: shared with each rule bound to the
    /// portfolio, which so copies nothing.
    seats: Arc<Seats>,
}

/// What constraints read of each candidate, by place.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Seats {
    /// The unit of the candidate at each place, as a small id: units
    /// numbered as they first come in id order.
    units: Vec<Option<u32>>,
    /// The sponsor of the candidate at each place, numbered the same way.
    sponsors: Vec<Option<u32>>,
    /// How many units, and sponsors, there are.
    counts: (usize, usize),
    /// The trainees of the candidate at each place (0 when not given), and
    /// whether it has tags: what constraints read, side by side.
    trainees: Vec<(u64, bool)>,
}

impl Seats {
    /// The seats of candidates with these units, sponsors, trainees and
    /// whether they have tags, by place.
    #[cfg(test)]
    pub(crate) fn new(
        by_place: impl IntoIterator<Item = (Option<u32>, Option<u32>, u64, bool)>,
    ) -> Self {
        let mut seats = Seats::default();
        for (unit, sponsor, trainees, tagged) in by_place {
            seats.units.push(unit);
            seats.sponsors.push(sponsor);
            seats.trainees.push((trainees, tagged));
        }
        let count =
            |ids: &[Option<u32>]| ids.iter().flatten().max().map_or(0, |&id| id as usize + 1);
        seats.counts = (count(&seats.units), count(&seats.sponsors));
        seats
    }

    /// How many candidates there are.
    pub(crate) fn len(&self) -> usize {
        self.trainees.len()
    }

    /// How many units, and how many sponsors, the portfolio names.
    pub(crate) fn counts(&self) -> (usize, usize) {
        self.counts
    }

    /// The trainees of the candidate at `place`, and whether it has tags.
    #[inline]
    pub(crate) fn trainees(&self, place: usize) -> (u64, bool) {
        self.trainees.get(place).copied().unwrap_or((0, false))
    }

    /// The unit and sponsor of the candidate at `place`, as small ids.
    #[inline]
    pub(crate) fn unit_and_sponsor(&self, place: usize) -> (Option<u32>, Option<u32>) {
        (
            self.units.get(place).copied().flatten(),
            self.sponsors.get(place).copied().flatten(),
        )
    }
}

impl fmt::Debug for Seats {
    /// How many: the candidates show the rest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Seats")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl IdOrder {
    /// The id order of `candidates`, whose ids are unique.
    fn new(candidates: &[Candidate]) -> Self {
        let mut by_id: Vec<(usize, &Candidate)> = candidates.iter().enumerate().collect();
        by_id.sort_unstable_by(|(_, a), (_, b)| a.id.cmp(&b.id));
        let mut units = HashMap::new();
        let mut sponsors = HashMap::new();
        IdOrder {
            index: by_id.iter().map(|&(index, _)| index).collect(),
            evidence: by_id
                .iter()
                .map(|(_, candidate)| candidate.evidence)
                .collect(),
            seats: Arc::new(Seats {
                units: (by_id.iter())
                    .map(|(_, c)| intern(&mut units, c.unit.as_deref()))
                    .collect(),
                sponsors: (by_id.iter())
                    .map(|(_, c)| intern(&mut sponsors, c.sponsor.as_deref()))
                    .collect(),
                counts: (units.len(), sponsors.len()),
                trainees: (by_id.iter())
                    .map(|(_, c)| (c.trainees.unwrap_or(0), !c.tags.is_empty()))
                    .collect(),
            }),
        }
    }

    /// What constraints read of each candidate, by place.
    pub(crate) fn seats(&self) -> &Arc<Seats> {
        &self.seats
    }

    /// Whether two of the `candidates` this order was built from share an
    /// id: they would be next to each other.
    pub(crate) fn has_repeats(&self, candidates: &[Candidate]) -> bool {
        let id = |index: &usize| candidates.get(*index).map(|c| c.id.as_str());
        self.index.windows(2).any(|pair| match pair {
            [a, b] => id(a) == id(b),
            _ => false,
        })
    }

    /// The evidence of the candidate at each place.
    pub(crate) fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// The index in the portfolio of the candidate at `place`.
    pub(crate) fn index(&self, place: usize) -> Option<usize> {
        self.index.get(place).copied()
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::first_duplicate;

    /// The definition: the first id seen before, and where it was.
    fn by_map(ids: &[&str]) -> Option<(usize, usize)> {
        let mut seen = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            if let Some(&first) = seen.get(id) {
                return Some((i, first));
            }
            seen.insert(*id, i);
        }
        None
    }

    #[test]
    fn the_first_repeat_is_found_by_sorting_as_by_a_map() {
        let cases: [&[&str]; 7] = [
            &[],
            &["a"],
            &["a", "b", "c"],
            &["a", "b", "a"],
            &["b", "a", "a", "b"],
            &["c", "a", "b", "c", "a", "b", "a"],
            &["x", "y", "z", "y", "x", "z"],
        ];
        for ids in cases {
            assert_eq!(first_duplicate(ids.iter().copied()), by_map(ids), "{ids:?}");
        }
    }
}
