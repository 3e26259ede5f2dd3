//! The roadmap as the library gives it: projects by id and name, people by
//! name, and every coach and every project left out explained in words.

use std::fmt;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};

use super::{KeyRole, Link};

/// The deployment after the push: which projects follow the leaders, in
/// which wave, coached by whom; and which are never reached, and why.
///
/// Wave 0 is the leaders. A pull wave is the followers that start in the
/// same month, numbered 1, 2, ... in month order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Roadmap {
    /// How many pull waves start: wave 0, the leaders, not counted.
    pub pull_waves: usize,
    /// Every reached project: the leaders, then each pull wave in month
    /// order, each in priority order.
    pub projects: Vec<Stage>,
    /// The followers never reached, in priority order.
    pub unreached: Vec<Unreached>,
}

/// One project on the roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stage {
    /// The candidate's id.
    pub id: String,
    /// The candidate's name.
    pub name: String,
    /// 0 for a leader, then 1, 2, ... for the pull waves.
    pub wave: usize,
    /// The month it starts.
    pub start: u64,
    /// The month it ends: its start plus its duration in whole months
    /// (rounded up). Its sponsor, agents and champions coach from then.
    pub end: u64,
    /// Who coaches it; `None` for a leader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach: Option<Coaching>,
}

/// Who coaches a follower, and why they can: "coached by D. Okafor,
/// sponsor of crm-rollout, free from month 15" (see its `Display`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Coaching {
    /// The coach's name.
    pub person: String,
    /// How the coach reaches the follower.
    pub link: Link,
    /// The id of the project that trained them; for [`Link::Unit`], the
    /// one in the follower's unit.
    pub source: String,
    /// What they were on `source`.
    pub trained_as: KeyRole,
    /// The month from which they were free to coach this follower.
    pub free_from: u64,
}

impl fmt::Display for Coaching {
    /// "coached by D. Okafor, sponsor of crm-rollout, free from month 15"
    /// through the unit; "coached by K. Osei, its own champion, trained as
    /// champion of crm-rollout, free from month 15" when the coach holds a
    /// role in the follower itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "coached by {}, ", self.person)?;
        match self.link {
            Link::Unit => write!(f, "{} of {}", self.trained_as, self.source)?,
            own => write!(
                f,
                "its own {own}, trained as {} of {}",
                self.trained_as, self.source
            )?,
        }
        write!(f, ", free from month {}", self.free_from)
    }
}

impl Serialize for Coaching {
    /// The fields, and the sentence `Display` gives as `text` (which
    /// reading back ignores).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Coaching", 6)?;
        s.serialize_field("person", &self.person)?;
        s.serialize_field("link", &self.link)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("trained_as", &self.trained_as)?;
        s.serialize_field("free_from", &self.free_from)?;
        s.serialize_field("text", &self.to_string())?;
        s.end()
    }
}

/// A follower the pull never reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unreached {
    /// The candidate's id.
    pub id: String,
    /// The candidate's name.
    pub name: String,
    /// Why no one reaches it.
    pub reason: Unreachable,
}

/// Why a follower is never reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unreachable {
    /// No chain of trained people leads to it from the leaders: "no trained
    /// person reaches Finance: it needs its own push, or a champion there".
    NoTrainedPerson {
        /// Its unit, if it has one.
        unit: Option<String>,
    },
    /// Trained people would reach it, but the `max_waves` pull waves had all
    /// started.
    MaxWaves {
        /// The limit.
        max_waves: usize,
    },
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreachable::NoTrainedPerson { unit: Some(unit) } => write!(
                f,
                "no trained person reaches {unit}: it needs its own push, or a champion there"
            ),
            Unreachable::NoTrainedPerson { unit: None } => f.write_str(
                "no trained person reaches it: it needs its own push, or a champion someone trained reaches",
            ),
            Unreachable::MaxWaves { max_waves } => write!(
                f,
                "trained people would reach it, but the pull stops after max_waves = {max_waves} waves"
            ),
        }
    }
}

impl Serialize for Unreachable {
    /// Its `kind` and fields, and the sentence `Display` gives as `text`
    /// (which reading back ignores).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(None)?;
        match self {
            Unreachable::NoTrainedPerson { unit } => {
                out.serialize_entry("kind", "no_trained_person")?;
                out.serialize_entry("unit", unit)?;
            }
            Unreachable::MaxWaves { max_waves } => {
                out.serialize_entry("kind", "max_waves")?;
                out.serialize_entry("max_waves", max_waves)?;
            }
        }
        out.serialize_entry("text", &self.to_string())?;
        out.end()
    }
}

impl KeyRole {
    /// Its name in the portfolio file's words: `sponsor`, `agent`,
    /// `champion`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyRole::Sponsor => "sponsor",
            KeyRole::Agent => "agent",
            KeyRole::Champion => "champion",
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Link {
    /// Its name as serialised: `sponsor`, `agent`, `champion`, `unit`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Link::Sponsor => "sponsor",
            Link::Agent => "agent",
            Link::Champion => "champion",
            Link::Unit => "unit",
        }
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
