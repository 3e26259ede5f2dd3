//! The constrained rule against brute force over every subset, its laws,
//! and the words of its reasons.

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

/// The rule by definition: every subset of up to 12 candidates, the largest
/// that satisfies every constraint not in `dropped`, then the best in rank
/// order. Written apart from the search: no `Active`, no `Tally`.
fn brute(c: &Rules, ranked: &[Entrant], dropped: &[Item]) -> Option<Vec<usize>> {
    let holds = |item| !dropped.contains(&item);
    let must = |e: &Entrant| e.must_lead.is_some_and(|m| holds(Item::MustLead(m)));
    let banned = |e: &Entrant| e.must_not_lead.is_some_and(|m| holds(Item::MustNotLead(m)));
    let may = |e: &Entrant| !banned(e) && (must(e) || e.eligible || e.must_lead.is_some());
    let n = ranked.len();
    assert!(n <= 12);
    let mut best: Option<Vec<usize>> = None;
    for mask in 0u32..1 << n {
        let set: Vec<usize> = (0..n).filter(|&i| mask >> i & 1 == 1).collect();
        let members: Vec<&Entrant> = set.iter().map(|&i| &ranked[i]).collect();
        let ok = ranked
            .iter()
            .enumerate()
            .all(|(i, e)| !must(e) || set.contains(&i))
            && members.iter().all(|e| may(e))
            && (!holds(Item::Leaders) || set.len() <= c.leaders)
            && c.per_unit
                .filter(|_| holds(Item::PerUnit))
                .is_none_or(|cap| {
                    (0..8).all(|u| {
                        members.iter().filter(|e| e.unit == Some(u)).count() <= cap as usize
                    })
                })
            && c.per_sponsor
                .filter(|_| holds(Item::PerSponsor))
                .is_none_or(|cap| {
                    (0..8).all(|s| {
                        members.iter().filter(|e| e.sponsor == Some(s)).count() <= cap as usize
                    })
                })
            && c.training_capacity
                .filter(|_| holds(Item::TrainingCapacity))
                .is_none_or(|cap| members.iter().map(|e| e.trainees).sum::<u64>() <= cap)
            && (0..u32::try_from(c.exclusive).unwrap()).all(|p| {
                !holds(Item::Exclusive(p))
                    || members.iter().filter(|e| e.exclusive >> p & 1 == 1).count() <= 1
            })
            && c.groups.iter().enumerate().all(|(g, group)| {
                let g32 = u32::try_from(g).unwrap();
                let count = members.iter().filter(|e| e.groups >> g & 1 == 1).count();
                (!holds(Item::GroupMin(g32)) || count >= group.min as usize)
                    && (!holds(Item::GroupMax(g32))
                        || group.max.is_none_or(|max| count <= max as usize))
            });
        if ok {
            let better = best
                .as_ref()
                .is_none_or(|b| set.len() > b.len() || (set.len() == b.len() && set < *b));
            if better {
                best = Some(set);
            }
        }
    }
    best
}

