//! SMAA: samples per second of `Criteria::acceptability` at 100 candidates,
//! on 1 and 2 threads (see BENCHMARKS.md).

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;
use std::num::NonZeroUsize;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::Criteria;

#[path = "common/generate.rs"]
mod generate;

const SAMPLES: u64 = 100_000;

fn benches(c: &mut Criterion) {
    let portfolio = generate::portfolio(100);
    let mut group = c.benchmark_group("smaa/n=100");
    group.throughput(Throughput::Elements(SAMPLES));
    group.sample_size(20);
    for (name, extra) in [
        ("simplex", ""),
        (
            "simplex_order",
            "order = [\"sponsorship >= visibility\", \"lead >= duration\"]",
        ),
        ("around", "weights = \"around\"\nspread = 0.3"),
    ] {
        let criteria: Criteria = format!("[robustness]\nsamples = {SAMPLES}\n{extra}")
            .parse()
            .unwrap();
        for threads in [1, 2] {
            let threads = NonZeroUsize::new(threads).unwrap();
            group.bench_function(format!("{name}/threads={threads}"), |b| {
                b.iter(|| {
                    black_box(&criteria)
                        .acceptability(black_box(&portfolio), threads)
                        .unwrap()
                });
            });
        }
    }
    // Each sample chooses under `per_unit`, `per_sponsor` and a capacity,
    // next to the same portfolio without them.
    let constrained = generate::constrained_portfolio(100);
    for (name, extra) in [
        ("constrained", generate::CONSTRAINTS),
        ("unconstrained", ""),
    ] {
        let criteria: Criteria = format!("{extra}[robustness]\nsamples = {SAMPLES}\n")
            .parse()
            .unwrap();
        let threads = NonZeroUsize::MIN;
        group.bench_function(format!("simplex_{name}/threads=1"), |b| {
            b.iter(|| {
                black_box(&criteria)
                    .acceptability(black_box(&constrained), threads)
                    .unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(robustness, benches);
criterion_main!(robustness);
