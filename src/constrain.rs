//! Leaders under constraints: the best set of candidates that can lead
//! together, why each other eligible candidate does not, and which
//! constraints conflict when no set can.
//!
//! The rule: among the sets of eligible candidates (plus the must-leads)
//! that satisfy every constraint, the leaders are the largest set of at
//! most `leaders`, and among those the best in rank order: compare two sets
//! by their best-ranked members, then the next, and so on. For sets of equal
//! size that is the same as asking which set holds the best-ranked candidate
//! of the two sets' difference.
//!
//! The search is a depth-first walk over the candidates in rank order that
//! tries "this one leads" before "this one does not". It meets the sets of a
//! given size in exactly the rule's order, so the first complete set it
//! finds at the largest feasible size is the answer. Bounds cut the walk
//! where no completion can exist: too few candidates left, too little
//! training capacity left for the cheapest of them, a group's minimum that
//! the rest cannot reach. In the common case (caps and a capacity, plenty of
//! candidates) the first dive finds a complete set and nothing is undone:
//! [`Bound::choose`] makes that dive while it reads the ranking lazily, and
//! stops as soon as the set is decided.
//!
//! Everything here is plain data: positions in rank order, small ids for
//! units and sponsors, bit sets for groups and exclusive pairs. The caller
//! maps them to ids, names and the criteria file's places.

use std::sync::Arc;

use crate::candidate::Seats;

/// The most groups, and the most exclusive pairs, a set of constraints may
/// hold: each is one bit of a `u64`.
pub(crate) const MAX_BITS: usize = 64;

/// One candidate as the rule sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Entrant {
    /// Whether its scores let it lead.
    pub(crate) eligible: bool,
    /// The `must_lead` entry that names it.
    pub(crate) must_lead: Option<u32>,
    /// The `must_not_lead` entry that names it.
    pub(crate) must_not_lead: Option<u32>,
    /// Its business unit, as a small id.
    pub(crate) unit: Option<u32>,
    /// Its sponsor, as a small id.
    pub(crate) sponsor: Option<u32>,
    /// How many people it would train.
    pub(crate) trainees: u64,
    /// Bit `g` is set when it carries group `g`'s tag.
    pub(crate) groups: u64,
    /// Bit `p` is set when exclusive pair `p` names it.
    pub(crate) exclusive: u64,
}

/// How many leaders may carry a group's tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Group {
    /// At least this many.
    pub(crate) min: u32,
    /// At most this many, if limited.
    pub(crate) max: Option<u32>,
}

/// The constraints on a set of leaders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rules {
    /// At most this many lead.
    pub(crate) leaders: usize,
    /// At most this many leaders share a unit.
    pub(crate) per_unit: Option<u32>,
    /// At most this many leaders share a sponsor.
    pub(crate) per_sponsor: Option<u32>,
    /// The leaders' trainees add up to at most this.
    pub(crate) training_capacity: Option<u64>,
    /// How many exclusive pairs there are: bits `0..exclusive` of
    /// [`Entrant::exclusive`].
    pub(crate) exclusive: usize,
    /// The groups, at most [`MAX_BITS`]: group `g` is bit `g` of
    /// [`Entrant::groups`].
    pub(crate) groups: Vec<Group>,
}

impl Rules {
    /// No constraint but the number of leaders.
    #[cfg(test)]
    pub(crate) fn none(leaders: usize) -> Self {
        Rules {
            leaders,
            ..Rules::default()
        }
    }

    /// Every constraint, as the items a conflict may name, in a fixed order.
    fn items(&self, ranked: &[Entrant]) -> Vec<Item> {
        let mut items = vec![Item::Leaders];
        items.extend(self.per_unit.map(|_| Item::PerUnit));
        items.extend(self.per_sponsor.map(|_| Item::PerSponsor));
        items.extend(self.training_capacity.map(|_| Item::TrainingCapacity));
        let mut named: Vec<Item> = ranked
            .iter()
            .flat_map(|e| {
                [
                    e.must_lead.map(Item::MustLead),
                    e.must_not_lead.map(Item::MustNotLead),
                ]
            })
            .flatten()
            .collect();
        named.sort_unstable();
        named.dedup();
        items.extend(named);
        items.extend((0..bits(self.exclusive)).map(Item::Exclusive));
        for (g, group) in (0..).zip(self.groups.iter().take(MAX_BITS)) {
            if group.min > 0 {
                items.push(Item::GroupMin(g));
            }
            if group.max.is_some() {
                items.push(Item::GroupMax(g));
            }
        }
        items
    }
}

/// `n` bits, at most [`MAX_BITS`], as a `u32` count.
fn bits(n: usize) -> u32 {
    #[allow(clippy::cast_possible_truncation, reason = "at most 64")]
    let n = n.min(MAX_BITS) as u32;
    n
}