/// A random portfolio of up to 12 candidates in rank order, with random
/// constraints of every kind.
fn problem() -> impl Strategy<Value = (Rules, Vec<Entrant>)> {
    let entrant = (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
        0u32..4,
        0u32..4,
        0u64..20,
        0u64..8,
    );
    let group = (
        prop_oneof![3 => Just(0u32), 1 => 1u32..3],
        prop::option::weighted(0.4, 0u32..3),
    )
        .prop_map(|(min, max)| Group { min, max });
    (0usize..=12).prop_flat_map(move |n| {
        (
            vec(entrant.clone(), n),
            1usize..5,
            prop::option::weighted(0.4, 1u32..3),
            prop::option::weighted(0.4, 1u32..3),
            prop::option::weighted(0.4, 0u64..50),
            vec((0..n.max(1), 0..n.max(1)), 0..3),
            vec(group.clone(), 0..3),
        )
            .prop_map(
                |(raw, leaders, per_unit, per_sponsor, capacity, pairs, groups)| {
                    let (mut must, mut must_not) = (0, 0);
                    let mut ranked: Vec<Entrant> = raw
                        .into_iter()
                        .map(|(eligible, m, mn, unit, sponsor, trainees, tags)| {
                            let must_lead = m.then(|| {
                                must += 1;
                                must - 1
                            });
                            let must_not_lead = mn.then(|| {
                                must_not += 1;
                                must_not - 1
                            });
                            Entrant {
                                eligible,
                                must_lead,
                                must_not_lead,
                                unit: (unit < 3).then_some(unit),
                                sponsor: (sponsor < 3).then_some(sponsor),
                                trainees,
                                groups: tags & ((1 << groups.len()) - 1),
                                exclusive: 0,
                            }
                        })
                        .collect();
                    let pairs: Vec<(usize, usize)> =
                        pairs.into_iter().filter(|(a, b)| a != b).collect();
                    for (p, &(a, b)) in pairs.iter().enumerate() {
                        ranked[a].exclusive |= 1 << p;
                        ranked[b].exclusive |= 1 << p;
                    }
                    let constraints = Rules {
                        leaders,
                        per_unit,
                        per_sponsor,
                        training_capacity: capacity,
                        exclusive: pairs.len(),
                        groups,
                    };
                    (constraints, ranked)
                },
            )
    })
}

