//! Scoring allocates nothing per candidate, choosing the leaders
//! allocates as often for a million candidates as for ten, reading a
//! portfolio file takes less heap than twice the file, and reading a CSV
//! table little more than the portfolio it builds.
//!
//! The counting allocator counts per thread, so tests running alongside do
//! not disturb a count.

use std::hint::black_box;

use allocation_counter::measure;
use spearhead::{Criteria, Limits};

#[path = "../../benches/common/generate.rs"]
pub mod generate;

/// The allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    measure(f).count_total
}

#[test]
fn the_counter_counts() {
    // Otherwise every "no allocation" below would pass for nothing.
    assert_eq!(allocations(|| drop(black_box(Box::new(1)))), 1);
}

#[test]
fn assessing_allocates_nothing() {
    let criteria = Criteria::default();
    let portfolio = generate::portfolio(10_000);
    let count = allocations(|| {
        for candidate in portfolio.candidates() {
            black_box(criteria.assess(black_box(&candidate.evidence)));
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn choosing_the_leaders_allocates_as_often_at_any_size() {
    let criteria = Criteria::default();
    let counts: Vec<u64> = [1_000, 10_000, 100_000]
        .map(generate::portfolio)
        .iter()
        .map(|portfolio| {
            allocations(|| drop(black_box(criteria.choose_leaders(portfolio).unwrap())))
        })
        .collect();
    // The heap of the best few and the list of leaders.
    assert_eq!(counts, [2, 2, 2]);
}

#[test]
fn reading_a_portfolio_takes_less_heap_than_twice_the_file() {
    let n = 100_000;
    let text = generate::portfolio_toml(n);
    let limits = Limits::default().with_max_candidates(n);
    let measured = measure(|| drop(black_box(limits.read_portfolio(text.as_bytes()).unwrap())));
    // A document tree of the file would take about 19 times its size.
    assert!(
        measured.bytes_max < 2 * text.len() as u64,
        "{} bytes at the peak for a file of {}",
        measured.bytes_max,
        text.len()
    );
    // An id and a name a candidate, and a few for the whole.
    assert!(
        measured.count_total <= 2 * n as u64 + 100,
        "{}",
        measured.count_total
    );
}

#[test]
fn reading_a_csv_table_takes_little_more_heap_than_the_portfolio_it_builds() {
    let n = 100_000;
    let text = generate::portfolio_csv(n);
    let limits = Limits::default().with_max_candidates(n);
    let mut kept = None;
    let measured = measure(|| kept = Some(limits.read_portfolio_csv(text.as_bytes()).unwrap()));
    assert_eq!(kept.map(|portfolio| portfolio.len()), Some(n));
    // The portfolio itself is about 3.5 times a row of the table (a
    // `Candidate`, its id and name, its place in the id order): reading
    // adds at most a tenth to it at the peak, and no allocation but an id
    // and a name a candidate.
    let portfolio = measured.bytes_current.unsigned_abs();
    assert!(
        measured.bytes_max * 10 <= portfolio * 11,
        "{} bytes at the peak for a portfolio of {portfolio}",
        measured.bytes_max
    );
    assert!(
        measured.count_total <= 2 * n as u64 + 100,
        "{}",
        measured.count_total
    );
}

#[test]
fn planning_allocates_nothing_for_a_candidate_without_reasons() {
    // No minimums and a leader place for everyone: every candidate leads,
    // and none has a reason not to.
    let counts: Vec<u64> = [1_000, 10_000, 100_000]
        .map(|n| {
            let criteria: Criteria = format!(
                "[selection]\nleaders = {n}\nmin_score = 0\n[tangibility]\nmin = 0\n\
                 [phase]\nmin = 0\n[sponsorship]\nmin = 0\n"
            )
            .parse()
            .unwrap();
            let portfolio = generate::portfolio(n);
            allocations(|| {
                let plan = black_box(criteria.plan(&portfolio).unwrap());
                assert_eq!(plan.leaders.len(), n);
                assert!(plan.ranking.iter().all(|p| p.reasons.is_empty()));
            })
        })
        .to_vec();
    // The ranking's keys and places, the placements, the offers, the
    // leaders and their ids: a few at any size (14, 18 and 21 today, where
    // the ranks stop packing into 64 bits and the rule's vectors grow),
    // never one a candidate.
    assert!(counts.iter().all(|&count| count <= 32), "{counts:?}");
}

#[test]
fn planning_allocates_once_for_a_follower() {
    // One leader; every other candidate follows with reasons: one vector
    // of them each, and nothing else per candidate.
    let criteria: Criteria = "[selection]\nleaders = 1\n".parse().unwrap();
    let [small, large] = [10_000, 20_000].map(|n| {
        let portfolio = generate::portfolio(n);
        allocations(|| drop(black_box(criteria.plan(&portfolio).unwrap())))
    });
    assert!(large - small <= 10_000 + 20, "{small} {large}");
}