/// One constraint, as a conflict names it; the caller maps it to its key
/// and place in the criteria file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub(crate) enum Item {
    /// `leaders`.
    Leaders,
    /// `per_unit`.
    PerUnit,
    /// `per_sponsor`.
    PerSponsor,
    /// `training_capacity`.
    TrainingCapacity,
    /// The `must_lead` entry with this index.
    MustLead(u32),
    /// The `must_not_lead` entry with this index.
    MustNotLead(u32),
    /// The exclusive pair with this index.
    Exclusive(u32),
    /// The `min` of the group with this index.
    GroupMin(u32),
    /// The `max` of the group with this index.
    GroupMax(u32),
}

/// The constraints that hold when some items are dropped, resolved for
/// quick checks. A dropped must-lead leaves its candidate free to lead or
/// not, whatever its scores: dropping an item only ever allows more sets.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Active {
    leaders: usize,
    per_unit: Option<u32>,
    per_sponsor: Option<u32>,
    capacity: Option<u64>,
    /// The exclusive pairs that hold.
    exclusive: u64,
    /// Each group's min (0 when dropped) and max (`u32::MAX` when none).
    min: [u32; MAX_BITS],
    max: [u32; MAX_BITS],
    /// The groups with a min above 0.
    min_groups: u64,
    /// The dropped items, sorted.
    dropped: Vec<Item>,
}

/// What the rule may do with a candidate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// It leads whatever happens.
    Must,
    /// It may lead or not.
    Free,
    /// It may not lead.
    Out,
    /// It must lead and must not: no set will do.
    Contradiction,
}

impl Active {
    fn new(constraints: &Rules, dropped: &[Item]) -> Self {
        let mut dropped = dropped.to_vec();
        dropped.sort_unstable();
        let holds = |item| dropped.binary_search(&item).is_err();
        let mut min = [0; MAX_BITS];
        let mut max = [u32::MAX; MAX_BITS];
        let mut min_groups = 0;
        for (((g, group), lo), hi) in (0..)
            .zip(&constraints.groups)
            .zip(min.iter_mut())
            .zip(max.iter_mut())
        {
            if holds(Item::GroupMin(g)) && group.min > 0 {
                *lo = group.min;
                min_groups |= 1 << g;
            }
            if holds(Item::GroupMax(g)) {
                *hi = group.max.unwrap_or(u32::MAX);
            }
        }
        let mut exclusive = 0;
        for p in 0..bits(constraints.exclusive) {
            if holds(Item::Exclusive(p)) {
                exclusive |= 1 << p;
            }
        }
        Active {
            leaders: if holds(Item::Leaders) {
                constraints.leaders
            } else {
                usize::MAX
            },
            per_unit: constraints.per_unit.filter(|_| holds(Item::PerUnit)),
            per_sponsor: constraints.per_sponsor.filter(|_| holds(Item::PerSponsor)),
            capacity: constraints
                .training_capacity
                .filter(|_| holds(Item::TrainingCapacity)),
            exclusive,
            min,
            max,
            min_groups,
            dropped,
        }
    }

    fn holds(&self, item: Item) -> bool {
        self.dropped.binary_search(&item).is_err()
    }

    fn kind(&self, e: &Entrant) -> Kind {
        let must = e.must_lead.is_some_and(|m| self.holds(Item::MustLead(m)));
        let banned = e
            .must_not_lead
            .is_some_and(|m| self.holds(Item::MustNotLead(m)));
        match (must, banned) {
            (true, true) => Kind::Contradiction,
            (true, false) => Kind::Must,
            (false, false) if e.eligible || e.must_lead.is_some() => Kind::Free,
            (false, _) => Kind::Out,
        }
    }

    fn min(&self, g: u32) -> u32 {
        self.min.get(g as usize).copied().unwrap_or(0)
    }

    fn max(&self, g: u32) -> u32 {
        self.max.get(g as usize).copied().unwrap_or(u32::MAX)
    }
}

/// The bits set in `mask`, lowest first.
fn ones(mut mask: u64) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        let bit = mask.trailing_zeros();
        (mask != 0).then(|| {
            mask &= mask - 1;
            bit
        })
    })
}

/// What a set of leaders uses of each constraint.
#[derive(Clone, Debug)]
struct Tally {
    count: usize,
    units: Vec<u32>,
    sponsors: Vec<u32>,
    trainees: u64,
    exclusive: u64,
    groups: [u32; MAX_BITS],
}

impl Tally {
    fn new() -> Self {
        Tally {
            count: 0,
            units: Vec::new(),
            sponsors: Vec::new(),
            trainees: 0,
            exclusive: 0,
            groups: [0; MAX_BITS],
        }
    }

