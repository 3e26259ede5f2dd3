//! The roadmap (`Criteria::roadmap`) against brute force, and the laws of
//! the pull.
//!
//! The tests describe projects by number (`Project`): person `n` is named
//! `p{n}`, unit `n` is `u{n}`, project `i` has id `c{i:03}`. Leaders have
//! ideal evidence, followers the same weaker evidence, and every duration
//! is inside the 12-18-month window, so the plan ranks the leaders first
//! and then the followers by id: a project's rank is its place by index.

use std::collections::{BTreeMap, BTreeSet};
use std::num::{NonZeroU32, NonZeroUsize};

use proptest::prelude::*;
use spearhead::{
    Candidate, Change, Criteria, Evidence, KeyRole, Lead, Link, Months, Portfolio, Unreachable,
    Visibility, Waves,
};

use crate::support::ideal;

/// A project by numbers, as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Project {
    index: usize,
    duration: NonZeroU32,
    start_month: u32,
    unit: Option<u32>,
    sponsor: Option<u32>,
    agents: Vec<u32>,
    champions: Vec<u32>,
    asked: bool,
    local_initiative: bool,
    /// Set by `inputs` to its place by index.
    rank: usize,
    is_leader: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    coach_load: NonZeroU32,
    max_size: Option<NonZeroUsize>,
    max_waves: Option<NonZeroUsize>,
}

/// A coach, by numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Coach {
    person: u32,
    link: Link,
    source: usize,
    trained_as: KeyRole,
    free_from: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    project: usize,
    wave: usize,
    start: u64,
    end: u64,
    coach: Option<Coach>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Left {
    project: usize,
    /// Unreached because `max_waves` ran out.
    cut: bool,
}

/// The roadmap, by numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Schedule {
    steps: Vec<Step>,
    left: Vec<Left>,
    pull_waves: usize,
}

impl Schedule {
    fn pull_waves(&self) -> usize {
        self.pull_waves
    }
}

fn project(index: usize, duration: u32) -> Project {
    Project {
        index,
        duration: NonZeroU32::new(duration).unwrap(),
        start_month: 0,
        unit: None,
        sponsor: None,
        agents: Vec::new(),
        champions: Vec::new(),
        asked: false,
        local_initiative: false,
        rank: index + 1,
        is_leader: false,
    }
}

fn settings(coach_load: u32, max_size: Option<usize>, max_waves: Option<usize>) -> Settings {
    Settings {
        coach_load: NonZeroU32::new(coach_load).unwrap(),
        max_size: max_size.and_then(NonZeroUsize::new),
        max_waves: max_waves.and_then(NonZeroUsize::new),
    }
}

fn id(index: usize) -> String {
    format!("c{index:03}")
}

fn number(name: &str) -> usize {
    name[1..].parse().unwrap()
}

/// The criteria and portfolio the numbers describe.
fn inputs(projects: &[Project], s: &Settings) -> (Criteria, Portfolio) {
    let follower = Evidence {
        visibility: Visibility::Low,
        change: Change::Cultural,
        lead: Lead::Unproven,
        ..ideal()
    };
    let candidates = projects
        .iter()
        .map(|p| {
            let evidence = Evidence {
                duration: Months::new(f64::from(p.duration.get())).unwrap(),
                ..if p.is_leader { ideal() } else { follower }
            };
            let name = |n: &u32| format!("p{n}");
            Candidate {
                unit: p.unit.map(|u| format!("u{u}")),
                sponsor: p.sponsor.as_ref().map(name),
                agents: p.agents.iter().map(name).collect(),
                champions: p.champions.iter().map(name).collect(),
                asked: p.asked,
                local_initiative: p.local_initiative,
                start_month: p.start_month,
                ..Candidate::new(id(p.index), evidence)
            }
        })
        .collect();
    let leaders = projects.iter().filter(|p| p.is_leader).count().max(1);
    let criteria = Criteria::default()
        .with_leaders(leaders)
        .unwrap()
        .with_waves(Waves::new(s.coach_load, s.max_size, s.max_waves));
    (criteria, Portfolio::new(candidates).unwrap())
}

