//! The pull after the push: which projects follow the leaders, in which
//! wave, and who coaches each.
//!
//! # The model
//!
//! - The leaders start at their `start_month` (0 by default): wave 0, the
//!   push. A project trains its sponsor, its change agents and its
//!   champions; from the month it ends (start plus duration, in whole
//!   months) they are *trained* and may coach.
//! - A trained person *reaches* a follower when they are its sponsor, one of
//!   its agents or champions, or they worked on a finished project in its
//!   unit (as that project's sponsor, agent or champion).
//! - Each trained person coaches at most `coach_load` projects at once, and
//!   is busy with a coached project from its start to its end. A follower
//!   needs one coach: it starts in the first month when a trained person who
//!   reaches it is free and its own `start_month` has come. When it ends, its
//!   own people are trained too, and its coach is free again.
//! - A *wave* is the group of followers that start in the same month; the
//!   pull waves are numbered 1, 2, ... in month order.
//! - Followers are taken by priority: first those whose team has `asked`
//!   for help (the pull itself), then local initiatives already underway
//!   (grass roots to connect), then by rank; the caller's `index` breaks
//!   what is left.
//!
//! # One wave, exactly
//!
//! In a month with free coaches, the wave is the best set of waiting
//! followers that the free coaches can cover (each follower its own coach,
//! each coach within their free slots), with at most `max_size` members:
//! *best* means the most followers, and among sets of that size the one
//! whose best member comes first in priority order, then its second best,
//! and so on. The sets of followers that some assignment covers are the
//! independent sets of a *transversal matroid* (Edmonds and Fulkerson,
//! 1965), and cutting them at `max_size` keeps a matroid. On a matroid the
//! greedy algorithm is exact in the strongest sense (Gale, 1968): taking the
//! followers in priority order and keeping each one whose addition still
//! leaves the set coverable gives, for every `k`, the best possible `k` top
//! members. Whether a set stays coverable is one augmenting-path search in
//! the bipartite graph of followers and coach slots (Kuhn's method). A test
//! checks each wave against every subset and every assignment.
//!
//! # The roadmap as a whole
//!
//! Months pass as events: a project ends (its people are trained, its coach
//! is free), a follower's `start_month` comes, or a wave cut at `max_size`
//! goes on the next month. Each wave is exact, but the schedule is a
//! priority list schedule, not an optimum over all schedules: a follower
//! that starts earlier holds its coach, which may delay a follower of higher
//! priority that needed the same coach later. So adding a champion or a link
//! may move a start later (and another earlier). What it never does, without
//! `max_waves`, is leave a reached project unreached: a follower is reached
//! exactly when a chain of trained people leads to it from the leaders, and
//! a coach, once trained, is free again each time a project they coach ends.
//! With `max_waves`, what is left when the last wave has started is
//! unreached.
//!
//! # Cost
//!
//! For `N` projects with `L` sponsor, agent and champion places in all, and
//! people trained in `M` (person, unit) pairs: ordering and indexing cost
//! `O((N + L) log(N + L))`, the events `O(N log N + M)` (a map of the
//! months to come, each with its events). A month re-examines only the
//! followers that a newly trained or newly free person reaches directly, and
//! in each unit with free coaches at most as many unit-reached followers as
//! the unit has free coach slots: followers reached only through their unit
//! are interchangeable, so the greedy takes a prefix of them. A wave of `k`
//! followers with `E` links among them costs `O(E)` for every follower
//! placed directly or rejected (a coach from whom no augmenting path starts
//! is never searched again within the wave) and `O(E)` for each follower
//! placed by moving others: `O(k E)` in the worst case, near `O(E)` when
//! coaches are plentiful. 100,000 projects in 1,000 units with 20,000 people
//! plan in well under a second (`benches/waves.rs`).
//!
//! A follower with no unit and no people is reached by no one and trains no
//! one: it is unreached whatever the others do, so it is set apart before
//! the engine runs and merged back into the unreached in priority order, in
//! `O(N)` when the plan's ranks rise with its order, as they do. The
//! candidate behind each placement is found by the address of its id
//! (`join`), a hash of a word rather than of a text.