    fn used(counts: &[u32], id: Option<u32>) -> u32 {
        id.and_then(|id| counts.get(id as usize).copied())
            .unwrap_or(0)
    }

    /// Whether `e` can join without breaking a constraint that adding only
    /// ever breaks: caps, capacity, exclusive pairs, group maxes. The
    /// number of leaders is the caller's.
    fn fits(&self, rules: &Active, e: &Entrant) -> bool {
        let under = |cap: Option<u32>, counts: &[u32], id: Option<u32>| {
            cap.is_none_or(|cap| id.is_none() || Self::used(counts, id) < cap)
        };
        under(rules.per_unit, &self.units, e.unit)
            && under(rules.per_sponsor, &self.sponsors, e.sponsor)
            && rules.capacity.is_none_or(|cap| {
                self.trainees
                    .checked_add(e.trainees)
                    .is_some_and(|t| t <= cap)
            })
            && e.exclusive & self.exclusive & rules.exclusive == 0
            && ones(e.groups).all(|g| self.group(g) < rules.max(g))
    }

    fn group(&self, g: u32) -> u32 {
        self.groups.get(g as usize).copied().unwrap_or(0)
    }

    fn bump(counts: &mut Vec<u32>, id: Option<u32>, up: bool) {
        let Some(id) = id else { return };
        let id = id as usize;
        if counts.len() <= id {
            counts.resize(id + 1, 0);
        }
        if let Some(count) = counts.get_mut(id) {
            *count = if up {
                *count + 1
            } else {
                count.saturating_sub(1)
            };
        }
    }

    fn add(&mut self, e: &Entrant) {
        self.count += 1;
        Self::bump(&mut self.units, e.unit, true);
        Self::bump(&mut self.sponsors, e.sponsor, true);
        self.trainees = self.trainees.saturating_add(e.trainees);
        self.exclusive |= e.exclusive;
        for g in ones(e.groups) {
            if let Some(count) = self.groups.get_mut(g as usize) {
                *count += 1;
            }
        }
    }

    /// Undoes [`Tally::add`] of `e`; `exclusive` is the mask before it.
    fn remove(&mut self, e: &Entrant, exclusive: u64) {
        self.count = self.count.saturating_sub(1);
        Self::bump(&mut self.units, e.unit, false);
        Self::bump(&mut self.sponsors, e.sponsor, false);
        self.trainees = self.trainees.saturating_sub(e.trainees);
        self.exclusive = exclusive;
        for g in ones(e.groups) {
            if let Some(count) = self.groups.get_mut(g as usize) {
                *count = count.saturating_sub(1);
            }
        }
    }

    /// How many more leaders each group's min still needs: the largest
    /// shortfall, and their sum.
    fn deficits(&self, rules: &Active) -> (u32, u32) {
        ones(rules.min_groups).fold((0, 0), |(most, sum), g| {
            let short = rules.min(g).saturating_sub(self.group(g));
            (most.max(short), sum.saturating_add(short))
        })
    }
}

/// The leaders of `ranked`, all candidates in rank order, as positions,
/// best first; `None` when no set satisfies every constraint.
///
/// Exact: the largest feasible set of at most `leaders`, and among those the
/// best in rank order.
#[cfg(test)]
pub(crate) fn choose(constraints: &Rules, ranked: &[Entrant]) -> Option<Vec<usize>> {
    let bound = Bound::new(constraints.clone(), ranked);
    let mut leaders = Vec::new();
    let offers = ranked.iter().enumerate().map(|(p, e)| (p, p, e.eligible));
    match bound.choose(offers, true, |p| leaders.push(p)) {
        Outcome::Chosen(_) => Some(leaders),
        Outcome::Undecided | Outcome::Infeasible => None,
    }
}

/// The constraints bound to one portfolio: each candidate as the rule sees
/// it, by its place (its position in the portfolio's id order), read when
/// it is offered. The portfolio's seats are shared, not copied, and only
/// the few candidates a decision names or a group counts are marked: so
/// binding costs nothing per candidate, and a search that reads the best
/// few reads only those.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bound {
    constraints: Rules,
    /// The constraints, resolved for quick checks.
    rules: Active,
    /// Each candidate's unit, sponsor and trainees, by place.
    seats: Arc<Seats>,
    /// What the seats do not say, by place, ascending: the candidates a
    /// `must_lead`, `must_not_lead` or `exclusive` entry names, or which
    /// carry a group's tag.
    marks: Vec<(usize, Marks)>,
    /// The places of the candidates that must lead.
    must: Vec<usize>,
    /// How many units, and sponsors, there are: one more than the largest
    /// small id, so that a tally is sized once.
    ids: (usize, usize),
}

