//! The months as events: projects end and train their people, coaches come
//! free, followers' start months come, and each month with something new
//! starts a wave.

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroUsize;

use super::matching::{Scratch, choose};
use super::net::{NONE, Net};
use super::{Coach, KeyRole, Left, Link, Project, Schedule, Step, Unit};
use crate::criteria::Waves as Settings;

/// A person as the simulation knows them.
#[derive(Debug, Clone, Default)]
pub(super) struct Person {
    trained: bool,
    trained_at: u64,
    /// The first project that trained them.
    source: usize,
    /// Slots never used since they were trained.
    unused: u64,
    /// The months the other free slots came free, oldest first.
    released: VecDeque<u64>,
    /// The units they worked on a finished project in.
    units: Vec<Membership>,
    /// The month (stamp) they were last touched in.
    touched: usize,
}

impl Person {
    /// Takes the slot free the longest, and says since when.
    fn take_slot(&mut self) -> u64 {
        if self.unused > 0 {
            self.unused -= 1;
            self.trained_at
        } else {
            self.released.pop_front().unwrap_or(self.trained_at)
        }
    }
}

/// A person's place in a unit.
#[derive(Debug, Clone, Copy)]
struct Membership {
    unit: usize,
    /// The first project in the unit that trained them.
    source: usize,
    /// The month it ended.
    since: u64,
    /// Their position in the unit's free people, or [`NONE`].
    slot: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    /// Its start month has not come.
    Early,
    Waiting,
    Started,
}

#[derive(Debug, Clone)]
struct State {
    start: u64,
    end: u64,
    wave: usize,
    coach: Option<Coach>,
    /// Its coach, dense, or [`NONE`].
    coached_by: usize,
}

/// What happens in a month. Within a month, projects end before start
/// months come, each in priority order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Event {
    End(usize),
    Due(usize),
    /// A wave was cut at `max_size`: the rest try again.
    Retry,
}

struct Sim<'a> {
    net: &'a Net,
    load: u64,
    people: Vec<Person>,
    /// Each person's free slots: 0 until trained, then `unused` plus
    /// `released`. Apart, so the scans read 8 bytes a person.
    free: Vec<u64>,
    units: Vec<Unit>,
    states: Vec<State>,
    /// Apart from `states`: the scans read a byte a project.
    status: Vec<Status>,
    /// The month (stamp) each project was last made a candidate in.
    seen: Vec<usize>,
    /// The months to come, each with what happens in it: a few hundred
    /// months hold a hundred thousand events, so a map of months beats a
    /// heap of events.
    events: BTreeMap<u64, Vec<Event>>,
    /// One stamp per month with events.
    stamp: usize,
    touched: Vec<usize>,
    due: Vec<usize>,
    dirty: Vec<usize>,
    candidates: Vec<usize>,
    carried: (Vec<usize>, Vec<usize>),
    scratch: Scratch,
}

pub(super) fn run(net: &Net, projects: &[Project], settings: &Settings) -> Schedule {
    let mut sim = Sim::new(net, settings);
    for (id, node) in net.nodes.iter().enumerate() {
        if node.leader {
            sim.start(id, node.start_month, 0, None, NONE);
        } else {
            sim.at(node.start_month, Event::Due(id));
        }
    }
    let max = settings.max_size.map_or(usize::MAX, NonZeroUsize::get);
    let mut waves = 0;
    let mut cut = false;
    while let Some((month, events)) = sim.events.pop_first() {
        sim.stamp += 1;
        let retry = sim.happen(month, events);
        sim.gather(retry);
        if sim.candidates.is_empty() {
            continue;
        }
        let (chosen, rest) = choose(
            &sim.candidates,
            max,
            net,
            &sim.free,
            &sim.units,
            &mut sim.scratch,
        );
        if !chosen.is_empty() {
            waves += 1;
            for follower in chosen {
                let coach = sim.scratch.coach(follower);
                sim.coach(follower, coach, month, waves);
            }
        }
        if let Some(rest) = sim.candidates.get(rest..)
            && !rest.is_empty()
        {
            sim.carried = (rest.to_vec(), sim.dirty.clone());
            sim.at(month.saturating_add(1), Event::Retry);
        }
        if settings.max_waves.is_some_and(|m| waves >= m.get()) {
            cut = true;
            break;
        }
    }
    sim.schedule(projects, cut)
}