mod join;
mod matching;
mod net;
mod roadmap;
mod simulate;

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

pub use self::roadmap::{Coaching, Roadmap, Stage, Unreachable, Unreached};
use crate::candidate::{Candidate, Portfolio};
use crate::criteria::{Criteria, Waves as Settings};
use crate::error::Result;
use crate::plan::{Plan, Role};

/// How many candidates [`split`] reads before it copies their texts.
const BATCH: usize = 64;

/// A project as the pull sees it: who it trains, where it sits, and how
/// urgently it wants to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The caller's name for the project, given back in the roadmap; unique.
    pub index: usize,
    /// How long it lasts, in whole months.
    pub duration: NonZeroU32,
    /// The earliest month it may start.
    pub start_month: u32,
    /// Its business unit, if known.
    pub unit: Option<u32>,
    /// Its sponsor, if known.
    pub sponsor: Option<u32>,
    /// Its change agents.
    pub agents: Vec<u32>,
    /// Its champions.
    pub champions: Vec<u32>,
    /// The team has asked for help: followed first.
    pub asked: bool,
    /// A grass-roots effort already underway: followed next.
    pub local_initiative: bool,
    /// Its rank in the plan, 1 for the best: the last of the priorities.
    pub rank: usize,
    /// It leads: wave 0.
    pub is_leader: bool,
}

/// The part a person plays in a project.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyRole {
    /// Its sponsor.
    Sponsor,
    /// One of its change agents.
    Agent,
    /// One of its champions.
    Champion,
}

/// Why a trained person reaches the follower they coach.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Link {
    /// They are its sponsor.
    Sponsor,
    /// They are one of its change agents.
    Agent,
    /// They are one of its champions.
    Champion,
    /// They worked on a finished project in its unit: the coach's source.
    Unit,
}

/// Who coaches a follower, and why they can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coach {
    /// The coach.
    pub person: u32,
    /// How they reach the follower.
    pub link: Link,
    /// The project that trained them (for [`Link::Unit`], the one in the
    /// follower's unit), by its `index`.
    pub source: usize,
    /// What they were on `source`.
    pub trained_as: KeyRole,
    /// The month from which they were free to coach this follower: the
    /// later of when their slot came free (they were trained, or a project
    /// they coached ended) and when `source` ended.
    pub free_from: u64,
}

/// One project on the roadmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The project, by its `index`.
    pub project: usize,
    /// 0 for the leaders, then 1, 2, ... for the pull waves.
    pub wave: usize,
    /// The month it starts.
    pub start: u64,
    /// The month it ends: start plus duration. Its people coach from then.
    pub end: u64,
    /// Who coaches it; `None` for a leader.
    pub coach: Option<Coach>,
}

/// A follower the pull never reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Left {
    /// The project, by its `index`.
    pub project: usize,
    /// Trained people would reach it, but the `max_waves` pull waves had all
    /// started; otherwise no chain of trained people leads to it.
    pub cut: bool,
}

/// The schedule of the pull: every reached project in wave order, and the
/// followers never reached.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    /// The reached projects, by wave, then in priority order.
    pub steps: Vec<Step>,
    /// The followers never reached, in priority order.
    pub left: Vec<Left>,
}

impl Schedule {
    /// How many pull waves start: the leaders' wave 0 not counted.
    pub fn pull_waves(&self) -> usize {
        self.steps.last().map_or(0, |step| step.wave)
    }
}

/// The schedule of `projects` under `settings`: the leaders push, the rest
/// follow as the model says.
pub(crate) fn schedule(projects: &[Project], settings: &Settings) -> Schedule {
    simulate::run(&net::Net::new(projects), projects, settings)
}