/// What decisions and groups say of one candidate: [`Entrant`]'s fields
/// of the same names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Marks {
    pub(crate) must_lead: Option<u32>,
    pub(crate) must_not_lead: Option<u32>,
    pub(crate) groups: u64,
    pub(crate) exclusive: u64,
}

/// What [`Bound::choose`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// This many lead; the caller heard of each.
    Chosen(usize),
    /// The offers, not all the candidates, did not decide the leaders: offer
    /// them all.
    Undecided,
    /// No set satisfies every constraint: [`Bound::conflict`] names a
    /// minimal set of conflicting ones.
    Infeasible,
}

impl Bound {
    /// `constraints` over the candidates `by_place`.
    #[cfg(test)]
    pub(crate) fn new(constraints: Rules, by_place: &[Entrant]) -> Self {
        let must = (by_place.iter().enumerate())
            .filter(|(_, e)| e.must_lead.is_some())
            .map(|(place, _)| place)
            .collect();
        let seats =
            Seats::new((by_place.iter()).map(|e| (e.unit, e.sponsor, e.trainees, e.groups != 0)));
        let marks = (by_place.iter().enumerate())
            .map(|(place, e)| {
                let marks = Marks {
                    must_lead: e.must_lead,
                    must_not_lead: e.must_not_lead,
                    groups: e.groups,
                    exclusive: e.exclusive,
                };
                (place, marks)
            })
            .filter(|&(_, marks)| marks != Marks::default())
            .collect();
        Bound::from_parts(constraints, Arc::new(seats), marks, must)
    }

    /// `constraints` over the candidates whose units, sponsors and trainees
    /// `seats` holds and whose decisions and groups `marks` holds (by
    /// place, ascending), of which those at the places `must` (in order)
    /// must lead.
    pub(crate) fn from_parts(
        constraints: Rules,
        seats: Arc<Seats>,
        marks: Vec<(usize, Marks)>,
        must: Vec<usize>,
    ) -> Self {
        Bound {
            ids: seats.counts(),
            rules: Active::new(&constraints, &[]),
            constraints,
            seats,
            marks,
            must,
        }
    }

    /// The constraints.
    pub(crate) fn rules(&self) -> &Rules {
        &self.constraints
    }

    /// A minimal set of constraints that cannot all hold over `ranked`
    /// (every candidate best first, as places and eligibility); empty when
    /// they can.
    pub(crate) fn conflict(&self, ranked: impl IntoIterator<Item = (usize, bool)>) -> Vec<Item> {
        let entrants: Vec<Entrant> = (ranked.into_iter())
            .filter_map(|(place, eligible)| self.at(place, eligible))
            .collect();
        conflict(&self.constraints, &entrants).unwrap_or_default()
    }

    /// The places of the candidates a `must_lead` entry names: every offer
    /// must hold them.
    pub(crate) fn must(&self) -> &[usize] {
        &self.must
    }

    /// The candidate at `place`, eligible or not.
    #[inline]
    pub(crate) fn at(&self, place: usize, eligible: bool) -> Option<Entrant> {
        if place >= self.seats.len() {
            return None;
        }
        let (unit, sponsor) = self.seats.unit_and_sponsor(place);
        let (trainees, _) = self.seats.trainees(place);
        let marks = if self.marks.is_empty() {
            Marks::default()
        } else {
            (self.marks.binary_search_by_key(&place, |&(p, _)| p))
                .ok()
                .and_then(|i| self.marks.get(i))
                .map_or_else(Marks::default, |&(_, marks)| marks)
        };
        Some(Entrant {
            eligible,
            must_lead: marks.must_lead,
            must_not_lead: marks.must_not_lead,
            unit,
            sponsor,
            trainees,
            groups: marks.groups,
            exclusive: marks.exclusive,
        })
    }

    /// The tally of the must-leads, sized for every unit and sponsor, and
    /// whether the dive may start from it: `false` when the must-leads
    /// alone break a constraint.
    fn start(&self) -> (Tally, bool) {
        let rules = &self.rules;
        let mut tally = Tally::new();
        tally.units = vec![0; self.ids.0];
        tally.sponsors = vec![0; self.ids.1];
        let mut fits = true;
        for &place in &self.must {
            match self.at(place, false) {
                Some(e) if rules.kind(&e) == Kind::Must && tally.fits(rules, &e) => tally.add(&e),
                _ => fits = false,
            }
        }
        let fits = fits && tally.count <= rules.leaders;
        (tally, fits)
    }