impl<'a> Sim<'a> {
    fn new(net: &'a Net, settings: &Settings) -> Self {
        let people = net.persons.len();
        let projects = net.nodes.len();
        Sim {
            net,
            load: u64::from(settings.coach_load.get()),
            people: vec![Person::default(); people],
            free: vec![0; people],
            units: vec![Unit::default(); net.units],
            states: vec![
                State {
                    start: 0,
                    end: 0,
                    wave: 0,
                    coach: None,
                    coached_by: NONE,
                };
                projects
            ],
            status: vec![Status::Early; projects],
            seen: vec![0; projects],
            events: BTreeMap::new(),
            stamp: 0,
            touched: Vec::new(),
            due: Vec::new(),
            dirty: Vec::new(),
            candidates: Vec::new(),
            carried: (Vec::new(), Vec::new()),
            scratch: Scratch::new(people, net.units, projects),
        }
    }

    fn at(&mut self, month: u64, event: Event) {
        self.events.entry(month).or_default().push(event);
    }

    /// Everything that happens in `month`; true if a cut wave goes on.
    fn happen(&mut self, month: u64, mut events: Vec<Event>) -> bool {
        self.touched.clear();
        self.due.clear();
        let mut retry = false;
        events.sort_unstable();
        for event in events {
            match event {
                Event::End(project) => self.end(project, month),
                Event::Due(follower) => {
                    set(&mut self.status, follower, Status::Waiting);
                    if let Some(unit) = self.units.get_mut(self.net.unit_of(follower)) {
                        unit.waiting.insert(follower);
                    }
                    self.due.push(follower);
                }
                Event::Retry => retry = true,
            }
        }
        retry
    }

    /// `project` ends: its coach is free again, its people are trained.
    fn end(&mut self, project: usize, month: u64) {
        let coach = self.states.get(project).map_or(NONE, |s| s.coached_by);
        if let Some(person) = self.people.get_mut(coach) {
            person.released.push_back(month);
            if let Some(free) = self.free.get_mut(coach) {
                *free += 1;
            }
            self.free_changed(coach, 1);
            self.touch(coach);
        }
        let unit = self.net.unit_of(project);
        for &(p, _) in self.net.roles_of(project) {
            let Some(person) = self.people.get_mut(p) else {
                continue;
            };
            if !person.trained {
                person.trained = true;
                person.trained_at = month;
                person.source = project;
                person.unused = self.load;
                set(&mut self.free, p, self.load);
                // No units yet: nothing else counts their slots.
                self.touch(p);
            }
            let Some(person) = self.people.get_mut(p) else {
                continue;
            };
            if unit != NONE && person.units.iter().all(|m| m.unit != unit) {
                let free = self.free.get(p).copied().unwrap_or(0);
                let mut slot = NONE;
                if let Some(u) = self.units.get_mut(unit)
                    && free > 0
                {
                    slot = u.free_people.len();
                    u.free_people.push(p);
                    u.free_slots += free;
                }
                person.units.push(Membership {
                    unit,
                    source: project,
                    since: month,
                    slot,
                });
                self.touch(p);
            }
        }
    }

    fn touch(&mut self, person: usize) {
        if let Some(p) = self.people.get_mut(person)
            && p.touched != self.stamp
        {
            p.touched = self.stamp;
            self.touched.push(person);
        }
    }

    /// `person`'s free slots went up (`+1`) or down (`-1`) by one: keep
    /// their units' counts and free lists.
    fn free_changed(&mut self, person: usize, delta: i8) {
        let free = self.free.get(person).copied().unwrap_or(0);
        let count = self.people.get(person).map_or(0, |p| p.units.len());
        for k in 0..count {
            let Some(own) = self
                .people
                .get(person)
                .and_then(|p| p.units.get(k))
                .copied()
            else {
                continue;
            };
            let Some(unit) = self.units.get_mut(own.unit) else {
                continue;
            };
            let mut slot = own.slot;
            let mut moved = NONE;
            if delta > 0 {
                unit.free_slots += 1;
                if free == 1 {
                    slot = unit.free_people.len();
                    unit.free_people.push(person);
                }
            } else {
                unit.free_slots = unit.free_slots.saturating_sub(1);
                if free == 0 && slot < unit.free_people.len() {
                    unit.free_people.swap_remove(slot);
                    moved = unit.free_people.get(slot).copied().unwrap_or(NONE);
                    if moved == NONE {
                        slot = NONE;
                    }
                }
            }
            if moved != NONE {
                if let Some(m) = self
                    .people
                    .get_mut(moved)
                    .and_then(|p| p.units.iter_mut().find(|m| m.unit == own.unit))
                {
                    m.slot = slot;
                }
                slot = NONE;
            }
            if let Some(m) = self.people.get_mut(person).and_then(|p| p.units.get_mut(k)) {
                m.slot = slot;
            }
        }
    }