/// Ranks as the plan gives them: leaders first, then by index.
fn ranked(mut projects: Vec<Project>) -> Vec<Project> {
    let mut order: Vec<(bool, usize)> = projects.iter().map(|p| (!p.is_leader, p.index)).collect();
    order.sort_unstable();
    for p in &mut projects {
        p.rank = 1 + order
            .iter()
            .position(|&o| o == (!p.is_leader, p.index))
            .unwrap();
    }
    projects
}

/// The roadmap of `projects` under `s`, through the public API, by numbers.
fn schedule(projects: &[Project], s: &Settings) -> Schedule {
    let (criteria, portfolio) = inputs(projects, s);
    let plan = criteria.plan(&portfolio).unwrap();
    let leaders: BTreeSet<usize> = projects
        .iter()
        .filter(|p| p.is_leader)
        .map(|p| p.index)
        .collect();
    let planned: BTreeSet<usize> = plan.leaders.iter().map(|l| number(l)).collect();
    assert_eq!(planned, leaders, "the plan leads the leaders");
    let roadmap = criteria.roadmap_of(&portfolio, &plan);
    Schedule {
        steps: roadmap
            .projects
            .iter()
            .map(|stage| Step {
                project: number(&stage.id),
                wave: stage.wave,
                start: stage.start,
                end: stage.end,
                coach: stage.coach.as_ref().map(|c| Coach {
                    person: u32::try_from(number(&c.person)).unwrap(),
                    link: c.link,
                    source: number(&c.source),
                    trained_as: c.trained_as,
                    free_from: c.free_from,
                }),
            })
            .collect(),
        left: roadmap
            .unreached
            .iter()
            .map(|u| Left {
                project: number(&u.id),
                cut: matches!(u.reason, Unreachable::MaxWaves { .. }),
            })
            .collect(),
        pull_waves: roadmap.pull_waves,
    }
}

fn people(p: &Project) -> Vec<(u32, KeyRole)> {
    p.sponsor
        .iter()
        .map(|&s| (s, KeyRole::Sponsor))
        .chain(p.agents.iter().map(|&a| (a, KeyRole::Agent)))
        .chain(p.champions.iter().map(|&c| (c, KeyRole::Champion)))
        .collect()
}

fn has(p: &Project, person: u32) -> bool {
    people(p).iter().any(|&(q, _)| q == person)
}

fn by_index(projects: &[Project]) -> BTreeMap<usize, &Project> {
    projects.iter().map(|p| (p.index, p)).collect()
}

/// Priority order, as the docs say: asked, local initiative, rank, index.
fn priority(p: &Project) -> (bool, bool, usize, usize) {
    (!p.asked, !p.local_initiative, p.rank, p.index)
}

/// Whether each of `set` can have its own coach among `links`, each coach
/// within `free`: every assignment tried, one follower at a time.
fn coverable(set: &[usize], links: &[Vec<u32>], free: &mut BTreeMap<u32, u64>) -> bool {
    let Some((&first, rest)) = set.split_first() else {
        return true;
    };
    for &person in &links[first] {
        let slots = free.get(&person).copied().unwrap_or(0);
        if slots > 0 {
            free.insert(person, slots - 1);
            let ok = coverable(rest, links, free);
            free.insert(person, slots);
            if ok {
                return true;
            }
        }
    }
    false
}

/// The best wave over every subset of the candidates (indexes into `links`,
/// which is in priority order): the most members up to `max`, then the
/// earliest members in priority order.
fn best_wave(links: &[Vec<u32>], free: &BTreeMap<u32, u64>, max: usize) -> Vec<usize> {
    let n = links.len();
    assert!(n <= 16, "brute force over {n} candidates");
    let mut best: Vec<usize> = Vec::new();
    for mask in 0u32..(1 << n) {
        let set: Vec<usize> = (0..n).filter(|&i| mask & (1 << i) != 0).collect();
        if set.len() > max || set.len() < best.len() {
            continue;
        }
        if (set.len() > best.len() || set < best) && coverable(&set, links, &mut free.clone()) {
            best = set;
        }
    }
    best
}

/// The trained people who reach `follower` at `month`, by the model's
/// words: its own people, and anyone on a project in its unit, once that
/// project has ended.
fn reachers(projects: &[Project], map: &Schedule, follower: &Project, month: u64) -> Vec<u32> {
    let all = by_index(projects);
    let mut out = BTreeSet::new();
    for step in map.steps.iter().filter(|s| s.end <= month) {
        let done = all[&step.project];
        for (person, _) in people(done) {
            if has(follower, person) || (follower.unit.is_some() && done.unit == follower.unit) {
                out.insert(person);
            }
        }
    }
    out.into_iter().collect()
}

