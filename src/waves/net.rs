//! The projects in priority order, with dense people and units and the
//! indexes the simulation walks: each project's people, each person's
//! followers.

use std::ops::Range;

use super::{KeyRole, Project};

/// No project, person or unit.
pub(super) const NONE: usize = usize::MAX;

/// A project by its place in priority order.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Its position in the caller's slice.
    pub input: usize,
    /// In whole months.
    pub duration: u64,
    pub start_month: u64,
    /// A dense unit, or [`NONE`].
    pub unit: usize,
    pub leader: bool,
    /// Its people in [`Net::roles`]: sponsor, then agents, then champions,
    /// each person once.
    pub roles: Range<usize>,
}

/// The projects, people and units, numbered densely. A project's number is
/// its place in priority order, so every tie the simulation breaks by
/// number is broken by priority, and the caller's order never shows.
#[derive(Debug, Clone, Default)]
pub(super) struct Net {
    pub nodes: Vec<Node>,
    /// Every project's (person, role), in project order.
    pub roles: Vec<(usize, KeyRole)>,
    /// The caller's id of each dense person, ascending.
    pub persons: Vec<u32>,
    /// How many units there are.
    pub units: usize,
    /// Each project's unit, apart from `nodes` for the scans.
    unit: Vec<usize>,
    /// `followers[follower_start[p]..follower_start[p + 1]]`: the followers
    /// person `p` holds a role in, in priority order.
    follower_start: Vec<usize>,
    followers: Vec<usize>,
}

/// Priority order: asked first, then local initiatives, then rank, then
/// the caller's index, then input position.
fn priority(a: &Project) -> (bool, bool, usize, usize) {
    (!a.asked, !a.local_initiative, a.rank, a.index)
}

/// The dense number of `id` in the ascending, deduplicated `ids`.
fn dense(ids: &[u32], id: u32) -> usize {
    ids.binary_search(&id).unwrap_or(NONE)
}

impl Net {
    pub(super) fn new(projects: &[Project]) -> Self {
        let mut order: Vec<usize> = (0..projects.len()).collect();
        order.sort_by_key(|&i| projects.get(i).map(|p| (priority(p), i)));

        let mut persons: Vec<u32> = projects
            .iter()
            .flat_map(|p| p.sponsor.iter().chain(&p.agents).chain(&p.champions))
            .copied()
            .collect();
        persons.sort_unstable();
        persons.dedup();
        let mut units: Vec<u32> = projects.iter().filter_map(|p| p.unit).collect();
        units.sort_unstable();
        units.dedup();

        let mut nodes = Vec::with_capacity(projects.len());
        let mut roles = Vec::new();
        for (input, project) in order
            .iter()
            .filter_map(|&i| projects.get(i).map(|p| (i, p)))
        {
            let first = roles.len();
            let people = project
                .sponsor
                .iter()
                .map(|&id| (id, KeyRole::Sponsor))
                .chain(project.agents.iter().map(|&id| (id, KeyRole::Agent)))
                .chain(project.champions.iter().map(|&id| (id, KeyRole::Champion)));
            for (id, role) in people {
                let person = dense(&persons, id);
                if roles
                    .get(first..)
                    .is_some_and(|own| own.iter().all(|&(p, _)| p != person))
                {
                    roles.push((person, role));
                }
            }
            nodes.push(Node {
                input,
                duration: u64::from(project.duration.get()),
                start_month: u64::from(project.start_month),
                unit: project.unit.map_or(NONE, |unit| dense(&units, unit)),
                leader: project.is_leader,
                roles: first..roles.len(),
            });
        }

        let (follower_start, followers) = followers(&nodes, &roles, persons.len());
        Net {
            unit: nodes.iter().map(|node| node.unit).collect(),
            nodes,
            roles,
            persons,
            units: units.len(),
            follower_start,
            followers,
        }
    }

    /// The people of `project`, with their roles.
    pub(super) fn roles_of(&self, project: usize) -> &[(usize, KeyRole)] {
        self.nodes
            .get(project)
            .and_then(|node| self.roles.get(node.roles.clone()))
            .unwrap_or_default()
    }

    /// The followers `person` holds a role in, in priority order.
    pub(super) fn followers_of(&self, person: usize) -> &[usize] {
        let start = self.follower_start.get(person).copied().unwrap_or(0);
        let end = self.follower_start.get(person + 1).copied().unwrap_or(0);
        self.followers.get(start..end).unwrap_or_default()
    }

    /// The unit of `project`, or [`NONE`].
    pub(super) fn unit_of(&self, project: usize) -> usize {
        self.unit.get(project).copied().unwrap_or(NONE)
    }
}

/// Each person's followers, by a counting sort on the person: where each
/// person's list starts, and the lists one after another.
fn followers(
    nodes: &[Node],
    roles: &[(usize, KeyRole)],
    persons: usize,
) -> (Vec<usize>, Vec<usize>) {
    let mut follower_start = vec![0; persons + 1];
    let followed = |node: &Node| -> &[(usize, KeyRole)] {
        if node.leader {
            &[]
        } else {
            roles.get(node.roles.clone()).unwrap_or_default()
        }
    };
    for &(person, _) in nodes.iter().flat_map(followed) {
        if let Some(count) = follower_start.get_mut(person + 1) {
            *count += 1;
        }
    }
    for i in 1..follower_start.len() {
        let before = follower_start.get(i - 1).copied().unwrap_or(0);
        if let Some(count) = follower_start.get_mut(i) {
            *count += before;
        }
    }
    let mut next = follower_start.clone();
    let mut followers = vec![NONE; follower_start.last().copied().unwrap_or(0)];
    for (project, node) in nodes.iter().enumerate() {
        for &(person, _) in followed(node) {
            if let Some(at) = next.get_mut(person)
                && let Some(slot) = followers.get_mut(*at)
            {
                *slot = project;
                *at += 1;
            }
        }
    }
    (follower_start, followers)
}