/// `problem` with `item` dropped from the data itself, as a person would
/// drop it from the criteria file; `None` for a must-lead whose candidate
/// could not lead without it, and for `leaders`, which is never dropped.
fn without((c, ranked): &(Rules, Vec<Entrant>), item: Item) -> Option<(Rules, Vec<Entrant>)> {
    let (mut c, mut ranked) = (c.clone(), ranked.clone());
    match item {
        Item::Leaders => return None,
        Item::PerUnit => c.per_unit = None,
        Item::PerSponsor => c.per_sponsor = None,
        Item::TrainingCapacity => c.training_capacity = None,
        Item::MustLead(m) => {
            let e = ranked.iter_mut().find(|e| e.must_lead == Some(m))?;
            if !e.eligible {
                return None;
            }
            e.must_lead = None;
        }
        Item::MustNotLead(m) => {
            ranked
                .iter_mut()
                .filter(|e| e.must_not_lead == Some(m))
                .for_each(|e| e.must_not_lead = None);
        }
        Item::Exclusive(p) => ranked.iter_mut().for_each(|e| e.exclusive &= !(1 << p)),
        Item::GroupMin(g) => c.groups[g as usize].min = 0,
        Item::GroupMax(g) => c.groups[g as usize].max = None,
    }
    Some((c, ranked))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn the_search_is_brute_force((c, ranked) in problem()) {
        let expected = brute(&c, &ranked, &[]);
        prop_assert_eq!(search(&Active::new(&c, &[]), &ranked), expected.clone());
        prop_assert_eq!(choose(&c, &ranked), expected.clone());
        // Offered only the eligible and the must-leads, the dive either
        // decides the same leaders or says it cannot.
        let bound = Bound::new(c.clone(), &ranked);
        let offers = (ranked.iter().enumerate())
            .filter(|(_, e)| e.eligible || e.must_lead.is_some())
            .map(|(p, e)| (p, p, e.eligible));
        let mut dived = Vec::new();
        match bound.choose(offers, false, |p| dived.push(p)) {
            Outcome::Chosen(n) => {
                prop_assert_eq!(n, dived.len());
                prop_assert_eq!(Some(dived), expected);
            }
            Outcome::Undecided => {}
            Outcome::Infeasible => prop_assert!(false, "no set from a dive"),
        }
    }

    /// A bound reads each candidate back as it was given: the seats it
    /// shares and the marks it keeps make the same entrant.
    #[test]
    fn a_bound_gives_back_each_entrant((c, ranked) in problem()) {
        let bound = Bound::new(c, &ranked);
        for (place, e) in ranked.iter().enumerate() {
            prop_assert_eq!(bound.at(place, e.eligible), Some(*e));
            prop_assert_eq!(bound.at(place, !e.eligible).map(|a| a.eligible), Some(!e.eligible));
        }
        prop_assert_eq!(bound.at(ranked.len(), true), None);
    }

    #[test]
    fn a_candidate_leads_down_to_one_slot_and_no_further(
        (c, ranked) in problem(),
        place in any::<prop::sample::Index>(),
    ) {
        if ranked.is_empty() {
            return Ok(());
        }
        let place = place.index(ranked.len());
        let bound = Bound::new(c, &ranked);
        let others: Vec<(usize, bool)> = (0..ranked.len())
            .filter(|&p| p != place)
            .map(|p| (p, ranked[p].eligible))
            .collect();
        let lowest = bound.lowest_leading_slot(&others, place);
        for slot in 0..=others.len() {
            let leads = bound.leads_at(&others, place, slot) == Some(true);
            prop_assert_eq!(leads, lowest.is_some_and(|l| slot <= l), "slot {}", slot);
        }
    }

    #[test]
    fn a_conflict_is_minimal((c, ranked) in problem()) {
        let found = conflict(&c, &ranked);
        let Some(items) = found else {
            prop_assert!(brute(&c, &ranked, &[]).is_some());
            return Ok(());
        };
        prop_assert!(brute(&c, &ranked, &[]).is_none());
        prop_assert!(!items.is_empty());
        let all = c.items(&ranked);
        let others: Vec<Item> = all.iter().copied().filter(|i| !items.contains(i)).collect();
        prop_assert!(brute(&c, &ranked, &others).is_none(), "{items:?} hold together");
        for &item in &items {
            let mut dropped = others.clone();
            dropped.push(item);
            prop_assert!(brute(&c, &ranked, &dropped).is_some(), "{item:?} is not needed");
        }
    }

    #[test]
    fn every_follower_has_a_true_reason((c, ranked) in problem()) {
        let Some(leaders) = choose(&c, &ranked) else { return Ok(()) };
        let reasons = why_not(&c, &ranked, &leaders);
        let listed: Vec<usize> = reasons.iter().map(|(p, _)| *p).collect();
        for (p, e) in ranked.iter().enumerate() {
            let follows_freely = e.eligible && !leaders.contains(&p);
            prop_assert_eq!(listed.contains(&p), follows_freely, "position {}", p);
        }
        let members: Vec<&Entrant> = leaders.iter().map(|&p| &ranked[p]).collect();
        for (p, why) in &reasons {
            let e = &ranked[*p];
            prop_assert!(!why.is_empty());
            for reason in why {
                match reason {
                    WhyNot::MustNotLead { entry } => prop_assert_eq!(e.must_not_lead, Some(*entry)),
                    WhyNot::Excluded { pair, with } => {
                        prop_assert!(leaders.contains(with));
                        prop_assert!((e.exclusive & ranked[*with].exclusive) >> pair & 1 == 1);
                    }
                    WhyNot::Unit { unit, cap, holders } => {
                        prop_assert_eq!(e.unit, Some(*unit));
                        prop_assert_eq!(holders.len(), *cap as usize);
                        prop_assert!(holders.iter().all(|h| ranked[*h].unit == Some(*unit)));
                    }
                    WhyNot::Sponsor { sponsor, cap, holders } => {
                        prop_assert_eq!(e.sponsor, Some(*sponsor));
                        prop_assert_eq!(holders.len(), *cap as usize);
                    }
                    WhyNot::GroupMax { group, max, holders } => {
                        prop_assert!(e.groups >> group & 1 == 1);
                        prop_assert_eq!(holders.len(), *max as usize);
                    }
                    WhyNot::Capacity { capacity, used, needs } => {
                        prop_assert_eq!(*used, members.iter().map(|l| l.trainees).sum::<u64>());
                        prop_assert_eq!(*needs, e.trainees);
                        prop_assert!(used + needs > *capacity);
                    }
                    WhyNot::Full { leaders: k, below } => {
                        prop_assert_eq!(*k, c.leaders);
                        prop_assert_eq!(leaders.len(), c.leaders);
                        // Every leader ranked below it is accounted for.
                        let after = leaders.iter().filter(|&&q| q > *p).count();
                        prop_assert_eq!(below.len(), after);
                    }
                }
            }
        }
    }

    #[test]
    fn no_constraints_give_the_first_eligible((c, mut ranked) in problem()) {
        for e in &mut ranked {
            e.must_lead = None;
            e.must_not_lead = None;
        }
        let expected: Vec<usize> =
            (0..ranked.len()).filter(|&p| ranked[p].eligible).take(c.leaders).collect();
        let none = Rules::none(c.leaders);
        prop_assert_eq!(choose(&none, &ranked), Some(expected));
    }

    #[test]
    fn dropping_a_constraint_never_makes_the_leaders_worse(problem in problem()) {
        let Some(before) = choose(&problem.0, &problem.1) else { return Ok(()) };
        for item in problem.0.items(&problem.1) {
            let Some((c, ranked)) = without(&problem, item) else { continue };
            let after = choose(&c, &ranked);
            prop_assert!(after.is_some(), "dropping {:?} leaves no set", item);
            let after = after.unwrap_or_default();
            prop_assert!(after.len() >= before.len(), "dropping {:?}: fewer", item);
            if after.len() == before.len() {
                prop_assert!(after <= before, "dropping {:?}: worse", item);
            }
        }
    }
}