    /// Reads `ranked`, candidates best first, each as what the caller wants
    /// back, its place and whether its scores let it lead, and calls
    /// `chosen` with each leader, best first.
    ///
    /// Reads no further than the first dive of the search needs: in the
    /// common case it decides the leaders from the first few candidates,
    /// and the rest are never read. When it does not, and `complete` says
    /// `ranked` holds every candidate that may lead (the must-leads always
    /// among them), the whole search runs on them; when `complete` is
    /// false, the answer is [`Outcome::Undecided`] and the caller offers
    /// them all. Allocates nothing per candidate: the candidates read that
    /// may lead are kept in one buffer.
    pub(crate) fn choose<T>(
        &self,
        ranked: impl IntoIterator<Item = (T, usize, bool)>,
        complete: bool,
        mut chosen: impl FnMut(T),
    ) -> Outcome {
        let rules = &self.rules;
        let target = rules.leaders;
        let (mut tally, diving) = self.start();
        let done = |tally: &Tally| tally.count == target && tally.deficits(rules).0 == 0;
        // The candidates read that may lead, and which of them the dive
        // took, by index into `read`.
        let mut read: Vec<(Option<T>, Entrant)> = Vec::with_capacity(64);
        let mut taken: Vec<usize> = Vec::with_capacity(target.min(64));
        let mut must_seen = 0;
        let mut ranked = ranked.into_iter();
        while !(diving && done(&tally) && must_seen == self.must.len()) {
            let Some((what, place, eligible)) = ranked.next() else {
                break;
            };
            let Some(e) = self.at(place, eligible) else {
                continue;
            };
            match rules.kind(&e) {
                Kind::Out => continue,
                Kind::Must | Kind::Contradiction => {
                    must_seen += 1;
                    taken.push(read.len());
                }
                Kind::Free => {
                    if diving && dive_takes(rules, &mut tally, &e) {
                        taken.push(read.len());
                    }
                }
            }
            read.push((Some(what), e));
        }
        if !(diving && done(&tally)) {
            if !complete {
                return Outcome::Undecided;
            }
            let entrants: Vec<Entrant> = read.iter().map(|(_, e)| *e).collect();
            let Some(positions) = search(rules, &entrants) else {
                return Outcome::Infeasible;
            };
            taken = positions;
        }
        for &i in &taken {
            if let Some(what) = read.get_mut(i).and_then(|(what, _)| what.take()) {
                chosen(what);
            }
        }
        Outcome::Chosen(taken.len())
    }
}

/// Whether the dive takes the free candidate `e`, taking it into `tally`:
/// it must fit, with room left for the largest group shortfall.
#[inline]
fn dive_takes(rules: &Active, tally: &mut Tally, e: &Entrant) -> bool {
    let target = rules.leaders;
    if !(tally.count < target && tally.fits(rules, e)) {
        return false;
    }
    // Taking it must leave room for the largest group shortfall.
    let before = tally.exclusive;
    tally.add(e);
    if (tally.deficits(rules).0 as usize) > target - tally.count {
        tally.remove(e, before);
        false
    } else {
        true
    }
}

impl Bound {
    /// Whether the candidate at `place`, eligible, leads when it stands at
    /// `slot` among `others` (every other candidate that may lead, best
    /// first, as places and eligibility); `None` when the constraints then
    /// cannot all hold.
    fn leads_at(&self, others: &[(usize, bool)], place: usize, slot: usize) -> Option<bool> {
        let before = others.get(..slot).unwrap_or(others);
        let after = others.get(slot..).unwrap_or_default();
        let offers = (before.iter().copied())
            .chain(std::iter::once((place, true)))
            .chain(after.iter().copied())
            .map(|(p, eligible)| (p, p, eligible));
        let mut leads = false;
        match self.choose(offers, true, |p| leads |= p == place) {
            Outcome::Chosen(_) => Some(leads),
            Outcome::Undecided | Outcome::Infeasible => None,
        }
    }

