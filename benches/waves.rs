//! The pull: planning the waves of 100,000 projects in 1,000 units with
//! 20,000 people, three of them leaders (see BENCHMARKS.md). The target is
//! under a second on one thread.

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;
use std::num::NonZeroU32;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::waves::{Project, Settings, schedule};

#[path = "common/generate.rs"]
mod generate;

const PROJECTS: usize = 100_000;
const UNITS: u64 = 1_000;
const PEOPLE: u64 = 20_000;
const LEADERS: usize = 3;

/// `n` projects from splitmix64 at [`generate::SEED`]. For project `i` the
/// draws are, in this order: duration `6 + next() % 25` months, a start
/// month (0 unless `next() % 5 == 0`, then `next() % 36`), the unit
/// `next() % UNITS`, the sponsor `next() % PEOPLE`, `next() % 3` agents and
/// `next() % 2` champions (each `next() % PEOPLE`), `asked` when
/// `next() % 10 == 0`, a local initiative when `next() % 20 == 0`. Rank is
/// `i + 1`; the first [`LEADERS`] lead.
fn projects(n: usize) -> Vec<Project> {
    let mut rng = generate::SplitMix64::new(generate::SEED);
    let person = |rng: &mut generate::SplitMix64| u32::try_from(rng.next() % PEOPLE).unwrap();
    (0..n)
        .map(|i| {
            let duration = NonZeroU32::new(6 + u32::try_from(rng.next() % 25).unwrap()).unwrap();
            let start_month = if one_in(&mut rng, 5) {
                u32::try_from(rng.next() % 36).unwrap()
            } else {
                0
            };
            let unit = Some(u32::try_from(rng.next() % UNITS).unwrap());
            let sponsor = Some(person(&mut rng));
            let agents = (0..rng.next() % 3).map(|_| person(&mut rng)).collect();
            let champions = (0..rng.next() % 2).map(|_| person(&mut rng)).collect();
            Project {
                index: i,
                duration,
                start_month,
                unit,
                sponsor,
                agents,
                champions,
                asked: one_in(&mut rng, 10),
                local_initiative: one_in(&mut rng, 20),
                rank: i + 1,
                is_leader: i < LEADERS,
            }
        })
        .collect()
}

/// True once in `n` draws.
fn one_in(rng: &mut generate::SplitMix64, n: u64) -> bool {
    matches!(rng.next() % n, 0)
}

fn benches(c: &mut Criterion) {
    let projects = projects(PROJECTS);
    let settings = Settings::default();
    let map = schedule(&projects, &settings);
    eprintln!(
        "waves: {} reached in {} pull waves, {} unreached",
        map.steps.len(),
        map.pull_waves(),
        map.left.len()
    );
    let mut group = c.benchmark_group("waves");
    group.throughput(Throughput::Elements(PROJECTS as u64));
    group.sample_size(10);
    group.bench_function("roadmap/n=100000", |b| {
        b.iter(|| schedule(black_box(&projects), black_box(&settings)));
    });
    group.finish();
}

criterion_group!(waves, benches);
criterion_main!(waves);