fn entrant(unit: u32, sponsor: u32, trainees: u64) -> Entrant {
    Entrant {
        eligible: true,
        unit: Some(unit),
        sponsor: Some(sponsor),
        trainees,
        ..Entrant::default()
    }
}

#[test]
fn more_leaders_come_before_the_top_candidate() {
    // The top candidate shares a unit with the second and a sponsor with the
    // third: with it only one could lead, without it two.
    let ranked = [entrant(0, 0, 0), entrant(0, 1, 0), entrant(1, 0, 0)];
    let c = Rules {
        per_unit: Some(1),
        per_sponsor: Some(1),
        ..Rules::none(3)
    };
    assert_eq!(choose(&c, &ranked), Some(vec![1, 2]));
}

#[test]
fn the_dive_stops_once_the_leaders_are_decided() {
    let by_place: Vec<Entrant> = (0..100_000u32)
        .map(|i| entrant(i % 7, i % 5, u64::from(i % 13)))
        .collect();
    let c = Rules {
        per_unit: Some(1),
        per_sponsor: Some(1),
        training_capacity: Some(20),
        ..Rules::none(3)
    };
    let bound = Bound::new(c, &by_place);
    let read = Cell::new(0);
    let offers = (0..100_000).map(|p| {
        read.set(read.get() + 1);
        (p, p, true)
    });
    let mut leaders = Vec::new();
    let outcome = bound.choose(offers, true, |p| leaders.push(p));
    // 0 (unit 0, sponsor 0, 0 trainees), 1 (1, 1, 1), 2 (2, 2, 2).
    assert_eq!((outcome, leaders), (Outcome::Chosen(3), vec![0, 1, 2]));
    assert_eq!(read.get(), 3);
}

#[test]
fn a_group_min_keeps_a_place_for_its_tag() {
    let tagged = Entrant {
        groups: 1,
        ..entrant(2, 2, 0)
    };
    let ranked = [entrant(0, 0, 0), entrant(1, 1, 0), entrant(3, 3, 0), tagged];
    let c = Rules {
        groups: vec![Group { min: 1, max: None }],
        ..Rules::none(3)
    };
    assert_eq!(choose(&c, &ranked), Some(vec![0, 1, 3]));
    // The first dive decides it: taking 2 would leave no place for the tag.
    let bound = Bound::new(c.clone(), &ranked);
    let mut dived = Vec::new();
    let offers = (0..4).map(|p| (p, p, true));
    assert_eq!(
        bound.choose(offers, false, |p| dived.push(p)),
        Outcome::Chosen(3)
    );
    assert_eq!(dived, [0, 1, 3]);
    let why = why_not(&c, &ranked, &[0, 1, 3]);
    assert_eq!(
        why,
        [(
            2,
            vec![WhyNot::Full {
                leaders: 3,
                below: vec![(3, Hold::ForGroup(0))]
            }]
        )]
    );
}