impl Criteria {
    /// How the rest follow the leaders: the pull, wave by wave, with the
    /// coach of each follower, and the followers no trained person reaches.
    /// Plans the portfolio first; [`Criteria::roadmap_of`] takes a plan
    /// already made.
    ///
    /// The leaders start at their `start_month` (wave 0). A project trains
    /// its sponsor, agents and champions; from the month it ends (its
    /// duration rounded up to whole months) they coach followers they are
    /// the sponsor, an agent or a champion of, or that are in the unit of a
    /// finished project they worked on, at most `coach_load` at once
    /// (`[waves]`). A follower needs one coach and may start from its own
    /// `start_month`. Followers are taken by priority: `asked`, then
    /// `local_initiative`, then rank.
    ///
    /// Each month's wave is exact: the most followers the free coaches can
    /// cover, at most `max_size`, and among those the best in priority
    /// order. The coverable sets are a transversal matroid, so the greedy
    /// pass in priority order with an augmenting-path check finds it. The
    /// roadmap as a whole is a priority list schedule: a new champion or
    /// link never leaves a reached project unreached (without `max_waves`),
    /// but a start may move, since a follower that starts earlier holds a
    /// coach that one of higher priority may need later.
    ///
    /// Near linear in practice: the months are events, and each looks only
    /// at followers that a newly trained or newly free person reaches; a
    /// wave of `k` followers with `E` links costs `O(k E)` at worst.
    ///
    /// ```
    /// use spearhead::{Criteria, Link, Portfolio};
    ///
    /// # let sample = include_str!("../../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let roadmap = Criteria::default().roadmap(&portfolio)?;
    /// assert_eq!(roadmap.pull_waves, 3);
    /// let billing = roadmap.projects.iter().find(|s| s.id == "billing-fixes").unwrap();
    /// let coach = billing.coach.as_ref().unwrap();
    /// assert_eq!((billing.wave, billing.start, coach.link), (1, 14, Link::Unit));
    /// assert_eq!(
    ///     coach.to_string(),
    ///     "coached by M. Lindqvist, sponsor of order-to-cash, free from month 14"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Criteria::plan`]: constraints that name a candidate the
    /// portfolio does not hold, or cannot all hold.
    pub fn roadmap(&self, portfolio: &Portfolio) -> Result<Roadmap> {
        Ok(self.roadmap_of(portfolio, &self.plan(portfolio)?))
    }

    /// The roadmap of `plan`, which these criteria made of `portfolio`: its
    /// leaders are wave 0, and its ranks break ties between followers.
    #[must_use]
    pub fn roadmap_of(&self, portfolio: &Portfolio, plan: &Plan) -> Roadmap {
        let ranked = join::ranked(portfolio, plan);
        let (linked, alone) = split(&ranked, plan);
        let linked: Vec<(usize, &Candidate)> = (linked.iter())
            .filter_map(|&index| Some((index, *ranked.get(index)?)))
            .collect();
        let people = Names::new(linked.iter().flat_map(|(_, c)| {
            (c.sponsor.iter())
                .chain(&c.agents)
                .chain(&c.champions)
                .map(String::as_str)
        }));
        let projects = projects(&linked, plan, &people);
        let schedule = schedule(&projects, &self.waves);
        let candidate = |index: usize| ranked.get(index).copied();
        let id = |index: usize| candidate(index).map(|c| c.id.clone()).unwrap_or_default();
        let name = |index: usize| candidate(index).map(|c| c.name.clone()).unwrap_or_default();
        let priority = |index: usize| {
            let rank = plan.ranking.get(index).map_or(0, |p| p.rank);
            candidate(index).map_or((true, true, rank, index), |c| {
                (!c.asked, !c.local_initiative, rank, index)
            })
        };
        let left = (schedule.left.iter()).map(|left| {
            let unreached = Unreached {
                id: id(left.project),
                name: name(left.project),
                reason: match self.waves.max_waves {
                    Some(max_waves) if left.cut => Unreachable::MaxWaves {
                        max_waves: max_waves.get(),
                    },
                    _ => Unreachable::NoTrainedPerson {
                        unit: candidate(left.project).and_then(|c| c.unit.clone()),
                    },
                },
            };
            (priority(left.project), unreached)
        });
        Roadmap {
            pull_waves: schedule.pull_waves(),
            projects: (schedule.steps.iter())
                .map(|step| Stage {
                    id: id(step.project),
                    name: name(step.project),
                    wave: step.wave,
                    start: step.start,
                    end: step.end,
                    coach: step.coach.map(|coach| Coaching {
                        person: people.name(coach.person).to_owned(),
                        link: coach.link,
                        source: id(coach.source),
                        trained_as: coach.trained_as,
                        free_from: coach.free_from,
                    }),
                })
                .collect(),
            unreached: alone.merge(left),
        }
    }
}