    /// How far down the candidate at `place` may stand and still lead, when
    /// eligible: the largest slot among `others` (every other candidate that
    /// may lead, best first) at which it leads; `None` when it leads at
    /// none.
    ///
    /// Whether it leads only gets better as it stands higher: the set that
    /// holds it stays feasible and beats every set it beat before. So a
    /// binary search finds the slot, with `O(log N)` runs of the rule.
    pub(crate) fn lowest_leading_slot(
        &self,
        others: &[(usize, bool)],
        place: usize,
    ) -> Option<usize> {
        if self.leads_at(others, place, 0) != Some(true) {
            return None;
        }
        // It leads at `lo`; it does not at `hi`, or `hi` is past the end.
        let (mut lo, mut hi) = (0, others.len() + 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.leads_at(others, place, mid) == Some(true) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(lo)
    }
}

/// What the search knows about the candidates from each position on.
struct Suffix {
    /// How many free candidates there are from each position on.
    free: Vec<usize>,
    /// The fewest trainees of a free candidate from each position on.
    cheapest: Vec<u64>,
    /// For each group with a min, in `rules.min_groups` order: how many free
    /// candidates carry its tag from each position on.
    carriers: Vec<Vec<u32>>,
    /// Whether no free candidate carries two groups with a min: then the
    /// shortfalls add up.
    disjoint: bool,
}

impl Suffix {
    fn new(rules: &Active, ranked: &[Entrant]) -> Self {
        let n = ranked.len();
        let mut free = vec![0; n + 1];
        let mut cheapest = vec![u64::MAX; n + 1];
        let mut carriers = vec![vec![0; n + 1]; rules.min_groups.count_ones() as usize];
        let mut disjoint = true;
        for (p, e) in ranked.iter().enumerate().rev() {
            let is_free = rules.kind(e) == Kind::Free;
            let next = (
                free.get(p + 1).copied().unwrap_or(0),
                cheapest.get(p + 1).copied().unwrap_or(u64::MAX),
            );
            if let (Some(f), Some(c)) = (free.get_mut(p), cheapest.get_mut(p)) {
                *f = next.0 + usize::from(is_free);
                *c = if is_free {
                    next.1.min(e.trainees)
                } else {
                    next.1
                };
            }
            disjoint &= !is_free || (e.groups & rules.min_groups).count_ones() <= 1;
            for (g, counts) in ones(rules.min_groups).zip(carriers.iter_mut()) {
                let next = counts.get(p + 1).copied().unwrap_or(0);
                if let Some(count) = counts.get_mut(p) {
                    *count = next + u32::from(is_free && e.groups >> g & 1 == 1);
                }
            }
        }
        Suffix {
            free,
            cheapest,
            carriers,
            disjoint,
        }
    }

    /// Whether the candidates from `p` on might complete `tally` to `target`
    /// leaders; `false` only when they cannot.
    fn may_complete(&self, rules: &Active, tally: &Tally, p: usize, target: usize) -> bool {
        let slots = target.saturating_sub(tally.count);
        if slots == 0 {
            return tally.deficits(rules).0 == 0;
        }
        if self.free.get(p).copied().unwrap_or(0) < slots {
            return false;
        }
        if let Some(cap) = rules.capacity {
            let cheapest = self.cheapest.get(p).copied().unwrap_or(u64::MAX);
            let least = u128::from(cheapest) * slots as u128;
            if u128::from(tally.trainees) + least > u128::from(cap) {
                return false;
            }
        }
        let (most, sum) = tally.deficits(rules);
        let need = if self.disjoint { sum } else { most };
        if need as usize > slots {
            return false;
        }
        ones(rules.min_groups)
            .zip(&self.carriers)
            .all(|(g, counts)| {
                rules.min(g).saturating_sub(tally.group(g)) <= counts.get(p).copied().unwrap_or(0)
            })
    }
}

/// The most leaders that caps alone allow: the must-leads, plus in each
/// unit (or sponsor) as many free candidates as its cap leaves room for.
fn cap_bound(
    rules: &Active,
    ranked: &[Entrant],
    by: fn(&Entrant) -> Option<u32>,
    cap: u32,
) -> usize {
    let mut used: Vec<u32> = Vec::new();
    let mut free: Vec<u32> = Vec::new();
    let mut bound = 0usize;
    for e in ranked {
        let kind = rules.kind(e);
        let Some(id) = by(e) else {
            bound += usize::from(matches!(kind, Kind::Must | Kind::Free));
            continue;
        };
        match kind {
            Kind::Must => Tally::bump(&mut used, Some(id), true),
            Kind::Free => Tally::bump(&mut free, Some(id), true),
            Kind::Out | Kind::Contradiction => {}
        }
    }
    for (id, &m) in used.iter().enumerate() {
        let f = free.get(id).copied().unwrap_or(0);
        bound += m.max(cap).min(m + f) as usize;
    }
    bound
        + free
            .iter()
            .skip(used.len())
            .map(|&f| f.min(cap) as usize)
            .sum::<usize>()
}

/// The exact search under `rules`: `None` when no set satisfies them.
fn search(rules: &Active, ranked: &[Entrant]) -> Option<Vec<usize>> {
    let mut tally = Tally::new();
    let mut must = Vec::new();
    for (p, e) in ranked.iter().enumerate() {
        match rules.kind(e) {
            Kind::Contradiction => return None,
            Kind::Must if !tally.fits(rules, e) => return None,
            Kind::Must => {
                tally.add(e);
                must.push(p);
            }
            Kind::Free | Kind::Out => {}
        }
    }
    if tally.count > rules.leaders {
        return None;
    }
    let suffix = Suffix::new(rules, ranked);
    let mut top = rules
        .leaders
        .min(tally.count + suffix.free.first().copied().unwrap_or(0));
    if let Some(cap) = rules.per_unit {
        top = top.min(cap_bound(rules, ranked, |e| e.unit, cap));
    }
    if let Some(cap) = rules.per_sponsor {
        top = top.min(cap_bound(rules, ranked, |e| e.sponsor, cap));
    }
    for target in (tally.count..=top).rev() {
        if let Some(mut chosen) = walk(rules, ranked, &suffix, tally.clone(), target) {
            chosen.extend_from_slice(&must);
            chosen.sort_unstable();
            return Some(chosen);
        }
    }
    None
}

/// The first set of `target` leaders, in the rule's order, that completes
/// `tally` (the must-leads) from the free candidates: their positions.
fn walk(
    rules: &Active,
    ranked: &[Entrant],
    suffix: &Suffix,
    mut tally: Tally,
    target: usize,
) -> Option<Vec<usize>> {
    // The taken positions, each with the exclusive mask before it.
    let mut taken: Vec<(usize, u64)> = Vec::new();
    let mut p = 0;
    loop {
        let complete = tally.count == target && tally.deficits(rules).0 == 0;
        if complete {
            return Some(taken.into_iter().map(|(p, _)| p).collect());
        }
        if suffix.may_complete(rules, &tally, p, target)
            && let Some(e) = ranked.get(p)
        {
            if rules.kind(e) == Kind::Free && tally.fits(rules, e) {
                taken.push((p, tally.exclusive));
                tally.add(e);
            }
            p += 1;
            continue;
        }
        // Back up: the last one taken does not lead after all.
        let (last, before) = taken.pop()?;
        if let Some(e) = ranked.get(last) {
            tally.remove(e, before);
        }
        p = last + 1;
    }
}

/// A minimal set of constraints that cannot all hold together, when
/// `constraints` cannot: dropping any one of them leaves a feasible set.
/// `None` when some set satisfies every constraint.
pub(crate) fn conflict(constraints: &Rules, ranked: &[Entrant]) -> Option<Vec<Item>> {
    let feasible = |dropped: &[Item]| search(&Active::new(constraints, dropped), ranked).is_some();
    if feasible(&[]) {
        return None;
    }
    let mut kept = constraints.items(ranked);
    let mut dropped: Vec<Item> = Vec::new();
    // Drop blocks of halving size while the rest still conflict; the last
    // round, one item at a time, leaves each kept item needed.
    let mut block = kept.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < kept.len() {
            let end = (start + block).min(kept.len());
            let trial: Vec<Item> = dropped
                .iter()
                .chain(kept.get(start..end).unwrap_or_default())
                .copied()
                .collect();
            if feasible(&trial) {
                start = end;
            } else {
                dropped = trial;
                kept.drain(start..end);
            }
        }
        if block == 1 {
            break;
        }
        block = block.div_ceil(2);
    }
    Some(kept)
}