/// Each month from 0 past the last end, the followers that start are
/// exactly the best wave of those waiting, given who the roadmap itself
/// trained and keeps busy.
fn check_every_wave(projects: &[Project], s: &Settings, map: &Schedule) {
    let start: BTreeMap<usize, &Step> = map.steps.iter().map(|s| (s.project, s)).collect();
    let horizon = map.steps.iter().map(|s| s.end).max().unwrap_or(0)
        + projects
            .iter()
            .map(|p| u64::from(p.start_month))
            .max()
            .unwrap_or(0)
        + 2;
    let last = map
        .steps
        .iter()
        .filter(|s| s.wave > 0)
        .map(|s| s.start)
        .max();
    let cut = s.max_waves.is_some_and(|m| map.pull_waves() == m.get());
    for month in 0..=horizon {
        if cut && last.is_some_and(|l| month > l) {
            break;
        }
        let mut waiting: Vec<&Project> = projects
            .iter()
            .filter(|p| !p.is_leader && u64::from(p.start_month) <= month)
            .filter(|p| start.get(&p.index).is_none_or(|s| s.start >= month))
            .collect();
        waiting.sort_by_key(|p| priority(p));
        let links: Vec<Vec<u32>> = waiting
            .iter()
            .map(|f| reachers(projects, map, f, month))
            .collect();
        let mut free = BTreeMap::new();
        for person in links.iter().flatten() {
            let busy = map
                .steps
                .iter()
                .filter(|st| st.start < month && month < st.end)
                .filter(|st| st.coach.is_some_and(|c| c.person == *person))
                .count() as u64;
            free.insert(*person, u64::from(s.coach_load.get()) - busy);
        }
        let max = s.max_size.map_or(usize::MAX, NonZeroUsize::get);
        let expected: Vec<usize> = best_wave(&links, &free, max)
            .into_iter()
            .map(|i| waiting[i].index)
            .collect();
        let got: Vec<usize> = waiting
            .iter()
            .filter(|p| start.get(&p.index).is_some_and(|s| s.start == month))
            .map(|p| p.index)
            .collect();
        assert_eq!(got, expected, "month {month}");
    }
}

/// The laws every roadmap keeps, whatever the settings.
fn check_laws(projects: &[Project], s: &Settings, map: &Schedule) {
    let all = by_index(projects);
    let step: BTreeMap<usize, &Step> = map.steps.iter().map(|s| (s.project, s)).collect();
    assert_eq!(map.steps.len() + map.left.len(), projects.len());
    for st in &map.steps {
        let p = all[&st.project];
        assert_eq!(st.end, st.start + u64::from(p.duration.get()));
        assert!(st.start >= u64::from(p.start_month));
        if p.is_leader {
            assert_eq!(
                (st.wave, st.start, st.coach),
                (0, u64::from(p.start_month), None)
            );
            continue;
        }
        assert!(st.wave > 0);
        let coach = st.coach.unwrap();
        // Trained by a project that ended by the month it starts coaching.
        let source = step[&coach.source];
        assert!(source.end <= coach.free_from && coach.free_from <= st.start);
        let trainer = all[&coach.source];
        assert!(people(trainer).contains(&(coach.person, coach.trained_as)));
        match coach.link {
            Link::Sponsor => assert_eq!(p.sponsor, Some(coach.person)),
            Link::Agent => assert!(p.agents.contains(&coach.person)),
            Link::Champion => assert!(p.champions.contains(&coach.person)),
            Link::Unit => assert!(p.unit.is_some() && trainer.unit == p.unit),
            other => panic!("a link the model does not have: {other:?}"),
        }
        // Never over coach_load.
        let at_once = map
            .steps
            .iter()
            .filter(|o| o.start <= st.start && st.start < o.end)
            .filter(|o| o.coach.is_some_and(|c| c.person == coach.person))
            .count();
        assert!(at_once <= s.coach_load.get() as usize);
    }
    // Waves are months, in order.
    let mut months = BTreeMap::new();
    for st in map.steps.iter().filter(|s| s.wave > 0) {
        assert_eq!(*months.entry(st.wave).or_insert(st.start), st.start);
    }
    let waves: Vec<_> = months.into_iter().collect();
    for (i, pair) in waves.windows(2).enumerate() {
        assert_eq!(pair[0].0, i + 1);
        assert!(pair[0].1 < pair[1].1);
    }
    for u in &map.left {
        assert!(!all[&u.project].is_leader);
    }
    if s.max_waves.is_none() {
        assert_eq!(reached(map), closure(projects));
        assert!(map.left.iter().all(|u| !u.cut));
    }
}

