//! The `[constraints]` settings: which candidates may lead together. Each
//! value keeps where the criteria file gave it, so that a conflict can name
//! its place.

use crate::error::Location;

/// The most exclusive pairs, and the most groups, a criteria file may give.
pub(crate) const MAX_PAIRS: usize = 64;

/// A value of the criteria file, with where it was given (none for a value
/// set in code). Two are equal when their values are: the place is only for
/// messages.
#[derive(Debug, Clone)]
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) at: Option<Location>,
}

impl<T: PartialEq> PartialEq for Given<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// How many leaders may carry a tag: `[[constraints.group]]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagGroup {
    pub(crate) tag: Given<String>,
    /// At least this many; 0 when not given.
    pub(crate) min: Given<u32>,
    /// At most this many.
    pub(crate) max: Option<Given<u32>>,
}

/// The `[constraints]` section; every key empty by default.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Constraints {
    pub(crate) per_unit: Option<Given<u32>>,
    pub(crate) per_sponsor: Option<Given<u32>>,
    pub(crate) training_capacity: Option<Given<u64>>,
    pub(crate) must_lead: Vec<Given<String>>,
    pub(crate) must_not_lead: Vec<Given<String>>,
    /// Each pair's two ids: distinct.
    pub(crate) exclusive: Vec<Given<[String; 2]>>,
    pub(crate) groups: Vec<TagGroup>,
    /// Where `selection.leaders` was given, for a conflict that names it.
    pub(crate) leaders_at: Given<()>,
}

impl Constraints {
    /// No constraint.
    pub(crate) const BLANK: Constraints = Constraints {
        per_unit: None,
        per_sponsor: None,
        training_capacity: None,
        must_lead: Vec::new(),
        must_not_lead: Vec::new(),
        exclusive: Vec::new(),
        groups: Vec::new(),
        leaders_at: Given {
            value: (),
            at: None,
        },
    };

    /// Whether there is no constraint: the leaders are the first eligible.
    pub(crate) fn is_empty(&self) -> bool {
        self.per_unit.is_none()
            && self.per_sponsor.is_none()
            && self.training_capacity.is_none()
            && self.must_lead.is_empty()
            && self.must_not_lead.is_empty()
            && self.exclusive.is_empty()
            && self.groups.is_empty()
    }
}
