//! One wave: the best set of waiting followers the free coaches can cover,
//! by the greedy algorithm on a transversal matroid with an augmenting-path
//! check (see the module docs).

use super::Unit;
use super::net::{NONE, Net};

/// The working memory of a wave, kept from one wave to the next so a month
/// allocates nothing. Arrays are per person (per unit for `next`) and are
/// valid for the current wave only where their stamp says so.
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    wave: usize,
    search: usize,
    /// Free slots left this wave.
    left: Vec<u64>,
    /// The wave `left` and `assigned` are for.
    seen: Vec<usize>,
    /// The wave in which no augmenting path starts from this person.
    dead: Vec<usize>,
    /// The search that visited this person.
    visited: Vec<usize>,
    /// How a search came to this person: from a person, through the
    /// follower it would move.
    parent: Vec<(usize, usize)>,
    /// This wave's followers each person coaches.
    assigned: Vec<Vec<usize>>,
    /// Per unit: the first of its free people who may have a slot left.
    next: Vec<(usize, usize)>,
    /// Per unit: the search that went through its free people.
    unit_visited: Vec<usize>,
    /// Per unit: the wave in which no augmenting path starts from any of
    /// its free people.
    unit_dead: Vec<usize>,
    queue: Vec<usize>,
    /// The units the current search went through.
    units_seen: Vec<usize>,
    /// Per project: its coach in the current wave.
    coach: Vec<usize>,
}

impl Scratch {
    pub(super) fn new(people: usize, units: usize, projects: usize) -> Self {
        Scratch {
            wave: 0,
            search: 0,
            left: vec![0; people],
            seen: vec![0; people],
            dead: vec![0; people],
            visited: vec![0; people],
            parent: vec![(NONE, NONE); people],
            assigned: vec![Vec::new(); people],
            next: vec![(0, 0); units],
            unit_visited: vec![0; units],
            unit_dead: vec![0; units],
            queue: Vec::new(),
            units_seen: Vec::new(),
            coach: vec![NONE; projects],
        }
    }

    /// The coach `project` was given in the last wave.
    pub(super) fn coach(&self, project: usize) -> usize {
        self.coach.get(project).copied().unwrap_or(NONE)
    }

    /// The slots `person` has left this wave.
    fn left(&mut self, person: usize, slots: &[u64]) -> u64 {
        if self.seen.get(person) != Some(&self.wave) {
            set(&mut self.seen, person, self.wave);
            set(
                &mut self.left,
                person,
                slots.get(person).copied().unwrap_or(0),
            );
            if let Some(assigned) = self.assigned.get_mut(person) {
                assigned.clear();
            }
        }
        self.left.get(person).copied().unwrap_or(0)
    }

    fn is_dead(&self, person: usize) -> bool {
        self.dead.get(person) == Some(&self.wave)
    }

    /// Marks `person` visited by the current search; false if it was.
    fn visit(&mut self, person: usize) -> bool {
        if self.is_dead(person) || self.visited.get(person) == Some(&self.search) {
            false
        } else {
            set(&mut self.visited, person, self.search);
            true
        }
    }

    /// `follower` takes one of `person`'s slots.
    fn take(&mut self, follower: usize, person: usize) {
        if let Some(left) = self.left.get_mut(person) {
            *left = left.saturating_sub(1);
        }
        self.give(follower, person);
    }

    /// `follower` is coached by `person`, in a slot already counted.
    fn give(&mut self, follower: usize, person: usize) {
        if let Some(assigned) = self.assigned.get_mut(person) {
            assigned.push(follower);
        }
        set(&mut self.coach, follower, person);
    }
}

fn set<T>(slice: &mut [T], i: usize, value: T) {
    if let Some(slot) = slice.get_mut(i) {
        *slot = value;
    }
}

/// The wave among `candidates` (in priority order): the followers chosen,
/// in priority order, with their coaches in `scratch`, and where the
/// `max` cut stopped (`candidates.len()` if it did not).
pub(super) fn choose(
    candidates: &[usize],
    max: usize,
    net: &Net,
    slots: &[u64],
    units: &[Unit],
    scratch: &mut Scratch,
) -> (Vec<usize>, usize) {
    scratch.wave += 1;
    let mut chosen = Vec::new();
    for (i, &follower) in candidates.iter().enumerate() {
        if chosen.len() == max {
            return (chosen, i);
        }
        if place(follower, net, slots, units, scratch)
            || shift(follower, net, slots, units, scratch)
        {
            chosen.push(follower);
        }
    }
    (chosen, candidates.len())
}