/// Why an eligible candidate does not lead: the constraint it would break
/// by joining the leaders, and who holds the place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WhyNot {
    /// A `must_not_lead` entry names it.
    MustNotLead {
        /// The entry.
        entry: u32,
    },
    /// It and a leader are an exclusive pair.
    Excluded {
        /// The pair.
        pair: u32,
        /// The leader's position.
        with: usize,
    },
    /// Its unit already has `per_unit` leaders.
    Unit {
        /// The unit.
        unit: u32,
        /// `per_unit`.
        cap: u32,
        /// The unit's leaders' positions.
        holders: Vec<usize>,
    },
    /// Its sponsor already has `per_sponsor` leaders.
    Sponsor {
        /// The sponsor.
        sponsor: u32,
        /// `per_sponsor`.
        cap: u32,
        /// The sponsor's leaders' positions.
        holders: Vec<usize>,
    },
    /// A group it belongs to already has its max of leaders.
    GroupMax {
        /// The group.
        group: u32,
        /// Its max.
        max: u32,
        /// The group's leaders' positions.
        holders: Vec<usize>,
    },
    /// Its trainees do not fit in what the leaders leave of the capacity.
    Capacity {
        /// `training_capacity`.
        capacity: u64,
        /// The leaders' trainees.
        used: u64,
        /// Its trainees.
        needs: u64,
    },
    /// All leader places are taken. Leaders ranked below it hold theirs by
    /// decision or for a group's min.
    Full {
        /// How many lead.
        leaders: usize,
        /// The leaders ranked below it, and why each holds its place.
        below: Vec<(usize, Hold)>,
    },
}

/// Why a leader ranked below a follower holds its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hold {
    /// A `must_lead` entry names it.
    ByDecision,
    /// The group's min needs it: without it the group would fall short.
    ForGroup(u32),
}

