//! The seven criteria, the levels of evidence a candidate gives for them,
//! and maps with a value for each criterion or level.
//!
//! `levels!` spells each closed set once: the enum, its names in files and
//! messages, and the safe lookups `pick` and `pick_mut` into an array with
//! one value per level, which make a wrong index impossible.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::str::FromStr;

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A closed set of names, spelled the same by serde, `Display` and `FromStr`.
pub(crate) trait Level: Copy + Ord + fmt::Display + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// What the set is called in messages.
    const WHAT: &'static str;
    /// The name of every value, in declaration order.
    const NAMES: &'static [&'static str];
    /// A score for each level, in [`Level::ALL`] order.
    type Scores: Copy + fmt::Debug + PartialEq + AsRef<[f64]>;
    /// The position of `self` in [`Level::ALL`].
    fn index(self) -> usize;
    /// The name used in files and messages.
    fn name(self) -> &'static str;
    /// The slot of `self` in `scores`.
    fn score_mut(self, scores: &mut Self::Scores) -> &mut f64;

    /// The value whose [`Level::name`] is `name`.
    fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|level| level.name() == name)
    }
}

macro_rules! levels {
    ($(
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:ident,)+
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the file format lists them.
            pub const ALL: &'static [$name] = &$name::EACH;

            /// How many values there are.
            pub(crate) const COUNT: usize = [$(stringify!($text),)+].len();

            /// Every value, in the order the file format lists them.
            pub(crate) const EACH: [$name; $name::COUNT] = [$($name::$variant,)+];

            /// The name used in files and messages.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($text),)+
                }
            }

            /// The value of `self` in `values`, one per level in
            /// [`Self::ALL`] order.
            ///
            /// `self as usize` is the position of `self` in [`Self::ALL`],
            /// which is `COUNT` long: this macro writes the variants, `ALL`
            /// and `COUNT` from one list, and a test checks every level.
            /// So the `get` never fails and its check compiles away. An
            /// exhaustive `match`, as in `pick_mut`, says the same but
            /// compiles to branches that mispredict on random evidence:
            /// scoring ran 5 times slower.
            #[inline]
            #[allow(dead_code, reason = "criteria pick by it; levels score through src/exact.rs")]
            pub(crate) fn pick<T>(self, values: &[T; $name::COUNT]) -> &T {
                let [first, ..] = values;
                values.get(self as usize).unwrap_or(first)
            }

            /// The slot of `self` in `values`, one per level in
            /// [`Self::ALL`] order; read as [`Self::pick`] reads.
            #[inline]
            pub(crate) fn pick_mut<T>(self, values: &mut [T; $name::COUNT]) -> &mut T {
                let [first, rest @ ..] = values;
                match (self as usize).checked_sub(1) {
                    Some(i) => rest.get_mut(i).unwrap_or(first),
                    None => first,
                }
            }
        }

        impl Level for $name {
            const ALL: &'static [Self] = $name::ALL;
            const WHAT: &'static str = $what;
            const NAMES: &'static [&'static str] = &[$(stringify!($text),)+];
            type Scores = [f64; $name::COUNT];
            fn index(self) -> usize {
                self as usize
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn score_mut(self, scores: &mut Self::Scores) -> &mut f64 {
                self.pick_mut(scores)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Only from a name: serde's derive would also take a table of
            /// one key (`{ high = {} }`) as the level it names.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_level(deserializer)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                parse_level(s)
            }
        }
    )+};
}

/// `levels!` for the evidence fields, which `crate::candidate` spells.
pub(crate) use levels;

/// A level from its name, and from nothing else.
pub(crate) fn deserialize_level<'de, L: Level, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<L, D::Error> {
    struct Name<L>(std::marker::PhantomData<L>);

    impl<L: Level> serde::de::Visitor<'_> for Name<L> {
        type Value = L;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one of ")?;
            f.write_str(&expected::<L>())
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<L, E> {
            L::named(s).ok_or_else(|| E::unknown_variant(s, L::NAMES))
        }
    }

    deserializer.deserialize_str(Name(std::marker::PhantomData))
}