fn reached(map: &Schedule) -> BTreeSet<usize> {
    map.steps.iter().map(|s| s.project).collect()
}

/// What a chain of trained people reaches from the leaders, as a fixed
/// point over the model's words, ignoring time and load.
fn closure(projects: &[Project]) -> BTreeSet<usize> {
    let mut reached: BTreeSet<usize> = projects
        .iter()
        .filter(|p| p.is_leader)
        .map(|p| p.index)
        .collect();
    loop {
        let done: Vec<&Project> = projects
            .iter()
            .filter(|p| reached.contains(&p.index))
            .collect();
        let more: Vec<usize> = projects
            .iter()
            .filter(|f| !reached.contains(&f.index))
            .filter(|f| {
                done.iter().any(|d| {
                    people(d).iter().any(|&(person, _)| {
                        has(f, person) || (f.unit.is_some() && d.unit == f.unit)
                    })
                })
            })
            .map(|f| f.index)
            .collect();
        if more.is_empty() {
            return reached;
        }
        reached.extend(more);
    }
}

fn arb_project(persons: u32, units: u32) -> impl Strategy<Value = Project> {
    (
        12u32..=18,
        prop_oneof![3 => Just(0u32), 1 => 1u32..=20],
        proptest::option::weighted(0.7, 0..units),
        proptest::option::weighted(0.8, 0..persons),
        proptest::collection::vec(0..persons, 0..=2),
        proptest::collection::vec(0..persons, 0..=1),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
    )
        .prop_map(
            |(duration, start_month, unit, sponsor, agents, champions, asked, local)| Project {
                start_month,
                unit,
                sponsor,
                agents,
                champions,
                asked,
                local_initiative: local,
                ..project(0, duration)
            },
        )
}

/// Up to 3 leaders and up to 9 followers, with distinct indexes and ranks.
fn arb_portfolio() -> impl Strategy<Value = Vec<Project>> {
    (
        1usize..=3,
        proptest::collection::vec(arb_project(7, 3), 1..=12),
    )
        .prop_map(|(leaders, mut projects)| {
            for (i, p) in projects.iter_mut().enumerate() {
                p.index = 100 + 7 * i;
                p.rank = i + 1;
                p.is_leader = i < leaders;
            }
            projects
        })
}

fn arb_settings() -> impl Strategy<Value = Settings> {
    (
        1u32..=3,
        proptest::option::weighted(0.4, 1usize..=3),
        proptest::option::weighted(0.3, 1usize..=3),
    )
        .prop_map(|(load, size, waves)| settings(load, size, waves))
}