/// Why each eligible candidate that does not lead does not: its position
/// and the constraints it would break by joining `leaders` (positions in
/// rank order), in a fixed order. Every such candidate has at least one.
pub(crate) fn why_not(
    constraints: &Rules,
    ranked: &[Entrant],
    leaders: &[usize],
) -> Vec<(usize, Vec<WhyNot>)> {
    let rules = Active::new(constraints, &[]);
    let mut tally = Tally::new();
    let members: Vec<(usize, &Entrant)> = leaders
        .iter()
        .filter_map(|&p| Some((p, ranked.get(p)?)))
        .collect();
    for (_, e) in &members {
        tally.add(e);
    }
    let leaders = Leaders {
        rules: &rules,
        tally: &tally,
        members: &members,
    };
    let mut out = Vec::new();
    for (p, e) in ranked.iter().enumerate() {
        if members.binary_search_by_key(&p, |&(q, _)| q).is_ok() {
            continue;
        }
        match rules.kind(e) {
            Kind::Out if e.eligible => {
                if let Some(entry) = e.must_not_lead {
                    out.push((p, vec![WhyNot::MustNotLead { entry }]));
                }
            }
            Kind::Free => out.push((p, leaders.reasons(p, e))),
            Kind::Out | Kind::Must | Kind::Contradiction => {}
        }
    }
    out
}

/// The leaders as [`why_not`] reads them.
struct Leaders<'a> {
    rules: &'a Active,
    tally: &'a Tally,
    /// Each leader's position and entrant.
    members: &'a [(usize, &'a Entrant)],
}

impl Leaders<'_> {
    /// The positions of the leaders that `keep` holds.
    fn holders(&self, keep: impl Fn(&Entrant) -> bool) -> Vec<usize> {
        (self.members.iter())
            .filter(|(_, e)| keep(e))
            .map(|&(p, _)| p)
            .collect()
    }

    /// Why `e`, at position `p`, free to lead, does not: each constraint it
    /// would break by joining, or when none, the places are all taken.
    fn reasons(&self, p: usize, e: &Entrant) -> Vec<WhyNot> {
        let (rules, tally) = (self.rules, self.tally);
        let mut reasons = Vec::new();
        let shared = |l: &Entrant| l.exclusive & e.exclusive & rules.exclusive;
        if let Some(&(with, l)) = self.members.iter().find(|(_, l)| shared(l) != 0) {
            let pair = shared(l).trailing_zeros();
            reasons.push(WhyNot::Excluded { pair, with });
        }
        if let (Some(cap), Some(unit)) = (rules.per_unit, e.unit)
            && Tally::used(&tally.units, Some(unit)) >= cap
        {
            let holders = self.holders(|l| l.unit == Some(unit));
            reasons.push(WhyNot::Unit { unit, cap, holders });
        }
        if let (Some(cap), Some(sponsor)) = (rules.per_sponsor, e.sponsor)
            && Tally::used(&tally.sponsors, Some(sponsor)) >= cap
        {
            let holders = self.holders(|l| l.sponsor == Some(sponsor));
            reasons.push(WhyNot::Sponsor {
                sponsor,
                cap,
                holders,
            });
        }
        for group in ones(e.groups) {
            let max = rules.max(group);
            if tally.group(group) >= max {
                let holders = self.holders(|l| l.groups >> group & 1 == 1);
                reasons.push(WhyNot::GroupMax {
                    group,
                    max,
                    holders,
                });
            }
        }
        if let Some(capacity) = rules.capacity
            && (tally.trainees.checked_add(e.trainees)).is_none_or(|t| t > capacity)
        {
            reasons.push(WhyNot::Capacity {
                capacity,
                used: tally.trainees,
                needs: e.trainees,
            });
        }
        if reasons.is_empty() {
            reasons.push(self.full(p, e));
        }
        reasons
    }

    /// Every place is taken: the leaders ranked below `e` (at `p`) hold
    /// theirs by decision, or because a group's min needs them (swapping
    /// `e` in for any other would be a better set of the same size).
    fn full(&self, p: usize, e: &Entrant) -> WhyNot {
        let rules = self.rules;
        let below = (self.members.iter())
            .filter(|&&(q, _)| q > p)
            .filter_map(|&(q, l)| {
                if rules.kind(l) == Kind::Must {
                    return Some((q, Hold::ByDecision));
                }
                ones(l.groups & !e.groups & rules.min_groups)
                    .find(|&g| self.tally.group(g) <= rules.min(g))
                    .map(|g| (q, Hold::ForGroup(g)))
            })
            .collect();
        WhyNot::Full {
            leaders: rules.leaders,
            below,
        }
    }
}

#[cfg(test)]
mod tests;
