//! Weight stability (`Criteria::stability`) at 100,000 candidates and
//! 10,000 leaders, next to choosing those leaders once, and under
//! constraints at 1,000 to 100,000 candidates (see BENCHMARKS.md).

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use spearhead::Criteria;

#[path = "common/generate.rs"]
mod generate;

fn benches(c: &mut Criterion) {
    let n = 100_000;
    let portfolio = generate::portfolio(n);
    let criteria: Criteria = "[selection]\nleaders = 10000\nmin_score = 0.5"
        .parse()
        .unwrap();
    assert_eq!(criteria.choose_leaders(&portfolio).unwrap().len(), 10_000);
    let mut group = c.benchmark_group(format!("stability/n={n}"));
    group.sample_size(10);
    group.bench_function("leaders=10000", |b| {
        b.iter(|| {
            black_box(&criteria)
                .stability(black_box(&portfolio))
                .unwrap()
        });
    });
    // The floor: choosing the same leaders once.
    group.bench_function("choose_leaders", |b| {
        b.iter(|| {
            black_box(&criteria)
                .choose_leaders(black_box(&portfolio))
                .unwrap()
        });
    });
    group.finish();
    // Under `per_unit`, `per_sponsor` and a training capacity, 3 leaders:
    // each end is tried at the weights where a leader crosses another
    // candidate, `O(k N)` of them.
    let mut group = c.benchmark_group("stability_constrained");
    group.sample_size(10);
    let under: Criteria = generate::CONSTRAINTS.parse().unwrap();
    for n in [1_000, 10_000, 100_000] {
        let constrained = generate::constrained_portfolio(n);
        group.bench_function(format!("n={n}"), |b| {
            b.iter(|| {
                black_box(&under)
                    .stability(black_box(&constrained))
                    .unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(stability, benches);
criterion_main!(stability);