/// Gives `follower` a coach with a slot left, if one reaches it.
fn place(follower: usize, net: &Net, slots: &[u64], units: &[Unit], s: &mut Scratch) -> bool {
    for &(person, _) in net.roles_of(follower) {
        if s.left(person, slots) > 0 {
            s.take(follower, person);
            return true;
        }
    }
    let unit = net.unit_of(follower);
    let Some(free) = units.get(unit).map(Unit::free_people) else {
        return false;
    };
    // Slots only ever run out within a wave, so the unit's scan resumes
    // where it last found one.
    let wave = s.wave;
    let mut at = match s.next.get(unit) {
        Some(&(seen, at)) if seen == wave => at,
        _ => 0,
    };
    let found = loop {
        let Some(&person) = free.get(at) else {
            break false;
        };
        if s.left(person, slots) > 0 {
            s.take(follower, person);
            break true;
        }
        at += 1;
    };
    set(&mut s.next, unit, (wave, at));
    found
}

/// Gives `follower` a coach by moving followers already placed this wave
/// along an augmenting path, breadth first; if there is none, no path will
/// start from any person it visited for the rest of the wave.
fn shift(follower: usize, net: &Net, slots: &[u64], units: &[Unit], s: &mut Scratch) -> bool {
    s.search += 1;
    s.queue.clear();
    s.units_seen.clear();
    if expand(follower, NONE, net, slots, units, s) {
        return true;
    }
    let mut head = 0;
    while let Some(&person) = s.queue.get(head) {
        head += 1;
        let placed = s.assigned.get(person).map_or(0, Vec::len);
        for k in 0..placed {
            let Some(&moved) = s.assigned.get(person).and_then(|a| a.get(k)) else {
                continue;
            };
            if expand(moved, person, net, slots, units, s) {
                return true;
            }
        }
    }
    let wave = s.wave;
    for i in 0..s.queue.len() {
        if let Some(&person) = s.queue.get(i) {
            set(&mut s.dead, person, wave);
        }
    }
    for i in 0..s.units_seen.len() {
        if let Some(&unit) = s.units_seen.get(i) {
            set(&mut s.unit_dead, unit, wave);
        }
    }
    false
}

/// Visits the people with a free slot who reach `follower` (which `from`
/// coaches, or [`NONE`] for the follower being placed): its own slots,
/// then its unit's, each unit once a search since its people are the same
/// for all its followers. True when one has a slot left: the path is
/// flipped.
fn expand(
    follower: usize,
    from: usize,
    net: &Net,
    slots: &[u64],
    units: &[Unit],
    s: &mut Scratch,
) -> bool {
    for &(person, _) in net.roles_of(follower) {
        if slots.get(person).is_some_and(|&n| n > 0) && step(person, from, follower, slots, s) {
            return true;
        }
    }
    let unit = net.unit_of(follower);
    let wave = s.wave;
    let search = s.search;
    let Some(free) = units.get(unit).map(Unit::free_people) else {
        return false;
    };
    if s.unit_dead.get(unit) == Some(&wave) || s.unit_visited.get(unit) == Some(&search) {
        return false;
    }
    set(&mut s.unit_visited, unit, search);
    s.units_seen.push(unit);
    free.iter()
        .any(|&person| step(person, from, follower, slots, s))
}

/// The search reaches `person` from `from` through `follower`: true when
/// `person` has a slot left and the path is flipped, else `person` is
/// queued if new.
fn step(person: usize, from: usize, follower: usize, slots: &[u64], s: &mut Scratch) -> bool {
    if !s.visit(person) {
        return false;
    }
    set(&mut s.parent, person, (from, follower));
    if s.left(person, slots) > 0 {
        flip(person, s);
        return true;
    }
    s.queue.push(person);
    false
}

/// Moves each follower on the path that ends at `end` (a person with a slot
/// left) one step along it.
fn flip(end: usize, s: &mut Scratch) {
    if let Some(left) = s.left.get_mut(end) {
        *left = left.saturating_sub(1);
    }
    let mut person = end;
    loop {
        let (from, follower) = s.parent.get(person).copied().unwrap_or((NONE, NONE));
        s.give(follower, person);
        if from == NONE {
            return;
        }
        if let Some(assigned) = s.assigned.get_mut(from)
            && let Some(k) = assigned.iter().position(|&f| f == follower)
        {
            assigned.swap_remove(k);
        }
        person = from;
    }
}