/// A follower's priority: asked first, then local initiatives, then rank,
/// then its index, as [`net`] orders projects.
type Priority = (bool, bool, usize, usize);

/// The followers with no unit and no people, unreached, in four classes of
/// priority (asked local initiatives, the others asked, the local
/// initiatives not asked, the rest), each in priority order:
/// the priorities in `keys`, the followers beside them in `unreached`.
#[derive(Default)]
struct Alone {
    keys: [Vec<Priority>; 4],
    unreached: [Vec<Unreached>; 4],
}

impl Alone {
    /// These and `left` (in priority order), merged in priority order.
    fn merge(self, left: impl ExactSizeIterator<Item = (Priority, Unreached)>) -> Vec<Unreached> {
        let [both, asked, local, rest] = self.unreached;
        // Most often there is one list: it is the answer, as it is.
        if left.len() == 0 && both.is_empty() && asked.is_empty() && local.is_empty() {
            return rest;
        }
        let mut out =
            Vec::with_capacity(left.len() + both.len() + asked.len() + local.len() + rest.len());
        let keys = self.keys.into_iter().flatten();
        let all = both.into_iter().chain(asked).chain(local).chain(rest);
        let mut alone = keys.zip(all).peekable();
        for (key, unreached) in left {
            while let Some((_, first)) = alone.next_if(|(k, _)| *k < key) {
                out.push(first);
            }
            out.push(unreached);
        }
        out.extend(alone.map(|(_, unreached)| unreached));
        out
    }
}

/// The `ranked` candidates (in `plan`'s order) the engine plans, by index;
/// and apart, unreached, the followers with no unit and no people, whom no
/// one can ever reach and who train no one. Those are unreached whatever
/// the rest does, so the engine never sees them (in the generated
/// portfolios of a million candidates, that is all but the leaders), and
/// they are written out here, in the one pass that reads them.
fn split(ranked: &[&Candidate], plan: &Plan) -> (Vec<usize>, Alone) {
    let mut linked = Vec::new();
    let mut alone = Alone::default();
    let mut rising = true;
    let mut last = 0;
    let mut batch: Vec<(usize, usize, &str, &str)> = Vec::with_capacity(BATCH);
    let chunks = ranked.chunks(BATCH).zip(plan.ranking.chunks(BATCH));
    for (chunk, (candidates, placements)) in chunks.enumerate() {
        // The candidates are in no useful order in memory. A loop that only
        // reads them keeps many reads in flight, as `plan` does; so does one
        // that reads the first byte of each text, whose result `black_box`
        // keeps; the copies then find the texts in the cache.
        batch.clear();
        for (k, (c, placement)) in candidates.iter().zip(placements).enumerate() {
            let index = chunk * BATCH + k;
            rising &= last <= placement.rank;
            last = placement.rank;
            if placement.role == Role::Lead
                || c.unit.is_some()
                || c.sponsor.is_some()
                || !c.agents.is_empty()
                || !c.champions.is_empty()
            {
                linked.push(index);
            } else {
                let class = 2 * usize::from(!c.asked) + usize::from(!c.local_initiative);
                batch.push((index, class, c.id.as_str(), c.name.as_str()));
            }
        }
        let first = |text: &str| text.as_bytes().first().copied().unwrap_or(0);
        let touched =
            (batch.iter()).fold(0, |sum, &(_, _, id, name)| sum ^ first(id) ^ first(name));
        std::hint::black_box(touched);
        for &(index, class, id, name) in &batch {
            let rank = plan.ranking.get(index).map_or(0, |p| p.rank);
            if let (Some(keys), Some(unreached)) =
                (alone.keys.get_mut(class), alone.unreached.get_mut(class))
            {
                keys.push((class >= 2, class % 2 == 1, rank, index));
                unreached.push(Unreached {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    reason: Unreachable::NoTrainedPerson { unit: None },
                });
            }
        }
    }
    // Plan order is rank order, so each class is in priority order already.
    if !rising {
        for (keys, unreached) in alone.keys.iter_mut().zip(&mut alone.unreached) {
            let mut both: Vec<_> = keys.drain(..).zip(unreached.drain(..)).collect();
            both.sort_by_key(|&(key, _)| key);
            (*keys, *unreached) = both.into_iter().unzip();
        }
    }
    (linked, alone)
}