    /// The candidates of this month, in priority order: the followers a
    /// newly trained or newly free person reaches directly, those whose
    /// start month came, those a cut wave left, and in each unit touched
    /// the first followers reached through it, as many as it has free
    /// slots.
    fn gather(&mut self, retry: bool) {
        self.candidates.clear();
        self.dirty.clear();
        if retry {
            let (followers, units) = std::mem::take(&mut self.carried);
            for follower in followers {
                self.consider(follower);
            }
            for unit in units {
                self.mark(unit);
            }
        }
        for i in 0..self.touched.len() {
            let Some(&p) = self.touched.get(i) else {
                continue;
            };
            if self.free.get(p).is_none_or(|&n| n == 0) {
                continue;
            }
            for &follower in self.net.followers_of(p) {
                self.consider(follower);
            }
            let count = self.people.get(p).map_or(0, |person| person.units.len());
            for k in 0..count {
                if let Some(m) = self.people.get(p).and_then(|person| person.units.get(k)) {
                    self.mark(m.unit);
                }
            }
        }
        for i in 0..self.due.len() {
            let Some(&follower) = self.due.get(i) else {
                continue;
            };
            if self.reached_directly(follower) {
                self.consider(follower);
            }
            let unit = self.net.unit_of(follower);
            if self.units.get(unit).is_some_and(|u| u.free_slots > 0) {
                self.mark(unit);
            }
        }
        self.gather_from_units();
        self.candidates.sort_unstable();
    }

    /// The candidates the units marked this month give: in each, its
    /// waiting followers in priority order until as many reached only
    /// through the unit as it has free slots. Those followers are
    /// interchangeable (the same free people reach each), so the wave takes
    /// a prefix of them, at most one per slot.
    fn gather_from_units(&mut self) {
        for i in 0..self.dirty.len() {
            let Some(unit) = self.dirty.get(i).and_then(|&u| self.units.get(u)) else {
                continue;
            };
            let mut slots = unit.free_slots;
            for &follower in &unit.waiting {
                if slots == 0 {
                    break;
                }
                let Some(seen) = self.seen.get_mut(follower) else {
                    continue;
                };
                if *seen == self.stamp {
                    continue;
                }
                *seen = self.stamp;
                self.candidates.push(follower);
                if !reached_directly(self.net, &self.free, follower) {
                    slots -= 1;
                }
            }
        }
    }

    fn reached_directly(&self, follower: usize) -> bool {
        reached_directly(self.net, &self.free, follower)
    }

    fn consider(&mut self, follower: usize) {
        if self.status.get(follower) == Some(&Status::Waiting)
            && let Some(seen) = self.seen.get_mut(follower)
            && *seen != self.stamp
        {
            *seen = self.stamp;
            self.candidates.push(follower);
        }
    }

    fn mark(&mut self, unit: usize) {
        if let Some(u) = self.units.get_mut(unit)
            && u.dirty != self.stamp
        {
            u.dirty = self.stamp;
            self.dirty.push(unit);
        }
    }

    /// `follower` starts in `month`, in `wave`, coached by `person`.
    fn coach(&mut self, follower: usize, person: usize, month: u64, wave: usize) {
        let net = self.net;
        let own = net
            .roles_of(follower)
            .iter()
            .find(|&&(p, _)| p == person)
            .map(|&(_, role)| role);
        let Some(coach) = self.people.get_mut(person) else {
            return;
        };
        let (link, source, linked) = match own {
            Some(KeyRole::Sponsor) => (Link::Sponsor, coach.source, coach.trained_at),
            Some(KeyRole::Agent) => (Link::Agent, coach.source, coach.trained_at),
            Some(KeyRole::Champion) => (Link::Champion, coach.source, coach.trained_at),
            None => {
                let unit = net.unit_of(follower);
                let m = coach.units.iter().find(|m| m.unit == unit);
                let source = m.map_or(coach.source, |m| m.source);
                (Link::Unit, source, m.map_or(coach.trained_at, |m| m.since))
            }
        };
        // Free for this follower once the slot is free and the link holds.
        let free_from = coach.take_slot().max(linked);
        if let Some(free) = self.free.get_mut(person) {
            *free = free.saturating_sub(1);
        }
        self.free_changed(person, -1);
        let trained_as = net
            .roles_of(source)
            .iter()
            .find(|&&(p, _)| p == person)
            .map_or(KeyRole::Sponsor, |&(_, role)| role);
        let coach = Coach {
            person: net.persons.get(person).copied().unwrap_or_default(),
            link,
            source,
            trained_as,
            free_from,
        };
        self.start(follower, month, wave, Some(coach), person);
    }