#[test]
fn a_sponsor_trained_on_a_leader_coaches_its_unit_and_a_unit_with_no_one_is_unreached() {
    let mut crm = project(0, 15);
    crm.is_leader = true;
    crm.unit = Some(1);
    crm.sponsor = Some(10);
    let mut sales = project(1, 12);
    sales.unit = Some(1);
    sales.champions = vec![11];
    let mut finance = project(2, 12);
    finance.unit = Some(2);
    let mut next = project(3, 12);
    next.sponsor = Some(11);
    let all = ranked(vec![crm, sales, finance, next]);
    let s = settings(2, None, None);
    let map = schedule(&all, &s);
    let waves: Vec<(usize, usize, u64, u64)> = map
        .steps
        .iter()
        .map(|s| (s.project, s.wave, s.start, s.end))
        .collect();
    assert_eq!(waves, [(0, 0, 0, 15), (1, 1, 15, 27), (3, 2, 27, 39)]);
    let coach = map.steps[1].coach.unwrap();
    assert_eq!(
        (
            coach.person,
            coach.link,
            coach.source,
            coach.trained_as,
            coach.free_from
        ),
        (10, Link::Unit, 0, KeyRole::Sponsor, 15)
    );
    let coach = map.steps[2].coach.unwrap();
    assert_eq!(
        (
            coach.person,
            coach.link,
            coach.source,
            coach.trained_as,
            coach.free_from
        ),
        (11, Link::Sponsor, 1, KeyRole::Champion, 27)
    );
    assert_eq!(
        map.left,
        [Left {
            project: 2,
            cut: false
        }]
    );
    assert_eq!(map.pull_waves(), 2);

    // In words.
    let (criteria, portfolio) = inputs(&all, &s);
    let roadmap = criteria.roadmap(&portfolio).unwrap();
    let texts: Vec<String> = (roadmap.projects.iter())
        .filter_map(|stage| stage.coach.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(
        texts,
        [
            "coached by p10, sponsor of c000, free from month 15",
            "coached by p11, its own sponsor, trained as champion of c001, free from month 27",
        ]
    );
    assert_eq!(
        roadmap.unreached[0].reason.to_string(),
        "no trained person reaches u2: it needs its own push, or a champion there"
    );
}

#[test]
fn asked_goes_before_local_initiatives_before_rank() {
    let mut lead = project(0, 12);
    lead.is_leader = true;
    lead.sponsor = Some(1);
    let mut followers: Vec<Project> = (1..=3)
        .map(|i| {
            let mut f = project(i, 12);
            f.sponsor = Some(1);
            f
        })
        .collect();
    followers[1].local_initiative = true;
    followers[2].asked = true;
    let mut all = vec![lead];
    all.extend(followers);
    let map = schedule(&ranked(all), &settings(1, None, None));
    let order: Vec<(usize, u64)> = map.steps.iter().map(|s| (s.project, s.start)).collect();
    assert_eq!(order, [(0, 0), (3, 12), (2, 24), (1, 36)]);
}

#[test]
fn a_wave_cut_at_max_size_goes_on_the_next_month_and_max_waves_stops_the_pull() {
    let mut lead = project(0, 12);
    lead.is_leader = true;
    lead.unit = Some(0);
    lead.agents = vec![1, 2, 3];
    let all: Vec<Project> = std::iter::once(lead)
        .chain((1..=5).map(|i| Project {
            unit: Some(0),
            ..project(i, 15)
        }))
        .collect();
    let all = ranked(all);
    let map = schedule(&all, &settings(1, Some(2), None));
    let starts: Vec<(usize, u64)> = map.steps.iter().map(|s| (s.wave, s.start)).collect();
    assert_eq!(
        starts,
        [(0, 0), (1, 12), (1, 12), (2, 13), (3, 27), (3, 27)]
    );
    let map = schedule(&all, &settings(1, Some(2), Some(2)));
    assert_eq!(map.pull_waves(), 2);
    let why: Vec<_> = map.left.iter().map(|u| (u.project, u.cut)).collect();
    assert_eq!(why, [(4, true), (5, true)]);
}

#[test]
fn a_follower_moves_to_another_coach_to_make_room() {
    // Person 1 reaches both followers, person 2 only the first; the first
    // (better ranked) takes 1 directly, then the second needs the first to
    // move: both start, one coach each.
    let mut lead = project(0, 12);
    lead.is_leader = true;
    lead.agents = vec![1, 2];
    let mut first = project(1, 15);
    first.agents = vec![1, 2];
    let mut second = project(2, 15);
    second.agents = vec![1];
    let map = schedule(&ranked(vec![lead, first, second]), &settings(1, None, None));
    let coaches: Vec<_> = map
        .steps
        .iter()
        .map(|s| s.coach.map(|c| c.person))
        .collect();
    assert_eq!(coaches, [None, Some(2), Some(1)]);
}

#[test]
fn the_sample_goes_in_three_pull_waves_and_leaves_hr_unreached() {
    let portfolio: Portfolio = include_str!("../../examples/portfolio.toml")
        .parse()
        .unwrap();
    let roadmap = Criteria::default().roadmap(&portfolio).unwrap();
    assert_eq!(roadmap.pull_waves, 3);
    let billing = &roadmap.projects[3];
    assert_eq!(
        (billing.id.as_str(), billing.wave, billing.start),
        ("billing-fixes", 1, 14)
    );
    assert_eq!(
        billing.coach.as_ref().unwrap().to_string(),
        "coached by M. Lindqvist, sponsor of order-to-cash, free from month 14"
    );
    assert_eq!(roadmap.unreached.len(), 1);
    assert_eq!(
        roadmap.unreached[0].reason.to_string(),
        "no trained person reaches HR: it needs its own push, or a champion there"
    );
    // Printed and read back, the roadmap is the same.
    let json = serde_json::to_string(&roadmap).unwrap();
    assert_eq!(
        serde_json::from_str::<spearhead::Roadmap>(&json).unwrap(),
        roadmap
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// One wave: leaders ending together train people; up to 10 followers
    /// wait; the first pull wave is the best over every subset and every
    /// coach assignment.
    #[test]
    fn the_first_wave_is_the_best_subset_any_assignment_covers(
        leaders in proptest::collection::vec(arb_project(5, 2), 1..=3),
        followers in proptest::collection::vec(arb_project(5, 2), 0..=10),
        s in arb_settings(),
    ) {
        let mut all = Vec::new();
        for (i, mut p) in leaders.into_iter().enumerate() {
            p.duration = NonZeroU32::new(12).unwrap();
            p.start_month = 0;
            p.is_leader = true;
            p.index = i;
            all.push(p);
        }
        for (i, mut f) in followers.into_iter().enumerate() {
            f.start_month = 0;
            f.index = 10 + i;
            all.push(f);
        }
        let all = ranked(all);
        let map = schedule(&all, &s);
        let mut waiting: Vec<&Project> = all.iter().filter(|p| !p.is_leader).collect();
        waiting.sort_by_key(|p| priority(p));
        let trainers: Vec<&Project> = all.iter().filter(|p| p.is_leader).collect();
        let links: Vec<Vec<u32>> = waiting
            .iter()
            .map(|f| {
                let mut l: Vec<u32> = trainers
                    .iter()
                    .flat_map(|t| people(t))
                    .map(|(person, _)| person)
                    .filter(|&person| {
                        has(f, person)
                            || trainers.iter().any(|t| {
                                has(t, person) && t.unit.is_some() && t.unit == f.unit
                            })
                    })
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let free = links
            .iter()
            .flatten()
            .map(|&p| (p, u64::from(s.coach_load.get())))
            .collect();
        let max = s.max_size.map_or(usize::MAX, NonZeroUsize::get);
        let expected: BTreeSet<usize> =
            best_wave(&links, &free, max).into_iter().map(|i| waiting[i].index).collect();
        let got: BTreeSet<usize> = map
            .steps
            .iter()
            .filter(|st| st.wave == 1 && st.start == 12)
            .map(|st| st.project)
            .collect();
        prop_assert_eq!(got, expected);
    }

    /// Every month, the followers that start are the best wave given what
    /// the roadmap trained and keeps busy; and the laws hold.
    #[test]
    fn every_wave_is_exact_and_the_laws_hold(projects in arb_portfolio(), s in arb_settings()) {
        let map = schedule(&projects, &s);
        check_laws(&projects, &s, &map);
        check_every_wave(&projects, &s, &map);
    }

    /// `JsonWriter` writes any roadmap, with its coaches and its followers
    /// never reached, as serde_json writes it.
    #[test]
    fn every_roadmap_is_written_as_serde_json_writes_it(
        projects in arb_portfolio(),
        s in arb_settings(),
    ) {
        let (criteria, portfolio) = inputs(&projects, &s);
        let roadmap = criteria.roadmap(&portfolio).unwrap();
        let mut written = String::new();
        spearhead::JsonWriter::new().roadmap(&mut written, &roadmap);
        prop_assert_eq!(written, serde_json::to_string(&roadmap).unwrap());
    }

    /// The same projects in any order give the same roadmap.
    #[test]
    fn the_order_of_the_input_never_shows(
        (projects, shuffled) in arb_portfolio()
            .prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        s in arb_settings(),
    ) {
        let (criteria, portfolio) = inputs(&projects, &s);
        let (_, shuffled) = inputs(&shuffled, &s);
        prop_assert_eq!(criteria.roadmap(&portfolio), criteria.roadmap(&shuffled));
    }

    /// A follower with no unit and no people is unreached, in its place by
    /// priority, as one alone in a unit of its own is (the roadmap sets the
    /// first kind apart from the engine, the second goes through it); and a
    /// plan with texts of its own gives the roadmap of the plan that
    /// borrows them (candidates are found by address in one, by id in the
    /// other).
    #[test]
    fn a_follower_no_one_can_reach_is_unreached_in_its_place(
        (projects, alone) in arb_portfolio()
            .prop_flat_map(|p| {
                let n = p.len();
                (Just(p), proptest::collection::vec(proptest::bool::weighted(0.6), n))
            }),
        s in arb_settings(),
    ) {
        let mut projects = projects;
        for (p, &alone) in projects.iter_mut().zip(&alone) {
            if alone && !p.is_leader {
                (p.unit, p.sponsor) = (None, None);
                p.agents.clear();
                p.champions.clear();
            }
        }
        let (criteria, portfolio) = inputs(&projects, &s);
        let plan = criteria.plan(&portfolio).unwrap();
        let roadmap = criteria.roadmap_of(&portfolio, &plan);
        prop_assert_eq!(
            &criteria.roadmap_of(&portfolio, &plan.clone().into_owned()),
            &roadmap
        );
        // Each of them alone in a unit of its own, numbered from 1000.
        let own: Vec<Project> = projects
            .iter()
            .map(|p| {
                let alone = !p.is_leader
                    && p.unit.is_none()
                    && people(p).is_empty();
                let unit = if alone { Some(1000 + u32::try_from(p.index).unwrap()) } else { p.unit };
                Project { unit, ..p.clone() }
            })
            .collect();
        let (_, apart) = inputs(&own, &s);
        let mut expected = criteria.roadmap(&apart).unwrap();
        for u in &mut expected.unreached {
            if let Unreachable::NoTrainedPerson { unit } = &mut u.reason
                && unit.as_deref().is_some_and(|unit| number(unit) >= 1000)
            {
                *unit = None;
            }
        }
        prop_assert_eq!(roadmap, expected);
    }

    /// Without max_waves, a new champion, agent, sponsor or unit never
    /// leaves a reached project unreached.
    #[test]
    fn a_new_link_never_loses_a_reached_project(
        projects in arb_portfolio(),
        s in arb_settings(),
        at in any::<prop::sample::Index>(),
        person in 0u32..9,
        unit in 0u32..3,
        kind in 0u8..4,
    ) {
        let s = Settings { max_waves: None, ..s };
        let before = reached(&schedule(&projects, &s));
        let mut more = projects.clone();
        let p = &mut more[at.index(projects.len())];
        match kind {
            0 => p.champions.push(person),
            1 => p.agents.push(person),
            2 => p.sponsor = p.sponsor.or(Some(person)),
            _ => p.unit = p.unit.or(Some(unit)),
        }
        let after = reached(&schedule(&more, &s));
        prop_assert!(before.is_subset(&after), "{before:?} then {after:?}");
    }
}

#[test]
fn the_waves_section_and_the_new_keys_print_back_and_read_back_the_same() {
    let criteria: Criteria = "[waves]\ncoach_load = 3\nmax_size = 2\nmax_waves = 4\n"
        .parse()
        .unwrap();
    let w = criteria.waves();
    assert_eq!(
        (
            w.coach_load().get(),
            w.max_size().map(NonZeroUsize::get),
            w.max_waves().map(NonZeroUsize::get)
        ),
        (3, Some(2), Some(4))
    );
    let printed = toml::to_string(&criteria).unwrap();
    assert!(
        printed.contains("[waves]\ncoach_load = 3\nmax_size = 2\nmax_waves = 4\n"),
        "{printed}"
    );
    assert_eq!(printed.parse::<Criteria>().unwrap(), criteria);
    assert_eq!(Criteria::default().waves().coach_load().get(), 2);
    assert_eq!(Criteria::default().waves().max_size(), None);

    let portfolio: Portfolio = include_str!("../../examples/portfolio.toml")
        .parse()
        .unwrap();
    let field = portfolio.get("field-service-app").unwrap();
    assert_eq!(
        (field.champions.as_slice(), field.asked),
        (&["K. Osei".to_owned()][..], true)
    );
    let printed = toml::to_string(&portfolio).unwrap();
    assert_eq!(printed.parse::<Portfolio>().unwrap(), portfolio);
    let late: Portfolio = crate::support::candidate_toml("late", "start_month = 7")
        .parse()
        .unwrap();
    assert_eq!(late.candidates()[0].start_month, 7);
}
