//! SMAA: samples per second of `Criteria::acceptability` at 100 candidates
//! (the shipped `ranks`, the first 10, and `ranks = "all"`) and at 100,000,
//! on 1 and 2 threads, and how two threads scale from 1,000 samples (see
//! BENCHMARKS.md).

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;
use std::num::NonZeroUsize;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::{Criteria, Portfolio};

#[path = "common/generate.rs"]
mod generate;

const SAMPLES: u64 = 100_000;

/// Benches `criteria` over `portfolio` on each of `threads` as `name`.
fn run(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    criteria: &Criteria,
    portfolio: &Portfolio,
    threads: &[usize],
) {
    for &threads in threads {
        let threads = NonZeroUsize::new(threads).unwrap();
        group.bench_function(format!("{name}/threads={threads}"), |b| {
            b.iter(|| {
                black_box(criteria)
                    .acceptability(black_box(portfolio), threads)
                    .unwrap()
            });
        });
    }
}

fn n100(c: &mut Criterion) {
    let portfolio = generate::portfolio(100);
    let mut group = c.benchmark_group("smaa/n=100");
    group.throughput(Throughput::Elements(SAMPLES));
    group.sample_size(20);
    for (name, extra) in [
        ("simplex", ""),
        ("simplex_all", "ranks = \"all\""),
        (
            "simplex_order",
            "order = [\"sponsorship >= visibility\", \"lead >= duration\"]",
        ),
        ("around", "weights = \"around\"\nspread = 0.3"),
    ] {
        let criteria: Criteria = format!("[robustness]\nsamples = {SAMPLES}\n{extra}")
            .parse()
            .unwrap();
        run(&mut group, name, &criteria, &portfolio, &[1, 2]);
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
        run(
            &mut group,
            &format!("simplex_{name}"),
            &criteria,
            &constrained,
            &[1],
        );
    }
    group.finish();
}

/// 100,000 candidates: a thousand samples, with the shipped `ranks` and
/// with all.
fn n100k(c: &mut Criterion) {
    const SAMPLES: u64 = 1_000;
    let portfolio = generate::portfolio(100_000);
    let mut group = c.benchmark_group("smaa/n=100000");
    group.throughput(Throughput::Elements(SAMPLES));
    group.sample_size(10);
    for (name, extra) in [("simplex", ""), ("simplex_all", "ranks = \"all\"")] {
        let criteria: Criteria = format!("[robustness]\nsamples = {SAMPLES}\n{extra}")
            .parse()
            .unwrap();
        run(&mut group, name, &criteria, &portfolio, &[1, 2]);
    }
    group.finish();
}

/// Short runs at 100 candidates: what a second thread gives from 1,000
/// samples up.
fn short(c: &mut Criterion) {
    let portfolio = generate::portfolio(100);
    let mut group = c.benchmark_group("smaa/short/n=100");
    for samples in [1_000u64, 10_000] {
        group.throughput(Throughput::Elements(samples));
        let criteria = Criteria::default().with_samples(samples).unwrap();
        run(
            &mut group,
            &format!("samples={samples}"),
            &criteria,
            &portfolio,
            &[1, 2],
        );
    }
    group.finish();
}

criterion_group!(robustness, n100, n100k, short);
criterion_main!(robustness);