    /// `project` starts in `month`; its end is an event.
    fn start(
        &mut self,
        project: usize,
        month: u64,
        wave: usize,
        coach: Option<Coach>,
        person: usize,
    ) {
        let duration = self.net.nodes.get(project).map_or(1, |n| n.duration);
        let end = month.saturating_add(duration);
        if let Some(state) = self.states.get_mut(project) {
            *state = State {
                start: month,
                end,
                wave,
                coach,
                coached_by: person,
            };
        }
        set(&mut self.status, project, Status::Started);
        if let Some(unit) = self.units.get_mut(self.net.unit_of(project)) {
            unit.waiting.remove(&project);
        }
        self.at(end, Event::End(project));
    }

    /// The schedule, with the caller's indexes; `cut` if `max_waves`
    /// stopped the pull.
    fn schedule(&self, projects: &[Project], cut: bool) -> Schedule {
        let index = |id: usize| {
            self.net
                .nodes
                .get(id)
                .and_then(|node| projects.get(node.input))
                .map_or(0, |p| p.index)
        };
        let mut started: Vec<(usize, usize)> = self
            .states
            .iter()
            .zip(&self.status)
            .enumerate()
            .filter(|(_, (_, status))| **status == Status::Started)
            .map(|(id, (s, _))| (s.wave, id))
            .collect();
        started.sort_unstable();
        let steps = started
            .into_iter()
            .filter_map(|(_, id)| {
                let state = self.states.get(id)?;
                Some(Step {
                    project: index(id),
                    wave: state.wave,
                    start: state.start,
                    end: state.end,
                    coach: state.coach.map(|coach| Coach {
                        source: index(coach.source),
                        ..coach
                    }),
                })
            })
            .collect();
        let reachable = if cut { self.reachable() } else { Vec::new() };
        let left = self
            .status
            .iter()
            .enumerate()
            .filter(|(_, status)| **status != Status::Started)
            .map(|(id, _)| Left {
                project: index(id),
                cut: reachable.get(id) == Some(&true),
            })
            .collect();
        Schedule { steps, left }
    }

    /// Which projects a chain of trained people would reach from those
    /// started, with no limit on waves.
    fn reachable(&self) -> Vec<bool> {
        let net = self.net;
        let mut by_unit: Vec<Vec<usize>> = vec![Vec::new(); net.units];
        for (id, node) in net.nodes.iter().enumerate() {
            if let Some(list) = by_unit.get_mut(node.unit)
                && !node.leader
            {
                list.push(id);
            }
        }
        let mut reached: Vec<bool> = self
            .status
            .iter()
            .map(|&status| status == Status::Started)
            .collect();
        let mut queue: Vec<usize> = (0..reached.len())
            .filter(|&id| reached.get(id) == Some(&true))
            .collect();
        let mut trained = vec![false; net.persons.len()];
        let mut open = vec![false; net.units];
        while let Some(project) = queue.pop() {
            let roles = net.roles_of(project);
            let mut found: Vec<usize> = Vec::new();
            for &(person, _) in roles {
                if let Some(t) = trained.get_mut(person)
                    && !*t
                {
                    *t = true;
                    found.extend_from_slice(net.followers_of(person));
                }
            }
            let unit = net.unit_of(project);
            if let Some(o) = open.get_mut(unit)
                && !*o
                && !roles.is_empty()
            {
                *o = true;
                found.extend(by_unit.get(unit).into_iter().flatten().copied());
            }
            for follower in found {
                if let Some(r) = reached.get_mut(follower)
                    && !*r
                {
                    *r = true;
                    queue.push(follower);
                }
            }
        }
        reached
    }
}

/// Some person of `follower` is trained and has a free slot.
fn reached_directly(net: &Net, free: &[u64], follower: usize) -> bool {
    net.roles_of(follower)
        .iter()
        .any(|&(p, _)| free.get(p).is_some_and(|&n| n > 0))
}

fn set<T>(slice: &mut [T], i: usize, value: T) {
    if let Some(slot) = slice.get_mut(i) {
        *slot = value;
    }
}