/// The engine's projects: the `linked` candidates by their index in
/// `plan`'s order, with `people` and units by number.
fn projects(linked: &[(usize, &Candidate)], plan: &Plan, people: &Names<'_>) -> Vec<Project> {
    let units = Names::new(linked.iter().filter_map(|(_, c)| c.unit.as_deref()));
    (linked.iter())
        .filter_map(|&(index, c)| {
            let placement = plan.ranking.get(index)?;
            Some(Project {
                index,
                duration: whole_months(c.evidence.duration.get()),
                start_month: c.start_month,
                unit: c.unit.as_deref().and_then(|u| units.id(u)),
                sponsor: c.sponsor.as_deref().and_then(|s| people.id(s)),
                agents: c.agents.iter().filter_map(|a| people.id(a)).collect(),
                champions: c.champions.iter().filter_map(|a| people.id(a)).collect(),
                asked: c.asked,
                local_initiative: c.local_initiative,
                rank: placement.rank,
                is_leader: placement.role == Role::Lead,
            })
        })
        .collect()
}

/// A duration in whole months, rounded up: at least 1.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a duration is more than 0; beyond u32::MAX months it saturates"
)]
fn whole_months(months: f64) -> NonZeroU32 {
    NonZeroU32::new(months.ceil() as u32).unwrap_or(NonZeroU32::MIN)
}

/// Names numbered in the order they first come in the ranking: the
/// ranking does not depend on the order of the candidates, so neither do
/// the numbers (and the engine breaks no tie by a person's number).
struct Names<'a> {
    numbers: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let mut out = Names {
            numbers: HashMap::new(),
            names: Vec::new(),
        };
        for name in names {
            if !out.numbers.contains_key(name)
                && let Ok(number) = u32::try_from(out.names.len())
            {
                out.numbers.insert(name, number);
                out.names.push(name);
            }
        }
        out
    }

    fn id(&self, name: &str) -> Option<u32> {
        self.numbers.get(name).copied()
    }

    fn name(&self, id: u32) -> &'a str {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.names.get(i).copied())
            .unwrap_or_default()
    }
}

/// A unit as the simulation knows it, and the matching reads its free
/// people: here, above both, so that neither imports the other.
#[derive(Debug, Clone, Default)]
struct Unit {
    /// Trained people who worked in the unit and have a free slot.
    free_people: Vec<usize>,
    /// Their free slots in all.
    free_slots: u64,
    /// Its followers not started whose start month has come.
    waiting: BTreeSet<usize>,
    /// The month (stamp) it was last marked to look at.
    dirty: usize,
}

impl Unit {
    fn free_people(&self) -> &[usize] {
        &self.free_people
    }
}
