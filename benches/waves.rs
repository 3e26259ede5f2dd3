//! The pull: the roadmap of 100,000 candidates in 1,000 units with 20,000
//! people, planned first (see BENCHMARKS.md). The target is under a second
//! on one thread. And the roadmap of the generated 1,000,000 candidates
//! with no people, as the end-to-end run (`examples/rank.rs`) makes it:
//! every follower unreached.

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::{Candidate, Criteria, Portfolio};

#[path = "common/generate.rs"]
mod generate;

const CANDIDATES: usize = 100_000;
const UNITS: u64 = 1_000;
const PEOPLE: u64 = 20_000;

/// True once in `n` draws.
fn one_in(rng: &mut generate::SplitMix64, n: u64) -> bool {
    matches!(rng.next() % n, 0)
}

/// The generated candidates (`benches/common`), each given people and
/// wishes from a second splitmix64 stream, seeded `SEED + 1`. For each
/// candidate the draws are, in this order: a start month (0 unless
/// `next() % 5 == 0`, then `next() % 36`), the unit `u{next() % UNITS}`,
/// the sponsor `p{next() % PEOPLE}`, `next() % 3` agents and `next() % 2`
/// champions (each `p{next() % PEOPLE}`), `asked` when `next() % 10 == 0`,
/// a local initiative when `next() % 20 == 0`.
fn portfolio(n: usize) -> Portfolio {
    let mut rng = generate::SplitMix64::new(generate::SEED + 1);
    let person = |rng: &mut generate::SplitMix64| format!("p{}", rng.next() % PEOPLE);
    let candidates = generate::candidates(n)
        .into_iter()
        .map(|c| {
            let start_month = if one_in(&mut rng, 5) {
                u32::try_from(rng.next() % 36).unwrap()
            } else {
                0
            };
            let unit = Some(format!("u{}", rng.next() % UNITS));
            let sponsor = Some(person(&mut rng));
            let agents = (0..rng.next() % 3).map(|_| person(&mut rng)).collect();
            let champions = (0..rng.next() % 2).map(|_| person(&mut rng)).collect();
            Candidate {
                unit,
                sponsor,
                agents,
                champions,
                asked: one_in(&mut rng, 10),
                local_initiative: one_in(&mut rng, 20),
                start_month,
                ..c
            }
        })
        .collect();
    Portfolio::new(candidates).unwrap()
}

fn benches(c: &mut Criterion) {
    let portfolio = portfolio(CANDIDATES);
    let criteria = Criteria::default();
    let roadmap = criteria.roadmap(&portfolio).unwrap();
    eprintln!(
        "waves: {} reached in {} pull waves, {} unreached",
        roadmap.projects.len(),
        roadmap.pull_waves,
        roadmap.unreached.len()
    );
    let plan = criteria.plan(&portfolio).unwrap();
    let mut group = c.benchmark_group("waves");
    group.throughput(Throughput::Elements(CANDIDATES as u64));
    group.sample_size(10);
    group.bench_function("roadmap/n=100000", |b| {
        b.iter(|| black_box(&criteria).roadmap(black_box(&portfolio)).unwrap());
    });
    group.bench_function("roadmap_of/n=100000", |b| {
        b.iter(|| black_box(&criteria).roadmap_of(black_box(&portfolio), black_box(&plan)));
    });
    group.finish();

    // The end-to-end run's portfolio (benches/peers): no units, no people.
    let portfolio = generate::portfolio(1_000_000);
    let plan = criteria.plan(&portfolio).unwrap();
    let mut group = c.benchmark_group("waves");
    group.throughput(Throughput::Elements(1_000_000));
    group.sample_size(10);
    group.bench_function("roadmap_of/generated/n=1000000", |b| {
        b.iter(|| black_box(&criteria).roadmap_of(black_box(&portfolio), black_box(&plan)));
    });
    group.finish();
}

criterion_group!(waves, benches);
criterion_main!(waves);