/// The names of `L`, quoted and comma-separated.
fn expected<L: Level>() -> String {
    L::ALL
        .iter()
        .map(|level| format!("`{level}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn parse_level<L: Level>(s: &str) -> Result<L, Error> {
    L::ALL
        .iter()
        .copied()
        .find(|level| level.to_string() == s)
        .ok_or_else(|| Error::UnknownName {
            what: L::WHAT,
            found: s.to_owned(),
            expected: expected::<L>(),
        })
}

levels! {
    /// One of the seven AIM demonstration-project criteria.
    Criterion, "criterion" {
        /// 1. Lasts 12-18 months.
        Duration => duration,
        /// 2. Is highly visible.
        Visibility => visibility,
        /// 3. Is tangible: technology or business-process redesign, not cultural.
        Tangibility => tangibility,
        /// 4. Is past Diagnosis and into Design, and not remedial work.
        Phase => phase,
        /// 5. Returns directly to the bottom line.
        BottomLine => bottom_line,
        /// 6. Has an experienced, credible team lead.
        Lead => lead,
        /// 7. Has potential for strong, motivated sponsorship at Managing
        /// Director level or below.
        Sponsorship => sponsorship,
    }

    /// How visible a project is (criterion 2).
    Visibility, "visibility level" {
        /// Few outside the project will notice it.
        Low => low,
        /// Noticed in its own part of the organisation.
        Moderate => moderate,
        /// Widely seen.
        High => high,
    }

    /// What a project changes (criterion 3).
    Change, "change" {
        /// It puts in new technology.
        Technology => technology,
        /// It redesigns a business process.
        Process => process,
        /// It changes culture: not tangible.
        Cultural => cultural,
    }

    /// Where a project is in its life cycle (criterion 4).
    Phase, "phase" {
        /// Still working out what the problem is.
        Diagnosis => diagnosis,
        /// Designing the change.
        Design => design,
        /// Building it.
        Development => development,
        /// Rolling it out.
        Implementation => implementation,
        /// Keeping it in place.
        Sustainment => sustainment,
    }

    /// How a project returns to the bottom line (criterion 5).
    BottomLine, "bottom line" {
        /// Straight to the bottom line.
        Direct => direct,
        /// Through something else first.
        Indirect => indirect,
        /// Not at all. (Not `None`, which a glob import would set against
        /// `Option::None`; named `none` in files.)
        #[serde(rename = "none")]
        NoReturn => none,
    }

    /// The project team lead (criterion 6).
    Lead, "lead" {
        /// Not yet proven.
        Unproven => unproven,
        /// Has done this before.
        Experienced => experienced,
        /// Experienced and trusted by the people the change touches.
        Credible => credible,
    }

    /// Where the sponsor sits (criterion 7).
    SponsorLevel, "sponsor level" {
        /// Above Managing Director: far from the ground.
        Executive => executive,
        /// Managing Director.
        ManagingDirector => managing_director,
        /// Director.
        Director => director,
        /// Manager.
        Manager => manager,
    }

    /// How motivated the sponsor is (criterion 7).
    Motivation, "sponsor motivation" {
        /// Lends a name, little more.
        Weak => weak,
        /// Supports when asked.
        Moderate => moderate,
        /// Drives the change.
        Strong => strong,
    }

    /// How the weight vectors of
    /// [`Criteria::acceptability`](crate::Criteria::acceptability) are drawn.
    #[non_exhaustive]
    Sampling, "sampling" {
        /// Uniformly on the simplex: every vector of 7 weights summing to 1
        /// is as likely as any other. The configured weights play no part.
        Simplex => simplex,
        /// Each weight uniformly within `spread` of its configured weight
        /// (`w * (1 - spread)` to `w * (1 + spread)`), then all scaled to
        /// sum to 1. A weight of 0 stays 0.
        Around => around,
    }
}

/// A value for each criterion, in [`Criterion::ALL`] order: indexed by
/// [`Criterion`], so that no index can be out of range. Serialised as a
/// map from criterion name to value, `{"duration": ..., ...}`, and read
/// back only with every criterion given.
///
/// ```
/// use spearhead::{Criteria, Criterion, Portfolio};
///
/// # let portfolio: Portfolio = include_str!("../examples/portfolio.toml").parse()?;
/// let stability = Criteria::default().stability(&portfolio)?;
/// assert_eq!(stability[Criterion::Phase].criterion, Criterion::Phase);
/// assert_eq!(stability.iter().count(), 7);
/// # Ok::<(), spearhead::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PerCriterion<T>(pub(crate) [T; Criterion::COUNT]);

impl<T> PerCriterion<T> {
    /// The value `f` gives each criterion, called in [`Criterion::ALL`]
    /// order.
    #[inline]
    pub(crate) fn from_fn(mut f: impl FnMut(Criterion) -> T) -> Self {
        // Written out, not `EACH.map(f)`: each call then sees its criterion
        // as a constant and `f`'s `match` on it folds away. Through `map`
        // scoring ran 4 times slower.
        let [c0, c1, c2, c3, c4, c5, c6] = Criterion::EACH;
        PerCriterion([f(c0), f(c1), f(c2), f(c3), f(c4), f(c5), f(c6)])
    }

    /// Each criterion with its value, in [`Criterion::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Criterion, &T)> {
        Criterion::EACH.into_iter().zip(&self.0)
    }

    /// The value of `criterion`.
    #[must_use]
    pub fn get(&self, criterion: Criterion) -> &T {
        &self[criterion]
    }

    /// The values, in [`Criterion::ALL`] order.
    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// Each value through `f`.
    pub(crate) fn map<U>(self, f: impl FnMut(T) -> U) -> PerCriterion<U> {
        PerCriterion(self.0.map(f))
    }
}

impl<T> Index<Criterion> for PerCriterion<T> {
    type Output = T;

    fn index(&self, criterion: Criterion) -> &T {
        criterion.pick(&self.0)
    }
}

impl<T> IndexMut<Criterion> for PerCriterion<T> {
    fn index_mut(&mut self, criterion: Criterion) -> &mut T {
        criterion.pick_mut(&mut self.0)
    }
}

impl<T: Serialize> Serialize for PerCriterion<T> {
    /// A map from criterion name to value, in [`Criterion::ALL`] order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Criterion::COUNT))?;
        for (criterion, value) in self.iter() {
            map.serialize_entry(criterion.as_str(), value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerCriterion<T> {
    /// A map from criterion name to value that names every criterion once.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map: BTreeMap<Criterion, T> = BTreeMap::deserialize(deserializer)?;
        let mut values = Vec::with_capacity(Criterion::COUNT);
        for criterion in Criterion::EACH {
            let value = map.remove(&criterion).ok_or_else(|| {
                de::Error::custom(format_args!("missing criterion `{criterion}`"))
            })?;
            values.push(value);
        }
        let values = <[T; Criterion::COUNT]>::try_from(values)
            .map_err(|_| de::Error::custom("expected a value for each criterion"))?;
        Ok(PerCriterion(values))
    }
}

/// A public map from each criterion to a number, in [`Criterion::ALL`]
/// order: indexed by criterion, serialised as `{"duration": x, ...}`.
macro_rules! per_criterion {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Default)]
        pub struct $name(pub(crate) PerCriterion<f64>);

        impl $name {
            #[doc = concat!("The ", $what, " of `criterion`.")]
            #[must_use]
            pub fn get(&self, criterion: Criterion) -> f64 {
                self.0[criterion]
            }

            #[doc = concat!("Each criterion with its ", $what, ", in [`Criterion::ALL`] order.")]
            pub fn iter(&self) -> impl Iterator<Item = (Criterion, f64)> + '_ {
                self.0.iter().map(|(criterion, &x)| (criterion, x))
            }
        }

        impl Index<Criterion> for $name {
            type Output = f64;

            fn index(&self, criterion: Criterion) -> &f64 {
                &self.0[criterion]
            }
        }

        impl<'de> Deserialize<'de> for $name {
            #[doc = concat!("A map from criterion name to ", $what, " that names every criterion once.")]
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                PerCriterion::deserialize(deserializer).map($name)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0.0).finish()
            }
        }

        impl Serialize for $name {
            #[doc = concat!("A map from criterion name to ", $what, ", in [`Criterion::ALL`] order.")]
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(Criterion::COUNT))?;
                for (criterion, x) in self.iter() {
                    map.serialize_entry(criterion.as_str(), &x)?;
                }
                map.end()
            }
        }
    };
}

per_criterion! {
    /// A score in `[0, 1]` for each criterion.
    Scores, "score"
}

per_criterion! {
    /// A weight for each criterion.
    Weights, "weight"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::Field;

    #[test]
    fn each_level_picks_its_position_in_all() {
        macro_rules! check {
            ($($level:ident),+) => {$(
                let mut positions: [usize; $level::COUNT] = std::array::from_fn(|i| i);
                assert_eq!($level::ALL.len(), $level::COUNT);
                for (i, level) in $level::EACH.into_iter().enumerate() {
                    assert_eq!(level.index(), i);
                    assert_eq!(*level.pick(&positions), i);
                    assert_eq!(*level.pick_mut(&mut positions), i);
                }
            )+};
        }
        check!(
            Criterion,
            Field,
            Visibility,
            Change,
            Phase,
            BottomLine,
            Lead,
            SponsorLevel,
            Motivation,
            Sampling
        );
    }
}
